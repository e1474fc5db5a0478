#include "media/minspect.h"

#include "core/date.h"
#include "core/grow.h"
#include "core/lang.h"
#include "core/log.h"
#include "core/strmap.h"
#include "core/textenc.h"
#include "media/mtext.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Files judged per turn of the fetcher, so transfers keep moving. */
#define MINSPECT_FILES_PER_TURN 32

static volatile sig_atomic_t minspect_stop_flag;
static fetch_client *volatile minspect_client;

void minspect_request_stop(void) {
    minspect_stop_flag = 1;
    fetch_client *c = minspect_client;
    if (c) fetch_stop(c);
}

typedef struct mi_run {
    store *s;
    const rules *r;
    const round_rec *round;
    const media_rec *accounts;
    size_t n, next_file;
    mcheck_env env;
    adclass *ads;
    minspect_report_fn report;
    void *ud;
    bool failed;
    err e;
    /* per account, while recording */
    const media_rec *cur;
    int64_t *ids;
    size_t nids, capids;
    int64_t observed_ms;
    /* media id -> mi_prior: the round's live findings before this run */
    strmap *prior;
} mi_run;

/* An account's findings (of the kinds this driver owns) that were not gone
 * when the run began. Knowing them up front spares the store a "mark gone"
 * pass over the round for every account whose findings all came back —
 * the usual case, and what keeps 10,000 accounts linear. */
typedef struct mi_prior {
    int64_t *ids;
    size_t n, cap;
} mi_prior;

static const char *const mi_prefixes[] = {"media.", "post."};

static void mi_prior_free(void *p) {
    mi_prior *pr = p;
    if (pr) free(pr->ids);
    free(pr);
}

static bool mi_prior_add(const finding_rec *f, void *ud) {
    mi_run *run = ud;
    if (strcmp(f->target_kind, "media") != 0 || strcmp(f->status, "gone") == 0) return true;
    if (strncmp(f->kind, mi_prefixes[0], strlen(mi_prefixes[0])) != 0 &&
        strncmp(f->kind, mi_prefixes[1], strlen(mi_prefixes[1])) != 0)
        return true;
    mi_prior *pr = strmap_get(run->prior, f->target);
    if (!pr) {
        if (!(pr = calloc(1, sizeof *pr)) || !strmap_put(run->prior, f->target, pr, NULL)) {
            free(pr);
            run->failed = !err_set(&run->e, ERR_NOMEM, "out of memory");
            return false;
        }
    }
    if (!grow_for_one(&pr->ids, &pr->cap, pr->n, sizeof *pr->ids, 4)) {
        run->failed = !err_set(&run->e, ERR_NOMEM, "out of memory");
        return false;
    }
    pr->ids[pr->n++] = f->id;
    return true;
}

/* Whether some finding the account had before is not among those just
 * recorded. */
static bool mi_some_not_seen(const mi_run *run, const char *media_id) {
    const mi_prior *pr = strmap_get(run->prior, media_id);
    for (size_t i = 0; pr && i < pr->n; i++) {
        bool seen = false;
        for (size_t j = 0; j < run->nids && !seen; j++) seen = run->ids[j] == pr->ids[i];
        if (!seen) return true;
    }
    return false;
}

static int64_t mi_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool mi_is_url(const char *s) {
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* Stores one finding of the current account (the rule set gives its
 * indicator and review default) and remembers its id. */
static bool mi_record(void *ud, const mcheck_finding *f) {
    mi_run *run = ud;
    json_t *ev = f->evidence;
    if (run->failed) {
        json_decref(ev);
        return false;
    }
    rules_kind k;
    if (!rules_kind_get(run->r, f->kind, &k)) {
        log_error("finding kind %s is not in the rule set", f->kind);
        json_decref(ev);
        return true; /* a bug of ours: keep the other findings */
    }
    char when[40];
    date_format_iso(run->observed_ms, run->env.zone, when, sizeof when);
    char *evidence = ev ? json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(ev);
    finding_rec fr = {.round_id = run->round->id,
                      .target = run->cur->media_id,
                      .target_kind = "media",
                      .kind = (char *)f->kind,
                      .subject = (char *)(f->subject ? f->subject : ""),
                      .indicator = (char *)k.indicator,
                      .status = (char *)k.review,
                      .url = (char *)(f->url ? f->url : ""),
                      .source_url = run->cur->source,
                      .observed_at = when,
                      .evidence = evidence ? evidence : "{}",
                      .summary = (char *)(f->summary ? f->summary : "")};
    int64_t id = 0;
    bool ok = store_finding_record(run->s, &fr, &id, &run->e);
    free(evidence);
    if (ok && !grow_for_one(&run->ids, &run->capids, run->nids, sizeof *run->ids, 16))
        ok = err_set(&run->e, ERR_NOMEM, "out of memory");
    if (ok) run->ids[run->nids++] = id;
    else run->failed = true;
    return ok;
}

/* Checks and records one account: `a` when its source was read, else the
 * reason it was not. */
static void mi_account(mi_run *run, const media_rec *m, const feed_account *a, const char *reason,
                       int64_t observed_ms) {
    if (run->failed) return;
    /* An error message cut to its buffer may end inside a character. */
    char rbuf[1100];
    if (reason) {
        snprintf(rbuf, sizeof rbuf, "%s", reason);
        size_t bad;
        if (!utf8_valid(rbuf, strlen(rbuf), &bad)) rbuf[bad] = '\0';
        reason = rbuf;
    }
    run->cur = m;
    run->nids = 0;
    run->observed_ms = observed_ms;
    mcheck_summary sum = {0};
    if (!store_begin(run->s, &run->e)) {
        run->failed = true;
        return;
    }
    bool ok;
    if (a) {
        ok = mcheck_account(&run->env, a, mi_record, run, &sum) && !run->failed;
        /* Read successfully: what was not seen again is gone. */
        bool some_gone = ok && mi_some_not_seen(run, m->media_id);
        for (size_t i = 0; some_gone && ok && i < 2; i++)
            ok = store_findings_mark_gone(run->s, run->round->id, m->media_id, mi_prefixes[i], run->ids,
                                          run->nids, &run->e);
    } else {
        char summary[1200];
        snprintf(summary, sizeof summary, L("the source could not be read: %s", "数据源无法读取：%s"), reason);
        mcheck_finding f = {.kind = "media.feed_error",
                            .subject = "",
                            .url = m->source,
                            .evidence = mcheck_feed_error_evidence(run->r, m->source, reason),
                            .summary = summary};
        ok = mi_record(run, &f);
        sum.findings = 1;
    }
    /* How far the account was checked, for the judge: failed (nothing read),
     * incomplete (freshness not judged), complete. */
    if (ok) {
        char when[40], why[1200];
        date_format_iso(mi_now_ms(), run->env.zone, when, sizeof when);
        const char *state = !a ? "failed" : sum.stale_unknown ? "incomplete" : "complete";
        if (!a) snprintf(why, sizeof why, L("the source could not be read: %s", "数据源无法读取：%s"), reason);
        else if (sum.stale_unknown) snprintf(why, sizeof why, "%s", sum.unjudged_reason);
        else why[0] = '\0';
        round_target_rec t = {.round_id = run->round->id,
                              .target = m->media_id,
                              .target_kind = "media",
                              .state = (char *)state,
                              .reason = why,
                              .checked_at = when};
        ok = store_target_checked(run->s, &t, &run->e);
    }
    if (ok) ok = store_commit(run->s, &run->e);
    else store_rollback(run->s);
    if (!ok) {
        run->failed = true;
        return;
    }
    if (run->report) {
        minspect_outcome o = {.media_id = m->media_id,
                              .name = a ? a->name : "",
                              .readable = a != NULL,
                              .reason = reason ? reason : "",
                              .format = a && a->format ? a->format : "",
                              .posts = sum.posts,
                              .newest = sum.newest,
                              .stale = sum.stale,
                              .stale_unknown = sum.stale_unknown,
                              .findings = (int)run->nids};
        run->report(run->ud, &o);
    }
}

static void mi_file(mi_run *run, const media_rec *m) {
    feed_account a;
    err fe = {0};
    if (feed_read_path(m->source, run->env.zone, &a, &fe)) {
        mi_account(run, m, &a, NULL, a.captured ? a.captured_ms : mi_now_ms());
        feed_account_free(&a);
    } else {
        if (fe.cls == ERR_NOMEM) {
            run->e = fe;
            run->failed = true;
            return;
        }
        mi_account(run, m, NULL, fe.msg, mi_now_ms());
    }
}

/* Judges the next few local sources; true while some remain. */
static bool mi_files_turn(void *ud) {
    mi_run *run = ud;
    for (int done = 0; run->next_file < run->n && done < MINSPECT_FILES_PER_TURN; run->next_file++) {
        if (run->failed || minspect_stop_flag) return false;
        const media_rec *m = &run->accounts[run->next_file];
        if (mi_is_url(m->source)) continue;
        mi_file(run, m);
        done++;
    }
    return run->next_file < run->n && !run->failed && !minspect_stop_flag;
}

/* What a feed request hands back. */
typedef struct mi_req {
    mi_run *run;
    const media_rec *m;
} mi_req;

static void mi_fetched(const fetch_request *req, const fetch_result *res, void *ud) {
    (void)req;
    mi_run *run = ((mi_req *)ud)->run;
    const media_rec *m = ((mi_req *)ud)->m;
    if (run->failed || minspect_stop_flag) return;
    char reason[1100];
    if (res->error != FETCH_OK && res->error != FETCH_ERR_TOO_LARGE) {
        snprintf(reason, sizeof reason, "%s: %s: %s", res->url, fetch_error_name(res->error), res->error_text);
    } else if (res->error == FETCH_ERR_TOO_LARGE || res->truncated) {
        snprintf(reason, sizeof reason, L("%s: larger than the fetcher's body cap", "%s：超过抓取大小上限"), res->url);
    } else if (res->status >= 400 || res->status < 200) {
        snprintf(reason, sizeof reason, "%s: HTTP %ld", res->url, res->status);
    } else {
        feed_account a;
        err fe = {0};
        if (feed_parse_at(res->body ? res->body : "", res->body_len, res->url, res->charset, run->env.zone,
                          res->fetched_at_ms, &a, &fe)) {
            if (!a.captured) {
                a.captured = true;
                a.captured_ms = res->fetched_at_ms;
                a.capture_source = "fetch";
            }
            mi_account(run, m, &a, NULL, a.captured_ms);
            feed_account_free(&a);
            return;
        }
        if (fe.cls == ERR_NOMEM) {
            run->e = fe;
            run->failed = true;
            return;
        }
        snprintf(reason, sizeof reason, "%s", fe.msg);
    }
    mi_account(run, m, NULL, reason, res->fetched_at_ms ? res->fetched_at_ms : mi_now_ms());
}

bool minspect_run(store *s, const rules *r, const round_rec *round, const media_rec *accounts,
                  size_t n, const fetch_config *fcfg, const text_engine *text,
                  minspect_report_fn report, void *ud, err *e) {
    mi_run run = {.s = s, .r = r, .round = round, .accounts = accounts, .n = n, .report = report, .ud = ud};
    run.env.r = r;
    run.env.zone = 480;
    const char *tz = rules_string(r, "ruleset/time_zone");
    if (tz && *tz && !date_parse_offset(tz, &run.env.zone))
        return err_set(e, ERR_INPUT, L("rule set: invalid time_zone '%s'", "规则集：time_zone 无效：%s"), tz);
    if (!round->as_of || !date_parse_ymd(round->as_of, &run.env.ty, &run.env.tm, &run.env.td))
        return err_set(e, ERR_INPUT, L("round %s: invalid as-of date", "轮次 %s：监测时间点无效"), round->name);
    mtext mt = {.engine = text, .zone = run.env.zone};
    mcheck_text_engine hook;
    if (text) {
        mtext_hook(&mt, &hook);
        run.env.text = &hook;
    }
    if (!(run.prior = strmap_new())) return err_set(e, ERR_NOMEM, "out of memory");
    if (!store_findings_each(s, round->id, NULL, mi_prior_add, &run, e) || run.failed) {
        if (run.failed) *e = run.e;
        strmap_free(run.prior, mi_prior_free);
        return false;
    }
    if (!(run.ads = adclass_new(r, e))) {
        strmap_free(run.prior, mi_prior_free);
        return false;
    }
    run.env.ads = run.ads;
    minspect_stop_flag = 0;

    size_t nurls = 0;
    for (size_t i = 0; i < n; i++) nurls += mi_is_url(accounts[i].source);
    bool ok = true;
    if (nurls) {
        fetch_config cfg = fcfg ? *fcfg : (fetch_config){0};
        fetch_client *c = fetch_new(&cfg, e);
        mi_req *reqs = calloc(n, sizeof *reqs);
        ok = c != NULL && (reqs || err_set(e, ERR_NOMEM, "out of memory"));
        for (size_t i = 0; ok && i < n; i++) {
            if (!mi_is_url(accounts[i].source)) continue;
            reqs[i] = (mi_req){.run = &run, .m = &accounts[i]};
            fetch_request req = {.url = accounts[i].source, .method = FETCH_GET, .ud = &reqs[i]};
            err se = {0};
            /* A URL the fetcher refuses is that account's problem only. */
            if (!fetch_submit(c, &req, mi_fetched, &se)) mi_account(&run, &accounts[i], NULL, se.msg, mi_now_ms());
        }
        if (ok) {
            minspect_client = c;
            fetch_set_poll(c, mi_files_turn, &run);
            ok = fetch_run(c, e);
            minspect_client = NULL;
        }
        fetch_free(c);
        free(reqs);
    }
    while (ok && mi_files_turn(&run)) {
    }
    if (ok && run.failed) {
        *e = run.e;
        ok = false;
    }
    adclass_free(run.ads);
    strmap_free(run.prior, mi_prior_free);
    free(run.ids);
    return ok;
}
