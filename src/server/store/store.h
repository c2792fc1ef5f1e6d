/* The server's storage interface: the only way the rest of the server reaches the
 * database, and the only place SQL lives.  The SQL is written once, over db.h, whose
 * backend is SQLite today (db_sqlite.c); PostgreSQL joins under the same functions.
 *
 * Connections are per thread (store_conn()); each API write runs between
 * store_begin() and store_commit()/store_rollback(), one transaction, so a request
 * either changes everything it meant to or nothing.  Functions return 0 or a negative
 * errno: -ENOENT (no such row), -EEXIST (a unique constraint: an address, MAC, VLAN
 * id... is already taken), -ENOSPC (nothing free), -EIO (database failure, logged
 * once here with the SQLite message).
 *
 * Reads of single rows fill structs with owned strings (free with *_done()).  The
 * foreach functions lend each row to a callback with borrowed strings, valid only
 * during the call: listing 10,000 ports allocates nothing per row. */
#ifndef NEUTRINO_STORE_H
#define NEUTRINO_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ip.h"
#include "model.h"

struct store;
struct store_conn;

/* Opens (creating if needed) the database at 'path' — a SQLite file, or a
 * "postgresql://" URL — and migrates its schema to the newest version.  Returns 0 or
 * a negative errno with a message in 'error': -EINVAL for a URL that cannot be right
 * (the message never shows its password), -ENOTCONN when PostgreSQL cannot be reached
 * now (worth waiting for). */
int store_open(const char *path, struct store **ret, struct buf *error);
void store_close(struct store *s);
/* Which database this is, for the log (never a password). */
void store_describe(struct store *s, struct buf *out);

/* Whether the database work of a request may be run again.  A conflict (a lock
 * waited for too long, a deadlock) or a connection lost outside COMMIT leaves nothing
 * done: the request can run again from the start.  A connection lost during COMMIT
 * leaves the outcome unknown, so the request must not run again. */
enum store_outcome {
    STORE_OK,
    STORE_RETRY,
    STORE_IN_DOUBT,
};
/* The outcome on this thread's connection since the last call, which clears it. */
enum store_outcome store_take_outcome(struct store *s);

/* Several servers on one PostgreSQL database hear of each other's writes: a write
 * transaction that adds to the change feed tells the others when it commits, and so
 * does identity_changed() (store_notify_identity()).  store_watch() calls 'ops' for
 * what the other servers did (never for this process's own writes), and for both
 * after a lost notification connection comes back.  On SQLite, with one server, both
 * do nothing. */
struct store_watch_ops {
    void (*changes)(void *aux);     /* The change feed moved: wake long-polls. */
    void (*identity)(void *aux);    /* Users, roles or tokens changed: drop caches. */
};
int store_watch(struct store *s, const struct store_watch_ops *ops, void *aux,
                struct buf *error);
void store_unwatch(struct store *s);
void store_notify_identity(struct store *s);
/* Calls 'fn(aux)' after each commit of this process that added to the change feed, so
 * long-polls parked on the feed wake at once (store_watch() covers the other servers).
 * Set once, before serving. */
void store_on_feed_commit(struct store *s, void (*fn)(void *aux), void *aux);
/* Schema version the database is at (for logs). */
int store_schema_version(struct store *s);
/* The calling thread's connection, opened on first use. NULL on failure (logged). */
struct store_conn *store_conn(struct store *s);

/* Starts a write transaction; writes from this process are serialised. */
int store_begin(struct store_conn *c);
int store_commit(struct store_conn *c);
/* Rolls back the open write transaction (no-op without one). */
void store_rollback(struct store_conn *c);
/* Ends the open write transaction by the work's outcome 'r': commits when 'r' is 0,
 * else rolls back.  Returns 'r', or the commit's error.  Every writer ends this way. */
int store_end(struct store_conn *c, int r);

/* --- Listing -------------------------------------------------------------------- */

/* Columns a list may filter or sort on.  Each resource accepts its own subset. */
enum store_field {
    SF_ID, SF_NAME, SF_PROJECT_ID, SF_DESCRIPTION, SF_REVISION_NUMBER,
    SF_ADMIN_STATE_UP, SF_STATUS, SF_SHARED, SF_MTU, SF_ROUTER_EXTERNAL,
    SF_NETWORK_TYPE, SF_PHYSICAL_NETWORK, SF_SEGMENTATION_ID, SF_AZ_HINTS,
    SF_NETWORK_ID, SF_IP_VERSION, SF_CIDR, SF_GATEWAY_IP, SF_ENABLE_DHCP,
    SF_IPV6_RA_MODE, SF_IPV6_ADDRESS_MODE, SF_SUBNETPOOL_ID, SF_SUBNET_SHARED,
    SF_MAC_ADDRESS, SF_DEVICE_ID, SF_DEVICE_OWNER, SF_BINDING_HOST_ID,
    SF_FIXED_IP_ADDRESS, SF_FIXED_IP_SUBNET_ID, SF_NETWORK_NAME,
    SF_SECURITY_GROUP_ID, SF_REMOTE_GROUP_ID, SF_DIRECTION, SF_ETHERTYPE,
    SF_PROTOCOL, SF_PORT_RANGE_MIN, SF_PORT_RANGE_MAX, SF_REMOTE_IP_PREFIX,
    SF_REMOTE_ADDRESS_GROUP_ID, SF_NORMALIZED_CIDR,
    SF_PORT_SECURITY_GROUP,     /* A port bound to one of the groups. */
    SF_FLOATING_IP_ADDRESS, SF_FLOATING_NETWORK_ID, SF_ROUTER_ID, SF_PORT_ID,
    SF_FIP_FIXED_IP_ADDRESS,    /* A floating IP's fixed_ip_address (a plain column). */
    SF_OBJECT_TYPE, SF_OBJECT_ID, SF_ACTION, SF_TARGET_PROJECT,     /* RBAC policies. */
    SF_FIXED_IP_ADDRESS_SUBSTR, /* A port with an address matching a LIKE pattern. */
    SF_DEFAULT_PREFIXLEN, SF_MIN_PREFIXLEN, SF_MAX_PREFIXLEN, SF_DEFAULT_QUOTA,
    SF_IS_DEFAULT, SF_ADDRESS_SCOPE_ID,
    SF_ENABLED, SF_SERVICE_TYPE, SF_DRIVER,    /* Flavors and service profiles. */
    SF__COUNT
};

/* How a filter's values are bound. */
enum store_value_kind {
    SV_TEXT,    /* Compared as text. */
    SV_INT,     /* Integers and booleans (0/1), given as decimal text. */
    SV_NULL,    /* Matches NULL (values ignored). */
};

/* One "attribute in (values...)" condition (repeated query keys are OR'ed). */
struct store_filter {
    enum store_field field;
    enum store_value_kind kind;
    char **values;
    size_t n_values;
};

enum store_tag_match {
    STORE_TAGS_ALL,         /* tags=       every listed tag present */
    STORE_TAGS_ANY,         /* tags-any=   at least one present */
    STORE_TAGS_NOT_ALL,     /* not-tags=   not every one present */
    STORE_TAGS_NOT_ANY,     /* not-tags-any= none present */
};

struct store_tag_filter {
    enum store_tag_match match;
    char **tags;
    size_t n_tags;
};

struct store_sort {
    enum store_field field;
    bool descending;
};

struct list_query {
    const char *visible_to;     /* Project whose view applies; NULL = everything (admin). */
    const char *viewer;         /* The caller's project, admin or not (NULL: none): what
                                 * a network's "shared" says depends on it. */
    bool owned_only;            /* Of the visible rows, only 'visible_to's own (the new
                                 * defaults' get_port). */
    struct store_filter *filters;
    size_t n_filters;
    struct store_tag_filter *tag_filters;
    size_t n_tag_filters;
    struct store_sort *sorts;   /* "id" is appended as the final tie-breaker. */
    size_t n_sorts;
    int64_t limit;              /* 0 = no limit. */
    const char *marker;         /* Id of the row the page starts after, or NULL. */
    bool page_reverse;          /* Walk backwards from the marker. */
};

typedef int store_network_cb(const struct network *, void *aux);
typedef int store_subnet_cb(const struct subnet *, void *aux);
typedef int store_port_cb(const struct port *, void *aux);

/* Calls 'cb' for every row matching 'q', in order.  A non-zero return from 'cb' stops
 * the walk and is returned.  -ENOENT if the marker does not exist. */
int store_network_foreach(struct store_conn *c, const struct list_query *q,
                          store_network_cb *cb, void *aux);
int store_subnet_foreach(struct store_conn *c, const struct list_query *q,
                         store_subnet_cb *cb, void *aux);
int store_port_foreach(struct store_conn *c, const struct list_query *q,
                       store_port_cb *cb, void *aux);

/* --- Networks and segments ------------------------------------------------------ */

int store_network_insert(struct store_conn *c, const struct network *n);
/* Writes every mutable column of 'n' (name, description, admin_state_up, shared,
 * router:external, mtu, segment, revision_number, updated_at). */
int store_network_update(struct store_conn *c, const struct network *n);
int store_network_delete(struct store_conn *c, const char *id);
/* Reads network 'id' as 'visible_to' may see it (NULL: any). -ENOENT otherwise.  Its
 * "shared" is as 'visible_to' sees it (NULL: shared with every project). */
int store_network_get(struct store_conn *c, const char *id, const char *visible_to,
                      struct network *ret);
/* The same, with "shared" as project 'viewer' sees it (an admin's own project). */
int store_network_get_as(struct store_conn *c, const char *id, const char *visible_to,
                         const char *viewer, struct network *ret);
/* Makes network 'id' the default external network or not (its revision stays, as
 * Zed's does).  -ENOENT if there is no such network; -EEXIST if another is it. */
int store_network_set_default(struct store_conn *c, const char *id, bool is_default);
/* The default external network's id; -ENOENT when there is none. */
int store_network_default_external(struct store_conn *c, char ret[ID_LEN]);

/* A project's auto-allocated topology; -ENOENT when it has none. */
int store_auto_allocated_get(struct store_conn *c, const char *project_id,
                             struct auto_allocated_topology *ret);
/* Records the project's topology; -EEXIST if it already has one (the transaction
 * stays usable, so the caller can undo its own and read the other). */
int store_auto_allocated_insert(struct store_conn *c, const char *project_id,
                                const struct auto_allocated_topology *t);
/* Forgets the project's topology (its network and router are the caller's). */
int store_auto_allocated_delete(struct store_conn *c, const char *project_id);

/* Increments a network's revision_number and sets updated_at. */
int store_network_bump(struct store_conn *c, const char *id, const char *now);
/* Counts networks owned by 'project_id' (quota use). */
int store_network_count(struct store_conn *c, const char *project_id, int64_t *ret);

/* Records a network's segments after its first ('segs', 'n' of them) as numbers 1..n. */
int store_network_segments_insert(struct store_conn *c, const char *network_id,
                                  const struct segment *segs, size_t n);
/* Records 'seg' as used by 'network_id'. -EEXIST if it already is. */
int store_segment_reserve(struct store_conn *c, const struct segment *seg,
                          const char *network_id);
int store_segment_release(struct store_conn *c, const struct segment *seg);
/* Finds a free id of (type, physnet) in [lo, hi], searching upwards from 'start' and
 * wrapping around.  -ENOSPC if every id is taken. */
int store_segment_find_free(struct store_conn *c, const char *type, const char *physnet,
                            int64_t lo, int64_t hi, int64_t start, int64_t *ret);

/* --- Subnets and address management ---------------------------------------------- */

int store_subnet_insert(struct store_conn *c, const struct subnet *s);
/* Writes name, description, gateway_ip, enable_dhcp, pools, dns, routes, revision,
 * updated_at. */
int store_subnet_update(struct store_conn *c, const struct subnet *s);
/* Puts subnet 'id' in pool 'pool_id' (its CIDR now counts as cut from it), with a new
 * revision updated at 'now'. */
int store_subnet_set_pool(struct store_conn *c, const char *id, const char *pool_id,
                          const char *now);
/* Bumps a subnet's revision, updated at 'now' (a change of its tags). */
int store_subnet_bump(struct store_conn *c, const char *id, const char *now);
int store_subnet_delete(struct store_conn *c, const char *id);
int store_subnet_get(struct store_conn *c, const char *id, const char *visible_to,
                     struct subnet *ret);
/* Reads every subnet of a network (no visibility filter) in creation order.
 * '*ret' is an array of '*ret_n' subnets; free each with subnet_done() and the array. */
int store_subnets_of_network(struct store_conn *c, const char *network_id,
                             struct subnet **ret, size_t *ret_n);

/* One free range of a subnet's pool. */
struct ipam_range {
    int pool_index;     /* Index of the allocation pool it belongs to. */
    u128 first, last;
};

/* Replaces a subnet's free ranges with 'ranges'. */
int store_ipam_set_ranges(struct store_conn *c, const char *subnet_id, int family,
                          const struct ipam_range *ranges, size_t n);
/* Takes the lowest free address of the first pool that has one. -ENOSPC if none. */
int store_ipam_take_lowest(struct store_conn *c, const char *subnet_id, int family,
                           u128 *ret);
/* Takes one address chosen at random among the first 'window' free addresses of the
 * first pool that has any (Neutron Zed's choice). -ENOSPC if none. */
int store_ipam_take_random(struct store_conn *c, const char *subnet_id, int family,
                           u128 window, u128 *ret);
/* Removes 'v' from the free ranges if it is in one; sets '*ret_was_free'. */
int store_ipam_take(struct store_conn *c, const char *subnet_id, int family, u128 v,
                    bool *ret_was_free);
/* Returns 'v' to pool 'pool_index', merging with neighbouring free ranges. */
int store_ipam_give_back(struct store_conn *c, const char *subnet_id, int family,
                         int pool_index, u128 v);

/* An address held by a port. */
struct ip_allocation {
    char subnet_id[ID_LEN];
    char ip_address[IP_STRLEN];
    char port_id[ID_LEN];
};

/* Records that 'port_id' holds 'ip' on 'subnet_id'. -EEXIST if someone already does. */
int store_alloc_insert(struct store_conn *c, const char *subnet_id, const char *network_id,
                       const struct ip_addr *ip, const char *port_id);
int store_alloc_delete(struct store_conn *c, const char *subnet_id, const struct ip_addr *ip);
/* Reads the allocations of a port (in allocation order) or of a subnet; '*ret' is an
 * array to free(). */
int store_allocs_of_port(struct store_conn *c, const char *port_id,
                         struct ip_allocation **ret, size_t *ret_n);
int store_allocs_of_subnet(struct store_conn *c, const char *subnet_id,
                           struct ip_allocation **ret, size_t *ret_n);
/* Counts addresses allocated in a subnet. */
int store_alloc_count(struct store_conn *c, const char *subnet_id, int64_t *ret);
/* Lists ids of the ports holding an address in 'subnet_id' whose device_owner is
 * not one of the network-owned kinds that never block a delete. */
int store_subnet_blocking_ports(struct store_conn *c, const char *subnet_id, struct buf *ret_ids,
                                size_t *ret_n);

/* --- Ports ---------------------------------------------------------------------- */

/* -EEXIST if the MAC address is already used on the network. */
int store_port_insert(struct store_conn *c, const struct port *p);
int store_port_update(struct store_conn *c, const struct port *p);
int store_port_delete(struct store_conn *c, const char *id);
/* A port changed through something else (an address it lost with its subnet): its
 * revision goes up by one and updated_at becomes 'now'. */
int store_port_bump(struct store_conn *c, const char *id, const char *now);
int store_port_get(struct store_conn *c, const char *id, const char *visible_to,
                   struct port *ret);
/* Appends to 'ret_ids' (comma-separated) the ids of ports on 'network_id' that block
 * its deletion (every device_owner but network:dhcp and friends); sets '*ret_n'. */
int store_network_blocking_ports(struct store_conn *c, const char *network_id,
                                 struct buf *ret_ids, size_t *ret_n);
/* Ids of the ports on a network owned by network:dhcp and friends. */
int store_network_service_ports(struct store_conn *c, const char *network_id,
                                char (**ret)[ID_LEN], size_t *ret_n);
/* True if 'network_id' has ports or subnets of projects other than 'project_id'
 * (other than network:* owned ports) that no access_as_shared policy names. */
int store_network_used_by_others(struct store_conn *c, const char *network_id,
                                 const char *project_id, bool *ret);
/* Whether a MAC address is taken on a network. */
int store_mac_in_use(struct store_conn *c, const char *network_id, const char *mac,
                     bool *ret);
/* Replaces the security groups a port is bound to with 'sg_ids' (each named once). */
int store_port_set_security_groups(struct store_conn *c, const char *port_id,
                                   const char *const *sg_ids, size_t n);
/* One allowed address pair of a port: text as the client gave it. */
struct address_pair {
    const char *mac_address;
    const char *ip_address;     /* An address or a CIDR. */
};
/* Replaces a port's allowed address pairs with 'pairs'.  -EEXIST if two are the same
 * ('*ret_dup': the index of the second one; the transaction stays usable). */
int store_port_set_address_pairs(struct store_conn *c, const char *port_id,
                                 const struct address_pair *pairs, size_t n,
                                 size_t *ret_dup);

/* One extra DHCP option of a port (extra_dhcp_opt).  In an update, a NULL value
 * removes the option of that name and IP version. */
struct extra_dhcp_opt {
    const char *name;
    const char *value;
    int ip_version;             /* 4 or 6. */
};
/* Sets the option (name, IP version) of a port to 'opt->value', adding it if the port
 * has none: '*ret_changed' tells whether the stored options changed. */
int store_port_put_dhcp_opt(struct store_conn *c, const char *port_id,
                            const struct extra_dhcp_opt *opt, bool *ret_changed);
/* Removes a port's option (name, IP version); '*ret_changed' false if it had none. */
int store_port_remove_dhcp_opt(struct store_conn *c, const char *port_id,
                               const struct extra_dhcp_opt *opt, bool *ret_changed);

/* --- Security groups -------------------------------------------------------------- */

/* Called with each id (or other text) of a walk; nonzero stops it. */
typedef int store_id_cb(const char *id, void *aux);
typedef int store_sg_cb(const struct security_group *, void *aux);
typedef int store_sg_rule_cb(const struct sg_rule *, void *aux);
/* Groups as a list query selects them (borrowed strings), each with its rules. */
int store_sg_foreach(struct store_conn *c, const struct list_query *q, store_sg_cb *cb,
                     void *aux);
/* The group 'id' (with its rules) if 'visible_to' (NULL: anyone) owns it or an
 * access_as_shared policy gives it to that project or '*'; -ENOENT otherwise.  Its
 * "shared" is as 'visible_to' sees it. */
int store_sg_get(struct store_conn *c, const char *id, const char *visible_to,
                 struct security_group *ret);
/* The same, with "shared" as project 'viewer' sees it (an admin's own project). */
int store_sg_get_as(struct store_conn *c, const char *id, const char *visible_to,
                    const char *viewer, struct security_group *ret);
int store_sg_insert(struct store_conn *c, const struct security_group *g);
/* Writes name, description, stateful, updated_at and revision_number. */
int store_sg_update(struct store_conn *c, const struct security_group *g);
/* Deletes a group with its tags, its rules, the rules of other groups that name it as
 * their remote group, and its place as its project's default.  -ENOENT if none. */
int store_sg_delete(struct store_conn *c, const char *id);
/* Adds one to a group's revision_number and sets its updated_at to 'now'. */
int store_sg_bump(struct store_conn *c, const char *id, const char *now);
/* The addresses of the ports bound to group 'sg_id': their fixed IPs and their allowed
 * address pairs' addresses (maybe prefixes), each once, in no promised order. */
int store_sg_member_addresses(struct store_conn *c, const char *sg_id, store_id_cb *cb,
                              void *aux);
/* Whether a port is bound to the group. */
int store_sg_in_use(struct store_conn *c, const char *id, bool *ret);
/* The id of a project's default group; -ENOENT if it has none. */
int store_sg_default_get(struct store_conn *c, const char *project_id, char ret[ID_LEN]);
/* Makes 'sg_id' the project's default group: -EEXIST if it already has one (the
 * transaction stays usable). */
int store_sg_default_set(struct store_conn *c, const char *project_id, const char *sg_id);
/* Whether 'sg_id' is some project's default group. */
int store_sg_is_default(struct store_conn *c, const char *sg_id, bool *ret);

/* Rules as a list query selects them (borrowed strings). */
int store_sg_rule_foreach(struct store_conn *c, const struct list_query *q,
                          store_sg_rule_cb *cb, void *aux);
/* A group's rules in the order they were added (borrowed strings). */
int store_sg_rules_of_group(struct store_conn *c, const char *sg_id, store_sg_rule_cb *cb,
                            void *aux);
/* The rule 'id' if 'visible_to' (NULL: anyone) owns it or its group; -ENOENT. */
int store_sg_rule_get(struct store_conn *c, const char *id, const char *visible_to,
                      struct sg_rule *ret);
/* Inserts a rule; its seq is chosen here (after every other rule's). */
int store_sg_rule_insert(struct store_conn *c, const struct sg_rule *r);
/* Writes description, updated_at and revision_number. */
int store_sg_rule_update(struct store_conn *c, const struct sg_rule *r);
int store_sg_rule_delete(struct store_conn *c, const char *id);

/* --- RBAC policies (store_rbac.c) ------------------------------------------------- */

typedef int store_rbac_cb(const struct rbac_policy *, void *aux);
/* Policies as a list query selects them (borrowed strings); 'visible_to' sees the
 * policies its project made. */
int store_rbac_foreach(struct store_conn *c, const struct list_query *q, store_rbac_cb *cb,
                       void *aux);
/* The policy 'id' if 'visible_to' (NULL: anyone) made it; -ENOENT otherwise. */
int store_rbac_get(struct store_conn *c, const char *id, const char *visible_to,
                   struct rbac_policy *ret);
/* -EEXIST if the same access is already given (the transaction stays usable). */
int store_rbac_insert(struct store_conn *c, const struct rbac_policy *p);
/* Gives policy 'id' the target 'target': -EEXIST if that access is already given. */
int store_rbac_set_target(struct store_conn *c, const char *id, const char *target);
/* -ENOENT if there is no such policy. */
int store_rbac_delete(struct store_conn *c, const char *id);
/* Deletes the policies of an object matching 'action' and 'target' (NULL: any). */
int store_rbac_delete_matching(struct store_conn *c, const char *object_type,
                               const char *object_id, const char *action,
                               const char *target);
/* Whether a policy gives 'action' on the object to 'target' (NULL: to anyone). */
int store_rbac_exists(struct store_conn *c, const char *object_type, const char *object_id,
                      const char *action, const char *target, bool *ret);
/* Sets a network's "shared" (a '*' access_as_shared policy exists) and
 * "router:external" (some access_as_external policy exists) from its policies. */
int store_network_rbac_sync(struct store_conn *c, const char *network_id);
/* Whether ports on the network belong to projects that neither own it ('owner') nor
 * have an access_as_shared policy of their own on it: the ports that losing the '*'
 * policy would strand. */
int store_rbac_network_foreign_ports(struct store_conn *c, const char *network_id,
                                     const char *owner, bool *ret);
/* Whether project 'project' has ports on the network. */
int store_rbac_network_project_ports(struct store_conn *c, const char *network_id,
                                     const char *project, bool *ret);
/* Whether routers with their gateway on the network belong to 'project' (NULL: to
 * projects other than those with an access_as_external policy of their own, and other
 * than 'also_allowed', which may be NULL). */
int store_rbac_network_gateways(struct store_conn *c, const char *network_id,
                                const char *project, const char *also_allowed, bool *ret);
/* Whether ports using group 'sg_id' belong to 'project' (NULL: to projects without an
 * access_as_shared policy of their own on the group). */
int store_rbac_sg_ports(struct store_conn *c, const char *sg_id, const char *project,
                        bool *ret);
/* Sets the "shared" column of subnet pool or address scope 'object_id' (by
 * 'object_type') from its '*' access_as_shared policy. */
int store_rbac_shared_sync(struct store_conn *c, const char *object_type,
                           const char *object_id);
/* Whether subnets from pool 'pool_id' belong to 'project' (NULL: to projects without an
 * access_as_shared policy of their own on the pool). */
int store_rbac_pool_subnets(struct store_conn *c, const char *pool_id, const char *project,
                            bool *ret);
/* Whether security group rules naming address group 'ag_id' as their remote end belong
 * to 'project' (NULL: as above, for address groups). */
int store_rbac_address_group_rules(struct store_conn *c, const char *ag_id,
                                   const char *project, bool *ret);
/* Whether pools in scope 'scope_id' belong to 'project' (NULL: as above, for scopes). */
int store_rbac_scope_pools(struct store_conn *c, const char *scope_id, const char *project,
                           bool *ret);
/* Whether a policy of scope 'scope_id' names '*' or 'target', made by project 'made_by'
 * (NULL: by anyone). */
int store_rbac_scope_reaches(struct store_conn *c, const char *scope_id, const char *target,
                             const char *made_by, bool *ret);

/* --- Routers (store_router.c) ----------------------------------------------------- */

typedef int store_router_cb(const struct router *, void *aux);

int store_router_foreach(struct store_conn *c, const struct list_query *q,
                         store_router_cb *cb, void *aux);
/* Reads a router (with its gateway) as 'visible_to' may see it (NULL: any). */
int store_router_get(struct store_conn *c, const char *id, const char *visible_to,
                     struct router *ret);
int store_router_insert(struct store_conn *c, const struct router *r);
/* Writes name, description, admin_state_up, enable_snat, routes, updated_at and
 * revision_number. */
int store_router_update(struct store_conn *c, const struct router *r);
/* Deletes the router and its tags; -ENOENT if it is not there. */
int store_router_delete(struct store_conn *c, const char *id);
int store_router_bump(struct store_conn *c, const char *id, const char *now);
/* Links the port 'port_id' to the router as 'port_type' (its device_owner). */
int store_router_port_add(struct store_conn *c, const char *router_id, const char *port_id,
                          const char *port_type);
/* The ids of the router's ports of 'port_type', in id order. */
int store_router_ports(struct store_conn *c, const char *router_id, const char *port_type,
                       store_id_cb *cb, void *aux);
/* Whether a router's gateway port is on the network 'network_id'. */
int store_network_has_gateways(struct store_conn *c, const char *network_id, bool *ret);
/* The router that owns the port 'port_id' ("" if none) into 'ret'. */
int store_port_router(struct store_conn *c, const char *port_id, char ret[ID_LEN]);

/* --- Floating IPs (store_floatingip.c) ------------------------------------------ */

typedef int store_floatingip_cb(const struct floatingip *, void *aux);
typedef int store_pair_cb(const char *a, const char *b, void *aux);

int store_floatingip_foreach(struct store_conn *c, const struct list_query *q,
                             store_floatingip_cb *cb, void *aux);
int store_floatingip_get(struct store_conn *c, const char *id, const char *visible_to,
                         struct floatingip *ret);
int store_floatingip_insert(struct store_conn *c, const struct floatingip *f);
/* Writes description, the association, status, updated_at and revision_number. */
int store_floatingip_update(struct store_conn *c, const struct floatingip *f);
int store_floatingip_delete(struct store_conn *c, const char *id);
/* Deletes the floating IPs of the external network 'network_id' (not their ports). */
int store_floatingips_of_network_delete(struct store_conn *c, const char *network_id);
int store_floatingip_bump(struct store_conn *c, const char *id, const char *now);
/* Ends every association with the port 'port_id' (its floating IPs' revisions bumped,
 * updated at 'now'). */
int store_floatingip_disassociate_port(struct store_conn *c, const char *port_id,
                                       const char *now);
/* Whether a floating IP 'id' exists / one is associated through router 'router_id'. */
int store_floatingip_exists(struct store_conn *c, const char *id, bool *ret);
int store_floatingip_on_router(struct store_conn *c, const char *router_id, bool *ret);
/* Whether a floating IP of 'network_id' is associated with 'fixed_ip' of 'port_id'. */
int store_floatingip_fixed_taken(struct store_conn *c, const char *network_id,
                                 const char *port_id, const char *fixed_ip, bool *ret);
/* The routers whose gateway is on 'external_network_id' and which have an interface on
 * 'subnet_id', each with that interface's address, lent to 'cb' (router id, address). */
int store_routers_between(struct store_conn *c, const char *subnet_id,
                          const char *external_network_id, store_pair_cb *cb, void *aux);
/* The associated addresses (fixed_ip_address, fixed_port_id) of floating IPs through
 * router 'router_id', lent to 'cb'. */
int store_floatingip_fixed_of_router(struct store_conn *c, const char *router_id,
                                     store_pair_cb *cb, void *aux);

/* --- Quotas (store_quota.c) -------------------------------------------------------- */

/* Called with a project, a quota resource name and its stored limit. */
typedef int store_quota_cb(const char *project_id, const char *resource, int64_t limit,
                           void *aux);
/* The stored limits of 'project_id', or of every project (NULL), ordered by project. */
int store_quota_foreach(struct store_conn *c, const char *project_id, store_quota_cb *cb,
                        void *aux);
/* Sets the limit of 'resource' for 'project_id' (a row added or replaced). */
int store_quota_set(struct store_conn *c, const char *project_id, const char *resource,
                    int64_t limit);
/* Deletes every stored limit of 'project_id'; -ENOENT if it had none. */
int store_quota_delete(struct store_conn *c, const char *project_id);
/* How many 'resource' (a quota resource name: "network", "port", ...) 'project_id'
 * owns now, counted as Neutron counts rows by project.  -EINVAL for a name the store
 * does not count. */
int store_quota_usage(struct store_conn *c, const char *resource, const char *project_id,
                      int64_t *ret);

/* --- Tags ----------------------------------------------------------------------- */

/* Reads a resource's tags as a JSON array into 'ret_json' (owned). */
int store_tags_get(struct store_conn *c, const char *resource_id, char **ret_json);
int store_tag_exists(struct store_conn *c, const char *resource_id, const char *tag,
                     bool *ret);
int store_tag_add(struct store_conn *c, const char *resource_id, const char *tag);
/* -ENOENT if the tag was not there. */
int store_tag_remove(struct store_conn *c, const char *resource_id, const char *tag);
int store_tags_clear(struct store_conn *c, const char *resource_id);

/* --- Agents ---------------------------------------------------------------------- */

/* Agents by id, or by (agent_type, host); -ENOENT if none. */
int store_agent_get(struct store_conn *c, const char *id, struct agent *ret);
int store_agent_get_by_host(struct store_conn *c, const char *agent_type, const char *host,
                            struct agent *ret);
/* -EEXIST if (agent_type, host) already has one. */
int store_agent_insert(struct store_conn *c, const struct agent *a);
/* Writes every mutable column (state, description, zone, configurations, versions,
 * started_at, heartbeat). */
int store_agent_update(struct store_conn *c, const struct agent *a);
int store_agent_delete(struct store_conn *c, const char *id);
typedef int store_agent_cb(const struct agent *, void *aux);
/* Every agent, by host then type (borrowed strings). */
int store_agent_foreach(struct store_conn *c, store_agent_cb *cb, void *aux);
/* Whether some agent of 'agent_type' reports availability zone 'zone' (alive or not,
 * admin-up or not: a zone exists while any of its agents is registered). */
int store_agent_zone_known(struct store_conn *c, const char *agent_type, const char *zone,
                           bool *ret);

/* --- Change feed ----------------------------------------------------------------- */

/* Appends a change for the agents of 'host' ("" = every host) of one 'audience'
 * ("l2", "dhcp", or "" = every agent). */
int store_change_add(struct store_conn *c, const char *host, const char *audience,
                     const char *kind, const char *object_id, const char *network_id);
/* Appends a change of 'audience' for the hosts of the DHCP agents hosting
 * 'network_id'. */
int store_change_add_dhcp(struct store_conn *c, const char *network_id, const char *audience,
                          const char *kind, const char *object_id);
/* Appends a change of 'audience' about security group 'group_id' for each host with a
 * bound port whose groups' rules name the group as remote group, and, when
 * 'with_members', each host with a bound port in the group itself. */
int store_change_add_sg(struct store_conn *c, const char *group_id, bool with_members,
                        const char *audience, const char *kind);
/* Changes after 'after' for 'host' (its own and the everyone ones) and 'audience', in
 * order, at most 'limit'. */
typedef int store_change_cb(const struct change *, void *aux);
int store_change_foreach(struct store_conn *c, const char *host, const char *audience,
                         int64_t after, int limit, store_change_cb *cb, void *aux);
/* The newest sequence number (0 if none) and the oldest one kept (0 if none). */
int store_change_bounds(struct store_conn *c, int64_t *ret_first, int64_t *ret_last);
/* Forgets changes up to and including 'seq' (agents that far behind resynchronise). */
int store_change_prune(struct store_conn *c, int64_t seq);

/* --- What agents ask about ports ------------------------------------------------- */

/* The port whose id starts with 'prefix' (a tap name's 11 characters); -ENOENT. */
int store_port_by_prefix(struct store_conn *c, const char *prefix, struct port *ret);
/* Ports bound to 'host' (borrowed strings). */
int store_ports_of_host(struct store_conn *c, const char *host, store_port_cb *cb, void *aux);
/* Calls 'cb' with each network id. */
int store_network_ids(struct store_conn *c, store_id_cb *cb, void *aux);
/* ACTIVE ports of a network bound to its segment 'segment_index' (the tunnel one) on
 * hosts other than 'host' whose linux-bridge agent reports a tunneling_ip: (tunneling
 * ip, mac, first fixed ip or "") per port. */
typedef int store_l2pop_cb(const char *vtep, const char *mac, const char *ip, void *aux);
int store_l2pop_entries(struct store_conn *c, const char *network_id, size_t segment_index,
                        const char *host, store_l2pop_cb *cb, void *aux);

/* --- DHCP agents: scheduling and provisioning blocks ------------------------------ */

/* -EEXIST if the agent already hosts the network; -ENOENT on unbind if it did not. */
int store_dhcp_bind(struct store_conn *c, const char *network_id, const char *agent_id);
int store_dhcp_unbind(struct store_conn *c, const char *network_id, const char *agent_id);
/* The agents hosting a network (borrowed strings), by host. */
int store_dhcp_agents_of_network(struct store_conn *c, const char *network_id,
                                 store_agent_cb *cb, void *aux);
/* The ids of the networks an agent hosts. */
int store_dhcp_networks_of_agent(struct store_conn *c, const char *agent_id, store_id_cb *cb,
                                 void *aux);
/* Alive (heartbeat at or after 'alive_since'), admin-up DHCP agents not hosting the
 * network, least loaded (fewest networks) first (borrowed strings). */
int store_dhcp_candidates(struct store_conn *c, const char *network_id, int64_t alive_since,
                          store_agent_cb *cb, void *aux);
/* Networks that have a DHCP-enabled subnet and fewer than 'per_network' DHCP agents. */
int store_dhcp_unscheduled(struct store_conn *c, int per_network, store_id_cb *cb, void *aux);
/* Bindings of admin-up agents whose last heartbeat is older than 'dead_before':
 * (network id, agent id) pairs. */
typedef int store_pair_cb(const char *a, const char *b, void *aux);
int store_dhcp_dead_bindings(struct store_conn *c, int64_t dead_before, store_pair_cb *cb,
                             void *aux);
/* True if the network has a subnet with DHCP enabled. */
int store_network_has_dhcp(struct store_conn *c, const char *network_id, bool *ret);
/* How many networks each agent hosts is what the scheduler balances; this counts them
 * for one agent. */
int store_dhcp_load(struct store_conn *c, const char *agent_id, int64_t *ret);

/* --- L3 agents: router scheduling (store_l3.c) ------------------------------------ */

/* Makes agent 'agent_id' host router 'router_id': -EEXIST if some agent already hosts
 * it (the primary key keeps one binding per router, whoever races). */
int store_l3_bind(struct store_conn *c, const char *router_id, const char *agent_id);
/* -ENOENT if that agent did not host the router. */
int store_l3_unbind(struct store_conn *c, const char *router_id, const char *agent_id);
/* The agent hosting the router (owned copies): -ENOENT if none. */
int store_l3_agent_of_router(struct store_conn *c, const char *router_id, struct agent *ret);
/* The ids of the routers an agent hosts, in id order. */
int store_l3_routers_of_agent(struct store_conn *c, const char *agent_id, store_id_cb *cb,
                              void *aux);
/* Alive (heartbeat at or after 'alive_since'), admin-up L3 agents, fewest routers
 * first, then by host (borrowed strings). */
int store_l3_candidates(struct store_conn *c, int64_t alive_since, store_agent_cb *cb,
                        void *aux);
/* The ids of the routers no agent hosts, in id order. */
int store_l3_unscheduled(struct store_conn *c, store_id_cb *cb, void *aux);
/* Bindings of admin-up L3 agents whose last heartbeat is older than 'dead_before':
 * (router id, agent id) pairs. */
int store_l3_dead_bindings(struct store_conn *c, int64_t dead_before, store_pair_cb *cb,
                           void *aux);
/* --- HA routers (store_l3_ha.c) ---------------------------------------------------- */

/* VRRP ids are 1..STORE_VRID_LIMIT - 1. */
#define STORE_VRID_LIMIT 255
/* Makes agent 'agent_id' one of the hosts of the HA router 'router_id' (state
 * standby): -EEXIST if it is one already. */
int store_l3_bind_ha(struct store_conn *c, const char *router_id, const char *agent_id);
/* The agents hosting the router, by host. */
int store_l3_agents_of_router(struct store_conn *c, const char *router_id, store_agent_cb *cb,
                              void *aux);
/* (agent id, ha_state) of each binding of the router, by agent id. */
int store_l3_ha_states(struct store_conn *c, const char *router_id, store_pair_cb *cb,
                       void *aux);
/* The HA routers 'agent_id' does not host that have fewer than 'max_agents' agents
 * (0: any number), by id. */
int store_l3_ha_underscheduled(struct store_conn *c, const char *agent_id, int max_agents,
                               store_id_cb *cb, void *aux);
/* -ENOENT if the agent does not host the router. */
int store_l3_set_ha_state(struct store_conn *c, const char *router_id, const char *agent_id,
                          const char *state);
/* The project's HA network: -ENOENT if it has none. */
int store_ha_network_get(struct store_conn *c, const char *project_id, char ret[ID_LEN]);
/* -EEXIST if the project has one already. */
int store_ha_network_insert(struct store_conn *c, const char *project_id,
                            const char *network_id);
int store_ha_network_delete(struct store_conn *c, const char *project_id);
/* The number of the project's HA routers. */
int store_ha_routers_count(struct store_conn *c, const char *project_id, int64_t *ret);
/* used[v] is true for each VRRP id v taken on the network. */
int store_ha_vrids_used(struct store_conn *c, const char *network_id,
                        bool used[STORE_VRID_LIMIT]);
/* -EEXIST if taken. */
int store_ha_vrid_insert(struct store_conn *c, const char *network_id, int vr_id);
int store_ha_vrid_delete(struct store_conn *c, const char *network_id, int vr_id);

/* Sets the status of every floating IP associated through 'router_id'. */
int store_floatingips_of_router_status(struct store_conn *c, const char *router_id,
                                       const char *status);
/* The floating IPs associated through router 'router_id', by id: (id, floating address,
 * fixed address, fixed port id), borrowed. */
typedef int store_fip_assoc_cb(const char *id, const char *floating_ip, const char *fixed_ip,
                               const char *port_id, void *aux);
int store_l3_floatingips_of_router(struct store_conn *c, const char *router_id,
                                   store_fip_assoc_cb *cb, void *aux);
/* The ids of the routers the floating IPs associated with port 'port_id' go through. */
int store_routers_of_port_floatingips(struct store_conn *c, const char *port_id,
                                      store_id_cb *cb, void *aux);
/* The ids of the routers whose gateway port is on 'network_id'. */
int store_routers_with_gateway_on(struct store_conn *c, const char *network_id,
                                  store_id_cb *cb, void *aux);

/* Provisioning blocks: "L2" (the linux-bridge agent) and "DHCP" (a DHCP agent). */
int store_block_add(struct store_conn *c, const char *port_id, const char *entity);
/* -ENOENT if there was none. */
int store_block_remove(struct store_conn *c, const char *port_id, const char *entity);
int store_block_count(struct store_conn *c, const char *port_id, int64_t *ret);
/* True if the port has an address on a DHCP-enabled subnet and its network is hosted
 * by a DHCP agent (so a DHCP agent must confirm it). */
int store_port_needs_dhcp(struct store_conn *c, const char *port_id, const char *network_id,
                          bool *ret);

/* Every port of a network (borrowed strings), by id. */
int store_ports_of_network(struct store_conn *c, const char *network_id, store_port_cb *cb,
                           void *aux);
/* The port of a network with this device_id; -ENOENT. */
int store_port_by_device(struct store_conn *c, const char *network_id, const char *device_id,
                         struct port *ret);

/* --- Identity (built-in Keystone subset) ------------------------------------------ */

#define IDENTITY_ID_LEN 33          /* 32 hex digits, as Keystone's ids. */
#define TOKEN_HASH_LEN 65           /* Hex BLAKE2b-256 of a token. */
#define AUDIT_ID_LEN 24             /* 22 characters of URL-safe base64. */

/* Projects, users and roles; strings are owned (free with identity_*_done()). */
struct id_project {
    char id[IDENTITY_ID_LEN];
    char *name;
    char *description;
    bool enabled;
};

struct id_user {
    char id[IDENTITY_ID_LEN];
    char *name;
    char *password_hash;        /* libsodium crypto_pwhash_str() form; NULL: none. */
    char *default_project_id;   /* NULL: none. */
    char *email;                /* NULL: none. */
    char *description;          /* NULL: none. */
    bool enabled;
};

struct id_role {
    char id[IDENTITY_ID_LEN];
    char *name;
    char *description;          /* NULL: none. */
};

/* An issued token, known by the hash of its text only. */
struct id_token {
    char hash[TOKEN_HASH_LEN];
    char user_id[IDENTITY_ID_LEN];
    char project_id[IDENTITY_ID_LEN];   /* "" for an unscoped token. */
    char methods[64];                   /* JSON array, e.g. ["password"]. */
    char audit_id[AUDIT_ID_LEN];
    char parent_audit_id[AUDIT_ID_LEN]; /* "" unless re-scoped from another token. */
    int64_t issued_at, expires_at;      /* Unix seconds. */
};

/* A role assignment as listed (borrowed strings). */
struct id_assignment {
    const char *project_id, *user_id, *role_id;
};

void id_project_done(struct id_project *p);
void id_user_done(struct id_user *u);
void id_role_done(struct id_role *r);

/* Settings the identity service keeps for itself (bootstrap state, install id).
 * '*ret' is owned; -ENOENT if unset. */
int store_id_meta_get(struct store_conn *c, const char *key, char **ret);
int store_id_meta_set(struct store_conn *c, const char *key, const char *value);

/* Each kind: insert (-EEXIST when the name is taken), get by id or by name
 * (-ENOENT), update every mutable column, delete (with what hangs off it:
 * assignments, and for users and projects their tokens), and foreach (borrowed
 * strings, name order, 'name' filter when non-NULL). */
int store_id_project_insert(struct store_conn *c, const struct id_project *p);
int store_id_project_get(struct store_conn *c, const char *id, struct id_project *ret);
int store_id_project_get_by_name(struct store_conn *c, const char *name,
                                 struct id_project *ret);
int store_id_project_update(struct store_conn *c, const struct id_project *p);
int store_id_project_delete(struct store_conn *c, const char *id);
typedef int store_id_project_cb(const struct id_project *, void *aux);
int store_id_project_foreach(struct store_conn *c, const char *name, store_id_project_cb *cb,
                             void *aux);
/* Projects on which 'user_id' has at least one role. */
int store_id_projects_of_user(struct store_conn *c, const char *user_id,
                              store_id_project_cb *cb, void *aux);

int store_id_user_insert(struct store_conn *c, const struct id_user *u);
int store_id_user_get(struct store_conn *c, const char *id, struct id_user *ret);
int store_id_user_get_by_name(struct store_conn *c, const char *name, struct id_user *ret);
int store_id_user_update(struct store_conn *c, const struct id_user *u);
int store_id_user_delete(struct store_conn *c, const char *id);
typedef int store_id_user_cb(const struct id_user *, void *aux);
int store_id_user_foreach(struct store_conn *c, const char *name, store_id_user_cb *cb,
                          void *aux);

int store_id_role_insert(struct store_conn *c, const struct id_role *r);
int store_id_role_get(struct store_conn *c, const char *id, struct id_role *ret);
int store_id_role_get_by_name(struct store_conn *c, const char *name, struct id_role *ret);
int store_id_role_delete(struct store_conn *c, const char *id);
typedef int store_id_role_cb(const struct id_role *, void *aux);
int store_id_role_foreach(struct store_conn *c, const char *name, store_id_role_cb *cb,
                          void *aux);
/* Roles 'user_id' holds on 'project_id'. */
int store_id_roles_of(struct store_conn *c, const char *user_id, const char *project_id,
                      store_id_role_cb *cb, void *aux);

/* Grants are idempotent; revoking an absent grant is -ENOENT. */
int store_id_grant(struct store_conn *c, const char *project_id, const char *user_id,
                   const char *role_id);
int store_id_revoke(struct store_conn *c, const char *project_id, const char *user_id,
                    const char *role_id);
int store_id_grant_exists(struct store_conn *c, const char *project_id, const char *user_id,
                          const char *role_id, bool *ret);
typedef int store_id_assignment_cb(const struct id_assignment *, void *aux);
/* Assignments matching the non-NULL filters. */
int store_id_assignment_foreach(struct store_conn *c, const char *project_id,
                                const char *user_id, const char *role_id,
                                store_id_assignment_cb *cb, void *aux);

int store_id_token_insert(struct store_conn *c, const struct id_token *t);
/* Reads a token that has not expired at 'now'. -ENOENT otherwise. */
int store_id_token_get(struct store_conn *c, const char *hash, int64_t now, struct id_token *ret);
int store_id_token_delete(struct store_conn *c, const char *hash);
/* Deletes every token that expired before 'now'. */
int store_id_token_purge(struct store_conn *c, int64_t now);
/* Deletes every token of a user (password change, disable). */
int store_id_token_delete_user(struct store_conn *c, const char *user_id);

/* A user's failed logins, for the lock-out: consecutive wrong passwords and when the
 * last was (Unix seconds); both 0 when there is none. */
struct id_login_failures {
    unsigned int count;
    int64_t last_at;
};
int store_id_login_failures_get(struct store_conn *c, const char *user_id,
                                struct id_login_failures *ret);
/* Counts one more failure at 'now' (an atomic increment: servers may count at once). */
int store_id_login_failure_add(struct store_conn *c, const char *user_id, int64_t now);
/* Forgets the user's failures. */
int store_id_login_failures_clear(struct store_conn *c, const char *user_id);

/* --- Subnet pools and address scopes (store_subnetpool.c) ------------------------- */

typedef int store_subnetpool_cb(const struct subnetpool *, void *aux);
typedef int store_address_scope_cb(const struct address_scope *, void *aux);

/* A pool or a scope is visible to its project and to those its access_as_shared
 * policies name ('*': everyone); "shared" is as the viewer sees it (docs/behaviour/rbac.md). */
int store_subnetpool_foreach(struct store_conn *c, const struct list_query *q,
                             store_subnetpool_cb *cb, void *aux);
int store_subnetpool_get(struct store_conn *c, const char *id, const char *visible_to,
                         struct subnetpool *ret);
/* The same, with "shared" as project 'viewer' sees it (an admin's own project). */
int store_subnetpool_get_as(struct store_conn *c, const char *id, const char *visible_to,
                            const char *viewer, struct subnetpool *ret);
int store_subnetpool_insert(struct store_conn *c, const struct subnetpool *p);
/* Writes every attribute but the id, the owner, ip_version, shared and created_at. */
int store_subnetpool_update(struct store_conn *c, const struct subnetpool *p);
int store_subnetpool_delete(struct store_conn *c, const char *id);
int store_subnetpool_bump(struct store_conn *c, const char *id, const char *now);
/* The default pool of 'ip_version' into 'ret' (-ENOENT: none). */
int store_subnetpool_default(struct store_conn *c, int ip_version, char ret[ID_LEN]);
/* The CIDRs of the subnets cut from pool 'id' (of project 'project_id' only, unless
 * NULL), lent to 'cb'. */
int store_subnetpool_cidrs(struct store_conn *c, const char *id, const char *project_id,
                           store_id_cb *cb, void *aux);
/* Whether a subnet was cut from pool 'id'. */
int store_subnetpool_in_use(struct store_conn *c, const char *id, bool *ret);
/* The pools of address scope 'scope_id', lent to 'cb'. */
int store_subnetpools_of_scope(struct store_conn *c, const char *scope_id,
                               store_subnetpool_cb *cb, void *aux);
/* The networks of the subnets cut from pool 'id', each once, lent to 'cb'. */
int store_subnetpool_networks(struct store_conn *c, const char *id, store_id_cb *cb,
                              void *aux);

int store_address_scope_foreach(struct store_conn *c, const struct list_query *q,
                                store_address_scope_cb *cb, void *aux);
int store_address_scope_get(struct store_conn *c, const char *id, const char *visible_to,
                            struct address_scope *ret);
/* The same, with "shared" as project 'viewer' sees it (an admin's own project). */
int store_address_scope_get_as(struct store_conn *c, const char *id, const char *visible_to,
                               const char *viewer, struct address_scope *ret);
int store_address_scope_insert(struct store_conn *c, const struct address_scope *a);
/* Writes name, updated_at and revision_number ("shared" is its policies). */
int store_address_scope_update(struct store_conn *c, const struct address_scope *a);
int store_address_scope_delete(struct store_conn *c, const char *id);
/* Whether a pool is in the address scope 'id'. */
int store_address_scope_in_use(struct store_conn *c, const char *id, bool *ret);

/* --- Address groups (store_address_group.c) ---------------------------------------- */

typedef int store_address_group_cb(const struct address_group *, void *aux);

/* A group is visible to its project and to those its access_as_shared policies name
 * (visible_to NULL: to everyone); "shared" is as the query's viewer sees it. */
int store_address_group_foreach(struct store_conn *c, const struct list_query *q,
                                store_address_group_cb *cb, void *aux);
int store_address_group_get(struct store_conn *c, const char *id, const char *visible_to,
                            struct address_group *ret);
/* The same, with "shared" as project 'viewer' sees it (an admin's own project). */
int store_address_group_get_as(struct store_conn *c, const char *id, const char *visible_to,
                               const char *viewer, struct address_group *ret);
/* Inserts the group's row (its addresses are added with
 * store_address_group_add_address()). */
int store_address_group_insert(struct store_conn *c, const struct address_group *g);
/* Writes name, description, updated_at and revision_number. */
int store_address_group_update(struct store_conn *c, const struct address_group *g);
/* Deletes the group, its addresses and its RBAC policies. */
int store_address_group_delete(struct store_conn *c, const char *id);
/* Adds the normalized CIDR 'cidr' after the group's other addresses. */
int store_address_group_add_address(struct store_conn *c, const char *id, const char *cidr);
/* Removes 'cidr' from the group; -ENOENT when it is not there. */
int store_address_group_remove_address(struct store_conn *c, const char *id,
                                       const char *cidr);
/* Whether a security group rule names the group 'id' as its remote end. */
int store_address_group_in_use(struct store_conn *c, const char *id, bool *ret);
/* The security groups with a rule naming the address group 'id', each once. */
int store_address_group_sgs(struct store_conn *c, const char *id, store_id_cb *cb, void *aux);
/* The addresses of group 'id' of one IP version ('ip_version' 4 or 6), lent to 'cb'. */
int store_address_group_addresses(struct store_conn *c, const char *id, int ip_version,
                                  store_id_cb *cb, void *aux);

/* --- Flavors and service profiles (store_flavor.c) ---------------------------------- */

typedef int store_flavor_cb(const struct flavor *, void *aux);
typedef int store_service_profile_cb(const struct service_profile *, void *aux);

/* Flavors and profiles belong to no project: the listing ignores q->visible_to (the
 * core decides who may read them at all). */
int store_flavor_foreach(struct store_conn *c, const struct list_query *q,
                         store_flavor_cb *cb, void *aux);
/* -ENOENT when there is no flavor 'id'. */
int store_flavor_get(struct store_conn *c, const char *id, struct flavor *ret);
int store_flavor_insert(struct store_conn *c, const struct flavor *f);
/* Writes name, description and enabled. */
int store_flavor_update(struct store_conn *c, const struct flavor *f);
/* Deletes the flavor and its associations; -ENOENT when there is none. */
int store_flavor_delete(struct store_conn *c, const char *id);
int store_service_profile_foreach(struct store_conn *c, const struct list_query *q,
                                  store_service_profile_cb *cb, void *aux);
int store_service_profile_get(struct store_conn *c, const char *id,
                              struct service_profile *ret);
int store_service_profile_insert(struct store_conn *c, const struct service_profile *p);
/* Writes description, driver, enabled and metainfo. */
int store_service_profile_update(struct store_conn *c, const struct service_profile *p);
int store_service_profile_delete(struct store_conn *c, const char *id);
/* Whether some flavor has the profile 'id'. */
int store_service_profile_in_use(struct store_conn *c, const char *id, bool *ret);
/* Whether the flavor 'flavor_id' has the profile 'profile_id'. */
int store_flavor_profile_exists(struct store_conn *c, const char *flavor_id,
                                const char *profile_id, bool *ret);
/* Gives the flavor the profile, after its others. */
int store_flavor_profile_add(struct store_conn *c, const char *flavor_id,
                             const char *profile_id);
/* Takes the profile from the flavor; -ENOENT when the flavor does not have it. */
int store_flavor_profile_remove(struct store_conn *c, const char *flavor_id,
                                const char *profile_id);

#endif
