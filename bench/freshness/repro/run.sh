#!/usr/bin/env bash
# Runs the minimal repro sites (make.py) through govinspect as of 2020-08-31
# and prints the freshness findings of each. BUILD as in ../run.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
BUILD=${BUILD:-$(cd "$here/../../.." && pwd)/build-fresh-bench}
W=${TMPDIR:-/tmp}/govinspect-fresh-repro
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
rm -rf "$W"; mkdir -p "$W/world"
python3 "$here/make.py" "$W/world"
"$BUILD/tests/gi_serve" "$W/world" >"$W/.port" 2>/dev/null </dev/null &
SPID=$!; trap 'kill $SPID 2>/dev/null || true' EXIT
for _ in $(seq 100); do PORT=$(head -n1 "$W/.port" 2>/dev/null || true); [ -n "$PORT" ] && break; sleep 0.05; done
{ echo site_code,name,url; i=0
  for d in "$W"/world/*/; do i=$((i+1)); n=$(basename "$d"); echo "619900$(printf %04d $i),$n,http://127.0.0.1:$PORT/$n/"; done; } >"$W/sites.csv"
gi() { "$BUILD/govinspect" --db "$W/r.db" --no-progress "$@"; }
gi sites import "$W/sites.csv" >/dev/null
gi inspect --round r --as-of 2020-08-31 --sites-only --delay 0 >/dev/null || true
gi findings --round r --format json | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f["kind"].startswith(("home.", "column.")):
        e = f["evidence"]; n = e.get("newest", {})
        print(f["url"].split("/")[3].ljust(14), f["kind"].ljust(13), f["subject"].split("/", 3)[-1].ljust(20), n.get("date", ""), n.get("source", ""), e.get("judged_by", ""))'
