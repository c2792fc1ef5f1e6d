/* Shared, immutable strings (see string_pool.h): an open-addressing hash over the
 * strings, kept at most half full, and the text itself in blocks of BLOCK_SIZE bytes
 * (a longer string gets a block of its own), one NUL-terminated string after the other,
 * so that the index can be built again from the blocks alone. */
#include "string_pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { BLOCK_SIZE = 64 * 1024 };

struct block {
    struct block *next;
    size_t used, size;
    char text[];
};

struct string_pool {
    const char **slots;         /* NULL: empty. */
    size_t n_slots;             /* A power of two. */
    size_t n_strings;
    size_t text_size;
    struct block *blocks;       /* The newest first: strings are added to it. */
};

struct string_pool *
string_pool_create(void)
{
    return xcalloc(1, sizeof(struct string_pool));
}

void
string_pool_destroy(struct string_pool *pool)
{
    if (!pool) {
        return;
    }
    while (pool->blocks) {
        struct block *next = pool->blocks->next;
        free(pool->blocks);
        pool->blocks = next;
    }
    free(pool->slots);
    free(pool);
}

static size_t
text_hash(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037u;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ (unsigned char) s[i]) * 1099511628211u;
    }
    return (size_t) h;
}

/* The slot holding the text, or the empty slot where it would go. */
static const char **
slot_of(const struct string_pool *pool, const char *s, size_t len)
{
    size_t mask = pool->n_slots - 1;
    size_t i = text_hash(s, len) & mask;

    while (pool->slots[i] && (strncmp(pool->slots[i], s, len) || pool->slots[i][len])) {
        i = (i + 1) & mask;
    }
    return &pool->slots[i];
}

/* An index of at least 'n_slots' slots, at most half full, over the blocks' strings. */
static void
build_index(struct string_pool *pool, size_t n_slots)
{
    free(pool->slots);
    pool->n_slots = 1024;
    while (pool->n_slots < n_slots || pool->n_slots < 2 * (pool->n_strings + 1)) {
        pool->n_slots *= 2;
    }
    pool->slots = xcalloc(pool->n_slots, sizeof *pool->slots);
    for (const struct block *b = pool->blocks; b; b = b->next) {
        for (size_t at = 0; at < b->used; at += strlen(b->text + at) + 1) {
            const char *s = b->text + at;
            *slot_of(pool, s, strlen(s)) = s;
        }
    }
}

void
string_pool_seal(struct string_pool *pool)
{
    if (pool) {
        free(pool->slots);
        pool->slots = NULL;
        pool->n_slots = 0;
    }
}

/* Room for 'size' bytes of text. */
static char *
text_room(struct string_pool *pool, size_t size)
{
    struct block *b = pool->blocks;

    if (!b || b->size - b->used < size) {
        size_t room = size > BLOCK_SIZE / 4 ? size : BLOCK_SIZE - sizeof *b;
        b = xmalloc(sizeof *b + room);
        b->used = 0;
        b->size = room;
        if (size > BLOCK_SIZE / 4 && pool->blocks) {
            /* A long string's own block goes behind the current one, which still
             * has room for short ones. */
            b->next = pool->blocks->next;
            pool->blocks->next = b;
        } else {
            b->next = pool->blocks;
            pool->blocks = b;
        }
    }
    b->used += size;
    return b->text + b->used - size;
}

const char *
string_pool_add(struct string_pool *pool, const char *s, size_t len)
{
    const char **slot;
    char *copy;

    if (2 * (pool->n_strings + 1) > pool->n_slots) {
        build_index(pool, 2 * pool->n_slots);
    }
    slot = slot_of(pool, s, len);
    if (*slot) {
        return *slot;
    }
    copy = text_room(pool, len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    *slot = copy;
    pool->n_strings++;
    pool->text_size += len + 1;
    return copy;
}

size_t
string_pool_count(const struct string_pool *pool)
{
    return pool ? pool->n_strings : 0;
}

size_t
string_pool_text_size(const struct string_pool *pool)
{
    return pool ? pool->text_size : 0;
}
