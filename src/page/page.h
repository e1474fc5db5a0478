/* page — one HTML page, decoded and parsed once into what every check reads.
 *
 * The crawler fetches a page, page_decode() turns its bytes into UTF-8
 * (HTTP charset, BOM, <meta charset>/http-equiv, then detection when those
 * are missing or wrong; GB2312 and GBK as GB18030), and page_parse() builds
 * the model below in a single pass over the parse tree. No check parses HTML
 * again: a check that needs something the model lacks extends the model.
 *
 * Everything in a page lives in one arena owned by the page: page_free()
 * releases it all, and pointers into the model are valid until then.
 *
 * Visibility: an element is hidden when it or an ancestor is hidden by its
 * inline style or by a rule of the page's own <style> blocks that matches it
 * by tag, #id or .class (simple selectors and descendant combinations of
 * them; enough for the way 暗链 are hidden in practice): display:none,
 * visibility:hidden, zero width or height with overflow hidden, off-screen
 * positioning (a negative left/top beyond -999px, text-indent below -999px),
 * font-size 0; or by the `hidden` attribute. The first reason found is kept
 * as evidence. Links written by an inline script (document.write) are
 * extracted from the script text and marked hidden with that reason.
 *
 * Offsets are byte offsets into the decoded UTF-8 text (page->html), from
 * which page_line_col() gives 1-based line and character column.
 */
#ifndef GI_PAGE_PAGE_H
#define GI_PAGE_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/url.h"

typedef struct page_meta {
    const char *name;     /* as written (case kept: tags.case needs it) */
    const char *content;  /* trimmed */
    size_t offset;
} page_meta;

typedef struct page_link {
    const char *tag;      /* "a" "area" "img" "script" "link" "iframe" "frame" "form" "embed" "source" */
    const char *attr;     /* "href" "src" "action" ... */
    const char *raw;      /* as written */
    const char *url;      /* resolved and normalised (URL_HTTP), as written (URL_OTHER), NULL (URL_INVALID) */
    url_kind kind;
    const char *text;     /* anchor text (a), alt (img, area), title; white space collapsed */
    const char *rel;      /* link rel, "" otherwise */
    bool visible;
    const char *hidden_by;/* "display:none" ... ; NULL when visible */
    size_t offset;
} page_link;

typedef struct page_text {
    const char *text;     /* visible text of one block element, white space collapsed */
    size_t offset;        /* where the block's first text starts */
    const char *tag;      /* the block element: "p" "li" "td" "div" "h1" ... */
} page_text;

typedef struct page_form {
    const char *action;   /* resolved, or "" */
    const char *method;   /* lower case, "get" by default */
    int inputs;           /* input/select elements that are not hidden or submit */
    bool has_textarea;
    bool has_submit;
    size_t offset;
} page_form;

/* A list item that carries a date: an li, tr or dd (or a repeated sibling
 * block) holding a link and a date in its own text. */
typedef struct page_item {
    const char *title;    /* the link's text (or title attribute when cut "...") */
    const char *url;      /* the link, resolved */
    const char *date_text;/* the date as written: "2020-08-10", "[08-10]", "2020年8月10日" */
    int year, month, day; /* year 0 when the text had none (resolved by the caller, spec §0) */
    size_t offset;
} page_item;

typedef struct page {
    const char *url;      /* the URL it was fetched from (final, normalised) */
    const char *base;     /* <base href> resolved, else url */
    const char *html;     /* the decoded UTF-8 text */
    size_t html_len;
    const char *charset;  /* what it was decoded from */
    const char *title;
    page_meta *metas; size_t nmetas;
    page_link *links; size_t nlinks;
    page_text *texts; size_t ntexts;
    page_form *forms; size_t nforms;
    page_item *items; size_t nitems;
    struct page_arena *arena;
} page;

/* Bytes to UTF-8 (textenc), choosing the declared charset from the HTTP
 * header or, when absent, from a <meta> in the first 1024 bytes. The result
 * is owned by the caller (textenc_result_free). */
#include "core/textenc.h"
bool page_decode(const char *body, size_t len, const char *header_charset, textenc_result *out,
                 err *e);

/* Parses decoded UTF-8 (NUL-terminated, html_len bytes); `url` is the page's
 * normalised URL. The page keeps its own copy of the text. Never fails on
 * malformed HTML; fails only on out-of-memory or input over the cap. */
page *page_parse(const char *html, size_t html_len, const char *url, const char *charset, err *e);
void page_free(page *p);

/* 1-based line and column (in characters) of a byte offset in page->html. */
void page_line_col(const page *p, size_t offset, int *line, int *col);

/* The value of a meta tag by name, case-insensitively; when several
 * spellings exist the exact-case one wins. NULL when absent. */
const page_meta *page_meta_get(const page *p, const char *name);

#endif
