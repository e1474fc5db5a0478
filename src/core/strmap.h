/* strmap — a string-keyed hash map (open addressing, linear probing).
 *
 * The crawler keeps every URL it has seen in one; lookups dominate, so keys
 * are stored with their hash and the table grows at 70% load. The map copies
 * keys (owned by the map); values are the caller's pointers, never freed by
 * the map (strmap_free takes an optional destructor for them).
 */
#ifndef GI_CORE_STRMAP_H
#define GI_CORE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strmap strmap;

strmap *strmap_new(void);
/* The value for key, or NULL. */
void *strmap_get(const strmap *m, const char *key);
/* Sets key to value, replacing any old value (returned through *old when not
 * NULL). Returns the map's own copy of the key (stable until strmap_free),
 * or NULL when out of memory. */
const char *strmap_put(strmap *m, const char *key, void *value, void **old);
size_t strmap_len(const strmap *m);
/* Iteration in table order: start with *pos = 0; returns false at the end. */
bool strmap_next(const strmap *m, size_t *pos, const char **key, void **value);
void strmap_free(strmap *m, void (*free_value)(void *));

#endif
