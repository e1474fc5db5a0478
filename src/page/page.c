#define _GNU_SOURCE /* memmem */
/* page.c — the page model, built by one pass of libxml2's HTML SAX parser.
 *
 * Why SAX and not a tree: the model needs one walk, and libxml2's SAX
 * interface costs a fraction of building and freeing a tree (see
 * docs/html-parser.md for the measurements). Without a tree, libxml2 2.9.14
 * has none of its tree limits either (depth 256, 10 MB text nodes): those
 * live in the tree builder (SAX2.c), which we do not use. We keep our own
 * stack of open elements, which gives every element its ancestors for
 * visibility and for the descendant selectors of <style>.
 *
 * What libxml2 2.9.14 does that this file relies on (checked in its source,
 * HTMLparser.c, and by tests/unit/test_page.c):
 *  - element and attribute names arrive lower-cased, from the parser's
 *    dictionary, which is freed with the parser context: names we keep are
 *    interned here (ps_intern);
 *  - <script> and <style> content arrives through cdataBlock (through
 *    characters only when cdataBlock is NULL), in chunks of up to 1000
 *    bytes; it ends at the first "</script" (or "</style") whatever follows,
 *    where a browser ends it only at "</script" followed by white space, "/"
 *    or ">", and not inside "<!-- <script> ... -->" (raw_text_end): we read
 *    script text from page->html, up to where a browser ends it, and ignore
 *    what libxml2 made of the rest (ps_raw_done);
 *  - <title>, <textarea>, <iframe> content is parsed as markup;
 *  - the input cursor: at startElement it is on the '>' (or "/>") of the
 *    start tag, or wherever the parser was when it implied the element
 *    (html, head, body, p: in the tag or text that implied it); at
 *    endElement just after the end tag's '>', or
 *    on the '<' of the start tag that closes the element implicitly; at
 *    characters just after the characters (an entity is delivered on its
 *    own, with the cursor after its ';');
 *  - the cursor's offset is input->consumed + (cur - base): the parser
 *    drops consumed input from its buffer ("shrinks") near the end of the
 *    document, after which cur - base alone is no longer an offset;
 *  - on bytes that are not UTF-8 it switches the rest of the input to
 *    ISO-8859-1, re-encoding its buffer (so offsets stop matching); we give
 *    it only valid UTF-8. A NUL byte inside a tag ends the parse (and drops
 *    that element without an endElement): NULs become spaces.
 *
 * <style> blocks are read before parsing (ps_collect_styles), so that their
 * rules apply to the elements before them too, as in a browser.
 *
 * Offsets are byte offsets into page->html, our copy of the input. The parser
 * reads a copy of that (no encoding conversion), so its cursor offset is an
 * offset into page->html.
 */
#include "page/page.h"

#include "core/lang.h"
#include "core/sbuf.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Larger inputs are refused: the fetcher caps bodies well below this. */
#define PAGE_MAX_BYTES ((size_t)32 << 20)
/* Elements nested deeper than this are read as children of the deepest one
 * tracked: their links, metas and form fields still count. */
#define PAGE_MAX_DEPTH 1024
#define PAGE_MAX_ITEMS 100000 /* links, texts ... each: a hostile page cannot eat memory */
#define PAGE_MAX_RULES 256    /* hiding rules of <style> */
#define PAGE_MAX_SHOW_RULES 2048 /* rules that set a font-size or visibility back */
/* Ancestor steps spent matching descendant selectors, per page. Past it only
 * the element's own compound is matched: bounded time on hostile pages. */
#define PAGE_MATCH_BUDGET 20000000L
#define PAGE_LINK_TEXT_MAX 4096

/* ---- arena ---------------------------------------------------------------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
} arena_block;

struct page_arena {
    arena_block *head;
    char *html; /* the text, when the page took it over (page_parse_taking) */
};

static void *arena_alloc(struct page_arena *a, size_t n) {
    n = (n + 7) & ~(size_t)7;
    if (!a->head || a->head->used + n > a->head->cap) {
        size_t cap = n > 16384 ? n : 16384;
        arena_block *b = malloc(sizeof *b + cap);
        if (!b) return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    return p;
}

static const char *arena_strndup(struct page_arena *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static const char *arena_strdup(struct page_arena *a, const char *s) {
    return arena_strndup(a, s ? s : "", s ? strlen(s) : 0);
}

static void arena_free(struct page_arena *a) {
    if (!a) return;
    free(a->html);
    for (arena_block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

/* Growable arrays of the model, doubling; false when full or out of memory. */
static bool page_grow(void **items, size_t *n, size_t *cap, size_t size, bool *oom) {
    if (*n < *cap) return true;
    if (*n >= PAGE_MAX_ITEMS) return false;
    size_t c = *cap ? *cap * 2 : 16;
    if (c > PAGE_MAX_ITEMS) c = PAGE_MAX_ITEMS;
    void *p = realloc(*items, c * size);
    if (!p) {
        *oom = true;
        return false;
    }
    *items = p;
    *cap = c;
    return true;
}

/* ---- white space ---------------------------------------------------------------- */

/* Length of the white space character at s (ASCII white space, NBSP U+00A0,
 * ideographic space U+3000), 0 when s is not on one. */
static size_t ws_len(const char *s, const char *end) {
    unsigned char c = (unsigned char)*s;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
    if (c == 0xC2 && end - s >= 2 && (unsigned char)s[1] == 0xA0) return 2;
    if (c == 0xE3 && end - s >= 3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
        return 3;
    return 0;
}

/* The first of the eight bytes at p (in memory order) that may start white
 * space (ws_len): <= ' ', 0xC2 or 0xE3; 8 when none is. The usual word
 * tests ("has a byte less than n", "has a zero byte") flag wrongly only
 * above a byte they flag rightly, so the lowest flag is exact. */
static size_t ws_candidate8(const char *p) {
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t w;
    memcpy(&w, p, 8);
    uint64_t c2 = w ^ (ones * 0xC2), e3 = w ^ (ones * 0xE3);
    uint64_t m = ((w - ones * 0x21) & ~w & highs) | ((c2 - ones) & ~c2 & highs) |
                 ((e3 - ones) & ~e3 & highs);
    if (!m) return 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (size_t)__builtin_ctzll(m) / 8;
#else
    return 0; /* the byte loop finds it */
#endif
}

/* Appends text with runs of white space collapsed to one ASCII space; none
 * is written before the first other character (*started). */
static void append_collapsed(sbuf *b, const char *s, size_t n, bool *started) {
    const char *end = s + n;
    for (const char *p = s; p < end;) {
        /* a run of other characters, appended at once; skipped eight bytes
         * a step up to a byte that may start white space (all text of a
         * page passes here) */
        const char *run = p;
        while (p < end) {
            if (end - p >= 8) {
                size_t k = ws_candidate8(p);
                p += k;
                if (k == 8) continue;
            }
            unsigned char c = (unsigned char)*p;
            if ((c > ' ' && c != 0xC2 && c != 0xE3) || !ws_len(p, end)) p++;
            else break;
        }
        if (p > run) {
            *started = true;
            sbuf_append(b, run, (size_t)(p - run));
        }
        if (p == end) break;
        /* a run of white space: one space at most */
        for (size_t w; p < end && (w = ws_len(p, end));) p += w;
        if (*started && b->len && b->data[b->len - 1] != ' ') sbuf_putc(b, ' ');
    }
}

/* Collapsed and trimmed copy in the arena. */
static const char *arena_collapsed(struct page_arena *a, const char *s, size_t n) {
    sbuf tmp = SBUF_INIT;
    bool started = false;
    append_collapsed(&tmp, s, n, &started);
    while (tmp.len && tmp.data[tmp.len - 1] == ' ') tmp.data[--tmp.len] = '\0';
    const char *r = tmp.oom ? NULL : arena_strndup(a, sbuf_str(&tmp), tmp.len);
    sbuf_free(&tmp);
    return r;
}

/* ---- CSS: just enough to see what a page hides ------------------------------ */

typedef struct css_compound {
    char tag[32];   /* "" any */
    char id[64];    /* "" any */
    char cls[64];   /* "" any (one class) */
} css_compound;

/* What declarations do to visibility. display:none and the like hide an
 * element and all it holds; font-size:0 and visibility:hidden are inherited,
 * but a descendant may set them back (the "font-size:0 on the list, 14px on
 * its items" way of removing the gaps between inline blocks). */
typedef struct css_effect {
    const char *hides;  /* the hiding declaration, e.g. "display:none"; NULL */
    signed char font;   /* 1 font-size zero, -1 another font-size, 0 not set */
    signed char vis;    /* 1 visibility:hidden, -1 visibility:visible, 0 not set */
} css_effect;

typedef struct css_rule {
    css_compound parts[4]; /* descendant chain, outermost first */
    int nparts;
    css_effect effect;
} css_rule;

typedef struct css_rules {
    css_rule *v;
    size_t n, cap, max;
} css_rules;

/* A value squashed (white space and "!important" dropped, lower case) into
 * out; long values are cut, which no test below minds. */
static void css_squash(const char *s, size_t n, char *out, size_t outsz) {
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < outsz; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '!') break;
        if (isspace(ch)) continue;
        out[j++] = (char)tolower(ch);
    }
    out[j] = '\0';
}

/* A length value that is zero ("0", "0px", "0pt", "0em", "0%", ".0"). */
static bool css_zero(const char *v) {
    if (!(*v == '0' || (v[0] == '.' && v[1] == '0'))) return false;
    while (*v == '0' || *v == '.') v++;
    return *v == '\0' || isalpha((unsigned char)*v) || *v == '%';
}

/* A length far off-screen: -999 (px, em, pt ...) or beyond. */
static bool css_far_negative(const char *v) {
    return v[0] == '-' && (isdigit((unsigned char)v[1]) || v[1] == '.') && atof(v + 1) >= 999;
}

enum { CSS_DISPLAY, CSS_VISIBILITY, CSS_FONT_SIZE, CSS_WIDTH, CSS_HEIGHT, CSS_OVERFLOW, CSS_LEFT,
       CSS_TOP, CSS_TEXT_INDENT, CSS_MARGIN_LEFT, CSS_NPROPS };

/* What a declaration block ("a: b; c: d") does to visibility. The last
 * declaration of a property wins, as in CSS. */
static css_effect css_declarations(const char *s, size_t n) {
    static const char *const props[CSS_NPROPS] = {
        "display", "visibility", "font-size", "width", "height", "overflow", "left", "top",
        "text-indent", "margin-left"};
    char val[CSS_NPROPS][32];
    bool set[CSS_NPROPS] = {false};
    css_effect eff = {NULL, 0, 0};
    const char *end = s + n;
    for (const char *d = s; d < end;) {
        const char *semi = memchr(d, ';', (size_t)(end - d));
        const char *dend = semi ? semi : end;
        const char *colon = memchr(d, ':', (size_t)(dend - d));
        if (colon) {
            const char *ps = d, *pe = colon;
            while (ps < pe && isspace((unsigned char)*ps)) ps++;
            while (pe > ps && isspace((unsigned char)pe[-1])) pe--;
            for (int i = 0; i < CSS_NPROPS; i++)
                if ((size_t)(pe - ps) == strlen(props[i]) &&
                    strncasecmp(ps, props[i], (size_t)(pe - ps)) == 0) {
                    css_squash(colon + 1, (size_t)(dend - colon - 1), val[i], sizeof val[i]);
                    set[i] = true;
                }
        }
        d = semi ? semi + 1 : end;
    }
    if (set[CSS_DISPLAY] && strcmp(val[CSS_DISPLAY], "none") == 0) eff.hides = "display:none";
    else if (set[CSS_OVERFLOW] && strcmp(val[CSS_OVERFLOW], "hidden") == 0 &&
             ((set[CSS_WIDTH] && css_zero(val[CSS_WIDTH])) || (set[CSS_HEIGHT] && css_zero(val[CSS_HEIGHT]))))
        eff.hides = "zero size, overflow:hidden";
    else if (set[CSS_LEFT] && css_far_negative(val[CSS_LEFT])) eff.hides = "off-screen (left)";
    else if (set[CSS_TOP] && css_far_negative(val[CSS_TOP])) eff.hides = "off-screen (top)";
    else if (set[CSS_TEXT_INDENT] && css_far_negative(val[CSS_TEXT_INDENT]))
        eff.hides = "off-screen (text-indent)";
    else if (set[CSS_MARGIN_LEFT] && css_far_negative(val[CSS_MARGIN_LEFT]))
        eff.hides = "off-screen (margin)";
    if (set[CSS_FONT_SIZE] && val[CSS_FONT_SIZE][0]) eff.font = css_zero(val[CSS_FONT_SIZE]) ? 1 : -1;
    if (set[CSS_VISIBILITY]) {
        if (strcmp(val[CSS_VISIBILITY], "hidden") == 0 || strcmp(val[CSS_VISIBILITY], "collapse") == 0)
            eff.vis = 1;
        else if (strcmp(val[CSS_VISIBILITY], "visible") == 0)
            eff.vis = -1;
    }
    return eff;
}

static bool css_parse_compound(const char *s, size_t n, css_compound *out) {
    memset(out, 0, sizeof *out);
    char *dst = out->tag;
    size_t cap = sizeof out->tag, len = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '#' || ch == '.') {
            dst = ch == '#' ? out->id : out->cls;
            cap = ch == '#' ? sizeof out->id : sizeof out->cls;
            len = 0;
            if (*dst) return false; /* two ids or classes: not for us */
            continue;
        }
        if (!(isalnum((unsigned char)ch) || ch == '-' || ch == '_' || ch == '*')) return false;
        if (len + 1 >= cap) return false; /* a cut name would match the wrong thing */
        dst[len++] = dst == out->tag ? (char)tolower((unsigned char)ch) : ch;
        dst[len] = '\0';
    }
    if (strcmp(out->tag, "*") == 0) out->tag[0] = '\0';
    return out->tag[0] || out->id[0] || out->cls[0];
}

/* Adds a rule for every selector of "sel1, sel2" that we understand. */
static bool css_add_selectors(css_rules *rules, const char *sel, size_t n, css_effect effect) {
    for (size_t s = 0; s < n;) {
        size_t e = s;
        while (e < n && sel[e] != ',') e++;
        css_rule rule = {.nparts = 0, .effect = effect};
        bool ok = true;
        for (size_t t = s; t < e && ok;) {
            while (t < e && isspace((unsigned char)sel[t])) t++;
            size_t start = t;
            while (t < e && !isspace((unsigned char)sel[t])) t++;
            if (t == start) break;
            if (rule.nparts == 4) ok = false;
            else ok = css_parse_compound(sel + start, t - start, &rule.parts[rule.nparts++]);
        }
        if (ok && rule.nparts > 0 && rules->n < rules->max) {
            if (rules->n == rules->cap) {
                size_t cap = rules->cap ? rules->cap * 2 : 16;
                css_rule *p = realloc(rules->v, cap * sizeof *p);
                if (!p) return false;
                rules->v = p;
                rules->cap = cap;
            }
            rules->v[rules->n++] = rule;
        }
        s = e + 1;
    }
    return true;
}

/* Reads a style sheet: comments dropped, at-rules (@media print, @font-face
 * ...) skipped whole, the rules that hide kept in `hide`, those that only set
 * a font-size or visibility back in `show`. */
static bool css_parse_sheet(css_rules *hide, css_rules *show, const char *in, size_t len) {
    char *css = malloc(len + 1);
    if (!css) return false;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        if (in[i] == '/' && i + 1 < len && in[i + 1] == '*') {
            const char *e = memmem(in + i + 2, len - i - 2, "*/", 2);
            i = e ? (size_t)(e - in) + 2 : len;
            css[n++] = ' ';
            continue;
        }
        css[n++] = in[i++];
    }
    css[n] = '\0';
    bool ok = true;
    for (size_t i = 0; i < n && ok;) {
        while (i < n && (isspace((unsigned char)css[i]) || css[i] == '}' || css[i] == ';')) i++;
        if (i >= n) break;
        if (css[i] == '@') {
            while (i < n && css[i] != ';' && css[i] != '{') i++;
            if (i < n && css[i] == '{') {
                int level = 0;
                for (; i < n; i++) {
                    if (css[i] == '{') level++;
                    else if (css[i] == '}' && --level == 0) break;
                }
            }
            i++;
            continue;
        }
        size_t sel = i;
        while (i < n && css[i] != '{' && css[i] != '}') i++;
        if (i >= n) break;
        if (css[i] == '}') continue; /* stray text: skip it */
        size_t sel_end = i++, decl = i;
        while (i < n && css[i] != '}' && css[i] != '{') i++;
        if (i < n && css[i] == '{') { /* nested block: not plain CSS, skip */
            int level = 1;
            for (i++; i < n && level; i++) {
                if (css[i] == '{') level++;
                else if (css[i] == '}') level--;
            }
            continue;
        }
        css_effect eff = css_declarations(css + decl, i - decl);
        if (i < n) i++;
        if (eff.hides || eff.font > 0 || eff.vis > 0)
            ok = css_add_selectors(hide, css + sel, sel_end - sel, eff);
        else if (eff.font < 0 || eff.vis < 0)
            ok = css_add_selectors(show, css + sel, sel_end - sel, eff);
    }
    free(css);
    return ok;
}

/* ---- raw text elements ---------------------------------------------------------- */

static bool is_tag_delim(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>';
}

/* "<name" or "</name" (with close) followed by a delimiter or the end, at p. */
static bool at_tag(const char *p, const char *end, const char *name, bool close) {
    size_t n = strlen(name), k = close ? 2 : 1;
    if ((size_t)(end - p) < k + n || p[0] != '<' || (close && p[1] != '/')) return false;
    /* Called at every '<' of a page: most fail on the first letter. */
    if (n && (p[k] | 0x20) != (name[0] | 0x20)) return false; /* sound for any byte */
    if (strncasecmp(p + k, name, n) != 0) return false;
    return p + k + n == end || is_tag_delim(p[k + n]);
}

/* Where a browser ends the content of a <script> (script data, with its
 * escaped and double-escaped states) or <style> (raw text) that starts at
 * `from`: the offset of the '<' of its end tag, or len. */
static size_t raw_text_end(const char *h, size_t len, size_t from, bool script) {
    const char *end = h + len;
    int state = 0; /* 0 data, 1 escaped (in <!--), 2 double escaped (<!-- <script>) */
    for (const char *p = h + from; p < end; p++) {
        if (*p == '-' && script && state && end - p >= 3 && p[1] == '-' && p[2] == '>') {
            state = 0;
            p += 2;
            continue;
        }
        if (*p != '<') continue;
        if (!script) {
            if (at_tag(p, end, "style", true)) return (size_t)(p - h);
            continue;
        }
        if (state == 0 && end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            state = 1;
            p += 3;
        } else if (state == 1 && at_tag(p, end, "script", false)) {
            state = 2;
        } else if (at_tag(p, end, "script", true)) {
            if (state == 2) state = 1;
            else return (size_t)(p - h);
        }
    }
    return len;
}

/* ---- tags ----------------------------------------------------------------------- */

enum tag_id {
    T_OTHER, T_A, T_AREA, T_IMG, T_SCRIPT, T_IFRAME, T_FRAME, T_EMBED, T_SOURCE, T_LINK, T_BASE,
    T_META, T_FORM, T_INPUT, T_SELECT, T_TEXTAREA, T_BUTTON, T_STYLE, T_TITLE, T_BR
};

enum {
    F_BLOCK = 1,   /* starts a text block */
    F_NOTEXT = 2,  /* its text is never shown as text */
    F_RAWTEXT = 4, /* raw text to a browser, markup to libxml2: no links inside */
    F_ITEM = 8,    /* may be a dated list item */
    F_CLOSES_P = 16,   /* closes an open <p> in HTML5, unknown to libxml2's HTML4 */
    F_TABLE = 32,      /* table, tbody, thead, tfoot, tr: what they hold directly */
    F_IN_TABLE = 64,   /* may stand there; anything else a browser moves before the table */
    F_SCOPE = 128,     /* a <p> outside it is not closed from inside */
};

typedef struct tag_info {
    const char *name;
    enum tag_id id;
    unsigned flags;
} tag_info;

static const tag_info known_tags[] = {
    {"a", T_A, 0}, {"abbr", T_OTHER, 0}, {"address", T_OTHER, F_BLOCK}, {"area", T_AREA, 0},
    {"article", T_OTHER, F_BLOCK | F_CLOSES_P}, {"aside", T_OTHER, F_BLOCK | F_CLOSES_P},
    {"b", T_OTHER, 0}, {"base", T_BASE, 0}, {"blockquote", T_OTHER, F_BLOCK},
    {"body", T_OTHER, F_BLOCK}, {"br", T_BR, 0}, {"button", T_BUTTON, F_SCOPE},
    {"caption", T_OTHER, F_BLOCK | F_IN_TABLE | F_SCOPE}, {"center", T_OTHER, F_BLOCK},
    {"code", T_OTHER, 0}, {"col", T_OTHER, F_IN_TABLE}, {"colgroup", T_OTHER, F_IN_TABLE},
    {"dd", T_OTHER, F_BLOCK | F_ITEM}, {"details", T_OTHER, F_BLOCK | F_CLOSES_P},
    {"dialog", T_OTHER, F_BLOCK | F_CLOSES_P}, {"div", T_OTHER, F_BLOCK}, {"dl", T_OTHER, F_BLOCK},
    {"dt", T_OTHER, F_BLOCK | F_ITEM}, {"em", T_OTHER, 0}, {"embed", T_EMBED, 0},
    {"fieldset", T_OTHER, F_BLOCK}, {"figcaption", T_OTHER, F_BLOCK | F_CLOSES_P},
    {"figure", T_OTHER, F_BLOCK | F_CLOSES_P}, {"font", T_OTHER, 0},
    {"footer", T_OTHER, F_BLOCK | F_CLOSES_P}, {"form", T_FORM, F_BLOCK | F_IN_TABLE},
    {"frame", T_FRAME, 0}, {"frameset", T_OTHER, 0}, {"h1", T_OTHER, F_BLOCK},
    {"h2", T_OTHER, F_BLOCK}, {"h3", T_OTHER, F_BLOCK}, {"h4", T_OTHER, F_BLOCK},
    {"h5", T_OTHER, F_BLOCK}, {"h6", T_OTHER, F_BLOCK}, {"head", T_OTHER, 0},
    {"header", T_OTHER, F_BLOCK | F_CLOSES_P}, {"hgroup", T_OTHER, F_BLOCK | F_CLOSES_P},
    {"hr", T_OTHER, 0}, {"html", T_OTHER, F_SCOPE}, {"i", T_OTHER, 0},
    {"iframe", T_IFRAME, F_NOTEXT | F_RAWTEXT}, {"img", T_IMG, 0}, {"input", T_INPUT, 0},
    {"label", T_OTHER, 0}, {"legend", T_OTHER, F_BLOCK}, {"li", T_OTHER, F_BLOCK | F_ITEM},
    {"link", T_LINK, 0}, {"main", T_OTHER, F_BLOCK | F_CLOSES_P}, {"map", T_OTHER, 0},
    {"menu", T_OTHER, F_BLOCK | F_CLOSES_P}, {"meta", T_META, 0},
    {"nav", T_OTHER, F_BLOCK | F_CLOSES_P}, {"noembed", T_OTHER, F_NOTEXT | F_RAWTEXT},
    {"noframes", T_OTHER, F_NOTEXT | F_RAWTEXT}, {"noscript", T_OTHER, F_NOTEXT},
    {"object", T_OTHER, F_NOTEXT | F_SCOPE}, {"ol", T_OTHER, F_BLOCK},
    {"option", T_OTHER, F_NOTEXT}, {"p", T_OTHER, F_BLOCK}, {"pre", T_OTHER, F_BLOCK},
    {"s", T_OTHER, 0}, {"script", T_SCRIPT, F_NOTEXT | F_IN_TABLE},
    {"section", T_OTHER, F_BLOCK | F_CLOSES_P}, {"select", T_SELECT, F_NOTEXT},
    {"source", T_SOURCE, 0}, {"span", T_OTHER, 0}, {"strong", T_OTHER, 0},
    {"style", T_STYLE, F_NOTEXT | F_IN_TABLE}, {"summary", T_OTHER, F_BLOCK | F_CLOSES_P},
    {"table", T_OTHER, F_BLOCK | F_TABLE | F_SCOPE}, {"tbody", T_OTHER, F_BLOCK | F_TABLE | F_IN_TABLE},
    {"td", T_OTHER, F_BLOCK | F_IN_TABLE | F_SCOPE},
    {"template", T_OTHER, F_NOTEXT | F_IN_TABLE | F_SCOPE},
    {"textarea", T_TEXTAREA, F_NOTEXT | F_RAWTEXT}, {"tfoot", T_OTHER, F_BLOCK | F_TABLE | F_IN_TABLE},
    {"th", T_OTHER, F_BLOCK | F_IN_TABLE | F_SCOPE}, {"thead", T_OTHER, F_BLOCK | F_TABLE | F_IN_TABLE},
    {"title", T_TITLE, F_NOTEXT | F_RAWTEXT}, {"tr", T_OTHER, F_BLOCK | F_ITEM | F_TABLE | F_IN_TABLE},
    {"u", T_OTHER, 0}, {"ul", T_OTHER, F_BLOCK}, {"xmp", T_OTHER, F_NOTEXT | F_RAWTEXT},
};

/* ---- the parser state --------------------------------------------------------- */

typedef struct open_elem {
    const tag_info *ti;     /* known_tags or an arena copy (ps_intern) */
    const char *tag;        /* ti->name */
    char *id;               /* malloc'd copies, only when the page has rules; NULL when absent */
    char *cls;
    const char *hidden_by;  /* own or inherited, NULL when visible */
    const char *hard;       /* display:none and the like, own or inherited */
    bool fs0, vis;          /* font-size 0, visibility:hidden, own or inherited */
    bool block;             /* starts a text block */
    bool notext;            /* own or inherited: its text is not shown as text (select, title ...) */
    bool nolinks;           /* own or inherited: raw text to a browser (textarea, iframe ...) */
    bool ghost;             /* markup inside script text that libxml2 let out: ignored */
    int raw;                /* 2 script, 1 style, 3 title: this element's text is collected */
    int link;               /* index of the link this <a> opened, -1 */
    int outer_link;         /* the <a> it is inside, -1 */
    size_t outer_mark;      /* and where that one's text starts */
    const char *outer_alt;
    int item;               /* index into the item candidates, -1 */
    int form;               /* index of the form this element opened, -1 */
    int outer_form;         /* the current form when it opened */
    const char *outer_text_tag; /* the current text block's tag when it opened */
} open_elem;

/* What elements beyond PAGE_MAX_DEPTH pass on to theirs: each state holds
 * from the (untracked) level that set it until that element ends. */
typedef struct skip_state {
    const char *hidden_by;
    int hidden_level, notext_level, nolinks_level, ghost_level;
} skip_state;

typedef struct item_candidate {
    size_t offset;
    int first_link;          /* index into links, -1 */
    sbuf outside;            /* text outside links */
} item_candidate;

typedef struct tag_cache {
    const void *key;
    const tag_info *ti;
} tag_cache;

typedef struct parse_state {
    page *p;
    htmlParserCtxtPtr ctxt;
    int depth, skipped_depth; /* elements beyond PAGE_MAX_DEPTH are not pushed */
    skip_state skip;
    size_t caplinks, capmetas, captexts, capforms, capitems;
    css_rules hide_rules, show_rules;
    long match_budget;
    size_t floor;             /* where the parser's last token ended */
    sbuf raw;                 /* text of the <title> being read */
    int raw_depth;            /* stack index of the element whose raw text is read, -1 */
    size_t raw_start;         /* where its content starts in html */
    size_t suppress_until;    /* script text that libxml2 parsed as markup ends here */
    sbuf text;                /* the current text block */
    size_t text_offset;
    bool text_started;
    const char *text_tag;
    int cur_link;             /* the innermost <a> being read, -1 */
    sbuf link_text;           /* the texts of the open <a>s, outermost first */
    size_t link_mark;         /* where the innermost one's text starts in it */
    const char *link_alt;     /* alt of the first img inside it */
    int cur_form;             /* index of the innermost open form, -1 */
    size_t nlinks_before_base;/* links resolved before <base> was seen */
    url_base base;            /* p->base, read once for all its links */
    bool base_seen;
    item_candidate items[8];  /* open list items (nested lists) */
    int nitems_open;
    int dt_link;              /* a <dt> just closed with a link and no date: its <dd> may date it */
    size_t dt_offset;
    tag_cache cache[256];
    bool oom;
    bool title_done;
    /* Last, and not zeroed: ps_start sets each element it pushes (a page's
     * parse would otherwise begin by clearing 100 KiB). */
    open_elem stack[PAGE_MAX_DEPTH];
} parse_state;

/* The parser's position as an offset into page->html. */
static size_t ps_offset(parse_state *ps) {
    xmlParserInputPtr in = ps->ctxt->input;
    if (!in || !in->cur || !in->base) return ps->p->html_len;
    size_t off = (size_t)in->consumed + (size_t)(in->cur - in->base);
    return off > ps->p->html_len ? ps->p->html_len : off;
}

/* The entry of known_tags for a name of n bytes, in any case; NULL. */
static const tag_info *known_tag(const char *name, size_t n) {
    size_t lo = 0, hi = sizeof known_tags / sizeof *known_tags;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *k = known_tags[mid].name;
        int cmp = strncasecmp(name, k, n);
        if (cmp == 0) cmp = k[n] ? -1 : 0;
        if (cmp == 0) return &known_tags[mid];
        if (cmp < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

/* Tag names as the model keeps them: from known_tags, else an arena copy.
 * libxml2 hands us names from its dictionary, which dies with the parser
 * context, before the page does. Names are interned by the dictionary, so a
 * cache keyed by the pointer saves the lookups. */
static const tag_info *ps_intern(parse_state *ps, const char *name) {
    static const tag_info none = {"", T_OTHER, 0};
    tag_cache *c = &ps->cache[((uintptr_t)name >> 3) & 255];
    if (c->key == name) return c->ti;
    const tag_info *ti = known_tag(name, strlen(name));
    if (!ti) {
        tag_info *t = arena_alloc(ps->p->arena, sizeof *t);
        const char *copy = arena_strdup(ps->p->arena, name);
        if (!t || !copy) {
            ps->oom = true;
            return &none;
        }
        t->name = copy;
        t->id = T_OTHER;
        t->flags = 0;
        ti = t;
    }
    c->key = name;
    c->ti = ti;
    return ti;
}

/* Where the start tag of `tag` begins, the parser being on its '>' at `at`
 * (the last "<tag" before it, not before the previous token's end); -1 when
 * the element was implied by the parser and has no tag of its own. */
static long ps_find_start_tag(parse_state *ps, const char *tag, size_t at) {
    const char *h = ps->p->html, *end = h + ps->p->html_len;
    for (size_t i = at + 1; i-- > ps->floor;)
        if (h[i] == '<' && at_tag(h + i, end, tag, false)) return (long)i;
    return -1;
}

static const char *ps_attr(const xmlChar **atts, const char *name) {
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (strcasecmp((const char *)atts[i], name) == 0)
            return atts[i + 1] ? (const char *)atts[i + 1] : "";
    return NULL;
}

static bool ps_compound_matches(const css_compound *c, const open_elem *e) {
    if (c->tag[0] && strcmp(c->tag, e->tag) != 0) return false;
    if (c->id[0] && (!e->id || strcmp(c->id, e->id) != 0)) return false;
    if (c->cls[0]) {
        if (!e->cls) return false;
        size_t n = strlen(c->cls);
        bool found = false;
        for (const char *p = e->cls; !found && (p = strstr(p, c->cls)); p += n)
            found = (p == e->cls || isspace((unsigned char)p[-1])) &&
                    (p[n] == '\0' || isspace((unsigned char)p[n]));
        if (!found) return false;
    }
    return true;
}

static bool ps_rule_matches(parse_state *ps, const css_rule *rule, const open_elem *e,
                            int nancestors) {
    if (!ps_compound_matches(&rule->parts[rule->nparts - 1], e)) return false;
    int part = rule->nparts - 2;
    for (int d = nancestors - 1; d >= 0 && part >= 0 && ps->match_budget > 0; d--) {
        ps->match_budget--;
        if (ps_compound_matches(&rule->parts[part], &ps->stack[d])) part--;
    }
    return part < 0;
}

/* What the <style> rules that match element e (whose ancestors are the
 * stack) do to it. Which rule wins is not worked out (no cascade): the first
 * hiding one is the reason, and a font-size or visibility set back by any
 * rule wins over one that hides. The rules that set them back are looked at
 * only when it matters: when the font-size (visibility) is the rules' to
 * decide (want_*) and would be zero (hidden) otherwise. */
static css_effect ps_rules_effect(parse_state *ps, const open_elem *e, int nancestors,
                                  bool want_font, bool in_fs0, bool want_vis, bool in_vis) {
    css_effect eff = {NULL, 0, 0};
    for (size_t r = 0; r < ps->hide_rules.n; r++) {
        const css_rule *rule = &ps->hide_rules.v[r];
        if (!ps_rule_matches(ps, rule, e, nancestors)) continue;
        if (!eff.hides) eff.hides = rule->effect.hides;
        if (rule->effect.font && eff.font >= 0) eff.font = rule->effect.font;
        if (rule->effect.vis && eff.vis >= 0) eff.vis = rule->effect.vis;
    }
    bool font = want_font && (eff.font > 0 || (in_fs0 && !eff.font));
    bool vis = want_vis && (eff.vis > 0 || (in_vis && !eff.vis));
    for (size_t r = 0; r < ps->show_rules.n && (font || vis); r++) {
        const css_rule *rule = &ps->show_rules.v[r];
        if ((font && rule->effect.font < 0) || (vis && rule->effect.vis < 0)) {
            if (!ps_rule_matches(ps, rule, e, nancestors)) continue;
            if (rule->effect.font < 0) eff.font = -1, font = false;
            if (rule->effect.vis < 0) eff.vis = -1, vis = false;
        }
    }
    return eff;
}

/* Sets e's visibility from its parent's (in_*) and its own style. */
static void ps_visibility(parse_state *ps, open_elem *e, const xmlChar **atts, const char *in_hard,
                          bool in_fs0, bool in_vis, int nancestors) {
    e->hard = in_hard;
    e->fs0 = in_fs0;
    e->vis = in_vis;
    if (!e->hard) {
        css_effect own = {NULL, 0, 0};
        const char *style = ps_attr(atts, "style");
        if (style) own = css_declarations(style, strlen(style));
        if (!own.hides && ps_attr(atts, "hidden")) own.hides = "hidden attribute";
        css_effect rules = {NULL, 0, 0};
        if (!own.hides && (ps->hide_rules.n || ps->show_rules.n))
            rules = ps_rules_effect(ps, e, nancestors, !own.font, in_fs0, !own.vis, in_vis);
        e->hard = own.hides ? own.hides : rules.hides;
        int font = own.font ? own.font : rules.font, vis = own.vis ? own.vis : rules.vis;
        if (font) e->fs0 = font > 0;
        if (vis) e->vis = vis > 0;
    }
    e->hidden_by = e->hard ? e->hard : e->vis ? "visibility:hidden" : e->fs0 ? "font-size:0" : NULL;
}

/* A <style> start tag (from p to its '>') with a media attribute that names
 * print and neither screen nor all: not what a visitor sees. */
static bool style_for_print(const char *p, const char *gt) {
    for (const char *m = p; m + 6 <= gt; m++) {
        if (strncasecmp(m, "media", 5) != 0 || !isspace((unsigned char)m[-1])) continue;
        const char *v = m + 5;
        while (v < gt && isspace((unsigned char)*v)) v++;
        if (v >= gt || *v != '=') continue;
        v++;
        while (v < gt && (isspace((unsigned char)*v) || *v == '"' || *v == '\'')) v++;
        const char *ve = v;
        while (ve < gt && *ve != '"' && *ve != '\'' && *ve != '>') ve++;
        bool print = false, shown = false;
        for (const char *q = v; q < ve; q++) {
            if ((size_t)(ve - q) >= 5 && strncasecmp(q, "print", 5) == 0) print = true;
            if ((size_t)(ve - q) >= 6 && strncasecmp(q, "screen", 6) == 0) shown = true;
            if ((size_t)(ve - q) >= 3 && strncasecmp(q, "all", 3) == 0) shown = true;
        }
        return print && !shown;
    }
    return false;
}

/* The style sheets of the page, read before parsing: a rule applies to the
 * whole page, also to elements before the <style>. Comments are skipped,
 * and so are scripts and style sheets for print only. */
static bool ps_collect_styles(parse_state *ps) {
    const char *h = ps->p->html, *end = h + ps->p->html_len;
    for (const char *p = h; p < end && (p = memchr(p, '<', (size_t)(end - p)));) {
        if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            const char *c = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
            p = c ? c + 3 : end;
            continue;
        }
        bool style = at_tag(p, end, "style", false), script = at_tag(p, end, "script", false);
        if (!style && !script) {
            p++;
            continue;
        }
        const char *gt = memchr(p, '>', (size_t)(end - p));
        if (!gt) break;
        size_t from = (size_t)(gt + 1 - h);
        size_t to = raw_text_end(h, ps->p->html_len, from, script);
        if (style && !style_for_print(p, gt) &&
            !css_parse_sheet(&ps->hide_rules, &ps->show_rules, h + from, to - from))
            return false;
        p = h + to;
    }
    return true;
}

/* ---- text blocks -------------------------------------------------------------- */

static void ps_flush_text(parse_state *ps) {
    while (ps->text.len && ps->text.data[ps->text.len - 1] == ' ')
        ps->text.data[--ps->text.len] = '\0';
    if (ps->text.len && page_grow((void **)&ps->p->texts, &ps->p->ntexts, &ps->captexts,
                                  sizeof *ps->p->texts, &ps->oom)) {
        page_text *t = &ps->p->texts[ps->p->ntexts];
        t->text = arena_strndup(ps->p->arena, ps->text.data, ps->text.len);
        t->offset = ps->text_offset;
        t->tag = ps->text_tag ? ps->text_tag : "body";
        if (t->text) ps->p->ntexts++;
        else ps->oom = true;
    }
    sbuf_reset(&ps->text);
    ps->text_started = false;
}

/* Where the first visible character of text delivered with the parser at
 * `to` lies in the source: after the previous token, past white space,
 * comments and tags the parser dropped. */
static size_t ps_text_start(parse_state *ps, size_t from, size_t to, size_t len) {
    const char *h = ps->p->html, *end = h + to;
    const char *p = h + from;
    while (p < end) {
        size_t w = ws_len(p, end);
        if (w) {
            p += w;
            continue;
        }
        if (*p == '<' && end - p >= 2 &&
            (p[1] == '!' || p[1] == '?' || p[1] == '/' || isalpha((unsigned char)p[1]))) {
            const char *q;
            if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
                q = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
                if (q) q += 3;
            } else {
                q = memchr(p, '>', (size_t)(end - p));
                if (q) q++;
            }
            if (!q) break;
            p = q;
            continue;
        }
        return (size_t)(p - h);
    }
    /* Not found (cannot happen with libxml2 2.9.14): from the length. */
    size_t start = to >= len ? to - len : 0;
    while (start < to && ws_len(h + start, end)) start++;
    return start;
}

/* ---- links -------------------------------------------------------------------- */

static const char *ps_resolve(parse_state *ps, const char *raw, url_kind *kind) {
    char out[URL_RESOLVE_BUF];
    size_t n;
    *kind = url_resolve_at(&ps->base, raw, out, &n);
    if (*kind == URL_INVALID) return NULL;
    const char *copy = arena_strndup(ps->p->arena, out, n);
    if (!copy) ps->oom = true;
    return copy;
}

static int ps_add_link(parse_state *ps, const char *tag, const char *attr, const char *raw,
                       const char *text, const char *rel, const char *hidden_by, size_t offset) {
    if (!page_grow((void **)&ps->p->links, &ps->p->nlinks, &ps->caplinks, sizeof *ps->p->links,
                   &ps->oom))
        return -1;
    page_link *l = &ps->p->links[ps->p->nlinks];
    memset(l, 0, sizeof *l);
    l->tag = tag;
    l->attr = attr;
    l->raw = arena_strdup(ps->p->arena, raw);
    l->url = ps_resolve(ps, raw, &l->kind);
    l->text = text && *text ? arena_collapsed(ps->p->arena, text, strlen(text)) : "";
    l->rel = rel && *rel ? arena_strdup(ps->p->arena, rel) : "";
    l->visible = hidden_by == NULL;
    l->hidden_by = hidden_by;
    l->offset = offset;
    if (!l->raw || !l->text || !l->rel) {
        ps->oom = true;
        return -1;
    }
    return (int)ps->p->nlinks++;
}

/* The links in markup that a script writes: href= of a, area and link, src=
 * of script, img, iframe, frame, embed and source, inside a tag of the
 * script's strings. A URL cut by the script's own quotes ("<a href='" + u +
 * "'>") is not a link we can know, and is skipped. map[i] is the offset in
 * page->html of js[i]. */
static void ps_script_scan(parse_state *ps, const char *js, size_t len, const size_t *map) {
    const char *end = js + len;
    for (const char *p = js + 1; p + 4 <= end; p++) {
        const char *attr;
        size_t alen;
        if (!isspace((unsigned char)p[-1])) continue;
        if (p + 5 <= end && strncasecmp(p, "href=", 5) == 0) attr = "href", alen = 5;
        else if (strncasecmp(p, "src=", 4) == 0) attr = "src", alen = 4;
        else continue;
        /* inside a tag: a '<' and a letter before it, and no '>' between */
        const char *lt = p;
        while (lt > js && p - lt < 1024 && *lt != '<' && *lt != '>') lt--;
        if (*lt != '<' || !isalpha((unsigned char)lt[1])) continue;
        size_t tl = 0;
        while (lt + 1 + tl < p && isalnum((unsigned char)lt[1 + tl])) tl++;
        const tag_info *ti = known_tag(lt + 1, tl);
        enum tag_id id = ti ? ti->id : T_OTHER;
        const char *tag;
        if (*attr == 'h') {
            tag = id == T_A || id == T_AREA || id == T_LINK ? ti->name : "a";
        } else {
            if (!(id == T_SCRIPT || id == T_IMG || id == T_IFRAME || id == T_FRAME ||
                  id == T_EMBED || id == T_SOURCE))
                continue;
            tag = ti->name;
        }
        const char *q = p + alen;
        bool esc = q < end && *q == '\\';
        if (esc) q++;
        char quote = q < end && (*q == '"' || *q == '\'') ? *q++ : 0;
        if (esc && !quote) continue;
        const char *start = q;
        bool ok = false;
        for (; q < end; q++) {
            char c = *q;
            if (c == '\\' && q + 1 < end && (q[1] == '"' || q[1] == '\'')) {
                ok = quote && esc && q[1] == quote;
                break;
            }
            if (c == '"' || c == '\'') {
                ok = quote && !esc && c == quote;
                break;
            }
            if (isspace((unsigned char)c) || c == '>' || c == '<' || c == '\\') {
                ok = !quote && c != '<' && c != '\\';
                break;
            }
        }
        if (!ok || q == start || q - start >= 2048) continue;
        char url[2048];
        memcpy(url, start, (size_t)(q - start));
        url[q - start] = '\0';
        ps_add_link(ps, tag, attr, url, "", "", "script", map[p - js]);
        p = q;
    }
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int hex_run(const char *s, size_t n) {
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        int h = hexval(s[i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Links written by an inline script (document.write, innerHTML), also when
 * the markup is escaped: percent-escaped for unescape(), as in the conac.cn
 * badge every government site carries, or with JavaScript escapes (\x3C,
 * \u003C, \/) for ASCII characters. `base` is the offset of js in
 * page->html. */
static void ps_script_links(parse_state *ps, const char *js, size_t len, size_t base) {
    if (!memmem(js, len, "document.write", 14) && !memmem(js, len, "innerHTML", 9)) return;
    bool escaped = memmem(js, len, "%3C", 3) || memmem(js, len, "%3c", 3);
    char *text = malloc(len + 1);
    size_t *map = malloc((len + 1) * sizeof *map);
    if (!text || !map) {
        free(text);
        free(map);
        ps->oom = true;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < len; n++) {
        map[n] = base + i;
        int v = -1;
        size_t skip = 1;
        if (escaped && js[i] == '%' && i + 2 < len) v = hex_run(js + i + 1, 2), skip = 3;
        else if (js[i] == '\\' && i + 3 < len && js[i + 1] == 'x') v = hex_run(js + i + 2, 2), skip = 4;
        else if (js[i] == '\\' && i + 5 < len && js[i + 1] == 'u') v = hex_run(js + i + 2, 4), skip = 6;
        else if (js[i] == '\\' && i + 1 < len && js[i + 1] == '/') v = '/', skip = 2;
        if (v > 0 && v < 0x80) {
            text[n] = (char)v;
            i += skip;
        } else {
            text[n] = js[i++];
        }
    }
    text[n] = '\0';
    ps_script_scan(ps, text, n, map);
    free(text);
    free(map);
}

/* ---- list items ------------------------------------------------------------------ */

static void ps_item_open(parse_state *ps, open_elem *e, size_t offset) {
    e->item = -1;
    if (ps->nitems_open >= (int)(sizeof ps->items / sizeof *ps->items)) return;
    item_candidate *c = &ps->items[ps->nitems_open];
    c->offset = offset;
    c->first_link = -1;
    sbuf_reset(&c->outside);
    e->item = ps->nitems_open++;
}

static size_t digits(const char *s, int *value, size_t max) {
    size_t n = 0;
    int v = 0;
    while (isdigit((unsigned char)s[n]) && n <= max) v = v * 10 + (s[n++] - '0');
    *value = v;
    return n;
}

/* Dates as list items show them: 2020-08-10, 2020/8/10, 2020.8.10,
 * 2020年8月10日, and 08-10 (year 0). Returns true and fills y/m/d and the
 * matched span, with brackets around it when it has them: "[08-10]". */
static bool ps_find_date(const char *s, int *y, int *m, int *d, const char **at, size_t *len) {
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) || (p > s && isdigit((unsigned char)p[-1]))) continue;
        int a, b, c;
        size_t na = digits(p, &a, 4);
        if (na != 4 && na != 2) continue;
        const char *q = p + na;
        size_t sep = 0;
        if (*q == '-' || *q == '/' || *q == '.') sep = 1;
        else if (na == 4 && strncmp(q, "年", 3) == 0) sep = 3;
        if (!sep) continue;
        const char *r = q + sep;
        size_t nb = digits(r, &b, 2);
        if (nb == 0 || nb > 2) continue;
        const char *t = r + nb;
        if (na == 4) {
            size_t sep2 = 0;
            if (sep == 1 && *t == *q) sep2 = 1;
            else if (sep == 3 && strncmp(t, "月", 3) == 0) sep2 = 3;
            if (!sep2) continue;
            size_t nc = digits(t + sep2, &c, 2);
            if (nc == 0 || nc > 2) continue;
            t += sep2 + nc;
            if (sep == 3 && strncmp(t, "日", 3) == 0) t += 3;
            if (a < 1990 || a > 2100 || b < 1 || b > 12 || c < 1 || c > 31) continue;
            *y = a, *m = b, *d = c;
        } else {
            /* MM-DD, as in "[08-10]": two digits each, not part of a longer date */
            if (*q != '-' || nb != 2 || *t == '-' || isdigit((unsigned char)*t)) continue;
            if (a < 1 || a > 12 || b < 1 || b > 31) continue;
            *y = 0, *m = a, *d = b;
        }
        const char *from = p, *to = t;
        static const char *const brackets[][2] = {{"[", "]"}, {"【", "】"}, {"(", ")"}, {"（", "）"}};
        for (size_t i = 0; i < sizeof brackets / sizeof *brackets; i++) {
            size_t lo = strlen(brackets[i][0]), lc = strlen(brackets[i][1]);
            if ((size_t)(from - s) >= lo && strncmp(from - lo, brackets[i][0], lo) == 0 &&
                strncmp(to, brackets[i][1], lc) == 0) {
                from -= lo, to += lc;
                break;
            }
        }
        *at = from;
        *len = (size_t)(to - from);
        return true;
    }
    return false;
}

static void ps_item_close(parse_state *ps, open_elem *e) {
    if (e->item < 0 || e->item != ps->nitems_open - 1) return;
    item_candidate *c = &ps->items[--ps->nitems_open];
    int y = 0, m = 0, d = 0;
    const char *at = NULL;
    size_t len = 0;
    bool dated = ps_find_date(sbuf_str(&c->outside), &y, &m, &d, &at, &len);
    /* <dt><a>title</a></dt><dd>2020-05-10</dd>: the date stands in the
     * next sibling. A <dt> with a link and no date waits for its <dd>. */
    int link = c->first_link;
    size_t offset = c->offset;
    bool is_dt = strcmp(e->tag, "dt") == 0, is_dd = strcmp(e->tag, "dd") == 0;
    if (is_dd && link < 0 && ps->dt_link >= 0) link = ps->dt_link, offset = ps->dt_offset;
    ps->dt_link = is_dt && link >= 0 && !dated ? link : -1;
    ps->dt_offset = c->offset;
    if (link < 0 || !dated) return;
    if (!page_grow((void **)&ps->p->items, &ps->p->nitems, &ps->capitems, sizeof *ps->p->items,
                   &ps->oom))
        return;
    const page_link *l = &ps->p->links[link];
    page_item *it = &ps->p->items[ps->p->nitems];
    it->title = l->text;
    it->url = l->url ? l->url : l->raw;
    it->date_text = arena_strndup(ps->p->arena, at, len);
    it->year = y;
    it->month = m;
    it->day = d;
    it->offset = offset;
    if (it->date_text) ps->p->nitems++;
    else ps->oom = true;
}

/* ---- SAX callbacks ------------------------------------------------------------- */

static void ps_note_link(parse_state *ps, int idx) {
    if (idx >= 0 && ps->nitems_open > 0 && ps->items[ps->nitems_open - 1].first_link < 0)
        ps->items[ps->nitems_open - 1].first_link = idx;
}

/* What an element's attributes say, for tracked (pushed) and untracked
 * elements alike. */
static void ps_element(parse_state *ps, open_elem *e, const xmlChar **atts, size_t offset,
                       bool tracked) {
    const char *tag = e->tag;
    enum tag_id id = e->ti->id;
    const char *hidden = e->hidden_by;
    if (e->nolinks && !(e->ti->flags & F_RAWTEXT)) return; /* inside a textarea, iframe ... */
    if (id == T_A || id == T_AREA) {
        const char *href = ps_attr(atts, "href");
        if (href) {
            bool a = id == T_A;
            const char *title = ps_attr(atts, "title");
            const char *text = a ? title : ps_attr(atts, "alt");
            int idx = ps_add_link(ps, tag, "href", href, text, NULL, hidden, offset);
            ps_note_link(ps, idx);
            if (a && idx >= 0 && tracked) {
                /* an <a> inside an <a> (libxml2 nests them when a block
                 * lies between): each gets its own text */
                e->link = idx;
                e->outer_link = ps->cur_link;
                e->outer_mark = ps->link_mark;
                e->outer_alt = ps->link_alt;
                if (ps->cur_link < 0) sbuf_reset(&ps->link_text);
                ps->cur_link = idx;
                ps->link_mark = ps->link_text.len;
                ps->link_alt = NULL;
            }
        }
    } else if (id == T_IMG || id == T_SCRIPT || id == T_IFRAME || id == T_FRAME || id == T_EMBED ||
               id == T_SOURCE) {
        const char *src = ps_attr(atts, "src");
        const char *alt = id == T_IMG ? ps_attr(atts, "alt") : NULL;
        if (src && *src) ps_add_link(ps, tag, "src", src, alt, NULL, hidden, offset);
        if (alt && *alt && ps->cur_link >= 0 && !ps->link_alt)
            ps->link_alt = arena_collapsed(ps->p->arena, alt, strlen(alt));
    } else if (id == T_LINK) {
        const char *href = ps_attr(atts, "href");
        if (href && *href)
            ps_add_link(ps, tag, "href", href, NULL, ps_attr(atts, "rel"), hidden, offset);
    } else if (id == T_BASE) {
        const char *href = ps_attr(atts, "href");
        url_kind k;
        const char *b = href && *href && !ps->base_seen ? ps_resolve(ps, href, &k) : NULL;
        if (b && k == URL_HTTP) {
            ps->p->base = b;
            url_base_init(&ps->base, b);
            ps->base_seen = true;
            ps->nlinks_before_base = ps->p->nlinks;
        }
    } else if (id == T_META) {
        const char *mname = ps_attr(atts, "name");
        const char *content = ps_attr(atts, "content");
        if (mname && page_grow((void **)&ps->p->metas, &ps->p->nmetas, &ps->capmetas,
                               sizeof *ps->p->metas, &ps->oom)) {
            page_meta *m = &ps->p->metas[ps->p->nmetas];
            m->name = arena_strdup(ps->p->arena, mname);
            m->content = arena_collapsed(ps->p->arena, content ? content : "",
                                         content ? strlen(content) : 0);
            m->offset = offset;
            if (m->name && m->content) ps->p->nmetas++;
            else ps->oom = true;
        }
    } else if (id == T_FORM) {
        if (page_grow((void **)&ps->p->forms, &ps->p->nforms, &ps->capforms, sizeof *ps->p->forms,
                      &ps->oom)) {
            page_form *f = &ps->p->forms[ps->p->nforms];
            memset(f, 0, sizeof *f);
            const char *action = ps_attr(atts, "action");
            url_kind k = URL_INVALID;
            f->action = action && *action ? ps_resolve(ps, action, &k) : "";
            if (!f->action) f->action = "";
            const char *method = ps_attr(atts, "method");
            char lower[16] = "get";
            if (method) {
                while (isspace((unsigned char)*method)) method++;
                size_t i = 0;
                for (; method[i] && !isspace((unsigned char)method[i]) && i + 1 < sizeof lower; i++)
                    lower[i] = (char)tolower((unsigned char)method[i]);
                lower[i] = '\0';
                if (!i) strcpy(lower, "get");
            }
            f->method = arena_strdup(ps->p->arena, lower);
            if (!f->method) ps->oom = true;
            f->offset = offset;
            if (tracked) {
                e->form = (int)ps->p->nforms;
                ps->cur_form = e->form;
            }
            ps->p->nforms++;
            if (action && *action)
                ps_add_link(ps, "form", "action", action, NULL, NULL, hidden, offset);
        }
    } else if (id == T_INPUT || id == T_SELECT || id == T_TEXTAREA || id == T_BUTTON) {
        if (ps->cur_form >= 0) {
            page_form *f = &ps->p->forms[ps->cur_form];
            const char *type = ps_attr(atts, "type");
            if (id == T_TEXTAREA) f->has_textarea = true;
            else if (id == T_SELECT) f->inputs++;
            else if (id == T_BUTTON) {
                if (!type || strcasecmp(type, "submit") == 0) f->has_submit = true;
            } else if (type && (strcasecmp(type, "submit") == 0 || strcasecmp(type, "image") == 0)) {
                f->has_submit = true;
            } else if (!type || (strcasecmp(type, "hidden") != 0 && strcasecmp(type, "button") != 0 &&
                                 strcasecmp(type, "reset") != 0)) {
                f->inputs++;
            }
        }
    }
}

/* The element a new one takes its visibility from: its parent, except where
 * libxml2's HTML4 tree differs from the HTML5 tree a browser builds, in ways
 * that would hide what is shown:
 *  - section, nav, header ... close an open <p> (libxml2 does not know
 *    them), so <p style="display:none">x<section><a> shows the link;
 *  - what stands directly in a table (not in a cell) is moved before the
 *    table ("foster parenting"), out of <table style="display:none">. */
static const open_elem *ps_state_parent(parse_state *ps, const tag_info *ti) {
    if (!ps->depth) return NULL;
    int d = ps->depth - 1;
    const open_elem *top = &ps->stack[d];
    if (ti->flags & F_CLOSES_P) {
        for (int k = d; k >= 0 && !(ps->stack[k].ti->flags & F_SCOPE); k--)
            if (ps->stack[k].ti->name[0] == 'p' && ps->stack[k].ti->name[1] == '\0')
                return k ? &ps->stack[k - 1] : NULL;
    } else if ((top->ti->flags & F_TABLE) && !(ti->flags & F_IN_TABLE)) {
        for (int k = d; k >= 0; k--)
            if (strcmp(ps->stack[k].tag, "table") == 0) return k ? &ps->stack[k - 1] : NULL;
    }
    return top;
}

static void ps_start(void *ud, const xmlChar *name, const xmlChar **atts) {
    parse_state *ps = ud;
    const tag_info *ti = ps_intern(ps, (const char *)name);
    const char *tag = ti->name;
    size_t at = ps_offset(ps);
    const char *h = ps->p->html;
    long tag_start = ps_find_start_tag(ps, tag, at);
    size_t offset = tag_start >= 0 ? (size_t)tag_start : ps->floor;
    if (tag_start >= 0 && at < ps->p->html_len)
        ps->floor = h[at] == '>' ? at + 1 : (h[at] == '/' && h[at + 1] == '>') ? at + 2 : at;

    /* The parent's state: the tracked top (or where a browser would put the
     * element), and for untracked elements what the untracked ancestors
     * pass on. */
    const open_elem *top = ps->skipped_depth ? &ps->stack[ps->depth - 1] : ps_state_parent(ps, ti);
    const char *in_hard = top ? top->hard : NULL;
    bool in_fs0 = top && top->fs0, in_vis = top && top->vis;
    bool in_notext = top && top->notext, in_nolinks = top && top->nolinks;
    bool in_ghost = top && top->ghost;
    if (ps->skipped_depth) {
        /* beyond the tracked depth, whatever hides is final */
        if (!in_hard) in_hard = ps->skip.hidden_by;
        in_notext = in_notext || ps->skip.notext_level;
        in_nolinks = in_nolinks || ps->skip.nolinks_level;
        in_ghost = in_ghost || ps->skip.ghost_level;
    }
    open_elem scratch;
    bool tracked = ps->depth < PAGE_MAX_DEPTH && !ps->skipped_depth;
    open_elem *e = tracked ? &ps->stack[ps->depth++] : &scratch;
    if (!tracked) ps->skipped_depth++;
    memset(e, 0, sizeof *e);
    e->ti = ti;
    e->tag = tag;
    e->link = e->item = e->form = e->outer_link = -1;
    e->outer_form = ps->cur_form;
    e->outer_text_tag = ps->text_tag;
    /* markup in script text that libxml2 let out; not the elements it
     * implies (body, p) for that text, which live on */
    e->ghost = in_ghost || (tag_start >= 0 && (size_t)tag_start < ps->suppress_until);
    if (!e->ghost) {
        bool rules = ps->hide_rules.n || ps->show_rules.n;
        if (rules) {
            const char *id = ps_attr(atts, "id"), *cls = ps_attr(atts, "class");
            if (tracked) {
                e->id = id ? strdup(id) : NULL;
                e->cls = cls ? strdup(cls) : NULL;
                if ((id && !e->id) || (cls && !e->cls)) ps->oom = true;
            } else {
                e->id = (char *)id; /* only read below, while atts live */
                e->cls = (char *)cls;
            }
        }
        e->block = tracked && (ti->flags & F_BLOCK);
        e->notext = in_notext || (ti->flags & F_NOTEXT);
        e->nolinks = in_nolinks || (ti->flags & F_RAWTEXT);
        ps_visibility(ps, e, atts, in_hard, in_fs0, in_vis, tracked ? ps->depth - 1 : ps->depth);
    }
    if (!tracked) {
        int level = ps->skipped_depth;
        skip_state *k = &ps->skip;
        if (e->ghost && !k->ghost_level) k->ghost_level = level;
        if (e->hidden_by && !k->hidden_level) k->hidden_by = e->hidden_by, k->hidden_level = level;
        if (e->notext && !k->notext_level) k->notext_level = level;
        if (e->nolinks && !k->nolinks_level) k->nolinks_level = level;
        if (!e->ghost) ps_element(ps, e, atts, offset, false);
        e->id = e->cls = NULL;
        return;
    }
    if (e->ghost) return;
    if (e->block) {
        ps_flush_text(ps);
        ps->text_tag = tag;
    } else if (ti->id == T_BR && ps->text_started) {
        sbuf_putc(&ps->text, ' ');
    }
    if ((e->block || ti->id == T_BR) && ps->cur_link >= 0) sbuf_putc(&ps->link_text, ' ');
    if (ps->raw_depth < 0) {
        if (ti->id == T_SCRIPT) e->raw = 2;
        else if (ti->id == T_STYLE) e->raw = 1;
        else if (ti->id == T_TITLE && !ps->title_done) e->raw = 3;
        if (e->raw) {
            ps->raw_depth = ps->depth - 1;
            ps->raw_start = at < ps->p->html_len && h[at] == '>' ? at + 1 : at;
            sbuf_reset(&ps->raw);
        }
    }
    ps_element(ps, e, atts, offset, true);
    if (ti->flags & F_ITEM) ps_item_open(ps, e, offset);
}

/* The end of the element whose raw text was read. */
static void ps_raw_done(parse_state *ps, open_elem *e) {
    page *p = ps->p;
    if (e->raw == 3) {
        p->title = arena_collapsed(p->arena, sbuf_str(&ps->raw), ps->raw.len);
        if (!p->title) {
            p->title = "";
            ps->oom = true;
        }
        ps->title_done = true;
    } else {
        /* libxml2 ends script and style text at the first "</script", a
         * browser only at a real end tag. When they differ, what lies in
         * between is script, and what libxml2 made of it is ignored. */
        const char *name = e->raw == 2 ? "</script" : "</style";
        size_t n = strlen(name), lx_end = p->html_len;
        for (size_t i = ps->raw_start; i + n <= p->html_len; i++)
            if (p->html[i] == '<' && strncasecmp(p->html + i, name, n) == 0) {
                lx_end = i;
                break;
            }
        size_t real_end = raw_text_end(p->html, p->html_len, ps->raw_start, e->raw == 2);
        if (real_end < lx_end) real_end = lx_end;
        if (real_end > lx_end) {
            const char *gt = memchr(p->html + real_end, '>', p->html_len - real_end);
            ps->suppress_until = gt ? (size_t)(gt - p->html) + 1 : p->html_len;
        }
        if (e->raw == 2)
            ps_script_links(ps, p->html + ps->raw_start, real_end - ps->raw_start, ps->raw_start);
    }
    ps->raw_depth = -1;
}

static void ps_pop(parse_state *ps);

static void ps_end(void *ud, const xmlChar *name) {
    parse_state *ps = ud;
    if (ps->ctxt) ps->floor = ps_offset(ps);
    if (!ps->skipped_depth && name && ps->depth) {
        /* libxml2 closes elements in order, but when it gives up on a start
         * tag it may drop the element without telling: close what lies
         * above the element that ends, and ignore an end we do not know. */
        int d = ps->depth - 1;
        while (d >= 0 && strcmp(ps->stack[d].tag, (const char *)name) != 0) d--;
        if (d < 0) return;
        while (ps->depth - 1 > d) ps_pop(ps);
    }
    ps_pop(ps);
}

/* The end of the element on top of the stack. */
static void ps_pop(parse_state *ps) {
    if (ps->skipped_depth) {
        skip_state *k = &ps->skip;
        int level = ps->skipped_depth--;
        if (k->hidden_level == level) k->hidden_by = NULL, k->hidden_level = 0;
        if (k->notext_level == level) k->notext_level = 0;
        if (k->nolinks_level == level) k->nolinks_level = 0;
        if (k->ghost_level == level) k->ghost_level = 0;
        return;
    }
    if (ps->depth == 0) return;
    open_elem *e = &ps->stack[ps->depth - 1];
    if (e->raw && ps->raw_depth == ps->depth - 1) ps_raw_done(ps, e);
    if (e->link >= 0) {
        page_link *l = &ps->p->links[e->link];
        size_t mark = ps->link_mark <= ps->link_text.len ? ps->link_mark : ps->link_text.len;
        const char *text = arena_collapsed(ps->p->arena, sbuf_str(&ps->link_text) + mark,
                                           ps->link_text.len - mark);
        if (!text) ps->oom = true;
        else if (!*text && ps->link_alt) text = ps->link_alt;
        /* The anchor text wins, unless it is cut off ("...") and a title
         * exists, or is empty. */
        size_t n = text ? strlen(text) : 0;
        bool cut = n >= 3 && (strcmp(text + n - 3, "...") == 0 || strcmp(text + n - 3, "…") == 0);
        if (n && !(cut && *l->text)) l->text = text;
        if (ps->link_text.data && mark < ps->link_text.len) {
            ps->link_text.len = mark;
            ps->link_text.data[mark] = '\0';
        }
        ps->cur_link = e->outer_link;
        ps->link_mark = e->outer_mark;
        ps->link_alt = e->outer_alt;
    }
    if (e->item >= 0) ps_item_close(ps, e);
    if (e->form >= 0) {
        ps->cur_form = e->outer_form;
    }
    if (e->block) {
        ps_flush_text(ps);
        ps->text_tag = e->outer_text_tag;
        if (ps->cur_link >= 0) sbuf_putc(&ps->link_text, ' ');
    }
    free(e->id);
    free(e->cls);
    ps->depth--;
}

static void ps_chars(void *ud, const xmlChar *ch, int len) {
    parse_state *ps = ud;
    size_t at = ps_offset(ps);
    size_t from = ps->floor;
    ps->floor = at;
    if (len <= 0 || at < ps->suppress_until) return;
    open_elem *top = ps->depth ? &ps->stack[ps->depth - 1] : NULL;
    bool ghost = top && top->ghost, shown = !(top && (top->hidden_by || top->notext));
    if (ps->skipped_depth) {
        ghost = ghost || ps->skip.ghost_level;
        shown = shown && !ps->skip.hidden_by && !ps->skip.notext_level;
    }
    if (ghost) return;
    if (ps->raw_depth >= 0) {
        if (ps->stack[ps->raw_depth].raw == 3 && ps->raw.len < 65536)
            sbuf_append(&ps->raw, ch, (size_t)len);
        return;
    }
    if (ps->cur_link >= 0) {
        if (ps->link_text.len - ps->link_mark < PAGE_LINK_TEXT_MAX)
            sbuf_append(&ps->link_text, ch, (size_t)len);
    } else if (ps->nitems_open > 0) {
        item_candidate *c = &ps->items[ps->nitems_open - 1];
        if (c->outside.len < PAGE_LINK_TEXT_MAX) {
            sbuf_append(&c->outside, ch, (size_t)len);
            sbuf_putc(&c->outside, ' ');
        }
    }
    if (!shown) return;
    bool was_started = ps->text_started;
    append_collapsed(&ps->text, (const char *)ch, (size_t)len, &ps->text_started);
    if (!was_started && ps->text_started) ps->text_offset = ps_text_start(ps, from, at, (size_t)len);
}

/* Script and style text is read from page->html when the element ends. */
static void ps_cdata(void *ud, const xmlChar *ch, int len) {
    parse_state *ps = ud;
    (void)ch;
    (void)len;
    ps->floor = ps_offset(ps);
}

static void ps_silent(void *ctx, const char *msg, ...) {
    (void)ctx;
    (void)msg;
}

/* ---- public --------------------------------------------------------------------- */

/* Our copy of the input, as libxml2 can read it: NUL bytes become spaces
 * (the parser would stop at one) and each byte that is not part of valid
 * UTF-8 becomes '?' (the parser would switch to ISO-8859-1), so that offsets
 * stay where they were. */
static void page_sanitize(char *s, size_t n, bool valid_utf8) {
    for (size_t i = 0; !valid_utf8 && i < n;) {
        size_t bad;
        if (utf8_valid(s + i, n - i, &bad)) break;
        i += bad;
        s[i++] = '?';
    }
    for (char *z = s, *end = s + n; z < end && (z = memchr(z, '\0', (size_t)(end - z)));) *z++ = ' ';
}

/* See page.h (page_limit_attributes). Only tag syntax is followed: text is
 * skipped with memchr, comments, CDATA sections and script/style bodies
 * whole. With `blank` false nothing is written (s is only read). Returns
 * the number of start tags over the cap. */

static bool attr_name_is(const char *name, size_t n, const char *want) {
    return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

static size_t page_attrs_pass(char *s, size_t n, bool blank) {
    size_t over = 0;
    static const char *const keep[] = {"style", "class", "id", "hidden", "href", "src",
                                       "type", "name", "content", "http-equiv", "charset",
                                       "action", "method", "rel", "width", "height",
                                       "aria-hidden", "title", "alt", "value", NULL};
    char *end = s + n;
    for (char *p = s; p < end && (p = memchr(p, '<', (size_t)(end - p)));) {
        p++;
        if (p < end && *p == '!') {
            /* A comment or CDATA section left open runs to the end (so it
             * is not searched for again at each one); a doctype or
             * conditional comment ends at its '>'. */
            char *close;
            if (end - p >= 3 && !strncmp(p, "!--", 3)) {
                close = memmem(p + 3, (size_t)(end - p - 3), "-->", 3);
                p = close ? close + 3 : end;
            } else if (end - p >= 8 && !strncmp(p, "![CDATA[", 8)) {
                close = memmem(p + 8, (size_t)(end - p - 8), "]]>", 3);
                p = close ? close + 3 : end;
            } else {
                close = memchr(p, '>', (size_t)(end - p));
                p = close ? close + 1 : end;
            }
            continue;
        }
        if (p >= end || !isalpha((unsigned char)*p)) continue;
        const char *tag = p;
        while (p < end && (isalnum((unsigned char)*p) || *p == '-' || *p == ':')) p++;
        size_t tag_len = (size_t)(p - tag);
        int count = 0;
        unsigned kept = 0; /* bit i: keep[i] kept past the cap */
        while (p < end && *p != '>' && *p != '<') {
            if (isspace((unsigned char)*p) || *p == '/') {
                p++;
                continue;
            }
            char *attr = p, *name = p;
            while (p < end && !isspace((unsigned char)*p) && *p != '=' && *p != '>' && *p != '/')
                p++;
            size_t name_len = (size_t)(p - name);
            if (name_len == 0) p++; /* a stray '=': step over it */
            char *q = p;
            while (q < end && isspace((unsigned char)*q)) q++;
            if (q < end && *q == '=') {
                q++;
                while (q < end && isspace((unsigned char)*q)) q++;
                if (q < end && (*q == '"' || *q == '\'')) {
                    char *close = memchr(q + 1, *q, (size_t)(end - q - 1));
                    q = close ? close + 1 : end;
                } else {
                    while (q < end && !isspace((unsigned char)*q) && *q != '>') q++;
                }
                p = q;
            }
            if (++count <= PAGE_MAX_ATTRS) continue;
            if (count == PAGE_MAX_ATTRS + 1) over++;
            if (!blank) continue;
            bool keep_it = false;
            for (size_t k = 0; keep[k] && !keep_it; k++)
                if (attr_name_is(name, name_len, keep[k]) && !(kept & (1u << k)))
                    keep_it = true, kept |= 1u << k;
            if (!keep_it) memset(attr, ' ', (size_t)(p - attr));
        }
        /* Script and style bodies are not markup. */
        if ((tag_len == 6 && !strncasecmp(tag, "script", 6)) ||
            (tag_len == 5 && !strncasecmp(tag, "style", 5))) {
            char *q = p;
            while (q < end && (q = memchr(q, '<', (size_t)(end - q)))) {
                if (end - q > (ptrdiff_t)tag_len + 1 && q[1] == '/' &&
                    !strncasecmp(q + 2, tag, tag_len))
                    break;
                q++;
            }
            p = q ? q : end;
        }
    }
    return over;
}

bool page_attributes_over_cap(const char *markup, size_t len) {
    return page_attrs_pass((char *)markup, len, false) > 0;
}

void page_limit_attributes(char *markup, size_t len) {
    page_attrs_pass(markup, len, true);
}

static void page_reresolve(parse_state *ps, size_t upto) {
    for (size_t i = 0; i < upto && i < ps->p->nlinks; i++) {
        page_link *l = &ps->p->links[i];
        l->url = ps_resolve(ps, l->raw, &l->kind);
    }
}

static page *page_parse_text(const char *html, size_t html_len, char *owned, const char *url,
                             const char *charset, bool valid_utf8, err *e);

page *page_parse(const char *html, size_t html_len, const char *url, const char *charset, err *e) {
    return page_parse_text(html, html_len, NULL, url, charset, false, e);
}

page *page_parse_decoded(const textenc_result *text, const char *url, err *e) {
    return page_parse_text(text->text, text->len, NULL, url, text->charset, true, e);
}

page *page_parse_taking(textenc_result *text, const char *url, err *e) {
    char *owned = text->text;
    text->text = NULL;
    return page_parse_text(owned, text->len, owned, url, text->charset, true, e);
}

/* `owned`: html itself, a malloc'd buffer of html_len + 1 bytes that the
 * page takes over (freed with it, or here on failure); NULL: html is
 * copied. */
static page *page_parse_text(const char *html, size_t html_len, char *owned, const char *url,
                             const char *charset, bool valid_utf8, err *e) {
    if (html_len > PAGE_MAX_BYTES) {
        free(owned);
        err_set(e, ERR_INPUT, L("%s: page of %zu bytes is over the %zu-byte limit",
                                "%s：页面 %zu 字节，超过上限 %zu 字节"),
                url ? url : "", html_len, PAGE_MAX_BYTES);
        return NULL;
    }
    page *p = calloc(1, sizeof *p);
    struct page_arena *a = calloc(1, sizeof *a);
    if (!p || !a) {
        free(p);
        free(a);
        free(owned);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    p->arena = a;
    a->html = owned;
    char *copy = owned ? owned : arena_alloc(a, html_len + 1);
    if (!copy) {
        page_free(p);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (html_len && !owned) memcpy(copy, html, html_len);
    copy[html_len] = '\0';
    page_sanitize(copy, html_len, valid_utf8);
    page_limit_attributes(copy, html_len);
    p->html = copy;
    p->html_len = html_len;
    p->url = arena_strdup(a, url);
    p->base = p->url;
    p->charset = arena_strdup(a, charset ? charset : "UTF-8");
    p->title = "";

    parse_state *ps = malloc(sizeof *ps);
    if (ps) memset(ps, 0, offsetof(parse_state, stack));
    if (!ps || !p->url || !p->charset) {
        free(ps);
        page_free(p);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    ps->p = p;
    url_base_init(&ps->base, p->base);
    ps->cur_link = -1;
    ps->dt_link = -1;
    ps->cur_form = -1;
    ps->raw_depth = -1;
    ps->match_budget = PAGE_MATCH_BUDGET;
    ps->hide_rules.max = PAGE_MAX_RULES;
    ps->show_rules.max = PAGE_MAX_SHOW_RULES;
    if (!ps_collect_styles(ps)) ps->oom = true;
    if (html_len > 0 && !ps->oom) {
        htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(copy, (int)html_len);
        if (!ctxt) {
            free(ps->hide_rules.v);
            free(ps->show_rules.v);
            free(ps);
            page_free(p);
            err_set(e, ERR_NOMEM, L("%s: the HTML parser could not start", "%s：HTML 解析器无法启动"),
                    url ? url : "");
            return NULL;
        }
        ps->ctxt = ctxt;
        xmlSAXHandler *sax = ctxt->sax;
        memset(sax, 0, sizeof *sax);
        sax->startElement = ps_start;
        sax->endElement = ps_end;
        sax->characters = ps_chars;
        sax->cdataBlock = ps_cdata;
        sax->warning = ps_silent;
        sax->error = ps_silent;
        ctxt->userData = ps;
        htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                     HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
        xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
        htmlParseDocument(ctxt);
        ps->floor = html_len;
        ps->ctxt = NULL;
        htmlFreeParserCtxt(ctxt);
    }
    /* Elements left open at the end close now, in order. */
    ps->skipped_depth = 0;
    while (ps->depth > 0) ps_pop(ps);
    ps_flush_text(ps);
    if (ps->base_seen) page_reresolve(ps, ps->nlinks_before_base);
    bool oom = ps->oom || ps->text.oom || ps->raw.oom || ps->link_text.oom;
    sbuf_free(&ps->raw);
    sbuf_free(&ps->text);
    sbuf_free(&ps->link_text);
    for (size_t i = 0; i < sizeof ps->items / sizeof *ps->items; i++) {
        oom = oom || ps->items[i].outside.oom;
        sbuf_free(&ps->items[i].outside);
    }
    free(ps->hide_rules.v);
    free(ps->show_rules.v);
    free(ps);
    if (oom) {
        page_free(p);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    return p;
}

void page_free(page *p) {
    if (!p) return;
    free(p->metas);
    free(p->links);
    free(p->texts);
    free(p->forms);
    free(p->items);
    arena_free(p->arena);
    free(p);
}

void page_line_col(const page *p, size_t offset, int *line, int *col) {
    int l = 1, c = 1;
    if (offset > p->html_len) offset = p->html_len;
    for (size_t i = 0; i < offset; i++) {
        unsigned char ch = (unsigned char)p->html[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

const page_meta *page_meta_get(const page *p, const char *name) {
    const page_meta *loose = NULL;
    for (size_t i = 0; i < p->nmetas; i++) {
        if (strcmp(p->metas[i].name, name) == 0) return &p->metas[i];
        if (!loose && strcasecmp(p->metas[i].name, name) == 0) loose = &p->metas[i];
    }
    return loose;
}

/* ---- decoding ------------------------------------------------------------------- */

/* The charset a <meta> declares in the first 1024 bytes, as the HTML
 * standard's prescan finds it (simplified: charset= anywhere in a meta tag). */
static bool page_meta_charset(const char *body, size_t len, char *out, size_t outsz) {
    size_t n = len < 1024 ? len : 1024;
    for (size_t i = 0; i + 5 < n; i++) {
        if (body[i] != '<' || strncasecmp(body + i + 1, "meta", 4) != 0) continue;
        size_t end = i;
        while (end < n && body[end] != '>') end++;
        for (size_t j = i; j + 8 < end; j++) {
            if (strncasecmp(body + j, "charset=", 8) != 0) continue;
            size_t k = j + 8, o = 0;
            while (k < end && (body[k] == '"' || body[k] == '\'' || body[k] == ' ')) k++;
            while (k < end && o + 1 < outsz &&
                   (isalnum((unsigned char)body[k]) || body[k] == '-' || body[k] == '_'))
                out[o++] = body[k++];
            out[o] = '\0';
            if (o) return true;
        }
    }
    return false;
}

bool page_decode(const char *body, size_t len, const char *header_charset, textenc_result *out,
                 err *e) {
    char meta[40] = "";
    const char *declared = header_charset && *header_charset ? header_charset : NULL;
    if (!declared && page_meta_charset(body, len, meta, sizeof meta)) declared = meta;
    return textenc_decode(body, len, declared, "GB18030", out, e);
}
