/* Tests for the crawler and the broken-link check, against fixture servers on
 * 127.0.0.1: a small site with known defects (broken internal and external
 * links, redirects, a loop, a soft 404, a hang, a 429, a HEAD-refusing file
 * server, robots.txt, GBK and mislabelled pages, gzip, a calendar trap,
 * session ids, a popular footer link), the caps and the ways a crawl stays
 * incomplete; then inspect_sites() end to end into SQLite, and one real
 * government page from the shared corpus.
 *
 * No name is ever looked up: every URL names 127.0.0.1 or a host mapped to
 * 127.0.0.1 by a resolve entry, and the real page's external links go to a
 * proxy on a closed port. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>
#include <curl/curl.h>
#include <dirent.h>
#include <pthread.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/inspect.h"
#include "core/lang.h"
#include "crawl/crawl.h"
#include "judge/rules.h"
#include "store/store.h"
#include "support/testserver.h"

#define MAX_REFS_KEPT 10 /* CRAWL_MAX_REFS in crawl.c */

static const char *const soft404_phrases[] = {"页面不存在", "您访问的页面不存在", "404 Not Found",
                                              "404错误", NULL};

/* ---- what the callbacks saw, copied ---------------------------------------- */

typedef struct seen_ref {
    char *page, *tag, *text;
    bool from_home;
} seen_ref;

typedef struct seen_link {
    char *site, *url, *error_text, *final_url;
    bool internal, broken, soft404, from_home;
    long status;
    fetch_error error;
    size_t nrefs;
    seen_ref refs[16];
} seen_link;

typedef struct seen_site {
    char *code, *reason;
    int pages, links, broken;
    bool complete, page_cap_reached;
} seen_site;

typedef struct seen {
    seen_link *links;
    size_t nlinks, caplinks;
    seen_site sites[4];
    size_t nsites;
    int pages;
    int home_pages;
} seen;

static char *xstrdup(const char *s) {
    char *d = strdup(s ? s : "");
    assert_non_null(d);
    return d;
}

static void on_page(void *ud, const crawl_page *p) {
    seen *s = ud;
    s->pages++;
    if (p->depth == 0) s->home_pages++;
    assert_non_null(p->model);
    assert_int_equal(p->status, 200);
}

static void on_link(void *ud, const crawl_link *l) {
    seen *s = ud;
    if (s->nlinks == s->caplinks) {
        s->caplinks = s->caplinks ? s->caplinks * 2 : 64;
        s->links = realloc(s->links, s->caplinks * sizeof *s->links);
        assert_non_null(s->links);
    }
    seen_link *d = &s->links[s->nlinks++];
    memset(d, 0, sizeof *d);
    d->site = xstrdup(l->site_code);
    d->url = xstrdup(l->url);
    d->error_text = xstrdup(l->error_text);
    d->final_url = xstrdup(l->final_url);
    d->internal = l->internal;
    d->broken = l->broken;
    d->soft404 = l->soft404;
    d->from_home = l->from_home;
    d->status = l->status;
    d->error = l->error;
    d->nrefs = l->nrefs;
    assert_true(l->nrefs <= 16);
    for (size_t i = 0; i < l->nrefs; i++) {
        d->refs[i].page = xstrdup(l->refs[i].page_url);
        d->refs[i].tag = xstrdup(l->refs[i].tag);
        d->refs[i].text = xstrdup(l->refs[i].text);
        d->refs[i].from_home = l->refs[i].from_home;
    }
}

static void on_site_done(void *ud, const crawl_site_result *r) {
    seen *s = ud;
    assert_true(s->nsites < 4);
    seen_site *d = &s->sites[s->nsites++];
    d->code = xstrdup(r->site_code);
    d->reason = r->incomplete_reason ? xstrdup(r->incomplete_reason) : NULL;
    d->pages = r->pages;
    d->links = r->links;
    d->broken = r->broken;
    d->complete = r->complete;
    d->page_cap_reached = r->page_cap_reached;
}

static void seen_free(seen *s) {
    for (size_t i = 0; i < s->nlinks; i++) {
        seen_link *l = &s->links[i];
        free(l->site);
        free(l->url);
        free(l->error_text);
        free(l->final_url);
        for (size_t j = 0; j < l->nrefs; j++) {
            free(l->refs[j].page);
            free(l->refs[j].tag);
            free(l->refs[j].text);
        }
    }
    free(s->links);
    for (size_t i = 0; i < s->nsites; i++) {
        free(s->sites[i].code);
        free(s->sites[i].reason);
    }
    memset(s, 0, sizeof *s);
}

static const seen_link *find_link(const seen *s, const char *url) {
    const seen_link *found = NULL;
    for (size_t i = 0; i < s->nlinks; i++)
        if (strcmp(s->links[i].url, url) == 0) {
            if (found) fail_msg("link %s reported twice", url);
            found = &s->links[i];
        }
    return found;
}

static const seen_link *must_link(const seen *s, const char *url) {
    const seen_link *l = find_link(s, url);
    if (!l) fail_msg("link %s not reported", url);
    return l;
}

static void dump_links(const seen *s) {
    for (size_t i = 0; i < s->nlinks; i++) {
        const seen_link *l = &s->links[i];
        fprintf(stderr, "  %s %s status=%ld error=%d(%s) soft404=%d home=%d internal=%d refs=%zu\n",
                l->broken ? "BROKEN" : "ok    ", l->url, l->status, (int)l->error, l->error_text,
                l->soft404, l->from_home, l->internal, l->nrefs);
    }
}

static void crawl_one(const crawl_config *cfg, const crawl_site_spec *sites, size_t n, seen *out) {
    crawl_callbacks cb = {.on_page = on_page, .on_link = on_link, .on_site_done = on_site_done,
                          .ud = out};
    err e = {0};
    if (!crawl_run(cfg, sites, n, &cb, &e)) fail_msg("crawl_run: %s", e.msg);
    assert_int_equal(out->nsites, n);
}

/* ---- fixtures ------------------------------------------------------------- */

static testserver *ts_main;     /* the defective site */
static testserver *ts_throttle; /* throttle.test: one 429 with Retry-After: 1 */
static testserver *ts_files;    /* files.test: refuses HEAD */
static int closed_port;         /* ext.test: nothing listens */
static char res_throttle[64], res_files[64], res_ext[64];
static const char *resolve_list[4];
static char *home_html, *hub_html, *many_html;
static char tmpdir[64] = "";

static const char *const html_hdr[] = {"Content-Type: text/html; charset=utf-8", NULL};
static const char *const html_nocs[] = {"Content-Type: text/html", NULL};
static const char *const text_hdr[] = {"Content-Type: text/plain", NULL};
static const char *const pdf_hdr[] = {"Content-Type: application/pdf", NULL};

/* GBK bytes, declared only by <meta charset=gbk>: 信息公开目录 / 政务公开. */
static const char gbk_page[] =
    "<html><head><meta charset=gbk><title>"
    "\xd0\xc5\xcf\xa2\xb9\xab\xbf\xaa\xc4\xbf\xc2\xbc"
    "</title></head><body><p>"
    "\xd5\xfe\xb8\xae\xd0\xc5\xcf\xa2\xb9\xab\xbf\xaa"
    "</p><a href=\"/gbk-target.html\">"
    "\xd5\xfe\xce\xf1\xb9\xab\xbf\xaa"
    "</a></body></html>";

/* Declares GB2312, is UTF-8. */
static const char fake_gb_page[] =
    "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
    "<title>办事服务_示范县人民政府</title></head><body>"
    "<p>为方便群众办事，现将各部门办事服务指南汇总公布，请按照指南准备材料。</p>"
    "<a href=\"/fakegb-target.html\">办事服务指南</a></body></html>";

static const char soft404_page[] =
    "<html><head><meta charset=\"utf-8\"><title>页面不存在</title></head>"
    "<body><p>抱歉，您访问的页面不存在或已被删除。</p><a href=\"/\">返回首页</a></body></html>";

static const char article_404[] =
    "<html><head><meta charset=\"utf-8\"><title>全市404个项目开工</title></head><body>"
    "<h1>全市404个项目开工</h1>"
    "<p>8月10日上午，全市2020年第三季度重大项目集中开工活动举行。本次集中开工项目共404个，"
    "总投资达1200亿元，涵盖先进制造业、现代服务业、基础设施和社会民生等领域。</p>"
    "<p>活动强调，要坚持项目为王，强化要素保障，优化营商环境，推动项目早建成、早投产、早见效。</p>"
    "</body></html>";

static const char about_page[] =
    "<html><head><meta charset=\"utf-8\"><title>政务公开</title></head><body>"
    "<a href=\"/notfound-soft.html\">关于开展网站检查的通知</a>"
    "<a href=\"/news/404.html\">全市404个项目开工</a>"
    "<a href=\"/err500.html\">统计数据</a>"
    "<a href=\"/\">首页</a></body></html>";

static const char plain_page[] =
    "<html><head><meta charset=\"utf-8\"><title>页面</title></head><body><p>正文</p></body></html>";

static const char gz_page[] =
    "<html><head><meta charset=\"utf-8\"><title>压缩页面</title></head><body>"
    "<p>这个页面以 gzip 压缩传输。</p><a href=\"/gz-target.html\">压缩页面的链接</a></body></html>";

static char *printf_alloc(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    if (!s) return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static int setup(void **state) {
    (void)state;
    lang_force("en");
    closed_port = testserver_closed_port();
    if (closed_port <= 0) return -1;

    testserver_route throttle_routes[] = {
        {.path = "/ok.html", .headers = html_hdr, .body = plain_page, .flags = TS_THROTTLE,
         .count = 1, .retry_after = "1"},
    };
    testserver_route file_routes[] = {
        {.path = "/doc/report.pdf", .headers = pdf_hdr, .body = "%PDF-1.4 report of 2020",
         .flags = TS_NO_HEAD | TS_RANGE},
    };
    ts_throttle = testserver_start(throttle_routes, 1);
    ts_files = testserver_start(file_routes, 1);
    if (!ts_throttle || !ts_files) return -1;
    snprintf(res_throttle, sizeof res_throttle, "throttle.test:%d:127.0.0.1",
             testserver_port(ts_throttle));
    snprintf(res_files, sizeof res_files, "files.test:%d:127.0.0.1", testserver_port(ts_files));
    snprintf(res_ext, sizeof res_ext, "ext.test:%d:127.0.0.1", closed_port);
    resolve_list[0] = res_throttle;
    resolve_list[1] = res_files;
    resolve_list[2] = res_ext;
    resolve_list[3] = NULL;

    home_html = printf_alloc(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>示范市人民政府</title></head>"
        "<body><div class=\"nav\">"
        "<a href=\"about.html\">政务公开</a>"
        "<a href=\"missing.html\">办事服务</a>"
        "<a href=\"moved\">旧栏目</a>"
        "<a href=\"loop\">循环</a>"
        "<a href=\"hang\">慢页面</a>"
        "<a href=\"http://throttle.test:%d/ok.html\">限流网站</a>"
        "<a href=\"http://files.test:%d/doc/report.pdf\">年度报告</a>"
        "<a href=\"http://ext.test:%d/page.html\">外部网站</a>"
        "<a href=\"private/secret.html\">内部</a>"
        "<a href=\"gbk.html\">GBK</a>"
        "<a href=\"fakegb.html\">GB2312</a>"
        "<a href=\"gz.html\">压缩</a>"
        "<a href=\"cal/2024/01/\">日历</a>"
        "<a href=\"s/page.html;jsessionid=ABC123DEF\">会话一</a>"
        "<a href=\"s/page.html?PHPSESSID=0123456789abcdef\">会话二</a>"
        "<a href=\"s/page.html;jsessionid=XYZ?PHPSESSID=42\">会话三</a>"
        "<a href=\"hub.html\">专题</a>"
        "</div></body></html>",
        testserver_port(ts_throttle), testserver_port(ts_files), closed_port);
    size_t cap = 8192;
    hub_html = malloc(cap);
    many_html = printf_alloc("<html><head><meta charset=\"utf-8\"><title>专题页</title></head>"
                             "<body><p>专题内容</p><div class=\"footer\">"
                             "<a href=\"/popular-gone.html\">网站地图</a></div></body></html>");
    if (!home_html || !hub_html || !many_html) return -1;
    size_t len = (size_t)snprintf(hub_html, cap, "<html><head><meta charset=\"utf-8\"><title>专题"
                                                 "</title></head><body>");
    for (int i = 1; i <= 50; i++)
        len += (size_t)snprintf(hub_html + len, cap - len, "<a href=\"/many/%d\">专题%d</a>", i, i);
    snprintf(hub_html + len, cap - len, "</body></html>");

    testserver_route routes[] = {
        {.path = "/robots.txt", .headers = text_hdr, .body = "User-agent: *\nDisallow: /private/\n"},
        {.path = "/", .headers = html_hdr, .body = home_html},
        {.path = "/about.html", .headers = html_hdr, .body = about_page},
        {.path = "/missing.html", .status = 404, .headers = html_hdr, .body = "<title>404</title>"},
        {.path = "/moved", .headers = html_hdr, .body = plain_page, .flags = TS_REDIRECT_CHAIN,
         .count = 2},
        {.path = "/loop", .flags = TS_REDIRECT_LOOP},
        {.path = "/hang", .headers = html_hdr, .body = plain_page, .flags = TS_HANG,
         .hang_ms = 20000},
        {.path = "/private/secret.html", .status = 404, .headers = html_hdr, .body = "no"},
        {.path = "/gbk.html", .headers = html_nocs, .body = gbk_page},
        {.path = "/gbk-target.html", .headers = html_hdr, .body = plain_page},
        {.path = "/fakegb.html", .headers = html_nocs, .body = fake_gb_page},
        {.path = "/fakegb-target.html", .headers = html_hdr, .body = plain_page},
        {.path = "/gz.html", .headers = html_hdr, .body = gz_page, .flags = TS_GZIP},
        {.path = "/gz-target.html", .headers = html_hdr, .body = plain_page},
        {.path = "/cal", .flags = TS_TRAP},
        {.path = "/s/page.html", .headers = html_hdr, .body = plain_page},
        {.path = "/hub.html", .headers = html_hdr, .body = hub_html},
        {.path = "/many", .headers = html_hdr, .body = many_html, .flags = TS_PREFIX},
        {.path = "/notfound-soft.html", .headers = html_hdr, .body = soft404_page},
        {.path = "/news/404.html", .headers = html_hdr, .body = article_404},
        {.path = "/err500.html", .status = 500, .headers = html_hdr, .body = "<title>错误</title>"},
    };
    ts_main = testserver_start(routes, sizeof routes / sizeof routes[0]);
    return ts_main ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    testserver_stop(ts_main);
    testserver_stop(ts_throttle);
    testserver_stop(ts_files);
    free(home_html);
    free(hub_html);
    free(many_html);
    return 0;
}

/* Quick settings: no politeness delay, short timeouts and backoff, one
 * retry, and no proxy from the environment. */
static crawl_config quick_config(void) {
    crawl_config cfg = {0};
    cfg.fetch.connect_timeout_ms = 1000;
    cfg.fetch.total_timeout_ms = 1500;
    cfg.fetch.host_delay_ms = -1;
    cfg.fetch.retries = 1;
    cfg.fetch.retry_base_ms = 50;
    cfg.fetch.max_retry_after_ms = 2000;
    cfg.fetch.max_per_host = 6;
    cfg.fetch.proxy = "";
    cfg.fetch.resolve = resolve_list;
    cfg.soft404_titles = soft404_phrases;
    cfg.soft404_max_text = 512;
    cfg.agent_token = "govinspect";
    return cfg;
}

/* ---- the defective site ------------------------------------------------------ */

typedef struct expect_broken {
    const char *url; /* full URL */
    bool from_home;
    long status;     /* 0: an error */
    fetch_error error;
    bool soft404;
} expect_broken;

static void test_site_defects(void **state) {
    (void)state;
    crawl_config cfg = quick_config();
    char *home = xstrdup(testserver_url(ts_main, "/"));
    crawl_site_spec site = {.code = "6199000001", .home_url = home, .hosts = ""};
    seen s = {0};
    testserver_log_clear(ts_main);
    int64_t t0 = testserver_now_ms();
    crawl_one(&cfg, &site, 1, &s);
    int64_t took = testserver_now_ms() - t0;

    char ext[96];
    snprintf(ext, sizeof ext, "http://ext.test:%d/page.html", closed_port);
    const expect_broken want[] = {
        {testserver_url(ts_main, "/missing.html"), true, 404, FETCH_OK, false},
        {testserver_url(ts_main, "/loop"), true, 0, FETCH_ERR_REDIRECT_LOOP, false},
        {testserver_url(ts_main, "/hang"), true, 0, FETCH_ERR_TIMEOUT, false},
        {ext, true, 0, FETCH_ERR_CONNECT, false},
        {testserver_url(ts_main, "/notfound-soft.html"), false, 200, FETCH_OK, true},
        {testserver_url(ts_main, "/err500.html"), false, 500, FETCH_OK, false},
        {testserver_url(ts_main, "/popular-gone.html"), false, 404, FETCH_OK, false},
    };
    size_t nwant = sizeof want / sizeof want[0];
    size_t nbroken = 0;
    for (size_t i = 0; i < s.nlinks; i++) {
        const seen_link *l = &s.links[i];
        if (!l->broken) continue;
        nbroken++;
        bool expected = false;
        for (size_t k = 0; k < nwant; k++) expected |= strcmp(want[k].url, l->url) == 0;
        if (!expected) {
            dump_links(&s);
            fail_msg("unexpected broken link %s (status %ld, %s)", l->url, l->status, l->error_text);
        }
    }
    for (size_t k = 0; k < nwant; k++) {
        const seen_link *l = find_link(&s, want[k].url);
        if (!l || !l->broken) {
            dump_links(&s);
            fail_msg("expected broken link %s", want[k].url);
        }
        if (l->from_home != want[k].from_home || l->error != want[k].error ||
            (want[k].status && l->status != want[k].status) || l->soft404 != want[k].soft404) {
            dump_links(&s);
            fail_msg("%s: from_home %d status %ld error %d soft404 %d", l->url, l->from_home,
                     l->status, (int)l->error, l->soft404);
        }
        assert_true(l->nrefs >= 1);
        assert_string_equal(l->site, "6199000001");
        for (size_t j = 0; j < l->nrefs; j++) assert_string_equal(l->refs[j].tag, "a");
    }
    assert_int_equal(nbroken, nwant);
    assert_int_equal(s.sites[0].broken, (int)nwant);

    /* Referrers: the home links carry the homepage and their anchor text. */
    const seen_link *l = must_link(&s, testserver_url(ts_main, "/missing.html"));
    assert_int_equal(l->nrefs, 1);
    assert_string_equal(l->refs[0].page, home);
    assert_string_equal(l->refs[0].text, "办事服务");
    assert_true(l->refs[0].from_home);
    assert_true(l->internal);
    l = must_link(&s, ext);
    assert_false(l->internal);
    assert_string_equal(l->refs[0].text, "外部网站");
    l = must_link(&s, testserver_url(ts_main, "/notfound-soft.html"));
    assert_string_equal(l->refs[0].page, testserver_url(ts_main, "/about.html"));
    assert_false(l->refs[0].from_home);

    /* The article titled 全市404个项目开工 is no soft 404. */
    l = must_link(&s, testserver_url(ts_main, "/news/404.html"));
    assert_false(l->broken);
    assert_false(l->soft404);
    assert_int_equal(l->status, 200);

    /* A redirect chain that ends in a 200 is fine. */
    l = must_link(&s, testserver_url(ts_main, "/moved"));
    assert_false(l->broken);
    assert_int_equal(l->status, 200);
    assert_string_equal(l->final_url, testserver_url(ts_main, "/moved/2"));

    /* 429 with Retry-After: 1, then 200: not broken, asked twice. */
    char url[128];
    snprintf(url, sizeof url, "http://throttle.test:%d/ok.html", testserver_port(ts_throttle));
    l = must_link(&s, url);
    assert_false(l->broken);
    assert_int_equal(l->status, 200);
    assert_int_equal(testserver_hits(ts_throttle, NULL, "/ok.html"), 2);
    testserver_request q1, q2;
    assert_true(testserver_log_get(ts_throttle, 0, &q1));
    assert_true(testserver_log_get(ts_throttle, 1, &q2));
    assert_true(q2.at_ms - q1.at_ms >= 900);
    assert_int_equal(strncmp(q1.host, "throttle.test:", 14), 0);

    /* A server that refuses HEAD: the ranged GET answers. */
    snprintf(url, sizeof url, "http://files.test:%d/doc/report.pdf", testserver_port(ts_files));
    l = must_link(&s, url);
    assert_false(l->broken);
    assert_false(l->internal);
    assert_true(l->status == 200 || l->status == 206);
    assert_int_equal(testserver_hits(ts_files, "HEAD", "/doc/report.pdf"), 1);
    assert_int_equal(testserver_hits(ts_files, "GET", "/doc/report.pdf"), 1);
    testserver_request q;
    assert_true(testserver_log_get(ts_files, 1, &q));
    assert_string_equal(q.range, "bytes=0-0");

    /* robots.txt: /private/ is never fetched and not reported broken. */
    assert_int_equal(testserver_hits(ts_main, NULL, "/private/secret.html"), 0);
    assert_int_equal(testserver_hits(ts_main, "GET", "/robots.txt"), 1);
    l = must_link(&s, testserver_url(ts_main, "/private/secret.html"));
    assert_false(l->broken);

    /* GBK declared by <meta>, and GB2312 declared on UTF-8: anchor texts right. */
    l = must_link(&s, testserver_url(ts_main, "/gbk-target.html"));
    assert_int_equal(l->nrefs, 1);
    assert_string_equal(l->refs[0].text, "政务公开");
    l = must_link(&s, testserver_url(ts_main, "/fakegb-target.html"));
    assert_int_equal(l->nrefs, 1);
    assert_string_equal(l->refs[0].text, "办事服务指南");
    /* gzip: its link was found, so the body was decoded. */
    l = must_link(&s, testserver_url(ts_main, "/gz-target.html"));
    assert_string_equal(l->refs[0].text, "压缩页面的链接");
    assert_false(l->broken);

    /* Session ids: three spellings, one URL, one fetch. */
    l = must_link(&s, testserver_url(ts_main, "/s/page.html"));
    assert_false(l->broken);
    assert_int_equal(l->nrefs, 1);
    assert_int_equal(testserver_hits(ts_main, NULL, "/s/page.html"), 1);
    for (size_t i = 0; i < s.nlinks; i++) {
        assert_null(strstr(s.links[i].url, "jsessionid"));
        assert_null(strstr(s.links[i].url, "PHPSESSID"));
    }

    /* A footer link on 50 pages: one link, one fetch, referrers capped. */
    l = must_link(&s, testserver_url(ts_main, "/popular-gone.html"));
    assert_int_equal(l->nrefs, MAX_REFS_KEPT);
    assert_int_equal(testserver_hits(ts_main, NULL, "/popular-gone.html"), 1);
    for (int i = 1; i <= 50; i++) {
        char p[32];
        snprintf(p, sizeof p, "/many/%d", i);
        assert_int_equal(testserver_hits(ts_main, "GET", p), 1);
    }

    /* The calendar trap: bounded. */
    size_t cal = 0;
    testserver_request r;
    for (size_t i = 0; testserver_log_get(ts_main, i, &r); i++)
        if (strncmp(r.path, "/cal/", 5) == 0) cal++;
    assert_true(cal > 0);
    if (cal > 60) fail_msg("the calendar trap took %zu requests", cal);

    /* No URL was fetched twice with GET (the hang: its one retry). */
    for (size_t i = 0; testserver_log_get(ts_main, i, &r); i++) {
        if (strcmp(r.method, "GET") || !strcmp(r.path, "/hang")) continue;
        if (testserver_hits(ts_main, "GET", r.path) != 1)
            fail_msg("%s fetched %zu times", r.path, testserver_hits(ts_main, "GET", r.path));
    }

    assert_true(s.sites[0].complete);
    assert_null(s.sites[0].reason);
    assert_false(s.sites[0].page_cap_reached);
    assert_int_equal(s.home_pages, 1);
    assert_int_equal(s.sites[0].pages, s.pages);
    assert_int_equal(s.sites[0].links, (int)s.nlinks);
    if (getenv("GI_TEST_DUMP")) dump_links(&s);
    fprintf(stderr, "  defective site: %d pages, %zu links, %zu cal requests, %lld ms\n", s.pages,
            s.nlinks, cal, (long long)took);
    assert_true(took < 10000);
    seen_free(&s);
    free(home);
}

/* ---- caps and incomplete crawls ---------------------------------------------- */

static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0;) {
        n += got;
        if (cap - n < 2) {
            char *p = realloc(buf, cap *= 2);
            if (!p) {
                free(buf);
                buf = NULL;
            } else {
                buf = p;
            }
        }
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

/* Copies tests/data/site into dst, with @CLOSED_PORT@ replaced. */
static void copy_site(const char *src, const char *dst) {
    DIR *d = opendir(src);
    if (!d) fail_msg("cannot open %s", src);
    mkdir(dst, 0700);
    char port[16];
    snprintf(port, sizeof port, "%d", closed_port);
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.') continue;
        char from[512], to[512];
        snprintf(from, sizeof from, "%s/%s", src, de->d_name);
        snprintf(to, sizeof to, "%s/%s", dst, de->d_name);
        struct stat st;
        if (stat(from, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            copy_site(from, to);
            continue;
        }
        size_t len;
        char *text = read_all(from, &len);
        assert_non_null(text);
        FILE *f = fopen(to, "wb");
        assert_non_null(f);
        const char *mark = "@CLOSED_PORT@";
        for (char *p = text, *q; *p; p = q + strlen(mark)) {
            q = strstr(p, mark);
            if (!q) {
                fputs(p, f);
                break;
            }
            fwrite(p, 1, (size_t)(q - p), f);
            fputs(port, f);
        }
        fclose(f);
        free(text);
    }
    closedir(d);
}

static void rm_tree(const char *path) {
    DIR *d = opendir(path);
    if (d) {
        for (struct dirent *de; (de = readdir(d));) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
            rm_tree(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        remove(path);
    }
}

static testserver *serve_dir(const char *dir) {
    testserver_route r = {.path = "/", .flags = TS_DIR, .dir = dir};
    testserver *t = testserver_start(&r, 1);
    assert_non_null(t);
    return t;
}

static void make_site_copy(char *dir, size_t cap) {
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/gi-test-crawl-XXXXXX");
        assert_non_null(mkdtemp(tmpdir));
    }
    static int n;
    snprintf(dir, cap, "%s/site%d", tmpdir, ++n);
    copy_site(GI_TEST_DATA "/site", dir);
}

static void test_page_cap(void **state) {
    (void)state;
    char dir[128];
    make_site_copy(dir, sizeof dir);
    testserver *t = serve_dir(dir);
    crawl_config cfg = quick_config();
    cfg.max_pages = 2;
    char *home = xstrdup(testserver_url(t, "/"));
    crawl_site_spec site = {.code = "6199000002", .home_url = home};
    seen s = {0};
    crawl_one(&cfg, &site, 1, &s);
    assert_true(s.sites[0].page_cap_reached);
    assert_true(s.sites[0].complete); /* a cap is reported, not incomplete */
    assert_true(s.sites[0].pages <= 2);
    /* Pages beyond the cap are still checked as links. */
    const seen_link *l = must_link(&s, testserver_url(t, "/missing.html"));
    assert_true(l->broken);
    l = must_link(&s, testserver_url(t, "/news.html"));
    assert_false(l->broken);
    assert_int_equal(l->status, 200);
    assert_int_equal(testserver_hits(t, "GET", "/news.html"), 0);
    seen_free(&s);
    free(home);
    testserver_stop(t);
}

/* A site the crawler must give up on: one crawl of the served routes is
 * incomplete with every text of reason_has (NULL-terminated) in its reason,
 * and nothing is reported broken. Returns the pages crawled; the homepage
 * "/" was requested *home_hits times. */
static int expect_incomplete(const testserver_route *routes, size_t n, const char *code,
                             const char *const *reason_has, int *home_hits) {
    testserver *t = testserver_start(routes, n);
    assert_non_null(t);
    crawl_config cfg = quick_config();
    char *home = xstrdup(testserver_url(t, "/"));
    crawl_site_spec site = {.code = code, .home_url = home};
    seen s = {0};
    crawl_one(&cfg, &site, 1, &s);
    assert_false(s.sites[0].complete);
    assert_non_null(s.sites[0].reason);
    for (const char *const *r = reason_has; *r; r++)
        if (!strstr(s.sites[0].reason, *r)) fail_msg("reason \"%s\" lacks \"%s\"", s.sites[0].reason, *r);
    for (size_t i = 0; i < s.nlinks; i++)
        if (s.links[i].broken) fail_msg("reported broken: %s", s.links[i].url);
    assert_int_equal(s.sites[0].broken, 0);
    int pages = s.sites[0].pages;
    if (home_hits) *home_hits = (int)testserver_hits(t, NULL, "/");
    seen_free(&s);
    free(home);
    testserver_stop(t);
    return pages;
}

static void test_home_500(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .status = 500, .headers = html_hdr, .body = "<title>服务器错误</title>"},
    };
    /* The homepage is not a link anyone holds: nothing is reported broken. */
    static const char *const why[] = {"500", NULL};
    assert_int_equal(expect_incomplete(routes, 1, "6199000003", why, NULL), 0);
}

/* A WAF's JavaScript challenge: 200, a script, no link to follow. */
static void test_js_challenge(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = html_hdr,
         .body = "<html><head><title>安全验证</title><script src=\"/c.js\"></script></head>"
                 "<body><noscript>请开启JavaScript</noscript></body></html>"},
        {.path = "/c.js", .body = "document.cookie='x=1';location.reload();"},
    };
    static const char *const why[] = {"JavaScript", NULL};
    expect_incomplete(routes, 2, "6199000005", why, NULL);
}

/* The homepage under two URLs: "/" and a link to "/index.html" with the
 * same bytes are one document, parsed once; "/moved" redirected to
 * "/moved/1", whose own link to "/moved/1" is not fetched again. */
#define HOME_TWICE_BODY                                                                    \
    "<html><head><title>示范县人民政府</title></head><body>"                               \
    "<a href=\"index.html\">首页</a> <a href=\"a.html\">政务公开</a> "                     \
    "<p>示范县人民政府门户网站，提供政务公开和办事服务。</p></body></html>"
#define MOVED_BODY                                                                         \
    "<html><head><title>示范县人民政府</title></head><body>"                               \
    "<a href=\"/moved/1\">首页</a> <a href=\"/a.html\">政务公开</a> "                     \
    "<p>示范县人民政府门户网站，提供政务公开和办事服务。</p></body></html>"
static void test_home_twice(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = html_hdr, .body = HOME_TWICE_BODY},
        {.path = "/index.html", .headers = html_hdr, .body = HOME_TWICE_BODY},
        {.path = "/a.html", .headers = html_hdr, .body = plain_page},
        {.path = "/moved", .headers = html_hdr, .body = MOVED_BODY,
         .flags = TS_REDIRECT_CHAIN, .count = 1},
    };
    testserver *t = testserver_start(routes, 4);
    assert_non_null(t);
    crawl_config cfg = quick_config();
    char *home = xstrdup(testserver_url(t, "/"));
    crawl_site_spec site = {.code = "6199000008", .home_url = home};
    seen s = {0};
    crawl_one(&cfg, &site, 1, &s);
    assert_true(s.sites[0].complete);
    /* "/" and "/a.html", not "/index.html" */
    assert_int_equal(s.sites[0].pages, 2);
    assert_int_equal(testserver_hits(t, "GET", "/index.html"), 1);
    const seen_link *l = must_link(&s, testserver_url(t, "/index.html"));
    assert_false(l->broken);
    assert_int_equal(l->status, 200);
    assert_int_equal(s.sites[0].broken, 0);
    seen_free(&s);
    free(home);

    /* The registered URL redirects; the page it lands on links to itself. */
    home = xstrdup(testserver_url(t, "/moved"));
    site = (crawl_site_spec){.code = "6199000009", .home_url = home};
    s = (seen){0};
    crawl_one(&cfg, &site, 1, &s);
    assert_true(s.sites[0].complete);
    assert_int_equal(s.sites[0].pages, 1); /* /a.html is outside /moved */
    assert_int_equal(testserver_hits(t, "GET", "/moved/1"), 1);
    l = must_link(&s, testserver_url(t, "/moved/1"));
    assert_false(l->broken);
    assert_int_equal(l->status, 200);
    seen_free(&s);
    free(home);
    testserver_stop(t);
}

/* robots.txt Crawl-delay spaces the requests to the site (politeness off
 * otherwise). */
static void test_crawl_delay(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/robots.txt", .body = "User-agent: *\nCrawl-delay: 0.3\nDisallow:\n"},
        {.path = "/", .headers = html_hdr,
         .body = "<html><body><a href=\"/a.html\">甲</a><a href=\"/b.html\">乙</a></body></html>"},
        {.path = "/a.html", .headers = html_hdr, .body = "<html><body><p>甲</p></body></html>"},
        {.path = "/b.html", .headers = html_hdr, .body = "<html><body><p>乙</p></body></html>"},
    };
    testserver *t = testserver_start(routes, 4);
    assert_non_null(t);
    crawl_config cfg = quick_config();
    char *home = xstrdup(testserver_url(t, "/"));
    crawl_site_spec site = {.code = "6199000006", .home_url = home};
    seen s = {0};
    crawl_one(&cfg, &site, 1, &s);
    assert_true(s.sites[0].complete);
    int64_t prev = -1;
    size_t pages = 0;
    testserver_request r;
    for (size_t i = 0; testserver_log_get(t, i, &r); i++) {
        if (strcmp(r.path, "/robots.txt") == 0) continue;
        if (prev >= 0 && r.at_ms - prev < 280) fail_msg("%s came %lld ms after the previous request", r.path, (long long)(r.at_ms - prev));
        prev = r.at_ms;
        pages++;
    }
    assert_int_equal(pages, 3);
    seen_free(&s);
    free(home);
    testserver_stop(t);
}

static void test_robots_503(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/robots.txt", .status = 503, .headers = text_hdr, .body = "busy"},
        {.path = "/", .headers = html_hdr, .body = about_page},
    };
    static const char *const why[] = {"robots.txt", "503", NULL};
    int home_hits = -1;
    expect_incomplete(routes, 2, "6199000004", why, &home_hits);
    assert_int_equal(home_hits, 0);
}

/* Interrupted (Ctrl-C): what was still running is not checked, so it is not
 * broken; the site is incomplete. */
static void *stop_later(void *arg) {
    (void)arg;
    usleep(400 * 1000);
    crawl_request_stop();
    return NULL;
}

static void test_interrupted(void **state) {
    (void)state;
    static const char home_page[] =
        "<html><head><meta charset=\"utf-8\"><title>首页</title></head><body>"
        "<a href=\"/slow1.html\">慢一</a><a href=\"/slow2.html\">慢二</a>"
        "<a href=\"/file.pdf\">附件</a><a href=\"/ok.html\">正常</a></body></html>";
    testserver_route routes[] = {
        {.path = "/", .headers = html_hdr, .body = home_page},
        {.path = "/slow1.html", .headers = html_hdr, .body = plain_page, .flags = TS_HANG,
         .hang_ms = 20000},
        {.path = "/slow2.html", .headers = html_hdr, .body = plain_page, .flags = TS_HANG,
         .hang_ms = 20000},
        {.path = "/file.pdf", .headers = pdf_hdr, .body = "%PDF", .flags = TS_HANG,
         .hang_ms = 20000},
        {.path = "/ok.html", .headers = html_hdr, .body = plain_page},
    };
    testserver *t = testserver_start(routes, sizeof routes / sizeof routes[0]);
    assert_non_null(t);
    crawl_config cfg = quick_config();
    cfg.fetch.total_timeout_ms = 10000;
    cfg.ignore_robots = true;
    char *home = xstrdup(testserver_url(t, "/"));
    crawl_site_spec site = {.code = "6199000006", .home_url = home};
    seen s = {0};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, stop_later, NULL), 0);
    int64_t t0 = testserver_now_ms();
    crawl_one(&cfg, &site, 1, &s);
    int64_t took = testserver_now_ms() - t0;
    pthread_join(th, NULL);
    assert_true(took < 5000);
    assert_false(s.sites[0].complete);
    assert_non_null(s.sites[0].reason);
    assert_non_null(strstr(s.sites[0].reason, "interrupted"));
    for (size_t i = 0; i < s.nlinks; i++)
        if (s.links[i].broken) {
            dump_links(&s);
            fail_msg("an interrupted check reported broken: %s", s.links[i].url);
        }
    assert_int_equal(s.sites[0].broken, 0);
    const seen_link *l = must_link(&s, testserver_url(t, "/ok.html"));
    assert_int_equal(l->status, 200);
    seen_free(&s);
    free(home);
    testserver_stop(t);
}

/* Two sites in one run share link checks. A's robots.txt keeps the crawler
 * off A's /private/; B links to a broken page there: B must report it (it
 * was checked for B), A must not (robots.txt forbade it). */
static void test_shared_checks_robots(void **state) {
    (void)state;
    static const char a_home[] =
        "<html><head><meta charset=\"utf-8\"><title>甲</title></head><body>"
        "<a href=\"/private/gone.html\">内部</a><a href=\"/a.html\">甲页</a></body></html>";
    testserver_route a_routes[] = {
        {.path = "/robots.txt", .headers = text_hdr, .body = "User-agent: *\nDisallow: /private/\n"},
        {.path = "/", .headers = html_hdr, .body = a_home},
        {.path = "/a.html", .headers = html_hdr, .body = plain_page},
    };
    testserver *a = testserver_start(a_routes, sizeof a_routes / sizeof a_routes[0]);
    assert_non_null(a);
    char *gone = xstrdup(testserver_url(a, "/private/gone.html"));
    char *b_home = printf_alloc("<html><head><meta charset=\"utf-8\"><title>乙</title></head><body>"
                                "<a href=\"%s\">甲的内部页</a></body></html>",
                                gone);
    assert_non_null(b_home);
    /* B answers late, so A has met the link first. */
    testserver_route b_routes[] = {
        {.path = "/", .headers = html_hdr, .body = b_home, .flags = TS_HANG, .hang_ms = 300},
    };
    testserver *b = testserver_start(b_routes, 1);
    assert_non_null(b);
    char res_b[64];
    snprintf(res_b, sizeof res_b, "b.test:%d:127.0.0.1", testserver_port(b));
    const char *resolve[] = {res_b, NULL};
    crawl_config cfg = quick_config();
    cfg.fetch.resolve = resolve;
    char *a_url = xstrdup(testserver_url(a, "/"));
    char *b_url = xstrdup(testserver_url_host(b, "b.test", "/"));
    crawl_site_spec sites[] = {{.code = "6199000007", .home_url = a_url},
                               {.code = "6199000008", .home_url = b_url}};
    seen s = {0};
    crawl_one(&cfg, sites, 2, &s);
    const seen_link *for_a = NULL, *for_b = NULL;
    for (size_t i = 0; i < s.nlinks; i++) {
        if (strcmp(s.links[i].url, gone)) continue;
        if (!strcmp(s.links[i].site, "6199000007")) for_a = &s.links[i];
        else for_b = &s.links[i];
    }
    assert_non_null(for_a);
    assert_non_null(for_b);
    if (for_a->broken || !for_b->broken) {
        dump_links(&s);
        fail_msg("robots.txt of one site decided another's link: A broken %d, B broken %d",
                 for_a->broken, for_b->broken);
    }
    assert_int_equal(for_b->status, 404);
    assert_false(for_b->internal);
    assert_int_equal(testserver_hits(a, "GET", "/private/gone.html") +
                         testserver_hits(a, "HEAD", "/private/gone.html"),
                     1);
    seen_free(&s);
    free(gone);
    free(b_home);
    free(a_url);
    free(b_url);
    testserver_stop(a);
    testserver_stop(b);
}

/* ---- inspect_sites into SQLite ----------------------------------------------- */

typedef struct stored {
    int64_t id;
    char *kind, *subject, *indicator, *status, *evidence, *source_url;
} stored;

typedef struct stored_list {
    stored items[32];
    size_t n;
} stored_list;

/* The link check's findings; the other checks have tests of their own. */
static bool collect_finding(const finding_rec *f, void *ud) {
    stored_list *l = ud;
    if (strncmp(f->kind, "link.broken", 11) != 0) return true;
    assert_true(l->n < 32);
    stored *d = &l->items[l->n++];
    d->id = f->id;
    d->kind = xstrdup(f->kind);
    d->subject = xstrdup(f->subject);
    d->indicator = xstrdup(f->indicator);
    d->status = xstrdup(f->status);
    d->evidence = xstrdup(f->evidence);
    d->source_url = xstrdup(f->source_url);
    return true;
}

static void stored_free(stored_list *l) {
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].kind);
        free(l->items[i].subject);
        free(l->items[i].indicator);
        free(l->items[i].status);
        free(l->items[i].evidence);
        free(l->items[i].source_url);
    }
    l->n = 0;
}

static const stored *stored_get(const stored_list *l, const char *kind, const char *subject) {
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].kind, kind) && !strcmp(l->items[i].subject, subject))
            return &l->items[i];
    return NULL;
}

static void report_outcome(void *ud, const inspect_site_outcome *o) {
    inspect_site_outcome *d = ud;
    *d = *o;
    d->code = NULL;
    d->reason = NULL;
}

static void inspect_once(store *st, const rules *r, const round_rec *round, const site_rec *site,
                         inspect_site_outcome *out, stored_list *found) {
    crawl_config cfg = quick_config();
    cfg.soft404_titles = NULL; /* inspect_sites fills them from the rule set */
    cfg.soft404_max_text = 0;
    err e = {0};
    memset(out, 0, sizeof *out);
    if (!inspect_sites(st, r, round, site, 1, &cfg, report_outcome, out, &e))
        fail_msg("inspect_sites: %s", e.msg);
    stored_free(found);
    if (!store_findings_each(st, round->id, NULL, collect_finding, found, &e))
        fail_msg("store_findings_each: %s", e.msg);
}

static void test_inspect_store(void **state) {
    (void)state;
    char dir[128];
    make_site_copy(dir, sizeof dir);
    testserver *t = serve_dir(dir);
    char dbpath[256];
    snprintf(dbpath, sizeof dbpath, "%s/t.db", tmpdir);
    err e = {0};
    store *st = store_open(dbpath, &e);
    if (!st) fail_msg("store_open: %s", e.msg);
    rules *r = rules_load_default(&e);
    if (!r) fail_msg("rules_load_default: %s", e.msg);
    round_rec want = {.name = "r1", .as_of = "2020-08-10", .label = "",
                      .rules_text = (char *)rules_yaml(r)};
    round_rec round = {0};
    bool created = false;
    if (!store_round_ensure(st, &want, &round, &created, &e)) fail_msg("round: %s", e.msg);
    assert_true(created);
    char *home = xstrdup(testserver_url(t, "/"));
    site_rec site = {.code = "6199000005", .name = "示范县人民政府", .url = home, .hosts = "",
                     .unit = "", .kind = "portal", .org = "", .icp = "", .psb = ""};
    store_upsert up;
    if (!store_site_upsert(st, &site, &up, &e)) fail_msg("site: %s", e.msg);
    /* A site probed 20 times a day, all well, over the 7 days ending at
     * the as-of date: availability gives no finding, only the links do. */
    for (int day = 4; day <= 10; day++)
        for (int hour = 0; hour < 20; hour++) {
            char when[40];
            snprintf(when, sizeof when, "2020-08-%02dT%02d:00:00+08:00", day, hour);
            probe_rec p = {.site_code = site.code, .time = when, .ok = true, .http_status = 200,
                           .elapsed_ms = 100, .error = ""};
            if (!store_probe_add(st, &p, NULL, &e)) fail_msg("probe: %s", e.msg);
        }

    inspect_site_outcome o;
    stored_list f1 = {0}, f2 = {0}, f3 = {0};
    inspect_once(st, r, &round, &site, &o, &f1);
    assert_true(o.complete);
    assert_int_equal(o.broken, 3);
    assert_true(o.findings >= 3); /* the three broken links, and what other checks see */

    char ext[96];
    snprintf(ext, sizeof ext, "http://ext.test:%d/partner.html", closed_port);
    char *missing = xstrdup(testserver_url(t, "/missing.html"));
    char *notice = xstrdup(testserver_url(t, "/notice.html"));
    char *about = xstrdup(testserver_url(t, "/about.html"));
    const struct {
        const char *subject, *indicator, *page;
    } want_f[] = {
        {missing, "link.broken_home", home},
        {ext, "link.broken_page", about},
        {notice, "link.broken_page", about},
    };
    assert_int_equal(f1.n, 3);
    for (size_t i = 0; i < 3; i++) {
        const stored *s = stored_get(&f1, "link.broken", want_f[i].subject);
        if (!s) fail_msg("no finding for %s", want_f[i].subject);
        assert_string_equal(s->indicator, want_f[i].indicator);
        assert_string_equal(s->status, "confirmed");
        assert_string_equal(s->source_url, want_f[i].page);
        json_error_t je;
        json_t *ev = json_loads(s->evidence, 0, &je);
        assert_non_null(ev);
        json_t *refs = json_object_get(ev, "referrers");
        assert_true(json_is_array(refs));
        /* The first referrer is the page that holds it (/index.html, the
         * homepage under a second URL, may follow). */
        assert_true(json_array_size(refs) >= 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(refs, 0), "page")),
                            want_f[i].page);
        assert_true(json_is_boolean(json_object_get(json_array_get(refs, 0), "from_home")));
        assert_string_equal(json_string_value(json_object_get(ev, "url")), want_f[i].subject);
        if (want_f[i].subject == notice) assert_true(json_is_true(json_object_get(ev, "soft404")));
        json_decref(ev);
    }

    /* The pages holding the evidence were kept, compressed: the homepage
     * and about.html, each with the broken link in it. */
    const char *kept[] = {home, about};
    const char *holds[] = {"missing.html", "notice.html"};
    for (size_t i = 0; i < 2; i++) {
        page_copy_rec copy;
        if (!store_page_get(st, round.id, kept[i], &copy, &e)) fail_msg("no copy of %s: %s", kept[i], e.msg);
        assert_int_equal(copy.http_status, 200);
        assert_string_equal(copy.site_code, site.code);
        assert_true(copy.raw_len > 0);
        char *raw = malloc(copy.raw_len + 1);
        uLongf rlen = (uLongf)copy.raw_len;
        assert_int_equal(uncompress((Bytef *)raw, &rlen, copy.body, (uLong)copy.body_len), Z_OK);
        raw[rlen] = '\0';
        assert_non_null(strstr(raw, holds[i]));
        free(raw);
        page_copy_rec_free(&copy);
    }
    page_copy_rec nothing;
    assert_false(store_page_get(st, round.id, "http://127.0.0.1:1/none.html", &nothing, &e));
    assert_int_equal(e.cls, ERR_NONE);

    /* A second run keeps the ids. */
    inspect_once(st, r, &round, &site, &o, &f2);
    assert_int_equal(f2.n, 3);
    for (size_t i = 0; i < 3; i++) {
        const stored *a = stored_get(&f1, "link.broken", want_f[i].subject);
        const stored *b = stored_get(&f2, "link.broken", want_f[i].subject);
        assert_non_null(b);
        assert_int_equal(a->id, b->id);
        assert_string_equal(b->status, "confirmed");
    }

    /* The missing page is put up: its finding is gone, the others stay. */
    char path[256];
    snprintf(path, sizeof path, "%s/missing.html", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("<html><head><meta charset=\"utf-8\"><title>办事服务</title></head><body><p>办事服务"
          "栏目正常。</p></body></html>",
          fp);
    fclose(fp);
    inspect_once(st, r, &round, &site, &o, &f3);
    assert_true(o.complete);
    assert_int_equal(o.broken, 2);
    assert_int_equal(f3.n, 3);
    const stored *g = stored_get(&f3, "link.broken", missing);
    assert_non_null(g);
    assert_string_equal(g->status, "gone");
    assert_int_equal(g->id, stored_get(&f1, "link.broken", missing)->id);
    for (size_t i = 1; i < 3; i++) {
        const stored *b = stored_get(&f3, "link.broken", want_f[i].subject);
        assert_string_equal(b->status, "confirmed");
        assert_int_equal(b->id, stored_get(&f1, "link.broken", want_f[i].subject)->id);
    }

    stored_free(&f1);
    stored_free(&f2);
    stored_free(&f3);
    free(missing);
    free(notice);
    free(about);
    free(home);
    round_rec_free(&round);
    rules_free(r);
    store_close(st);
    testserver_stop(t);
}

/* ---- a real page --------------------------------------------------------------- */

/* The conac column of the shared registry extract for one corpus file. */
static int registry_conac(const char *file) {
    char *tsv = read_all(GI_SHARED_DIR "/corpus/site_registry/extracted_from_gov_html.tsv", NULL);
    if (!tsv) return -1;
    int answer = -1, col = -1;
    char *save = NULL;
    bool header = true;
    for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *cells[16];
        int n = 0;
        for (char *p = line; n < 16;) {
            cells[n++] = p;
            char *tab = strchr(p, '\t');
            if (!tab) break;
            *tab = '\0';
            p = tab + 1;
        }
        if (header) {
            for (int i = 0; i < n; i++)
                if (strncmp(cells[i], "conac", 5) == 0) col = i;
            header = false;
        } else if (col >= 0 && col < n && strcmp(cells[0], file) == 0) {
            answer = strncmp(cells[col], "yes", 3) == 0;
        }
    }
    free(tsv);
    return answer;
}

static void test_real_page(void **state) {
    (void)state;
    const char *dir = GI_SHARED_DIR "/corpus/gov_html";
    const char *file = "govcn_gongbao_article.html";
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (access(path, R_OK) != 0) {
        print_message("  skipped: %s is absent\n", path);
        skip();
    }
    int conac = registry_conac(file);
    testserver *t = serve_dir(dir);
    /* Every name but 127.0.0.1 goes to a proxy nobody runs: nothing is
     * resolved, every external link fails to connect. */
    setenv("NO_PROXY", "127.0.0.1", 1);
    setenv("no_proxy", "127.0.0.1", 1);
    char proxy[64];
    snprintf(proxy, sizeof proxy, "http://127.0.0.1:%d", closed_port);
    crawl_config cfg = quick_config();
    cfg.fetch.proxy = proxy;
    cfg.fetch.resolve = NULL;
    cfg.fetch.retries = -1;
    cfg.max_depth = -1;
    char home[256];
    snprintf(home, sizeof home, "%s", testserver_url(t, "/govcn_gongbao_article.html"));
    crawl_site_spec site = {.code = "bm01000001", .home_url = home};
    seen s = {0};
    crawl_one(&cfg, &site, 1, &s);
    unsetenv("NO_PROXY");
    unsetenv("no_proxy");
    assert_int_equal(s.pages, 1);
    assert_int_equal(s.home_pages, 1);
    assert_true(s.sites[0].complete);
    if (getenv("GI_TEST_DUMP")) dump_links(&s);
    fprintf(stderr, "  %s: %zu links, %d broken\n", file, s.nlinks, s.sites[0].broken);
    if (s.nlinks < 20 || s.nlinks > 200) {
        dump_links(&s);
        fail_msg("implausible link count %zu", s.nlinks);
    }
    bool conac_seen = false;
    size_t external = 0;
    for (size_t i = 0; i < s.nlinks; i++) {
        const seen_link *l = &s.links[i];
        assert_int_not_equal(l->error, FETCH_ERR_DNS);
        if (strncmp(l->url, "http://127.0.0.1:", 17) != 0) {
            external++;
            assert_false(l->internal);
            assert_true(l->broken);
            assert_int_equal(l->error, FETCH_ERR_CONNECT);
        }
        if (strstr(l->url, "://bszs.conac.cn/")) {
            conac_seen = true;
            assert_true(l->from_home);
        }
    }
    assert_true(external >= 5);
    if (conac == 1) assert_true(conac_seen);
    else print_message("  registry extract has no conac verdict for %s\n", file);
    /* Depth 0: nothing but the homepage was fetched with GET. */
    testserver_request q;
    for (size_t i = 0; testserver_log_get(t, i, &q); i++)
        if (!strcmp(q.method, "GET") && strcmp(q.path, "/robots.txt") && strcmp(q.path, "/govcn_gongbao_article.html") &&
            q.range[0] == '\0')
            fail_msg("fetched %s as a page", q.path);
    seen_free(&s);
    testserver_stop(t);
}

static int group_teardown(void **state) {
    teardown(state);
    if (tmpdir[0]) rm_tree(tmpdir);
    return 0;
}

int main(void) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_site_defects),
        cmocka_unit_test(test_page_cap),
        cmocka_unit_test(test_home_500),
        cmocka_unit_test(test_js_challenge),
        cmocka_unit_test(test_crawl_delay),
        cmocka_unit_test(test_robots_503),
        cmocka_unit_test(test_interrupted),
        cmocka_unit_test(test_home_twice),
        cmocka_unit_test(test_shared_checks_robots),
        cmocka_unit_test(test_inspect_store),
        cmocka_unit_test(test_real_page),
    };
    int rc = cmocka_run_group_tests(tests, setup, group_teardown);
    curl_global_cleanup();
    return rc;
}
