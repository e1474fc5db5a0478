# The security, page-tag and footer-identity checks through `govinspect
# inspect` on a small fixture site (tests/data/security_site) served by
# gi_serve on 127.0.0.1: two hidden gambling links, a script from a
# harmful-list domain and a forged date start as pending review; the footer
# and page-tag deductions start confirmed. Nothing leaves 127.0.0.1: the
# external hosts are mapped by --resolve to a port where nothing listens.
. "$(dirname "$0")/lib/assert.bash"
set -e
. "$(dirname "$0")/lib/serve.bash"
DB="$TMP/t.db"
gi() { "$GI" --db "$DB" --no-progress "$@"; }

mkdir -p empty
serve empty
CLOSED=$PORT
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true

cp -R "$SRC/tests/data/security_site" site
for f in site/*.html; do
  sed "s/@CLOSED_PORT@/$CLOSED/g" "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done
serve site
BASE="http://127.0.0.1:$PORT"

printf 'site_code,name,url,hosts,unit,kind,services,org,icp,psb\n' >sites.csv
printf '6199000001,示范县人民政府,%s/,,示范县人民政府办公室,portal,yes,示范县,示ICP备12345678号,\n' "$BASE" >>sites.csv
run gi sites import sites.csv
expect_rc 0 "import"

run gi inspect --round r1 --as-of 2020-08-10 --sites-only --delay 0 --timeout 5 \
  --resolve "casino.test:$CLOSED:127.0.0.1" --resolve "bet.test:$CLOSED:127.0.0.1" \
  --resolve "000wyt.com:$CLOSED:127.0.0.1"
expect_rc 0 "inspect"
expect_out "6199000001: 3 pages"

run gi findings --round r1 --format json
expect_rc 0 "findings json"
# One line per finding: kind, status and subject, from the JSON.
LINES=$(printf '%s' "$OUT" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    print(f["kind"], f["status"], f["subject"])
')
has() { CHECKS=$((CHECKS + 1)); grep -qxF -- "$1" <<<"$LINES" || fail "no finding: $1"; }
hasnt() { CHECKS=$((CHECKS + 1)); ! grep -q -- "$1" <<<"$LINES" || fail "unexpected finding: $1"; }
has "link.hidden_harmful pending http://casino.test:$CLOSED/"
has "link.hidden_harmful pending http://bet.test:$CLOSED/"
has "script.harmful pending http://000wyt.com:$CLOSED/tongji.js"
has "date.forged pending $BASE/article.html"
has "identity.psb confirmed footer"
has "identity.conac confirmed footer"
has "identity.zhaocuo confirmed footer"
has "identity.domain confirmed domain"
has "tags.missing confirmed $BASE/article.html"
hasnt "^identity.site_code"
hasnt "^identity.icp"
hasnt "^identity.sponsor"
hasnt "^identity.contact"
hasnt "^tags.missing confirmed $BASE/$"
hasnt "^tags.missing confirmed $BASE/news.html"
expect_eq "$(grep -c '^link.hidden' <<<"$LINES" || true)" 2 "exactly the two hidden links"

# The evidence names how each link is hidden and the page holding it.
run gi findings --round r1 --format json
expect_out '"hidden_by": "display:none"'
expect_out '"hidden_by": "font-size:0"'
expect_out '"text": "澳门赌场"'

# A re-run keeps the findings (and their review state).
run gi inspect --round r1 --sites-only --delay 0 --timeout 5 \
  --resolve "casino.test:$CLOSED:127.0.0.1" --resolve "bet.test:$CLOSED:127.0.0.1" \
  --resolve "000wyt.com:$CLOSED:127.0.0.1"
expect_rc 0 "inspect again"
run gi findings --round r1 --format json
expect_out "casino.test"
finish
