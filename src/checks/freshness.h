/* freshness — whether the site is kept up to date (spec §2).
 *
 * Today: 首页不更新 (site.home_stale). The homepage's dated items are its
 * dated list items (page->items; a year-less date takes the latest year that
 * puts it on or before the earlier of the fetch date and T's date) and the
 * dates in its article links' URLs (date_from_url; a month-only date counts
 * as the last day of its month, or that anchor if earlier). Nothing else on
 * the page is an item: a "今天是…" header, a copyright year or a calendar
 * widget is free text or a bare /YYYY/MM/ link and never counts. Items dated
 * after T are ignored. A homepage with no dated item at all (a navigation
 * page) is judged by the newest item of the pages it links to (depth 1:
 * their dated list items and PubDate), and only when the crawl completed,
 * since a missing page could hold the fresh item. When nothing is dated
 * anywhere, freshness cannot be judged and nothing is recorded.
 *
 * The finding is home.stale, subject "home", when the newest item is not
 * within the window_days (rule set) ending at T. Pages arrive in crawl order
 * (the homepage first), so the judgement is made in site_end. The column
 * checks (栏目不更新, blank columns) will join this module.
 */
#ifndef GI_CHECKS_FRESHNESS_H
#define GI_CHECKS_FRESHNESS_H

#include "checks/check.h"

extern const check_module check_freshness;

#endif
