/* The identity service's state, shared by identity.c and bootstrap.c only. */
#ifndef NEUTRINO_IDENTITY_INTERNAL_H
#define NEUTRINO_IDENTITY_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "identity.h"

enum { LOCKOUT_SLOTS = 1024 };

/* Failed password checks of one user name (or id), by a 16-byte hash of it. */
struct lockout_slot {
    uint8_t key[16];
    unsigned int failures;      /* Consecutive. */
    int64_t until;              /* Locked until (Unix seconds). */
};

enum builtin_role {
    BUILTIN_ADMIN, BUILTIN_MEMBER, BUILTIN_READER, BUILTIN_SERVICE, BUILTIN__COUNT
};

struct identity {
    const struct server_config *cfg;
    struct store *store;
    struct token_cache *cache;
    char install_id[IDENTITY_ID_LEN];               /* Seeds the catalog's ids. */
    char role_ids[BUILTIN__COUNT][IDENTITY_ID_LEN];
    uint64_t issued;                                /* Tokens issued (purge pacing). */
    pthread_mutex_t lockout_mutex;
    struct lockout_slot lockouts[LOCKOUT_SLOTS];
};

struct identity *identity_alloc(const struct server_config *cfg, struct store *store);

#endif
