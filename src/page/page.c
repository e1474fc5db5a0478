#define _GNU_SOURCE /* memmem */
/* page.c — the page model, built by one pass of libxml2's HTML SAX parser.
 *
 * Why SAX and not a tree: the model needs one walk, and libxml2's SAX
 * interface costs a fraction of building and freeing a tree (see
 * docs/html-parser.md for the measurements that chose libxml2 over gumbo).
 * We keep our own stack of open elements, which gives every element its
 * ancestors for visibility and for the descendant selectors of <style>.
 *
 * Offsets: the parser reads our UTF-8 buffer in place (no encoding
 * conversion), so the distance of its input cursor from the buffer start is
 * a byte offset into page->html.
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

/* Pages larger than this are parsed up to it: the fetcher caps bodies too,
 * and nothing a check needs lies 32 MiB into a page. */
#define PAGE_MAX_BYTES ((size_t)32 << 20)
#define PAGE_MAX_DEPTH 512
#define PAGE_MAX_ITEMS 100000 /* links, texts ... each: a hostile page cannot eat memory */
#define PAGE_MAX_RULES 2000

/* ---- arena ---------------------------------------------------------------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
} arena_block;

struct page_arena {
    arena_block *head;
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
    for (arena_block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

/* Growable arrays of the model, doubling; false when full or out of memory. */
static bool page_grow(void **items, size_t *n, size_t *cap, size_t size) {
    if (*n < *cap) return true;
    if (*n >= PAGE_MAX_ITEMS) return false;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(*items, c * size);
    if (!p) return false;
    *items = p;
    *cap = c;
    return true;
}

/* ---- CSS: just enough to see what a page hides ------------------------------ */

typedef struct css_compound {
    char tag[32];   /* "" any */
    char id[64];    /* "" any */
    char cls[64];   /* "" any (one class) */
} css_compound;

typedef struct css_rule {
    css_compound parts[4]; /* descendant chain, outermost first */
    int nparts;
    const char *hides;     /* the hiding declaration, e.g. "display:none" */
} css_rule;

/* Lower-cased copy of a declaration block without white space, for simple
 * substring tests ("display:none"). */
static void css_squash(const char *s, size_t n, char *out, size_t outsz) {
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < outsz; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isspace(ch)) continue;
        out[j++] = (char)tolower(ch);
    }
    out[j] = '\0';
}

/* A length value that is zero ("0", "0px", "0pt", "0em", "0%"). */
static bool css_zero(const char *v) {
    if (*v != '0' && !(v[0] == '.' && v[1] == '0')) return false;
    while (*v == '0' || *v == '.') v++;
    return *v == '\0' || *v == ';' || *v == '!' || isalpha((unsigned char)*v) || *v == '%';
}

/* A length far off-screen: -999px or beyond (also em/pt units). */
static bool css_far_negative(const char *v) {
    if (*v != '-') return false;
    return atof(v + 1) >= 999 || (strncmp(v + 1, "9999", 4) == 0);
}

static const char *css_value(const char *decl, const char *prop) {
    /* prop includes the colon: "display:" */
    size_t n = strlen(prop);
    for (const char *p = decl; (p = strstr(p, prop)); p += n)
        if (p == decl || p[-1] == ';' || p[-1] == '{') return p + n;
    return NULL;
}

/* Why a squashed declaration block hides its element, or NULL. */
static const char *css_hiding(const char *decl) {
    const char *v;
    if ((v = css_value(decl, "display:")) && strncmp(v, "none", 4) == 0) return "display:none";
    if ((v = css_value(decl, "visibility:")) && strncmp(v, "hidden", 6) == 0)
        return "visibility:hidden";
    if ((v = css_value(decl, "font-size:")) && css_zero(v)) return "font-size:0";
    const char *w = css_value(decl, "width:"), *h = css_value(decl, "height:");
    const char *o = css_value(decl, "overflow:");
    if (o && strncmp(o, "hidden", 6) == 0 && ((w && css_zero(w)) || (h && css_zero(h))))
        return "zero size, overflow:hidden";
    if ((v = css_value(decl, "left:")) && css_far_negative(v)) return "off-screen (left)";
    if ((v = css_value(decl, "top:")) && css_far_negative(v)) return "off-screen (top)";
    if ((v = css_value(decl, "text-indent:")) && css_far_negative(v)) return "off-screen (text-indent)";
    if ((v = css_value(decl, "margin-left:")) && css_far_negative(v)) return "off-screen (margin)";
    return NULL;
}

static bool css_parse_compound(const char *s, size_t n, css_compound *out) {
    memset(out, 0, sizeof *out);
    size_t i = 0;
    char *dst = out->tag;
    size_t cap = sizeof out->tag, len = 0;
    for (; i < n; i++) {
        char ch = s[i];
        if (ch == '#' || ch == '.') {
            dst = ch == '#' ? out->id : out->cls;
            cap = ch == '#' ? sizeof out->id : sizeof out->cls;
            len = 0;
            if (*dst) return false; /* two ids or classes: not for us */
            continue;
        }
        if (!(isalnum((unsigned char)ch) || ch == '-' || ch == '_' || ch == '*')) return false;
        if (len + 1 < cap) {
            dst[len++] = dst == out->tag ? (char)tolower((unsigned char)ch) : ch;
            dst[len] = '\0';
        }
    }
    if (strcmp(out->tag, "*") == 0) out->tag[0] = '\0';
    return out->tag[0] || out->id[0] || out->cls[0];
}

/* ---- the parser state --------------------------------------------------------- */

typedef struct open_elem {
    const char *tag;        /* a literal or an arena copy (ps_intern) */
    const char *id;         /* arena copies, "" when absent */
    const char *cls;        /* class attribute, "" when absent */
    const char *hidden_by;  /* own or inherited, NULL when visible */
    bool block;             /* starts a text block */
    int link;               /* index of the link this <a> opened, -1 */
    int item;               /* index into the item candidates, -1 */
} open_elem;

typedef struct item_candidate {
    size_t offset;
    int first_link;          /* index into links, -1 */
    sbuf outside;            /* text outside links */
} item_candidate;

typedef struct parse_state {
    page *p;
    htmlParserCtxtPtr ctxt;
    open_elem stack[PAGE_MAX_DEPTH];
    int depth, skipped_depth; /* elements beyond PAGE_MAX_DEPTH are not tracked */
    size_t caplinks, capmetas, captexts, capforms, capitems;
    css_rule *rules;
    size_t nrules, caprules;
    sbuf raw;                 /* text of <style>, <script> or <title> being read */
    int raw_kind;             /* 0 none, 1 style, 2 script, 3 title */
    sbuf text;                /* the current text block */
    size_t text_offset;
    bool text_started;
    const char *text_tag;
    int cur_link;             /* the <a> being read, -1 */
    sbuf link_text;
    item_candidate items[8];  /* open list items (nested lists) */
    int nitems_open;
    bool oom;
    bool title_done;
} parse_state;

static size_t ps_offset(parse_state *ps) {
    xmlParserInputPtr in = ps->ctxt->input;
    if (!in || !in->cur || !in->base) return 0;
    size_t off = (size_t)(in->cur - in->base);
    return off > ps->p->html_len ? ps->p->html_len : off;
}

/* The offset of the start tag just read: the last '<' before the cursor. */
static size_t ps_tag_offset(parse_state *ps) {
    size_t off = ps_offset(ps);
    const char *h = ps->p->html;
    while (off > 0 && h[off - 1] != '<') off--;
    return off ? off - 1 : 0;
}

static const char *ps_attr(const xmlChar **atts, const char *name) {
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (strcasecmp((const char *)atts[i], name) == 0)
            return atts[i + 1] ? (const char *)atts[i + 1] : "";
    return NULL;
}

/* Tag names as the model keeps them: a literal for the tags we know, else
 * an arena copy. libxml2 hands us names from its dictionary, which dies
 * with the parser context, before the page does. */
static const char *ps_intern(parse_state *ps, const char *name) {
    static const char *const known[] = {
        "a", "abbr", "address", "area", "article", "aside", "b", "base", "blockquote", "body",
        "br", "button", "caption", "center", "code", "dd", "div", "dl", "dt", "em", "embed",
        "fieldset", "figcaption", "figure", "font", "footer", "form", "frame", "frameset", "h1",
        "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "i", "iframe", "img",
        "input", "label", "legend", "li", "link", "main", "map", "meta", "nav", "noscript",
        "object", "ol", "option", "p", "pre", "s", "script", "section", "select", "source",
        "span", "strong", "style", "table", "tbody", "td", "template", "textarea", "tfoot", "th",
        "thead", "title", "tr", "u", "ul", NULL};
    for (size_t i = 0; known[i]; i++)
        if (strcmp(name, known[i]) == 0) return known[i];
    const char *copy = arena_strdup(ps->p->arena, name);
    if (!copy) {
        ps->oom = true;
        return "";
    }
    return copy;
}

static bool ps_is_block(const char *tag) {
    static const char *const blocks[] = {
        "p", "div", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "pre",
        "blockquote", "section", "article", "header", "footer", "nav", "aside", "main", "caption",
        "address", "figcaption", "ul", "ol", "dl", "table", "tr", "tbody", "form", "body",
        "center", "fieldset", "legend", NULL};
    for (size_t i = 0; blocks[i]; i++)
        if (strcmp(tag, blocks[i]) == 0) return true;
    return false;
}

/* Elements whose text is never shown as text. */
static bool ps_is_invisible_container(const char *tag) {
    return strcmp(tag, "head") == 0 || strcmp(tag, "select") == 0 || strcmp(tag, "option") == 0 ||
           strcmp(tag, "template") == 0 || strcmp(tag, "noscript") == 0 ||
           strcmp(tag, "textarea") == 0 || strcmp(tag, "object") == 0;
}

static bool ps_compound_matches(const css_compound *c, const open_elem *e) {
    if (c->tag[0] && strcmp(c->tag, e->tag) != 0) return false;
    if (c->id[0] && strcmp(c->id, e->id) != 0) return false;
    if (c->cls[0]) {
        size_t n = strlen(c->cls);
        const char *p = e->cls;
        bool found = false;
        while ((p = strstr(p, c->cls))) {
            if ((p == e->cls || isspace((unsigned char)p[-1])) &&
                (p[n] == '\0' || isspace((unsigned char)p[n]))) {
                found = true;
                break;
            }
            p += n;
        }
        if (!found) return false;
    }
    return true;
}

/* Does a <style> rule hide the element on top of the stack? */
static const char *ps_rule_hides(parse_state *ps) {
    const open_elem *top = &ps->stack[ps->depth - 1];
    for (size_t r = 0; r < ps->nrules; r++) {
        const css_rule *rule = &ps->rules[r];
        if (!ps_compound_matches(&rule->parts[rule->nparts - 1], top)) continue;
        int part = rule->nparts - 2;
        for (int d = ps->depth - 2; d >= 0 && part >= 0; d--)
            if (ps_compound_matches(&rule->parts[part], &ps->stack[d])) part--;
        if (part < 0) return rule->hides;
    }
    return NULL;
}

static void ps_add_rules(parse_state *ps, const char *css, size_t len) {
    size_t i = 0;
    while (i < len && ps->nrules < PAGE_MAX_RULES) {
        /* selector list up to '{', declarations up to '}' */
        size_t sel = i;
        while (i < len && css[i] != '{') i++;
        if (i >= len) break;
        size_t sel_end = i++;
        size_t decl = i;
        while (i < len && css[i] != '}') i++;
        char squashed[1024];
        css_squash(css + decl, i - decl, squashed, sizeof squashed);
        const char *hides = css_hiding(squashed);
        if (i < len) i++;
        if (!hides) continue;
        /* Each comma-separated selector becomes a rule. */
        size_t s = sel;
        while (s < sel_end) {
            size_t e = s;
            while (e < sel_end && css[e] != ',') e++;
            css_rule rule = {.nparts = 0, .hides = hides};
            bool ok = true;
            size_t t = s;
            while (t < e && ok) {
                while (t < e && isspace((unsigned char)css[t])) t++;
                size_t start = t;
                while (t < e && !isspace((unsigned char)css[t])) t++;
                if (t == start) break;
                if (rule.nparts == 4) ok = false;
                else ok = css_parse_compound(css + start, t - start, &rule.parts[rule.nparts++]);
            }
            if (ok && rule.nparts > 0) {
                if (ps->nrules == ps->caprules) {
                    size_t cap = ps->caprules ? ps->caprules * 2 : 16;
                    css_rule *p = realloc(ps->rules, cap * sizeof *p);
                    if (!p) {
                        ps->oom = true;
                        return;
                    }
                    ps->rules = p;
                    ps->caprules = cap;
                }
                ps->rules[ps->nrules++] = rule;
            }
            s = e + 1;
        }
    }
}

/* ---- text blocks -------------------------------------------------------------- */

static void ps_flush_text(parse_state *ps) {
    if (ps->text.len) {
        /* trim the collapsed trailing space */
        while (ps->text.len && ps->text.data[ps->text.len - 1] == ' ') ps->text.data[--ps->text.len] = '\0';
        if (ps->text.len && page_grow((void **)&ps->p->texts, &ps->p->ntexts, &ps->captexts,
                                      sizeof *ps->p->texts)) {
            page_text *t = &ps->p->texts[ps->p->ntexts];
            t->text = arena_strndup(ps->p->arena, ps->text.data, ps->text.len);
            t->offset = ps->text_offset;
            t->tag = ps->text_tag ? ps->text_tag : "body";
            if (t->text) ps->p->ntexts++;
        }
    }
    sbuf_reset(&ps->text);
    ps->text_started = false;
}

/* Appends text with runs of white space (ASCII, NBSP, ideographic space)
 * collapsed to one ASCII space. */
static void ps_append_collapsed(sbuf *b, const char *s, size_t n, bool *started) {
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        size_t skip = 0;
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') skip = 1;
        else if (ch == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) skip = 2;
        if (skip) {
            if (*started && b->len && b->data[b->len - 1] != ' ') sbuf_putc(b, ' ');
            i += skip - 1;
            continue;
        }
        *started = true;
        sbuf_putc(b, (char)ch);
    }
}

/* ---- SAX callbacks ------------------------------------------------------------- */

static const char *ps_resolve(parse_state *ps, const char *raw, url_kind *kind) {
    char *out = NULL;
    *kind = url_resolve(ps->p->base, raw, &out);
    if (!out) return NULL;
    const char *copy = arena_strdup(ps->p->arena, out);
    free(out);
    return copy;
}

static int ps_add_link(parse_state *ps, const char *tag, const char *attr, const char *raw,
                       const char *text, const char *rel, const char *hidden_by, size_t offset) {
    if (!page_grow((void **)&ps->p->links, &ps->p->nlinks, &ps->caplinks, sizeof *ps->p->links))
        return -1;
    page_link *l = &ps->p->links[ps->p->nlinks];
    memset(l, 0, sizeof *l);
    l->tag = tag;
    l->attr = attr;
    l->raw = arena_strdup(ps->p->arena, raw);
    l->url = ps_resolve(ps, raw, &l->kind);
    l->text = arena_strdup(ps->p->arena, text ? text : "");
    l->rel = arena_strdup(ps->p->arena, rel ? rel : "");
    l->visible = hidden_by == NULL;
    l->hidden_by = hidden_by;
    l->offset = offset;
    if (!l->raw || !l->text || !l->rel) return -1;
    return (int)ps->p->nlinks++;
}

/* Links written by an inline script: href="..." inside document.write(). */
static void ps_script_links(parse_state *ps, const char *js, size_t len, size_t offset) {
    if (!memmem(js, len, "document.write", 14) && !memmem(js, len, "innerHTML", 9)) return;
    const char *end = js + len;
    for (const char *p = js; p < end;) {
        const char *h = memmem(p, (size_t)(end - p), "href=", 5);
        if (!h) break;
        p = h + 5;
        while (p < end && *p == '\\') p++;
        char quote = p < end && (*p == '"' || *p == '\'') ? *p++ : 0;
        const char *start = p;
        while (p < end && *p != quote && *p != '\\' && *p != '>' && !(quote == 0 && isspace((unsigned char)*p)))
            p++;
        if (p > start && p - start < 2048) {
            char url[2048];
            memcpy(url, start, (size_t)(p - start));
            url[p - start] = '\0';
            ps_add_link(ps, "a", "href", url, "", "", "script", offset);
        }
    }
}

static void ps_item_open(parse_state *ps, open_elem *e, size_t offset) {
    e->item = -1;
    if (ps->nitems_open >= (int)(sizeof ps->items / sizeof *ps->items)) return;
    item_candidate *c = &ps->items[ps->nitems_open];
    c->offset = offset;
    c->first_link = -1;
    sbuf_reset(&c->outside);
    e->item = ps->nitems_open++;
}

/* Dates as list items show them. Returns true and fills y/m/d (y 0 when the
 * text has no year) and the matched span. */
static bool ps_find_date(const char *s, int *y, int *m, int *d, const char **at, size_t *len) {
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) || (p > s && isdigit((unsigned char)p[-1]))) continue;
        const char *q = p;
        int a = 0, na = 0;
        while (isdigit((unsigned char)*q) && na < 5) a = a * 10 + (*q++ - '0'), na++;
        if (isdigit((unsigned char)*q)) continue;
        /* separators: - / . 年 */
        int sep = 0;
        if (*q == '-' || *q == '/' || *q == '.') sep = 1;
        else if (strncmp(q, "年", 3) == 0) sep = 3;
        else continue;
        const char *r = q + sep;
        int b = 0, nb = 0;
        while (isdigit((unsigned char)*r) && nb < 3) b = b * 10 + (*r++ - '0'), nb++;
        if (nb == 0 || nb > 2) continue;
        if (na == 4) {
            int sep2 = 0;
            if (*r == q[0] && sep == 1) sep2 = 1;
            else if (strncmp(r, "月", 3) == 0 && sep == 3) sep2 = 3;
            else continue;
            const char *t = r + sep2;
            int c = 0, nc = 0;
            while (isdigit((unsigned char)*t) && nc < 3) c = c * 10 + (*t++ - '0'), nc++;
            if (nc == 0 || nc > 2 || isdigit((unsigned char)*t)) continue;
            if (sep2 == 3 && strncmp(t, "日", 3) == 0) t += 3;
            if (a < 1990 || a > 2100 || b < 1 || b > 12 || c < 1 || c > 31) continue;
            *y = a, *m = b, *d = c, *at = p, *len = (size_t)(t - p);
            return true;
        }
        if (na == 2 && sep == 1 && q[0] == '-' && !isdigit((unsigned char)*r)) {
            /* MM-DD, as in "[08-10]" */
            if (a < 1 || a > 12 || b < 1 || b > 31) continue;
            *y = 0, *m = a, *d = b, *at = p, *len = (size_t)(r - p);
            return true;
        }
    }
    return false;
}

static void ps_item_close(parse_state *ps, open_elem *e) {
    if (e->item < 0 || e->item != ps->nitems_open - 1) return;
    item_candidate *c = &ps->items[--ps->nitems_open];
    if (c->first_link < 0) return;
    int y, m, d;
    const char *at;
    size_t len;
    if (!ps_find_date(sbuf_str(&c->outside), &y, &m, &d, &at, &len)) return;
    if (!page_grow((void **)&ps->p->items, &ps->p->nitems, &ps->capitems, sizeof *ps->p->items)) return;
    const page_link *l = &ps->p->links[c->first_link];
    page_item *it = &ps->p->items[ps->p->nitems];
    it->title = l->text;
    it->url = l->url ? l->url : l->raw;
    it->date_text = arena_strndup(ps->p->arena, at, len);
    it->year = y;
    it->month = m;
    it->day = d;
    it->offset = c->offset;
    if (it->date_text) ps->p->nitems++;
}

static void ps_start(void *ud, const xmlChar *name, const xmlChar **atts) {
    parse_state *ps = ud;
    if (ps->depth >= PAGE_MAX_DEPTH) {
        ps->skipped_depth++;
        return;
    }
    const char *tag = ps_intern(ps, (const char *)name);
    size_t offset = ps_tag_offset(ps);
    open_elem *parent = ps->depth ? &ps->stack[ps->depth - 1] : NULL;
    open_elem *e = &ps->stack[ps->depth++];
    e->tag = tag;
    e->id = arena_strdup(ps->p->arena, ps_attr(atts, "id"));
    e->cls = arena_strdup(ps->p->arena, ps_attr(atts, "class"));
    e->link = -1;
    e->item = -1;
    e->block = ps_is_block(tag);
    e->hidden_by = parent ? parent->hidden_by : NULL;
    if (!e->hidden_by) {
        const char *style = ps_attr(atts, "style");
        if (style) {
            char squashed[1024];
            css_squash(style, strlen(style), squashed, sizeof squashed);
            e->hidden_by = css_hiding(squashed);
        }
        if (!e->hidden_by && ps_attr(atts, "hidden")) e->hidden_by = "hidden attribute";
        if (!e->hidden_by && ps->nrules) e->hidden_by = ps_rule_hides(ps);
        if (!e->hidden_by && ps_is_invisible_container(tag)) e->hidden_by = tag;
    }
    if (e->block) {
        ps_flush_text(ps);
        ps->text_tag = tag;
    }
    if (strcmp(tag, "style") == 0) ps->raw_kind = 1;
    else if (strcmp(tag, "script") == 0) ps->raw_kind = 2;
    else if (strcmp(tag, "title") == 0 && !ps->title_done) ps->raw_kind = 3;
    if (ps->raw_kind) sbuf_reset(&ps->raw);

    const char *hidden = e->hidden_by;
    if (strcmp(tag, "a") == 0 || strcmp(tag, "area") == 0) {
        const char *href = ps_attr(atts, "href");
        if (href) {
            const char *text = strcmp(tag, "area") == 0 ? ps_attr(atts, "alt") : NULL;
            int idx = ps_add_link(ps, tag, "href", href, text, NULL, hidden, offset);
            if (strcmp(tag, "a") == 0 && idx >= 0) {
                e->link = idx;
                ps->cur_link = idx;
                sbuf_reset(&ps->link_text);
                const char *title = ps_attr(atts, "title");
                /* keep the title for cut-off anchor texts ("...") */
                if (title) ps->p->links[idx].text = arena_strdup(ps->p->arena, title);
            }
            if (idx >= 0)
                for (int i = ps->nitems_open - 1; i >= 0; i--)
                    if (ps->items[i].first_link < 0) ps->items[i].first_link = idx;
        }
    } else if (strcmp(tag, "img") == 0 || strcmp(tag, "script") == 0 || strcmp(tag, "iframe") == 0 ||
               strcmp(tag, "frame") == 0 || strcmp(tag, "embed") == 0 || strcmp(tag, "source") == 0) {
        const char *src = ps_attr(atts, "src");
        if (src && *src) {
            const char *alt = strcmp(tag, "img") == 0 ? ps_attr(atts, "alt") : NULL;
            ps_add_link(ps, tag, "src", src, alt, NULL, hidden, offset);
            if (alt && ps->cur_link >= 0 && ps->link_text.len == 0) sbuf_puts(&ps->link_text, alt);
        }
    } else if (strcmp(tag, "link") == 0) {
        const char *href = ps_attr(atts, "href");
        if (href && *href) ps_add_link(ps, tag, "href", href, NULL, ps_attr(atts, "rel"), hidden, offset);
    } else if (strcmp(tag, "base") == 0) {
        const char *href = ps_attr(atts, "href");
        url_kind k;
        const char *b = href ? ps_resolve(ps, href, &k) : NULL;
        if (b && k == URL_HTTP) ps->p->base = b;
    } else if (strcmp(tag, "meta") == 0) {
        const char *mname = ps_attr(atts, "name");
        const char *content = ps_attr(atts, "content");
        if (mname && page_grow((void **)&ps->p->metas, &ps->p->nmetas, &ps->capmetas,
                               sizeof *ps->p->metas)) {
            page_meta *m = &ps->p->metas[ps->p->nmetas];
            m->name = arena_strdup(ps->p->arena, mname);
            sbuf tmp = SBUF_INIT;
            bool started = false;
            ps_append_collapsed(&tmp, content ? content : "", content ? strlen(content) : 0, &started);
            while (tmp.len && tmp.data[tmp.len - 1] == ' ') tmp.data[--tmp.len] = '\0';
            m->content = arena_strdup(ps->p->arena, sbuf_str(&tmp));
            sbuf_free(&tmp);
            m->offset = offset;
            if (m->name && m->content) ps->p->nmetas++;
        }
    } else if (strcmp(tag, "form") == 0) {
        if (page_grow((void **)&ps->p->forms, &ps->p->nforms, &ps->capforms, sizeof *ps->p->forms)) {
            page_form *f = &ps->p->forms[ps->p->nforms];
            memset(f, 0, sizeof *f);
            const char *action = ps_attr(atts, "action");
            url_kind k = URL_INVALID;
            f->action = action && *action ? ps_resolve(ps, action, &k) : ps->p->url;
            if (!f->action) f->action = "";
            const char *method = ps_attr(atts, "method");
            char lower[16] = "get";
            if (method) {
                size_t i = 0;
                for (; method[i] && i + 1 < sizeof lower; i++) lower[i] = (char)tolower((unsigned char)method[i]);
                lower[i] = '\0';
            }
            f->method = arena_strdup(ps->p->arena, lower);
            f->offset = offset;
            ps->p->nforms++;
            if (action && *action && k == URL_HTTP)
                ps_add_link(ps, "form", "action", action, NULL, NULL, hidden, offset);
        }
    } else if (strcmp(tag, "input") == 0 || strcmp(tag, "select") == 0 ||
               strcmp(tag, "textarea") == 0 || strcmp(tag, "button") == 0) {
        if (ps->p->nforms) {
            page_form *f = &ps->p->forms[ps->p->nforms - 1];
            const char *type = ps_attr(atts, "type");
            if (strcmp(tag, "textarea") == 0) f->has_textarea = true;
            else if (strcmp(tag, "select") == 0) f->inputs++;
            else if (strcmp(tag, "button") == 0) {
                if (!type || strcasecmp(type, "submit") == 0) f->has_submit = true;
            } else if (type && (strcasecmp(type, "submit") == 0 || strcasecmp(type, "image") == 0)) {
                f->has_submit = true;
            } else if (!type || (strcasecmp(type, "hidden") != 0 && strcasecmp(type, "button") != 0 &&
                                 strcasecmp(type, "reset") != 0)) {
                f->inputs++;
            }
        }
    }
    if (strcmp(tag, "li") == 0 || strcmp(tag, "tr") == 0 || strcmp(tag, "dd") == 0 ||
        strcmp(tag, "dt") == 0)
        ps_item_open(ps, e, offset);
}

static void ps_end(void *ud, const xmlChar *name) {
    parse_state *ps = ud;
    (void)name;
    if (ps->skipped_depth) {
        ps->skipped_depth--;
        return;
    }
    if (ps->depth == 0) return;
    open_elem *e = &ps->stack[ps->depth - 1];
    if (ps->raw_kind) {
        size_t off = ps_offset(ps);
        if (ps->raw_kind == 1 && strcmp(e->tag, "style") == 0)
            ps_add_rules(ps, sbuf_str(&ps->raw), ps->raw.len);
        else if (ps->raw_kind == 2 && strcmp(e->tag, "script") == 0)
            ps_script_links(ps, sbuf_str(&ps->raw), ps->raw.len, off);
        else if (ps->raw_kind == 3 && strcmp(e->tag, "title") == 0) {
            sbuf tmp = SBUF_INIT;
            bool started = false;
            ps_append_collapsed(&tmp, sbuf_str(&ps->raw), ps->raw.len, &started);
            while (tmp.len && tmp.data[tmp.len - 1] == ' ') tmp.data[--tmp.len] = '\0';
            ps->p->title = arena_strdup(ps->p->arena, sbuf_str(&tmp));
            sbuf_free(&tmp);
            ps->title_done = true;
        }
        ps->raw_kind = 0;
    }
    if (e->link >= 0) {
        page_link *l = &ps->p->links[e->link];
        sbuf tmp = SBUF_INIT;
        bool started = false;
        ps_append_collapsed(&tmp, sbuf_str(&ps->link_text), ps->link_text.len, &started);
        while (tmp.len && tmp.data[tmp.len - 1] == ' ') tmp.data[--tmp.len] = '\0';
        /* The anchor text wins unless it is cut off and a title exists. */
        bool cut = tmp.len >= 3 && (strcmp(tmp.data + tmp.len - 3, "...") == 0 ||
                                    (tmp.len >= 3 && strcmp(tmp.data + tmp.len - 3, "…") == 0));
        if (tmp.len && !(cut && *l->text)) l->text = arena_strdup(ps->p->arena, sbuf_str(&tmp));
        sbuf_free(&tmp);
        ps->cur_link = -1;
    }
    if (e->item >= 0) ps_item_close(ps, e);
    if (e->block) ps_flush_text(ps);
    ps->depth--;
}

static void ps_chars(void *ud, const xmlChar *ch, int len) {
    parse_state *ps = ud;
    if (len <= 0) return;
    if (ps->raw_kind) {
        sbuf_append(&ps->raw, ch, (size_t)len);
        return;
    }
    open_elem *top = ps->depth ? &ps->stack[ps->depth - 1] : NULL;
    if (ps->cur_link >= 0 && ps->link_text.len < 4096) sbuf_append(&ps->link_text, ch, (size_t)len);
    for (int i = 0; i < ps->nitems_open; i++)
        if (ps->cur_link < 0 && ps->items[i].outside.len < 4096)
            sbuf_append(&ps->items[i].outside, ch, (size_t)len), sbuf_putc(&ps->items[i].outside, ' ');
    if (top && top->hidden_by) return;
    bool was_started = ps->text_started;
    ps_append_collapsed(&ps->text, (const char *)ch, (size_t)len, &ps->text_started);
    if (!was_started && ps->text_started) {
        /* The cursor is past these characters; the first non-space one
         * starts the block. */
        size_t end = ps_offset(ps);
        size_t start = end >= (size_t)len ? end - (size_t)len : 0;
        const char *h = ps->p->html;
        while (start < end && isspace((unsigned char)h[start])) start++;
        ps->text_offset = start;
    }
}

static void ps_cdata(void *ud, const xmlChar *ch, int len) {
    parse_state *ps = ud;
    if (ps->raw_kind && len > 0) sbuf_append(&ps->raw, ch, (size_t)len);
}

static void ps_silent(void *ctx, const char *msg, ...) {
    (void)ctx;
    (void)msg;
}

/* ---- public --------------------------------------------------------------------- */

page *page_parse(const char *html, size_t html_len, const char *url, const char *charset, err *e) {
    if (html_len > PAGE_MAX_BYTES) html_len = PAGE_MAX_BYTES;
    page *p = calloc(1, sizeof *p);
    struct page_arena *a = calloc(1, sizeof *a);
    if (!p || !a) {
        free(p);
        free(a);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    p->arena = a;
    /* Our own copy, with NUL bytes made spaces: the parser would stop at one,
     * and offsets must stay where they were. */
    char *copy = arena_alloc(a, html_len + 1);
    if (!copy) {
        page_free(p);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    memcpy(copy, html, html_len);
    copy[html_len] = '\0';
    for (size_t i = 0; i < html_len; i++)
        if (copy[i] == '\0') copy[i] = ' ';
    p->html = copy;
    p->html_len = html_len;
    p->url = arena_strdup(a, url);
    p->base = p->url;
    p->charset = arena_strdup(a, charset ? charset : "UTF-8");
    p->title = "";

    parse_state *ps = calloc(1, sizeof *ps);
    if (!ps) {
        page_free(p);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    ps->p = p;
    ps->cur_link = -1;
    if (html_len > 0) {
        htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(copy, (int)html_len);
        if (!ctxt) {
            free(ps);
            page_free(p);
            err_set(e, ERR_NOMEM, L("%s: the HTML parser could not start", "%s：HTML 解析器无法启动"), url);
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
        /* Elements left open at the end close now, in order. */
        while (ps->depth > 0) ps_end(ps, (const xmlChar *)ps->stack[ps->depth - 1].tag);
        ps_flush_text(ps);
        htmlFreeParserCtxt(ctxt);
    }
    bool oom = ps->oom || ps->text.oom || ps->raw.oom;
    sbuf_free(&ps->raw);
    sbuf_free(&ps->text);
    sbuf_free(&ps->link_text);
    for (size_t i = 0; i < sizeof ps->items / sizeof *ps->items; i++) sbuf_free(&ps->items[i].outside);
    free(ps->rules);
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
