/* keepalived for HA routers; see keepalived.h. */
#include "keepalived.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "l3_plan.h"
#include "log.h"
#include "nl.h"
#include "util.h"

LOG_MODULE("keepalived");

enum {
    PRIMARY_VIP_PREFIX = 24,    /* Neutron's PRIMARY_VIP_RANGE_SIZE. */
    PRIORITY = 50,              /* Neutron's HA_DEFAULT_PRIORITY: every side the same. */
    GARP_MASTER_DELAY_S = 60,   /* Neutron's: the second round of gratuitous ARP. */
    STOP_WAIT_MS = 3000,        /* How long a stop waits for keepalived to leave. */
    START_WAIT_MS = 3000,       /* How long a start waits for its pid file. */
};

/* --- The configuration ----------------------------------------------------------------- */

static bool
overlaps_text(const struct cidr *c, const char *text)
{
    struct cidr other;

    return !cidr_parse(text, &other) && cidr_overlaps(c, &other);
}

void
keepalived_primary_vip(const struct l3_router *r, struct cidr *ret)
{
    const struct l3_fixed_ip *ha = &r->ha_port.fixed_ips[0];
    struct cidr ha_net = { ha->address, ha->prefixlen };
    struct cidr range = { { 4, 0xa9fe0000 }, PRIMARY_VIP_PREFIX };   /* 169.254.0.0/24 */

    cidr_normalize(&ha_net);
    /* The first /24 of 169.254.0.0/16 clear of the metadata address, the range Neutron
     * keeps for DVR and the HA network, as Neutron's get_free_range() picks it. */
    for (unsigned i = 0; i < 256; i++) {
        range.addr.v = 0xa9fe0000u + (i << 8);
        if (!cidr_overlaps(&range, &ha_net) && !overlaps_text(&range, "169.254.169.254/32")
            && !overlaps_text(&range, "169.254.64.0/18")) {
            break;
        }
    }
    range.addr.v += (u128) r->ha_vr_id;
    *ret = range;
}

static int
cmp_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The addresses keepalived adds on the active side, as "<ip>/<prefix> dev <dev>" lines
 * sorted as Neutron sorts them (by address text). */
static void
excluded_vips(const struct l3_router *r, struct buf *out)
{
    size_t n = 0, cap = r->n_floating_ips + (r->has_gateway ? r->gateway.n_fixed_ips : 0);
    char dev[IFNAMSIZ], ip[IP_STRLEN];
    char **lines;

    for (size_t i = 0; i < r->n_interfaces; i++) {
        cap += r->interfaces[i].n_fixed_ips;
    }
    lines = xcalloc(cap + 1, sizeof *lines);
    if (r->has_gateway) {
        l3_dev_name(L3_GW_PREFIX, r->gateway.id, dev);
        for (size_t i = 0; i < r->gateway.n_fixed_ips; i++) {
            ip_format(&r->gateway.fixed_ips[i].address, ip);
            lines[n++] = xasprintf("%s/%d dev %s", ip, r->gateway.fixed_ips[i].prefixlen, dev);
        }
        for (size_t i = 0; i < r->n_floating_ips; i++) {
            ip_format(&r->floating_ips[i].floating, ip);
            lines[n++] = xasprintf("%s/32 dev %s", ip, dev);
        }
    }
    for (size_t i = 0; i < r->n_interfaces; i++) {
        const struct l3_port *p = &r->interfaces[i];
        l3_dev_name(L3_IF_PREFIX, p->id, dev);
        for (size_t k = 0; k < p->n_fixed_ips; k++) {
            ip_format(&p->fixed_ips[k].address, ip);
            lines[n++] = xasprintf("%s/%d dev %s", ip, p->fixed_ips[k].prefixlen, dev);
        }
    }
    qsort(lines, n, sizeof *lines, cmp_strings);
    if (n) {
        buf_printf(out, "    virtual_ipaddress_excluded {\n");
        for (size_t i = 0; i < n; i++) {
            buf_printf(out, "        %s\n", lines[i]);
        }
        buf_printf(out, "    }\n");
    }
    for (size_t i = 0; i < n; i++) {
        free(lines[i]);
    }
    free(lines);
}

/* The routes keepalived adds on the active side: default routes via the gateway IPs,
 * the external network's other subnets on-link, then the extra routes. */
static void
virtual_routes(const struct l3_router *r, struct buf *out)
{
    char dev[IFNAMSIZ], a[IP_STRLEN], c[CIDR_STRLEN];
    struct buf lines = BUF_INITIALIZER;

    if (r->has_gateway) {
        l3_dev_name(L3_GW_PREFIX, r->gateway.id, dev);
        for (size_t i = 0; i < r->n_gateway_ips; i++) {
            ip_format(&r->gateway_ips[i], a);
            buf_printf(&lines, "        %s via %s dev %s\n",
                       r->gateway_ips[i].family == 4 ? "0.0.0.0/0" : "::/0", a, dev);
        }
        for (size_t i = 0; i < r->n_extra_subnets; i++) {
            cidr_format(&r->extra_subnets[i], c);
            buf_printf(&lines, "        %s dev %s scope link\n", c, dev);
        }
    }
    for (size_t i = 0; i < r->n_routes; i++) {
        cidr_format(&r->routes[i].destination, c);
        ip_format(&r->routes[i].nexthop, a);
        buf_printf(&lines, "        %s via %s\n", c, a);
    }
    if (lines.len) {
        buf_printf(out, "    virtual_routes {\n%s    }\n", buf_cstr(&lines));
    }
    buf_done(&lines);
}

void
keepalived_config(const struct l3_router *r, const struct keepalived_options *o,
                  struct buf *out)
{
    char ha[IFNAMSIZ], vip[CIDR_STRLEN];
    struct cidr primary;

    l3_dev_name(L3_HA_PREFIX, r->ha_port.id, ha);
    keepalived_primary_vip(r, &primary);
    cidr_format(&primary, vip);
    buf_printf(out, "global_defs {\n"
                    "    notification_email_from neutron@openstack.local\n"
                    "    router_id neutron\n"
                    "}\n"
                    "vrrp_instance VR_%d {\n"
                    "    state BACKUP\n"
                    "    interface %s\n"
                    "    virtual_router_id %d\n"
                    "    priority %d\n"
                    "    garp_master_delay %d\n"
                    "    nopreempt\n"
                    "    advert_int %d\n",
               r->ha_vr_id, ha, r->ha_vr_id, PRIORITY, GARP_MASTER_DELAY_S, o->advert_int);
    if (o->auth_password && *o->auth_password) {
        buf_printf(out, "    authentication {\n"
                        "        auth_type %s\n"
                        "        auth_pass %s\n"
                        "    }\n", o->auth_type, o->auth_password);
    }
    buf_printf(out, "    track_interface {\n"
                    "        %s\n"
                    "    }\n"
                    "    virtual_ipaddress {\n"
                    "        %s dev %s\n"
                    "    }\n", ha, vip, ha);
    excluded_vips(r, out);
    virtual_routes(r, out);
    buf_printf(out, "}\n");
}

/* --- Files ------------------------------------------------------------------------------ */

static char *
router_path(const struct keepalived_options *o, const char *router_id, const char *name)
{
    return name ? xasprintf("%s/%s/%s", o->confs_dir, router_id, name)
                : xasprintf("%s/%s", o->confs_dir, router_id);
}

/* The whole of a small file into 'out' (NUL-terminated); -errno. */
static int
read_file(const char *path, struct buf *out)
{
    char chunk[4096];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return -errno;
    }
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        buf_add(out, chunk, (size_t) n);
    }
    n = n < 0 ? -errno : 0;
    close(fd);
    return (int) n;
}

/* Writes 'text' to 'path' through a temporary file and a rename (keepalived never reads
 * half a file). */
static int
write_file(const char *path, const char *text)
{
    char *tmp = xasprintf("%s.tmp", path);
    size_t len = strlen(text), done = 0;
    int r = 0, fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd < 0) {
        r = -errno;
        free(tmp);
        return r;
    }
    while (done < len && !r) {
        ssize_t n = write(fd, text + done, len - done);
        r = n < 0 ? -errno : 0;
        done += n > 0 ? (size_t) n : 0;
    }
    if (close(fd) && !r) {
        r = -errno;
    }
    if (!r && rename(tmp, path)) {
        r = -errno;
    }
    if (r) {
        (void) unlink(tmp);
    }
    free(tmp);
    return r;
}

/* mkdir -p: the state path itself may not exist yet. */
static int
make_dir(const char *path)
{
    char *copy = xstrdup(path);
    int r = 0;

    for (char *p = copy + 1; *p && !r; p++) {
        if (*p == '/') {
            *p = '\0';
            r = mkdir(copy, 0755) && errno != EEXIST ? -errno : 0;
            *p = '/';
        }
    }
    r = r ? r : mkdir(copy, 0700) && errno != EEXIST ? -errno : 0;
    free(copy);
    return r;
}

/* --- Processes ---------------------------------------------------------------------------- */

/* The pid in 'pidfile' if that process runs keepalived with 'conf' (so a reused pid
 * is never taken for ours), else 0. */
static int
live_pid(const char *pidfile, const char *conf)
{
    struct buf text = BUF_INITIALIZER, cmdline = BUF_INITIALIZER;
    char proc[64];
    long pid = 0;
    bool ours = false;

    if (!read_file(pidfile, &text)) {
        pid = strtol(buf_cstr(&text), NULL, 10);
    }
    if (pid > 1 && pid < (1L << 22)) {
        snprintf(proc, sizeof proc, "/proc/%ld/cmdline", pid);
        if (!read_file(proc, &cmdline)) {
            /* The arguments are NUL-separated: look at each. */
            const char *p = cmdline.data ? (const char *) cmdline.data : "";
            const char *end = p + cmdline.len;
            bool keepalived = strstr(p, "keepalived") != NULL;
            for (; p < end && keepalived && !ours; p += strlen(p) + 1) {
                ours = !strcmp(p, conf);
            }
        }
    }
    buf_done(&text);
    buf_done(&cmdline);
    return ours ? (int) pid : 0;
}

int
keepalived_pid(const struct keepalived_options *o, const char *router_id)
{
    char *pidfile = router_path(o, router_id, "keepalived.pid");
    char *conf = router_path(o, router_id, "keepalived.conf");
    int pid = live_pid(pidfile, conf);

    free(pidfile);
    free(conf);
    return pid;
}

static bool
wait_pidfile(const char *pidfile, const char *conf, int timeout_ms)
{
    struct timespec step = { 0, 10 * 1000 * 1000 };

    for (int waited = 0; waited < timeout_ms; waited += 10) {
        if (live_pid(pidfile, conf)) {
            return true;
        }
        nanosleep(&step, NULL);
    }
    return live_pid(pidfile, conf) != 0;
}

/* Runs keepalived in namespace 'netns_fd'; it goes to the background itself, so the
 * child we wait for exits as soon as it has; then its pid file is waited for. */
static int
start(const struct keepalived_options *o, int netns_fd, const char *conf,
      const char *pidfile, const char *vrrp_pidfile)
{
    char *const argv[] = { (char *) o->binary, "-P", "-f", (char *) conf, "-p",
                           (char *) pidfile, "-r", (char *) vrrp_pidfile, NULL };
    int status = 0;
    pid_t pid = fork();

    if (pid < 0) {
        return -errno;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET)) {
            _exit(126);
        }
        execv(o->binary, argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -errno;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT : -EIO;
    }
    /* The daemon writes its pid file a moment after the parent exits: until it has,
     * the next check would find none and start a second one. */
    return wait_pidfile(pidfile, conf, START_WAIT_MS) ? 0 : -ETIMEDOUT;
}

int
keepalived_ensure(const struct keepalived_options *o, int netns_fd,
                  const struct l3_router *r, bool *ret_started)
{
    char *dir = router_path(o, r->id, NULL), *conf = router_path(o, r->id, "keepalived.conf");
    char *pidfile = router_path(o, r->id, "keepalived.pid");
    char *vrrp_pidfile = router_path(o, r->id, "keepalived-vrrp.pid");
    struct buf want = BUF_INITIALIZER, have = BUF_INITIALIZER;
    bool changed;
    int pid, rc;

    *ret_started = false;
    keepalived_config(r, o, &want);
    rc = make_dir(o->confs_dir);
    rc = rc ? rc : make_dir(dir);
    changed = read_file(conf, &have) || strcmp(buf_cstr(&have), buf_cstr(&want));
    if (!rc && changed) {
        rc = write_file(conf, buf_cstr(&want));
    }
    pid = rc ? 0 : live_pid(pidfile, conf);
    if (!rc && pid && changed) {
        log_info("router=%s keepalived pid=%d: configuration changed, reloading", r->id, pid);
        rc = kill(pid, SIGHUP) ? -errno : 0;
    } else if (!rc && !pid) {
        (void) unlink(pidfile);
        (void) unlink(vrrp_pidfile);
        rc = start(o, netns_fd, conf, pidfile, vrrp_pidfile);
        *ret_started = !rc;
        if (!rc) {
            log_info("router=%s keepalived started (vr_id %d)", r->id, r->ha_vr_id);
        }
    }
    buf_done(&want);
    buf_done(&have);
    free(dir);
    free(conf);
    free(pidfile);
    free(vrrp_pidfile);
    return rc;
}

/* Waits, a little at a time, for 'pid' to be gone. */
static bool
wait_gone(int pid, int timeout_ms)
{
    struct timespec step = { 0, 20 * 1000 * 1000 };

    for (int waited = 0; waited < timeout_ms; waited += 20) {
        if (kill(pid, 0) && errno == ESRCH) {
            return true;
        }
        nanosleep(&step, NULL);
    }
    return false;
}

static void
remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            char *path = xasprintf("%s/%s", dir, e->d_name);
            (void) unlink(path);
            free(path);
        }
    }
    if (d) {
        closedir(d);
    }
    (void) rmdir(dir);
}

int
keepalived_stop(const struct keepalived_options *o, const char *router_id)
{
    char *dir = router_path(o, router_id, NULL);
    int pid = keepalived_pid(o, router_id);
    int rc = 0;

    if (pid) {
        /* SIGTERM: keepalived sends priority 0 so a backup takes over at once. */
        rc = kill(pid, SIGTERM) ? -errno : 0;
        if (!rc && !wait_gone(pid, STOP_WAIT_MS)) {
            log_warn("router=%s keepalived pid=%d did not stop in %d ms, killing it",
                     router_id, pid, STOP_WAIT_MS);
            (void) kill(pid, SIGKILL);
        }
        log_info("router=%s keepalived pid=%d stopped", router_id, pid);
    }
    if (!rc) {
        remove_dir(dir);
    }
    free(dir);
    return rc;
}

int
keepalived_each(const struct keepalived_options *o,
                void (*cb)(const char *router_id, void *aux), void *aux)
{
    DIR *d = opendir(o->confs_dir);
    struct dirent *e;

    if (!d) {
        return errno == ENOENT ? 0 : -errno;
    }
    while ((e = readdir(d))) {
        if (uuid_is_valid(e->d_name)) {
            cb(e->d_name, aux);
        }
    }
    closedir(d);
    return 0;
}

/* --- Which side is active ------------------------------------------------------------- */

struct vip_search {
    struct cidr vip;
    bool found;
};

static void
note_addr(const struct nl_addr *a, void *aux)
{
    struct vip_search *s = aux;
    uint32_t v;

    if (a->family == AF_INET && a->prefixlen == s->vip.prefix) {
        memcpy(&v, a->addr, 4);
        s->found |= ntohl(v) == (uint32_t) s->vip.addr.v;
    }
}

int
keepalived_is_active(int netns_fd, const struct l3_router *r)
{
    struct vip_search s = { .found = false };
    char ha[IFNAMSIZ];
    struct nl_link link;
    struct nl *nl;
    int rc = nl_open_netns(&nl, netns_fd);

    if (rc) {
        return rc;
    }
    keepalived_primary_vip(r, &s.vip);
    l3_dev_name(L3_HA_PREFIX, r->ha_port.id, ha);
    rc = nl_link_get(nl, ha, &link);
    rc = rc ? rc : nl_addr_list(nl, link.ifindex, note_addr, &s);
    nl_close(nl);
    return rc ? rc : s.found;
}
