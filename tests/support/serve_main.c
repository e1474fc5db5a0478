/* gi_serve — serves a folder on 127.0.0.1 for the integration tests.
 *
 *   gi_serve [--hosts] DIR
 *
 * Starts the fixture server (testserver.h, TS_DIR: "/" is DIR/index.html,
 * a missing file is 404) at a free port — or with --hosts the demo's server
 * (src/serve: DIR/HOST/PATH by the Host header, for worlds of many sites
 * reached through --connect-to; it keeps no request log) — prints the port on stdout (one
 * line, flushed) and runs until SIGTERM, SIGINT or SIGHUP — or, when stdin
 * is a pipe or socket, until it is closed. A script can start it in the
 * background with stdin from /dev/null and kill it by its pid. On the way
 * out it writes the requests it answered to stderr, one "METHOD PATH" line
 * each, oldest first, so a test can tell what was (not) fetched.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve/serve.h"
#include "support/testserver.h"

static volatile sig_atomic_t serve_quit;

static void serve_on_signal(int sig) {
    (void)sig;
    serve_quit = 1;
}

/* True when stdin is a pipe or socket, whose end tells us to stop. */
static bool serve_watch_stdin(void) {
    struct stat st;
    if (fstat(STDIN_FILENO, &st) != 0) return false;
    return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

int main(int argc, char **argv) {
    bool hosts = argc == 3 && strcmp(argv[1], "--hosts") == 0;
    if (hosts) argv++, argc--;
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: gi_serve [--hosts] DIR\n"
                        "Serves DIR on 127.0.0.1 at a free port, prints the port, and runs\n"
                        "until killed (or until stdin, when it is a pipe, is closed).\n");
        return 2;
    }
    struct stat st;
    if (stat(argv[1], &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "gi_serve: %s: not a folder\n", argv[1]);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = serve_on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    testserver_route route = {.path = "/", .flags = TS_DIR, .dir = argv[1]};
    testserver *ts = NULL;
    serve_server *srv = NULL;
    int port = 0;
    err e = {0};
    if (hosts && !(srv = serve_start(argv[1], &port, &e))) {
        fprintf(stderr, "gi_serve: %s\n", e.msg);
        return 1;
    }
    if (!hosts && !(ts = testserver_start(&route, 1))) return 1;
    printf("%d\n", hosts ? port : testserver_port(ts));
    fflush(stdout);

    bool watch = serve_watch_stdin();
    while (!serve_quit) {
        struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
        int n = poll(watch ? &p : NULL, watch ? 1 : 0, 200);
        if (n < 0 && errno != EINTR) break;
        if (n > 0 && watch) {
            char buf[256];
            ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
            if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) break; /* closed */
        }
    }
    testserver_request q;
    for (size_t i = 0; ts && testserver_log_get(ts, i, &q); i++) fprintf(stderr, "%s %s\n", q.method, q.path);
    testserver_stop(ts);
    serve_stop(srv);
    return 0;
}
