/* progress — one status line for long work, only where a person watches.
 *
 * Drawn on stderr with a carriage return, at most ten times a second, and
 * only when stderr is a terminal and progress is enabled (--no-progress
 * disables it). progress_done() erases the line so that the results that
 * follow on stdout or stderr start on a clean line.
 */
#ifndef GI_CORE_PROGRESS_H
#define GI_CORE_PROGRESS_H

#include <stdbool.h>

void progress_enable(bool on);
/* total 0 = unknown. label is copied. */
void progress_start(const char *label, long total);
void progress_update(long done);
void progress_done(void);

#endif
