/* The agent API: what Neutron's agents do over RPC, as HTTP+JSON (paths and field
 * names in agent_proto.h).  Only callers with the admin or service role reach it (any
 * caller with auth_strategy = noauth).
 *
 *   POST /agent/v1/report          heartbeat; creates/updates the agent record (what
 *                                  only time brings, a dead agent's networks moving and
 *                                  the feed's pruning, is housekeeping.h's)
 *   POST /agent/v1/devices         details of tap devices (binds, sets BUILD)
 *   POST /agent/v1/devices/status  devices up (-> ACTIVE) and down (-> DOWN)
 *   GET  /agent/v1/changes         the change feed after a sequence number (long-poll)
 *   GET  /agent/v1/sync            everything bound to a host, and every network id
 *   GET  /agent/v1/l2pop           remote VTEPs and ports of a vxlan network */
#include "agent_rpc.h"
#include "rpc_util.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent_proto.h"
#include "app.h"
#include "config.h"
#include "core/changes.h"
#include "dhcp/dhcp_sched.h"
#include "l3/l3_sched.h"
#include "http/errors.h"
#include "request.h"
#include "log.h"
#include "ml2/mech_linuxbridge.h"
#include "ml2/provisioning.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("agentapi");

enum {
    MAX_DEVICES = 4096,         /* Per request. */
    MAX_CHANGES = 512,          /* Per answer. */
    DEFAULT_WAIT_S = 30,
    MAX_WAIT_S = 60,
};

static const char *const known_agent_types[] = {
    AGENT_TYPE_LINUXBRIDGE, AGENT_TYPE_DHCP, AGENT_TYPE_L3,
};

/* --- Helpers --------------------------------------------------------------------- */

static void
agent_time(time_t t, char out[AGENT_TIME_LEN])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, AGENT_TIME_LEN, "%Y-%m-%d %H:%M:%S", &tm);
}

/* --- report ---------------------------------------------------------------------- */

/* True if the agent's tunneling_ip differs between two configuration texts. */
static bool
vtep_changed(const char *old_conf, const json_t *new_conf)
{
    json_t *old = json_loads(old_conf ? old_conf : "{}", 0, NULL);
    bool changed = !json_equal(json_object_get(old, "tunneling_ip"),
                               json_object_get(new_conf, "tunneling_ip"));

    json_decref(old);
    return changed;
}

int
agent_rpc_report(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    const json_t *state, *conf, *versions, *zone;
    const char *type = NULL, *host, *binary, *topic;
    char *conf_text, *versions_text = NULL;
    int64_t now = (int64_t) time(NULL), first, last;
    const char *outcome = "alive";
    struct agent a;
    json_t *body;
    bool vteps = false;
    int r;

    if (!c || rpc_check_caller(req) || !(body = rpc_object_body(req))) {
        return -1;
    }
    state = json_object_get(body, "agent");
    conf = json_object_get(state, "configurations");
    versions = json_object_get(state, "resource_versions");
    zone = json_object_get(state, "availability_zone");
    for (size_t i = 0; i < ARRAY_SIZE(known_agent_types); i++) {
        const char *t = json_string_value(json_object_get(state, "agent_type"));
        type = t && STREQ(t, known_agent_types[i]) ? known_agent_types[i] : type;
    }
    host = rpc_host_value(json_object_get(state, "host"));
    binary = json_string_value(json_object_get(state, "binary"));
    topic = json_string_value(json_object_get(state, "topic"));
    if (!type || !host || !binary || strlen(binary) >= sizeof a.binary || !json_is_object(conf)
        || (topic && strlen(topic) >= sizeof a.topic) || (zone && !json_is_null(zone)
                                                          && !json_is_string(zone))
        || (versions && !json_is_object(versions))) {
        json_decref(body);
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "An agent report needs agent_type (a"
                        " known one), host, binary and a configurations object.");
    }
    memset(&a, 0, sizeof a);
    conf_text = json_dumps(conf, JSON_COMPACT);
    if (versions) {
        versions_text = json_dumps(versions, JSON_COMPACT);
    }
    r = store_begin(c);
    if (r) {
        goto out;
    }
    r = store_agent_get_by_host(c, type, host, &a);
    if (r == -ENOENT) {
        memset(&a, 0, sizeof a);
        uuid_new(a.id);
        snprintf(a.agent_type, sizeof a.agent_type, "%s", type);
        snprintf(a.host, sizeof a.host, "%s", host);
        a.admin_state_up = req->app->cfg->enable_new_agents;
        agent_time(now, a.created_at);
        memcpy(a.started_at, a.created_at, sizeof a.started_at);
        outcome = "new";
        vteps = true;
    } else if (!r) {
        if (!agent_is_alive(req->app->cfg, a.heartbeat_at)) {
            outcome = "revived";
            vteps = true;
        }
        vteps = vteps || vtep_changed(a.configurations_json, conf);
        free(a.configurations_json);
        free(a.availability_zone);
        a.configurations_json = NULL;
        a.availability_zone = NULL;
        if (versions) {
            free(a.resource_versions_json);
            a.resource_versions_json = NULL;
        }
    }
    if (r && r != -ENOENT) {
        goto rollback;
    }
    snprintf(a.binary, sizeof a.binary, "%s", binary);
    snprintf(a.topic, sizeof a.topic, "%s", topic ? topic : "N/A");
    a.configurations_json = conf_text;
    a.availability_zone = json_is_string(zone) ? xstrdup(json_string_value(zone)) : NULL;
    if (versions) {
        a.resource_versions_json = versions_text;
    }
    agent_time(now, a.heartbeat_timestamp);
    a.heartbeat_at = now;
    if (json_is_true(json_object_get(state, "start_flag"))) {
        agent_time(now, a.started_at);
    }
    r = STREQ(outcome, "new") ? store_agent_insert(c, &a) : store_agent_update(c, &a);
    if (!r && STREQ(type, AGENT_TYPE_DHCP)) {
        /* This agent may be the one that networks short of agents were waiting for. */
        r = dhcp_auto_schedule(req->app->cfg, c);
    }
    if (!r && vteps && json_object_get(conf, "tunneling_ip")) {
        /* Other agents' l2population tables now miss (or have a stale) VTEP. */
        r = changes_record(c, "", CHANGE_FDB_ALL, a.id, "");
    }
    if (!r) {
        r = store_change_bounds(c, &first, &last);
    }
    a.configurations_json = NULL;       /* Owned by conf_text / versions_text. */
    if (versions) {
        a.resource_versions_json = NULL;
    }
rollback:
    r = store_end(c, r);
    if (!r) {
        if (!STREQ(outcome, "alive")) {
            log_info("agent %s on host %.64s: %s", type, host, outcome);
        }
        rpc_reply(req, 200, json_pack("{s:s,s:s,s:I}", "state", outcome, "agent_id", a.id,
                                       AGENT_FIELD_SEQ, (json_int_t) last));
    }
    agent_done(&a);
out:
    free(conf_text);
    free(versions_text);
    json_decref(body);
    return r ? (req->status >= 400 ? -1 : api_fail_internal(req, r)) : 0;
}

/* --- devices --------------------------------------------------------------------- */

/* The port a device names: "tap" + the first 11 characters of its id. */
static int
port_of_device(struct store_conn *c, const char *device, struct port *ret)
{
    if (!str_startswith(device, "tap") || strlen(device) < 4 || strlen(device) > 14) {
        return -ENOENT;
    }
    return store_port_by_prefix(c, device + 3, ret);
}

/* The JSON array 'text' (the store built it), or [] without one. */
static json_t *
json_array_or_empty(const char *text)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;

    return v ? v : json_array();
}

/* Details of a bound port, as the agent needs them (Neutron's get_device_details):
 * the network's segment its binding chose is the one the agent wires. */
static json_t *
port_details(const char *device, const struct port *p, const struct network *n)
{
    const struct segment *seg = network_segment_at(n, (size_t) p->binding_segment);
    json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:i,s:s,s:s}", "device", device,
                          "port_id", p->std.id, "network_id", p->network_id, "mac_address",
                          p->mac_address, "admin_state_up", p->admin_state_up, "status",
                          p->status, "network_type", seg->network_type, "mtu", n->mtu,
                          "device_owner", p->device_owner ? p->device_owner : "", "vif_type",
                          p->binding_vif_type);

    json_object_set_new(d, "segmentation_id", seg->segmentation_id == SEGMENTATION_ID_NONE
                                                   ? json_null()
                                                   : json_integer(seg->segmentation_id));
    json_object_set_new(d, "physical_network", seg->physical_network[0]
                                                    ? json_string(seg->physical_network)
                                                    : json_null());
    json_object_set_new(d, "fixed_ips", json_loads(p->fixed_ips_json ? p->fixed_ips_json : "[]",
                                                   0, NULL));
    json_object_set_new(d, "network_admin_state_up", json_boolean(n->admin_state_up));
    json_object_set_new(d, AGENT_FIELD_PORT_SECURITY_ENABLED,
                        json_boolean(p->port_security_enabled));
    json_object_set_new(d, AGENT_FIELD_SECURITY_GROUPS,
                        json_array_or_empty(p->security_groups_json));
    json_object_set_new(d, AGENT_FIELD_ALLOWED_ADDRESS_PAIRS,
                        json_array_or_empty(p->address_pairs_json));
    return d;
}

/* Retries the binding of a port that has a host but is not bound (the agent may have
 * come up since). */
static int
retry_binding(struct request *req, struct store_conn *c, struct port *p, const struct network *n)
{
    struct binding b;
    int r;

    if (!STREQ(p->binding_vif_type, "unbound") && !STREQ(p->binding_vif_type, "binding_failed")) {
        return 0;
    }
    r = linuxbridge_bind(req->app->cfg, c, p->binding_host_id, p->binding_vnic_type,
                         n, &b);
    if (r || !STREQ(b.vif_type, "bridge")) {
        return r;
    }
    p->binding_segment = b.segment;
    free(p->binding_vif_type);
    free(p->binding_vif_details_json);
    p->binding_vif_type = xstrdup(b.vif_type);
    p->binding_vif_details_json = xstrdup(b.vif_details);
    p->std.revision_number++;
    time_iso8601_now(p->std.updated_at);
    return store_port_update(c, p);
}

/* An HA router's port on a side it is not bound to (l3_ha_port_hosted_on()): its
 * details, with neither its binding nor its status touched. */
static int
ha_side_details(struct store_conn *c, const char *device, const struct port *p, json_t **ret)
{
    struct network n;
    int r = store_network_get(c, p->network_id, NULL, &n);

    if (!r) {
        *ret = port_details(device, p, &n);
        network_done(&n);
    }
    return r;
}

/* Details of one device for 'host', binding and moving the port to BUILD on the way. */
static int
device_details(struct request *req, struct store_conn *c, const char *host, const char *device,
               json_t **ret)
{
    struct network n;
    struct port p;
    int r = port_of_device(c, device, &p);

    if (r == -ENOENT) {
        *ret = json_pack("{s:s}", "device", device);
        return 0;
    }
    if (r) {
        return r;
    }
    if (!STREQ(p.binding_host_id, host)) {
        bool ha_side = false;
        r = l3_ha_port_hosted_on(c, &p, host, &ha_side);
        if (!r && ha_side) {
            r = ha_side_details(c, device, &p, ret);
            port_done(&p);
            return r;
        }
        if (r) {
            port_done(&p);
            return r;
        }
        *ret = str_startswith(p.device_owner, "compute:")
                   ? json_pack("{s:s,s:b}", "device", device, "no_active_binding", 1)
                   : json_pack("{s:s}", "device", device);
        port_done(&p);
        return 0;
    }
    r = store_network_get(c, p.network_id, NULL, &n);
    if (r) {
        port_done(&p);
        return r;
    }
    r = retry_binding(req, c, &p, &n);
    if (!r && STREQ(p.binding_vif_type, "bridge")) {
        r = port_set_status(c, &p, &n, p.admin_state_up ? "BUILD" : "DOWN");
        if (!r) {
            *ret = port_details(device, &p, &n);
        }
    } else if (!r) {
        *ret = json_pack("{s:s,s:s,s:s}", "device", device, "port_id", p.std.id, "vif_type",
                         p.binding_vif_type);
    }
    network_done(&n);
    port_done(&p);
    return r;
}

/* Reads "host" and a "devices"-like array of tap names from 'body'. */
static int
device_list(struct request *req, const json_t *body, const char *key, const char **host,
            const json_t **ret)
{
    const json_t *list = json_object_get(body, key);
    size_t i;
    json_t *d;

    *host = rpc_host_value(json_object_get(body, "host"));
    if (!*host) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'host' is required.");
    }
    if (list && (!json_is_array(list) || json_array_size(list) > MAX_DEVICES)) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'%s' must be a list of at most %d"
                        " device names.", key, MAX_DEVICES);
    }
    json_array_foreach (list, i, d) {
        if (!json_is_string(d) || json_string_length(d) > 64) {
            return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Device names are strings.");
        }
    }
    *ret = list;
    return 0;
}

int
agent_rpc_devices(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    const json_t *devices;
    const char *host;
    json_t *body, *out, *d;
    size_t i;
    int r;

    if (!c || rpc_check_caller(req) || !(body = rpc_object_body(req))) {
        return -1;
    }
    if (device_list(req, body, "devices", &host, &devices)) {
        json_decref(body);
        return -1;
    }
    out = json_array();
    r = store_begin(c);
    json_array_foreach (devices, i, d) {
        json_t *detail = NULL;
        if (r) {
            break;
        }
        r = device_details(req, c, host, json_string_value(d), &detail);
        if (!r) {
            json_array_append_new(out, detail);
        }
    }
    r = store_end(c, r);
    json_decref(body);
    if (r) {
        json_decref(out);
        return api_fail_internal(req, r);
    }
    rpc_reply(req, 200, json_pack("{s:o}", "devices", out));
    return 0;
}

/* Device up (ACTIVE) or down (DOWN) for a port bound to 'host'. */
static int
device_status(struct request *req, struct store_conn *c, const char *host, const char *device,
              bool up, json_t **ret)
{
    struct network n;
    struct port p;
    bool exists = false;
    int r = port_of_device(c, device, &p);

    if (r == -ENOENT) {
        *ret = json_pack("{s:s,s:b}", "device", device, "exists", 0);
        return 0;
    }
    if (r) {
        return r;
    }
    if (STREQ(p.binding_host_id, host)) {
        exists = true;
        r = store_network_get(c, p.network_id, NULL, &n);
        if (!r) {
            /* Up clears the L2 block (ACTIVE if no other remains); down always lands. */
            r = up ? provisioning_complete(c, &p, &n, PROVISIONING_L2)
                   : port_set_status(c, &p, &n, "DOWN");
            network_done(&n);
        }
    }
    if (!r) {
        *ret = json_pack("{s:s,s:b,s:s}", "device", device, "exists", exists, "status", p.status);
    }
    port_done(&p);
    return r;
}

int
agent_rpc_device_status(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    const json_t *up, *down;
    const char *host;
    json_t *body, *out_up, *out_down, *d;
    size_t i;
    int r;

    if (!c || rpc_check_caller(req) || !(body = rpc_object_body(req))) {
        return -1;
    }
    if (device_list(req, body, "up", &host, &up) || device_list(req, body, "down", &host, &down)) {
        json_decref(body);
        return -1;
    }
    out_up = json_array();
    out_down = json_array();
    r = store_begin(c);
    json_array_foreach (up, i, d) {
        json_t *o = NULL;
        r = r ? r : device_status(req, c, host, json_string_value(d), true, &o);
        if (o) {
            json_array_append_new(out_up, o);
        }
    }
    json_array_foreach (down, i, d) {
        json_t *o = NULL;
        r = r ? r : device_status(req, c, host, json_string_value(d), false, &o);
        if (o) {
            json_array_append_new(out_down, o);
        }
    }
    r = store_end(c, r);
    json_decref(body);
    if (r) {
        json_decref(out_up);
        json_decref(out_down);
        return api_fail_internal(req, r);
    }
    rpc_reply(req, 200, json_pack("{s:o,s:o}", "up", out_up, "down", out_down));
    return 0;
}

/* --- changes --------------------------------------------------------------------- */

struct change_list {
    json_t *items;
    int64_t last;
};

static int
add_change(const struct change *ch, void *aux)
{
    struct change_list *l = aux;

    json_array_append_new(l->items, json_pack("{s:I,s:s,s:s,s:s}", AGENT_FIELD_SEQ,
                                              (json_int_t) ch->seq, AGENT_FIELD_KIND, ch->kind,
                                              AGENT_FIELD_ID, ch->object_id,
                                              AGENT_FIELD_NETWORK_ID, ch->network_id));
    l->last = ch->seq;
    return 0;
}

/* Refuses a query parameter the changes feed does not take: a misspelt "after"
 * would otherwise read the feed from the start, a silent full resync. */
static int
known_params_only(struct request *req)
{
    static const char *const known[] = {
        AGENT_PARAM_HOST, AGENT_PARAM_AFTER, AGENT_PARAM_WAIT, AGENT_PARAM_AUDIENCE,
    };

    for (size_t i = 0; i < req->n_params; i++) {
        bool ok = false;
        for (size_t k = 0; k < ARRAY_SIZE(known); k++) {
            ok = ok || STREQ(req->params[i].key, known[k]);
        }
        if (!ok) {
            return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Unknown query parameter '%s'.",
                            req->params[i].key);
        }
    }
    return 0;
}

static int
audience_param(struct request *req, enum agent_audience *ret)
{
    const char *name = request_param(req, AGENT_PARAM_AUDIENCE);

    if (agent_audience_parse(name, ret)) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Query parameter '%s' must be '%s',"
                        " '%s' or '%s'.", AGENT_PARAM_AUDIENCE,
                        agent_audience_name(AUDIENCE_L2), agent_audience_name(AUDIENCE_DHCP),
                        agent_audience_name(AUDIENCE_L3));
    }
    return 0;
}

/* Parses a non-negative integer query parameter; 'def' when absent. */
static int
int_param(struct request *req, const char *key, int64_t def, int64_t max, int64_t *ret)
{
    const char *v = request_param(req, key);
    char *end;

    if (!v) {
        *ret = def;
        return 0;
    }
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end || n < 0 || n > max) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Query parameter '%s' must be an integer"
                        " from 0 to %lld.", key, (long long) max);
    }
    *ret = n;
    return 0;
}

int
agent_rpc_changes(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct change_list l = { NULL, 0 };
    const char *host;
    int64_t after = 0, wait = 0, first = 0, last = 0;
    /* Linux-bridge agents (the default) and DHCP agents follow different changes. */
    enum agent_audience follower;
    const char *audience;
    int r;

    if (!c || rpc_check_caller(req) || known_params_only(req) || !(host = rpc_host_param(req))
        || int_param(req, AGENT_PARAM_AFTER, 0, INT64_MAX, &after)
        || int_param(req, AGENT_PARAM_WAIT, DEFAULT_WAIT_S, MAX_WAIT_S, &wait)
        || audience_param(req, &follower)) {
        return -1;
    }
    audience = agent_audience_name(follower);
    r = store_change_bounds(c, &first, &last);
    if (r) {
        return api_fail_internal(req, r);
    }
    if (after > last || (first && after < first - 1)) {
        /* The agent is from another database, or too far behind: start over. */
        rpc_reply(req, 200, json_pack("{s:I,s:[],s:b}", AGENT_FIELD_SEQ, (json_int_t) last,
                                       AGENT_FIELD_CHANGES, AGENT_FIELD_RESYNC, 1));
        return 0;
    }
    l.items = json_array();
    l.last = after;
    r = store_change_foreach(c, host, audience, after, MAX_CHANGES, add_change, &l);
    if (r) {
        json_decref(l.items);
        return api_fail_internal(req, r);
    }
    if (!json_array_size(l.items)) {
        l.last = last;      /* Changes for other hosts need not be read again. */
        if (wait > 0 && request_wait(req, (int) wait)) {
            json_decref(l.items);
            return 0;       /* Parked: asked again when the feed moves. */
        }
    }
    rpc_reply(req, 200, json_pack("{s:I,s:o,s:b}", AGENT_FIELD_SEQ, (json_int_t) l.last,
                                   AGENT_FIELD_CHANGES, l.items, AGENT_FIELD_RESYNC, 0));
    return 0;
}

/* --- sync ------------------------------------------------------------------------ */

struct sync_walk {
    struct store_conn *c;
    json_t *ports;
    int r;
};

static int
add_bound_port(const struct port *p, void *aux)
{
    struct sync_walk *w = aux;
    char device[15];
    struct network n;

    if (!STREQ(p->binding_vif_type, "bridge")) {
        return 0;
    }
    snprintf(device, sizeof device, "tap%.11s", p->std.id);
    w->r = store_network_get(w->c, p->network_id, NULL, &n);
    if (w->r) {
        return w->r;
    }
    json_array_append_new(w->ports, port_details(device, p, &n));
    network_done(&n);
    return 0;
}

static int
add_id(const char *id, void *aux)
{
    json_array_append_new(aux, json_string(id));
    return 0;
}

int
agent_rpc_sync(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct sync_walk w;
    int64_t first, last;
    const char *host;
    json_t *networks;
    int r;

    if (!c || rpc_check_caller(req) || !(host = rpc_host_param(req))) {
        return -1;
    }
    /* One read transaction, so the sequence number matches the snapshot. */
    r = store_begin(c);
    w = (struct sync_walk) { c, json_array(), 0 };
    networks = json_array();
    r = r ? r : store_change_bounds(c, &first, &last);
    r = r ? r : store_ports_of_host(c, host, add_bound_port, &w);
    r = r ? r : store_network_ids(c, add_id, networks);
    r = store_end(c, r);
    if (r) {
        json_decref(w.ports);
        json_decref(networks);
        return api_fail_internal(req, r);
    }
    rpc_reply(req, 200, json_pack("{s:I,s:o,s:o}", AGENT_FIELD_SEQ, (json_int_t) last, "ports",
                                   w.ports, "networks", networks));
    return 0;
}

/* --- l2pop ----------------------------------------------------------------------- */

static int
add_l2pop(const char *vtep, const char *mac, const char *ip, void *aux)
{
    json_t *vteps = aux;
    json_t *list = json_object_get(vteps, vtep);

    if (!list) {
        list = json_array();
        json_object_set_new(vteps, vtep, list);
    }
    json_array_append_new(list, json_pack("[s,s]", mac, ip));
    return 0;
}

/* The index of the segment l2population is about: a network's first vxlan one (the
 * first segment when none is).  Only ports bound to it are behind a tunnel. */
static size_t
tunnel_segment(const struct network *n)
{
    for (size_t i = 0; i < network_n_segments(n); i++) {
        if (STREQ(network_segment_at(n, i)->network_type, "vxlan")) {
            return i;
        }
    }
    return 0;
}

int
agent_rpc_l2pop(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    const struct segment *seg;
    const char *host, *net_id;
    struct network n;
    json_t *vteps;
    size_t index;
    int r;

    if (!c || rpc_check_caller(req) || !(host = rpc_host_param(req))) {
        return -1;
    }
    net_id = request_param(req, "network_id");
    if (!net_id) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Query parameter 'network_id' is"
                        " required.");
    }
    r = store_network_get(c, net_id, NULL, &n);
    if (r) {
        return r == -ENOENT ? api_fail(req, API_ERR_NETWORK_NOT_FOUND,
                                       "Network %s could not be found.", net_id)
                            : api_fail_internal(req, r);
    }
    index = tunnel_segment(&n);
    seg = network_segment_at(&n, index);
    vteps = json_object();
    r = store_l2pop_entries(c, net_id, index, host, add_l2pop, vteps);
    if (r) {
        json_decref(vteps);
        network_done(&n);
        return api_fail_internal(req, r);
    }
    rpc_reply(req, 200, json_pack("{s:s,s:s,s:I,s:o}", "network_id", net_id, "network_type",
                                   seg->network_type, "segmentation_id",
                                   (json_int_t) seg->segmentation_id, "vteps", vteps));
    network_done(&n);
    return 0;
}
