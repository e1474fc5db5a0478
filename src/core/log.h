/* log — diagnostics on stderr, filtered by verbosity.
 *
 * Levels: error and warning always print (unless -q silences warnings),
 * info prints by default, debug with -v. The library logs warnings that do
 * not stop work (an unknown CSV column); errors that stop work are returned
 * through err instead and printed by the front end.
 */
#ifndef GI_CORE_LOG_H
#define GI_CORE_LOG_H

typedef enum { LOG_QUIET = 0, LOG_NORMAL = 1, LOG_VERBOSE = 2 } log_verbosity;

void log_set_verbosity(log_verbosity v);
log_verbosity log_get_verbosity(void);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
