/* sbuf — a growable byte buffer, always NUL-terminated.
 *
 * The one string builder of the project. The buffer owns its memory;
 * sbuf_detach() hands it to the caller (free() it). Growth doubles, so
 * appending is amortised O(1). Allocation failure is reported by the
 * boolean result of the appenders; once failed, the buffer stays failed
 * (`oom` is set) and further appends are no-ops, so a caller may append
 * many times and check once.
 *
 * sbuf_putc() and sbuf_append() are inline for the common case (room in
 * the buffer, not failed): parsers append byte runs and single bytes in
 * their hottest loops; growth goes through sbuf_reserve().
 */
#ifndef GI_CORE_SBUF_H
#define GI_CORE_SBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct sbuf {
    char *data;     /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
    bool oom;
} sbuf;

#define SBUF_INIT {NULL, 0, 0, false}

bool sbuf_append_slow(sbuf *b, const void *data, size_t len); /* use sbuf_append */
bool sbuf_puts(sbuf *b, const char *s);
bool sbuf_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool sbuf_reserve(sbuf *b, size_t extra);
/* The contents as a C string ("" when empty); valid until the next append. */
const char *sbuf_str(const sbuf *b);
void sbuf_reset(sbuf *b);     /* empties, keeps the memory */
char *sbuf_detach(sbuf *b);   /* caller frees; returns "" copy when empty */
void sbuf_free(sbuf *b);

static inline bool sbuf_append(sbuf *b, const void *data, size_t len) {
    if (b->cap - b->len > len && !b->oom) { /* cap 0: no room, data NULL */
        if (len) memcpy(b->data + b->len, data, len);
        b->len += len;
        b->data[b->len] = '\0';
        return true;
    }
    return sbuf_append_slow(b, data, len);
}

static inline bool sbuf_putc(sbuf *b, char c) {
    if (b->cap - b->len > 1 && !b->oom) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return true;
    }
    return sbuf_append_slow(b, &c, 1);
}

#endif
