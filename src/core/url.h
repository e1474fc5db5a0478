/* url — parsing, resolving and normalising URLs, and site scope.
 *
 * The crawler meets every URL many times (a footer link on 20,000 pages), so
 * normalisation is a pure string function with no allocation beyond its
 * result, and two URLs are the same page exactly when their normal forms are
 * equal. The normal form of an http(s) URL:
 *   - scheme and host lower-cased; an IDN host ("政府.政务") in punycode
 *     ("xn--mxtq1m.xn--zfr164b"); the host's trailing dot, the userinfo
 *     ("user:pass@": names no other page and must not reach reports) and
 *     the default port (:80 for http, :443 for https) dropped; an IPv6
 *     literal in canonical form; an empty path becomes "/";
 *   - dot segments removed (RFC 3986 5.2.4); the fragment dropped;
 *   - percent-escapes of unreserved characters decoded, other escapes
 *     upper-cased, a "%" not starting an escape written "%25"; bytes that
 *     must be escaped (spaces, controls, non-ASCII) escaped as UTF-8, so a
 *     link written with raw Chinese and one escaped match; reserved
 *     characters ("/", "&", "=" ...) kept raw or escaped as written;
 *   - the query kept in its order (order matters to many CMSs), escapes
 *     normalised as in the path; an empty query ("a.html?") dropped.
 * Hrefs are read as browsers read them (WHATWG URL standard): C0 controls
 * and spaces trimmed at the ends, tab/CR/LF removed anywhere, "\" taken as
 * "/" before the query, "http:path" relative to an http base. A reference
 * or a normal form longer than 8 KiB is invalid.
 * Only http and https URLs are normalised; other schemes (mailto:,
 * javascript:, tel:, data:) are reported as such so that link checks can
 * skip them without calling them broken.
 *
 * Scope (interface: sites.csv): a URL is in a site's scope when its host
 * equals the registered URL's host and its path is under the registered
 * path, or it falls under one of the site's `hosts` (a bare host: any path
 * on it; a URL prefix: paths under it). http and https count as the same,
 * and so do ports. "Under" goes by whole segments: /sub covers /sub,
 * /sub/ and /sub/a but not /subother; a last segment naming a file
 * (with a dot: /sub/index.html) stands for its folder, and the query is
 * ignored. Hosts compare case-insensitively after normalisation.
 */
#ifndef GI_CORE_URL_H
#define GI_CORE_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef enum {
    URL_HTTP,      /* http or https: normalised */
    URL_OTHER,     /* mailto:, tel:, javascript:, data:, ftp: ... not checked */
    URL_INVALID,   /* cannot be parsed or resolved */
} url_kind;

/* Resolves `ref` (as written in an href) against `base` (an absolute
 * normalised URL; NULL or not http(s): only absolute http(s) references
 * resolve) by RFC 3986 5.2.2 and normalises the result. Returns the kind;
 * for URL_HTTP *out is the normal form (caller frees); for URL_OTHER *out
 * is the reference as written, trimmed as above (caller frees); for
 * URL_INVALID *out is NULL. Allocates only the result. */
url_kind url_resolve(const char *base, const char *ref, char **out);

/* The same for many references against one base (a page's links): the
 * base is read once, by url_base_init (it must outlive b), and
 * url_resolve_at writes the result into out, of URL_RESOLVE_BUF bytes,
 * NUL-terminated, its length in *len: the normal form (URL_HTTP), the
 * reference as written, trimmed (URL_OTHER), "" (URL_INVALID). Results
 * equal url_resolve's. Allocates nothing. */
#define URL_RESOLVE_BUF 8193
typedef struct url_ref_parts { /* internal to url.c */
    bool has_auth, has_query;
    const char *auth, *path, *query;
    size_t auth_len, path_len, query_len;
} url_ref_parts;
typedef struct url_base {
    int scheme;          /* 1 http, 2 https, 0 none (only absolute references resolve) */
    url_ref_parts parts; /* the base's, without its scheme */
} url_base;
void url_base_init(url_base *b, const char *base);
url_kind url_resolve_at(const url_base *b, const char *ref, char *out, size_t *len);

/* Normalises an absolute URL; NULL when it is not a valid http(s) URL. */
char *url_normalize(const char *absolute);

/* The parts of a normalised URL, pointing into it (not NUL-terminated). */
typedef struct url_parts {
    const char *scheme; size_t scheme_len;
    const char *host; size_t host_len;   /* without port */
    int port;                            /* explicit port, or the default */
    const char *path; size_t path_len;   /* from '/' up to '?' */
    const char *query; size_t query_len; /* after '?', may be empty */
} url_parts;
bool url_split(const char *normalized, url_parts *out);

/* A site's scope, built once per site from its registered URL and hosts. */
typedef struct url_scope url_scope;
url_scope *url_scope_new(const char *home_url, const char *hosts, err *e);
bool url_in_scope(const url_scope *s, const char *normalized);
void url_scope_free(url_scope *s);

/* How a byte is written in a path or query: unreserved characters raw (and
 * their escapes decoded), reserved ones as written, '%' starts an escape,
 * anything else escaped. Shared with robots.txt matching. */
enum { URL_CHAR_ESCAPE = 0, URL_CHAR_UNRESERVED = 1, URL_CHAR_RESERVED = 2, URL_CHAR_PERCENT = 3 };
extern const unsigned char url_char_class[256];

/* True when the host ends in .gov.cn or .政务 (or its punycode form
 * .xn--zfr164b), in any case, raw or punycode, with or without a trailing
 * dot; "gov.cn.evil.com" and "notgov.cn" do not. */
bool url_host_is_government(const char *host, size_t host_len);

#endif
