/* robots — robots.txt as RFC 9309 reads it.
 *
 * The group for our product token ("govinspect") is used when present,
 * else the "*" group; several groups naming the same agent are merged. The
 * token is compared case-insensitively with the first word of each
 * user-agent line ("GovInspect/1.0" names us, "govinspect-bot" does not). A
 * path is allowed unless the longest matching rule is a Disallow (an Allow of
 * equal length wins); "*" matches any run of characters and a trailing "$"
 * anchors the end; /robots.txt itself is always allowed. Paths are compared
 * after percent-decoding unreserved characters, as in the URL module.
 * Crawl-delay is read (not in the RFC, but many government servers set it;
 * decimal seconds allowed, the largest that applies) and honoured up to a
 * cap by the caller. Sitemap and unknown lines are ignored.
 * Hostile input: at most 500 KiB is read (the RFC's minimum; a line cut by
 * the limit is dropped), lines longer than 8 KiB are skipped, a BOM, CR or
 * CRLF line ends and NUL bytes are fine, nothing is fatal.
 */
#ifndef GI_CRAWL_ROBOTS_H
#define GI_CRAWL_ROBOTS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct robots robots;

/* agent: our product token, e.g. "govinspect". Never NULL except out of
 * memory; an empty or unparsable file allows everything. */
robots *robots_parse(const char *text, size_t len, const char *agent);
/* A robots that allows everything (no robots.txt, 404, or --ignore-robots). */
robots *robots_allow_all(void);
/* path_query: the URL's path with its query, e.g. "/a/b.html?x=1". */
bool robots_allowed(const robots *r, const char *path_query);
/* Crawl-delay in milliseconds, or -1 when none was given. */
long robots_crawl_delay_ms(const robots *r);
void robots_free(robots *r);

#endif
