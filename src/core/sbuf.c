#include "core/sbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sbuf_reserve(sbuf *b, size_t extra) {
    if (b->oom) return false;
    if (extra > SIZE_MAX - b->len - 1) return !(b->oom = true);
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p) return !(b->oom = true);
    b->data = p;
    b->cap = cap;
    return true;
}

bool sbuf_append_slow(sbuf *b, const void *data, size_t len) {
    if (!sbuf_reserve(b, len)) return false;
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return true;
}

bool sbuf_puts(sbuf *b, const char *s) { return sbuf_append(b, s, strlen(s)); }

bool sbuf_printf(sbuf *b, const char *fmt, ...) {
    if (b->oom) return false;
    /* Formatted once when it fits in the room left (the usual case), twice
     * only when the buffer must grow first. */
    size_t room = b->cap - b->len; /* 0 before the first append */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        if (room) b->data[b->len] = '\0';
        return false;
    }
    if ((size_t)n < room) {
        b->len += (size_t)n;
        return true;
    }
    if (room) b->data[b->len] = '\0'; /* the cut attempt leaves no trace */
    if (!sbuf_reserve(b, (size_t)n)) return false;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

const char *sbuf_str(const sbuf *b) { return b->data ? b->data : ""; }

void sbuf_reset(sbuf *b) {
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

char *sbuf_detach(sbuf *b) {
    char *p = b->data ? b->data : strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void sbuf_free(sbuf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}
