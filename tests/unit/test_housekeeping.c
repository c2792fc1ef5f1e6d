/* Unit tests for src/server/core/housekeeping.h: the period it derives from
 * agent_down_time, pruning the change feed in batches, the timer pruning a full feed
 * on its own, and stopping at once however long the period. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "core/changes.h"
#include "core/housekeeping.h"
#include "store/store.h"

struct env {
    char dir[64];
    struct server_config cfg;
    struct store *store;
    struct store_conn *c;
};

static int
env_setup(void **state)
{
    struct env *e = calloc(1, sizeof *e);
    struct buf warnings = BUF_INITIALIZER, error = BUF_INITIALIZER;
    char path[96];

    strcpy(e->dir, "/tmp/neutrino-test-housekeeping-XXXXXX");
    assert_non_null(mkdtemp(e->dir));
    assert_int_equal(server_config_load(&e->cfg, NULL, 0, &warnings, &error), 0);
    snprintf(path, sizeof path, "%s/db.sqlite", e->dir);
    assert_int_equal(store_open(path, &e->store, &error), 0);
    e->c = store_conn(e->store);
    buf_done(&warnings);
    buf_done(&error);
    *state = e;
    return 0;
}

static int
env_teardown(void **state)
{
    struct env *e = *state;
    char cmd[96];

    store_close(e->store);
    server_config_done(&e->cfg);
    snprintf(cmd, sizeof cmd, "rm -rf %s", e->dir);
    assert_int_equal(system(cmd), 0);
    free(e);
    return 0;
}

/* Appends 'n' changes to the feed in one transaction. */
static void
add_changes(struct env *e, int n)
{
    assert_int_equal(store_begin(e->c), 0);
    for (int i = 0; i < n; i++) {
        assert_int_equal(changes_record(e->c, "", CHANGE_NETWORK_UPDATE, "net", ""), 0);
    }
    assert_int_equal(store_end(e->c, 0), 0);
}

static int64_t
oldest_change(struct env *e)
{
    int64_t first, last;

    assert_int_equal(store_change_bounds(e->c, &first, &last), 0);
    return first;
}

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
period_is_half_agent_down_time_up_to_30_s(void **state)
{
    struct server_config cfg = { .agent_down_time = 1 };

    (void) state;
    assert_int_equal(housekeeping_period_ms(&cfg), 500);
    cfg.agent_down_time = 20;
    assert_int_equal(housekeeping_period_ms(&cfg), 10000);
    cfg.agent_down_time = 75;       /* The default. */
    assert_int_equal(housekeeping_period_ms(&cfg), 30000);
    cfg.agent_down_time = 86400;
    assert_int_equal(housekeeping_period_ms(&cfg), 30000);
}

static void
feed_is_pruned_in_batches_to_the_newest(void **state)
{
    struct env *e = *state;

    /* 110 changes: a tenth over 100 is not yet worth a prune. */
    add_changes(e, 110);
    assert_int_equal(store_begin(e->c), 0);
    assert_int_equal(store_end(e->c, housekeeping_prune_feed(e->c, 100)), 0);
    assert_int_equal(oldest_change(e), 1);
    /* 112: the oldest 12 go, the newest 100 stay. */
    add_changes(e, 2);
    assert_int_equal(store_begin(e->c), 0);
    assert_int_equal(store_end(e->c, housekeeping_prune_feed(e->c, 100)), 0);
    assert_int_equal(oldest_change(e), 13);
}

static void
timer_prunes_a_full_feed(void **state)
{
    struct env *e = *state;
    struct buf error = BUF_INITIALIZER;
    struct housekeeping *h = NULL;
    int64_t deadline;

    add_changes(e, HOUSEKEEPING_KEEP_CHANGES + HOUSEKEEPING_KEEP_CHANGES / 10 + 2);
    e->cfg.agent_down_time = 1;     /* A run every 500 ms. */
    assert_int_equal(housekeeping_start(&e->cfg, e->store, NULL, &h, &error), 0);
    deadline = now_ms() + 10000;
    while (oldest_change(e) == 1 && now_ms() < deadline) {
        usleep(50000);
    }
    housekeeping_stop(h);
    assert_int_equal(oldest_change(e), HOUSEKEEPING_KEEP_CHANGES / 10 + 3);
    buf_done(&error);
}

static void
stop_does_not_wait_for_the_period(void **state)
{
    struct env *e = *state;
    struct buf error = BUF_INITIALIZER;
    struct housekeeping *h = NULL;
    int64_t start;

    e->cfg.agent_down_time = 86400;     /* A run every 30 s. */
    assert_int_equal(housekeeping_start(&e->cfg, e->store, NULL, &h, &error), 0);
    usleep(20000);
    start = now_ms();
    housekeeping_stop(h);
    assert_true(now_ms() - start < 1000);
    housekeeping_stop(NULL);
    buf_done(&error);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(period_is_half_agent_down_time_up_to_30_s),
        cmocka_unit_test_setup_teardown(feed_is_pruned_in_batches_to_the_newest, env_setup,
                                        env_teardown),
        cmocka_unit_test_setup_teardown(timer_prunes_a_full_feed, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(stop_does_not_wait_for_the_period, env_setup,
                                        env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
