/* Tests for page/page: decoding, links and their visibility, text blocks and
 * their offsets, forms, dated list items, metas and titles, on small inline
 * pages, on the real pages of the shared corpus, and on hostile input; and
 * the libxml2 2.9.14 behaviour that page.c is built on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "core/lang.h"
#include "core/sbuf.h"
#include "core/textenc.h"
#include "page/page.h"

#define BASE_URL "http://www.example.gov.cn/dir/page.html"

/* ---- helpers ---------------------------------------------------------------- */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static page *parse_n(const char *html, size_t len, const char *url) {
    err e = {0};
    page *p = page_parse(html, len, url, "UTF-8", &e);
    if (!p) fail_msg("page_parse failed: %s", e.msg);
    return p;
}

static page *parse(const char *html) { return parse_n(html, strlen(html), BASE_URL); }

static const page_link *link_raw(const page *p, const char *raw) {
    for (size_t i = 0; i < p->nlinks; i++)
        if (strcmp(p->links[i].raw, raw) == 0) return &p->links[i];
    return NULL;
}

static const page_link *must_link(const page *p, const char *raw) {
    const page_link *l = link_raw(p, raw);
    if (!l) fail_msg("no link with raw \"%s\" among %zu", raw, p->nlinks);
    return l;
}

static const page_text *text_with(const page *p, const char *needle) {
    for (size_t i = 0; i < p->ntexts; i++)
        if (strstr(p->texts[i].text, needle)) return &p->texts[i];
    return NULL;
}

static const page_item *item_url(const page *p, const char *url) {
    for (size_t i = 0; i < p->nitems; i++)
        if (strcmp(p->items[i].url, url) == 0) return &p->items[i];
    return NULL;
}

static void assert_visible(const page *p, const char *raw) {
    const page_link *l = must_link(p, raw);
    if (!l->visible || l->hidden_by)
        fail_msg("link %s should be visible, is hidden by %s", raw, l->hidden_by ? l->hidden_by : "?");
}

static void assert_hidden(const page *p, const char *raw, const char *reason) {
    const page_link *l = must_link(p, raw);
    if (l->visible || !l->hidden_by) fail_msg("link %s should be hidden (%s)", raw, reason);
    assert_string_equal(l->hidden_by, reason);
}

/* The offset points at the source text `at`. */
static void assert_at(const page *p, size_t offset, const char *at) {
    assert_true(offset <= p->html_len);
    if (strncmp(p->html + offset, at, strlen(at)) != 0)
        fail_msg("offset %zu is at \"%.20s\", expected \"%s\"", offset, p->html + offset, at);
}

static void assert_line_col(const page *p, size_t offset, int line, int col) {
    int l = 0, c = 0;
    page_line_col(p, offset, &l, &c);
    if (l != line || c != col) fail_msg("offset %zu is %d:%d, expected %d:%d", offset, l, c, line, col);
}

/* Every string of the model is valid UTF-8, every offset inside the text. */
static void assert_model_sane(const page *p) {
    assert_non_null(p->title);
    assert_true(utf8_valid(p->title, strlen(p->title), NULL));
    assert_true(utf8_valid(p->html, p->html_len, NULL));
    for (size_t i = 0; i < p->nlinks; i++) {
        const page_link *l = &p->links[i];
        assert_non_null(l->tag);
        assert_non_null(l->attr);
        assert_non_null(l->raw);
        assert_non_null(l->text);
        assert_non_null(l->rel);
        assert_true(utf8_valid(l->text, strlen(l->text), NULL));
        assert_true(l->offset <= p->html_len);
        assert_int_equal(l->visible, l->hidden_by == NULL);
        if (l->kind == URL_HTTP) {
            assert_non_null(l->url);
            assert_true(strncmp(l->url, "http://", 7) == 0 || strncmp(l->url, "https://", 8) == 0);
        }
        if (l->kind == URL_INVALID) assert_null(l->url);
    }
    for (size_t i = 0; i < p->ntexts; i++) {
        assert_true(p->texts[i].text[0] != '\0');
        assert_true(utf8_valid(p->texts[i].text, strlen(p->texts[i].text), NULL));
        assert_true(p->texts[i].offset < p->html_len);
        assert_non_null(p->texts[i].tag);
    }
    for (size_t i = 0; i < p->nmetas; i++) assert_true(p->metas[i].offset <= p->html_len);
    for (size_t i = 0; i < p->nitems; i++) assert_true(p->items[i].offset <= p->html_len);
}

static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    assert_non_null(buf);
    *len = fread(buf, 1, (size_t)st.st_size, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* A file of the shared corpus; skips the test when the corpus is absent. */
static char *corpus_file(const char *rel, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/corpus/%s", GI_SHARED_DIR, rel);
    char *buf = read_all(path, len);
    if (!buf) {
        print_message("skipped: %s not found (the shared corpus is not here)\n", path);
        skip();
    }
    return buf;
}

/* Decodes and parses a corpus page. */
static page *corpus_page(const char *rel, const char *url, textenc_result *r) {
    size_t len;
    char *raw = corpus_file(rel, &len);
    err e = {0};
    if (!page_decode(raw, len, NULL, r, &e)) fail_msg("page_decode %s: %s", rel, e.msg);
    free(raw);
    page *p = parse_n(r->text, r->len, url);
    assert_model_sane(p);
    return p;
}

/* ---- libxml2 2.9.14: what page.c relies on ------------------------------------- */

typedef struct sax_log {
    htmlParserCtxtPtr ctxt;
    char names[512];
    int cdata, chars_in_script, chars_outside;
    bool in_script;
    long start_cur[8];   /* offset of the cursor at startElement, in order */
    int nstart;
    long consumed_max;
    long a_offset;       /* consumed + (cur - base) at the <a> of the shrink test */
    long a_rel;          /* cur - base alone */
} sax_log;

static long sax_pos(sax_log *g, bool absolute) {
    xmlParserInputPtr in = g->ctxt->input;
    if (in->consumed > (unsigned long)g->consumed_max) g->consumed_max = (long)in->consumed;
    return (long)(in->cur - in->base) + (absolute ? (long)in->consumed : 0);
}

static void sax_start(void *ud, const xmlChar *name, const xmlChar **atts) {
    sax_log *g = ud;
    (void)atts;
    strncat(g->names, (const char *)name, sizeof g->names - strlen(g->names) - 2);
    strcat(g->names, " ");
    if (g->nstart < 8) g->start_cur[g->nstart++] = sax_pos(g, true);
    if (strcmp((const char *)name, "script") == 0) g->in_script = true;
    if (strcmp((const char *)name, "a") == 0) {
        g->a_offset = sax_pos(g, true);
        g->a_rel = sax_pos(g, false);
    }
}

static void sax_end(void *ud, const xmlChar *name) {
    sax_log *g = ud;
    if (strcmp((const char *)name, "script") == 0) g->in_script = false;
}

static void sax_chars(void *ud, const xmlChar *ch, int len) {
    sax_log *g = ud;
    (void)ch;
    (void)len;
    if (g->in_script) g->chars_in_script++;
    else g->chars_outside++;
}

static void sax_cdata(void *ud, const xmlChar *ch, int len) {
    sax_log *g = ud;
    (void)ch;
    (void)len;
    g->cdata++;
}

static void sax_run(const char *html, sax_log *g, bool with_cdata) {
    memset(g, 0, sizeof *g);
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(html, (int)strlen(html));
    assert_non_null(ctxt);
    g->ctxt = ctxt;
    xmlSAXHandler *sax = ctxt->sax;
    memset(sax, 0, sizeof *sax);
    sax->startElement = sax_start;
    sax->endElement = sax_end;
    sax->characters = sax_chars;
    if (with_cdata) sax->cdataBlock = sax_cdata;
    ctxt->userData = g;
    htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    htmlParseDocument(ctxt);
    htmlFreeParserCtxt(ctxt);
}

static void test_libxml2_assumptions(void **state) {
    (void)state;
    sax_log g;
    /* Names arrive lower-cased; script text through cdataBlock when it is
     * set, through characters when it is not. */
    sax_run("<HTML><BODY><P CLASS=x>t</P><SCRIPT>var a;</SCRIPT></BODY></HTML>", &g, true);
    assert_string_equal(g.names, "html body p script ");
    assert_true(g.cdata > 0);
    assert_int_equal(g.chars_in_script, 0);
    sax_run("<script>var a;</script>", &g, false);
    assert_true(g.chars_in_script > 0);
    /* A script ends at "</script" even inside a string: the rest of it
     * arrives as text. */
    sax_run("<script>a = '</script' + '>'; b = 1;</script>", &g, true);
    assert_true(g.chars_outside > 0);

    /* At startElement the cursor is on the '>' of the start tag (or "/>");
     * implied elements get the cursor of the tag that implied them. */
    const char *h = "<p title=\"a>b\">x<br/><img src=i>";
    sax_run(h, &g, true);
    assert_string_equal(g.names, "html body p br img ");
    assert_int_equal(h[g.start_cur[2]], '>');
    assert_int_equal(g.start_cur[2], (long)(strstr(h, "\">x") - h) + 1);
    assert_int_equal(h[g.start_cur[3]], '/');
    assert_int_equal(h[g.start_cur[4]], '>');

    /* Near the end of a document the parser drops consumed input: the
     * offset is consumed + (cur - base), cur - base alone is not. */
    char big[8192];
    memset(big, 0, sizeof big);
    strcpy(big, "<p>");
    memset(big + 3, 'x', 3000);
    strcat(big, "</p><p>yyyy</p><a href=z>t</a>");
    sax_run(big, &g, true);
    long want = (long)(strstr(big, "<a href=z>") - big) + 9;
    assert_true(g.consumed_max > 0);
    assert_int_equal(g.a_offset, want);
    assert_true(g.a_rel != want);
}

/* ---- links ------------------------------------------------------------------ */

static void test_links_of_every_tag(void **state) {
    (void)state;
    page *p = parse("<html><head>"
                    "<link rel=\"stylesheet\" href=\"/css/main.css\">"
                    "<script src=\"js/app.js\"></script>"
                    "</head><body>"
                    "<a href=\"a.html\">A</a>"
                    "<map name=m><area href=\"/area\" alt=\"区域\"></map>"
                    "<img src=\"../img/x.png\" alt=\"图\">"
                    "<iframe src=\"//other.example.com/f\"></iframe>"
                    "<frameset><frame src=\"frame.html\"></frameset>"
                    "<form action=\"/search\"></form>"
                    "<embed src=\"movie.swf\">"
                    "<video><source src=\"v.mp4\"></video>"
                    "</body></html>");
    struct {
        const char *raw, *tag, *attr, *url;
    } want[] = {
        {"/css/main.css", "link", "href", "http://www.example.gov.cn/css/main.css"},
        {"js/app.js", "script", "src", "http://www.example.gov.cn/dir/js/app.js"},
        {"a.html", "a", "href", "http://www.example.gov.cn/dir/a.html"},
        {"/area", "area", "href", "http://www.example.gov.cn/area"},
        {"../img/x.png", "img", "src", "http://www.example.gov.cn/img/x.png"},
        {"//other.example.com/f", "iframe", "src", "http://other.example.com/f"},
        {"frame.html", "frame", "src", "http://www.example.gov.cn/dir/frame.html"},
        {"/search", "form", "action", "http://www.example.gov.cn/search"},
        {"movie.swf", "embed", "src", "http://www.example.gov.cn/dir/movie.swf"},
        {"v.mp4", "source", "src", "http://www.example.gov.cn/dir/v.mp4"},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const page_link *l = must_link(p, want[i].raw);
        assert_string_equal(l->tag, want[i].tag);
        assert_string_equal(l->attr, want[i].attr);
        assert_string_equal(l->url, want[i].url);
        assert_int_equal(l->kind, URL_HTTP);
        assert_true(l->visible);
        char at[16];
        snprintf(at, sizeof at, "<%s", want[i].tag);
        assert_at(p, l->offset, at);
    }
    assert_int_equal(p->nlinks, sizeof want / sizeof *want);
    assert_string_equal(must_link(p, "/css/main.css")->rel, "stylesheet");
    assert_string_equal(must_link(p, "a.html")->rel, "");
    assert_string_equal(must_link(p, "a.html")->text, "A");
    assert_string_equal(must_link(p, "/area")->text, "区域");
    assert_string_equal(must_link(p, "../img/x.png")->text, "图");
    assert_model_sane(p);
    page_free(p);
}

static void test_upper_case_markup(void **state) {
    (void)state;
    page *p = parse("<HTML><BODY><DIV><A HREF=\"x.html\" TITLE=t>Upper</A></DIV>"
                    "<IMG SRC=\"y.gif\"></BODY></HTML>");
    const page_link *l = must_link(p, "x.html");
    assert_string_equal(l->tag, "a");
    assert_string_equal(l->text, "Upper");
    assert_at(p, l->offset, "<A HREF");
    assert_string_equal(must_link(p, "y.gif")->tag, "img");
    assert_non_null(text_with(p, "Upper"));
    assert_string_equal(text_with(p, "Upper")->tag, "div");
    page_free(p);
}

static void test_relative_urls_and_base(void **state) {
    (void)state;
    page *p = parse("<a href=\"x.html\">1</a><a href=\"/y\">2</a><a href=\"../z?q=1#f\">3</a>"
                    "<a href=\"\">self</a><a href=\"?page=2\">4</a>");
    assert_string_equal(must_link(p, "x.html")->url, "http://www.example.gov.cn/dir/x.html");
    assert_string_equal(must_link(p, "/y")->url, "http://www.example.gov.cn/y");
    assert_string_equal(must_link(p, "../z?q=1#f")->url, "http://www.example.gov.cn/z?q=1");
    assert_string_equal(must_link(p, "")->url, BASE_URL);
    assert_string_equal(must_link(p, "?page=2")->url, "http://www.example.gov.cn/dir/page.html?page=2");
    assert_string_equal(p->base, BASE_URL);
    page_free(p);

    /* <base href>: relative to the page, applies to every link of the page
     * (also one before it), and only the first counts. */
    p = parse("<html><head><link rel=icon href=\"fav.ico\">"
              "<base href=\"/other/sub/\"><base href=\"http://wrong.example.com/\">"
              "</head><body><a href=\"x.html\">x</a><img src=\"../i.png\">"
              "<a href=\"https://abs.example.com/p\">abs</a></body></html>");
    assert_string_equal(p->base, "http://www.example.gov.cn/other/sub/");
    assert_string_equal(p->url, BASE_URL);
    assert_string_equal(must_link(p, "x.html")->url, "http://www.example.gov.cn/other/sub/x.html");
    assert_string_equal(must_link(p, "../i.png")->url, "http://www.example.gov.cn/other/i.png");
    assert_string_equal(must_link(p, "fav.ico")->url, "http://www.example.gov.cn/other/sub/fav.ico");
    assert_string_equal(must_link(p, "https://abs.example.com/p")->url, "https://abs.example.com/p");
    page_free(p);
}

static void test_anchor_text(void **state) {
    (void)state;
    page *p = parse("<a href=\"/1\">  国务院 <b>办公厅</b>\n <span>通知</span> </a>"
                    "<a href=\"/2\">A &amp; B&nbsp;&nbsp;C &lt;D&gt;</a>"
                    "<a href=\"/3\"><img src=\"/logo.png\" alt=\"  山西  省 \"></a>"
                    "<a href=\"/4\"> <img src=\"/l2.png\" alt=\"图\"> </a>"
                    "<a href=\"/5\"><img src=\"/l3.png\" alt=\"图\">文字</a>"
                    "<a href=\"/6\" title=\"关于进一步加强政府网站管理的通知\">关于进一步加强...</a>"
                    "<a href=\"/7\" title=\"完整标题\">长标题被截断…</a>"
                    "<a href=\"/8\" title=\"标题属性\">正文文字</a>"
                    "<a href=\"/9\" title=\"只有标题\"></a>"
                    "<a href=\"/10\">截断了...</a>"
                    "<a href=\"/11\">第一行<br>第二行</a>");
    assert_string_equal(must_link(p, "/1")->text, "国务院 办公厅 通知");
    assert_string_equal(must_link(p, "/2")->text, "A & B C <D>");
    assert_string_equal(must_link(p, "/3")->text, "山西 省");
    assert_string_equal(must_link(p, "/4")->text, "图");
    assert_string_equal(must_link(p, "/5")->text, "文字");
    assert_string_equal(must_link(p, "/6")->text, "关于进一步加强政府网站管理的通知");
    assert_string_equal(must_link(p, "/7")->text, "完整标题");
    assert_string_equal(must_link(p, "/8")->text, "正文文字");
    assert_string_equal(must_link(p, "/9")->text, "只有标题");
    assert_string_equal(must_link(p, "/10")->text, "截断了...");
    assert_string_equal(must_link(p, "/11")->text, "第一行 第二行");
    /* the img inside a link is a link of its own, with its alt */
    assert_string_equal(must_link(p, "/logo.png")->text, "山西 省");
    page_free(p);
}

static void test_other_schemes(void **state) {
    (void)state;
    page *p = parse("<a href=\"mailto:webmaster@example.gov.cn\">信箱</a>"
                    "<a href=\"javascript:void(0)\">js</a>"
                    "<a href=\" tel:12345 \">tel</a>"
                    "<a href=\"http://[bad\">bad</a>");
    const page_link *l = must_link(p, "mailto:webmaster@example.gov.cn");
    assert_int_equal(l->kind, URL_OTHER);
    assert_string_equal(l->url, "mailto:webmaster@example.gov.cn");
    l = must_link(p, "javascript:void(0)");
    assert_int_equal(l->kind, URL_OTHER);
    assert_string_equal(l->url, "javascript:void(0)");
    assert_string_equal(l->text, "js");
    l = must_link(p, " tel:12345 ");
    assert_int_equal(l->kind, URL_OTHER);
    assert_string_equal(l->url, "tel:12345");
    l = must_link(p, "http://[bad");
    assert_int_equal(l->kind, URL_INVALID);
    assert_null(l->url);
    assert_model_sane(p);
    page_free(p);
}

/* ---- visibility ------------------------------------------------------------ */

static void test_hidden_inline_styles(void **state) {
    (void)state;
    page *p = parse(
        "<body>"
        "<a href=\"/h1\" style=\"display:none\">1</a>"
        "<div style=\"DISPLAY : NONE !important\"><p><a href=\"/h2\">2</a></p></div>"
        "<span style=\"visibility: hidden\"><a href=\"/h3\">3</a></span>"
        "<a href=\"/h4\" style=\"visibility:hidden\">4</a>"
        "<div style=\"font-size:0px;color:#fff\"><a href=\"/h5\">5</a></div>"
        "<a href=\"/h6\" style=\"font-size: 0\">6</a>"
        "<div style=\"width:0;height:0;overflow:hidden\"><a href=\"/h7\">7</a></div>"
        "<a href=\"/h8\" style=\"height:0px; overflow: hidden; display:block\">8</a>"
        "<div style=\"position:absolute;left:-9999px\"><a href=\"/h9\">9</a></div>"
        "<a href=\"/h10\" style=\"position:absolute; top:-1000px\">10</a>"
        "<p style=\"text-indent:-9999px\"><a href=\"/h11\">11</a></p>"
        "<div><div><ul><li style=\"display:none\"><span><a href=\"/h12\">12</a></span></li></ul></div></div>"
        "<a href=\"/h13\" style=\"display:block;display:none\">13</a>"
        /* visible */
        "<a href=\"/v1\" style=\"display:block\">v1</a>"
        "<a href=\"/v2\" style=\"font-size:12px\">v2</a>"
        "<a href=\"/v3\" style=\"position:relative;left:-10px\">v3</a>"
        "<a href=\"/v4\" style=\"width:0\">v4</a>"
        "<a href=\"/v5\" style=\"height:0;overflow:visible\">v5</a>"
        "<a href=\"/v6\" style=\"display:none;display:inline\">v6</a>"
        "<a href=\"/v7\" style=\"font-size:0.8em\">v7</a>"
        "<a href=\"/v8\" style=\"line-height:0;max-width:0;overflow:hidden\">v8</a>"
        "<a href=\"/v9\" style=\"\">v9</a>"
        "<div style=\"display:none\"></div><a href=\"/v10\">after a hidden sibling</a>"
        "</body>");
    assert_hidden(p, "/h1", "display:none");
    assert_hidden(p, "/h2", "display:none");
    assert_hidden(p, "/h3", "visibility:hidden");
    assert_hidden(p, "/h4", "visibility:hidden");
    assert_hidden(p, "/h5", "font-size:0");
    assert_hidden(p, "/h6", "font-size:0");
    assert_hidden(p, "/h7", "zero size, overflow:hidden");
    assert_hidden(p, "/h8", "zero size, overflow:hidden");
    assert_hidden(p, "/h9", "off-screen (left)");
    assert_hidden(p, "/h10", "off-screen (top)");
    assert_hidden(p, "/h11", "off-screen (text-indent)");
    assert_hidden(p, "/h12", "display:none");
    assert_hidden(p, "/h13", "display:none");
    for (int i = 1; i <= 10; i++) {
        char raw[8];
        snprintf(raw, sizeof raw, "/v%d", i);
        assert_visible(p, raw);
    }
    /* hidden text is not visible text */
    assert_null(text_with(p, "12"));
    assert_non_null(text_with(p, "v1"));
    page_free(p);
}

static void test_hidden_attribute(void **state) {
    (void)state;
    page *p = parse("<div hidden><a href=\"/a\">a</a></div><a href=\"/b\" hidden=\"hidden\">b</a>"
                    "<a href=\"/c\">c</a><p hidden>不可见的文字</p>");
    assert_hidden(p, "/a", "hidden attribute");
    assert_hidden(p, "/b", "hidden attribute");
    assert_visible(p, "/c");
    assert_null(text_with(p, "不可见"));
    page_free(p);
}

static void test_hidden_by_style_rules(void **state) {
    (void)state;
    page *p = parse(
        "<html><head><style type=\"text/css\">\n"
        "/* .c0 { display:none } is a comment */\n"
        "a.hide1 { display: none }\n"
        "#box2 { visibility: hidden; }\n"
        ".box3 a { font-size: 0 }\n"
        "#x .y { position:absolute; left:-3000px }\n"
        ".c5, .c6 {display:none}\n"
        "em { visibility:hidden }\n"
        "ul li.deep a.z { display:none }\n"
        "@media print { .noprint { display:none } }\n"
        "@media screen and (max-width: 600px) { .mob { display:none } }\n"
        "a:hover { display:none }\n"
        "</style>\n"
        "<style media=\"print\">.pr { display:none }</style>\n"
        "</head><body>\n"
        "<a class=\"late\" href=\"/r0\">before its rule</a>\n"
        "<a class=\"c0\" href=\"/c0\">c0</a>\n"
        "<a class=\"hide1\" href=\"/r1\">r1</a><span class=\"hide1\"><a href=\"/s1\">s1</a></span>\n"
        "<div id=\"box2\"><p><a href=\"/r2\">r2</a></p></div>\n"
        "<div class=\"box3\"><p><a href=\"/r3\">r3</a></p></div><a class=\"box3\" href=\"/s3\">s3</a>\n"
        "<div id=\"x\"><div><div class=\"y\"><a href=\"/r4\">r4</a></div></div></div>\n"
        "<div class=\"y\"><a href=\"/s4\">s4</a></div>\n"
        "<a class=\"c5\" href=\"/r5\">r5</a><a class=\"x c6 y\" href=\"/r6\">r6</a>"
        "<a class=\"c55\" href=\"/s5\">s5</a>\n"
        "<em><a href=\"/r7\">r7</a></em>\n"
        "<ul><li class=\"deep\"><a class=\"z\" href=\"/r8\">r8</a><a href=\"/s8\">s8</a></li></ul>"
        "<ol><li class=\"deep\"><a class=\"z\" href=\"/s9\">s9</a></li></ol>\n"
        "<a class=\"noprint\" href=\"/s10\">s10</a><a class=\"mob\" href=\"/s11\">s11</a>"
        "<a class=\"pr\" href=\"/s13\">s13</a>\n"
        "<style>.late { display:none }</style>\n"
        "</body></html>");
    assert_hidden(p, "/r0", "display:none");
    assert_visible(p, "/c0");
    assert_hidden(p, "/r1", "display:none");
    assert_visible(p, "/s1");
    assert_hidden(p, "/r2", "visibility:hidden");
    assert_hidden(p, "/r3", "font-size:0");
    assert_visible(p, "/s3");
    assert_hidden(p, "/r4", "off-screen (left)");
    assert_visible(p, "/s4");
    assert_hidden(p, "/r5", "display:none");
    assert_hidden(p, "/r6", "display:none");
    assert_visible(p, "/s5");
    assert_hidden(p, "/r7", "visibility:hidden");
    assert_hidden(p, "/r8", "display:none");
    assert_visible(p, "/s8");
    assert_visible(p, "/s9");
    assert_visible(p, "/s10");
    assert_visible(p, "/s11");
    assert_visible(p, "/s13");
    assert_null(text_with(p, "before its rule"));
    page_free(p);
}

/* font-size:0 and visibility:hidden are inherited but may be set back;
 * display:none may not. */
static void test_hidden_overridden(void **state) {
    (void)state;
    page *p = parse("<style>.list { font-size: 0 } .list li { font-size: 14px }\n"
                    ".inv { visibility: hidden } .inv .back { visibility: visible }\n"
                    ".gone { display: none } .gone .back { visibility: visible; font-size: 12px }</style>\n"
                    "<ul class=\"list\"><li><a href=\"/o1\">一</a></li></ul>\n"
                    "<div class=\"list\"><a href=\"/o2\">二</a></div>\n"
                    "<div style=\"font-size:0\"><span style=\"font-size:12px\"><a href=\"/o3\">三</a></span>"
                    "<a href=\"/o4\">四</a></div>\n"
                    "<div class=\"inv\"><p class=\"back\"><a href=\"/o5\">五</a></p><a href=\"/o6\">六</a></div>\n"
                    "<div class=\"gone\"><p class=\"back\"><a href=\"/o7\">七</a></p></div>\n"
                    "<div style=\"visibility:hidden\"><a href=\"/o8\" style=\"visibility:visible\">八</a></div>\n"
                    "<div style=\"font-size:0\" class=\"list\"><ul><li><a href=\"/o9\">九</a></li></ul></div>");
    assert_visible(p, "/o1");
    assert_hidden(p, "/o2", "font-size:0");
    assert_visible(p, "/o3");
    assert_hidden(p, "/o4", "font-size:0");
    assert_visible(p, "/o5");
    assert_hidden(p, "/o6", "visibility:hidden");
    assert_hidden(p, "/o7", "display:none");
    assert_visible(p, "/o8");
    assert_visible(p, "/o9");
    assert_non_null(text_with(p, "一"));
    assert_null(text_with(p, "二"));
    assert_non_null(text_with(p, "五"));
    assert_null(text_with(p, "六"));
    page_free(p);
}

static void test_script_written_links(void **state) {
    (void)state;
    const char *html =
        "<html><body><p>正文</p>\n"
        "<script type=\"text/javascript\">\n"
        "document.write('<div style=\"display:none\"><a href=\"http://spam.example.com/x\">博彩</a></div>');\n"
        "document.write(\"<a href=\\\"/written2\\\" class='k'>y</a>\");\n"
        "var u = '/p'; document.write(\"<a href='\" + u + \"'>z</a>\");\n"
        "document.write('<a href=\"' + u + '\">w</a>');\n"
        "location.href = \"/navigate\"; var o = {href: 1};\n"
        "</script>\n"
        "<script>var notWritten = '<a href=\"/never\">';</script>\n"
        "<script>document.write(\"<a href=\\x27/escaped\\x27>e<\\/a>\");</script>\n"
        "</body></html>";
    page *p = parse(html);
    const page_link *l = must_link(p, "http://spam.example.com/x");
    assert_string_equal(l->tag, "a");
    assert_string_equal(l->attr, "href");
    assert_string_equal(l->url, "http://spam.example.com/x");
    assert_false(l->visible);
    assert_string_equal(l->hidden_by, "script");
    assert_at(p, l->offset, "href=\"http://spam");
    l = must_link(p, "/written2");
    assert_string_equal(l->url, "http://www.example.gov.cn/written2");
    assert_string_equal(l->hidden_by, "script");
    l = must_link(p, "/escaped");
    assert_at(p, l->offset, "href=\\x27/escaped");
    /* a URL cut by the script's own quotes, a navigation, a script that writes nothing */
    assert_int_equal(p->nlinks, 3);
    assert_null(link_raw(p, "/never"));
    assert_null(text_with(p, "document"));
    assert_non_null(text_with(p, "正文"));
    page_free(p);
}

/* The conac.cn badge, written percent-escaped; src= of the tags that load
 * something; innerHTML. */
static void test_script_written_resources(void **state) {
    (void)state;
    page *p = parse(
        "<div id=\"conac\"><script type=\"text/javascript\">document.write(unescape(\"%3Cspan "
        "id='_ideConac' %3E%3C/span%3E%3Cscript src='http://dcs.conac.cn/js/33/000/0000/1.js' "
        "type='text/javascript'%3E%3C/script%3E\"));</script></div>\n"
        "<script>document.getElementById('x').innerHTML = '<iframe src=\"http://bad.example.com/f\" "
        "width=0 height=0></iframe><img class=\"p\" src=\"/pixel.gif\">';</script>\n"
        "<script>document.write('<link rel=\"stylesheet\" href=\"/w.css\"><span src=\"/no\">');</script>");
    const page_link *l = must_link(p, "http://dcs.conac.cn/js/33/000/0000/1.js");
    assert_string_equal(l->tag, "script");
    assert_string_equal(l->attr, "src");
    assert_string_equal(l->hidden_by, "script");
    assert_at(p, l->offset, "src='http://dcs.conac.cn/");
    l = must_link(p, "http://bad.example.com/f");
    assert_string_equal(l->tag, "iframe");
    assert_string_equal(l->hidden_by, "script");
    l = must_link(p, "/pixel.gif");
    assert_string_equal(l->tag, "img");
    assert_string_equal(l->url, "http://www.example.gov.cn/pixel.gif");
    l = must_link(p, "/w.css");
    assert_string_equal(l->tag, "link");
    assert_string_equal(l->attr, "href");
    assert_null(link_raw(p, "/no"));
    assert_int_equal(p->nlinks, 4);
    page_free(p);
}

/* libxml2 ends a script at "</script" whatever follows; a browser does not.
 * What it would read as text or markup is script. */
static void test_script_end_tag_in_string(void **state) {
    (void)state;
    /* in the head: the text libxml2 lets out implies a body, which stays */
    page *p = parse("<!DOCTYPE html><script>document.write(\"<s\"+\"cript src='/x.js'></script\"+\">\");"
                    "</script><p>after</p>");
    assert_int_equal(p->ntexts, 1);
    assert_string_equal(p->texts[0].text, "after");
    assert_at(p, p->texts[0].offset, "after</p>");
    assert_int_equal(p->nlinks, 0);
    page_free(p);

    p = parse("<body><p>前</p><script type=\"text/javascript\">\n"
                    "  if (w > 1280) {\n"
                    "    document.write(\"<s\"+\"cript src='/ad.js'></script\"+\">\");\n"
                    "    document.write(\"<a href='/inside'>广告</a>\");\n"
                    "  }\n"
                    "</script><p>后</p>\n"
                    "<script><!--\n"
                    "document.write(\"<script>var a = '<p>not text</p>';</script>\");\n"
                    "//--></script><p>尾</p></body>");
    assert_int_equal(p->ntexts, 3);
    assert_string_equal(p->texts[0].text, "前");
    assert_string_equal(p->texts[1].text, "后");
    assert_string_equal(p->texts[2].text, "尾");
    assert_null(text_with(p, "document"));
    assert_null(text_with(p, "not text"));
    /* the written link is seen as one, hidden by the script */
    const page_link *l = must_link(p, "/inside");
    assert_string_equal(l->hidden_by, "script");
    for (size_t i = 0; i < p->nlinks; i++)
        if (strcmp(p->links[i].raw, "/inside") != 0) fail_msg("unexpected link %s", p->links[i].raw);
    page_free(p);
}

/* Where libxml2's HTML4 tree is not a browser's, the model follows the
 * browser (the cases of bench/parsers/cases that change what is hidden). */
static void test_html5_tree_differences(void **state) {
    (void)state;
    /* section, nav ... close an open <p> */
    page *p = parse("<p style=\"display:none\">hidden<section><a href=\"/v\">visible</a></section>"
                    "<nav><a href=\"/n\">nav</a></nav>"
                    "<p style=\"display:none\"><span><a href=\"/h\">still hidden</a></span>"
                    "<table><tr><td><p style=\"display:none\"><header><a href=\"/hd\">hd</a></header>"
                    "</td></tr></table>");
    assert_visible(p, "/v");
    assert_visible(p, "/n");
    assert_hidden(p, "/h", "display:none");
    assert_visible(p, "/hd");
    assert_null(text_with(p, "hidden"));
    assert_non_null(text_with(p, "visible"));
    page_free(p);
    /* what stands directly in a table is moved before it */
    p = parse("<table style=\"display:none\"><tr><td><a href=\"/cell\">cell</a></td></tr>"
              "<a href=\"/fostered\">fostered</a></table>");
    assert_hidden(p, "/cell", "display:none");
    assert_visible(p, "/fostered");
    page_free(p);
    /* nested <a>s (libxml2 keeps them nested when a block lies between) */
    p = parse("<a href=\"/1\">one<div>block<a href=\"/2\">two</a></div>tail</a>");
    assert_string_equal(must_link(p, "/1")->text, "one block tail");
    assert_string_equal(must_link(p, "/2")->text, "two");
    page_free(p);
}

/* libxml2 reads textarea, iframe ... content as markup; a browser as text. */
static void test_raw_text_elements(void **state) {
    (void)state;
    page *p = parse("<form><textarea name=t><a href=\"/phantom1\">x</a></textarea></form>"
                    "<iframe src=\"/frame\"><a href=\"/phantom2\">y</a></iframe>"
                    "<noembed><a href=\"/phantom3\">z</a></noembed>"
                    "<a href=\"/real\">real</a>");
    assert_null(link_raw(p, "/phantom1"));
    assert_null(link_raw(p, "/phantom2"));
    assert_null(link_raw(p, "/phantom3"));
    assert_non_null(link_raw(p, "/frame"));
    assert_non_null(link_raw(p, "/real"));
    assert_true(p->forms[0].has_textarea);
    page_free(p);
}

/* ---- text --------------------------------------------------------------------- */

static void test_text_blocks(void **state) {
    (void)state;
    page *p = parse("<html><head><title>标题不是正文</title>"
                    "<style>p { color: red }</style><script>var s = '脚本';</script></head>\n"
                    "<body><div>外层<p>段落 <b>粗体</b> &amp; 结束</p>外层后</div>"
                    "<ul><li>一</li><li>二<br>行</li></ul>"
                    "<select><option>选项</option></select>"
                    "<textarea>输入框</textarea><noscript>无脚本</noscript>"
                    "<div style=\"display:none\">隐藏</div>"
                    "<table><tr><td>单元格</td></tr></table>"
                    "<title>第二个标题</title>"
                    "<p>  空白\n\t 折叠&nbsp;&nbsp;与　全角  </p>"
                    "尾部</body></html>");
    static const char *const want[][2] = {
        {"div", "外层"}, {"p", "段落 粗体 & 结束"}, {"div", "外层后"}, {"li", "一"},
        {"li", "二 行"}, {"td", "单元格"}, {"p", "空白 折叠 与 全角"}, {"body", "尾部"},
    };
    assert_int_equal(p->ntexts, sizeof want / sizeof *want);
    for (size_t i = 0; i < p->ntexts; i++) {
        assert_string_equal(p->texts[i].tag, want[i][0]);
        assert_string_equal(p->texts[i].text, want[i][1]);
    }
    assert_string_equal(p->title, "标题不是正文");
    page_free(p);
}

static void test_text_offsets(void **state) {
    (void)state;
    const char *html = "<html>\r\n"                                   /* 1 */
                       "<body>\n"                                     /* 2 */
                       "<div>\n"                                      /* 3 */
                       "  <p>中文标题<span>x</span></p>\n"            /* 4 */
                       "  <h2>前文</h2><p>后文 &amp; 更多</p>\n"      /* 5 */
                       "  <p>\n"                                      /* 6 */
                       "      第二段</p><p>&amp;开头</p>\n"           /* 7 */
                       "<p><!-- 注释 --> <!-- 又一个 -->注释后</p>\n" /* 8 */
                       "<p>&nbsp; 空格后</p><p><b></b>  内层</p>\n"   /* 9 */
                       "</div></body></html>\n";
    page *p = parse(html);
    struct {
        const char *text, *at;
        int line, col;
    } want[] = {
        {"中文标题x", "中文标题", 4, 6},
        {"前文", "前文", 5, 7},
        {"后文 & 更多", "后文", 5, 17},
        {"第二段", "第二段", 7, 7},
        {"&开头", "&amp;开头", 7, 17},
        {"注释后", "注释后", 8, 28},
        {"空格后", "空格后", 9, 11},
        {"内层", "内层", 9, 30},
    };
    assert_int_equal(p->ntexts, sizeof want / sizeof *want);
    for (size_t i = 0; i < p->ntexts; i++) {
        assert_string_equal(p->texts[i].text, want[i].text);
        assert_at(p, p->texts[i].offset, want[i].at);
        assert_line_col(p, p->texts[i].offset, want[i].line, want[i].col);
    }
    /* page_line_col itself */
    assert_line_col(p, 0, 1, 1);
    assert_line_col(p, 6, 1, 7);               /* the \r */
    assert_line_col(p, 8, 2, 1);
    assert_line_col(p, p->html_len + 100, 11, 1); /* clamped to the end */
    page_free(p);
}

/* Offsets near the end of a page, after libxml2 dropped consumed input. */
static void test_offsets_at_end_of_long_page(void **state) {
    (void)state;
    size_t n = 200000;
    char *html = malloc(n + 512);
    assert_non_null(html);
    strcpy(html, "<html><body><p>");
    size_t len = strlen(html);
    for (size_t i = 0; len < n; i++) len += (size_t)sprintf(html + len, "第%zu段文字。", i);
    len += (size_t)sprintf(html + len, "</p>\n<div class=\"footer\"><p>网站标识码：1400000045</p>"
                                        "<a href=\"http://bszs.conac.cn/sitename\">"
                                        "<img src=\"/red.png\"></a></div></body></html>");
    page *p = parse_n(html, len, BASE_URL);
    const page_link *l = must_link(p, "http://bszs.conac.cn/sitename");
    assert_at(p, l->offset, "<a href=\"http://bszs");
    assert_at(p, must_link(p, "/red.png")->offset, "<img");
    const page_text *t = text_with(p, "网站标识码");
    assert_non_null(t);
    assert_at(p, t->offset, "网站标识码");
    assert_line_col(p, t->offset, 2, 24);
    free(html);
    page_free(p);
}

static void test_title(void **state) {
    (void)state;
    page *p = parse("<html><head><title>\n  山西省 \t 人民政府\n  门户网站 </title></head></html>");
    assert_string_equal(p->title, "山西省 人民政府 门户网站");
    page_free(p);
    p = parse("<title>A <b>bold</b> &amp; plain</title><body><title>second</title>"
              "<svg><title>svg</title></svg><p>body</p></body>");
    assert_string_equal(p->title, "A bold & plain");
    assert_null(text_with(p, "bold"));
    assert_null(text_with(p, "second"));
    page_free(p);
    p = parse("<p>no title here</p>");
    assert_string_equal(p->title, "");
    page_free(p);
}

static void test_metas(void **state) {
    (void)state;
    page *p = parse("<html><head>\n"
                    "<meta name=\"SiteName\" content=\"  山西省人民政府\n 门户网站 \">\n"
                    "<meta name=\"sitename\" content=\"lower\">\n"
                    "<meta name=\"SiteIDCode\" content=\"\">\n"
                    "<meta name=\"ColumnName\">\n"
                    "<meta http-equiv=\"Content-Type\" content=\"text/html\">\n"
                    "<META NAME=\"PubDate\" CONTENT=\"2019-09-18 06:23\">\n"
                    "</head></html>");
    assert_int_equal(p->nmetas, 5);
    const page_meta *m = page_meta_get(p, "SiteName");
    assert_non_null(m);
    assert_string_equal(m->content, "山西省人民政府 门户网站");
    assert_at(p, m->offset, "<meta name=\"SiteName\"");
    assert_string_equal(page_meta_get(p, "sitename")->content, "lower");
    assert_string_equal(page_meta_get(p, "SITENAME")->content, "山西省人民政府 门户网站");
    m = page_meta_get(p, "SiteIDCode");
    assert_non_null(m);
    assert_string_equal(m->content, "");
    assert_string_equal(page_meta_get(p, "columnname")->content, "");
    assert_string_equal(page_meta_get(p, "PubDate")->content, "2019-09-18 06:23");
    assert_string_equal(page_meta_get(p, "PubDate")->name, "PubDate");
    assert_null(page_meta_get(p, "Content-Type"));
    assert_null(page_meta_get(p, "SiteDomain"));
    page_free(p);
}

/* ---- forms ---------------------------------------------------------------------- */

static void test_forms(void **state) {
    (void)state;
    page *p = parse("<form action=\"/search/s.jsp\" method=\" POST \">"
                    "<input name=q><input type=\"hidden\" name=h><input type=\"submit\" value=go>"
                    "<select name=s><option>1</option></select><textarea name=t></textarea>"
                    "<input type=\"password\" name=pw><input type=reset></form>\n"
                    "<form><div><p><input type=\"text\"><input type=\"image\" src=\"/go.png\">"
                    "</p></div></form>\n"
                    "<input name=\"outside\"><select></select>\n"
                    "<form action=\"javascript:void(0)\" method=\"get\"><button>查询</button></form>\n"
                    "<table><form action=\"?x=1\"><tr><td><input name=a>"
                    "<button type=\"button\">b</button></td></tr></form></table>");
    assert_int_equal(p->nforms, 4);
    const page_form *f = &p->forms[0];
    assert_string_equal(f->action, "http://www.example.gov.cn/search/s.jsp");
    assert_string_equal(f->method, "post");
    assert_int_equal(f->inputs, 3); /* q, select, password */
    assert_true(f->has_textarea);
    assert_true(f->has_submit);
    assert_at(p, f->offset, "<form action=\"/search");
    f = &p->forms[1];
    assert_string_equal(f->action, "");
    assert_string_equal(f->method, "get");
    assert_int_equal(f->inputs, 1);
    assert_false(f->has_textarea);
    assert_true(f->has_submit);
    f = &p->forms[2];
    assert_string_equal(f->action, "javascript:void(0)");
    assert_int_equal(f->inputs, 0);
    assert_true(f->has_submit);
    f = &p->forms[3];
    assert_string_equal(f->action, "http://www.example.gov.cn/dir/page.html?x=1");
    assert_int_equal(f->inputs, 1);
    assert_false(f->has_submit);
    const page_link *l = must_link(p, "/search/s.jsp");
    assert_string_equal(l->tag, "form");
    assert_string_equal(l->attr, "action");
    assert_int_equal(must_link(p, "javascript:void(0)")->kind, URL_OTHER);
    page_free(p);
}

/* ---- dated list items ---------------------------------------------------------- */

static void test_items(void **state) {
    (void)state;
    page *p = parse(
        "<ul class=\"list\">\n"
        "<li><a href=\"/a1\">标题一</a><span>2020-08-10</span></li>\n"
        "<li><a href=\"/a2\">标题二</a> 2020/8/9</li>\n"
        "<li><a href=\"/a3\">标题三</a> 2020年8月8日</li>\n"
        "<li><span>[08-07]</span><a href=\"/a4\">标题四</a></li>\n"
        "<li><a href=\"/a5\">2019-01-01 年度报告</a></li>\n"
        "<li><a href=\"/a6\">无日期</a></li>\n"
        "<li><a href=\"/a7\" title=\"完整的长标题\">完整的...</a> 2020.08.06</li>\n"
        "<li><a href=\"/a8\">月份不对</a> 2020-13-01</li>\n"
        "<li>2020-08-05 没有链接</li>\n"
        "<li><a href=\"/a9\">电话</a> 0351-4042000</li>\n"
        "</ul>\n"
        "<table><tr><td><a href=\"/t1\">表格</a></td><td>2021-01-02</td></tr></table>\n"
        "<dl><dd><a href=\"../d1\">定义</a><em>(2019-12-31)</em></dd></dl>");
    const page_item *it = item_url(p, "http://www.example.gov.cn/a1");
    assert_non_null(it);
    assert_string_equal(it->title, "标题一");
    assert_string_equal(it->date_text, "2020-08-10");
    assert_int_equal(it->year, 2020);
    assert_int_equal(it->month, 8);
    assert_int_equal(it->day, 10);
    assert_at(p, it->offset, "<li><a href=\"/a1\"");
    it = item_url(p, "http://www.example.gov.cn/a2");
    assert_non_null(it);
    assert_string_equal(it->date_text, "2020/8/9");
    assert_int_equal(it->year * 10000 + it->month * 100 + it->day, 20200809);
    it = item_url(p, "http://www.example.gov.cn/a3");
    assert_non_null(it);
    assert_string_equal(it->date_text, "2020年8月8日");
    assert_int_equal(it->year * 10000 + it->month * 100 + it->day, 20200808);
    it = item_url(p, "http://www.example.gov.cn/a4");
    assert_non_null(it);
    assert_string_equal(it->title, "标题四");
    assert_string_equal(it->date_text, "[08-07]");
    assert_int_equal(it->year, 0);
    assert_int_equal(it->month, 8);
    assert_int_equal(it->day, 7);
    assert_null(item_url(p, "http://www.example.gov.cn/a5")); /* the date is in the link text */
    assert_null(item_url(p, "http://www.example.gov.cn/a6")); /* no date */
    it = item_url(p, "http://www.example.gov.cn/a7");
    assert_non_null(it);
    assert_string_equal(it->title, "完整的长标题");
    assert_int_equal(it->year * 10000 + it->month * 100 + it->day, 20200806);
    assert_null(item_url(p, "http://www.example.gov.cn/a8"));
    assert_null(item_url(p, "http://www.example.gov.cn/a9"));
    it = item_url(p, "http://www.example.gov.cn/t1");
    assert_non_null(it);
    assert_string_equal(it->date_text, "2021-01-02");
    assert_at(p, it->offset, "<tr>");
    it = item_url(p, "http://www.example.gov.cn/d1");
    assert_non_null(it);
    assert_string_equal(it->date_text, "(2019-12-31)");
    assert_int_equal(p->nitems, 7);
    page_free(p);
}

/* ---- hostile input -------------------------------------------------------------- */

static void test_deep_nesting(void **state) {
    (void)state;
    const size_t depth = 100000;
    size_t cap = depth * 20 + 1024, len = 0;
    char *html = malloc(cap);
    assert_non_null(html);
    len += (size_t)sprintf(html, "<html><body><style>#nowhere .a div { display:none }</style>");
    for (size_t i = 0; i < depth; i++) len += (size_t)sprintf(html + len, "<div class=a>");
    len += (size_t)sprintf(html + len, "<p style=\"display:none\"><a href=\"/deep\">深处</a>秘密</p>"
                                        "<select><option>选项</option></select><p>可见的深处</p>");
    for (size_t i = 0; i < depth; i++) len += (size_t)sprintf(html + len, "</div>");
    len += (size_t)sprintf(html + len, "<a href=\"/after\">之后</a></body></html>");
    double t0 = now_s();
    page *p = parse_n(html, len, BASE_URL);
    double dt = now_s() - t0;
    print_message("  100000 nested divs: %.2f s\n", dt);
    assert_true(dt < 10);
    assert_hidden(p, "/deep", "display:none");
    assert_at(p, must_link(p, "/deep")->offset, "<a href=\"/deep\"");
    assert_visible(p, "/after");
    assert_at(p, must_link(p, "/after")->offset, "<a href=\"/after\"");
    assert_non_null(text_with(p, "之后"));
    assert_non_null(text_with(p, "可见的深处"));
    assert_null(text_with(p, "秘密"));
    assert_null(text_with(p, "选项"));
    assert_model_sane(p);
    page_free(p);

    /* unclosed too, and a link at each level beyond what is tracked */
    len = 0;
    for (size_t i = 0; i < 3000; i++) len += (size_t)sprintf(html + len, "<font><a href=\"/l%zu\">x", i);
    p = parse_n(html, len, BASE_URL);
    assert_int_equal(p->nlinks, 3000);
    assert_at(p, must_link(p, "/l2999")->offset, "<a href=\"/l2999\"");
    page_free(p);
    free(html);
}

/* No 10 MB text limit without a tree (XML_PARSE_HUGE not needed). */
static void test_huge_text_node(void **state) {
    (void)state;
    size_t n = 12u << 20;
    char *html = malloc(n + 64);
    assert_non_null(html);
    strcpy(html, "<p>");
    memset(html + 3, 'x', n);
    strcpy(html + 3 + n, "</p><a href=\"/after\">after</a>");
    page *p = parse(html);
    assert_int_equal(p->ntexts, 2);
    assert_int_equal(strlen(p->texts[0].text), n);
    assert_at(p, must_link(p, "/after")->offset, "<a href=\"/after\"");
    page_free(p);
    free(html);
}

static void test_many_links_capped(void **state) {
    (void)state;
    const char *unit = "<a href=x>";
    size_t n = (20u << 20) / strlen(unit), len = n * strlen(unit);
    char *html = malloc(len + 1);
    assert_non_null(html);
    for (size_t i = 0; i < n; i++) memcpy(html + i * 10, unit, 10);
    html[len] = '\0';
    double t0 = now_s();
    page *p = parse_n(html, len, BASE_URL);
    double dt = now_s() - t0;
    print_message("  20 MB of <a href=x>: %.2f s, %zu links\n", dt, p->nlinks);
    assert_true(dt < 60);
    assert_int_equal(p->nlinks, 100000);
    assert_string_equal(p->links[99999].url, "http://www.example.gov.cn/dir/x");
    assert_at(p, p->links[99999].offset, "<a href=x>");
    assert_int_equal(p->links[99999].offset, 99999 * 10);
    page_free(p);
    free(html);
}

static void test_nul_and_invalid_bytes(void **state) {
    (void)state;
    static const char html[] = "<p>a\0b</p>\0<a href=\"/after-nul\">x\0y</a>"
                               "<p>\xff\xfe\xc3 bad \xe4\xb8</p><a href=\"/after-bad\">中文</a>";
    size_t len = sizeof html - 1;
    page *p = parse_n(html, len, BASE_URL);
    assert_int_equal(p->html_len, len);
    const page_link *l = must_link(p, "/after-nul");
    assert_string_equal(l->text, "x y");
    assert_at(p, l->offset, "<a href=\"/after-nul\"");
    l = must_link(p, "/after-bad");
    assert_at(p, l->offset, "<a href=\"/after-bad\"");
    assert_string_equal(l->text, "中文");
    assert_string_equal(p->texts[0].text, "a b");
    assert_non_null(text_with(p, "bad"));
    assert_model_sane(p);
    page_free(p);
}

static void test_malformed(void **state) {
    (void)state;
    static const char *const cases[] = {
        "<div><p><a href=/u1>x<table><tr><td><a href=/u2>y",
        "<!-- never closed <a href=/c>",
        "<a href='unterminated",
        "<a href=\"/x\" <b>",
        "<script>never closed <a href=/s>",
        "<style>never closed",
        "<title>never closed",
        "<textarea><a href=/t>",
        "</p></div></html><a href=/after-end>end</a>",
        "<<<<>>>><a href=/ok>ok</a><//a><!><!--><? ?>",
        "<html><body></body></html><a href=/tail>tail</a>",
        "<p>&#0;&#xFFFFFF;&#55296;&amp&notanentity;&#x110000;</p>",
        "<a href=\"&#x6a;avascript:alert(1)\">enc</a>",
        "<div style=\"display:none\">",
        "<style>.x{display:none}</style><div class=x><a href=/h>",
        "",
        "   ",
        "<",
        "<a",
        "<a href",
        "<svg><title>t</title><a href=/svg>s</a></svg>",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        page *p = parse_n(cases[i], strlen(cases[i]), BASE_URL);
        assert_model_sane(p);
        page_free(p);
    }
    page *p = parse(cases[0]);
    assert_non_null(link_raw(p, "/u1"));
    assert_non_null(link_raw(p, "/u2"));
    page_free(p);
    p = parse(cases[8]);
    assert_non_null(link_raw(p, "/after-end"));
    page_free(p);
    p = parse(cases[10]);
    assert_non_null(link_raw(p, "/tail"));
    page_free(p);
    p = parse(cases[14]);
    assert_hidden(p, "/h", "display:none");
    page_free(p);
}

static void test_binary_junk(void **state) {
    (void)state;
    size_t len = 2u << 20;
    char *junk = malloc(len + 1);
    assert_non_null(junk);
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (size_t round = 0; round < 3; round++) {
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            junk[i] = (char)(x >> 24);
            /* round 1: with plenty of markup characters */
            if (round == 1 && (x & 7) == 0) junk[i] = "<>/=\"'& a!-"[(x >> 8) % 11];
        }
        if (round == 2) /* junk around markup */
            for (size_t i = 0; i + 40 < len; i += 997) memcpy(junk + i, "<a href=\"/j\" style=\"x\"><p>", 27);
        junk[len] = '\0';
        double t0 = now_s();
        page *p = parse_n(junk, len, BASE_URL);
        double dt = now_s() - t0;
        print_message("  2 MB of junk (%zu): %.2f s, %zu links, %zu texts\n", round, dt, p->nlinks,
                      p->ntexts);
        assert_true(dt < 30);
        assert_model_sane(p);
        page_free(p);
    }
    free(junk);
}

static void test_limits(void **state) {
    (void)state;
    size_t over = (32u << 20) + 1;
    char *big = malloc(over);
    assert_non_null(big);
    memset(big, 'x', over);
    err e = {0};
    page *p = page_parse(big, over, BASE_URL, "UTF-8", &e);
    assert_null(p);
    assert_int_equal(e.cls, ERR_INPUT);
    free(big);

    p = parse_n("", 0, BASE_URL);
    assert_int_equal(p->nlinks + p->ntexts + p->nmetas + p->nforms + p->nitems, 0);
    assert_string_equal(p->title, "");
    assert_string_equal(p->url, BASE_URL);
    assert_string_equal(p->charset, "UTF-8");
    page_free(p);
    page_free(NULL);

    /* The model outlives the input and the parser. */
    char *html = strdup("<title>T</title><custom-block><a href=\"/k\">k</a></custom-block>");
    p = parse(html);
    free(html);
    assert_string_equal(p->links[0].tag, "a");
    assert_string_equal(p->links[0].raw, "/k");
    assert_string_equal(p->texts[0].tag, "body");
    assert_string_equal(p->title, "T");
    page_free(p);
}

/* ---- decoding ---------------------------------------------------------------------- */

static void test_decode_synthetic(void **state) {
    (void)state;
    /* "<meta charset=gbk>政府" in GBK */
    static const char gbk[] = "<html><head><meta charset=\"gbk\"><title>\xD5\xFE\xB8\xAE</title>"
                              "</head><body>\xCD\xF8\xD5\xBE\xB1\xEA\xCA\xB6\xC2\xEB</body></html>";
    textenc_result r;
    err e = {0};
    assert_true(page_decode(gbk, sizeof gbk - 1, NULL, &r, &e));
    assert_string_equal(r.charset, "GB18030");
    page *p = parse_n(r.text, r.len, BASE_URL);
    assert_string_equal(p->title, "政府");
    assert_non_null(text_with(p, "网站标识码"));
    page_free(p);
    textenc_result_free(&r);
    /* the header wins over the meta */
    assert_true(page_decode(gbk, sizeof gbk - 1, "GB2312", &r, &e));
    assert_string_equal(r.charset, "GB18030");
    assert_string_equal(r.how, "declared");
    textenc_result_free(&r);
    /* UTF-8 bytes stay UTF-8 whatever is declared */
    assert_true(page_decode("<meta charset=gb2312>政府", strlen("<meta charset=gb2312>政府"), NULL, &r, &e));
    assert_string_equal(r.charset, "UTF-8");
    textenc_result_free(&r);
}

static void test_decode_declared_gb2312_actually_utf8(void **state) {
    (void)state;
    size_t len;
    char *raw = corpus_file("html_misc/people_cn_declared_gb2312_actually_utf8.html", &len);
    static const char *const headers[] = {NULL, "gb2312", "GB2312", ""};
    for (size_t i = 0; i < sizeof headers / sizeof *headers; i++) {
        textenc_result r;
        err e = {0};
        assert_true(page_decode(raw, len, headers[i], &r, &e));
        assert_string_equal(r.charset, "UTF-8");
        assert_string_equal(r.how, "utf8");
        assert_int_equal(r.replaced, 0);
        page *p = parse_n(r.text, r.len, "http://culture.people.com.cn/n1/2019/0615/c1013-31153719.html");
        assert_string_equal(p->title, "女儿出嫁，郑板桥画了几笔兰花当嫁妆--文化--人民网");
        assert_non_null(text_with(p, "郑板桥"));
        /* its '</script"+">"' does not leak script into the text */
        assert_null(text_with(p, "\");"));
        assert_null(text_with(p, "document.write"));
        assert_model_sane(p);
        page_free(p);
        textenc_result_free(&r);
    }
    free(raw);
}

static void test_decode_gb2312_corpus(void **state) {
    (void)state;
    textenc_result r;
    page *p = corpus_page("encoding/chardet_GB2312__chromium_gb18030_with_no_encoding_specified.html.xml",
                          "http://www.sina.com.cn/", &r);
    assert_string_equal(r.charset, "GB18030");
    assert_string_equal(p->title, "中国制造的领军者3名");
    assert_non_null(text_with(p, "马兴瑞"));
    page_free(p);
    textenc_result_free(&r);

    p = corpus_page("encoding/chardet_GB2312__mozilla_bug171813_text.html", "http://www.sohu.com/", &r);
    assert_string_equal(r.charset, "GB18030");
    assert_int_equal(r.replaced, 0);
    assert_string_equal(must_link(p, "http://www.sol.sohu.com")->text, "搜狐在线");
    assert_non_null(text_with(p, "搜狐在线国庆免费大酬宾"));
    page_free(p);
    textenc_result_free(&r);
}

/* ---- the real government pages ------------------------------------------------------ */

typedef struct gov_page {
    const char *file, *url, *title;
    size_t min_links, max_links;
} gov_page;

static const gov_page GOV_PAGES[] = {
    {"cmse_gov_article.html", "http://www.cmse.gov.cn/ztbd/xwfbh/201206/t20120624_43188.html",
     "天宫一号与神舟九号载人交会对接任务第二场新闻发布会_中国载人航天官方网站", 60, 300},
    {"cmse_gov_article2.html", "http://www.cmse.gov.cn/xwzx/zhxw/202101/t20210106_47506.html",
     "载人航天工程全线备战空间站建造任务_中国载人航天官方网站", 60, 300},
    /* the gongbao URL follows its manuscriptId meta */
    {"govcn_gongbao_article.html", "https://www.gov.cn/gongbao/content/2007/content_711039.htm",
     "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007 "
     "年末国债余额限额的决议__2007年第23号国务院公报_中国政府网",
     60, 300},
    {"kepu_gov_article.html", "http://www.kepu.gov.cn/politics/2023-12/01/content_1755244.html",
     "习近平主持召开深入推进长三角一体化发展座谈会-中国科普网", 50, 300},
    {"shanxi_gov_article.html", "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml",
     "山西品牌丝路行（南美站）正式启动 - 山西省人民政府门户网站", 300, 600},
    {"zjdrc_article_empty_siteidcode.html",
     "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html",
     "1-10月德清县固定资产投资结构趋稳趋优", 40, 200},
};

/* A tab-separated line into at most n fields (empty ones kept). */
static size_t split_tabs(char *line, char **fields, size_t n) {
    size_t k = 0;
    fields[k++] = line;
    for (char *c = line; *c && k < n; c++)
        if (*c == '\t') {
            *c = '\0';
            fields[k++] = c + 1;
        }
    return k;
}

/* Everything on one line with the white space collapsed, as texts are. */
static bool texts_contain(const page *p, const char *needle) {
    char want[256];
    size_t j = 0;
    for (const char *s = needle; *s && j + 1 < sizeof want; s++)
        if (*s != ' ') want[j++] = *s;
    want[j] = '\0';
    for (size_t i = 0; i < p->ntexts; i++) {
        char got[4096];
        size_t k = 0;
        for (const char *s = p->texts[i].text; *s && k + 1 < sizeof got; s++)
            if (*s != ' ') got[k++] = *s;
        got[k] = '\0';
        if (strstr(got, want)) return true;
    }
    return false;
}

static void test_gov_pages(void **state) {
    (void)state;
    size_t tsv_len;
    char *tsv = corpus_file("site_registry/extracted_from_gov_html.tsv", &tsv_len);
    size_t rows = 0;
    char *save = NULL;
    char *line = strtok_r(tsv, "\n", &save); /* the header */
    static const char *const meta_names[] = {"SiteName", "SiteDomain", "SiteIDCode", "ColumnName",
                                             "PubDate"};
    while ((line = strtok_r(NULL, "\n", &save))) {
        char *f[10];
        if (split_tabs(line, f, 10) != 10) fail_msg("bad TSV line: %s", line);
        const gov_page *g = NULL;
        for (size_t i = 0; i < sizeof GOV_PAGES / sizeof *GOV_PAGES; i++)
            if (strcmp(GOV_PAGES[i].file, f[0]) == 0) g = &GOV_PAGES[i];
        if (!g) fail_msg("the TSV names a page this test does not know: %s", f[0]);
        print_message("  %s\n", g->file);
        char rel[256];
        snprintf(rel, sizeof rel, "gov_html/%s", g->file);
        textenc_result r;
        page *p = corpus_page(rel, g->url, &r);
        assert_string_equal(r.charset, "UTF-8");
        assert_string_equal(p->title, g->title);
        for (size_t m = 0; m < 5; m++) {
            const page_meta *pm = page_meta_get(p, meta_names[m]);
            if (strcmp(f[1 + m], "-") == 0) {
                if (pm) fail_msg("%s: meta %s should be absent, is \"%s\"", g->file, meta_names[m], pm->content);
            } else {
                if (!pm) fail_msg("%s: meta %s missing", g->file, meta_names[m]);
                assert_string_equal(pm->name, meta_names[m]);
                assert_string_equal(pm->content, f[1 + m]);
                assert_at(p, pm->offset, "<meta");
            }
        }
        /* the footer: 网站标识码, ICP and 公网安备 as visible text */
        if (strcmp(f[6], "-") != 0) {
            char want[128];
            snprintf(want, sizeof want, "网站标识码");
            assert_true(texts_contain(p, want));
            assert_true(texts_contain(p, f[6]));
            bool together = false;
            for (size_t i = 0; i < p->ntexts && !together; i++) {
                const char *t = strstr(p->texts[i].text, "网站标识码");
                together = t && strstr(t, f[6]);
            }
            if (!together) fail_msg("%s: no text block with 网站标识码 %s", g->file, f[6]);
        } else {
            assert_false(texts_contain(p, "网站标识码"));
        }
        if (strcmp(f[7], "-") != 0) assert_true(texts_contain(p, f[7]));
        if (strcmp(f[8], "-") != 0) assert_true(texts_contain(p, f[8]));
        /* the conac (党政机关标识) link: an <a> in the footer, or the badge's
         * script that the page writes with document.write(unescape(...)) */
        size_t conac = 0;
        for (size_t i = 0; i < p->nlinks; i++) {
            const page_link *l = &p->links[i];
            if (l->kind != URL_HTTP || !strstr(l->url, "conac.cn/")) continue;
            conac++;
            if (l->visible) {
                assert_string_equal(l->tag, "a");
                assert_at(p, l->offset, "<a");
            } else {
                assert_string_equal(l->hidden_by, "script");
                assert_string_equal(l->tag, "script");
                assert_string_equal(l->attr, "src");
            }
        }
        if (strcmp(f[9], "yes") == 0) assert_true(conac > 0);
        else assert_int_equal(conac, 0);
        /* links: plausible, resolved against the page */
        if (p->nlinks < g->min_links || p->nlinks > g->max_links)
            fail_msg("%s: %zu links", g->file, p->nlinks);
        char host[128];
        const char *h = strstr(g->url, "://") + 3;
        snprintf(host, sizeof host, "%.*s", (int)(strchr(h, '/') - h), h);
        size_t relative = 0;
        for (size_t i = 0; i < p->nlinks; i++) {
            const page_link *l = &p->links[i];
            const char *raw = l->raw;
            while (*raw == ' ' || *raw == '\t' || *raw == '\n' || *raw == '\r') raw++;
            bool absolute = strstr(raw, "://") || strncmp(raw, "//", 2) == 0 ||
                            strncasecmp(raw, "javascript:", 11) == 0 ||
                            strncasecmp(raw, "mailto:", 7) == 0 || strncasecmp(raw, "data:", 5) == 0 ||
                            strncasecmp(raw, "chrome-extension:", 17) == 0;
            if (absolute || l->kind != URL_HTTP) continue;
            relative++;
            const char *uh = strstr(l->url, "://") + 3;
            if (strncmp(uh, host, strlen(host)) != 0 || uh[strlen(host)] != '/')
                fail_msg("%s: relative %s resolved to %s", g->file, l->raw, l->url);
        }
        print_message("    %zu links, %zu relative, %zu texts\n", p->nlinks, relative, p->ntexts);
        assert_true(relative > 0);
        /* visible text of substance, none of it script */
        assert_true(p->ntexts > 10);
        assert_null(text_with(p, "function("));
        assert_null(text_with(p, "document.write"));
        page_free(p);
        textenc_result_free(&r);
        rows++;
    }
    assert_int_equal(rows, sizeof GOV_PAGES / sizeof *GOV_PAGES);
    free(tsv);
}

static void test_gov_page_details(void **state) {
    (void)state;
    textenc_result r;
    /* shanxi: SiteName and SiteIDCode twice; keywords/Keywords and
     * description/Description both present, with different content */
    page *p = corpus_page("gov_html/shanxi_gov_article.html",
                          "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml", &r);
    size_t sitenames = 0;
    for (size_t i = 0; i < p->nmetas; i++) sitenames += strcmp(p->metas[i].name, "SiteName") == 0;
    assert_int_equal(sitenames, 2);
    assert_string_equal(page_meta_get(p, "SiteIDCode")->content, "1400000045");
    assert_string_equal(page_meta_get(p, "Keywords")->content, "");
    assert_string_equal(page_meta_get(p, "Keywords")->name, "Keywords");
    assert_true(strncmp(page_meta_get(p, "keywords")->content, "山西;山西省", strlen("山西;山西省")) == 0);
    assert_string_equal(page_meta_get(p, "Description")->content, "");
    assert_true(strlen(page_meta_get(p, "description")->content) > 100);
    assert_string_equal(page_meta_get(p, "KEYWORDS")->content, page_meta_get(p, "keywords")->content);
    /* the relative links of the article */
    const page_link *l = must_link(p, "../../../images/base.css");
    assert_string_equal(l->url, "http://www.shanxi.gov.cn/images/base.css");
    assert_string_equal(l->rel, "stylesheet");
    l = must_link(p, "/wca.html");
    assert_string_equal(l->url, "http://www.shanxi.gov.cn/wca.html");
    assert_string_equal(l->text, "无障碍浏览");
    /* the pager written by document.write */
    size_t written = 0;
    for (size_t i = 0; i < p->nlinks; i++) {
        l = &p->links[i];
        if (strchr(l->raw, '"') || strchr(l->raw, '\'') || strchr(l->raw, '+'))
            fail_msg("a script fragment taken for a URL: %s", l->raw);
        if (!l->hidden_by || strcmp(l->hidden_by, "script") != 0) continue;
        written++;
        assert_at(p, l->offset, "href=");
        if (strcmp(l->raw, "t20190918_693227.shtml") == 0)
            assert_string_equal(l->url, "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml");
    }
    assert_true(written >= 1);
    page_free(p);
    textenc_result_free(&r);

    /* zjdrc: SiteIDCode present but empty; its body <style> hides .nav */
    p = corpus_page("gov_html/zjdrc_article_empty_siteidcode.html",
                    "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html", &r);
    const page_meta *m = page_meta_get(p, "SiteIDCode");
    assert_non_null(m);
    assert_string_equal(m->content, "");
    assert_hidden(p, "/col/col1620982/index.html", "display:none");
    assert_string_equal(must_link(p, "/col/col1620982/index.html")->text, "战略规划和区域发展");
    page_free(p);
    textenc_result_free(&r);

    /* kepu: two <title>s, the first is the title */
    p = corpus_page("gov_html/kepu_gov_article.html",
                    "http://www.kepu.gov.cn/politics/2023-12/01/content_1755244.html", &r);
    assert_string_equal(p->title, "习近平主持召开深入推进长三角一体化发展座谈会-中国科普网");
    assert_null(page_meta_get(p, "SiteIDCode"));
    assert_string_equal(page_meta_get(p, "keywords")->name, "Keywords");
    assert_true(texts_contain(p, "政府网站标识码：bm06000004"));
    l = must_link(p, "http://dcs.conac.cn/js/33/000/0000/60477468/CA330000000604774680005.js");
    assert_string_equal(l->tag, "script");
    assert_string_equal(l->hidden_by, "script");
    assert_at(p, l->offset, "src='http://dcs.conac.cn");
    page_free(p);
    textenc_result_free(&r);

    /* gongbao: markup after </html> is still read */
    p = corpus_page("gov_html/govcn_gongbao_article.html",
                    "https://www.gov.cn/gongbao/content/2007/content_711039.htm", &r);
    l = must_link(p, "https://www.gov.cn/gongbao/currentissue.htm");
    assert_string_equal(l->text, "国务院公报");
    assert_true(texts_contain(p, "网站标识码bm01000001"));
    page_free(p);
    textenc_result_free(&r);
}

/* ---- list pages ---------------------------------------------------------------------- */

static void test_list_pages(void **state) {
    (void)state;
    textenc_result r;
    page *p = corpus_page("list_pages/gerapy_dfa66_announcement.html",
                          "http://www.dfa66.com/dfaets/news/index.html", &r);
    assert_int_equal(p->nitems, 10);
    const page_item *it = &p->items[0];
    assert_string_equal(it->title, "东方阿尔法优势产业混合型发起式证券投资基金可投资于科创板股票的公告");
    assert_string_equal(it->url, "http://www.dfa66.com/dfaets/contents/2020/7/2-b51327b18dff4d8aa163774fcd9240e6.html");
    assert_string_equal(it->date_text, "2020-07-02");
    assert_int_equal(it->year * 10000 + it->month * 100 + it->day, 20200702);
    assert_at(p, it->offset, "<li");
    it = &p->items[9];
    assert_string_equal(it->date_text, "2019-11-16");
    assert_string_equal(it->title, "东方阿尔法基金管理有限公司关于公司住所变更的公告");
    page_free(p);
    textenc_result_free(&r);

    p = corpus_page("list_pages/gerapy_hrfund_announcement.html", "http://www.hrfund.com.cn/gg/index.html", &r);
    assert_int_equal(p->nitems, 10);
    it = &p->items[0];
    assert_string_equal(it->title, "华融基金管理有限公司关于旗下基金参加南京苏宁基金销售有限公司申购补差费费率优惠活动的公告");
    assert_string_equal(it->url, "http://www.hrfund.com.cn/Upload/File/202004/20200429175329_3226.pdf");
    assert_int_equal(it->year * 10000 + it->month * 100 + it->day, 20200430);
    it = &p->items[9];
    assert_string_equal(it->title, "华融现金增利货币市场基金招募说明书（更新）摘要");
    assert_int_equal(it->year * 10000 + it->month * 100 + it->day, 20200427);
    page_free(p);
    textenc_result_free(&r);

    p = corpus_page("list_pages/gerapy_rtfund_xxpl.html", "http://www.rtfund.com/main/xxpl/index.shtml", &r);
    assert_int_equal(p->nitems, 15);
    it = &p->items[0];
    assert_string_equal(it->title, "融通关于旗下部分开放式基金新增华瑞保险销售有限公司为销售机构并参加其费率优惠活动的公告");
    assert_string_equal(it->url, "http://www.rtfund.com/main/a/20200709/12323944.shtml");
    assert_string_equal(it->date_text, "2020-07-09");
    it = &p->items[14];
    assert_string_equal(it->url, "http://www.rtfund.com/main/a/20200706/12323017.shtml");
    assert_int_equal(it->year * 10000 + it->month * 100 + it->day, 20200706);
    for (size_t i = 0; i < p->nitems; i++) assert_int_equal(p->items[i].year, 2020);
    page_free(p);
    textenc_result_free(&r);
}

static int force_english(void **state) {
    (void)state;
    lang_force("en");
    return 0;
}

/* page_parse_decoded (the crawler's path, no second validation) builds the
 * same model as page_parse from page_decode's output. */
static void test_parse_decoded_same(void **state) {
    (void)state;
    static const char gbk_page[] = "<html><head><meta charset=\"gbk\"><title>\xca\xbe\xb7\xb6</title></head>"
                                   "<body><p>\xd5\xfe\xce\xf1</p><a href=\"/a\">\xca\xbe</a></body></html>";
    textenc_result t = {0};
    err e = {0};
    assert_true(page_decode(gbk_page, sizeof gbk_page - 1, NULL, &t, &e));
    page *a = page_parse(t.text, t.len, "http://www.example.gov.cn/", t.charset, &e);
    page *b = page_parse_decoded(&t, "http://www.example.gov.cn/", &e);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a->title, "示范");
    assert_string_equal(a->title, b->title);
    assert_int_equal(a->nlinks, b->nlinks);
    assert_int_equal(a->ntexts, b->ntexts);
    for (size_t i = 0; i < a->ntexts; i++) {
        assert_string_equal(a->texts[i].text, b->texts[i].text);
        assert_int_equal(a->texts[i].offset, b->texts[i].offset);
    }
    assert_string_equal(b->links[0].url, "http://www.example.gov.cn/a");
    /* page_parse_taking (the crawler's, with no copy) too; the text is the
     * page's now */
    page *c = page_parse_taking(&t, "http://www.example.gov.cn/", &e);
    assert_non_null(c);
    assert_null(t.text);
    assert_string_equal(c->title, a->title);
    assert_int_equal(c->html_len, a->html_len);
    assert_memory_equal(c->html, a->html, a->html_len);
    assert_int_equal(c->nlinks, a->nlinks);
    assert_string_equal(c->links[0].url, a->links[0].url);
    assert_int_equal(c->ntexts, a->ntexts);
    for (size_t i = 0; i < a->ntexts; i++) {
        assert_string_equal(a->texts[i].text, c->texts[i].text);
        assert_int_equal(a->texts[i].offset, c->texts[i].offset);
    }
    page_free(a);
    page_free(b);
    page_free(c);
    textenc_result_free(&t);
}

/* A tag of 100,000 attributes (libxml2 compares each with all before it)
 * parses; attributes past the cap are blanked, but the first style and href
 * still count, so junk cannot hide a hidden link; script text is left as is. */
static void test_many_attributes(void **state) {
    (void)state;
    sbuf b = SBUF_INIT;
    /* a doctype and a conditional comment before it, as on real pages */
    sbuf_puts(&b, "<!DOCTYPE html><![if !IE]><![endif]><html><body><!-- c --><script>var s = "
                  "'<b x0 x1 x2>';</script><p>\u6b63\u6587</p><a ");
    for (int i = 0; i < 100000; i++) sbuf_printf(&b, "x%d ", i);
    sbuf_puts(&b, "style=\"display:none\" href=\"http://127.0.0.1:9/hidden\">bet</a>");
    sbuf_puts(&b, "<a href=\"/ok\">ok</a></body></html>");
    assert_false(b.oom);
    err e = {0};
    page *p = page_parse(sbuf_str(&b), b.len, "http://www.example.gov.cn/", "UTF-8", &e);
    if (!p) fail_msg("%s", e.msg);
    assert_int_equal(p->html_len, b.len); /* offsets hold */
    assert_non_null(strstr(p->html, "var s = '<b x0 x1 x2>';"));
    const page_link *hidden = NULL, *ok = NULL;
    for (size_t i = 0; i < p->nlinks; i++) {
        if (!strcmp(p->links[i].url, "http://127.0.0.1:9/hidden")) hidden = &p->links[i];
        if (!strcmp(p->links[i].url, "http://www.example.gov.cn/ok")) ok = &p->links[i];
    }
    assert_non_null(hidden);
    assert_false(hidden->visible);
    assert_non_null(ok);
    assert_true(ok->visible);
    page_free(p);
    sbuf_free(&b);
}

/* <dl>: the title in <dt>, its date in the next <dd>. */
static void test_dt_dd_items(void **state) {
    (void)state;
    static const char html[] =
        "<html><body><dl>"
        "<dt><a href=\"/a/1.html\">通知一</a></dt><dd>2020.05.10</dd>"
        "<dt><a href=\"/a/2.html\">通知二</a></dt><dd>2020-05-08</dd>"
        "<dt><a href=\"/a/3.html\">无日期</a></dt><dd>摘要文字</dd>"
        "<dd>2020-01-01</dd>"
        "</dl></body></html>";
    err e = {0};
    page *p = page_parse(html, sizeof html - 1, "http://www.example.gov.cn/", "UTF-8", &e);
    assert_non_null(p);
    assert_int_equal(p->nitems, 2);
    assert_string_equal(p->items[0].title, "通知一");
    assert_string_equal(p->items[0].url, "http://www.example.gov.cn/a/1.html");
    assert_int_equal(p->items[0].year, 2020);
    assert_int_equal(p->items[0].month, 5);
    assert_int_equal(p->items[0].day, 10);
    assert_string_equal(p->items[1].title, "通知二");
    assert_int_equal(p->items[1].day, 8);
    page_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libxml2_assumptions),
        cmocka_unit_test(test_parse_decoded_same),
        cmocka_unit_test(test_dt_dd_items),
        cmocka_unit_test(test_links_of_every_tag),
        cmocka_unit_test(test_upper_case_markup),
        cmocka_unit_test(test_relative_urls_and_base),
        cmocka_unit_test(test_anchor_text),
        cmocka_unit_test(test_other_schemes),
        cmocka_unit_test(test_hidden_inline_styles),
        cmocka_unit_test(test_hidden_attribute),
        cmocka_unit_test(test_hidden_by_style_rules),
        cmocka_unit_test(test_hidden_overridden),
        cmocka_unit_test(test_script_written_links),
        cmocka_unit_test(test_script_written_resources),
        cmocka_unit_test(test_script_end_tag_in_string),
        cmocka_unit_test(test_html5_tree_differences),
        cmocka_unit_test(test_raw_text_elements),
        cmocka_unit_test(test_text_blocks),
        cmocka_unit_test(test_text_offsets),
        cmocka_unit_test(test_offsets_at_end_of_long_page),
        cmocka_unit_test(test_title),
        cmocka_unit_test(test_metas),
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_items),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_huge_text_node),
        cmocka_unit_test(test_many_attributes),
        cmocka_unit_test(test_many_links_capped),
        cmocka_unit_test(test_nul_and_invalid_bytes),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_binary_junk),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_decode_synthetic),
        cmocka_unit_test(test_decode_declared_gb2312_actually_utf8),
        cmocka_unit_test(test_decode_gb2312_corpus),
        cmocka_unit_test(test_gov_pages),
        cmocka_unit_test(test_gov_page_details),
        cmocka_unit_test(test_list_pages),
    };
    return cmocka_run_group_tests(tests, force_english, NULL);
}
