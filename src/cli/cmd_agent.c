/* neutrino network agent list|show|set|delete|add network|remove network
 * (docs/behaviour/cli.md §6); also reachable as "neutrino agent ...". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const struct field show_fields[] = {
    { "admin_state_up", "admin_state_up", R_UPDOWN },
    { "agent_type", "agent_type", R_TEXT },
    { "alive", "alive", R_ALIVE },
    { "availability_zone", "availability_zone", R_TEXT },
    { "binary", "binary", R_TEXT },
    { "configuration", "configurations", R_DICT },
    { "created_at", "created_at", R_TEXT },
    { "description", "description", R_TEXT },
    { "ha_state", "ha_state", R_TEXT },
    { "host", "host", R_TEXT },
    { "id", "id", R_TEXT },
    { "last_heartbeat_at", "heartbeat_timestamp", R_TEXT },
    { "resources_synced", "resources_synced", R_TEXT },
    { "started_at", "started_at", R_TEXT },
    { "topic", "topic", R_TEXT },
};

static const struct field list_cols[] = {
    { "ID", "id", R_TEXT },
    { "Agent Type", "agent_type", R_TEXT },
    { "Host", "host", R_TEXT },
    { "Availability Zone", "availability_zone", R_TEXT },
    { "Alive", "alive", R_ALIVE },
    { "State", "admin_state_up", R_UPDOWN },
    { "Binary", "binary", R_TEXT },
};

/* The openstack client's short agent-type names. */
static const char *
agent_type(const char *shortname)
{
    static const char *const map[][2] = {
        { "dhcp", "DHCP agent" }, { "linux-bridge", "Linux bridge agent" },
        { "open-vswitch", "Open vSwitch agent" }, { "l3", "L3 agent" },
        { "metadata", "Metadata agent" }, { "metering", "Metering agent" },
        { "macvtap", "Macvtap agent" }, { "nic", "NIC Switch agent" },
        { "bgp", "BGP dynamic routing agent" }, { "loadbalancer", "Loadbalancer agent" },
        { "ofa", "OFA driver agent" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        if (STREQ(shortname, map[i][0])) {
            return map[i][1];
        }
    }
    return NULL;
}

static const struct opt list_opts[] = {
    { "agent-type", OPT_STR, NULL }, { "host", OPT_STR, NULL }, { "network", OPT_STR, NULL },
    { "router", OPT_STR, NULL }, { "long", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
agent_list(struct cli *c, const json_t *a)
{
    struct buf path = BUF_INITIALIZER;
    int r;

    if (!cli_session(c)) {
        return 1;
    }
    if (arg_str(a, "router")) {
        return cli_fail("routers are not part of neutrino");
    }
    if (arg_str(a, "network")) {
        char id[64];
        if (cli_find_id(c, &kind_network, arg_str(a, "network"), id)) {
            return 1;
        }
        buf_printf(&path, "/v2.0/networks/%s/dhcp-agents", id);
    } else {
        struct buf query = BUF_INITIALIZER;
        if (arg_str(a, "agent-type")) {
            const char *t = agent_type(arg_str(a, "agent-type"));
            if (!t) {
                buf_done(&query);
                return cli_fail("argument --agent-type: invalid choice: '%s'",
                                arg_str(a, "agent-type"));
            }
            cli_q(&query, "agent_type", t);
        }
        cli_q(&query, "host", arg_str(a, "host"));
        buf_printf(&path, "/v2.0/agents%s%s", query.len ? "?" : "", buf_cstr(&query));
        buf_done(&query);
    }
    r = cli_get_list(c, buf_cstr(&path), "agents", list_cols, ARRAY_SIZE(list_cols));
    buf_done(&path);
    return r;
}

/* GET /v2.0/agents/<id>: agents are found by id only. */
static int
get_agent(struct cli *c, const char *id, json_t **ret)
{
    struct session *s = cli_session(c);
    struct buf path = BUF_INITIALIZER;
    json_t *ans = NULL;
    int r;

    *ret = NULL;
    if (!s) {
        return 1;
    }
    buf_add_str(&path, "/v2.0/agents/");
    url_encode(&path, id);
    r = session_call(s, "GET", buf_cstr(&path), NULL, &ans);
    buf_done(&path);
    if (r) {
        return cli_fail("No Agent found for %s: %s", id, buf_cstr(&s->error));
    }
    *ret = json_incref(json_object_get(ans, "agent"));
    json_decref(ans);
    return 0;
}

static int
agent_show(struct cli *c, const json_t *a)
{
    json_t *agent;
    int r;

    if (arg_npos(a) != 1) {
        return cli_fail("network agent show takes one agent id");
    }
    if (get_agent(c, arg_pos(a, 0), &agent)) {
        return 1;
    }
    r = out_show(&c->out, show_fields, ARRAY_SIZE(show_fields), agent);
    json_decref(agent);
    return r;
}

static const struct opt set_opts[] = {
    { "description", OPT_STR, NULL }, { "enable", OPT_TRUE, NULL },
    { "disable", OPT_FALSE, "enable" },
    { NULL, 0, NULL },
};

static int
agent_set(struct cli *c, const json_t *a)
{
    static const struct opt_attr given[] = {
        { "description", "description" },
        { "enable", "admin_state_up" },
    };
    static const struct kind agents = { "agent", "agents", "Agent" };
    json_t *agent, *body = json_object();
    int r;

    if (arg_npos(a) != 1) {
        json_decref(body);
        return cli_fail("network agent set takes one agent id");
    }
    if (get_agent(c, arg_pos(a, 0), &agent)) {
        json_decref(body);
        return 1;
    }
    cli_put_opts(body, a, given, ARRAY_SIZE(given));
    r = cli_update(c, &agents, agent, body, NULL);
    json_decref(body);
    json_decref(agent);
    return r;
}

static int
agent_delete(struct cli *c, const json_t *a)
{
    size_t n = arg_npos(a), failed = 0;
    struct session *s = cli_session(c);

    if (!n || !s) {
        return n ? 1 : cli_fail("give the agent id(s) to delete");
    }
    for (size_t i = 0; i < n; i++) {
        struct buf path = BUF_INITIALIZER;
        json_t *ans = NULL;
        buf_add_str(&path, "/v2.0/agents/");
        url_encode(&path, arg_pos(a, i));
        if (session_call(s, "DELETE", buf_cstr(&path), NULL, &ans)) {
            fprintf(stderr, "Failed to delete network agent with ID '%s': %s\n", arg_pos(a, i),
                    buf_cstr(&s->error));
            failed++;
        }
        json_decref(ans);
        buf_done(&path);
    }
    if (failed) {
        fprintf(stderr, "%zu of %zu network agents failed to delete.\n", failed, n);
        return 1;
    }
    return 0;
}

static const struct opt dhcp_opts[] = {
    { "dhcp", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

/* add/remove network --dhcp <agent> <network> (failures are reported, unlike 6.0). */
static int
dhcp_network(struct cli *c, const json_t *a, bool add)
{
    char net_id[64], path[256];
    json_t *agent, *ans = NULL, *body;
    int r;

    if (arg_bool(a, "dhcp") != 1 || arg_npos(a) != 2) {
        return cli_fail("usage: network agent %s network --dhcp <agent-id> <network>",
                        add ? "add" : "remove");
    }
    if (get_agent(c, arg_pos(a, 0), &agent)) {
        return 1;
    }
    json_decref(agent);
    if (cli_find_id(c, &kind_network, arg_pos(a, 1), net_id)) {
        return 1;
    }
    if (add) {
        snprintf(path, sizeof path, "/v2.0/agents/%s/dhcp-networks", arg_pos(a, 0));
        body = json_pack("{s:s}", "network_id", net_id);
        r = session_call(cli_session(c), "POST", path, body, &ans);
        json_decref(body);
    } else {
        snprintf(path, sizeof path, "/v2.0/agents/%s/dhcp-networks/%s", arg_pos(a, 0), net_id);
        r = session_call(cli_session(c), "DELETE", path, NULL, &ans);
    }
    json_decref(ans);
    return r ? cli_fail_call(c) : 0;
}

static int
agent_add_network(struct cli *c, const json_t *a)
{
    return dhcp_network(c, a, true);
}

static int
agent_remove_network(struct cli *c, const json_t *a)
{
    return dhcp_network(c, a, false);
}

const struct command agent_commands[] = {
    { "network agent list", list_opts, agent_list, "List agents" },
    { "network agent show", NULL, agent_show, "Show an agent" },
    { "network agent set", set_opts, agent_set, "Enable, disable or describe an agent" },
    { "network agent delete", NULL, agent_delete, "Delete agents" },
    { "network agent add network", dhcp_opts, agent_add_network,
      "Make a DHCP agent serve a network" },
    { "network agent remove network", dhcp_opts, agent_remove_network,
      "Stop a DHCP agent serving a network" },
    { "agent list", list_opts, agent_list, "List agents" },
    { "agent show", NULL, agent_show, "Show an agent" },
    { "agent set", set_opts, agent_set, "Enable, disable or describe an agent" },
    { "agent delete", NULL, agent_delete, "Delete agents" },
    { NULL, NULL, NULL, NULL },
};
