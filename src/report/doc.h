/* doc — a small document model and its writers (Markdown, HTML, Word, Excel).
 *
 * The 通报 is built once as a doc (report.c) and written in every format by
 * the renderers below, so the formats can never disagree on a figure. The
 * model is what a government document needs and no more: the issuing office
 * line, a title, headings, paragraphs, tables with a header row, a page break
 * before each appendix, and extra sheets that only the workbook shows (the
 * full problem list).
 *
 * Ownership: a doc owns every string and table added to it (they are copied);
 * doc_free() releases all. Text is UTF-8; the renderers escape it for their
 * format (HTML, XML), so callers pass plain text.
 *
 * Renderers write to a file path and return false with a message on failure.
 * They write a temporary file beside it and rename it over the path only on
 * success, so a failed write leaves no half file (and an earlier file as it
 * was). Output is streamed: a writer's memory is the model's, whatever the
 * size of the file. Layout and font choices: docs/report-formats.md.
 *
 * Word output follows GB/T 9704-2012 loosely: A4, margins 37/35/28/26 mm,
 * title in 小标宋 (方正小标宋简体 → 华文中宋 → SimSun fallbacks), body in
 * 仿宋_GB2312 16 pt (仿宋 → FangSong fallbacks), headings in 黑体/楷体,
 * tables with single borders, page numbers "— N —" in the footer.
 */
#ifndef GI_REPORT_DOC_H
#define GI_REPORT_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef struct doc doc;

typedef enum {
    DOC_OFFICE,     /* the issuing office line above the title (red in print) */
    DOC_TITLE,      /* the document title, centred */
    DOC_ADDRESSEE,  /* 主送机关: flush left, ends with a colon */
    DOC_HEADING1,   /* 一、 level: 黑体 */
    DOC_HEADING2,   /* （一） level: 楷体 */
    DOC_BODY,       /* body paragraph, first line indented two characters */
    DOC_SIGNATURE,  /* issuing office / date at the end, right aligned */
    DOC_ATTACH_LABEL, /* "附件1" above an appendix, flush left, 黑体 */
    DOC_ATTACH_TITLE  /* the appendix title, centred, 小标宋 */
} doc_style;

/* NULL when out of memory; every function below accepts a NULL doc (the
 * writers then fail), so a caller may check once, at doc_write(). */
doc *doc_new(const char *title);
void doc_free(doc *d);
/* Author (default "govinspect") and date "YYYY-MM-DD" (default: today) of
 * the file's properties (Word and Excel document properties, HTML meta). */
void doc_set_meta(doc *d, const char *author, const char *date);

void doc_para(doc *d, doc_style style, const char *text);
/* Starts a new page (Word, print CSS); nothing in Markdown. */
void doc_page_break(doc *d);

/* A table in the body: ncols columns with header cells; rows appended after.
 * `widths` are relative column widths (NULL: equal). Returns the table's
 * index for doc_table_row(). Word and HTML widen a column too narrow for
 * its header or its longest identifier (a run of ASCII without a blank),
 * taking the room from the others. Also written as a sheet of the workbook,
 * named `sheet_name` (made valid for Excel: 31 characters, unique; NULL: not
 * in the workbook). */
size_t doc_table(doc *d, const char *sheet_name, size_t ncols, const char *const *header,
                 const double *widths);
/* `cells` holds ncols strings (NULL: empty). A bad index, too many rows
 * (over 1,000,000) or columns (over 63 in a body table, 1024 in a sheet), or
 * text over 1 MiB in one cell are not reported here: the doc remembers the
 * first such problem and every writer then refuses it with its message. A
 * failed doc_table() or doc_sheet() returns DOC_BAD_INDEX. */
void doc_table_row(doc *d, size_t table, const char *const *cells);
#define DOC_BAD_INDEX ((size_t)-1)

/* A sheet only the workbook has (e.g. every confirmed finding). */
size_t doc_sheet(doc *d, const char *sheet_name, size_t ncols, const char *const *header,
                 const double *widths);
void doc_sheet_row(doc *d, size_t sheet, const char *const *cells);

bool doc_write_md(const doc *d, const char *path, err *e);
bool doc_write_html(const doc *d, const char *path, err *e);
bool doc_write_docx(const doc *d, const char *path, err *e);
/* Sheets: a first sheet "通报" with the paragraphs, one sheet per named
 * table, then the extra sheets; header rows bold, frozen and filterable. */
bool doc_write_xlsx(const doc *d, const char *path, err *e);

/* By format name "md" | "html" | "docx" | "xlsx"; an unknown one is
 * ERR_USAGE. */
bool doc_write(const doc *d, const char *format, const char *path, err *e);

#endif
