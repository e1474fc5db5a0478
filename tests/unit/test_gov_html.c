/* The security, page-tag and footer-identity checks on the six real
 * government pages of ../shared/corpus/gov_html/, against the findings a
 * careful inspector reports for them (tests/data/gov_html_expected/
 * expected.tsv, with the reasons), and nothing else: no false alarm.
 *
 * Each page goes through the page model as a content page of its site
 * (registry.tsv) for the page tags and the security checks, and as its
 * site's homepage for the footer identity (the footer is the site's
 * template). GI_DUMP=1 prints what the checks report. Skipped when the
 * shared corpus is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <unistd.h>

#include "checks/identity.h"
#include "checks/security.h"
#include "checks/tags.h"
#include "core/date.h"
#include "core/fileio.h"
#include "core/lang.h"
#include "text/text.h"

#define MAXF 256

typedef struct got {
    char *line[MAXF]; /* "file\tkind\tsubject" */
    size_t n;
    const char *file;
} got;

static bool collect(void *ud, const check_finding *f) {
    got *g = ud;
    if (getenv("GI_DUMP")) {
        char *ev = json_dumps(f->evidence, JSON_COMPACT);
        fprintf(stderr, "%s\t%s\t%s\n    %s\n    %s\n", g->file, f->kind, f->subject, f->summary,
                ev);
        free(ev);
    }
    json_decref(f->evidence);
    if (g->n < MAXF) {
        size_t n = strlen(g->file) + strlen(f->kind) + strlen(f->subject) + 3;
        g->line[g->n] = malloc(n);
        snprintf(g->line[g->n++], n, "%s\t%s\t%s", g->file, f->kind, f->subject);
    }
    return true;
}

static char *field(char **p) {
    char *s = *p, *t = strchr(s, '\t');
    if (t)
        *t = '\0', *p = t + 1;
    else
        *p = s + strlen(s);
    return s;
}

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_gov_pages(void **state) {
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpus/gov_html", GI_SHARED_DIR);
    if (access(dir, R_OK) != 0) {
        print_message("skipped: %s is absent\n", dir);
        skip();
    }
    err e = {0};
    rules *r = rules_load_default(&e);
    assert_non_null(r);
    text_engine *te = text_engine_load_with_dict(GI_DATADIR_SOURCE, "", &e);
    if (!te)
        fail_msg("text engine: %s", e.msg);
    sec_lists *lists = sec_lists_new(r, &e);
    assert_non_null(lists);

    char *reg = NULL, *exp = NULL;
    size_t len;
    assert_true(
        file_read_all(GI_TEST_DATA "/gov_html_expected/registry.tsv", 1 << 20, &reg, &len, &e));
    assert_true(
        file_read_all(GI_TEST_DATA "/gov_html_expected/expected.tsv", 1 << 20, &exp, &len, &e));
    /* The registered sites of the run count as government (spec §5.3). */
    char *copy = strdup(reg);
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
        if (*line == '#')
            continue;
        char *p = line;
        field(&p), field(&p);
        char *home = field(&p), *hosts = field(&p);
        sec_lists_add_site(lists, home, hosts);
    }
    free(copy);

    got g = {0};
    int64_t fetched = 0;
    assert_true(date_parse_instant("2024-06-30T12:00:00+08:00", &fetched));
    int pages = 0;
    char *save = NULL;
    for (char *line = strtok_r(reg, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (*line == '#')
            continue;
        char *p = line;
        char *file = field(&p), *code = field(&p), *home = field(&p), *hosts = field(&p);
        char *unit = field(&p), *icp = field(&p), *psb = field(&p), *page_url = field(&p);
        site_rec site = {.code = code,
                         .name = unit,
                         .url = home,
                         .hosts = hosts,
                         .unit = unit,
                         .kind = "department",
                         .org = "",
                         .icp = icp,
                         .psb = psb};
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        char *body = NULL;
        size_t blen = 0;
        if (!file_read_all(path, 8 << 20, &body, &blen, &e))
            fail_msg("%s", e.msg);
        textenc_result text = {0};
        assert_true(page_decode(body, blen, NULL, &text, &e));
        page *pg = page_parse_decoded(&text, page_url, &e);
        textenc_result_free(&text);
        free(body);
        assert_non_null(pg);
        g.file = file;

        sec_site *ss = sec_site_new(lists, te, r, &site, 480, &e);
        assert_non_null(ss);
        assert_true(sec_page(ss, pg, false, fetched));
        sec_site_end(ss, collect, &g);
        sec_site_free(ss);

        tags_site *ts = tags_site_new(r, &site, &e);
        assert_non_null(ts);
        assert_true(tags_page(ts, pg, TAGS_CONTENT));
        tags_site_end(ts, collect, &g);
        tags_site_free(ts);

        ident_check(r, &site, pg, collect, &g);
        page_free(pg);
        pages++;
    }
    assert_int_equal(pages, 6);

    char *want[MAXF];
    size_t nwant = 0;
    for (char *line = strtok_r(exp, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (*line == '#' || !*line)
            continue;
        /* file, kind, subject; a fourth column is the inspector's note */
        char *p = line;
        char *f1 = field(&p), *f2 = field(&p), *f3 = field(&p);
        size_t n = strlen(f1) + strlen(f2) + strlen(f3) + 3;
        want[nwant] = malloc(n);
        snprintf(want[nwant++], n, "%s\t%s\t%s", f1, f2, f3);
    }
    qsort(want, nwant, sizeof *want, cmp);
    qsort(g.line, g.n, sizeof *g.line, cmp);
    int bad = 0;
    size_t i = 0, j = 0;
    while (i < nwant || j < g.n) {
        int c = i == nwant ? 1 : j == g.n ? -1 : strcmp(want[i], g.line[j]);
        if (c < 0)
            print_message("missed:      %s\n", want[i++]), bad++;
        else if (c > 0)
            print_message("false alarm: %s\n", g.line[j++]), bad++;
        else
            i++, j++;
    }
    for (i = 0; i < nwant; i++)
        free(want[i]);
    for (j = 0; j < g.n; j++)
        free(g.line[j]);
    free(reg);
    free(exp);
    sec_lists_free(lists);
    text_engine_free(te);
    rules_free(r);
    assert_int_equal(bad, 0);
}

int main(void) {
    lang_force("en");
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_gov_pages)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
