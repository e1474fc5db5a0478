/* Tests for serve (static files per Host header on 127.0.0.1) and for the
 * fetch module's connect-to entries, which is how the demo reaches it:
 * http://www.example.gov.cn/ fetched through "www.example.gov.cn:80:
 * 127.0.0.1:PORT" — the connect host is numeric, so nothing is looked up.
 * Path traversal, bad hosts, methods and caps are tried with raw requests,
 * since curl would normalise "/../" away before sending. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sbuf.h"
#include "fetch/fetch.h"
#include "serve/serve.h"

static char tmp[64] = "/tmp/gi-serve-XXXXXX";
static char root[128];
static serve_server *srv;
static int port;

static void write_file(const char *rel, const char *data, size_t len) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmp, rel);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void make_dir(const char *rel) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmp, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

/* "请" "您" in GBK, declared in a meta. */
static const char gbk_page[] = "<html><head><meta http-equiv=\"Content-Type\" "
                               "content=\"text/html; charset=GBK\"></head><body>\xc7\xeb\xc4\xfa</body></html>";

static int setup(void **state) {
    (void)state;
    if (!mkdtemp(tmp)) return -1;
    snprintf(root, sizeof root, "%s/www", tmp);
    make_dir("www");
    make_dir("www/www.example.gov.cn");
    make_dir("www/www.example.gov.cn/sub");
    make_dir("www/www.example.gov.cn/中文");
    const char *home = "<html><head><meta charset=\"utf-8\"><title>首页</title></head><body>示范</body></html>";
    write_file("www/www.example.gov.cn/index.html", home, strlen(home));
    write_file("www/www.example.gov.cn/sub/index.html", "sub", 3);
    write_file("www/www.example.gov.cn/中文/index.html", "zh", 2);
    write_file("www/www.example.gov.cn/gbk.html", gbk_page, sizeof gbk_page - 1);
    write_file("www/www.example.gov.cn/a.pdf", "%PDF-1.4", 8);
    write_file("www/secret.txt", "root secret", 11);
    write_file("outside.txt", "outside", 7);
    char target[512], link[512];
    snprintf(target, sizeof target, "%s/outside.txt", tmp);
    snprintf(link, sizeof link, "%s/www/www.example.gov.cn/out.txt", tmp);
    if (symlink(target, link) != 0) return -1;
    snprintf(link, sizeof link, "%s/www/www.example.gov.cn/up", tmp);
    if (symlink("../..", link) != 0) return -1;   /* the folder above the root */
    snprintf(link, sizeof link, "%s/www/www.example.gov.cn/alias.html", tmp);
    if (symlink("index.html", link) != 0) return -1;   /* inside: fine */
    /* A sparse file over the cap. */
    snprintf(target, sizeof target, "%s/www/www.example.gov.cn/big.zip", tmp);
    int fd = open(target, O_CREAT | O_WRONLY, 0644);
    if (fd < 0 || ftruncate(fd, SERVE_MAX_FILE + 1) != 0) return -1;
    close(fd);
    err e = {0};
    srv = serve_start(root, &port, &e);
    if (!srv) {
        fprintf(stderr, "serve_start: %s\n", e.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state) {
    (void)state;
    serve_stop(srv);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

/* Sends one raw request (Connection: close added by the caller) and returns
 * the whole answer; caller frees. */
static char *raw(const char *request) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(s, (struct sockaddr *)&sa, sizeof sa), 0);
    size_t n = strlen(request);
    assert_int_equal(write(s, request, n), (ssize_t)n);
    sbuf b = SBUF_INIT;
    char buf[4096];
    ssize_t got;
    while ((got = read(s, buf, sizeof buf)) > 0) sbuf_append(&b, buf, (size_t)got);
    close(s);
    return sbuf_detach(&b);
}

static int raw_status(const char *method, const char *path, const char *host) {
    char req[1024];
    snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", method, path,
             host);
    char *a = raw(req);
    int status = 0;
    if (sscanf(a, "HTTP/1.%*d %d", &status) != 1) status = -1;
    free(a);
    return status;
}

/* ---- through fetch and connect-to ---- */

typedef struct got {
    long status;
    fetch_error error;
    char ctype[64], charset[32], final_url[256];
    char body[256];
} got;

static void on_done(const fetch_request *req, const fetch_result *res, void *ud) {
    (void)req;
    got *g = ud;
    g->status = res->status;
    g->error = res->error;
    snprintf(g->ctype, sizeof g->ctype, "%s", res->content_type);
    snprintf(g->charset, sizeof g->charset, "%s", res->charset);
    snprintf(g->final_url, sizeof g->final_url, "%s", res->final_url);
    snprintf(g->body, sizeof g->body, "%.*s", (int)(res->body_len < 255 ? res->body_len : 255),
             res->body ? res->body : "");
}

static got fetch_via(const char *entry, const char *url, fetch_method m) {
    const char *list[] = {entry, NULL};
    fetch_config cfg = {.connect_to = list, .proxy = "", .host_delay_ms = -1, .retries = -1,
                        .connect_timeout_ms = 2000, .total_timeout_ms = 5000};
    err e = {0};
    fetch_client *c = fetch_new(&cfg, &e);
    if (!c) fail_msg("fetch_new: %s", e.msg);
    got g = {0};
    fetch_request req = {.url = url, .method = m, .ud = &g};
    assert_true(fetch_submit(c, &req, on_done, &e));
    assert_true(fetch_run(c, &e));
    fetch_free(c);
    return g;
}

static void test_connect_to_reaches_host_folder(void **state) {
    (void)state;
    char entry[96];
    snprintf(entry, sizeof entry, "www.example.gov.cn:80:127.0.0.1:%d", port);
    got g = fetch_via(entry, "http://www.example.gov.cn/", FETCH_GET);
    assert_int_equal(g.error, FETCH_OK);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.ctype, "text/html");
    assert_string_equal(g.charset, "utf-8");
    assert_non_null(strstr(g.body, "示范"));

    g = fetch_via(entry, "http://www.example.gov.cn/gbk.html", FETCH_GET);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.charset, "gbk");

    g = fetch_via(entry, "http://www.example.gov.cn/a.pdf", FETCH_CHECK);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.ctype, "application/pdf");

    /* A folder without its slash is redirected to it; fetch follows. */
    g = fetch_via(entry, "http://www.example.gov.cn/sub", FETCH_GET);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.final_url, "http://www.example.gov.cn/sub/");
    assert_string_equal(g.body, "sub");
    g = fetch_via(entry, "http://www.example.gov.cn/%E4%B8%AD%E6%96%87", FETCH_GET);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.body, "zh");

    g = fetch_via(entry, "http://www.example.gov.cn/missing.html", FETCH_GET);
    assert_int_equal(g.status, 404);

    /* Any host and port through one entry: the Host header picks the
     * folder, and a host without one is 404. */
    snprintf(entry, sizeof entry, "::127.0.0.1:%d", port);
    g = fetch_via(entry, "http://www.example.gov.cn:8080/sub/", FETCH_GET);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.body, "sub");
    g = fetch_via(entry, "http://other.example.gov.cn/", FETCH_GET);
    assert_int_equal(g.status, 404);
}

static void test_connect_to_entries(void **state) {
    (void)state;
    const char *good[] = {"www.example.gov.cn:80:127.0.0.1:8080", "::127.0.0.1:8080",
                          "a.b:443:[::1]:8443", "[::1]:80:127.0.0.1:81", "host::other:",
                          ":80::8080", ":::"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (!fetch_connect_to_ok(good[i])) fail_msg("refused %s", good[i]);
    const char *bad[] = {"", "host:80:127.0.0.1", "host:80:127.0.0.1:8080:9", "host:x:1.2.3.4:80",
                         "host:80:1.2.3.4:70000", "host:0:1.2.3.4:80", "ho st:80:1.2.3.4:80",
                         "[::1:80:1.2.3.4:80", "host:80:[]:80", "host:80:1.2.3.4:80/x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (fetch_connect_to_ok(bad[i])) fail_msg("accepted %s", bad[i]);
    const char *list[] = {"host:80:127.0.0.1", NULL};
    fetch_config cfg = {.connect_to = list};
    err e = {0};
    assert_null(fetch_new(&cfg, &e));
    assert_int_equal(e.cls, ERR_INPUT);
    assert_non_null(strstr(e.msg, "host:80:127.0.0.1"));
}

/* ---- hostile requests ---- */

static void test_traversal_refused(void **state) {
    (void)state;
    const char *h = "www.example.gov.cn";
    assert_int_equal(raw_status("GET", "/", h), 200);
    assert_int_equal(raw_status("GET", "/alias.html", h), 200);
    /* Dot segments, plain and percent-encoded, in any spelling. */
    const char *paths[] = {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                           "/sub/../../secret.txt", "/./index.html", "/sub/%2e%2e/%2e%2e/secret.txt",
                           "/..%5csecret.txt", "/%5c..%5csecret.txt", "http://www.example.gov.cn/",
                           "*", "secret.txt"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        int st = raw_status("GET", paths[i], h);
        if (st == 200 || st <= 0) fail_msg("%s: status %d", paths[i], st);
    }
    /* Absolute paths stay under the host's folder. */
    assert_int_equal(raw_status("GET", "//etc/passwd", h), 404);
    assert_int_equal(raw_status("GET", "/etc/passwd", h), 404);
    /* Symbolic links that lead out of the root. */
    assert_int_equal(raw_status("GET", "/out.txt", h), 404);
    assert_int_equal(raw_status("GET", "/up/outside.txt", h), 404);
    /* Hosts that are not plain names. */
    assert_int_equal(raw_status("GET", "/secret.txt", ".."), 400);
    assert_int_equal(raw_status("GET", "/index.html", "www.example.gov.cn/.."), 400);
    assert_int_equal(raw_status("GET", "/index.html", "..%2fwww"), 400);
    assert_int_equal(raw_status("GET", "/index.html", "[::1]:80"), 400);
    assert_int_equal(raw_status("GET", "/index.html", "WWW.Example.GOV.CN:80"), 200);
    /* A request without Host (HTTP/1.0) has no folder. */
    char *a = raw("GET / HTTP/1.0\r\n\r\n");
    assert_non_null(strstr(a, " 400 "));
    free(a);
}

static void test_methods_and_caps(void **state) {
    (void)state;
    const char *h = "www.example.gov.cn";
    assert_int_equal(raw_status("GET", "/big.zip", h), 403);
    assert_int_equal(raw_status("DELETE", "/index.html", h), 405);
    char *a = raw("POST /index.html HTTP/1.1\r\nHost: www.example.gov.cn\r\nConnection: close\r\n"
                  "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nmsg=abc");
    assert_non_null(strstr(a, " 405 "));
    free(a);
    /* HEAD: the headers of GET, no body. */
    a = raw("HEAD /index.html HTTP/1.1\r\nHost: www.example.gov.cn\r\nConnection: close\r\n\r\n");
    assert_non_null(strstr(a, " 200 "));
    assert_non_null(strstr(a, "text/html; charset=utf-8"));
    const char *end = strstr(a, "\r\n\r\n");
    assert_non_null(end);
    assert_string_equal(end + 4, "");
    free(a);
    assert_true(serve_requests(srv) > 10);
}

static void test_start_refuses_non_folder(void **state) {
    (void)state;
    err e = {0};
    int p = 0;
    char f[200];
    snprintf(f, sizeof f, "%s/outside.txt", tmp);
    assert_null(serve_start(f, &p, &e));
    assert_int_equal(e.cls, ERR_IO);
    assert_null(serve_start("/nonexistent/folder", &p, &e));
    serve_stop(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_to_reaches_host_folder),
        cmocka_unit_test(test_connect_to_entries),
        cmocka_unit_test(test_traversal_refused),
        cmocka_unit_test(test_methods_and_caps),
        cmocka_unit_test(test_start_refuses_non_folder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
