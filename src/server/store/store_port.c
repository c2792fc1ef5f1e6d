/* SQLite backend, part 5: ports and tags. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "store_conn.h"
#include "util.h"

LOG_MODULE("store");

#define PORT_SELECT                                                                        \
    "SELECT " SQL_STD_COLUMNS("p") ", p.network_id, p.mac_address, p.admin_state_up,"      \
    " p.status, p.device_id, p.device_owner, p.binding_host_id, p.binding_vnic_type,"     \
    " p.binding_profile, p.binding_vif_type, p.binding_vif_details,"                       \
    " (SELECT "                                                                            \
    SQL_JSON_ARRAY("json_object('subnet_id', subnet_id, 'ip_address', ip_address)")       \
    "   FROM (SELECT a.subnet_id, a.ip_address FROM ip_allocations a"                      \
    "   WHERE a.port_id = p.id ORDER BY a.seq) x),"                                        \
    " p.port_security_enabled,"                                                            \
    " (SELECT " SQL_JSON_ARRAY("json_quote(security_group_id)")                            \
    "   FROM (SELECT b.security_group_id FROM port_security_group_bindings b"              \
    "   WHERE b.port_id = p.id ORDER BY b.security_group_id) x),"                          \
    " (SELECT "                                                                            \
    SQL_JSON_ARRAY("json_object('mac_address', mac_address, 'ip_address', ip_address)")   \
    "   FROM (SELECT e.mac_address, e.ip_address FROM port_allowed_address_pairs e"        \
    "   WHERE e.port_id = p.id ORDER BY e.mac_address, e.ip_address) x),"                  \
    " p.device_profile, p.numa_affinity_policy,"                                           \
    " (SELECT "                                                                            \
    SQL_JSON_ARRAY("'{\"opt_name\": ' || json_quote(opt_name) || ', \"opt_value\": '"      \
                   " || json_quote(opt_value) || ', \"ip_version\": ' || ip_version || '}'")  \
    "   FROM (SELECT d.opt_name, d.opt_value, d.ip_version FROM port_extra_dhcp_opts d"    \
    "   WHERE d.port_id = p.id ORDER BY d.opt_name, d.ip_version) x),"                     \
    " p.binding_segment"                                                                   \
    " FROM ports p"

static const struct field_column port_columns[] = {
    { SF_ID, "p.id" },
    { SF_NAME, "p.name" },
    { SF_PROJECT_ID, "p.project_id" },
    { SF_DESCRIPTION, "p.description" },
    { SF_REVISION_NUMBER, "p.revision_number" },
    { SF_NETWORK_ID, "p.network_id" },
    { SF_MAC_ADDRESS, "p.mac_address" },
    { SF_ADMIN_STATE_UP, "p.admin_state_up" },
    { SF_STATUS, "p.status" },
    { SF_DEVICE_ID, "p.device_id" },
    { SF_DEVICE_OWNER, "p.device_owner" },
    { SF_BINDING_HOST_ID, "p.binding_host_id" },
    { SF_FIXED_IP_ADDRESS, NULL },
    { SF_FIXED_IP_SUBNET_ID, NULL },
    { SF_FIXED_IP_ADDRESS_SUBSTR, NULL },
    { SF_PORT_SECURITY_GROUP, NULL },
};

static const struct resource_sql port_sql = {
    .select = PORT_SELECT,
    .table = "ports",
    .table_alias = "p",
    .visibility = "(p.project_id = ? OR EXISTS (SELECT 1 FROM networks n2"
                  " WHERE n2.id = p.network_id AND n2.project_id = ?))",
    .visibility_params = 2,
    .visibility_owned = "p.project_id = ?",
    .columns = port_columns,
    .n_columns = ARRAY_SIZE(port_columns),
};

static void
port_from_row(struct db_stmt *st, struct port *p, bool copy)
{
    memset(p, 0, sizeof *p);
    std_from_row(st, &p->std, copy);
    col_copy(st, STD_NCOLS, p->network_id, sizeof p->network_id);
    col_copy(st, STD_NCOLS + 1, p->mac_address, sizeof p->mac_address);
    p->admin_state_up = (int) db_col_int(st, STD_NCOLS + 2);
    col_copy(st, STD_NCOLS + 3, p->status, sizeof p->status);
    p->device_id = col_text(st, STD_NCOLS + 4, copy);
    p->device_owner = col_text(st, STD_NCOLS + 5, copy);
    p->binding_host_id = col_text(st, STD_NCOLS + 6, copy);
    p->binding_vnic_type = col_text(st, STD_NCOLS + 7, copy);
    p->binding_profile_json = col_text(st, STD_NCOLS + 8, copy);
    p->binding_vif_type = col_text(st, STD_NCOLS + 9, copy);
    p->binding_vif_details_json = col_text(st, STD_NCOLS + 10, copy);
    p->fixed_ips_json = col_text(st, STD_NCOLS + 11, copy);
    p->port_security_enabled = (int) db_col_int(st, STD_NCOLS + 12);
    p->security_groups_json = col_text(st, STD_NCOLS + 13, copy);
    p->address_pairs_json = col_text(st, STD_NCOLS + 14, copy);
    p->device_profile = col_text(st, STD_NCOLS + 15, copy);
    p->numa_affinity_policy = col_text(st, STD_NCOLS + 16, copy);
    p->extra_dhcp_opts_json = col_text(st, STD_NCOLS + 17, copy);
    p->binding_segment = (int) db_col_int(st, STD_NCOLS + 18);
}

static void
port_read(struct db_stmt *st, void *ret)
{
    port_from_row(st, ret, true);
}

struct port_walk {
    store_port_cb *cb;
    void *aux;
};

static int
port_row(struct db_stmt *st, void *aux)
{
    struct port_walk *w = aux;
    struct port p;

    port_from_row(st, &p, false);
    return w->cb(&p, w->aux);
}

int
store_port_foreach(struct store_conn *c, const struct list_query *q, store_port_cb *cb,
                   void *aux)
{
    struct port_walk w = { cb, aux };

    return list_run(c, &port_sql, q, port_row, &w);
}

/* The cached statement for 'sql' with what an insert and an update share bound:
 * conn_stmt_std(), then ?8 to ?21. */
static struct db_stmt *
port_stmt(struct store_conn *c, const char *sql, const struct port *p)
{
    const char *const texts[] = {
        p->status, p->device_id, p->device_owner, p->binding_host_id, p->binding_vnic_type,
        p->binding_profile_json, p->binding_vif_type, p->binding_vif_details_json,
    };
    struct db_stmt *st = conn_stmt_std(c, sql, &p->std);

    if (st) {
        db_bind_text(st, 8, p->mac_address);
        db_bind_int(st, 9, p->admin_state_up);
        bind_texts(st, 10, texts, ARRAY_SIZE(texts));
        db_bind_int(st, 18, p->port_security_enabled);
        db_bind_text(st, 19, p->device_profile);
        db_bind_text(st, 20, p->numa_affinity_policy);
        db_bind_int(st, 21, p->binding_segment);
    }
    return st;
}

int
store_port_insert(struct store_conn *c, const struct port *p)
{
    static const char sql[] =
        "INSERT INTO ports (" SQL_STD_INSERT_COLUMNS ", mac_address, admin_state_up, status,"
        " device_id, device_owner, binding_host_id, binding_vnic_type, binding_profile,"
        " binding_vif_type, binding_vif_details, port_security_enabled, device_profile,"
        " numa_affinity_policy, binding_segment, network_id)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING";
    struct db_stmt *st = port_stmt(c, sql, p);

    if (st) {
        db_bind_text(st, 22, p->network_id);
    }
    return conn_insert_stmt(c, st, "insert port");
}

int
store_port_update(struct store_conn *c, const struct port *p)
{
    static const char sql[] =
        "UPDATE ports SET " SQL_STD_UPDATE_SET ", mac_address = ?8, admin_state_up = ?9,"
        " status = ?10, device_id = ?11, device_owner = ?12, binding_host_id = ?13,"
        " binding_vnic_type = ?14, binding_profile = ?15, binding_vif_type = ?16,"
        " binding_vif_details = ?17, port_security_enabled = ?18, device_profile = ?19,"
        " numa_affinity_policy = ?20, binding_segment = ?21 WHERE id = ?1";

    return conn_exec_stmt(c, port_stmt(c, sql, p), "update port");
}

int
store_port_bump(struct store_conn *c, const char *id, const char *now)
{
    static const char sql[] =
        "UPDATE ports SET revision_number = revision_number + 1, updated_at = ? WHERE id = ?";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, now, id), "bump port");
}

int
store_port_delete(struct store_conn *c, const char *id)
{
    static const char allocs[] = "DELETE FROM ip_allocations WHERE port_id = ?";
    static const char tags[] = "DELETE FROM tags WHERE resource_id = ?";
    static const char groups[] = "DELETE FROM port_security_group_bindings WHERE port_id = ?";
    static const char pairs[] = "DELETE FROM port_allowed_address_pairs WHERE port_id = ?";
    static const char sql[] = "DELETE FROM ports WHERE id = ?";
    static const char dhcp_opts[] = "DELETE FROM port_extra_dhcp_opts WHERE port_id = ?";
    const char *const steps[] = { allocs, tags, groups, pairs, dhcp_opts };
    int r = 0;

    for (size_t i = 0; i < ARRAY_SIZE(steps) && !r; i++) {
        r = conn_exec_stmt(c, conn_stmt_text(c, steps[i], id), "delete port");
    }
    return r ? r : conn_exec_change(c, conn_stmt_text(c, sql, id), "delete port");
}

int
store_port_get(struct store_conn *c, const char *id, const char *visible_to, struct port *ret)
{
    static const char sql[] = PORT_SELECT " WHERE p.id = ?";
    static const char sql_vis[] =
        PORT_SELECT " WHERE p.id = ? AND (p.project_id = ?2 OR EXISTS (SELECT 1 FROM"
        " networks n2 WHERE n2.id = p.network_id AND n2.project_id = ?2))";
    struct db_stmt *st = visible_to ? conn_stmt_text2(c, sql_vis, id, visible_to)
                                    : conn_stmt_text(c, sql, id);

    return conn_read_row(c, st, port_read, ret, "get port");
}

int
store_mac_in_use(struct store_conn *c, const char *network_id, const char *mac, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM ports WHERE network_id = ? AND mac_address = ?)";

    return conn_one_bool(c, conn_stmt_text2(c, sql, network_id, mac), ret, "mac in use");
}

/* --- Security groups and address pairs of a port ---------------------------------- */

int
store_port_set_security_groups(struct store_conn *c, const char *port_id,
                               const char *const *sg_ids, size_t n)
{
    static const char clear[] = "DELETE FROM port_security_group_bindings WHERE port_id = ?";
    static const char add[] =
        "INSERT INTO port_security_group_bindings (port_id, security_group_id) VALUES (?, ?)";
    int r = conn_exec_stmt(c, conn_stmt_text(c, clear, port_id), "clear port groups");

    for (size_t i = 0; i < n && !r; i++) {
        r = conn_exec_stmt(c, conn_stmt_text2(c, add, port_id, sg_ids[i]), "bind port group");
    }
    return r;
}

int
store_port_set_address_pairs(struct store_conn *c, const char *port_id,
                             const struct address_pair *pairs, size_t n, size_t *ret_dup)
{
    static const char clear[] = "DELETE FROM port_allowed_address_pairs WHERE port_id = ?";
    static const char add[] =
        "INSERT INTO port_allowed_address_pairs (port_id, mac_address, ip_address)"
        " VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    int r = conn_exec_stmt(c, conn_stmt_text(c, clear, port_id), "clear address pairs");

    for (size_t i = 0; i < n && !r; i++) {
        const char *const values[] = { port_id, pairs[i].mac_address, pairs[i].ip_address };
        r = conn_insert_stmt(c, conn_stmt_texts(c, add, values, ARRAY_SIZE(values)),
                             "add address pair");
        if (r == -EEXIST) {
            *ret_dup = i;
        }
    }
    return r;
}

/* --- Extra DHCP options of a port ------------------------------------------------ */

/* The statement for 'sql' with ?1 the port, ?2 the option's name, ?3 its IP version and
 * ?4 its value. */
static struct db_stmt *
dhcp_opt_stmt(struct store_conn *c, const char *sql, const char *port_id,
              const struct extra_dhcp_opt *opt)
{
    struct db_stmt *st = conn_stmt_text2(c, sql, port_id, opt->name);

    if (st) {
        db_bind_int(st, 3, opt->ip_version);
        db_bind_text(st, 4, opt->value);
    }
    return st;
}

int
store_port_put_dhcp_opt(struct store_conn *c, const char *port_id,
                        const struct extra_dhcp_opt *opt, bool *ret_changed)
{
    /* An option already holding this value is no change (the port's revision stays). */
    static const char sql[] =
        "INSERT INTO port_extra_dhcp_opts (port_id, opt_name, ip_version, opt_value)"
        " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (port_id, opt_name, ip_version)"
        " DO UPDATE SET opt_value = excluded.opt_value"
        " WHERE port_extra_dhcp_opts.opt_value <> excluded.opt_value";
    int r = conn_exec_change(c, dhcp_opt_stmt(c, sql, port_id, opt), "put dhcp option");

    *ret_changed = !r;
    return r == -ENOENT ? 0 : r;
}

int
store_port_remove_dhcp_opt(struct store_conn *c, const char *port_id,
                           const struct extra_dhcp_opt *opt, bool *ret_changed)
{
    static const char sql[] =
        "DELETE FROM port_extra_dhcp_opts WHERE port_id = ?1 AND opt_name = ?2"
        " AND ip_version = ?3";
    struct db_stmt *st = conn_stmt_text2(c, sql, port_id, opt->name);
    int r;

    if (st) {
        db_bind_int(st, 3, opt->ip_version);
    }
    r = conn_exec_change(c, st, "remove dhcp option");
    *ret_changed = !r;
    return r == -ENOENT ? 0 : r;
}

/* --- Tags ----------------------------------------------------------------------- */

int
store_tags_get(struct store_conn *c, const char *resource_id, char **ret_json)
{
    static const char sql[] =
        "SELECT " SQL_JSON_ARRAY("json_quote(tag)")
        " FROM (SELECT tag FROM tags WHERE resource_id = ? ORDER BY tag) x";
    /* An aggregate gives one row; none is a failure, as in conn_one_int(). */
    int r = conn_read_row(c, conn_stmt_text(c, sql, resource_id), col_text_read, ret_json,
                          "get tags");

    return r == -ENOENT ? conn_error(c, DB_DONE, "get tags") : r;
}

int
store_tag_exists(struct store_conn *c, const char *resource_id, const char *tag, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM tags WHERE resource_id = ? AND tag = ?)";

    return conn_one_bool(c, conn_stmt_text2(c, sql, resource_id, tag), ret, "tag exists");
}

int
store_tag_add(struct store_conn *c, const char *resource_id, const char *tag)
{
    static const char sql[] =
        "INSERT INTO tags (resource_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, resource_id, tag), "add tag");
}

int
store_tag_remove(struct store_conn *c, const char *resource_id, const char *tag)
{
    static const char sql[] = "DELETE FROM tags WHERE resource_id = ? AND tag = ?";

    return conn_exec_change(c, conn_stmt_text2(c, sql, resource_id, tag), "remove tag");
}

int
store_tags_clear(struct store_conn *c, const char *resource_id)
{
    static const char sql[] = "DELETE FROM tags WHERE resource_id = ?";

    return conn_exec_stmt(c, conn_stmt_text(c, sql, resource_id), "clear tags");
}

/* --- What agents ask about ports ------------------------------------------------- */

int
store_port_by_prefix(struct store_conn *c, const char *prefix, struct port *ret)
{
    /* A range over the primary key: [prefix, prefix + U+007F). */
    static const char sql[] = PORT_SELECT " WHERE p.id >= ?1 AND p.id < ?2"
                                          " ORDER BY p.id LIMIT 1";
    struct db_stmt *st = conn_stmt(c, sql);
    char *upper;

    if (!st) {
        return -EIO;
    }
    if (!*prefix) {
        return -ENOENT;
    }
    upper = xasprintf("%s\x7f", prefix);
    db_bind_text(st, 1, prefix);
    db_bind_text_copy(st, 2, upper);
    free(upper);
    return conn_read_row(c, st, port_read, ret, "port by prefix");
}

int
store_ports_of_host(struct store_conn *c, const char *host, store_port_cb *cb, void *aux)
{
    static const char sql[] = PORT_SELECT " WHERE p.binding_host_id = ? ORDER BY p.id";
    struct port_walk w = { cb, aux };

    return conn_each_row(c, conn_stmt_text(c, sql, host), port_row, &w, "ports of host");
}

int
store_ports_of_network(struct store_conn *c, const char *network_id, store_port_cb *cb,
                       void *aux)
{
    static const char sql[] = PORT_SELECT " WHERE p.network_id = ? ORDER BY p.id";
    struct port_walk w = { cb, aux };

    return conn_each_row(c, conn_stmt_text(c, sql, network_id), port_row, &w,
                         "ports of network");
}

int
store_port_by_device(struct store_conn *c, const char *network_id, const char *device_id,
                     struct port *ret)
{
    static const char sql[] = PORT_SELECT " WHERE p.device_id = ? AND p.network_id = ?"
                                          " ORDER BY p.created_at, p.id LIMIT 1";

    return conn_read_row(c, conn_stmt_text2(c, sql, device_id, network_id), port_read, ret,
                         "port by device");
}
