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

/* ---- dated items (spec §0) ------------------------------------------------- */

int date_month_days(int y, int m) {
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    return mdays[m - 1] + (m == 2 && date_is_leap(y));
}

bool date_valid(int y, int m, int d) {
    return y >= 1900 && y <= 9999 && d >= 1 && d <= date_month_days(y, m);
}

void date_add_days(int y, int m, int d, int64_t days, int *oy, int *om, int *od) {
    date_civil_from_days(date_days_from_civil(y, m, d) + days, oy, om, od);
}

void date_of_instant(int64_t ms, int offset_minutes, int *y, int *m, int *d) {
    int64_t secs = (ms >= 0 ? ms / 1000 : (ms - 999) / 1000) + (int64_t)offset_minutes * 60;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    date_civil_from_days(days, y, m, d);
}

bool date_infer_year(int m, int d, int ay, int am, int ad, int *y) {
    if (m < 1 || m > 12 || d < 1 || d > 31) return false;
    int64_t anchor = date_days_from_civil(ay, am, ad);
    /* Eight years back always meet a leap year (02-29). */
    for (int yy = ay; yy >= ay - 8; yy--)
        if (date_valid(yy, m, d) && date_days_from_civil(yy, m, d) <= anchor) {
            *y = yy;
            return true;
        }
    return false;
}

/* n decimal digits at s, exactly (the value in *v); false if any is not one. */
static bool date_digits(const char *s, size_t n, int *v) {
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

static bool date_url_ymd(int y, int m, int d) {
    return y >= 1990 && y <= 2100 && (d == 0 ? m >= 1 && m <= 12 : date_valid(y, m, d));
}

/* A path segment that is exactly two digits naming a day of y-m. */
static bool date_url_day(const char *seg, size_t len, int y, int m, int *d) {
    int v;
    return len == 2 && date_digits(seg, 2, &v) && date_url_ymd(y, m, v) && v >= 1 && (*d = v, true);
}

bool date_from_url(const char *url, int *y, int *m, int *d, bool *day_known) {
    if (!url) return false;
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    if (p != url) p += strcspn(p, "/?#"); /* past the host */
    size_t pathlen = strcspn(p, "?#");
    const char *end = p + pathlen;
    /* Segments: [seg, seg+len), the next ones found as we go. */
    const char *segs[64];
    size_t lens[64], n = 0;
    for (const char *s = p; s < end && n < 64;) {
        if (*s == '/') {
            s++;
            continue;
        }
        size_t len = 0;
        while (s + len < end && s[len] != '/') len++;
        segs[n] = s;
        lens[n++] = len;
        s += len;
    }
    int month_y = 0, month_m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = segs[i];
        size_t len = lens[i];
        const char *next = i + 1 < n ? segs[i + 1] : "";
        size_t nextlen = i + 1 < n ? lens[i + 1] : 0;
        int yy, mm, dd;
        /* t20200810_123456.html */
        if (len >= 10 && (s[0] == 't' || s[0] == 'T') && s[9] == '_' && date_digits(s + 1, 4, &yy) &&
            date_digits(s + 5, 2, &mm) && date_digits(s + 7, 2, &dd) && date_url_ymd(yy, mm, dd) &&
            dd >= 1) {
            *y = yy, *m = mm, *d = dd, *day_known = true;
            return true;
        }
        /* 20200810 */
        if (len == 8 && date_digits(s, 4, &yy) && date_digits(s + 4, 2, &mm) &&
            date_digits(s + 6, 2, &dd) && dd >= 1 && date_url_ymd(yy, mm, dd)) {
            *y = yy, *m = mm, *d = dd, *day_known = true;
            return true;
        }
        /* 2020-08[/10] and 202008[/10]; a month alone only when no full date
         * follows (/202008/t20200810_1.html is 2020-08-10). */
        bool ym = (len == 7 && s[4] == '-' && date_digits(s, 4, &yy) && date_digits(s + 5, 2, &mm)) ||
                  (len == 6 && date_digits(s, 4, &yy) && date_digits(s + 4, 2, &mm));
        if (ym && date_url_ymd(yy, mm, 0)) {
            if (date_url_day(next, nextlen, yy, mm, &dd)) {
                *y = yy, *m = mm, *d = dd, *day_known = true;
                return true;
            }
            if (!month_y) month_y = yy, month_m = mm;
        }
    }
    if (!month_y) return false;
    *y = month_y, *m = month_m, *d = 0, *day_known = false;
    return true;
}

bool date_month_only(int y, int m, int ay, int am, int ad, int *oy, int *om, int *od) {
    int last = date_month_days(y, m);
    if (!last) return false;
    int64_t anchor = date_days_from_civil(ay, am, ad);
    if (date_days_from_civil(y, m, 1) > anchor) return false;
    if (anchor < date_days_from_civil(y, m, last)) {
        *oy = ay, *om = am, *od = ad;
    } else {
        *oy = y, *om = m, *od = last;
    }
    return true;
}

bool date_in_window(int y, int m, int d, int ty, int tm, int td, int ndays) {
    if (ndays < 1) return false;
    int64_t x = date_days_from_civil(y, m, d), t = date_days_from_civil(ty, tm, td);
    return x <= t && x >= t - (ndays - 1);
}

void date_window_start(int ty, int tm, int td, int ndays, int *y, int *m, int *d) {
    date_add_days(ty, tm, td, -(int64_t)(ndays > 0 ? ndays - 1 : 0), y, m, d);
}

static bool date_take_digits(const char **p, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* "YYYY-MM-DD[T ]hh:mm[:ss[.fff]]" and an offset (Z, ±hh:mm, ±hhmm, ±hh)
 * to UTC epoch milliseconds. The offset is required: a time without one is
 * not an instant. */
bool date_parse_instant(const char *s, int64_t *out) {
    const char *p = s;
    int y, mo, d, h, mi, sec = 0, ms = 0, off = 0;
    if (!s || !date_take_digits(&p, 4, &y) || *p != '-') return false;
    p++;
    if (!date_take_digits(&p, 2, &mo) || *p != '-') return false;
    p++;
    if (!date_take_digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' ')) return false;
    p++;
    if (!date_take_digits(&p, 2, &h) || *p != ':') return false;
    p++;
    if (!date_take_digits(&p, 2, &mi)) return false;
    if (*p == ':') {
        p++;
        if (!date_take_digits(&p, 2, &sec)) return false;
        if (*p == '.' || *p == ',') {
            p++;
            if (*p < '0' || *p > '9') return false;
            for (int scale = 100; *p >= '0' && *p <= '9'; p++, scale /= 10)
                ms += (*p - '0') * scale;
        }
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
        if (!date_take_digits(&p, 2, &oh)) return false;
        if (*p == ':') p++;
        if (*p && !date_take_digits(&p, 2, &om)) return false;
        if (oh > 23 || om > 59) return false;
        off = sign * (oh * 3600 + om * 60);
    } else {
        return false;
    }
    if (*p) return false;
    if (mo < 1 || mo > 12 || d < 1 || d > date_month_days(y, mo) || h > 23 || mi > 59 || sec > 59)
        return false;
    int64_t secs = date_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    *out = secs * 1000 + ms;
    return true;
}
