/* date — calendar dates and instants the way the indicators count them.
 *
 * The spec fixes one zone for dates (UTC+08:00 by default, from the rule
 * set): an instant's date is taken in that zone. Instants are Unix times in
 * milliseconds; dates are (year, month, day) triples. Nothing here reads the
 * clock: callers pass T and observation times in.
 */
#ifndef GI_CORE_DATE_H
#define GI_CORE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "2020-08-10T09:30:00+08:00" for ms at the given UTC offset (minutes). */
void date_format_iso(int64_t ms, int offset_minutes, char *out, size_t outsz);
/* Parses "YYYY-MM-DD" strictly (a real calendar date). */
bool date_parse_ymd(const char *s, int *y, int *m, int *d);
/* Days since 1970-01-01 of a calendar date (proleptic Gregorian). */
int64_t date_days_from_civil(int y, int m, int d);
/* Parses "+08:00", "+0800", "Z" into minutes east of UTC. */
bool date_parse_offset(const char *s, int *minutes);
/* "YYYY-MM-DD[T ]hh:mm[:ss[.fff]]" with an offset (Z, ±hh:mm, ±hhmm, ±hh)
 * to Unix milliseconds. The offset is required: a time without one is not
 * an instant. */
bool date_parse_instant(const char *s, int64_t *ms);

/* ---- dated items (spec §0) -------------------------------------------------
 * The helpers below count the way the freshness indicators do: year-less and
 * month-only dates resolved against an anchor date, dates read from article
 * URLs, and "the N days ending at T". All are pure. */

/* A real calendar date, 1900 ≤ y ≤ 9999. */
bool date_valid(int y, int m, int d);
/* The last day of a month (28 … 31); 0 for a month outside 1 … 12. */
int date_month_days(int y, int m);
/* The calendar date `days` days after (before, when negative) y-m-d. */
void date_add_days(int y, int m, int d, int64_t days, int *oy, int *om, int *od);
/* The date of an instant (Unix ms) at the given UTC offset (minutes). */
void date_of_instant(int64_t ms, int offset_minutes, int *y, int *m, int *d);
/* A year-less date (m-d, as "[08-10]") takes the latest year that puts it on
 * or before the anchor date (ay-am-ad): 12-30 with anchor 2021-01-05 is
 * 2020-12-30; 02-29 takes the latest leap year. False when m-d is no day of
 * any year. */
bool date_infer_year(int m, int d, int ay, int am, int ad, int *y);
/* The date an article URL carries in its path (not its host or query):
 *   /t20200810_123456.html  (TRS)     → 2020-08-10
 *   /20200810/                        → 2020-08-10
 *   /2020-08/10/  /202008/10/         → 2020-08-10
 *   /202008/  /2020-08/               → 2020-08, *day_known false, *d 0
 * The first full date from the left wins, else the first month; /2020/08/
 * and /2020/08/10/ are not taken (calendar widgets link that way). Years
 * outside 1990 … 2100 and impossible dates are not dates. */
bool date_from_url(const char *url, int *y, int *m, int *d, bool *day_known);
/* A month-only date counts as the last day of its month, or the anchor when
 * that is earlier (spec §0: never call fresh content stale). False when the
 * month begins after the anchor (a date from the future). */
bool date_month_only(int y, int m, int ay, int am, int ad, int *oy, int *om, int *od);
/* Whether y-m-d is among "the N days ending at" t (ty-tm-td): the dates
 * t−(N−1) … t inclusive. Dates after t are outside. */
bool date_in_window(int y, int m, int d, int ty, int tm, int td, int ndays);
/* The first day of that window: t − (N−1). */
void date_window_start(int ty, int tm, int td, int ndays, int *y, int *m, int *d);

#endif
