/* The state of one lab: its name prefix (NEUTRINO_LAB, "nlab" by default: every
 * namespace of the lab is <prefix>-<name>), its directory /run/neutrino-lab/<prefix>/
 * (agents' configurations and logs, DHCP state, leases, the udhcpc script) and lab.json
 * there: the nodes with their namespaces and processes, the hosts (namespaces without
 * agents), the switch, the instances.
 * Written after every step, so that `lab down` can undo a lab that failed half way. */
#ifndef NEUTRINO_LAB_LAB_STATE_H
#define NEUTRINO_LAB_LAB_STATE_H

#include <jansson.h>
#include <stdbool.h>

#define LAB_RUN_DIR "/run/neutrino-lab"

/* The lab's prefix. */
const char *lab_prefix(void);
/* <LAB_RUN_DIR>/<prefix>[/<file>] (owned by the caller). */
char *lab_dir(const char *prefix);
char *lab_file(const char *prefix, const char *file);
/* Creates the lab's directory, mode 0755 (dnsmasq reads its files there as nobody).
 * 0, or 1 after printing why not. */
int lab_make_dir(const char *prefix);

/* lab.json, or NULL when there is none. */
json_t *lab_load(const char *prefix);
/* Replaces lab.json (atomically) with 'state', whose "prefix" names the lab. */
int lab_save(const json_t *state);
/* lab.json of the lab, or NULL after printing that no lab is up. */
json_t *lab_or_fail(void);

/* The full name of the lab's namespace 'name' ("<prefix>-<name>", owned). */
char *lab_ns(const json_t *state, const char *name);
/* A node of the state ("nodes"), or NULL after printing which nodes there are. */
json_t *lab_node(const json_t *state, const char *name);

/* True if we are root; else prints that the lab needs it. */
bool lab_is_root(void);

#endif
