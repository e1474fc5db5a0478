#include "media/mcheck.h"

#include "core/date.h"
#include "core/lang.h"
#include "core/sbuf.h"
#include "core/textenc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MC_STALE "indicators/media.stale"

/* s cut to at most max bytes at a UTF-8 boundary, into buf (max + 1 bytes). */
static const char *mc_clip(const char *s, size_t max, char *buf) {
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

static void mc_date_str(int64_t ms, int zone, char out[11]) {
    int y, m, d;
    date_of_instant(ms, zone, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", (y % 10000 + 10000) % 10000, (m % 100 + 100) % 100,
             (d % 100 + 100) % 100);
}

static int64_t mc_day(int64_t ms, int zone) {
    int y, m, d;
    date_of_instant(ms, zone, &y, &m, &d);
    return date_days_from_civil(y, m, d);
}

static json_t *mc_iso(int64_t ms, int zone) {
    char b[40];
    date_format_iso(ms, zone, b, sizeof b);
    return json_string(b);
}

static void mc_day_str(int64_t day, char out[11]) { mc_date_str(day * 86400000, 0, out); }

/* y-m-d minus `months` calendar months, clamped to the month's last day
 * (spec §0). */
static void mc_minus_months(int y, int m, int d, int months, int *oy, int *om, int *od) {
    int idx = y * 12 + (m - 1) - months;
    *oy = idx / 12;
    *om = idx % 12 + 1;
    int last = date_month_days(*oy, *om);
    *od = d > last ? last : d;
}

static bool mc_emit(const mcheck_env *env, mcheck_emit_fn emit, void *ud, mcheck_summary *sum,
                    const char *kind, const char *subject, const char *url, json_t *ev,
                    const char *summary) {
    (void)env;
    mcheck_finding f = {.kind = kind, .subject = subject, .url = url, .evidence = ev, .summary = summary};
    sum->findings++;
    return emit(ud, &f);
}

static json_t *mc_unjudged(const char *code) {
    json_t *a = json_array();
    json_array_append_new(a, json_string(code));
    return a;
}

/* ---- media.stale ---------------------------------------------------------- */

static int mc_cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static bool mc_stale(const mcheck_env *env, const feed_account *a, mcheck_emit_fn emit, void *ud,
                     mcheck_summary *sum) {
    const rules *r = env->r;
    int64_t tday = date_days_from_civil(env->ty, env->tm, env->td);
    int window = (int)rules_number(r, MC_STALE "/window_days");
    int gap_months = (int)rules_number(r, MC_STALE "/gap_months");
    int qy, qm, qd;
    mc_minus_months(env->ty, env->tm, env->td, gap_months, &qy, &qm, &qd);
    int64_t qday = date_days_from_civil(qy, qm, qd);

    const feed_post *newest = NULL;
    int undated = 0, after_t = 0;
    int64_t *days = malloc((a->nposts ? a->nposts : 1) * sizeof *days);
    if (!days) return false;
    size_t ndays = 0;
    for (size_t i = 0; i < a->nposts; i++) {
        const feed_post *p = &a->posts[i];
        if (!p->dated) { undated++; continue; }
        int64_t day = mc_day(p->published_ms, env->zone);
        if (day > tday) { after_t++; continue; } /* did not exist at T */
        if (!newest || p->published_ms > newest->published_ms) newest = p;
        if (day > qday) days[ndays++] = day;
    }
    sum->dated = (int)a->nposts - undated;
    if (newest) mc_date_str(newest->published_ms, env->zone, sum->newest);

    json_t *ev = json_object();
    char as_of[11], start[11];
    snprintf(as_of, sizeof as_of, "%04d-%02d-%02d", env->ty, env->tm, env->td);
    int sy, sm, sd;
    date_window_start(env->ty, env->tm, env->td, window, &sy, &sm, &sd);
    snprintf(start, sizeof start, "%04d-%02d-%02d", sy, sm, sd);
    json_object_set_new(ev, "as_of", json_string(as_of));
    json_object_set_new(ev, "window_days", json_integer(window));
    json_object_set_new(ev, "window_start", json_string(start));
    json_object_set_new(ev, "format", json_string(a->format ? a->format : ""));
    json_object_set_new(ev, "posts", json_integer((json_int_t)a->nposts));
    json_object_set_new(ev, "posts_undated", json_integer(undated));
    json_object_set_new(ev, "posts_after_as_of", json_integer(after_t));
    json_object_set_new(ev, "captured_at", a->captured ? mc_iso(a->captured_ms, env->zone) : json_null());
    json_object_set_new(ev, "capture_source", json_string(a->capture_source ? a->capture_source : ""));
    if (newest) {
        json_t *n = json_object();
        json_object_set_new(n, "title", json_string(newest->title));
        json_object_set_new(n, "url", json_string(newest->url));
        json_object_set_new(n, "date", mc_iso(newest->published_ms, env->zone));
        json_object_set_new(ev, "newest", n);
    } else {
        json_object_set_new(ev, "newest", json_null());
    }

    /* The capture must be recent enough for "no post" to mean anything. */
    int64_t age = a->captured ? tday - mc_day(a->captured_ms, env->zone) : INT32_MAX;
    rules_threshold lim = rules_threshold_at(r, MC_STALE "/capture_age_days");
    const char *unknown = NULL;
    char summary[1200];
    if (!a->captured || !rules_threshold_test(lim, (double)age)) {
        unknown = "capture_too_old";
        json_object_set_new(ev, "capture_age_days", a->captured ? json_integer(age) : json_null());
        json_object_set_new(ev, "capture_age_limit", json_real(lim.value));
        snprintf(summary, sizeof summary,
                 L("freshness not judged: the data was captured %1$s, %2$lld days before %3$s",
                   "无法判定更新情况：数据采集于 %1$s，早于监测时间点 %3$s %2$lld 天"),
                 a->captured ? json_string_value(json_object_get(ev, "captured_at")) : "?",
                 (long long)(a->captured ? age : -1), as_of);
    } else if (!newest && undated > 0) {
        unknown = "no_readable_date";
        snprintf(summary, sizeof summary,
                 L("freshness not judged: none of the %d posts has a readable date",
                   "无法判定更新情况：%d 条发布均无可读的日期"),
                 undated);
    }
    if (unknown) {
        sum->stale_unknown = true;
        snprintf(sum->unjudged_reason, sizeof sum->unjudged_reason, "%s", summary);
        json_object_set_new(ev, "reason", json_string(unknown));
        json_object_set_new(ev, "unjudged", mc_unjudged("media.stale"));
        free(days);
        return mc_emit(env, emit, ud, sum, "media.stale_unknown", "", newest ? newest->url : "", ev, summary);
    }
    if (newest) {
        int y, m, d;
        date_of_instant(newest->published_ms, env->zone, &y, &m, &d);
        if (date_in_window(y, m, d, env->ty, env->tm, env->td, window)) {
            json_decref(ev);
            free(days);
            return true;
        }
    }
    /* Stale: the longest stretch without a post in the last months. */
    qsort(days, ndays, sizeof *days, mc_cmp_i64);
    int64_t prev = qday, best = -1, bfrom = qday, bto = tday;
    for (size_t i = 0; i <= ndays; i++) {
        int64_t cur = i < ndays ? days[i] : tday;
        if (cur - prev > best) { best = cur - prev; bfrom = prev; bto = cur; }
        prev = cur;
    }
    free(days);
    char f[11], t[11];
    mc_day_str(bfrom, f);
    mc_day_str(bto, t);
    json_t *gap = json_object();
    json_object_set_new(gap, "from", json_string(f));
    json_object_set_new(gap, "to", json_string(t));
    json_object_set_new(gap, "days", json_integer(best));
    json_object_set_new(gap, "months", json_integer(gap_months));
    json_object_set_new(ev, "longest_gap", gap);
    sum->stale = true;
    char clip[301];
    if (newest)
        snprintf(summary, sizeof summary,
                 L("no post in the %d days ending %s; newest %s \"%s\"",
                   "截至 %2$s 的 %1$d 天内无发布；最新发布 %3$s《%4$s》"),
                 window, as_of, sum->newest, mc_clip(newest->title, 300, clip));
    else
        snprintf(summary, sizeof summary, L("no post in the %d days ending %s; no post at all",
                                            "截至 %2$s 的 %1$d 天内无发布；没有任何发布"),
                 window, as_of);
    return mc_emit(env, emit, ud, sum, "media.stale", "", newest ? newest->url : "", ev, summary);
}

/* ---- media.interaction ------------------------------------------------------ */

static json_t *mc_tri(feed_tri t) {
    return t == FEED_TRUE ? json_true() : t == FEED_FALSE ? json_false() : json_null();
}

static bool mc_interaction(const mcheck_env *env, const feed_account *a, mcheck_emit_fn emit, void *ud,
                           mcheck_summary *sum) {
    json_t *state = json_object();
    json_object_set_new(state, "comments", mc_tri(a->comments));
    json_object_set_new(state, "messages", mc_tri(a->messages));
    json_object_set_new(state, "menu_entry", mc_tri(a->menu_entry));
    json_object_set_new(state, "auto_reply_only", mc_tri(a->auto_reply_only));
    bool ok = true;
    if (a->menu_entry == FEED_FALSE) {
        json_t *ev = json_object();
        json_object_set(ev, "interaction", state);
        ok = mc_emit(env, emit, ud, sum, "media.menu_missing", "", "", ev,
                     L("no consultation menu entry", "未设置咨询菜单入口"));
    }
    bool closed = a->comments == FEED_FALSE && a->messages == FEED_FALSE;
    bool open = (a->comments == FEED_TRUE || a->messages == FEED_TRUE) && a->auto_reply_only != FEED_TRUE;
    json_t *ev = json_object();
    json_object_set_new(ev, "interaction", state);
    json_object_set_new(ev, "source", json_string(a->has_interaction ? "_gov.interaction" : "none"));
    if (ok && (closed || a->auto_reply_only == FEED_TRUE)) {
        json_object_set_new(ev, "rule", json_string(closed ? "comments_and_messages_closed" : "auto_reply_only"));
        return mc_emit(env, emit, ud, sum, "media.interaction", "", "", ev,
                       closed ? L("comments and messages are both closed", "留言和私信均已关闭")
                              : L("only automatic replies", "仅有自动回复"));
    }
    if (ok && !open) {
        json_object_set_new(ev, "reason", json_string(a->has_interaction ? "undecided" : "no_interaction_data"));
        /* What the source does show helps the reviewer decide: comments
         * read, and how many of them the account answered. */
        json_int_t comments = 0, answered = 0;
        for (size_t i = 0; i < a->nposts; i++)
            for (size_t k = 0; k < a->posts[i].ncomments; k++) {
                comments++;
                if (a->posts[i].comments[k].reply && *a->posts[i].comments[k].reply) answered++;
            }
        json_object_set_new(ev, "comments_read", json_integer(comments));
        json_object_set_new(ev, "comments_answered", json_integer(answered));
        return mc_emit(env, emit, ud, sum, "media.interaction_unknown", "", "", ev,
                       a->has_interaction
                           ? L("interaction facts do not decide: review", "互动功能数据不足以判定，待审核")
                           : L("the source says nothing about interaction: review",
                               "数据源未提供互动功能信息，待审核"));
    }
    json_decref(ev);
    return ok;
}

/* ---- media.comment_ads --------------------------------------------------------- */

static bool mc_ad_one(const mcheck_env *env, const feed_post *p, size_t ci, const feed_comment *c,
                      bool reply, rules_threshold th, mcheck_emit_fn emit, void *ud, mcheck_summary *sum) {
    const char *text = reply ? c->reply : c->text;
    if (!text || !*text) return true;
    sbuf sig = SBUF_INIT;
    double score = adclass_score(env->ads, text, &sig);
    bool ok = true;
    if (rules_threshold_test(th, score)) {
        char subject[660], clip[601];
        snprintf(subject, sizeof subject, "%s#%zu%s", mc_clip(p->id, 500, clip), ci + 1, reply ? "/reply" : "");
        json_t *ev = json_object();
        json_object_set_new(ev, "post_id", json_string(p->id));
        json_object_set_new(ev, "post_url", json_string(p->url));
        json_object_set_new(ev, "post_title", json_string(p->title));
        json_object_set_new(ev, "author", json_string(reply ? "" : c->author));
        json_object_set_new(ev, "is_reply", json_boolean(reply));
        json_object_set_new(ev, "text", json_string(text));
        json_object_set_new(ev, "date", c->dated ? mc_iso(c->date_ms, env->zone) : json_null());
        json_object_set_new(ev, "score", json_real((double)(long)(score * 1000 + 0.5) / 1000));
        json_object_set_new(ev, "signals", json_string(sig.data ? sig.data : ""));
        char summary[1200];
        snprintf(summary, sizeof summary, L("advertising in the comments (score %.2f): %s",
                                            "留言区疑似商业广告（得分 %.2f）：%s"),
                 score, mc_clip(text, 600, clip));
        ok = mc_emit(env, emit, ud, sum, "media.comment_ads", subject, p->url, ev, summary);
    }
    sbuf_free(&sig);
    return ok;
}

static bool mc_ads(const mcheck_env *env, const feed_account *a, mcheck_emit_fn emit, void *ud,
                   mcheck_summary *sum) {
    rules_threshold th = rules_threshold_at(env->r, "indicators/media.comment_ads/ad_score");
    for (size_t i = 0; i < a->nposts; i++) {
        const feed_post *p = &a->posts[i];
        for (size_t j = 0; j < p->ncomments; j++) {
            sum->comments++;
            if (!mc_ad_one(env, p, j, &p->comments[j], false, th, emit, ud, sum) ||
                !mc_ad_one(env, p, j, &p->comments[j], true, th, emit, ud, sum))
                return false;
        }
    }
    return true;
}

/* ---- media.security (through the text engine) ------------------------------------ */

typedef struct mc_sec {
    const mcheck_env *env;
    const feed_post *post;
    mcheck_emit_fn emit;
    void *ud;
    mcheck_summary *sum;
    bool ok;
} mc_sec;

static void mc_sec_hit(void *hud, const char *kind, const char *match, const char *suggestion,
                       const char *context) {
    mc_sec *s = hud;
    if (!s->ok) return;
    char subject[720], c1[501], c2[201];
    char summary[800];
    snprintf(subject, sizeof subject, "%s|%s", mc_clip(s->post->id, 500, c1), mc_clip(match, 180, c2));
    json_t *ev = json_object();
    json_object_set_new(ev, "post_id", json_string(s->post->id));
    json_object_set_new(ev, "post_url", json_string(s->post->url));
    json_object_set_new(ev, "post_title", json_string(s->post->title));
    json_object_set_new(ev, "match", json_string(match));
    json_object_set_new(ev, "suggestion", json_string(suggestion ? suggestion : ""));
    json_object_set_new(ev, "context", json_string(context ? context : ""));
    snprintf(summary, sizeof summary, L("post \"%s\": \"%s\"", "发布《%s》：“%s”"),
             mc_clip(s->post->title, 200, c1), mc_clip(match, 180, c2));
    s->ok = mc_emit(s->env, s->emit, s->ud, s->sum, kind, subject, s->post->url, ev, summary);
}

static bool mc_security(const mcheck_env *env, const feed_account *a, mcheck_emit_fn emit, void *ud,
                        mcheck_summary *sum) {
    if (!env->text || !env->text->scan) return true;
    mc_sec s = {.env = env, .emit = emit, .ud = ud, .sum = sum, .ok = true};
    for (size_t i = 0; i < a->nposts && s.ok; i++) {
        s.post = &a->posts[i];
        env->text->scan(env->text->ud, s.post->title, s.post, mc_sec_hit, &s);
        if (s.ok) env->text->scan(env->text->ud, s.post->text, s.post, mc_sec_hit, &s);
    }
    return s.ok;
}

bool mcheck_account(const mcheck_env *env, const feed_account *a, mcheck_emit_fn emit, void *ud,
                    mcheck_summary *sum) {
    memset(sum, 0, sizeof *sum);
    sum->posts = (int)a->nposts;
    return mc_stale(env, a, emit, ud, sum) && mc_interaction(env, a, emit, ud, sum) &&
           mc_ads(env, a, emit, ud, sum) && mc_security(env, a, emit, ud, sum);
}

/* A string from outside (an error message cut to its buffer, a path) as
 * JSON: up to its first byte that is not UTF-8. */
static json_t *mc_str_valid(const char *s) {
    if (!s) s = "";
    size_t bad = 0, n = strlen(s);
    if (!utf8_valid(s, n, &bad)) n = bad;
    return json_stringn(s, n);
}

json_t *mcheck_feed_error_evidence(const rules *r, const char *source, const char *reason) {
    json_t *ev = json_object();
    json_object_set_new(ev, "source", mc_str_valid(source));
    json_object_set_new(ev, "reason", mc_str_valid(reason));
    json_t *un = json_array();
    size_t n = rules_keys_len(r, "indicators");
    for (size_t i = 0; i < n; i++) {
        const char *code = rules_key(r, "indicators", i);
        char p1[160], p2[160];
        snprintf(p1, sizeof p1, "indicators/%s/target", code);
        snprintf(p2, sizeof p2, "indicators/%s/type", code);
        if (strcmp(rules_string(r, p1), "media") == 0 && strcmp(rules_string(r, p2), "veto") == 0)
            json_array_append_new(un, json_string(code));
    }
    json_object_set_new(ev, "unjudged", un);
    return ev;
}
