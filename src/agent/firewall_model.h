/* What the linux-bridge agent's firewall is asked to enforce on its node: the ports
 * with taps here (addresses, MAC, allowed address pairs, port security, groups), the
 * security groups they use (stateful or not, and their rules), and the member
 * addresses of every group a rule names as its remote group.  firewall_plan.h turns
 * this into the kernel's rules; firewall.h applies them.
 *
 * The model can be read from JSON shaped like Neutron's security group answer to its
 * agents (fw_model_from_json()), so the server's feed can hand it over as it is:
 *   {"ports": [{"id", "device", "network_id", "mac_address", "fixed_ips": ["10.0.0.5"],
 *               "allowed_address_pairs": [{"ip_address", "mac_address"}],
 *               "port_security_enabled": true, "security_groups": ["<group id>"]}],
 *    "security_groups": {"<group id>": {"stateful": true, "rules": [{"direction",
 *               "ethertype", "protocol", "port_range_min", "port_range_max",
 *               "remote_ip_prefix", "remote_group_id"}]}},
 *    "sg_member_ips": {"<group id>": {"IPv4": ["10.0.0.5", ...], "IPv6": [...]}}}
 * A member may also be given as [ip, mac], as Neutron's agents receive them. */
#ifndef NEUTRINO_AGENT_FIREWALL_MODEL_H
#define NEUTRINO_AGENT_FIREWALL_MODEL_H

#include <jansson.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "ip.h"
#include "mac.h"

#define FW_ID_SIZE 40           /* A UUID and its NUL, with room to spare. */

enum fw_direction {
    FW_INGRESS,                 /* Towards the instance. */
    FW_EGRESS,                  /* From the instance. */
};

/* One security group rule. */
struct fw_rule {
    enum fw_direction direction;
    int ethertype;              /* 4 or 6. */
    int protocol;               /* IP protocol number; -1 for any. */
    int port_min, port_max;     /* -1 when unset.  ICMP: type and code. */
    bool has_prefix;            /* remote_ip_prefix given. */
    struct cidr prefix;         /* remote_ip_prefix, normalised. */
    char remote_group[FW_ID_SIZE];  /* remote_group_id, "" for none. */
};

struct fw_group {
    char id[FW_ID_SIZE];
    bool stateful;              /* false: no connection tracking for its ports. */
    struct fw_rule *rules;
    size_t n_rules, cap_rules;
};

struct fw_address_pair {
    struct cidr ip;             /* An address or a prefix. */
    struct mac mac;
};

struct fw_port {
    char id[FW_ID_SIZE];
    char device[IFNAMSIZ];      /* The tap on this node's bridge. */
    char network_id[FW_ID_SIZE];
    struct mac mac;
    struct ip_addr *fixed_ips;
    size_t n_fixed_ips, cap_fixed_ips;
    struct fw_address_pair *pairs;
    size_t n_pairs, cap_pairs;
    bool port_security;         /* false: everything passes. */
    char (*groups)[FW_ID_SIZE];
    size_t n_groups, cap_groups;
};

/* The addresses of the ports of a group, both families together. */
struct fw_members {
    char group_id[FW_ID_SIZE];
    struct cidr *addrs;
    size_t n_addrs, cap_addrs;
};

struct fw_model {
    struct fw_port *ports;
    size_t n_ports, cap_ports;
    struct fw_group *groups;
    size_t n_groups, cap_groups;
    struct fw_members *members;
    size_t n_members, cap_members;
};

void fw_model_init(struct fw_model *m);
void fw_model_done(struct fw_model *m);

/* Appends an empty element and returns it (owned by the model or the port). */
struct fw_port *fw_model_add_port(struct fw_model *m);
struct fw_group *fw_model_add_group(struct fw_model *m);
struct fw_members *fw_model_add_members(struct fw_model *m);
void fw_port_add_group(struct fw_port *p, const char *group_id);
void fw_port_add_fixed_ip(struct fw_port *p, const struct ip_addr *ip);
void fw_port_add_pair(struct fw_port *p, const struct cidr *ip, const struct mac *mac);
void fw_group_add_rule(struct fw_group *g, const struct fw_rule *r);
void fw_members_add(struct fw_members *ms, const struct cidr *addr);

const struct fw_group *fw_model_group(const struct fw_model *m, const char *id);
const struct fw_members *fw_model_members(const struct fw_model *m, const char *group_id);

/* A rule with nothing set: any protocol, no ports, no remote. */
void fw_rule_init(struct fw_rule *r, enum fw_direction direction, int ethertype);

/* Neutron's protocol names ("tcp", "icmp", "ipv6-icmp", ...) or a number 0-255, for
 * 'ethertype' (IPv6's "icmp" is ICMPv6).  NULL, "", "any" and "0" are any (-1).
 * Returns the number, -1 for any, or -EINVAL. */
int fw_protocol_parse(const char *s, int ethertype);

/* Reads the JSON above into 'm' (initialised by the caller).  Returns 0, or -1 with
 * the reason in 'reason' ('m' then holds what was read so far; fw_model_done() it). */
int fw_model_from_json(const json_t *j, struct fw_model *m, char *reason, size_t reason_size);

#endif
