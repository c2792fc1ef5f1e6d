/* Ports in the domain core: create, update and delete, with MAC choice, address
 * allocation (through IPAM), binding (ML2's linux-bridge driver), provisioning blocks,
 * and the agents' work.  See core.h for the calling convention. */
#ifndef NEUTRINO_CORE_PORT_H
#define NEUTRINO_CORE_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "store/store.h"

/* One fixed_ips entry as asked: a subnet, an address, or both. */
struct fixed_ip_spec {
    const char *subnet_id;      /* NULL: the subnet holding ip_address. */
    const char *ip_address;     /* NULL: any free address of subnet_id. */
    bool delete_subnet;         /* Update: let go of subnet_id's automatic address. */
};

/* What a create sets or an update changes; strings are borrowed.  A NULL string, or
 * a false has_* flag, means "not given": a create takes the default, an update keeps
 * the current value. */
struct port_spec {
    const char *project_id;         /* Create only: the owner (NULL: the caller's). */
    const char *network_id;         /* Create only. */
    const char *name;
    const char *description;
    const char *mac_address;
    const char *device_id;
    const char *device_owner;
    const char *status;             /* Create only, the server's own ports: NULL is DOWN
                                     * (a floating IP's port is N/A). */
    const char *binding_host_id;
    const char *binding_vnic_type;
    const char *binding_profile_json;   /* JSON text. */
    bool has_admin_state_up;
    bool admin_state_up;
    bool has_fixed_ips;
    const struct fixed_ip_spec *fixed_ips;
    size_t n_fixed_ips;
    bool has_port_security;         /* Create: absent inherits the network's. */
    bool port_security;
    bool has_security_groups;       /* Create: absent means the project's default group
                                     * when port security is on. */
    const char *const *security_groups;     /* Group ids, each once. */
    size_t n_security_groups;
    bool has_address_pairs;
    const struct address_pair *address_pairs;   /* A NULL mac_address: the port's MAC. */
    size_t n_address_pairs;
    bool client_create;             /* Create: a client asked, so the port quota applies
                                     * (not to ports the server makes for a router, a
                                     * floating IP or DHCP, as in Neutron). */
    const char *device_profile;     /* Create only; NULL or "": none. */
    bool has_numa_affinity_policy;
    const char *numa_affinity_policy;   /* NULL: none. */
    /* extra_dhcp_opt: create sets these, update merges them into the port's by (name,
     * IP version), a NULL value removing one.  Each (name, version) at most once. */
    const struct extra_dhcp_opt *extra_dhcp_opts;
    size_t n_extra_dhcp_opts;
};

/* True if 'spec' changes nothing. */
bool port_spec_empty(const struct port_spec *spec);

/* Reads the port 'id' as the caller may see it. */
int core_port_get(const struct op *op, const char *id, struct port *ret);
/* Reads the port 'id' if it is in the caller's view (its own ports and those on its
 * networks), without the get_port policy: what the core consults when another
 * resource names a port, as Neutron's plugin reads it, whose rules then decide. */
int core_port_visible(const struct op *op, const char *id, struct port *ret);
/* Creates a port; its id goes to 'ret_id'. */
int core_port_create(const struct op *op, const struct port_spec *spec, char ret_id[ID_LEN]);

/* Applies 'spec' to the port 'id' as the caller sees it ('expected_revision': the
 * If-Match precondition, -1 for none).  '*ret' gets the port as stored. */
int core_port_update(const struct op *op, const char *id, const struct port_spec *spec,
                     int64_t expected_revision, struct port *ret);
/* Applies 'spec' to the port 'p' already read in this transaction, for the server's
 * own ports (no policy, no precondition); 'p' becomes the port as stored. */
int core_port_update_read(const struct op *op, struct port *p, const struct port_spec *spec);

/* Deletes the port 'id' as the caller sees it. */
int core_port_delete(const struct op *op, const char *id, int64_t expected_revision);
/* Deletes the port 'p' read in this transaction (no policy, no precondition). */
int core_port_delete_read(const struct op *op, const struct port *p);

#endif
