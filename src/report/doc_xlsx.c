/* doc_xlsx — the document as an Excel workbook (libxlsxwriter).
 *
 * Sheet 1 "通报" holds the paragraphs one per row in one wide wrapped
 * column, with a link to the sheet of each named table where the table
 * stands. Then one sheet per named table and per extra sheet: header row
 * bold with borders, frozen, filterable and repeated on printed pages;
 * column widths from the relative widths. Sheet names are made valid for
 * Excel (31 characters, none of []:*?/\, no apostrophe at either end, not
 * "History", unique ignoring case). A cell is cut at Excel's 32,767
 * characters. Whole numbers of up to nine digits (序号) are written as
 * numbers so that they sort; longer digit strings (网站标识码) stay text.
 * Rows are streamed (constant_memory), so a large problem list costs little
 * memory. */
#include "report/doc_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <xlsxwriter.h>

#include "core/lang.h"

#define SHEET_NAME_MAX 31       /* UTF-16 units, Excel's rule */
#define CELL_MAX 32767          /* UTF-16 units in one cell */
#define FIRST_SHEET "通报"

typedef struct {
    char **names;   /* sheet names given so far */
    size_t n;
} name_set;

/* Length in UTF-16 units of the UTF-8 character starting with byte c. */
static size_t utf16_units(unsigned char c) { return c >= 0xF0 ? 2 : 1; }
static size_t utf8_len(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

/* The bytes of s that fit in `max` UTF-16 units (s is valid UTF-8). */
static size_t utf16_prefix(const char *s, size_t max, bool *cut) {
    size_t i = 0, units = 0;
    while (s[i]) {
        size_t u = utf16_units((unsigned char)s[i]);
        if (units + u > max) break;
        units += u;
        i += utf8_len((unsigned char)s[i]);
    }
    if (cut) *cut = s[i] != '\0';
    return i;
}

static bool name_taken(const name_set *ns, const char *name) {
    for (size_t i = 0; i < ns->n; i++)
        if (strcasecmp(ns->names[i], name) == 0) return true; /* Excel ignores case */
    return false;
}

/* A valid, unused sheet name made from `want` (caller frees; NULL: out of
 * memory). */
static char *sheet_name(name_set *ns, const char *want) {
    sbuf base = SBUF_INIT;
    const char *s = want;
    while (*s == '\'' || *s == ' ') s++;
    for (; *s; s++) sbuf_putc(&base, strchr("[]:*?/\\", *s) ? '_' : (*s == '\n' || *s == '\t') ? ' ' : *s);
    while (base.len && (base.data[base.len - 1] == '\'' || base.data[base.len - 1] == ' '))
        base.data[--base.len] = '\0';
    if (base.len == 0) sbuf_puts(&base, "Sheet");
    if (strcasecmp(sbuf_str(&base), "History") == 0) sbuf_putc(&base, '_');
    sbuf out = SBUF_INIT;
    for (unsigned k = 1; !out.oom && !base.oom; k++) {
        char suffix[16] = "";
        if (k > 1) snprintf(suffix, sizeof suffix, "(%u)", k);
        sbuf_reset(&out);
        const char *b = sbuf_str(&base);
        sbuf_append(&out, b, utf16_prefix(b, SHEET_NAME_MAX - strlen(suffix), NULL));
        /* Cutting may leave an apostrophe or space at the end. */
        while (out.len && (out.data[out.len - 1] == '\'' || out.data[out.len - 1] == ' '))
            out.data[--out.len] = '\0';
        sbuf_puts(&out, suffix);
        if (!name_taken(ns, sbuf_str(&out))) break;
    }
    sbuf_free(&base);
    char **p = out.oom ? NULL : realloc(ns->names, (ns->n + 1) * sizeof *p);
    if (!p) {
        sbuf_free(&out);
        return NULL;
    }
    ns->names = p;
    return ns->names[ns->n++] = sbuf_detach(&out);
}

typedef struct {
    lxw_workbook *wb;
    lxw_format *para, *title, *heading, *link, *head, *cell;
} xl;

/* Writes one text cell: cut at Excel's limit, short whole numbers as
 * numbers. */
static lxw_error xl_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f) {
    size_t n = strlen(s);
    if (n > 0 && n <= 9 && s[0] != '0' && strspn(s, "0123456789") == n)
        return worksheet_write_number(ws, r, c, strtod(s, NULL), f);
    bool cut;
    size_t keep = utf16_prefix(s, CELL_MAX - 1, &cut);
    if (!cut) return worksheet_write_string(ws, r, c, s, f);
    char *copy = malloc(keep + 4);
    if (!copy) return LXW_ERROR_MEMORY_MALLOC_FAILED;
    memcpy(copy, s, keep);
    memcpy(copy + keep, "\xE2\x80\xA6", 4); /* "…" marks the cut */
    lxw_error rc = worksheet_write_string(ws, r, c, copy, f);
    free(copy);
    return rc;
}

static lxw_error xl_grid(xl *x, lxw_worksheet *ws, const doc_grid *g) {
    double total = (double)g->ncols * 18;
    if (total < 30) total = 30;
    if (total > 160) total = 160;
    lxw_error rc = LXW_NO_ERROR;
    for (size_t c = 0; c < g->ncols && !rc; c++) {
        double w = total * g->widths[c];
        rc = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w < 6 ? 6 : w > 200 ? 200 : w, NULL);
    }
    for (size_t r = 0; r <= g->nrows && !rc; r++)
        for (size_t c = 0; c < g->ncols && !rc; c++)
            rc = xl_cell(ws, (lxw_row_t)r, (lxw_col_t)c, doc_cell(g, r, c), r ? x->cell : x->head);
    if (rc) return rc;
    worksheet_freeze_panes(ws, 1, 0);
    rc = worksheet_autofilter(ws, 0, 0, (lxw_row_t)g->nrows, (lxw_col_t)(g->ncols - 1));
    if (!rc) rc = worksheet_repeat_rows(ws, 0, 0);
    worksheet_set_paper(ws, 9); /* A4 */
    if (g->ncols > 5) worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    return rc;
}

/* "internal:'name'!A1" with apostrophes doubled, as Excel quotes names. */
static lxw_error xl_link(xl *x, lxw_worksheet *ws, lxw_row_t row, const char *name) {
    sbuf url = SBUF_INIT, text = SBUF_INIT;
    sbuf_puts(&url, "internal:'");
    for (const char *p = name; *p; p++) {
        if (*p == '\'') sbuf_putc(&url, '\'');
        sbuf_putc(&url, *p);
    }
    sbuf_puts(&url, "'!A1");
    sbuf_printf(&text, "见工作表“%s”", name);
    lxw_error rc = url.oom || text.oom ? LXW_ERROR_MEMORY_MALLOC_FAILED
                                       : worksheet_write_url_opt(ws, row, 0, sbuf_str(&url), x->link,
                                                                 sbuf_str(&text), NULL);
    sbuf_free(&url);
    sbuf_free(&text);
    return rc;
}

static lxw_format *xl_format(lxw_workbook *wb, bool bold, double size, bool border) {
    lxw_format *f = workbook_add_format(wb);
    if (!f) return NULL;
    format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    if (bold) format_set_bold(f);
    if (size > 0) format_set_font_size(f, size);
    if (border) format_set_border(f, LXW_BORDER_THIN);
    return f;
}

static lxw_error xl_write(const doc *d, xl *x, name_set *ns) {
    x->para = xl_format(x->wb, false, 0, false);
    x->title = xl_format(x->wb, true, 16, false);
    x->heading = xl_format(x->wb, true, 0, false);
    x->link = xl_format(x->wb, false, 0, false);
    x->head = xl_format(x->wb, true, 0, true);
    x->cell = xl_format(x->wb, false, 0, true);
    if (!x->para || !x->title || !x->heading || !x->link || !x->head || !x->cell)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    format_set_font_color(x->link, LXW_COLOR_BLUE);
    format_set_underline(x->link, LXW_UNDERLINE_SINGLE);
    format_set_align(x->head, LXW_ALIGN_CENTER);
    format_set_align(x->head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bg_color(x->head, 0xD9D9D9);

    /* Names first: the first sheet links to the others by name. */
    char **names = calloc(d->ngrids ? d->ngrids : 1, sizeof *names);
    if (!names || !sheet_name(ns, FIRST_SHEET)) {
        free(names);
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    }
    lxw_error rc = LXW_NO_ERROR;
    for (size_t i = 0; i < d->ngrids && !rc; i++) {
        const doc_grid *g = &d->grids[i];
        if (!g->in_body || doc_grid_name(g)) {
            const char *want = doc_grid_name(g) ? doc_grid_name(g) : "Sheet";
            if (!(names[i] = sheet_name(ns, want))) rc = LXW_ERROR_MEMORY_MALLOC_FAILED;
        }
    }
    lxw_worksheet *ws = rc ? NULL : workbook_add_worksheet(x->wb, FIRST_SHEET);
    if (!rc && !ws) rc = LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (!rc) {
        rc = worksheet_set_column(ws, 0, 0, 100, NULL);
        worksheet_set_paper(ws, 9);
        worksheet_fit_to_pages(ws, 1, 0);
    }
    lxw_row_t row = 0;
    for (size_t i = 0; i < d->nblocks && !rc; i++) {
        const doc_block *blk = &d->blocks[i];
        if (blk->kind == DOC_BLOCK_BREAK) continue;
        if (blk->kind == DOC_BLOCK_TABLE) {
            if (names[blk->ref]) rc = xl_link(x, ws, row++, names[blk->ref]);
            continue;
        }
        lxw_format *f = blk->style == DOC_TITLE || blk->style == DOC_ATTACH_TITLE ? x->title
                        : blk->style == DOC_HEADING1 || blk->style == DOC_HEADING2 ||
                                  blk->style == DOC_ATTACH_LABEL
                            ? x->heading
                            : x->para;
        const char *text = doc_str(d, blk->ref);
        rc = *text ? xl_cell(ws, row, 0, text, f) : LXW_NO_ERROR;
        row++;
    }
    /* Named tables in body order, then the extra sheets. */
    for (int pass = 0; pass < 2 && !rc; pass++) {
        for (size_t i = 0; i < d->ngrids && !rc; i++) {
            const doc_grid *g = &d->grids[i];
            if (!names[i] || g->in_body != (pass == 0)) continue;
            lxw_worksheet *sheet = workbook_add_worksheet(x->wb, names[i]);
            rc = sheet ? xl_grid(x, sheet, g) : LXW_ERROR_MEMORY_MALLOC_FAILED;
        }
    }
    free(names); /* the strings belong to ns */
    return rc;
}

bool doc_write_xlsx(const doc *d, const char *path, err *e) {
    if (!doc_check(d, path, e)) return false;
    char *tmp = doc_tmp_path(path);
    if (!tmp) return err_set(e, ERR_NOMEM, L("%s: out of memory", "%s：内存不足"), path);
    /* Created here, exclusively, so the name is ours and an unwritable
     * directory is reported before libxlsxwriter prints its own message. */
    FILE *probe = fopen(tmp, "wx");
    if (!probe) {
        err_set(e, ERR_IO, L("%s: cannot create: %s", "%s：无法创建：%s"), path, strerror(errno));
        free(tmp);
        return false;
    }
    fclose(probe);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    xl x = {.wb = workbook_new_opt(tmp, &opt)};
    if (!x.wb) {
        err_set(e, ERR_NOMEM, L("%s: out of memory", "%s：内存不足"), path);
        return doc_commit(tmp, path, false, e);
    }
    name_set ns = {0};
    lxw_error rc = xl_write(d, &x, &ns);
    lxw_doc_properties props = {.title = (char *)doc_title_text(d),
                                .author = (char *)doc_str(d, d->author)};
    const char *date = doc_str(d, d->date); /* YYYY-MM-DD or empty: now */
    if (*date) {
        struct tm tm = {.tm_year = atoi(date) - 1900, .tm_mon = atoi(date + 5) - 1,
                        .tm_mday = atoi(date + 8)};
        props.created = timegm(&tm);
    }
    if (!rc) rc = workbook_set_properties(x.wb, &props);
    /* Closing writes the file, and frees the workbook in every case. */
    lxw_error close_rc = workbook_close(x.wb);
    if (!rc) rc = close_rc;
    for (size_t i = 0; i < ns.n; i++) free(ns.names[i]);
    free(ns.names);
    bool ok = rc == LXW_NO_ERROR;
    if (!ok)
        err_set(e, rc == LXW_ERROR_MEMORY_MALLOC_FAILED ? ERR_NOMEM : ERR_IO,
                L("%s: cannot write the workbook: %s", "%s：无法写出工作簿：%s"), path, lxw_strerror(rc));
    return doc_commit(tmp, path, ok, e);
}
