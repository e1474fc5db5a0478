/* security — 暗链, harmful links and scripts, forged dates (site.security,
 * spec §2 and §5.3).
 *
 * Links (a, area; also those an inline script writes) by the page model's
 * visibility:
 *   - invisible, and its host is on the harmful list, or its anchor text
 *     holds a harmful word (text engine), or it points off the site to a
 *     host that is not government (.gov.cn, .政务, the rule set's
 *     government_suffixes, a registered site) nor allowed (data/lists/
 *     allow-domains.txt and the rule set's domains.allow) → link.hidden_harmful;
 *   - other invisible links that leave the site → link.hidden (informational;
 *     tab panels, menus). Invisible links within the site are not findings:
 *     real homepages hide hundreds in their menus;
 *   - visible, to a harmful-list host or with a harmful anchor text →
 *     link.harmful.
 * Anchor texts are judged only on links that leave the site for a
 * non-government host: a government article titled 打击赌博 is not harmful.
 * An invisible off-site link whose host the site also links visibly is
 * link.hidden: the site links it openly.
 * Scripts, iframes, frames and embeds from a harmful-list host →
 * script.harmful; from other off-site hosts that are neither government nor
 * allowed → script.external (informational, for a reviewer).
 * Subjects are URLs: one finding per distinct URL per site, its referring
 * pages (capped) in the evidence; an URL seen both ways keeps the graver
 * kind.
 *
 * Forged dates: PubDate, or the date the page shows (tags_shown_date), later
 * than the page's fetch time by more than indicators/site.security/
 * forged_date_days → date.forged, subject the page URL. A shown date without
 * a time counts from its start.
 *
 * The harmful-domain list (data/lists/harmful-domains.txt, from the
 * Sensitive-lexicon project) and the allow list are compiled in; a domain
 * covers its subdomains. The core (sec_*) does not need the inspection
 * driver, so tests feed it page models directly; check_security wraps it as
 * a check module, loading the lists and the text engine once per run.
 * Limits: a site keeps at most 20,000 distinct URLs (2,000 once only
 * informational ones would be added) and 20 referring pages each.
 * Ownership: sec_lists and sec_site own what they keep; a sec_site borrows
 * its lists, rules and text engine, which must outlive it. Findings given to
 * the emit callback are valid during the call; it takes the evidence
 * reference (as check_record does).
 */
#ifndef GI_CHECKS_SECURITY_H
#define GI_CHECKS_SECURITY_H

#include <stdint.h>

#include "checks/check.h"
#include "page/page.h"
#include "text/text.h"

extern const check_module check_security;

typedef bool (*sec_emit_fn)(void *ud, const check_finding *f);

typedef struct sec_lists sec_lists;

/* The compiled-in lists with the rule set's domains.allow and
 * government_suffixes. NULL on out-of-memory (e set). */
sec_lists *sec_lists_new(const rules *r, err *e);
/* A registered site's hosts (its URL and `hosts` field) count as
 * government. */
bool sec_lists_add_site(sec_lists *l, const char *url, const char *hosts);
void sec_lists_free(sec_lists *l);
/* Host tests (lower-case host, as in a normalised URL). */
bool sec_host_harmful(const sec_lists *l, const char *host);
bool sec_host_allowed(const sec_lists *l, const char *host);
bool sec_host_government(const sec_lists *l, const char *host);

typedef struct sec_site sec_site;

/* `text` may be NULL: anchor texts are then not judged. `zone_minutes` is
 * the rule set's zone, for dates without one. NULL on failure (e set). */
sec_site *sec_site_new(const sec_lists *l, const text_engine *text, const rules *r,
                       const site_rec *site, int zone_minutes, err *e);
/* One page; `home` marks the homepage, fetched_ms its fetch time (0: no
 * forged-date check). false on out-of-memory. */
bool sec_page(sec_site *s, const page *p, bool home, int64_t fetched_ms);
/* Emits the site's findings. */
void sec_site_end(sec_site *s, sec_emit_fn emit, void *ud);
void sec_site_free(sec_site *s);

#endif
