/* Unit tests of src/judge/rules: the built-in national set's values, the
 * merge of a user's file, the schema errors, hostile input, thresholds and
 * the dump/reload round trip. */
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

extern const char rules_default_text[];
extern const size_t rules_default_text_len;

/* ---- helpers ------------------------------------------------------------ */

static rules *load_ok(const char *text) {
    err e = {0};
    rules *r = rules_load_text(text, strlen(text), "prov.yaml", &e);
    if (!r) fail_msg("unexpected error: %s", e.msg);
    return r;
}

/* Loads text that must fail; returns the message in buf. */
static const char *load_err(const char *text, char *buf, size_t size) {
    err e = {0};
    rules *r = rules_load_text(text, strlen(text), "prov.yaml", &e);
    if (r) {
        rules_free(r);
        fail_msg("expected an error for:\n%s", text);
    }
    assert_int_not_equal(e.cls, ERR_NONE);
    snprintf(buf, size, "%s", e.msg);
    return buf;
}

#define ASSERT_CONTAINS(hay, needle)                                                    \
    do {                                                                                \
        if (!strstr((hay), (needle))) fail_msg("'%s' not found in '%s'", (needle), (hay)); \
    } while (0)

static void assert_threshold(const rules *r, const char *path, rules_op op, double value) {
    rules_threshold t = rules_threshold_at(r, path);
    if (t.op != op || t.value != value)
        fail_msg("%s: got %s %g, expected %s %g", path, rules_op_name(t.op), t.value, rules_op_name(op), value);
}

static void assert_list(const rules *r, const char *path, const char *const *items, size_t n) {
    assert_int_equal(rules_list_len(r, path), n);
    for (size_t i = 0; i < n; i++) assert_string_equal(rules_list_item(r, path, i), items[i]);
}

#define LIST(...) ((const char *const[]){__VA_ARGS__}), (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static void assert_kind(const rules *r, const char *kind, const char *indicator, const char *review, const char *phrase) {
    rules_kind k;
    if (!rules_kind_get(r, kind, &k)) fail_msg("kind %s missing", kind);
    assert_string_equal(k.kind, kind);
    assert_string_equal(k.indicator, indicator);
    assert_string_equal(k.review, review);
    assert_string_equal(k.phrase, phrase);
}

static void assert_deduction(const rules *r, const char *code, const char *area, double points, double per, double cap) {
    char p[160];
    snprintf(p, sizeof p, "indicators/%s/type", code);
    assert_string_equal(rules_string(r, p), "deduction");
    snprintf(p, sizeof p, "indicators/%s/area", code);
    assert_string_equal(rules_string(r, p), area);
    snprintf(p, sizeof p, "indicators/%s/points", code);
    assert_true(rules_number(r, p) == points);
    snprintf(p, sizeof p, "indicators/%s/per", code);
    assert_true(rules_number(r, p) == per);
    snprintf(p, sizeof p, "indicators/%s/cap", code);
    assert_true(rules_number(r, p) == cap);
}

static char *write_temp(const char *text) {
    const char *dir = getenv("TMPDIR");
    char *path = malloc(512);
    assert_non_null(path);
    snprintf(path, 512, "%s/test_rules_XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

static int setup_en(void **state) {
    (void)state;
    lang_force("en");
    return 0;
}

/* ---- the built-in set --------------------------------------------------- */

static void test_default_loads(void **state) {
    (void)state;
    err e = {0};
    rules *r = rules_load_default(&e);
    assert_non_null(r);
    assert_string_equal(rules_id(r), "cn-national-2019");
    assert_non_null(strstr(rules_title(r), "检查指标"));
    assert_string_equal(rules_string(r, "ruleset/time_zone"), "+08:00");
    /* The default keeps its comments: `rules show` prints the file itself. */
    assert_ptr_equal(rules_yaml(r), rules_default_text);
    assert_int_equal(strlen(rules_yaml(r)), rules_default_text_len);
    rules_free(r);
}

static void test_default_verdict_model(void **state) {
    (void)state;
    rules *r = rules_load_default(NULL);
    assert_non_null(r);
    assert_true(rules_number(r, "verdict/score/base") == 100);
    assert_threshold(r, "verdict/score/fail", RULES_LT, 60);
    assert_string_equal(rules_string(r, "verdict/score/fail_phrase"), "综合得分低于60分");
    assert_true(rules_number(r, "verdict/score/decimals") == 2);
    assert_string_equal(rules_string(r, "verdict/no_services/skip_area"), "办事服务");
    assert_true(rules_number(r, "verdict/no_services/factor_numerator") == 4);
    assert_true(rules_number(r, "verdict/no_services/factor_denominator") == 3);
    assert_string_equal(rules_string(r, "verdict/bonus/site_kind"), "portal");
    assert_threshold(r, "verdict/bonus/eligible", RULES_GT, 80);
    assert_true(rules_number(r, "verdict/bonus/max_points") == 30);
    assert_true(rules_number(r, "verdict/pass_rate_decimals") == 2);
    rules_free(r);
}

static void test_default_site_vetoes(void **state) {
    (void)state;
    rules *r = rules_load_default(NULL);
    assert_non_null(r);
    const char *vetoes[] = {"site.security", "site.unreachable", "site.home_stale",
                            "site.column_stale", "site.interaction", "site.service"};
    for (size_t i = 0; i < 6; i++) {
        char p[128];
        snprintf(p, sizeof p, "indicators/%s/type", vetoes[i]);
        assert_string_equal(rules_string(r, p), "veto");
        snprintf(p, sizeof p, "indicators/%s/target", vetoes[i]);
        assert_string_equal(rules_string(r, p), "site");
    }
    assert_threshold(r, "indicators/site.security/forged_date_days", RULES_GT, 1);

    assert_true(rules_number(r, "indicators/site.unreachable/window_days") == 7);
    assert_threshold(r, "indicators/site.unreachable/slow_seconds", RULES_GT, 15);
    assert_threshold(r, "indicators/site.unreachable/failed_status", RULES_GE, 400);
    assert_threshold(r, "indicators/site.unreachable/failure_ratio", RULES_GE, 0.05);

    assert_true(rules_number(r, "indicators/site.home_stale/window_days") == 14);

    assert_threshold(r, "indicators/site.column_stale/key_stale", RULES_GE, 5);
    assert_threshold(r, "indicators/site.column_stale/dated_stale", RULES_GE, 10);
    assert_threshold(r, "indicators/site.column_stale/blank", RULES_GE, 5);
    assert_list(r, "indicators/site.column_stale/blank_placeholders", LIST("暂无信息", "暂无数据", "正在建设中"));

    assert_true(rules_number(r, "indicators/site.interaction/window_months") == 12);
    assert_true(rules_number(r, "indicators/site.interaction/reply_limit_months") == 3);
    assert_list(r, "indicators/site.interaction/channel_patterns",
                LIST("留言", "咨询", "信箱", "书记信箱", "市长信箱", "局长信箱", "互动交流", "政民互动"));
    assert_list(r, "indicators/site.interaction/excluded_patterns", LIST("信访", "纪检", "举报"));

    assert_true(rules_number(r, "indicators/site.service/guides_examined_max") == 50);
    assert_threshold(r, "indicators/site.service/incomplete_share", RULES_GT, 0.5);
    assert_list(r, "indicators/site.service/core_elements", LIST("item_name", "basis", "conditions", "materials"));
    assert_int_equal(rules_keys_len(r, "indicators/site.service/elements"), 8);
    const char *names[] = {"事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "联系电话", "办理流程"};
    for (size_t i = 0; i < 8; i++) {
        char p[160];
        snprintf(p, sizeof p, "indicators/site.service/elements/%s/name",
                 rules_key(r, "indicators/site.service/elements", i));
        assert_string_equal(rules_string(r, p), names[i]);
    }
    /* Synonyms as guides write them. */
    bool found = false;
    for (size_t i = 0; i < rules_list_len(r, "indicators/site.service/elements/conditions/synonyms"); i++)
        found |= !strcmp(rules_list_item(r, "indicators/site.service/elements/conditions/synonyms", i), "受理条件");
    assert_true(found);
    found = false;
    for (size_t i = 0; i < rules_list_len(r, "indicators/site.service/elements/materials/synonyms"); i++)
        found |= !strcmp(rules_list_item(r, "indicators/site.service/elements/materials/synonyms", i), "申请材料");
    assert_true(found);
    found = false;
    for (size_t i = 0; i < rules_list_len(r, "indicators/site.service/elements/phone/synonyms"); i++)
        found |= !strcmp(rules_list_item(r, "indicators/site.service/elements/phone/synonyms", i), "咨询电话");
    assert_true(found);
    rules_free(r);
}

static void test_default_column_categories(void **state) {
    (void)state;
    rules *r = rules_load_default(NULL);
    assert_non_null(r);
    const char *cats = "indicators/site.column_stale/categories";
    assert_list(r, "indicators/site.column_stale/match_order",
                LIST("notice", "policy", "news", "plan", "personnel", "report", "static"));
    /* Notice and policy are tried before plan: 财政预决算公告 is a notice. */
    size_t notice = 99, policy = 99, plan = 99;
    for (size_t i = 0; i < rules_list_len(r, "indicators/site.column_stale/match_order"); i++) {
        const char *c = rules_list_item(r, "indicators/site.column_stale/match_order", i);
        if (!strcmp(c, "notice")) notice = i;
        if (!strcmp(c, "policy")) policy = i;
        if (!strcmp(c, "plan")) plan = i;
    }
    assert_true(notice < plan && policy < plan);

    assert_list(r, "indicators/site.column_stale/categories/news/patterns",
                LIST("动态", "要闻", "工作动态", "部门动态", "乡镇动态", "新闻"));
    assert_true(rules_number(r, "indicators/site.column_stale/categories/news/period_days") == 14);
    assert_string_equal(rules_string(r, "indicators/site.column_stale/categories/news/key"), "always");
    assert_true(rules_number(r, "indicators/site.column_stale/categories/notice/period_months") == 6);
    assert_string_equal(rules_string(r, "indicators/site.column_stale/categories/notice/key"), "top_level");
    assert_true(rules_number(r, "indicators/site.column_stale/categories/policy/period_months") == 6);
    assert_string_equal(rules_string(r, "indicators/site.column_stale/categories/policy/key"), "top_level");
    assert_list(r, "indicators/site.column_stale/categories/policy/patterns",
                LIST("政策文件", "政策法规", "规范性文件", "文件"));
    assert_true(rules_number(r, "indicators/site.column_stale/categories/plan/period_months") == 12);
    assert_true(rules_number(r, "indicators/site.column_stale/categories/personnel/period_months") == 12);
    assert_true(rules_number(r, "indicators/site.column_stale/categories/report/period_months") == 12);
    assert_true(rules_number(r, "indicators/site.column_stale/categories/other/period_months") == 12);
    assert_string_equal(rules_string(r, "indicators/site.column_stale/categories/static/period"), "never");
    assert_false(rules_has(r, "indicators/site.column_stale/categories/static/period_days"));
    assert_int_equal(rules_list_len(r, "indicators/site.column_stale/categories/other/patterns"), 0);
    assert_int_equal(rules_keys_len(r, cats), 8);
    assert_string_equal(rules_key(r, cats, 0), "news");
    assert_string_equal(rules_string(r, "indicators/column.policy_stale/category"), "policy");
    rules_free(r);
}

static void test_default_deductions(void **state) {
    (void)state;
    rules *r = rules_load_default(NULL);
    assert_non_null(r);
    assert_deduction(r, "link.broken_home", "功能设计", 1, 1, 10);
    assert_deduction(r, "link.broken_page", "功能设计", 1, 5, 10);
    assert_deduction(r, "tags.missing", "功能设计", 1, 10, 5);
    const char *ids[] = {"identity.site_code", "identity.icp",     "identity.psb",     "identity.conac",
                         "identity.sponsor",   "identity.contact", "identity.zhaocuo", "identity.domain"};
    for (size_t i = 0; i < 8; i++) assert_deduction(r, ids[i], "功能设计", 1, 1, 5);
    assert_true(rules_number(r, "cap_groups/identity/cap") == 5);
    assert_list(r, "cap_groups/identity/members", ids, 8);
    assert_deduction(r, "search.broken", "功能设计", 3, 1, 3);
    assert_deduction(r, "content.typo", "发布解读", 1, 1, 5);
    assert_deduction(r, "column.policy_stale", "发布解读", 5, 1, 5);
    assert_deduction(r, "column.stale", "发布解读", 1, 1, 10);
    assert_deduction(r, "column.blank", "发布解读", 1, 1, 10);
    assert_true(rules_number(r, "cap_groups/columns/cap") == 10);
    assert_list(r, "cap_groups/columns/members", LIST("column.stale", "column.blank"));
    assert_deduction(r, "interaction.slow", "互动交流", 3, 1, 3);
    assert_true(rules_number(r, "indicators/interaction.slow/window_months") == 2);
    assert_deduction(r, "service.guide_incomplete", "办事服务", 1, 1, 10);
    assert_deduction(r, "service.attachment_broken", "办事服务", 1, 1, 5);
    rules_free(r);
}

static void test_default_info_and_media(void **state) {
    (void)state;
    rules *r = rules_load_default(NULL);
    assert_non_null(r);
    const char *info[] = {"probe.insufficient", "downtime.excess", "crawl.incomplete", "script.external",
                          "media.feed_error",   "tags.case",       "tags.site_domain", "link.hidden",
                          "report.annual_missing"};
    for (size_t i = 0; i < sizeof info / sizeof *info; i++) {
        char p[128];
        snprintf(p, sizeof p, "indicators/%s/type", info[i]);
        assert_string_equal(rules_string(r, p), "info");
        assert_kind(r, info[i], info[i], !strcmp(info[i], "script.external") ? "pending" : "confirmed", "");
    }
    assert_threshold(r, "indicators/probe.insufficient/day_probes", RULES_LT, 20);
    assert_true(rules_number(r, "indicators/downtime.excess/window_months") == 12);
    assert_threshold(r, "indicators/downtime.excess/takedowns", RULES_GT, 1);
    assert_threshold(r, "indicators/downtime.excess/takedown_days", RULES_GT, 30);
    assert_true(rules_number(r, "indicators/report.annual_missing/due_month") == 1);
    assert_true(rules_number(r, "indicators/report.annual_missing/due_day") == 31);

    const char *media[] = {"media.security", "media.interaction", "media.comment_ads", "media.stale"};
    for (size_t i = 0; i < 4; i++) {
        char p[128];
        snprintf(p, sizeof p, "indicators/%s/type", media[i]);
        assert_string_equal(rules_string(r, p), "veto");
        snprintf(p, sizeof p, "indicators/%s/target", media[i]);
        assert_string_equal(rules_string(r, p), "media");
    }
    assert_threshold(r, "indicators/media.comment_ads/ad_score", RULES_GE, 0.6);
    assert_true(rules_number(r, "indicators/media.stale/window_days") == 14);
    assert_threshold(r, "indicators/media.stale/capture_age_days", RULES_LE, 1);

    assert_list(r, "page_tags/groups/site/tags", LIST("SiteName", "SiteDomain", "SiteIDCode"));
    assert_list(r, "page_tags/groups/column/tags", LIST("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType"));
    assert_list(r, "page_tags/groups/article/tags",
                LIST("ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author", "Description", "Url"));
    assert_list(r, "page_tags/groups/article/pages", LIST("content"));
    assert_list(r, "page_tags/allow_empty", LIST("Author", "Keywords"));
    assert_list(r, "domains/government_suffixes", LIST(".gov.cn", ".政务"));
    const char *allow[] = {"conac.cn", "zfwzzc.www.gov.cn", "beian.miit.gov.cn", "beian.gov.cn"};
    for (size_t i = 0; i < 4; i++) assert_string_equal(rules_list_item(r, "domains/allow", i), allow[i]);
    assert_list(r, "footer/conac_hosts", LIST("conac.cn"));
    assert_list(r, "footer/zhaocuo_hosts", LIST("zfwzzc.www.gov.cn"));
    rules_free(r);
}

static void test_default_kinds(void **state) {
    (void)state;
    rules *r = rules_load_default(NULL);
    assert_non_null(r);
    assert_kind(r, "text.wording", "site.security", "pending", "存在严重表述错误");
    assert_kind(r, "link.hidden_harmful", "site.security", "pending", "存在暗链");
    assert_kind(r, "text.harmful", "site.security", "pending", "存在违规内容或链接");
    assert_kind(r, "link.harmful", "site.security", "pending", "存在违规内容或链接");
    assert_kind(r, "page.defaced", "site.security", "pending", "网页被篡改");
    assert_kind(r, "date.forged", "site.security", "pending", "发布日期造假");
    assert_kind(r, "site.unreachable", "site.unreachable", "confirmed", "站点无法访问");
    assert_kind(r, "home.stale", "site.home_stale", "confirmed", "首页2周内未更新");
    assert_kind(r, "column.stale", "column.stale", "confirmed", "多个栏目更新不及时");
    assert_string_equal(rules_string(r, "kinds/column.stale/veto"), "site.column_stale");
    assert_kind(r, "column.blank", "column.blank", "confirmed", "空白栏目过多");
    assert_string_equal(rules_string(r, "kinds/column.blank/veto"), "site.column_stale");
    assert_kind(r, "interaction.none", "site.interaction", "confirmed", "未提供有效互动渠道");
    assert_kind(r, "interaction.unanswered", "site.interaction", "confirmed", "留言超过3个月未回复");
    assert_kind(r, "service.none", "site.service", "confirmed", "未提供办事服务");
    assert_kind(r, "service.guide_incomplete", "service.guide_incomplete", "confirmed", "办事指南要素缺失");
    assert_kind(r, "link.broken", "link.broken_page", "confirmed", "");
    assert_string_equal(rules_string(r, "kinds/link.broken/home_indicator"), "link.broken_home");
    assert_kind(r, "text.typo", "content.typo", "pending", "");
    assert_kind(r, "tags.missing", "tags.missing", "confirmed", "");
    assert_kind(r, "media.stale", "media.stale", "confirmed", "监测时间点2周内未更新");
    assert_kind(r, "media.interaction", "media.interaction", "confirmed", "未提供有效互动功能");
    assert_kind(r, "media.interaction_unknown", "media.interaction", "pending", "未提供有效互动功能");
    assert_kind(r, "media.comment_ads", "media.comment_ads", "pending", "留言区存在商业广告");
    assert_kind(r, "post.wording", "media.security", "pending", "存在严重表述错误");
    assert_false(rules_kind_get(r, "no.such_kind", NULL));

    /* Every kind names an existing indicator; every veto indicator is
     * reachable from some kind (directly or by escalation). */
    size_t nk = rules_keys_len(r, "kinds");
    assert_true(nk > 40);
    for (size_t i = 0; i < nk; i++) {
        rules_kind k;
        assert_true(rules_kind_get(r, rules_key(r, "kinds", i), &k));
        char p[160];
        snprintf(p, sizeof p, "indicators/%s", k.indicator);
        assert_true(rules_has(r, p));
        assert_true(!strcmp(k.review, "pending") || !strcmp(k.review, "confirmed"));
    }
    for (size_t i = 0; i < rules_keys_len(r, "indicators"); i++) {
        const char *code = rules_key(r, "indicators", i);
        char p[160];
        snprintf(p, sizeof p, "indicators/%s/type", code);
        if (strcmp(rules_string(r, p), "veto")) continue;
        bool reached = false;
        for (size_t j = 0; j < nk; j++) {
            const char *kind = rules_key(r, "kinds", j);
            rules_kind k;
            rules_kind_get(r, kind, &k);
            snprintf(p, sizeof p, "kinds/%s/veto", kind);
            if (!strcmp(k.indicator, code) || (rules_has(r, p) && !strcmp(rules_string(r, p), code))) reached = true;
        }
        if (!reached) fail_msg("no kind leads to veto %s", code);
    }
    rules_free(r);
}

/* Does some kind with a phrase lead to `code`? */
static bool kind_leads_to(const rules *r, const char *code) {
    for (size_t j = 0; j < rules_keys_len(r, "kinds"); j++) {
        const char *kind = rules_key(r, "kinds", j);
        rules_kind k;
        char p[160];
        rules_kind_get(r, kind, &k);
        snprintf(p, sizeof p, "kinds/%s/veto", kind);
        if ((!strcmp(k.indicator, code) || (rules_has(r, p) && !strcmp(rules_string(r, p), code))) && *k.phrase)
            return true;
    }
    return false;
}

/* The first phrase of veto `code` (kinds order). */
static const char *phrase_of(const rules *r, const char *code) {
    for (size_t j = 0; j < rules_keys_len(r, "kinds"); j++) {
        rules_kind k;
        rules_kind_get(r, rules_key(r, "kinds", j), &k);
        if (!strcmp(k.indicator, code) && !strcmp(k.review, "confirmed") && *k.phrase) return k.phrase;
    }
    return "";
}

static void test_default_report_order(void **state) {
    (void)state;
    rules *r = rules_load_default(NULL);
    assert_non_null(r);
    assert_string_equal(rules_string(r, "report/separator"), "；");
    assert_list(r, "report/media/cell_order", LIST("media.security", "media.interaction", "media.comment_ads", "media.stale"));
    assert_list(r, "report/media/group_order", LIST("media.stale", "media.interaction", "media.comment_ads"));
    assert_list(r, "report/sites/cell_order",
                LIST("site.security", "site.unreachable", "site.home_stale", "site.column_stale", "site.interaction",
                     "site.service", "score"));
    const char *lists[] = {"report/sites/cell_order", "report/sites/group_order", "report/media/cell_order",
                           "report/media/group_order"};
    for (size_t l = 0; l < 4; l++)
        for (size_t i = 0; i < rules_list_len(r, lists[l]); i++) {
            const char *code = rules_list_item(r, lists[l], i);
            if (!strcmp(code, "score")) continue;
            if (!kind_leads_to(r, code)) fail_msg("%s: no kind with a phrase for %s", lists[l], code);
        }

    /* The seed's 附件2: an account failing interaction and staleness sits
     * in the stale group, its cell in table order. */
    const char *problems[] = {"media.stale", "media.interaction"};
    const char *group = NULL;
    for (size_t i = 0; i < rules_list_len(r, "report/media/group_order") && !group; i++)
        for (size_t j = 0; j < 2; j++)
            if (!strcmp(rules_list_item(r, "report/media/group_order", i), problems[j])) group = problems[j];
    assert_string_equal(group, "media.stale");
    char cell[256] = "";
    for (size_t i = 0; i < rules_list_len(r, "report/media/cell_order"); i++) {
        const char *code = rules_list_item(r, "report/media/cell_order", i);
        if (strcmp(code, problems[0]) && strcmp(code, problems[1])) continue;
        if (*cell) strcat(cell, rules_string(r, "report/separator"));
        strcat(cell, phrase_of(r, code));
    }
    assert_string_equal(cell, "未提供有效互动功能；监测时间点2周内未更新");
    rules_free(r);
}

/* ---- merging ------------------------------------------------------------ */

/* Lines of a that differ from the line at the same place in b. */
static size_t differing_lines(const char *a, const char *b, char *first, size_t size) {
    size_t n = 0;
    while (*a || *b) {
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
        if (la != lb || memcmp(a, b, la)) {
            if (!n) snprintf(first, size, "%.*s", (int)la, a);
            n++;
        }
        a += la + (ea ? 1 : 0);
        b += lb + (eb ? 1 : 0);
    }
    return n;
}

static void test_overlay_provincial(void **state) {
    (void)state;
    char *path = write_temp("indicators:\n  media.stale:\n    window_days: 10\n");
    err e = {0};
    rules *prov = rules_load_file(path, &e);
    if (!prov) fail_msg("%s", e.msg);
    assert_true(rules_number(prov, "indicators/media.stale/window_days") == 10);
    assert_threshold(prov, "indicators/media.stale/capture_age_days", RULES_LE, 1);
    assert_true(rules_number(prov, "indicators/site.home_stale/window_days") == 14);
    assert_string_equal(rules_id(prov), "cn-national-2019");

    /* Exactly one field differs from the built-in set. */
    rules *full = load_ok(rules_default_text); /* a full copy: the built-in set */
    assert_ptr_equal(rules_yaml(full), rules_default_text);
    rules *same = load_ok("ruleset:\n  id: cn-national-2019\n"); /* merged, no change */
    char first[256];
    assert_int_equal(differing_lines(rules_yaml(prov), rules_yaml(same), first, sizeof first), 1);
    ASSERT_CONTAINS(first, "window_days: 10");
    rules_free(same);
    rules_free(full);
    rules_free(prov);

    /* An empty file, or comments only, changes nothing. */
    rules *empty = load_ok("# nothing here\n");
    assert_ptr_equal(rules_yaml(empty), rules_default_text);
    rules_free(empty);
    unlink(path);
    free(path);
}

static void test_overlay_lists_replace_mappings_merge(void **state) {
    (void)state;
    rules *r = load_ok("indicators:\n"
                       "  site.interaction:\n"
                       "    excluded_patterns: [信访]\n"
                       "  site.unreachable:\n"
                       "    failure_ratio: {value: 0.1}\n"
                       "  site.column_stale:\n"
                       "    categories:\n"
                       "      notice: {period_days: 30}\n"
                       "      static:\n"
                       "        patterns:\n"
                       "report:\n"
                       "  media:\n"
                       "    group_order: [media.interaction, media.stale]\n");
    assert_list(r, "indicators/site.interaction/excluded_patterns", LIST("信访"));
    /* A threshold is a mapping: the op is kept when only the value is given. */
    assert_threshold(r, "indicators/site.unreachable/failure_ratio", RULES_GE, 0.1);
    /* Writing period_days replaces period_months. */
    assert_true(rules_number(r, "indicators/site.column_stale/categories/notice/period_days") == 30);
    assert_false(rules_has(r, "indicators/site.column_stale/categories/notice/period_months"));
    assert_int_equal(rules_list_len(r, "indicators/site.column_stale/categories/static/patterns"), 0);
    assert_list(r, "report/media/group_order", LIST("media.interaction", "media.stale"));
    rules_free(r);
}

/* ---- errors ------------------------------------------------------------- */

static void test_error_unknown_key(void **state) {
    (void)state;
    char m[1024];
    load_err("indicators:\n  media.stale:\n    windw_days: 10\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:3:");
    ASSERT_CONTAINS(m, "indicators.media.stale.windw_days");
    ASSERT_CONTAINS(m, "unknown key");
    load_err("ruleset:\n  id: x\nthresholds: {}\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:3: thresholds:");
    load_err("indicators:\n  media.stal:\n    window_days: 10\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:2: indicators.media.stal:");
    /* Localised. */
    lang_force("zh_CN.UTF-8");
    load_err("indicators:\n  media.stale:\n    windw_days: 10\n", m, sizeof m);
    ASSERT_CONTAINS(m, "未知的键");
    lang_force("en");
}

static void test_error_shapes(void **state) {
    (void)state;
    char m[1024];
    load_err("indicators: 5\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:1: indicators: expected a mapping");
    load_err("indicators:\n  media.stale:\n    window_days: [10]\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:3: indicators.media.stale.window_days: expected a number");
    load_err("verdict:\n  score:\n    fail: 60\n", m, sizeof m);
    ASSERT_CONTAINS(m, "verdict.score.fail: expected a threshold");
    load_err("report:\n  separator: [a]\n", m, sizeof m);
    ASSERT_CONTAINS(m, "report.separator: expected text");
    load_err("domains:\n  allow: conac.cn\n", m, sizeof m);
    ASSERT_CONTAINS(m, "domains.allow: expected a list");
    load_err("domains:\n  allow: [[a]]\n", m, sizeof m);
    ASSERT_CONTAINS(m, "domains.allow: expected a list of text");
    load_err("- a\n- b\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:1:");
    ASSERT_CONTAINS(m, "mapping");
    load_err("ruleset:\n  id: a\nruleset:\n  id: b\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:3: duplicate key 'ruleset'");
    load_err("indicators:\n  site.column_stale:\n    categories:\n      notice: {period_days: 3, period_months: 1}\n",
             m, sizeof m);
    ASSERT_CONTAINS(m, "only one of period_days");
    load_err("indicators:\n  site.column_stale:\n    categories:\n      static:\n        period: sometimes\n", m,
             sizeof m);
    ASSERT_CONTAINS(m, "categories.static.period: expected one of never");
}

static void test_error_bad_op(void **state) {
    (void)state;
    char m[1024];
    load_err("indicators:\n  site.unreachable:\n    failure_ratio: {op: \"=>\", value: 0.05}\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:3: indicators.site.unreachable.failure_ratio.op:");
    ASSERT_CONTAINS(m, "'=>'");
    load_err("indicators:\n  site.unreachable:\n    failure_ratio:\n      op: \">=\"\n      value: -1\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:5: indicators.site.unreachable.failure_ratio.value:");
    load_err("indicators:\n  site.unreachable:\n    failure_ratio: {op: \">=\", value: 0.05, unit: percent}\n", m,
             sizeof m);
    ASSERT_CONTAINS(m, "failure_ratio.unit: unknown key");
    load_err("indicators:\n  media.stale:\n    capture_age_days: {value: 1.5}\n", m, sizeof m);
    ASSERT_CONTAINS(m, "capture_age_days.value: expected a whole number of days");
}

static void test_error_bad_review(void **state) {
    (void)state;
    char m[1024];
    load_err("kinds:\n  text.typo:\n    review: maybe\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:3: kinds.text.typo.review:");
    ASSERT_CONTAINS(m, "pending");
    ASSERT_CONTAINS(m, "'maybe'");
    /* Changing a review default is what the key is for. */
    rules *r = load_ok("kinds:\n  text.typo:\n    review: confirmed\n");
    rules_kind k;
    assert_true(rules_kind_get(r, "text.typo", &k));
    assert_string_equal(k.review, "confirmed");
    rules_free(r);
}

static void test_error_numbers(void **state) {
    (void)state;
    char m[1024];
    load_err("indicators:\n  media.stale:\n    window_days: ten\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:3: indicators.media.stale.window_days: expected a whole number >= 1, got 'ten'");
    load_err("indicators:\n  media.stale:\n    window_days: 10.5\n", m, sizeof m);
    ASSERT_CONTAINS(m, "whole number >= 1");
    load_err("indicators:\n  media.stale:\n    window_days: 0\n", m, sizeof m);
    ASSERT_CONTAINS(m, "whole number >= 1");
    load_err("indicators:\n  link.broken_home:\n    points: -1\n", m, sizeof m);
    ASSERT_CONTAINS(m, "indicators.link.broken_home.points: expected a number >= 0, got '-1'");
    load_err("indicators:\n  link.broken_home:\n    cap: 10abc\n", m, sizeof m);
    ASSERT_CONTAINS(m, "expected a number, got '10abc'");
    load_err("indicators:\n  link.broken_home:\n    cap: nan\n", m, sizeof m);
    ASSERT_CONTAINS(m, "got 'nan'");
    load_err("indicators:\n  link.broken_home:\n    cap: 0x10\n", m, sizeof m);
    ASSERT_CONTAINS(m, "got '0x10'");
    load_err("indicators:\n  link.broken_home:\n    cap: 1e999\n", m, sizeof m);
    ASSERT_CONTAINS(m, "got '1e999'");
    load_err("indicators:\n  link.broken_page:\n    per: 0\n", m, sizeof m);
    ASSERT_CONTAINS(m, "indicators.link.broken_page.per: expected a whole number >= 1");
    load_err("verdict:\n  no_services:\n    factor_denominator: 0\n", m, sizeof m);
    ASSERT_CONTAINS(m, "factor_denominator");
    load_err("indicators:\n  report.annual_missing:\n    due_month: 13\n", m, sizeof m);
    ASSERT_CONTAINS(m, "due_month");
    load_err("ruleset:\n  time_zone: Asia/Shanghai\n", m, sizeof m);
    ASSERT_CONTAINS(m, "ruleset.time_zone");

    /* Decimals, exponents and quoted numbers are numbers. */
    rules *r = load_ok("indicators:\n  link.broken_home:\n    cap: 12.5\n    points: \"2\"\n  link.broken_page:\n"
                       "    per: 1e1\n");
    assert_true(rules_number(r, "indicators/link.broken_home/cap") == 12.5);
    assert_true(rules_number(r, "indicators/link.broken_home/points") == 2);
    assert_true(rules_number(r, "indicators/link.broken_page/per") == 10);
    rules_free(r);
}

static void test_error_references(void **state) {
    (void)state;
    char m[1024];
    load_err("kinds:\n  text.typo:\n    indicator: content.typos\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:3: kinds.text.typo.indicator: no indicator 'content.typos'");
    load_err("kinds:\n  column.stale:\n    veto: column.blank\n", m, sizeof m);
    ASSERT_CONTAINS(m, "not a veto indicator");
    load_err("report:\n  media:\n    group_order: [media.stale, media.stale]\n", m, sizeof m);
    ASSERT_CONTAINS(m, "listed twice");
    load_err("report:\n  media:\n    cell_order: [media.stale, site.security]\n", m, sizeof m);
    ASSERT_CONTAINS(m, "report.media.cell_order: 'site.security'");
    load_err("report:\n  sites:\n    cell_order: [site.securty]\n", m, sizeof m);
    ASSERT_CONTAINS(m, "'site.securty' is not defined");
    load_err("indicators:\n  site.column_stale:\n    match_order: [news, notices]\n", m, sizeof m);
    ASSERT_CONTAINS(m, "match_order: 'notices' is not defined");
    load_err("cap_groups:\n  columns:\n    members: [column.stale, site.security]\n", m, sizeof m);
    ASSERT_CONTAINS(m, "not a deduction");
    load_err("indicators:\n  site.service:\n    core_elements: [item_name, fee]\n", m, sizeof m);
    ASSERT_CONTAINS(m, "core_elements: 'fee'");
}

static void test_error_yaml_syntax(void **state) {
    (void)state;
    char m[1024];
    load_err("indicators:\n  media.stale:\n    window_days: [10\n  site.home_stale: {}\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:4:");
    ASSERT_CONTAINS(m, "YAML syntax error");
    load_err("ruleset:\n  id: a\n   title: b\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:3:");
    ASSERT_CONTAINS(m, "mapping values are not allowed");
    load_err("ruleset:\n  title: \"ab\xc3\x28\"\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:2:");
    ASSERT_CONTAINS(m, "UTF-8");
    load_err("ruleset: {id: a}\n---\nruleset: {id: b}\n", m, sizeof m);
    ASSERT_CONTAINS(m, "more than one YAML document");
}

static void test_error_hostile(void **state) {
    (void)state;
    char m[1024];
    /* Billion laughs: refused at the first anchor. */
    load_err("a: &a [\"lol\", \"lol\", \"lol\"]\n"
             "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
             "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
             "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
             m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:1:");
    ASSERT_CONTAINS(m, "anchors");
    load_err("ruleset:\n  id: *x\n", m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:2:");
    ASSERT_CONTAINS(m, "aliases");

    /* Deep nesting. */
    size_t depth = 200000;
    char *deep = malloc(depth + 8);
    assert_non_null(deep);
    memcpy(deep, "a: ", 3);
    memset(deep + 3, '[', depth);
    deep[depth + 3] = '\0';
    load_err(deep, m, sizeof m);
    ASSERT_CONTAINS(m, "nested more than");
    free(deep);

    /* Too large, in memory and as a file. */
    size_t big = (size_t)5 << 20;
    char *huge = malloc(big + 1);
    assert_non_null(huge);
    memset(huge, '#', big);
    huge[0] = '#';
    huge[big] = '\0';
    load_err(huge, m, sizeof m);
    ASSERT_CONTAINS(m, "too large");
    char *path = write_temp(huge);
    err e = {0};
    assert_null(rules_load_file(path, &e));
    ASSERT_CONTAINS(e.msg, "too large");
    unlink(path);
    free(path);
    free(huge);

    /* A huge mapping of distinct unknown keys: fails fast, no quadratic work. */
    size_t keys = 100000;
    char *many = malloc(keys * 16 + 1);
    assert_non_null(many);
    size_t o = 0;
    for (size_t i = 0; i < keys; i++) o += (size_t)sprintf(many + o, "k%zu: 1\n", i);
    load_err(many, m, sizeof m);
    ASSERT_CONTAINS(m, "prov.yaml:1: k0: unknown key");
    free(many);

    /* NUL inside a quoted scalar. */
    load_err("ruleset:\n  title: \"a\\0b\"\n", m, sizeof m);
    ASSERT_CONTAINS(m, "NUL");
}

static void test_error_missing_file(void **state) {
    (void)state;
    err e = {0};
    assert_null(rules_load_file("/nonexistent/dir/prov.yaml", &e));
    assert_int_equal(e.cls, ERR_IO);
    ASSERT_CONTAINS(e.msg, "/nonexistent/dir/prov.yaml");
    ASSERT_CONTAINS(e.msg, "cannot open");
}

/* ---- thresholds and getters --------------------------------------------- */

static void test_threshold_semantics(void **state) {
    (void)state;
    rules_threshold lt = {RULES_LT, 60}, le = {RULES_LE, 1}, gt = {RULES_GT, 0.5}, ge = {RULES_GE, 0.05},
                    eq = {RULES_EQ, 3};
    assert_true(rules_threshold_test(lt, 59.99));
    assert_false(rules_threshold_test(lt, 60));
    assert_true(rules_threshold_test(le, 1));
    assert_true(rules_threshold_test(le, 0));
    assert_false(rules_threshold_test(le, 1.0001));
    assert_false(rules_threshold_test(gt, 0.5));
    assert_true(rules_threshold_test(gt, 26.0 / 50.0));
    assert_true(rules_threshold_test(ge, 0.05));
    assert_true(rules_threshold_test(ge, 1.0 / 20.0)); /* 1 failure of 20 probes: veto */
    assert_false(rules_threshold_test(ge, 19.0 / 400.0));
    assert_true(rules_threshold_test(eq, 3));
    assert_false(rules_threshold_test(eq, 3.5));
    assert_string_equal(rules_op_name(RULES_LT), "<");
    assert_string_equal(rules_op_name(RULES_LE), "<=");
    assert_string_equal(rules_op_name(RULES_GT), ">");
    assert_string_equal(rules_op_name(RULES_GE), ">=");
    assert_string_equal(rules_op_name(RULES_EQ), "==");

    /* Each op read from a file. */
    const char *ops[] = {"<", "<=", ">", ">=", "=="};
    for (int i = 0; i < 5; i++) {
        char text[160];
        snprintf(text, sizeof text, "indicators:\n  site.column_stale:\n    blank: {op: \"%s\", value: 7}\n", ops[i]);
        rules *r = load_ok(text);
        assert_threshold(r, "indicators/site.column_stale/blank", (rules_op)i, 7);
        rules_free(r);
    }
}

static void test_getters_missing(void **state) {
    (void)state;
    rules *r = rules_load_default(NULL);
    assert_non_null(r);
    /* Programming errors: logged, zero values, never a crash. */
    assert_true(rules_number(r, "indicators/no.such/window_days") == 0);
    assert_true(rules_number(r, "indicators/site.security/name") == 0);
    assert_string_equal(rules_string(r, "nope"), "");
    rules_threshold t = rules_threshold_at(r, "indicators/site.home_stale/window_days");
    assert_false(rules_threshold_test(t, 0));
    assert_int_equal(rules_list_len(r, "domains/nope"), 0);
    assert_string_equal(rules_list_item(r, "domains/allow", 999), "");
    assert_int_equal(rules_keys_len(r, "domains/allow"), 0);
    assert_string_equal(rules_key(r, "kinds", 9999), "");
    assert_false(rules_has(r, "indicators/site.security/nope"));
    assert_true(rules_has(r, "indicators/site.security"));
    assert_true(rules_keys_len(r, "") > 5);
    /* A number read as text gives its spelling. */
    assert_string_equal(rules_string(r, "indicators/media.stale/window_days"), "14");
    assert_true(rules_number(NULL, "x") == 0);
    assert_false(rules_kind_get(NULL, "x", NULL));
    rules_free(r);
    rules_free(NULL);
}

/* ---- dump / reload ------------------------------------------------------ */

static void test_dump_round_trip(void **state) {
    (void)state;
    /* Strings a careless dump would turn into something else. */
    rules *a = load_ok("ruleset:\n"
                       "  id: \"2020\"\n"
                       "  title: \"~\"\n"
                       "kinds:\n"
                       "  text.typo:\n"
                       "    phrase: \"true\"\n"
                       "  link.broken:\n"
                       "    phrase: \"a: b # not a comment\"\n"
                       "  tags.missing:\n"
                       "    phrase: \" leading space, 'quotes' and \\\"doubles\\\"\\nnewline\"\n"
                       "  media.stale:\n"
                       "    phrase: 监测时间点10天内未更新\n"
                       "indicators:\n"
                       "  media.stale:\n"
                       "    window_days: 10\n"
                       "  site.column_stale:\n"
                       "    categories:\n"
                       "      notice: {period_days: 30}\n"
                       "    blank_placeholders: [\"[空]\", \"-\", \"null\", \"1.5\", \"a, b\"]\n"
                       "  link.broken_page:\n"
                       "    per: 1e1\n"
                       "domains:\n"
                       "  allow: []\n");
    const char *d1 = rules_yaml(a);
    assert_ptr_not_equal(d1, rules_default_text);
    rules *b = load_ok(d1);
    const char *d2 = rules_yaml(b);
    assert_string_equal(d1, d2);

    assert_string_equal(rules_id(b), "2020");
    assert_string_equal(rules_title(b), "~");
    rules_kind k;
    assert_true(rules_kind_get(b, "text.typo", &k));
    assert_string_equal(k.phrase, "true");
    assert_true(rules_kind_get(b, "link.broken", &k));
    assert_string_equal(k.phrase, "a: b # not a comment");
    assert_true(rules_kind_get(b, "tags.missing", &k));
    assert_string_equal(k.phrase, " leading space, 'quotes' and \"doubles\"\nnewline");
    assert_true(rules_kind_get(b, "media.stale", &k));
    assert_string_equal(k.phrase, "监测时间点10天内未更新");
    assert_true(rules_number(b, "indicators/media.stale/window_days") == 10);
    assert_true(rules_number(b, "indicators/site.column_stale/categories/notice/period_days") == 30);
    assert_false(rules_has(b, "indicators/site.column_stale/categories/notice/period_months"));
    assert_list(b, "indicators/site.column_stale/blank_placeholders", LIST("[空]", "-", "null", "1.5", "a, b"));
    assert_true(rules_number(b, "indicators/link.broken_page/per") == 10);
    assert_int_equal(rules_list_len(b, "domains/allow"), 0);
    assert_threshold(b, "indicators/site.unreachable/failure_ratio", RULES_GE, 0.05);

    /* Every kind and indicator survives the trip. */
    assert_int_equal(rules_keys_len(a, "kinds"), rules_keys_len(b, "kinds"));
    for (size_t i = 0; i < rules_keys_len(a, "kinds"); i++) {
        rules_kind ka, kb;
        assert_true(rules_kind_get(a, rules_key(a, "kinds", i), &ka));
        assert_true(rules_kind_get(b, rules_key(b, "kinds", i), &kb));
        assert_string_equal(ka.kind, kb.kind);
        assert_string_equal(ka.indicator, kb.indicator);
        assert_string_equal(ka.review, kb.review);
        assert_string_equal(ka.phrase, kb.phrase);
    }
    assert_int_equal(rules_keys_len(a, "indicators"), rules_keys_len(b, "indicators"));
    rules_free(b);
    rules_free(a);

    /* The built-in set, dumped and reloaded, has the same values. */
    rules *d = rules_load_default(NULL);
    rules *m = load_ok("ruleset:\n  id: cn-national-2019\n");
    rules *m2 = load_ok(rules_yaml(m));
    assert_string_equal(rules_yaml(m), rules_yaml(m2));
    assert_threshold(m2, "verdict/score/fail", RULES_LT, 60);
    assert_true(rules_number(m2, "indicators/tags.missing/per") == 10);
    assert_string_equal(rules_string(m2, "indicators/site.column_stale/categories/static/period"), "never");
    assert_int_equal(rules_keys_len(d, "kinds"), rules_keys_len(m2, "kinds"));
    assert_int_equal(rules_keys_len(d, "indicators"), rules_keys_len(m2, "indicators"));
    rules_free(m2);
    rules_free(m);
    rules_free(d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_default_loads, setup_en),
        cmocka_unit_test_setup(test_default_verdict_model, setup_en),
        cmocka_unit_test_setup(test_default_site_vetoes, setup_en),
        cmocka_unit_test_setup(test_default_column_categories, setup_en),
        cmocka_unit_test_setup(test_default_deductions, setup_en),
        cmocka_unit_test_setup(test_default_info_and_media, setup_en),
        cmocka_unit_test_setup(test_default_kinds, setup_en),
        cmocka_unit_test_setup(test_default_report_order, setup_en),
        cmocka_unit_test_setup(test_overlay_provincial, setup_en),
        cmocka_unit_test_setup(test_overlay_lists_replace_mappings_merge, setup_en),
        cmocka_unit_test_setup(test_error_unknown_key, setup_en),
        cmocka_unit_test_setup(test_error_shapes, setup_en),
        cmocka_unit_test_setup(test_error_bad_op, setup_en),
        cmocka_unit_test_setup(test_error_bad_review, setup_en),
        cmocka_unit_test_setup(test_error_numbers, setup_en),
        cmocka_unit_test_setup(test_error_references, setup_en),
        cmocka_unit_test_setup(test_error_yaml_syntax, setup_en),
        cmocka_unit_test_setup(test_error_hostile, setup_en),
        cmocka_unit_test_setup(test_error_missing_file, setup_en),
        cmocka_unit_test_setup(test_threshold_semantics, setup_en),
        cmocka_unit_test_setup(test_getters_missing, setup_en),
        cmocka_unit_test_setup(test_dump_round_trip, setup_en),
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
