/* Tests for 首页不更新 (site.home_stale): the date helpers of core/date.h
 * that the freshness check counts with (URL dates, year inference across New
 * Year, month-only dates, the N-days window), then the check end to end
 * through inspect_sites() against fixture homepages on 127.0.0.1: a fresh
 * and a stale ul/li list, a navigation-only homepage judged by the pages it
 * links to (fresh and stale), and a homepage whose only other dates are a
 * "今天是…" header, a © year and a calendar widget. Then 栏目不更新 and blank
 * columns: a site with columns in ul/li-with-span, table and TRS-URL layouts,
 * a paginated column, a 二级 column typed by ColumnType, a static and a blank
 * column; generated column sets exactly at and one below each of the three
 * thresholds of site.column_stale; and the real list pages of the corpus.
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
#include "page/page.h"
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

/* ---- columns: 栏目不更新 and blank columns -------------------------------------- */

typedef struct col_finding {
    char *kind, *subject, *indicator, *evidence, *summary;
} col_finding;

typedef struct col_findings {
    col_finding f[64];
    int n;
} col_findings;

static bool collect_columns(const finding_rec *f, void *ud) {
    col_findings *cf = ud;
    /* Columns within their period are observations (column.fresh); these
     * tests count the problems. */
    if (strncmp(f->kind, "column.", 7) != 0 || strcmp(f->kind, "column.fresh") == 0 ||
        strcmp(f->status, "gone") == 0)
        return true;
    if (cf->n == 64) fail_msg("too many column findings");
    col_finding *c = &cf->f[cf->n++];
    c->kind = strdup(f->kind);
    c->subject = strdup(f->subject);
    c->indicator = strdup(f->indicator);
    c->evidence = strdup(f->evidence);
    c->summary = strdup(f->summary);
    return true;
}

static void col_findings_free(col_findings *cf) {
    for (int i = 0; i < cf->n; i++) {
        free(cf->f[i].kind), free(cf->f[i].subject), free(cf->f[i].indicator);
        free(cf->f[i].evidence), free(cf->f[i].summary);
    }
    cf->n = 0;
}

/* Inspects the routes as site `code` (the crawl must complete) and returns
 * its column findings; *home_out gets the homepage URL. */
static void inspect_columns(const char *code, const testserver_route *routes, size_t n,
                            col_findings *cf, char *home_url, size_t home_cap) {
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
    testserver_stop(t);
    memset(cf, 0, sizeof *cf);
    if (!store_findings_each(st, round_r.id, code, collect_columns, cf, &e))
        fail_msg("store_findings_each: %s", e.msg);
}

static const col_finding *col_find(const col_findings *cf, const char *home, const char *path) {
    char want[200];
    snprintf(want, sizeof want, "%s%s", home, path);
    for (int i = 0; i < cf->n; i++)
        if (strcmp(cf->f[i].subject, want) == 0) return &cf->f[i];
    return NULL;
}

/* Inspects a served site and expects `want` column findings; with one, that
 * it is `kind` at the homepage's URL + `path`. Returns that finding's
 * evidence (caller frees), NULL when want is 0. */
static char *expect_columns(const char *code, const testserver_route *routes, size_t n, int want,
                            const char *path, const char *kind) {
    col_findings cf;
    char home[128];
    inspect_columns(code, routes, n, &cf, home, sizeof home);
    assert_int_equal(cf.n, want);
    char *evidence = NULL;
    if (want == 1) {
        const col_finding *f = col_find(&cf, home, path);
        assert_non_null(f);
        assert_string_equal(f->kind, kind);
        evidence = strdup(f->evidence);
        assert_non_null(evidence);
    }
    col_findings_free(&cf);
    return evidence;
}

static int col_count(const col_findings *cf, const char *kind, const char *indicator) {
    int n = 0;
    for (int i = 0; i < cf->n; i++)
        if (strcmp(cf->f[i].kind, kind) == 0 && strcmp(cf->f[i].indicator, indicator) == 0) n++;
    return n;
}

static const char article_page[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>文章</title>"
    "<meta name=\"PubDate\" content=\"2019-01-01 10:00\"></head>"
    "<body><h1>文章</h1><p>正文……</p></body></html>";

#define HEAD(title) "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" title "</title>"

static const char cols_home[] =
    HEAD("示范县人民政府") "</head><body><div class=\"nav\"><ul>"
    "<li><a href=\"/col/gzdt/index.html\">工作动态</a></li>"
    "<li><a href=\"/col/bmdt/\">部门动态</a></li>"
    "<li><a href=\"/col/tzgg/\">通知公告</a></li>"
    "<li><a href=\"/col/zcwj/\">政策文件</a></li>"
    "<li><a href=\"/col/jgzn.html\">机构职能</a></li>"
    "<li><a href=\"/col/rsxx/\">人事信息</a></li>"
    "<li><a href=\"/col/ztzl/\">专题专栏</a></li>"
    "</ul></div><p>示范县人民政府门户网站</p></body></html>";

/* ul/li with dates in spans, paginated: the newest is on page 1. */
static const char col_gzdt[] =
    HEAD("工作动态_示范县") "</head><body><div class=\"list\"><ul>"
    "<li><a href=\"/art/g1.html\">动态一</a><span>2020-07-27</span></li>"
    "<li><a href=\"/art/g2.html\">动态二</a><span>2020-07-20</span></li>"
    "<li><a href=\"/art/g9.html\">预告</a><span>2020-08-20</span></li>"
    "</ul></div><div class=\"pages\"><a href=\"/col/gzdt/index_1.html\">下一页</a></div>"
    "</body></html>";
static const char col_gzdt_1[] =
    HEAD("工作动态_示范县") "</head><body><div class=\"list\"><ul>"
    "<li><a href=\"/art/g3.html\">动态三</a><span>2020-06-01</span></li>"
    "<li><a href=\"/art/g4.html\">动态四</a><span>2020-05-01</span></li>"
    "</ul></div><div class=\"pages\"><a href=\"/col/gzdt/index.html\">上一页</a></div>"
    "</body></html>";
/* Fresh: [07-28] is the first day of the 14. */
static const char col_bmdt[] =
    HEAD("部门动态") "</head><body><ul>"
    "<li><a href=\"/art/b1.html\">部门一</a><span>[07-28]</span></li>"
    "<li><a href=\"/art/b2.html\">部门二</a><span>[07-01]</span></li>"
    "</ul></body></html>";
/* A table layout; 2020-02-10 is T − 6 months, just outside; a 二级 column. */
static const char col_tzgg[] =
    HEAD("通知公告") "</head><body><table class=\"list\">"
    "<tr><td><a href=\"/art/t1.html\">关于开展检查的通知</a></td><td>2020年2月10日</td></tr>"
    "<tr><td><a href=\"/art/t2.html\">公示</a></td><td>2020/1/5</td></tr>"
    "</table><p><a href=\"/col/tzgg/xzgg/\">乡镇公告</a></p></body></html>";
static const char col_xzgg[] =
    HEAD("乡镇") "<meta name=\"ColumnName\" content=\"乡镇公告\">"
    "<meta name=\"ColumnType\" content=\"通知公告\"></head><body><ul>"
    "<li><a href=\"/art/x1.html\">乡镇公告一</a><span>2019-08-10</span></li>"
    "</ul></body></html>";
/* TRS-style article URLs carry the only dates; 2020-02-11 is inside. */
static const char col_zcwj[] =
    HEAD("政策文件") "</head><body><div class=\"list\">"
    "<a href=\"/art/202002/t20200211_1.html\">关于印发办法的通知</a>"
    "<a href=\"/art/202001/t20200105_2.html\">关于印发规定的通知</a>"
    "<a href=\"/art/201912/t20191201_3.html\">实施意见</a>"
    "</div></body></html>";
static const char col_jgzn[] =
    HEAD("机构职能") "</head><body><p>示范县人民政府办公室负责……</p></body></html>";
/* Stale for 12 months: newest 2019-08-10 (the period starts 2019-08-11). */
static const char col_rsxx[] =
    HEAD("人事信息") "</head><body><ul>"
    "<li><a href=\"/art/r1.html\">任免一</a><span>2019.08.10</span></li>"
    "<li><a href=\"/art/r2.html\">任免二</a><span>2019.03.10</span></li>"
    "<li><a href=\"/art/r3.html\">任免三</a><span>2019.01.10</span></li>"
    "</ul></body></html>";
static const char col_ztzl[] =
    HEAD("专题专栏") "</head><body><div class=\"list\"><ul><li>暂无信息</li></ul></div>"
    "</body></html>";

static void test_columns_layouts(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = html_hdr, .body = cols_home},
        {.path = "/col/gzdt/index.html", .headers = html_hdr, .body = col_gzdt},
        {.path = "/col/gzdt/index_1.html", .headers = html_hdr, .body = col_gzdt_1},
        {.path = "/col/bmdt/", .headers = html_hdr, .body = col_bmdt},
        {.path = "/col/tzgg/", .headers = html_hdr, .body = col_tzgg},
        {.path = "/col/tzgg/xzgg/", .headers = html_hdr, .body = col_xzgg},
        {.path = "/col/zcwj/", .headers = html_hdr, .body = col_zcwj},
        {.path = "/col/jgzn.html", .headers = html_hdr, .body = col_jgzn},
        {.path = "/col/rsxx/", .headers = html_hdr, .body = col_rsxx},
        {.path = "/col/ztzl/", .headers = html_hdr, .body = col_ztzl},
        {.path = "/art/", .headers = html_hdr, .body = article_page, .flags = TS_PREFIX},
    };
    col_findings cf;
    char home[128];
    inspect_columns("6199000201", routes, sizeof routes / sizeof *routes, &cf, home, sizeof home);
    /* gzdt (stale news, two pages), tzgg (notice at the boundary), xzgg
     * (二级 notice), rsxx (personnel), ztzl (blank). Not bmdt (fresh), zcwj
     * (fresh by its URL dates), jgzn (static). */
    assert_int_equal(cf.n, 5);
    assert_null(col_find(&cf, home, "col/bmdt/"));
    assert_null(col_find(&cf, home, "col/zcwj/"));
    assert_null(col_find(&cf, home, "col/jgzn.html"));

    const col_finding *g = col_find(&cf, home, "col/gzdt/");
    assert_non_null(g);
    assert_string_equal(g->kind, "column.stale");
    assert_string_equal(g->indicator, "column.stale");
    json_error_t je;
    json_t *ev = json_loads(g->evidence, 0, &je);
    assert_non_null(ev);
    assert_string_equal(ev_str(ev, "name"), "工作动态");
    assert_string_equal(ev_str(ev, "category"), "news");
    assert_int_equal(ev_int(ev, "level"), 1);
    assert_int_equal(ev_int(ev, "pages"), 2);
    assert_int_equal(ev_int(ev, "dated_items"), 4);
    assert_true(json_is_true(json_object_get(ev, "key")));
    json_t *cb = json_object_get(ev, "classified_by");
    assert_string_equal(ev_str(cb, "field"), "name");
    assert_string_equal(ev_str(cb, "pattern"), "动态");
    assert_int_equal(ev_int(json_object_get(ev, "period"), "days"), 14);
    assert_string_equal(ev_str(ev, "period_start"), "2020-07-28");
    json_t *nw = json_object_get(ev, "newest");
    assert_string_equal(ev_str(nw, "date"), "2020-07-27");
    assert_string_equal(ev_str(nw, "title"), "动态一");
    assert_string_equal(ev_str(ev, "t"), "2020-08-10T24:00:00+08:00");
    assert_null(json_object_get(ev, "veto"));
    json_decref(ev);

    const col_finding *t = col_find(&cf, home, "col/tzgg/");
    assert_non_null(t);
    assert_string_equal(t->kind, "column.stale");
    ev = json_loads(t->evidence, 0, &je);
    assert_string_equal(ev_str(ev, "category"), "notice");
    assert_string_equal(ev_str(ev, "period_start"), "2020-02-11");
    assert_string_equal(ev_str(json_object_get(ev, "newest"), "date"), "2020-02-10");
    json_decref(ev);

    const col_finding *x = col_find(&cf, home, "col/tzgg/xzgg/");
    assert_non_null(x);
    ev = json_loads(x->evidence, 0, &je);
    assert_string_equal(ev_str(ev, "name"), "乡镇公告");
    assert_int_equal(ev_int(ev, "level"), 2);
    assert_false(json_is_true(json_object_get(ev, "key")));
    assert_string_equal(ev_str(json_object_get(ev, "classified_by"), "field"), "ColumnType");
    json_decref(ev);

    const col_finding *r = col_find(&cf, home, "col/rsxx/");
    assert_non_null(r);
    ev = json_loads(r->evidence, 0, &je);
    assert_string_equal(ev_str(ev, "category"), "personnel");
    assert_int_equal(ev_int(json_object_get(ev, "period"), "months"), 12);
    assert_string_equal(ev_str(ev, "period_start"), "2019-08-11");
    json_decref(ev);

    const col_finding *z = col_find(&cf, home, "col/ztzl/");
    assert_non_null(z);
    assert_string_equal(z->kind, "column.blank");
    assert_string_equal(z->indicator, "column.blank");
    ev = json_loads(z->evidence, 0, &je);
    assert_string_equal(ev_str(json_object_get(ev, "blank_reason"), "placeholder"), "暂无信息");
    json_decref(ev);
    col_findings_free(&cf);
}

/* ---- thresholds: generated column sets ---- */

typedef struct gen_site {
    testserver_route routes[40];
    char *bodies[40];
    size_t n;
    char home[8192];
} gen_site;

static void gen_add(gen_site *g, const char *path, char *body) {
    g->bodies[g->n] = body;
    g->routes[g->n] = (testserver_route){.path = strdup(path), .headers = html_hdr, .body = body};
    g->n++;
}

/* Columns named name_fmt % i: `stale` with three items of `date`, or blank. */
static void gen_columns(gen_site *g, const char *prefix, const char *name_fmt, int n,
                        const char *date, bool blank) {
    for (int i = 0; i < n; i++) {
        char path[64], name[64];
        snprintf(path, sizeof path, "/c/%s%d/", prefix, i);
        snprintf(name, sizeof name, name_fmt, i + 1);
        size_t hl = strlen(g->home);
        snprintf(g->home + hl, sizeof g->home - hl, "<li><a href=\"%s\">%s</a></li>", path, name);
        char *body = malloc(2048);
        assert_non_null(body);
        if (blank && i % 2 == 0)
            snprintf(body, 2048, HEAD("%s") "</head><body><ul><li>暂无数据</li></ul></body></html>",
                     name);
        else if (blank)
            snprintf(body, 2048, HEAD("%s") "</head><body><ul></ul></body></html>", name);
        else
            snprintf(body, 2048,
                     HEAD("%s") "</head><body><ul>"
                     "<li><a href=\"/art/%s%d_1.html\">一</a><span>%s</span></li>"
                     "<li><a href=\"/art/%s%d_2.html\">二</a><span>2019-01-02</span></li>"
                     "<li><a href=\"/art/%s%d_3.html\">三</a><span>2019-01-01</span></li>"
                     "</ul></body></html>",
                     name, prefix, i, date, prefix, i, prefix, i);
        gen_add(g, path, body);
    }
}

static void gen_run(gen_site *g, const char *code, col_findings *cf) {
    size_t hl = strlen(g->home);
    snprintf(g->home + hl, sizeof g->home - hl, "</ul></body></html>");
    char *home = strdup(g->home);
    gen_add(g, "/", home);
    g->routes[g->n++] = (testserver_route){
        .path = strdup("/art/"), .headers = html_hdr, .body = article_page, .flags = TS_PREFIX};
    char url[128];
    inspect_columns(code, g->routes, g->n, cf, url, sizeof url);
    for (size_t i = 0; i < g->n; i++) {
        free((char *)g->routes[i].path);
        if (i < g->n - 1) free(g->bodies[i]);
    }
}

static void gen_begin(gen_site *g) {
    memset(g, 0, sizeof *g);
    snprintf(g->home, sizeof g->home, HEAD("示范县人民政府") "</head><body><ul class=\"nav\">");
}

/* (1) key columns: 5 stale news columns veto, 4 do not. A fresh news column
 * and a stale top-level policy column ride along. */
static void test_columns_key_threshold(void **state) {
    (void)state;
    for (int k = 5; k >= 4; k--) {
        gen_site g;
        gen_begin(&g);
        gen_columns(&g, "n", "新闻%d", k, "2020-07-01", false);
        gen_columns(&g, "f", "要闻%d", 1, "2020-08-09", false);
        col_findings cf;
        gen_run(&g, k == 5 ? "6199000211" : "6199000212", &cf);
        assert_int_equal(cf.n, k);
        if (k == 5) {
            assert_int_equal(col_count(&cf, "column.stale", "site.column_stale"), 5);
            json_error_t je;
            json_t *ev = json_loads(cf.f[0].evidence, 0, &je);
            json_t *v = json_object_get(ev, "veto");
            assert_non_null(v);
            assert_string_equal(ev_str(v, "rule"), "key_stale");
            assert_int_equal(ev_int(v, "count"), 5);
            assert_string_equal(ev_str(v, "op"), ">=");
            json_decref(ev);
        } else {
            assert_int_equal(col_count(&cf, "column.stale", "column.stale"), 4);
        }
        col_findings_free(&cf);
    }
}

/* (2) any dated category: 4 stale news + 6 stale other columns = 10 veto
 * (all ten carry it); 3 news + 5 other + 1 top-level policy = 9 do not (4
 * key columns: rule (1) neither), and the policy column below the veto is
 * column.policy_stale. */
static void test_columns_dated_threshold(void **state) {
    (void)state;
    for (int k = 6; k >= 5; k--) {
        gen_site g;
        gen_begin(&g);
        gen_columns(&g, "n", "乡镇动态%d", k == 6 ? 4 : 3, "2020-07-01", false);
        gen_columns(&g, "o", "专题活动%d", k, "2019-08-01", false);
        if (k == 5) gen_columns(&g, "p", "政策法规%d", 1, "2019-08-01", false);
        col_findings cf;
        gen_run(&g, k == 6 ? "6199000213" : "6199000214", &cf);
        if (k == 6) {
            assert_int_equal(cf.n, 10);
            assert_int_equal(col_count(&cf, "column.stale", "site.column_stale"), 10);
        } else {
            assert_int_equal(cf.n, 9);
            assert_int_equal(col_count(&cf, "column.stale", "column.stale"), 8);
            assert_int_equal(col_count(&cf, "column.stale", "column.policy_stale"), 1);
        }
        col_findings_free(&cf);
    }
}

/* (3) blank columns: 5 veto, 4 do not; stale columns are unaffected. */
static void test_columns_blank_threshold(void **state) {
    (void)state;
    for (int k = 5; k >= 4; k--) {
        gen_site g;
        gen_begin(&g);
        gen_columns(&g, "b", "人事信息%d", k, NULL, true);
        gen_columns(&g, "n", "新闻%d", 1, "2020-07-01", false);
        col_findings cf;
        gen_run(&g, k == 5 ? "6199000215" : "6199000216", &cf);
        assert_int_equal(cf.n, k + 1);
        assert_int_equal(col_count(&cf, "column.stale", "column.stale"), 1);
        assert_int_equal(col_count(&cf, "column.blank", k == 5 ? "site.column_stale" : "column.blank"), k);
        col_findings_free(&cf);
    }
}

/* The real list pages of the corpus: every list yields its items' dates. */
static void test_corpus_list_pages(void **state) {
    (void)state;
    static const char *const names[] = {"gerapy_dfa66_announcement.html",
                                        "gerapy_hrfund_announcement.html", "gerapy_rtfund_xxpl.html"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/corpus/list_pages/%s", GI_SHARED_DIR, names[i]);
        FILE *f = fopen(path, "rb");
        if (!f) {
            print_message("skipped: %s not found\n", path);
            continue;
        }
        static char buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        err e = {0};
        textenc_result tr;
        assert_true(page_decode(buf, len, NULL, &tr, &e));
        page *pg = page_parse_decoded(&tr, "http://www.example.gov.cn/list/", &e);
        assert_non_null(pg);
        print_message("%s: %zu dated items\n", names[i], pg->nitems);
        assert_true(pg->nitems >= 5);
        for (size_t j = 0; j < pg->nitems; j++) {
            assert_true(pg->items[j].year >= 2000 || pg->items[j].year == 0);
            assert_true(date_valid(pg->items[j].year ? pg->items[j].year : 2020, pg->items[j].month,
                                   pg->items[j].day));
        }
        page_free(pg);
        textenc_result_free(&tr);
    }
}

/* Article pages with a dated "related articles" list (and 上一篇/下一篇) are
 * content pages, not columns: linked from a list item, or dated in their
 * URL. A regression: on a 2,000-page site every article became a stale
 * column. */
static const char rel_home[] =
    HEAD("示范县人民政府") "</head><body><ul class=\"nav\"><li><a href=\"/col/gzdt/\">工作动态</a></li></ul>"
    "</body></html>";
static const char rel_col[] =
    HEAD("工作动态") "</head><body><ul>"
    "<li><a href=\"/col/gzdt/202008/t20200809_1.html\">动态甲</a><span>2020-08-09</span></li>"
    "<li><a href=\"/art/plain.html\">动态乙</a><span>2020-08-08</span></li>"
    "</ul></body></html>";
static const char rel_article[] =
    HEAD("动态甲_工作动态") "</head><body><p>正文。</p><div class=\"related\"><ul>"
    "<li><a href=\"/old/1.html\">旧闻一</a><span>2019-01-01</span></li>"
    "<li><a href=\"/old/2.html\">旧闻二</a><span>2019-01-02</span></li>"
    "<li><a href=\"/old/3.html\">旧闻三</a><span>2019-01-03</span></li>"
    "</ul></div></body></html>";

static void test_articles_are_not_columns(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = html_hdr, .body = rel_home},
        {.path = "/col/gzdt/", .headers = html_hdr, .body = rel_col},
        {.path = "/col/gzdt/202008/t20200809_1.html", .headers = html_hdr, .body = rel_article},
        {.path = "/art/plain.html", .headers = html_hdr, .body = rel_article},
        {.path = "/old/", .headers = html_hdr, .body = rel_article, .flags = TS_PREFIX},
    };
    /* The column is fresh; neither article is a (stale) column. */
    expect_columns("6199000301", routes, sizeof routes / sizeof *routes, 0, NULL, NULL);
}

/* A homepage that mirrors a TRS column's newest articles: those links are
 * the column's own (under its folder), so their URL dates still count for
 * it. A regression: the column was judged on its older items only. */
static const char mirror_home[] =
    HEAD("示范县人民政府") "</head><body><ul class=\"nav\"><li><a href=\"/gzdt/\">工作动态</a></li></ul>"
    "<div class=\"news\"><a href=\"/gzdt/202008/t20200809_1.html\">动态一</a>"
    "<a href=\"/gzdt/202008/t20200805_2.html\">动态二</a></div></body></html>";
static const char mirror_col[] =
    HEAD("工作动态") "</head><body><div class=\"list\">"
    "<a href=\"/gzdt/202008/t20200809_1.html\">动态一</a>"
    "<a href=\"/gzdt/202008/t20200805_2.html\">动态二</a>"
    "<a href=\"/gzdt/202006/t20200601_3.html\">动态三</a>"
    "<a href=\"/gzdt/202005/t20200501_4.html\">动态四</a>"
    "</div></body></html>";

static void test_mirrored_column_dates(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = html_hdr, .body = mirror_home},
        {.path = "/gzdt/", .headers = html_hdr, .body = mirror_col},
        {.path = "/gzdt/2", .headers = html_hdr, .body = article_page, .flags = TS_PREFIX},
    };
    expect_columns("6199000302", routes, sizeof routes / sizeof *routes, 0, NULL, NULL);
}

/* An empty column whose only links are a breadcrumb to the homepage (spelt
 * "/" while the navigation says "/index.html") and its sibling columns is
 * blank: those links are not its own. */
static const char crumb_home[] =
    HEAD("示范县人民政府") "</head><body><ul class=\"nav\">"
    "<li><a href=\"/index.html\">首页</a></li>"
    "<li><a href=\"/tzgg/\">通知公告</a></li><li><a href=\"/gzdt/\">工作动态</a></li></ul>"
    "</body></html>";
static const char crumb_tzgg[] =
    HEAD("通知公告") "</head><body><div class=\"crumb\"><a href=\"/\">首页</a> &gt; 通知公告</div>"
    "<div class=\"side\"><a href=\"/gzdt/\">工作动态</a></div><div class=\"list\"><ul></ul></div>"
    "</body></html>";
static const char crumb_gzdt[] =
    HEAD("工作动态") "</head><body><ul>"
    "<li><a href=\"/art/g1.html\">动态一</a><span>2020-08-09</span></li>"
    "</ul></body></html>";

static void test_blank_with_shared_links(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = html_hdr, .body = crumb_home},
        {.path = "/index.html", .headers = html_hdr, .body = crumb_home},
        {.path = "/tzgg/", .headers = html_hdr, .body = crumb_tzgg},
        {.path = "/gzdt/", .headers = html_hdr, .body = crumb_gzdt},
        {.path = "/art/", .headers = html_hdr, .body = article_page, .flags = TS_PREFIX},
    };
    free(expect_columns("6199000303", routes, sizeof routes / sizeof *routes, 1, "tzgg/", "column.blank"));
}

/* A list that shows no dates is dated by its articles' PubDate. */
static const char pub_home[] =
    HEAD("示范县人民政府") "</head><body><ul class=\"nav\">"
    "<li><a href=\"/tzgg/\">通知公告</a></li><li><a href=\"/zcwj/\">政策文件</a></li></ul>"
    "</body></html>";
static const char pub_tzgg[] =
    HEAD("通知公告") "</head><body><ul><li><a href=\"/doc/n1.html\">通知一</a></li>"
    "<li><a href=\"/doc/n2.html\">通知二</a></li></ul></body></html>";
static const char pub_zcwj[] =
    HEAD("政策文件") "</head><body><ul><li><a href=\"/doc/p1.html\">文件一</a></li></ul></body></html>";
static const char pub_n1[] =
    HEAD("通知一") "<meta name=\"PubDate\" content=\"2020-01-05 09:00\"></head><body><p>正文</p></body></html>";
static const char pub_n2[] =
    HEAD("通知二") "<meta name=\"PubDate\" content=\"2019-12-01 09:00\"></head><body><p>正文</p></body></html>";
static const char pub_p1[] =
    HEAD("文件一") "<meta name=\"PubDate\" content=\"2020-07-01 09:00\"></head><body><p>正文</p></body></html>";

static void test_list_dated_by_pubdate(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = html_hdr, .body = pub_home},
        {.path = "/tzgg/", .headers = html_hdr, .body = pub_tzgg},
        {.path = "/zcwj/", .headers = html_hdr, .body = pub_zcwj},
        {.path = "/doc/n1.html", .headers = html_hdr, .body = pub_n1},
        {.path = "/doc/n2.html", .headers = html_hdr, .body = pub_n2},
        {.path = "/doc/p1.html", .headers = html_hdr, .body = pub_p1},
    };
    /* 通知公告: newest 2020-01-05, outside the 6 months ending 2020-08-10;
     * 政策文件: 2020-07-01, inside. */
    char *text = expect_columns("6199000304", routes, sizeof routes / sizeof *routes, 1, "tzgg/",
                                "column.stale");
    json_error_t je;
    json_t *ev = json_loads(text, 0, &je);
    assert_non_null(ev);
    json_t *nw = json_object_get(ev, "newest");
    assert_string_equal(ev_str(nw, "date"), "2020-01-05");
    assert_string_equal(ev_str(nw, "source"), "pubdate");
    json_decref(ev);
    free(text);
}

/* A 二级 column the homepage never links, named in a column page's sidebar,
 * is a column — and blank when it shows nothing. An article linked from a
 * list item whose title names a category is not one. */
static const char sub_home[] =
    HEAD("示范县人民政府") "</head><body><ul class=\"nav\"><li><a href=\"/zwgk/\">政务公开</a></li></ul>"
    "</body></html>";
static const char sub_zwgk[] =
    HEAD("政务公开") "</head><body><div class=\"side\"><a href=\"/zwgk/ghjh/\">规划计划</a>"
    "<a href=\"/zwgk/gzdt/\">工作动态</a></div><ul>"
    "<li><a href=\"/doc/a1.html\">工作动态汇编</a><span>2020-08-01</span></li></ul></body></html>";
static const char sub_ghjh[] =
    HEAD("规划计划") "</head><body><div class=\"side\"><a href=\"/zwgk/ghjh/\">规划计划</a>"
    "<a href=\"/zwgk/gzdt/\">工作动态</a></div><ul></ul></body></html>";
static const char sub_gzdt[] =
    HEAD("工作动态") "</head><body><div class=\"side\"><a href=\"/zwgk/ghjh/\">规划计划</a>"
    "<a href=\"/zwgk/gzdt/\">工作动态</a></div><ul>"
    "<li><a href=\"/doc/a2.html\">动态一</a><span>2020-08-05</span></li></ul></body></html>";
static const char sub_doc[] = HEAD("文章") "</head><body><p>正文。</p></body></html>";

static void test_blank_second_level_from_sidebar(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = html_hdr, .body = sub_home},
        {.path = "/zwgk/", .headers = html_hdr, .body = sub_zwgk},
        {.path = "/zwgk/ghjh/", .headers = html_hdr, .body = sub_ghjh},
        {.path = "/zwgk/gzdt/", .headers = html_hdr, .body = sub_gzdt},
        {.path = "/doc/", .headers = html_hdr, .body = sub_doc, .flags = TS_PREFIX},
    };
    char *evidence = expect_columns("6199000305", routes, sizeof routes / sizeof *routes, 1,
                                    "zwgk/ghjh/", "column.blank");
    assert_non_null(strstr(evidence, "\"level\":2"));
    free(evidence);
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
        cmocka_unit_test(test_columns_layouts),
        cmocka_unit_test(test_columns_key_threshold),
        cmocka_unit_test(test_columns_dated_threshold),
        cmocka_unit_test(test_columns_blank_threshold),
        cmocka_unit_test(test_corpus_list_pages),
        cmocka_unit_test(test_articles_are_not_columns),
        cmocka_unit_test(test_mirrored_column_dates),
        cmocka_unit_test(test_blank_with_shared_links),
        cmocka_unit_test(test_list_dated_by_pubdate),
        cmocka_unit_test(test_blank_second_level_from_sidebar),
    };
    int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    curl_global_cleanup();
    return rc;
}
