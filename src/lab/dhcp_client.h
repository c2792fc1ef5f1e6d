/* An instance's DHCP client, as cirros runs it: busybox udhcpc on eth0, one DISCOVER a
 * second, with the lab's script, which sets only eth0 (address, MTU, default route) and
 * writes the lease to a file as key=value lines: ip mask router dns domain hostname mtu
 * lease serverid, and staticroutes / msstaticroutes when sent.  Never Debian's default
 * script, which would write the host's /etc/resolv.conf. */
#ifndef NEUTRINO_LAB_DHCP_CLIENT_H
#define NEUTRINO_LAB_DHCP_CLIENT_H

#include <stdbool.h>

/* Writes the script as <dir>/udhcpc.sh.  0 or -1. */
int dhcp_client_install(const char *dir);

/* Runs udhcpc in namespace 'netns' with the script of lab directory 'dir', 'tries'
 * DISCOVERs, host name 'hostname'; the lease goes to 'lease_file' (removed first).
 * 'quiet': udhcpc's output to /dev/null, else to ours.  udhcpc's exit status. */
int dhcp_client_run(const char *netns, const char *dir, const char *lease_file, int tries,
                    const char *hostname, bool quiet);

/* The value of 'key' in a lease file (owned), or NULL. */
char *dhcp_lease_get(const char *lease_file, const char *key);

#endif
