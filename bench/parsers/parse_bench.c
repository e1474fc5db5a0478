/*
 * parse_bench — gumbo vs libxml2's HTML parser, for the choice recorded in
 * docs/html-parser.md.  Standalone: built by bench/parsers/build.sh, not by
 * CMake, and not linked into govinspect.
 *
 * Each input file (already UTF-8) is parsed and the tree is walked once to
 * pull out what the page model needs:
 *   links  a[href] area[href] link[href] img[src] script[src] iframe[src]
 *          (with anchor text for a, alt for area, and whether the element or
 *          an ancestor is hidden by inline style / the hidden attribute),
 *   metas  meta[name][content],
 *   title  the first <title> outside svg/math,
 *   text   every text node outside script/style (bytes, and bytes that are
 *          not ASCII whitespace).
 * The walks are iterative, so a deep tree cannot overflow our stack; whatever
 * overflows is the parser's own code.
 *
 * Parsers ("-p", repeatable):
 *   gumbo             gumbo_parse_with_options, max_errors = 0
 *   libxml2           htmlCtxtReadMemory on a reused context, encoding
 *                     "UTF-8", options RECOVER|NOERROR|NOWARNING|NONET|
 *                     COMPACT|IGNORE_ENC|XML_PARSE_HUGE
 *   libxml2-push      htmlCreatePushParserCtxt(..., XML_CHAR_ENCODING_UTF8)
 *                     fed in 64 KiB chunks, same options
 *   libxml2-nodeinfo  htmlCreateMemoryParserCtxt + record_info = 1 +
 *                     htmlParseDocument: the only libxml2 way to get byte
 *                     offsets (of elements only) in the tree
 * Modes ("-m"):
 *   bench  (default) N timed parse+walk+free runs per file and parser; one
 *          TSV row per file and parser, a TOTAL row, and peak RSS
 *   once   one parse+walk, then counts, time and peak RSS (hostile inputs)
 *   dump   the extracted items, one per line (to diff the parsers)
 *   tree   the tree in html5lib's test format (to diff against a browser)
 *   pos    source positions of text nodes and of elements with an id, in
 *          the form "T<marker> line col offset" (-1 = not available)
 *   gumbo-arena       gumbo with a bump-arena allocator dropped whole after
 *                     the walk (no gumbo_destroy_output), and an optional
 *                     memory budget (-B MB) enforced by longjmp
 * Flags: -n N iterations (default 20); -H libxml2 without XML_PARSE_HUGE;
 * -E libxml2 without IGNORE_ENC and without the "UTF-8" argument (what a
 * default call does with <meta charset>); -G gumbo with max_errors = -1.
 */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

#include <gumbo.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

/* ------------------------------------------------------------------ util */

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long maxrss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static void die(const char *m) {
  fprintf(stderr, "parse_bench: %s\n", m);
  exit(2);
}

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n);
  if (!p && n) die("out of memory");
  return p;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "parse_bench: %s: %s\n", path, strerror(errno));
    exit(2);
  }
  size_t cap = 1 << 16, n = 0;
  char *b = xrealloc(NULL, cap + 1);
  size_t r;
  while ((r = fread(b + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) b = xrealloc(b, (cap *= 2) + 1);
  }
  fclose(f);
  b[n] = 0;
  *len = n;
  return b;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* --------------------------------------------------------------- visitor */

typedef struct {
  const char *name, *val;
} attr_t;

typedef struct {
  long line, col, off; /* -1 = parser cannot tell */
} pos_t;

enum { F_HIDDEN = 1, F_SKIP = 2, F_TITLE = 4, F_ANCHOR = 8, F_FOREIGN = 16 };

typedef struct {
  /* counts */
  size_t elements, text_nodes, text_bytes, text_nonws, links, hidden_links,
      metas, title_bytes, anchor_bytes;
  /* state */
  int depth, skip, hidden, foreign, in_title, title_done, anchor_open;
  uint8_t *flags;
  size_t fcap;
  /* dump mode */
  FILE *out;
  char *abuf; /* anchor text of the open anchor */
  size_t alen, acap;
  char anchor_tag[8];
  int anchor_hidden;
  const char *anchor_url;
  char *tbuf; /* title */
  size_t tlen, tcap;
  int pos_mode;
} V;

static void v_reset(V *v) {
  uint8_t *f = v->flags;
  size_t fc = v->fcap;
  char *ab = v->abuf, *tb = v->tbuf;
  size_t ac = v->acap, tc = v->tcap;
  FILE *o = v->out;
  int pm = v->pos_mode;
  memset(v, 0, sizeof *v);
  v->flags = f, v->fcap = fc, v->abuf = ab, v->acap = ac, v->tbuf = tb,
  v->tcap = tc, v->out = o, v->pos_mode = pm;
}

static void buf_add(char **b, size_t *len, size_t *cap, const char *s,
                    size_t n) {
  if (*len + n + 1 > *cap) {
    *cap = (*len + n + 1) * 2;
    *b = xrealloc(*b, *cap);
  }
  memcpy(*b + *len, s, n);
  *len += n;
  (*b)[*len] = 0;
}

/* prints s with runs of whitespace collapsed, tabs/newlines never printed */
static void put_collapsed(FILE *o, const char *s, size_t n) {
  int sp = 0, any = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      sp = 1;
      continue;
    }
    if (sp && any) fputc(' ', o);
    sp = 0, any = 1;
    fputc(c, o);
  }
}

static bool is_ws(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* style="display : none" / "visibility:hidden", case- and space-insensitive */
static bool style_hides(const char *s) {
  char buf[512];
  size_t n = 0;
  for (; *s && n < sizeof buf - 1; s++)
    if (!is_ws((unsigned char)*s)) buf[n++] = (char)tolower((unsigned char)*s);
  buf[n] = 0;
  return strstr(buf, "display:none") || strstr(buf, "visibility:hidden");
}

static const char *attr_get(const attr_t *a, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (strcmp(a[i].name, name) == 0) return a[i].val ? a[i].val : "";
  return NULL;
}

static void v_enter(V *v, const char *tag, bool foreign, const attr_t *a,
                    int na, pos_t p) {
  if ((size_t)v->depth + 1 >= v->fcap) {
    v->fcap = v->fcap ? v->fcap * 2 : 256;
    v->flags = xrealloc(v->flags, v->fcap);
  }
  uint8_t fl = 0;
  v->elements++;
  if (v->pos_mode) {
    const char *id = attr_get(a, na, "id");
    if (id && id[0] == 'E')
      fprintf(v->out, "%s %ld %ld %ld\n", id, p.line, p.col, p.off);
  }
  if (foreign || strcmp(tag, "svg") == 0 || strcmp(tag, "math") == 0) {
    fl |= F_FOREIGN;
    v->foreign++;
  }
  const char *st = attr_get(a, na, "style");
  if ((st && style_hides(st)) || attr_get(a, na, "hidden")) {
    fl |= F_HIDDEN;
    v->hidden++;
  }
  if (strcmp(tag, "script") == 0 || strcmp(tag, "style") == 0) {
    fl |= F_SKIP;
    v->skip++;
  }
  if (!v->title_done && !v->foreign && strcmp(tag, "title") == 0) {
    fl |= F_TITLE;
    v->in_title = 1;
  }
  static const struct {
    const char *tag, *attr;
  } lt[] = {{"a", "href"},     {"area", "href"}, {"link", "href"},
            {"img", "src"},    {"script", "src"}, {"iframe", "src"}};
  for (size_t i = 0; i < sizeof lt / sizeof lt[0]; i++) {
    if (strcmp(tag, lt[i].tag) != 0) continue;
    const char *url = attr_get(a, na, lt[i].attr);
    if (!url) break;
    v->links++;
    if (v->hidden) v->hidden_links++;
    if (i <= 1) { /* a, area: anchor text */
      if (v->anchor_open) {
        if (v->out && !v->pos_mode) { /* close the outer one now */
          fprintf(v->out, "link\t%s\t%s\t%s\t", v->anchor_tag,
                  v->anchor_hidden ? "hidden" : "shown", v->anchor_url);
          put_collapsed(v->out, v->abuf ? v->abuf : "", v->alen);
          fputs("\t(outer of nested)\n", v->out);
        }
      }
      fl |= F_ANCHOR;
      v->anchor_open = 1;
      v->alen = 0;
      snprintf(v->anchor_tag, sizeof v->anchor_tag, "%s", tag);
      v->anchor_hidden = v->hidden > 0;
      v->anchor_url = url;
      if (i == 1) {
        const char *alt = attr_get(a, na, "alt");
        if (alt) {
          v->anchor_bytes += strlen(alt);
          if (v->out) buf_add(&v->abuf, &v->alen, &v->acap, alt, strlen(alt));
        }
      }
    } else if (v->out && !v->pos_mode) {
      fprintf(v->out, "link\t%s\t%s\t%s\t\n", tag, v->hidden ? "hidden" : "shown",
              url);
    }
    break;
  }
  if (strcmp(tag, "meta") == 0) {
    const char *name = attr_get(a, na, "name"), *content = attr_get(a, na, "content");
    if (name && content) {
      v->metas++;
      if (v->out && !v->pos_mode) fprintf(v->out, "meta\t%s\t%s\n", name, content);
    }
  }
  v->flags[++v->depth] = fl;
}

static void v_text(V *v, const char *s, size_t n, pos_t p) {
  if (v->skip) return;
  v->text_nodes++;
  v->text_bytes += n;
  for (size_t i = 0; i < n; i++)
    if (!is_ws((unsigned char)s[i])) v->text_nonws++;
  if (v->in_title) {
    v->title_bytes += n;
    if (v->out) buf_add(&v->tbuf, &v->tlen, &v->tcap, s, n);
  }
  if (v->anchor_open) {
    v->anchor_bytes += n;
    if (v->out) buf_add(&v->abuf, &v->alen, &v->acap, s, n);
  }
  if (!v->out) return;
  if (v->pos_mode) {
    const char *m = memmem(s, n, "@T", 2);
    if (m) {
      size_t k = 1;
      while (m + k < s + n && m[k] != '@') k++;
      fprintf(v->out, "%.*s %ld %ld %ld\n", (int)(k - 1), m + 1, p.line, p.col,
              p.off);
    }
    return;
  }
  size_t i = 0;
  while (i < n && is_ws((unsigned char)s[i])) i++;
  if (i == n) return;
  fprintf(v->out, "text\t%s\t", v->hidden ? "hidden" : "shown");
  put_collapsed(v->out, s, n);
  fputc('\n', v->out);
}

static void v_leave(V *v) {
  uint8_t fl = v->flags[v->depth--];
  if (fl & F_HIDDEN) v->hidden--;
  if (fl & F_SKIP) v->skip--;
  if (fl & F_FOREIGN) v->foreign--;
  if (fl & F_TITLE) {
    v->in_title = 0;
    v->title_done = 1;
    if (v->out && !v->pos_mode) {
      fputs("title\t", v->out);
      put_collapsed(v->out, v->tbuf ? v->tbuf : "", v->tlen);
      fputc('\n', v->out);
    }
  }
  if ((fl & F_ANCHOR) && v->anchor_open) {
    v->anchor_open = 0;
    if (v->out && !v->pos_mode) {
      fprintf(v->out, "link\t%s\t%s\t%s\t", v->anchor_tag,
              v->anchor_hidden ? "hidden" : "shown", v->anchor_url);
      put_collapsed(v->out, v->abuf ? v->abuf : "", v->alen);
      fputc('\n', v->out);
    }
  }
}

/* ------------------------------------------------------------ tree dump */

/* html5lib tree-construction test format, without comments and doctype;
 * adjacent text nodes are merged, as in a DOM. */
typedef attr_t kv_t;

static int cmp_kv(const void *a, const void *b) {
  return strcmp(((const kv_t *)a)->name, ((const kv_t *)b)->name);
}

static void indent(FILE *o, int d) {
  fputs("| ", o);
  for (int i = 0; i < d; i++) fputs("  ", o);
}

static void put_escaped(FILE *o, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\n') fputs("\\n", o);
    else if (s[i] == '\t') fputs("\\t", o);
    else if (s[i] == '\\') fputs("\\\\", o);
    else fputc(s[i], o);
  }
}

static char *pend;
static size_t pend_len, pend_cap;
static int pend_depth;

static void tree_flush(FILE *o) {
  if (!pend_len) return;
  indent(o, pend_depth);
  fputc('"', o);
  put_escaped(o, pend, pend_len);
  fputs("\"\n", o);
  pend_len = 0;
}

static void tree_text(FILE *o, int d, const char *s, size_t n) {
  if (pend_len && pend_depth != d) tree_flush(o);
  pend_depth = d;
  buf_add(&pend, &pend_len, &pend_cap, s, n);
}

static void tree_elem(FILE *o, int d, const char *ns, const char *name,
                      kv_t *kv, int nkv) {
  tree_flush(o);
  indent(o, d);
  if (ns) fprintf(o, "<%s %s>\n", ns, name);
  else fprintf(o, "<%s>\n", name);
  qsort(kv, nkv, sizeof *kv, cmp_kv);
  for (int i = 0; i < nkv; i++) {
    indent(o, d + 1);
    fprintf(o, "%s=\"", kv[i].name);
    put_escaped(o, kv[i].val, strlen(kv[i].val));
    fputs("\"\n", o);
  }
}

/* ----------------------------------------------------------------- gumbo */

static bool g_max_errors_unlimited;

static const char *g_tagname(const GumboElement *e, char *buf, size_t cap) {
  if (e->tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e->tag);
  GumboStringPiece t = e->original_tag;
  gumbo_tag_from_original_text(&t);
  size_t n = t.length < cap - 1 ? t.length : cap - 1;
  for (size_t i = 0; i < n; i++) buf[i] = (char)tolower((unsigned char)t.data[i]);
  buf[n] = 0;
  return buf;
}

static attr_t *g_attrs;
static int g_attrs_cap;

static void g_walk(GumboNode *root, V *v, FILE *tree) {
  GumboNode *n = root;
  char tagbuf[64];
  int depth = 0;
  for (;;) {
    /* visit n */
    bool container = false;
    if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
      GumboElement *e = &n->v.element;
      const char *tag = g_tagname(e, tagbuf, sizeof tagbuf);
      int na = (int)e->attributes.length;
      if (na > g_attrs_cap) {
        g_attrs_cap = na * 2;
        g_attrs = xrealloc(g_attrs, sizeof *g_attrs * (size_t)g_attrs_cap);
      }
      for (int i = 0; i < na; i++) {
        GumboAttribute *at = e->attributes.data[i];
        g_attrs[i].name = at->name;
        g_attrs[i].val = at->value;
      }
      if (tree) {
        const char *ns = e->tag_namespace == GUMBO_NAMESPACE_SVG    ? "svg"
                         : e->tag_namespace == GUMBO_NAMESPACE_MATHML ? "math"
                                                                      : NULL;
        tree_elem(tree, depth, ns, tag, g_attrs, na);
        if (n->type == GUMBO_NODE_TEMPLATE) {
          indent(tree, depth + 1);
          fputs("content\n", tree);
        }
      } else {
        pos_t p = {e->start_pos.line, e->start_pos.column, e->start_pos.offset};
        v_enter(v, tag, e->tag_namespace != GUMBO_NAMESPACE_HTML, g_attrs, na, p);
      }
      if (e->children.length) container = true;
      else if (!tree) v_leave(v);
    } else if (n->type == GUMBO_NODE_DOCUMENT) {
      container = n->v.document.children.length > 0;
    } else if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
               n->type == GUMBO_NODE_CDATA) {
      GumboText *t = &n->v.text;
      size_t len = strlen(t->text);
      if (tree) {
        tree_text(tree, depth, t->text, len);
      } else {
        pos_t p = {t->start_pos.line, t->start_pos.column, t->start_pos.offset};
        v_text(v, t->text, len, p);
      }
    }
    if (container) {
      GumboVector *ch = n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children
                                                       : &n->v.element.children;
      if (n->type != GUMBO_NODE_DOCUMENT) depth++;
      if (n->type == GUMBO_NODE_TEMPLATE && tree) depth++;
      n = ch->data[0];
      continue;
    }
    /* next sibling, or climb */
    for (;;) {
      if (n == root) return;
      GumboNode *par = n->parent;
      size_t idx = n->index_within_parent + 1;
      GumboVector *ch = par->type == GUMBO_NODE_DOCUMENT ? &par->v.document.children
                                                         : &par->v.element.children;
      if (idx < ch->length) {
        n = ch->data[idx];
        break;
      }
      n = par;
      if (n->type != GUMBO_NODE_DOCUMENT) {
        depth--;
        if (n->type == GUMBO_NODE_TEMPLATE && tree) depth--;
        if (!tree) v_leave(v);
      }
    }
  }
}

/* gumbo-arena: every allocation of one parse comes from a bump arena that is
 * dropped whole afterwards (gumbo's frees are no-ops), with a byte budget:
 * past it the allocator longjmps out of gumbo and the parse is abandoned.
 * gumbo keeps no global state and no other resources, so dropping the arena
 * is a complete clean-up. */
typedef struct chunk {
  struct chunk *next;
  size_t size, used;
  max_align_t data[];
} chunk;
static chunk *arena_head;
static size_t arena_total, arena_budget; /* bytes; 0 = no budget */
static jmp_buf arena_jmp;
static bool arena_armed;
static int arena_why; /* 1 budget exceeded, 2 malloc failed */

static void *arena_alloc(void *ud, size_t n) {
  (void)ud;
  n = (n + 15) & ~(size_t)15;
  chunk *c = arena_head;
  if (!c || c->size - c->used < n) {
    size_t sz = n > (1u << 20) ? n : (1u << 20);
    if (arena_budget && arena_total + sz > arena_budget && arena_armed) {
      arena_why = 1;
      longjmp(arena_jmp, 1);
    }
    c = malloc(sizeof *c + sz);
    if (!c) {
      if (arena_armed) {
        arena_why = 2;
        longjmp(arena_jmp, 1);
      }
      die("out of memory");
    }
    c->size = sz, c->used = 0, c->next = arena_head;
    arena_head = c;
    arena_total += sz;
  }
  void *p = (char *)c->data + c->used;
  c->used += n;
  return p;
}
static void arena_free(void *ud, void *p) { (void)ud, (void)p; }
static void arena_reset(void) {
  while (arena_head) {
    chunk *n = arena_head->next;
    if (!n) break; /* keep the first (oldest) chunk */
    free(arena_head);
    arena_head = n;
  }
  if (arena_head) arena_head->used = 0, arena_total = arena_head->size;
}

static void run_gumbo_arena(const char *buf, size_t len, V *v, FILE *tree) {
  GumboOptions opt = kGumboDefaultOptions;
  opt.max_errors = g_max_errors_unlimited ? -1 : 0;
  opt.allocator = arena_alloc;
  opt.deallocator = arena_free;
  arena_reset();
  if (setjmp(arena_jmp) != 0) {
    arena_armed = false;
    fprintf(stderr, "gumbo-arena: parse abandoned (%s) after %zu MB\n",
            arena_why == 1 ? "budget exceeded" : "malloc failed", arena_total >> 20);
    arena_reset();
    return;
  }
  arena_armed = true;
  GumboOutput *out = gumbo_parse_with_options(&opt, buf, len);
  arena_armed = false;
  g_walk(out->document, v, tree);
  if (tree) tree_flush(tree);
  arena_reset(); /* instead of gumbo_destroy_output */
}

static void run_gumbo(const char *buf, size_t len, V *v, FILE *tree) {
  GumboOptions opt = kGumboDefaultOptions;
  opt.max_errors = g_max_errors_unlimited ? -1 : 0;
  GumboOutput *out = gumbo_parse_with_options(&opt, buf, len);
  if (!out) die("gumbo returned NULL");
  g_walk(out->document, v, tree);
  if (tree) tree_flush(tree);
  gumbo_destroy_output(&opt, out);
}

/* --------------------------------------------------------------- libxml2 */

static bool x_no_huge, x_honour_meta;

static int x_options(void) {
  int o = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
          HTML_PARSE_NONET | HTML_PARSE_COMPACT;
  if (!x_no_huge) o |= XML_PARSE_HUGE;
  if (!x_honour_meta) o |= HTML_PARSE_IGNORE_ENC;
  return o;
}

static attr_t *x_attrs;
static int x_attrs_cap;

static const char *x_attrval(xmlAttrPtr at) {
  if (at->children && at->children->content) {
    if (at->children->next == NULL) return (const char *)at->children->content;
    /* not produced by the HTML parser, but be safe */
    return (const char *)at->children->content;
  }
  return "";
}

static void x_walk(xmlDocPtr doc, V *v, FILE *tree, htmlParserCtxtPtr ni) {
  xmlNodePtr n = doc->children;
  int depth = 0;
  while (n) {
    bool descend = false;
    if (n->type == XML_ELEMENT_NODE) {
      int na = 0;
      for (xmlAttrPtr at = n->properties; at; at = at->next) {
        if (na >= x_attrs_cap) {
          x_attrs_cap = x_attrs_cap ? x_attrs_cap * 2 : 64;
          x_attrs = xrealloc(x_attrs, sizeof *x_attrs * (size_t)x_attrs_cap);
        }
        x_attrs[na].name = (const char *)at->name;
        x_attrs[na].val = x_attrval(at);
        na++;
      }
      if (tree) {
        tree_elem(tree, depth, NULL, (const char *)n->name, x_attrs, na);
      } else {
        pos_t p = {-1, -1, -1};
        if (v->pos_mode) {
          p.line = xmlGetLineNo(n);
          if (ni) {
            const xmlParserNodeInfo *inf = xmlParserFindNodeInfo(ni, n);
            if (inf) p.off = (long)inf->begin_pos, p.line = (long)inf->begin_line;
          }
        }
        v_enter(v, (const char *)n->name, false, x_attrs, na, p);
      }
      if (n->children) descend = true;
      else if (!tree) v_leave(v);
    } else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      const char *s = (const char *)n->content;
      size_t len = s ? strlen(s) : 0;
      if (tree) tree_text(tree, depth, s, len);
      else {
        pos_t p = {-1, -1, -1};
        if (v->pos_mode) p.line = xmlGetLineNo(n);
        v_text(v, s, len, p);
      }
    }
    if (descend) {
      depth++;
      n = n->children;
      continue;
    }
    for (;;) {
      if (n->next) {
        n = n->next;
        break;
      }
      n = n->parent;
      if (!n || n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE) {
        n = NULL;
        break;
      }
      depth--;
      if (!tree) v_leave(v);
    }
  }
}

static htmlParserCtxtPtr x_ctxt; /* reused by "libxml2" */

static void run_libxml2(const char *buf, size_t len, V *v, FILE *tree) {
  if (!x_ctxt) x_ctxt = htmlNewParserCtxt();
  if (len > INT32_MAX) die("libxml2 takes an int size");
  xmlDocPtr doc = htmlCtxtReadMemory(x_ctxt, buf, (int)len, NULL,
                                     x_honour_meta ? NULL : "UTF-8", x_options());
  if (!doc) {
    if (!tree) fprintf(stderr, "libxml2: no document\n");
    return;
  }
  x_walk(doc, v, tree, NULL);
  if (tree) tree_flush(tree);
  xmlFreeDoc(doc);
}

static void run_libxml2_push(const char *buf, size_t len, V *v, FILE *tree) {
  htmlParserCtxtPtr c = htmlCreatePushParserCtxt(
      NULL, NULL, NULL, 0, NULL,
      x_honour_meta ? XML_CHAR_ENCODING_NONE : XML_CHAR_ENCODING_UTF8);
  htmlCtxtUseOptions(c, x_options());
  c->linenumbers = 1;
  const size_t chunk = 64 * 1024;
  for (size_t off = 0; off < len; off += chunk) {
    size_t n = len - off < chunk ? len - off : chunk;
    htmlParseChunk(c, buf + off, (int)n, 0);
  }
  htmlParseChunk(c, NULL, 0, 1);
  xmlDocPtr doc = c->myDoc;
  c->myDoc = NULL;
  htmlFreeParserCtxt(c);
  if (!doc) return;
  x_walk(doc, v, tree, NULL);
  if (tree) tree_flush(tree);
  xmlFreeDoc(doc);
}

static void run_libxml2_nodeinfo(const char *buf, size_t len, V *v, FILE *tree) {
  htmlParserCtxtPtr c = htmlCreateMemoryParserCtxt(buf, (int)len);
  if (!c) die("htmlCreateMemoryParserCtxt");
  htmlCtxtUseOptions(c, x_options());
  if (!x_honour_meta) xmlSwitchEncoding(c, XML_CHAR_ENCODING_UTF8);
  c->record_info = 1;
  htmlParseDocument(c);
  xmlDocPtr doc = c->myDoc;
  c->myDoc = NULL;
  if (doc) {
    x_walk(doc, v, tree, c);
    if (tree) tree_flush(tree);
    xmlFreeDoc(doc);
  }
  htmlFreeParserCtxt(c);
}

/* ------------------------------------------------------------------ main */

typedef void (*runner)(const char *, size_t, V *, FILE *);
static const struct {
  const char *name;
  runner run;
} parsers[] = {{"gumbo", run_gumbo},
               {"libxml2", run_libxml2},
               {"libxml2-push", run_libxml2_push},
               {"libxml2-nodeinfo", run_libxml2_nodeinfo},
               {"gumbo-arena", run_gumbo_arena}};
enum { NPARSERS = sizeof parsers / sizeof parsers[0] };

static const char *base(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

int main(int argc, char **argv) {
  int iters = 20;
  const char *mode = "bench";
  int sel[NPARSERS], nsel = 0;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-n") && i + 1 < argc) iters = atoi(argv[++i]);
    else if (!strcmp(a, "-m") && i + 1 < argc) mode = argv[++i];
    else if (!strcmp(a, "-p") && i + 1 < argc) {
      const char *p = argv[++i];
      int k = 0;
      for (; k < NPARSERS; k++)
        if (!strcmp(p, parsers[k].name)) break;
      if (k == NPARSERS) die("unknown parser");
      if (nsel < NPARSERS) sel[nsel++] = k;
    } else if (!strcmp(a, "-H")) x_no_huge = true;
    else if (!strcmp(a, "-E")) x_honour_meta = true;
    else if (!strcmp(a, "-G")) g_max_errors_unlimited = true;
    else if (!strcmp(a, "-B") && i + 1 < argc) arena_budget = (size_t)atol(argv[++i]) << 20;
    else if (!strcmp(a, "--")) { i++; break; }
    else die("usage: parse_bench [-n N] [-m bench|once|dump|tree|pos] [-p PARSER]... [-H] [-E] [-G] [-B MB] FILE...");
  }
  if (i >= argc) die("no input files");
  if (!nsel) {
    sel[nsel++] = 0;
    sel[nsel++] = 1;
    sel[nsel++] = 2;
  }
  if (iters < 1) iters = 1;
  xmlInitParser();
  V v;
  memset(&v, 0, sizeof v);

  if (!strcmp(mode, "bench")) {
    double tot_ms[NPARSERS] = {0};
    size_t tot_bytes = 0;
    double *t = xrealloc(NULL, sizeof *t * (size_t)iters);
    long rss0 = maxrss_kb();
    printf("parser\tfile\tbytes\tmedian_ms\tmin_ms\tMB_s\telements\ttext_nodes\t"
           "text_bytes\ttext_nonws\tlinks\thidden_links\tmetas\ttitle_bytes\t"
           "anchor_bytes\n");
    for (int f = i; f < argc; f++) {
      size_t len;
      char *buf = read_file(argv[f], &len);
      tot_bytes += len;
      for (int s = 0; s < nsel; s++) {
        int k = sel[s];
        v_reset(&v);
        parsers[k].run(buf, len, &v, NULL); /* warm-up */
        for (int it = 0; it < iters; it++) {
          v_reset(&v);
          double t0 = now_ms();
          parsers[k].run(buf, len, &v, NULL);
          t[it] = now_ms() - t0;
        }
        qsort(t, (size_t)iters, sizeof *t, cmp_double);
        double med = iters % 2 ? t[iters / 2] : (t[iters / 2 - 1] + t[iters / 2]) / 2;
        tot_ms[k] += med;
        printf("%s\t%s\t%zu\t%.3f\t%.3f\t%.1f\t%zu\t%zu\t%zu\t%zu\t%zu\t%zu\t%zu\t%zu\t%zu\n",
               parsers[k].name, base(argv[f]), len, med, t[0], len / 1e6 / (med / 1e3),
               v.elements, v.text_nodes, v.text_bytes, v.text_nonws, v.links,
               v.hidden_links, v.metas, v.title_bytes, v.anchor_bytes);
        fflush(stdout);
      }
      free(buf);
    }
    for (int s = 0; s < nsel; s++) {
      int k = sel[s];
      printf("TOTAL\t%s\t%zu\t%.3f\t-\t%.1f\tpeak_rss_kb=%ld\tstart_rss_kb=%ld\n",
             parsers[k].name, tot_bytes, tot_ms[k],
             tot_bytes / 1e6 / (tot_ms[k] / 1e3), maxrss_kb(), rss0);
    }
    free(t);
    return 0;
  }

  for (int f = i; f < argc; f++) {
    size_t len;
    char *buf = read_file(argv[f], &len);
    for (int s = 0; s < nsel; s++) {
      int k = sel[s];
      v_reset(&v);
      if (!strcmp(mode, "once")) {
        long r0 = maxrss_kb();
        double t0 = now_ms();
        parsers[k].run(buf, len, &v, NULL);
        double ms = now_ms() - t0;
        printf("%s\t%s\tbytes=%zu\tms=%.1f\telements=%zu\ttext_nodes=%zu\t"
               "text_bytes=%zu\tlinks=%zu\tpeak_rss_kb=%ld\tbefore_kb=%ld\n",
               parsers[k].name, base(argv[f]), len, ms, v.elements, v.text_nodes,
               v.text_bytes, v.links, maxrss_kb(), r0);
      } else if (!strcmp(mode, "dump")) {
        v.out = stdout;
        parsers[k].run(buf, len, &v, NULL);
        v.out = NULL;
      } else if (!strcmp(mode, "pos")) {
        v.out = stdout;
        v.pos_mode = 1;
        printf("# %s %s\n", parsers[k].name, base(argv[f]));
        parsers[k].run(buf, len, &v, NULL);
        v.out = NULL;
        v.pos_mode = 0;
      } else if (!strcmp(mode, "tree")) {
        parsers[k].run(buf, len, &v, stdout);
      } else die("unknown mode");
      fflush(stdout);
    }
    free(buf);
  }
  return 0;
}
