#include "core/csv.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lang.h"
#include "core/sbuf.h"

#define CSV_DEFAULT_MAX_RECORD ((size_t)1 << 20)
#define CSV_DEFAULT_MAX_FIELDS ((size_t)1024)

/* Bytes that end a run of plain field content. Unquoted: delimiter, CR, LF,
 * NUL. Quoted: quote, CR, LF, NUL (the line counter needs CR and LF). */
enum { STOP_UNQUOTED = 1, STOP_QUOTED = 2 };

/* Remembers where the next occurrence of one byte lies, so that repeated
 * searches from a growing position cost O(n) in total, not O(n^2), even
 * when the byte is absent and memchr would otherwise scan to the end of a
 * 100 MB record every time. */
typedef struct next_byte {
    char c;
    bool known;
    size_t at; /* position of the next occurrence at or after the last query, or len */
} next_byte;

struct csv_reader {
    const char *data;
    size_t len;
    size_t pos;
    long line; /* physical line at pos, from 1 */
    bool done; /* set after CSV_FATAL: nothing more is read */

    char delimiter;
    size_t max_record;
    size_t max_fields;
    unsigned char stop[256];

    /* The current record: field bytes, each NUL-terminated, in one arena
     * reused from record to record; offsets are turned into pointers once
     * the record is complete, since the arena may move while it grows. */
    char *arena;
    size_t arena_len, arena_cap;
    size_t *offs;
    size_t *lens;
    char **fields;
    size_t fields_cap;
};

static size_t next_byte_find(next_byte *nb, const char *data, size_t len, size_t pos) {
    if (nb->known && nb->at >= pos) return nb->at;
    const char *hit = pos < len ? memchr(data + pos, nb->c, len - pos) : NULL;
    nb->at = hit ? (size_t)(hit - data) : len;
    nb->known = true;
    return nb->at;
}

/* Counts line ends (CRLF, LF, lone CR) in [from, to). Callers pass spans
 * that end at a quote or at the end of the buffer, so no CRLF is split. */
static long count_line_ends(const char *data, size_t from, size_t to) {
    long n = 0;
    next_byte lf = {'\n', false, 0}, cr = {'\r', false, 0};
    size_t p = from;
    while (p < to) {
        size_t a = next_byte_find(&lf, data, to, p);
        size_t b = next_byte_find(&cr, data, to, p);
        size_t hit = a < b ? a : b;
        if (hit >= to) break;
        n++;
        p = hit + 1;
        if (data[hit] == '\r' && p < to && data[p] == '\n') p++;
    }
    return n;
}

static size_t consume_line_end(const char *data, size_t len, size_t pos) {
    if (data[pos] == '\r' && pos + 1 < len && data[pos + 1] == '\n') return pos + 2;
    return pos + 1;
}

static char guess_delimiter(const char *data, size_t len, size_t limit) {
    static const char candidates[] = {',', '\t', ';'};
    size_t counts[3] = {0, 0, 0};
    bool in_quotes = false;
    size_t end = len < limit ? len : limit;
    for (size_t i = 0; i < end; i++) {
        char c = data[i];
        if (c == '"') in_quotes = !in_quotes;
        if (in_quotes) continue;
        if (c == '\r' || c == '\n') break;
        for (size_t k = 0; k < 3; k++)
            if (c == candidates[k]) counts[k]++;
    }
    size_t best = 0;
    for (size_t k = 1; k < 3; k++)
        if (counts[k] > counts[best]) best = k;
    return candidates[best];
}

csv_reader *csv_open(const char *data, size_t len, const csv_options *opt) {
    csv_reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    /* The caller normally strips a BOM while decoding; one left over would
     * otherwise glue itself to the first header name. */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    r->data = data;
    r->len = len;
    r->line = 1;
    r->max_record = opt && opt->max_record_bytes ? opt->max_record_bytes : CSV_DEFAULT_MAX_RECORD;
    r->max_fields = opt && opt->max_fields ? opt->max_fields : CSV_DEFAULT_MAX_FIELDS;
    char d = opt ? opt->delimiter : ',';
    if (d == 0) d = guess_delimiter(data, len, r->max_record);
    /* A quote or a line end cannot separate fields. */
    if (d == '"' || d == '\r' || d == '\n') d = ',';
    r->delimiter = d;

    r->stop[(unsigned char)d] |= STOP_UNQUOTED;
    r->stop['\r'] |= STOP_UNQUOTED | STOP_QUOTED;
    r->stop['\n'] |= STOP_UNQUOTED | STOP_QUOTED;
    r->stop[0] |= STOP_UNQUOTED | STOP_QUOTED;
    r->stop['"'] |= STOP_QUOTED;
    return r;
}

char csv_delimiter(const csv_reader *r) { return r->delimiter; }

const char *csv_error_reason(const char *message) {
    const char *p = strstr(message, ": ");
    if (p) return p + 2;
    p = strstr(message, "：");
    return p ? p + strlen("：") : message;
}

void csv_close(csv_reader *r) {
    if (!r) return;
    free(r->arena);
    free(r->offs);
    free(r->lens);
    free(r->fields);
    free(r);
}

static bool arena_reserve(csv_reader *r, size_t extra) {
    if (r->arena_len + extra <= r->arena_cap) return true;
    size_t cap = r->arena_cap ? r->arena_cap : 4096;
    while (cap < r->arena_len + extra) cap *= 2;
    char *p = realloc(r->arena, cap);
    if (!p) return false;
    r->arena = p;
    r->arena_cap = cap;
    return true;
}

static bool arena_append(csv_reader *r, const char *src, size_t n) {
    if (n == 0) return true; /* the arena may not exist yet: no memcpy to NULL */
    if (!arena_reserve(r, n)) return false;
    memcpy(r->arena + r->arena_len, src, n);
    r->arena_len += n;
    return true;
}

static bool fields_reserve(csv_reader *r, size_t n) {
    if (n <= r->fields_cap) return true;
    size_t cap = r->fields_cap ? r->fields_cap * 2 : 32;
    if (cap < n) cap = n;
    size_t *offs = realloc(r->offs, cap * sizeof *offs);
    if (!offs) return false;
    r->offs = offs;
    size_t *lens = realloc(r->lens, cap * sizeof *lens);
    if (!lens) return false;
    r->lens = lens;
    char **fields = realloc(r->fields, cap * sizeof *fields);
    if (!fields) return false;
    r->fields = fields;
    r->fields_cap = cap;
    return true;
}

/* Moves r->pos past the rest of a rejected record without storing it,
 * following quotes exactly as the parser would, so the next record starts
 * where it should. Returns false when the buffer ends inside a quoted
 * field; *quote_line is then the line where that field opened. */
static bool skip_record(csv_reader *r, bool in_quotes, bool at_field_start, long *quote_line,
                        long *end_line) {
    const char *data = r->data;
    size_t len = r->len, pos = r->pos;
    next_byte quote = {'"', false, 0}, delim = {r->delimiter, false, 0};
    next_byte lf = {'\n', false, 0}, cr = {'\r', false, 0};
    for (;;) {
        if (in_quotes) {
            size_t q = next_byte_find(&quote, data, len, pos);
            r->line += count_line_ends(data, pos, q);
            if (q >= len) {
                r->pos = len;
                return false;
            }
            pos = q + 1;
            if (pos < len && data[pos] == '"') {
                pos++; /* a doubled quote stays inside the field */
                continue;
            }
            in_quotes = false;
            at_field_start = false;
            continue;
        }
        if (at_field_start && pos < len && data[pos] == '"') {
            *quote_line = r->line;
            in_quotes = true;
            pos++;
            continue;
        }
        size_t stop = next_byte_find(&delim, data, len, pos);
        size_t a = next_byte_find(&lf, data, len, pos);
        size_t b = next_byte_find(&cr, data, len, pos);
        if (a < stop) stop = a;
        if (b < stop) stop = b;
        *end_line = r->line;
        if (stop >= len) {
            r->pos = len;
            return true;
        }
        if (data[stop] == r->delimiter) {
            pos = stop + 1;
            at_field_start = true;
            continue;
        }
        r->pos = consume_line_end(data, len, stop);
        r->line++;
        return true;
    }
}

static void format_size(char *out, size_t outsz, size_t n) {
    if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
        snprintf(out, outsz, "%zu MiB", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(out, outsz, "%zu KiB", n >> 10);
    else
        snprintf(out, outsz, "%zu %s", n, L("bytes", "字节"));
}

static csv_status unbalanced_quote(csv_reader *r, long quote_line, csv_row *row, err *e) {
    r->done = true;
    row->nfields = 0;
    row->line = row->end_line = quote_line;
    r->pos = r->len;
    err_set(e, ERR_INPUT,
            L("line %ld: unbalanced quote: the quoted field opened here never closes",
              "第 %ld 行：引号不成对：此处开始的带引号字段直到文件末尾都没有结束"),
            quote_line);
    return CSV_FATAL;
}

static csv_status out_of_memory(csv_reader *r, err *e) {
    r->done = true;
    err_set(e, ERR_NOMEM, "%s", L("out of memory while reading CSV", "读取 CSV 时内存不足"));
    return CSV_FATAL;
}

/* Why a record is rejected; the message is built once the reader has
 * skipped past it. */
typedef enum { BAD_TOO_LONG, BAD_NUL, BAD_AFTER_QUOTE, BAD_TOO_MANY_FIELDS } bad_reason;

static csv_status reject_record(csv_reader *r, size_t pos, bool in_quotes, bool at_field_start,
                                long quote_line, long record_line, bad_reason why,
                                size_t field_no, csv_row *row, err *e) {
    r->pos = pos;
    long end_line = r->line;
    if (!skip_record(r, in_quotes, at_field_start, &quote_line, &end_line))
        return unbalanced_quote(r, quote_line, row, e);
    row->nfields = 0;
    row->line = record_line;
    row->end_line = end_line;
    char size[64];
    switch (why) {
    case BAD_TOO_LONG:
        format_size(size, sizeof size, r->max_record);
        err_set(e, ERR_INPUT, L("line %ld: record longer than %s", "第 %ld 行：记录超过 %s"),
                record_line, size);
        break;
    case BAD_NUL:
        err_set(e, ERR_INPUT,
                L("line %ld: NUL byte in the record (binary data?)",
                  "第 %ld 行：记录中有 NUL 字节（是二进制数据？）"),
                record_line);
        break;
    case BAD_AFTER_QUOTE:
        err_set(e, ERR_INPUT,
                L("line %ld: field %zu has text after its closing quote",
                  "第 %ld 行：第 %zu 个字段的右引号后还有文字"),
                record_line, field_no);
        break;
    case BAD_TOO_MANY_FIELDS:
        err_set(e, ERR_INPUT, L("line %ld: more than %zu fields", "第 %ld 行：字段超过 %zu 个"),
                record_line, r->max_fields);
        break;
    }
    return CSV_BAD_ROW;
}

csv_status csv_next(csv_reader *r, csv_row *row, err *e) {
    if (r->done) return CSV_EOF;
    const char *data = r->data;
    const size_t len = r->len;
    const char delim = r->delimiter;
    const unsigned char *stop = r->stop;
    size_t pos = r->pos;

    while (pos < len && (data[pos] == '\r' || data[pos] == '\n')) {
        pos = consume_line_end(data, len, pos);
        r->line++;
    }
    r->pos = pos;
    if (pos >= len) return CSV_EOF;

    const size_t start = pos;
    const long record_line = r->line;
    /* Scans never run past this bound, so a huge record is not copied. */
    const size_t bound = len - start > r->max_record ? start + r->max_record + 1 : len;
    size_t nfields = 0;
    r->arena_len = 0;

    for (;;) {
        /* The delimiter just passed may itself be the byte too many. */
        if (pos - start > r->max_record)
            return reject_record(r, pos, false, true, 0, record_line, BAD_TOO_LONG, 0, row, e);
        if (nfields == r->max_fields)
            return reject_record(r, pos, false, true, 0, record_line, BAD_TOO_MANY_FIELDS, 0,
                                 row, e);
        if (!fields_reserve(r, nfields + 1)) return out_of_memory(r, e);
        r->offs[nfields] = r->arena_len;

        if (pos < len && data[pos] == '"') {
            const long quote_line = r->line;
            pos++;
            for (;;) {
                size_t q = pos;
                while (q < bound && !(stop[(unsigned char)data[q]] & STOP_QUOTED)) q++;
                if (!arena_append(r, data + pos, q - pos)) return out_of_memory(r, e);
                pos = q;
                if (pos >= len) return unbalanced_quote(r, quote_line, row, e);
                if (pos - start > r->max_record)
                    return reject_record(r, pos, true, false, quote_line, record_line,
                                         BAD_TOO_LONG, 0, row, e);
                char c = data[pos];
                if (c == '"') {
                    if (pos + 1 < len && data[pos + 1] == '"') {
                        if (!arena_append(r, "\"", 1)) return out_of_memory(r, e);
                        pos += 2;
                        continue;
                    }
                    pos++;
                    break;
                }
                if (c == '\0')
                    return reject_record(r, pos + 1, true, false, quote_line, record_line,
                                         BAD_NUL, 0, row, e);
                /* A line break inside quotes is data, kept as written. */
                size_t after = consume_line_end(data, len, pos);
                if (!arena_append(r, data + pos, after - pos)) return out_of_memory(r, e);
                pos = after;
                r->line++;
            }
            if (pos - start > r->max_record)
                return reject_record(r, pos, false, false, 0, record_line, BAD_TOO_LONG, 0, row,
                                     e);
            if (pos < len && data[pos] != delim && data[pos] != '\r' && data[pos] != '\n')
                return reject_record(r, pos, false, false, 0, record_line, BAD_AFTER_QUOTE,
                                     nfields + 1, row, e);
        } else {
            /* A quote inside an unquoted field is kept as a literal. */
            size_t q = pos;
            while (q < bound && !(stop[(unsigned char)data[q]] & STOP_UNQUOTED)) q++;
            if (q - start > r->max_record)
                return reject_record(r, q, false, false, 0, record_line, BAD_TOO_LONG, 0, row,
                                     e);
            if (!arena_append(r, data + pos, q - pos)) return out_of_memory(r, e);
            pos = q;
            if (pos < len && data[pos] == '\0')
                return reject_record(r, pos + 1, false, false, 0, record_line, BAD_NUL, 0, row,
                                     e);
        }

        if (!arena_append(r, "", 1)) return out_of_memory(r, e);
        r->lens[nfields] = r->arena_len - 1 - r->offs[nfields];
        nfields++;

        if (pos < len && data[pos] == delim) {
            pos++;
            continue;
        }
        row->end_line = r->line;
        if (pos < len) { /* CR or LF */
            pos = consume_line_end(data, len, pos);
            r->line++;
        }
        break;
    }

    r->pos = pos;
    for (size_t i = 0; i < nfields; i++) r->fields[i] = r->arena + r->offs[i];
    row->nfields = nfields;
    row->fields = r->fields;
    row->lens = r->lens;
    row->line = record_line;
    return CSV_ROW;
}

void csv_write_field(struct sbuf *out, const char *field, char delimiter) {
    size_t n = strlen(field);
    bool quote = n > 0 && (field[0] == ' ' || field[0] == '\t' || field[n - 1] == ' ' ||
                           field[n - 1] == '\t');
    for (size_t i = 0; i < n && !quote; i++) {
        char c = field[i];
        quote = c == delimiter || c == '"' || c == '\r' || c == '\n';
    }
    if (!quote) {
        sbuf_append(out, field, n);
        return;
    }
    sbuf_putc(out, '"');
    const char *p = field;
    const char *q;
    while ((q = strchr(p, '"')) != NULL) {
        sbuf_append(out, p, (size_t)(q - p) + 1);
        sbuf_putc(out, '"');
        p = q + 1;
    }
    sbuf_puts(out, p);
    sbuf_putc(out, '"');
}

void csv_write_row(sbuf *out, const char *const *fields, size_t n, char delimiter) {
    for (size_t i = 0; i < n; i++) {
        if (i) sbuf_putc(out, delimiter);
        csv_write_field(out, fields[i] ? fields[i] : "", delimiter);
    }
    sbuf_puts(out, "\r\n");
}
