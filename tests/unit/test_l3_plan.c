/* Unit tests for the L3 agent's planner (l3_plan.h) and model (l3_model.h): what a
 * fresh router becomes, that applying a plan leaves nothing to do, what each change of
 * the model changes (and only that), what is not ours being left alone, and bad models
 * refused with their reason.  A small simulation of the kernel (apply_to_state) stands
 * for l3.c, so the planner is checked against its own results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "l3_plan.h"

#define ROUTER "08d688e5-2663-4f69-a526-758108c5a142"
#define NS "qrouter-" ROUTER
#define QG "qg-a3ca8528-57"
#define QR "qr-dbdeed35-cb"

static const char *
router_json(const char *snat, const char *fips, const char *routes, const char *gw_ips)
{
    static char out[4096];

    snprintf(out, sizeof out,
             "{\"routers\": [{\"id\": \"" ROUTER "\", \"enable_snat\": %s,"
             " \"gateway\": {\"port_id\": \"a3ca8528-5700-4000-8000-000000000001\","
             "   \"mac_address\": \"fa:16:3e:83:ce:80\", \"mtu\": 1500,"
             "   \"fixed_ips\": [{\"ip_address\": \"203.0.113.83\", \"prefixlen\": 24,"
             "                    \"subnet_id\": \"5b000000-0000-4000-8000-000000000002\"}],"
             "   \"gateway_ips\": [%s], \"extra_subnets\": []},"
             " \"interfaces\": [{\"port_id\": \"dbdeed35-cb00-4000-8000-000000000002\","
             "   \"mac_address\": \"fa:16:3e:29:62:42\", \"mtu\": 1450,"
             "   \"fixed_ips\": [{\"ip_address\": \"10.10.0.1\", \"cidr\": \"10.10.0.0/24\"}]}],"
             " \"routes\": [%s], \"floating_ips\": [%s]}]}",
             snat, gw_ips, routes, fips);
    return out;
}

#define FIP_TO(fixed) "{\"id\": \"f1f1f1f1-0000-4000-8000-000000000013\"," \
    " \"floating_ip_address\": \"203.0.113.62\", \"fixed_ip_address\": \"" fixed "\"}"
#define EXTRA_ROUTE "{\"destination\": \"192.168.50.0/24\", \"nexthop\": \"10.10.0.12\"}"
#define GW "\"203.0.113.1\""

static void
model_from(const char *text, struct l3_model *m)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    char reason[256] = "";

    if (!j) {
        fail_msg("json: %s", jerr.text);
    }
    l3_model_init(m);
    if (l3_model_from_json(j, m, reason, sizeof reason)) {
        fail_msg("model: %s", reason);
    }
    json_decref(j);
}

/* The plan's actions, one line each. */
static char *
plan_text(const struct l3_plan *p)
{
    struct buf b = BUF_INITIALIZER;

    for (size_t i = 0; i < p->n_actions; i++) {
        l3_action_format(&p->actions[i], &b);
        buf_add_char(&b, '\n');
    }
    return buf_steal(&b);
}

static struct l3_router_state *
find_router(struct l3_state *s, const char *ns)
{
    for (size_t i = 0; i < s->n_routers; i++) {
        if (!strcmp(s->routers[i].ns, ns)) {
            return &s->routers[i];
        }
    }
    return NULL;
}

static struct l3_dev_state *
find_dev(struct l3_router_state *r, const char *name)
{
    for (size_t i = 0; r && i < r->n_devs; i++) {
        if (!strcmp(r->devs[i].name, name)) {
            return &r->devs[i];
        }
    }
    return NULL;
}

static void
remove_router(struct l3_state *s, struct l3_router_state *r)
{
    for (size_t d = 0; d < r->n_devs; d++) {
        free(r->devs[d].addrs);
    }
    free(r->devs);
    free(r->routes);
    buf_done(&r->rules);
    *r = s->routers[--s->n_routers];
}

static void
remove_dev(struct l3_router_state *r, const char *name)
{
    struct l3_dev_state *d = find_dev(r, name);

    if (d) {
        free(d->addrs);
        *d = r->devs[--r->n_devs];
    }
}

/* What the kernel would hold after the action (taps are not simulated). */
static void
apply_action(struct l3_state *s, const struct l3_model *m, const struct l3_action *a)
{
    struct l3_router_state *r = find_router(s, a->ns);
    struct l3_dev_state *d = find_dev(r, a->dev);

    switch (a->kind) {
    case L3_NS_ADD:
        l3_state_add_router(s, a->router_id, a->ns);
        break;
    case L3_NS_DEL:
        remove_router(s, r);
        break;
    case L3_SYSCTLS:
        r->sysctls_ok = true;
        break;
    case L3_LINK_DEL:
        remove_dev(r, a->dev);
        break;
    case L3_VETH_ADD:
        d = l3_router_state_add_dev(r, a->dev);
        memcpy(d->mac, a->mac, 6);
        d->mtu = a->mtu ? a->mtu : 1500;
        d->up = true;
        break;
    case L3_LINK_SET:
        memcpy(d->mac, a->mac, 6);
        d->mtu = a->mtu ? a->mtu : d->mtu;
        d->up = true;
        break;
    case L3_ADDR_ADD:
        d->addrs = realloc(d->addrs, (d->n_addrs + 1) * sizeof *d->addrs);
        d->addrs[d->n_addrs++] = a->cidr;
        break;
    case L3_ADDR_DEL:
        for (size_t i = 0; i < d->n_addrs; i++) {
            if (d->addrs[i].prefix == a->cidr.prefix
                && ip_equal(&d->addrs[i].addr, &a->cidr.addr)) {
                d->addrs[i] = d->addrs[--d->n_addrs];
            }
        }
        break;
    case L3_ROUTE_ADD:
        r->routes = realloc(r->routes, (r->n_routes + 1) * sizeof *r->routes);
        r->routes[r->n_routes] = (struct l3_route_state) { .destination = a->cidr,
                                                            .has_nexthop = a->has_nexthop,
                                                            .nexthop = a->nexthop };
        snprintf(r->routes[r->n_routes++].dev, IFNAMSIZ, "%s", a->dev);
        break;
    case L3_ROUTE_DEL:
        for (size_t i = 0; i < r->n_routes; i++) {
            if (!strcmp(r->routes[i].dev, a->dev)
                && r->routes[i].destination.prefix == a->cidr.prefix
                && ip_equal(&r->routes[i].destination.addr, &a->cidr.addr)) {
                r->routes[i] = r->routes[--r->n_routes];
            }
        }
        break;
    case L3_RULES:
        for (size_t i = 0; i < m->n_routers; i++) {
            if (!strcmp(m->routers[i].id, r->id)) {
                buf_clear(&r->rules);
                l3_rules_desired(&m->routers[i], &r->rules);
            }
        }
        break;
    default:
        break;
    }
}

static void
apply_plan(struct l3_state *s, const struct l3_model *m, const struct l3_plan *p)
{
    for (size_t i = 0; i < p->n_actions; i++) {
        apply_action(s, m, &p->actions[i]);
    }
}

/* Plans 'json' against 's', applies the plan to 's', returns the plan's text. */
static char *
step(struct l3_state *s, const char *json)
{
    struct l3_model m;
    struct l3_plan p;

    model_from(json, &m);
    l3_plan_init(&p);
    l3_plan_make(&m, s, L3_NS_PREFIX, NULL, &p);
    char *text = plan_text(&p);
    apply_plan(s, &m, &p);
    l3_plan_done(&p);
    l3_model_done(&m);
    return text;
}

static void
assert_step(struct l3_state *s, const char *json, const char *expected)
{
    char *text = step(s, json);

    if (strcmp(text, expected)) {
        fail_msg("plan:\n%s\nexpected:\n%s", text, expected);
    }
    free(text);
}

static const char *const fresh_plan =
    "ns-add " NS "\n"
    "sysctls " NS "\n"
    "veth-add " NS " " QG " tapa3ca8528-57 fa:16:3e:83:ce:80 mtu 1500\n"
    "veth-add " NS " " QR " tapdbdeed35-cb fa:16:3e:29:62:42 mtu 1450\n"
    "addr-add " NS " " QG " 203.0.113.83/24\n"
    "addr-add " NS " " QG " 203.0.113.62/32\n"
    "addr-add " NS " " QR " 10.10.0.1/24\n"
    "route-add " NS " " QG " 0.0.0.0/0 via 203.0.113.1\n"
    "route-add " NS " " QR " 192.168.50.0/24 via 10.10.0.12\n"
    "rules " NS "\n"
    "garp " NS " " QG " 203.0.113.83\n"
    "garp " NS " " QG " 203.0.113.62\n";

static void
test_fresh_router_is_built_whole(void **state)
{
    struct l3_state s;

    l3_state_init(&s);
    assert_step(&s, router_json("true", FIP_TO("10.10.0.11"), EXTRA_ROUTE, GW), fresh_plan);
    l3_state_done(&s);
}

static void
test_applied_plan_leaves_nothing_to_do(void **state)
{
    const char *json = router_json("true", FIP_TO("10.10.0.11"), EXTRA_ROUTE, GW);
    struct l3_state s;

    l3_state_init(&s);
    free(step(&s, json));
    assert_step(&s, json, "");
    l3_state_done(&s);
}

static void
test_snat_off_changes_only_the_rules(void **state)
{
    struct l3_state s;
    struct l3_model m;
    struct l3_plan p;

    l3_state_init(&s);
    free(step(&s, router_json("true", "", "", GW)));
    model_from(router_json("false", "", "", GW), &m);
    l3_plan_init(&p);
    l3_plan_make(&m, &s, L3_NS_PREFIX, NULL, &p);
    assert_int_equal(p.n_actions, 1);
    assert_int_equal(p.actions[0].kind, L3_RULES);
    const char *text = p.actions[0].text;
    /* One atomic restore that empties our chains, replaces our jumps and refills. */
    assert_non_null(strstr(text, "*nat\n:neutrino-l3-OUTPUT - [0:0]\n"));
    assert_non_null(strstr(text, "-D POSTROUTING -j neutrino-l3-snat\n"));
    assert_non_null(strstr(text, "-A POSTROUTING -j neutrino-l3-snat\n"));
    assert_null(strstr(text, "-o " QG " -j SNAT"));
    assert_non_null(strstr(text, "--ctstate DNAT -j SNAT --to-source 203.0.113.83"));
    assert_non_null(strstr(text, "*mangle\n"));
    l3_plan_done(&p);
    l3_model_done(&m);
    l3_state_done(&s);
}

static void
test_disassociated_floating_ip_loses_address_rules_and_connections(void **state)
{
    struct l3_state s;

    l3_state_init(&s);
    free(step(&s, router_json("true", FIP_TO("10.10.0.11"), "", GW)));
    assert_step(&s, router_json("true", "", "", GW),
                "addr-del " NS " " QG " 203.0.113.62/32\n"
                "rules " NS "\n"
                "ct-delete " NS " 203.0.113.62\n");
    l3_state_done(&s);
}

static void
test_floating_ip_moved_to_another_address_drops_its_connections(void **state)
{
    struct l3_state s;

    l3_state_init(&s);
    free(step(&s, router_json("true", FIP_TO("10.10.0.11"), "", GW)));
    assert_step(&s, router_json("true", FIP_TO("10.10.0.13"), "", GW),
                "rules " NS "\n"
                "ct-delete " NS " 203.0.113.62\n");
    l3_state_done(&s);
}

static void
test_router_gone_or_down_is_removed(void **state)
{
    struct l3_state s;

    l3_state_init(&s);
    free(step(&s, router_json("true", "", "", GW)));
    assert_step(&s, router_json("true, \"admin_state_up\": false", "", "", GW),
                "link-del " NS " " QG "\n"
                "link-del " NS " " QR "\n"
                "ns-del " NS "\n");
    assert_int_equal(s.n_routers, 0);
    free(step(&s, router_json("true", "", "", GW)));
    assert_step(&s, "{\"routers\": []}",
                "link-del " NS " " QG "\n"
                "link-del " NS " " QR "\n"
                "ns-del " NS "\n");
    l3_state_done(&s);
}

static void
test_changed_port_details_are_mended_in_place(void **state)
{
    struct l3_state s;

    l3_state_init(&s);
    free(step(&s, router_json("true", "", "", GW)));
    struct l3_router_state *r = find_router(&s, NS);
    find_dev(r, QR)->mac[5] = 0x99;                         /* someone changed it */
    find_dev(r, QG)->mtu = 9000;
    find_dev(r, QG)->up = false;
    l3_router_state_add_dev(r, "qr-0000000000");           /* a port that left */
    r->sysctls_ok = false;
    assert_step(&s, router_json("true", "", "", GW),
                "sysctls " NS "\n"
                "link-del " NS " qr-0000000000\n"
                "link-set " NS " " QG " mtu 1500\n"
                "link-set " NS " " QR "\n");
    l3_state_done(&s);
}

static void
test_left_over_tap_is_replaced(void **state)
{
    struct l3_state s;

    l3_state_init(&s);
    s.taps = calloc(1, sizeof *s.taps);
    snprintf(s.taps[0].name, IFNAMSIZ, "tapdbdeed35-cb");
    s.n_taps = 1;
    char *text = step(&s, router_json("true", "", "", GW));
    assert_non_null(strstr(text, "tap-del " NS " tapdbdeed35-cb\nveth-add " NS " " QR " "));
    free(text);
    l3_state_done(&s);
}

static void
test_routes_follow_the_ports_that_reach_their_next_hop(void **state)
{
    struct l3_state s;
    struct l3_model m;
    struct l3_plan p;
    const char *routes = "{\"destination\": \"192.168.50.0/24\", \"nexthop\": \"10.10.0.12\"},"
                         "{\"destination\": \"198.18.0.0/16\", \"nexthop\": \"203.0.113.7\"},"
                         "{\"destination\": \"198.19.0.0/16\", \"nexthop\": \"172.16.0.1\"}";

    l3_state_init(&s);
    model_from(router_json("true", "", routes, "\"198.51.100.1\""), &m);
    l3_plan_init(&p);
    l3_plan_make(&m, &s, L3_NS_PREFIX, NULL, &p);
    char *text = plan_text(&p);
    /* A gateway outside the port's subnets is reached on-link first. */
    assert_non_null(strstr(text, "route-add " NS " " QG " 198.51.100.1/32\n"
                                 "route-add " NS " " QG " 0.0.0.0/0 via 198.51.100.1\n"));
    assert_non_null(strstr(text, "route-add " NS " " QR " 192.168.50.0/24 via 10.10.0.12\n"));
    assert_non_null(strstr(text, "route-add " NS " " QG " 198.18.0.0/16 via 203.0.113.7\n"));
    assert_null(strstr(text, "198.19.0.0"));
    assert_int_equal(p.n_unroutable, 1);
    free(text);
    l3_plan_done(&p);
    l3_model_done(&m);
    l3_state_done(&s);
}

static void
test_ipv6_ports_get_addresses_and_a_default_route_but_no_nat(void **state)
{
    const char *json =
        "{\"routers\": [{\"id\": \"" ROUTER "\","
        " \"gateway\": {\"port_id\": \"a3ca8528-5700-4000-8000-000000000001\","
        "   \"mac_address\": \"fa:16:3e:83:ce:80\","
        "   \"fixed_ips\": [{\"ip_address\": \"2001:db8::83\", \"prefixlen\": 64}],"
        "   \"gateway_ips\": [\"2001:db8::1\"]},"
        " \"interfaces\": [{\"port_id\": \"dbdeed35-cb00-4000-8000-000000000002\","
        "   \"mac_address\": \"fa:16:3e:29:62:42\","
        "   \"fixed_ips\": [{\"ip_address\": \"2001:db8:1::1\","
        "                  \"cidr\": \"2001:db8:1::/64\"}]}]}]}";
    struct l3_state s;

    l3_state_init(&s);
    char *text = step(&s, json);
    assert_non_null(strstr(text, "addr-add " NS " " QG " 2001:db8::83/64\n"));
    assert_non_null(strstr(text, "addr-add " NS " " QR " 2001:db8:1::1/64\n"));
    assert_non_null(strstr(text, "route-add " NS " " QG " ::/0 via 2001:db8::1\n"));
    assert_null(strstr(text, "garp"));                     /* ARP is IPv4's */
    free(text);
    struct l3_router_state *r = find_router(&s, NS);
    assert_null(strstr(buf_cstr(&r->rules), "SNAT"));      /* no IPv4 gateway address */
    assert_non_null(strstr(buf_cstr(&r->rules), "-A POSTROUTING -j neutrino-l3-snat\n"));
    assert_step(&s, json, "");
    l3_state_done(&s);
}

static void
test_removed_extra_route_is_deleted(void **state)
{
    struct l3_state s;

    l3_state_init(&s);
    free(step(&s, router_json("true", "", EXTRA_ROUTE, GW)));
    assert_step(&s, router_json("true", "", "", GW),
                "route-del " NS " " QR " 192.168.50.0/24 via 10.10.0.12\n");
    l3_state_done(&s);
}

static void
test_only_our_rules_are_read(void **state)
{
    const char *save =
        "# Generated by iptables-save\n"
        "*nat\n"
        ":PREROUTING ACCEPT [1:40]\n"
        ":POSTROUTING ACCEPT [0:0]\n"
        ":neutrino-l3-snat - [0:0]\n"
        ":neutrino-l3-PREROUTING - [0:0]\n"
        ":someone-else - [0:0]\n"
        "-A PREROUTING -j neutrino-l3-PREROUTING\n"
        "-A PREROUTING -d 198.18.0.1/32 -j ACCEPT\n"
        "-A POSTROUTING -j neutrino-l3-snat\n"
        "-A neutrino-l3-snat -o qg-x -j SNAT --to-source 1.2.3.4\n"
        "-A neutrino-l3-snat -j ACCEPT\n"
        "-A neutrino-l3-PREROUTING -d 1.2.3.5/32 -j DNAT --to-destination 10.0.0.5\n"
        "-A someone-else -j ACCEPT\n"
        "COMMIT\n"
        "*filter\n"
        ":INPUT ACCEPT [0:0]\n"
        "-A INPUT -j ACCEPT\n"
        "COMMIT\n";
    struct buf out = BUF_INITIALIZER;

    l3_rules_ours(save, &out);
    /* Declarations first, then rules by chain name, each chain's in its order. */
    assert_string_equal(buf_cstr(&out),
                        "*nat\n"
                        ":neutrino-l3-PREROUTING\n"
                        ":neutrino-l3-snat\n"
                        "-A POSTROUTING -j neutrino-l3-snat\n"
                        "-A PREROUTING -j neutrino-l3-PREROUTING\n"
                        "-A neutrino-l3-PREROUTING -d 1.2.3.5/32 -j DNAT --to-destination "
                        "10.0.0.5\n"
                        "-A neutrino-l3-snat -o qg-x -j SNAT --to-source 1.2.3.4\n"
                        "-A neutrino-l3-snat -j ACCEPT\n"
                        "COMMIT\n");
    buf_done(&out);
}

static void
test_chains_of_ours_no_longer_made_are_removed(void **state)
{
    struct l3_state s;
    struct l3_model m;
    struct l3_plan p;

    l3_state_init(&s);
    free(step(&s, router_json("true", "", "", GW)));
    struct l3_router_state *r = find_router(&s, NS);
    buf_clear(&r->rules);
    buf_add_str(&r->rules, "*nat\n:neutrino-l3-old\n-A POSTROUTING -j neutrino-l3-old\n"
                           "-A neutrino-l3-old -j ACCEPT\nCOMMIT\n");
    model_from(router_json("true", "", "", GW), &m);
    l3_plan_init(&p);
    l3_plan_make(&m, &s, L3_NS_PREFIX, NULL, &p);
    assert_int_equal(p.n_actions, 1);
    const char *text = p.actions[0].text;
    const char *del = strstr(text, "-D POSTROUTING -j neutrino-l3-old\n");
    const char *x = strstr(text, "-F neutrino-l3-old\n-X neutrino-l3-old\n");
    assert_non_null(del);
    assert_non_null(x);
    assert_true(del < x);
    l3_plan_done(&p);
    l3_model_done(&m);
    l3_state_done(&s);
}

static void
test_other_routers_are_planned_apart(void **state)
{
    struct l3_state s;
    const char *two =
        "{\"routers\": [{\"id\": \"" ROUTER "\"},"
        "               {\"id\": \"11111111-2222-4333-8444-555555555555\"}]}";

    l3_state_init(&s);
    char *text = step(&s, two);
    assert_non_null(strstr(text, "ns-add qrouter-11111111-2222-4333-8444-555555555555\n"));
    assert_non_null(strstr(text, "ns-add " NS "\n"));
    free(text);
    assert_step(&s, two, "");
    assert_step(&s, "{\"routers\": [{\"id\": \"" ROUTER "\"}]}",
                "ns-del qrouter-11111111-2222-4333-8444-555555555555\n");
    l3_state_done(&s);
}

static void
test_scope_limits_the_plan_to_the_named_routers(void **state)
{
    const char *other = "11111111-2222-4333-8444-555555555555";
    const char *const only_router[] = { ROUTER }, *const only_other[] = { other };
    struct l3_scope scope_router = { only_router, 1 }, scope_other = { only_other, 1 };
    struct l3_state s;
    struct l3_model m;
    struct l3_plan p;

    l3_state_init(&s);
    free(step(&s, "{\"routers\": [{\"id\": \"" ROUTER "\"},"
                  "             {\"id\": \"11111111-2222-4333-8444-555555555555\"}]}"));
    /* A model naming only ROUTER, changed: with ROUTER in scope the other stays. */
    model_from(router_json("true", "", "", GW), &m);
    l3_plan_init(&p);
    l3_plan_make(&m, &s, L3_NS_PREFIX, &scope_router, &p);
    char *text = plan_text(&p);
    assert_null(strstr(text, other));
    assert_non_null(strstr(text, "veth-add " NS " " QG));
    free(text);
    l3_plan_done(&p);
    /* With the other in scope, only it is planned: it goes, ROUTER is left as it is. */
    l3_plan_init(&p);
    l3_plan_make(&m, &s, L3_NS_PREFIX, &scope_other, &p);
    text = plan_text(&p);
    assert_string_equal(text, "ns-del qrouter-11111111-2222-4333-8444-555555555555\n");
    free(text);
    l3_plan_done(&p);
    l3_model_done(&m);
    l3_state_done(&s);
}

static void
test_unreadable_router_is_left_alone(void **state)
{
    struct l3_state s;

    l3_state_init(&s);
    free(step(&s, router_json("true", "", "", GW)));
    struct l3_router_state *r = find_router(&s, NS);
    r->unreadable = true;
    assert_step(&s, router_json("false", FIP_TO("10.10.0.11"), "", GW), "");
    assert_step(&s, "{\"routers\": []}", "");
    l3_state_done(&s);
}

static void
test_bad_models_are_refused_with_a_reason(void **state)
{
    static const struct {
        const char *json, *reason;
    } cases[] = {
        { "[]", "a node model is an object" },
        { "{\"routers\": {}}", "a node model is an object" },
        { "{\"routers\": [{\"id\": \"nope\"}]}", "id must be a UUID" },
        { "{\"routers\": [{\"id\": \"" ROUTER "\", \"enable_snat\": 1}]}",
          "router " ROUTER ": enable_snat must be a boolean" },
        { "{\"routers\": [{\"id\": \"" ROUTER "\", \"interfaces\": [{\"port_id\": \"" ROUTER
          "\", \"mac_address\": \"zz\"}]}]}", "mac_address must be a MAC" },
        { "{\"routers\": [{\"id\": \"" ROUTER "\", \"interfaces\": [{\"port_id\": \"" ROUTER
          "\", \"mac_address\": \"fa:16:3e:00:00:01\", \"mtu\": 10}]}]}", "mtu must be" },
        { "{\"routers\": [{\"id\": \"" ROUTER "\", \"interfaces\": [{\"port_id\": \"" ROUTER
          "\", \"mac_address\": \"fa:16:3e:00:00:01\", \"fixed_ips\": [{\"ip_address\":"
          " \"10.0.0.1\", \"prefixlen\": 33}]}]}]}", "prefixlen 33" },
        { "{\"routers\": [{\"id\": \"" ROUTER "\", \"routes\": [{\"destination\": "
          "\"10.0.0.0/8\", \"nexthop\": \"fe80::1\"}]}]}", "differ in IP version" },
        { "{\"routers\": [{\"id\": \"" ROUTER "\", \"floating_ips\": [{\"id\": \"" ROUTER
          "\", \"floating_ip_address\": \"203.0.113.300\", \"fixed_ip_address\": "
          "\"10.0.0.1\"}]}]}", "floating_ip_address must be an IP" },
        { "{\"routers\": [{\"id\": \"" ROUTER "\"}, {\"id\": \"" ROUTER "\"}]}",
          "appears twice" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *j = json_loads(cases[i].json, 0, NULL);
        struct l3_model m;
        char reason[256] = "";

        assert_non_null(j);
        l3_model_init(&m);
        assert_int_equal(l3_model_from_json(j, &m, reason, sizeof reason), -1);
        if (!strstr(reason, cases[i].reason)) {
            fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i, reason, cases[i].reason);
        }
        l3_model_done(&m);
        json_decref(j);
    }
}

/* An HA router: the model of fresh_plan with its HA port. */
static char *
ha_router_json(void)
{
    const char *legacy = router_json("true", FIP_TO("10.10.0.11"), EXTRA_ROUTE, GW);
    size_t len = strlen(legacy);
    char *out = malloc(len + 512);

    /* Drop the closing "}]}" and add "ha". */
    snprintf(out, len + 512, "%.*s, \"ha\": {\"vr_id\": 7, \"state\": \"standby\","
             " \"port\": {\"port_id\": \"4a4a4a4a-aa00-4000-8000-000000000009\","
             " \"mac_address\": \"fa:16:3e:00:00:09\", \"mtu\": 1450,"
             " \"fixed_ips\": [{\"ip_address\": \"169.254.192.9\","
             " \"cidr\": \"169.254.192.0/18\"}]}}}]}", (int) (len - 3), legacy);
    return out;
}

/* keepalived owns an HA router's addresses, routes and gratuitous ARPs: the planner
 * lays out the devices with the ha- device and its address only, and leaves what
 * keepalived adds (the primary VIP on ha-, the addresses on the active side) alone. */
static void
test_ha_router_leaves_addresses_and_routes_to_keepalived(void **state)
{
    char *json = ha_router_json();
    struct l3_state s;

    l3_state_init(&s);
    assert_step(&s, json,
                "ns-add " NS "\n"
                "sysctls " NS "\n"
                "veth-add " NS " " QG " tapa3ca8528-57 fa:16:3e:83:ce:80 mtu 1500\n"
                "veth-add " NS " " QR " tapdbdeed35-cb fa:16:3e:29:62:42 mtu 1450\n"
                "veth-add " NS " ha-4a4a4a4a-aa tap4a4a4a4a-aa fa:16:3e:00:00:09 mtu 1450\n"
                "addr-add " NS " ha-4a4a4a4a-aa 169.254.192.9/18\n"
                "rules " NS "\n");
    /* What keepalived adds on the active side stays. */
    struct l3_router_state *r = find_router(&s, NS);
    struct l3_dev_state *ha = find_dev(r, "ha-4a4a4a4a-aa"), *qr = find_dev(r, QR);
    ha->addrs = realloc(ha->addrs, (ha->n_addrs + 1) * sizeof *ha->addrs);
    assert_int_equal(cidr_parse("169.254.0.7/24", &ha->addrs[ha->n_addrs++]), 0);
    qr->addrs = realloc(qr->addrs, (qr->n_addrs + 1) * sizeof *qr->addrs);
    assert_int_equal(cidr_parse("10.10.0.1/24", &qr->addrs[qr->n_addrs++]), 0);
    assert_step(&s, json, "");
    l3_state_done(&s);
    free(json);
}

static void
test_bad_ha_members_are_refused(void **state)
{
    static const struct {
        const char *ha, *reason;
    } cases[] = {
        { "[]", "ha must be an object" },
        { "{\"vr_id\": 255}", "vr_id must be an integer from 1 to 254" },
        { "{\"vr_id\": 3, \"port\": {\"port_id\": \"" ROUTER "\", \"mac_address\":"
          " \"fa:16:3e:00:00:09\", \"fixed_ips\": []}}", "needs one IPv4 address" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        struct l3_model m;
        char reason[256] = "";

        snprintf(text, sizeof text, "{\"routers\": [{\"id\": \"" ROUTER "\", \"ha\": %s}]}",
                 cases[i].ha);
        json_t *j = json_loads(text, 0, NULL);
        assert_non_null(j);
        l3_model_init(&m);
        assert_int_equal(l3_model_from_json(j, &m, reason, sizeof reason), -1);
        if (!strstr(reason, cases[i].reason)) {
            fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i, reason, cases[i].reason);
        }
        l3_model_done(&m);
        json_decref(j);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_router_is_built_whole),
        cmocka_unit_test(test_applied_plan_leaves_nothing_to_do),
        cmocka_unit_test(test_snat_off_changes_only_the_rules),
        cmocka_unit_test(test_disassociated_floating_ip_loses_address_rules_and_connections),
        cmocka_unit_test(test_floating_ip_moved_to_another_address_drops_its_connections),
        cmocka_unit_test(test_router_gone_or_down_is_removed),
        cmocka_unit_test(test_changed_port_details_are_mended_in_place),
        cmocka_unit_test(test_left_over_tap_is_replaced),
        cmocka_unit_test(test_routes_follow_the_ports_that_reach_their_next_hop),
        cmocka_unit_test(test_ipv6_ports_get_addresses_and_a_default_route_but_no_nat),
        cmocka_unit_test(test_removed_extra_route_is_deleted),
        cmocka_unit_test(test_only_our_rules_are_read),
        cmocka_unit_test(test_chains_of_ours_no_longer_made_are_removed),
        cmocka_unit_test(test_other_routers_are_planned_apart),
        cmocka_unit_test(test_scope_limits_the_plan_to_the_named_routers),
        cmocka_unit_test(test_unreadable_router_is_left_alone),
        cmocka_unit_test(test_bad_models_are_refused_with_a_reason),
        cmocka_unit_test(test_ha_router_leaves_addresses_and_routes_to_keepalived),
        cmocka_unit_test(test_bad_ha_members_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
