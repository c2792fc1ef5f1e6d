/* Lock-out after repeated failed logins ([security_compliance]
 * lockout_failure_attempts, lockout_duration), by Keystone's rule: a user's
 * consecutive wrong passwords are counted; at the limit the account is locked until
 * lockout_duration seconds after the last counted failure, and while locked every
 * login is refused, the right password included, without counting; a lock that has
 * run out is forgotten, count included; a success resets the count.
 *
 * The count is the user's own row in the store (identity_login_failures), keyed by
 * the user's id as the store resolved it, whether the client named the user by name
 * or by id: no failure of another name can touch it, unknown names have none (they
 * lock nothing and cost nothing), and every server sharing the database sees the
 * same count.  Writes happen only when a count changes: at most
 * lockout_failure_attempts per user and lockout_duration, plus the reset after a
 * success that follows failures; a successful login of a user without failures, and
 * any attempt while locked, write nothing. */
#ifndef NEUTRINO_IDENTITY_LOCKOUT_H
#define NEUTRINO_IDENTITY_LOCKOUT_H

#include <stdbool.h>

struct server_config;
struct store_conn;

/* What lockout_check() found. */
struct lockout_state {
    bool locked;            /* Refuse the login, whatever the password. */
    bool has_failures;      /* A success must reset the count. */
    unsigned int failures;  /* Counted so far (after a run-out lock is forgotten). */
};

/* Reads the lock-out state of the user with id 'user_id' into 'ret' (nothing is
 * locked when 'cfg' sets no limit).  Returns 0 or a negative errno. */
int lockout_check(const struct server_config *cfg, struct store_conn *c, const char *user_id,
                  struct lockout_state *ret);
/* Counts a wrong password for 'user_id', whose state 'st' lockout_check() read; logs
 * the lock when this failure reaches the limit.  Returns 0 or a negative errno. */
int lockout_failed(const struct server_config *cfg, struct store_conn *c, const char *user_id,
                   const struct lockout_state *st);
/* Resets the count after a successful login (no write when there was none). */
int lockout_succeeded(const struct server_config *cfg, struct store_conn *c,
                      const char *user_id, const struct lockout_state *st);

#endif
