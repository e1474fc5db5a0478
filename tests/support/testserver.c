#include "support/testserver.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <brotli/encode.h>
#include <microhttpd.h>
#include <zlib.h>

typedef struct route {
    testserver_route r;         /* strings below point into this route's copies */
    char *path, *retry_after, *dir;
    char **headers;             /* NULL-terminated */
    unsigned char *body;        /* what is sent (compressed for TS_GZIP,
                                   TS_DEFLATE and TS_BROTLI) */
    size_t body_len;
    int served;                 /* TS_THROTTLE counter, under the lock */
} route;

struct testserver {
    struct MHD_Daemon *d;
    int port;
    route *routes;
    size_t nroutes;
    pthread_mutex_t lock;       /* the log, counters and url strings */
    testserver_request *log;
    size_t nlog, caplog;
    char **urls;                /* strings handed out by testserver_url */
    size_t nurls, capurls;
    atomic_int stopping;        /* read by hanging handlers on their threads */
};

int64_t testserver_now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* zlib's deflate into a new buffer: window_bits 15 + 16 is the gzip
 * format, 15 the zlib format that "Content-Encoding: deflate" means. */
static bool zlib_bytes(const void *in, size_t len, int window_bits, unsigned char **out,
                       size_t *out_len) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (len > UINT_MAX) return false;
    if (deflateInit2(&z, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
    uLong cap = deflateBound(&z, (uLong)len);
    unsigned char *buf = malloc(cap);
    if (!buf) {
        deflateEnd(&z);
        return false;
    }
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(buf);
        return false;
    }
    unsigned char *fit = realloc(buf, *out_len ? *out_len : 1);   /* the bound is the input's size */
    *out = fit ? fit : buf;
    return true;
}

static bool brotli_bytes(const void *in, size_t len, unsigned char **out, size_t *out_len) {
    size_t cap = BrotliEncoderMaxCompressedSize(len);
    unsigned char *buf = cap ? malloc(cap) : NULL;
    if (!buf) return false;
    /* Quality 5: a bomb of tens of MB compresses in well under a second and
     * still shrinks a thousandfold and more. */
    if (!BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, len, in, &cap, buf)) {
        free(buf);
        return false;
    }
    unsigned char *fit = realloc(buf, cap ? cap : 1);
    *out = fit ? fit : buf;
    *out_len = cap;
    return true;
}

/* The Content-Encoding a route's flags ask for, NULL: none. */
static const char *encoding_of(unsigned flags) {
    if (flags & TS_GZIP) return "gzip";
    if (flags & TS_DEFLATE) return "deflate";
    if (flags & TS_BROTLI) return "br";
    return NULL;
}

static bool copy_route(route *dst, const testserver_route *src) {
    dst->r = *src;
    dst->path = dup_or_null(src->path ? src->path : "/");
    dst->retry_after = dup_or_null(src->retry_after);
    dst->dir = dup_or_null(src->dir);
    dst->r.path = dst->path;
    dst->r.retry_after = dst->retry_after;
    dst->r.dir = dst->dir;
    if (src->flags & (TS_REDIRECT_LOOP | TS_REDIRECT_CHAIN | TS_TRAP | TS_DIR))
        dst->r.flags |= TS_PREFIX;
    size_t nh = 0;
    while (src->headers && src->headers[nh]) nh++;
    dst->headers = calloc(nh + 1, sizeof *dst->headers);
    if (!dst->path || !dst->headers) return false;
    for (size_t i = 0; i < nh; i++)
        if (!(dst->headers[i] = strdup(src->headers[i]))) return false;
    dst->r.headers = (const char *const *)dst->headers;
    size_t len = src->body ? (src->body_len ? src->body_len : strlen(src->body)) : 0;
    const void *in = src->body ? src->body : "";
    if (src->flags & (TS_GZIP | TS_DEFLATE)) {
        int bits = src->flags & TS_GZIP ? 15 + 16 : 15;
        if (!zlib_bytes(in, len, bits, &dst->body, &dst->body_len)) return false;
    } else if (src->flags & TS_BROTLI) {
        if (!brotli_bytes(in, len, &dst->body, &dst->body_len)) return false;
    } else {
        dst->body = malloc(len + 1);
        if (!dst->body) return false;
        if (len) memcpy(dst->body, src->body, len);
        dst->body_len = len;
    }
    dst->r.body = dst->body;
    dst->r.body_len = dst->body_len;
    return true;
}

static void free_route(route *r) {
    free(r->path);
    free(r->retry_after);
    free(r->dir);
    for (size_t i = 0; r->headers && r->headers[i]; i++) free(r->headers[i]);
    free(r->headers);
    free(r->body);
}

/* The route for a path: an exact match wins over the longest prefix. */
static route *find_route(testserver *ts, const char *path) {
    route *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < ts->nroutes; i++) {
        route *r = &ts->routes[i];
        size_t n = strlen(r->path);
        if (!strcmp(r->path, path)) return r;
        if ((r->r.flags & TS_PREFIX) && !strncmp(r->path, path, n) &&
            (path[n] == '/' || (n && r->path[n - 1] == '/')) && n >= best_len) {
            best = r;
            best_len = n;
        }
    }
    return best;
}

static void copy_field(char *dst, size_t cap, const char *src) {
    snprintf(dst, cap, "%s", src ? src : "");
}

static void log_request(testserver *ts, struct MHD_Connection *conn, const char *method,
                        const char *path) {
    testserver_request q;
    memset(&q, 0, sizeof q);
    q.at_ms = testserver_now_ms();
    copy_field(q.method, sizeof q.method, method);
    copy_field(q.path, sizeof q.path, path);
    copy_field(q.host, sizeof q.host, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"));
    copy_field(q.range, sizeof q.range,
               MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Range"));
    copy_field(q.user_agent, sizeof q.user_agent,
               MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "User-Agent"));
    copy_field(q.accept_encoding, sizeof q.accept_encoding,
               MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding"));
    pthread_mutex_lock(&ts->lock);
    if (ts->nlog == ts->caplog) {
        size_t cap = ts->caplog ? ts->caplog * 2 : 64;
        testserver_request *p = realloc(ts->log, cap * sizeof *p);
        if (p) {
            ts->log = p;
            ts->caplog = cap;
        }
    }
    if (ts->nlog < ts->caplog) ts->log[ts->nlog++] = q;
    pthread_mutex_unlock(&ts->lock);
}

/* Queues a response; `copy` when the bytes do not outlive this call. */
static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const void *body,
                             size_t len, bool copy, const char *const *headers, ...) {
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, (void *)(uintptr_t)body, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    if (!resp) return MHD_NO;
    for (size_t i = 0; headers && headers[i]; i++) {
        const char *colon = strchr(headers[i], ':');
        if (!colon) continue;
        char name[128];
        size_t n = (size_t)(colon - headers[i]);
        if (n >= sizeof name) continue;
        memcpy(name, headers[i], n);
        name[n] = '\0';
        const char *v = colon + 1;
        while (*v == ' ') v++;
        MHD_add_response_header(resp, name, v);
    }
    /* Extra name/value pairs, NULL-terminated. */
    va_list ap;
    va_start(ap, headers);
    for (const char *name; (name = va_arg(ap, const char *));) {
        const char *v = va_arg(ap, const char *);
        MHD_add_response_header(resp, name, v);
    }
    va_end(ap);
    enum MHD_Result rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned status, const char *text) {
    return reply(conn, status, text, strlen(text), true, NULL, "Content-Type",
                 "text/plain; charset=utf-8", (char *)NULL);
}

static enum MHD_Result redirect(struct MHD_Connection *conn, const route *r, const char *to) {
    unsigned status = r->r.status >= 300 && r->r.status < 400 ? (unsigned)r->r.status : 302;
    return reply(conn, status, "", 0, true, NULL, "Location", to, (char *)NULL);
}

static enum MHD_Result serve_trap(struct MHD_Connection *conn, const route *r, const char *path) {
    int y = 2024, m = 1;
    if (sscanf(path + strlen(r->path), "/%d/%d", &y, &m) != 2 || m < 1 || m > 12) y = 2024, m = 1;
    int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
    int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1;
    char html[1024];
    snprintf(html, sizeof html,
             "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%04d-%02d</title></head>"
             "<body><h1>%04d年%02d月</h1><a href=\"%s/%04d/%02d/\">下月</a> "
             "<a href=\"%s/%04d/%02d/\">上月</a></body></html>",
             y, m, y, m, r->path, ny, nm, r->path, py, pm);
    return reply(conn, 200, html, strlen(html), true, NULL, "Content-Type",
                 "text/html; charset=utf-8", (char *)NULL);
}

static const char *type_of(const char *file) {
    static const struct { const char *ext, *type; } types[] = {
        {".html", "text/html"}, {".htm", "text/html"}, {".shtml", "text/html"},
        {".css", "text/css"}, {".js", "application/javascript"}, {".json", "application/json"},
        {".xml", "application/xml"}, {".txt", "text/plain"}, {".png", "image/png"},
        {".jpg", "image/jpeg"}, {".gif", "image/gif"}, {".pdf", "application/pdf"},
    };
    const char *dot = strrchr(file, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (!strcasecmp(dot, types[i].ext)) return types[i].type;
    return "application/octet-stream";
}

static enum MHD_Result serve_file(struct MHD_Connection *conn, const route *r, const char *path) {
    const char *rest = path + strlen(r->path);
    if (strstr(rest, "..")) return reply_text(conn, 403, "forbidden");
    char file[4096];
    size_t rl = strlen(rest);
    snprintf(file, sizeof file, "%s/%s%s", r->dir, rest[0] == '/' ? rest + 1 : rest,
             rl == 0 || rest[rl - 1] == '/' ? "index.html" : "");
    FILE *f = fopen(file, "rb");
    if (!f) return reply_text(conn, 404, "not found");
    char *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            char *p = realloc(data, cap);
            if (!p) break;
            data = p;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        if (!got) break;
        len += got;
    }
    fclose(f);
    enum MHD_Result rc = reply(conn, 200, data ? data : "", len, true,
                               (const char *const *)r->headers, "Content-Type", type_of(file),
                               (char *)NULL);
    free(data);
    return rc;
}

/* TS_TRUNCATE: hands out the first half of the body, then an error, on
 * which MHD closes the connection. */
static ssize_t read_half(void *cls, uint64_t pos, char *buf, size_t max) {
    const route *r = cls;
    size_t half = r->body_len / 2;
    if (pos >= half) return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = half - (size_t)pos < max ? half - (size_t)pos : max;
    memcpy(buf, r->body + pos, n);
    return (ssize_t)n;
}

static enum MHD_Result serve_truncated(struct MHD_Connection *conn, const route *r,
                                       unsigned status) {
    struct MHD_Response *resp =
        MHD_create_response_from_callback(r->body_len, 4096, read_half, (void *)(uintptr_t)r, NULL);
    if (!resp) return MHD_NO;
    for (size_t i = 0; r->headers[i]; i++) {
        char name[128];
        const char *colon = strchr(r->headers[i], ':');
        size_t n = colon ? (size_t)(colon - r->headers[i]) : 0;
        if (!colon || n >= sizeof name) continue;
        memcpy(name, r->headers[i], n);
        name[n] = '\0';
        const char *v = colon + 1;
        while (*v == ' ') v++;
        MHD_add_response_header(resp, name, v);
    }
    enum MHD_Result rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* Answers with the route's status, headers and body, honouring Range when
 * the route asks for it. */
static enum MHD_Result serve_body(struct MHD_Connection *conn, const route *r, unsigned status) {
    const char *const *hdrs = (const char *const *)r->headers;
    const char *coding = encoding_of(r->r.flags);
    const char *enc = coding ? "Content-Encoding" : NULL;
    if (r->r.flags & TS_TRUNCATE) return serve_truncated(conn, r, status);
    const char *range = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Range");
    unsigned long long a, b = 0;
    char dash_end[2] = "";
    if ((r->r.flags & TS_RANGE) && status == 200 && range &&
        (sscanf(range, "bytes=%llu-%llu", &a, &b) == 2 ||
         sscanf(range, "bytes=%llu%1[-]", &a, dash_end) == 2)) {
        size_t len = r->body_len;
        char cr[96];
        if (a >= len) {
            snprintf(cr, sizeof cr, "bytes */%zu", len);
            return reply(conn, 416, "", 0, true, hdrs, "Content-Range", cr, enc, coding,
                         (char *)NULL);
        }
        if (dash_end[0] || b >= len) b = len - 1;
        if (b < a) return reply_text(conn, 416, "bad range");
        snprintf(cr, sizeof cr, "bytes %llu-%llu/%zu", a, b, len);
        return reply(conn, 206, r->body + a, (size_t)(b - a + 1), false, hdrs, "Content-Range",
                     cr, enc, coding, (char *)NULL);
    }
    return reply(conn, status, r->body, r->body_len, false, hdrs, enc, coding, (char *)NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **state) {
    (void)version;
    (void)upload_data;
    (void)state;
    testserver *ts = cls;
    log_request(ts, conn, method, url);
    *upload_size = 0;   /* any request body is ignored */
    route *r = find_route(ts, url);
    if (!r) return reply_text(conn, 404, "not found");
    unsigned fl = r->r.flags;

    if (fl & TS_HANG) {
        /* In slices, so that stopping the server does not wait for it. */
        for (long waited = 0; waited < r->r.hang_ms && !ts->stopping; waited += 10)
            usleep(10000);
        if (ts->stopping) return MHD_NO;
    }
    if (fl & TS_RESET) return MHD_NO;   /* MHD closes the socket unanswered */
    if ((fl & TS_NO_HEAD) && !strcmp(method, "HEAD"))
        return reply(conn, 405, "", 0, true, NULL, "Allow", "GET", (char *)NULL);
    if (fl & TS_THROTTLE) {
        pthread_mutex_lock(&ts->lock);
        bool throttle = r->served < r->r.count;
        r->served++;
        pthread_mutex_unlock(&ts->lock);
        if (throttle) {
            unsigned st = r->r.throttle_status ? (unsigned)r->r.throttle_status : 429;
            return reply(conn, st, "slow down", 9, false, NULL,
                         r->retry_after ? "Retry-After" : NULL, r->retry_after, (char *)NULL);
        }
    }
    const char *rest = url + strlen(r->path);
    char to[1024];
    if (fl & TS_REDIRECT_LOOP) {
        snprintf(to, sizeof to, "%s%s", r->path, rest[0] ? "" : "/again");
        return redirect(conn, r, to);
    }
    if (fl & TS_REDIRECT_CHAIN) {
        int hop = rest[0] == '/' ? atoi(rest + 1) : 0;
        if (hop < r->r.count) {
            snprintf(to, sizeof to, "%s/%d", r->path, hop + 1);
            return redirect(conn, r, to);
        }
        bool is3xx = r->r.status >= 300 && r->r.status < 400;
        return serve_body(conn, r, r->r.status && !is3xx ? (unsigned)r->r.status : 200);
    }
    if (fl & TS_TRAP) return serve_trap(conn, r, url);
    if (fl & TS_DIR) return serve_file(conn, r, url);
    return serve_body(conn, r, r->r.status ? (unsigned)r->r.status : 200);
}

testserver *testserver_start(const testserver_route *routes, size_t n) {
    testserver *ts = calloc(1, sizeof *ts);
    if (!ts) return NULL;
    pthread_mutex_init(&ts->lock, NULL);
    ts->routes = calloc(n ? n : 1, sizeof *ts->routes);
    if (!ts->routes) {
        testserver_stop(ts);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        ts->nroutes++;
        if (!copy_route(&ts->routes[i], &routes[i])) {
            fprintf(stderr, "testserver: cannot set up route %s\n", routes[i].path);
            testserver_stop(ts);
            return NULL;
        }
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = 0;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ts->d = MHD_start_daemon(
        MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
        NULL, on_request, ts, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)512, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
        MHD_OPTION_END);
    if (!ts->d) {
        fprintf(stderr, "testserver: MHD_start_daemon failed\n");
        testserver_stop(ts);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(ts->d, MHD_DAEMON_INFO_BIND_PORT);
    ts->port = info ? info->port : 0;
    if (!ts->port) {
        fprintf(stderr, "testserver: no port\n");
        testserver_stop(ts);
        return NULL;
    }
    return ts;
}

void testserver_stop(testserver *ts) {
    if (!ts) return;
    ts->stopping = 1;
    if (ts->d) MHD_stop_daemon(ts->d);
    for (size_t i = 0; i < ts->nroutes; i++) free_route(&ts->routes[i]);
    free(ts->routes);
    free(ts->log);
    for (size_t i = 0; i < ts->nurls; i++) free(ts->urls[i]);
    free(ts->urls);
    pthread_mutex_destroy(&ts->lock);
    free(ts);
}

int testserver_port(const testserver *ts) { return ts->port; }

const char *testserver_url_host(testserver *ts, const char *host, const char *path) {
    size_t len = strlen(host) + strlen(path) + 32;
    char *s = malloc(len);
    if (!s) return NULL;
    snprintf(s, len, "http://%s:%d%s", host, ts->port, path);
    pthread_mutex_lock(&ts->lock);
    if (ts->nurls == ts->capurls) {
        size_t cap = ts->capurls ? ts->capurls * 2 : 16;
        char **p = realloc(ts->urls, cap * sizeof *p);
        if (p) {
            ts->urls = p;
            ts->capurls = cap;
        }
    }
    if (ts->nurls < ts->capurls) {
        ts->urls[ts->nurls++] = s;
    } else {
        free(s);
        s = NULL;
    }
    pthread_mutex_unlock(&ts->lock);
    return s;
}

const char *testserver_url(testserver *ts, const char *path) {
    return testserver_url_host(ts, "127.0.0.1", path);
}

size_t testserver_log_count(testserver *ts) {
    pthread_mutex_lock(&ts->lock);
    size_t n = ts->nlog;
    pthread_mutex_unlock(&ts->lock);
    return n;
}

bool testserver_log_get(testserver *ts, size_t i, testserver_request *out) {
    pthread_mutex_lock(&ts->lock);
    bool ok = i < ts->nlog;
    if (ok) *out = ts->log[i];
    pthread_mutex_unlock(&ts->lock);
    return ok;
}

size_t testserver_hits(testserver *ts, const char *method, const char *path) {
    size_t n = 0;
    pthread_mutex_lock(&ts->lock);
    for (size_t i = 0; i < ts->nlog; i++)
        if ((!method || !strcmp(ts->log[i].method, method)) && !strcmp(ts->log[i].path, path))
            n++;
    pthread_mutex_unlock(&ts->lock);
    return n;
}

void testserver_log_clear(testserver *ts) {
    pthread_mutex_lock(&ts->lock);
    ts->nlog = 0;
    pthread_mutex_unlock(&ts->lock);
}

int testserver_closed_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
        port = ntohs(sa.sin_port);
    close(fd);
    return port;
}
