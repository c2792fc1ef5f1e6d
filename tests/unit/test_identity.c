/* Unit tests for the built-in identity service and the policy rules: the validation
 * cache, password checks and lock-out, token issue/validate/revoke against a real
 * SQLite store, implied roles, and the default rules of policy.c in both rule sets. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "identity/identity.h"
#include "identity/identity_internal.h"
#include "identity/password.h"
#include "identity/token_cache.h"
#include "policy.h"
#include "store/store.h"

/* --- Policy ---------------------------------------------------------------------- */

static struct context
ctx_of(const char *project, const char *role, bool new_defaults)
{
    struct context c;

    memset(&c, 0, sizeof c);
    snprintf(c.project_id, sizeof c.project_id, "%s", project);
    context_add_role(&c, role, strlen(role));
    c.new_defaults = new_defaults;
    return c;
}

static void
test_policy_networks(void **state)
{
    struct policy_target own = { .project_id = "A" }, other = { .project_id = "B" };
    struct policy_target shared = { .project_id = "B", .shared = true };

    for (int nd = 0; nd < 2; nd++) {
        struct context member = ctx_of("A", "member", nd), reader = ctx_of("A", "reader", nd);
        struct context admin = ctx_of("X", "admin", nd);
        assert_true(policy_allows(&member, POLICY_NETWORK, POLICY_CREATE, &own));
        assert_true(policy_allows(&member, POLICY_NETWORK, POLICY_GET, &shared));
        assert_false(policy_allows(&member, POLICY_NETWORK, POLICY_GET, &other));
        assert_false(policy_allows(&member, POLICY_NETWORK, POLICY_UPDATE, &shared));
        assert_true(policy_allows(&admin, POLICY_NETWORK, POLICY_DELETE, &other));
        assert_true(policy_allows(&reader, POLICY_NETWORK, POLICY_GET, &own));
        /* The reader writes only under Zed's rules. */
        assert_int_equal(policy_allows(&reader, POLICY_NETWORK, POLICY_CREATE, &own), !nd);
        assert_int_equal(policy_allows(&reader, POLICY_NETWORK, POLICY_UPDATE, &own), !nd);
        assert_int_equal(policy_allows(&reader, POLICY_NETWORK, POLICY_DELETE, &own), !nd);
    }
}

static void
test_policy_subnets_and_ports(void **state)
{
    /* A port of project B on a network of project A. */
    struct policy_target foreign = { .project_id = "B", .net_project_id = "A" };
    struct policy_target own_sub = { .project_id = "B", .net_project_id = "X", .shared = true };

    for (int nd = 0; nd < 2; nd++) {
        struct context net_owner = ctx_of("A", "member", nd);
        struct context net_reader = ctx_of("A", "reader", nd);
        struct context b = ctx_of("B", "member", nd);
        /* Zed lets the network owner see and delete others' ports; new rules do not. */
        assert_int_equal(policy_allows(&net_owner, POLICY_PORT, POLICY_GET, &foreign), !nd);
        assert_int_equal(policy_allows(&net_owner, POLICY_PORT, POLICY_DELETE, &foreign), !nd);
        assert_false(policy_allows(&net_owner, POLICY_PORT, POLICY_UPDATE, &foreign));
        assert_true(policy_allows(&b, POLICY_PORT, POLICY_UPDATE, &foreign));
        /* Subnets: the network owner (member; Zed: any role), and under Zed also the
         * subnet's own member, even on another project's shared network. */
        assert_true(policy_allows(&net_owner, POLICY_SUBNET, POLICY_DELETE, &foreign));
        assert_int_equal(policy_allows(&net_reader, POLICY_SUBNET, POLICY_DELETE, &foreign),
                         !nd);
        assert_int_equal(policy_allows(&b, POLICY_SUBNET, POLICY_CREATE, &own_sub), !nd);
        assert_int_equal(policy_allows(&b, POLICY_SUBNET, POLICY_UPDATE, &foreign), !nd);
        assert_int_equal(policy_allows(&b, POLICY_SUBNET, POLICY_DELETE, &foreign), !nd);
        assert_true(policy_allows(&net_owner, POLICY_SUBNET, POLICY_GET, &own_sub));
    }
    assert_string_equal(policy_rule_name(POLICY_SUBNET, POLICY_UPDATE), "update_subnet");
}

/* --- Token cache ----------------------------------------------------------------- */

static void
test_token_cache(void **state)
{
    struct token_cache *tc = token_cache_create(8);
    struct token_verdict v = { .valid = true, .roles = ROLE_MEMBER, .expires_at = 1 }, got;
    uint8_t k1[TOKEN_KEY_LEN], k2[TOKEN_KEY_LEN];
    uint64_t g;

    token_key("token-one", k1);
    token_key("token-two", k2);
    strcpy(v.project_id, "p1");
    assert_false(token_cache_get(tc, k1, 100, &got));
    g = token_cache_generation(tc);
    token_cache_put(tc, k1, &v, 200, g);
    assert_true(token_cache_get(tc, k1, 150, &got));
    assert_string_equal(got.project_id, "p1");
    assert_false(token_cache_get(tc, k1, 200, &got));      /* Past its deadline. */
    assert_false(token_cache_get(tc, k2, 150, &got));      /* Another key. */
    token_cache_clear(tc);
    assert_false(token_cache_get(tc, k1, 150, &got));
    /* A verdict reached before a clear is not stored after it. */
    token_cache_put(tc, k1, &v, 200, g);
    assert_false(token_cache_get(tc, k1, 150, &got));
    token_cache_destroy(tc);
}

/* --- Identity against a real store ----------------------------------------------- */

struct env {
    char dir[64];
    struct server_config cfg;
    struct store *store;
    struct store_conn *c;
    struct identity *id;
};

static int
env_setup(void **state)
{
    struct env *e = calloc(1, sizeof *e);
    struct buf warnings = BUF_INITIALIZER, error = BUF_INITIALIZER, notice = BUF_INITIALIZER;
    char path[128];

    strcpy(e->dir, "/tmp/neutrino-test-identity-XXXXXX");
    assert_non_null(mkdtemp(e->dir));
    assert_int_equal(server_config_load(&e->cfg, NULL, 0, &warnings, &error), 0);
    free(e->cfg.state_path);
    e->cfg.state_path = strdup(e->dir);
    e->cfg.admin_password = strdup("admin-secret");
    e->cfg.lockout_failure_attempts = 3;
    snprintf(path, sizeof path, "%s/db.sqlite", e->dir);
    assert_int_equal(store_open(path, &e->store, &error), 0);
    e->c = store_conn(e->store);
    assert_int_equal(identity_open(&e->cfg, e->store, &e->id, &notice, &error), 0);
    assert_non_null(strstr(buf_cstr(&notice), "clouds.yaml"));
    buf_done(&warnings);
    buf_done(&error);
    buf_done(&notice);
    *state = e;
    return 0;
}

static int
env_teardown(void **state)
{
    struct env *e = *state;
    char cmd[96];

    identity_close(e->id);
    store_close(e->store);
    free(e->cfg.admin_password);
    e->cfg.admin_password = NULL;
    server_config_done(&e->cfg);
    snprintf(cmd, sizeof cmd, "rm -rf %s", e->dir);
    assert_int_equal(system(cmd), 0);
    free(e);
    return 0;
}

static void
test_password_and_lockout(void **state)
{
    struct env *e = *state;
    char uid[IDENTITY_ID_LEN];

    assert_int_equal(identity_check_password(e->id, e->c, NULL, "admin", "admin-secret", uid),
                     0);
    assert_int_equal(identity_check_password(e->id, e->c, NULL, "nobody", "x", uid), -EACCES);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(identity_check_password(e->id, e->c, NULL, "admin", "bad", uid),
                         -EACCES);
    }
    /* Locked out: the right password is refused too. */
    assert_int_equal(identity_check_password(e->id, e->c, NULL, "admin", "admin-secret", uid),
                     -EACCES);
}

/* The lock-out is the user's, by id: locked by name, refused by id. */
static void
test_lockout_holds_for_name_and_id(void **state)
{
    struct env *e = *state;
    char uid[IDENTITY_ID_LEN], admin_id[IDENTITY_ID_LEN];

    assert_int_equal(identity_check_password(e->id, e->c, NULL, "admin", "admin-secret",
                                             admin_id), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(identity_check_password(e->id, e->c, NULL, "admin", "bad", uid),
                         -EACCES);
    }
    assert_int_equal(identity_check_password(e->id, e->c, admin_id, NULL, "admin-secret", uid),
                     -EACCES);
    /* Unknown names and ids lock nothing and are refused alike. */
    for (int i = 0; i < 5; i++) {
        assert_int_equal(identity_check_password(e->id, e->c, "0123456789abcdef0123456789abcdef",
                                                 NULL, "x", uid), -EACCES);
    }
}

/* Makes user 'name' with password 'password'; writes its id into 'ret_id'. */
static void
make_user(struct env *e, const char *name, const char *password, char ret_id[IDENTITY_ID_LEN])
{
    char hash[PASSWORD_HASH_MAX];
    struct id_user u = { .name = (char *) name, .password_hash = hash, .enabled = true };

    assert_int_equal(password_hash(password, hash), 0);
    identity_new_id(u.id);
    assert_int_equal(store_begin(e->c), 0);
    assert_int_equal(store_end(e->c, store_id_user_insert(e->c, &u)), 0);
    memcpy(ret_id, u.id, IDENTITY_ID_LEN);
}

static unsigned int
failures_of(struct env *e, const char *user_id)
{
    struct id_login_failures f;

    assert_int_equal(store_id_login_failures_get(e->c, user_id, &f), 0);
    return f.count;
}

/* Each user counts alone: many others failing never touch the victim's count or lock,
 * a success resets only its own count, unknown names count nothing. */
static void
test_lockout_is_per_user(void **state)
{
    struct env *e = *state;
    char victim[IDENTITY_ID_LEN], ids[100][IDENTITY_ID_LEN], uid[IDENTITY_ID_LEN];
    char name[32];

    make_user(e, "victim", "victim-pw", victim);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(identity_check_password(e->id, e->c, NULL, "victim", "bad", uid),
                         -EACCES);
    }
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "user-%d", i);
        make_user(e, name, "pw", ids[i]);
        for (int k = 0; k < 2; k++) {
            assert_int_equal(identity_check_password(e->id, e->c, NULL, name, "bad", uid),
                             -EACCES);
        }
        if (i % 2) {
            assert_int_equal(identity_check_password(e->id, e->c, ids[i], NULL, "pw", uid), 0);
        }
        snprintf(name, sizeof name, "nobody-%d", i);
        assert_int_equal(identity_check_password(e->id, e->c, NULL, name, "bad", uid),
                         -EACCES);
    }
    assert_int_equal(failures_of(e, victim), 2);
    assert_int_equal(failures_of(e, ids[6]), 2);
    assert_int_equal(failures_of(e, ids[7]), 0);
    /* The third failure, by id, locks the name too; locked attempts do not count. */
    assert_int_equal(identity_check_password(e->id, e->c, victim, NULL, "bad", uid), -EACCES);
    assert_int_equal(identity_check_password(e->id, e->c, NULL, "victim", "victim-pw", uid),
                     -EACCES);
    assert_int_equal(failures_of(e, victim), 3);
    /* Deleting the user deletes its count. */
    assert_int_equal(store_begin(e->c), 0);
    assert_int_equal(store_end(e->c, store_id_user_delete(e->c, ids[6])), 0);
    assert_int_equal(failures_of(e, ids[6]), 0);
}

/* A lock lasts lockout_duration after the last counted failure, then is forgotten. */
static void
test_lockout_runs_out(void **state)
{
    struct env *e = *state;
    char uid[IDENTITY_ID_LEN];

    e->cfg.lockout_duration = 1;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(identity_check_password(e->id, e->c, NULL, "admin", "bad", uid),
                         -EACCES);
    }
    assert_int_equal(identity_check_password(e->id, e->c, NULL, "admin", "admin-secret", uid),
                     -EACCES);
    usleep(1100 * 1000);
    assert_int_equal(identity_check_password(e->id, e->c, NULL, "admin", "admin-secret", uid),
                     0);
    assert_int_equal(failures_of(e, uid), 0);
}

/* [security_compliance] password_regex: matched from the first character (Python's
 * re.match), refused at start when it is not POSIX. */
static void
test_password_policy(void **state)
{
    static const struct {
        const char *regex, *password;
        bool allowed;
    } cases[] = {
        { "[a-z]{4,}[0-9]", "abcd1", true },
        { "[a-z]{4,}[0-9]", "abcd1XYZ", true },         /* The end is free... */
        { "[a-z]{4,}[0-9]$", "abcd1XYZ", false },       /* ...unless anchored. */
        { "[a-z]{4,}[0-9]", "Xabcd1", false },          /* The start is not. */
        { "[a-z]{4,}[0-9]", "abc1", false },
        { "[[:upper:]].*[[:digit:]]", "Pass1", true },
        { "[[:upper:]].*[[:digit:]]", "pass1", false },
    };
    struct buf error = BUF_INITIALIZER;
    struct server_config cfg;

    (void) state;
    assert_int_equal(server_config_load(&cfg, NULL, 0, &error, &error), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cfg.password_regex = (char *) cases[i].regex;
        cfg.password_regex_description = (char *) "the rule";
        struct identity *id = identity_alloc(&cfg, NULL);
        assert_int_equal(identity_password_policy_init(id, &error), 0);
        const char *why = identity_password_refusal(id, cases[i].password);
        if (cases[i].allowed) {
            assert_null(why);
        } else {
            assert_string_equal(why, "the rule");
        }
        identity_close(id);
    }
    static const char *const bad[] = { "[a-z", "(?=.*[0-9])", "\\d+", "a{2,1}" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cfg.password_regex = (char *) bad[i];
        struct identity *id = identity_alloc(&cfg, NULL);
        buf_clear(&error);
        assert_int_equal(identity_password_policy_init(id, &error), -EINVAL);
        assert_non_null(strstr(buf_cstr(&error), "[security_compliance] password_regex"));
        identity_close(id);
    }
    cfg.password_regex = NULL;
    cfg.password_regex_description = NULL;
    struct identity *id = identity_alloc(&cfg, NULL);
    assert_int_equal(identity_password_policy_init(id, &error), 0);
    assert_null(identity_password_refusal(id, ""));    /* Unset: anything goes. */
    identity_close(id);
    server_config_done(&cfg);
    buf_done(&error);
}

static void
test_tokens(void **state)
{
    struct env *e = *state;
    char text[TOKEN_TEXT_LEN + 1], text2[TOKEN_TEXT_LEN + 1];
    struct id_user admin;
    struct id_project project;
    struct id_auth a, v;
    struct context ctx;

    assert_int_equal(store_id_user_get_by_name(e->c, "admin", &admin), 0);
    assert_int_equal(store_id_project_get_by_name(e->c, "admin", &project), 0);
    assert_int_equal(identity_issue(e->id, e->c, admin.id, project.id, "[\"password\"]", NULL,
                                    text, &a), 0);
    assert_int_equal(strlen(text), TOKEN_TEXT_LEN);
    assert_int_equal(a.n_roles, 3);                         /* reader, member, admin */
    assert_string_equal(a.roles[0].name, "reader");
    assert_int_equal(identity_validate(e->id, e->c, text, &v), 0);
    assert_string_equal(v.project_name, "admin");
    assert_int_equal(identity_authenticate(e->id, e->c, text, &ctx), 0);
    assert_true(ctx.is_admin);
    assert_string_equal(ctx.project_id, project.id);
    /* No role on project demo: no token for it. */
    struct id_project demo;
    assert_int_equal(store_id_project_get_by_name(e->c, "demo", &demo), 0);
    assert_int_equal(identity_issue(e->id, e->c, admin.id, demo.id, "[\"password\"]", NULL,
                                    text2, &v), -EACCES);
    /* Re-scoped from an expired parent: born expired. */
    struct id_token old = a.token;
    old.expires_at = 1;
    assert_int_equal(identity_issue(e->id, e->c, admin.id, project.id, "[\"token\"]", &old,
                                    text2, &v), 0);
    assert_int_equal(identity_validate(e->id, e->c, text2, &v), -ENOENT);
    /* Revocation reaches the cached fast path at once. */
    assert_int_equal(identity_revoke(e->id, e->c, text), 0);
    assert_int_equal(identity_authenticate(e->id, e->c, text, &ctx), -EACCES);
    assert_int_equal(identity_validate(e->id, e->c, text, &v), -ENOENT);
    text[0] ^= 1;
    assert_int_equal(identity_authenticate(e->id, e->c, text, &ctx), -EACCES);
    assert_int_equal(identity_authenticate(e->id, e->c, "short", &ctx), -EACCES);
    id_user_done(&admin);
    id_project_done(&project);
    id_project_done(&demo);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_networks),
        cmocka_unit_test(test_policy_subnets_and_ports),
        cmocka_unit_test(test_token_cache),
        cmocka_unit_test_setup_teardown(test_password_and_lockout, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_tokens, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_lockout_holds_for_name_and_id, env_setup,
                                        env_teardown),
        cmocka_unit_test_setup_teardown(test_lockout_is_per_user, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_lockout_runs_out, env_setup, env_teardown),
        cmocka_unit_test(test_password_policy),
    };

    password_use_minimum_cost();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
