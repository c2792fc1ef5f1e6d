/* A pool of shared, immutable strings: each distinct text is stored once, however often
 * it is added, and all of them are freed together with the pool.
 *
 * The firewall's states (firewall_plan.h) keep every rule line of the node: at a
 * thousand ports some 54,000 lines, of which only about 19,000 differ (the lines every
 * port's chains share: state matches, DHCP, drops).  Stored one malloc() each they were
 * some 5 MB of the agent's heap for as long as it runs; pooled, the text is written
 * once into large blocks, with no per-string allocation overhead. */
#ifndef NEUTRINO_AGENT_STRING_POOL_H
#define NEUTRINO_AGENT_STRING_POOL_H

#include <stddef.h>

struct string_pool;

struct string_pool *string_pool_create(void);
void string_pool_destroy(struct string_pool *pool);

/* The pool's copy of the 'len' characters at 's' (NUL-terminated), added if it has
 * none; valid until the pool is destroyed. */
const char *string_pool_add(struct string_pool *pool, const char *s, size_t len);

/* Frees the index that finds a text's copy (half of a pool's memory beside the text
 * when its strings are short), for a pool that is done growing; a later
 * string_pool_add() builds it again from the text. */
void string_pool_seal(struct string_pool *pool);

/* How many distinct strings the pool holds, and the bytes of their text. */
size_t string_pool_count(const struct string_pool *pool);
size_t string_pool_text_size(const struct string_pool *pool);

#endif
