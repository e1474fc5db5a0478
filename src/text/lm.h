/* lm — the word trigram language model of the statistical typo detector.
 *
 * It reads SunPinyin's model as Debian's sunpinyin-data ships it, at run
 * time and never copied into the repository: lm_sc.t3g, a "threaded"
 * back-off trigram (71,759 unigrams, 2.5 M bigrams, 1 M trigrams over word
 * ids, probabilities quantised into two float tables, every node holding
 * its back-off state), and pydict_sc.bin, whose string table gives the
 * word of each id (84,154 words, UCS-4). The file is the compact form
 * itself: it is kept as read (39 MB) and walked in place, after one pass
 * that checks every child range and back-off link, so a damaged or hostile
 * file is refused at load and never read out of bounds.
 *
 * Or it wraps fcitx5's libime model (kenlm.h: a KenLM trigram over 164,887
 * words, 2 M bigrams); the detector does not know which it has.
 *
 * text_lm_best() gives the log10 probability of the best segmentation of a
 * run of characters into lexicon words (a Viterbi search with a small beam
 * over the model's states; a character the lexicon lacks is a word of its
 * own). The detector compares it with and without a substitution.
 *
 * Ownership: text_lm_load() and text_lm_load_kenlm() return a model the caller frees with
 * text_lm_free(); it is immutable, so threads may share it.
 */
#ifndef GI_TEXT_LM_H
#define GI_TEXT_LM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "text/kenlm.h"

typedef struct text_lm text_lm;

/* Longest run text_lm_best() scores, in characters (longer runs: the first
 * TEXT_LM_MAX characters). */
#define TEXT_LM_MAX 64

/* Loads <dir>/lm_sc.t3g and <dir>/pydict_sc.bin. Errors name the file. */
text_lm *text_lm_load(const char *dir, err *e);
/* libime's KenLM model (kenlm.h) at path, behind the same interface. */
text_lm *text_lm_load_kenlm(const char *path, err *e);
void text_lm_free(text_lm *m);
/* "sunpinyin" or "libime". */
const char *text_lm_name(const text_lm *m);

/* The first directory of the colon-separated list that holds both files,
 * else of /usr/lib/<multiarch>/sunpinyin/data and /usr/share/sunpinyin;
 * NULL when none. Caller frees. */
char *text_lm_find(const char *dirs);

size_t text_lm_words(const text_lm *m);
/* Id of the word cp[0..n), or -1 when the lexicon lacks it. */
int32_t text_lm_word_id(const text_lm *m, const int32_t *cp, size_t n);

/* log10 probability of the best segmentation of cp[0..n) into words of at
 * most max_word characters, the left context unknown (the model's root). */
double text_lm_best(const text_lm *m, const int32_t *cp, size_t n, int max_word);

#endif
