#include "checks/inspect.h"

#include "checks/availability.h"
#include "checks/check.h"
#include "checks/content.h"
#include "checks/evidence.h"
#include "checks/freshness.h"
#include "checks/identity.h"
#include "checks/interaction.h"
#include "checks/search.h"
#include "checks/service.h"
#include "checks/links.h"
#include "checks/security.h"
#include "checks/tags.h"
#include "core/date.h"
#include "core/lang.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/strmap.h"
#include "core/textenc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The website checks, in the order they see each page. */
static const check_module *const inspect_modules[] = {&check_links, &check_freshness,
                                                      &check_interaction, &check_service,
                                                      &check_search, &check_security,
                                                      &check_tags, &check_identity, &check_content};
#define INSPECT_NMODULES (sizeof inspect_modules / sizeof *inspect_modules)

/* The rule-set lists that check_pattern_in and check_is_label read, by
 * path: pages and links ask for the same few lists thousands of times, and
 * a rule-set look-up walks the path's every segment. Keyed by the path's
 * address and confirmed by its text (a caller may build paths in a buffer). */
#define CHECK_MEMO_SLOTS 32
typedef struct check_memo_entry {
    const char *key;
    char path[120];
    const char *const *v;
    size_t n;
} check_memo_entry;
typedef struct check_memo {
    check_memo_entry e[CHECK_MEMO_SLOTS];
} check_memo;

struct check_ctx {
    store *s;
    const rules *r;
    const round_rec *round;
    const site_rec *site;
    int zone;
    int64_t *ids;
    size_t nids, capids;
    int findings;
    bool failed;
    evidence_set *evidence; /* the run's; pages findings point at */
    struct inspect_run *run;
    size_t module;          /* index of the module being called */
    int nfetch;             /* check_fetch requests of the site */
    err e;
    check_memo *memo;       /* the slot's; NULL: none */
};

typedef struct inspect_slot {
    check_ctx ctx;
    check_memo memo;
    void *state[INSPECT_NMODULES];
    bool ended, complete;   /* site_end ran; the crawl was complete */
    /* Resuming (store_crawl_done_*): a site is done when its fetch step
     * has committed, unless its crawl was interrupted. */
    bool interrupted, fetched_done;
    int pending, queued;    /* its check_fetch requests under way / waiting */
    inspect_site_outcome outcome; /* reported once the site is done */
    char *reason;
} inspect_slot;

/* One check_fetch request, until its callback has run. */
typedef struct inspect_fetch {
    inspect_slot *slot;
    bool live;              /* submitted to the crawl's own client */
    size_t module;
    check_fetch_fn fn;
    void *ud;
    char *url, *post;
} inspect_fetch;

/* The crawl calls on_page on a parse worker while it reports finished
 * sites and answers check_fetch requests on its own thread (crawl.h): every
 * entry into the modules, the store and the evidence set from the crawl
 * takes `mu`, so the modules still run one at a time. */
typedef struct inspect_run {
    pthread_mutex_t mu;
    /* One transaction at a time on the store's connection, shared by the
     * sites: findings of pages (of any site) join the one open — begun by
     * the first of them, so that a crawl recording nothing holds no write
     * lock — which a site's end commits, or the pages themselves after
     * INSPECT_PAGE_TX_WRITES findings or INSPECT_PAGE_TX_MS, or the crawl's
     * tick once it is INSPECT_IDLE_TX_MS old: another process sharing the
     * database (the probe timer) waits about a second at most. A failure
     * rolls it back and fails the run, which a re-run repairs. */
    store *st;
    bool tx;
    int tx_writes;
    int64_t tx_began_ms;    /* monotonic */
    /* The page in the checks' hands (on_page): findings on it keep its
     * bytes as evidence at once (evidence_keep). */
    const crawl_page *page;
    strmap *slots; /* site code -> inspect_slot* */
    inspect_report_fn report;
    void *ud;
    bool failed;
    err *e;
    inspect_fetch **fetches; /* asked for during the crawl, not yet submitted */
    size_t nfetches, capfetches;
    fetch_client *fc;        /* during the fetch step after the crawl */
    fetch_client *live;      /* the crawl's client, while it runs */
} inspect_run;

const rules *check_rules(const check_ctx *c) { return c->r; }
int check_zone_minutes(const check_ctx *c) { return c->zone; }
bool check_as_of(const check_ctx *c, int *y, int *m, int *d) {
    return c->round->as_of && date_parse_ymd(c->round->as_of, y, m, d);
}
const site_rec *check_site(const check_ctx *c) { return c->site; }

/* rules_strings through the context's memo. */
static const char *const *check_list(const check_ctx *c, const char *path, size_t *n) {
    check_memo_entry *m = c->memo ? &c->memo->e[((uintptr_t)path >> 3) % CHECK_MEMO_SLOTS] : NULL;
    if (m && m->key == path && strcmp(m->path, path) == 0) {
        *n = m->n;
        return m->v;
    }
    const char *const *v = rules_strings(c->r, path, n);
    size_t len = strlen(path);
    if (m && v && len < sizeof m->path) { /* a missing list is looked up (and logged) each time */
        m->key = path;
        memcpy(m->path, path, len + 1);
        m->v = v;
        m->n = *n;
    }
    return v;
}

const char *check_pattern_in(const check_ctx *c, const char *list_path, const char *text) {
    if (!text || !*text) return NULL;
    size_t n;
    const char *const *pats = check_list(c, list_path, &n);
    for (size_t i = 0; i < n; i++) {
        const char *pat = pats[i];
        if (pat && *pat && strstr(text, pat)) return pat;
    }
    return NULL;
}

bool check_is_label(const check_ctx *c, const char *list_path, const char *text) {
    size_t n;
    const char *const *labs = check_list(c, list_path, &n);
    for (size_t i = 0; i < n; i++) {
        const char *lab = labs[i];
        size_t len = strlen(lab);
        if (len && !strncmp(text, lab, len) &&
            (!text[len] || text[len] == ':' || !strncmp(text + len, "：", 3)))
            return true;
    }
    return false;
}

static int inspect_digits(const char *s, int *v, int max) {
    int n = 0;
    *v = 0;
    while (n <= max && s[n] >= '0' && s[n] <= '9') *v = *v * 10 + (s[n++] - '0');
    return n;
}

bool check_find_date(const char *text, int *y, int *m, int *d, const char **end) {
    for (const char *p = text; p && *p; p++) {
        if (*p < '0' || *p > '9' || (p > text && p[-1] >= '0' && p[-1] <= '9')) continue;
        int a, b, c;
        if (inspect_digits(p, &a, 4) != 4) continue;
        const char *q = p + 4;
        bool cjk = strncmp(q, "年", 3) == 0;
        if (!cjk && *q != '-' && *q != '/' && *q != '.') continue;
        const char *r = q + (cjk ? 3 : 1);
        int nb = inspect_digits(r, &b, 2);
        if (nb < 1 || nb > 2) continue;
        const char *t = r + nb;
        if (cjk ? strncmp(t, "月", 3) != 0 : *t != *q) continue;
        t += cjk ? 3 : 1;
        int nc = inspect_digits(t, &c, 2);
        if (nc < 1 || nc > 2 || !date_valid(a, b, c)) continue;
        t += nc;
        if (cjk && strncmp(t, "日", 3) == 0) t += 3;
        *y = a, *m = b, *d = c;
        if (end) *end = t;
        return true;
    }
    return false;
}

/* Skips "一、", "（二）", "(3)", "4.", "5、" before a label. */
/* One of 一 … 十 at q (their UTF-8 starts with E4 or E5). */
static bool inspect_cn_numeral(const char *q) {
    static const char numerals[] = "一二三四五六七八九十";
    unsigned char c = (unsigned char)q[0];
    if (c != 0xE4 && c != 0xE5) return false;
    for (const char *k = numerals; *k; k += 3)
        if (q[0] == k[0] && q[1] == k[1] && q[2] == k[2]) return true;
    return false;
}

/* Every label test of every text block starts here, so the common case —
 * no enumerator — returns after a byte or two. */
const char *check_skip_enumerator(const char *s) {
    static const char *const close[] = {"）", ")", "、", ".", "．", NULL};
    const char *p = s;
    if (*p == '(') p++;
    else if ((unsigned char)*p == 0xEF && strncmp(p, "（", 3) == 0) p += 3;
    const char *q = p;
    for (;;) {
        if (*q >= '0' && *q <= '9') q++;
        else if (inspect_cn_numeral(q)) q += 3;
        else break;
    }
    if (q == p) return s;
    for (size_t i = 0; close[i]; i++)
        if (strncmp(q, close[i], strlen(close[i])) == 0) {
            q += strlen(close[i]);
            while (*q == ' ') q++;
            return q;
        }
    return s;
}

bool check_label(const page *p, size_t i, const char *label,
                 bool (*is_label)(void *ud, const char *text), void *ud, const char **value) {
    if (i >= p->ntexts) return false;
    const char *t = check_skip_enumerator(p->texts[i].text);
    size_t n = strlen(label);
    if (!n || strncmp(t, label, n) != 0) return false;
    const char *rest = t + n;
    while (*rest == ' ') rest++;
    bool colon = false;
    if (strncmp(rest, "：", 3) == 0) rest += 3, colon = true;
    else if (*rest == ':') rest++, colon = true;
    /* "事项" is not the label of "事项名称：…". */
    if (!colon && *rest && rest == t + n) return false;
    while (*rest == ' ') rest++;
    if (*rest) {
        /* Without a colon a long run of text is a sentence, not a label. */
        if (!colon) return false;
        *value = rest;
        return true;
    }
    *value = "";
    if (i + 1 >= p->ntexts) return true;
    /* The value of a dt or a table cell stays inside its list or table: an
     * empty last cell is not filled by whatever text follows. */
    const char *tag = p->texts[i].tag;
    const char *end = !strcmp(tag, "dt") ? "</dl" : !strcmp(tag, "th") || !strcmp(tag, "td") ? "</table" : NULL;
    size_t from = p->texts[i].offset, to = p->texts[i + 1].offset;
    for (size_t k = from; end && k < to && to <= p->html_len; k++)
        if (p->html[k] == '<' && !strncasecmp(p->html + k, end, strlen(end))) return true;
    if (!(is_label && is_label(ud, check_skip_enumerator(p->texts[i + 1].text))))
        *value = p->texts[i + 1].text;
    return true;
}

static void inspect_fetch_free(inspect_fetch *f) {
    if (!f) return;
    free(f->url);
    free(f->post);
    free(f);
}

static bool inspect_fetch_queue(inspect_run *run, inspect_fetch *f) {
    if (run->nfetches == run->capfetches) {
        size_t cap = run->capfetches ? run->capfetches * 2 : 32;
        inspect_fetch **p = realloc(run->fetches, cap * sizeof *p);
        if (!p) {
            inspect_fetch_free(f);
            return false;
        }
        run->fetches = p;
        run->capfetches = cap;
    }
    run->fetches[run->nfetches++] = f;
    f->slot->queued++;
    return true;
}

static void inspect_slot_fetched(inspect_run *run, inspect_slot *slot);

static void inspect_fetch_done_locked(const fetch_request *req, const fetch_result *res);

static void inspect_fetch_done(const fetch_request *req, const fetch_result *res, void *ud) {
    inspect_run *run = ((inspect_fetch *)ud)->slot->ctx.run;
    pthread_mutex_lock(&run->mu);
    inspect_fetch_done_locked(req, res);
    pthread_mutex_unlock(&run->mu);
}

static void inspect_fetch_done_locked(const fetch_request *req, const fetch_result *res) {
    inspect_fetch *f = req->ud;
    inspect_slot *slot = f->slot;
    check_ctx *c = &slot->ctx;
    bool live = f->live;
    slot->pending--;
    if (live && crawl_stopped() && res->error == FETCH_ERR_OTHER) {
        /* Stopped with the crawl: asked again in the fetch step after it. */
        f->live = false;
        inspect_fetch_queue(c->run, f);
        return;
    }
    size_t saved = c->module;
    c->module = f->module;
    f->fn(c, slot->state[f->module], f->ud, res);
    c->module = saved;
    inspect_fetch_free(f);
    /* The site finished before the others: its fetch step now, so that it
     * is done (and need not be crawled again) whatever happens later. */
    if (live && slot->ended && !slot->pending && !slot->queued && !slot->fetched_done)
        inspect_slot_fetched(c->run, slot);
}

static bool inspect_fetch_submit(fetch_client *fc, inspect_fetch *f, bool live) {
    fetch_request rq = {.url = f->url, .method = FETCH_GET, .post_body = f->post, .ud = f};
    err e = {0};
    f->live = live;
    if (fetch_submit(fc, &rq, inspect_fetch_done, &e)) {
        f->slot->pending++;
        return true;
    }
    /* Stopped between the choice of the crawl's client and the submit:
     * asked in the fetch step after the crawl, as if stopped earlier. */
    if (live && crawl_stopped()) {
        f->live = false;
        return inspect_fetch_queue(f->slot->ctx.run, f);
    }
    log_debug("%s: %s", f->url, e.msg);
    inspect_fetch_free(f);
    return false;
}

/* The crawl's client while it runs and this site's crawl is over. */
static fetch_client *inspect_live_client(const inspect_run *run, const inspect_slot *slot) {
    return slot->ended && run->live && !crawl_stopped() ? run->live : NULL;
}

bool check_fetch(check_ctx *c, const char *url, const char *post_body, check_fetch_fn done,
                 void *ud) {
    inspect_run *run = c->run;
    if (!run || !url || !done || c->nfetch >= CHECK_FETCH_MAX_PER_SITE ||
        (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
        return false;
    inspect_fetch *f = calloc(1, sizeof *f);
    if (!f) return false;
    /* The check_ctx is the first member of its slot. */
    *f = (inspect_fetch){.slot = (inspect_slot *)(void *)c, .module = c->module, .fn = done,
                         .ud = ud, .url = strdup(url),
                         .post = post_body ? strdup(post_body) : NULL};
    if (!f->url || (post_body && !f->post)) {
        inspect_fetch_free(f);
        return false;
    }
    c->nfetch++;
    if (run->fc) return inspect_fetch_submit(run->fc, f, false);
    fetch_client *live = inspect_live_client(run, f->slot);
    if (live) return inspect_fetch_submit(live, f, true);
    return inspect_fetch_queue(run, f);
}

page *check_parse(const fetch_result *res) {
    if (res->error != FETCH_OK && res->error != FETCH_ERR_TOO_LARGE) return NULL;
    if (!res->body || !res->body_len) return NULL;
    if (*res->content_type && !strstr(res->content_type, "html") &&
        strcmp(res->content_type, "text/plain") != 0)
        return NULL;
    textenc_result text = {0};
    err e = {0};
    if (!page_decode(res->body, res->body_len, res->charset, &text, &e)) return NULL;
    page *p = page_parse_decoded(&text, res->final_url, &e);
    textenc_result_free(&text);
    return p;
}

static void inspect_begin_tx(struct inspect_run *run, inspect_slot *slot);

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
    const char *evidence_text = evidence ? evidence : f->evidence_json;
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
                      .evidence = (char *)(evidence_text ? evidence_text : "{}"),
                      .summary = (char *)(f->summary ? f->summary : "")};
    int64_t id = 0;
    /* A page's first finding opens the shared transaction (see inspect_run). */
    if (c->run && c->run->page && !c->run->tx) inspect_begin_tx(c->run, (inspect_slot *)(void *)c);
    bool ok = !c->failed && store_finding_record(c->s, &fr, &id, &c->e);
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
    if (c->run) c->run->tx_writes++;
    const crawl_page *pg = c->run ? c->run->page : NULL;
    if (f->no_copy) {
        /* nothing kept */
    } else if (pg && f->source_url && !strcmp(f->source_url, pg->model->url)) {
        evidence_page ep = {.url = pg->model->url,
                            .final_url = pg->model->url,
                            .status = pg->status,
                            .content_type = pg->content_type,
                            .charset = pg->charset,
                            .body = pg->raw_body,
                            .len = pg->raw_len,
                            .fetched_at_ms = pg->fetched_at_ms};
        if (!evidence_keep(c->evidence, c->s, c->round->id, c->zone, c->site->code, &ep, &c->e)) {
            c->failed = true;
            return false;
        }
    } else if (f->source_url && *f->source_url) {
        evidence_add(c->evidence, c->site->code, f->source_url);
    }
    return true;
}

static inspect_slot *inspect_slot_for(inspect_run *run, const char *code) {
    return strmap_get(run->slots, code);
}

/* Findings of pages recorded in one transaction before it is committed,
 * and its longest life while pages keep coming. */
#define INSPECT_PAGE_TX_WRITES 1000
#define INSPECT_PAGE_TX_MS 500
#define INSPECT_IDLE_TX_MS 100

static int64_t inspect_mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void inspect_begin_tx(inspect_run *run, inspect_slot *slot) {
    if (run->tx || slot->ctx.failed) return;
    if (store_begin(slot->ctx.s, &slot->ctx.e)) {
        run->tx = true;
        run->tx_writes = 0;
        run->tx_began_ms = inspect_mono_ms();
    } else {
        slot->ctx.failed = true;
    }
}

/* Commits (or, when the slot failed, rolls back) the open transaction. */
static void inspect_end_tx(inspect_run *run, inspect_slot *slot) {
    check_ctx *c = &slot->ctx;
    if (!run->tx) return;
    if (c->failed) store_rollback(c->s);
    else if (!store_commit(c->s, &c->e)) c->failed = true;
    run->tx = false;
}

/* A slot's failure is the run's. */
static void inspect_fail_run(inspect_run *run, inspect_slot *slot) {
    if (!slot->ctx.failed || run->failed) return;
    *run->e = slot->ctx.e;
    run->failed = true;
}

static void inspect_on_page(void *ud, const crawl_page *p) {
    inspect_run *run = ud;
    inspect_slot *slot = inspect_slot_for(run, p->site_code);
    if (!slot) return;
    pthread_mutex_lock(&run->mu);
    if (run->failed) { /* the run ends in an error: nothing more is recorded */
        pthread_mutex_unlock(&run->mu);
        return;
    }
    run->page = p; /* check_record begins the transaction at the first finding */
    for (size_t i = 0; i < INSPECT_NMODULES; i++)
        if (inspect_modules[i]->on_page) inspect_modules[i]->on_page(&slot->ctx, slot->state[i], p);
    run->page = NULL;
    if (slot->ctx.failed || (run->tx && (run->tx_writes >= INSPECT_PAGE_TX_WRITES ||
                                         inspect_mono_ms() - run->tx_began_ms >= INSPECT_PAGE_TX_MS)))
        inspect_end_tx(run, slot);
    inspect_fail_run(run, slot);
    pthread_mutex_unlock(&run->mu);
}

/* The crawl's tick (crawl.h): pages' findings are committed once their
 * transaction is INSPECT_IDLE_TX_MS old, pages coming or not. Never inside
 * a site's link phase, which runs between two ticks. */
static void inspect_on_tick(void *ud) {
    inspect_run *run = ud;
    pthread_mutex_lock(&run->mu);
    if (run->tx && !run->failed && inspect_mono_ms() - run->tx_began_ms >= INSPECT_IDLE_TX_MS) {
        err e = {0};
        if (!store_commit(run->st, &e)) {
            store_rollback(run->st);
            *run->e = e;
            run->failed = true;
        }
        run->tx = false;
    }
    pthread_mutex_unlock(&run->mu);
}

static void inspect_on_link(void *ud, const crawl_link *l) {
    inspect_run *run = ud;
    inspect_slot *slot = inspect_slot_for(run, l->site_code);
    if (!slot) return;
    pthread_mutex_lock(&run->mu);
    if (run->failed) {
        pthread_mutex_unlock(&run->mu);
        return;
    }
    /* The link phase of a site runs in one transaction with its site_end. */
    inspect_begin_tx(run, slot);
    for (size_t i = 0; i < INSPECT_NMODULES; i++)
        if (inspect_modules[i]->on_link) inspect_modules[i]->on_link(&slot->ctx, slot->state[i], l);
    if (slot->ctx.failed) {
        /* At once, before another site's commit takes this site's half. */
        inspect_end_tx(run, slot);
        inspect_fail_run(run, slot);
    }
    pthread_mutex_unlock(&run->mu);
}

static void inspect_on_site_done_locked(inspect_run *run, const crawl_site_result *r);

static void inspect_on_site_done(void *ud, const crawl_site_result *r) {
    inspect_run *run = ud;
    pthread_mutex_lock(&run->mu);
    inspect_on_site_done_locked(run, r);
    pthread_mutex_unlock(&run->mu);
}

static void inspect_on_site_done_locked(inspect_run *run, const crawl_site_result *r) {
    inspect_slot *slot = inspect_slot_for(run, r->site_code);
    if (!slot) return;
    check_ctx *c = &slot->ctx;
    if (run->failed) {
        /* A failure rolled back the shared transaction, and with it some
         * of this site's findings: nothing of the site is committed, so
         * that it counts as not checked and a re-run does it again. */
        if (run->tx) store_rollback(c->s);
        run->tx = false;
        return;
    }
    inspect_begin_tx(run, slot);
    for (size_t i = 0; i < INSPECT_NMODULES; i++) {
        c->module = i;
        if (inspect_modules[i]->site_end) inspect_modules[i]->site_end(c, slot->state[i], r);
    }
    slot->ended = true;
    slot->complete = r->complete;
    /* Findings not seen again are gone — but an incomplete crawl saw too
     * little to say so, except about the crawl itself. Modules that fetch
     * after the crawl are marked in inspect_fetched(). */
    for (size_t i = 0; i < INSPECT_NMODULES && !c->failed; i++)
        for (const char *const *p = inspect_modules[i]->kind_prefixes;
             p && *p && !c->failed && !inspect_modules[i]->fetched; p++) {
            if (!r->complete && strcmp(*p, "crawl.") != 0) continue;
            if (!store_findings_mark_gone(c->s, c->round->id, c->site->code, *p, c->ids, c->nids,
                                          &c->e))
                c->failed = true;
        }
    inspect_end_tx(run, slot);
    if (c->failed) {
        inspect_fail_run(run, slot);
        return;
    }
    slot->interrupted = r->interrupted;
    slot->reason = r->incomplete_reason ? strdup(r->incomplete_reason) : NULL;
    slot->outcome = (inspect_site_outcome){.code = slot->ctx.site->code,
                                           .pages = r->pages,
                                           .links = r->links,
                                           .broken = r->broken,
                                           .complete = r->complete,
                                           .reason = slot->reason ? slot->reason : ""};
    /* While the crawl of other sites goes on, this site's fetch step runs
     * in the crawl's client; otherwise in the step after the crawl. */
    if (r->fc && !crawl_stopped()) run->live = r->fc;
    fetch_client *live = inspect_live_client(run, slot);
    for (size_t i = 0; live && !crawl_stopped() && i < run->nfetches;) {
        inspect_fetch *f = run->fetches[i];
        if (f->slot != slot) {
            i++;
            continue;
        }
        run->fetches[i] = run->fetches[--run->nfetches];
        slot->queued--;
        inspect_fetch_submit(live, f, true);
    }
    if (live && !slot->pending && !slot->queued) inspect_slot_fetched(run, slot);
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

/* The fetch step of one site (check.h): each fetching module's `fetched`
 * in the site's own transaction, its findings not seen again gone, and —
 * unless the crawl was interrupted — the site recorded as done for the
 * round, so that an interrupted run resumes after it. Then its line. */
static void inspect_slot_fetched(inspect_run *run, inspect_slot *slot) {
    check_ctx *c = &slot->ctx;
    slot->fetched_done = true;
    if (c->failed || run->failed) return;
    inspect_begin_tx(run, slot);
    for (size_t i = 0; i < INSPECT_NMODULES && !c->failed; i++) {
        if (!inspect_modules[i]->fetched) continue;
        c->module = i;
        inspect_modules[i]->fetched(c, slot->state[i]);
        for (const char *const *p = inspect_modules[i]->kind_prefixes;
             slot->complete && p && *p && !c->failed; p++)
            if (!store_findings_mark_gone(c->s, c->round->id, c->site->code, *p, c->ids, c->nids,
                                          &c->e))
                c->failed = true;
    }
    /* The round now knows the site was checked, and how far — in the
     * transaction of its last findings, so that a failure before it leaves
     * the site unchecked rather than "complete" without them. */
    char when[40];
    date_format_iso(inspect_now_ms(), c->zone, when, sizeof when);
    if (!c->failed) {
        round_target_rec t = {.round_id = c->round->id,
                              .target = (char *)c->site->code,
                              .target_kind = "site",
                              .state = slot->complete ? "complete" : "incomplete",
                              .reason = slot->complete || !slot->reason ? "" : slot->reason,
                              .checked_at = when};
        if (!store_target_checked(c->s, &t, &c->e)) c->failed = true;
    }
    if (!c->failed && !slot->interrupted &&
        !store_crawl_done_set(c->s, c->round->id, c->site->code, when, &c->e))
        c->failed = true;
    inspect_end_tx(run, slot);
    if (c->failed) {
        inspect_fail_run(run, slot);
        return;
    }
    slot->outcome.findings = c->findings;
    if (run->report) run->report(run->ud, &slot->outcome);
}

/* The fetch step after the crawl, for the sites whose step did not run
 * during it (all of them after a stop): the requests still waiting, in one
 * fetch client, then each site's step. */
static bool inspect_fetched(inspect_run *run, const fetch_config *fcfg, const site_rec *sites,
                            size_t n, err *e) {
    run->live = NULL;
    if (run->nfetches) {
        run->fc = fetch_new(fcfg, e);
        if (!run->fc) return false;
        for (size_t i = 0; i < run->nfetches; i++) {
            run->fetches[i]->slot->queued--;
            inspect_fetch_submit(run->fc, run->fetches[i], false);
        }
        run->nfetches = 0;
        err run_err = {0};
        if (!fetch_run(run->fc, &run_err)) log_warn("%s", run_err.msg);
        fetch_free(run->fc);
        run->fc = NULL;
    }
    for (size_t s = 0; s < n && !run->failed; s++) {
        inspect_slot *slot = inspect_slot_for(run, sites[s].code);
        if (slot && slot->ended && !slot->fetched_done) inspect_slot_fetched(run, slot);
    }
    return !run->failed;
}

/* A site done before an interruption is not crawled again; the copies of
 * its evidence pages are kept at the end of a run, so those a kill
 * prevented are fetched now with the others. */
typedef struct inspect_resume {
    check_ctx *c;
    evidence_set *evidence;
} inspect_resume;

static bool inspect_resume_finding(const finding_rec *f, void *ud) {
    inspect_resume *r = ud;
    if (!strcmp(f->status, "gone") || !f->source_url || !*f->source_url) return true;
    page_copy_rec copy = {0};
    err e = {0};
    if (store_page_get(r->c->s, r->c->round->id, f->source_url, &copy, &e)) page_copy_rec_free(&copy);
    else if (e.cls == ERR_NONE) evidence_add(r->evidence, f->target, f->source_url);
    return true;
}

/* Whether the site is done in this round (resumed: *done); false on a
 * store failure. */
static bool inspect_resume_site(check_ctx *c, bool *done, err *e) {
    if (!store_crawl_done_get(c->s, c->round->id, c->site->code, done, e)) return false;
    if (!*done) return true;
    log_info(L("%s: inspected before the run was interrupted; not crawled again",
               "%s：中断前已检查完毕，不再抓取"),
             c->site->code);
    inspect_resume r = {.c = c, .evidence = c->evidence};
    return store_findings_each(c->s, c->round->id, c->site->code, inspect_resume_finding, &r, e);
}

static void inspect_slot_free(void *p) {
    inspect_slot *slot = p;
    if (!slot) return;
    for (size_t i = 0; i < INSPECT_NMODULES; i++)
        if (inspect_modules[i]->site_free) inspect_modules[i]->site_free(slot->state[i]);
    free(slot->ctx.ids);
    free(slot->reason);
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
    inspect_run run = {.slots = strmap_new(), .report = report, .ud = ud, .e = e, .st = s};
    evidence_set *evidence = evidence_new();
    bool mu_ready = pthread_mutex_init(&run.mu, NULL) == 0;
    bool ok = phrases && specs && run.slots && evidence && mu_ready;
    if (!ok) err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; ok && i < nphrases; i++) phrases[i] = rules_list_item(r, "crawl/soft404/phrases", i);
    cfg.soft404_titles = phrases;
    cfg.soft404_max_text = (size_t)rules_number(r, "crawl/soft404/max_text_chars");

    size_t nspecs = 0;
    for (size_t i = 0; ok && i < n; i++) {
        inspect_slot *slot = calloc(1, sizeof *slot);
        if (!slot || !strmap_put(run.slots, sites[i].code, slot, NULL)) {
            free(slot);
            ok = err_set(e, ERR_NOMEM, "out of memory");
            break;
        }
        slot->ctx = (check_ctx){.s = s, .r = r, .round = round, .site = &sites[i], .zone = zone,
                                .evidence = evidence, .run = &run, .memo = &slot->memo};
        for (size_t m = 0; m < INSPECT_NMODULES; m++) {
            slot->ctx.module = m;
            if (inspect_modules[m]->site_begin)
                slot->state[m] = inspect_modules[m]->site_begin(&slot->ctx, &sites[i]);
        }
        if (!inspect_availability(&slot->ctx)) {
            *e = slot->ctx.e;
            ok = false;
        }
        bool done = false;
        if (ok) ok = inspect_resume_site(&slot->ctx, &done, e);
        if (ok && !done)
            specs[nspecs++] = (crawl_site_spec){.code = sites[i].code, .home_url = sites[i].url,
                                                .hosts = sites[i].hosts};
    }
    if (ok) {
        crawl_callbacks cb = {.on_page = inspect_on_page,
                              .on_link = inspect_on_link,
                              .on_site_done = inspect_on_site_done,
                              .on_tick = inspect_on_tick,
                              .ud = &run};
        ok = crawl_run(&cfg, specs, nspecs, &cb, e) && !run.failed;
        /* Findings of pages no site's end committed (a failed crawl). */
        if (run.tx) {
            if (ok) ok = store_commit(s, e);
            else store_rollback(s);
            run.tx = false;
        }
        run.live = NULL; /* freed with the crawl */
    }
    if (ok) ok = inspect_fetched(&run, &cfg.fetch, sites, n, e);
    for (size_t i = 0; i < run.nfetches; i++) inspect_fetch_free(run.fetches[i]);
    free(run.fetches);
    /* The pages that hold evidence, fetched once more and kept. */
    int kept = 0;
    if (ok) ok = evidence_store(evidence, s, round->id, &cfg.fetch, zone, &kept, e);
    if (ok && kept) log_debug("kept copies of %d evidence pages", kept);
    /* A run that went to its end: the next run of the round is a fresh one. */
    for (size_t i = 0; ok && !crawl_stopped() && i < n; i++)
        ok = store_crawl_clear(s, round->id, sites[i].code, e);
    evidence_free(evidence);
    strmap_free(run.slots, inspect_slot_free);
    free(specs);
    free(phrases);
    if (mu_ready) pthread_mutex_destroy(&run.mu);
    return ok;
}
