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
    char prefix[512], old[sizeof e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    snprintf(e->msg, sizeof e->msg, "%s: %s", prefix, old);
}

void err_clear(err *e) {
    if (!e) return;
    e->cls = ERR_NONE;
    e->msg[0] = '\0';
}
