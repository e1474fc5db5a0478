/* security — 暗链, harmful links and scripts, forged dates; see security.h. */
#include "checks/security.h"

#include "checks/tags.h"
#include "core/date.h"
#include "core/lang.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/strmap.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The compiled-in lists (data/lists/, see CMakeLists.txt). */
extern const char sec_list_allow_text[];
extern const size_t sec_list_allow_text_len;
extern const char sec_list_harmful_text[];
extern const size_t sec_list_harmful_text_len;

static const char *const sec_kinds[] = {"link.hidden", "link.harmful", "script.", "date.forged",
                                        NULL};

/* Referring pages kept per finding, and harmful words per link. */
#define SEC_MAX_PAGES 20
#define SEC_MAX_WORDS 5
/* Distinct URLs kept per site: informational ones, and all. */
#define SEC_MAX_INFO_RECS 2000
#define SEC_MAX_RECS      20000
/* Hosts longer than this are not looked up (no real host is). */
#define SEC_HOST_MAX 256

struct sec_lists {
    strmap *harmful, *allow, *registered;
    char **suffixes; /* government suffixes of the rule set, lower case, with their dot */
    size_t nsuffixes;
    unsigned generation; /* bumped when `registered` grows: sites' host caches go stale */
};

/* Hosts whose classes a site remembers (sec_host_class); a page's links
 * point at few hosts, each looked up in three lists. */
#define SEC_MAX_CACHED_HOSTS 4096
enum { SEC_H_HARMFUL = 1, SEC_H_OWN = 2, SEC_H_GOV = 4, SEC_H_ALLOWED = 8, SEC_H_KNOWN = 16 };

/* Severity order within links and within scripts: a URL seen several ways
 * keeps the gravest. */
typedef enum {
    SEC_HIDDEN = 1,      /* link.hidden */
    SEC_HARMFUL,         /* link.harmful */
    SEC_HIDDEN_OFFSITE,  /* link.hidden_harmful, unless the site links the host openly */
    SEC_HIDDEN_HARMFUL,  /* link.hidden_harmful: harmful host or words */
    SEC_SCRIPT_EXTERNAL, /* script.external */
    SEC_SCRIPT_HARMFUL,  /* script.harmful */
} sec_class;

typedef struct sec_rec {
    sec_class cls;
    char *url, *host, *tag, *text, *hidden_by, *reason;
    json_t *words;
    json_t *pages;
    json_t *urls; /* script.external: the host's scripts */
    int npages;
    bool home;
} sec_rec;

struct sec_site {
    const sec_lists *lists;
    const text_engine *text;
    const rules *r;
    int zone;
    url_scope *scope;
    strmap *own;          /* the site's base hosts (registered host without www.) */
    strmap *recs;         /* "l URL" / "s URL" -> sec_rec */
    strmap *open_domains; /* registrable domains the site links visibly or loads scripts from */
    json_t *forged;       /* [{url, summary, evidence}] */
    strmap *hosts;        /* host -> SEC_H_* | SEC_H_KNOWN, of lists->generation hosts_gen */
    unsigned hosts_gen;
    const char **zhaocuo; /* footer/zhaocuo_paths of the rule set */
    size_t nzhaocuo;
};

/* ---- lists -------------------------------------------------------------------- */

static void sec_lower(char *s) {
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* One domain a line; '#' comments, blank lines and spaces ignored. */
static bool sec_list_load(strmap *m, const char *text, size_t len) {
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        while (p < le && isspace((unsigned char)*p))
            p++;
        const char *q = le;
        while (q > p && isspace((unsigned char)q[-1]))
            q--;
        if (q > p && *p != '#' && q - p < SEC_HOST_MAX) {
            char host[SEC_HOST_MAX];
            memcpy(host, p, (size_t)(q - p));
            host[q - p] = '\0';
            sec_lower(host);
            if (!strmap_put(m, host, (void *)1, NULL))
                return false;
        }
        p = le + 1;
    }
    return true;
}

sec_lists *sec_lists_new(const rules *r, err *e) {
    sec_lists *l = calloc(1, sizeof *l);
    bool ok = l && (l->harmful = strmap_new()) && (l->allow = strmap_new()) &&
              (l->registered = strmap_new());
    ok = ok && sec_list_load(l->harmful, sec_list_harmful_text, sec_list_harmful_text_len) &&
         sec_list_load(l->allow, sec_list_allow_text, sec_list_allow_text_len);
    size_t na = ok ? rules_list_len(r, "domains/allow") : 0;
    for (size_t i = 0; ok && i < na; i++) {
        const char *d = rules_list_item(r, "domains/allow", i);
        ok = sec_list_load(l->allow, d, strlen(d));
    }
    size_t ns = ok ? rules_list_len(r, "domains/government_suffixes") : 0;
    if (ok && ns)
        ok = (l->suffixes = calloc(ns, sizeof *l->suffixes)) != NULL;
    for (size_t i = 0; ok && i < ns; i++) {
        const char *sfx = rules_list_item(r, "domains/government_suffixes", i);
        size_t n = strlen(sfx);
        char *d = malloc(n + 2);
        if (!(ok = d != NULL))
            break;
        snprintf(d, n + 2, "%s%s", *sfx == '.' ? "" : ".", sfx);
        sec_lower(d);
        l->suffixes[l->nsuffixes++] = d;
    }
    if (!ok) {
        sec_lists_free(l);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    return l;
}

void sec_lists_free(sec_lists *l) {
    if (!l)
        return;
    strmap_free(l->harmful, NULL);
    strmap_free(l->allow, NULL);
    strmap_free(l->registered, NULL);
    for (size_t i = 0; i < l->nsuffixes; i++)
        free(l->suffixes[i]);
    free(l->suffixes);
    free(l);
}

/* The host of a normalised URL into buf, lower case; false when too long.
 * *parts (optional): the URL split. */
static bool sec_url_host_parts(const char *url, char *buf, size_t bufsz, url_parts *parts) {
    url_parts up;
    if (!url || !url_split(url, &up) || up.host_len == 0 || up.host_len >= bufsz)
        return false;
    if (parts)
        *parts = up;
    memcpy(buf, up.host, up.host_len);
    buf[up.host_len] = '\0';
    sec_lower(buf);
    return true;
}

static bool sec_url_host(const char *url, char *buf, size_t bufsz) {
    return sec_url_host_parts(url, buf, bufsz, NULL);
}

/* The host without a leading "www.": the site's base. */
static const char *sec_base(const char *host) {
    return strncmp(host, "www.", 4) == 0 && host[4] ? host + 4 : host;
}

/* Adds the host of each URL or bare host of a space-separated list. */
static bool sec_add_hosts(strmap *m, const char *url, const char *hosts) {
    char host[SEC_HOST_MAX];
    if (url && sec_url_host(url, host, sizeof host) &&
        !strmap_put(m, sec_base(host), (void *)1, NULL))
        return false;
    for (const char *p = hosts ? hosts : ""; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strcspn(p, " \t");
        if (!n)
            break;
        char tok[SEC_HOST_MAX + 16];
        if (n < SEC_HOST_MAX) {
            snprintf(tok, sizeof tok, "%s%.*s",
                     strstr(p, "://") && (size_t)(strstr(p, "://") - p) < n ? "" : "http://",
                     (int)n, p);
            char *norm = url_normalize(tok);
            bool ok = !norm || !sec_url_host(norm, host, sizeof host) ||
                      strmap_put(m, sec_base(host), (void *)1, NULL);
            free(norm);
            if (!ok)
                return false;
        }
        p += n;
    }
    return true;
}

bool sec_lists_add_site(sec_lists *l, const char *url, const char *hosts) {
    l->generation++;
    return sec_add_hosts(l->registered, url, hosts);
}

/* The registrable part of a host, roughly: its last two labels, or three
 * under a two-letter country code's com/net/org/gov/edu/ac (x.com.cn). */
static const char *sec_reg_domain(const char *host) {
    const char *dots[3] = {NULL, NULL, NULL}; /* the last three dots, last first */
    for (const char *p = host; *p; p++)
        if (*p == '.')
            dots[2] = dots[1], dots[1] = dots[0], dots[0] = p;
    if (!dots[1])
        return host;
    const char *two = dots[1] + 1;
    if (strlen(dots[0] + 1) == 2 && dots[2]) {
        static const char *const sld[] = {"com.", "net.", "org.", "gov.", "edu.", "ac."};
        for (size_t i = 0; i < sizeof sld / sizeof *sld; i++)
            if (strncmp(two, sld[i], strlen(sld[i])) == 0 && two + strlen(sld[i]) == dots[0] + 1)
                return dots[2] + 1;
    }
    return two;
}

/* Whether the map holds the host or one of its parent domains. */
static bool sec_covers(const strmap *m, const char *host) {
    for (const char *h = host; h && *h;) {
        if (strmap_get(m, h))
            return true;
        h = strchr(h, '.');
        if (h)
            h++;
    }
    return false;
}

bool sec_host_harmful(const sec_lists *l, const char *host) {
    return sec_covers(l->harmful, host);
}

bool sec_host_allowed(const sec_lists *l, const char *host) {
    return sec_covers(l->allow, host);
}

bool sec_host_government(const sec_lists *l, const char *host) {
    size_t n = strlen(host);
    if (url_host_is_government(host, n))
        return true;
    for (size_t i = 0; i < l->nsuffixes; i++) {
        size_t k = strlen(l->suffixes[i]);
        if (n > k && strcmp(host + n - k, l->suffixes[i]) == 0)
            return true;
    }
    return sec_covers(l->registered, host);
}

/* ---- the site --------------------------------------------------------------------- */

static void sec_rec_free(void *v) {
    sec_rec *r = v;
    if (!r)
        return;
    free(r->url), free(r->host), free(r->tag), free(r->text), free(r->hidden_by), free(r->reason);
    json_decref(r->words);
    json_decref(r->pages);
    json_decref(r->urls);
    free(r);
}

sec_site *sec_site_new(const sec_lists *l, const text_engine *text, const rules *r,
                       const site_rec *site, int zone_minutes, err *e) {
    sec_site *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    *s = (sec_site){.lists = l, .text = text, .r = r, .zone = zone_minutes};
    s->scope = url_scope_new(site->url, site->hosts, e);
    if (!s->scope) {
        sec_site_free(s);
        return NULL;
    }
    s->own = strmap_new();
    s->recs = strmap_new();
    s->open_domains = strmap_new();
    s->forged = json_array();
    s->hosts = strmap_new();
    s->hosts_gen = l->generation;
    s->nzhaocuo = rules_list_len(r, "footer/zhaocuo_paths");
    s->zhaocuo = calloc(s->nzhaocuo ? s->nzhaocuo : 1, sizeof *s->zhaocuo);
    for (size_t i = 0; s->zhaocuo && i < s->nzhaocuo; i++)
        s->zhaocuo[i] = rules_list_item(r, "footer/zhaocuo_paths", i);
    if (!s->own || !s->recs || !s->open_domains || !s->forged || !s->hosts || !s->zhaocuo ||
        !sec_add_hosts(s->own, site->url, site->hosts)) {
        sec_site_free(s);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    return s;
}

void sec_site_free(sec_site *s) {
    if (!s)
        return;
    url_scope_free(s->scope);
    strmap_free(s->own, NULL);
    strmap_free(s->recs, sec_rec_free);
    strmap_free(s->open_domains, NULL);
    json_decref(s->forged);
    strmap_free(s->hosts, NULL);
    free(s->zhaocuo);
    free(s);
}

typedef struct sec_words {
    json_t *words;
} sec_words;

static bool sec_word_cb(const text_match *m, void *ud) {
    sec_words *w = ud;
    if (m->category != TEXT_HARMFUL)
        return true;
    if (!w->words)
        w->words = json_array();
    json_array_append_new(w->words, json_string(m->text));
    return json_array_size(w->words) < SEC_MAX_WORDS;
}

/* The harmful words of an anchor text; NULL when none. */
static json_t *sec_harmful_words(const sec_site *s, const char *text) {
    if (!s->text || !text || !*text)
        return NULL;
    sec_words w = {0};
    text_scan_opts opts = {.statistical = false};
    text_scan(s->text, text, strlen(text), &opts, sec_word_cb, &w);
    return w.words;
}

static char *sec_dup(const char *s) {
    return strdup(s ? s : "");
}

/* Keeps one sighting of a URL: the gravest class wins, pages accumulate. */
static bool sec_keep(sec_site *s, const page *p, const page_link *l, const char *host,
                     sec_class cls, const char *reason, json_t *words, bool home) {
    char key[16 + 8192];
    bool script = cls >= SEC_SCRIPT_EXTERNAL;
    if (strlen(l->url) > 8192) {
        json_decref(words);
        return true;
    }
    /* Off-site scripts are judged by host: a CDN serves dozens of files. */
    snprintf(key, sizeof key, "%c %s", script ? 's' : 'l',
             cls == SEC_SCRIPT_EXTERNAL ? host : l->url);
    sec_rec *r = strmap_get(s->recs, key);
    if (!r &&
        strmap_len(s->recs) >=
            (cls == SEC_HIDDEN || cls == SEC_SCRIPT_EXTERNAL ? SEC_MAX_INFO_RECS : SEC_MAX_RECS)) {
        /* A hostile site cannot exhaust memory; what is kept suffices. */
        json_decref(words);
        return true;
    }
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r || !(r->pages = json_array()) || !strmap_put(s->recs, key, r, NULL)) {
            sec_rec_free(r);
            json_decref(words);
            return false;
        }
        r->url = sec_dup(l->url);
        r->host = sec_dup(host);
        r->urls = json_array();
    }
    if (cls == SEC_SCRIPT_EXTERNAL && json_array_size(r->urls) < SEC_MAX_PAGES) {
        size_t i;
        json_t *v;
        bool seen = false;
        json_array_foreach(r->urls, i, v) seen = seen || strcmp(json_string_value(v), l->url) == 0;
        if (!seen)
            json_array_append_new(r->urls, json_string(l->url));
    }
    if (cls > r->cls) {
        r->cls = cls;
        free(r->tag), free(r->hidden_by), free(r->reason);
        r->tag = sec_dup(l->tag);
        r->hidden_by = l->hidden_by ? sec_dup(l->hidden_by) : NULL;
        r->reason = sec_dup(reason);
        json_decref(r->words);
        r->words = words;
        words = NULL;
    }
    json_decref(words);
    if (!r->text || !*r->text) {
        free(r->text);
        r->text = sec_dup(l->text);
    }
    if (r->npages < SEC_MAX_PAGES) {
        size_t i;
        json_t *v;
        bool seen = false;
        json_array_foreach(r->pages, i, v) seen = seen || strcmp(json_string_value(v), p->url) == 0;
        if (!seen)
            json_array_append_new(r->pages, json_string(p->url));
    }
    r->npages++;
    r->home = r->home || home;
    return r->url && r->host && r->text && r->urls;
}

/* The 找错 entry of the earlier platform is linked by path, even by IP
 * address (footer/zhaocuo_paths). */
static bool sec_allowed_path(const sec_site *s, const url_parts *up) {
    for (size_t i = 0; i < s->nzhaocuo; i++) {
        const char *pre = s->zhaocuo[i];
        size_t k = strlen(pre);
        if (k && up->path_len >= k && strncmp(up->path, pre, k) == 0)
            return true;
    }
    return false;
}

/* What the lists say of a host (SEC_H_*), remembered per site. */
static unsigned sec_host_class(sec_site *s, const char *host) {
    const sec_lists *ls = s->lists;
    if (s->hosts_gen != ls->generation) { /* a site was registered since: start again */
        strmap *fresh = strmap_new();
        if (fresh) {
            strmap_free(s->hosts, NULL);
            s->hosts = fresh;
            s->hosts_gen = ls->generation;
        }
    }
    bool cache = s->hosts_gen == ls->generation;
    uintptr_t known = cache ? (uintptr_t)strmap_get(s->hosts, host) : 0;
    if (known)
        return (unsigned)known;
    unsigned c = SEC_H_KNOWN;
    if (sec_host_harmful(ls, host))
        c |= SEC_H_HARMFUL;
    if (sec_covers(s->own, host))
        c |= SEC_H_OWN;
    if (sec_host_government(ls, host))
        c |= SEC_H_GOV;
    if (sec_host_allowed(ls, host))
        c |= SEC_H_ALLOWED;
    if (cache && strmap_len(s->hosts) < SEC_MAX_CACHED_HOSTS)
        strmap_put(s->hosts, host, (void *)(uintptr_t)c, NULL); /* out of memory: not kept */
    return c;
}

static bool sec_link(sec_site *s, const page *p, const page_link *l, bool home) {
    if (l->kind != URL_HTTP || !l->url)
        return true;
    const char *t = l->tag;
    bool anchor = strcmp(t, "a") == 0 || strcmp(t, "area") == 0;
    bool script = strcmp(t, "script") == 0 || strcmp(t, "iframe") == 0 || strcmp(t, "frame") == 0 ||
                  strcmp(t, "embed") == 0;
    if (!anchor && !script)
        return true;
    char host[SEC_HOST_MAX];
    url_parts up;
    if (!sec_url_host_parts(l->url, host, sizeof host, &up))
        return true;
    unsigned hc = sec_host_class(s, host);
    bool harmful = hc & SEC_H_HARMFUL;
    bool own = !harmful && (url_in_scope(s->scope, l->url) || (hc & SEC_H_OWN));
    bool gov = !own && !harmful && (hc & SEC_H_GOV);
    bool allowed = !harmful && ((hc & SEC_H_ALLOWED) || sec_allowed_path(s, &up));
    if (script && !own && !strmap_put(s->open_domains, sec_reg_domain(host), (void *)1, NULL))
        return false;
    if (script) {
        if (harmful)
            return sec_keep(s, p, l, host, SEC_SCRIPT_HARMFUL,
                            L("host on the harmful-domain list", "域名在有害域名库中"), NULL, home);
        if (own || gov || allowed)
            return true;
        return sec_keep(s, p, l, host, SEC_SCRIPT_EXTERNAL,
                        L("off-site host, not government, not on the allow list",
                          "站外非政府域名，且不在白名单中"),
                        NULL, home);
    }
    json_t *words = !own && !gov && !allowed && !harmful ? sec_harmful_words(s, l->text) : NULL;
    char reason[200];
    if (harmful)
        snprintf(reason, sizeof reason, "%s",
                 L("host on the harmful-domain list", "域名在有害域名库中"));
    else if (words)
        snprintf(reason, sizeof reason, "%s",
                 L("harmful words in the anchor text", "链接文字含有害词语"));
    if (l->visible) {
        if (harmful || words)
            return sec_keep(s, p, l, host, SEC_HARMFUL, reason, words, home);
        if (!own && !strmap_put(s->open_domains, sec_reg_domain(host), (void *)1, NULL))
            return false;
        return true;
    }
    if (harmful || words)
        return sec_keep(s, p, l, host, SEC_HIDDEN_HARMFUL, reason, words, home);
    if (own)
        return true;
    if (gov || allowed)
        return sec_keep(s, p, l, host, SEC_HIDDEN,
                        gov ? L("government host", "政府域名")
                            : L("host on the allow list", "白名单域名"),
                        NULL, home);
    return sec_keep(
        s, p, l, host, SEC_HIDDEN_OFFSITE,
        L("off-site host, not government, not on the allow list", "站外非政府域名，且不在白名单中"),
        NULL, home);
}

/* Unix ms of a date and time in the zone. */
static int64_t sec_instant(const tags_date *d, int zone) {
    int64_t day = date_days_from_civil(d->y, d->m, d->d);
    int64_t secs = day * 86400 + (int64_t)d->hh * 3600 + d->mi * 60 + d->ss - (int64_t)zone * 60;
    return secs * 1000;
}

static void sec_forged(sec_site *s, const page *p, bool home, int64_t fetched_ms) {
    rules_threshold th = rules_threshold_at(s->r, "indicators/site.security/forged_date_days");
    tags_date pub, shown;
    const char *shown_text = NULL;
    const page_meta *pm = page_meta_get(p, "PubDate");
    bool have_pub = pm && tags_pubdate_parse(pm->content, &pub);
    bool have_shown = tags_shown_date(s->r, p, &shown, &shown_text);
    double pub_days = have_pub ? (double)(sec_instant(&pub, s->zone) - fetched_ms) / 86400000.0 : 0;
    double shown_days =
        have_shown ? (double)(sec_instant(&shown, s->zone) - fetched_ms) / 86400000.0 : 0;
    bool pub_forged = have_pub && rules_threshold_test(th, pub_days);
    bool shown_forged = have_shown && rules_threshold_test(th, shown_days);
    if (!pub_forged && !shown_forged)
        return;
    char fetched[40], sd[24] = "";
    date_format_iso(fetched_ms, s->zone, fetched, sizeof fetched);
    if (have_shown)
        snprintf(sd, sizeof sd, "%04d-%02d-%02d", shown.y, shown.m, shown.d);
    char shown_ctx[200] = "";
    if (shown_text)
        snprintf(shown_ctx, sizeof shown_ctx, "%.120s", shown_text);
    json_t *ev = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:f, s:b}", "url", p->url, "fetched_at", fetched, "pubdate",
        have_pub ? pm->content : "", "shown_date", sd, "shown_text", shown_ctx, "days_ahead",
        pub_forged && (!shown_forged || pub_days >= shown_days) ? pub_days : shown_days, "home",
        home);
    char summary[600];
    snprintf(
        summary, sizeof summary,
        L("publication date %s is later than the fetch time %s", "发布日期 %s 晚于抓取时间 %s"),
        pub_forged ? pm->content : sd, fetched);
    json_array_append_new(s->forged, json_pack("{s:s, s:s, s:o, s:b}", "url", p->url, "summary",
                                               summary, "evidence", ev, "home", home));
}

bool sec_page(sec_site *s, const page *p, bool home, int64_t fetched_ms) {
    for (size_t i = 0; i < p->nlinks; i++)
        if (!sec_link(s, p, &p->links[i], home))
            return false;
    if (fetched_ms > 0)
        sec_forged(s, p, home, fetched_ms);
    return true;
}

static const char *sec_kind(const sec_rec *r) {
    switch (r->cls) {
    case SEC_HIDDEN:
        return "link.hidden";
    case SEC_HARMFUL:
        return "link.harmful";
    case SEC_HIDDEN_OFFSITE:
    case SEC_HIDDEN_HARMFUL:
        return "link.hidden_harmful";
    case SEC_SCRIPT_EXTERNAL:
        return "script.external";
    case SEC_SCRIPT_HARMFUL:
        return "script.harmful";
    }
    return "link.hidden";
}

static void sec_emit_rec(const sec_rec *r, sec_emit_fn emit, void *ud) {
    const char *kind = sec_kind(r);
    json_t *ev = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O, s:i, s:b}", "url", r->url, "host",
                           r->host, "tag", r->tag, "text", r->text, "hidden_by",
                           r->hidden_by ? r->hidden_by : "", "reason", r->reason, "pages", r->pages,
                           "pages_total", r->npages, "from_home", r->home);
    if (r->words)
        json_object_set(ev, "words", r->words);
    if (json_array_size(r->urls))
        json_object_set(ev, "scripts", r->urls);
    sbuf sb = SBUF_INIT;
    if (r->cls == SEC_HIDDEN || r->cls == SEC_HIDDEN_OFFSITE || r->cls == SEC_HIDDEN_HARMFUL)
        sbuf_printf(&sb, L("invisible link (%s) to %s: %s", "隐藏链接（%s）指向 %s：%s"),
                    r->hidden_by ? r->hidden_by : "", r->url, r->reason);
    else if (r->cls == SEC_HARMFUL)
        sbuf_printf(&sb, L("link to %s: %s", "链接指向 %s：%s"), r->url, r->reason);
    else if (r->cls == SEC_SCRIPT_EXTERNAL)
        sbuf_printf(
            &sb,
            L("%zu scripts or frames loaded from %s: %s", "引用站外脚本或框架 %zu 个，来自 %s：%s"),
            json_array_size(r->urls), r->host, r->reason);
    else
        sbuf_printf(&sb, L("%s loaded from %s: %s", "%s 引用自 %s：%s"), r->tag, r->url, r->reason);
    if (*r->text)
        sbuf_printf(&sb, L(", anchor \"%s\"", "，链接文字“%s”"), r->text);
    check_finding f = {.kind = kind,
                       .subject = r->cls == SEC_SCRIPT_EXTERNAL ? r->host : r->url,
                       .url = r->url,
                       .source_url = json_string_value(json_array_get(r->pages, 0)),
                       .evidence = ev,
                       .summary = sbuf_str(&sb),
                       .home = r->home};
    emit(ud, &f);
    sbuf_free(&sb);
}

void sec_site_end(sec_site *s, sec_emit_fn emit, void *ud) {
    if (!s)
        return;
    size_t pos = 0;
    const char *key;
    void *v;
    while (strmap_next(s->recs, &pos, &key, &v)) {
        sec_rec *r = v;
        /* The site links this domain openly, or loads its scripts (a share
         * widget's own links): a menu or a widget, not 暗链. */
        if (r->cls == SEC_HIDDEN_OFFSITE && strmap_get(s->open_domains, sec_reg_domain(r->host))) {
            r->cls = SEC_HIDDEN;
            free(r->reason);
            r->reason = sec_dup(L("off-site domain that the site also links visibly or loads "
                                  "scripts from",
                                  "站外域名，网站在他处公开链接或引用其脚本"));
        }
        sec_emit_rec(r, emit, ud);
    }
    size_t i;
    json_t *o;
    json_array_foreach(s->forged, i, o) {
        const char *url = json_string_value(json_object_get(o, "url"));
        check_finding f = {.kind = "date.forged",
                           .subject = url,
                           .url = url,
                           .source_url = url,
                           .evidence = json_incref(json_object_get(o, "evidence")),
                           .summary = json_string_value(json_object_get(o, "summary")),
                           .home = json_is_true(json_object_get(o, "home"))};
        emit(ud, &f);
    }
}

/* ---- the check module ---------------------------------------------------------------
 * The lists and the text engine are loaded once per inspection run: every
 * site's site_begin runs before the crawl and every site_free after it, all
 * on the crawl thread, so a reference count suffices. */

static struct {
    int refs;
    sec_lists *lists;
    text_engine *text;
} sec_shared;

static bool sec_record(void *ud, const check_finding *f) {
    return check_record(ud, f);
}

static void *sec_mod_begin(check_ctx *c, const site_rec *site) {
    err e = {0};
    /* Counted for every site, since site_free is called for every site. */
    if (sec_shared.refs++ == 0) {
        sec_shared.lists = sec_lists_new(check_rules(c), &e);
        if (!sec_shared.lists)
            log_error("%s", e.msg);
        else if (!(sec_shared.text = text_engine_load_for_inspections(&e)))
            log_warn(L("text engine not loaded, anchor texts are not judged: %s",
                       "文本引擎未能加载，不检查链接文字：%s"),
                     e.msg);
    }
    if (!sec_shared.lists)
        return NULL;
    /* The sites of the run are registered sites: government (spec §5.3). */
    if (!sec_lists_add_site(sec_shared.lists, site->url, site->hosts))
        log_error("out of memory");
    sec_site *s = sec_site_new(sec_shared.lists, sec_shared.text, check_rules(c), site,
                               check_zone_minutes(c), &e);
    if (!s)
        log_error("%s: %s", site->code, e.msg);
    return s;
}

static void sec_mod_page(check_ctx *c, void *state, const crawl_page *p) {
    (void)c;
    if (!state || !p->model)
        return;
    if (!sec_page(state, p->model, p->depth == 0, p->fetched_at_ms))
        log_error("%s: out of memory", p->model->url);
}

static void sec_mod_end(check_ctx *c, void *state, const crawl_site_result *r) {
    (void)r;
    sec_site_end(state, sec_record, c);
}

static void sec_mod_free(void *state) {
    sec_site_free(state);
    if (sec_shared.refs > 0 && --sec_shared.refs == 0) {
        sec_lists_free(sec_shared.lists);
        text_engine_free(sec_shared.text);
        sec_shared.lists = NULL;
        sec_shared.text = NULL;
    }
}

const check_module check_security = {
    .name = "security",
    .kind_prefixes = sec_kinds,
    .site_begin = sec_mod_begin,
    .on_page = sec_mod_page,
    .on_link = NULL,
    .site_end = sec_mod_end,
    .site_free = sec_mod_free,
};
