/* Tests for the text engine (src/text): the Aho-Corasick matcher on lexicons
 * written to a temporary data folder (overlapping patterns, leftmost-longest,
 * UTF-8 boundaries, empty input, 20,000 patterns), lexicon errors with their
 * file and line, ok entries, except contexts, the per-site whitelist, the
 * "from" date of the 2018 reform entries, the quiet-block memory of an
 * inspection's engine, line/column and context helpers,
 * and the statistical detector on a few sentences with the bundled data and
 * jieba's dictionary (skipped when python3-jieba is not installed); with
 * SunPinyin's language model (skipped without sunpinyin-data): a typo only
 * its context shows, its correct twin, the fall-back when the model is
 * absent or damaged, and damaged copies of the model refused at load; with
 * libime's (skipped without libime-data-language-model; its reader is tested
 * in test_text_kenlm.c): context typos and their twins, the fall-back chain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/lang.h"
#include "text/kenlm.h"
#include "text/lm.h"
#include "text/text.h"

static char tmpdir[64];

static void write_file(const char *rel, const char *text) {
    char p[256];
    snprintf(p, sizeof p, "%s/%s", tmpdir, rel);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void rm_lexicons(void) {
    char p[256];
    const char *names[] = {"a.tsv", "b.tsv", "big.tsv", "detector.conf", "confusion.txt"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(p, sizeof p, "%s/lexicons/%s", tmpdir, names[i]);
        unlink(p);
    }
}

static int setup(void **state) {
    (void)state;
    lang_force("en");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gi-test-text-XXXXXX");
    if (!mkdtemp(tmpdir)) return -1;
    char p[128];
    snprintf(p, sizeof p, "%s/lexicons", tmpdir);
    return mkdir(p, 0700);
}

static int teardown(void **state) {
    (void)state;
    rm_lexicons();
    char p[128];
    snprintf(p, sizeof p, "%s/lexicons", tmpdir);
    rmdir(p);
    snprintf(p, sizeof p, "%s/wl.tsv", tmpdir);
    unlink(p);
    rmdir(tmpdir);
    return 0;
}

/* A loaded engine on lexicon text (statistical detector off). */
static text_engine *load(const char *a_tsv, err *e) {
    rm_lexicons();
    write_file("lexicons/a.tsv", a_tsv);
    return text_engine_load_with_dict(tmpdir, "", e);
}

typedef struct got {
    char buf[4096];
    int n;
} got;

/* Collects "start-end:text>suggestion/category" per match. */
static bool collect(const text_match *m, void *ud) {
    got *g = ud;
    size_t l = strlen(g->buf);
    snprintf(g->buf + l, sizeof g->buf - l, "%s%zu-%zu:%s>%s/%s", g->n ? " " : "", m->start, m->end,
             m->text, m->suggestion, m->category_name);
    g->n++;
    return true;
}

static const char *scan(const text_engine *t, const char *s, const text_scan_opts *o, got *g) {
    memset(g, 0, sizeof *g);
    text_scan_opts def = {0};
    text_scan(t, s, strlen(s), o ? o : &def, collect, g);
    return g->buf;
}

static void test_overlapping_leftmost_longest(void **state) {
    (void)state;
    err e = {0};
    text_engine *t = load("# header\n"
                          "按装\ttypo\t安装\n"
                          "国家卫生\ttypo\tX\n"
                          "国家卫生和计划生育委员会\twording\t国家卫生健康委员会\t2018机构改革\n"
                          "计划生育\ttypo\tY\n"
                          "生育委员会\ttypo\tZ\n"
                          "ab\ttypo\tAB\n"
                          "abc\ttypo\tABC\n"
                          "bcd\ttypo\tBCD\n",
                          &e);
    assert_non_null(t);
    assert_int_equal(text_engine_patterns(t), 8);
    got g;
    /* The longest pattern at the leftmost start wins; nothing inside it is reported. */
    assert_string_equal(scan(t, "原来的国家卫生和计划生育委员会按装了", NULL, &g),
                        "9-45:国家卫生和计划生育委员会>国家卫生健康委员会/wording 45-51:按装>安装/typo");
    /* abc (leftmost, longest) hides bcd, which overlaps it. */
    assert_string_equal(scan(t, "xabcd", NULL, &g), "1-4:abc>ABC/typo");
    assert_string_equal(scan(t, "ab bcd", NULL, &g), "0-2:ab>AB/typo 3-6:bcd>BCD/typo");
    /* Repeated and adjacent matches. */
    assert_string_equal(scan(t, "按装按装", NULL, &g), "0-6:按装>安装/typo 6-12:按装>安装/typo");
    text_engine_free(t);
}

static void test_utf8_boundaries_and_garbage(void **state) {
    (void)state;
    err e = {0};
    /* 按 is E6 8C 89, 装 E8 A3 85. */
    text_engine *t = load("按装\ttypo\t安装\n", &e);
    assert_non_null(t);
    got g;
    assert_string_equal(scan(t, "", NULL, &g), "");
    assert_int_equal(text_scan(t, NULL, 0, NULL, collect, &g), 0);
    /* Invalid bytes between and around: no match across them, no crash. */
    assert_string_equal(scan(t, "\xE6\x8C\xFF\xE8\xA3\x85", NULL, &g), "");
    assert_string_equal(scan(t, "\x80\x80\xE6\x8C\x89\xE8\xA3\x85\xC0", NULL, &g), "2-8:按装>安装/typo");
    /* A truncated character at the end. */
    assert_string_equal(scan(t, "\xE6\x8C\x89\xE8\xA3", NULL, &g), "");
    /* Overlong encodings of ASCII are not characters. */
    assert_string_equal(scan(t, "\xC0\xAF\xE6\x8C\x89\xE8\xA3\x85", NULL, &g), "2-8:按装>安装/typo");
    text_engine_free(t);
}

static void test_lexicon_errors(void **state) {
    (void)state;
    err e = {0};
    assert_null(load("按装\ttypo\t安装\n\n# c\n按装\tspelling\t安装\n", &e));
    assert_non_null(strstr(e.msg, "a.tsv:4:"));
    assert_non_null(strstr(e.msg, "unknown category 'spelling'"));
    e = (err){0};
    assert_null(load("按装\n", &e));
    assert_non_null(strstr(e.msg, "a.tsv:1:"));
    e = (err){0};
    assert_null(load("按装\ttypo\t安装\t\t\t2018-13-01\n", &e));
    assert_non_null(strstr(e.msg, "a.tsv:1:"));
    assert_non_null(strstr(e.msg, "YYYY-MM-DD"));
    e = (err){0};
    assert_null(load("a\ttypo\tb\tc\td\t2018-01-01\tx\n", &e));
    assert_non_null(strstr(e.msg, "more than 6 columns"));
    e = (err){0};
    assert_null(load("ok\ttypo\n\xff\xfe\ttypo\n", &e));
    assert_non_null(strstr(e.msg, "a.tsv:2: not UTF-8"));
    e = (err){0};
    assert_null(load("a\x01z\ttypo\n", &e));
    assert_non_null(strstr(e.msg, "a.tsv:1:"));
    /* A duplicate across files names both places. */
    rm_lexicons();
    write_file("lexicons/a.tsv", "按装\ttypo\t安装\n");
    write_file("lexicons/b.tsv", "# x\n按装\ttypo\t安装\n");
    e = (err){0};
    assert_null(text_engine_load_with_dict(tmpdir, "", &e));
    assert_non_null(strstr(e.msg, "b.tsv:2: '按装' is listed twice"));
    assert_non_null(strstr(e.msg, "a.tsv:1"));
    /* A missing folder, a bad detector.conf. */
    e = (err){0};
    assert_null(text_engine_load_with_dict("/nonexistent-gi", "", &e));
    assert_int_equal(e.cls, ERR_IO);
    rm_lexicons();
    write_file("lexicons/a.tsv", "按装\ttypo\t安装\n");
    write_file("lexicons/detector.conf", "min_gain = 3\nmin_gain four\n");
    e = (err){0};
    assert_null(text_engine_load_with_dict(tmpdir, "", &e));
    assert_non_null(strstr(e.msg, "detector.conf:2:"));
    write_file("lexicons/detector.conf", "lm_model = libime\n\nlm_model = kenlm\n");
    e = (err){0};
    assert_null(text_engine_load_with_dict(tmpdir, "", &e));
    assert_non_null(strstr(e.msg, "detector.conf:3: lm_model must be sunpinyin, libime or auto"));
}

static void test_ok_and_except_contexts(void **state) {
    (void)state;
    err e = {0};
    text_engine *t = load("农业部\twording\t农业农村部\t2018机构改革\t原农业部|撤销|美国\n"
                          "农业部门\tok\n"
                          "六合彩\tharmful\t\t赌博\t打击|严禁\n",
                          &e);
    assert_non_null(t);
    text_scan_opts o = {.pub_year = 2020, .pub_month = 1, .pub_day = 1};
    got g;
    assert_string_equal(scan(t, "农业部发文", &o, &g), "0-9:农业部>农业农村部/wording");
    /* ok entry hides it; a covering context; nearby contexts. */
    assert_string_equal(scan(t, "各农业部门", &o, &g), "");
    assert_string_equal(scan(t, "原农业部发文", &o, &g), "");
    assert_string_equal(scan(t, "撤销农业部", &o, &g), "");
    assert_string_equal(scan(t, "美国农业部称", &o, &g), "");
    assert_string_equal(scan(t, "六合彩开奖", &o, &g), "0-9:六合彩>/harmful");
    assert_string_equal(scan(t, "严厉打击非法六合彩活动", &o, &g), "");
    /* A context far away does not count. */
    assert_string_equal(
        scan(t, "打击一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十六合彩", &o, &g),
        "96-105:六合彩>/harmful");
    o.no_harmful = true;
    assert_string_equal(scan(t, "六合彩开奖", &o, &g), "");
    text_engine_free(t);
}

static void test_reform_date(void **state) {
    (void)state;
    err e = {0};
    text_engine *t = load("国土资源部\twording\t自然资源部\t2018机构改革\t\t2018-03-17\n", &e);
    assert_non_null(t);
    got g;
    text_scan_opts o = {0};
    /* Unknown date: history is not judged. */
    assert_string_equal(scan(t, "国土资源部", &o, &g), "");
    o = (text_scan_opts){.pub_year = 2018, .pub_month = 3, .pub_day = 16};
    assert_string_equal(scan(t, "国土资源部", &o, &g), "");
    o.pub_day = 17;
    assert_string_equal(scan(t, "国土资源部", &o, &g), "0-15:国土资源部>自然资源部/wording");
    o = (text_scan_opts){.pub_year = 2023, .pub_month = 2, .pub_day = 30}; /* not a date */
    assert_string_equal(scan(t, "国土资源部", &o, &g), "");
    text_engine_free(t);
}

/* The engine of an inspection remembers blocks in which no pattern occurs
 * (a site's template text): a remembered block stays quiet, and a block
 * holding a match, whatever the options made of it the first time, is
 * scanned afresh every time. */
static void test_quiet_blocks(void **state) {
    (void)state;
    rm_lexicons();
    write_file("lexicons/a.tsv", "按装\ttypo\t安装\n"
                                 "国土资源部\twording\t自然资源部\t2018机构改革\t\t2018-03-17\n");
    setenv("GOVINSPECT_DATA", tmpdir, 1);
    err e = {0};
    text_engine *t = text_engine_load_for_inspections(&e);
    unsetenv("GOVINSPECT_DATA");
    assert_non_null(t);
    got g;
    const char *bad = "欢迎访问本网站，请先按装插件再浏览。";
    const char *good = "欢迎访问本网站，请先安装插件再浏览。"; /* same length, one character apart */
    for (int i = 0; i < 3; i++) {
        assert_string_equal(scan(t, good, NULL, &g), "");
        assert_string_equal(scan(t, bad, NULL, &g), "30-36:按装>安装/typo");
    }
    const char *history = "原国土资源部办公楼位于阜成门外大街，现由多个单位使用。";
    text_scan_opts before = {.pub_year = 2017, .pub_month = 1, .pub_day = 1};
    text_scan_opts after = {.pub_year = 2020, .pub_month = 1, .pub_day = 1};
    assert_string_equal(scan(t, history, &before, &g), "");
    assert_string_equal(scan(t, history, &before, &g), "");
    assert_string_equal(scan(t, history, &after, &g), "3-18:国土资源部>自然资源部/wording");
    text_engine_free(t);
}

static void test_whitelist(void **state) {
    (void)state;
    err e = {0};
    text_engine *t = load("按装\ttypo\t安装\n即时\ttypo\t及时\n", &e);
    assert_non_null(t);
    write_file("wl.tsv", "# site 6100000001\n按装\t按装机\n即时\n");
    char p[128];
    snprintf(p, sizeof p, "%s/wl.tsv", tmpdir);
    text_whitelist *w = text_whitelist_load(p, &e);
    assert_non_null(w);
    text_scan_opts o = {.whitelist = w};
    got g;
    assert_string_equal(scan(t, "按装机即时", &o, &g), "");
    assert_string_equal(scan(t, "请按装", &o, &g), "3-9:按装>安装/typo");
    text_whitelist_free(w);
    write_file("wl.tsv", "ok\n\ta\tb\n");
    e = (err){0};
    assert_null(text_whitelist_load(p, &e));
    assert_non_null(strstr(e.msg, "wl.tsv:2:"));
    /* Per-site lookup refuses codes that could be paths. */
    e = (err){0};
    assert_null(text_whitelist_for_site("../etc/passwd", &e));
    assert_int_equal(e.cls, ERR_NONE);
    setenv("GOVINSPECT_WHITELIST_DIR", tmpdir, 1);
    write_file("wl.tsv", "按装\n");
    w = text_whitelist_for_site("wl", &e);
    assert_non_null(w);
    o.whitelist = w;
    assert_string_equal(scan(t, "请按装", &o, &g), "");
    text_whitelist_free(w);
    unsetenv("GOVINSPECT_WHITELIST_DIR");
    text_engine_free(t);
}

static void test_many_patterns(void **state) {
    (void)state;
    /* 20,000 distinct patterns of 2-5 common characters. */
    rm_lexicons();
    char p[256];
    snprintf(p, sizeof p, "%s/lexicons/big.tsv", tmpdir);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    uint32_t x = 12345;
    char want[64] = "";
    for (int i = 0; i < 20000; i++) {
        char pat[32];
        size_t l = 0;
        int n = 2 + i % 4;
        for (int k = 0; k < n; k++) {
            x = x * 1103515245u + 12345u;
            uint32_t cp = 0x4E00 + (x >> 8) % 3000;
            pat[l++] = (char)(0xE0 | (cp >> 12));
            pat[l++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            pat[l++] = (char)(0x80 | (cp & 0x3F));
        }
        /* A numeric suffix keeps them distinct whatever the generator does. */
        l += (size_t)snprintf(pat + l, sizeof pat - l, "%d", i);
        pat[l] = '\0';
        fprintf(f, "%s\ttypo\tz\n", pat);
        if (i == 17777) snprintf(want, sizeof want, "%s", pat);
    }
    fclose(f);
    err e = {0};
    text_engine *t = text_engine_load_with_dict(tmpdir, "", &e);
    assert_non_null(t);
    assert_int_equal(text_engine_patterns(t), 20000);
    char text[128];
    snprintf(text, sizeof text, "前文%s后文", want);
    got g;
    scan(t, text, NULL, &g);
    assert_int_equal(g.n, 1);
    assert_non_null(strstr(g.buf, want));
    text_engine_free(t);
}

static void test_line_col_and_context(void **state) {
    (void)state;
    const char *s = "第一行\n第二行按装了\r\nabc";
    int line, col;
    text_line_col(s, strlen(s), 0, &line, &col);
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    text_line_col(s, strlen(s), strlen("第一行\n第二行"), &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 4);
    text_line_col(s, strlen(s), strlen(s), &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 4);
    size_t st = strlen("第一行\n第二行");
    char *c = text_context(s, strlen(s), st, st + 6, 2);
    assert_string_equal(c, "二行按装了");
    free(c);
    c = text_context(s, strlen(s), st, st + 6, 5);
    assert_string_equal(c, "行 第二行按装了 ab");
    free(c);
    /* Source offsets of block text: the second occurrence maps to the second,
     * in order and out of order; a match not in the source keeps the last place. */
    const char *html = "<p>按装 <b>x</b>\n按装 &#25353;装</p>";
    const char *block = "按装 x 按装 按装";
    text_srcmap m;
    text_srcmap_init(&m, html, strlen(html), block, 3);
    assert_int_equal(text_srcmap_offset(&m, 0, 6), 3);
    assert_int_equal(text_srcmap_offset(&m, 9, 15), strlen("<p>按装 <b>x</b>\n"));
    assert_int_equal(text_srcmap_offset(&m, 16, 22), strlen("<p>按装 <b>x</b>\n"));
    assert_int_equal(text_srcmap_offset(&m, 0, 6), 3);
    text_srcmap_init(&m, html, strlen(html), block, 3);
    assert_int_equal(text_srcmap_offset(&m, 9, 15), strlen("<p>按装 <b>x</b>\n"));
    assert_int_equal(text_title_offset("<HEAD><Title lang=zh>t</title>", 30), 21);
    assert_int_equal(text_title_offset("<titles>", 8), 8);
}

/* ---- statistical detector, with the bundled data and jieba's dictionary ---- */

static text_engine *bundled;

static bool stat_collect(const text_match *m, void *ud) {
    got *g = ud;
    if (!m->statistical) return true;
    size_t l = strlen(g->buf);
    snprintf(g->buf + l, sizeof g->buf - l, "%s%s>%s", g->n ? " " : "", m->text, m->suggestion);
    g->n++;
    return true;
}

static const char *stat_scan(const char *s, got *g) {
    memset(g, 0, sizeof *g);
    text_scan_opts o = {.statistical = true};
    text_scan(bundled, s, strlen(s), &o, stat_collect, g);
    return g->buf;
}

static void test_statistical(void **state) {
    (void)state;
    err e = {0};
    bundled = text_engine_load(GI_DATA_DIR, &e);
    assert_non_null(bundled);
    if (!text_engine_stat_available(bundled)) {
        print_message("skipped: %s\n", text_engine_stat_note(bundled));
        text_engine_free(bundled);
        skip();
    }
    got g;
    /* Found: a character that makes no word where a same-sound one makes a common one. */
    assert_string_equal(stat_scan("学习压历很大。", &g), "历>力");
    assert_string_equal(stat_scan("要进一步加强对食品安全的监管力杜。", &g), "杜>度");
    assert_string_equal(stat_scan("全面提升城市管理水平，改善人居环竞。", &g), "竞>境");
    assert_string_equal(stat_scan("这次会议的主要议题是研究部署下半年的公作。", &g), "公>工");
    /* Not flagged: correct government sentences, names, and what the lexicons own. */
    assert_string_equal(stat_scan("县政府召开常务会议，研究部署秋季防汛工作。", &g), "");
    assert_string_equal(stat_scan("图为品牌丝路行启动仪式。（刘通摄）", &g), "");
    assert_string_equal(stat_scan("沪公网安备31010402000001号 沪ICP备05028566号", &g), "");
    assert_string_equal(stat_scan("京彩三农助力北京美丽乡村建设", &g), "");
    text_engine_free(bundled);
}

/* ---- the language model ---- */

/* The bundled engine with SunPinyin's language model, or NULL (the test
 * skips); libime's model is tested in test_text_kenlm.c. */
static text_engine *load_with_lm(void) {
    err e = {0};
    setenv("GOVINSPECT_KENLM", "", 1);
    text_engine *t = text_engine_load(GI_DATA_DIR, &e);
    unsetenv("GOVINSPECT_KENLM");
    assert_non_null(t);
    if (!text_engine_stat_lm(t)) {
        print_message("skipped: %s\n", text_engine_stat_note(t));
        text_engine_free(t);
        return NULL;
    }
    return t;
}

static void test_lm_context(void **state) {
    (void)state;
    bundled = load_with_lm();
    if (!bundled) skip();
    got g;
    /* 落石 (falling rocks) is a word; only 贯彻 before it makes it 落实. */
    assert_string_equal(stat_scan("各地要结合实际抓好贯彻落石。", &g), "石>实");
    assert_string_equal(stat_scan("各地要结合实际抓好贯彻落实。", &g), "");
    assert_string_equal(stat_scan("认真履行工作只责。", &g), "只>职");
    assert_string_equal(stat_scan("认真履行工作职责。", &g), "");
    /* What the unigram detector found, the model finds too; names and
     * correct prose stay quiet. */
    assert_string_equal(stat_scan("你们要好好学习，不要怕压历。", &g), "历>力");
    assert_string_equal(stat_scan("县政府召开常务会议，研究部署秋季防汛工作。", &g), "");
    assert_string_equal(stat_scan("图为品牌丝路行启动仪式。（刘通摄）", &g), "");
    /* lm_near_gain: 玩善 scores below lm_min_gain; it is reported beside the
     * sure 体戏 of its sentence, not alone, nor after the sentence's end. */
    assert_string_equal(stat_scan("关于玩善中国特色社会主义法律体戏，加强宪法实施。", &g),
                        "玩>完 戏>系");
    assert_string_equal(stat_scan("关于玩善中国特色社会主义法律体系，加强宪法实施。", &g), "");
    assert_string_equal(stat_scan("中国特色社会主义法律体戏。关于玩善中国特色社会主义法律体系。", &g),
                        "戏>系");
    text_engine_free(bundled);
}

static void test_lm_fallback(void **state) {
    (void)state;
    char dir[128], p[192];
    snprintf(dir, sizeof dir, "%s/nolm", tmpdir);
    setenv("GOVINSPECT_LM_DIR", dir, 1);
    setenv("GOVINSPECT_KENLM", "", 1); /* nor libime's model (test_text_kenlm.c) */
    err e = {0};
    bundled = text_engine_load(GI_DATA_DIR, &e);
    assert_non_null(bundled);
    if (!text_engine_stat_available(bundled)) { /* no jieba either */
        unsetenv("GOVINSPECT_LM_DIR");
        unsetenv("GOVINSPECT_KENLM");
        print_message("skipped: %s\n", text_engine_stat_note(bundled));
        text_engine_free(bundled);
        skip();
    }
    /* No model: the detector runs on word frequencies, as before it. */
    assert_false(text_engine_stat_lm(bundled));
    assert_non_null(strstr(text_engine_stat_note(bundled), "no language model"));
    got g;
    assert_string_equal(stat_scan("你们要好好学习，不要怕压历。", &g), "历>力");
    assert_string_equal(stat_scan("各地要结合实际抓好贯彻落石。", &g), "");
    text_engine_free(bundled);

    /* A damaged model is refused with its file named; the engine still works. */
    mkdir(dir, 0700);
    snprintf(p, sizeof p, "%s/lm_sc.t3g", dir);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs("\x03\0\0\0garbage", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/pydict_sc.bin", dir);
    f = fopen(p, "wb");
    assert_non_null(f);
    fclose(f);
    bundled = text_engine_load(GI_DATA_DIR, &e);
    assert_non_null(bundled);
    assert_false(text_engine_stat_lm(bundled));
    assert_non_null(strstr(text_engine_stat_note(bundled), "lm_sc.t3g: not a SunPinyin"));
    assert_string_equal(stat_scan("你们要好好学习，不要怕压历。", &g), "历>力");
    text_engine_free(bundled);
    /* An empty GOVINSPECT_LM_DIR turns the model off. */
    setenv("GOVINSPECT_LM_DIR", "", 1);
    bundled = text_engine_load(GI_DATA_DIR, &e);
    assert_non_null(bundled);
    assert_false(text_engine_stat_lm(bundled));
    text_engine_free(bundled);
    unsetenv("GOVINSPECT_LM_DIR");
    unsetenv("GOVINSPECT_KENLM");
    snprintf(p, sizeof p, "%s/lm_sc.t3g", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/pydict_sc.bin", dir);
    unlink(p);
    rmdir(dir);
}

/* libime's model (kenlm.h; the reader itself: test_text_kenlm.c). */
static void test_libime_context(void **state) {
    (void)state;
    char *path = text_kenlm_find(NULL);
    if (!path) {
        print_message("skipped: no libime model (install libime-data-language-model)\n");
        skip();
    }
    free(path);
    /* SunPinyin's model off: whatever lm_model says, libime's is the
     * fallback, and the detector uses it. */
    setenv("GOVINSPECT_LM_DIR", "", 1);
    err e = {0};
    bundled = text_engine_load(GI_DATA_DIR, &e);
    assert_non_null(bundled);
    if (!text_engine_stat_lm(bundled)) {
        print_message("skipped: %s\n", text_engine_stat_note(bundled));
        text_engine_free(bundled);
        unsetenv("GOVINSPECT_LM_DIR");
        skip();
    }
    assert_non_null(strstr(text_engine_stat_note(bundled), "language model libime"));
    got g;
    /* 只 and 食 are words alone; only their context makes them slips. */
    assert_string_equal(stat_scan("认真履行工作只责。", &g), "只>职");
    assert_string_equal(stat_scan("认真履行工作职责。", &g), "");
    assert_string_equal(stat_scan("加快推进乡村振兴战略食施。", &g), "食>实");
    assert_string_equal(stat_scan("加快推进乡村振兴战略实施。", &g), "");
    assert_string_equal(stat_scan("全面落实安全生产则任制。", &g), "则>责");
    assert_string_equal(stat_scan("全面落实安全生产责任制。", &g), "");
    /* Correct prose, names and what the lexicons own stay quiet. */
    assert_string_equal(stat_scan("县政府召开常务会议，研究部署秋季防汛工作。", &g), "");
    assert_string_equal(stat_scan("图为品牌丝路行启动仪式。（刘通摄）", &g), "");
    assert_string_equal(stat_scan("京彩三农助力北京美丽乡村建设", &g), "");
    text_engine_free(bundled);

    /* Both models off: word frequencies only, and the note says so. */
    setenv("GOVINSPECT_KENLM", "", 1);
    bundled = text_engine_load(GI_DATA_DIR, &e);
    assert_non_null(bundled);
    assert_false(text_engine_stat_lm(bundled));
    assert_non_null(strstr(text_engine_stat_note(bundled), "no language model"));
    text_engine_free(bundled);

    /* A damaged libime file is named in the note; the unigram score takes
     * over. */
    char bad[128];
    snprintf(bad, sizeof bad, "%s/zh_CN.lm", tmpdir);
    write_file("zh_CN.lm", "mmap lm http://kheafield.com/code format version 5\n");
    setenv("GOVINSPECT_KENLM", bad, 1);
    bundled = text_engine_load(GI_DATA_DIR, &e);
    assert_non_null(bundled);
    assert_false(text_engine_stat_lm(bundled));
    assert_non_null(strstr(text_engine_stat_note(bundled), "zh_CN.lm: not a usable KenLM"));
    text_engine_free(bundled);
    unsetenv("GOVINSPECT_LM_DIR");
    unsetenv("GOVINSPECT_KENLM");
    unlink(bad);

    /* lm_model picks the model tried first (a data folder of the bundled
     * confusion sets and a two-line detector.conf). */
    char *sp = text_lm_find(NULL);
    if (!sp) return; /* no sunpinyin-data: nothing to choose between */
    free(sp);
    char p[512];
    snprintf(p, sizeof p, "%s/lexicons/confusion.txt", tmpdir);
    assert_int_equal(symlink(GI_DATA_DIR "/lexicons/confusion.txt", p), 0);
    const char *models[2] = {"sunpinyin", "libime"};
    for (int k = 0; k < 2; k++) {
        char conf[64], want[64];
        snprintf(conf, sizeof conf, "use_lm = 1\nlm_model = %s\n", models[k]);
        write_file("lexicons/detector.conf", conf);
        bundled = text_engine_load(tmpdir, &e);
        assert_non_null(bundled);
        snprintf(want, sizeof want, "language model %s", models[k]);
        assert_non_null(strstr(text_engine_stat_note(bundled), want));
        text_engine_free(bundled);
    }
    rm_lexicons();
}

static uint32_t le32(const unsigned char *b) {
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Writes buf[0..len) with 4 bytes at off replaced by v, then loads it. */
static bool load_patched(const char *dir, const unsigned char *buf, size_t len, size_t off,
                         uint32_t v, size_t cut, err *e) {
    char p[192];
    snprintf(p, sizeof p, "%s/lm_sc.t3g", dir);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    unsigned char w[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    assert_int_equal(fwrite(buf, 1, off, f), off);
    assert_int_equal(fwrite(w, 1, 4, f), 4);
    assert_int_equal(fwrite(buf + off + 4, 1, len - off - 4 - cut, f), len - off - 4 - cut);
    fclose(f);
    *e = (err){0};
    text_lm *m = text_lm_load(dir, e);
    text_lm_free(m);
    return m != NULL;
}

static void test_lm_damaged_copies(void **state) {
    (void)state;
    char *src = text_lm_find(NULL);
    if (!src) {
        print_message("skipped: no sunpinyin-data\n");
        skip();
    }
    char p[512], dir[128];
    snprintf(p, sizeof p, "%s/lm_sc.t3g", src);
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    size_t len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, len, f), len);
    fclose(f);
    snprintf(dir, sizeof dir, "%s/lmcopy", tmpdir);
    mkdir(dir, 0700);
    snprintf(p, sizeof p, "%s/pydict_sc.bin", src);
    char link[192];
    snprintf(link, sizeof link, "%s/pydict_sc.bin", dir);
    assert_int_equal(symlink(p, link), 0);

    err e;
    /* The copy as it is loads, and scores a common phrase above a slip. */
    assert_true(load_patched(dir, buf, len, 0, le32(buf), 0, &e));
    text_lm *m = text_lm_load(dir, &e);
    assert_non_null(m);
    const int32_t good[] = {0x8D2F, 0x5F7B, 0x843D, 0x5B9E}; /* 贯彻落实 */
    const int32_t bad[] = {0x8D2F, 0x5F7B, 0x843D, 0x77F3};  /* 贯彻落石 */
    assert_true(text_lm_best(m, good, 4, 6) > text_lm_best(m, bad, 4, 6) + 3);
    assert_true(text_lm_word_id(m, good, 2) >= 0);
    text_lm_free(m);

    uint32_t order = le32(buf);
    assert_int_equal(order, 3);
    size_t l0 = 8 + 4 * (order + 1) + 4 * ((1u << 16) + (1u << 14));
    size_t l1 = l0 + 12 * (size_t)le32(buf + 8);
    size_t l2 = l1 + 12 * (size_t)le32(buf + 12);
    /* truncated; a level larger than the file; a child index out of range; a
     * back-off link to a level that is not lower */
    assert_false(load_patched(dir, buf, len, 0, order, 1000, &e));
    assert_non_null(strstr(e.msg, "larger than the file"));
    assert_false(load_patched(dir, buf, len, 0, 9, 0, &e));
    assert_non_null(strstr(e.msg, "order"));
    assert_false(load_patched(dir, buf, len, 12, 0x7FFFFFFF, 0, &e));
    assert_non_null(strstr(e.msg, "larger than the file"));
    assert_false(load_patched(dir, buf, len, l1 + 12 + 8, le32(buf + l1 + 12 + 8) | 0xFE000000u, 0, &e));
    assert_non_null(strstr(e.msg, "child range"));
    assert_false(load_patched(dir, buf, len, l2 + 8, le32(buf + l2 + 8) | (3u << 23), 0, &e));
    assert_non_null(strstr(e.msg, "back-off link"));

    /* A lexicon whose header asks for 4 G words holds one; one whose string
     * table lies past its end is refused. */
    assert_true(load_patched(dir, buf, len, 0, order, 0, &e)); /* the model back */
    unlink(link);
    const unsigned char lex[20] = {0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0, 12, 0, 0, 0,
                                   0x2F, 0x8D, 0, 0, 0, 0, 0, 0}; /* 贯 */
    for (int k = 0; k < 2; k++) {
        f = fopen(link, "wb");
        assert_non_null(f);
        unsigned char lx[20];
        memcpy(lx, lex, sizeof lx);
        if (k) lx[8] = 200;
        assert_int_equal(fwrite(lx, 1, sizeof lx, f), sizeof lx);
        fclose(f);
        e = (err){0};
        m = text_lm_load(dir, &e);
        if (k == 0) {
            assert_non_null(m);
            assert_int_equal(text_lm_words(m), 1);
            assert_int_equal(text_lm_word_id(m, good, 1), 0);
        } else {
            assert_null(m);
            assert_non_null(strstr(e.msg, "not a SunPinyin lexicon"));
        }
        text_lm_free(m);
    }

    free(buf);
    free(src);
    snprintf(p, sizeof p, "%s/lm_sc.t3g", dir);
    unlink(p);
    unlink(link);
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overlapping_leftmost_longest),
        cmocka_unit_test(test_utf8_boundaries_and_garbage),
        cmocka_unit_test(test_lexicon_errors),
        cmocka_unit_test(test_ok_and_except_contexts),
        cmocka_unit_test(test_reform_date),
        cmocka_unit_test(test_whitelist),
        cmocka_unit_test(test_quiet_blocks),
        cmocka_unit_test(test_many_patterns),
        cmocka_unit_test(test_line_col_and_context),
        cmocka_unit_test(test_statistical),
        cmocka_unit_test(test_lm_context),
        cmocka_unit_test(test_lm_fallback),
        cmocka_unit_test(test_lm_damaged_copies),
        cmocka_unit_test(test_libime_context),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
