/* content: typos, serious wording and harmful words in visible text (content.h). */
#include "checks/content.h"

#include "core/date.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/strmap.h"
#include "page/page.h"
#include "text/text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define CONTENT_PAGES_KEPT 20 /* evidence pages per finding; the total is counted */
#define CONTENT_CONTEXT_CHARS 20

static const char *const content_kinds[] = {"text.", NULL};

/* One engine per process: loading the dictionary costs tens of
 * milliseconds and megabytes, and the engine is immutable, so every site and
 * thread shares it. It lives until exit. */
static text_engine *content_engine;
static pthread_once_t content_once = PTHREAD_ONCE_INIT;

static void content_load(void) {
    err e = {0};
    content_engine = text_engine_load_for_inspections(&e);
    if (!content_engine) log_warn("content check off: %s", e.msg);
}

typedef struct content_hit {
    const char *kind;
    char *match, *suggestion, *label;
    bool statistical;
    double score;
    bool home;
    char *url;      /* the first page */
    json_t *pages;  /* the first CONTENT_PAGES_KEPT pages */
    long count;     /* every occurrence */
} content_hit;

typedef struct content_state {
    strmap *hits;   /* kind \t match -> content_hit */
    content_hit **order;
    size_t n, cap;
    text_whitelist *wl;
    bool off;
} content_state;

static void content_hit_free(void *v) {
    content_hit *h = v;
    if (!h) return;
    free(h->match);
    free(h->suggestion);
    free(h->label);
    free(h->url);
    json_decref(h->pages);
    free(h);
}

static void *content_site_begin(check_ctx *c, const site_rec *site) {
    (void)c;
    pthread_once(&content_once, content_load);
    content_state *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->hits = strmap_new();
    st->off = !content_engine || !st->hits;
    err e = {0};
    st->wl = text_whitelist_for_site(site ? site->code : NULL, &e);
    if (!st->wl && e.cls != ERR_NONE) log_warn("%s", e.msg);
    return st;
}

static bool day_of(const char *s, int *y, int *m, int *d) {
    if (!s || strlen(s) < 10) return false;
    char day[11];
    memcpy(day, s, 10);
    day[10] = '\0';
    return date_parse_ymd(day, y, m, d);
}

/* The page's date for the reform rule (see content.h), 0 when unknown. */
static void page_date(const page *pg, int *y, int *m, int *d) {
    *y = *m = *d = 0;
    const page_meta *pm = page_meta_get(pg, "PubDate");
    bool day_known;
    if (pm && day_of(pm->content, y, m, d)) return;
    if (date_from_url(pg->url, y, m, d, &day_known)) return;
    *y = *m = *d = 0;
    int64_t best = 0;
    for (size_t i = 0; i < pg->nitems; i++) {
        const page_item *it = &pg->items[i];
        if (!it->year || !date_valid(it->year, it->month, it->day)) continue;
        int64_t v = date_days_from_civil(it->year, it->month, it->day);
        if (v > best) {
            best = v;
            *y = it->year, *m = it->month, *d = it->day;
        }
    }
}

typedef struct content_scan {
    content_state *st;
    const crawl_page *p;
    const page_text *block;
    size_t block_len;
    text_srcmap map;
} content_scan;

static bool content_on_match(const text_match *m, void *ud) {
    content_scan *cs = ud;
    content_state *st = cs->st;
    const char *kind = m->category == TEXT_TYPO ? "text.typo"
                       : m->category == TEXT_WORDING ? "text.wording" : "text.harmful";
    sbuf key = SBUF_INIT;
    sbuf_printf(&key, "%s\t%s", kind, m->text);
    content_hit *h = strmap_get(st->hits, sbuf_str(&key));
    if (!h) {
        h = calloc(1, sizeof *h);
        content_hit **no = st->n == st->cap ? realloc(st->order, (st->cap ? st->cap * 2 : 16) * sizeof *no)
                                            : st->order;
        if (!h || !no) {
            free(h);
            sbuf_free(&key);
            return true;
        }
        if (st->n == st->cap) st->cap = st->cap ? st->cap * 2 : 16;
        st->order = no;
        h->kind = kind;
        h->match = strdup(m->text);
        h->suggestion = strdup(m->suggestion);
        h->label = strdup(m->label);
        h->statistical = m->statistical;
        h->score = m->score;
        h->url = strdup(cs->p->model->url);
        h->pages = json_array();
        if (!h->match || !h->suggestion || !h->label || !h->url || !h->pages ||
            !strmap_put(st->hits, sbuf_str(&key), h, NULL)) {
            content_hit_free(h);
            sbuf_free(&key);
            return true;
        }
        st->order[st->n++] = h;
    }
    sbuf_free(&key);
    h->count++;
    if (cs->p->depth == 0) h->home = true;
    if (json_array_size(h->pages) < CONTENT_PAGES_KEPT) {
        const page *pg = cs->p->model;
        size_t off = text_srcmap_offset(&cs->map, m->start, m->end);
        int line, col;
        page_line_col(pg, off, &line, &col);
        char *ctx = text_context(cs->block->text, cs->block_len, m->start, m->end,
                                 CONTENT_CONTEXT_CHARS);
        json_array_append_new(h->pages, json_pack("{s:s, s:s, s:i, s:i, s:s}", "url", pg->url,
                                                  "block", cs->block->tag ? cs->block->tag : "",
                                                  "line", line, "column", col, "context",
                                                  ctx ? ctx : ""));
        free(ctx);
    }
    return true;
}

/* A list item whose title holds the text dates it (an old article's title on
 * a list page is as old as the article). */
static bool item_date_for(const page *pg, const char *block, int *y, int *m, int *d) {
    for (size_t i = 0; i < pg->nitems; i++) {
        const page_item *it = &pg->items[i];
        if (it->year && it->title && *it->title && strstr(block, it->title) &&
            date_valid(it->year, it->month, it->day)) {
            *y = it->year, *m = it->month, *d = it->day;
            return true;
        }
    }
    return false;
}

static void content_on_page(check_ctx *c, void *state, const crawl_page *p) {
    (void)c;
    content_state *st = state;
    if (!st || st->off || !p->model) return;
    const page *pg = p->model;
    text_scan_opts so = {.whitelist = st->wl,
                         .statistical = text_engine_stat_in_inspections(content_engine)};
    page_date(pg, &so.pub_year, &so.pub_month, &so.pub_day);
    bool from_items = !page_meta_get(pg, "PubDate") && pg->nitems > 0;
    /* The title is read too (a typo in it is as public as one in the body),
     * as a block of its own. */
    page_text title = {pg->title, text_title_offset(pg->html, pg->html_len), "title"};
    for (size_t i = pg->title && *pg->title ? 0 : 1; i <= pg->ntexts; i++) {
        const page_text *b = i == 0 ? &title : &pg->texts[i - 1];
        content_scan cs = {st, p, b, strlen(b->text), {0}};
        text_srcmap_init(&cs.map, pg->html, pg->html_len, b->text, b->offset);
        text_scan_opts bo = so;
        /* A block that is a dated list item's title carries that item's date. */
        if (from_items) item_date_for(pg, b->text, &bo.pub_year, &bo.pub_month, &bo.pub_day);
        text_scan(content_engine, b->text, cs.block_len, &bo, content_on_match, &cs);
    }
}

static void content_site_end(check_ctx *c, void *state, const crawl_site_result *r) {
    (void)r;
    content_state *st = state;
    if (!st || st->off) return;
    for (size_t i = 0; i < st->n; i++) {
        content_hit *h = st->order[i];
        sbuf summary = SBUF_INIT;
        if (*h->suggestion)
            sbuf_printf(&summary, "“%s”应为“%s”（%ld 处）", h->match, h->suggestion, h->count);
        else
            sbuf_printf(&summary, "“%s”%s%s%s（%ld 处）", h->match, *h->label ? "（" : "", h->label,
                        *h->label ? "）" : "", h->count);
        json_t *ev = json_pack("{s:s, s:s, s:s, s:b, s:i, s:O}", "match", h->match, "suggestion",
                               h->suggestion, "label", h->label, "statistical", h->statistical,
                               "count", (json_int_t)h->count, "pages", h->pages);
        if (ev && h->statistical) json_object_set_new(ev, "score", json_real(h->score));
        check_finding f = {.kind = h->kind,
                           .subject = h->match,
                           .url = h->url,
                           .source_url = h->url,
                           .evidence = ev,
                           .summary = sbuf_str(&summary),
                           .home = h->home};
        check_record(c, &f);
        sbuf_free(&summary);
    }
}

static void content_site_free(void *state) {
    content_state *st = state;
    if (!st) return;
    strmap_free(st->hits, content_hit_free);
    free(st->order);
    text_whitelist_free(st->wl);
    free(st);
}

const check_module check_content = {
    .name = "content",
    .kind_prefixes = content_kinds,
    .site_begin = content_site_begin,
    .on_page = content_on_page,
    .on_link = NULL,
    .site_end = content_site_end,
    .site_free = content_site_free,
};
