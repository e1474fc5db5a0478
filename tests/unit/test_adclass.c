/* test_adclass — the comment-advertising classifier (adclass.h): each
 * signal on its own, harmless look-alikes (a citizen quoting an office
 * number, asking about a loan policy, giving their own WeChat id), folding
 * of full-width text, the rule set's weights in force, and precision and
 * recall on the labelled set tests/data/media/comments.tsv at the rule
 * set's ad_score threshold (printed; asserted against floors).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lang.h"
#include "judge/rules.h"
#include "media/adclass.h"

static rules *R;
static adclass *A;
static rules_threshold TH;

static int group_setup(void **state) {
    (void)state;
    lang_force("en");
    err e = {0};
    R = rules_load_default(&e);
    if (!R) return -1;
    A = adclass_new(R, &e);
    TH = rules_threshold_at(R, "indicators/media.comment_ads/ad_score");
    return A ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    adclass_free(A);
    rules_free(R);
    return 0;
}

static bool is_ad(const char *text) { return rules_threshold_test(TH, adclass_score(A, text, NULL)); }

static void assert_signals(const char *text, const char *want) {
    sbuf s = SBUF_INIT;
    adclass_score(A, text, &s);
    if (!strstr(s.data ? s.data : "", want)) fail_msg("'%s': signals '%s' lack '%s'", text, s.data, want);
    sbuf_free(&s);
}

static void test_signals(void **state) {
    (void)state;
    assert_signals("电话13912345678", "phone");
    assert_signals("电话 139 1234 5678", "phone");
    assert_signals("+86 13912345678", "phone");
    assert_signals("0912-3282123", "phone");
    assert_signals("400-600-8888", "phone");
    assert_signals("加V：xm88996", "contact_id:加v");
    assert_signals("vx: bao_888888", "contact_id:vx");
    assert_signals("QQ 771234567", "contact_id:qq");
    assert_signals("微信上反映过", "contact_marker:微信");
    assert_signals("点击 t.cn/A6xYz1", "short_link:t.cn");
    assert_signals("www.xx88.vip", "link");
    assert_signals("see bjl88.top now", "link");
    assert_signals("无抵押贷款", "loan:贷款");
    assert_signals("兼职日结", "job:兼职");
    assert_signals("百家乐", "gambling:百家乐");
    assert_signals("贷款 13912345678", "offer_with_contact");
    /* full-width forms fold to ASCII */
    assert_signals("ＶＸ：ｌｏａｎ６６６", "contact_id:vx");
    assert_signals("电话１３９１２３４５６７８", "phone");
}

static void test_not_signals(void **state) {
    (void)state;
    sbuf s = SBUF_INIT;
    /* a date, an amount, a year and a short number are not phones */
    adclass_score(A, "2020年08月10日 20200810 发放10000000元 12345热线", &s);
    assert_null(s.data ? strstr(s.data, "phone") : NULL);
    sbuf_reset(&s);
    /* "wx" inside a word is no marker; an ordinary decimal is no domain */
    adclass_score(A, "wxyz 3.5 分", &s);
    assert_true(s.len == 0);
    sbuf_free(&s);
    assert_true(adclass_score(A, "", NULL) == 0);
    assert_true(adclass_score(A, NULL, NULL) == 0);
}

static void test_lookalikes(void **state) {
    (void)state;
    /* The harmless cases the threshold must leave alone. */
    assert_false(is_ad("请问办事大厅的电话0912-3282123一直打不通，是换号码了吗？"));
    assert_false(is_ad("我的微信号是wang_li1980，工作人员可以加我详细说明情况吗"));
    assert_false(is_ad("请问创业担保贷款的申请条件是什么？"));
    assert_false(is_ad("我是大学生，想问问寒假有没有政府部门的兼职或者实习机会"));
    assert_false(is_ad("政府网站 www.yl.gov.cn 上的办事指南和这里说的不一样"));
    /* and the advertising it must catch */
    assert_true(is_ad("兼职刷单，日结300，加V：xm88996"));
    assert_true(is_ad("无抵押贷款，秒批秒下款，联系电话13912345678"));
    assert_true(is_ad("百家乐真人荷官在线，注册就送彩金"));
    double s1 = adclass_score(A, "兼职", NULL), s2 = adclass_score(A, "兼职日结", NULL),
           s3 = adclass_score(A, "兼职日结，加V：xm88996", NULL);
    assert_true(s1 < s2 && s2 < s3 && s3 <= 1);
}

static void test_rule_set_weights(void **state) {
    (void)state;
    /* The weights are data: a variant that trusts phone numbers fully makes
     * any number an advertisement. */
    static const char variant[] = "indicators:\n  media.comment_ads:\n    weights:\n      phone: 1\n";
    err e = {0};
    rules *r = rules_load_text(variant, strlen(variant), "variant.yaml", &e);
    assert_non_null(r);
    adclass *a = adclass_new(r, &e);
    assert_non_null(a);
    assert_true(adclass_score(a, "电话0912-3282123", NULL) > 0.99);
    adclass_free(a);
    rules_free(r);
}

/* Precision and recall on a labelled file of tests/data/media. */
static void measure(const char *name, int min_ads, int min_ok, double min_precision, double min_recall) {
    char path[1024];
    snprintf(path, sizeof path, "%s/media/%s", GI_TEST_DATA, name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    int tp = 0, fp = 0, fn = 0, tn = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *origin = strchr(line, '\t');
        char *text = origin ? strchr(origin + 1, '\t') : NULL;
        assert_non_null(text);
        *origin = '\0';
        bool truth = strcmp(line, "ad") == 0;
        bool said = is_ad(text + 1);
        if (truth && said) tp++;
        else if (!truth && said) { fp++; print_message("%s: false positive: %s\n", name, text + 1); }
        else if (truth) { fn++; print_message("%s: missed: %s\n", name, text + 1); }
        else tn++;
    }
    fclose(f);
    double precision = tp + fp ? (double)tp / (tp + fp) : 0, recall = tp + fn ? (double)tp / (tp + fn) : 0;
    print_message("%s: %d advertising, %d harmless; tp %d fp %d fn %d tn %d; "
                  "precision %.3f recall %.3f\n",
                  name, tp + fn, fp + tn, tp, fp, fn, tn, precision, recall);
    assert_true(tp + fn >= min_ads && fp + tn >= min_ok);
    assert_true(precision >= min_precision);
    assert_true(recall >= min_recall);
}

/* The set the weights were set on, and one written afterwards. */
static void test_labelled_set(void **state) {
    (void)state;
    measure("comments.tsv", 30, 45, 0.95, 0.90);
}

static void test_holdout_set(void **state) {
    (void)state;
    measure("comments_holdout.tsv", 15, 15, 0.85, 0.75);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signals),
        cmocka_unit_test(test_not_signals),
        cmocka_unit_test(test_lookalikes),
        cmocka_unit_test(test_rule_set_weights),
        cmocka_unit_test(test_labelled_set),
        cmocka_unit_test(test_holdout_set),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
