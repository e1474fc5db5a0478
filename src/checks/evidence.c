#include "checks/evidence.h"

#include "core/date.h"
#include "core/log.h"
#include "core/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Pages kept per site, and bytes of one page kept (before compression). */
#define EVIDENCE_MAX_PER_SITE 200
#define EVIDENCE_MAX_BYTES ((size_t)2 << 20)

typedef struct evidence_item {
    char *site_code;
    char *url;
    bool kept;  /* stored by evidence_keep: not fetched again */
} evidence_item;

struct evidence_set {
    strmap *seen;      /* "site\turl" -> (void *)1 */
    strmap *per_site;  /* site -> count */
    evidence_item *items;
    size_t n, cap;
};

typedef struct evidence_job {
    evidence_set *set;
    store *st;
    int64_t round_id;
    int zone;
    int stored;
    bool failed;
    err *e;
} evidence_job;

evidence_set *evidence_new(void) {
    evidence_set *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->seen = strmap_new();
    s->per_site = strmap_new();
    if (!s->seen || !s->per_site) {
        evidence_free(s);
        return NULL;
    }
    return s;
}

/* The new item for (site, url); NULL when the URL is not http(s), is known
 * already, the site's cap is reached or memory ran out. */
static evidence_item *evidence_claim(evidence_set *s, const char *site_code, const char *url) {
    if (!s || !url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
        return NULL;
    uintptr_t count = (uintptr_t)strmap_get(s->per_site, site_code);
    if (count >= EVIDENCE_MAX_PER_SITE) return NULL;
    evidence_item *added = NULL;
    size_t klen = strlen(site_code) + strlen(url) + 2;
    char *key = malloc(klen);
    if (!key) return NULL;
    snprintf(key, klen, "%s\t%s", site_code, url);
    bool dup = strmap_get(s->seen, key) != NULL;
    if (!dup && s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        evidence_item *p = realloc(s->items, cap * sizeof *p);
        if (!p) dup = true;
        else s->items = p, s->cap = cap;
    }
    if (!dup && strmap_put(s->seen, key, (void *)1, NULL)) {
        evidence_item *it = &s->items[s->n];
        it->site_code = strdup(site_code);
        it->url = strdup(url);
        it->kept = false;
        if (it->site_code && it->url) {
            s->n++;
            strmap_put(s->per_site, site_code, (void *)(count + 1), NULL);
            added = it;
        } else {
            free(it->site_code);
            free(it->url);
        }
    }
    free(key);
    return added;
}

void evidence_add(evidence_set *s, const char *site_code, const char *url) {
    evidence_claim(s, site_code, url);
}

/* Compresses and stores one copy; false only on a store failure. A copy
 * that cannot be made (no memory, zlib) is left out. */
static bool evidence_put(store *st, int64_t round_id, int zone, const evidence_item *it,
                         const evidence_page *p, err *e) {
    size_t raw = p->len < EVIDENCE_MAX_BYTES ? p->len : EVIDENCE_MAX_BYTES;
    uLongf clen = compressBound((uLong)raw);
    void *packed = malloc(clen);
    if (!packed) return true;
    /* Z_BEST_SPEED: HTML still shrinks about 4:1, at a third of the
     * default level's time. */
    if (compress2(packed, &clen, (const Bytef *)p->body, (uLong)raw, Z_BEST_SPEED) != Z_OK) {
        free(packed);
        return true;
    }
    char when[40];
    date_format_iso(p->fetched_at_ms, zone, when, sizeof when);
    page_copy_rec rec = {.round_id = round_id,
                         .site_code = it->site_code,
                         .url = it->url,
                         .final_url = (char *)p->final_url,
                         .http_status = (int)p->status,
                         .content_type = (char *)p->content_type,
                         .charset = (char *)p->charset,
                         .fetched_at = when,
                         .body = packed,
                         .body_len = clen,
                         .raw_len = raw};
    bool ok = store_page_put(st, &rec, e);
    free(packed);
    return ok;
}

bool evidence_keep(evidence_set *s, store *st, int64_t round_id, int zone_minutes,
                   const char *site_code, const evidence_page *p, err *e) {
    if (!p->body) return true;
    evidence_item *it = evidence_claim(s, site_code, p->url);
    if (!it) return true;
    it->kept = true;
    return evidence_put(st, round_id, zone_minutes, it, p, e);
}

static void evidence_done(const fetch_request *req, const fetch_result *res, void *ud) {
    (void)ud;
    evidence_job *job = ((void **)req->ud)[0];
    const evidence_item *it = ((void **)req->ud)[1];
    free(req->ud);
    if (job->failed || res->error != FETCH_OK || !res->body) return;
    evidence_page p = {.url = it->url,
                       .final_url = res->final_url,
                       .status = res->status,
                       .content_type = res->content_type,
                       .charset = res->charset,
                       .body = res->body,
                       .len = res->body_len,
                       .fetched_at_ms = res->fetched_at_ms};
    if (evidence_put(job->st, job->round_id, job->zone, it, &p, job->e)) job->stored++;
    else job->failed = true;
}

bool evidence_store(evidence_set *s, store *st, int64_t round_id, const fetch_config *cfg,
                    int zone_minutes, int *stored, err *e) {
    *stored = 0;
    size_t wanted = 0;
    for (size_t i = 0; s && i < s->n; i++) wanted += !s->items[i].kept;
    if (!wanted) return true;
    fetch_client *fc = fetch_new(cfg, e);
    if (!fc) return false;
    evidence_job job = {.set = s, .st = st, .round_id = round_id, .zone = zone_minutes, .e = e};
    for (size_t i = 0; i < s->n; i++) {
        if (s->items[i].kept) continue;
        void **pair = malloc(2 * sizeof *pair);
        if (!pair) break;
        pair[0] = &job;
        pair[1] = &s->items[i];
        fetch_request r = {.url = s->items[i].url, .method = FETCH_GET, .ud = pair};
        err ignore = {0};
        if (!fetch_submit(fc, &r, evidence_done, &ignore)) {
            log_debug("%s: %s", s->items[i].url, ignore.msg);
            free(pair);
        }
    }
    err run_err = {0};
    bool ran = fetch_run(fc, &run_err);
    fetch_free(fc);
    if (!ran) log_warn("%s", run_err.msg);
    *stored = job.stored;
    return !job.failed;
}

void evidence_free(evidence_set *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].site_code);
        free(s->items[i].url);
    }
    free(s->items);
    strmap_free(s->seen, NULL);
    strmap_free(s->per_site, NULL);
    free(s);
}
