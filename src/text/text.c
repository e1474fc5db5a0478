/* The text engine: lexicons, whitelist, scan (see text.h). */
#define _GNU_SOURCE /* memmem */
#include "text/text.h"

#include "core/date.h"
#include "core/fileio.h"
#include "core/lang.h"
#include "core/sbuf.h"
#include "core/strmap.h"
#include "core/textenc.h"
#include "text/text_impl.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdatomic.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#define LEX_MAX_BYTES (32u << 20)
#define PATTERN_MAX_BYTES 240
#define CONTEXT_WINDOW_CHARS 20
#define SCAN_MAX_HITS 1000000 /* raw matches one text_scan() considers (24 MB) */ /* a context that does not contain the pattern must be this near */

enum { CAT_OK = 3 }; /* lexicon-only category: a correct phrase that masks shorter matches */

typedef struct lex_entry {
    char *pattern;
    size_t len;
    int cat;            /* text_category or CAT_OK */
    char *suggestion;
    char *label;
    char **except;      /* contexts in which the entry is not an error; NULL-terminated */
    int64_t from_days;  /* report only on texts published on or after; 0: always */
    char *where;        /* "file:line" for duplicate messages */
} lex_entry;

struct text_engine {
    lex_entry *ents;
    size_t n, cap;
    text_ac *ac;
    text_dict *dict;
    text_confusion *conf;
    text_lm *lm;          /* NULL: the detector scores with the dictionary alone */
    text_stat_conf sconf;
    char *note;
    bool for_inspections; /* loaded by the content check */
    /* Blocks of an inspection in which no pattern occurs, remembered by a
     * keyed hash (see quiet_hash): a site repeats its navigation, headers and
     * footer on every page, and they need scanning once. Direct-mapped and
     * lock-free: a lost or overwritten slot only costs a rescan. */
    _Atomic uint64_t *quiet;
    uint64_t quiet_key;
};

typedef struct wl_item {
    char *context; /* NULL: everywhere */
    struct wl_item *next;
} wl_item;

struct text_whitelist {
    strmap *m; /* pattern -> wl_item list */
};

const char *text_category_name(text_category c) {
    switch (c) {
    case TEXT_TYPO: return "typo";
    case TEXT_WORDING: return "wording";
    case TEXT_HARMFUL: return "harmful";
    }
    return "typo";
}

const char *text_category_indicator(text_category c) {
    switch (c) {
    case TEXT_TYPO: return "content.typo";
    case TEXT_WORDING: return "content.wording";
    case TEXT_HARMFUL: return "content.harmful";
    }
    return "content.typo";
}

/* ---- loading ---- */

static bool is_dir(const char *p) {
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static const char *default_data_dir(void) {
    const char *env = getenv("GOVINSPECT_DATA");
    if (env && *env) return env;
    /* The library has no idea where its binary lives; the source tree's data
     * exists only on a development machine, where it is the right one. */
    if (is_dir(GI_DATADIR_SOURCE "/lexicons")) return GI_DATADIR_SOURCE;
    return GI_DATADIR_INSTALLED;
}

static void entry_free(lex_entry *en) {
    free(en->pattern);
    free(en->suggestion);
    free(en->label);
    if (en->except)
        for (char **x = en->except; *x; x++) free(*x);
    free(en->except);
    free(en->where);
}

void text_engine_free(text_engine *t) {
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) entry_free(&t->ents[i]);
    free(t->ents);
    text_ac_free(t->ac);
    text_dict_free(t->dict);
    text_confusion_free(t->conf);
    text_lm_free(t->lm);
    free(t->note);
    free((void *)t->quiet);
    free(t);
}

static char *dupn(const char *s, size_t n) {
    char *r = malloc(n + 1);
    if (r) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

/* A pattern or context must be UTF-8 without control characters. */
static bool text_field_ok(const char *s, size_t n, bool need_symbols) {
    for (size_t i = 0; i < n;) {
        int k;
        int32_t cp = text_utf8_next(s, n, i, &k);
        if (cp < 0x20 || cp == 0x7F) return false;
        if (need_symbols && cp >= 0x30000) return false;
        i += (size_t)k;
    }
    return true;
}

static bool lex_line(text_engine *t, strmap *seen, const char *path, size_t lineno,
                     const char *line, size_t ll, err *e) {
    const char *f[6] = {0};
    size_t fl[6] = {0};
    int nf = text_split_tabs(line, ll, f, fl, 6);
    if (nf > 6)
        return err_set(e, ERR_INPUT, L("%s:%zu: more than 6 columns", "%s:%zu：多于 6 列"), path,
                       lineno);
    if (nf < 2 || fl[0] == 0)
        return err_set(e, ERR_INPUT,
                       L("%s:%zu: expected pattern<TAB>category[<TAB>...]",
                         "%s:%zu：应为“词<TAB>类别[<TAB>…]”"),
                       path, lineno);
    if (fl[0] > PATTERN_MAX_BYTES || !text_field_ok(f[0], fl[0], true))
        return err_set(e, ERR_INPUT,
                       L("%s:%zu: the pattern is not valid UTF-8 text of at most %d bytes",
                         "%s:%zu：词不是有效的 UTF-8 文本或超过 %d 字节"),
                       path, lineno, PATTERN_MAX_BYTES);
    int cat;
    if (fl[1] == 4 && memcmp(f[1], "typo", 4) == 0) cat = TEXT_TYPO;
    else if (fl[1] == 7 && memcmp(f[1], "wording", 7) == 0) cat = TEXT_WORDING;
    else if (fl[1] == 7 && memcmp(f[1], "harmful", 7) == 0) cat = TEXT_HARMFUL;
    else if (fl[1] == 2 && memcmp(f[1], "ok", 2) == 0) cat = CAT_OK;
    else
        return err_set(e, ERR_INPUT,
                       L("%s:%zu: unknown category '%.*s' (typo, wording, harmful or ok)",
                         "%s:%zu：未知类别“%.*s”（应为 typo、wording、harmful 或 ok）"),
                       path, lineno, (int)(fl[1] > 40 ? 40 : fl[1]), f[1]);
    for (int i = 2; i < nf && i < 5; i++)
        if (!text_field_ok(f[i], fl[i], false))
            return err_set(e, ERR_INPUT,
                           L("%s:%zu: column %d is not valid UTF-8 text", "%s:%zu：第 %d 列不是有效的 UTF-8 文本"),
                           path, lineno, i + 1);
    int64_t from = 0;
    if (nf > 5 && fl[5]) {
        char d[16];
        int y, m, dd;
        if (fl[5] >= sizeof d) fl[5] = sizeof d - 1;
        memcpy(d, f[5], fl[5]);
        d[fl[5]] = '\0';
        if (!date_parse_ymd(d, &y, &m, &dd))
            return err_set(e, ERR_INPUT,
                           L("%s:%zu: the date '%s' is not YYYY-MM-DD", "%s:%zu：日期“%s”不是 YYYY-MM-DD"),
                           path, lineno, d);
        from = date_days_from_civil(y, m, dd);
    }
    char *pat = dupn(f[0], fl[0]);
    if (!pat) return err_set(e, ERR_NOMEM, "out of memory");
    const char *prev = strmap_get(seen, pat);
    if (prev) {
        err_set(e, ERR_INPUT,
                L("%s:%zu: '%s' is listed twice (also %s)", "%s:%zu：“%s”重复（另见 %s）"), path,
                lineno, pat, prev);
        free(pat);
        return false;
    }
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 256;
        lex_entry *ne = realloc(t->ents, nc * sizeof *ne);
        if (!ne) {
            free(pat);
            return err_set(e, ERR_NOMEM, "out of memory");
        }
        t->ents = ne;
        t->cap = nc;
    }
    lex_entry *en = &t->ents[t->n];
    memset(en, 0, sizeof *en);
    en->pattern = pat;
    en->len = fl[0];
    en->cat = cat;
    en->from_days = from;
    en->suggestion = dupn(nf > 2 ? f[2] : "", nf > 2 ? fl[2] : 0);
    en->label = dupn(nf > 3 ? f[3] : "", nf > 3 ? fl[3] : 0);
    sbuf w = SBUF_INIT;
    sbuf_printf(&w, "%s:%zu", path, lineno);
    en->where = sbuf_detach(&w);
    t->n++;
    if (nf > 4 && fl[4]) {
        size_t nx = 2;
        for (size_t i = 0; i < fl[4]; i++) nx += f[4][i] == '|';
        en->except = calloc(nx, sizeof *en->except);
        if (!en->except) return err_set(e, ERR_NOMEM, "out of memory");
        size_t k = 0, p = 0;
        for (size_t i = 0; i <= fl[4]; i++) {
            if (i == fl[4] || f[4][i] == '|') {
                if (i > p) en->except[k++] = dupn(f[4] + p, i - p);
                p = i + 1;
            }
        }
    }
    if (!en->suggestion || !en->label || !en->where) return err_set(e, ERR_NOMEM, "out of memory");
    if (!strmap_put(seen, en->pattern, en->where, NULL)) return err_set(e, ERR_NOMEM, "out of memory");
    return true;
}

static bool lex_file(text_engine *t, strmap *seen, const char *path, err *e) {
    char *buf = NULL;
    size_t len = 0;
    if (!file_read_all(path, LEX_MAX_BYTES, &buf, &len, e)) return false;
    size_t bad;
    if (!utf8_valid(buf, len, &bad)) {
        size_t line = 1;
        for (size_t i = 0; i < bad; i++) line += buf[i] == '\n';
        free(buf);
        return err_set(e, ERR_INPUT, L("%s:%zu: not UTF-8", "%s:%zu：不是 UTF-8 编码"), path, line);
    }
    size_t lineno = 0, pos = 0, ll;
    const char *line;
    bool ok = true;
    while (ok && text_next_line(buf, len, &pos, &line, &ll, &lineno)) {
        if (lineno == 1 && ll >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            line += 3;
            ll -= 3;
        }
        if (ll == 0 || line[0] == '#') continue;
        ok = lex_line(t, seen, path, lineno, line, ll, e);
    }
    free(buf);
    return ok;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.tsv of dir, in name order (so that duplicates are reported the
 * same way on every machine). */
static bool lex_dir(text_engine *t, const char *dir, err *e) {
    DIR *d = opendir(dir);
    if (!d)
        return err_set(e, ERR_IO, L("%s: cannot open the lexicon folder", "%s：无法打开词库目录"), dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    bool ok = true;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".tsv") != 0 || de->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) { ok = false; break; }
            names = nn;
        }
        names[n] = strdup(de->d_name);
        if (!names[n]) { ok = false; break; }
        n++;
    }
    closedir(d);
    if (!ok) err_set(e, ERR_NOMEM, "out of memory");
    if (n) qsort(names, n, sizeof *names, cmp_str);
    strmap *seen = strmap_new();
    if (!seen && ok) ok = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n && ok; i++) {
        sbuf p = SBUF_INIT;
        sbuf_printf(&p, "%s/%s", dir, names[i]);
        ok = lex_file(t, seen, sbuf_str(&p), e);
        sbuf_free(&p);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    strmap_free(seen, NULL);
    return ok;
}

/* detector.conf: "key = value" lines. */
static bool stat_conf_load(text_engine *t, const char *path, sbuf *dicts, err *e) {
    text_stat_conf *c = &t->sconf;
    *c = (text_stat_conf){.min_gain = 4.0, .min_word_freq = 200, .cover_freq = 1, .max_word = 4,
                          .use_tone = true, .use_shape = true, .lm_min_gain = 4.0,
                          .lm_window = 4, .lm_max_word = 6, .lm_cover_freq = 0};
    char *buf = NULL;
    size_t len = 0;
    struct stat sb;
    if (stat(path, &sb) != 0) return true; /* defaults */
    if (!file_read_all(path, 1u << 20, &buf, &len, e)) return false;
    size_t lineno = 0;
    bool ok = true;
    for (char *line = buf; line && *line && ok; lineno++) {
        char *eol = strchr(line, '\n');
        if (eol) *eol = '\0';
        char *next = eol ? eol + 1 : NULL;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        char *eq = strchr(line, '=');
        char *k = line;
        while (*k == ' ' || *k == '\t') k++;
        if (!*k || *k == '\r') {
            line = next;
            continue;
        }
        if (!eq) {
            ok = err_set(e, ERR_INPUT, L("%s:%zu: expected key = value", "%s:%zu：应为“键 = 值”"),
                         path, lineno + 1);
            break;
        }
        char *ke = eq;
        while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t')) ke--;
        *ke = '\0';
        char *v = eq + 1;
        while (*v == ' ' || *v == '\t') v++;
        char *ve = v + strlen(v);
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r')) ve--;
        *ve = '\0';
        char *end = NULL;
        double num = strtod(v, &end);
        bool isnum = end && end != v && *end == '\0';
        if (strcmp(k, "dict") == 0) {
            sbuf_puts(dicts, v);
        } else if (strcmp(k, "lm") == 0) {
            snprintf(c->lm_dirs, sizeof c->lm_dirs, "%s", v);
        } else if (strcmp(k, "kenlm") == 0) {
            snprintf(c->kenlm_paths, sizeof c->kenlm_paths, "%s", v);
        } else if (strcmp(k, "lm_model") == 0) {
            if (strcmp(v, "sunpinyin") != 0 && strcmp(v, "libime") != 0 && strcmp(v, "auto") != 0)
                ok = err_set(e, ERR_INPUT,
                             L("%s:%zu: lm_model must be sunpinyin, libime or auto",
                               "%s:%zu：lm_model 须为 sunpinyin、libime 或 auto"),
                             path, lineno + 1);
            snprintf(c->lm_model, sizeof c->lm_model, "%s", v);
        } else if (strcmp(k, "surnames") == 0) {
            size_t vl = strlen(v);
            for (size_t i = 0; i < vl;) {
                int n;
                int32_t cp = text_utf8_next(v, vl, i, &n);
                i += (size_t)n;
                if (cp >= 0x3400 && c->nsurnames < (int)(sizeof c->surnames / sizeof *c->surnames))
                    c->surnames[c->nsurnames++] = cp;
            }
        } else if (strcmp(k, "known") == 0) {
            size_t vl = strlen(v);
            int cap = (int)(sizeof c->known / sizeof *c->known);
            for (size_t i = 0; i <= vl && c->nknown < cap;) {
                int n = 1;
                int32_t cp = i < vl ? text_utf8_next(v, vl, i, &n) : ' ';
                i += (size_t)n;
                bool sep = cp == ' ' || cp == '\t';
                if (!sep && cp >= 0x3400 && c->nknown < cap - 1) c->known[c->nknown++] = cp;
                else if (sep && c->nknown && c->known[c->nknown - 1] != 0) c->known[c->nknown++] = 0;
            }
        } else if (!isnum || num < 0 || num > 1e9) {
            ok = err_set(e, ERR_INPUT, L("%s:%zu: '%s' needs a number", "%s:%zu：“%s”须为数字"),
                         path, lineno + 1, k);
        } else if (strcmp(k, "min_gain") == 0) c->min_gain = num;
        else if (strcmp(k, "orig_weight") == 0) c->orig_weight = num;
        else if (strcmp(k, "min_word_freq") == 0) c->min_word_freq = (uint32_t)num;
        else if (strcmp(k, "cover_freq") == 0) c->cover_freq = (uint32_t)num;
        else if (strcmp(k, "max_word") == 0) c->max_word = (int)num;
        else if (strcmp(k, "use_tone") == 0) c->use_tone = num != 0;
        else if (strcmp(k, "use_shape") == 0) c->use_shape = num != 0;
        else if (strcmp(k, "in_inspections") == 0) c->in_inspections = num != 0;
        else if (strcmp(k, "use_lm") == 0) c->use_lm = num != 0;
        else if (strcmp(k, "lm_min_gain") == 0) c->lm_min_gain = num;
        else if (strcmp(k, "sunpinyin_min_gain") == 0) c->sunpinyin_min_gain = num;
        else if (strcmp(k, "lm_near_gain") == 0) c->lm_near_gain = num;
        else if (strcmp(k, "lm_uni_weight") == 0) c->lm_uni_weight = num;
        else if (strcmp(k, "lm_tone_cost") == 0) c->lm_tone_cost = num;
        else if (strcmp(k, "lm_shape_cost") == 0) c->lm_shape_cost = num;
        else if (strcmp(k, "lm_window") == 0) c->lm_window = (int)num;
        else if (strcmp(k, "lm_max_word") == 0) c->lm_max_word = (int)num;
        else if (strcmp(k, "lm_cover_freq") == 0) c->lm_cover_freq = (uint32_t)num;
        else
            ok = err_set(e, ERR_INPUT, L("%s:%zu: unknown key '%s'", "%s:%zu：未知的键“%s”"), path,
                         lineno + 1, k);
        line = next;
    }
    free(buf);
    return ok;
}

/* One language model, when its files are there: SunPinyin's directory
 * ($GOVINSPECT_LM_DIR, else the conf's `lm`, else Debian's place) or
 * libime's file ($GOVINSPECT_KENLM, else the conf's `kenlm`, else Debian's
 * place); an empty variable turns that model off. A model found but
 * refused is named in the note. */
static bool lm_try(text_engine *t, bool libime, sbuf *note) {
    const char *env = getenv(libime ? "GOVINSPECT_KENLM" : "GOVINSPECT_LM_DIR");
    const char *conf = libime ? t->sconf.kenlm_paths : t->sconf.lm_dirs;
    char *(*find)(const char *) = libime ? text_kenlm_find : text_lm_find;
    char *where = NULL;
    if (env) where = *env ? find(env) : NULL;
    else {
        if (conf[0]) where = find(conf);
        if (!where) where = find(NULL);
    }
    if (!where) return false;
    err e2 = {0};
    t->lm = libime ? text_lm_load_kenlm(where, &e2) : text_lm_load(where, &e2);
    /* The models' scores differ in scale: SunPinyin's may have its own threshold. */
    if (t->lm && !libime && t->sconf.sunpinyin_min_gain > 0)
        t->sconf.lm_min_gain = t->sconf.sunpinyin_min_gain;
    if (t->lm)
        sbuf_printf(note, L("; language model %s %s (%zu words)", "；语言模型 %s %s（%zu 词）"),
                    text_lm_name(t->lm), where, text_lm_words(t->lm));
    else
        sbuf_printf(note, L("; language model not used: %s", "；未使用语言模型：%s"), e2.msg);
    free(where);
    return t->lm != NULL;
}

/* The model detector.conf's lm_model names, else the other one; without
 * either the detector falls back to the unigram score, and the note says
 * so. */
static void lm_setup(text_engine *t, sbuf *note) {
    if (!t->sconf.use_lm) return;
    bool libime_first = strcmp(t->sconf.lm_model, "sunpinyin") != 0;
    if (lm_try(t, libime_first, note) || lm_try(t, !libime_first, note)) return;
    sbuf_puts(note, L("; no language model (install libime-data-language-model or sunpinyin-data): "
                      "word frequencies only",
                      "；未找到语言模型（请安装 libime-data-language-model 或 sunpinyin-data）：仅用词频"));
}

static void stat_setup(text_engine *t, const char *lexdir, const char *dict_path, const char *dicts) {
    sbuf note = SBUF_INIT;
    const char *chosen = NULL;
    char *cand = NULL;
    if (dict_path && !*dict_path) {
        sbuf_puts(&note, L("statistical detector disabled", "统计检测已关闭"));
        t->note = sbuf_detach(&note);
        return;
    }
    const char *env = getenv("GOVINSPECT_JIEBA_DICT");
    sbuf list = SBUF_INIT;
    if (dict_path) sbuf_puts(&list, dict_path);
    else if (env && *env) sbuf_puts(&list, env);
    else {
        sbuf_puts(&list, dicts);
        sbuf_puts(&list, ":/usr/lib/python3/dist-packages/jieba/dict.txt"
                         ":/usr/share/python3-jieba/dict.txt:/usr/share/jieba/dict.txt");
    }
    cand = sbuf_detach(&list);
    struct stat sb;
    for (char *p = cand, *sv = NULL, *tok; (tok = strtok_r(p, ":", &sv)); p = NULL)
        if (stat(tok, &sb) == 0 && S_ISREG(sb.st_mode)) {
            chosen = tok;
            break;
        }
    if (!chosen) {
        sbuf_printf(&note,
                    L("statistical detector off: no word-frequency dictionary found (install "
                      "python3-jieba or set GOVINSPECT_JIEBA_DICT)",
                      "统计检测未启用：未找到词频词典（请安装 python3-jieba 或设置 GOVINSPECT_JIEBA_DICT）"));
    } else {
        err e2 = {0};
        sbuf cp = SBUF_INIT;
        sbuf_printf(&cp, "%s/confusion.txt", lexdir);
        t->dict = text_dict_load(chosen, t->sconf.cover_freq, t->sconf.min_word_freq, &e2);
        if (t->dict) t->conf = text_confusion_load(sbuf_str(&cp), &e2);
        if (!t->dict || !t->conf) {
            sbuf_printf(&note, L("statistical detector off: %s", "统计检测未启用：%s"), e2.msg);
            text_dict_free(t->dict);
            t->dict = NULL;
        } else {
            sbuf_printf(&note, L("statistical detector on: %s (%zu words)", "统计检测已启用：%s（%zu 词）"),
                        chosen, text_dict_words(t->dict));
            lm_setup(t, &note);
        }
        sbuf_free(&cp);
    }
    free(cand);
    t->note = sbuf_detach(&note);
}

static text_engine *engine_load(const char *data_dir, const char *dict_path, bool for_inspections,
                                err *e);

#define QUIET_SLOTS (1u << 15) /* 256 KB: the blocks of a large site's templates */
#define QUIET_MIN_BYTES 24     /* shorter blocks scan faster than they hash */

static void quiet_setup(text_engine *t) {
    t->quiet = calloc(QUIET_SLOTS, sizeof *t->quiet);
    /* The key keeps a hostile page from crafting a block that collides with
     * a quiet one and so hiding a harmful word. */
    if (getrandom(&t->quiet_key, sizeof t->quiet_key, GRND_NONBLOCK) != (ssize_t)sizeof t->quiet_key)
        t->quiet_key = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL ^ (uint64_t)(uintptr_t)t;
}

/* A 64-bit keyed hash of a block, eight bytes a step; never 0 (an empty slot). */
static uint64_t quiet_hash(uint64_t key, const char *s, size_t len) {
    const uint64_t m = 0xFF51AFD7ED558CCDULL;
    uint64_t h = key ^ ((uint64_t)len * 0xC4CEB9FE1A85EC53ULL);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * m;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, s + i, len - i);
    h = (h ^ w ^ key) * m;
    h ^= h >> 29;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 32;
    return h ? h : 1;
}

text_engine *text_engine_load_with_dict(const char *data_dir, const char *dict_path, err *e) {
    return engine_load(data_dir, dict_path, false, e);
}

static text_engine *engine_load(const char *data_dir, const char *dict_path, bool for_inspections,
                                err *e) {
    text_engine *t = calloc(1, sizeof *t);
    if (!t) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    t->for_inspections = for_inspections;
    sbuf dir = SBUF_INIT, conf = SBUF_INIT, dicts = SBUF_INIT;
    sbuf_printf(&dir, "%s/lexicons", data_dir ? data_dir : default_data_dir());
    sbuf_printf(&conf, "%s/detector.conf", sbuf_str(&dir));
    bool ok = lex_dir(t, sbuf_str(&dir), e) && stat_conf_load(t, sbuf_str(&conf), &dicts, e);
    if (ok) {
        const char **pats = malloc((t->n ? t->n : 1) * sizeof *pats);
        size_t *lens = malloc((t->n ? t->n : 1) * sizeof *lens);
        if (pats && lens) {
            for (size_t i = 0; i < t->n; i++) {
                pats[i] = t->ents[i].pattern;
                lens[i] = t->ents[i].len;
            }
            t->ac = text_ac_build(pats, lens, t->n, e);
        } else {
            err_set(e, ERR_NOMEM, "out of memory");
        }
        free(pats);
        free(lens);
        ok = t->ac != NULL;
    }
    /* For an inspection the dictionary is loaded only when the detector is
     * to run there (reading it costs more than scanning a small site). */
    if (ok && t->for_inspections && !t->sconf.in_inspections) dict_path = "";
    if (ok && t->for_inspections) quiet_setup(t); /* without it every block is scanned */
    if (ok) stat_setup(t, sbuf_str(&dir), dict_path, sbuf_str(&dicts));
    sbuf_free(&dir);
    sbuf_free(&conf);
    sbuf_free(&dicts);
    if (!ok) {
        text_engine_free(t);
        return NULL;
    }
    return t;
}

text_engine *text_engine_load_for_inspections(err *e) { return engine_load(NULL, NULL, true, e); }

text_engine *text_engine_load(const char *data_dir, err *e) {
    return text_engine_load_with_dict(data_dir, NULL, e);
}

size_t text_engine_patterns(const text_engine *t) { return t->n; }
bool text_engine_stat_in_inspections(const text_engine *t) {
    return t && t->sconf.in_inspections && text_engine_stat_available(t);
}

bool text_engine_stat_available(const text_engine *t) { return t->dict && t->conf; }
bool text_engine_stat_lm(const text_engine *t) { return text_engine_stat_available(t) && t->lm; }
const char *text_engine_stat_note(const text_engine *t) { return t->note ? t->note : ""; }

/* ---- whitelist ---- */

text_whitelist *text_whitelist_new(void) {
    text_whitelist *w = calloc(1, sizeof *w);
    if (w && !(w->m = strmap_new())) {
        free(w);
        return NULL;
    }
    return w;
}

static void wl_list_free(void *v) {
    for (wl_item *it = v, *nx; it; it = nx) {
        nx = it->next;
        free(it->context);
        free(it);
    }
}

void text_whitelist_free(text_whitelist *w) {
    if (!w) return;
    strmap_free(w->m, wl_list_free);
    free(w);
}

bool text_whitelist_add(text_whitelist *w, const char *pattern, const char *context) {
    wl_item *it = calloc(1, sizeof *it);
    if (!it) return false;
    if (context && *context && !(it->context = strdup(context))) {
        free(it);
        return false;
    }
    it->next = strmap_get(w->m, pattern);
    if (!strmap_put(w->m, pattern, it, NULL)) {
        it->next = NULL;
        wl_list_free(it);
        return false;
    }
    return true;
}

text_whitelist *text_whitelist_load(const char *path, err *e) {
    char *buf = NULL;
    size_t len = 0;
    if (!file_read_all(path, LEX_MAX_BYTES, &buf, &len, e)) return NULL;
    text_whitelist *w = text_whitelist_new();
    if (!w) {
        free(buf);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    size_t lineno = 0, pos = 0, ll;
    const char *line;
    while (text_next_line(buf, len, &pos, &line, &ll, &lineno)) {
        if (ll == 0 || line[0] == '#') continue;
        const char *f[2];
        size_t fl[2];
        int nf = text_split_tabs(line, ll, f, fl, 2);
        if (nf > 2 || fl[0] == 0 || !text_field_ok(f[0], fl[0], false) ||
            (nf == 2 && !text_field_ok(f[1], fl[1], false))) {
            err_set(e, ERR_INPUT,
                    L("%s:%zu: expected pattern[<TAB>context] in UTF-8",
                      "%s:%zu：应为 UTF-8 的“词[<TAB>上下文]”"),
                    path, lineno);
            text_whitelist_free(w);
            free(buf);
            return NULL;
        }
        char *p = dupn(f[0], fl[0]);
        char *c = nf == 2 ? dupn(f[1], fl[1]) : NULL;
        bool ok = p && (nf < 2 || c) && text_whitelist_add(w, p, c);
        free(p);
        free(c);
        if (!ok) {
            err_set(e, ERR_NOMEM, "out of memory");
            text_whitelist_free(w);
            free(buf);
            return NULL;
        }
    }
    free(buf);
    return w;
}

text_whitelist *text_whitelist_for_site(const char *code, err *e) {
    if (!code || !*code || strlen(code) > 32) return NULL;
    for (const char *p = code; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            return NULL; /* never a path */
    const char *dir = getenv("GOVINSPECT_WHITELIST_DIR");
    sbuf p = SBUF_INIT;
    if (dir && *dir) sbuf_printf(&p, "%s/%s.tsv", dir, code);
    else sbuf_printf(&p, "%s/whitelists/%s.tsv", default_data_dir(), code);
    struct stat sb;
    text_whitelist *w = NULL;
    if (stat(sbuf_str(&p), &sb) == 0) w = text_whitelist_load(sbuf_str(&p), e);
    sbuf_free(&p);
    return w;
}

/* ---- scan ---- */

/* The offset n characters before / after pos (stopping at the ends). */
static size_t chars_back(const char *s, size_t pos, int n) {
    for (int k = 0; k < n && pos > 0; k++) {
        pos--;
        while (pos > 0 && ((unsigned char)s[pos] & 0xC0) == 0x80) pos--;
    }
    return pos;
}

static size_t chars_fwd(const char *s, size_t len, size_t pos, int n) {
    for (int k = 0; k < n && pos < len; k++) {
        pos++;
        while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80) pos++;
    }
    return pos;
}

/* Does ctx occur around s[start..end)? A context that contains the match
 * must cover it; any other context must be within CONTEXT_WINDOW_CHARS. */
static bool context_hit(const char *s, size_t len, size_t start, size_t end, const char *ctx) {
    size_t cl = strlen(ctx);
    if (cl == 0 || cl > len) return false;
    size_t lo, hi;
    const char *mt = s + start;
    size_t ml = end - start;
    bool covers = ml <= cl && memmem(ctx, cl, mt, ml) != NULL;
    if (covers) {
        lo = end >= cl ? end - cl : 0;
        hi = start + cl <= len ? start + cl : len;
    } else {
        int reach = CONTEXT_WINDOW_CHARS; /* characters between, plus the context's own */
        for (size_t i = 0; i < cl; i++) reach += ((unsigned char)ctx[i] & 0xC0) != 0x80;
        lo = chars_back(s, start, reach);
        hi = chars_fwd(s, len, end, reach);
    }
    for (size_t p = lo; p + cl <= hi;) {
        const char *f = memmem(s + p, hi - p, ctx, cl);
        if (!f) return false;
        size_t fo = (size_t)(f - s);
        if (!covers || (fo <= start && fo + cl >= end)) return true;
        p = fo + 1;
    }
    return false;
}

static bool whitelisted(const text_whitelist *w, const char *s, size_t len, size_t start,
                        size_t end, const char *text) {
    if (!w) return false;
    for (const wl_item *it = strmap_get(w->m, text); it; it = it->next)
        if (!it->context || context_hit(s, len, start, end, it->context)) return true;
    return false;
}

typedef struct hit {
    size_t start, end;
    uint32_t ent; /* lexicon entry, or UINT32_MAX for a statistical hit */
    uint32_t stat;/* index into stat hits */
} hit;

typedef struct hits {
    hit *v;
    size_t n, cap;
    text_stat_hit *sv;
    size_t sn, scap;
    bool nomem;
} hits;

static bool hit_push(hits *h, hit x) {
    if (h->n == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 64;
        hit *nv = realloc(h->v, nc * sizeof *nv);
        if (!nv) {
            h->nomem = true;
            return false;
        }
        h->v = nv;
        h->cap = nc;
    }
    h->v[h->n++] = x;
    return true;
}

static bool on_ac(uint32_t p, size_t start, size_t end, void *ud) {
    hits *h = ud;
    if (h->n >= SCAN_MAX_HITS) return false; /* hostile input: memory stays bounded */
    return hit_push(h, (hit){start, end, p, 0});
}

static bool on_stat(const text_stat_hit *sh, void *ud) {
    hits *h = ud;
    if (h->sn >= SCAN_MAX_HITS) return false;
    if (h->sn == h->scap) {
        size_t nc = h->scap ? h->scap * 2 : 16;
        text_stat_hit *nv = realloc(h->sv, nc * sizeof *nv);
        if (!nv) return false;
        h->sv = nv;
        h->scap = nc;
    }
    h->sv[h->sn] = *sh;
    return hit_push(h, (hit){sh->start, sh->end, UINT32_MAX, (uint32_t)h->sn++});
}

static int hit_cmp(const void *a, const void *b) {
    const hit *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end > y->end ? -1 : 1; /* longest first */
    return (x->ent > y->ent) - (x->ent < y->ent);
}

size_t text_scan(const text_engine *t, const char *s, size_t len, const text_scan_opts *opts,
                 text_match_cb cb, void *ud) {
    text_scan_opts def = {.statistical = true};
    if (!opts) opts = &def;
    hits h = {0};
    bool remember = t->quiet && len >= QUIET_MIN_BYTES &&
                    !(opts->statistical && text_engine_stat_available(t));
    uint64_t qh = remember ? quiet_hash(t->quiet_key, s, len) : 0;
    _Atomic uint64_t *slot = remember ? &t->quiet[qh & (QUIET_SLOTS - 1)] : NULL;
    if (slot && atomic_load_explicit(slot, memory_order_relaxed) == qh) return 0;
    text_ac_scan(t->ac, s, len, on_ac, &h);
    size_t nlex = h.n;
    if (slot && nlex == 0) atomic_store_explicit(slot, qh, memory_order_relaxed);
    if (nlex > 1) qsort(h.v, nlex, sizeof *h.v, hit_cmp);
    /* Leftmost-longest: keep the lexicon hits no earlier one overlaps. */
    size_t kept = 0, last_end = 0;
    for (size_t i = 0; i < nlex; i++) {
        if (kept && h.v[i].start < last_end) continue;
        h.v[kept++] = h.v[i];
        last_end = h.v[i].end;
    }
    h.n = kept;
    if (opts->statistical && text_engine_stat_available(t)) {
        text_stat_scan(t->dict, t->conf, t->lm, &t->sconf, s, len, on_stat, &h);
        /* A statistical hit inside any lexicon hit (ok entries included) is
         * dropped: the lexicon knows better. */
        size_t w = kept;
        for (size_t i = kept; i < h.n; i++) {
            bool inside = false;
            for (size_t j = 0; j < kept && !inside; j++)
                inside = h.v[i].start < h.v[j].end && h.v[j].start < h.v[i].end;
            if (!inside) h.v[w++] = h.v[i];
        }
        h.n = w;
        if (h.n > 1) qsort(h.v, h.n, sizeof *h.v, hit_cmp);
    }
    int64_t pub = 0;
    if (opts->pub_year && date_valid(opts->pub_year, opts->pub_month, opts->pub_day))
        pub = date_days_from_civil(opts->pub_year, opts->pub_month, opts->pub_day);
    size_t reported = 0;
    sbuf text = SBUF_INIT;
    for (size_t i = 0; i < h.n; i++) {
        const hit *x = &h.v[i];
        text_match m = {.start = x->start, .end = x->end};
        sbuf_reset(&text);
        sbuf_append(&text, s + x->start, x->end - x->start);
        m.text = sbuf_str(&text);
        if (x->ent != UINT32_MAX) {
            const lex_entry *en = &t->ents[x->ent];
            if (en->cat == CAT_OK) continue;
            if (en->cat == TEXT_HARMFUL && opts->no_harmful) continue;
            if (en->from_days && (!pub || pub < en->from_days)) continue;
            bool excepted = false;
            if (en->except)
                for (char **c = en->except; *c && !excepted; c++)
                    excepted = context_hit(s, len, x->start, x->end, *c);
            if (excepted) continue;
            m.category = (text_category)en->cat;
            m.suggestion = en->suggestion;
            m.label = en->label;
        } else {
            const text_stat_hit *sh = &h.sv[x->stat];
            m.category = TEXT_TYPO;
            m.suggestion = sh->right;
            m.label = sh->word;
            m.score = sh->gain;
            m.statistical = true;
        }
        if (whitelisted(opts->whitelist, s, len, x->start, x->end, m.text)) continue;
        m.category_name = text_category_name(m.category);
        m.indicator = text_category_indicator(m.category);
        reported++;
        if (!cb(&m, ud)) break;
    }
    sbuf_free(&text);
    free(h.v);
    free(h.sv);
    return reported;
}

void text_line_col(const char *s, size_t len, size_t off, int *line, int *col) {
    int l = 1, c = 1;
    if (off > len) off = len;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

char *text_context(const char *s, size_t len, size_t start, size_t end, int nchars) {
    size_t lo = chars_back(s, start > len ? len : start, nchars);
    size_t hi = chars_fwd(s, len, end > len ? len : end, nchars);
    sbuf b = SBUF_INIT;
    bool space = false;
    for (size_t i = lo; i < hi; i++) {
        char c = s[i];
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            if (!space && b.len) sbuf_putc(&b, ' ');
            space = true;
            continue;
        }
        space = false;
        sbuf_putc(&b, c);
    }
    while (b.len && b.data[b.len - 1] == ' ') b.data[--b.len] = '\0';
    return sbuf_detach(&b);
}

void text_srcmap_init(text_srcmap *m, const char *src, size_t src_len, const char *block,
                      size_t block_off) {
    *m = (text_srcmap){.src = src, .block = block, .src_len = src_len,
                       .block_off = block_off > src_len ? src_len : block_off,
                       .bpos = 0, .spos = block_off > src_len ? src_len : block_off};
}

size_t text_srcmap_offset(text_srcmap *m, size_t start, size_t end) {
    size_t ml = end - start;
    if (ml == 0) return m->spos;
    if (start < m->bpos) { /* out of order: start again from the block's beginning */
        m->bpos = 0;
        m->spos = m->block_off;
    }
    const char *mt = m->block + start;
    int before = 0;
    for (const char *p = m->block + m->bpos; (p = memmem(p, (size_t)(mt - p), mt, ml)); p++)
        before++;
    /* Markup between two places of the text is seldom more than a few times
     * the text itself; the bound keeps a hostile page linear. */
    size_t reach = 8 * (start - m->bpos + ml) + 4096;
    const char *q = m->src + m->spos;
    const char *lim = m->src + (m->src_len - m->spos > reach ? m->spos + reach : m->src_len);
    for (int k = 0; q < lim; k++) {
        const char *f = memmem(q, (size_t)(lim - q), mt, ml);
        if (!f) break;
        if (k == before) {
            m->bpos = start;
            m->spos = (size_t)(f - m->src);
            return m->spos;
        }
        q = f + 1;
    }
    return m->spos;
}

size_t text_title_offset(const char *html, size_t len) {
    for (size_t i = 0; i + 6 < len; i++) {
        if (html[i] != '<' || strncasecmp(html + i + 1, "title", 5) != 0) continue;
        char c = html[i + 6];
        if (c != '>' && c != ' ' && c != '\t' && c != '\n' && c != '\r') continue;
        const char *gt = memchr(html + i, '>', len - i);
        return gt ? (size_t)(gt - html) + 1 : len;
    }
    return len;
}
