/* The lock-out table (see lockout.h): open addressing with linear probing over a
 * power-of-two array, keyed by SipHash of the user id under a per-process random key,
 * doubled when half full.  Entries are never removed (a success only zeroes the
 * count), so probing needs no tombstones; there is at most one per user. */
#include "lockout.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("identity");

struct lockout_entry {
    char user_id[IDENTITY_ID_LEN];  /* "" : free slot. */
    unsigned int failures;          /* Consecutive wrong passwords. */
    uint64_t last_failure_us;       /* Monotonic time of the last one. */
};

struct lockout {
    int attempts;                   /* 0: never lock. */
    uint64_t duration_us;
    pthread_mutex_t mutex;
    uint8_t hash_key[crypto_shorthash_KEYBYTES];
    struct lockout_entry *slots;
    size_t n_slots;                 /* A power of two. */
    size_t n_used;
};

enum { FIRST_SLOTS = 64 };

struct lockout *
lockout_create(int attempts, int duration_s)
{
    struct lockout *l = xcalloc(1, sizeof *l);

    l->attempts = attempts;
    l->duration_us = (uint64_t) duration_s * 1000000;
    pthread_mutex_init(&l->mutex, NULL);
    crypto_shorthash_keygen(l->hash_key);
    l->n_slots = FIRST_SLOTS;
    l->slots = xcalloc(l->n_slots, sizeof *l->slots);
    return l;
}

void
lockout_destroy(struct lockout *l)
{
    if (!l) {
        return;
    }
    pthread_mutex_destroy(&l->mutex);
    free(l->slots);
    free(l);
}

/* The slot holding 'user_id' in 'slots', or the free slot where it would go. */
static struct lockout_entry *
probe(const struct lockout *l, struct lockout_entry *slots, size_t n_slots,
      const char *user_id)
{
    uint64_t h;
    size_t i;

    crypto_shorthash((unsigned char *) &h, (const unsigned char *) user_id, strlen(user_id),
                     l->hash_key);
    for (i = (size_t) h & (n_slots - 1);; i = (i + 1) & (n_slots - 1)) {
        if (!slots[i].user_id[0] || STREQ(slots[i].user_id, user_id)) {
            return &slots[i];
        }
    }
}

static void
grow(struct lockout *l)
{
    size_t n_slots = l->n_slots * 2;
    struct lockout_entry *slots = xcalloc(n_slots, sizeof *slots);

    for (size_t i = 0; i < l->n_slots; i++) {
        if (l->slots[i].user_id[0]) {
            *probe(l, slots, n_slots, l->slots[i].user_id) = l->slots[i];
        }
    }
    free(l->slots);
    l->slots = slots;
    l->n_slots = n_slots;
}

/* The entry of 'user_id', or NULL if it has none. */
static struct lockout_entry *
find(struct lockout *l, const char *user_id)
{
    struct lockout_entry *e = probe(l, l->slots, l->n_slots, user_id);

    return e->user_id[0] ? e : NULL;
}

static struct lockout_entry *
find_or_add(struct lockout *l, const char *user_id)
{
    struct lockout_entry *e = find(l, user_id);

    if (e) {
        return e;
    }
    if (2 * (l->n_used + 1) > l->n_slots) {
        grow(l);
    }
    e = probe(l, l->slots, l->n_slots, user_id);
    snprintf(e->user_id, sizeof e->user_id, "%s", user_id);
    l->n_used++;
    return e;
}

bool
lockout_is_locked(struct lockout *l, const char *user_id)
{
    struct lockout_entry *e;
    bool locked = false;

    if (!l->attempts) {
        return false;
    }
    pthread_mutex_lock(&l->mutex);
    e = find(l, user_id);
    if (e && e->failures >= (unsigned int) l->attempts) {
        locked = time_mono_us() < e->last_failure_us + l->duration_us;
        if (!locked) {
            e->failures = 0;    /* The lock ran out: a fresh start. */
        }
    }
    pthread_mutex_unlock(&l->mutex);
    return locked;
}

void
lockout_failed(struct lockout *l, const char *user_id)
{
    struct lockout_entry *e;

    if (!l->attempts || !*user_id) {
        return;
    }
    pthread_mutex_lock(&l->mutex);
    e = find_or_add(l, user_id);
    e->last_failure_us = time_mono_us();
    if (++e->failures == (unsigned int) l->attempts) {
        log_warn("user %s locked out for %d s after %d failed password checks", user_id,
                 (int) (l->duration_us / 1000000), l->attempts);
    }
    pthread_mutex_unlock(&l->mutex);
}

void
lockout_succeeded(struct lockout *l, const char *user_id)
{
    struct lockout_entry *e;

    if (!l->attempts) {
        return;
    }
    pthread_mutex_lock(&l->mutex);
    e = find(l, user_id);
    if (e) {
        e->failures = 0;
    }
    pthread_mutex_unlock(&l->mutex);
}
