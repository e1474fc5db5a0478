/* test_store — the store contract (store.h) against real SQLite files.
 *
 * Every test works in one mkdtemp directory, each on its own file, so the
 * tests are independent and the directory is removed at the end. Messages
 * are forced to English to assert on them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/lang.h"
#include "store/store.h"
#include "store/store_impl.h"

static char tmpdir[64];

static const char *db_path(const char *name) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static int group_setup(void **state) {
    (void)state;
    lang_force("en");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gi-test-store-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
            char p[512];
            snprintf(p, sizeof p, "%s/%s", tmpdir, de->d_name);
            unlink(p);
        }
        closedir(d);
    }
    return rmdir(tmpdir);
}

static store *open_ok(const char *name) {
    err e = {0};
    store *s = store_open(db_path(name), &e);
    if (!s) fail_msg("store_open %s: %s", name, e.msg);
    return s;
}

static site_rec site(const char *code, const char *name, const char *org) {
    site_rec r = {
        .code = (char *)code,
        .name = (char *)name,
        .url = (char *)"http://www.yl.gov.cn/",
        .hosts = (char *)"",
        .unit = (char *)"榆林市人民政府办公室",
        .kind = (char *)"department",
        .services = true,
        .org = (char *)org,
        .icp = (char *)"",
        .psb = (char *)"",
    };
    return r;
}

static void upsert_site(store *s, const site_rec *r, store_upsert want) {
    err e = {0};
    store_upsert got = (store_upsert)-1;
    if (!store_site_upsert(s, r, &got, &e)) fail_msg("upsert %s: %s", r->code, e.msg);
    assert_int_equal(got, want);
}

static int64_t count(store *s, const char *table) {
    err e = {0};
    int64_t n = -1;
    if (!store_count(s, table, &n, &e)) fail_msg("count: %s", e.msg);
    return n;
}

/* Collects codes (or media ids) in iteration order into one string. */
typedef struct {
    char buf[4096];
    int n;
    int stop_after; /* 0: never */
} collect;

static bool collect_site(const site_rec *r, void *ud) {
    collect *c = ud;
    size_t len = strlen(c->buf);
    snprintf(c->buf + len, sizeof c->buf - len, "%s%s", c->n ? " " : "", r->code);
    c->n++;
    return !(c->stop_after && c->n >= c->stop_after);
}

static bool collect_media(const media_rec *r, void *ud) {
    collect *c = ud;
    size_t len = strlen(c->buf);
    snprintf(c->buf + len, sizeof c->buf - len, "%s%s", c->n ? " " : "", r->media_id);
    c->n++;
    return true;
}

static const char *sites_in(store *s, const char *org, collect *c) {
    err e = {0};
    memset(c, 0, sizeof *c);
    if (!store_sites_each(s, org, collect_site, c, &e)) fail_msg("sites_each: %s", e.msg);
    return c->buf;
}

/* ---- opening ---------------------------------------------------------- */

static void test_open_create(void **state) {
    (void)state;
    store *s = open_ok("create.db");
    assert_string_equal(store_backend(s), "sqlite");
    assert_int_equal(store_schema_version(s), store_schema_latest());
    assert_int_equal(store_schema_latest(), STORE_SCHEMA_LATEST);
    assert_int_equal(count(s, "sites"), 0);
    assert_int_equal(count(s, "media"), 0);
    err e = {0};
    int64_t n;
    assert_false(store_count(s, "nosuch", &n, &e));
    assert_int_equal(e.cls, ERR_USAGE);
    store_close(s);
    assert_int_equal(access(db_path("create.db"), F_OK), 0);

    /* The same file through the sqlite: scheme. */
    char uri[300];
    snprintf(uri, sizeof uri, "sqlite:%s", db_path("create.db"));
    s = store_open(uri, &e);
    assert_non_null(s);
    assert_int_equal(store_schema_version(s), store_schema_latest());
    store_close(s);
}

static void test_uri_refused(void **state) {
    (void)state;
    err e = {0};
    assert_null(store_open("postgresql://inspector:s3cret@db.example/gov", &e));
    assert_int_equal(e.cls, ERR_USAGE);
    assert_non_null(strstr(e.msg, "PostgreSQL"));
    assert_non_null(strstr(e.msg, "not available"));
    assert_null(strstr(e.msg, "s3cret")); /* never echo a password */

    err_clear(&e);
    assert_null(store_open("postgres://localhost/gov", &e));
    assert_int_equal(e.cls, ERR_USAGE);
    assert_non_null(strstr(e.msg, "PostgreSQL"));

    err_clear(&e);
    assert_null(store_open("mysql://localhost/gov", &e));
    assert_int_equal(e.cls, ERR_USAGE);
    assert_non_null(strstr(e.msg, "mysql:"));

    err_clear(&e);
    assert_null(store_open("sqlite:", &e));
    assert_int_equal(e.cls, ERR_USAGE);

    err_clear(&e);
    assert_null(store_open("", &e));
    assert_int_equal(e.cls, ERR_USAGE);
}

static void test_not_sqlite_refused(void **state) {
    (void)state;
    const char *path = db_path("notes.txt");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 100; i++) fputs("site_code,name,url\n6108000039,榆林市,http://x/\n", f);
    fclose(f);
    err e = {0};
    assert_null(store_open(path, &e));
    assert_int_not_equal(e.cls, ERR_NONE);
    assert_non_null(strstr(e.msg, path));
    assert_non_null(strstr(e.msg, "not a govinspect database"));

    /* SQLite would take a file shorter than its header for an empty
     * database and overwrite it. */
    const char *tiny = db_path("tiny.csv");
    f = fopen(tiny, "w");
    assert_non_null(f);
    fputs("a,b\n", f);
    fclose(f);
    err_clear(&e);
    assert_null(store_open(tiny, &e));
    assert_int_equal(e.cls, ERR_INPUT);
    assert_non_null(strstr(e.msg, tiny));
    f = fopen(tiny, "r");
    char line[16] = "";
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "a,b\n");

    /* A directory is no database either; an empty file is a new one. */
    err_clear(&e);
    assert_null(store_open(tmpdir, &e));
    assert_non_null(strstr(e.msg, tmpdir));
    const char *empty = db_path("empty.db");
    f = fopen(empty, "w");
    assert_non_null(f);
    fclose(f);
    store *s = store_open(empty, &e);
    assert_non_null(s);
    assert_int_equal(store_schema_version(s), store_schema_latest());
    store_close(s);
}

static void test_newer_version_refused(void **state) {
    (void)state;
    store_close(open_ok("newer.db"));
    sqlite3 *db;
    assert_int_equal(sqlite3_open(db_path("newer.db"), &db), SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", store_schema_latest() + 5);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    err e = {0};
    assert_null(store_open(db_path("newer.db"), &e));
    assert_int_equal(e.cls, ERR_STORE);
    assert_non_null(strstr(e.msg, db_path("newer.db")));
    char v[16];
    snprintf(v, sizeof v, "%d", store_schema_latest() + 5);
    assert_non_null(strstr(e.msg, v));
    snprintf(v, sizeof v, "up to version %d", store_schema_latest());
    assert_non_null(strstr(e.msg, v));
}

static void test_migration(void **state) {
    (void)state;
    err e = {0};
    store *s = store_sqlite_open_at(db_path("migrate.db"), 1, &e);
    if (!s) fail_msg("open_at 1: %s", e.msg);
    assert_int_equal(store_schema_version(s), 1);
    site_rec r = site("6108000039", "榆林市住建局", "榆林市");
    upsert_site(s, &r, STORE_INSERTED);
    /* Version 1 has no rounds yet. */
    round_rec rr = {.name = (char *)"2020Q3", .as_of = (char *)"2020-08-10"};
    assert_false(store_round_ensure(s, &rr, NULL, NULL, &e));
    assert_int_equal(e.cls, ERR_STORE);
    store_close(s);

    s = open_ok("migrate.db");
    assert_int_equal(store_schema_version(s), store_schema_latest());
    site_rec got;
    assert_true(store_site_get(s, "6108000039", &got, &e));
    assert_string_equal(got.name, "榆林市住建局");
    assert_int_equal(got.seq, 1);
    site_rec_free(&got);
    round_rec out;
    bool created = false;
    assert_true(store_round_ensure(s, &rr, &out, &created, &e));
    assert_true(created);
    probe_rec p = {.site_code = (char *)"6108000039", .time = (char *)"2020-08-10T09:30:00+08:00",
                   .ok = true, .http_status = 200, .elapsed_ms = 12, .error = (char *)""};
    assert_true(store_probe_add(s, &p, NULL, &e));
    finding_rec f = {.round_id = out.id, .target = (char *)"6108000039",
                     .target_kind = (char *)"site", .kind = (char *)"column.stale",
                     .subject = (char *)"http://www.yl.gov.cn/tzgg/",
                     .status = (char *)"confirmed"};
    int64_t id = 0;
    if (!store_finding_record(s, &f, &id, &e)) fail_msg("record: %s", e.msg);
    assert_true(id > 0);
    round_rec_free(&out);
    store_close(s);

    /* Reopening an up-to-date file changes nothing. */
    s = open_ok("migrate.db");
    assert_int_equal(store_schema_version(s), store_schema_latest());
    store_close(s);
}

/* ---- registry --------------------------------------------------------- */

static void test_site_media_roundtrip(void **state) {
    (void)state;
    store *s = open_ok("roundtrip.db");
    site_rec in = {
        .code = (char *)"6108000039",
        .name = (char *)"榆林市住房和城乡建设局",
        .url = (char *)"http://zjj.yl.gov.cn/",
        .hosts = (char *)"https://zjj.yl.gov.cn xxgk.yl.gov.cn/zjj",
        .unit = (char *)"榆林市住房和城乡建设局",
        .kind = (char *)"portal",
        .services = false,
        .org = (char *)"榆林市/横山区",
        .icp = (char *)"陕ICP备05004529号",
        .psb = (char *)"陕公网安备 61080202000123号",
        .seq = 999, /* ignored */
    };
    upsert_site(s, &in, STORE_INSERTED);
    err e = {0};
    site_rec got;
    assert_true(store_site_get(s, in.code, &got, &e));
    assert_string_equal(got.code, in.code);
    assert_string_equal(got.name, in.name);
    assert_string_equal(got.url, in.url);
    assert_string_equal(got.hosts, in.hosts);
    assert_string_equal(got.unit, in.unit);
    assert_string_equal(got.kind, in.kind);
    assert_false(got.services);
    assert_string_equal(got.org, in.org);
    assert_string_equal(got.icp, in.icp);
    assert_string_equal(got.psb, in.psb);
    assert_int_equal(got.seq, 1);
    site_rec_free(&got);
    assert_null(got.code);

    /* Missing is false without an error. */
    e.cls = ERR_IO;
    assert_false(store_site_get(s, "0000000000", &got, &e));
    assert_int_equal(e.cls, ERR_NONE);

    /* NULL optional strings read back as "". */
    site_rec sparse = {.code = (char *)"bm61000001", .name = (char *)"某部门",
                       .url = (char *)"http://a.gov.cn/", .kind = (char *)"department"};
    upsert_site(s, &sparse, STORE_INSERTED);
    upsert_site(s, &sparse, STORE_UNCHANGED);
    assert_true(store_site_get(s, "bm61000001", &got, &e));
    assert_string_equal(got.hosts, "");
    assert_string_equal(got.org, "");
    assert_int_equal(got.seq, 2);
    site_rec_free(&got);

    site_rec bad = site("6108000040", "x", "");
    bad.kind = (char *)"ministry";
    assert_false(store_site_upsert(s, &bad, NULL, &e));
    assert_int_equal(e.cls, ERR_USAGE);
    assert_non_null(strstr(e.msg, "6108000040"));

    media_rec m = {
        .media_id = (char *)"wx-0007",
        .platform = (char *)"wechat",
        .name = (char *)"朴实幸福郝家塬",
        .unit = (char *)"横山区郝家塬村委会",
        .org = (char *)"榆林市/横山区",
        .source = (char *)"/srv/feeds/wx-0007.json",
    };
    store_upsert res;
    assert_true(store_media_upsert(s, &m, &res, &e));
    assert_int_equal(res, STORE_INSERTED);
    media_rec mg;
    assert_true(store_media_get(s, "wx-0007", &mg, &e));
    assert_string_equal(mg.media_id, m.media_id);
    assert_string_equal(mg.platform, m.platform);
    assert_string_equal(mg.name, m.name);
    assert_string_equal(mg.unit, m.unit);
    assert_string_equal(mg.org, m.org);
    assert_string_equal(mg.source, m.source);
    assert_int_equal(mg.seq, 1);
    media_rec_free(&mg);
    assert_true(store_media_upsert(s, &m, &res, &e));
    assert_int_equal(res, STORE_UNCHANGED);
    m.source = (char *)"https://rss.example/wx-0007";
    assert_true(store_media_upsert(s, &m, &res, &e));
    assert_int_equal(res, STORE_UPDATED);
    assert_false(store_media_get(s, "wx-9999", &mg, &e));
    assert_int_equal(e.cls, ERR_NONE);
    m.platform = (char *)"微信"; /* the store takes canonical names only */
    assert_false(store_media_upsert(s, &m, &res, &e));
    assert_int_equal(e.cls, ERR_USAGE);

    collect c = {0};
    assert_true(store_media_each(s, NULL, collect_media, &c, &e));
    assert_string_equal(c.buf, "wx-0007");
    assert_int_equal(count(s, "media"), 1);
    assert_int_equal(count(s, "sites"), 2);
    store_close(s);
}

static void test_upsert_results(void **state) {
    (void)state;
    store *s = open_ok("upsert.db");
    site_rec r = site("6108000001", "榆林市人民政府", "榆林市");
    upsert_site(s, &r, STORE_INSERTED);
    upsert_site(s, &r, STORE_UNCHANGED);
    /* Each column on its own makes an update. */
    /* name url hosts unit kind services org icp psb */
    for (int i = 0; i < 9; i++) {
        site_rec x = r;
        if (i == 0) x.name = (char *)"榆林市人民政府网";
        if (i == 1) x.url = (char *)"https://www.yl.gov.cn/";
        if (i == 2) x.hosts = (char *)"xxgk.yl.gov.cn";
        if (i == 3) x.unit = (char *)"榆林市政府办";
        if (i == 4) x.kind = (char *)"portal";
        if (i == 5) x.services = false;
        if (i == 6) x.org = (char *)"榆林市/市直";
        if (i == 7) x.icp = (char *)"陕ICP备1号";
        if (i == 8) x.psb = (char *)"陕公网安备1号";
        upsert_site(s, &x, STORE_UPDATED);
        upsert_site(s, &x, STORE_UNCHANGED);
        upsert_site(s, &r, STORE_UPDATED); /* back */
    }
    err e = {0};
    site_rec got;
    assert_true(store_site_get(s, r.code, &got, &e));
    assert_int_equal(got.seq, 1);
    assert_string_equal(got.name, "榆林市人民政府");
    site_rec_free(&got);
    assert_int_equal(count(s, "sites"), 1);

    /* A bad key is refused before anything is written. */
    site_rec nokey = site("", "x", "");
    assert_false(store_site_upsert(s, &nokey, NULL, &e));
    assert_int_equal(e.cls, ERR_USAGE);
    store_close(s);
}

static void test_reimport_keeps_order(void **state) {
    (void)state;
    store *s = open_ok("order.db");
    site_rec a = site("6108000003", "C站", ""), b = site("6108000001", "A站", ""),
             c = site("6108000002", "B站", "");
    upsert_site(s, &a, STORE_INSERTED);
    upsert_site(s, &b, STORE_INSERTED);
    upsert_site(s, &c, STORE_INSERTED);
    collect col;
    assert_string_equal(sites_in(s, NULL, &col), "6108000003 6108000001 6108000002");
    /* A second import in another order, with changes, keeps the first order. */
    c.name = (char *)"B站（新）";
    a.name = (char *)"C站（新）";
    upsert_site(s, &c, STORE_UPDATED);
    upsert_site(s, &b, STORE_UNCHANGED);
    upsert_site(s, &a, STORE_UPDATED);
    site_rec d = site("6108000000", "D站", "");
    upsert_site(s, &d, STORE_INSERTED);
    assert_string_equal(sites_in(s, "", &col), "6108000003 6108000001 6108000002 6108000000");
    /* Early stop is not an error. */
    err e = {0};
    memset(&col, 0, sizeof col);
    col.stop_after = 2;
    assert_true(store_sites_each(s, NULL, collect_site, &col, &e));
    assert_string_equal(col.buf, "6108000003 6108000001");
    store_close(s);
}

static void test_org_prefix(void **state) {
    (void)state;
    store *s = open_ok("org.db");
    struct {
        const char *code, *org;
    } rows[] = {
        {"6108000001", "榆林市"},      {"6108000002", "榆林市/横山区"},
        {"6108000003", "榆林市外"},    {"6108000004", ""},
        {"6108000005", "50%_市"},      {"6108000006", "50%_市/甲区"},
        {"6108000007", "50X_市"},      {"6108000008", "50%_市外"},
        {"6108000009", "50XY市/乙区"}, {"6108000010", "榆林市/横山区/某镇"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        site_rec r = site(rows[i].code, "站", rows[i].org);
        upsert_site(s, &r, STORE_INSERTED);
        media_rec m = {.media_id = (char *)rows[i].code, .platform = (char *)"weibo",
                       .name = (char *)"号", .org = (char *)rows[i].org};
        err e = {0};
        assert_true(store_media_upsert(s, &m, NULL, &e));
    }
    collect c;
    assert_string_equal(sites_in(s, "榆林市", &c), "6108000001 6108000002 6108000010");
    assert_string_equal(sites_in(s, "榆林市/", &c), "6108000001 6108000002 6108000010");
    assert_string_equal(sites_in(s, "榆林市/横山区", &c), "6108000002 6108000010");
    assert_string_equal(sites_in(s, "榆林", &c), "");
    assert_string_equal(sites_in(s, "50%_市", &c), "6108000005 6108000006");
    assert_string_equal(sites_in(s, "50%", &c), "");
    assert_string_equal(sites_in(s, "%", &c), "");
    assert_string_equal(sites_in(s, "_", &c), "");
    sites_in(s, NULL, &c);
    assert_int_equal(c.n, 10);

    err e = {0};
    memset(&c, 0, sizeof c);
    assert_true(store_media_each(s, "50%_市", collect_media, &c, &e));
    assert_string_equal(c.buf, "6108000005 6108000006");
    store_close(s);
}

static void test_rollback(void **state) {
    (void)state;
    store *s = open_ok("rollback.db");
    err e = {0};
    site_rec a = site("6108000001", "甲", ""), b = site("6108000002", "乙", "");
    upsert_site(s, &a, STORE_INSERTED);

    assert_true(store_begin(s, &e));
    assert_false(store_begin(s, &e)); /* no nesting */
    assert_int_equal(e.cls, ERR_USAGE);
    upsert_site(s, &b, STORE_INSERTED);
    a.name = (char *)"甲（改）";
    upsert_site(s, &a, STORE_UPDATED);
    assert_int_equal(count(s, "sites"), 2);
    store_rollback(s);
    assert_int_equal(count(s, "sites"), 1);
    site_rec got;
    assert_true(store_site_get(s, "6108000001", &got, &e));
    assert_string_equal(got.name, "甲");
    site_rec_free(&got);
    store_rollback(s); /* harmless without a transaction */
    assert_false(store_commit(s, &e));
    assert_int_equal(e.cls, ERR_USAGE);

    assert_true(store_begin(s, &e));
    upsert_site(s, &b, STORE_INSERTED);
    assert_true(store_commit(s, &e));
    assert_int_equal(count(s, "sites"), 2);
    /* The seq freed by the rollback is reused: order has no gaps. */
    assert_true(store_site_get(s, "6108000002", &got, &e));
    assert_int_equal(got.seq, 2);
    site_rec_free(&got);

    /* A failed operation inside a transaction leaves the transaction usable. */
    assert_true(store_begin(s, &e));
    site_rec c = site("6108000003", "丙", "");
    upsert_site(s, &c, STORE_INSERTED);
    probe_rec p = {.site_code = (char *)"9999999999",
                   .time = (char *)"2020-08-10T09:30:00+08:00", .ok = true};
    assert_false(store_probe_add(s, &p, NULL, &e));
    assert_true(store_commit(s, &e));
    assert_int_equal(count(s, "sites"), 3);

    /* Closing with an open transaction rolls it back. */
    assert_true(store_begin(s, &e));
    site_rec d = site("6108000004", "丁", "");
    upsert_site(s, &d, STORE_INSERTED);
    store_close(s);
    s = open_ok("rollback.db");
    assert_int_equal(count(s, "sites"), 3);
    store_close(s);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    int64_t n, last_seq;
    bool ordered;
} seq_check;

static bool check_seq(const site_rec *r, void *ud) {
    seq_check *c = ud;
    if (r->seq != c->last_seq + 1) c->ordered = false;
    char want[16];
    snprintf(want, sizeof want, "61%08lld", (long long)c->n);
    if (strcmp(r->code, want) != 0) c->ordered = false;
    c->last_seq = r->seq;
    c->n++;
    return true;
}

static void test_bulk_10000(void **state) {
    (void)state;
    store *s = open_ok("bulk.db");
    err e = {0};
    enum { N = 10000 };
    char code[16], name[64];
    double t0 = now_s();
    assert_true(store_begin(s, &e));
    for (int i = 0; i < N; i++) {
        snprintf(code, sizeof code, "61%08d", i);
        snprintf(name, sizeof name, "榆林市第%d号网站", i);
        site_rec r = site(code, name, i % 2 ? "榆林市/横山区" : "榆林市/米脂县");
        store_upsert res;
        if (!store_site_upsert(s, &r, &res, &e)) fail_msg("upsert %d: %s", i, e.msg);
        assert_int_equal(res, STORE_INSERTED);
    }
    assert_true(store_commit(s, &e));
    double t1 = now_s();
    print_message("10,000 site upserts in one transaction: %.1f ms\n", (t1 - t0) * 1000);

    /* Re-import: all unchanged. */
    assert_true(store_begin(s, &e));
    for (int i = 0; i < N; i++) {
        snprintf(code, sizeof code, "61%08d", i);
        snprintf(name, sizeof name, "榆林市第%d号网站", i);
        site_rec r = site(code, name, i % 2 ? "榆林市/横山区" : "榆林市/米脂县");
        store_upsert res;
        if (!store_site_upsert(s, &r, &res, &e)) fail_msg("re-upsert %d: %s", i, e.msg);
        assert_int_equal(res, STORE_UNCHANGED);
    }
    assert_true(store_commit(s, &e));
    print_message("10,000 unchanged re-upserts: %.1f ms\n", (now_s() - t1) * 1000);

    assert_int_equal(count(s, "sites"), N);
    seq_check c = {.ordered = true};
    assert_true(store_sites_each(s, NULL, check_seq, &c, &e));
    assert_int_equal(c.n, N);
    assert_true(c.ordered);
    site_rec got;
    assert_true(store_site_get(s, "6100005000", &got, &e));
    assert_string_equal(got.name, "榆林市第5000号网站");
    assert_string_equal(got.org, "榆林市/米脂县");
    assert_int_equal(got.seq, 5001);
    site_rec_free(&got);
    collect col;
    sites_in(s, "榆林市/横山区", &col);
    assert_int_equal(col.n, N / 2);
    store_close(s);
}

/* A callback may write through the same handle, across page boundaries. */
typedef struct {
    store *s;
    int n;
} copy_ctx;

static bool copy_to_media(const site_rec *r, void *ud) {
    copy_ctx *c = ud;
    media_rec m = {.media_id = r->code, .platform = (char *)"app", .name = r->name,
                   .org = r->org};
    err e = {0};
    if (!store_media_upsert(c->s, &m, NULL, &e)) fail_msg("write in callback: %s", e.msg);
    site_rec self = *r;
    self.name = (char *)"renamed";
    if (!store_site_upsert(c->s, &self, NULL, &e)) fail_msg("update in callback: %s", e.msg);
    return ++c->n < 700;
}

static void test_each_callback_writes(void **state) {
    (void)state;
    store *s = open_ok("callback.db");
    err e = {0};
    char code[16];
    assert_true(store_begin(s, &e));
    for (int i = 0; i < 1000; i++) {
        snprintf(code, sizeof code, "61%08d", i);
        site_rec r = site(code, "站", "");
        upsert_site(s, &r, STORE_INSERTED);
    }
    assert_true(store_commit(s, &e));
    copy_ctx c = {.s = s};
    assert_true(store_sites_each(s, NULL, copy_to_media, &c, &e));
    assert_int_equal(c.n, 700);
    assert_int_equal(count(s, "media"), 700);
    assert_int_equal(count(s, "sites"), 1000);
    store_close(s);
}

/* ---- sharing a file --------------------------------------------------- */

static void test_two_handles(void **state) {
    (void)state;
    store *h1 = open_ok("shared.db"), *h2 = open_ok("shared.db");
    err e = {0};
    char code[16];
    for (int i = 0; i < 20; i++) {
        store *w = i % 2 ? h2 : h1, *r = i % 2 ? h1 : h2;
        snprintf(code, sizeof code, "61%08d", i);
        site_rec x = site(code, "站", "");
        upsert_site(w, &x, STORE_INSERTED);
        site_rec got;
        if (!store_site_get(r, code, &got, &e)) fail_msg("other handle misses %s: %s", code, e.msg);
        assert_int_equal(got.seq, i + 1);
        site_rec_free(&got);
    }
    /* A reader does not see, and is not blocked by, an open write. */
    assert_true(store_begin(h1, &e));
    site_rec y = site("6199999999", "未提交", "");
    upsert_site(h1, &y, STORE_INSERTED);
    assert_int_equal(count(h2, "sites"), 20);
    assert_true(store_commit(h1, &e));
    assert_int_equal(count(h2, "sites"), 21);
    store_close(h1);
    store_close(h2);
}

/* Another process writes while this one holds the write lock: it waits on
 * the busy timeout instead of failing with "database is locked". */
static void test_concurrent_process(void **state) {
    (void)state;
    /* Fork before this process opens the file: SQLite's per-process lock
     * bookkeeping must not be inherited by the child. */
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char c;
        close(go[1]);
        if (read(go[0], &c, 1) != 1) _exit(2);
        err ce = {0};
        store *cs = store_open(db_path("process.db"), &ce);
        bool ok = cs != NULL;
        site_rec b = site("6108000002", "子进程", "");
        probe_rec p = {.site_code = (char *)"6108000002",
                       .time = (char *)"2020-08-10T09:30:00+08:00", .ok = true,
                       .http_status = 200, .elapsed_ms = 5, .error = (char *)""};
        ok = ok && store_site_upsert(cs, &b, NULL, &ce) && store_probe_add(cs, &p, NULL, &ce);
        if (!ok) fprintf(stderr, "child: %s\n", ce.msg);
        store_close(cs);
        _exit(ok ? 0 : 1);
    }
    close(go[0]);
    store *s = open_ok("process.db");
    err e = {0};
    assert_true(store_begin(s, &e));
    site_rec a = site("6108000001", "父进程", "");
    upsert_site(s, &a, STORE_INSERTED);
    assert_int_equal(write(go[1], "x", 1), 1);
    close(go[1]);
    usleep(300 * 1000); /* the child is now waiting for our lock */
    assert_true(store_commit(s, &e));
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    site_rec got;
    assert_true(store_site_get(s, "6108000002", &got, &e));
    assert_int_equal(got.seq, 2);
    site_rec_free(&got);
    store_close(s);
}

/* ---- probes ----------------------------------------------------------- */

typedef struct {
    char buf[1024];
    int n;
    probe_rec first;
} probe_collect;

static bool collect_probe(const probe_rec *p, void *ud) {
    probe_collect *c = ud;
    size_t len = strlen(c->buf);
    snprintf(c->buf + len, sizeof c->buf - len, "%s%s", c->n ? " " : "", p->time);
    if (c->n++ == 0) {
        c->first.ok = p->ok;
        c->first.http_status = p->http_status;
        c->first.elapsed_ms = p->elapsed_ms;
    }
    return true;
}

static const char *probes_in(store *s, const char *from, const char *to, probe_collect *c) {
    err e = {0};
    memset(c, 0, sizeof *c);
    if (!store_probes_each(s, "6108000001", from, to, collect_probe, c, &e))
        fail_msg("probes_each: %s", e.msg);
    return c->buf;
}

static bool probe(store *s, const char *time, bool ok, err *e, bool *inserted) {
    probe_rec p = {.site_code = (char *)"6108000001", .time = (char *)time, .ok = ok,
                   .http_status = ok ? 200 : -1, .elapsed_ms = ok ? 35 : -1,
                   .error = (char *)(ok ? "" : "Connection timed out")};
    return store_probe_add(s, &p, inserted, e);
}

static void test_probes(void **state) {
    (void)state;
    store *s = open_ok("probes.db");
    site_rec r = site("6108000001", "榆林市人民政府", "榆林市");
    upsert_site(s, &r, STORE_INSERTED);
    err e = {0};
    bool ins = false;
    assert_true(probe(s, "2020-08-10T09:30:00+08:00", true, &e, &ins));
    assert_true(ins);
    assert_true(probe(s, "2020-08-10T09:30:00+08:00", true, &e, &ins));
    assert_false(ins);
    /* The same instant written in UTC is the same probe. */
    assert_true(probe(s, "2020-08-10T01:30:00Z", true, &e, &ins));
    assert_false(ins);
    assert_true(probe(s, "2020-08-10T01:45:00Z", false, &e, &ins)); /* 09:45+08 */
    assert_true(ins);
    assert_true(probe(s, "2020-08-10T10:00:00+0800", true, &e, &ins)); /* 02:00Z */
    assert_true(ins);
    assert_true(probe(s, "2020-08-09T23:00:00-05:00", true, &e, &ins)); /* 04:00Z */
    assert_true(ins);
    assert_true(probe(s, "2020-08-10 03:00:00.250Z", true, &e, &ins));
    assert_true(ins);

    probe_collect c;
    /* As text, "…01:40:00Z" sorts before "…09:30+08:00" and after "…09:45": instants do not. */
    assert_string_equal(probes_in(s, "2020-08-10T01:40:00Z", "2020-08-10T10:00:00+08:00", &c),
                        "2020-08-10T01:45:00Z");
    assert_false(c.first.ok);
    assert_int_equal(c.first.http_status, -1);
    assert_int_equal(c.first.elapsed_ms, -1);
    assert_string_equal(probes_in(s, "2020-08-10T09:30:00+08:00", "2020-08-10T02:00:00.001Z", &c),
                        "2020-08-10T09:30:00+08:00 2020-08-10T01:45:00Z "
                        "2020-08-10T10:00:00+0800");
    assert_true(c.first.ok);
    assert_int_equal(c.first.http_status, 200);
    assert_int_equal(c.first.elapsed_ms, 35);
    probes_in(s, NULL, NULL, &c);
    assert_int_equal(c.n, 5);
    assert_string_equal(probes_in(s, "2020-08-10T11:00:00+08:00", NULL, &c),
                        "2020-08-10 03:00:00.250Z 2020-08-09T23:00:00-05:00");

    /* Malformed times are refused with the time in the message. */
    const char *bad[] = {"2020-08-10T09:30:00",       "2020-08-10",
                         "2020-13-10T09:30:00Z",      "2020-02-30T09:30:00Z",
                         "2020-08-10T24:00:00Z",      "2020-08-10T09:30:00+0",
                         "2020-08-10T09:30:00+08:00x", "yesterday",
                         "2020-08-10T09:30:00.Z",     ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err_clear(&e);
        if (probe(s, bad[i], true, &e, &ins)) fail_msg("accepted %s", bad[i]);
        assert_int_equal(e.cls, ERR_INPUT);
        assert_non_null(strstr(e.msg, bad[i]));
    }
    assert_true(probe(s, "2020-02-29T00:00:00+08:00", true, &e, &ins)); /* leap day */
    err_clear(&e);
    assert_false(store_probes_each(s, "6108000001", "bad", NULL, collect_probe, &c, &e));
    assert_int_equal(e.cls, ERR_INPUT);

    /* A probe of a site not in the registry. */
    probe_rec p = {.site_code = (char *)"6199999999", .time = (char *)"2020-08-10T09:30:00Z"};
    assert_false(store_probe_add(s, &p, NULL, &e));
    assert_int_equal(e.cls, ERR_INPUT);
    assert_non_null(strstr(e.msg, "6199999999"));
    store_close(s);
}

/* ---- registered downtime ---------------------------------------------- */

static bool collect_downtime(const downtime_rec *d, void *ud) {
    collect *c = ud;
    size_t len = strlen(c->buf);
    snprintf(c->buf + len, sizeof c->buf - len, "%s%lld:%s:%s", c->n ? " " : "", (long long)d->id,
             d->site_code, d->kind);
    c->n++;
    return true;
}

static const char *downtime_in(store *s, const char *code, const char *from, const char *to, collect *c) {
    err e = {0};
    memset(c, 0, sizeof *c);
    if (!store_downtime_each(s, code, from, to, collect_downtime, c, &e)) fail_msg("downtime_each: %s", e.msg);
    return c->buf;
}

static void test_downtime(void **state) {
    (void)state;
    store *s = open_ok("downtime.db");
    site_rec a = site("6108000001", "甲", ""), b = site("6108000002", "乙", "");
    upsert_site(s, &a, STORE_INSERTED);
    upsert_site(s, &b, STORE_INSERTED);
    err e = {0};
    int64_t id = 0;
    bool ins = false;
    downtime_rec d = {.site_code = (char *)"6108000001", .from = (char *)"2020-08-06T00:00:00+08:00",
                      .to = (char *)"2020-08-06T03:00:00+08:00", .kind = (char *)"report",
                      .reason = (char *)"机房断电"};
    assert_true(store_downtime_add(s, &d, &id, &ins, &e));
    assert_true(ins);
    assert_int_equal(id, 1);
    /* The same period again, written in UTC and with another reason: once. */
    downtime_rec again = d;
    again.from = (char *)"2020-08-05T16:00:00Z";
    again.to = (char *)"2020-08-05T19:00:00Z";
    again.reason = (char *)"重复";
    assert_true(store_downtime_add(s, &again, &id, &ins, &e));
    assert_false(ins);
    assert_int_equal(id, 1);
    /* The same instants as a take-down are another period. */
    again.kind = (char *)"takedown";
    assert_true(store_downtime_add(s, &again, &id, &ins, &e));
    assert_true(ins);
    assert_int_equal(id, 2);
    downtime_rec other = {.site_code = (char *)"6108000002", .from = (char *)"2020-01-01T00:00:00+08:00",
                          .to = (char *)"2020-03-01T00:00:00+08:00", .kind = (char *)"takedown",
                          .reason = (char *)"改版"};
    assert_true(store_downtime_add(s, &other, NULL, NULL, &e));

    collect c;
    assert_string_equal(downtime_in(s, NULL, NULL, NULL, &c),
                        "1:6108000001:report 2:6108000001:takedown 3:6108000002:takedown");
    assert_string_equal(downtime_in(s, "6108000001", NULL, NULL, &c),
                        "1:6108000001:report 2:6108000001:takedown");
    /* Overlap with [from, to): the end is excluded on both sides. */
    assert_string_equal(downtime_in(s, NULL, "2020-08-06T03:00:00+08:00", NULL, &c), "");
    assert_string_equal(downtime_in(s, NULL, "2020-08-06T02:59:59+08:00", NULL, &c),
                        "1:6108000001:report 2:6108000001:takedown");
    assert_string_equal(downtime_in(s, NULL, NULL, "2020-08-06T00:00:00+08:00", &c), "3:6108000002:takedown");
    assert_string_equal(downtime_in(s, NULL, "2020-02-01T00:00:00Z", "2020-02-02T00:00:00Z", &c),
                        "3:6108000002:takedown");

    /* Refusals: no offset, end not after start, unknown kind, unknown site. */
    downtime_rec bad = d;
    bad.from = (char *)"2020-08-06T00:00:00";
    assert_false(store_downtime_add(s, &bad, NULL, NULL, &e));
    assert_int_equal(e.cls, ERR_INPUT);
    bad = d;
    bad.to = bad.from;
    assert_false(store_downtime_add(s, &bad, NULL, NULL, &e));
    assert_int_equal(e.cls, ERR_INPUT);
    bad = d;
    bad.kind = (char *)"holiday";
    assert_false(store_downtime_add(s, &bad, NULL, NULL, &e));
    assert_int_equal(e.cls, ERR_INPUT);
    assert_non_null(strstr(e.msg, "holiday"));
    bad = d;
    bad.site_code = (char *)"6199999999";
    assert_false(store_downtime_add(s, &bad, NULL, NULL, &e));
    assert_int_equal(e.cls, ERR_INPUT);
    assert_non_null(strstr(e.msg, "6199999999"));
    assert_false(store_downtime_each(s, NULL, "bad", NULL, collect_downtime, &c, &e));
    assert_int_equal(e.cls, ERR_INPUT);
    /* Nothing of the refusals was stored. */
    assert_string_equal(downtime_in(s, NULL, NULL, NULL, &c),
                        "1:6108000001:report 2:6108000001:takedown 3:6108000002:takedown");

    /* Inside a caller's transaction, a refused period leaves the others. */
    assert_true(store_begin(s, &e));
    bad.site_code = (char *)"6108000002";
    bad.from = (char *)"2020-05-01T00:00:00+08:00";
    bad.to = (char *)"2020-05-02T00:00:00+08:00";
    bad.kind = (char *)"takedown";
    assert_true(store_downtime_add(s, &bad, &id, &ins, &e));
    assert_int_equal(id, 4);
    bad.site_code = (char *)"6199999999";
    assert_false(store_downtime_add(s, &bad, NULL, NULL, &e));
    assert_true(store_commit(s, &e));
    assert_int_equal(downtime_in(s, "6108000002", NULL, NULL, &c)[0] != '\0', 1);
    assert_int_equal(c.n, 2);
    store_close(s);
}

/* ---- rounds and findings ---------------------------------------------- */

typedef struct {
    int n;
    int64_t ids[16];
    char status[16][16];
} finding_collect;

static bool collect_finding(const finding_rec *f, void *ud) {
    finding_collect *c = ud;
    c->ids[c->n] = f->id;
    snprintf(c->status[c->n], sizeof c->status[0], "%s", f->status);
    c->n++;
    return true;
}

static finding_collect findings_of(store *s, int64_t round, const char *target) {
    finding_collect c = {0};
    err e = {0};
    if (!store_findings_each(s, round, target, collect_finding, &c, &e))
        fail_msg("findings_each: %s", e.msg);
    return c;
}

typedef struct {
    int64_t id;
    finding_rec copy;
} finding_get;

static bool get_finding(const finding_rec *f, void *ud) {
    finding_get *g = ud;
    if (f->id != g->id) return true;
    g->copy = *f;
    g->copy.status = strdup(f->status);
    g->copy.evidence = strdup(f->evidence);
    g->copy.reviewed_by = strdup(f->reviewed_by);
    g->copy.review_note = strdup(f->review_note);
    g->copy.reviewed_at = strdup(f->reviewed_at);
    g->copy.indicator = strdup(f->indicator);
    g->copy.summary = strdup(f->summary);
    g->copy.url = strdup(f->url);
    g->copy.source_url = strdup(f->source_url);
    g->copy.observed_at = strdup(f->observed_at);
    g->copy.target = strdup(f->target);
    g->copy.target_kind = strdup(f->target_kind);
    g->copy.kind = strdup(f->kind);
    g->copy.subject = strdup(f->subject);
    return false;
}

static finding_rec fetch_finding(store *s, int64_t round, int64_t id) {
    finding_get g = {.id = id};
    err e = {0};
    if (!store_findings_each(s, round, NULL, get_finding, &g, &e)) fail_msg("%s", e.msg);
    if (!g.copy.id) fail_msg("finding %lld not found", (long long)id);
    return g.copy;
}

static void test_rounds(void **state) {
    (void)state;
    store *s = open_ok("rounds.db");
    err e = {0};
    round_rec in = {.name = (char *)"2020Q3", .as_of = (char *)"2020-08-10",
                    .label = (char *)"2020年第三季度", .rules_text = (char *)"version: 1\n"},
              out;
    bool created = false;
    assert_true(store_round_ensure(s, &in, &out, &created, &e));
    assert_true(created);
    assert_true(out.id > 0);
    assert_string_equal(out.label, "2020年第三季度");
    assert_true(strlen(out.created_at) == 20); /* 2020-08-10T00:00:00Z */
    int64_t id = out.id;
    round_rec_free(&out);
    /* As-of, label and rules are fixed at creation. */
    round_rec again = {.name = (char *)"2020Q3", .as_of = (char *)"2020-09-30",
                       .label = (char *)"别的", .rules_text = (char *)"version: 2\n"};
    assert_true(store_round_ensure(s, &again, &out, &created, &e));
    assert_false(created);
    assert_int_equal(out.id, id);
    assert_string_equal(out.as_of, "2020-08-10");
    assert_string_equal(out.rules_text, "version: 1\n");
    round_rec_free(&out);
    assert_true(store_round_get(s, "2020Q3", &out, &e));
    assert_string_equal(out.name, "2020Q3");
    round_rec_free(&out);
    e.cls = ERR_IO;
    assert_false(store_round_get(s, "2020Q4", &out, &e));
    assert_int_equal(e.cls, ERR_NONE);
    round_rec given = {.name = (char *)"2020Q2", .as_of = (char *)"2020-05-10",
                       .created_at = (char *)"2020-05-11T08:00:00+08:00"};
    assert_true(store_round_ensure(s, &given, &out, NULL, &e));
    assert_string_equal(out.created_at, "2020-05-11T08:00:00+08:00");
    assert_string_equal(out.label, "");
    round_rec_free(&out);
    round_rec noname = {.as_of = (char *)"2020-05-10"};
    assert_false(store_round_ensure(s, &noname, &out, NULL, &e));
    assert_int_equal(e.cls, ERR_USAGE);
    store_close(s);
}

static int64_t record(store *s, finding_rec *f) {
    err e = {0};
    int64_t id = 0;
    if (!store_finding_record(s, f, &id, &e)) fail_msg("record %s: %s", f->kind, e.msg);
    return id;
}

static void test_findings_cycle(void **state) {
    (void)state;
    store *s = open_ok("findings.db");
    err e = {0};
    round_rec rin = {.name = (char *)"2020Q3", .as_of = (char *)"2020-08-10"}, round;
    assert_true(store_round_ensure(s, &rin, &round, NULL, &e));
    int64_t rid = round.id;
    round_rec_free(&round);

    finding_rec typo = {
        .round_id = rid, .target = (char *)"6108000039", .target_kind = (char *)"site",
        .kind = (char *)"text.typo", .subject = (char *)"按装", .indicator = (char *)"content.typo",
        .status = (char *)"pending", .url = (char *)"http://zjj.yl.gov.cn/a.html",
        .source_url = (char *)"http://zjj.yl.gov.cn/",
        .observed_at = (char *)"2020-08-09T10:00:00+08:00",
        .evidence = (char *)"{\"context\":\"请按装软件\"}", .summary = (char *)"错别字“按装”"};
    finding_rec stale = typo;
    stale.kind = (char *)"column.stale";
    stale.subject = (char *)"http://zjj.yl.gov.cn/tzgg/";
    stale.indicator = (char *)"site.column_stale";
    stale.status = (char *)"confirmed";
    stale.evidence = NULL; /* stored as {} */
    finding_rec broken = typo;
    broken.kind = (char *)"link.broken";
    broken.subject = (char *)"http://zjj.yl.gov.cn/dead";
    broken.indicator = (char *)"site.links";
    broken.status = (char *)"confirmed";
    finding_rec other = typo;
    other.target = (char *)"6108000040";

    int64_t t = record(s, &typo), st = record(s, &stale), br = record(s, &broken),
            ot = record(s, &other);
    assert_true(t > 0 && st > t && br > st && ot > br);
    assert_int_equal(record(s, &typo), t); /* same identity, same finding */

    /* Review, then a re-run with new evidence keeps the decision. */
    assert_true(store_finding_review(s, t, "confirmed", "张三", "确为错别字",
                                     "2020-08-11T09:00:00+08:00", &e));
    typo.evidence = (char *)"{\"context\":\"请按装新软件\"}";
    typo.summary = (char *)"错别字“按装”（新）";
    assert_int_equal(record(s, &typo), t);
    finding_rec f = fetch_finding(s, rid, t);
    assert_string_equal(f.status, "confirmed");
    assert_string_equal(f.reviewed_by, "张三");
    assert_string_equal(f.review_note, "确为错别字");
    assert_string_equal(f.reviewed_at, "2020-08-11T09:00:00+08:00");
    assert_string_equal(f.evidence, "{\"context\":\"请按装新软件\"}");
    assert_string_equal(f.summary, "错别字“按装”（新）");
    assert_string_equal(f.subject, "按装");
    assert_string_equal(f.target_kind, "site");
    assert_string_equal(f.source_url, "http://zjj.yl.gov.cn/");
    finding_rec_free(&f);
    f = fetch_finding(s, rid, st);
    assert_string_equal(f.evidence, "{}");
    assert_string_equal(f.reviewed_by, "");
    finding_rec_free(&f);

    /* An unreviewed finding follows a changed review default. */
    broken.status = (char *)"pending";
    record(s, &broken);
    f = fetch_finding(s, rid, br);
    assert_string_equal(f.status, "pending");
    finding_rec_free(&f);

    /* Re-run of the site's link checks: only link.* findings not seen go. */
    assert_true(store_findings_mark_gone(s, rid, "6108000039", "link.", NULL, 0, &e));
    finding_collect c = findings_of(s, rid, "6108000039");
    assert_int_equal(c.n, 3);
    assert_string_equal(c.status[0], "confirmed"); /* typo */
    assert_string_equal(c.status[1], "confirmed"); /* stale */
    assert_string_equal(c.status[2], "gone");      /* broken */

    /* Full re-run that saw only the stale column. */
    int64_t keep[] = {st};
    assert_true(store_findings_mark_gone(s, rid, "6108000039", NULL, keep, 1, &e));
    c = findings_of(s, rid, "6108000039");
    assert_string_equal(c.status[0], "gone");
    assert_string_equal(c.status[1], "confirmed");
    assert_string_equal(c.status[2], "gone");
    c = findings_of(s, rid, "6108000040");
    assert_int_equal(c.n, 1);
    assert_string_equal(c.status[0], "pending"); /* other target untouched */
    c = findings_of(s, rid, NULL);
    assert_int_equal(c.n, 4);

    /* Coming back: the reviewed one gets its decision back, the unreviewed
     * one the default it is recorded with. */
    typo.status = (char *)"pending";
    assert_int_equal(record(s, &typo), t);
    broken.status = (char *)"confirmed";
    assert_int_equal(record(s, &broken), br);
    c = findings_of(s, rid, "6108000039");
    assert_string_equal(c.status[0], "confirmed");
    assert_string_equal(c.status[2], "confirmed");
    f = fetch_finding(s, rid, t);
    assert_string_equal(f.reviewed_by, "张三");
    finding_rec_free(&f);

    /* A dismissed finding stays dismissed through gone and back. */
    assert_true(store_finding_review(s, ot, "dismissed", "李四", "误报", "2020-08-11", &e));
    assert_true(store_findings_mark_gone(s, rid, "6108000040", NULL, NULL, 0, &e));
    c = findings_of(s, rid, "6108000040");
    assert_string_equal(c.status[0], "gone");
    assert_int_equal(record(s, &other), ot);
    c = findings_of(s, rid, "6108000040");
    assert_string_equal(c.status[0], "dismissed");

    /* Reviewing a gone finding decides for when it comes back. */
    assert_true(store_findings_mark_gone(s, rid, "6108000040", NULL, NULL, 0, &e));
    assert_true(store_finding_review(s, ot, "confirmed", "王五", "", "2020-08-12", &e));
    c = findings_of(s, rid, "6108000040");
    assert_string_equal(c.status[0], "gone");
    record(s, &other);
    c = findings_of(s, rid, "6108000040");
    assert_string_equal(c.status[0], "confirmed");

    /* A finding a person records arrives reviewed. */
    finding_rec manual = {.round_id = rid, .target = (char *)"wx-0007",
                          .target_kind = (char *)"media", .kind = (char *)"manual",
                          .subject = (char *)"买粉", .indicator = (char *)"media.security",
                          .status = (char *)"confirmed", .reviewed_by = (char *)"张三",
                          .review_note = (char *)"购买粉丝", .reviewed_at = (char *)"2020-08-11"};
    int64_t mid = record(s, &manual);
    f = fetch_finding(s, rid, mid);
    assert_string_equal(f.reviewed_by, "张三");
    assert_string_equal(f.target_kind, "media");
    finding_rec_free(&f);

    /* Refusals. */
    assert_false(store_finding_review(s, 987654, "confirmed", "张三", "", "", &e));
    assert_int_equal(e.cls, ERR_USAGE);
    assert_non_null(strstr(e.msg, "987654"));
    assert_false(store_finding_review(s, t, "gone", "张三", "", "", &e));
    assert_int_equal(e.cls, ERR_USAGE);
    assert_false(store_finding_review(s, t, "confirmed", "", "", "", &e));
    assert_int_equal(e.cls, ERR_USAGE);
    finding_rec badjson = typo;
    badjson.subject = (char *)"另一个";
    badjson.evidence = (char *)"[1,2]";
    int64_t id;
    assert_false(store_finding_record(s, &badjson, &id, &e));
    assert_non_null(strstr(e.msg, "JSON"));
    badjson.evidence = (char *)"{oops";
    assert_false(store_finding_record(s, &badjson, &id, &e));
    badjson.evidence = NULL;
    badjson.status = (char *)"gone";
    assert_false(store_finding_record(s, &badjson, &id, &e));
    assert_int_equal(e.cls, ERR_USAGE);
    badjson.status = (char *)"pending";
    badjson.round_id = 4242;
    assert_false(store_finding_record(s, &badjson, &id, &e));
    assert_non_null(strstr(e.msg, "4242"));
    store_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_create),
        cmocka_unit_test(test_uri_refused),
        cmocka_unit_test(test_not_sqlite_refused),
        cmocka_unit_test(test_newer_version_refused),
        cmocka_unit_test(test_migration),
        cmocka_unit_test(test_site_media_roundtrip),
        cmocka_unit_test(test_upsert_results),
        cmocka_unit_test(test_reimport_keeps_order),
        cmocka_unit_test(test_org_prefix),
        cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_bulk_10000),
        cmocka_unit_test(test_each_callback_writes),
        cmocka_unit_test(test_two_handles),
        cmocka_unit_test(test_concurrent_process),
        cmocka_unit_test(test_probes),
        cmocka_unit_test(test_downtime),
        cmocka_unit_test(test_rounds),
        cmocka_unit_test(test_findings_cycle),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
