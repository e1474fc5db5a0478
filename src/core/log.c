#include "core/log.h"

#include "core/lang.h"

#include <stdarg.h>
#include <stdio.h>

static log_verbosity log_level = LOG_NORMAL;

void log_set_verbosity(log_verbosity v) { log_level = v; }
log_verbosity log_get_verbosity(void) { return log_level; }

static void log_emit(const char *tag, const char *fmt, va_list ap) {
    /* Checks log from a parse worker while the crawl thread logs too: one
     * line at a time. */
    flockfile(stderr);
    fputs("govinspect: ", stderr);
    if (tag) fputs(tag, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    funlockfile(stderr);
}

void log_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    log_emit(L("error: ", "错误："), fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...) {
    if (log_level < LOG_NORMAL) return;
    va_list ap;
    va_start(ap, fmt);
    log_emit(L("warning: ", "警告："), fmt, ap);
    va_end(ap);
}

void log_info(const char *fmt, ...) {
    if (log_level < LOG_NORMAL) return;
    va_list ap;
    va_start(ap, fmt);
    log_emit(NULL, fmt, ap);
    va_end(ap);
}

void log_debug(const char *fmt, ...) {
    if (log_level < LOG_VERBOSE) return;
    va_list ap;
    va_start(ap, fmt);
    log_emit(NULL, fmt, ap);
    va_end(ap);
}
