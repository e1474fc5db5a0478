/* test_media — the new-media checks (mcheck.h) on account models: the
 * 14-day boundary in +08:00 and the same instants written in UTC, in RFC
 * 822 "CST" (China Standard Time) and in relative forms as read by the
 * feed parser from a fetched document ("14天前", "07-27 23:59"), posts
 * after T, the capture-age rule, posts without readable dates, the longest
 * gap, the interaction truth table, comment advertising with harmless
 * look-alikes and replies, the media.security hook, a rule-set variant, and
 * the feed-error evidence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/lang.h"
#include "judge/rules.h"
#include "media/adclass.h"
#include "media/mcheck.h"
#include "media/mtext.h"
#include "text/text.h"

#define ZONE 480

static rules *R;
static adclass *A;

static int group_setup(void **state) {
    (void)state;
    lang_force("en");
    err e = {0};
    R = rules_load_default(&e);
    A = R ? adclass_new(R, &e) : NULL;
    return A ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    adclass_free(A);
    rules_free(R);
    return 0;
}

static int64_t iso(const char *s) {
    int64_t ms = 0;
    if (!date_parse_instant(s, &ms)) fail_msg("bad instant %s", s);
    return ms;
}

/* An account with posts at the given instants (NULL: undated). */
static feed_account *acct(const char *captured, size_t n, const char *const *dates) {
    feed_account *a = calloc(1, sizeof *a);
    a->format = "jsonfeed";
    a->name = strdup("测试账号");
    a->comments = a->messages = a->menu_entry = a->auto_reply_only = FEED_UNKNOWN;
    a->captured = true;
    a->captured_ms = iso(captured);
    a->capture_source = "_gov.checked_at";
    a->posts = calloc(n ? n : 1, sizeof *a->posts);
    a->nposts = n;
    for (size_t i = 0; i < n; i++) {
        char b[64];
        snprintf(b, sizeof b, "p%zu", i + 1);
        a->posts[i].id = strdup(b);
        snprintf(b, sizeof b, "https://x.invalid/%zu", i + 1);
        a->posts[i].url = strdup(b);
        snprintf(b, sizeof b, "第%zu条", i + 1);
        a->posts[i].title = strdup(b);
        a->posts[i].text = strdup("正文");
        a->posts[i].dated = dates[i] != NULL;
        if (dates[i]) a->posts[i].published_ms = iso(dates[i]);
    }
    return a;
}

static void acct_free(feed_account *a) {
    feed_account_free(a);
    free(a);
}

typedef struct got {
    char kind[64][48];
    char subject[64][128];
    char *evidence[64];
    int n;
} got;

static bool collect(void *ud, const mcheck_finding *f) {
    got *g = ud;
    assert_true(g->n < 64);
    assert_true(json_is_object(f->evidence));
    assert_non_null(f->summary);
    assert_true(*f->summary);
    snprintf(g->kind[g->n], sizeof g->kind[0], "%s", f->kind);
    snprintf(g->subject[g->n], sizeof g->subject[0], "%s", f->subject);
    g->evidence[g->n] = json_dumps(f->evidence, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(f->evidence);
    g->n++;
    return true;
}

static void got_free(got *g) {
    for (int i = 0; i < g->n; i++) free(g->evidence[i]);
    memset(g, 0, sizeof *g);
}

/* Index of the finding of `kind`, or -1. */
static int find(const got *g, const char *kind) {
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->kind[i], kind) == 0) return i;
    return -1;
}

static mcheck_summary run(const rules *r, const char *as_of, const feed_account *a, got *g) {
    mcheck_env env = {.r = r, .zone = ZONE, .ads = A};
    assert_true(date_parse_ymd(as_of, &env.ty, &env.tm, &env.td));
    mcheck_summary sum;
    memset(g, 0, sizeof *g);
    assert_true(mcheck_account(&env, a, collect, g, &sum));
    return sum;
}

static bool stale_for(const char *post, const char *captured) {
    const char *d[] = {post};
    feed_account *a = acct(captured, 1, d);
    got g;
    mcheck_summary s = run(R, "2020-08-10", a, &g);
    bool stale = find(&g, "media.stale") >= 0;
    assert_true(stale == s.stale);
    assert_true(find(&g, "media.stale_unknown") < 0);
    got_free(&g);
    acct_free(a);
    return stale;
}

static void test_boundary(void **state) {
    (void)state;
    const char *cap = "2020-08-10T12:00:00+08:00";
    /* The 14 days ending 2020-08-10 are 07-28 … 08-10 (+08:00). */
    assert_false(stale_for("2020-07-28T00:00:00+08:00", cap));
    assert_true(stale_for("2020-07-27T23:59:00+08:00", cap));
    /* the same instants written in UTC */
    assert_false(stale_for("2020-07-27T16:00:00Z", cap));
    assert_true(stale_for("2020-07-27T15:59:00Z", cap));
    /* the end of T, and just after it (a post after T is ignored) */
    assert_false(stale_for("2020-08-10T23:59:59+08:00", cap));
    assert_true(stale_for("2020-08-10T16:00:00Z", cap));
}

/* Whether an RSS item or Weibo status dated `date`, fetched at `fetched`
 * (the capture time, as minspect sets it), makes the account stale at
 * 2020-08-10. */
static bool stale_parsed(const char *date, bool weibo, const char *fetched) {
    char doc[512];
    if (weibo)
        snprintf(doc, sizeof doc, "{\"data\":{\"cards\":[{\"mblog\":{\"id\":\"1\",\"created_at\":\"%s\"}}]}}", date);
    else
        snprintf(doc, sizeof doc,
                 "<rss version=\"2.0\"><channel><title>t</title><item><title>a</title><pubDate>%s</pubDate>"
                 "</item></channel></rss>", date);
    feed_account a;
    err e = {0};
    if (!feed_parse_at(doc, strlen(doc), "doc", NULL, ZONE, iso(fetched), &a, &e)) fail_msg("%s", e.msg);
    if (!a.posts[0].dated) fail_msg("'%s' undated", date);
    a.captured = true;
    a.captured_ms = iso(fetched);
    a.capture_source = "fetch";
    got g;
    mcheck_summary s = run(R, "2020-08-10", &a, &g);
    assert_true(find(&g, "media.stale_unknown") < 0);
    got_free(&g);
    feed_account_free(&a);
    return s.stale;
}

static void test_boundary_parsed(void **state) {
    (void)state;
    const char *cap = "2020-08-10T12:00:00+08:00";
    /* CST is +08:00: 23:59 on 07-27 is outside the 14 days (read as US
     * Central it would be 07-28 13:59 +08:00, inside) */
    assert_true(stale_parsed("Mon, 27 Jul 2020 23:59:00 CST", false, cap));
    assert_false(stale_parsed("Tue, 28 Jul 2020 00:00:00 CST", false, cap));
    assert_true(stale_parsed("Mon, 27 Jul 2020 10:00:00 CST", false, cap));
    /* relative dates count from the fetch */
    assert_false(stale_parsed("13天前", true, cap));
    assert_true(stale_parsed("14天前", true, cap));
    assert_false(stale_parsed("07-28 00:00", true, cap));
    assert_true(stale_parsed("07-27 23:59", true, cap));
    assert_false(stale_parsed("7月28日", true, cap));
    assert_false(stale_parsed("昨天 23:59", true, cap));
    /* fetched just after midnight: "昨天" is 08-09, "3小时前" too */
    assert_false(stale_parsed("3小时前", true, "2020-08-10T01:00:00+08:00"));
}

static void test_after_t_and_evidence(void **state) {
    (void)state;
    const char *d[] = {"2020-06-01T10:00:00+08:00", "2020-07-01T10:00:00+08:00", "2020-08-11T09:00:00+08:00",
                       NULL};
    feed_account *a = acct("2020-08-11T12:00:00+08:00", 4, d);
    got g;
    mcheck_summary s = run(R, "2020-08-10", a, &g);
    assert_true(s.stale);
    assert_string_equal(s.newest, "2020-07-01");
    int i = find(&g, "media.stale");
    assert_true(i >= 0);
    const char *ev = g.evidence[i];
    assert_non_null(strstr(ev, "\"newest\":{\"date\":\"2020-07-01T10:00:00+08:00\",\"title\":\"第2条\","
                               "\"url\":\"https://x.invalid/2\"}"));
    /* the quarter ending T starts after 05-10: points 05-10, 06-01, 07-01, 08-10 */
    assert_non_null(strstr(ev, "\"longest_gap\":{\"days\":40,\"from\":\"2020-07-01\",\"months\":3,\"to\":\"2020-08-10\"}"));
    assert_non_null(strstr(ev, "\"posts_after_as_of\":1"));
    assert_non_null(strstr(ev, "\"posts_undated\":1"));
    assert_non_null(strstr(ev, "\"window_start\":\"2020-07-28\""));
    got_free(&g);
    acct_free(a);
}

static void test_capture_age(void **state) {
    (void)state;
    const char *d[] = {"2020-07-01T10:00:00+08:00"};
    /* captured on T − 1 day: judged */
    feed_account *a = acct("2020-08-09T00:00:00+08:00", 1, d);
    got g;
    run(R, "2020-08-10", a, &g);
    assert_true(find(&g, "media.stale") >= 0);
    got_free(&g);
    acct_free(a);
    /* captured on T − 2 days (08-08 23:59 +08:00, also written in UTC): not judged */
    const char *old[] = {"2020-08-08T23:59:00+08:00", "2020-08-08T15:59:00Z"};
    for (int k = 0; k < 2; k++) {
        a = acct(old[k], 1, d);
        mcheck_summary s = run(R, "2020-08-10", a, &g);
        assert_true(s.stale_unknown && !s.stale);
        assert_true(find(&g, "media.stale") < 0);
        int i = find(&g, "media.stale_unknown");
        assert_true(i >= 0);
        assert_non_null(strstr(g.evidence[i], "\"reason\":\"capture_too_old\""));
        assert_non_null(strstr(g.evidence[i], "\"unjudged\":[\"media.stale\"]"));
        assert_non_null(strstr(g.evidence[i], "\"capture_age_days\":2"));
        got_free(&g);
        acct_free(a);
    }
}

static void test_undated(void **state) {
    (void)state;
    const char *none[] = {NULL, NULL};
    feed_account *a = acct("2020-08-10T12:00:00+08:00", 2, none);
    got g;
    mcheck_summary s = run(R, "2020-08-10", a, &g);
    int i = find(&g, "media.stale_unknown");
    assert_true(i >= 0 && s.stale_unknown);
    assert_non_null(strstr(g.evidence[i], "\"reason\":\"no_readable_date\""));
    got_free(&g);
    acct_free(a);
    /* undated posts prove nothing: with an old dated post the account is stale */
    const char *mix[] = {NULL, "2020-07-01T10:00:00+08:00"};
    a = acct("2020-08-10T12:00:00+08:00", 2, mix);
    s = run(R, "2020-08-10", a, &g);
    assert_true(s.stale);
    got_free(&g);
    acct_free(a);
    /* no post at all is stale */
    a = acct("2020-08-10T12:00:00+08:00", 0, NULL);
    s = run(R, "2020-08-10", a, &g);
    assert_true(s.stale);
    assert_non_null(strstr(g.evidence[find(&g, "media.stale")], "\"newest\":null"));
    got_free(&g);
    acct_free(a);
}

static void test_variant_window(void **state) {
    (void)state;
    static const char variant[] = "indicators:\n  media.stale:\n    window_days: 10\n";
    err e = {0};
    rules *r = rules_load_text(variant, strlen(variant), "v.yaml", &e);
    assert_non_null(r);
    const char *d[] = {"2020-07-31T12:00:00+08:00"};
    feed_account *a = acct("2020-08-10T12:00:00+08:00", 1, d);
    got g;
    assert_false(run(R, "2020-08-10", a, &g).stale);
    got_free(&g);
    assert_true(run(r, "2020-08-10", a, &g).stale);
    got_free(&g);
    acct_free(a);
    rules_free(r);
}

static const char *interaction_kind(feed_tri c, feed_tri m, feed_tri ar, bool has) {
    const char *d[] = {"2020-08-09T12:00:00+08:00"};
    feed_account *a = acct("2020-08-10T12:00:00+08:00", 1, d);
    a->has_interaction = has;
    a->comments = c;
    a->messages = m;
    a->auto_reply_only = ar;
    got g;
    run(R, "2020-08-10", a, &g);
    static char kind[48];
    kind[0] = '\0';
    if (find(&g, "media.interaction") >= 0) strcpy(kind, "veto");
    if (find(&g, "media.interaction_unknown") >= 0) strcpy(kind, kind[0] ? "both" : "unknown");
    got_free(&g);
    acct_free(a);
    return kind;
}

static void test_interaction(void **state) {
    (void)state;
    const feed_tri T = FEED_TRUE, F = FEED_FALSE, U = FEED_UNKNOWN;
    /* veto */
    assert_string_equal(interaction_kind(F, F, F, true), "veto");
    assert_string_equal(interaction_kind(F, F, U, true), "veto");
    assert_string_equal(interaction_kind(T, T, T, true), "veto");
    assert_string_equal(interaction_kind(T, U, T, true), "veto");
    /* no veto */
    assert_string_equal(interaction_kind(T, F, F, true), "");
    assert_string_equal(interaction_kind(F, T, F, true), "");
    assert_string_equal(interaction_kind(T, U, U, true), "");
    /* undecided: pending for a reviewer */
    assert_string_equal(interaction_kind(U, U, U, false), "unknown");
    assert_string_equal(interaction_kind(U, U, U, true), "unknown");
    assert_string_equal(interaction_kind(F, U, F, true), "unknown");
    assert_string_equal(interaction_kind(U, F, U, true), "unknown");

    /* menu_entry false alone is informational */
    const char *d[] = {"2020-08-09T12:00:00+08:00"};
    feed_account *a = acct("2020-08-10T12:00:00+08:00", 1, d);
    a->has_interaction = true;
    a->comments = a->messages = T;
    a->auto_reply_only = F;
    a->menu_entry = F;
    got g;
    run(R, "2020-08-10", a, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.kind[0], "media.menu_missing");
    got_free(&g);
    acct_free(a);
    rules_kind k;
    assert_true(rules_kind_get(R, "media.interaction_unknown", &k));
    assert_string_equal(k.review, "pending");
}

static void test_comment_ads(void **state) {
    (void)state;
    const char *d[] = {"2020-08-09T12:00:00+08:00"};
    feed_account *a = acct("2020-08-10T12:00:00+08:00", 1, d);
    a->has_interaction = true;
    a->comments = a->messages = FEED_TRUE;
    a->auto_reply_only = FEED_FALSE;
    feed_post *p = &a->posts[0];
    p->comments = calloc(3, sizeof *p->comments);
    p->ncomments = 3;
    const char *texts[] = {"请问办事大厅电话0912-3282123打不通怎么办", "无抵押贷款，秒批，电话13912345678",
                           "点赞"};
    const char *replies[] = {"已转相关科室", "", "加V：xm88996 兼职刷单日结"};
    for (int i = 0; i < 3; i++) {
        p->comments[i].author = strdup("网友");
        p->comments[i].text = strdup(texts[i]);
        p->comments[i].reply = strdup(replies[i]);
        p->comments[i].dated = i == 1;
        p->comments[i].date_ms = iso("2020-08-09T13:00:00+08:00");
    }
    got g;
    mcheck_summary s = run(R, "2020-08-10", a, &g);
    assert_int_equal(s.comments, 3);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.kind[0], "media.comment_ads");
    assert_string_equal(g.subject[0], "p1#2");
    assert_non_null(strstr(g.evidence[0], "\"text\":\"无抵押贷款，秒批，电话13912345678\""));
    assert_non_null(strstr(g.evidence[0], "\"date\":\"2020-08-09T13:00:00+08:00\""));
    assert_non_null(strstr(g.evidence[0], "\"signals\":\"phone, loan:贷款"));
    assert_non_null(strstr(g.evidence[0], "\"is_reply\":false"));
    assert_string_equal(g.subject[1], "p1#3/reply");
    assert_non_null(strstr(g.evidence[1], "\"is_reply\":true"));
    got_free(&g);
    acct_free(a);
    rules_kind k;
    assert_true(rules_kind_get(R, "media.comment_ads", &k));
    assert_string_equal(k.review, "pending");
}

/* A stand-in text engine: flags 按装 as wording. */
static void fake_scan(void *ud, const char *text, const feed_post *post, mcheck_hit_fn hit, void *hud) {
    (void)ud;
    (void)post;
    if (strstr(text, "按装")) hit(hud, "post.wording", "按装", "安装", text);
}

static void test_security_hook(void **state) {
    (void)state;
    const char *d[] = {"2020-08-09T12:00:00+08:00", "2020-08-08T12:00:00+08:00"};
    feed_account *a = acct("2020-08-10T12:00:00+08:00", 2, d);
    free(a->posts[1].text);
    a->posts[1].text = strdup("请及时按装燃气报警器");
    mcheck_text_engine te = {.scan = fake_scan};
    mcheck_env env = {.r = R, .zone = ZONE, .ads = A, .text = &te, .ty = 2020, .tm = 8, .td = 10};
    got g = {0};
    mcheck_summary s;
    assert_true(mcheck_account(&env, a, collect, &g, &s));
    int i = find(&g, "post.wording");
    assert_true(i >= 0);
    assert_string_equal(g.subject[i], "p2|按装");
    assert_non_null(strstr(g.evidence[i], "\"suggestion\":\"安装\""));
    got_free(&g);
    /* without an engine, nothing is scanned */
    env.text = NULL;
    assert_true(mcheck_account(&env, a, collect, &g, &s));
    assert_true(find(&g, "post.wording") < 0);
    got_free(&g);
    acct_free(a);
}

/* The real text engine through mtext: wording and harmful words in posts,
 * not typos, and the lexicon's except-contexts respected. */
static void test_text_engine(void **state) {
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/../../data", GI_TEST_DATA);
    err e = {0};
    text_engine *t = text_engine_load_with_dict(dir, "", &e);
    if (!t) fail_msg("text engine: %s", e.msg);
    const char *d[] = {"2020-08-09T12:00:00+08:00", "2020-08-08T12:00:00+08:00", "2020-08-07T12:00:00+08:00"};
    feed_account *a = acct("2020-08-10T12:00:00+08:00", 3, d);
    free(a->posts[0].text);
    a->posts[0].text = strdup("热烈庆祝中华人民共合国成立七十一周年");
    free(a->posts[1].title);
    a->posts[1].title = strdup("澳门银河在线注册");
    free(a->posts[2].text);
    a->posts[2].text = strdup("严厉打击澳门银河等网络赌博犯罪"); /* a warning, not an advert */
    mtext mt = {.engine = t, .zone = ZONE};
    mcheck_text_engine hook;
    mtext_hook(&mt, &hook);
    mcheck_env env = {.r = R, .zone = ZONE, .ads = A, .text = &hook, .ty = 2020, .tm = 8, .td = 10};
    got g = {0};
    mcheck_summary s;
    assert_true(mcheck_account(&env, a, collect, &g, &s));
    int w = find(&g, "post.wording"), h = find(&g, "post.harmful");
    assert_true(w >= 0 && h >= 0);
    assert_string_equal(g.subject[w], "p1|中华人民共合国");
    assert_non_null(strstr(g.evidence[w], "\"suggestion\":\"中华人民共和国\""));
    assert_string_equal(g.subject[h], "p2|澳门银河");
    for (int i = 0; i < g.n; i++) assert_null(strstr(g.subject[i], "p3|"));
    got_free(&g);
    acct_free(a);
    text_engine_free(t);
}

static void test_feed_error_evidence(void **state) {
    (void)state;
    json_t *ev = mcheck_feed_error_evidence(R, "https://x.invalid/feed", "HTTP 404");
    char *s = json_dumps(ev, JSON_COMPACT);
    assert_string_equal(s, "{\"source\":\"https://x.invalid/feed\",\"reason\":\"HTTP 404\",\"unjudged\":"
                           "[\"media.security\",\"media.interaction\",\"media.comment_ads\",\"media.stale\"]}");
    free(s);
    json_decref(ev);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundary),       cmocka_unit_test(test_boundary_parsed),
        cmocka_unit_test(test_after_t_and_evidence),
        cmocka_unit_test(test_capture_age),    cmocka_unit_test(test_undated),
        cmocka_unit_test(test_variant_window), cmocka_unit_test(test_interaction),
        cmocka_unit_test(test_comment_ads),    cmocka_unit_test(test_security_hook),
        cmocka_unit_test(test_text_engine),    cmocka_unit_test(test_feed_error_evidence),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
