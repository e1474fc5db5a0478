/* Tests for core/csv: RFC 4180 parsing, graded failure on hostile input,
 * line numbers, delimiter guessing, writing, speed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/csv.h"
#include "core/lang.h"
#include "core/sbuf.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static csv_reader *open_str(const char *s, const csv_options *opt) {
    csv_reader *r = csv_open(s, strlen(s), opt);
    assert_non_null(r);
    return r;
}

/* Expects the next record to be a row of exactly `n` fields equal to the
 * given strings, starting on `line`. */
static void expect_row(csv_reader *r, long line, size_t n, ...) {
    csv_row row;
    err e = {0};
    csv_status st = csv_next(r, &row, &e);
    if (st != CSV_ROW) fail_msg("expected a row at line %ld, got status %d: %s", line, st, e.msg);
    assert_int_equal(row.line, line);
    assert_int_equal(row.nfields, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        assert_string_equal(row.fields[i], want);
        assert_int_equal(row.lens[i], strlen(want));
    }
    va_end(ap);
}

static void expect_status(csv_reader *r, csv_status want, const char *msg_part) {
    csv_row row;
    err e = {0};
    csv_status st = csv_next(r, &row, &e);
    if (st != want) fail_msg("expected status %d, got %d (%s)", want, st, e.msg);
    if (msg_part && !strstr(e.msg, msg_part))
        fail_msg("message \"%s\" lacks \"%s\"", e.msg, msg_part);
}

static int force_english(void **state) {
    (void)state;
    lang_force("en");
    return 0;
}

static void test_simple(void **state) {
    (void)state;
    csv_reader *r = open_str("a,b,c\n1,2,3\n", NULL);
    assert_int_equal(csv_delimiter(r), ',');
    expect_row(r, 1, 3, "a", "b", "c");
    expect_row(r, 2, 3, "1", "2", "3");
    expect_status(r, CSV_EOF, NULL);
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
}

static void test_empty_input(void **state) {
    (void)state;
    csv_reader *r = csv_open("", 0, NULL);
    assert_non_null(r);
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
    r = open_str("\n\r\n\r", NULL);
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
    csv_close(NULL);
}

static void test_empty_fields_and_no_final_newline(void **state) {
    (void)state;
    csv_reader *r = open_str(",a,,\n\"\",x\nlast,row", NULL);
    expect_row(r, 1, 4, "", "a", "", "");
    expect_row(r, 2, 2, "", "x");
    expect_row(r, 3, 2, "last", "row");
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
    r = open_str("a,", NULL);
    expect_row(r, 1, 2, "a", "");
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
}

static void test_quoted_fields(void **state) {
    (void)state;
    csv_reader *r = open_str("\"a,b\",\"say \"\"hi\"\"\",\"\"\"\"\n"
                             "\"line1\nline2\",\"cr\rin\",\"crlf\r\nin\"\n"
                             "\"榆林市,横山区\",普通\n",
                             NULL);
    expect_row(r, 1, 3, "a,b", "say \"hi\"", "\"");
    expect_row(r, 2, 3, "line1\nline2", "cr\rin", "crlf\r\nin");
    expect_row(r, 6, 2, "榆林市,横山区", "普通"); /* record 2 spans lines 2-5 */
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
}

static void test_line_endings(void **state) {
    (void)state;
    csv_reader *r = open_str("a,b\r\nc,d\re,f\ng,h\r\n", NULL);
    expect_row(r, 1, 2, "a", "b");
    expect_row(r, 2, 2, "c", "d");
    expect_row(r, 3, 2, "e", "f");
    expect_row(r, 4, 2, "g", "h");
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
}

static void test_bom_tolerated(void **state) {
    (void)state;
    csv_reader *r = open_str("\xEF\xBB\xBFsite_code,name\n1,x\n", NULL);
    expect_row(r, 1, 2, "site_code", "name");
    expect_row(r, 2, 2, "1", "x");
    csv_close(r);
}

static void test_line_numbers_multiline(void **state) {
    (void)state;
    const char *s = "h1,h2\n"               /* 1 */
                    "\"a\nb\r\nc\rd\",x\n"  /* 2-5 */
                    "next,row\n"            /* 6 */
                    "\n\n"                  /* 7, 8 blank */
                    "\"e\n\nf\",y\r\n"      /* 9-11 */
                    "\r\n"                  /* 12 blank */
                    "z,w";                  /* 13 */
    csv_reader *r = open_str(s, NULL);
    csv_row row;
    err e = {0};
    expect_row(r, 1, 2, "h1", "h2");
    assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
    assert_int_equal(row.line, 2);
    assert_int_equal(row.end_line, 5);
    assert_string_equal(row.fields[0], "a\nb\r\nc\rd");
    expect_row(r, 6, 2, "next", "row");
    assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
    assert_int_equal(row.line, 9);
    assert_int_equal(row.end_line, 11);
    expect_row(r, 13, 2, "z", "w");
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
}

static void test_blank_lines_skipped(void **state) {
    (void)state;
    csv_reader *r = open_str("\n\na\n\r\n\r\rb\n\n", NULL);
    expect_row(r, 3, 1, "a");
    expect_row(r, 7, 1, "b");
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
}

static void test_stray_quote_kept(void **state) {
    (void)state;
    csv_reader *r = open_str("ab\"c,5\" screen,x\"\n", NULL);
    expect_row(r, 1, 3, "ab\"c", "5\" screen", "x\"");
    csv_close(r);
}

static void test_text_after_closing_quote(void **state) {
    (void)state;
    /* The rejected record also has a quoted field spanning lines after the
     * bad one: the reader must follow it to find the next record. */
    csv_reader *r = open_str("ok,1\n\"ab\"c,\"x\ny\",z\nnext,2\n", NULL);
    expect_row(r, 1, 2, "ok", "1");
    expect_status(r, CSV_BAD_ROW, "line 2: field 1 has text after its closing quote");
    expect_row(r, 4, 2, "next", "2");
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
}

static void test_unbalanced_quote(void **state) {
    (void)state;
    csv_reader *r = open_str("a,b\nc,d\ne,\"never\ncloses\nat all\n", NULL);
    expect_row(r, 1, 2, "a", "b");
    expect_row(r, 2, 2, "c", "d");
    expect_status(r, CSV_FATAL,
                  "line 3: unbalanced quote: the quoted field opened here never closes");
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);

    /* Opened on a later physical line of a multi-line record. */
    r = open_str("\"x\ny\",\"\n\n", NULL);
    expect_status(r, CSV_FATAL, "line 2:");
    csv_close(r);
}

static void test_nul_byte(void **state) {
    (void)state;
    static const char data[] = "a,b\nc\0d,e\n\"q\nx\0y\",z\nf,g\n";
    csv_reader *r = csv_open(data, sizeof data - 1, NULL);
    assert_non_null(r);
    expect_row(r, 1, 2, "a", "b");
    expect_status(r, CSV_BAD_ROW, "line 2: NUL byte");
    expect_status(r, CSV_BAD_ROW, "line 3: NUL byte");
    expect_row(r, 5, 2, "f", "g");
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
}

static void test_overlong_then_good(void **state) {
    (void)state;
    csv_options opt = {',', 16, 0};
    /* Exactly 16 bytes passes, 17 does not; a long quoted record with line
     * breaks inside is skipped whole and the line count stays right. */
    csv_reader *r = open_str("0123456789abcdef\n"
                             "0123456789abcdefg\n"
                             "ok,1\n"
                             "\"long\nquoted,field\n\"\"with\"\" lines\",tail\n"
                             "ok,2\n"
                             "0123456789abcde,\n"
                             "ok,3\n",
                             &opt);
    expect_row(r, 1, 1, "0123456789abcdef");
    expect_status(r, CSV_BAD_ROW, "line 2: record longer than 16 bytes");
    expect_row(r, 3, 2, "ok", "1");
    expect_status(r, CSV_BAD_ROW, "line 4: record longer than");
    expect_row(r, 7, 2, "ok", "2");
    expect_row(r, 8, 2, "0123456789abcde", "");
    expect_row(r, 9, 2, "ok", "3");
    csv_close(r);
}

static void test_overlong_default_message(void **state) {
    (void)state;
    size_t n = ((size_t)1 << 20) + 1;
    char *big = malloc(n + 16);
    assert_non_null(big);
    memset(big, 'x', n);
    memcpy(big + n, "\nok\n", 5);
    csv_reader *r = csv_open(big, n + 4, NULL);
    expect_status(r, CSV_BAD_ROW, "line 1: record longer than 1 MiB");
    expect_row(r, 2, 1, "ok");
    csv_close(r);
    free(big);
}

static void test_huge_single_line_record(void **state) {
    (void)state;
    /* 100 MB on one line, with delimiters and quoted fields in it, between
     * two good records. */
    const size_t huge = (size_t)100 << 20;
    const char *head = "first,row\n";
    const char *tail = "\nlast,row\n";
    size_t hl = strlen(head), tl = strlen(tail);
    char *buf = malloc(hl + huge + tl);
    assert_non_null(buf);
    memcpy(buf, head, hl);
    char *p = buf + hl;
    memset(p, 'a', huge);
    for (size_t i = 0; i + 64 <= huge; i += 4096) {
        memcpy(p + i, ",\"q,\"\"x\"\"\",", 11); /* ,"q,""x""", */
    }
    memcpy(p + huge - 4, "zzzz", 4);
    memcpy(p + huge, tail, tl);

    double t0 = now_ms();
    csv_reader *r = csv_open(buf, hl + huge + tl, NULL);
    expect_row(r, 1, 2, "first", "row");
    expect_status(r, CSV_BAD_ROW, "line 2: record longer than 1 MiB");
    expect_row(r, 3, 2, "last", "row");
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
    double ms = now_ms() - t0;
    print_message("100 MB record rejected in %.1f ms\n", ms);
    assert_true(ms < 5000); /* generous: sanitizer builds are slow */

    /* The same huge record as one unquoted run without any delimiter. */
    memset(p, 'b', huge);
    t0 = now_ms();
    r = csv_open(buf, hl + huge + tl, NULL);
    expect_row(r, 1, 2, "first", "row");
    expect_status(r, CSV_BAD_ROW, "line 2:");
    expect_row(r, 3, 2, "last", "row");
    csv_close(r);
    print_message("100 MB plain run rejected in %.1f ms\n", now_ms() - t0);
    free(buf);
}

static void test_overlong_with_unclosed_quote_is_fatal(void **state) {
    (void)state;
    csv_options opt = {',', 8, 0};
    csv_reader *r = open_str("a\n\"0123456789\n,,\nmore", &opt);
    expect_row(r, 1, 1, "a");
    expect_status(r, CSV_FATAL, "line 2: unbalanced quote");
    expect_status(r, CSV_EOF, NULL);
    csv_close(r);
}

static void test_too_many_fields(void **state) {
    (void)state;
    csv_options opt = {',', 0, 3};
    csv_reader *r = open_str("a,b,c\na,b,c,d\n\"x,\",\"y\nz\",w,\"v\nu\"\nok\n", &opt);
    expect_row(r, 1, 3, "a", "b", "c");
    expect_status(r, CSV_BAD_ROW, "line 2: more than 3 fields");
    expect_status(r, CSV_BAD_ROW, "line 3: more than 3 fields");
    expect_row(r, 6, 1, "ok");
    csv_close(r);

    /* The default cap is 1024. */
    sbuf b = SBUF_INIT;
    for (int i = 0; i < 1024; i++) sbuf_puts(&b, i ? ",f" : "f");
    sbuf_puts(&b, "\n");
    for (int i = 0; i < 1025; i++) sbuf_puts(&b, i ? ",f" : "f");
    sbuf_puts(&b, "\nend\n");
    r = csv_open(b.data, b.len, NULL);
    csv_row row;
    err e = {0};
    assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
    assert_int_equal(row.nfields, 1024);
    expect_status(r, CSV_BAD_ROW, "line 2: more than 1024 fields");
    expect_row(r, 3, 1, "end");
    csv_close(r);
    sbuf_free(&b);
}

static void test_binary_junk(void **state) {
    (void)state;
    /* Random bytes, with the special bytes made common: every call must
     * consume input, so the loop ends, and nothing may crash. */
    static const char specials[] = {',', '"', '\n', '\r', '\0', ';', '\t', '"'};
    uint32_t seed = 12345;
    for (int round = 0; round < 300; round++) {
        size_t n = 1 + (size_t)(round * 37 % 5000);
        char *buf = malloc(n);
        assert_non_null(buf);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned v = seed >> 16;
            buf[i] = (v & 3) == 0 ? specials[(v >> 2) % sizeof specials] : (char)(v >> 4);
        }
        csv_options opt = {round % 4 == 0 ? 0 : ',', round % 2 ? 64 : 0, round % 3 ? 8 : 0};
        csv_reader *r = csv_open(buf, n, &opt);
        assert_non_null(r);
        csv_row row;
        err e = {0};
        size_t calls = 0;
        long last_line = 0;
        for (;;) {
            csv_status st = csv_next(r, &row, &e);
            assert_true(++calls <= n + 2);
            if (st == CSV_EOF || st == CSV_FATAL) break;
            assert_true(row.line > last_line); /* lines only move forward */
            assert_true(row.end_line >= row.line);
            last_line = row.line;
            if (st == CSV_ROW)
                for (size_t i = 0; i < row.nfields; i++)
                    assert_int_equal(strlen(row.fields[i]), row.lens[i]);
        }
        csv_close(r);
        free(buf);
    }
}

static void test_delimiter_guess(void **state) {
    (void)state;
    csv_options guess = {0, 0, 0};
    csv_reader *r = open_str("a\tb\tc\n1\t2\t3\n", &guess);
    assert_int_equal(csv_delimiter(r), '\t');
    expect_row(r, 1, 3, "a", "b", "c");
    csv_close(r);

    r = open_str("a;b;\"c,d,e,f\"\n1;2;3\n", &guess);
    assert_int_equal(csv_delimiter(r), ';');
    expect_row(r, 1, 3, "a", "b", "c,d,e,f");
    csv_close(r);

    r = open_str("a,b;c,d\n", &guess);
    assert_int_equal(csv_delimiter(r), ',');
    csv_close(r);

    r = open_str("single\n", &guess);
    assert_int_equal(csv_delimiter(r), ',');
    csv_close(r);

    /* Only the first line counts, with quotes spanning lines. */
    r = open_str("\"x\n;;;;\"\tb\n1;2;3;4;5\n", &guess);
    assert_int_equal(csv_delimiter(r), '\t');
    csv_close(r);

    r = open_str("\xEF\xBB\xBF" "a;b\n", &guess);
    assert_int_equal(csv_delimiter(r), ';');
    csv_close(r);

    csv_options semi = {';', 0, 0};
    r = open_str("a,b;c\n", &semi);
    expect_row(r, 1, 2, "a,b", "c");
    csv_close(r);
}

static void test_chinese_message(void **state) {
    (void)state;
    lang_force("zh_CN.UTF-8");
    csv_reader *r = open_str("a\n\"b\"c\n\"open\n", NULL);
    expect_row(r, 1, 1, "a");
    expect_status(r, CSV_BAD_ROW, "第 2 行");
    expect_status(r, CSV_FATAL, "第 3 行");
    csv_close(r);
    lang_force("en");
}

static void test_write_field(void **state) {
    (void)state;
    const char *fields[] = {"plain", "", "a,b", "say \"hi\"", "\"", "two\nlines", "cr\rx",
                            "crlf\r\nx", " lead", "trail ", "\ttab", "网站标识码", "a;b",
                            "x\"y\"\"z"};
    const size_t n = sizeof fields / sizeof *fields;
    for (int d = 0; d < 2; d++) {
        char delim = d ? ';' : ',';
        sbuf b = SBUF_INIT;
        for (int rec = 0; rec < 2; rec++) {
            for (size_t i = 0; i < n; i++) {
                if (i) sbuf_putc(&b, delim);
                csv_write_field(&b, fields[i], delim);
            }
            sbuf_puts(&b, "\r\n");
        }
        assert_false(b.oom);
        csv_options opt = {delim, 0, 0};
        csv_reader *r = csv_open(b.data, b.len, &opt);
        for (int rec = 0; rec < 2; rec++) {
            csv_row row;
            err e = {0};
            assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
            assert_int_equal(row.nfields, n);
            for (size_t i = 0; i < n; i++) assert_string_equal(row.fields[i], fields[i]);
        }
        expect_status(r, CSV_EOF, NULL);
        csv_close(r);
        sbuf_free(&b);
    }
    sbuf b = SBUF_INIT;
    csv_write_field(&b, "plain", ',');
    csv_write_field(&b, "a,b", ',');
    csv_write_field(&b, "a;b", ',');
    csv_write_field(&b, "q\"", ',');
    assert_string_equal(sbuf_str(&b), "plain\"a,b\"a;b\"q\"\"\"");
    sbuf_free(&b);
}

/* A registry-like file: the header and 10,000 rows of the sites.csv shape,
 * some fields quoted, Chinese text throughout. */
static void build_registry(sbuf *b, int rows) {
    sbuf_puts(b, "site_code,name,url,hosts,unit,kind,services,org,icp,psb\r\n");
    for (int i = 0; i < rows; i++)
        sbuf_printf(b,
                    "61%08d,榆林市第%d政府网站,http://www.site%d.gov.cn/,"
                    "\"xxgk.site%d.gov.cn https://www.site%d.gov.cn\",\"榆林市人民政府办公室, "
                    "第%d处\",department,yes,榆林市/横山区,陕ICP备%08d号,"
                    "陕公网安备 61080202%06d号\r\n",
                    i, i, i, i, i, i, i, i);
}

static void test_speed_10000_rows(void **state) {
    (void)state;
    sbuf b = SBUF_INIT;
    build_registry(&b, 10000);
    assert_false(b.oom);
    double best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now_ms();
        csv_reader *r = csv_open(b.data, b.len, NULL);
        csv_row row;
        err e = {0};
        int rows = 0;
        csv_status st;
        while ((st = csv_next(r, &row, &e)) == CSV_ROW) {
            assert_int_equal(row.nfields, 10);
            rows++;
        }
        assert_int_equal(st, CSV_EOF);
        assert_int_equal(rows, 10001);
        csv_close(r);
        double ms = now_ms() - t0;
        if (ms < best) best = ms;
    }
    print_message("10,000-row registry CSV (%zu bytes) parsed in %.2f ms\n", b.len, best);
    assert_true(best < 500); /* generous: sanitizer builds are slow */
    sbuf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_empty_fields_and_no_final_newline),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_bom_tolerated),
        cmocka_unit_test(test_line_numbers_multiline),
        cmocka_unit_test(test_blank_lines_skipped),
        cmocka_unit_test(test_stray_quote_kept),
        cmocka_unit_test(test_text_after_closing_quote),
        cmocka_unit_test(test_unbalanced_quote),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_overlong_then_good),
        cmocka_unit_test(test_overlong_default_message),
        cmocka_unit_test(test_huge_single_line_record),
        cmocka_unit_test(test_overlong_with_unclosed_quote_is_fatal),
        cmocka_unit_test(test_too_many_fields),
        cmocka_unit_test(test_binary_junk),
        cmocka_unit_test(test_delimiter_guess),
        cmocka_unit_test(test_chinese_message),
        cmocka_unit_test(test_write_field),
        cmocka_unit_test(test_speed_10000_rows),
    };
    return cmocka_run_group_tests(tests, force_english, NULL);
}
