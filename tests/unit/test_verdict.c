/* test_verdict — the judge (verdict.h) on a real SQLite file: vetoes and
 * their recount (columns at and below their thresholds, key columns),
 * pending review, deductions with caps, cap groups and the × 4/3 rule,
 * the score threshold and its phrase, bonus points, availability re-judged
 * from stored probes and overruled by a dismissal, unknown targets, the
 * cell and group order of accounts, re-judging with another rule set, and
 * the report's rates; and the 通报 built from two rounds (report.h): the
 * figures, the recheck sentence, the repeat offender named, the appendix
 * rows in group and registry order, the template's errors.
 */
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
#include "judge/rules.h"
#include "judge/verdict.h"
#include "report/doc.h"
#include "report/report.h"
#include "store/store.h"

static char tmpdir[64];
static int nfile;

static int group_setup(void **state) {
    (void)state;
    lang_force("en");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gi-test-verdict-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

typedef struct world {
    store *s;
    rules *r;
    round_rec round;
} world;

static void add_site(world *w, const char *code, const char *kind, bool services) {
    site_rec r = {.code = (char *)code, .name = (char *)code, .url = "http://www.example.gov.cn/",
                  .kind = (char *)kind, .services = services, .unit = "单位"};
    err e = {0};
    assert_true(store_site_upsert(w->s, &r, NULL, &e));
}

static void add_media(world *w, const char *id, const char *name) {
    media_rec r = {.media_id = (char *)id, .platform = "wechat", .name = (char *)name,
                   .source = "/dev/null"};
    err e = {0};
    assert_true(store_media_upsert(w->s, &r, NULL, &e));
}

static void world_open(world *w) {
    char path[128];
    snprintf(path, sizeof path, "%s/w%d.db", tmpdir, nfile++);
    err e = {0};
    w->s = store_open(path, &e);
    assert_non_null(w->s);
    w->r = rules_load_default(&e);
    assert_non_null(w->r);
    round_rec r = {.name = "2020Q3", .as_of = "2020-08-10", .label = "2020年第三季度",
                   .rules_text = (char *)rules_yaml(w->r)};
    assert_true(store_round_ensure(w->s, &r, &w->round, NULL, &e));
}

static void world_close(world *w) {
    round_rec_free(&w->round);
    rules_free(w->r);
    store_close(w->s);
}

static void checked(world *w, const char *target, const char *kind, const char *state,
                    const char *reason) {
    round_target_rec t = {.round_id = w->round.id, .target = (char *)target,
                          .target_kind = (char *)kind, .state = (char *)state,
                          .reason = (char *)reason, .checked_at = "2020-08-10T10:00:00+08:00"};
    err e = {0};
    assert_true(store_target_checked(w->s, &t, &e));
}

static int64_t finding(world *w, const char *target, bool site, const char *kind,
                       const char *subject, const char *indicator, const char *status,
                       const char *evidence) {
    finding_rec f = {.round_id = w->round.id, .target = (char *)target,
                     .target_kind = site ? "site" : "media", .kind = (char *)kind,
                     .subject = (char *)subject, .indicator = (char *)indicator,
                     .status = (char *)status, .evidence = (char *)evidence,
                     .observed_at = "2020-08-10T10:00:00+08:00"};
    err e = {0};
    int64_t id = 0;
    assert_true(store_finding_record(w->s, &f, &id, &e));
    return id;
}

static void stale_columns(world *w, const char *site, int n, bool key) {
    for (int i = 0; i < n; i++) {
        char subj[64];
        snprintf(subj, sizeof subj, "http://www.example.gov.cn/col%d/%s", i, key ? "k" : "");
        finding(w, site, true, "column.stale", subj, "column.stale", "confirmed",
                key ? "{\"key\":true,\"category\":\"news\",\"level\":1}"
                    : "{\"key\":false,\"category\":\"other\",\"level\":2}");
    }
}

static const verdict *judge(world *w, verdict_set *vs, const rules *r, const char *id, bool site) {
    err e = {0};
    assert_true(verdicts_compute(w->s, r ? r : w->r, &w->round, NULL, vs, &e));
    const verdict *v = verdict_find(vs, site, id);
    assert_non_null(v);
    return v;
}

static void test_column_thresholds(void **state) {
    (void)state;
    world w;
    world_open(&w);
    add_site(&w, "6108000039", "department", true);
    add_site(&w, "6108000040", "department", true);
    add_site(&w, "6108000041", "department", true);
    checked(&w, "6108000039", "site", "complete", "");
    checked(&w, "6108000040", "site", "complete", "");
    checked(&w, "6108000041", "site", "complete", "");
    stale_columns(&w, "6108000039", 11, false); /* dated_stale >= 10: veto */
    stale_columns(&w, "6108000040", 9, false);  /* below: 9 points */
    stale_columns(&w, "6108000041", 5, true);   /* key_stale >= 5: veto */
    verdict_set vs;
    const verdict *v = judge(&w, &vs, NULL, "6108000039", true);
    assert_int_equal(v->state, VERDICT_FAIL);
    assert_int_equal(v->nvetoes, 1);
    assert_string_equal(v->vetoes[0], "site.column_stale");
    assert_int_equal(v->nproblems, 1);
    assert_string_equal(v->problems[0], "多个栏目更新不及时");
    assert_false(v->scored);
    v = verdict_find(&vs, true, "6108000040");
    assert_int_equal(v->state, VERDICT_PASS);
    assert_true(v->scored);
    assert_true(v->score > 90.99 && v->score < 91.01);
    v = verdict_find(&vs, true, "6108000041");
    assert_int_equal(v->state, VERDICT_FAIL);
    assert_int_equal(vs.sites.fail, 2);
    assert_int_equal(vs.sites.pass, 1);
    verdict_set_free(&vs);

    /* Another province: 5 dated columns are enough. The round is re-judged
     * without a new crawl. */
    const char *prov = "indicators:\n  site.column_stale:\n    dated_stale: {op: \">=\", value: 5}\n";
    err e = {0};
    rules *r2 = rules_load_text(prov, strlen(prov), "prov.yaml", &e);
    assert_non_null(r2);
    v = judge(&w, &vs, r2, "6108000040", true);
    assert_int_equal(v->state, VERDICT_FAIL);
    verdict_set_free(&vs);
    rules_free(r2);
    world_close(&w);
}

/* Columns the crawl found within their period are re-judged by a province
 * whose news period is shorter, without a new crawl. */
static void test_columns_rejudged(void **state) {
    (void)state;
    world w;
    world_open(&w);
    add_site(&w, "6108000050", "department", true);
    checked(&w, "6108000050", "site", "complete", "");
    for (int i = 0; i < 5; i++) {
        char subj[64];
        snprintf(subj, sizeof subj, "http://www.example.gov.cn/news%d/", i);
        finding(&w, "6108000050", true, "column.fresh", subj, "column.fresh", "confirmed",
                "{\"column_type\":\"\",\"column_name\":\"\",\"visible\":\"工作动态\",\"level\":1,"
                "\"category\":\"news\",\"key\":true,\"newest\":{\"date\":\"2020-07-31\"}}");
    }
    /* And one the crawl called stale that a laxer province does not. */
    finding(&w, "6108000050", true, "column.stale", "http://www.example.gov.cn/tzgg/", "column.stale",
            "confirmed",
            "{\"column_type\":\"\",\"column_name\":\"\",\"visible\":\"通知公告\",\"level\":1,"
            "\"category\":\"notice\",\"key\":true,\"newest\":{\"date\":\"2020-01-20\"}}");
    verdict_set vs;
    const verdict *v = judge(&w, &vs, NULL, "6108000050", true);
    assert_int_equal(v->state, VERDICT_PASS);
    assert_true(v->score > 98.99 && v->score < 99.01); /* the notice column: 1 point */
    verdict_set_free(&vs);

    const char *prov = "indicators:\n  site.column_stale:\n    categories:\n      news:\n"
                       "        period_days: 10\n      notice:\n        period_months: 12\n";
    err e = {0};
    rules *r2 = rules_load_text(prov, strlen(prov), "prov.yaml", &e);
    if (!r2) fail_msg("%s", e.msg);
    v = judge(&w, &vs, r2, "6108000050", true);
    assert_int_equal(v->state, VERDICT_FAIL); /* 5 key columns stale */
    assert_string_equal(v->vetoes[0], "site.column_stale");
    assert_string_equal(v->problems[0], "多个栏目更新不及时");
    verdict_set_free(&vs);
    rules_free(r2);
    world_close(&w);
}

static void test_pending_then_confirmed(void **state) {
    (void)state;
    world w;
    world_open(&w);
    add_site(&w, "6100000001", "department", true);
    checked(&w, "6100000001", "site", "complete", "");
    int64_t id = finding(&w, "6100000001", true, "text.wording", "国家卫生和计划生育委员会",
                         "site.security", "pending", "{}");
    finding(&w, "6100000001", true, "text.typo", "按装", "content.typo", "confirmed", "{}");
    verdict_set vs;
    const verdict *v = judge(&w, &vs, NULL, "6100000001", true);
    assert_int_equal(v->state, VERDICT_PENDING);
    assert_int_equal(v->pending_review, 1);
    assert_int_equal(v->npending_vetoes, 1);
    verdict_set_free(&vs);
    err e = {0};
    assert_true(store_finding_review(w.s, id, "confirmed", "审核员", "", "2020-08-11T09:00:00+08:00", &e));
    v = judge(&w, &vs, NULL, "6100000001", true);
    assert_int_equal(v->state, VERDICT_FAIL);
    assert_string_equal(v->problems[0], "存在严重表述错误");
    /* A veto decides: the deductions are listed, not scored. */
    assert_false(v->scored);
    assert_int_equal(v->ndeductions, 1);
    assert_string_equal(v->deductions[0].indicator, "content.typo");
    verdict_set_free(&vs);
    assert_true(store_finding_review(w.s, id, "dismissed", "审核员", "误报", "2020-08-11T09:00:00+08:00", &e));
    v = judge(&w, &vs, NULL, "6100000001", true);
    assert_int_equal(v->state, VERDICT_PASS);
    assert_true(v->score == 99);
    verdict_set_free(&vs);
    world_close(&w);
}

static void test_deductions_caps(void **state) {
    (void)state;
    world w;
    world_open(&w);
    add_site(&w, "6100000002", "department", true);
    add_site(&w, "6100000003", "department", false); /* services=no */
    checked(&w, "6100000002", "site", "complete", "");
    checked(&w, "6100000003", "site", "complete", "");
    char subj[64];
    /* 12 broken homepage links: 1 each, cap 10. */
    for (int i = 0; i < 12; i++) {
        snprintf(subj, sizeof subj, "http://x/%d", i);
        finding(&w, "6100000002", true, "link.broken", subj, "link.broken_home", "confirmed", "{}");
    }
    /* 14 broken links elsewhere: 1 per 5 -> 2. */
    for (int i = 0; i < 14; i++) {
        snprintf(subj, sizeof subj, "http://y/%d", i);
        finding(&w, "6100000002", true, "link.broken", subj, "link.broken_page", "confirmed", "{}");
    }
    /* All eight identity items: 8 points, but a cap of 5 together. */
    const char *ids[] = {"identity.site_code", "identity.icp", "identity.psb", "identity.conac",
                         "identity.sponsor", "identity.contact", "identity.zhaocuo", "identity.domain"};
    for (int i = 0; i < 8; i++) finding(&w, "6100000002", true, ids[i], "footer", ids[i], "confirmed", "{}");
    verdict_set vs;
    const verdict *v = judge(&w, &vs, NULL, "6100000002", true);
    assert_int_equal(v->state, VERDICT_PASS);
    assert_true(v->deducted > 16.99 && v->deducted < 17.01); /* 10 + 2 + 5 */
    verdict_set_free(&vs);

    /* services=no: 3 typos -> 3 x 4/3 = 4; a guide finding does not count. */
    for (int i = 0; i < 3; i++) {
        snprintf(subj, sizeof subj, "按装%d", i);
        finding(&w, "6100000003", true, "text.typo", subj, "content.typo", "confirmed", "{}");
    }
    finding(&w, "6100000003", true, "service.guide_incomplete", "http://g/1", "service.guide_incomplete",
            "confirmed", "{\"core_missing\":true,\"guides_examined\":1}");
    v = judge(&w, &vs, NULL, "6100000003", true);
    assert_int_equal(v->state, VERDICT_PASS);
    assert_true(v->score > 95.99 && v->score < 96.01);
    verdict_set_free(&vs);
    world_close(&w);
}

static void test_score_fail_and_bonus(void **state) {
    (void)state;
    world w;
    world_open(&w);
    add_site(&w, "6100000004", "department", true);
    add_site(&w, "6100000005", "portal", true);
    checked(&w, "6100000004", "site", "complete", "");
    checked(&w, "6100000005", "site", "complete", "");
    char subj[64];
    /* 10 + 10 + 5 + 5 + 3 + 3 + 5 = 41 points: 59 < 60 fails. */
    for (int i = 0; i < 10; i++) {
        snprintf(subj, sizeof subj, "http://x/%d", i);
        finding(&w, "6100000004", true, "link.broken", subj, "link.broken_home", "confirmed", "{}");
    }
    for (int i = 0; i < 50; i++) {
        snprintf(subj, sizeof subj, "http://y/%d", i);
        finding(&w, "6100000004", true, "link.broken", subj, "link.broken_page", "confirmed", "{}");
    }
    for (int i = 0; i < 5; i++) {
        snprintf(subj, sizeof subj, "typo%d", i);
        finding(&w, "6100000004", true, "text.typo", subj, "content.typo", "confirmed", "{}");
    }
    finding(&w, "6100000004", true, "identity.icp", "footer", "identity.icp", "confirmed", "{}");
    finding(&w, "6100000004", true, "identity.psb", "footer", "identity.psb", "confirmed", "{}");
    finding(&w, "6100000004", true, "identity.conac", "footer", "identity.conac", "confirmed", "{}");
    finding(&w, "6100000004", true, "identity.sponsor", "footer", "identity.sponsor", "confirmed", "{}");
    finding(&w, "6100000004", true, "identity.contact", "footer", "identity.contact", "confirmed", "{}");
    finding(&w, "6100000004", true, "search.broken", "search", "search.broken", "confirmed", "{}");
    finding(&w, "6100000004", true, "interaction.slow", "replies", "interaction.slow", "confirmed", "{}");
    for (int i = 0; i < 5; i++) {
        snprintf(subj, sizeof subj, "http://a/%d.doc", i);
        finding(&w, "6100000004", true, "service.attachment_broken", subj, "service.attachment_broken",
                "confirmed", "{}");
    }
    verdict_set vs;
    const verdict *v = judge(&w, &vs, NULL, "6100000004", true);
    assert_int_equal(v->state, VERDICT_FAIL);
    assert_true(v->score > 58.99 && v->score < 59.01);
    assert_int_equal(v->nproblems, 1);
    assert_string_equal(v->problems[0], "综合得分低于60分");
    assert_int_equal(v->nvetoes, 0);
    verdict_set_free(&vs);

    /* A portal at 100 with 40 bonus points: capped at 30. */
    err e = {0};
    assert_true(store_bonus_set(w.s, w.round.id, "6100000005", 40, "创新", &e));
    v = judge(&w, &vs, NULL, "6100000005", true);
    assert_true(v->score > 129.99 && v->score < 130.01);
    verdict_set_free(&vs);
    world_close(&w);
}

static void test_availability_rejudged(void **state) {
    (void)state;
    world w;
    world_open(&w);
    add_site(&w, "6100000006", "department", true);
    checked(&w, "6100000006", "site", "complete", "");
    err e = {0};
    /* 24 probes a day for the 7 days ending 2020-08-10; 9 failures: 5.36%. */
    int failed = 0;
    for (int d = 4; d <= 10; d++)
        for (int h = 0; h < 24; h++) {
            char t[40];
            snprintf(t, sizeof t, "2020-08-%02dT%02d:00:00+08:00", d, h);
            bool ok = !(d == 6 && h < 9);
            if (!ok) failed++;
            probe_rec p = {.site_code = "6100000006", .time = t, .ok = ok,
                           .http_status = ok ? 200 : 503, .elapsed_ms = 100, .error = ""};
            assert_true(store_probe_add(w.s, &p, NULL, &e));
        }
    assert_int_equal(failed, 9);
    verdict_set vs;
    const verdict *v = judge(&w, &vs, NULL, "6100000006", true);
    assert_int_equal(v->state, VERDICT_FAIL);
    assert_string_equal(v->vetoes[0], "site.unreachable");
    assert_string_equal(v->problems[0], "站点无法访问");
    verdict_set_free(&vs);
    /* A reviewer who knows better dismisses the round's finding. */
    int64_t id = finding(&w, "6100000006", true, "site.unreachable", "availability", "site.unreachable",
                         "confirmed", "{}");
    assert_true(store_finding_review(w.s, id, "dismissed", "审核员", "监测点网络故障", "2020-08-11T09:00:00+08:00", &e));
    v = judge(&w, &vs, NULL, "6100000006", true);
    assert_int_equal(v->state, VERDICT_PASS);
    verdict_set_free(&vs);
    world_close(&w);
}

static void test_media_order_and_unknown(void **state) {
    (void)state;
    world w;
    world_open(&w);
    add_media(&w, "wx-1", "横山区石窑沟办事处");
    add_media(&w, "wx-2", "榆林市退役军人事务局");
    add_media(&w, "wx-3", "不可读");
    add_media(&w, "wx-4", "未检查");
    add_media(&w, "wx-5", "正常");
    checked(&w, "wx-1", "media", "complete", "");
    checked(&w, "wx-2", "media", "complete", "");
    checked(&w, "wx-3", "media", "failed", "feed: invalid XML at line 3");
    checked(&w, "wx-5", "media", "complete", "");
    finding(&w, "wx-1", false, "media.stale", "stale", "media.stale", "confirmed", "{}");
    finding(&w, "wx-1", false, "media.interaction", "interaction", "media.interaction", "confirmed", "{}");
    finding(&w, "wx-2", false, "media.interaction", "interaction", "media.interaction", "confirmed", "{}");
    verdict_set vs;
    const verdict *v = judge(&w, &vs, NULL, "wx-1", false);
    assert_int_equal(v->state, VERDICT_FAIL);
    assert_int_equal(v->nproblems, 2);
    assert_string_equal(v->problems[0], "未提供有效互动功能");
    assert_string_equal(v->problems[1], "监测时间点2周内未更新");
    assert_int_equal(v->group, 0); /* media.stale comes first in group_order */
    assert_string_equal(v->platform, "微信");
    v = verdict_find(&vs, false, "wx-2");
    assert_int_equal(v->group, 1);
    v = verdict_find(&vs, false, "wx-3");
    assert_int_equal(v->state, VERDICT_UNKNOWN);
    assert_string_equal(v->reason, "feed: invalid XML at line 3");
    v = verdict_find(&vs, false, "wx-4");
    assert_int_equal(v->state, VERDICT_UNKNOWN);
    assert_false(v->checked);
    v = verdict_find(&vs, false, "wx-5");
    assert_int_equal(v->state, VERDICT_PASS);
    assert_false(v->scored);
    assert_int_equal(vs.media.registered, 5);
    assert_int_equal(vs.media.fail, 2);
    assert_int_equal(vs.media.pass, 1);
    assert_int_equal(vs.media.unknown, 2);
    verdict_set_free(&vs);
    world_close(&w);
}

static void test_rates(void **state) {
    (void)state;
    char b[32];
    verdict_format_rate(50, 51, 2, b, sizeof b);
    assert_string_equal(b, "98.04%");
    verdict_format_rate(1, 51, 2, b, sizeof b);
    assert_string_equal(b, "1.96%");
    verdict_format_rate(291, 323, 2, b, sizeof b);
    assert_string_equal(b, "90.09%");
    verdict_format_rate(32, 323, 2, b, sizeof b);
    assert_string_equal(b, "9.91%");
    verdict_format_rate(51, 51, 2, b, sizeof b);
    assert_string_equal(b, "100%");
    verdict_format_rate(1, 8, 2, b, sizeof b); /* 12.5 exactly */
    assert_string_equal(b, "12.50%");
    verdict_format_rate(1, 3, 0, b, sizeof b);
    assert_string_equal(b, "33%");
    verdict_format_rate(0, 0, 2, b, sizeof b);
    assert_string_equal(b, "0%");
}

/* ---- the report ---------------------------------------------------------- */

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static report_template *default_template(void) {
    err e = {0};
    report_template *t = report_template_load(GI_DATA_DIR "/report/template.txt", &e);
    if (!t) fail_msg("%s", e.msg);
    return t;
}

static void test_report_two_rounds(void **state) {
    (void)state;
    world w;
    world_open(&w);
    err e = {0};
    round_rec prev = {0};
    round_rec pr = {.name = "2020Q2", .as_of = "2020-05-10", .label = "2020年第二季度",
                    .rules_text = (char *)rules_yaml(w.r)};
    assert_true(store_round_ensure(w.s, &pr, &prev, NULL, &e));
    add_site(&w, "6108000001", "department", true);
    add_site(&w, "6108000039", "department", true);
    add_site(&w, "6108000002", "department", true);
    add_media(&w, "wx-1", "榆佳高交");
    add_media(&w, "wx-2", "大保当镇人民政府");
    add_media(&w, "wx-3", "靖边县小河镇");
    add_media(&w, "wx-4", "神木旅游");
    const char *sites[] = {"6108000001", "6108000039", "6108000002"};
    const char *media[] = {"wx-1", "wx-2", "wx-3", "wx-4"};
    for (int i = 0; i < 3; i++) checked(&w, sites[i], "site", "complete", "");
    for (int i = 0; i < 4; i++) checked(&w, media[i], "media", "complete", "");
    /* This round: one site with 11 stale columns; wx-2 closed twice. */
    stale_columns(&w, "6108000039", 11, false);
    finding(&w, "wx-3", false, "media.comment_ads", "c1", "media.comment_ads", "confirmed", "{}");
    finding(&w, "wx-2", false, "media.interaction", "interaction", "media.interaction", "confirmed", "{}");
    finding(&w, "wx-1", false, "media.stale", "stale", "media.stale", "confirmed", "{}");
    /* The previous round: both other sites failed; wx-2 and wx-4 failed. */
    round_rec cur = w.round;
    w.round = prev;
    for (int i = 0; i < 3; i++) checked(&w, sites[i], "site", "complete", "");
    for (int i = 0; i < 4; i++) checked(&w, media[i], "media", "complete", "");
    finding(&w, "6108000001", true, "home.stale", "home", "site.home_stale", "confirmed", "{}");
    finding(&w, "6108000002", true, "interaction.none", "channels", "site.interaction", "confirmed", "{}");
    finding(&w, "wx-2", false, "media.interaction", "interaction", "media.interaction", "confirmed", "{}");
    finding(&w, "wx-4", false, "media.stale", "stale", "media.stale", "confirmed", "{}");
    w.round = cur;

    verdict_set vc, vp;
    assert_true(verdicts_compute(w.s, w.r, &w.round, NULL, &vc, &e));
    assert_true(verdicts_compute(w.s, w.r, &prev, NULL, &vp, &e));
    report_template *t = default_template();
    assert_true(report_template_set(t, "地区", "榆林市", &e));
    report_input in = {.r = w.r, .cur = &vc, .prev = &vp, .s = w.s, .round_id = w.round.id,
                       .today = "2020年8月17日"};
    doc *d = report_build(&in, t, &e);
    if (!d) fail_msg("%s", e.msg);
    char path[128];
    snprintf(path, sizeof path, "%s/report.md", tmpdir);
    assert_true(doc_write_md(d, path, &e));
    const char *md = slurp(path);
    assert_non_null(strstr(md, "榆林市2020年第三季度政府网站与政府系统政务新媒体检测情况通报"));
    assert_non_null(strstr(md, "（一）第二季度复核情况。第二季度通报存在问题的2个政府网站已全部整改到位，"
                               "2个不合格政府系统政务新媒体仍有1个不合格，"));
    assert_non_null(strstr(md, "（二）政府网站检查情况。三季度政府网站检查比例为100%，其中，合格2个，占比66.67%，"
                               "存在严重问题的1个，占比33.33%"));
    assert_non_null(strstr(md, "合格1个，占比25%，存在突出问题的3个，占比75%"));
    assert_non_null(strstr(md, "微信公众号“大保当镇人民政府”连续两个季度监测仍未提供有效互动功能"));
    assert_non_null(strstr(md, "栏目不更新1个，如“6108000039”（11个栏目未及时更新）"));
    assert_non_null(strstr(md, "| 1 | 6108000039 | 6108000039 | 多个栏目更新不及时 |"));
    /* Appendix 2: stale first, then interaction, then advertising. */
    const char *a = strstr(md, "| 1 | 微信 | 榆佳高交 | 监测时间点2周内未更新 |");
    const char *b = strstr(md, "| 2 | 微信 | 大保当镇人民政府 | 未提供有效互动功能 |");
    const char *c = strstr(md, "| 3 | 微信 | 靖边县小河镇 | 留言区存在商业广告 |");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_true(a < b && b < c);
    assert_non_null(strstr(md, "2020年8月17日"));
    doc_free(d);

    /* Without --previous: no recheck paragraph, numbering from （一）. */
    in.prev = NULL;
    d = report_build(&in, t, &e);
    assert_non_null(d);
    assert_true(doc_write_md(d, path, &e));
    md = slurp(path);
    assert_null(strstr(md, "复核情况"));
    assert_non_null(strstr(md, "（一）政府网站检查情况。"));
    doc_free(d);
    report_template_free(t);
    verdict_set_free(&vc);
    verdict_set_free(&vp);
    round_rec_free(&prev);
    world_close(&w);
}

static void test_template_errors(void **state) {
    (void)state;
    err e = {0};
    const char *bad[] = {"@body 一\n@bogus 二\n", "@if previous\n@body x\n", "@endif\n",
                         "@if tomorrow\n@endif\n", "just text\n", "@section nothing\n"};
    const char *want[] = {"t.txt:2:", "@endif", "t.txt:1:", "t.txt:1:", "t.txt:1:", "t.txt:1:"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        report_template *t = report_template_parse(bad[i], strlen(bad[i]), "t.txt", &e);
        assert_null(t);
        if (!strstr(e.msg, want[i])) fail_msg("case %zu: %s", i, e.msg);
    }
    /* An unknown placeholder names its line when the report is built. */
    world w;
    world_open(&w);
    const char *text = "@title 标题\n@body {不存在}\n";
    report_template *t = report_template_parse(text, strlen(text), "t.txt", &e);
    assert_non_null(t);
    verdict_set vs;
    assert_true(verdicts_compute(w.s, w.r, &w.round, NULL, &vs, &e));
    report_input in = {.r = w.r, .cur = &vs};
    assert_null(report_build(&in, t, &e));
    assert_non_null(strstr(e.msg, "t.txt:2: unknown placeholder {不存在}"));
    /* A variable that refers to itself. */
    assert_true(report_template_set(t, "不存在", "{不存在}", &e));
    assert_null(report_build(&in, t, &e));
    assert_non_null(strstr(e.msg, "nest too deep"));
    report_template_free(t);
    verdict_set_free(&vs);
    world_close(&w);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_column_thresholds),  cmocka_unit_test(test_columns_rejudged),
        cmocka_unit_test(test_pending_then_confirmed),
        cmocka_unit_test(test_deductions_caps),    cmocka_unit_test(test_score_fail_and_bonus),
        cmocka_unit_test(test_availability_rejudged), cmocka_unit_test(test_media_order_and_unknown),
        cmocka_unit_test(test_rates),              cmocka_unit_test(test_report_two_rounds),
        cmocka_unit_test(test_template_errors),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
