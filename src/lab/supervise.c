/* The lab's processes, their namespaces, and their end. */
#include "supervise.h"

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
#include <unistd.h>

#include "netns.h"
#include "util.h"

/* The node init's PID 1: a shell, not `exec sleep`, so that orphans are reaped (a killed
 * dnsmasq is gone, not a zombie).  Agents' tests read its name in /proc/1/cmdline. */
static const char init_loop[] = "while :; do sleep 3600 & wait; done";

bool
proc_alive(pid_t pid)
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

/* Calls 'cb' with each living process whose namespace /proc/<pid>/ns/<kind> is 'target'. */
static size_t
foreach_in_ns(const char *kind, const struct stat *target, void (*cb)(pid_t))
{
    char path[300];
    DIR *d = opendir("/proc");
    struct dirent *e;
    size_t n = 0;

    while (d && (e = readdir(d))) {
        struct stat st;
        if (e->d_name[0] < '0' || e->d_name[0] > '9') {
            continue;
        }
        snprintf(path, sizeof path, "/proc/%s/ns/%s", e->d_name, kind);
        pid_t pid = atoi(e->d_name);
        if (!stat(path, &st) && st.st_ino == target->st_ino && st.st_dev == target->st_dev
            && proc_alive(pid)) {
            if (cb) {
                cb(pid);
            }
            n++;
        }
    }
    if (d) {
        closedir(d);
    }
    return n;
}

static void
kill_pid(pid_t pid)
{
    kill(pid, SIGKILL);
}

void
proc_kill_in_ns(const char *name)
{
    char path[300];
    struct stat target;

    snprintf(path, sizeof path, NETNS_RUN_DIR "/%s", name);
    if (!stat(path, &target)) {
        foreach_in_ns("net", &target, kill_pid);
    }
}

void
proc_stop(pid_t pid, int sig)
{
    for (int i = 0; i < 200 && proc_alive(pid); i++) {
        usleep(5000);
    }
    if (proc_alive(pid)) {
        kill(pid, sig);
    }
}

/* In the init's PID 1: its own /run/netns and /proc, then the reaping shell.  The host's
 * netns mounts, copied into the new mount namespace, are detached first so that they do
 * not pin other namespaces. */
static void __attribute__((noreturn))
become_init(void)
{
    netns_child_stdio(NULL);
    setsid();
    while (umount2(NETNS_RUN_DIR, MNT_DETACH) == 0) {
    }
    mkdir(NETNS_RUN_DIR, 0755);
    if (mount("nodenetns", NETNS_RUN_DIR, "tmpfs", 0, "size=1m,mode=755")
        || mount("proc", "/proc", "proc", 0, NULL)) {
        _exit(125);
    }
    /* Closing the caller's pipe tells it we are ready. */
    syscall(SYS_close_range, 3, ~0U, 0);
    execl("/bin/sh", "sh", "-c", init_loop, (char *) NULL);
    _exit(127);
}

/* Forks a child that calls 'enter' (which moves it into namespaces) then forks 'run',
 * which outlives it (its parent becomes the caller's reaper; in a new PID namespace,
 * that namespace's PID 1).  Returns run's pid once run has exec'd (or closed its
 * descriptors), or -errno. */
static pid_t
fork_detached(int (*enter)(const void *), void (*run)(const void *), const void *arg)
{
    int pfd[2];
    pid_t a, pid = -1;
    char c;

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
        close(pfd[0]);
        if (enter(arg)) {
            _exit(126);
        }
        pid_t b = fork();
        if (b == 0) {
            run(arg);
            _exit(127);
        }
        _exit(b > 0 && write(pfd[1], &b, sizeof b) == sizeof b ? 0 : 1);
    }
    close(pfd[1]);
    /* Its pid, then end of file once it is ready (or died on the way). */
    if (read(pfd[0], &pid, sizeof pid) != sizeof pid) {
        pid = -EIO;
    }
    while (pid > 0 && read(pfd[0], &c, 1) > 0) {
    }
    close(pfd[0]);
    waitpid(a, NULL, 0);
    return pid;
}

/* A new PID namespace (for our children) and a private mount namespace, in the node's
 * network namespace. */
static int
enter_new_init(const void *netns_fd)
{
    return setns(*(const int *) netns_fd, CLONE_NEWNET) || unshare(CLONE_NEWNS | CLONE_NEWPID)
           || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

static void
run_init(const void *unused)
{
    become_init();
}

pid_t
node_init_start(int netns_fd)
{
    pid_t init = fork_detached(enter_new_init, run_init, &netns_fd);

    return init > 0 && !proc_alive(init) ? -ECHILD : init;
}

/* In a child: joins the network, mount and PID namespaces of 'init' (the PID namespace
 * holds for our children). */
static int
enter_init(pid_t init)
{
    static const struct { const char *name; int type; } kinds[] = {
        { "net", CLONE_NEWNET }, { "pid", CLONE_NEWPID }, { "mnt", CLONE_NEWNS },
    };
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) init, kinds[i].name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, kinds[i].type)) {
            return -1;
        }
        close(fd);
    }
    return 0;
}

struct spawn {
    pid_t init;
    char *const *argv;
    const char *log;
};

static int
enter_spawn(const void *aux)
{
    return enter_init(((const struct spawn *) aux)->init);
}

static void
run_spawn(const void *aux)
{
    const struct spawn *sp = aux;

    netns_child_exec(sp->argv, sp->log);
}

pid_t
node_init_spawn(pid_t init, char *const argv[], const char *log)
{
    struct spawn sp = { init, argv, log };

    return fork_detached(enter_spawn, run_spawn, &sp);
}

void
node_init_run(pid_t init, char *const argv[])
{
    int status;

    if (enter_init(init)) {
        fprintf(stderr, "cannot enter the node init %d: %s\n", (int) init, strerror(errno));
        _exit(126);
    }
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid < 0) {
        _exit(126);
    }
    /* As nsenter: what ends the command ends us the same way, so a caller's wait sees
     * the command's own status.  This process now sits in the node's PID namespace
     * (for its children), where nothing may run at exit: the sanitizers' leak check
     * would fork its helper there and hang.  Hence _exit(). */
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            _exit(126);
        }
    }
    fflush(NULL);
    if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        kill(getpid(), WTERMSIG(status));
        _exit(128 + WTERMSIG(status));
    }
    _exit(WEXITSTATUS(status));
}

int
node_init_kill(pid_t init)
{
    char path[64];
    struct stat pidns;

    snprintf(path, sizeof path, "/proc/%d/ns/pid", (int) init);
    if (stat(path, &pidns)) {
        return 0;
    }
    kill(init, SIGKILL);
    /* The kernel kills the rest of the PID namespace with its PID 1. */
    for (int i = 0; i < 1000; i++) {
        if (!foreach_in_ns("pid", &pidns, NULL)) {
            return 0;
        }
        usleep(10000);
    }
    return -ETIMEDOUT;
}

int
exec_in_netns(int netns_fd, char *const argv[])
{
    if (setns(netns_fd, CLONE_NEWNET) || unshare(CLONE_NEWNS)
        || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL)) {
        fprintf(stderr, "cannot enter the namespace: %s\n", strerror(errno));
        return 126;
    }
    umount2("/sys", MNT_DETACH);
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    execvp(argv[0], argv);
    fprintf(stderr, "neutrino: %s: %s\n", argv[0], strerror(errno));
    return 127;
}
