/* Named network namespaces kept the way `ip netns` keeps them, so operators' tools see
 * them: a file /run/netns/NAME onto which the namespace is bind-mounted.  The DHCP
 * agent's qdhcp-<network id> namespaces are made and removed here, and processes are
 * started inside them. */
#ifndef NEUTRINO_DHCP_NETNS_H
#define NEUTRINO_DHCP_NETNS_H

#include <stdbool.h>
#include <sys/types.h>

#define NETNS_RUN_DIR "/run/netns"

/* Creates namespace 'name' (loopback up); 0 if it already exists.  0 or -errno. */
int netns_create(const char *name);
/* An O_RDONLY fd of the namespace, or -errno (-ENOENT if there is none). */
int netns_open(const char *name);
bool netns_exists(const char *name);
/* Unmounts and removes the name; the namespace dies with its last user. */
int netns_delete(const char *name);

/* Calls 'cb' with each name in NETNS_RUN_DIR that starts with 'prefix'. */
typedef void netns_cb(const char *name, void *aux);
void netns_foreach(const char *prefix, netns_cb *cb, void *aux);

/* Moves the calling thread (only it) into the namespace 'netns_fd'.  Returns an fd of
 * the namespace it was in, for netns_leave(), or -errno. */
int netns_enter(int netns_fd);
/* Moves the calling thread back into 'home' and closes it.  Aborts if it cannot: a
 * thread left in the wrong namespace would misdirect every later request. */
void netns_leave(int home);

/* A socket(domain, type, protocol) in namespace 'netns_fd' (the calling thread moves
 * there and back).  The fd or -errno. */
int netns_socket(int netns_fd, int domain, int type, int protocol);

/* Starts 'argv' (argv[0] an absolute path) inside the namespace 'netns_fd', in a new
 * session, with no inherited descriptors but stdin on /dev/null and stdout/stderr on
 * /dev/null or appended to 'log' (may be NULL).  Returns the pid or -errno. */
pid_t netns_spawn(int netns_fd, char *const argv[], const char *log);

/* In a freshly forked child: stdin on /dev/null, stdout and stderr appended to 'log',
 * or on /dev/null when 'log' is NULL or cannot be opened. */
void netns_child_stdio(const char *log);
/* In a freshly forked child: signals reset, a new session, netns_child_stdio(log), no
 * other descriptors, then execv(argv).  Does not return. */
__attribute__((noreturn)) void netns_child_exec(char *const argv[], const char *log);

#endif
