/* Unit tests for the keepalived configuration of HA routers (keepalived.h): the whole
 * file for a router with a gateway, floating IP, interface and extra route, as Neutron
 * writes it; authentication when a password is set; the primary VIP moving off a /24
 * the HA network takes; and a process that is not ours never taken for keepalived. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "keepalived.h"

#define ROUTER "08d688e5-2663-4f69-a526-758108c5a142"

static void
model_from(const char *ha_cidr, const char *ha_ip, struct l3_model *m)
{
    char text[4096];
    char reason[256] = "";
    json_t *j;

    snprintf(text, sizeof text,
             "{\"routers\": [{\"id\": \"" ROUTER "\","
             " \"gateway\": {\"port_id\": \"a3ca8528-5700-4000-8000-000000000001\","
             "   \"mac_address\": \"fa:16:3e:83:ce:80\","
             "   \"fixed_ips\": [{\"ip_address\": \"203.0.113.83\", \"prefixlen\": 24}],"
             "   \"gateway_ips\": [\"203.0.113.1\"], \"extra_subnets\": [\"198.51.100.0/24\"]},"
             " \"interfaces\": [{\"port_id\": \"dbdeed35-cb00-4000-8000-000000000002\","
             "   \"mac_address\": \"fa:16:3e:29:62:42\","
             "   \"fixed_ips\": [{\"ip_address\": \"10.10.0.1\", \"cidr\": \"10.10.0.0/24\"}]}],"
             " \"routes\": [{\"destination\": \"192.168.50.0/24\", \"nexthop\": \"10.10.0.12\"}],"
             " \"floating_ips\": [{\"id\": \"f1f1f1f1-0000-4000-8000-000000000013\","
             "   \"floating_ip_address\": \"203.0.113.62\", \"fixed_ip_address\": \"10.10.0.11\"}],"
             " \"ha\": {\"vr_id\": 7, \"port\": {\"port_id\": \"4a4a4a4a-aa00-4000-8000-000000000009\","
             "   \"mac_address\": \"fa:16:3e:00:00:09\","
             "   \"fixed_ips\": [{\"ip_address\": \"%s\", \"cidr\": \"%s\"}]}}}]}",
             ha_ip, ha_cidr);
    j = json_loads(text, 0, NULL);
    assert_non_null(j);
    l3_model_init(m);
    if (l3_model_from_json(j, m, reason, sizeof reason)) {
        fail_msg("model: %s", reason);
    }
    json_decref(j);
}

static const struct keepalived_options options = {
    "/usr/sbin/keepalived", "/nonexistent", 2, "PASS", NULL,
};

static void
test_config_as_neutron_writes_it(void **state)
{
    struct l3_model m;
    struct buf out = BUF_INITIALIZER;

    model_from("169.254.192.0/18", "169.254.192.9", &m);
    keepalived_config(&m.routers[0], &options, &out);
    assert_string_equal(buf_cstr(&out),
        "global_defs {\n"
        "    notification_email_from neutron@openstack.local\n"
        "    router_id neutron\n"
        "}\n"
        "vrrp_instance VR_7 {\n"
        "    state BACKUP\n"
        "    interface ha-4a4a4a4a-aa\n"
        "    virtual_router_id 7\n"
        "    priority 50\n"
        "    garp_master_delay 60\n"
        "    nopreempt\n"
        "    advert_int 2\n"
        "    track_interface {\n"
        "        ha-4a4a4a4a-aa\n"
        "    }\n"
        "    virtual_ipaddress {\n"
        "        169.254.0.7/24 dev ha-4a4a4a4a-aa\n"
        "    }\n"
        "    virtual_ipaddress_excluded {\n"
        "        10.10.0.1/24 dev qr-dbdeed35-cb\n"
        "        203.0.113.62/32 dev qg-a3ca8528-57\n"
        "        203.0.113.83/24 dev qg-a3ca8528-57\n"
        "    }\n"
        "    virtual_routes {\n"
        "        0.0.0.0/0 via 203.0.113.1 dev qg-a3ca8528-57\n"
        "        198.51.100.0/24 dev qg-a3ca8528-57 scope link\n"
        "        192.168.50.0/24 via 10.10.0.12\n"
        "    }\n"
        "}\n");
    buf_done(&out);
    l3_model_done(&m);
}

static void
test_authentication_when_a_password_is_set(void **state)
{
    struct keepalived_options o = options;
    struct l3_model m;
    struct buf out = BUF_INITIALIZER;

    o.auth_type = "AH";
    o.auth_password = "s3cret";
    o.advert_int = 5;
    model_from("169.254.192.0/18", "169.254.192.9", &m);
    keepalived_config(&m.routers[0], &o, &out);
    assert_non_null(strstr(buf_cstr(&out), "    advert_int 5\n"
                                           "    authentication {\n"
                                           "        auth_type AH\n"
                                           "        auth_pass s3cret\n"
                                           "    }\n"));
    buf_done(&out);
    l3_model_done(&m);
}

static void
test_primary_vip_avoids_the_ha_network(void **state)
{
    struct l3_model m;
    struct cidr vip;
    char text[CIDR_STRLEN];

    model_from("169.254.0.0/23", "169.254.1.20", &m);
    keepalived_primary_vip(&m.routers[0], &vip);
    cidr_format(&vip, text);
    assert_string_equal(text, "169.254.2.7/24");
    l3_model_done(&m);
}

static void
test_a_pid_that_is_not_keepalived_is_not_ours(void **state)
{
    char dir[] = "/tmp/test_keepalived.XXXXXX";
    struct keepalived_options o = options;
    char path[256];
    FILE *f;

    assert_non_null(mkdtemp(dir));
    o.confs_dir = dir;
    snprintf(path, sizeof path, "%s/" ROUTER, dir);
    assert_int_equal(mkdir(path, 0700), 0);
    /* Our own pid: alive, but not a keepalived with that router's configuration. */
    snprintf(path, sizeof path, "%s/" ROUTER "/keepalived.pid", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%d\n", (int) getpid());
    fclose(f);
    assert_int_equal(keepalived_pid(&o, ROUTER), 0);
    /* Stopping it signals nothing and removes the directory. */
    assert_int_equal(keepalived_stop(&o, ROUTER), 0);
    snprintf(path, sizeof path, "%s/" ROUTER, dir);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_as_neutron_writes_it),
        cmocka_unit_test(test_authentication_when_a_password_is_set),
        cmocka_unit_test(test_primary_vip_avoids_the_ha_network),
        cmocka_unit_test(test_a_pid_that_is_not_keepalived_is_not_ours),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
