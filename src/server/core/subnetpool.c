/* Subnet pools in the domain core; see subnetpool.h.  The checks run in Zed's order
 * (its SubnetPoolReader, then the default pool, then the address scope), which decides
 * which of several errors a client sees. */
#include "subnetpool.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefixset.h"
#include "rbac.h"
#include "store/store.h"
#include "util.h"

/* --- Prefixes ---------------------------------------------------------------------- */

/* Adds the CIDR texts 'texts' (valid in form) to 'set' where they are of its family;
 * '*ret_mixed' tells whether one was of the other family. */
static void
add_texts(struct prefixset *set, const char *const *texts, size_t n, bool *ret_mixed)
{
    *ret_mixed = false;
    for (size_t i = 0; i < n; i++) {
        struct cidr c;
        if (cidr_parse(texts[i], &c)) {
            continue;
        }
        if (c.addr.family != set->family) {
            *ret_mixed = true;
            continue;
        }
        prefixset_add(set, &c);
    }
}

/* The family of the first of 'texts' (4 if none parses). */
static int
first_family(const char *const *texts, size_t n)
{
    struct cidr c;

    return n && !cidr_parse(texts[0], &c) ? c.addr.family : 4;
}

/* The pool's stored prefixes as a set. */
static int
pool_prefixes(const struct subnetpool *p, struct prefixset *ret)
{
    json_t *a = json_loads(p->prefixes_json ? p->prefixes_json : "[]", 0, NULL);
    const json_t *v;
    size_t i;

    prefixset_init(ret, p->ip_version);
    if (!json_is_array(a)) {
        json_decref(a);
        return -EIO;
    }
    json_array_foreach (a, i, v) {
        struct cidr c;
        if (!json_is_string(v) || cidr_parse(json_string_value(v), &c)) {
            json_decref(a);
            prefixset_done(ret);
            return -EIO;
        }
        prefixset_add(ret, &c);
    }
    json_decref(a);
    return 0;
}

/* A set as its stored form: the compacted CIDRs in address order. */
static char *
prefixes_to_json(const struct prefixset *set)
{
    struct cidr *cidrs;
    size_t n = prefixset_cidrs(set, &cidrs);
    json_t *a = json_array();
    char *text;

    for (size_t i = 0; i < n; i++) {
        char t[CIDR_STRLEN];
        cidr_format(&cidrs[i], t);
        json_array_append_new(a, json_string(t));
    }
    free(cidrs);
    text = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return text ? text : xstrdup("[]");
}

/* Collects the CIDRs the store lends into a prefix set. */
static int
add_cidr_text(const char *text, void *aux)
{
    struct prefixset *set = aux;
    struct cidr c;

    if (!cidr_parse(text, &c) && c.addr.family == set->family) {
        prefixset_add(set, &c);
    }
    return 0;
}

/* The CIDRs already cut from pool 'p' as a set. */
static int
pool_allocations(const struct op *op, const struct subnetpool *p, struct prefixset *ret)
{
    int r;

    prefixset_init(ret, p->ip_version);
    r = store_subnetpool_cidrs(op->c, p->std.id, NULL, add_cidr_text, ret);
    if (r) {
        prefixset_done(ret);
        return core_internal(op, r);
    }
    return 0;
}

/* --- Checks ------------------------------------------------------------------------ */

static int
bounds_error(const struct op *op, const char *type, int64_t len, const char *base_type,
             int64_t base_len)
{
    return api_error_set(op->err, API_ERR_ILLEGAL_SUBNETPOOL_PREFIX_BOUNDS,
                         "Illegal prefix bounds: %s=%lld, %s=%lld.", type, (long long) len,
                         base_type, (long long) base_len);
}

/* Zed's SubnetPoolHelper checks of the three prefix lengths. */
static int
check_bounds(const struct op *op, const struct subnetpool *p)
{
    int bits = ip_bits(p->ip_version);

    if (p->min_prefixlen > p->max_prefixlen) {
        return bounds_error(op, "min_prefixlen", p->min_prefixlen, "max_prefixlen",
                            p->max_prefixlen);
    }
    if (p->max_prefixlen > bits) {
        return bounds_error(op, "max_prefixlen", p->max_prefixlen, "ip_version_max", bits);
    }
    if (p->default_prefixlen < p->min_prefixlen) {
        return bounds_error(op, "default_prefixlen", p->default_prefixlen, "min_prefixlen",
                            p->min_prefixlen);
    }
    if (p->default_prefixlen > p->max_prefixlen) {
        return bounds_error(op, "default_prefixlen", p->default_prefixlen, "max_prefixlen",
                            p->max_prefixlen);
    }
    return 0;
}

/* One default pool per IP version. */
static int
check_default_free(const struct op *op, int ip_version)
{
    char id[ID_LEN];
    int r = store_subnetpool_default(op->c, ip_version, id);

    if (r == -ENOENT) {
        return 0;
    }
    if (r) {
        return core_internal(op, r);
    }
    return api_error_invalid(op->err, "A default subnetpool for this IP family has already"
                             " been set. Only one default may exist per IP family");
}

/* Attributes only admins may set: shared and is_default on create when true, is_default
 * on update whenever given. */
static int
check_admin_attrs(const struct op *op, const struct subnetpool_spec *spec, bool create)
{
    const char *action = create ? "create_subnetpool" : "update_subnetpool";
    const char *refused = NULL;

    if (op->caller->is_admin) {
        return 0;
    }
    if (spec->has_is_default && (!create || spec->is_default)) {
        refused = "is_default";
    } else if (create && spec->has_shared && spec->shared) {
        refused = "shared";
    }
    if (refused) {
        return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED,
                             "(rule:%s and rule:%s:%s) is disallowed by policy", action, action,
                             refused);
    }
    return 0;
}

struct affinity_walk {
    const struct op *op;
    const struct subnetpool *pool;
    bool violated;
};

/* Whether the network 'network_id' has a subnet of the pool's version from elsewhere. */
static int
network_affinity(const char *network_id, void *aux)
{
    struct affinity_walk *walk = aux;
    struct subnet *subnets = NULL;
    size_t n = 0;
    int r = store_subnets_of_network(walk->op->c, network_id, &subnets, &n);

    for (size_t i = 0; i < n; i++) {
        if (subnets[i].ip_version == walk->pool->ip_version
            && !STREQ(subnets[i].subnetpool_id, walk->pool->std.id)) {
            walk->violated = true;
        }
        subnet_done(&subnets[i]);
    }
    free(subnets);
    return r;
}

/* Re-scoping a pool must not leave a network with subnets of one version in two
 * scopes: every subnet of the version on the pool's networks must be the pool's. */
static int
check_network_affinity(const struct op *op, const struct subnetpool *pool)
{
    struct affinity_walk walk = { op, pool, false };
    int r = store_subnetpool_networks(op->c, pool->std.id, network_affinity, &walk);

    if (r) {
        return core_internal(op, r);
    }
    if (walk.violated) {
        return api_error_set(op->err, API_ERR_NETWORK_ADDRESS_SCOPE_AFFINITY,
                             "Subnets of the same address family hosted on the same network"
                             " must all participate in the same address scope.");
    }
    return 0;
}

struct overlap_walk {
    const struct subnetpool *pool;
    const struct prefixset *prefixes;
    bool overlaps;
};

static int
pool_overlap(const struct subnetpool *other, void *aux)
{
    struct overlap_walk *walk = aux;
    struct prefixset set;

    if (STREQ(other->std.id, walk->pool->std.id) || pool_prefixes(other, &set)) {
        return 0;
    }
    walk->overlaps = walk->overlaps || prefixset_intersects(&set, walk->prefixes);
    prefixset_done(&set);
    return 0;
}

/* Zed's checks of a pool's address scope: visible, of the pool's version, no network
 * left in two scopes, no prefix shared with another pool of the scope. */
static int
check_scope(const struct op *op, const struct subnetpool *pool, const struct prefixset *prefixes)
{
    struct overlap_walk walk = { pool, prefixes, false };
    struct address_scope scope;
    int r;

    if (!*pool->address_scope_id) {
        return 0;
    }
    r = store_address_scope_get(op->c, pool->address_scope_id, context_visible_to(op->caller),
                                &scope);
    if (r) {
        return r == -ENOENT ? api_error_set(op->err, API_ERR_ADDRESS_SCOPE_NOT_FOUND,
                                            "Address scope %s could not be found.",
                                            pool->address_scope_id)
                            : core_internal(op, r);
    }
    if (scope.ip_version != pool->ip_version) {
        r = api_error_set(op->err, API_ERR_ILLEGAL_SUBNETPOOL_IP_VERSION_ASSOCIATION,
                          "Illegal subnetpool association: subnetpool %s cannot associate with"
                          " address scope %s because subnetpool ip_version is not %d.",
                          pool->std.id, scope.std.id, scope.ip_version);
    }
    address_scope_done(&scope);
    if (r || check_network_affinity(op, pool)) {
        return -1;
    }
    r = store_subnetpools_of_scope(op->c, pool->address_scope_id, pool_overlap, &walk);
    if (r) {
        return core_internal(op, r);
    }
    if (walk.overlaps) {
        return api_error_set(op->err, API_ERR_ADDRESS_SCOPE_PREFIX_CONFLICT,
                             "Failed to associate address scope: subnetpools within an address"
                             " scope must have unique prefixes.");
    }
    return 0;
}

/* A pool in a scope of another project may be changed only by an admin. */
static int
check_update_allowed(const struct op *op, const struct subnetpool *pool)
{
    struct address_scope scope;
    int r;

    if (!*pool->address_scope_id || op->caller->is_admin) {
        return 0;
    }
    r = store_address_scope_get(op->c, pool->address_scope_id, NULL, &scope);
    if (r) {
        return r == -ENOENT ? 0 : core_internal(op, r);
    }
    if (!STREQ(scope.std.project_id, op->caller->project_id)) {
        r = api_error_set(op->err, API_ERR_ILLEGAL_SUBNETPOOL_UPDATE,
                          "Illegal subnetpool update : subnetpool %s cannot be updated when"
                          " associated with shared address scope %s.", pool->std.id,
                          pool->address_scope_id);
    }
    address_scope_done(&scope);
    return r;
}

/* The checks every write of a pool's settings ends with: bounds, the default, the
 * scope.  'was_default' is whether it was already the default. */
static int
check_pool(const struct op *op, const struct subnetpool *p, const struct prefixset *prefixes,
           bool was_default)
{
    return check_bounds(op, p) || (p->is_default && !was_default
                                   && check_default_free(op, p->ip_version))
           || check_scope(op, p, prefixes);
}

/* --- Read, create -------------------------------------------------------------------- */

int
core_subnetpool_get(const struct op *op, const char *id, struct subnetpool *ret)
{
    int r = store_subnetpool_get_as(op->c, id, context_visible_to(op->caller),
                                    op->caller->project_id, ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_SUBNETPOOL_NOT_FOUND,
                                            "Subnet pool %s could not be found.", id)
                            : core_internal(op, r);
    }
    return 0;
}

/* The pool 'id' as the caller sees it, and the caller may do 'action' on it. */
static int
pool_for(const struct op *op, const char *id, enum policy_action action, struct subnetpool *ret)
{
    if (core_subnetpool_get(op, id, ret)) {
        return -1;
    }
    if (core_authorize(op, POLICY_SUBNETPOOL, action, &(struct policy_target) {
                           .project_id = ret->std.project_id, .shared = ret->shared })) {
        subnetpool_done(ret);
        return -1;
    }
    return 0;
}

/* The prefixes of a new pool: not empty, of one family.  '*ret' is initialised on
 * success only. */
static int
create_prefixes(const struct op *op, const struct subnetpool_spec *spec, struct prefixset *ret)
{
    bool mixed;

    if (!spec->n_prefixes) {
        return api_error_set(op->err, API_ERR_EMPTY_SUBNETPOOL_PREFIX_LIST,
                             "Empty subnet pool prefix list.");
    }
    prefixset_init(ret, first_family(spec->prefixes, spec->n_prefixes));
    add_texts(ret, spec->prefixes, spec->n_prefixes, &mixed);
    if (mixed) {
        prefixset_done(ret);
        return api_error_set(op->err, API_ERR_PREFIX_VERSION_MISMATCH,
                             "Cannot mix IPv4 and IPv6 prefixes in a subnet pool.");
    }
    return 0;
}

static void
fill_new_pool(struct subnetpool *p, const struct subnetpool_spec *spec, const char *owner,
              int ip_version)
{
    memset(p, 0, sizeof *p);
    uuid_new(p->std.id);
    p->std.project_id = xstrdup(owner);
    p->std.name = xstrdup(spec->name ? spec->name : "");
    p->std.description = xstrdup(spec->description ? spec->description : "");
    p->std.tags_json = xstrdup("[]");
    time_iso8601_now(p->std.created_at);
    memcpy(p->std.updated_at, p->std.created_at, sizeof p->std.updated_at);
    p->ip_version = ip_version;
    p->min_prefixlen = spec->has_min_prefixlen ? spec->min_prefixlen : ip_version == 4 ? 8 : 64;
    p->max_prefixlen = spec->has_max_prefixlen ? spec->max_prefixlen : ip_bits(ip_version);
    p->default_prefixlen = spec->has_default_prefixlen ? spec->default_prefixlen
                                                       : p->min_prefixlen;
    p->default_quota = spec->has_default_quota ? spec->default_quota : SUBNETPOOL_QUOTA_NONE;
    p->shared = spec->has_shared && spec->shared;
    p->is_default = spec->has_is_default && spec->is_default;
    if (spec->address_scope_id) {
        snprintf(p->address_scope_id, sizeof p->address_scope_id, "%s",
                 spec->address_scope_id);
    }
}

int
core_subnetpool_create(const struct op *op, const struct subnetpool_spec *spec,
                       struct subnetpool *ret)
{
    struct prefixset prefixes;
    struct subnetpool p;
    const char *owner;
    int r;

    if (core_owner(op, spec->project_id, &owner)
        || core_authorize(op, POLICY_SUBNETPOOL, POLICY_CREATE,
                          &(struct policy_target) { .project_id = owner })
        || check_admin_attrs(op, spec, true) || create_prefixes(op, spec, &prefixes)) {
        return -1;
    }
    fill_new_pool(&p, spec, owner, prefixes.family);
    p.prefixes_json = prefixes_to_json(&prefixes);
    r = check_pool(op, &p, &prefixes, false);
    prefixset_done(&prefixes);
    if (!r) {
        r = store_subnetpool_insert(op->c, &p);
        r = r ? core_internal(op, r) : 0;
    }
    /* A shared pool is one with a '*' policy, which its owner gives. */
    if (!r && p.shared) {
        r = core_rbac_share_with_all(op, "subnetpool", p.std.id, p.std.project_id);
    }
    if (r) {
        subnetpool_done(&p);
        return -1;
    }
    *ret = p;
    return 0;
}

/* Zed writes the pool's "shared" back on every update as the caller saw it, and so
 * shares with everyone a pool the caller saw as shared through a policy for its own
 * project (by a '*' policy in the caller's name). */
static int
rewrite_shared(const struct op *op, const struct subnetpool *p)
{
    bool wildcard = true;
    int r;

    if (!p->shared) {
        return 0;
    }
    r = store_rbac_exists(op->c, "subnetpool", p->std.id, RBAC_ACCESS_SHARED, RBAC_ANY_PROJECT,
                          &wildcard);
    if (r) {
        return core_internal(op, r);
    }
    return wildcard ? 0 : core_rbac_share_with_all(op, "subnetpool", p->std.id,
                                                   op->caller->project_id);
}

/* --- Update ------------------------------------------------------------------------ */

/* The prefixes after an update that gives 'texts': a superset of the old ones (Zed
 * only lets prefixes be removed through remove_prefixes), of one family. */
static int
updated_prefixes(const struct op *op, const struct subnetpool *p, const char *const *texts,
                 size_t n, struct prefixset *ret)
{
    struct prefixset old, new;
    bool mixed;

    if (pool_prefixes(p, &old)) {
        return core_internal(op, -EIO);
    }
    prefixset_init(&new, p->ip_version);
    add_texts(&new, texts, n, &mixed);
    if (!prefixset_contains(&new, &old)) {
        prefixset_done(&old);
        prefixset_done(&new);
        return api_error_set(op->err, API_ERR_ILLEGAL_SUBNETPOOL_PREFIX_UPDATE,
                             "Illegal update to prefixes: Existing prefixes must be a subset"
                             " of the new prefixes.");
    }
    prefixset_done(&old);
    if (mixed) {
        prefixset_done(&new);
        return api_error_set(op->err, API_ERR_PREFIX_VERSION_MISMATCH,
                             "Cannot mix IPv4 and IPv6 prefixes in a subnet pool.");
    }
    *ret = new;
    return 0;
}

static void
apply_spec(struct subnetpool *p, const struct subnetpool_spec *spec)
{
    core_take_str(&p->std.name, spec->name);
    core_take_str(&p->std.description, spec->description);
    if (spec->has_default_prefixlen) {
        p->default_prefixlen = spec->default_prefixlen;
    }
    if (spec->has_min_prefixlen) {
        p->min_prefixlen = spec->min_prefixlen;
    }
    if (spec->has_max_prefixlen) {
        p->max_prefixlen = spec->max_prefixlen;
    }
    if (spec->has_default_quota) {
        p->default_quota = spec->default_quota;
    }
    if (spec->has_is_default) {
        p->is_default = spec->is_default;
    }
    if (spec->has_address_scope_id) {
        snprintf(p->address_scope_id, sizeof p->address_scope_id, "%s",
                 spec->address_scope_id ? spec->address_scope_id : "");
    }
}

/* Applies 'spec' to 'p' (read in this transaction) with Zed's checks, and stores it. */
static int
update_pool(const struct op *op, struct subnetpool *p, const struct subnetpool_spec *spec)
{
    struct prefixset prefixes;
    bool was_default = p->is_default;
    int r;

    if (spec->has_prefixes) {
        r = updated_prefixes(op, p, spec->prefixes, spec->n_prefixes, &prefixes);
    } else {
        r = pool_prefixes(p, &prefixes) ? core_internal(op, -EIO) : 0;
    }
    if (r) {
        return -1;
    }
    r = check_update_allowed(op, p);
    apply_spec(p, spec);
    r = r ? r : check_pool(op, p, &prefixes, was_default);
    if (!r && spec->has_prefixes) {
        free(p->prefixes_json);
        p->prefixes_json = prefixes_to_json(&prefixes);
    }
    prefixset_done(&prefixes);
    /* Zed rewrites every attribute of the pool, its prefix rows too, on any update:
     * a new revision even when nothing changed. */
    if (!r) {
        p->std.revision_number++;
        time_iso8601_now(p->std.updated_at);
        r = store_subnetpool_update(op->c, p);
        r = r ? core_internal(op, r) : rewrite_shared(op, p);
    }
    return r;
}

/* update_pool() with the prefixes of 'all' (add_prefixes, onboarding: the pool's own
 * and the new ones, merged) as the pool's new prefixes. */
static int
update_pool_prefixes(const struct op *op, struct subnetpool *p, const struct prefixset *all)
{
    struct subnetpool_spec spec = { .has_prefixes = true };
    struct cidr *cidrs;
    size_t n_cidrs = prefixset_cidrs(all, &cidrs);
    const char **texts = xcalloc(n_cidrs + 1, sizeof *texts);
    int r;

    for (size_t i = 0; i < n_cidrs; i++) {
        char t[CIDR_STRLEN];
        cidr_format(&cidrs[i], t);
        texts[i] = xstrdup(t);
    }
    spec.prefixes = texts;
    spec.n_prefixes = n_cidrs;
    r = update_pool(op, p, &spec);
    for (size_t i = 0; i < n_cidrs; i++) {
        free((char *) texts[i]);
    }
    free(texts);
    free(cidrs);
    return r;
}

int
core_subnetpool_update(const struct op *op, const char *id,
                       const struct subnetpool_spec *spec, int64_t expected_revision,
                       struct subnetpool *ret)
{
    int r = pool_for(op, id, POLICY_UPDATE, ret);

    if (r) {
        return -1;
    }
    r = check_admin_attrs(op, spec, false)
        || core_check_revision(op, expected_revision, ret->std.revision_number)
        || update_pool(op, ret, spec);
    if (r) {
        subnetpool_done(ret);
        return -1;
    }
    ret->update_answer = true;
    ret->update_gave_scope = spec->has_address_scope_id;
    ret->update_gave_quota = spec->has_default_quota;
    return 0;
}

/* --- Delete -------------------------------------------------------------------------- */

int
core_subnetpool_delete(const struct op *op, const char *id, int64_t expected_revision)
{
    struct subnetpool p;
    bool in_use = false;
    int r = pool_for(op, id, POLICY_DELETE, &p);

    if (r) {
        return -1;
    }
    r = core_check_revision(op, expected_revision, p.std.revision_number);
    if (!r) {
        r = store_subnetpool_in_use(op->c, id, &in_use);
        r = r ? core_internal(op, r) : 0;
    }
    if (!r && in_use) {
        r = api_error_set(op->err, API_ERR_SUBNETPOOL_DELETE_ERROR, "Unable to delete subnet"
                          " pool: Subnet pool has existing allocations.");
    }
    if (!r) {
        r = store_subnetpool_delete(op->c, id);
        r = r ? core_internal(op, r) : 0;
    }
    subnetpool_done(&p);
    return r;
}

/* --- Adding and removing prefixes ---------------------------------------------------- */

/* Parses the prefixes of an add or remove request as netaddr would (a bare address is
 * a full-length prefix), into 'set' (of the pool's family; others are noted in
 * '*ret_mixed'). */
static int
parse_given(const struct op *op, const char *const *texts, size_t n, struct prefixset *set,
            bool *ret_mixed)
{
    *ret_mixed = false;
    for (size_t i = 0; i < n; i++) {
        struct cidr c;
        if (!texts[i] || cidr_parse(texts[i], &c)) {
            return api_error_set(op->err, API_ERR_ADDR_FORMAT_ERROR, "invalid IPNetwork %s",
                                 texts[i] ? texts[i] : "None");
        }
        if (c.addr.family != set->family) {
            *ret_mixed = true;
        } else {
            prefixset_add(set, &c);
        }
    }
    return 0;
}

static int
invalid_body(const struct op *op)
{
    return api_error_set(op->err, API_ERR_HTTP_BAD_REQUEST, "Request body contains invalid data");
}

int
core_subnetpool_add_prefixes(const struct op *op, const char *id, const char *const *prefixes,
                             size_t n, struct subnetpool *ret)
{
    struct prefixset given, all;
    bool mixed;
    int r;

    if (pool_for(op, id, POLICY_ADD_PREFIXES, ret)) {
        return -1;
    }
    prefixset_init(&given, ret->ip_version);
    r = !prefixes || !n ? invalid_body(op) : parse_given(op, prefixes, n, &given, &mixed);
    if (!r && mixed) {
        r = api_error_set(op->err, API_ERR_PREFIX_VERSION_MISMATCH,
                          "Cannot mix IPv4 and IPv6 prefixes in a subnet pool.");
    }
    if (!r && pool_prefixes(ret, &all)) {
        r = core_internal(op, -EIO);
    } else if (!r) {
        prefixset_union(&all, &given);
        r = update_pool_prefixes(op, ret, &all);
        prefixset_done(&all);
    }
    prefixset_done(&given);
    if (r) {
        subnetpool_done(ret);
        return -1;
    }
    return 0;
}

int
core_subnetpool_remove_prefixes(const struct op *op, const char *id,
                                const char *const *prefixes, size_t n, struct subnetpool *ret)
{
    struct prefixset removal, all, used;
    bool mixed;
    int r;

    if (pool_for(op, id, POLICY_REMOVE_PREFIXES, ret)) {
        return -1;
    }
    prefixset_init(&removal, ret->ip_version);
    r = !prefixes || !n ? invalid_body(op) : parse_given(op, prefixes, n, &removal, &mixed);
    if (!r && pool_prefixes(ret, &all)) {
        r = core_internal(op, -EIO);
    } else if (!r) {
        /* Nothing of the pool named: nothing to do. */
        if (prefixset_intersects(&all, &removal) && !(r = pool_allocations(op, ret, &used))) {
            if (prefixset_intersects(&used, &removal)) {
                r = api_error_set(op->err, API_ERR_ILLEGAL_SUBNETPOOL_PREFIX_UPDATE,
                                  "Illegal update to prefixes: One or more the prefixes to be"
                                  " removed is in use by a subnet..");
            } else {
                /* Zed changes only the prefix rows here: the pool's revision and
                 * updated_at stay. */
                prefixset_subtract(&all, &removal);
                free(ret->prefixes_json);
                ret->prefixes_json = prefixes_to_json(&all);
                r = store_subnetpool_update(op->c, ret);
                r = r ? core_internal(op, r) : 0;
            }
            prefixset_done(&used);
        }
        prefixset_done(&all);
    }
    prefixset_done(&removal);
    if (r) {
        subnetpool_done(ret);
        return -1;
    }
    return 0;
}

/* --- Onboarding a network's subnets ------------------------------------------------- */

/* The network whose subnets are to be onboarded: given, visible to the caller, and
 * (unless the caller is an admin) the caller's own — Zed refuses another project's
 * network, shared or not, so that no one moves subnets of someone else into a pool. */
static int
onboard_network(const struct op *op, const char *network_id)
{
    struct network n;
    int r;

    if (!network_id) {
        return api_error_invalid(op->err, "network_id must be specified.");
    }
    r = store_network_get(op->c, network_id, context_visible_to(op->caller), &n);
    if (r) {
        return r == -ENOENT ? api_error_set(op->err, API_ERR_NETWORK_NOT_FOUND,
                                            "Network %s could not be found.", network_id)
                            : core_internal(op, r);
    }
    if (!op->caller->is_admin && !STREQ(n.std.project_id, op->caller->project_id)) {
        r = api_error_set(op->err, API_ERR_NOT_AUTHORIZED, "Not authorized.");
    }
    network_done(&n);
    return r;
}

/* Keeps the subnets of 'all' of version 'ip_version' at the front of the array (in
 * their order) and frees the others; returns how many were kept. */
static size_t
keep_version(struct subnet *all, size_t n, int ip_version)
{
    size_t kept = 0;

    for (size_t i = 0; i < n; i++) {
        if (all[i].ip_version == ip_version) {
            all[kept++] = all[i];
        } else {
            subnet_done(&all[i]);
        }
    }
    return kept;
}

/* Refuses (IllegalSubnetPoolUpdate) the first subnet whose CIDR overlaps what pool 'p'
 * has handed out — a subnet already in the pool included.  Adds each CIDR to
 * '*texts' (owned strings) for the pool's new prefixes. */
static int
check_onboarded(const struct op *op, const struct subnetpool *p, const struct subnet *subs,
                size_t n, const char **texts)
{
    struct prefixset used;
    int r = pool_allocations(op, p, &used);

    for (size_t i = 0; !r && i < n; i++) {
        struct prefixset one;
        struct cidr c;

        prefixset_init(&one, p->ip_version);
        if (!cidr_parse(subs[i].cidr, &c)) {
            prefixset_add(&one, &c);
        }
        if (prefixset_intersects(&one, &used)) {
            r = api_error_set(op->err, API_ERR_ILLEGAL_SUBNETPOOL_UPDATE, "Illegal subnetpool"
                              " update : Onboarding subnet %s: %s conflicts with allocated"
                              " prefixes in subnet pool %s.", subs[i].std.id, subs[i].cidr,
                              p->std.id);
        }
        texts[i] = subs[i].cidr;
        prefixset_done(&one);
    }
    prefixset_done(&used);
    return r;
}

/* The pool's prefixes with 'texts' added, through the checks of a pool update (Zed
 * calls its update_subnetpool), then every subnet named by the pool. */
static int
onboard_into(const struct op *op, struct subnetpool *p, const struct subnet *subs, size_t n,
             const char **texts)
{
    struct prefixset all;
    char now[TIMESTAMP_LEN];
    bool mixed;
    int r;

    if (pool_prefixes(p, &all)) {
        return core_internal(op, -EIO);
    }
    add_texts(&all, texts, n, &mixed);
    r = update_pool_prefixes(op, p, &all);
    prefixset_done(&all);
    time_iso8601_now(now);
    for (size_t i = 0; !r && i < n; i++) {
        int e = store_subnet_set_pool(op->c, subs[i].std.id, p->std.id, now);
        r = e ? core_internal(op, e) : 0;
    }
    return r;
}

int
core_subnetpool_onboard(const struct op *op, const char *id, const char *network_id,
                        struct onboarded_subnet **ret, size_t *ret_n)
{
    struct subnet *subs = NULL;
    const char **texts = NULL;
    struct subnetpool pool;
    size_t n = 0;
    int r;

    if (pool_for(op, id, POLICY_ONBOARD_SUBNETS, &pool)) {
        return -1;
    }
    r = onboard_network(op, network_id);
    if (!r) {
        int e = store_subnets_of_network(op->c, network_id, &subs, &n);
        r = e ? core_internal(op, e) : 0;
    }
    if (!r) {
        n = keep_version(subs, n, pool.ip_version);
        texts = xcalloc(n + 1, sizeof *texts);
        r = check_onboarded(op, &pool, subs, n, texts)
            || onboard_into(op, &pool, subs, n, texts);
    }
    if (!r) {
        *ret = xcalloc(n + 1, sizeof **ret);
        *ret_n = n;
        for (size_t i = 0; i < n; i++) {
            snprintf((*ret)[i].id, sizeof (*ret)[i].id, "%s", subs[i].std.id);
            snprintf((*ret)[i].cidr, sizeof (*ret)[i].cidr, "%s", subs[i].cidr);
        }
    }
    for (size_t i = 0; i < n; i++) {
        subnet_done(&subs[i]);
    }
    free(subs);
    free(texts);
    subnetpool_done(&pool);
    return r ? -1 : 0;
}

/* --- Allocation ------------------------------------------------------------------------ */

/* The default pool of 'ip_version' as the caller sees it. */
static int
default_pool(const struct op *op, int ip_version, struct subnetpool *ret)
{
    char id[ID_LEN];
    int r = store_subnetpool_default(op->c, ip_version, id);

    if (!r) {
        r = store_subnetpool_get(op->c, id, context_visible_to(op->caller), ret);
    }
    if (r == -ENOENT) {
        return api_error_set(op->err, API_ERR_BAD_REQUEST, "Bad subnets request: No default"
                             " subnetpool found for IPv%d.", ip_version);
    }
    return r ? core_internal(op, r) : 0;
}

/* 2 to the power 'e', as a double (Python's math.pow(2, e)). */
static double
pow2(int e)
{
    double v = 1.0;

    for (; e > 0; e--) {
        v *= 2.0;
    }
    for (; e < 0; e++) {
        v /= 2.0;
    }
    return v;
}

struct quota_walk {
    int unit;                   /* Quota units are /32s (IPv4) or /64s (IPv6). */
    double used;
};

static int
add_quota_use(const char *text, void *aux)
{
    struct quota_walk *walk = aux;
    struct cidr c;

    if (!cidr_parse(text, &c)) {
        walk->used += pow2(walk->unit - c.prefix);
    }
    return 0;
}

/* Zed's per-project quota of a pool, in units of /32 or /64.  Zed counts the subnets of
 * the pool's own project, whoever asks, and a quota of 0 is no quota. */
static int
check_quota(const struct op *op, const struct subnetpool *p, int prefixlen)
{
    struct quota_walk walk = { p->ip_version == 4 ? 32 : 64, 0 };
    int r;

    if (p->default_quota == SUBNETPOOL_QUOTA_NONE || p->default_quota == 0) {
        return 0;
    }
    r = store_subnetpool_cidrs(op->c, p->std.id, p->std.project_id, add_quota_use, &walk);
    if (r) {
        return core_internal(op, r);
    }
    if (walk.used + pow2(walk.unit - prefixlen) > (double) p->default_quota) {
        return api_error_set(op->err, API_ERR_SUBNETPOOL_QUOTA_EXCEEDED,
                             "Per-tenant subnet pool prefix quota exceeded.");
    }
    return 0;
}

/* The CIDR for the request: the first free prefix of its length, or the one asked for if
 * it lies in one free block. */
static int
choose_prefix(const struct op *op, const struct subnetpool *p, const struct cidr *want,
              int prefixlen, struct cidr *ret)
{
    struct prefixset free_space, used;
    int r;

    if (pool_prefixes(p, &free_space)) {
        return core_internal(op, -EIO);
    }
    if (pool_allocations(op, p, &used)) {
        prefixset_done(&free_space);
        return -1;
    }
    prefixset_subtract(&free_space, &used);
    prefixset_done(&used);
    if (!want) {
        r = prefixset_first_fit(&free_space, prefixlen, ret);
        if (r) {
            r = api_error_set(op->err, API_ERR_SUBNET_ALLOCATION, "Failed to allocate subnet:"
                              " Insufficient prefix space to allocate subnet size /%d.",
                              prefixlen);
        }
    } else if (prefixset_fits_one_cidr(&free_space, want)) {
        *ret = *want;
        r = 0;
    } else {
        r = api_error_set(op->err, API_ERR_SUBNET_ALLOCATION, "Failed to allocate subnet:"
                          " Cannot allocate requested subnet from the available set of"
                          " prefixes.");
    }
    prefixset_done(&free_space);
    return r;
}

/* The length of the request: the CIDR's, else the one asked for, else the pool's
 * default. */
static int64_t
request_prefixlen(const struct subnetpool_request *req, const struct subnetpool *p)
{
    if (req->cidr) {
        return req->cidr->prefix;
    }
    return req->prefixlen >= 0 ? req->prefixlen : p->default_prefixlen;
}

/* Zed's bounds on the length of a pool's subnet. */
static int
check_request_length(const struct op *op, const struct subnetpool *p, int64_t prefixlen)
{
    if (prefixlen > p->max_prefixlen) {
        return api_error_set(op->err, API_ERR_MAX_PREFIX_SUBNET_ALLOCATION, "Unable to"
                             " allocate subnet with prefix length %lld, maximum allowed"
                             " prefix is %lld.", (long long) prefixlen,
                             (long long) p->max_prefixlen);
    }
    if (prefixlen < p->min_prefixlen) {
        return api_error_set(op->err, API_ERR_MIN_PREFIX_SUBNET_ALLOCATION, "Unable to"
                             " allocate subnet with prefix length %lld, minimum allowed"
                             " prefix is %lld.", (long long) prefixlen,
                             (long long) p->min_prefixlen);
    }
    return 0;
}

int
core_subnetpool_allocate(const struct op *op, const struct subnetpool_request *req,
                         struct subnetpool *ret_pool, struct cidr *ret_cidr, bool *ret_any)
{
    struct subnetpool p;
    struct cidr want, got;
    bool specific = req->cidr || req->gateway;
    int64_t prefixlen;
    int r;

    r = req->subnetpool_id ? core_subnetpool_get(op, req->subnetpool_id, &p)
                           : default_pool(op, req->ip_version, &p);
    if (r) {
        return -1;
    }
    if (req->ip_version != p.ip_version) {
        r = api_error_set(op->err, API_ERR_BAD_REQUEST, "Bad subnets request: Cannot allocate"
                          " IPv%d subnet from IPv%d subnet pool.", req->ip_version,
                          p.ip_version);
        goto out;
    }
    prefixlen = request_prefixlen(req, &p);
    if (!specific && prefixlen > ip_bits(p.ip_version)) {
        /* Zed builds the request as a network of that length first. */
        r = api_error_set(op->err, API_ERR_ADDR_FORMAT_ERROR, "invalid IPNetwork %s/%lld",
                          p.ip_version == 4 ? "0.0.0.0" : "::", (long long) prefixlen);
        goto out;
    }
    /* A CIDR asked for, or the one of the length asked for around the gateway asked for
     * (Zed builds it before checking the pool's bounds). */
    if (req->cidr) {
        want = *req->cidr;
    } else if (req->gateway) {
        if (prefixlen > ip_bits(req->gateway->family)) {
            char text[IP_STRLEN];
            ip_format(req->gateway, text);
            r = api_error_set(op->err, API_ERR_ADDR_FORMAT_ERROR, "invalid IPNetwork %s/%lld",
                              text, (long long) prefixlen);
            goto out;
        }
        want = (struct cidr) { *req->gateway, (int) prefixlen };
        cidr_normalize(&want);
    }
    r = check_request_length(op, &p, prefixlen)
        || check_quota(op, &p, (int) prefixlen)
        || choose_prefix(op, &p, specific ? &want : NULL, (int) prefixlen, &got);
out:
    if (r) {
        subnetpool_done(&p);
        return -1;
    }
    *ret_pool = p;
    *ret_cidr = got;
    *ret_any = !specific;
    return 0;
}
