/* grow — room for one more element in a growable array.
 *
 * The library's arrays are (pointer, count, capacity) triples that double
 * when full. grow_for_one() makes room for element n (n <= *cap), keeping
 * the array as it is on failure so the caller can report "out of memory"
 * and free what it holds. The capacity starts at `first`; doubling stops at
 * SIZE_MAX / 2 / size so the byte count never overflows.
 */
#ifndef GI_CORE_GROW_H
#define GI_CORE_GROW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

static inline bool grow_for_one(void *items_ptr, size_t *cap, size_t n, size_t size, size_t first) {
    void **items = (void **)items_ptr;
    if (n < *cap) return true;
    size_t nc = *cap ? *cap * 2 : first;
    if (nc > SIZE_MAX / 2 / size) return false;
    void *p = realloc(*items, nc * size);
    if (!p) return false;
    *items = p;
    *cap = nc;
    return true;
}

#endif
