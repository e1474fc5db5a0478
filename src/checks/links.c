/* links — broken links (错链): link.broken findings, and crawl coverage.
 *
 * Every distinct URL a site links to is one observation; a broken one is a
 * link.broken finding whose subject is the URL and whose evidence lists the
 * pages that hold it (capped), the tag and anchor text, the status or error
 * and when it was checked. Linked from the homepage, it counts under the
 * rule set's home_indicator (link.broken_home), else link.broken_page. A
 * crawl stopped short is a crawl.incomplete finding with its reason, so the
 * indicators that needed the missing pages answer "unknown".
 */
#include "checks/links.h"

#include "core/date.h"
#include "core/lang.h"

#include <stdio.h>
#include <string.h>

static const char *const links_kinds[] = {"link.", "crawl.", NULL};

static void *links_site_begin(check_ctx *c, const site_rec *site) {
    (void)c;
    (void)site;
    return NULL;
}

static const char *links_reason(const crawl_link *l, char *buf, size_t bufsz) {
    if (l->error != FETCH_OK) {
        snprintf(buf, bufsz, "%s: %s", fetch_error_name(l->error), l->error_text);
    } else if (l->soft404) {
        snprintf(buf, bufsz, "HTTP %ld, %s", l->status,
                 L("a \"page not found\" page (soft 404)", "“页面不存在”页面（软404）"));
    } else {
        snprintf(buf, bufsz, "HTTP %ld", l->status);
    }
    return buf;
}

static void links_on_link(check_ctx *c, void *state, const crawl_link *l) {
    (void)state;
    if (!l->broken) return;
    char reason[600], when[40];
    links_reason(l, reason, sizeof reason);
    date_format_iso(l->checked_at_ms, check_zone_minutes(c), when, sizeof when);
    json_t *refs = json_array();
    for (size_t i = 0; i < l->nrefs; i++)
        json_array_append_new(refs, json_pack("{s:s, s:s, s:s, s:s, s:b}", "page", l->refs[i].page_url,
                                              "tag", l->refs[i].tag, "attr", l->refs[i].attr, "text",
                                              l->refs[i].text, "from_home", l->refs[i].from_home));
    json_t *ev = json_pack("{s:s, s:b, s:I, s:s, s:s, s:s, s:b, s:s, s:o}", "url", l->url, "internal",
                           l->internal, "status", (json_int_t)l->status, "error",
                           l->error == FETCH_OK ? "" : fetch_error_name(l->error), "error_text",
                           l->error_text, "final_url", l->final_url, "soft404", l->soft404,
                           "checked_at", when, "referrers", refs);
    char summary[1200];
    const char *text = l->nrefs ? l->refs[0].text : "";
    snprintf(summary, sizeof summary, L("broken link %s (%s)%s%s%s", "错链 %s（%s）%s%s%s"), l->url,
             reason, *text ? L(", anchor \"", "，链接文字“") : "", text, *text ? L("\"", "”") : "");
    check_finding f = {.kind = "link.broken",
                       .subject = l->url,
                       .url = l->url,
                       .source_url = l->nrefs ? l->refs[0].page_url : "",
                       .evidence = ev,
                       .summary = summary,
                       .observed_ms = l->checked_at_ms,
                       .home = l->from_home};
    check_record(c, &f);
}

static void links_site_end(check_ctx *c, void *state, const crawl_site_result *r) {
    (void)state;
    if (!r->complete) {
        check_finding f = {.kind = "crawl.incomplete",
                           .subject = "crawl",
                           .url = "",
                           .source_url = "",
                           .evidence = json_pack("{s:s, s:i, s:i}", "reason", r->incomplete_reason,
                                                 "pages", r->pages, "links", r->links),
                           .summary = r->incomplete_reason};
        check_record(c, &f);
    }
    if (r->page_cap_reached) {
        char summary[200];
        snprintf(summary, sizeof summary,
                 L("the page cap was reached after %d pages; judged on what was crawled",
                   "抓取 %d 个页面后达到上限，按已抓取内容判定"),
                 r->pages);
        check_finding f = {.kind = "crawl.page_cap",
                           .subject = "crawl",
                           .url = "",
                           .source_url = "",
                           .evidence = json_pack("{s:i}", "pages", r->pages),
                           .summary = summary};
        check_record(c, &f);
    }
}

const check_module check_links = {
    .name = "links",
    .kind_prefixes = links_kinds,
    .site_begin = links_site_begin,
    .on_page = NULL,
    .on_link = links_on_link,
    .site_end = links_site_end,
    .site_free = NULL,
};
