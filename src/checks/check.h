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
 * Fetches after the crawl. A few checks must ask the site something the
 * crawl does not (a search query, an attachment's bytes, a consultation
 * channel on a platform outside the site's scope). Such a module calls
 * check_fetch() from site_end (or from a fetch callback, for a second step);
 * the driver performs the requests as soon as that site's crawl is over, in
 * the crawl's own fetch client with the round's settings (politeness,
 * limits, --resolve) — or, after an interruption, once the crawl has
 * stopped — hands each result to the module's callback, and then calls the
 * module's `fetched` for the site, in the site's own transaction; the
 * module records its findings there. A module with `fetched` has its
 * findings marked gone after that step instead of at site_end. Requests are
 * capped per site (CHECK_FETCH_MAX_PER_SITE); beyond it check_fetch fails.
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
#include "fetch/fetch.h"
#include "page/page.h"
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
    /* NULL for checks that fetch nothing. Otherwise called once per site
     * after the fetches it asked for were answered (see above). */
    void (*fetched)(check_ctx *c, void *state);
} check_module;

typedef struct check_finding {
    const char *kind;        /* rule-set kind, e.g. "link.broken" */
    const char *subject;     /* with the kind, the identity within the target */
    const char *url;         /* what is wrong */
    const char *source_url;  /* where it was seen */
    json_t *evidence;        /* an object; check_record takes the reference */
    /* Instead of evidence (NULL): the object already serialised, compact,
     * for a check that records the same evidence many times over. */
    const char *evidence_json;
    /* The evidence says all there is (a page's missing tags): no copy of
     * the page is kept, leaving the site's copies to findings that need one. */
    bool no_copy;
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
/* The site being checked. */
const site_rec *check_site(const check_ctx *c);

/* ---- fetches after the crawl (see above) ---- */
enum { CHECK_FETCH_MAX_PER_SITE = 200 };
/* `res` and its strings are valid during the call only; `state` is the
 * module's site state. Record no finding here: do it in `fetched`. */
typedef void (*check_fetch_fn)(check_ctx *c, void *state, void *ud, const fetch_result *res);
/* Asks for `url` (absolute http(s)) by GET, or by POST with `post_body`
 * (application/x-www-form-urlencoded, copied). Only from site_end or a
 * fetch callback of the same module; `ud` is handed back. False (and no
 * callback) when the URL is unusable or the site's cap is reached. */
bool check_fetch(check_ctx *c, const char *url, const char *post_body, check_fetch_fn done,
                 void *ud);
/* Decodes and parses a fetched HTML body (NULL when there is none, it is
 * not HTML or cannot be parsed). Caller frees with page_free(). */
page *check_parse(const fetch_result *res);

/* ---- reading pages: helpers the interaction, service and search checks share ---- */
/* The first pattern of the rule-set list at `list_path` that `text` contains
 * (substring), or NULL. */
const char *check_pattern_in(const check_ctx *c, const char *list_path, const char *text);
/* Whether text is one of the labels of the rule-set list at list_path,
 * alone or followed by a colon ("办理地点", "办理地点：") — a label cell. */
bool check_is_label(const check_ctx *c, const char *list_path, const char *text);
/* A full date in text (2020-08-10, 2020/8/10, 2020.8.10, 2020年8月10日,
 * also followed by a time); *end is set after it. Dates without a year are
 * not taken: a message's dates must be certain. */
bool check_find_date(const char *text, int *y, int *m, int *d, const char **end);
/* s after an enumerator ("一、", "（二）", "(3)", "4.", "5、" and spaces),
 * or s itself when it starts with none. */
const char *check_skip_enumerator(const char *s);
/* Whether text block i of p is labelled `label` — it starts with the label
 * (after an enumerator such as "一、", "（二）", "3.") followed by nothing, a
 * colon — and its value: the rest after the colon, or, when that is
 * empty, the next block's text unless `is_label(ud, next)` (next without
 * its enumerator) says the next block is a label itself (a th/td, dt/dd or
 * heading/paragraph pair whose value cell is empty) or, for a dt or table
 * cell, the next block lies beyond the end of its list or table.
 * *value points into the page ("" when empty). */
bool check_label(const page *p, size_t i, const char *label,
                 bool (*is_label)(void *ud, const char *text), void *ud, const char **value);

#endif
