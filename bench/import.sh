#!/usr/bin/env bash
# Times importing a 10,000-row sites registry into a new SQLite database,
# beside sqlite3's own .import of the same file into a bare table (no
# validation, no upsert): the floor of what any importer can do.
# Usage: bench/import.sh [BUILD_DIR]   (needs hyperfine and sqlite3)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
gi="$PWD/$build/govinspect"
out=bench/out
mkdir -p "$out"
rows=10000
csv="$out/sites-$rows.csv"
awk -v n=$rows 'BEGIN {
  print "site_code,name,url,hosts,unit,kind,services,org,icp,psb"
  for (i = 1; i <= n; i++)
    printf "61%08d,测试网站%d,http://s%d.example.gov.cn/,xxgk%d.example.gov.cn,\"测试单位%d, 办公室\",department,yes,测试市/区%d,测ICP备%08d号,\n", i, i, i, i, i, i % 20, i
}' > "$csv"
echo "generated $csv ($(wc -l < "$csv") lines, $(du -h "$csv" | cut -f1))"
hyperfine --warmup 2 --runs 10 --export-markdown "$out/import.md" \
  --prepare "rm -f $out/gi.db $out/gi.db-wal $out/gi.db-shm" \
  "$gi --db $out/gi.db --no-progress -q sites import $csv" \
  --prepare "rm -f $out/sq.db" \
  "sqlite3 $out/sq.db '.import --csv $csv sites'"
# Re-import of the same file: every row compared, none written.
"$gi" --db "$out/gi.db" --no-progress -q sites import "$csv" >/dev/null
hyperfine --warmup 1 --runs 10 --export-markdown "$out/reimport.md" \
  "$gi --db $out/gi.db --no-progress -q sites import $csv"
cat "$out/import.md" "$out/reimport.md"
