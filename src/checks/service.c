#include "checks/service.h"

#include "core/lang.h"
#include "core/sbuf.h"
#include "core/strmap.h"
#include "core/url.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SV "indicators/site.service/"
#define SV_MAX_ELEMENTS 32

typedef struct sv_guide {
    char *url;
    json_t *missing;   /* element names */
    bool core_missing;
} sv_guide;

typedef struct sv_attach {
    char *url, *guide, *text;
    bool document;     /* its extension promises a document */
    bool broken;
    char *reason;
    long status;
    size_t bytes;
    char content_type[64];
} sv_attach;

typedef struct sv_state {
    bool skip;         /* services=no */
    bool judge;        /* the crawl was complete and fetched pages */
    char *section;     /* the link that shows services are provided */
    sv_guide *guides;
    size_t nguides, capguides;
    size_t nfound;     /* guides found, examined or not */
    sv_attach *att;
    size_t natt, capatt;
    strmap *seen;      /* guide and attachment URLs */
    /* The rule set's lists that every page and link reads, looked up once. */
    size_t nkeys;
    const char *keys[SV_MAX_ELEMENTS];          /* elements/<key> */
    const char *const *syn[SV_MAX_ELEMENTS];    /* their synonyms */
    size_t nsyn[SV_MAX_ELEMENTS];
    const char **exts;                          /* attachment_extensions */
    size_t nexts;
} sv_state;

static void *sv_begin(check_ctx *c, const site_rec *site) {
    sv_state *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->skip = !site->services;
    st->seen = strmap_new();
    const rules *r = check_rules(c);
    st->nkeys = rules_keys_len(r, SV "elements");
    if (st->nkeys > SV_MAX_ELEMENTS) st->nkeys = SV_MAX_ELEMENTS;
    char path[160];
    for (size_t k = 0; k < st->nkeys; k++) {
        st->keys[k] = rules_key(r, SV "elements", k);
        snprintf(path, sizeof path, SV "elements/%s/synonyms", st->keys[k]);
        st->syn[k] = rules_strings(r, path, &st->nsyn[k]);
    }
    st->nexts = rules_list_len(r, SV "attachment_extensions");
    st->exts = calloc(st->nexts ? st->nexts : 1, sizeof *st->exts);
    for (size_t i = 0; st->exts && i < st->nexts; i++)
        st->exts[i] = rules_list_item(r, SV "attachment_extensions", i);
    if (!st->seen || !st->exts) st->skip = true;
    return st;
}

static void sv_free(void *p) {
    sv_state *st = p;
    if (!st) return;
    for (size_t i = 0; i < st->nguides; i++) {
        free(st->guides[i].url);
        json_decref(st->guides[i].missing);
    }
    for (size_t i = 0; i < st->natt; i++) {
        free(st->att[i].url), free(st->att[i].guide), free(st->att[i].text);
        free(st->att[i].reason);
    }
    free(st->guides);
    free(st->att);
    free(st->section);
    strmap_free(st->seen, NULL);
    free(st->exts);
    free(st);
}

/* Whether a text is an element label itself (an empty value cell). */
static bool sv_is_label(void *ud, const char *text) {
    const rules *r = check_rules(ud);
    char path[160];
    for (size_t k = 0; k < rules_keys_len(r, SV "elements"); k++) {
        snprintf(path, sizeof path, SV "elements/%s/synonyms", rules_key(r, SV "elements", k));
        if (check_is_label(ud, path, text)) return true;
    }
    return false;
}

/* Element k of the page: 0 absent, 1 labelled but empty, 2 present. */
/* starts[t]: text block t after its enumerator, so that the many blocks
 * that start with no label's first character cost one comparison each
 * (inline: a call to strncmp per block and synonym cost more than the rest
 * of the check). */
static int sv_element(check_ctx *c, const page *pg, const char *const *starts,
                      const char *const *syn, size_t ns) {
    int best = 0;
    for (size_t i = 0; i < ns && best < 2; i++) {
        size_t head = strnlen(syn[i], 3);
        for (size_t t = 0; t < pg->ntexts && best < 2; t++) {
            const char *v = NULL;
            if (starts) {
                const char *s = starts[t];
                size_t j = 0;
                while (j < head && s[j] == syn[i][j]) j++; /* stops at s's NUL: syn has none */
                if (j < head) continue;
            }
            if (check_label(pg, t, syn[i], sv_is_label, c, &v))
                best = *v ? 2 : 1;
        }
    }
    return best;
}

static bool sv_list_has(const rules *r, const char *path, const char *s) {
    for (size_t i = 0; i < rules_list_len(r, path); i++)
        if (!strcmp(rules_list_item(r, path, i), s)) return true;
    return false;
}

/* The extension of a URL's path names a document. */
static bool sv_document_url(const sv_state *st, const char *url) {
    url_parts u;
    if (!url_split(url, &u)) return false;
    for (size_t i = 0; i < st->nexts; i++) {
        const char *ext = st->exts[i];
        size_t n = strlen(ext);
        if (n && u.path_len > n && !strncasecmp(u.path + u.path_len - n, ext, n)) return true;
    }
    return false;
}

static void sv_attachments(check_ctx *c, sv_state *st, const page *pg) {
    const rules *r = check_rules(c);
    size_t max = (size_t)rules_number(r, SV "attachments_examined_max");
    for (size_t i = 0; i < pg->nlinks && st->natt < max; i++) {
        const page_link *l = &pg->links[i];
        if (strcmp(l->tag, "a") != 0 || l->kind != URL_HTTP || !l->url) continue;
        bool doc = sv_document_url(st, l->url);
        if (!doc && !check_pattern_in(c, SV "attachment_patterns", l->text)) continue;
        if (strmap_get(st->seen, l->url)) continue;
        if (st->natt == st->capatt) {
            size_t cap = st->capatt ? st->capatt * 2 : 16;
            sv_attach *p = realloc(st->att, cap * sizeof *p);
            if (!p) return;
            st->att = p, st->capatt = cap;
        }
        sv_attach *a = &st->att[st->natt];
        memset(a, 0, sizeof *a);
        a->url = strdup(l->url);
        a->guide = strdup(pg->url);
        a->text = strdup(l->text ? l->text : "");
        a->document = doc;
        if (!a->url || !a->guide || !a->text || !strmap_put(st->seen, l->url, (void *)1, NULL)) {
            free(a->url), free(a->guide), free(a->text);
            return;
        }
        st->natt++;
    }
}

static void sv_page(check_ctx *c, void *state, const crawl_page *p) {
    sv_state *st = state;
    const page *pg = p->model;
    if (!st || st->skip || !pg || strmap_get(st->seen, pg->url)) return;
    const rules *r = check_rules(c);
    size_t nkeys = st->nkeys;
    int found[SV_MAX_ELEMENTS];
    int labels = 0;
    const char **starts = malloc((pg->ntexts ? pg->ntexts : 1) * sizeof *starts);
    for (size_t t = 0; starts && t < pg->ntexts; t++) starts[t] = check_skip_enumerator(pg->texts[t].text);
    for (size_t k = 0; k < nkeys; k++) {
        found[k] = sv_element(c, pg, starts, st->syn[k], st->nsyn[k]);
        if (found[k]) labels++;
    }
    free(starts);
    int min = (int)rules_number(r, SV "guide_min_elements");
    bool named = check_pattern_in(c, SV "guide_patterns", pg->title) != NULL;
    if (labels < min && !(named && labels > 0)) return;
    st->nfound++;
    if (st->nguides >= (size_t)rules_number(r, SV "guides_examined_max")) return;
    if (st->nguides == st->capguides) {
        size_t cap = st->capguides ? st->capguides * 2 : 16;
        sv_guide *g = realloc(st->guides, cap * sizeof *g);
        if (!g) return;
        st->guides = g, st->capguides = cap;
    }
    sv_guide *g = &st->guides[st->nguides];
    g->url = strdup(pg->url);
    g->missing = json_array();
    g->core_missing = false;
    if (!g->url || !g->missing || !strmap_put(st->seen, pg->url, (void *)1, NULL)) {
        free(g->url);
        json_decref(g->missing);
        return;
    }
    st->nguides++;
    char path[160];
    for (size_t k = 0; k < nkeys; k++) {
        if (found[k] == 2) continue;
        const char *key = st->keys[k];
        snprintf(path, sizeof path, SV "elements/%s/name", key);
        json_array_append_new(g->missing, json_string(rules_string(r, path)));
        if (sv_list_has(r, SV "core_elements", key)) g->core_missing = true;
    }
    sv_attachments(c, st, pg);
}

static void sv_link(check_ctx *c, void *state, const crawl_link *l) {
    sv_state *st = state;
    if (!st || st->skip || st->section || l->broken || l->error != FETCH_OK || l->status >= 400 ||
        !l->status)
        return;
    for (size_t i = 0; i < l->nrefs; i++)
        if (check_pattern_in(c, SV "section_patterns", l->refs[i].text)) {
            st->section = strdup(l->url);
            return;
        }
}

/* ---- attachments, after the crawl ---- */

static void sv_attach_done(check_ctx *c, void *state, void *ud, const fetch_result *res) {
    (void)c;
    sv_state *st = state;
    sv_attach *a = &st->att[(size_t)(uintptr_t)ud];
    a->status = res->status;
    a->bytes = res->body_len;
    snprintf(a->content_type, sizeof a->content_type, "%s", res->content_type);
    const char *why = NULL;
    char buf[160];
    bool html = strstr(res->content_type, "html") ||
                (res->body && res->body_len &&
                 (res->body[0] == '<' || !strncmp(res->body, "\xef\xbb\xbf<", 4)));
    if (res->error != FETCH_OK && res->error != FETCH_ERR_TOO_LARGE) {
        snprintf(buf, sizeof buf, "%s", res->error_text);
        why = buf;
    } else if (res->status >= 400) {
        snprintf(buf, sizeof buf, "HTTP %ld", res->status);
        why = buf;
    } else if (res->body_len == 0 && !res->truncated) {
        why = L("zero bytes", "文件为空");
    } else if (a->document && html) {
        why = L("an HTML page instead of the document", "返回网页而非文件");
    }
    if (why) {
        a->broken = true;
        a->reason = strdup(why);
    }
}

static void sv_site_end(check_ctx *c, void *state, const crawl_site_result *r) {
    sv_state *st = state;
    if (!st || st->skip) return;
    st->judge = r->complete && r->pages > 0;
    /* An interrupted crawl should end soon: nothing more is fetched. */
    for (size_t i = 0; r->complete && i < st->natt; i++)
        if (!check_fetch(c, st->att[i].url, NULL, sv_attach_done, (void *)(uintptr_t)i))
            st->att[i].reason = strdup(L("not fetched", "未能下载"));
}

static void sv_fetched(check_ctx *c, void *state) {
    sv_state *st = state;
    if (!st || st->skip) return;
    const rules *r = check_rules(c);
    const char *home = check_site(c)->url;
    if (st->judge && !st->section && st->nguides == 0) {
        json_t *ev = json_pack("{s:o, s:i}", "section_patterns", json_array(), "guides_found", 0);
        json_t *pats = json_object_get(ev, "section_patterns");
        for (size_t i = 0; i < rules_list_len(r, SV "section_patterns"); i++)
            json_array_append_new(pats, json_string(rules_list_item(r, SV "section_patterns", i)));
        check_finding f = {.kind = "service.none",
                           .subject = "service",
                           .url = home,
                           .source_url = home,
                           .evidence = ev,
                           .summary = L("no service section, guide or link to a service platform",
                                        "未提供办事服务栏目、办事指南或政务服务平台链接")};
        check_record(c, &f);
    }
    size_t core = 0;
    for (size_t i = 0; i < st->nguides; i++) core += st->guides[i].core_missing;
    double share = st->nguides ? (double)core / (double)st->nguides : 0;
    bool veto =
        st->nguides && rules_threshold_test(rules_threshold_at(r, SV "incomplete_share"), share);
    for (size_t i = 0; i < st->nguides; i++) {
        sv_guide *g = &st->guides[i];
        if (!json_array_size(g->missing)) continue;
        sbuf names = {0};
        for (size_t k = 0; k < json_array_size(g->missing); k++)
            sbuf_printf(&names, "%s%s", k ? "、" : "",
                        json_string_value(json_array_get(g->missing, k)));
        char summary[512];
        snprintf(summary, sizeof summary, L("service guide misses %s", "办事指南缺少%s"),
                 sbuf_str(&names));
        sbuf_free(&names);
        json_t *ev = json_pack("{s:O, s:b, s:i, s:i, s:i, s:f}", "missing", g->missing,
                               "core_missing", g->core_missing, "guides_examined", (int)st->nguides,
                               "guides_found", (int)st->nfound, "guides_core_missing", (int)core,
                               "core_missing_share", share);
        check_finding f = {.kind = "service.guide_incomplete",
                           .subject = g->url,
                           .url = g->url,
                           .source_url = g->url,
                           .evidence = ev,
                           .summary = summary,
                           .indicator_override = veto && g->core_missing ? "site.service" : NULL};
        check_record(c, &f);
    }
    for (size_t i = 0; i < st->natt; i++) {
        sv_attach *a = &st->att[i];
        if (!a->broken) continue;
        json_t *ev = json_pack("{s:s, s:s, s:s, s:I, s:s, s:I}", "text", a->text, "guide", a->guide,
                               "reason", a->reason, "http_status", (json_int_t)a->status,
                               "content_type", a->content_type, "bytes", (json_int_t)a->bytes);
        char summary[512];
        snprintf(summary, sizeof summary, L("attachment \"%.200s\" does not download: %s",
                                            "附件“%.200s”无法下载：%s"),
                 a->text, a->reason);
        check_finding f = {.kind = "service.attachment_broken",
                           .subject = a->url,
                           .url = a->url,
                           .source_url = a->guide,
                           .evidence = ev,
                           .summary = summary};
        check_record(c, &f);
    }
}

static const char *const sv_kinds[] = {"service.", NULL};

const check_module check_service = {.name = "service",
                                    .kind_prefixes = sv_kinds,
                                    .site_begin = sv_begin,
                                    .on_page = sv_page,
                                    .on_link = sv_link,
                                    .site_end = sv_site_end,
                                    .site_free = sv_free,
                                    .fetched = sv_fetched};
