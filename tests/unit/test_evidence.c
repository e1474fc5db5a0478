/* Evidence copies: a page whose bytes are at hand is stored at once with
 * exactly those bytes and never fetched again; pages only named are fetched
 * after the crawl; the per-site cap holds. Against a real SQLite file and
 * the fixture server on 127.0.0.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "checks/evidence.h"
#include "store/store.h"
#include "support/testserver.h"

static char tmpdir[64];

static store *open_store(int64_t *round_id) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gi-test-evidence-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", tmpdir);
    err e = {0};
    store *st = store_open(path, &e);
    if (!st) fail_msg("store_open: %s", e.msg);
    round_rec want = {.name = "r1", .as_of = "2020-08-10", .label = "", .rules_text = "version: 1\n"};
    round_rec round = {0};
    bool created = false;
    if (!store_round_ensure(st, &want, &round, &created, &e)) fail_msg("round: %s", e.msg);
    site_rec site = {.code = "6199000009", .name = "示范县", .url = "http://127.0.0.1/",
                     .hosts = "", .unit = "", .kind = "portal", .org = "", .icp = "", .psb = ""};
    store_upsert up;
    if (!store_site_upsert(st, &site, &up, &e)) fail_msg("site: %s", e.msg);
    *round_id = round.id;
    round_rec_free(&round);
    return st;
}

static void close_store(store *st) {
    store_close(st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    assert_int_equal(system(cmd), 0);
}

/* The stored copy of url, uncompressed (caller frees); NULL when none. */
static char *copy_of(store *st, int64_t round_id, const char *url, page_copy_rec *meta) {
    err e = {0};
    page_copy_rec c;
    if (!store_page_get(st, round_id, url, &c, &e)) {
        assert_int_equal(e.cls, ERR_NONE);
        return NULL;
    }
    char *raw = malloc(c.raw_len + 1);
    assert_non_null(raw);
    uLongf n = (uLongf)c.raw_len;
    assert_int_equal(uncompress((Bytef *)raw, &n, c.body, (uLong)c.body_len), Z_OK);
    raw[n] = '\0';
    if (meta) *meta = c;
    else page_copy_rec_free(&c);
    return raw;
}

static void test_kept_and_fetched(void **state) {
    (void)state;
    static const char *const html[] = {"Content-Type: text/html; charset=utf-8", NULL};
    testserver_route routes[] = {
        {.path = "/a.html", .headers = html, .body = "<p>served a</p>"},
        {.path = "/b.html", .headers = html, .body = "<p>served b</p>"},
    };
    testserver *t = testserver_start(routes, 2);
    assert_non_null(t);
    int64_t round_id;
    store *st = open_store(&round_id);
    evidence_set *ev = evidence_new();
    assert_non_null(ev);
    char a[128], b[128];
    snprintf(a, sizeof a, "%s", testserver_url(t, "/a.html"));
    snprintf(b, sizeof b, "%s", testserver_url(t, "/b.html"));

    /* a: the bytes the crawl judged (not what the server says now) */
    const char judged[] = "<p>as crawled: a</p>";
    evidence_page p = {.url = a, .final_url = a, .status = 200, .content_type = "text/html",
                       .charset = "gbk", .body = judged, .len = strlen(judged),
                       .fetched_at_ms = 1597017600000};
    err e = {0};
    assert_true(evidence_keep(ev, st, round_id, 480, "6199000009", &p, &e));
    evidence_add(ev, "6199000009", a); /* named again by a later finding */
    evidence_add(ev, "6199000009", b);
    evidence_add(ev, "6199000009", "ftp://127.0.0.1/x"); /* not http: ignored */

    fetch_config cfg = {.connect_timeout_ms = 1000, .total_timeout_ms = 2000, .host_delay_ms = -1,
                        .max_per_host = 2, .proxy = ""};
    int stored = -1;
    assert_true(evidence_store(ev, st, round_id, &cfg, 480, &stored, &e));
    assert_int_equal(stored, 1);
    assert_int_equal(testserver_hits(t, "GET", "/a.html"), 0);
    assert_int_equal(testserver_hits(t, "GET", "/b.html"), 1);

    page_copy_rec meta;
    char *ca = copy_of(st, round_id, a, &meta);
    assert_non_null(ca);
    assert_string_equal(ca, judged);
    assert_string_equal(meta.charset, "gbk");
    assert_string_equal(meta.fetched_at, "2020-08-10T08:00:00+08:00");
    assert_int_equal(meta.http_status, 200);
    page_copy_rec_free(&meta);
    char *cb = copy_of(st, round_id, b, NULL);
    assert_non_null(cb);
    assert_string_equal(cb, "<p>served b</p>");
    free(ca);
    free(cb);

    evidence_free(ev);
    close_store(st);
    testserver_stop(t);
}

/* The per-site cap counts kept pages too; a page over it is not stored. */
static void test_cap(void **state) {
    (void)state;
    int64_t round_id;
    store *st = open_store(&round_id);
    evidence_set *ev = evidence_new();
    err e = {0};
    char url[64];
    int kept = 0;
    for (int i = 0; i < 400; i++) {
        snprintf(url, sizeof url, "http://127.0.0.1:9/p%d.html", i);
        evidence_page p = {.url = url, .final_url = url, .status = 200, .content_type = "text/html",
                           .charset = "", .body = "x", .len = 1, .fetched_at_ms = 1};
        assert_true(evidence_keep(ev, st, round_id, 480, "6199000009", &p, &e));
        char *c = copy_of(st, round_id, url, NULL);
        kept += c != NULL;
        free(c);
    }
    assert_true(kept > 0 && kept < 400);
    evidence_free(ev);
    close_store(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kept_and_fetched),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
