/* identity — the footer identity of a site (spec §5.2, deductions
 * identity.*), judged on its homepage: the text blocks and the links of the
 * crawl's depth-0 page, with the labels and hosts of the rule set's
 * `footer` section. One finding per kind per site (subject "footer", or
 * "domain"), confirmed by default:
 *   identity.site_code  no 网站标识码 after a site_code_label (": " or nothing
 *                       between), or one that is not the registry's code, or
 *                       a homepage SiteIDCode that differs from it;
 *   identity.icp        no ICP number (京ICP备05070218号, 京ICP备20027467号-1,
 *                       京ICP证…), or not the registry's `icp` when it has one
 *                       (compared without spaces);
 *   identity.psb        no 公安机关备案号 (京公网安备11010202000001号, a space
 *                       after 备 allowed), or not the registry's `psb`;
 *   identity.conac      no link, image or script from a conac_hosts host
 *                       (the badge is usually written by a script);
 *   identity.sponsor    no sponsor_label followed by "：" and a name
 *                       (主办单位：…, 主办：…, 主办方：…);
 *   identity.contact    no contact_label followed by "：" and a value, no
 *                       mailto: link and no contact_link_labels link
 *                       (联系我们);
 *   identity.zhaocuo    no link or script to a zhaocuo_hosts host or under
 *                       a zhaocuo_paths path, and no text or link text with a
 *                       zhaocuo_label;
 *   identity.domain     the registered URL's host is not under a government
 *                       suffix (.gov.cn, .政务, domains.government_suffixes).
 * Nothing is judged when the homepage was not parsed.
 *
 * ident_check() is the pure core (tests call it on page models); it writes
 * findings through the callback, which takes the evidence reference.
 * check_identity keeps the homepage's findings until site_end.
 */
#ifndef GI_CHECKS_IDENTITY_H
#define GI_CHECKS_IDENTITY_H

#include "checks/check.h"
#include "page/page.h"

extern const check_module check_identity;

typedef bool (*ident_emit_fn)(void *ud, const check_finding *f);

/* Judges `home`, the homepage of `site`, by the rule set's footer section. */
void ident_check(const rules *r, const site_rec *site, const page *home, ident_emit_fn emit,
                 void *ud);

#endif
