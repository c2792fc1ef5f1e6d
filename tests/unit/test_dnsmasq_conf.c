/* dnsmasq's command line and files for a network (src/dhcp_agent/dnsmasq_conf.c),
 * checked line by line against what Neutron Zed's Dnsmasq driver writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dnsmasq_conf.h"

#define NET "bb9b6d21-c6a4-4c4e-9f0e-0123456789ab"
#define SUB "5a0c1f37-3d3f-4f6e-8c1e-aaaaaaaaaaaa"
#define SUB2 "5a0c1f37-3d3f-4f6e-8c1e-bbbbbbbbbbbb"
#define SUB6 "5a0c1f37-3d3f-4f6e-8c1e-cccccccccccc"

static const struct dnsmasq_settings defaults = {
    .conf_dir = "/var/lib/neutrino/dhcp/" NET,
    .dns_domain = "openstacklocal",
    .lease_duration = 86400,
    .lease_max = 16777216,
};

/* The tutorial's network: 172.16.1.0/24, DHCP port .2, two instances. */
static json_t *
tutorial(void)
{
    json_t *info = json_loads(
        "{\"network\": {\"id\": \"" NET "\", \"admin_state_up\": true, \"mtu\": 1500},"
        " \"subnets\": [{\"id\": \"" SUB "\", \"cidr\": \"172.16.1.0/24\", \"ip_version\": 4,"
        "   \"gateway_ip\": \"172.16.1.1\", \"enable_dhcp\": true, \"dns_nameservers\": [],"
        "   \"host_routes\": [], \"ipv6_address_mode\": null, \"ipv6_ra_mode\": null}],"
        " \"ports\": ["
        "  {\"id\": \"p-dhcp\", \"mac_address\": \"fa:16:3e:aa:bb:cc\", \"device_owner\":"
        "   \"network:dhcp\", \"fixed_ips\": [{\"subnet_id\": \"" SUB "\", \"ip_address\":"
        "   \"172.16.1.2\"}]},"
        "  {\"id\": \"p-vm1\", \"mac_address\": \"fa:16:3e:c1:66:a5\", \"device_owner\":"
        "   \"compute:nova\", \"fixed_ips\": [{\"subnet_id\": \"" SUB "\", \"ip_address\":"
        "   \"172.16.1.3\"}]},"
        "  {\"id\": \"p-vm2\", \"mac_address\": \"fa:16:3e:4b:5c:6d\", \"device_owner\":"
        "   \"compute:nova\", \"fixed_ips\": [{\"subnet_id\": \"" SUB "\", \"ip_address\":"
        "   \"172.16.1.4\"}]}],"
        " \"dhcp_port\": {\"id\": \"p-dhcp\", \"mac_address\": \"fa:16:3e:aa:bb:cc\","
        "   \"fixed_ips\": [{\"subnet_id\": \"" SUB "\", \"ip_address\": \"172.16.1.2\"}]}}",
        0, NULL);

    assert_non_null(info);
    return info;
}

static json_t *
subnet0(json_t *info)
{
    return json_array_get(json_object_get(info, "subnets"), 0);
}

static char *
joined(const struct strv *sv)
{
    struct buf b = BUF_INITIALIZER;

    for (size_t i = 0; i < sv->n; i++) {
        buf_printf(&b, "%s%s", i ? " " : "", sv->v[i]);
    }
    return buf_steal(&b);
}

static void
tutorial_command_line_is_neutrons(void **state)
{
    json_t *info = tutorial();
    struct strv argv = { NULL, 0 };
    char *text;

    dnsmasq_argv(info, &defaults, &argv);
    assert_null(argv.v[argv.n]);
    text = joined(&argv);
    assert_string_equal(
        text,
        "dnsmasq --no-hosts --no-resolv --pid-file=/var/lib/neutrino/dhcp/" NET "/pid"
        " --dhcp-hostsfile=/var/lib/neutrino/dhcp/" NET "/host"
        " --addn-hosts=/var/lib/neutrino/dhcp/" NET "/addn_hosts"
        " --dhcp-optsfile=/var/lib/neutrino/dhcp/" NET "/opts"
        " --dhcp-leasefile=/var/lib/neutrino/dhcp/" NET "/leases"
        " --dhcp-match=set:ipxe,175 --dhcp-userclass=set:ipxe6,iPXE --local-service"
        " --bind-dynamic --dhcp-range=set:subnet-" SUB ",172.16.1.0,static,255.255.255.0,86400s"
        " --dhcp-option-force=option:mtu,1500 --dhcp-lease-max=256 --conf-file=/dev/null"
        " --domain=openstacklocal");
    free(text);
    strv_done(&argv);
    json_decref(info);
}

static void
command_line_options(void **state)
{
    char *servers[] = { "192.0.2.53", "192.0.2.54" };
    struct dnsmasq_settings s = defaults;
    json_t *info = tutorial();
    struct strv argv = { NULL, 0 };
    char *text;

    s.lease_duration = -1;
    s.n_dns_servers = 2;
    s.dns_servers = servers;
    s.broadcast_reply = true;
    s.renewal_time = 100;
    s.rebinding_time = 200;
    s.lease_max = 100;
    s.config_file = "/etc/extra.conf";
    s.log_dir = "/var/log/dnsmasq";
    s.dns_domain = "";
    dnsmasq_argv(info, &s, &argv);
    text = joined(&argv);
    assert_non_null(strstr(text, ",172.16.1.0,static,255.255.255.0,infinite "));
    assert_non_null(strstr(text, " --dhcp-lease-max=100 "));
    assert_non_null(strstr(text, " --dhcp-option-force=option:T1,100s"
                                 " --dhcp-option-force=option:T2,200s"
                                 " --conf-file=/etc/extra.conf --server=192.0.2.53"
                                 " --server=192.0.2.54 --dhcp-broadcast --log-queries"
                                 " --log-dhcp --log-facility=/var/log/dnsmasq/" NET
                                 "/dhcp_dns_log"));
    assert_null(strstr(text, "--domain"));
    assert_non_null(strstr(text, "--no-resolv"));    /* Servers given: no resolv.conf. */
    free(text);
    strv_done(&argv);

    /* Local resolution and no servers: dnsmasq may read resolv.conf. */
    s = defaults;
    s.local_resolv = true;
    dnsmasq_argv(info, &s, &argv);
    text = joined(&argv);
    assert_null(strstr(text, "--no-resolv"));
    free(text);
    strv_done(&argv);
    json_decref(info);
}

static void
tutorial_files_are_neutrons(void **state)
{
    struct buf host = BUF_INITIALIZER, addn = BUF_INITIALIZER, opts = BUF_INITIALIZER,
               leases = BUF_INITIALIZER;
    json_t *info = tutorial();

    dnsmasq_hosts(info, &defaults, &host, &addn);
    assert_string_equal(buf_cstr(&host),
                        "fa:16:3e:c1:66:a5,host-172-16-1-3.openstacklocal,172.16.1.3\n"
                        "fa:16:3e:4b:5c:6d,host-172-16-1-4.openstacklocal,172.16.1.4\n");
    assert_string_equal(buf_cstr(&addn),
                        "172.16.1.3\thost-172-16-1-3.openstacklocal host-172-16-1-3\n"
                        "172.16.1.4\thost-172-16-1-4.openstacklocal host-172-16-1-4\n");
    dnsmasq_opts(info, &defaults, &opts);
    assert_string_equal(buf_cstr(&opts), "tag:subnet-" SUB ",option:router,172.16.1.1");
    dnsmasq_leases(info, &defaults, 1000, &leases);
    assert_string_equal(buf_cstr(&leases), "87400 fa:16:3e:c1:66:a5 172.16.1.3 * *\n"
                                           "87400 fa:16:3e:4b:5c:6d 172.16.1.4 * *\n");
    buf_done(&host);
    buf_done(&addn);
    buf_done(&opts);
    buf_done(&leases);
    json_decref(info);
}

static void
options_follow_the_subnet(void **state)
{
    struct buf opts = BUF_INITIALIZER;
    json_t *info = tutorial();
    json_t *s = subnet0(info);

    /* No gateway: an empty router option (no default route for the client). */
    json_object_set_new(s, "gateway_ip", json_null());
    dnsmasq_opts(info, &defaults, &opts);
    assert_string_equal(buf_cstr(&opts), "tag:subnet-" SUB ",option:router");
    buf_clear(&opts);

    /* DNS servers and host routes (0.0.0.0/0 supplies the missing gateway). */
    json_object_set_new(s, "dns_nameservers", json_pack("[s,s]", "8.8.8.8", "1.1.1.1"));
    json_object_set_new(s, "host_routes",
                        json_pack("[{s:s,s:s},{s:s,s:s}]", "destination", "10.99.0.0/16",
                                  "nexthop", "172.16.1.254", "destination", "0.0.0.0/0",
                                  "nexthop", "172.16.1.253"));
    dnsmasq_opts(info, &defaults, &opts);
    assert_string_equal(buf_cstr(&opts),
                        "tag:subnet-" SUB ",option:dns-server,8.8.8.8,1.1.1.1\n"
                        "tag:subnet-" SUB ",option:classless-static-route,10.99.0.0/16,"
                        "172.16.1.254,0.0.0.0/0,172.16.1.253\n"
                        "tag:subnet-" SUB ",249,10.99.0.0/16,172.16.1.254,0.0.0.0/0,"
                        "172.16.1.253\n"
                        "tag:subnet-" SUB ",option:router,172.16.1.253");
    buf_done(&opts);
    json_decref(info);
}

static void
other_ipv4_subnets_are_on_link(void **state)
{
    struct buf opts = BUF_INITIALIZER, host = BUF_INITIALIZER, addn = BUF_INITIALIZER;
    json_t *info = tutorial();

    json_array_append_new(json_object_get(info, "subnets"),
                          json_pack("{s:s,s:s,s:i,s:s,s:b,s:[],s:[]}", "id", SUB2, "cidr",
                                    "10.20.0.0/24", "ip_version", 4, "gateway_ip", "10.20.0.1",
                                    "enable_dhcp", 0, "dns_nameservers", "host_routes"));
    /* An address on the DHCP-disabled subnet: resolvable, but no DHCP host entry. */
    json_array_append_new(
        json_object_get(json_array_get(json_object_get(info, "ports"), 1), "fixed_ips"),
        json_pack("{s:s,s:s}", "subnet_id", SUB2, "ip_address", "10.20.0.5"));
    dnsmasq_opts(info, &defaults, &opts);
    assert_string_equal(buf_cstr(&opts),
                        "tag:subnet-" SUB ",option:classless-static-route,10.20.0.0/24,"
                        "0.0.0.0,0.0.0.0/0,172.16.1.1\n"
                        "tag:subnet-" SUB ",249,10.20.0.0/24,0.0.0.0,0.0.0.0/0,172.16.1.1\n"
                        "tag:subnet-" SUB ",option:router,172.16.1.1");
    dnsmasq_hosts(info, &defaults, &host, &addn);
    assert_null(strstr(buf_cstr(&host), "10.20.0.5"));
    assert_non_null(strstr(buf_cstr(&addn), "10.20.0.5\thost-10-20-0-5.openstacklocal"
                                            " host-10-20-0-5\n"));
    buf_done(&opts);
    buf_done(&host);
    buf_done(&addn);
    json_decref(info);
}

static void
ipv6_subnets(void **state)
{
    struct buf opts = BUF_INITIALIZER, host = BUF_INITIALIZER, addn = BUF_INITIALIZER;
    struct strv argv = { NULL, 0 };
    json_t *info = tutorial();
    char *text;

    json_array_append_new(json_object_get(info, "subnets"),
                          json_pack("{s:s,s:s,s:i,s:s,s:b,s:[s],s:[],s:s,s:s}", "id", SUB6,
                                    "cidr", "2001:db8::/64", "ip_version", 6, "gateway_ip",
                                    "2001:db8::1", "enable_dhcp", 1, "dns_nameservers",
                                    "2001:db8::53", "host_routes", "ipv6_address_mode",
                                    "dhcpv6-stateful", "ipv6_ra_mode", "dhcpv6-stateful"));
    json_array_append_new(
        json_object_get(json_array_get(json_object_get(info, "ports"), 1), "fixed_ips"),
        json_pack("{s:s,s:s}", "subnet_id", SUB6, "ip_address", "2001:db8::5"));
    dnsmasq_argv(info, &defaults, &argv);
    text = joined(&argv);
    assert_non_null(strstr(text, " --dhcp-range=set:subnet-" SUB6 ",2001:db8::,static,64,"
                                 "86400s "));
    free(text);
    strv_done(&argv);
    dnsmasq_hosts(info, &defaults, &host, &addn);
    assert_non_null(strstr(buf_cstr(&host), "fa:16:3e:c1:66:a5,tag:dhcpv6,"
                                            "host-2001-db8--5.openstacklocal,[2001:db8::5]\n"));
    dnsmasq_opts(info, &defaults, &opts);
    assert_non_null(strstr(buf_cstr(&opts), "tag:subnet-" SUB6 ",option6:dns-server,"
                                            "[2001:db8::53]\n"
                                            "tag:subnet-" SUB6 ",option6:domain-search,"
                                            "openstacklocal"));
    assert_null(strstr(buf_cstr(&opts), SUB6 ",option:router"));
    buf_clear(&host);
    buf_clear(&addn);
    buf_clear(&opts);

    /* SLAAC: no range, no host entry, no options. */
    json_t *s6 = json_array_get(json_object_get(info, "subnets"), 1);
    json_object_set_new(s6, "ipv6_address_mode", json_string("slaac"));
    json_object_set_new(s6, "ipv6_ra_mode", json_string("slaac"));
    dnsmasq_argv(info, &defaults, &argv);
    text = joined(&argv);
    assert_null(strstr(text, SUB6));
    free(text);
    strv_done(&argv);
    dnsmasq_hosts(info, &defaults, &host, &addn);
    assert_null(strstr(buf_cstr(&host), "2001:db8::5"));
    dnsmasq_opts(info, &defaults, &opts);
    assert_null(strstr(buf_cstr(&opts), SUB6));
    buf_done(&opts);
    buf_done(&host);
    buf_done(&addn);
    json_decref(info);
}

static void
serves_only_dhcp_subnets(void **state)
{
    json_t *info = tutorial();
    struct strv argv = { NULL, 0 };
    char *text;

    assert_true(dnsmasq_serves(info));
    json_object_set_new(subnet0(info), "enable_dhcp", json_false());
    assert_false(dnsmasq_serves(info));
    dnsmasq_argv(info, &defaults, &argv);
    text = joined(&argv);
    assert_null(strstr(text, "--dhcp-range"));
    assert_non_null(strstr(text, "--dhcp-lease-max=0"));
    free(text);
    strv_done(&argv);
    json_decref(info);
}

/* Nothing in a malformed description is trusted; output stays well formed. */
static void
malformed_input_is_skipped(void **state)
{
    static const char *const cases[] = {
        "null", "[]", "{}", "{\"subnets\": 5, \"ports\": \"x\"}",
        "{\"subnets\": [{\"id\": \"a,b\", \"cidr\": \"10.0.0.0/24\", \"ip_version\": 4,"
        " \"enable_dhcp\": true}]}",
        "{\"subnets\": [{\"id\": \"s\", \"cidr\": \"10.0.0.0/99\", \"ip_version\": 4,"
        " \"enable_dhcp\": true}]}",
        "{\"subnets\": [{\"id\": \"s\", \"cidr\": \"10.0.0.0/24\", \"ip_version\": 6,"
        " \"enable_dhcp\": true}]}",
        "{\"subnets\": [{\"id\": \"s\", \"cidr\": \"10.0.0.0/24\", \"ip_version\": 4,"
        " \"enable_dhcp\": true, \"gateway_ip\": 7, \"dns_nameservers\": [\"x\", 3],"
        " \"host_routes\": [{\"destination\": \"bad\"}, 5]}],"
        " \"ports\": [{\"mac_address\": \"fa:16:3e:00:00:0\\n\", \"fixed_ips\":"
        " [{\"subnet_id\": \"s\", \"ip_address\": \"10.0.0.5\"}]},"
        " {\"mac_address\": \"fa:16:3e:00:00:01\", \"fixed_ips\": [{\"subnet_id\": \"s\","
        " \"ip_address\": \"10.0.0.5\\nx\"}, 9]}]}",
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf host = BUF_INITIALIZER, addn = BUF_INITIALIZER, opts = BUF_INITIALIZER,
                   leases = BUF_INITIALIZER;
        struct strv argv = { NULL, 0 };
        json_t *info = json_loads(cases[i], JSON_DECODE_ANY, NULL);
        dnsmasq_argv(info, &defaults, &argv);
        dnsmasq_hosts(info, &defaults, &host, &addn);
        dnsmasq_opts(info, &defaults, &opts);
        dnsmasq_leases(info, &defaults, 0, &leases);
        /* No line may carry a line break or a separator smuggled in by a value. */
        assert_null(strstr(buf_cstr(&host), "\n\n"));
        assert_null(strstr(buf_cstr(&host), "x"));
        assert_null(strstr(buf_cstr(&opts), "a,b"));
        for (size_t k = 0; k < argv.n; k++) {
            assert_null(strchr(argv.v[k], '\n'));
        }
        strv_done(&argv);
        buf_done(&host);
        buf_done(&addn);
        buf_done(&opts);
        buf_done(&leases);
        json_decref(info);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tutorial_command_line_is_neutrons),
        cmocka_unit_test(command_line_options),
        cmocka_unit_test(tutorial_files_are_neutrons),
        cmocka_unit_test(options_follow_the_subnet),
        cmocka_unit_test(other_ipv4_subnets_are_on_link),
        cmocka_unit_test(ipv6_subnets),
        cmocka_unit_test(serves_only_dhcp_subnets),
        cmocka_unit_test(malformed_input_is_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
