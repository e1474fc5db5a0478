/* prober — availability probes of site homepages (站点无法访问 monitoring).
 *
 * A round is one GET of every homepage, all at once in one fetch_client, so
 * a slow or dead site holds a transfer slot of its own and never delays the
 * others; redirects are followed. A probe measures what a visitor gets on
 * the first try: no retries, no politeness delay, no Retry-After waits, and
 * a fresh client (connections, DNS cache) per round. The caller sets the
 * time limit (the rule set's slow_seconds by default, see cmd_probe.c).
 *
 * What a probe records, as probe_rec (store.h):
 *  - time: when its transfer started, ISO 8601 with milliseconds in the
 *    given zone (a probe is identified by site and instant, so two rounds
 *    within a second stay two probes);
 *  - ok: a complete HTTP response arrived (any status; a body over the cap
 *    is cut but still a response) — transport success only, so that the
 *    judge re-applies the status and time limits of whatever rule set is
 *    in force (availability.h);
 *  - http_status, elapsed_ms (redirects included): -1 when unknown;
 *  - error: "" or "CLASS: text" (dns, connect, reset, tls, timeout,
 *    redirect-loop, too-many-redirects, other), in English as stored data.
 *
 * Stopping: prober_request_stop() is async-signal-safe (a SIGINT handler
 * calls it): the running round ends at once and probes cut short are not
 * reported (they measured nothing), and prober_sleep_ms() returns early.
 * Probes are handed back, not stored: a busy database must not stall the
 * transfers it measures; prober_save() writes a round in one transaction.
 */
#ifndef GI_FETCH_PROBER_H
#define GI_FETCH_PROBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "fetch/fetch.h"
#include "store/store.h"

typedef struct prober_site {
    const char *code;
    const char *url;
} prober_site;

typedef struct prober_round {
    probe_rec *probes; /* one per site answered, in site order */
    size_t n;
    bool stopped;      /* the round was cut short: some sites have none */
} prober_round;

/* Probes sites[0..n) once. cfg's retries, host delay and per-host limit
 * are overridden as described above; zone_minutes is the offset the times
 * are written in. False only on an internal failure (e set). */
bool prober_run(const fetch_config *cfg, int zone_minutes, const prober_site *sites, size_t n,
                prober_round *out, err *e);
void prober_round_free(prober_round *r);

/* Stores the round's probes in one transaction; *added counts the new ones. */
bool prober_save(store *s, const prober_round *r, size_t *added, err *e);

/* Async-signal-safe. */
void prober_request_stop(void);
bool prober_stop_requested(void);
/* Sleeps up to ms, returning early (false) when a stop is requested. */
bool prober_sleep_ms(long ms);
/* Monotonic milliseconds, for spacing rounds. */
int64_t prober_now_ms(void);

#endif
