/* Port binding by the linux-bridge mechanism driver (see mech_linuxbridge.h). */
#include "mech_linuxbridge.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("ml2");

bool
agent_is_alive(const struct server_config *cfg, int64_t heartbeat_at)
{
    return (int64_t) time(NULL) - heartbeat_at < cfg->agent_down_time;
}

/* True if 'list' (comma-separated) names 'word'. */
static bool
list_has(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = list; p && *p;) {
        while (*p == ' ' || *p == ',') {
            p++;
        }
        size_t len = strcspn(p, ", ");
        if (len == n && !strncmp(p, word, n)) {
            return true;
        }
        p += len;
    }
    return false;
}

/* Can an agent with these reported configurations carry 'seg'? */
static bool
agent_serves(const json_t *conf, const struct segment *seg, const char **reason)
{
    const char *type = seg->network_type;
    size_t i;
    json_t *t;

    if (STREQ(type, "local")) {
        return true;
    }
    if (STREQ(type, "flat") || STREQ(type, "vlan")) {
        if (json_object_get(json_object_get(conf, "interface_mappings"), seg->physical_network)
            || json_object_get(json_object_get(conf, "bridge_mappings"),
                               seg->physical_network)) {
            return true;
        }
        *reason = "the agent maps no interface to the physical network";
        return false;
    }
    json_array_foreach (json_object_get(conf, "tunnel_types"), i, t) {
        if (json_is_string(t) && STREQ(json_string_value(t), type) && !STREQ(type, "gre")) {
            return true;
        }
    }
    *reason = "the agent does not carry this network type";
    return false;
}

int
linuxbridge_bind(const struct server_config *cfg, struct store_conn *c, const char *host,
                 const char *vnic_type, const struct network *n, struct binding *ret)
{
    static const char failed_details[] = "{}";
    struct agent a;
    json_t *conf;
    bool ok = false;
    int r;

    ret->vif_type = "binding_failed";
    ret->vif_details = failed_details;
    ret->reason = NULL;
    ret->segment = 0;
    if (!host || !*host) {
        ret->vif_type = "unbound";
        return 0;
    }
    if (!list_has(cfg->mechanism_drivers, "linuxbridge")) {
        ret->reason = "no mechanism driver can bind ([ml2] mechanism_drivers)";
        return 0;
    }
    if (!STREQ(vnic_type, "normal")) {
        ret->reason = "linuxbridge binds only vnic_type normal";
        return 0;
    }
    r = store_agent_get_by_host(c, LINUXBRIDGE_AGENT_TYPE, host, &a);
    if (r == -ENOENT) {
        ret->reason = "no linux-bridge agent on the host";
        return 0;
    }
    if (r) {
        return r;
    }
    if (!agent_is_alive(cfg, a.heartbeat_at)) {
        ret->reason = "the host's linux-bridge agent is not alive";
        agent_done(&a);
        return 0;
    }
    conf = json_loads(a.configurations_json ? a.configurations_json : "{}", 0, NULL);
    for (size_t i = 0; i < network_n_segments(n) && !ok; i++) {
        ok = agent_serves(conf, network_segment_at(n, i), &ret->reason);
        ret->segment = ok ? (int) i : 0;
    }
    json_decref(conf);
    agent_done(&a);
    if (ok) {
        ret->reason = NULL;
        ret->vif_type = "bridge";
        ret->vif_details = cfg->enable_security_group
                               ? "{\"connectivity\": \"l2\", \"port_filter\": true}"
                               : "{\"connectivity\": \"l2\", \"port_filter\": false}";
    }
    return 0;
}
