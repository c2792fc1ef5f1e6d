/* DHCP scheduling; see dhcp_sched.h. */
#include "dhcp_sched.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <uuid/uuid.h>

#include "app.h"
#include "config.h"
#include "core/changes.h"
#include "log.h"
#include "ml2/mech_linuxbridge.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("dhcp");

void
dhcp_device_id(const char *host, const char *network_id, char out[DHCP_DEVICE_ID_LEN])
{
    size_t short_len = strcspn(host, ".");
    char text[37];
    uuid_t u;

    uuid_generate_sha1(u, *uuid_get_template("dns"), host, short_len);
    uuid_unparse_lower(u, text);
    snprintf(out, DHCP_DEVICE_ID_LEN, "dhcp%s-%.36s", text, network_id);
}

/* The CHANGE_DHCP_NETWORK change that makes one agent look at a network again. */
static int
tell_agent(struct store_conn *c, const struct agent *a, const char *network_id)
{
    return changes_record(c, a->host, CHANGE_DHCP_NETWORK, network_id, network_id);
}

int
dhcp_add_network(struct store_conn *c, const char *network_id, const struct agent *a)
{
    int r = store_dhcp_bind(c, network_id, a->id);

    if (!r) {
        log_info("network %s scheduled to the DHCP agent on %.64s", network_id, a->host);
        r = tell_agent(c, a, network_id);
    }
    return r;
}

int
dhcp_remove_network(struct store_conn *c, const char *network_id, const struct agent *a,
                    bool notify)
{
    char device_id[DHCP_DEVICE_ID_LEN];
    struct port p;
    int r = store_dhcp_unbind(c, network_id, a->id);

    if (r) {
        return r;
    }
    /* The port stays, so the network's DHCP address stays, for whoever comes next. */
    dhcp_device_id(a->host, network_id, device_id);
    r = store_port_by_device(c, network_id, device_id, &p);
    if (!r) {
        free(p.device_id);
        p.device_id = xstrdup(DHCP_RESERVED_DEVICE_ID);
        p.std.revision_number++;
        time_iso8601_now(p.std.updated_at);
        r = store_port_update(c, &p);
        port_done(&p);
    }
    r = r == -ENOENT ? 0 : r;
    if (!r && notify) {
        r = tell_agent(c, a, network_id);
    }
    return r;
}

static int
count_agent(const struct agent *a, void *aux)
{
    (*(int *) aux)++;
    return 0;
}

/* Rows are collected before anything is written: SQLite leaves undefined what a query
 * sees of a table changed while it steps through it. */
static int
collect_agent(const struct agent *a, void *aux)
{
    json_array_append_new(aux, json_pack("[s,s]", a->id, a->host));
    return 0;
}

static int
collect_id(const char *id, void *aux)
{
    json_array_append_new(aux, json_string(id));
    return 0;
}

static int
collect_pair(const char *a, const char *b, void *aux)
{
    json_array_append_new(aux, json_pack("[s,s]", a, b));
    return 0;
}

int
dhcp_schedule_network(const struct server_config *cfg, struct store_conn *c,
                      const char *network_id)
{
    json_t *candidates = json_array(), *row;
    struct network n;
    bool has_dhcp = false;
    int hosted = 0, wanted;
    size_t i;
    int r = store_network_has_dhcp(c, network_id, &has_dhcp);

    if (!r && has_dhcp) {
        r = store_dhcp_agents_of_network(c, network_id, count_agent, &hosted);
    }
    if (r || !has_dhcp || hosted >= cfg->dhcp_agents_per_network) {
        json_decref(candidates);
        return r;
    }
    r = store_network_get(c, network_id, NULL, &n);
    if (r) {
        json_decref(candidates);
        return r;
    }
    wanted = cfg->dhcp_agents_per_network - hosted;
    r = store_dhcp_candidates(c, network_id, (int64_t) time(NULL) - cfg->agent_down_time,
                              collect_agent, candidates);
    json_array_foreach (candidates, i, row) {
        struct binding b;
        struct agent a;
        if (r || wanted <= 0) {
            break;
        }
        /* Only a host whose linux-bridge agent can plug the DHCP port will do. */
        memset(&a, 0, sizeof a);
        snprintf(a.id, sizeof a.id, "%s", json_string_value(json_array_get(row, 0)));
        snprintf(a.host, sizeof a.host, "%s", json_string_value(json_array_get(row, 1)));
        r = linuxbridge_bind(cfg, c, a.host, "normal", &n.segment, &b);
        if (!r && STREQ(b.vif_type, "bridge")) {
            r = dhcp_add_network(c, network_id, &a);
            wanted--;
        }
    }
    network_done(&n);
    json_decref(candidates);
    return r;
}

int
dhcp_failover(const struct server_config *cfg, struct store_conn *c)
{
    json_t *rows = json_array(), *row;
    size_t i;
    int r = 0;

    if (cfg->allow_automatic_dhcp_failover) {
        /* Twice agent_down_time, as Neutron: an agent only late is not yet dead. */
        r = store_dhcp_dead_bindings(c, (int64_t) time(NULL) - 2 * cfg->agent_down_time,
                                     collect_pair, rows);
    }
    json_array_foreach (rows, i, row) {
        const char *network_id = json_string_value(json_array_get(row, 0));
        struct agent a;
        if (r || (r = store_agent_get(c, json_string_value(json_array_get(row, 1)), &a))) {
            break;
        }
        log_warn("moving network %s off the DHCP agent on %.64s: it has not reported for"
                 " %d s", network_id, a.host, 2 * cfg->agent_down_time);
        /* The dead agent is not told: when it returns it resynchronises anyway. */
        r = dhcp_remove_network(c, network_id, &a, false);
        /* Then to whoever can take it now, when networks are scheduled automatically
         * (as they were when agents reported: failover only ever moved them). */
        if (!r && cfg->network_auto_schedule) {
            r = dhcp_schedule_network(cfg, c, network_id);
        }
        agent_done(&a);
    }
    json_decref(rows);
    return r;
}

int
dhcp_auto_schedule(const struct server_config *cfg, struct store_conn *c)
{
    json_t *ids = json_array(), *id;
    size_t i;
    int r = 0;

    if (cfg->network_auto_schedule) {
        /* Networks short of agents: none could carry them before, or one was removed. */
        r = store_dhcp_unscheduled(c, cfg->dhcp_agents_per_network, collect_id, ids);
        json_array_foreach (ids, i, id) {
            r = r ? r : dhcp_schedule_network(cfg, c, json_string_value(id));
        }
    }
    json_decref(ids);
    return r;
}
