/* The agents of `lab up`: their configuration files and processes. */
#include "agents.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lab_state.h"
#include "netns.h"
#include "supervise.h"
#include "util.h"

/* [server] of the agents: the unix socket, and the neutrino-agent account from the same
 * clouds.yaml when there is one. */
static void
server_section(FILE *f, const char *socket_path, const struct cloud *user)
{
    struct cloud agent, flags;
    struct buf error = BUF_INITIALIZER;

    fprintf(f, "[server]\nurl = http://localhost\nunix_socket = %s\n", socket_path);
    memset(&flags, 0, sizeof flags);
    flags.name = xstrdup("neutrino-agent");
    if (user->config_file && !cloud_load(&flags, &agent, &error) && agent.username) {
        fprintf(f, "username = %s\npassword = %s\nproject_name = %s\nauth_url = %s\n",
                agent.username, agent.password ? agent.password : "",
                agent.project_name ? agent.project_name : "service",
                agent.auth_url ? agent.auth_url : "");
        cloud_done(&agent);
    }
    cloud_done(&flags);
    buf_done(&error);
}

/* <dir>/<node>-<kind>.ini with 'body' then [server]; its path (owned) or NULL. */
static char *
write_config(const char *prefix, const struct node *n, const char *kind, const char *body,
             const char *sock, const struct cloud *user)
{
    char *file = xasprintf("%s-%s.ini", n->name, kind);
    char *path = lab_file(prefix, file);
    FILE *f = fopen(path, "we");

    free(file);
    if (!f) {
        cli_fail("cannot write %s", path);
        free(path);
        return NULL;
    }
    fputs(body, f);
    server_section(f, sock, user);
    fclose(f);
    return path;
}

/* Starts 'binary' of src/<subdir> with --config-file 'conf', logging to
 * <dir>/<node>-<log>.log: in namespace 'fd', or inside node init 'init' when > 0. */
static pid_t
start_agent(const char *prefix, const struct node *n, const char *subdir, const char *binary,
            const char *conf, const char *log, int fd, pid_t init)
{
    char *bin = cli_sibling_binary(subdir, binary);
    char *file = xasprintf("%s-%s.log", n->name, log);
    char *log_path = lab_file(prefix, file);
    char *argv[] = { bin, (char *) "--config-file", (char *) conf, NULL };
    pid_t pid = init > 0 ? node_init_spawn(init, argv, log_path) : netns_spawn(fd, argv, log_path);

    free(bin);
    free(file);
    free(log_path);
    return pid;
}

/* An agent that makes namespaces of its own, so runs inside the node's init. */
struct init_agent {
    const char *kind;       /* Its .ini is <node>-<kind>.ini, its pid "kind" in lab.json. */
    const char *subdir;     /* src/<subdir>/<binary> in a build tree. */
    const char *binary;
    const char *log;        /* <node>-<log>.log */
};

static const struct init_agent dhcp_agent = {
    "dhcp_agent", "dhcp_agent", "neutrino-dhcp-agent", "dhcp-agent",
};
static const struct init_agent l3_agent = {
    "l3_agent", "l3agent", "neutrino-l3-agent", "l3-agent",
};

/* Starts 'a' with configuration 'body' inside the init of node 'n' (namespace 'fd'),
 * starting the init first when the node has none yet. */
static int
start_in_init(const char *prefix, const struct node *n, json_t *jnode, int fd,
              const struct init_agent *a, const char *body, const char *sock,
              const struct cloud *user)
{
    char *conf = write_config(prefix, n, a->kind, body, sock, user);
    pid_t init = (pid_t) json_integer_value(json_object_get(jnode, "init")), pid;

    if (!proc_alive(init)) {
        init = node_init_start(fd);
        json_object_set_new(jnode, "init", json_integer(init));
    }
    if (!conf || init < 0) {
        free(conf);
        return conf ? cli_fail("node %s: cannot start its init", n->name) : 1;
    }
    pid = start_agent(prefix, n, a->subdir, a->binary, conf, a->log, -1, init);
    free(conf);
    json_object_set_new(jnode, a->kind, json_integer(pid));
    return pid < 0 ? cli_fail("node %s: cannot start %s: %s", n->name, a->binary,
                              strerror(-pid))
                   : 0;
}

int
agents_start(const char *prefix, const struct node *n, json_t *jnode, const char *sock,
             const struct cloud *user)
{
    char *lb_body = xasprintf("[DEFAULT]\nhost = %s\n[linux_bridge]\n"
                              "physical_interface_mappings = %s\n[vxlan]\n"
                              "enable_vxlan = true\nlocal_ip = %s\nl2_population = true\n"
                              "[agent]\nreport_interval = 5\n", n->name, n->physnets,
                              n->local_ip);
    char *dir = lab_dir(prefix);
    char *conf = write_config(prefix, n, "linuxbridge_agent", lb_body, sock, user);
    int fd = netns_open(json_string_value(json_object_get(jnode, "netns"))), r = 0;

    if (!conf || fd < 0) {
        r = conf ? cli_fail("node %s has no namespace", n->name) : 1;
        goto out;
    }
    json_object_set_new(jnode, "linuxbridge_agent",
                        json_integer(start_agent(prefix, n, "agent",
                                                 "neutrino-linuxbridge-agent", conf,
                                                 "linuxbridge-agent", fd, 0)));
    if (n->dhcp) {
        char *body = xasprintf("[DEFAULT]\nhost = %s\nstate_path = %s/%s-dhcp\n"
                               "interface_driver = linuxbridge\n"
                               "dnsmasq_base_log_dir = %s/%s-dhcp/log\n[AGENT]\n"
                               "report_interval = 5\n", n->name, dir, n->name, dir, n->name);
        r = start_in_init(prefix, n, jnode, fd, &dhcp_agent, body, sock, user);
        free(body);
    }
    if (!r && n->l3) {
        char *body = xasprintf("[DEFAULT]\nhost = %s\nstate_path = %s/%s-l3\n"
                               "interface_driver = linuxbridge\n[AGENT]\n"
                               "report_interval = 5\n", n->name, dir, n->name);
        r = start_in_init(prefix, n, jnode, fd, &l3_agent, body, sock, user);
        free(body);
    }
out:
    if (fd >= 0) {
        close(fd);
    }
    free(lb_body);
    free(dir);
    free(conf);
    return r;
}

void
agents_stop_all(const json_t *state)
{
    const char *key;
    json_t *n;
    pid_t pids[16];
    size_t n_pids = 0;

    json_object_foreach (json_object_get(state, "nodes"), key, n) {
        pid_t lb = (pid_t) json_integer_value(json_object_get(n, "linuxbridge_agent"));
        pid_t init = (pid_t) json_integer_value(json_object_get(n, "init"));
        if (proc_alive(lb) && n_pids < ARRAY_SIZE(pids)) {
            kill(lb, SIGTERM);
            pids[n_pids++] = lb;
        }
        if (proc_alive(init) && n_pids < ARRAY_SIZE(pids)) {
            kill(init, SIGKILL);
            pids[n_pids++] = init;
        }
    }
    for (size_t k = 0; k < n_pids; k++) {
        proc_stop(pids[k], SIGKILL);
    }
}
