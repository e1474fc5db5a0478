/* links — the broken-link check (错链); see links.c. */
#ifndef GI_CHECKS_LINKS_H
#define GI_CHECKS_LINKS_H

#include "checks/check.h"

extern const check_module check_links;

#endif
