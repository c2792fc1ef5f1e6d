/* Networks in the domain core; see network.h. */
#include "network.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "agent_proto.h"
#include "core/availability_zone.h"
#include "core/changes.h"
#include "core/rbac.h"
#include "core/security_group.h"
#include "core/quota.h"
#include "store/store.h"
#include "util.h"

bool
network_spec_empty(const struct network_spec *spec)
{
    const struct provider_request *p = &spec->provider;

    return !spec->project_id && !spec->name && !spec->description && !spec->has_admin_state_up
           && !spec->has_shared && !spec->has_external && !spec->has_mtu && !p->has_type
           && !spec->has_port_security
           && !p->has_physnet && !p->has_segid && !spec->az_hints_json;
}

/* Attributes only admins may set: on create when different from the default, on
 * update whenever given.  Checked in Neutron's order. */
static int
check_admin_attrs(const struct op *op, const struct network_spec *spec, bool create)
{
    const char *action = create ? "create_network" : "update_network";
    const struct provider_request *p = &spec->provider;
    const char *refused = NULL;

    if (op->caller->is_admin) {
        return 0;
    }
    if (spec->has_shared && (!create || spec->shared)) {
        refused = "shared";
    } else if (spec->has_external && (!create || spec->external)) {
        refused = "router:external";
    } else if (p->has_type) {
        refused = "provider:network_type";
    } else if (p->has_physnet) {
        refused = "provider:physical_network";
    } else if (p->has_segid) {
        refused = "provider:segmentation_id";
    } else if (spec->has_segments) {
        refused = "segments";
    } else if (spec->has_is_default && (!create || spec->is_default)) {
        refused = "is_default";
    }
    if (refused) {
        return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED,
                             "(rule:%s and rule:%s:%s) is disallowed by policy", action, action,
                             refused);
    }
    return 0;
}

/* Only one network is the default external network: refuses to make 'id' (NULL: a
 * new network) the default while another is (DefaultExternalNetworkExists). */
static int
check_default_free(const struct op *op, const char *id)
{
    char current[ID_LEN];
    int r = store_network_default_external(op->c, current);

    if (r == -ENOENT || (!r && id && STREQ(current, id))) {
        return 0;
    }
    if (r) {
        return core_internal(op, r);
    }
    return api_error_set(op->err, API_ERR_DEFAULT_EXTERNAL_NETWORK_EXISTS,
                         "A default external network already exists: %s.", current);
}

/* The MTU asked for on 'n''s segments (0: the largest), or MTU-too-big.  With several
 * segments, the largest every one of them carries. */
static int
choose_mtu(const struct op *op, const struct network *n, int64_t asked, int *ret)
{
    int max_mtu = ml2_max_mtu(op->app->ml2, &n->segment);

    for (size_t i = 1; i < network_n_segments(n); i++) {
        int mtu = ml2_max_mtu(op->app->ml2, network_segment_at(n, i));
        max_mtu = mtu < max_mtu ? mtu : max_mtu;
    }
    if (asked > max_mtu) {
        return api_error_invalid(op->err, "Requested MTU is too big, maximum is %d", max_mtu);
    }
    *ret = asked > 0 ? (int) asked : max_mtu;
    return 0;
}

static bool
provider_given(const struct provider_request *p)
{
    return p->has_type || p->has_physnet || p->has_segid;
}

/* Gives 'n' its segments: those 'spec' lists (multi-provider; [] is as if none were
 * given, as in ML2), else ML2's one segment (provider attributes or a tenant type). */
static int
create_segments(const struct op *op, const struct network_spec *spec, struct network *n)
{
    struct segment *segs;

    if (spec->has_segments && provider_given(&spec->provider)) {
        return api_error_set(op->err, API_ERR_SEGMENTS_WITH_PROVIDERS,
                             "Segments and provider values cannot both be set.");
    }
    if (!spec->has_segments || spec->n_segments == 0) {
        return ml2_segment_create(op->app->ml2, op->c, &spec->provider, n->external,
                                  n->std.id, &n->segment, op->err);
    }
    segs = xcalloc(spec->n_segments, sizeof *segs);
    if (ml2_segments_create(op->app->ml2, op->c, spec->segments, spec->n_segments, n->std.id,
                            segs, op->err)) {
        free(segs);
        return -1;
    }
    n->segment = segs[0];
    n->n_more_segments = spec->n_segments - 1;
    if (n->n_more_segments) {
        /* The rest of the array: what follows the first. */
        memmove(segs, segs + 1, n->n_more_segments * sizeof *segs);
        n->more_segments = segs;
    } else {
        free(segs);
    }
    return 0;
}

int
core_network_create(const struct op *op, const struct network_spec *spec,
                    struct network *ret)
{
    struct network n;
    const char *owner;
    int r;

    if (core_owner(op, spec->project_id, &owner) || check_admin_attrs(op, spec, true)
        || core_authorize(op, POLICY_NETWORK, POLICY_CREATE,
                          &(struct policy_target) { .project_id = owner })
        || quota_check(op, QUOTA_NETWORK, owner, 1)) {
        return -1;
    }
    /* As in Neutron, a project's first network makes its default security group (in
     * this transaction: a network that fails makes none). */
    if (core_security_group_ensure_for_caller(op, owner)) {
        return -1;
    }
    memset(&n, 0, sizeof n);
    uuid_new(n.std.id);
    n.admin_state_up = spec->has_admin_state_up ? spec->admin_state_up : true;
    strcpy(n.status, "ACTIVE");
    n.shared = spec->has_shared && spec->shared;
    n.external = spec->has_external && spec->external;
    n.port_security_enabled = spec->has_port_security ? spec->port_security : true;
    time_iso8601_now(n.std.created_at);
    memcpy(n.std.updated_at, n.std.created_at, sizeof n.std.updated_at);
    n.std.revision_number = 1;
    if (create_segments(op, spec, &n)
        || choose_mtu(op, &n, spec->has_mtu ? spec->mtu : 0, &n.mtu)
        /* After the segment, as in ML2: a zone is checked once the rest is valid. */
        || core_az_hints(op, AGENT_TYPE_DHCP, spec->az_hints_json, &n.az_hints_json)) {
        network_done(&n);
        return -1;
    }
    /* As Zed, which checks it last, just before the network is written. */
    if (spec->has_is_default && spec->is_default && check_default_free(op, NULL)) {
        network_done(&n);
        return -1;
    }
    n.is_default = spec->has_is_default && spec->is_default;
    n.is_default_asked = true;
    n.std.project_id = xstrdup(owner);
    n.std.name = xstrdup(spec->name ? spec->name : "");
    n.std.description = xstrdup(spec->description ? spec->description : "");
    r = store_network_insert(op->c, &n);
    if (!r) {
        r = store_network_segments_insert(op->c, n.std.id, n.more_segments,
                                          n.n_more_segments);
    }
    if (r) {
        network_done(&n);
        return core_internal(op, r);
    }
    /* "shared" and "router:external" are '*' policies (core/rbac.h). */
    if ((n.shared && core_rbac_network_flag(op, &n, RBAC_ACCESS_SHARED, true))
        || (n.external && core_rbac_network_flag(op, &n, RBAC_ACCESS_EXTERNAL, true))) {
        network_done(&n);
        return -1;
    }
    n.std.tags_json = xstrdup("[]");
    n.subnets_json = xstrdup("[]");
    *ret = n;
    return 0;
}

/* The network 'id' as the caller sees it, and the caller may do 'action' on it. */
static int
network_for(const struct op *op, const char *id, enum policy_action action,
            struct network *ret)
{
    int r = store_network_get_as(op->c, id, context_visible_to(op->caller),
                                 op->caller->project_id, ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_NETWORK_NOT_FOUND,
                                            "Network %s could not be found.", id)
                            : core_internal(op, r);
    }
    return core_authorize(op, POLICY_NETWORK, action, &(struct policy_target) {
                              .project_id = ret->std.project_id, .shared = ret->shared,
                              .external = ret->external });
}

int
core_network_get(const struct op *op, const char *id, struct network *ret)
{
    if (network_for(op, id, POLICY_GET, ret)) {
        network_done(ret);
        return -1;
    }
    return 0;
}

/* Applies 'spec' to 'n' in memory (and ML2's segment in the store). */
static int
apply_update(const struct op *op, const struct network_spec *spec, struct network *n)
{
    const struct provider_request *p = &spec->provider;
    int r;

    if (check_admin_attrs(op, spec, false)) {
        return -1;
    }
    /* Routers' gateways (and so floating IPs) need the network to stay external. */
    if (spec->has_external && n->external && !spec->external) {
        bool used;
        r = store_network_has_gateways(op->c, n->std.id, &used);
        if (r) {
            return core_internal(op, r);
        }
        if (used) {
            return api_error_set(op->err, API_ERR_EXTERNAL_NETWORK_IN_USE, "External network"
                                 " %s cannot be updated to be made non-external, since it has"
                                 " existing gateway ports.", n->std.id);
        }
    }
    if (spec->has_shared && !spec->shared) {
        /* 'n->shared' is the caller's view; what goes is the '*' policy, if any. */
        bool wildcard, used = false;
        r = store_rbac_exists(op->c, "network", n->std.id, RBAC_ACCESS_SHARED,
                              RBAC_ANY_PROJECT, &wildcard);
        if (!r && wildcard) {
            r = store_network_used_by_others(op->c, n->std.id, n->std.project_id, &used);
        }
        if (r) {
            return core_internal(op, r);
        }
        if (used) {
            return api_error_set(op->err, API_ERR_INVALID_SHARED_SETTING, "Unable to"
                                 " reconfigure sharing settings for network %s. Multiple"
                                 " tenants are using it.", n->std.name);
        }
    }
    if (provider_given(p) && n->n_more_segments) {
        return api_error_invalid(op->err, "Provider network attributes can be updated only"
                                 " in provider networks with a single segment.");
    }
    /* Ports are bound only once agents exist; none is bound yet. */
    if (provider_given(p)
        && ml2_segment_update(op->app->ml2, op->c, p, false, n->std.id, &n->segment,
                              op->err)) {
        return -1;
    }
    if (spec->has_mtu && choose_mtu(op, n, spec->mtu, &n->mtu)) {
        return -1;
    }
    core_take_str(&n->std.name, spec->name);
    core_take_str(&n->std.description, spec->description);
    if (spec->has_admin_state_up) {
        n->admin_state_up = spec->admin_state_up;
    }
    /* Only new ports inherit it; those there keep theirs, as in Neutron. */
    if (spec->has_port_security) {
        n->port_security_enabled = spec->port_security;
    }
    return 0;
}

/* Makes or removes the policies that "shared" and "router:external" stand for, and
 * reads the network back as the caller now sees it.  0, or -1 with 'op->err' set. */
static int
sharing_update(const struct op *op, const struct network_spec *spec, struct network *n)
{
    if ((spec->has_shared
         && core_rbac_network_flag(op, n, RBAC_ACCESS_SHARED, spec->shared))
        || (spec->has_external
            && core_rbac_network_flag(op, n, RBAC_ACCESS_EXTERNAL, spec->external))) {
        return -1;
    }
    if (spec->has_shared || spec->has_external) {
        struct network now;
        int r = store_network_get_as(op->c, n->std.id, NULL, op->caller->project_id, &now);
        if (r) {
            return core_internal(op, r);
        }
        network_done(n);
        *n = now;
    }
    return 0;
}

/* Applies is_default, once the network's other attributes (router:external among
 * them) are written: only an external network keeps it, and its revision does not
 * move, as in Zed.  The answer shows what was asked. */
static int
default_update(const struct op *op, const struct network_spec *spec, struct network *n)
{
    bool stored = n->external && spec->is_default;

    if (!spec->has_is_default) {
        return 0;
    }
    if (spec->is_default && check_default_free(op, n->std.id)) {
        return -1;
    }
    if (stored != (n->external && n->is_default)) {
        int r = store_network_set_default(op->c, n->std.id, stored);
        if (r) {
            return core_internal(op, r);
        }
    }
    n->is_default = spec->is_default;
    n->is_default_asked = true;
    return 0;
}

int
core_network_update(const struct op *op, const char *id, const struct network_spec *spec,
                    int64_t expected_revision, struct network *ret)
{
    int r = network_for(op, id, POLICY_UPDATE, ret)
            || apply_update(op, spec, ret)
            || core_check_revision(op, expected_revision, ret->std.revision_number);

    if (!r && !network_spec_empty(spec)) {
        ret->std.revision_number++;
        time_iso8601_now(ret->std.updated_at);
        int e = store_network_update(op->c, ret);
        /* Agents re-wire the network's ports (MTU, segment, admin state); the DHCP
         * agents hosting it look at it again (MTU option, admin state up or down). */
        if (!e) {
            e = changes_record(op->c, "", CHANGE_NETWORK_UPDATE, ret->std.id, ret->std.id);
        }
        if (!e) {
            e = changes_record_dhcp(op->c, ret->std.id, CHANGE_DHCP_NETWORK, ret->std.id);
        }
        r = e ? core_internal(op, e) : sharing_update(op, spec, ret);
    }
    r = r || default_update(op, spec, ret);
    if (r) {
        network_done(ret);
        return -1;
    }
    return 0;
}

/* Deletes a network's floating IPs, its service ports (DHCP, floating IPs') and every
 * subnet. Returns 0 or -errno. */
static int
delete_contents(struct store_conn *c, const char *network_id)
{
    char (*ports)[ID_LEN] = NULL;
    struct subnet *subnets = NULL;
    size_t n_ports = 0, n_subnets = 0;
    int r = store_floatingips_of_network_delete(c, network_id);

    r = r ? r : store_network_service_ports(c, network_id, &ports, &n_ports);

    for (size_t i = 0; i < n_ports && !r; i++) {
        r = store_port_delete(c, ports[i]);
    }
    free(ports);
    if (!r) {
        r = store_subnets_of_network(c, network_id, &subnets, &n_subnets);
    }
    for (size_t i = 0; i < n_subnets; i++) {
        if (!r) {
            r = store_subnet_delete(c, subnets[i].std.id);
        }
        subnet_done(&subnets[i]);
    }
    free(subnets);
    return r;
}

/* Refuses to delete a network that ports other than the server's own still use. */
static int
check_unused(const struct op *op, const struct network *n)
{
    struct buf ids = BUF_INITIALIZER;
    size_t n_blocking = 0;
    int r = store_network_blocking_ports(op->c, n->std.id, &ids, &n_blocking);

    if (r) {
        r = core_internal(op, r);
    } else if (n_blocking) {
        r = api_error_set(op->err, API_ERR_NETWORK_IN_USE, "Unable to complete operation on"
                          " network %s. There are one or more ports still in use on the"
                          " network, id for these ports is: %s.", n->std.id, buf_cstr(&ids));
    }
    buf_done(&ids);
    return r;
}

int
core_network_delete(const struct op *op, const char *id, int64_t expected_revision)
{
    struct network n;
    int r = network_for(op, id, POLICY_DELETE, &n)
            || check_unused(op, &n)
            || core_check_revision(op, expected_revision, n.std.revision_number);

    if (!r) {
        r = delete_contents(op->c, n.std.id);
        for (size_t i = 0; i < network_n_segments(&n) && !r; i++) {
            r = ml2_segment_release(op->app->ml2, op->c, network_segment_at(&n, i));
        }
        r = r ? r : store_network_delete(op->c, n.std.id);
        /* Every agent removes the network's bridge. */
        r = r ? r : changes_record(op->c, "", CHANGE_NETWORK_DELETE, n.std.id, n.std.id);
        r = r ? core_internal(op, r) : 0;
    }
    network_done(&n);
    return r ? -1 : 0;
}
