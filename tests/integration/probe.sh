# probe, probes import, downtime add|list, and the availability findings of
# inspect (site.unreachable, probe.insufficient, downtime.excess), end to
# end. Live probes go to gi_serve ($GI_SERVE) on 127.0.0.1, to a closed port
# and, when python3 is there, to a port that accepts and never answers; the
# judgement runs on an imported log dated 2020, so nothing waits for real
# time beyond a second or two and nothing leaves 127.0.0.1.
. "$(dirname "$0")/lib/assert.bash"
set -e
. "$(dirname "$0")/lib/serve.bash"
DB="$TMP/t.db"
gi() { "$GI" --db "$DB" --no-progress "$@"; }

now_ms() { date +%s%3N; }

mkdir -p empty
serve empty
CLOSED=$PORT
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true

mkdir -p live
cat >live/index.html <<'EOF'
<html><head><meta charset="utf-8"><title>示范县人民政府</title></head>
<body><h1>示范县人民政府</h1><p>政务公开、政务服务、互动交流。本站提供全县政务信息公开与办事服务。</p>
<a href="/about.html">关于我们</a></body></html>
EOF
cp live/index.html live/about.html
serve live
LIVE=$PORT
LIVE_PID=$SERVER_PID

{ echo "site_code,name,url"
  echo "6199000001,示范县人民政府,http://127.0.0.1:$LIVE/"
  echo "6199000002,停机网站,http://127.0.0.1:$CLOSED/"
  echo "6199000003,无首页网站,http://127.0.0.1:$LIVE/nothing/"; } >sites.csv
run gi sites import sites.csv
expect_rc 0 "sites import"

# --- usage errors.
run gi probe --site 6199009999
expect_rc 2 "unknown --site"; expect_err "no registered site has the code 6199009999"
run gi probe --rounds 0
expect_rc 2 "--rounds 0"
run gi probe --interval soon
expect_rc 2 "--interval soon"
run gi probe --resolve nohost
expect_rc 2 "bad --resolve"
run gi probe extra
expect_rc 2 "extra argument"

# --- one round: the live site answers, the closed port refuses, the missing
# homepage is a 404. Exit 3: some site failed.
run gi probe
expect_rc 3 "a round with failures"
expect_eq "$(grep -c . <<<"$OUT")" "4" "one line per probe and a summary"
expect_out "1 rounds, 3 sites: 3 probes stored (3 new), 2 failed"
CHECKS=$((CHECKS + 1)); grep -qE '^6199000001 [0-9T:.-]+\+08:00 ok HTTP 200 [0-9]+ ms$' <<<"$OUT" || fail "live probe line"
CHECKS=$((CHECKS + 1)); grep -qE '^6199000002 .* FAILED - [0-9]+ ms: connect: ' <<<"$OUT" || fail "closed port line"
CHECKS=$((CHECKS + 1)); grep -qE '^6199000003 .* FAILED HTTP 404 [0-9]+ ms: HTTP 404$' <<<"$OUT" || fail "404 line"

run gi probe --site 6199000001 --site 6199000001
expect_rc 0 "the live site alone"
expect_out "1 rounds, 1 sites: 1 probes stored (1 new), 0 failed"

# --- the homepage fails on command: removed, it is a 404; back, it is fine.
mv live/index.html live/index.off
run gi probe --site 6199000001
expect_rc 3 "homepage removed"; expect_out "FAILED HTTP 404"
mv live/index.off live/index.html

# --- two rounds one second apart: the interval runs from round start.
T0=$(now_ms)
run gi probe --site 6199000001 --site 6199000002 --rounds 2 --interval 1
T1=$(now_ms)
expect_rc 3 "two rounds"
expect_out "2 rounds, 2 sites: 4 probes stored (4 new), 2 failed"
expect_eq "$(grep -c '^6199000001 .* ok HTTP 200' <<<"$OUT")" "2" "two probes of the live site"
CHECKS=$((CHECKS + 1)); [ $((T1 - T0)) -ge 1000 ] && [ $((T1 - T0)) -lt 5000 ] || fail "two rounds took $((T1 - T0)) ms"
expect_err "shorter than the probe time limit"

run gi probe --summary
expect_rc 3 "--summary"
expect_out "6199000001 示范县人民政府: 1 probes, 0 failed"
expect_out "6199000002 停机网站: 1 probes, 1 failed"
expect_no_out "HTTP 200"

# --- Ctrl-C between rounds stops at once; the round done is stored.
T0=$(now_ms)
"$GI" --db "$DB" --no-progress probe --site 6199000001 --rounds 5 --interval 60 >stop.out 2>stop.err &
PROBE_PID=$!
for _ in $(seq 100); do grep -q "ok HTTP 200" stop.out 2>/dev/null && break; sleep 0.05; done
kill -INT "$PROBE_PID"
set +e; wait "$PROBE_PID"; RC=$?; set -e
T1=$(now_ms)
OUT=$(cat stop.out); ERR=$(cat stop.err)
expect_rc 3 "stopped by SIGINT"
expect_out "1 rounds, 1 sites: 1 probes stored (1 new), 0 failed"
expect_err "stopped before the last round ended"
CHECKS=$((CHECKS + 1)); [ $((T1 - T0)) -lt 5000 ] || fail "stopping took $((T1 - T0)) ms"

# --- a site that accepts and never answers holds only its own probe: the
# live site's probe in the same round is not delayed by it.
if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(16)
print(s.getsockname()[1], flush=True); time.sleep(60)' >hang.port </dev/null &
  HANG_PID=$!
  SERVERS="$SERVERS $HANG_PID"
  for _ in $(seq 100); do [ -s hang.port ] && break; sleep 0.05; done
  printf 'site_code,name,url\n6199000004,无响应网站,http://127.0.0.1:%s/\n' "$(head -n1 hang.port)" >hang.csv
  run gi sites import hang.csv
  T0=$(now_ms)
  run gi probe --site 6199000004 --site 6199000001 --timeout 1
  T1=$(now_ms)
  expect_rc 3 "a hanging site"
  CHECKS=$((CHECKS + 1)); grep -qE '^6199000004 .* FAILED - [0-9]+ ms: timeout: ' <<<"$OUT" || fail "hanging site times out"
  LIVE_MS=$(sed -n 's/^6199000001 .* ok HTTP 200 \([0-9]*\) ms$/\1/p' <<<"$OUT")
  CHECKS=$((CHECKS + 1)); [ -n "$LIVE_MS" ] && [ "$LIVE_MS" -lt 900 ] || fail "the live probe took '${LIVE_MS}' ms"
  CHECKS=$((CHECKS + 1)); [ $((T1 - T0)) -lt 4000 ] || fail "the round took $((T1 - T0)) ms"

  # Ctrl-C in the middle of a round: the probe cut short is not stored.
  T0=$(now_ms)
  "$GI" --db "$DB" --no-progress probe --site 6199000004 --timeout 20 >cut.out 2>cut.err &
  PROBE_PID=$!
  sleep 0.5
  kill -INT "$PROBE_PID"
  set +e; wait "$PROBE_PID"; RC=$?; set -e
  T1=$(now_ms)
  OUT=$(cat cut.out); ERR=$(cat cut.err)
  expect_rc 3 "stopped in a round"
  expect_out "1 rounds, 1 sites: 0 probes stored (0 new), 0 failed"
  CHECKS=$((CHECKS + 1)); [ $((T1 - T0)) -lt 3000 ] || fail "stopping a round took $((T1 - T0)) ms"
  kill "$HANG_PID" 2>/dev/null || true
fi

# What the live server was asked: homepages only, GET, nothing else.
kill "$LIVE_PID"; wait "$LIVE_PID" 2>/dev/null || true
LOG=$(cat "$TMP/live.log")
CHECKS=$((CHECKS + 1)); ! grep -qv '^GET /\(nothing/\)\?$' <<<"$LOG" || fail "unexpected requests: $LOG"

# --- probes import. The log: 20 probes a day on the 7 days ending
# 2020-08-10 for 6199000001, the first day stamped in Z; 2020-08-09 has 19.
# Failures: 6 timeouts on 08-05 (00:00-05:00), a 500 on 08-06 00:00 (to be
# covered by a reported outage), a 200 that took 16 s on 08-07 03:00. Two
# failures just outside the window (in Z). Then the bad rows.
{
  echo "site_code,time,ok,http_status,elapsed_ms,error"
  for h in $(seq 0 19); do
    # 2020-08-04 hh:00 +08:00 is 2020-08-03 (hh+16):00 Z until 08:00.
    if [ "$h" -lt 8 ]; then printf '6199000001,2020-08-03T%02d:00:00Z,1,200,120,\n' $((h + 16))
    else printf '6199000001,2020-08-04T%02d:00:00Z,true,200,120,\n' $((h - 8)); fi
  done
  for d in 05 06 07 08 09 10; do
    for h in $(seq -w 0 19); do
      [ "$d$h" = "0919" ] && continue
      if [ "$d" = 05 ] && [ "${h#0}" -lt 6 ]; then echo "6199000001,2020-08-${d}T$h:00:00+08:00,0,,,timeout: no answer in 15 s"
      elif [ "$d$h" = "0600" ]; then echo "6199000001,2020-08-${d}T$h:00:00+08:00,1,500,80,"
      elif [ "$d$h" = "0703" ]; then echo "6199000001,2020-08-${d}T$h:00:00+08:00,1,200,16000,"
      else echo "6199000001,2020-08-${d}T$h:00:00+08:00,1,200,95,"; fi
    done
  done
  echo "6199000001,2020-08-03T15:59:59Z,0,,,connect: refused"
  echo "6199000001,2020-08-10T16:00:00Z,0,,,connect: refused"
  echo "6199009999,2020-08-05T00:00:00+08:00,1,200,1,"
  echo "6199000001,2020-08-05T00:30:00,1,200,1,"
  echo "6199000001,2020-08-05T00:40:00+08:00,maybe,200,1,"
  echo "6199000001,2020-08-05T00:50:00+08:00,1,abc,1,"
  echo "6199000001,2020-08-05T00:55:00+08:00,1,200,-5,"
  echo "6199000001,2020-08-05T00:56:00+08:00,1,200,5,,surplus"
  echo ",,,,,"
  echo "6199000002,2020-08-05T01:00:00+08:00,,200,5,"
} >log.csv
run gi probes import log.csv
expect_rc 3 "import with bad rows"
expect_out "log.csv: 148 rows read (UTF-8): 141 probes stored, 0 already stored, 7 rejected"
expect_err "log.csv:143: no registered site has the code 6199009999"
expect_err "log.csv:144: time \"2020-08-05T00:30:00\" is not ISO 8601 with a UTC offset"
expect_err "log.csv:145: ok must be 1, 0, true or false, got 'maybe'"
expect_err "log.csv:146: http_status must be empty or a status code 100..999, got 'abc'"
expect_err "log.csv:147: elapsed_ms must be empty or a number of milliseconds, got '-5'"
expect_err "log.csv:148: the row has 7 fields but the header has 6"
expect_err "log.csv:150: required column 'ok' is empty"
expect_eq "$(grep -c 'log.csv:' <<<"$ERR")" "7" "one line per rejected row"

run gi probes import log.csv
expect_rc 3 "the same log again"
expect_out "0 probes stored, 141 already stored, 7 rejected"

# The same probes in GB18030 with Chinese headers, times in another offset:
# still stored once.
{ echo "网站标识码,探测时间,是否正常,状态码,耗时,错误信息"
  echo "6199000001,2020-08-05T01:00:00+09:00,0,,,超时"
  echo "6199000001,2020-08-07T09:00:00+08:00,1,200,95,"; } | iconv -f UTF-8 -t GB18030 >gbk.csv
run gi probes import gbk.csv
expect_rc 0 "GB18030 log"
expect_out "(GB18030): 0 probes stored, 2 already stored, 0 rejected"

run gi probes import sites.csv
expect_rc 1 "not a probe log"; expect_err "not a probe log"
run gi probes import missing.csv
expect_rc 1 "no such file"
run gi probes import
expect_rc 2 "no file"

# --- registered downtime.
run gi downtime add --site 6199000001 --from 2020-08-06T00:00:00+08:00 --to 2020-08-06T01:00:00+08:00 --reason 机房断电
expect_rc 0 "downtime add"; expect_out "downtime #1 added: 6199000001 report"
run gi downtime add --site 6199000001 --from 2020-08-05T16:00:00Z --to 2020-08-05T17:00:00Z --reason 重复
expect_rc 0 "the same period in UTC"; expect_out "downtime #1: 6199000001 report"; expect_out "already registered"
run gi downtime add --site 6199000001 --from 2020-01-01 --to 2020-02-15 --reason 网站改版 --kind takedown
expect_rc 0 "a long take-down"
expect_out "from 2020-01-01T00:00:00+08:00 to 2020-02-16T00:00:00+08:00 (46.00 days)"
run gi downtime add --site 6199000001 --from "2020-05-01 08:00" --to "2020-05-01 20:00" --reason 迁移 --kind takedown
expect_rc 0 "a second take-down"; expect_out "to 2020-05-01T20:00:00+08:00 (0.50 days)"
run gi downtime add --site 6199000001 --from 2020-05-02 --to 2020-05-01 --reason x
expect_rc 2 "--to before --from"
run gi downtime add --site 6199000001 --from 2020-05-01 --to 2020-05-02 --reason x --kind holiday
expect_rc 2 "unknown kind"
run gi downtime add --site 6199009999 --from 2020-05-01 --to 2020-05-02 --reason x
expect_rc 2 "unknown site"
run gi downtime add --site 6199000001 --from 2020-05-01 --to 2020-05-02
expect_rc 2 "no reason"
run gi downtime add --site 6199000001 --from tomorrow --to 2020-05-02 --reason x
expect_rc 2 "bad --from"

run gi downtime list
expect_rc 0 "downtime list"; expect_out "3 periods"; expect_out "机房断电"; expect_out "46.00"
run gi downtime list --site 6199000001 --format csv
expect_eq "$(sed -n 1p <<<"$OUT" | tr -d '\r')" "id,site_code,kind,from,to,days,reason" "csv header"
expect_eq "$(grep -c . <<<"$OUT")" "4" "csv: header and three periods"
run gi downtime list --site 6199000002 --format json
expect_rc 0; expect_out '"downtime": []'

# --- inspect: the round's as-of date covers the log. The crawl stays tiny
# (the server is down: only availability matters here).
serve empty
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
run gi inspect --round r1 --as-of 2020-08-10 --site 6199000001 --max-pages 1 --max-depth 0 --delay 0 --timeout 2
expect_out "round r1: 1 sites inspected"
run gi findings --round r1 --target 6199000001 --format json
expect_rc 0 "findings r1"
JSON=$OUT
expect_eq "$(grep -c '"kind": "site.unreachable"' <<<"$JSON")" "1" "one site.unreachable finding"
expect_out '"indicator": "site.unreachable"'
expect_out '"probes": 139'
expect_out '"excluded": 1'
expect_out '"counted": 138'
expect_out '"failed": 7'
expect_out '"rule": ">= 0.05"'
expect_eq "$(grep -c '"reason": "timeout: no answer in 15 s"' <<<"$JSON")" "6" "the six timeouts listed"
expect_out '"reason": "took 16.0 s'
expect_no_out '"reason": "HTTP 500"' "the 500 inside the outage is not a failure"
expect_eq "$(grep -c '"kind": "probe.insufficient"' <<<"$JSON")" "1" "one day with too few probes"
expect_out '"summary": "2020-08-09: 19 probes stored'
expect_eq "$(grep -c '"kind": "downtime.excess"' <<<"$JSON")" "2" "too many take-downs, one too long"
expect_out "2 take-downs in the 12 months ending 2020-08-10"
expect_out "a take-down of 46.0 days"

run gi findings --round r1 --target 6199000001 --format csv
row() { tr -d '\r' <<<"$OUT" | awk -F, -v k="$1" '$5 == k { print $4 "," $6 }' | sort -u; }
expect_eq "$(row site.unreachable)" "site.unreachable,confirmed" "indicator and status"
expect_eq "$(row probe.insufficient)" "probe.insufficient,confirmed" "informational"

# A later round: no probe in its window, availability not judged.
run gi inspect --round r2 --as-of 2020-08-20 --site 6199000001 --max-pages 1 --max-depth 0 --delay 0 --timeout 2
run gi findings --round r2 --target 6199000001 --format json
expect_eq "$(grep -c '"kind": "probe.insufficient"' <<<"$OUT")" "1" "one finding for a window without probes"
expect_out "no probe stored from 2020-08-14 to 2020-08-20"
expect_no_out '"kind": "site.unreachable"'
expect_out "availability not judged"

# The six timeouts were a reported outage after all: re-judged, the veto is
# gone (1 failure of 132 counted), and its finding with it.
run gi downtime add --site 6199000001 --from 2020-08-05 --to "2020-08-05T06:00:00+08:00" --reason 线路故障
expect_rc 0 "a second outage"
run gi inspect --round r1 --site 6199000001 --max-pages 1 --max-depth 0 --delay 0 --timeout 2
run gi findings --round r1 --target 6199000001 --format json
expect_no_out '"kind": "site.unreachable"'
run gi findings --round r1 --target 6199000001 --status gone --format json
expect_out '"kind": "site.unreachable"'

finish
