/* content — typos, serious wording errors and harmful words in the visible
 * text of a site's pages (spec §2 site.security, §5 content.typo).
 *
 * Every visible text block of every page goes through the text engine
 * (text/text.h; loaded once per process, shared by all sites). A match is
 * recorded per site and matched text: kind text.typo, text.wording or
 * text.harmful, subject the matched text, so a typo repeated on 500 pages is
 * one finding whose evidence lists the pages (the first 20, with the total).
 * Evidence: the match, the suggestion, the sub-category label, whether the
 * statistical detector found it (and its score), and per page the URL, the
 * block's tag, line and column in the page source, and ±20 characters of
 * context.
 *
 * Publication date (the 2018-reform rule): PubDate, else the date in the
 * page's URL, else — for a list item that holds the match — that item's
 * date, else the newest dated item of the page; a page with none is of
 * unknown date and dated entries are not reported on it.
 *
 * The site's whitelist (text_whitelist_for_site) silences proven false
 * alarms. When the engine cannot be loaded the check logs the reason once
 * and records nothing.
 */
#ifndef GI_CHECKS_CONTENT_H
#define GI_CHECKS_CONTENT_H

#include "checks/check.h"

extern const check_module check_content;

#endif
