/* found — a collector of check findings for the tests of the security,
 * page-tag and identity checks: the emit callback keeps each finding's
 * kind, subject and evidence (taking the evidence reference, as
 * check_record does). Header-only: each test program includes it once. */
#ifndef GI_TESTS_FOUND_H
#define GI_TESTS_FOUND_H

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"

#define FOUND_MAX 64

typedef struct found {
    char *kind[FOUND_MAX], *subject[FOUND_MAX];
    json_t *ev[FOUND_MAX];
    size_t n;
} found;

static inline bool collect(void *ud, const check_finding *f) {
    found *g = ud;
    if (g->n == FOUND_MAX) {
        json_decref(f->evidence);
        return false;
    }
    g->kind[g->n] = strdup(f->kind);
    g->subject[g->n] = strdup(f->subject ? f->subject : "");
    /* Evidence given serialised is parsed back, as the store keeps it. */
    g->ev[g->n++] = f->evidence ? f->evidence
                    : f->evidence_json ? json_loads(f->evidence_json, 0, NULL)
                                       : NULL;
    return true;
}

static inline void found_free(found *g) {
    for (size_t i = 0; i < g->n; i++) {
        free(g->kind[i]);
        free(g->subject[i]);
        json_decref(g->ev[i]);
    }
    g->n = 0;
}

static inline int count_kind(const found *g, const char *kind) {
    int n = 0;
    for (size_t i = 0; i < g->n; i++)
        n += strcmp(g->kind[i], kind) == 0;
    return n;
}

/* The evidence of the finding of that kind and subject, or NULL. */
static inline json_t *find(const found *g, const char *kind, const char *subject) {
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->kind[i], kind) == 0 && strcmp(g->subject[i], subject) == 0)
            return g->ev[i];
    return NULL;
}

/* Prints the findings (with cmocka's print_message) when a test fails. */
static inline void dump(const found *g) {
    for (size_t i = 0; i < g->n; i++) {
        char *s = json_dumps(g->ev[i], JSON_COMPACT);
        print_message("  %s %s %s\n", g->kind[i], g->subject[i], s ? s : "");
        free(s);
    }
}

#endif
