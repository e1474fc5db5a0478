/* fileio — whole-file reads with a size cap, and path helpers.
 *
 * Registry files and rule sets are read whole: they are small in practice,
 * and a cap turns a hostile multi-gigabyte file into a clear error instead of
 * an out-of-memory kill. "-" reads standard input under the same cap.
 */
#ifndef GI_CORE_FILEIO_H
#define GI_CORE_FILEIO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Reads all of `path` into a NUL-terminated buffer (caller frees). Files
 * larger than max_bytes are refused with a message naming the file. */
bool file_read_all(const char *path, size_t max_bytes, char **data, size_t *len, err *e);

/* The absolute form of `path` taken relative to `base_dir` (when relative),
 * with "." and ".." segments folded textually (the target need not exist).
 * Caller frees. */
char *path_join_absolute(const char *base_dir, const char *path);
/* The absolute directory holding `file` (caller frees); NULL on failure. */
char *path_dir_absolute(const char *file);

#endif
