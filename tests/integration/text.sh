# govinspect text: plain text, HTML (line and column of the match in the
# source), a GBK page, standard input, json, the reform date, the whitelist,
# exit statuses, Word drafts (.docx) and hostile ones, the language
# model's context (and its absence), and no
# false alarm on the six real government pages.
. "$(dirname "$0")/lib/assert.bash"
set -e
export GOVINSPECT_DATA="$SRC/data"

printf '第一行没有问题。\n我们要按装新的软件，国土资源部发文。\n' > plain.txt
run "$GI" text --no-stat --date 2020-01-01 plain.txt
expect_rc 3 "plain: found"
expect_out "2     4    按装"
expect_out "content.typo     typo" # a typo's kind, where it has no label
expect_out "国土资源部"
expect_out "2018机构改革"
expect_out "2 findings"

# The reform rule: before 2018-03-17 the old name is history.
run "$GI" text --no-stat --date 2017-05-01 plain.txt
expect_rc 3 "plain, 2017"
expect_no_out "自然资源部"
expect_out "1 findings"

run "$GI" text --no-stat --date 2020-01-01 --format json plain.txt
expect_rc 3 "json"
expect_out '"line": 2'
expect_out '"column": 4'
expect_out '"match": "按装"'
expect_out '"suggestion": "安装"'
expect_out '"indicator": "content.typo"'
expect_out '"indicator": "content.wording"'
expect_out '"context": "第一行没有问题。 我们要按装新的软件，国土资源部发文。"'
python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["findings"]) == 2' <<<"$OUT" ||
  fail "json does not parse"

# A Word draft (.docx, as Word and WPS save it): each paragraph a line, a
# word split across runs found whole, deleted revisions and the VML copy of
# a text box left out; hostile or wrong files refused with a message.
python3 - <<'PY'
import zipfile
W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
MC = 'http://schemas.openxmlformats.org/markup-compatibility/2006'
def docx(name, body, extra=''):
    with zipfile.ZipFile(name, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', '<?xml version="1.0"?><Types/>')
        z.writestr('word/document.xml', '<?xml version="1.0" encoding="UTF-8"?>' + extra +
                   '<w:document xmlns:w="%s" xmlns:mc="%s"><w:body>%s</w:body></w:document>' % (W, MC, body))
docx('draft.docx',
     '<w:p><w:r><w:t>关于做好防汛工作的通知</w:t></w:r></w:p>'
     '<w:p><w:r><w:t xml:space="preserve">各单位：请先按</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>装插件，</w:t></w:r>'
     '<w:del><w:r><w:delText>按装</w:delText></w:r></w:del><w:r><w:tab/><w:t>再浏览。</w:t></w:r></w:p><w:p/>'
     '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>表格里也按装了</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
     '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:t>文本框</w:t></mc:Choice>'
     '<mc:Fallback><w:t>按装的副本</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>')
docx('dtd.docx', '<w:p><w:r><w:t>&a;</w:t></w:r></w:p>',
     '<!DOCTYPE w:document [<!ENTITY a "按装按装按装">]>')
docx('broken.docx', '<w:p><w:r><w:t>未闭合</w:r></w:p>')
with zipfile.ZipFile('other.zip', 'w') as z:
    z.writestr('readme.txt', 'not a Word document')
with zipfile.ZipFile('bomb.docx', 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    with z.open('word/document.xml', 'w', force_zip64=True) as f:
        f.write(b'<w:document xmlns:w="%s"><w:body><w:p><w:r><w:t>' % W.encode())
        for _ in range(70):
            f.write(b'a' * (1 << 20))
open('old.doc', 'wb').write(bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + b'\0' * 504)
PY
run "$GI" text --no-stat --format json draft.docx
expect_rc 3 "docx: found"
python3 -c '
import json, sys
d = json.load(sys.stdin)["findings"]
got = [(f["line"], f["column"], f["match"]) for f in d]
assert got == [(2, 7, "按装"), (4, 5, "按装")], got' <<<"$OUT" || fail "docx: the paragraphs' findings, and only those"
run "$GI" text --no-stat - < draft.docx
expect_rc 3 "docx on standard input"
expect_out "2 findings"
# Each refused with exit status 1 and the message that says why.
while IFS='|' read -r file why; do
  run "$GI" text --no-stat "$file"
  expect_rc 1 "$file refused"
  expect_err "$why"
done <<'CASES'
dtd.docx|declares a document type
broken.docx|not well-formed XML (line 1)
other.zip|without word/document.xml
bomb.docx|unpacks to more than 64 MiB
old.doc|save it as .docx
CASES
rm -f bomb.docx

# Standard input, nothing found: exit 0.
printf '县政府召开常务会议。\n' > clean.txt
run "$GI" text --format json - < clean.txt
expect_rc 0 "clean stdin"
expect_out '"findings": []'
run "$GI" text - < plain.txt
expect_rc 3 "stdin"; expect_out "按装"

# HTML: the position of the matched text in the source, PubDate as the date.
cat > page.html <<'HTML'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="PubDate" content="2016-05-04 10:00">
<title>通知</title></head>
<body>
<div class="nav">首页</div>
<p>各单位：
   请尽快按装&nbsp;补丁。国土资源部</p>
<p style="display:none">六合彩开奖</p>
</body></html>
HTML
run "$GI" text --no-stat page.html
expect_rc 3 "html"
expect_out "7     7    按装"
expect_no_out "自然资源部"   # PubDate 2016: history
expect_no_out "六合彩"       # hidden text is not the page's text
run "$GI" text --no-stat --date 2019-01-01 page.html
expect_out "自然资源部"

# The title is read too, at its place in the source.
printf '<html><head><title>关于按装软件的通知</title></head><body><p>正文</p></body></html>\n' > title.html
run "$GI" text --no-stat title.html
expect_rc 3 "title"; expect_out "1     22   按装"

# A GBK page with a typo.
printf '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>\n<body><p>请按装最新版本。</p></body></html>\n' |
  iconv -f UTF-8 -t GBK > gbk.html
run "$GI" text --no-stat --format json gbk.html
expect_rc 3 "gbk"
expect_out '"match": "按装"'
expect_out '"line": 2'
expect_out '"column": 11'

# Whitelist.
printf '# proven false alarm\n按装\t按装新的软件\n' > wl.tsv
run "$GI" text --no-stat --date 2017-01-01 --whitelist wl.tsv plain.txt
expect_rc 0 "whitelisted"
printf 'x\ty\tz\n' > badwl.tsv
run "$GI" text --whitelist badwl.tsv plain.txt
expect_rc 1 "bad whitelist"; expect_err "badwl.tsv:1:"

# Usage errors and help.
run "$GI" text
expect_rc 2 "no file"
run "$GI" text --format csv plain.txt
expect_rc 2 "csv"
run "$GI" text --date 2020-02-30 plain.txt
expect_rc 2 "bad date"
run "$GI" text nosuchfile.txt
expect_rc 1 "missing file"; expect_err "nosuchfile.txt"
run "$GI" text --help
expect_rc 0; expect_out "Usage: govinspect [GLOBAL OPTIONS] text"
run env LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 "$GI" text --help
expect_rc 0; expect_out "待发布的稿件"

# Bad lexicon: file and line.
mkdir -p bad/lexicons
printf '按装\ttypo\t安装\n按装\ttypo\t安装\n' > bad/lexicons/x.tsv
GOVINSPECT_DATA=$PWD/bad run "$GI" text plain.txt
expect_rc 1 "bad lexicon"; expect_err "x.tsv:2:"

# The dictionary missing: an informational message, lexicons still work.
run "$GI" text --dict /nonexistent/dict.txt plain.txt
expect_rc 3 "no dict"; expect_err "no word-frequency dictionary"; expect_out "按装"

# The language models. SunPinyin's (sunpinyin-data; libime's turned off
# with an empty GOVINSPECT_KENLM): 落石 is a word, only its context makes it
# 落实. libime's (libime-data-language-model, the default; SunPinyin's off):
# 只 is a word, only 工作…责 makes it 职. Without either (both variables
# empty or wrong) the detector falls back to word frequencies, which cannot
# see them.
printf '各地要结合实际抓好贯彻落石。\n各地要结合实际抓好贯彻落实。\n' > context.txt
if ls /usr/lib/*/sunpinyin/data/lm_sc.t3g >/dev/null 2>&1; then
  GOVINSPECT_KENLM= run "$GI" text context.txt
  expect_rc 3 "context typo"; expect_out "1     13   石    实"; expect_out "1 findings"
else
  echo "skipped: no sunpinyin-data"
fi
printf '认真履行工作只责。\n认真履行工作职责。\n' > context2.txt
if ls /usr/lib/*/libime/zh_CN.lm >/dev/null 2>&1; then
  GOVINSPECT_LM_DIR= run "$GI" text context2.txt
  expect_rc 3 "context typo, libime"; expect_out "1     7    只    职"; expect_out "1 findings"
else
  echo "skipped: no libime-data-language-model"
fi
GOVINSPECT_LM_DIR= GOVINSPECT_KENLM= run "$GI" text context.txt
expect_rc 0 "no language model: word frequencies only"
GOVINSPECT_LM_DIR=/nonexistent GOVINSPECT_KENLM=/nonexistent run "$GI" text --format json context.txt
expect_rc 0 "language model missing"; expect_out '"findings": []'

# The six real government pages: no false alarm, detector included.
shared=${GI_SHARED_DIR:-$SRC/../shared}
if [ -d "$shared/corpus/gov_html" ]; then
  for f in "$shared"/corpus/gov_html/*.html; do
    run "$GI" text "$f"
    expect_rc 0 "no false alarm in $(basename "$f")"
  done
else
  echo "skipped: no $shared/corpus/gov_html"
fi
finish
