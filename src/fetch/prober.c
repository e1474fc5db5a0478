/* prober — see prober.h. */
#include "fetch/prober.h"

#include "core/date.h"
#include "core/lang.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t prober_stop_flag;
/* The client of the running round, for the signal handler. */
static _Atomic(fetch_client *) prober_current;

void prober_request_stop(void) {
    prober_stop_flag = 1;
    fetch_client *c = atomic_load(&prober_current);
    if (c) fetch_stop(c);
}

bool prober_stop_requested(void) { return prober_stop_flag != 0; }

int64_t prober_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool prober_sleep_ms(long ms) {
    int64_t until = prober_now_ms() + ms;
    for (;;) {
        if (prober_stop_flag) return false;
        int64_t left = until - prober_now_ms();
        if (left <= 0) return true;
        /* Short slices: a signal that lands between the check and the
         * sleep is seen within 100 ms. */
        if (left > 100) left = 100;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)left * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* Stored error classes: stable English words, not the localised names. */
static const char *prober_error_class(fetch_error e) {
    switch (e) {
    case FETCH_OK: return "";
    case FETCH_ERR_DNS: return "dns";
    case FETCH_ERR_CONNECT: return "connect";
    case FETCH_ERR_RESET: return "reset";
    case FETCH_ERR_TLS: return "tls";
    case FETCH_ERR_TIMEOUT: return "timeout";
    case FETCH_ERR_REDIRECT_LOOP: return "redirect-loop";
    case FETCH_ERR_TOO_MANY_REDIRECTS: return "too-many-redirects";
    case FETCH_ERR_TOO_LARGE: return "too-large";
    case FETCH_ERR_OTHER: break;
    }
    return "other";
}

typedef struct prober_slot {
    struct prober_ctx *ctx;
    size_t i;
} prober_slot;

typedef struct prober_ctx {
    int zone;
    const prober_site *sites;
    probe_rec *got; /* by site index; time NULL when none */
    bool oom;
} prober_ctx;

/* ISO 8601 with milliseconds ("2020-08-10T09:30:00.250+08:00"): a probe is
 * identified by its site and instant, and two rounds within one second are
 * two probes. */
static void prober_time_text(int64_t ms, int zone, char *out, size_t outsz) {
    int64_t whole = ms >= 0 ? ms - ms % 1000 : ms - ((ms % 1000) + 1000) % 1000;
    char iso[40];
    date_format_iso(whole, zone, iso, sizeof iso);
    size_t n = strlen(iso);
    if (n < 6) {
        snprintf(out, outsz, "%s", iso);
        return;
    }
    snprintf(out, outsz, "%.*s.%03d%s", (int)(n - 6), iso, (int)(ms - whole), iso + n - 6);
}

static void prober_done(const fetch_request *req, const fetch_result *res, void *ud) {
    (void)req;
    prober_slot *slot = ud;
    prober_ctx *c = slot->ctx;
    /* A body over the cap is still a response: the site answered. */
    bool answered = res->error == FETCH_OK || res->error == FETCH_ERR_TOO_LARGE;
    /* After a stop, failures are the stop's doing, not the site's. */
    if (!answered && prober_stop_flag) return;
    probe_rec *p = &c->got[slot->i];
    char when[40], error[600] = "";
    prober_time_text(res->fetched_at_ms - res->elapsed_ms, c->zone, when, sizeof when);
    if (!answered)
        snprintf(error, sizeof error, "%s: %s", prober_error_class(res->error), res->error_text);
    p->site_code = strdup(c->sites[slot->i].code);
    p->time = strdup(when);
    p->error = strdup(error);
    p->ok = answered;
    p->http_status = res->status > 0 ? (int)res->status : -1;
    p->elapsed_ms = res->elapsed_ms >= 0 ? res->elapsed_ms : -1;
    if (!p->site_code || !p->time || !p->error) c->oom = true;
}

static void prober_rec_free(probe_rec *p) {
    free(p->site_code);
    free(p->time);
    free(p->error);
    memset(p, 0, sizeof *p);
}

bool prober_run(const fetch_config *cfg, int zone_minutes, const prober_site *sites, size_t n,
                prober_round *out, err *e) {
    memset(out, 0, sizeof *out);
    fetch_config fc = *cfg;
    fc.retries = -1;
    fc.host_delay_ms = -1;
    if (fc.max_total <= 0) fc.max_total = 64;
    /* Sites that share a host are still probed at once. */
    fc.max_per_host = fc.max_total;
    fc.max_retry_after_ms = 1;
    if (fc.total_timeout_ms > 0 && fc.connect_timeout_ms <= 0) fc.connect_timeout_ms = fc.total_timeout_ms;

    prober_ctx c = {.zone = zone_minutes, .sites = sites};
    c.got = calloc(n ? n : 1, sizeof *c.got);
    prober_slot *slots = calloc(n ? n : 1, sizeof *slots);
    fetch_client *fcl = NULL;
    bool ok = c.got && slots;
    if (!ok) err_set(e, ERR_NOMEM, "out of memory");
    if (ok && !(fcl = fetch_new(&fc, e))) ok = false;
    for (size_t i = 0; ok && i < n; i++) {
        slots[i] = (prober_slot){&c, i};
        fetch_request req = {.url = sites[i].url, .method = FETCH_GET, .ud = &slots[i]};
        err se = {0};
        if (!fetch_submit(fcl, &req, prober_done, &se)) {
            if (se.cls == ERR_NOMEM) ok = err_set(e, ERR_NOMEM, "%s", se.msg);
            else if (prober_stop_flag) break;
            else {
                /* Not an http(s) URL: the site cannot be probed at all,
                 * which is a failed probe, not a failed run. */
                char when[40], error[1100];
                prober_time_text((int64_t)time(NULL) * 1000, zone_minutes, when, sizeof when);
                snprintf(error, sizeof error, "other: %s", se.msg);
                c.got[i] = (probe_rec){.site_code = strdup(sites[i].code), .time = strdup(when),
                                       .ok = false, .http_status = -1, .elapsed_ms = -1,
                                       .error = strdup(error)};
            }
        }
    }
    if (ok) {
        atomic_store(&prober_current, fcl);
        if (prober_stop_flag) fetch_stop(fcl);
        ok = fetch_run(fcl, e);
        atomic_store(&prober_current, NULL);
    }
    fetch_free(fcl);
    if (ok && c.oom) ok = err_set(e, ERR_NOMEM, "out of memory");
    if (ok) {
        out->probes = calloc(n ? n : 1, sizeof *out->probes);
        if (!out->probes) ok = err_set(e, ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n && c.got; i++) {
        if (ok && c.got[i].time) out->probes[out->n++] = c.got[i];
        else prober_rec_free(&c.got[i]);
    }
    if (ok) out->stopped = out->n < n || prober_stop_flag;
    free(c.got);
    free(slots);
    if (!ok) prober_round_free(out);
    return ok;
}

void prober_round_free(prober_round *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) prober_rec_free(&r->probes[i]);
    free(r->probes);
    memset(r, 0, sizeof *r);
}

bool prober_save(store *s, const prober_round *r, size_t *added, err *e) {
    size_t n = 0;
    if (!store_begin(s, e)) return false;
    for (size_t i = 0; i < r->n; i++) {
        bool inserted = false;
        if (!store_probe_add(s, &r->probes[i], &inserted, e)) {
            store_rollback(s);
            return false;
        }
        if (inserted) n++;
    }
    if (!store_commit(s, e)) return false;
    if (added) *added = n;
    return true;
}
