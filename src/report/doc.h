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
 * Renderers write to a file path and return false with a message on failure
 * (the file is then removed). Word output follows GB/T 9704-2012 loosely:
 * A4, margins 37/35/28/26 mm, title in 小标宋 (方正小标宋简体 → 华文中宋 →
 * SimSun fallbacks), body in 仿宋_GB2312 16 pt (仿宋 → FangSong fallbacks),
 * headings in 黑体/楷体, tables with single borders, page numbers "— N —" in
 * the footer.
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

doc *doc_new(const char *title);
void doc_free(doc *d);

void doc_para(doc *d, doc_style style, const char *text);
/* Starts a new page (Word, print CSS); nothing in Markdown. */
void doc_page_break(doc *d);

/* A table in the body: ncols columns with header cells; rows appended after.
 * `widths` are relative column widths (NULL: equal). Returns the table's
 * index for doc_table_row(). Also written as a sheet of the workbook, named
 * `sheet_name` (<= 31 characters, Excel's limit; NULL: not in the workbook). */
size_t doc_table(doc *d, const char *sheet_name, size_t ncols, const char *const *header,
                 const double *widths);
void doc_table_row(doc *d, size_t table, const char *const *cells);

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
