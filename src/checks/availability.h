/* availability — 站点无法访问 (site.unreachable) judged from stored homepage
 * probes and registered downtime (报备), with its informational companions
 * probe.insufficient and downtime.excess.
 *
 * The judgement, availability_judge(), is a pure function of T, the rule set,
 * a site's probes and its downtime: no store, no clock. So another rule set
 * re-judges the same observations, and tests feed it what they like. It reads
 * every number from the rule set (indicators/site.unreachable/...,
 * probe.insufficient/day_probes, downtime.excess/...) and follows
 * indicators.md §0 and §2:
 *  - the window is the window_days calendar dates ending at T's date in the
 *    rule set's time zone; a probe's date is taken in that zone, whatever
 *    offset it was stamped with;
 *  - a probe inside a registered downtime period of either kind ([from, to))
 *    is left out of both the failures and the counted probes;
 *  - a probe fails when ok is false, an error is recorded, its HTTP status
 *    meets failed_status, or its elapsed time meets slow_seconds (re-judged
 *    from the stored values; an unknown status or time tests nothing);
 *  - veto when failed / counted meets failure_ratio; with no counted probe
 *    availability is not judged (and the verdict is unaffected);
 *  - each date of the window with a number of stored probes that meets
 *    probe.insufficient/day_probes is named; probes inside downtime count
 *    here, since the monitor did run;
 *  - take-downs (kind "takedown") in force at some time in the window_months
 *    ending at T: more of them than downtime.excess/takedowns allows, and
 *    each one longer than takedown_days (its length in days, from to to).
 *
 * availability_inspect() is what the inspection driver calls for a site: it
 * reads the probes and downtime from the store, judges, and records the
 * findings through check_record() — site.unreachable (subject
 * "availability"), probe.insufficient (subject the date, "2020-08-05"; the
 * window "2020-08-04/2020-08-10" when probes exist but all inside downtime),
 * downtime.excess (subject "takedowns" for the count, the period
 * "FROM/TO" for a long one). Findings of these kinds not recorded again are
 * the caller's to mark gone (availability_kinds).
 */
#ifndef GI_CHECKS_AVAILABILITY_H
#define GI_CHECKS_AVAILABILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checks/check.h"
#include "judge/rules.h"
#include "store/store.h"

/* At most this many failed probes are listed in a result (oldest first);
 * the counts are always complete. */
#define AVAILABILITY_MAX_LISTED 100

typedef struct availability_day {
    char date[11]; /* "2020-08-10" in the rule set's zone */
    int probes;    /* stored that date */
    int excluded;  /* of those, inside registered downtime */
    int counted;
    int failed;
    bool insufficient;
} availability_day;

typedef struct availability_failure {
    char *time;
    bool ok;
    int http_status;    /* -1 unknown */
    int64_t elapsed_ms; /* -1 unknown */
    char *error;
    char reason[256];   /* why it failed, localised */
} availability_failure;

typedef struct availability_takedown {
    char *from, *to, *reason;
    double days;   /* its length */
    bool too_long; /* meets takedown_days */
} availability_takedown;

typedef struct availability_result {
    char window_from[11], window_to[11]; /* first and last date */
    int probes, excluded, counted, failed;
    double ratio; /* failed / counted; 0 when not judged */
    bool judged;  /* some probe was counted */
    bool veto;
    availability_day *days; /* window_days of them, oldest first */
    size_t ndays;
    size_t ninsufficient;
    availability_failure *failures; /* the first AVAILABILITY_MAX_LISTED */
    size_t nfailures;
    /* Take-downs in force during the dates after takedown_after up to T. */
    char takedown_after[11];
    availability_takedown *takedowns; /* by start */
    size_t ntakedowns;
    bool takedowns_excess; /* their number meets downtime.excess/takedowns */
    size_t nlong;          /* of them, too long */
} availability_result;

/* Judges one site for T = the end of as_of (y-m-d). Probes and downtime of
 * other sites must not be passed; entries whose times do not parse are
 * skipped. Returns false only when out of memory or the rule set's
 * time_zone is unreadable (*out then holds nothing to free). */
bool availability_judge(const rules *r, int as_of_y, int as_of_m, int as_of_d,
                        const probe_rec *probes, size_t n, const downtime_rec *downtime,
                        size_t nd, availability_result *out);
void availability_result_free(availability_result *res);

/* Whether one probe fails by the rule set, and why (localised, into reason
 * when not NULL). Used by the judgement and by `govinspect probe`. */
bool availability_probe_failed(const rules *r, const probe_rec *p, char *reason, size_t reasonsz);

/* Reads one site's probes of the window and its downtime from the store
 * and judges them for T = the end of y-m-d (zone: minutes east of UTC, the
 * rule set's). Used by availability_inspect() and by the verdicts, which
 * re-judge from what is stored when they run. False on a store failure or
 * out of memory (e set; *out then holds nothing to free). */
bool availability_judge_stored(store *s, const rules *r, const char *site_code, int y, int m, int d,
                               int zone, availability_result *out, err *e);

/* The kinds availability_inspect records. NULL-terminated. */
extern const char *const availability_kinds[];

/* Reads the site's probes of the window and its downtime, judges them for
 * the round's as-of date (YYYY-MM-DD) and records the findings. False on a
 * store failure (e set); a failure of check_record is in the caller's
 * context, as for every check. Call it inside the caller's transaction. */
bool availability_inspect(check_ctx *c, store *s, const site_rec *site, const char *as_of, err *e);

#endif
