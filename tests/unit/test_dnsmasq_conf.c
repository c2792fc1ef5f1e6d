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

/* Lines of the opts file for single options, as Zed's Dnsmasq._format_option()
 * gives them for the same arguments. */
static void
options_are_formatted_as_neutrons(void **state)
{
    static const struct {
        int version;
        const char *name, *value, *line;
    } cases[] = {
        { 4, "tftp-server", "192.0.2.9", "tag:port-a,option:tftp-server,192.0.2.9\n" },
        { 4, "26", "1400", "tag:port-a,26,1400\n" },
        { 6, "26", "1400", "tag:port-a,option6:26,1400\n" },
        { 6, "domain-search", "x.example", "tag:port-a,option6:domain-search,x.example\n" },
        { 4, "router", "", "tag:port-a,option:router,\n" },
        { 4, "tag:ipxe,bootfile-name", "http://x/boot.ipxe",
          "tag:port-a,tag:ipxe,option:bootfile-name,http://x/boot.ipxe\n" },
        { 4, "tag:a,b,67", "v", "tag:port-a,tag:a,b,67,v\n" },
        { 4, "tag:ab", "v", "tag:port-a,option:tag:ab,v\n" },
        { 4, "mtu", "1\n2", "tag:port-a,option:mtu,1\n" },
        { 4, "", "v", "tag:port-a,option:,v\n" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf out = BUF_INITIALIZER;
        dnsmasq_format_option(cases[i].version, "port-a", cases[i].name, cases[i].value, &out);
        assert_string_equal(buf_cstr(&out), cases[i].line);
        buf_done(&out);
    }
}

#define PORT1 "0d7c5e9a-1111-4c4e-9f0e-0123456789ab"

/* The tutorial with its first instance's port given 'opts' (JSON) and a UUID. */
static json_t *
tutorial_with_opts(const char *opts)
{
    json_t *info = tutorial();
    json_t *port = json_array_get(json_object_get(info, "ports"), 1);

    json_object_set_new(port, "id", json_string(PORT1));
    json_object_set_new(port, "extra_dhcp_opts", json_loads(opts, 0, NULL));
    return info;
}

/* A port's options: its hosts line sets the port's tag, its options follow the
 * subnet's, only for the IP versions of its addresses. */
static void
port_options_follow_its_tag(void **state)
{
    struct buf host = BUF_INITIALIZER, addn = BUF_INITIALIZER, opts = BUF_INITIALIZER;
    json_t *info = tutorial_with_opts(
        "[{\"opt_name\": \"26\", \"opt_value\": \"1400\", \"ip_version\": 4},"
        " {\"opt_name\": \"domain-search\", \"opt_value\": \"x.example\", \"ip_version\": 6},"
        " {\"opt_name\": \"router\", \"opt_value\": \"\", \"ip_version\": 4},"
        " {\"opt_name\": \"tftp-server\", \"opt_value\": \"192.0.2.9\", \"ip_version\": 4}]");

    dnsmasq_hosts(info, &defaults, &host, &addn);
    assert_string_equal(buf_cstr(&host),
                        "fa:16:3e:c1:66:a5,host-172-16-1-3.openstacklocal,172.16.1.3,"
                        "set:port-" PORT1 "\n"
                        "fa:16:3e:4b:5c:6d,host-172-16-1-4.openstacklocal,172.16.1.4\n");
    dnsmasq_opts(info, &defaults, &opts);
    assert_string_equal(buf_cstr(&opts), "tag:subnet-" SUB ",option:router,172.16.1.1\n"
                                         "tag:port-" PORT1 ",26,1400\n"
                                         "tag:port-" PORT1 ",option:router,\n"
                                         "tag:port-" PORT1 ",option:tftp-server,192.0.2.9");
    buf_done(&host);
    buf_done(&addn);
    buf_done(&opts);
    json_decref(info);
}

/* client-id picks the lease in the hosts file and is no option; alone, no tag. */
static void
client_id_goes_to_the_hosts_file(void **state)
{
    static const struct {
        const char *opts, *host, *opts_file;
    } cases[] = {
        { "[{\"opt_name\": \"client-id\", \"opt_value\": \"cl1\", \"ip_version\": 4}]",
          "fa:16:3e:c1:66:a5,id:cl1,host-172-16-1-3.openstacklocal,172.16.1.3\n",
          "tag:subnet-" SUB ",option:router,172.16.1.1" },
        { "[{\"opt_name\": \"61\", \"opt_value\": \"cl1\", \"ip_version\": 4},"
          " {\"opt_name\": \"mtu\", \"opt_value\": \"1400\", \"ip_version\": 4}]",
          "fa:16:3e:c1:66:a5,id:cl1,host-172-16-1-3.openstacklocal,172.16.1.3,"
          "set:port-" PORT1 "\n",
          "tag:subnet-" SUB ",option:router,172.16.1.1\n"
          "tag:port-" PORT1 ",option:mtu,1400" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf host = BUF_INITIALIZER, addn = BUF_INITIALIZER, opts = BUF_INITIALIZER;
        json_t *info = tutorial_with_opts(cases[i].opts);
        json_array_remove(json_object_get(info, "ports"), 2);
        dnsmasq_hosts(info, &defaults, &host, &addn);
        assert_string_equal(buf_cstr(&host), cases[i].host);
        dnsmasq_opts(info, &defaults, &opts);
        assert_string_equal(buf_cstr(&opts), cases[i].opts_file);
        buf_done(&host);
        buf_done(&addn);
        buf_done(&opts);
        json_decref(info);
    }
}

/* Options of a port whose id could not be a tag, and malformed options, are left out. */
static void
malformed_port_options_are_skipped(void **state)
{
    struct buf host = BUF_INITIALIZER, addn = BUF_INITIALIZER, opts = BUF_INITIALIZER;
    json_t *info = tutorial_with_opts(
        "[{\"opt_name\": \"mtu\", \"opt_value\": 5, \"ip_version\": 4},"
        " {\"opt_name\": \"mtu\", \"opt_value\": \"1400\", \"ip_version\": 5},"
        " {\"opt_value\": \"1400\", \"ip_version\": 4}, 7]");

    dnsmasq_opts(info, &defaults, &opts);
    assert_string_equal(buf_cstr(&opts), "tag:subnet-" SUB ",option:router,172.16.1.1");
    buf_clear(&opts);
    json_object_set_new(json_array_get(json_object_get(info, "ports"), 1), "id",
                        json_string("a,b\nc"));
    dnsmasq_hosts(info, &defaults, &host, &addn);
    assert_null(strstr(buf_cstr(&host), "set:"));
    dnsmasq_opts(info, &defaults, &opts);
    assert_null(strstr(buf_cstr(&opts), "port-"));
    buf_done(&host);
    buf_done(&addn);
    buf_done(&opts);
    json_decref(info);
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
        cmocka_unit_test(options_are_formatted_as_neutrons),
        cmocka_unit_test(port_options_follow_its_tag),
        cmocka_unit_test(client_id_goes_to_the_hosts_file),
        cmocka_unit_test(malformed_port_options_are_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
