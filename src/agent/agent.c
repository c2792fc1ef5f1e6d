/* The linux-bridge agent's loop (see agent.h): wires the ports bound to this host onto
 * Linux bridges.
 *
 * One thread watches the kernel (rtnetlink link events: a tap appears or goes away) and
 * does all the work; a second one (feed.c) long-polls the change feed (a port of ours
 * changed, a network was deleted, VTEPs moved) and hands what it hears to the first
 * through a queue and an eventfd.  Work is batched: every tap that appeared since the
 * last round is asked about in one request, wired, and reported up in one more.
 * Between the two, the node's firewall is brought up to date (node_firewall.h): a port
 * is reported up only once its security groups are enforced; the feed's changes to the
 * groups the node uses re-apply it the same way.
 *
 * Convergence: at start, after the server comes back, when the server says the agent
 * was dead ("revived") or the feed was lost ("resync"), and every 30 polling intervals
 * (a minute by default) as a safety net, the agent compares the kernel with the server
 * both ways (agent_loop.h decides when): every tap is wired again (a no-op when
 * nothing differs), ports the server thinks are up but have no tap are reported down,
 * bridges of deleted networks and bridges left without taps are removed, and the
 * firewall re-reads the kernel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agent.h"
#include "agent_proto.h"
#include "array.h"
#include "agent_loop.h"
#include "config.h"
#include "log.h"
#include "nl.h"
#include "node_firewall.h"
#include "server_client.h"
#include "util.h"
#include "wire.h"

LOG_MODULE("agent");

#define AGENT_BINARY "neutron-linuxbridge-agent"

enum {
    BATCH = 256,                /* Devices per request. */
    SCANS_PER_POLL = 30,        /* Safety-net full comparison every 30 polling
                                 * intervals: events do the real work. */
    RETRY_MS = 1000,
};

/* A set of short strings (device or network names), insertion-ordered. */
struct strset {
    char (*items)[40];
    size_t n, cap;
};

static bool
strset_has(const struct strset *s, const char *v)
{
    for (size_t i = 0; i < s->n; i++) {
        if (STREQ(s->items[i], v)) {
            return true;
        }
    }
    return false;
}

static void
strset_add(struct strset *s, const char *v)
{
    if (strset_has(s, v)) {
        return;
    }
    s->items = array_grow(s->items, s->n, &s->cap, sizeof *s->items);
    snprintf(s->items[s->n++], sizeof s->items[0], "%s", v);
}

static void
strset_remove(struct strset *s, const char *v)
{
    for (size_t i = 0; i < s->n; i++) {
        if (STREQ(s->items[i], v)) {
            memmove(&s->items[i], &s->items[i + 1], (s->n - i - 1) * sizeof s->items[0]);
            s->n--;
            return;
        }
    }
}

/* A tap on this node and what we last learnt of its port. */
struct tap {
    char name[IFNAMSIZ];
    int ifindex;
    char network_id[40];        /* "" until details arrived. */
    char network_type[16];
    int64_t segmentation_id;
};

struct agent {
    const struct agent_config *cfg;
    struct nl *nl;              /* Requests (main thread). */
    struct nl *mon;             /* Link events. */
    struct wire wire;
    struct server_client *sc;   /* The loop's client. */

    struct tap *taps;
    size_t n_taps, cap_taps;
    struct strset pending;      /* Taps to (re)wire. */
    struct strset removed;      /* Taps gone: report down. */
    struct strset check_bridges;/* Bridges that may have lost their last tap. */
    struct strset l2pop;        /* Vxlan networks whose forwarding entries to refresh. */
    struct strset held;         /* Wired, not reported up yet: waiting for the firewall
                                 * (applied once all pending taps are wired), or its
                                 * apply failed. */
    bool l2pop_all;

    struct node_firewall firewall;  /* Security groups on this node's ports. */

    struct agent_loop *loop;    /* Heartbeats, the change feed, retries, signals. */
};

static struct tap *
tap_find(struct agent *a, const char *name)
{
    for (size_t i = 0; i < a->n_taps; i++) {
        if (STREQ(a->taps[i].name, name)) {
            return &a->taps[i];
        }
    }
    return NULL;
}

static struct tap *
tap_add(struct agent *a, const char *name, int ifindex)
{
    struct tap *t = tap_find(a, name);

    if (!t) {
        a->taps = array_grow(a->taps, a->n_taps, &a->cap_taps, sizeof *a->taps);
        t = &a->taps[a->n_taps++];
        memset(t, 0, sizeof *t);
        snprintf(t->name, sizeof t->name, "%s", name);
    }
    t->ifindex = ifindex;
    return t;
}

static void
tap_forget(struct agent *a, const char *name)
{
    struct tap *t = tap_find(a, name);

    if (t) {
        node_firewall_set_port(&a->firewall, name, NULL);
        *t = a->taps[--a->n_taps];
    }
}

static bool
is_tap(const char *name)
{
    return str_startswith(name, "tap") && name[3];
}

/* --- Talking to the server ------------------------------------------------------- */

static json_t *
configurations(struct agent *a)
{
    json_t *mappings = json_object();
    json_t *conf;

    for (size_t i = 0; i < a->cfg->n_mappings; i++) {
        json_object_set_new(mappings, a->cfg->mappings[i].physnet,
                            json_string(a->cfg->mappings[i].iface));
    }
    conf = json_pack("{s:[],s:{},s:o,s:I}", "extensions", "bridge_mappings",
                     "interface_mappings", mappings, "devices", (json_int_t) a->n_taps);
    if (a->cfg->enable_vxlan) {
        json_object_set_new(conf, "tunneling_ip", json_string(a->cfg->local_ip));
        json_object_set_new(conf, "tunnel_types", json_pack("[s]", "vxlan"));
        json_object_set_new(conf, "l2_population", json_boolean(a->cfg->l2_population));
    }
    if (a->wire.vlan_unsupported || a->firewall.missing[0]) {
        /* Visible to operators in `openstack network agent show`. */
        json_t *missing = json_array();
        if (a->wire.vlan_unsupported) {
            json_array_append_new(missing, json_string("8021q (vlan)"));
        }
        if (a->firewall.missing[0]) {
            json_array_append_new(missing, json_string(a->firewall.missing));
        }
        json_object_set_new(conf, "kernel_missing", missing);
    }
    node_firewall_describe(&a->firewall, conf);
    return conf;
}

/* The heartbeat's state. */
static json_t *
report_state(void *agent)
{
    struct agent *a = agent;

    return json_pack("{s:s,s:s,s:s,s:s,s:o}", "agent_type", AGENT_TYPE_LINUXBRIDGE, "binary",
                     AGENT_BINARY, "host", a->cfg->host, "topic", "N/A", "configurations",
                     configurations(a));
}

/* Reports taps up and down in one request. */
static int
report_status(struct agent *a, json_t *up, json_t *down)
{
    json_t *body, *ans = NULL;
    int r;

    if (!json_array_size(up) && !json_array_size(down)) {
        json_decref(up);
        json_decref(down);
        return 0;
    }
    body = json_pack("{s:s,s:o,s:o}", "host", a->cfg->host, "up", up, "down", down);
    r = server_call(a->sc, "POST", AGENT_PATH_DEVICES_STATUS, body, 0, &ans, NULL);
    json_decref(body);
    json_decref(ans);
    return r;
}

/* --- Wiring ---------------------------------------------------------------------- */

/* Brings the firewall up to date if needed, then lets 'up' (taps wired) and the taps
 * held back before be reported up; if it fails, they are all held back instead (a
 * port is ACTIVE only once its rules are in the kernel).  Returns the apply's result. */
static int
enforce_then_up(struct agent *a, json_t *up)
{
    json_t *name;
    size_t i;
    int r = 0;

    if (a->firewall.dirty || a->firewall.resync) {
        r = node_firewall_apply(&a->firewall, a->sc, a->cfg->host);
    }
    if (r) {
        json_array_foreach (up, i, name) {
            strset_add(&a->held, json_string_value(name));
        }
        json_array_clear(up);
        return r;
    }
    for (i = 0; i < a->held.n; i++) {
        if (tap_find(a, a->held.items[i])) {
            json_array_append_new(up, json_string(a->held.items[i]));
        }
    }
    a->held.n = 0;
    return 0;
}

/* Wires up to BATCH pending taps.  Those to report up wait in 'held' for the firewall:
 * flush() applies it once for every batch (each apply costs a pass over the whole
 * model and the kernel's tables, so one per batch made a start with a thousand taps
 * four times slower) and only then reports them up.  Taps that failed are reported
 * down now. */
static int
process_pending(struct agent *a)
{
    size_t n = a->pending.n < BATCH ? a->pending.n : BATCH;
    json_t *names = json_array(), *body, *ans = NULL, *d, *down;
    size_t i;
    int r;

    if (!n) {
        json_decref(names);
        return 0;
    }
    for (i = 0; i < n; i++) {
        json_array_append_new(names, json_string(a->pending.items[i]));
    }
    body = json_pack("{s:s,s:o}", "host", a->cfg->host, "devices", names);
    r = server_call(a->sc, "POST", AGENT_PATH_DEVICES, body, 0, &ans, NULL);
    json_decref(body);
    if (r) {
        return r;
    }
    down = json_array();
    json_array_foreach (json_object_get(ans, "devices"), i, d) {
        const char *dev = json_string_value(json_object_get(d, "device"));
        struct tap *t = dev ? tap_find(a, dev) : NULL;
        char reason[256];
        if (!dev || !t) {
            continue;   /* Gone meanwhile: the removal reports it. */
        }
        strset_remove(&a->held, dev);  /* Up again below if it still should be. */
        if (!json_object_get(d, "mac_address")) {
            log_debug("%s: no port of this host (not bound here, or unknown)", dev);
            node_firewall_set_port(&a->firewall, dev, NULL);
            continue;
        }
        if (wire_plug(&a->wire, d, reason, sizeof reason)) {
            log_err("%s: cannot wire port %s: %s", dev,
                    json_string_value(json_object_get(d, "port_id")), reason);
            node_firewall_set_port(&a->firewall, dev, NULL);
            json_array_append_new(down, json_string(dev));
            continue;
        }
        node_firewall_set_port(&a->firewall, dev, d);
        snprintf(t->network_id, sizeof t->network_id, "%s",
                 json_string_value(json_object_get(d, "network_id")));
        snprintf(t->network_type, sizeof t->network_type, "%s",
                 json_string_value(json_object_get(d, "network_type")));
        t->segmentation_id = json_integer_value(json_object_get(d, "segmentation_id"));
        if (STREQ(t->network_type, "vxlan")) {
            strset_add(&a->l2pop, t->network_id);
        }
        if (json_is_true(json_object_get(d, "admin_state_up"))) {
            strset_add(&a->held, dev);
            log_info("%s: port %s wired into brq%.11s (%s)", dev,
                     json_string_value(json_object_get(d, "port_id")), t->network_id,
                     t->network_type);
        } else {
            log_info("%s: port %s is administratively down", dev,
                     json_string_value(json_object_get(d, "port_id")));
        }
    }
    json_decref(ans);
    r = report_status(a, json_array(), down);
    if (!r) {
        for (i = 0; i < n; i++) {
            strset_remove(&a->pending, a->pending.items[0]);
        }
    }
    return r;
}

struct bridge_use {
    int bridge;
    bool has_tap;
};

static void
note_tap_member(const struct nl_link *link, void *aux)
{
    struct bridge_use *u = aux;

    if (link->master == u->bridge && is_tap(link->name)) {
        u->has_tap = true;
    }
}

/* Removes the bridge of a network when no tap is left in it. */
static void
remove_bridge_if_unused(struct agent *a, const char *bridge)
{
    struct bridge_use u = { 0, false };
    struct nl_link link;

    if (nl_link_get(a->nl, bridge, &link) || !STREQ(link.kind, "bridge")) {
        return;
    }
    u.bridge = link.ifindex;
    if (nl_link_dump(a->nl, note_tap_member, &u) == 0 && !u.has_tap) {
        wire_remove_bridge(&a->wire, bridge);
    }
}

static int
process_removed(struct agent *a)
{
    json_t *down = json_array();
    int r;

    if (a->removed.n) {
        for (size_t i = 0; i < a->removed.n; i++) {
            json_array_append_new(down, json_string(a->removed.items[i]));
        }
        r = report_status(a, json_array(), down);
        if (r) {
            return r;
        }
        for (size_t i = 0; i < a->removed.n; i++) {
            log_info("%s: gone, reported down", a->removed.items[i]);
        }
        a->removed.n = 0;
    } else {
        json_decref(down);
    }
    /* A network's bridge and uplink go when its last tap on this node has gone. */
    for (size_t i = 0; i < a->check_bridges.n; i++) {
        remove_bridge_if_unused(a, a->check_bridges.items[i]);
    }
    a->check_bridges.n = 0;
    return 0;
}

static void
refresh_l2pop(struct agent *a)
{
    if (!a->cfg->enable_vxlan || !a->cfg->l2_population) {
        a->l2pop.n = 0;
        a->l2pop_all = false;
        return;
    }
    if (a->l2pop_all) {
        for (size_t i = 0; i < a->n_taps; i++) {
            if (STREQ(a->taps[i].network_type, "vxlan")) {
                strset_add(&a->l2pop, a->taps[i].network_id);
            }
        }
        a->l2pop_all = false;
    }
    while (a->l2pop.n) {
        const char *net = a->l2pop.items[0];
        char dev[IFNAMSIZ];
        json_t *ans = NULL;
        int64_t vni = -1;

        for (size_t i = 0; i < a->n_taps; i++) {
            if (STREQ(a->taps[i].network_id, net)) {
                vni = a->taps[i].segmentation_id;
            }
        }
        if (vni >= 0) {
            char *path = xasprintf(AGENT_PATH_L2POP "?" AGENT_PARAM_HOST "=%s&"
                                   AGENT_FIELD_NETWORK_ID "=%s", a->cfg->host, net);
            int r = server_call(a->sc, "GET", path, NULL, 0, &ans, NULL);
            free(path);
            if (r) {
                agent_loop_resync(a->loop);
                return;
            }
            wire_vxlan_name(vni, dev);
            r = wire_l2pop(&a->wire, dev, json_object_get(ans, "vteps"));
            if (r) {
                log_err("%s: cannot set forwarding entries: %s", dev, strerror(-r));
            }
            json_decref(ans);
        }
        strset_remove(&a->l2pop, net);
    }
}

/* --- Full comparison ------------------------------------------------------------- */

struct scan {
    struct agent *a;
    struct strset present;
    struct strset bridges;
};

static void
scan_link(const struct nl_link *link, void *aux)
{
    struct scan *s = aux;

    if (is_tap(link->name)) {
        struct tap *t = tap_find(s->a, link->name);
        if (!t || t->ifindex != link->ifindex) {
            tap_add(s->a, link->name, link->ifindex);
        }
        strset_add(&s->present, link->name);
    } else if (STREQ(link->kind, "bridge") && str_startswith(link->name, "brq")) {
        strset_add(&s->bridges, link->name);
    }
}

static int
full_sync(void *agent, int64_t *seq)
{
    struct agent *a = agent;
    struct scan s = { a, { NULL, 0, 0 }, { NULL, 0, 0 } };
    char *path = xasprintf(AGENT_PATH_SYNC "?" AGENT_PARAM_HOST "=%s", a->cfg->host);
    json_t *ans = NULL, *p, *n;
    size_t i;
    int r;

    r = nl_link_dump(a->nl, scan_link, &s);
    if (r) {
        log_err("cannot list links: %s", strerror(-r));
        goto out;
    }
    r = server_call(a->sc, "GET", path, NULL, 0, &ans, NULL);
    if (r) {
        goto out;
    }
    /* Taps known before but gone now. */
    for (i = 0; i < a->n_taps;) {
        if (!strset_has(&s.present, a->taps[i].name)) {
            if (a->taps[i].network_id[0]) {
                char bridge[IFNAMSIZ];
                wire_bridge_name(a->taps[i].network_id, bridge);
                strset_add(&a->check_bridges, bridge);
            }
            strset_add(&a->removed, a->taps[i].name);
            tap_forget(a, a->taps[i].name);
        } else {
            i++;
        }
    }
    /* Every present tap is wired again: a no-op where nothing differs. */
    for (i = 0; i < s.present.n; i++) {
        strset_add(&a->pending, s.present.items[i]);
    }
    /* Ports the server has bound here whose tap is missing: down. */
    json_array_foreach (json_object_get(ans, "ports"), i, p) {
        const char *dev = json_string_value(json_object_get(p, "device"));
        const char *status = json_string_value(json_object_get(p, "status"));
        if (dev && !strset_has(&s.present, dev) && status && !STREQ(status, "DOWN")) {
            strset_add(&a->removed, dev);
        }
    }
    /* Bridges of networks that no longer exist, or with no tap left. */
    for (i = 0; i < s.bridges.n; i++) {
        const char *b = s.bridges.items[i];
        bool exists = false;
        size_t j;
        json_array_foreach (json_object_get(ans, "networks"), j, n) {
            const char *id = json_string_value(n);
            exists = exists || (id && !strncmp(id, b + 3, strlen(b + 3)));
        }
        if (!exists) {
            log_info("bridge %s belongs to no existing network: removing it", b);
            wire_remove_bridge(&a->wire, b);
        } else {
            remove_bridge_if_unused(a, b);
        }
    }
    *seq = json_integer_value(json_object_get(ans, AGENT_FIELD_SEQ));
    a->l2pop_all = true;
    /* The firewall compares with the kernel too, even with no port left. */
    a->firewall.resync = true;
    log_info("synchronised: %zu taps, %zu bound ports", s.present.n,
             json_array_size(json_object_get(ans, "ports")));
out:
    free(path);
    json_decref(ans);
    free(s.present.items);
    free(s.bridges.items);
    return r;
}

/* --- Events ---------------------------------------------------------------------- */

static void
on_link(const struct nl_link *link, bool removed, void *aux)
{
    struct agent *a = aux;
    struct tap *t;

    if (!is_tap(link->name)) {
        return;
    }
    t = tap_find(a, link->name);
    if (removed) {
        if (t && t->ifindex == link->ifindex) {
            if (t->network_id[0]) {
                char bridge[IFNAMSIZ];
                wire_bridge_name(t->network_id, bridge);
                strset_add(&a->check_bridges, bridge);
            }
            strset_add(&a->removed, link->name);
            strset_remove(&a->pending, link->name);
            tap_forget(a, link->name);
        }
    } else if (!t || t->ifindex != link->ifindex) {
        /* New (or deleted and made again between two looks). */
        tap_add(a, link->name, link->ifindex);
        strset_remove(&a->removed, link->name);
        strset_add(&a->pending, link->name);
    }
}

/* Applies what the feed heard (a pending comparison would re-wire the same taps). */
static void
apply_changes(void *agent, const json_t *changes, bool sync_pending)
{
    struct agent *a = agent;
    size_t i;
    json_t *c;

    (void) sync_pending;
    json_array_foreach (changes, i, c) {
        enum change_kind kind =
            change_kind_parse(json_string_value(json_object_get(c, AGENT_FIELD_KIND)));
        const char *id = json_string_value(json_object_get(c, AGENT_FIELD_ID));
        const char *net = json_string_value(json_object_get(c, AGENT_FIELD_NETWORK_ID));
        char dev[IFNAMSIZ], bridge[IFNAMSIZ];
        if (!id) {
            continue;
        }
        switch (kind) {
        case CHANGE_PORT_UPDATE:
        case CHANGE_PORT_DELETE:
            snprintf(dev, sizeof dev, "tap%.11s", id);
            if (tap_find(a, dev)) {
                strset_add(&a->pending, dev);
            }
            break;
        case CHANGE_NETWORK_UPDATE:
            for (size_t j = 0; j < a->n_taps; j++) {
                if (STREQ(a->taps[j].network_id, id)) {
                    strset_add(&a->pending, a->taps[j].name);
                }
            }
            break;
        case CHANGE_NETWORK_DELETE:
            wire_bridge_name(id, bridge);
            wire_remove_bridge(&a->wire, bridge);
            for (size_t j = 0; j < a->n_taps; j++) {
                if (STREQ(a->taps[j].network_id, id)) {
                    a->taps[j].network_id[0] = '\0';
                }
            }
            break;
        case CHANGE_FDB:
            if (net) {
                strset_add(&a->l2pop, net);
            }
            break;
        case CHANGE_FDB_ALL:
            a->l2pop_all = true;
            break;
        case CHANGE_SG_RULES:
        case CHANGE_SG_MEMBERS:
            node_firewall_group_changed(&a->firewall, kind, id);
            break;
        case CHANGE_DHCP_NETWORK:   /* The DHCP agents' audience. */
        case CHANGE_DHCP_PORT:
        case CHANGE_ROUTER_UPDATE:  /* The L3 agents'. */
        case CHANGE_ROUTER_DELETE:
        case CHANGE_UNKNOWN:        /* A newer server's kind. */
        case CHANGE_KIND_COUNT:
            break;
        }
    }
}

/* --- Start-up and the loop ------------------------------------------------------- */

static int
check_node(struct agent *a)
{
    const struct agent_config *cfg = a->cfg;
    struct nl_link link;

    for (size_t i = 0; i < cfg->n_mappings; i++) {
        if (nl_link_get(a->nl, cfg->mappings[i].iface, &link)) {
            log_err("interface %s (physical network %s) does not exist", cfg->mappings[i].iface,
                    cfg->mappings[i].physnet);
            return -1;
        }
    }
    if (cfg->enable_vxlan) {
        if (!cfg->local_ip || !*cfg->local_ip
            || nl_addr_owner(a->nl, cfg->local_ip, &a->wire.vtep_ifindex)) {
            log_err("Tunneling cannot be enabled without the local_ip bound to an interface on"
                    " the host ([vxlan] local_ip = %s); set [vxlan] enable_vxlan = false for a"
                    " node without vxlan", cfg->local_ip ? cfg->local_ip : "(unset)");
            return -1;
        }
    }
    return 0;
}

/* Everything queued for the server: taps to wire, taps gone, forwarding entries. */
static int
flush(void *agent)
{
    struct agent *a = agent;
    int r = 0;

    while (!r && a->pending.n) {
        r = process_pending(a);
        /* A start wires a thousand taps and applies their rules in seconds: without
         * heartbeats meanwhile the server would think the agent dead, and its answer
         * "revived" would ask for a second full comparison of the same work. */
        agent_loop_keepalive(a->loop);
    }
    r = r ? r : process_removed(a);
    if (!r) {
        refresh_l2pop(a);
    }
    /* Taps just wired, rules and members that changed, taps that went, a full
     * comparison, a failure to try again (the loop retries while this fails). */
    if (!r && (a->firewall.dirty || a->firewall.resync || a->held.n)) {
        json_t *up = json_array();
        if (enforce_then_up(a, up)) {
            json_decref(up);
            /* A kernel lacking br_netfilter stays so: retrying (and comparing
             * everything) every second would change nothing. */
            return a->firewall.missing[0] ? 0 : -EAGAIN;
        }
        r = report_status(a, up, json_array());
        agent_loop_keepalive(a->loop);
    }
    return r;
}

static void
keep_alive(void *loop)
{
    agent_loop_keepalive(loop);
}

static void
watch(void *agent, struct agent_loop *loop)
{
    agent_loop_watch(loop, nl_fd(((struct agent *) agent)->mon));
}

/* Link events (the only descriptor this agent adds). */
static void
on_fd(void *agent, int fd)
{
    struct agent *a = agent;

    (void) fd;
    if (nl_monitor_read(a->mon, on_link, a) == -ENOBUFS) {
        log_warn("link events were lost: comparing everything");
        agent_loop_resync(a->loop);
    }
}

static const struct agent_loop_ops loop_ops = {
    .report_state = report_state,
    .full_sync = full_sync,
    .flush = flush,
    .on_changes = apply_changes,
    .watch = watch,
    .on_fd = on_fd,
};

int
agent_run(const struct agent_config *cfg)
{
    const struct agent_loop_config loop_cfg = {
        .log_module = log_module_,
        .server = &cfg->server,
        .host = cfg->host,
        .audience = AUDIENCE_L2,
        .report_interval = cfg->report_interval,
        .retry_ms = RETRY_MS,
        .sync_every_ms = (int64_t) cfg->polling_interval * SCANS_PER_POLL * 1000,
        .stop_note = NULL,
    };
    struct agent a;
    int status = 1;

    memset(&a, 0, sizeof a);
    a.cfg = cfg;
    node_firewall_init(&a.firewall, cfg->firewall);
    a.loop = agent_loop_create(&loop_cfg, &loop_ops, &a);
    if (!a.loop || nl_open(&a.nl) || nl_monitor_open(&a.mon)) {
        log_err("cannot open netlink sockets: %s", strerror(errno));
        goto out;
    }
    a.wire.cfg = cfg;
    a.wire.nl = a.nl;
    if (check_node(&a)) {
        goto out;
    }
    node_firewall_check_kernel(&a.firewall);
    a.sc = agent_loop_client(a.loop);
    /* Heartbeats go on while a long apply runs (a start with a thousand ports). */
    a.firewall.while_waiting = keep_alive;
    a.firewall.while_waiting_aux = a.loop;
    log_info("neutrino-linuxbridge-agent on host %s: mappings %s, vxlan %s%s, security groups"
             " %s", cfg->host,
             *cfg->physical_interface_mappings ? cfg->physical_interface_mappings : "none",
             cfg->enable_vxlan ? "on, local_ip " : "off",
             cfg->enable_vxlan ? cfg->local_ip : "", cfg->firewall ? "on" : "off");
    status = agent_loop_run(a.loop);
out:
    agent_loop_destroy(a.loop);
    nl_close(a.nl);
    nl_close(a.mon);
    free(a.taps);
    free(a.pending.items);
    free(a.removed.items);
    free(a.check_bridges.items);
    free(a.l2pop.items);
    free(a.held.items);
    node_firewall_done(&a.firewall);
    log_info("stopped");
    return status;
}
