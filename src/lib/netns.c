/* Named network namespaces; see netns.h. */
#include "netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "nl.h"
#include "util.h"

LOG_MODULE("netns");

static void
ns_path(const char *name, char *out, size_t size)
{
    snprintf(out, size, NETNS_RUN_DIR "/%s", name);
}

/* Makes NETNS_RUN_DIR a shared mount point, as iproute2 does, so that a namespace
 * mounted there is visible from mount namespaces made later (ip netns exec). */
static int
prepare_run_dir(void)
{
    static bool done;
    bool bound = false;

    if (done) {
        return 0;
    }
    if (mkdir("/run", 0755) && errno != EEXIST) {
        return -errno;
    }
    if (mkdir(NETNS_RUN_DIR, 0755) && errno != EEXIST) {
        return -errno;
    }
    while (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL)) {
        if (errno != EINVAL || bound) {
            return -errno;
        }
        /* Not a mount point yet: bind it onto itself first. */
        if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL)) {
            return -errno;
        }
        bound = true;
    }
    done = true;
    return 0;
}

bool
netns_exists(const char *name)
{
    int fd = netns_open(name);

    if (fd >= 0) {
        close(fd);
        return true;
    }
    return false;
}

int
netns_open(const char *name)
{
    char path[PATH_MAX];
    int fd;

    ns_path(name, path, sizeof path);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int
netns_create(const char *name)
{
    char path[PATH_MAX];
    int home, fd, r;

    if (netns_exists(name)) {
        return 0;
    }
    r = prepare_run_dir();
    if (r) {
        return r;
    }
    ns_path(name, path, sizeof path);
    fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    close(fd);
    home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home < 0) {
        r = -errno;
        unlink(path);
        return r;
    }
    /* Only this thread enters the new namespace, long enough to pin it by a mount. */
    if (unshare(CLONE_NEWNET)) {
        r = -errno;
        close(home);
    } else {
        r = mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) ? -errno : 0;
        netns_leave(home);
    }
    if (r) {
        unlink(path);
        return r;
    }
    fd = netns_open(name);
    if (fd >= 0) {
        struct nl *nl;
        struct nl_link lo;
        if (!nl_open_netns(&nl, fd)) {
            if (!nl_link_get(nl, "lo", &lo)) {
                nl_link_set(nl, lo.ifindex, -1, 0, 1);
            }
            nl_close(nl);
        }
        close(fd);
    }
    return 0;
}

int
netns_delete(const char *name)
{
    char path[PATH_MAX];

    ns_path(name, path, sizeof path);
    if (umount2(path, MNT_DETACH) && errno != EINVAL && errno != ENOENT) {
        log_warn("umount %s: %s", path, strerror(errno));
    }
    if (unlink(path) && errno != ENOENT) {
        return -errno;
    }
    return 0;
}

void
netns_foreach(const char *prefix, netns_cb *cb, void *aux)
{
    DIR *d = opendir(NETNS_RUN_DIR);
    struct dirent *e;

    if (!d) {
        return;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] != '.' && str_startswith(e->d_name, prefix)) {
            cb(e->d_name, aux);
        }
    }
    closedir(d);
}

int
netns_enter(int netns_fd)
{
    int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

    if (home < 0) {
        return -errno;
    }
    if (setns(netns_fd, CLONE_NEWNET)) {
        int r = -errno;
        close(home);
        return r;
    }
    return home;
}

void
netns_leave(int home)
{
    if (setns(home, CLONE_NEWNET)) {
        abort();
    }
    close(home);
}

int
netns_socket(int netns_fd, int domain, int type, int protocol)
{
    int home = netns_enter(netns_fd);
    int fd;

    if (home < 0) {
        return home;
    }
    fd = socket(domain, type | SOCK_CLOEXEC, protocol);
    if (fd < 0) {
        fd = -errno;
    }
    netns_leave(home);
    return fd;
}

void
netns_child_stdio(const char *log)
{
    int null = open("/dev/null", O_RDWR);
    int out = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0644) : -1;

    if (null >= 0) {
        dup2(null, 0);
    }
    if (out < 0) {
        out = null;
    }
    if (out >= 0) {
        dup2(out, 1);
        dup2(out, 2);
    }
}

void
netns_child_exec(char *const argv[], const char *log)
{
    sigset_t all;

    /* A clean slate (the agent blocks its stop signals for its signalfd). */
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    signal(SIGPIPE, SIG_DFL);
    setsid();
    netns_child_stdio(log);
    syscall(SYS_close_range, 3, ~0U, 0);
    execv(argv[0], argv);
    _exit(127);
}

pid_t
netns_spawn(int netns_fd, char *const argv[], const char *log)
{
    pid_t pid = fork();

    if (pid < 0) {
        return -errno;
    }
    if (pid == 0) {
        if (setns(netns_fd, CLONE_NEWNET)) {
            _exit(126);
        }
        netns_child_exec(argv, log);
    }
    return pid;
}
