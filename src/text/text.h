/* text — the text engine: typos, serious wording errors and harmful words.
 *
 * text_engine_load() reads every .tsv file of <data>/lexicons/ (UTF-8 TSV;
 * format in each file's header and docs/text-engine.md) and compiles the
 * patterns into one Aho-Corasick automaton over code points (a dense goto
 * table at the root, sorted edge lists below), so text_scan() decodes each
 * character once whatever the number of patterns; invalid UTF-8 resets it,
 * so matches lie on character boundaries. Overlapping matches are reduced
 * to the leftmost-longest ("国家卫生和计划生育委员会" is one finding, not
 * three); then entries of category ok (correct phrases) hide what they
 * cover, dated entries count only from their date, except-contexts and the
 * whitelist silence the rest.
 *
 * The statistical detector (optional) uses a word-frequency dictionary
 * (jieba's dict.txt, found at run time, never shipped) and the same-sound /
 * same-shape sets of data/lexicons/confusion.txt: it flags a character that
 * no dictionary word covers when a confusable character makes a frequent
 * word and the local segmentation far more probable; with SunPinyin's word
 * trigram model (sunpinyin-data, read at run time, lm.h) it judges the
 * substitution in its context instead. Its thresholds live in
 * data/lexicons/detector.conf. When no dictionary is found the engine still
 * loads; text_engine_stat_available() says false and text_engine_stat_note()
 * says why.
 *
 * Ownership: the engine owns everything it loads and is immutable after
 * text_engine_load(); one engine may be shared by any number of threads
 * scanning at once. A text_match and the strings in it are valid only
 * during the callback. A text_whitelist is owned by its creator.
 */
#ifndef GI_TEXT_TEXT_H
#define GI_TEXT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef struct text_engine text_engine;
typedef struct text_whitelist text_whitelist;

typedef enum {
    TEXT_TYPO = 0,     /* content.typo:    wrong character(s), suggestion set */
    TEXT_WORDING,      /* content.wording: serious wording (names, titles, abolished bodies) */
    TEXT_HARMFUL,      /* content.harmful: gambling, pornography ... */
} text_category;

typedef struct text_match {
    size_t start, end;         /* byte range in the scanned input */
    const char *text;          /* the matched text (NUL-terminated copy) */
    text_category category;
    const char *category_name; /* "typo" "wording" "harmful" */
    const char *indicator;     /* "content.typo" "content.wording" "content.harmful" */
    const char *suggestion;    /* the right form; "" when none */
    const char *label;         /* sub-category, e.g. "2018机构改革" "赌博" "色情"; "" when none */
    double score;              /* statistical hits: log10 frequency ratio; 0 for lexicon hits */
    bool statistical;          /* from the statistical detector, not a lexicon entry */
} text_match;

/* Return false to stop the scan. */
typedef bool (*text_match_cb)(const text_match *m, void *ud);

typedef struct text_scan_opts {
    /* Publication date of the text (0 when unknown). Entries with an "only
     * after" date are reported only when the date is known and after it. */
    int pub_year, pub_month, pub_day;
    const text_whitelist *whitelist; /* NULL: none */
    bool statistical;                /* run the statistical detector too */
    bool no_harmful;                 /* skip harmful-word entries */
} text_scan_opts;

/* Loads <data_dir>/lexicons/. NULL: $GOVINSPECT_DATA, else the source tree's
 * data (a build-tree binary), else the installed data. The dictionary of the
 * statistical detector is $GOVINSPECT_JIEBA_DICT, else the `dict` key of
 * detector.conf, else /usr/share/... and the python3-jieba location. Errors
 * name the file and line. */
text_engine *text_engine_load(const char *data_dir, err *e);
/* As text_engine_load() with an explicit dictionary path ("" disables the
 * statistical detector, NULL looks for it as above). */
text_engine *text_engine_load_with_dict(const char *data_dir, const char *dict_path, err *e);
/* As text_engine_load(NULL) for the content check of an inspection: the
 * detector's dictionary is read only when detector.conf's in_inspections
 * asks for the detector on crawled pages. This engine also remembers (by a
 * keyed 64-bit hash, 32,768 slots) the blocks of 24 bytes or more in which
 * no pattern occurs, and returns at once when it meets one again: a site's
 * navigation and footer are scanned once, not on every page (39 % of the
 * bundled demo's text). Blocks holding any match are always scanned. */
text_engine *text_engine_load_for_inspections(err *e);
void text_engine_free(text_engine *t);

size_t text_engine_patterns(const text_engine *t);
bool text_engine_stat_available(const text_engine *t);
/* Whether the detector should also run on every page of an inspection
 * (detector.conf in_inspections; off by default: it costs about 40 times the
 * lexicon scan, and a crawl of 2,000 pages would spend most of its time in
 * it). `govinspect text` always runs it unless --no-stat. */
bool text_engine_stat_in_inspections(const text_engine *t);
/* Whether the detector scores with the language model (sunpinyin-data
 * installed, detector.conf use_lm = 1), not with word frequencies alone. */
bool text_engine_stat_lm(const text_engine *t);
/* Why the detector is not available (or what dictionary it uses). */
const char *text_engine_stat_note(const text_engine *t);

/* One pass over utf8[0..len); calls cb for every match in order of start.
 * opts NULL: defaults (no date, no whitelist, statistical detector on when
 * available). Returns the number of matches reported. At most 1,000,000 raw
 * matches are considered per call (the rest of a hostile input is not). */
size_t text_scan(const text_engine *t, const char *utf8, size_t len, const text_scan_opts *opts,
                 text_match_cb cb, void *ud);

/* Per-site whitelist: TSV lines "pattern<TAB>context" (context optional: the
 * match is silenced only when the context string surrounds it), '#'
 * comments. Errors name the file and line. */
text_whitelist *text_whitelist_load(const char *path, err *e);
/* The whitelist of one site: $GOVINSPECT_WHITELIST_DIR/<code>.tsv, else
 * <data>/whitelists/<code>.tsv. NULL with e->cls ERR_NONE when the site has
 * none (or the code is not a plain 网站标识码); NULL with e set on a bad file. */
text_whitelist *text_whitelist_for_site(const char *site_code, err *e);
/* Adds one entry (pattern, context or NULL). */
bool text_whitelist_add(text_whitelist *w, const char *pattern, const char *context);
text_whitelist *text_whitelist_new(void);
void text_whitelist_free(text_whitelist *w);

/* 1-based line and column in characters of byte offset `off` in s[0..len). */
void text_line_col(const char *s, size_t len, size_t off, int *line, int *col);

/* The text around s[start..end): up to nchars characters either side, the
 * match itself included, white space (newlines too) as single spaces.
 * Caller frees; NULL on out-of-memory. */
char *text_context(const char *s, size_t len, size_t start, size_t end, int nchars);

/* Where matches in a block of text extracted from HTML lie in the source.
 * The block's text is white-space collapsed and entity-decoded, so a match
 * is looked for literally in the source: the k-th occurrence of its text
 * after the previous match (a synchronisation point) in the block is the
 * k-th after the previous match's place in the source. A match not found
 * near enough (an entity or a tag inside the word) gets the place of the
 * previous match, or the block's offset. Linear in the block when matches
 * come in order of start, as text_scan() gives them. The map points into
 * src and block, which must outlive it. */
typedef struct text_srcmap {
    const char *src, *block;
    size_t src_len, block_off;
    size_t bpos, spos; /* the synchronisation point: block offset, source offset */
} text_srcmap;
void text_srcmap_init(text_srcmap *m, const char *src, size_t src_len, const char *block,
                      size_t block_off);
size_t text_srcmap_offset(text_srcmap *m, size_t start, size_t end);

/* Where the text of an HTML page's <title> starts (just after the first
 * "<title...>" tag), or len when it has none: the block offset to give
 * text_srcmap_init() for matches in the title. */
size_t text_title_offset(const char *html, size_t len);

/* "typo" "wording" "harmful" and the matching indicator. */
const char *text_category_name(text_category c);
const char *text_category_indicator(text_category c);

#endif
