# sites import / sites list: RFC 4180 edge cases, encodings, validation,
# re-import, and hostile files.
. "$(dirname "$0")/lib/assert.bash"
set -e
DB="$TMP/t.db"
gi() { "$GI" --db "$DB" --no-progress "$@"; }

# --- a clean file, with quoted commas, quotes and a newline in a field; CRLF.
printf 'site_code,name,url,unit,org,kind,services\r\n' > good.csv
printf '6108000039,榆林市住建局,http://zjj.yl.gov.cn/,"榆林市住房和城乡建设局, 办公室",榆林市,department,yes\r\n' >> good.csv
printf 'bm01000001,"中国政府网 ""门户""",https://www.gov.cn/,"国务院办公厅\r\n电子政务办",,portal,no\r\n' >> good.csv
printf '6108000001,榆林市人民政府,http://www.yl.gov.cn,,榆林市 / 横山区 ,门户,是\r\n' >> good.csv
run gi sites import good.csv
expect_rc 0 "good import"; expect_out "3 rows read"; expect_out "3 new"
run gi sites list --format json
expect_rc 0
expect_out '"name": "中国政府网 \"门户\""'
expect_out '"unit": "榆林市住房和城乡建设局, 办公室"'
expect_out '"unit": "国务院办公厅 电子政务办"' "line break in a cell folded"
expect_out '"org": "榆林市/横山区"' "org normalised"
expect_out '"kind": "portal"' ; expect_out '"services": false'
expect_out '"url": "http://www.yl.gov.cn/"' "URL normalised"
run gi sites list
expect_rc 0; expect_out "3 websites"; expect_out "6108000039"

# --- re-import: unchanged, no duplicates; then an update keeps the position.
run gi sites import good.csv
expect_rc 0; expect_out "3 unchanged"
sed 's/榆林市住建局/榆林市住房和城乡建设局网站/' good.csv > changed.csv
run gi sites import changed.csv
expect_rc 0; expect_out "1 updated"; expect_out "2 unchanged"
run gi sites list --format csv
expect_rc 0
first=$(sed -n 2p <<<"$OUT" | cut -d, -f1)
expect_eq "$first" "6108000039" "updated row keeps its registry position"
expect_eq "$(grep -c . <<<"$OUT")" "4" "header + 3 rows"

# --- the CSV written by list imports again unchanged.
printf '%s\n' "$OUT" > exported.csv
run gi sites import exported.csv
expect_rc 0 "re-import of list --format csv"; expect_out "3 unchanged"

# --- bad rows: reported with their line, good rows kept, exit 3.
cat > bad.csv <<'CSV'
site_code,name,url
6108000040,好网站,http://a.gov.cn/
61080000,短标识码,http://b.gov.cn/
6108000041,坏协议,ftp://c.gov.cn/
6108000042,,http://d.gov.cn/
6108000043,重复一,http://e.gov.cn/
6108000044,好网站二,www.f.gov.cn
6108000043,重复二,http://g.gov.cn/
6.108E+09,科学计数,http://h.gov.cn/
6108000045,空格网址,http://a b.gov.cn/
CSV
run gi sites import bad.csv
expect_rc 3 "rejected rows"
expect_err "bad.csv:3: invalid 网站标识码"
expect_err "bad.csv:4: url: URL scheme must be http or https"
expect_err "bad.csv:5: required column 'name' is empty"
expect_err "bad.csv:6: id '6108000043' appears more than once"
expect_err "bad.csv:8: id '6108000043' appears more than once"
expect_err "bad.csv:7: url 'www.f.gov.cn' has no scheme"
expect_err "format the column as text"
expect_err "bad.csv:10: url: URL contains a space"
expect_out "2 new"; expect_out "7 rejected"
run gi sites list --format csv
expect_out "6108000040"; expect_out "http://www.f.gov.cn/"; expect_no_out "6108000043"

# --- unbalanced quote stops at its line, the rows before are kept.
printf 'site_code,name,url\n6108000050,前一行,http://p.gov.cn/\n6108000051,"没有闭合,http://q.gov.cn/\n6108000052,后一行,http://r.gov.cn/\n' > quote.csv
run gi sites import quote.csv
expect_rc 3 "unbalanced quote"
expect_err "quote.csv:3: unbalanced quote"
run gi sites list --format csv
expect_out "6108000050"; expect_no_out "6108000052"

# --- Chinese headers as exported by the national reporting system, GBK-encoded
# as Excel on Chinese Windows saves it, with an unknown column.
printf '网站标识码,网站名称,首页网址,主办单位,组织单位,备注\r\n6108000060,神木市人民政府,http://www.sxsm.gov.cn/,神木市人民政府办公室,榆林市/神木市,无\r\n' \
  | iconv -f UTF-8 -t GBK > gbk.csv
run gi sites import gbk.csv
expect_rc 0 "GBK file"; expect_out "GB18030"
expect_err "unknown column '备注' ignored"
run gi sites list --org 榆林市/神木市 --format csv
expect_out "神木市人民政府办公室"
expect_eq "$(grep -c . <<<"$OUT")" "2" "--org filters"

# --- UTF-8 with BOM.
printf '\xef\xbb\xbfsite_code,name,url\n6108000070,带BOM,http://bom.gov.cn/\n' > bom.csv
run gi sites import bom.csv
expect_rc 0 "BOM file"; expect_out "1 new"

# --- not a registry at all: exit 1, nothing imported.
head -c 4096 /dev/urandom > junk.csv
run gi sites import junk.csv
expect_rc 1 "binary junk"; expect_err "junk.csv"
printf 'a,b,c\n1,2,3\n' > nohdr.csv
run gi sites import nohdr.csv
expect_rc 1 "no valid header"; expect_err "nohdr.csv:1: not a sites registry"
: > empty.csv
run gi sites import empty.csv
expect_rc 1 "empty file"; expect_err "empty"
run gi sites import missing.csv
expect_rc 1 "missing file"; expect_err "missing.csv"

# --- a 100 MB line is rejected with its line number; the rows around it stand.
{ printf 'site_code,name,url\n6108000080,前,http://s.gov.cn/\n6108000081,'
  head -c 104857600 /dev/zero | tr '\0' 'x'
  printf ',http://t.gov.cn/\n6108000082,后,http://u.gov.cn/\n'; } > long.csv
run gi sites import long.csv
expect_rc 3 "100 MB line"; expect_err "long.csv:3:"
run gi sites list --format csv
expect_out "6108000080"; expect_out "6108000082"; expect_no_out "6108000081"
rm -f long.csv

finish
