# media import / media list: platforms, relative sources, validation.
. "$(dirname "$0")/lib/assert.bash"
set -e
DB="$TMP/t.db"
gi() { "$GI" --db "$DB" --no-progress "$@"; }
mkdir -p reg/feeds
echo '{}' > reg/feeds/a.json
cat > reg/media.csv <<'CSV'
media_id,platform,name,unit,org,source
wx-0001,微信,榆林发布,榆林市政府办,榆林市,feeds/a.json
wb-0001,weibo,榆林发布,榆林市政府办,榆林市,https://m.weibo.cn/api/container/getIndex?containerid=1
dy-0001,抖音号,榆林抖音,,榆林市/横山区,feeds/missing.json
xx-0001,脸书,未知平台,,,feeds/a.json
,微信,缺编号,,,feeds/a.json
wx-0002,微信,坏来源,,,ftp://x.cn/feed
CSV
run gi media import reg/media.csv
expect_rc 3 "media with bad rows"
expect_err "media.csv:5: unknown platform '脸书'"
expect_err "media.csv:6: required column 'media_id' is empty"
expect_err "media.csv:7: source: URL scheme must be http or https"
expect_err "media.csv:4: source"; expect_err "does not exist"
expect_out "3 new"
run gi media list --format json
expect_out "\"source\": \"$TMP/reg/feeds/a.json\"" "relative source made absolute"
expect_out '"platform": "weibo"'; expect_out '"platform_label": "微博"'
expect_out '"platform": "douyin"'
run gi media list
expect_out "3 accounts"
run gi media list --org 榆林市/横山区 --format csv
expect_out "dy-0001"; expect_no_out "wx-0001"
# Importing from another folder resolves against the CSV's folder, not the cwd.
mkdir elsewhere && cd elsewhere
run "$GI" --db "$DB" media import ../reg/media.csv
expect_out "3 unchanged"
finish
