/* probelog — see probelog.h. */
#include "registry/probelog.h"

#include "registry/cells.h"

#include "core/csv.h"
#include "core/fileio.h"
#include "core/lang.h"
#include "core/progress.h"
#include "core/sbuf.h"
#include "core/strmap.h"
#include "core/textenc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longer cells are a sign of a shifted or garbled row. */
#define PROBELOG_MAX_CELL_BYTES 2048

enum { PL_CODE, PL_TIME, PL_OK, PL_STATUS, PL_ELAPSED, PL_ERROR, PL_NCOLS };

typedef struct probelog_column {
    const char *key;
    bool required;
    const char *aliases[6];
} probelog_column;

static const probelog_column probelog_columns[PL_NCOLS] = {
    {"site_code", true, {"网站标识码", "标识码", NULL}},
    {"time", true, {"探测时间", "时间", NULL}},
    {"ok", true, {"是否正常", "正常", "可访问", NULL}},
    {"http_status", false, {"状态码", "http状态码", NULL}},
    {"elapsed_ms", false, {"耗时", "耗时(毫秒)", "耗时（毫秒）", "响应时间", NULL}},
    {"error", false, {"错误信息", "错误", NULL}},
};

typedef struct probelog_ctx {
    const char *path;
    store *s;
    probelog_report_fn report;
    void *ud;
    probelog_stats *st;
    int map[1024]; /* CSV column -> ours, -1 ignored */
    size_t ncsv;
    strmap *sites;  /* code -> &probelog_known or &probelog_unknown */
} probelog_ctx;

static int probelog_known, probelog_unknown;

static void probelog_say(probelog_ctx *c, bool is_error, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void probelog_say(probelog_ctx *c, bool is_error, long line, const char *fmt, ...) {
    if (is_error) c->st->rejected++;
    else c->st->warnings++;
    va_list ap;
    va_start(ap, fmt);
    cells_vsay(c->path, line, is_error, c->report, c->ud, fmt, ap);
    va_end(ap);
}



static int probelog_column_for(const char *header) {
    char k[256];
    cells_header_key(header, k, sizeof k);
    for (int i = 0; i < PL_NCOLS; i++) {
        if (strcmp(k, probelog_columns[i].key) == 0) return i;
        for (size_t j = 0; probelog_columns[i].aliases[j]; j++)
            if (strcmp(k, probelog_columns[i].aliases[j]) == 0) return i;
    }
    return -1;
}

static bool probelog_map_header(probelog_ctx *c, const csv_row *h, err *e) {
    bool seen[PL_NCOLS] = {false};
    if (h->nfields > sizeof c->map / sizeof *c->map)
        return err_set(e, ERR_INPUT, L("%s:%ld: not a probe log: the header has too many columns (%zu)",
                                       "%s:%ld：不是探测记录：表头列数过多（%zu）"),
                       c->path, h->line, h->nfields);
    c->ncsv = h->nfields;
    for (size_t i = 0; i < h->nfields; i++) {
        int col = probelog_column_for(h->fields[i]);
        c->map[i] = col;
        if (col < 0) {
            char name[128];
            snprintf(name, sizeof name, "%s", h->fields[i]);
            if (*cells_trim(name))
                probelog_say(c, false, h->line, L("unknown column '%.100s' ignored", "忽略未知列“%.100s”"),
                             cells_trim(name));
            continue;
        }
        if (seen[col])
            return err_set(e, ERR_INPUT, L("%s:%ld: column '%s' appears twice in the header",
                                           "%s:%ld：表头中“%s”列重复"),
                           c->path, h->line, probelog_columns[col].key);
        seen[col] = true;
    }
    sbuf missing = SBUF_INIT;
    for (int i = 0; i < PL_NCOLS; i++)
        if (probelog_columns[i].required && !seen[i]) {
            if (missing.len) sbuf_puts(&missing, ", ");
            sbuf_puts(&missing, probelog_columns[i].key);
        }
    bool ok = missing.len == 0;
    if (!ok)
        err_set(e, ERR_INPUT,
                L("%s:%ld: not a probe log: the header lacks the required column(s) %s "
                  "(expected site_code,time,ok,http_status,elapsed_ms,error)",
                  "%s:%ld：不是探测记录：表头缺少必需列 %s"
                  "（应为 site_code,time,ok,http_status,elapsed_ms,error）"),
                c->path, h->line, sbuf_str(&missing));
    sbuf_free(&missing);
    return ok;
}

static bool probelog_parse_ok(const char *v, bool *out) {
    if (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0) return (*out = true), true;
    if (strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0) return (*out = false), true;
    return false;
}

/* A whole number, or -1 for empty; false when it is neither. */
static bool probelog_parse_int(const char *v, long long max, long long *out) {
    if (!*v) return (*out = -1), true;
    const char *p = v;
    bool neg = *p == '-';
    if (neg) p++;
    if (!isdigit((unsigned char)*p)) return false;
    long long x = 0;
    for (; isdigit((unsigned char)*p); p++) {
        x = x * 10 + (*p - '0');
        if (x > max) return false;
    }
    /* "1234.5" (spreadsheets): rounded to the nearest millisecond. */
    if (*p == '.') {
        p++;
        if (isdigit((unsigned char)*p) && *p >= '5') x++;
        while (isdigit((unsigned char)*p)) p++;
    }
    if (*p) return false;
    if (neg) {
        if (x != 1) return false;
        x = -1;
    }
    *out = x;
    return true;
}

/* Whether the site is registered, asking the store once per code. */
static bool probelog_site_known(probelog_ctx *c, const char *code, bool *known, err *e) {
    void *v = strmap_get(c->sites, code);
    if (!v) {
        site_rec r = {0};
        bool found = store_site_get(c->s, code, &r, e);
        if (!found && e->cls != ERR_NONE) return false;
        site_rec_free(&r);
        v = found ? &probelog_known : &probelog_unknown;
        if (!strmap_put(c->sites, code, v, NULL)) return err_set(e, ERR_NOMEM, "out of memory");
    }
    *known = v == &probelog_known;
    return true;
}

/* Validates and stores one row. False only on a store failure. */
static bool probelog_row(probelog_ctx *c, const csv_row *row, err *e) {
    char *cell[PL_NCOLS] = {"", "", "", "", "", ""};
    bool any = false;
    for (size_t i = 0; i < row->nfields; i++) {
        char *v = cells_trim(row->fields[i]);
        if (*v) any = true;
        if (i >= c->ncsv) {
            if (*v) {
                c->st->rows++;
                probelog_say(c, true, row->line, L("the row has %zu fields but the header has %zu",
                                                   "该行有 %zu 个字段，但表头只有 %zu 列"),
                             row->nfields, c->ncsv);
                return true;
            }
            continue;
        }
        if (c->map[i] < 0) continue;
        cell[c->map[i]] = v;
    }
    if (!any) return true; /* a row of empty cells, as spreadsheets leave */
    c->st->rows++;
    for (int i = 0; i < PL_NCOLS; i++) {
        if (strlen(cell[i]) > PROBELOG_MAX_CELL_BYTES) {
            probelog_say(c, true, row->line, L("value of column '%s' is longer than %d bytes",
                                               "“%s”列的值超过 %d 字节"),
                         probelog_columns[i].key, PROBELOG_MAX_CELL_BYTES);
            return true;
        }
        if (*cell[i]) cells_fold(cell[i], true);
    }
    for (int i = 0; i < PL_NCOLS; i++)
        if (probelog_columns[i].required && !*cell[i]) {
            probelog_say(c, true, row->line, L("required column '%s' is empty", "必填列“%s”为空"),
                         probelog_columns[i].key);
            return true;
        }
    bool known = false;
    if (!probelog_site_known(c, cell[PL_CODE], &known, e)) return false;
    if (!known) {
        probelog_say(c, true, row->line, L("no registered site has the code %.40s",
                                           "登记表中没有网站标识码为 %.40s 的网站"),
                     cell[PL_CODE]);
        return true;
    }
    probe_rec p = {.site_code = cell[PL_CODE], .time = cell[PL_TIME], .error = cell[PL_ERROR]};
    if (!probelog_parse_ok(cell[PL_OK], &p.ok)) {
        probelog_say(c, true, row->line, L("ok must be 1, 0, true or false, got '%.40s'",
                                           "ok 须为 1、0、true 或 false，实为“%.40s”"),
                     cell[PL_OK]);
        return true;
    }
    long long v;
    if (!probelog_parse_int(cell[PL_STATUS], 999, &v) || (v > 0 && v < 100)) {
        probelog_say(c, true, row->line, L("http_status must be empty or a status code 100..999, got '%.40s'",
                                           "http_status 须为空或 100..999 的状态码，实为“%.40s”"),
                     cell[PL_STATUS]);
        return true;
    }
    p.http_status = v > 0 ? (int)v : -1;
    if (!probelog_parse_int(cell[PL_ELAPSED], 100000000000LL, &v)) {
        probelog_say(c, true, row->line, L("elapsed_ms must be empty or a number of milliseconds, got '%.40s'",
                                           "elapsed_ms 须为空或毫秒数，实为“%.40s”"),
                     cell[PL_ELAPSED]);
        return true;
    }
    p.elapsed_ms = v;
    bool inserted = false;
    if (!store_probe_add(c->s, &p, &inserted, e)) {
        if (e->cls != ERR_INPUT) return false;
        /* The store's own validation: a time that is not an instant. */
        probelog_say(c, true, row->line, "%s", e->msg);
        err_clear(e);
        return true;
    }
    if (inserted) c->st->added++;
    else c->st->duplicates++;
    return true;
}

static bool probelog_read(probelog_ctx *c, const textenc_result *text, err *e) {
    csv_options opt = {.delimiter = 0, .max_record_bytes = 0, .max_fields = 0};
    csv_reader *r = csv_open(text->text, text->len, &opt);
    if (!r) return err_set(e, ERR_NOMEM, "out of memory");
    csv_row row;
    err rerr = {0};
    bool ok = true, have_header = false, in_tx = false;
    long done = 0;
    for (;;) {
        csv_status st = csv_next(r, &row, &rerr);
        if (st == CSV_EOF) break;
        if (st == CSV_FATAL) {
            if (!have_header) {
                ok = err_set(e, rerr.cls == ERR_NOMEM ? ERR_NOMEM : ERR_INPUT, "%s:%s", c->path, rerr.msg);
                break;
            }
            if (rerr.cls == ERR_NOMEM) {
                ok = err_set(e, ERR_NOMEM, "%s", rerr.msg);
                break;
            }
            c->st->stopped = true;
            c->st->rows++;
            probelog_say(c, true, row.line, "%s %s", csv_error_reason(rerr.msg),
                         L("(reading stopped; the rows before it are kept)", "（读取在此停止，之前的行已保留）"));
            break;
        }
        if (st == CSV_BAD_ROW) {
            if (!have_header) {
                ok = err_set(e, ERR_INPUT, L("%s: not a probe log: %s", "%s：不是探测记录：%s"), c->path,
                             rerr.msg);
                break;
            }
            c->st->rows++;
            probelog_say(c, true, row.line, "%s", csv_error_reason(rerr.msg));
            continue;
        }
        if (!have_header) {
            if (!(ok = probelog_map_header(c, &row, e))) break;
            have_header = true;
            if (!(ok = store_begin(c->s, e))) break;
            in_tx = true;
            progress_start(L("importing probes", "导入探测记录"), 0);
            continue;
        }
        if (!(ok = probelog_row(c, &row, e))) break;
        progress_update(++done);
    }
    csv_close(r);
    if (in_tx) {
        progress_done();
        if (ok) ok = store_commit(c->s, e);
        else store_rollback(c->s);
    }
    if (ok && !have_header)
        ok = err_set(e, ERR_INPUT, L("%s: not a probe log: the file is empty", "%s：不是探测记录：文件为空"),
                     c->path);
    return ok;
}

bool probelog_import(store *s, const char *path, probelog_report_fn report, void *ud,
                     probelog_stats *st, err *e) {
    memset(st, 0, sizeof *st);
    probelog_ctx c = {.path = path, .s = s, .report = report, .ud = ud, .st = st};
    char *raw = NULL;
    size_t rawlen = 0;
    if (!file_read_all(path, PROBELOG_MAX_FILE_BYTES, &raw, &rawlen, e)) return false;
    textenc_result text = {0};
    bool ok = textenc_decode(raw, rawlen, NULL, NULL, &text, e);
    free(raw);
    if (!ok) return false;
    snprintf(st->charset, sizeof st->charset, "%s", text.charset);
    if (text.replaced)
        probelog_say(&c, false, 0, L("%zu byte sequences are not valid %s and were replaced",
                                     "有 %zu 处字节序列不是有效的 %s，已替换"),
                     text.replaced, text.charset);
    c.sites = strmap_new();
    if (!c.sites) ok = err_set(e, ERR_NOMEM, "out of memory");
    if (ok) ok = probelog_read(&c, &text, e);
    strmap_free(c.sites, NULL);
    textenc_result_free(&text);
    return ok;
}
