/* verdict — the judge: a round's stored observations to verdicts, by a rule set.
 *
 * Checks record findings (observations with a kind and a subject); this
 * module decides, each time `verdicts` or `report` runs, what they amount
 * to under the rule set given — the round's own or another province's —
 * so re-judging never needs a new crawl (indicators.md §1, §6):
 *  - only confirmed findings count; pending ones that would be a veto make
 *    the target `pending`; dismissed and gone ones are ignored;
 *  - a finding counts under its kind's indicator in this rule set. Kinds that
 *    escalate (`veto:` in the rule set) are recounted here: stale and blank
 *    columns against site.column_stale's thresholds (key, dated, blank), an
 *    un-escalated top-level policy column under column.policy_stale;
 *    incomplete guides against site.service's share;
 *  - availability (site.unreachable) is re-judged from the probes stored
 *    now, so a probe log imported after the inspection counts; a reviewer's
 *    dismissal of the round's site.unreachable finding overrules it;
 *  - a website without a veto is scored: base − Σ deductions (per indicator
 *    floor(count / per) × points, capped; cap groups capped together), the
 *    办事服务 area skipped and the rest × 4/3 for services=no, bonus points
 *    for eligible portals after that; below the fail threshold it fails with
 *    the score phrase;
 *  - precedence fail > pending > unknown > pass. Unknown: not checked in the
 *    round, a crawl that never reached the column pages (crawl.incomplete),
 *    an unreadable feed or a capture too old (the round's target record).
 *
 * Targets come sites first, then accounts, each in registry order, limited
 * to an organisation and those under it when org is given.
 *
 * Ownership: a verdict_set owns everything in it; verdict_set_free().
 */
#ifndef GI_JUDGE_VERDICT_H
#define GI_JUDGE_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "judge/rules.h"
#include "store/store.h"

typedef enum { VERDICT_PASS, VERDICT_FAIL, VERDICT_PENDING, VERDICT_UNKNOWN } verdict_state;

/* One deduction indicator's share of a website's score. */
typedef struct verdict_deduction {
    char *indicator;
    int count;     /* distinct problems */
    double points; /* after its own cap, before cap groups and × 4/3 */
} verdict_deduction;

typedef struct verdict {
    bool is_site;
    char *id;       /* site code or media id */
    char *name;
    char *unit;
    char *org;
    char *platform; /* accounts: the Chinese label (微信); sites: "" */
    char *kind;     /* sites: portal | department; accounts: the platform code */
    bool services;
    verdict_state state;
    char *reason;   /* why unknown; "" otherwise */
    bool checked;   /* the round checked it */
    char **vetoes;  /* confirmed veto codes, in the report's cell order */
    size_t nvetoes;
    char **pending_vetoes; /* veto codes awaiting review */
    size_t npending_vetoes;
    char **problems; /* report phrases, in cell order, joined by the separator in cells */
    size_t nproblems;
    bool scored;     /* a website without a veto */
    double score;    /* unrounded */
    double deducted; /* after cap groups and × 4/3 */
    double bonus;    /* added */
    verdict_deduction *deductions;
    size_t ndeductions;
    int pending_review; /* pending findings of the target */
    int confirmed;      /* confirmed findings counted (info excluded) */
    int stale_columns;  /* websites: columns stale by this rule set */
    int blank_columns;
    int group;          /* index in the report's group order; -1: none */
} verdict;

typedef struct verdict_totals {
    int registered, checked, pass, fail, pending, unknown;
} verdict_totals;

typedef struct verdict_set {
    char *round;
    char *as_of;
    char *label;
    char *rules_id;
    verdict *v; /* sites first, then accounts */
    size_t n;
    size_t nsites;
    verdict_totals sites, media;
} verdict_set;

/* Judges the round by the rule set r. org NULL or "": every target. */
bool verdicts_compute(store *s, const rules *r, const round_rec *round, const char *org,
                      verdict_set *out, err *e);
void verdict_set_free(verdict_set *vs);

const char *verdict_state_name(verdict_state st); /* pass | fail | pending | unknown */
const char *verdict_state_label(verdict_state st); /* 合格 | 不合格 | 待审核 | 无法判定 */

/* Looks a target up by kind and id; NULL when absent. */
const verdict *verdict_find(const verdict_set *vs, bool is_site, const char *id);
/* Whether v has veto code `code` confirmed. */
bool verdict_has_veto(const verdict *v, const char *code);

/* A rate as the report prints it: half-up to `decimals`, whole numbers
 * without decimals ("98.04%", "100%"). 0 of 0 prints "0%". */
void verdict_format_rate(int num, int den, int decimals, char *out, size_t outsz);

#endif
