/* govinspect — the command-line front end.
 *
 * A thin caller of the library: it parses the global options wherever they
 * stand, finds the command (one or two words), and hands it the rest.
 */
#include "cli/cli.h"

#include "core/lang.h"
#include "core/log.h"
#include "core/progress.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const cli_command cli_commands[] = {
    {"sites import", cmd_sites_import, "FILE.csv",
     "Add or update websites in the registry from a CSV file.",
     "从 CSV 文件添加或更新网站登记。"},
    {"sites list", cmd_sites_list, "[--org ORG] [--format table|json|csv]",
     "List the registered websites in registry order.", "按登记顺序列出网站。"},
    {"media import", cmd_media_import, "FILE.csv",
     "Add or update new-media accounts in the registry from a CSV file.",
     "从 CSV 文件添加或更新政务新媒体登记。"},
    {"media list", cmd_media_list, "[--org ORG] [--format table|json|csv]",
     "List the registered new-media accounts in registry order.", "按登记顺序列出政务新媒体。"},
    {"probe", cmd_probe, "[--site CODE]... [--rounds N] [--interval SECONDS] [--timeout SECONDS] [options]", "Probe the homepages now (站点无法访问 monitoring), N rounds; every probe is stored.", "立即探测网站首页是否可访问（可探测 N 轮），每次探测都会保存。"},
    {"probes import", cmd_probes_import, "FILE.csv", "Import a probe log (site_code,time,ok,http_status,elapsed_ms,error).", "导入探测记录（site_code,time,ok,http_status,elapsed_ms,error）。"},
    {"downtime add", cmd_downtime_add, "--site CODE --from TIME --to TIME --reason TEXT [--kind report|takedown]", "Register a reported outage or an approved take-down (报备).", "登记故障报备或经批准的临时下线。"},
    {"downtime list", cmd_downtime_list, "[--site CODE] [--format table|json|csv]", "List the registered downtime.", "列出已登记的停机报备。"},
    {"rules show", cmd_rules_show, "",
     "Print the rule set in force (the built-in national set, or --rules FILE merged on it).",
     "打印当前生效的指标规则集（内置国家规则集，或以 --rules 文件覆盖后的结果）。"},
    {"inspect", cmd_inspect,
     "--round NAME --as-of YYYY-MM-DD [--label TEXT] [--site CODE]... [--media ID]... "
     "[--sites-only|--media-only] [options]",
     "Check the registered websites (crawl, links, freshness ...) and new-media accounts (feeds) for a round.",
     "按轮次检查登记的网站（抓取、错链、更新等）和新媒体账号（数据源）。"},
    {"findings", cmd_findings, "--round NAME [--target ID] [--format table|json|csv]",
     "The findings of a round with their evidence.", "列出某轮次发现的问题及证据。"},
    {"review list", cmd_review_list,
     "--round NAME [--target ID] [--indicator CODE] [--status S] [--format table|json|csv]",
     "The findings awaiting review (or decided ones, with --status).",
     "列出待审核的问题（或用 --status 查看已审核的）。"},
    {"review confirm", cmd_review_decide,
     "--round NAME (FINDING_ID... | --all [--indicator CODE] [--target ID]) [--by NAME] [--note TEXT]",
     "Confirm findings: they count in verdicts and reports.", "确认问题：计入评判和通报。"},
    {"review dismiss", cmd_review_decide,
     "--round NAME (FINDING_ID... | --all [--indicator CODE] [--target ID]) [--by NAME] [--note TEXT]",
     "Dismiss findings as false alarms.", "排除误报的问题。"},
    {"review add", cmd_review_add,
     "--round NAME --target ID --indicator CODE --note TEXT [--url URL] [--by NAME]",
     "Record a finding only a person can establish (a leak, bought followers).",
     "录入只能由人工认定的问题（泄密、买粉等）。"},
    {"bonus set", cmd_bonus_set, "--round NAME --site CODE --points N --note TEXT",
     "A portal's bonus points, entered by a reviewer.", "录入门户网站的加分。"},
    {"verdicts", cmd_verdicts, "--round NAME [--org ORG] [--format table|json|csv]",
     "Per target: pass, fail, pending or unknown, with vetoes, score and report phrases.",
     "逐个对象给出结论（合格、不合格、待审核、无法判定）、否决项、得分和通报措辞。"},
    {"report", cmd_report,
     "--round NAME [--previous NAME] [--org ORG] [--template FILE] --format md|html|docx|xlsx -o FILE",
     "Write the round's 通报 with its appendices.", "生成本轮通报及附件。"},
    {"report template show", cmd_report_template_show, "",
     "Print the default report template.", "打印默认通报模板。"},
    {"text", cmd_text, "[--format table|json] [--date YYYY-MM-DD] [--whitelist FILE] [--no-stat] FILE|-",
     "Check a draft (text, HTML or .docx) for typos, serious wording errors and harmful words.",
     "检查待发布稿件（文本、HTML 或 .docx）中的错别字、严重表述错误和违规词语。"},
    {"demo", cmd_demo, "[--out DIR]",
     "Run a whole round on the bundled demo world, served locally, and write the 通报.",
     "在本机提供的内置演示网站上执行一轮完整检查并生成通报。"},
    {NULL, NULL, NULL, NULL, NULL},
};

static void main_help(void) {
    printf("%s", L(
        "govinspect — inspect government websites and new-media accounts against the national\n"
        "indicators, record findings with evidence, judge them by a rule set, and write the 通报.\n\n"
        "Usage: govinspect [--db URI] [--rules FILE] [-v|-q] [--no-progress] COMMAND ...\n\n"
        "Global options (may also follow the command):\n"
        "  --db URI         database: PATH, sqlite:PATH or postgresql://... \n"
        "                   (default: $GOVINSPECT_DB, else ./govinspect.db)\n"
        "  --rules FILE     rule-set file merged on the built-in national set\n"
        "  -v, --verbose    more detail on stderr\n"
        "  -q, --quiet      errors only\n"
        "  --no-progress    no progress line even on a terminal\n"
        "  -h, --help       this help; 'govinspect COMMAND --help' for a command\n"
        "  --version        print the version\n\n"
        "Commands:\n",
        "govinspect —— 按国家检查指标检查政府网站和政务新媒体，记录问题及证据，按规则集评判，并生成通报。\n\n"
        "用法：govinspect [--db URI] [--rules FILE] [-v|-q] [--no-progress] 命令 ...\n\n"
        "全局选项（也可放在命令之后）：\n"
        "  --db URI         数据库：PATH、sqlite:PATH 或 postgresql://...\n"
        "                   （默认：$GOVINSPECT_DB，否则 ./govinspect.db）\n"
        "  --rules FILE     覆盖内置国家规则集的规则文件\n"
        "  -v, --verbose    输出更多信息\n"
        "  -q, --quiet      只输出错误\n"
        "  --no-progress    不显示进度行\n"
        "  -h, --help       本帮助；“govinspect 命令 --help”查看命令帮助\n"
        "  --version        打印版本\n\n"
        "命令：\n"));
    for (const cli_command *c = cli_commands; c->name; c++)
        printf("  %-14s %s\n", c->name, L(c->summary_en, c->summary_zh));
    printf("%s", L("\nExit status: 0 success; 3 done with rejected rows or unchecked targets;\n"
                   "2 usage error; 1 any other failure.\n",
                   "\n退出码：0 成功；3 完成但有被拒绝的行或未能检查的对象；2 用法错误；1 其他失败。\n"));
}

/* Takes the value of a global option given as "--opt VALUE" or
 * "--opt=VALUE"; returns the number of words consumed, 0 if not this option,
 * -1 if the value is missing. */
static int main_take_value(int argc, char **argv, int i, const char *opt, const char **out) {
    size_t n = strlen(opt);
    if (strncmp(argv[i], opt, n) != 0) return 0;
    if (argv[i][n] == '=') {
        *out = argv[i] + n + 1;
        return 1;
    }
    if (argv[i][n] != '\0') return 0;
    if (i + 1 >= argc) return -1;
    *out = argv[i + 1];
    return 2;
}

int main(int argc, char **argv) {
    /* libcurl runs with CURLOPT_NOSIGNAL; a peer closing a socket must not
     * kill the process. */
    signal(SIGPIPE, SIG_IGN);
    cli_globals g = {0};
    log_verbosity verbosity = LOG_NORMAL;
    bool want_help = false, want_version = false;
    /* Strip the global options, keeping the remaining words in order. */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest) return EXIT_FAILURE_;
    int nrest = 0;
    bool after_dashdash = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used = 0;
        if (!after_dashdash) {
            if (strcmp(a, "--") == 0) after_dashdash = true;
            else if ((used = main_take_value(argc, argv, i, "--db", &g.db)) ||
                     (used = main_take_value(argc, argv, i, "--rules", &g.rules))) {
                if (used < 0) {
                    free(rest);
                    return cli_usage_error("", L("option %s needs a value", "选项 %s 需要一个值"), a);
                }
                i += used - 1;
                continue;
            } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
                verbosity = LOG_VERBOSE;
                continue;
            } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
                verbosity = LOG_QUIET;
                continue;
            } else if (strcmp(a, "--no-progress") == 0) {
                g.no_progress = true;
                continue;
            } else if (strcmp(a, "--version") == 0) {
                want_version = true;
                continue;
            } else if (nrest == 0 && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
                want_help = true;
                continue;
            }
        }
        rest[nrest++] = argv[i];
    }
    log_set_verbosity(verbosity);
    progress_enable(!g.no_progress);
    if (!g.db) g.db = getenv("GOVINSPECT_DB");
    if (!g.db || !*g.db) g.db = "govinspect.db";

    /* "help sites import" is "sites import --help". */
    if (nrest >= 2 && strcmp(rest[0], "help") == 0) {
        memmove(rest, rest + 1, (size_t)(nrest - 1) * sizeof *rest);
        rest[nrest - 1] = "--help";
    }
    int status;
    if (want_version) {
        printf("govinspect %s\n", GI_VERSION);
        status = EXIT_OK;
    } else if (want_help || nrest == 0 || (strcmp(rest[0], "help") == 0 && nrest == 1)) {
        main_help();
        status = (nrest == 0 && !want_help) ? EXIT_USAGE : EXIT_OK;
    } else {
        /* The command whose words the line starts with; the longest wins
         * ("report template show" over "report"). */
        const cli_command *found = NULL;
        int words = 0;
        for (const cli_command *c = cli_commands; c->name; c++) {
            int n = 0;
            const char *w = c->name;
            bool match = true;
            while (match && *w) {
                size_t len = strcspn(w, " ");
                match = n < nrest && strlen(rest[n]) == len && strncmp(rest[n], w, len) == 0;
                n++;
                w += len;
                while (*w == ' ') w++;
            }
            if (match && n > words) found = c, words = n;
        }
        if (!found) {
            status = cli_usage_error(rest[0], L("unknown command", "未知命令"));
        } else {
            curl_global_init(CURL_GLOBAL_DEFAULT);
            /* The command sees itself as argv[0]. */
            rest[words - 1] = (char *)found->name;
            status = found->run(&g, nrest - (words - 1), rest + (words - 1));
            curl_global_cleanup();
        }
    }
    free(rest);
    return status;
}
