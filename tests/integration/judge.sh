# review, verdicts, bonus and report end to end on a real database: a fixture
# site served on 127.0.0.1 inspected in two rounds, findings only a person
# can establish, bulk decisions that survive re-running the inspection,
# re-judging with another rule set, the 通报 in all four formats with the
# recheck of the previous round, and the usage errors. Which checks fire on
# the fixture site is other tests' business; this one asserts the judging.
. "$(dirname "$0")/lib/assert.bash"
set -e
. "$(dirname "$0")/lib/serve.bash"
DB="$TMP/t.db"
gi() { "$GI" --db "$DB" --no-progress "$@"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
export GOVINSPECT_DATA="$SRC/data" GOVINSPECT_REVIEWER=审核员甲

cp -R "$SRC/tests/data/site" site
sed -i 's/@CLOSED_PORT@/9/g' site/*.html
serve site
BASE="http://127.0.0.1:$PORT"
printf 'site_code,name,url,kind\n6199000001,示范县人民政府,%s/,portal\n' "$BASE" >sites.csv
printf 'media_id,platform,name,source\nwx-0001,微信,示范发布,feed.json\n' >media.csv
echo '{}' >feed.json
run gi sites import sites.csv; expect_rc 0 "sites import"
run gi media import media.csv; expect_rc 0 "media import"

# --- usage errors
run gi verdicts
expect_rc 2 "verdicts without --round"; expect_err "--round is required"
run gi verdicts --round nope
expect_rc 2 "verdicts of an unknown round"; expect_err "no round named nope"
run gi report --round nope --format pdf -o x.pdf
expect_rc 2 "report in an unknown format"; expect_err "unknown format 'pdf'"
run gi review confirm --round nope
expect_rc 2 "review confirm without ids or --all"

# --- two rounds of the same site
run gi inspect --round 2020Q2 --as-of 2020-05-10 --label 2020年第二季度 --sites-only --delay 0
expect_rc 0 "inspect 2020Q2"
run gi inspect --round 2020Q3 --as-of 2020-08-10 --label 2020年第三季度 --sites-only --delay 0
expect_rc 0 "inspect 2020Q3"

run gi verdicts --round 2020Q3 --format json
expect_rc 3 "verdicts: the account was not checked (unknown)"
expect_eq "$(json 'd["round"], d["as_of"], len(d["targets"])' <<<"$OUT")" "2020Q3 2020-08-10 2" "verdicts json head"
expect_eq "$(json 'd["targets"][0]["kind"], d["targets"][0]["id"], d["targets"][1]["kind"]' <<<"$OUT")" \
  "site 6199000001 media" "targets: sites first, then accounts"
expect_eq "$(json 'd["targets"][1]["verdict"], d["targets"][1]["reason"], d["targets"][1]["platform"]' <<<"$OUT")" \
  "unknown not checked in this round 微信" "an account not checked is unknown"
expect_eq "$(json 'all(k in d["targets"][0] for k in ("kind","id","name","unit","verdict","vetoes","score","problems","pending_review"))' <<<"$OUT")" \
  "True" "the interface's keys"

# --- a person's finding: a leak in the previous round
run gi review add --round 2020Q2 --target 6199000001 --indicator site.security --note 泄露内部文件 --url "$BASE/"
expect_rc 0 "review add"; expect_out "confirmed by 审核员甲"
run gi review add --round 2020Q2 --target 6199000001 --indicator media.stale --note x
expect_rc 2 "a media indicator for a site"
run gi review add --round 2020Q2 --target nobody --indicator site.security --note x
expect_rc 2 "an unknown target"; expect_err "no site or account nobody"
run gi verdicts --round 2020Q2 --format json
expect_eq "$(json 'd["targets"][0]["verdict"], d["targets"][0]["vetoes"][0], d["targets"][0]["problems"][0]' <<<"$OUT")" \
  "fail site.security 存在安全、泄密事故等严重问题" "the leak fails the site"

# --- bulk decisions survive re-running the inspection
run gi review list --round 2020Q3 --format json
expect_rc 0 "review list"
PENDING=$(json 'len(d["findings"])' <<<"$OUT")
run gi review dismiss --round 2020Q3 --all --note "核实为误报"
expect_rc 0 "review dismiss --all"; expect_out "$PENDING findings dismissed by 审核员甲"
run gi inspect --round 2020Q3 --as-of 2020-08-10 --sites-only --delay 0
expect_rc 0 "re-inspect 2020Q3"
run gi review list --round 2020Q3 --format json
expect_eq "$(json 'len(d["findings"])' <<<"$OUT")" "0" "no pending finding after the re-run"
run gi findings --round 2020Q3 --status dismissed --format json
expect_eq "$(json 'len(d["findings"])' <<<"$OUT")" "$PENDING" "the dismissals are kept"
run gi review confirm --round 2020Q3 99999
expect_rc 2 "an id not in the round"; expect_err "has no finding 99999"

# --- the account's security problem, entered by hand, fails it
run gi review add --round 2020Q3 --target wx-0001 --indicator media.security --note 买粉
expect_rc 0 "review add for an account"
run gi verdicts --round 2020Q3 --format csv
expect_out "media,wx-0001,微信,示范发布,,,fail,,media.security,,存在安全、泄密事故等严重问题,0"

# --- another rule set re-judges without crawling: a province's own phrase.
cat >prov.yaml <<'EOF2'
kinds:
  manual.media_security:
    phrase: 存在严重安全问题
EOF2
run gi verdicts --round 2020Q3 --rules prov.yaml --format json
expect_eq "$(json '[t["problems"][0] for t in d["targets"] if t["kind"]=="media"][0]' <<<"$OUT")" "存在严重安全问题" \
  "re-judged with the province's phrase"
run gi verdicts --round 2020Q3 --rules prov.yaml --format json
expect_eq "$(json 'd["rules"]' <<<"$OUT")" "cn-national-2019" "the rule set's id"

# --- bonus points
run gi bonus set --round 2020Q3 --site 6199000001 --points 12 --note 创新栏目
expect_rc 0 "bonus set"
run gi bonus set --round 2020Q3 --site 6199000001 --points lots --note x
expect_rc 2 "bonus points must be a number"

# --- the 通报
for f in md html docx xlsx; do
  run gi report --round 2020Q3 --previous 2020Q2 --format $f -o "r.$f" --set 发文日期=2020年8月17日
  expect_rc 0 "report $f"; expect_out "r.$f: report of round 2020Q3"
  [ -s "r.$f" ] || fail "r.$f is empty"
done
OUT=$(cat r.md)
expect_out "2020年第三季度政府网站与政府系统政务新媒体检测情况通报"
expect_out "第二季度复核情况。第二季度通报存在问题的1个政府网站"
expect_out "检查发现不合格的政府系统政务新媒体名单"
expect_out "| 1 | 微信 | 示范发布 | 存在安全、泄密事故等严重问题 |"
expect_out "2020年8月17日"
OUT=$(cat r.html)
expect_out '<html'; expect_out "附件2"
expect_eq "$(python3 -c 'import zipfile,sys; z=zipfile.ZipFile("r.docx"); print("word/document.xml" in z.namelist())')" "True" "docx is a package"
expect_eq "$(python3 -c 'import zipfile,sys; z=zipfile.ZipFile("r.xlsx"); print(len([n for n in z.namelist() if n.startswith("xl/worksheets/")]) >= 4)')" "True" "xlsx has the sheets"

# --- templates
run gi report template show
expect_rc 0 "template show"; expect_out "@section appendices"
printf '@title x\n@body {没有}\n' >bad.txt
run gi report --round 2020Q3 --template bad.txt --format md -o bad.md
expect_rc 1 "a template with an unknown placeholder"; expect_err "bad.txt:2: unknown placeholder {没有}"
[ ! -e bad.md ] || fail "a failed report leaves no file"
# --- one organisation: --org keeps its targets and those under it
printf 'media_id,platform,name,org,source\nwx-0002,微信,横山发布,榆林市/横山区,feed.json\n' >media2.csv
run gi media import media2.csv; expect_rc 0 "media import with org"
run gi verdicts --round 2020Q3 --org 榆林市 --format json
expect_eq "$(json '[t["id"] for t in d["targets"]]' <<<"$OUT")" "['wx-0002']" "--org 榆林市 covers 榆林市/横山区"
run gi report --round 2020Q3 --org 榆林市 --format md -o org.md
expect_rc 3 "report of one organisation (its account was not checked)"
OUT=$(cat org.md); expect_out "检查范围为全市纳入全国政府网站信息报送系统的0个政府网站、全市政务新媒体1个"

finish
