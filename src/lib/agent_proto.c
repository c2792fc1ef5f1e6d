/* The agent protocol's tables: one row per change kind. */
#include "agent_proto.h"

#include <string.h>

#include "util.h"

static const struct {
    const char *name;
    enum agent_audience audience;
} kinds[CHANGE_KIND_COUNT] = {
    [CHANGE_UNKNOWN] = { "", AUDIENCE_ALL },
    [CHANGE_PORT_UPDATE] = { "port_update", AUDIENCE_L2 },
    [CHANGE_PORT_DELETE] = { "port_delete", AUDIENCE_L2 },
    [CHANGE_NETWORK_UPDATE] = { "network_update", AUDIENCE_ALL },
    [CHANGE_NETWORK_DELETE] = { "network_delete", AUDIENCE_ALL },
    [CHANGE_FDB] = { "fdb", AUDIENCE_L2 },
    [CHANGE_FDB_ALL] = { "fdb_all", AUDIENCE_L2 },
    [CHANGE_DHCP_NETWORK] = { "dhcp_network", AUDIENCE_DHCP },
    [CHANGE_DHCP_PORT] = { "dhcp_port", AUDIENCE_DHCP },
    [CHANGE_SG_RULES] = { "sg_rules", AUDIENCE_L2 },
    [CHANGE_SG_MEMBERS] = { "sg_members", AUDIENCE_L2 },
    [CHANGE_ROUTER_UPDATE] = { "router_update", AUDIENCE_L3 },
    [CHANGE_ROUTER_DELETE] = { "router_delete", AUDIENCE_L3 },
};

static const char *const audience_names[] = {
    [AUDIENCE_ALL] = "",
    [AUDIENCE_L2] = "l2",
    [AUDIENCE_DHCP] = "dhcp",
    [AUDIENCE_L3] = "l3",
};

const char *
change_kind_name(enum change_kind kind)
{
    return (unsigned) kind < CHANGE_KIND_COUNT ? kinds[kind].name : "";
}

enum change_kind
change_kind_parse(const char *name)
{
    if (!name || !*name) {
        return CHANGE_UNKNOWN;
    }
    for (int k = CHANGE_UNKNOWN + 1; k < CHANGE_KIND_COUNT; k++) {
        if (STREQ(name, kinds[k].name)) {
            return (enum change_kind) k;
        }
    }
    return CHANGE_UNKNOWN;
}

enum agent_audience
change_kind_audience(enum change_kind kind)
{
    return (unsigned) kind < CHANGE_KIND_COUNT ? kinds[kind].audience : AUDIENCE_ALL;
}

const char *
agent_audience_name(enum agent_audience a)
{
    return (unsigned) a < ARRAY_SIZE(audience_names) ? audience_names[a] : "";
}

int
agent_audience_parse(const char *name, enum agent_audience *ret)
{
    if (!name || STREQ(name, audience_names[AUDIENCE_L2])) {
        *ret = AUDIENCE_L2;
    } else if (STREQ(name, audience_names[AUDIENCE_DHCP])) {
        *ret = AUDIENCE_DHCP;
    } else if (STREQ(name, audience_names[AUDIENCE_L3])) {
        *ret = AUDIENCE_L3;
    } else {
        return -1;
    }
    return 0;
}
