#!/usr/bin/env bash
# Freshness benchmark: precision and recall of column.stale, column.blank,
# home.stale and the site.column_stale veto on a generated world.
#
#   bench/freshness/run.sh [N] [AS_OF] [SEED]      (defaults: 60 2020-08-31 7)
#
# Environment: WORK (default ${TMPDIR:-/tmp}/govinspect-fresh-world),
#              BUILD (default: build-fresh-bench in the repository).
# Everything is served by one gi_serve on 127.0.0.1; each site is a folder,
# http://127.0.0.1:PORT/siteNN/. No other host is contacted (proxies dropped).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
N=${1:-60}; AS_OF=${2:-2020-08-31}; SEED=${3:-7}
WORK=${WORK:-${TMPDIR:-/tmp}/govinspect-fresh-world}
BUILD=${BUILD:-$repo/build-fresh-bench}
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

# Always brought up to date: a stale binary would measure old code.
echo "== building govinspect and gi_serve in $BUILD"
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$repo" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target gi_serve govinspect >/dev/null
GI=$BUILD/govinspect
SERVE=$BUILD/tests/gi_serve

rm -rf "$WORK"; mkdir -p "$WORK"
echo "== generating $N sites (as of $AS_OF, seed $SEED) in $WORK"
python3 "$here/gen_world.py" "$WORK" "$N" "$AS_OF" "$SEED"

"$SERVE" "$WORK/world" >"$WORK/.port" 2>"$WORK/serve.log" </dev/null &
SPID=$!
trap 'kill $SPID 2>/dev/null || true; wait $SPID 2>/dev/null || true' EXIT
PORT=""
for _ in $(seq 100); do PORT=$(head -n1 "$WORK/.port" 2>/dev/null || true); [ -n "$PORT" ] && break; sleep 0.05; done
[ -n "$PORT" ] || { echo "gi_serve did not start" >&2; exit 1; }
echo "== serving on 127.0.0.1:$PORT"

python3 - "$WORK/truth.json" "$PORT" >"$WORK/sites.csv" <<'PY'
import json, sys
t = json.load(open(sys.argv[1], encoding="utf-8"))
print("site_code,name,url")
for code, s in t["sites"].items():
    print(f'{code},{s["name"]},http://127.0.0.1:{sys.argv[2]}{s["home"]}')
PY
DB=$WORK/fresh.db
gi() { "$GI" --db "$DB" --no-progress "$@"; }
gi sites import "$WORK/sites.csv" >"$WORK/import.log"
echo "== inspecting"
start=$(date +%s)
rc=0; gi inspect --round fresh --as-of "$AS_OF" --sites-only --delay 0 --timeout 10 >"$WORK/inspect.log" 2>&1 || rc=$?
echo "   inspect exit $rc in $(( $(date +%s) - start )) s; $(tail -n1 "$WORK/inspect.log")"
gi findings --round fresh --format json >"$WORK/findings.json"
python3 "$here/score.py" "$WORK/truth.json" "$WORK/findings.json" "$PORT" | tee "$WORK/score.txt"
