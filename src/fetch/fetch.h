/* fetch — many HTTP transfers at once, politely, over libcurl's multi API.
 *
 * One fetch_client drives all transfers of a crawl from one thread: requests
 * are queued with fetch_submit() and started as the limits allow (total
 * concurrency, connections per host, a politeness delay between requests to
 * the same host); fetch_run() turns the multi loop until the queue is empty
 * and calls each request's callback with its result. Callbacks may submit
 * more requests (the crawl frontier does).
 *
 * Work of the caller's own on other threads (the crawler parses pages in a
 * pool of workers) joins the loop through two calls: fetch_set_poll()
 * installs a hook that fetch_run() calls on its thread at every turn, where
 * the caller takes back finished work and may submit requests; while the
 * hook says work is still pending, fetch_run() keeps going (sleeping in the
 * multi poll) even with nothing queued or running. fetch_wakeup(), the one
 * call other threads may make, ends that sleep so the hook runs soon.
 * Everything else — submit, callbacks, the hook — stays on the one thread.
 *
 * What it takes care of, so no caller has to:
 *  - limits: connect/total/low-speed timeouts, a cap on the (decompressed)
 *    body — a transfer that exceeds it is cut and marked truncated —,
 *    a redirect limit with loop detection (the same URL twice in a chain);
 *  - transient failures: retries with exponential backoff on timeouts,
 *    resets and 502/504; 429 and 503 honour Retry-After (capped) and slow
 *    that host down for the rest of the run instead of reporting the URL;
 *  - link checks (FETCH_CHECK): HEAD first, then a ranged GET with the body
 *    discarded when HEAD fails or answers 403/405/501, since many servers
 *    refuse HEAD and a false "broken" is the worst thing a checker can say;
 *  - HTTP/1.1 and HTTP/2 (over TLS, by ALPN; the version of each response
 *    is in the result and in the -v log), gzip/deflate/br, keep-alive,
 *    TLS always verified (an extra CA file for intranets), proxies from the
 *    environment or the config, --resolve and --connect-to entries with
 *    curl's meaning (connect-to keeps the URL's host in the Host header and
 *    never looks a numeric connect host up: the demo serves its world so).
 *
 * Time: results carry the wall-clock time of the response (fetched_at) and
 * the elapsed time; nothing else here reads the clock for decisions except
 * the scheduling delays.
 *
 * Ownership: strings in a fetch_result belong to the client and are valid
 * during the callback only; copy what you keep.
 */
#ifndef GI_FETCH_FETCH_H
#define GI_FETCH_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct fetch_config {
    const char *user_agent;     /* NULL: "govinspect/VERSION (+government website inspection)" */
    long connect_timeout_ms;    /* 0: 10 s */
    long total_timeout_ms;      /* 0: 30 s */
    long low_speed_bytes;       /* abort below this rate ... (0: 100 B/s) */
    long low_speed_seconds;     /* ... for this long (0: 15 s) */
    size_t max_body_bytes;      /* 0: 10 MiB (after decompression) */
    int max_redirects;          /* 0: 10 */
    int max_total;              /* concurrent transfers, 0: 32 */
    int max_per_host;           /* concurrent transfers per host, 0: 2 */
    long host_delay_ms;         /* between request starts on one host; <0: none, 0: 250 ms */
    int retries;                /* on transient errors, 0: 2; <0: none */
    long retry_base_ms;         /* first backoff, doubled each time; 0: 1000 */
    long max_retry_after_ms;    /* cap on an honoured Retry-After; 0: 120 s */
    const char *const *resolve; /* NULL-terminated "HOST:PORT:ADDR" entries */
    const char *const *connect_to; /* NULL-terminated "HOST:PORT:CONNECT-HOST:CONNECT-PORT"
                                      entries (CURLOPT_CONNECT_TO; an empty HOST or PORT
                                      matches any, an empty CONNECT part keeps the URL's) */
    const char *proxy;          /* NULL: curl's environment variables */
    const char *ca_file;        /* PEM certificates trusted for TLS besides the
                                   system's store (an intranet's own CA); NULL:
                                   the system's store alone. Verification is
                                   never turned off. fetch_new fails when the
                                   file cannot be read. */
} fetch_config;

typedef enum {
    FETCH_GET,     /* a page: body kept (up to the cap) */
    FETCH_CHECK,   /* a link: HEAD, then ranged GET on refusal; no body kept
                      unless keep_small_body (soft-404 detection) */
} fetch_method;

typedef enum {
    FETCH_OK = 0,        /* a response arrived (any HTTP status) */
    FETCH_ERR_DNS,
    FETCH_ERR_CONNECT,   /* refused, unreachable */
    FETCH_ERR_RESET,     /* connection reset or closed early */
    FETCH_ERR_TLS,
    FETCH_ERR_TIMEOUT,
    FETCH_ERR_REDIRECT_LOOP,
    FETCH_ERR_TOO_MANY_REDIRECTS,
    FETCH_ERR_TOO_LARGE, /* body over the cap (result still has the prefix) */
    FETCH_ERR_OTHER,
} fetch_error;

typedef struct fetch_request {
    const char *url;       /* absolute; copied by fetch_submit */
    fetch_method method;
    size_t keep_small_body;/* FETCH_CHECK: keep at most this many bytes;
                              when set, HEAD is skipped (it has no body) and
                              the check starts with the ranged GET */
    void *ud;              /* caller's, handed back */
    const char *post_body; /* FETCH_GET only, NULL: GET. Otherwise sent as a
                              POST (application/x-www-form-urlencoded, as a
                              site's search form posts); copied by
                              fetch_submit. A redirect continues with GET, as
                              browsers do after a POST. */
} fetch_request;

typedef struct fetch_result {
    const char *url;          /* as requested */
    const char *final_url;    /* after redirects */
    int redirects;
    long status;              /* HTTP status of the final response; 0 when none */
    fetch_error error;
    const char *error_text;   /* "" when FETCH_OK; else curl's words or ours */
    const char *content_type; /* "" when absent; without parameters, lower case */
    const char *charset;      /* from Content-Type, lower case, "" when absent */
    const char *body;         /* NUL-terminated; NULL for FETCH_CHECK without
                                 keep_small_body and for errors but TOO_LARGE */
    size_t body_len;
    bool truncated;           /* the server sent more than body holds */
    const char *method_used;  /* "GET", "HEAD", "GET-RANGE" */
    const char *http_version; /* of the final response: "1.0", "1.1", "2",
                                 "3"; "" when none arrived */
    int attempts;             /* 1 + retries made, of method_used on final_url */
    int64_t fetched_at_ms;    /* Unix time of the response, ms */
    long elapsed_ms;          /* from the first transfer's start: redirects,
                                 retries and their waits included */
} fetch_result;

typedef struct fetch_client fetch_client;
typedef void (*fetch_done_fn)(const fetch_request *req, const fetch_result *res, void *ud);

fetch_client *fetch_new(const fetch_config *cfg, err *e);
/* Queues a request; `done` is called from fetch_run(). Fails with ERR_INPUT
 * when the URL is not an absolute http(s) URL. */
bool fetch_submit(fetch_client *c, const fetch_request *req, fetch_done_fn done, err *e);
/* Runs until no request is queued or running, or fetch_stop() was called.
 * Returns false only on an internal failure of the multi loop. */
bool fetch_run(fetch_client *c, err *e);
/* Async-signal-safe: asks fetch_run() to finish the running transfers'
 * callbacks with FETCH_ERR_OTHER "stopped" and return soon. Queued requests
 * are answered the same way, so every submitted request gets exactly one
 * callback; fetch_submit() fails from then on. */
void fetch_stop(fetch_client *c);
/* The hook described above: `poll(ud)` runs on fetch_run()'s thread at
 * every turn of its loop (not after fetch_stop()); it may submit requests
 * and returns true while the caller still has work pending. NULL removes it. */
void fetch_set_poll(fetch_client *c, bool (*poll)(void *ud), void *ud);
/* Thread-safe and async-signal-safe: wakes fetch_run() from its sleep so
 * that the poll hook runs soon. */
void fetch_wakeup(fetch_client *c);
/* Requests still queued (fetch_run() not called, or failed) are dropped
 * without their callbacks. */
void fetch_free(fetch_client *c);

/* Raises the politeness delay of the host of `url` to at least delay_ms for
 * the rest of the run (robots.txt Crawl-delay); never lowers it. */
bool fetch_host_min_delay(fetch_client *c, const char *url, long delay_ms);

/* True when s is a connect-to entry as fetch_new() accepts it:
 * HOST:PORT:CONNECT-HOST:CONNECT-PORT, hosts as names or [IPv6], ports
 * 1..65535 or empty. */
bool fetch_connect_to_ok(const char *s);

/* True when path is a readable regular file holding a PEM certificate, as
 * fetch_config.ca_file must be (the certificates themselves are curl's to
 * judge); else ERR_INPUT naming the file.
 * Front ends call it to refuse a bad option before any work starts. */
bool fetch_ca_file_ok(const char *path, err *e);

/* A short English/Chinese name of an error class (by the locale, as L()),
 * for evidence. */
const char *fetch_error_name(fetch_error err);

#endif
