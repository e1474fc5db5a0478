/* lang — English or Chinese user messages, chosen by the locale.
 *
 * Messages are written in place as L("English", "中文"), so a message and its
 * translation never drift apart in separate catalogues. The language is read
 * once from LC_ALL, LC_MESSAGES, then LANG: a value starting with "zh" picks
 * Chinese. Reports are always Chinese and do not use this.
 */
#ifndef GI_CORE_LANG_H
#define GI_CORE_LANG_H

#include <stdbool.h>

bool lang_is_zh(void);
/* Tests and front ends may force a language; NULL re-reads the locale. */
void lang_force(const char *code);

#define L(en, zh) (lang_is_zh() ? (zh) : (en))

#endif
