/* probelog — importing a probe log exported by another monitor.
 *
 * The file is CSV (RFC 4180, csv.h) with a header row naming the columns
 * site_code, time, ok (required), http_status, elapsed_ms, error (optional)
 * in any order — or their Chinese names (网站标识码, 探测时间, 是否正常,
 * 状态码, 耗时, 错误信息); other columns are ignored with a warning. It is
 * decoded by textenc: UTF-8 with or without BOM, or GBK/GB18030 as Excel
 * saves it. Values:
 *   time         ISO 8601 with its UTC offset (2020-08-10T09:30:00+08:00,
 *                ...Z); a time without an offset is not an instant: refused
 *   ok           1/0 or true/false (any case)
 *   http_status  empty, or a whole number 100..999 (0 or -1: unknown)
 *   elapsed_ms   empty, or a number of milliseconds >= 0 (-1: unknown)
 *   error        any text ("" when none)
 * A bad row is reported "FILE:LINE: reason" and skipped; a site code the
 * registry does not hold is such a row. An unbalanced quote stops reading
 * at its line, keeping the rows before it. The accepted rows are written in
 * one transaction. The store keeps one probe per site and instant, so
 * importing the same log twice, or two logs that overlap, stores each probe
 * once (the second copy counts as a duplicate).
 */
#ifndef GI_REGISTRY_PROBELOG_H
#define GI_REGISTRY_PROBELOG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "store/store.h"

typedef void (*probelog_report_fn)(void *ud, bool is_error, const char *message);

typedef struct probelog_stats {
    long rows;       /* data records read (blank ones not counted) */
    long added;      /* new probes stored */
    long duplicates; /* probes the store already held (or seen earlier in the file) */
    long rejected;   /* rows refused, one message each */
    long warnings;
    bool stopped;    /* reading stopped early (unbalanced quote) */
    char charset[32];
} probelog_stats;

/* Largest probe log accepted (a year of hourly probes of 500 sites is about
 * 300 MB). */
#define PROBELOG_MAX_FILE_BYTES ((size_t)1 << 30)

/* False (e set, nothing written) when the file cannot be read, is not a
 * probe log (no header with the required columns: ERR_INPUT), or the store
 * fails. Otherwise true; a caller treats st->rejected > 0 || st->stopped as
 * partial success. */
bool probelog_import(store *s, const char *path, probelog_report_fn report, void *ud,
                     probelog_stats *st, err *e);

#endif
