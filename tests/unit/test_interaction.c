/* Tests for 互动回应差 (site.interaction: interaction.none,
 * interaction.unanswered) and interaction.slow, end to end through
 * inspect_sites() against fixture sites on 127.0.0.1 (site_fixture.h), as
 * of 2020-08-10: message lists as a table with both dates and states, as a
 * paginated ul/li list whose states stand on the detail pages only (label:
 * value paragraphs and th/td tables), channels on the site and on a shared
 * platform outside its scope (with a form, with a submission link, dead),
 * and a petition-only site. Each veto at its boundary: answered exactly 3
 * months after it was asked passes, a day later fails (also across a month
 * end that clamps, 03-31 → 06-30); still open exactly 3 months after passes,
 * a day more fails; asked exactly 12 months before T is outside the window.
 */
#include "site_fixture.h"

#define PAGE(title, body)                                                                          \
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" title                             \
    "</title></head><body>" body "</body></html>"

static const char home_table[] = PAGE(
    "示范县人民政府",
    "<ul class=\"nav\"><li><a href=\"/hdjl/index.html\">留言咨询</a></li>"
    "<li><a href=\"/xf/index.html\">信访留言</a></li></ul>");

#define ROW(href, title, asked, replied, state)                                                    \
    "<tr><td><a href=\"" href "\">" title "</a></td><td>" asked "</td><td>" replied                \
    "</td><td>" state "</td></tr>"

/* One row per case: a at the limit, b a day past it, c and d across a month
 * end that clamps, e asked exactly 12 months before T, f a day later. */
static const char list_table[] = PAGE(
    "留言咨询_示范县人民政府",
    "<p><a href=\"/hdjl/write.html\">我要留言</a></p>"
    "<table><tr><th>标题</th><th>留言时间</th><th>回复时间</th><th>状态</th></tr>"
    ROW("/hdjl/a.html", "关于道路维修的咨询", "2020-04-10", "2020-07-10", "已回复")
    ROW("/hdjl/b.html", "关于供暖费用的咨询", "2020-04-10", "2020-07-11", "已回复")
    ROW("/hdjl/c.html", "关于学区划分的咨询", "2020-03-31", "2020-06-30", "已回复")
    ROW("/hdjl/d.html", "关于低保申请的咨询", "2020-03-31", "2020-07-01", "已办结")
    ROW("/hdjl/e.html", "关于去年路灯的咨询", "2019-08-10", "2020-01-01", "已回复")
    ROW("/hdjl/f.html", "关于去年公交的咨询", "2019-08-11", "2019-11-12", "已回复")
    "</table>");

static const char write_form[] = PAGE(
    "我要留言_示范县人民政府",
    "<form action=\"/hdjl/submit\" method=\"post\"><input name=\"title\">"
    "<textarea name=\"content\"></textarea><input type=\"submit\" value=\"提交\"></form>");

static const char petition[] = PAGE(
    "信访留言_示范县人民政府",
    "<form action=\"/xf/submit\" method=\"post\"><input name=\"title\">"
    "<textarea name=\"content\"></textarea></form>");

static void test_table_boundaries(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home_table},
        {.path = "/hdjl/index.html", .headers = fx_html, .body = list_table},
        {.path = "/hdjl/write.html", .headers = fx_html, .body = write_form},
        {.path = "/xf/index.html", .headers = fx_html, .body = petition},
    };
    fx_result r;
    fx_inspect("6199000601", true, routes, 4, "interaction.", &r);
    assert_int_equal(fx_count(&r, "interaction.none"), 0);
    assert_int_equal(fx_count(&r, "interaction.slow"), 0);
    assert_int_equal(fx_count(&r, "interaction.unanswered"), 3);
    /* 3 months + 1 day fails, 3 months passes. */
    const fx_finding *b = fx_find(&r, "interaction.unanswered", "/hdjl/b.html");
    assert_non_null(b);
    assert_null(fx_find(&r, "interaction.unanswered", "/hdjl/a.html"));
    assert_string_equal(b->indicator, "site.interaction");
    assert_string_equal(b->status, "confirmed");
    assert_string_equal(fx_ev_str(b, "title"), "关于供暖费用的咨询");
    assert_string_equal(fx_ev_str(b, "asked"), "2020-04-10");
    assert_string_equal(fx_ev_str(b, "replied"), "2020-07-11");
    assert_string_equal(fx_ev_str(b, "deadline"), "2020-07-10");
    assert_string_equal(fx_ev_str(b, "state_text"), "已回复");
    assert_string_equal(fx_ev_str(b, "from"), "list");
    /* 03-31 + 3 months clamps to 06-30. */
    assert_null(fx_find(&r, "interaction.unanswered", "/hdjl/c.html"));
    const fx_finding *d = fx_find(&r, "interaction.unanswered", "/hdjl/d.html");
    assert_non_null(d);
    assert_string_equal(fx_ev_str(d, "deadline"), "2020-06-30");
    /* 2019-08-10 is not after T − 12 months; 2019-08-11 is. */
    assert_null(fx_find(&r, "interaction.unanswered", "/hdjl/e.html"));
    assert_non_null(fx_find(&r, "interaction.unanswered", "/hdjl/f.html"));
    fx_free(&r);
}

/* ---- a paginated ul/li list, states on the detail pages, a platform channel ---- */

static const char home_platform[] = PAGE(
    "示范县人民政府",
    "<ul class=\"nav\"><li><a href=\"/gzhd/index.html\">政民互动</a></li>"
    "<li><a href=\"http://zwfw.sx.gov.cn:{P}/letter/sx.html\">书记信箱</a></li></ul>");

#define LI(href, title, date) "<li><a href=\"" href "\">" title "</a><span>" date "</span></li>"

static const char list_p1[] = PAGE(
    "政民互动_示范县人民政府",
    "<ul>" LI("/gzhd/m1.html", "关于小区噪音的投诉", "2020-05-09")
        LI("/gzhd/m2.html", "关于菜市场搬迁的建议", "2020-05-10") "</ul>"
    "<a href=\"/gzhd/index_1.html\">下一页</a>");
static const char list_p2[] = PAGE(
    "政民互动_示范县人民政府",
    "<ul>" LI("/gzhd/m3.html", "关于公园开放时间的咨询", "2020-01-05") "</ul>"
    "<a href=\"/gzhd/index.html\">上一页</a>");
static const char m1[] = PAGE("关于小区噪音的投诉",
                              "<p>留言标题：关于小区噪音的投诉</p><p>留言时间：2020-05-09 10:12</p>"
                              "<p>办理状态：办理中</p><p>回复时间：</p>");
static const char m2[] =
    PAGE("关于菜市场搬迁的建议", "<p>留言标题：关于菜市场搬迁的建议</p><p>留言时间：2020-05-10</p>"
                                 "<p>办理状态：办理中</p>");
static const char m3[] = PAGE("关于公园开放时间的咨询",
                              "<table><tr><th>留言标题</th><td>关于公园开放时间的咨询</td></tr>"
                              "<tr><th>留言时间</th><td>2020年1月5日</td></tr>"
                              "<tr><th>回复时间</th><td>2020年2月1日</td></tr>"
                              "<tr><th>状态</th><td>已办结</td></tr></table>");
static const char platform_letter[] = PAGE(
    "书记信箱_省级互动平台",
    "<form action=\"/letter/submit\" method=\"post\"><input name=\"name\">"
    "<textarea name=\"content\"></textarea></form>");

static void test_list_detail_platform(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home_platform},
        {.path = "/gzhd/index.html", .headers = fx_html, .body = list_p1},
        {.path = "/gzhd/index_1.html", .headers = fx_html, .body = list_p2},
        {.path = "/gzhd/m1.html", .headers = fx_html, .body = m1},
        {.path = "/gzhd/m2.html", .headers = fx_html, .body = m2},
        {.path = "/gzhd/m3.html", .headers = fx_html, .body = m3},
        {.path = "/letter/sx.html", .headers = fx_html, .body = platform_letter},
    };
    fx_result r;
    fx_inspect("6199000602", true, routes, 7, "interaction.", &r);
    /* The platform's form makes the channel effective. */
    assert_int_equal(fx_count(&r, "interaction.none"), 0);
    assert_true(fx_hits(&r, "GET", "/letter/sx.html") >= 1);
    /* Open since 05-09: past its limit 08-09; open since 05-10: not yet. */
    assert_int_equal(fx_count(&r, "interaction.unanswered"), 1);
    const fx_finding *u = fx_find(&r, "interaction.unanswered", "/gzhd/m1.html");
    assert_non_null(u);
    assert_string_equal(fx_ev_str(u, "state"), "open");
    assert_string_equal(fx_ev_str(u, "state_text"), "办理中");
    assert_string_equal(fx_ev_str(u, "from"), "detail");
    assert_string_equal(fx_ev_str(u, "deadline"), "2020-08-09");
    assert_string_equal(fx_ev_str(u, "replied"), "");
    /* The last reply (2020-02-01, from a th/td detail) is before the 2
     * months ending at T while two messages wait: interaction.slow. */
    assert_int_equal(fx_count(&r, "interaction.slow"), 1);
    const fx_finding *s = fx_find(&r, "interaction.slow", "replies");
    assert_non_null(s);
    assert_string_equal(s->indicator, "interaction.slow");
    assert_string_equal(fx_ev_str(s, "last_reply"), "2020-02-01");
    assert_string_equal(fx_ev_str(s, "window_start"), "2020-06-10");
    assert_int_equal(json_integer_value(json_object_get(s->evidence, "awaiting_count")), 2);
    fx_free(&r);
}

/* ---- sites without an effective channel ---- */

static const char home_petition_only[] = PAGE(
    "示范县人民政府",
    "<a href=\"/xf/index.html\">信访留言</a><a href=\"/jj/index.html\">纪检举报</a>");
static const char report_form[] = PAGE(
    "纪检举报_示范县人民政府",
    "<form action=\"/jj/submit\" method=\"post\"><textarea name=\"content\"></textarea></form>");

static void test_petition_only(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home_petition_only},
        {.path = "/xf/index.html", .headers = fx_html, .body = petition},
        {.path = "/jj/index.html", .headers = fx_html, .body = report_form},
    };
    fx_result r;
    fx_inspect("6199000603", true, routes, 3, "interaction.", &r);
    assert_int_equal(fx_count(&r, "interaction.none"), 1);
    const fx_finding *n = fx_find(&r, "interaction.none", "channel");
    assert_non_null(n);
    assert_string_equal(n->indicator, "site.interaction");
    /* The forms of petition and report pages are not a channel's. */
    assert_int_equal(json_integer_value(json_object_get(n->evidence, "submission_forms")), 0);
    fx_free(&r);
}

static const char home_dead_platform[] =
    PAGE("示范县人民政府", "<a href=\"http://zwfw.sx.gov.cn:{P}/letter/gone.html\">市长信箱</a>"
                           "<a href=\"/hdjl/index.html\">在线咨询</a>");
static const char channel_no_form[] = PAGE("在线咨询_示范县人民政府", "<p>本栏目暂停使用。</p>");

static void test_dead_platform(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home_dead_platform},
        {.path = "/hdjl/index.html", .headers = fx_html, .body = channel_no_form},
    };
    fx_result r;
    fx_inspect("6199000604", true, routes, 2, "interaction.", &r);
    assert_int_equal(fx_count(&r, "interaction.none"), 1);
    const fx_finding *n = fx_find(&r, "interaction.none", "channel");
    json_t *ext = json_object_get(n->evidence, "platform_channels");
    assert_int_equal(json_array_size(ext), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ext, 0), "result")),
                        "HTTP 404");
    fx_free(&r);
}

/* A platform page without a form of its own that links to the platform's
 * submission page, which answers (it is scripted: no form in its HTML). */
static const char home_platform_link[] =
    PAGE("示范县人民政府", "<a href=\"http://zwfw.sx.gov.cn:{P}/hd/index.html\">互动交流</a>");
static const char platform_index[] =
    PAGE("互动交流平台",
         "<a href=\"/hd/write.html\">我要写信</a><a href=\"/hd/list.html\">信件选登</a>");
static const char platform_write[] =
    PAGE("写信", "<div id=\"app\"></div><script src=\"/app.js\"></script>");

static void test_platform_submission_link(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home_platform_link},
        {.path = "/hd/index.html", .headers = fx_html, .body = platform_index},
        {.path = "/hd/write.html", .headers = fx_html, .body = platform_write},
    };
    fx_result r;
    fx_inspect("6199000605", true, routes, 3, "interaction.", &r);
    assert_int_equal(fx_count(&r, "interaction.none"), 0);
    assert_true(fx_hits(&r, "GET", "/hd/write.html") >= 1);
    fx_free(&r);
}

/* The reply column before the asked one: the header row says which is which. */
static const char list_reply_first[] = PAGE(
    "县长信箱_示范县人民政府",
    "<table><tr><th>信件标题</th><th>答复时间</th><th>来信时间</th><th>状态</th></tr>"
    "<tr><td><a href=\"/xx/1.html\">关于农村饮水的来信</a></td><td>2020-07-11</td>"
    "<td>2020-04-10</td><td>已答复</td></tr>"
    "<tr><td><a href=\"/xx/2.html\">关于乡村道路的来信</a></td><td>2020-07-10</td>"
    "<td>2020-04-10</td><td>已答复</td></tr></table>"
    "<form action=\"/xx/submit\" method=\"post\"><textarea name=\"c\"></textarea></form>");

static void test_reply_column_first(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/",
         .headers = fx_html,
         .body = PAGE("示范县", "<a href=\"/xx/index.html\">县长信箱</a>")},
        {.path = "/xx/index.html", .headers = fx_html, .body = list_reply_first},
    };
    fx_result r;
    fx_inspect("6199000606", true, routes, 2, "interaction.", &r);
    assert_int_equal(r.n, 1);
    const fx_finding *u = fx_find(&r, "interaction.unanswered", "/xx/1.html");
    assert_non_null(u);
    assert_string_equal(fx_ev_str(u, "asked"), "2020-04-10");
    assert_string_equal(fx_ev_str(u, "replied"), "2020-07-11");
    fx_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_boundaries),
        cmocka_unit_test(test_list_detail_platform),
        cmocka_unit_test(test_petition_only),
        cmocka_unit_test(test_dead_platform),
        cmocka_unit_test(test_platform_submission_link),
        cmocka_unit_test(test_reply_column_first),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
