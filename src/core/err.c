#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool err_set(err *e, err_class cls, const char *fmt, ...) {
    if (!e) return false;
    e->cls = cls;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return false;
}

void err_prefix(err *e, const char *fmt, ...) {
    if (!e) return;
    char out[sizeof e->msg];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, sizeof out, fmt, ap);
    va_end(ap);
    size_t used = n < 0 ? 0 : (size_t)n < sizeof out ? (size_t)n : sizeof out - 1;
    /* Copied by hand: the message may be cut, and that is fine. */
    const char *parts[] = {": ", e->msg};
    for (size_t i = 0; i < 2; i++)
        for (const char *p = parts[i]; *p && used + 1 < sizeof out; p++) out[used++] = *p;
    out[used] = '\0';
    memcpy(e->msg, out, sizeof out);
}

void err_clear(err *e) {
    if (!e) return;
    e->cls = ERR_NONE;
    e->msg[0] = '\0';
}
