/* demo: the main job on the bundled demo data. */
#include "cli/cli.h"

#include "core/lang.h"
#include "core/sbuf.h"

#include <stdio.h>

int cmd_demo(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  Imports data/demo/sites.csv and media.csv into the database (--db) and\n"
                       "  lists the registry. Set GOVINSPECT_DATA to use another data folder.\n",
                       "  将 data/demo/sites.csv 与 media.csv 导入数据库（--db）并列出登记表。\n"
                       "  可用环境变量 GOVINSPECT_DATA 指定其他数据目录。\n");
        return EXIT_OK;
    }
    if (argc > 1) return cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[1]);
    const char *dir = cli_data_dir();
    sbuf sites = SBUF_INIT, media = SBUF_INIT;
    sbuf_printf(&sites, "%s/demo/sites.csv", dir);
    sbuf_printf(&media, "%s/demo/media.csv", dir);
    char *import_sites[] = {"sites import", sites.data, NULL};
    char *import_media[] = {"media import", media.data, NULL};
    char *list_sites[] = {"sites list", NULL};
    char *list_media[] = {"media list", NULL};
    printf(L("== Demo registry from %s/demo, database %s\n", "== 演示登记表：%s/demo，数据库 %s\n"), dir,
           g->db);
    int status = cmd_sites_import(g, 2, import_sites);
    if (status == EXIT_OK || status == EXIT_PARTIAL) status = cmd_media_import(g, 2, import_media);
    if (status == EXIT_OK || status == EXIT_PARTIAL) {
        printf("\n== %s\n", L("Websites", "政府网站"));
        status = cmd_sites_list(g, 1, list_sites);
    }
    if (status == EXIT_OK) {
        printf("\n== %s\n", L("New-media accounts", "政务新媒体"));
        status = cmd_media_list(g, 1, list_media);
    }
    sbuf_free(&sites);
    sbuf_free(&media);
    return status;
}
