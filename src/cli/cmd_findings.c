/* findings: the findings of a round, with their evidence. */
#include "cli/cli.h"

#include "core/csv.h"
#include "core/lang.h"
#include "core/sbuf.h"
#include "core/table.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct findings_out {
    cli_format format;
    const char *round;
    const char *status; /* filter, NULL: all but gone */
    const char *indicator; /* filter, NULL: all */
    bool all;
    table *tab;
    json_t *array;
    sbuf csv;
    long n;
} findings_out;

static bool findings_emit(const finding_rec *f, void *ud) {
    findings_out *o = ud;
    if (o->status ? strcmp(f->status, o->status) != 0 : (!o->all && strcmp(f->status, "gone") == 0))
        return true;
    if (o->indicator && strcmp(f->indicator, o->indicator) != 0) return true;
    /* Columns within their period are observations for re-judging, not
     * problems: shown with --all or when asked for by indicator. */
    if (!o->all && !o->indicator && strcmp(f->kind, "column.fresh") == 0) return true;
    o->n++;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)f->id);
    if (o->format == FMT_TABLE) {
        const char *cells[] = {id, f->target, f->indicator, f->status, f->summary};
        table_add_row(o->tab, cells);
    } else if (o->format == FMT_CSV) {
        const char *cells[] = {id, o->round, f->target, f->indicator, f->kind, f->status, f->url,
                               f->source_url, f->observed_at, f->summary, f->evidence};
        csv_write_row(&o->csv, cells, 11, ',');
    } else {
        json_error_t jerr;
        json_t *ev = json_loads(f->evidence && *f->evidence ? f->evidence : "{}", 0, &jerr);
        if (!ev) ev = json_object();
        json_t *obj = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "id",
                                (json_int_t)f->id, "round", o->round, "target", f->target,
                                "indicator", f->indicator, "kind", f->kind, "subject", f->subject,
                                "status", f->status,
                                "url", f->url, "source_url", f->source_url, "observed_at",
                                f->observed_at, "evidence", ev, "summary", f->summary);
        if (obj && *f->reviewed_by) {
            json_object_set_new(obj, "reviewed_by", json_string(f->reviewed_by));
            json_object_set_new(obj, "review_note", json_string(f->review_note));
            json_object_set_new(obj, "reviewed_at", json_string(f->reviewed_at));
        }
        if (obj) json_array_append_new(o->array, obj);
    }
    return true;
}

int cmd_findings(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  --round NAME            the round (required)\n"
                       "  --target ID             one site code or media id\n"
                       "  --status STATUS         pending, confirmed, dismissed or gone\n"
                       "  --indicator CODE        one indicator (e.g. media.comment_ads)\n"
                       "  --all                   include findings that are gone, and the columns\n"
                       "                          observed within their period (column.fresh)\n"
                       "  --format table|json|csv output format (default table)\n",
                       "  --round NAME            检查轮次（必填）\n"
                       "  --target ID             只看一个网站标识码或新媒体编号\n"
                       "  --status STATUS         pending、confirmed、dismissed 或 gone\n"
                       "  --indicator CODE        只看一个指标（如 media.comment_ads）\n"
                       "  --all                   包括已消失（gone）的问题，及按期更新的栏目观察记录\n"
                       "                          （column.fresh）\n"
                       "  --format table|json|csv 输出格式（默认 table）\n");
        return EXIT_OK;
    }
    static const struct option opts[] = {{"round", required_argument, NULL, 'r'},
                                         {"target", required_argument, NULL, 't'},
                                         {"status", required_argument, NULL, 's'},
                                         {"all", no_argument, NULL, 'a'},
                                         {"indicator", required_argument, NULL, 'i'},
                                         {"format", required_argument, NULL, 'f'},
                                         {0, 0, 0, 0}};
    findings_out o = {.format = FMT_TABLE, .csv = SBUF_INIT};
    const char *target = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'r') o.round = optarg;
        else if (c == 't') target = optarg;
        else if (c == 'a') o.all = true;
        else if (c == 'i') o.indicator = optarg;
        else if (c == 's') {
            if (strcmp(optarg, "pending") && strcmp(optarg, "confirmed") && strcmp(optarg, "dismissed") &&
                strcmp(optarg, "gone"))
                return cli_usage_error(argv[0], L("unknown status '%s'", "未知状态“%s”"), optarg);
            o.status = optarg;
        } else if (c == 'f') {
            if (!cli_parse_format(optarg, &o.format))
                return cli_usage_error(argv[0], L("unknown format '%s'", "未知格式“%s”"), optarg);
        } else {
            return cli_usage_error(argv[0], L("unknown option '%s'", "未知选项“%s”"), argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[optind]);
    if (!o.round) return cli_usage_error(argv[0], L("--round is required", "必须给出 --round"));
    store *s = cli_open_store(g);
    if (!s) return EXIT_FAILURE_;
    err e = {0};
    round_rec round = {0};
    int status = EXIT_OK;
    if (!store_round_get(s, o.round, &round, &e)) {
        status = e.cls != ERR_NONE ? cli_fail(&e)
                                   : cli_usage_error(argv[0], L("no round named %s", "没有名为 %s 的轮次"), o.round);
    } else {
        if (o.format == FMT_TABLE) {
            const char *h[] = {"id", L("target", "对象"), L("indicator", "指标"), L("status", "状态"),
                               L("summary", "概要")};
            o.tab = table_new(5, h);
        } else if (o.format == FMT_CSV) {
            const char *h[] = {"id", "round", "target", "indicator", "kind", "status", "url",
                               "source_url", "observed_at", "summary", "evidence"};
            csv_write_row(&o.csv, h, 11, ',');
        } else {
            o.array = json_array();
        }
        if (!store_findings_each(s, round.id, target, findings_emit, &o, &e)) {
            status = cli_fail(&e);
        } else if (o.format == FMT_TABLE) {
            table_print(o.tab, stdout);
            printf(L("%ld findings\n", "共 %ld 条\n"), o.n);
        } else if (o.format == FMT_CSV) {
            fwrite(sbuf_str(&o.csv), 1, o.csv.len, stdout);
        } else {
            json_t *root = json_pack("{s:o}", "findings", o.array);
            o.array = NULL;
            char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            if (text) puts(text);
            free(text);
            json_decref(root);
        }
    }
    round_rec_free(&round);
    table_free(o.tab);
    json_decref(o.array);
    sbuf_free(&o.csv);
    store_close(s);
    return status;
}
