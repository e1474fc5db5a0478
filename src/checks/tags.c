/* tags — page tags (tags.missing, tags.case, tags.site_domain); see tags.h. */
#include "checks/tags.h"

#include "core/date.h"
#include "core/lang.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/strmap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const tags_kinds[] = {"tags.", NULL};

/* Pages listed in the evidence of a per-site finding. */
#define TAGS_MAX_PAGES 20
/* Distinct problem sets whose evidence is kept ready per site. */
#define TAGS_MAX_CACHED 256

typedef struct tags_emitted {
    char *problems; /* the JSON array; NULL when no problem applies */
    char *what;     /* "missing: A, B; empty: C" */
} tags_emitted;

static void tags_emitted_free(void *v) {
    tags_emitted *t = v;
    if (!t)
        return;
    free(t->problems);
    free(t->what);
    free(t);
}

typedef struct tags_pagerec {
    char *url;
    tags_page_type fixed; /* TAGS_NONE: decided at the end */
    bool article, list;
    bool emitted;         /* its finding was recorded before the end */
    /* The page's problems as records "group US tag US problem US value US
     * reason RS" (value and reason may be empty): a site of 20,000 pages
     * keeps them all until its end, and JSON objects per problem took
     * over 100 MB there. Made into JSON when the finding is recorded. */
    sbuf problems;
} tags_pagerec;

/* One per-site finding that gathers pages: a tag name written in another
 * case, or SiteDomain with a scheme. */
typedef struct tags_gather {
    char *written;
    json_t *pages;
    int count;
} tags_gather;

struct tags_site {
    const rules *r;
    char *code;
    tags_pagerec *pages;
    size_t npages, cappages;
    strmap *items; /* URLs linked from dated list items: content pages */
    strmap *cases; /* canonical tag name -> tags_gather */
    /* A template that lacks the same tags on every page gives thousands of
     * pages the same problems: type + problem records -> tags_emitted, so
     * their evidence is built and serialised once (up to TAGS_MAX_CACHED). */
    strmap *emitted;
    tags_gather domain;
};

static char *tags_strdup(const char *s) {
    return strdup(s ? s : "");
}

static bool tags_digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* 10 digits, or bm + 8 digits (spec §5.1). */
static bool tags_site_code_valid(const char *s) {
    if (strlen(s) != 10)
        return false;
    return tags_digits(s, 10) || (tolower((unsigned char)s[0]) == 'b' &&
                                  tolower((unsigned char)s[1]) == 'm' && tags_digits(s + 2, 8));
}

/* ---- dates ---------------------------------------------------------------- */

static int tags_num(const char *s, size_t max, size_t *used) {
    int v = 0;
    size_t i = 0;
    while (i < max && isdigit((unsigned char)s[i]))
        v = v * 10 + (s[i++] - '0');
    *used = i;
    return v;
}

/* HH:MM[:SS] at s; 0 when there is none, else the bytes read. */
static size_t tags_time(const char *s, tags_date *out) {
    size_t a, b, c;
    int hh = tags_num(s, 2, &a);
    if (a == 0 || s[a] != ':')
        return 0;
    int mi = tags_num(s + a + 1, 2, &b);
    if (b != 2)
        return 0;
    size_t n = a + 1 + b;
    int ss = 0;
    if (s[n] == ':') {
        ss = tags_num(s + n + 1, 2, &c);
        if (c != 2)
            return 0;
        n += 1 + c;
    }
    if (hh > 23 || mi > 59 || ss > 59)
        return 0;
    out->hh = hh, out->mi = mi, out->ss = ss, out->has_time = true;
    return n;
}

bool tags_pubdate_parse(const char *s, tags_date *out) {
    tags_date t = {0};
    if (!s || strlen(s) < 16 || !tags_digits(s, 4) || s[4] != '-' || !tags_digits(s + 5, 2) ||
        s[7] != '-' || !tags_digits(s + 8, 2) || s[10] != ' ')
        return false;
    t.y = atoi(s), t.m = atoi(s + 5), t.d = atoi(s + 8);
    if (!date_valid(t.y, t.m, t.d))
        return false;
    if (!isdigit((unsigned char)s[11]) || !isdigit((unsigned char)s[12]))
        return false;
    size_t n = tags_time(s + 11, &t);
    if (n != 5 && n != 8)
        return false;
    if (s[11 + n] != '\0')
        return false;
    *out = t;
    return true;
}

/* A full date at s: 2020-08-10, 2020/8/10, 2020.08.10, 2020年8月10日, then an
 * optional time after spaces. */
static bool tags_date_at(const char *s, tags_date *out) {
    tags_date t = {0};
    size_t n;
    t.y = tags_num(s, 4, &n);
    if (n != 4)
        return false;
    const char *p = s + 4;
    bool cjk = strncmp(p, "年", 3) == 0;
    char sep = *p;
    if (cjk)
        p += 3;
    else if (sep == '-' || sep == '/' || sep == '.')
        p++;
    else
        return false;
    t.m = tags_num(p, 2, &n);
    if (!n)
        return false;
    p += n;
    if (cjk ? strncmp(p, "月", 3) != 0 : *p != sep)
        return false;
    p += cjk ? 3 : 1;
    t.d = tags_num(p, 2, &n);
    if (!n || isdigit((unsigned char)p[n]))
        return false;
    p += n;
    if (cjk && strncmp(p, "日", 3) == 0)
        p += 3;
    if (!date_valid(t.y, t.m, t.d))
        return false;
    while (*p == ' ')
        p++;
    tags_time(p, &t);
    *out = t;
    return true;
}

bool tags_shown_date(const rules *r, const page *p, tags_date *out, const char **text) {
    size_t nl = rules_list_len(r, "page_tags/date_labels");
    for (size_t l = 0; l < nl; l++) {
        const char *label = rules_list_item(r, "page_tags/date_labels", l);
        size_t ll = strlen(label);
        if (!ll)
            continue;
        for (size_t i = 0; i < p->ntexts; i++) {
            const char *s = p->texts[i].text;
            for (const char *at = strstr(s, label); at; at = strstr(at + ll, label)) {
                const char *q = at + ll;
                /* "：", ":" and spaces between the label and the date */
                for (int k = 0; k < 4; k++) {
                    if (*q == ' ' || *q == ':')
                        q++;
                    else if (strncmp(q, "：", 3) == 0)
                        q += 3;
                    else
                        break;
                }
                if (tags_date_at(q, out)) {
                    if (text)
                        *text = at;
                    return true;
                }
            }
        }
    }
    return false;
}

/* ---- one page --------------------------------------------------------------- */

static bool tags_in_list(const rules *r, const char *path, const char *s) {
    size_t n = rules_list_len(r, path);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rules_list_item(r, path, i), s) == 0)
            return true;
    return false;
}

/* Appends s with the record separators a hostile page might hold blanked. */
/* A value shown in evidence is cut here (a hostile meta may be megabytes,
 * and pages' problem records are kept until the site's end). */
#define TAGS_MAX_FIELD 200

static void tags_field(sbuf *list, const char *s, char sep) {
    size_t start = list->len, n = s ? strlen(s) : 0;
    if (n > TAGS_MAX_FIELD) {
        n = TAGS_MAX_FIELD;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--; /* whole characters */
        sbuf_append(list, s, n);
        sbuf_puts(list, "…");
    } else if (n) {
        sbuf_append(list, s, n);
    }
    for (size_t i = start; list->data && i < list->len; i++)
        if (list->data[i] == '\x1f' || list->data[i] == '\x1e')
            list->data[i] = ' ';
    sbuf_putc(list, sep);
}

static void tags_problem(sbuf *list, const char *group, const char *tag, const char *problem,
                         const char *value, const char *reason) {
    tags_field(list, group, '\x1f');
    tags_field(list, tag, '\x1f');
    tags_field(list, problem, '\x1f');
    tags_field(list, value, '\x1f');
    tags_field(list, reason, '\x1e');
}

/* The problems of groups that apply to a page type, as the evidence's JSON
 * array; a new reference. */
static json_t *tags_problems_json(const tags_site *s, const sbuf *list, int type);

static void tags_gather_add(tags_gather *g, const char *written, const char *url) {
    if (!g->written)
        g->written = tags_strdup(written);
    if (!g->pages)
        g->pages = json_array();
    if (g->count++ < TAGS_MAX_PAGES)
        json_array_append_new(g->pages, json_string(url));
}

static void tags_gather_free(void *v) {
    tags_gather *g = v;
    if (!g)
        return;
    free(g->written);
    json_decref(g->pages);
    free(g);
}

/* A case variant of a canonical tag name, gathered per site. */
static void tags_case_seen(tags_site *s, const char *canonical, const char *written,
                           const char *url) {
    tags_gather *g = strmap_get(s->cases, canonical);
    if (!g) {
        g = calloc(1, sizeof *g);
        if (!g || !strmap_put(s->cases, canonical, g, NULL)) {
            free(g);
            return;
        }
    }
    tags_gather_add(g, written, url);
}

/* The meta of a canonical name: the exact-case one (and how many there
 * are), else a case variant. */
static const page_meta *tags_find(const page *p, const char *name, int *exact) {
    const page_meta *variant = NULL, *found = NULL;
    *exact = 0;
    for (size_t i = 0; i < p->nmetas; i++) {
        const char *n = p->metas[i].name;
        if (!n)
            continue;
        if (strcmp(n, name) == 0) {
            if (!found)
                found = &p->metas[i];
            (*exact)++;
        } else if (!variant && strcasecmp(n, name) == 0) {
            variant = &p->metas[i];
        }
    }
    return found ? found : variant;
}

static void tags_check_value(tags_site *s, const page *p, sbuf *probs, const char *group,
                             const char *tag, const char *value) {
    if (strcmp(tag, "SiteIDCode") == 0) {
        if (!tags_site_code_valid(value))
            tags_problem(probs, group, tag, "malformed", value,
                         L("not 10 digits or bm + 8 digits", "不是10位数字或 bm 加8位数字"));
        else if (*s->code && strcasecmp(value, s->code) != 0)
            tags_problem(probs, group, tag, "malformed", value,
                         L("not the registered 网站标识码", "与登记的网站标识码不一致"));
    } else if (strcmp(tag, "PubDate") == 0) {
        tags_date pd, shown;
        const char *text = NULL;
        if (!tags_pubdate_parse(value, &pd)) {
            tags_problem(probs, group, tag, "malformed", value,
                         L("not YYYY-MM-DD HH:MM[:SS]", "格式不是 YYYY-MM-DD HH:MM[:SS]"));
        } else if (tags_shown_date(s->r, p, &shown, &text) &&
                   (shown.y != pd.y || shown.m != pd.m || shown.d != pd.d)) {
            char reason[160];
            snprintf(reason, sizeof reason,
                     L("the page shows %04d-%02d-%02d", "页面显示的日期为 %04d-%02d-%02d"), shown.y,
                     shown.m, shown.d);
            tags_problem(probs, group, tag, "malformed", value, reason);
        }
    }
}

bool tags_page(tags_site *s, const page *p, tags_page_type type) {
    const rules *r = s->r;
    for (size_t i = 0; i < p->nitems; i++)
        if (p->items[i].url && !strmap_put(s->items, p->items[i].url, (void *)1, NULL))
            return false;
    if (s->npages == s->cappages) {
        size_t cap = s->cappages ? s->cappages * 2 : 64;
        tags_pagerec *np = realloc(s->pages, cap * sizeof *np);
        if (!np)
            return false;
        s->pages = np, s->cappages = cap;
    }
    tags_pagerec *pr = &s->pages[s->npages];
    *pr = (tags_pagerec){.url = tags_strdup(p->url), .fixed = type, .problems = SBUF_INIT};
    if (!pr->url)
        return false;
    s->npages++;
    int exact;
    const page_meta *m;
    pr->article = ((m = tags_find(p, "ArticleTitle", &exact)) && *m->content) ||
                  ((m = tags_find(p, "PubDate", &exact)) && *m->content);
    pr->list = p->nitems >= 3 ||
               (!pr->article && (((m = tags_find(p, "ColumnName", &exact)) && *m->content) ||
                                 ((m = tags_find(p, "ColumnType", &exact)) && *m->content)));

    size_t ng = rules_keys_len(r, "page_tags/groups");
    for (size_t g = 0; g < ng; g++) {
        const char *group = rules_key(r, "page_tags/groups", g);
        char path[160];
        snprintf(path, sizeof path, "page_tags/groups/%s/tags", group);
        /* The list at once (a look-up per tag costs as much as the tag). */
        size_t nt;
        const char *const *tv = rules_strings(r, path, &nt);
        if (!tv)
            nt = rules_list_len(r, path);
        for (size_t t = 0; t < nt; t++) {
            const char *tag = tv ? tv[t] : rules_list_item(r, path, t);
            m = tags_find(p, tag, &exact);
            if (!m) {
                tags_problem(&pr->problems, group, tag, "missing", NULL, NULL);
                continue;
            }
            if (!exact)
                tags_case_seen(s, tag, m->name, p->url);
            if (exact > 1)
                tags_problem(&pr->problems, group, tag, "repeated", NULL, NULL);
            if (!*m->content) {
                if (!tags_in_list(r, "page_tags/allow_empty", tag))
                    tags_problem(&pr->problems, group, tag, "empty", NULL, NULL);
                continue;
            }
            tags_check_value(s, p, &pr->problems, group, tag, m->content);
            if (strcmp(tag, "SiteDomain") == 0 && (strncasecmp(m->content, "http://", 7) == 0 ||
                                                   strncasecmp(m->content, "https://", 8) == 0))
                tags_gather_add(&s->domain, m->content, p->url);
        }
    }
    return true;
}

/* ---- the site ------------------------------------------------------------------ */

tags_site *tags_site_new(const rules *r, const site_rec *site, err *e) {
    tags_site *s = calloc(1, sizeof *s);
    if (s) {
        s->r = r;
        s->code = tags_strdup(site ? site->code : "");
        s->items = strmap_new();
        s->cases = strmap_new();
        s->emitted = strmap_new();
    }
    if (!s || !s->code || !s->items || !s->cases || !s->emitted) {
        tags_site_free(s);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    return s;
}

void tags_site_free(tags_site *s) {
    if (!s)
        return;
    for (size_t i = 0; i < s->npages; i++) {
        free(s->pages[i].url);
        sbuf_free(&s->pages[i].problems);
    }
    free(s->pages);
    free(s->code);
    strmap_free(s->items, NULL);
    strmap_free(s->cases, tags_gather_free);
    strmap_free(s->emitted, tags_emitted_free);
    free(s->domain.written);
    json_decref(s->domain.pages);
    free(s);
}

static const char *tags_type_name(tags_page_type t) {
    return t == TAGS_HOME ? "home" : t == TAGS_LIST ? "list" : t == TAGS_CONTENT ? "content" : "";
}

static bool tags_group_applies(const rules *r, const char *group, tags_page_type t) {
    char path[160];
    snprintf(path, sizeof path, "page_tags/groups/%s/pages", group);
    return tags_in_list(r, path, tags_type_name(t));
}

static json_t *tags_problems_json(const tags_site *s, const sbuf *list, int type) {
    json_t *a = json_array();
    const char *p = list->data;
    while (a && p && *p) {
        const char *end = strchr(p, '\x1e');
        if (!end)
            break;
        const char *f[5];
        size_t len[5];
        const char *q = p;
        for (int k = 0; k < 5; k++) {
            const char *sep = k < 4 ? memchr(q, '\x1f', (size_t)(end - q)) : end;
            if (!sep)
                sep = end;
            f[k] = q, len[k] = (size_t)(sep - q);
            q = sep < end ? sep + 1 : end;
        }
        char group[64];
        snprintf(group, sizeof group, "%.*s", (int)len[0], f[0]);
        if (tags_group_applies(s->r, group, (tags_page_type)type)) {
            json_t *o = json_object();
            json_object_set_new(o, "group", json_stringn(f[0], len[0]));
            json_object_set_new(o, "tag", json_stringn(f[1], len[1]));
            json_object_set_new(o, "problem", json_stringn(f[2], len[2]));
            if (len[3])
                json_object_set_new(o, "value", json_stringn(f[3], len[3]));
            if (len[4])
                json_object_set_new(o, "reason", json_stringn(f[4], len[4]));
            json_array_append_new(a, o);
        }
        p = end + 1;
    }
    return a;
}

/* "missing: A, B; empty: C" for people. */
static void tags_describe(sbuf *b, json_t *problems) {
    static const char *const kinds[] = {"missing", "empty", "malformed", "repeated"};
    for (size_t k = 0; k < 4; k++) {
        bool first = true;
        size_t i;
        json_t *o;
        json_array_foreach(problems, i, o) {
            if (strcmp(json_string_value(json_object_get(o, "problem")), kinds[k]) != 0)
                continue;
            if (first)
                sbuf_printf(b, "%s%s ", b->len ? "; " : "", kinds[k]);
            sbuf_printf(b, "%s%s", first ? "" : ", ", json_string_value(json_object_get(o, "tag")));
            first = false;
        }
    }
}

/* Problems serialised ("[...]", NULL when none apply) and described. */
static tags_emitted *tags_emitted_new(const tags_site *s, const sbuf *problems, tags_page_type type) {
    tags_emitted *t = calloc(1, sizeof *t);
    json_t *mine = t ? tags_problems_json(s, problems, type) : NULL;
    if (!mine) {
        free(t);
        return NULL;
    }
    if (json_array_size(mine)) {
        sbuf what = SBUF_INIT;
        tags_describe(&what, mine);
        t->what = sbuf_detach(&what);
        t->problems = json_dumps(mine, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!t->what || !t->problems) {
            json_decref(mine);
            tags_emitted_free(t);
            return NULL;
        }
    }
    json_decref(mine);
    return t;
}

/* The problems of a page of that type: cached by what they are. */
static tags_emitted *tags_emitted_for(tags_site *s, const tags_pagerec *pr, tags_page_type type,
                                      bool *owned) {
    sbuf key = SBUF_INIT;
    /* The problems run to kilobytes: appended, not formatted (printf's %s
     * costs far more per byte). */
    char head[24];
    snprintf(head, sizeof head, "%d\x1d", (int)type);
    sbuf_puts(&key, head);
    sbuf_puts(&key, sbuf_str(&pr->problems));
    tags_emitted *t = key.oom ? NULL : strmap_get(s->emitted, sbuf_str(&key));
    *owned = false;
    if (!t) {
        t = tags_emitted_new(s, &pr->problems, type);
        bool cached = t && !key.oom && strmap_len(s->emitted) < TAGS_MAX_CACHED &&
                      strmap_put(s->emitted, sbuf_str(&key), t, NULL);
        *owned = t && !cached;
    }
    sbuf_free(&key);
    return t;
}

static void tags_emit_page(tags_site *s, const tags_pagerec *pr, tags_page_type type,
                           tags_emit_fn emit, void *ud) {
    bool owned;
    tags_emitted *t = tags_emitted_for(s, pr, type, &owned);
    if (!t || !t->problems) {
        if (owned)
            tags_emitted_free(t);
        return;
    }
    char *summary = NULL;
    sbuf sb = SBUF_INIT;
    sbuf_printf(&sb, L("page tags of %s page %s: %s", "%s页 %s 的网页标签：%s"),
                lang_is_zh() ? (type == TAGS_HOME   ? "首"
                                : type == TAGS_LIST ? "栏目"
                                                    : "内容")
                             : tags_type_name(type),
                pr->url, t->what);
    summary = sbuf_detach(&sb);
    sbuf ev = SBUF_INIT;
    sbuf_puts(&ev, "{\"page_type\":\"");
    sbuf_puts(&ev, tags_type_name(type));
    sbuf_puts(&ev, "\",\"problems\":");
    sbuf_puts(&ev, t->problems);
    sbuf_puts(&ev, "}");
    check_finding f = {
        .kind = "tags.missing",
        .subject = pr->url,
        .url = pr->url,
        .source_url = pr->url,
        .evidence_json = ev.oom ? NULL : sbuf_str(&ev),
        .no_copy = true, /* the evidence names every tag and value */
        .summary = summary,
        .home = type == TAGS_HOME};
    if (summary && !ev.oom)
        emit(ud, &f);
    free(summary);
    sbuf_free(&ev);
    if (owned)
        tags_emitted_free(t);
}

/* A type no later page can change: fixed, or content (an article tag, or
 * a dated list item already links to it — list items only ever add
 * content pages). TAGS_NONE while a later list item could still make a
 * list or untyped page a content page. */
static tags_page_type tags_settled_type(const tags_site *s, const tags_pagerec *pr) {
    if (pr->fixed != TAGS_NONE)
        return pr->fixed;
    if (pr->article || strmap_get(s->items, pr->url))
        return TAGS_CONTENT;
    return TAGS_NONE;
}

void tags_emit_settled(tags_site *s, tags_emit_fn emit, void *ud) {
    if (!s || !s->npages)
        return;
    tags_pagerec *pr = &s->pages[s->npages - 1];
    tags_page_type type = tags_settled_type(s, pr);
    if (pr->emitted || type == TAGS_NONE)
        return;
    tags_emit_page(s, pr, type, emit, ud);
    pr->emitted = true;
    sbuf_free(&pr->problems);
}

void tags_site_end(tags_site *s, tags_emit_fn emit, void *ud) {
    if (!s)
        return;
    for (size_t i = 0; i < s->npages; i++) {
        const tags_pagerec *pr = &s->pages[i];
        if (pr->emitted)
            continue;
        tags_page_type type = tags_settled_type(s, pr);
        if (type == TAGS_NONE && pr->list)
            type = TAGS_LIST;
        if (type != TAGS_NONE)
            tags_emit_page(s, pr, type, emit, ud);
    }
    size_t pos = 0;
    const char *name;
    void *v;
    while (strmap_next(s->cases, &pos, &name, &v)) {
        tags_gather *g = v;
        char summary[400];
        snprintf(summary, sizeof summary,
                 L("meta tag %s written \"%s\" on %d pages", "网页标签 %s 写作“%s”（%d 个页面）"),
                 name, g->written, g->count);
        check_finding f = {.kind = "tags.case",
                           .subject = name,
                           .url = json_string_value(json_array_get(g->pages, 0)),
                           .source_url = json_string_value(json_array_get(g->pages, 0)),
                           .evidence =
                               json_pack("{s:s, s:s, s:i, s:O}", "tag", name, "written", g->written,
                                         "pages_total", g->count, "pages", g->pages),
                           .summary = summary};
        emit(ud, &f);
    }
    if (s->domain.count) {
        char summary[600];
        snprintf(summary, sizeof summary,
                 L("SiteDomain \"%s\" carries a scheme (%d pages)",
                   "SiteDomain“%s”含协议头（%d 个页面）"),
                 s->domain.written, s->domain.count);
        const char *first = json_string_value(json_array_get(s->domain.pages, 0));
        check_finding f = {.kind = "tags.site_domain",
                           .subject = "SiteDomain",
                           .url = first,
                           .source_url = first,
                           .evidence =
                               json_pack("{s:s, s:i, s:O}", "value", s->domain.written,
                                         "pages_total", s->domain.count, "pages", s->domain.pages),
                           .summary = summary};
        emit(ud, &f);
    }
}

/* ---- the check module ------------------------------------------------------------- */

static bool tags_record(void *ud, const check_finding *f) {
    return check_record(ud, f);
}

static void *tags_mod_begin(check_ctx *c, const site_rec *site) {
    err e = {0};
    tags_site *s = tags_site_new(check_rules(c), site, &e);
    if (!s)
        log_error("%s", e.msg);
    return s;
}

static void tags_mod_page(check_ctx *c, void *state, const crawl_page *p) {
    if (!state || !p->model)
        return;
    if (!tags_page(state, p->model, p->depth == 0 ? TAGS_HOME : TAGS_NONE))
        log_error("%s: out of memory", p->model->url);
    else
        tags_emit_settled(state, tags_record, c);
}

static void tags_mod_end(check_ctx *c, void *state, const crawl_site_result *r) {
    (void)r;
    tags_site_end(state, tags_record, c);
}

static void tags_mod_free(void *state) {
    tags_site_free(state);
}

const check_module check_tags = {
    .name = "tags",
    .kind_prefixes = tags_kinds,
    .site_begin = tags_mod_begin,
    .on_page = tags_mod_page,
    .on_link = NULL,
    .site_end = tags_mod_end,
    .site_free = tags_mod_free,
};
