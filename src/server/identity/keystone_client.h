/* Token validation against an external Keystone (auth_strategy = keystone with
 * [keystone_authtoken] auth_url): what keystonemiddleware does for Neutron.  The
 * server logs in with its service credentials, then asks GET /v3/auth/tokens about
 * each new token; answers are cached for token_cache_time seconds (bad tokens for at
 * most 10), so a revocation there reaches us within that time. */
#ifndef NEUTRINO_IDENTITY_KEYSTONE_CLIENT_H
#define NEUTRINO_IDENTITY_KEYSTONE_CLIENT_H

#include "buf.h"
#include "context.h"

struct keystone_client;
struct server_config;

int keystone_client_create(const struct server_config *cfg, struct keystone_client **ret,
                           struct buf *error);
void keystone_client_destroy(struct keystone_client *kc);

/* Validates 'token': 0 with 'ctx' filled (user, project, roles); -EACCES if Keystone
 * does not know it (or it is unscoped); -EAGAIN if Keystone cannot be reached or
 * refuses our service credentials. */
int keystone_client_validate(struct keystone_client *kc, const char *token, struct context *ctx);

#endif
