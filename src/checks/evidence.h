/* evidence — copies of the pages that hold a round's evidence.
 *
 * Spec §6: a finding must still be showable after the unit has changed the
 * page. Keeping every crawled page would cost a crawl's memory or time, so
 * only the pages that findings point at (their source_url) are kept,
 * zlib-compressed, capped per page, in the store's pages table
 * (store_page_put), up to EVIDENCE_MAX_PER_SITE per site. A finding recorded
 * while its page is in the checks' hands keeps the very bytes judged at
 * once (evidence_keep); the others — links judged at a site's end, pages
 * named later — are collected (evidence_add) and fetched once more after
 * the crawl (evidence_store). A page that cannot be fetched again is simply
 * not kept: the finding's own evidence JSON still says what was seen. The
 * driver asks for no copy for findings whose evidence says everything
 * (check_finding.no_copy), so that the per-site budget goes to those that
 * need one.
 */
#ifndef GI_CHECKS_EVIDENCE_H
#define GI_CHECKS_EVIDENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "fetch/fetch.h"
#include "store/store.h"

typedef struct evidence_set evidence_set;

evidence_set *evidence_new(void);
/* Remembers that (site, url) holds evidence; duplicates and URLs over the
 * per-site cap are ignored. */
void evidence_add(evidence_set *s, const char *site_code, const char *url);
/* A page as the crawl received it. */
typedef struct evidence_page {
    const char *url;          /* the findings' source_url */
    const char *final_url;
    long status;
    const char *content_type; /* "" when absent */
    const char *charset;      /* from Content-Type; "" when absent */
    const char *body;
    size_t len;
    int64_t fetched_at_ms;
} evidence_page;

/* Like evidence_add, with the page's bytes at hand: stores the copy now
 * (unless the page is known already or over the cap), so that
 * evidence_store need not fetch it again. False only on a store failure
 * (e set). */
bool evidence_keep(evidence_set *s, store *st, int64_t round_id, int zone_minutes,
                   const char *site_code, const evidence_page *p, err *e);
/* Fetches the remembered pages not kept yet and stores their copies for the round.
 * Returns the number stored in *stored; false only on a store failure. */
bool evidence_store(evidence_set *s, store *st, int64_t round_id, const fetch_config *cfg,
                    int zone_minutes, int *stored, err *e);
void evidence_free(evidence_set *s);

#endif
