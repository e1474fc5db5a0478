/* text_impl — internals shared by the files of the text engine (not an API).
 *
 * text_ac: the Aho-Corasick automaton. Its alphabet is the set of code
 * points that occur in some pattern (a symbol each; every other code point
 * is symbol 0 and sends the automaton back to the root), so a character of
 * the input costs one UTF-8 decode, one table look-up and, almost always,
 * one edge test. The root's edges are a dense table; other states keep
 * their edges sorted in one array. Output links chain the patterns that end
 * in a state.
 *
 * text_dict: the word-frequency dictionary of the statistical detector, an
 * open-addressing table over slices of one buffer (lookups take a pointer
 * and a length, so the scan never copies).
 */
#ifndef GI_TEXT_TEXT_IMPL_H
#define GI_TEXT_TEXT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "text/lm.h"
#include "text/text.h"

/* ---- Aho-Corasick ---- */

typedef struct text_ac text_ac;

/* Builds the automaton for n UTF-8 patterns (lengths lens[i]); pattern ids
 * are their indexes. NULL and e set on out-of-memory. */
text_ac *text_ac_build(const char *const *pats, const size_t *lens, size_t n, err *e);
void text_ac_free(text_ac *a);
size_t text_ac_states(const text_ac *a);

/* Called for every occurrence (overlapping ones included), in order of end;
 * returns false to stop. */
typedef bool (*text_ac_cb)(uint32_t pattern, size_t start, size_t end, void *ud);
void text_ac_scan(const text_ac *a, const char *s, size_t len, text_ac_cb cb, void *ud);

/* Decodes one UTF-8 character at s[i] (i < len): its code point, or -1 for
 * a byte that does not start a valid, shortest-form character (*n = 1). */
int32_t text_utf8_next(const char *s, size_t len, size_t i, int *n);
/* Writes code point cp (<= 0x10FFFF) as UTF-8 into out (4 bytes of room);
 * returns the byte count. */
size_t text_utf8_put(int32_t cp, char *out);

/* Line by line through buf[0..len): *pos starts at 0; gives each line
 * without its "\n" or "\r\n" and counts it in *lineno; false at the end. */
/* The first entry of the colon-separated list that is usable; with list
 * NULL, the first match of the glob pattern, else fallback. NULL when none;
 * caller frees. (Where the language models' files are looked for.) */
char *text_find_path(const char *list, const char *pattern, const char *fallback,
                     bool (*usable)(const char *));
bool text_next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *ll,
                    size_t *lineno);
/* Splits line[0..ll) at tabs into at most nmax fields (f, fl); returns how
 * many fields the line has, which may be more than nmax. */
int text_split_tabs(const char *line, size_t ll, const char **f, size_t *fl, int nmax);

/* ---- dictionary and statistical detector ---- */

typedef struct text_dict text_dict;

/* Words of at least cover_freq (mask 0) and of at least word_freq (mask 1)
 * also mark, per character, the (length, position) pairs it holds in some
 * such word: the detector skips a window that no word could fill without a
 * look-up in the (much larger) table. */
text_dict *text_dict_load(const char *path, uint32_t cover_freq, uint32_t word_freq, err *e);
void text_dict_free(text_dict *d);
/* Frequency of the word s[0..len), 0 when absent. */
uint32_t text_dict_freq(const text_dict *d, const char *s, size_t len);
double text_dict_total(const text_dict *d);
size_t text_dict_words(const text_dict *d);

typedef struct text_stat_conf {
    double min_gain;       /* score to flag: log10 probability gain ... */
    double orig_weight;    /* ... minus this times log10 of the suspect's own frequency */
    uint32_t min_word_freq;/* the corrected word must be at least this frequent */
    uint32_t cover_freq;   /* a char inside a word of this frequency is not suspect */
    int max_word;          /* longest word tried, in characters (2..6) */
    bool use_tone;         /* same sound, other tone */
    bool use_shape;        /* same shape */
    bool in_inspections;   /* also on every crawled page, not only in `text` */
    /* With the language model (lm.h): a substitution is scored by the
     * log10 gain of the best segmentation of lm_window characters either
     * side, flagged at lm_min_gain (plus the cost of an other-tone or
     * same-shape confusion); lm_cover_freq replaces cover_freq. */
    bool use_lm;
    double lm_min_gain;
    double sunpinyin_min_gain; /* lm_min_gain when SunPinyin's model is used; 0: the same */
    /* A sentence (up to 。！？；!?; or a line end) in which one substitution
     * reaches lm_min_gain also reports its others that reach lm_near_gain:
     * slips come in clusters, and the sure one vouches for the weaker
     * evidence around it. 0, or not below lm_min_gain: off. */
    double lm_near_gain;
    double lm_uni_weight;  /* weight of the unigram score added to the model's */
    double lm_tone_cost, lm_shape_cost; /* added to the threshold for those confusions */
    int lm_window, lm_max_word;
    uint32_t lm_cover_freq;
    char lm_dirs[1024];    /* detector.conf `lm`: directories tried first */
    /* detector.conf `lm_model`: sunpinyin, libime, or auto (libime's
     * first); the other model is the fallback. `kenlm`: libime model
     * files tried first. */
    char lm_model[16];
    char kenlm_paths[1024];
    /* Surnames: such a character followed by a Han character, or the
     * character after it, is never suspect (names are the commonest false
     * alarm: 刘通摄). */
    int32_t surnames[512];
    int nsurnames;
    /* Words a character inside which is never suspect (newer than the
     * model, page furniture): code points, each word ended by a 0. */
    int32_t known[2048];
    int nknown;
} text_stat_conf;

typedef struct text_confusion text_confusion;

/* Confusion sets: lines "char<TAB>same-sound<TAB>other-tone<TAB>same-shape". */
text_confusion *text_confusion_load(const char *path, err *e);
void text_confusion_free(text_confusion *c);

/* One statistical hit: byte range of the suspect character within the
 * scanned text, the character that fits, the word it makes. */
typedef struct text_stat_hit {
    size_t start, end;
    char right[8];
    char word[64];
    double gain;
} text_stat_hit;

typedef bool (*text_stat_cb)(const text_stat_hit *h, void *ud);
/* Scans s[0..len) run by run of Han characters; lm NULL: the unigram
 * score over the dictionary alone. */
void text_stat_scan(const text_dict *d, const text_confusion *c, const text_lm *lm,
                    const text_stat_conf *conf, const char *s, size_t len, text_stat_cb cb,
                    void *ud);

#endif
