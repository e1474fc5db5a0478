/* probe, probes import: homepage availability probes (站点无法访问). */
#include "cli/cli.h"

#include "checks/availability.h"
#include "core/date.h"
#include "core/lang.h"
#include "core/log.h"
#include "core/progress.h"
#include "fetch/prober.h"
#include "registry/probelog.h"

#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void probe_on_signal(int sig) {
    (void)sig;
    prober_request_stop();
}

/* Per site: probes and failures over all rounds. */
typedef struct probe_tally {
    int probes, failed;
} probe_tally;

static const char probe_options_en[] =
    "  --site CODE           only this site (repeatable; default: every registered site)\n"
    "  --rounds N            rounds of probes (default 1)\n"
    "  --interval SECONDS    from the start of one round to the next (default 3600)\n"
    "  --timeout SECONDS     time limit of a probe (default: the rule set's slow_seconds)\n"
    "  --summary             one line per site instead of one per probe\n"
    "  --resolve HOST:PORT:ADDR   connect to ADDR for HOST:PORT (curl's meaning; repeatable)\n"
    "  --connect-to HOST:PORT:CONNECT-HOST:CONNECT-PORT   connect there for HOST:PORT, keeping\n"
    "                        the URL's host (curl's meaning; empty HOST or PORT: any; repeatable)\n"
    "  --concurrency N       probes at once (default 64)\n"
    "  --user-agent S        the User-Agent header\n"
    "  --proxy URL           an HTTP proxy (default: http_proxy/https_proxy/no_proxy)\n"
    "  --ca-file FILE        also trust the CA certificates in FILE (PEM), e.g. an\n"
    "                        intranet's own CA; TLS is always verified\n"
    "  Every probe is stored. Exit status 3 when some probe failed (or Ctrl-C stopped\n"
    "  the run: the probes done are kept).\n";

static const char probe_options_zh[] =
    "  --site CODE           只探测该网站（可重复；默认探测全部登记网站）\n"
    "  --rounds N            探测轮数（默认 1）\n"
    "  --interval SECONDS    两轮开始之间的间隔秒数（默认 3600）\n"
    "  --timeout SECONDS     单次探测时限（默认取规则集的 slow_seconds）\n"
    "  --summary             每个网站一行，而不是每次探测一行\n"
    "  --resolve HOST:PORT:ADDR   访问 HOST:PORT 时连接 ADDR（同 curl；可重复）\n"
    "  --connect-to HOST:PORT:CONNECT-HOST:CONNECT-PORT   访问 HOST:PORT 时改连该地址，\n"
    "                        请求中的主机名不变（同 curl；HOST 或 PORT 为空表示任意；可重复）\n"
    "  --concurrency N       同时进行的探测数（默认 64）\n"
    "  --user-agent S        User-Agent 请求头\n"
    "  --proxy URL           HTTP 代理（默认读取 http_proxy/https_proxy/no_proxy）\n"
    "  --ca-file FILE        另外信任 FILE 中的 CA 证书（PEM），如内网自建 CA；\n"
    "                        始终校验 TLS 证书\n"
    "  每次探测都会保存。有探测失败（或按 Ctrl-C 中止，已完成的探测会保留）时退出码为 3。\n";

static void probe_print(const rules *r, const probe_rec *p) {
    char reason[256];
    bool failed = availability_probe_failed(r, p, reason, sizeof reason);
    char status[24] = "-", elapsed[32] = "-";
    if (p->http_status >= 0) snprintf(status, sizeof status, "HTTP %d", p->http_status);
    if (p->elapsed_ms >= 0) snprintf(elapsed, sizeof elapsed, "%lld ms", (long long)p->elapsed_ms);
    if (failed)
        printf("%s %s %s %s %s: %s\n", p->site_code, p->time, L("FAILED", "失败"), status, elapsed, reason);
    else
        printf("%s %s %s %s %s\n", p->site_code, p->time, L("ok", "正常"), status, elapsed);
}

int cmd_probe(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0], probe_options_en, probe_options_zh);
        return EXIT_OK;
    }
    enum { O_SITE = 1000, O_ROUNDS, O_INTERVAL, O_TIMEOUT, O_SUMMARY, O_RESOLVE, O_CONC, O_UA, O_PROXY, O_CONNECT_TO, O_CAFILE };
    static const struct option opts[] = {
        {"site", required_argument, NULL, O_SITE},
        {"rounds", required_argument, NULL, O_ROUNDS},
        {"interval", required_argument, NULL, O_INTERVAL},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"summary", no_argument, NULL, O_SUMMARY},
        {"resolve", required_argument, NULL, O_RESOLVE},
        {"connect-to", required_argument, NULL, O_CONNECT_TO},
        {"concurrency", required_argument, NULL, O_CONC},
        {"user-agent", required_argument, NULL, O_UA},
        {"proxy", required_argument, NULL, O_PROXY},
        {"ca-file", required_argument, NULL, O_CAFILE},
        {0, 0, 0, 0}};
    const char **codes = calloc((size_t)argc + 1, sizeof *codes);
    const char **resolve = calloc((size_t)argc + 1, sizeof *resolve);
    const char **connect_to = calloc((size_t)argc + 1, sizeof *connect_to);
    if (!codes || !resolve || !connect_to) {
        free(codes);
        free(resolve);
        free(connect_to);
        return EXIT_FAILURE_;
    }
    size_t ncodes = 0, nresolve = 0, nconnect = 0;
    long rounds = 1, interval = 3600, timeout = 0, v;
    bool summary = false;
    fetch_config fc = {0};
    int status = EXIT_OK;
    optind = 1;
    opterr = 0;
    int c;
    while (status == EXIT_OK && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_SITE: {
            bool seen = false;
            for (size_t i = 0; i < ncodes && !seen; i++) seen = strcmp(codes[i], optarg) == 0;
            if (!seen) codes[ncodes++] = optarg;
            break;
        }
        case O_ROUNDS:
            if (!cli_parse_long(optarg, 1, 1000000, &rounds)) status = cli_usage_error(argv[0], "--rounds 1..1000000");
            break;
        case O_INTERVAL:
            if (!cli_parse_long(optarg, 1, 31 * 86400, &interval))
                status = cli_usage_error(argv[0], L("--interval takes whole seconds >= 1", "--interval 须为不小于 1 的整秒数"));
            break;
        case O_TIMEOUT:
            if (!cli_parse_long(optarg, 1, 3600, &timeout)) status = cli_usage_error(argv[0], "--timeout 1..3600");
            break;
        case O_SUMMARY: summary = true; break;
        case O_RESOLVE: resolve[nresolve++] = optarg; break;
        case O_CONNECT_TO: connect_to[nconnect++] = optarg; break;
        case O_CONC:
            if (!cli_parse_long(optarg, 1, 4096, &v)) status = cli_usage_error(argv[0], "--concurrency 1..4096");
            else fc.max_total = (int)v;
            break;
        case O_UA: fc.user_agent = optarg; break;
        case O_PROXY: fc.proxy = optarg; break;
        case O_CAFILE: fc.ca_file = optarg; break;
        default:
            status = cli_usage_error(argv[0], L("unknown option '%s'", "未知选项“%s”"), argv[optind - 1]);
        }
    }
    if (status == EXIT_OK && optind != argc)
        status = cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[optind]);
    if (status == EXIT_OK) status = cli_check_resolve(argv[0], resolve, nresolve);
    if (status == EXIT_OK) status = cli_check_connect_to(argv[0], connect_to, nconnect);
    if (status == EXIT_OK) status = cli_check_ca_file(argv[0], fc.ca_file);
    fc.resolve = nresolve ? resolve : NULL;
    fc.connect_to = nconnect ? connect_to : NULL;

    store *s = NULL;
    rules *r = NULL;
    cli_sites sites = {0};
    int zone = 480;
    err e = {0};
    if (status == EXIT_OK && !(r = cli_load_rules(g))) status = EXIT_FAILURE_;
    if (status == EXIT_OK) {
        const char *tz = rules_string(r, "ruleset/time_zone");
        if (!date_parse_offset(tz, &zone)) {
            log_error(L("rule set: invalid time_zone '%s'", "规则集：time_zone 无效：%s"), tz);
            status = EXIT_FAILURE_;
        }
        /* The rule set's limit: a probe that needs longer fails anyway. */
        if (!timeout) {
            double limit = rules_threshold_at(r, "indicators/site.unreachable/slow_seconds").value;
            timeout = limit < 1 ? 1 : (long)ceil(limit);
        }
        fc.total_timeout_ms = timeout * 1000;
        fc.connect_timeout_ms = timeout * 1000;
    }
    if (status == EXIT_OK && !(s = cli_open_store(g))) status = EXIT_FAILURE_;
    if (status == EXIT_OK) status = cli_select_sites(s, argv[0], codes, ncodes, &sites);
    if (status == EXIT_OK && sites.n == 0) {
        printf("%s\n", L("no registered site to probe", "没有可探测的登记网站"));
    } else if (status == EXIT_OK) {
        prober_site *ps = calloc(sites.n, sizeof *ps);
        probe_tally *tally = calloc(sites.n, sizeof *tally);
        if (!ps || !tally) status = EXIT_FAILURE_;
        for (size_t i = 0; ps && i < sites.n; i++) ps[i] = (prober_site){sites.items[i].code, sites.items[i].url};
        if (status == EXIT_OK && (long)timeout > interval && rounds > 1)
            log_warn(L("--interval %ld is shorter than the probe time limit %ld s: a slow site can make a "
                       "round start late",
                       "--interval %ld 小于探测时限 %ld 秒：慢速网站可能使下一轮推迟开始"),
                     interval, timeout);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = probe_on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        long done_rounds = 0, stored = 0, added = 0, failed = 0;
        bool stopped = false;
        for (long k = 0; status == EXIT_OK && k < rounds && !stopped; k++) {
            int64_t start = prober_now_ms();
            char label[96];
            snprintf(label, sizeof label, L("probing, round %ld of %ld", "探测中，第 %ld/%ld 轮"), k + 1, rounds);
            progress_start(label, 0);
            prober_round pr;
            bool ok = prober_run(&fc, zone, ps, sites.n, &pr, &e);
            progress_done();
            if (!ok) {
                status = cli_fail(&e);
                break;
            }
            size_t n_added = 0;
            if (!prober_save(s, &pr, &n_added, &e)) {
                status = cli_fail(&e);
                prober_round_free(&pr);
                break;
            }
            /* Probes come back in site order. */
            for (size_t i = 0, j = 0; i < pr.n; i++) {
                while (j < sites.n && strcmp(ps[j].code, pr.probes[i].site_code) != 0) j++;
                bool bad = availability_probe_failed(r, &pr.probes[i], NULL, 0);
                if (j < sites.n) {
                    tally[j].probes++;
                    if (bad) tally[j].failed++;
                }
                if (bad) failed++;
                if (!summary) probe_print(r, &pr.probes[i]);
            }
            fflush(stdout);
            stored += (long)pr.n;
            added += (long)n_added;
            stopped = pr.stopped;
            prober_round_free(&pr);
            done_rounds++;
            if (stopped || k + 1 == rounds) break;
            long wait = (long)(start + interval * 1000 - prober_now_ms());
            if (wait <= 0)
                log_warn(L("round %ld took longer than the interval; the next starts now",
                           "第 %ld 轮用时超过间隔，下一轮立即开始"),
                         k + 1);
            else if (!prober_sleep_ms(wait))
                stopped = true;
        }
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        if (summary && status == EXIT_OK)
            for (size_t i = 0; i < sites.n; i++)
                printf(L("%s %s: %d probes, %d failed\n", "%s %s：探测 %d 次，失败 %d 次\n"), sites.items[i].code,
                       sites.items[i].name, tally[i].probes, tally[i].failed);
        if (status == EXIT_OK) {
            printf(L("%ld rounds, %zu sites: %ld probes stored (%ld new), %ld failed\n",
                     "共 %ld 轮、%zu 个网站：保存探测 %ld 次（新增 %ld 次），失败 %ld 次\n"),
                   done_rounds, sites.n, stored, added, failed);
            if (stopped) {
                log_warn("%s", L("stopped before the last round ended; the probes done are stored",
                                 "在最后一轮结束前停止；已完成的探测已保存"));
                status = EXIT_PARTIAL;
            } else if (failed) {
                status = EXIT_PARTIAL;
            }
        }
        free(ps);
        free(tally);
    }
    cli_sites_free(&sites);
    rules_free(r);
    store_close(s);
    free(codes);
    free(resolve);
    free(connect_to);
    return status;
}

/* ---- probes import ---- */

static void probes_print_problem(void *ud, bool is_error, const char *message) {
    (void)ud;
    if (is_error) log_error("%s", message);
    else log_warn("%s", message);
}

int cmd_probes_import(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  Columns: site_code, time, ok required; http_status, elapsed_ms, error\n"
                       "  optional. time is ISO 8601 with its UTC offset (2020-08-10T09:30:00+08:00);\n"
                       "  ok is 1/0 or true/false; http_status and elapsed_ms may be empty.\n"
                       "  UTF-8 with or without BOM, or GBK/GB18030. A probe already stored (same\n"
                       "  site and instant) is not stored again. Exit status 3 when rows were\n"
                       "  rejected, 1 when the file is not a probe log.\n",
                       "  列：site_code、time、ok 必填；http_status、elapsed_ms、error 可选。\n"
                       "  time 为带时区偏移的 ISO 8601 时间（2020-08-10T09:30:00+08:00）；ok 为 1/0\n"
                       "  或 true/false；http_status 与 elapsed_ms 可为空。编码为 UTF-8（可带 BOM）\n"
                       "  或 GBK/GB18030。已保存的探测（同一网站、同一时刻）不会重复保存。\n"
                       "  有被拒绝的行时退出码为 3，文件不是探测记录时为 1。\n");
        return EXIT_OK;
    }
    if (argc != 2 || (argv[1][0] == '-' && argv[1][1] != '\0'))
        return cli_usage_error(argv[0], L("expects exactly one FILE.csv", "需要且只需要一个 CSV 文件"));
    store *s = cli_open_store(g);
    if (!s) return EXIT_FAILURE_;
    probelog_stats st;
    err e = {0};
    bool ok = probelog_import(s, argv[1], probes_print_problem, NULL, &st, &e);
    store_close(s);
    if (!ok) return cli_fail(&e);
    printf(L("%s: %ld rows read (%s): %ld probes stored, %ld already stored, %ld rejected%s\n",
             "%s：读取 %ld 行（%s）：保存探测 %ld 次，已存在 %ld 次，拒绝 %ld 行%s\n"),
           argv[1], st.rows, st.charset, st.added, st.duplicates, st.rejected,
           st.stopped ? L("; reading stopped early", "；读取提前停止") : "");
    return st.rejected > 0 || st.stopped ? EXIT_PARTIAL : EXIT_OK;
}
