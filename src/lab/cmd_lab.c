/* `lab …`: the lab as a whole (up, down, status) and the steps it is made of, which the
 * agent tests and benchmarks drive one by one (build, namespace, exec, init, enter,
 * kill-init, plug, dhcp-client).  Namespace arguments are relative to the lab's prefix
 * ("n1" is <prefix>-n1) unless they already carry it. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agents.h"
#include "cli.h"
#include "dhcp_client.h"
#include "lab_cmds.h"
#include "lab_state.h"
#include "netns.h"
#include "supervise.h"
#include "topology.h"
#include "util.h"

/* The namespace a command names: 'arg' as is when it carries the prefix. */
static char *
ns_arg(const char *arg)
{
    const char *prefix = lab_prefix();
    size_t n = strlen(prefix);

    return !strncmp(arg, prefix, n) && arg[n] == '-' ? xstrdup(arg)
                                                      : xasprintf("%s-%s", prefix, arg);
}

/* A new lab's state and directory (with the udhcpc script), or NULL after printing why
 * not (a lab of that prefix is up already). */
static json_t *
new_lab(void)
{
    const char *prefix = lab_prefix();
    json_t *state = lab_load(prefix);

    if (state) {
        json_decref(state);
        cli_fail("lab %s is already up (neutrino lab down)", prefix);
        return NULL;
    }
    if (lab_make_dir(prefix)) {
        return NULL;
    }
    char *dir = lab_dir(prefix);
    dhcp_client_install(dir);
    free(dir);
    state = json_pack("{s:s,s:{},s:{}}", "prefix", prefix, "nodes", "instances");
    lab_save(state);
    return state;
}

/* --- lab up ------------------------------------------------------------------------------ */

static const struct opt up_opts[] = {
    { "server-socket", OPT_STR, NULL }, { "no-wait", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

/* The agents the server lists alive on the lab's hosts. */
static size_t
count_alive_agents(struct cli *c, const json_t *state)
{
    struct session *s = cli_session(c);
    json_t *ans = NULL, *a;
    size_t i, n = 0;

    if (!s || session_call(s, "GET", "/v2.0/agents", NULL, &ans)) {
        return 0;
    }
    json_array_foreach (json_object_get(ans, "agents"), i, a) {
        const char *host = json_string_value(json_object_get(a, "host"));
        if (json_is_true(json_object_get(a, "alive")) && host
            && json_object_get(json_object_get(state, "nodes"), host)) {
            n++;
        }
    }
    json_decref(ans);
    return n;
}

/* How many agents `lab up` starts in topology 't'. */
static size_t
expected_agents(const struct topology *t)
{
    size_t n = 0;

    for (size_t i = 0; i < t->n_nodes; i++) {
        n += 1 + t->nodes[i].dhcp + t->nodes[i].l3;
    }
    return n;
}

static int
lab_up(struct cli *c, const json_t *a)
{
    const struct topology *t = topology_find("tutorial");
    const char *sock = arg_str(a, "server-socket");
    json_t *state;
    int r;

    if (!lab_is_root()) {
        return 1;
    }
    if (!sock) {
        return cli_fail("lab up needs --server-socket: the server's [DEFAULT] bind_unix_socket,"
                        " which agents in the lab's namespaces use to reach it");
    }
    if (!(state = new_lab())) {
        return 1;
    }
    json_object_set_new(state, "socket", json_string(sock));
    r = topology_build(t, state);
    for (size_t i = 0; !r && i < t->n_nodes; i++) {
        json_t *jn = json_object_get(json_object_get(state, "nodes"), t->nodes[i].name);
        r = agents_start(lab_prefix(), &t->nodes[i], jn, sock, c->cloud);
        lab_save(state);
    }
    if (!r) {
        char *dir = lab_dir(lab_prefix());
        printf("lab %s: nodes controller and compute, host outside (10.10.10.1 on the"
               " external network), switch %s; state in %s\n", lab_prefix(),
               json_string_value(json_object_get(state, "switch")), dir);
        if (arg_bool(a, "no-wait") != 1) {
            size_t want = expected_agents(t), have = 0;
            for (int i = 0; i < 300 && (have = count_alive_agents(c, state)) < want; i++) {
                usleep(50000);
            }
            if (have < want) {
                fprintf(stderr, "warning: %zu of %zu agents alive so far (an admin cloud sees"
                                " them; logs in %s)\n", have, want, dir);
            } else {
                printf("agents alive: linux-bridge on controller and compute, DHCP and L3"
                       " on controller\n");
            }
        }
        free(dir);
    }
    json_decref(state);
    return r;
}

/* --- lab build ----------------------------------------------------------------------------- */

static const struct opt build_opts[] = {
    { "topology", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
lab_build(struct cli *c, const json_t *a)
{
    const char *name = arg_str(a, "topology") ? arg_str(a, "topology") : "tutorial";
    const struct topology *t = topology_find(name);
    json_t *state;
    int r;

    if (!t) {
        return cli_fail("no topology %s (tutorial, pair)", name);
    }
    if (!lab_is_root() || !(state = new_lab())) {
        return 1;
    }
    r = topology_build(t, state);
    if (!r) {
        json_dumpf(state, stdout, JSON_INDENT(2));
        putchar('\n');
    }
    json_decref(state);
    return r;
}

/* --- lab down ------------------------------------------------------------------------------ */

static void
remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;

    if (!d) {
        unlink(path);
        return;
    }
    while ((e = readdir(d))) {
        if (STREQ(e->d_name, ".") || STREQ(e->d_name, "..")) {
            continue;
        }
        char *child = xasprintf("%s/%s", path, e->d_name);
        struct stat st;
        if (!lstat(child, &st) && S_ISDIR(st.st_mode)) {
            remove_tree(child);
        } else {
            unlink(child);
        }
        free(child);
    }
    closedir(d);
    rmdir(path);
}

static int
lab_down(struct cli *c, const json_t *a)
{
    const char *prefix = lab_prefix();
    json_t *state, *n, *inst;
    const char *key;
    char *dir;
    struct stat st;

    if (!lab_is_root()) {
        return 1;
    }
    state = lab_load(prefix);
    dir = lab_dir(prefix);
    if (!state && stat(dir, &st)) {
        /* Namespaces a crashed run left without its state. */
        bool any = lab_ns_remove_all(prefix) > 0;
        free(dir);
        if (!any) {
            return cli_fail("no lab %s is up", prefix);
        }
        printf("lab %s: down\n", prefix);
        return 0;
    }
    state = state ? state : json_object();
    /* Instances: their ports (best effort, the server may be gone) and namespaces. */
    json_object_foreach (json_object_get(state, "instances"), key, inst) {
        const char *port = json_string_value(json_object_get(inst, "port_id"));
        struct session *s = c->cloud && c->cloud->auth_url ? cli_session(c) : NULL;
        if (s && port) {
            char path[128];
            json_t *ans = NULL;
            snprintf(path, sizeof path, "/v2.0/ports/%s", port);
            session_call(s, "DELETE", path, NULL, &ans);
            json_decref(ans);
        }
        lab_ns_remove(json_string_value(json_object_get(inst, "netns")));
    }
    /* Agents first (they would re-create what is removed), then the namespaces. */
    agents_stop_all(state);
    json_object_foreach (json_object_get(state, "nodes"), key, n) {
        lab_ns_remove(json_string_value(json_object_get(n, "netns")));
    }
    json_object_foreach (json_object_get(state, "hosts"), key, n) {
        lab_ns_remove(json_string_value(json_object_get(n, "netns")));
    }
    if (json_object_get(state, "switch")) {
        lab_ns_remove(json_string_value(json_object_get(state, "switch")));
    }
    /* Whatever else carries the prefix (a lab up that failed half way, a test's). */
    lab_ns_remove_all(prefix);
    remove_tree(dir);
    printf("lab %s: down\n", prefix);
    json_decref(state);
    free(dir);
    return 0;
}

/* --- lab status ------------------------------------------------------------------------------ */

static const char *
running(const json_t *node, const char *key)
{
    json_t *pid = json_object_get(node, key);

    return !pid ? "-" : proc_alive((pid_t) json_integer_value(pid)) ? "running" : "stopped";
}

static int
lab_status(struct cli *c, const json_t *a)
{
    json_t *state = lab_or_fail(), *n, *inst, *rows = json_array();
    const char *key;
    static const struct field cols[] = {
        { "Node", "node", R_TEXT }, { "Namespace", "netns", R_TEXT },
        { "Linux bridge agent", "lb", R_TEXT }, { "DHCP agent", "dhcp", R_TEXT },
        { "L3 agent", "l3", R_TEXT }, { "Instances", "instances", R_TEXT },
    };
    int r;

    if (!state) {
        json_decref(rows);
        return 1;
    }
    json_object_foreach (json_object_get(state, "nodes"), key, n) {
        json_t *names = json_array();
        const char *ik;
        json_object_foreach (json_object_get(state, "instances"), ik, inst) {
            const char *node = json_string_value(json_object_get(inst, "node"));
            if (node && STREQ(node, key)) {
                json_array_append_new(names, json_string(ik));
            }
        }
        json_array_append_new(rows, json_pack(
            "{s:s,s:O,s:s,s:s,s:s,s:o}", "node", key, "netns", json_object_get(n, "netns"),
            "lb", running(n, "linuxbridge_agent"), "dhcp", running(n, "dhcp_agent"),
            "l3", running(n, "l3_agent"), "instances", names));
    }
    r = out_list(&c->out, cols, ARRAY_SIZE(cols), rows);
    json_decref(rows);
    json_decref(state);
    return r;
}

/* --- The steps ---------------------------------------------------------------------------- */

/* What a step checks first: its arguments ('ok', else its 'usage' is printed), then that
 * we are root.  0, or 1 after a message. */
static int
step_ready(bool ok, const char *usage)
{
    if (!ok) {
        return cli_fail("usage: %s", usage);
    }
    return lab_is_root() ? 0 : 1;
}

static int
lab_namespace_add(struct cli *c, const json_t *a)
{
    char *name;
    int r;

    if (step_ready(arg_npos(a) == 1, "lab namespace add NAME")) {
        return 1;
    }
    name = ns_arg(arg_pos(a, 0));
    r = lab_ns_create(name, NULL);
    if (!r) {
        printf("%s\n", name);
    }
    free(name);
    return r;
}

static int
lab_namespace_delete(struct cli *c, const json_t *a)
{
    if (!lab_is_root()) {
        return 1;
    }
    for (size_t i = 0; i < arg_npos(a); i++) {
        char *name = ns_arg(arg_pos(a, i));
        lab_ns_remove(name);
        free(name);
    }
    return 0;
}

static int
lab_exec(struct cli *c, const json_t *a)
{
    char *name;
    int fd, r;

    if (step_ready(arg_npos(a) >= 2, "lab exec NAMESPACE -- COMMAND [ARG]...")) {
        return 1;
    }
    name = ns_arg(arg_pos(a, 0));
    fd = netns_open(name);
    if (fd < 0) {
        r = cli_fail("no namespace %s", name);
        free(name);
        return r;
    }
    free(name);
    return lab_exec_rest(fd, a);
}

int
lab_exec_rest(int netns_fd, const json_t *a)
{
    char **argv = arg_argv(a, 1);
    int r;

    fflush(NULL);
    r = exec_in_netns(netns_fd, argv);
    free(argv);
    close(netns_fd);
    return r;
}

/* The lab's state and its node named by the first positional argument; NULL after
 * printing why not. */
static json_t *
state_and_node(const json_t *a, json_t **ret_node)
{
    json_t *state;

    if (!arg_pos(a, 0)) {
        cli_fail("which node?");
        return NULL;
    }
    if (!lab_is_root() || !(state = lab_or_fail())) {
        return NULL;
    }
    if (!(*ret_node = lab_node(state, arg_pos(a, 0)))) {
        json_decref(state);
        return NULL;
    }
    return state;
}

static int
lab_init(struct cli *c, const json_t *a)
{
    json_t *node, *state = state_and_node(a, &node);
    pid_t init;
    int fd;

    if (!state) {
        return 1;
    }
    init = (pid_t) json_integer_value(json_object_get(node, "init"));
    if (!proc_alive(init)) {
        fd = netns_open(json_string_value(json_object_get(node, "netns")));
        init = fd < 0 ? fd : node_init_start(fd);
        if (fd >= 0) {
            close(fd);
        }
        if (init < 0) {
            json_decref(state);
            return cli_fail("node %s: cannot start its init: %s", arg_pos(a, 0),
                            strerror(-init));
        }
        json_object_set_new(node, "init", json_integer(init));
        lab_save(state);
    }
    printf("%d\n", (int) init);
    json_decref(state);
    return 0;
}

static int
lab_enter(struct cli *c, const json_t *a)
{
    json_t *node, *state = state_and_node(a, &node);
    pid_t init;
    char **argv;

    if (!state) {
        return 1;
    }
    init = (pid_t) json_integer_value(json_object_get(node, "init"));
    json_decref(state);
    if (!proc_alive(init)) {
        return cli_fail("node %s has no init (lab init %s)", arg_pos(a, 0), arg_pos(a, 0));
    }
    if (arg_npos(a) < 2) {
        return cli_fail("usage: lab enter NODE -- COMMAND [ARG]...");
    }
    fflush(NULL);
    argv = arg_argv(a, 1);
    node_init_run(init, argv);
}

static int
lab_kill_init(struct cli *c, const json_t *a)
{
    json_t *node, *state = state_and_node(a, &node);
    int r = 0;

    if (!state) {
        return 1;
    }
    pid_t init = (pid_t) json_integer_value(json_object_get(node, "init"));
    if (proc_alive(init) && node_init_kill(init)) {
        r = cli_fail("the processes of %s's init did not end", arg_pos(a, 0));
    }
    json_object_del(node, "init");
    json_object_del(node, "dhcp_agent");
    json_object_del(node, "l3_agent");
    lab_save(state);
    json_decref(state);
    return r;
}

static const struct opt plug_opts[] = {
    { "mac", OPT_STR, NULL }, { "mtu", OPT_STR, NULL }, { "address", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
lab_plug_cmd(struct cli *c, const json_t *a)
{
    char *node, *inst;
    int r;

    if (step_ready(arg_npos(a) == 3,
                   "lab plug NODE TAP NAMESPACE [--mac MAC] [--mtu MTU] [--address CIDR]")) {
        return 1;
    }
    node = ns_arg(arg_pos(a, 0));
    inst = ns_arg(arg_pos(a, 2));
    r = lab_plug(node, arg_pos(a, 1), inst, arg_str(a, "mac"),
                 arg_str(a, "mtu") ? atoi(arg_str(a, "mtu")) : 0, arg_str(a, "address"));
    if (!r) {
        printf("%s\n", inst);
    }
    free(node);
    free(inst);
    return r;
}

static const struct opt dhcp_client_opts[] = {
    { "lease-file", OPT_STR, NULL }, { "tries", OPT_STR, NULL }, { "hostname", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
lab_dhcp_client(struct cli *c, const json_t *a)
{
    const char *lease = arg_str(a, "lease-file"), *tries = arg_str(a, "tries");
    char *name, *dir;
    int r;

    if (step_ready(arg_npos(a) == 1 && lease,
                   "lab dhcp-client NAMESPACE --lease-file FILE [--tries N] [--hostname NAME]")) {
        return 1;
    }
    name = ns_arg(arg_pos(a, 0));
    dir = lab_dir(lab_prefix());
    r = dhcp_client_run(name, dir, lease, tries ? atoi(tries) : 10,
                        arg_str(a, "hostname") ? arg_str(a, "hostname") : arg_pos(a, 0),
                        false);
    free(name);
    free(dir);
    return r;
}

const struct command lab_commands[] = {
    { "lab up", up_opts, lab_up,
      "Build the tutorial's lab: nodes controller and compute, host outside" },
    { "lab down", NULL, lab_down, "Remove the lab and everything it made" },
    { "lab status", NULL, lab_status, "Show the lab's nodes, agents and instances" },
    { "lab build", build_opts, lab_build,
      "Build a lab's switch and nodes, no agents (--topology tutorial|pair); its state" },
    { "lab namespace add", NULL, lab_namespace_add, "Add a namespace to the lab" },
    { "lab namespace delete", NULL, lab_namespace_delete,
      "Remove lab namespaces and what runs in them" },
    { "lab exec", NULL, lab_exec, "Run a command in a lab namespace (as ip netns exec)" },
    { "lab init", NULL, lab_init, "Start a node's init (if needed); its pid" },
    { "lab enter", NULL, lab_enter, "Run a command inside a node's init" },
    { "lab kill-init", NULL, lab_kill_init,
      "End a node's init and everything in it (DHCP and L3 agents, dnsmasq, routers)" },
    { "lab plug", plug_opts, lab_plug_cmd,
      "Plug a namespace into a node: its eth0 is the peer of TAP" },
    { "lab dhcp-client", dhcp_client_opts, lab_dhcp_client,
      "Run the instances' DHCP client (udhcpc) in a namespace" },
    { NULL, NULL, NULL, NULL, NULL },
};
