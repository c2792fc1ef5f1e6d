"""Takes a stopped server's database back to an older schema version, so that a test
can show what a migration does to data made before it: what each migration from 7 on
made is removed, newest first, and the version is set back.  Migrations 1-6 are the
base every such test starts from.  A migration added to src/server/store/schema.c
adds its undo here."""

from test_security_groups import run_sql

UNDO = {
    7: ["ALTER TABLE ports DROP COLUMN port_security_enabled",
        "ALTER TABLE networks DROP COLUMN port_security_enabled",
        "DROP TABLE port_allowed_address_pairs"],
    8: ["DROP TABLE floatingips", "DROP TABLE router_ports", "DROP TABLE routers"],
    9: ["DROP TABLE router_l3_agent_bindings"],
    10: ["DROP TABLE rbac_policies"],
    11: ["DROP TABLE quotas"],
    12: ["ALTER TABLE ports DROP COLUMN numa_affinity_policy",
         "ALTER TABLE ports DROP COLUMN device_profile"],
    13: ["ALTER TABLE subnets DROP COLUMN service_types"],
    # Run again, 14 rebuilds the bindings table from the one it finds.
    14: ["DROP TABLE ha_router_vrid_allocations", "DROP TABLE ha_router_networks",
         "ALTER TABLE routers DROP COLUMN ha_vr_id", "ALTER TABLE routers DROP COLUMN ha"],
    15: ["DROP INDEX subnets_subnetpool", "ALTER TABLE subnets DROP COLUMN subnetpool_id",
         "DROP TABLE subnetpools", "DROP TABLE address_scopes"],
    16: ["DROP INDEX sg_rules_remote_address_group",
         "ALTER TABLE security_group_rules DROP COLUMN remote_address_group_id",
         "DROP TABLE address_group_addresses", "DROP TABLE address_groups"],
    17: ["ALTER TABLE routers DROP COLUMN az_hints"],
    18: ["DELETE FROM rbac_policies WHERE object_type IN ('subnetpool', 'address_scope')"],
    19: ["DROP TABLE port_extra_dhcp_opts"],
    20: ["DROP TABLE flavor_service_profiles", "DROP TABLE service_profiles",
         "DROP TABLE flavors"],
    21: ["ALTER TABLE ports DROP COLUMN binding_segment", "DROP TABLE network_segments"],
    22: ["DROP TABLE auto_allocated_topologies", "DROP INDEX networks_one_default",
         "ALTER TABLE networks DROP COLUMN is_default"],
}


def rewind(srv, version):
    """Undoes every migration after 'version' (at least 6) in 'srv''s database."""
    assert version >= 6
    for v in sorted(UNDO, reverse=True):
        if v > version:
            for sql in UNDO[v]:
                run_sql(srv, sql)
    run_sql(srv, "UPDATE schema_version SET version = %d" % version)
