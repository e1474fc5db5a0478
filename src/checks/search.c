#include "checks/search.h"

#include "core/lang.h"
#include "core/sbuf.h"
#include "core/url.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SR "indicators/search.broken/"
#define SR_FORM_BYTES 32768
#define SR_MAX_TITLES 10

typedef struct sr_query {
    char *title, *article;
    char *request, *post;   /* what was sent */
    char *results;          /* final URL of the answer */
    long status;
    char *error;
    bool answered, found;
} sr_query;

typedef struct sr_state {
    url_scope *scope;
    bool judge;
    bool have_form;
    char *script_page;      /* a search run by script only was seen here */
    char *form_page, *action, *method, *field;
    sbuf hidden;            /* urlencoded hidden fields, "a=1&b=2" */
    sr_query q[SR_MAX_TITLES];
    size_t nq;
} sr_state;

static void *sr_begin(check_ctx *c, const site_rec *site) {
    (void)c;
    sr_state *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    err e = {0};
    st->scope = url_scope_new(site->url, site->hosts, &e);
    return st;
}

static void sr_free(void *p) {
    sr_state *st = p;
    if (!st) return;
    url_scope_free(st->scope);
    free(st->form_page), free(st->action), free(st->method), free(st->field);
    free(st->script_page);
    sbuf_free(&st->hidden);
    for (size_t i = 0; i < st->nq; i++) {
        sr_query *q = &st->q[i];
        free(q->title), free(q->article), free(q->request), free(q->post), free(q->results);
        free(q->error);
    }
    free(st);
}

/* application/x-www-form-urlencoded. */
static void sr_encode(sbuf *b, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '*') sbuf_putc(b, (char)*p);
        else if (*p == ' ') sbuf_putc(b, '+');
        else {
            sbuf_putc(b, '%');
            sbuf_putc(b, hex[*p >> 4]);
            sbuf_putc(b, hex[*p & 15]);
        }
    }
}

static void sr_pair(sbuf *b, const char *name, const char *value) {
    if (b->len) sbuf_putc(b, '&');
    sr_encode(b, name);
    sbuf_putc(b, '=');
    sr_encode(b, value);
}

typedef struct sr_fields {
    char *query;       /* the first text field's name */
    sbuf hidden;
    bool textarea, password, submit;
    /* Whole-page walk: a search-named text field outside any form. */
    const check_ctx *c;
    int in_form;
    bool loose;
} sr_fields;

/* A text field outside forms that names a search by its attributes. */
static void sr_loose_input(sr_fields *f, xmlNode *n) {
    static const char *const attrs[] = {"name", "id", "class", "placeholder", "onkeydown"};
    for (size_t i = 0; i < sizeof attrs / sizeof *attrs && !f->loose; i++) {
        xmlChar *v = xmlGetProp(n, (const xmlChar *)attrs[i]);
        if (v) {
            for (xmlChar *p = v; *p; p++) *p = (xmlChar)tolower(*p);
            f->loose = check_pattern_in(f->c, SR "form_patterns", (const char *)v) != NULL;
        }
        xmlFree(v);
    }
}

static void sr_walk(xmlNode *n, sr_fields *f) {
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        const char *tag = (const char *)n->name;
        if (!strcasecmp(tag, "textarea")) f->textarea = true;
        if (!strcasecmp(tag, "button")) {
            xmlChar *type = xmlGetProp(n, (const xmlChar *)"type");
            if (!type || strcasecmp((const char *)type, "button") != 0) f->submit = true;
            xmlFree(type);
        }
        if (f->c && !strcasecmp(tag, "form")) {
            f->in_form++;
            sr_walk(n->children, f);
            f->in_form--;
            continue;
        }
        if (!strcasecmp(tag, "input")) {
            xmlChar *type = xmlGetProp(n, (const xmlChar *)"type");
            xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
            xmlChar *value = xmlGetProp(n, (const xmlChar *)"value");
            const char *t = type ? (const char *)type : "text";
            bool text = !strcasecmp(t, "text") || !strcasecmp(t, "search");
            if (f->c && !f->in_form && text) sr_loose_input(f, n);
            if (!strcasecmp(t, "submit") || !strcasecmp(t, "image")) f->submit = true;
            if (!strcasecmp(t, "password")) f->password = true;
            else if (name && *name && !strcasecmp(t, "hidden"))
                sr_pair(&f->hidden, (const char *)name, value ? (const char *)value : "");
            else if (name && *name && !f->query && text)
                f->query = strdup((const char *)name);
            xmlFree(type), xmlFree(name), xmlFree(value);
        }
        sr_walk(n->children, f);
    }
}

/* Whether the form at pg->forms[i] is a search form; fills its fields. */
static bool sr_read_form(check_ctx *c, const page *pg, size_t i, sr_fields *f) {
    const page_form *form = &pg->forms[i];
    if (form->has_textarea || form->offset >= pg->html_len) return false;
    const char *start = pg->html + form->offset;
    size_t len = pg->html_len - form->offset;
    if (len > SR_FORM_BYTES) len = SR_FORM_BYTES;
    for (size_t k = 0; k + 6 < len; k++)
        if (start[k] == '<' && start[k + 1] == '/' && !strncasecmp(start + k + 2, "form", 4)) {
            len = k + 7;
            break;
        }
    char *frag = malloc(len + 1);
    if (!frag) return false;
    for (size_t k = 0; k < len; k++) frag[k] = (char)tolower((unsigned char)start[k]);
    frag[len] = '\0';
    bool named = check_pattern_in(c, SR "form_patterns", frag) != NULL;
    if (named) {
        /* Names keep their case: parse the original bytes. */
        htmlDocPtr doc = htmlReadMemory(start, (int)len, pg->url, "UTF-8",
                                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                            HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
        if (doc) {
            sr_walk(xmlDocGetRootElement(doc), f);
            xmlFreeDoc(doc);
        }
    }
    free(frag);
    return named && f->query && !f->textarea && !f->password;
}

static size_t sr_chars(const char *s) {
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void sr_titles(check_ctx *c, sr_state *st, const page *pg) {
    size_t want = (size_t)rules_number(check_rules(c), SR "queries");
    size_t min = (size_t)rules_number(check_rules(c), SR "title_min_chars");
    if (want > SR_MAX_TITLES) want = SR_MAX_TITLES;
    for (size_t i = 0; i < pg->nitems && st->nq < want; i++) {
        const page_item *it = &pg->items[i];
        if (!it->url || !it->title || sr_chars(it->title) < min || strstr(it->title, "...") ||
            strstr(it->title, "…") || !url_in_scope(st->scope, it->url))
            continue;
        bool dup = false;
        for (size_t k = 0; k < st->nq && !dup; k++)
            dup = !strcmp(st->q[k].title, it->title) || !strcmp(st->q[k].article, it->url);
        if (dup) continue;
        st->q[st->nq].title = strdup(it->title);
        st->q[st->nq].article = strdup(it->url);
        if (st->q[st->nq].title && st->q[st->nq].article) st->nq++;
    }
}

/* A homepage without a search form may still search by script (an input
 * outside any form, as on www.gov.cn): the whole page is read once more for
 * a search-named text field. */
static bool sr_loose_search(const check_ctx *c, const page *pg) {
    if (pg->html_len > (size_t)1 << 24) return false;
    htmlDocPtr doc = htmlReadMemory(pg->html, (int)pg->html_len, pg->url, "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!doc) return false;
    sr_fields f = {.c = c};
    sr_walk(xmlDocGetRootElement(doc), &f);
    xmlFreeDoc(doc);
    free(f.query);
    sbuf_free(&f.hidden);
    return f.loose;
}

static void sr_page(check_ctx *c, void *state, const crawl_page *p) {
    sr_state *st = state;
    const page *pg = p->model;
    if (!st || !st->scope || !pg) return;
    for (size_t i = 0; i < pg->nforms && !st->have_form; i++) {
        sr_fields f = {0};
        /* No action and nothing to submit it: a script runs this search. */
        bool search = sr_read_form(c, pg, i, &f);
        if (search && !*pg->forms[i].action && !f.submit) {
            if (!st->script_page) st->script_page = strdup(pg->url);
        } else if (search) {
            st->have_form = true;
            st->form_page = strdup(pg->url);
            st->action = strdup(*pg->forms[i].action ? pg->forms[i].action : pg->url);
            st->method = strdup(pg->forms[i].method);
            st->field = f.query;
            f.query = NULL;
            st->hidden = f.hidden;
            f.hidden = (sbuf){0};
        }
        free(f.query);
        sbuf_free(&f.hidden);
    }
    if (p->depth == 0 && !st->have_form && !st->script_page && sr_loose_search(c, pg))
        st->script_page = strdup(pg->url);
    sr_titles(c, st, pg);
}

static void sr_done(check_ctx *c, void *state, void *ud, const fetch_result *res) {
    (void)c;
    sr_state *st = state;
    sr_query *q = &st->q[(size_t)(uintptr_t)ud];
    q->answered = true;
    q->status = res->status;
    q->results = strdup(res->final_url ? res->final_url : "");
    if (res->error != FETCH_OK && res->error != FETCH_ERR_TOO_LARGE) {
        q->error = strdup(res->error_text);
        return;
    }
    if (res->status >= 400) return;
    page *pg = check_parse(res);
    for (size_t i = 0; pg && i < pg->nlinks && !q->found; i++) {
        const page_link *l = &pg->links[i];
        if (strcmp(l->tag, "a") != 0) continue;
        q->found =
            (l->url && !strcmp(l->url, q->article)) || (l->text && strstr(l->text, q->title));
    }
    page_free(pg);
}

static void sr_site_end(check_ctx *c, void *state, const crawl_site_result *r) {
    sr_state *st = state;
    if (!st) return;
    st->judge = r->complete && r->pages > 0;
    /* An interrupted crawl should end soon: nothing more is fetched. */
    if (!st->judge || !st->have_form || !st->action || !st->field) return;
    bool post = st->method && !strcmp(st->method, "post");
    for (size_t i = 0; i < st->nq; i++) {
        sbuf body = {0};
        if (st->hidden.len) sbuf_puts(&body, sbuf_str(&st->hidden));
        sr_pair(&body, st->field, st->q[i].title);
        sbuf req = {0};
        sbuf_puts(&req, st->action);
        if (!post) {
            char *hash = strchr(req.data, '#');
            if (hash) req.len = (size_t)(hash - req.data), *hash = '\0';
            sbuf_putc(&req, strchr(sbuf_str(&req), '?') ? '&' : '?');
            sbuf_puts(&req, sbuf_str(&body));
        }
        st->q[i].request = sbuf_detach(&req);
        st->q[i].post = post ? sbuf_detach(&body) : NULL;
        sbuf_free(&body);
        if (st->q[i].request &&
            !check_fetch(c, st->q[i].request, st->q[i].post, sr_done, (void *)(uintptr_t)i))
            st->q[i].error = strdup(L("not fetched", "未能请求"));
    }
}

static void sr_fetched(check_ctx *c, void *state) {
    sr_state *st = state;
    if (!st || !st->judge) return;
    const char *home = check_site(c)->url;
    json_t *queries = json_array();
    size_t found = 0;
    for (size_t i = 0; i < st->nq && st->have_form; i++) {
        sr_query *q = &st->q[i];
        found += q->found;
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:b}", "title", q->title, "article",
                              q->article, "request", q->request ? q->request : "", "results",
                              q->results ? q->results : "", "http_status", (json_int_t)q->status,
                              "error", q->error ? q->error : "", "found", q->found);
        if (q->post) json_object_set_new(o, "post_body", json_string(q->post));
        json_array_append_new(queries, o);
    }
    if (st->have_form && (found || st->nq == 0)) {
        json_decref(queries);
        return;
    }
    if (!st->have_form && st->script_page) {
        json_decref(queries);
        check_finding f = {.kind = "search.script",
                           .subject = "search",
                           .url = st->script_page,
                           .source_url = st->script_page,
                           .evidence = json_pack("{s:s, s:s}", "reason", "script_only", "page",
                                                 st->script_page),
                           .summary = L("site search runs by script only: try it by hand",
                                        "站内搜索仅由脚本驱动，需人工核实")};
        check_record(c, &f);
        return;
    }
    json_t *ev = json_pack("{s:s, s:o}", "reason", st->have_form ? "not_found" : "no_form",
                           "queries", queries);
    if (st->have_form)
        json_object_set_new(ev, "form",
                            json_pack("{s:s, s:s, s:s, s:s}", "page", st->form_page, "action",
                                      st->action, "method", st->method ? st->method : "get",
                                      "field", st->field));
    char summary[256];
    if (st->have_form)
        snprintf(summary, sizeof summary,
                 L("site search found none of %zu known article titles",
                   "站内搜索未能检索到 %zu 篇已知文章标题中的任何一篇"),
                 st->nq);
    else
        snprintf(summary, sizeof summary, "%s", L("no site search", "未提供站内搜索"));
    const char *at =
        st->have_form && st->nq && st->q[0].results && *st->q[0].results ? st->q[0].results : home;
    check_finding f = {.kind = "search.broken",
                       .subject = "search",
                       .url = at,
                       .source_url = st->have_form ? st->form_page : home,
                       .evidence = ev,
                       .summary = summary};
    check_record(c, &f);
}

static const char *const sr_kinds[] = {"search.", NULL};

const check_module check_search = {.name = "search",
                                   .kind_prefixes = sr_kinds,
                                   .site_begin = sr_begin,
                                   .on_page = sr_page,
                                   .site_end = sr_site_end,
                                   .site_free = sr_free,
                                   .fetched = sr_fetched};
