#include "cli/cli.h"

#include "core/lang.h"
#include "core/log.h"
#include "fetch/fetch.h"

#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

store *cli_open_store(const cli_globals *g) {
    err e = {0};
    store *s = store_open(g->db, &e);
    if (!s) cli_fail(&e);
    return s;
}

rules *cli_load_rules(const cli_globals *g) {
    err e = {0};
    rules *r = g->rules ? rules_load_file(g->rules, &e) : rules_load_default(&e);
    if (!r) cli_fail(&e);
    return r;
}

int cli_fail(const err *e) {
    log_error("%s", e->msg);
    return e->cls == ERR_USAGE ? EXIT_USAGE : EXIT_FAILURE_;
}

int cli_usage_error(const char *command, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "govinspect %s: %s\n", command, msg);
    fprintf(stderr, L("Try 'govinspect %s --help'.\n", "参见“govinspect %s --help”。\n"), command);
    return EXIT_USAGE;
}

void cli_print_help(const char *command, const char *options_en, const char *options_zh) {
    for (const cli_command *c = cli_commands; c->name; c++) {
        if (strcmp(c->name, command) != 0) continue;
        printf("%s: govinspect [GLOBAL OPTIONS] %s %s\n\n%s\n", L("Usage", "用法"), c->name, c->args,
               L(c->summary_en, c->summary_zh));
        const char *opts = L(options_en, options_zh);
        if (opts && *opts) printf("\n%s:\n%s", L("Options", "选项"), opts);
        printf("\n%s\n", L("Global options: --db URI, --rules FILE, -v, -q, --no-progress "
                           "(see 'govinspect --help').",
                           "全局选项：--db URI、--rules FILE、-v、-q、--no-progress（见“govinspect --help”）。"));
        return;
    }
}

static bool cli_is_dir(const char *p) {
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *cli_data_dir(void) {
    const char *env = getenv("GOVINSPECT_DATA");
    if (env && *env) return env;
    /* A binary that has not been installed runs from the build tree and
     * reads the data of its own source tree. */
    static char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        if (strncmp(exe, GI_BUILD_DIR, strlen(GI_BUILD_DIR)) == 0 &&
            cli_is_dir(GI_DATADIR_SOURCE))
            return GI_DATADIR_SOURCE;
    }
    if (cli_is_dir(GI_DATADIR_INSTALLED)) return GI_DATADIR_INSTALLED;
    return GI_DATADIR_SOURCE;
}

bool cli_parse_format(const char *s, cli_format *out) {
    if (strcmp(s, "table") == 0) *out = FMT_TABLE;
    else if (strcmp(s, "json") == 0) *out = FMT_JSON;
    else if (strcmp(s, "csv") == 0) *out = FMT_CSV;
    else return false;
    return true;
}

bool cli_wants_help(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) return false;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return true;
    }
    return false;
}

bool cli_parse_long(const char *s, long min, long max, long *out) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < min || v > max) return false;
    *out = v;
    return true;
}

int cli_check_resolve(const char *command, const char *const *entries, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const char *a = strchr(entries[i], ':');
        const char *b = a ? strchr(a + 1, ':') : NULL;
        if (!a || !b || a == entries[i] || b == a + 1 || !b[1])
            return cli_usage_error(command, L("--resolve takes HOST:PORT:ADDR, got '%s'",
                                              "--resolve 的格式为 HOST:PORT:ADDR，实为“%s”"),
                                   entries[i]);
    }
    return EXIT_OK;
}

int cli_check_connect_to(const char *command, const char *const *entries, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!fetch_connect_to_ok(entries[i]))
            return cli_usage_error(command,
                                   L("--connect-to takes HOST:PORT:CONNECT-HOST:CONNECT-PORT, got '%s'",
                                     "--connect-to 的格式为 HOST:PORT:CONNECT-HOST:CONNECT-PORT，实为“%s”"),
                                   entries[i]);
    return EXIT_OK;
}

int cli_check_ca_file(const char *command, const char *path) {
    err e = {0};
    if (!path || fetch_ca_file_ok(path, &e)) return EXIT_OK;
    return cli_usage_error(command, "--ca-file %s", e.msg);
}

static bool cli_sites_add(const site_rec *r, void *ud) {
    cli_sites *l = ud;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        site_rec *p = realloc(l->items, cap * sizeof *p);
        if (!p) return !(l->oom = true);
        l->items = p;
        l->cap = cap;
    }
    site_rec *d = &l->items[l->n++];
    *d = (site_rec){.code = strdup(r->code), .name = strdup(r->name), .url = strdup(r->url),
                    .hosts = strdup(r->hosts), .unit = strdup(r->unit), .kind = strdup(r->kind),
                    .services = r->services, .org = strdup(r->org), .icp = strdup(r->icp),
                    .psb = strdup(r->psb), .seq = r->seq};
    if (!d->code || !d->name || !d->url || !d->hosts || !d->unit || !d->kind || !d->org ||
        !d->icp || !d->psb)
        l->oom = true;
    return !l->oom;
}

int cli_select_sites(store *s, const char *command, const char *const *codes, size_t ncodes,
                     cli_sites *out) {
    err e = {0};
    if (ncodes == 0) {
        if (!store_sites_each(s, NULL, cli_sites_add, out, &e)) return cli_fail(&e);
    }
    for (size_t i = 0; i < ncodes; i++) {
        site_rec one = {0};
        if (store_site_get(s, codes[i], &one, &e)) {
            cli_sites_add(&one, out);
            site_rec_free(&one);
        } else if (e.cls != ERR_NONE) {
            return cli_fail(&e);
        } else {
            return cli_usage_error(command, L("no registered site has the code %s",
                                              "登记表中没有网站标识码为 %s 的网站"),
                                   codes[i]);
        }
    }
    if (out->oom) {
        log_error("%s", L("out of memory", "内存不足"));
        return EXIT_FAILURE_;
    }
    return EXIT_OK;
}

void cli_sites_free(cli_sites *l) {
    for (size_t i = 0; i < l->n; i++) site_rec_free(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

int cli_list_options(int argc, char **argv, const char *filter_name, const char **filter,
                     cli_format *format) {
    const struct option opts[] = {{filter_name, required_argument, NULL, 'o'},
                                  {"format", required_argument, NULL, 'f'},
                                  {0, 0, 0, 0}};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'o') *filter = optarg;
        else if (c == 'f') {
            if (!cli_parse_format(optarg, format))
                return cli_usage_error(argv[0], L("unknown format '%s'", "未知格式“%s”"), optarg);
        } else return cli_usage_error(argv[0], L("unknown option '%s'", "未知选项“%s”"), argv[optind - 1]);
    }
    if (optind != argc)
        return cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[optind]);
    return EXIT_OK;
}
