/* The lock-out rule over the store's failed-login rows (see lockout.h).  Times are
 * wall-clock seconds, as servers sharing the database must agree on them (keep their
 * clocks in step, as Keystone's servers must). */
#include "lockout.h"

#include <time.h>

#include "config.h"
#include "log.h"
#include "store/store.h"

LOG_MODULE("identity");

/* Runs 'write' for 'user_id' in a transaction of its own. */
static int
write_alone(struct store_conn *c, const char *user_id, int64_t now,
            int (*write)(struct store_conn *, const char *, int64_t))
{
    int r = store_begin(c);

    return store_end(c, r ? r : write(c, user_id, now));
}

static int
add_failure(struct store_conn *c, const char *user_id, int64_t now)
{
    return store_id_login_failure_add(c, user_id, now);
}

static int
clear_failures(struct store_conn *c, const char *user_id, int64_t now)
{
    (void) now;
    return store_id_login_failures_clear(c, user_id);
}

int
lockout_check(const struct server_config *cfg, struct store_conn *c, const char *user_id,
              struct lockout_state *ret)
{
    struct id_login_failures f;
    int64_t now = (int64_t) time(NULL);
    int r;

    *ret = (struct lockout_state) { 0 };
    if (!cfg->lockout_failure_attempts) {
        return 0;
    }
    r = store_id_login_failures_get(c, user_id, &f);
    if (r) {
        return r;
    }
    if (f.count >= (unsigned int) cfg->lockout_failure_attempts) {
        if (now < f.last_at + cfg->lockout_duration) {
            ret->locked = true;
            ret->failures = f.count;
            return 0;
        }
        /* The lock ran out: a fresh start. */
        r = write_alone(c, user_id, now, clear_failures);
        f.count = 0;
    }
    ret->has_failures = f.count > 0;
    ret->failures = f.count;
    return r;
}

int
lockout_failed(const struct server_config *cfg, struct store_conn *c, const char *user_id,
               const struct lockout_state *st)
{
    int r;

    if (!cfg->lockout_failure_attempts || st->locked) {
        return 0;
    }
    r = write_alone(c, user_id, (int64_t) time(NULL), add_failure);
    if (!r && st->failures + 1 == (unsigned int) cfg->lockout_failure_attempts) {
        log_warn("user %s locked out for %d s after %d failed password checks", user_id,
                 cfg->lockout_duration, cfg->lockout_failure_attempts);
    }
    return r;
}

int
lockout_succeeded(const struct server_config *cfg, struct store_conn *c, const char *user_id,
                  const struct lockout_state *st)
{
    if (!cfg->lockout_failure_attempts || !st->has_failures) {
        return 0;
    }
    return write_alone(c, user_id, 0, clear_failures);
}
