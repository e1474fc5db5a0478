/* rules show. */
#include "cli/cli.h"

#include "core/lang.h"

#include <stdio.h>
#include <string.h>

int cmd_rules_show(const cli_globals *g, int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_print_help(argv[0],
                       "  Save the output, edit it, and pass it with --rules FILE: keys you omit keep\n"
                       "  the built-in values; unknown keys are refused with their line.\n",
                       "  可保存输出、编辑后以 --rules FILE 使用：未写出的键沿用内置值；未知键将连同行号一起报错。\n");
        return EXIT_OK;
    }
    if (argc > 1) return cli_usage_error(argv[0], L("unexpected argument '%s'", "多余的参数“%s”"), argv[1]);
    rules *r = cli_load_rules(g);
    if (!r) return EXIT_FAILURE_;
    const char *text = rules_yaml(r);
    fputs(text, stdout);
    if (*text && text[strlen(text) - 1] != '\n') putchar('\n');
    rules_free(r);
    return EXIT_OK;
}
