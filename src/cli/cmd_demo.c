/* demo: the main job on the bundled demo world, with no network.
 *
 * data/demo holds a registry of six sites and six accounts, their pages
 * (www/HOST/...), the accounts' feeds and a week of probe history. The demo
 * imports them, serves www/ on 127.0.0.1 (src/serve) and runs the round
 * "demo" through one catch-all connect-to entry ("::127.0.0.1:PORT"): every
 * URL, whatever its host and port, reaches the local server with its own
 * Host header, so the sites keep their names and nothing is looked up or
 * sent anywhere else. Then it writes the 通报 when the report command is
 * built in. Each step is the command a user would type, called in-process.
 */
#include "cli/cli.h"

#include "core/lang.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "serve/serve.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The demo's fixed round: the feeds were captured on 2020-08-09 and the
 * probe log ends on the 10th, so the result never depends on the clock. */
#define DEMO_ROUND "demo"
#define DEMO_AS_OF "2020-08-10"
#define DEMO_LABEL "2020年第三季度"
#define DEMO_REPORT_DATE "2020年8月17日" /* the 通报 date printed, fixed so the demo repeats */

/* Runs a command in-process with a NULL-terminated argv. */
static int demo_run(int (*cmd)(const cli_globals *, int, char **), const cli_globals *g, char **argv) {
    int argc = 0;
    while (argv[argc]) argc++;
    return cmd(g, argc, argv);
}

static bool demo_ok(int status) { return status == EXIT_OK || status == EXIT_PARTIAL; }

/* The demo wants a database of its own: other registered sites would be
 * inspected too (against the local server, where they do not exist). */
static int demo_check_fresh(const cli_globals *g) {
    store *s = cli_open_store(g);
    if (!s) return EXIT_FAILURE_;
    err e = {0};
    round_rec r = {0};
    int64_t nsites = 0;
    int status = EXIT_OK;
    if (store_round_get(s, DEMO_ROUND, &r, &e)) {
        round_rec_free(&r);   /* the demo ran here before: run it again */
    } else if (e.cls != ERR_NONE || !store_count(s, "sites", &nsites, &e)) {
        status = cli_fail(&e);
    } else if (nsites > 0) {
        log_error(L("the demo needs a fresh database, and %s already holds %lld sites; "
                    "give another one with --db",
                    "演示需要新的数据库，而 %s 中已有 %lld 个网站；请用 --db 指定另一个"),
                  g->db, (long long)nsites);
        status = EXIT_USAGE;
    }
    store_close(s);
    return status;
}

typedef struct demo_tally {
    char indicator[24][48];
    int count[24];
    int n, total, pending;
} demo_tally;

static bool demo_count(const finding_rec *f, void *ud) {
    demo_tally *t = ud;
    if (strcmp(f->status, "gone") == 0 || strcmp(f->status, "dismissed") == 0) return true;
    t->total++;
    if (strcmp(f->status, "pending") == 0) t->pending++;
    int i = 0;
    while (i < t->n && strcmp(t->indicator[i], f->indicator) != 0) i++;
    if (i == t->n) {
        if (t->n == 24) return true;
        snprintf(t->indicator[t->n++], sizeof t->indicator[0], "%s", f->indicator);
    }
    t->count[i]++;
    return true;
}

/* Findings per indicator, in the order first seen (store order). */
static int demo_print_findings(const cli_globals *g) {
    store *s = cli_open_store(g);
    if (!s) return EXIT_FAILURE_;
    err e = {0};
    round_rec r = {0};
    demo_tally t = {0};
    int status = EXIT_OK;
    if (!store_round_get(s, DEMO_ROUND, &r, &e) || !store_findings_each(s, r.id, NULL, demo_count, &t, &e))
        status = cli_fail(&e);
    round_rec_free(&r);
    store_close(s);
    if (status != EXIT_OK) return status;
    printf(L("\n== Findings of round %s: %d (%d awaiting review)\n",
             "\n== 轮次 %s 发现的问题：%d 条（待审核 %d 条）\n"),
           DEMO_ROUND, t.total, t.pending);
    for (int i = 0; i < t.n; i++) printf("  %-28s %d\n", t.indicator[i], t.count[i]);
    return EXIT_OK;
}

static const char demo_options_en[] =
    "  --out DIR             where the 通报 goes (default ./govinspect-demo)\n"
    "  Imports data/demo (six sites, six accounts, a week of probes) into the\n"
    "  database (--db; it must hold no other sites), serves the sites' pages on\n"
    "  127.0.0.1, runs the round 'demo' (as of " DEMO_AS_OF ") on them, and writes\n"
    "  the 通报 as md, html, docx and xlsx. Nothing leaves this machine.\n"
    "  GOVINSPECT_DATA names another data folder.\n";
static const char demo_options_zh[] =
    "  --out DIR             通报的输出目录（默认 ./govinspect-demo）\n"
    "  将 data/demo（6 个网站、6 个新媒体账号、一周的探测记录）导入数据库（--db，\n"
    "  其中不得有其他网站），在 127.0.0.1 上提供这些网站的页面，对其执行轮次 demo\n"
    "  （监测时间点 " DEMO_AS_OF "），并生成 md、html、docx、xlsx 格式的通报。\n"
    "  全程不访问外部网络。可用环境变量 GOVINSPECT_DATA 指定其他数据目录。\n";

int cmd_demo(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0], demo_options_en, demo_options_zh);
        return EXIT_OK;
    }
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'}, {0, 0, 0, 0}};
    const char *out = "govinspect-demo";
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'o') out = optarg;
        else return cli_usage_error(argv[0], L("unknown option '%s'", "未知选项“%s”"), argv[optind - 1]);
    }
    if (optind != argc)
        return cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[optind]);

    const char *dir = cli_data_dir();
    sbuf sites = SBUF_INIT, media = SBUF_INIT, probes = SBUF_INIT, www = SBUF_INIT, conn = SBUF_INIT;
    sbuf_printf(&sites, "%s/demo/sites.csv", dir);
    sbuf_printf(&media, "%s/demo/media.csv", dir);
    sbuf_printf(&probes, "%s/demo/probes.csv", dir);
    sbuf_printf(&www, "%s/demo/www", dir);
    printf(L("== Demo world %s/demo, database %s\n", "== 演示数据 %s/demo，数据库 %s\n"), dir, g->db);

    int status = demo_check_fresh(g);
    if (status == EXIT_OK) {
        char *a[] = {"sites import", sites.data, NULL};
        status = demo_run(cmd_sites_import, g, a);
    }
    if (demo_ok(status)) {
        char *a[] = {"media import", media.data, NULL};
        status = demo_run(cmd_media_import, g, a);
    }
    if (demo_ok(status)) {
        char *a[] = {"probes import", probes.data, NULL};
        status = demo_run(cmd_probes_import, g, a);
    }
    serve_server *srv = NULL;
    if (demo_ok(status)) {
        err e = {0};
        int port = 0;
        if (!(srv = serve_start(www.data, &port, &e))) status = cli_fail(&e);
        else sbuf_printf(&conn, "::127.0.0.1:%d", port);
        if (srv) printf(L("\n== Serving the demo sites on 127.0.0.1:%d\n", "\n== 演示网站在 127.0.0.1:%d 上提供服务\n"), port);
    }
    if (demo_ok(status)) {
        /* No proxy (the environment's would swallow the requests), no
         * politeness delay (the server is ours). */
        char *a[] = {"inspect", "--round", DEMO_ROUND, "--as-of", DEMO_AS_OF, "--label", DEMO_LABEL,
                     "--connect-to", conn.data, "--proxy", "", "--delay", "0", NULL};
        status = demo_run(cmd_inspect, g, a);
    }
    serve_stop(srv);
    if (demo_ok(status)) {
        int st = demo_print_findings(g);
        if (st != EXIT_OK) status = st;
    }
    if (demo_ok(status)) {
        /* The verdicts, then the 通报 in every format. */
        char *v[] = {"verdicts", "--round", DEMO_ROUND, NULL};
        printf(L("\n== Verdicts of round %s\n", "\n== 轮次 %s 的评判结果\n"), DEMO_ROUND);
        int st = demo_run(cmd_verdicts, g, v);
        if (!demo_ok(st)) status = st;
        if (demo_ok(status) && mkdir(out, 0777) != 0 && errno != EEXIST) {
            log_error("%s: %s", out, strerror(errno));
            status = EXIT_FAILURE_;
        } else if (demo_ok(status)) {
            static const char *const formats[] = {"md", "html", "docx", "xlsx"};
            printf(L("\n== The 通报 of round %s\n", "\n== 轮次 %s 的通报\n"), DEMO_ROUND);
            for (size_t i = 0; i < 4 && demo_ok(status); i++) {
                sbuf file = SBUF_INIT;
                sbuf_printf(&file, "%s/通报-%s.%s", out, DEMO_LABEL, formats[i]);
                char *a[] = {"report", "--round", DEMO_ROUND, "--format", (char *)formats[i], "-o",
                             file.data, "--set", "发文日期=" DEMO_REPORT_DATE, NULL};
                status = demo_run(cmd_report, g, a);
                sbuf_free(&file);
            }
        }
    }
    sbuf_free(&sites);
    sbuf_free(&media);
    sbuf_free(&probes);
    sbuf_free(&www);
    sbuf_free(&conn);
    return status;
}
