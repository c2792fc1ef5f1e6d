/* Numbered schema migrations (see schema.h).  Portable SQL: the same statements run
 * on SQLite and PostgreSQL, where schema_migration_pg() adjusts the types.  Addresses
 * are kept twice: as text for output and as a fixed-width hex key (ip.h) whose text
 * order is numeric order, so ranges can be compared and ordered in SQL for both IPv4
 * and IPv6. */
#include "schema.h"

#include <ctype.h>
#include <string.h>

#include "buf.h"

const char *const schema_migrations[] = {
    /* 1: networks, segments, subnets, address management, ports, tags. */
    "CREATE TABLE networks ("
    "  id TEXT PRIMARY KEY,"
    "  project_id TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  admin_state_up INTEGER NOT NULL,"
    "  status TEXT NOT NULL,"
    "  shared INTEGER NOT NULL,"
    "  router_external INTEGER NOT NULL,"
    "  mtu INTEGER NOT NULL,"
    "  network_type TEXT NOT NULL,"
    "  physical_network TEXT,"
    "  segmentation_id INTEGER,"
    "  az_hints TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  revision_number INTEGER NOT NULL);"
    "CREATE INDEX networks_project ON networks(project_id);"
    /* One row per segment in use: flat (type, physnet, 0), vlan (type, physnet, id),
     * vxlan/gre (type, '', id).  The primary key is what stops double allocation. */
    "CREATE TABLE segment_allocations ("
    "  network_type TEXT NOT NULL,"
    "  physical_network TEXT NOT NULL,"
    "  segmentation_id INTEGER NOT NULL,"
    "  network_id TEXT NOT NULL,"
    "  PRIMARY KEY (network_type, physical_network, segmentation_id));"
    "CREATE TABLE subnets ("
    "  id TEXT PRIMARY KEY,"
    "  project_id TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  network_id TEXT NOT NULL REFERENCES networks(id),"
    "  ip_version INTEGER NOT NULL,"
    "  cidr TEXT NOT NULL,"
    "  gateway_ip TEXT,"
    "  enable_dhcp INTEGER NOT NULL,"
    "  ipv6_ra_mode TEXT,"
    "  ipv6_address_mode TEXT,"
    "  allocation_pools TEXT NOT NULL,"
    "  dns_nameservers TEXT NOT NULL,"
    "  host_routes TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  revision_number INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL);"
    "CREATE INDEX subnets_network ON subnets(network_id, seq);"
    "CREATE INDEX subnets_project ON subnets(project_id);"
    /* Free address ranges of each subnet's pools; allocation takes from the front. */
    "CREATE TABLE ipam_ranges ("
    "  subnet_id TEXT NOT NULL,"
    "  pool_index INTEGER NOT NULL,"
    "  first_key TEXT NOT NULL,"
    "  last_key TEXT NOT NULL,"
    "  PRIMARY KEY (subnet_id, first_key));"
    "CREATE INDEX ipam_ranges_order ON ipam_ranges(subnet_id, pool_index, first_key);"
    "CREATE TABLE ports ("
    "  id TEXT PRIMARY KEY,"
    "  project_id TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  network_id TEXT NOT NULL REFERENCES networks(id),"
    "  mac_address TEXT NOT NULL,"
    "  admin_state_up INTEGER NOT NULL,"
    "  status TEXT NOT NULL,"
    "  device_id TEXT NOT NULL,"
    "  device_owner TEXT NOT NULL,"
    "  binding_host_id TEXT NOT NULL,"
    "  binding_vnic_type TEXT NOT NULL,"
    "  binding_profile TEXT NOT NULL,"
    "  binding_vif_type TEXT NOT NULL,"
    "  binding_vif_details TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  revision_number INTEGER NOT NULL,"
    "  UNIQUE (network_id, mac_address));"
    "CREATE INDEX ports_project ON ports(project_id);"
    "CREATE INDEX ports_device ON ports(device_id);"
    "CREATE TABLE ip_allocations ("
    "  subnet_id TEXT NOT NULL,"
    "  ip_key TEXT NOT NULL,"
    "  ip_address TEXT NOT NULL,"
    "  port_id TEXT NOT NULL,"
    "  network_id TEXT NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  PRIMARY KEY (subnet_id, ip_key));"
    "CREATE INDEX ip_allocations_port ON ip_allocations(port_id, seq);"
    "CREATE INDEX ip_allocations_address ON ip_allocations(ip_address);"
    "CREATE TABLE tags ("
    "  resource_id TEXT NOT NULL,"
    "  tag TEXT NOT NULL,"
    "  PRIMARY KEY (resource_id, tag));"
    "CREATE INDEX tags_tag ON tags(tag);",

    /* 2: the built-in identity service.  Tokens are kept by hash only. */
    "CREATE TABLE identity_meta ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL);"
    "CREATE TABLE identity_projects ("
    "  id TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  description TEXT NOT NULL,"
    "  enabled INTEGER NOT NULL);"
    "CREATE TABLE identity_users ("
    "  id TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  password_hash TEXT,"
    "  default_project_id TEXT,"
    "  email TEXT,"
    "  description TEXT,"
    "  enabled INTEGER NOT NULL);"
    "CREATE TABLE identity_roles ("
    "  id TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  description TEXT);"
    "CREATE TABLE identity_assignments ("
    "  project_id TEXT NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  role_id TEXT NOT NULL,"
    "  PRIMARY KEY (project_id, user_id, role_id));"
    "CREATE INDEX identity_assignments_user ON identity_assignments(user_id, project_id);"
    "CREATE TABLE identity_tokens ("
    "  hash TEXT PRIMARY KEY,"
    "  user_id TEXT NOT NULL,"
    "  project_id TEXT NOT NULL,"
    "  methods TEXT NOT NULL,"
    "  audit_id TEXT NOT NULL,"
    "  parent_audit_id TEXT NOT NULL,"
    "  issued_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL);"
    "CREATE INDEX identity_tokens_user ON identity_tokens(user_id);"
    "CREATE INDEX identity_tokens_expiry ON identity_tokens(expires_at);",

    /* 3: agents, and the change feed they follow.  A change is written in the same
     * transaction as what it describes, so an agent that follows the feed from its
     * last sequence number misses nothing, across restarts of either side. */
    "CREATE TABLE agents ("
    "  id TEXT PRIMARY KEY,"
    "  agent_type TEXT NOT NULL,"
    "  \"binary\" TEXT NOT NULL,"
    "  topic TEXT NOT NULL,"
    "  host TEXT NOT NULL,"
    "  admin_state_up INTEGER NOT NULL,"
    "  description TEXT,"
    "  availability_zone TEXT,"
    "  configurations TEXT NOT NULL,"
    "  resource_versions TEXT,"
    "  created_at TEXT NOT NULL,"
    "  started_at TEXT NOT NULL,"
    "  heartbeat_timestamp TEXT NOT NULL,"
    "  heartbeat_at INTEGER NOT NULL,"
    "  UNIQUE (agent_type, host));"
    "CREATE TABLE changes ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  host TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  object_id TEXT NOT NULL,"
    "  network_id TEXT NOT NULL);"
    "CREATE INDEX changes_host ON changes(host, seq);"
    "CREATE INDEX ports_host ON ports(binding_host_id);",

    /* 4: DHCP agents: which agents host which networks, the provisioning blocks that
     * keep a port from going ACTIVE before every agent concerned is done with it, and
     * the audience of a change ('' = every agent, 'l2' = linux-bridge agents, 'dhcp' =
     * DHCP agents), so that an agent is woken only by what concerns it. */
    "CREATE TABLE network_dhcp_agents ("
    "  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,"
    "  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (network_id, agent_id));"
    "CREATE INDEX network_dhcp_agents_agent ON network_dhcp_agents(agent_id);"
    "CREATE TABLE provisioning_blocks ("
    "  port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,"
    "  entity TEXT NOT NULL,"
    "  PRIMARY KEY (port_id, entity));"
    "CREATE INDEX ports_network ON ports(network_id);"
    "ALTER TABLE changes ADD COLUMN audience TEXT NOT NULL DEFAULT '';",

    /* 5: the built-in identity's failed logins per user (Keystone's failed_auth_count
     * and failed_auth_at), kept here so that every server sharing the database counts
     * the same failures towards a lock-out.  Only users who failed have a row. */
    "CREATE TABLE identity_login_failures ("
    "  user_id TEXT PRIMARY KEY REFERENCES identity_users(id) ON DELETE CASCADE,"
    "  failures INTEGER NOT NULL,"
    "  last_failure_at INTEGER NOT NULL);",
    /* 6: security groups and their rules.  default_security_group holds each
     * project's one default group: its primary key is what keeps two servers that
     * race to make it from making two.  A rule's seq orders a group's rules as they
     * were added and is shown as its standard_attr_id.  A rule whose remote group
     * goes, goes with it, as in Neutron.  port_security_group_bindings says which
     * groups a port uses; a group still bound cannot be deleted. */
    "CREATE TABLE security_groups ("
    "  id TEXT PRIMARY KEY,"
    "  project_id TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  stateful INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  revision_number INTEGER NOT NULL);"
    "CREATE INDEX security_groups_project ON security_groups(project_id);"
    "CREATE TABLE default_security_group ("
    "  project_id TEXT PRIMARY KEY,"
    "  security_group_id TEXT NOT NULL REFERENCES security_groups(id) ON DELETE CASCADE);"
    "CREATE INDEX default_security_group_group ON default_security_group(security_group_id);"
    "CREATE TABLE security_group_rules ("
    "  id TEXT PRIMARY KEY,"
    "  project_id TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  description TEXT,"
    "  security_group_id TEXT NOT NULL REFERENCES security_groups(id) ON DELETE CASCADE,"
    "  remote_group_id TEXT REFERENCES security_groups(id) ON DELETE CASCADE,"
    "  direction TEXT NOT NULL,"
    "  ethertype TEXT NOT NULL,"
    "  protocol TEXT,"
    "  port_range_min INTEGER,"
    "  port_range_max INTEGER,"
    "  remote_ip_prefix TEXT,"
    "  normalized_cidr TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  revision_number INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL UNIQUE);"
    "CREATE INDEX security_group_rules_group ON security_group_rules(security_group_id, seq);"
    "CREATE INDEX security_group_rules_remote ON security_group_rules(remote_group_id);"
    "CREATE INDEX security_group_rules_project ON security_group_rules(project_id);"
    "CREATE TABLE port_security_group_bindings ("
    "  port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,"
    "  security_group_id TEXT NOT NULL REFERENCES security_groups(id),"
    "  PRIMARY KEY (port_id, security_group_id));"
    "CREATE INDEX port_security_group_bindings_group"
    "  ON port_security_group_bindings(security_group_id);",
    /* 7: port security.  A network's port_security_enabled is what its new ports
     * inherit; a port's says whether its groups and address pairs apply.  Ports made
     * before keep it on, except the network's own (device_owner "network:..."), which
     * never have it.  A port's allowed address pairs keep the text the client gave
     * (Neutron shows them as given); the primary key is what refuses the same pair
     * twice on one port. */
    "ALTER TABLE networks ADD COLUMN port_security_enabled INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE ports ADD COLUMN port_security_enabled INTEGER NOT NULL DEFAULT 1;"
    "UPDATE ports SET port_security_enabled = 0 WHERE device_owner LIKE 'network:%';"
    "CREATE TABLE port_allowed_address_pairs ("
    "  port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,"
    "  mac_address TEXT NOT NULL,"
    "  ip_address TEXT NOT NULL,"
    "  PRIMARY KEY (port_id, mac_address, ip_address));",
    /* 8: routers.  A router's extra routes are JSON text ([{"destination", "nexthop"}],
     * in the order kept by the core).  router_ports says which ports a router owns (its
     * gateway and its interfaces): a port made a router's interface through the port
     * API alone is not one, as in Neutron.  The port's row going takes the link with
     * it; a router cannot go while a link names it. */
    "CREATE TABLE routers ("
    "  id TEXT PRIMARY KEY,"
    "  project_id TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  admin_state_up INTEGER NOT NULL,"
    "  status TEXT NOT NULL,"
    "  enable_snat INTEGER NOT NULL,"
    "  routes TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  revision_number INTEGER NOT NULL);"
    "CREATE INDEX routers_project ON routers(project_id);"
    "CREATE TABLE router_ports ("
    "  port_id TEXT PRIMARY KEY REFERENCES ports(id) ON DELETE CASCADE,"
    "  router_id TEXT NOT NULL REFERENCES routers(id),"
    "  port_type TEXT NOT NULL);"
    "CREATE INDEX router_ports_router ON router_ports(router_id, port_type);"
    /* Floating IPs: the address is held by a network:floatingip port on the external
     * network; an association names the internal port, its address and the router
     * that reaches it.  A port or router in use by one cannot go until the core has
     * let go of it. */
    "CREATE TABLE floatingips ("
    "  id TEXT PRIMARY KEY,"
    "  project_id TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  floating_network_id TEXT NOT NULL REFERENCES networks(id),"
    "  floating_port_id TEXT NOT NULL REFERENCES ports(id),"
    "  floating_ip_address TEXT NOT NULL,"
    "  fixed_port_id TEXT REFERENCES ports(id),"
    "  fixed_ip_address TEXT,"
    "  router_id TEXT REFERENCES routers(id),"
    "  status TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  revision_number INTEGER NOT NULL);"
    "CREATE INDEX floatingips_project ON floatingips(project_id);"
    "CREATE INDEX floatingips_fixed_port ON floatingips(fixed_port_id);"
    "CREATE INDEX floatingips_router ON floatingips(router_id);",
    /* 9: L3 agents: which agent hosts each router (Neutron's
     * routerl3agentbindings, legacy routers only).  The router's id is the primary key:
     * a router has at most one agent, so two servers scheduling it at once leave one
     * binding, the second insert finding the first. */
    "CREATE TABLE router_l3_agent_bindings ("
    "  router_id TEXT PRIMARY KEY REFERENCES routers(id) ON DELETE CASCADE,"
    "  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE);"
    "CREATE INDEX router_l3_agent_bindings_agent ON router_l3_agent_bindings(agent_id);",
    /* 10: RBAC policies (Neutron's networkrbacs, securitygrouprbacs, … in one table:
     * object_type says which).  The unique key is Neutron's: the same access cannot be
     * given twice.  The target index serves the visibility of lists (which objects a
     * project may see: target '*' or the project).  A network's "shared" and
     * "router:external" columns stay, kept in step with its policies by the store
     * (store_network_rbac_sync()).  Existing shared and external networks get the '*'
     * policies that now stand for those flags; their ids are the network's id with the
     * UUID version digit set to 8 (RFC 9562's custom UUIDs, which no random id has)
     * and the variant digit to 8 (shared) or 9 (external), so the migration needs no
     * random function, which the two engines spell differently. */
    "CREATE TABLE rbac_policies ("
    "  id TEXT PRIMARY KEY,"
    "  project_id TEXT NOT NULL,"
    "  object_type TEXT NOT NULL,"
    "  object_id TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  target_project TEXT NOT NULL,"
    "  UNIQUE (object_type, object_id, action, target_project));"
    "CREATE INDEX rbac_policies_target ON rbac_policies(target_project, object_type,"
    "  object_id, action);"
    "CREATE INDEX rbac_policies_project ON rbac_policies(project_id);"
    "INSERT INTO rbac_policies (id, project_id, object_type, object_id, action,"
    "  target_project)"
    "  SELECT substr(id, 1, 14) || '8' || substr(id, 16, 4) || '8' || substr(id, 21),"
    "  project_id, 'network', id, 'access_as_shared', '*' FROM networks WHERE shared = 1;"
    "INSERT INTO rbac_policies (id, project_id, object_type, object_id, action,"
    "  target_project)"
    "  SELECT substr(id, 1, 14) || '8' || substr(id, 16, 4) || '9' || substr(id, 21),"
    "  project_id, 'network', id, 'access_as_external', '*' FROM networks"
    "  WHERE router_external = 1;",
    /* 11: quotas: a project's limits that differ from the configured defaults (Neutron's
     * quotas table), one row per (project, resource); -1 is unlimited.  What a project
     * uses is counted from the resources' own tables, inside the creating write. */
    "CREATE TABLE quotas ("
    "  project_id TEXT NOT NULL,"
    "  resource TEXT NOT NULL,"
    "  quota_limit INTEGER NOT NULL,"
    "  PRIMARY KEY (project_id, resource));",
    /* 12: a port's Cyborg device profile and NUMA affinity policy
     * (port-device-profile, port-numa-affinity-policy); NULL: none. */
    "ALTER TABLE ports ADD COLUMN device_profile TEXT;"
    "ALTER TABLE ports ADD COLUMN numa_affinity_policy TEXT;",
    /* 13: a subnet's service types (subnet-service-types), a JSON
     * array of device owners in byte order; [] serves every port. */
    "ALTER TABLE subnets ADD COLUMN service_types TEXT NOT NULL DEFAULT '[]';",
    /* 14: HA routers (Neutron's l3-ha).  A router says whether it is HA and its VRRP id;
     * an HA router is hosted by several agents, so a binding is keyed by router and
     * agent, and carries the state the agent reported for it ('' for a legacy
     * router; the one-agent rule of legacy routers is kept by the insert, under the
     * write lock).  Each project has at most one HA network (the primary key), and the
     * VRRP ids in use on it are unique per network. */
    "ALTER TABLE routers ADD COLUMN ha INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE routers ADD COLUMN ha_vr_id INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE router_l3_agent_bindings_new ("
    "  router_id TEXT NOT NULL REFERENCES routers(id) ON DELETE CASCADE,"
    "  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,"
    "  ha_state TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (router_id, agent_id));"
    "INSERT INTO router_l3_agent_bindings_new (router_id, agent_id)"
    "  SELECT router_id, agent_id FROM router_l3_agent_bindings;"
    "DROP TABLE router_l3_agent_bindings;"
    "ALTER TABLE router_l3_agent_bindings_new RENAME TO router_l3_agent_bindings;"
    "CREATE INDEX router_l3_agent_bindings_agent ON router_l3_agent_bindings(agent_id);"
    "CREATE TABLE ha_router_networks ("
    "  project_id TEXT PRIMARY KEY,"
    "  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE);"
    "CREATE TABLE ha_router_vrid_allocations ("
    "  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,"
    "  vr_id INTEGER NOT NULL,"
    "  PRIMARY KEY (network_id, vr_id));",
    /* 15: subnet pools and address scopes: the pools subnets are cut from, each with its
     * merged prefixes (JSON text in address order), and the scopes pools join; a
     * subnet names its pool.  A pool's allocations are its subnets' CIDRs, read and
     * extended inside the writer's transaction (docs/behaviour/ipam.md §10). */
    "CREATE TABLE address_scopes ("
    "  id TEXT PRIMARY KEY,"
    "  project_id TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  ip_version INTEGER NOT NULL,"
    "  shared INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  revision_number INTEGER NOT NULL);"
    "CREATE INDEX address_scopes_project ON address_scopes(project_id);"
    "CREATE TABLE subnetpools ("
    "  id TEXT PRIMARY KEY,"
    "  project_id TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  ip_version INTEGER NOT NULL,"
    "  default_prefixlen INTEGER NOT NULL,"
    "  min_prefixlen INTEGER NOT NULL,"
    "  max_prefixlen INTEGER NOT NULL,"
    "  default_quota INTEGER,"
    "  shared INTEGER NOT NULL,"
    "  is_default INTEGER NOT NULL,"
    "  address_scope_id TEXT REFERENCES address_scopes(id),"
    "  prefixes TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  revision_number INTEGER NOT NULL);"
    "CREATE INDEX subnetpools_project ON subnetpools(project_id);"
    "CREATE INDEX subnetpools_scope ON subnetpools(address_scope_id);"
    /* No foreign key: the core refuses to delete a pool in use, in the same
     * transaction as the check (and a column with one could never be dropped again on
     * SQLite). */
    "ALTER TABLE subnets ADD COLUMN subnetpool_id TEXT;"
    "CREATE INDEX subnets_subnetpool ON subnets(subnetpool_id);",
    /* 16: address groups: named sets of CIDRs (normalized, one row each) that a
     * security group rule may name as its remote end instead of a prefix or a group
     * (docs/behaviour/api.md §5.4).  A rule's reference has no foreign key: the core
     * refuses to delete a group in use, in the transaction that checks it. */
    "CREATE TABLE address_groups ("
    "  id TEXT PRIMARY KEY,"
    "  project_id TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  revision_number INTEGER NOT NULL);"
    "CREATE INDEX address_groups_project ON address_groups(project_id);"
    "CREATE TABLE address_group_addresses ("
    "  address_group_id TEXT NOT NULL REFERENCES address_groups(id) ON DELETE CASCADE,"
    "  address TEXT NOT NULL,"
    "  position INTEGER NOT NULL,"
    "  PRIMARY KEY (address_group_id, address));"
    "ALTER TABLE security_group_rules ADD COLUMN remote_address_group_id TEXT;"
    "CREATE INDEX sg_rules_remote_address_group ON security_group_rules(remote_address_group_id);",
    /* 17: a router's availability zone hints (router_availability_zone): a JSON array
     * of zone names, sorted; routers made before have none. */
    "ALTER TABLE routers ADD COLUMN az_hints TEXT NOT NULL DEFAULT '[]';",
    /* 18: RBAC policies for subnet pools and address scopes: a shared pool or scope is
     * one with a '*' access_as_shared policy, as networks are (docs/behaviour/rbac.md),
     * so those shared so far get it, in their owner's name.  The ids are built as
     * migration 10's, with variant digit a (pools) and b (scopes). */
    "INSERT INTO rbac_policies (id, project_id, object_type, object_id, action,"
    "  target_project)"
    "  SELECT substr(id, 1, 14) || '8' || substr(id, 16, 4) || 'a' || substr(id, 21),"
    "  project_id, 'subnetpool', id, 'access_as_shared', '*' FROM subnetpools"
    "  WHERE shared = 1;"
    "INSERT INTO rbac_policies (id, project_id, object_type, object_id, action,"
    "  target_project)"
    "  SELECT substr(id, 1, 14) || '8' || substr(id, 16, 4) || 'b' || substr(id, 21),"
    "  project_id, 'address_scope', id, 'access_as_shared', '*' FROM address_scopes"
    "  WHERE shared = 1;",
    /* 19: extra_dhcp_opt: a port's extra DHCP options, one per (name, IP version). */
    "CREATE TABLE port_extra_dhcp_opts ("
    "  port_id TEXT NOT NULL REFERENCES ports(id),"
    "  opt_name TEXT NOT NULL,"
    "  opt_value TEXT NOT NULL,"
    "  ip_version INTEGER NOT NULL,"
    "  PRIMARY KEY (port_id, opt_name, ip_version));",
    /* 20: the flavors framework: flavors, service profiles and which profiles each
     * flavor has (docs/behaviour/api.md §17).  Neither belongs to a project; a
     * description and a profile's metainfo may be NULL (Zed shows null). */
    "CREATE TABLE flavors ("
    "  id TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  description TEXT,"
    "  service_type TEXT NOT NULL,"
    "  enabled INTEGER NOT NULL);"
    "CREATE TABLE service_profiles ("
    "  id TEXT PRIMARY KEY,"
    "  description TEXT,"
    "  driver TEXT NOT NULL,"
    "  enabled INTEGER NOT NULL,"
    "  metainfo TEXT);"
    "CREATE TABLE flavor_service_profiles ("
    "  flavor_id TEXT NOT NULL REFERENCES flavors(id) ON DELETE CASCADE,"
    "  service_profile_id TEXT NOT NULL REFERENCES service_profiles(id),"
    "  position INTEGER NOT NULL,"
    "  PRIMARY KEY (flavor_id, service_profile_id));"
    "CREATE INDEX flavor_service_profiles_profile"
    "  ON flavor_service_profiles(service_profile_id);",
    /* 21: multi-provider networks.  A network's first segment stays in its own row
     * (networks.network_type, ...), which every network has; the segments after it
     * are rows here, numbered from 1 in the order they were given.  So networks made
     * before need nothing moved, and single-segment networks (nearly all) are read as
     * before.  A port's binding names the segment it was bound to (its index; 0 for
     * the ports bound before, which could only be on the first). */
    "CREATE TABLE network_segments ("
    "  network_id TEXT NOT NULL REFERENCES networks(id),"
    "  segment_index INTEGER NOT NULL,"
    "  network_type TEXT NOT NULL,"
    "  physical_network TEXT,"
    "  segmentation_id INTEGER,"
    "  PRIMARY KEY (network_id, segment_index));"
    "ALTER TABLE ports ADD COLUMN binding_segment INTEGER NOT NULL DEFAULT 0;",
    /* 22: auto-allocated-topology: the default external network (is_default, kept
     * only while the network is external) and each project's allocated network and
     * router, one per project (the primary key is what makes racing requests agree). */
    "ALTER TABLE networks ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0;"
    "CREATE UNIQUE INDEX networks_one_default ON networks(is_default) WHERE is_default = 1;"
    "CREATE TABLE auto_allocated_topologies ("
    "  project_id TEXT PRIMARY KEY,"
    "  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,"
    "  router_id TEXT REFERENCES routers(id) ON DELETE SET NULL);",
};

const size_t schema_n_migrations = sizeof schema_migrations / sizeof schema_migrations[0];

const char schema_version_table[] =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";

/* SQLite's functions the store uses that PostgreSQL lacks under those names, each
 * giving the same text: json_quote and json_object are single expressions that
 * PostgreSQL inlines into the query; to_json quotes as SQLite does.  All are plain SQL
 * functions, which a role that owns only its database may create.  group_concat is
 * not here: the PostgreSQL backend writes it as string_agg (db_pg.c), since an
 * aggregate over string_agg's C functions (internal state) needs a superuser.
 * Databases made before that keep the aggregate they were given, unused. */
static const char pg_prelude[] =
    "CREATE OR REPLACE FUNCTION json_quote(text) RETURNS text LANGUAGE sql IMMUTABLE"
    "  AS $$ SELECT to_json($1)::text $$;"
    "CREATE OR REPLACE FUNCTION json_object(text, text, text, text) RETURNS text"
    "  LANGUAGE sql IMMUTABLE AS"
    "  $$ SELECT format('{%s:%s,%s:%s}', to_json($1), to_json($2), to_json($3),"
    "  to_json($4)) $$;"
    "CREATE OR REPLACE FUNCTION json_extract(text, text) RETURNS text"
    "  LANGUAGE sql IMMUTABLE AS"
    "  $$ SELECT ($1::json) #>> string_to_array(substr($2, 3), '.') $$;";

char *
schema_migration_pg(size_t v)
{
    const char *p = schema_migrations[v];
    struct buf out = BUF_INITIALIZER;
    char quote = 0;

    if (v == 0) {
        buf_add_str(&out, pg_prelude);
    }
    while (*p) {
        size_t len;

        if (quote || *p == '\'' || *p == '"') {
            quote = quote == *p ? 0 : quote ? quote : *p;
            buf_add_char(&out, *p++);
            continue;
        }
        if (!isalpha((unsigned char) *p) && *p != '_') {
            buf_add_char(&out, *p++);
            continue;
        }
        for (len = 0; isalnum((unsigned char) p[len]) || p[len] == '_'; len++) {
        }
        if (len == 7 && !strncmp(p, "INTEGER", 7)
            && !strncmp(p + 7, " PRIMARY KEY AUTOINCREMENT", 26)) {
            buf_add_str(&out, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
            len += 26;
        } else if (len == 7 && !strncmp(p, "INTEGER", 7)) {
            buf_add_str(&out, "BIGINT");
        } else if (len == 4 && !strncmp(p, "TEXT", 4)) {
            buf_add_str(&out, "TEXT COLLATE \"C\"");
        } else {
            buf_add(&out, p, len);
        }
        p += len;
    }
    return buf_steal(&out);
}
