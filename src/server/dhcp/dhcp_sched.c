/* DHCP scheduling; see dhcp_sched.h. */
#include "dhcp_sched.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <uuid/uuid.h>

#include "app.h"
#include "config.h"
#include "core/availability_zone.h"
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

/* Rows are collected before anything is written: SQLite leaves undefined what a query
 * sees of a table changed while it steps through it.  Each row is [id, host, zone]
 * ("" for an agent that reports no zone). */
static int
collect_agent(const struct agent *a, void *aux)
{
    json_array_append_new(aux, json_pack("[s,s,s]", a->id, a->host,
                                         a->availability_zone ? a->availability_zone : ""));
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

/* Whether the agent of 'row' ([id, host, zone]) may serve the network: its zone is
 * one the network is hinted to, and its host's linux-bridge agent can plug the DHCP
 * port into one of the network's segments. */
static int
dhcp_candidate_fits(const struct server_config *cfg, struct store_conn *c,
                    const struct network *n, const json_t *zones, const json_t *row,
                    bool *ret)
{
    const char *zone = json_string_value(json_array_get(row, 2));
    struct binding b;
    int r;

    *ret = false;
    if (!az_hints_allow(zones, *zone ? zone : NULL)) {
        return 0;
    }
    r = linuxbridge_bind(cfg, c, json_string_value(json_array_get(row, 1)), "normal",
                         n, &b);
    *ret = !r && STREQ(b.vif_type, "bridge");
    return r;
}

/* Adds 1 to the count of zone 'zone' in 'counts' (an object zone -> integer). */
static void
count_zone(json_t *counts, const char *zone)
{
    json_int_t now = json_integer_value(json_object_get(counts, zone));

    json_object_set_new(counts, zone, json_integer(now + 1));
}

/* The index in 'fit' (rows in load order) of the next agent to take the network: the
 * first for the weight scheduler; for the AZ-aware one ('spread'), the least loaded
 * agent of the zone hosting the network on the fewest agents ('hosted': zone ->
 * count), ties to the zone whose least loaded agent comes first.  -1 when 'fit' is
 * empty. */
static int
next_agent(const json_t *fit, const json_t *hosted, bool spread)
{
    json_int_t best_count = 0;
    int best = -1;
    size_t i;
    json_t *row;

    if (!spread) {
        return json_array_size(fit) ? 0 : -1;
    }
    json_array_foreach (fit, i, row) {
        const char *zone = json_string_value(json_array_get(row, 2));
        json_int_t count = json_integer_value(json_object_get(hosted, zone));
        if (best < 0 || count < best_count) {
            best = (int) i;
            best_count = count;
        }
    }
    return best;
}

/* The agents hosting a network: how many, and how many per zone. */
struct hosting {
    int total;
    json_t *per_zone;
};

static int
count_hosting(const struct agent *a, void *aux)
{
    struct hosting *h = aux;

    h->total++;
    count_zone(h->per_zone, a->availability_zone ? a->availability_zone : "");
    return 0;
}

/* The rows of 'candidates' that fit (dhcp_candidate_fits()), in their order, up to
 * 'limit' of them (each check may ask the store about the host). */
static int
fitting_candidates(const struct server_config *cfg, struct store_conn *c,
                   const struct network *n, const json_t *candidates, size_t limit,
                   json_t *fit)
{
    json_t *zones = az_effective_hints(cfg, n->az_hints_json), *row;
    size_t i;
    int r = 0;

    json_array_foreach (candidates, i, row) {
        bool fits;
        if (json_array_size(fit) >= limit
            || (r = dhcp_candidate_fits(cfg, c, n, zones, row, &fits))) {
            break;
        }
        if (fits) {
            json_array_append(fit, row);
        }
    }
    json_decref(zones);
    return r;
}

int
dhcp_schedule_network(const struct server_config *cfg, struct store_conn *c,
                      const char *network_id)
{
    json_t *candidates = json_array(), *fit = json_array();
    struct hosting hosted = { 0, json_object() };
    struct network n;
    bool has_dhcp = false;
    int wanted;
    int r = store_network_has_dhcp(c, network_id, &has_dhcp);

    if (!r && has_dhcp) {
        r = store_dhcp_agents_of_network(c, network_id, count_hosting, &hosted);
    }
    wanted = cfg->dhcp_agents_per_network - hosted.total;
    if (r || !has_dhcp || wanted <= 0 || (r = store_network_get(c, network_id, NULL, &n))) {
        goto out;
    }
    r = store_dhcp_candidates(c, network_id, (int64_t) time(NULL) - cfg->agent_down_time,
                              collect_agent, candidates);
    /* Spreading weighs every candidate; otherwise the first that fit are enough. */
    r = r ? r : fitting_candidates(cfg, c, &n, candidates,
                                   cfg->network_scheduler_az ? SIZE_MAX : (size_t) wanted,
                                   fit);
    while (!r && wanted-- > 0) {
        int i = next_agent(fit, hosted.per_zone, cfg->network_scheduler_az);
        json_t *row;
        struct agent a;
        if (i < 0) {
            break;
        }
        row = json_array_get(fit, (size_t) i);
        memset(&a, 0, sizeof a);
        snprintf(a.id, sizeof a.id, "%s", json_string_value(json_array_get(row, 0)));
        snprintf(a.host, sizeof a.host, "%s", json_string_value(json_array_get(row, 1)));
        count_zone(hosted.per_zone, json_string_value(json_array_get(row, 2)));
        r = dhcp_add_network(c, network_id, &a);
        json_array_remove(fit, (size_t) i);
    }
    network_done(&n);
out:
    json_decref(candidates);
    json_decref(fit);
    json_decref(hosted.per_zone);
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
