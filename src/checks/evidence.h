/* evidence — copies of the pages that hold a round's evidence.
 *
 * Spec §6: a finding must still be showable after the unit has changed the
 * page. Keeping every crawled page would cost a crawl's memory or time, so
 * the driver collects the pages that findings point at (their source_url),
 * and after the crawl fetches just those once more and stores them
 * zlib-compressed, capped per page, in the store's pages table
 * (store_page_put). A page that cannot be fetched again is simply not kept:
 * the finding's own evidence JSON still says what was seen.
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
/* Fetches the remembered pages and stores their copies for the round.
 * Returns the number stored in *stored; false only on a store failure. */
bool evidence_store(evidence_set *s, store *st, int64_t round_id, const fetch_config *cfg,
                    int zone_minutes, int *stored, err *e);
void evidence_free(evidence_set *s);

#endif
