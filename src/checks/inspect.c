#include "checks/inspect.h"

#include "checks/availability.h"
#include "checks/check.h"
#include "checks/evidence.h"
#include "checks/freshness.h"
#include "checks/links.h"
#include "core/date.h"
#include "core/lang.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The website checks, in the order they see each page. */
static const check_module *const inspect_modules[] = {&check_links, &check_freshness};
#define INSPECT_NMODULES (sizeof inspect_modules / sizeof *inspect_modules)

struct check_ctx {
    store *s;
    const rules *r;
    const round_rec *round;
    const site_rec *site;
    int zone;
    int64_t *ids;
    size_t nids, capids;
    int findings;
    bool in_tx;
    bool failed;
    evidence_set *evidence; /* the run's; pages findings point at */
    err e;
};

typedef struct inspect_slot {
    check_ctx ctx;
    void *state[INSPECT_NMODULES];
} inspect_slot;

typedef struct inspect_run {
    strmap *slots; /* site code -> inspect_slot* */
    inspect_report_fn report;
    void *ud;
    bool failed;
    err *e;
} inspect_run;

const rules *check_rules(const check_ctx *c) { return c->r; }
int check_zone_minutes(const check_ctx *c) { return c->zone; }
bool check_as_of(const check_ctx *c, int *y, int *m, int *d) {
    return c->round->as_of && date_parse_ymd(c->round->as_of, y, m, d);
}

static int64_t inspect_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool check_record(check_ctx *c, const check_finding *f) {
    json_t *ev = f->evidence;
    if (c->failed) {
        json_decref(ev);
        return false;
    }
    rules_kind k;
    if (!rules_kind_get(c->r, f->kind, &k)) {
        /* A check that records a kind the rule set does not know is a bug
         * of ours; say so, and keep the other findings. */
        log_error("finding kind %s is not in the rule set", f->kind);
        json_decref(ev);
        return false;
    }
    const char *indicator = k.indicator;
    if (f->home) {
        char path[160];
        snprintf(path, sizeof path, "kinds/%s/home_indicator", f->kind);
        if (rules_has(c->r, path)) indicator = rules_string(c->r, path);
    }
    if (f->indicator_override) {
        char path[160];
        snprintf(path, sizeof path, "indicators/%s", f->indicator_override);
        if (!rules_has(c->r, path)) {
            log_error("finding kind %s: indicator %s is not in the rule set", f->kind,
                      f->indicator_override);
            json_decref(ev);
            return false;
        }
        indicator = f->indicator_override;
    }
    char when[40];
    date_format_iso(f->observed_ms ? f->observed_ms : inspect_now_ms(), c->zone, when, sizeof when);
    char *evidence = ev ? json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(ev);
    finding_rec fr = {.round_id = c->round->id,
                      .target = c->site->code,
                      .target_kind = "site",
                      .kind = (char *)f->kind,
                      .subject = (char *)(f->subject ? f->subject : ""),
                      .indicator = (char *)indicator,
                      .status = (char *)k.review,
                      .url = (char *)(f->url ? f->url : ""),
                      .source_url = (char *)(f->source_url ? f->source_url : ""),
                      .observed_at = when,
                      .evidence = evidence ? evidence : "{}",
                      .summary = (char *)(f->summary ? f->summary : "")};
    int64_t id = 0;
    bool ok = store_finding_record(c->s, &fr, &id, &c->e);
    free(evidence);
    if (!ok) {
        c->failed = true;
        return false;
    }
    if (c->nids == c->capids) {
        size_t cap = c->capids ? c->capids * 2 : 64;
        int64_t *p = realloc(c->ids, cap * sizeof *p);
        if (!p) {
            c->failed = true;
            err_set(&c->e, ERR_NOMEM, "out of memory");
            return false;
        }
        c->ids = p;
        c->capids = cap;
    }
    c->ids[c->nids++] = id;
    c->findings++;
    if (f->source_url && *f->source_url) evidence_add(c->evidence, c->site->code, f->source_url);
    return true;
}

static inspect_slot *inspect_slot_for(inspect_run *run, const char *code) {
    return strmap_get(run->slots, code);
}

static void inspect_begin_tx(inspect_run *run, inspect_slot *slot) {
    if (slot->ctx.in_tx || slot->ctx.failed) return;
    if (store_begin(slot->ctx.s, &slot->ctx.e)) slot->ctx.in_tx = true;
    else slot->ctx.failed = true;
    (void)run;
}

static void inspect_on_page(void *ud, const crawl_page *p) {
    inspect_run *run = ud;
    inspect_slot *slot = inspect_slot_for(run, p->site_code);
    if (!slot) return;
    for (size_t i = 0; i < INSPECT_NMODULES; i++)
        if (inspect_modules[i]->on_page) inspect_modules[i]->on_page(&slot->ctx, slot->state[i], p);
}

static void inspect_on_link(void *ud, const crawl_link *l) {
    inspect_run *run = ud;
    inspect_slot *slot = inspect_slot_for(run, l->site_code);
    if (!slot) return;
    /* The link phase of a site runs in one transaction with its site_end. */
    inspect_begin_tx(run, slot);
    for (size_t i = 0; i < INSPECT_NMODULES; i++)
        if (inspect_modules[i]->on_link) inspect_modules[i]->on_link(&slot->ctx, slot->state[i], l);
}

static void inspect_on_site_done(void *ud, const crawl_site_result *r) {
    inspect_run *run = ud;
    inspect_slot *slot = inspect_slot_for(run, r->site_code);
    if (!slot) return;
    check_ctx *c = &slot->ctx;
    inspect_begin_tx(run, slot);
    for (size_t i = 0; i < INSPECT_NMODULES; i++)
        if (inspect_modules[i]->site_end) inspect_modules[i]->site_end(c, slot->state[i], r);
    /* Findings not seen again are gone — but an incomplete crawl saw too
     * little to say so, except about the crawl itself. */
    for (size_t i = 0; i < INSPECT_NMODULES && !c->failed; i++)
        for (const char *const *p = inspect_modules[i]->kind_prefixes; p && *p && !c->failed; p++) {
            if (!r->complete && strcmp(*p, "crawl.") != 0) continue;
            if (!store_findings_mark_gone(c->s, c->round->id, c->site->code, *p, c->ids, c->nids,
                                          &c->e))
                c->failed = true;
        }
    if (c->in_tx) {
        if (c->failed) store_rollback(c->s);
        else if (!store_commit(c->s, &c->e)) c->failed = true;
        c->in_tx = false;
    }
    if (c->failed) {
        if (!run->failed) {
            *run->e = c->e;
            run->failed = true;
        }
        return;
    }
    if (run->report) {
        inspect_site_outcome o = {.code = r->site_code,
                                  .pages = r->pages,
                                  .links = r->links,
                                  .broken = r->broken,
                                  .findings = c->findings,
                                  .complete = r->complete,
                                  .reason = r->incomplete_reason};
        run->report(run->ud, &o);
    }
}

/* Availability (site.unreachable, probe.insufficient, downtime.excess) is
 * judged from stored probes and downtime, not from the crawl: recorded for
 * each site before the crawl, in a transaction of its own, and complete
 * whatever the crawl then does. */
static bool inspect_availability(check_ctx *c) {
    if (!store_begin(c->s, &c->e)) return false;
    bool ok = availability_inspect(c, c->s, c->site, c->round->as_of, &c->e) && !c->failed;
    for (const char *const *k = availability_kinds; ok && *k; k++)
        ok = store_findings_mark_gone(c->s, c->round->id, c->site->code, *k, c->ids, c->nids,
                                      &c->e);
    if (ok) ok = store_commit(c->s, &c->e);
    else store_rollback(c->s);
    return ok;
}

static void inspect_slot_free(void *p) {
    inspect_slot *slot = p;
    if (!slot) return;
    for (size_t i = 0; i < INSPECT_NMODULES; i++)
        if (inspect_modules[i]->site_free) inspect_modules[i]->site_free(slot->state[i]);
    free(slot->ctx.ids);
    free(slot);
}

bool inspect_sites(store *s, const rules *r, const round_rec *round, const site_rec *sites,
                   size_t n, const crawl_config *crawl_cfg, inspect_report_fn report, void *ud,
                   err *e) {
    int zone = 480;
    const char *tz = rules_string(r, "ruleset/time_zone");
    if (tz && !date_parse_offset(tz, &zone))
        return err_set(e, ERR_INPUT, L("rule set: invalid time_zone '%s'", "规则集：time_zone 无效：%s"), tz);

    crawl_config cfg = *crawl_cfg;
    size_t nphrases = rules_list_len(r, "crawl/soft404/phrases");
    const char **phrases = calloc(nphrases + 1, sizeof *phrases);
    crawl_site_spec *specs = calloc(n ? n : 1, sizeof *specs);
    inspect_run run = {.slots = strmap_new(), .report = report, .ud = ud, .e = e};
    evidence_set *evidence = evidence_new();
    bool ok = phrases && specs && run.slots && evidence;
    if (!ok) err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; ok && i < nphrases; i++) phrases[i] = rules_list_item(r, "crawl/soft404/phrases", i);
    cfg.soft404_titles = phrases;
    cfg.soft404_max_text = (size_t)rules_number(r, "crawl/soft404/max_text_chars");

    for (size_t i = 0; ok && i < n; i++) {
        specs[i].code = sites[i].code;
        specs[i].home_url = sites[i].url;
        specs[i].hosts = sites[i].hosts;
        inspect_slot *slot = calloc(1, sizeof *slot);
        if (!slot || !strmap_put(run.slots, sites[i].code, slot, NULL)) {
            free(slot);
            ok = err_set(e, ERR_NOMEM, "out of memory");
            break;
        }
        slot->ctx = (check_ctx){.s = s, .r = r, .round = round, .site = &sites[i], .zone = zone,
                                .evidence = evidence};
        for (size_t m = 0; m < INSPECT_NMODULES; m++)
            if (inspect_modules[m]->site_begin)
                slot->state[m] = inspect_modules[m]->site_begin(&slot->ctx, &sites[i]);
        if (!inspect_availability(&slot->ctx)) {
            *e = slot->ctx.e;
            ok = false;
        }
    }
    if (ok) {
        crawl_callbacks cb = {.on_page = inspect_on_page,
                              .on_link = inspect_on_link,
                              .on_site_done = inspect_on_site_done,
                              .ud = &run};
        ok = crawl_run(&cfg, specs, n, &cb, e) && !run.failed;
    }
    /* The pages that hold evidence, fetched once more and kept. */
    int kept = 0;
    if (ok) ok = evidence_store(evidence, s, round->id, &cfg.fetch, zone, &kept, e);
    if (ok && kept) log_debug("kept copies of %d evidence pages", kept);
    evidence_free(evidence);
    strmap_free(run.slots, inspect_slot_free);
    free(specs);
    free(phrases);
    return ok;
}
