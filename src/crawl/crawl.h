/* crawl — one inspection crawl of one or many sites, with link checking.
 *
 * All sites of a run share one fetch client, so a slow site never holds up
 * the others and the per-host limits apply across them. For each site:
 *   1. robots.txt (unless ignored) decides which paths may be fetched;
 *   2. the homepage, then every in-scope page reached by links, breadth
 *      first, up to the page and depth caps; trap URLs (repeating path
 *      segments, endless calendars, session ids) are not followed;
 *   3. every page is decoded and parsed once (page.h) and handed to the
 *      caller's page callback, where the checks read it;
 *   4. every distinct link URL of the round (any tag, in scope or not) is
 *      checked once: crawled pages count as checked by their own fetch,
 *      attachments, images and external URLs get a FETCH_CHECK.
 * The result per link — status, error, soft 404 — and the pages and tags
 * that refer to it are given to the caller (link callback) when the site's
 * crawl is over — as soon as no request of the site and no check its links
 * wait for is under way, while other sites go on — with whether the
 * homepage refers to it; then the site-done callback. A site so reported
 * is done and freed: a run interrupted later (crawl_request_stop, or a
 * kill) has already handed over everything about it, which is what lets
 * the caller resume a round site by site. Sites still crawling at a stop
 * are reported after it, marked interrupted.
 *
 * Threads: decoding and parsing run on a pool of worker threads (one per
 * core; GOVINSPECT_PARSE_THREADS overrides, 0 parses inline). on_page runs
 * on a worker — one call at a time, in fetch order — so that the checks do
 * not hold up the fetching; on_link and on_site_done run on the thread
 * that called crawl_run(), a site's only after every on_page call of that
 * site has returned, but possibly while on_page runs for another site's
 * page: a caller whose callbacks share state locks it.
 *
 * Nothing here judges: the caller turns pages and links into observations.
 * The crawl stops early (caps, robots, a WAF wall, errors on the homepage)
 * are reported per site as a reason string for `crawl.incomplete`.
 */
#ifndef GI_CRAWL_CRAWL_H
#define GI_CRAWL_CRAWL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "fetch/fetch.h"
#include "page/page.h"

typedef struct crawl_site_spec {
    const char *code;      /* site code, for the callbacks */
    const char *home_url;  /* registered URL */
    const char *hosts;     /* further hosts / prefixes, space separated */
} crawl_site_spec;

typedef struct crawl_config {
    fetch_config fetch;
    int max_pages;             /* per site; 0: 5000 */
    int max_depth;             /* 0: no limit; negative: the homepage only */
    bool ignore_robots;
    const char *const *soft404_titles; /* NULL-terminated phrases */
    size_t soft404_max_text;   /* body text shorter than this with a phrase: soft 404 */
    const char *agent_token;   /* robots.txt product token, "govinspect" */
} crawl_config;

/* A page as the checks see it. depth 0 is the homepage. */
typedef struct crawl_page {
    const char *site_code;
    const page *model;
    int depth;
    long status;
    const char *content_type;
    const char *charset;       /* from Content-Type; "" when absent */
    int64_t fetched_at_ms;
    const char *raw_body;      /* the bytes as received (for evidence copies) */
    size_t raw_len;
} crawl_page;

typedef struct crawl_ref {
    const char *page_url;  /* the page holding the link */
    const char *tag, *attr, *text;
    bool from_home;
} crawl_ref;

typedef struct crawl_link {
    const char *site_code;
    const char *url;
    bool internal;         /* in the site's scope */
    long status;
    fetch_error error;
    const char *error_text;
    const char *final_url;
    bool soft404;
    bool broken;           /* status >= 400, network error, loop, soft 404 */
    bool from_home;        /* linked from the homepage */
    const crawl_ref *refs; size_t nrefs; /* referrers (capped) */
    int64_t checked_at_ms;
} crawl_link;

typedef struct crawl_site_result {
    const char *site_code;
    int pages;             /* pages fetched and parsed */
    int links;             /* distinct link URLs */
    int broken;
    bool complete;
    const char *incomplete_reason; /* NULL when complete */
    bool page_cap_reached; /* judged on what was crawled; reported */
    bool interrupted;      /* cut short by crawl_request_stop() */
    /* The run's fetch client while it still runs (the site finished before
     * the others): requests the caller submits to it during the site-done
     * callback are performed before crawl_run() returns. NULL when the run
     * is over or stopped. */
    fetch_client *fc;
} crawl_site_result;

typedef struct crawl_callbacks {
    void (*on_page)(void *ud, const crawl_page *p);
    void (*on_link)(void *ud, const crawl_link *l);
    void (*on_site_done)(void *ud, const crawl_site_result *r);
    /* On the crawl_run() thread, between the other callbacks, at least once
     * a second while the crawl runs (NULL: none): when a caller that
     * batches writes can flush them. */
    void (*on_tick)(void *ud);
    void *ud;
} crawl_callbacks;

/* Crawls the sites; false only on an internal failure (e set). */
bool crawl_run(const crawl_config *cfg, const crawl_site_spec *sites, size_t nsites,
               const crawl_callbacks *cb, err *e);
/* Async-signal-safe: finish soon, keeping what was done. */
void crawl_request_stop(void);
/* Whether crawl_request_stop() was called since the last crawl_run() began. */
bool crawl_stopped(void);

#endif
