#!/usr/bin/env bash
# The new-media benchmark: 10,000 accounts from local files (bench/media/gen.py)
# read, judged and recorded by `govinspect inspect --media-only` into a new
# round of a database that holds the registry.
# Usage: bench/media/run.sh [BUILD_DIR] [N]   (hyperfine when installed)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
n=${2:-10000}
gi="$PWD/$build/govinspect"
out=bench/out/media
rm -rf "$out"
mkdir -p "$out"
python3 bench/media/gen.py "$out" "$n"
echo "feeds: $(du -sh "$out/feeds" | cut -f1)"
"$gi" --db "$out/reg.db" --no-progress -q media import "$out/media.csv"
cmd="$gi --db $out/gi.db --no-progress -q inspect --round B --as-of 2020-08-10 --media-only"
prep="rm -f $out/gi.db*; cp $out/reg.db $out/gi.db"
if command -v hyperfine >/dev/null; then
  # exit status 3: the generated broken feeds are reported as unreadable
  hyperfine --warmup 1 --runs 5 -i --export-markdown "$out/media.md" --prepare "$prep" "$cmd"
  cat "$out/media.md"
else
  for i in 1 2 3; do
    eval "$prep"
    /usr/bin/time -f "%e s wall, %U s user, %M KB peak" $cmd >/dev/null || true
  done
fi
# The same round again: every finding compared and updated in place.
eval "$prep"; $cmd >/dev/null || true
/usr/bin/time -f "re-run: %e s wall, %U s user, %M KB peak" $cmd >/dev/null || true
"$gi" --db "$out/gi.db" --no-progress findings --round B --format csv | cut -d, -f5 | sort | uniq -c || true
