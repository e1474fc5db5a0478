/* test_feed — reading accounts (feed.h): every form recognised by content
 * (JSON Feed with _gov, RSS 2.0, Atom, Weibo timelines, saved WeChat pages
 * and folders of them), the real samples of the shared corpus, GBK feeds
 * with and without a declaration, broken input (invalid XML, truncated
 * JSON, an HTML page served as a feed, entity declarations, JSON of another
 * kind), and every date form with its zone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/date.h"
#include "core/lang.h"
#include "media/feed.h"

#define ZONE 480

static int group_setup(void **state) {
    (void)state;
    lang_force("en");
    return 0;
}

static int64_t iso(const char *s) {
    int64_t ms = 0;
    if (!date_parse_instant(s, &ms)) fail_msg("bad instant %s", s);
    return ms;
}

static void read_data(const char *rel, feed_account *a) {
    char path[1024];
    snprintf(path, sizeof path, "%s/media/%s", GI_TEST_DATA, rel);
    err e = {0};
    if (!feed_read_path(path, ZONE, a, &e)) fail_msg("%s: %s", rel, e.msg);
}

static void read_fails(const char *rel, const char *want) {
    char path[1024];
    snprintf(path, sizeof path, "%s/media/%s", GI_TEST_DATA, rel);
    err e = {0};
    feed_account a;
    if (feed_read_path(path, ZONE, &a, &e)) fail_msg("%s: read, but should fail", rel);
    if (!strstr(e.msg, want)) fail_msg("%s: message '%s' lacks '%s'", rel, e.msg, want);
    if (!strstr(e.msg, rel)) fail_msg("%s: message '%s' does not name the file", rel, e.msg);
    assert_int_equal(a.nposts, 0);
    feed_account_free(&a);
}

/* A file of the shared corpus; skips when the corpus is absent. */
static bool read_corpus(const char *rel, feed_account *a) {
    char path[1024];
    snprintf(path, sizeof path, "%s/corpus/%s", GI_SHARED_DIR, rel);
    if (access(path, R_OK) != 0) {
        print_message("skipped: %s not found (the shared corpus is not here)\n", path);
        return false;
    }
    err e = {0};
    if (!feed_read_path(path, ZONE, a, &e)) fail_msg("%s: %s", rel, e.msg);
    return true;
}

static void test_jsonfeed(void **state) {
    (void)state;
    feed_account a;
    read_data("jsonfeed.json", &a);
    assert_string_equal(a.format, "jsonfeed");
    assert_string_equal(a.name, "榆林市科技局");
    assert_true(a.captured);
    assert_string_equal(a.capture_source, "_gov.checked_at");
    assert_true(a.captured_ms == iso("2020-08-09T10:00:00+08:00"));
    assert_true(a.has_interaction);
    assert_int_equal(a.comments, FEED_TRUE);
    assert_int_equal(a.messages, FEED_FALSE);
    assert_int_equal(a.menu_entry, FEED_FALSE);
    assert_int_equal(a.auto_reply_only, FEED_FALSE);
    assert_int_equal(a.nposts, 3);
    feed_post *p = &a.posts[0];
    assert_string_equal(p->id, "2247483801");
    assert_string_equal(p->url, "https://mp.weixin.qq.com/s/abc");
    assert_string_equal(p->text, "全市科技特派员深入一线&服务农户。");
    assert_true(p->dated && p->published_ms == iso("2020-08-01T09:30:00+08:00"));
    assert_int_equal(p->ncomments, 3);
    assert_string_equal(p->comments[0].author, "张三");
    assert_string_equal(p->comments[0].reply, "谢谢支持");
    assert_true(p->comments[0].dated);
    assert_string_equal(p->comments[2].reply, "是的"); /* reply as an object */
    assert_false(p->comments[2].dated);
    assert_string_equal(a.posts[1].id, "2247483790"); /* a numeric id */
    assert_false(a.posts[1].dated);                   /* "昨天" is no date */
    /* a date without a zone is a +08:00 date */
    assert_true(a.posts[2].dated && a.posts[2].published_ms == iso("2020-07-20T08:00:00+08:00"));
    feed_account_free(&a);
}

static void test_rss(void **state) {
    (void)state;
    feed_account a;
    read_data("rss.xml", &a);
    assert_string_equal(a.format, "rss");
    assert_string_equal(a.name, "榆林发布");
    assert_false(a.has_interaction);
    assert_int_equal(a.comments, FEED_UNKNOWN);
    assert_string_equal(a.capture_source, "file");
    assert_int_equal(a.nposts, 4);
    assert_string_equal(a.posts[0].title, "【防汛】全市启动四级应急响应");
    assert_string_equal(a.posts[0].text, "8月5日起，全市启动 防汛四级应急响应。"); /* script dropped */
    assert_string_equal(a.posts[0].id, "ylfb-1");
    assert_string_equal(a.posts[0].url, "https://weibo.com/ylfb/1");
    assert_true(a.posts[0].published_ms == iso("2020-08-05T09:30:00+08:00"));
    assert_string_equal(a.posts[1].title, "第二条 & 更早");
    assert_string_equal(a.posts[1].id, "https://weibo.com/ylfb/2"); /* no guid: the link */
    assert_true(a.posts[1].published_ms == iso("2020-07-27T15:59:00Z"));
    assert_true(a.posts[2].dated && a.posts[2].published_ms == iso("2020-07-01T08:00:00Z")); /* dc:date */
    assert_false(a.posts[3].dated);
    feed_account_free(&a);
}

static void test_atom(void **state) {
    (void)state;
    feed_account a;
    read_data("atom.xml", &a);
    assert_string_equal(a.format, "atom");
    assert_string_equal(a.name, "示范住建");
    assert_int_equal(a.nposts, 2);
    assert_string_equal(a.posts[0].url, "https://example.invalid/posts/1"); /* rel=alternate, not self */
    assert_string_equal(a.posts[0].text, "新政解读");
    assert_true(a.posts[0].published_ms == iso("2020-08-03T09:00:00+08:00")); /* published before updated */
    assert_string_equal(a.posts[1].url, "https://example.invalid/posts/2");
    assert_true(a.posts[1].published_ms == iso("2020-07-10T09:00:00+08:00"));
    assert_string_equal(a.posts[1].text, "摘要");
    feed_account_free(&a);
}

static void test_gbk(void **state) {
    (void)state;
    const char *files[] = {"gbk.xml", "gbk_undeclared.xml"};
    const char *names[] = {"神木市人民政府", "府谷县融媒体中心发布信息"};
    for (int i = 0; i < 2; i++) {
        feed_account a;
        read_data(files[i], &a);
        assert_string_equal(a.name, names[i]);
        assert_string_equal(a.charset, "GB18030");
        assert_int_equal(a.nposts, 1);
        assert_true(a.posts[0].published_ms == iso("2020-08-06T10:00:00+08:00"));
        feed_account_free(&a);
    }
    feed_account a;
    if (read_corpus("encoding/chardet_GB2312_cnblog.org.xml", &a)) {
        assert_string_equal(a.format, "rss"); /* RSS 0.92, GB2312 declared */
        assert_string_equal(a.name, "CNBlog:Blog On Blog");
        assert_int_equal(a.nposts, 16);
        assert_non_null(strstr(a.posts[1].title, "出版商oreilly推出了开放图书项目"));
        assert_false(a.posts[0].dated); /* RSS 0.92 items carry no date */
        feed_account_free(&a);
    }
}

static void test_wechat(void **state) {
    (void)state;
    feed_account a;
    read_data("wechat", &a);
    assert_string_equal(a.format, "wechat");
    assert_string_equal(a.name, "府谷发布");
    assert_int_equal(a.nposts, 2);
    assert_string_equal(a.posts[0].id, "article_1.html");
    assert_string_equal(a.posts[0].title, "府谷要闻 第1期");
    assert_string_equal(a.posts[0].url, "http://mp.weixin.qq.com/s?__biz=X&mid=1#rd");
    assert_string_equal(a.posts[0].text, "第1篇正文，“引号”");
    assert_true(a.posts[1].dated && a.posts[1].published_ms == (int64_t)(1596420000 + 2 * 86400) * 1000);
    assert_string_equal(a.capture_source, "file");
    feed_account_free(&a);
    /* one saved page is an account of one post */
    read_data("wechat/article_2.html", &a);
    assert_string_equal(a.format, "wechat");
    assert_int_equal(a.nposts, 1);
    feed_account_free(&a);
}

static void test_corpus(void **state) {
    (void)state;
    feed_account a;
    if (read_corpus("newmedia/nonebot-bison_rss-twitter-ArknightsStaff.xml", &a)) {
        assert_string_equal(a.format, "rss");
        assert_string_equal(a.name, "Twitter @アークナイツ公式");
        assert_true(a.nposts >= 5);
        for (size_t i = 0; i < a.nposts; i++) assert_true(a.posts[i].dated);
        feed_account_free(&a);
    }
    if (read_corpus("newmedia/nonebot-bison_rss-github-atom.xml", &a)) {
        assert_string_equal(a.format, "atom");
        assert_string_equal(a.name, "Release notes from R3nzSkin");
        assert_string_equal(a.posts[0].url, "https://github.com/R3nzTheCodeGOD/R3nzSkin/releases/tag/v3.0.9");
        assert_true(a.posts[0].published_ms == iso("2023-06-29T00:46:57+08:00"));
        feed_account_free(&a);
    }
    if (read_corpus("newmedia/nonebot-bison_weibo_ak_list_0.json", &a)) {
        assert_string_equal(a.format, "weibo");
        assert_string_equal(a.name, "明日方舟Arknights");
        assert_int_equal(a.nposts, 10);
        assert_string_equal(a.posts[0].id, "4645748019299849");
        assert_true(a.posts[0].published_ms == iso("2021-06-08T09:35:04+08:00"));
        assert_non_null(strstr(a.posts[0].text, "2021明日方舟音律联觉"));
        assert_null(strstr(a.posts[0].text, "<a"));
        assert_non_null(strstr(a.posts[0].url, "https://m.weibo.cn/status/"));
        feed_account_free(&a);
    }
    if (read_corpus("newmedia/nonebot-bison_weibo_ys_list_0.json", &a)) {
        assert_string_equal(a.format, "weibo");
        assert_true(a.nposts >= 10);
        feed_account_free(&a);
    }
    if (read_corpus("newmedia/wechat_mp_article_1.html", &a)) {
        assert_string_equal(a.format, "wechat");
        assert_string_equal(a.name, "爱否科技");
        assert_string_equal(a.posts[0].title, "三星 Galaxy S20 系列手机正式发布");
        assert_true(a.posts[0].published_ms == INT64_C(1581517074) * 1000);
        assert_true(strlen(a.posts[0].text) > 100);
        feed_account_free(&a);
    }
    if (read_corpus("newmedia/wechat_mp_article_2.html", &a)) {
        assert_string_equal(a.name, "未闻Code");
        assert_non_null(strstr(a.posts[0].url, "http://mp.weixin.qq.com/s?__biz=MzI2MzEwNTY3OQ==&mid="));
        feed_account_free(&a);
    }
}

static void test_broken(void **state) {
    (void)state;
    read_fails("invalid.xml", "not well-formed XML");
    read_fails("truncated.json", "invalid JSON");
    read_fails("served_html.html", "an HTML page, not a feed");
    read_fails("entities.xml", "entity declarations");
    read_fails("not_a_feed.json", "neither a JSON Feed nor a Weibo timeline");
    read_fails("no-such-file.xml", "no such file");
    err e = {0};
    feed_account a;
    /* garbage, NUL bytes, empty */
    static const char junk[] = "\x01\x02\x00\xff\xfe garbage";
    assert_false(feed_parse(junk, sizeof junk, "junk", NULL, ZONE, &a, &e));
    assert_false(feed_parse("   ", 3, "blank", NULL, ZONE, &a, &e));
    assert_non_null(strstr(e.msg, "empty"));
    /* the real weibo status page of the corpus is a page, not a feed */
    char path[1024];
    snprintf(path, sizeof path, "%s/corpus/newmedia/magic-html_weibo_status_page_with_comments.html",
             GI_SHARED_DIR);
    if (access(path, R_OK) == 0) {
        assert_false(feed_read_path(path, ZONE, &a, &e));
        assert_non_null(strstr(e.msg, "an HTML page"));
    }
}

static void test_caps(void **state) {
    (void)state;
    /* A feed with more items than the cap keeps the first FEED_MAX_POSTS. */
    size_t n = FEED_MAX_POSTS + 5;
    size_t sz = 200 + n * 40;
    char *doc = malloc(sz);
    assert_non_null(doc);
    size_t o = (size_t)snprintf(doc, sz, "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"x\",\"items\":[");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(doc + o, sz - o, "%s{\"id\":\"%zu\"}", i ? "," : "", i);
    o += (size_t)snprintf(doc + o, sz - o, "]}");
    err e = {0};
    feed_account a;
    assert_true(feed_parse(doc, o, "big", NULL, ZONE, &a, &e));
    assert_int_equal(a.nposts, FEED_MAX_POSTS);
    feed_account_free(&a);
    free(doc);
}

static void test_dates(void **state) {
    (void)state;
    static const struct { const char *s; const char *want; } ok[] = {
        {"2020-07-28T00:00:00+08:00", "2020-07-28T00:00:00+08:00"},
        {"2020-07-27T16:00:00Z", "2020-07-28T00:00:00+08:00"},
        {"2020-07-27T23:59:00.123+08:00", "2020-07-27T23:59:00.123+08:00"},
        {"2020-07-28", "2020-07-28T00:00:00+08:00"},
        {"2020/07/28 08:30", "2020-07-28T08:30:00+08:00"},
        {"2020-07-28 08:30:15 +0000", "2020-07-28T08:30:15Z"},
        {"Tue, 28 Jul 2020 00:00:00 +0800", "2020-07-28T00:00:00+08:00"},
        {"Mon, 27 Jul 2020 16:00:00 GMT", "2020-07-28T00:00:00+08:00"},
        {"27 Jul 2020 11:00 EST", "2020-07-27T16:00:00Z"},
        {"Mon, 27 Jul 20 16:00:00 UT", "2020-07-27T16:00:00Z"},
        {"Tue Jun 08 09:35:04 +0800 2021", "2021-06-08T09:35:04+08:00"},
        {"1581517074", "2020-02-12T14:17:54Z"},
        {"1581517074123", "2020-02-12T14:17:54.123Z"},
        {"  Thu, 18 May 2023 11:56:00 GMT \n", "2023-05-18T11:56:00Z"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        int64_t ms;
        if (!feed_parse_date(ok[i].s, ZONE, &ms)) fail_msg("'%s' not read", ok[i].s);
        if (ms != iso(ok[i].want)) fail_msg("'%s' read as %lld", ok[i].s, (long long)ms);
    }
    static const char *const bad[] = {"", "昨天", "5分钟前", "2020-02-30", "Tue, 32 Jul 2020 00:00:00 GMT",
                                      "Foo Jun 08 09:35:04 +0800 2021 extra", "12345", "2020-07-28T25:00",
                                      "28 Jux 2020 10:00 GMT", "2020-07-28 08:30 +99:99"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t ms;
        if (feed_parse_date(bad[i], ZONE, &ms)) fail_msg("'%s' read as a date", bad[i]);
    }
}

static void test_html_text(void **state) {
    (void)state;
    static const char h[] = "<p>a&nbsp;&lt;b&gt;</p><style>x{}</style>&#x4E2D;&#25991;&bogus; <br>end";
    char *t = feed_html_text(h, strlen(h), 1000);
    assert_string_equal(t, "a <b> 中文&bogus; end");
    free(t);
    t = feed_html_text("1 < 2 <3 和 a<b", strlen("1 < 2 <3 和 a<b"), 100); /* not tags */
    assert_string_equal(t, "1 < 2 <3 和 a<b");
    free(t);
    t = feed_html_text("x <b unclosed", strlen("x <b unclosed"), 100);
    assert_string_equal(t, "x <b unclosed");
    free(t);
    /* many '<' and no '>' (hostile): linear, kept as text */
    size_t n = 200000;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++) big[i] = i % 2 ? 'a' : '<';
    big[n] = '\0';
    t = feed_html_text(big, n, n);
    assert_int_equal(strlen(t), n);
    free(t);
    free(big);
    t = feed_html_text("中文字", strlen("中文字"), 4); /* cut at a character boundary */
    assert_string_equal(t, "中");
    free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonfeed), cmocka_unit_test(test_rss),     cmocka_unit_test(test_atom),
        cmocka_unit_test(test_gbk),      cmocka_unit_test(test_wechat),  cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_broken),   cmocka_unit_test(test_caps),    cmocka_unit_test(test_dates),
        cmocka_unit_test(test_html_text),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
