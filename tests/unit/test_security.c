/* Tests for the security checks (security.h): a page hiding gambling links
 * five ways and by document.write (all 暗链); tab panels, menus, skip links
 * and a widget's links that stay informational; harmful-list domains in a,
 * script and iframe; harmful anchor texts, and a government article title
 * that is not harmful; off-site scripts grouped by host; forged dates by
 * PubDate and by the shown date, and dates just inside the allowance; the
 * domain lists. Pages are parsed by the real page model; nothing is
 * fetched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "checks/security.h"
#include "core/date.h"
#include "core/lang.h"
#include "core/sbuf.h"
#include "text/text.h"

#include "found.h"

static rules *rs;
static text_engine *te;
static sec_lists *lists;

static int setup(void **state) {
    (void)state;
    lang_force("en");
    err e = {0};
    rs = rules_load_default(&e);
    te = text_engine_load_with_dict(GI_DATADIR_SOURCE, "", &e);
    if (!te)
        print_message("text engine: %s\n", e.msg);
    lists = rs ? sec_lists_new(rs, &e) : NULL;
    return rs && te && lists ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    sec_lists_free(lists);
    text_engine_free(te);
    rules_free(rs);
    return 0;
}

static const site_rec site = {.code = "6199000001",
                              .name = "示范县人民政府",
                              .url = "http://www.shifan.gov.cn/",
                              .hosts = "",
                              .unit = "",
                              .kind = "portal",
                              .org = "",
                              .icp = "",
                              .psb = ""};

/* Runs the check on pages (NULL-terminated HTML texts, the first the
 * homepage, the others /a1.html, /a2.html …) fetched at `fetched`. */
static void run_pages(found *g, const char *const *html, int64_t fetched) {
    err e = {0};
    sec_site *s = sec_site_new(lists, te, rs, &site, 480, &e);
    assert_non_null(s);
    for (size_t i = 0; html[i]; i++) {
        char url[64];
        if (i == 0)
            snprintf(url, sizeof url, "http://www.shifan.gov.cn/");
        else
            snprintf(url, sizeof url, "http://www.shifan.gov.cn/a%zu.html", i);
        page *p = page_parse(html[i], strlen(html[i]), url, "UTF-8", &e);
        assert_non_null(p);
        assert_true(sec_page(s, p, i == 0, fetched));
        page_free(p);
    }
    sec_site_end(s, collect, g);
    sec_site_free(s);
}

static void run_one(found *g, const char *html) {
    const char *pages[] = {html, NULL};
    run_pages(g, pages, 0);
}

static const char *hidden_by(const found *g, const char *kind, const char *url) {
    json_t *ev = find(g, kind, url);
    if (!ev) {
        dump(g);
        fail_msg("no %s finding for %s", kind, url);
    }
    return json_string_value(json_object_get(ev, "hidden_by"));
}

/* ---- 暗链 -------------------------------------------------------------------- */

static void test_five_ways_and_script(void **state) {
    (void)state;
    const char *html =
        "<html><head><style>.gg{visibility:hidden} #ad2 a{font-size:0}</style></head><body>"
        "<p>示范县人民政府</p>"
        "<div style=\"display:none\"><a href=\"http://www.yule-one.com/\">澳门赌场</a></div>"
        "<div class=\"gg\"><a href=\"http://www.yule-two.com/\">在线赌场</a></div>"
        "<div style=\"position:absolute;left:-9999px;top:-9999px\">"
        "<a href=\"http://www.yule-three.com/\">真人荷官</a></div>"
        "<div style=\"width:0;height:0;overflow:hidden\"><a href=\"http://www.yule-four.com/\">"
        "百家乐</a></div>"
        "<div id=\"ad2\"><a href=\"http://www.yule-five.com/\">时时彩</a></div>"
        "<script>document.write('<a href=\"http://www.yule-six.com/\">六合彩</a>');</script>"
        "<a href=\"http://www.shifan.gov.cn/xxgk/\">信息公开</a>"
        "</body></html>";
    found g = {0};
    run_one(&g, html);
    if (count_kind(&g, "link.hidden_harmful") != 6 || g.n != 6)
        dump(&g);
    assert_int_equal(count_kind(&g, "link.hidden_harmful"), 6);
    assert_int_equal(g.n, 6);
    assert_string_equal(hidden_by(&g, "link.hidden_harmful", "http://www.yule-one.com/"),
                        "display:none");
    assert_string_equal(hidden_by(&g, "link.hidden_harmful", "http://www.yule-two.com/"),
                        "visibility:hidden");
    assert_non_null(
        strstr(hidden_by(&g, "link.hidden_harmful", "http://www.yule-three.com/"), "off-screen"));
    assert_string_equal(hidden_by(&g, "link.hidden_harmful", "http://www.yule-four.com/"),
                        "zero size, overflow:hidden");
    assert_string_equal(hidden_by(&g, "link.hidden_harmful", "http://www.yule-five.com/"),
                        "font-size:0");
    assert_string_equal(hidden_by(&g, "link.hidden_harmful", "http://www.yule-six.com/"), "script");
    /* The harmful words of the anchor are evidence. */
    json_t *ev = find(&g, "link.hidden_harmful", "http://www.yule-one.com/");
    assert_string_equal(json_string_value(json_array_get(json_object_get(ev, "words"), 0)),
                        "澳门赌场");
    assert_string_equal(json_string_value(json_object_get(ev, "text")), "澳门赌场");
    assert_true(json_is_true(json_object_get(ev, "from_home")));
    found_free(&g);
}

/* Invisible links without harmful words to an off-site commercial host are
 * 暗链 too; one URL hidden on three pages is one finding with its pages. */
static void test_offsite_hidden_counted_once(void **state) {
    (void)state;
    const char *p = "<body><div style=\"display:none\"><a href=\"http://seo-shop.example.com/x\">"
                    "便宜手机</a></div></body>";
    const char *pages[] = {p, p, p, NULL};
    found g = {0};
    run_pages(&g, pages, 0);
    assert_int_equal(g.n, 1);
    json_t *ev = find(&g, "link.hidden_harmful", "http://seo-shop.example.com/x");
    assert_non_null(ev);
    assert_int_equal(json_integer_value(json_object_get(ev, "pages_total")), 3);
    assert_int_equal(json_array_size(json_object_get(ev, "pages")), 3);
    found_free(&g);
}

static void test_tabs_menus_skip_links(void **state) {
    (void)state;
    const char *html =
        "<body><a href=\"#main\" style=\"position:absolute;left:-9999px\">跳到主要内容</a>"
        "<ul class=\"tabs\"><li>政府网站</li><li>新闻媒体</li></ul>"
        "<div class=\"panel\" style=\"display:none\">"
        "<a href=\"http://www.shifan.gov.cn/xxgk/\">信息公开</a>"
        "<a href=\"http://www.beijing.gov.cn/\">北京市人民政府</a>"
        "<a href=\"http://www.xinhuanet.com/\">新华网</a>"
        "<a href=\"https://zfwzzc.www.gov.cn/\">我为政府网站找错</a>"
        "<a href=\"http://www.shifan-media.com/news/\">示范日报</a></div>"
        "<p><a href=\"http://www.shifan-media.com/\">示范日报</a></p>"
        "<div hidden><a href=\"/zwgk/\">政务公开</a></div>"
        "<a name=\"main\"></a></body>";
    found g = {0};
    run_one(&g, html);
    assert_int_equal(count_kind(&g, "link.hidden_harmful"), 0);
    assert_int_equal(count_kind(&g, "link.hidden"), 4);
    assert_non_null(find(&g, "link.hidden", "http://www.beijing.gov.cn/"));
    assert_non_null(find(&g, "link.hidden", "http://www.xinhuanet.com/"));
    assert_non_null(find(&g, "link.hidden", "https://zfwzzc.www.gov.cn/"));
    /* linked visibly elsewhere on the site: a menu, not 暗链 */
    assert_non_null(find(&g, "link.hidden", "http://www.shifan-media.com/news/"));
    assert_int_equal(g.n, 4);
    found_free(&g);
}

/* A share widget's hidden panel links the widget's own domain. */
static void test_widget_links(void **state) {
    (void)state;
    const char *html =
        "<body><script src=\"http://static.share-widget.example.com/b.js\"></script>"
        "<div id=\"panel\" style=\"display:none\">"
        "<a href=\"http://www.share-widget.example.com/intro\">分享到</a></div></body>";
    found g = {0};
    run_one(&g, html);
    assert_non_null(find(&g, "link.hidden", "http://www.share-widget.example.com/intro"));
    assert_non_null(find(&g, "script.external", "static.share-widget.example.com"));
    assert_int_equal(g.n, 2);
    found_free(&g);
}

/* ---- harmful domains and texts ------------------------------------------------------ */

static void test_harmful_domains(void **state) {
    (void)state;
    const char *html =
        "<body><p><a href=\"http://000wyt.com/\">友情链接</a></p>"
        "<p><a href=\"http://www.001fans.com/x.html\">看电影</a></p>"
        "<script src=\"http://js.00852555.cn/a.js\"></script>"
        "<iframe src=\"http://000wyt.com/frame.html\" width=\"1\" height=\"1\"></iframe>"
        "<div style=\"display:none\"><a href=\"http://a.001fans.com/\">x</a></div>"
        "</body>";
    found g = {0};
    run_one(&g, html);
    if (g.n != 5)
        dump(&g);
    assert_non_null(find(&g, "link.harmful", "http://000wyt.com/"));
    assert_non_null(find(&g, "link.harmful", "http://www.001fans.com/x.html"));
    assert_non_null(find(&g, "script.harmful", "http://js.00852555.cn/a.js"));
    assert_non_null(find(&g, "script.harmful", "http://000wyt.com/frame.html"));
    assert_non_null(find(&g, "link.hidden_harmful", "http://a.001fans.com/"));
    assert_string_equal(json_string_value(json_object_get(
                            find(&g, "script.harmful", "http://000wyt.com/frame.html"), "tag")),
                        "iframe");
    assert_int_equal(g.n, 5);
    found_free(&g);
}

static void test_harmful_text(void **state) {
    (void)state;
    const char *html =
        "<body><ul><li><a href=\"http://www.lucky-win.example.com/\">皇冠体育 开户送彩金</a></li>"
        /* the site's own article and a government one are not judged by their words */
        "<li><a href=\"/xw/t20200801_1.html\">我县开展打击网络赌博专项行动</a></li>"
        "<li><a href=\"http://www.gaj.shifan.gov.cn/\">百家乐诈骗案告破</a></li>"
        /* a news site's article that names the thing it warns against */
        "<li><a href=\"http://news.example.com/a.html\">警方提醒：远离网上赌场</a></li>"
        "</ul></body>";
    found g = {0};
    run_one(&g, html);
    if (g.n != 1)
        dump(&g);
    json_t *ev = find(&g, "link.harmful", "http://www.lucky-win.example.com/");
    assert_non_null(ev);
    assert_true(json_array_size(json_object_get(ev, "words")) >= 1);
    assert_int_equal(g.n, 1);
    found_free(&g);
}

static void test_external_scripts(void **state) {
    (void)state;
    const char *html = "<head><script src=\"http://cdn.example.com/jquery.js\"></script>"
                       "<script src=\"http://cdn.example.com/app.js?v=2\"></script>"
                       "<script src=\"http://www.beijing.gov.cn/common.js\"></script>"
                       "<script src=\"https://hm.baidu.com/hm.js?abc\"></script>"
                       "<script src=\"/js/local.js\"></script>"
                       "<script src=\"http://s13.cnzz.com/z_stat.php?id=1\"></script></head>"
                       "<body><iframe src=\"http://map.example.net/embed\"></iframe></body>";
    found g = {0};
    run_one(&g, html);
    if (g.n != 2)
        dump(&g);
    json_t *ev = find(&g, "script.external", "cdn.example.com");
    assert_non_null(ev);
    assert_int_equal(json_array_size(json_object_get(ev, "scripts")), 2);
    assert_non_null(find(&g, "script.external", "map.example.net"));
    assert_int_equal(g.n, 2);
    found_free(&g);
}

/* ---- forged dates ------------------------------------------------------------------------ */

static void test_forged_dates(void **state) {
    (void)state;
    int64_t fetched;
    assert_true(date_parse_instant("2020-08-10T12:00:00+08:00", &fetched));
    const char *pages[] = {
        "<body><p>首页</p></body>",
        /* a1: PubDate ten days ahead */
        "<head><meta name=\"PubDate\" content=\"2020-08-20 10:00\"></head><body><p>正文</p></body>",
        /* a2: 22 hours ahead: within the allowance of one day */
        "<head><meta name=\"PubDate\" content=\"2020-08-11 10:00\"></head><body><p>正文</p></body>",
        /* a3: the shown date, five days ahead */
        "<body><div class=\"info\">发布日期：2020-08-15 来源：本站</div><p>正文</p></body>",
        /* a4: shown tomorrow: its start is 12 hours ahead */
        "<body><div>发布时间：2020年8月11日</div></body>",
        /* a5: a meeting announced for later is not a publication date */
        "<body><p>会议时间：2020年9月1日</p><div>发布时间：2020-08-01 09:00</div></body>",
        /* a6: exactly one day and a minute ahead, by PubDate with seconds */
        "<head><meta name=\"PubDate\" content=\"2020-08-11 12:01:00\"></head><body></body>", NULL};
    found g = {0};
    run_pages(&g, pages, fetched);
    if (g.n != 3)
        dump(&g);
    json_t *ev = find(&g, "date.forged", "http://www.shifan.gov.cn/a1.html");
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(ev, "pubdate")), "2020-08-20 10:00");
    assert_string_equal(json_string_value(json_object_get(ev, "fetched_at")),
                        "2020-08-10T12:00:00+08:00");
    ev = find(&g, "date.forged", "http://www.shifan.gov.cn/a3.html");
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(ev, "shown_date")), "2020-08-15");
    assert_non_null(find(&g, "date.forged", "http://www.shifan.gov.cn/a6.html"));
    assert_int_equal(g.n, 3);
    found_free(&g);

    /* Without a fetch time nothing is judged. */
    run_pages(&g, pages, 0);
    assert_int_equal(g.n, 0);
}

/* ---- lists -------------------------------------------------------------------------------- */

static void test_lists(void **state) {
    (void)state;
    assert_true(sec_host_harmful(lists, "000wyt.com"));
    assert_true(sec_host_harmful(lists, "www.000wyt.com"));
    assert_false(sec_host_harmful(lists, "x000wyt.com"));
    assert_false(sec_host_harmful(lists, "com"));
    /* government hosts of the source list were dropped */
    assert_false(sec_host_harmful(lists, "www.tangshan.gov.cn"));
    assert_true(sec_host_allowed(lists, "bszs.conac.cn"));
    assert_true(sec_host_allowed(lists, "hm.baidu.com"));
    assert_false(sec_host_allowed(lists, "www.baidu.com"));
    assert_true(sec_host_government(lists, "www.beijing.gov.cn"));
    assert_true(sec_host_government(lists, "xn--fiq06l2rdsvs.xn--zfr164b"));
    assert_false(sec_host_government(lists, "gov.cn.evil.com"));
    assert_false(sec_host_government(lists, "www.shifan-portal.com.cn"));
    err e = {0};
    sec_lists *l = sec_lists_new(rs, &e);
    assert_non_null(l);
    assert_true(sec_lists_add_site(l, "http://www.shifan-portal.com.cn/", "xxgk.shifan.org.cn"));
    assert_true(sec_host_government(l, "www.shifan-portal.com.cn"));
    assert_true(sec_host_government(l, "news.shifan-portal.com.cn"));
    assert_true(sec_host_government(l, "xxgk.shifan.org.cn"));
    sec_lists_free(l);
}

/* Garbage never crashes: empty pages, URLs of every kind. */
static void test_garbage(void **state) {
    (void)state;
    const char *html = "<a href=\"javascript:void(0)\" style=\"display:none\">x</a>"
                       "<a href=\"mailto:a@b.c\" style=\"display:none\">m</a>"
                       "<a href=\"http://[::1\" style=\"display:none\">bad</a>"
                       "<script src=\"\"></script><iframe src=\"data:text/html,hi\"></iframe>"
                       "<meta name=\"PubDate\" content=\"9999-99-99 99:99\">"
                       "<div>发布时间：2020-02-30</div>";
    found g = {0};
    const char *pages[] = {html, "", NULL};
    run_pages(&g, pages, 1596988800000LL);
    assert_int_equal(g.n, 0);
}

static bool count_cb(void *ud, const check_finding *f) {
    int *n = ud;
    if (strcmp(f->kind, "link.hidden_harmful") == 0)
        n[1]++;
    else
        n[0]++;
    json_decref(f->evidence);
    return true;
}

/* A hostile page with thousands of distinct hidden links: the informational
 * ones are capped, 暗链 after them still count. */
static void test_caps(void **state) {
    (void)state;
    sbuf b = SBUF_INIT;
    sbuf_puts(&b, "<body><div style=\"display:none\">");
    for (int i = 0; i < 3000; i++)
        sbuf_printf(&b, "<a href=\"http://www.x%d.gov.cn/\">x</a>", i);
    sbuf_puts(&b, "<a href=\"http://seo.example.com/\">y</a></div></body>");
    err e = {0};
    sec_site *s = sec_site_new(lists, te, rs, &site, 480, &e);
    page *p = page_parse(sbuf_str(&b), b.len, "http://www.shifan.gov.cn/", "UTF-8", &e);
    assert_non_null(p);
    assert_true(sec_page(s, p, true, 0));
    int n[2] = {0, 0};
    sec_site_end(s, count_cb, n);
    assert_int_equal(n[0], 2000);
    assert_int_equal(n[1], 1);
    page_free(p);
    sec_site_free(s);
    sbuf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_five_ways_and_script),
        cmocka_unit_test(test_offsite_hidden_counted_once),
        cmocka_unit_test(test_tabs_menus_skip_links),
        cmocka_unit_test(test_widget_links),
        cmocka_unit_test(test_harmful_domains),
        cmocka_unit_test(test_harmful_text),
        cmocka_unit_test(test_external_scripts),
        cmocka_unit_test(test_forged_dates),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_caps),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
