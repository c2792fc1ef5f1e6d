/* The DHCP agent's loop (see dhcp_agent.h).
 *
 * Per network the agent serves: namespace qdhcp-<network id>; a veth whose node end
 * tap<port[:11]> the linux-bridge agent plugs into the network's bridge and whose
 * other end ns-<port[:11]> carries the DHCP port's MAC and addresses; and a dnsmasq
 * with Neutron's command line reading files in <dhcp_confs>/<network id>/.
 *
 * One thread does the work; feed.c long-polls the change feed beside it.  Changes are
 * applied in batches: everything heard since the last round is grouped by network, the
 * changed ports of a network are fetched in one request, its files rewritten once
 * (atomically) and dnsmasq sent one SIGHUP, then the ports are reported ready in one
 * more request.  So a burst of port creations costs one reload per network, not one
 * per port, and a slow reload only makes the next batch bigger.
 *
 * dnsmasq is watched through pidfds in the same poll(): a death is noticed at once and
 * dnsmasq restarted (after a short back-off if it keeps dying).  At start the agent
 * adopts the dnsmasq processes it finds (pid file + command line), then compares
 * everything with the server: networks it should serve are set up or fixed, the rest
 * torn down.  The same comparison runs when the server says the agent was dead, when
 * the feed was lost, and every resync_interval after a failure. */
#include "dhcp_agent.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "agent_loop.h"
#include "agent_proto.h"
#include "array.h"
#include "config.h"
#include "dnsmasq_conf.h"
#include "dnsmasq_proc.h"
#include "ip.h"
#include "log.h"
#include "netns.h"
#include "nl.h"
#include "server_client.h"
#include "util.h"

LOG_MODULE("dhcp");

#define AGENT_BINARY "neutron-dhcp-agent"

enum {
    READY_BATCH = 1024,         /* Port ids per "ready" request. */
    IDS_BATCH = 1024,           /* Port ids per "ports" request. */
    STOP_GRACE_MS = 1000,
    MAX_BACKOFF_MS = 10000,
};

/* One network this agent serves. */
struct dnet {
    char id[40];
    char ns[128];               /* qdhcp-<id> (namespace_prefix + id) */
    char dir[PATH_MAX];         /* <dhcp_confs>/<id> */
    json_t *info;               /* The server's description, less "ports". */
    json_t *ports;              /* Port id -> port. */
    struct dnsmasq_proc proc;
    int64_t restart_at;         /* ms (monotonic) of a pending restart; 0: none. */
    int64_t reload_at;          /* ms of a pending SIGHUP (dnsmasq was starting). */
    int64_t started_at;
    int backoff_ms;
    bool seen;                  /* Scratch for full synchronisation. */
};

struct dagent {
    const struct dhcp_config *cfg;
    const char *dnsmasq;        /* The binary. */
    struct agent_loop *loop;    /* Heartbeats, the change feed, retries, signals. */
    struct server_client *sc;   /* The loop's client. */
    struct nl *nl;              /* The node's namespace. */
    struct dnet **nets;
    size_t n_nets, cap_nets;
    json_t *ready;              /* Port ids to report ready. */
};

/* --- The networks table ---------------------------------------------------------- */

static struct dnet *
net_find(struct dagent *a, const char *id)
{
    for (size_t i = 0; i < a->n_nets; i++) {
        if (STREQ(a->nets[i]->id, id)) {
            return a->nets[i];
        }
    }
    return NULL;
}

static struct dnet *
net_add(struct dagent *a, const char *id)
{
    struct dnet *n = net_find(a, id);

    if (n) {
        return n;
    }
    a->nets = array_grow(a->nets, a->n_nets, &a->cap_nets, sizeof *a->nets);
    n = xcalloc(1, sizeof *n);
    snprintf(n->id, sizeof n->id, "%s", id);
    snprintf(n->ns, sizeof n->ns, "%s%s", a->cfg->namespace_prefix, id);
    snprintf(n->dir, sizeof n->dir, "%s/%s", a->cfg->dhcp_confs, id);
    n->proc = (struct dnsmasq_proc) DNSMASQ_PROC_INIT;
    n->ports = json_object();
    a->nets[a->n_nets++] = n;
    return n;
}

static void
net_free(struct dagent *a, struct dnet *n)
{
    for (size_t i = 0; i < a->n_nets; i++) {
        if (a->nets[i] == n) {
            a->nets[i] = a->nets[--a->n_nets];
            break;
        }
    }
    json_decref(n->info);
    json_decref(n->ports);
    free(n);
}

/* A valid network id for a path or a namespace name: a UUID. */
static bool
safe_id(const char *id)
{
    return id && uuid_is_valid(id);
}

/* --- Talking to the server ------------------------------------------------------- */

static json_t *
configurations(struct dagent *a)
{
    size_t subnets = 0, ports = 0;

    for (size_t i = 0; i < a->n_nets; i++) {
        subnets += json_array_size(json_object_get(a->nets[i]->info, "subnets"));
        ports += json_object_size(a->nets[i]->ports);
    }
    return json_pack("{s:s,s:i,s:b,s:I,s:I,s:I}", "dhcp_driver", a->cfg->dhcp_driver,
                     "dhcp_lease_duration", a->cfg->dhcp_lease_duration,
                     "log_agent_heartbeats", a->cfg->log_agent_heartbeats, "networks",
                     (json_int_t) a->n_nets, "subnets", (json_int_t) subnets, "ports",
                     (json_int_t) ports);
}

/* The heartbeat's state. */
static json_t *
report_state(void *agent)
{
    struct dagent *a = agent;

    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "agent_type", AGENT_TYPE_DHCP, "binary",
                     AGENT_BINARY, "host", a->cfg->host, "topic", "dhcp_agent",
                     "availability_zone", a->cfg->availability_zone, "configurations",
                     configurations(a));
}

/* Reports the queued ports ready (dnsmasq serves them), in batches. */
static int
report_ready(void *agent)
{
    struct dagent *a = agent;

    while (json_array_size(a->ready)) {
        json_t *batch = json_array(), *body, *ans = NULL;
        size_t n = json_array_size(a->ready) < READY_BATCH ? json_array_size(a->ready)
                                                           : READY_BATCH;
        int r;

        for (size_t i = 0; i < n; i++) {
            json_array_append(batch, json_array_get(a->ready, i));
        }
        body = json_pack("{s:s,s:o}", "host", a->cfg->host, "ports", batch);
        r = server_call(a->sc, "POST", AGENT_PATH_DHCP_READY, body, 0, &ans, NULL);
        json_decref(body);
        json_decref(ans);
        if (r) {
            return r;
        }
        for (size_t i = 0; i < n; i++) {
            json_array_remove(a->ready, 0);
        }
    }
    return 0;
}

/* Queues the ports of 'n' that wait for this agent (service ports do not). */
static void
queue_ready(struct dagent *a, const json_t *port)
{
    const char *owner = json_string_value(json_object_get(port, "device_owner"));

    if (owner && *owner && !str_startswith(owner, "network:")) {
        json_array_append(a->ready, json_object_get(port, "id"));
    }
}

/* --- Setting a network up -------------------------------------------------------- */

/* The full description dnsmasq_conf.h takes: the network's, with its ports. */
static json_t *
full_info(const struct dnet *n)
{
    json_t *info = json_copy(n->info), *ports = json_array(), *p;
    const char *key;

    json_object_foreach (n->ports, key, p) {
        json_array_append(ports, p);
    }
    json_object_set_new(info, "ports", ports);
    return info;
}

static void
settings_of(const struct dagent *a, const struct dnet *n, struct dnsmasq_settings *s)
{
    memset(s, 0, sizeof *s);
    s->conf_dir = n->dir;
    s->dns_domain = a->cfg->dns_domain;
    s->lease_duration = a->cfg->dhcp_lease_duration;
    s->dns_servers = a->cfg->dns_servers;
    s->n_dns_servers = a->cfg->n_dns_servers;
    s->local_resolv = a->cfg->dnsmasq_local_resolv;
    s->lease_max = a->cfg->dnsmasq_lease_max;
    s->broadcast_reply = a->cfg->dhcp_broadcast_reply;
    s->config_file = a->cfg->dnsmasq_config_file;
    s->log_dir = a->cfg->dnsmasq_base_log_dir;
    s->renewal_time = a->cfg->dhcp_renewal_time;
    s->rebinding_time = a->cfg->dhcp_rebinding_time;
}

static int
write_buf(const char *dir, const char *name, const struct buf *b)
{
    return dnsmasq_write_file(dir, name, b->data ? (const char *) b->data : "", b->len);
}

/* Rewrites host, addn_hosts and opts (and leases, before a start). */
static int
write_files(struct dagent *a, struct dnet *n, bool leases)
{
    struct buf host = BUF_INITIALIZER, addn = BUF_INITIALIZER, opts = BUF_INITIALIZER;
    struct dnsmasq_settings s;
    json_t *info = full_info(n);
    int r;

    settings_of(a, n, &s);
    dnsmasq_hosts(info, &s, &host, &addn);
    dnsmasq_opts(info, &s, &opts);
    r = write_buf(n->dir, "host", &host);
    r = r ? r : write_buf(n->dir, "addn_hosts", &addn);
    r = r ? r : write_buf(n->dir, "opts", &opts);
    if (!r && leases) {
        struct buf l = BUF_INITIALIZER;
        dnsmasq_leases(info, &s, time(NULL), &l);
        r = write_buf(n->dir, "leases", &l);
        buf_done(&l);
    }
    buf_done(&host);
    buf_done(&addn);
    buf_done(&opts);
    json_decref(info);
    if (r) {
        log_err("network %s: cannot write dnsmasq's files in %s: %s", n->id, n->dir,
                strerror(-r));
    }
    return r;
}

/* dnsmasq's argv as this agent runs it: Neutron's, in the foreground (it is watched
 * through a pidfd rather than a pid file). */
static void
build_argv(struct dagent *a, struct dnet *n, struct strv *argv)
{
    struct dnsmasq_settings s;
    struct strv base = { NULL, 0 };
    json_t *info = full_info(n);

    settings_of(a, n, &s);
    dnsmasq_argv(info, &s, &base);
    strv_add(argv, a->dnsmasq);
    strv_add(argv, "--keep-in-foreground");
    for (size_t i = 1; i < base.n; i++) {
        strv_add(argv, base.v[i]);
    }
    strv_done(&base);
    json_decref(info);
}

/* The DHCP port's address on the subnet holding IPv4 address 'ip', or NULL. */
static const char *
server_address_for(const struct dnet *n, const char *ip)
{
    const json_t *f, *sj;
    struct ip_addr want;
    size_t i, j;

    if (ip_parse(ip, &want) || want.family != 4) {
        return NULL;
    }
    json_array_foreach (json_object_get(n->info, "subnets"), i, sj) {
        const char *cidr_text = json_string_value(json_object_get(sj, "cidr"));
        const char *sid = json_string_value(json_object_get(sj, "id"));
        struct cidr c;
        if (!cidr_text || !sid || cidr_parse(cidr_text, &c) || !cidr_contains(&c, &want)) {
            continue;
        }
        const json_t *dhcp_port = json_object_get(n->info, AGENT_FIELD_DHCP_PORT);
        json_array_foreach (json_object_get(dhcp_port, "fixed_ips"), j, f) {
            const char *fs = json_string_value(json_object_get(f, "subnet_id"));
            if (fs && STREQ(fs, sid)) {
                return json_string_value(json_object_get(f, "ip_address"));
            }
        }
    }
    return NULL;
}

/* Releases the leases dnsmasq holds (its lease file) that no host entry backs any more
 * (a port deleted, its address or MAC changed): otherwise dnsmasq keeps the address for
 * the old client until the lease expires and refuses it to the port that has it now. */
static void
release_stale_leases(struct dagent *a, struct dnet *n)
{
    const json_t *dp = json_object_get(n->info, AGENT_FIELD_DHCP_PORT), *port, *f;
    const char *dp_id = json_string_value(json_object_get(dp, "id"));
    json_t *current = json_object();
    char path[PATH_MAX + 16], line[512], iface[IFNAMSIZ];
    const char *key;
    int fd = -1, released = 0;
    FILE *leases;

    if (!dp_id) {
        json_decref(current);
        return;
    }
    snprintf(iface, sizeof iface, "ns-%.11s", dp_id);
    json_object_foreach (n->ports, key, port) {
        const char *mac = json_string_value(json_object_get(port, "mac_address"));
        size_t i;
        json_array_foreach (json_object_get(port, "fixed_ips"), i, f) {
            const char *ip = json_string_value(json_object_get(f, "ip_address"));
            if (mac && ip) {
                char k[128];
                snprintf(k, sizeof k, "%s %s", mac, ip);
                json_object_set_new(current, k, json_true());
            }
        }
    }
    snprintf(path, sizeof path, "%s/leases", n->dir);
    leases = fopen(path, "re");
    while (leases && fgets(line, sizeof line, leases)) {
        char mac[64], ip[64], k[128];
        const char *server;
        long long expiry;
        if (sscanf(line, "%lld %63s %63s", &expiry, mac, ip) != 3 || !strchr(ip, '.')) {
            continue;
        }
        snprintf(k, sizeof k, "%s %s", mac, ip);
        if (json_object_get(current, k) || !(server = server_address_for(n, ip))) {
            continue;
        }
        if (fd < 0 && (fd = netns_open(n->ns)) < 0) {
            break;
        }
        if (dnsmasq_release_lease(fd, iface, server, ip, mac) == 0) {
            released++;
        }
    }
    if (leases) {
        fclose(leases);
    }
    if (fd >= 0) {
        close(fd);
    }
    if (released) {
        log_debug("network %s: released %d stale leases", n->id, released);
    }
    json_decref(current);
}

/* Sends dnsmasq its SIGHUP, or schedules it when dnsmasq is still starting. */
static void
reload(struct dnet *n)
{
    int r = dnsmasq_reload(&n->proc);

    n->reload_at = 0;
    if (r == -EAGAIN) {
        n->reload_at = agent_loop_now_ms() + 10;
    } else if (r) {
        /* Its death is seen through the pidfd; the restart reads everything. */
        log_warn("network %s: cannot signal dnsmasq: %s", n->id, strerror(-r));
    }
}

/* Makes dnsmasq run with the current command line and re-read its files. */
static int
run_dnsmasq(struct dagent *a, struct dnet *n)
{
    struct strv argv = { NULL, 0 };
    int fd, r = 0;

    build_argv(a, n, &argv);
    if (n->proc.pid && dnsmasq_same_cmdline(&n->proc, &argv)) {
        release_stale_leases(a, n);
        reload(n);
        strv_done(&argv);
        return 0;
    }
    if (n->proc.pid) {
        log_info("network %s: restarting dnsmasq (its command line changed)", n->id);
        dnsmasq_stop(&n->proc, STOP_GRACE_MS);
    }
    /* Known clients keep their addresses across the restart. */
    r = write_files(a, n, true);
    fd = r ? -1 : netns_open(n->ns);
    if (!r && fd < 0) {
        r = fd;
    }
    if (!r) {
        if (a->cfg->dnsmasq_base_log_dir && *a->cfg->dnsmasq_base_log_dir) {
            char *logdir = xasprintf("%s/%s", a->cfg->dnsmasq_base_log_dir, n->id);
            mkdir(a->cfg->dnsmasq_base_log_dir, 0755);
            mkdir(logdir, 0755);
            chmod(logdir, 0777);    /* dnsmasq writes its log as nobody. */
            free(logdir);
        }
        r = dnsmasq_start(&n->proc, fd, &argv);
        close(fd);
    }
    if (r) {
        log_err("network %s: cannot start dnsmasq: %s", n->id, strerror(-r));
    } else {
        n->started_at = agent_loop_now_ms();
        log_info("network %s: dnsmasq %d serves it", n->id, (int) n->proc.pid);
    }
    strv_done(&argv);
    return r;
}

/* A list of addresses (as many as the port or the interface has). */
struct addr_list {
    struct nl_addr *v;
    size_t n, cap;
};

static struct nl_addr *
addr_push(struct addr_list *l)
{
    l->v = array_grow(l->v, l->n, &l->cap, sizeof *l->v);
    memset(&l->v[l->n], 0, sizeof l->v[0]);
    return &l->v[l->n++];
}

/* The DHCP port's address on each served subnet, with the subnet's prefix length. */
static void
port_addresses(const struct dnet *n, struct addr_list *out)
{
    const json_t *dp = json_object_get(n->info, AGENT_FIELD_DHCP_PORT), *f, *s;
    size_t i, j;

    json_array_foreach (json_object_get(dp, "fixed_ips"), i, f) {
        const char *sid = json_string_value(json_object_get(f, "subnet_id"));
        const char *ip = json_string_value(json_object_get(f, "ip_address"));
        struct ip_addr addr;
        if (!sid || !ip || ip_parse(ip, &addr)) {
            continue;
        }
        json_array_foreach (json_object_get(n->info, "subnets"), j, s) {
            const char *id = json_string_value(json_object_get(s, "id"));
            const char *cidr = json_string_value(json_object_get(s, "cidr"));
            const char *slash = cidr ? strchr(cidr, '/') : NULL;
            if (!id || !STREQ(id, sid) || !slash) {
                continue;
            }
            struct nl_addr *a = addr_push(out);
            a->family = addr.family == 4 ? AF_INET : AF_INET6;
            if (inet_pton(a->family, ip, a->addr) == 1) {
                a->prefixlen = atoi(slash + 1);
            } else {
                out->n--;
            }
        }
    }
}

static void
note_addr(const struct nl_addr *addr, void *aux)
{
    *addr_push(aux) = *addr;
}

static bool
same_addr(const struct nl_addr *x, const struct nl_addr *y)
{
    return x->family == y->family && x->prefixlen == y->prefixlen
           && !memcmp(x->addr, y->addr, x->family == AF_INET ? 4 : 16);
}

struct link_walk {
    struct nl *nl;
    const char *keep;
};

static void
remove_stray(const struct nl_link *l, void *aux)
{
    struct link_walk *w = aux;

    if (!STREQ(l->name, "lo") && !STREQ(l->name, w->keep)) {
        log_info("removing stray device %s from the DHCP namespace", l->name);
        nl_link_del(w->nl, l->ifindex);
    }
}

/* Disables IPv6 on a device of the node (the DHCP tap needs none). */
static void
disable_ipv6(const char *dev)
{
    char path[128];
    int fd;

    snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/disable_ipv6", dev);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (write(fd, "1", 1) < 0) {
            log_debug("%s: %s", path, strerror(errno));
        }
        close(fd);
    }
}

/* The namespace and the DHCP port's interface: veth, MAC, MTU, addresses, route. */
static int
setup_interface(struct dagent *a, struct dnet *n)
{
    const json_t *dp = json_object_get(n->info, AGENT_FIELD_DHCP_PORT);
    const char *port_id = json_string_value(json_object_get(dp, "id"));
    const char *mac_text = json_string_value(json_object_get(dp, "mac_address"));
    int mtu = (int) json_integer_value(json_object_get(json_object_get(n->info, "network"),
                                                      "mtu"));
    char tap[IFNAMSIZ], inner[IFNAMSIZ];
    struct addr_list want = { NULL, 0, 0 }, have = { NULL, 0, 0 };
    struct nl_link link;
    struct nl *nsnl = NULL;
    uint8_t mac[6];
    int fd, r;

    if (!port_id || !mac_text || !nl_parse_mac(mac_text, mac)) {
        log_err("network %s: the server gave no usable DHCP port", n->id);
        return -EPROTO;
    }
    snprintf(tap, sizeof tap, "tap%.11s", port_id);
    snprintf(inner, sizeof inner, "ns-%.11s", port_id);
    r = netns_create(n->ns);
    if (r) {
        log_err("network %s: cannot create namespace %s: %s", n->id, n->ns, strerror(-r));
        return r;
    }
    fd = netns_open(n->ns);
    if (fd < 0) {
        return fd;
    }
    r = nl_open_netns(&nsnl, fd);
    if (r) {
        close(fd);
        return r;
    }
    r = nl_link_get(nsnl, inner, &link);
    if (r == -ENODEV) {
        struct nl_link stale;
        /* A tap left from an earlier pair would block the name. */
        if (!nl_link_get(a->nl, tap, &stale)) {
            nl_link_del(a->nl, stale.ifindex);
        }
        r = nl_veth_add(a->nl, tap, inner, fd, mac, mtu);
        if (!r) {
            disable_ipv6(tap);
            r = nl_link_get(nsnl, inner, &link);
        }
    } else if (!r && memcmp(link.mac, mac, 6)) {
        r = nl_link_set_mac(nsnl, link.ifindex, mac);
    }
    if (!r) {
        r = nl_link_set(nsnl, link.ifindex, -1, mtu > 0 && link.mtu != mtu ? mtu : 0, 1);
    }
    if (!r) {
        nl_link_dump(nsnl, remove_stray, &(struct link_walk) { nsnl, inner });
        port_addresses(n, &want);
        nl_addr_list(nsnl, link.ifindex, note_addr, &have);
        for (size_t i = 0; i < have.n; i++) {
            bool keep = false;
            for (size_t j = 0; j < want.n; j++) {
                keep = keep || same_addr(&have.v[i], &want.v[j]);
            }
            if (!keep) {
                nl_addr_del(nsnl, link.ifindex, &have.v[i]);
            }
        }
        for (size_t j = 0; j < want.n && !r; j++) {
            bool present = false;
            for (size_t i = 0; i < have.n; i++) {
                present = present || same_addr(&have.v[i], &want.v[j]);
            }
            if (!present) {
                r = nl_addr_add(nsnl, link.ifindex, &want.v[j]);
                r = r == -EEXIST ? 0 : r;
            }
        }
    }
    if (!r) {
        /* Default route through the first served IPv4 subnet's gateway. */
        const json_t *s;
        size_t i;
        json_array_foreach (json_object_get(n->info, "subnets"), i, s) {
            const char *gw = json_string_value(json_object_get(s, "gateway_ip"));
            struct nl_route route = { .family = AF_INET };
            if (json_integer_value(json_object_get(s, "ip_version")) != 4
                || !json_is_true(json_object_get(s, "enable_dhcp")) || !gw) {
                continue;
            }
            if (inet_pton(AF_INET, gw, route.gateway) == 1
                && nl_route_add(nsnl, link.ifindex, &route)) {
                log_debug("network %s: no default route via %s", n->id, gw);
            }
            break;
        }
    }
    free(want.v);
    free(have.v);
    nl_close(nsnl);
    close(fd);
    if (r) {
        log_err("network %s: cannot set up %s/%s: %s", n->id, tap, inner, strerror(-r));
    }
    return r;
}

/* --- Serving and stopping -------------------------------------------------------- */

/* Stops serving 'n' here: dnsmasq, the interface, the namespace, the files. */
static void
teardown(struct dagent *a, struct dnet *n)
{
    DIR *d;

    log_info("network %s: no longer served here", n->id);
    dnsmasq_stop(&n->proc, STOP_GRACE_MS);
    /* Deleting the namespace takes its end of the veth, and so the tap, with it. */
    netns_delete(n->ns);
    d = opendir(n->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!STREQ(e->d_name, ".") && !STREQ(e->d_name, "..")) {
                unlinkat(dirfd(d), e->d_name, 0);
            }
        }
        closedir(d);
        rmdir(n->dir);
    }
    net_free(a, n);
}

/* Fetches everything about network 'id' and serves it (or stops serving it). */
static int
refresh_network(struct dagent *a, const char *id)
{
    json_t *body = json_pack("{s:s,s:s}", "host", a->cfg->host, "network_id", id);
    json_t *ans = NULL, *ports, *p;
    struct dnet *n;
    size_t i;
    int r;

    if (!safe_id(id)) {
        json_decref(body);
        return 0;
    }
    r = server_call(a->sc, "POST", AGENT_PATH_DHCP_NETWORK, body, 0, &ans, NULL);
    json_decref(body);
    if (r) {
        return r;
    }
    n = net_find(a, id);
    if (!json_is_true(json_object_get(ans, "serve"))) {
        if (n) {
            teardown(a, n);
        }
        json_decref(ans);
        return 0;
    }
    n = net_add(a, id);
    ports = json_incref(json_object_get(ans, "ports"));
    json_object_del(ans, "ports");
    json_decref(n->info);
    n->info = ans;
    json_object_clear(n->ports);
    json_array_foreach (ports, i, p) {
        const char *pid = json_string_value(json_object_get(p, "id"));
        if (pid) {
            json_object_set(n->ports, pid, p);
            queue_ready(a, p);
        }
    }
    json_decref(ports);
    if (mkdir(a->cfg->dhcp_confs, 0755) && errno != EEXIST) {
        log_err("cannot create %s: %s", a->cfg->dhcp_confs, strerror(errno));
    }
    if (mkdir(n->dir, 0755) && errno != EEXIST) {
        log_err("cannot create %s: %s", n->dir, strerror(errno));
        return -errno;
    }
    chmod(n->dir, 0755);
    r = setup_interface(a, n);
    r = r ? r : write_files(a, n, !n->proc.pid);
    r = r ? r : run_dnsmasq(a, n);
    return r;
}

/* Applies changed ports of one network: one fetch, one rewrite, one SIGHUP. */
static int
refresh_ports(struct dagent *a, struct dnet *n, json_t *ids)
{
    json_t *body, *ans = NULL, *p, *id;
    size_t i;
    int r;

    body = json_pack("{s:s,s:s,s:O}", "host", a->cfg->host, "network_id", n->id, "ids", ids);
    r = server_call(a->sc, "POST", AGENT_PATH_DHCP_PORTS, body, 0, &ans, NULL);
    json_decref(body);
    if (r) {
        return r;
    }
    json_array_foreach (ids, i, id) {
        json_object_del(n->ports, json_string_value(id));
    }
    json_array_foreach (json_object_get(ans, "ports"), i, p) {
        const char *pid = json_string_value(json_object_get(p, "id"));
        if (pid) {
            json_object_set(n->ports, pid, p);
            queue_ready(a, p);
        }
    }
    json_decref(ans);
    log_debug("network %s: %zu changed ports", n->id, json_array_size(ids));
    r = write_files(a, n, false);
    if (!r && n->proc.pid) {
        release_stale_leases(a, n);
        reload(n);
    }
    return r;
}

/* --- Full synchronisation -------------------------------------------------------- */

struct ns_walk {
    size_t prefix_len;
    json_t *ids;
};

static void
note_ns(const char *name, void *aux)
{
    struct ns_walk *w = aux;

    json_array_append_new(w->ids, json_string(name + w->prefix_len));
}

/* Adopts dnsmasq processes left by an earlier run of the agent. */
static void
adopt_existing(struct dagent *a)
{
    DIR *d = opendir(a->cfg->dhcp_confs);
    struct dirent *e;

    if (!d) {
        return;
    }
    while ((e = readdir(d))) {
        struct dnsmasq_proc proc = DNSMASQ_PROC_INIT;
        char dir[PATH_MAX];
        if (!safe_id(e->d_name)) {
            continue;
        }
        snprintf(dir, sizeof dir, "%s/%s", a->cfg->dhcp_confs, e->d_name);
        if (dnsmasq_adopt(&proc, dir)) {
            struct dnet *n = net_add(a, e->d_name);
            n->proc = proc;
            n->info = json_object();
            log_info("network %s: adopted dnsmasq %d", n->id, (int) proc.pid);
        } else {
            net_add(a, e->d_name)->info = json_object();
        }
    }
    closedir(d);
}

static int
full_sync(void *agent, int64_t *seq)
{
    struct dagent *a = agent;
    json_t *body = json_pack("{s:s}", "host", a->cfg->host);
    json_t *ans = NULL, *leftovers = json_array(), *id;
    size_t i;
    int r = server_call(a->sc, "POST", AGENT_PATH_DHCP_SYNC, body, 0, &ans, NULL);

    json_decref(body);
    if (r) {
        json_decref(leftovers);
        return r;
    }
    for (i = 0; i < a->n_nets; i++) {
        a->nets[i]->seen = false;
    }
    json_array_foreach (json_object_get(ans, "networks"), i, id) {
        const char *nid = json_string_value(id);
        struct dnet *n = nid ? net_find(a, nid) : NULL;
        if (n) {
            n->seen = true;
        }
        r = r ? r : refresh_network(a, nid);
        n = nid ? net_find(a, nid) : NULL;
        if (n) {
            n->seen = true;
        }
    }
    /* What is here but no longer ours: networks, and namespaces without a network. */
    for (i = 0; i < a->n_nets;) {
        if (!a->nets[i]->seen && !r) {
            teardown(a, a->nets[i]);
        } else {
            i++;
        }
    }
    netns_foreach(a->cfg->namespace_prefix, note_ns,
                  &(struct ns_walk) { strlen(a->cfg->namespace_prefix), leftovers });
    json_array_foreach (leftovers, i, id) {
        const char *nid = json_string_value(id);
        if (!r && !net_find(a, nid) && safe_id(nid)) {
            char ns[128];
            snprintf(ns, sizeof ns, "%s%s", a->cfg->namespace_prefix, nid);
            log_info("removing namespace %s: no network of this agent", ns);
            netns_delete(ns);
        }
    }
    json_decref(leftovers);
    if (!r) {
        *seq = json_integer_value(json_object_get(ans, AGENT_FIELD_SEQ));
        log_info("synchronised: serving %zu networks", a->n_nets);
    }
    json_decref(ans);
    return r;
}

/* --- Changes --------------------------------------------------------------------- */

/* Groups the changes heard by network and applies them. */
static int
apply_changes(struct dagent *a, const json_t *queue)
{
    json_t *whole = json_object(), *ports = json_object(), *gone = json_object(), *c, *v;
    const char *key;
    size_t i;
    int r = 0;

    json_array_foreach (queue, i, c) {
        enum change_kind kind =
            change_kind_parse(json_string_value(json_object_get(c, AGENT_FIELD_KIND)));
        const char *id = json_string_value(json_object_get(c, AGENT_FIELD_ID));
        const char *net = json_string_value(json_object_get(c, AGENT_FIELD_NETWORK_ID));
        json_t *list;
        if (!id || !net || !safe_id(net)) {
            continue;
        }
        switch (kind) {
        case CHANGE_NETWORK_DELETE:
            json_object_set_new(gone, net, json_true());
            break;
        case CHANGE_DHCP_NETWORK:
            json_object_set_new(whole, net, json_true());
            break;
        case CHANGE_DHCP_PORT:
            list = json_object_get(ports, net);
            if (!list) {
                list = json_array();
                json_object_set_new(ports, net, list);
            }
            json_array_append_new(list, json_string(id));
            break;
        case CHANGE_NETWORK_UPDATE:     /* Not acted upon by this agent. */
        case CHANGE_PORT_UPDATE:        /* The linux-bridge agents' audience. */
        case CHANGE_PORT_DELETE:
        case CHANGE_FDB:
        case CHANGE_FDB_ALL:
        case CHANGE_SG_RULES:
        case CHANGE_SG_MEMBERS:
        case CHANGE_ROUTER_UPDATE:
        case CHANGE_ROUTER_DELETE:
        case CHANGE_UNKNOWN:            /* A newer server's kind. */
        case CHANGE_KIND_COUNT:
            break;
        }
    }
    json_object_foreach (gone, key, v) {
        struct dnet *n = net_find(a, key);
        if (n) {
            teardown(a, n);
        }
        json_object_del(whole, key);
        json_object_del(ports, key);
    }
    json_object_foreach (whole, key, v) {
        if (!r) {
            r = refresh_network(a, key);
        }
        json_object_del(ports, key);    /* The full refresh read every port. */
    }
    json_object_foreach (ports, key, v) {
        struct dnet *n = net_find(a, key);
        if (!r && n && n->info && json_object_get(n->info, "network")) {
            for (size_t k = 0; k < json_array_size(v) && !r; k += IDS_BATCH) {
                json_t *ids = json_array();
                for (size_t j = k; j < k + IDS_BATCH && j < json_array_size(v); j++) {
                    json_array_append(ids, json_array_get(v, j));
                }
                r = refresh_ports(a, n, ids);
                json_decref(ids);
            }
        } else if (!r && !n) {
            r = refresh_network(a, key);    /* Not known yet: maybe just given to us. */
        }
    }
    json_decref(whole);
    json_decref(ports);
    json_decref(gone);
    if (r) {
        agent_loop_resync(a->loop);     /* Whatever was not applied is compared again. */
    }
    return r;
}

/* Changes are applied, unless a full comparison is due (it reads everything). */
static void
on_changes(void *agent, const json_t *changes, bool sync_pending)
{
    struct dagent *a = agent;

    if (!sync_pending && apply_changes(a, changes) == 0) {
        report_ready(a);
    }
}

/* A dnsmasq died: restart it (at once the first time, then backing off); a reload
 * put off while dnsmasq was starting is due.  Returns when the next one is due. */
static int64_t
check_dnsmasq(void *agent)
{
    struct dagent *a = agent;
    int64_t wake = INT64_MAX;
    int64_t now = agent_loop_now_ms();

    for (size_t i = 0; i < a->n_nets; i++) {
        struct dnet *n = a->nets[i];
        if (n->proc.pid && dnsmasq_check_exited(&n->proc)) {
            bool quick = now - n->started_at < 5000;
            n->backoff_ms = quick ? (n->backoff_ms ? 2 * n->backoff_ms : 100) : 0;
            n->backoff_ms = n->backoff_ms > MAX_BACKOFF_MS ? MAX_BACKOFF_MS : n->backoff_ms;
            log_warn("network %s: dnsmasq died; restarting it%s", n->id,
                     n->backoff_ms ? " after a pause" : "");
            n->restart_at = now + n->backoff_ms;
        }
        if (n->reload_at && now >= n->reload_at && n->proc.pid) {
            reload(n);
        }
        if (n->restart_at && now >= n->restart_at && json_object_get(n->info, "network")) {
            n->restart_at = 0;
            if (run_dnsmasq(a, n)) {
                n->restart_at = now + 1000;
            }
        }
        if (n->restart_at && n->restart_at < wake) {
            wake = n->restart_at;
        }
        if (n->reload_at && n->reload_at < wake) {
            wake = n->reload_at;
        }
    }
    return wake;
}

/* dnsmasq's pidfds: a death starts a round, whose check_dnsmasq() sees it. */
static void
watch_dnsmasq(void *agent, struct agent_loop *loop)
{
    struct dagent *a = agent;

    for (size_t i = 0; i < a->n_nets; i++) {
        if (a->nets[i]->proc.pidfd >= 0) {
            agent_loop_watch(loop, a->nets[i]->proc.pidfd);
        }
    }
}

static const struct agent_loop_ops loop_ops = {
    .report_state = report_state,
    .full_sync = full_sync,
    .flush = report_ready,
    .on_changes = on_changes,
    .tick = check_dnsmasq,
    .watch = watch_dnsmasq,
};

/* dnsmasq reads its files as nobody: every directory above them must let others pass.
 * Otherwise it starts, cannot read its hosts, and serves nobody; say so at once. */
static int
check_searchable(const char *dir)
{
    char *path = xstrdup(dir);
    int r = 0;

    for (char *p = path + strlen(path); r == 0 && p > path; p = strrchr(path, '/')) {
        struct stat st;
        *p = '\0';
        if (!*path || stat(path, &st)) {
            continue;
        }
        if (!(st.st_mode & S_IXOTH)) {
            log_err("%s is not searchable by others (mode %o): dnsmasq, which runs as"
                    " nobody, could not read its files under %s (chmod o+x %s)", path,
                    (unsigned) (st.st_mode & 07777), dir, path);
            r = -EACCES;
        }
    }
    free(path);
    return r;
}

int
dhcp_agent_run(const struct dhcp_config *cfg)
{
    const struct agent_loop_config loop_cfg = {
        .log_module = log_module_,
        .server = &cfg->server,
        .host = cfg->host,
        .audience = AUDIENCE_DHCP,
        .report_interval = cfg->report_interval,
        .retry_ms = (int64_t) cfg->resync_interval * 1000,
        .sync_every_ms = 0,
        .stop_note = " (dnsmasq keeps serving)",
    };
    struct dagent a;
    int status = 1;

    memset(&a, 0, sizeof a);
    a.cfg = cfg;
    a.loop = agent_loop_create(&loop_cfg, &loop_ops, &a);
    a.dnsmasq = dnsmasq_binary();
    if (!a.dnsmasq) {
        log_err("dnsmasq is not installed (Debian: apt-get install dnsmasq-base)");
        goto out;
    }
    if (!a.loop || nl_open(&a.nl)) {
        log_err("cannot open netlink: %s", strerror(errno));
        goto out;
    }
    if (mkdir(cfg->state_path, 0755) && errno != EEXIST) {
        log_err("cannot create state_path %s: %s", cfg->state_path, strerror(errno));
        goto out;
    }
    if (mkdir(cfg->dhcp_confs, 0755) && errno != EEXIST) {
        log_err("cannot create dhcp_confs %s: %s", cfg->dhcp_confs, strerror(errno));
        goto out;
    }
    if (check_searchable(cfg->dhcp_confs)
        || (cfg->dnsmasq_base_log_dir && *cfg->dnsmasq_base_log_dir
            && check_searchable(cfg->dnsmasq_base_log_dir))) {
        goto out;
    }
    a.sc = agent_loop_client(a.loop);
    a.ready = json_array();
    log_info("neutrino-dhcp-agent on host %s: configurations in %s, %s", cfg->host,
             cfg->dhcp_confs, a.dnsmasq);
    adopt_existing(&a);
    status = agent_loop_run(a.loop);
    json_decref(a.ready);
    /* dnsmasq keeps serving while the agent is away, as with Neutron. */
    while (a.n_nets) {
        dnsmasq_release(&a.nets[0]->proc);
        net_free(&a, a.nets[0]);
    }
out:
    agent_loop_destroy(a.loop);
    free(a.nets);
    nl_close(a.nl);
    log_info("stopped");
    return status;
}
