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
expect_out "6199000001: 5 pages, 8 links, 3 broken"
expect_out "round r1: 1 sites inspected, 5 pages, 3 broken links,"
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
expect_out "6199000001: 5 pages, 8 links, 3 broken"
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
expect_out "6199000001: 6 pages, 8 links, 2 broken"
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

finish
