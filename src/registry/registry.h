/* registry — the register of sites and accounts, read from CSV files.
 *
 * An import reads the whole file (capped), decodes it to UTF-8 (textenc:
 * BOM, UTF-8, else GB18030 as Excel on Chinese Windows saves it), maps the
 * header (English or Chinese names, see the interface), then validates every
 * row before anything is written:
 *   - a row with a bad value is rejected with "FILE:LINE: reason" and the
 *     good rows are still imported;
 *   - an id that appears twice in the file rejects both rows;
 *   - an unbalanced quote stops reading at that line; rows before it stand.
 * All accepted rows are written in one store transaction, as upserts keyed
 * on the id, so re-importing updates and never duplicates.
 *
 * Problems are handed to the caller's report callback one line each (errors
 * and warnings), already localised, so a front end decides where they go.
 * The validators are exported for tests and for other front ends.
 */
#ifndef GI_REGISTRY_REGISTRY_H
#define GI_REGISTRY_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/sbuf.h"
#include "store/store.h"

typedef enum { REG_SITES, REG_MEDIA } reg_kind;

typedef void (*reg_report_fn)(void *ud, bool is_error, const char *message);

typedef struct reg_stats {
    long rows;        /* data records read */
    long inserted, updated, unchanged;
    long rejected;    /* rows refused, one message each */
    long warnings;
    bool stopped;     /* reading stopped early (unbalanced quote) */
    char charset[32]; /* the file's encoding as decoded */
} reg_stats;

/* Largest registry file accepted. */
#define REG_MAX_FILE_BYTES ((size_t)256 << 20)

/* Returns false (e set, nothing written) when the file cannot be read, is
 * not a registry of that kind (no header with the required columns), or
 * the store fails. Otherwise true; st says what happened, and a caller
 * treats st->rejected > 0 || st->stopped as partial success. */
bool reg_import(store *s, reg_kind kind, const char *path, reg_report_fn report, void *ud,
                reg_stats *st, err *e);

/* ---- validators (pure) -------------------------------------------------- */

/* 网站标识码: 10 digits, or "bm" + 8 digits (any case; normalised to "bm"). */
bool reg_site_code_valid(const char *code);
/* Normalises an http(s) URL into out. A bare host ("www.x.gov.cn/") gets
 * "http://" and *guessed is set. Other schemes, spaces, control characters
 * and empty hosts are refused with a reason. */
bool reg_url_normalize(const char *in, sbuf *out, bool *guessed, err *e);
/* Canonical platform code ("wechat" ...) for a Chinese or English name, or
 * NULL when unknown. */
const char *reg_platform_code(const char *name);
/* The Chinese label of a canonical platform code ("微信"); the code itself
 * when unknown. */
const char *reg_platform_label(const char *code);

#endif
