/* cli — what the command modules of the govinspect tool share.
 *
 * main.c strips the global options (they may stand before or after the
 * command), then calls the command's function with the remaining words,
 * argv[0] being the command's own name ("sites import"). Commands return an
 * exit status: 0 success, 3 done with rejected input or unchecked targets,
 * 2 usage error, 1 any other failure. They print results on stdout and
 * problems on stderr, one line each, naming the file and line or the URL.
 */
#ifndef GI_CLI_CLI_H
#define GI_CLI_CLI_H

#include <stdbool.h>

#include "core/err.h"
#include "judge/rules.h"
#include "store/store.h"

enum { EXIT_OK = 0, EXIT_FAILURE_ = 1, EXIT_USAGE = 2, EXIT_PARTIAL = 3 };

typedef struct cli_globals {
    const char *db;     /* --db, else $GOVINSPECT_DB, else ./govinspect.db */
    const char *rules;  /* --rules FILE or NULL for the built-in set */
    bool no_progress;
} cli_globals;

typedef struct cli_command {
    const char *name;       /* "sites import" */
    int (*run)(const cli_globals *g, int argc, char **argv);
    const char *args;       /* "FILE.csv" */
    const char *summary_en;
    const char *summary_zh;
} cli_command;

/* Opens the database named by the globals, printing the error on failure. */
store *cli_open_store(const cli_globals *g);
/* Loads the rule set in force (built-in, or --rules merged on it). */
rules *cli_load_rules(const cli_globals *g);
/* Prints "govinspect: error: MSG" and returns the exit status for e. */
int cli_fail(const err *e);
/* Prints a usage error naming the command and returns EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the command's help (usage line, summary, options text). */
void cli_print_help(const char *command, const char *options_en, const char *options_zh);
/* The folder with the bundled data (rule sets, demo): $GOVINSPECT_DATA, the
 * source tree for a binary in the build tree, else the installed folder. */
const char *cli_data_dir(void);
/* Output formats shared by listing commands. */
typedef enum { FMT_TABLE, FMT_JSON, FMT_CSV } cli_format;
bool cli_parse_format(const char *s, cli_format *out);
/* The options of a listing command: one filter (--org ORG, --site CODE ...,
 * named `filter_name` without dashes) and --format. Returns EXIT_OK, or
 * prints the usage error and returns EXIT_USAGE. */
int cli_list_options(int argc, char **argv, const char *filter_name, const char **filter,
                     cli_format *format);
/* True when argv holds -h or --help. */
bool cli_wants_help(int argc, char **argv);

/* A whole number in [min, max], strictly (no trailing text). */
bool cli_parse_long(const char *s, long min, long max, long *out);
/* Checks --resolve entries (HOST:PORT:ADDR, curl's form); returns EXIT_OK, or
 * prints the usage error for the first bad one and returns EXIT_USAGE. */
int cli_check_resolve(const char *command, const char *const *entries, size_t n);
/* Likewise for --connect-to entries (HOST:PORT:CONNECT-HOST:CONNECT-PORT). */
int cli_check_connect_to(const char *command, const char *const *entries, size_t n);
/* --ca-file: NULL or a readable PEM file (fetch_ca_file_ok); else a usage
 * error naming it. */
int cli_check_ca_file(const char *command, const char *path);

/* The sites a command works on: every registered site, or those named
 * (an unknown code is a usage error). Records are copies; free with
 * cli_sites_free(). Returns an exit status. */
typedef struct cli_sites {
    site_rec *items;
    size_t n, cap;
    bool oom;
} cli_sites;
int cli_select_sites(store *s, const char *command, const char *const *codes, size_t ncodes,
                     cli_sites *out);
void cli_sites_free(cli_sites *l);

/* A stored round opened for judging: the store, the round and the rule set
 * it is judged by (--rules when given, else the round's own). Returns an
 * exit status; on EXIT_OK release with cli_round_close(). */
typedef struct cli_round {
    store *s;
    round_rec round;
    rules *r;
} cli_round;
int cli_round_open(const cli_globals *g, const char *command, const char *name, cli_round *out);
void cli_round_close(cli_round *cr);

/* Commands (one file each). */
int cmd_sites_import(const cli_globals *g, int argc, char **argv);
int cmd_sites_list(const cli_globals *g, int argc, char **argv);
int cmd_media_import(const cli_globals *g, int argc, char **argv);
int cmd_media_list(const cli_globals *g, int argc, char **argv);
int cmd_rules_show(const cli_globals *g, int argc, char **argv);
int cmd_demo(const cli_globals *g, int argc, char **argv);
int cmd_inspect(const cli_globals *g, int argc, char **argv);
int cmd_findings(const cli_globals *g, int argc, char **argv);
int cmd_verdicts(const cli_globals *g, int argc, char **argv);
int cmd_bonus_set(const cli_globals *g, int argc, char **argv);
int cmd_review_list(const cli_globals *g, int argc, char **argv);
int cmd_review_decide(const cli_globals *g, int argc, char **argv);
int cmd_review_add(const cli_globals *g, int argc, char **argv);
int cmd_report(const cli_globals *g, int argc, char **argv);
int cmd_report_template_show(const cli_globals *g, int argc, char **argv);
int cmd_probe(const cli_globals *g, int argc, char **argv);
int cmd_probes_import(const cli_globals *g, int argc, char **argv);
int cmd_downtime_add(const cli_globals *g, int argc, char **argv);
int cmd_downtime_list(const cli_globals *g, int argc, char **argv);
int cmd_text(const cli_globals *g, int argc, char **argv);

extern const cli_command cli_commands[];

#endif
