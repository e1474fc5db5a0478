/* Tests for 站内搜索 (search.broken), end to end through inspect_sites()
 * against fixture sites on 127.0.0.1 (site_fixture.h): a GET search form
 * with a hidden field and a POST one whose results pages list the articles
 * (no finding); a results page that only echoes the query; a search that
 * answers HTTP 500; sites whose only forms are a message form and a login
 * form (no search); and searches run by script (search.script).
 */
#include "site_fixture.h"

#define PAGE(title, body)                                                                          \
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" title                             \
    "</title></head><body>" body "</body></html>"

#define NEWS                                                                                            \
    "<ul class=\"news\">"                                                                               \
    "<li><a href=\"/art/a1.html\">示范县召开县政府常务会议</a><span>2020-08-09</span></li>" \
    "<li><a href=\"/art/a2.html\">示范县开展安全生产大检查</a><span>2020-08-05</span></li>" \
    "<li><a href=\"/art/a3.html\">示范县部署秋季防汛工作</a><span>2020-08-01</span></li>"    \
    "<li><a href=\"/art/a4.html\">短标题</a><span>2020-07-30</span></li></ul>"

static const char home_get[] = PAGE(
    "示范县人民政府",
    "<form name=\"searchform\" action=\"/search/search.jsp#top\" method=\"get\">"
    "<input type=\"hidden\" name=\"siteid\" value=\"12\"><input type=\"text\" name=\"keyword\">"
    "<input type=\"submit\" value=\"搜索\"></form>" NEWS);
static const char home_post[] =
    PAGE("示范县人民政府", "<form id=\"so\" action=\"/so/s.do\" method=\"POST\"><input name=\"q\" "
                           "placeholder=\"站内检索\">"
                           "<button>检索</button></form>" NEWS);
static const char results_ok[] =
    PAGE("搜索结果",
         "<p>共找到 3 条结果</p><ul>"
         "<li><a href=\"/art/a1.html\"><em>示范县召开县政府常务会议</em></a></li>"
         "<li><a href=\"http://www.sfx.gov.cn/art/a2.html\">示范县开展安全生产大检查</a></li>"
         "</ul>");
static const char results_echo[] =
    PAGE("搜索结果", "<p>您搜索的“示范县召开县政府常务会议”没有找到相关结果。</p>");

static void test_get_search_works(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home_get},
        {.path = "/search/search.jsp", .headers = fx_html, .body = results_ok},
    };
    fx_result r;
    fx_inspect("6199000801", true, routes, 2, "search.", &r);
    assert_int_equal(r.n, 0);
    /* Three titles of six characters or more; the short one is not asked. */
    assert_int_equal(fx_hits(&r, "GET", "/search/search.jsp"), 3);
    fx_free(&r);
}

static void test_post_search_works(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home_post},
        {.path = "/so/s.do", .headers = fx_html, .body = results_ok},
    };
    fx_result r;
    fx_inspect("6199000802", true, routes, 2, "search.", &r);
    assert_int_equal(r.n, 0);
    assert_int_equal(fx_hits(&r, "POST", "/so/s.do"), 3);
    fx_free(&r);
}

static void test_search_finds_nothing(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home_get},
        {.path = "/search/search.jsp", .headers = fx_html, .body = results_echo},
    };
    fx_result r;
    fx_inspect("6199000803", true, routes, 2, "search.", &r);
    assert_int_equal(r.n, 1);
    const fx_finding *f = fx_find(&r, "search.broken", "search");
    assert_non_null(f);
    assert_string_equal(f->indicator, "search.broken");
    assert_string_equal(fx_ev_str(f, "reason"), "not_found");
    json_t *q = json_object_get(f->evidence, "queries");
    assert_int_equal(json_array_size(q), 3);
    json_t *q0 = json_array_get(q, 0);
    assert_string_equal(json_string_value(json_object_get(q0, "title")),
                        "示范县召开县政府常务会议");
    assert_false(json_is_true(json_object_get(q0, "found")));
    /* Hidden field kept, the query urlencoded, the fragment dropped. */
    char want[512];
    snprintf(want, sizeof want,
             "%ssearch/"
             "search.jsp?siteid=12&keyword=%%E7%%A4%%BA%%E8%%8C%%83%%E5%%8E%%BF%%E5%%8F%%AC%%E5%"
             "%BC%%80%%E5%%8E%%BF%%E6%%94%%BF%%E5%%BA%%9C%%E5%%B8%%B8%%E5%%8A%%A1%%E4%%BC%%9A%%E8%%"
             "AE%%AE",
             r.home);
    assert_string_equal(json_string_value(json_object_get(q0, "request")), want);
    json_t *form = json_object_get(f->evidence, "form");
    assert_string_equal(json_string_value(json_object_get(form, "field")), "keyword");
    fx_free(&r);
}

static void test_search_errors(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home_post},
        {.path = "/so/s.do", .status = 500, .headers = fx_html, .body = PAGE("错误", "<p>500</p>")},
    };
    fx_result r;
    fx_inspect("6199000804", true, routes, 2, "search.", &r);
    assert_int_equal(r.n, 1);
    json_t *q0 = json_array_get(json_object_get(r.f[0].evidence, "queries"), 0);
    assert_int_equal(json_integer_value(json_object_get(q0, "http_status")), 500);
    assert_string_equal(
        json_string_value(json_object_get(q0, "post_body")),
        "q=%E7%A4%BA%E8%8C%83%E5%8E%BF%E5%8F%AC%E5%BC%80%E5%8E%BF%E6%94%BF%E5%BA%9C%E5%"
        "B8%B8%E5%8A%A1%E4%BC%9A%E8%AE%AE");
    fx_free(&r);
}

static const char home_no_search[] = PAGE(
    "示范县人民政府",
    "<form action=\"/hdjl/submit\" method=\"post\"><input name=\"title\" placeholder=\"查询\">"
    "<textarea name=\"c\"></textarea></form>"
    "<form action=\"/login\" method=\"post\"><input name=\"user\"><input type=\"password\" "
    "name=\"pw\"><input type=\"submit\" value=\"登录\"></form>" NEWS);

static void test_no_search(void **state) {
    (void)state;
    testserver_route routes[] = {{.path = "/", .headers = fx_html, .body = home_no_search}};
    fx_result r;
    fx_inspect("6199000805", true, routes, 1, "search.", &r);
    assert_int_equal(r.n, 1);
    assert_string_equal(fx_ev_str(&r.f[0], "reason"), "no_form");
    assert_string_equal(r.f[0].url, r.home);
    fx_free(&r);
}

/* Searches run by script (as on www.gov.cn and kepu.gov.cn): a form with
 * no action and only a scripted button, and a search field outside any
 * form. Nothing can be submitted; a reviewer tries them: search.script. */
static const char home_script_form[] = PAGE(
    "示范县人民政府",
    "<form><input type=\"hidden\" name=\"t\" value=\"govall\"><input class=\"search_txt\" "
    "name=\"headSearchword\" type=\"text\" onkeydown=\"listenerKeyUpEventFn()\">"
    "<input type=\"button\" value=\"\" onClick=\"goSearch(this)\"></form>" NEWS);
static const char home_loose_field[] = PAGE(
    "示范县人民政府",
    "<div class=\"sch\"><input type=\"text\" class=\"form-control\" name=\"searchKey\" "
    "id=\"searchKeyword\"><a href=\"javascript:doSearch()\">搜索</a></div>" NEWS);

static void test_script_search(void **state) {
    (void)state;
    const char *homes[] = {home_script_form, home_loose_field};
    for (size_t i = 0; i < 2; i++) {
        testserver_route routes[] = {{.path = "/", .headers = fx_html, .body = homes[i]}};
        fx_result r;
        fx_inspect(i ? "6199000807" : "6199000806", true, routes, 1, "search.", &r);
        assert_int_equal(r.n, 1);
        assert_string_equal(r.f[0].kind, "search.script");
        assert_string_equal(r.f[0].status, "pending");
        assert_string_equal(r.f[0].indicator, "search.broken");
        assert_string_equal(fx_ev_str(&r.f[0], "reason"), "script_only");
        fx_free(&r);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_search_works),
        cmocka_unit_test(test_post_search_works),
        cmocka_unit_test(test_search_finds_nothing),
        cmocka_unit_test(test_search_errors),
        cmocka_unit_test(test_no_search),
        cmocka_unit_test(test_script_search),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
