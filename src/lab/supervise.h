/* The lab's processes: agents run inside a node's network namespace; a node that runs a
 * DHCP or L3 agent gets a node "init" first — a PID 1 in the node's network namespace
 * with a private mount namespace whose /run/netns is a tmpfs of its own — and the agents
 * run inside it, so that their qdhcp-<network id> and qrouter-<router id> namespaces
 * keep Neutron's names without meeting another node's (or another lab's), and SIGKILL
 * to the init ends the agents, the dnsmasq processes and their namespaces at once.  PIDs here are the root namespace's. */
#ifndef NEUTRINO_LAB_SUPERVISE_H
#define NEUTRINO_LAB_SUPERVISE_H

#include <stdbool.h>
#include <sys/types.h>

/* True if 'pid' runs (a zombie counts as ended). */
bool proc_alive(pid_t pid);
/* SIGKILLs every process of network namespace 'name'. */
void proc_kill_in_ns(const char *name);
/* Waits up to a second for 'pid' to end, then sends it 'sig'. */
void proc_stop(pid_t pid, int sig);

/* Starts a node init in namespace 'netns_fd' and returns its pid once /run/netns is its
 * own, or -errno.  Its PID 1 is a shell that reaps orphans (daemonised dnsmasq), as
 * systemd would. */
pid_t node_init_start(int netns_fd);
/* Starts 'argv' inside node init 'init' (its network, mount and PID namespaces) in the
 * background, stdout and stderr appended to 'log'.  The pid, or -errno. */
pid_t node_init_spawn(pid_t init, char *const argv[], const char *log);
/* Runs 'argv' inside node init 'init', waits, and ends this process the way the
 * command ended, as `nsenter -t INIT -m -n -p` does (exit status, or the same signal). */
__attribute__((noreturn)) void node_init_run(pid_t init, char *const argv[]);
/* SIGKILL to node init 'init', and waits until every process of its PID namespace is
 * gone.  0, or -ETIMEDOUT. */
int node_init_kill(pid_t init);

/* Replaces this process with 'argv' in namespace 'netns_fd', as `ip netns exec` does (a
 * /sys that shows the namespace's devices).  Returns only on failure (126, 127). */
int exec_in_netns(int netns_fd, char *const argv[]);

#endif
