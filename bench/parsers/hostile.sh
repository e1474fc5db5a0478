#!/usr/bin/env bash
# Parses each generated hostile input once with each parser, each run in its
# own process under a time limit, an address-space limit and the default
# 8 MiB stack, and records: outcome (ok / TIMEOUT / killed by SIGNAL / exit
# code), wall time, peak RSS (GNU time), and what was extracted.
# Usage: bench/parsers/hostile.sh [INPUT_DIR] [TIMEOUT_S]
#   INPUT_DIR defaults to $TMPDIR/govinspect-parsers/inputs (gen_inputs.py)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
in=${1:-${TMPDIR:-/tmp}/govinspect-parsers/inputs}
limit=${2:-120}
pb="$here/parse_bench"
out="$in/../hostile-results.tsv"
vmem_kb=$((16 * 1024 * 1024)) # 16 GiB of the machine's 24

run() { # label parser-args file
  local label=$1 file=$3
  local res
  res=$( (ulimit -v $vmem_kb; ulimit -s 8192
          exec /usr/bin/time -f 'TIME %e %M' timeout -s KILL "$limit" \
               "$pb" -m once $2 "$file") 2>&1 )
  local rc=$?
  local t m status
  t=$(sed -n 's/^TIME \([0-9.]*\) \([0-9]*\)$/\1/p' <<<"$res" | tail -1)
  m=$(sed -n 's/^TIME \([0-9.]*\) \([0-9]*\)$/\2/p' <<<"$res" | tail -1)
  if [ $rc -eq 0 ]; then status=ok
  elif [ $rc -eq 137 ] && awk -v t="${t:-0}" -v l="$limit" 'BEGIN{exit !(t >= l - 1)}'; then status="TIMEOUT>${limit}s"
  elif [ $rc -gt 128 ]; then status="SIG$(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128)))"
  else status="exit$rc"; fi
  grep -q 'abandoned' <<<"$res" && status="abandoned(budget)"
  case $status in ok|exit*|abandoned*) ;; *) m= ;; esac # RSS of a killed child is not reported
  local line
  line=$(grep -P "^\S+\t$(basename "$file")\t" <<<"$res" | head -1)
  local el lk tb
  el=$(grep -o 'elements=[0-9]*' <<<"$line" | cut -d= -f2)
  lk=$(grep -o 'links=[0-9]*' <<<"$line" | cut -d= -f2)
  tb=$(grep -o 'text_bytes=[0-9]*' <<<"$line" | cut -d= -f2)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$file" .html)" "$label" "$status" \
    "${t:--}" "$([ -n "$m" ] && echo $((m / 1024)) || echo -)" "${el:--}" "${lk:--}" "${tb:--}" | tee -a "$out"
}

printf 'input\tparser\toutcome\twall_s\tpeak_rss_mb\telements\tlinks\ttext_bytes\n' | tee "$out"
for f in "$in"/hostile/*.html; do
  run gumbo "-p gumbo" "$f"
  case $(basename "$f") in # quadratic in both: one run each is enough
    attrs_100k_distinct.html|attrs_1m_distinct.html) run libxml2 "-p libxml2" "$f"; continue ;;
  esac
  run gumbo-arena-2GB "-p gumbo-arena -B 2048" "$f"
  run libxml2 "-p libxml2" "$f"
  run libxml2-push "-p libxml2-push" "$f"
  run libxml2-noHUGE "-p libxml2 -H" "$f"
done
echo "results in $out"
