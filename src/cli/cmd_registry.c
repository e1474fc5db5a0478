/* sites import|list, media import|list. */
#include "cli/cli.h"

#include "core/csv.h"
#include "core/lang.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/table.h"
#include "registry/registry.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void registry_print_problem(void *ud, bool is_error, const char *message) {
    (void)ud;
    if (is_error) log_error("%s", message);
    else log_warn("%s", message);
}

static int registry_import(const cli_globals *g, int argc, char **argv, reg_kind kind) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       kind == REG_SITES
                           ? "  Columns: site_code, name, url required; hosts, unit, kind, services,\n"
                             "  org, icp, psb optional (Chinese headers 网站标识码, 网站名称, 首页网址,\n"
                             "  主办单位, 组织单位 accepted). UTF-8 with or without BOM, or GBK/GB18030.\n"
                           : "  Columns: media_id, platform, name, source required; unit, org optional.\n"
                             "  Relative source paths are taken from the CSV file's folder.\n",
                       kind == REG_SITES
                           ? "  列：site_code、name、url 必填；hosts、unit、kind、services、org、icp、psb 可选\n"
                             "  （也接受中文表头 网站标识码、网站名称、首页网址、主办单位、组织单位）。\n"
                             "  编码为 UTF-8（可带 BOM）或 GBK/GB18030。\n"
                           : "  列：media_id、platform、name、source 必填；unit、org 可选。\n"
                             "  source 的相对路径相对于 CSV 文件所在目录。\n");
        return EXIT_OK;
    }
    if (argc != 2 || (argv[1][0] == '-' && argv[1][1] != '\0'))
        return cli_usage_error(argv[0], L("expects exactly one FILE.csv", "需要且只需要一个 CSV 文件"));
    store *s = cli_open_store(g);
    if (!s) return EXIT_FAILURE_;
    reg_stats st;
    err e = {0};
    bool ok = reg_import(s, kind, argv[1], registry_print_problem, NULL, &st, &e);
    store_close(s);
    if (!ok) return cli_fail(&e);
    long accepted = st.inserted + st.updated + st.unchanged;
    printf(L("%s: %ld rows read (%s): %ld imported (%ld new, %ld updated, %ld unchanged), "
             "%ld rejected%s\n",
             "%s：读取 %ld 行（%s）：导入 %ld 行（新增 %ld，更新 %ld，未变 %ld），拒绝 %ld 行%s\n"),
           argv[1], st.rows, st.charset, accepted, st.inserted, st.updated, st.unchanged, st.rejected,
           st.stopped ? L("; reading stopped early", "；读取提前停止") : "");
    return st.rejected > 0 || st.stopped ? EXIT_PARTIAL : EXIT_OK;
}

int cmd_sites_import(const cli_globals *g, int argc, char **argv) {
    return registry_import(g, argc, argv, REG_SITES);
}

int cmd_media_import(const cli_globals *g, int argc, char **argv) {
    return registry_import(g, argc, argv, REG_MEDIA);
}

/* ---- listing ---- */

typedef struct registry_list {
    cli_format format;
    table *tab;
    json_t *array;
    sbuf csv;
    long n;
} registry_list;

static bool registry_list_site(const site_rec *r, void *ud) {
    registry_list *l = ud;
    l->n++;
    char seq[24];
    snprintf(seq, sizeof seq, "%ld", l->n);
    const char *kind_zh = strcmp(r->kind, "portal") == 0 ? "门户" : "部门";
    if (l->format == FMT_TABLE) {
        const char *cells[] = {seq, r->code, r->name, r->url, L(r->kind, kind_zh), r->org, r->unit};
        table_add_row(l->tab, cells);
    } else if (l->format == FMT_CSV) {
        const char *cells[] = {r->code, r->name, r->url, r->hosts, r->unit, r->kind,
                               r->services ? "yes" : "no", r->org, r->icp, r->psb};
        csv_write_row(&l->csv, cells, 10, ',');
    } else {
        json_array_append_new(
            l->array, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "site_code",
                                r->code, "name", r->name, "url", r->url, "hosts", r->hosts, "unit",
                                r->unit, "kind", r->kind, "services", r->services, "org", r->org,
                                "icp", r->icp, "psb", r->psb));
    }
    return true;
}

static bool registry_list_media(const media_rec *r, void *ud) {
    registry_list *l = ud;
    l->n++;
    char seq[24];
    snprintf(seq, sizeof seq, "%ld", l->n);
    const char *label = reg_platform_label(r->platform);
    if (l->format == FMT_TABLE) {
        const char *cells[] = {seq, r->media_id, lang_is_zh() ? label : r->platform, r->name, r->org,
                               r->unit};
        table_add_row(l->tab, cells);
    } else if (l->format == FMT_CSV) {
        const char *cells[] = {r->media_id, label, r->name, r->unit, r->org, r->source};
        csv_write_row(&l->csv, cells, 6, ',');
    } else {
        json_array_append_new(
            l->array, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "media_id", r->media_id,
                                "platform", r->platform, "platform_label", label, "name", r->name,
                                "unit", r->unit, "org", r->org, "source", r->source));
    }
    return true;
}

static int registry_list_run(const cli_globals *g, int argc, char **argv, reg_kind kind) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  --org ORG              only this organisation and those under it\n"
                       "  --format table|json|csv  output format (default table; csv can be\n"
                       "                         imported again)\n",
                       "  --org ORG              只列出该组织单位及其下级\n"
                       "  --format table|json|csv  输出格式（默认 table；csv 可再次导入）\n");
        return EXIT_OK;
    }
    const char *org = NULL;
    registry_list l = {.format = FMT_TABLE, .csv = SBUF_INIT};
    int opt_status = cli_list_options(argc, argv, "org", &org, &l.format);
    if (opt_status != EXIT_OK) return opt_status;
    store *s = cli_open_store(g);
    if (!s) return EXIT_FAILURE_;
    if (kind == REG_SITES) {
        const char *h[] = {"#", L("code", "网站标识码"), L("name", "网站名称"), L("url", "首页网址"),
                           L("kind", "类型"), L("org", "组织单位"), L("unit", "主办单位")};
        const char *hc[] = {"site_code", "name", "url", "hosts", "unit", "kind", "services", "org", "icp", "psb"};
        if (l.format == FMT_TABLE) l.tab = table_new(7, h);
        if (l.format == FMT_CSV) csv_write_row(&l.csv, hc, 10, ',');
    } else {
        const char *h[] = {"#", L("id", "编号"), L("platform", "平台"), L("name", "新媒体名称"),
                           L("org", "组织单位"), L("unit", "主办单位")};
        const char *hc[] = {"media_id", "platform", "name", "unit", "org", "source"};
        if (l.format == FMT_TABLE) l.tab = table_new(6, h);
        if (l.format == FMT_CSV) csv_write_row(&l.csv, hc, 6, ',');
    }
    if (l.format == FMT_JSON) l.array = json_array();
    err e = {0};
    bool ok = kind == REG_SITES ? store_sites_each(s, org, registry_list_site, &l, &e)
                                : store_media_each(s, org, registry_list_media, &l, &e);
    store_close(s);
    int status = ok ? EXIT_OK : cli_fail(&e);
    if (ok) {
        if (l.format == FMT_TABLE) {
            table_print(l.tab, stdout);
            printf(kind == REG_SITES ? L("%ld websites\n", "共 %ld 个网站\n")
                                     : L("%ld accounts\n", "共 %ld 个新媒体账号\n"),
                   l.n);
        } else if (l.format == FMT_CSV) {
            fwrite(sbuf_str(&l.csv), 1, l.csv.len, stdout);
        } else {
            json_t *root = json_pack("{s:o}", kind == REG_SITES ? "sites" : "media", l.array);
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

int cmd_sites_list(const cli_globals *g, int argc, char **argv) {
    return registry_list_run(g, argc, argv, REG_SITES);
}

int cmd_media_list(const cli_globals *g, int argc, char **argv) {
    return registry_list_run(g, argc, argv, REG_MEDIA);
}
