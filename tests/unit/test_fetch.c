/* Tests for fetch: bodies and caps, gzip, deflate and brotli (and their
 * decompression bombs), the CA file option, redirects, errors, retries and
 * Retry-After, link checks, politeness, --resolve, callbacks, stop, and many
 * transfers at once — all against the fixture server on 127.0.0.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "core/lang.h"
#include "fetch/fetch.h"
#include "support/testserver.h"

static testserver *ts;
static char resolve_other[64], resolve_gov[64];
static const char *resolve_list[3];
static char site_dir[64];            /* files served under /site */
static unsigned char *bomb;          /* zeros, compressed by the server: the first 10 MB
                                        as gzip, all 50 MB as deflate and as br */
static char *big;                    /* 100 KB body */

#define BOMB_SIZE ((size_t)10 << 20)
#define BIG_BOMB_SIZE ((size_t)50 << 20)
#define BIG_SIZE ((size_t)100000)

/* A copy of one result, taken in the callback. */
typedef struct got {
    int calls;
    fetch_error error;
    long status;
    int redirects, attempts;
    bool truncated, body_null;
    char url[512], final_url[512], content_type[64], charset[32], method[16], error_text[256];
    char http_version[8];
    char *body;
    size_t body_len;
    long elapsed_ms;
    int64_t fetched_at_ms;
} got;

static void on_done(const fetch_request *req, const fetch_result *res, void *ud) {
    (void)req;
    got *g = ud;
    g->calls++;
    g->error = res->error;
    g->status = res->status;
    g->redirects = res->redirects;
    g->attempts = res->attempts;
    g->truncated = res->truncated;
    snprintf(g->url, sizeof g->url, "%s", res->url);
    snprintf(g->final_url, sizeof g->final_url, "%s", res->final_url);
    snprintf(g->content_type, sizeof g->content_type, "%s", res->content_type);
    snprintf(g->charset, sizeof g->charset, "%s", res->charset);
    snprintf(g->method, sizeof g->method, "%s", res->method_used);
    snprintf(g->error_text, sizeof g->error_text, "%s", res->error_text);
    snprintf(g->http_version, sizeof g->http_version, "%s", res->http_version);
    g->body_null = res->body == NULL;
    free(g->body);
    g->body = NULL;
    g->body_len = res->body_len;
    if (res->body) {
        g->body = malloc(res->body_len + 1);
        assert_non_null(g->body);
        memcpy(g->body, res->body, res->body_len);
        g->body[res->body_len] = '\0';
    }
    g->elapsed_ms = res->elapsed_ms;
    g->fetched_at_ms = res->fetched_at_ms;
}

/* Quick settings: no politeness delay, short timeouts, short backoff, and no
 * proxy from the environment (it would swallow requests to 127.0.0.1). */
static fetch_config base_config(void) {
    fetch_config cfg = {0};
    cfg.connect_timeout_ms = 2000;
    cfg.total_timeout_ms = 5000;
    cfg.host_delay_ms = -1;
    cfg.retry_base_ms = 50;
    cfg.proxy = "";
    cfg.resolve = resolve_list;
    return cfg;
}

static fetch_client *client(const fetch_config *cfg) {
    err e = {0};
    fetch_client *c = fetch_new(cfg, &e);
    if (!c) fail_msg("fetch_new: %s", e.msg);
    return c;
}

static void submit(fetch_client *c, const char *url, fetch_method m, size_t keep, got *g) {
    err e = {0};
    fetch_request req = {.url = url, .method = m, .keep_small_body = keep, .ud = g};
    if (!fetch_submit(c, &req, on_done, &e)) fail_msg("fetch_submit %s: %s", url, e.msg);
}

static void run(fetch_client *c) {
    err e = {0};
    if (!fetch_run(c, &e)) fail_msg("fetch_run: %s", e.msg);
}

static got fetch_one(const fetch_config *cfg, const char *url, fetch_method m, size_t keep) {
    got g = {0};
    fetch_client *c = client(cfg);
    submit(c, url, m, keep, &g);
    run(c);
    fetch_free(c);
    assert_int_equal(g.calls, 1);
    return g;
}

static void got_free(got *g) {
    free(g->body);
    g->body = NULL;
}

/* The i-th logged request for a path (0-based), or fails. */
static testserver_request nth_request(const char *path, const char *host_prefix, size_t nth) {
    testserver_request q;
    for (size_t i = 0, seen = 0; testserver_log_get(ts, i, &q); i++) {
        if (strcmp(q.path, path)) continue;
        if (host_prefix && strncmp(q.host, host_prefix, strlen(host_prefix))) continue;
        if (seen++ == nth) return q;
    }
    fail_msg("no request %zu for %s", nth, path);
    return q;
}

/* ---- fixture ---- */

static bool write_file(const char *name, const char *text) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", site_dir, name);
    FILE *f = fopen(path, "w");
    if (!f) return false;
    bool ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok;
}

static void remove_file(const char *name) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", site_dir, name);
    remove(path);
}

static int setup(void **state) {
    (void)state;
    lang_force("en");
    snprintf(site_dir, sizeof site_dir, "/tmp/gi-test-fetch-XXXXXX");
    if (!mkdtemp(site_dir)) return -1;
    if (!write_file("index.html", "<html>首页</html>") || !write_file("a.html", "<p>a</p>"))
        return -1;
    big = malloc(BIG_SIZE);
    bomb = calloc(1, BIG_BOMB_SIZE);
    if (!big || !bomb) return -1;
    for (size_t i = 0; i < BIG_SIZE; i++) big[i] = (char)('a' + i % 26);
    static const char *html[] = {"Content-Type: Text/HTML; charset=\"GBK\"", NULL};
    static const char *text[] = {"Content-Type: text/plain", NULL};
    const char *gz_text = "政府网站 gzip body, decoded by curl";
    const char *deflate_text = "政府网站 deflate body, decoded by curl";
    const char *br_text = "政府网站 brotli body, decoded by curl";
    testserver_route routes[] = {
        {.path = "/page", .headers = html, .body = "<html><body>你好</body></html>"},
        {.path = "/page2", .body = "two"},
        {.path = "/polite", .body = "p"},
        {.path = "/big", .headers = text, .body = big, .body_len = BIG_SIZE},
        {.path = "/gz", .headers = text, .body = gz_text, .flags = TS_GZIP},
        {.path = "/bomb", .headers = text, .body = bomb, .body_len = BOMB_SIZE, .flags = TS_GZIP},
        {.path = "/deflate", .headers = text, .body = deflate_text, .flags = TS_DEFLATE},
        {.path = "/br", .headers = text, .body = br_text, .flags = TS_BROTLI},
        {.path = "/bomb-deflate", .headers = text, .body = bomb, .body_len = BIG_BOMB_SIZE,
         .flags = TS_DEFLATE},
        {.path = "/bomb-br", .headers = text, .body = bomb, .body_len = BIG_BOMB_SIZE,
         .flags = TS_BROTLI},
        {.path = "/chain", .body = "end of chain", .flags = TS_REDIRECT_CHAIN, .count = 3},
        {.path = "/long", .body = "far", .flags = TS_REDIRECT_CHAIN, .count = 5, .status = 301},
        {.path = "/loop", .flags = TS_REDIRECT_LOOP},
        {.path = "/missing", .status = 404, .body = "not here"},
        {.path = "/broken", .status = 500, .body = "oops"},
        {.path = "/hang", .flags = TS_HANG, .hang_ms = 3000, .body = "late"},
        {.path = "/slow", .flags = TS_HANG, .hang_ms = 50, .body = "slowish"},
        {.path = "/throttle", .flags = TS_THROTTLE, .count = 1, .retry_after = "1", .body = "ok"},
        {.path = "/unavailable", .flags = TS_THROTTLE, .count = 1, .throttle_status = 503,
         .retry_after = "Wed, 21 Oct 2015 07:28:00 GMT", .body = "back"},
        {.path = "/gateway", .flags = TS_THROTTLE, .count = 1, .throttle_status = 502,
         .body = "up"},
        {.path = "/nohead", .flags = TS_NO_HEAD, .body = big, .body_len = BIG_SIZE},
        {.path = "/nohead-range", .flags = TS_NO_HEAD | TS_RANGE, .headers = html,
         .body = "<html><title>页面不存在</title></html>"},
        {.path = "/ranged", .flags = TS_RANGE, .headers = html, .body = "0123456789abcdef"},
        {.path = "/empty", .flags = TS_NO_HEAD | TS_RANGE, .body = ""},
        {.path = "/reset", .flags = TS_RESET},
        {.path = "/cut", .flags = TS_TRUNCATE | TS_NO_HEAD, .body = "0123456789abcdefghij"},
        {.path = "/cal", .flags = TS_TRAP},
        {.path = "/site", .flags = TS_DIR, .dir = site_dir},
    };
    ts = testserver_start(routes, sizeof routes / sizeof routes[0]);
    if (!ts) return -1;
    snprintf(resolve_other, sizeof resolve_other, "other.test:%d:127.0.0.1", testserver_port(ts));
    snprintf(resolve_gov, sizeof resolve_gov, "www.example.gov.cn:%d:127.0.0.1",
             testserver_port(ts));
    resolve_list[0] = resolve_other;
    resolve_list[1] = resolve_gov;
    resolve_list[2] = NULL;
    return 0;
}

static int teardown(void **state) {
    (void)state;
    testserver_stop(ts);
    remove_file("index.html");
    remove_file("a.html");
    remove_file("ca.pem");
    remove(site_dir);
    free(big);
    free(bomb);
    return 0;
}

/* ---- tests ---- */

static void test_get_page(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    const char *url = testserver_url(ts, "/page");
    int64_t before = (int64_t)time(NULL) * 1000;
    got g = fetch_one(&cfg, url, FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_OK);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.body, "<html><body>你好</body></html>");
    assert_int_equal(g.body_len, strlen("<html><body>你好</body></html>"));
    assert_false(g.truncated);
    assert_string_equal(g.content_type, "text/html");
    assert_string_equal(g.charset, "gbk");
    assert_string_equal(g.method, "GET");
    assert_string_equal(g.url, url);
    assert_string_equal(g.final_url, url);
    assert_string_equal(g.error_text, "");
    assert_string_equal(g.http_version, "1.1");   /* plain http: never HTTP/2 */
    assert_int_equal(g.redirects, 0);
    assert_int_equal(g.attempts, 1);
    assert_true(g.fetched_at_ms >= before - 1000 && g.fetched_at_ms <= before + 10000);
    assert_true(g.elapsed_ms >= 0 && g.elapsed_ms < 5000);
    got_free(&g);
}

static void test_body_cap(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    cfg.max_body_bytes = 10000;
    got g = fetch_one(&cfg, testserver_url(ts, "/big"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_ERR_TOO_LARGE);
    assert_int_equal(g.status, 200);
    assert_true(g.truncated);
    assert_int_equal(g.body_len, 10000);
    assert_memory_equal(g.body, big, 10000);
    assert_int_equal(g.attempts, 1);   /* too large is not transient */
    got_free(&g);

    cfg.max_body_bytes = BIG_SIZE;     /* exactly the size: not truncated */
    g = fetch_one(&cfg, testserver_url(ts, "/big"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_OK);
    assert_false(g.truncated);
    assert_int_equal(g.body_len, BIG_SIZE);
    got_free(&g);
}

static void test_gzip(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    testserver_log_clear(ts);
    got g = fetch_one(&cfg, testserver_url(ts, "/gz"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_OK);
    assert_string_equal(g.body, "政府网站 gzip body, decoded by curl");
    assert_non_null(strstr(nth_request("/gz", NULL, 0).accept_encoding, "gzip"));
    got_free(&g);
}

/* 10 MB of zeros arrive as ~10 KB of gzip: the cap counts decoded bytes. */
static void test_gzip_bomb(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    cfg.max_body_bytes = (size_t)1 << 20;
    got g = fetch_one(&cfg, testserver_url(ts, "/bomb"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_ERR_TOO_LARGE);
    assert_true(g.truncated);
    assert_int_equal(g.body_len, (size_t)1 << 20);
    for (size_t i = 0; i < g.body_len; i++)
        if (g.body[i]) fail_msg("byte %zu is not zero", i);
    got_free(&g);
}

/* The body exactly as the fixture sends it, undecoded (curl's default
 * without CURLOPT_ACCEPT_ENCODING), to see what travels on the wire. */
typedef struct raw_body {
    size_t len;          /* all bytes received */
    char head[256];      /* the first of them */
} raw_body;

static size_t raw_write(char *data, size_t size, size_t n, void *ud) {
    raw_body *b = ud;
    size_t len = size * n;
    if (b->len < sizeof b->head) {
        size_t room = sizeof b->head - b->len;
        memcpy(b->head + b->len, data, len < room ? len : room);
    }
    b->len += len;
    return len;
}

static raw_body raw_get(const char *url) {
    raw_body b = {0};
    CURL *h = curl_easy_init();
    assert_non_null(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, raw_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    CURLcode rc = curl_easy_perform(h);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK) fail_msg("raw GET %s: %s", url, curl_easy_strerror(rc));
    return b;
}

/* True when the comma-separated header value lists token (any case). */
static bool lists_token(const char *value, const char *token) {
    size_t n = strlen(token);
    for (const char *p = value; *p;) {
        while (*p == ' ' || *p == ',') p++;
        size_t len = strcspn(p, ",; ");
        if (len == n && !strncasecmp(p, token, n)) return true;
        p += strcspn(p, ",");
    }
    return false;
}

/* Each request says it takes gzip, deflate and br, and each arrives decoded. */
static void test_deflate_and_brotli(void **state) {
    (void)state;
    static const struct { const char *path, *text; } cases[] = {
        {"/deflate", "政府网站 deflate body, decoded by curl"},
        {"/br", "政府网站 brotli body, decoded by curl"},
    };
    fetch_config cfg = base_config();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        testserver_log_clear(ts);
        const char *url = testserver_url(ts, cases[i].path);
        got g = fetch_one(&cfg, url, FETCH_GET, 0);
        assert_int_equal(g.error, FETCH_OK);
        assert_int_equal(g.status, 200);
        assert_string_equal(g.body, cases[i].text);
        assert_int_equal(g.body_len, strlen(cases[i].text));
        assert_false(g.truncated);
        const char *ae = nth_request(cases[i].path, NULL, 0).accept_encoding;
        if (!lists_token(ae, "gzip") || !lists_token(ae, "deflate") || !lists_token(ae, "br"))
            fail_msg("Accept-Encoding '%s' lacks one of gzip, deflate, br", ae);
        /* What travelled was not the text itself. */
        raw_body raw = raw_get(url);
        assert_true(raw.len > 0);
        assert_true(raw.len < 12 || memcmp(raw.head, "政府网站", 12) != 0);
        got_free(&g);
    }
}

/* 50 MB of zeros arrive as a few KB of deflate or br: the cap counts the
 * decoded bytes, and the transfer is cut with the usual "too large". */
static void test_deflate_and_brotli_bombs(void **state) {
    (void)state;
    static const struct { const char *path; size_t max_raw; } cases[] = {
        {"/bomb-deflate", (size_t)64 << 10},   /* deflate tops out near 1:1000 */
        {"/bomb-br", (size_t)8 << 10},
    };
    fetch_config cfg = base_config();
    cfg.max_body_bytes = (size_t)1 << 20;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *url = testserver_url(ts, cases[i].path);
        size_t raw = raw_get(url).len;
        if (raw > cases[i].max_raw) fail_msg("%s: %zu bytes on the wire", cases[i].path, raw);
        got g = fetch_one(&cfg, url, FETCH_GET, 0);
        assert_int_equal(g.error, FETCH_ERR_TOO_LARGE);
        assert_int_equal(g.status, 200);
        assert_true(g.truncated);
        assert_int_equal(g.attempts, 1);
        assert_int_equal(g.body_len, (size_t)1 << 20);
        assert_non_null(strstr(g.error_text, "body over"));
        for (size_t k = 0; k < g.body_len; k++)
            if (g.body[k]) fail_msg("%s: byte %zu is not zero", cases[i].path, k);
        got_free(&g);
    }
}

/* --ca-file: a file that cannot be read, or holds no PEM certificate, is
 * refused up front with its name; a PEM file is taken (curl judges the
 * certificates themselves per TLS transfer). */
static void test_ca_file(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    err e = {0};
    cfg.ca_file = "/nonexistent/gi-ca.pem";
    assert_null(fetch_new(&cfg, &e));
    assert_int_equal(e.cls, ERR_INPUT);
    assert_non_null(strstr(e.msg, "/nonexistent/gi-ca.pem"));
    assert_false(fetch_ca_file_ok(site_dir, &e));   /* a folder */
    assert_non_null(strstr(e.msg, site_dir));
    assert_false(fetch_ca_file_ok("-", &e));        /* not standard input */

    char pem[128];
    snprintf(pem, sizeof pem, "%s/index.html", site_dir);
    assert_false(fetch_ca_file_ok(pem, &e));   /* readable, but no certificate */
    assert_non_null(strstr(e.msg, "no PEM certificate"));
    assert_true(write_file("ca.pem", "# internal CA\n-----BEGIN CERTIFICATE-----\nMIIB\n"
                                     "-----END CERTIFICATE-----\n"));
    snprintf(pem, sizeof pem, "%s/ca.pem", site_dir);
    assert_true(fetch_ca_file_ok(pem, &e));
    cfg.ca_file = pem;
    /* Plain http ignores it: the page still arrives. */
    got g = fetch_one(&cfg, testserver_url(ts, "/page"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_OK);
    got_free(&g);
}

static void test_redirect_chain(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    got g = fetch_one(&cfg, testserver_url(ts, "/chain"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_OK);
    assert_int_equal(g.status, 200);
    assert_int_equal(g.redirects, 3);
    assert_string_equal(g.final_url, testserver_url(ts, "/chain/3"));
    assert_string_equal(g.url, testserver_url(ts, "/chain"));
    assert_string_equal(g.body, "end of chain");
    got_free(&g);

    /* A check follows redirects too, with HEAD all the way. */
    testserver_log_clear(ts);
    g = fetch_one(&cfg, testserver_url(ts, "/chain"), FETCH_CHECK, 0);
    assert_int_equal(g.error, FETCH_OK);
    assert_int_equal(g.redirects, 3);
    assert_string_equal(g.method, "HEAD");
    assert_true(g.body_null);
    assert_int_equal(testserver_hits(ts, "HEAD", "/chain/3"), 1);
    assert_int_equal(testserver_hits(ts, "GET", "/chain/3"), 0);
    got_free(&g);
}

static void test_redirect_loop(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    got g = fetch_one(&cfg, testserver_url(ts, "/loop"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_ERR_REDIRECT_LOOP);
    assert_int_equal(g.redirects, 1);
    assert_int_equal(g.status, 302);
    assert_string_equal(g.final_url, testserver_url(ts, "/loop/again"));
    assert_non_null(strstr(g.error_text, "loop"));
    got_free(&g);
}

static void test_too_many_redirects(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    cfg.max_redirects = 3;
    got g = fetch_one(&cfg, testserver_url(ts, "/long"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_ERR_TOO_MANY_REDIRECTS);
    assert_int_equal(g.redirects, 3);
    assert_int_equal(g.status, 301);
    assert_string_equal(g.final_url, testserver_url(ts, "/long/3"));
    got_free(&g);

    cfg.max_redirects = 5;   /* exactly enough */
    g = fetch_one(&cfg, testserver_url(ts, "/long"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_OK);
    assert_int_equal(g.redirects, 5);
    assert_string_equal(g.body, "far");
    got_free(&g);
}

static void test_http_errors_are_answers(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    got g = fetch_one(&cfg, testserver_url(ts, "/missing"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_OK);
    assert_int_equal(g.status, 404);
    assert_string_equal(g.body, "not here");
    got_free(&g);
    g = fetch_one(&cfg, testserver_url(ts, "/broken"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_OK);
    assert_int_equal(g.status, 500);
    assert_int_equal(g.attempts, 1);   /* 500 is an answer, not retried */
    got_free(&g);
    g = fetch_one(&cfg, testserver_url(ts, "/nowhere"), FETCH_CHECK, 0);
    assert_int_equal(g.error, FETCH_OK);
    assert_int_equal(g.status, 404);
    assert_string_equal(g.method, "HEAD");   /* a 404 to HEAD is believed */
    got_free(&g);
}

static void test_connection_refused(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    int port = testserver_closed_port();
    assert_true(port > 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    got g = fetch_one(&cfg, url, FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_ERR_CONNECT);
    assert_int_equal(g.status, 0);
    assert_string_equal(g.http_version, "");   /* no response, no version */
    assert_int_equal(g.attempts, 1);   /* a refusal is an answer */
    assert_true(g.body_null);
    assert_true(strlen(g.error_text) > 0);
    got_free(&g);
    /* A check does not retry with GET what cannot even connect. */
    g = fetch_one(&cfg, url, FETCH_CHECK, 0);
    assert_int_equal(g.error, FETCH_ERR_CONNECT);
    assert_string_equal(g.method, "HEAD");
    got_free(&g);
}

static void test_timeout_retried(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    cfg.connect_timeout_ms = 300;
    cfg.total_timeout_ms = 300;
    cfg.retries = 2;
    testserver_log_clear(ts);
    int64_t t0 = testserver_now_ms();
    got g = fetch_one(&cfg, testserver_url(ts, "/hang"), FETCH_GET, 0);
    int64_t took = testserver_now_ms() - t0;
    assert_int_equal(g.error, FETCH_ERR_TIMEOUT);
    assert_int_equal(g.attempts, 3);
    assert_int_equal(testserver_hits(ts, "GET", "/hang"), 3);
    /* three timeouts and backoffs of 50 and 100 ms */
    assert_true(took >= 3 * 300 + 150);
    assert_true(took < 3000);
    assert_true(g.elapsed_ms >= 3 * 300 + 150);
    got_free(&g);
}

static void test_reset_retried(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    cfg.retries = 1;
    testserver_log_clear(ts);
    got g = fetch_one(&cfg, testserver_url(ts, "/reset"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_ERR_RESET);
    assert_int_equal(g.attempts, 2);
    assert_int_equal(testserver_hits(ts, "GET", "/reset"), 2);
    got_free(&g);
    /* A HEAD that gets hung up on is tried again as a ranged GET. */
    testserver_log_clear(ts);
    cfg.retries = -1;
    g = fetch_one(&cfg, testserver_url(ts, "/reset"), FETCH_CHECK, 0);
    assert_int_equal(g.error, FETCH_ERR_RESET);
    assert_string_equal(g.method, "GET-RANGE");
    assert_int_equal(testserver_hits(ts, "HEAD", "/reset"), 1);
    assert_int_equal(testserver_hits(ts, "GET", "/reset"), 1);
    got_free(&g);
}

/* The body breaks off: a page is not fetched, but a link that answered
 * 200 is not broken. */
static void test_truncated_body(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    cfg.retries = 1;
    got g = fetch_one(&cfg, testserver_url(ts, "/cut"), FETCH_GET, 0);
    assert_int_equal(g.error, FETCH_ERR_RESET);
    assert_int_equal(g.attempts, 2);
    assert_true(g.body_null);
    got_free(&g);
    g = fetch_one(&cfg, testserver_url(ts, "/cut"), FETCH_CHECK, 0);
    assert_int_equal(g.error, FETCH_OK);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.method, "GET-RANGE");
    assert_int_equal(g.attempts, 1);
    got_free(&g);
}

static void test_retry_after_slows_host(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    cfg.host_delay_ms = 100;
    testserver_log_clear(ts);
    fetch_client *c = client(&cfg);
    got g = {0}, other = {0};
    int64_t t0 = testserver_now_ms();
    submit(c, testserver_url(ts, "/throttle"), FETCH_GET, 0, &g);
    submit(c, testserver_url(ts, "/page"), FETCH_GET, 0, &other);
    run(c);
    assert_int_equal(g.calls, 1);
    assert_int_equal(other.status, 200);
    assert_int_equal(g.error, FETCH_OK);
    assert_int_equal(g.status, 200);
    assert_int_equal(g.attempts, 2);
    assert_string_equal(g.body, "ok");
    assert_true(testserver_now_ms() - t0 >= 1000);   /* Retry-After: 1 */
    testserver_request q0 = nth_request("/throttle", NULL, 0);
    testserver_request q1 = nth_request("/throttle", NULL, 1);
    assert_true(q1.at_ms - q0.at_ms >= 990);
    /* The whole host waited, not only the throttled URL. */
    assert_true(nth_request("/page", NULL, 0).at_ms - q0.at_ms >= 990);

    /* The host is slower for the rest of the run: 200 ms, not 100. */
    got a = {0}, b = {0};
    submit(c, testserver_url(ts, "/page2"), FETCH_GET, 0, &a);
    submit(c, testserver_url(ts, "/page2"), FETCH_GET, 0, &b);
    run(c);
    assert_int_equal(a.status + b.status, 400);
    q0 = nth_request("/page2", NULL, 0);
    q1 = nth_request("/page2", NULL, 1);
    assert_true(q1.at_ms - q0.at_ms >= 195);
    fetch_free(c);
    got_free(&g);
    got_free(&other);
    got_free(&a);
    got_free(&b);
}

static void test_503_date_and_502(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    /* Retry-After as an HTTP-date in the past: retry at once. */
    got g = fetch_one(&cfg, testserver_url(ts, "/unavailable"), FETCH_GET, 0);
    assert_int_equal(g.status, 200);
    assert_int_equal(g.attempts, 2);
    assert_string_equal(g.body, "back");
    got_free(&g);
    g = fetch_one(&cfg, testserver_url(ts, "/gateway"), FETCH_GET, 0);
    assert_int_equal(g.status, 200);
    assert_int_equal(g.attempts, 2);
    got_free(&g);
    /* Out of retries: the last answer is reported. */
    cfg.retries = -1;
    g = fetch_one(&cfg, testserver_url(ts, "/broken"), FETCH_GET, 0);
    assert_int_equal(g.status, 500);
    got_free(&g);
}

static void test_check_head_refused(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    testserver_log_clear(ts);
    /* Range ignored: a 200 whose body is cut, not downloaded. */
    got g = fetch_one(&cfg, testserver_url(ts, "/nohead"), FETCH_CHECK, 0);
    assert_int_equal(g.error, FETCH_OK);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.method, "GET-RANGE");
    assert_true(g.body_null);
    testserver_request head = nth_request("/nohead", NULL, 0);
    testserver_request get = nth_request("/nohead", NULL, 1);
    assert_string_equal(head.method, "HEAD");
    assert_string_equal(get.method, "GET");
    assert_string_equal(get.range, "bytes=0-0");
    got_free(&g);

    /* Range honoured: 206. */
    g = fetch_one(&cfg, testserver_url(ts, "/nohead-range"), FETCH_CHECK, 0);
    assert_int_equal(g.error, FETCH_OK);
    assert_int_equal(g.status, 206);
    assert_string_equal(g.content_type, "text/html");
    got_free(&g);

    /* An empty file answers the Range with 416: plain GET. */
    g = fetch_one(&cfg, testserver_url(ts, "/empty"), FETCH_CHECK, 0);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.method, "GET");
    got_free(&g);

    /* HEAD accepted: nothing else sent. */
    testserver_log_clear(ts);
    g = fetch_one(&cfg, testserver_url(ts, "/page"), FETCH_CHECK, 0);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.method, "HEAD");
    assert_string_equal(g.content_type, "text/html");
    assert_int_equal(testserver_log_count(ts), 1);
    got_free(&g);
}

static void test_check_small_body(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    testserver_log_clear(ts);
    got g = fetch_one(&cfg, testserver_url(ts, "/ranged"), FETCH_CHECK, 8);
    assert_int_equal(g.status, 206);
    assert_string_equal(g.method, "GET-RANGE");
    assert_string_equal(g.body, "01234567");
    assert_int_equal(testserver_hits(ts, "HEAD", "/ranged"), 0);
    assert_string_equal(nth_request("/ranged", NULL, 0).range, "bytes=0-7");
    got_free(&g);
    /* A server that ignores Range: the prefix is kept, the rest cut. */
    g = fetch_one(&cfg, testserver_url(ts, "/big"), FETCH_CHECK, 10);
    assert_int_equal(g.status, 200);
    assert_int_equal(g.body_len, 10);
    assert_memory_equal(g.body, big, 10);
    assert_true(g.truncated);
    assert_int_equal(g.error, FETCH_OK);
    got_free(&g);
}

static void test_politeness(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    cfg.max_per_host = 1;
    cfg.host_delay_ms = 200;
    testserver_log_clear(ts);
    fetch_client *c = client(&cfg);
    got g[10] = {{0}};
    for (int i = 0; i < 5; i++) {
        submit(c, testserver_url(ts, "/polite"), FETCH_GET, 0, &g[i]);
        submit(c, testserver_url_host(ts, "other.test", "/polite"), FETCH_GET, 0, &g[5 + i]);
    }
    int64_t t0 = testserver_now_ms();
    run(c);
    int64_t took = testserver_now_ms() - t0;
    fetch_free(c);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(g[i].status, 200);
        got_free(&g[i]);
    }
    /* One host: starts 200 ms apart (a few ms of slack for connection set-up,
     * which the first request pays and the reusing ones do not). */
    for (int h = 0; h < 2; h++) {
        const char *host = h ? "other.test:" : "127.0.0.1:";
        for (size_t i = 1; i < 5; i++) {
            int64_t gap = nth_request("/polite", host, i).at_ms -
                          nth_request("/polite", host, i - 1).at_ms;
            if (gap < 195) fail_msg("%s request %zu came %lld ms after the previous", host, i,
                                    (long long)gap);
        }
    }
    /* Two hosts: side by side, not one after the other (that would be 1.8 s). */
    int64_t skew = nth_request("/polite", "other.test:", 0).at_ms -
                   nth_request("/polite", "127.0.0.1:", 0).at_ms;
    assert_true(skew > -100 && skew < 100);
    assert_true(took >= 800 && took < 1500);
}

static void test_resolve_and_user_agent(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    testserver_log_clear(ts);
    const char *url = testserver_url_host(ts, "www.example.gov.cn", "/page");
    got g = fetch_one(&cfg, url, FETCH_GET, 0);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.final_url, url);
    testserver_request q = nth_request("/page", NULL, 0);
    char host[64];
    snprintf(host, sizeof host, "www.example.gov.cn:%d", testserver_port(ts));
    assert_string_equal(q.host, host);
    assert_string_equal(q.user_agent, "govinspect/" GI_VERSION " (+government website inspection)");
    got_free(&g);

    cfg.user_agent = "test-agent/1.0";
    g = fetch_one(&cfg, testserver_url(ts, "/page2"), FETCH_GET, 0);
    assert_string_equal(nth_request("/page2", NULL, 0).user_agent, "test-agent/1.0");
    got_free(&g);

    err e = {0};
    const char *bad[] = {"no-port-here", NULL};
    cfg.resolve = bad;
    assert_null(fetch_new(&cfg, &e));
    assert_int_equal(e.cls, ERR_INPUT);
}

/* Each answer to /cal/... submits the next month: the callback feeds the
 * queue, as the crawl frontier will. */
typedef struct walker {
    fetch_client *c;
    int pages;
    got g;
} walker;

static void on_month(const fetch_request *req, const fetch_result *res, void *ud) {
    (void)req;
    walker *w = ud;
    assert_int_equal(res->status, 200);
    w->pages++;
    if (w->pages == 6) return;
    const char *href = strstr(res->body, "href=\"");
    assert_non_null(href);
    char path[64];
    assert_int_equal(sscanf(href + 6, "%63[^\"]", path), 1);
    err e = {0};
    fetch_request next = {.url = testserver_url(ts, path), .method = FETCH_GET, .ud = w};
    assert_true(fetch_submit(w->c, &next, on_month, &e));
}

static void test_callbacks_submit(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    walker w = {0};
    w.c = client(&cfg);
    testserver_log_clear(ts);
    err e = {0};
    fetch_request first = {.url = testserver_url(ts, "/cal/2024/10/"), .ud = &w};
    assert_true(fetch_submit(w.c, &first, on_month, &e));
    run(w.c);
    fetch_free(w.c);
    assert_int_equal(w.pages, 6);
    assert_int_equal(testserver_hits(ts, "GET", "/cal/2025/03/"), 1);
}

typedef struct stopper {
    fetch_client *c;
    int calls, stopped;
} stopper;

static void on_stop(const fetch_request *req, const fetch_result *res, void *ud) {
    (void)req;
    stopper *s = ud;
    s->calls++;
    if (res->error == FETCH_OK) {
        fetch_stop(s->c);
    } else {
        assert_int_equal(res->error, FETCH_ERR_OTHER);
        assert_string_equal(res->error_text, "stopped");
        s->stopped++;
    }
}

static void test_stop_from_callback(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    cfg.max_total = 4;
    cfg.max_per_host = 4;
    stopper s = {0};
    s.c = client(&cfg);
    err e = {0};
    for (int i = 0; i < 3; i++) {   /* running when the stop comes */
        fetch_request r = {.url = testserver_url(ts, "/hang"), .ud = &s};
        assert_true(fetch_submit(s.c, &r, on_stop, &e));
    }
    fetch_request quick = {.url = testserver_url(ts, "/page"), .ud = &s};
    assert_true(fetch_submit(s.c, &quick, on_stop, &e));
    for (int i = 0; i < 5; i++) {   /* still queued */
        fetch_request r = {.url = testserver_url(ts, "/page2"), .ud = &s};
        assert_true(fetch_submit(s.c, &r, on_stop, &e));
    }
    int64_t t0 = testserver_now_ms();
    run(s.c);
    assert_true(testserver_now_ms() - t0 < 1000);
    assert_int_equal(s.calls, 9);
    assert_int_equal(s.stopped, 8);
    fetch_request late = {.url = testserver_url(ts, "/page"), .ud = &s};
    assert_false(fetch_submit(s.c, &late, on_stop, &e));
    fetch_free(s.c);
}

static fetch_client *alarm_client;

static void on_alarm(int sig) {
    (void)sig;
    fetch_stop(alarm_client);
}

/* As from a SIGINT handler: the stop lands while fetch_run sleeps in poll. */
static void test_stop_from_signal(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    alarm_client = client(&cfg);
    got g = {0};
    submit(alarm_client, testserver_url(ts, "/hang"), FETCH_GET, 0, &g);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
    struct itimerval it = {.it_value = {.tv_sec = 0, .tv_usec = 200000}};
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
    int64_t t0 = testserver_now_ms();
    run(alarm_client);
    int64_t took = testserver_now_ms() - t0;
    sigaction(SIGALRM, &old, NULL);
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.error, FETCH_ERR_OTHER);
    assert_string_equal(g.error_text, "stopped");
    assert_int_equal(g.status, 0);
    if (took < 150 || took > 700) fail_msg("stopped after %lld ms", (long long)took);
    fetch_free(alarm_client);
    got_free(&g);
}

static void count_ok(const fetch_request *req, const fetch_result *res, void *ud) {
    (void)req;
    if (res->error == FETCH_OK && res->status == 200) ++*(int *)ud;
}

/* Each answer takes 50 ms on the server: 200 of them in well under the 10 s
 * that one at a time would take. */
static void test_many_at_once(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    cfg.max_total = 200;
    cfg.max_per_host = 200;
    fetch_client *c = client(&cfg);
    int ok = 0;
    err e = {0};
    for (int i = 0; i < 200; i++) {
        fetch_request r = {.url = testserver_url(ts, "/slow"), .ud = &ok};
        assert_true(fetch_submit(c, &r, count_ok, &e));
    }
    int64_t t0 = testserver_now_ms();
    run(c);
    int64_t took = testserver_now_ms() - t0;
    fetch_free(c);
    assert_int_equal(ok, 200);
    if (took > 3000) fail_msg("200 requests took %lld ms", (long long)took);
}

/* The fixture serves a directory, as later tests serve saved pages. */
static void test_fixture_dir(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    got g = fetch_one(&cfg, testserver_url(ts, "/site/"), FETCH_GET, 0);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.body, "<html>首页</html>");
    assert_string_equal(g.content_type, "text/html");
    got_free(&g);
    g = fetch_one(&cfg, testserver_url(ts, "/site/a.html"), FETCH_GET, 0);
    assert_string_equal(g.body, "<p>a</p>");
    got_free(&g);
    g = fetch_one(&cfg, testserver_url(ts, "/site/none.html"), FETCH_GET, 0);
    assert_int_equal(g.status, 404);
    got_free(&g);
}

static void test_bad_input(void **state) {
    (void)state;
    fetch_config cfg = base_config();
    fetch_client *c = client(&cfg);
    err e = {0};
    fetch_request r = {.url = "ftp://example.gov.cn/file"};
    assert_false(fetch_submit(c, &r, count_ok, &e));
    assert_int_equal(e.cls, ERR_INPUT);
    r.url = "/relative/path";
    assert_false(fetch_submit(c, &r, count_ok, &e));
    run(c);   /* nothing queued: returns at once */
    fetch_free(c);
    fetch_free(NULL);
    for (int i = FETCH_OK; i <= FETCH_ERR_OTHER; i++)
        assert_true(strlen(fetch_error_name((fetch_error)i)) > 0);
}

int main(void) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_page),
        cmocka_unit_test(test_body_cap),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_gzip_bomb),
        cmocka_unit_test(test_deflate_and_brotli),
        cmocka_unit_test(test_deflate_and_brotli_bombs),
        cmocka_unit_test(test_ca_file),
        cmocka_unit_test(test_redirect_chain),
        cmocka_unit_test(test_redirect_loop),
        cmocka_unit_test(test_too_many_redirects),
        cmocka_unit_test(test_http_errors_are_answers),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_timeout_retried),
        cmocka_unit_test(test_reset_retried),
        cmocka_unit_test(test_truncated_body),
        cmocka_unit_test(test_retry_after_slows_host),
        cmocka_unit_test(test_503_date_and_502),
        cmocka_unit_test(test_check_head_refused),
        cmocka_unit_test(test_check_small_body),
        cmocka_unit_test(test_politeness),
        cmocka_unit_test(test_resolve_and_user_agent),
        cmocka_unit_test(test_callbacks_submit),
        cmocka_unit_test(test_stop_from_callback),
        cmocka_unit_test(test_stop_from_signal),
        cmocka_unit_test(test_many_at_once),
        cmocka_unit_test(test_fixture_dir),
        cmocka_unit_test(test_bad_input),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
