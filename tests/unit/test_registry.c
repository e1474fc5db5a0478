/* Registry validators and imports into a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/lang.h"
#include "registry/registry.h"

static void test_site_codes(void **state) {
    (void)state;
    assert_true(reg_site_code_valid("6108000039"));
    assert_true(reg_site_code_valid("bm01000001"));
    assert_true(reg_site_code_valid("BM01000001"));
    assert_false(reg_site_code_valid("610800003"));
    assert_false(reg_site_code_valid("61080000390"));
    assert_false(reg_site_code_valid("bm0100000"));
    assert_false(reg_site_code_valid("bm010000011"));
    assert_false(reg_site_code_valid("6.108E+09"));
    assert_false(reg_site_code_valid("61080000a9"));
    assert_false(reg_site_code_valid(""));
    assert_false(reg_site_code_valid("xm01000001"));
}

static void url_ok(const char *in, const char *want, bool want_guessed) {
    sbuf out = SBUF_INIT;
    bool guessed = !want_guessed;
    err e = {0};
    assert_true(reg_url_normalize(in, &out, &guessed, &e));
    assert_string_equal(sbuf_str(&out), want);
    assert_int_equal(guessed, want_guessed);
    sbuf_free(&out);
}

static void url_bad(const char *in) {
    sbuf out = SBUF_INIT;
    bool guessed;
    err e = {0};
    assert_false(reg_url_normalize(in, &out, &guessed, &e));
    assert_true(strlen(e.msg) > 0);
    sbuf_free(&out);
}

static void test_urls(void **state) {
    (void)state;
    url_ok("http://www.yl.gov.cn", "http://www.yl.gov.cn/", false);
    url_ok("https://www.gov.cn/zhengce/", "https://www.gov.cn/zhengce/", false);
    url_ok("HTTP://www.gov.cn/", "http://www.gov.cn/", false);
    url_ok("www.yl.gov.cn/index.html", "http://www.yl.gov.cn/index.html", true);
    url_ok("http://127.0.0.1:8080/a?b=c", "http://127.0.0.1:8080/a?b=c", false);
    url_bad("ftp://www.gov.cn/");
    url_bad("javascript:alert(1)");
    url_bad("http://");
    url_bad("http://a b.gov.cn/");
    url_bad("http://localhost/");
    url_bad("");
    url_bad("http://www.gov.cn/\x01");
}

static void test_platforms(void **state) {
    (void)state;
    assert_string_equal(reg_platform_code("微信"), "wechat");
    assert_string_equal(reg_platform_code("WeChat"), "wechat");
    assert_string_equal(reg_platform_code("微博"), "weibo");
    assert_string_equal(reg_platform_code("今日头条"), "toutiao");
    assert_string_equal(reg_platform_code("头条号"), "toutiao");
    assert_string_equal(reg_platform_code("快手"), "kuaishou");
    assert_string_equal(reg_platform_code("百度"), "baidu");
    assert_string_equal(reg_platform_code("客户端"), "app");
    assert_string_equal(reg_platform_code("其他"), "other");
    assert_string_equal(reg_platform_code("douyin"), "douyin");
    assert_null(reg_platform_code("脸书"));
    assert_string_equal(reg_platform_label("wechat"), "微信");
    assert_string_equal(reg_platform_label("douyin"), "抖音");
}

/* ---- imports into a real database ---- */

typedef struct problems {
    int errors, warnings;
    char last[1400];
} problems;

static void collect(void *ud, bool is_error, const char *message) {
    problems *p = ud;
    if (is_error) p->errors++;
    else p->warnings++;
    snprintf(p->last, sizeof p->last, "%s", message);
}

typedef struct fixture {
    char dir[64];
    char db[128];
    store *s;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/gi-test-registry-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
    err e = {0};
    f->s = store_open(f->db, &e);
    if (!f->s) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    store_close(f->s);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0) return -1;
    free(f);
    return 0;
}

static const char *write_file(fixture *f, const char *name, const char *data, size_t len) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    fclose(fp);
    return path;
}

static bool count_site(const site_rec *r, void *ud) {
    (void)r;
    (*(int *)ud)++;
    return true;
}

static void test_import_duplicates_and_update(void **state) {
    fixture *f = *state;
    const char *csv = "site_code,name,url\n"
                      "6108000001,甲,http://a.gov.cn/\n"
                      "6108000002,乙,http://b.gov.cn/\n"
                      "6108000001,甲二,http://c.gov.cn/\n"
                      "6108000003,丙,http://d.gov.cn/\n";
    const char *path = write_file(f, "dup.csv", csv, strlen(csv));
    problems p = {0};
    reg_stats st;
    err e = {0};
    assert_true(reg_import(f->s, REG_SITES, path, collect, &p, &st, &e));
    assert_int_equal(st.rows, 4);
    assert_int_equal(st.rejected, 2);
    assert_int_equal(st.inserted, 2);
    assert_int_equal(p.errors, 2);
    int n = 0;
    assert_true(store_sites_each(f->s, NULL, count_site, &n, &e));
    assert_int_equal(n, 2);

    const char *csv2 = "site_code,name,url\n6108000003,丙改,http://d.gov.cn/\n6108000002,乙,http://b.gov.cn/\n";
    path = write_file(f, "upd.csv", csv2, strlen(csv2));
    assert_true(reg_import(f->s, REG_SITES, path, collect, &p, &st, &e));
    assert_int_equal(st.updated, 1);
    assert_int_equal(st.unchanged, 1);
    assert_int_equal(st.inserted, 0);
    site_rec r = {0};
    assert_true(store_site_get(f->s, "6108000003", &r, &e));
    assert_string_equal(r.name, "丙改");
    site_rec_free(&r);
}

static void test_import_not_a_registry(void **state) {
    fixture *f = *state;
    const char junk[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    const char *path = write_file(f, "junk.csv", junk, sizeof junk - 1);
    problems p = {0};
    reg_stats st;
    err e = {0};
    assert_false(reg_import(f->s, REG_SITES, path, collect, &p, &st, &e));
    assert_non_null(strstr(e.msg, "junk.csv"));
    const char *media_as_sites = "media_id,platform,name,source\nwx,微信,甲,feed.json\n";
    path = write_file(f, "media.csv", media_as_sites, strlen(media_as_sites));
    assert_false(reg_import(f->s, REG_SITES, path, collect, &p, &st, &e));
    assert_non_null(strstr(e.msg, "site_code"));
}

static void test_import_gbk_chinese_headers(void **state) {
    fixture *f = *state;
    /* "网站标识码,网站名称,首页网址\r\n6108000039,榆林市住建局,http://zjj.yl.gov.cn/\r\n" in GBK */
    static const unsigned char gbk[] = {
        0xcd, 0xf8, 0xd5, 0xbe, 0xb1, 0xea, 0xca, 0xb6, 0xc2, 0xeb, ',', 0xcd, 0xf8, 0xd5, 0xbe,
        0xc3, 0xfb, 0xb3, 0xc6, ',', 0xca, 0xd7, 0xd2, 0xb3, 0xcd, 0xf8, 0xd6, 0xb7, '\r', '\n',
        '6', '1', '0', '8', '0', '0', '0', '0', '3', '9', ',', 0xd3, 0xdc, 0xc1, 0xd6, 0xca, 0xd0,
        0xd7, 0xa1, 0xbd, 0xa8, 0xbe, 0xd6, ',', 'h', 't', 't', 'p', ':', '/', '/', 'z', 'j', 'j',
        '.', 'y', 'l', '.', 'g', 'o', 'v', '.', 'c', 'n', '/', '\r', '\n'};
    const char *path = write_file(f, "gbk.csv", (const char *)gbk, sizeof gbk);
    problems p = {0};
    reg_stats st;
    err e = {0};
    assert_true(reg_import(f->s, REG_SITES, path, collect, &p, &st, &e));
    assert_int_equal(st.inserted, 1);
    assert_string_equal(st.charset, "GB18030");
    site_rec r = {0};
    assert_true(store_site_get(f->s, "6108000039", &r, &e));
    assert_string_equal(r.name, "榆林市住建局");
    site_rec_free(&r);
}

int main(void) {
    lang_force("C");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_site_codes),
        cmocka_unit_test(test_urls),
        cmocka_unit_test(test_platforms),
        cmocka_unit_test_setup_teardown(test_import_duplicates_and_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_not_a_registry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_gbk_chinese_headers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
