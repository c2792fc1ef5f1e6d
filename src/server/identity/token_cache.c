/* Token validation cache (see token_cache.h). */
#include "token_cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

struct cache_entry {
    uint8_t key[TOKEN_KEY_LEN];
    uint64_t until_us;          /* 0: empty. */
    uint64_t generation;
    struct token_verdict verdict;
};

struct token_cache {
    pthread_mutex_t mutex;
    unsigned int mask;          /* slots - 1 (slots is a power of two). */
    uint64_t generation;
    struct cache_entry *entries;
};

struct token_cache *
token_cache_create(unsigned int slots)
{
    struct token_cache *tc = xcalloc(1, sizeof *tc);
    unsigned int n = 1;

    while (n < slots) {
        n <<= 1;
    }
    pthread_mutex_init(&tc->mutex, NULL);
    tc->mask = n - 1;
    tc->generation = 1;
    tc->entries = xcalloc(n, sizeof *tc->entries);
    return tc;
}

void
token_cache_destroy(struct token_cache *tc)
{
    if (tc) {
        pthread_mutex_destroy(&tc->mutex);
        free(tc->entries);
        free(tc);
    }
}

static struct cache_entry *
slot(struct token_cache *tc, const uint8_t key[TOKEN_KEY_LEN])
{
    uint32_t h;

    memcpy(&h, key, sizeof h);  /* The key is a cryptographic hash: any bits will do. */
    return &tc->entries[h & tc->mask];
}

bool
token_cache_get(struct token_cache *tc, const uint8_t key[TOKEN_KEY_LEN], uint64_t now_us,
                struct token_verdict *ret)
{
    bool hit = false;

    pthread_mutex_lock(&tc->mutex);
    struct cache_entry *e = slot(tc, key);
    if (e->until_us > now_us && e->generation == tc->generation
        && !sodium_memcmp(e->key, key, TOKEN_KEY_LEN)) {
        *ret = e->verdict;
        hit = true;
    }
    pthread_mutex_unlock(&tc->mutex);
    return hit;
}

uint64_t
token_cache_generation(struct token_cache *tc)
{
    uint64_t g;

    pthread_mutex_lock(&tc->mutex);
    g = tc->generation;
    pthread_mutex_unlock(&tc->mutex);
    return g;
}

void
token_cache_put(struct token_cache *tc, const uint8_t key[TOKEN_KEY_LEN],
                const struct token_verdict *v, uint64_t until_us, uint64_t generation)
{
    pthread_mutex_lock(&tc->mutex);
    if (generation != tc->generation) {
        pthread_mutex_unlock(&tc->mutex);
        return;
    }
    struct cache_entry *e = slot(tc, key);
    memcpy(e->key, key, TOKEN_KEY_LEN);
    e->until_us = until_us;
    e->generation = tc->generation;
    e->verdict = *v;
    pthread_mutex_unlock(&tc->mutex);
}

void
token_cache_clear(struct token_cache *tc)
{
    pthread_mutex_lock(&tc->mutex);
    tc->generation++;
    pthread_mutex_unlock(&tc->mutex);
}

void
token_key(const char *token, uint8_t key[TOKEN_KEY_LEN])
{
    crypto_generichash(key, TOKEN_KEY_LEN, (const unsigned char *) token, strlen(token), NULL, 0);
}

void
token_verdict_apply(const struct token_verdict *v, struct context *ctx)
{
    snprintf(ctx->project_id, sizeof ctx->project_id, "%s", v->project_id);
    snprintf(ctx->user_id, sizeof ctx->user_id, "%s", v->user_id);
    ctx->roles = v->roles;
    ctx->is_admin = v->roles & ROLE_ADMIN;
}
