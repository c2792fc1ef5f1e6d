/* Unit tests for the parts of src/server/core/rbac.c and policy.c that need no store: an
 * RBAC policy's object_type as Neutron normalises it, and the rules of the policies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/rbac.h"
#include "policy.h"
#include "util.h"

static void
object_types_are_stripped_and_lower_cased(void **state)
{
    static const struct {
        const char *given, *want;
    } cases[] = {
        { "network", "network" }, { " Network ", "network" }, { "\tNETWORK\n", "network" },
        { "security_group", "security_group" }, { "Security_Group  ", "security_group" },
    };
    char out[RBAC_TYPE_LEN];

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        assert_true(rbac_object_type_normalize(cases[i].given, out));
        assert_string_equal(out, cases[i].want);
    }
}

static void
unknown_object_types_are_refused(void **state)
{
    static const char *const bad[] = {
        "", "   ", "netw", "networks", "net work", "security-group", "qos_policy",
        "network\x01", "a_very_long_object_type_name_beyond_any_buffer_we_keep",
    };
    char out[RBAC_TYPE_LEN];

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_false(rbac_object_type_normalize(bad[i], out));
    }
}

/* Members of the policy's project may manage it (new defaults); readers only read; a
 * project without the policy gets nothing; Zed's defaults let anyone create. */
static void
policy_rules_follow_the_policys_project(void **state)
{
    struct context member = { .project_id = "a", .roles = ROLE_MEMBER | ROLE_READER,
                              .new_defaults = true };
    struct context reader = { .project_id = "a", .roles = ROLE_READER, .new_defaults = true };
    struct context other = { .project_id = "b", .roles = ROLE_MEMBER | ROLE_READER,
                             .new_defaults = true };
    struct context legacy_other = other;
    struct policy_target t = { .project_id = "a" };

    legacy_other.new_defaults = false;
    for (int act = POLICY_CREATE; act <= POLICY_DELETE; act++) {
        assert_true(policy_allows(&member, POLICY_RBAC_POLICY, act, &t));
        assert_int_equal(policy_allows(&reader, POLICY_RBAC_POLICY, act, &t),
                         act == POLICY_GET);
        assert_false(policy_allows(&other, POLICY_RBAC_POLICY, act, &t));
        assert_int_equal(policy_allows(&legacy_other, POLICY_RBAC_POLICY, act, &t),
                         act == POLICY_CREATE);
    }
    assert_string_equal(policy_rule_name(POLICY_RBAC_POLICY, POLICY_DELETE),
                        "delete_rbac_policy");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(object_types_are_stripped_and_lower_cased),
        cmocka_unit_test(unknown_object_types_are_refused),
        cmocka_unit_test(policy_rules_follow_the_policys_project),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
