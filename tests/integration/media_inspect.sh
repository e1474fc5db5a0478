# inspect --media-only: accounts read from files and from feeds served on
# 127.0.0.1, findings recorded per account with evidence, unreadable feeds
# as media.feed_error for that account alone, re-runs marking what is fixed
# as gone, and the selection options.
. "$(dirname "$0")/lib/assert.bash"
. "$(dirname "$0")/lib/serve.bash"
set -e
DB="$TMP/t.db"
gi() { "$GI" --db "$DB" --no-progress "$@"; }
D="$SRC/tests/data/media"

mkdir -p reg/feeds www
cp "$D/rss.xml" "$D/atom.xml" "$D/gbk.xml" "$D/invalid.xml" reg/feeds/
cp -r "$D/wechat" reg/feeds/wechat
# A fresh JSON Feed (captured the day before T) with an advertising comment
# and closed interaction; post dates on both sides of the 14-day boundary.
cat > reg/feeds/fresh.json <<'JSON'
{ "version": "https://jsonfeed.org/version/1.1", "title": "示范发布",
  "_gov": { "checked_at": "2020-08-09T10:00:00+08:00",
            "interaction": { "comments": false, "messages": false, "menu_entry": false } },
  "items": [
    { "id": "a1", "url": "https://mp.invalid/a1", "title": "边界上的一条",
      "date_published": "2020-07-27T16:00:00Z",
      "_gov": { "comments": [
        { "author": "网友", "text": "请问办事大厅电话0912-3282123打不通" },
        { "author": "小号", "text": "无抵押贷款，秒批，电话13912345678", "date": "2020-07-29T08:00:00+08:00" } ] } } ] }
JSON
cat > reg/feeds/stale.json <<'JSON'
{ "version": "https://jsonfeed.org/version/1.1", "title": "示范住建",
  "_gov": { "checked_at": "2020-08-10T09:00:00+08:00",
            "interaction": { "comments": true, "messages": true, "menu_entry": true, "auto_reply_only": false } },
  "items": [ { "id": "b1", "url": "https://mp.invalid/b1", "title": "边界前一分钟",
               "content_text": "庆祝中华人民共合国成立",
               "date_published": "2020-07-27T23:59:00+08:00" } ] }
JSON
cat > reg/feeds/old_capture.json <<'JSON'
{ "version": "https://jsonfeed.org/version/1.1", "title": "旧采集",
  "_gov": { "checked_at": "2020-08-01T09:00:00+08:00" },
  "items": [ { "id": "c1", "title": "很久以前", "date_published": "2020-05-01T09:00:00+08:00" } ] }
JSON
# An old capture with open interaction: readable, but freshness not judged.
cat > reg/feeds/old_open.json <<'JSON'
{ "version": "https://jsonfeed.org/version/1.1", "title": "旧采集但互动正常",
  "_gov": { "checked_at": "2020-08-01T09:00:00+08:00",
            "interaction": { "comments": true, "messages": true, "menu_entry": true, "auto_reply_only": false } },
  "items": [ { "id": "d1", "title": "七月", "date_published": "2020-07-30T09:00:00+08:00" } ] }
JSON
# Served feeds: RSS in GBK, an HTML page where a feed should be, a 404.
cp "$D/gbk.xml" www/feed.xml
cp "$D/served_html.html" www/gone.xml
# no checked_at: the capture time is the fetch time
echo '{"version": "https://jsonfeed.org/version/1.1", "title": "旧", "items": [{"id": "o1", "date_published": "2020-06-01T09:00:00+08:00"}]}' > www/old.json
serve www
cat > reg/media.csv <<CSV
media_id,platform,name,unit,org,source
wx-fresh,微信,示范发布,,示范市,feeds/fresh.json
wx-stale,微信,示范住建,,示范市,feeds/stale.json
wx-old,微信,旧采集,,示范市,feeds/old_capture.json
wb-rss,微博,榆林发布,,示范市,feeds/rss.xml
wb-atom,其他,示范住建,,示范市,feeds/atom.xml
wx-folder,微信,府谷发布,,示范市,feeds/wechat
wb-bad,微博,坏数据,,示范市,feeds/invalid.xml
wb-http,微博,神木发布,,示范市,http://127.0.0.1:$PORT/feed.xml
wb-html,微博,网页,,示范市,http://127.0.0.1:$PORT/gone.xml
wb-404,微博,不存在,,示范市,http://127.0.0.1:$PORT/missing.xml
wb-old,微博,旧,,示范市,http://127.0.0.1:$PORT/old.json
wx-oldopen,微信,旧采集但互动正常,,示范市,feeds/old_open.json
CSV
run gi media import reg/media.csv
expect_rc 0 "import"

run gi inspect --round R --as-of 2020-08-10 --media-only --delay 0
expect_rc 3 "unreadable feeds make a partial run"
expect_out "wx-fresh: jsonfeed, 1 posts, newest 2020-07-28, 3 findings"
expect_out "wx-stale: jsonfeed, 1 posts, newest 2020-07-27, 2 findings; stale"
expect_out "wx-old: jsonfeed, 1 posts, newest 2020-05-01, 2 findings; freshness not judged"
expect_out "wb-rss: rss, 4 posts, newest 2020-08-05"
expect_out "wb-atom: atom, 2 posts, newest 2020-08-03"
expect_out "wx-folder: wechat, 2 posts"
expect_out "wb-bad: unreadable:"; expect_out "not well-formed XML"
expect_out "wb-http: rss, 1 posts, newest 2020-08-06"
expect_out "wb-html: unreadable:"; expect_out "an HTML page, not a feed"
expect_out "wb-404: unreadable: http://127.0.0.1:$PORT/missing.xml: HTTP 404"
expect_out "round R: 12 accounts inspected, 3 unreadable"
expect_err "3 accounts could not be read"
expect_no_out "sites inspected" "--media-only runs no websites"

run gi findings --round R --format json
expect_rc 0 "findings"
J="$OUT"
# one finding per line: target kind status indicator
kinds=$(python3 - "$J" <<'PY'
import json, sys
for f in json.loads(sys.argv[1])["findings"]:
    print(f["target"], f["kind"], f["status"], f["indicator"], json.dumps(f["evidence"], ensure_ascii=False, sort_keys=True))
PY
)
OUT="$kinds"
expect_out "wx-fresh media.interaction confirmed media.interaction"
expect_out "wx-fresh media.menu_missing confirmed media.menu_missing"
expect_out "wx-fresh media.comment_ads pending media.comment_ads"
expect_out '"text": "无抵押贷款，秒批，电话13912345678"'
expect_no_out "0912-3282123\"" "a citizen quoting an office number is not advertising"
expect_no_out "wx-fresh media.stale " "a post at 07-28 00:00 +08:00 (written in UTC) is fresh"
expect_out "wx-stale media.stale confirmed media.stale"
expect_out '"longest_gap": {"days": 78, "from": "2020-05-10", "months": 3, "to": "2020-07-27"}'
expect_out '"newest": {"date": "2020-07-27T23:59:00+08:00", "title": "边界前一分钟", "url": "https://mp.invalid/b1"}'
expect_no_out "wx-stale media.interaction" "open interaction is no finding"
expect_out "wx-stale post.wording pending media.security"
expect_out '"suggestion": "中华人民共和国"'
expect_out "wx-old media.stale_unknown confirmed media.unjudged"
expect_out '"reason": "capture_too_old"'
expect_out "wx-old media.interaction_unknown pending media.interaction"
expect_out "wb-rss media.interaction_unknown pending"
expect_out "wb-bad media.feed_error confirmed media.feed_error"
expect_out '"unjudged": ["media.security", "media.interaction", "media.comment_ads", "media.stale"]'
expect_out "wb-404 media.feed_error"
expect_out "wb-html media.feed_error"
expect_no_out "wb-http media.feed_error" "the GBK feed over HTTP is read"
expect_out "wb-old media.stale confirmed"
expect_out '"capture_source": "fetch"'

# The judge sees how far each account was checked.
run gi verdicts --round R --format json
OUT=$(python3 - "$OUT" <<'PY'
import json, sys
for t in json.loads(sys.argv[1])["targets"]:
    if t["kind"] == "media":
        print(t["id"], t["verdict"], ",".join(t["vetoes"]), t.get("reason") or "-")
PY
)
expect_out "wx-fresh fail media.interaction -"
expect_out "wb-old fail media.stale -"
expect_out "wb-404 unknown  the source could not be read: http://127.0.0.1:$PORT/missing.xml: HTTP 404"
expect_out "wx-oldopen unknown  freshness not judged: the data was captured 2020-08-01T09:00:00+08:00, 9 days before 2020-08-10"
expect_out "wb-rss pending" "interaction unknown awaits review"

# Fix the broken feed and make the stale account fresh: re-running marks
# what was not seen again as gone, and keeps the rest.
cp "$D/rss.xml" reg/feeds/invalid.xml
sed -i 's/2020-07-27T23:59:00+08:00/2020-08-09T08:00:00+08:00/' reg/feeds/stale.json
run gi inspect --round R --media wb-bad --media wx-stale
expect_rc 0 "named accounts, all readable"
expect_out "wb-bad: rss, 4 posts"
expect_out "round R: 2 accounts inspected, 0 unreadable, 0 stale"
run gi findings --round R --all --format json
OUT=$(python3 - "$OUT" <<'PY'
import json, sys
for f in json.loads(sys.argv[1])["findings"]:
    print(f["target"], f["kind"], f["status"])
PY
)
expect_out "wb-bad media.feed_error gone"
expect_out "wx-stale media.stale gone"
expect_out "wb-404 media.feed_error confirmed" "accounts not named are left alone"

# Many feeds at once through one fetcher: 150 served accounts in a new round.
mkdir -p many
echo "media_id,platform,name,source" > many/media.csv
for i in $(seq 1 150); do
  printf '{"version":"https://jsonfeed.org/version/1.1","title":"n%s","_gov":{"checked_at":"2020-08-10T08:00:00+08:00"},"items":[{"id":"1","date_published":"2020-08-0%sT09:00:00+08:00"}]}' \
    "$i" $((i % 9 + 1)) > "www/n$i.json"
  echo "n$i,微博,n$i,http://127.0.0.1:$PORT/n$i.json" >> many/media.csv
done
run gi media import many/media.csv
run gi inspect --round M --as-of 2020-08-10 --delay 0 --per-host 16 --concurrency 64 $(printf -- '--media n%s ' $(seq 1 150))
expect_rc 0 "150 served feeds"
expect_out "round M: 150 accounts inspected, 0 unreadable, 0 stale"
expect_eq "$(grep -c ': jsonfeed, 1 posts' <<<"$OUT")" 150 "every served account read"

# Dates as Chinese feeds write them, in round D: relative Weibo dates count
# from the file's mtime (2020-08-10 09:00 +08:00), RFC 822 "CST" is +08:00.
mkdir -p dates
wb() { printf '{"ok":1,"data":{"cards":[%s]}}' "$1" > "dates/$2"; }
wb '{"mblog":{"id":"1","created_at":"3小时前","text":"一"}},{"mblog":{"id":"2","created_at":"昨天 23:59","text":"二"}},{"mblog":{"id":"3","created_at":"08-01 10:00","text":"三"}}' rel.json
wb '{"mblog":{"id":"1","created_at":"14天前","text":"一"}},{"mblog":{"id":"2","created_at":"07-27 23:59","text":"二"}},{"mblog":{"id":"3","created_at":"99999天前","text":"三"}}' relold.json
rss() { printf '<rss version="2.0"><channel><title>t</title><item><title>a</title><pubDate>%s</pubDate></item></channel></rss>' "$1" > "dates/$2"; }
rss "Mon, 27 Jul 2020 23:59:00 CST" cst_old.xml
rss "Tue, 28 Jul 2020 00:00:00 CST" cst_new.xml
touch -d @1597021200 dates/*
cat > dates/media.csv <<'CSV'
media_id,platform,name,source
d-rel,微博,相对日期,rel.json
d-relold,微博,相对日期旧,relold.json
d-cstold,微博,CST旧,cst_old.xml
d-cstnew,微博,CST新,cst_new.xml
CSV
run gi media import dates/media.csv
expect_rc 0 "import the date accounts"
run gi inspect --round D --as-of 2020-08-10 --media-only --media d-rel --media d-relold --media d-cstold --media d-cstnew
expect_rc 0 "date accounts"
expect_out "d-rel: weibo, 3 posts, newest 2020-08-10"
expect_out "d-relold: weibo, 3 posts, newest 2020-07-27"
expect_out "d-cstold: rss, 1 posts, newest 2020-07-27"
expect_out "d-cstnew: rss, 1 posts, newest 2020-07-28"
expect_out "round D: 4 accounts inspected, 0 unreadable, 2 stale"
run gi findings --round D --format json
OUT=$(python3 - "$OUT" <<'PY'
import json, sys
for f in json.loads(sys.argv[1])["findings"]:
    if f["kind"] == "media.stale":
        print(f["target"], f["kind"], f["evidence"]["newest"]["date"], f["evidence"]["posts_undated"])
PY
)
expect_out "d-relold media.stale 2020-07-27T23:59:00+08:00 1" "99999天前 stays undated"
expect_out "d-cstold media.stale 2020-07-27T23:59:00+08:00 0"
expect_no_out "d-rel media.stale"
expect_no_out "d-cstnew media.stale"

# Saved weibo.com status pages (round W): one page and a folder of them,
# saved 2020-08-10 09:00 +08:00 ("今天 08:30", "5分钟前" count from it); the
# advertising comment is found, the account's reply is no comment of its own.
mkdir -p wbpages/folder
cp "$D/weibo/status_1.html" wbpages/one.html
cp "$D/weibo/"*.html wbpages/folder/
touch -d @1597021200 wbpages/one.html wbpages/folder/*
cat > wbpages/media.csv <<'CSV'
media_id,platform,name,source
w-page,微博,榆林发布,one.html
w-folder,微博,榆林发布,folder
CSV
run gi media import wbpages/media.csv
expect_rc 0 "import the saved weibo pages"
run gi inspect --round W --as-of 2020-08-10 --media-only --media w-page --media w-folder
expect_rc 0 "saved weibo pages"
expect_out "w-page: weibo_page, 1 posts, newest 2020-08-10"
expect_out "w-folder: weibo_page, 2 posts, newest 2020-08-10"
expect_out "round W: 2 accounts inspected, 0 unreadable, 0 stale"
run gi findings --round W --format json
OUT=$(python3 - "$OUT" <<'PY'
import json, sys
for f in json.loads(sys.argv[1])["findings"]:
    ev = f["evidence"]
    print(f["target"], f["kind"], f["status"], ev.get("author", "-"), ev.get("text", "-"), ev.get("date", "-"), ev.get("post_url", "-"),
          ev.get("comments_read", "-"), ev.get("comments_answered", "-"))
PY
)
expect_out "w-page media.comment_ads pending 小额贷款顾问 无抵押贷款，当天放款，加V：dk8888 电话13912345678 2019-12-31T23:59:00+08:00 https://weibo.com/2000000001/Nx1AbCdEf"
expect_out "w-folder media.comment_ads pending 小额贷款顾问"
expect_out "w-page media.interaction_unknown pending - - - - 4 1" \
  "a saved page leaves interaction to a reviewer, with the comments read and those the account answered"
expect_eq "$(grep -c 'media.comment_ads' <<<"$OUT")" 2 "one advertising comment per account, nothing else"

# Selection and help.
run gi inspect --round R --sites-only --media-only
expect_rc 2 "--sites-only with --media-only"
run gi inspect --round R --media nosuch
expect_rc 2 "an unknown account"
expect_err "no registered account has the id nosuch"
run gi inspect --help
expect_out "--media-only          new-media accounts only"
expect_out "media.feed_error"
expect_no_out "not yet available"
run env LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 "$GI" inspect --help
expect_out "只检查新媒体账号"
finish
