/* inspect: crawl and check the registered websites for a round. */
#include "cli/cli.h"

#include "checks/inspect.h"
#include "core/date.h"
#include "core/lang.h"
#include "core/log.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void inspect_on_signal(int sig) {
    (void)sig;
    crawl_request_stop();
}

typedef struct inspect_summary {
    int sites, incomplete, findings, broken, pages;
} inspect_summary;

static void inspect_print_outcome(void *ud, const inspect_site_outcome *o) {
    inspect_summary *s = ud;
    s->sites++;
    s->findings += o->findings;
    s->broken += o->broken;
    s->pages += o->pages;
    if (o->complete) {
        printf(L("%s: %d pages, %d links, %d broken\n", "%s：%d 个页面，%d 个链接，%d 个错链\n"), o->code,
               o->pages, o->links, o->broken);
    } else {
        s->incomplete++;
        printf(L("%s: %d pages, %d links, %d broken; incomplete: %s\n",
                 "%s：%d 个页面，%d 个链接，%d 个错链；未完成：%s\n"),
               o->code, o->pages, o->links, o->broken, o->reason);
    }
}

static const char inspect_options_en[] =
    "  --round NAME          the round (created on first use)\n"
    "  --as-of YYYY-MM-DD    the monitoring date T (required for a new round)\n"
    "  --label TEXT          the round's label, e.g. 2020年第三季度\n"
    "  --site CODE           only this site (repeatable)\n"
    "  --sites-only          websites only (new-media checks come in a later version)\n"
    "  --media-only, --media ID   new-media accounts (not yet available)\n"
    "  --resolve HOST:PORT:ADDR   connect to ADDR for HOST:PORT (curl's meaning; repeatable)\n"
    "  --concurrency N       transfers at once (default 32)\n"
    "  --per-host N          transfers at once per host (default 2)\n"
    "  --delay MS            politeness delay between requests to one host (default 250)\n"
    "  --max-pages N         pages per site (default 5000)\n"
    "  --max-depth N         link depth from the homepage (default: no limit)\n"
    "  --timeout SECONDS     per request (default 30)\n"
    "  --user-agent S        the User-Agent header\n"
    "  --proxy URL           an HTTP proxy (default: http_proxy/https_proxy/no_proxy)\n"
    "  --ignore-robots       ignore robots.txt (a unit checking its own site)\n";

static const char inspect_options_zh[] =
    "  --round NAME          检查轮次（首次使用时创建）\n"
    "  --as-of YYYY-MM-DD    监测时间点 T（新轮次必填）\n"
    "  --label TEXT          轮次标签，如 2020年第三季度\n"
    "  --site CODE           只检查该网站（可重复）\n"
    "  --sites-only          只检查网站（新媒体检查将在后续版本提供）\n"
    "  --media-only, --media ID   新媒体账号（暂未提供）\n"
    "  --resolve HOST:PORT:ADDR   访问 HOST:PORT 时连接 ADDR（同 curl；可重复）\n"
    "  --concurrency N       同时进行的请求数（默认 32）\n"
    "  --per-host N          每个主机同时进行的请求数（默认 2）\n"
    "  --delay MS            同一主机两次请求的间隔毫秒数（默认 250）\n"
    "  --max-pages N         每个网站最多抓取的页面数（默认 5000）\n"
    "  --max-depth N         距首页的最大链接深度（默认不限）\n"
    "  --timeout SECONDS     单个请求超时秒数（默认 30）\n"
    "  --user-agent S        User-Agent 请求头\n"
    "  --proxy URL           HTTP 代理（默认读取 http_proxy/https_proxy/no_proxy）\n"
    "  --ignore-robots       忽略 robots.txt（单位自查本单位网站时使用）\n";

int cmd_inspect(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0], inspect_options_en, inspect_options_zh);
        return EXIT_OK;
    }
    enum {
        O_ROUND = 1000, O_ASOF, O_LABEL, O_SITE, O_MEDIA, O_SITES_ONLY, O_MEDIA_ONLY, O_RESOLVE,
        O_CONC, O_PERHOST, O_DELAY, O_MAXPAGES, O_MAXDEPTH, O_TIMEOUT, O_UA, O_PROXY, O_NOROBOTS
    };
    static const struct option opts[] = {
        {"round", required_argument, NULL, O_ROUND},
        {"as-of", required_argument, NULL, O_ASOF},
        {"label", required_argument, NULL, O_LABEL},
        {"site", required_argument, NULL, O_SITE},
        {"media", required_argument, NULL, O_MEDIA},
        {"sites-only", no_argument, NULL, O_SITES_ONLY},
        {"media-only", no_argument, NULL, O_MEDIA_ONLY},
        {"resolve", required_argument, NULL, O_RESOLVE},
        {"concurrency", required_argument, NULL, O_CONC},
        {"per-host", required_argument, NULL, O_PERHOST},
        {"delay", required_argument, NULL, O_DELAY},
        {"max-pages", required_argument, NULL, O_MAXPAGES},
        {"max-depth", required_argument, NULL, O_MAXDEPTH},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"user-agent", required_argument, NULL, O_UA},
        {"proxy", required_argument, NULL, O_PROXY},
        {"ignore-robots", no_argument, NULL, O_NOROBOTS},
        {0, 0, 0, 0}};
    const char *round_name = NULL, *as_of = NULL, *label = NULL;
    const char **codes = calloc((size_t)argc + 1, sizeof *codes);
    const char **resolve = calloc((size_t)argc + 1, sizeof *resolve);
    size_t ncodes = 0, nresolve = 0;
    bool media_only = false, media_given = false;
    crawl_config cfg = {.agent_token = "govinspect"};
    long v;
    int status = EXIT_OK;
    optind = 1;
    opterr = 0;
    int c;
    while (status == EXIT_OK && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_ROUND: round_name = optarg; break;
        case O_ASOF: as_of = optarg; break;
        case O_LABEL: label = optarg; break;
        case O_SITE: codes[ncodes++] = optarg; break;
        case O_MEDIA: media_given = true; break;
        case O_SITES_ONLY: break;
        case O_MEDIA_ONLY: media_only = true; break;
        case O_RESOLVE: resolve[nresolve++] = optarg; break;
        case O_CONC:
            if (!cli_parse_long(optarg, 1, 4096, &v)) status = cli_usage_error(argv[0], "--concurrency 1..4096");
            else cfg.fetch.max_total = (int)v;
            break;
        case O_PERHOST:
            if (!cli_parse_long(optarg, 1, 256, &v)) status = cli_usage_error(argv[0], "--per-host 1..256");
            else cfg.fetch.max_per_host = (int)v;
            break;
        case O_DELAY:
            if (!cli_parse_long(optarg, 0, 600000, &v)) status = cli_usage_error(argv[0], "--delay 0..600000");
            else cfg.fetch.host_delay_ms = v == 0 ? -1 : v;
            break;
        case O_MAXPAGES:
            if (!cli_parse_long(optarg, 1, 10000000, &v)) status = cli_usage_error(argv[0], "--max-pages >= 1");
            else cfg.max_pages = (int)v;
            break;
        case O_MAXDEPTH:
            if (!cli_parse_long(optarg, 0, 1000, &v)) status = cli_usage_error(argv[0], "--max-depth 0..1000");
            else cfg.max_depth = v == 0 ? -1 : (int)v;
            break;
        case O_TIMEOUT:
            if (!cli_parse_long(optarg, 1, 3600, &v)) status = cli_usage_error(argv[0], "--timeout 1..3600");
            else cfg.fetch.total_timeout_ms = v * 1000;
            break;
        case O_UA: cfg.fetch.user_agent = optarg; break;
        case O_PROXY: cfg.fetch.proxy = optarg; break;
        case O_NOROBOTS: cfg.ignore_robots = true; break;
        default:
            status = cli_usage_error(argv[0], L("unknown option '%s'", "未知选项“%s”"), argv[optind - 1]);
        }
    }
    if (status == EXIT_OK && optind != argc)
        status = cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[optind]);
    int y, m, d;
    if (status == EXIT_OK && !round_name) status = cli_usage_error(argv[0], L("--round is required", "必须给出 --round"));
    if (status == EXIT_OK && as_of && !date_parse_ymd(as_of, &y, &m, &d))
        status = cli_usage_error(argv[0], L("--as-of must be a date YYYY-MM-DD, got '%s'",
                                            "--as-of 须为 YYYY-MM-DD 格式的日期，实为“%s”"),
                                 as_of);
    if (status == EXIT_OK) status = cli_check_resolve(argv[0], resolve, nresolve);
    if (status == EXIT_OK && (media_only || media_given)) {
        log_warn("%s", L("new-media checks are not available in this version; only websites are inspected",
                         "本版本暂不支持新媒体检查，仅检查网站"));
        if (media_only) status = EXIT_PARTIAL;
    }
    cfg.fetch.resolve = nresolve ? resolve : NULL;
    store *s = NULL;
    rules *r = NULL;
    round_rec round = {0};
    cli_sites sites = {0};
    if (status == EXIT_OK && !(s = cli_open_store(g))) status = EXIT_FAILURE_;
    err e = {0};
    if (status == EXIT_OK) status = cli_select_sites(s, argv[0], codes, ncodes, &sites);
    if (status == EXIT_OK) {
        round_rec existing = {0};
        if (store_round_get(s, round_name, &existing, &e)) {
            if (as_of && strcmp(as_of, existing.as_of) != 0)
                status = cli_usage_error(argv[0], L("round %s has the as-of date %s, fixed when it was created",
                                                    "轮次 %s 的监测时间点为 %s，创建后不能更改"),
                                         round_name, existing.as_of);
            else if (!(r = rules_load_text(existing.rules_text, strlen(existing.rules_text), round_name, &e)))
                status = cli_fail(&e);
            round = existing;
        } else if (e.cls != ERR_NONE) {
            status = cli_fail(&e);
        } else if (!as_of) {
            status = cli_usage_error(argv[0], L("round %s does not exist yet: give --as-of to create it",
                                                "轮次 %s 尚不存在：请用 --as-of 创建"),
                                     round_name);
        } else if ((r = cli_load_rules(g))) {
            round_rec want = {.name = (char *)round_name, .as_of = (char *)as_of,
                              .label = (char *)(label ? label : ""), .rules_text = (char *)rules_yaml(r)};
            bool created;
            if (!store_round_ensure(s, &want, &round, &created, &e)) status = cli_fail(&e);
        } else {
            status = EXIT_FAILURE_;
        }
    }
    if (status == EXIT_OK) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = inspect_on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        inspect_summary sum = {0};
        if (!inspect_sites(s, r, &round, sites.items, sites.n, &cfg, inspect_print_outcome, &sum, &e)) {
            status = cli_fail(&e);
        } else {
            printf(L("round %s: %d sites inspected, %d pages, %d broken links, %d findings recorded\n",
                     "轮次 %s：检查网站 %d 个，页面 %d 个，错链 %d 个，记录问题 %d 条\n"),
                   round.name, sum.sites, sum.pages, sum.broken, sum.findings);
            if (sum.incomplete) {
                log_warn(L("%d sites could not be fully checked", "%d 个网站未能完整检查"), sum.incomplete);
                status = EXIT_PARTIAL;
            }
        }
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
    }
    cli_sites_free(&sites);
    round_rec_free(&round);
    rules_free(r);
    store_close(s);
    free(codes);
    free(resolve);
    return status;
}
