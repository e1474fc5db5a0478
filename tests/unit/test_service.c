/* Tests for 服务不实用 (site.service: service.none, the guide veto),
 * service.guide_incomplete and service.attachment_broken, end to end
 * through inspect_sites() against fixture sites on 127.0.0.1
 * (site_fixture.h): guides with all eight elements in a th/td table, with
 * synonyms in a dl, with an empty element and missing ones in labelled
 * paragraphs; attachments that download, answer 404, answer an HTML page or
 * zero bytes; the guide veto one guide below and one above half; a site
 * without services, one whose only service is a link to the provincial
 * platform (live or dead), and a unit registered with services=no.
 */
#include "site_fixture.h"

#define PAGE(title, body)                                                                          \
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" title                             \
    "</title></head><body>" body "</body></html>"
#define TR(label, value) "<tr><th>" label "</th><td>" value "</td></tr>"

static const char home[] = PAGE("示范县人民政府", "<a href=\"/bsfw/index.html\">办事服务</a>");
static const char section[] = PAGE(
    "办事服务_示范县人民政府",
    "<ul><li><a href=\"/bsfw/g1.html\">个体工商户登记</a></li>"
    "<li><a href=\"/bsfw/g2.html\">食品经营许可</a></li>"
    "<li><a href=\"/bsfw/g3.html\">临时救助申请</a></li>"
    "<li><a href=\"/bsfw/g4.html\">门头牌匾设置</a></li></ul>");
static const char g1[] =
    PAGE("个体工商户登记_办事指南",
         "<table>" TR("事项名称", "个体工商户登记") TR("设定依据", "《个体工商户条例》")
             TR("申请条件", "有经营能力的公民") TR("办理材料", "身份证、经营场所证明")
                 TR("办理地点", "县政务服务中心") TR("办理时间", "工作日 9:00-17:00")
                     TR("联系电话", "0912-1234567")
                         TR("办理流程",
                            "申请、受理、审查、决定") "</table>"
                                                      "<a href=\"/files/sqb.docx\">申请表下载</a>");
static const char g2[] =
    PAGE("食品经营许可_服务指南",
         "<dl><dt>服务事项</dt><dd>食品经营许可</dd><dt>法律依据</dt><dd>《食品安全法》</dd>"
         "<dt>受理条件</dt><dd>有与经营相适应的场所</dd><dt>申请材料</dt><dd>申请书</dd>"
         "<dt>受理地点</dt><dd>县市场监管局</dd><dt>受理时间</dt><dd>工作日</dd>"
         "<dt>咨询电话</dt><dd>0912-7654321</dd><dt>办事流程</dt><dd>受理、审核、发证</dd></dl>"
         "<a href=\"/files/yb.xls\">样表</a>");
static const char g3[] =
    PAGE("临时救助申请_办事指南",
         "<p>一、事项名称：临时救助申请</p><p>二、设定依据：《社会救助暂行办法》</p>"
         "<p>三、申请条件：</p><p>四、办理材料：申请书、户口簿</p><p>五、办理地点：乡镇民政所</p>"
         "<p>六、办理时间：工作日</p><p>七、联系电话：0912-1111111</p>"
         "<a href=\"/files/fj.pdf\">附件</a>");
static const char g4[] =
    PAGE("门头牌匾设置_办事指南",
         "<p>事项名称：门头牌匾设置</p><p>申请条件：临街商户</p><p>办理材料：设计图</p>"
         "<p>办理地点：县城管局</p><p>办理时间：工作日</p><p>联系电话：0912-2222222</p>"
         "<p>办理流程：申请、审批</p><a href=\"/files/bg.doc\">表格</a>");
static const char *const docx_hdr[] = {
    "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document", NULL};
static const char *const doc_hdr[] = {"Content-Type: application/msword", NULL};
static const char *const pdf_hdr[] = {"Content-Type: application/pdf", NULL};
static const char zipbytes[] = "PK\x03\x04 a small docx";

static void test_guides_and_attachments(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home},
        {.path = "/bsfw/index.html", .headers = fx_html, .body = section},
        {.path = "/bsfw/g1.html", .headers = fx_html, .body = g1},
        {.path = "/bsfw/g2.html", .headers = fx_html, .body = g2},
        {.path = "/bsfw/g3.html", .headers = fx_html, .body = g3},
        {.path = "/bsfw/g4.html", .headers = fx_html, .body = g4},
        {.path = "/files/sqb.docx", .headers = docx_hdr, .body = zipbytes},
        {.path = "/files/fj.pdf", .headers = fx_html, .body = PAGE("404", "<p>页面不存在</p>")},
        {.path = "/files/bg.doc", .headers = doc_hdr, .body = ""},
    };
    fx_result r;
    fx_inspect("6199000701", true, routes, 9, "service.", &r);
    assert_int_equal(fx_count(&r, "service.none"), 0);
    /* All eight, and all eight by synonyms: complete. */
    assert_null(fx_find(&r, "service.guide_incomplete", "/bsfw/g1.html"));
    assert_null(fx_find(&r, "service.guide_incomplete", "/bsfw/g2.html"));
    assert_int_equal(fx_count(&r, "service.guide_incomplete"), 2);
    /* 申请条件 present but empty, 办理流程 absent. */
    const fx_finding *f3 = fx_find(&r, "service.guide_incomplete", "/bsfw/g3.html");
    assert_non_null(f3);
    json_t *missing = json_object_get(f3->evidence, "missing");
    assert_int_equal(json_array_size(missing), 2);
    assert_string_equal(json_string_value(json_array_get(missing, 0)), "申请条件");
    assert_string_equal(json_string_value(json_array_get(missing, 1)), "办理流程");
    assert_true(json_is_true(json_object_get(f3->evidence, "core_missing")));
    assert_int_equal(json_integer_value(json_object_get(f3->evidence, "guides_examined")), 4);
    assert_int_equal(json_integer_value(json_object_get(f3->evidence, "guides_core_missing")), 2);
    /* 2 of 4 miss a core element: not more than half, no veto. */
    assert_string_equal(f3->indicator, "service.guide_incomplete");
    const fx_finding *f4 = fx_find(&r, "service.guide_incomplete", "/bsfw/g4.html");
    assert_non_null(f4);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(f4->evidence, "missing"), 0)), "设定依据");
    /* Attachments: 404, an HTML page for a .pdf, zero bytes; the .docx works. */
    assert_int_equal(fx_count(&r, "service.attachment_broken"), 3);
    assert_null(fx_find(&r, "service.attachment_broken", "/files/sqb.docx"));
    const fx_finding *a = fx_find(&r, "service.attachment_broken", "/files/yb.xls");
    assert_non_null(a);
    assert_string_equal(fx_ev_str(a, "reason"), "HTTP 404");
    assert_string_equal(a->indicator, "service.attachment_broken");
    assert_string_equal(
        fx_ev_str(fx_find(&r, "service.attachment_broken", "/files/fj.pdf"), "reason"),
        "an HTML page instead of the document");
    assert_string_equal(
        fx_ev_str(fx_find(&r, "service.attachment_broken", "/files/bg.doc"), "reason"),
        "zero bytes");
    (void)pdf_hdr;
    fx_free(&r);
}

/* Three guides, two missing a core element: above half, the veto. */
static const char section3[] = PAGE(
    "办事服务_示范县人民政府", "<a href=\"/bsfw/g1.html\">一</a><a href=\"/bsfw/g3.html\">三</a><a "
                               "href=\"/bsfw/g4.html\">四</a>");

static void test_guide_veto(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home},
        {.path = "/bsfw/index.html", .headers = fx_html, .body = section3},
        {.path = "/bsfw/g1.html", .headers = fx_html, .body = g1},
        {.path = "/bsfw/g3.html", .headers = fx_html, .body = g3},
        {.path = "/bsfw/g4.html", .headers = fx_html, .body = g4},
        {.path = "/files/sqb.docx", .headers = docx_hdr, .body = zipbytes},
        {.path = "/files/fj.pdf", .headers = pdf_hdr, .body = "%PDF-1.4"},
        {.path = "/files/bg.doc", .headers = doc_hdr, .body = "\xd0\xcf\x11\xe0"},
    };
    fx_result r;
    fx_inspect("6199000702", true, routes, 8, "service.", &r);
    assert_int_equal(fx_count(&r, "service.guide_incomplete"), 2);
    assert_int_equal(fx_count(&r, "service.attachment_broken"), 0);
    for (size_t i = 0; i < r.n; i++) assert_string_equal(r.f[i].indicator, "site.service");
    fx_free(&r);
}

static const char home_bare[] = PAGE("示范县人民政府", "<a href=\"/news/index.html\">工作动态</a>");

static void test_no_services(void **state) {
    (void)state;
    testserver_route routes[] = {{.path = "/", .headers = fx_html, .body = home_bare}};
    fx_result r;
    fx_inspect("6199000703", true, routes, 1, "service.", &r);
    assert_int_equal(fx_count(&r, "service.none"), 1);
    assert_string_equal(r.f[0].indicator, "site.service");
    fx_free(&r);
    /* A unit without services is not judged. */
    fx_inspect("6199000704", false, routes, 1, "service.", &r);
    assert_int_equal(r.n, 0);
    fx_free(&r);
}

/* The only service is the provincial platform; its guides are not the
 * site's (this one misses everything but its name). */
static const char home_platform[] = PAGE(
    "示范县人民政府", "<a href=\"http://zwfw.sx.gov.cn:{P}/sfx/index.html\">陕西政务服务网</a>");
static const char platform[] = PAGE("陕西政务服务网", "<p>事项名称：临时救助</p>");

static void test_platform_link(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home_platform},
        {.path = "/sfx/index.html", .headers = fx_html, .body = platform},
    };
    fx_result r;
    fx_inspect("6199000705", true, routes, 2, "service.", &r);
    assert_int_equal(r.n, 0);
    fx_free(&r);
    /* The same link to a platform page that is gone: no service. */
    fx_inspect("6199000706", true, routes, 1, "service.", &r);
    assert_int_equal(fx_count(&r, "service.none"), 1);
    fx_free(&r);
}

/* Values in paragraphs inside cells count; an empty last dd or cell is not
 * filled by the text after its list or table. */
static const char home_cells[] = PAGE("示范县人民政府", "<a href=\"/zn/a.html\">在线办事</a>"
                                                        "<a href=\"/zn/b.html\">指南</a>");
#define TRP(label, value) "<tr><td>" label "</td><td><p>" value "</p></td></tr>"
static const char guide_cells[] =
    PAGE("办事指南", "<table>" TRP("事项名称", "甲") TRP("实施依据", "乙") TRP("办理条件", "丙")
                         TRP("所需材料", "丁") TRP("办公地点", "戊") TRP("办公时间", "己")
                             TRP("咨询方式", "庚") TRP("办事流程", "辛") "</table>");
static const char guide_tail[] =
    PAGE("办事指南",
         "<dl><dt>事项名称</dt><dd>甲</dd><dt>设定依据</dt><dd>乙</dd><dt>申请条件</dt><dd>丙</dd>"
         "<dt>办理材料</dt><dd>丁</dd><dt>办理地点</dt><dd>戊</dd><dt>办理时间</dt><dd>己</dd>"
         "<dt>联系电话</dt><dd>庚</dd><dt>办理流程</dt><dd></dd></dl><p>相关下载</p>"
         "<table><tr><th>备注</th><td>无</td></tr><tr><th>联系电话</th><td></td></tr></"
         "table><p>返回</p>");

static void test_cells(void **state) {
    (void)state;
    testserver_route routes[] = {
        {.path = "/", .headers = fx_html, .body = home_cells},
        {.path = "/zn/a.html", .headers = fx_html, .body = guide_cells},
        {.path = "/zn/b.html", .headers = fx_html, .body = guide_tail},
    };
    fx_result r;
    fx_inspect("6199000707", true, routes, 3, "service.", &r);
    assert_int_equal(r.n, 1);
    const fx_finding *f = fx_find(&r, "service.guide_incomplete", "/zn/b.html");
    assert_non_null(f);
    json_t *missing = json_object_get(f->evidence, "missing");
    assert_int_equal(json_array_size(missing), 1);
    assert_string_equal(json_string_value(json_array_get(missing, 0)), "办理流程");
    assert_false(json_is_true(json_object_get(f->evidence, "core_missing")));
    fx_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guides_and_attachments),
        cmocka_unit_test(test_guide_veto),
        cmocka_unit_test(test_no_services),
        cmocka_unit_test(test_platform_link),
        cmocka_unit_test(test_cells),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
