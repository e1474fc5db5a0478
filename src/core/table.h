/* table — aligned text tables for people, with Chinese text.
 *
 * Columns are aligned by display width, not bytes: CJK ideographs and
 * full-width forms take two terminal columns. Cells are copied; the table
 * owns them. Output goes to a FILE (stdout for lists).
 */
#ifndef GI_CORE_TABLE_H
#define GI_CORE_TABLE_H

#include <stddef.h>
#include <stdio.h>

typedef struct table table;

table *table_new(size_t ncols, const char *const *headers);
/* Appends a row of ncols cells (NULL cells print empty). */
void table_add_row(table *t, const char *const *cells);
void table_print(const table *t, FILE *out);
void table_free(table *t);

/* Display width of a UTF-8 string in terminal columns. */
size_t utf8_display_width(const char *s);

#endif
