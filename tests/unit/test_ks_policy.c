/* Unit tests for the identity API's permission table (identity/ks_policy.h): who may
 * do what — admins, service users, users about themselves, members of their own
 * project, anyone with a token — and the 403 that names Keystone's rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app.h"
#include "config.h"
#include "identity/ks_policy.h"
#include "request.h"

static struct server_config cfg;
static struct app app = { .cfg = &cfg };

static struct ks_caller
caller(const char *user, const char *project, unsigned int roles)
{
    struct ks_caller c;

    memset(&c, 0, sizeof c);
    snprintf(c.auth.token.user_id, sizeof c.auth.token.user_id, "%s", user);
    snprintf(c.auth.token.project_id, sizeof c.auth.token.project_id, "%s", project);
    c.auth.role_bits = roles;
    c.is_admin = roles & ROLE_ADMIN;
    return c;
}

/* Runs ks_permit(); on a refusal, checks the 403 body names 'rule'. */
static bool
permits(const struct ks_caller *c, enum ks_action action, const char *target,
        const char *rule)
{
    struct request req;
    bool ok;

    memset(&req, 0, sizeof req);
    req.app = &app;
    req.base_url = (char *) "http://test:9696";
    req.api_prefix = "";
    buf_init(&req.response);
    ok = !ks_permit(&req, c, action, target);
    if (!ok) {
        char expected[128];
        snprintf(expected, sizeof expected, "action: identity:%s.", rule);
        assert_int_equal(req.status, 403);
        assert_non_null(strstr(buf_cstr(&req.response), expected));
    }
    for (size_t i = 0; i < req.n_headers; i++) {
        free(req.headers[i].value);
    }
    buf_done(&req.response);
    return ok;
}

static void
test_admin_only(void **state)
{
    struct ks_caller admin = caller("u1", "p1", ROLE_ADMIN | ROLE_MEMBER | ROLE_READER);
    struct ks_caller member = caller("u2", "p2", ROLE_MEMBER | ROLE_READER);

    assert_true(permits(&admin, KS_CREATE_PROJECT, NULL, "create_project"));
    assert_false(permits(&member, KS_CREATE_PROJECT, NULL, "create_project"));
    assert_false(permits(&member, KS_DELETE_USER, "u2", "delete_user"));
    assert_false(permits(&member, KS_LIST_GRANTS, NULL, "list_grants"));
}

static void
test_self_and_own_project(void **state)
{
    struct ks_caller member = caller("u2", "p2", ROLE_MEMBER | ROLE_READER);
    struct ks_caller admin = caller("u1", "p1", ROLE_ADMIN);

    assert_true(permits(&member, KS_GET_USER, "u2", "get_user"));
    assert_false(permits(&member, KS_GET_USER, "u3", "get_user"));
    assert_true(permits(&member, KS_GET_PROJECT, "p2", "get_project"));
    assert_false(permits(&member, KS_GET_PROJECT, "p3", "get_project"));
    /* Own project is no "own user", and no target is nobody's. */
    assert_false(permits(&member, KS_GET_USER, "p2", "get_user"));
    assert_false(permits(&member, KS_LIST_ROLE_ASSIGNMENTS, NULL, "list_role_assignments"));
    assert_true(permits(&member, KS_LIST_ROLE_ASSIGNMENTS, "u2", "list_role_assignments"));
    /* Changing a password is for the user itself, even against an admin. */
    assert_true(permits(&member, KS_CHANGE_PASSWORD, "u2", "change_password"));
    assert_false(permits(&admin, KS_CHANGE_PASSWORD, "u2", "change_password"));
}

static void
test_tokens_and_anyone(void **state)
{
    struct ks_caller service = caller("svc", "services", ROLE_SERVICE);
    struct ks_caller member = caller("u2", "p2", ROLE_MEMBER);
    struct ks_caller unscoped = caller("u4", "", 0);

    assert_true(permits(&service, KS_VALIDATE_TOKEN, "u2", "validate_token"));
    assert_true(permits(&member, KS_VALIDATE_TOKEN, "u2", "validate_token"));
    assert_false(permits(&member, KS_VALIDATE_TOKEN, "svc", "validate_token"));
    assert_true(permits(&unscoped, KS_GET_AUTH_CATALOG, NULL, "get_auth_catalog"));
    assert_true(permits(&unscoped, KS_LIST_DOMAINS, NULL, "list_domains"));
    assert_false(permits(&unscoped, KS_GET_PROJECT, "", "get_project"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_admin_only),
        cmocka_unit_test(test_self_and_own_project),
        cmocka_unit_test(test_tokens_and_anyone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
