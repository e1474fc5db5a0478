/* The oracle gain of a language model (bench/text/lm_oracle.py): for each
 * input line "sentence<TAB>position<TAB>character", the log10 gain of the
 * best segmentation of the Han characters within `window` of the position
 * when the right character is put in, as the detector computes it.
 *   lm_oracle sunpinyin DIR|libime FILE [window] [max_word] < lines
 */
#include "text/lm.h"
#include "text/text_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_han(int32_t c) { return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF); }

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: lm_oracle sunpinyin DIR|libime FILE [window] [max_word]\n");
        return 2;
    }
    err e = {0};
    text_lm *m = strcmp(argv[1], "libime") == 0 ? text_lm_load_kenlm(argv[2], &e) : text_lm_load(argv[2], &e);
    if (!m) {
        fprintf(stderr, "lm_oracle: %s\n", e.msg);
        return 1;
    }
    int window = argc > 3 ? atoi(argv[3]) : 4, maxw = argc > 4 ? atoi(argv[4]) : 6;
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2) continue;
        *t1 = *t2 = '\0';
        size_t pos = (size_t)atol(t1 + 1), len = strlen(line), n = 0;
        int32_t cp[TEXT_LM_MAX * 4];
        for (size_t i = 0; i < len && n < sizeof cp / sizeof *cp;) {
            int k;
            cp[n++] = text_utf8_next(line, len, i, &k);
            i += (size_t)k;
        }
        int k;
        int32_t right = text_utf8_next(t2 + 1, strlen(t2 + 1), 0, &k);
        if (pos >= n) continue;
        /* the run of Han characters around pos, then the window inside it */
        size_t a = pos, b = pos + 1;
        while (a > 0 && is_han(cp[a - 1]) && pos - (a - 1) <= (size_t)window) a--;
        while (b < n && is_han(cp[b]) && b - pos <= (size_t)window) b++;
        double before = text_lm_best(m, cp + a, b - a, maxw);
        int32_t wrong = cp[pos];
        cp[pos] = right;
        double after = text_lm_best(m, cp + a, b - a, maxw);
        cp[pos] = wrong;
        printf("%.3f\n", after - before);
    }
    text_lm_free(m);
    return 0;
}
