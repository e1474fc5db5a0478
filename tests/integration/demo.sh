# The README's main command on the bundled demo world: `govinspect demo`
# imports data/demo, serves its sites on 127.0.0.1, runs the round "demo" and
# writes the 通报. The round must hold the defects the world was built with
# (tests/acceptance/worldgen.py demo): the stale columns, the stale homepage,
# the broken links, the unreachable site, the hidden gambling link and the
# accounts' problems; and nothing on the healthy site. Assertions on kinds
# whose module is not in this build yet are skipped with a message.
. "$(dirname "$0")/lib/assert.bash"
set -e
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
if ! command -v python3 >/dev/null 2>&1; then
  echo "skipped: python3 is needed to read the findings" >&2
  exit 77
fi
DB="$TMP/demo.db"

# data/demo is the generator's output, byte for byte: its sites repeat their
# templates on every page as real sites do, and that repetition must come
# from tests/acceptance/worldgen.py, never from files edited by hand.
python3 "$SRC/tests/acceptance/worldgen.py" demo "$TMP/regen" >/dev/null
expect_eq "$(diff -r "$SRC/data/demo" "$TMP/regen" | head -5)" "" \
  "data/demo equals worldgen.py's output (change the generator, then run it)"

run "$GI" --db "$DB" --no-progress demo --out "$TMP/out"
# 3 would mean a site could not be fully checked: not in the demo.
expect_rc 0 "demo"
expect_out "6 rows read"; expect_out "1008 probes stored"
expect_out "Serving the demo sites on 127.0.0.1:"
expect_out "round demo: 6 sites inspected"
expect_no_err "warning"
DEMO_OUT=$OUT

# Running it again on its own database refreshes the round.
run "$GI" --db "$DB" --no-progress demo --out "$TMP/out"
expect_rc 0 "demo again"

# A database that holds other sites is refused.
printf 'site_code,name,url\n6100000001,其他网站,http://127.0.0.1:9/\n' >other.csv
"$GI" --db "$TMP/other.db" --no-progress sites import other.csv >/dev/null
run "$GI" --db "$TMP/other.db" --no-progress demo --out "$TMP/out2"
expect_rc 2 "demo on a database with other sites"; expect_err "fresh database"

run "$GI" --db "$DB" --no-progress findings --round demo --format json
expect_rc 0 "findings"
printf '%s' "$OUT" >"$TMP/findings.json"
# One line per active finding: TARGET INDICATOR KIND STATUS
python3 - "$TMP/findings.json" >"$TMP/f.txt" <<'EOF'
import json, sys
for f in json.load(open(sys.argv[1], encoding="utf-8"))["findings"]:
    if f["status"] in ("gone", "dismissed"):
        continue
    print(f["target"], f["indicator"], f["kind"], f["status"], f.get("url") or "")
EOF
count() { grep -c -- "$1" "$TMP/f.txt" || true; }
has() { CHECKS=$((CHECKS + 1)); grep -q -- "$1" "$TMP/f.txt" || { OUT=$(cat "$TMP/f.txt"); fail "${2:-} findings lack: $1"; }; }
hasnt() { CHECKS=$((CHECKS + 1)); ! grep -q -- "$1" "$TMP/f.txt" || { OUT=$(cat "$TMP/f.txt"); fail "${2:-} findings have: $1"; }; }
# module_built FILE: whether that module's source is in this tree.
module_built() { [ -f "$SRC/src/$1" ]; }

# 6199000001 示范市人民政府: healthy.
hasnt "^6199000001 site\." "the healthy site has no veto"
hasnt "^6199000001 link\." "the healthy site has no broken link"
# 6199000002 住建局: 11 stale columns, a veto.
expect_eq "$(count '^6199000002 site.column_stale column.stale confirmed')" 11 "stale columns of 6199000002"
# 6199000003 科技局: stale homepage (and its news columns, as deductions).
has "^6199000003 site.home_stale home.stale confirmed" "stale homepage"
hasnt "^6199000003 site.column_stale" "news columns alone do not veto"
# 6199000004 统计局: three broken links on the homepage, and 按装.
expect_eq "$(count '^6199000004 link.broken_home link.broken confirmed')" 3 "broken homepage links"
has "^6199000004 link.broken_home link.broken confirmed http://www.old-partner.gov.cn/" "dead external link"
if grep -rqs '"text.typo"' "$SRC"/src/checks/*.c; then
  has "^6199000004 content.typo" "the typo 按装"
else
  echo "skipped: typo: no check module records text.typo yet" >&2
fi
# 6199020001 东区: the hidden gambling links (pending review).
if module_built checks/security.c; then
  expect_eq "$(count '^6199020001 site.security link.hidden_harmful pending')" 2 "hidden gambling links"
else
  echo "skipped: hidden links: src/checks/security.c is not in this build" >&2
fi
# 6199030001 西县 (GBK pages): unreachable in the probe log, 12 of 168.
has "^6199030001 site.unreachable site.unreachable confirmed" "unreachable site"
hasnt "^6199000003 site.unreachable" "2 failed probes of 168 are below 5%"
hasnt "^6199030001 link\." "the GBK site's links all work"
# Accounts.
if [ -d "$SRC/src/media" ] && ls "$SRC"/src/media/*.c >/dev/null 2>&1; then
  has "^wx-0002 media.stale media.stale confirmed" "stale account"
  has "^wb-0001 media.interaction media.interaction confirmed" "interaction closed"
  has "^dy-0001 media.comment_ads media.comment_ads pending" "advertising comment"
  has "^wx-0101 media.interaction media.interaction_unknown pending" "RSS: interaction unknown"
  hasnt "^wx-0001 media\.[a-z_]* [a-z._]* confirmed" "healthy account"
  hasnt "^tt-0001 media\.[a-z_]* [a-z._]* confirmed" "healthy account"
else
  echo "skipped: accounts: src/media is not in this build" >&2
fi

# --connect-to on probe (inspect's is used by the demo): the demo world
# served by gi_serve --hosts, one site probed by its own name.
. "$(dirname "$0")/lib/serve.bash"
serve --hosts "$SRC/data/demo/www"
"$GI" --db "$TMP/probe.db" --no-progress sites import "$SRC/data/demo/sites.csv" >/dev/null
run "$GI" --db "$TMP/probe.db" --no-progress probe --site 6199000004 --connect-to "::127.0.0.1:$PORT"
expect_rc 0 "probe through --connect-to"; expect_out "6199000004"; expect_out "HTTP 200"
for args in "probe" "inspect --round x --as-of 2020-08-10"; do
  run "$GI" --db "$TMP/probe.db" --no-progress $args --connect-to "www.shifan.gov.cn:80:127.0.0.1"
  expect_rc 2 "$args: bad --connect-to"; expect_err "--connect-to takes HOST:PORT:CONNECT-HOST:CONNECT-PORT"
done

# The verdicts and the 通报 in every format.
OUT=$DEMO_OUT
expect_out "6199000002  示范市住房和城乡建设局  fail             多个栏目更新不及时"
expect_out "6199030001  示范市西县人民政府      fail             站点无法访问"
expect_out "wx-0002     示范住建                fail             监测时间点2周内未更新"
for f in md html docx xlsx; do
  CHECKS=$((CHECKS + 1))
  [ -s "$TMP/out/通报-2020年第三季度.$f" ] || fail "no $f report in $TMP/out"
done
expect_out "$TMP/out/通报-2020年第三季度.md: report of round demo"
OUT=$(cat "$TMP/out/通报-2020年第三季度.md")
expect_out "| 1 | 示范市西县人民政府 | 6199030001 | 站点无法访问 |"
expect_out "2020年8月17日"
finish
