/* The built-in identity service: a Keystone v3 subset with projects, users, roles,
 * role assignments and tokens, kept in the server's own database.
 *
 * Tokens are 43 random URL-safe characters; only their BLAKE2b hash is stored, so a
 * copy of the database holds no usable token.  A token names a user and, unless
 * unscoped, a project; its roles are read when it is validated, so revoking a role
 * takes effect at once.  Passwords are argon2id hashes (password.h).  A user whose
 * logins keep failing is locked out for a while (lockout.h), and new passwords may
 * have to match a pattern ([security_compliance] password_regex).
 *
 * Validations are cached (token_cache.h); every change made here that could alter a
 * validation clears the cache, so within one server a revoked token or role is
 * refused at once. */
#ifndef NEUTRINO_IDENTITY_H
#define NEUTRINO_IDENTITY_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "context.h"
#include "store/store.h"

struct identity;
struct server_config;

#define ID_AUTH_MAX_ROLES 16
#define ID_NAME_MAX 256
#define TOKEN_TEXT_LEN 43

/* A role as a token lists it. */
struct id_role_ref {
    char id[IDENTITY_ID_LEN];
    char name[ID_NAME_MAX];
};

/* Everything a token's body shows, as found at issue or validation. */
struct id_auth {
    struct id_token token;
    char user_name[ID_NAME_MAX];
    char project_name[ID_NAME_MAX];     /* "" when unscoped. */
    struct id_role_ref roles[ID_AUTH_MAX_ROLES];    /* Implied roles included. */
    size_t n_roles;
    unsigned int role_bits;             /* context_role bits. */
};

/* Opens the service over 'store', bootstrapping an empty database (domain Default,
 * roles admin/member/reader, projects admin and demo, users admin and demo, and the
 * clouds.yaml that holds their passwords).  'notice' receives a line for the
 * operator (where clouds.yaml is).  Returns 0 or a negative errno with 'error'. */
int identity_open(const struct server_config *cfg, struct store *store,
                  struct identity **ret, struct buf *notice, struct buf *error);
void identity_close(struct identity *id);

/* Checks a password for the user named 'user_name' (or with id 'user_id' when
 * non-NULL).  On success copies the user's id into 'ret_user_id' and returns 0;
 * -EACCES for a wrong password, an unknown or disabled user, or a locked-out user
 * (however it is named: the lock-out is keyed by the user's id);
 * -EIO on database failure. */
int identity_check_password(struct identity *id, struct store_conn *c, const char *user_id,
                            const char *user_name, const char *password,
                            char ret_user_id[IDENTITY_ID_LEN]);

/* Why 'password' may not be set as a user's password ([security_compliance]
 * password_regex_description, or a generic reason), or NULL if it may. */
const char *identity_password_refusal(const struct identity *id, const char *password);

/* Issues a token for 'user_id', scoped to 'project_id' (NULL or "": unscoped).
 * 'methods' is a JSON array; 'parent' is the token it re-scopes, or NULL; the new
 * token then keeps the parent's expiry.  Writes the token text into 'ret_text' and
 * its description into 'ret'.  -EACCES if the user has no role on the project or
 * either is disabled. */
int identity_issue(struct identity *id, struct store_conn *c, const char *user_id,
                   const char *project_id, const char *methods, const struct id_token *parent,
                   char ret_text[TOKEN_TEXT_LEN + 1], struct id_auth *ret);

/* Validates token text; -ENOENT if unknown, expired, revoked or no longer backed by a
 * role assignment. */
int identity_validate(struct identity *id, struct store_conn *c, const char *token,
                      struct id_auth *ret);

/* Fast path for the network API: fills 'ctx' for a valid project-scoped token.
 * -EACCES otherwise (unscoped tokens do not reach the network API). */
int identity_authenticate(struct identity *id, struct store_conn *c, const char *token,
                          struct context *ctx);

/* Revokes a token. -ENOENT if it was not valid. */
int identity_revoke(struct identity *id, struct store_conn *c, const char *token);

/* To be called after any change to users, projects, roles or assignments: forgets
 * cached validations. */
void identity_changed(struct identity *id);
/* Another server sharing the database changed users, roles or tokens: drop what this
 * one has cached (NULL 'id': nothing to do). */
void identity_changed_elsewhere(struct identity *id);

/* Stable ids for the service catalog (derived from this installation's id). */
void identity_catalog_id(const struct identity *id, const char *what, char out[IDENTITY_ID_LEN]);
/* Region of the catalog's endpoints. */
const char *identity_region(const struct identity *id);

/* Where clouds.yaml is written ([identity] clouds_yaml or $state_path/clouds.yaml).
 * Owned string. */
char *identity_clouds_yaml_path(const struct server_config *cfg);

/* A new Keystone-style id: 32 lower-case hex digits. */
void identity_new_id(char out[IDENTITY_ID_LEN]);

#endif
