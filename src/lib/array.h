/* Growable arrays: a pointer, a count and a capacity kept side by side by the owner;
 * array_grow() makes room for one more element, doubling the capacity, so appending
 * costs amortised O(1) and no table has a fixed size to overflow. */
#ifndef NEUTRINO_ARRAY_H
#define NEUTRINO_ARRAY_H

#include <stddef.h>
#include <string.h>

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

/* Appends a copy of 'elem' ('size' bytes) to the '*n' elements of 'items' and counts
 * it; returns 'items', reallocated when it was full. */
static inline void *
array_append(void *items, size_t *n, size_t *cap, const void *elem, size_t size)
{
    items = array_grow(items, *n, cap, size);
    memcpy((char *) items + *n * size, elem, size);
    (*n)++;
    return items;
}

#endif
