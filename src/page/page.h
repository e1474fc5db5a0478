/* page — one HTML page, decoded and parsed once into what every check reads.
 *
 * The crawler fetches a page, page_decode() turns its bytes into UTF-8
 * (HTTP charset, BOM, <meta charset>/http-equiv, then detection when those
 * are missing or wrong; GB2312 and GBK as GB18030), and page_parse() builds
 * the model below in a single pass of libxml2's HTML parser (after a scan
 * for the page's <style> blocks). No check parses HTML again: a check that
 * needs something the model lacks extends the model.
 *
 * Everything in a page is owned by the page (its strings by one arena):
 * page_free() releases it all, and pointers into the model are valid until
 * then.
 *
 * Visibility: an element is hidden when it or an ancestor is hidden by its
 * inline style or by a rule of the page's own <style> blocks that matches it
 * by tag, #id or .class (simple selectors and descendant combinations of
 * them; enough for the way 暗链 are hidden in practice): display:none,
 * visibility:hidden, zero width or height with overflow hidden, off-screen
 * positioning (a negative left/top/margin-left or a text-indent of -999px or
 * beyond), font-size 0; or by the `hidden` attribute. hidden_by is the reason
 * ("display:none", "visibility:hidden", "font-size:0", "zero size,
 * overflow:hidden", "off-screen (left)", "(top)", "(text-indent)",
 * "(margin)", "hidden attribute"), inherited from the ancestor that hides.
 * A <style> applies to the whole page wherever it stands (a block at the end
 * of the body hides links before it); comments, @media/@supports blocks and
 * <style media="print"> are skipped. There is no cascade: a matching hiding
 * rule hides even if another rule would undo it, except that font-size:0 and
 * visibility:hidden, which CSS inherits but lets descendants set back, end
 * where a descendant sets a font-size or visibility:visible (inline or by a
 * rule). Links written by an inline script (document.write, innerHTML: href
 * of a, area and link, src of script, img, iframe, frame, embed and source,
 * also percent-escaped for unescape() as in the conac.cn badge) are extracted
 * from the script text and marked hidden with the reason "script"; a URL the
 * script assembles ("<a href='" + u + "'>") is skipped. Markup inside
 * elements a browser reads as raw text (title, textarea, iframe, noembed,
 * noframes, xmp) gives no links.
 *
 * Text: the visible text of block elements (p, div, li, td, h1 ...; text
 * outside any block belongs to "body"), not that of hidden elements, script,
 * style, title, select, textarea, noscript, template, object or iframe.
 * Script and style text ends where a browser ends it ("</script" inside a
 * JavaScript string does not end it), so no script leaks into the text.
 * White space (ASCII, U+00A0, U+3000) is collapsed to one space and trimmed,
 * in texts, titles, anchor texts and meta contents alike.
 *
 * Offsets are byte offsets into page->html, from which page_line_col() gives
 * 1-based line and character column: for an element (link, meta, form,
 * item), the '<' of its start tag; for a link written by a script, its
 * attribute in the script; for a text block, its first visible character.
 *
 * Limits: inputs over 32 MiB are refused; at most 100,000 links (texts,
 * metas, forms, items) are kept, the rest dropped; elements nested deeper
 * than 1024 levels still give their links, metas and form fields and hide
 * what they hold, but no anchor text, text blocks or items of their own.
 */
#ifndef GI_PAGE_PAGE_H
#define GI_PAGE_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/url.h"

typedef struct page_meta {
    const char *name;     /* as written (case kept: tags.case needs it) */
    const char *content;  /* white space collapsed and trimmed; "" when empty or absent */
    size_t offset;
} page_meta;

typedef struct page_link {
    const char *tag;      /* "a" "area" "img" "script" "link" "iframe" "frame" "form" "embed" "source" */
    const char *attr;     /* "href" "src" "action" ... */
    const char *raw;      /* as written */
    const char *url;      /* resolved and normalised (URL_HTTP), as written (URL_OTHER), NULL (URL_INVALID) */
    url_kind kind;
    const char *text;     /* anchor text (a; an img's alt when it has none; its title when it
                             has none or it is cut off "..." "…"), alt (img, area) */
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
    const char *action;   /* resolved (as written for javascript: ...), "" when absent */
    const char *method;   /* lower case, "get" by default */
    int inputs;           /* input/select elements that are not hidden or submit */
    bool has_textarea;
    bool has_submit;
    size_t offset;
} page_form;

/* A list item that carries a date: an li, tr, dd or dt holding a link and,
 * in its own text (outside links and nested items), a date: 2020-08-10,
 * 2020/8/10, 2020.8.10, 2020年8月10日 or 08-10. */
typedef struct page_item {
    const char *title;    /* the link's text (or title attribute when cut "...") */
    const char *url;      /* the link, resolved */
    const char *date_text;/* the date as written, with brackets around it if any:
                             "2020-08-10", "[08-10]", "2020年8月10日" */
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
 * normalised URL. The page keeps its own copy of the text, in which NUL bytes
 * are spaces and bytes that are not UTF-8 are '?' (so offsets do not move).
 * Never fails on malformed HTML; fails only on out-of-memory (ERR_NOMEM) or
 * input over the cap (ERR_INPUT). */
page *page_parse(const char *html, size_t html_len, const char *url, const char *charset, err *e);
/* The same for page_decode()'s result, whose text is valid UTF-8 by
 * construction: the validation pass is skipped. */
page *page_parse_decoded(const textenc_result *text, const char *url, err *e);
/* The same, with no copy of the text: the page takes text->text over (it
 * is NULL afterwards, whether the parse succeeds or not; free the result
 * as usual). */
page *page_parse_taking(textenc_result *text, const char *url, err *e);
void page_free(page *p);

/* 1-based line and column (in characters) of a byte offset in page->html. */
void page_line_col(const page *p, size_t offset, int *line, int *col);

/* The value of a meta tag by name, case-insensitively; when several
 * spellings exist the exact-case one wins. NULL when absent. */
const page_meta *page_meta_get(const page *p, const char *name);

/* libxml2 (2.9) compares each attribute of a start tag with every earlier
 * one of the tag, so a hostile tag of 100,000 attributes holds a parser for
 * minutes. page_limit_attributes blanks with spaces (offsets hold) the
 * attributes past the PAGE_MAX_ATTRS-th of each start tag of HTML or XML
 * text — except the first of each name the page model reads (style, class,
 * id, hidden, href, src ...), so that junk cannot hide a
 * style="display:none". page_parse does it on its own copy; other readers
 * that hand markup to libxml2 (feeds) test with page_attributes_over_cap
 * and blank a copy when it says so. */
#define PAGE_MAX_ATTRS 256
bool page_attributes_over_cap(const char *markup, size_t len);
void page_limit_attributes(char *markup, size_t len);

#endif
