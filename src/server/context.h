/* Who is asking: the request context every API handler and policy check uses.  With
 * auth_strategy = noauth it comes from X-Project-Id / X-User-Id / X-Roles headers
 * (absent: admin in "fake_project_id", as Neutron's noauth does); with Keystone it
 * will come from the validated token — the handlers see the same struct either way. */
#ifndef NEUTRINO_CONTEXT_H
#define NEUTRINO_CONTEXT_H

#include <stdbool.h>

#define CONTEXT_ID_MAX 256

struct context {
    char project_id[CONTEXT_ID_MAX];    /* Scoped project. */
    char user_id[CONTEXT_ID_MAX];
    bool is_admin;                      /* Role admin (any project): cloud admin. */
    bool is_reader_only;                /* Only the reader role (enforce_new_defaults). */
};

/* The project whose view applies to reads: NULL for admins (they see everything). */
static inline const char *
context_visible_to(const struct context *ctx)
{
    return ctx->is_admin ? (const char *) 0 : ctx->project_id;
}

#endif
