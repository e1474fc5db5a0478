/* search — 站内搜索 (search.broken).
 *
 * The site's search form is the first form of the crawl (the homepage's
 * first) that has a text query field, no textarea and no password field,
 * and whose markup names a search (form_patterns: its action, ids, classes,
 * button text). The page model has no field names, so the form's own markup
 * — from its offset to </form>, at most 32 KiB — is read once more with
 * libxml2 for its input names, hidden values and query field.
 *
 * After the crawl the form is submitted (GET, or POST with a urlencoded
 * body, as the form says; hidden fields kept) for the exact titles of the
 * first `queries` in-scope dated list items the crawl has seen (at least
 * title_min_chars characters, not cut short with "..."). A query finds its
 * article when the results page links to the article's URL or has a link
 * whose text contains the title — text elsewhere does not count, since a
 * results page echoes the query.
 *
 * `search.broken` (subject "search") on a completely crawled site: no search
 * form; or every query failed (HTTP error, network error) or found nothing.
 * The evidence holds the form and each query with its request, status,
 * results page and outcome. With no known title nothing is judged.
 *
 * A search run by script — a search form with no action and nothing to
 * submit it, or, on a homepage without a search form, a search-named text
 * field outside any form (the homepage is read once more for it) — cannot
 * be tried without running the script: it is `search.script` instead (same
 * subject and indicator, review pending), for a reviewer to try by hand.
 *
 * State per site, freed by site_free.
 */
#ifndef GI_CHECKS_SEARCH_H
#define GI_CHECKS_SEARCH_H

#include "checks/check.h"

extern const check_module check_search;

#endif
