/* url — RFC 3986 reference resolution over the string, WHATWG clean-up of
 * what pages really write, and the normal form described in url.h.
 *
 * One pass builds the result in a stack buffer: the reference is trimmed the
 * way a browser trims an href, split at its delimiters, combined with the
 * base as RFC 3986 5.2.2 says, and each part is written out already
 * normalised (host lower-cased and converted to punycode, port checked,
 * escapes normalised, dot segments removed in place). The only allocation
 * is the result. url_normalize() is the same code with no base, so the
 * normal form is a fixed point: url_normalize(n) == n for every result n.
 *
 * Where browsers (the WHATWG URL standard) and RFC 3986 differ on input that
 * real pages contain, the browser wins, because a link checker must find
 * the page a visitor would reach:
 *   - leading and trailing C0 controls and spaces are trimmed, and ASCII
 *     tab, CR and LF removed anywhere;
 *   - "\" counts as "/" before the query;
 *   - any number of slashes may introduce the authority ("http:///x.cn/");
 *   - "http:path" and "http:/path" are relative when the base is http too
 *     (RFC 3986 5.4.2 calls this the backward-compatible reading);
 *   - the host is percent-decoded; the full-width and ideographic full
 *     stops (．。｡) separate labels and full-width ASCII letters and digits
 *     map to ASCII (UTS 46), so "政府。政务" and "ＷＷＷ.x.gov.cn" work.
 * Departures, for equality of pages: the userinfo ("user:pass@") is dropped,
 * since it names no different page and must not end up in stored reports;
 * one trailing dot of the host is dropped ("x.gov.cn." is the same host);
 * an empty query ("a.html?") is dropped; hosts with empty labels ("a..b")
 * are invalid, as DNS cannot resolve them. UTS 46 mapping is limited to
 * ASCII and Latin-1 case and the full-width forms above, which covers
 * Chinese host names; there is no NFC.
 */
#include "core/url.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/lang.h"

/* Longest reference or normal form accepted (most servers refuse request
 * lines beyond 8 KiB anyway). */
#define URL_MAX_LEN (URL_RESOLVE_BUF - 1) /* 8192 */
/* Longest non-ASCII host label, in code points, before punycode. */
#define LABEL_MAX_CP 256

/* ---- byte classes ------------------------------------------------------- */

enum { C_ESC = URL_CHAR_ESCAPE, C_UNRES = URL_CHAR_UNRESERVED, C_KEEP = URL_CHAR_RESERVED, C_PCT = URL_CHAR_PERCENT };

/* For paths and queries: unreserved characters are written raw (and their
 * escapes decoded), reserved characters keep the form they were written in
 * (raw "/" and "%2F" differ), everything else is escaped. */
const unsigned char url_char_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 2, 0, 0, 2, 3, 2, 2, 2, 2, 2, 2, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 0, 2, 0, 2,
    2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static const char hexdig[] = "0123456789ABCDEF";

static int hexval(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool is_slash(char c) { return c == '/' || c == '\\'; }

/* ---- output buffer ------------------------------------------------------ */

typedef struct wbuf {
    char *p;
    size_t n, cap; /* cap excludes the NUL */
    bool bad;      /* overflowed or invalid */
} wbuf;

static void w_put(wbuf *w, const char *s, size_t n) {
    if (n > w->cap - w->n) {
        w->bad = true;
        return;
    }
    memcpy(w->p + w->n, s, n);
    w->n += n;
}

static void w_putc(wbuf *w, char c) {
    if (w->n >= w->cap) {
        w->bad = true;
        return;
    }
    w->p[w->n++] = c;
}

/* Appends s[0..n) as the normal form of a path (backslashes become
 * slashes) or of a query. */
static void put_encoded(wbuf *w, const char *s, size_t n, bool path);

/* When the worst case (every byte escaped) might not fit: encode into a
 * scratch buffer, then copy if it fits. Kept out of line so that the common
 * case does not carry the big frame. */
__attribute__((noinline)) static void put_encoded_near_limit(wbuf *w, const char *s, size_t n,
                                                             bool path) {
    char tmp[3 * URL_MAX_LEN];
    if (n > URL_MAX_LEN) {
        w->bad = true;
        return;
    }
    wbuf t = {tmp, 0, sizeof tmp, false};
    put_encoded(&t, s, n, path);
    w_put(w, tmp, t.n);
}

static void put_encoded(wbuf *w, const char *s, size_t n, bool path) {
    if (w->bad) return;
    if (n > (w->cap - w->n) / 3) {
        put_encoded_near_limit(w, s, n, path);
        return;
    }
    /* Room for the worst case: no bounds checks below. */
    char *o = w->p + w->n;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = u[i];
        unsigned char k = url_char_class[c];
        if (k == C_UNRES || k == C_KEEP) {
            *o++ = (char)c;
        } else if (k == C_PCT) {
            int hi, lo;
            if (n - i >= 3 && (hi = hexval(u[i + 1])) >= 0 && (lo = hexval(u[i + 2])) >= 0) {
                unsigned char v = (unsigned char)(hi << 4 | lo);
                if (url_char_class[v] == C_UNRES) {
                    *o++ = (char)v;
                } else {
                    o[0] = '%', o[1] = hexdig[hi], o[2] = hexdig[lo];
                    o += 3;
                }
                i += 2;
            } else {
                o[0] = '%', o[1] = '2', o[2] = '5';
                o += 3;
            }
        } else if (c == '\\' && path) {
            *o++ = '/';
        } else {
            o[0] = '%', o[1] = hexdig[c >> 4], o[2] = hexdig[c & 15];
            o += 3;
        }
    }
    w->n = (size_t)(o - w->p);
}

/* RFC 3986 5.2.4 on a path that starts with "/", in place; returns the new
 * length. The output never outruns the input, so one buffer serves. */
static size_t remove_dots(char *p, size_t n) {
    size_t o = 0, i = 0;
    while (i < n) {
        /* p[i] == '/' */
        size_t j = i + 1;
        while (j < n && p[j] != '/') j++;
        size_t len = j - i - 1;
        bool last = j == n;
        if (len == 1 && p[i + 1] == '.') {
            if (last) p[o++] = '/';
        } else if (len == 2 && p[i + 1] == '.' && p[i + 2] == '.') {
            while (o > 0 && p[o - 1] != '/') o--;
            if (o > 0) o--;
            if (last) p[o++] = '/';
        } else {
            memmove(p + o, p + i, len + 1);
            o += len + 1;
        }
        i = j;
    }
    return o;
}

/* ---- host --------------------------------------------------------------- */

/* Reads one byte of a host, decoding %XX; -1 when an escape is malformed. */
static int host_byte(const char *h, size_t n, size_t *i) {
    unsigned char c = (unsigned char)h[*i];
    if (c != '%') {
        (*i)++;
        return c;
    }
    if (n - *i < 3) return -1;
    int a = hexval((unsigned char)h[*i + 1]), b = hexval((unsigned char)h[*i + 2]);
    if (a < 0 || b < 0) return -1;
    *i += 3;
    return a << 4 | b;
}

/* Reads one code point of a host (UTF-8 after percent-decoding); -1 when
 * malformed. */
static long host_cp(const char *h, size_t n, size_t *i) {
    int c = host_byte(h, n, i);
    if (c < 0x80) return c;
    int more;
    long cp;
    if (c >= 0xC2 && c <= 0xDF) more = 1, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) more = 2, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) more = 3, cp = c & 0x07;
    else return -1;
    for (int k = 0; k < more; k++) {
        if (*i >= n) return -1;
        int d = host_byte(h, n, i);
        if (d < 0 || (d & 0xC0) != 0x80) return -1;
        cp = cp << 6 | (d & 0x3F);
    }
    if ((more == 2 && cp < 0x800) || (more == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    return cp;
}

static char puny_digit(uint32_t d) { return (char)(d < 26 ? 'a' + d : '0' + d - 26); }

static uint32_t puny_adapt(uint32_t delta, uint32_t numpoints, bool first) {
    delta = first ? delta / 700 : delta / 2;
    delta += delta / numpoints;
    uint32_t k = 0;
    while (delta > ((36 - 1) * 26) / 2) {
        delta /= 36 - 1;
        k += 36;
    }
    return k + (36 * delta) / (delta + 38);
}

/* RFC 3492 encoding of one label, after "xn--". */
static bool puny_encode(wbuf *w, const uint32_t *cp, size_t n) {
    uint32_t nn = 128, delta = 0, bias = 72;
    size_t b = 0;
    for (size_t i = 0; i < n; i++)
        if (cp[i] < 0x80) w_putc(w, (char)cp[i]), b++;
    if (b > 0) w_putc(w, '-');
    size_t h = b;
    while (h < n) {
        uint32_t m = UINT32_MAX;
        for (size_t i = 0; i < n; i++)
            if (cp[i] >= nn && cp[i] < m) m = cp[i];
        if ((m - nn) > (UINT32_MAX - delta) / (uint32_t)(h + 1)) return false;
        delta += (m - nn) * (uint32_t)(h + 1);
        nn = m;
        for (size_t i = 0; i < n; i++) {
            if (cp[i] < nn && ++delta == 0) return false;
            if (cp[i] == nn) {
                uint32_t q = delta;
                for (uint32_t k = 36;; k += 36) {
                    uint32_t t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
                    if (q < t) break;
                    w_putc(w, puny_digit(t + (q - t) % (36 - t)));
                    q = (q - t) / (36 - t);
                }
                w_putc(w, puny_digit(q));
                bias = puny_adapt(delta, (uint32_t)(h + 1), h == b);
                delta = 0;
                h++;
            }
        }
        delta++;
        nn++;
    }
    return !w->bad;
}

/* An IPv6 literal "[...]": validated and written in the canonical text
 * form (lower case, longest zero run compressed). */
static bool put_ipv6(wbuf *w, const char *h, size_t n) {
    char in[64], txt[INET6_ADDRSTRLEN];
    unsigned char addr[16];
    if (n < 2 || h[n - 1] != ']' || n - 2 >= sizeof in) return false;
    memcpy(in, h + 1, n - 2);
    in[n - 2] = '\0';
    if (inet_pton(AF_INET6, in, addr) != 1) return false;
    if (!inet_ntop(AF_INET6, addr, txt, sizeof txt)) return false;
    w_putc(w, '[');
    w_put(w, txt, strlen(txt));
    w_putc(w, ']');
    return !w->bad;
}

/* Writes the normal form of host h[0..n): lower case, IDN labels as
 * punycode, no trailing dot. False when it is not a valid host. */
static bool put_host(wbuf *w, const char *h, size_t n) {
    if (n == 0) return false;
    if (h[0] == '[') return put_ipv6(w, h, n);
    size_t start = w->n; /* of the host */
    /* Nearly every host is already in normal form (lower-case letters,
     * digits, '-', '_', dots between non-empty labels, maybe one trailing
     * dot): copied at once, as the loop below would write it. */
    bool plain = h[0] != '.';
    for (size_t i = 0; plain && i < n; i++) {
        unsigned char c = (unsigned char)h[i];
        plain = (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_' ||
                (c == '.' && h[i - 1] != '.');
    }
    if (plain) {
        w_put(w, h, h[n - 1] == '.' ? n - 1 : n);
        return !w->bad && w->n > start;
    }
    uint32_t cps[LABEL_MAX_CP];
    size_t i = 0;
    for (;;) {
        /* One label, up to a dot or the end. */
        size_t lstart = w->n, ncp = 0;
        bool ascii = true, dot = false;
        while (i < n) {
            long cp;
            unsigned char c = (unsigned char)h[i];
            if (c < 0x80 && c != '%') {
                i++;
                cp = c;
            } else {
                cp = host_cp(h, n, &i);
                if (cp < 0) return false;
            }
            if (cp == 0x3002 || cp == 0xFF0E || cp == 0xFF61) cp = '.';
            else if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
            if (cp >= 'A' && cp <= 'Z') cp += 32;
            else if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) cp += 32;
            if (cp == '.') {
                dot = true;
                break;
            }
            if (cp < 0x80 && !(is_alpha((unsigned char)cp) || is_digit((unsigned char)cp) ||
                               cp == '-' || cp == '_'))
                return false;
            if (cp >= 0x80) ascii = false;
            else if (ascii) w_putc(w, (char)cp);
            /* Code points are kept for punycode; an ASCII label (which may be
             * the long punycode of a shorter one) has no limit. */
            if (ncp < LABEL_MAX_CP) cps[ncp] = (uint32_t)cp;
            else if (!ascii) return false;
            ncp++;
        }
        if (ncp == 0) return false; /* "", ".x", "a..b", "a.." */
        if (!ascii) {
            w->n = lstart;
            w_put(w, "xn--", 4);
            if (!puny_encode(w, cps, ncp)) return false;
        }
        if (!dot) break;
        if (i >= n) break; /* one trailing dot: dropped */
        w_putc(w, '.');
    }
    return !w->bad && w->n > start;
}

/* Writes host[:port] from an authority, dropping userinfo and the default
 * port. */
static bool put_authority(wbuf *w, const char *a, size_t n, bool https) {
    for (size_t i = n; i > 0; i--)
        if (a[i - 1] == '@') {
            a += i;
            n -= i;
            break;
        }
    size_t hl = n;
    if (n && a[0] == '[') {
        const char *rb = memchr(a, ']', n);
        if (!rb) return false;
        hl = (size_t)(rb - a) + 1;
        if (hl < n && a[hl] != ':') return false;
    } else {
        const char *colon = memchr(a, ':', n);
        if (colon) hl = (size_t)(colon - a);
    }
    if (!put_host(w, a, hl)) return false;
    if (hl < n) {
        /* a[hl] == ':' */
        long port = 0;
        size_t digits = 0;
        for (size_t i = hl + 1; i < n; i++) {
            if (!is_digit((unsigned char)a[i])) return false;
            port = port * 10 + (a[i] - '0');
            if (port > 65535) return false;
            digits++;
        }
        if (digits && port != (https ? 443 : 80)) {
            char num[8];
            size_t k = sizeof num;
            do num[--k] = (char)('0' + port % 10);
            while ((port /= 10) > 0);
            w_putc(w, ':');
            w_put(w, num + k, sizeof num - k);
        }
    }
    return !w->bad;
}

/* ---- references --------------------------------------------------------- */

typedef url_ref_parts ref_parts;

/* Length of the scheme before ':', or 0 when s does not start with one. */
static size_t scheme_len(const char *s, size_t n) {
    if (n == 0 || !is_alpha((unsigned char)s[0])) return 0;
    for (size_t i = 1; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ':') return i;
        if (!(is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.')) return 0;
    }
    return 0;
}

/* 1 for http, 2 for https, 0 otherwise. */
static int scheme_kind(const char *s, size_t n) {
    if (n == 4 && strncasecmp(s, "http", 4) == 0) return 1;
    if (n == 5 && strncasecmp(s, "https", 5) == 0) return 2;
    return 0;
}

/* Splits a reference without its scheme. With force_auth (an absolute
 * http(s) URL whose scheme differs from the base's) the authority starts
 * after any slashes; otherwise two slashes introduce it. */
static void split_ref(const char *s, size_t n, bool force_auth, ref_parts *p) {
    size_t i = 0;
    memset(p, 0, sizeof *p);
    if (force_auth || (n >= 2 && is_slash(s[0]) && is_slash(s[1]))) {
        while (i < n && is_slash(s[i])) i++;
        size_t a = i;
        while (i < n && !is_slash(s[i]) && s[i] != '?' && s[i] != '#') i++;
        p->has_auth = true;
        p->auth = s + a;
        p->auth_len = i - a;
    }
    const char *hash = memchr(s + i, '#', n - i);
    if (hash) n = (size_t)(hash - s);
    const char *q = memchr(s + i, '?', n - i);
    p->path = s + i;
    p->path_len = (q ? (size_t)(q - s) : n) - i;
    if (q) {
        p->has_query = true;
        p->query = q + 1;
        p->query_len = (size_t)(s + n - q - 1);
    }
}

/* Trims C0 controls and spaces at both ends and drops tab, CR and LF
 * anywhere, as browsers do; copies into buf only when something is
 * dropped inside. False when the result is longer than URL_MAX_LEN. */
static bool clean_ref(const char *ref, char *buf, const char **out, size_t *out_len) {
    const unsigned char *s = (const unsigned char *)ref;
    while (*s && *s <= 0x20) s++;
    size_t n = strlen((const char *)s);
    while (n > 0 && s[n - 1] <= 0x20) n--;
    if (!memchr(s, '\n', n) && !memchr(s, '\t', n) && !memchr(s, '\r', n)) {
        if (n > URL_MAX_LEN) return false;
        *out = (const char *)s;
        *out_len = n;
        return true;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '\t' || c == '\n' || c == '\r') continue;
        if (k == URL_MAX_LEN) return false;
        buf[k++] = (char)c;
    }
    *out = buf;
    *out_len = k;
    return true;
}

/* The scheme (*bs, 0 when not http(s)) and parts of a base URL. */
static void split_base(const char *base, int *bs, ref_parts *bp) {
    memset(bp, 0, sizeof *bp);
    *bs = 0;
    if (base) {
        size_t bn = strlen(base), bsl = scheme_len(base, bn);
        *bs = bsl && bn <= URL_MAX_LEN ? scheme_kind(base, bsl) : 0;
        if (*bs) split_ref(base + bsl + 1, bn - bsl - 1, true, bp);
    }
}

/* Resolves the cleaned reference r against a split base into buf
 * (URL_MAX_LEN + 1 bytes, NUL-terminated), its length in *len. */
static url_kind resolve_into(int bs, const ref_parts *bpp, const char *r, size_t rn, char *buf,
                             size_t *len) {
    *len = 0;
    size_t sl = scheme_len(r, rn);
    int rs = sl ? scheme_kind(r, sl) : 0;
    if (sl && !rs) {
        if (rn > URL_MAX_LEN) return URL_INVALID; /* clean_ref saw to it */
        memcpy(buf, r, rn);
        buf[rn] = '\0';
        *len = rn;
        return URL_OTHER;
    }

    const ref_parts bp = *bpp;
    ref_parts rp;
    int scheme;
    if (rs) {
        split_ref(r + sl + 1, rn - sl - 1, rs != bs, &rp);
        scheme = rs;
    } else {
        if (!bs) return URL_INVALID;
        split_ref(r, rn, false, &rp);
        scheme = bs;
    }

    /* RFC 3986 5.2.2. The path is written in up to two pieces: the base's
     * directory for a relative path, then the reference's path. */
    const char *auth, *dir = NULL, *path, *query = NULL;
    size_t auth_len, dir_len = 0, path_len, query_len = 0;
    if (rp.has_auth) {
        auth = rp.auth, auth_len = rp.auth_len;
        path = rp.path, path_len = rp.path_len;
        if (rp.has_query) query = rp.query, query_len = rp.query_len;
    } else {
        auth = bp.auth, auth_len = bp.auth_len;
        if (rp.path_len == 0) {
            path = bp.path, path_len = bp.path_len;
            if (rp.has_query) query = rp.query, query_len = rp.query_len;
            else if (bp.has_query) query = bp.query, query_len = bp.query_len;
        } else {
            path = rp.path, path_len = rp.path_len;
            if (!is_slash(rp.path[0])) {
                /* merge: the base path up to its last slash, or "/" */
                dir = "/", dir_len = 1;
                for (size_t i = bp.path_len; i > 0; i--)
                    if (is_slash(bp.path[i - 1])) {
                        dir = bp.path, dir_len = i;
                        break;
                    }
            }
            if (rp.has_query) query = rp.query, query_len = rp.query_len;
        }
    }

    wbuf w = {buf, 0, URL_MAX_LEN, false};
    if (scheme == 2) w_put(&w, "https://", 8);
    else w_put(&w, "http://", 7);
    if (!put_authority(&w, auth, auth_len, scheme == 2)) return URL_INVALID;
    size_t ps = w.n;
    if (dir_len && !is_slash(dir[0])) w_putc(&w, '/');
    else if (!dir_len && (path_len == 0 || !is_slash(path[0]))) w_putc(&w, '/');
    put_encoded(&w, dir, dir_len, true);
    put_encoded(&w, path, path_len, true);
    if (w.bad) return URL_INVALID;
    w.n = ps + remove_dots(buf + ps, w.n - ps);
    if (w.n == ps) w_putc(&w, '/');
    if (query_len) {
        w_putc(&w, '?');
        put_encoded(&w, query, query_len, false);
    }
    if (w.bad) return URL_INVALID;
    buf[w.n] = '\0';
    *len = w.n;
    return URL_HTTP;
}

static url_kind resolve(const char *base, const char *r, size_t rn, char **out) {
    ref_parts bp;
    int bs;
    split_base(base, &bs, &bp);
    char buf[URL_MAX_LEN + 1];
    size_t n;
    url_kind k = resolve_into(bs, &bp, r, rn, buf, &n);
    if (k == URL_INVALID) return k;
    char *o = malloc(n + 1);
    if (!o) return URL_INVALID;
    memcpy(o, buf, n + 1);
    *out = o;
    return k;
}

void url_base_init(url_base *b, const char *base) { split_base(base, &b->scheme, &b->parts); }

url_kind url_resolve_at(const url_base *b, const char *ref, char *out, size_t *len) {
    out[0] = '\0';
    *len = 0;
    if (!ref) return URL_INVALID;
    char clean[URL_MAX_LEN + 1];
    const char *r;
    size_t rn;
    if (!clean_ref(ref, clean, &r, &rn)) return URL_INVALID;
    url_kind k = resolve_into(b->scheme, &b->parts, r, rn, out, len);
    if (k == URL_INVALID) out[0] = '\0', *len = 0; /* what it wrote before failing */
    return k;
}

url_kind url_resolve(const char *base, const char *ref, char **out) {
    *out = NULL;
    if (!ref) return URL_INVALID;
    char clean[URL_MAX_LEN + 1];
    const char *r;
    size_t rn;
    if (!clean_ref(ref, clean, &r, &rn)) return URL_INVALID;
    return resolve(base, r, rn, out);
}

char *url_normalize(const char *absolute) {
    char *out = NULL;
    if (!absolute) return NULL;
    char clean[URL_MAX_LEN + 1];
    const char *r;
    size_t rn;
    if (!clean_ref(absolute, clean, &r, &rn)) return NULL;
    size_t sl = scheme_len(r, rn);
    if (!sl || !scheme_kind(r, sl)) return NULL;
    if (resolve(NULL, r, rn, &out) != URL_HTTP) {
        free(out);
        return NULL;
    }
    return out;
}

bool url_split(const char *u, url_parts *p) {
    memset(p, 0, sizeof *p);
    if (!u) return false;
    /* The normal forms start so; strstr would find the same "://". */
    const char *sep = !strncmp(u, "http://", 7) ? u + 4 : !strncmp(u, "https://", 8) ? u + 5
                                                                                     : strstr(u, "://");
    if (!sep) return false;
    size_t sl = (size_t)(sep - u);
    int kind = scheme_kind(u, sl);
    if (!kind) return false;
    p->scheme = u, p->scheme_len = sl;
    const char *h = sep + 3, *e = h;
    if (*h == '[') {
        e = strchr(h, ']');
        if (!e) return false;
        e++;
    } else {
        while (*e && *e != ':' && *e != '/' && *e != '?' && *e != '#') e++;
    }
    if (e == h) return false;
    p->host = h, p->host_len = (size_t)(e - h);
    p->port = kind == 2 ? 443 : 80;
    if (*e == ':') {
        long port = 0;
        e++;
        if (!is_digit((unsigned char)*e)) return false;
        while (is_digit((unsigned char)*e)) {
            port = port * 10 + (*e++ - '0');
            if (port > 65535) return false;
        }
        p->port = (int)port;
    }
    if (*e && *e != '/' && *e != '?' && *e != '#') return false;
    const char *q = e;
    while (*q && *q != '?' && *q != '#') q++;
    p->path = e, p->path_len = (size_t)(q - e);
    if (*q == '?') {
        const char *f = ++q;
        while (*f && *f != '#') f++;
        p->query = q, p->query_len = (size_t)(f - q);
    } else {
        p->query = q, p->query_len = 0;
    }
    return true;
}

/* ---- government hosts --------------------------------------------------- */

static bool ends_with_label(const char *h, size_t n, const char *suffix) {
    size_t sl = strlen(suffix);
    return n > sl + 1 && h[n - sl - 1] == '.' && memcmp(h + n - sl, suffix, sl) == 0;
}

bool url_host_is_government(const char *host, size_t host_len) {
    if (!host) return false;
    char buf[1024];
    wbuf w = {buf, 0, sizeof buf - 1, false};
    if (!put_host(&w, host, host_len)) return false;
    /* gov.cn, and 政务 in its punycode form */
    return ends_with_label(buf, w.n, "gov.cn") || ends_with_label(buf, w.n, "xn--zfr164b");
}

/* ---- scope -------------------------------------------------------------- */

typedef struct scope_entry {
    char *host;
    size_t host_len;
    char *prefix; /* path without a trailing slash; "" for the whole host */
    size_t prefix_len;
} scope_entry;

struct url_scope {
    scope_entry *v;
    size_t n, cap;
};

/* Adds the host and path prefix of a normalised URL. whole_host: the
 * entry was a bare host, so every path counts. */
static bool scope_add(url_scope *s, const char *norm, bool whole_host) {
    url_parts p;
    if (!url_split(norm, &p)) return false;
    size_t plen = whole_host ? 0 : p.path_len;
    if (plen) {
        /* A last segment naming a file (index.html) stands for its folder. */
        size_t slash = plen;
        while (slash > 0 && p.path[slash - 1] != '/') slash--;
        if (memchr(p.path + slash, '.', plen - slash)) plen = slash;
        while (plen > 0 && p.path[plen - 1] == '/') plen--;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        scope_entry *v = realloc(s->v, cap * sizeof *v);
        if (!v) return false;
        s->v = v, s->cap = cap;
    }
    scope_entry *en = &s->v[s->n];
    en->host = strndup(p.host, p.host_len);
    en->prefix = strndup(p.path, plen);
    if (!en->host || !en->prefix) {
        free(en->host);
        free(en->prefix);
        return false;
    }
    en->host_len = p.host_len, en->prefix_len = plen;
    s->n++;
    return true;
}

url_scope *url_scope_new(const char *home_url, const char *hosts, err *e) {
    url_scope *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    char *norm = home_url ? url_normalize(home_url) : NULL;
    if (!norm) {
        err_set(e, ERR_INPUT, L("not a valid home URL: %.200s", "首页网址无效：%.200s"),
                home_url ? home_url : "");
        url_scope_free(s);
        return NULL;
    }
    bool ok = scope_add(s, norm, false);
    free(norm);
    const char *seps = " \t\r\n,;";
    for (const char *t = hosts ? hosts : ""; ok && *t;) {
        t += strspn(t, seps);
        size_t tl = strcspn(t, seps);
        if (!tl) break;
        /* A token without a scheme is a bare host or a URL prefix
         * without its "http://". */
        bool has_scheme = false;
        for (size_t i = 0; i + 2 < tl; i++)
            if (t[i] == ':' && t[i + 1] == '/' && t[i + 2] == '/') has_scheme = true;
        bool bare = !has_scheme && !memchr(t, '/', tl) && !memchr(t, '\\', tl);
        char *tok = malloc(tl + 8);
        if (!tok) {
            ok = false;
            break;
        }
        size_t k = has_scheme ? 0 : 7;
        memcpy(tok, "http://", k);
        memcpy(tok + k, t, tl);
        tok[k + tl] = '\0';
        norm = url_normalize(tok);
        free(tok);
        if (!norm) {
            err_set(e, ERR_INPUT, L("not a valid host or URL in hosts: %.*s",
                                    "其他域名中有无效的主机名或网址：%.*s"),
                    (int)(tl > 200 ? 200 : tl), t);
            url_scope_free(s);
            return NULL;
        }
        ok = scope_add(s, norm, bare);
        free(norm);
        t += tl;
    }
    if (!ok) {
        err_set(e, ERR_NOMEM, "out of memory");
        url_scope_free(s);
        return NULL;
    }
    return s;
}

bool url_in_scope(const url_scope *s, const char *normalized) {
    url_parts p;
    if (!s || !url_split(normalized, &p)) return false;
    for (size_t i = 0; i < s->n; i++) {
        const scope_entry *en = &s->v[i];
        if (en->host_len != p.host_len || strncasecmp(en->host, p.host, p.host_len) != 0)
            continue;
        if (en->prefix_len == 0) return true;
        if (p.path_len >= en->prefix_len && memcmp(p.path, en->prefix, en->prefix_len) == 0 &&
            (p.path_len == en->prefix_len || p.path[en->prefix_len] == '/'))
            return true;
    }
    return false;
}

void url_scope_free(url_scope *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].host);
        free(s->v[i].prefix);
    }
    free(s->v);
    free(s);
}
