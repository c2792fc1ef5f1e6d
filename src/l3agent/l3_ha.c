/* The L3 agent's side of HA routers; see l3_ha.h. */
#include "l3_ha.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_loop.h"
#include "agent_proto.h"
#include "l3_routers.h"
#include "log.h"
#include "netns.h"
#include "util.h"

LOG_MODULE("l3-ha");

enum {
    HA_CHECK_MS = 500,          /* How often each HA router's side is read. */
};

#define KEEPALIVED_BINARY "/usr/sbin/keepalived"

void
l3_ha_init(struct l3_ha *h, const struct l3_config *cfg)
{
    memset(h, 0, sizeof *h);
    h->cfg = cfg;
    h->ko = (struct keepalived_options) {
        .binary = KEEPALIVED_BINARY, .confs_dir = cfg->ha_confs_path,
        .advert_int = cfg->ha_vrrp_advert_int, .auth_type = cfg->ha_vrrp_auth_type,
        .auth_password = cfg->ha_vrrp_auth_password,
    };
    l3_model_init(&h->model);
    h->states = json_object();
    h->unsent = json_object();
}

void
l3_ha_done(struct l3_ha *h)
{
    l3_model_done(&h->model);
    json_decref(h->states);
    json_decref(h->unsent);
}

/* The namespace of router 'id' (-errno if it cannot be opened). */
static int
router_netns(const struct l3_ha *h, const char *id)
{
    char name[L3_NS_SIZE];

    snprintf(name, sizeof name, "%s%s", h->cfg->namespace_prefix, id);
    return netns_open(name);
}

/* --- keepalived follows the hosted routers ------------------------------------------ */

struct stop_walk {
    struct l3_ha *h;
    const json_t *hosted;
    const struct l3_scope *scope;
};

static bool
hosted_ha(const struct l3_model *m, const char *id)
{
    for (size_t i = 0; i < m->n_routers; i++) {
        if (!strcmp(m->routers[i].id, id)) {
            return m->routers[i].ha && m->routers[i].admin_state_up;
        }
    }
    return false;
}

static void
stop_unhosted(const char *router_id, void *aux)
{
    struct stop_walk *w = aux;
    int r;

    if (!l3_scope_has(w->scope, router_id) || hosted_ha(&w->h->model, router_id)) {
        return;
    }
    r = keepalived_stop(&w->h->ko, router_id);
    if (r) {
        log_warn("router=%s: cannot stop its keepalived: %s", router_id, strerror(-r));
    }
    json_object_del(w->h->states, router_id);
    json_object_del(w->h->unsent, router_id);
}

static void
ensure_router(struct l3_ha *h, const struct l3_router *r, json_t *failed)
{
    bool started = false;
    int fd = router_netns(h, r->id);
    int rc = fd < 0 ? fd : keepalived_ensure(&h->ko, fd, r, &started);

    if (fd >= 0) {
        close(fd);
    }
    if (rc) {
        log_warn("router=%s: keepalived: %s%s", r->id, strerror(-rc),
                 rc == -ENOENT ? " (Debian: apt-get install keepalived)" : "");
        json_object_set_new(failed, r->id, json_true());
    }
}

void
l3_ha_reconcile(struct l3_ha *h, const json_t *hosted, const struct l3_scope *scope,
                json_t *failed)
{
    struct stop_walk w = { h, hosted, scope };
    char reason[512];

    l3_model_done(&h->model);
    l3_model_init(&h->model);
    if (l3_routers_model(hosted, &h->model, reason, sizeof reason)) {
        /* l3_agent.c refused such routers before applying: nothing new to say. */
        log_debug("HA routers: %s", reason);
        l3_model_done(&h->model);
        l3_model_init(&h->model);
        return;
    }
    for (size_t i = 0; i < h->model.n_routers; i++) {
        const struct l3_router *r = &h->model.routers[i];
        if (r->ha && r->admin_state_up && l3_scope_has(scope, r->id)
            && !json_object_get(failed, r->id)) {
            ensure_router(h, r, failed);
        }
    }
    (void) keepalived_each(&h->ko, stop_unhosted, &w);
    h->next_check_ms = 0;       /* Look at the sides at once. */
}

void
l3_ha_stop_all(struct l3_ha *h)
{
    l3_model_done(&h->model);
    l3_model_init(&h->model);
    struct stop_walk w = { h, NULL, NULL };
    (void) keepalived_each(&h->ko, stop_unhosted, &w);
}

/* --- Sides and reports ------------------------------------------------------------------ */

/* Gratuitous ARP for the gateway's and the floating IPs' IPv4 addresses, now that this
 * side holds them (one round unless send_arp_for_ha is 0; keepalived sends its own
 * too, and again garp_master_delay later). */
static void
announce(const struct l3_ha *h, int netns_fd, const struct l3_router *r)
{
    char dev[IFNAMSIZ];

    if (!r->has_gateway) {
        return;
    }
    l3_dev_name(L3_GW_PREFIX, r->gateway.id, dev);
    for (size_t i = 0; i < r->gateway.n_fixed_ips && h->cfg->send_arp_for_ha; i++) {
        if (r->gateway.fixed_ips[i].address.family == 4) {
            (void) l3_garp_send(netns_fd, dev, r->gateway.mac, &r->gateway.fixed_ips[i].address);
        }
    }
    for (size_t i = 0; i < r->n_floating_ips && h->cfg->send_arp_for_ha; i++) {
        (void) l3_garp_send(netns_fd, dev, r->gateway.mac, &r->floating_ips[i].floating);
    }
}

/* Reads router 'r''s side; a change is queued for the server. */
static void
check_router(struct l3_ha *h, const struct l3_router *r)
{
    const char *was = json_string_value(json_object_get(h->states, r->id));
    const char *now;
    int fd = router_netns(h, r->id);
    int active = fd < 0 ? fd : keepalived_is_active(fd, r);

    if (active < 0) {
        if (fd >= 0) {
            close(fd);
        }
        return;                 /* Not laid out yet, or going: the next check sees. */
    }
    now = active ? AGENT_HA_ACTIVE : AGENT_HA_STANDBY;
    if (!was || strcmp(was, now)) {
        log_info("router=%s is %s here", r->id, now);
        if (active) {
            announce(h, fd, r);
        }
        json_object_set_new(h->states, r->id, json_string(now));
        /* The first look after a start is news only if the server thinks otherwise. */
        if (was || strcmp(r->ha_state, now)) {
            json_object_set_new(h->unsent, r->id, json_string(now));
        }
    }
    close(fd);
}

static int
send_states(struct l3_ha *h, struct server_client *sc)
{
    json_t *body = json_pack("{s:s,s:O}", "host", h->cfg->host, AGENT_FIELD_HA_STATES,
                             h->unsent);
    json_t *ans = NULL;
    int r = server_call(sc, "POST", AGENT_PATH_L3_HA_STATES, body, 0, &ans, NULL);

    json_decref(body);
    json_decref(ans);
    if (r) {
        log_warn("cannot report %zu HA router states: %s; trying again",
                 json_object_size(h->unsent), strerror(-r));
        return r;
    }
    json_object_clear(h->unsent);
    return 0;
}

int64_t
l3_ha_tick(struct l3_ha *h, struct server_client *sc)
{
    int64_t now = agent_loop_now_ms();
    bool any = false;

    for (size_t i = 0; i < h->model.n_routers; i++) {
        any |= h->model.routers[i].ha && h->model.routers[i].admin_state_up;
    }
    if (!any && !json_object_size(h->unsent)) {
        return INT64_MAX;
    }
    if (now >= h->next_check_ms) {
        json_t *failed = json_object();
        for (size_t i = 0; i < h->model.n_routers; i++) {
            const struct l3_router *r = &h->model.routers[i];
            if (!r->ha || !r->admin_state_up) {
                continue;
            }
            /* A keepalived that died is started again, as Neutron's process monitor
             * respawns it (it comes back as a backup: nopreempt). */
            if (!keepalived_pid(&h->ko, r->id)) {
                log_warn("router=%s: its keepalived is not running; starting it", r->id);
                ensure_router(h, r, failed);
            }
            check_router(h, r);
        }
        json_decref(failed);
        if (json_object_size(h->unsent)) {
            (void) send_states(h, sc);
        }
        h->next_check_ms = now + HA_CHECK_MS;
    }
    return h->next_check_ms;
}
