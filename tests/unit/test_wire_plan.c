/* Unit tests for the linux-bridge agent's plans (wire_plan.h): what wiring a port,
 * removing a bridge and refreshing forwarding entries change, over fake kernel
 * snapshots; and that a plan carried out leaves nothing more to do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire_plan.h"

#define NET "6f1c0e9a-1111-4222-8333-944455556666"
#define BRIDGE "brq6f1c0e9a-11"
#define TAP "tapaaaaaaaa-bb"

static struct agent_config cfg;
static int next_ifindex;

static void
setup_config(bool vxlan)
{
    static struct mapping mappings[1] = { { (char *) "physnet1", (char *) "eth1" } };

    memset(&cfg, 0, sizeof cfg);
    memcpy(cfg.mappings, mappings, sizeof mappings);
    cfg.n_mappings = 1;
    cfg.enable_vxlan = vxlan;
    cfg.local_ip = (char *) "10.0.0.1";
}

/* Adds a link to the fake kernel; returns its ifindex. */
static int
link_add(struct wire_kernel *k, const char *name, const char *kind, int master, int mtu,
         bool up)
{
    struct nl_link l;

    memset(&l, 0, sizeof l);
    l.ifindex = ++next_ifindex;
    snprintf(l.name, sizeof l.name, "%s", name);
    snprintf(l.kind, sizeof l.kind, "%s", kind);
    l.master = master;
    l.mtu = mtu;
    l.up = up;
    wire_kernel_add(k, &l);
    return l.ifindex;
}

static struct nl_link *
link_of(struct wire_kernel *k, const char *name)
{
    return (struct nl_link *) wire_kernel_find(k, name);
}

/* Carries the plan out on the fake kernel, as the kernel would. */
static void
apply(struct wire_kernel *k, const struct wire_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct wire_step *s = &p->steps[i];
        struct nl_link *l = link_of(k, s->name);
        switch (s->kind) {
        case WIRE_CREATE_BRIDGE:
            assert_null(l);
            link_add(k, s->name, "bridge", 0, 1500, true);
            break;
        case WIRE_CREATE_VLAN:
            assert_null(l);
            assert_non_null(link_of(k, s->peer));
            link_add(k, s->name, "vlan", 0, 1500, false);
            break;
        case WIRE_CREATE_VXLAN:
            assert_null(l);
            link_add(k, s->name, "vxlan", 0, s->mtu ? s->mtu : 1500, false);
            break;
        case WIRE_SET_LINK:
            assert_non_null(l);
            if (s->master == WIRE_MASTER_NONE) {
                l->master = 0;
            } else if (s->master == WIRE_MASTER_PEER) {
                assert_non_null(link_of(k, s->peer));
                l->master = link_of(k, s->peer)->ifindex;
            }
            l->mtu = s->mtu ? s->mtu : l->mtu;
            l->up = s->up >= 0 ? s->up : l->up;
            break;
        case WIRE_MOVE_IPS:
            assert_non_null(l);
            assert_non_null(link_of(k, s->peer));
            break;
        case WIRE_DELETE_LINK:
            assert_non_null(l);
            /* A bridge's members stay, outside it. */
            for (size_t j = 0; j < k->n; j++) {
                if (k->links[j].master == l->ifindex) {
                    k->links[j].master = 0;
                }
            }
            *l = k->links[--k->n];
            break;
        case WIRE_FDB_ADD:
        case WIRE_FDB_DEL:
            fail_msg("a forwarding entry in a link plan");
        }
    }
}

static struct wire_port
port(enum wire_net_type type, int64_t segid, int mtu)
{
    struct wire_port p;

    memset(&p, 0, sizeof p);
    snprintf(p.device, sizeof p.device, TAP);
    snprintf(p.network_id, sizeof p.network_id, NET);
    snprintf(p.physical_network, sizeof p.physical_network, "physnet1");
    p.type = type;
    p.segmentation_id = segid;
    p.mtu = mtu;
    p.admin_state_up = true;
    return p;
}

/* Plans 'p' on 'k', expecting success; the plan is left in 'plan'. */
static void
plan_plug(const struct wire_port *p, const struct wire_kernel *k, struct wire_plan *plan)
{
    const struct wire_node node = { &cfg, true };
    char reason[256] = "";

    wire_plan_clear(plan);
    assert_int_equal(wire_plan_plug(p, &node, k, plan, reason, sizeof reason), 0);
    assert_string_equal(reason, "");
}

/* Applies the plan and checks that planning again asks for nothing. */
static void
assert_idempotent(const struct wire_port *p, struct wire_kernel *k, struct wire_plan *plan)
{
    apply(k, plan);
    plan_plug(p, k, plan);
    assert_int_equal(plan->n, 0);
}

static void
assert_step(const struct wire_plan *plan, size_t i, enum wire_step_kind kind, const char *name)
{
    assert_true(i < plan->n);
    assert_int_equal(plan->steps[i].kind, kind);
    assert_string_equal(plan->steps[i].name, name);
}

/* A node with eth1 (physnet1) and the port's tap, nothing wired yet: the plan for 'p'
 * has 'n' steps, making the bridge first. */
static void
plan_fresh_node(const struct wire_port *p, bool vxlan, struct wire_kernel *k,
                struct wire_plan *plan, size_t n)
{
    setup_config(vxlan);
    link_add(k, "eth1", "", 0, 1500, true);
    link_add(k, TAP, "tun", 0, 1500, false);
    plan_plug(p, k, plan);
    assert_int_equal(plan->n, n);
    assert_step(plan, 0, WIRE_CREATE_BRIDGE, BRIDGE);
}

static void
test_flat(void **state)
{
    struct wire_kernel k = { NULL, 0, 0 };
    struct wire_plan plan = { NULL, 0, 0 };
    struct wire_port p = port(WIRE_NET_FLAT, 0, 1500);

    (void) state;
    plan_fresh_node(&p, false, &k, &plan, 4);
    assert_step(&plan, 1, WIRE_SET_LINK, "eth1");
    assert_int_equal(plan.steps[1].master, WIRE_MASTER_PEER);
    assert_string_equal(plan.steps[1].peer, BRIDGE);
    assert_int_equal(plan.steps[1].up, -1);        /* Up already. */
    assert_step(&plan, 2, WIRE_MOVE_IPS, "eth1");   /* Its addresses go to the bridge. */
    assert_string_equal(plan.steps[2].peer, BRIDGE);
    assert_step(&plan, 3, WIRE_SET_LINK, TAP);
    assert_int_equal(plan.steps[3].mtu, 0);         /* Same MTU: left alone. */
    assert_int_equal(plan.steps[3].up, 1);
    assert_idempotent(&p, &k, &plan);

    /* Administratively down: the tap goes down, nothing else moves. */
    p.admin_state_up = false;
    plan_plug(&p, &k, &plan);
    assert_int_equal(plan.n, 1);
    assert_step(&plan, 0, WIRE_SET_LINK, TAP);
    assert_int_equal(plan.steps[0].master, WIRE_MASTER_KEEP);
    assert_int_equal(plan.steps[0].up, 0);
    assert_idempotent(&p, &k, &plan);
    wire_plan_done(&plan);
    wire_kernel_done(&k);
}

static void
test_vlan(void **state)
{
    struct wire_kernel k = { NULL, 0, 0 };
    struct wire_plan plan = { NULL, 0, 0 };
    struct wire_port p = port(WIRE_NET_VLAN, 100, 1450);

    (void) state;
    plan_fresh_node(&p, false, &k, &plan, 4);
    assert_step(&plan, 1, WIRE_CREATE_VLAN, "eth1.100");
    assert_string_equal(plan.steps[1].peer, "eth1");
    assert_int_equal(plan.steps[1].id, 100);
    assert_step(&plan, 2, WIRE_SET_LINK, "eth1.100");
    assert_int_equal(plan.steps[2].mtu, 1450);
    assert_int_equal(plan.steps[2].up, 1);
    assert_step(&plan, 3, WIRE_SET_LINK, TAP);
    assert_int_equal(plan.steps[3].mtu, 1450);
    assert_idempotent(&p, &k, &plan);
    /* eth1 itself is not in the bridge. */
    assert_int_equal(link_of(&k, "eth1")->master, 0);

    /* A long interface name gives a short, stable vlan device name. */
    char a[IFNAMSIZ], b[IFNAMSIZ];
    wire_vlan_name("enp0s31f6-long", 4000, a);
    wire_vlan_name("enp0s31f6-long", 4000, b);
    assert_true(strlen(a) < IFNAMSIZ);
    assert_string_equal(a, b);
    wire_plan_done(&plan);
    wire_kernel_done(&k);
}

static void
test_vxlan(void **state)
{
    struct wire_kernel k = { NULL, 0, 0 };
    struct wire_plan plan = { NULL, 0, 0 };
    struct wire_port p = port(WIRE_NET_VXLAN, 1001, 1450);
    const struct wire_node no_vtep = { &cfg, false };
    char reason[256] = "";

    (void) state;
    plan_fresh_node(&p, true, &k, &plan, 4);
    assert_step(&plan, 1, WIRE_CREATE_VXLAN, "vxlan-1001");
    assert_int_equal(plan.steps[1].id, 1001);
    assert_int_equal(plan.steps[1].mtu, 1450);
    assert_step(&plan, 2, WIRE_SET_LINK, "vxlan-1001");
    assert_step(&plan, 3, WIRE_SET_LINK, TAP);
    assert_idempotent(&p, &k, &plan);

    /* Without local_ip on an interface, nothing is planned, and the log says why. */
    wire_plan_clear(&plan);
    assert_int_equal(wire_plan_plug(&p, &no_vtep, &k, &plan, reason, sizeof reason), -1);
    assert_string_equal(reason, "vxlan is not enabled on this node");
    assert_int_equal(plan.n, 0);
    wire_plan_done(&plan);
    wire_kernel_done(&k);
}

static void
test_tap_enslaved_elsewhere(void **state)
{
    struct wire_kernel k = { NULL, 0, 0 };
    struct wire_plan plan = { NULL, 0, 0 };
    struct wire_port p = port(WIRE_NET_LOCAL, 0, 0);
    int other;

    (void) state;
    setup_config(false);
    link_add(&k, BRIDGE, "bridge", 0, 1500, true);
    other = link_add(&k, "brqotherother0", "bridge", 0, 1500, true);
    link_add(&k, TAP, "tun", other, 1500, true);
    plan_plug(&p, &k, &plan);
    assert_int_equal(plan.n, 1);
    assert_step(&plan, 0, WIRE_SET_LINK, TAP);
    assert_int_equal(plan.steps[0].master, WIRE_MASTER_PEER);
    assert_string_equal(plan.steps[0].peer, BRIDGE);
    assert_int_equal(plan.steps[0].up, -1);
    assert_idempotent(&p, &k, &plan);
    assert_int_equal(link_of(&k, TAP)->master, link_of(&k, BRIDGE)->ifindex);
    wire_plan_done(&plan);
    wire_kernel_done(&k);
}

static void
test_refusals(void **state)
{
    struct wire_kernel k = { NULL, 0, 0 };
    struct wire_plan plan = { NULL, 0, 0 };
    const struct wire_node node = { &cfg, true };
    struct wire_port p = port(WIRE_NET_FLAT, 0, 0);
    char reason[256];
    json_t *d;

    (void) state;
    setup_config(false);
    /* No tap. */
    assert_int_equal(wire_plan_plug(&p, &node, &k, &plan, reason, sizeof reason), -1);
    assert_non_null(strstr(reason, TAP));
    /* An unmapped physical network. */
    link_add(&k, TAP, "tun", 0, 1500, true);
    snprintf(p.physical_network, sizeof p.physical_network, "physnet9");
    assert_int_equal(wire_plan_plug(&p, &node, &k, &plan, reason, sizeof reason), -1);
    assert_string_equal(reason, "physical network physnet9 is not in physical_interface_mappings");
    assert_int_equal(plan.n, 0);    /* Not even the bridge. */
    /* The bridge's name held by another kind of device. */
    link_add(&k, BRIDGE, "veth", 0, 1500, true);
    p = port(WIRE_NET_LOCAL, 0, 0);
    assert_int_equal(wire_plan_plug(&p, &node, &k, &plan, reason, sizeof reason), -1);
    assert_non_null(strstr(reason, "bridge " BRIDGE));
    assert_int_equal(plan.n, 0);
    /* Details the agent cannot use. */
    d = json_pack("{s:s,s:s,s:s}", "device", TAP, "network_id", NET, "network_type", "gre");
    assert_int_equal(wire_port_parse(d, &p, reason, sizeof reason), -1);
    assert_string_equal(reason, "network type gre is not supported by the linux-bridge agent");
    json_decref(d);
    d = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:b}", "device", TAP, "network_id", NET,
                  "network_type", "vlan", "physical_network", "physnet1", "segmentation_id",
                  (json_int_t) 42, "mtu", (json_int_t) 1400, "admin_state_up", 1);
    assert_int_equal(wire_port_parse(d, &p, reason, sizeof reason), 0);
    assert_int_equal(p.type, WIRE_NET_VLAN);
    assert_int_equal(p.segmentation_id, 42);
    assert_int_equal(p.mtu, 1400);
    assert_true(p.admin_state_up);
    json_decref(d);
    d = json_pack("{s:s}", "device", TAP);
    assert_int_equal(wire_port_parse(d, &p, reason, sizeof reason), -1);
    assert_string_equal(reason, "incomplete device details");
    json_decref(d);
    wire_plan_done(&plan);
    wire_kernel_done(&k);
}

static void
test_stale_bridge(void **state)
{
    struct wire_kernel k = { NULL, 0, 0 };
    struct wire_plan plan = { NULL, 0, 0 };
    int br;

    (void) state;
    setup_config(true);
    br = link_add(&k, "brqstalestale0", "bridge", 0, 1500, true);
    link_add(&k, "vxlan-5", "vxlan", br, 1450, true);
    link_add(&k, "eth1", "", br, 1500, true);
    link_add(&k, TAP, "tun", br, 1500, true);
    link_add(&k, "eth2", "", 0, 1500, true);       /* Not a member: untouched. */
    wire_plan_remove_bridge("brqstalestale0", &k, &plan);
    assert_int_equal(plan.n, 4);
    assert_step(&plan, 0, WIRE_DELETE_LINK, "vxlan-5");
    assert_step(&plan, 1, WIRE_MOVE_IPS, "brqstalestale0");     /* Addresses come back. */
    assert_string_equal(plan.steps[1].peer, "eth1");
    assert_step(&plan, 2, WIRE_SET_LINK, "eth1");
    assert_int_equal(plan.steps[2].master, WIRE_MASTER_NONE);
    assert_step(&plan, 3, WIRE_DELETE_LINK, "brqstalestale0");
    apply(&k, &plan);
    assert_null(wire_kernel_find(&k, "brqstalestale0"));
    assert_null(wire_kernel_find(&k, "vxlan-5"));
    assert_non_null(wire_kernel_find(&k, TAP));
    /* Gone: nothing more to do; and a non-bridge of that name is left alone. */
    wire_plan_clear(&plan);
    wire_plan_remove_bridge("brqstalestale0", &k, &plan);
    assert_int_equal(plan.n, 0);
    wire_plan_remove_bridge("eth2", &k, &plan);
    assert_int_equal(plan.n, 0);
    wire_plan_done(&plan);
    wire_kernel_done(&k);
}

/* More members than any fixed table held: every uplink is found, every tap wired. */
static void
test_bridge_with_many_members(void **state)
{
    enum { TAPS = 300 };
    struct wire_kernel k = { NULL, 0, 0 };
    struct wire_plan plan = { NULL, 0, 0 };
    struct wire_port p = port(WIRE_NET_VLAN, 7, 0);
    int br;

    (void) state;
    setup_config(false);
    br = link_add(&k, BRIDGE, "bridge", 0, 1500, true);
    link_add(&k, "eth1", "", 0, 1500, true);
    for (int i = 0; i < TAPS; i++) {
        char name[IFNAMSIZ];
        snprintf(name, sizeof name, "tap%011d", i);
        link_add(&k, name, "tun", i % 2 ? br : 0, 1500, true);
    }
    link_add(&k, "eth1.7", "vlan", br, 1500, true);
    /* Every tap: half are in already (nothing to do), half join. */
    for (int i = 0; i < TAPS; i++) {
        snprintf(p.device, sizeof p.device, "tap%011d", i);
        plan_plug(&p, &k, &plan);
        assert_int_equal(plan.n, i % 2 ? 0 : 1);
        assert_idempotent(&p, &k, &plan);
    }
    /* The uplink is found behind all the taps. */
    wire_plan_clear(&plan);
    wire_plan_remove_bridge(BRIDGE, &k, &plan);
    assert_int_equal(plan.n, 2);
    assert_step(&plan, 0, WIRE_DELETE_LINK, "eth1.7");
    assert_step(&plan, 1, WIRE_DELETE_LINK, BRIDGE);
    wire_plan_done(&plan);
    wire_kernel_done(&k);
}

static struct nl_fdb
fdb(const char *mac, const char *dst)
{
    struct nl_fdb f;

    memset(&f, 0, sizeof f);
    assert_true(nl_parse_mac(mac, f.mac));
    snprintf(f.dst, sizeof f.dst, "%s", dst);
    return f;
}

static void
test_fdb(void **state)
{
    struct wire_plan plan = { NULL, 0, 0 };
    json_t *vteps = json_pack("{s:[[s,s]],s:[[s,s],[s,s]],s:[]}",
                              "10.0.0.1", "fa:16:3e:00:00:01", "192.168.0.1",   /* Ours. */
                              "10.0.0.2", "fa:16:3e:00:00:02", "192.168.0.2",
                              "fa:16:3e:00:00:03", "192.168.0.3",
                              "10.0.0.3");
    struct nl_fdb have[3] = {
        fdb("00:00:00:00:00:00", "10.0.0.2"),       /* Wanted, present. */
        fdb("fa:16:3e:00:00:03", "10.0.0.4"),       /* Moved to 10.0.0.2. */
        fdb("fa:16:3e:00:00:09", ""),               /* Learnt locally: not ours. */
    };
    struct nl_fdb *want, after[8];
    size_t n_want, n_after = 0;

    (void) state;
    n_want = wire_fdb_parse(vteps, "10.0.0.1", &want);
    assert_int_equal(n_want, 4);    /* Two floods, two ports; none to ourselves. */
    wire_plan_fdb("vxlan-9", want, n_want, have, 3, &plan);
    assert_int_equal(plan.n, 4);
    assert_step(&plan, 0, WIRE_FDB_DEL, "vxlan-9");
    assert_string_equal(plan.steps[0].fdb.dst, "10.0.0.4");
    for (size_t i = 1; i < plan.n; i++) {
        assert_int_equal(plan.steps[i].kind, WIRE_FDB_ADD);
    }
    assert_false(wire_fdb_is_flood(&plan.steps[1].fdb));
    assert_true(wire_fdb_is_flood(&plan.steps[3].fdb));
    assert_string_equal(plan.steps[3].fdb.dst, "10.0.0.3");
    /* What the kernel has afterwards asks for nothing more. */
    after[n_after++] = have[0];
    after[n_after++] = have[2];
    for (size_t i = 1; i < plan.n; i++) {
        after[n_after++] = plan.steps[i].fdb;
    }
    wire_plan_clear(&plan);
    wire_plan_fdb("vxlan-9", want, n_want, after, n_after, &plan);
    assert_int_equal(plan.n, 0);
    free(want);
    json_decref(vteps);
    wire_plan_done(&plan);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flat),
        cmocka_unit_test(test_vlan),
        cmocka_unit_test(test_vxlan),
        cmocka_unit_test(test_tap_enslaved_elsewhere),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_stale_bridge),
        cmocka_unit_test(test_bridge_with_many_members),
        cmocka_unit_test(test_fdb),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
