/* A small cache of token validations, so that checking a token costs one hash and one
 * table probe instead of database reads (the network API's hot path).  Entries are
 * keyed by the token's BLAKE2b hash and hold what validation found — who the caller
 * is, or that the token is bad.  Each entry lives until its own deadline; every entry
 * also dies when the cache's generation moves on (identity_*() changes that could
 * alter a validation bump it).  Direct-mapped: a collision simply replaces. */
#ifndef NEUTRINO_IDENTITY_TOKEN_CACHE_H
#define NEUTRINO_IDENTITY_TOKEN_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"

#define TOKEN_KEY_LEN 32

struct token_cache;

/* What validation of a token found. */
struct token_verdict {
    bool valid;
    char project_id[65];
    char user_id[65];
    unsigned int roles;         /* context_role bits. */
    int64_t expires_at;         /* Unix seconds. */
};

struct token_cache *token_cache_create(unsigned int slots);
void token_cache_destroy(struct token_cache *tc);

/* Looks 'key' up; true with '*ret' filled if a live entry exists at 'now_us'
 * (monotonic microseconds). */
bool token_cache_get(struct token_cache *tc, const uint8_t key[TOKEN_KEY_LEN], uint64_t now_us,
                     struct token_verdict *ret);
/* The current generation: read it before validating, pass it to put(), and a verdict
 * reached while the cache was being cleared is not kept. */
uint64_t token_cache_generation(struct token_cache *tc);
/* Stores a verdict valid until 'until_us' (monotonic), unless the generation moved
 * past 'generation'. */
void token_cache_put(struct token_cache *tc, const uint8_t key[TOKEN_KEY_LEN],
                     const struct token_verdict *v, uint64_t until_us, uint64_t generation);
/* Forgets every entry. */
void token_cache_clear(struct token_cache *tc);

/* Fills the caller's identity in 'ctx' from a valid verdict. */
void token_verdict_apply(const struct token_verdict *v, struct context *ctx);

/* The token's key: BLAKE2b-256 of its text. */
void token_key(const char *token, uint8_t key[TOKEN_KEY_LEN]);

#endif
