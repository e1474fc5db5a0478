/* downtime add|list: registered downtime (报备) — reported outages and
 * approved temporary take-downs, whose probes do not count against a site. */
#include "cli/cli.h"

#include "checks/availability.h"
#include "core/csv.h"
#include "core/date.h"
#include "core/lang.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/table.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOWNTIME_DAY_MS INT64_C(86400000)

/* An instant from the command line: ISO 8601 with its offset as given; a
 * date and time without one, or a bare date, in the rule set's zone. A bare
 * date means the start of that day, or for the end of a period (is_end) the
 * end of it, so "--from 2020-08-01 --to 2020-08-03" is three whole days. */
static bool downtime_parse_time(const char *s, int zone, bool is_end, int64_t *ms) {
    if (date_parse_instant(s, ms)) return true;
    int y, m, d;
    if (date_parse_ymd(s, &y, &m, &d)) {
        *ms = (date_days_from_civil(y, m, d) + (is_end ? 1 : 0)) * DOWNTIME_DAY_MS -
              (int64_t)zone * 60000;
        return true;
    }
    char with_zone[96];
    int az = zone < 0 ? -zone : zone;
    if (strlen(s) > 40) return false;
    snprintf(with_zone, sizeof with_zone, "%s%c%02d:%02d", s, zone < 0 ? '-' : '+', az / 60, az % 60);
    return date_parse_instant(with_zone, ms);
}

static bool downtime_zone(const cli_globals *g, int *zone) {
    rules *r = cli_load_rules(g);
    if (!r) return false;
    const char *tz = rules_string(r, "ruleset/time_zone");
    bool ok = date_parse_offset(tz, zone);
    if (!ok) log_error(L("rule set: invalid time_zone '%s'", "规则集：time_zone 无效：%s"), tz);
    rules_free(r);
    return ok;
}

static double downtime_days(const downtime_rec *d) {
    int64_t f, t;
    if (!date_parse_instant(d->from, &f) || !date_parse_instant(d->to, &t)) return 0;
    return (double)(t - f) / (double)DOWNTIME_DAY_MS;
}

static const char *downtime_kind_label(const char *kind) {
    if (strcmp(kind, "takedown") == 0) return L("takedown", "临时下线");
    if (strcmp(kind, "report") == 0) return L("report", "故障报备");
    return kind;
}

int cmd_downtime_add(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  --site CODE           the site (required)\n"
                       "  --from TIME           start: ISO 8601 (2020-08-01T08:00:00+08:00), a time\n"
                       "                        without offset or a date (in the rule set's zone)\n"
                       "  --to TIME             end (excluded); a date means the end of that day\n"
                       "  --reason TEXT         why (required)\n"
                       "  --kind report|takedown  a reported outage (default) or an approved\n"
                       "                        temporary take-down, counted against the limits\n"
                       "  Probes inside the period do not count against the site. The same\n"
                       "  period added again is stored once.\n",
                       "  --site CODE           网站（必填）\n"
                       "  --from TIME           开始时间：ISO 8601（2020-08-01T08:00:00+08:00）、\n"
                       "                        不带时区的时间或日期（按规则集时区）\n"
                       "  --to TIME             结束时间（不含）；只写日期表示该日结束\n"
                       "  --reason TEXT         原因（必填）\n"
                       "  --kind report|takedown  故障报备（默认）或经批准的临时下线（计入次数与天数限制）\n"
                       "  该期间内的探测不计入网站的失败。重复添加同一期间只保存一次。\n");
        return EXIT_OK;
    }
    static const struct option opts[] = {{"site", required_argument, NULL, 's'},
                                         {"from", required_argument, NULL, 'f'},
                                         {"to", required_argument, NULL, 't'},
                                         {"reason", required_argument, NULL, 'r'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {0, 0, 0, 0}};
    const char *site = NULL, *from = NULL, *to = NULL, *reason = NULL, *kind = "report";
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': site = optarg; break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'r': reason = optarg; break;
        case 'k': kind = optarg; break;
        default: return cli_usage_error(argv[0], L("unknown option '%s'", "未知选项“%s”"), argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[optind]);
    if (!site || !from || !to || !reason || !*reason)
        return cli_usage_error(argv[0], "%s", L("--site, --from, --to and --reason are required",
                                                "必须给出 --site、--from、--to 和 --reason"));
    if (strcmp(kind, "report") != 0 && strcmp(kind, "takedown") != 0)
        return cli_usage_error(argv[0], L("--kind is report or takedown, got '%s'",
                                          "--kind 须为 report 或 takedown，实为“%s”"),
                               kind);
    int zone;
    if (!downtime_zone(g, &zone)) return EXIT_FAILURE_;
    int64_t fms, tms;
    if (!downtime_parse_time(from, zone, false, &fms))
        return cli_usage_error(argv[0], L("--from is not a date or an ISO 8601 time: '%s'",
                                          "--from 不是日期或 ISO 8601 时间：“%s”"),
                               from);
    if (!downtime_parse_time(to, zone, true, &tms))
        return cli_usage_error(argv[0], L("--to is not a date or an ISO 8601 time: '%s'",
                                          "--to 不是日期或 ISO 8601 时间：“%s”"),
                               to);
    if (tms <= fms)
        return cli_usage_error(argv[0], "%s", L("--to must be after --from", "--to 须晚于 --from"));
    char fiso[40], tiso[40];
    date_format_iso(fms, zone, fiso, sizeof fiso);
    date_format_iso(tms, zone, tiso, sizeof tiso);

    store *s = cli_open_store(g);
    if (!s) return EXIT_FAILURE_;
    err e = {0};
    site_rec one = {0};
    int status = EXIT_OK;
    if (!store_site_get(s, site, &one, &e))
        status = e.cls != ERR_NONE ? cli_fail(&e)
                                   : cli_usage_error(argv[0], L("no registered site has the code %s",
                                                                "登记表中没有网站标识码为 %s 的网站"),
                                                     site);
    site_rec_free(&one);
    if (status == EXIT_OK) {
        downtime_rec d = {.site_code = (char *)site, .from = fiso, .to = tiso, .kind = (char *)kind,
                          .reason = (char *)reason};
        int64_t id = 0;
        bool inserted = false;
        if (!store_downtime_add(s, &d, &id, &inserted, &e)) {
            status = cli_fail(&e);
        } else {
            double days = (double)(tms - fms) / (double)DOWNTIME_DAY_MS;
            if (inserted)
                printf(L("downtime #%lld added: %s %s from %s to %s (%.2f days)\n",
                         "已添加停机报备 #%lld：%s %s，%s 至 %s（%.2f 天）\n"),
                       (long long)id, site, downtime_kind_label(kind), fiso, tiso, days);
            else
                printf(L("downtime #%lld: %s %s from %s to %s is already registered\n",
                         "停机报备 #%lld：%s %s，%s 至 %s 已登记\n"),
                       (long long)id, site, downtime_kind_label(kind), fiso, tiso);
        }
    }
    store_close(s);
    return status;
}

/* ---- list ---- */

typedef struct downtime_list {
    cli_format format;
    table *tab;
    json_t *array;
    sbuf csv;
    long n;
} downtime_list;

static bool downtime_emit(const downtime_rec *d, void *ud) {
    downtime_list *l = ud;
    l->n++;
    char id[24], days[32];
    snprintf(id, sizeof id, "%lld", (long long)d->id);
    snprintf(days, sizeof days, "%.2f", downtime_days(d));
    if (l->format == FMT_TABLE) {
        const char *cells[] = {id, d->site_code, downtime_kind_label(d->kind), d->from, d->to, days, d->reason};
        table_add_row(l->tab, cells);
    } else if (l->format == FMT_CSV) {
        const char *cells[] = {id, d->site_code, d->kind, d->from, d->to, days, d->reason};
        csv_write_row(&l->csv, cells, 7, ',');
    } else {
        json_array_append_new(l->array, json_pack("{s:I, s:s, s:s, s:s, s:s, s:f, s:s}", "id",
                                                  (json_int_t)d->id, "site_code", d->site_code, "kind",
                                                  d->kind, "from", d->from, "to", d->to, "days",
                                                  downtime_days(d), "reason", d->reason));
    }
    return true;
}

int cmd_downtime_list(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  --site CODE             one site only\n"
                       "  --format table|json|csv output format (default table)\n",
                       "  --site CODE             只列出该网站\n"
                       "  --format table|json|csv 输出格式（默认 table）\n");
        return EXIT_OK;
    }
    const char *site = NULL;
    downtime_list l = {.format = FMT_TABLE, .csv = SBUF_INIT};
    int opt_status = cli_list_options(argc, argv, "site", &site, &l.format);
    if (opt_status != EXIT_OK) return opt_status;
    store *s = cli_open_store(g);
    if (!s) return EXIT_FAILURE_;
    const char *h[] = {"#", L("code", "网站标识码"), L("kind", "类型"), L("from", "开始"), L("to", "结束"),
                       L("days", "天数"), L("reason", "原因")};
    const char *hc[] = {"id", "site_code", "kind", "from", "to", "days", "reason"};
    if (l.format == FMT_TABLE) l.tab = table_new(7, h);
    else if (l.format == FMT_CSV) csv_write_row(&l.csv, hc, 7, ',');
    else l.array = json_array();
    err e = {0};
    bool ok = store_downtime_each(s, site, NULL, NULL, downtime_emit, &l, &e);
    store_close(s);
    int status = ok ? EXIT_OK : cli_fail(&e);
    if (ok) {
        if (l.format == FMT_TABLE) {
            table_print(l.tab, stdout);
            printf(L("%ld periods\n", "共 %ld 条\n"), l.n);
        } else if (l.format == FMT_CSV) {
            fwrite(sbuf_str(&l.csv), 1, l.csv.len, stdout);
        } else {
            json_t *root = json_pack("{s:o}", "downtime", l.array);
            l.array = NULL;
            char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            if (text) puts(text);
            free(text);
            json_decref(root);
        }
    }
    table_free(l.tab);
    json_decref(l.array);
    sbuf_free(&l.csv);
    return status;
}
