/* report: the round's 通报 in Markdown, HTML, Word or Excel; report
 * template show: the default template an office copies and edits. */
#include "cli/cli.h"

#include "core/fileio.h"
#include "core/lang.h"
#include "core/sbuf.h"
#include "judge/verdict.h"
#include "report/report.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *default_template_path(void) {
    sbuf p = SBUF_INIT;
    sbuf_printf(&p, "%s/report/template.txt", cli_data_dir());
    return sbuf_detach(&p);
}

int cmd_report_template_show(const cli_globals *g, int argc, char **argv) {
    (void)g;
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  Prints the default template. Copy it, edit the office's own paragraphs,\n"
                       "  and pass it with 'report --template FILE'.\n",
                       "  打印默认模板。复制后修改本单位自己的段落，用“report --template FILE”指定。\n");
        return EXIT_OK;
    }
    if (argc > 1) return cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[1]);
    char *path = default_template_path();
    char *text = NULL;
    size_t len = 0;
    err e = {0};
    int status = EXIT_OK;
    if (!path || !file_read_all(path, 1u << 20, &text, &len, &e)) status = cli_fail(&e);
    else fwrite(text, 1, len, stdout);
    free(text);
    free(path);
    return status;
}

static void today_text(char *out, size_t outsz) {
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    snprintf(out, outsz, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int cmd_report(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  --round NAME          the round (required)\n"
                       "  --previous NAME       the previous round: recheck of its failures,\n"
                       "                        targets failing the same indicator twice named\n"
                       "  --org ORG             one organisation and those under it\n"
                       "  --template FILE       the office's template (default: 'report template show')\n"
                       "  --set NAME=VALUE      set a template variable (repeatable), e.g.\n"
                       "                        --set 发文日期=2020年8月17日\n"
                       "  --format md|html|docx|xlsx   output format (required)\n"
                       "  -o, --output FILE     where to write (required)\n"
                       "  Rounds are judged by their own rule sets, or both by --rules FILE.\n",
                       "  --round NAME          检查轮次（必填）\n"
                       "  --previous NAME       上一轮次：复核其问题，并点名连续两轮同一问题的对象\n"
                       "  --org ORG             只含某组织单位及其下级\n"
                       "  --template FILE       本单位的通报模板（默认见“report template show”）\n"
                       "  --set NAME=VALUE      设置模板变量（可重复），如 --set 发文日期=2020年8月17日\n"
                       "  --format md|html|docx|xlsx   输出格式（必填）\n"
                       "  -o, --output FILE     输出文件（必填）\n"
                       "  各轮次按其保存的规则集评判；给出 --rules FILE 则两轮均按其评判。\n");
        return EXIT_OK;
    }
    static const struct option opts[] = {{"round", required_argument, NULL, 'r'},
                                         {"previous", required_argument, NULL, 'p'},
                                         {"org", required_argument, NULL, 'g'},
                                         {"template", required_argument, NULL, 't'},
                                         {"set", required_argument, NULL, 's'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"output", required_argument, NULL, 'o'},
                                         {0, 0, 0, 0}};
    const char *round = NULL, *previous = NULL, *org = NULL, *tpl_path = NULL, *format = NULL,
               *output = NULL;
    const char *sets[64];
    size_t nsets = 0;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'r') round = optarg;
        else if (c == 'p') previous = optarg;
        else if (c == 'g') org = optarg;
        else if (c == 't') tpl_path = optarg;
        else if (c == 'f') format = optarg;
        else if (c == 'o') output = optarg;
        else if (c == 's') {
            if (nsets == sizeof sets / sizeof *sets || !strchr(optarg, '='))
                return cli_usage_error(argv[0], L("--set NAME=VALUE (at most 64): '%s'",
                                                  "--set 名称=值（最多 64 个）：“%s”"),
                                       optarg);
            sets[nsets++] = optarg;
        } else {
            return cli_usage_error(argv[0], L("unknown option '%s'", "未知选项“%s”"), argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[optind]);
    if (!format || !output)
        return cli_usage_error(argv[0], "%s", L("--format and -o are required", "必须给出 --format 和 -o"));
    if (strcmp(format, "md") && strcmp(format, "html") && strcmp(format, "docx") && strcmp(format, "xlsx"))
        return cli_usage_error(argv[0], L("unknown format '%s' (md, html, docx, xlsx)",
                                          "未知格式“%s”（md、html、docx、xlsx）"),
                               format);
    if (previous && round && strcmp(previous, round) == 0)
        return cli_usage_error(argv[0], "%s", L("--previous names the round itself", "--previous 与 --round 相同"));

    err e = {0};
    char *def = tpl_path ? NULL : default_template_path();
    report_template *tpl = report_template_load(tpl_path ? tpl_path : def, &e);
    free(def);
    if (!tpl) return cli_fail(&e);
    for (size_t i = 0; i < nsets; i++) {
        const char *eq = strchr(sets[i], '=');
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(eq - sets[i]), sets[i]);
        if (!report_template_set(tpl, name, eq + 1, &e)) {
            report_template_free(tpl);
            return cli_fail(&e);
        }
    }
    cli_round cur, prev = {0};
    int status = cli_round_open(g, argv[0], round, &cur);
    if (status != EXIT_OK) {
        report_template_free(tpl);
        return status;
    }
    if (previous) status = cli_round_open(g, argv[0], previous, &prev);
    verdict_set vcur = {0}, vprev = {0};
    bool have_prev = false;
    if (status == EXIT_OK && !verdicts_compute(cur.s, cur.r, &cur.round, org, &vcur, &e))
        status = cli_fail(&e);
    if (status == EXIT_OK && previous) {
        if (!verdicts_compute(prev.s, prev.r, &prev.round, org, &vprev, &e)) status = cli_fail(&e);
        else have_prev = true;
    }
    if (status == EXIT_OK) {
        char today[64];
        today_text(today, sizeof today);
        report_input in = {.r = cur.r,
                           .cur = &vcur,
                           .prev = have_prev ? &vprev : NULL,
                           .s = cur.s,
                           .round_id = cur.round.id,
                           .today = today};
        doc *d = report_build(&in, tpl, &e);
        if (!d || !doc_write(d, format, output, &e)) status = cli_fail(&e);
        else
            printf(L("%s: report of round %s (%d websites: %d failed; %d accounts: %d failed)\n",
                     "%s：轮次 %s 的通报（网站 %d 个，不合格 %d 个；新媒体 %d 个，不合格 %d 个）\n"),
                   output, cur.round.name, vcur.sites.registered, vcur.sites.fail,
                   vcur.media.registered, vcur.media.fail);
        doc_free(d);
        if (status == EXIT_OK && vcur.sites.unknown + vcur.media.unknown > 0) status = EXIT_PARTIAL;
    }
    verdict_set_free(&vcur);
    if (have_prev) verdict_set_free(&vprev);
    if (previous) cli_round_close(&prev);
    cli_round_close(&cur);
    report_template_free(tpl);
    return status;
}
