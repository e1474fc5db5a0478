#!/usr/bin/env bash
# Speed of the text engine (docs/text-engine.md, "Speed").
#   bench/text/run.sh [PAGES] [PATTERNS]     default 2000 pages, 20000 patterns
# Generates the synthetic benchmark site of bench/crawl/gen_site.py, builds
# bench/text/text_bench against a release build (build-bench-text/), and scans
# the visible text of every page with the bundled lexicons plus PATTERNS
# generated typo-like patterns, lexicons only and with the statistical
# detector (with the shipped language model, libime's when installed; then
# SunPinyin's; then none).
# Work files in ${TMPDIR:-/tmp}/govinspect-text-bench.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/../.." && pwd)"
pages=${1:-2000}
npat=${2:-20000}
work=${TMPDIR:-/tmp}/govinspect-text-bench
build=${BUILD:-$src/build-bench-text}
dict=${GOVINSPECT_JIEBA_DICT:-/usr/lib/python3/dist-packages/jieba/dict.txt}
mkdir -p "$work"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target govinspect_lib >/dev/null
libs="sqlite3 yaml-0.1 jansson uchardet libcurl libxml-2.0 zlib xlsxwriter libzip"
# shellcheck disable=SC2046
gcc -std=c17 -O2 -D_DEFAULT_SOURCE -I "$src/src" -o "$work/text_bench" "$here/text_bench.c" \
  "$build/libgovinspect.a" $(pkg-config --libs $libs) -lm -lpthread
[ -d "$work/site-$pages" ] || python3 "$src/bench/crawl/gen_site.py" "$work/site-$pages" "$pages" >/dev/null
rm -rf "$work/data"
mkdir -p "$work/data"
cp -r "$src/data/lexicons" "$work/data/"
if [ -f "$dict" ]; then
  python3 "$here/gen_patterns.py" "$npat" "$src/data/lexicons/confusion.txt" "$dict" > "$work/data/lexicons/zz-bench.tsv"
else
  python3 "$here/gen_patterns.py" "$npat" "$src/data/lexicons/confusion.txt" > "$work/data/lexicons/zz-bench.tsv"
fi
mapfile -t files < <(find "$work/site-$pages/site" -name '*.html' | sort)
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); ${#files[@]} pages"
"$work/text_bench" -n "${RUNS:-3}" "$work/data" "${files[@]}"
# The detector again with SunPinyin's model (libime's turned off), then
# with no language model (both off).
echo "with SunPinyin's model:"
GOVINSPECT_KENLM= "$work/text_bench" -n "${RUNS:-3}" "$work/data" "${files[@]}" | grep -i "statistical"
echo "without a language model:"
GOVINSPECT_KENLM= GOVINSPECT_LM_DIR= "$work/text_bench" -n "${RUNS:-3}" "$work/data" "${files[@]}" | grep -i "statistical"
