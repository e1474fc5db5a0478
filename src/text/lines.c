/* Line and column splitting for the lexicon, dictionary and whitelist readers. */
#include "text/text_impl.h"

bool text_next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *ll,
                    size_t *lineno) {
    if (*pos >= len) return false;
    size_t eol = *pos;
    while (eol < len && buf[eol] != '\n') eol++;
    *line = buf + *pos;
    *ll = eol - *pos;
    if (*ll && (*line)[*ll - 1] == '\r') (*ll)--;
    *pos = eol + 1;
    (*lineno)++;
    return true;
}

/* Splits line[0..ll) at tabs into at most nmax fields. */
int text_split_tabs(const char *line, size_t ll, const char **f, size_t *fl, int nmax) {
    int nf = 0;
    size_t p = 0;
    for (;;) {
        size_t q = p;
        while (q < ll && line[q] != '\t') q++;
        if (nf < nmax) {
            f[nf] = line + p;
            fl[nf] = q - p;
        }
        nf++;
        if (q >= ll) break;
        p = q + 1;
    }
    return nf;
}
