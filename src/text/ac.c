/* Aho-Corasick over code-point symbols (see text_impl.h). */
#include "text/text_impl.h"

#include <stdlib.h>
#include <string.h>

/* Code points below this get a symbol table entry; patterns with others
 * (rare: historic ideographs, emoji) still work, through symbol-less
 * fallback: such a character is given symbol 0 and the pattern is never
 * found, which the loader prevents by refusing it. */
#define AC_MAXCP 0x30000u

typedef struct ac_edge {
    uint32_t sym;
    uint32_t to;
} ac_edge;

struct text_ac {
    uint16_t *sym;        /* AC_MAXCP entries: code point -> symbol (0: none) */
    uint32_t nsym;        /* symbols + 1 */
    uint32_t nstates;
    uint32_t *root;       /* nsym entries: root's goto (0: stay) */
    uint32_t *edge_first; /* per state: first edge in edges */
    uint32_t *edge_n;     /* per state: number of edges */
    ac_edge *edges;
    uint32_t *fail;
    int32_t *out;         /* per state: longest pattern ending here, -1 */
    uint32_t *outlink;    /* per state: next state on the fail chain with out >= 0, 0 none */
    uint32_t *plen;       /* per pattern: byte length */
};

size_t text_utf8_put(int32_t cp, char *out) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int32_t text_utf8_next(const char *str, size_t len, size_t i, int *n) {
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[i];
    *n = 1;
    if (c < 0x80) return (int32_t)c;
    int need;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; min = 0x10000; }
    else return -1;
    if (len - i <= (size_t)need) return -1;
    for (int k = 1; k <= need; k++) {
        unsigned b = s[i + (size_t)k];
        if ((b & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    *n = need + 1;
    return (int32_t)cp;
}

/* Build-time trie: children in a hash keyed by (state, symbol). */
typedef struct bt_slot {
    uint64_t key; /* (state << 32 | sym) + 1; 0 empty */
    uint32_t to;
} bt_slot;

typedef struct bt {
    bt_slot *slots;
    size_t cap, n;
} bt;

static uint64_t bt_hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static bool bt_grow(bt *t) {
    size_t ncap = t->cap ? t->cap * 2 : 1024;
    bt_slot *ns = calloc(ncap, sizeof *ns);
    if (!ns) return false;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].key) continue;
        size_t j = bt_hash(t->slots[i].key) & (ncap - 1);
        while (ns[j].key) j = (j + 1) & (ncap - 1);
        ns[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = ns;
    t->cap = ncap;
    return true;
}

/* Returns the slot for key (existing or empty). */
static bt_slot *bt_find(const bt *t, uint64_t key) {
    size_t j = bt_hash(key) & (t->cap - 1);
    while (t->slots[j].key && t->slots[j].key != key) j = (j + 1) & (t->cap - 1);
    return &t->slots[j];
}

static int edge_cmp(const void *a, const void *b) {
    const ac_edge *x = a, *y = b;
    return (x->sym > y->sym) - (x->sym < y->sym);
}

void text_ac_free(text_ac *a) {
    if (!a) return;
    free(a->sym);
    free(a->root);
    free(a->edge_first);
    free(a->edge_n);
    free(a->edges);
    free(a->fail);
    free(a->out);
    free(a->outlink);
    free(a->plen);
    free(a);
}

size_t text_ac_states(const text_ac *a) { return a->nstates; }

static inline uint32_t ac_goto(const text_ac *a, uint32_t s, uint32_t sym) {
    if (s == 0) return a->root[sym];
    uint32_t n = a->edge_n[s];
    const ac_edge *e = a->edges + a->edge_first[s];
    if (n <= 8) {
        for (uint32_t i = 0; i < n; i++)
            if (e[i].sym == sym) return e[i].to;
        return UINT32_MAX;
    }
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (e[mid].sym < sym) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && e[lo].sym == sym ? e[lo].to : UINT32_MAX;
}

text_ac *text_ac_build(const char *const *pats, const size_t *lens, size_t n, err *e) {
    text_ac *a = calloc(1, sizeof *a);
    bt t = {0};
    uint32_t *parent = NULL, *psym = NULL, *queue = NULL;
    size_t cap_states = 1024;
    if (!a) goto nomem;
    a->sym = calloc(AC_MAXCP, sizeof *a->sym);
    a->plen = calloc(n ? n : 1, sizeof *a->plen);
    a->out = malloc(cap_states * sizeof *a->out);
    parent = malloc(cap_states * sizeof *parent);
    psym = malloc(cap_states * sizeof *psym);
    if (!a->sym || !a->plen || !a->out || !parent || !psym || !bt_grow(&t)) goto nomem;
    a->nsym = 1;
    a->nstates = 1;
    a->out[0] = -1;
    parent[0] = 0;
    psym[0] = 0;
    for (size_t p = 0; p < n; p++) {
        a->plen[p] = (uint32_t)lens[p];
        uint32_t s = 0;
        for (size_t i = 0; i < lens[p];) {
            int k;
            int32_t cp = text_utf8_next(pats[p], lens[p], i, &k);
            i += (size_t)k;
            if (cp < 0 || (uint32_t)cp >= AC_MAXCP) continue; /* the loader refuses these */
            if (!a->sym[cp]) {
                if (a->nsym == UINT16_MAX) {
                    err_set(e, ERR_INPUT, "text: more than %u distinct characters in patterns",
                            UINT16_MAX - 1);
                    goto fail;
                }
                a->sym[cp] = (uint16_t)a->nsym++;
            }
            uint32_t sym = a->sym[cp];
            if ((t.n + 1) * 10 > t.cap * 7 && !bt_grow(&t)) goto nomem;
            uint64_t key = (((uint64_t)s << 32) | sym) + 1;
            bt_slot *sl = bt_find(&t, key);
            if (sl->key) {
                s = sl->to;
                continue;
            }
            if (a->nstates == cap_states) {
                cap_states *= 2;
                int32_t *no = realloc(a->out, cap_states * sizeof *no);
                if (no) a->out = no;
                uint32_t *np = realloc(parent, cap_states * sizeof *np);
                if (np) parent = np;
                uint32_t *ns = realloc(psym, cap_states * sizeof *ns);
                if (ns) psym = ns;
                if (!no || !np || !ns) goto nomem;
            }
            uint32_t ns = a->nstates++;
            a->out[ns] = -1;
            parent[ns] = s;
            psym[ns] = sym;
            sl->key = key;
            sl->to = ns;
            t.n++;
            s = ns;
        }
        /* The first of two equal patterns keeps the state (the loader
         * refuses duplicates anyway). */
        if (s != 0 && a->out[s] < 0) a->out[s] = (int32_t)p;
    }
    /* Flatten: count edges per state, then place them sorted. */
    uint32_t ns = a->nstates;
    a->root = calloc(a->nsym, sizeof *a->root);
    a->edge_first = calloc(ns, sizeof *a->edge_first);
    a->edge_n = calloc(ns, sizeof *a->edge_n);
    a->edges = malloc((ns ? ns : 1) * sizeof *a->edges);
    a->fail = calloc(ns, sizeof *a->fail);
    a->outlink = calloc(ns, sizeof *a->outlink);
    queue = malloc(ns * sizeof *queue);
    if (!a->root || !a->edge_first || !a->edge_n || !a->edges || !a->fail || !a->outlink || !queue)
        goto nomem;
    for (uint32_t s = 1; s < ns; s++) a->edge_n[parent[s]]++;
    uint32_t pos = 0;
    for (uint32_t s = 0; s < ns; s++) {
        a->edge_first[s] = pos;
        pos += a->edge_n[s];
        a->edge_n[s] = 0;
    }
    for (uint32_t s = 1; s < ns; s++) {
        uint32_t p = parent[s];
        a->edges[a->edge_first[p] + a->edge_n[p]++] = (ac_edge){psym[s], s};
        if (p == 0) a->root[psym[s]] = s;
    }
    for (uint32_t s = 0; s < ns; s++)
        qsort(a->edges + a->edge_first[s], a->edge_n[s], sizeof(ac_edge), edge_cmp);
    /* Breadth-first failure links. */
    size_t qh = 0, qt = 0;
    for (uint32_t i = 0; i < a->edge_n[0]; i++) {
        uint32_t c = a->edges[a->edge_first[0] + i].to;
        a->fail[c] = 0;
        queue[qt++] = c;
    }
    while (qh < qt) {
        uint32_t s = queue[qh++];
        for (uint32_t i = 0; i < a->edge_n[s]; i++) {
            ac_edge ed = a->edges[a->edge_first[s] + i];
            uint32_t f = a->fail[s];
            uint32_t to;
            for (;;) {
                to = ac_goto(a, f, ed.sym);
                if (to != UINT32_MAX && to != 0 && to != ed.to) break;
                if (f == 0) { to = 0; break; }
                f = a->fail[f];
            }
            a->fail[ed.to] = to;
            a->outlink[ed.to] = a->out[to] >= 0 ? to : a->outlink[to];
            queue[qt++] = ed.to;
        }
    }
    free(t.slots);
    free(parent);
    free(psym);
    free(queue);
    return a;
nomem:
    err_set(e, ERR_NOMEM, "text: out of memory building the matcher");
fail:
    free(t.slots);
    free(parent);
    free(psym);
    free(queue);
    text_ac_free(a);
    return NULL;
}

void text_ac_scan(const text_ac *a, const char *str, size_t len, text_ac_cb cb, void *ud) {
    const unsigned char *s = (const unsigned char *)str;
    uint32_t st = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        unsigned c = s[i];
        /* Inline decode of the common cases; anything unusual goes through
         * the strict decoder. */
        if (c < 0x80) {
            cp = c;
            i++;
        } else if ((c & 0xF0) == 0xE0 && i + 2 < len && (s[i + 1] & 0xC0) == 0x80 &&
                   (s[i + 2] & 0xC0) == 0x80 && (c != 0xE0 || s[i + 1] >= 0xA0) &&
                   (c != 0xED || s[i + 1] < 0xA0)) {
            cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
            i += 3;
        } else {
            int k;
            int32_t v = text_utf8_next(str, len, i, &k);
            i += (size_t)k;
            if (v < 0) {
                st = 0;
                continue;
            }
            cp = (uint32_t)v;
        }
        uint32_t sym = cp < AC_MAXCP ? a->sym[cp] : 0;
        if (!sym) {
            st = 0;
            continue;
        }
        for (;;) {
            uint32_t to = ac_goto(a, st, sym);
            if (to != UINT32_MAX) {
                st = to;
                break;
            }
            st = a->fail[st];
        }
        if (st == 0) continue;
        uint32_t o = a->out[st] >= 0 ? st : a->outlink[st];
        while (o) {
            uint32_t p = (uint32_t)a->out[o];
            if (!cb(p, i - a->plen[p], i, ud)) return;
            o = a->outlink[o];
        }
    }
}
