#include "core/date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int64_t date_days_from_civil(int y, int m, int d) {
    /* H. Hinnant's algorithm: exact for every Gregorian date. */
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void date_civil_from_days(int64_t z, int *y, int *m, int *d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void date_format_iso(int64_t ms, int offset_minutes, char *out, size_t outsz) {
    int64_t secs = (ms >= 0 ? ms / 1000 : (ms - 999) / 1000) + (int64_t)offset_minutes * 60;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int y, m, d;
    date_civil_from_days(days, &y, &m, &d);
    int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60), offset_minutes < 0 ? '-' : '+', off / 60,
             off % 60);
}

static bool date_is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool date_parse_ymd(const char *s, int *y, int *m, int *d) {
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return false;
    int yy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int mm = (s[5] - '0') * 10 + (s[6] - '0');
    int dd = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (yy < 1900 || mm < 1 || mm > 12 || dd < 1) return false;
    int max = mdays[mm - 1] + (mm == 2 && date_is_leap(yy));
    if (dd > max) return false;
    *y = yy, *m = mm, *d = dd;
    return true;
}

bool date_parse_offset(const char *s, int *minutes) {
    if (strcmp(s, "Z") == 0 || strcmp(s, "z") == 0) return (*minutes = 0), true;
    if ((s[0] != '+' && s[0] != '-') || !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]))
        return false;
    int h = (s[1] - '0') * 10 + (s[2] - '0'), mi = 0;
    const char *p = s + 3;
    if (*p == ':') p++;
    if (*p) {
        if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || p[2]) return false;
        mi = (p[0] - '0') * 10 + (p[1] - '0');
    }
    if (h > 14 || mi > 59) return false;
    *minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + mi);
    return true;
}
