/* identity — footer identity (identity.*); see identity.h. */
#include "checks/identity.h"

#include "core/lang.h"
#include "core/log.h"
#include "core/sbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const ident_kinds[] = {"identity.", NULL};

#define IDENT_VALUE_MAX 96

/* ---- reading the footer ------------------------------------------------------ */

static bool ident_cjk_lead(unsigned char c) {
    return c >= 0xE0 && c <= 0xEF;
}

static const char *ident_skip_spaces(const char *p) {
    while (*p == ' ')
        p++;
    return p;
}

/* After a label: spaces, ":" or "：". */
static const char *ident_skip_colon(const char *p) {
    for (int k = 0; k < 4; k++) {
        if (*p == ' ' || *p == ':')
            p++;
        else if (strncmp(p, "：", 3) == 0)
            p += 3;
        else
            break;
    }
    return p;
}

/* A filing number at `at` (where "ICP备"/"公网安备" … starts, `klen` bytes):
 * the province character before it, digits, an optional 号 and, for ICP,
 * an optional -N. Written to out without spaces. */
static bool ident_number(const char *text, const char *at, size_t klen, bool icp, char *out,
                         size_t outsz) {
    const char *start = at >= text + 3 && ident_cjk_lead((unsigned char)at[-3]) ? at - 3 : at;
    const char *p = ident_skip_spaces(at + klen);
    const char *d = p;
    while (isdigit((unsigned char)*p))
        p++;
    if (p - d < 5)
        return false;
    const char *end = p;
    const char *q = ident_skip_spaces(p);
    if (strncmp(q, "号", 3) == 0) {
        end = q + 3;
        if (icp && end[0] == '-' && isdigit((unsigned char)end[1])) {
            end++;
            while (isdigit((unsigned char)*end))
                end++;
        }
    }
    size_t n = 0;
    for (const char *c = start; c < end && n + 1 < outsz; c++)
        if (*c != ' ')
            out[n++] = *c;
    out[n] = '\0';
    return true;
}

/* The first ICP ("ICP备", "ICP证") or police ("公网安备") number in the
 * homepage's text blocks. */
static bool ident_find_number(const page *p, bool icp, char *out, size_t outsz) {
    static const char *const icp_keys[] = {"ICP备", "ICP证", NULL};
    static const char *const psb_keys[] = {"公网安备", NULL};
    for (size_t i = 0; i < p->ntexts; i++) {
        const char *s = p->texts[i].text;
        for (const char *const *k = icp ? icp_keys : psb_keys; *k; k++)
            for (const char *at = strstr(s, *k); at; at = strstr(at + 1, *k))
                if (ident_number(s, at, strlen(*k), icp, out, outsz))
                    return true;
    }
    return false;
}

/* Equal without spaces; an ICP number's "-N" (the site under one licence)
 * is ignored when only one side has it. */
static bool ident_same_number(const char *found, const char *registered) {
    char a[IDENT_VALUE_MAX * 2], b[IDENT_VALUE_MAX * 2];
    size_t na = 0, nb = 0;
    for (const char *c = found; *c && na + 1 < sizeof a; c++)
        if (*c != ' ')
            a[na++] = *c;
    for (const char *c = registered; *c && nb + 1 < sizeof b; c++)
        if (*c != ' ')
            b[nb++] = *c;
    a[na] = b[nb] = '\0';
    if (strcmp(a, b) == 0)
        return true;
    const char *da = strstr(a, "号-"), *db = strstr(b, "号-");
    if (da && !db)
        return (size_t)(da - a) + 3 == nb && strncmp(a, b, nb) == 0;
    if (db && !da)
        return (size_t)(db - b) + 3 == na && strncmp(a, b, na) == 0;
    return false;
}

/* 10 digits or bm + 8 digits at p, not followed by another digit. */
static size_t ident_code_at(const char *p) {
    size_t n = 0;
    if ((p[0] == 'b' || p[0] == 'B') && (p[1] == 'm' || p[1] == 'M'))
        n = 2;
    size_t want = n ? 8 : 10;
    for (size_t i = 0; i < want; i++)
        if (!isdigit((unsigned char)p[n + i]))
            return 0;
    if (isdigit((unsigned char)p[n + want]))
        return 0;
    return n + want;
}

/* The code after a site_code_label; *labelled tells whether a label was
 * seen at all. */
static bool ident_find_code(const rules *r, const page *p, char *out, size_t outsz,
                            bool *labelled) {
    *labelled = false;
    size_t nl = rules_list_len(r, "footer/site_code_labels");
    for (size_t i = 0; i < p->ntexts; i++) {
        const char *s = p->texts[i].text;
        for (size_t l = 0; l < nl; l++) {
            const char *label = rules_list_item(r, "footer/site_code_labels", l);
            size_t ll = strlen(label);
            for (const char *at = ll ? strstr(s, label) : NULL; at; at = strstr(at + ll, label)) {
                *labelled = true;
                const char *v = ident_skip_colon(at + ll);
                size_t n = ident_code_at(v);
                if (n && n < outsz) {
                    memcpy(out, v, n);
                    out[n] = '\0';
                    return true;
                }
            }
        }
    }
    return false;
}

/* A label of the list followed, within two characters (主办方, 主办单位),
 * by ":" or "：" and a value; the value (cut) into out. */
static bool ident_find_labelled(const rules *r, const char *path, const page *p, char *out,
                                size_t outsz) {
    size_t nl = rules_list_len(r, path);
    for (size_t i = 0; i < p->ntexts; i++) {
        const char *s = p->texts[i].text;
        for (size_t l = 0; l < nl; l++) {
            const char *label = rules_list_item(r, path, l);
            size_t ll = strlen(label);
            for (const char *at = ll ? strstr(s, label) : NULL; at; at = strstr(at + ll, label)) {
                const char *q = at + ll;
                for (int k = 0;
                     k < 2 && ident_cjk_lead((unsigned char)*q) && strncmp(q, "：", 3) != 0; k++)
                    q += 3;
                if (*q != ':' && strncmp(q, "：", 3) != 0)
                    continue;
                const char *v = ident_skip_spaces(ident_skip_colon(q));
                if (!*v)
                    continue;
                snprintf(out, outsz, "%.*s", (int)strcspn(v, " "), v);
                return true;
            }
        }
    }
    return false;
}

/* Whether host is one of the list's hosts or under one. */
static bool ident_host_in(const rules *r, const char *path, const char *host, size_t hlen) {
    size_t n = rules_list_len(r, path);
    for (size_t i = 0; i < n; i++) {
        const char *h = rules_list_item(r, path, i);
        size_t k = strlen(h);
        if (k && hlen >= k && strncasecmp(host + hlen - k, h, k) == 0 &&
            (hlen == k || host[hlen - k - 1] == '.'))
            return true;
    }
    return false;
}

/* A link a visitor sees: visible, or written by a script (the conac badge
 * is); a display:none 找错 link is no entry. */
static bool ident_shown(const page_link *l) {
    return l->visible || (l->hidden_by && strcmp(l->hidden_by, "script") == 0);
}

/* The first link (any tag) whose host is in the rule-set list at `hosts`,
 * or (when `paths` is not NULL) whose path starts with one of that list. */
static const page_link *ident_find_link(const rules *r, const page *p, const char *hosts,
                                        const char *paths) {
    size_t np = paths ? rules_list_len(r, paths) : 0;
    for (size_t i = 0; i < p->nlinks; i++) {
        const page_link *l = &p->links[i];
        url_parts up;
        if (!ident_shown(l) || l->kind != URL_HTTP || !l->url || !url_split(l->url, &up))
            continue;
        if (ident_host_in(r, hosts, up.host, up.host_len))
            return l;
        for (size_t k = 0; k < np; k++) {
            const char *pre = rules_list_item(r, paths, k);
            size_t n = strlen(pre);
            if (n && up.path_len >= n && strncmp(up.path, pre, n) == 0)
                return l;
        }
    }
    return NULL;
}

/* A link whose text holds a label of the list, or a text block that does. */
static const char *ident_find_text(const rules *r, const char *path, const page *p, bool blocks) {
    size_t nl = rules_list_len(r, path);
    for (size_t l = 0; l < nl; l++) {
        const char *label = rules_list_item(r, path, l);
        if (!*label)
            continue;
        for (size_t i = 0; i < p->nlinks; i++)
            if (ident_shown(&p->links[i]) && p->links[i].text && strstr(p->links[i].text, label))
                return p->links[i].text;
        for (size_t i = 0; blocks && i < p->ntexts; i++)
            if (strstr(p->texts[i].text, label))
                return label;
    }
    return NULL;
}

/* ---- judging ------------------------------------------------------------------------- */

typedef struct ident_run {
    const page *home;
    ident_emit_fn emit;
    void *ud;
} ident_run;

static void ident_report(ident_run *run, const char *kind, const char *subject, const char *found,
                         const char *expected, const char *reason) {
    json_t *ev =
        json_pack("{s:s, s:s, s:s, s:s}", "homepage", run->home ? run->home->url : "", "found",
                  found ? found : "", "expected", expected ? expected : "", "reason", reason);
    char summary[600];
    snprintf(summary, sizeof summary, "%s%s%s%s", reason,
             found && *found ? L(": found \"", "：页面为“") : "", found && *found ? found : "",
             found && *found ? L("\"", "”") : "");
    check_finding f = {.kind = kind,
                       .subject = subject,
                       .url = run->home ? run->home->url : "",
                       .source_url = run->home ? run->home->url : "",
                       .evidence = ev,
                       .summary = summary,
                       .home = true};
    run->emit(run->ud, &f);
}

static void ident_site_code(const rules *r, const site_rec *site, ident_run *run) {
    char code[IDENT_VALUE_MAX] = "";
    bool labelled;
    const char *want = site->code ? site->code : "";
    if (!ident_find_code(r, run->home, code, sizeof code, &labelled)) {
        ident_report(run, "identity.site_code", "footer", "", want,
                     labelled ? L("网站标识码 without a valid code", "网站标识码格式不正确")
                              : L("no 网站标识码 on the homepage", "首页未标注网站标识码"));
        return;
    }
    if (*want && strcasecmp(code, want) != 0) {
        ident_report(run, "identity.site_code", "footer", code, want,
                     L("网站标识码 is not the registered code", "网站标识码与登记的不一致"));
        return;
    }
    const page_meta *m = page_meta_get(run->home, "SiteIDCode");
    if (m && *m->content && strcasecmp(m->content, code) != 0)
        ident_report(run, "identity.site_code", "footer", m->content, code,
                     L("the homepage's SiteIDCode differs from its 网站标识码",
                       "首页 SiteIDCode 与页脚网站标识码不一致"));
}

static void ident_filing(const rules *r, const site_rec *site, ident_run *run, bool icp) {
    (void)r;
    char found[IDENT_VALUE_MAX * 2] = "";
    const char *want = icp ? site->icp : site->psb;
    const char *kind = icp ? "identity.icp" : "identity.psb";
    if (!ident_find_number(run->home, icp, found, sizeof found)) {
        ident_report(run, kind, "footer", "", want ? want : "",
                     icp ? L("no ICP备案编号 on the homepage", "首页未标注ICP备案编号")
                         : L("no 公安机关备案号 on the homepage", "首页未标注公安机关备案号"));
        return;
    }
    if (want && *want && !ident_same_number(found, want))
        ident_report(run, kind, "footer", found, want,
                     icp ? L("ICP number is not the registered one", "ICP备案编号与登记的不一致")
                         : L("police filing number is not the registered one",
                             "公安机关备案号与登记的不一致"));
}

void ident_check(const rules *r, const site_rec *site, const page *home, ident_emit_fn emit,
                 void *ud) {
    ident_run run = {.home = home, .emit = emit, .ud = ud};
    if (home) {
        ident_site_code(r, site, &run);
        ident_filing(r, site, &run, true);
        ident_filing(r, site, &run, false);
        if (!ident_find_link(r, home, "footer/conac_hosts", NULL))
            ident_report(&run, "identity.conac", "footer", "", "",
                         L("no 党政机关网站标识 (conac.cn link) on the homepage",
                           "首页未展示党政机关网站标识（conac.cn 链接）"));
        char value[IDENT_VALUE_MAX * 2];
        if (!ident_find_labelled(r, "footer/sponsor_labels", home, value, sizeof value))
            ident_report(&run, "identity.sponsor", "footer", "", site->unit ? site->unit : "",
                         L("no 主办单位 on the homepage", "首页未标注主办单位"));
        bool mailto = false;
        for (size_t i = 0; i < home->nlinks && !mailto; i++)
            mailto = ident_shown(&home->links[i]) && home->links[i].raw &&
                     strncasecmp(home->links[i].raw, "mailto:", 7) == 0;
        if (!mailto &&
            !ident_find_labelled(r, "footer/contact_labels", home, value, sizeof value) &&
            !ident_find_text(r, "footer/contact_link_labels", home, false))
            ident_report(&run, "identity.contact", "footer", "", "",
                         L("no contact details on the homepage", "首页未标注联系方式"));
        if (!ident_find_link(r, home, "footer/zhaocuo_hosts", "footer/zhaocuo_paths") &&
            !ident_find_text(r, "footer/zhaocuo_labels", home, true))
            ident_report(
                &run, "identity.zhaocuo", "footer", "", "",
                L("no 我为政府网站找错 entry on the homepage", "首页未设置“我为政府网站找错”入口"));
    }
    url_parts up;
    char *norm = site->url ? url_normalize(site->url) : NULL;
    if (norm && url_split(norm, &up) && !url_host_is_government(up.host, up.host_len) &&
        !ident_host_in(r, "domains/government_suffixes", up.host, up.host_len)) {
        char host[300];
        snprintf(host, sizeof host, "%.*s", (int)up.host_len, up.host);
        ident_report(&run, "identity.domain", "domain", host, ".gov.cn / .政务",
                     L("the site's host is not under a government domain",
                       "网站域名不在政府域名（.gov.cn、.政务）下"));
    }
    free(norm);
}

/* ---- the check module ------------------------------------------------------------------
 * The homepage arrives in on_page, outside the site's transaction; its
 * findings are kept and recorded in site_end. */

typedef struct ident_state {
    json_t *findings; /* [{kind, subject, url, source_url, summary, evidence}] */
    bool seen;
} ident_state;

static bool ident_keep(void *ud, const check_finding *f) {
    ident_state *st = ud;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "kind", f->kind, "subject", f->subject,
                          "url", f->url, "source_url", f->source_url, "summary", f->summary,
                          "evidence", f->evidence ? f->evidence : json_object());
    if (!o)
        return false;
    json_array_append_new(st->findings, o);
    return true;
}

static void *ident_mod_begin(check_ctx *c, const site_rec *site) {
    (void)c;
    (void)site;
    ident_state *st = calloc(1, sizeof *st);
    if (st && !(st->findings = json_array())) {
        free(st);
        st = NULL;
    }
    if (!st)
        log_error("out of memory");
    return st;
}

static void ident_mod_page(check_ctx *c, void *state, const crawl_page *p) {
    ident_state *st = state;
    if (!st || !p->model || p->depth != 0 || st->seen)
        return;
    st->seen = true;
    ident_check(check_rules(c), check_site(c), p->model, ident_keep, st);
}

static void ident_mod_end(check_ctx *c, void *state, const crawl_site_result *r) {
    (void)r;
    ident_state *st = state;
    if (!st || !st->seen)
        return;
    size_t i;
    json_t *o;
    json_array_foreach(st->findings, i, o) {
        check_finding f = {.kind = json_string_value(json_object_get(o, "kind")),
                           .subject = json_string_value(json_object_get(o, "subject")),
                           .url = json_string_value(json_object_get(o, "url")),
                           .source_url = json_string_value(json_object_get(o, "source_url")),
                           .evidence = json_incref(json_object_get(o, "evidence")),
                           .summary = json_string_value(json_object_get(o, "summary")),
                           .home = true};
        check_record(c, &f);
    }
}

static void ident_mod_free(void *state) {
    ident_state *st = state;
    if (!st)
        return;
    json_decref(st->findings);
    free(st);
}

const check_module check_identity = {
    .name = "identity",
    .kind_prefixes = ident_kinds,
    .site_begin = ident_mod_begin,
    .on_page = ident_mod_page,
    .on_link = NULL,
    .site_end = ident_mod_end,
    .site_free = ident_mod_free,
};
