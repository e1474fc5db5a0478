/* Tests for the content check (src/checks/content.c) end to end through
 * inspect_sites() against a fixture site on 127.0.0.1 (site_fixture.h): a
 * typo repeated on three pages is one finding with the pages as evidence; an
 * abolished body's name counts on a page published after the 2018 reform
 * and not on an older one; a gambling word in visible text is text.harmful
 * while an anti-gambling notice is not; footers (沪公网安备) and hidden text
 * give nothing; the site's whitelist silences a word. Then the six real
 * government pages of the shared corpus, scanned block by block the way the
 * check does: no finding at all (skipped when the corpus is absent).
 */
#include "site_fixture.h"

#include <dirent.h>

#include "core/date.h"
#include "core/fileio.h"
#include "page/page.h"
#include "text/text.h"

#define PAGE(pub, body)                                                                            \
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"PubDate\" content=\"" pub     \
    "\"><title>示范县</title></head><body>" body                                                   \
    "<div class=\"footer\">示范县人民政府 主办 沪公网安备31010402000001号 沪ICP备05028566号</div>" \
    "</body></html>"

static const char home[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>示范县人民政府</title></head><body>"
    "<ul><li><a href=\"/art/2020/a1.html\">关于按装软件的通知</a><span>2020-08-09</span></li>"
    "<li><a href=\"/art/2016/a2.html\">国土资源部工作会议</a><span>2016-05-04</span></li>"
    "<li><a href=\"/art/2020/a3.html\">自然资源工作</a><span>2020-08-01</span></li>"
    "<li><a href=\"/art/2020/a4.html\">安全提示</a><span>2020-07-01</span></li></ul>"
    "<div style=\"display:none\">六合彩开奖 百家乐</div>"
    "<div class=\"footer\">沪公网安备31010402000001号</div></body></html>";
static const char a1[] = PAGE("2020-08-09 10:00", "<p>请各单位尽快按装补丁。</p><p>按装后重启。</p>");
static const char a2[] = PAGE("2016-05-04 10:00", "<p>国土资源部召开工作会议，部署按装工作。</p>");
static const char a3[] = PAGE("2020-08-01 10:00",
                              "<p>国土资源部发布新规定。</p><p>欢迎访问六合彩开奖网站。</p>");
static const char a4[] = PAGE("2020-07-01 10:00", "<p>公安机关严厉打击六合彩等非法赌博活动。</p>");

static void test_site(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home},
        {.path = "/art/2020/a1.html", .headers = fx_html, .body = a1},
        {.path = "/art/2016/a2.html", .headers = fx_html, .body = a2},
        {.path = "/art/2020/a3.html", .headers = fx_html, .body = a3},
        {.path = "/art/2020/a4.html", .headers = fx_html, .body = a4},
    };
    fx_result r;
    fx_inspect("6199000901", false, routes, 5, "text.", &r);
    assert_int_equal(r.n, 3);
    /* 按装 on the homepage (a list item), twice in a1, once in a2: one finding. */
    const fx_finding *t = fx_find(&r, "text.typo", "按装");
    assert_non_null(t);
    assert_string_equal(t->indicator, "content.typo");
    assert_string_equal(t->status, "pending");
    assert_string_equal(fx_ev_str(t, "suggestion"), "安装");
    assert_int_equal(json_integer_value(json_object_get(t->evidence, "count")), 4);
    json_t *pages = json_object_get(t->evidence, "pages");
    assert_int_equal(json_array_size(pages), 4);
    bool saw_a1 = false;
    for (size_t i = 0; i < json_array_size(pages); i++) {
        json_t *p = json_array_get(pages, i);
        const char *url = json_string_value(json_object_get(p, "url"));
        if (strstr(url, "/art/2020/a1.html")) {
            saw_a1 = true;
            assert_non_null(strstr(json_string_value(json_object_get(p, "context")), "按装"));
            assert_true(json_integer_value(json_object_get(p, "line")) >= 1);
            assert_true(json_integer_value(json_object_get(p, "column")) > 1);
        }
    }
    assert_true(saw_a1);
    /* The old name: only a3 (2020) counts; a2 (2016) and the homepage's 2016 item do not. */
    const fx_finding *w = fx_find(&r, "text.wording", "国土资源部");
    assert_non_null(w);
    assert_string_equal(w->indicator, "site.security");
    assert_int_equal(json_integer_value(json_object_get(w->evidence, "count")), 1);
    assert_non_null(strstr(json_string_value(json_object_get(
                               json_array_get(json_object_get(w->evidence, "pages"), 0), "url")),
                           "a3.html"));
    /* Gambling advertised (a3), not the police notice (a4), not hidden text. */
    const fx_finding *h = fx_find(&r, "text.harmful", "六合彩开奖");
    assert_non_null(h);
    assert_string_equal(fx_ev_str(h, "label"), "赌博");
    assert_int_equal(json_integer_value(json_object_get(h->evidence, "count")), 1);
    fx_free(&r);

    /* The site's whitelist silences 按装. */
    char wl[128];
    snprintf(wl, sizeof wl, "%s/6199000901.tsv", fx_dir);
    FILE *f = fopen(wl, "w");
    assert_non_null(f);
    fputs("# proven false alarm\n按装\n", f);
    fclose(f);
    setenv("GOVINSPECT_WHITELIST_DIR", fx_dir, 1);
    fx_inspect("6199000901", false, routes, 5, "text.", &r);
    unsetenv("GOVINSPECT_WHITELIST_DIR");
    unlink(wl);
    assert_null(fx_find(&r, "text.typo", "按装"));
    assert_non_null(fx_find(&r, "text.wording", "国土资源部"));
    fx_free(&r);
}

static bool count_match(const text_match *m, void *ud) {
    print_message("false alarm: %s (%s)\n", m->text, m->indicator);
    (*(int *)ud)++;
    return true;
}

static void test_gov_pages_no_false_alarm(void **state) {
    (void)state;
    char dir[512];
    const char *env = getenv("GI_SHARED_DIR");
    snprintf(dir, sizeof dir, "%s/corpus/gov_html", env && *env ? env : GI_SHARED_DIR);
    DIR *d = opendir(dir);
    if (!d) {
        print_message("skipped: %s is absent\n", dir);
        skip();
    }
    err e = {0};
    text_engine *t = text_engine_load(GI_DATA_DIR, &e);
    assert_non_null(t);
    int pages = 0, alarms = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".html")) continue;
        char path[1024], *raw;
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        assert_true(file_read_all(path, 32u << 20, &raw, &len, &e));
        textenc_result dec = {0};
        assert_true(page_decode(raw, len, NULL, &dec, &e));
        page *p = page_parse_decoded(&dec, "http://www.example.gov.cn/a.html", &e);
        assert_non_null(p);
        /* The check's date rule: PubDate, else today (the strictest case). */
        text_scan_opts o = {.statistical = true, .pub_year = 2024, .pub_month = 1, .pub_day = 1};
        const page_meta *pm = page_meta_get(p, "PubDate");
        char day[11] = "";
        if (pm && strlen(pm->content) >= 10) {
            memcpy(day, pm->content, 10);
            date_parse_ymd(day, &o.pub_year, &o.pub_month, &o.pub_day);
        }
        for (size_t i = 0; i < p->ntexts; i++)
            text_scan(t, p->texts[i].text, strlen(p->texts[i].text), &o, count_match, &alarms);
        pages++;
        page_free(p);
        textenc_result_free(&dec);
        free(raw);
    }
    closedir(d);
    text_engine_free(t);
    assert_int_equal(pages, 6);
    assert_int_equal(alarms, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_site),
        cmocka_unit_test(test_gov_pages_no_false_alarm),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
