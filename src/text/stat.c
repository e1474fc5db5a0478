/* Statistical typo detector: dictionary, confusion sets, scan (text_impl.h);
 * the language model it scores with when present is lm.c. */
#include "text/text_impl.h"

#include "core/fileio.h"
#include "core/lang.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DICT_MAX_BYTES (64u << 20)
#define CONF_MAX_BYTES (8u << 20)
#define CONF_MAXCP 0x30000u
#define RUN_MAX 256 /* characters per run; longer runs are cut */

typedef struct dict_slot {
    uint32_t off;  /* into buf; 0 with len 0: empty */
    uint32_t freq;
    uint8_t len;
    uint8_t tag;   /* 8 more bits of the hash: most mismatches skip memcmp */
} dict_slot;

#define MASK_MAXCP 0x30000u
/* Bit of a character at position pos (0..5) of a word of length len (2..6). */
#define MASK_BIT(len, pos) (1u << (((len) - 2) * 6 + (pos)))

struct text_dict {
    char *buf;
    dict_slot *slots;
    uint32_t *mask[2]; /* MASK_MAXCP entries each: cover_freq, word_freq */
    size_t cap, n;
    double total;
};

static uint64_t slice_hash(const char *s, size_t len) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

uint32_t text_dict_freq(const text_dict *d, const char *s, size_t len) {
    if (!d || len == 0 || len > 255) return 0;
    uint64_t h = slice_hash(s, len);
    size_t j = h & (d->cap - 1);
    uint8_t tag = (uint8_t)(h >> 56);
    while (d->slots[j].len) {
        if (d->slots[j].len == len && d->slots[j].tag == tag &&
            memcmp(d->buf + d->slots[j].off, s, len) == 0)
            return d->slots[j].freq;
        j = (j + 1) & (d->cap - 1);
    }
    return 0;
}

double text_dict_total(const text_dict *d) { return d->total; }
size_t text_dict_words(const text_dict *d) { return d->n; }

void text_dict_free(text_dict *d) {
    if (!d) return;
    free(d->buf);
    free(d->slots);
    free(d->mask[0]);
    free(d->mask[1]);
    free(d);
}

/* Marks the characters of a word in the (length, position) mask. */
static void mask_word(uint32_t *mask, const char *w, size_t wl) {
    int32_t cps[7];
    int n = 0;
    for (size_t i = 0; i < wl;) {
        int k;
        int32_t cp = text_utf8_next(w, wl, i, &k);
        i += (size_t)k;
        if (cp < 0 || (uint32_t)cp >= MASK_MAXCP || n == 7) return;
        cps[n++] = cp;
    }
    if (n < 2 || n > 6) return;
    for (int p = 0; p < n; p++) mask[cps[p]] |= MASK_BIT(n, p);
}

text_dict *text_dict_load(const char *path, uint32_t cover_freq, uint32_t word_freq, err *e) {
    text_dict *d = calloc(1, sizeof *d);
    size_t len = 0;
    if (!d) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (!file_read_all(path, DICT_MAX_BYTES, &d->buf, &len, e)) {
        free(d);
        return NULL;
    }
    size_t lines = 1;
    for (size_t i = 0; i < len; i++) lines += d->buf[i] == '\n';
    d->cap = 1024;
    while (d->cap < lines * 2) d->cap *= 2;
    d->slots = calloc(d->cap, sizeof *d->slots);
    d->mask[0] = calloc(MASK_MAXCP, sizeof *d->mask[0]);
    d->mask[1] = calloc(MASK_MAXCP, sizeof *d->mask[1]);
    if (!d->slots || !d->mask[0] || !d->mask[1]) {
        text_dict_free(d);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    /* jieba's format: "word freq [tag]" per line. Lines that do not have it
     * are skipped: the dictionary is not ours to police, but it must not
     * crash us either. */
    size_t lineno = 0, pos = 0, ll;
    const char *line;
    while (text_next_line(d->buf, len, &pos, &line, &ll, &lineno)) {
        size_t i = (size_t)(line - d->buf), eol = i + ll;
        size_t sp = i;
        while (sp < eol && d->buf[sp] != ' ' && d->buf[sp] != '\t') sp++;
        size_t wl = sp - i;
        if (wl > 0 && wl <= 255 && sp < eol) {
            unsigned long f = strtoul(d->buf + sp + 1, NULL, 10);
            if (f > UINT32_MAX) f = UINT32_MAX;
            uint64_t h = slice_hash(d->buf + i, wl);
            size_t j = h & (d->cap - 1);
            while (d->slots[j].len &&
                   !(d->slots[j].len == wl && memcmp(d->buf + d->slots[j].off, d->buf + i, wl) == 0))
                j = (j + 1) & (d->cap - 1);
            if (!d->slots[j].len) {
                d->slots[j] = (dict_slot){(uint32_t)i, (uint32_t)f, (uint8_t)wl, (uint8_t)(h >> 56)};
                d->n++;
                d->total += (double)f;
                if (f >= cover_freq) mask_word(d->mask[0], d->buf + i, wl);
                if (f >= word_freq) mask_word(d->mask[1], d->buf + i, wl);
            }
        }
    }
    if (d->n == 0 || d->total <= 0) {
        err_set(e, ERR_INPUT, L("%s: not a word-frequency dictionary (no \"word frequency\" lines)",
                                "%s：不是词频词典（没有“词 频次”行）"),
                path);
        text_dict_free(d);
        return NULL;
    }
    return d;
}

/* ---- confusion sets ---- */

struct text_confusion {
    uint32_t *idx;  /* CONF_MAXCP: 1 + entry index, 0 none */
    struct conf_entry {
        int32_t *same, *tone, *shape; /* -1 terminated code points */
    } *entries;
    size_t n;
    int32_t *pool;
    size_t npool;
};

void text_confusion_free(text_confusion *c) {
    if (!c) return;
    free(c->idx);
    free(c->entries);
    free(c->pool);
    free(c);
}

/* Appends the code points of s[0..len) to the pool, -1 terminated. */
static int32_t *pool_add(text_confusion *c, const char *s, size_t len, size_t *used) {
    int32_t *start = c->pool + *used;
    for (size_t i = 0; i < len;) {
        int k;
        int32_t cp = text_utf8_next(s, len, i, &k);
        i += (size_t)k;
        if (cp >= 0x3400) c->pool[(*used)++] = cp;
    }
    c->pool[(*used)++] = -1;
    return start;
}

text_confusion *text_confusion_load(const char *path, err *e) {
    char *buf = NULL;
    size_t len = 0;
    if (!file_read_all(path, CONF_MAX_BYTES, &buf, &len, e)) return NULL;
    text_confusion *c = calloc(1, sizeof *c);
    size_t lines = 1;
    for (size_t i = 0; i < len; i++) lines += buf[i] == '\n';
    if (c) {
        c->idx = calloc(CONF_MAXCP, sizeof *c->idx);
        c->entries = calloc(lines, sizeof *c->entries);
        c->pool = malloc((len + lines * 4 + 1) * sizeof *c->pool);
    }
    if (!c || !c->idx || !c->entries || !c->pool) {
        free(buf);
        text_confusion_free(c);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    size_t used = 0, lineno = 0, pos = 0, ll;
    const char *line;
    while (text_next_line(buf, len, &pos, &line, &ll, &lineno)) {
        if (ll == 0 || line[0] == '#') continue;
        const char *f[4] = {0};
        size_t fl[4] = {0};
        int nf = text_split_tabs(line, ll, f, fl, 4);
        if (nf > 4) nf = 4;
        int k;
        int32_t cp = fl[0] ? text_utf8_next(f[0], fl[0], 0, &k) : -1;
        if (cp < 0x3400 || (uint32_t)cp >= CONF_MAXCP || (size_t)k != fl[0]) {
            err_set(e, ERR_INPUT,
                    L("%s:%zu: the first column must be one Chinese character",
                      "%s:%zu：第一列须为一个汉字"),
                    path, lineno);
            free(buf);
            text_confusion_free(c);
            return NULL;
        }
        if (c->idx[cp]) continue; /* first line for a character wins */
        struct conf_entry *en = &c->entries[c->n];
        en->same = pool_add(c, nf > 1 ? f[1] : "", nf > 1 ? fl[1] : 0, &used);
        en->tone = pool_add(c, nf > 2 ? f[2] : "", nf > 2 ? fl[2] : 0, &used);
        en->shape = pool_add(c, nf > 3 ? f[3] : "", nf > 3 ? fl[3] : 0, &used);
        c->idx[cp] = (uint32_t)++c->n;
    }
    free(buf);
    return c;
}

/* ---- scan ---- */

static bool is_han(int32_t cp) {
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF);
}

typedef struct run {
    int32_t cp[RUN_MAX];
    size_t off[RUN_MAX + 1]; /* byte offsets in the scanned text; off[n] = end */
    size_t n;
} run;

/* Could cp[a..b) be a word of the mask at all? */
static bool window_possible(const uint32_t *mask, const int32_t *cp, size_t a, size_t b) {
    for (size_t k = a; k < b; k++)
        if ((uint32_t)cp[k] >= MASK_MAXCP || !(mask[cp[k]] & MASK_BIT(b - a, k - a))) return false;
    return true;
}

/* Frequency of the word made of characters cp[a..b). */
static uint32_t word_freq(const text_dict *d, const int32_t *cp, size_t a, size_t b) {
    char w[64];
    size_t wl = 0;
    for (size_t i = a; i < b; i++) {
        if (wl + 4 > sizeof w) return 0;
        wl += text_utf8_put(cp[i], w + wl);
    }
    return text_dict_freq(d, w, wl);
}

/* Best unigram segmentation of cp[a..b), log10 probability. A character the
 * dictionary lacks counts as frequency 1. */
static double best_seg(const text_dict *d, const int32_t *cp, size_t a, size_t b, int maxw) {
    double best[2 * 8 + 2];
    double lt = log10(d->total);
    best[0] = 0;
    for (size_t j = a + 1; j <= b; j++) {
        double bj = -1e300;
        for (size_t l = 1; l <= (size_t)maxw && l <= j - a; l++) {
            /* Words rarer than cover_freq are left out: they barely move
             * the sum, and the mask spares most look-ups. */
            if (l > 1 && !window_possible(d->mask[0], cp, j - l, j)) continue;
            uint32_t f = word_freq(d, cp, j - l, j);
            if (!f && l > 1) continue;
            double v = best[j - l - a] + log10(f ? (double)f : 1.0) - lt;
            if (v > bj) bj = v;
        }
        best[j - a] = bj;
    }
    return best[b - a];
}

static bool is_surname(const text_stat_conf *conf, int32_t cp) {
    for (int k = 0; k < conf->nsurnames; k++)
        if (conf->surnames[k] == cp) return true;
    return false;
}

/* Marks the characters inside a dictionary word of frequency >= cover. */
static void mark_covered(const text_dict *d, const run *r, uint32_t cover, int maxw, bool *covered) {
    if (cover == 0) return;
    for (size_t a = 0; a < r->n; a++)
        for (size_t l = 2; l <= (size_t)maxw && a + l <= r->n; l++)
            if (window_possible(d->mask[0], r->cp, a, a + l) &&
                word_freq(d, r->cp, a, a + l) >= cover)
                for (size_t k = a; k < a + l; k++) covered[k] = true;
}

/* Marks the characters inside an occurrence of a known word (detector.conf). */
static void mark_known(const text_stat_conf *conf, const run *r, bool *covered) {
    for (int w = 0; w < conf->nknown;) {
        int wl = 0;
        while (w + wl < conf->nknown && conf->known[w + wl] != 0) wl++;
        for (size_t a = 0; wl > 0 && a + (size_t)wl <= r->n; a++)
            if (memcmp(r->cp + a, conf->known + w, (size_t)wl * sizeof *r->cp) == 0)
                for (size_t k = a; k < a + (size_t)wl; k++) covered[k] = true;
        w += wl + 1;
    }
}

/* The confusion entry of a character that may be a slip, or NULL: not
 * covered, no candidates, or a surname or the character after one. */
static const struct conf_entry *suspect(const text_confusion *c, const text_stat_conf *conf,
                                        const run *r, size_t i, const bool *covered) {
    if (covered[i]) return NULL;
    if ((i + 1 < r->n && is_surname(conf, r->cp[i])) || (i > 0 && is_surname(conf, r->cp[i - 1])))
        return NULL;
    uint32_t ix = (uint32_t)r->cp[i] < CONF_MAXCP ? c->idx[r->cp[i]] : 0;
    return ix ? &c->entries[ix - 1] : NULL;
}

/* The most frequent word of 2..maxw characters within cp[lo..hi) that holds
 * position i (its bounds in *wa, *wb), 0 when none. */
static uint32_t word_at(const text_dict *d, const run *r, size_t lo, size_t i, size_t hi, int maxw,
                        size_t *wa, size_t *wb) {
    uint32_t wf = 0;
    for (size_t a = lo; a <= i; a++)
        for (size_t b = i + 1; b <= hi; b++) {
            if (b - a < 2 || b - a > (size_t)maxw) continue;
            if (!window_possible(d->mask[1], r->cp, a, b)) continue;
            uint32_t f = word_freq(d, r->cp, a, b);
            if (f > wf) {
                wf = f;
                *wa = a;
                *wb = b;
            }
        }
    return wf;
}

/* Fills a hit for the substitution of cand at i, the word [wa, wb) shown. */
static void hit_fill(text_stat_hit *h, run *r, size_t i, int32_t cand, size_t wa, size_t wb,
                     double gain) {
    int32_t orig = r->cp[i];
    h->gain = gain;
    h->start = r->off[i];
    h->end = r->off[i + 1];
    size_t rl = text_utf8_put(cand, h->right);
    h->right[rl] = '\0';
    r->cp[i] = cand;
    size_t wl = 0;
    for (size_t k = wa; k < wb && wl + 5 < sizeof h->word; k++) wl += text_utf8_put(r->cp[k], h->word + wl);
    h->word[wl] = '\0';
    r->cp[i] = orig;
}

/* The language model's score of the characters around i: the best
 * segmentation's log10 probability. */
static double lm_window(const text_lm *lm, const text_stat_conf *conf, const run *r, size_t i) {
    size_t w = conf->lm_window < 1 ? 1 : (size_t)conf->lm_window;
    if (w > TEXT_LM_MAX / 2 - 1) w = TEXT_LM_MAX / 2 - 1;
    size_t a = i >= w ? i - w : 0, b = i + w + 1 < r->n ? i + w + 1 : r->n;
    return text_lm_best(lm, r->cp + a, b - a, conf->lm_max_word);
}

/* The best substitution at i, into *h (h->gain -1e300 when no candidate
 * makes a frequent word) and *right. Without the model its score is the
 * unigram gain of the best segmentation of the words around i, less
 * orig_weight times log10 of the suspect's own frequency (a frequent
 * character standing alone is less likely a slip). With it, the model's
 * gain over the window, less the cost of the kind of confusion, plus
 * lm_uni_weight times that unigram score (the two models err differently). */
static void best_at(const text_dict *d, const text_lm *lm, const text_stat_conf *conf,
                    const struct conf_entry *en, run *r, size_t i, int maxw, text_stat_hit *h,
                    int32_t *right) {
    int32_t orig = r->cp[i];
    const int32_t *sets[3] = {en->same, conf->use_tone ? en->tone : NULL,
                              conf->use_shape ? en->shape : NULL};
    const double cost[3] = {0, conf->lm_tone_cost, conf->lm_shape_cost};
    size_t lo = i + 1 >= (size_t)maxw ? i + 1 - (size_t)maxw : 0;
    size_t hi = i + (size_t)maxw < r->n ? i + (size_t)maxw : r->n;
    double uw = lm ? conf->lm_uni_weight : 1.0;
    double base = -1e300, ubase = 0;
    double orig_pen = conf->orig_weight * log10(1.0 + (double)word_freq(d, r->cp, i, i + 1));
    h->gain = -1e300;
    for (int s = 0; s < 3; s++) {
        if (!sets[s]) continue;
        for (const int32_t *cand = sets[s]; *cand >= 0; cand++) {
            if (*cand == orig) continue;
            r->cp[i] = *cand;
            /* Cheap test first: does some window make a frequent word? */
            size_t wa = 0, wb = 0;
            if (word_at(d, r, lo, i, hi, maxw, &wa, &wb) >= conf->min_word_freq) {
                double sub = lm ? lm_window(lm, conf, r, i) : 0;
                double usub = uw > 0 ? best_seg(d, r->cp, lo, hi, maxw) : 0;
                r->cp[i] = orig;
                if (base == -1e300) {
                    base = lm ? lm_window(lm, conf, r, i) : 0;
                    ubase = uw > 0 ? best_seg(d, r->cp, lo, hi, maxw) : 0;
                }
                double uni = uw > 0 ? usub - ubase - orig_pen : 0;
                double gain = lm ? sub - base - cost[s] + uw * uni : uni;
                if (gain > h->gain) {
                    hit_fill(h, r, i, *cand, wa, wb, gain);
                    *right = *cand;
                }
            }
            r->cp[i] = orig;
        }
    }
}

static void scan_run(const text_dict *d, const text_confusion *c, const text_stat_conf *conf,
                     run *r, text_stat_cb cb, void *ud, bool *stop) {
    size_t n = r->n;
    int maxw = conf->max_word < 2 ? 2 : conf->max_word > 6 ? 6 : conf->max_word;
    bool covered[RUN_MAX] = {0};
    mark_covered(d, r, conf->cover_freq, maxw, covered);
    mark_known(conf, r, covered);
    for (size_t i = 0; i < n && !*stop; i++) {
        const struct conf_entry *en = suspect(c, conf, r, i, covered);
        if (!en) continue;
        text_stat_hit best;
        int32_t right;
        best_at(d, NULL, conf, en, r, i, maxw, &best, &right);
        if (best.gain >= conf->min_gain) {
            if (!cb(&best, ud)) *stop = true;
            /* The corrected word's other characters are not suspects. */
            size_t lo = i + 1 >= (size_t)maxw ? i + 1 - (size_t)maxw : 0;
            for (size_t k = lo; k < n && k < i + (size_t)maxw; k++) covered[k] = true;
        }
    }
}

/* The hits of the sentence being scanned, held back until its end decides
 * whether the weaker ones are reported (text_stat_conf.lm_near_gain). */
#define SENTENCE_MAX_HITS 256

typedef struct sentence {
    text_stat_hit hits[SENTENCE_MAX_HITS];
    size_t n;
    bool sure;          /* one hit reached lm_min_gain */
    double near;        /* threshold of the weaker hits; lm_min_gain when off */
    text_stat_cb cb;
    void *ud;
} sentence;

static bool sentence_add(sentence *st, const text_stat_hit *h, double min_gain) {
    bool sure = h->gain >= min_gain;
    if (st->near >= min_gain) return st->cb(h, st->ud); /* off: report at once */
    st->sure |= sure;
    if (st->n < SENTENCE_MAX_HITS) st->hits[st->n++] = *h;
    return true;
}

/* Reports the held hits when one of them was sure, then starts a new sentence. */
static bool sentence_end(sentence *st) {
    bool go = true;
    for (size_t k = 0; st->sure && k < st->n && go; k++) go = st->cb(&st->hits[k], st->ud);
    st->n = 0;
    st->sure = false;
    return go;
}

static bool ends_sentence(int32_t cp) {
    return cp < 0 || cp == '\n' || cp == '!' || cp == '?' || cp == ';' || cp == 0x3002 /* 。 */ ||
           cp == 0xFF01 /* ！ */ || cp == 0xFF1F /* ？ */ || cp == 0xFF1B /* ； */;
}

/* With the language model, best first: the substitution that gains most
 * in the run is reported and applied, so the next one is judged in the
 * corrected context; only positions whose window the change reached are
 * scored again. */
static void scan_run_lm(const text_dict *d, const text_confusion *c, const text_lm *lm,
                        const text_stat_conf *conf, run *r, sentence *st, bool *stop) {
    size_t n = r->n;
    int maxw = conf->max_word < 2 ? 2 : conf->max_word > 6 ? 6 : conf->max_word;
    bool covered[RUN_MAX] = {0}, dirty[RUN_MAX];
    text_stat_hit best[RUN_MAX];
    int32_t right[RUN_MAX];
    mark_covered(d, r, conf->lm_cover_freq, maxw, covered);
    mark_known(conf, r, covered);
    for (size_t i = 0; i < n; i++) dirty[i] = true;
    size_t reach = (size_t)(conf->lm_window < 1 ? 1 : conf->lm_window) + (size_t)maxw;
    while (!*stop) {
        size_t top = n;
        for (size_t i = 0; i < n; i++) {
            if (dirty[i]) {
                dirty[i] = false;
                best[i].gain = -1e300;
                const struct conf_entry *en = suspect(c, conf, r, i, covered);
                if (en) best_at(d, lm, conf, en, r, i, maxw, &best[i], &right[i]);
            }
            if (best[i].gain > -1e300 && (top == n || best[i].gain > best[top].gain)) top = i;
        }
        if (top == n || best[top].gain < st->near) break;
        if (!sentence_add(st, &best[top], conf->lm_min_gain)) *stop = true;
        r->cp[top] = right[top];
        covered[top] = true; /* corrected: not a suspect again */
        best[top].gain = -1e300;
        for (size_t k = top > reach ? top - reach : 0; k < n && k <= top + reach; k++)
            if (k != top) dirty[k] = true;
    }
}

void text_stat_scan(const text_dict *d, const text_confusion *c, const text_lm *lm,
                    const text_stat_conf *conf, const char *s, size_t len, text_stat_cb cb,
                    void *ud) {
    if (!d || !c) return;
    run *r = malloc(sizeof *r);
    sentence *st = lm ? malloc(sizeof *st) : NULL;
    if (!r || (lm && !st)) {
        free(r);
        free(st);
        return;
    }
    if (st) {
        bool near_on = conf->lm_near_gain > 0 && conf->lm_near_gain < conf->lm_min_gain;
        *st = (sentence){.near = near_on ? conf->lm_near_gain : conf->lm_min_gain, .cb = cb, .ud = ud};
    }
    r->n = 0;
    bool stop = false;
    for (size_t i = 0; i <= len && !stop;) {
        int k = 1;
        int32_t cp = i < len ? text_utf8_next(s, len, i, &k) : -1;
        if (i < len && is_han(cp)) {
            r->cp[r->n] = cp;
            r->off[r->n] = i;
            r->n++;
            r->off[r->n] = i + (size_t)k;
        }
        if (r->n && (i >= len || !is_han(cp) || r->n == RUN_MAX)) {
            if (r->n >= 2 && lm) scan_run_lm(d, c, lm, conf, r, st, &stop);
            else if (r->n >= 2) scan_run(d, c, conf, r, cb, ud, &stop);
            r->n = 0;
        }
        if (st && !stop && ends_sentence(cp) && !sentence_end(st)) stop = true;
        i += (size_t)k;
    }
    free(r);
    free(st);
}
