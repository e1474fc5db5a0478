/* text: the pre-publication check of a draft (plain text, HTML or .docx). */
#include "cli/cli.h"

#include "core/date.h"
#include "core/fileio.h"
#include "core/lang.h"
#include "core/sbuf.h"
#include "core/table.h"
#include "core/textenc.h"
#include "page/page.h"
#include "text/docx.h"
#include "text/text.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define TEXT_MAX_BYTES (32u << 20)
#define CONTEXT_CHARS 20
#define MAX_SHOWN 10000 /* findings printed; more are counted (a hostile or garbled file) */

typedef struct text_out {
    cli_format format;
    table *tab;
    json_t *array;
    long n;
    /* What the match offsets are relative to, and how to place them. */
    const char *scanned;   /* the scanned text (a block for HTML) */
    size_t scanned_len;
    const char *src;       /* the input as decoded */
    size_t src_len;
    size_t block_offset;   /* HTML: where the block starts in src; SIZE_MAX: plain text */
    text_srcmap map;       /* HTML: the block's matches to the source */
    size_t pos_off;        /* the last position computed, to count lines from there */
    int pos_line, pos_col;
} text_out;

/* Line and column of a source offset, counting on from the previous one
 * when it is further on (matches arrive mostly in order). */
static void out_line_col(text_out *o, size_t off, int *line, int *col) {
    if (off < o->pos_off || o->pos_line == 0) {
        o->pos_off = 0;
        o->pos_line = 1;
        o->pos_col = 1;
    }
    int l, c;
    text_line_col(o->src + o->pos_off, o->src_len - o->pos_off, off - o->pos_off, &l, &c);
    *line = o->pos_line + l - 1;
    *col = l == 1 ? o->pos_col + c - 1 : c;
    o->pos_off = off;
    o->pos_line = *line;
    o->pos_col = *col;
}

static bool on_match(const text_match *m, void *ud) {
    text_out *o = ud;
    if (++o->n > MAX_SHOWN) return true;
    size_t off = o->block_offset == SIZE_MAX ? m->start : text_srcmap_offset(&o->map, m->start, m->end);
    int line, col;
    out_line_col(o, off, &line, &col);
    char *ctx = text_context(o->scanned, o->scanned_len, m->start, m->end, CONTEXT_CHARS);
    if (o->format == FMT_TABLE) {
        char ls[16], cs[16];
        snprintf(ls, sizeof ls, "%d", line);
        snprintf(cs, sizeof cs, "%d", col);
        /* The label (2018机构改革, 赌博 …) says more than the category; a
         * typo has none. */
        const char *kind = m->label && *m->label ? m->label
                           : m->category == TEXT_TYPO ? L("typo", "错别字")
                           : m->category == TEXT_WORDING ? L("wording", "严重表述错误")
                                                         : L("harmful", "违规内容");
        const char *cells[] = {ls, cs, m->text, m->suggestion, m->indicator, kind, ctx ? ctx : ""};
        table_add_row(o->tab, cells);
    } else {
        json_t *f = json_pack("{s:i,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "line", line, "column", col,
                              "match", m->text, "suggestion", m->suggestion, "indicator",
                              m->indicator, "category", m->category_name, "label", m->label,
                              "context", ctx ? ctx : "", "statistical", m->statistical);
        if (f && m->statistical) json_object_set_new(f, "score", json_real(m->score));
        if (f) json_array_append_new(o->array, f);
    }
    free(ctx);
    return true;
}

/* HTML when the first thing in the file is a tag or a doctype. */
static bool looks_html(const char *s, size_t len) {
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
    if (i >= len || s[i] != '<') return false;
    size_t n = len - i < 512 ? len - i : 512;
    for (size_t k = i; k + 5 <= i + n; k++)
        if (strncasecmp(s + k, "<html", 5) == 0 || strncasecmp(s + k, "<!doc", 5) == 0 ||
            strncasecmp(s + k, "<body", 5) == 0 || strncasecmp(s + k, "<head", 5) == 0 ||
            strncasecmp(s + k, "<meta", 5) == 0 || strncasecmp(s + k, "<div", 4) == 0 ||
            strncasecmp(s + k, "<p>", 3) == 0)
            return true;
    return false;
}

/* PubDate of an HTML draft, when it has a valid one. */
static bool page_pubdate(const page *p, int *y, int *m, int *d) {
    const page_meta *pm = page_meta_get(p, "PubDate");
    if (!pm || strlen(pm->content) < 10) return false;
    char day[11];
    memcpy(day, pm->content, 10);
    day[10] = '\0';
    return date_parse_ymd(day, y, m, d);
}

int cmd_text(const cli_globals *g, int argc, char **argv) {
    (void)g;
    if (cli_wants_help(argc, argv)) {
        cli_print_help(
            argv[0],
            "  FILE|-             a draft: plain text (one sentence a line is fine) or HTML, in\n"
            "                     UTF-8, GBK or GB18030 (detected), or a Word document\n"
            "                     (.docx, from Word or WPS); - reads standard input\n"
            "  --format table|json  output (default table); json: {\"findings\": [...]}\n"
            "  --date YYYY-MM-DD  publication date (default: the HTML's PubDate, else today);\n"
            "                     names of bodies abolished in a reform count only after it\n"
            "  --whitelist FILE   the site's whitelist (pattern<TAB>context lines)\n"
            "  --no-stat          lexicons only, without the statistical typo detector\n"
            "  --dict PATH        word-frequency dictionary of the detector (jieba format)\n"
            "  Lines and columns (in characters, from 1) refer to the input as given; for\n"
            "  HTML, to the matched text in the source; for .docx, a line is a paragraph (or\n"
            "  a line break within one). Lexicons: <data>/lexicons/*.tsv.\n"
            "  At most 10,000 findings are printed (the count is on stderr).\n"
            "  Exit status 3 when something is found, 0 when nothing is.\n",
            "  FILE|-             待发布的稿件：纯文本（可每行一句）或 HTML，UTF-8、GBK 或 GB18030\n"
            "                     （自动识别），或 Word 文档（.docx，Word、WPS 均可）；\n"
            "                     - 表示从标准输入读取\n"
            "  --format table|json  输出格式（默认 table）；json 为 {\"findings\": [...]}\n"
            "  --date YYYY-MM-DD  发布日期（默认取 HTML 的 PubDate，否则为今天）；\n"
            "                     机构改革中撤销的机构名称只在改革之后才算错误\n"
            "  --whitelist FILE   本网站的白名单（每行“词<TAB>上下文”）\n"
            "  --no-stat          只用词库，不用统计方法检查错别字\n"
            "  --dict PATH        统计检测所用的词频词典（jieba 格式）\n"
            "  行号与列号（按字符计，从 1 开始）指输入原文；HTML 指源码中匹配文字的位置；\n"
            "  .docx 每段（或段内换行）为一行。\n"
            "  词库：<数据目录>/lexicons/*.tsv。最多列出 10000 处（总数见标准错误输出）。\n"
            "  发现问题时退出码为 3，未发现为 0。\n");
        return EXIT_OK;
    }
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"date", required_argument, NULL, 'd'},
        {"whitelist", required_argument, NULL, 'w'}, {"no-stat", no_argument, NULL, 'n'},
        {"dict", required_argument, NULL, 'D'}, {NULL, 0, NULL, 0}};
    text_out o = {.format = FMT_TABLE, .block_offset = SIZE_MAX};
    const char *date = NULL, *wl_path = NULL, *dict = NULL;
    bool stat = true;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'f') {
            if (!cli_parse_format(optarg, &o.format) || o.format == FMT_CSV)
                return cli_usage_error(argv[0], L("unknown format '%s'", "未知格式“%s”"), optarg);
        } else if (c == 'd') {
            date = optarg;
        } else if (c == 'w') {
            wl_path = optarg;
        } else if (c == 'n') {
            stat = false;
        } else if (c == 'D') {
            dict = optarg;
        } else {
            return cli_usage_error(argv[0], L("unknown option '%s'", "未知选项“%s”"), argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(argv[0], optind >= argc ? L("FILE or - is required", "必须给出 FILE 或 -")
                                                       : L("unexpected argument '%s'", "多余的参数“%s”"),
                               argv[optind + (optind < argc)]);
    text_scan_opts so = {.statistical = stat};
    if (date && !date_parse_ymd(date, &so.pub_year, &so.pub_month, &so.pub_day))
        return cli_usage_error(argv[0], L("--date '%s' is not YYYY-MM-DD", "--date“%s”不是 YYYY-MM-DD"), date);
    const char *path = argv[optind];
    err e = {0};
    char *raw = NULL;
    size_t rawlen = 0;
    if (!file_read_all(path, TEXT_MAX_BYTES, &raw, &rawlen, &e)) return cli_fail(&e);
    text_whitelist *wl = NULL;
    text_engine *t = NULL;
    page *pg = NULL;
    textenc_result dec = {0};
    int status = EXIT_OK;
    if (wl_path && !(wl = text_whitelist_load(wl_path, &e))) {
        status = cli_fail(&e);
        goto out;
    }
    so.whitelist = wl;
    if (!(t = text_engine_load_with_dict(cli_data_dir(), stat ? dict : "", &e))) {
        status = cli_fail(&e);
        goto out;
    }
    if (stat && !text_engine_stat_available(t))
        fprintf(stderr, "govinspect: %s\n", text_engine_stat_note(t));
    text_doc_kind kind = text_doc_sniff(raw, rawlen);
    if (kind == TEXT_DOC_OLE2) {
        err_set(&e, ERR_INPUT,
                L("%s: a .doc, .wps or other old Office file; save it as .docx (Word, WPS) and "
                  "check that",
                  "%s：这是 .doc、.wps 等旧版 Office 文件，请另存为 .docx（Word、WPS 均可）后再检查"),
                path);
        status = cli_fail(&e);
        goto out;
    }
    if (kind == TEXT_DOC_ZIP) {
        /* A .docx: its paragraphs, one a line, are the plain text checked. */
        char *docx = NULL;
        size_t docx_len = 0;
        if (!text_docx_read(raw, rawlen, path, &docx, &docx_len, &e)) {
            status = cli_fail(&e);
            goto out;
        }
        free(raw);
        raw = docx;
        rawlen = docx_len;
    }
    bool html = kind == TEXT_DOC_OTHER && looks_html(raw, rawlen);
    bool ok = html ? page_decode(raw, rawlen, NULL, &dec, &e)
                   : textenc_decode(raw, rawlen, kind == TEXT_DOC_ZIP ? "UTF-8" : NULL, NULL, &dec, &e);
    if (!ok) {
        status = cli_fail(&e);
        goto out;
    }
    if (html && !(pg = page_parse_decoded(&dec, "file:///draft", &e))) {
        status = cli_fail(&e);
        goto out;
    }
    if (!date && !(pg && page_pubdate(pg, &so.pub_year, &so.pub_month, &so.pub_day))) {
        /* A draft is published now. */
        time_t now = time(NULL);
        struct tm tmv;
        localtime_r(&now, &tmv);
        so.pub_year = tmv.tm_year + 1900;
        so.pub_month = tmv.tm_mon + 1;
        so.pub_day = tmv.tm_mday;
    }
    if (o.format == FMT_TABLE) {
        const char *h[] = {L("line", "行"), L("col", "列"), L("text", "原文"), L("should be", "建议"),
                           L("indicator", "指标"), L("kind", "类别"), L("context", "上下文")};
        o.tab = table_new(7, h);
    } else {
        o.array = json_array();
    }
    if (pg) {
        o.src = pg->html;
        o.src_len = pg->html_len;
        if (pg->title && *pg->title) {
            o.scanned = pg->title;
            o.scanned_len = strlen(pg->title);
            o.block_offset = text_title_offset(pg->html, pg->html_len);
            text_srcmap_init(&o.map, pg->html, pg->html_len, o.scanned, o.block_offset);
            text_scan(t, o.scanned, o.scanned_len, &so, on_match, &o);
        }
        for (size_t i = 0; i < pg->ntexts; i++) {
            o.scanned = pg->texts[i].text;
            o.scanned_len = strlen(o.scanned);
            o.block_offset = pg->texts[i].offset;
            text_srcmap_init(&o.map, pg->html, pg->html_len, o.scanned, o.block_offset);
            text_scan(t, o.scanned, o.scanned_len, &so, on_match, &o);
        }
    } else {
        o.src = o.scanned = dec.text;
        o.src_len = o.scanned_len = dec.len;
        text_scan(t, dec.text, dec.len, &so, on_match, &o);
    }
    if (o.n > MAX_SHOWN)
        fprintf(stderr, L("govinspect: %ld findings, the first %d shown\n", "govinspect：共 %ld 处，只列出前 %d 处\n"),
                o.n, MAX_SHOWN);
    if (o.format == FMT_TABLE) {
        if (o.n) table_print(o.tab, stdout);
        printf(L("%ld findings\n", "共 %ld 处\n"), o.n);
    } else {
        json_t *root = json_pack("{s:o}", "findings", o.array);
        o.array = NULL;
        char *js = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (js) puts(js);
        free(js);
        json_decref(root);
    }
    status = o.n ? EXIT_PARTIAL : EXIT_OK;
out:
    table_free(o.tab);
    json_decref(o.array);
    page_free(pg);
    textenc_result_free(&dec);
    text_engine_free(t);
    text_whitelist_free(wl);
    free(raw);
    return status;
}
