/* The word trigram language model of the statistical detector (lm.h). */
#include "text/lm.h"

#include "text/text_impl.h"
#include "core/fileio.h"
#include "core/lang.h"
#include "core/sbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LM_MAX_BYTES (256u << 20)
#define DICT_MAX_BYTES (64u << 20)
#define PR_TABLE (1u << 16)
#define BOW_TABLE (1u << 14)
#define NODE_BYTES 12u /* wid:18 bow:14 | pr:16 ch_lo:16 | bon:23 bol:2 ch_hi:7 */
#define LEAF_BYTES 8u  /* wid:18 pr_lo:14 | bon:23 bol:2 pr_hi:2 */
#define MAX_ORDER 3
#define WORD_MAX 16    /* longer lexicon words are left out */
#define UNKNOWN_WID 0xFFFFFFFFu
#define BEAM 8         /* states kept per position of the Viterbi search */

struct text_lm {
    text_kenlm *ken;           /* libime's model; NULL: SunPinyin's, below */
    char *buf;                 /* the model file as read */
    size_t len;
    unsigned order;
    uint32_t size[MAX_ORDER + 1];
    const unsigned char *level[MAX_ORDER + 1];
    float lpr[PR_TABLE], lbow[BOW_TABLE]; /* log10 of the quantised values */
    /* the lexicon: code points of every word in one pool, open addressing */
    int32_t *pool;
    struct lm_slot {
        uint32_t off, id;
        uint8_t len; /* 0: empty slot */
    } *slots;
    size_t cap, nwords;
};

/* The file is little-endian, as Debian builds it on every architecture
 * (tslmendian converts it for big-endian hosts). */
static uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static const unsigned char *node_at(const text_lm *m, unsigned lvl, uint32_t i) {
    return m->level[lvl] + (size_t)i * (lvl < m->order ? NODE_BYTES : LEAF_BYTES);
}
static uint32_t n_wid(const unsigned char *p) { return rd32(p) & 0x3FFFF; }
static uint32_t n_bow(const unsigned char *p) { return rd32(p) >> 18; }
static uint32_t n_pr(const unsigned char *p) { return rd32(p + 4) & 0xFFFF; }
static uint32_t n_ch(const unsigned char *p) { return (rd32(p + 8) >> 25) << 16 | rd32(p + 4) >> 16; }
static uint32_t n_bon(const unsigned char *p) { return rd32(p + 8) & 0x7FFFFF; }
static uint32_t n_bol(const unsigned char *p) { return (rd32(p + 8) >> 23) & 3; }
static uint32_t l_pr(const unsigned char *p) { return ((rd32(p + 4) >> 25) & 3) << 14 | rd32(p) >> 18; }
static uint32_t l_bon(const unsigned char *p) { return rd32(p + 4) & 0x7FFFFF; }
static uint32_t l_bol(const unsigned char *p) { return (rd32(p + 4) >> 23) & 3; }

static uint64_t cps_hash(const int32_t *cp, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint32_t)cp[i]) * 1099511628211ULL;
    return h;
}

int32_t text_lm_word_id(const text_lm *m, const int32_t *cp, size_t n) {
    if (!m || n == 0 || n > WORD_MAX) return -1;
    if (m->ken) {
        char w[4 * WORD_MAX];
        size_t wl = 0;
        for (size_t i = 0; i < n; i++) {
            if (cp[i] < 0 || cp[i] > 0x10FFFF) return -1;
            wl += text_utf8_put(cp[i], w + wl);
        }
        uint32_t id = text_kenlm_index(m->ken, w, wl);
        return id ? (int32_t)id : -1;
    }
    size_t j = cps_hash(cp, n) & (m->cap - 1);
    while (m->slots[j].len) {
        if (m->slots[j].len == n && memcmp(m->pool + m->slots[j].off, cp, n * sizeof *cp) == 0)
            return (int32_t)m->slots[j].id;
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

size_t text_lm_words(const text_lm *m) { return m->ken ? text_kenlm_words(m->ken) : m->nwords; }

const char *text_lm_name(const text_lm *m) { return m->ken ? "libime" : "sunpinyin"; }

text_lm *text_lm_load_kenlm(const char *path, err *e) {
    text_kenlm *k = text_kenlm_load(path, e);
    text_lm *m = k ? calloc(1, sizeof *m) : NULL;
    if (k && !m) err_set(e, ERR_NOMEM, "out of memory");
    if (!m) {
        text_kenlm_free(k);
        return NULL;
    }
    m->ken = k;
    return m;
}

void text_lm_free(text_lm *m) {
    if (!m) return;
    text_kenlm_free(m->ken);
    free(m->buf);
    free(m->pool);
    free(m->slots);
    free(m);
}

static bool bad(err *e, const char *path, const char *what) {
    return err_set(e, ERR_INPUT,
                   L("%s: not a SunPinyin threaded language model (%s)",
                     "%s：不是 SunPinyin 的语言模型文件（%s）"),
                   path, what);
}

/* Header, tables and one pass over every node: child ranges inside the
 * next level, back-off links to an existing state of a lower
 * level. After it no look-up can leave the buffer. */
static bool model_check(text_lm *m, const char *path, err *e) {
    const unsigned char *b = (const unsigned char *)m->buf;
    if (m->len < 8) return bad(e, path, "short header");
    m->order = rd32(b);
    uint32_t uselog = rd32(b + 4);
    if (m->order < 1 || m->order > MAX_ORDER || uselog > 1) return bad(e, path, "order");
    size_t off = 8 + 4 * ((size_t)m->order + 1);
    if (m->len < off + 4 * (size_t)(PR_TABLE + BOW_TABLE)) return bad(e, path, "short tables");
    size_t need = off + 4 * (size_t)(PR_TABLE + BOW_TABLE);
    for (unsigned l = 0; l <= m->order; l++) {
        m->size[l] = rd32(b + 8 + 4 * l);
        if (m->size[l] < 2 && l < m->order) return bad(e, path, "empty level");
        need += (size_t)m->size[l] * (l < m->order ? NODE_BYTES : LEAF_BYTES);
        if (need > m->len) return bad(e, path, "levels larger than the file");
    }
    if (need != m->len) return bad(e, path, "size");
    for (size_t i = 0; i < PR_TABLE + BOW_TABLE; i++) {
        uint32_t u = rd32(b + off + 4 * i);
        float f;
        memcpy(&f, &u, sizeof f);
        double v = uselog ? -(double)f / log(10.0) : (f > 0 ? log10((double)f) : -99.0);
        if (!isfinite(v) || v > 0.5 || v < -99.0) v = -99.0;
        if (i < PR_TABLE) m->lpr[i] = (float)v;
        else m->lbow[i - PR_TABLE] = (float)v;
    }
    const unsigned char *p = b + off + 4 * (size_t)(PR_TABLE + BOW_TABLE);
    for (unsigned l = 0; l <= m->order; l++) {
        m->level[l] = p;
        p += (size_t)m->size[l] * (l < m->order ? NODE_BYTES : LEAF_BYTES);
    }
    for (unsigned l = 0; l <= m->order; l++) {
        for (uint32_t i = 0; i < m->size[l]; i++) {
            const unsigned char *n = node_at(m, l, i);
            uint32_t bol = l < m->order ? n_bol(n) : l_bol(n);
            uint32_t bon = l < m->order ? n_bon(n) : l_bon(n);
            if (l < m->order) {
                /* A range [ch(i), ch(i+1)) that is not ascending is empty (the
                 * last level's sentinel is 0); a child that is itself a node
                 * must not be its level's sentinel. */
                uint32_t lim = m->size[l + 1] - (l + 1 < m->order ? 1 : 0);
                if (n_ch(n) > lim) return bad(e, path, "child range");
            }
            if (l == 0 || (l < m->order && i + 1 == m->size[l])) continue; /* root, sentinel */
            if (bol >= l || (bol > 0 && bon + 1 >= m->size[bol]) || (bol == 0 && bon != 0))
                return bad(e, path, "back-off link");
        }
    }
    return true;
}

/* pydict_sc.bin: word count, node count, offset of the string table, then
 * the words by id as NUL-terminated UCS-4 strings. */
static bool lexicon_load(text_lm *m, const char *path, err *e) {
    char *buf = NULL;
    size_t len = 0;
    if (!file_read_all(path, DICT_MAX_BYTES, &buf, &len, e)) return false;
    const unsigned char *b = (const unsigned char *)buf;
    uint32_t count = len >= 12 ? rd32(b) : 0, so = len >= 12 ? rd32(b + 8) : 0;
    if (len < 12 || count == 0 || so < 12 || so > len || (len - so) % 4) {
        free(buf);
        return err_set(e, ERR_INPUT, L("%s: not a SunPinyin lexicon", "%s：不是 SunPinyin 的词典文件"),
                       path);
    }
    size_t nch = (len - so) / 4;
    m->pool = malloc((nch ? nch : 1) * sizeof *m->pool);
    m->cap = 1024;
    /* A word takes two code points at least (with its NUL): a hostile
     * count cannot ask for more than the file holds. */
    size_t want = count < nch / 2 + 1 ? count : nch / 2 + 1;
    while (m->cap < want * 2) m->cap *= 2;
    m->slots = calloc(m->cap, sizeof *m->slots);
    if (!m->pool || !m->slots) {
        free(buf);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    size_t used = 0;
    uint32_t id = 0;
    for (size_t k = 0; k < nch && id < count && m->nwords * 2 < m->cap; id++) {
        size_t start = used;
        while (k < nch) {
            uint32_t c = rd32(b + so + 4 * k++);
            if (c == 0) break;
            m->pool[used++] = c > 0x10FFFF ? 0xFFFD : (int32_t)c;
        }
        size_t wl = used - start;
        if (wl == 0 || wl > WORD_MAX) {
            used = start;
            continue;
        }
        size_t j = cps_hash(m->pool + start, wl) & (m->cap - 1);
        while (m->slots[j].len && !(m->slots[j].len == wl &&
                                    memcmp(m->pool + m->slots[j].off, m->pool + start,
                                           wl * sizeof *m->pool) == 0))
            j = (j + 1) & (m->cap - 1);
        if (m->slots[j].len) { /* a word listed twice keeps its first id */
            used = start;
            continue;
        }
        m->slots[j] = (struct lm_slot){(uint32_t)start, id, (uint8_t)wl};
        m->nwords++;
    }
    free(buf);
    if (m->nwords == 0)
        return err_set(e, ERR_INPUT, L("%s: not a SunPinyin lexicon", "%s：不是 SunPinyin 的词典文件"),
                       path);
    return true;
}

text_lm *text_lm_load(const char *dir, err *e) {
    text_lm *m = calloc(1, sizeof *m);
    if (!m) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    sbuf lp = SBUF_INIT, dp = SBUF_INIT;
    sbuf_printf(&lp, "%s/lm_sc.t3g", dir);
    sbuf_printf(&dp, "%s/pydict_sc.bin", dir);
    bool ok = file_read_all(sbuf_str(&lp), LM_MAX_BYTES, &m->buf, &m->len, e) &&
              model_check(m, sbuf_str(&lp), e) && lexicon_load(m, sbuf_str(&dp), e);
    sbuf_free(&lp);
    sbuf_free(&dp);
    if (!ok) {
        text_lm_free(m);
        return NULL;
    }
    return m;
}

static bool has_model(const char *dir) {
    struct stat sb;
    sbuf p = SBUF_INIT;
    sbuf_printf(&p, "%s/lm_sc.t3g", dir);
    bool ok = stat(sbuf_str(&p), &sb) == 0 && S_ISREG(sb.st_mode);
    sbuf_reset(&p);
    sbuf_printf(&p, "%s/pydict_sc.bin", dir);
    ok = ok && stat(sbuf_str(&p), &sb) == 0 && S_ISREG(sb.st_mode);
    sbuf_free(&p);
    return ok;
}

char *text_lm_find(const char *dirs) {
    return text_find_path(dirs, "/usr/lib/*/sunpinyin/data", "/usr/share/sunpinyin", has_model);
}

/* One step of the back-off model from history state st (level << 24 |
 * index) with word wid: log10 probability; *out is the state reached,
 * already reduced to the history it can extend (SunPinyin's historify). */
static double transfer(const text_lm *m, uint32_t st, uint32_t wid, uint32_t *out) {
    unsigned lvl = st >> 24;
    uint32_t pos = st & 0xFFFFFF;
    double cost = 0;
    for (;;) {
        const unsigned char *pn = node_at(m, lvl, lvl ? pos : 0);
        uint32_t h = n_ch(pn), t = n_ch(pn + NODE_BYTES);
        unsigned nl = lvl + 1;
        while (h < t) {
            uint32_t mid = h + (t - h) / 2;
            uint32_t w = n_wid(node_at(m, nl, mid));
            if (w < wid) h = mid + 1;
            else if (w > wid) t = mid;
            else {
                const unsigned char *c = node_at(m, nl, mid);
                double pr = m->lpr[nl < m->order ? n_pr(c) : l_pr(c)];
                if (nl >= m->order) *out = l_bol(c) << 24 | l_bon(c);
                else if (n_ch(c) == n_ch(c + NODE_BYTES)) *out = n_bol(c) << 24 | n_bon(c);
                else *out = nl << 24 | mid;
                return cost + pr;
            }
        }
        cost += m->lbow[n_bow(pn)];
        if (lvl == 0) break;
        uint32_t bol = n_bol(pn), bon = n_bon(pn);
        lvl = bol;
        pos = bon;
    }
    *out = 0;
    return cost + m->lpr[n_pr(node_at(m, 0, 0))];
}

/* A state of the search: SunPinyin's node (level << 24 | index), or
 * KenLM's history. */
typedef struct beam_ent {
    uint32_t st;
    text_kenlm_state ks;
    double score;
} beam_ent;

static bool same_state(const beam_ent *a, const beam_ent *b) {
    if (a->st != b->st || a->ks.n != b->ks.n) return false;
    for (unsigned k = 0; k < a->ks.n; k++)
        if (a->ks.w[k] != b->ks.w[k]) return false;
    return true;
}

/* Keeps the BEAM best distinct states at one position. */
static void beam_add(beam_ent *b, int *nb, const beam_ent *add) {
    int worst = 0;
    for (int k = 0; k < *nb; k++) {
        if (same_state(&b[k], add)) {
            if (add->score > b[k].score) b[k].score = add->score;
            return;
        }
        if (b[k].score < b[worst].score) worst = k;
    }
    if (*nb < BEAM) b[(*nb)++] = *add;
    else if (add->score > b[worst].score) b[worst] = *add;
}

/* One word after state in: its log10 probability, the state reached. */
static double step(const text_lm *m, const beam_ent *in, int32_t id, beam_ent *out) {
    *out = (beam_ent){0};
    if (m->ken) return text_kenlm_score(m->ken, &in->ks, id < 0 ? 0 : (uint32_t)id, &out->ks);
    return transfer(m, in->st, id < 0 ? UNKNOWN_WID : (uint32_t)id, &out->st);
}

double text_lm_best(const text_lm *m, const int32_t *cp, size_t n, int max_word) {
    if (!m || n == 0) return 0;
    if (n > TEXT_LM_MAX) n = TEXT_LM_MAX;
    if (max_word < 1) max_word = 1;
    if (max_word > WORD_MAX) max_word = WORD_MAX;
    beam_ent beam[TEXT_LM_MAX + 1][BEAM];
    int nb[TEXT_LM_MAX + 1] = {0};
    beam[0][0] = (beam_ent){0};
    nb[0] = 1;
    for (size_t j = 0; j < n; j++) {
        for (size_t l = 1; l <= (size_t)max_word && j + l <= n; l++) {
            int32_t id = text_lm_word_id(m, cp + j, l);
            if (id < 0 && l > 1) continue;
            for (int k = 0; k < nb[j]; k++) {
                beam_ent next;
                double p = step(m, &beam[j][k], id, &next);
                next.score = beam[j][k].score + p;
                beam_add(beam[j + l], &nb[j + l], &next);
            }
        }
    }
    double best = -1e300;
    for (int k = 0; k < nb[n]; k++)
        if (beam[n][k].score > best) best = beam[n][k].score;
    return best;
}
