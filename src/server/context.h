/* Who is asking: the request context every API handler and policy check uses.  It
 * comes from a validated Keystone token (built-in identity or an external Keystone)
 * or, with auth_strategy = noauth, from X-Project-Id / X-User-Id / X-Roles headers
 * (absent: admin in "fake_project_id", as Neutron's noauth does).  Handlers see the
 * same struct either way. */
#ifndef NEUTRINO_CONTEXT_H
#define NEUTRINO_CONTEXT_H

#include <stdbool.h>
#include <string.h>

#define CONTEXT_ID_MAX 256

/* Roles policy looks at.  Keystone's default implications (admin => member =>
 * reader) are applied when the context is made, whatever the token listed. */
enum context_role {
    ROLE_READER = 1 << 0,
    ROLE_MEMBER = 1 << 1,
    ROLE_ADMIN = 1 << 2,
    ROLE_ADVSVC = 1 << 3,       /* Neutron's advanced-services role. */
    ROLE_SERVICE = 1 << 4,      /* Keystone's "service" role: agents, token checks. */
};

struct context {
    char project_id[CONTEXT_ID_MAX];    /* Scoped project ("" when unscoped). */
    char user_id[CONTEXT_ID_MAX];
    unsigned int roles;                 /* enum context_role bits. */
    bool is_admin;                      /* Role admin (any project): cloud admin. */
    bool new_defaults;                  /* [oslo_policy] enforce_new_defaults. */
};

/* Sets 'ctx->roles' from one role name, applying the implications. */
static inline void
context_add_role(struct context *ctx, const char *name, size_t len)
{
    if (len == 5 && !strncmp(name, "admin", 5)) {
        ctx->roles |= ROLE_ADMIN | ROLE_MEMBER | ROLE_READER;
        ctx->is_admin = true;
    } else if (len == 6 && !strncmp(name, "member", 6)) {
        ctx->roles |= ROLE_MEMBER | ROLE_READER;
    } else if (len == 6 && !strncmp(name, "reader", 6)) {
        ctx->roles |= ROLE_READER;
    } else if (len == 6 && !strncmp(name, "advsvc", 6)) {
        ctx->roles |= ROLE_ADVSVC;
    } else if (len == 7 && !strncmp(name, "service", 7)) {
        ctx->roles |= ROLE_SERVICE;
    }
}

/* The project whose view applies to reads: NULL for admins and advsvc (they see
 * everything). */
static inline const char *
context_visible_to(const struct context *ctx)
{
    return ctx->is_admin || (ctx->roles & ROLE_ADVSVC) ? (const char *) 0 : ctx->project_id;
}

#endif
