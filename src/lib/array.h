/* Growable arrays: a pointer, a count and a capacity kept side by side by the owner;
 * array_grow() makes room for one more element, doubling the capacity, so appending
 * costs amortised O(1) and no table has a fixed size to overflow. */
#ifndef NEUTRINO_ARRAY_H
#define NEUTRINO_ARRAY_H

#include <stddef.h>

#include "util.h"

/* Returns 'items' (reallocated when full) with room for element 'n'; '*cap' is the
 * capacity in elements of 'size' bytes. */
static inline void *
array_grow(void *items, size_t n, size_t *cap, size_t size)
{
    if (n >= *cap) {
        *cap = *cap ? 2 * *cap : 8;
        items = xrealloc(items, *cap * size);
    }
    return items;
}

#endif
