#!/usr/bin/env bash
# Interaction, service and search benchmark: precision and recall of
# interaction.none/unanswered/slow, service.none/guide_incomplete/
# attachment_broken (and the site.service veto) and search.broken on a
# generated world.
#
#   bench/world6/run.sh [N] [AS_OF] [SEED]      (defaults: 40 2020-08-31 6)
#
# Environment: WORK (default ${TMPDIR:-/tmp}/govinspect-world6),
#              BUILD (default: build-world6 in the repository).
# Everything is served by one gi_serve on 127.0.0.1; each site is a folder,
# http://127.0.0.1:PORT/siteNN/, and /platform/ is a shared platform outside
# every site's scope. No other host is contacted (proxies dropped).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
N=${1:-40}; AS_OF=${2:-2020-08-31}; SEED=${3:-6}
WORK=${WORK:-${TMPDIR:-/tmp}/govinspect-world6}
BUILD=${BUILD:-$repo/build-world6}
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

echo "== building govinspect and gi_serve in $BUILD"
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$repo" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j2 --target gi_serve govinspect >/dev/null
GI=$BUILD/govinspect
SERVE=$BUILD/tests/gi_serve

rm -rf "$WORK"; mkdir -p "$WORK"
echo "== generating $N sites (as of $AS_OF, seed $SEED) in $WORK"
python3 "$here/gen_world.py" "$WORK" "$N" "$AS_OF" "$SEED"

# gi_serve prints its port on its first line; it stops when its stdin (a
# pipe held by this script) closes.
exec 3> >("$SERVE" "$WORK/world" >"$WORK/.port" 2>"$WORK/serve.log")
PORT=""
for _ in $(seq 100); do PORT=$(head -n1 "$WORK/.port" 2>/dev/null || true); [ -n "$PORT" ] && break; sleep 0.05; done
[ -n "$PORT" ] || { echo "gi_serve did not start" >&2; exit 1; }
echo "== serving on 127.0.0.1:$PORT"

python3 "$here/gen_world.py" --sites "$WORK/truth.json" "$PORT" >"$WORK/sites.csv"
DB=$WORK/world6.db
gi() { "$GI" --db "$DB" --no-progress "$@"; }
gi sites import "$WORK/sites.csv" >"$WORK/import.log"
echo "== inspecting"
start=$(date +%s)
rc=0; gi inspect --round w6 --as-of "$AS_OF" --sites-only --delay 0 --timeout 10 >"$WORK/inspect.log" 2>&1 || rc=$?
echo "   inspect exit $rc in $(( $(date +%s) - start )) s; $(tail -n1 "$WORK/inspect.log")"
gi findings --round w6 --format json >"$WORK/findings.json"
python3 "$here/score.py" "$WORK/truth.json" "$WORK/findings.json" "$PORT" | tee "$WORK/score.txt"
