/* What the identity API's entity files (api_projects.c, api_users.c, api_roles.c)
 * lend one another: lookups that answer 404 when the entity is missing, and the
 * rendering of projects and roles into listings. */
#ifndef NEUTRINO_IDENTITY_KS_ENTITIES_H
#define NEUTRINO_IDENTITY_KS_ENTITIES_H

#include <jansson.h>

#include "store/store.h"

struct request;

/* Finds an entity by id into 'ret' (to be freed with id_*_done()).  Returns 0, or -1
 * after answering 404 "Could not find <kind>: <id>." or 500. */
int ks_project_lookup(struct request *req, struct store_conn *c, const char *id,
                      struct id_project *ret);
int ks_user_lookup(struct request *req, struct store_conn *c, const char *id,
                   struct id_user *ret);
int ks_role_lookup(struct request *req, struct store_conn *c, const char *id,
                   struct id_role *ret);

/* A listing being rendered: the store's foreach callbacks below append to 'items'. */
struct ks_list {
    const struct request *req;
    json_t *items;
};

store_id_project_cb ks_list_project;
store_id_role_cb ks_list_role;

#endif
