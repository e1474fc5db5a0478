#include "core/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct strmap_slot {
    char *key; /* NULL: empty */
    uint64_t hash;
    void *value;
} strmap_slot;

struct strmap {
    strmap_slot *slots;
    size_t cap; /* a power of two */
    size_t len;
};

/* FNV-1a, 64 bit: short URLs hash fast and spread well enough. */
static uint64_t strmap_hash(const char *s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ull;
    }
    return h;
}

strmap *strmap_new(void) {
    strmap *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->cap = 64;
    m->slots = calloc(m->cap, sizeof *m->slots);
    if (!m->slots) {
        free(m);
        return NULL;
    }
    return m;
}

static strmap_slot *strmap_find(const strmap *m, const char *key, uint64_t h) {
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        strmap_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0)) return s;
    }
}

static bool strmap_grow(strmap *m) {
    size_t cap = m->cap * 2;
    strmap_slot *slots = calloc(cap, sizeof *slots);
    if (!slots) return false;
    for (size_t i = 0; i < m->cap; i++) {
        strmap_slot *s = &m->slots[i];
        if (!s->key) continue;
        size_t j = s->hash & (cap - 1);
        while (slots[j].key) j = (j + 1) & (cap - 1);
        slots[j] = *s;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return true;
}

void *strmap_get(const strmap *m, const char *key) {
    strmap_slot *s = strmap_find(m, key, strmap_hash(key));
    return s->key ? s->value : NULL;
}

const char *strmap_put(strmap *m, const char *key, void *value, void **old) {
    if ((m->len + 1) * 10 > m->cap * 7 && !strmap_grow(m)) return NULL;
    uint64_t h = strmap_hash(key);
    strmap_slot *s = strmap_find(m, key, h);
    if (old) *old = s->key ? s->value : NULL;
    if (!s->key) {
        s->key = strdup(key);
        if (!s->key) return NULL;
        s->hash = h;
        m->len++;
    }
    s->value = value;
    return s->key;
}

size_t strmap_len(const strmap *m) { return m->len; }

bool strmap_next(const strmap *m, size_t *pos, const char **key, void **value) {
    while (*pos < m->cap) {
        strmap_slot *s = &m->slots[(*pos)++];
        if (s->key) {
            if (key) *key = s->key;
            if (value) *value = s->value;
            return true;
        }
    }
    return false;
}

void strmap_free(strmap *m, void (*free_value)(void *)) {
    if (!m) return;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key) continue;
        free(m->slots[i].key);
        if (free_value) free_value(m->slots[i].value);
    }
    free(m->slots);
    free(m);
}
