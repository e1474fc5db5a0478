/* service — 服务不实用 (site.service), 办事指南要素不全
 * (service.guide_incomplete) and 表格附件无法下载 (service.attachment_broken).
 *
 * Services provided. A link named by section_patterns (办事服务, 政务服务,
 * 网上办事 …, so also a link to the provincial 政务服务网) that answers —
 * the crawl's own link check, in scope or not — or any guide found means
 * the site provides services; a completely crawled site with neither is
 * `service.none`.
 *
 * Guides. A crawled page is a guide when it carries guide_min_elements of
 * the eight element labels, or one and a title named by guide_patterns.
 * Elements are read by label (check_label: "申请条件：…", th/td and dt/dd
 * pairs, a heading and the paragraph after it), by every synonym of the
 * rule set; a label whose value is empty is a missing element. The first
 * guides_examined_max guides in crawl order are examined; each one missing
 * any element is a `service.guide_incomplete` finding (subject its URL)
 * whose evidence lists the missing elements, whether a core element is
 * missing and the site's counts (guides_examined, guides_core_missing), so
 * the veto can be recomputed; when the share of guides missing a core
 * element crosses incomplete_share, those guides count under site.service
 * (indicator_override). Guides on a platform outside the scope are never
 * crawled, so never the site's findings.
 *
 * Attachments. Links of examined guides with an attachment extension
 * (.doc, .xls, .pdf …) or named by attachment_patterns (表格, 样表 …) are
 * fetched after the crawl (check_fetch, at most attachments_examined_max):
 * an error, HTTP >= 400, zero bytes, or an HTML page where the extension
 * promises a document is `service.attachment_broken` (subject its URL).
 * A body over the fetch cap still downloaded.
 *
 * Units registered with services=no are skipped entirely. State per site,
 * freed by site_free.
 */
#ifndef GI_CHECKS_SERVICE_H
#define GI_CHECKS_SERVICE_H

#include "checks/check.h"

extern const check_module check_service;

#endif
