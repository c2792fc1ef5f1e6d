/* The server's resources as C structs: what the store reads and writes, what the API
 * renders and what ML2 and IPAM reason about.  Strings are owned by the struct unless
 * a function says it lends a borrowed view (the store's foreach callbacks do); the
 * matching _done() functions free owned strings. */
#ifndef NEUTRINO_MODEL_H
#define NEUTRINO_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ID_LEN 37           /* UUID string plus NUL. */
#define TIMESTAMP_LEN 21    /* "YYYY-MM-DDTHH:MM:SSZ" plus NUL. */
#define SEGMENTATION_ID_NONE (-1)

/* One ML2 segment of a network. */
struct segment {
    char network_type[16];          /* "local", "flat", "vlan", "vxlan", "gre". */
    char physical_network[65];      /* "" when the type has none. */
    int64_t segmentation_id;        /* VLAN id / VNI / tunnel id, or SEGMENTATION_ID_NONE. */
};

/* Attributes every resource carries (Neutron's "standard attributes"). */
struct std_attrs {
    char id[ID_LEN];
    char *project_id;
    char *name;
    char *description;
    char created_at[TIMESTAMP_LEN];
    char updated_at[TIMESTAMP_LEN];
    int64_t revision_number;
    char *tags_json;            /* JSON array of tags; filled by reads only. */
};

struct network {
    struct std_attrs std;
    bool admin_state_up;
    char status[16];
    bool shared;
    bool external;              /* router:external */
    int mtu;
    struct segment segment;     /* Its first segment (every network has one). */
    struct segment *more_segments;  /* Those after it (multi-provider), in order; NULL
                                     * when none.  Owned, even in a borrowed view. */
    size_t n_more_segments;
    char *az_hints_json;        /* JSON array of availability zone names. */
    char *subnets_json;         /* JSON array of subnet ids; filled by reads only. */
    char *azs_json;             /* JSON array: zones of the DHCP agents hosting it;
                                 * filled by reads only. */
    char ipv4_address_scope[ID_LEN];  /* The address scope of its subnets' IPv4 pool, ""
                                       * when none; filled by reads only. */
    char ipv6_address_scope[ID_LEN];
    bool port_security_enabled; /* What its new ports inherit. */
    bool is_default;            /* The default external network (auto-allocated-topology);
                                 * stored only while external.  After a write that named
                                 * it, what was asked. */
    bool is_default_asked;      /* Set by writes that named is_default (a create always
                                 * does): the answer shows it even on an internal
                                 * network, as Zed's does. */
};

/* A project's auto-allocated topology (auto-allocated-topology): its network and the
 * router joining it to the default external network ("" once that router is gone). */
struct auto_allocated_topology {
    char network_id[ID_LEN];
    char router_id[ID_LEN];
};

struct subnet {
    struct std_attrs std;
    char network_id[ID_LEN];
    int ip_version;
    char *cidr;
    char *gateway_ip;           /* NULL: no gateway. */
    bool enable_dhcp;
    char *ipv6_ra_mode;         /* NULL or "slaac", "dhcpv6-stateful", "dhcpv6-stateless". */
    char *ipv6_address_mode;
    char *allocation_pools_json;  /* [{"start": .., "end": ..}, ...] in given order. */
    char *dns_nameservers_json;   /* ["8.8.8.8", ...] in given order. */
    char *host_routes_json;       /* [{"destination": .., "nexthop": ..}, ...]. */
    char *service_types_json;     /* ["network:floatingip", ...] in byte order; [] for
                                   * none (ipam.md §5.7). */
    bool network_shared;        /* The network's "shared"; filled by reads only. */
    char subnetpool_id[ID_LEN]; /* The pool its CIDR came from; "" when none. */
};

/* A subnet pool: prefixes subnets are cut from (docs/behaviour/ipam.md §10). */
#define SUBNETPOOL_QUOTA_NONE (-1)
struct subnetpool {
    struct std_attrs std;
    int ip_version;
    int64_t default_prefixlen;  /* Within [min_prefixlen, max_prefixlen] once stored. */
    int64_t min_prefixlen;
    int64_t max_prefixlen;      /* At most 32 or 128 once stored. */
    int64_t default_quota;      /* SUBNETPOOL_QUOTA_NONE when not set. */
    bool shared;
    bool is_default;
    char address_scope_id[ID_LEN];  /* "" when none. */
    char *prefixes_json;        /* ["10.0.0.0/16", ...]: merged, in address order. */
    /* Not stored: shown as Zed answers an update, which names address_scope_id and
     * default_quota only when set or given. */
    bool update_answer, update_gave_scope, update_gave_quota;
};

/* An address scope: pools whose prefixes must not overlap (std.description, the
 * timestamps and the revision are kept but not shown, as in Zed). */
struct address_scope {
    struct std_attrs std;
    int ip_version;
    bool shared;
};

/* An address group: a named set of CIDRs a security group rule may name as its remote
 * end (std.tags, the timestamps and the revision are kept but not shown, as in Zed). */
struct address_group {
    struct std_attrs std;
    char *addresses_json;       /* ["cidr", ...], normalized, in the order they were added. */
    bool shared;                /* Shared with the viewer by an RBAC policy (read only). */
};

/* A flavor of the flavors framework: a named choice of service profiles for one
 * service type.  No owner, no standard attributes (as in Zed). */
struct flavor {
    char id[ID_LEN];
    char *name;
    char *description;          /* NULL: null. */
    char *service_type;         /* A service plugin's type ("L3_ROUTER_NAT", ...). */
    bool enabled;
    char *profiles_json;        /* ["profile id", ...] in the order they were added. */
};

/* A service profile: a provider's driver and/or free text (metainfo) a flavor may use. */
struct service_profile {
    char id[ID_LEN];
    char *description;          /* NULL: null. */
    char *driver;               /* "" when none. */
    bool enabled;
    char *metainfo;             /* NULL: null. */
};

struct port {
    struct std_attrs std;
    char network_id[ID_LEN];
    char mac_address[18];
    bool admin_state_up;
    char status[16];
    char *device_id;
    char *device_owner;
    char *binding_host_id;
    char *binding_vnic_type;
    char *binding_profile_json;
    char *binding_vif_type;
    char *binding_vif_details_json;
    char *fixed_ips_json;       /* [{"subnet_id", "ip_address"}...]; filled by reads only. */
    bool port_security_enabled;
    char *security_groups_json; /* JSON array of the ids of its groups, in id order;
                                 * filled by reads only. */
    char *address_pairs_json;   /* [{"mac_address", "ip_address"}...] in (MAC, address)
                                 * order; filled by reads only. */
    char *device_profile;       /* NULL: none (port-device-profile). */
    char *numa_affinity_policy; /* NULL: none (port-numa-affinity-policy). */
    char *extra_dhcp_opts_json; /* [{"opt_name", "opt_value", "ip_version"}...] in (name,
                                 * version) order; filled by reads only. */
    int binding_segment;        /* Which of its network's segments the binding chose
                                 * (0: the first); meaningful while bound. */
};

/* A security group.  Its rules are rendered inside it as JSON the store builds. */
struct security_group {
    struct std_attrs std;
    bool stateful;
    char *rules_json;           /* JSON array of its rules, in the order they were added,
                                 * as shown inside a group; filled by reads only. */
    bool shared;                /* Shared with its reader's project (RBAC); filled by
                                 * reads only. */
};

#define SG_PORT_NONE (-1)   /* A rule's port_range_min/max when not given. */

/* A security group rule (std.name is unused: rules have none). */
struct sg_rule {
    struct std_attrs std;       /* description may be NULL (the rules a group starts
                                 * with have none). */
    char security_group_id[ID_LEN];
    char remote_group_id[ID_LEN];   /* "" when none. */
    char direction[8];          /* "ingress" or "egress". */
    char ethertype[8];          /* "IPv4" or "IPv6". */
    char *protocol;             /* NULL: any; a name or a number as text. */
    int64_t port_range_min;     /* SG_PORT_NONE when not given. */
    int64_t port_range_max;
    char *remote_ip_prefix;     /* NULL: anywhere; as given, with its prefix length. */
    char *normalized_cidr;      /* remote_ip_prefix with the host bits cleared. */
    int64_t seq;                /* Order of creation; shown as standard_attr_id. */
    char *sg_project_id;        /* The group's owner; filled by reads only. */
    char remote_address_group_id[ID_LEN];   /* "" when none. */
};

/* A router.  Its gateway is the router's port of type network:router_gateway; the
 * gw_* members are filled by reads only. */
struct router {
    struct std_attrs std;
    bool admin_state_up;
    char status[16];
    bool enable_snat;           /* Kept while there is no gateway, shown only with one. */
    char *routes_json;          /* [{"destination", "nexthop"}...] in the core's order. */
    char gw_port_id[ID_LEN];    /* "" when the router has no gateway. */
    char gw_network_id[ID_LEN];
    char *gw_fixed_ips_json;    /* The gateway port's [{"subnet_id", "ip_address"}...]. */
    bool ha;                    /* Kept by VRRP on several L3 agents. */
    int ha_vr_id;               /* Its VRRP id on the project's HA network; 0: none yet. */
    char *az_hints_json;        /* JSON array of availability zone names (set at create). */
    char *azs_json;             /* Read only: the zones of the L3 agents hosting it. */
};

/* A floating IP (std.name is unused: floating IPs have none).  The port_* members
 * describe the associated port (port_details) and are filled by reads only. */
struct floatingip {
    struct std_attrs std;
    char floating_network_id[ID_LEN];
    char floating_port_id[ID_LEN];
    char floating_ip_address[46];
    char fixed_port_id[ID_LEN];     /* "" when not associated. */
    char fixed_ip_address[46];      /* "" when not associated. */
    char router_id[ID_LEN];         /* "" when not associated. */
    char status[16];
    char *port_name;
    char port_network_id[ID_LEN];
    char port_mac_address[18];
    bool port_admin_state_up;
    char port_status[16];
    char *port_device_id;
    char *port_device_owner;
};

/* An agent as its heartbeats describe it (one per agent_type and host). */
#define AGENT_TIME_LEN 20   /* "YYYY-MM-DD HH:MM:SS" plus NUL, as Neutron shows agents. */
struct agent {
    char id[ID_LEN];
    char agent_type[64];        /* "Linux bridge agent", "DHCP agent". */
    char binary[64];
    char topic[64];
    char host[256];
    bool admin_state_up;
    char *description;          /* NULL: none. */
    char *availability_zone;    /* NULL: none. */
    char *configurations_json;
    char *resource_versions_json;   /* NULL: none. */
    char created_at[AGENT_TIME_LEN];
    char started_at[AGENT_TIME_LEN];
    char heartbeat_timestamp[AGENT_TIME_LEN];
    int64_t heartbeat_at;       /* Unix seconds of the last heartbeat. */
};

/* One entry of the change feed agents follow (store.h, "Change feed"). */
struct change {
    int64_t seq;
    const char *kind;           /* A change kind's wire name (agent_proto.h). */
    const char *object_id;
    const char *network_id;
    const char *host;           /* "" = every agent. */
};

/* An RBAC policy (Neutron's rbac_policy): 'target_project' may do 'action' on the
 * object 'object_type'/'object_id'.  std.id and std.project_id are used; the other
 * standard attributes are not (policies have none). */
struct rbac_policy {
    struct std_attrs std;
    char object_type[32];       /* "network", "security_group" (core/rbac.h). */
    char object_id[ID_LEN];
    char action[32];            /* "access_as_shared", "access_as_external". */
    char *target_project;       /* A project id, or "*" for every project. */
};

/* A network's segments: how many (at least 1), and the one at 'i' (0: the first). */
size_t network_n_segments(const struct network *n);
const struct segment *network_segment_at(const struct network *n, size_t i);

void std_attrs_done(struct std_attrs *s);
void agent_done(struct agent *a);
void network_done(struct network *n);
void subnet_done(struct subnet *s);
void port_done(struct port *p);
void security_group_done(struct security_group *g);
void sg_rule_done(struct sg_rule *r);
void router_done(struct router *r);
void floatingip_done(struct floatingip *f);
void rbac_policy_done(struct rbac_policy *p);
void subnetpool_done(struct subnetpool *p);
void address_scope_done(struct address_scope *a);
void address_group_done(struct address_group *g);
void flavor_done(struct flavor *f);
void service_profile_done(struct service_profile *p);

#endif
