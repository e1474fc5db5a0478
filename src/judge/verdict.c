#include "judge/verdict.h"

#include "checks/availability.h"
#include "checks/freshness.h"
#include "core/date.h"
#include "core/grow.h"
#include "core/lang.h"
#include "core/log.h"
#include "core/strmap.h"
#include "registry/registry.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---------------------------------------------------- */

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

/* A growable list of strings without duplicates. */
typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

static bool strlist_has(const strlist *l, const char *s) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0) return true;
    return false;
}

static bool strlist_add(strlist *l, const char *s) {
    if (strlist_has(l, s)) return true;
    if (!grow_for_one(&l->v, &l->cap, l->n, sizeof *l->v, 8)) return false;
    if (!(l->v[l->n] = strdup(s))) return false;
    l->n++;
    return true;
}

static void strlist_free(strlist *l) {
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void strv_free(char **v, size_t n) {
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

const char *verdict_state_name(verdict_state st) {
    switch (st) {
    case VERDICT_PASS: return "pass";
    case VERDICT_FAIL: return "fail";
    case VERDICT_PENDING: return "pending";
    default: return "unknown";
    }
}

const char *verdict_state_label(verdict_state st) {
    switch (st) {
    case VERDICT_PASS: return "合格";
    case VERDICT_FAIL: return "不合格";
    case VERDICT_PENDING: return "待审核";
    default: return "无法判定";
    }
}

void verdict_format_rate(int num, int den, int decimals, char *out, size_t outsz) {
    if (den <= 0 || num <= 0) {
        snprintf(out, outsz, "0%%");
        return;
    }
    if (decimals < 0) decimals = 0;
    if (decimals > 6) decimals = 6;
    /* Half-up on the exact ratio, in integers: 50/51 -> 9804 -> 98.04. */
    long long scale = 1;
    for (int i = 0; i < decimals + 2; i++) scale *= 10;
    long long v = ((long long)num * scale * 2 + den) / (2LL * den);
    long long unit = scale / 100;
    long long whole = v / unit, frac = v % unit;
    if (frac == 0 || decimals == 0) snprintf(out, outsz, "%lld%%", whole);
    else snprintf(out, outsz, "%lld.%0*lld%%", whole, decimals, frac);
}

/* ---- findings of a round, by target ------------------------------------ */

typedef struct tfind {
    char *kind, *indicator, *status, *subject;
    json_t *ev; /* parsed evidence, may be NULL */
    /* Column observations (column.stale, column.fresh) re-judged by the
     * rule set in force: -1 not one, 0 within its period, 1 stale. */
    int col_stale;
    bool col_key, col_top_policy;
} tfind;

typedef struct tfinds {
    tfind *v;
    size_t n, cap;
} tfinds;

static void tfinds_free(void *p) {
    tfinds *t = p;
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].kind);
        free(t->v[i].indicator);
        free(t->v[i].status);
        free(t->v[i].subject);
        json_decref(t->v[i].ev);
    }
    free(t->v);
    free(t);
}

typedef struct collect_ctx {
    strmap *by_target; /* "site:CODE" / "media:ID" -> tfinds* */
    bool nomem;
} collect_ctx;

static void target_key(char *out, size_t outsz, bool is_site, const char *id) {
    snprintf(out, outsz, "%s:%s", is_site ? "site" : "media", id);
}

static bool collect_finding(const finding_rec *f, void *ud) {
    collect_ctx *cc = ud;
    /* A dismissal matters only for availability, which is re-judged. */
    if (strcmp(f->status, "confirmed") != 0 && strcmp(f->status, "pending") != 0 &&
        !(strcmp(f->status, "dismissed") == 0 && strcmp(f->kind, "site.unreachable") == 0))
        return true;
    char key[512];
    target_key(key, sizeof key, strcmp(f->target_kind, "site") == 0, f->target);
    tfinds *t = strmap_get(cc->by_target, key);
    if (!t) {
        if (!(t = calloc(1, sizeof *t)) || !strmap_put(cc->by_target, key, t, NULL)) {
            free(t);
            cc->nomem = true;
            return false;
        }
    }
    if (!grow_for_one(&t->v, &t->cap, t->n, sizeof *t->v, 8)) {
        cc->nomem = true;
        return false;
    }
    tfind *x = &t->v[t->n];
    x->kind = strdup(f->kind);
    x->indicator = strdup(f->indicator);
    x->status = strdup(f->status);
    x->subject = strdup(f->subject);
    x->ev = json_loads(f->evidence ? f->evidence : "{}", 0, NULL);
    x->col_stale = -1;
    x->col_key = x->col_top_policy = false;
    t->n++;
    if (!x->kind || !x->indicator || !x->status || !x->subject) cc->nomem = true;
    return !cc->nomem;
}

typedef struct target_state {
    char *state, *reason;
} target_state;

static void target_state_free(void *p) {
    target_state *t = p;
    if (!t) return;
    free(t->state);
    free(t->reason);
    free(t);
}

static bool collect_target(const round_target_rec *r, void *ud) {
    collect_ctx *cc = ud;
    char key[512];
    target_key(key, sizeof key, strcmp(r->target_kind, "site") == 0, r->target);
    target_state *t = calloc(1, sizeof *t);
    void *old = NULL;
    if (!t || !(t->state = strdup(r->state)) || !(t->reason = strdup(r->reason)) ||
        !strmap_put(cc->by_target, key, t, &old)) {
        target_state_free(t);
        cc->nomem = true;
        return false;
    }
    target_state_free(old);
    return true;
}

/* ---- the rule set, as the judge reads it -------------------------------- */

static bool rules_path_has(const rules *r, const char *fmt, const char *a) {
    char path[256];
    snprintf(path, sizeof path, fmt, a);
    return rules_has(r, path);
}

static const char *rules_path_string(const rules *r, const char *fmt, const char *a) {
    char path[256];
    snprintf(path, sizeof path, fmt, a);
    return rules_has(r, path) ? rules_string(r, path) : "";
}

static double rules_path_number(const rules *r, const char *fmt, const char *a) {
    char path[256];
    snprintf(path, sizeof path, fmt, a);
    return rules_has(r, path) ? rules_number(r, path) : 0;
}

static const char *indicator_type(const rules *r, const char *ind) {
    return rules_path_string(r, "indicators/%s/type", ind);
}

static bool is_veto(const rules *r, const char *ind) { return strcmp(indicator_type(r, ind), "veto") == 0; }

static bool ev_true(const json_t *ev, const char *key) {
    return ev && json_is_true(json_object_get(ev, key));
}

static int json_int_or(const json_t *ev, const char *key, int dflt) {
    json_t *v = ev ? json_object_get(ev, key) : NULL;
    return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

static const char *json_str_or(const json_t *ev, const char *key, const char *dflt) {
    json_t *v = ev ? json_object_get(ev, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : dflt;
}

/* ---- one target ------------------------------------------------------- */

/* What a finding counts under in this rule set, after the recounts. */
typedef struct judged {
    const tfind *f;
    const char *indicator; /* "" when it counts nowhere (unknown kind) */
    const char *phrase;
    int kind_order;        /* position of its kind in kinds: */
} judged;

static int kind_position(const rules *r, const char *kind) {
    size_t n = rules_keys_len(r, "kinds");
    for (size_t i = 0; i < n; i++)
        if (strcmp(rules_key(r, "kinds", i), kind) == 0) return (int)i;
    return (int)n;
}

/* The base indicator of a finding's kind: its indicator, or home_indicator
 * when it was recorded under the homepage's. */
static const char *base_indicator(const rules *r, const tfind *f, const char **phrase) {
    rules_kind k;
    if (!rules_kind_get(r, f->kind, &k)) {
        log_warn(L("finding kind %s is not in the rule set; not counted",
                   "规则集中没有问题种类 %s，不计入"),
                 f->kind);
        *phrase = "";
        return "";
    }
    *phrase = k.phrase ? k.phrase : "";
    const char *home = rules_path_string(r, "kinds/%s/home_indicator", f->kind);
    if (*home && strcmp(f->indicator, home) == 0) return home;
    return k.indicator;
}

typedef struct column_counts {
    int key_stale, dated_stale, blank;
    bool v_key, v_dated, v_blank;
} column_counts;

static bool threshold_hit(const rules *r, const char *path, int n) {
    return n > 0 && rules_has(r, path) && rules_threshold_test(rules_threshold_at(r, path), n);
}

/* Redoes the column judgement of column.stale and column.fresh findings by
 * this rule set, from what their evidence says the crawl saw (the names the
 * category is read from, the level, the newest item's date). Findings that
 * predate those fields keep the crawl's judgement. */
static void rejudge_columns(const rules *r, tfinds *t, bool t_ok, int ty, int tm, int td) {
    for (size_t i = 0; t && i < t->n; i++) {
        tfind *f = &t->v[i];
        bool stale_kind = strcmp(f->kind, "column.stale") == 0;
        if (!stale_kind && strcmp(f->kind, "column.fresh") != 0) continue;
        json_t *newest = f->ev ? json_object_get(f->ev, "newest") : NULL;
        int ny = 0, nm = 0, nd = 0;
        bool have = date_parse_ymd(json_str_or(newest, "date", ""), &ny, &nm, &nd);
        bool top = json_int_or(f->ev, "level", 0) == 1;
        if (t_ok && f->ev && json_object_get(f->ev, "visible")) {
            fresh_judgement fj;
            fresh_judge_column(r, json_str_or(f->ev, "column_type", ""),
                               json_str_or(f->ev, "column_name", ""), json_str_or(f->ev, "visible", ""),
                               top, have, ny, nm, nd, ty, tm, td, &fj);
            f->col_stale = fj.stale ? 1 : 0;
            f->col_key = fj.key;
            f->col_top_policy = top && strcmp(fj.category, "policy") == 0;
        } else {
            f->col_stale = stale_kind ? 1 : 0;
            f->col_key = ev_true(f->ev, "key");
            f->col_top_policy = top && strcmp(json_str_or(f->ev, "category", ""), "policy") == 0;
        }
    }
}

static void count_columns(const rules *r, const tfinds *t, column_counts *cc) {
    memset(cc, 0, sizeof *cc);
    for (size_t i = 0; t && i < t->n; i++) {
        const tfind *f = &t->v[i];
        if (strcmp(f->status, "confirmed") != 0) continue;
        if (f->col_stale == 1) {
            cc->dated_stale++;
            if (f->col_key) cc->key_stale++;
        } else if (strcmp(f->kind, "column.blank") == 0) {
            cc->blank++;
        }
    }
    const char *veto = rules_path_string(r, "kinds/%s/veto", "column.stale");
    char path[160];
    snprintf(path, sizeof path, "indicators/%s/key_stale", veto);
    cc->v_key = threshold_hit(r, path, cc->key_stale);
    snprintf(path, sizeof path, "indicators/%s/dated_stale", veto);
    cc->v_dated = threshold_hit(r, path, cc->dated_stale);
    snprintf(path, sizeof path, "indicators/%s/blank", veto);
    cc->v_blank = threshold_hit(r, path, cc->blank);
}

/* Incomplete guides: veto when the share missing a core element crosses the
 * rule set's threshold. */
static bool guides_veto(const rules *r, const tfinds *t) {
    int core = 0, examined = 0;
    for (size_t i = 0; t && i < t->n; i++) {
        const tfind *f = &t->v[i];
        if (strcmp(f->status, "confirmed") != 0 || strcmp(f->kind, "service.guide_incomplete") != 0)
            continue;
        if (ev_true(f->ev, "core_missing")) core++;
        int ex = json_int_or(f->ev, "guides_examined", 0);
        if (ex > examined) examined = ex;
    }
    const char *veto = rules_path_string(r, "kinds/%s/veto", "service.guide_incomplete");
    char path[160];
    snprintf(path, sizeof path, "indicators/%s/incomplete_share", veto);
    if (core == 0 || examined == 0 || !rules_has(r, path)) return false;
    return rules_threshold_test(rules_threshold_at(r, path), (double)core / examined);
}

static const char *judge_one(const rules *r, const tfind *f, const column_counts *cols,
                             bool guide_veto, const char **phrase) {
    if (f->col_stale == 0) return ""; /* within its period by these rules */
    if (f->col_stale == 1) {
        /* Stale by these rules, whatever the crawl's rules said: it counts
         * as the stale-column kind. */
        rules_kind k;
        if (!rules_kind_get(r, "column.stale", &k)) return "";
        *phrase = k.phrase ? k.phrase : "";
        const char *veto = rules_path_string(r, "kinds/%s/veto", "column.stale");
        if (*veto && ((cols->v_key && f->col_key) || cols->v_dated)) return veto;
        if (f->col_top_policy && rules_has(r, "indicators/column.policy_stale"))
            return "column.policy_stale";
        return k.indicator;
    }
    const char *ind = base_indicator(r, f, phrase);
    if (!*ind) return ind;
    const char *veto = rules_path_string(r, "kinds/%s/veto", f->kind);
    if (strcmp(f->kind, "column.blank") == 0) return *veto && cols->v_blank ? veto : ind;
    if (strcmp(f->kind, "service.guide_incomplete") == 0)
        return *veto && guide_veto && ev_true(f->ev, "core_missing") ? veto : ind;
    return ind;
}

typedef struct judge_ctx {
    store *s;
    const rules *r;
    const round_rec *round;
    collect_ctx *findings; /* by target */
    collect_ctx *targets;  /* round target states by target */
    int ty, tm, td;
    bool t_ok;
    verdict_set *out;
    size_t cap;
    bool failed;
    err *e;
} judge_ctx;

/* ---- availability, re-judged from the probes stored now ----------------- */

/* Whether the site's stored probes veto it now. */
static bool availability_veto(judge_ctx *j, const char *code, bool *veto) {
    *veto = false;
    if (!j->t_ok) return true;
    int zone = 480;
    const char *tz = rules_string(j->r, "ruleset/time_zone");
    if (tz && *tz) date_parse_offset(tz, &zone);
    availability_result res;
    if (!availability_judge_stored(j->s, j->r, code, j->ty, j->tm, j->td, zone, &res, j->e)) return false;
    *veto = res.judged && res.veto;
    availability_result_free(&res);
    return true;
}

/* ---- scoring ----------------------------------------------------------- */

static int cmp_judged(const void *a, const void *b) {
    const judged *x = a, *y = b;
    return x->kind_order - y->kind_order;
}

static void score_site(const rules *r, verdict *v, const judged *js, size_t n) {
    strlist inds = {0};
    for (size_t i = 0; i < n; i++)
        if (js[i].f && strcmp(js[i].f->status, "confirmed") == 0 && *js[i].indicator &&
            strcmp(indicator_type(r, js[i].indicator), "deduction") == 0)
            strlist_add(&inds, js[i].indicator);
    const char *skip_area = rules_has(r, "verdict/no_services/skip_area")
                                ? rules_string(r, "verdict/no_services/skip_area")
                                : "";
    v->deductions = calloc(inds.n ? inds.n : 1, sizeof *v->deductions);
    double *capped = calloc(inds.n ? inds.n : 1, sizeof *capped);
    for (size_t k = 0; v->deductions && capped && k < inds.n; k++) {
        const char *ind = inds.v[k];
        int count = 0;
        for (size_t i = 0; i < n; i++)
            if (js[i].f && strcmp(js[i].f->status, "confirmed") == 0 &&
                strcmp(js[i].indicator, ind) == 0)
                count++;
        double per = rules_path_number(r, "indicators/%s/per", ind);
        double points = rules_path_number(r, "indicators/%s/points", ind);
        double cap = rules_path_number(r, "indicators/%s/cap", ind);
        if (per < 1) per = 1;
        double p = floor(count / per) * points;
        if (rules_path_has(r, "indicators/%s/cap", ind) && p > cap) p = cap;
        if (!v->services && *skip_area &&
            strcmp(rules_path_string(r, "indicators/%s/area", ind), skip_area) == 0)
            p = 0;
        verdict_deduction *d = &v->deductions[v->ndeductions++];
        d->indicator = strdup(ind);
        d->count = count;
        d->points = p;
        capped[k] = p;
    }
    /* Cap groups: the members' sum is capped together. */
    double total = 0;
    bool *grouped = calloc(inds.n ? inds.n : 1, sizeof *grouped);
    size_t ng = rules_keys_len(r, "cap_groups");
    for (size_t g = 0; grouped && capped && g < ng; g++) {
        const char *gname = rules_key(r, "cap_groups", g);
        char mpath[200], cpath[200];
        snprintf(mpath, sizeof mpath, "cap_groups/%s/members", gname);
        snprintf(cpath, sizeof cpath, "cap_groups/%s/cap", gname);
        double sum = 0;
        size_t nm = rules_list_len(r, mpath);
        for (size_t k = 0; k < inds.n; k++)
            for (size_t m = 0; m < nm; m++)
                if (!grouped[k] && strcmp(inds.v[k], rules_list_item(r, mpath, m)) == 0) {
                    grouped[k] = true;
                    sum += capped[k];
                }
        double gcap = rules_number(r, cpath);
        total += sum > gcap ? gcap : sum;
    }
    for (size_t k = 0; grouped && capped && k < inds.n; k++)
        if (!grouped[k]) total += capped[k];
    if (!v->services) {
        double num = rules_number(r, "verdict/no_services/factor_numerator");
        double den = rules_number(r, "verdict/no_services/factor_denominator");
        if (den > 0) total = total * num / den;
    }
    v->deducted = total;
    v->score = rules_number(r, "verdict/score/base") - total;
    v->scored = true;
    free(grouped);
    free(capped);
    strlist_free(&inds);
}

/* Report phrases and veto codes in the rule set's cell order. */
static bool order_problems(const rules *r, verdict *v, const judged *js, size_t n, bool score_fail,
                           bool unreachable, strlist *vetoes, strlist *problems) {
    const char *order_path = v->is_site ? "report/sites/cell_order" : "report/media/cell_order";
    size_t no = rules_list_len(r, order_path);
    strlist seen = {0};
    bool ok = true;
    /* The veto codes present, in cell order first, then any others. */
    strlist present = {0};
    if (unreachable) ok = ok && strlist_add(&present, "site.unreachable");
    for (size_t i = 0; ok && i < n; i++)
        if (js[i].f && strcmp(js[i].f->status, "confirmed") == 0 && is_veto(r, js[i].indicator))
            ok = strlist_add(&present, js[i].indicator);
    for (size_t o = 0; ok && o <= no; o++) {
        const char *code = o < no ? rules_list_item(r, order_path, o) : NULL;
        if (code && strcmp(code, "score") == 0) {
            if (score_fail) {
                const char *ph = rules_string(r, "verdict/score/fail_phrase");
                ok = strlist_add(problems, ph);
            }
            continue;
        }
        for (size_t p = 0; ok && p < present.n; p++) {
            if (code ? strcmp(present.v[p], code) != 0 : strlist_has(&seen, present.v[p])) continue;
            if (!code && strlist_has(vetoes, present.v[p])) continue;
            ok = strlist_add(vetoes, present.v[p]) && strlist_add(&seen, present.v[p]);
            if (strcmp(present.v[p], "site.unreachable") == 0 && unreachable) {
                rules_kind k;
                if (ok && rules_kind_get(r, "site.unreachable", &k) && *k.phrase)
                    ok = strlist_add(problems, k.phrase);
            }
            for (size_t i = 0; ok && i < n; i++)
                if (js[i].f && strcmp(js[i].f->status, "confirmed") == 0 &&
                    strcmp(js[i].indicator, present.v[p]) == 0 && *js[i].phrase)
                    ok = strlist_add(problems, js[i].phrase);
        }
    }
    strlist_free(&seen);
    strlist_free(&present);
    return ok;
}

static int group_of(const rules *r, const verdict *v, bool score_fail) {
    const char *path = v->is_site ? "report/sites/group_order" : "report/media/group_order";
    size_t n = rules_list_len(r, path);
    for (size_t g = 0; g < n; g++) {
        const char *code = rules_list_item(r, path, g);
        if (strcmp(code, "score") == 0 ? score_fail : verdict_has_veto(v, code)) return (int)g;
    }
    return -1;
}

static bool judge_target(judge_ctx *j, verdict *v) {
    const rules *r = j->r;
    char key[512];
    target_key(key, sizeof key, v->is_site, v->id);
    const tfinds *t = strmap_get(j->findings->by_target, key);
    const target_state *ts = strmap_get(j->targets->by_target, key);
    v->checked = ts != NULL || (t && t->n);

    column_counts cols;
    rejudge_columns(r, (tfinds *)t, j->t_ok, j->ty, j->tm, j->td);
    count_columns(r, t, &cols);
    v->stale_columns = cols.dated_stale;
    v->blank_columns = cols.blank;
    bool gveto = v->is_site && guides_veto(r, t);
    size_t n = t ? t->n : 0;
    judged *js = calloc(n ? n : 1, sizeof *js);
    if (!js) return err_set(j->e, ERR_NOMEM, "out of memory");
    bool unreachable_dismissed = false, crawl_incomplete = false;
    size_t nj = 0;
    for (size_t i = 0; i < n; i++) {
        const tfind *f = &t->v[i];
        if (strcmp(f->kind, "site.unreachable") == 0) continue; /* re-judged below */
        if (strcmp(f->kind, "crawl.incomplete") == 0 && strcmp(f->status, "confirmed") == 0)
            crawl_incomplete = true;
        const char *phrase = "";
        const char *ind = judge_one(r, f, &cols, gveto, &phrase);
        if (!*ind) continue;
        /* services=no: the service indicators do not apply at all. */
        if (v->is_site && !v->services && strncmp(f->kind, "service.", 8) == 0) continue;
        const char *type = indicator_type(r, ind);
        if (strcmp(type, "info") == 0) continue;
        if (strcmp(f->status, "pending") == 0) v->pending_review++;
        else v->confirmed++;
        js[nj++] = (judged){.f = f, .indicator = ind, .phrase = phrase,
                            .kind_order = kind_position(r, f->kind)};
    }
    /* A reviewer's dismissal of the round's site.unreachable holds. */
    bool unreachable = false;
    if (v->is_site) {
        for (size_t i = 0; i < n; i++)
            if (strcmp(t->v[i].kind, "site.unreachable") == 0) {
                if (strcmp(t->v[i].status, "pending") == 0) v->pending_review++;
                if (strcmp(t->v[i].status, "dismissed") == 0) unreachable_dismissed = true;
            }
        if (!availability_veto(j, v->id, &unreachable)) {
            free(js);
            return false;
        }
        if (unreachable_dismissed) unreachable = false;
    }
    qsort(js, nj, sizeof *js, cmp_judged);

    strlist pend = {0};
    for (size_t i = 0; i < nj; i++)
        if (strcmp(js[i].f->status, "pending") == 0 && is_veto(r, js[i].indicator))
            strlist_add(&pend, js[i].indicator);

    bool any_veto = unreachable;
    for (size_t i = 0; i < nj; i++)
        if (strcmp(js[i].f->status, "confirmed") == 0 && is_veto(r, js[i].indicator)) any_veto = true;

    bool score_fail = false;
    /* A site that fails by a veto still has its deductions listed, but no
     * score (indicators.md §1). */
    if (v->is_site && any_veto) {
        score_site(r, v, js, nj);
        v->scored = false;
    } else if (v->is_site) {
        score_site(r, v, js, nj);
        double bonus = 0;
        bool found = false;
        if (strcmp(v->kind, rules_string(r, "verdict/bonus/site_kind")) == 0 &&
            rules_threshold_test(rules_threshold_at(r, "verdict/bonus/eligible"), v->score)) {
            if (!store_bonus_get(j->s, j->round->id, v->id, &bonus, &found, j->e)) {
                free(js);
                strlist_free(&pend);
                return false;
            }
            double max = rules_number(r, "verdict/bonus/max_points");
            if (bonus > max) bonus = max;
            v->bonus = found ? bonus : 0;
            v->score += v->bonus;
        }
        score_fail = rules_threshold_test(rules_threshold_at(r, "verdict/score/fail"), v->score);
    }
    strlist vetoes = {0}, problems = {0};
    bool ok = order_problems(r, v, js, nj, score_fail, unreachable, &vetoes, &problems);
    v->vetoes = vetoes.v;
    v->nvetoes = vetoes.n;
    v->problems = problems.v;
    v->nproblems = problems.n;
    v->pending_vetoes = pend.v;
    v->npending_vetoes = pend.n;

    const char *reason = "";
    if (!v->checked) reason = L("not checked in this round", "本轮未检查");
    else if (ts && strcmp(ts->state, "complete") != 0)
        reason = *ts->reason ? ts->reason
                             : (strcmp(ts->state, "failed") == 0 ? L("could not be read", "无法读取")
                                                                 : L("check incomplete", "检查不完整"));
    else if (crawl_incomplete)
        reason = L("the crawl did not reach the column pages", "未能抓取栏目页");
    if (v->nvetoes || score_fail) v->state = VERDICT_FAIL;
    else if (v->npending_vetoes) v->state = VERDICT_PENDING;
    else if (*reason) v->state = VERDICT_UNKNOWN;
    else v->state = VERDICT_PASS;
    v->reason = strdup(v->state == VERDICT_UNKNOWN ? reason : "");
    if (v->state != VERDICT_PASS && v->state != VERDICT_FAIL) v->scored = v->scored && v->state != VERDICT_UNKNOWN;
    v->group = v->state == VERDICT_FAIL ? group_of(r, v, score_fail) : -1;
    free(js);
    if (!ok || !v->reason) return err_set(j->e, ERR_NOMEM, "out of memory");
    return true;
}

/* ---- targets ----------------------------------------------------------- */

static verdict *next_slot(judge_ctx *j) {
    verdict_set *o = j->out;
    if (!grow_for_one(&o->v, &j->cap, o->n, sizeof *o->v, 64)) return NULL;
    verdict *v = &o->v[o->n++];
    memset(v, 0, sizeof *v);
    return v;
}

static void tally(verdict_totals *t, const verdict *v) {
    t->registered++;
    switch (v->state) {
    case VERDICT_PASS: t->pass++; break;
    case VERDICT_FAIL: t->fail++; break;
    case VERDICT_PENDING: t->pending++; break;
    default: t->unknown++; break;
    }
    if (v->checked) t->checked++;
}

static bool on_site(const site_rec *s, void *ud) {
    judge_ctx *j = ud;
    verdict *v = next_slot(j);
    if (!v) {
        j->failed = !err_set(j->e, ERR_NOMEM, "out of memory");
        return false;
    }
    v->is_site = true;
    v->id = dup_or_empty(s->code);
    v->name = dup_or_empty(s->name);
    v->unit = dup_or_empty(s->unit);
    v->org = dup_or_empty(s->org);
    v->platform = dup_or_empty("");
    v->kind = dup_or_empty(s->kind);
    v->services = s->services;
    if (!judge_target(j, v)) {
        j->failed = true;
        return false;
    }
    tally(&j->out->sites, v);
    return true;
}

static bool on_media(const media_rec *m, void *ud) {
    judge_ctx *j = ud;
    verdict *v = next_slot(j);
    if (!v) {
        j->failed = !err_set(j->e, ERR_NOMEM, "out of memory");
        return false;
    }
    v->is_site = false;
    v->id = dup_or_empty(m->media_id);
    v->name = dup_or_empty(m->name);
    v->unit = dup_or_empty(m->unit);
    v->org = dup_or_empty(m->org);
    v->platform = dup_or_empty(reg_platform_label(m->platform));
    v->kind = dup_or_empty(m->platform);
    v->services = true;
    if (!judge_target(j, v)) {
        j->failed = true;
        return false;
    }
    tally(&j->out->media, v);
    return true;
}

bool verdicts_compute(store *s, const rules *r, const round_rec *round, const char *org,
                      verdict_set *out, err *e) {
    memset(out, 0, sizeof *out);
    collect_ctx findings = {.by_target = strmap_new()}, targets = {.by_target = strmap_new()};
    judge_ctx j = {.s = s, .r = r, .round = round, .findings = &findings, .targets = &targets,
                   .out = out, .e = e};
    j.t_ok = round->as_of && date_parse_ymd(round->as_of, &j.ty, &j.tm, &j.td);
    out->round = dup_or_empty(round->name);
    out->as_of = dup_or_empty(round->as_of);
    out->label = dup_or_empty(round->label);
    out->rules_id = dup_or_empty(rules_id(r));
    bool ok = findings.by_target && targets.by_target && out->round && out->as_of && out->label &&
              out->rules_id;
    if (!ok) err_set(e, ERR_NOMEM, "out of memory");
    if (ok) ok = store_findings_each(s, round->id, NULL, collect_finding, &findings, e);
    if (ok) ok = store_round_targets_each(s, round->id, collect_target, &targets, e);
    if (ok && (findings.nomem || targets.nomem)) ok = err_set(e, ERR_NOMEM, "out of memory");
    if (ok) ok = store_sites_each(s, org, on_site, &j, e) && !j.failed;
    out->nsites = out->n;
    if (ok) ok = store_media_each(s, org, on_media, &j, e) && !j.failed;
    strmap_free(findings.by_target, tfinds_free);
    strmap_free(targets.by_target, target_state_free);
    if (!ok) verdict_set_free(out);
    return ok;
}

static void verdict_free(verdict *v) {
    free(v->id);
    free(v->name);
    free(v->unit);
    free(v->org);
    free(v->platform);
    free(v->kind);
    free(v->reason);
    strv_free(v->vetoes, v->nvetoes);
    strv_free(v->pending_vetoes, v->npending_vetoes);
    strv_free(v->problems, v->nproblems);
    for (size_t i = 0; i < v->ndeductions; i++) free(v->deductions[i].indicator);
    free(v->deductions);
}

void verdict_set_free(verdict_set *vs) {
    if (!vs) return;
    for (size_t i = 0; i < vs->n; i++) verdict_free(&vs->v[i]);
    free(vs->v);
    free(vs->round);
    free(vs->as_of);
    free(vs->label);
    free(vs->rules_id);
    memset(vs, 0, sizeof *vs);
}

const verdict *verdict_find(const verdict_set *vs, bool is_site, const char *id) {
    for (size_t i = 0; i < vs->n; i++)
        if (vs->v[i].is_site == is_site && strcmp(vs->v[i].id, id) == 0) return &vs->v[i];
    return NULL;
}

bool verdict_has_veto(const verdict *v, const char *code) {
    for (size_t i = 0; i < v->nvetoes; i++)
        if (strcmp(v->vetoes[i], code) == 0) return true;
    return false;
}
