/* tags — page tags (网页标签, spec §5.1): tags.missing, tags.case,
 * tags.site_domain.
 *
 * Page types decide which tag groups of the rule set's page_tags are
 * required: the homepage (the crawl's depth 0, the registered URL); a
 * content page (it carries ArticleTitle or PubDate, or some crawled page
 * links to it from a dated list item); a column (list) page (≥ 3 dated list
 * items, or ColumnName/ColumnType and no article tag). A page that is none
 * of these is not judged: precision first. A page's type is known only when
 * the whole site has been seen (a list item elsewhere may link to it), so
 * tags_page() keeps each page's problems for every group and
 * tags_site_end() picks the groups of its type — except for pages whose
 * type no later page can change (the homepage; a content page by its tags
 * or by a list item seen before it, which is most of them in a crawl that
 * reads lists first): tags_emit_settled() records those at once, so that
 * the site's end, which the crawl waits for, has little left to do.
 *
 * Per tag, the exact-case name wins; failing that a case variant counts as
 * present and is a tags.case finding (one per canonical name per site,
 * informational). Problems: missing, empty (except page_tags.allow_empty),
 * repeated (the exact name twice), malformed: SiteIDCode not 10 digits or
 * bm + 8 digits, or not the registry's code; PubDate not
 * "YYYY-MM-DD HH:MM[:SS]" or a date that is not the one the page shows.
 * SiteDomain with a scheme is tags.site_domain (informational, one per
 * site). tags.missing counts pages: subject the page URL, evidence the page
 * type and its problems.
 *
 * The date a page shows: a label of page_tags.date_labels (发布时间,
 * 发布日期 …, tried in that order over all text blocks) followed by a full
 * date (2020-08-10, 2020/8/10, 2020.08.10, 2020年8月10日), with a time when
 * one follows; generic labels (时间, 日期) are left out on purpose, since
 * a meeting's or a deadline's date is not the publication date.
 * tags_shown_date() is shared with the forged-date check.
 *
 * The core (tags_site_*) does not need the inspection driver, so tests feed
 * it page models directly; check_tags wraps it as a check module.
 * Ownership: a tags_site owns copies of what it keeps; findings given to
 * the emit callback are valid during the call only, and the callback takes
 * the evidence reference (as check_record does).
 */
#ifndef GI_CHECKS_TAGS_H
#define GI_CHECKS_TAGS_H

#include "checks/check.h"
#include "page/page.h"

extern const check_module check_tags;

typedef bool (*tags_emit_fn)(void *ud, const check_finding *f);

typedef enum { TAGS_NONE = 0, TAGS_HOME, TAGS_LIST, TAGS_CONTENT } tags_page_type;

typedef struct tags_site tags_site;

/* NULL on out-of-memory (e set). `site` is read during the call only. */
tags_site *tags_site_new(const rules *r, const site_rec *site, err *e);
/* Takes what it needs of a page; `type` TAGS_NONE lets the site decide
 * (see above), another value fixes it. false on out-of-memory. */
bool tags_page(tags_site *s, const page *p, tags_page_type type);
/* Emits the finding of the page just taken when its type is settled (see
 * above); tags_site_end() then skips it. */
void tags_emit_settled(tags_site *s, tags_emit_fn emit, void *ud);
/* Emits the findings of the pages seen and not emitted yet. */
void tags_site_end(tags_site *s, tags_emit_fn emit, void *ud);
void tags_site_free(tags_site *s);

/* A date with an optional time of day. */
typedef struct tags_date {
    int y, m, d, hh, mi, ss;
    bool has_time;
} tags_date;

/* PubDate's format: "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS", a real
 * date and time. */
bool tags_pubdate_parse(const char *s, tags_date *out);
/* The date the page shows (see above); *text (may be NULL) points into the
 * page's text block at the label. */
bool tags_shown_date(const rules *r, const page *p, tags_date *out, const char **text);

#endif
