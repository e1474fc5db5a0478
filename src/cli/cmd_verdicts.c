/* verdicts: per target pass/fail/pending/unknown; bonus set: a portal's
 * reviewer bonus points. Both judge a stored round by its own rule set, or
 * by --rules (re-judging without crawling again). */
#include "cli/cli.h"

#include "core/csv.h"
#include "core/lang.h"
#include "core/sbuf.h"
#include "core/table.h"
#include "judge/verdict.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_round_open(const cli_globals *g, const char *command, const char *name, cli_round *out) {
    memset(out, 0, sizeof *out);
    if (!name) return cli_usage_error(command, L("--round is required", "必须给出 --round"));
    out->s = cli_open_store(g);
    if (!out->s) return EXIT_FAILURE_;
    err e = {0};
    if (!store_round_get(out->s, name, &out->round, &e)) {
        int st = e.cls != ERR_NONE ? cli_fail(&e)
                                   : cli_usage_error(command, L("no round named %s", "没有名为 %s 的轮次"), name);
        cli_round_close(out);
        return st;
    }
    if (g->rules) {
        out->r = cli_load_rules(g);
    } else if (out->round.rules_text && *out->round.rules_text) {
        char label[300];
        snprintf(label, sizeof label, L("rule set of round %s", "轮次 %s 的规则集"), name);
        out->r = rules_load_text(out->round.rules_text, strlen(out->round.rules_text), label, &e);
        if (!out->r) cli_fail(&e);
    } else {
        out->r = rules_load_default(&e);
        if (!out->r) cli_fail(&e);
    }
    if (!out->r) {
        cli_round_close(out);
        return EXIT_FAILURE_;
    }
    return EXIT_OK;
}

void cli_round_close(cli_round *cr) {
    round_rec_free(&cr->round);
    rules_free(cr->r);
    store_close(cr->s);
    memset(cr, 0, sizeof *cr);
}

static json_t *strv_json(char *const *v, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) json_array_append_new(a, json_string(v[i]));
    return a;
}

static void join(sbuf *b, char *const *v, size_t n, const char *sep) {
    for (size_t i = 0; i < n; i++) {
        if (i) sbuf_puts(b, sep);
        sbuf_puts(b, v[i]);
    }
}

static void score_text(const verdict *v, char *out, size_t outsz) {
    if (v->scored) snprintf(out, outsz, "%.2f", floor(v->score * 100 + 0.5) / 100);
    else snprintf(out, outsz, "%s", "");
}

int cmd_verdicts(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  --round NAME            the round (required)\n"
                       "  --org ORG               one organisation and those under it\n"
                       "  --format table|json|csv output format (default table)\n"
                       "  Judged by the round's own rule set, or by --rules FILE.\n"
                       "  Exit status 3 when some target could not be judged (unknown).\n",
                       "  --round NAME            检查轮次（必填）\n"
                       "  --org ORG               只看某组织单位及其下级\n"
                       "  --format table|json|csv 输出格式（默认 table）\n"
                       "  按该轮次保存的规则集评判；给出 --rules FILE 则按其重新评判。\n"
                       "  有无法判定的对象时退出码为 3。\n");
        return EXIT_OK;
    }
    static const struct option opts[] = {{"round", required_argument, NULL, 'r'},
                                         {"org", required_argument, NULL, 'o'},
                                         {"format", required_argument, NULL, 'f'},
                                         {0, 0, 0, 0}};
    const char *round = NULL, *org = NULL;
    cli_format format = FMT_TABLE;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'r') round = optarg;
        else if (c == 'o') org = optarg;
        else if (c == 'f') {
            if (!cli_parse_format(optarg, &format))
                return cli_usage_error(argv[0], L("unknown format '%s'", "未知格式“%s”"), optarg);
        } else {
            return cli_usage_error(argv[0], L("unknown option '%s'", "未知选项“%s”"), argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[optind]);
    cli_round cr;
    int status = cli_round_open(g, argv[0], round, &cr);
    if (status != EXIT_OK) return status;
    err e = {0};
    verdict_set vs;
    if (!verdicts_compute(cr.s, cr.r, &cr.round, org, &vs, &e)) {
        status = cli_fail(&e);
        cli_round_close(&cr);
        return status;
    }
    const char *sep = rules_string(cr.r, "report/separator");
    if (format == FMT_JSON) {
        json_t *targets = json_array();
        for (size_t i = 0; i < vs.n; i++) {
            const verdict *v = &vs.v[i];
            json_t *o = json_object();
            json_object_set_new(o, "kind", json_string(v->is_site ? "site" : "media"));
            json_object_set_new(o, "id", json_string(v->id));
            if (!v->is_site) json_object_set_new(o, "platform", json_string(v->platform));
            json_object_set_new(o, "name", json_string(v->name));
            json_object_set_new(o, "unit", json_string(v->unit));
            json_object_set_new(o, "org", json_string(v->org));
            json_object_set_new(o, "verdict", json_string(verdict_state_name(v->state)));
            if (v->state == VERDICT_UNKNOWN) json_object_set_new(o, "reason", json_string(v->reason));
            json_object_set_new(o, "vetoes", strv_json(v->vetoes, v->nvetoes));
            json_object_set_new(o, "score",
                                v->scored ? json_real(floor(v->score * 100 + 0.5) / 100) : json_null());
            json_object_set_new(o, "problems", strv_json(v->problems, v->nproblems));
            json_object_set_new(o, "pending_review", json_integer(v->pending_review));
            if (v->npending_vetoes)
                json_object_set_new(o, "pending_vetoes", strv_json(v->pending_vetoes, v->npending_vetoes));
            if (v->is_site && v->ndeductions) {
                json_t *d = json_array();
                for (size_t k = 0; k < v->ndeductions; k++)
                    json_array_append_new(d, json_pack("{s:s, s:i, s:f}", "indicator",
                                                       v->deductions[k].indicator, "count",
                                                       v->deductions[k].count, "points",
                                                       v->deductions[k].points));
                json_object_set_new(o, "deductions", d);
            }
            if (v->bonus > 0) json_object_set_new(o, "bonus", json_real(v->bonus));
            json_array_append_new(targets, o);
        }
        json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:o}", "round", vs.round, "as_of", vs.as_of,
                                 "label", vs.label, "rules", vs.rules_id, "targets", targets);
        char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        if (text) puts(text);
        free(text);
        json_decref(root);
    } else if (format == FMT_CSV) {
        sbuf out = SBUF_INIT;
        const char *h[] = {"kind", "id", "platform", "name", "unit", "org", "verdict", "reason",
                           "vetoes", "score", "problems", "pending_review"};
        csv_write_row(&out, h, 12, ',');
        for (size_t i = 0; i < vs.n; i++) {
            const verdict *v = &vs.v[i];
            sbuf vetoes = SBUF_INIT, problems = SBUF_INIT;
            join(&vetoes, v->vetoes, v->nvetoes, " ");
            join(&problems, v->problems, v->nproblems, sep);
            char score[32], pend[16];
            score_text(v, score, sizeof score);
            snprintf(pend, sizeof pend, "%d", v->pending_review);
            const char *cells[] = {v->is_site ? "site" : "media", v->id, v->platform, v->name,
                                   v->unit, v->org, verdict_state_name(v->state), v->reason,
                                   sbuf_str(&vetoes), score, sbuf_str(&problems), pend};
            csv_write_row(&out, cells, 12, ',');
            sbuf_free(&vetoes);
            sbuf_free(&problems);
        }
        fwrite(sbuf_str(&out), 1, out.len, stdout);
        sbuf_free(&out);
    } else {
        const char *h[] = {L("target", "对象"), L("name", "名称"), L("verdict", "结论"),
                           L("score", "得分"), L("problems", "问题"), L("pending", "待审")};
        table *t = table_new(6, h);
        for (size_t i = 0; i < vs.n; i++) {
            const verdict *v = &vs.v[i];
            sbuf problems = SBUF_INIT;
            join(&problems, v->problems, v->nproblems, sep);
            if (v->state == VERDICT_UNKNOWN) sbuf_puts(&problems, v->reason);
            char score[32], pend[16];
            score_text(v, score, sizeof score);
            snprintf(pend, sizeof pend, "%d", v->pending_review);
            const char *cells[] = {v->id, v->name,
                                   lang_is_zh() ? verdict_state_label(v->state)
                                                : verdict_state_name(v->state),
                                   score, sbuf_str(&problems), pend};
            table_add_row(t, cells);
            sbuf_free(&problems);
        }
        table_print(t, stdout);
        table_free(t);
        printf(L("websites: %d pass, %d fail, %d pending, %d unknown; "
                 "new media: %d pass, %d fail, %d pending, %d unknown\n",
                 "网站：合格 %d，不合格 %d，待审核 %d，无法判定 %d；"
                 "新媒体：合格 %d，不合格 %d，待审核 %d，无法判定 %d\n"),
               vs.sites.pass, vs.sites.fail, vs.sites.pending, vs.sites.unknown, vs.media.pass,
               vs.media.fail, vs.media.pending, vs.media.unknown);
    }
    if (vs.sites.unknown + vs.media.unknown > 0) status = EXIT_PARTIAL;
    verdict_set_free(&vs);
    cli_round_close(&cr);
    return status;
}

int cmd_bonus_set(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  --round NAME     the round (required)\n"
                       "  --site CODE      the portal (required)\n"
                       "  --points N       bonus points (the rule set caps them and decides\n"
                       "                   which portals qualify)\n"
                       "  --note TEXT      why (required)\n",
                       "  --round NAME     检查轮次（必填）\n"
                       "  --site CODE      门户网站（必填）\n"
                       "  --points N       加分（上限与适用条件见规则集）\n"
                       "  --note TEXT      加分理由（必填）\n");
        return EXIT_OK;
    }
    static const struct option opts[] = {{"round", required_argument, NULL, 'r'},
                                         {"site", required_argument, NULL, 's'},
                                         {"points", required_argument, NULL, 'p'},
                                         {"note", required_argument, NULL, 'n'},
                                         {0, 0, 0, 0}};
    const char *round = NULL, *site = NULL, *note = NULL, *points_s = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'r') round = optarg;
        else if (c == 's') site = optarg;
        else if (c == 'p') points_s = optarg;
        else if (c == 'n') note = optarg;
        else return cli_usage_error(argv[0], L("unknown option '%s'", "未知选项“%s”"), argv[optind - 1]);
    }
    if (optind != argc)
        return cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[optind]);
    if (!site || !points_s || !note || !*note)
        return cli_usage_error(argv[0], "%s", L("--site, --points and --note are required",
                                                "必须给出 --site、--points 和 --note"));
    char *end = NULL;
    double points = strtod(points_s, &end);
    if (!end || *end || !(points >= 0) || points > 1000)
        return cli_usage_error(argv[0], L("--points: not a number from 0 to 1000: '%s'",
                                          "--points：不是 0 到 1000 之间的数：“%s”"),
                               points_s);
    cli_round cr;
    int status = cli_round_open(g, argv[0], round, &cr);
    if (status != EXIT_OK) return status;
    err e = {0};
    site_rec sr = {0};
    if (!store_site_get(cr.s, site, &sr, &e)) {
        status = e.cls != ERR_NONE ? cli_fail(&e)
                                   : cli_usage_error(argv[0], L("no site %s in the registry", "登记表中没有网站 %s"), site);
    } else {
        if (strcmp(sr.kind, rules_string(cr.r, "verdict/bonus/site_kind")) != 0)
            fprintf(stderr, L("govinspect: warning: %s is not a %s site; the rule set gives it no bonus\n",
                              "govinspect：警告：%s 不是 %s 类网站，规则集不给其加分\n"),
                    site, rules_string(cr.r, "verdict/bonus/site_kind"));
        if (!store_bonus_set(cr.s, cr.round.id, site, points, note, &e)) status = cli_fail(&e);
        else printf(L("bonus of %s in round %s: %g points\n", "%s 在轮次 %s 的加分：%g 分\n"), site,
                    cr.round.name, points);
    }
    site_rec_free(&sr);
    cli_round_close(&cr);
    return status;
}
