#include "registry/cells.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

char *cells_trim(char *s) {
    for (;;) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
        else if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) s += 2;
        else if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
                 (unsigned char)s[2] == 0x80)
            s += 3;
        else break;
    }
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
        else if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0) n -= 2;
        else if (n >= 3 && (unsigned char)s[n - 3] == 0xE3 && (unsigned char)s[n - 2] == 0x80 &&
                 (unsigned char)s[n - 1] == 0x80)
            n -= 3;
        else break;
    }
    s[n] = '\0';
    return s;
}

void cells_fold(char *s, bool all_controls) {
    char *w = s;
    for (const char *r = s; *r; r++) {
        unsigned char ch = (unsigned char)*r;
        bool fold = ch == '\r' || ch == '\n' || ch == '\t' || (all_controls && (ch < ' ' || ch == 0x7f));
        if (fold) {
            if (w > s && w[-1] != ' ') *w++ = ' ';
            continue;
        }
        *w++ = *r;
    }
    *w = '\0';
}

void cells_header_key(const char *in, char *out, size_t outsz) {
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", in);
    char *t = cells_trim(tmp);
    size_t n = strlen(t);
    while (n && t[n - 1] == '*') t[--n] = '\0';
    for (char *p = t; *p; p++) *p = (char)tolower((unsigned char)*p);
    snprintf(out, outsz, "%s", t);
}

void cells_vsay(const char *path, long line, bool is_error, cells_report_fn report, void *ud,
                const char *fmt, va_list ap) {
    char msg[1200], full[1400];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (line > 0) snprintf(full, sizeof full, "%s:%ld: %s", path, line, msg);
    else snprintf(full, sizeof full, "%s: %s", path, msg);
    if (report) report(ud, is_error, full);
}
