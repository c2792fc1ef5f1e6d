/* One network's dnsmasq process; see dnsmasq_proc.h. */
#include "dnsmasq_proc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dnsmasq_conf.h"
#include "log.h"
#include "netns.h"
#include "util.h"

LOG_MODULE("dnsmasq");

static int
pidfd_open_(pid_t pid)
{
    return (int) syscall(SYS_pidfd_open, pid, 0);
}

static int
pidfd_signal(int pidfd, int sig)
{
    return (int) syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) ? -errno : 0;
}

int
dnsmasq_write_file(const char *dir, const char *name, const char *content, size_t len)
{
    char tmp[PATH_MAX], path[PATH_MAX];
    int fd, r = 0;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return -errno;
    }
    fchmod(fd, 0644);       /* Whatever the umask: dnsmasq reads it as nobody. */
    for (size_t done = 0; done < len;) {
        ssize_t n = write(fd, content + done, len - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            r = -errno;
            break;
        }
        done += (size_t) n;
    }
    if (close(fd) && !r) {
        r = -errno;
    }
    if (!r && rename(tmp, path)) {
        r = -errno;
    }
    if (r) {
        unlink(tmp);
    }
    return r;
}

const char *
dnsmasq_binary(void)
{
    static const char *const paths[] = { "/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq" };

    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        if (!access(paths[i], X_OK)) {
            return paths[i];
        }
    }
    return NULL;
}

/* Reads /proc/<pid>/cmdline (NUL-separated) into 'out'; its length, or -1. */
static ssize_t
read_cmdline(pid_t pid, char *out, size_t size)
{
    char path[64];
    ssize_t n;
    int fd;

    snprintf(path, sizeof path, "/proc/%d/cmdline", (int) pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    n = read(fd, out, size);
    close(fd);
    return n;
}

bool
dnsmasq_adopt(struct dnsmasq_proc *p, const char *dir)
{
    char path[PATH_MAX], text[32], cmd[8192], want[PATH_MAX + 32];
    ssize_t n;
    long pid;
    int fd;

    snprintf(path, sizeof path, "%s/pid", dir);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) {
        return false;
    }
    text[n] = '\0';
    pid = strtol(text, NULL, 10);
    if (pid <= 1) {
        return false;
    }
    /* Only a dnsmasq whose pid file is this directory's: pids are reused. */
    n = read_cmdline((pid_t) pid, cmd, sizeof cmd - 1);
    if (n <= 0) {
        return false;
    }
    cmd[n] = '\0';
    snprintf(want, sizeof want, "--pid-file=%s", path);
    bool found = false;
    for (char *a = cmd; a < cmd + n; a += strlen(a) + 1) {
        found = found || STREQ(a, want);
    }
    if (!found || !strstr(cmd, "dnsmasq")) {
        return false;
    }
    p->pidfd = pidfd_open_((pid_t) pid);
    if (p->pidfd < 0) {
        return false;
    }
    p->pid = (pid_t) pid;
    p->child = false;
    return true;
}

bool
dnsmasq_same_cmdline(const struct dnsmasq_proc *p, const struct strv *argv)
{
    char cmd[8192];
    ssize_t n = p->pid ? read_cmdline(p->pid, cmd, sizeof cmd) : -1;
    size_t off = 0;

    if (n <= 0) {
        return false;
    }
    for (size_t i = 0; i < argv->n; i++) {
        size_t len = strlen(argv->v[i]) + 1;
        if (off + len > (size_t) n || memcmp(cmd + off, argv->v[i], len)) {
            return false;
        }
        off += len;
    }
    return off == (size_t) n;
}

int
dnsmasq_start(struct dnsmasq_proc *p, int netns_fd, const struct strv *argv)
{
    pid_t pid = netns_spawn(netns_fd, argv->v, NULL);

    if (pid < 0) {
        return (int) pid;
    }
    p->pid = pid;
    p->child = true;
    p->pidfd = pidfd_open_(pid);
    if (p->pidfd < 0) {
        int r = -errno;
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        p->pid = 0;
        return r;
    }
    return 0;
}

/* True once the process catches SIGHUP (per /proc/<pid>/status): before dnsmasq has
 * set its handlers, a SIGHUP would kill it. */
static bool
catches_hup(pid_t pid)
{
    char path[64], line[256];
    bool caught = false;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
    f = fopen(path, "re");
    if (!f) {
        return false;
    }
    while (fgets(line, sizeof line, f)) {
        if (str_startswith(line, "SigCgt:")) {
            unsigned long long mask = strtoull(line + 7, NULL, 16);
            caught = mask & (1ULL << (SIGHUP - 1));
            break;
        }
    }
    fclose(f);
    return caught;
}

int
dnsmasq_reload(struct dnsmasq_proc *p)
{
    if (p->pidfd < 0) {
        return -ESRCH;
    }
    if (!catches_hup(p->pid)) {
        return -EAGAIN;
    }
    return pidfd_signal(p->pidfd, SIGHUP);
}

static void
forget(struct dnsmasq_proc *p)
{
    if (p->child) {
        waitpid(p->pid, NULL, WNOHANG);
    }
    if (p->pidfd >= 0) {
        close(p->pidfd);
    }
    *p = (struct dnsmasq_proc) DNSMASQ_PROC_INIT;
}

bool
dnsmasq_check_exited(struct dnsmasq_proc *p)
{
    struct pollfd pfd = { p->pidfd, POLLIN, 0 };

    if (p->pidfd < 0) {
        return true;
    }
    if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & (POLLIN | POLLHUP))) {
        return false;
    }
    forget(p);
    return true;
}

void
dnsmasq_stop(struct dnsmasq_proc *p, int grace_ms)
{
    struct pollfd pfd = { p->pidfd, POLLIN, 0 };

    if (p->pidfd < 0) {
        return;
    }
    if (!pidfd_signal(p->pidfd, SIGTERM) && poll(&pfd, 1, grace_ms) == 0) {
        log_warn("dnsmasq %d did not stop on SIGTERM: killing it", (int) p->pid);
        pidfd_signal(p->pidfd, SIGKILL);
        poll(&pfd, 1, 1000);
    }
    if (p->child) {
        waitpid(p->pid, NULL, 0);
        p->child = false;
    }
    forget(p);
}

void
dnsmasq_release(struct dnsmasq_proc *p)
{
    if (p->pidfd >= 0) {
        close(p->pidfd);
    }
    *p = (struct dnsmasq_proc) DNSMASQ_PROC_INIT;
}

int
dnsmasq_release_lease(int netns_fd, const char *iface, const char *server_ip, const char *ip,
                      const char *mac)
{
    /* A BOOTP request (RFC 2131) with options 53 (DHCPRELEASE) and 54 (server id). */
    struct {
        uint8_t op, htype, hlen, hops;
        uint32_t xid;
        uint16_t secs, flags;
        struct in_addr ciaddr, yiaddr, siaddr, giaddr;
        uint8_t chaddr[16];
        uint8_t sname[64], file[128];
        uint8_t options[16];
    } __attribute__((packed)) pkt;
    struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(67) };
    struct in_addr server;
    int fd, r = 0;

    memset(&pkt, 0, sizeof pkt);
    if (inet_pton(AF_INET, ip, &pkt.ciaddr) != 1 || inet_pton(AF_INET, server_ip, &server) != 1
        || sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &pkt.chaddr[0], &pkt.chaddr[1],
                  &pkt.chaddr[2], &pkt.chaddr[3], &pkt.chaddr[4], &pkt.chaddr[5]) != 6) {
        return -EINVAL;
    }
    pkt.op = 1;
    pkt.htype = 1;
    pkt.hlen = 6;
    pkt.xid = (uint32_t) random();
    memcpy(pkt.options, "\x63\x82\x53\x63\x35\x01\x07\x36\x04", 9);
    memcpy(pkt.options + 9, &server, 4);
    pkt.options[13] = 255;
    dst.sin_addr = server;
    fd = netns_socket(netns_fd, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (fd < 0) {
        return fd;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface, (socklen_t) strlen(iface) + 1)
        || sendto(fd, &pkt, sizeof pkt, 0, (struct sockaddr *) &dst, sizeof dst) < 0) {
        r = -errno;
    }
    close(fd);
    return r;
}
