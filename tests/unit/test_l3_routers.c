/* Unit tests for the L3 agent's reading of the server's answers (l3_routers.h): which
 * routers it hosts, the model of them, the routers a change names, the counts it
 * reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "l3_routers.h"

#define R1 "11111111-1111-4111-8111-111111111111"
#define R2 "22222222-2222-4222-8222-222222222222"
#define R3 "33333333-3333-4333-8333-333333333333"
#define P1 "aaaaaaaa-0000-4000-8000-000000000001"
#define P2 "aaaaaaaa-0000-4000-8000-000000000002"
#define S1 "bbbbbbbb-0000-4000-8000-000000000001"
#define F1 "cccccccc-0000-4000-8000-000000000001"

/* A router with a gateway, one interface and one floating IP. */
static const char *const with_gateway =
    "{\"id\": \"" R1 "\", \"gateway\": {\"port_id\": \"" P1 "\","
    " \"mac_address\": \"fa:16:3e:00:00:01\", \"mtu\": 1500,"
    " \"fixed_ips\": [{\"ip_address\": \"203.0.113.10\", \"prefixlen\": 24,"
    " \"subnet_id\": \"" S1 "\"}], \"gateway_ips\": [\"203.0.113.1\"]},"
    " \"interfaces\": [{\"port_id\": \"" P2 "\", \"mac_address\": \"fa:16:3e:00:00:02\","
    " \"fixed_ips\": [{\"ip_address\": \"10.0.0.1\", \"prefixlen\": 24,"
    " \"subnet_id\": \"" S1 "\", \"cidr\": \"10.0.0.0/24\"}]}],"
    " \"floating_ips\": [{\"id\": \"" F1 "\", \"floating_ip_address\": \"203.0.113.20\","
    " \"fixed_ip_address\": \"10.0.0.5\", \"port_id\": \"" P2 "\"}]}";

/* A router on internal networks only (no gateway). */
static const char *const internal_only = "{\"id\": \"" R2 "\", \"gateway\": null}";

static json_t *
parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);

    if (!j) {
        fail_msg("bad test JSON: %s", e.text);
    }
    return j;
}

/* [with_gateway, internal_only, extra...] */
static json_t *
answer(const char *extra)
{
    char text[4096];

    snprintf(text, sizeof text, "[%s, %s%s%s]", with_gateway, internal_only,
             extra ? ", " : "", extra ? extra : "");
    return parse(text);
}

static void
valid_routers_are_hosted_and_internal_only_ones_too_by_default(void **state)
{
    json_t *routers = answer(NULL), *hosted = json_object(), *invalid = json_object();
    struct buf problems = BUF_INITIALIZER;

    assert_int_equal(l3_routers_select(routers, true, hosted, invalid, &problems), 0);
    assert_int_equal(json_object_size(hosted), 2);
    assert_non_null(json_object_get(hosted, R1));
    assert_non_null(json_object_get(hosted, R2));
    assert_int_equal(json_object_size(invalid), 0);
    assert_int_equal(problems.len, 0);
    json_decref(routers);
    json_decref(hosted);
    json_decref(invalid);
}

/* handle_internal_only_routers = false: a router without a gateway is not hosted (left
 * out, so an apply removes its namespace), neither refused. */
static void
internal_only_routers_are_dropped_when_not_handled(void **state)
{
    json_t *routers = answer(NULL), *hosted = json_object(), *invalid = json_object();
    struct buf problems = BUF_INITIALIZER;

    assert_int_equal(l3_routers_select(routers, false, hosted, invalid, &problems), 0);
    assert_int_equal(json_object_size(hosted), 1);
    assert_non_null(json_object_get(hosted, R1));
    assert_null(json_object_get(hosted, R2));
    assert_int_equal(json_object_size(invalid), 0);
    json_decref(routers);
    json_decref(hosted);
    json_decref(invalid);
}

/* A router the model refuses is set aside with its reason; the others are hosted. */
static void
a_refused_router_does_not_stop_the_others(void **state)
{
    json_t *routers = answer("{\"id\": \"" R3 "\", \"gateway\": {\"port_id\": \"nope\"}},"
                             " {\"id\": \"not-a-uuid\"}, 7");
    json_t *hosted = json_object(), *invalid = json_object();
    struct buf problems = BUF_INITIALIZER;

    assert_int_equal(l3_routers_select(routers, true, hosted, invalid, &problems), 3);
    assert_int_equal(json_object_size(hosted), 2);
    assert_int_equal(json_object_size(invalid), 1);
    assert_non_null(strstr(json_string_value(json_object_get(invalid, R3)), "port_id"));
    assert_non_null(strstr(buf_cstr(&problems), "router=" R3 " refused"));
    assert_non_null(strstr(buf_cstr(&problems), "router #3 refused"));
    assert_non_null(strstr(buf_cstr(&problems), "router #4 refused"));
    buf_done(&problems);
    json_decref(routers);
    json_decref(hosted);
    json_decref(invalid);
}

static void
the_model_holds_the_hosted_routers(void **state)
{
    json_t *routers = answer(NULL), *hosted = json_object(), *invalid = json_object();
    struct buf problems = BUF_INITIALIZER;
    struct l3_model m;
    char reason[256];
    bool saw_r1 = false;

    l3_routers_select(routers, true, hosted, invalid, &problems);
    l3_model_init(&m);
    assert_int_equal(l3_routers_model(hosted, &m, reason, sizeof reason), 0);
    assert_int_equal(m.n_routers, 2);
    for (size_t i = 0; i < m.n_routers; i++) {
        if (!strcmp(m.routers[i].id, R1)) {
            saw_r1 = true;
            assert_true(m.routers[i].has_gateway);
            assert_int_equal(m.routers[i].n_interfaces, 1);
            assert_int_equal(m.routers[i].n_floating_ips, 1);
        }
    }
    assert_true(saw_r1);
    l3_model_done(&m);

    l3_model_init(&m);      /* Nothing hosted: an empty model (every namespace goes). */
    json_object_clear(hosted);
    assert_int_equal(l3_routers_model(hosted, &m, reason, sizeof reason), 0);
    assert_int_equal(m.n_routers, 0);
    l3_model_done(&m);
    json_decref(routers);
    json_decref(hosted);
    json_decref(invalid);
}

/* Only router_update and router_delete name routers, each once; ids that are not UUIDs
 * (they would become namespace names) are ignored. */
static void
changes_name_routers_once(void **state)
{
    json_t *changes = parse("[{\"kind\": \"router_update\", \"id\": \"" R1 "\"},"
                            " {\"kind\": \"router_delete\", \"id\": \"" R2 "\"},"
                            " {\"kind\": \"router_update\", \"id\": \"" R1 "\"},"
                            " {\"kind\": \"port_update\", \"id\": \"" R3 "\"},"
                            " {\"kind\": \"router_update\", \"id\": \"../etc\"},"
                            " {\"kind\": \"router_gone_wild\", \"id\": \"" R3 "\"},"
                            " {\"kind\": \"router_update\"}, 5]");
    json_t *ids = json_object();

    assert_int_equal(l3_routers_changed(changes, ids), 2);
    assert_int_equal(json_object_size(ids), 2);
    assert_non_null(json_object_get(ids, R1));
    assert_non_null(json_object_get(ids, R2));
    assert_int_equal(l3_routers_changed(changes, ids), 0);      /* Already pending. */
    json_decref(changes);
    json_decref(ids);
}

/* The counts of Neutron's report: routers, gateways, interfaces, floating IPs. */
static void
counts_are_neutrons(void **state)
{
    json_t *routers = answer(NULL), *hosted = json_object(), *invalid = json_object();
    json_t *conf = json_object();
    struct buf problems = BUF_INITIALIZER;

    l3_routers_counts(hosted, conf);
    assert_int_equal(json_integer_value(json_object_get(conf, "routers")), 0);
    l3_routers_select(routers, true, hosted, invalid, &problems);
    l3_routers_counts(hosted, conf);
    assert_int_equal(json_integer_value(json_object_get(conf, "routers")), 2);
    assert_int_equal(json_integer_value(json_object_get(conf, "ex_gw_ports")), 1);
    assert_int_equal(json_integer_value(json_object_get(conf, "interfaces")), 1);
    assert_int_equal(json_integer_value(json_object_get(conf, "floating_ips")), 1);
    json_decref(conf);
    json_decref(routers);
    json_decref(hosted);
    json_decref(invalid);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_routers_are_hosted_and_internal_only_ones_too_by_default),
        cmocka_unit_test(internal_only_routers_are_dropped_when_not_handled),
        cmocka_unit_test(a_refused_router_does_not_stop_the_others),
        cmocka_unit_test(the_model_holds_the_hosted_routers),
        cmocka_unit_test(changes_name_routers_once),
        cmocka_unit_test(counts_are_neutrons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
