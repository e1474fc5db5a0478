/* testserver — a fixture HTTP server on 127.0.0.1 for tests.
 *
 * A test describes routes (a path, a status, headers, a body and flags for
 * the misbehaviour it needs), starts the server on a port the kernel picks,
 * talks to it through testserver_url(), and reads back what arrived from the
 * request log. libmicrohttpd runs one thread per connection, so a route that
 * hangs delays only its own connection, and stopping interrupts the hang.
 * Nothing here touches the network beyond 127.0.0.1.
 *
 * Ownership: the server copies the routes (strings, headers, bodies) at
 * start; strings it returns belong to it and live until testserver_stop.
 */
#ifndef GI_TESTS_TESTSERVER_H
#define GI_TESTS_TESTSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    TS_PREFIX = 1u << 0,         /* also matches PATH/anything */
    TS_HANG = 1u << 1,           /* wait hang_ms before answering */
    TS_NO_HEAD = 1u << 2,        /* HEAD gets 405 (as many real servers do) */
    TS_THROTTLE = 1u << 3,       /* the first `count` requests get
                                    throttle_status (0: 429) with Retry-After:
                                    retry_after (NULL: no header) */
    TS_RESET = 1u << 4,          /* close the connection without answering */
    TS_GZIP = 1u << 5,           /* body gzip-compressed at start, sent with
                                    Content-Encoding: gzip */
    TS_REDIRECT_LOOP = 1u << 6,  /* PATH -> PATH/again -> PATH -> ... */
    TS_REDIRECT_CHAIN = 1u << 7, /* PATH -> PATH/1 -> ... -> PATH/count, which
                                    answers with status, headers and body */
    TS_TRAP = 1u << 8,           /* PATH/YYYY/MM/ calendar pages, each linking
                                    the next and previous month, forever */
    TS_RANGE = 1u << 9,          /* honour "Range: bytes=A-B" with 206/416;
                                    without it Range is ignored (200) */
    TS_DIR = 1u << 10,           /* PATH/REST serves the file dir/REST */
    TS_TRUNCATE = 1u << 11,      /* announce the whole body, send half of it,
                                    then close the connection */
    TS_DEFLATE = 1u << 12,       /* like TS_GZIP, zlib format (RFC 1950),
                                    Content-Encoding: deflate */
    TS_BROTLI = 1u << 13,        /* like TS_GZIP, brotli, Content-Encoding: br */
};

typedef struct testserver_route {
    const char *path;            /* "/page"; exact unless TS_PREFIX (implied by
                                    the redirect, trap and dir flags) */
    int status;                  /* 0: 200; for redirects a 3xx here is the
                                    hop status (else 302) and the end of a
                                    chain answers 200 */
    const char *const *headers;  /* NULL-terminated "Name: value" lines */
    const void *body;            /* NULL: empty */
    size_t body_len;             /* 0: strlen(body) */
    unsigned flags;
    long hang_ms;                /* TS_HANG */
    int count;                   /* TS_THROTTLE: answers throttled;
                                    TS_REDIRECT_CHAIN: hops */
    const char *retry_after;     /* TS_THROTTLE */
    int throttle_status;         /* TS_THROTTLE: 0: 429 */
    const char *dir;             /* TS_DIR */
} testserver_route;

/* One request as it arrived. Header fields are "" when absent, cut when
 * longer than the field. */
typedef struct testserver_request {
    char method[16];
    char path[512];              /* without the query */
    char host[256];
    char range[128];
    char user_agent[256];
    char accept_encoding[128];
    int64_t at_ms;               /* testserver_now_ms() on arrival */
} testserver_request;

typedef struct testserver testserver;

/* Starts on 127.0.0.1 at a free port; NULL on failure (a message on stderr).
 * A path no route matches gets 404. */
testserver *testserver_start(const testserver_route *routes, size_t n);
/* Stops (interrupting hanging routes) and frees; NULL is fine. */
void testserver_stop(testserver *ts);

int testserver_port(const testserver *ts);
/* "http://127.0.0.1:PORT" + path; owned by the server. */
const char *testserver_url(testserver *ts, const char *path);
/* "http://HOST:PORT" + path, for requests that a --resolve entry sends here. */
const char *testserver_url_host(testserver *ts, const char *host, const char *path);

/* The request log, oldest first. */
size_t testserver_log_count(testserver *ts);
bool testserver_log_get(testserver *ts, size_t i, testserver_request *out);
/* Requests with this method (NULL: any) and exact path. */
size_t testserver_hits(testserver *ts, const char *method, const char *path);
void testserver_log_clear(testserver *ts);

/* CLOCK_MONOTONIC in ms: the clock of testserver_request.at_ms. */
int64_t testserver_now_ms(void);

/* A port on 127.0.0.1 where nothing listens (bound, read, closed), for
 * "connection refused"; -1 on failure. */
int testserver_closed_port(void);

#endif
