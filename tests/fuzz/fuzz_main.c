/* gi_fuzz — a deterministic mutation fuzzer for the parsers that read
 * outside input (tests/fuzz/README.md says how to run it).
 *
 * No coverage feedback and no new dependency: each target reads seed files
 * (the project's test data and, when present, the shared corpus), and every
 * iteration stacks a few mutations on a seed or on a recent mutant — bit
 * flips, interesting bytes, markup and encoding tokens, long runs, NUL
 * bytes, deletions, duplications, truncation, splices of two seeds — and
 * hands the result to the target. The random stream is a fixed-seed
 * xorshift, so a run with the same --seed repeats exactly. Choices a target
 * makes (declared charset, delimiter) are drawn from the input's bytes, so
 * replaying a saved file repeats them too.
 *
 * Findings: a sanitizer report or signal saves the input in progress under
 * --out (sanitizer death callback, signal handler); an input that runs longer
 * than --slow-ms is saved and counted; one that runs longer than
 * --timeout-s is saved and ends the run (a hang); a property a target
 * checks (decoded text is UTF-8, normal URLs are fixed points, CSV fields
 * survive a write and read) is reported as a failure with its input.
 * --regress DIR replays every file of DIR/TARGET/ before fuzzing: the kept inputs of
 * bugs already found.
 *
 * Memory: every buffer is owned by the driver and freed before exit; the
 * library's results are freed by each target, so LeakSanitizer sees a leak
 * in the code under test, not here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/textenc.h"
#include "core/url.h"
#include "crawl/robots.h"
#include "judge/rules.h"
#include "media/feed.h"
#include "page/page.h"
#include "registry/probelog.h"
#include "registry/registry.h"
#include "store/store.h"
#include "text/docx.h"
#include "text/kenlm.h"
#include "text/text.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define FUZZ_SANITIZED 1
/* An allocation of a gigabyte is runaway growth, not a page: ASan reports
 * it with its stack instead of letting the machine swap. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "max_allocation_size_mb=1024"; }
#endif

/* ---- the input in progress (for crash handlers) ------------------------ */

static const unsigned char *cur_data;
static size_t cur_len;
static const char *cur_target = "none";
static char out_dir[1024] = "fuzz-out";

/* Async-signal-safe: writes the current input to OUT/TARGET-KIND.bin. */
static void save_current(const char *kind) {
    char path[1200];
    size_t n = 0;
    const char *parts[] = {out_dir, "/", cur_target, "-", kind, ".bin"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        for (const char *s = parts[i]; *s && n + 1 < sizeof path; s++) path[n++] = *s;
    path[n] = '\0';
    mkdir(out_dir, 0777);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0) return;
    size_t off = 0;
    while (cur_data && off < cur_len) {
        ssize_t w = write(fd, cur_data + off, cur_len - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    close(fd);
    const char msg[] = "gi_fuzz: input in progress saved as ";
    if (write(2, msg, sizeof msg - 1) < 0 || write(2, path, n) < 0) return; /* no stderr: nothing to say */
    if (write(2, "\n", 1) < 0) return;
}

#ifdef FUZZ_SANITIZED
static void on_sanitizer_death(void) { save_current("crash"); }
#endif

static void on_signal(int sig) {
    save_current(sig == SIGALRM ? "hang" : "crash");
    signal(sig, SIG_DFL);
    raise(sig);
}

/* A property a target checks failed: report, save, fail the run. */
static long property_failures;
static void property_fail(const char *what) {
    fprintf(stderr, "gi_fuzz: %s: property failed: %s\n", cur_target, what);
    save_current("property");
    property_failures++;
}

/* ---- random numbers ----------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}
static size_t rnd_below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

/* A choice drawn from the input, so a replay repeats it. */
static size_t pick(const unsigned char *d, size_t n, size_t salt, size_t count) {
    size_t h = salt * 131u + n;
    if (n) h += d[n - 1] * 7u + d[n / 2];
    return h % count;
}

/* ---- byte buffers -------------------------------------------------------- */

typedef struct buf {
    unsigned char *p;
    size_t len, cap;
} buf;

static void buf_reserve(buf *b, size_t need) {
    if (need + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need + 1) cap *= 2;
    unsigned char *p = realloc(b->p, cap);
    if (!p) {
        fprintf(stderr, "gi_fuzz: out of memory\n");
        exit(1);
    }
    b->p = p;
    b->cap = cap;
}
static void buf_set(buf *b, const void *d, size_t n) {
    buf_reserve(b, n);
    if (n) memcpy(b->p, d, n);
    b->len = n;
    b->p[n] = '\0';
}
static void buf_insert(buf *b, size_t at, const void *d, size_t n) {
    buf_reserve(b, b->len + n);
    memmove(b->p + at + n, b->p + at, b->len - at);
    memcpy(b->p + at, d, n);
    b->len += n;
    b->p[b->len] = '\0';
}
static void buf_erase(buf *b, size_t at, size_t n) {
    memmove(b->p + at, b->p + at + n, b->len - at - n);
    b->len -= n;
    b->p[b->len] = '\0';
}

/* ---- seeds ---------------------------------------------------------------- */

typedef struct seeds {
    buf *v;
    size_t n, cap;
} seeds;

#define SEED_MAX_BYTES (2u << 20)
#define SEEDS_MAX 400

static void seeds_add(seeds *s, const void *d, size_t n) {
    if (s->n == SEEDS_MAX) return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        buf *v = realloc(s->v, s->cap * sizeof *v);
        if (!v) exit(1);
        s->v = v;
    }
    s->v[s->n] = (buf){0};
    buf_set(&s->v[s->n++], d, n);
}

/* A file, or the files under a folder down to depth more levels, in name
 * order for a deterministic run. */
static void seeds_add_path(seeds *s, const char *path, int depth) {
    struct stat st;
    if (stat(path, &st) != 0) return;
    if (S_ISREG(st.st_mode)) {
        char *data;
        size_t len;
        err e;
        if (file_read_all(path, SEED_MAX_BYTES, &data, &len, &e)) {
            seeds_add(s, data, len);
            free(data);
        }
        return;
    }
    struct dirent **names;
    int k = S_ISDIR(st.st_mode) && depth >= 0 ? scandir(path, &names, NULL, alphasort) : -1;
    for (int i = 0; i < k; i++) {
        char child[2048];
        if (names[i]->d_name[0] != '.' &&
            (size_t)snprintf(child, sizeof child, "%s/%s", path, names[i]->d_name) < sizeof child)
            seeds_add_path(s, child, depth - 1);
        free(names[i]);
    }
    if (k >= 0) free(names);
}

static void seeds_free(seeds *s) {
    for (size_t i = 0; i < s->n; i++) free(s->v[i].p);
    free(s->v);
    *s = (seeds){0};
}

/* ---- mutation --------------------------------------------------------------- */

/* Tokens that break parsers: markup, entities, encodings, CSV, YAML, URLs,
 * robots.txt and JSON syntax. */
static const char *const tokens[] = {
    "<", ">", "</a>", "<a href=\"", "<!--", "-->", "<script>", "</script>", "<style>", "</style>",
    "&#x", "&#", "&#xD800;", "&#1114112;", "&amp", "&nbsp;", "\xff", "\xfe", "\"", "'", "\r\n", "\r",
    "\n", "\t", "\xef\xbb\xbf", "\xff\xfe", "\xfe\xff", "%", "%25", "%ff", "%E4%B8", "\\", "\xe4\xb8",
    "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xb9\xfa", "\x81\x30\x81\x30", "<div>", "</div>",
    "<li>", "<td>", "<table>", "<p>", "<meta charset=\"gbk\">",
    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">",
    "<meta name=\"SiteIDCode\" content=\"", "<base href=\"", "<form action=\"", "<input type=\"",
    "<textarea>", "<iframe src=\"", "<title>", "display:none", "font-size:0", "hidden",
    "document.write('<a href=\\\"", "unescape('%3Ca", "2020-08-10", "2020年8月10日", "[08-10]",
    "<![CDATA[", "]]>", "<!DOCTYPE html>", "<!ENTITY x \"y\">", "<?xml version=\"1.0\" encoding=\"gbk\"?>",
    "<?xml version=\"1.0\" encoding=\"utf-16\"?>", "<rss>", "<item>", "<entry>", "<pubDate>",
    "Tue Jun 08 09:35:04 +0800 2021", "{", "}", "[", "]", ":", ",", "\"_gov\":{", "\"items\":[",
    "\"created_at\":", "null", "1e999", "-9223372036854775809", "99999999999999999999", "-1", "0",
    "*", "$", "Disallow: ", "Allow: ", "User-agent: ", "User-agent: govinspect\n", "Crawl-delay: ",
    "Crawl-delay: 1e308\n", "http://", "https://", "//", "../", "./", "?", "#", "@", "[::1]", "[",
    ":65536", "xn--", "xn--zfr164b", ".gov.cn", "&", "=", "- ", "  ", "&anchor ", "*anchor", "!!binary ",
    "---\n", "...\n", "{op: \">=\", value: 5}", "indicators:\n", "  ", ",,,,", "\"\"", "\"a\"\"b\"",
    "网站标识码", "6108000039", "bm61000001", "微信", "\xe3\x80\x80", "\xc2\xa0",
};

static size_t max_len = 1u << 20;

/* One mutation of b; `other` is another seed for splices. */
static void mutate_once(buf *b, const buf *other) {
    size_t len = b->len;
    switch (rnd_below(12)) {
    case 0: /* flip a bit */
        if (len) b->p[rnd_below(len)] ^= (unsigned char)(1u << rnd_below(8));
        break;
    case 1: { /* an interesting byte */
        static const unsigned char bytes[] = {0, 0xff, 0x7f, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, '<',
                                              '>', '"', '\'', '&', '\n', '\r', ';', '%', '/'};
        if (len) b->p[rnd_below(len)] = bytes[rnd_below(sizeof bytes)];
        break;
    }
    case 2:
    case 3: { /* a token */
        const char *t = tokens[rnd_below(sizeof tokens / sizeof tokens[0])];
        buf_insert(b, rnd_below(len + 1), t, strlen(t));
        break;
    }
    case 4: /* delete a range */
        if (len) {
            size_t at = rnd_below(len), n = 1 + rnd_below(rnd_below(2) ? 8 : len - at);
            if (n > len - at) n = len - at;
            buf_erase(b, at, n);
        }
        break;
    case 5: /* duplicate a range */
        if (len) {
            size_t at = rnd_below(len), n = 1 + rnd_below(len - at < 4096 ? len - at : 4096);
            unsigned char *tmp = malloc(n);
            if (!tmp) exit(1);
            memcpy(tmp, b->p + at, n);
            buf_insert(b, rnd_below(len + 1), tmp, n);
            free(tmp);
        }
        break;
    case 6: { /* a long run of one token or byte */
        const char *t = rnd_below(3) ? tokens[rnd_below(sizeof tokens / sizeof tokens[0])] : "a";
        size_t tl = strlen(t), reps = 1 + rnd_below(rnd_below(4) ? 100 : 20000);
        if (tl * reps > max_len) reps = max_len / (tl ? tl : 1);
        size_t at = rnd_below(len + 1);
        buf run = {0};
        buf_reserve(&run, tl * reps);
        for (size_t i = 0; i < reps; i++) memcpy(run.p + i * tl, t, tl);
        buf_insert(b, at, run.p, tl * reps);
        free(run.p);
        break;
    }
    case 7: /* truncate */
        if (len) {
            size_t at = rnd_below(len);
            buf_erase(b, at, len - at);
        }
        break;
    case 8: { /* NUL bytes */
        static const unsigned char z[4] = {0};
        buf_insert(b, rnd_below(len + 1), z, 1 + rnd_below(4));
        break;
    }
    case 9: /* splice: a prefix of this and a suffix of the other */
        if (other && other->len) {
            size_t cut = rnd_below(len + 1), from = rnd_below(other->len);
            b->len = cut;
            buf_insert(b, cut, other->p + from, other->len - from);
        }
        break;
    case 10: /* a chunk of the other seed inside this one */
        if (other && other->len) {
            size_t from = rnd_below(other->len), n = 1 + rnd_below(other->len - from);
            if (n > 8192) n = 8192;
            buf_insert(b, rnd_below(len + 1), other->p + from, n);
        }
        break;
    default: { /* a number at the edge */
        static const char *const nums[] = {"0", "-0", "4294967296", "2147483648", "-2147483649",
                                           "18446744073709551616", "1e-400", "NaN", "inf", "0x7f",
                                           "00000000000000000001", "9999-99-99", "2020-02-30"};
        const char *t = nums[rnd_below(sizeof nums / sizeof nums[0])];
        buf_insert(b, rnd_below(len + 1), t, strlen(t));
        break;
    }
    }
    if (b->len > max_len) buf_erase(b, max_len, b->len - max_len);
}

/* ---- targets ------------------------------------------------------------------ */

static const char *const charsets[] = {NULL,        "utf-8",  "gb2312",    "gbk",
                                       "iso-8859-1", "utf-16le", "utf-16",  "shift_jis",
                                       "big5",       "x-no-such-charset", "windows-1252", ""};
#define NCHARSETS (sizeof charsets / sizeof charsets[0])

static long target_errors; /* inputs the target refused with a message */

static void check_utf8(const textenc_result *t) {
    size_t bad;
    if (!utf8_valid(t->text, t->len, &bad)) property_fail("textenc result is not UTF-8");
    if (t->text[t->len] != '\0') property_fail("textenc result is not NUL-terminated");
}

static void run_page(const unsigned char *d, size_t n) {
    const char *url = "http://www.example.gov.cn/a/b/index.html";
    textenc_result t;
    err e;
    if (!page_decode((const char *)d, n, charsets[pick(d, n, 1, NCHARSETS)], &t, &e)) {
        target_errors++;
        return;
    }
    check_utf8(&t);
    page *p = page_parse_decoded(&t, url, &e);
    if (p) {
        int line, col;
        for (size_t i = 0; i < p->nlinks; i++) {
            if (p->links[i].offset > p->html_len) property_fail("link offset past the page");
            if (p->links[i].kind == URL_HTTP && !p->links[i].url) property_fail("http link without url");
        }
        for (size_t i = 0; i < p->ntexts; i++)
            if (p->texts[i].offset > p->html_len) property_fail("text offset past the page");
        page_line_col(p, p->html_len, &line, &col);
        if (p->nlinks) page_line_col(p, p->links[p->nlinks - 1].offset, &line, &col);
        page_meta_get(p, "SiteIDCode");
        page_free(p);
    } else {
        target_errors++;
    }
    /* The undecoded path: raw bytes, NULs and invalid UTF-8 included. */
    p = page_parse((const char *)d, n, url, "UTF-8", &e);
    if (p) page_free(p);
    else target_errors++;
    textenc_result_free(&t);
}

static void run_textenc(const unsigned char *d, size_t n) {
    static const char *const fallbacks[] = {NULL, "UTF-8", "GB18030", "ISO-8859-1"};
    textenc_result t;
    err e;
    if (!textenc_decode((const char *)d, n, charsets[pick(d, n, 2, NCHARSETS)],
                        fallbacks[pick(d, n, 3, 4)], &t, &e)) {
        target_errors++;
        return;
    }
    check_utf8(&t);
    textenc_result_free(&t);
}

static void run_feed(const unsigned char *d, size_t n) {
    feed_account a;
    err e;
    if (feed_parse((const char *)d, n, "fuzz-feed", charsets[pick(d, n, 4, NCHARSETS)], 480, &a, &e))
        feed_account_free(&a);
    else
        target_errors++;
    char *text = feed_html_text((const char *)d, n, 4096);
    if (text && strlen(text) > 4096) property_fail("feed_html_text over its cap");
    free(text);
    char date[128];
    size_t dl = n < sizeof date - 1 ? n : sizeof date - 1;
    memcpy(date, d, dl);
    date[dl] = '\0';
    int64_t ms;
    feed_parse_date(date, 480, &ms);
}

/* Every record read must come back the same after csv_write_row. */
static void csv_roundtrip(const csv_row *row, char delim) {
    if (row->nfields == 1 && row->lens[0] == 0) return; /* written as a blank line, skipped */
    if (!strncmp(row->fields[0], "\xef\xbb\xbf", 3)) return; /* a leading BOM is dropped */
    sbuf out = SBUF_INIT;
    csv_write_row(&out, (const char *const *)row->fields, row->nfields, delim);
    csv_options opt = {.delimiter = delim, .max_record_bytes = (size_t)64 << 20, .max_fields = 1 << 20};
    csv_reader *r = csv_open(sbuf_str(&out), out.len, &opt);
    csv_row back;
    err e;
    if (!r) exit(1);
    if (csv_next(r, &back, &e) != CSV_ROW || back.nfields != row->nfields) {
        property_fail("csv record differs after write and read");
    } else {
        for (size_t i = 0; i < row->nfields; i++)
            if (back.lens[i] != row->lens[i] || memcmp(back.fields[i], row->fields[i], row->lens[i])) {
                property_fail("csv field differs after write and read");
                break;
            }
    }
    csv_close(r);
    sbuf_free(&out);
}

static void run_csv(const unsigned char *d, size_t n) {
    static const char delims[] = {',', 0, '\t', ';', '"'};
    csv_options opt = {.delimiter = delims[pick(d, n, 5, sizeof delims)],
                       .max_record_bytes = pick(d, n, 6, 3) == 0 ? 64 : 0,
                       .max_fields = pick(d, n, 7, 3) == 0 ? 4 : 0};
    csv_reader *r = csv_open((const char *)d, n, &opt);
    if (!r) exit(1);
    csv_row row;
    err e;
    long last_line = 0;
    /* A record starts on a later line than the one before, or the reader is stuck. */
    for (size_t guard = 0; guard <= n + 2; guard++) {
        csv_status st = csv_next(r, &row, &e);
        if (st == CSV_EOF || st == CSV_FATAL) break;
        if (row.line <= last_line || row.end_line < row.line) property_fail("csv line numbers");
        last_line = row.line;
        if (st == CSV_BAD_ROW) {
            target_errors++;
            continue;
        }
        for (size_t i = 0; i < row.nfields; i++)
            if (strlen(row.fields[i]) != row.lens[i]) property_fail("csv field length");
        csv_roundtrip(&row, csv_delimiter(r));
        if (guard == n + 2) property_fail("csv reader does not end");
    }
    csv_close(r);
}

/* The registry and probe log imports through a real file and a real SQLite
 * store (sites imported earlier make probe rows acceptable). */
static char reg_dir[512];
static store *reg_store;
static void reg_report(void *ud, bool is_error, const char *message) {
    (void)message;
    if (is_error) (*(long *)ud)++;
}
/* Writes the input to NAME in the run's temporary folder, made on first
 * use (a crash leaves no folder behind for other targets); its path in out. */
static void write_tmp(const char *name, const unsigned char *d, size_t n, char out[600]) {
    if (!reg_dir[0]) {
        snprintf(reg_dir, sizeof reg_dir, "%s/gi_fuzz.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(reg_dir)) {
            fprintf(stderr, "gi_fuzz: cannot create a temporary folder: %s\n", strerror(errno));
            exit(1);
        }
    }
    snprintf(out, 600, "%s/%s", reg_dir, name);
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(d, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "gi_fuzz: cannot write %s\n", out);
        exit(1);
    }
}

static void run_registry(const unsigned char *d, size_t n) {
    err e;
    char csv[600], db[600];
    write_tmp("reg.csv", d, n, csv);
    if (!reg_store) {
        snprintf(db, sizeof db, "%s/fuzz.db", reg_dir);
        reg_store = store_open(db, &e);
        if (!reg_store) {
            fprintf(stderr, "gi_fuzz: %s\n", e.msg);
            exit(1);
        }
    }
    long errors = 0;
    size_t kind = pick(d, n, 8, 3);
    if (kind == 2) {
        probelog_stats ps;
        if (!probelog_import(reg_store, csv, reg_report, &errors, &ps, &e)) target_errors++;
        else if (errors < ps.rejected) property_fail("a rejected probe row without its message");
        return;
    }
    reg_stats st;
    if (!reg_import(reg_store, kind ? REG_SITES : REG_MEDIA, csv, reg_report, &errors, &st, &e))
        target_errors++;
    else if (errors < st.rejected)
        property_fail("a rejected registry row without its message");
}

/* A KenLM model file (the detector's libime model): refused with a message,
 * or every word readable and every score, along chains of ids drawn from
 * the input, finite. */
static void run_kenlm(const unsigned char *d, size_t n) {
    char path[600];
    write_tmp("model.lm", d, n, path);
    err e;
    text_kenlm *m = text_kenlm_load(path, &e);
    if (!m) {
        if (!e.msg[0]) property_fail("a model refused without a message");
        target_errors++;
        return;
    }
    uint32_t words = text_kenlm_words(m);
    for (uint32_t w = 1; w < words && w < 4096; w++) {
        const char *s = text_kenlm_word(m, w);
        if (!s) property_fail("a word id without its word");
        else text_kenlm_index(m, s, strlen(s));
    }
    text_kenlm_state st = {0}, next;
    for (size_t i = 0; i < 64 && words; i++) {
        uint32_t w = (uint32_t)(pick(d, n, i % 16, words) + i) % words;
        double p = text_kenlm_score(m, &st, w, &next);
        if (p != p || p > 1e30 || p < -1e30) property_fail("a score that is not finite");
        st = i % 7 == 6 ? (text_kenlm_state){0} : next;
    }
    text_kenlm_free(m);
}

/* A Word draft: refused with a message, or its text UTF-8 within the cap. */
static void run_docx(const unsigned char *d, size_t n) {
    char *text = NULL;
    size_t len = 0;
    err e;
    /* A zip's mutants seldom pass its checksums: the XML is fuzzed itself too. */
    bool zip = text_doc_sniff((const char *)d, n) == TEXT_DOC_ZIP;
    if (!(zip ? text_docx_read((const char *)d, n, "fuzz.docx", &text, &len, &e)
              : text_docx_xml((const char *)d, n, "fuzz.docx", &text, &len, &e))) {
        if (!e.msg[0]) property_fail("a .docx refused without a message");
        target_errors++;
        return;
    }
    size_t bad;
    if (!text || strlen(text) != len) property_fail("docx text length is wrong");
    else if (len > TEXT_DOCX_MAX_TEXT) property_fail("docx text over its cap");
    else if (!utf8_valid(text, len, &bad)) property_fail("docx text is not UTF-8");
    free(text);
}

static void run_robots(const unsigned char *d, size_t n) {
    robots *r = robots_parse((const char *)d, n, "govinspect");
    if (!r) exit(1);
    static const char *const paths[] = {"/", "/robots.txt", "/a/b.html?x=1", "/%E4%B8%AD", "/$", ""};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) robots_allowed(r, paths[i]);
    /* Paths taken from the input itself: its first lines, up to the URL
     * module's 8 KiB. */
    const char *s = (const char *)d;
    for (int k = 0; k < 8 && s < (const char *)d + n; k++) {
        const char *nl = memchr(s, '\n', (size_t)((const char *)d + n - s));
        size_t l = nl ? (size_t)(nl - s) : (size_t)((const char *)d + n - s);
        static char path[8194];
        if (l > sizeof path - 2) l = sizeof path - 2;
        path[0] = '/';
        memcpy(path + 1, s, l);
        path[l + 1] = '\0';
        robots_allowed(r, path);
        if (!nl) break;
        s = nl + 1;
    }
    robots_crawl_delay_ms(r);
    robots_free(r);
}

static void run_rules(const unsigned char *d, size_t n) {
    err e;
    rules *r = rules_load_text((const char *)d, n, "fuzz.yaml", &e);
    if (!r) {
        target_errors++;
        return;
    }
    if (!rules_yaml(r)) property_fail("rules without yaml");
    rules_number(r, "indicators/site.unreachable/window_days");
    rules_threshold_at(r, "indicators/site.unreachable/slow_seconds");
    rules_kind k;
    rules_kind_get(r, "link.broken", &k);
    rules_free(r);
}

/* Input: base URL, reference, hosts — one per line. */
static void run_url(const unsigned char *d, size_t n) {
    char *copy = malloc(n + 1);
    if (!copy) exit(1);
    memcpy(copy, d, n);
    copy[n] = '\0';
    char *parts[3] = {copy, "", ""};
    for (int k = 1; k < 3; k++) {
        char *nl = strchr(parts[k - 1], '\n');
        if (!nl) break;
        *nl = '\0';
        parts[k] = nl + 1;
    }
    char *out = NULL;
    url_kind kind = url_resolve(parts[0], parts[1], &out);
    if (kind == URL_HTTP) {
        url_parts up;
        if (!out || !url_split(out, &up)) property_fail("normal form does not split");
        char *again = out ? url_normalize(out) : NULL;
        if (!again || strcmp(again, out)) property_fail("normal form is not a fixed point");
        if (out) url_host_is_government(up.host, up.host_len);
        free(again);
    } else if (kind == URL_INVALID && out) {
        property_fail("invalid URL with a result");
    }
    free(url_normalize(parts[0]));
    err e;
    url_scope *sc = url_scope_new(parts[0], parts[2], &e);
    if (sc) {
        if (out && kind == URL_HTTP) url_in_scope(sc, out);
        url_scope_free(sc);
    } else {
        target_errors++;
    }
    sbuf nb = SBUF_INIT;
    bool guessed;
    if (!reg_url_normalize(parts[1], &nb, &guessed, &e)) target_errors++;
    sbuf_free(&nb);
    free(out);
    free(copy);
}

/* The text engine on hostile text: the statistical detector (with the
 * language model when installed) through `text`'s engine, the lexicons
 * twice through an inspection's engine (the second time its quiet-block
 * memory answers). Every match must lie in the text and be the text there;
 * both engines' lexicon matches must agree on each pass. */
static text_engine *fuzz_text_engine, *fuzz_text_inspection;

typedef struct text_seen {
    const char *s;
    size_t len;
    long n;
} text_seen;

static bool text_seen_match(const text_match *m, void *ud) {
    text_seen *ts = ud;
    if (m->start >= m->end || m->end > ts->len) property_fail("text match outside the text");
    if (strlen(m->text) != m->end - m->start || memcmp(m->text, ts->s + m->start, m->end - m->start))
        property_fail("text match is not the text at its offsets");
    if (!m->suggestion || !m->category_name || !m->indicator) property_fail("text match without its fields");
    ts->n++;
    return true;
}

static void run_text(const unsigned char *d, size_t n) {
    err e;
    if (!fuzz_text_engine) {
        fuzz_text_engine = text_engine_load(NULL, &e);
        fuzz_text_inspection = text_engine_load_for_inspections(&e);
        if (!fuzz_text_engine || !fuzz_text_inspection) {
            fprintf(stderr, "gi_fuzz: text engine: %s\n", e.msg);
            exit(2);
        }
    }
    const char *s = (const char *)d;
    text_scan_opts stat = {.statistical = true, .pub_year = 2020, .pub_month = 8, .pub_day = 10};
    text_scan_opts lex = {.pub_year = 2020, .pub_month = 8, .pub_day = 10};
    /* The detector costs ~1 µs a byte (far more under the sanitizers): its
     * pass reads a prefix, cut anywhere, even inside a character. */
    size_t sn = n < 16384 ? n : 16384;
    text_seen all = {s, sn, 0}, first = {s, n, 0}, again = {s, n, 0}, plain = {s, n, 0};
    text_scan(fuzz_text_engine, s, sn, &stat, text_seen_match, &all);
    text_scan(fuzz_text_engine, s, n, &lex, text_seen_match, &plain);
    text_scan(fuzz_text_inspection, s, n, &lex, text_seen_match, &first);
    text_scan(fuzz_text_inspection, s, n, &lex, text_seen_match, &again);
    if (first.n != plain.n || again.n != plain.n)
        property_fail("an inspection's engine and text's engine disagree on the lexicons");
}

typedef struct target {
    const char *name;
    void (*run)(const unsigned char *d, size_t n);
    const char *dirs[8];     /* "src:PATH" or "shared:PATH" */
    const char *inline_seeds[8];
} target;

static const target targets[] = {
    {"page", run_page,
     {"shared:corpus/gov_html", "shared:corpus/html_misc", "shared:corpus/list_pages",
      "shared:corpus/encoding", "src:tests/data/site", "src:tests/data/security_site", "src:data/demo/www"},
     {"<html><head><meta charset=\"gb2312\"><title>t</title></head><body><ul><li><a href=\"a.html\">x</a>"
      "<span>2020-08-10</span></li></ul><div style=\"display:none\"><a href=\"http://x.com/\">y</a></div>"}},
    {"textenc", run_textenc,
     {"shared:corpus/encoding", "shared:corpus/html_misc", "shared:corpus/gov_html", "src:tests/data/media",
      "src:data/demo/sites.csv", "src:data/demo/feeds"},
     {"\xc4\xe3\xba\xc3\xa3\xac\xca\xc0\xbd\xe7", "\xff\xfeh\0i\0", "\xef\xbb\xbf\xe4\xb8\xad\xe6\x96\x87"}},
    {"feed", run_feed,
     {"src:tests/data/media", "src:data/demo/feeds", "shared:corpus/newmedia"},
     {"{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{\"id\":\"1\","
      "\"content_text\":\"x\",\"date_published\":\"2020-08-10T10:00:00+08:00\"}]}"}},
    {"csv", run_csv,
     {"src:data/demo/sites.csv", "src:data/demo/media.csv", "src:data/demo/probes.csv",
      "shared:corpus/site_registry"},
     {"a,b,c\r\n\"x,\"\"y\"\"\",2,3\n\"multi\nline\",,\n", "a;b\n1;2\n"}},
    {"registry", run_registry,
     {"src:data/demo/sites.csv", "src:data/demo/media.csv", "src:data/demo/probes.csv"},
     {"site_code,name,url,hosts,kind\n6108000039,某市政府,http://www.x.gov.cn/,,portal\n"
      "bm61000001,\"部门,网站\",www.y.gov.cn,y.gov.cn http://z.gov.cn/a,department\n",
      "网站标识码,网站名称,首页网址,主办单位,组织单位\n6108000043,某局,https://a.gov.cn/x/,某局,某市/某区\n",
      "media_id,platform,name,source\nwx-1,微信,某号,feeds/x.json\nwb-2,weibo,某博,http://127.0.0.1:9/f\n",
      "site_code,time,ok,http_status,elapsed_ms,error\n6108000039,2020-08-10T09:30:00+08:00,1,200,120,\n"
      "6108000039,2020-08-10T10:30:00Z,false,-1,,timeout\n"}},
    {"robots", run_robots,
     {"src:tests/data/site/robots.txt"},
     {"User-agent: *\nDisallow: /private/\nAllow: /private/ok$\nCrawl-delay: 2.5\n\n"
      "User-agent: govinspect\nDisallow: /*.pdf$\nSitemap: http://x/s.xml\n"}},
    {"rules", run_rules,
     {"src:data/rules"},
     {"indicators:\n  media.stale:\n    window_days: 10\n",
      "indicators:\n  site.unreachable:\n    threshold: {op: \">=\", value: 5}\n"}},
    {"text", run_text,
     {"shared:corpus/gov_html", "shared:corpus/wording", "shared:corpus/darklink", "src:data/lexicons",
      "src:tests/data/site"},
     {"我们要认真贯彻落石，按装插件，关于玩善中国特色社会主义法律体戏。\n国土资源部2020年通知！",
      "\xe4\xb8\xad\xe6\x96\x87\xff\xe6\x96\x87\xe4\xb8\xad\xe5\x9b", "澳门博彩 真人娱乐 六合彩"}},
    {"docx", run_docx,
     {"src:tests/data/docx"},
     {"PK\x05\x06"}},
    {"kenlm", run_kenlm,
     {"src:tests/data/kenlm"},
     {"mmap lm http://kheafield.com/code format version 5\n"}},
    {"url", run_url,
     {NULL},
     {"http://www.x.gov.cn/a/b/c.html?q=1\n../d/./e%7e.html?x=%41#f\nx.gov.cn http://y.gov.cn/sub",
      "https://[::1]:443/\n//政府.政务/路径 空格\n", "http://a/b/c/d;p?q\n\\\\evil.com\\x\nevil.com",
      "http://www.x.gov.cn/\njavascript:alert(1)\n", "HTTP://User:Pw@WWW.X.GOV.CN.:80/%7Ea/../b?\nmailto:a@b\n"}},
};
#define NTARGETS (sizeof targets / sizeof targets[0])

/* ---- driver ------------------------------------------------------------------- */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long max_rss_mb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

static double slow_s = 2.0;
static unsigned timeout_s = 20;
static long slow_inputs;
static long rss_jump_mb = 256;
static long memory_inputs;

/* Runs one input under the watchdog; returns its time in seconds. */
static double run_one(const target *t, const buf *b) {
    cur_data = b->p;
    cur_len = b->len;
    long rss0 = max_rss_mb();
    alarm(timeout_s);
    double t0 = now_s();
    t->run(b->p, b->len);
    double dt = now_s() - t0;
    alarm(0);
    /* The peak grew this much on this input: runaway allocation. */
    long grew = max_rss_mb() - rss0;
    if (grew > rss_jump_mb) {
        fprintf(stderr, "gi_fuzz: %s: peak memory grew %ld MB on one input (%zu bytes)\n", t->name, grew,
                b->len);
        char kind[32];
        snprintf(kind, sizeof kind, "memory%ld", memory_inputs++);
        save_current(kind);
    }
    if (dt > slow_s) {
        fprintf(stderr, "gi_fuzz: %s: slow input (%.2f s, %zu bytes)\n", t->name, dt, b->len);
        char kind[32];
        snprintf(kind, sizeof kind, "slow%ld", slow_inputs);
        save_current(kind);
        slow_inputs++;
    }
    cur_data = NULL;
    cur_len = 0;
    return dt;
}

static void load_seeds(const target *t, seeds *s, const char *src, const char *shared) {
    for (size_t i = 0; i < 8 && t->dirs[i]; i++) {
        const char *spec = t->dirs[i];
        bool is_shared = !strncmp(spec, "shared:", 7);
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", is_shared ? shared : src, strchr(spec, ':') + 1);
        struct stat st;
        if (stat(path, &st) != 0) {
            if (is_shared)
                fprintf(stderr, "gi_fuzz: %s: %s absent, its seeds skipped\n", t->name, path);
            continue;
        }
        seeds_add_path(s, path, 3);
    }
    for (size_t i = 0; i < 8 && t->inline_seeds[i]; i++)
        seeds_add(s, t->inline_seeds[i], strlen(t->inline_seeds[i]));
    if (!s->n) seeds_add(s, "", 0);
}

/* Replays DIR/<target>/ files; returns how many. */
static long replay_dir(const target *t, const char *dir) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, t->name);
    seeds kept = {0};
    seeds_add_path(&kept, path, 0);
    for (size_t i = 0; i < kept.n; i++) run_one(t, &kept.v[i]);
    long n = (long)kept.n;
    seeds_free(&kept);
    return n;
}

static void usage(void) {
    fprintf(stderr,
            "usage: gi_fuzz [--target NAME]... [--iterations N] [--seconds S] [--seed N]\n"
            "               [--max-len BYTES] [--slow-ms MS] [--timeout-s S] [--rss-jump-mb MB]\n"
            "               [--out DIR]\n"
            "               [--regress DIR] [--replay-only] [FILE...]\n"
            "  FILE... with one --target: run those inputs only (reproduce a finding)\n"
            "targets:");
    for (size_t i = 0; i < NTARGETS; i++) fprintf(stderr, " %s", targets[i].name);
    fprintf(stderr, "\n");
}

int main(int argc, char **argv) {
    long iterations = 1000;
    double seconds = 0;
    const char *regress = NULL;
    bool replay_only = false;
    bool want[NTARGETS] = {0};
    bool any_target = false;
    char **files = NULL;
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--target") && v) {
            size_t k = 0;
            while (k < NTARGETS && strcmp(targets[k].name, v)) k++;
            if (k == NTARGETS) {
                usage();
                return 2;
            }
            want[k] = any_target = true;
            i++;
        } else if (!strcmp(a, "--iterations") && v) {
            iterations = atol(v), i++;
        } else if (!strcmp(a, "--seconds") && v) {
            seconds = atof(v), i++;
        } else if (!strcmp(a, "--seed") && v) {
            rng_state ^= strtoull(v, NULL, 0) * 0x2545f4914f6cdd1dull, i++;
        } else if (!strcmp(a, "--max-len") && v) {
            max_len = (size_t)atol(v), i++;
        } else if (!strcmp(a, "--slow-ms") && v) {
            slow_s = atof(v) / 1000.0, i++;
        } else if (!strcmp(a, "--timeout-s") && v) {
            timeout_s = (unsigned)atoi(v), i++;
        } else if (!strcmp(a, "--rss-jump-mb") && v) {
            rss_jump_mb = atol(v), i++;
        } else if (!strcmp(a, "--out") && v) {
            snprintf(out_dir, sizeof out_dir, "%s", v), i++;
        } else if (!strcmp(a, "--regress") && v) {
            regress = v, i++;
        } else if (!strcmp(a, "--replay-only")) {
            replay_only = true;
        } else if (a[0] != '-') {
            files = argv + i;
            nfiles = argc - i;
            break;
        } else {
            usage();
            return 2;
        }
    }
    if (!rng_state) rng_state = 1;
    if (!any_target)
        for (size_t k = 0; k < NTARGETS; k++) want[k] = true;
    log_set_verbosity(LOG_QUIET); /* the library's warnings would flood the terminal */

#ifdef FUZZ_SANITIZED
    __sanitizer_set_death_callback(on_sanitizer_death);
#endif
    signal(SIGALRM, on_signal);
#ifndef FUZZ_SANITIZED
    signal(SIGSEGV, on_signal);
    signal(SIGBUS, on_signal);
    signal(SIGFPE, on_signal);
#endif
    signal(SIGABRT, on_signal);

    const char *src = GI_SOURCE_DIR;
    const char *shared = getenv("GI_SHARED_DIR") ? getenv("GI_SHARED_DIR") : GI_SHARED_DIR;

    int status = 0;
    for (size_t k = 0; k < NTARGETS; k++) {
        if (!want[k]) continue;
        const target *t = &targets[k];
        cur_target = t->name;
        target_errors = 0;
        long replayed = 0, runs = 0;
        double slowest = 0, t0 = now_s();
        if (nfiles) {
            for (int f = 0; f < nfiles; f++) {
                char *data;
                size_t len;
                err e;
                if (!file_read_all(files[f], 64u << 20, &data, &len, &e)) {
                    fprintf(stderr, "gi_fuzz: %s\n", e.msg);
                    status = 1;
                    continue;
                }
                buf b = {0};
                buf_set(&b, data, len);
                free(data);
                double dt = run_one(t, &b);
                printf("%s: %s: %.3f s\n", t->name, files[f], dt);
                free(b.p);
            }
            continue;
        }
        if (regress) replayed = replay_dir(t, regress);
        seeds s = {0};
        load_seeds(t, &s, src, shared);
        /* Every seed as it is first, then mutants. */
        for (size_t i = 0; i < s.n; i++) {
            double dt = run_one(t, &s.v[i]);
            if (dt > slowest) slowest = dt;
        }
        enum { RING = 16 };
        buf ring[RING] = {{0}};
        size_t ring_n = 0;
        buf b = {0};
        for (long it = 0; !replay_only; it++) {
            if (seconds > 0 ? now_s() - t0 >= seconds : it >= iterations) break;
            const buf *base = ring_n && rnd_below(4) == 0 ? &ring[rnd_below(ring_n)] : &s.v[rnd_below(s.n)];
            buf_set(&b, base->p, base->len);
            const buf *other = &s.v[rnd_below(s.n)];
            size_t stack = 1 + rnd_below(1 + rnd_below(8));
            for (size_t m = 0; m < stack; m++) mutate_once(&b, other);
            double dt = run_one(t, &b);
            if (dt > slowest) slowest = dt;
            buf_set(&ring[it % RING], b.p, b.len);
            if (ring_n < RING) ring_n++;
            runs++;
        }
        for (size_t i = 0; i < RING; i++) free(ring[i].p);
        free(b.p);
        double el = now_s() - t0;
        printf("%-8s seeds %3zu  replayed %2ld  mutants %7ld  %6.0f/s  refused %6ld  slowest %6.1f ms  "
               "max RSS %ld MB\n",
               t->name, s.n, replayed, runs, el > 0 ? (double)(runs + (long)s.n) / el : 0, target_errors,
               slowest * 1000, max_rss_mb());
        fflush(stdout);
        seeds_free(&s);
    }
    if (reg_store) store_close(reg_store);
    if (reg_dir[0]) {
        static const char *const made[] = {"reg.csv", "model.lm", "fuzz.db", "fuzz.db-wal", "fuzz.db-shm"};
        for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
            char p[600];
            snprintf(p, sizeof p, "%s/%s", reg_dir, made[i]);
            unlink(p);
        }
        rmdir(reg_dir);
    }
    text_engine_free(fuzz_text_engine);
    text_engine_free(fuzz_text_inspection);
    if (property_failures || slow_inputs || memory_inputs) {
        printf("gi_fuzz: %ld property failures, %ld slow inputs, %ld runaway allocations (saved under %s)\n",
               property_failures, slow_inputs, memory_inputs, out_dir);
        status = 1;
    }
    return status;
}
