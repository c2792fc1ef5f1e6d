/* Unit tests for quotas: the resources' names and order (core/quota.h), when a limit
 * admits a create, and the parser of an update's body (api/quota.h) with Neutron's
 * error type and words for each refusal, as a table of cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/quota.h"

static void
resources_are_neutrons_in_its_order(void **state)
{
    static const char *const names[] = {
        "network", "subnet", "subnetpool", "port", "router", "floatingip", "rbac_policy",
        "security_group", "security_group_rule",
    };

    (void) state;
    assert_int_equal(QUOTA__COUNT, sizeof names / sizeof names[0]);
    for (int i = 0; i < QUOTA__COUNT; i++) {
        assert_string_equal(quota_resource_name(i), names[i]);
        assert_int_equal(quota_resource_find(names[i]), i);
    }
    assert_int_equal(quota_resource_find("networks"), -1);
    assert_int_equal(quota_resource_find(""), -1);
    assert_int_equal(quota_resource_find("check_limit"), -1);
}

static void
limit_admits_up_to_itself_and_negative_is_unlimited(void **state)
{
    (void) state;
    assert_true(quota_allows(10, 9, 1));
    assert_false(quota_allows(10, 10, 1));
    assert_false(quota_allows(10, 8, 3));           /* a bulk of 3 counts 3 */
    assert_true(quota_allows(10, 7, 3));
    assert_false(quota_allows(0, 0, 1));
    assert_true(quota_allows(-1, 1000000, 1));
    assert_true(quota_allows(-7, 5, 1));
    assert_false(quota_allows(3, 5, 0));            /* already over, as Neutron compares */
}

struct parse_case {
    const char *body;
    enum api_err kind;      /* API_ERR__COUNT: accepted */
    const char *message;
};

static const struct parse_case parse_cases[] = {
    { "not json", API_ERR_MALFORMED_REQUEST_BODY,
      "Malformed request body: Cannot understand JSON." },
    { "", API_ERR_MALFORMED_REQUEST_BODY, "Malformed request body: Cannot understand JSON." },
    { "{\"quota\": {\"network\": 1, \"network\": 2}}", API_ERR_MALFORMED_REQUEST_BODY,
      "Malformed request body: Cannot understand JSON." },
    { "{}", API_ERR_HTTP_BAD_REQUEST, "Unable to find 'quota' in request body" },
    { "[1]", API_ERR_HTTP_BAD_REQUEST, "Unable to find 'quota' in request body" },
    { "{\"quota\": []}", API_ERR_HTTP_BAD_REQUEST, "Unable to find 'quota' in request body" },
    { "{\"quota\": {\"widget\": 5}}", API_ERR_HTTP_BAD_REQUEST,
      "Unrecognized attribute(s) 'widget'" },
    { "{\"quota\": {\"zz\": 1, \"aa\": 1, \"network\": 1}}", API_ERR_HTTP_BAD_REQUEST,
      "Unrecognized attribute(s) 'aa, zz'" },
    { "{\"quota\": {\"tenant_id\": \"x\"}}", API_ERR_HTTP_BAD_REQUEST,
      "Unrecognized attribute(s) 'project_id, tenant_id'" },
    { "{\"quota\": {\"network\": -2}}", API_ERR_HTTP_BAD_REQUEST,
      "Invalid input for network. Reason: '-2' is too small - must be at least '-1'." },
    { "{\"quota\": {\"port\": 2147483648}}", API_ERR_HTTP_BAD_REQUEST,
      "Invalid input for port. Reason: '2147483648' is too large - must be no larger than"
      " '2147483647'." },
    { "{\"quota\": {\"port\": \"many\"}}", API_ERR_INVALID_INPUT, "'many' is not an integer" },
    { "{\"quota\": {\"port\": null}}", API_ERR_INVALID_INPUT, "'None' is not an integer" },
    { "{\"quota\": {\"subnet\": \"x\", \"network\": -5}}", API_ERR_HTTP_BAD_REQUEST,
      "Invalid input for network. Reason: '-5' is too small - must be at least '-1'." },
    { "{\"quota\": {}}", API_ERR__COUNT, NULL },
    { "{\"quota\": {\"network\": \"5\", \"router\": 2.9, \"port\": true}}", API_ERR__COUNT,
      NULL },
    { "{\"quota\": {\"force\": {\"a\": 1}, \"check_limit\": 0, \"network\": -1}}",
      API_ERR__COUNT, NULL },
};

static void
parse_answers_each_case_in_neutrons_words(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const struct parse_case *c = &parse_cases[i];
        struct quota_update u;
        struct api_error err;
        int r;

        memset(&err, 0, sizeof err);
        r = quota_update_parse(c->body, strlen(c->body), &u, &err);
        if (c->kind == API_ERR__COUNT) {
            assert_int_equal(r, 0);
            continue;
        }
        assert_int_equal(r, -1);
        assert_int_equal(err.kind, c->kind);
        assert_string_equal(err.message, c->message);
    }
}

static void
parse_keeps_the_bodys_order_and_converts_as_python_int(void **state)
{
    const char body[] = "{\"quota\": {\"router\": 2.9, \"check_limit\": \"false\","
                        " \"network\": \" 5 \", \"port\": true}}";
    struct quota_update u;
    struct api_error err;

    (void) state;
    assert_int_equal(quota_update_parse(body, strlen(body), &u, &err), 0);
    assert_int_equal(u.n, 3);
    assert_int_equal(u.res[0], QUOTA_ROUTER);
    assert_int_equal(u.limit[0], 2);
    assert_int_equal(u.res[1], QUOTA_NETWORK);
    assert_int_equal(u.limit[1], 5);
    assert_int_equal(u.res[2], QUOTA_PORT);
    assert_int_equal(u.limit[2], 1);
    assert_true(u.check_limit);     /* a non-empty string is true to Python */
}

static void
check_limit_follows_pythons_truth(void **state)
{
    static const struct {
        const char *value;
        bool truth;
    } cases[] = {
        { "true", true }, { "false", false }, { "0", false }, { "1", true }, { "0.0", false },
        { "\"\"", false }, { "\"no\"", true }, { "null", false }, { "[]", false },
        { "[0]", true }, { "{}", false },
    };

    (void) state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[128];
        struct quota_update u;
        struct api_error err;

        snprintf(body, sizeof body, "{\"quota\": {\"check_limit\": %s}}", cases[i].value);
        assert_int_equal(quota_update_parse(body, strlen(body), &u, &err), 0);
        assert_int_equal(u.check_limit, cases[i].truth);
        assert_int_equal(u.n, 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resources_are_neutrons_in_its_order),
        cmocka_unit_test(limit_admits_up_to_itself_and_negative_is_unlimited),
        cmocka_unit_test(parse_answers_each_case_in_neutrons_words),
        cmocka_unit_test(parse_keeps_the_bodys_order_and_converts_as_python_int),
        cmocka_unit_test(check_limit_follows_pythons_truth),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
