/* doc — the model, text cleaning, escaping, safe file replacement and the
 * format dispatch. The writers are doc_md.c, doc_html.c, doc_docx.c and
 * doc_xlsx.c. */
#include "report/doc_impl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/lang.h"

/* Remembers the first problem; later ones are consequences. */
__attribute__((format(printf, 3, 4))) static void fail(doc *d, err_class cls, const char *fmt,
                                                        ...) {
    if (d->fail != ERR_NONE) return;
    d->fail = cls;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->failmsg, sizeof d->failmsg, fmt, ap);
    va_end(ap);
}

static void fail_nomem(doc *d) { fail(d, ERR_NOMEM, "%s", L("out of memory", "内存不足")); }

/* ---- text cleaning and escaping ---- */

/* Decodes one UTF-8 sequence at s (n bytes left); returns its length and
 * the code point, or 0 for an invalid sequence (overlong, surrogate, out of
 * range, truncated). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
    unsigned c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) return *cp = c, 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, v = c & 0x07, min = 0x10000;
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return len;
}

bool doc_clean_append(sbuf *b, const char *s) {
    if (!s) s = "";
    size_t n = strlen(s);
    if (n > DOC_MAX_TEXT) return false;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* ASCII that needs nothing: copy the run at once. */
        size_t run = i;
        while (run < n && p[run] >= 0x20 && p[run] < 0x7F) run++;
        if (run > i) {
            sbuf_append(b, p + i, run - i);
            i = run;
            continue;
        }
        uint32_t cp;
        size_t len = utf8_decode(p + i, n - i, &cp);
        if (len == 0) {
            sbuf_puts(b, "\xEF\xBF\xBD"); /* U+FFFD for the one bad byte */
            i++;
            continue;
        }
        if (cp == '\r') {
            sbuf_putc(b, '\n');
            if (i + 1 < n && p[i + 1] == '\n') i++;
        } else if (cp == '\t' || cp == '\n') {
            sbuf_putc(b, (char)cp);
        } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF) {
            /* dropped: not allowed in XML 1.0, or invisible controls */
        } else {
            sbuf_append(b, p + i, len);
        }
        i += len;
    }
    sbuf_putc(b, '\0');
    return !b->oom;
}

void doc_escape(sbuf *b, const char *s, size_t len, bool apos) {
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = apos ? "&#39;" : NULL; break;
        default: rep = NULL;
        }
        if (!rep) continue;
        sbuf_append(b, s + start, i - start);
        sbuf_puts(b, rep);
        start = i + 1;
    }
    sbuf_append(b, s + start, len - start);
}

void doc_lines(sbuf *b, const char *s, const char *sep,
               void (*fn)(sbuf *b, const char *line, size_t len, bool flag), bool flag) {
    for (;;) {
        const char *nl = strchr(s, '\n');
        fn(b, s, nl ? (size_t)(nl - s) : strlen(s), flag);
        if (!nl) return;
        sbuf_puts(b, sep);
        s = nl + 1;
    }
}

/* ---- the model ---- */

/* Adds cleaned text to b, counting it against the doc's total; returns its
 * offset or SIZE_MAX (the doc then remembers why). */
static size_t add_text(doc *d, sbuf *b, const char *s, const char *what) {
    size_t n = s ? strlen(s) : 0;
    if (n > DOC_MAX_TEXT) {
        fail(d, ERR_INPUT, L("%s longer than %u KiB", "%s超过 %u KiB"), what, DOC_MAX_TEXT >> 10);
        return SIZE_MAX;
    }
    if (d->total + n > DOC_MAX_TOTAL) {
        fail(d, ERR_INPUT, L("document text over %zu MiB", "文档文字超过 %zu MiB"),
             DOC_MAX_TOTAL >> 20);
        return SIZE_MAX;
    }
    size_t off = b->len;
    if (!doc_clean_append(b, s)) {
        fail_nomem(d);
        return SIZE_MAX;
    }
    d->total += n;
    return off;
}

doc *doc_new(const char *title) {
    doc *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    add_text(d, &d->text, title, L("the title", "标题"));
    d->author = add_text(d, &d->text, "govinspect", "");
    d->date = add_text(d, &d->text, "", "");
    if (d->fail == ERR_NOMEM) {
        doc_free(d);
        return NULL;
    }
    return d;
}

void doc_free(doc *d) {
    if (!d) return;
    for (size_t i = 0; i < d->ngrids; i++) {
        sbuf_free(&d->grids[i].text);
        free(d->grids[i].cells);
        free(d->grids[i].widths);
    }
    free(d->grids);
    free(d->blocks);
    sbuf_free(&d->text);
    free(d);
}

void doc_set_meta(doc *d, const char *author, const char *date) {
    if (!d) return;
    if (author) {
        size_t off = add_text(d, &d->text, author, L("the author", "作者"));
        if (off != SIZE_MAX) d->author = off;
    }
    if (date) {
        /* A date goes into XML attributes and properties: only the shape
         * YYYY-MM-DD is taken. */
        bool ok = strlen(date) == 10 && date[4] == '-' && date[7] == '-';
        for (size_t i = 0; ok && i < 10; i++)
            if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9')) ok = false;
        if (!ok) {
            fail(d, ERR_USAGE, L("document date \"%.20s\" is not YYYY-MM-DD",
                                 "文档日期“%.20s”不是 YYYY-MM-DD"), date);
            return;
        }
        size_t off = add_text(d, &d->text, date, "");
        if (off != SIZE_MAX) d->date = off;
    }
}

const char *doc_date(const doc *d, char buf[11]) {
    const char *s = doc_str(d, d->date);
    if (*s) return s;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(buf, 11, "%Y-%m-%d", &tm);
    return buf;
}

/* Makes room for one more element of `size` bytes in *arr (n used of *cap,
 * doubling); false (and the doc failed) when out of memory. */
static bool grow(doc *d, void *arr, size_t *cap, size_t n, size_t size) {
    if (n < *cap) return true;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *p = realloc(*(void **)arr, ncap * size);
    if (!p) {
        fail_nomem(d);
        return false;
    }
    *(void **)arr = p;
    *cap = ncap;
    return true;
}

static bool add_block(doc *d, doc_block blk) {
    if (d->nblocks >= DOC_MAX_BLOCKS) {
        fail(d, ERR_INPUT, L("more than %u paragraphs", "段落超过 %u 个"), DOC_MAX_BLOCKS);
        return false;
    }
    if (!grow(d, &d->blocks, &d->cap_blocks, d->nblocks, sizeof *d->blocks)) return false;
    d->blocks[d->nblocks++] = blk;
    return true;
}

void doc_para(doc *d, doc_style style, const char *text) {
    if (!d || d->fail != ERR_NONE) return;
    if ((unsigned)style > DOC_ATTACH_TITLE) {
        fail(d, ERR_USAGE, L("unknown paragraph style %d", "未知段落样式 %d"), (int)style);
        return;
    }
    size_t off = add_text(d, &d->text, text, L("a paragraph", "段落"));
    if (off != SIZE_MAX) add_block(d, (doc_block){DOC_BLOCK_PARA, style, off});
}

void doc_page_break(doc *d) {
    if (!d || d->fail != ERR_NONE) return;
    add_block(d, (doc_block){DOC_BLOCK_BREAK, DOC_BODY, 0});
}

/* Appends one row of ncols cells to g: the header, then data rows. */
static void grid_row(doc *d, doc_grid *g, const char *const *cells, bool header) {
    if (!header && g->nrows >= DOC_MAX_ROWS) {
        fail(d, ERR_INPUT, L("a table has more than %u rows", "表格超过 %u 行"), DOC_MAX_ROWS);
        return;
    }
    size_t used = header ? 0 : g->nrows + 1; /* rows stored so far */
    if (!grow(d, &g->cells, &g->cap_rows, used, g->ncols * sizeof *g->cells)) return;
    size_t *row = g->cells + used * g->ncols;
    for (size_t c = 0; c < g->ncols; c++) {
        size_t off = add_text(d, &g->text, cells ? cells[c] : NULL, L("a table cell", "表格单元格"));
        if (off == SIZE_MAX) return;
        row[c] = off;
    }
    if (!header) g->nrows++;
}

static size_t add_grid(doc *d, bool in_body, const char *sheet_name, size_t ncols,
                       const char *const *header, const double *widths) {
    if (!d || d->fail != ERR_NONE) return DOC_BAD_INDEX;
    size_t max_cols = in_body ? DOC_MAX_TABLE_COLS : DOC_MAX_SHEET_COLS;
    if (ncols == 0 || ncols > max_cols) {
        fail(d, ERR_USAGE, L("a table of %zu columns (1 to %zu allowed)",
                             "表格列数 %zu（允许 1 至 %zu）"), ncols, max_cols);
        return DOC_BAD_INDEX;
    }
    if (d->ngrids >= DOC_MAX_GRIDS) {
        fail(d, ERR_INPUT, L("more than %u tables", "表格超过 %u 个"), DOC_MAX_GRIDS);
        return DOC_BAD_INDEX;
    }
    if (!grow(d, &d->grids, &d->cap_grids, d->ngrids, sizeof *d->grids)) return DOC_BAD_INDEX;
    size_t idx = d->ngrids++;
    doc_grid *g = &d->grids[idx];
    *g = (doc_grid){.in_body = in_body, .ncols = ncols};
    g->widths = malloc(ncols * sizeof *g->widths);
    if (!g->widths) {
        fail_nomem(d);
        return DOC_BAD_INDEX;
    }
    double sum = 0;
    for (size_t c = 0; c < ncols; c++) {
        double w = widths ? widths[c] : 1.0;
        g->widths[c] = w > 0 && w < 1e9 ? w : 1.0; /* NaN, negative, huge: equal share */
        sum += g->widths[c];
    }
    for (size_t c = 0; c < ncols; c++) g->widths[c] /= sum;
    if (sheet_name) {
        if (add_text(d, &g->text, sheet_name, L("a sheet name", "工作表名")) == SIZE_MAX)
            return DOC_BAD_INDEX;
        g->has_name = true;
    }
    grid_row(d, g, header, true);
    if (in_body && d->fail == ERR_NONE) add_block(d, (doc_block){DOC_BLOCK_TABLE, DOC_BODY, idx});
    return d->fail == ERR_NONE ? idx : DOC_BAD_INDEX;
}

static void add_row(doc *d, bool in_body, size_t idx, const char *const *cells) {
    if (!d || d->fail != ERR_NONE) return;
    if (idx >= d->ngrids || d->grids[idx].in_body != in_body) {
        fail(d, ERR_USAGE, L("no table or sheet number %zu of that kind", "没有编号为 %zu 的此类表格"),
             idx);
        return;
    }
    grid_row(d, &d->grids[idx], cells, false);
}

size_t doc_table(doc *d, const char *sheet_name, size_t ncols, const char *const *header,
                 const double *widths) {
    return add_grid(d, true, sheet_name, ncols, header, widths);
}

void doc_table_row(doc *d, size_t table, const char *const *cells) {
    add_row(d, true, table, cells);
}

size_t doc_sheet(doc *d, const char *sheet_name, size_t ncols, const char *const *header,
                 const double *widths) {
    return add_grid(d, false, sheet_name, ncols, header, widths);
}

void doc_sheet_row(doc *d, size_t sheet, const char *const *cells) {
    add_row(d, false, sheet, cells);
}

/* ---- column widths ---- */

/* Display width in em of a run: ASCII at 0.64 (wide enough for the digits of
 * DejaVu Serif, the widest fallback for Times New Roman), anything else 1. */
static double em_width(const char *s, size_t len) {
    double w = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) w += 0.64;
        else if ((c & 0xC0) != 0x80) w += 1; /* lead byte of a character */
    }
    return w;
}

/* The widest run a line may not be broken in: all of a header cell (a
 * broken "网站标识码" looks wrong), else the longest run of ASCII without a
 * blank (an identifier such as 6108000039). */
static double cell_need(const char *s, bool header) {
    if (header) {
        double best = 0;
        for (const char *line = s; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
            double w = em_width(line, strcspn(line, "\n"));
            if (w > best) best = w;
        }
        return best;
    }
    double best = 0;
    while (*s) {
        size_t n = 0;
        while (s[n] && (unsigned char)s[n] > ' ' && (unsigned char)s[n] < 0x80) n++;
        if (n) {
            double w = em_width(s, n);
            if (w > best) best = w;
            s += n;
        } else {
            s++;
        }
    }
    return best;
}

void doc_fit_widths(const doc_grid *g, double total_em, double *frac) {
    double need[DOC_MAX_TABLE_COLS], sum_need = 0;
    size_t n = g->ncols < DOC_MAX_TABLE_COLS ? g->ncols : DOC_MAX_TABLE_COLS;
    for (size_t c = 0; c < n; c++) {
        frac[c] = g->widths[c];
        double w = 0;
        for (size_t r = 0; r <= g->nrows; r++) {
            double cw = cell_need(doc_cell(g, r, c), r == 0);
            if (cw > w) w = cw;
        }
        /* Padding; and no column may claim more than 40%: a URL breaks. */
        w = (w + 0.5) / total_em;
        need[c] = w < 0.4 ? w : 0.4;
        sum_need += need[c];
    }
    if (sum_need > 1) return; /* cannot satisfy all: keep the caller's shares */
    /* Raise the columns below their need; take the difference from the
     * others in proportion to what they have to spare. */
    double deficit = 0, spare = 0;
    for (size_t c = 0; c < n; c++) {
        if (frac[c] < need[c]) deficit += need[c] - frac[c];
        else spare += frac[c] - need[c];
    }
    if (deficit <= 0 || spare <= 0) return;
    for (size_t c = 0; c < n; c++) {
        if (frac[c] < need[c]) frac[c] = need[c];
        else frac[c] -= (frac[c] - need[c]) * (deficit / spare);
    }
}

/* ---- writing ---- */

bool doc_check(const doc *d, const char *path, err *e) {
    if (!d) return err_set(e, ERR_NOMEM, L("%s: no document (out of memory)", "%s：无文档（内存不足）"), path);
    if (d->fail != ERR_NONE)
        return err_set(e, d->fail, L("%s: document refused: %s", "%s：文档无法写出：%s"), path,
                       d->failmsg);
    return true;
}

char *doc_tmp_path(const char *path) {
    static unsigned counter;
    sbuf b = SBUF_INIT;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* Unique per process, call and moment; the writers open it exclusively
     * where they can, so a clash is an error, never a shared file. */
    sbuf_printf(&b, "%s.tmp-%ld-%u-%lx", path, (long)getpid(), ++counter,
                (unsigned long)ts.tv_nsec);
    if (b.oom) {
        sbuf_free(&b);
        return NULL;
    }
    return sbuf_detach(&b);
}

bool doc_commit(char *tmp, const char *path, bool ok, err *e) {
    if (ok && rename(tmp, path) != 0) {
        ok = err_set(e, ERR_IO, L("%s: cannot replace: %s", "%s：无法替换：%s"), path,
                     strerror(errno));
    }
    if (!ok) unlink(tmp);
    free(tmp);
    return ok;
}

void doc_out_spill(doc_out *o, bool force) {
    if (o->b.oom) o->failed = true;
    if (o->failed || (!force && o->b.len < (1u << 20))) return;
    if (o->b.len && fwrite(o->b.data, 1, o->b.len, o->f) != o->b.len) o->failed = true;
    sbuf_reset(&o->b);
}

bool doc_out_finish(doc_out *o, const char *path, err *e) {
    doc_out_spill(o, true);
    bool nomem = o->b.oom;
    sbuf_free(&o->b);
    if (!o->failed && fflush(o->f) == 0) return true;
    return err_set(e, nomem ? ERR_NOMEM : ERR_IO, L("%s: write error: %s", "%s：写入错误：%s"), path,
                   nomem ? L("out of memory", "内存不足") : strerror(errno));
}

bool doc_write_stream(const doc *d, const char *path, void (*render)(const doc *, doc_out *),
                      err *e) {
    if (!doc_check(d, path, e)) return false;
    char *tmp = doc_tmp_path(path);
    if (!tmp) return err_set(e, ERR_NOMEM, L("%s: out of memory", "%s：内存不足"), path);
    doc_out o = {SBUF_INIT, fopen(tmp, "wx"), false};
    if (!o.f) {
        err_set(e, ERR_IO, L("%s: cannot create: %s", "%s：无法创建：%s"), path, strerror(errno));
        free(tmp);
        return false;
    }
    render(d, &o);
    bool ok = doc_out_finish(&o, path, e);
    if (fclose(o.f) != 0 && ok)
        ok = err_set(e, ERR_IO, L("%s: write error: %s", "%s：写入错误：%s"), path, strerror(errno));
    return doc_commit(tmp, path, ok, e);
}

bool doc_write(const doc *d, const char *format, const char *path, err *e) {
    if (!format) format = "";
    if (strcmp(format, "md") == 0) return doc_write_md(d, path, e);
    if (strcmp(format, "html") == 0) return doc_write_html(d, path, e);
    if (strcmp(format, "docx") == 0) return doc_write_docx(d, path, e);
    if (strcmp(format, "xlsx") == 0) return doc_write_xlsx(d, path, e);
    return err_set(e, ERR_USAGE, L("unknown document format \"%.40s\" (md, html, docx, xlsx)",
                                   "未知文档格式“%.40s”（md、html、docx、xlsx）"), format);
}
