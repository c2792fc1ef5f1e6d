/* The agent protocol: what neutrino-server and its agents say to each other over
 * /agent/v1.  Both sides include this header and nothing else decides the paths, the
 * change kinds, who hears each kind, or the field names of a change; a new kind is a
 * new enum value and one row in agent_proto.c.
 *
 * The change feed is a log of (seq, kind, id, network_id) rows addressed to a host
 * ("" = every host) and an audience.  A change says only *what* moved; the agent asks
 * the server for the current state, so a change read twice or out of date is harmless. */
#ifndef NEUTRINO_AGENT_PROTO_H
#define NEUTRINO_AGENT_PROTO_H

#include <stdbool.h>

/* --- Paths ------------------------------------------------------------------------ */
#define AGENT_PATH_PREFIX "/agent/v1"
#define AGENT_PATH_REPORT AGENT_PATH_PREFIX "/report"                 /* POST heartbeat */
#define AGENT_PATH_DEVICES AGENT_PATH_PREFIX "/devices"               /* POST tap details */
#define AGENT_PATH_DEVICES_STATUS AGENT_PATH_PREFIX "/devices/status" /* POST up/down */
#define AGENT_PATH_CHANGES AGENT_PATH_PREFIX "/changes"               /* GET long-poll */
#define AGENT_PATH_SYNC AGENT_PATH_PREFIX "/sync"                     /* GET full state */
#define AGENT_PATH_L2POP AGENT_PATH_PREFIX "/l2pop"                   /* GET vxlan peers */
#define AGENT_PATH_DHCP_SYNC AGENT_PATH_PREFIX "/dhcp/sync"           /* POST networks */
#define AGENT_PATH_DHCP_NETWORK AGENT_PATH_PREFIX "/dhcp/network"     /* POST one network */
#define AGENT_PATH_DHCP_PORTS AGENT_PATH_PREFIX "/dhcp/ports"         /* POST some ports */
#define AGENT_PATH_DHCP_READY AGENT_PATH_PREFIX "/dhcp/ready"         /* POST served ports */
#define AGENT_PATH_SECURITY_GROUPS AGENT_PATH_PREFIX "/security-groups" /* POST groups */
#define AGENT_PATH_L3_ROUTERS AGENT_PATH_PREFIX "/l3/routers"         /* POST routers */
#define AGENT_PATH_L3_HA_STATES AGENT_PATH_PREFIX "/l3/ha-states"     /* POST states */

/* Query parameters of GET AGENT_PATH_CHANGES. */
#define AGENT_PARAM_HOST "host"
#define AGENT_PARAM_AFTER "after"       /* Sequence number already seen. */
#define AGENT_PARAM_WAIT "wait"         /* Seconds to park when nothing is new. */
#define AGENT_PARAM_AUDIENCE "agent"    /* Audience name; absent: AUDIENCE_L2. */

/* Fields of the answer to GET AGENT_PATH_CHANGES: {seq, changes: [change...], resync}. */
#define AGENT_FIELD_SEQ "seq"
#define AGENT_FIELD_CHANGES "changes"
#define AGENT_FIELD_RESYNC "resync"
/* Fields of one change. */
#define AGENT_FIELD_KIND "kind"
#define AGENT_FIELD_ID "id"
#define AGENT_FIELD_NETWORK_ID "network_id"
/* The DHCP port of a network in the answer to POST AGENT_PATH_DHCP_NETWORK (a field,
 * not the change kind of the same name). */
#define AGENT_FIELD_DHCP_PORT "dhcp_port"
/* Fields of a port's details in the answer to POST AGENT_PATH_DEVICES that the
 * firewall needs: whether port security is on (off: no filtering at all), the ids of
 * the port's security groups, and its allowed address pairs
 * ([{"mac_address", "ip_address"}], the address maybe a CIDR) besides its fixed_ips. */
#define AGENT_FIELD_PORT_SECURITY_ENABLED "port_security_enabled"
#define AGENT_FIELD_SECURITY_GROUPS "security_groups"
#define AGENT_FIELD_ALLOWED_ADDRESS_PAIRS "allowed_address_pairs"
/* A port's extra DHCP options in the DHCP agent's port details (POST
 * AGENT_PATH_DHCP_NETWORK and AGENT_PATH_DHCP_PORTS): [{"opt_name", "opt_value",
 * "ip_version"}] as the API shows them (extra_dhcp_opt). */
#define AGENT_FIELD_EXTRA_DHCP_OPTS "extra_dhcp_opts"
/* POST AGENT_PATH_SECURITY_GROUPS: the body is {"host", AGENT_FIELD_IDS: [group id...]};
 * the answer {AGENT_FIELD_SG: {id: {"stateful", "rules": [rule as the API shows it]}},
 * AGENT_FIELD_SG_MEMBER_IPS: {remote group id: {"IPv4": [...], "IPv6": [...]}}} names
 * every asked group that exists and, for every group their rules name as remote group,
 * its members' fixed IPs and allowed address pair addresses (the firewall model's JSON,
 * firewall_model.h). */
#define AGENT_FIELD_IDS "ids"
#define AGENT_FIELD_SG "security_groups"
#define AGENT_FIELD_SG_MEMBER_IPS "sg_member_ips"
/* POST AGENT_PATH_L3_ROUTERS: the body is {"host"[, AGENT_FIELD_IDS: [router id...]]};
 * the answer {AGENT_FIELD_ROUTERS: [ROUTER...]} holds, in the L3 engine's model shape
 * (src/l3agent/l3_model.h), the routers scheduled to the L3 agent of "host" that are
 * administratively up: all of them without "ids", else those of the asked ones (an
 * asked router missing from the answer is no longer the host's: its namespace goes).
 * The server schedules routers that no agent hosts yet to this agent on a call without
 * "ids" when [DEFAULT] router_auto_schedule is on.  The answer to a call without "ids"
 * also carries AGENT_FIELD_SEQ, the change feed's position read with the routers (the
 * agent follows the feed from there; an agent given none reads it from the feed first,
 * asking GET AGENT_PATH_CHANGES for a position past the end). */
#define AGENT_FIELD_ROUTERS "routers"
/* An HA router's model also has AGENT_FIELD_HA: {"vr_id", "port": the host's HA port
 * (port_id, mac_address, mtu, fixed_ips with cidr), "state": what this host last
 * reported ("active", "standby")}.
 * POST AGENT_PATH_L3_HA_STATES: the body is {"host", AGENT_FIELD_HA_STATES: {router id:
 * "active" | "standby"}}, what keepalived decided on the host (Neutron's
 * update_ha_routers_states); routers the host's agent no longer hosts are ignored. */
#define AGENT_FIELD_HA "ha"
#define AGENT_FIELD_HA_STATES "states"
#define AGENT_HA_ACTIVE "active"
#define AGENT_HA_STANDBY "standby"

/* --- Agent types (the agent record's agent_type, as Neutron names them) ------------ */
#define AGENT_TYPE_LINUXBRIDGE "Linux bridge agent"
#define AGENT_TYPE_DHCP "DHCP agent"
#define AGENT_TYPE_L3 "L3 agent"

/* --- Audiences -------------------------------------------------------------------- */
enum agent_audience {
    AUDIENCE_ALL,       /* Every agent ("" on the wire and in the store). */
    AUDIENCE_L2,        /* Linux-bridge agents ("l2"). */
    AUDIENCE_DHCP,      /* DHCP agents ("dhcp"). */
    AUDIENCE_L3,        /* L3 agents ("l3"). */
};

/* --- Change kinds ----------------------------------------------------------------- */
enum change_kind {
    CHANGE_UNKNOWN = 0,     /* A name this build does not know: ignored (newer server). */
    CHANGE_PORT_UPDATE,     /* L2: a port bound to the host changed; id = port. */
    CHANGE_PORT_DELETE,     /* L2: a port bound to the host went; id = port. */
    CHANGE_NETWORK_UPDATE,  /* All: a network's attributes changed; id = network. */
    CHANGE_NETWORK_DELETE,  /* All: a network went; id = network. */
    CHANGE_FDB,             /* L2: a vxlan network's remote ports moved; id = network. */
    CHANGE_FDB_ALL,         /* L2: a VTEP appeared or moved; id = agent. */
    CHANGE_DHCP_NETWORK,    /* DHCP: a served network, its subnets or its scheduling
                             * changed; id = network. */
    CHANGE_DHCP_PORT,       /* DHCP: a port of a served network changed; id = port. */
    CHANGE_SG_RULES,        /* L2: a security group's rules or statefulness changed, or
                             * the group went; id = group.  To hosts with a bound port
                             * in the group or in a group naming it as remote group. */
    CHANGE_SG_MEMBERS,      /* L2: the addresses of a group's member ports changed (a
                             * port joined, left, went, or changed its fixed IPs or
                             * address pairs); id = group.  To hosts with a bound port
                             * in a group naming it as remote group. */
    CHANGE_ROUTER_UPDATE,   /* L3: a router the host's L3 agent hosts changed (its
                             * attributes, gateway, interfaces, routes or floating IPs,
                             * or it was scheduled to the agent); id = router. */
    CHANGE_ROUTER_DELETE,   /* L3: a router went, or left the host's agent; id = router. */
    CHANGE_KIND_COUNT
};

/* The kind's name on the wire and in the store ("port_update", …). */
const char *change_kind_name(enum change_kind kind);
/* The kind named 'name', or CHANGE_UNKNOWN (also for NULL). */
enum change_kind change_kind_parse(const char *name);
/* Which agents hear changes of 'kind'. */
enum agent_audience change_kind_audience(enum change_kind kind);

/* The audience's name on the wire and in the store ("", "l2", "dhcp", "l3"). */
const char *agent_audience_name(enum agent_audience a);
/* The audience named by the query parameter 'name' into '*ret' (NULL: AUDIENCE_L2,
 * the default follower).  -1 for a name that is no follower's ("" included). */
int agent_audience_parse(const char *name, enum agent_audience *ret);

#endif
