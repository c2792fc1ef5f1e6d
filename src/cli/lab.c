/* neutrino lab up|down|status and neutrino instance launch|list|show|delete|exec: the
 * tutorial's two nodes and its instances on one machine (DESIGN.md, dataplane-findings
 * §2-§6).
 *
 * Nodes are network namespaces <P>-controller and <P>-compute joined by a lab switch
 * (<P>-switch: bridges sw-mgmt, sw-vm, sw-ext), with the tutorial's NICs: eth0 on the
 * management/API network 192.168.104.0/24, eth1 on the VM network (10.0.1.0/24, the
 * vxlan underlay and physical network "provider"), and on the controller eth2 on the external network
 * 10.10.10.0/24.  Addresses exist only inside the lab's namespaces.  Each node runs its
 * linux-bridge agent; the controller also runs the DHCP agent, inside a node "init"
 * (private /run/netns and PID namespace) so that it keeps Neutron's qdhcp-<id> names.
 * Agents reach the server through its unix socket ([DEFAULT] bind_unix_socket), the one
 * clean path from another network namespace to a server on the host's loopback.
 *
 * An instance is a namespace <P>-vm-<name> whose eth0 is the peer of tap<port[:11]> on
 * its node, with the port's MAC; it gets its address from DHCP with busybox udhcpc, as
 * cirros does.  State: /run/neutrino-lab/<P>/lab.json. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cloud.h"
#include "netns.h"
#include "nl.h"
#include "util.h"

#define LAB_RUN_DIR "/run/neutrino-lab"

static const struct kind network_kind = { "network", "networks", "Network" };

/* The tutorial's physical environment. */
struct nic {
    const char *name;           /* In the node. */
    const char *bridge;         /* On the lab switch. */
    const char *address;        /* NULL: none. */
};

struct node {
    const char *name;           /* "controller": also the agents' host name. */
    const char *short_name;     /* Prefix of its switch-side veth ends. */
    struct nic nics[3];
    size_t n_nics;
    const char *local_ip;       /* vxlan underlay. */
    bool dhcp;
};

static const struct node nodes[] = {
    { "controller", "con",
      { { "eth0", "sw-mgmt", "192.168.104.10/24" }, { "eth1", "sw-vm", "10.0.1.10/24" },
        { "eth2", "sw-ext", "10.10.10.10/24" } },
      3, "10.0.1.10", true },
    { "compute", "com",
      { { "eth0", "sw-mgmt", "192.168.104.20/24" }, { "eth1", "sw-vm", "10.0.1.20/24" } },
      2, "10.0.1.20", false },
};

static const char *const switch_bridges[] = { "sw-mgmt", "sw-vm", "sw-ext" };

static const char udhcpc_script[] =
    "#!/bin/sh\n"
    "# The lab's udhcpc script: only `ip` inside the instance, and a lease file.\n"
    "case \"$1\" in\n"
    "deconfig)\n"
    "    ip addr flush dev \"$interface\"\n"
    "    ip link set \"$interface\" up\n"
    "    ;;\n"
    "bound|renew)\n"
    "    [ -n \"$mtu\" ] && ip link set \"$interface\" mtu \"$mtu\"\n"
    "    ip addr flush dev \"$interface\"\n"
    "    ip addr add \"$ip/$mask\" dev \"$interface\"\n"
    "    [ -n \"$router\" ] && ip route replace default via \"${router%% *}\" dev \"$interface\""
    " onlink\n"
    "    { echo \"ip=$ip\"; echo \"mask=$mask\"; echo \"router=$router\"; echo \"dns=$dns\";\n"
    "      echo \"mtu=$mtu\"; echo \"lease=$lease\"; echo \"serverid=$serverid\"; }"
    " > \"$LAB_LEASE_FILE\"\n"
    "    ;;\n"
    "esac\n"
    "exit 0\n";

/* --- The lab's state ------------------------------------------------------------- */

static const char *
lab_prefix(const json_t *a)
{
    const char *p = arg_str(a, "prefix");

    p = p ? p : getenv("NEUTRINO_LAB");
    return p && *p ? p : "nlab";
}

static char *
lab_dir(const char *prefix)
{
    return xasprintf(LAB_RUN_DIR "/%s", prefix);
}

static json_t *
load_state(const char *prefix)
{
    char *path = xasprintf(LAB_RUN_DIR "/%s/lab.json", prefix);
    json_t *s = json_load_file(path, 0, NULL);

    free(path);
    return s;
}

static int
save_state(const char *prefix, const json_t *state)
{
    char *path = xasprintf(LAB_RUN_DIR "/%s/lab.json", prefix);
    char *tmp = xasprintf("%s.tmp", path);
    int r = json_dump_file(state, tmp, JSON_INDENT(2)) || rename(tmp, path) ? -1 : 0;

    free(path);
    free(tmp);
    return r;
}

static bool
is_root(void)
{
    if (geteuid() != 0) {
        cli_fail("the lab needs root (network namespaces)");
        return false;
    }
    return true;
}

static bool
alive(pid_t pid)
{
    char path[64], buf[512];
    ssize_t n;
    int fd;

    if (pid <= 0) {
        return false;
    }
    snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    const char *paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' && paren[2] != 'Z';
}

/* --- Namespaces and links ---------------------------------------------------------- */

static char *
ns_name(const char *prefix, const char *what)
{
    return xasprintf("%s-%s", prefix, what);
}

/* Writes a sysctl inside namespace 'fd' (the thread visits it). */
static void
sysctl_in(int fd, const char *path, const char *value)
{
    int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

    if (home < 0 || setns(fd, CLONE_NEWNET)) {
        if (home >= 0) {
            close(home);
        }
        return;
    }
    int f = open(path, O_WRONLY | O_CLOEXEC);
    if (f >= 0) {
        if (write(f, value, strlen(value)) < 0) {
            /* Best effort: IPv6 may be absent. */
        }
        close(f);
    }
    if (setns(home, CLONE_NEWNET)) {
        abort();
    }
    close(home);
}

/* A namespace with loopback up and IPv6 off (no DAD or router solicitations). */
static int
make_ns(const char *name, int *ret_fd)
{
    int r = netns_create(name);

    if (r) {
        return cli_fail("cannot create namespace %s: %s", name, strerror(-r));
    }
    *ret_fd = netns_open(name);
    if (*ret_fd < 0) {
        return cli_fail("cannot open namespace %s: %s", name, strerror(-*ret_fd));
    }
    sysctl_in(*ret_fd, "/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
    sysctl_in(*ret_fd, "/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
    return 0;
}

static int
add_address(struct nl *nl, int ifindex, const char *cidr)
{
    char ip[64];
    struct nl_addr a = { .family = AF_INET, .scope = 0 };
    const char *slash = strchr(cidr, '/');

    snprintf(ip, sizeof ip, "%.*s", (int) (slash - cidr), cidr);
    a.prefixlen = atoi(slash + 1);
    if (inet_pton(AF_INET, ip, a.addr) != 1) {
        return -EINVAL;
    }
    int r = nl_addr_add(nl, ifindex, &a);
    return r == -EEXIST ? 0 : r;
}

/* --- Processes ---------------------------------------------------------------------- */

/* Starts 'argv' in a node "init": the node's network namespace, a private mount
 * namespace whose /run/netns is its own tmpfs, and a PID namespace whose PID 1 reaps
 * orphans.  Returns the init's pid (SIGKILL to it stops everything inside). */
static pid_t
start_in_node_init(int netns_fd, char *const argv[], const char *log)
{
    int pfd[2];
    pid_t a, init = -1;

    if (pipe2(pfd, O_CLOEXEC)) {
        return -errno;
    }
    a = fork();
    if (a < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return -errno;
    }
    if (a == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (setns(netns_fd, CLONE_NEWNET) || unshare(CLONE_NEWNS | CLONE_NEWPID)
            || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
            _exit(126);
        }
        pid_t b = fork();
        if (b == 0) {
            /* PID 1 of the node: it holds none of the caller's descriptors (a caller
             * reading our output through a pipe would wait for it forever). */
            int null = open("/dev/null", O_RDWR);
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
            syscall(SYS_close_range, 3, ~0U, 0);
            setsid();
            while (umount2("/run/netns", MNT_DETACH) == 0) {
            }
            mkdir("/run/netns", 0755);
            if (mount("nodenetns", "/run/netns", "tmpfs", 0, "size=1m,mode=755")
                || mount("proc", "/proc", "proc", 0, NULL)) {
                _exit(125);
            }
            pid_t c = fork();
            if (c == 0) {
                int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
                if (out >= 0) {
                    dup2(out, 1);
                    dup2(out, 2);
                }
                execv(argv[0], argv);
                _exit(127);
            }
            for (;;) {
                if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD) {
                    pause();
                }
            }
        }
        if (write(pfd[1], &b, sizeof b) != sizeof b) {
            _exit(1);
        }
        _exit(b > 0 ? 0 : 1);
    }
    close(pfd[1]);
    if (read(pfd[0], &init, sizeof init) != sizeof init) {
        init = -EIO;
    }
    close(pfd[0]);
    waitpid(a, NULL, 0);
    return init;
}

/* Kills every process whose network namespace is 'name' (a living process keeps a
 * deleted namespace alive). */
static void
kill_in_ns(const char *name)
{
    char path[300];
    struct stat target;
    DIR *d;
    struct dirent *e;

    snprintf(path, sizeof path, NETNS_RUN_DIR "/%s", name);
    if (stat(path, &target) || !(d = opendir("/proc"))) {
        return;
    }
    while ((e = readdir(d))) {
        struct stat st;
        if (e->d_name[0] < '0' || e->d_name[0] > '9') {
            continue;
        }
        snprintf(path, sizeof path, "/proc/%s/ns/net", e->d_name);
        if (!stat(path, &st) && st.st_ino == target.st_ino && st.st_dev == target.st_dev) {
            kill(atoi(e->d_name), SIGKILL);
        }
    }
    closedir(d);
}

/* Waits up to a second for 'pid' to end, then sends 'sig'. */
static void
stop_pid(pid_t pid, int sig)
{
    for (int i = 0; i < 200 && alive(pid); i++) {
        usleep(5000);
    }
    if (alive(pid)) {
        kill(pid, sig);
    }
}

/* --- Agents' configuration ------------------------------------------------------------ */

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

static char *
write_lb_config(const char *dir, const struct node *n, const char *sock, const struct cloud *c)
{
    char *path = xasprintf("%s/%s-linuxbridge_agent.ini", dir, n->name);
    FILE *f = fopen(path, "we");

    if (!f) {
        free(path);
        return NULL;
    }
    fprintf(f, "[DEFAULT]\nhost = %s\n[linux_bridge]\nphysical_interface_mappings ="
               " provider:eth1\n[vxlan]\nenable_vxlan = true\nlocal_ip = %s\n"
               "l2_population = true\n[agent]\nreport_interval = 5\n", n->name, n->local_ip);
    server_section(f, sock, c);
    fclose(f);
    return path;
}

static char *
write_dhcp_config(const char *dir, const struct node *n, const char *sock,
                  const struct cloud *c)
{
    char *path = xasprintf("%s/%s-dhcp_agent.ini", dir, n->name);
    FILE *f = fopen(path, "we");

    if (!f) {
        free(path);
        return NULL;
    }
    fprintf(f, "[DEFAULT]\nhost = %s\nstate_path = %s/%s-dhcp\ninterface_driver = linuxbridge\n"
               "dnsmasq_base_log_dir = %s/%s-dhcp/log\n[AGENT]\nreport_interval = 5\n",
            n->name, dir, n->name, dir, n->name);
    server_section(f, sock, c);
    fclose(f);
    return path;
}

/* The agents' binaries: next to this program (a build tree or an installation). */
static char *
sibling_binary(const char *subdir, const char *name)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    char *cand;

    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        *slash = '\0';
        cand = xasprintf("%s/%s", self, name);             /* installed side by side */
        if (!access(cand, X_OK)) {
            return cand;
        }
        free(cand);
        cand = xasprintf("%s/../%s/%s", self, subdir, name);   /* build tree */
        if (!access(cand, X_OK)) {
            return cand;
        }
        free(cand);
    }
    return xstrdup(name);
}

/* --- lab up ---------------------------------------------------------------------------- */

static const struct opt lab_opts[] = {
    { "prefix", OPT_STR, NULL }, { "server-socket", OPT_STR, NULL },
    { "no-wait", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

/* The agents the server lists alive on these hosts, as "host/type" strings. */
static size_t
count_alive_agents(struct cli *c)
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
            && (STREQ(host, "controller") || STREQ(host, "compute"))) {
            n++;
        }
    }
    json_decref(ans);
    return n;
}

static int
lab_up(struct cli *c, const json_t *a)
{
    const char *prefix = lab_prefix(a);
    const char *sock = arg_str(a, "server-socket");
    char *dir, *sw_name;
    json_t *state, *jnodes;
    int sw_fd = -1, r = 1;
    struct nl *sw_nl = NULL;

    if (!is_root()) {
        return 1;
    }
    if (!sock) {
        return cli_fail("lab up needs --server-socket: the server's [DEFAULT] bind_unix_socket,"
                        " which agents in the lab's namespaces use to reach it");
    }
    if ((state = load_state(prefix))) {
        json_decref(state);
        return cli_fail("lab %s is already up (neutrino lab down --prefix %s)", prefix, prefix);
    }
    mkdir(LAB_RUN_DIR, 0755);
    dir = lab_dir(prefix);
    if (mkdir(dir, 0755) && errno != EEXIST) {
        r = cli_fail("cannot create %s: %s", dir, strerror(errno));
        free(dir);
        return r;
    }
    chmod(dir, 0755);
    state = json_pack("{s:s,s:s,s:{},s:{}}", "prefix", prefix, "socket", sock, "nodes",
                      "instances");
    jnodes = json_object_get(state, "nodes");
    {
        char *script = xasprintf("%s/udhcpc.sh", dir);
        FILE *f = fopen(script, "we");
        if (f) {
            fputs(udhcpc_script, f);
            fclose(f);
            chmod(script, 0755);
        }
        free(script);
    }
    sw_name = ns_name(prefix, "switch");
    if (make_ns(sw_name, &sw_fd) || nl_open_netns(&sw_nl, sw_fd)) {
        goto out;
    }
    json_object_set_new(state, "switch", json_string(sw_name));
    save_state(prefix, state);
    for (size_t i = 0; i < ARRAY_SIZE(switch_bridges); i++) {
        struct nl_link l;
        int e = nl_bridge_add(sw_nl, switch_bridges[i]);
        if ((e && e != -EEXIST) || nl_link_get(sw_nl, switch_bridges[i], &l)) {
            cli_fail("lab switch: cannot create %s: %s", switch_bridges[i], strerror(-e));
            goto out;
        }
        nl_link_set(sw_nl, l.ifindex, -1, 0, 1);
    }
    for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
        const struct node *n = &nodes[i];
        char *name = ns_name(prefix, n->name), *lb_conf, *lb_bin, *lb_log;
        struct nl *nl = NULL;
        int fd = -1;
        if (make_ns(name, &fd) || nl_open_netns(&nl, fd)) {
            free(name);
            goto out;
        }
        json_t *jn = json_pack("{s:s,s:s}", "netns", name, "host", n->name);
        json_object_set_new(jnodes, n->name, jn);
        for (size_t k = 0; k < n->n_nics; k++) {
            const struct nic *nic = &n->nics[k];
            char peer[IFNAMSIZ];
            struct nl_link l, pl, br;
            snprintf(peer, sizeof peer, "%s-%s", n->short_name, nic->name);
            int e = nl_veth_add(nl, nic->name, peer, sw_fd, NULL, 0);
            if ((e && e != -EEXIST) || nl_link_get(nl, nic->name, &l)
                || nl_link_get(sw_nl, peer, &pl) || nl_link_get(sw_nl, nic->bridge, &br)) {
                cli_fail("node %s: cannot create %s: %s", n->name, nic->name, strerror(-e));
                nl_close(nl);
                close(fd);
                free(name);
                goto out;
            }
            nl_link_set(sw_nl, pl.ifindex, br.ifindex, 0, 1);
            nl_link_set(nl, l.ifindex, -1, 0, 1);
            if (nic->address && add_address(nl, l.ifindex, nic->address)) {
                cli_fail("node %s: cannot give %s the address %s", n->name, nic->name,
                         nic->address);
                nl_close(nl);
                close(fd);
                free(name);
                goto out;
            }
        }
        nl_close(nl);
        /* The node's agents. */
        lb_conf = write_lb_config(dir, n, sock, c->cloud);
        lb_bin = sibling_binary("agent", "neutrino-linuxbridge-agent");
        lb_log = xasprintf("%s/%s-linuxbridge-agent.log", dir, n->name);
        char *lb_argv[] = { lb_bin, (char *) "--config-file", lb_conf, NULL };
        pid_t lb = netns_spawn(fd, lb_argv, lb_log);
        json_object_set_new(jn, "linuxbridge_agent", json_integer(lb));
        free(lb_conf);
        free(lb_bin);
        free(lb_log);
        if (n->dhcp) {
            char *d_conf = write_dhcp_config(dir, n, sock, c->cloud);
            char *d_bin = sibling_binary("dhcp_agent", "neutrino-dhcp-agent");
            char *d_log = xasprintf("%s/%s-dhcp-agent.log", dir, n->name);
            char *d_argv[] = { d_bin, (char *) "--config-file", d_conf, NULL };
            pid_t init = start_in_node_init(fd, d_argv, d_log);
            json_object_set_new(jn, "dhcp_init", json_integer(init));
            free(d_conf);
            free(d_bin);
            free(d_log);
        }
        close(fd);
        free(name);
        save_state(prefix, state);
    }
    printf("lab %s: nodes controller and compute, switch %s; state in %s\n", prefix, sw_name,
           dir);
    r = 0;
    if (arg_bool(a, "no-wait") != 1) {
        size_t want = 3, have = 0;
        for (int i = 0; i < 300 && (have = count_alive_agents(c)) < want; i++) {
            usleep(50000);
        }
        if (have < want) {
            fprintf(stderr, "warning: %zu of %zu agents alive so far (an admin cloud sees"
                            " them; logs in %s)\n", have, want, dir);
        } else {
            printf("agents alive: linux-bridge on controller and compute, DHCP on"
                   " controller\n");
        }
    }
out:
    if (sw_nl) {
        nl_close(sw_nl);
    }
    if (sw_fd >= 0) {
        close(sw_fd);
    }
    save_state(prefix, state);
    json_decref(state);
    free(sw_name);
    free(dir);
    return r;
}

/* --- lab down --------------------------------------------------------------------------- */

static void
remove_ns(const char *name)
{
    kill_in_ns(name);
    netns_delete(name);
}

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

static void
note_ns(const char *name, void *aux)
{
    json_array_append_new(aux, json_string(name));
}

static int
lab_down(struct cli *c, const json_t *a)
{
    const char *prefix = lab_prefix(a);
    json_t *state, *n, *inst;
    const char *key;
    char *dir;

    if (!is_root()) {
        return 1;
    }
    state = load_state(prefix);
    dir = lab_dir(prefix);
    if (!state) {
        struct stat st;
        if (stat(dir, &st)) {
            free(dir);
            return cli_fail("no lab %s is up", prefix);
        }
        state = json_object();
    }
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
        remove_ns(json_string_value(json_object_get(inst, "netns")));
    }
    /* Agents first (they would re-create what is removed), all at once, then the
     * namespaces.  SIGKILL to a node init ends its DHCP agent and dnsmasq. */
    pid_t pids[16];
    size_t n_pids = 0;
    json_object_foreach (json_object_get(state, "nodes"), key, n) {
        pid_t lb = (pid_t) json_integer_value(json_object_get(n, "linuxbridge_agent"));
        pid_t init = (pid_t) json_integer_value(json_object_get(n, "dhcp_init"));
        if (alive(lb) && n_pids < ARRAY_SIZE(pids)) {
            kill(lb, SIGTERM);
            pids[n_pids++] = lb;
        }
        if (alive(init) && n_pids < ARRAY_SIZE(pids)) {
            kill(init, SIGKILL);
            pids[n_pids++] = init;
        }
    }
    for (size_t k = 0; k < n_pids; k++) {
        stop_pid(pids[k], SIGKILL);     /* Waits up to 1 s, then insists. */
    }
    json_object_foreach (json_object_get(state, "nodes"), key, n) {
        remove_ns(json_string_value(json_object_get(n, "netns")));
    }
    if (json_object_get(state, "switch")) {
        remove_ns(json_string_value(json_object_get(state, "switch")));
    }
    /* Whatever else carries the prefix (a lab up that failed half way). */
    char *p = xasprintf("%s-", prefix);
    json_t *left = json_array(), *name;
    size_t i;
    netns_foreach(p, note_ns, left);
    json_array_foreach (left, i, name) {
        remove_ns(json_string_value(name));
    }
    free(p);
    json_decref(left);
    remove_tree(dir);
    printf("lab %s: down\n", prefix);
    json_decref(state);
    free(dir);
    return 0;
}

/* --- lab status ------------------------------------------------------------------------- */

static int
lab_status(struct cli *c, const json_t *a)
{
    const char *prefix = lab_prefix(a);
    json_t *state = load_state(prefix), *n, *inst, *rows = json_array();
    const char *key;
    static const struct field cols[] = {
        { "Node", "node", R_TEXT }, { "Namespace", "netns", R_TEXT },
        { "Linux bridge agent", "lb", R_TEXT }, { "DHCP agent", "dhcp", R_TEXT },
        { "Instances", "instances", R_TEXT },
    };
    int r;

    if (!state) {
        json_decref(rows);
        return cli_fail("no lab %s is up", prefix);
    }
    json_object_foreach (json_object_get(state, "nodes"), key, n) {
        pid_t lb = (pid_t) json_integer_value(json_object_get(n, "linuxbridge_agent"));
        pid_t init = (pid_t) json_integer_value(json_object_get(n, "dhcp_init"));
        json_t *names = json_array();
        const char *ik;
        json_object_foreach (json_object_get(state, "instances"), ik, inst) {
            const char *node = json_string_value(json_object_get(inst, "node"));
            if (node && STREQ(node, key)) {
                json_array_append_new(names, json_string(ik));
            }
        }
        json_array_append_new(rows, json_pack(
            "{s:s,s:O,s:s,s:s,s:o}", "node", key, "netns", json_object_get(n, "netns"),
            "lb", alive(lb) ? "running" : "stopped",
            "dhcp", !json_object_get(n, "dhcp_init") ? "-" : alive(init) ? "running"
                                                                          : "stopped",
            "instances", names));
    }
    r = out_list(&c->out, cols, ARRAY_SIZE(cols), rows);
    json_decref(rows);
    json_decref(state);
    return r;
}

/* --- Instances -------------------------------------------------------------------------- */

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

static json_t *
lab_or_fail(const json_t *a)
{
    json_t *state = load_state(lab_prefix(a));

    if (!state) {
        cli_fail("no lab %s is up (neutrino lab up)", lab_prefix(a));
    }
    return state;
}

/* Runs udhcpc in the instance; fills "ip_address" from the lease (or null). */
static void
dhcp_lease(const json_t *state, json_t *inst, const char *name, int tries)
{
    char *dir = lab_dir(json_string_value(json_object_get(state, "prefix")));
    char *lease = xasprintf("%s/%s.lease", dir, name);
    char *script = xasprintf("%s/udhcpc.sh", dir);
    char *env_lease = xasprintf("LAB_LEASE_FILE=%s", lease);
    char *host = xasprintf("hostname:%s", name);
    char tries_text[16];
    int fd = netns_open(json_string_value(json_object_get(inst, "netns")));

    snprintf(tries_text, sizeof tries_text, "%d", tries);
    unlink(lease);
    if (fd >= 0) {
        pid_t pid = fork();
        if (pid == 0) {
            char *argv[] = { (char *) "busybox", (char *) "udhcpc", (char *) "-i",
                             (char *) "eth0", (char *) "-f", (char *) "-q", (char *) "-n",
                             (char *) "-t", tries_text, (char *) "-T", (char *) "1",
                             (char *) "-A", (char *) "1", (char *) "-O", (char *) "mtu",
                             (char *) "-O", (char *) "staticroutes", (char *) "-x", host,
                             (char *) "-s", script, NULL };
            int null = open("/dev/null", O_RDWR);
            if (setns(fd, CLONE_NEWNET)) {
                _exit(126);
            }
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
            putenv(env_lease);
            execvp("busybox", argv);
            _exit(127);
        }
        if (pid > 0) {
            waitpid(pid, NULL, 0);
        }
        close(fd);
    }
    json_t *ip = json_null();
    FILE *f = fopen(lease, "re");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        if (str_startswith(line, "ip=")) {
            line[strcspn(line, "\n")] = '\0';
            json_decref(ip);
            ip = json_string(line + 3);
        }
    }
    if (f) {
        fclose(f);
    }
    json_object_set_new(inst, "ip_address", ip);
    free(dir);
    free(lease);
    free(script);
    free(env_lease);
    free(host);
}

static const struct opt launch_opts[] = {
    { "network", OPT_STR, NULL }, { "node", OPT_STR, NULL }, { "fixed-ip", OPT_LIST, NULL },
    { "prefix", OPT_STR, NULL }, { "no-dhcp", OPT_TRUE, NULL },
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

static int
instance_launch(struct cli *c, const json_t *a)
{
    const char *name = arg_pos(a, 0), *node_name = arg_str(a, "node");
    json_t *state, *jnode, *inst, *body, *ans = NULL, *port, *net = NULL;
    struct session *s, *as;
    struct cli admin;
    struct cloud admin_cloud;
    char path[256], tap[IFNAMSIZ];
    int r = 1, node_fd = -1, inst_fd = -1;

    memset(&admin, 0, sizeof admin);
    memset(&admin_cloud, 0, sizeof admin_cloud);
    if (arg_npos(a) != 1 || !arg_str(a, "network")) {
        return cli_fail("usage: instance launch NAME --network NET [--node NODE]"
                        " [--fixed-ip subnet=S,ip-address=IP]");
    }
    if (!is_root() || !(state = lab_or_fail(a))) {
        return 1;
    }
    node_name = node_name ? node_name : "controller";
    jnode = json_object_get(json_object_get(state, "nodes"), node_name);
    if (!jnode) {
        json_decref(state);
        return cli_fail("no node %s in the lab (controller, compute)", node_name);
    }
    if (json_object_get(json_object_get(state, "instances"), name)) {
        json_decref(state);
        return cli_fail("instance %s exists", name);
    }
    if (!(s = cli_session(c)) || cli_find(c, &network_kind, arg_str(a, "network"), &net)) {
        json_decref(state);
        return 1;
    }
    /* As Nova: the port, created as the user... */
    body = json_pack("{s:s,s:s,s:s,s:b}", "network_id",
                     json_string_value(json_object_get(net, "id")), "device_owner",
                     "compute:nova", "name", "", "admin_state_up", 1);
    char device_id[37];
    uuid_new(device_id);
    json_object_set_new(body, "device_id", json_string(device_id));
    if (arg_list(a, "fixed-ip") && cli_fixed_ips(c, arg_list(a, "fixed-ip"), NULL, body)) {
        json_decref(body);
        goto out;
    }
    json_t *wrapped = json_pack("{s:o}", "port", body);
    r = session_call(s, "POST", "/v2.0/ports", wrapped, &ans);
    json_decref(wrapped);
    if (r) {
        r = cli_fail_call(c);
        goto out;
    }
    port = json_incref(json_object_get(ans, "port"));
    json_decref(ans);
    ans = NULL;
    /* ...then bound to the node with the admin's rights. */
    as = admin_session(c, &admin, &admin_cloud);
    snprintf(path, sizeof path, "/v2.0/ports/%s", json_string_value(json_object_get(port, "id")));
    wrapped = json_pack("{s:{s:s}}", "port", "binding:host_id",
                        json_string_value(json_object_get(jnode, "host")));
    r = as ? session_call(as, "PUT", path, wrapped, &ans) : -1;
    json_decref(wrapped);
    json_decref(ans);
    if (r) {
        r = as ? cli_fail("cannot bind the port to %s: %s", node_name,
                          buf_cstr(&as->error))
               : 1;
        json_decref(port);
        goto out;
    }
    /* As libvirt: the tap on the node, eth0 with the port's MAC in the instance. */
    char *inst_ns = xasprintf("%s-vm-%s", json_string_value(json_object_get(state, "prefix")),
                              name);
    snprintf(tap, sizeof tap, "tap%.11s", json_string_value(json_object_get(port, "id")));
    inst = json_pack("{s:s,s:s,s:O,s:O,s:O,s:s,s:s,s:n}", "name", name, "node", node_name,
                     "network", json_object_get(net, "name"), "port_id",
                     json_object_get(port, "id"), "mac_address",
                     json_object_get(port, "mac_address"), "tap", tap, "netns", inst_ns,
                     "ip_address");
    json_object_set_new(json_object_get(state, "instances"), name, inst);
    save_state(json_string_value(json_object_get(state, "prefix")), state);
    r = make_ns(inst_ns, &inst_fd);
    node_fd = r ? -1 : netns_open(json_string_value(json_object_get(jnode, "netns")));
    if (!r && node_fd >= 0) {
        struct nl *nl = NULL, *inl = NULL;
        struct nl_link l;
        uint8_t mac[6];
        int mtu = (int) json_integer_value(json_object_get(net, "mtu"));
        nl_parse_mac(json_string_value(json_object_get(port, "mac_address")), mac);
        if (nl_open_netns(&nl, node_fd) || nl_veth_add(nl, tap, "eth0", inst_fd, mac, mtu)
            || nl_open_netns(&inl, inst_fd) || nl_link_get(inl, "eth0", &l)
            || nl_link_set(inl, l.ifindex, -1, 0, 1)) {
            r = cli_fail("cannot plug %s into node %s", tap, node_name);
        }
        if (nl) {
            nl_close(nl);
        }
        if (inl) {
            nl_close(inl);
        }
    }
    json_decref(port);
    free(inst_ns);
    if (r) {
        goto out;
    }
    if (arg_bool(a, "no-dhcp") != 1) {
        dhcp_lease(state, inst, name, 10);
        save_state(json_string_value(json_object_get(state, "prefix")), state);
    }
    r = out_show(&c->out, instance_fields, ARRAY_SIZE(instance_fields), inst);
out:
    if (node_fd >= 0) {
        close(node_fd);
    }
    if (inst_fd >= 0) {
        close(inst_fd);
    }
    if (admin.opened) {
        session_close(&admin.session);
    }
    cloud_done(&admin_cloud);
    json_decref(net);
    json_decref(state);
    return r;
}

static int
instance_list(struct cli *c, const json_t *a)
{
    json_t *state = lab_or_fail(a), *rows = json_array(), *inst;
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

static int
instance_show(struct cli *c, const json_t *a)
{
    json_t *state = lab_or_fail(a), *inst;
    int r;

    if (!state) {
        return 1;
    }
    inst = json_object_get(json_object_get(state, "instances"), arg_pos(a, 0) ? arg_pos(a, 0)
                                                                              : "");
    r = inst ? out_show(&c->out, instance_fields, ARRAY_SIZE(instance_fields), inst)
             : cli_fail("No instance found for %s", arg_pos(a, 0) ? arg_pos(a, 0) : "");
    json_decref(state);
    return r;
}

static int
instance_delete(struct cli *c, const json_t *a)
{
    json_t *state = lab_or_fail(a);
    size_t failed = 0, n = arg_npos(a);

    if (!state || !is_root()) {
        json_decref(state);
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
        remove_ns(json_string_value(json_object_get(inst, "netns")));
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
    save_state(json_string_value(json_object_get(state, "prefix")), state);
    json_decref(state);
    if (failed) {
        fprintf(stderr, "%zu of %zu instances failed to delete.\n", failed, n);
        return 1;
    }
    return 0;
}

static const struct opt exec_opts[] = {
    { "prefix", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
instance_exec(struct cli *c, const json_t *a)
{
    json_t *state = lab_or_fail(a), *inst;
    size_t n = arg_npos(a);
    int fd, status = 1;

    if (!state || !is_root()) {
        json_decref(state);
        return 1;
    }
    inst = json_object_get(json_object_get(state, "instances"), arg_pos(a, 0) ? arg_pos(a, 0)
                                                                              : "");
    if (!inst || n < 2) {
        json_decref(state);
        return cli_fail("usage: instance exec NAME -- COMMAND [ARG]...");
    }
    fd = netns_open(json_string_value(json_object_get(inst, "netns")));
    if (fd < 0) {
        json_decref(state);
        return cli_fail("instance %s has no namespace", arg_pos(a, 0));
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char **argv = xcalloc(n, sizeof *argv);
        for (size_t i = 1; i < n; i++) {
            argv[i - 1] = (char *) arg_pos(a, i);
        }
        /* As `ip netns exec`: the namespace, and a /sys that shows its devices. */
        if (setns(fd, CLONE_NEWNET) || unshare(CLONE_NEWNS)
            || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL)) {
            _exit(126);
        }
        umount2("/sys", MNT_DETACH);
        mount("sysfs", "/sys", "sysfs", 0, NULL);
        execvp(argv[0], argv);
        fprintf(stderr, "neutrino: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid > 0 && waitpid(pid, &status, 0) == pid) {
        status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    close(fd);
    json_decref(state);
    return status;
}

const struct command lab_commands[] = {
    { "lab up", lab_opts, lab_up, "Build the tutorial's lab: nodes controller and compute" },
    { "lab down", lab_opts, lab_down, "Remove the lab and everything it made" },
    { "lab status", lab_opts, lab_status, "Show the lab's nodes, agents and instances" },
    { "instance launch", launch_opts, instance_launch, "Start a lab instance on a network" },
    { "instance create", launch_opts, instance_launch, "Start a lab instance on a network" },
    { "instance list", exec_opts, instance_list, "List lab instances" },
    { "instance show", exec_opts, instance_show, "Show a lab instance" },
    { "instance delete", exec_opts, instance_delete, "Delete lab instances" },
    { "instance exec", exec_opts, instance_exec, "Run a command inside a lab instance" },
    { NULL, NULL, NULL, NULL },
};
