/* err — errors returned with a message.
 *
 * Every function that can fail on input takes an `err *` as its last
 * argument and fills it with a human-readable message (already localised,
 * naming the file and line or the URL at fault) and a class that the front
 * ends map to an exit status. Nothing in the library prints or exits on its
 * own: the caller decides what to do with the message. A NULL `err *` is
 * allowed and discards the message.
 */
#ifndef GI_CORE_ERR_H
#define GI_CORE_ERR_H

#include <stdbool.h>

typedef enum {
    ERR_NONE = 0,
    ERR_INPUT,    /* bad input from outside: a file, a URL, a rule set */
    ERR_USAGE,    /* the caller asked for something that cannot be done */
    ERR_IO,       /* the system failed us: open, read, write */
    ERR_STORE,    /* the database refused */
    ERR_NOMEM,
} err_class;

typedef struct err {
    err_class cls;
    char msg[1024];
} err;

/* Sets cls and a printf-formatted message; always returns false so that a
 * failing function can `return err_set(e, ...)`. */
bool err_set(err *e, err_class cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepends "prefix: " to the message already in e. */
void err_prefix(err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(err *e);

#endif
