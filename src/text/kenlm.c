/* A KenLM binary model of type 5 (quantised trie, array-compressed
 * pointers), as libime ships it (kenlm.h). */
#include "text/kenlm.h"

#include "core/fileio.h"
#include "core/lang.h"
#include "text/text_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KL_MAX_BYTES (512u << 20)
#define KL_MAGIC "mmap lm http://kheafield.com/code format version 5\n"
#define KL_SANITY 88u          /* magic (56) and the test values */
#define KL_PARAMS 20u          /* order, probing multiplier, type, vocabulary flag, version */
#define KL_TYPE_QUANT_ARRAY_TRIE 5u
#define KL_MAX_COUNT (1ULL << 36)
#define KL_PROB_FLOOR -99.0f
#define KL_MAX_QBITS 12
#define KL_FILTER_BITS 21 /* 256 KB */

/* One level of the trie above the unigrams: bit-packed entries of a word
 * id, the quantised back-off and probability (middle levels) or the
 * probability alone (the last level), and the low bits of the first child. */
typedef struct kl_level {
    const unsigned char *base;
    uint64_t entries;
    unsigned total_bits, bo_bits, prob_bits, inline_bits;
    const unsigned char *arr; /* high bits of the child pointers: sorted entry indexes */
    uint64_t arr_n;
    float *prob, *bo;         /* the level's decoded tables (bo NULL: last level) */
} kl_level;

struct text_kenlm {
    char *buf;
    size_t len;
    unsigned order, word_bits;
    uint64_t count[TEXT_KENLM_MAX_ORDER];
    const unsigned char *hashes;  /* the vocabulary: count[0] - 1 sorted hashes */
    const unsigned char *unigram; /* count[0] + 2 records of prob, back-off, first child */
    kl_level level[TEXT_KENLM_MAX_ORDER];
    size_t words_off;  /* where the NUL-separated words begin */
    /* Two bits per word's hash: most strings the detector asks about are
     * no words, and this small filter answers them without touching the
     * 1.3 MB hash array (a third of the look-up time). */
    uint64_t *filter;
    float tables[]; /* the decoded quantisation tables */
};

static uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p + 4) << 32 | rd32(p); }
static float rdf(const unsigned char *p) {
    uint32_t u = rd32(p);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* bits (<= 57) bits at bit offset bit of base, least significant first. */
static uint64_t bits_at(const unsigned char *base, uint64_t bit, unsigned bits) {
    if (!bits) return 0;
    return (rd64(base + (bit >> 3)) >> (bit & 7)) & ((1ULL << bits) - 1);
}

static unsigned required_bits(uint64_t max) {
    unsigned r = 0;
    for (; max; max >>= 1) r++;
    return r;
}

/* MurmurHash64A (Austin Appleby's public-domain hash, seed 0): KenLM's
 * vocabulary key. */
static uint64_t murmur64a(const unsigned char *s, size_t len) {
    const uint64_t mul = 0xc6a4a7935bd1e995ULL;
    uint64_t h = (uint64_t)len * mul;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t k = rd64(s + i) * mul;
        k ^= k >> 47;
        h = (h ^ k * mul) * mul;
    }
    if (len & 7) {
        for (size_t j = len & 7; j-- > 0;) h ^= (uint64_t)s[i + j] << (8 * j);
        h *= mul;
    }
    h ^= h >> 47;
    h *= mul;
    return h ^ h >> 47;
}

static uint64_t vocab_hash(const text_kenlm *m, uint64_t k) { return rd64(m->hashes + 8 * k); }

static uint64_t filter_bit(uint64_t key, int k) {
    return (key >> (k ? 64 - KL_FILTER_BITS : 0)) & ((1ULL << KL_FILTER_BITS) - 1);
}

static bool filter_has(const text_kenlm *m, uint64_t key) {
    for (int k = 0; k < 2; k++) {
        uint64_t b = filter_bit(key, k);
        if (!(m->filter[b >> 6] >> (b & 63) & 1)) return false;
    }
    return true;
}

uint32_t text_kenlm_index(const text_kenlm *m, const char *s, size_t len) {
    if (!m || !len) return 0;
    uint64_t key = murmur64a((const unsigned char *)s, len);
    if (!filter_has(m, key)) return 0;
    uint64_t lo = 0, hi = m->count[0] - 1;
    /* The hashes are uniform: a few interpolation steps land next to the
     * key (a third of the binary search's probes), then bisection. */
    for (int step = 0; step < 3 && hi - lo > 16; step++) {
        uint64_t a = vocab_hash(m, lo), b = vocab_hash(m, hi - 1);
        if (key < a || key > b) return 0;
        uint64_t at = lo + (uint64_t)((double)(key - a) / ((double)(b - a) + 1.0) * (double)(hi - 1 - lo));
        if (at >= hi) at = hi - 1;
        uint64_t v = vocab_hash(m, at);
        if (v == key) return (uint32_t)(at + 1);
        if (v < key) lo = at + 1;
        else hi = at;
    }
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2, v = vocab_hash(m, mid);
        if (v < key) lo = mid + 1;
        else if (v > key) hi = mid;
        else return (uint32_t)(mid + 1);
    }
    return 0;
}

unsigned text_kenlm_order(const text_kenlm *m) { return m->order; }
uint32_t text_kenlm_words(const text_kenlm *m) { return (uint32_t)m->count[0]; }

/* No index of the words is kept: found by walking (tests and tools). */
const char *text_kenlm_word(const text_kenlm *m, uint32_t id) {
    if (!m || id >= m->count[0]) return NULL;
    size_t off = m->words_off;
    for (uint32_t i = 0; i < id; i++) off += strlen(m->buf + off) + 1;
    return m->buf + off;
}

void text_kenlm_free(text_kenlm *m) {
    if (!m) return;
    free(m->filter);
    free(m->buf);
    free(m);
}

static uint64_t uni_next(const text_kenlm *m, uint64_t w) { return rd64(m->unigram + 16 * w + 8); }

/* First child of entry i of a level above the unigrams: the high bits are
 * how many array entries are <= i, less one; the low bits are inline. */
static uint64_t level_next(const kl_level *l, uint64_t i) {
    uint64_t lo = 0, hi = l->arr_n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (rd64(l->arr + 8 * mid) <= i) lo = mid + 1;
        else hi = mid;
    }
    uint64_t bit = i * l->total_bits + (l->total_bits - l->inline_bits);
    return (lo - 1) << l->inline_bits | bits_at(l->base, bit, l->inline_bits);
}

static uint32_t level_word(const text_kenlm *m, const kl_level *l, uint64_t i) {
    return (uint32_t)bits_at(l->base, i * l->total_bits, m->word_bits);
}

/* Index of word w in entries [b, e) of level l (ascending word ids), or -1. */
static int64_t level_find(const text_kenlm *m, const kl_level *l, uint64_t b, uint64_t e, uint32_t w) {
    /* Word ids follow the hash order, so they too are spread evenly. */
    for (int step = 0; step < 2 && e - b > 16; step++) {
        uint32_t lo = level_word(m, l, b), hi = level_word(m, l, e - 1);
        if (w < lo || w > hi) return -1;
        uint64_t at = b + (uint64_t)((double)(w - lo) / ((double)(hi - lo) + 1.0) * (double)(e - 1 - b));
        uint32_t v = level_word(m, l, at);
        if (v == w) return (int64_t)at;
        if (v < w) b = at + 1;
        else e = at;
    }
    while (b < e) {
        uint64_t mid = b + (e - b) / 2;
        uint32_t v = level_word(m, l, mid);
        if (v < w) b = mid + 1;
        else if (v > w) e = mid;
        else return (int64_t)mid;
    }
    return -1;
}

double text_kenlm_score(const text_kenlm *m, const text_kenlm_state *in, uint32_t word,
                        text_kenlm_state *out) {
    if (word >= m->count[0]) word = 0;
    const unsigned char *u = m->unigram + 16 * (uint64_t)word;
    double p = rdf(u);
    unsigned hn = in->n < m->order - 1 ? in->n : m->order - 1;
    unsigned matched = 0;
    text_kenlm_state o = {.n = 1};
    o.w[0] = word;
    o.bo[0] = rdf(u + 4);
    if (word == 0) {
        o.n = 0; /* <unk> extends nothing */
    } else {
        uint64_t b = uni_next(m, word), e = uni_next(m, word + 1);
        for (unsigned j = 0; j < hn; j++) {
            const kl_level *l = &m->level[j + 1];
            int64_t at = level_find(m, l, b, e, in->w[j]);
            if (at < 0) break;
            uint64_t bit = (uint64_t)at * l->total_bits + m->word_bits;
            if (l->bo) {
                o.bo[j + 1] = l->bo[bits_at(l->base, bit, l->bo_bits)];
                p = l->prob[bits_at(l->base, bit + l->bo_bits, l->prob_bits)];
                o.w[j + 1] = in->w[j];
                b = level_next(l, (uint64_t)at);
                e = level_next(l, (uint64_t)at + 1);
            } else {
                p = l->prob[bits_at(l->base, bit, l->prob_bits)];
            }
            matched = j + 1;
        }
        o.n = (uint8_t)(matched + 1 < m->order - 1 ? matched + 1 : m->order - 1);
    }
    /* The back-offs of the histories longer than the n-gram found. */
    for (unsigned k = matched; k < hn; k++) p += in->bo[k];
    if (out) *out = o;
    return p;
}

double text_kenlm_ngram(const text_kenlm *m, const char *const *words, size_t n) {
    text_kenlm_state st = {0}, next;
    double p = 0;
    for (size_t i = 0; i < n; i++) {
        p = text_kenlm_score(m, &st, text_kenlm_index(m, words[i], strlen(words[i])), &next);
        st = next;
    }
    return p;
}

/* ---- loading and checking ---- */

static bool bad(err *e, const char *path, const char *what) {
    return err_set(e, ERR_INPUT,
                   L("%s: not a usable KenLM language model (%s)", "%s：不是可用的 KenLM 语言模型文件（%s）"),
                   path, what);
}

/* The sorted array's split of a pointer of max_next: how many low bits
 * KenLM chose to cut from the inline field (its table-versus-inline cost). */
static unsigned chop_bits(uint64_t max_offset, uint64_t max_next, unsigned configured) {
    unsigned req = required_bits(max_next), best = 0;
    int64_t lowest = INT64_MAX;
    for (unsigned chop = 0; chop <= (req < configured ? req : configured); chop++) {
        int64_t change = (int64_t)(max_next >> (req - chop)) * 64 - (int64_t)max_offset * chop;
        if (change < lowest) {
            lowest = change;
            best = chop;
        }
    }
    return best;
}

/* A quantisation table of 2^bits floats at p into t: -inf (an empty bin)
 * becomes a floor; NaN or +inf refuses the file. */
static bool table_read(const unsigned char *p, unsigned bits, bool is_prob, float *t) {
    for (size_t i = 0; i < ((size_t)1 << bits); i++) {
        float f = rdf(p + 4 * i);
        if (isnan(f) || (isinf(f) && f > 0) || (is_prob && f > 0.001f)) return false;
        t[i] = isinf(f) ? KL_PROB_FLOOR : f;
    }
    return true;
}

/* Walks level l's child pointers (ascending, the last one equal to the next
 * level's size), marks in starts[] where each child range begins, and
 * checks that the words of each of its own ranges (marked by the level
 * below) ascend. */
static bool level_check(text_kenlm *m, unsigned li, const unsigned char *starts,
                        unsigned char *next_starts) {
    kl_level *l = &m->level[li];
    uint64_t prev = 0, k = 0;
    uint32_t last_word = 0;
    bool is_middle = li + 1 < m->order;
    for (uint64_t i = 0; i <= l->entries; i++) {
        if (i < l->entries) {
            uint32_t w = level_word(m, l, i);
            bool fresh = starts[i >> 3] >> (i & 7) & 1;
            if (w >= m->count[0] || (!fresh && i > 0 && w <= last_word)) return false;
            last_word = w;
        }
        if (!is_middle) continue;
        while (k + 1 < l->arr_n && rd64(l->arr + 8 * (k + 1)) <= i) k++;
        uint64_t bit = i * l->total_bits + (l->total_bits - l->inline_bits);
        uint64_t nx = k << l->inline_bits | bits_at(l->base, bit, l->inline_bits);
        if (nx < prev || nx > m->count[li + 1]) return false;
        if (i == l->entries && nx != m->count[li + 1]) return false;
        if (i < l->entries) next_starts[nx >> 3] |= (unsigned char)(1u << (nx & 7));
        prev = nx;
    }
    return true;
}

static bool check_tree(text_kenlm *m, const char *path, err *e) {
    /* starts: bit i set where a child range of the level below begins. */
    unsigned char *starts = NULL, *next = NULL;
    bool ok = true;
    uint64_t prev = 0;
    next = calloc(m->count[1] / 8 + 1, 1);
    if (!next) return err_set(e, ERR_NOMEM, "out of memory");
    for (uint64_t w = 0; w <= m->count[0] && ok; w++) {
        uint64_t nx = uni_next(m, w);
        const unsigned char *u = m->unigram + 16 * w;
        float p = rdf(u), bo = rdf(u + 4);
        if (nx < prev || nx > m->count[1] || (w == m->count[0] && nx != m->count[1]) ||
            (w < m->count[0] && (!isfinite(p) || p > 0.001f || !isfinite(bo))))
            ok = false;
        else if (w < m->count[0])
            next[nx >> 3] |= (unsigned char)(1u << (nx & 7));
        prev = nx;
    }
    if (!ok) {
        free(next);
        return bad(e, path, "unigram records");
    }
    for (unsigned li = 1; li < m->order && ok; li++) {
        free(starts);
        starts = next;
        next = li + 1 < m->order ? calloc(m->count[li + 1] / 8 + 1, 1) : NULL;
        if (li + 1 < m->order && !next) {
            free(starts);
            return err_set(e, ERR_NOMEM, "out of memory");
        }
        const kl_level *l = &m->level[li];
        for (uint64_t k = 0; l->arr && k < l->arr_n && ok; k++) {
            uint64_t a = rd64(l->arr + 8 * k);
            if ((k == 0 && a != 0) || (k > 0 && a < rd64(l->arr + 8 * (k - 1))) || a > l->entries)
                ok = false;
        }
        if (ok) ok = level_check(m, li, starts, next);
    }
    free(starts);
    free(next);
    return ok ? true : bad(e, path, "trie pointers or word ids");
}

/* The words after the data: exactly count[0], <unk> first, each hashing to
 * its id's place in the sorted vocabulary. */
static bool check_words(text_kenlm *m, size_t off, const char *path, err *e) {
    const unsigned char *b = (const unsigned char *)m->buf;
    m->words_off = off;
    if (m->len - off < 6 || memcmp(b + off, "<unk>", 6) != 0) return bad(e, path, "vocabulary words");
    off += 6;
    for (uint64_t id = 1; id < m->count[0]; id++) {
        const unsigned char *z = memchr(b + off, 0, m->len - off);
        if (!z || murmur64a(b + off, (size_t)(z - (b + off))) != vocab_hash(m, id - 1))
            return bad(e, path, "vocabulary words do not match their hashes");
        off = (size_t)(z - b) + 1;
    }
    if (off != m->len) return bad(e, path, "vocabulary word count");
    return true;
}

/* Adds n bytes to *at when they fit in the file. */
static bool advance(const text_kenlm *m, uint64_t *at, uint64_t n) {
    if (n > m->len || *at > m->len - n) return false;
    *at += n;
    return true;
}

static bool layout(text_kenlm *m, const char *path, err *e) {
    const unsigned char *b = (const unsigned char *)m->buf;
    static const unsigned char sanity_tail[32] = {
        0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xbf, 1, 0, 0, 0,
        0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
    size_t ml = strlen(KL_MAGIC);
    if (m->len < KL_SANITY + KL_PARAMS || memcmp(b, KL_MAGIC, ml) != 0)
        return bad(e, path, "no KenLM format 5 header");
    for (size_t i = ml; i < 56; i++)
        if (b[i]) return bad(e, path, "header");
    if (memcmp(b + 56, sanity_tail, sizeof sanity_tail) != 0)
        return bad(e, path, "header test values (another byte order or word size)");
    m->order = b[KL_SANITY];
    uint32_t type = rd32(b + KL_SANITY + 8), version = rd32(b + KL_SANITY + 16);
    if (m->order < 2 || m->order > TEXT_KENLM_MAX_ORDER) return bad(e, path, "order");
    if (type != KL_TYPE_QUANT_ARRAY_TRIE || version != 1)
        return bad(e, path, "model type other than 5 (quantised trie with compressed pointers)");
    if (b[KL_SANITY + 12] != 1) return bad(e, path, "no vocabulary words");
    uint64_t at = KL_SANITY + KL_PARAMS;
    for (unsigned i = 0; i < m->order; i++) {
        if (m->len - at < 8) return bad(e, path, "short header");
        m->count[i] = rd64(b + at);
        at += 8;
        if (m->count[i] < 1 || m->count[i] >= KL_MAX_COUNT || (i == 0 && m->count[0] < 2))
            return bad(e, path, "n-gram counts");
    }
    if (m->count[0] > UINT32_MAX) return bad(e, path, "n-gram counts");
    at = (at + 7) / 8 * 8; /* the header is padded to 8 bytes */
    if (at > m->len) return bad(e, path, "short header");
    /* The sorted vocabulary: its size, then one hash per word but <unk>. */
    if (m->len - at < 8 || rd64(b + at) != m->count[0] - 1) return bad(e, path, "vocabulary size");
    m->hashes = b + at + 8;
    if (!advance(m, &at, 8 + 8 * m->count[0])) return bad(e, path, "vocabulary larger than the file");
    for (uint64_t k = 1; k + 1 < m->count[0]; k++)
        if (vocab_hash(m, k) <= vocab_hash(m, k - 1)) return bad(e, path, "vocabulary not sorted");
    m->filter = calloc((size_t)1 << (KL_FILTER_BITS - 6), sizeof *m->filter);
    if (!m->filter) return err_set(e, ERR_NOMEM, "out of memory");
    for (uint64_t k = 0; k + 1 < m->count[0]; k++)
        for (int j = 0; j < 2; j++) {
            uint64_t bit = filter_bit(vocab_hash(m, k), j);
            m->filter[bit >> 6] |= 1ULL << (bit & 63);
        }
    /* Quantisation: version 2, the bit widths, the tables. */
    if (m->len - at < 8 || b[at] != 2) return bad(e, path, "quantisation header");
    unsigned pb = b[at + 1], bb = b[at + 2];
    if (pb < 1 || pb > KL_MAX_QBITS || bb < 1 || bb > KL_MAX_QBITS) return bad(e, path, "quantisation bits");
    uint64_t qsize = (uint64_t)(m->order - 2) * (((uint64_t)1 << pb) + ((uint64_t)1 << bb)) * 4 +
                     ((uint64_t)1 << pb) * 4 + 8;
    uint64_t qat = at + 8;
    if (!advance(m, &at, qsize)) return bad(e, path, "quantisation tables larger than the file");
    m->word_bits = required_bits(m->count[0]);
    float *t = m->tables;
    for (unsigned li = 1; li < m->order; li++) {
        kl_level *l = &m->level[li];
        l->prob = t;
        if (!table_read(b + qat, pb, true, t)) return bad(e, path, "quantisation table");
        t += (size_t)1 << pb;
        qat += 4 * ((uint64_t)1 << pb);
        l->prob_bits = pb;
        if (li + 1 < m->order) {
            l->bo = t;
            if (!table_read(b + qat, bb, false, t)) return bad(e, path, "quantisation table");
            t += (size_t)1 << bb;
            qat += 4 * ((uint64_t)1 << bb);
            l->bo_bits = bb;
        }
    }
    m->unigram = b + at;
    if (!advance(m, &at, (m->count[0] + 2) * 16)) return bad(e, path, "unigrams larger than the file");
    for (unsigned li = 1; li < m->order; li++) {
        kl_level *l = &m->level[li];
        l->entries = m->count[li];
        if (li + 1 < m->order) {
            /* The pointer array: version 0, its configured bits, then (8-byte
             * aligned in the file) the sorted entry indexes. */
            if (m->len - at < 2 || b[at] != 0 || b[at + 1] > 64) return bad(e, path, "pointer array header");
            uint64_t max_next = m->count[li + 1];
            unsigned chop = chop_bits(l->entries + 1, max_next, b[at + 1]);
            l->inline_bits = required_bits(max_next) - chop;
            l->arr_n = (max_next >> (required_bits(max_next) - chop)) + 1;
            uint64_t arr_at = (at + 7) / 8 * 8 + 8;
            l->arr = b + arr_at;
            if (!advance(m, &at, 8 * (1 + l->arr_n) + 7) || arr_at + 8 * l->arr_n > at)
                return bad(e, path, "pointer array larger than the file");
        }
        l->total_bits = m->word_bits + l->bo_bits + l->prob_bits + l->inline_bits;
        if (l->inline_bits > 57 || l->total_bits > 255) return bad(e, path, "bit widths");
        l->base = b + at;
        if (!advance(m, &at, ((1 + l->entries) * l->total_bits + 7) / 8 + 8))
            return bad(e, path, "n-gram entries larger than the file");
    }
    return check_tree(m, path, e) && check_words(m, (size_t)at, path, e);
}

text_kenlm *text_kenlm_load(const char *path, err *e) {
    /* Room for every quantisation table at KL_MAX_QBITS (KenLM allows 25;
     * libime's model uses 8). */
    size_t tab = (size_t)(2 * TEXT_KENLM_MAX_ORDER) << KL_MAX_QBITS;
    text_kenlm *m = calloc(1, sizeof *m + tab * sizeof(float));
    if (!m) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (!file_read_all(path, KL_MAX_BYTES, &m->buf, &m->len, e)) {
        free(m);
        return NULL;
    }
    if (!layout(m, path, e)) {
        text_kenlm_free(m);
        return NULL;
    }
    return m;
}

static bool is_file(const char *p) {
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

char *text_kenlm_find(const char *paths) {
    return text_find_path(paths, "/usr/lib/*/libime/zh_CN.lm", "/usr/share/libime/zh_CN.lm", is_file);
}
