#include "crawl/crawl.h"

#include "core/lang.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/sbuf.h"
#include "core/strmap.h"
#include "core/url.h"
#include "crawl/robots.h"

#include <ctype.h>
#include <libxml/parser.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Referrers kept per link and site: enough evidence, bounded memory when a
 * footer link sits on 20,000 pages. */
#define CRAWL_MAX_REFS 10
/* A URL longer than this is not followed (it is still checked). */
#define CRAWL_MAX_URL 1024
#define CRAWL_MAX_SEGMENTS 20
/* Calendars before this year are traps too: no government site has pages
 * from before the web. */
#define CRAWL_MIN_YEAR 1990
/* The longest robots.txt Crawl-delay honoured. */
#define CRAWL_MAX_CRAWL_DELAY_MS 10000L
/* Month pages (/cal/2020/08/) followed under one prefix. */
#define CRAWL_MAX_MONTH_PAGES 36

typedef enum { LINK_NEW, LINK_PENDING, LINK_DONE } link_state;

/* The check of one URL, shared by every site that links to it. */
typedef struct link_result {
    link_state state;
    long status;
    fetch_error error;
    char *error_text;
    char *final_url;
    bool soft404;
    int64_t checked_at_ms;
} link_result;

/* One URL as one site links to it. */
typedef struct site_link {
    const char *url; /* the key in crawl_ctx.results */
    link_result *res;
    bool internal, from_home;
    bool linked; /* some page links to it (the homepage entry may be bookkeeping only) */
    /* Not checked for this site: its robots.txt forbids the URL. Per site,
     * since another site may link to the same URL and check it. */
    bool skipped;
    crawl_ref refs[CRAWL_MAX_REFS];
    size_t nrefs;
} site_link;

typedef struct site_state {
    crawl_site_spec spec;
    url_scope *scope;
    robots *robots;
    char *home;      /* normalised home URL */
    char *robots_url;
    strmap *queued;  /* page URLs queued for GET */
    strmap *links;   /* url -> site_link* */
    strmap *calendars; /* path prefix -> month pages followed (as an integer) */
    site_link **order; /* discovery order, for stable output */
    size_t norder, caporder;
    int pages_queued, pages_parsed, pages_forbidden;
    int year_max;    /* trap defence: calendar years after this are not followed */
    bool page_cap_reached;
    char *incomplete;
    /* Per-site completion, so that a site is reported (and its findings
     * committed) as soon as its crawl is over, not when the whole run is:
     * requests of this site under way, including pages in the parse pool. */
    int inflight;
    /* The homepage as received: "/index.html" beside "/" is mostly the same
     * document, not parsed twice (crawl_same_as_home). */
    char *home_body;
    size_t home_len;
    size_t settled;  /* order[0..settled) have no check under way */
    bool reported;
} site_state;

typedef struct crawl_ctx {
    const crawl_config *cfg;
    const crawl_callbacks *cb;
    fetch_client *fc;
    site_state *sites;
    size_t nsites;
    strmap *results; /* url -> link_result* */
    struct parse_pool *pool; /* NULL: pages are parsed on the crawl thread */
    long done, total;
    bool running;    /* in fetch_run(): sites are reported as they finish */
    bool failed;
    err *e;
} crawl_ctx;

typedef enum { REQ_ROBOTS, REQ_PAGE, REQ_CHECK } req_kind;

typedef struct crawl_req {
    crawl_ctx *ctx;
    site_state *site;
    req_kind kind;
    int depth;
    link_result *res;
} crawl_req;

/* Atomics (lock-free, so async-signal-safe): a signal handler or another
 * thread may stop the crawl. */
static atomic_int crawl_stop_flag;
static fetch_client *_Atomic crawl_active_client;

bool crawl_stopped(void) { return crawl_stop_flag != 0; }

void crawl_request_stop(void) {
    crawl_stop_flag = 1;
    fetch_client *fc = crawl_active_client;
    if (fc) fetch_stop(fc);
}

/* ---- small helpers ------------------------------------------------------ */

static void crawl_fail_nomem(crawl_ctx *c) {
    if (!c->failed) err_set(c->e, ERR_NOMEM, "out of memory");
    c->failed = true;
}

static void site_set_incomplete(site_state *s, const char *reason) {
    if (s->incomplete) return; /* the first reason is the cause */
    s->incomplete = strdup(reason);
}

/* Attachments, images and media are checked for reachability, not parsed:
 * a path ending in one of these extensions (any case). */
static bool crawl_is_document_path(const char *path, size_t len) {
    static const char *const ext[] = {
        "pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "dps", "ppt", "pptx",
        "ofd", "zip", "rar", "7z", "gz", "tar", "jpg", "jpeg", "png", "gif",
        "bmp", "webp", "svg", "ico", "tif", "tiff", "mp3", "mp4", "avi", "flv",
        "wmv", "mov", "swf", "exe", "apk", "msi", "css", "js", "txt", "xml",
        "json", "csv", "woff", "woff2", "ttf", NULL};
    /* the text after the last '.', lower-cased: no extension is longer
     * than 5 characters or holds a '.' */
    size_t n = 0;
    while (n < len && n <= 5 && path[len - 1 - n] != '.') n++;
    if (n == 0 || n > 5 || n == len) return false;
    char low[6];
    for (size_t i = 0; i < n; i++) low[i] = (char)tolower((unsigned char)path[len - n + i]);
    low[n] = '\0';
    for (size_t i = 0; ext[i]; i++)
        if (low[0] == ext[i][0] && strcmp(low, ext[i]) == 0) return true;
    return false;
}

static bool crawl_tag_navigates(const char *tag) {
    return strcmp(tag, "a") == 0 || strcmp(tag, "area") == 0 || strcmp(tag, "iframe") == 0 ||
           strcmp(tag, "frame") == 0;
}

/* Counts month pages under one path prefix; false once the cap is reached. */
static bool crawl_calendar_allow(site_state *s, const char *path, size_t prefix_len) {
    char key[CRAWL_MAX_URL + 1];
    if (prefix_len > CRAWL_MAX_URL) return false;
    memcpy(key, path, prefix_len);
    key[prefix_len] = '\0';
    uintptr_t n = (uintptr_t)strmap_get(s->calendars, key);
    if (n >= CRAWL_MAX_MONTH_PAGES) return false;
    return strmap_put(s->calendars, key, (void *)(n + 1), NULL) != NULL;
}

/* Trap defences: a URL that repeats a path segment three times, is very
 * deep or long, or walks a calendar into the future is not followed. */
static bool crawl_is_trap(site_state *s, const char *url) {
    if (strlen(url) > CRAWL_MAX_URL) return true;
    url_parts p;
    if (!url_split(url, &p)) return true;
    const char *segs[CRAWL_MAX_SEGMENTS + 1];
    size_t lens[CRAWL_MAX_SEGMENTS + 1], nseg = 0;
    const char *q = p.path, *end = p.path + p.path_len;
    while (q < end) {
        while (q < end && *q == '/') q++;
        const char *start = q;
        while (q < end && *q != '/') q++;
        if (q == start) continue;
        if (nseg == CRAWL_MAX_SEGMENTS) return true;
        segs[nseg] = start;
        lens[nseg++] = (size_t)(q - start);
    }
    for (size_t i = 0; i < nseg; i++) {
        int repeats = 0;
        for (size_t j = 0; j < nseg; j++)
            if (lens[i] == lens[j] && memcmp(segs[i], segs[j], lens[i]) == 0) repeats++;
        if (repeats >= 3) return true;
        /* A calendar walking out of any plausible range: /cal/2091/05/ (a
         * year segment followed by a month segment), so that a topic folder
         * such as /zt/2035/ is still crawled. */
        if (lens[i] == 4 && i + 1 < nseg && lens[i + 1] <= 2 && isdigit((unsigned char)segs[i][0]) &&
            isdigit((unsigned char)segs[i][1]) && isdigit((unsigned char)segs[i][2]) &&
            isdigit((unsigned char)segs[i][3]) && isdigit((unsigned char)segs[i + 1][0]) &&
            (lens[i + 1] == 1 || isdigit((unsigned char)segs[i + 1][1]))) {
            int year = atoi(segs[i]);
            if (year >= 1900 && (year > s->year_max || year < CRAWL_MIN_YEAR)) return true;
            /* A month page (nothing after the month but an index file):
             * a calendar or a monthly archive. Following "previous month"
             * forever is a trap; a few years of them are plenty. */
            bool month_page = i + 2 == nseg || (i + 3 == nseg && strncmp(segs[i + 2], "index", 5) == 0);
            if (month_page && year >= 1900 && !crawl_calendar_allow(s, p.path, (size_t)(segs[i] - p.path)))
                return true;
        }
    }
    /* The same in queries: year=2091, as a parameter of its own. */
    for (const char *y = p.query; y && y < p.query + p.query_len; y++) {
        if ((y == p.query || y[-1] == '&') && strncasecmp(y, "year=", 5) == 0) {
            int year = atoi(y + 5);
            if (year > s->year_max || (year > 0 && year < CRAWL_MIN_YEAR)) return true;
        }
    }
    return false;
}

/* Session ids make every visit a new URL: strip them before deduplication.
 * ";jsessionid=..." in the path, and PHPSESSID, JSESSIONID, sid, sessionid
 * query parameters. Returns a new string (caller frees). */
static char *crawl_strip_session(const char *url) {
    sbuf out = SBUF_INIT;
    const char *q = strchr(url, '?');
    size_t path_end = q ? (size_t)(q - url) : strlen(url);
    const char *js = NULL;
    for (const char *p = url; p < url + path_end; p++)
        if (*p == ';' && strncasecmp(p + 1, "jsessionid=", 11) == 0) {
            js = p;
            break;
        }
    sbuf_append(&out, url, js ? (size_t)(js - url) : path_end);
    if (q) {
        static const char *const names[] = {"phpsessid=", "jsessionid=", "sid=", "sessionid=",
                                            "session_id=", "aspsessionid=", NULL};
        bool first = true;
        const char *p = q + 1;
        while (*p) {
            const char *amp = strchr(p, '&');
            size_t n = amp ? (size_t)(amp - p) : strlen(p);
            bool drop = false;
            for (size_t i = 0; names[i]; i++)
                if (strncasecmp(p, names[i], strlen(names[i])) == 0) drop = true;
            if (!drop && n) {
                sbuf_putc(&out, first ? '?' : '&');
                sbuf_append(&out, p, n);
                first = false;
            }
            p += n;
            if (*p == '&') p++;
        }
    }
    if (out.oom) {
        sbuf_free(&out);
        return NULL;
    }
    return sbuf_detach(&out);
}

static const char *crawl_path_query(const char *url) {
    url_parts p;
    if (!url_split(url, &p)) return "/";
    return p.path;
}

/* ---- link bookkeeping ---------------------------------------------------- */

static link_result *crawl_result_for(crawl_ctx *c, const char *url, const char **key) {
    link_result *r = strmap_get(c->results, url);
    if (r) {
        if (key) *key = NULL;
        return r;
    }
    r = calloc(1, sizeof *r);
    if (!r) return NULL;
    const char *k = strmap_put(c->results, url, r, NULL);
    if (!k) {
        free(r);
        return NULL;
    }
    if (key) *key = k;
    return r;
}

static const char *crawl_result_key(crawl_ctx *c, const char *url) {
    /* strmap_put returns the stored key; a second put with the same value
     * keeps it and returns it. */
    return strmap_put(c->results, url, strmap_get(c->results, url), NULL);
}

static site_link *site_link_for(crawl_ctx *c, site_state *s, const char *url, bool *created) {
    *created = false;
    site_link *l = strmap_get(s->links, url);
    if (l) return l;
    link_result *r = crawl_result_for(c, url, NULL);
    if (!r) return NULL;
    l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->url = crawl_result_key(c, url);
    l->res = r;
    l->internal = url_in_scope(s->scope, url);
    if (!strmap_put(s->links, url, l, NULL)) {
        free(l);
        return NULL;
    }
    if (s->norder == s->caporder) {
        size_t cap = s->caporder ? s->caporder * 2 : 256;
        site_link **o = realloc(s->order, cap * sizeof *o);
        if (!o) return NULL;
        s->order = o;
        s->caporder = cap;
    }
    s->order[s->norder++] = l;
    *created = true;
    return l;
}

static void site_link_add_ref(site_link *l, const char *page_url, const page_link *pl, bool from_home) {
    l->linked = true;
    if (from_home) l->from_home = true;
    if (l->nrefs >= CRAWL_MAX_REFS) return;
    for (size_t i = 0; i < l->nrefs; i++)
        if (strcmp(l->refs[i].page_url, page_url) == 0) return; /* one ref per page */
    crawl_ref *r = &l->refs[l->nrefs];
    r->page_url = strdup(page_url);
    r->tag = strdup(pl->tag);
    r->attr = strdup(pl->attr);
    r->text = strdup(pl->text ? pl->text : "");
    r->from_home = from_home;
    if (r->page_url && r->tag && r->attr && r->text) l->nrefs++;
    else {
        free((char *)r->page_url);
        free((char *)r->tag);
        free((char *)r->attr);
        free((char *)r->text);
    }
}

static void site_link_free(void *p) {
    site_link *l = p;
    if (!l) return;
    for (size_t i = 0; i < l->nrefs; i++) {
        free((char *)l->refs[i].page_url);
        free((char *)l->refs[i].tag);
        free((char *)l->refs[i].attr);
        free((char *)l->refs[i].text);
    }
    free(l);
}

static void link_result_free(void *p) {
    link_result *r = p;
    if (!r) return;
    free(r->error_text);
    free(r->final_url);
    free(r);
}

static void link_result_fill(link_result *r, const fetch_result *res) {
    r->state = LINK_DONE;
    r->status = res->status;
    r->error = res->error;
    free(r->error_text);
    free(r->final_url);
    r->error_text = strdup(res->error_text ? res->error_text : "");
    r->final_url = strdup(res->final_url ? res->final_url : "");
    r->checked_at_ms = res->fetched_at_ms;
}

/* ---- requests ----------------------------------------------------------- */

static void crawl_on_done(const fetch_request *req, const fetch_result *res, void *ud);

static bool crawl_submit(crawl_ctx *c, site_state *s, req_kind kind, const char *url, int depth,
                         link_result *res) {
    crawl_req *r = calloc(1, sizeof *r);
    if (!r) {
        crawl_fail_nomem(c);
        return false;
    }
    r->ctx = c;
    r->site = s;
    r->kind = kind;
    r->depth = depth;
    r->res = res;
    fetch_request fr = {.url = url, .method = kind == REQ_CHECK ? FETCH_CHECK : FETCH_GET, .ud = r};
    err e = {0};
    if (!fetch_submit(c->fc, &fr, crawl_on_done, &e)) {
        free(r);
        /* After a stop nothing is checked any more: not checked is not
         * broken. */
        if (res && !crawl_stop_flag) {
            res->state = LINK_DONE;
            res->error = FETCH_ERR_OTHER;
            free(res->error_text);
            res->error_text = strdup(e.msg);
        }
        return false;
    }
    if (res) res->state = LINK_PENDING;
    s->inflight++;
    c->total++;
    return true;
}

static void crawl_check(crawl_ctx *c, site_state *s, site_link *l) {
    if (l->res->state != LINK_NEW) return;
    crawl_submit(c, s, REQ_CHECK, l->url, 0, l->res);
}

/* Queues an in-scope page for crawling, or says why it is not. */
static void crawl_consider_page(crawl_ctx *c, site_state *s, site_link *l, const char *url,
                                int depth) {
    if (strmap_get(s->queued, url)) return;
    if (s->pages_queued >= c->cfg->max_pages) {
        s->page_cap_reached = true;
        crawl_check(c, s, l);
        return;
    }
    if (depth > c->cfg->max_depth || crawl_is_trap(s, url)) {
        crawl_check(c, s, l);
        return;
    }
    if (!strmap_put(s->queued, url, (void *)1, NULL)) {
        crawl_fail_nomem(c);
        return;
    }
    s->pages_queued++;
    /* The page's own fetch is its link check; a check already under way
     * for it is superseded. */
    crawl_submit(c, s, REQ_PAGE, url, depth, l->res);
}

static void crawl_handle_link(crawl_ctx *c, site_state *s, const page *pg, const page_link *pl,
                              int depth) {
    if (pl->kind != URL_HTTP || !pl->url) return;
    /* Most URLs have nothing to strip: no copy for them. */
    char *stripped = NULL;
    const char *url = pl->url;
    if (strpbrk(url, ";?")) {
        if (!(url = stripped = crawl_strip_session(pl->url))) {
            crawl_fail_nomem(c);
            return;
        }
    }
    bool created;
    site_link *l = site_link_for(c, s, url, &created);
    if (!l) {
        free(stripped);
        crawl_fail_nomem(c);
        return;
    }
    site_link_add_ref(l, pg->url, pl, depth == 0);
    url_parts parts; /* split once for robots.txt (crawl_path_query) and the document test */
    bool split = url_split(url, &parts);
    if (l->internal && !robots_allowed(s->robots, split ? parts.path : "/")) {
        l->skipped = true;
        free(stripped);
        return;
    }
    bool document = split && crawl_is_document_path(parts.path, parts.path_len);
    if (l->internal && crawl_tag_navigates(pl->tag) && !document)
        crawl_consider_page(c, s, l, url, depth + 1);
    else
        crawl_check(c, s, l);
    free(stripped);
}

static bool crawl_is_html(const fetch_result *res) {
    const char *ct = res->content_type ? res->content_type : "";
    if (strcmp(ct, "text/html") == 0 || strcmp(ct, "application/xhtml+xml") == 0) return true;
    if (*ct) return false;
    /* No Content-Type: sniff the first non-blank byte. */
    for (size_t i = 0; res->body && i < res->body_len && i < 512; i++) {
        if (isspace((unsigned char)res->body[i])) continue;
        return res->body[i] == '<';
    }
    return false;
}

/* Counts characters (not bytes) of the visible text, stopping at limit. */
static size_t crawl_text_chars(const page *pg, size_t limit) {
    size_t n = 0;
    for (size_t i = 0; i < pg->ntexts && n < limit; i++)
        for (const unsigned char *t = (const unsigned char *)pg->texts[i].text; *t; t++)
            if ((*t & 0xC0) != 0x80) n++;
    return n;
}

static size_t crawl_navigable_links(const page *pg) {
    size_t n = 0;
    for (size_t i = 0; i < pg->nlinks; i++)
        if (pg->links[i].kind == URL_HTTP && crawl_tag_navigates(pg->links[i].tag)) n++;
    return n;
}

static bool crawl_is_soft404(const crawl_config *cfg, const page *pg) {
    if (!cfg->soft404_titles) return false;
    const char *title = pg->title ? pg->title : "";
    for (size_t i = 0; cfg->soft404_titles[i]; i++)
        if (*cfg->soft404_titles[i] && strstr(title, cfg->soft404_titles[i])) return true;
    if (crawl_text_chars(pg, cfg->soft404_max_text) >= cfg->soft404_max_text) return false;
    for (size_t i = 0; cfg->soft404_titles[i]; i++)
        for (size_t j = 0; j < pg->ntexts; j++)
            if (*cfg->soft404_titles[i] && strstr(pg->texts[j].text, cfg->soft404_titles[i]))
                return true;
    return false;
}

/* ---- pages: parsed by a pool of workers ---------------------------------- */

/* One fetched page on its way through decode and parse. Everything the
 * fetch result held that is needed later is copied: the result is valid
 * during its callback only. */
typedef struct parse_job {
    struct parse_job *next; /* pool order: as fetched */
    crawl_req *req;
    char *body; size_t body_len;
    char *content_type, *charset, *url, *final;
    long status;
    int64_t fetched_at_ms;
    int state;              /* 0 waiting, 1 being parsed, 2 parsed, 3 handed to on_page */
    /* the worker's results */
    page *pg;               /* NULL when decoding or parsing failed */
    bool decoded;           /* false: not decodable, no warning */
    bool soft404;
    char errmsg[1024];
} parse_job;

/* The workers take jobs in order; the crawl thread takes them back in the
 * same order (a page parsed early waits for those fetched before it), so
 * the crawl sees pages in the order of their fetches, as without a pool.
 * At most `max` jobs are held: a full pool makes the crawl thread wait for
 * the oldest job and handle it before it adds one (backpressure).
 *
 * The checks (on_page) run on the workers too, not on the crawl thread,
 * which then only fetches and follows links: a worker that finishes a
 * parse and finds no other worker delivering becomes the deliverer and
 * hands every parsed page, in fetch order, to on_page, while the others
 * keep parsing. The crawl thread takes a job back once it was delivered. */
typedef struct parse_pool {
    pthread_mutex_t mu;
    pthread_cond_t work;    /* workers: a job to take, or quit */
    pthread_cond_t head_done; /* the crawl thread: the oldest job is done */
    parse_job *head, *tail; /* jobs not yet taken back */
    parse_job *todo;        /* the first job no worker has taken */
    parse_job *deliver;     /* the first job not yet handed to on_page */
    bool delivering;        /* a worker is calling on_page */
    size_t n, max;
    bool quit;
    pthread_t *threads;
    int nthreads;
    fetch_client *fc;
    const crawl_config *cfg;
    const crawl_callbacks *cb;
} parse_pool;

static void parse_job_free(parse_job *j) {
    if (!j) return;
    page_free(j->pg);
    free(j->body);
    free(j->content_type);
    free(j->charset);
    free(j->url);
    free(j->final);
    free(j->req);
    free(j);
}

static bool crawl_is_soft404(const crawl_config *cfg, const page *pg);

/* Decode and parse: no shared state but the (read-only) configuration. */
static void parse_job_run(const crawl_config *cfg, parse_job *j) {
    textenc_result text = {0};
    err e = {0};
    if (!page_decode(j->body, j->body_len, j->charset, &text, &e)) return;
    j->decoded = true;
    j->pg = page_parse_taking(&text, j->final, &e);
    textenc_result_free(&text);
    if (!j->pg) snprintf(j->errmsg, sizeof j->errmsg, "%s", e.msg);
    else if (j->req && j->req->res) j->soft404 = crawl_is_soft404(cfg, j->pg);
}

static void crawl_deliver_page(const crawl_callbacks *cb, const parse_job *j);

/* With p->mu held: hands the parsed pages at the delivery point to on_page
 * in order, unlocking around each call; one worker at a time. */
static void pool_deliver(parse_pool *p) {
    if (p->delivering) return;
    p->delivering = true;
    while (p->deliver && p->deliver->state == 2) {
        parse_job *j = p->deliver;
        pthread_mutex_unlock(&p->mu);
        crawl_deliver_page(p->cb, j);
        pthread_mutex_lock(&p->mu);
        j->state = 3;
        p->deliver = j->next;
        if (j == p->head) {
            pthread_cond_broadcast(&p->head_done);
            fetch_wakeup(p->fc);
        }
    }
    p->delivering = false;
}

static void *pool_worker(void *arg) {
    parse_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->todo && !p->quit) pthread_cond_wait(&p->work, &p->mu);
        if (!p->todo) break; /* quit, and nothing left to do */
        parse_job *j = p->todo;
        p->todo = j->next;
        j->state = 1;
        pthread_mutex_unlock(&p->mu);
        parse_job_run(p->cfg, j);
        pthread_mutex_lock(&p->mu);
        j->state = 2;
        pool_deliver(p);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* The number of workers: GOVINSPECT_PARSE_THREADS when set (0: parse on
 * the crawl thread), else one per online processor, up to 16. */
static int pool_threads_wanted(void) {
    const char *env = getenv("GOVINSPECT_PARSE_THREADS");
    long n;
    if (env && *env) n = strtol(env, NULL, 10);
    else n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 0) n = 1;
    return n > 16 ? 16 : (int)n;
}

static parse_pool *pool_new(const crawl_config *cfg, const crawl_callbacks *cb, fetch_client *fc,
                           int nthreads) {
    if (nthreads <= 0) return NULL;
    parse_pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->threads = calloc((size_t)nthreads, sizeof *p->threads);
    if (!p->threads || pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p->threads);
        free(p);
        return NULL;
    }
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->head_done, NULL);
    p->fc = fc;
    p->cfg = cfg;
    p->cb = cb;
    p->max = (size_t)nthreads * 8;
    /* libxml2 wants its global set-up done once, before threads use it. */
    xmlInitParser();
    for (int i = 0; i < nthreads; i++) {
        if (pthread_create(&p->threads[i], NULL, pool_worker, p) != 0) break;
        p->nthreads++;
    }
    if (p->nthreads == 0) {
        pthread_cond_destroy(&p->work);
        pthread_cond_destroy(&p->head_done);
        pthread_mutex_destroy(&p->mu);
        free(p->threads);
        free(p);
        return NULL;
    }
    return p;
}

/* Stops the workers once every job is done; jobs not taken back are freed. */
static void pool_free(parse_pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->quit = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++) pthread_join(p->threads[i], NULL);
    for (parse_job *j = p->head, *nx; j; j = nx) {
        nx = j->next;
        parse_job_free(j);
    }
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->head_done);
    pthread_mutex_destroy(&p->mu);
    free(p->threads);
    free(p);
}

static void crawl_page_finish(crawl_ctx *c, crawl_req *r, parse_job *j);

/* Takes back the oldest job when it is done (with wait, waits for it);
 * NULL when there is none or it is not done. */
static parse_job *pool_take(parse_pool *p, bool wait) {
    pthread_mutex_lock(&p->mu);
    while (wait && p->head && p->head->state != 3) pthread_cond_wait(&p->head_done, &p->mu);
    parse_job *j = p->head;
    if (j && j->state == 3) {
        p->head = j->next;
        if (!p->head) p->tail = NULL;
        p->n--;
        j->next = NULL;
    } else {
        j = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    return j;
}

static void crawl_request_over(crawl_ctx *c, site_state *s);

static void pool_handle(crawl_ctx *c, parse_job *j) {
    if (!c->failed) crawl_page_finish(c, j->req, j);
    /* The check of the page's URL is over once the page is (soft 404). */
    if (j->req->res && j->req->res->state == LINK_PENDING) j->req->res->state = LINK_DONE;
    site_state *s = j->req->site;
    parse_job_free(j); /* and its crawl_req */
    crawl_request_over(c, s);
}

static void pool_submit(crawl_ctx *c, parse_job *j) {
    parse_pool *p = c->pool;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        bool full = p->n >= p->max;
        pthread_mutex_unlock(&p->mu);
        if (!full) break;
        parse_job *old = pool_take(p, true);
        if (old) pool_handle(c, old);
    }
    pthread_mutex_lock(&p->mu);
    if (p->tail) p->tail->next = j;
    else p->head = j;
    p->tail = j;
    if (!p->todo) p->todo = j;
    if (!p->deliver) p->deliver = j;
    p->n++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
}

/* fetch_run's poll hook: the pages parsed meanwhile, in order. True while
 * pages are still in the pool. */
static bool crawl_poll(void *ud) {
    crawl_ctx *c = ud;
    if (c->cb->on_tick) c->cb->on_tick(c->cb->ud);
    if (!c->pool) return false;
    parse_job *j;
    while ((j = pool_take(c->pool, false))) pool_handle(c, j);
    pthread_mutex_lock(&c->pool->mu);
    bool pending = c->pool->n > 0;
    pthread_mutex_unlock(&c->pool->mu);
    return pending;
}

/* After fetch_run: the pages still in the pool (a stop, a failure) are
 * handled, none dropped unseen. */
static void crawl_pool_drain(crawl_ctx *c) {
    parse_job *j;
    while ((j = pool_take(c->pool, true))) pool_handle(c, j);
}

/* A page in the homepage's folder (".../" and ".../index.html", or
 * default.htm, index.jsp ...) whose bytes are the homepage's: the same
 * document, with the same links resolved the same way. Its fetch checked
 * its link; parsing it again would only repeat the homepage's findings. */
static bool crawl_same_as_home(const site_state *s, const char *final, const fetch_result *res) {
    if (!s->home_body || res->body_len != s->home_len) return false;
    size_t n = strlen(s->home);
    if (n == 0 || s->home[n - 1] != '/' || strncmp(final, s->home, n) != 0 ||
        strpbrk(final + n, "/?"))
        return false;
    return memcmp(res->body, s->home_body, res->body_len) == 0;
}

/* *owned: the request was handed on with the page (freed with it). */
static void crawl_page_done(crawl_ctx *c, crawl_req *r, const fetch_result *res, bool *owned) {
    site_state *s = r->site;
    if (r->res) link_result_fill(r->res, res);
    bool home = r->depth == 0;
    if (res->error != FETCH_OK && res->error != FETCH_ERR_TOO_LARGE) {
        if (home) {
            char reason[512];
            snprintf(reason, sizeof reason, L("homepage could not be fetched: %s",
                                              "首页无法获取：%s"),
                     res->error_text);
            site_set_incomplete(s, reason);
        }
        return;
    }
    if (res->status == 403 || res->status == 401) s->pages_forbidden++;
    if (res->status != 200) {
        if (home) {
            char reason[256];
            snprintf(reason, sizeof reason, L("homepage answered HTTP %ld", "首页返回 HTTP %ld"),
                     res->status);
            site_set_incomplete(s, reason);
        }
        return;
    }
    /* A redirect that leaves the site is a link, not a page of the site. */
    char *final = url_normalize(res->final_url);
    if (!final || (!home && !url_in_scope(s->scope, final))) {
        free(final);
        return;
    }
    if (!crawl_is_html(res) || !res->body) {
        free(final);
        return;
    }
    if (home && !s->home_body && (s->home_body = malloc(res->body_len + 1))) {
        memcpy(s->home_body, res->body, res->body_len);
        s->home_len = res->body_len;
        /* "/" redirected to "/index.html": a link to the latter is the page
         * just fetched, answered already. */
        if (strcmp(final, s->home) != 0 && strmap_put(s->queued, final, (void *)1, NULL)) {
            link_result *fr = crawl_result_for(c, final, NULL);
            if (fr && fr->state == LINK_NEW) link_result_fill(fr, res);
        }
    } else if (!home && crawl_same_as_home(s, final, res)) {
        free(final);
        return;
    }
    parse_job *j = calloc(1, sizeof *j);
    if (j) {
        j->req = r;
        j->final = final;
        j->body = malloc(res->body_len + 1);
        j->content_type = strdup(res->content_type ? res->content_type : "");
        j->charset = res->charset ? strdup(res->charset) : NULL;
        j->url = strdup(res->url);
        j->status = res->status;
        j->fetched_at_ms = res->fetched_at_ms;
        j->body_len = res->body_len;
    }
    if (!j || !j->body || !j->content_type || (res->charset && !j->charset) || !j->url) {
        if (j) j->req = NULL; /* r stays with the caller */
        parse_job_free(j);
        if (!j) free(final);
        crawl_fail_nomem(c);
        return;
    }
    memcpy(j->body, res->body, res->body_len);
    j->body[res->body_len] = '\0';
    if (c->pool) {
        *owned = true; /* r goes with the job */
        /* Other sites linking to this URL wait for its soft-404 verdict. */
        if (r->res) r->res->state = LINK_PENDING;
        pool_submit(c, j);
    } else {
        parse_job_run(c->cfg, j);
        crawl_deliver_page(c->cb, j);
        j->req = NULL;
        crawl_page_finish(c, r, j);
        parse_job_free(j);
    }
}

/* The checks of a parsed page: on a worker (pool_deliver), or on the crawl
 * thread when there is no pool. Reads only what the job holds and what
 * does not change once the job exists (the request's site code, depth). */
static void crawl_deliver_page(const crawl_callbacks *cb, const parse_job *j) {
    if (!j->pg || !cb->on_page) return;
    crawl_page cp = {.site_code = j->req->site->spec.code,
                     .model = j->pg,
                     .depth = j->req->depth,
                     .status = j->status,
                     .content_type = j->content_type,
                     .charset = j->charset ? j->charset : "",
                     .fetched_at_ms = j->fetched_at_ms,
                     .raw_body = j->body,
                     .raw_len = j->body_len};
    cb->on_page(cb->ud, &cp);
}

/* A parsed page, after the checks read it: its links. On the crawl thread. */
static void crawl_page_finish(crawl_ctx *c, crawl_req *r, parse_job *j) {
    site_state *s = r->site;
    bool home = r->depth == 0;
    if (!j->decoded) return;
    page *pg = j->pg;
    if (!pg) {
        log_warn("%s: %s", j->url, j->errmsg);
        return;
    }
    s->pages_parsed++;
    if (r->res && j->soft404) r->res->soft404 = true;
    /* A homepage with no link to follow and next to no text is a WAF's
     * JavaScript challenge or a page that scripts build: the site's
     * columns are out of reach. */
    if (home && crawl_navigable_links(pg) == 0 && crawl_text_chars(pg, 200) < 200)
        site_set_incomplete(s, L("the homepage has no links to follow (a JavaScript challenge or a "
                                 "page built by scripts?)",
                                 "首页没有可跟踪的链接（可能是 JavaScript 验证页或由脚本生成的页面）"));
    if (home && s->year_max == 0) {
        time_t t = (time_t)(j->fetched_at_ms / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        s->year_max = tm.tm_year + 1900 + 1;
    }
    for (size_t i = 0; i < pg->nlinks && !c->failed; i++) crawl_handle_link(c, s, pg, &pg->links[i], r->depth);
}

static void crawl_robots_done(crawl_ctx *c, crawl_req *r, const fetch_result *res) {
    site_state *s = r->site;
    if (res->error == FETCH_OK && res->status == 200 && res->body) {
        s->robots = robots_parse(res->body, res->body_len,
                                 c->cfg->agent_token ? c->cfg->agent_token : "govinspect");
    } else if (res->error == FETCH_OK && res->status >= 400 && res->status < 500) {
        s->robots = robots_allow_all(); /* RFC 9309: unavailable means allowed */
    } else {
        /* RFC 9309: unreachable (5xx, network) means complete disallow. */
        char reason[512];
        if (res->error != FETCH_OK)
            snprintf(reason, sizeof reason, L("robots.txt unreachable: %s", "robots.txt 无法获取：%s"),
                     res->error_text);
        else
            snprintf(reason, sizeof reason, L("robots.txt answered HTTP %ld", "robots.txt 返回 HTTP %ld"),
                     res->status);
        site_set_incomplete(s, reason);
        s->robots = robots_parse("User-agent: *\nDisallow: /\n", 26, "govinspect");
    }
    /* Crawl-delay is not in RFC 9309, but government servers set it and
     * their firewalls enforce it; honoured up to a cap so that a day-long
     * delay cannot stall an inspection. */
    long crawl_delay = s->robots ? robots_crawl_delay_ms(s->robots) : -1;
    if (crawl_delay > 0)
        fetch_host_min_delay(c->fc, s->home,
                             crawl_delay < CRAWL_MAX_CRAWL_DELAY_MS ? crawl_delay : CRAWL_MAX_CRAWL_DELAY_MS);
    if (!s->robots) {
        crawl_fail_nomem(c);
        return;
    }
    bool created;
    site_link *l = site_link_for(c, s, s->home, &created);
    if (!l) {
        crawl_fail_nomem(c);
        return;
    }
    if (!robots_allowed(s->robots, crawl_path_query(s->home))) {
        site_set_incomplete(s, L("robots.txt forbids the homepage", "robots.txt 禁止抓取首页"));
        return;
    }
    crawl_consider_page(c, s, l, s->home, 0);
}

static void crawl_on_done(const fetch_request *req, const fetch_result *res, void *ud) {
    (void)ud;
    crawl_req *r = req->ud;
    crawl_ctx *c = r->ctx;
    site_state *s = r->site;
    c->done++;
    progress_update(c->done);
    if (crawl_stop_flag && res->error == FETCH_ERR_OTHER) {
        /* Answered "stopped" by fetch_stop(): the URL was not checked, so it
         * is not broken (a result an earlier fetch gave stays). */
        if (r->res && r->res->state == LINK_PENDING) r->res->state = LINK_NEW;
        free(r);
        s->inflight--;
        return;
    }
    bool owned = false;
    if (!c->failed) {
        switch (r->kind) {
        case REQ_ROBOTS: crawl_robots_done(c, r, res); break;
        case REQ_PAGE: crawl_page_done(c, r, res, &owned); break;
        case REQ_CHECK:
            if (r->res) link_result_fill(r->res, res);
            break;
        }
    }
    if (!owned) {
        free(r);
        crawl_request_over(c, s);
    }
}

/* ---- run ---------------------------------------------------------------- */

static bool crawl_link_broken(const link_result *r) {
    if (r->state != LINK_DONE) return false;
    if (r->error == FETCH_ERR_TOO_LARGE) return false; /* it answered */
    if (r->error != FETCH_OK) return true;
    return r->status >= 400 || r->soft404;
}

static bool crawl_form_only(const site_link *l) {
    if (l->nrefs == 0) return false;
    for (size_t i = 0; i < l->nrefs; i++)
        if (strcmp(l->refs[i].tag, "form") != 0) return false;
    return true;
}

/* during: the site is reported while the run goes on (its crawl is over);
 * otherwise after fetch_run() returned. */
static void crawl_report_site(crawl_ctx *c, site_state *s, bool during) {
    s->reported = true;
    crawl_site_result sr = {.site_code = s->spec.code,
                            .pages = s->pages_parsed,
                            .interrupted = !during && crawl_stop_flag,
                            .fc = during ? c->fc : NULL};
    for (size_t i = 0; i < s->norder; i++) {
        site_link *l = s->order[i];
        /* A link robots.txt kept us from is reported unchecked, whatever
         * another site's check of the same URL found. */
        static const link_result unchecked = {.state = LINK_NEW};
        const link_result *r = l->skipped ? &unchecked : l->res;
        /* The homepage's own entry is not a link unless a page holds it: a
         * homepage that fails makes the crawl incomplete, not a broken link
         * without a referrer. */
        if (!l->linked) continue;
        sr.links++;
        bool broken = crawl_link_broken(r);
        /* A form's action refused with a plain GET (405 for a POST-only
         * search, 400 for missing parameters) still works as a form. */
        if (broken && r->error == FETCH_OK && crawl_form_only(l) &&
            (r->status == 400 || r->status == 405 || r->status == 411 || r->status == 415 ||
             r->status == 422))
            broken = false;
        if (broken) sr.broken++;
        if (!c->cb->on_link) continue;
        crawl_link cl = {.site_code = s->spec.code,
                         .url = l->url,
                         .internal = l->internal,
                         .status = r->status,
                         .error = r->error,
                         .error_text = r->error_text ? r->error_text : "",
                         .final_url = r->final_url ? r->final_url : "",
                         .soft404 = r->soft404,
                         .broken = broken,
                         .from_home = l->from_home,
                         .refs = l->refs,
                         .nrefs = l->nrefs,
                         .checked_at_ms = r->checked_at_ms};
        c->cb->on_link(c->cb->ud, &cl);
    }
    if (sr.interrupted) site_set_incomplete(s, L("the crawl was interrupted", "抓取被中断"));
    if (!s->incomplete && s->pages_parsed > 0 && s->pages_forbidden * 2 > s->pages_queued)
        site_set_incomplete(s, L("most pages answered 403 (a firewall?)",
                                 "多数页面返回 403（可能被防火墙拦截）"));
    sr.complete = s->incomplete == NULL;
    sr.incomplete_reason = s->incomplete;
    sr.page_cap_reached = s->page_cap_reached;
    if (c->cb->on_site_done) c->cb->on_site_done(c->cb->ud, &sr);
}

static bool crawl_site_init(crawl_ctx *c, site_state *s, const crawl_site_spec *spec, err *e) {
    s->spec = *spec;
    s->home = url_normalize(spec->home_url);
    if (!s->home)
        return err_set(e, ERR_INPUT, L("%s: not a valid homepage URL: %s", "%s：首页网址无效：%s"),
                       spec->code, spec->home_url);
    s->scope = url_scope_new(spec->home_url, spec->hosts ? spec->hosts : "", e);
    s->queued = strmap_new();
    s->links = strmap_new();
    s->calendars = strmap_new();
    if (!s->scope || !s->queued || !s->links || !s->calendars) return e->cls ? false : err_set(e, ERR_NOMEM, "out of memory");
    url_parts p;
    if (!url_split(s->home, &p)) return err_set(e, ERR_INPUT, "%s: %s", spec->code, spec->home_url);
    sbuf rb = SBUF_INIT;
    sbuf_append(&rb, s->home, (size_t)(p.path - s->home));
    sbuf_puts(&rb, "/robots.txt");
    s->robots_url = sbuf_detach(&rb);
    (void)c;
    return true;
}

static void crawl_site_free(site_state *s) {
    url_scope_free(s->scope);
    robots_free(s->robots);
    free(s->home);
    free(s->robots_url);
    strmap_free(s->queued, NULL);
    strmap_free(s->links, site_link_free);
    strmap_free(s->calendars, NULL);
    free(s->order);
    free(s->incomplete);
    free(s->home_body);
    bool reported = s->reported;
    memset(s, 0, sizeof *s);
    s->reported = reported;
}

/* True when no check the site's links wait for is under way: its own
 * requests are counted in inflight, but a URL another site links to too is
 * checked once, by whichever site found it first. */
static bool crawl_site_settled(site_state *s) {
    if (s->inflight > 0) return false;
    while (s->settled < s->norder && s->order[s->settled]->res->state != LINK_PENDING) s->settled++;
    return s->settled == s->norder;
}

/* A request of site s is over (with any parse of its page): report the
 * sites whose crawl is over now, and free what they held. After a stop the
 * rest is reported when fetch_run() has returned, as interrupted. */
static void crawl_request_over(crawl_ctx *c, site_state *s) {
    s->inflight--;
    if (c->failed || crawl_stop_flag || !c->running) return;
    for (size_t i = 0; i < c->nsites; i++) {
        site_state *t = &c->sites[i];
        if (t->reported || !crawl_site_settled(t)) continue;
        crawl_report_site(c, t, true);
        crawl_site_free(t);
        if (c->failed) return;
    }
}

bool crawl_run(const crawl_config *cfg, const crawl_site_spec *sites, size_t nsites,
               const crawl_callbacks *cb, err *e) {
    /* Zero means the default; a negative depth means the homepage only. */
    crawl_config conf = *cfg;
    if (conf.max_pages <= 0) conf.max_pages = 5000;
    /* Paginated lists chain "next page" links hundreds deep: by default the
     * page cap and the trap defences bound a crawl, not its depth. */
    if (conf.max_depth == 0) conf.max_depth = INT_MAX;
    else if (conf.max_depth < 0) conf.max_depth = 0;
    if (conf.soft404_max_text == 0) conf.soft404_max_text = 512;
    cfg = &conf;
    crawl_ctx c = {.cfg = cfg, .cb = cb, .nsites = nsites, .e = e};
    crawl_stop_flag = 0;
    c.results = strmap_new();
    c.sites = calloc(nsites ? nsites : 1, sizeof *c.sites);
    bool ok = c.results && c.sites;
    if (!ok) err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; ok && i < nsites; i++) ok = crawl_site_init(&c, &c.sites[i], &sites[i], e);
    if (ok) ok = (c.fc = fetch_new(&cfg->fetch, e)) != NULL;
    if (ok) {
        crawl_active_client = c.fc;
        progress_start(L("fetching", "抓取"), 0);
        for (size_t i = 0; i < nsites && !c.failed; i++) {
            site_state *s = &c.sites[i];
            if (cfg->ignore_robots) {
                s->robots = robots_allow_all();
                bool created;
                site_link *l = site_link_for(&c, s, s->home, &created);
                if (!s->robots || !l) crawl_fail_nomem(&c);
                else crawl_consider_page(&c, s, l, s->home, 0);
            } else {
                crawl_submit(&c, s, REQ_ROBOTS, s->robots_url, 0, NULL);
            }
        }
        c.pool = pool_new(cfg, cb, c.fc, pool_threads_wanted());
        fetch_set_poll(c.fc, crawl_poll, &c);
        c.running = true;
        ok = fetch_run(c.fc, e);
        c.running = false;
        fetch_set_poll(c.fc, NULL, NULL);
        if (c.pool) {
            if (ok) crawl_pool_drain(&c); /* after a stop: the pages fetched before it */
            pool_free(c.pool);
            c.pool = NULL;
        }
        ok = ok && !c.failed;
        progress_done();
        crawl_active_client = NULL;
        if (ok)
            for (size_t i = 0; i < nsites; i++)
                if (!c.sites[i].reported) crawl_report_site(&c, &c.sites[i], false);
    }
    fetch_free(c.fc);
    for (size_t i = 0; c.sites && i < nsites; i++) crawl_site_free(&c.sites[i]);
    free(c.sites);
    strmap_free(c.results, link_result_free);
    return ok;
}
