/* report — the 通报: a round's verdicts made into the document (doc.h).
 *
 * The document has two kinds of text. What the data decides — figures,
 * pass rates, the recheck of the previous round, the problems with named
 * examples, the two appendices, the workbook's problem list — is computed
 * here from verdict sets (verdict.h), so every format says the same. What an
 * office writes itself — its name, the addressees, 工作要求, deadlines, the
 * date — comes from a template (data/report/template.txt, `report template
 * show`) that the office edits: one paragraph per line with its style
 * (@office @title @addressee @h1 @h2 @body @signature), variables (@set),
 * phrases for the recheck sentences (@phrase), conditional blocks (@if
 * previous|sites_failed|media_failed|pending … @endif) and the generated
 * sections (@section problems|appendices). Placeholders {名称} are filled
 * from the round's figures and the variables; an unknown one is an error
 * naming the template line.
 *
 * Appendix rows follow the rule set's report order: grouped by the first
 * problem of each target in group_order, then registry order; a cell joins
 * the target's phrases with the rule set's separator in cell order (the
 * verdicts carry both). Rates are half-up to the rule set's decimals.
 *
 * Ownership: a template owns its text; report_build() returns a new doc the
 * caller frees with doc_free().
 */
#ifndef GI_REPORT_REPORT_H
#define GI_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "judge/rules.h"
#include "judge/verdict.h"
#include "report/doc.h"
#include "store/store.h"

typedef struct report_template report_template;

report_template *report_template_parse(const char *text, size_t len, const char *name, err *e);
report_template *report_template_load(const char *path, err *e);
void report_template_free(report_template *t);
/* Sets a variable, replacing the template's (`report --set NAME=VALUE`). */
bool report_template_set(report_template *t, const char *name, const char *value, err *e);

typedef struct report_input {
    const rules *r;
    const verdict_set *cur;
    const verdict_set *prev; /* NULL: no recheck */
    store *s;                /* for the workbook's problem list; NULL: none */
    int64_t round_id;
    const char *today;       /* the {今天} date as printed, "2020年8月17日" */
} report_input;

doc *report_build(const report_input *in, const report_template *t, err *e);

#endif
