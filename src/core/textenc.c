#include "core/textenc.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uchardet/uchardet.h>

#include "core/lang.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD in UTF-8 */
#define REPLACEMENT_LEN 3

/* uchardet sees at most this much: enough for any real signal, and a
 * file of hundreds of MB is not fed through it whole. */
#define DETECT_SAMPLE ((size_t)1 << 20)

/* ---- UTF-8 ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. When
 * invalid, *bad_len is the length of the maximal ill-formed prefix (at least
 * 1), which becomes one U+FFFD (the Unicode "maximal subpart" rule). */
static size_t utf8_seq(const unsigned char *s, size_t avail, size_t *bad_len) {
    unsigned char c = s[0];
    *bad_len = 1;
    if (c < 0x80) return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0) lo = 0xA0;      /* overlong */
        else if (c == 0xED) hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0) lo = 0x90;      /* overlong */
        else if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0; /* continuation byte, C0/C1 overlong lead, F5..FF */
    }
    for (size_t i = 1; i < need; i++) {
        if (i >= avail) return 0; /* truncated: the prefix so far is one bad sequence */
        unsigned char b = s[i];
        unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
        if (b < l || b > h) return 0;
        *bad_len = i + 1;
    }
    return need;
}

bool utf8_valid(const char *data, size_t len, size_t *bad_offset) {
    const unsigned char *s = (const unsigned char *)data;
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            /* ASCII, most of any real file: eight bytes at a time while it
             * lasts, then byte by byte up to the next non-ASCII byte. */
            while (len - i >= 8) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ULL) break;
                i += 8;
            }
            while (i < len && s[i] < 0x80) i++;
            continue;
        }
        /* The common sequences inline: CJK (three bytes, E1..EC, EE, EF:
         * no overlong or surrogate check needed) and two-byte ones. */
        unsigned char c = s[i];
        if (c >= 0xE1) { /* a run of them, Chinese text being mostly that */
            size_t j = i;
            while (len - j >= 3) {
                unsigned t = (unsigned)s[j] - 0xE1u; /* E1..EC: 0..11, EE: 13, EF: 14 */
                if (t > 14 || t == 12 || ((s[j + 1] | (unsigned)s[j + 2] << 8) & 0xC0C0u) != 0x8080u)
                    break;
                j += 3;
            }
            if (j > i) {
                i = j;
                continue;
            }
        }
        if (len - i >= 2 && c >= 0xC2 && c <= 0xDF && (s[i + 1] & 0xC0) == 0x80) {
            i += 2;
            continue;
        }
        size_t bad;
        size_t n = utf8_seq(s + i, len - i, &bad);
        if (n == 0) {
            if (bad_offset) *bad_offset = i;
            return false;
        }
        i += n;
    }
    return true;
}

/* ---- output buffer -------------------------------------------------- */

typedef struct outbuf {
    char *p;
    size_t len, cap;
} outbuf;

static bool outbuf_reserve(outbuf *o, size_t extra) {
    if (o->cap - o->len > extra) return true; /* keep room for the NUL */
    size_t cap = o->cap ? o->cap : 256;
    while (cap - o->len <= extra) {
        if (cap > SIZE_MAX / 2) return false;
        cap *= 2;
    }
    char *p = realloc(o->p, cap);
    if (!p) return false;
    o->p = p;
    o->cap = cap;
    return true;
}

static bool outbuf_append(outbuf *o, const char *s, size_t n) {
    if (!outbuf_reserve(o, n)) return false;
    memcpy(o->p + o->len, s, n);
    o->len += n;
    return true;
}

/* ---- decoders ------------------------------------------------------- */

/* UTF-8 to UTF-8, each ill-formed subpart replaced by U+FFFD. Valid
 * stretches are found by utf8_valid and copied whole. */
static bool decode_utf8_lossy(const char *data, size_t len, outbuf *o, size_t *replaced) {
    const unsigned char *s = (const unsigned char *)data;
    if (!outbuf_reserve(o, len + 16)) return false;
    size_t i = 0;
    for (;;) {
        size_t bad;
        if (utf8_valid(data + i, len - i, &bad)) return outbuf_append(o, data + i, len - i);
        if (!outbuf_append(o, data + i, bad) || !outbuf_append(o, REPLACEMENT, REPLACEMENT_LEN))
            return false;
        (*replaced)++;
        i += bad;
        size_t span;
        utf8_seq(s + i, len - i, &span);
        i += span;
    }
}

/* Any charset iconv knows to UTF-8, the whole input in one pass (it is all
 * in memory, so an incomplete sequence can only be the tail). An invalid
 * sequence costs one input unit (a byte; two for UTF-16, which must stay
 * aligned) and becomes U+FFFD; an incomplete tail becomes one U+FFFD. The
 * output grows by doubling, so hundreds of MB convert in linear time.
 * Returns false only when out of memory. */
static bool decode_iconv(iconv_t cd, const char *data, size_t len, size_t unit, outbuf *o,
                         size_t *replaced) {
    char *in = (char *)data; /* iconv's prototype is not const-correct */
    size_t inleft = len;
    if (!outbuf_reserve(o, len + len / 2 + 16)) return false;
    while (inleft) {
        char *out = o->p + o->len;
        size_t outleft = o->cap - o->len - 1;
        size_t rc = iconv(cd, &in, &inleft, &out, &outleft);
        int saved = errno;
        o->len = (size_t)(out - o->p);
        if (rc != (size_t)-1) continue;
        if (saved == E2BIG) {
            if (!outbuf_reserve(o, o->cap)) return false;
            continue;
        }
        if (!outbuf_append(o, REPLACEMENT, REPLACEMENT_LEN)) return false;
        (*replaced)++;
        if (saved == EILSEQ) {
            size_t skip = unit < inleft ? unit : inleft;
            in += skip;
            inleft -= skip;
            iconv(cd, NULL, NULL, NULL, NULL); /* no shift state survives a bad spot */
        } else {
            inleft = 0; /* EINVAL (incomplete tail) or anything unexpected: stop here */
        }
    }
    for (;;) { /* flush a stateful encoding's pending output */
        char *out = o->p + o->len;
        size_t outleft = o->cap - o->len - 1;
        size_t rc = iconv(cd, NULL, NULL, &out, &outleft);
        int saved = errno;
        o->len = (size_t)(out - o->p);
        if (rc != (size_t)-1 || saved != E2BIG) return true;
        if (!outbuf_reserve(o, o->cap)) return false;
    }
}

/* ---- labels --------------------------------------------------------- */

static bool label_is(const char *a, const char *b) { return strcasecmp(a, b) == 0; }

void textenc_canonical(const char *label, char *out, size_t outsz) {
    static const char *const gb[] = {
        "gb2312",    "gbk",      "x-gbk",           "cp936",        "gb18030",
        "gb_2312-80", "gb_2312", "gb-2312",         "euc-cn",       "x-euc-cn",
        "csgb2312",  "chinese",  "csiso58gb231280", "iso-ir-58",    "windows-936",
        "ms936",     "936",      "gb2312-80",       "x-gb18030",    "gb_18030",
    };
    static const char *const utf8[] = {"utf8", "utf-8", "unicode-1-1-utf-8", "x-utf-8"};
    if (!outsz) return;
    char trimmed[64];
    size_t n = 0;
    if (label) {
        while (isspace((unsigned char)*label) || *label == '"' || *label == '\'') label++;
        while (label[n] && n + 1 < sizeof trimmed) {
            trimmed[n] = label[n];
            n++;
        }
    }
    while (n && (isspace((unsigned char)trimmed[n - 1]) || trimmed[n - 1] == '"' ||
                 trimmed[n - 1] == '\''))
        n--;
    trimmed[n] = '\0';
    const char *canon = NULL;
    for (size_t i = 0; i < sizeof gb / sizeof *gb && !canon; i++)
        if (label_is(trimmed, gb[i])) canon = "GB18030";
    for (size_t i = 0; i < sizeof utf8 / sizeof *utf8 && !canon; i++)
        if (label_is(trimmed, utf8[i])) canon = "UTF-8";
    if (canon) {
        snprintf(out, outsz, "%s", canon);
        return;
    }
    size_t i = 0;
    for (; trimmed[i] && i + 1 < outsz; i++) out[i] = (char)toupper((unsigned char)trimmed[i]);
    out[i] = '\0';
}

/* Single-byte charsets (Western ones first of all): almost any byte string
 * is "valid" in them, so detectors answer them for short GBK text. */
static bool is_single_byte(const char *canon) {
    static const char *const prefixes[] = {
        "ISO-8859-", "ISO8859-", "WINDOWS-125", "CP125", "LATIN", "US-ASCII", "ASCII",
        "KOI8-",     "IBM",      "CP8",         "MAC",   "TIS-620", "VISCII",
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(canon, prefixes[i], strlen(prefixes[i])) == 0) return true;
    return false;
}

/* ---- decode --------------------------------------------------------- */

static void set_charset(textenc_result *out, const char *name) {
    snprintf(out->charset, sizeof out->charset, "%s", name);
}

/* Decodes with `canon` into a fresh result. Returns 1 on success, 0 when
 * iconv does not know the charset, -1 when out of memory. */
static int decode_as(const char *data, size_t len, const char *canon, const char *how,
                     textenc_result *out) {
    outbuf o = {NULL, 0, 0};
    size_t replaced = 0;
    bool ok;
    if (strcmp(canon, "UTF-8") == 0) {
        ok = decode_utf8_lossy(data, len, &o, &replaced);
    } else {
        iconv_t cd = iconv_open("UTF-8", canon);
        if (cd == (iconv_t)-1) return 0;
        size_t unit = strncmp(canon, "UTF-16", 6) == 0 || strncmp(canon, "UCS-2", 5) == 0 ? 2 : 1;
        ok = decode_iconv(cd, data, len, unit, &o, &replaced);
        iconv_close(cd);
    }
    if (!ok || !outbuf_reserve(&o, 0)) {
        free(o.p);
        return -1;
    }
    /* A BOM that survived decoding (GB18030 has one too) is not text. */
    if (o.len >= 3 && memcmp(o.p, "\xEF\xBB\xBF", 3) == 0) {
        memmove(o.p, o.p + 3, o.len - 3);
        o.len -= 3;
    }
    o.p[o.len] = '\0';
    textenc_result_free(out);
    out->text = o.p;
    out->len = o.len;
    out->replaced = replaced;
    out->how = how;
    set_charset(out, canon);
    return 1;
}

static bool charset_known(const char *canon) {
    if (strcmp(canon, "UTF-8") == 0) return true;
    iconv_t cd = iconv_open("UTF-8", canon);
    if (cd == (iconv_t)-1) return false;
    iconv_close(cd);
    return true;
}

/* uchardet's answer, canonicalised; "" when it has none. The sample starts
 * a little before the first non-ASCII byte, because that is where the
 * evidence is (a file may open with pages of ASCII). */
static void detect(const char *data, size_t len, char *out, size_t outsz) {
    out[0] = '\0';
    size_t first_high = 0;
    while (first_high < len && (unsigned char)data[first_high] < 0x80) first_high++;
    size_t from = first_high > 4096 ? first_high - 4096 : 0;
    size_t n = len - from < DETECT_SAMPLE ? len - from : DETECT_SAMPLE;
    uchardet_t ud = uchardet_new();
    if (!ud) return;
    if (uchardet_handle_data(ud, data + from, n) == 0) {
        uchardet_data_end(ud);
        const char *cs = uchardet_get_charset(ud);
        if (cs && *cs) textenc_canonical(cs, out, outsz);
    }
    uchardet_delete(ud);
}

static bool nomem(textenc_result *out, err *e) {
    textenc_result_free(out);
    return err_set(e, ERR_NOMEM, "%s", L("out of memory while decoding text", "解码文本时内存不足"));
}

/* A single-byte label (declared or detected) on bytes that decode cleanly
 * as GB18030 is taken for what Chinese data almost always is: GBK, unless
 * the caller chose another fallback.
 * Returns 1 when *out now holds the GB18030 text, 0 when not, -1 on OOM. */
static int prefer_gb18030(const char *data, size_t len, const char *label, bool fallback_is_gb,
                          textenc_result *out) {
    if (!fallback_is_gb || !is_single_byte(label)) return 0;
    int rc = decode_as(data, len, "GB18030", "fallback", out);
    if (rc <= 0) return rc;
    if (out->replaced == 0) return 1;
    textenc_result_free(out);
    return 0;
}

bool textenc_decode(const char *data, size_t len, const char *declared, const char *fallback,
                    textenc_result *out, err *e) {
    memset(out, 0, sizeof *out);
    if (!data) data = "";

    char fb[32];
    textenc_canonical(fallback ? fallback : "GB18030", fb, sizeof fb);
    if (!charset_known(fb))
        return err_set(e, ERR_USAGE, L("unknown encoding \"%s\"", "未知的编码“%s”"),
                       fallback ? fallback : "GB18030");
    const bool fallback_is_gb = strcmp(fb, "GB18030") == 0;
    const unsigned char *u = (const unsigned char *)data;

    /* 1. A byte order mark settles it. */
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        return decode_as(data + 3, len - 3, "UTF-8", "bom", out) > 0 || nomem(out, e);
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        return decode_as(data + 2, len - 2, "UTF-16LE", "bom", out) > 0 || nomem(out, e);
    if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        return decode_as(data + 2, len - 2, "UTF-16BE", "bom", out) > 0 || nomem(out, e);

    /* 2. Valid UTF-8 is UTF-8, whatever a label claims. ASCII included. */
    if (utf8_valid(data, len, NULL)) {
        out->text = malloc(len + 1);
        if (!out->text) return nomem(out, e);
        memcpy(out->text, data, len);
        out->text[len] = '\0';
        out->len = len;
        out->how = "utf8";
        set_charset(out, "UTF-8");
        return true;
    }

    /* 3. The declared charset. A UTF-8 label has just been disproved, so
     * the detector may overrule it (below); a Western label on clean
     * GB18030 bytes is taken for GBK. */
    char decl[32] = "";
    if (declared && *declared) textenc_canonical(declared, decl, sizeof decl);
    const bool declared_utf8 = strcmp(decl, "UTF-8") == 0;
    if (decl[0] && !declared_utf8 && charset_known(decl)) {
        int rc = prefer_gb18030(data, len, decl, fallback_is_gb, out);
        if (rc < 0) return nomem(out, e);
        if (rc > 0) return true;
        rc = decode_as(data, len, decl, "declared", out);
        if (rc < 0) return nomem(out, e);
        if (rc > 0) return true;
    }

    /* 4. uchardet's guess. */
    char guess[32];
    detect(data, len, guess, sizeof guess);
    if (guess[0] && strcmp(guess, "ASCII") != 0 && charset_known(guess)) {
        int rc = prefer_gb18030(data, len, guess, fallback_is_gb, out);
        if (rc < 0) return nomem(out, e);
        if (rc > 0) return true;
        if (declared_utf8 && strcmp(guess, "UTF-8") != 0) {
            /* Overrule the UTF-8 label only on a clean decode. */
            rc = decode_as(data, len, guess, "detected", out);
            if (rc < 0) return nomem(out, e);
            if (rc > 0 && out->replaced == 0) return true;
            textenc_result_free(out);
        } else if (!declared_utf8) {
            rc = decode_as(data, len, guess, "detected", out);
            if (rc < 0) return nomem(out, e);
            if (rc > 0) return true;
        }
    }
    if (declared_utf8)
        return decode_as(data, len, "UTF-8", "declared", out) > 0 || nomem(out, e);

    /* 5. The fallback. */
    return decode_as(data, len, fb, "fallback", out) > 0 || nomem(out, e);
}

void textenc_result_free(textenc_result *r) {
    if (!r) return;
    free(r->text);
    r->text = NULL;
    r->len = 0;
    r->replaced = 0;
}
