/* doc_impl — the document model as the renderers see it (private to
 * src/report/doc*.c).
 *
 * Text is cleaned once, when it enters the model (doc_clean_append): valid
 * UTF-8 (a bad byte becomes U+FFFD), line ends "\n", and no character that
 * XML 1.0 forbids or that would only disturb a reader (C0 controls but tab
 * and newline, DEL, C1 controls, U+FFFE/U+FFFF). The renderers then only
 * escape for their format and never meet bytes they cannot write.
 *
 * Strings live NUL-separated in one sbuf per owner and are referred to by
 * offset, so a table of a million rows is two allocations, not millions.
 * Misuse and caps do not fail at the call (the adders return nothing); the
 * first problem is remembered and every writer refuses the document with it.
 */
#ifndef GI_REPORT_DOC_IMPL_H
#define GI_REPORT_DOC_IMPL_H

#include <stdio.h>

#include "core/sbuf.h"
#include "report/doc.h"

/* Caps against a runaway or hostile report; past them the doc is refused
 * at write time. Word tables have at most 63 columns. */
#define DOC_MAX_TEXT (1u << 20)             /* bytes in one paragraph or cell */
#define DOC_MAX_TOTAL ((size_t)512 << 20)   /* bytes of text in one doc */
#define DOC_MAX_ROWS 1000000u               /* rows of one table or sheet */
#define DOC_MAX_BLOCKS 1000000u             /* paragraphs, breaks and tables */
#define DOC_MAX_GRIDS 1000u                 /* tables and sheets */
#define DOC_MAX_TABLE_COLS 63u
#define DOC_MAX_SHEET_COLS 1024u

typedef enum { DOC_BLOCK_PARA, DOC_BLOCK_BREAK, DOC_BLOCK_TABLE } doc_block_kind;

typedef struct {
    doc_block_kind kind;
    doc_style style;    /* DOC_BLOCK_PARA */
    size_t ref;         /* PARA: offset in doc.text; TABLE: index in doc.grids */
} doc_block;

/* A table in the body or an extra sheet. Row 0 is the header. */
typedef struct {
    bool in_body;
    bool has_name;      /* sheet name at offset 0 of text */
    size_t ncols, nrows; /* nrows counts data rows, not the header */
    double *widths;     /* ncols fractions summing to 1 */
    sbuf text;
    size_t *cells;      /* (nrows + 1) * ncols offsets into text */
    size_t cap_rows;    /* rows `cells` has room for, header included */
} doc_grid;

struct doc {
    sbuf text;          /* title at 0, author, date, then paragraphs */
    size_t author, date; /* offsets in text */
    doc_block *blocks;
    size_t nblocks, cap_blocks;
    doc_grid *grids;
    size_t ngrids, cap_grids;
    size_t total;       /* bytes of text taken in, against DOC_MAX_TOTAL */
    err_class fail;     /* ERR_NONE while the doc is whole */
    char failmsg[256];
};

static inline const char *doc_str(const doc *d, size_t off) { return d->text.data + off; }
static inline const char *doc_title_text(const doc *d) { return d->text.data; }
static inline const char *doc_cell(const doc_grid *g, size_t row, size_t col) {
    return g->text.data + g->cells[row * g->ncols + col];
}
static inline const char *doc_grid_name(const doc_grid *g) {
    return g->has_name ? g->text.data : NULL;
}

/* Appends `s` cleaned (see above) and a NUL; false when longer than
 * DOC_MAX_TEXT or out of memory. */
bool doc_clean_append(sbuf *b, const char *s);

/* Escapes for XML/HTML text and attribute values: & < > " (and ' when
 * `apos`, for HTML). */
void doc_escape(sbuf *b, const char *s, size_t len, bool apos);
/* Writes the lines of s through fn (doc_escape or a format's own), with
 * `sep` between them. */
void doc_lines(sbuf *b, const char *s, const char *sep,
               void (*fn)(sbuf *b, const char *line, size_t len, bool flag), bool flag);
static inline void doc_escape_str(sbuf *b, const char *s) { doc_escape(b, s, strlen(s), false); }

/* Output that spills to a file past 1 MiB, so a writer's memory stays
 * bounded by the model, not by the size of the output. Renderers append to
 * `b` and call doc_out_spill() between rows. */
typedef struct {
    sbuf b;
    FILE *f;
    bool failed;    /* a write failed or memory ran out */
} doc_out;
/* Writes b to f when it holds over 1 MiB, or whenever `force`. */
void doc_out_spill(doc_out *o, bool force);
/* The last spill and a flush; frees b. False with the reason in e. */
bool doc_out_finish(doc_out *o, const char *path, err *e);
/* Renders the doc with `render` into `path` through a temporary file. */
bool doc_write_stream(const doc *d, const char *path, void (*render)(const doc *, doc_out *),
                      err *e);

/* Writing through a temporary file beside `path`, renamed over it only on
 * success. doc_tmp_path: caller frees; NULL when out of memory. */
char *doc_tmp_path(const char *path);
/* Renames tmp to path when ok, else removes tmp; frees tmp. */
bool doc_commit(char *tmp, const char *path, bool ok, err *e);

/* False with the doc's remembered problem (or NULL doc) in e. */
bool doc_check(const doc *d, const char *path, err *e);

/* The column shares (fractions summing to 1) of a body table laid out
 * `total_em` wide at its text size: the caller's widths, except that a
 * column too narrow for its header or for its longest identifier (a run of
 * ASCII without a blank) takes what it needs from the others, when all can
 * be satisfied. `frac` has room for g->ncols (<= DOC_MAX_TABLE_COLS). */
void doc_fit_widths(const doc_grid *g, double total_em, double *frac);

/* The current date as "YYYY-MM-DD" unless the doc has one. */
const char *doc_date(const doc *d, char buf[11]);

#endif
