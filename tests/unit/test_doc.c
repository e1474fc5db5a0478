/* Tests for report/doc: the model, its caps, and the four writers on a
 * document shaped like the real 通报 (office line, title, headings, body,
 * signature, two appendices on new pages, a 4-column table of 40 rows, an
 * extra sheet) with hostile text. Markdown and HTML escaping; the .docx
 * opened as a zip with every part present and well-formed XML; the .xlsx
 * with its frozen, filtered sheets; and, when LibreOffice and pdftotext are
 * installed, the .docx converted to PDF and its text read back. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <zip.h>

#include "core/fileio.h"
#include "core/lang.h"
#include "core/sbuf.h"
#include "report/doc.h"

#define TITLE "榆林市2020年第三季度政府网站与政府系统政务新媒体检测情况通报"
#define HOSTILE "<script>&\"'"
/* Control characters XML 1.0 forbids, a carriage return, a bad byte. */
#define CONTROLS "响\x01应\x07\x1b及时\r\n第二行\xff尾"

static char tmpdir[] = "/tmp/gi-test-doc-XXXXXX";

static char *path_in(const char *name) {
    sbuf b = SBUF_INIT;
    sbuf_printf(&b, "%s/%s", tmpdir, name);
    return sbuf_detach(&b);
}

static char *slurp(const char *path, size_t *len) {
    char *data = NULL;
    size_t n = 0;
    err e = {0};
    if (!file_read_all(path, 512u << 20, &data, &n, &e)) fail_msg("%s", e.msg);
    if (len) *len = n;
    return data;
}

static void assert_contains(const char *hay, const char *needle) {
    if (!strstr(hay, needle)) fail_msg("missing \"%s\"", needle);
}

static void assert_lacks(const char *hay, const char *needle) {
    if (strstr(hay, needle)) fail_msg("unexpected \"%s\"", needle);
}

/* No byte below 0x20 but tab and newline. */
static void assert_no_controls(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && c != '\n' && c != '\t') fail_msg("control byte 0x%02x at %zu", c, i);
    }
}

static doc *build_doc(void) {
    doc *d = doc_new(TITLE);
    assert_non_null(d);
    doc_set_meta(d, "市政府政务信息化服务中心", "2020-08-17");
    doc_para(d, DOC_OFFICE, "榆林市政府政务信息化办公室");
    doc_para(d, DOC_TITLE, TITLE);
    doc_para(d, DOC_ADDRESSEE, "各县市区人民政府，市政府各工作部门、各直属事业单位：");
    doc_para(d, DOC_BODY, "为推动全市政府网站和政府系统政务新媒体健康有序发展，现将有关情况通报如下：");
    doc_para(d, DOC_HEADING1, "一、总体情况");
    doc_para(d, DOC_HEADING2, "（一）第二季度复核情况。");
    doc_para(d, DOC_BODY, "特殊字符 " HOSTILE " 与 " CONTROLS);
    doc_para(d, DOC_BODY, "# 不是标题\n1. 不是列表 *也不强调* [不是链接](x)\n- 也不是\n  > 引用");
    doc_para(d, DOC_SIGNATURE, "市政府政务信息化服务中心\n2020年8月17日");
    doc_page_break(d);
    doc_para(d, DOC_ATTACH_LABEL, "附件1");
    doc_para(d, DOC_ATTACH_TITLE, "检查发现存在严重问题的政府网站名单");
    const char *head[] = {"序号", "网站名称", "网站标识码", "存在的突出问题"};
    const double widths[] = {1, 3, 2, 4};
    size_t t = doc_table(d, "附件1", 4, head, widths);
    assert_int_not_equal(t, DOC_BAD_INDEX);
    for (int i = 1; i <= 40; i++) {
        char no[8], name[64], code[16];
        snprintf(no, sizeof no, "%d", i);
        snprintf(name, sizeof name, i == 1 ? "榆林市住建局" : "测试网站%d", i);
        snprintf(code, sizeof code, "61080000%02d", i);
        const char *row[] = {no, name, code, i == 2 ? "a|b\nc " HOSTILE : "多个栏目更新不及时"};
        doc_table_row(d, t, row);
    }
    doc_page_break(d);
    doc_para(d, DOC_ATTACH_LABEL, "附件2");
    doc_para(d, DOC_ATTACH_TITLE, "检查发现不合格的政府系统政务新媒体名单");
    const char *head2[] = {"序号", "新媒体类型", "新媒体名称", "存在的主要问题"};
    size_t t2 = doc_table(d, "附件2: 新媒体/名单", 4, head2, NULL);
    const char *row2[] = {"1", "微信", "榆佳高交", "监测时间点2周内未更新"};
    doc_table_row(d, t2, row2);
    const char *head3[] = {"单位", "问题", "证据"};
    size_t s = doc_sheet(d, "全部问题", 3, head3, NULL);
    assert_int_not_equal(s, DOC_BAD_INDEX);
    for (int i = 0; i < 5; i++) {
        const char *row3[] = {"市住建局", "栏目不更新", i == 0 ? HOSTILE : NULL};
        doc_sheet_row(d, s, row3);
    }
    return d;
}

static void write_ok(const doc *d, const char *format, const char *path) {
    err e = {0};
    if (!doc_write(d, format, path, &e)) fail_msg("%s: %s", format, e.msg);
}

static void test_markdown(void **state) {
    (void)state;
    doc *d = build_doc();
    char *path = path_in("t.md");
    write_ok(d, "md", path);
    size_t len;
    char *md = slurp(path, &len);
    assert_contains(md, "# " TITLE "\n");
    assert_contains(md, "\n## 一、总体情况\n");
    assert_contains(md, "\n### （一）第二季度复核情况。\n");
    assert_contains(md, "\\<script\\>\\&\"'");
    assert_lacks(md, " <script");
    /* Controls dropped, CR LF one break, the bad byte U+FFFD. */
    assert_contains(md, "响应及时  \n第二行\xEF\xBF\xBD尾");
    assert_no_controls(md, len);
    assert_contains(md, "\n\n\\# 不是标题  \n1\\. 不是列表 \\*也不强调\\* \\[不是链接\\](x)  \n\\- 也不是  \n\\> 引用\n");
    assert_contains(md, "| 序号 | 网站名称 | 网站标识码 | 存在的突出问题 |\n| --- | --- | --- | --- |\n");
    assert_contains(md, "| 2 | 测试网站2 | 6108000002 | a\\|b<br>c \\<script\\>");
    assert_contains(md, "| 40 | 测试网站40 | 6108000040 | 多个栏目更新不及时 |\n");
    assert_lacks(md, "全部问题"); /* the extra sheet is the workbook's only */
    free(md);
    free(path);
    doc_free(d);
}

static void test_html(void **state) {
    (void)state;
    doc *d = build_doc();
    char *path = path_in("t.html");
    write_ok(d, "html", path);
    size_t len;
    char *html = slurp(path, &len);
    assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"zh-CN\">", 35) == 0);
    assert_contains(html, "<meta charset=\"utf-8\">");
    assert_contains(html, "<title>" TITLE "</title>");
    assert_contains(html, "&lt;script&gt;&amp;&quot;&#39;");
    assert_contains(html, "a|b<br>c &lt;script&gt;");
    assert_contains(html, "响应及时<br>第二行\xEF\xBF\xBD尾");
    assert_no_controls(html, len);
    /* Self-contained and inert: no script, no external resource. */
    assert_lacks(html, "<script");
    assert_lacks(html, "<link");
    assert_lacks(html, "src=");
    assert_lacks(html, "url(");
    assert_lacks(html, "http:");
    assert_lacks(html, "https:");
    assert_contains(html, "@page{size:A4;margin:37mm 26mm 35mm 28mm}");
    assert_contains(html, "\"仿宋_GB2312\",\"仿宋\",FangSong");
    /* Each appendix on a new printed page, headers repeated. */
    const char *p = html;
    int pages = 0;
    while ((p = strstr(p, "<section class=\"page\">"))) pages++, p++;
    assert_int_equal(pages, 2);
    assert_contains(html, "<thead><tr><th>序号</th>");
    assert_lacks(html, "全部问题");
    free(html);
    free(path);
    doc_free(d);
}

/* The named part of a zip, or NULL when absent (caller frees). */
static char *zip_read(zip_t *za, const char *name, size_t *len) {
    zip_stat_t st;
    if (zip_stat(za, name, 0, &st) != 0) return NULL;
    zip_file_t *zf = zip_fopen(za, name, 0);
    assert_non_null(zf);
    char *buf = malloc(st.size + 1);
    assert_non_null(buf);
    assert_int_equal(zip_fread(zf, buf, st.size), (zip_int64_t)st.size);
    buf[st.size] = '\0';
    zip_fclose(zf);
    if (len) *len = st.size;
    return buf;
}

static void assert_well_formed(const char *name, const char *xml, size_t len) {
    xmlDocPtr x = xmlReadMemory(xml, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!x) fail_msg("%s is not well-formed XML", name);
    xmlFreeDoc(x);
}

static void test_docx(void **state) {
    (void)state;
    doc *d = build_doc();
    char *path = path_in("t.docx");
    write_ok(d, "docx", path);
    int zerr;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    assert_non_null(za);
    static const char *const parts[] = {
        "[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
        "word/styles.xml", "word/settings.xml", "word/fontTable.xml", "word/footer1.xml",
        "docProps/core.xml", "docProps/app.xml"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t len;
        char *xml = zip_read(za, parts[i], &len);
        if (!xml) fail_msg("part %s missing", parts[i]);
        assert_well_formed(parts[i], xml, len);
        free(xml);
    }
    assert_int_equal(zip_get_num_entries(za, 0), 10);
    size_t len;
    char *xml = zip_read(za, "word/document.xml", &len);
    assert_no_controls(xml, len);
    assert_contains(xml, "<w:t xml:space=\"preserve\">" TITLE "</w:t>");
    assert_contains(xml, "&lt;script&gt;&amp;&quot;'");
    assert_contains(xml, "响应及时</w:t><w:br/><w:t xml:space=\"preserve\">第二行\xEF\xBF\xBD尾");
    assert_contains(xml, "<w:pStyle w:val=\"GiAttachLabel\"/><w:pageBreakBefore/>");
    assert_contains(xml, "<w:tblHeader/>");
    assert_contains(xml, "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>");
    assert_contains(xml, "w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\"");
    /* Column widths: the caller's shares of the 8845-twip text width, but
     * the 网站标识码 column widened so 6108000001 (10 digits, 14 pt) stays
     * on one line: 1/5 of the width would not hold it. */
    long cols[4], sum = 0;
    const char *g = strstr(xml, "<w:tblGrid>");
    assert_non_null(g);
    for (int c = 0; c < 4; c++) {
        g = strstr(g, "<w:gridCol w:w=\"");
        assert_non_null(g);
        cols[c] = strtol(g + 16, NULL, 10);
        sum += cols[c];
        g++;
    }
    assert_int_equal(sum, 8845);
    assert_true(cols[2] > 8845 / 5 && (double)cols[2] / 20 >= 10 * 0.64 * 14); /* pt */
    assert_true(cols[0] < cols[2] && cols[2] < cols[1] && cols[1] < cols[3]);
    assert_lacks(xml, "全部问题");
    free(xml);
    char *footer = zip_read(za, "word/footer1.xml", NULL);
    assert_contains(footer, "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>");
    assert_contains(footer, "— </w:t>");
    free(footer);
    char *styles = zip_read(za, "word/styles.xml", NULL);
    assert_contains(styles, "w:eastAsia=\"方正小标宋简体\"");
    assert_contains(styles, "w:eastAsia=\"仿宋_GB2312\"");
    assert_contains(styles, "<w:spacing w:line=\"579\" w:lineRule=\"exact\"/>");
    free(styles);
    char *core = zip_read(za, "docProps/core.xml", NULL);
    assert_contains(core, "<dc:title>" TITLE "</dc:title>");
    assert_contains(core, "2020-08-17T00:00:00Z");
    free(core);
    zip_close(za);
    free(path);
    doc_free(d);
}

static void test_xlsx(void **state) {
    (void)state;
    doc *d = build_doc();
    /* Names Excel would refuse or that clash. */
    const char *h[] = {"x"};
    const char *r[] = {"1"};
    doc_sheet_row(d, doc_sheet(d, "'History'", 1, h, NULL), r);
    doc_sheet_row(d, doc_sheet(d, "通报", 1, h, NULL), r);
    doc_sheet(d, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三", 1, h, NULL);
    doc_sheet(d, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四", 1, h, NULL);
    doc_sheet(d, "[]:*?/\\", 1, h, NULL);
    doc_sheet(d, "附件1", 1, h, NULL);
    size_t longest = doc_sheet(d, "附件1", 1, h, NULL);
    /* A cell over Excel's 32,767 characters is cut, with a mark. */
    sbuf big = SBUF_INIT;
    for (int i = 0; i < 40000; i++) sbuf_puts(&big, "字");
    const char *r2[] = {sbuf_str(&big)};
    doc_sheet_row(d, longest, r2);
    sbuf_free(&big);
    char *path = path_in("t.xlsx");
    write_ok(d, "xlsx", path);
    int zerr;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    assert_non_null(za);
    size_t len;
    char *wb = zip_read(za, "xl/workbook.xml", &len);
    assert_non_null(wb);
    assert_well_formed("workbook.xml", wb, len);
    static const char *const names[] = {
        "通报", "附件1", "附件2_ 新媒体_名单", "全部问题", "History_", "通报(2)",
        "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
        "一二三四五六七八九十一二三四五六七八九十一二三四五六七八(2)", "_______", "附件1(2)",
        "附件1(3)"};
    const char *p = wb;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char want[200];
        snprintf(want, sizeof want, "<sheet name=\"%s\" sheetId=\"%zu\"", names[i], i + 1);
        const char *at = strstr(p, want);
        if (!at) fail_msg("workbook.xml lacks (in order) %s", want);
        p = at;
    }
    free(wb);
    /* Sheet 1: paragraphs and a link to the appendix sheet. */
    char *s1 = zip_read(za, "xl/worksheets/sheet1.xml", &len);
    assert_well_formed("sheet1.xml", s1, len);
    assert_contains(s1, TITLE);
    assert_contains(s1, "见工作表“附件1”");
    free(s1);
    /* Sheet 2: the 40-row table, frozen and filtered. */
    char *s2 = zip_read(za, "xl/worksheets/sheet2.xml", &len);
    assert_well_formed("sheet2.xml", s2, len);
    assert_no_controls(s2, len);
    assert_contains(s2, "state=\"frozen\"");
    assert_contains(s2, "<pane ySplit=\"1\" topLeftCell=\"A2\"");
    assert_contains(s2, "<autoFilter ref=\"A1:D41\"");
    assert_contains(s2, "<row r=\"41\"");
    assert_lacks(s2, "<row r=\"42\"");
    assert_contains(s2, "榆林市住建局");
    assert_contains(s2, "&lt;script&gt;&amp;");
    assert_contains(s2, "<t>6108000040</t>"); /* ten digits stay text */
    assert_contains(s2, "<c r=\"A41\" s=\"");  /* 序号 as a number: no t= */
    assert_lacks(s2, "<c r=\"A41\" s=\"6\" t=");
    free(s2);
    char *s11 = zip_read(za, "xl/worksheets/sheet11.xml", &len);
    const char *cut = strstr(s11, "字…</t>");
    assert_non_null(cut);
    size_t run = 0;
    for (const char *q = cut; q >= s11 && strncmp(q, "字", 3) == 0; q -= 3) run++;
    assert_int_equal(run, 32766);
    free(s11);
    char *s4 = zip_read(za, "xl/worksheets/sheet4.xml", &len);
    assert_contains(s4, "<autoFilter ref=\"A1:C6\"");
    free(s4);
    zip_close(za);
    free(path);
    doc_free(d);
}

static void test_refusals(void **state) {
    (void)state;
    err e = {0};
    char *path = path_in("refused.md");
    /* Rows over the cap: refused at write time, with the reason. */
    doc *d = doc_new("大表");
    const char *h[] = {"x"};
    const char *r[] = {""};
    size_t s = doc_sheet(d, "big", 1, h, NULL);
    for (unsigned i = 0; i <= 1000000; i++) doc_sheet_row(d, s, r);
    assert_false(doc_write(d, "md", path, &e));
    assert_contains(e.msg, "more than 1000000 rows");
    assert_int_equal(e.cls, ERR_INPUT);
    assert_int_equal(access(path, F_OK), -1);
    doc_free(d);

    d = doc_new("t");
    assert_int_equal(doc_table(d, "x", 0, NULL, NULL), DOC_BAD_INDEX);
    assert_false(doc_write(d, "html", path, &e));
    assert_contains(e.msg, "0 columns");
    doc_free(d);

    d = doc_new("t");
    assert_int_equal(doc_table(d, "x", 64, NULL, NULL), DOC_BAD_INDEX); /* Word: 63 */
    doc_free(d);

    d = doc_new("t");
    doc_table_row(d, 3, r);
    assert_false(doc_write(d, "docx", path, &e));
    assert_int_equal(e.cls, ERR_USAGE);
    doc_free(d);

    d = doc_new("t");
    char *big = malloc((1u << 20) + 2);
    memset(big, 'a', (1u << 20) + 1);
    big[(1u << 20) + 1] = '\0';
    doc_para(d, DOC_BODY, big);
    free(big);
    assert_false(doc_write(d, "xlsx", path, &e));
    assert_contains(e.msg, "longer than");
    doc_free(d);

    d = doc_new("t");
    doc_set_meta(d, NULL, "2020-8-17\"/>");
    assert_false(doc_write(d, "md", path, &e));
    assert_contains(e.msg, "YYYY-MM-DD");
    doc_free(d);

    d = doc_new("t");
    assert_false(doc_write(d, "pdf", path, &e));
    assert_int_equal(e.cls, ERR_USAGE);
    assert_false(doc_write(d, NULL, path, &e));
    /* A directory that does not exist: an error naming the file. */
    for (const char *const *f = (const char *const[]){"md", "html", "docx", "xlsx", NULL}; *f; f++) {
        err_clear(&e);
        assert_false(doc_write(d, *f, "/nonexistent-gi-dir/x.out", &e));
        assert_contains(e.msg, "/nonexistent-gi-dir/x.out");
    }
    doc_free(d);
    assert_false(doc_write(NULL, "md", path, &e));
    doc_para(NULL, DOC_BODY, "x");
    doc_free(NULL);
    free(path);
}

/* A failed write leaves an earlier file as it was, and no writer leaves a
 * temporary file behind. */
static void test_no_half_files(void **state) {
    (void)state;
    char *path = path_in("keep.docx");
    FILE *f = fopen(path, "w");
    fputs("old", f);
    fclose(f);
    doc *d = doc_new("t");
    doc_table_row(d, 99, NULL);
    err e = {0};
    assert_false(doc_write(d, "docx", path, &e));
    doc_free(d);
    char *old = slurp(path, NULL);
    assert_string_equal(old, "old");
    free(old);
    free(path);
    DIR *dir = opendir(tmpdir);
    assert_non_null(dir);
    struct dirent *ent;
    while ((ent = readdir(dir)))
        if (strstr(ent->d_name, ".tmp")) fail_msg("temporary file left: %s", ent->d_name);
    closedir(dir);
}

/* Random bytes as text: every XML part stays well-formed, no control byte
 * gets through. */
static void test_random_bytes(void **state) {
    (void)state;
    srand(20200817);
    doc *d = doc_new("随机");
    const char *h[] = {"a", "b"};
    size_t t = doc_table(d, "随机", 2, h, NULL);
    char buf[2][200];
    for (int i = 0; i < 500; i++) {
        for (int k = 0; k < 2; k++) {
            size_t n = (size_t)(rand() % 199);
            for (size_t j = 0; j < n; j++) buf[k][j] = (char)(1 + rand() % 255);
            buf[k][n] = '\0';
        }
        doc_para(d, (doc_style)(i % 9), buf[0]);
        const char *row[] = {buf[0], buf[1]};
        doc_table_row(d, t, row);
    }
    const char *names[][2] = {{"docx", "word/document.xml"}, {"xlsx", "xl/worksheets/sheet1.xml"},
                              {"xlsx", "xl/worksheets/sheet2.xml"}};
    for (size_t i = 0; i < 3; i++) {
        char *path = path_in(i == 0 ? "r.docx" : "r.xlsx");
        write_ok(d, names[i][0], path);
        int zerr;
        zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
        assert_non_null(za);
        size_t len;
        char *xml = zip_read(za, names[i][1], &len);
        assert_non_null(xml);
        assert_well_formed(names[i][1], xml, len);
        assert_no_controls(xml, len);
        free(xml);
        zip_close(za);
        free(path);
    }
    for (const char *const *f = (const char *const[]){"md", "html", NULL}; *f; f++) {
        char *path = path_in(*f);
        write_ok(d, *f, path);
        size_t len;
        char *text = slurp(path, &len);
        assert_no_controls(text, len);
        free(text);
        free(path);
    }
    doc_free(d);
}

static bool have_tool(const char *name) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* Whitespace removed, so that text wrapped in the PDF compares. */
static char *squeeze(const char *s) {
    sbuf b = SBUF_INIT;
    for (; *s; s++)
        if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\f' && *s != '\r') sbuf_putc(&b, *s);
    return sbuf_detach(&b);
}

static void test_libreoffice_pdf(void **state) {
    (void)state;
    if (!have_tool("libreoffice") || !have_tool("pdftotext")) {
        print_message("skipped: libreoffice or pdftotext not installed "
                      "(Debian: libreoffice-writer-nogui poppler-utils fonts-noto-cjk)\n");
        skip();
    }
    doc *d = build_doc();
    char *path = path_in("lo.docx");
    write_ok(d, "docx", path);
    doc_free(d);
    sbuf cmd = SBUF_INIT;
    /* A private profile: parallel runs must not share one. */
    sbuf_printf(&cmd,
                "cd %s && timeout 120 libreoffice -env:UserInstallation=file://%s/profile --headless "
                "--convert-to pdf --outdir %s %s >%s/lo.log 2>&1 && pdftotext %s/lo.pdf %s/lo.txt",
                tmpdir, tmpdir, tmpdir, path, tmpdir, tmpdir, tmpdir);
    int rc = system(sbuf_str(&cmd));
    sbuf_free(&cmd);
    if (rc != 0) {
        char *log_path = path_in("lo.log");
        char *log = slurp(log_path, NULL);
        fail_msg("conversion failed (%d): %s", rc, log);
    }
    char *txt_path = path_in("lo.txt");
    char *txt = slurp(txt_path, NULL);
    char *flat = squeeze(txt);
    assert_contains(flat, TITLE);
    assert_contains(flat, "榆林市住建局");
    assert_contains(flat, "存在的突出问题");
    assert_contains(flat, "&\"'"); /* the hostile text, as text */
    assert_contains(flat, "—1—");
    assert_contains(flat, "—2—");
    /* 40 rows do not fit on the appendix's first page: the header repeats. */
    const char *p = flat;
    int heads = 0;
    while ((p = strstr(p, "网站标识码"))) heads++, p++;
    assert_true(heads >= 2);
    free(flat);
    free(txt);
    free(txt_path);
    free(path);
}

static int setup(void **state) {
    (void)state;
    lang_force("en");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_docx),
        cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_no_half_files),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_libreoffice_pdf),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
