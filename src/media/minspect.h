/* minspect — the new-media part of an inspection round.
 *
 * The driver behind `govinspect inspect` for accounts: every chosen
 * account's source is read — http(s) URLs all through one fetch_client
 * (its concurrency, per-host limits, politeness, retries and body cap),
 * files and folders directly on the same thread between the fetcher's turns
 * (its poll hook), so hundreds of feeds are in flight while local files are
 * judged —, parsed (feed.h), checked (mcheck.h) and recorded: each account's
 * findings in one transaction, by identity (round, media id, kind,
 * subject), so re-runs keep review decisions.
 *
 * An account whose source cannot be fetched or parsed gets one
 * media.feed_error finding (the source, the reason, evidence.unjudged with
 * every new-media veto indicator) and its other findings are left as they
 * were: like an incomplete crawl, an unreadable feed establishes nothing.
 * For an account read successfully, its media.* and post.* findings not
 * seen again are marked gone (a previous media.feed_error included).
 *
 * "Could not be judged" is visible to the judge twice: as the round's
 * target state (store_target_checked: "failed" with the reason for an
 * unreadable source, "incomplete" with the reason when freshness could not
 * be judged, "complete" otherwise — every account read gets a row, findings
 * or not), and as a finding: media.feed_error (the whole account) or
 * media.stale_unknown (freshness only: capture too old, or no readable
 * dates), both informational, both with evidence.unjudged listing the
 * indicator codes left unjudged.
 */
#ifndef GI_MEDIA_MINSPECT_H
#define GI_MEDIA_MINSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "fetch/fetch.h"
#include "judge/rules.h"
#include "media/mcheck.h"
#include "store/store.h"
#include "text/text.h"

typedef struct minspect_outcome {
    const char *media_id;
    const char *name;     /* the feed's own name, "" when unread */
    bool readable;
    const char *reason;   /* when not readable */
    const char *format;   /* "rss" ... when readable */
    int posts;
    const char *newest;   /* "YYYY-MM-DD" or "" */
    bool stale, stale_unknown;
    int findings;
} minspect_outcome;

typedef void (*minspect_report_fn)(void *ud, const minspect_outcome *o);

/* Reads, checks and records accounts[0..n) for the round. `fcfg` carries
 * the fetch limits (NULL: the fetcher's defaults); `text` the text engine
 * for media.security (mtext.h; NULL: post text is not scanned). `report` is called once per account
 * as it finishes, in completion order. Returns false on an internal or
 * store failure (e set); unreadable sources are findings, not failures. */
bool minspect_run(store *s, const rules *r, const round_rec *round, const media_rec *accounts,
                  size_t n, const fetch_config *fcfg, const text_engine *text,
                  minspect_report_fn report, void *ud, err *e);

/* Async-signal-safe: stops a running minspect_run() soon; accounts not yet
 * read are left unrecorded. */
void minspect_request_stop(void);

#endif
