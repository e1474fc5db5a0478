/* textenc — bytes of unknown encoding to UTF-8.
 *
 * Chinese government files come as UTF-8 (with or without BOM), as GBK or
 * GB2312 (Excel on Chinese Windows, old CMS pages), rarely as UTF-16 with a
 * BOM. Decoding order, first that applies:
 *   1. a BOM (UTF-8, UTF-16LE/BE);
 *   2. the bytes are valid UTF-8 -> UTF-8, whatever a label claims (a page
 *      that declares GB2312 but is UTF-8 is common);
 *   3. the caller's declared charset, if iconv knows it;
 *   4. uchardet's guess;
 *   5. the fallback (GB18030 for registry files).
 * GB2312 and GBK are always decoded as GB18030, their superset. Invalid
 * sequences become U+FFFD and are counted, never fatal (one per bad byte,
 * per bad UTF-16 unit, per maximal ill-formed UTF-8 subpart). NUL bytes are
 * kept (callers that want text reject them with a position).
 * Two refinements for Chinese data, when the fallback is GB18030:
 *  - a single-byte label (ISO-8859-x, WINDOWS-125x, KOI8, ...), declared or
 *    guessed by uchardet, on bytes that decode cleanly as GB18030 yields
 *    GB18030 (how "fallback"): detectors say such things for short GBK text
 *    and servers send ISO-8859-1 by default;
 *  - a declared UTF-8 label on invalid UTF-8 gives way to uchardet's guess
 *    only if that guess decodes without a single replacement; otherwise the
 *    text is decoded as UTF-8 with replacements (how "declared").
 * uchardet sees at most 1 MiB, starting near the first non-ASCII byte; the
 * conversion itself is linear in the input, for files of hundreds of MB.
 */
#ifndef GI_CORE_TEXTENC_H
#define GI_CORE_TEXTENC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef struct textenc_result {
    char *text;          /* UTF-8, NUL-terminated, BOM removed; caller frees */
    size_t len;
    char charset[32];    /* what was decoded: "UTF-8", "GB18030", "UTF-16LE" ... */
    const char *how;     /* "bom", "utf8", "declared", "detected", "fallback" */
    size_t replaced;     /* invalid sequences replaced by U+FFFD */
} textenc_result;

/* declared may be NULL; fallback NULL means "GB18030". Fails only on an
 * unknown fallback or out of memory. */
bool textenc_decode(const char *data, size_t len, const char *declared,
                    const char *fallback, textenc_result *out, err *e);
void textenc_result_free(textenc_result *r);

/* Maps labels to the iconv name used to decode them: gb2312, gbk, x-gbk,
 * cp936, gb18030 -> "GB18030"; utf8 -> "UTF-8"; others upper-cased.
 * Writes at most outsz bytes. */
void textenc_canonical(const char *label, char *out, size_t outsz);

/* True when [data, data+len) is valid UTF-8 (no overlongs, no surrogates).
 * On false, *bad_offset (if not NULL) is the first invalid byte. */
bool utf8_valid(const char *data, size_t len, size_t *bad_offset);

#endif
