/* rules — the indicator rule set: every number the judge uses.
 *
 * A rule set is a YAML file (libyaml). The national 2019 set is compiled in
 * from data/rules/national-2019.yaml, the same text `rules show` prints.
 * A user's file is read on top of it: a mapping merges key by key, any other
 * value (a number, a string, a list) replaces the built-in one. So a full
 * copy of `rules show` works as well as a three-line provincial variant.
 *
 * The built-in set is also the schema: a key the built-in set lacks is an
 * error, and a value must have the built-in value's shape (number, string,
 * list of strings, threshold, mapping). A threshold is a mapping
 * {op: ">=", value: 5} with op one of < <= > >= ==; it is the condition that
 * raises the problem ("measured op value"). One exception to fixed keys: a
 * column category's period is period_days, period_months or `period: never`,
 * and writing one replaces the other. A few keys carry extra constraints
 * (review: pending | confirmed; type, target, key: their closed sets;
 * *_days, *_months, per, *_denominator: whole numbers >= 1; every number
 * >= 0), and after the merge cross references are checked (a kind's
 * indicator exists, report orders name veto codes, cap groups name
 * deductions, match_order names categories).
 * Errors name the file, line and the dotted path of the field at fault:
 *   "prov.yaml:12: indicators.media.stale.window_days: expected a whole
 *    number >= 1, got 'ten'"
 * YAML syntax errors give file:line:column and libyaml's words. Anchors and
 * aliases, nesting deeper than 32, several documents and files over 4 MiB
 * are refused before anything is built.
 *
 * Look-ups take a '/'-separated path ("indicators/site.unreachable/
 * window_days"), because indicator codes contain dots. Looking up a path the
 * built-in set does not have is a programming error: the getters return a
 * zero value ("" for strings) and log it, they never abort.
 */
#ifndef GI_JUDGE_RULES_H
#define GI_JUDGE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef struct rules rules;

typedef enum { RULES_LT, RULES_LE, RULES_GT, RULES_GE, RULES_EQ } rules_op;

typedef struct rules_threshold {
    rules_op op;
    double value;
} rules_threshold;

/* The built-in national set. */
rules *rules_load_default(err *e);
/* The built-in set with a user's file merged on top. */
rules *rules_load_file(const char *path, err *e);
/* The same from text in memory; `name` is used in messages. */
rules *rules_load_text(const char *text, size_t len, const char *name, err *e);
void rules_free(rules *r);

/* The effective rule set as YAML (comments of the built-in file kept when
 * nothing was merged; a plain dump otherwise). Stored with each round so it
 * is judged by the rules in force when it was created. Owned by r. */
const char *rules_yaml(const rules *r);
/* The rule set's id and title (e.g. "cn-national-2019"). */
const char *rules_id(const rules *r);
const char *rules_title(const rules *r);

double rules_number(const rules *r, const char *path);
const char *rules_string(const rules *r, const char *path);
rules_threshold rules_threshold_at(const rules *r, const char *path);
/* Lists of strings (name patterns, report order). */
size_t rules_list_len(const rules *r, const char *path);
const char *rules_list_item(const rules *r, const char *path, size_t i);
/* The whole list at once (one look-up, for loops that run per page
 * element): its n texts, owned by r; NULL and n = 0 when absent. */
const char *const *rules_strings(const rules *r, const char *path, size_t *n);
/* Keys of a mapping in file order (indicator codes, finding kinds). */
size_t rules_keys_len(const rules *r, const char *path);
const char *rules_key(const rules *r, const char *path, size_t i);
bool rules_has(const rules *r, const char *path);

bool rules_threshold_test(rules_threshold t, double x);
const char *rules_op_name(rules_op op); /* ">=" ... */

/* Per finding kind: the indicator it counts under, its review default and
 * report phrase ("kinds/<kind>/..."); false when the kind is unknown. Some
 * kinds also have "veto" (the veto they escalate to, e.g. column.stale ->
 * site.column_stale) or "home_indicator" (link.broken): read those with
 * rules_has/rules_string. */
typedef struct rules_kind {
    const char *kind;
    const char *indicator;
    const char *review;   /* "pending" | "confirmed" */
    const char *phrase;   /* the appendix phrase; "" for deductions and information */
} rules_kind;
bool rules_kind_get(const rules *r, const char *kind, rules_kind *out);

#endif
