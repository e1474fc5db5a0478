/* robots — see robots.h.
 *
 * One pass over the lines collects two rule sets: the rules of the groups
 * that name our product token and those of the groups that name "*". A
 * group is a run of user-agent lines and the rules after it; a user-agent
 * line after a rule starts the next group; rules before any user-agent line
 * belong to no group. At the end the first set is kept when any group named
 * us (even a group without rules), else the second.
 *
 * Patterns and paths are compared in one percent-encoded form: escapes of
 * unreserved characters decoded, other escapes upper-cased, bytes outside
 * printable ASCII escaped as UTF-8 (the same rules as the URL module). In
 * the pattern a raw "*" is the wildcard and a final "$" the anchor; a "$"
 * elsewhere and any "*" or "$" in the path are escaped, so "%2A" and "%24"
 * in a pattern match those characters literally (RFC 9309 2.2.3).
 *
 * Leniency, as Google's parser: keys are case-insensitive and a few common
 * misspellings are accepted ("useragent", "dissallow", "crawldelay"); a
 * line without a colon is read as "key value" when the key is known; a
 * pattern not starting with "/" or "*" gets a "/" ("Disallow: admin/").
 * The rule with the longest pattern (in octets, as normalised, counting
 * "*" and "$") decides; an Allow wins a tie; /robots.txt is always allowed.
 * Crawl-delay: "10", "0.5", ".5"; when several apply, the largest; capped
 * at a day here (the caller applies its own, lower cap).
 */
#define _GNU_SOURCE /* memmem */
#include "crawl/robots.h"

#include "core/url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sbuf.h"

/* RFC 9309 2.5: crawlers must parse at least 500 KiB. */
#define ROBOTS_MAX_BYTES ((size_t)500 * 1024)
/* Longer lines are skipped whole. */
#define ROBOTS_MAX_LINE 8192
#define ROBOTS_MAX_DELAY_MS 86400000L

typedef struct rule {
    size_t off, len; /* the pattern in robots.pat, without a final "$" */
    size_t prio;     /* octets of the pattern, "$" included */
    bool allow, anchored;
} rule;

struct robots {
    rule *v;
    size_t n, cap;
    sbuf pat;      /* all patterns, back to back */
    long delay_ms; /* -1: none */
    bool named;    /* a group named this set's agent */
};


static int rb_hex(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void rb_pct(sbuf *b, unsigned char v) {
    static const char hex[] = "0123456789ABCDEF";
    char e[3] = {'%', hex[v >> 4], hex[v & 15]};
    sbuf_append(b, e, 3);
}

/* Appends s[0..n) in the compared form; pattern: keep "*" as wildcard. */
static void rb_encode(sbuf *b, const char *s, size_t n, bool pattern) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int hi = n - i >= 3 ? rb_hex((unsigned char)s[i + 1]) : -1;
            int lo = n - i >= 3 ? rb_hex((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                sbuf_append(b, "%25", 3);
                continue;
            }
            unsigned char v = (unsigned char)(hi << 4 | lo);
            if (url_char_class[v] == URL_CHAR_UNRESERVED) sbuf_putc(b, (char)v);
            else rb_pct(b, v);
            i += 2;
        } else if (c == '*') {
            if (pattern) sbuf_putc(b, '*');
            else rb_pct(b, c);
        } else if (c == '$' || url_char_class[c] == URL_CHAR_ESCAPE) {
            rb_pct(b, c);
        } else {
            sbuf_putc(b, (char)c);
        }
    }
}

static robots *rb_new(void) {
    robots *r = calloc(1, sizeof *r);
    if (r) r->delay_ms = -1;
    return r;
}

static void rb_add_rule(robots *r, bool allow, const char *v, size_t n) {
    bool anchored = n > 0 && v[n - 1] == '$';
    if (anchored) n--;
    if (n == 0) return; /* "Disallow: $": nothing sensible to match */
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        rule *nv = realloc(r->v, cap * sizeof *nv);
        if (!nv) return;
        r->v = nv, r->cap = cap;
    }
    size_t off = r->pat.len;
    if (v[0] != '/' && v[0] != '*') sbuf_putc(&r->pat, '/');
    rb_encode(&r->pat, v, n, true);
    if (r->pat.oom) return;
    rule *ru = &r->v[r->n++];
    ru->off = off;
    ru->len = r->pat.len - off;
    ru->prio = ru->len + anchored;
    ru->allow = allow;
    ru->anchored = anchored;
}

/* "10", "0.5", ".5" seconds; -1 when not a number. */
static long rb_parse_delay(const char *v, size_t n) {
    size_t i = 0;
    long sec = 0, ms = 0, scale = 100;
    bool digits = false;
    for (; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits = true)
        if (sec < ROBOTS_MAX_DELAY_MS) sec = sec * 10 + (v[i] - '0');
    if (i < n && v[i] == '.')
        for (i++; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits = true, scale /= 10)
            ms += (v[i] - '0') * scale;
    if (!digits || i != n) return -1;
    if (sec >= ROBOTS_MAX_DELAY_MS / 1000) return ROBOTS_MAX_DELAY_MS;
    return sec * 1000 + ms;
}

/* Length of the product token at the start of s: [A-Za-z_-]*. */
static size_t rb_token_len(const char *s, size_t n) {
    size_t i = 0;
    while (i < n && (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') || s[i] == '_' || s[i] == '-'))
        i++;
    return i;
}

static bool rb_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

enum { K_NONE, K_AGENT, K_ALLOW, K_DISALLOW, K_DELAY };

static int rb_key(const char *k, size_t n) {
    static const struct {
        const char *name;
        int key;
    } keys[] = {
        {"user-agent", K_AGENT},   {"useragent", K_AGENT},    {"user agent", K_AGENT},
        {"allow", K_ALLOW},        {"disallow", K_DISALLOW},  {"dissallow", K_DISALLOW},
        {"dissalow", K_DISALLOW},  {"disalow", K_DISALLOW},   {"diasllow", K_DISALLOW},
        {"disallaw", K_DISALLOW},  {"crawl-delay", K_DELAY},  {"crawldelay", K_DELAY},
        {"crawl delay", K_DELAY},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i].name) == n && strncasecmp(keys[i].name, k, n) == 0) return keys[i].key;
    return K_NONE;
}

typedef struct rb_state {
    robots *mine, *star;
    const char *agent;
    size_t agent_len;
    bool in_agents;       /* the previous directive was a user-agent line */
    bool g_mine, g_star;  /* the current group names us / names "*" */
} rb_state;

static void rb_line(rb_state *st, const char *s, size_t n) {
    const char *hash = memchr(s, '#', n);
    if (hash) n = (size_t)(hash - s);
    while (n > 0 && rb_space(*s)) s++, n--;
    while (n > 0 && rb_space(s[n - 1])) n--;
    if (n == 0) return;
    const char *colon = memchr(s, ':', n);
    size_t kn;
    const char *v;
    if (colon) {
        kn = (size_t)(colon - s);
        v = colon + 1;
    } else {
        kn = 0;
        while (kn < n && !rb_space(s[kn])) kn++;
        v = s + kn;
    }
    size_t vn = n - (size_t)(v - s);
    while (kn > 0 && rb_space(s[kn - 1])) kn--;
    while (vn > 0 && rb_space(*v)) v++, vn--;
    int key = rb_key(s, kn);
    if (key == K_NONE) return; /* sitemap:, host:, garbage */
    if (key == K_AGENT) {
        if (!st->in_agents) st->g_mine = st->g_star = false;
        st->in_agents = true;
        if (vn > 0 && v[0] == '*' && (vn == 1 || rb_space(v[1]))) {
            st->g_star = st->star->named = true;
        } else {
            size_t tl = rb_token_len(v, vn);
            if (tl > 0 && tl == st->agent_len && strncasecmp(v, st->agent, tl) == 0)
                st->g_mine = st->mine->named = true;
        }
        return;
    }
    st->in_agents = false;
    if (key == K_DELAY) {
        long ms = rb_parse_delay(v, vn);
        if (ms < 0) return;
        if (st->g_mine && ms > st->mine->delay_ms) st->mine->delay_ms = ms;
        if (st->g_star && ms > st->star->delay_ms) st->star->delay_ms = ms;
        return;
    }
    if (vn == 0) return; /* an empty Disallow allows everything: no rule */
    if (st->g_mine) rb_add_rule(st->mine, key == K_ALLOW, v, vn);
    if (st->g_star) rb_add_rule(st->star, key == K_ALLOW, v, vn);
}

robots *robots_parse(const char *text, size_t len, const char *agent) {
    rb_state st = {rb_new(), rb_new(), agent ? agent : "", 0, false, false, false};
    if (!st.mine || !st.star) {
        robots_free(st.mine);
        robots_free(st.star);
        return NULL;
    }
    st.agent_len = rb_token_len(st.agent, strlen(st.agent));
    if (!text) len = 0;
    if (len > ROBOTS_MAX_BYTES) {
        /* Cut at the last line end before the cap: no half rule. */
        len = ROBOTS_MAX_BYTES;
        while (len > 0 && text[len - 1] != '\n' && text[len - 1] != '\r') len--;
    }
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < len) {
        size_t e = i;
        while (e < len && text[e] != '\n' && text[e] != '\r') e++;
        if (e - i <= ROBOTS_MAX_LINE) rb_line(&st, text + i, e - i);
        i = e;
        if (i < len && text[i] == '\r') i++;
        if (i < len && text[i] == '\n') i++;
    }
    robots *keep = st.mine->named ? st.mine : st.star;
    robots_free(keep == st.mine ? st.star : st.mine);
    return keep;
}

robots *robots_allow_all(void) { return rb_new(); }

/* Whether pattern p (with "*" wildcards) matches the start of s, or all of
 * s when anchored. The literal runs between wildcards are taken at their
 * leftmost place in turn (memmem, linear), which is exact when "*" is the
 * only wildcard; the last run of an anchored pattern must end s. Linear in
 * |p| + |s|: backtracking was O(|p|·|s|) per rule, and a hostile file of a
 * hundred 4 KiB rules held one 8 KiB URL for seconds. */
static bool rb_match(const char *p, size_t pn, bool anchored, const char *s, size_t sn) {
    const char *star = memchr(p, '*', pn);
    size_t run = star ? (size_t)(star - p) : pn;
    if (run > sn || memcmp(p, s, run) != 0) return false;
    if (!star) return !anchored || run == sn;
    size_t pi = run, si = run;
    for (;;) {
        while (pi < pn && p[pi] == '*') pi++;
        if (pi == pn) return true; /* a final "*" takes the rest */
        const char *next = memchr(p + pi, '*', pn - pi);
        run = next ? (size_t)(next - (p + pi)) : pn - pi;
        if (!next && anchored) return sn - si >= run && memcmp(s + sn - run, p + pi, run) == 0;
        const char *at = memmem(s + si, sn - si, p + pi, run);
        if (!at) return false;
        if (!next) return true;
        si = (size_t)(at - s) + run;
        pi += run;
    }
}

bool robots_allowed(const robots *r, const char *path_query) {
    if (!r || r->n == 0 || !path_query) return true;
    size_t n = strcspn(path_query, "#");
    sbuf b = SBUF_INIT;
    if (n == 0 || path_query[0] != '/') sbuf_putc(&b, '/');
    rb_encode(&b, path_query, n, false);
    if (b.oom) {
        sbuf_free(&b);
        return true;
    }
    const char *s = sbuf_str(&b);
    bool allowed = true;
    if (strcmp(s, "/robots.txt") != 0) {
        size_t best = 0;
        bool found = false;
        for (size_t i = 0; i < r->n; i++) {
            const rule *ru = &r->v[i];
            if (found && (ru->prio < best || (ru->prio == best && (allowed || !ru->allow))))
                continue;
            if (rb_match(r->pat.data + ru->off, ru->len, ru->anchored, s, b.len)) {
                found = true;
                best = ru->prio;
                allowed = ru->allow;
            }
        }
    }
    sbuf_free(&b);
    return allowed;
}

long robots_crawl_delay_ms(const robots *r) { return r ? r->delay_ms : -1; }

void robots_free(robots *r) {
    if (!r) return;
    free(r->v);
    sbuf_free(&r->pat);
    free(r);
}
