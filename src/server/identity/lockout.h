/* Lock-out after repeated failed logins ([security_compliance]
 * lockout_failure_attempts, lockout_duration), by Keystone's rule: a user's
 * consecutive wrong passwords are counted; at the limit the account is locked until
 * lockout_duration seconds after the last counted failure, and while locked every
 * login is refused, the right password included, without counting; a success resets
 * the count.
 *
 * Counters are keyed by the user's id as the store resolved it, whether the client
 * named the user by name or by id, in an exact table: one entry per user that failed
 * since its last success, never shared with another user, so no failure of one name
 * can clear another's count or lock.  Unknown names have no entry (their logins
 * cannot lock anything), so memory is bounded by the number of users.  The table is
 * this process's own: servers sharing a database count apart (see README). */
#ifndef NEUTRINO_IDENTITY_LOCKOUT_H
#define NEUTRINO_IDENTITY_LOCKOUT_H

#include <stdbool.h>

struct lockout;

/* A table for at most 'attempts' consecutive failures (0: never lock) and locks of
 * 'duration_s' seconds. */
struct lockout *lockout_create(int attempts, int duration_s);
void lockout_destroy(struct lockout *l);

/* True if the user with id 'user_id' is locked out now.  A lock that has run out is
 * forgotten here, count included (as Keystone does). */
bool lockout_is_locked(struct lockout *l, const char *user_id);
/* Counts a wrong password for 'user_id'; locks it at the limit. */
void lockout_failed(struct lockout *l, const char *user_id);
/* Resets the count of 'user_id' after a successful login. */
void lockout_succeeded(struct lockout *l, const char *user_id);

#endif
