/* Router scheduling; see l3_sched.h. */
#include "l3_sched.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "app.h"
#include "config.h"
#include "core/availability_zone.h"
#include "core/changes.h"
#include "core/port.h"
#include "core/router.h"
#include "core/router_ha.h"
#include "log.h"
#include "ml2/mech_linuxbridge.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("l3");

/* The same store connection and error, acting as the server. */
static struct op
service_op(const struct op *op, struct context *svc)
{
    context_service(svc);
    return (struct op) { op->app, svc, op->c, op->err };
}

/* The agent hosting the router into '*ret': 1 if there is one, 0 if none, -1 (op->err
 * filled) on a store failure. */
static int
hosting_agent(const struct op *op, const char *router_id, struct agent *ret)
{
    int r = store_l3_agent_of_router(op->c, router_id, ret);

    if (r == -ENOENT) {
        memset(ret, 0, sizeof *ret);
        return 0;
    }
    return r ? core_internal(op, r) : 1;
}

/* The agents hosting a router: one for a legacy router, up to
 * max_l3_agents_per_router for an HA one (id, type, host, admin state, heartbeat). */
struct hosts {
    struct agent *a;
    size_t n;
};

static int
host_add(const struct agent *a, void *aux)
{
    struct hosts *h = aux;
    struct agent *copy;

    h->a = xrealloc(h->a, (h->n + 1) * sizeof *h->a);
    copy = &h->a[h->n++];
    memset(copy, 0, sizeof *copy);
    snprintf(copy->id, sizeof copy->id, "%s", a->id);
    snprintf(copy->agent_type, sizeof copy->agent_type, "%s", a->agent_type);
    snprintf(copy->host, sizeof copy->host, "%s", a->host);
    copy->admin_state_up = a->admin_state_up;
    copy->heartbeat_at = a->heartbeat_at;
    return 0;
}

static int
hosting_agents(const struct op *op, const char *router_id, struct hosts *ret)
{
    int r = store_l3_agents_of_router(op->c, router_id, host_add, ret);

    return r ? core_internal(op, r) : 0;
}

static int
record(const struct op *op, const char *host, enum change_kind kind, const char *router_id)
{
    int r = changes_record(op->c, host, kind, router_id, "");

    return r ? core_internal(op, r) : 0;
}

/* --- Which agent may host a router ------------------------------------------------- */

bool
l3_agent_can_host(const struct agent *a, const char *router_id, bool has_gateway)
{
    json_t *conf = json_loads(a->configurations_json ? a->configurations_json : "{}", 0, NULL);
    const char *mode = json_string_value(json_object_get(conf, "agent_mode"));
    const char *pinned = json_string_value(json_object_get(conf, "router_id"));
    const json_t *internal = json_object_get(conf, "handle_internal_only_routers");
    bool ok = STREQ(a->agent_type, AGENT_TYPE_L3) && (!mode || STREQ(mode, "legacy"))
              && (!pinned || !*pinned || STREQ(pinned, router_id))
              && (has_gateway || !json_is_false(internal));

    json_decref(conf);
    return ok;
}

/* Whether the router has a gateway port. */
static int
router_has_gateway(const struct op *op, const char *router_id, bool *ret)
{
    struct router rt;
    int r = store_router_get(op->c, router_id, NULL, &rt);

    if (r) {
        return core_internal(op, r);
    }
    *ret = *rt.gw_port_id != '\0';
    router_done(&rt);
    return 0;
}

/* The zones a router may be placed in (an array to json_decref(); empty: any): its
 * hints, or default_availability_zones, when the scheduler is AZLeastRoutersScheduler;
 * any zone for LeastRoutersScheduler, which ignores hints as Zed's does. */
static int
router_zones(const struct op *op, const char *router_id, json_t **ret)
{
    struct router rt;
    int r;

    *ret = NULL;
    if (!op->app->cfg->router_scheduler_az) {
        *ret = json_array();
        return 0;
    }
    r = store_router_get(op->c, router_id, NULL, &rt);
    if (r) {
        return core_internal(op, r);
    }
    *ret = az_effective_hints(op->app->cfg, rt.az_hints_json);
    router_done(&rt);
    return 0;
}

/* --- The router's ports and floating IPs follow the binding ------------------------- */

static int
collect_id(const char *id, void *aux)
{
    json_array_append_new(aux, json_string(id));
    return 0;
}

/* Sets binding:host_id of the router's port 'port_id' to 'host' ("" unbinds), through
 * the port core, which rebinds it and tells the L2 agents of the old and new host. */
static int
bind_port_to(const struct op *op, const char *port_id, const char *host)
{
    struct context svc;
    struct op sop = service_op(op, &svc);
    struct port_spec spec = { .binding_host_id = host };
    struct port p;
    int r = store_port_get(op->c, port_id, NULL, &p);

    if (r == -ENOENT) {
        return 0;
    }
    if (r) {
        return core_internal(op, r);
    }
    r = STREQ(p.binding_host_id, host) ? 0 : core_port_update_read(&sop, &p, &spec);
    port_done(&p);
    return r;
}

/* Binds every port of the router (gateway and interfaces) to 'host'. */
static int
bind_router_ports(const struct op *op, const char *router_id, const char *host)
{
    static const char *const types[] = { ROUTER_GATEWAY_OWNER, ROUTER_INTERFACE_OWNER };
    json_t *ids = json_array(), *id;
    size_t i;
    int r = 0;

    for (size_t t = 0; t < ARRAY_SIZE(types) && !r; t++) {
        r = store_router_ports(op->c, router_id, types[t], collect_id, ids);
    }
    r = r ? core_internal(op, r) : 0;
    json_array_foreach (ids, i, id) {
        if (!r) {
            r = bind_port_to(op, json_string_value(id), host);
        }
    }
    json_decref(ids);
    return r;
}

/* Floating IPs through the router are ACTIVE while an alive agent hosts it (what
 * Neutron's agent reports once it has set them up), DOWN otherwise. */
static int
set_floatingip_status(const struct op *op, const char *router_id, const struct agent *a)
{
    bool up = a && agent_is_alive(op->app->cfg, a->heartbeat_at);
    int r = store_floatingips_of_router_status(op->c, router_id, up ? "ACTIVE" : "DOWN");

    return r ? core_internal(op, r) : 0;
}

/* --- Binding and unbinding ---------------------------------------------------------- */

/* Whether the router is HA (a router already gone is not). */
static int
router_is_ha(const struct op *op, const char *router_id, bool *ret)
{
    struct router rt;
    int r = store_router_get(op->c, router_id, NULL, &rt);

    *ret = false;
    if (r) {
        return r == -ENOENT ? 0 : core_internal(op, r);
    }
    *ret = rt.ha;
    router_done(&rt);
    return 0;
}

/* An HA router's ports (gateway and interfaces) are bound to the host of the agent
 * that last reported it active, as Neutron binds them; before any report, and when
 * that agent leaves, to none. */
static int
bind_ha_router_ports(const struct op *op, const char *router_id, const char *active_host)
{
    return bind_router_ports(op, router_id, active_host ? active_host : "");
}

/* The host of the agent whose binding says active (the first by agent id), "" if none. */
static int
active_state(const char *agent_id, const char *state, void *aux)
{
    char **ids = aux;

    if (!*ids && STREQ(state, L3_HA_STATE_ACTIVE)) {
        *ids = xstrdup(agent_id);
    }
    return 0;
}

static int
ha_active_host(const struct op *op, const char *router_id, char ret[256])
{
    char *agent_id = NULL;
    struct agent a;
    int r = store_l3_ha_states(op->c, router_id, active_state, &agent_id);

    ret[0] = '\0';
    if (!r && agent_id) {
        r = store_agent_get(op->c, agent_id, &a);
        if (!r) {
            snprintf(ret, 256, "%s", a.host);
            agent_done(&a);
        }
        r = r == -ENOENT ? 0 : r;
    }
    free(agent_id);
    return r ? core_internal(op, r) : 0;
}

/* Floating IPs through an HA router are ACTIVE while one of its agents is alive. */
static int
set_ha_floatingip_status(const struct op *op, const char *router_id, const struct hosts *h)
{
    const struct agent *alive = NULL;

    for (size_t i = 0; i < h->n && !alive; i++) {
        if (agent_is_alive(op->app->cfg, h->a[i].heartbeat_at)) {
            alive = &h->a[i];
        }
    }
    return set_floatingip_status(op, router_id, alive);
}

static int
add_ha_router(const struct op *op, const char *router_id, const struct agent *a)
{
    struct hosts h = { NULL, 0 };
    bool bound = false;
    int r = router_ha_bind_agent(op, router_id, a, &bound);

    if (r || !bound) {
        return r;
    }
    log_info("HA router %s scheduled to the L3 agent on %.64s", router_id, a->host);
    r = hosting_agents(op, router_id, &h) || set_ha_floatingip_status(op, router_id, &h)
        || record(op, a->host, CHANGE_ROUTER_UPDATE, router_id);
    free(h.a);
    return r;
}

int
l3_add_router(const struct op *op, const char *router_id, const struct agent *a)
{
    bool ha = false;
    int r = router_is_ha(op, router_id, &ha);

    if (r || ha) {
        return r ? r : add_ha_router(op, router_id, a);
    }
    r = store_l3_bind(op->c, router_id, a->id);

    if (r == -EEXIST) {
        return 0;       /* Another server scheduled it first: its binding stands. */
    }
    if (r) {
        return core_internal(op, r);
    }
    log_info("router %s scheduled to the L3 agent on %.64s", router_id, a->host);
    return bind_router_ports(op, router_id, a->host) || set_floatingip_status(op, router_id, a)
           || record(op, a->host, CHANGE_ROUTER_UPDATE, router_id);
}

int
l3_remove_router(const struct op *op, const char *router_id, const struct agent *a)
{
    bool ha = false;
    int r = store_l3_unbind(op->c, router_id, a->id);

    if (r == -ENOENT) {
        return 0;
    }
    if (r) {
        return core_internal(op, r);
    }
    log_info("router %s removed from the L3 agent on %.64s", router_id, a->host);
    r = router_is_ha(op, router_id, &ha);
    if (!r && ha) {
        struct hosts h = { NULL, 0 };
        char active[sizeof a->host] = "";
        r = router_ha_unbind_agent(op, router_id, a->host) || hosting_agents(op, router_id, &h)
            || ha_active_host(op, router_id, active)
            || bind_ha_router_ports(op, router_id, *active ? active : NULL)
            || set_ha_floatingip_status(op, router_id, &h);
        free(h.a);
    } else if (!r) {
        r = bind_router_ports(op, router_id, "") || set_floatingip_status(op, router_id, NULL);
    }
    return r || record(op, a->host, CHANGE_ROUTER_DELETE, router_id);
}

int
l3_agent_deleting(const struct op *op, const struct agent *a)
{
    json_t *ids = json_array(), *id;
    size_t i;
    int r = store_l3_routers_of_agent(op->c, a->id, collect_id, ids);

    r = r ? core_internal(op, r) : 0;
    json_array_foreach (ids, i, id) {
        r = r ? r : l3_remove_router(op, json_string_value(id), a);
    }
    json_decref(ids);
    return r;
}

int
l3_agent_admin_changed(struct store_conn *c, const struct agent *a)
{
    enum change_kind kind = a->admin_state_up ? CHANGE_ROUTER_UPDATE : CHANGE_ROUTER_DELETE;
    json_t *ids = json_array(), *id;
    size_t i;
    int r = 0;

    if (STREQ(a->agent_type, AGENT_TYPE_L3)) {
        r = store_l3_routers_of_agent(c, a->id, collect_id, ids);
    }
    json_array_foreach (ids, i, id) {
        r = r ? r : changes_record(c, a->host, kind, json_string_value(id), "");
    }
    json_decref(ids);
    return r;
}

/* --- The scheduler ------------------------------------------------------------------ */

struct pick {
    const char *router_id;
    bool has_gateway;
    const json_t *zones;        /* router_zones() */
    bool found;
    struct agent chosen;        /* id and host only. */
};

/* Candidates come fewest routers first: the first that can host it wins. */
static int
consider_agent(const struct agent *a, void *aux)
{
    struct pick *p = aux;

    if (!p->found && l3_agent_can_host(a, p->router_id, p->has_gateway)
        && az_hints_allow(p->zones, a->availability_zone)) {
        p->found = true;
        snprintf(p->chosen.id, sizeof p->chosen.id, "%s", a->id);
        snprintf(p->chosen.host, sizeof p->chosen.host, "%s", a->host);
        p->chosen.heartbeat_at = a->heartbeat_at;
        snprintf(p->chosen.agent_type, sizeof p->chosen.agent_type, "%s", a->agent_type);
    }
    return 0;
}

/* Picks the least loaded agent for the router, if any can take it. */
static int
pick_agent(const struct op *op, const char *router_id, struct pick *p)
{
    int64_t alive_since = (int64_t) time(NULL) - op->app->cfg->agent_down_time;
    json_t *zones = NULL;
    int r;

    memset(p, 0, sizeof *p);
    p->router_id = router_id;
    if (router_has_gateway(op, router_id, &p->has_gateway)
        || router_zones(op, router_id, &zones)) {
        return -1;
    }
    p->zones = zones;
    r = store_l3_candidates(op->c, alive_since, consider_agent, p);
    json_decref(zones);
    return r ? core_internal(op, r) : 0;
}

/* HA candidates: alive, admin-up agents able to host the router, in its zones, and not
 * hosting it yet, fewest routers first ('fit', with each one's zone in 'fit_zones', ""
 * for none).  They are taken until the router has max_l3_agents_per_router (0: all):
 * in that order, or with AZLeastRoutersScheduler spread over the zones, each next
 * agent from the zone hosting the router on the fewest agents so far (ties: the zone
 * whose least-loaded agent comes first), which is Zed's round robin over zones. */
struct ha_pick {
    const char *router_id;
    bool has_gateway;
    const json_t *zones;        /* router_zones() */
    const struct hosts *now;
    struct hosts fit;
    json_t *fit_zones;
};

static int
consider_ha_agent(const struct agent *a, void *aux)
{
    struct ha_pick *p = aux;

    if (!l3_agent_can_host(a, p->router_id, p->has_gateway)
        || !az_hints_allow(p->zones, a->availability_zone)) {
        return 0;
    }
    for (size_t i = 0; i < p->now->n; i++) {
        if (STREQ(p->now->a[i].id, a->id)) {
            return 0;
        }
    }
    json_array_append_new(p->fit_zones,
                          json_string(a->availability_zone ? a->availability_zone : ""));
    return host_add(a, &p->fit);
}

/* Adds 1 to zone 'zone' in 'per_zone' (an object zone -> count). */
static void
add_to_zone(json_t *per_zone, const char *zone)
{
    json_int_t now = json_integer_value(json_object_get(per_zone, zone));

    json_object_set_new(per_zone, zone, json_integer(now + 1));
}

/* Counts the router's hosting agents per zone. */
static int
count_zone(const struct agent *a, void *aux)
{
    add_to_zone(aux, a->availability_zone ? a->availability_zone : "");
    return 0;
}

/* The index in p->fit of the next agent to take (not yet 'taken'), or -1. */
static int
next_ha_agent(const struct ha_pick *p, const bool *taken, const json_t *per_zone,
              bool spread)
{
    json_int_t best_count = 0;
    int best = -1;

    for (size_t i = 0; i < p->fit.n; i++) {
        const char *zone = json_string_value(json_array_get(p->fit_zones, i));
        json_int_t count = json_integer_value(json_object_get(per_zone, zone));
        if (taken[i]) {
            continue;
        }
        if (!spread) {
            return (int) i;
        }
        if (best < 0 || count < best_count) {
            best = (int) i;
            best_count = count;
        }
    }
    return best;
}

static int
schedule_ha_router(const struct op *op, const char *router_id, const struct hosts *now)
{
    int64_t alive_since = (int64_t) time(NULL) - op->app->cfg->agent_down_time;
    int max = op->app->cfg->max_l3_agents_per_router;
    size_t wanted = max ? (size_t) max : SIZE_MAX;
    struct ha_pick p = { router_id, false, NULL, now, { NULL, 0 }, json_array() };
    json_t *zones = NULL, *per_zone = json_object();
    bool *taken = NULL;
    int r = 0;

    if (now->n >= wanted) {
        goto out;
    }
    if (router_has_gateway(op, router_id, &p.has_gateway)
        || router_zones(op, router_id, &zones)) {
        r = -1;
        goto out;
    }
    p.zones = zones;
    r = store_l3_candidates(op->c, alive_since, consider_ha_agent, &p);
    r = r ? r : store_l3_agents_of_router(op->c, router_id, count_zone, per_zone);
    r = r ? core_internal(op, r) : 0;
    taken = xcalloc(p.fit.n + 1, sizeof *taken);
    for (size_t n = now->n; !r && n < wanted; n++) {
        int i = next_ha_agent(&p, taken, per_zone, op->app->cfg->router_scheduler_az);
        if (i < 0) {
            break;
        }
        taken[i] = true;
        add_to_zone(per_zone, json_string_value(json_array_get(p.fit_zones, (size_t) i)));
        r = add_ha_router(op, router_id, &p.fit.a[i]);
    }
out:
    free(taken);
    free(p.fit.a);
    json_decref(p.fit_zones);
    json_decref(zones);
    json_decref(per_zone);
    return r;
}

/* An HA router changed: scheduled to more agents if it has fewer than it should, its
 * ports bound to the active agent's host, its agents told. */
static int
ha_router_changed(const struct op *op, const char *router_id, bool schedule)
{
    struct hosts h = { NULL, 0 };
    char active[256];
    int r = hosting_agents(op, router_id, &h);

    if (!r && schedule) {
        r = schedule_ha_router(op, router_id, &h);
        free(h.a);
        h = (struct hosts) { NULL, 0 };
        r = r ? r : hosting_agents(op, router_id, &h);
    }
    r = r ? r : ha_active_host(op, router_id, active);
    if (!r && h.n) {
        r = bind_ha_router_ports(op, router_id, *active ? active : NULL)
            || set_ha_floatingip_status(op, router_id, &h);
    }
    for (size_t i = 0; i < h.n && !r; i++) {
        r = record(op, h.a[i].host, CHANGE_ROUTER_UPDATE, router_id);
    }
    free(h.a);
    return r;
}

static int
schedule_router(const struct op *op, const char *router_id)
{
    struct pick p;

    if (pick_agent(op, router_id, &p)) {
        return -1;
    }
    if (!p.found) {
        log_debug("router %s: no L3 agent can host it", router_id);
        return 0;
    }
    return l3_add_router(op, router_id, &p.chosen);
}

int
l3_router_changed(const struct op *op, const char *router_id, bool schedule)
{
    struct agent a;
    bool ha = false;
    int r = router_is_ha(op, router_id, &ha);

    if (r || ha) {
        return r ? r : ha_router_changed(op, router_id, schedule);
    }
    r = hosting_agent(op, router_id, &a);

    if (r < 0) {
        return -1;
    }
    if (!r) {
        return schedule ? schedule_router(op, router_id) : 0;
    }
    r = bind_router_ports(op, router_id, a.host) || set_floatingip_status(op, router_id, &a)
        || record(op, a.host, CHANGE_ROUTER_UPDATE, router_id);
    agent_done(&a);
    return r;
}

int
l3_notify_router(const struct op *op, const char *router_id)
{
    struct hosts h = { NULL, 0 };
    int r = hosting_agents(op, router_id, &h);

    for (size_t i = 0; i < h.n && !r; i++) {
        r = record(op, h.a[i].host, CHANGE_ROUTER_UPDATE, router_id);
    }
    free(h.a);
    return r;
}

int
l3_notify_gateway_network(const struct op *op, const char *network_id)
{
    json_t *ids = json_array(), *id;
    size_t i;
    int r = store_routers_with_gateway_on(op->c, network_id, collect_id, ids);

    r = r ? core_internal(op, r) : 0;
    json_array_foreach (ids, i, id) {
        r = r ? r : l3_notify_router(op, json_string_value(id));
    }
    json_decref(ids);
    return r;
}

int
l3_port_changed(const struct op *op, const struct port *p)
{
    json_t *ids = json_array(), *id;
    size_t i;
    int r = 0;

    if (p->device_owner && (STREQ(p->device_owner, ROUTER_GATEWAY_OWNER)
                            || STREQ(p->device_owner, ROUTER_INTERFACE_OWNER))
        && p->device_id && *p->device_id) {
        json_array_append_new(ids, json_string(p->device_id));
    }
    r = store_routers_of_port_floatingips(op->c, p->std.id, collect_id, ids);
    r = r ? core_internal(op, r) : 0;
    json_array_foreach (ids, i, id) {
        r = r ? r : l3_notify_router(op, json_string_value(id));
    }
    json_decref(ids);
    return r;
}

int
l3_router_deleting(const struct op *op, const char *router_id)
{
    struct hosts h = { NULL, 0 };
    int r = hosting_agents(op, router_id, &h);

    for (size_t i = 0; i < h.n && !r; i++) {
        int e = store_l3_unbind(op->c, router_id, h.a[i].id);
        r = e ? core_internal(op, e) : record(op, h.a[i].host, CHANGE_ROUTER_DELETE, router_id);
    }
    free(h.a);
    return r;
}

int
l3_auto_schedule(const struct op *op, const struct agent *a)
{
    json_t *ids = json_array(), *id;
    size_t i;
    int r = 0;

    if (!op->app->cfg->router_auto_schedule || !a->admin_state_up
        || !agent_is_alive(op->app->cfg, a->heartbeat_at)) {
        json_decref(ids);
        return 0;
    }
    r = store_l3_unscheduled(op->c, collect_id, ids);
    /* HA routers with fewer agents than they should have take this one too. */
    r = r ? r : store_l3_ha_underscheduled(op->c, a->id,
                                           op->app->cfg->max_l3_agents_per_router,
                                           collect_id, ids);
    r = r ? core_internal(op, r) : 0;
    json_array_foreach (ids, i, id) {
        const char *router_id = json_string_value(id);
        json_t *zones = NULL;
        bool gw = false;
        if (r || (r = router_has_gateway(op, router_id, &gw))
            || (r = router_zones(op, router_id, &zones))) {
            break;
        }
        if (l3_agent_can_host(a, router_id, gw)
            && az_hints_allow(zones, a->availability_zone)) {
            r = l3_add_router(op, router_id, a);
        }
        json_decref(zones);
    }
    json_decref(ids);
    return r;
}

static int
collect_pair(const char *a, const char *b, void *aux)
{
    json_array_append_new(aux, json_pack("[s,s]", a, b));
    return 0;
}

/* Moves one router off its dead agent 'dead_id', when another agent can take it. */
static int
move_router(const struct op *op, const char *router_id, const char *dead_id)
{
    struct pick p;
    struct agent dead;
    int r = store_agent_get(op->c, dead_id, &dead);

    if (r) {
        return core_internal(op, r);
    }
    r = pick_agent(op, router_id, &p);
    if (!r && p.found) {
        log_warn("moving router %s off the L3 agent on %.64s: it has not reported for %d s",
                 router_id, dead.host, 2 * op->app->cfg->agent_down_time);
        r = l3_remove_router(op, router_id, &dead) || l3_add_router(op, router_id, &p.chosen);
    }
    agent_done(&dead);
    return r;
}

int
l3_failover(const struct op *op)
{
    json_t *rows = json_array(), *row;
    size_t i;
    int r = 0;

    if (op->app->cfg->allow_automatic_l3agent_failover) {
        /* Twice agent_down_time, as Neutron: an agent only late is not yet dead. */
        r = store_l3_dead_bindings(op->c, (int64_t) time(NULL)
                                              - 2 * op->app->cfg->agent_down_time,
                                   collect_pair, rows);
        r = r ? core_internal(op, r) : 0;
    }
    json_array_foreach (rows, i, row) {
        r = r ? r : move_router(op, json_string_value(json_array_get(row, 0)),
                                json_string_value(json_array_get(row, 1)));
    }
    json_decref(rows);
    return r;
}

/* --- HA states --------------------------------------------------------------------- */

bool
l3_ha_state_valid(const char *state)
{
    return STREQ(state, L3_HA_STATE_ACTIVE) || STREQ(state, L3_HA_STATE_STANDBY);
}

int
l3_ha_state_reported(const struct op *op, const struct agent *a, const char *router_id,
                     const char *state)
{
    int r = store_l3_set_ha_state(op->c, router_id, a->id, state);

    if (r == -ENOENT) {
        return 0;       /* No longer this agent's router: the report is stale. */
    }
    if (r) {
        return core_internal(op, r);
    }
    log_info("HA router %s is %s on %.64s", router_id, state, a->host);
    /* The router's ports follow the active side, as Neutron binds them. */
    return STREQ(state, L3_HA_STATE_ACTIVE) ? bind_ha_router_ports(op, router_id, a->host) : 0;
}

static int
find_agent_state(const char *agent_id, const char *state, void *aux)
{
    const char **want = aux;

    if (*want && STREQ(agent_id, *want)) {
        *want = NULL;
    }
    return 0;
}

int
l3_ha_port_hosted_on(struct store_conn *c, const struct port *p, const char *host, bool *ret)
{
    struct router rt;
    struct agent a;
    const char *want;
    int r;

    *ret = false;
    if (!p->device_owner || !p->device_id || !*p->device_id
        || (!STREQ(p->device_owner, ROUTER_GATEWAY_OWNER)
            && !STREQ(p->device_owner, ROUTER_INTERFACE_OWNER))) {
        return 0;
    }
    r = store_router_get(c, p->device_id, NULL, &rt);
    if (r) {
        return r == -ENOENT ? 0 : r;
    }
    if (!rt.ha) {
        router_done(&rt);
        return 0;
    }
    router_done(&rt);
    r = store_agent_get_by_host(c, AGENT_TYPE_L3, host, &a);
    if (r) {
        return r == -ENOENT ? 0 : r;
    }
    want = a.id;
    r = store_l3_ha_states(c, p->device_id, find_agent_state, &want);
    *ret = !r && !want;
    agent_done(&a);
    return r;
}
