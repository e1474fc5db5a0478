/* text_bench — speed of the text engine on the visible text of HTML pages.
 *
 *   text_bench [-n RUNS] [--dict PATH] DATA_DIR FILE.html...
 *
 * Parses the pages once (page_parse, not timed), keeps their visible text
 * blocks, then scans every block RUNS times with the lexicons of
 * DATA_DIR/lexicons: first the lexicons only, then with the statistical
 * detector (when a dictionary is found). Prints the input size, the
 * patterns, the matches and the best throughput of the runs, in MB/s of
 * UTF-8 text (1 MB = 10^6 bytes) per second of CPU time on one core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fileio.h"
#include "page/page.h"
#include "text/text.h"

typedef struct blocks {
    char **s;
    size_t *len;
    size_t n, cap, bytes;
} blocks;

/* CPU time of this thread: the machine is shared, and wall time would
 * count the time other processes held the core. */
static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool count_cb(const text_match *m, void *ud) {
    (void)m;
    (*(size_t *)ud)++;
    return true;
}

static void run(const char *what, const text_engine *t, const blocks *b, int runs, bool stat) {
    double best = 1e30;
    size_t matches = 0;
    text_scan_opts o = {.pub_year = 2024, .pub_month = 1, .pub_day = 1, .statistical = stat};
    for (int r = 0; r < runs; r++) {
        size_t m = 0;
        double t0 = now_s();
        for (size_t i = 0; i < b->n; i++) text_scan(t, b->s[i], b->len[i], &o, count_cb, &m);
        double dt = now_s() - t0;
        if (dt < best) best = dt;
        matches = m;
    }
    printf("%-28s %8.1f MB/s  (%.3f s CPU for %.1f MB, %zu matches)\n", what, (double)b->bytes / best / 1e6,
           best, (double)b->bytes / 1e6, matches);
}

int main(int argc, char **argv) {
    int runs = 3, a = 1;
    const char *dict = NULL;
    while (a < argc && argv[a][0] == '-') {
        if (!strcmp(argv[a], "-n") && a + 1 < argc) runs = atoi(argv[a + 1]), a += 2;
        else if (!strcmp(argv[a], "--dict") && a + 1 < argc) dict = argv[a + 1], a += 2;
        else break;
    }
    if (argc - a < 2) {
        fprintf(stderr, "usage: text_bench [-n RUNS] [--dict PATH] DATA_DIR FILE.html...\n");
        return 2;
    }
    const char *data = argv[a++];
    blocks b = {0};
    for (; a < argc; a++) {
        char *raw;
        size_t len;
        err e = {0};
        if (!file_read_all(argv[a], 64u << 20, &raw, &len, &e)) {
            fprintf(stderr, "%s\n", e.msg);
            continue;
        }
        textenc_result dec = {0};
        page *p = NULL;
        if (page_decode(raw, len, NULL, &dec, &e)) p = page_parse_decoded(&dec, "http://x/", &e);
        for (size_t i = 0; p && i < p->ntexts; i++) {
            if (b.n == b.cap) {
                b.cap = b.cap ? b.cap * 2 : 1024;
                b.s = realloc(b.s, b.cap * sizeof *b.s);
                b.len = realloc(b.len, b.cap * sizeof *b.len);
                if (!b.s || !b.len) return 1;
            }
            b.len[b.n] = strlen(p->texts[i].text);
            b.s[b.n] = strdup(p->texts[i].text);
            b.bytes += b.len[b.n];
            b.n++;
        }
        page_free(p);
        textenc_result_free(&dec);
        free(raw);
    }
    err e = {0};
    double t0 = now_s();
    text_engine *t = text_engine_load_with_dict(data, dict, &e);
    if (!t) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    printf("%zu text blocks, %.1f MB of visible text; %zu patterns; engine loaded in %.2f s\n", b.n,
           (double)b.bytes / 1e6, text_engine_patterns(t), now_s() - t0);
    printf("%s\n", text_engine_stat_note(t));
    run("lexicons (Aho-Corasick)", t, &b, runs, false);
    if (text_engine_stat_available(t)) run("lexicons + statistical", t, &b, runs, true);
    text_engine_free(t);
    for (size_t i = 0; i < b.n; i++) free(b.s[i]);
    free(b.s);
    free(b.len);
    return 0;
}
