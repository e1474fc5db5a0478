/* Tests for the KenLM reader (src/text/kenlm.c) on libime's real model,
 * Debian's libime-data-language-model (skipped with a message when it is
 * not installed): known high and low probabilities and KenLM's back-off
 * arithmetic, and damaged copies of the file —
 * truncated, header fields, counts, bit widths, pointers and words altered
 * — refused at load with a message (ASan checks that none is read out of
 * bounds). The detector scoring with it is tested in test_text.c. Exact
 * back-off arithmetic is checked on tests/data/kenlm/tiny.lm, a six-word
 * model built by Debian's own tool from tiny.arpa, which needs no package.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "core/lang.h"
#include "text/kenlm.h"
#include "core/fileio.h"

static char tmpdir[64];

static int setup(void **state) {
    (void)state;
    lang_force("en");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gi-test-kenlm-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    rmdir(tmpdir);
    return 0;
}

/* The installed model, or NULL after saying why the test skips. */
static char *model_path(void) {
    char *p = text_kenlm_find(NULL);
    if (!p) print_message("skipped: no libime model (install libime-data-language-model)\n");
    return p;
}

static double ng(const text_kenlm *m, const char *a, const char *b, const char *c) {
    const char *w[3] = {a, b, c};
    return text_kenlm_ngram(m, w, c ? 3 : b ? 2 : 1);
}

/* tiny.arpa's values come back through 8-bit quantisation unchanged (the
 * model has fewer distinct values than bins), and a missing n-gram is its
 * history's back-off plus the shorter n-gram. */
static void test_tiny_model(void **state) {
    (void)state;
    err e = {0};
    text_kenlm *m = text_kenlm_load(GI_TEST_DATA "/kenlm/tiny.lm", &e);
    assert_non_null(m);
    assert_int_equal(text_kenlm_order(m), 3);
    assert_int_equal(text_kenlm_words(m), 6);
    assert_int_equal(text_kenlm_index(m, "人民", strlen("人民")) != 0, 1);
    assert_int_equal(text_kenlm_index(m, "政府", strlen("政府")), 0);
    assert_float_equal(ng(m, "中华", "人民", "共和国"), -0.01, 1e-3);
    assert_float_equal(ng(m, "人民", "共和国", NULL), -0.3, 1e-3);
    assert_float_equal(ng(m, "共和国", NULL, NULL), -1.2, 1e-3);
    /* 共和国 中华: back-off of 共和国 (-0.1) + p(中华) (-0.7) */
    assert_float_equal(ng(m, "共和国", "中华", NULL), -0.8, 1e-3);
    /* 人民 中华 人民: neither the trigram nor the bigram 人民 中华 (whose
     * back-off would be added) is in the model: p(人民 | 中华) alone. */
    assert_float_equal(ng(m, "人民", "中华", "人民"), -0.2, 1e-3);
    text_kenlm_free(m);
}

static void test_known_probabilities(void **state) {
    (void)state;
    char *path = model_path();
    if (!path) skip();
    err e = {0};
    text_kenlm *m = text_kenlm_load(path, &e);
    assert_non_null(m);
    assert_int_equal(text_kenlm_order(m), 3);
    assert_true(text_kenlm_words(m) > 100000);
    /* Ids and words agree (the words after the data are in id order). */
    uint32_t id = text_kenlm_index(m, "人民", strlen("人民"));
    assert_true(id > 0);
    assert_string_equal(text_kenlm_word(m, id), "人民");
    assert_string_equal(text_kenlm_word(m, 0), "<unk>");
    assert_int_equal(text_kenlm_index(m, "不是一个词xyz", strlen("不是一个词xyz")), 0);
    assert_null(text_kenlm_word(m, text_kenlm_words(m)));

    /* 的 is the commonest word: above every one of a sample of ids. */
    double de = ng(m, "的", NULL, NULL);
    assert_true(de > -2.2);
    for (uint32_t i = 1; i < text_kenlm_words(m); i += 97) {
        const char *w = text_kenlm_word(m, i);
        if (strcmp(w, "的") != 0) assert_true(ng(m, w, NULL, NULL) < de);
    }
    /* A common bigram far above a random pair; the trigram almost certain. */
    assert_true(ng(m, "中华", "人民", NULL) > -1.5);
    assert_true(ng(m, "中华", "蛋糕", NULL) < -4.5);
    assert_true(ng(m, "中华", "人民", "共和国") > -0.1);
    assert_true(ng(m, "贯彻", "落实", NULL) > ng(m, "贯彻", "落石", NULL) + 3);

    /* Back-off: a pair the model lacks costs the history's back-off plus
     * the unigram; an unknown word costs every back-off of the history. */
    text_kenlm_state st0 = {0}, st1, st2;
    double p1 = text_kenlm_score(m, &st0, text_kenlm_index(m, "中华", 6), &st1);
    assert_true(p1 < 0);
    assert_int_equal(st1.n, 1);
    uint32_t cake = text_kenlm_index(m, "蛋糕", 6);
    double uni = text_kenlm_score(m, &st0, cake, NULL);
    double pair = text_kenlm_score(m, &st1, cake, &st2);
    assert_true(pair < uni + 1e-6);
    assert_int_equal(st2.n, 1); /* 中华 蛋糕 is no n-gram: the history is 蛋糕 alone */
    assert_true(pair - (uni + st1.bo[0]) < 1e-4 && pair - (uni + st1.bo[0]) > -1e-4);
    double unk0 = text_kenlm_score(m, &st0, 0, NULL);
    double unk = text_kenlm_score(m, &st1, 0, &st2);
    assert_int_equal(st2.n, 0);
    assert_true(unk - (unk0 + st1.bo[0]) < 1e-4 && unk - (unk0 + st1.bo[0]) > -1e-4);
    /* A state that reached the trigram keeps two words. */
    text_kenlm_score(m, &st0, text_kenlm_index(m, "人民", 6), &st1);
    text_kenlm_score(m, &st1, text_kenlm_index(m, "共和国", 9), &st2);
    assert_int_equal(st2.n, 2);
    text_kenlm_free(m);
    free(path);
}

/* ---- damaged copies ---- */

static unsigned char *model;
static size_t model_len;

static uint64_t rd64(size_t off) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | model[off + (size_t)i];
    return v;
}

/* Writes the model with bytes [off, off + n) replaced by v (little-endian)
 * and the last `cut` bytes left out, loads it, and returns the error
 * message ("" when it loaded). */
static const char *load_patched(size_t off, size_t n, uint64_t v, size_t cut, err *e) {
    char p[128];
    snprintf(p, sizeof p, "%s/copy.lm", tmpdir);
    unsigned char save[8];
    memcpy(save, model + off, n);
    for (size_t i = 0; i < n; i++) model[off + i] = (unsigned char)(v >> (8 * i));
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(model, 1, model_len - cut, f), model_len - cut);
    fclose(f);
    memcpy(model + off, save, n);
    *e = (err){0};
    text_kenlm *m = text_kenlm_load(p, e);
    text_kenlm_free(m);
    unlink(p);
    return m ? "" : e->msg;
}

static void expect_refused(size_t off, size_t n, uint64_t v, size_t cut, const char *what) {
    err e;
    const char *msg = load_patched(off, n, v, cut, &e);
    if (!strstr(msg, what)) fail_msg("patch at %zu (cut %zu): got '%s', expected '%s'", off, cut, msg, what);
    assert_non_null(strstr(msg, "copy.lm: not a usable KenLM language model"));
}

static void test_damaged_copies(void **state) {
    (void)state;
    char *path = model_path();
    if (!path) skip();
    err e = {0};
    char *raw = NULL;
    assert_true(file_read_all(path, 64u << 20, &raw, &model_len, &e));
    model = (unsigned char *)raw;
    free(path);

    assert_string_equal(load_patched(0, 1, 'm', 0, &e), ""); /* the copy as it is loads */
    uint64_t c0 = rd64(108), c1 = rd64(116);
    size_t voc = 136, quant = voc + 8 + 8 * (size_t)c0;
    unsigned pb = model[quant + 1], bb = model[quant + 2];
    size_t uni = quant + 8 + 4 * (((size_t)2 << pb) + ((size_t)1 << bb));
    size_t mid = uni + 16 * ((size_t)c0 + 2);

    /* Truncated: in the words, in the data, in the header. */
    expect_refused(0, 1, 'm', 3, "vocabulary word");
    expect_refused(0, 1, 'm', model_len - mid - 100, "larger than the file");
    expect_refused(0, 1, 'm', model_len - 100, "header");
    expect_refused(0, 1, 'm', model_len - 134, "short header"); /* inside the padding */
    /* Header fields: magic, a test value, order, model type, version,
     * the vocabulary flag. */
    expect_refused(0, 1, 'M', 0, "header");
    expect_refused(60, 4, 0x3f000000, 0, "test values");
    expect_refused(88, 1, 9, 0, "order");
    expect_refused(96, 4, 2, 0, "model type");
    expect_refused(104, 4, 2, 0, "model type");
    expect_refused(100, 1, 0, 0, "no vocabulary words");
    /* Counts: too large for the file, absurd, one more bigram. */
    expect_refused(108, 8, c0 * 4, 0, "vocabulary size");
    expect_refused(124, 8, (uint64_t)1 << 35, 0, "larger than the file");
    expect_refused(116, 8, UINT64_MAX, 0, "n-gram counts");
    expect_refused(116, 8, c1 + 1, 0, "");
    expect_refused(voc, 8, c0, 0, "vocabulary size");
    /* The vocabulary: hashes out of order, a word changed. */
    expect_refused(voc + 8 + 8 * 1000, 8, rd64(voc + 8 + 8 * 999), 0, "vocabulary not sorted");
    expect_refused(model_len - 2, 1, 'x', 0, "do not match their hashes");
    /* Quantisation: version, bit widths, a NaN in a table. */
    expect_refused(quant, 1, 1, 0, "quantisation header");
    expect_refused(quant + 1, 1, 30, 0, "quantisation bits");
    expect_refused(quant + 2, 1, 0, 0, "quantisation bits");
    expect_refused(quant + 8 + 40, 4, 0x7fc00000, 0, "quantisation table");
    /* Unigram child pointers: past the bigrams, descending; a NaN probability. */
    expect_refused(uni + 16 * 5000 + 8, 8, c1 + 5, 0, "unigram records");
    expect_refused(uni + 16 * 5000 + 8, 8, 0, 0, "unigram records");
    expect_refused(uni + 16 * 5000, 4, 0x7fc00000, 0, "unigram records");
    /* The bigram level: pointer-array header, its first offset, a word id
     * past the vocabulary, the sorted array out of order. */
    expect_refused(mid, 1, 1, 0, "pointer array header");
    expect_refused(mid + 1, 1, 200, 0, "pointer array header");
    size_t arr = (mid + 7) / 8 * 8 + 8;
    expect_refused(arr, 8, 5, 0, "trie pointers or word ids");
    expect_refused(arr + 8 * 100, 8, UINT64_MAX / 2, 0, "trie pointers or word ids");
    expect_refused(arr + 8 * 100, 8, 0, 0, "trie pointers or word ids");
    /* The trigram level (it ends where the words begin): its first word id
     * past the vocabulary (18 bits of ones), then one equal to the next. */
    size_t words = mid;
    while (words + 6 <= model_len && memcmp(model + words, "<unk>", 6) != 0) words++;
    assert_true(words + 6 <= model_len);
    uint64_t c2 = rd64(124);
    unsigned wb = 0, tb;
    for (uint64_t v = c0; v; v >>= 1) wb++;
    tb = wb + pb;
    size_t last = words - (size_t)(((1 + c2) * tb + 7) / 8 + 8);
    uint64_t first = rd64(last);
    expect_refused(last, 8, first | ((1ULL << wb) - 1), 0, "trie pointers or word ids");
    uint64_t w0 = first & ((1ULL << wb) - 1), w1 = (first >> tb) & ((1ULL << wb) - 1);
    if (w1 > w0) /* the first two trigrams share their context: a repeat is refused */
        expect_refused(last, 8, (first & ~(((1ULL << wb) - 1) << tb)) | w0 << tb, 0,
                       "trie pointers or word ids");
    free(model);
    model = NULL;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_model),
        cmocka_unit_test(test_known_probabilities),
        cmocka_unit_test(test_damaged_copies),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
