#include "core/table.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct table {
    size_t ncols, nrows, cap;
    char **cells; /* row-major, (nrows + 1) * ncols, row 0 = headers */
};

static bool table_is_wide(uint32_t c) {
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

size_t utf8_display_width(const char *s) {
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c;
        int n;
        if (*p < 0x80) { c = *p; n = 1; }
        else if ((*p & 0xE0) == 0xC0) { c = *p & 0x1F; n = 2; }
        else if ((*p & 0xF0) == 0xE0) { c = *p & 0x0F; n = 3; }
        else if ((*p & 0xF8) == 0xF0) { c = *p & 0x07; n = 4; }
        else { p++; w++; continue; }
        int i = 1;
        for (; i < n && (p[i] & 0xC0) == 0x80; i++) c = (c << 6) | (p[i] & 0x3F);
        p += i;
        if (c >= 0x300 && c <= 0x36F) continue; /* combining marks */
        w += table_is_wide(c) ? 2 : 1;
    }
    return w;
}

static void table_push(table *t, const char *const *cells) {
    if ((t->nrows + 1) * t->ncols + t->ncols > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : t->ncols * 16;
        char **p = realloc(t->cells, cap * sizeof *p);
        if (!p) return;
        t->cells = p;
        t->cap = cap;
    }
    char **row = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) row[i] = strdup(cells && cells[i] ? cells[i] : "");
    t->nrows++;
}

table *table_new(size_t ncols, const char *const *headers) {
    table *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->ncols = ncols;
    table_push(t, headers);
    return t;
}

void table_add_row(table *t, const char *const *cells) { table_push(t, cells); }

void table_print(const table *t, FILE *out) {
    size_t *width = calloc(t->ncols, sizeof *width);
    if (!width) return;
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            size_t w = cell ? utf8_display_width(cell) : 0;
            if (w > width[c]) width[c] = w;
        }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            if (!cell) cell = "";
            fputs(cell, out);
            if (c + 1 < t->ncols)
                for (size_t pad = utf8_display_width(cell); pad < width[c] + 2; pad++) fputc(' ', out);
        }
        fputc('\n', out);
    }
    free(width);
}

void table_free(table *t) {
    if (!t) return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i]);
    free(t->cells);
    free(t);
}
