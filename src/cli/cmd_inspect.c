/* inspect: crawl and check the registered websites, and read and check the
 * registered new-media accounts, for a round. */
#include "cli/cli.h"

#include "checks/inspect.h"
#include "core/date.h"
#include "core/grow.h"
#include "core/lang.h"
#include "core/log.h"
#include "media/minspect.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void inspect_on_signal(int sig) {
    (void)sig;
    crawl_request_stop();
    minspect_request_stop();
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

/* ---- new media ---- */
typedef struct inspect_media_summary {
    int accounts, unreadable, stale, unjudged, findings;
} inspect_media_summary;

static void inspect_print_media(void *ud, const minspect_outcome *o) {
    inspect_media_summary *s = ud;
    s->accounts++;
    s->findings += o->findings;
    if (!o->readable) {
        s->unreadable++;
        printf(L("%s: unreadable: %s\n", "%s：数据源无法读取：%s\n"), o->media_id, o->reason);
        return;
    }
    s->stale += o->stale;
    s->unjudged += o->stale_unknown;
    printf(L("%s: %s, %d posts, newest %s, %d findings%s\n", "%s：%s，%d 条发布，最新 %s，%d 条问题%s\n"),
           o->media_id, o->format, o->posts, *o->newest ? o->newest : "-", o->findings,
           o->stale ? L("; stale", "；内容不更新")
                    : o->stale_unknown ? L("; freshness not judged", "；更新情况无法判定") : "");
}

/* The accounts a run works on: all registered, or those named. */
typedef struct inspect_media_list {
    media_rec *items;
    size_t n, cap;
    bool oom;
} inspect_media_list;

static bool inspect_media_add(const media_rec *r, void *ud) {
    inspect_media_list *l = ud;
    if (!grow_for_one(&l->items, &l->cap, l->n, sizeof *l->items, 64)) return !(l->oom = true);
    media_rec *c = &l->items[l->n];
    *c = (media_rec){.media_id = strdup(r->media_id), .platform = strdup(r->platform),
                     .name = strdup(r->name), .unit = strdup(r->unit ? r->unit : ""),
                     .org = strdup(r->org ? r->org : ""), .source = strdup(r->source), .seq = r->seq};
    l->n++;
    if (!c->media_id || !c->platform || !c->name || !c->unit || !c->org || !c->source) l->oom = true;
    return !l->oom;
}

static int inspect_select_media(store *s, const char *command, const char *const *ids, size_t nids,
                                inspect_media_list *out) {
    err e = {0};
    if (nids == 0 && !store_media_each(s, NULL, inspect_media_add, out, &e)) return cli_fail(&e);
    for (size_t i = 0; i < nids && !out->oom; i++) {
        media_rec one = {0};
        if (store_media_get(s, ids[i], &one, &e)) {
            inspect_media_add(&one, out);
            media_rec_free(&one);
        } else if (e.cls != ERR_NONE) {
            return cli_fail(&e);
        } else {
            return cli_usage_error(command, L("no registered account has the id %s", "登记表中没有编号为 %s 的新媒体账号"),
                                   ids[i]);
        }
    }
    if (out->oom) {
        log_error("%s", L("out of memory", "内存不足"));
        return EXIT_FAILURE_;
    }
    return EXIT_OK;
}

static void inspect_media_free(inspect_media_list *l) {
    for (size_t i = 0; i < l->n; i++) media_rec_free(&l->items[i]);
    free(l->items);
}

static const char inspect_options_en[] =
    "  --round NAME          the round (created on first use)\n"
    "  --as-of YYYY-MM-DD    the monitoring date T (required for a new round)\n"
    "  --label TEXT          the round's label, e.g. 2020年第三季度\n"
    "  --site CODE           only this site (repeatable; without --media, no accounts)\n"
    "  --media ID            only this new-media account (repeatable; without --site,\n"
    "                        no websites)\n"
    "  --sites-only          websites only\n"
    "  --media-only          new-media accounts only\n"
    "  --resolve HOST:PORT:ADDR   connect to ADDR for HOST:PORT (curl's meaning; repeatable)\n"
    "  --connect-to HOST:PORT:CONNECT-HOST:CONNECT-PORT   connect there for HOST:PORT, keeping\n"
    "                        the URL's host (curl's meaning; empty HOST or PORT: any; repeatable)\n"
    "  --concurrency N       transfers at once (default 32)\n"
    "  --per-host N          transfers at once per host (default 2)\n"
    "  --delay MS            politeness delay between requests to one host (default 250)\n"
    "  --max-pages N         pages per site (default 5000)\n"
    "  --max-depth N         link depth from the homepage (default: no limit)\n"
    "  --timeout SECONDS     per request (default 30)\n"
    "  --user-agent S        the User-Agent header\n"
    "  --proxy URL           an HTTP proxy (default: http_proxy/https_proxy/no_proxy)\n"
    "  --ca-file FILE        also trust the CA certificates in FILE (PEM), e.g. an\n"
    "                        intranet's own CA; TLS is always verified\n"
    "  --ignore-robots       ignore robots.txt (a unit checking its own site)\n"
    "\n"
    "By default every registered website is crawled and checked, then every\n"
    "registered new-media account: its feed (RSS, Atom, JSON Feed with _gov, a\n"
    "Weibo timeline, saved WeChat pages; a URL or a file) is fetched or read, and\n"
    "内容不更新 (media.stale), 互动回应差 (media.interaction), comment-area\n"
    "advertising (media.comment_ads) and post wording (media.security) are judged.\n"
    "An unreadable feed is a media.feed_error finding for that account (exit\n"
    "status 3). The network options apply to feeds too. See docs/new-media.md.\n";

static const char inspect_options_zh[] =
    "  --round NAME          检查轮次（首次使用时创建）\n"
    "  --as-of YYYY-MM-DD    监测时间点 T（新轮次必填）\n"
    "  --label TEXT          轮次标签，如 2020年第三季度\n"
    "  --site CODE           只检查该网站（可重复；未给 --media 时不检查新媒体）\n"
    "  --media ID            只检查该新媒体账号（可重复；未给 --site 时不检查网站）\n"
    "  --sites-only          只检查网站\n"
    "  --media-only          只检查新媒体账号\n"
    "  --resolve HOST:PORT:ADDR   访问 HOST:PORT 时连接 ADDR（同 curl；可重复）\n"
    "  --connect-to HOST:PORT:CONNECT-HOST:CONNECT-PORT   访问 HOST:PORT 时改连该地址，\n"
    "                        请求中的主机名不变（同 curl；HOST 或 PORT 为空表示任意；可重复）\n"
    "  --concurrency N       同时进行的请求数（默认 32）\n"
    "  --per-host N          每个主机同时进行的请求数（默认 2）\n"
    "  --delay MS            同一主机两次请求的间隔毫秒数（默认 250）\n"
    "  --max-pages N         每个网站最多抓取的页面数（默认 5000）\n"
    "  --max-depth N         距首页的最大链接深度（默认不限）\n"
    "  --timeout SECONDS     单个请求超时秒数（默认 30）\n"
    "  --user-agent S        User-Agent 请求头\n"
    "  --proxy URL           HTTP 代理（默认读取 http_proxy/https_proxy/no_proxy）\n"
    "  --ca-file FILE        另外信任 FILE 中的 CA 证书（PEM），如内网自建 CA；\n"
    "                        始终校验 TLS 证书\n"
    "  --ignore-robots       忽略 robots.txt（单位自查本单位网站时使用）\n"
    "\n"
    "默认先抓取并检查全部登记网站，再检查全部登记的新媒体账号：抓取或读取其数据源\n"
    "（RSS、Atom、带 _gov 扩展的 JSON Feed、微博时间线、保存的微信文章页；网址或文件），\n"
    "判定内容不更新（media.stale）、互动回应差（media.interaction）、留言区商业广告\n"
    "（media.comment_ads）和发布内容表述（media.security）。数据源无法读取时为该账号\n"
    "记录 media.feed_error（退出状态 3）。网络选项同样用于抓取数据源。详见\n"
    "docs/new-media.md。\n";

int cmd_inspect(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0], inspect_options_en, inspect_options_zh);
        return EXIT_OK;
    }
    enum {
        O_ROUND = 1000, O_ASOF, O_LABEL, O_SITE, O_MEDIA, O_SITES_ONLY, O_MEDIA_ONLY, O_RESOLVE,
        O_CONC, O_PERHOST, O_CONNECT_TO, O_DELAY, O_MAXPAGES, O_MAXDEPTH, O_TIMEOUT, O_UA, O_PROXY, O_NOROBOTS,
        O_CAFILE
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
        {"connect-to", required_argument, NULL, O_CONNECT_TO},
        {"concurrency", required_argument, NULL, O_CONC},
        {"per-host", required_argument, NULL, O_PERHOST},
        {"delay", required_argument, NULL, O_DELAY},
        {"max-pages", required_argument, NULL, O_MAXPAGES},
        {"max-depth", required_argument, NULL, O_MAXDEPTH},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"user-agent", required_argument, NULL, O_UA},
        {"proxy", required_argument, NULL, O_PROXY},
        {"ca-file", required_argument, NULL, O_CAFILE},
        {"ignore-robots", no_argument, NULL, O_NOROBOTS},
        {0, 0, 0, 0}};
    const char *round_name = NULL, *as_of = NULL, *label = NULL;
    const char **codes = calloc((size_t)argc + 1, sizeof *codes);
    const char **resolve = calloc((size_t)argc + 1, sizeof *resolve);
    const char **connect_to = calloc((size_t)argc + 1, sizeof *connect_to);
    size_t ncodes = 0, nresolve = 0, nconnect = 0;
    const char **media_ids = calloc((size_t)argc + 1, sizeof *media_ids);
    size_t nmedia = 0;
    bool media_only = false, sites_only = false;
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
        case O_MEDIA: media_ids[nmedia++] = optarg; break;
        case O_SITES_ONLY: sites_only = true; break;
        case O_MEDIA_ONLY: media_only = true; break;
        case O_RESOLVE: resolve[nresolve++] = optarg; break;
        case O_CONNECT_TO: connect_to[nconnect++] = optarg; break;
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
        case O_CAFILE: cfg.fetch.ca_file = optarg; break;
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
    if (status == EXIT_OK) status = cli_check_connect_to(argv[0], connect_to, nconnect);
    if (status == EXIT_OK) status = cli_check_ca_file(argv[0], cfg.fetch.ca_file);
    if (status == EXIT_OK && sites_only && (media_only || nmedia))
        status = cli_usage_error(argv[0], L("--sites-only excludes --media-only and --media",
                                            "--sites-only 不能与 --media-only、--media 同用"));
    if (status == EXIT_OK && media_only && ncodes)
        status = cli_usage_error(argv[0], L("--media-only excludes --site", "--media-only 不能与 --site 同用"));
    /* Naming sites alone selects no accounts, and naming accounts alone no sites. */
    bool run_sites = !media_only && !(nmedia && !ncodes);
    bool run_media = !sites_only && !(ncodes && !nmedia);
    cfg.fetch.resolve = nresolve ? resolve : NULL;
    cfg.fetch.connect_to = nconnect ? connect_to : NULL;
    store *s = NULL;
    rules *r = NULL;
    round_rec round = {0};
    cli_sites sites = {0};
    inspect_media_list media = {0};
    if (status == EXIT_OK && !(s = cli_open_store(g))) status = EXIT_FAILURE_;
    err e = {0};
    if (status == EXIT_OK && run_sites) status = cli_select_sites(s, argv[0], codes, ncodes, &sites);
    if (status == EXIT_OK && run_media) status = inspect_select_media(s, argv[0], media_ids, nmedia, &media);
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
        if (!run_sites) {
        } else if (!inspect_sites(s, r, &round, sites.items, sites.n, &cfg, inspect_print_outcome, &sum, &e)) {
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
        inspect_media_summary msum = {0};
        int mstatus = EXIT_OK;
        /* Post text goes through the text engine for media.security; without
         * its lexicons the other indicators are still judged. */
        text_engine *te = NULL;
        if (run_media && media.n && !(te = text_engine_load_for_inspections(&e))) {
            log_warn(L("post text not scanned (media.security): %s", "未检查发布内容（安全指标）：%s"), e.msg);
            err_clear(&e);
        }
        if (!run_media) {
        } else if (!minspect_run(s, r, &round, media.items, media.n, &cfg.fetch, te, inspect_print_media,
                                 &msum, &e)) {
            mstatus = cli_fail(&e);
        } else {
            printf(L("round %s: %d accounts inspected, %d unreadable, %d stale, %d not judged for freshness, "
                     "%d findings recorded\n",
                     "轮次 %s：检查新媒体账号 %d 个，数据源无法读取 %d 个，内容不更新 %d 个，更新情况无法判定 %d 个，"
                     "记录问题 %d 条\n"),
                   round.name, msum.accounts, msum.unreadable, msum.stale, msum.unjudged, msum.findings);
            if (msum.unreadable) {
                log_warn(L("%d accounts could not be read", "%d 个新媒体账号的数据源无法读取"), msum.unreadable);
                mstatus = EXIT_PARTIAL;
            }
        }
        text_engine_free(te);
        if (status == EXIT_OK || (status == EXIT_PARTIAL && mstatus != EXIT_OK)) status = mstatus;
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
    }
    inspect_media_free(&media);
    free(media_ids);
    cli_sites_free(&sites);
    round_rec_free(&round);
    rules_free(r);
    store_close(s);
    free(codes);
    free(resolve);
    free(connect_to);
    return status;
}
