/* test_availability — the judgement of 站点无法访问 (availability.h): the
 * failure ratio exactly at and just below its threshold, downtime left out
 * of both counts, slow answers that are failures although they ended with
 * 200, days with too few probes, no probes at all, window edges in +08:00
 * with probes stamped in Z, and the take-down rules. Every number comes from
 * the built-in rule set, or from a variant merged on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/availability.h"
#include "core/date.h"
#include "core/lang.h"
#include "judge/rules.h"

#define DAY_MS INT64_C(86400000)
#define HOUR_MS INT64_C(3600000)
#define ZONE 480 /* the national set's +08:00 */

static rules *R;

static int group_setup(void **state) {
    (void)state;
    lang_force("en");
    err e = {0};
    R = rules_load_default(&e);
    return R ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    rules_free(R);
    return 0;
}

/* ---- building inputs --------------------------------------------------- */

#define MAXP 2048

typedef struct probes {
    probe_rec p[MAXP];
    char t[MAXP][48];
    size_t n;
} probes;

static probes *probes_new(void) {
    probes *ps = calloc(1, sizeof *ps);
    assert_non_null(ps);
    return ps;
}

/* Local midnight (+08:00) of a date, as Unix ms. */
static int64_t local_day(int y, int m, int d) {
    return date_days_from_civil(y, m, d) * DAY_MS - (int64_t)ZONE * 60000;
}

static probe_rec *add_text(probes *ps, const char *time, bool ok, int status, int64_t elapsed,
                           const char *error) {
    assert_true(ps->n < MAXP);
    snprintf(ps->t[ps->n], sizeof ps->t[0], "%s", time);
    probe_rec *p = &ps->p[ps->n];
    *p = (probe_rec){.site_code = (char *)"6108000001", .time = ps->t[ps->n], .ok = ok,
                     .http_status = status, .elapsed_ms = elapsed, .error = (char *)error};
    ps->n++;
    return p;
}

static probe_rec *add_at(probes *ps, int64_t ms, bool ok, int status, int64_t elapsed, const char *error) {
    char iso[48];
    date_format_iso(ms, ZONE, iso, sizeof iso);
    return add_text(ps, iso, ok, status, elapsed, error);
}

/* `per_day` good probes every hour (and then every minute past 24) on each
 * of the 7 days ending 2020-08-10. */
static void add_week(probes *ps, int per_day) {
    for (int day = 4; day <= 10; day++)
        for (int k = 0; k < per_day; k++)
            add_at(ps, local_day(2020, 8, day) + (k < 24 ? k * HOUR_MS : 23 * HOUR_MS + (k - 23) * 60000), true,
                   200, 300, "");
}

/* Turns the first `n` probes into failures (ok = false, an error). */
static void fail_first(probes *ps, size_t n) {
    for (size_t i = 0; i < n; i++) {
        ps->p[i].ok = false;
        ps->p[i].http_status = -1;
        ps->p[i].elapsed_ms = -1;
        ps->p[i].error = (char *)"connect: refused";
    }
}

static availability_result judge(const rules *r, const probes *ps, const downtime_rec *dt, size_t nd) {
    availability_result res;
    assert_true(availability_judge(r, 2020, 8, 10, ps ? ps->p : NULL, ps ? ps->n : 0, dt, nd, &res));
    return res;
}

static downtime_rec period(const char *from, const char *to, const char *kind) {
    return (downtime_rec){.site_code = (char *)"6108000001", .from = (char *)from, .to = (char *)to,
                          .kind = (char *)kind, .reason = (char *)"test"};
}

/* ---- the failure ratio ------------------------------------------------- */

static void test_ratio_at_threshold(void **state) {
    (void)state;
    probes *ps = probes_new();
    add_week(ps, 20); /* 140 probes */
    fail_first(ps, 7);  /* 7 / 140 = 5% exactly */
    availability_result res = judge(R, ps, NULL, 0);
    assert_true(res.judged);
    assert_int_equal(res.counted, 140);
    assert_int_equal(res.failed, 7);
    assert_true(res.ratio == 0.05);
    assert_true(res.veto);
    assert_int_equal(res.nfailures, 7);
    assert_string_equal(res.failures[0].reason, "connect: refused");
    availability_result_free(&res);

    /* Just below: 6 / 140. */
    ps->p[6].ok = true;
    ps->p[6].http_status = 200;
    ps->p[6].elapsed_ms = 300;
    ps->p[6].error = (char *)"";
    res = judge(R, ps, NULL, 0);
    assert_int_equal(res.failed, 6);
    assert_true(res.judged);
    assert_false(res.veto);
    availability_result_free(&res);

    /* 1 of 20 is 5%; 1 of 21 is below, however few probes there are. */
    probes *small = probes_new();
    for (int i = 0; i < 20; i++) add_at(small, local_day(2020, 8, 10) + i * HOUR_MS, true, 200, 10, "");
    fail_first(small, 1);
    res = judge(R, small, NULL, 0);
    assert_true(res.veto);
    availability_result_free(&res);
    add_at(small, local_day(2020, 8, 10) + 20 * HOUR_MS, true, 200, 10, "");
    res = judge(R, small, NULL, 0);
    assert_false(res.veto);
    assert_int_equal(res.counted, 21);
    availability_result_free(&res);
    free(small);
    free(ps);
}

static void test_downtime_excluded(void **state) {
    (void)state;
    probes *ps = probes_new();
    add_week(ps, 20);
    fail_first(ps, 7); /* failures at 2020-08-04 00:00 ... 06:00 */
    /* A reported outage 06:00 to 07:00 takes out the 06:00 failure (start
     * included); the 07:00 probe, at its end, still counts. */
    downtime_rec dt[] = {period("2020-08-04T06:00:00+08:00", "2020-08-04T07:00:00+08:00", "report")};
    availability_result res = judge(R, ps, dt, 1);
    assert_int_equal(res.probes, 140);
    assert_int_equal(res.excluded, 1);
    assert_int_equal(res.counted, 139);
    assert_int_equal(res.failed, 6);
    assert_false(res.veto);
    assert_int_equal(res.days[0].probes, 20);
    assert_int_equal(res.days[0].excluded, 1);
    assert_int_equal(res.days[0].counted, 19);
    /* Excluded probes still count as probes taken on their day. */
    assert_false(res.days[0].insufficient);
    availability_result_free(&res);

    /* A take-down excludes too, and the same period in UTC is the same. */
    dt[0] = period("2020-08-03T22:00:00Z", "2020-08-03T23:00:00.001Z", "takedown");
    res = judge(R, ps, dt, 1);
    assert_int_equal(res.excluded, 2); /* 06:00 and 07:00 +08:00 */
    assert_int_equal(res.failed, 6);
    availability_result_free(&res);

    /* Everything inside downtime: nothing counted, not judged. */
    dt[0] = period("2020-08-01T00:00:00+08:00", "2020-08-11T00:00:00+08:00", "report");
    res = judge(R, ps, dt, 1);
    assert_int_equal(res.counted, 0);
    assert_int_equal(res.excluded, 140);
    assert_false(res.judged);
    assert_false(res.veto);
    assert_int_equal(res.ninsufficient, 0);
    availability_result_free(&res);
    free(ps);
}

/* ---- one probe --------------------------------------------------------- */

static void test_probe_failures(void **state) {
    (void)state;
    char why[256];
    probe_rec p = {.site_code = (char *)"6108000001", .time = (char *)"2020-08-10T09:00:00+08:00",
                   .ok = true, .http_status = 200, .elapsed_ms = 15000, .error = (char *)""};
    assert_false(availability_probe_failed(R, &p, why, sizeof why)); /* 15 s is not over 15 s */
    assert_string_equal(why, "");
    p.elapsed_ms = 15001; /* over the limit: a failure although it ended with 200 */
    assert_true(availability_probe_failed(R, &p, why, sizeof why));
    assert_non_null(strstr(why, "15.0 s"));
    p.elapsed_ms = 300;
    p.http_status = 399;
    assert_false(availability_probe_failed(R, &p, NULL, 0));
    p.http_status = 400;
    assert_true(availability_probe_failed(R, &p, why, sizeof why));
    assert_string_equal(why, "HTTP 400");
    p.http_status = 503;
    p.elapsed_ms = 20000;
    assert_true(availability_probe_failed(R, &p, why, sizeof why));
    assert_non_null(strstr(why, "HTTP 503; took 20.0 s"));
    /* An error recorded fails whatever ok says; ok = false fails alone;
     * unknown status and time test nothing. */
    p = (probe_rec){.ok = true, .http_status = -1, .elapsed_ms = -1, .error = (char *)"dns: no such host"};
    assert_true(availability_probe_failed(R, &p, why, sizeof why));
    assert_string_equal(why, "dns: no such host");
    p.error = (char *)"";
    assert_false(availability_probe_failed(R, &p, NULL, 0));
    p.ok = false;
    assert_true(availability_probe_failed(R, &p, NULL, 0));
    p.error = NULL;
    assert_true(availability_probe_failed(R, &p, NULL, 0));

    /* In a week: slow 200s count as failures. */
    probes *ps = probes_new();
    add_week(ps, 20);
    for (int i = 0; i < 7; i++) ps->p[i * 20 + 3].elapsed_ms = 15001;
    availability_result res = judge(R, ps, NULL, 0);
    assert_int_equal(res.failed, 7);
    assert_true(res.veto);
    assert_int_equal(res.failures[0].http_status, 200);
    assert_int_equal(res.failures[0].elapsed_ms, 15001);
    for (size_t d = 0; d < res.ndays; d++) assert_int_equal(res.days[d].failed, 1);
    availability_result_free(&res);
    free(ps);
}

/* ---- days -------------------------------------------------------------- */

static void test_insufficient_days(void **state) {
    (void)state;
    probes *ps = probes_new();
    add_week(ps, 20);
    /* 2020-08-07 has 19 probes: drop its last one. */
    size_t drop = 3 * 20 + 19;
    memmove(&ps->p[drop], &ps->p[drop + 1], (ps->n - drop - 1) * sizeof ps->p[0]);
    ps->n--;
    availability_result res = judge(R, ps, NULL, 0);
    assert_int_equal(res.ndays, 7);
    assert_int_equal(res.ninsufficient, 1);
    for (size_t d = 0; d < res.ndays; d++) {
        bool is_7th = strcmp(res.days[d].date, "2020-08-07") == 0;
        assert_int_equal(res.days[d].probes, is_7th ? 19 : 20);
        assert_int_equal(res.days[d].insufficient, is_7th);
    }
    assert_true(res.judged); /* a gap does not stop the judgement */
    availability_result_free(&res);
    free(ps);
}

static void test_no_probes(void **state) {
    (void)state;
    availability_result res = judge(R, NULL, NULL, 0);
    assert_false(res.judged);
    assert_false(res.veto);
    assert_int_equal(res.counted, 0);
    assert_true(res.ratio == 0);
    assert_int_equal(res.ndays, 7);
    assert_int_equal(res.ninsufficient, 7);
    assert_string_equal(res.window_from, "2020-08-04");
    assert_string_equal(res.window_to, "2020-08-10");
    assert_string_equal(res.days[0].date, "2020-08-04");
    assert_string_equal(res.days[6].date, "2020-08-10");
    assert_int_equal(res.nfailures, 0);
    assert_int_equal(res.ntakedowns, 0);
    availability_result_free(&res);

    /* Probes only outside the window are no probes. */
    probes *ps = probes_new();
    add_at(ps, local_day(2020, 8, 3) + 23 * HOUR_MS, false, -1, -1, "timeout");
    add_at(ps, local_day(2020, 8, 11), false, -1, -1, "timeout");
    res = judge(R, ps, NULL, 0);
    assert_false(res.judged);
    assert_int_equal(res.probes, 0);
    availability_result_free(&res);
    free(ps);
}

static void test_window_edges_in_zulu(void **state) {
    (void)state;
    probes *ps = probes_new();
    add_text(ps, "2020-08-03T15:59:59Z", false, -1, -1, "timeout");     /* 08-03 23:59:59 +08 */
    add_text(ps, "2020-08-03T16:00:00Z", false, -1, -1, "timeout");     /* 08-04 00:00 +08 */
    add_text(ps, "2020-08-10T15:59:59.999Z", false, -1, -1, "timeout"); /* 08-10 23:59:59.999 */
    add_text(ps, "2020-08-10T16:00:00Z", false, -1, -1, "timeout");     /* 08-11 00:00 +08 */
    add_text(ps, "2020-08-04T07:30:00+09:00", true, 200, 5, "");         /* 08-04 06:30 +08 */
    add_text(ps, "2020-08-09T20:00:00-05:00", true, 200, 5, "");         /* 08-10 09:00 +08 */
    add_text(ps, "not a time", false, -1, -1, "x");                      /* skipped */
    availability_result res = judge(R, ps, NULL, 0);
    assert_int_equal(res.probes, 4);
    assert_int_equal(res.failed, 2);
    assert_int_equal(res.days[0].probes, 2);
    assert_int_equal(res.days[0].failed, 1);
    assert_int_equal(res.days[6].probes, 2);
    assert_int_equal(res.days[6].failed, 1);
    assert_string_equal(res.failures[0].time, "2020-08-03T16:00:00Z");
    assert_string_equal(res.failures[1].time, "2020-08-10T15:59:59.999Z");
    assert_true(res.veto); /* 2 of 4 */
    availability_result_free(&res);
    free(ps);

    /* Another window length from the rule set. */
    const char *y = "indicators:\n  site.unreachable:\n    window_days: 1\n";
    err e = {0};
    rules *one = rules_load_text(y, strlen(y), "one-day.yaml", &e);
    assert_non_null(one);
    ps = probes_new();
    add_text(ps, "2020-08-09T15:59:59Z", false, -1, -1, "timeout");
    add_text(ps, "2020-08-09T16:00:00Z", true, 200, 5, "");
    res = judge(one, ps, NULL, 0);
    assert_int_equal(res.ndays, 1);
    assert_string_equal(res.window_from, "2020-08-10");
    assert_int_equal(res.probes, 1);
    assert_false(res.veto);
    availability_result_free(&res);
    rules_free(one);
    free(ps);
}

static void test_many_failures_listed(void **state) {
    (void)state;
    probes *ps = probes_new();
    /* 150 failures every 30 minutes, newest first in the input. */
    for (int i = 149; i >= 0; i--)
        add_at(ps, local_day(2020, 8, 5) + i * 30 * 60000, true, 500, 40, "");
    availability_result res = judge(R, ps, NULL, 0);
    assert_int_equal(res.failed, 150);
    assert_int_equal(res.nfailures, AVAILABILITY_MAX_LISTED);
    assert_string_equal(res.failures[0].time, "2020-08-05T00:00:00+08:00");
    assert_string_equal(res.failures[1].time, "2020-08-05T00:30:00+08:00");
    assert_string_equal(res.failures[0].reason, "HTTP 500");
    availability_result_free(&res);
    free(ps);
}

/* ---- another rule set re-judges the same probes ------------------------- */

static void test_other_rule_set(void **state) {
    (void)state;
    const char *y = "indicators:\n"
                    "  site.unreachable:\n"
                    "    slow_seconds: {op: \">\", value: 20}\n"
                    "    failure_ratio: {op: \">=\", value: 0.1}\n"
                    "  probe.insufficient:\n"
                    "    day_probes: {op: \"<\", value: 24}\n";
    err e = {0};
    rules *r = rules_load_text(y, strlen(y), "prov.yaml", &e);
    assert_non_null(r);
    probes *ps = probes_new();
    add_week(ps, 20);
    for (int i = 0; i < 7; i++) ps->p[i * 20].elapsed_ms = 16000;
    availability_result res = judge(R, ps, NULL, 0);
    assert_true(res.veto);
    availability_result_free(&res);
    res = judge(r, ps, NULL, 0);
    assert_int_equal(res.failed, 0);
    assert_false(res.veto);
    assert_int_equal(res.ninsufficient, 7);
    availability_result_free(&res);
    fail_first(ps, 13); /* 13 / 140 < 10% */
    res = judge(r, ps, NULL, 0);
    assert_false(res.veto);
    availability_result_free(&res);
    fail_first(ps, 14); /* 10% */
    res = judge(r, ps, NULL, 0);
    assert_true(res.veto);
    availability_result_free(&res);
    rules_free(r);
    free(ps);
}

/* ---- take-downs -------------------------------------------------------- */

static void test_takedowns(void **state) {
    (void)state;
    /* T = 2020-08-10: the 12 months ending at T are the dates after
     * 2019-08-10, i.e. from 2019-08-11 00:00 +08:00. */
    downtime_rec dt[8];
    size_t n = 0;
    dt[n++] = period("2020-01-01T00:00:00+08:00", "2020-01-31T00:00:00+08:00", "takedown"); /* 30 days */
    availability_result res = judge(R, NULL, dt, n);
    assert_string_equal(res.takedown_after, "2019-08-10");
    assert_int_equal(res.ntakedowns, 1);
    assert_false(res.takedowns_excess);
    assert_int_equal(res.nlong, 0);
    assert_true(res.takedowns[0].days == 30.0);
    availability_result_free(&res);

    /* Outside the 12 months, after T, and reported outages do not count. */
    dt[n++] = period("2019-07-01T00:00:00+08:00", "2019-08-11T00:00:00+08:00", "takedown");
    dt[n++] = period("2020-08-11T00:00:00+08:00", "2020-08-12T00:00:00+08:00", "takedown");
    dt[n++] = period("2020-03-01T00:00:00+08:00", "2020-05-01T00:00:00+08:00", "report");
    res = judge(R, NULL, dt, n);
    assert_int_equal(res.ntakedowns, 1);
    assert_false(res.takedowns_excess);
    availability_result_free(&res);

    /* One that was still in force a second into the window counts: two
     * take-downs are more than one. It is also longer than 30 days. */
    dt[1] = period("2019-07-01T00:00:00+08:00", "2019-08-11T00:00:01+08:00", "takedown");
    res = judge(R, NULL, dt, n);
    assert_int_equal(res.ntakedowns, 2);
    assert_true(res.takedowns_excess);
    assert_int_equal(res.nlong, 1);
    assert_string_equal(res.takedowns[0].from, "2019-07-01T00:00:00+08:00"); /* by start */
    assert_true(res.takedowns[0].too_long);
    assert_false(res.takedowns[1].too_long);
    availability_result_free(&res);

    /* 30 days and one second is too long, alone. */
    n = 0;
    dt[n++] = period("2020-06-01T00:00:00+08:00", "2020-07-01T00:00:01+08:00", "takedown");
    res = judge(R, NULL, dt, n);
    assert_int_equal(res.ntakedowns, 1);
    assert_false(res.takedowns_excess);
    assert_int_equal(res.nlong, 1);
    availability_result_free(&res);

    /* Months clamp to the month's end: 3 months before 2020-05-31 is
     * 2020-02-29, one before 2021-03-31 is 2021-02-28. */
    const char *y = "indicators:\n  downtime.excess:\n    window_months: 3\n";
    err e = {0};
    rules *r = rules_load_text(y, strlen(y), "m3.yaml", &e);
    assert_non_null(r);
    assert_true(availability_judge(r, 2020, 5, 31, NULL, 0, NULL, 0, &res));
    assert_string_equal(res.takedown_after, "2020-02-29");
    availability_result_free(&res);
    rules_free(r);
    y = "indicators:\n  downtime.excess:\n    window_months: 1\n";
    r = rules_load_text(y, strlen(y), "m1.yaml", &e);
    assert_non_null(r);
    assert_true(availability_judge(r, 2021, 3, 31, NULL, 0, NULL, 0, &res));
    assert_string_equal(res.takedown_after, "2021-02-28");
    availability_result_free(&res);
    assert_true(availability_judge(r, 2021, 1, 15, NULL, 0, NULL, 0, &res));
    assert_string_equal(res.takedown_after, "2020-12-15");
    availability_result_free(&res);
    rules_free(r);
}

/* ---- instants ---------------------------------------------------------- */

static void test_parse_instant(void **state) {
    (void)state;
    int64_t ms;
    assert_true(date_parse_instant("2020-08-10T09:30:00+08:00", &ms));
    assert_int_equal(ms, local_day(2020, 8, 10) + 9 * HOUR_MS + 30 * 60000);
    int64_t z;
    assert_true(date_parse_instant("2020-08-10T01:30:00Z", &z));
    assert_int_equal(ms, z);
    assert_true(date_parse_instant("2020-08-10 01:30:00.250z", &z));
    assert_int_equal(z, ms + 250);
    assert_true(date_parse_instant("2020-08-10T09:30+0800", &z));
    assert_int_equal(z, ms);
    assert_true(date_parse_instant("2020-08-09T20:30:00-05", &z));
    assert_int_equal(z, ms);
    const char *bad[] = {"2020-08-10T09:30:00", "2020-08-10", "2020-02-30T00:00:00Z", "2020-08-10T24:00:00Z",
                         "2020-08-10T09:30:00+08:00x", "", "2020-08-10T09:30:00.Z", "2020/08/10 09:30:00Z"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (date_parse_instant(bad[i], &z)) fail_msg("accepted %s", bad[i]);
    assert_false(date_parse_instant(NULL, &z));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ratio_at_threshold),
        cmocka_unit_test(test_downtime_excluded),
        cmocka_unit_test(test_probe_failures),
        cmocka_unit_test(test_insufficient_days),
        cmocka_unit_test(test_no_probes),
        cmocka_unit_test(test_window_edges_in_zulu),
        cmocka_unit_test(test_many_failures_listed),
        cmocka_unit_test(test_other_rule_set),
        cmocka_unit_test(test_takedowns),
        cmocka_unit_test(test_parse_instant),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
