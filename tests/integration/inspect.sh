# inspect and findings end to end: a fixture site served on 127.0.0.1 by
# gi_serve ($GI_SERVE), with one broken internal link on the homepage, one
# broken external link (ext.test, mapped by --resolve to a closed port on
# 127.0.0.1) and one soft 404 on an inner page; re-runs, a dead site, and the
# usage errors. Nothing here leaves 127.0.0.1: every name is 127.0.0.1 or
# mapped by --resolve, and proxies from the environment are dropped.
. "$(dirname "$0")/lib/assert.bash"
set -e
. "$(dirname "$0")/lib/serve.bash"
DB="$TMP/t.db"
gi() { "$GI" --db "$DB" --no-progress "$@"; }

# A port where nothing listens: a server's, once it is stopped.
mkdir -p empty
serve empty
CLOSED=$PORT
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true

# --- the fixture site, its external link pointing at the closed port.
cp -R "$SRC/tests/data/site" site
for f in site/*.html; do
  sed "s/@CLOSED_PORT@/$CLOSED/g" "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done
serve site
SITE_PORT=$PORT
SITE_PID=$SERVER_PID
BASE="http://127.0.0.1:$SITE_PORT"
EXT="http://ext.test:$CLOSED/partner.html"
RESOLVE="ext.test:$CLOSED:127.0.0.1"

printf 'site_code,name,url\n6199000001,示范县人民政府,%s/\n' "$BASE" >sites.csv
run gi sites import sites.csv
expect_rc 0 "import"; expect_out "1 new"
# The site was probed 20 times a day, all well, in the 7 days ending at the
# as-of date: availability adds no finding (probe.sh tests it).
{ echo "site_code,time,ok,http_status,elapsed_ms,error"
  for d in 04 05 06 07 08 09 10; do for h in $(seq -w 0 19); do
    echo "6199000001,2020-08-${d}T$h:00:00+08:00,1,200,100,"; done; done; } >probes.csv
run gi probes import probes.csv
expect_rc 0 "probes import"; expect_out "140 probes stored"

# --- usage errors (exit 2), before any round exists.
run gi findings --round r1
expect_rc 2 "findings of a round that does not exist"; expect_err "no round named r1"
run gi findings
expect_rc 2 "findings without --round"
run gi inspect --as-of 2020-08-10 --sites-only --delay 0
expect_rc 2 "no --round"; expect_err "--round is required"
run gi inspect --round r1 --as-of 2020-13-45 --sites-only --delay 0
expect_rc 2 "bad --as-of"; expect_err "--as-of must be a date"
run gi inspect --round r1 --as-of yesterday --delay 0
expect_rc 2 "bad --as-of (word)"
run gi inspect --round r1 --sites-only --delay 0
expect_rc 2 "new round without --as-of"; expect_err "give --as-of"
run gi inspect --round r1 --as-of 2020-08-10 --delay 0 --resolve ext.test
expect_rc 2 "bad --resolve"
run gi inspect --round r1 --as-of 2020-08-10 --delay fast
expect_rc 2 "bad --delay"

# --- the first inspection.
run gi inspect --round r1 --as-of 2020-08-10 --sites-only --delay 0 --timeout 5 --resolve "$RESOLVE"
expect_rc 0 "inspect r1"
expect_out "6199000001: 4 pages, 8 links, 3 broken"
expect_out "round r1: 1 sites inspected, 4 pages, 3 broken links,"
expect_no_out "incomplete"
expect_no_err "warning"

# robots.txt: /private/ was never requested (the server would have served it).
run gi findings --round r1 --format json
expect_rc 0 "findings json"
expect_no_out "/private/"
expect_eq "$(grep -c '"kind": "link.broken"' <<<"$OUT")" "3" "exactly three link.broken findings"
expect_out '"url": "'"$BASE"'/missing.html"'
expect_out '"url": "'"$BASE"'/notice.html"'
expect_out '"url": "'"$EXT"'"'
expect_out '"soft404": true'
expect_out '"referrers": ['
expect_out '"text": "办事服务"'
expect_out '"text": "市政务服务网"'
expect_out '"status": "confirmed"'
expect_no_out "news.html" "the article 全市404个项目开工 is not a soft 404"
JSON1=$OUT

# Which indicator each finding counts under, from the CSV (columns: id,
# round, target, indicator, kind, status, url, ...).
run gi findings --round r1 --format csv
expect_rc 0 "findings csv"
expect_eq "$(sed -n 1p <<<"$OUT" | tr -d '\r')" \
  "id,round,target,indicator,kind,status,url,source_url,observed_at,summary,evidence" "csv header"
expect_eq "$(grep -c ',link.broken,' <<<"$OUT")" "3" "csv: three link rows"
row_of() { tr -d '\r' <<<"$OUT" | awk -F, -v u="$1" '$7 == u { print $1 "," $4 "," $5 "," $6 "," $8 }'; }
ID_MISSING=$(row_of "$BASE/missing.html" | cut -d, -f1)
ID_NOTICE=$(row_of "$BASE/notice.html" | cut -d, -f1)
ID_EXT=$(row_of "$EXT" | cut -d, -f1)
expect_eq "$(row_of "$BASE/missing.html" | cut -d, -f2-)" "link.broken_home,link.broken,confirmed,$BASE/" "missing.html"
expect_eq "$(row_of "$BASE/notice.html" | cut -d, -f2-)" "link.broken_page,link.broken,confirmed,$BASE/about.html" "soft 404"
expect_eq "$(row_of "$EXT" | cut -d, -f2-)" "link.broken_page,link.broken,confirmed,$BASE/about.html" "external"

run gi findings --round r1
expect_rc 0 "findings table"
expect_out "link.broken_home"; expect_out "link.broken_page"
expect_out "6199000001"; expect_out "soft 404"
run gi findings --round r1 --format xml
expect_rc 2 "unknown format"

# --- a re-run: same output, same finding ids, nothing new.
run gi inspect --round r1 --sites-only --delay 0 --timeout 5 --resolve "$RESOLVE"
expect_rc 0 "re-run without --as-of"
expect_out "6199000001: 4 pages, 8 links, 3 broken"
run gi inspect --round r1 --as-of 2020-08-10 --delay 0 --timeout 5 --resolve "$RESOLVE"
expect_rc 0 "re-run with the same --as-of"
run gi findings --round r1 --format csv
expect_eq "$(grep -c ',link.broken,' <<<"$OUT")" "3" "still three link findings"
expect_eq "$(row_of "$BASE/missing.html" | cut -d, -f1)" "$ID_MISSING" "id kept (missing)"
expect_eq "$(row_of "$BASE/notice.html" | cut -d, -f1)" "$ID_NOTICE" "id kept (soft 404)"
expect_eq "$(row_of "$EXT" | cut -d, -f1)" "$ID_EXT" "id kept (external)"

run gi inspect --round r1 --site 6199009999 --delay 0 --resolve "$RESOLVE"
expect_rc 2 "unknown --site"; expect_err "no registered site has the code 6199009999"
# A usage error creates no round.
run gi inspect --round fresh --as-of 2020-08-10 --site 6199009999 --delay 0
expect_rc 2 "unknown --site, new round"
run gi findings --round fresh
expect_rc 2 "no round was created"; expect_err "no round named fresh"

# --as-of is fixed when the round is created.
run gi inspect --round r1 --as-of 2020-08-11 --delay 0 --resolve "$RESOLVE"
expect_rc 2 "--as-of different from the round's"; expect_err "2020-08-10"

# --- a site whose server is dead: incomplete, exit 3; what the first site
# established stays.
serve empty
DEAD=$PORT
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
printf 'site_code,name,url\n6199000002,停机网站,http://127.0.0.1:%s/\n' "$DEAD" >dead.csv
run gi sites import dead.csv
expect_rc 0 "import dead site"
run gi inspect --round r1 --site 6199000002 --delay 0 --timeout 5
expect_rc 3 "dead site"
expect_out "6199000002: 0 pages"; expect_out "incomplete"
expect_err "could not be fully checked"
run gi findings --round r1 --target 6199000002 --format json
expect_rc 0
expect_out '"kind": "crawl.incomplete"'
expect_no_out '"kind": "link.broken"'
run gi findings --round r1 --target 6199000001 --format csv
expect_eq "$(grep -c ',link.broken,confirmed' <<<"$OUT")" "3" "the first site's findings are untouched"

# --- the missing page is put up: its finding is gone, the others stay.
printf '<html><head><meta charset="utf-8"><title>办事服务</title></head><body><p>办事服务栏目。</p></body></html>\n' \
  >site/missing.html
run gi inspect --round r1 --site 6199000001 --delay 0 --timeout 5 --resolve "$RESOLVE"
expect_rc 0 "after the fix"
expect_out "6199000001: 5 pages, 8 links, 2 broken"
run gi findings --round r1 --target 6199000001 --status gone --format csv
expect_eq "$(row_of "$BASE/missing.html" | cut -d, -f1,4)" "$ID_MISSING,gone" "fixed link is gone"
run gi findings --round r1 --target 6199000001 --format csv
expect_eq "$(grep -c ',link.broken,' <<<"$OUT")" "2" "two link findings left (gone ones hidden)"
expect_eq "$(row_of "$BASE/notice.html" | cut -d, -f1)" "$ID_NOTICE" "id kept after the fix"

# --- what the site's server was asked: robots.txt first, never /private/,
# the soft 404 page fetched once per run.
kill "$SITE_PID"; wait "$SITE_PID" 2>/dev/null || true
LOG=$(cat "$TMP/site.log")
expect_eq "$(head -n1 <<<"$LOG")" "GET /robots.txt" "robots.txt is read first"
CHECKS=$((CHECKS + 1)); ! grep -q " /private/" <<<"$LOG" || fail "/private/ was requested"
expect_eq "$(grep -c '^GET /notice.html$' <<<"$LOG")" "4" "one fetch of the soft 404 per run"
expect_eq "$(grep -c '^GET /robots.txt$' <<<"$LOG")" "4" "robots.txt once per run"

# --- resuming an interrupted round. Three sites, each on its own server (its
# own request log) and host name, so the politeness delay holds each apart:
# ra and rb are small and done within a second; rc has 40 pages, 60 ms
# apart. A run is stopped (SIGINT, then SIGKILL in a second round) once the
# store records ra and rb as done; re-running the round must not crawl them
# again, and must end with the findings of an uninterrupted run.
if ! command -v sqlite3 >/dev/null; then
  echo "resume part skipped: no sqlite3 program" >&2
  finish
fi
mkresume() { # DIR NPAGES
  mkdir -p "$1"
  printf 'User-agent: *\nDisallow: /private/\n' >"$1/robots.txt"
  { echo '<html><head><meta charset="utf-8"><title>首页</title></head><body><div class="nav">'
    for i in $(seq "$2"); do echo "<a href=\"p$i.html\">第${i}栏目</a>"; done
    echo '</div><p>示范县人民政府门户网站，提供政务公开、办事服务和互动交流。</p></body></html>'
  } >"$1/index.html"
  for i in $(seq "$2"); do
    printf '<html><head><meta charset="utf-8"><title>栏目%s</title></head><body><p>栏目%s的内容，政务公开。</p><a href="/">首页</a> <a href="gone%s.html">旧文件</a></body></html>\n' \
      "$i" "$i" "$i" >"$1/p$i.html"
  done
}
mkresume ra 2; mkresume rb 2; mkresume rc 40
RESUME_RESOLVE=()
{ echo "site_code,name,url"
  n=1
  for d in ra rb rc; do
    serve "$d"
    eval "PID_$d=$SERVER_PID"
    RESUME_RESOLVE+=(--resolve "$d.test:$PORT:127.0.0.1")
    echo "619900010$n,续检$d,http://$d.test:$PORT/"
    n=$((n + 1))
  done; } >resume.csv
run gi sites import resume.csv
expect_rc 0 "import the resume sites"
RESUME_SITES=(--site 6199000101 --site 6199000102 --site 6199000103)
resume_run() { # DB ROUND
  "$GI" --db "$1" --no-progress inspect --round "$2" --as-of 2020-08-10 --sites-only \
    --delay 60 --timeout 5 "${RESUME_RESOLVE[@]}" "${RESUME_SITES[@]}"
}
# The findings that count, without ids and times, and the targets' state.
resume_findings() { # DB ROUND
  sqlite3 "$1" "SELECT f.target, f.kind, f.subject, f.indicator, f.status, f.url, f.source_url
                FROM findings f JOIN rounds r ON r.id = f.round_id
                WHERE r.name = '$2' AND f.status <> 'gone' AND f.target LIKE '61990001%'
                ORDER BY 1, 2, 3;
                SELECT t.target, t.state, t.reason FROM round_targets t JOIN rounds r ON r.id = t.round_id
                WHERE r.name = '$2' AND t.target LIKE '61990001%' ORDER BY 1;"
}
done_sites() { # DB ROUND
  sqlite3 "$1" "SELECT count(*) FROM crawl_state c JOIN rounds r ON r.id = c.round_id WHERE r.name = '$2'" 2>/dev/null || echo 0
}
# resume_interrupt SIGNAL ROUND: starts the round, stops it with SIGNAL once
# two sites are done.
resume_interrupt() {
  # the program itself, not a subshell, must get the signal
  "$GI" --db "$DB" --no-progress inspect --round "$2" --as-of 2020-08-10 --sites-only \
    --delay 60 --timeout 5 "${RESUME_RESOLVE[@]}" "${RESUME_SITES[@]}" >"$TMP/.resume.out" 2>&1 &
  local pid=$! i
  for i in $(seq 300); do
    [ "$(done_sites "$DB" "$2")" -ge 2 ] && break
    sleep 0.05
  done
  kill "-$1" "$pid"
  set +e; wait "$pid" 2>/dev/null; RC=$?; set -e
  OUT=$(cat "$TMP/.resume.out"); ERR=""
}
# The uninterrupted run, in a database of its own.
cp "$DB" ref.db
run resume_run ref.db ref
expect_rc 0 "uninterrupted run"
expect_out "6199000103: 41 pages, 81 links, 40 broken"
REF=$(resume_findings ref.db ref)
expect_eq "$(grep -c '|link.broken|' <<<"$REF")" "44" "the uninterrupted run finds every broken link"
expect_eq "$(done_sites ref.db ref)" "0" "a finished run leaves no crawl state"

resume_interrupt INT ri
expect_rc 3 "Ctrl-C: done, but a site is incomplete"
expect_out "6199000103: "; expect_out "the crawl was interrupted"
expect_no_out "Sanitizer"
expect_eq "$(done_sites "$DB" ri)" "2" "Ctrl-C: two sites recorded as done"
run gi findings --round ri --target 6199000103 --format csv
expect_out "crawl.incomplete"
run resume_run "$DB" ri
expect_rc 0 "re-run after Ctrl-C"
expect_err "6199000101: inspected before the run was interrupted"
expect_err "6199000102: inspected before the run was interrupted"
expect_out "6199000103: 41 pages, 81 links, 40 broken"
expect_eq "$(resume_findings "$DB" ri | sed 's/^/x/')" "$(sed 's/^/x/' <<<"$REF")" "Ctrl-C: the findings of an uninterrupted run"
expect_eq "$(done_sites "$DB" ri)" "0" "the finished round leaves no crawl state"

resume_interrupt KILL rk
expect_eq "$(done_sites "$DB" rk)" "2" "kill -9: two sites recorded as done"
run resume_run "$DB" rk
expect_rc 0 "re-run after kill -9"
expect_err "6199000101: inspected before the run was interrupted"
expect_eq "$(resume_findings "$DB" rk)" "$REF" "kill -9: the findings of an uninterrupted run"

# store_error DB ROUND WHEN WHAT: a trigger refusing the findings WHEN
# selects makes the run fail; site rc must then not count as checked, and
# once the trigger is gone a re-run gives the findings of an uninterrupted run.
store_error() {
  cp "$DB" "$1"
  sqlite3 "$1" "CREATE TRIGGER refuse BEFORE INSERT ON findings WHEN $3
                BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
  run resume_run "$1" "$2"
  expect_rc 1 "$4: the run fails"
  expect_err "refused by the test"
  expect_eq "$(sqlite3 "$1" "SELECT count(*) FROM round_targets t JOIN rounds r ON r.id = t.round_id
                             WHERE r.name = '$2' AND t.target = '6199000103'")" "0" \
    "$4: the failed site is not recorded as checked"
  sqlite3 "$1" "DROP TRIGGER refuse"
  run resume_run "$1" "$2"
  expect_rc 0 "$4: the re-run"
  expect_eq "$(resume_findings "$1" "$2")" "$REF" "$4: the re-run gives the findings of an uninterrupted run"
}
# One finding of rc refused in the middle of the crawl.
store_error fail.db rf "NEW.subject LIKE '%/gone7.html'" "a store error during the crawl"
# The same in a site's fetch step (the modules that fetch after the crawl,
# e.g. interaction, record there): the site's crawl findings were committed
# at its end, yet it must not be recorded as checked, complete or otherwise.
store_error failf.db rg "NEW.target = '6199000103' AND (NEW.kind LIKE 'interaction.%'
                         OR NEW.kind LIKE 'search.%' OR NEW.kind LIKE 'service.%')" \
  "a store error in the fetch step"

# Another process shares the database during a crawl (the probe timer): the
# crawl holds the write lock only while it commits, never for the crawl.
cp "$DB" lock.db
"$GI" --db lock.db --no-progress inspect --round rl --as-of 2020-08-10 --sites-only \
  --delay 100 --timeout 5 "${RESUME_RESOLVE[@]}" --site 6199000103 >"$TMP/.lock.out" 2>&1 &
LOCK_PID=$!
# Write while it crawls (40 pages, 100 ms apart): each try may wait 2 s.
LOCKED=0 TRIES=0
while kill -0 "$LOCK_PID" 2>/dev/null; do
  sqlite3 -cmd ".timeout 2000" lock.db "BEGIN IMMEDIATE; COMMIT;" 2>/dev/null || LOCKED=$((LOCKED + 1))
  TRIES=$((TRIES + 1))
  sleep 0.2
done
set +e; wait "$LOCK_PID"; RC=$?; set -e
expect_eq "$LOCKED" "0" "another writer gets the database during a crawl ($TRIES tries)"
expect_eq "$RC" "0" "the crawl itself goes on"

# A finished round run again is crawled afresh (and refreshed).
run resume_run "$DB" ri
expect_rc 0 "re-run of the finished round"
expect_out "6199000101: 3 pages"
expect_no_err "inspected before"
expect_eq "$(resume_findings "$DB" ri)" "$REF" "the refreshed round"

# What the servers were asked: ra's robots.txt by the reference run, the two
# interrupted runs, the two runs that failed on a store error and the last
# full run (6), never by the resumed runs nor the re-runs after the failures
# (ra was done before them); rc's by every run (11, with the one beside
# another writer). (The pages holding evidence are fetched once more
# at the end of a run to keep their copies: after the kill, those of ra
# were not kept yet, and the resumed run fetched them, and them only.)
for d in ra rb rc; do eval "kill \$PID_$d; wait \$PID_$d 2>/dev/null || true"; done
for d in ra rb; do
  expect_eq "$(grep -c '^GET /robots.txt$' "$TMP/$d.log")" "6" "$d: robots.txt not read again on resuming"
done
expect_eq "$(grep -c '^GET /robots.txt$' "$TMP/rc.log")" "11" "rc: crawled by every run"

finish
