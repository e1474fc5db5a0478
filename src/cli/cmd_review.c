/* review: the human review of findings (indicators need judgement for typos,
 * wording, harmful content, comment advertising, unknown interaction), and
 * findings only a person can establish (a leak, bought followers).
 *
 * Decisions are stored on the finding by its identity, so they survive
 * re-running the round's inspection (store_finding_record keeps them). */
#include "cli/cli.h"

#include "core/date.h"
#include "core/grow.h"
#include "core/lang.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cmd_review_list(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  --round NAME            the round (required)\n"
                       "  --target ID             one site code or media id\n"
                       "  --indicator CODE        one indicator\n"
                       "  --status STATUS         pending (default), confirmed or dismissed\n"
                       "  --format table|json|csv output format (default table)\n",
                       "  --round NAME            检查轮次（必填）\n"
                       "  --target ID             只看一个对象\n"
                       "  --indicator CODE        只看一个指标\n"
                       "  --status STATUS         pending（默认）、confirmed 或 dismissed\n"
                       "  --format table|json|csv 输出格式（默认 table）\n");
        return EXIT_OK;
    }
    /* The pending findings are the findings listing with a default filter. */
    bool has_status = false;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--status") == 0 || strncmp(argv[i], "--status=", 9) == 0) has_status = true;
    char **args = calloc((size_t)argc + 3, sizeof *args);
    if (!args) return EXIT_FAILURE_;
    int n = 0;
    args[n++] = argv[0];
    if (!has_status) {
        args[n++] = "--status";
        args[n++] = "pending";
    }
    for (int i = 1; i < argc; i++) args[n++] = argv[i];
    int st = cmd_findings(g, n, args);
    free(args);
    return st;
}

static const char *reviewer(const char *by) {
    if (by && *by) return by;
    const char *u = getenv("GOVINSPECT_REVIEWER");
    if (!u || !*u) u = getenv("USER");
    if (!u || !*u) u = getenv("LOGNAME");
    return u && *u ? u : NULL;
}

static void now_iso(char *out, size_t outsz) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    date_format_iso((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, 480, out, outsz);
}

typedef struct pick {
    int64_t *ids;
    size_t n, cap;
    const char *indicator, *target;
    /* explicit ids to validate */
    int64_t *want;
    bool *found;
    size_t nwant;
    bool all;
    bool nomem;
} pick;

static bool pick_one(const finding_rec *f, void *ud) {
    pick *p = ud;
    bool take = false;
    if (p->all) {
        take = strcmp(f->status, "pending") == 0 &&
               (!p->indicator || strcmp(f->indicator, p->indicator) == 0) &&
               (!p->target || strcmp(f->target, p->target) == 0);
    } else {
        for (size_t i = 0; i < p->nwant; i++)
            if (p->want[i] == f->id) {
                p->found[i] = true;
                take = true;
            }
    }
    if (!take) return true;
    if (!grow_for_one(&p->ids, &p->cap, p->n, sizeof *p->ids, 64)) {
        p->nomem = true;
        return false;
    }
    p->ids[p->n++] = f->id;
    return true;
}

/* review confirm | review dismiss */
int cmd_review_decide(const cli_globals *g, int argc, char **argv) {
    bool confirm = strcmp(argv[0], "review confirm") == 0;
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  --round NAME       the round (required)\n"
                       "  FINDING_ID...      the findings to decide (ids from 'review list'), or\n"
                       "  --all              every pending finding, narrowed by:\n"
                       "    --indicator CODE   one indicator (e.g. media.comment_ads)\n"
                       "    --target ID        one site or account\n"
                       "  --by NAME          who decides (default $GOVINSPECT_REVIEWER, else $USER)\n"
                       "  --note TEXT        why\n"
                       "  Decisions survive re-running the round's inspection.\n",
                       "  --round NAME       检查轮次（必填）\n"
                       "  FINDING_ID...      要审核的问题编号（见 review list），或\n"
                       "  --all              全部待审核问题，可用以下选项缩小范围：\n"
                       "    --indicator CODE   一个指标（如 media.comment_ads）\n"
                       "    --target ID        一个网站或账号\n"
                       "  --by NAME          审核人（默认 $GOVINSPECT_REVIEWER，否则 $USER）\n"
                       "  --note TEXT        理由\n"
                       "  重新检查该轮次时，审核结论保留。\n");
        return EXIT_OK;
    }
    static const struct option opts[] = {{"round", required_argument, NULL, 'r'},
                                         {"all", no_argument, NULL, 'a'},
                                         {"indicator", required_argument, NULL, 'i'},
                                         {"target", required_argument, NULL, 't'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"note", required_argument, NULL, 'n'},
                                         {0, 0, 0, 0}};
    const char *round = NULL, *by = NULL, *note = "";
    pick p = {0};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'r') round = optarg;
        else if (c == 'a') p.all = true;
        else if (c == 'i') p.indicator = optarg;
        else if (c == 't') p.target = optarg;
        else if (c == 'b') by = optarg;
        else if (c == 'n') note = optarg;
        else return cli_usage_error(argv[0], L("unknown option '%s'", "未知选项“%s”"), argv[optind - 1]);
    }
    int nids = argc - optind;
    if (p.all == (nids > 0))
        return cli_usage_error(argv[0], "%s", L("give finding ids or --all (not both)",
                                                "请给出问题编号或 --all（二者取一）"));
    if (!p.all && (p.indicator || p.target))
        return cli_usage_error(argv[0], "%s", L("--indicator and --target go with --all",
                                                "--indicator 和 --target 须与 --all 同用"));
    by = reviewer(by);
    if (!by)
        return cli_usage_error(argv[0], "%s", L("say who decides: --by NAME", "请用 --by 注明审核人"));
    if (nids > 0) {
        p.want = calloc((size_t)nids, sizeof *p.want);
        p.found = calloc((size_t)nids, sizeof *p.found);
        if (!p.want || !p.found) {
            free(p.want);
            free(p.found);
            return EXIT_FAILURE_;
        }
        p.nwant = (size_t)nids;
        for (int i = 0; i < nids; i++) {
            long v;
            if (!cli_parse_long(argv[optind + i], 1, 0x7fffffffL, &v)) {
                free(p.want);
                free(p.found);
                return cli_usage_error(argv[0], L("not a finding id: '%s'", "不是问题编号：“%s”"),
                                       argv[optind + i]);
            }
            p.want[i] = v;
        }
    }
    cli_round cr;
    int status = cli_round_open(g, argv[0], round, &cr);
    if (status != EXIT_OK) {
        free(p.want);
        free(p.found);
        return status;
    }
    err e = {0};
    char at[40];
    now_iso(at, sizeof at);
    if (!store_findings_each(cr.s, cr.round.id, NULL, pick_one, &p, &e)) status = cli_fail(&e);
    else if (p.nomem) status = EXIT_FAILURE_;
    for (size_t i = 0; status == EXIT_OK && i < p.nwant; i++)
        if (!p.found[i])
            status = cli_usage_error(argv[0], L("round %s has no finding %lld", "轮次 %s 中没有编号为 %lld 的问题"),
                                     cr.round.name, (long long)p.want[i]);
    if (status == EXIT_OK && store_begin(cr.s, &e)) {
        for (size_t i = 0; status == EXIT_OK && i < p.n; i++)
            if (!store_finding_review(cr.s, p.ids[i], confirm ? "confirmed" : "dismissed", by, note, at, &e))
                status = cli_fail(&e);
        if (status == EXIT_OK && !store_commit(cr.s, &e)) status = cli_fail(&e);
        if (status != EXIT_OK) store_rollback(cr.s);
    } else if (status == EXIT_OK) {
        status = cli_fail(&e);
    }
    if (status == EXIT_OK)
        printf(confirm ? L("%zu findings confirmed by %s\n", "%zu 条问题已确认（审核人：%s）\n")
                       : L("%zu findings dismissed by %s\n", "%zu 条问题已排除（审核人：%s）\n"),
               p.n, by);
    free(p.ids);
    free(p.want);
    free(p.found);
    cli_round_close(&cr);
    return status;
}

/* The kind a person's finding is recorded as: the rule set's manual.* kind
 * of that indicator, else the first kind counted under it. */
static const char *manual_kind(const rules *r, const char *indicator) {
    size_t n = rules_keys_len(r, "kinds");
    const char *first = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *k = rules_key(r, "kinds", i);
        rules_kind rk;
        if (!rules_kind_get(r, k, &rk) || strcmp(rk.indicator, indicator) != 0) continue;
        if (strncmp(k, "manual.", 7) == 0) return k;
        if (!first) first = k;
    }
    return first;
}

int cmd_review_add(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  --round NAME       the round (required)\n"
                       "  --target ID        site code or media id (required)\n"
                       "  --indicator CODE   e.g. site.security, media.security (required)\n"
                       "  --note TEXT        what was established (required)\n"
                       "  --url URL          where\n"
                       "  --by NAME          who (default $GOVINSPECT_REVIEWER, else $USER)\n"
                       "  The finding starts confirmed.\n",
                       "  --round NAME       检查轮次（必填）\n"
                       "  --target ID        网站标识码或新媒体编号（必填）\n"
                       "  --indicator CODE   如 site.security、media.security（必填）\n"
                       "  --note TEXT        认定的事实（必填）\n"
                       "  --url URL          相关网址\n"
                       "  --by NAME          录入人（默认 $GOVINSPECT_REVIEWER，否则 $USER）\n"
                       "  录入的问题直接为已确认状态。\n");
        return EXIT_OK;
    }
    static const struct option opts[] = {{"round", required_argument, NULL, 'r'},
                                         {"target", required_argument, NULL, 't'},
                                         {"indicator", required_argument, NULL, 'i'},
                                         {"note", required_argument, NULL, 'n'},
                                         {"url", required_argument, NULL, 'u'},
                                         {"by", required_argument, NULL, 'b'},
                                         {0, 0, 0, 0}};
    const char *round = NULL, *target = NULL, *indicator = NULL, *note = NULL, *url = "", *by = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'r') round = optarg;
        else if (c == 't') target = optarg;
        else if (c == 'i') indicator = optarg;
        else if (c == 'n') note = optarg;
        else if (c == 'u') url = optarg;
        else if (c == 'b') by = optarg;
        else return cli_usage_error(argv[0], L("unknown option '%s'", "未知选项“%s”"), argv[optind - 1]);
    }
    if (optind != argc)
        return cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[optind]);
    if (!target || !indicator || !note || !*note)
        return cli_usage_error(argv[0], "%s", L("--target, --indicator and --note are required",
                                                "必须给出 --target、--indicator 和 --note"));
    by = reviewer(by);
    if (!by) return cli_usage_error(argv[0], "%s", L("say who: --by NAME", "请用 --by 注明录入人"));
    cli_round cr;
    int status = cli_round_open(g, argv[0], round, &cr);
    if (status != EXIT_OK) return status;
    err e = {0};
    site_rec sr = {0};
    media_rec mr = {0};
    bool is_site = store_site_get(cr.s, target, &sr, &e);
    bool is_media = !is_site && e.cls == ERR_NONE && store_media_get(cr.s, target, &mr, &e);
    char path[200];
    snprintf(path, sizeof path, "indicators/%s/target", indicator);
    const char *kind = NULL;
    if (e.cls != ERR_NONE) {
        status = cli_fail(&e);
    } else if (!is_site && !is_media) {
        status = cli_usage_error(argv[0], L("no site or account %s in the registry", "登记表中没有网站或账号 %s"), target);
    } else if (!rules_has(cr.r, path) ||
               strcmp(rules_string(cr.r, path), is_site ? "site" : "media") != 0) {
        status = cli_usage_error(argv[0], L("%s is not an indicator of a %s in the rule set",
                                            "规则集中 %s 不是%s的指标"),
                                 indicator, is_site ? L("website", "网站") : L("new-media account", "新媒体"));
    } else if (!(kind = manual_kind(cr.r, indicator))) {
        status = cli_usage_error(argv[0], L("no finding kind of the rule set counts under %s",
                                            "规则集中没有计入 %s 的问题种类"),
                                 indicator);
    } else {
        char at[40];
        now_iso(at, sizeof at);
        finding_rec f = {.round_id = cr.round.id,
                         .target = (char *)target,
                         .target_kind = is_site ? "site" : "media",
                         .kind = (char *)kind,
                         .subject = (char *)note,
                         .indicator = (char *)indicator,
                         .status = "confirmed",
                         .url = (char *)url,
                         .source_url = "",
                         .observed_at = at,
                         .evidence = NULL,
                         .summary = (char *)note,
                         .reviewed_by = (char *)by,
                         .review_note = (char *)note,
                         .reviewed_at = at};
        int64_t id = 0;
        if (!store_finding_record(cr.s, &f, &id, &e)) status = cli_fail(&e);
        else printf(L("finding %lld recorded for %s (%s, confirmed by %s)\n",
                      "问题 %lld 已录入：%s（%s，录入人 %s）\n"),
                    (long long)id, target, indicator, by);
    }
    site_rec_free(&sr);
    media_rec_free(&mr);
    cli_round_close(&cr);
    return status;
}
