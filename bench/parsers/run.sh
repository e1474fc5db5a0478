#!/usr/bin/env bash
# Runs every measurement behind docs/html-parser.md:
#   1. speed, peak RSS and extracted counts on the real pages of
#      shared/corpus (one process per parser, so peak RSS is per parser),
#      and on a generated 50 MB page of real markup
#   2. whether the two parsers extract the same items from the real pages
#   3. source positions against a generated file with known positions
#   4. <meta charset=gb2312> in UTF-8 input
#   5. malformed HTML against a browser's tree (tree_oracle.sh; needs chromium)
#   6. hostile inputs (hostile.sh; ~25 min, skipped with QUICK=1)
# Usage: bench/parsers/build.sh && bench/parsers/run.sh [CORPUS_DIR]
# Output: printed, and kept in $TMPDIR/govinspect-parsers/ (not in the repo).
# Needs: libgumbo-dev, libxml2-dev, python3; chromium for step 5.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus=${1:-$(cd "$here/../.." && pwd)/../shared/corpus}
[ -d "$corpus/gov_html" ] || { echo "run.sh: no corpus at $corpus (pass its path)" >&2; exit 1; }
work=${TMPDIR:-/tmp}/govinspect-parsers
pb="$here/parse_bench"
[ -x "$pb" ] || "$here/build.sh"
mkdir -p "$work"
iters=${ITERS:-30}

files=("$corpus"/gov_html/*.html "$corpus"/list_pages/*.html "$corpus"/html_misc/*.html
       "$corpus"/newmedia/wechat_mp_article_*.html)
echo "== versions"
dpkg-query -W -f '${Package} ${Version}\n' libgumbo1 libgumbo-dev libxml2 libxml2-dev 2>/dev/null || true
echo "corpus: ${#files[@]} files, $(cat "${files[@]}" | wc -c) bytes; $(nproc) cores; $iters runs per file"

python3 "$here/gen_inputs.py" "$work/inputs" "$corpus" >/dev/null
in=$work/inputs

echo; echo "== 1. speed: median ms per parse+walk+free, per file (each parser in its own process)"
parsers=(gumbo gumbo-arena libxml2 libxml2-push libxml2-nodeinfo)
for p in "${parsers[@]}"; do
  "$pb" -n "$iters" -p "$p" "${files[@]}" > "$work/bench-$p.tsv"
done
python3 - "$work" "${parsers[@]}" <<'PYEOF'
import sys
work, parsers = sys.argv[1], sys.argv[2:]
rows, tot = {}, {}
for p in parsers:
    for line in open(f'{work}/bench-{p}.tsv'):
        f = line.rstrip('\n').split('\t')
        if f[0] == 'parser':
            continue
        if f[0] == 'TOTAL':
            tot[p] = (float(f[3]), float(f[5]), f[6].split('=')[1])
            continue
        rows.setdefault(f[1], {})[p] = f
names = list(rows)
print('| file | KB | ' + ' | '.join(f'{p} ms' for p in parsers) + ' | links g/x | metas g/x | text non-ws bytes g/x |')
print('|---|---:|' + '---:|' * len(parsers) + '---|---|---|')
for n in names:
    r = rows[n]
    g, x = r['gumbo'], r['libxml2']
    print(f'| {n} | {int(g[2]) // 1024} | ' + ' | '.join(r[p][3] for p in parsers)
          + f' | {g[10]}/{x[10]} | {g[12]}/{x[12]} | {g[9]}/{x[9]} |')
print('| **total** | | ' + ' | '.join(f'{tot[p][0]:.1f}' for p in parsers) + ' | | | |')
print('| **MB/s** | | ' + ' | '.join(f'{tot[p][1]:.1f}' for p in parsers) + ' | | | |')
print('| **peak RSS, KB** | | ' + ' | '.join(tot[p][2] for p in parsers) + ' | | | |')
PYEOF
echo; echo "== 1b. the generated 50 MB page of real markup (one parse, one process per parser)"
for p in "${parsers[@]}"; do
  "$pb" -m once -p "$p" "$in/hostile/big_50mb_real_markup.html" | cut -f1,3-6,8,9
done

echo; echo "== 2. do the parsers extract the same items from the real pages? (lines of dump that differ)"
for f in "${files[@]}"; do
  g=$("$pb" -m dump -p gumbo "$f"); x=$("$pb" -m dump -p libxml2 "$f"); pu=$("$pb" -m dump -p libxml2-push "$f")
  printf '%-48s gumbo/libxml2 %4d   libxml2/libxml2-push %4d\n' "$(basename "$f")" \
    "$(diff <(echo "$g") <(echo "$x") | grep -c '^[<>]' || true)" \
    "$(diff <(echo "$x") <(echo "$pu") | grep -c '^[<>]' || true)"
done

echo; echo "== 3. source positions (expected = true line, column, byte offset of the node's start; -1 = not available)"
for p in gumbo libxml2 libxml2-nodeinfo; do "$pb" -m pos -p "$p" "$in/positions.html" | grep -v '^#' > "$work/pos-$p.txt"; done
{
  echo "marker expected(line,col,off) gumbo(line,col,off) libxml2(line) libxml2-nodeinfo(line,off)"
  paste -d' ' "$in/positions.expected" "$work/pos-gumbo.txt" "$work/pos-libxml2.txt" "$work/pos-libxml2-nodeinfo.txt" |
    awk '{printf "%s %s,%s,%s %s,%s,%s %s %s,%s\n", $1, $2,$3,$4, $6,$7,$8, $10, $14,$16}'
} | column -t

echo; echo "== 4. UTF-8 input that declares gb2312 (title as extracted; -E = libxml2 left to honour <meta charset>)"
for f in "$corpus/html_misc/people_cn_declared_gb2312_actually_utf8.html" "$corpus/list_pages/gerapy_rtfund_xxpl.html"; do
  echo "$(basename "$f"):"
  for a in "-p gumbo" "-p libxml2" "-p libxml2-push" "-E -p libxml2" "-E -p libxml2-push"; do
    printf '  %-22s %s\n' "$a" "$("$pb" -m dump $a "$f" 2>/dev/null | grep -m1 '^title' | cut -f2 | cut -c1-60)"
  done
done

echo; echo "== 5. malformed HTML: same tree / same page-model view as the browser?"
if command -v chromium >/dev/null; then "$here/tree_oracle.sh" "$work/oracle"; else echo "skipped: no chromium"; fi

echo; echo "== 6. hostile inputs"
if [ "${QUICK:-0}" = 1 ]; then echo "skipped (QUICK=1)"; else
  "$here/hostile.sh" "$in" "${HOSTILE_TIMEOUT:-120}" | column -t -s$'\t'
fi
