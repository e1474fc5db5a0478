/* site_fixture — one fixture site inspected end to end, for the
 * interaction, service and search tests.
 *
 * fx_setup() opens a store in a temporary folder and a round as of
 * FX_AS_OF; fx_inspect() serves the routes on 127.0.0.1, registers the site
 * under the host FX_HOST (a --resolve entry sends it, and FX_PLATFORM, a
 * shared platform outside the site's scope, to the server), runs
 * inspect_sites() and returns the site's live findings of one kind prefix.
 * Links to the platform need the server's port, known only once it runs: a
 * route whose body holds "{P}" is written, with the port in its place, to a
 * file that a catch-all TS_DIR route serves.
 * Header-only: each test program is one translation unit.
 */
#ifndef GI_TESTS_SITE_FIXTURE_H
#define GI_TESTS_SITE_FIXTURE_H

#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw */
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ftw.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/inspect.h"
#include "core/lang.h"
#include "judge/rules.h"
#include "store/store.h"
#include "support/testserver.h"

#define FX_AS_OF "2020-08-10"
#define FX_HOST "www.sfx.gov.cn"
#define FX_PLATFORM "zwfw.sx.gov.cn"
#define FX_MAX 64

static const char *const fx_html[] = {"Content-Type: text/html; charset=utf-8", NULL};

typedef struct fx_finding {
    char *kind, *subject, *indicator, *status, *url, *summary;
    json_t *evidence;
} fx_finding;

typedef struct fx_result {
    fx_finding f[FX_MAX];
    size_t n;
    int pages;
    char home[160];      /* the site's homepage URL */
    char platform[160];  /* FX_PLATFORM's root URL */
    testserver_request log[256];
    size_t nlog;
} fx_result;

static char fx_dir[64];
static store *fx_store;
static rules *fx_rules;
static round_rec fx_round;

static inline int fx_setup(void **state) {
    (void)state;
    lang_force("en");
    snprintf(fx_dir, sizeof fx_dir, "/tmp/gi-test-fx-XXXXXX");
    if (!mkdtemp(fx_dir)) return -1;
    char db[128];
    snprintf(db, sizeof db, "%s/t.db", fx_dir);
    err e = {0};
    if (!(fx_store = store_open(db, &e)) || !(fx_rules = rules_load_default(&e))) return -1;
    round_rec want = {.name = "r1", .as_of = FX_AS_OF, .label = "",
                      .rules_text = (char *)rules_yaml(fx_rules)};
    bool created = false;
    return store_round_ensure(fx_store, &want, &fx_round, &created, &e) ? 0 : -1;
}

static inline int fx_teardown(void **state) {
    (void)state;
    store_close(fx_store);
    rules_free(fx_rules);
    round_rec_free(&fx_round);
    static const char *const files[] = {"t.db", "t.db-wal", "t.db-shm"};
    char path[128];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", fx_dir, files[i]);
        unlink(path);
    }
    rmdir(fx_dir);
    return 0;
}

typedef struct fx_collect {
    fx_result *r;
    const char *prefix;
} fx_collect;

static inline bool fx_take(const finding_rec *f, void *ud) {
    fx_collect *c = ud;
    if (strncmp(f->kind, c->prefix, strlen(c->prefix)) != 0 || !strcmp(f->status, "gone") ||
        c->r->n >= FX_MAX)
        return true;
    fx_finding *x = &c->r->f[c->r->n++];
    x->kind = strdup(f->kind);
    x->subject = strdup(f->subject);
    x->indicator = strdup(f->indicator);
    x->status = strdup(f->status);
    x->url = strdup(f->url);
    x->summary = strdup(f->summary);
    json_error_t je;
    x->evidence = json_loads(f->evidence, 0, &je);
    return true;
}

static inline int fx_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* Writes body to dir/path (path "/..."; a trailing "/" is index.html) with
 * "{P}" replaced by the port. */
static inline void fx_write(const char *dir, const char *path, const char *body, int port) {
    char file[512];
    snprintf(file, sizeof file, "%s%s%s", dir, path, path[strlen(path) - 1] == '/' ? "index.html" : "");
    for (char *p = file + strlen(dir) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(file, 0700);
            *p = '/';
        }
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    for (const char *b = body; *b;) {
        const char *q = strstr(b, "{P}");
        size_t n = q ? (size_t)(q - b) : strlen(b);
        fwrite(b, 1, n, f);
        if (!q) break;
        fprintf(f, "%d", port);
        b = q + 3;
    }
    fclose(f);
}

static inline void fx_report(void *ud, const inspect_site_outcome *o) { *(int *)ud = o->pages; }

/* Inspects routes as site `code`; findings whose kind starts with prefix. */
static inline void fx_inspect(const char *code, bool services, const testserver_route *routes, size_t n,
                       const char *prefix, fx_result *r) {
    memset(r, 0, sizeof *r);
    char dir[96];
    snprintf(dir, sizeof dir, "%s/www", fx_dir);
    mkdir(dir, 0700);
    testserver_route *all = calloc(n + 1, sizeof *all);
    assert_non_null(all);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!routes[i].body || !strstr(routes[i].body, "{P}")) all[m++] = routes[i];
    all[m++] = (testserver_route){.path = "/", .flags = TS_DIR, .dir = dir};
    testserver *t = testserver_start(all, m);
    free(all);
    assert_non_null(t);
    int port = testserver_port(t);
    for (size_t i = 0; i < n; i++)
        if (routes[i].body && strstr(routes[i].body, "{P}"))
            fx_write(dir, routes[i].path, routes[i].body, port);
    snprintf(r->home, sizeof r->home, "http://%s:%d/", FX_HOST, port);
    snprintf(r->platform, sizeof r->platform, "http://%s:%d/", FX_PLATFORM, port);
    char res1[96], res2[96];
    snprintf(res1, sizeof res1, "%s:%d:127.0.0.1", FX_HOST, port);
    snprintf(res2, sizeof res2, "%s:%d:127.0.0.1", FX_PLATFORM, port);
    const char *resolve[] = {res1, res2, NULL};
    site_rec site = {.code = (char *)code, .name = "示范县人民政府", .url = r->home, .hosts = "",
                     .unit = "", .kind = "portal", .services = services, .org = "", .icp = "",
                     .psb = ""};
    err e = {0};
    store_upsert up;
    if (!store_site_upsert(fx_store, &site, &up, &e)) fail_msg("site: %s", e.msg);
    crawl_config cfg = {0};
    cfg.fetch.connect_timeout_ms = 1000;
    cfg.fetch.total_timeout_ms = 2000;
    cfg.fetch.host_delay_ms = -1;
    cfg.fetch.retries = -1;
    cfg.fetch.max_per_host = 6;
    cfg.fetch.proxy = "";
    cfg.fetch.resolve = resolve;
    cfg.ignore_robots = true;
    cfg.agent_token = "govinspect";
    if (!inspect_sites(fx_store, fx_rules, &fx_round, &site, 1, &cfg, fx_report, &r->pages, &e))
        fail_msg("inspect_sites: %s", e.msg);
    testserver_request q;
    for (size_t i = 0; r->nlog < 256 && testserver_log_get(t, i, &q); i++) r->log[r->nlog++] = q;
    testserver_stop(t);
    nftw(dir, fx_rm, 16, FTW_DEPTH | FTW_PHYS);
    fx_collect c = {r, prefix};
    if (!store_findings_each(fx_store, fx_round.id, code, fx_take, &c, &e))
        fail_msg("findings: %s", e.msg);
}

static inline void fx_free(fx_result *r) {
    for (size_t i = 0; i < r->n; i++) {
        fx_finding *x = &r->f[i];
        free(x->kind), free(x->subject), free(x->indicator), free(x->status), free(x->url);
        free(x->summary);
        json_decref(x->evidence);
    }
    r->n = 0;
}

/* The findings of one kind, and the one with a subject ending in `tail`. */
static inline size_t fx_count(const fx_result *r, const char *kind) {
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) n += !strcmp(r->f[i].kind, kind);
    return n;
}

static inline const fx_finding *fx_find(const fx_result *r, const char *kind, const char *tail) {
    for (size_t i = 0; i < r->n; i++) {
        size_t ls = strlen(r->f[i].subject), lt = strlen(tail);
        if (!strcmp(r->f[i].kind, kind) && ls >= lt && !strcmp(r->f[i].subject + ls - lt, tail))
            return &r->f[i];
    }
    return NULL;
}

static inline const char *fx_ev_str(const fx_finding *f, const char *key) {
    json_t *v = json_object_get(f->evidence, key);
    return json_is_string(v) ? json_string_value(v) : "";
}

/* Requests the server saw with this method and path. */
static inline size_t fx_hits(const fx_result *r, const char *method, const char *path) {
    size_t n = 0;
    for (size_t i = 0; i < r->nlog; i++)
        n += (!method || !strcmp(r->log[i].method, method)) && !strcmp(r->log[i].path, path);
    return n;
}

#endif
