#include "cli/cli.h"

#include "core/lang.h"
#include "core/log.h"

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
