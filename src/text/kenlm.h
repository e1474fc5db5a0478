/* kenlm — reads a KenLM binary language model: fcitx5's libime model.
 *
 * Debian's libime-data-language-model ships zh_CN.lm (17 MB): a word
 * trigram model in KenLM's "mmap lm ... format version 5" binary form,
 * model type 5 (a trie keyed by reversed n-grams, probabilities and
 * back-offs quantised into 2^bits-entry tables, child pointers split into
 * a few inline bits and a sorted offset array), its vocabulary sorted by
 * 64-bit MurmurHash64A of each word, and the words themselves, in id order
 * and NUL-separated, after the data. It is read at run time and never
 * copied into the repository; the layout was learnt from KenLM's
 * documentation and source, the code is our own.
 *
 * text_kenlm_load() reads the file whole and checks it once: the header's
 * test values, every region's size against the file's length, bit widths,
 * every child pointer (ascending, inside the next level), every word id,
 * and every vocabulary word against its hash. A damaged or hostile file is
 * refused with a message naming it; after the check no look-up can leave
 * the buffer.
 *
 * Scoring follows KenLM's back-off semantics: the longest n-gram of the
 * history that the model holds gives the probability, plus the back-off
 * weights of the longer histories it lacks. A state keeps the words of
 * the history the model can extend, with their back-offs.
 *
 * Ownership: text_kenlm_load() returns a model the caller frees with
 * text_kenlm_free(); it is immutable, so threads may share it.
 */
#ifndef GI_TEXT_KENLM_H
#define GI_TEXT_KENLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct text_kenlm text_kenlm;

#define TEXT_KENLM_MAX_ORDER 5

/* The history a score is conditioned on: w[0] the last word, w[1] the one
 * before …; bo[k] the back-off of the n-gram w[k] … w[0]. */
typedef struct text_kenlm_state {
    uint32_t w[TEXT_KENLM_MAX_ORDER - 1];
    float bo[TEXT_KENLM_MAX_ORDER - 1];
    uint8_t n;
} text_kenlm_state;

/* Reads and checks the model file. Errors name the file and what is wrong. */
text_kenlm *text_kenlm_load(const char *path, err *e);
void text_kenlm_free(text_kenlm *m);

/* The first regular file of the colon-separated list; with NULL,
 * /usr/lib/<multiarch>/libime/zh_CN.lm or /usr/share/libime/zh_CN.lm.
 * NULL when none. Caller frees. */
char *text_kenlm_find(const char *paths);

unsigned text_kenlm_order(const text_kenlm *m);
/* Vocabulary size, <unk> (id 0) included. */
uint32_t text_kenlm_words(const text_kenlm *m);
/* Id of the UTF-8 word s[0..len); 0 (<unk>) when the model lacks it. */
uint32_t text_kenlm_index(const text_kenlm *m, const char *s, size_t len);
/* The word of an id (UTF-8, NUL-terminated, inside the model), or NULL. */
const char *text_kenlm_word(const text_kenlm *m, uint32_t id);

/* log10 p(word | history in) and, in *out, the history after it. The empty
 * state (n = 0) is no context. */
double text_kenlm_score(const text_kenlm *m, const text_kenlm_state *in, uint32_t word,
                        text_kenlm_state *out);
/* log10 p(w[n-1] | w[0] … w[n-2]) for n words in reading order, each a
 * UTF-8 string (a convenience for tests and tools). */
double text_kenlm_ngram(const text_kenlm *m, const char *const *words, size_t n);

#endif
