/* doc_html — the document as one self-contained HTML5 page.
 *
 * No external resource and no script: the page is mailed and archived, and
 * a Content-Security-Policy forbids anything but its own inline style. The
 * style follows the Word layout (A4, margins 37/35/28/26 mm, 16 pt 仿宋 on a
 * 28 pt line, 小标宋 title, 黑体/楷体 headings) with font stacks that fall
 * back to the fonts a Linux or Mac reader has. Every page break opens a new
 * <section> that starts a printed page; table headers repeat on each
 * printed page (thead). */
#include "report/doc_impl.h"

#include <string.h>

static const char html_style[] =
    "@page{size:A4;margin:37mm 26mm 35mm 28mm}\n"
    "body{margin:0;background:#fff;color:#000;"
    "font-family:\"仿宋_GB2312\",\"仿宋\",FangSong,STFangsong,\"Noto Serif CJK SC\","
    "\"Source Han Serif SC\",\"Songti SC\",serif;font-size:16pt;line-height:28pt}\n"
    "main{max-width:156mm;margin:0 auto;padding:12mm 0}\n"
    "@media print{main{max-width:none;padding:0}}\n"
    "section.page{break-before:page;page-break-before:always}\n"
    "p{margin:0;text-align:justify}\n"
    ".body{text-indent:2em}\n"
    ".office,.title,.attach-title{text-align:center;font-weight:normal;"
    "font-family:\"方正小标宋简体\",\"方正小标宋_GBK\",FZXiaoBiaoSong-B05S,\"华文中宋\",STZhongsong,"
    "\"宋体\",SimSun,\"Noto Serif CJK SC\",\"Source Han Serif SC\",serif}\n"
    ".office{color:#c00;font-size:26pt;line-height:40pt;margin-bottom:12mm;padding-bottom:4mm;"
    "border-bottom:1.5pt solid #c00}\n"
    ".title,.attach-title{font-size:22pt;line-height:32pt;margin:0 0 28pt}\n"
    "h2,h3{font-size:16pt;font-weight:normal;margin:0;text-indent:2em}\n"
    "h2,.attach-label{font-family:\"黑体\",SimHei,STHeiti,\"Noto Sans CJK SC\","
    "\"Source Han Sans SC\",\"PingFang SC\",sans-serif}\n"
    "h3{font-family:\"楷体_GB2312\",\"楷体\",KaiTi,STKaiti,\"Noto Serif CJK SC\",serif}\n"
    ".addressee{margin-top:28pt}\n"
    ".signature{text-align:right;padding-right:4em}\n"
    ".attach-label{margin-bottom:14pt}\n"
    "table{width:100%;border-collapse:collapse;table-layout:fixed;margin:0 0 14pt;"
    "font-size:14pt;line-height:20pt}\n"
    "th,td{border:1px solid #000;padding:2pt 4pt;vertical-align:middle;text-align:center;"
    "overflow-wrap:anywhere}\n"
    "th{font-family:\"黑体\",SimHei,STHeiti,\"Noto Sans CJK SC\",sans-serif;font-weight:normal}\n"
    "thead{display:table-header-group}\n"
    "tr{break-inside:avoid;page-break-inside:avoid}\n";

/* Escaped text with line breaks kept. */
static void html_text(sbuf *b, const char *s) { doc_lines(b, s, "<br>", doc_escape, true); }

static void html_table(doc_out *o, const doc_grid *g) {
    sbuf *b = &o->b;
    double frac[DOC_MAX_TABLE_COLS];
    doc_fit_widths(g, 31, frac); /* 156 mm of 14 pt text, less padding */
    sbuf_puts(b, "<table>\n<colgroup>");
    for (size_t c = 0; c < g->ncols; c++)
        sbuf_printf(b, "<col style=\"width:%.2f%%\">", frac[c] * 100);
    sbuf_puts(b, "</colgroup>\n<thead><tr>");
    for (size_t c = 0; c < g->ncols; c++) {
        sbuf_puts(b, "<th>");
        html_text(b, doc_cell(g, 0, c));
        sbuf_puts(b, "</th>");
    }
    sbuf_puts(b, "</tr></thead>\n<tbody>\n");
    for (size_t r = 1; r <= g->nrows; r++) {
        doc_out_spill(o, false);
        sbuf_puts(b, "<tr>");
        for (size_t c = 0; c < g->ncols; c++) {
            sbuf_puts(b, "<td>");
            html_text(b, doc_cell(g, r, c));
            sbuf_puts(b, "</td>");
        }
        sbuf_puts(b, "</tr>\n");
    }
    sbuf_puts(b, "</tbody>\n</table>\n");
}

static void html_para(sbuf *b, doc_style style, const char *text) {
    static const char *const open[] = {
        [DOC_OFFICE] = "<p class=\"office\">",       [DOC_TITLE] = "<h1 class=\"title\">",
        [DOC_ADDRESSEE] = "<p class=\"addressee\">", [DOC_HEADING1] = "<h2>",
        [DOC_HEADING2] = "<h3>",                     [DOC_BODY] = "<p class=\"body\">",
        [DOC_SIGNATURE] = "<p class=\"signature\">", [DOC_ATTACH_LABEL] = "<p class=\"attach-label\">",
        [DOC_ATTACH_TITLE] = "<h2 class=\"attach-title\">"};
    static const char *const close[] = {
        [DOC_OFFICE] = "</p>",     [DOC_TITLE] = "</h1>",     [DOC_ADDRESSEE] = "</p>",
        [DOC_HEADING1] = "</h2>",  [DOC_HEADING2] = "</h3>",  [DOC_BODY] = "</p>",
        [DOC_SIGNATURE] = "</p>",  [DOC_ATTACH_LABEL] = "</p>", [DOC_ATTACH_TITLE] = "</h2>"};
    sbuf_puts(b, open[style]);
    html_text(b, text);
    sbuf_puts(b, close[style]);
    sbuf_putc(b, '\n');
}

static void html_render(const doc *d, doc_out *o) {
    char datebuf[11];
    sbuf *b = &o->b;
    sbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                  "style-src 'unsafe-inline'\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"generator\" content=\"govinspect\">\n<meta name=\"author\" content=\"");
    doc_escape(b, doc_str(d, d->author), strlen(doc_str(d, d->author)), true);
    sbuf_puts(b, "\">\n<meta name=\"date\" content=\"");
    sbuf_puts(b, doc_date(d, datebuf));
    sbuf_puts(b, "\">\n<title>");
    doc_escape(b, doc_title_text(d), strlen(doc_title_text(d)), true); /* no <br> in a title */
    sbuf_puts(b, "</title>\n<style>\n");
    sbuf_puts(b, html_style);
    sbuf_puts(b, "</style>\n</head>\n<body>\n<main>\n<section>\n");
    for (size_t i = 0; i < d->nblocks; i++) {
        const doc_block *blk = &d->blocks[i];
        doc_out_spill(o, false);
        if (blk->kind == DOC_BLOCK_TABLE) html_table(o, &d->grids[blk->ref]);
        else if (blk->kind == DOC_BLOCK_BREAK) sbuf_puts(b, "</section>\n<section class=\"page\">\n");
        else html_para(b, blk->style, doc_str(d, blk->ref));
    }
    sbuf_puts(b, "</section>\n</main>\n</body>\n</html>\n");
}

bool doc_write_html(const doc *d, const char *path, err *e) {
    return doc_write_stream(d, path, html_render, e);
}
