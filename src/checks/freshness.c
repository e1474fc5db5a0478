/* freshness — 首页不更新 (site.home_stale), 栏目不更新 and blank columns
 * (site.column_stale); see freshness.h. */
#include "checks/freshness.h"

#include "core/date.h"
#include "core/lang.h"
#include "core/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const freshness_kinds[] = {"home.", "column.", NULL};

/* The newest dated item seen in one place (the homepage, or the pages it
 * links to), and how many dated items that place had. */
typedef struct fresh_best {
    bool have;
    int count;
    int64_t day; /* days since 1970-01-01 of y-m-d */
    int y, m, d;
    char *title, *url, *page, *date_text;
    const char *source; /* "list", "url", "pubdate" */
} fresh_best;

/* One column candidate: a crawled page (depth ≥ 1) and the pagination pages
 * merged into it, keyed by fresh_col_key(). */
typedef struct fresh_col {
    char *key, *url, *title, *col_name, *col_type;
    int pages;
    bool article;      /* its first page carries PubDate or ArticleTitle */
    int list_items;    /* dated list items, after T included */
    int url_dated;     /* article links dated by their URL, after T included */
    int own_links;     /* visible links that the homepage does not have */
    size_t own_text;   /* bytes of text blocks that the homepage does not have */
    char *placeholder; /* the placeholder block's text, if any */
    fresh_best best;   /* the newest dated item on or before T */
    char **links;      /* an undated list's article links, for their PubDate */
    size_t nlinks;
} fresh_col;

/* The PubDate of a crawled page, for lists that show no dates. */
typedef struct fresh_pub {
    int y, m, d;
    char *title, *text;
} fresh_pub;

/* Links kept per undated column to date it by its articles' PubDate. */
#define FRESH_PUBDATE_LINKS 60

/* A link of the homepage that may be navigation. */
typedef struct fresh_nav {
    char *text;
    bool named; /* its text matches a category pattern */
} fresh_nav;

/* The categories of match_order and their patterns, looked up once: a
 * site's pages ask for them at every navigation link. */
#define FRESH_MAX_CATEGORIES 64
typedef struct fresh_cats {
    size_t n;
    const char *name[FRESH_MAX_CATEGORIES];
    const char *const *pats[FRESH_MAX_CATEGORIES];
    size_t npats[FRESH_MAX_CATEGORIES];
    bool ok; /* false: more categories than kept, looked up each time */
} fresh_cats;

static void fresh_cats_load(const rules *rs, fresh_cats *fc);

typedef struct fresh_state {
    bool t_ok;
    int ty, tm, td; /* T's date */
    bool home_seen;
    char *home_url, *home_key;
    fresh_best home, linked;
    strmap *home_links, *home_texts; /* the homepage's template, to tell a page's own content */
    strmap *nav;                     /* column key -> fresh_nav */
    strmap *subnav;                  /* column key -> fresh_nav: named links of list pages */
    strmap *cols;                    /* column key -> fresh_col */
    strmap *content;                 /* URLs of content pages: linked from a list item (spec §5.1) */
    strmap *pubdates;                /* page URL -> fresh_pub */
    fresh_col **order;               /* in crawl order */
    size_t ncols, capcols;
    fresh_cats *cats;                /* NULL: out of memory, looked up each time */
} fresh_state;

static char *fresh_strdup(const char *s) {
    if (!s) s = "";
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static void fresh_best_clear(fresh_best *b) {
    free(b->title);
    free(b->url);
    free(b->page);
    free(b->date_text);
    b->title = b->url = b->page = b->date_text = NULL;
}

/* One dated item, already resolved to a full date on or before T. */
static void fresh_offer(fresh_best *b, int y, int m, int d, const char *title, const char *url,
                        const char *page_url, const char *date_text, const char *source) {
    b->count++;
    int64_t day = date_days_from_civil(y, m, d);
    if (b->have && day <= b->day) return;
    fresh_best_clear(b);
    b->title = fresh_strdup(title);
    b->url = fresh_strdup(url);
    b->page = fresh_strdup(page_url);
    b->date_text = fresh_strdup(date_text);
    if (!b->title || !b->url || !b->page || !b->date_text) {
        /* Out of memory: keep the date, lose the words. */
        fresh_best_clear(b);
    }
    b->have = true;
    b->day = day;
    b->y = y, b->m = m, b->d = d;
    b->source = source;
}

static void *fresh_site_begin(check_ctx *c, const site_rec *site) {
    (void)site;
    fresh_state *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->t_ok = check_as_of(c, &st->ty, &st->tm, &st->td);
    st->home_links = strmap_new();
    st->home_texts = strmap_new();
    st->nav = strmap_new();
    st->subnav = strmap_new();
    st->cols = strmap_new();
    st->content = strmap_new();
    st->pubdates = strmap_new();
    if ((st->cats = malloc(sizeof *st->cats))) fresh_cats_load(check_rules(c), st->cats);
    if (!st->home_links || !st->home_texts || !st->nav || !st->subnav || !st->cols || !st->content ||
        !st->pubdates)
        st->t_ok = false;
    return st;
}

static bool fresh_after_t(const fresh_state *st, int y, int m, int d) {
    return date_days_from_civil(y, m, d) > date_days_from_civil(st->ty, st->tm, st->td);
}

/* The page's dated list items. */
static void fresh_items(const fresh_state *st, fresh_best *b, const page *pg, int ay, int am,
                        int ad) {
    for (size_t i = 0; i < pg->nitems; i++) {
        const page_item *it = &pg->items[i];
        int y = it->year;
        if (y == 0 && !date_infer_year(it->month, it->day, ay, am, ad, &y)) continue;
        if (!date_valid(y, it->month, it->day) || fresh_after_t(st, y, it->month, it->day)) continue;
        fresh_offer(b, y, it->month, it->day, it->title, it->url, pg->url, it->date_text, "list");
    }
}

/* The dates in the homepage's article links (visible <a>), each URL once and
 * not again when a list item already dated it. */
/* Dated article links of a page. Links in `skip` (the homepage's, shared
 * by every page's template) do not count, except those under `own` — the
 * column's own folder — which a homepage often mirrors. */
static int fresh_url_dates(const fresh_state *st, fresh_best *b, const page *pg, int ay, int am,
                           int ad, const strmap *skip, const char *own) {
    size_t own_len = own && own[0] && own[strlen(own) - 1] == '/' ? strlen(own) : 0;
    int n = 0;
    strmap *seen = strmap_new();
    if (!seen) return 0;
    for (size_t i = 0; i < pg->nitems; i++)
        if (pg->items[i].url) strmap_put(seen, pg->items[i].url, (void *)1, NULL);
    for (size_t i = 0; i < pg->nlinks; i++) {
        const page_link *l = &pg->links[i];
        if (strcmp(l->tag, "a") != 0 || !l->visible || l->kind != URL_HTTP || !l->url) continue;
        int y, m, d;
        bool day_known;
        if (!date_from_url(l->url, &y, &m, &d, &day_known)) continue;
        bool mine = own_len && strncmp(l->url, own, own_len) == 0;
        if (strmap_get(seen, l->url) || (skip && strmap_get(skip, l->url) && !mine)) continue;
        strmap_put(seen, l->url, (void *)1, NULL);
        n++;
        char text[16];
        if (day_known) {
            if (fresh_after_t(st, y, m, d)) continue;
            snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
        } else {
            snprintf(text, sizeof text, "%04d-%02d", y, m);
            if (!date_month_only(y, m, ay, am, ad, &y, &m, &d)) continue;
        }
        fresh_offer(b, y, m, d, l->text, l->url, pg->url, text, "url");
    }
    strmap_free(seen, NULL);
    return n;
}

/* A PubDate meta, "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]". */
static bool fresh_pubdate(const page *pg, int *y, int *m, int *d, const char **text) {
    const page_meta *pm = page_meta_get(pg, "PubDate");
    if (!pm || strlen(pm->content) < 10) return false;
    char buf[11];
    memcpy(buf, pm->content, 10);
    buf[10] = '\0';
    if (pm->content[10] != '\0' && pm->content[10] != ' ' && pm->content[10] != 'T') return false;
    *text = pm->content;
    return date_parse_ymd(buf, y, m, d);
}

/* ---- columns (栏目不更新, blank columns) ---------------------------------- */

#define COL_RULES "indicators/site.column_stale"

/* The name of a pagination page segment ("index_2.html", "list_3.htm") or
 * the column's own index page: the length of its stem ("index", "list"),
 * 0 when it is neither. */
static size_t fresh_page_segment(const char *seg, size_t len, bool *numbered) {
    static const char *const stems[] = {"index", "default", "list"};
    static const char *const exts[] = {".html", ".htm", ".shtml", ".jsp", ".php", ".asp", ".aspx"};
    for (size_t i = 0; i < sizeof stems / sizeof *stems; i++) {
        size_t sl = strlen(stems[i]);
        if (len <= sl || strncmp(seg, stems[i], sl) != 0) continue;
        size_t p = sl;
        *numbered = false;
        if (seg[p] == '_') {
            size_t q = p + 1;
            while (q < len && seg[q] >= '0' && seg[q] <= '9') q++;
            if (q == p + 1) continue;
            *numbered = true;
            p = q;
        }
        for (size_t e = 0; e < sizeof exts / sizeof *exts; e++)
            if (len - p == strlen(exts[e]) && strncmp(seg + p, exts[e], len - p) == 0) return sl;
    }
    return 0;
}

static bool fresh_page_param(const char *name, size_t len) {
    static const char *const names[] = {"page", "pageno", "pagenum", "pageindex", "curpage",
                                        "currentpage", "pn", "p"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == len && strncasecmp(name, names[i], len) == 0) return true;
    return false;
}

/* The column a page belongs to: its URL without pagination — index.html,
 * index_2.html and default.htm are the directory, list_2.html is list.html,
 * and page=, pageNo=, p= … leave the query. */
static char *fresh_col_key(const char *url) {
    if (!url) return NULL;
    size_t n = strlen(url);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    const char *q = strchr(url, '?');
    const char *hash = strchr(url, '#');
    if (hash && q && hash < q) q = NULL; /* a '?' inside the fragment */
    size_t plen = q ? (size_t)(q - url) : hash ? (size_t)(hash - url) : n;
    memcpy(out, url, plen);
    out[plen] = '\0';
    char *slash = strrchr(out, '/');
    const char *scheme = strstr(out, "://");
    if (slash && (!scheme || slash > scheme + 2)) {
        char *seg = slash + 1;
        bool numbered = false;
        size_t stem = fresh_page_segment(seg, strlen(seg), &numbered);
        if (stem && strncmp(seg, "list", 4) == 0) {
            if (numbered) { /* list_3.html -> list.html */
                const char *ext = strchr(seg + stem, '.');
                memmove(seg + stem, ext, strlen(ext) + 1);
            }
        } else if (stem) {
            seg[0] = '\0';
        }
    }
    if (q) {
        size_t o = strlen(out);
        bool first = true;
        const char *p = q + 1;
        const char *end = hash && hash > q ? hash : url + n;
        while (p < end) {
            const char *amp = memchr(p, '&', (size_t)(end - p));
            const char *e = amp ? amp : end;
            const char *eq = memchr(p, '=', (size_t)(e - p));
            size_t nl = (size_t)((eq ? eq : e) - p);
            if (e > p && !fresh_page_param(p, nl)) {
                out[o++] = first ? '?' : '&';
                memcpy(out + o, p, (size_t)(e - p));
                o += (size_t)(e - p);
                first = false;
            }
            p = e + 1;
        }
        out[o] = '\0';
    }
    return out;
}

static void fresh_cats_load(const rules *rs, fresh_cats *fc) {
    size_t n;
    const char *const *order = rules_strings(rs, COL_RULES "/match_order", &n);
    fc->n = 0;
    fc->ok = n <= FRESH_MAX_CATEGORIES;
    for (size_t i = 0; fc->ok && i < n; i++) {
        char path[200];
        snprintf(path, sizeof path, COL_RULES "/categories/%s/patterns", order[i]);
        fc->name[i] = order[i];
        fc->pats[i] = rules_strings(rs, path, &fc->npats[i]);
        fc->n++;
    }
}

static const char *fresh_category_of(const rules *rs, const char *text, const char **pattern);

/* fresh_category_of through the site's categories (fc NULL or incomplete:
 * looked up in the rule set). */
static const char *fresh_category_in(const fresh_cats *fc, const rules *rs, const char *text,
                                     const char **pattern) {
    if (!fc || !fc->ok) return fresh_category_of(rs, text, pattern);
    if (!text || !*text) return NULL;
    for (size_t i = 0; i < fc->n; i++)
        for (size_t j = 0; j < fc->npats[i]; j++) {
            const char *pat = fc->pats[i][j];
            if (pat && *pat && strstr(text, pat)) {
                if (pattern) *pattern = pat;
                return fc->name[i];
            }
        }
    return NULL;
}

/* The first category of match_order whose pattern is in `text`. */
static const char *fresh_category_of(const rules *rs, const char *text, const char **pattern) {
    if (!text || !*text) return NULL;
    size_t n;
    const char *const *order = rules_strings(rs, COL_RULES "/match_order", &n);
    for (size_t i = 0; i < n; i++) {
        const char *cat = order[i];
        char path[200];
        snprintf(path, sizeof path, COL_RULES "/categories/%s/patterns", cat);
        size_t np;
        const char *const *pats = rules_strings(rs, path, &np);
        for (size_t j = 0; j < np; j++) {
            const char *pat = pats[j];
            if (pat && *pat && strstr(text, pat)) {
                if (pattern) *pattern = pat;
                return cat;
            }
        }
    }
    return NULL;
}

static void fresh_col_free(void *v) {
    fresh_col *col = v;
    if (!col) return;
    free(col->key), free(col->url), free(col->title), free(col->col_name), free(col->col_type);
    free(col->placeholder);
    fresh_best_clear(&col->best);
    for (size_t i = 0; i < col->nlinks; i++) free(col->links[i]);
    free(col->links);
    free(col);
}

static void fresh_pub_free(void *v) {
    fresh_pub *p = v;
    if (!p) return;
    free(p->title), free(p->text);
    free(p);
}

static void fresh_nav_free(void *v) {
    fresh_nav *nv = v;
    if (!nv) return;
    free(nv->text);
    free(nv);
}

/* The homepage: its template (links and text blocks), and its navigation
 * candidates — short visible link texts to undated URLs. */
static void fresh_home_columns(check_ctx *c, fresh_state *st, const page *pg) {
    const rules *rs = check_rules(c);
    st->home_key = fresh_col_key(pg->url);
    for (size_t i = 0; i < pg->nlinks; i++) {
        const page_link *l = &pg->links[i];
        if (l->url) strmap_put(st->home_links, l->url, (void *)1, NULL);
        if (strcmp(l->tag, "a") != 0 || !l->visible || l->kind != URL_HTTP || !l->url) continue;
        size_t tl = l->text ? strlen(l->text) : 0;
        if (tl == 0 || tl > 36) continue; /* navigation names are short */
        int y, m, d;
        bool known;
        if (date_from_url(l->url, &y, &m, &d, &known)) continue; /* an article */
        char *key = fresh_col_key(l->url);
        if (!key) continue;
        if (st->home_key && strcmp(key, st->home_key) == 0) {
            free(key);
            continue;
        }
        bool named = fresh_category_in(st->cats, rs, l->text, NULL) != NULL;
        fresh_nav *old = strmap_get(st->nav, key);
        if (old && (old->named || !named)) {
            free(key);
            continue;
        }
        fresh_nav *nv = calloc(1, sizeof *nv);
        if (nv) nv->text = fresh_strdup(l->text);
        if (!nv || !nv->text) {
            fresh_nav_free(nv);
            free(key);
            continue;
        }
        nv->named = named;
        void *prev = NULL;
        if (strmap_put(st->nav, key, nv, &prev)) fresh_nav_free(prev);
        else fresh_nav_free(nv);
        free(key);
    }
    for (size_t i = 0; i < pg->ntexts; i++)
        if (pg->texts[i].text) strmap_put(st->home_texts, pg->texts[i].text, (void *)1, NULL);
}

/* A page below the homepage: merged into its column candidate. */
static void fresh_page_column(check_ctx *c, fresh_state *st, const page *pg, int ay, int am,
                              int ad) {
    const rules *rs = check_rules(c);
    char *key = fresh_col_key(pg->url);
    if (!key) return;
    /* Content pages (article tags, a date in the URL) are never columns
     * unless the navigation leads there: most of a site, so skip them
     * before the per-link work. */
    int uy, um, ud;
    bool udk;
    if (!strmap_get(st->nav, key) &&
        (page_meta_get(pg, "PubDate") || page_meta_get(pg, "ArticleTitle") ||
         date_from_url(pg->url, &uy, &um, &ud, &udk))) {
        free(key);
        return;
    }
    if (st->home_key && strcmp(key, st->home_key) == 0) {
        free(key);
        return;
    }
    fresh_col *col = strmap_get(st->cols, key);
    if (!col) {
        if (st->ncols == st->capcols) {
            size_t cap = st->capcols ? st->capcols * 2 : 32;
            fresh_col **o = realloc(st->order, cap * sizeof *o);
            if (!o) {
                free(key);
                return;
            }
            st->order = o, st->capcols = cap;
        }
        col = calloc(1, sizeof *col);
        if (!col) {
            free(key);
            return;
        }
        const page_meta *cn = page_meta_get(pg, "ColumnName");
        const page_meta *ct = page_meta_get(pg, "ColumnType");
        col->key = key;
        col->url = fresh_strdup(pg->url);
        col->title = fresh_strdup(pg->title);
        col->col_name = cn && *cn->content ? fresh_strdup(cn->content) : NULL;
        col->col_type = ct && *ct->content ? fresh_strdup(ct->content) : NULL;
        col->article = page_meta_get(pg, "PubDate") || page_meta_get(pg, "ArticleTitle");
        if (!col->url || !col->title || !strmap_put(st->cols, key, col, NULL)) {
            fresh_col_free(col);
            return;
        }
        st->order[st->ncols++] = col;
    } else {
        free(key);
    }
    col->pages++;
    col->list_items += (int)pg->nitems;
    fresh_items(st, &col->best, pg, ay, am, ad);
    col->url_dated += fresh_url_dates(st, &col->best, pg, ay, am, ad, st->home_links, col->key);
    /* A list that shows no dates is dated by its articles' PubDate (issue:
     * "the article's PubDate when the list shows none"): keep its links. */
    if (pg->nitems == 0) {
        for (size_t i = 0; i < pg->nlinks && col->nlinks < FRESH_PUBDATE_LINKS; i++) {
            const page_link *l = &pg->links[i];
            if (strcmp(l->tag, "a") != 0 || !l->visible || l->kind != URL_HTTP || !l->url) continue;
            if (strmap_get(st->home_links, l->url)) continue;
            if (!col->links) col->links = calloc(FRESH_PUBDATE_LINKS, sizeof *col->links);
            if (!col->links) break;
            char *u = fresh_strdup(l->url);
            if (u) col->links[col->nlinks++] = u;
        }
    }
    /* Sub-navigation: a list page's short links whose text names a column
     * category (a sidebar of 二级 columns) make their targets columns even
     * when those show nothing — the blank ones the homepage never links. */
    for (size_t i = 0; i < pg->nlinks; i++) {
        const page_link *l = &pg->links[i];
        if (strcmp(l->tag, "a") != 0 || !l->visible || l->kind != URL_HTTP || !l->url || !l->text)
            continue;
        size_t tl = strlen(l->text);
        if (tl == 0 || tl > 36 || !fresh_category_in(st->cats, rs, l->text, NULL)) continue;
        int y, m, d;
        bool known;
        if (date_from_url(l->url, &y, &m, &d, &known)) continue;
        char *lk = fresh_col_key(l->url);
        if (!lk || strcmp(lk, col->key) == 0 || (st->home_key && strcmp(lk, st->home_key) == 0) ||
            strmap_get(st->nav, lk) || strmap_get(st->subnav, lk)) {
            free(lk);
            continue;
        }
        fresh_nav *sv = calloc(1, sizeof *sv);
        if (sv) sv->text = fresh_strdup(l->text), sv->named = true;
        if (!sv || !sv->text || !strmap_put(st->subnav, lk, sv, NULL)) fresh_nav_free(sv);
        free(lk);
    }
    /* Only whether the column has a link of its own matters (blank test). */
    for (size_t i = 0; i < pg->nlinks && col->own_links == 0; i++) {
        const page_link *l = &pg->links[i];
        if (strcmp(l->tag, "a") != 0 || !l->visible || l->kind != URL_HTTP || !l->url) continue;
        if (strmap_get(st->home_links, l->url) || strcmp(l->url, pg->url) == 0) continue;
        char *lk = fresh_col_key(l->url);
        /* Not the column's own: its pagination, the homepage however spelt
         * (a breadcrumb's "/" against the navigation's "/index.html"), and
         * other navigation columns (a sidebar of siblings). */
        bool same = !lk || strcmp(lk, col->key) == 0 ||
                    (st->home_key && strcmp(lk, st->home_key) == 0) || strmap_get(st->nav, lk) ||
                    strmap_get(st->subnav, lk);
        free(lk);
        if (!same) col->own_links++;
    }
    const char *ph[16];
    size_t nph = rules_list_len(rs, COL_RULES "/blank_placeholders"), phmax = 0;
    if (nph > 16) nph = 16;
    for (size_t j = 0; j < nph; j++) {
        ph[j] = rules_list_item(rs, COL_RULES "/blank_placeholders", j);
        if (ph[j] && strlen(ph[j]) > phmax) phmax = strlen(ph[j]);
    }
    for (size_t i = 0; i < pg->ntexts; i++) {
        const char *t = pg->texts[i].text;
        if (!t || strmap_get(st->home_texts, t)) continue;
        size_t tl = strlen(t);
        col->own_text += tl;
        /* the placeholder is (nearly) all the block says */
        for (size_t j = 0; j < nph && !col->placeholder && tl <= phmax + 24; j++)
            if (ph[j] && *ph[j] && strstr(t, ph[j]) && tl <= strlen(ph[j]) + 24)
                col->placeholder = fresh_strdup(t);
    }
}

/* T − n months, clamped to the month's last day (spec §0). */
static void fresh_months_before(int y, int m, int d, int n, int *oy, int *om, int *od) {
    int idx = y * 12 + (m - 1) - n;
    *oy = idx / 12, *om = idx % 12 + 1;
    int last = date_month_days(*oy, *om);
    *od = d > last ? last : d;
}

void fresh_judge_column(const rules *rs, const char *column_type, const char *column_name,
                        const char *visible, bool top, bool have_newest, int ny, int nm, int nd,
                        int ty, int tm, int td, fresh_judgement *out) {
    memset(out, 0, sizeof *out);
    const char *fields[3] = {column_type, column_name, visible};
    const char *fnames[3] = {"ColumnType", "ColumnName", "name"};
    for (int f = 0; f < 3 && !out->category; f++) {
        out->category = fresh_category_of(rs, fields[f], &out->pattern);
        if (out->category) out->field = fnames[f];
    }
    if (!out->category) out->category = "other", out->pattern = NULL;
    char path[200];
    snprintf(path, sizeof path, COL_RULES "/categories/%s/period_days", out->category);
    if (rules_has(rs, path)) out->period_days = (int)rules_number(rs, path);
    snprintf(path, sizeof path, COL_RULES "/categories/%s/period_months", out->category);
    if (!out->period_days && rules_has(rs, path)) out->period_months = (int)rules_number(rs, path);
    out->dated = out->period_days > 0 || out->period_months > 0;
    snprintf(path, sizeof path, COL_RULES "/categories/%s/key", out->category);
    const char *key = rules_has(rs, path) ? rules_string(rs, path) : "never";
    out->key = out->dated && key &&
               (strcmp(key, "always") == 0 || (strcmp(key, "top_level") == 0 && top));
    if (!out->dated) return;
    int sy, sm, sd;
    if (out->period_days > 0) {
        date_window_start(ty, tm, td, out->period_days, &sy, &sm, &sd);
    } else {
        fresh_months_before(ty, tm, td, out->period_months, &sy, &sm, &sd);
        date_add_days(sy, sm, sd, 1, &sy, &sm, &sd);
    }
    snprintf(out->period_start, sizeof out->period_start, "%04d-%02d-%02d", sy, sm, sd);
    if (have_newest) {
        int64_t day = date_days_from_civil(ny, nm, nd);
        out->stale = day < date_days_from_civil(sy, sm, sd) || day > date_days_from_civil(ty, tm, td);
    }
}

typedef struct col_judged {
    fresh_col *col;
    const char *name, *visible, *category, *pattern, *field;
    bool top, key, dated, stale, blank;
    int period_days, period_months;
    char period_start[16]; /* the first date inside the period */
} col_judged;

static void fresh_columns_judge(check_ctx *c, fresh_state *st) {
    const rules *rs = check_rules(c);
    if (!rules_has(rs, COL_RULES "/categories") || st->ncols == 0) return;
    col_judged *js = calloc(st->ncols, sizeof *js);
    if (!js) return;
    size_t nj = 0;
    int64_t tday = date_days_from_civil(st->ty, st->tm, st->td);
    int n_key = 0, n_dated = 0, n_blank = 0;
    for (size_t i = 0; i < st->ncols; i++) {
        fresh_col *col = st->order[i];
        fresh_nav *nv = strmap_get(st->nav, col->key);
        int dated = col->list_items + col->url_dated;
        /* Content pages — article tags, a list item links to them, or their
         * URL carries a date (/t20200810_1.html) — are never columns unless
         * the navigation leads there. */
        int uy, um, ud;
        bool udk;
        bool content = col->article || strmap_get(st->content, col->url) ||
                       date_from_url(col->url, &uy, &um, &ud, &udk);
        bool listy = !content && (dated >= 1 || col->col_name || col->col_type);
        fresh_nav *sv = nv ? NULL : strmap_get(st->subnav, col->key);
        /* A sub-navigation link only makes a column of a page that is not
         * content (an article titled 工作动态… is linked from a list item). */
        bool column = listy || (!col->article && nv && (nv->named || col->placeholder)) ||
                      (!content && sv);
        if (!column) continue;
        col_judged *j = &js[nj++];
        j->col = col;
        j->top = nv != NULL;
        j->visible = nv ? nv->text : sv ? sv->text : col->title;
        j->name = col->col_name ? col->col_name : j->visible;
        /* The newest item is known after the PubDate fallback below; the
         * category, period and key do not depend on it. */
        fresh_judgement fj;
        fresh_judge_column(rs, col->col_type, col->col_name, j->visible, j->top, false, 0, 0, 0,
                           st->ty, st->tm, st->td, &fj);
        j->category = fj.category;
        j->pattern = fj.pattern;
        j->field = fj.field;
        j->period_days = fj.period_days;
        j->period_months = fj.period_months;
        j->dated = fj.dated;
        j->key = fj.key;
        int sy = 0, sm = 0, sd = 0;
        if (j->dated) date_parse_ymd(fj.period_start, &sy, &sm, &sd);
        if (j->dated) snprintf(j->period_start, sizeof j->period_start, "%s", fj.period_start);
        if (!col->best.have && dated == 0)
            for (size_t k = 0; k < col->nlinks; k++) {
                const fresh_pub *fp = strmap_get(st->pubdates, col->links[k]);
                if (fp)
                    fresh_offer(&col->best, fp->y, fp->m, fp->d, fp->title, col->links[k], col->url,
                                fp->text, "pubdate");
            }
        if (col->best.have) {
            if (j->dated && (col->best.day < date_days_from_civil(sy, sm, sd) || col->best.day > tday))
                j->stale = true;
        } else if (dated == 0 && strcmp(j->category, "static") != 0
                       ? (col->placeholder || (col->own_links == 0 && col->own_text < 90))
                       : (dated == 0 && col->placeholder)) {
            j->blank = true;
        }
        if (j->stale) {
            n_dated++;
            if (j->key) n_key++;
        }
        if (j->blank) n_blank++;
    }
    rules_threshold tk = rules_threshold_at(rs, COL_RULES "/key_stale");
    rules_threshold td = rules_threshold_at(rs, COL_RULES "/dated_stale");
    rules_threshold tb = rules_threshold_at(rs, COL_RULES "/blank");
    bool v_key = n_key > 0 && rules_threshold_test(tk, n_key);
    bool v_dated = n_dated > 0 && rules_threshold_test(td, n_dated);
    bool v_blank = n_blank > 0 && rules_threshold_test(tb, n_blank);

    int zone = check_zone_minutes(c), az = zone < 0 ? -zone : zone;
    char as_of[16], t[40];
    snprintf(as_of, sizeof as_of, "%04d-%02d-%02d", st->ty, st->tm, st->td);
    snprintf(t, sizeof t, "%sT24:00:00%c%02d:%02d", as_of, zone < 0 ? '-' : '+', az / 60, az % 60);
    for (size_t i = 0; i < nj; i++) {
        col_judged *j = &js[i];
        fresh_col *col = j->col;
        /* A dated column in its period is recorded too, as an observation
         * (column.fresh, informational): another rule set with a shorter
         * period may judge it stale without a new crawl. */
        bool fresh = !j->stale && !j->blank && j->dated && col->best.have;
        if (!j->stale && !j->blank && !fresh) continue;
        const char *kind = j->stale ? "column.stale" : j->blank ? "column.blank" : "column.fresh";
        char vpath[160];
        snprintf(vpath, sizeof vpath, "kinds/%s/veto", kind);
        const char *veto = rules_has(rs, vpath) ? rules_string(rs, vpath) : NULL;
        const char *rule = NULL;
        if (j->stale && v_key && j->key) rule = "key_stale";
        else if (j->stale && v_dated) rule = "dated_stale";
        else if (j->blank && v_blank) rule = "blank";
        const char *override = NULL;
        if (rule && veto) override = veto;
        else if (j->stale && j->top && strcmp(j->category, "policy") == 0 &&
                 rules_has(rs, "indicators/column.policy_stale"))
            override = "column.policy_stale";

        json_t *ev = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:b, s:s, s:s, s:i, s:i, s:i}",
                               "name", j->name, "url", col->key, "first_page", col->url, "level",
                               j->top ? 1 : 2, "level_name", j->top ? "一级" : "二级", "category",
                               j->category, "key", j->key, "t", t, "as_of", as_of, "pages",
                               col->pages, "dated_items", col->best.count, "list_items",
                               col->list_items);
        if (!ev) continue;
        /* What the classification read, so the judge can redo it. */
        json_object_set_new(ev, "column_type", json_string(col->col_type ? col->col_type : ""));
        json_object_set_new(ev, "column_name", json_string(col->col_name ? col->col_name : ""));
        json_object_set_new(ev, "visible", json_string(j->visible ? j->visible : ""));
        json_object_set_new(ev, "classified_by",
                            j->pattern ? json_pack("{s:s, s:s}", "field", j->field, "pattern",
                                                   j->pattern)
                                       : json_pack("{s:s}", "reason", "no pattern matched"));
        if (j->dated) {
            json_object_set_new(ev, "period",
                                j->period_days ? json_pack("{s:i}", "days", j->period_days)
                                               : json_pack("{s:i}", "months", j->period_months));
            json_object_set_new(ev, "period_start", json_string(j->period_start));
        } else {
            json_object_set_new(ev, "period", json_string("never"));
        }
        char date[16] = "";
        if (col->best.have) {
            snprintf(date, sizeof date, "%04d-%02d-%02d", col->best.y, col->best.m, col->best.d);
            json_object_set_new(
                ev, "newest",
                json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "title",
                          col->best.title ? col->best.title : "", "url",
                          col->best.url ? col->best.url : "", "date", date, "date_text",
                          col->best.date_text ? col->best.date_text : "", "source",
                          col->best.source, "page", col->best.page ? col->best.page : ""));
        }
        if (j->blank)
            json_object_set_new(ev, "blank_reason",
                                col->placeholder ? json_pack("{s:s}", "placeholder", col->placeholder)
                                                 : json_pack("{s:s}", "reason", "no item"));
        json_object_set_new(ev, "counts", json_pack("{s:i, s:i, s:i}", "key_stale", n_key,
                                                    "dated_stale", n_dated, "blank", n_blank));
        if (override && rule) {
            rules_threshold th = strcmp(rule, "key_stale") == 0 ? tk
                                 : strcmp(rule, "dated_stale") == 0 ? td
                                                                    : tb;
            int cnt = strcmp(rule, "key_stale") == 0 ? n_key
                      : strcmp(rule, "dated_stale") == 0 ? n_dated
                                                         : n_blank;
            json_object_set_new(ev, "veto",
                                json_pack("{s:s, s:s, s:s, s:f, s:i}", "indicator", override,
                                          "rule", rule, "op", rules_op_name(th.op), "value",
                                          th.value, "count", cnt));
        }
        char summary[1400], period[48];
        if (j->period_days) snprintf(period, sizeof period, L("%d days", "%d天"), j->period_days);
        else snprintf(period, sizeof period, L("%d months", "%d个月"), j->period_months);
        if (fresh)
            snprintf(summary, sizeof summary,
                     L("column \"%s\" (%s) updated within its period: newest item \"%s\" of %s",
                       "栏目“%s”（%s）按期更新：最新信息“%s”发布于%s"),
                     j->name, j->category, col->best.title ? col->best.title : "", date);
        else if (j->stale)
            snprintf(summary, sizeof summary,
                     L("column \"%s\" (%s, %s) not updated in the %s ending %s: newest item \"%s\" "
                       "of %s",
                       "栏目“%s”（%s，%s）截至%s的%s内未更新：最新信息“%s”发布于%s"),
                     j->name, j->category, j->top ? L("top-level", "一级") : L("second-level", "二级"),
                     lang_is_zh() ? as_of : period, lang_is_zh() ? period : as_of,
                     col->best.title ? col->best.title : "", date);
        else
            snprintf(summary, sizeof summary, L("blank column \"%s\": %s", "空白栏目“%s”：%s"), j->name,
                     col->placeholder ? col->placeholder : L("no item", "无信息"));
        check_finding f = {.kind = kind,
                           .subject = col->key,
                           .url = col->key,
                           .source_url = col->url,
                           .evidence = ev,
                           .summary = summary,
                           .indicator_override = override};
        check_record(c, &f);
    }
    free(js);
}

static void fresh_on_page(check_ctx *c, void *state, const crawl_page *p) {
    fresh_state *st = state;
    if (!st || !st->t_ok || !p->model) return;
    const page *pg = p->model;
    /* A page linked from a list item is a content page, never a column
     * (spec §5.1): an article's "related articles" or 上一篇/下一篇 list
     * must not make it one. */
    for (size_t i = 0; i < pg->nitems; i++)
        if (pg->items[i].url) strmap_put(st->content, pg->items[i].url, (void *)1, NULL);
    /* The anchor of year-less and month-only dates: the earlier of the fetch
     * date and T's date. */
    int ay = st->ty, am = st->tm, ad = st->td;
    if (p->fetched_at_ms > 0) {
        int fy, fm, fd;
        date_of_instant(p->fetched_at_ms, check_zone_minutes(c), &fy, &fm, &fd);
        if (date_days_from_civil(fy, fm, fd) < date_days_from_civil(ay, am, ad))
            ay = fy, am = fm, ad = fd;
    }
    if (p->depth == 0) {
        if (st->home_seen) return;
        st->home_seen = true;
        st->home_url = fresh_strdup(pg->url);
        fresh_home_columns(c, st, pg);
        fresh_items(st, &st->home, pg, ay, am, ad);
        fresh_url_dates(st, &st->home, pg, ay, am, ad, NULL, NULL);
        return;
    }
    int py, pm, pd;
    const char *ptext;
    if (fresh_pubdate(pg, &py, &pm, &pd, &ptext) && !fresh_after_t(st, py, pm, pd) &&
        !strmap_get(st->pubdates, pg->url)) {
        fresh_pub *fp = calloc(1, sizeof *fp);
        if (fp) {
            *fp = (fresh_pub){.y = py, .m = pm, .d = pd, .title = fresh_strdup(pg->title),
                              .text = fresh_strdup(ptext)};
            if (!strmap_put(st->pubdates, pg->url, fp, NULL)) fresh_pub_free(fp);
        }
    }
    fresh_page_column(c, st, pg, ay, am, ad);
    if (p->depth > 1) return;
    fresh_items(st, &st->linked, pg, ay, am, ad);
    int y, m, d;
    const char *text;
    if (fresh_pubdate(pg, &y, &m, &d, &text) && !fresh_after_t(st, y, m, d))
        fresh_offer(&st->linked, y, m, d, pg->title, pg->url, pg->url, text, "pubdate");
}

static void fresh_site_end(check_ctx *c, void *state, const crawl_site_result *r) {
    fresh_state *st = state;
    if (!st || !st->t_ok || !st->home_seen) return;
    /* Columns only after a complete crawl: a missing page could be a column
     * or hold its fresh item. */
    if (r->complete) fresh_columns_judge(c, st);
    const fresh_best *b = NULL;
    const char *from = NULL;
    if (st->home.have) {
        b = &st->home, from = "homepage";
    } else if (st->linked.have && r->complete) {
        /* A navigation page: judged by the pages it links to, all of them. */
        b = &st->linked, from = "linked page";
    }
    if (!b) return; /* nothing dated: freshness cannot be judged */
    const rules *rs = check_rules(c);
    int ndays = (int)rules_number(rs, "indicators/site.home_stale/window_days");
    if (ndays < 1) return;
    if (date_in_window(b->y, b->m, b->d, st->ty, st->tm, st->td, ndays)) return;

    int wy, wm, wd;
    date_window_start(st->ty, st->tm, st->td, ndays, &wy, &wm, &wd);
    int zone = check_zone_minutes(c), az = zone < 0 ? -zone : zone;
    char date[16], as_of[16], first[16], t[40];
    snprintf(date, sizeof date, "%04d-%02d-%02d", b->y, b->m, b->d);
    snprintf(as_of, sizeof as_of, "%04d-%02d-%02d", st->ty, st->tm, st->td);
    snprintf(first, sizeof first, "%04d-%02d-%02d", wy, wm, wd);
    snprintf(t, sizeof t, "%sT24:00:00%c%02d:%02d", as_of, zone < 0 ? '-' : '+', az / 60, az % 60);
    const char *title = b->title ? b->title : "";
    json_t *newest = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", title, "url",
                               b->url ? b->url : "", "date", date, "date_text",
                               b->date_text ? b->date_text : "", "source", b->source, "from", from,
                               "page", b->page ? b->page : "");
    json_t *ev = json_pack("{s:o, s:s, s:s, s:i, s:s, s:s, s:i, s:i, s:i}", "newest", newest,
                           "judged_by", from, "t", t, "window_days", ndays, "window_start", first,
                           "as_of", as_of, "dated_items", b->count, "home_dated_items",
                           st->home.count, "linked_dated_items", st->linked.count);
    char summary[1200];
    bool linked = b == &st->linked;
    snprintf(summary, sizeof summary,
             L("homepage not updated by %s in its last %d days (since %s): %snewest item \"%s\" of %s",
               "首页截至%s的%d天内（%s起）未更新：%s最新信息“%s”发布于%s"),
             as_of, ndays, first,
             linked ? L("no dates on it; its linked pages' ", "首页无日期，其链接页面的") : "", title,
             date);
    check_finding f = {.kind = "home.stale",
                       .subject = "home",
                       .url = st->home_url ? st->home_url : "",
                       .source_url = b->page ? b->page : "",
                       .evidence = ev,
                       .summary = summary,
                       .home = true};
    check_record(c, &f);
}

static void fresh_site_free(void *state) {
    fresh_state *st = state;
    if (!st) return;
    fresh_best_clear(&st->home);
    fresh_best_clear(&st->linked);
    free(st->home_url);
    free(st->home_key);
    strmap_free(st->home_links, NULL);
    strmap_free(st->home_texts, NULL);
    strmap_free(st->nav, fresh_nav_free);
    strmap_free(st->subnav, fresh_nav_free);
    strmap_free(st->cols, fresh_col_free);
    strmap_free(st->content, NULL);
    strmap_free(st->pubdates, fresh_pub_free);
    free(st->order);
    free(st->cats);
    free(st);
}

const check_module check_freshness = {
    .name = "freshness",
    .kind_prefixes = freshness_kinds,
    .site_begin = fresh_site_begin,
    .on_page = fresh_on_page,
    .on_link = NULL,
    .site_end = fresh_site_end,
    .site_free = fresh_site_free,
};
