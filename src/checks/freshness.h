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
 * (the homepage first), so the judgement is made in site_end.
 *
 * 栏目不更新 and blank columns (site.column_stale), only after a complete
 * crawl. Navigation: the homepage's visible links with a short text (≤ 36
 * bytes) to an undated URL. Every page below the homepage is a column
 * candidate, keyed by its URL without pagination (index.html, index_N.html,
 * default.htm → the directory; list_N.html → list.html; page=/pageNo=/p=…
 * dropped from the query), so pagination pages merge. A candidate is a column
 * when it has ≥ 3 dated items (list items or dated article links), or is not
 * an article (no PubDate/ArticleTitle) and carries ColumnName/ColumnType, or
 * is the target of a navigation link whose text matches a category pattern
 * or whose page shows a blank placeholder, or is not content and is the
 * target of a list page's short link whose text names a category (a
 * sidebar of 二级 columns). Top-level (一级) = a navigation
 * target, else 二级. Name: ColumnName, else the link text, else <title>.
 * Category: the first of match_order whose pattern is in ColumnType, else
 * ColumnName, else the visible name; unmatched → other. Stale: the newest
 * dated item on or before T (list items, and the URL dates of links the
 * homepage does not have) is before the period — period_days as "the N days
 * ending at T", period_months as dates after T − N months (clamped) — and
 * static (period: never) is never stale. Blank: no dated item and either a
 * short text block holding a blank_placeholder, or (not static) no link and
 * under 90 bytes of text that the homepage does not also have; a page with
 * links of its own but no dates is undated, not blank. A dated column within
 * its period is recorded as column.fresh (informational), so that the judge
 * can redo the judgement with another rule set's periods and patterns
 * (fresh_judge_column below) without a new crawl. Findings column.stale
 * / column.blank (subject: the column URL) carry the kind's `veto` indicator
 * when a rule fired for them ((1) key_stale for key columns, (2) dated_stale
 * for stale ones, (3) blank for blank ones), else column.policy_stale for a
 * top-level policy column, else the kind's own deduction indicator.
 */
#ifndef GI_CHECKS_FRESHNESS_H
#define GI_CHECKS_FRESHNESS_H

#include "checks/check.h"

extern const check_module check_freshness;

/* How one column is judged by a rule set — the part of the judgement the
 * verdicts redo with another rule set (judge/verdict.c): its category (the
 * first of match_order whose pattern is in ColumnType, else ColumnName, else
 * the visible name; "other" when none), whether that category is dated, the
 * period and its first date, whether it is a key column (news always;
 * notice and policy when top-level), and — when the column has a newest item
 * (have_newest, ny-nm-nd) — whether that item is outside the period ending
 * at T (ty-tm-td) or after T. Pure: no store, no clock. */
typedef struct fresh_judgement {
    const char *category; /* a key of the rule set's categories; owned by r */
    const char *pattern;  /* the pattern that matched, NULL for "other" */
    const char *field;    /* "ColumnType" | "ColumnName" | "name" | NULL */
    bool dated, key, stale;
    int period_days, period_months;
    char period_start[16]; /* "YYYY-MM-DD", "" when undated */
} fresh_judgement;

void fresh_judge_column(const rules *r, const char *column_type, const char *column_name,
                        const char *visible, bool top, bool have_newest, int ny, int nm, int nd,
                        int ty, int tm, int td, fresh_judgement *out);

#endif
