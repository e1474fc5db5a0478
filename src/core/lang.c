#include "core/lang.h"

#include <stdlib.h>
#include <string.h>

static int lang_state = -1; /* -1 unknown, 0 English, 1 Chinese */

static bool lang_value_is_zh(const char *v) { return v && strncmp(v, "zh", 2) == 0; }

static int lang_from_env(void) {
    const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return lang_value_is_zh(v);
    }
    return 0;
}

bool lang_is_zh(void) {
    if (lang_state < 0) lang_state = lang_from_env();
    return lang_state == 1;
}

void lang_force(const char *code) {
    lang_state = code ? lang_value_is_zh(code) : -1;
}
