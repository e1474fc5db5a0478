/* fetch — the scheduler and the transfers behind fetch.h.
 *
 * Shape: every submitted request becomes a job. A job waits in its host's
 * FIFO (hosts with waiting jobs form a round-robin "active" list), or on the
 * timer list while it backs off, or runs as one curl easy handle in the multi
 * handle. A job lives until its callback has returned; redirects, retries and
 * the HEAD -> ranged GET fallback put the same job back in a queue with a new
 * URL or phase, so each request is answered exactly once.
 *
 * Redirects are followed here, not by curl, so that each hop goes through the
 * scheduler (a redirect to another host obeys that host's limits and delay)
 * and so that a loop is recognised as soon as a URL comes back.
 */
#include "fetch/fetch.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/fileio.h"
#include "core/lang.h"
#include "core/log.h"
#include "core/sbuf.h"

#define DEFAULT_USER_AGENT "govinspect/" GI_VERSION " (+government website inspection)"

/* A check's GET reads at most this much beyond what it keeps before it cuts
 * the transfer: enough for a 206 or a short page to end on its own (the
 * connection stays reusable), little enough that a server ignoring Range does
 * not make us download a 100 MB file. */
#define CHECK_SLACK ((size_t)16384)

/* A CA file larger than this is refused: the system's whole bundle is
 * about 200 KB. */
#define CA_FILE_MAX ((size_t)16 << 20)

typedef enum {
    PHASE_GET,        /* FETCH_GET */
    PHASE_HEAD,       /* FETCH_CHECK, first try */
    PHASE_RANGE,      /* FETCH_CHECK, GET with a Range */
    PHASE_CHECK_GET,  /* FETCH_CHECK, plain GET after a 416 to the Range */
} phase;

typedef struct host host;

typedef struct job {
    struct job *next;       /* host queue, timer list or running list */
    struct job *prev;       /* running list only */
    fetch_request req;      /* the caller's request; req.url is `orig` */
    fetch_done_fn done;
    char *orig;             /* owned: URL as submitted */
    char *cur;              /* owned: URL of the current hop */
    char *post;             /* owned: POST body of the first hop, NULL: GET */
    char **chain;           /* owned: canonical URLs of the hops so far */
    int nchain, chain_cap;
    int redirects;
    phase ph;
    int attempts;           /* of the current hop and phase */
    int64_t due;            /* monotonic ms, while on the timer list */
    int64_t first_start;    /* monotonic ms of the first transfer, -1 before */
    host *h;                /* host of `cur` */
    CURL *easy;             /* while running */
    sbuf body;              /* what the write callback kept */
    size_t received;        /* bytes the write callback saw, this transfer */
    size_t keep;            /* keep at most this many */
    size_t limit;           /* cut the transfer beyond this many */
    bool cut, oom;
    /* Facts of the last response, saved before the easy handle is reused. */
    long status;
    char content_type[128];
    char charset[64];
    char http_version[4];
    char errbuf[CURL_ERROR_SIZE];
} job;

struct host {
    host *hnext;            /* hash bucket chain */
    host *anext, *aprev;    /* active list: hosts with queued jobs */
    bool active;
    char *name;             /* lower case, without port */
    job *qhead, *qtail;
    int running;
    long delay_ms;          /* politeness delay; doubled on 429/503 */
    int64_t next_start;     /* monotonic ms before which nothing starts */
    int64_t slowed_at;      /* monotonic ms of the last doubling */
};

struct fetch_client {
    CURLM *multi;
    CURLSH *share;                 /* TLS sessions across easy handles */
    struct curl_slist *resolve;    /* owned; every easy handle points to it */
    struct curl_slist *connect_to; /* owned; likewise */
    char *user_agent, *proxy;      /* owned; proxy NULL: environment */
    char *ca_file;                 /* owned; NULL: the system's store alone */
    long connect_timeout_ms, total_timeout_ms, low_speed_bytes, low_speed_seconds;
    size_t max_body;
    int max_redirects, max_total, max_per_host, retries;
    long host_delay_ms, retry_base_ms, max_retry_after_ms;

    host **buckets;
    size_t nbuckets, nhosts;
    host *ahead, *atail;           /* active hosts, round robin */
    job *timers;                   /* jobs backing off, unsorted */
    job *running;                  /* jobs with an easy handle in the multi */
    size_t nqueued;                /* in host queues and on timers */
    int nrunning;

    CURL **pool;                   /* idle easy handles, reset, for reuse */
    int npool;

    int wake[2];                   /* self-pipe: fetch_stop and fetch_wakeup wake the poll */
    atomic_int stop;               /* set by fetch_stop: a signal or another thread */
    bool (*poll_hook)(void *ud);   /* fetch_set_poll */
    void *poll_ud;
    bool in_run;
};

/* ---- time ---- */

static int64_t clock_ms(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_ms(void) { return clock_ms(CLOCK_MONOTONIC); }

/* ---- URLs ---- */

static void lower(char *s) {
    for (; *s; s++) *s = (char)tolower((unsigned char)*s);
}

/* Parses an absolute http(s) URL. *canon (optional): the form compared for
 * loop detection — scheme and authority lower-cased, default port and
 * fragment dropped. *hostname (optional): the host, lower-cased. Both are the
 * caller's to free. */
/* url_facts without curl's URL parser for the plain URLs the crawler
 * normally submits — "http(s)://" + a lower-case host of letters, digits,
 * '-' and non-empty labels whose last starts with a letter (so not an IPv4
 * number curl would rewrite), no port, then a path and query of printable
 * ASCII without '#', '\\' or dot segments — whose canonical form is the URL
 * itself, as curl's would be. -1: not such a URL (ask curl). */
static int url_facts_plain(const char *url, char **canon, char **hostname) {
    size_t skip = !strncmp(url, "http://", 7) ? 7 : !strncmp(url, "https://", 8) ? 8 : 0;
    if (!skip) return -1;
    const char *h = url + skip, *p = h, *label = h;
    for (; *p && *p != '/'; p++) {
        char ch = *p;
        if (ch == '.') {
            if (p == label || p - label > 63) return -1;
            label = p + 1;
        } else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) {
            return -1;
        }
    }
    if (*p != '/' || p == label || p - label > 63 || p - h > 253 || !(*label >= 'a' && *label <= 'z'))
        return -1;
    const char *q = p;
    for (; *q; q++) {
        unsigned char ch = (unsigned char)*q;
        if (ch <= 0x20 || ch >= 0x7F || ch == '#' || ch == '\\') return -1;
        if (ch == '.' && q[-1] == '/') return -1; /* "/." or "/..": leave it to curl */
    }
    if (q[-1] == '?') return -1;
    if (canon && !(*canon = strdup(url))) return 0;
    if (hostname && !(*hostname = strndup(h, (size_t)(p - h)))) {
        if (canon) {
            free(*canon);
            *canon = NULL;
        }
        return 0;
    }
    return 1;
}

static bool url_facts(const char *url, char **canon, char **hostname) {
    int plain = url_facts_plain(url, canon, hostname);
    if (plain >= 0) return plain == 1;
    CURLU *u = curl_url();
    if (!u) return false;
    char *scheme = NULL, *hn = NULL, *full = NULL;
    bool ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
              (!strcasecmp(scheme, "http") || !strcasecmp(scheme, "https")) &&
              curl_url_get(u, CURLUPART_HOST, &hn, 0) == CURLUE_OK && hn[0];
    if (ok && canon) {
        ok = curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_URL, &full, CURLU_NO_DEFAULT_PORT) == CURLUE_OK;
        if (ok) {
            char *p = strstr(full, "://");
            char *end = p ? strchr(p + 3, '/') : NULL;
            for (char *q = full; q != (end ? end : full + strlen(full)); q++)
                *q = (char)tolower((unsigned char)*q);
            *canon = strdup(full);
            ok = *canon != NULL;
        }
    }
    if (ok && hostname) {
        *hostname = strdup(hn);
        if (*hostname) lower(*hostname);
        else {
            ok = false;
            if (canon) { free(*canon); *canon = NULL; }
        }
    }
    curl_free(scheme);
    curl_free(hn);
    curl_free(full);
    curl_url_cleanup(u);
    return ok;
}

/* ---- hosts ---- */

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static bool hosts_grow(fetch_client *c) {
    size_t n = c->nbuckets ? c->nbuckets * 2 : 64;
    host **b = calloc(n, sizeof *b);
    if (!b) return false;
    for (size_t i = 0; i < c->nbuckets; i++) {
        for (host *h = c->buckets[i], *nx; h; h = nx) {
            nx = h->hnext;
            size_t k = hash_str(h->name) & (n - 1);
            h->hnext = b[k];
            b[k] = h;
        }
    }
    free(c->buckets);
    c->buckets = b;
    c->nbuckets = n;
    return true;
}

/* Finds or adds the host; takes ownership of `name` either way. Hosts live
 * until fetch_free, so their slow-down survives for the run. */
static host *host_get(fetch_client *c, char *name) {
    if (c->nbuckets) {
        for (host *h = c->buckets[hash_str(name) & (c->nbuckets - 1)]; h; h = h->hnext) {
            if (!strcmp(h->name, name)) {
                free(name);
                return h;
            }
        }
    }
    if (c->nhosts >= c->nbuckets && !hosts_grow(c)) {
        free(name);
        return NULL;
    }
    host *h = calloc(1, sizeof *h);
    if (!h) {
        free(name);
        return NULL;
    }
    h->name = name;
    h->delay_ms = c->host_delay_ms;
    size_t k = hash_str(name) & (c->nbuckets - 1);
    h->hnext = c->buckets[k];
    c->buckets[k] = h;
    c->nhosts++;
    return h;
}

static void active_remove(fetch_client *c, host *h) {
    if (!h->active) return;
    if (h->aprev) h->aprev->anext = h->anext; else c->ahead = h->anext;
    if (h->anext) h->anext->aprev = h->aprev; else c->atail = h->aprev;
    h->anext = h->aprev = NULL;
    h->active = false;
}

static void active_append(fetch_client *c, host *h) {
    if (h->active) return;
    h->aprev = c->atail;
    h->anext = NULL;
    if (c->atail) c->atail->anext = h; else c->ahead = h;
    c->atail = h;
    h->active = true;
}

static void queue_push(fetch_client *c, job *j, bool front) {
    host *h = j->h;
    if (front) {
        j->next = h->qhead;
        h->qhead = j;
        if (!h->qtail) h->qtail = j;
    } else {
        j->next = NULL;
        if (h->qtail) h->qtail->next = j; else h->qhead = j;
        h->qtail = j;
    }
    c->nqueued++;
    active_append(c, h);
}

static job *queue_pop(fetch_client *c, host *h) {
    job *j = h->qhead;
    h->qhead = j->next;
    if (!h->qhead) h->qtail = NULL;
    j->next = NULL;
    c->nqueued--;
    return j;
}

/* ---- jobs ---- */

static void job_free(job *j) {
    if (!j) return;
    free(j->orig);
    free(j->cur);
    free(j->post);
    for (int i = 0; i < j->nchain; i++) free(j->chain[i]);
    free(j->chain);
    sbuf_free(&j->body);
    free(j);
}

static bool chain_add(job *j, char *canon) {
    if (j->nchain == j->chain_cap) {
        int cap = j->chain_cap ? j->chain_cap * 2 : 4;
        char **p = realloc(j->chain, (size_t)cap * sizeof *p);
        if (!p) return false;
        j->chain = p;
        j->chain_cap = cap;
    }
    j->chain[j->nchain++] = canon;
    return true;
}

static bool chain_has(const job *j, const char *canon) {
    for (int i = 0; i < j->nchain; i++)
        if (!strcmp(j->chain[i], canon)) return true;
    return false;
}

static const char *method_name(phase p) {
    switch (p) {
    case PHASE_HEAD: return "HEAD";
    case PHASE_RANGE: return "GET-RANGE";
    default: return "GET";
    }
}

/* Answers the job and frees it. The callback may submit or stop. */
static void finish(fetch_client *c, job *j, fetch_error error, const char *text) {
    (void)c;
    bool has_body = j->ph == PHASE_GET || j->req.keep_small_body > 0;
    if (j->ph == PHASE_HEAD) has_body = false;
    if (error != FETCH_OK && error != FETCH_ERR_TOO_LARGE) has_body = false;
    int64_t now = mono_ms();
    fetch_result r = {
        .url = j->orig,
        .final_url = j->cur,
        .redirects = j->redirects,
        .status = j->status,
        .error = error,
        .error_text = error == FETCH_OK ? "" : (text && text[0] ? text : fetch_error_name(error)),
        .content_type = j->content_type,
        .charset = j->charset,
        .body = has_body ? sbuf_str(&j->body) : NULL,
        .body_len = has_body ? j->body.len : 0,
        .truncated = has_body && j->received > j->body.len,
        .method_used = method_name(j->ph),
        .http_version = j->http_version,
        .attempts = j->attempts,
        .fetched_at_ms = clock_ms(CLOCK_REALTIME),
        .elapsed_ms = j->first_start < 0 ? 0 : (long)(now - j->first_start),
    };
    if (j->done) j->done(&j->req, &r, j->req.ud);
    job_free(j);
}

/* ---- curl callbacks and easy handles ---- */

static size_t on_write(char *data, size_t size, size_t n, void *ud) {
    job *j = ud;
    size_t len = size * n;
    size_t before = j->received;
    j->received += len;
    if (j->body.len < j->keep && before < j->keep) {
        size_t room = j->keep - j->body.len;
        if (!sbuf_append(&j->body, data, len < room ? len : room)) {
            j->oom = true;
            return 0;
        }
    }
    if (j->received > j->limit) {
        j->cut = true;
        return 0;   /* -> CURLE_WRITE_ERROR, read as "cut on purpose" */
    }
    return len;
}

/* Prepares an easy handle for the job's current hop and phase. */
static CURL *easy_for(fetch_client *c, job *j) {
    CURL *e = c->npool ? c->pool[--c->npool] : curl_easy_init();
    if (!e) return NULL;
    j->errbuf[0] = '\0';
    curl_easy_setopt(e, CURLOPT_URL, j->cur);
    curl_easy_setopt(e, CURLOPT_PRIVATE, j);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->total_timeout_ms);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, c->low_speed_bytes);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, c->low_speed_seconds);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");   /* all curl can decode */
    curl_easy_setopt(e, CURLOPT_SHARE, c->share);
    if (c->resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, c->resolve);
    if (c->connect_to) curl_easy_setopt(e, CURLOPT_CONNECT_TO, c->connect_to);
    if (c->proxy) curl_easy_setopt(e, CURLOPT_PROXY, c->proxy);
    /* Added to curl's built-in CA path, never instead of verification. */
    if (c->ca_file) curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);

    char range[48];
    j->received = 0;
    j->cut = j->oom = false;
    sbuf_reset(&j->body);
    switch (j->ph) {
    case PHASE_GET:
        j->keep = j->limit = c->max_body;
        if (j->post) {
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(j->post));
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->post);
        }
        break;
    case PHASE_HEAD:
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        j->keep = 0;
        j->limit = CHECK_SLACK;
        break;
    case PHASE_RANGE:
        /* The bytes soft-404 detection wants, else a single byte. */
        snprintf(range, sizeof range, "0-%zu",
                 j->req.keep_small_body ? j->req.keep_small_body - 1 : 0);
        curl_easy_setopt(e, CURLOPT_RANGE, range);
        /* fall through */
    case PHASE_CHECK_GET:
        j->keep = j->req.keep_small_body;
        j->limit = j->keep + CHECK_SLACK;
        break;
    }
    return e;
}

static void easy_release(fetch_client *c, CURL *e) {
    if (c->npool < c->max_total) {
        curl_easy_reset(e);
        c->pool[c->npool++] = e;
    } else {
        curl_easy_cleanup(e);
    }
}

static bool start_job(fetch_client *c, job *j, int64_t now, err *e) {
    CURL *easy = easy_for(c, j);
    if (!easy) return err_set(e, ERR_NOMEM, "%s", L("out of memory", "内存不足"));
    CURLMcode mc = curl_multi_add_handle(c->multi, easy);
    if (mc != CURLM_OK) {
        curl_easy_cleanup(easy);
        return err_set(e, ERR_IO, "curl_multi_add_handle: %s", curl_multi_strerror(mc));
    }
    j->easy = easy;
    j->attempts++;
    if (j->first_start < 0) j->first_start = now;
    j->prev = NULL;
    j->next = c->running;
    if (c->running) c->running->prev = j;
    c->running = j;
    c->nrunning++;
    j->h->running++;
    j->h->next_start = now + (j->h->delay_ms > 0 ? j->h->delay_ms : 0);
    return true;
}

/* Takes the job out of the multi handle and the running list. */
static void detach(fetch_client *c, job *j) {
    curl_multi_remove_handle(c->multi, j->easy);
    easy_release(c, j->easy);
    j->easy = NULL;
    if (j->prev) j->prev->next = j->next; else c->running = j->next;
    if (j->next) j->next->prev = j->prev;
    j->next = j->prev = NULL;
    c->nrunning--;
    j->h->running--;
}

/* ---- decisions after a transfer ---- */

static fetch_error class_of(CURLcode code) {
    switch (code) {
    case CURLE_OK: return FETCH_OK;
    case CURLE_COULDNT_RESOLVE_HOST: return FETCH_ERR_DNS;
    case CURLE_COULDNT_CONNECT: return FETCH_ERR_CONNECT;
    case CURLE_OPERATION_TIMEDOUT: return FETCH_ERR_TIMEOUT;
    /* The site's TLS. Failures of our own set-up (CA bundle, engines, CRL
     * file) stay OTHER: they would otherwise mark every https link broken. */
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED: return FETCH_ERR_TLS;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return FETCH_ERR_RESET;
    default: return FETCH_ERR_OTHER;
    }
}

/* Retry-After in ms (seconds or an HTTP-date), -1 when absent or unreadable. */
static long retry_after_ms(CURL *easy) {
    struct curl_header *hdr = NULL;
    if (curl_easy_header(easy, "Retry-After", 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK)
        return -1;
    const char *v = hdr->value;
    while (*v == ' ' || *v == '\t') v++;
    if (isdigit((unsigned char)*v)) {
        char *end;
        errno = 0;
        long long s = strtoll(v, &end, 10);
        if (errno || s > LONG_MAX / 1000) return LONG_MAX;
        return (long)s * 1000;
    }
    time_t t = curl_getdate(v, NULL);
    if (t == (time_t)-1) return -1;
    time_t d = t - time(NULL);
    if (d <= 0) return 0;
    return d > LONG_MAX / 1000 ? LONG_MAX : (long)d * 1000;
}

/* CURLINFO_HTTP_VERSION as the result gives it; "" when no response came. */
static void save_http_version(job *j, CURL *easy) {
    long v = 0;
    curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &v);
    const char *s = "";
    switch (v) {
    case CURL_HTTP_VERSION_1_0: s = "1.0"; break;
    case CURL_HTTP_VERSION_1_1: s = "1.1"; break;
    case CURL_HTTP_VERSION_2_0: s = "2"; break;
#ifdef CURL_HTTP_VERSION_3
    case CURL_HTTP_VERSION_3: s = "3"; break;
#endif
    default: break;
    }
    snprintf(j->http_version, sizeof j->http_version, "%s", s);
}

/* Splits "Text/HTML; charset=\"GBK\"" into "text/html" and "gbk". */
static void save_content_type(job *j, const char *ct) {
    j->content_type[0] = j->charset[0] = '\0';
    if (!ct) return;
    size_t n = strcspn(ct, ";");
    while (n && isspace((unsigned char)ct[n - 1])) n--;
    while (n && isspace((unsigned char)*ct)) ct++, n--;
    if (n >= sizeof j->content_type) n = sizeof j->content_type - 1;
    memcpy(j->content_type, ct, n);
    j->content_type[n] = '\0';
    lower(j->content_type);
    for (const char *p = strchr(ct, ';'); p; p = strchr(p + 1, ';')) {
        const char *q = p + 1;
        while (isspace((unsigned char)*q)) q++;
        if (strncasecmp(q, "charset", 7)) continue;
        q += 7;
        while (isspace((unsigned char)*q)) q++;
        if (*q++ != '=') continue;
        while (isspace((unsigned char)*q)) q++;
        if (*q == '"') q++;
        size_t m = strcspn(q, "\"; \t");
        if (m >= sizeof j->charset) m = sizeof j->charset - 1;
        memcpy(j->charset, q, m);
        j->charset[m] = '\0';
        lower(j->charset);
        break;
    }
}

static void backoff(fetch_client *c, job *j, int64_t now, long wait_ms) {
    j->due = now + wait_ms;
    j->next = c->timers;
    c->timers = j;
    c->nqueued++;
}

static long backoff_ms(const fetch_client *c, int attempts) {
    long ms = c->retry_base_ms;
    for (int i = 1; i < attempts && ms < c->max_retry_after_ms; i++) ms *= 2;
    return ms < c->max_retry_after_ms ? ms : c->max_retry_after_ms;
}

/* A 429 or 503: the whole host waits `wait_ms` (its Retry-After) and stays
 * twice as slow for the rest of the run. Answers that arrive together, from
 * transfers that were running together, count as one complaint: the delay
 * doubles at most once per delay period. */
static void slow_down(fetch_client *c, host *h, int64_t now, long wait_ms) {
    if (h->next_start < now + wait_ms) h->next_start = now + wait_ms;
    if (h->slowed_at && now - h->slowed_at < h->delay_ms) return;
    long d = h->delay_ms > 0 ? h->delay_ms * 2 : 250;
    h->delay_ms = d < c->max_retry_after_ms ? d : c->max_retry_after_ms;
    h->slowed_at = now;
}

static bool is_redirect(long status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Follows a redirect (the job goes back to a queue) or ends the chain with
 * an answer: a loop, one hop too many, or a target we cannot fetch. */
static void follow(fetch_client *c, job *j, const char *target) {
    char *canon = NULL, *hostname = NULL;
    char msg[CURL_ERROR_SIZE + 64];
    if (!url_facts(target, &canon, &hostname)) {
        snprintf(msg, sizeof msg, "%s %.*s", L("redirect to an unusable URL:", "重定向目标无法访问:"),
                 CURL_ERROR_SIZE, target);
        finish(c, j, FETCH_ERR_OTHER, msg);
        return;
    }
    if (chain_has(j, canon)) {
        free(canon);
        free(hostname);
        snprintf(msg, sizeof msg, "%s %.*s", L("redirect loop back to", "重定向循环, 回到"),
                 CURL_ERROR_SIZE, target);
        finish(c, j, FETCH_ERR_REDIRECT_LOOP, msg);
        return;
    }
    if (j->redirects >= c->max_redirects) {
        free(canon);
        free(hostname);
        snprintf(msg, sizeof msg, "%s (%d)", L("too many redirects", "重定向次数过多"), j->redirects);
        finish(c, j, FETCH_ERR_TOO_MANY_REDIRECTS, msg);
        return;
    }
    char *cur = strdup(target);
    host *h = host_get(c, hostname);
    if (!cur || !h || !chain_add(j, canon)) {
        free(cur);
        free(canon);
        finish(c, j, FETCH_ERR_OTHER, L("out of memory", "内存不足"));
        return;
    }
    free(j->cur);
    j->cur = cur;
    free(j->post);   /* a redirect after a POST continues with GET */
    j->post = NULL;
    j->req.post_body = NULL;
    j->h = h;
    j->redirects++;
    j->attempts = 0;
    queue_push(c, j, true);
}

/* A transfer ended: decide between answering, following, falling back and
 * retrying. */
static void completed(fetch_client *c, job *j, CURLcode code) {
    int64_t now = mono_ms();
    CURL *easy = j->easy;
    j->status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &j->status);
    char *ct = NULL;
    curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &ct);
    save_content_type(j, ct);
    save_http_version(j, easy);
    if (j->status > 0)   /* -v: which protocol each answer came over */
        log_debug("fetch: %s %s: HTTP/%s %ld", method_name(j->ph), j->cur,
                  j->http_version[0] ? j->http_version : "?", j->status);
    long retry_after = j->status == 429 || j->status == 503 ? retry_after_ms(easy) : -1;
    char *loc = NULL;
    curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &loc);
    char *target = is_redirect(j->status) && loc ? strdup(loc) : NULL;
    char text[CURL_ERROR_SIZE];
    snprintf(text, sizeof text, "%s", j->errbuf[0] ? j->errbuf : curl_easy_strerror(code));
    bool cut = j->cut, oom = j->oom;
    detach(c, j);

    bool check = j->ph != PHASE_GET;
    fetch_error error;
    if (code == CURLE_OK) error = FETCH_OK;
    else if (oom) {
        error = FETCH_ERR_OTHER;
        snprintf(text, sizeof text, "%s", L("out of memory", "内存不足"));
    } else if (code == CURLE_WRITE_ERROR && cut) {
        error = check ? FETCH_OK : FETCH_ERR_TOO_LARGE;
        snprintf(text, sizeof text, "%s %zu %s", L("body over", "响应体超过"), c->max_body,
                 L("bytes", "字节"));
    }
    /* A check is answered by the status line; what breaks in the body we
     * were about to throw away does not make the link broken. */
    else if (check && j->status > 0) error = FETCH_OK;
    else error = class_of(code);

    if (error == FETCH_OK && target) {
        follow(c, j, target);
        free(target);
        return;
    }
    free(target);

    if (error == FETCH_OK) {
        long s = j->status;
        if (j->ph == PHASE_HEAD && (s == 403 || s == 405 || s == 501)) {
            j->ph = PHASE_RANGE;
            j->attempts = 0;
            queue_push(c, j, true);
            return;
        }
        if (j->ph == PHASE_RANGE && s == 416) {   /* e.g. an empty file */
            j->ph = PHASE_CHECK_GET;
            j->attempts = 0;
            queue_push(c, j, true);
            return;
        }
        bool throttled = s == 429 || s == 503;
        long wait = backoff_ms(c, j->attempts);
        if (throttled) {
            if (retry_after >= 0)
                wait = retry_after < c->max_retry_after_ms ? retry_after : c->max_retry_after_ms;
            slow_down(c, j->h, now, retry_after >= 0 ? wait : 0);
        }
        if ((throttled || s == 502 || s == 504) && j->attempts <= c->retries) {
            backoff(c, j, now, wait);
            return;
        }
        finish(c, j, FETCH_OK, "");
        return;
    }

    /* HEAD failed in transport: servers that mishandle HEAD hang up or stall
     * on it. DNS, connect and TLS failures happen before any request is sent,
     * so another method would fail the same way. */
    if (j->ph == PHASE_HEAD && error != FETCH_ERR_DNS && error != FETCH_ERR_CONNECT &&
        error != FETCH_ERR_TLS) {
        j->ph = PHASE_RANGE;
        j->attempts = 0;
        queue_push(c, j, true);
        return;
    }
    if ((error == FETCH_ERR_TIMEOUT || error == FETCH_ERR_RESET) && j->attempts <= c->retries) {
        backoff(c, j, now, backoff_ms(c, j->attempts));
        return;
    }
    finish(c, j, error, text);
}

/* ---- the loop ---- */

/* Moves due timers to their hosts' queues and starts what the limits allow.
 * *wait_ms: when something queued may next become startable (-1: only a
 * finishing transfer can change anything). */
static bool schedule(fetch_client *c, int64_t now, long *wait_ms, err *e) {
    long wait = -1;
    for (job **pp = &c->timers; *pp;) {
        job *j = *pp;
        if (j->due <= now) {
            *pp = j->next;
            c->nqueued--;
            queue_push(c, j, true);   /* ahead of first tries on its host */
        } else {
            long d = (long)(j->due - now);
            if (wait < 0 || d < wait) wait = d;
            pp = &j->next;
        }
    }
    /* A host that starts something goes to the tail, so one busy host does
     * not starve the others of the total limit. Terminates: every revisit
     * either starts a transfer (bounded by max_total) or moves nothing. */
    for (host *h = c->ahead, *nx; h && c->nrunning < c->max_total; h = nx) {
        nx = h->anext;
        bool started = false;
        while (h->qhead && h->running < c->max_per_host && now >= h->next_start &&
               c->nrunning < c->max_total) {
            job *j = queue_pop(c, h);
            if (!start_job(c, j, now, e)) {
                queue_push(c, j, true);
                return false;
            }
            started = true;
        }
        if (!h->qhead) {
            active_remove(c, h);
        } else {
            if (h->running < c->max_per_host && now < h->next_start) {
                long d = (long)(h->next_start - now);
                if (wait < 0 || d < wait) wait = d;
            }
            if (started && h != c->atail) {
                active_remove(c, h);
                active_append(c, h);
            }
        }
    }
    *wait_ms = wait;
    return true;
}

static void finish_stopped(fetch_client *c, job *j) {
    /* Whatever an earlier hop or attempt answered is not the result. */
    j->status = 0;
    j->content_type[0] = j->charset[0] = j->http_version[0] = '\0';
    finish(c, j, FETCH_ERR_OTHER, L("stopped", "已停止"));
}

/* After fetch_stop: every job still held is answered "stopped". Their
 * callbacks cannot add work: fetch_submit refuses once stopped. */
static void drain_stopped(fetch_client *c) {
    while (c->running) {
        job *j = c->running;
        detach(c, j);
        finish_stopped(c, j);
    }
    while (c->timers) {
        job *j = c->timers;
        c->timers = j->next;
        c->nqueued--;
        finish_stopped(c, j);
    }
    while (c->ahead) {
        host *h = c->ahead;
        while (h->qhead) finish_stopped(c, queue_pop(c, h));
        active_remove(c, h);
    }
    char buf[64];
    while (read(c->wake[0], buf, sizeof buf) > 0) {
    }
}

bool fetch_run(fetch_client *c, err *e) {
    if (c->in_run) return err_set(e, ERR_USAGE, "fetch_run: %s", L("already running", "已在运行"));
    c->in_run = true;
    bool ok = true;
    for (;;) {
        if (c->stop) {
            drain_stopped(c);
            break;
        }
        /* The caller's finished work first: it may submit requests. */
        bool pending = c->poll_hook && c->poll_hook(c->poll_ud);
        if (c->stop) continue;
        long wait;
        if (!schedule(c, mono_ms(), &wait, e)) {
            ok = false;
            break;
        }
        if (c->nrunning == 0 && c->nqueued == 0 && !pending) break;
        int still;
        CURLMcode mc = curl_multi_perform(c->multi, &still);
        if (mc != CURLM_OK) {
            ok = err_set(e, ERR_IO, "curl_multi_perform: %s", curl_multi_strerror(mc));
            break;
        }
        bool any = false;
        CURLMsg *m;
        int left;
        while (!c->stop && (m = curl_multi_info_read(c->multi, &left))) {
            if (m->msg != CURLMSG_DONE) continue;
            char *priv = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
            completed(c, (job *)priv, m->data.result);
            any = true;
        }
        if (any || c->stop) continue;   /* slots freed: schedule before sleeping */
        struct curl_waitfd wfd = {.fd = c->wake[0], .events = CURL_WAIT_POLLIN, .revents = 0};
        int timeout = wait < 0 || wait > 1000 ? 1000 : (int)wait;
        mc = curl_multi_poll(c->multi, &wfd, 1, timeout, NULL);
        if (mc != CURLM_OK) {
            ok = err_set(e, ERR_IO, "curl_multi_poll: %s", curl_multi_strerror(mc));
            break;
        }
        if (wfd.revents & CURL_WAIT_POLLIN) {
            /* woken: empty the pipe, or the next poll returns at once (a
             * stop is seen by the flag at the top of the loop) */
            char buf[64];
            while (read(c->wake[0], buf, sizeof buf) > 0) {
            }
        }
    }
    c->in_run = false;
    return ok;
}

void fetch_stop(fetch_client *c) {
    int saved = errno;   /* may run in a signal handler */
    c->stop = 1;
    ssize_t n = write(c->wake[1], "x", 1);
    (void)n;             /* a full pipe already wakes the loop */
    errno = saved;
}

void fetch_set_poll(fetch_client *c, bool (*poll)(void *ud), void *ud) {
    c->poll_hook = poll;
    c->poll_ud = ud;
}

void fetch_wakeup(fetch_client *c) {
    int saved = errno;
    ssize_t n = write(c->wake[1], "w", 1);
    (void)n;             /* a full pipe already wakes the loop */
    errno = saved;
}

bool fetch_host_min_delay(fetch_client *c, const char *url, long delay_ms) {
    char *canon = NULL, *hostname = NULL;
    if (!url_facts(url, &canon, &hostname)) return false;
    free(canon);
    host *h = host_get(c, hostname);
    if (!h) return false;
    if (h->delay_ms < delay_ms) h->delay_ms = delay_ms;
    return true;
}

bool fetch_submit(fetch_client *c, const fetch_request *req, fetch_done_fn done, err *e) {
    if (c->stop) return err_set(e, ERR_USAGE, "%s", L("fetch was stopped", "抓取已停止"));
    if (!req || !req->url) return err_set(e, ERR_USAGE, "fetch_submit: no URL");
    char *canon = NULL, *hostname = NULL;
    if (!url_facts(req->url, &canon, &hostname))
        return err_set(e, ERR_INPUT, "%s: %s", req->url,
                       L("not an absolute http(s) URL", "不是完整的 http(s) 网址"));
    job *j = calloc(1, sizeof *j);
    host *h = host_get(c, hostname);
    if (j) {
        j->orig = strdup(req->url);
        j->cur = strdup(req->url);
    }
    if (!j || !h || !j->orig || !j->cur || !chain_add(j, canon)) {
        free(canon);
        job_free(j);
        return err_set(e, ERR_NOMEM, "%s", L("out of memory", "内存不足"));
    }
    j->req = *req;
    j->req.url = j->orig;
    j->req.post_body = NULL;
    if (req->post_body && req->method == FETCH_GET) {
        j->post = strdup(req->post_body);
        if (!j->post) {
            job_free(j);
            return err_set(e, ERR_NOMEM, "%s", L("out of memory", "内存不足"));
        }
        j->req.post_body = j->post;
    }
    j->done = done;
    if (req->method == FETCH_CHECK) j->ph = req->keep_small_body ? PHASE_RANGE : PHASE_HEAD;
    else j->ph = PHASE_GET;
    j->first_start = -1;
    j->h = h;
    queue_push(c, j, false);
    return true;
}

/* ---- life cycle ---- */

static bool resolve_entry_ok(const char *s) {
    /* "[+|-]HOST:PORT:ADDR[,ADDR]..." or "-HOST:PORT" */
    if (*s == '+' || *s == '-') s++;
    const char *c1 = s[0] == '[' ? strchr(s, ']') : s;
    c1 = c1 ? strchr(c1, ':') : NULL;
    if (!c1 || c1 == s) return false;
    char *end;
    long port = strtol(c1 + 1, &end, 10);
    return end != c1 + 1 && port > 0 && port < 65536 && (*end == ':' || *end == '\0');
}

/* One HOST or PORT field of a connect-to entry at *s, ending at ':' or the
 * end of the string; advances *s past it. Empty fields are allowed. */
static bool connect_to_field(const char **s, bool port) {
    const char *p = *s;
    if (!port && *p == '[') {
        const char *q = strchr(p, ']');
        if (!q || q == p + 1) return false;
        for (const char *c = p + 1; c < q; c++)
            if (!strchr("0123456789abcdefABCDEF:.", *c)) return false;
        p = q + 1;
    } else {
        long v = 0;
        for (; *p && *p != ':'; p++) {
            if (port ? !(*p >= '0' && *p <= '9')
                     : !(isalnum((unsigned char)*p) || *p == '-' || *p == '.' || *p == '_'))
                return false;
            if (port && (v = v * 10 + (*p - '0')) > 65535) return false;
        }
        if (port && p != *s && v == 0) return false;
    }
    if (*p != ':' && *p != '\0') return false;
    *s = p;
    return true;
}

bool fetch_connect_to_ok(const char *s) {
    /* HOST:PORT:CONNECT-HOST:CONNECT-PORT — four fields, three colons
     * outside brackets. */
    for (int i = 0; i < 4; i++) {
        if (!connect_to_field(&s, i % 2 == 1)) return false;
        if (i < 3) {
            if (*s != ':') return false;
            s++;
        }
    }
    return *s == '\0';
}

bool fetch_ca_file_ok(const char *path, err *e) {
    struct stat st;
    int why = 0;
    if (stat(path, &st) != 0 || access(path, R_OK) != 0) why = errno;
    else if (!S_ISREG(st.st_mode)) why = EISDIR;
    if (why)
        return err_set(e, ERR_INPUT, "%s: %s: %s", path,
                       L("cannot read the CA file", "无法读取 CA 证书文件"), strerror(why));
    /* curl reads CA files as PEM only; a DER file or a key would otherwise
     * fail every https transfer with an error that names no file. "-" would
     * be standard input here and a file named "-" to curl: refused. */
    if (!strcmp(path, "-")) return err_set(e, ERR_INPUT, "-: %s", L("not a file", "不是文件"));
    char *data = NULL;
    size_t len = 0;
    if (!file_read_all(path, CA_FILE_MAX, &data, &len, e)) return false;
    bool pem = strstr(data, "-----BEGIN CERTIFICATE-----") ||
               strstr(data, "-----BEGIN TRUSTED CERTIFICATE-----");
    free(data);
    if (pem) return true;
    return err_set(e, ERR_INPUT, "%s: %s", path,
                   L("no PEM certificate (-----BEGIN CERTIFICATE-----) in the CA file",
                     "CA 证书文件中没有 PEM 格式的证书（-----BEGIN CERTIFICATE-----）"));
}

static long or_default(long v, long dflt) { return v > 0 ? v : dflt; }

fetch_client *fetch_new(const fetch_config *cfg, err *e) {
    fetch_config none = {0};
    if (!cfg) cfg = &none;
    fetch_client *c = calloc(1, sizeof *c);
    if (!c) {
        err_set(e, ERR_NOMEM, "%s", L("out of memory", "内存不足"));
        return NULL;
    }
    c->wake[0] = c->wake[1] = -1;
    c->connect_timeout_ms = or_default(cfg->connect_timeout_ms, 10000);
    c->total_timeout_ms = or_default(cfg->total_timeout_ms, 30000);
    c->low_speed_bytes = or_default(cfg->low_speed_bytes, 100);
    c->low_speed_seconds = or_default(cfg->low_speed_seconds, 15);
    c->max_body = cfg->max_body_bytes ? cfg->max_body_bytes : (size_t)10 << 20;
    c->max_redirects = (int)or_default(cfg->max_redirects, 10);
    c->max_total = (int)or_default(cfg->max_total, 32);
    c->max_per_host = (int)or_default(cfg->max_per_host, 2);
    c->host_delay_ms = cfg->host_delay_ms < 0 ? 0 : or_default(cfg->host_delay_ms, 250);
    c->retries = cfg->retries < 0 ? 0 : (int)or_default(cfg->retries, 2);
    c->retry_base_ms = or_default(cfg->retry_base_ms, 1000);
    c->max_retry_after_ms = or_default(cfg->max_retry_after_ms, 120000);

    c->user_agent = strdup(cfg->user_agent ? cfg->user_agent : DEFAULT_USER_AGENT);
    c->proxy = cfg->proxy ? strdup(cfg->proxy) : NULL;
    if (cfg->ca_file) {
        if (!fetch_ca_file_ok(cfg->ca_file, e)) {
            fetch_free(c);
            return NULL;
        }
        c->ca_file = strdup(cfg->ca_file);
    }
    c->pool = calloc((size_t)c->max_total, sizeof *c->pool);
    c->multi = curl_multi_init();
    c->share = curl_share_init();
    bool ok = c->user_agent && (!cfg->proxy || c->proxy) && (!cfg->ca_file || c->ca_file) &&
              c->pool && c->multi && c->share;
    for (const char *const *r = cfg->resolve; ok && r && *r; r++) {
        if (!resolve_entry_ok(*r)) {
            err_set(e, ERR_INPUT, "%s: %s", *r,
                    L("not a resolve entry HOST:PORT:ADDRESS", "不是 HOST:PORT:ADDRESS 形式的解析条目"));
            fetch_free(c);
            return NULL;
        }
        struct curl_slist *l = curl_slist_append(c->resolve, *r);
        if (!l) ok = false;
        else c->resolve = l;
    }
    for (const char *const *r = cfg->connect_to; ok && r && *r; r++) {
        if (!fetch_connect_to_ok(*r)) {
            err_set(e, ERR_INPUT, "%s: %s", *r,
                    L("not a connect-to entry HOST:PORT:CONNECT-HOST:CONNECT-PORT",
                      "不是 HOST:PORT:CONNECT-HOST:CONNECT-PORT 形式的连接映射条目"));
            fetch_free(c);
            return NULL;
        }
        struct curl_slist *l = curl_slist_append(c->connect_to, *r);
        if (!l) ok = false;
        else c->connect_to = l;
    }
    if (ok && pipe(c->wake) != 0) {
        c->wake[0] = c->wake[1] = -1;
        err_set(e, ERR_IO, "pipe: %s", strerror(errno));
        fetch_free(c);
        return NULL;
    }
    for (int i = 0; ok && i < 2; i++) {
        int fl = fcntl(c->wake[i], F_GETFL);
        ok = fl >= 0 && fcntl(c->wake[i], F_SETFL, fl | O_NONBLOCK) == 0 &&
             fcntl(c->wake[i], F_SETFD, FD_CLOEXEC) == 0;
    }
    if (ok) {
        curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
        curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)c->max_total);
        curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->max_per_host);
    }
    if (!ok) {
        err_set(e, ERR_NOMEM, "%s", L("cannot set up the HTTP client", "无法初始化 HTTP 客户端"));
        fetch_free(c);
        return NULL;
    }
    return c;
}

void fetch_free(fetch_client *c) {
    if (!c) return;
    /* Requests never answered (fetch_run not called, or it failed) are
     * dropped without their callbacks. */
    while (c->running) {
        job *j = c->running;
        detach(c, j);
        job_free(j);
    }
    while (c->timers) {
        job *j = c->timers;
        c->timers = j->next;
        job_free(j);
    }
    for (size_t i = 0; i < c->nbuckets; i++) {
        for (host *h = c->buckets[i], *nx; h; h = nx) {
            nx = h->hnext;
            for (job *j = h->qhead, *jn; j; j = jn) {
                jn = j->next;
                job_free(j);
            }
            free(h->name);
            free(h);
        }
    }
    free(c->buckets);
    for (int i = 0; i < c->npool; i++) curl_easy_cleanup(c->pool[i]);
    free(c->pool);
    if (c->multi) curl_multi_cleanup(c->multi);
    if (c->share) curl_share_cleanup(c->share);
    curl_slist_free_all(c->resolve);
    curl_slist_free_all(c->connect_to);
    free(c->user_agent);
    free(c->proxy);
    free(c->ca_file);
    for (int i = 0; i < 2; i++)
        if (c->wake[i] >= 0) close(c->wake[i]);
    free(c);
}

const char *fetch_error_name(fetch_error error) {
    switch (error) {
    case FETCH_OK: return L("ok", "正常");
    case FETCH_ERR_DNS: return L("DNS failure", "域名解析失败");
    case FETCH_ERR_CONNECT: return L("connection refused or unreachable", "无法连接");
    case FETCH_ERR_RESET: return L("connection reset", "连接被重置");
    case FETCH_ERR_TLS: return L("TLS/certificate error", "TLS/证书错误");
    case FETCH_ERR_TIMEOUT: return L("timed out", "超时");
    case FETCH_ERR_REDIRECT_LOOP: return L("redirect loop", "重定向循环");
    case FETCH_ERR_TOO_MANY_REDIRECTS: return L("too many redirects", "重定向次数过多");
    case FETCH_ERR_TOO_LARGE: return L("response too large", "响应过大");
    case FETCH_ERR_OTHER: break;
    }
    return L("other error", "其他错误");
}
