/* Unit tests for src/server/ml2/: configuration checks, provider validation per type
 * (docs/behaviour/ml2.md §3.2), tenant allocation with fall-back, MTUs, and segment reservation
 * against a real SQLite store. */
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
#include "dhcp/dhcp_sched.h"
#include "ml2/provisioning.h"
#include "ml2/ml2.h"
#include "store/store.h"

struct env {
    char dir[64];
    struct server_config cfg;
    struct ml2 *ml2;
    struct store *store;
    struct store_conn *c;
};

/* Loads 'ml2_ini' into a config; returns ml2_create()'s result with 'error'. */
static int
env_open(struct env *e, const char *ml2_ini, struct buf *error)
{
    struct buf warnings = BUF_INITIALIZER;
    char path[96], db[96];
    char *files[1] = { path };
    FILE *fp;
    int r;

    memset(e, 0, sizeof *e);
    strcpy(e->dir, "/tmp/neutrino-test-ml2-XXXXXX");
    assert_non_null(mkdtemp(e->dir));
    snprintf(path, sizeof path, "%s/ml2_conf.ini", e->dir);
    fp = fopen(path, "w");
    fputs(ml2_ini, fp);
    fclose(fp);
    assert_int_equal(server_config_load(&e->cfg, files, 1, &warnings, error), 0);
    buf_done(&warnings);
    r = ml2_create(&e->cfg, &e->ml2, error);
    snprintf(db, sizeof db, "%s/db.sqlite", e->dir);
    assert_int_equal(store_open(db, &e->store, error), 0);
    e->c = store_conn(e->store);
    return r;
}

static void
env_close(struct env *e)
{
    char cmd[96];

    ml2_destroy(e->ml2);
    store_close(e->store);
    server_config_done(&e->cfg);
    snprintf(cmd, sizeof cmd, "rm -rf %s", e->dir);
    assert_int_equal(system(cmd), 0);
}

static const char reference_ini[] =
    "[ml2]\ntype_drivers = local,flat,vlan,gre,vxlan\ntenant_network_types = local\n"
    "[ml2_type_flat]\nflat_networks = provider\n"
    "[ml2_type_vlan]\nnetwork_vlan_ranges = provider:100:199\n"
    "[ml2_type_vxlan]\nvni_ranges = 1000:1999\n"
    "[ml2_type_gre]\ntunnel_id_ranges = 1:100\n";

static void
bad_configurations_are_refused(void **state)
{
    static const struct {
        const char *ini, *error;
    } cases[] = {
        { "[ml2]\ntype_drivers = local,bogus\n", "unknown network type 'bogus'" },
        { "[ml2]\ntype_drivers = local\ntenant_network_types = vlan\n",
          "no type driver for tenant network_type 'vlan'" },
        { "[ml2_type_vxlan]\nvni_ranges = 1000:999\n", "invalid range '1000:999'" },
        { "[ml2_type_vlan]\nnetwork_vlan_ranges = p:1:5000\n", "invalid range '1:5000'" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf error = BUF_INITIALIZER;
        struct env e;

        assert_int_equal(env_open(&e, cases[i].ini, &error), -EINVAL);
        assert_non_null(strstr(buf_cstr(&error), cases[i].error));
        env_close(&e);
        buf_done(&error);
    }
}

/* Creates a provider network; returns 0 or the error kind, message in 'err'. */
static int
provider(struct env *e, const char *type, const char *physnet, int64_t segid,
         struct segment *seg, struct api_error *err)
{
    static int n;
    char id[40];
    struct provider_request req = {
        .has_type = type != NULL, .network_type = type,
        .has_physnet = physnet != NULL, .physical_network = physnet,
        .has_segid = segid >= 0, .segmentation_id = segid,
    };

    snprintf(id, sizeof id, "net-%d", n++);
    return ml2_segment_create(e->ml2, e->c, &req, false, id, seg, err) ? (int) err->kind : 0;
}

static void
provider_attributes_validated_per_type(void **state)
{
    static const struct {
        const char *type, *physnet;
        int64_t segid;
        const char *message;
    } cases[] = {
        { NULL, "provider", -1, "network_type required" },
        { "geneve", NULL, -1, "network_type value 'geneve' not supported" },
        { "local", NULL, 5, "segmentation_id prohibited for local provider network" },
        { "local", "provider", -1, "physical_network prohibited for local provider network" },
        { "flat", NULL, -1, "physical_network required for flat provider network" },
        { "flat", "other", -1, "physical_network 'other' unknown for flat provider network" },
        { "vlan", "other", -1, "physical_network 'other' unknown for VLAN provider network" },
        { "vlan", "provider", 5000, "segmentation_id out of range (1 through 4094)" },
        { "vlan", NULL, 10, "segmentation_id requires physical_network for VLAN provider"
                            " network" },
        { "vxlan", "provider", -1, "provider:physical_network specified for vxlan network" },
    };
    struct buf error = BUF_INITIALIZER;
    struct api_error err;
    struct segment seg;
    struct env e;

    assert_int_equal(env_open(&e, reference_ini, &error), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(provider(&e, cases[i].type, cases[i].physnet, cases[i].segid, &seg,
                                  &err), API_ERR_INVALID_INPUT);
        assert_string_equal(err.message, cases[i].message);
    }
    env_close(&e);
    buf_done(&error);
}

static void
segments_are_unique_and_released(void **state)
{
    struct buf error = BUF_INITIALIZER;
    struct api_error err;
    struct segment seg;
    struct env e;

    assert_int_equal(env_open(&e, reference_ini, &error), 0);
    assert_int_equal(provider(&e, "flat", "provider", -1, &seg, &err), 0);
    assert_int_equal(provider(&e, "flat", "provider", -1, &seg, &err),
                     API_ERR_FLAT_NETWORK_IN_USE);
    assert_string_equal(err.message,
                        "Unable to create the flat network. Physical network provider is in use.");
    assert_int_equal(provider(&e, "vlan", "provider", 150, &seg, &err), 0);
    assert_int_equal(provider(&e, "vlan", "provider", 150, &seg, &err), API_ERR_VLAN_ID_IN_USE);
    assert_int_equal(ml2_segment_release(e.ml2, e.c, &seg), 0);
    assert_int_equal(provider(&e, "vlan", "provider", 150, &seg, &err), 0);
    assert_int_equal(provider(&e, "vxlan", NULL, 1000, &seg, &err), 0);
    assert_int_equal(provider(&e, "vxlan", NULL, 1000, &seg, &err), API_ERR_TUNNEL_ID_IN_USE);
    assert_int_equal(provider(&e, "vxlan", NULL, -1, &seg, &err), 0);
    assert_true(seg.segmentation_id >= 1000 && seg.segmentation_id <= 1999);
    assert_int_equal(ml2_max_mtu(e.ml2, &seg), 1450);
    assert_int_equal(provider(&e, "gre", NULL, -1, &seg, &err), 0);
    assert_int_equal(ml2_max_mtu(e.ml2, &seg), 1458);
    assert_int_equal(provider(&e, "local", NULL, -1, &seg, &err), 0);
    assert_int_equal(ml2_max_mtu(e.ml2, &seg), 1500);
    env_close(&e);
    buf_done(&error);
}

static void
tenant_types_fall_back_when_a_pool_runs_out(void **state)
{
    struct buf error = BUF_INITIALIZER;
    struct provider_request none = { 0 };
    struct api_error err;
    struct segment seg;
    struct env e;
    const char *want[] = { "vlan", "vlan", "local", "local" };

    assert_int_equal(env_open(&e, "[ml2]\ntype_drivers = local,vlan\n"
                              "tenant_network_types = vlan,local\n[ml2_type_vlan]\n"
                              "network_vlan_ranges = provider:100:101\n", &error), 0);
    for (int i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "n%d", i);
        assert_int_equal(ml2_segment_create(e.ml2, e.c, &none, false, id, &seg, &err), 0);
        assert_string_equal(seg.network_type, want[i]);
    }
    env_close(&e);
    assert_int_equal(env_open(&e, "[ml2]\ntype_drivers = vlan\ntenant_network_types = vlan\n"
                              "[ml2_type_vlan]\nnetwork_vlan_ranges = provider:100:100\n",
                              &error), 0);
    assert_int_equal(ml2_segment_create(e.ml2, e.c, &none, false, "a", &seg, &err), 0);
    assert_int_equal(ml2_segment_create(e.ml2, e.c, &none, false, "b", &seg, &err), -1);
    assert_int_equal(err.kind, API_ERR_NO_NETWORK_AVAILABLE);
    assert_string_equal(err.message, "Unable to create the network. No tenant network is"
                        " available for allocation.");
    env_close(&e);
    buf_done(&error);
}

/* The DHCP port's device_id, as Neutron forms it (docs/behaviour/agents.md §B.3), for
 * host "controller". */
static void
dhcp_device_id_is_neutrons(void **state)
{
    const char *net = "bb9b6d21-c6a4-4c4e-9f0e-0123456789ab";
    char id[DHCP_DEVICE_ID_LEN];

    dhcp_device_id("controller", net, id);
    assert_string_equal(id, "dhcpd3377d3c-a0d1-5d71-9947-f17125c357bb-"
                            "bb9b6d21-c6a4-4c4e-9f0e-0123456789ab");
    /* Only the short host name counts. */
    dhcp_device_id("controller.example.org", net, id);
    assert_string_equal(id, "dhcpd3377d3c-a0d1-5d71-9947-f17125c357bb-"
                            "bb9b6d21-c6a4-4c4e-9f0e-0123456789ab");
    dhcp_device_id("compute", net, id);
    assert_string_not_equal(id, "dhcpd3377d3c-a0d1-5d71-9947-f17125c357bb-"
                                "bb9b6d21-c6a4-4c4e-9f0e-0123456789ab");
}

/* Which device owners never wait for agents (docs/behaviour/ml2.md §6). */
static void
service_ports_get_no_provisioning_blocks(void **state)
{
    assert_true(provisioning_exempt(""));
    assert_true(provisioning_exempt(NULL));
    assert_true(provisioning_exempt("network:dhcp"));
    assert_true(provisioning_exempt("network:router_interface"));
    assert_true(provisioning_exempt("network:router_gateway"));
    assert_true(provisioning_exempt("network:floatingip"));
    assert_true(provisioning_exempt("network:distributed"));
    assert_false(provisioning_exempt("compute:nova"));
    assert_false(provisioning_exempt("compute:az1"));
    assert_false(provisioning_exempt("baremetal:none"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_configurations_are_refused),
        cmocka_unit_test(provider_attributes_validated_per_type),
        cmocka_unit_test(segments_are_unique_and_released),
        cmocka_unit_test(tenant_types_fall_back_when_a_pool_runs_out),
        cmocka_unit_test(dhcp_device_id_is_neutrons),
        cmocka_unit_test(service_ports_get_no_provisioning_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
