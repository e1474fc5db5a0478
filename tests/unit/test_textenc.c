/* Tests for core/textenc: BOMs, UTF-8 validation, GBK/GB18030 detection,
 * replacement of invalid bytes, the real GB2312 pages of the shared corpus. */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/lang.h"
#include "core/textenc.h"

/* "网站标识码" in GBK, and in UTF-8. */
static const char GBK_SITE_CODE[] = "\xCD\xF8\xD5\xBE\xB1\xEA\xCA\xB6\xC2\xEB";
static const char UTF8_SITE_CODE[] = "网站标识码";

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Converts a UTF-8 string with iconv, the independent reference; the
 * caller frees the result. */
static char *convert(const char *to, const char *utf8, size_t *outlen) {
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(utf8), cap = inleft * 4 + 16, outleft = cap;
    char *buf = malloc(cap);
    assert_non_null(buf);
    char *in = (char *)utf8, *out = buf;
    assert_true(iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1);
    iconv_close(cd);
    *outlen = cap - outleft;
    return buf;
}

static void decode_ok(const char *data, size_t len, const char *declared, const char *fallback,
                      textenc_result *r) {
    err e = {0};
    if (!textenc_decode(data, len, declared, fallback, r, &e))
        fail_msg("textenc_decode failed: %s", e.msg);
    assert_non_null(r->text);
    assert_int_equal(strlen(r->text) <= r->len, 1);
    assert_true(utf8_valid(r->text, r->len, NULL));
}

static void test_utf8_plain_and_ascii(void **state) {
    (void)state;
    textenc_result r;
    decode_ok(UTF8_SITE_CODE, strlen(UTF8_SITE_CODE), NULL, NULL, &r);
    assert_string_equal(r.text, UTF8_SITE_CODE);
    assert_string_equal(r.charset, "UTF-8");
    assert_string_equal(r.how, "utf8");
    assert_int_equal(r.replaced, 0);
    textenc_result_free(&r);

    decode_ok("site_code,name\n", 15, "gbk", NULL, &r);
    assert_string_equal(r.text, "site_code,name\n");
    assert_string_equal(r.charset, "UTF-8");
    assert_string_equal(r.how, "utf8");
    textenc_result_free(&r);

    decode_ok("", 0, NULL, NULL, &r);
    assert_string_equal(r.text, "");
    assert_int_equal(r.len, 0);
    assert_string_equal(r.how, "utf8");
    textenc_result_free(&r);
    textenc_result_free(&r); /* freeing twice is harmless */
}

static void test_utf8_bom(void **state) {
    (void)state;
    textenc_result r;
    const char data[] = "\xEF\xBB\xBF网站名称,url\n";
    decode_ok(data, sizeof data - 1, "gb2312", NULL, &r);
    assert_string_equal(r.text, "网站名称,url\n");
    assert_string_equal(r.charset, "UTF-8");
    assert_string_equal(r.how, "bom");
    assert_int_equal(r.replaced, 0);
    textenc_result_free(&r);

    /* A BOM and then bad bytes: still UTF-8, the bad bytes replaced. */
    const char bad[] = "\xEF\xBB\xBF" "a\xFF" "b\xE4\xB8";
    decode_ok(bad, sizeof bad - 1, NULL, NULL, &r);
    assert_string_equal(r.text, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    assert_int_equal(r.replaced, 2);
    assert_string_equal(r.how, "bom");
    textenc_result_free(&r);
}

static void test_utf16_bom(void **state) {
    (void)state;
    const char *text = "网站标识码,name\n𠀀 (outside the BMP)";
    const char *names[] = {"UTF-16LE", "UTF-16BE"};
    const char *boms[] = {"\xFF\xFE", "\xFE\xFF"};
    for (int i = 0; i < 2; i++) {
        size_t n;
        char *body = convert(names[i], text, &n);
        char *data = malloc(n + 2);
        assert_non_null(data);
        memcpy(data, boms[i], 2);
        memcpy(data + 2, body, n);
        textenc_result r;
        decode_ok(data, n + 2, NULL, NULL, &r);
        assert_string_equal(r.text, text);
        assert_string_equal(r.charset, names[i]);
        assert_string_equal(r.how, "bom");
        assert_int_equal(r.replaced, 0);
        textenc_result_free(&r);

        /* An odd trailing byte is one replacement, not a failure. */
        char *odd = malloc(n + 3);
        assert_non_null(odd);
        memcpy(odd, data, n + 2);
        odd[n + 2] = 'x';
        decode_ok(odd, n + 3, NULL, NULL, &r);
        assert_int_equal(r.replaced, 1);
        textenc_result_free(&r);
        free(odd);
        free(data);
        free(body);
    }

    /* A lone surrogate in UTF-16LE costs one unit, and alignment holds. */
    const char lone[] = "\xFF\xFE" "a\0" "\x00\xD8" "b\0";
    textenc_result r;
    decode_ok(lone, sizeof lone - 1, NULL, NULL, &r);
    assert_string_equal(r.text, "a\xEF\xBF\xBD" "b");
    assert_int_equal(r.replaced, 1);
    textenc_result_free(&r);
}

static void test_gbk_known_string(void **state) {
    (void)state;
    textenc_result r;
    /* Hard-coded bytes and iconv's own GBK agree. */
    size_t n;
    char *ref = convert("GBK", UTF8_SITE_CODE, &n);
    assert_int_equal(n, sizeof GBK_SITE_CODE - 1);
    assert_memory_equal(ref, GBK_SITE_CODE, n);
    free(ref);

    decode_ok(GBK_SITE_CODE, sizeof GBK_SITE_CODE - 1, NULL, NULL, &r);
    assert_string_equal(r.text, UTF8_SITE_CODE);
    assert_string_equal(r.charset, "GB18030");
    assert_int_equal(r.replaced, 0);
    textenc_result_free(&r);

    const char *labels[] = {"GB2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "GB18030"};
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++) {
        decode_ok(GBK_SITE_CODE, sizeof GBK_SITE_CODE - 1, labels[i], NULL, &r);
        assert_string_equal(r.text, UTF8_SITE_CODE);
        assert_string_equal(r.charset, "GB18030");
        assert_string_equal(r.how, "declared");
        textenc_result_free(&r);
    }
}

static void test_gbk_registry_csv(void **state) {
    (void)state;
    /* As Excel on Chinese Windows saves it: GBK, CRLF, no label. */
    const char *text = "网站标识码,网站名称,首页网址,主办单位\r\n"
                       "6108000001,榆林市人民政府,http://www.yl.gov.cn/,榆林市人民政府办公室\r\n"
                       "6108230001,横山区人民政府,http://www.hszf.gov.cn/,横山区人民政府办公室\r\n";
    size_t n;
    char *gbk = convert("GBK", text, &n);
    textenc_result r;
    decode_ok(gbk, n, NULL, NULL, &r);
    assert_string_equal(r.text, text);
    assert_string_equal(r.charset, "GB18030");
    assert_int_equal(r.replaced, 0);
    textenc_result_free(&r);
    free(gbk);

    /* Short snippets fool detectors into single-byte guesses; GB18030 wins
     * when the bytes are clean GB18030. */
    const char *shorts[] = {"名称", "网站标识码\n", "主办单位", "组织单位,横山区"};
    for (size_t i = 0; i < sizeof shorts / sizeof *shorts; i++) {
        gbk = convert("GBK", shorts[i], &n);
        decode_ok(gbk, n, NULL, NULL, &r);
        assert_string_equal(r.text, shorts[i]);
        assert_string_equal(r.charset, "GB18030");
        textenc_result_free(&r);
        free(gbk);
    }
}

static void test_declared_gb2312_actually_utf8(void **state) {
    (void)state;
    const char *page = "<meta charset=\"gb2312\"><title>榆林市人民政府</title>";
    textenc_result r;
    decode_ok(page, strlen(page), "gb2312", NULL, &r);
    assert_string_equal(r.text, page);
    assert_string_equal(r.charset, "UTF-8");
    assert_string_equal(r.how, "utf8");
    textenc_result_free(&r);
}

static void test_declared_western_on_gbk(void **state) {
    (void)state;
    /* A server's default ISO-8859-1 on a GBK page. */
    size_t n;
    char *gbk = convert("GBK", "<title>榆林市人民政府网站</title>", &n);
    textenc_result r;
    decode_ok(gbk, n, "ISO-8859-1", NULL, &r);
    assert_string_equal(r.text, "<title>榆林市人民政府网站</title>");
    assert_string_equal(r.charset, "GB18030");
    assert_string_equal(r.how, "fallback");
    textenc_result_free(&r);

    /* Real Latin-1 text is not clean GB18030 and keeps its label. */
    const char latin1[] = "caf\xE9 au lait, cr\xE8me br\xFBl\xE9" "e";
    decode_ok(latin1, sizeof latin1 - 1, "iso-8859-1", NULL, &r);
    assert_string_equal(r.text, "café au lait, crème brûlée");
    assert_string_equal(r.charset, "ISO-8859-1");
    assert_string_equal(r.how, "declared");
    textenc_result_free(&r);

    /* With another fallback the caller's label stands. */
    decode_ok(gbk, n, "ISO-8859-1", "WINDOWS-1252", &r);
    assert_string_equal(r.charset, "ISO-8859-1");
    textenc_result_free(&r);
    free(gbk);
}

static void test_declared_utf8_on_gbk(void **state) {
    (void)state;
    const char *text = "网站标识码,网站名称,首页网址,主办单位\n"
                       "6108000001,榆林市人民政府,http://www.yl.gov.cn/,榆林市人民政府办公室\n";
    size_t n;
    char *gbk = convert("GBK", text, &n);
    textenc_result r;
    decode_ok(gbk, n, "utf-8", NULL, &r);
    assert_string_equal(r.text, text);
    assert_string_equal(r.charset, "GB18030");
    assert_int_equal(r.replaced, 0);
    textenc_result_free(&r);
    free(gbk);

    /* Mostly UTF-8 with one bad byte: the UTF-8 label holds. */
    const char almost[] = "榆林市人民政府\xFF网站";
    decode_ok(almost, sizeof almost - 1, "UTF-8", NULL, &r);
    assert_string_equal(r.text, "榆林市人民政府\xEF\xBF\xBD网站");
    assert_string_equal(r.charset, "UTF-8");
    assert_int_equal(r.replaced, 1);
    textenc_result_free(&r);
}

static void test_invalid_bytes_replaced(void **state) {
    (void)state;
    textenc_result r;
    /* GBK with a lead byte before a space (invalid) and a lead byte at the
     * very end (incomplete): two replacements, the rest intact. */
    char data[64];
    size_t n = 0;
    memcpy(data + n, GBK_SITE_CODE, 4);
    n += 4;
    data[n++] = (char)0x81;
    data[n++] = ' ';
    memcpy(data + n, GBK_SITE_CODE + 4, 6);
    n += 6;
    data[n++] = (char)0xCD;
    decode_ok(data, n, "gbk", NULL, &r);
    assert_string_equal(r.text, "网站\xEF\xBF\xBD 标识码\xEF\xBF\xBD");
    assert_int_equal(r.replaced, 2);
    assert_string_equal(r.charset, "GB18030");
    textenc_result_free(&r);

    /* Every bad byte counts, none is fatal. */
    const char ff[] = "\xFF\xFF\xFF" "abc";
    decode_ok(ff, sizeof ff - 1, "gbk", NULL, &r);
    assert_string_equal(r.text, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "abc");
    assert_int_equal(r.replaced, 3);
    textenc_result_free(&r);
}

static void test_nul_bytes_kept(void **state) {
    (void)state;
    textenc_result r;
    const char data[] = "a\0b";
    decode_ok(data, 3, NULL, NULL, &r);
    assert_int_equal(r.len, 3);
    assert_memory_equal(r.text, "a\0b", 4);
    textenc_result_free(&r);

    char gbk[16];
    memcpy(gbk, GBK_SITE_CODE, 4);
    gbk[4] = '\0';
    memcpy(gbk + 5, GBK_SITE_CODE + 4, 6);
    decode_ok(gbk, 11, "gbk", NULL, &r);
    assert_int_equal(r.len, 6 + 1 + 9);
    assert_memory_equal(r.text, "网站\0标识码", 17);
    textenc_result_free(&r);
}

static void test_unknown_fallback(void **state) {
    (void)state;
    textenc_result r;
    err e = {0};
    assert_false(textenc_decode("abc", 3, NULL, "no-such-charset", &r, &e));
    assert_int_equal(e.cls, ERR_USAGE);
    assert_non_null(strstr(e.msg, "no-such-charset"));
    assert_null(r.text);
    /* An unknown declared charset is just skipped. */
    decode_ok(GBK_SITE_CODE, sizeof GBK_SITE_CODE - 1, "x-no-such", NULL, &r);
    assert_string_equal(r.text, UTF8_SITE_CODE);
    textenc_result_free(&r);
}

static void test_utf8_valid(void **state) {
    (void)state;
    static const struct {
        const char *s;
        size_t len;
        bool ok;
        size_t bad;
    } cases[] = {
        {"", 0, true, 0},
        {"plain ascii", 11, true, 0},
        {"\xC2\x80", 2, true, 0},
        {"\xDF\xBF", 2, true, 0},
        {"\xE0\xA0\x80", 3, true, 0},
        {"\xED\x9F\xBF", 3, true, 0},         /* U+D7FF */
        {"\xEE\x80\x80", 3, true, 0},         /* U+E000 */
        {"\xF0\x9F\x98\x80", 4, true, 0},     /* U+1F600 */
        {"\xF4\x8F\xBF\xBF", 4, true, 0},     /* U+10FFFF */
        {"\xC0\x80", 2, false, 0},            /* overlong NUL */
        {"\xC1\xBF", 2, false, 0},            /* overlong */
        {"a\xE0\x80\x80", 4, false, 1},       /* overlong 3-byte */
        {"ab\xF0\x80\x80\x80", 6, false, 2},  /* overlong 4-byte */
        {"\xED\xA0\x80", 3, false, 0},        /* surrogate U+D800 */
        {"\xED\xBF\xBF", 3, false, 0},        /* surrogate U+DFFF */
        {"\xF4\x90\x80\x80", 4, false, 0},    /* U+110000 */
        {"\xF5\x80\x80\x80", 4, false, 0},
        {"\xFF", 1, false, 0},
        {"x\x80", 2, false, 1},               /* stray continuation */
        {"xy\xE4\xB8", 4, false, 2},          /* truncated */
        {"\xF0\x9F\x98", 3, false, 0},        /* truncated 4-byte */
        {"\xE4\xB8\x41", 3, false, 0},        /* bad continuation */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t bad = 999;
        bool ok = utf8_valid(cases[i].s, cases[i].len, &bad);
        if (ok != cases[i].ok) fail_msg("case %zu: expected %d", i, cases[i].ok);
        if (!ok) assert_int_equal(bad, cases[i].bad);
    }
    assert_false(utf8_valid("\xFF", 1, NULL));

    /* The ASCII fast path must still find a bad byte deep in a block. */
    char buf[1000];
    memset(buf, 'a', sizeof buf);
    assert_true(utf8_valid(buf, sizeof buf, NULL));
    for (size_t at = 0; at < 200; at++) {
        memset(buf, 'a', sizeof buf);
        buf[at] = (char)0x80;
        size_t bad = 0;
        assert_false(utf8_valid(buf, sizeof buf, &bad));
        assert_int_equal(bad, at);
    }
}

static void test_canonical(void **state) {
    (void)state;
    static const char *const pairs[][2] = {
        {"gb2312", "GB18030"},    {"GBK", "GB18030"},      {"x-gbk", "GB18030"},
        {"cp936", "GB18030"},     {"gb18030", "GB18030"},  {"GB_2312-80", "GB18030"},
        {" \"gb2312\" ", "GB18030"}, {"utf8", "UTF-8"},    {"UTF-8", "UTF-8"},
        {"windows-1252", "WINDOWS-1252"}, {"big5", "BIG5"}, {"", ""},
    };
    char out[32];
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        textenc_canonical(pairs[i][0], out, sizeof out);
        assert_string_equal(out, pairs[i][1]);
    }
    textenc_canonical(NULL, out, sizeof out);
    assert_string_equal(out, "");
    char tiny[4];
    textenc_canonical("iso-8859-1", tiny, sizeof tiny);
    assert_string_equal(tiny, "ISO");
}

static void test_large_input_linear(void **state) {
    (void)state;
    /* 32 MB of GBK and 32 MB of UTF-8: each must convert in one linear pass. */
    size_t unit_len;
    char *unit = convert("GBK", "6108000001,榆林市人民政府,http://www.yl.gov.cn/,榆林市人民政府办公室\r\n",
                         &unit_len);
    size_t reps = ((size_t)32 << 20) / unit_len;
    size_t n = reps * unit_len;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < reps; i++) memcpy(big + i * unit_len, unit, unit_len);
    free(unit);

    textenc_result r;
    double t0 = now_ms();
    decode_ok(big, n, NULL, NULL, &r);
    double ms = now_ms() - t0;
    assert_string_equal(r.charset, "GB18030");
    assert_int_equal(r.replaced, 0);
    assert_true(r.len > n);
    print_message("32 MB GBK decoded in %.0f ms\n", ms);
    assert_true(ms < 20000);
    textenc_result_free(&r);
    free(big);

    const char *line = "6108000001,榆林市人民政府,http://www.yl.gov.cn/\n";
    size_t ll = strlen(line);
    reps = ((size_t)32 << 20) / ll;
    n = reps * ll;
    big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < reps; i++) memcpy(big + i * ll, line, ll);
    t0 = now_ms();
    decode_ok(big, n, NULL, NULL, &r);
    ms = now_ms() - t0;
    assert_string_equal(r.how, "utf8");
    assert_int_equal(r.len, n);
    print_message("32 MB UTF-8 decoded in %.0f ms\n", ms);
    assert_true(ms < 20000);
    textenc_result_free(&r);
    free(big);
}

/* The real GB2312 pages of the shared corpus. */
static char *read_corpus(const char *name, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/corpus/encoding/%s", GI_SHARED_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            char *p = realloc(buf, cap);
            assert_non_null(p);
            buf = p;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    fclose(f);
    *len = n;
    return buf;
}

static void check_corpus(const char *name, const char *declared, const char *expect) {
    size_t len;
    char *data = read_corpus(name, &len);
    if (!data) {
        print_message("skipped: %s/corpus/encoding/%s not found\n", GI_SHARED_DIR, name);
        skip();
    }
    textenc_result r;
    decode_ok(data, len, declared, NULL, &r);
    assert_string_equal(r.charset, "GB18030");
    assert_int_equal(r.replaced, 0);
    if (!strstr(r.text, expect)) fail_msg("%s: \"%s\" not found in the decoded text", name, expect);
    textenc_result_free(&r);
    free(data);
}

static void test_corpus_chromium(void **state) {
    (void)state;
    check_corpus("chardet_GB2312__chromium_gb18030_with_no_encoding_specified.html.xml", NULL,
                 "中国制造的领军者3名");
}

static void test_corpus_mozilla(void **state) {
    (void)state;
    check_corpus("chardet_GB2312__mozilla_bug171813_text.html", NULL, "搜狐在线国庆免费大酬宾");
}

static void test_corpus_cnblog(void **state) {
    (void)state;
    check_corpus("chardet_GB2312_cnblog.org.xml", NULL, "推出了开放图书项目");
    /* The page declares gb2312 itself; as a declared label it decodes the same. */
    check_corpus("chardet_GB2312_cnblog.org.xml", "gb2312", "推出了开放图书项目");
}

static int force_english(void **state) {
    (void)state;
    lang_force("en");
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_plain_and_ascii),
        cmocka_unit_test(test_utf8_bom),
        cmocka_unit_test(test_utf16_bom),
        cmocka_unit_test(test_gbk_known_string),
        cmocka_unit_test(test_gbk_registry_csv),
        cmocka_unit_test(test_declared_gb2312_actually_utf8),
        cmocka_unit_test(test_declared_western_on_gbk),
        cmocka_unit_test(test_declared_utf8_on_gbk),
        cmocka_unit_test(test_invalid_bytes_replaced),
        cmocka_unit_test(test_nul_bytes_kept),
        cmocka_unit_test(test_unknown_fallback),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_large_input_linear),
        cmocka_unit_test(test_corpus_chromium),
        cmocka_unit_test(test_corpus_mozilla),
        cmocka_unit_test(test_corpus_cnblog),
    };
    return cmocka_run_group_tests(tests, force_english, NULL);
}
