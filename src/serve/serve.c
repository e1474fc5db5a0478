/* serve — static files per Host header on 127.0.0.1 (see serve.h). */
#include "serve/serve.h"

#include "core/lang.h"
#include "core/sbuf.h"
#include "core/textenc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

struct serve_server {
    struct MHD_Daemon *d;
    char *root;             /* realpath of the root folder */
    size_t root_len;
    atomic_ulong requests;
};

/* ---- answers ---- */

static enum MHD_Result serve_reply(struct MHD_Connection *conn, unsigned status, const char *text,
                                   const char *location) {
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    if (location) MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result rc = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result serve_not_found(struct MHD_Connection *conn) {
    return serve_reply(conn, MHD_HTTP_NOT_FOUND, "404 not found\n", NULL);
}

/* ---- request checks ---- */

/* The Host header without its port, lower-cased, into out; false when it is
 * not a plain host name (letters, digits, '-', '_', '.'; no empty label). */
static bool serve_host(const char *h, char *out, size_t outsz) {
    if (!h) return false;
    size_t n = strlen(h);
    const char *colon = strrchr(h, ':');
    if (colon) {
        for (const char *p = colon + 1; *p; p++)
            if (!isdigit((unsigned char)*p)) return false;
        n = (size_t)(colon - h);
    }
    if (n == 0 || n >= outsz || n > 253 || h[0] == '.' || h[n - 1] == '.') return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)h[i];
        if (!(isalnum(c) || c == '-' || c == '_' || c == '.')) return false;
        if (c == '.' && h[i + 1] == '.') return false;
        out[i] = (char)tolower(c);
    }
    out[n] = '\0';
    return true;
}

/* An absolute, already decoded path with no "." or ".." segment, no
 * backslash and no control byte. */
static bool serve_path_ok(const char *path) {
    if (path[0] != '/') return false;
    for (const char *p = path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\') return false;
    for (const char *seg = path + 1;; ) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) return false;
        if (!end) return true;
        seg = end + 1;
    }
}

/* ---- content types ---- */

typedef struct serve_type {
    const char *ext, *type;
    bool text;  /* gets a charset */
} serve_type;

static const serve_type serve_types[] = {
    {"html", "text/html", true},          {"htm", "text/html", true},
    {"shtml", "text/html", true},         {"css", "text/css", true},
    {"js", "text/javascript", true},      {"json", "application/json", true},
    {"xml", "application/xml", true},     {"rss", "application/rss+xml", true},
    {"atom", "application/atom+xml", true}, {"txt", "text/plain", true},
    {"csv", "text/csv", true},            {"png", "image/png", false},
    {"jpg", "image/jpeg", false},         {"jpeg", "image/jpeg", false},
    {"gif", "image/gif", false},          {"ico", "image/x-icon", false},
    {"svg", "image/svg+xml", false},      {"webp", "image/webp", false},
    {"pdf", "application/pdf", false},    {"doc", "application/msword", false},
    {"xls", "application/vnd.ms-excel", false},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", false},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false},
    {"zip", "application/zip", false},    {"rar", "application/vnd.rar", false},
    {"wps", "application/vnd.ms-works", false},
};

static const serve_type *serve_type_of(const char *path) {
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof serve_types / sizeof serve_types[0]; i++)
            if (strcasecmp(dot + 1, serve_types[i].ext) == 0) return &serve_types[i];
    return NULL;
}

/* The charset a text file is served with: utf-8 when its first 64 KiB are
 * UTF-8 (a cut character at the end is forgiven), else what it declares
 * ("charset=" in its first KiB), else gb18030. */
static void serve_charset(int fd, char *out, size_t outsz) {
    char buf[65536];
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    if (n < 0) n = 0;
    size_t bad = 0;
    if (utf8_valid(buf, (size_t)n, &bad) || ((size_t)n == sizeof buf && bad + 4 > (size_t)n)) {
        snprintf(out, outsz, "utf-8");
        return;
    }
    size_t scan = (size_t)n < 1024 ? (size_t)n : 1024;
    for (size_t i = 0; i + 8 < scan; i++) {
        if (strncasecmp(buf + i, "charset=", 8) != 0) continue;
        size_t k = i + 8, o = 0;
        while (k < scan && (buf[k] == '"' || buf[k] == '\'')) k++;
        while (k < scan && o + 1 < outsz &&
               (isalnum((unsigned char)buf[k]) || buf[k] == '-' || buf[k] == '_'))
            out[o++] = (char)tolower((unsigned char)buf[k++]);
        out[o] = '\0';
        if (o) return;
    }
    snprintf(out, outsz, "gb18030");
}

/* ---- files ---- */

/* "/a b/" -> "/a%20b/": a Location header from a decoded path. */
static void serve_encode_path(sbuf *b, const char *path) {
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (isalnum(*p) || strchr("/-._~", *p)) sbuf_putc(b, (char)*p);
        else sbuf_printf(b, "%%%02X", *p);
    }
}

static enum MHD_Result serve_file(serve_server *s, struct MHD_Connection *conn, const char *host,
                                  const char *path) {
    sbuf want = SBUF_INIT;
    sbuf_printf(&want, "%s/%s%s", s->root, host, path);
    if (path[strlen(path) - 1] == '/') sbuf_puts(&want, "index.html");
    if (want.oom) {
        sbuf_free(&want);
        return MHD_NO;
    }
    /* realpath() follows every symbolic link; what it names must still be
     * under the root (the root itself is a folder, never a file). */
    char real[PATH_MAX];
    bool inside = realpath(sbuf_str(&want), real) && strncmp(real, s->root, s->root_len) == 0 &&
                  real[s->root_len] == '/';
    sbuf_free(&want);
    if (!inside) return serve_not_found(conn);
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) close(fd);
        return serve_not_found(conn);
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        sbuf loc = SBUF_INIT;
        serve_encode_path(&loc, path);
        sbuf_putc(&loc, '/');
        enum MHD_Result rc = loc.oom ? MHD_NO
                                     : serve_reply(conn, MHD_HTTP_MOVED_PERMANENTLY, "moved\n", sbuf_str(&loc));
        sbuf_free(&loc);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return serve_not_found(conn);
    }
    if ((long long)st.st_size > SERVE_MAX_FILE) {
        close(fd);
        return serve_reply(conn, MHD_HTTP_FORBIDDEN, "403 file too large\n", NULL);
    }
    const serve_type *t = serve_type_of(real);
    char ctype[160];
    if (t && t->text) {
        char cs[40];
        serve_charset(fd, cs, sizeof cs);
        snprintf(ctype, sizeof ctype, "%s; charset=%s", t->type, cs);
    } else {
        snprintf(ctype, sizeof ctype, "%s", t ? t->type : "application/octet-stream");
    }
    /* The response owns fd from here; MHD sends no body for HEAD. */
    struct MHD_Response *r = MHD_create_response_from_fd((size_t)st.st_size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    enum MHD_Result rc = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result serve_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                        const char *method, const char *version,
                                        const char *upload_data, size_t *upload_size, void **state) {
    (void)version;
    (void)upload_data;
    serve_server *s = cls;
    /* A request with a body (a 留言 form posted by someone) is answered
     * once all of it has been read and ignored. */
    if (!*state) {
        *state = s;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    atomic_fetch_add(&s->requests, 1);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return serve_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "405 method not allowed\n", NULL);
    char host[256];
    if (!serve_host(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST), host,
                    sizeof host))
        return serve_reply(conn, MHD_HTTP_BAD_REQUEST, "400 bad host\n", NULL);
    if (!serve_path_ok(url)) return serve_reply(conn, MHD_HTTP_BAD_REQUEST, "400 bad path\n", NULL);
    return serve_file(s, conn, host, url);
}

/* ---- life cycle ---- */

serve_server *serve_start(const char *root_dir, int *port, err *e) {
    char real[PATH_MAX];
    struct stat st;
    if (!realpath(root_dir, real) || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
        err_set(e, ERR_IO, "%s: %s", root_dir, L("not a folder", "不是文件夹"));
        return NULL;
    }
    serve_server *s = calloc(1, sizeof *s);
    if (!s || !(s->root = strdup(real))) {
        free(s);
        err_set(e, ERR_NOMEM, "%s", L("out of memory", "内存不足"));
        return NULL;
    }
    s->root_len = strlen(s->root);
    atomic_init(&s->requests, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);   /* port 0: the kernel picks */
    s->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, serve_on_request, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)4,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                            MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)256, MHD_OPTION_END);
    const union MHD_DaemonInfo *info = s->d ? MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!info || !info->port) {
        err_set(e, ERR_IO, "%s", L("cannot start the local web server on 127.0.0.1",
                                   "无法在 127.0.0.1 上启动本地网站服务"));
        serve_stop(s);
        return NULL;
    }
    *port = info->port;
    return s;
}

void serve_stop(serve_server *s) {
    if (!s) return;
    if (s->d) MHD_stop_daemon(s->d);
    free(s->root);
    free(s);
}

unsigned long serve_requests(const serve_server *s) {
    return atomic_load(&((serve_server *)s)->requests);
}
