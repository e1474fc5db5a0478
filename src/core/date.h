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

#endif
