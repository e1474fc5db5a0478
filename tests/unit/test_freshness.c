/* Tests for 首页不更新 (site.home_stale): the date helpers of core/date.h
 * that the freshness check counts with (URL dates, year inference across New
 * Year, month-only dates, the N-days window), then the check end to end
 * through inspect_sites() against fixture homepages on 127.0.0.1: a fresh
 * and a stale ul/li list, a navigation-only homepage judged by the pages it
 * links to (fresh and stale), and a homepage whose only other dates are a
 * "今天是…" header, a © year and a calendar widget.
 *
 * The round's as-of date is 2020-08-10: the 14 days ending at T are
 * 2020-07-28 … 2020-08-10. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <unistd.h>

#include "checks/inspect.h"
#include "core/date.h"
#include "core/lang.h"
#include "judge/rules.h"
#include "store/store.h"
#include "support/testserver.h"

/* ---- date helpers ------------------------------------------------------------ */

static void expect_url(const char *url, int y, int m, int d, bool day_known) {
    int yy = -1, mm = -1, dd = -1;
    bool known = !day_known;
    if (!date_from_url(url, &yy, &mm, &dd, &known)) fail_msg("no date in %s", url);
    if (yy != y || mm != m || dd != d || known != day_known)
        fail_msg("%s: got %d-%d-%d (%d)", url, yy, mm, dd, known);
}

static void expect_no_url_date(const char *url) {
    int y, m, d;
    bool known;
    if (date_from_url(url, &y, &m, &d, &known)) fail_msg("%s: a date %d-%d-%d", url, y, m, d);
}

static void test_url_dates(void **state) {
    (void)state;
    expect_url("http://www.example.gov.cn/xxgk/t20200810_123456.html", 2020, 8, 10, true);
    expect_url("http://www.example.gov.cn/xxgk/202008/t20200810_123456.html", 2020, 8, 10, true);
    expect_url("http://www.xinhuanet.com/politics/2020-08/10/c_1126350.htm", 2020, 8, 10, true);
    expect_url("http://www.example.gov.cn/news/202008/10/a1.html", 2020, 8, 10, true);
    expect_url("http://www.example.gov.cn/content/20200810/a1.html", 2020, 8, 10, true);
    expect_url("http://www.example.gov.cn/news/202008/a1.html", 2020, 8, 0, false);
    expect_url("http://www.example.gov.cn/news/2020-08/a1.html", 2020, 8, 0, false);
    expect_url("/zwgk/202007/", 2020, 7, 0, false);
    expect_url("http://h/a/t20200229_1.html", 2020, 2, 29, true);
    expect_no_url_date("http://h/a/t20190229_1.html"); /* no such day */
    expect_no_url_date("http://h/a/t20201341_1.html");
    expect_no_url_date("http://h/a/202013/a.html");
    expect_no_url_date("http://h/cal/2020/08/10/"); /* a calendar widget's link */
    expect_no_url_date("http://h/cal/2020/08/");
    expect_no_url_date("http://h/index.html?date=20200810");
    expect_no_url_date("http://20200810.example.gov.cn/index.html");
    expect_no_url_date("http://h/doc/12345678/a.html");
    expect_no_url_date("http://h/doc/1234567/a.html");
    expect_no_url_date("http://h/");
    expect_no_url_date("");
}

static void test_year_inference(void **state) {
    (void)state;
    int y = 0;
    /* Across New Year: "[12-30]" seen on 2021-01-05 is last December's. */
    assert_true(date_infer_year(12, 30, 2021, 1, 5, &y));
    assert_int_equal(y, 2020);
    assert_true(date_infer_year(1, 5, 2021, 1, 5, &y));
    assert_int_equal(y, 2021);
    assert_true(date_infer_year(1, 6, 2021, 1, 5, &y));
    assert_int_equal(y, 2020);
    assert_true(date_infer_year(8, 10, 2020, 8, 10, &y));
    assert_int_equal(y, 2020);
    assert_true(date_infer_year(2, 29, 2021, 3, 1, &y));
    assert_int_equal(y, 2020);
    assert_true(date_infer_year(2, 29, 2020, 2, 28, &y));
    assert_int_equal(y, 2016);
    assert_false(date_infer_year(13, 1, 2020, 8, 10, &y));
    assert_false(date_infer_year(4, 31, 2020, 8, 10, &y));
    assert_false(date_infer_year(0, 10, 2020, 8, 10, &y));
}

static void test_month_only_and_window(void **state) {
    (void)state;
    int y, m, d;
    /* A past month counts as its last day; the anchor's month as the anchor. */
    assert_true(date_month_only(2020, 7, 2020, 8, 10, &y, &m, &d));
    assert_true(y == 2020 && m == 7 && d == 31);
    assert_true(date_month_only(2020, 8, 2020, 8, 10, &y, &m, &d));
    assert_true(y == 2020 && m == 8 && d == 10);
    assert_true(date_month_only(2020, 2, 2020, 8, 10, &y, &m, &d));
    assert_true(y == 2020 && m == 2 && d == 29);
    /* A month after the anchor is after T: not an item. */
    assert_false(date_month_only(2020, 9, 2020, 8, 10, &y, &m, &d));

    /* The 14 days ending 2020-08-10 are 2020-07-28 … 2020-08-10. */
    date_window_start(2020, 8, 10, 14, &y, &m, &d);
    assert_true(y == 2020 && m == 7 && d == 28);
    assert_true(date_in_window(2020, 7, 28, 2020, 8, 10, 14));
    assert_false(date_in_window(2020, 7, 27, 2020, 8, 10, 14));
    assert_true(date_in_window(2020, 8, 10, 2020, 8, 10, 14));
    assert_false(date_in_window(2020, 8, 11, 2020, 8, 10, 14)); /* after T */
    assert_false(date_in_window(2020, 8, 10, 2020, 8, 10, 0));
    date_window_start(2021, 1, 5, 14, &y, &m, &d);
    assert_true(y == 2020 && m == 12 && d == 23);
    assert_true(date_in_window(2020, 12, 30, 2021, 1, 5, 14));

    date_add_days(2020, 12, 31, 1, &y, &m, &d);
    assert_true(y == 2021 && m == 1 && d == 1);
    /* 2020-08-09T16:00:00Z is 2020-08-10 00:00 at UTC+08:00. */
    date_of_instant(1596988800000LL, 480, &y, &m, &d);
    assert_true(y == 2020 && m == 8 && d == 10);
    date_of_instant(1596988800000LL - 1, 480, &y, &m, &d);
    assert_true(y == 2020 && m == 8 && d == 9);

    assert_true(date_valid(2020, 2, 29));
    assert_false(date_valid(2019, 2, 29));
    assert_false(date_valid(2020, 4, 31));
    assert_int_equal(date_month_days(2021, 2), 28);
    assert_int_equal(date_month_days(2020, 13), 0);
}

/* ---- end to end ---------------------------------------------------------------- */

static const char *const html_hdr[] = {"Content-Type: text/html; charset=utf-8", NULL};
static char tmpdir[64] = "";
static store *st;
static rules *rs;
static round_rec round_r;

static int group_setup(void **state) {
    (void)state;
    lang_force("en");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gi-test-fresh-XXXXXX");
    if (!mkdtemp(tmpdir)) return -1;
    char dbpath[128];
    snprintf(dbpath, sizeof dbpath, "%s/t.db", tmpdir);
    err e = {0};
    st = store_open(dbpath, &e);
    if (!st) return -1;
    rs = rules_load_default(&e);
    if (!rs) return -1;
    round_rec want = {.name = "r1", .as_of = "2020-08-10", .label = "",
                      .rules_text = (char *)rules_yaml(rs)};
    bool created = false;
    if (!store_round_ensure(st, &want, &round_r, &created, &e)) return -1;
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    store_close(st);
    rules_free(rs);
    round_rec_free(&round_r);
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/t.db-wal", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/t.db-shm", tmpdir);
    unlink(path);
    rmdir(tmpdir);
    return 0;
}

typedef struct home_finding {
    int n;      /* home.stale findings of the site */
    int others; /* any other kind (availability, links) */
    char *indicator, *subject, *status, *evidence, *url, *summary;
} home_finding;

static bool collect(const finding_rec *f, void *ud) {
    home_finding *h = ud;
    if (strcmp(f->kind, "home.stale") != 0 || strcmp(f->status, "gone") == 0) {
        h->others++;
        return true;
    }
    h->n++;
    free(h->indicator), free(h->subject), free(h->status), free(h->evidence), free(h->url);
    free(h->summary);
    h->indicator = strdup(f->indicator);
    h->subject = strdup(f->subject);
    h->status = strdup(f->status);
    h->evidence = strdup(f->evidence);
    h->url = strdup(f->url);
    h->summary = strdup(f->summary);
    return true;
}

static void home_finding_free(home_finding *h) {
    free(h->indicator), free(h->subject), free(h->status), free(h->evidence), free(h->url);
    free(h->summary);
    memset(h, 0, sizeof *h);
}

static void report_outcome(void *ud, const inspect_site_outcome *o) {
    inspect_site_outcome *d = ud;
    *d = *o;
    d->code = NULL;
    d->reason = NULL;
}

/* Serves the routes, inspects them as site `code` (asserting that the crawl
 * completed and fetched every route) and returns its home.stale findings
 * (h->n 0 or 1). */
static void inspect_fixture(const char *code, const testserver_route *routes, size_t n,
                            home_finding *h, char *home_url, size_t home_cap) {
    testserver *t = testserver_start(routes, n);
    assert_non_null(t);
    snprintf(home_url, home_cap, "%s", testserver_url(t, "/"));
    site_rec site = {.code = (char *)code, .name = "示范县人民政府", .url = home_url, .hosts = "",
                     .unit = "", .kind = "portal", .org = "", .icp = "", .psb = ""};
    err e = {0};
    store_upsert up;
    if (!store_site_upsert(st, &site, &up, &e)) fail_msg("site: %s", e.msg);
    crawl_config cfg = {0};
    cfg.fetch.connect_timeout_ms = 1000;
    cfg.fetch.total_timeout_ms = 1500;
    cfg.fetch.host_delay_ms = -1;
    cfg.fetch.retries = 0;
    cfg.fetch.retry_base_ms = 50;
    cfg.fetch.max_per_host = 6;
    cfg.fetch.proxy = "";
    cfg.ignore_robots = true;
    cfg.agent_token = "govinspect";
    inspect_site_outcome o;
    memset(&o, 0, sizeof o);
    if (!inspect_sites(st, rs, &round_r, &site, 1, &cfg, report_outcome, &o, &e))
        fail_msg("inspect_sites: %s", e.msg);
    assert_true(o.complete);
    assert_int_equal(o.pages, (int)n);
    testserver_stop(t);
    memset(h, 0, sizeof *h);
    if (!store_findings_each(st, round_r.id, code, collect, h, &e))
        fail_msg("store_findings_each: %s", e.msg);
    assert_true(h->n <= 1);
}

static json_t *evidence_of(const home_finding *h) {
    json_error_t je;
    json_t *ev = json_loads(h->evidence, 0, &je);
    assert_non_null(ev);
    return ev;
}

static const char *ev_str(json_t *obj, const char *key) {
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v)) fail_msg("evidence: no string %s", key);
    return json_string_value(v);
}

static long long ev_int(json_t *obj, const char *key) {
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v)) fail_msg("evidence: no integer %s", key);
    return (long long)json_integer_value(v);
}

/* A ul/li list with dates in spans; the newest is `newest`. */
static const char fresh_home[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>示范县人民政府</title></head><body>"
    "<div class=\"news\"><ul>"
    "<li><a href=\"/art/a1.html\">示范县召开常务会议</a><span>[07-28]</span></li>"
    "<li><a href=\"/art/a2.html\">示范县开展防汛检查</a><span>2020-06-01</span></li>"
    "<li><a href=\"/art/a3.html\">预告：九月活动</a><span>2020-09-01</span></li>"
    "</ul></div></body></html>";

static void test_fresh_list(void **state) {
    (void)state;
    testserver_route routes[] = {{.path = "/", .headers = html_hdr, .body = fresh_home}};
    home_finding h;
    char home[128];
    inspect_fixture("6199000101", routes, 1, &h, home, sizeof home);
    /* [07-28] is 2020-07-28, the window's first day: fresh. */
    assert_int_equal(h.n, 0);
    home_finding_free(&h);
}

static const char stale_home[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>示范县人民政府</title></head><body>"
    "<div class=\"news\"><ul>"
    "<li><a href=\"/art/a1.html\">示范县召开常务会议</a><span>2020-07-27</span></li>"
    "<li><a href=\"/art/a2.html\">示范县开展防汛检查</a><span>[07-01]</span></li>"
    "<li><a href=\"/art/a3.html\">预告：九月活动</a><span>2020-09-01</span></li>"
    "</ul></div>"
    "<div class=\"pic\"><a href=\"/xxgk/202007/t20200720_1.html\">图片新闻</a>"
    "<a href=\"/xxgk/202008/t20200812_2.html\">后日新闻</a></div>"
    "</body></html>";

static void test_stale_list(void **state) {
    (void)state;
    testserver_route routes[] = {{.path = "/", .headers = html_hdr, .body = stale_home}};
    home_finding h;
    char home[128];
    inspect_fixture("6199000102", routes, 1, &h, home, sizeof home);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.indicator, "site.home_stale");
    assert_string_equal(h.subject, "home");
    assert_string_equal(h.status, "confirmed");
    assert_string_equal(h.url, home);
    assert_string_equal(h.summary, "homepage not updated by 2020-08-10 in its last 14 days (since "
                                   "2020-07-28): newest item \"示范县召开常务会议\" of 2020-07-27");
    json_t *ev = evidence_of(&h);
    json_t *newest = json_object_get(ev, "newest");
    assert_non_null(newest);
    assert_string_equal(ev_str(newest, "title"), "示范县召开常务会议");
    char want_url[160];
    snprintf(want_url, sizeof want_url, "%sart/a1.html", home);
    assert_string_equal(ev_str(newest, "url"), want_url);
    assert_string_equal(ev_str(newest, "date"), "2020-07-27");
    assert_string_equal(ev_str(newest, "source"), "list");
    assert_string_equal(ev_str(newest, "from"), "homepage");
    assert_string_equal(ev_str(ev, "window_start"), "2020-07-28");
    assert_string_equal(ev_str(ev, "as_of"), "2020-08-10");
    assert_string_equal(ev_str(ev, "t"), "2020-08-10T24:00:00+08:00");
    assert_int_equal(ev_int(ev, "window_days"), 14);
    /* Two list items and one article URL; the items after T do not count. */
    assert_int_equal(ev_int(ev, "dated_items"), 3);
    json_decref(ev);
    home_finding_free(&h);
}

static const char nav_home[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>示范县人民政府</title></head><body>"
    "<div class=\"nav\"><a href=\"/col/news.html\">工作动态</a>"
    "<a href=\"/art/notice.html\">重要通知</a><a href=\"/about.html\">概况</a></div>"
    "<p>示范县人民政府门户网站</p></body></html>";

static const char about_page[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>概况</title></head>"
    "<body><p>示范县位于……</p></body></html>";

static const char notice_page[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>重要通知</title>"
    "<meta name=\"PubDate\" content=\"2020-07-15 10:00\"></head>"
    "<body><h1>重要通知</h1><p>……</p></body></html>";

static const char news_fresh[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>工作动态</title></head><body><ul>"
    "<li><a href=\"/art/n1.html\">动态一</a><span>2020-08-09</span></li>"
    "<li><a href=\"/art/n2.html\">动态二</a><span>2020-07-01</span></li>"
    "</ul></body></html>";

static const char news_stale[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>工作动态</title></head><body><ul>"
    "<li><a href=\"/art/n1.html\">动态一</a><span>[06-30]</span></li>"
    "<li><a href=\"/art/n2.html\">动态二</a><span>2020-06-01</span></li>"
    "</ul></body></html>";

static void test_navigation_home(void **state) {
    (void)state;
    home_finding h;
    char home[128];
    testserver_route fresh[] = {
        {.path = "/", .headers = html_hdr, .body = nav_home},
        {.path = "/col/news.html", .headers = html_hdr, .body = news_fresh},
        {.path = "/art/notice.html", .headers = html_hdr, .body = notice_page},
        {.path = "/about.html", .headers = html_hdr, .body = about_page},
    };
    inspect_fixture("6199000103", fresh, 4, &h, home, sizeof home);
    assert_int_equal(h.n, 0);
    home_finding_free(&h);

    testserver_route stale[] = {
        {.path = "/", .headers = html_hdr, .body = nav_home},
        {.path = "/col/news.html", .headers = html_hdr, .body = news_stale},
        {.path = "/art/notice.html", .headers = html_hdr, .body = notice_page},
        {.path = "/about.html", .headers = html_hdr, .body = about_page},
    };
    inspect_fixture("6199000104", stale, 4, &h, home, sizeof home);
    assert_int_equal(h.n, 1);
    json_t *ev = evidence_of(&h);
    json_t *newest = json_object_get(ev, "newest");
    /* The newest of the linked pages is the notice's PubDate. */
    assert_string_equal(ev_str(newest, "date"), "2020-07-15");
    assert_string_equal(ev_str(newest, "source"), "pubdate");
    assert_string_equal(ev_str(newest, "from"), "linked page");
    assert_string_equal(ev_str(newest, "title"), "重要通知");
    char want_url[160];
    snprintf(want_url, sizeof want_url, "%sart/notice.html", home);
    assert_string_equal(ev_str(newest, "url"), want_url);
    assert_string_equal(ev_str(ev, "judged_by"), "linked page");
    assert_int_equal(ev_int(ev, "dated_items"), 3);
    assert_int_equal(ev_int(ev, "home_dated_items"), 0);
    json_decref(ev);
    home_finding_free(&h);
}

/* The header's date, the © year, a calendar widget and a date in a
 * paragraph are not items; the list is stale. */
static const char decoy_home[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>示范县人民政府</title></head><body>"
    "<div class=\"top\">今天是2020年8月10日 星期一 <a href=\"/login.html\">登录</a></div>"
    "<table class=\"calendar\"><tr><td><a href=\"/cal/2020/08/09/\">9</a></td>"
    "<td><a href=\"/cal/2020/08/10/\">10</a></td></tr></table>"
    "<p>2020年8月10日上午，县政府召开会议。</p>"
    "<ul><li><a href=\"/art/a1.html\">示范县召开常务会议</a><span>2020-07-01</span></li>"
    "<li><a href=\"/art/a2.html\">示范县开展防汛检查</a><span>2020-06-15</span></li></ul>"
    "<div class=\"footer\">© 2020 示范县人民政府 版权所有</div></body></html>";

static void test_decoy_dates(void **state) {
    (void)state;
    testserver_route routes[] = {{.path = "/", .headers = html_hdr, .body = decoy_home}};
    home_finding h;
    char home[128];
    inspect_fixture("6199000105", routes, 1, &h, home, sizeof home);
    assert_int_equal(h.n, 1);
    json_t *ev = evidence_of(&h);
    json_t *newest = json_object_get(ev, "newest");
    assert_string_equal(ev_str(newest, "date"), "2020-07-01");
    assert_string_equal(ev_str(newest, "title"), "示范县召开常务会议");
    assert_int_equal(ev_int(ev, "dated_items"), 2);
    json_decref(ev);
    home_finding_free(&h);
}

/* A homepage with nothing dated anywhere cannot be judged: no finding. */
static void test_nothing_dated(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = html_hdr, .body = nav_home},
        {.path = "/about.html", .headers = html_hdr, .body = about_page},
        {.path = "/col/news.html", .headers = html_hdr, .body = about_page},
        {.path = "/art/notice.html", .headers = html_hdr, .body = about_page},
    };
    home_finding h;
    char home[128];
    inspect_fixture("6199000106", routes, 4, &h, home, sizeof home);
    assert_int_equal(h.n, 0);
    assert_true(h.others >= 1); /* availability speaks for itself (no probes) */
    home_finding_free(&h);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_dates),
        cmocka_unit_test(test_year_inference),
        cmocka_unit_test(test_month_only_and_window),
        cmocka_unit_test(test_fresh_list),
        cmocka_unit_test(test_stale_list),
        cmocka_unit_test(test_navigation_home),
        cmocka_unit_test(test_decoy_dates),
        cmocka_unit_test(test_nothing_dated),
    };
    int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    curl_global_cleanup();
    return rc;
}
