# Interaction, service and search checks through the CLI: a generated world
# of 16 sites (bench/world6/gen_world.py: message lists as tables, ul/li and
# detail pages, paginated; channels on and off the site's scope; guides,
# attachments, search forms by GET and POST) served by gi_serve, inspected
# by `govinspect inspect`, its findings scored against the generator's
# expectations: every site must match exactly, and a re-run keeps them.
# Nothing leaves 127.0.0.1.
. "$(dirname "$0")/lib/assert.bash"
set -e
. "$(dirname "$0")/lib/serve.bash"
command -v python3 >/dev/null || { echo "skipped: python3 is not installed" >&2; exit 77; }
DB="$TMP/t.db"
gi() { "$GI" --db "$DB" --no-progress "$@"; }

python3 "$SRC/bench/world6/gen_world.py" "$TMP" 16 2020-08-31 11
serve world
python3 "$SRC/bench/world6/gen_world.py" --sites "$TMP/truth.json" "$PORT" >sites.csv
run gi sites import sites.csv
expect_rc 0 "import"

for pass in first second; do
  run gi inspect --round w6 --as-of 2020-08-31 --sites-only --delay 0 --timeout 10
  expect_rc 0 "inspect ($pass)"
  run gi findings --round w6 --format json
  expect_rc 0 "findings ($pass)"
  printf '%s' "$OUT" >findings.json
  run python3 "$SRC/bench/world6/score.py" truth.json findings.json "$PORT"
  expect_out "sites matching their expectation exactly: 16 of 16" "score ($pass)"
done
# The search queries went out by GET and by POST.
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
NPOST=$(python3 -c 'import json,sys; print(sum(s["search"] == "post_ok" for s in json.load(open(sys.argv[1]))["sites"].values()))' truth.json)
expect_eq "$(grep -c '^POST /site[0-9]*/search/result.html' world.log || true)" "$((NPOST * 3 * 2))" "3 POST queries per POST site and run"
finish
