/* Unit tests for the firewall's planner (firewall_plan.h) and its model
 * (firewall_model.h): the rules a model becomes, what a change of model changes (and
 * only that), the connections a removed rule or member takes with it, reading the
 * kernel's saved state while leaving everything not ours alone. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctnetlink.h"
#include "firewall_plan.h"
#include "util.h"

#define NET_A "673540ec-ed00-4000-8000-000000000001"
#define NET_B "b00000ec-ed00-4000-8000-000000000002"
#define PORT1 "20bef4fa-e5aa-4bbb-8ccc-111111111111"
#define PORT2 "e8d32241-b7aa-4bbb-8ccc-222222222222"
#define DEFAULT "9de54099-f667-453a-b54a-000000000001"
#define WEB "1e5a0c2b-0000-4000-8000-000000000002"
#define SET4 "neutrino-fw4-9de54099-f667-453a"
#define IN1 "neutrino-fw-i20bef4fa-e5aa-4"
#define OUT1 "neutrino-fw-o20bef4fa-e5aa-4"
#define IN2 "neutrino-fw-ie8d32241-b7aa-4"

/* Builds a model from JSON text (the form the agent will get). */
static void
model_from(const char *text, struct fw_model *m)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    char reason[256] = "";

    assert_non_null(j);
    fw_model_init(m);
    if (fw_model_from_json(j, m, reason, sizeof reason)) {
        fail_msg("model: %s", reason);
    }
    json_decref(j);
}

static const char *
port_json(const char *id, const char *dev, const char *net, const char *mac, const char *ip,
          const char *groups)
{
    static char out[4][512];
    static int k;
    char *b = out[k++ % 4];

    snprintf(b, 512, "{\"id\": \"%s\", \"device\": \"%s\", \"network_id\": \"%s\", "
             "\"mac_address\": \"%s\", \"fixed_ips\": [\"%s\"], \"security_groups\": [%s]}",
             id, dev, net, mac, ip, groups);
    return b;
}

#define P1 port_json(PORT1, "tap20bef4fa-e5", NET_A, "fa:16:3e:e1:76:ef", "10.10.0.11", \
                     "\"" DEFAULT "\", \"" WEB "\"")
#define P2 port_json(PORT2, "tape8d32241-b7", NET_A, "fa:16:3e:9c:c8:fe", "10.10.0.12", \
                     "\"" DEFAULT "\"")

#define GROUPS(web_rules) \
    "\"security_groups\": {\"" DEFAULT "\": {\"rules\": [" \
    "{\"direction\": \"egress\", \"ethertype\": \"IPv4\"}," \
    "{\"direction\": \"ingress\", \"ethertype\": \"IPv4\", " \
    "\"remote_group_id\": \"" DEFAULT "\"}]}," \
    "\"" WEB "\": {\"rules\": [" web_rules "]}}"

#define TCP80 "{\"direction\": \"ingress\", \"ethertype\": \"IPv4\", \"protocol\": \"tcp\", " \
              "\"port_range_min\": 80, \"port_range_max\": 80}"

#define MEMBERS(list) ", \"sg_member_ips\": {\"" DEFAULT "\": {\"IPv4\": [" list "]}}"

/* The model of two ports with 'groups_and_members' ("security_groups": ..., members). */
static void
two_ports(const char *groups_and_members, struct fw_model *m)
{
    char text[4096];

    snprintf(text, sizeof text, "{\"ports\": [%s, %s], %s}", P1, P2, groups_and_members);
    model_from(text, m);
}

static bool
has(const struct buf *b, const char *needle)
{
    return b->data && strstr(b->data, needle);
}

/* What the kernel holds after model 'm' was applied (the planner's own desired state;
 * the real-kernel test checks that reading it back gives the same). */
static void
applied(const struct fw_model *m, struct fw_state *have)
{
    struct fw_state none;

    fw_state_init(&none);
    fw_state_desired(m, &none, have);
}

static void
plan_between(const struct fw_model *before, const struct fw_model *after, struct fw_plan *p)
{
    struct fw_state have;

    applied(before, &have);
    fw_plan_init(p);
    fw_plan_make(after, &have, p);
    fw_state_done(&have);
}

static void
test_no_ports_no_rules(void **state)
{
    struct fw_model m;
    struct fw_state none;
    struct fw_plan p;

    (void) state;
    model_from("{\"ports\": []}", &m);
    fw_state_init(&none);
    fw_plan_init(&p);
    fw_plan_make(&m, &none, &p);
    assert_true(fw_plan_empty(&p));
    fw_plan_done(&p);
    fw_model_done(&m);
}

static void
test_a_port_gets_neutrons_chains(void **state)
{
    struct fw_model m, none;
    struct fw_plan p;

    (void) state;
    two_ports(GROUPS(TCP80) MEMBERS("\"10.10.0.11\", \"10.10.0.12\""), &m);
    model_from("{}", &none);
    plan_between(&none, &m, &p);
    const struct buf *v4 = &p.restore[FW_TOOL_IPTABLES];
    assert_true(has(v4, ":" IN1 " - [0:0]"));
    assert_true(has(v4, "-A " IN1 " -m conntrack --ctstate RELATED,ESTABLISHED"));
    assert_true(has(v4, "-A " IN1 " -d 10.10.0.11/32 -p udp -m multiport --sports 67 "
                    "-m multiport --dports 68 "));
    assert_true(has(v4, "-A " IN1 " -p tcp -m tcp --dport 80 -j RETURN\n"));
    assert_true(has(v4, "-A " IN1 " -m set --match-set " SET4 " src -j RETURN\n"));
    assert_true(has(v4, "-A " OUT1 " -j neutrino-fw-s20bef4fa-e5aa-4\n"));
    assert_true(has(v4, "-A " OUT1 " -p udp -m multiport --sports 67 -m multiport --dports 68 "));
    /* No udp --sport/--dport anywhere: iptables resolves those through getaddrinfo(),
     * an address dump of the whole namespace per port number. */
    assert_false(has(v4, "-m udp --"));
    assert_false(has(&p.restore[FW_TOOL_IP6TABLES], "-m udp --"));
    assert_true(has(v4, "-A neutrino-fw-s20bef4fa-e5aa-4 -s 10.10.0.11/32 -m mac "
                    "--mac-source fa:16:3e:e1:76:ef "));
    assert_true(has(v4, "-A neutrino-fw-sg-chain -j ACCEPT\n"));
    assert_true(has(v4, "-I FORWARD 1 -j neutrino-fw-FORWARD\n"));
    assert_true(has(v4, "-A neutrino-fw-zones -i brq673540ec-ed -j CT --zone 4097\n"));
    /* IPv6: neighbour discovery in, router advertisements out dropped. */
    const struct buf *v6 = &p.restore[FW_TOOL_IP6TABLES];
    assert_true(has(v6, "-A " IN1 " -p ipv6-icmp -m icmp6 --icmpv6-type 135 "));
    assert_true(has(v6, "-A " OUT1 " -p ipv6-icmp -m icmp6 --icmpv6-type 134 "));
    assert_true(has(v6, "-A neutrino-fw-s20bef4fa-e5aa-4 -s fe80::f816:3eff:fee1:76ef/128 "));
    /* No IPv6 address: no router advertisement let in (see test_ipv6_port_hears_...). */
    assert_false(has(v6, "-A " IN1 " -p ipv6-icmp -m icmp6 --icmpv6-type 134 "));
    /* ebtables: the MAC and the ARP sender. */
    const struct buf *eb = &p.restore[FW_TOOL_EBTABLES];
    assert_true(has(eb, "-A neutrino-fw-mtap20bef4fa-e5 -i tap20bef4fa-e5 --among-src "
                    "fa:16:3e:e1:76:ef -j RETURN\n"));
    assert_true(has(eb, "-A neutrino-fw-atap20bef4fa-e5 -p ARP --arp-ip-src 10.10.0.11 "));
    /* The remote group's set, made before the rules. */
    assert_true(has(&p.ipset_pre, "create " SET4 " hash:net family inet "));
    assert_true(has(&p.ipset_pre, "add " SET4 " 10.10.0.12\n"));
    assert_int_equal(p.n_ct, 0);
    fw_plan_done(&p);
    fw_model_done(&m);
    fw_model_done(&none);
}

/* A port with an IPv6 address hears router advertisements whatever its groups say (the
 * rule Neutron's server adds for such ports). */
static void
test_ipv6_port_hears_router_advertisements(void **state)
{
    struct fw_model m, none;
    struct fw_plan p;
    char text[2048];

    (void) state;
    snprintf(text, sizeof text, "{\"ports\": [%s], \"security_groups\": {}}",
             port_json(PORT1, "tap20bef4fa-e5", NET_A, "fa:16:3e:e1:76:ef", "fd00::11", ""));
    model_from(text, &m);
    model_from("{}", &none);
    plan_between(&none, &m, &p);
    assert_true(has(&p.restore[FW_TOOL_IP6TABLES], "-A " IN1 " -p ipv6-icmp -m icmp6 "
                    "--icmpv6-type 134 -m comment --comment \"router advertisement to the port\""
                    " -j RETURN\n"));
    fw_plan_done(&p);
    fw_model_done(&m);
    fw_model_done(&none);
}

/* Each rule form as Neutron's driver writes it (and iptables-save prints it). */
static void
test_rule_forms(void **state)
{
    static const struct {
        const char *rule;
        const char *line;
    } cases[] = {
        { "\"protocol\": \"tcp\", \"port_range_min\": 22, \"port_range_max\": 22",
          "-p tcp -m tcp --dport 22 -j RETURN" },
        { "\"protocol\": \"udp\", \"port_range_min\": 53, \"port_range_max\": 53",
          "-p udp -m udp -m multiport --dports 53 -j RETURN" },
        { "\"protocol\": \"udp\", \"port_range_min\": 5000, \"port_range_max\": 5010",
          "-p udp -m udp -m multiport --dports 5000:5010 -j RETURN" },
        { "\"protocol\": \"icmp\", \"port_range_min\": 8, \"port_range_max\": 0",
          "-p icmp -m icmp --icmp-type 8/0 -j RETURN" },
        { "\"protocol\": \"icmp\", \"remote_ip_prefix\": \"198.51.100.7/24\"",
          "-s 198.51.100.0/24 -p icmp -j RETURN" },
        { "\"protocol\": \"6\", \"remote_ip_prefix\": \"0.0.0.0/0\"", "-p tcp -j RETURN" },
        { "\"protocol\": \"udplite\", \"port_range_min\": 5, \"port_range_max\": 5",
          "-p udplite -m multiport --dports 5 -j RETURN" },
        { "\"protocol\": 132, \"port_range_min\": 1, \"port_range_max\": 9",
          "-p sctp -m sctp -m multiport --dports 1:9 -j RETURN" },
        { "\"protocol\": \"any\"", "-j RETURN" },
    };

    (void) state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char groups[1024], text[4096], line[512];
        struct fw_model m;
        struct fw_state want, none;
        snprintf(groups, sizeof groups, "\"security_groups\": {\"" WEB "\": {\"rules\": "
                 "[{\"direction\": \"ingress\", \"ethertype\": \"IPv4\", %s}]}}", cases[i].rule);
        snprintf(text, sizeof text, "{\"ports\": [%s], %s}", P1, groups);
        model_from(text, &m);
        fw_state_init(&none);
        fw_state_desired(&m, &none, &want);
        const struct fw_chain *c = fw_state_chain(&want, FW_V4_FILTER, IN1);
        assert_non_null(c);
        bool found = false;
        for (size_t k = 0; k < c->n_lines; k++) {
            found |= !strcmp(c->lines[k], cases[i].line);
        }
        snprintf(line, sizeof line, "%s", cases[i].line);
        if (!found) {
            fail_msg("case %zu: no line \"%s\"", i, line);
        }
        fw_state_done(&want);
        fw_model_done(&m);
    }
}

static void
test_same_model_plans_nothing(void **state)
{
    struct fw_model m;
    struct fw_plan p;

    (void) state;
    two_ports(GROUPS(TCP80) MEMBERS("\"10.10.0.11\""), &m);
    plan_between(&m, &m, &p);
    assert_true(fw_plan_empty(&p));
    fw_plan_done(&p);
    fw_model_done(&m);
}

static void
test_member_change_is_only_a_set_change(void **state)
{
    struct fw_model before, after;
    struct fw_plan p;

    (void) state;
    two_ports(GROUPS(TCP80) MEMBERS("\"10.10.0.11\", \"10.10.0.12\", \"10.10.0.99\""), &before);
    two_ports(GROUPS(TCP80) MEMBERS("\"10.10.0.11\", \"10.10.0.12\", \"10.10.0.20\""), &after);
    plan_between(&before, &after, &p);
    for (int t = 0; t < FW_N_TOOLS; t++) {
        assert_int_equal(p.restore[t].len, 0);
    }
    /* The leaving member first: the set never holds more than either list. */
    assert_string_equal(p.ipset_pre.data, "del " SET4 " 10.10.0.99\n"
                        "add " SET4 " 10.10.0.20\n");
    /* The leaving member's connections to both ports (their ingress rules name it). */
    assert_int_equal(p.n_ct, 2);
    assert_string_equal(p.ct[0].src, "10.10.0.99");
    assert_int_equal(p.ct[0].zone, FW_ZONE_FIRST);
    assert_string_equal(p.ct[0].dst, "10.10.0.11");
    assert_string_equal(p.ct[1].dst, "10.10.0.12");
    fw_plan_done(&p);
    fw_model_done(&before);
    fw_model_done(&after);
}

static void
test_removed_rule_rewrites_its_ports_and_deletes_connections(void **state)
{
    struct fw_model before, after;
    struct fw_plan p;

    (void) state;
    two_ports(GROUPS(TCP80) MEMBERS("\"10.10.0.11\""), &before);
    two_ports(GROUPS("") MEMBERS("\"10.10.0.11\""), &after);
    plan_between(&before, &after, &p);
    const struct buf *v4 = &p.restore[FW_TOOL_IPTABLES];
    assert_true(has(v4, ":" IN1 " - [0:0]\n"));
    assert_false(has(v4, IN2));         /* Port 2 is not in the web group. */
    assert_false(has(v4, "--dport 80"));
    assert_int_equal(p.n_chains_written, 1);
    assert_int_equal(p.n_lines_changed, 0);
    assert_int_equal(p.n_ct, 1);
    assert_string_equal(p.ct[0].proto, "tcp");
    assert_string_equal(p.ct[0].dst, "10.10.0.11");
    assert_string_equal(p.ct[0].src, "");
    assert_int_equal(p.ct[0].family, 4);
    fw_plan_done(&p);
    fw_model_done(&before);
    fw_model_done(&after);
}

/* The fixed lines carry no comment (but for the ICMPv6 ones a rule could write too), yet
 * a fixed line that goes ends no connections: only a rule's line does. */
static void
test_fixed_lines_going_end_no_connections(void **state)
{
    struct fw_model before, after;
    struct fw_plan p;
    char text[4096];

    (void) state;
    two_ports(GROUPS(TCP80) MEMBERS("\"10.10.0.11\""), &before);
    snprintf(text, sizeof text, "{\"ports\": [%s, %s], " GROUPS(TCP80)
             MEMBERS("\"10.10.0.11\"") "}",
             port_json(PORT1, "tap20bef4fa-e5", NET_A, "fa:16:3e:e1:76:ef", "10.10.0.21",
                       "\"" DEFAULT "\", \"" WEB "\""), P2);
    model_from(text, &after);
    plan_between(&before, &after, &p);
    const struct buf *v4 = &p.restore[FW_TOOL_IPTABLES];
    assert_true(has(v4, "-A " IN1 " -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n"));
    assert_true(has(v4, "-A " IN1 " -d 10.10.0.21/32 -p udp -m multiport --sports 67 "
                    "-m multiport --dports 68 -j RETURN\n"));
    assert_true(has(v4, "-A " IN1 " -m conntrack --ctstate INVALID -j DROP\n"));
    assert_true(has(v4, "-A " IN1 " -j neutrino-fw-fallback\n"));
    assert_false(has(v4, "-A " IN1 " -m comment"));
    assert_int_equal(p.n_ct, 0);
    fw_plan_done(&p);
    fw_model_done(&before);
    fw_model_done(&after);
}

/* An older agent wrote a UDP port as "-m udp --dport": the line comes back in today's
 * form, and that is no rule removed (its connections stay); a rule really gone still
 * takes its connections. */
static void
test_rules_in_an_older_form_keep_their_connections(void **state)
{
    struct fw_model m;
    struct fw_state have;
    struct fw_plan p;

    (void) state;
    two_ports(GROUPS("{\"direction\": \"ingress\", \"ethertype\": \"IPv4\", "
                     "\"protocol\": \"udp\", \"port_range_min\": 53, "
                     "\"port_range_max\": 53}") MEMBERS("\"10.10.0.11\""), &m);
    fw_state_init(&have);
    assert_int_equal(fw_state_parse_iptables(&have, 4,
        "*filter\n"
        ":" IN1 " - [0:0]\n"
        "-A " IN1 " -p udp -m udp --dport 53 -j RETURN\n"
        "-A " IN1 " -p tcp -m tcp --dport 80 -j RETURN\n"
        "COMMIT\n"), 0);
    fw_plan_init(&p);
    fw_plan_make(&m, &have, &p);
    assert_true(has(&p.restore[FW_TOOL_IPTABLES],
                    "-A " IN1 " -p udp -m udp -m multiport --dports 53 -j RETURN\n"));
    assert_int_equal(p.n_ct, 1);
    assert_string_equal(p.ct[0].proto, "tcp");
    assert_string_equal(p.ct[0].dst, "10.10.0.11");
    fw_plan_done(&p);
    fw_state_done(&have);
    fw_model_done(&m);
}

/* A state holds each distinct line once: the ports' chains share their fixed lines. */
static void
test_a_state_stores_each_line_once(void **state)
{
    struct fw_model m;
    struct fw_state want, none;

    (void) state;
    two_ports(GROUPS(TCP80) MEMBERS("\"10.10.0.11\""), &m);
    fw_state_init(&none);
    fw_state_desired(&m, &none, &want);
    const struct fw_chain *in1 = fw_state_chain(&want, FW_V4_FILTER, IN1);
    const struct fw_chain *in2 = fw_state_chain(&want, FW_V4_FILTER, IN2);
    assert_string_equal(in1->lines[0], "-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN");
    assert_ptr_equal(in1->lines[0], in2->lines[0]);
    assert_ptr_equal(in1->lines[in1->n_lines - 1], in2->lines[in2->n_lines - 1]);
    size_t n_lines = 0;
    for (int t = 0; t < FW_N_TABLES; t++) {
        for (size_t i = 0; i < want.tables[t].n_chains; i++) {
            n_lines += want.tables[t].chains[i].n_lines;
        }
    }
    assert_true(string_pool_count(want.strings) < n_lines);
    fw_state_done(&want);
    fw_model_done(&m);
}

static void
test_new_port_leaves_other_ports_alone(void **state)
{
    struct fw_model before, after;
    struct fw_plan p;
    char text[4096];

    (void) state;
    snprintf(text, sizeof text, "{\"ports\": [%s], " GROUPS(TCP80) "}", P1);
    model_from(text, &before);
    two_ports(GROUPS(TCP80), &after);
    plan_between(&before, &after, &p);
    const struct buf *v4 = &p.restore[FW_TOOL_IPTABLES];
    assert_false(has(v4, IN1));
    assert_true(has(v4, ":" IN2 " - [0:0]\n"));
    assert_true(has(v4, "-I neutrino-fw-sg-chain 1 -m physdev --physdev-out tape8d32241-b7 "));
    assert_true(has(v4, "-I neutrino-fw-FORWARD 1 -m physdev --physdev-in tape8d32241-b7 "));
    assert_false(has(v4, "-D "));
    assert_false(has(v4, "-I FORWARD"));
    fw_plan_done(&p);
    fw_model_done(&before);
    fw_model_done(&after);
}

static void
test_removed_port_goes_whole_and_unused_sets_after_the_rules(void **state)
{
    struct fw_model before, after;
    struct fw_plan p;
    char text[4096];

    (void) state;
    two_ports(GROUPS(TCP80) MEMBERS("\"10.10.0.11\""), &before);
    /* Port 2 goes; port 1 moves to web only, so the default group's set is unused. */
    snprintf(text, sizeof text, "{\"ports\": [%s], " GROUPS(TCP80) "}",
             port_json(PORT1, "tap20bef4fa-e5", NET_A, "fa:16:3e:e1:76:ef", "10.10.0.11",
                       "\"" WEB "\""));
    model_from(text, &after);
    plan_between(&before, &after, &p);
    const struct buf *v4 = &p.restore[FW_TOOL_IPTABLES];
    assert_true(has(v4, "-D neutrino-fw-sg-chain -m physdev --physdev-out tape8d32241-b7 "));
    assert_true(has(v4, "-F " IN2 "\n"));
    assert_true(has(v4, "-X " IN2 "\n"));
    /* Chains go only after the jumps to them. */
    assert_true(strstr(v4->data, "-X " IN2) > strstr(v4->data, "-D neutrino-fw-sg-chain"));
    assert_string_equal(p.ipset_post.data, "destroy " SET4 "\n");
    assert_int_equal(p.ipset_pre.len, 0);
    assert_true(has(&p.restore[FW_TOOL_EBTABLES], "-X neutrino-fw-mtape8d32241-b7\n"));
    fw_plan_done(&p);
    fw_model_done(&before);
    fw_model_done(&after);
}

static void
test_last_port_takes_everything(void **state)
{
    struct fw_model before, after;
    struct fw_plan p;

    (void) state;
    two_ports(GROUPS(TCP80) MEMBERS("\"10.10.0.11\""), &before);
    model_from("{\"ports\": []}", &after);
    plan_between(&before, &after, &p);
    const struct buf *v4 = &p.restore[FW_TOOL_IPTABLES];
    assert_true(has(v4, "-D FORWARD -j neutrino-fw-FORWARD\n"));
    assert_true(has(v4, "-D INPUT -j neutrino-fw-INPUT\n"));
    assert_true(has(v4, "-D PREROUTING -j neutrino-fw-PREROUTING\n"));
    assert_true(has(v4, "-X neutrino-fw-fallback\n"));
    assert_true(has(&p.restore[FW_TOOL_IP6TABLES], "-X neutrino-fw-sg-chain\n"));
    assert_true(has(&p.restore[FW_TOOL_EBTABLES], "-D PREROUTING -j neutrino-fw-PREROUTING\n"));
    assert_true(has(&p.ipset_post, "destroy " SET4 "\n"));
    assert_false(has(v4, ":"));         /* Nothing declared. */
    fw_plan_done(&p);
    fw_model_done(&before);
    fw_model_done(&after);
}

/* What iptables-save shows with someone else's rules beside ours. */
static const char *const saved_v4 =
    "# Generated by iptables-save v1.8.9 (nf_tables)\n"
    "*nat\n"
    ":PREROUTING ACCEPT [0:0]\n"
    "-A PREROUTING -j neutrino-fw-PREROUTING\n"
    "COMMIT\n"
    "*raw\n"
    ":PREROUTING ACCEPT [0:0]\n"
    ":neutrino-fw-zones - [0:0]\n"
    "-A PREROUTING -j neutrino-fw-PREROUTING\n"
    "-A PREROUTING -s 192.0.2.1/32 -j ACCEPT\n"
    "-A neutrino-fw-zones -i brq673540ec-ed -j CT --zone 4100\n"
    "-A neutrino-fw-zones -m physdev --physdev-in tap20bef4fa-e5 -j CT --zone 4100\n"
    "COMMIT\n"
    "*filter\n"
    ":INPUT ACCEPT [0:0]\n"
    ":FORWARD DROP [0:0]\n"
    ":DOCKER - [0:0]\n"
    ":neutron-linuxbri-sg-chain - [0:0]\n"
    ":neutrino-fw-old - [0:0]\n"
    "-A FORWARD -j neutrino-fw-FORWARD\n"
    "-A FORWARD -j DOCKER\n"
    "-A FORWARD -m comment --comment \"-j neutrino-fw-x\" -j ACCEPT\n"
    "-A DOCKER -j neutrino-fw-FORWARD\n"
    "-A neutron-linuxbri-sg-chain -j ACCEPT\n"
    "-A neutrino-fw-old -j DROP\n"
    "COMMIT\n";

static void
test_reading_saved_rules_keeps_only_ours(void **state)
{
    struct fw_state have;

    (void) state;
    fw_state_init(&have);
    assert_int_equal(fw_state_parse_iptables(&have, 4, saved_v4), 0);
    const struct fw_chain *fwd = fw_state_chain(&have, FW_V4_FILTER, "FORWARD");
    assert_non_null(fwd);
    assert_int_equal(fwd->n_lines, 1);
    assert_string_equal(fwd->lines[0], "-j neutrino-fw-FORWARD");
    assert_null(fw_state_chain(&have, FW_V4_FILTER, "DOCKER"));
    assert_null(fw_state_chain(&have, FW_V4_FILTER, "neutron-linuxbri-sg-chain"));
    assert_non_null(fw_state_chain(&have, FW_V4_FILTER, "neutrino-fw-old"));
    const struct fw_chain *pre = fw_state_chain(&have, FW_V4_RAW, "PREROUTING");
    assert_int_equal(pre->n_lines, 1);
    assert_int_equal(have.tables[FW_V4_FILTER].n_chains, 2);
    fw_state_done(&have);
}

/* A restart: the zone the kernel has for a network is kept, a stale chain of ours is
 * removed, and nothing of anyone else's appears in the plan. */
static void
test_restart_keeps_zones_and_touches_nothing_foreign(void **state)
{
    struct fw_model m;
    struct fw_state have;
    struct fw_plan p;
    char text[4096];

    (void) state;
    snprintf(text, sizeof text, "{\"ports\": [%s, %s], " GROUPS(TCP80) "}", P1,
             port_json(PORT2, "tape8d32241-b7", NET_B, "fa:16:3e:9c:c8:fe", "10.10.0.12",
                       "\"" DEFAULT "\""));
    model_from(text, &m);
    fw_state_init(&have);
    assert_int_equal(fw_state_parse_iptables(&have, 4, saved_v4), 0);
    fw_plan_init(&p);
    fw_plan_make(&m, &have, &p);
    const struct buf *v4 = &p.restore[FW_TOOL_IPTABLES];
    /* One zone line per network, none per tap (the bridge's line catches its taps):
     * an older agent's line per tap goes. */
    assert_false(has(v4, "-I neutrino-fw-zones 1 -m physdev"));
    assert_true(has(v4, "-D neutrino-fw-zones -m physdev --physdev-in tap20bef4fa-e5 "
                    "-j CT --zone 4100\n"));
    assert_true(has(v4, "-I neutrino-fw-zones 1 -i brqb00000ec-ed -j CT --zone 4097\n"));
    assert_false(has(v4, "-i brq673540ec-ed -j CT --zone 4100"));   /* Already there. */
    assert_true(has(v4, "-X neutrino-fw-old\n"));
    assert_false(has(v4, "DOCKER"));
    assert_false(has(v4, "neutron-linuxbri"));
    assert_false(has(v4, "192.0.2.1"));
    assert_false(has(v4, "-I FORWARD"));
    assert_true(has(v4, "-I INPUT 1 -j neutrino-fw-INPUT\n"));
    fw_plan_done(&p);
    fw_state_done(&have);
    fw_model_done(&m);
}

static void
test_reading_sets(void **state)
{
    struct fw_state have;

    (void) state;
    fw_state_init(&have);
    assert_int_equal(fw_state_parse_ipset(&have,
        "create other hash:ip family inet hashsize 1024 maxelem 65536\n"
        "add other 10.0.0.1\n"
        "create " SET4 " hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12\n"
        "add " SET4 " 10.10.0.12\n"
        "add " SET4 " 10.20.0.0/24\n"), 0);
    assert_int_equal(have.n_sets, 1);
    const struct fw_set *s = fw_state_set(&have, SET4);
    assert_non_null(s);
    assert_int_equal(s->family, 4);
    assert_int_equal(s->n_members, 2);
    assert_string_equal(s->members[1], "10.20.0.0/24");
    fw_state_done(&have);
}

#define SWAP4 "neutrino-fw4n9de54099-f667-453a"
#define BIG_GROUP 70000         /* More members than ipset's default set size, 65,536. */

/* Two ports whose default group has 'n' member addresses: the ports' own and then
 * 10.128.0.0 onwards. */
static void
two_ports_with_members(size_t n, struct fw_model *m)
{
    struct buf text = BUF_INITIALIZER;

    buf_printf(&text, "{\"ports\": [%s, %s], " GROUPS(TCP80) ", \"sg_member_ips\": {\""
               DEFAULT "\": {\"IPv4\": [\"10.10.0.11\", \"10.10.0.12\"", P1, P2);
    for (size_t i = 2; i < n; i++) {
        buf_printf(&text, ", \"10.%zu.%zu.%zu\"", 128 + (i >> 16), (i >> 8) & 255, i & 255);
    }
    buf_add_str(&text, "]}}}");
    model_from(buf_cstr(&text), m);
    buf_done(&text);
}

/* The lines of 'b' that start with 'prefix'.  (Line by line with memchr: ASan's strstr
 * measures the whole rest of the text on every call.) */
static size_t
count(const struct buf *b, const char *prefix)
{
    size_t n = 0, len = strlen(prefix);
    const char *s = b->data, *end = b->data ? b->data + b->len : NULL;

    while (s && s < end) {
        const char *nl = memchr(s, '\n', (size_t) (end - s));
        n += (size_t) (end - s) >= len && !memcmp(s, prefix, len);
        s = nl ? nl + 1 : end;
    }
    return n;
}

static void
test_a_group_larger_than_ipsets_default_gets_a_larger_set(void **state)
{
    struct fw_model m;
    struct fw_state none;
    struct fw_plan p;

    (void) state;
    two_ports_with_members(BIG_GROUP, &m);
    fw_state_init(&none);
    fw_plan_init(&p);
    fw_plan_make(&m, &none, &p);
    assert_true(has(&p.ipset_pre, "create " SET4 " hash:net family inet hashsize 1024 "
                    "maxelem 131072\n"));
    assert_int_equal(count(&p.ipset_pre, "add " SET4 " "), BIG_GROUP);
    assert_false(has(&p.ipset_pre, "swap"));
    fw_plan_done(&p);
    fw_state_done(&none);
    fw_model_done(&m);
}

/* A set of ipset's default size (as an older agent made it) whose group outgrows it: a
 * larger set is filled and swapped in, the old one destroyed; then nothing to do. */
static void
test_an_outgrown_set_is_swapped_for_a_larger_one(void **state)
{
    struct fw_model small, big;
    struct fw_state have, want;
    struct fw_plan p;

    (void) state;
    two_ports(GROUPS(TCP80) MEMBERS("\"10.10.0.11\", \"10.10.0.12\", \"10.10.0.99\""), &small);
    two_ports_with_members(BIG_GROUP, &big);
    applied(&small, &have);
    assert_int_equal(fw_state_set(&have, SET4)->maxelem, 65536);
    fw_plan_init(&p);
    fw_plan_make(&big, &have, &p);
    const char *pre = buf_cstr(&p.ipset_pre);
    assert_true(!strncmp(pre, "destroy " SWAP4 "\ncreate " SWAP4 " hash:net family inet "
                         "hashsize 1024 maxelem 131072\n", strlen("destroy " SWAP4 "\ncreate "
                         SWAP4 " hash:net family inet hashsize 1024 maxelem 131072\n")));
    assert_int_equal(count(&p.ipset_pre, "add " SWAP4 " "), BIG_GROUP);
    assert_int_equal(count(&p.ipset_pre, "add " SET4 " "), 0);
    assert_int_equal(count(&p.ipset_pre, "del "), 0);
    assert_true(has(&p.ipset_pre, "add " SWAP4 " 10.10.0.11\n"));
    const char *tail = "swap " SWAP4 " " SET4 "\ndestroy " SWAP4 "\n";
    assert_string_equal(pre + strlen(pre) - strlen(tail), tail);
    /* The member that went still takes its connections. */
    assert_int_equal(p.n_ct, 2);
    assert_string_equal(p.ct[0].src, "10.10.0.99");
    fw_plan_done(&p);

    /* Applied: the set keeps its new size, nothing more to do. */
    fw_state_desired(&big, &have, &want);
    assert_int_equal(fw_state_set(&want, SET4)->maxelem, 131072);
    fw_plan_init(&p);
    fw_plan_diff(&big, &want, &want, &p);
    assert_true(fw_plan_empty(&p));
    fw_plan_done(&p);

    /* Back to three members: the larger set stays (no swap to shrink it). */
    fw_plan_init(&p);
    fw_plan_make(&small, &want, &p);
    assert_false(has(&p.ipset_pre, "swap"));
    assert_false(has(&p.ipset_pre, "create"));
    assert_int_equal(count(&p.ipset_pre, "del " SET4 " "), BIG_GROUP - 2);
    assert_true(has(&p.ipset_pre, "add " SET4 " 10.10.0.99\n"));
    fw_plan_done(&p);
    fw_state_done(&want);
    fw_state_done(&have);
    fw_model_done(&small);
    fw_model_done(&big);
}

/* A member's pair of "any address" matches every source: its two halves, as ipset
 * prints them (hash:net takes no /0). */
static void
test_a_member_allowing_any_address_is_two_halves(void **state)
{
    struct fw_model m;
    struct fw_state none, want;
    char text[4096];

    (void) state;
    snprintf(text, sizeof text, "{\"ports\": [%s], \"security_groups\": {\"" DEFAULT "\": "
             "{\"rules\": [{\"direction\": \"ingress\", \"ethertype\": \"IPv4\", "
             "\"remote_group_id\": \"" DEFAULT "\"}, {\"direction\": \"ingress\", "
             "\"ethertype\": \"IPv6\", \"remote_group_id\": \"" DEFAULT "\"}]}}, "
             "\"sg_member_ips\": {\"" DEFAULT "\": {\"IPv4\": [\"10.10.0.12\", "
             "\"0.0.0.0/0\"], \"IPv6\": [\"::/0\"]}}}", P2);
    model_from(text, &m);
    fw_state_init(&none);
    fw_state_desired(&m, &none, &want);
    const struct fw_set *s4 = fw_state_set(&want, SET4);
    const struct fw_set *s6 = fw_state_set(&want, "neutrino-fw6-9de54099-f667-453a");
    assert_non_null(s4);
    assert_non_null(s6);
    assert_int_equal(s4->n_members, 3);
    assert_string_equal(s4->members[0], "0.0.0.0/1");
    assert_string_equal(s4->members[1], "10.10.0.12");
    assert_string_equal(s4->members[2], "128.0.0.0/1");
    assert_int_equal(s6->n_members, 2);
    assert_string_equal(s6->members[0], "8000::/1");
    assert_string_equal(s6->members[1], "::/1");
    fw_state_done(&want);
    fw_state_done(&none);
    fw_model_done(&m);
}

/* A rule naming an address group matches the group's CIDRs: a set of its own (named
 * after the address group's id) holding what the server sent under that id, and the
 * rule's match refers to it. */
static void
test_an_address_group_is_a_set_of_its_cidrs(void **state)
{
    struct fw_model m;
    struct fw_state none, want;
    char text[4096];

    (void) state;
    snprintf(text, sizeof text, "{\"ports\": [%s], \"security_groups\": {\"" DEFAULT "\": "
             "{\"rules\": [{\"direction\": \"ingress\", \"ethertype\": \"IPv4\", "
             "\"remote_group_id\": null, \"remote_address_group_id\": "
             "\"5ab0c0de-1111-4222-8333-944455556666\"}]}}, \"sg_member_ips\": "
             "{\"5ab0c0de-1111-4222-8333-944455556666\": {\"IPv4\": [\"10.20.0.0/16\", "
             "\"192.0.2.7/32\"], \"IPv6\": []}}}", P2);
    model_from(text, &m);
    fw_state_init(&none);
    fw_state_desired(&m, &none, &want);
    const struct fw_set *s4 = fw_state_set(&want, "neutrino-fw4-5ab0c0de-1111-4222");
    assert_non_null(s4);
    assert_int_equal(s4->n_members, 2);
    assert_string_equal(s4->members[0], "10.20.0.0/16");
    assert_string_equal(s4->members[1], "192.0.2.7");
    assert_null(fw_state_set(&want, SET4));
    fw_state_done(&want);
    fw_state_done(&none);
    fw_model_done(&m);
}

/* A set's size as `ipset save` prints it is what the planner compares. */
static void
test_reading_a_sets_size(void **state)
{
    struct fw_model m;
    struct fw_state have, want;
    struct fw_plan p;

    (void) state;
    two_ports(GROUPS(TCP80) MEMBERS("\"10.10.0.11\", \"10.10.0.12\""), &m);
    applied(&m, &have);
    fw_state_done(&have);
    fw_state_init(&have);
    assert_int_equal(fw_state_parse_ipset(&have,
        "create " SET4 " hash:net family inet hashsize 1024 maxelem 262144 bucketsize 12 "
        "initval 0x1\nadd " SET4 " 10.10.0.11\nadd " SET4 " 10.10.0.12\n"), 0);
    assert_int_equal(fw_state_set(&have, SET4)->maxelem, 262144);
    fw_state_desired(&m, &have, &want);
    assert_int_equal(fw_state_set(&want, SET4)->maxelem, 262144);
    fw_plan_init(&p);
    fw_plan_diff(&m, &want, &have, &p);
    assert_int_equal(p.ipset_pre.len, 0);
    fw_plan_done(&p);
    fw_state_done(&want);
    fw_state_done(&have);
    fw_model_done(&m);
}

static void
test_stateless_port_is_not_tracked(void **state)
{
    struct fw_model m;
    struct fw_state want, none;
    char text[4096];

    (void) state;
    snprintf(text, sizeof text, "{\"ports\": [%s], \"security_groups\": {\"" DEFAULT "\": "
             "{\"stateful\": false, \"rules\": [{\"direction\": \"ingress\", "
             "\"ethertype\": \"IPv4\", \"protocol\": \"icmp\"}]}}}", P2);
    model_from(text, &m);
    fw_state_init(&none);
    fw_state_desired(&m, &none, &want);
    const struct fw_chain *notrack = fw_state_chain(&want, FW_V4_RAW, "neutrino-fw-notrack");
    assert_int_equal(notrack->n_lines, 1);
    assert_string_equal(notrack->lines[0], "-m physdev --physdev-in tape8d32241-b7 -j CT "
                        "--notrack");
    assert_int_equal(fw_state_chain(&want, FW_V4_RAW, "neutrino-fw-zones")->n_lines, 0);
    const struct fw_chain *in = fw_state_chain(&want, FW_V4_FILTER, IN2);
    for (size_t i = 0; i < in->n_lines; i++) {
        assert_null(strstr(in->lines[i], "ctstate"));
    }
    fw_state_done(&want);
    fw_model_done(&m);
}

static void
test_port_without_port_security_is_accepted(void **state)
{
    struct fw_model m;
    struct fw_state want, none;
    char text[4096];
    const char *p = port_json(PORT2, "tape8d32241-b7", NET_A, "fa:16:3e:9c:c8:fe",
                              "10.10.0.12", "");

    (void) state;
    snprintf(text, sizeof text, "{\"ports\": [%.*s, \"port_security_enabled\": false}]}",
             (int) strlen(p) - 1, p);
    model_from(text, &m);
    fw_state_init(&none);
    fw_state_desired(&m, &none, &want);
    assert_null(fw_state_chain(&want, FW_V4_FILTER, IN2));
    assert_null(fw_state_chain(&want, FW_EB_NAT, "neutrino-fw-mtape8d32241-b7"));
    const struct fw_chain *fwd = fw_state_chain(&want, FW_V4_FILTER, "neutrino-fw-FORWARD");
    assert_int_equal(fwd->n_lines, 2);
    assert_non_null(strstr(fwd->lines[0], "-j ACCEPT"));
    fw_state_done(&want);
    fw_model_done(&m);
}

static void
test_address_pairs_may_send_and_arp(void **state)
{
    struct fw_model m;
    struct fw_state want, none;

    (void) state;
    model_from("{\"ports\": [{\"id\": \"" PORT2 "\", \"device\": \"tape8d32241-b7\", "
               "\"network_id\": \"" NET_A "\", \"mac_address\": \"fa:16:3e:9c:c8:fe\", "
               "\"fixed_ips\": [\"10.10.0.12\"], \"allowed_address_pairs\": ["
               "{\"ip_address\": \"10.10.0.100\"}, {\"ip_address\": \"10.20.0.7/24\", "
               "\"mac_address\": \"fa:16:3e:00:00:01\"}]}]}", &m);
    fw_state_init(&none);
    fw_state_desired(&m, &none, &want);
    const struct fw_chain *s = fw_state_chain(&want, FW_V4_FILTER,
                                              "neutrino-fw-se8d32241-b7aa-4");
    assert_int_equal(s->n_lines, 4);
    assert_non_null(strstr(s->lines[0], "-s 10.10.0.100/32 -m mac --mac-source "
                           "fa:16:3e:9c:c8:fe "));
    assert_non_null(strstr(s->lines[1], "-s 10.20.0.0/24 -m mac --mac-source "
                           "fa:16:3e:00:00:01 "));
    assert_non_null(strstr(s->lines[2], "-s 10.10.0.12/32 "));
    assert_non_null(strstr(s->lines[3], "-j DROP"));
    const struct fw_chain *mac = fw_state_chain(&want, FW_EB_NAT, "neutrino-fw-mtape8d32241-b7");
    assert_string_equal(mac->lines[0], "-i tape8d32241-b7 --among-src "
                        "fa:16:3e:0:0:1,fa:16:3e:9c:c8:fe -j RETURN");
    const struct fw_chain *arp = fw_state_chain(&want, FW_EB_NAT, "neutrino-fw-atape8d32241-b7");
    assert_int_equal(arp->n_lines, 4);
    assert_string_equal(arp->lines[2], "-p ARP --arp-ip-src 10.20.0.0/24 -j RETURN");
    fw_state_done(&want);
    fw_model_done(&m);
}

static void
test_bad_models_are_refused_with_a_reason(void **state)
{
    static const char *const bad[] = {
        "[]",
        "{\"ports\": [{\"id\": \"p\", \"network_id\": \"n\", \"mac_address\": \"x\", "
        "\"device\": \"tap1\"}]}",
        "{\"ports\": [{\"id\": \"p\", \"network_id\": \"n\", \"mac_address\": "
        "\"fa:16:3e:00:00:01\", \"device\": \"a-name-far-too-long-for-a-link\"}]}",
        "{\"security_groups\": {\"g\": {\"rules\": [{\"direction\": \"up\", "
        "\"ethertype\": \"IPv4\"}]}}}",
        "{\"security_groups\": {\"g\": {\"rules\": [{\"direction\": \"ingress\", "
        "\"ethertype\": \"IPv4\", \"remote_ip_prefix\": \"2001:db8::/64\"}]}}}",
        "{\"security_groups\": {\"g\": {\"rules\": [{\"direction\": \"ingress\", "
        "\"ethertype\": \"IPv4\", \"protocol\": \"bogus\"}]}}}",
        "{\"security_groups\": {\"g\": {\"rules\": [{\"direction\": \"ingress\", "
        "\"ethertype\": \"IPv4\", \"port_range_min\": 70000}]}}}",
        "{\"sg_member_ips\": {\"g\": {\"IPv4\": [\"2001:db8::1\"]}}}",
    };

    (void) state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = json_loads(bad[i], 0, NULL);
        struct fw_model m;
        char reason[256] = "";
        fw_model_init(&m);
        assert_int_equal(fw_model_from_json(j, &m, reason, sizeof reason), -1);
        assert_true(strlen(reason) > 10);
        fw_model_done(&m);
        json_decref(j);
    }
}

/* A conntrack entry as a dump gives it (only what the matching reads). */
static struct ctnetlink_entry
ct_entry(int zone, int proto, const char *src, const char *dst)
{
    struct ctnetlink_entry e = { .zone = (uint16_t) zone, .proto = (uint8_t) proto };

    assert_int_equal(ip_parse(src, &e.src), 0);
    assert_int_equal(ip_parse(dst, &e.dst), 0);
    e.family = e.src.family;
    return e;
}

/* Of the kernel's entries, only those a deletion names: its family, zone, protocol (if
 * named), source and destination (if named, as an address or a CIDR). */
static void
test_connections_to_delete_are_picked_from_the_table(void **state)
{
    static const struct {
        int zone, proto;
        const char *src, *dst;
        bool deleted;
    } cases[] = {
        { 4097, 6, "10.10.0.30", "10.10.0.11", true },      /* tcp to the port */
        { 4097, 17, "10.10.0.30", "10.10.0.11", false },    /* udp: another rule's */
        { 4098, 6, "10.10.0.30", "10.10.0.11", false },     /* another network's zone */
        { 0, 6, "10.10.0.30", "10.10.0.11", false },        /* no zone */
        { 4097, 6, "10.10.0.11", "10.10.0.30", false },     /* from the port */
        { 4097, 1, "10.20.0.7", "10.10.0.12", true },       /* any protocol, source in CIDR */
        { 4097, 1, "10.30.0.7", "10.10.0.12", false },      /* source outside it */
        { 4097, 58, "2001:db8::7", "2001:db8::12", true },  /* icmpv6 to the v6 port */
        { 4097, 1, "2001:db8::7", "2001:db8::12", false },  /* not icmpv6 */
        { 4098, 58, "2001:db8::7", "2001:db8::12", false },
    };
    struct fw_ct_delete d[] = {
        { .family = 4, .zone = 4097, .proto = "tcp", .dst = "10.10.0.11" },
        { .family = 4, .zone = 4097, .src = "10.20.0.0/24", .dst = "10.10.0.12" },
        { .family = 6, .zone = 4097, .proto = "icmpv6", .dst = "2001:db8::12" },
        { .family = 4, .zone = 4099, .proto = "nonsense", .dst = "10.10.0.11" },
        { .family = 4, .zone = 4099, .src = "2001:db8::/64" },
    };
    struct fw_plan p;
    struct fw_ct_match *m;

    (void) state;
    fw_plan_init(&p);
    p.ct = d;
    p.n_ct = ARRAY_SIZE(d);
    m = fw_ct_match_create(&p);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct ctnetlink_entry e = ct_entry(cases[i].zone, cases[i].proto, cases[i].src,
                                            cases[i].dst);
        if (fw_ct_match_entry(m, &e) != cases[i].deleted) {
            fail_msg("case %zu: %s -> %s zone %d proto %d", i, cases[i].src, cases[i].dst,
                     cases[i].zone, cases[i].proto);
        }
    }
    /* Filters that cannot name anything (an unknown protocol, an address of the other
     * family) name nothing rather than everything. */
    struct ctnetlink_entry e = ct_entry(4099, 6, "10.10.0.30", "10.10.0.11");
    assert_false(fw_ct_match_entry(m, &e));
    fw_ct_match_destroy(m);
    p.ct = NULL;
    p.n_ct = 0;
    fw_plan_done(&p);
}

/* A plan that deletes nothing matches nothing. */
static void
test_no_deletions_match_nothing(void **state)
{
    struct fw_plan p;
    struct fw_ct_match *m;
    struct ctnetlink_entry e = ct_entry(4097, 6, "10.10.0.30", "10.10.0.11");

    (void) state;
    fw_plan_init(&p);
    m = fw_ct_match_create(&p);
    assert_false(fw_ct_match_entry(m, &e));
    fw_ct_match_destroy(m);
    fw_plan_done(&p);
}

static void
test_protocol_names(void **state)
{
    (void) state;
    assert_int_equal(fw_protocol_parse("tcp", 4), 6);
    assert_int_equal(fw_protocol_parse("icmp", 6), 58);
    assert_int_equal(fw_protocol_parse("icmpv6", 6), 58);
    assert_int_equal(fw_protocol_parse("112", 4), 112);
    assert_int_equal(fw_protocol_parse("0", 4), -1);
    assert_int_equal(fw_protocol_parse(NULL, 4), -1);
    assert_int_equal(fw_protocol_parse("256", 4), -EINVAL);
    assert_int_equal(fw_protocol_parse("tcpx", 4), -EINVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_ports_no_rules),
        cmocka_unit_test(test_a_port_gets_neutrons_chains),
        cmocka_unit_test(test_ipv6_port_hears_router_advertisements),
        cmocka_unit_test(test_rule_forms),
        cmocka_unit_test(test_same_model_plans_nothing),
        cmocka_unit_test(test_member_change_is_only_a_set_change),
        cmocka_unit_test(test_removed_rule_rewrites_its_ports_and_deletes_connections),
        cmocka_unit_test(test_fixed_lines_going_end_no_connections),
        cmocka_unit_test(test_rules_in_an_older_form_keep_their_connections),
        cmocka_unit_test(test_a_state_stores_each_line_once),
        cmocka_unit_test(test_new_port_leaves_other_ports_alone),
        cmocka_unit_test(test_removed_port_goes_whole_and_unused_sets_after_the_rules),
        cmocka_unit_test(test_last_port_takes_everything),
        cmocka_unit_test(test_reading_saved_rules_keeps_only_ours),
        cmocka_unit_test(test_restart_keeps_zones_and_touches_nothing_foreign),
        cmocka_unit_test(test_reading_sets),
        cmocka_unit_test(test_a_group_larger_than_ipsets_default_gets_a_larger_set),
        cmocka_unit_test(test_an_outgrown_set_is_swapped_for_a_larger_one),
        cmocka_unit_test(test_reading_a_sets_size),
        cmocka_unit_test(test_a_member_allowing_any_address_is_two_halves),
        cmocka_unit_test(test_stateless_port_is_not_tracked),
        cmocka_unit_test(test_port_without_port_security_is_accepted),
        cmocka_unit_test(test_address_pairs_may_send_and_arp),
        cmocka_unit_test(test_bad_models_are_refused_with_a_reason),
        cmocka_unit_test(test_connections_to_delete_are_picked_from_the_table),
        cmocka_unit_test(test_no_deletions_match_nothing),
        cmocka_unit_test(test_protocol_names),
        cmocka_unit_test(test_an_address_group_is_a_set_of_its_cidrs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
