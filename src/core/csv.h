/* csv — an RFC 4180 reader that survives hostile files.
 *
 * The reader walks a UTF-8 buffer held in memory (the caller decodes the
 * file first, see textenc.h) and yields one record at a time. Quoted fields
 * may hold the delimiter, doubled quotes and line breaks; CRLF, LF and lone
 * CR all end a record outside quotes. Every record carries the physical line
 * on which it starts, counted in the original file, so messages can name it.
 *
 * Failure is graded so that bad input loses nothing else:
 *  - CSV_BAD_ROW: this record is unusable (longer than the record cap, a NUL
 *    byte, text after a closing quote, too many fields); the message names
 *    its line and the reader has already moved past it (following quotes,
 *    without storing the bytes), so the caller just goes on. row->line and
 *    row->end_line are set, row->nfields is 0.
 *  - CSV_FATAL: a quote opened and never closed before the end of the
 *    buffer. Nothing after it can be trusted; the records already returned
 *    stand, and later calls return CSV_EOF. The message names the line
 *    where the quote opened. (Out of memory is CSV_FATAL too, class
 *    ERR_NOMEM.)
 * A quote is special only at the start of a field: `ab"c` is kept as it is.
 * The record cap counts the record's bytes as written, line ends inside
 * quotes included, the final line end not.
 * The delimiter is ',' unless csv_options says otherwise (a quote, CR or LF
 * cannot be one and means ','); with delimiter 0 it is guessed from the
 * first line (',' '\t' or ';', the most frequent outside quotes; ties and
 * none at all give ','). A leading UTF-8 BOM is skipped.
 *
 * Memory: the reader owns one arena for the current record; the field
 * pointers in csv_row stay valid until the next csv_next() or csv_close().
 */
#ifndef GI_CORE_CSV_H
#define GI_CORE_CSV_H

#include <stddef.h>

#include "core/err.h"

typedef struct csv_options {
    char delimiter;          /* ',' by default; 0 = guess from the first line */
    size_t max_record_bytes; /* 0 = default (1 MiB); a longer record is CSV_BAD_ROW */
    size_t max_fields;       /* 0 = default (1024) */
} csv_options;

typedef struct csv_row {
    size_t nfields;
    char **fields;  /* NUL-terminated, owned by the reader */
    size_t *lens;   /* byte length of each field */
    long line;      /* physical line where the record starts, from 1 */
    long end_line;  /* physical line where it ends */
} csv_row;

typedef enum { CSV_ROW, CSV_EOF, CSV_BAD_ROW, CSV_FATAL } csv_status;

typedef struct csv_reader csv_reader;

/* `data` must outlive the reader. `opt` may be NULL. Returns NULL only when
 * out of memory. */
csv_reader *csv_open(const char *data, size_t len, const csv_options *opt);
/* On CSV_BAD_ROW and CSV_FATAL, e holds "line N: reason" (localised) and
 * row->line is N (for CSV_FATAL, the line where the quote opened). A
 * blank line (no bytes at all) is skipped, not returned. */
csv_status csv_next(csv_reader *r, csv_row *row, err *e);
char csv_delimiter(const csv_reader *r);
/* The reason part of a "line N: reason" message from csv_next(), for callers
 * that print the line themselves (as FILE:LINE: reason). */
const char *csv_error_reason(const char *message);
void csv_close(csv_reader *r);

/* Writing: appends one field, quoted when it needs to be (delimiter, quote,
 * CR, LF, or leading/trailing space), to a caller's sbuf. */
struct sbuf;
void csv_write_field(struct sbuf *out, const char *field, char delimiter);
/* Appends a record of n fields (NULL fields empty) ending in CRLF. */
void csv_write_row(struct sbuf *out, const char *const *fields, size_t n, char delimiter);

#endif
