/* The identity service's state, shared by identity.c and bootstrap.c only. */
#ifndef NEUTRINO_IDENTITY_INTERNAL_H
#define NEUTRINO_IDENTITY_INTERNAL_H

#include <regex.h>
#include <stdint.h>

#include "identity.h"

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
    regex_t password_regex;                         /* [security_compliance] */
    bool has_password_regex;
};

/* Compiles [security_compliance] password_regex into 'id'.  Returns 0, or -EINVAL
 * with the reason in 'error'. */
int identity_password_policy_init(struct identity *id, struct buf *error);

struct identity *identity_alloc(const struct server_config *cfg, struct store *store);

#endif
