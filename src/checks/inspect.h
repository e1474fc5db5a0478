/* inspect — an inspection round over registered sites.
 *
 * The driver behind `govinspect inspect`: it creates or reopens the round
 * (its as-of date, label and rule set fixed at creation), crawls the chosen
 * sites with one shared fetcher (crawl.h), feeds every page and link to
 * every check module (check.h), stores their findings per site in one
 * transaction, and marks findings not seen again as gone — but only for
 * sites whose crawl completed, so an interrupted or blocked crawl never
 * erases what an earlier run established.
 */
#ifndef GI_CHECKS_INSPECT_H
#define GI_CHECKS_INSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "crawl/crawl.h"
#include "judge/rules.h"
#include "store/store.h"

typedef struct inspect_site_outcome {
    const char *code;
    int pages, links, broken, findings;
    bool complete;
    const char *reason; /* when not complete */
} inspect_site_outcome;

typedef void (*inspect_report_fn)(void *ud, const inspect_site_outcome *o);

/* Crawls and checks sites[0..n) for the round. crawl_cfg carries the fetch
 * limits and caps; its soft-404 settings are filled from the rule set here.
 * Returns false on an internal or store failure (e set). */
bool inspect_sites(store *s, const rules *r, const round_rec *round, const site_rec *sites,
                   size_t n, const crawl_config *crawl_cfg, inspect_report_fn report, void *ud,
                   err *e);

#endif
