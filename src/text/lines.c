/* Line and column splitting for the lexicon, dictionary and whitelist
 * readers, and the search for the language models' files. */
#include "text/text_impl.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>

char *text_find_path(const char *list, const char *pattern, const char *fallback,
                     bool (*usable)(const char *)) {
    char *copy = strdup(list ? list : "");
    char *found = NULL;
    for (char *p = copy, *sv = NULL, *tok; copy && !found && (tok = strtok_r(p, ":", &sv)); p = NULL)
        if (usable(tok)) found = strdup(tok);
    free(copy);
    if (found || list) return found;
    /* Debian's multiarch directory differs per architecture. */
    glob_t g;
    if (glob(pattern, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc && !found; i++)
            if (usable(g.gl_pathv[i])) found = strdup(g.gl_pathv[i]);
        globfree(&g);
    }
    if (!found && usable(fallback)) found = strdup(fallback);
    return found;
}

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
