/* `instance …`: the tutorial's instances, made as Nova and libvirt make them.  An
 * instance is a namespace <prefix>-vm-<name> whose eth0, with its port's MAC, is the
 * peer of tap<port id[:11]> on its node; it gets its address by DHCP as cirros does. */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cloud.h"
#include "dhcp_client.h"
#include "lab_cmds.h"
#include "lab_state.h"
#include "netns.h"
#include "supervise.h"
#include "topology.h"
#include "util.h"

static const struct field instance_fields[] = {
    { "Name", "name", R_TEXT },
    { "Node", "node", R_TEXT },
    { "Network", "network", R_TEXT },
    { "Port", "port_id", R_TEXT },
    { "MAC Address", "mac_address", R_TEXT },
    { "IP Address", "ip_address", R_TEXT },
    { "Tap", "tap", R_TEXT },
    { "Namespace", "netns", R_TEXT },
};

/* Runs the DHCP client in the instance; sets "ip_address" from the lease (or null). */
static void
dhcp_lease(json_t *inst, const char *name, int tries)
{
    char *dir = lab_dir(lab_prefix());
    char *file = xasprintf("%s.lease", name);
    char *lease = lab_file(lab_prefix(), file);
    char *ip;

    dhcp_client_run(json_string_value(json_object_get(inst, "netns")), dir, lease, tries,
                    name, true);
    ip = dhcp_lease_get(lease, "ip");
    json_object_set_new(inst, "ip_address", ip && *ip ? json_string(ip) : json_null());
    free(ip);
    free(dir);
    free(file);
    free(lease);
}

static const struct opt launch_opts[] = {
    { "network", OPT_STR, NULL }, { "node", OPT_STR, NULL }, { "fixed-ip", OPT_LIST, NULL },
    { "no-dhcp", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

/* An admin session for what Nova does with its own credentials (binding the port). */
static struct session *
admin_session(struct cli *c, struct cli *admin, struct cloud *cloud)
{
    struct cloud flags;
    struct buf error = BUF_INITIALIZER;

    if (!c->cloud->config_file || (c->cloud->name && STREQ(c->cloud->name, "neutrino-admin"))) {
        buf_done(&error);
        return cli_session(c);
    }
    memset(&flags, 0, sizeof flags);
    flags.name = xstrdup("neutrino-admin");
    if (cloud_load(&flags, cloud, &error)) {
        cloud_done(&flags);
        buf_done(&error);
        return cli_session(c);
    }
    cloud_done(&flags);
    buf_done(&error);
    memset(admin, 0, sizeof *admin);
    admin->cloud = cloud;
    admin->debug = c->debug;
    return cli_session(admin);
}

/* As Nova: the port on 'net', created as the user, then bound to the node's host with
 * the admin's rights.  The port (owned), or NULL after printing why not. */
static json_t *
nova_port(struct cli *c, const json_t *a, const json_t *net, const json_t *jnode)
{
    json_t *body, *wrapped, *ans = NULL, *port;
    struct session *s = cli_session(c), *as;
    struct cli admin;
    struct cloud admin_cloud;
    char path[256], device_id[37];
    int r;

    body = json_pack("{s:s,s:s,s:s,s:b}", "network_id",
                     json_string_value(json_object_get(net, "id")), "device_owner",
                     "compute:nova", "name", "", "admin_state_up", 1);
    uuid_new(device_id);
    json_object_set_new(body, "device_id", json_string(device_id));
    if (arg_list(a, "fixed-ip")
        && cli_put_list(c, &cli_fixed_ips, arg_list(a, "fixed-ip"), NULL, body)) {
        json_decref(body);
        return NULL;
    }
    wrapped = json_pack("{s:o}", "port", body);
    r = session_call(s, "POST", "/v2.0/ports", wrapped, &ans);
    json_decref(wrapped);
    if (r) {
        cli_fail_call(c);
        return NULL;
    }
    port = json_incref(json_object_get(ans, "port"));
    json_decref(ans);
    ans = NULL;
    memset(&admin, 0, sizeof admin);
    memset(&admin_cloud, 0, sizeof admin_cloud);
    as = admin_session(c, &admin, &admin_cloud);
    snprintf(path, sizeof path, "/v2.0/ports/%s", json_string_value(json_object_get(port, "id")));
    wrapped = json_pack("{s:{s:s}}", "port", "binding:host_id",
                        json_string_value(json_object_get(jnode, "host")));
    r = as ? session_call(as, "PUT", path, wrapped, &ans) : -1;
    json_decref(wrapped);
    json_decref(ans);
    if (r) {
        if (as) {
            cli_fail("cannot bind the port to %s: %s",
                     json_string_value(json_object_get(jnode, "host")), buf_cstr(&as->error));
        }
        json_decref(port);
        port = NULL;
    }
    if (admin.opened) {
        session_close(&admin.session);
    }
    cloud_done(&admin_cloud);
    return port;
}

static int
instance_launch(struct cli *c, const json_t *a)
{
    const char *name = arg_pos(a, 0), *node_name = arg_str(a, "node");
    json_t *state, *jnode, *inst, *port, *net = NULL;
    char tap[IFNAMSIZ];
    int r = 1;

    if (arg_npos(a) != 1 || !arg_str(a, "network")) {
        return cli_fail("usage: instance launch NAME --network NET [--node NODE]"
                        " [--fixed-ip subnet=S,ip-address=IP]");
    }
    if (!lab_is_root() || !(state = lab_or_fail())) {
        return 1;
    }
    node_name = node_name ? node_name : "controller";
    if (!(jnode = lab_node(state, node_name))) {
        json_decref(state);
        return 1;
    }
    if (json_object_get(json_object_get(state, "instances"), name)) {
        json_decref(state);
        return cli_fail("instance %s exists", name);
    }
    if (!cli_session(c) || cli_find(c, &kind_network, arg_str(a, "network"), &net)
        || !(port = nova_port(c, a, net, jnode))) {
        json_decref(net);
        json_decref(state);
        return 1;
    }
    /* As libvirt: the tap on the node, eth0 with the port's MAC in the instance. */
    char *suffix = xasprintf("vm-%s", name);
    char *inst_ns = lab_ns(state, suffix);
    snprintf(tap, sizeof tap, "tap%.11s", json_string_value(json_object_get(port, "id")));
    inst = json_pack("{s:s,s:s,s:O,s:O,s:O,s:s,s:s,s:n}", "name", name, "node", node_name,
                     "network", json_object_get(net, "name"), "port_id",
                     json_object_get(port, "id"), "mac_address",
                     json_object_get(port, "mac_address"), "tap", tap, "netns", inst_ns,
                     "ip_address");
    json_object_set_new(json_object_get(state, "instances"), name, inst);
    lab_save(state);
    r = lab_plug(json_string_value(json_object_get(jnode, "netns")), tap, inst_ns,
                 json_string_value(json_object_get(port, "mac_address")),
                 (int) json_integer_value(json_object_get(net, "mtu")), NULL);
    if (!r && arg_bool(a, "no-dhcp") != 1) {
        dhcp_lease(inst, name, 10);
        lab_save(state);
    }
    if (!r) {
        r = out_show(&c->out, instance_fields, ARRAY_SIZE(instance_fields), inst);
    }
    json_decref(port);
    free(suffix);
    free(inst_ns);
    json_decref(net);
    json_decref(state);
    return r;
}

static int
instance_list(struct cli *c, const json_t *a)
{
    json_t *state = lab_or_fail(), *rows = json_array(), *inst;
    const char *key;
    int r;

    if (!state) {
        json_decref(rows);
        return 1;
    }
    json_object_foreach (json_object_get(state, "instances"), key, inst) {
        json_array_append(rows, inst);
    }
    r = out_list(&c->out, instance_fields, ARRAY_SIZE(instance_fields), rows);
    json_decref(rows);
    json_decref(state);
    return r;
}

/* The lab's instance named by the first positional argument; NULL (and '*ret_state'
 * NULL) after printing why not. */
static json_t *
find_instance(const json_t *a, json_t **ret_state)
{
    const char *name = arg_pos(a, 0) ? arg_pos(a, 0) : "";
    json_t *inst;

    if (!(*ret_state = lab_or_fail())) {
        return NULL;
    }
    inst = json_object_get(json_object_get(*ret_state, "instances"), name);
    if (!inst) {
        cli_fail("No instance found for %s", name);
        json_decref(*ret_state);
        *ret_state = NULL;
    }
    return inst;
}

static int
instance_show(struct cli *c, const json_t *a)
{
    json_t *state, *inst = find_instance(a, &state);
    int r;

    if (!inst) {
        return 1;
    }
    r = out_show(&c->out, instance_fields, ARRAY_SIZE(instance_fields), inst);
    json_decref(state);
    return r;
}

static int
instance_delete(struct cli *c, const json_t *a)
{
    json_t *state;
    size_t failed = 0, n = arg_npos(a);

    if (!lab_is_root() || !(state = lab_or_fail())) {
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = arg_pos(a, i);
        json_t *inst = json_object_get(json_object_get(state, "instances"), name);
        if (!inst) {
            fprintf(stderr, "Failed to delete instance %s: not found\n", name);
            failed++;
            continue;
        }
        /* As libvirt then Nova: the tap goes (with the namespace), then the port. */
        lab_ns_remove(json_string_value(json_object_get(inst, "netns")));
        struct session *s = cli_session(c);
        if (s) {
            char path[128];
            json_t *ans = NULL;
            snprintf(path, sizeof path, "/v2.0/ports/%s",
                     json_string_value(json_object_get(inst, "port_id")));
            if (session_call(s, "DELETE", path, NULL, &ans) && s->status != 404) {
                fprintf(stderr, "instance %s: its port: %s\n", name, buf_cstr(&s->error));
            }
            json_decref(ans);
        }
        json_object_del(json_object_get(state, "instances"), name);
    }
    lab_save(state);
    json_decref(state);
    if (failed) {
        fprintf(stderr, "%zu of %zu instances failed to delete.\n", failed, n);
        return 1;
    }
    return 0;
}

static int
instance_exec(struct cli *c, const json_t *a)
{
    json_t *state, *inst;
    size_t n = arg_npos(a);
    int fd;

    if (!lab_is_root() || !(inst = find_instance(a, &state))) {
        return 1;
    }
    if (n < 2) {
        json_decref(state);
        return cli_fail("usage: instance exec NAME -- COMMAND [ARG]...");
    }
    fd = netns_open(json_string_value(json_object_get(inst, "netns")));
    json_decref(state);
    if (fd < 0) {
        return cli_fail("instance %s has no namespace", arg_pos(a, 0));
    }
    return lab_exec_rest(fd, a);
}

const struct command instance_commands[] = {
    { "instance launch", launch_opts, instance_launch, "Start a lab instance on a network" },
    { "instance create", launch_opts, instance_launch, "Start a lab instance on a network" },
    { "instance list", NULL, instance_list, "List lab instances" },
    { "instance show", NULL, instance_show, "Show a lab instance" },
    { "instance delete", NULL, instance_delete, "Delete lab instances" },
    { "instance exec", NULL, instance_exec, "Run a command inside a lab instance" },
    { NULL, NULL, NULL, NULL, NULL },
};
