/* Tests for the page-tag check (tags.h): PubDate's format and the shown
 * date; page types (homepage, list by its dated items or column tags,
 * content by its article tags or by a list item linking to it, and pages
 * that are none); missing, empty (Author and Keywords may be), repeated
 * and malformed tags (SiteIDCode format and registry, PubDate format and
 * shown date); tags.case and the exact-case rule; tags.site_domain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "checks/tags.h"
#include "core/lang.h"

#include "found.h"

/* "problem:Tag" entries of a tags.missing finding, sorted, joined by ' '. */
static void problems(json_t *ev, char *out, size_t outsz) {
    char *items[64];
    size_t n = 0, i;
    json_t *o;
    json_array_foreach(json_object_get(ev, "problems"), i, o) {
        if (n == 64)
            break;
        char buf[128];
        snprintf(buf, sizeof buf, "%s:%s", json_string_value(json_object_get(o, "problem")),
                 json_string_value(json_object_get(o, "tag")));
        items[n++] = strdup(buf);
    }
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++)
            if (strcmp(items[a], items[b]) > 0) {
                char *t = items[a];
                items[a] = items[b];
                items[b] = t;
            }
    out[0] = '\0';
    for (size_t a = 0; a < n; a++) {
        if (a)
            strncat(out, " ", outsz - strlen(out) - 1);
        strncat(out, items[a], outsz - strlen(out) - 1);
        free(items[a]);
    }
}

static rules *rs;

static int setup(void **state) {
    (void)state;
    lang_force("en");
    err e = {0};
    rs = rules_load_default(&e);
    return rs ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    rules_free(rs);
    return 0;
}

static const site_rec site = {.code = "6199000001",
                              .name = "示范县人民政府",
                              .url = "http://www.shifan.gov.cn/",
                              .hosts = "",
                              .unit = "",
                              .kind = "portal",
                              .org = "",
                              .icp = "",
                              .psb = ""};

#define SITE_TAGS                                                                                  \
    "<meta name=\"SiteName\" content=\"示范县人民政府\">"                                   \
    "<meta name=\"SiteDomain\" content=\"www.shifan.gov.cn\">"                                     \
    "<meta name=\"SiteIDCode\" content=\"6199000001\">"
#define COLUMN_TAGS                                                                                \
    "<meta name=\"ColumnName\" content=\"工作动态\">"                                          \
    "<meta name=\"ColumnDescription\" content=\"本县工作动态\">"                             \
    "<meta name=\"ColumnKeywords\" content=\"动态\">"                                            \
    "<meta name=\"ColumnType\" content=\"工作动态\">"
#define ARTICLE_TAGS(pubdate)                                                                      \
    "<meta name=\"ArticleTitle\" content=\"我县召开会议\">"                                  \
    "<meta name=\"PubDate\" content=\"" pubdate "\">"                                              \
    "<meta name=\"ContentSource\" content=\"县政府办\">"                                       \
    "<meta name=\"Keywords\" content=\"\">"                                                        \
    "<meta name=\"Author\" content=\"\">"                                                          \
    "<meta name=\"Description\" content=\"会议\">"                                               \
    "<meta name=\"Url\" content=\"http://www.shifan.gov.cn/a.html\">"

typedef struct pg {
    const char *path, *html;
    tags_page_type type;
} pg;

static void run(found *g, const pg *pages) {
    err e = {0};
    tags_site *s = tags_site_new(rs, &site, &e);
    assert_non_null(s);
    for (size_t i = 0; pages[i].html; i++) {
        char url[128];
        snprintf(url, sizeof url, "http://www.shifan.gov.cn%s", pages[i].path);
        page *p = page_parse(pages[i].html, strlen(pages[i].html), url, "UTF-8", &e);
        assert_non_null(p);
        assert_true(tags_page(s, p, pages[i].type));
        page_free(p);
    }
    tags_site_end(s, collect, g);
    tags_site_free(s);
}

static void expect_problems(const found *g, const char *path, const char *want) {
    char url[128], got[2048];
    snprintf(url, sizeof url, "http://www.shifan.gov.cn%s", path);
    json_t *ev = find(g, "tags.missing", url);
    if (!ev) {
        dump(g);
        fail_msg("no tags.missing for %s", url);
    }
    problems(ev, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", path, got, want);
}

/* ---- dates -------------------------------------------------------------------- */

static void test_pubdate_format(void **state) {
    (void)state;
    tags_date d;
    assert_true(tags_pubdate_parse("2020-08-10 09:30", &d));
    assert_true(d.y == 2020 && d.m == 8 && d.d == 10 && d.hh == 9 && d.mi == 30 && d.has_time);
    assert_true(tags_pubdate_parse("2020-08-10 09:30:59", &d));
    assert_int_equal(d.ss, 59);
    assert_false(tags_pubdate_parse("2020-08-10", &d));
    assert_false(tags_pubdate_parse("2020-8-10 09:30", &d));
    assert_false(tags_pubdate_parse("2020/08/10 09:30", &d));
    assert_false(tags_pubdate_parse("2020-08-10T09:30", &d));
    assert_false(tags_pubdate_parse("2020-08-10 9:30", &d));
    assert_false(tags_pubdate_parse("2020-02-30 09:30", &d));
    assert_false(tags_pubdate_parse("2020-08-10 24:00", &d));
    assert_false(tags_pubdate_parse("2020-08-10 09:30 ", &d));
    assert_false(tags_pubdate_parse("", &d));
    assert_false(tags_pubdate_parse(NULL, &d));
}

static void shown(const char *html, int y, int m, int d, bool has_time) {
    err e = {0};
    page *p = page_parse(html, strlen(html), "http://h.gov.cn/", "UTF-8", &e);
    assert_non_null(p);
    tags_date t;
    const char *text = NULL;
    bool ok = tags_shown_date(rs, p, &t, &text);
    if (y == 0) {
        if (ok)
            fail_msg("%s: a shown date %d-%d-%d", html, t.y, t.m, t.d);
    } else {
        if (!ok)
            fail_msg("%s: no shown date", html);
        if (t.y != y || t.m != m || t.d != d || t.has_time != has_time)
            fail_msg("%s: got %d-%d-%d (%d)", html, t.y, t.m, t.d, t.has_time);
        assert_non_null(text);
    }
    page_free(p);
}

static void test_shown_date(void **state) {
    (void)state;
    shown("<div>发布时间：2020-08-10 09:30 来源：本站</div>", 2020, 8, 10, true);
    shown("<div>发布日期: 2020/8/1</div>", 2020, 8, 1, false);
    shown("<span>发布日期 2020.08.01</span>", 2020, 8, 1, false);
    shown("<p>发布时间：2020年8月10日 10:05:01</p>", 2020, 8, 10, true);
    /* the publication label wins over a meeting date before it */
    shown("<p>会议时间：2020年9月1日</p><p>发布时间：2020-08-01</p>", 2020, 8, 1, false);
    shown("<p>时间：2020-08-01</p>", 0, 0, 0, false);
    shown("<p>发布时间：2020-02-30</p>", 0, 0, 0, false);
    shown("<p>发布时间：2020-08-101</p>", 0, 0, 0, false);
    shown("<p>发布时间：</p>", 0, 0, 0, false);
}

/* ---- page types and problems ------------------------------------------------------ */

static void test_complete_site(void **state) {
    (void)state;
    const pg pages[] = {
        {"/",
         "<head>" SITE_TAGS "</head><body><ul>"
         "<li><a href=\"/col/\">工作动态</a></li></ul></body>",
         TAGS_HOME},
        {"/col/",
         "<head>" SITE_TAGS COLUMN_TAGS "</head><body><ul>"
         "<li><a href=\"/a.html\">我县召开会议</a> 2020-08-10</li>"
         "<li><a href=\"/b.html\">二</a> 2020-08-09</li>"
         "<li><a href=\"/c.html\">三</a> 2020-08-08</li></ul></body>",
         TAGS_NONE},
        {"/a.html",
         "<head>" SITE_TAGS COLUMN_TAGS ARTICLE_TAGS(
             "2020-08-10 09:30") "</head><body><div>发布时间：2020-08-10 09:30</div></body>",
         TAGS_NONE},
        {NULL, NULL, TAGS_NONE}};
    found g = {0};
    run(&g, pages);
    if (g.n)
        dump(&g);
    assert_int_equal(g.n, 0);
}

static void test_page_types(void **state) {
    (void)state;
    const pg pages[] = {
        /* the homepage needs only the site group */
        {"/", "<head><meta name=\"SiteName\" content=\"示范县\"></head><body></body>", TAGS_HOME},
        /* a list by its three dated items: site and column groups */
        {"/list/",
         "<head>" SITE_TAGS "</head><body><ul>"
         "<li><a href=\"/b.html\">一</a> 2020-08-10</li>"
         "<li><a href=\"/c.html\">二</a> 2020-08-09</li>"
         "<li><a href=\"/d.html\">三</a> 2020-08-08</li></ul></body>",
         TAGS_NONE},
        /* a list by its column tags, with two items only */
        {"/col2/",
         "<head>" SITE_TAGS "<meta name=\"ColumnName\" content=\"通知公告\">"
         "</head><body><ul><li><a href=\"/e.html\">一</a> 2020-08-10</li></ul></body>",
         TAGS_NONE},
        /* content by a list item linking to it, though it has no article tag */
        {"/b.html", "<head>" SITE_TAGS COLUMN_TAGS "</head><body><p>正文</p></body>", TAGS_NONE},
        /* content by its PubDate */
        {"/x.html",
         "<head><meta name=\"PubDate\" content=\"2020-08-10 09:30\"></head><body></body>",
         TAGS_NONE},
        /* none: a search page with no tags and no list */
        {"/search.html", "<body><form action=\"/s\"><input name=\"q\"></form></body>", TAGS_NONE},
        {NULL, NULL, TAGS_NONE}};
    found g = {0};
    run(&g, pages);
    expect_problems(&g, "/", "missing:SiteDomain missing:SiteIDCode");
    expect_problems(&g, "/list/",
                    "missing:ColumnDescription missing:ColumnKeywords "
                    "missing:ColumnName missing:ColumnType");
    expect_problems(&g, "/col2/",
                    "missing:ColumnDescription missing:ColumnKeywords missing:ColumnType");
    expect_problems(&g, "/b.html",
                    "missing:ArticleTitle missing:Author missing:ContentSource "
                    "missing:Description missing:Keywords missing:PubDate "
                    "missing:Url");
    expect_problems(&g, "/x.html",
                    "missing:ArticleTitle missing:Author missing:ColumnDescription "
                    "missing:ColumnKeywords missing:ColumnName missing:ColumnType "
                    "missing:ContentSource missing:Description missing:Keywords "
                    "missing:SiteDomain missing:SiteIDCode missing:SiteName missing:Url");
    assert_null(find(&g, "tags.missing", "http://www.shifan.gov.cn/search.html"));
    assert_int_equal(g.n, 5);
    json_t *ev = find(&g, "tags.missing", "http://www.shifan.gov.cn/list/");
    assert_string_equal(json_string_value(json_object_get(ev, "page_type")), "list");
    found_free(&g);
}

static void test_values(void **state) {
    (void)state;
    const pg pages[] = {
        /* SiteIDCode of another site; empty Author and Keywords are fine,
         * an empty Description is not */
        {"/a.html",
         "<head><meta name=\"SiteName\" content=\"示范县\">"
         "<meta name=\"SiteDomain\" content=\"www.shifan.gov.cn\">"
         "<meta name=\"SiteIDCode\" content=\"6199000002\">" COLUMN_TAGS
         "<meta name=\"ArticleTitle\" content=\"题\">"
         "<meta name=\"PubDate\" content=\"2020-08-10 09:30\">"
         "<meta name=\"ContentSource\" content=\"本站\">"
         "<meta name=\"Keywords\" content=\"\"><meta name=\"Author\" content=\"\">"
         "<meta name=\"Description\" content=\" \">"
         "<meta name=\"Url\" content=\"/a.html\"></head><body></body>",
         TAGS_CONTENT},
        /* SiteIDCode malformed, PubDate malformed, SiteName twice */
        {"/b.html",
         "<head>" SITE_TAGS "<meta name=\"SiteName\" content=\"示范县\">" COLUMN_TAGS ARTICLE_TAGS(
             "2020/08/10") "</head><body></body>",
         TAGS_CONTENT},
        /* PubDate not the date shown */
        {"/c.html",
         "<head>" SITE_TAGS COLUMN_TAGS ARTICLE_TAGS(
             "2020-08-10 09:30") "</head><body><div>发布日期：2020-08-09</div></body>",
         TAGS_CONTENT},
        /* bm codes are codes; an empty SiteIDCode is missing, not malformed */
        {"/d.html",
         "<head><meta name=\"SiteName\" content=\"示范县\">"
         "<meta name=\"SiteDomain\" content=\"www.shifan.gov.cn\">"
         "<meta name=\"SiteIDCode\" content=\"\"></head><body></body>",
         TAGS_HOME},
        {"/e.html",
         "<head><meta name=\"SiteName\" content=\"示范县\">"
         "<meta name=\"SiteDomain\" content=\"www.shifan.gov.cn\">"
         "<meta name=\"SiteIDCode\" content=\"61990000X1\"></head><body></body>",
         TAGS_HOME},
        /* a value holding the characters problems are stored between */
        {"/f.html",
         "<head><meta name=\"SiteName\" content=\"示范县\">"
         "<meta name=\"SiteDomain\" content=\"www.shifan.gov.cn\">"
         "<meta name=\"SiteIDCode\" content=\"6199\x1f\x1e" "000001\"></head><body></body>",
         TAGS_HOME},
        {NULL, NULL, TAGS_NONE}};
    found g = {0};
    run(&g, pages);
    expect_problems(&g, "/a.html", "empty:Description malformed:SiteIDCode");
    expect_problems(&g, "/b.html", "malformed:PubDate repeated:SiteName");
    expect_problems(&g, "/c.html", "malformed:PubDate");
    expect_problems(&g, "/d.html", "empty:SiteIDCode");
    expect_problems(&g, "/e.html", "malformed:SiteIDCode");
    expect_problems(&g, "/f.html", "malformed:SiteIDCode");
    assert_int_equal(g.n, 6);
    json_t *ev = find(&g, "tags.missing", "http://www.shifan.gov.cn/c.html");
    json_t *o = json_array_get(json_object_get(ev, "problems"), 0);
    assert_string_equal(json_string_value(json_object_get(o, "value")), "2020-08-10 09:30");
    assert_non_null(strstr(json_string_value(json_object_get(o, "reason")), "2020-08-09"));
    found_free(&g);
}

static void test_case_and_domain(void **state) {
    (void)state;
    const pg pages[] = {
        /* lower case only: present, but tags.case */
        {"/",
         "<head><meta name=\"sitename\" content=\"示范县\">"
         "<meta name=\"SITEDOMAIN\" content=\"http://www.shifan.gov.cn\">"
         "<meta name=\"SiteIDCode\" content=\"6199000001\"></head><body></body>",
         TAGS_HOME},
        /* both spellings: the exact one is used (and is empty here) */
        {"/a.html",
         "<head>" SITE_TAGS COLUMN_TAGS "<meta name=\"ArticleTitle\" content=\"题\">"
         "<meta name=\"PubDate\" content=\"2020-08-10 09:30\">"
         "<meta name=\"ContentSource\" content=\"本站\">"
         "<meta name=\"Keywords\" content=\"\"><meta name=\"Author\" content=\"\">"
         "<meta name=\"description\" content=\"有内容\">"
         "<meta name=\"Description\" content=\"\">"
         "<meta name=\"url\" content=\"/a.html\"></head><body></body>",
         TAGS_NONE},
        {"/b.html", "<head><meta name=\"sitename\" content=\"示范县\"></head><body></body>",
         TAGS_NONE},
        {NULL, NULL, TAGS_NONE}};
    found g = {0};
    run(&g, pages);
    assert_null(find(&g, "tags.missing", "http://www.shifan.gov.cn/"));
    expect_problems(&g, "/a.html", "empty:Description");
    json_t *ev = find(&g, "tags.case", "SiteName");
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(ev, "written")), "sitename");
    assert_int_equal(json_integer_value(json_object_get(ev, "pages_total")), 2);
    assert_non_null(find(&g, "tags.case", "SiteDomain"));
    assert_non_null(find(&g, "tags.case", "Url"));
    assert_null(find(&g, "tags.case", "Description"));
    ev = find(&g, "tags.site_domain", "SiteDomain");
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(ev, "value")),
                        "http://www.shifan.gov.cn");
    assert_int_equal(g.n, 5);
    found_free(&g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pubdate_format), cmocka_unit_test(test_shown_date),
        cmocka_unit_test(test_complete_site),  cmocka_unit_test(test_page_types),
        cmocka_unit_test(test_values),         cmocka_unit_test(test_case_and_domain),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
