/* cells — what every CSV importer of the registry family shares.
 *
 * The sites/media registers and probe logs come from spreadsheets, so their
 * cells carry the same debris: white space, NBSP and ideographic spaces
 * around values, line breaks typed with Alt+Enter, header names with a
 * required-column '*'. Problems are reported the same way too: one line
 * "FILE:LINE: reason" handed to the caller's callback.
 */
#ifndef GI_REGISTRY_CELLS_H
#define GI_REGISTRY_CELLS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Trims ASCII white space, NBSP and the ideographic space, in place. */
char *cells_trim(char *s);
/* Line breaks and tabs become one space; with all_controls, every other
 * control character too. In place. */
void cells_fold(char *s, bool all_controls);
/* A header name as compared: trimmed, a trailing '*' dropped, ASCII
 * lower-cased. */
void cells_header_key(const char *in, char *out, size_t outsz);

typedef void (*cells_report_fn)(void *ud, bool is_error, const char *message);
/* Formats "PATH:LINE: message" (or "PATH: message" for line 0) and hands
 * it to report (which may be NULL). */
void cells_vsay(const char *path, long line, bool is_error, cells_report_fn report, void *ud,
                const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

#endif
