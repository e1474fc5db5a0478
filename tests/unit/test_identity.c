/* Tests for the footer-identity check (identity.h): a complete footer gives
 * nothing; each element removed gives exactly its finding; codes and filing
 * numbers that differ from the registry, a SiteIDCode that differs from the
 * footer; the conac badge written by a script; the 找错 entry by link, by
 * script, by the earlier platform's path and hidden; spaces in police
 * numbers; ICP numbers with and without -N; a host outside .gov.cn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "checks/identity.h"
#include "core/lang.h"
#include "core/sbuf.h"

#include "found.h"

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

static site_rec site_of(const char *url, const char *icp, const char *psb) {
    return (site_rec){.code = "6199000001",
                      .name = "示范县人民政府",
                      .url = (char *)url,
                      .hosts = "",
                      .unit = "示范县人民政府办公室",
                      .kind = "portal",
                      .org = "",
                      .icp = (char *)icp,
                      .psb = (char *)psb};
}

/* The footer parts; a test drops or replaces one. */
enum { F_CODE, F_ICP, F_PSB, F_CONAC, F_SPONSOR, F_CONTACT, F_ZHAOCUO, F_N };
static const char *const footer_parts[F_N] = {
    "<span>网站标识码：6199000001</span>",
    "<a href=\"https://beian.miit.gov.cn/\">示ICP备12345678号</a>",
    "<a href=\"http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=61990002000001\">"
    "示公网安备 61990002000001号</a>",
    "<a href=\"http://bszs.conac.cn/sitename?method=show&amp;id=1\"><img src=\"/red.png\"></a>",
    "<span>主办单位：示范县人民政府办公室</span>",
    "<span>联系电话：0912-1234567</span>",
    "<script id=\"_jiucuo_\" sitecode=\"6199000001\" "
    "src=\"https://zfwzgl.www.gov.cn/exposure/jiucuo.js\"></script>",
};

/* Runs the check on a homepage whose footer has every part but `drop` (-1:
 * none), with part `swap` replaced by `with`. */
static void run(found *g, const site_rec *site, int drop, int swap, const char *with,
                const char *head) {
    sbuf b = SBUF_INIT;
    sbuf_printf(&b,
                "<html><head>%s</head><body><div class=\"news\"><p>新闻</p></div>"
                "<div class=\"footer\"><p>",
                head ? head : "");
    for (int i = 0; i < F_N; i++) {
        if (i == drop)
            continue;
        sbuf_puts(&b, i == swap ? with : footer_parts[i]);
        sbuf_puts(&b, " ");
    }
    sbuf_puts(&b, "</p></div></body></html>");
    err e = {0};
    page *p = page_parse(sbuf_str(&b), b.len, site->url, "UTF-8", &e);
    assert_non_null(p);
    ident_check(rs, site, p, collect, g);
    page_free(p);
    sbuf_free(&b);
}

static void expect_only(found *g, const char *kind) {
    if ((kind && (g->n != 1 || strcmp(g->kind[0], kind) != 0)) || (!kind && g->n)) {
        for (size_t i = 0; i < g->n; i++)
            print_message("  got %s\n", g->kind[i]);
        fail_msg("expected %s", kind ? kind : "nothing");
    }
}

static void test_complete(void **state) {
    (void)state;
    site_rec s =
        site_of("http://www.shifan.gov.cn/", "示ICP备12345678号", "示公网安备61990002000001号");
    found g = {0};
    run(&g, &s, -1, -1, NULL, NULL);
    expect_only(&g, NULL);
    /* the registry without numbers: any well-formed number will do */
    s = site_of("http://www.shifan.gov.cn/", "", "");
    run(&g, &s, -1, -1, NULL, NULL);
    expect_only(&g, NULL);
}

static void test_each_missing(void **state) {
    (void)state;
    static const char *const kinds[F_N] = {
        "identity.site_code", "identity.icp",     "identity.psb",    "identity.conac",
        "identity.sponsor",   "identity.contact", "identity.zhaocuo"};
    site_rec s = site_of("http://www.shifan.gov.cn/", "示ICP备12345678号", "");
    for (int i = 0; i < F_N; i++) {
        found g = {0};
        run(&g, &s, i, -1, NULL, NULL);
        expect_only(&g, kinds[i]);
        found_free(&g);
    }
}

static void test_registry_mismatch(void **state) {
    (void)state;
    site_rec s =
        site_of("http://www.shifan.gov.cn/", "示ICP备12345678号", "示公网安备61990002000001号");
    found g = {0};
    run(&g, &s, -1, F_CODE, "<span>网站标识码：6199000002</span>", NULL);
    expect_only(&g, "identity.site_code");
    assert_string_equal(json_string_value(json_object_get(g.ev[0], "found")), "6199000002");
    assert_string_equal(json_string_value(json_object_get(g.ev[0], "expected")), "6199000001");
    found_free(&g);
    run(&g, &s, -1, F_CODE, "<span>网站标识码：61990000</span>", NULL);
    expect_only(&g, "identity.site_code");
    found_free(&g);
    run(&g, &s, -1, F_ICP, "<span>示ICP备87654321号</span>", NULL);
    expect_only(&g, "identity.icp");
    found_free(&g);
    run(&g, &s, -1, F_PSB, "<span>示公网安备61990002000002号</span>", NULL);
    expect_only(&g, "identity.psb");
    found_free(&g);
    /* the homepage's SiteIDCode must be the footer's code */
    run(&g, &s, -1, -1, NULL, "<meta name=\"SiteIDCode\" content=\"6199000009\">");
    expect_only(&g, "identity.site_code");
    found_free(&g);
    run(&g, &s, -1, -1, NULL, "<meta name=\"SiteIDCode\" content=\"6199000001\">");
    expect_only(&g, NULL);
}

static void test_variants(void **state) {
    (void)state;
    site_rec s =
        site_of("http://www.shifan.gov.cn/", "示ICP备12345678号", "示公网安备61990002000001号");
    found g = {0};
    /* code without a colon, bm codes; ICP with -N; police number without a space */
    site_rec bm = s;
    bm.code = "bm61000001";
    run(&g, &bm, -1, F_CODE, "<p>政府网站标识码bm61000001</p>", NULL);
    expect_only(&g, NULL);
    run(&g, &s, -1, F_ICP, "<span>示ICP备12345678号-1</span>", NULL);
    expect_only(&g, NULL);
    run(&g, &s, -1, F_PSB, "<span>示公网安备61990002000001号</span>", NULL);
    expect_only(&g, NULL);
    /* sponsor as 主办： and 主办方：; contact by mailto: or a 联系我们 link */
    run(&g, &s, -1, F_SPONSOR, "<span>主办：示范县人民政府办公室</span>", NULL);
    expect_only(&g, NULL);
    run(&g, &s, -1, F_SPONSOR, "<span>主办方： 示范县人民政府办公室</span>", NULL);
    expect_only(&g, NULL);
    run(&g, &s, -1, F_CONTACT, "<a href=\"mailto:web@shifan.gov.cn\">来信</a>", NULL);
    expect_only(&g, NULL);
    run(&g, &s, -1, F_CONTACT, "<a href=\"/lxwm/\">联系我们</a>", NULL);
    expect_only(&g, NULL);
    /* "主办" in a news sentence is no sponsor line */
    run(&g, &s, -1, F_SPONSOR, "<span>由县政府主办的招聘会</span>", NULL);
    expect_only(&g, "identity.sponsor");
    found_free(&g);
    /* the conac badge written by a script, as conac.cn hands it out */
    run(&g, &s, -1, F_CONAC,
        "<script>document.write(unescape(\"%3Cspan id='_ideConac' %3E%3C/span%3E%3Cscript "
        "src='http://dcs.conac.cn/js/33/000/0000/1/CA1.js' "
        "type='text/javascript'%3E%3C/script%3E\"));"
        "</script>",
        NULL);
    expect_only(&g, NULL);
    /* 找错 by a link to zfwzzc, by the old platform's path, by its label */
    run(&g, &s, -1, F_ZHAOCUO,
        "<a "
        "href=\"https://zfwzzc.www.gov.cn/check_web/"
        "errorInfo_querySiteInfo.action?sitecode=6199000001\"><img src=\"/zc.png\"></a>",
        NULL);
    expect_only(&g, NULL);
    run(&g, &s, -1, F_ZHAOCUO,
        "<a href=\"http://121.43.68.40/exposure/jiucuo.html?site_code=6199000001\">纠错</a>", NULL);
    expect_only(&g, NULL);
    run(&g, &s, -1, F_ZHAOCUO,
        "<a href=\"/zc/\"><img src=\"/zc.png\" alt=\"我为政府网站找错\"></a>", NULL);
    expect_only(&g, NULL);
    /* ... but not hidden */
    run(&g, &s, -1, F_ZHAOCUO,
        "<a style=\"display:none\" "
        "href=\"http://121.43.68.40/exposure/jiucuo.html?site_code=6199000001\">纠错</a>",
        NULL);
    expect_only(&g, "identity.zhaocuo");
    found_free(&g);
}

static void test_domain(void **state) {
    (void)state;
    site_rec s = site_of("http://www.shifan.com.cn/", "", "");
    found g = {0};
    run(&g, &s, -1, -1, NULL, NULL);
    expect_only(&g, "identity.domain");
    assert_string_equal(json_string_value(json_object_get(g.ev[0], "found")), "www.shifan.com.cn");
    found_free(&g);
    s = site_of("http://示范县.政务/", "", "");
    run(&g, &s, -1, -1, NULL, NULL);
    expect_only(&g, NULL);
    /* no homepage: only the domain is judged */
    site_rec d = site_of("http://www.shifan.org/", "", "");
    ident_check(rs, &d, NULL, collect, &g);
    expect_only(&g, "identity.domain");
    found_free(&g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_each_missing),
        cmocka_unit_test(test_registry_mismatch),
        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_domain),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
