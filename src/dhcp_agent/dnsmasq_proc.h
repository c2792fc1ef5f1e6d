/* One network's dnsmasq process and its files: started inside the network's namespace,
 * watched through a pidfd (the loop polls it, so a death is noticed at once), reloaded
 * with SIGHUP, stopped, and adopted again after the agent restarts (from its pid file,
 * checked against /proc/<pid>/cmdline).  dnsmasq runs in the foreground of its own
 * session, so it outlives the agent, as Neutron's does. */
#ifndef NEUTRINO_DHCP_DNSMASQ_PROC_H
#define NEUTRINO_DHCP_DNSMASQ_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#include "buf.h"

struct strv;

struct dnsmasq_proc {
    pid_t pid;                  /* 0: not running. */
    int pidfd;                  /* -1 when not running. */
    bool child;                 /* Started by this agent (to be reaped). */
};

#define DNSMASQ_PROC_INIT { 0, -1, false }

/* Writes 'content' to <dir>/<name> through a temporary file renamed over it, mode 0644
 * (dnsmasq reads its files after dropping privileges to nobody).  0 or -errno. */
int dnsmasq_write_file(const char *dir, const char *name, const char *content, size_t len);

/* The dnsmasq binary (/usr/sbin/dnsmasq...), or NULL if none is installed. */
const char *dnsmasq_binary(void);

/* Adopts the dnsmasq serving conf dir 'dir' if one runs (pid file, cmdline naming the
 * directory).  Returns true if adopted. */
bool dnsmasq_adopt(struct dnsmasq_proc *p, const char *dir);

/* True if the running process's command line is exactly 'argv'. */
bool dnsmasq_same_cmdline(const struct dnsmasq_proc *p, const struct strv *argv);

/* Starts 'argv' in namespace 'netns_fd'.  0 or -errno. */
int dnsmasq_start(struct dnsmasq_proc *p, int netns_fd, const struct strv *argv);

/* SIGHUP: dnsmasq re-reads its hosts and options files.  0 or -errno (-ESRCH: gone;
 * -EAGAIN: it is still starting and does not handle SIGHUP yet: try again shortly). */
int dnsmasq_reload(struct dnsmasq_proc *p);

/* True once the process has exited (its pidfd is readable); reaps it. */
bool dnsmasq_check_exited(struct dnsmasq_proc *p);

/* Stops it (SIGTERM, SIGKILL after 'grace_ms') and forgets it. */
void dnsmasq_stop(struct dnsmasq_proc *p, int grace_ms);

/* Tells the dnsmasq listening on 'server_ip' (an IPv4 address in namespace
 * 'netns_fd', on interface 'iface') that the client 'mac' released 'ip', as
 * dnsmasq's dhcp_release does: so the address can go to another client at once
 * instead of when the lease expires.  0 or -errno. */
int dnsmasq_release_lease(int netns_fd, const char *iface, const char *server_ip,
                          const char *ip, const char *mac);

/* Forgets it without stopping it (agent shutdown: dnsmasq keeps serving). */
void dnsmasq_release(struct dnsmasq_proc *p);

#endif
