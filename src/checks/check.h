/* check — the one shape of every website check.
 *
 * A check is a module (one file in src/checks/) described by a check_module:
 * the inspection driver calls site_begin() once per site, then on_page() for
 * every parsed page and on_link() for every distinct link with its result,
 * then site_end(). A check reads only what it is given (page models, link
 * results, the rule set) and records findings through check_record(); it
 * never talks to the store, the fetcher or the parser itself. Adding a check
 * is: write the module, list it in inspect.c's table, add its kinds to the
 * rule set.
 *
 * check_record() looks up the kind in the rule set for its indicator (and
 * home_indicator when the finding concerns the homepage) and its review
 * default, and stores the finding by its identity (round, target, kind,
 * subject), so re-running a round keeps review decisions.
 */
#ifndef GI_CHECKS_CHECK_H
#define GI_CHECKS_CHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "crawl/crawl.h"
#include "judge/rules.h"
#include "store/store.h"

typedef struct check_ctx check_ctx;

typedef struct check_module {
    const char *name;
    /* Finding kinds this module records, by prefix; a re-run marks the ones
     * not seen again as gone. NULL-terminated. */
    const char *const *kind_prefixes;
    void *(*site_begin)(check_ctx *c, const site_rec *site);
    void (*on_page)(check_ctx *c, void *state, const crawl_page *p);
    void (*on_link)(check_ctx *c, void *state, const crawl_link *l);
    void (*site_end)(check_ctx *c, void *state, const crawl_site_result *r);
    void (*site_free)(void *state);
} check_module;

typedef struct check_finding {
    const char *kind;        /* rule-set kind, e.g. "link.broken" */
    const char *subject;     /* with the kind, the identity within the target */
    const char *url;         /* what is wrong */
    const char *source_url;  /* where it was seen */
    json_t *evidence;        /* an object; check_record takes the reference */
    const char *summary;     /* one line for people */
    int64_t observed_ms;     /* 0: now is not known; the driver's time is used */
    bool home;               /* concerns the homepage: home_indicator applies */
    /* NULL: the rule set's indicator for the kind. Otherwise the indicator
     * this finding counts under instead, e.g. the kind's `veto` when the
     * site's counts crossed its threshold (column.stale -> site.column_stale)
     * or column.policy_stale; it must be an indicator of the rule set. */
    const char *indicator_override;
} check_finding;

bool check_record(check_ctx *c, const check_finding *f);
const rules *check_rules(const check_ctx *c);
/* The rule set's zone for formatting times, minutes east of UTC. */
int check_zone_minutes(const check_ctx *c);
/* The round's as-of date (T is its end in the rule set's zone); false when
 * the round's as_of is not a date. */
bool check_as_of(const check_ctx *c, int *y, int *m, int *d);

#endif
