/* What dnsmasq is told about one network (docs/behaviour/agents.md §B.4–B.5): its command line
 * and the contents of its hosts, addn_hosts, opts and leases files, computed from the
 * network as the server describes it.  Pure functions: no I/O, so they are unit tested
 * and fuzzed; the agent writes the results atomically (dnsmasq.c).
 *
 * 'info' is the server's answer to POST AGENT_PATH_DHCP_NETWORK:
 *   {"network": {"id", "admin_state_up", "mtu", "project_id"},
 *    "subnets": [{"id", "cidr", "ip_version", "gateway_ip" (string or null), "enable_dhcp",
 *                 "dns_nameservers": [..], "host_routes": [{"destination", "nexthop"}],
 *                 "ipv6_address_mode", "ipv6_ra_mode" (string or null)}],
 *    "ports": [{"id", "mac_address", "fixed_ips": [{"subnet_id", "ip_address"}],
 *               "device_owner", "device_id", "admin_state_up",
 *               "extra_dhcp_opts": [{"opt_name", "opt_value", "ip_version"}]}],
 *    "dhcp_port": {"id", "mac_address", "fixed_ips": [..]} or null}
 * Anything malformed in it (a missing key, a wrong type, an address that does not parse)
 * is skipped, never trusted: the functions then still return well-formed output. */
#ifndef NEUTRINO_DHCP_DNSMASQ_CONF_H
#define NEUTRINO_DHCP_DNSMASQ_CONF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"

/* dhcp_agent.ini / neutron.conf options that shape dnsmasq's input. */
struct dnsmasq_settings {
    const char *conf_dir;           /* D: <dhcp_confs>/<network id>. */
    const char *dns_domain;         /* [DEFAULT] dns_domain; NULL or "" = none. */
    long lease_duration;            /* [DEFAULT] dhcp_lease_duration; -1 = infinite. */
    char *const *dns_servers;       /* dnsmasq_dns_servers. */
    size_t n_dns_servers;
    bool local_resolv;              /* dnsmasq_local_resolv. */
    long long lease_max;            /* dnsmasq_lease_max. */
    bool broadcast_reply;           /* dhcp_broadcast_reply. */
    const char *config_file;        /* dnsmasq_config_file; NULL or "" = /dev/null. */
    const char *log_dir;            /* dnsmasq_base_log_dir; NULL or "" = no logging. */
    long renewal_time;              /* dhcp_renewal_time; 0 = unset. */
    long rebinding_time;            /* dhcp_rebinding_time; 0 = unset. */
};

/* A NULL-terminated, owned argument vector. */
struct strv {
    char **v;
    size_t n;
};

void strv_add(struct strv *sv, const char *s);
void strv_addf(struct strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strv_done(struct strv *sv);

/* True if 'info' has a subnet dnsmasq should serve (enable_dhcp, and not IPv6 SLAAC). */
bool dnsmasq_serves(const json_t *info);

/* Appends one line of the opts file for a DHCP option tagged 'tag', as Neutron's
 * Dnsmasq driver formats it: "tag:<tag>,option:<name>,<value>" for IPv4 ("<number>"
 * instead when the name is all digits), "option6:<name>" for IPv6; a name
 * "tag:<extra>,<name>" adds its tag; only the first line of the name and value. */
void dnsmasq_format_option(int ip_version, const char *tag, const char *name,
                           const char *value, struct buf *out);

/* dnsmasq's argv (argv[0] = "dnsmasq"), as Neutron Zed builds it. */
void dnsmasq_argv(const json_t *info, const struct dnsmasq_settings *s, struct strv *ret);

/* The hosts file ("<mac>,host-<ip>.<domain>,<ip>" per address) and the addn_hosts file
 * ("<ip>\t<fqdn> <name>") for every port except the service owners. */
void dnsmasq_hosts(const json_t *info, const struct dnsmasq_settings *s, struct buf *host,
                   struct buf *addn_hosts);

/* The opts file: router, dns-server, classless routes per DHCP subnet. */
void dnsmasq_opts(const json_t *info, const struct dnsmasq_settings *s, struct buf *ret);

/* The leases file written before dnsmasq (re)starts: "<expiry> <mac> <ip> * *" per IPv4
 * host address; expiry = now + lease duration, 0 when infinite. */
void dnsmasq_leases(const json_t *info, const struct dnsmasq_settings *s, time_t now,
                    struct buf *ret);

#endif
