/* adclass — is a comment commercial advertising? A score from 0 to 1.
 *
 * Comment-area spam on government accounts is a contact (a phone number, a
 * WeChat or QQ id after 加V / vx / 微信号 / QQ, a link or short link) plus a
 * pitch (selling, loans, part-time jobs, rebates) — or gambling, which
 * needs no contact. Citizens quote phone numbers and ids too ("办事大厅电话
 * 0912-1234567 打不通"), so no single contact signal reaches the threshold on
 * its own. Each signal present has a weight and the score is
 * 1 − Π(1 − weight) (a noisy OR): every further independent signal raises
 * it, none can push it past 1. A pitch word counts once per distinct word,
 * up to word_max per category.
 *
 * Everything — weights, word lists, contact markers, short-link hosts, the
 * top-level domains that make a bare domain a link — comes from the rule
 * set (indicators/media.comment_ads/...). Text is matched after folding:
 * ASCII lower-cased, full-width forms (ＱＱ, １３８) to ASCII.
 *
 * Ownership: adclass_new() returns a classifier the caller frees with
 * adclass_free(); it keeps pointers into the rule set, which must outlive
 * it. adclass_score() is reentrant.
 */
#ifndef GI_MEDIA_ADCLASS_H
#define GI_MEDIA_ADCLASS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/sbuf.h"
#include "judge/rules.h"

typedef struct adclass adclass;

adclass *adclass_new(const rules *r, err *e);
void adclass_free(adclass *c);
/* The score of one comment. When `signals` is not NULL, the signals found
 * are appended as "name" or "name:word" separated by ", " (for evidence). */
double adclass_score(const adclass *c, const char *text, sbuf *signals);

#endif
