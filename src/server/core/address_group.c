/* Address groups in the domain core; see address_group.h. */
#include "address_group.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "buf.h"
#include "changes.h"
#include "ip.h"
#include "store/store.h"
#include "util.h"

enum {
    MAX_ADDRESSES = 4096,       /* Per request (the body cap bounds it first). */
};

int
core_address_group_get(const struct op *op, const char *id, struct address_group *ret)
{
    int r = store_address_group_get_as(op->c, id, context_visible_to(op->caller),
                                       op->caller->project_id, ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_ADDRESS_GROUP_NOT_FOUND,
                                            "Address group %s could not be found.", id)
                            : core_internal(op, r);
    }
    return 0;
}

/* The group 'id' as the caller sees it, and the caller may do 'action' on it.  A
 * project the group is shared with may read it, not change it: Zed's update reads the
 * group without "shared" for its policy check, so the refusal is "not found" there,
 * while its member actions and delete see "shared" and answer 403. */
static int
group_for(const struct op *op, const char *id, enum policy_action action,
          struct address_group *ret)
{
    if (core_address_group_get(op, id, ret)) {
        return -1;
    }
    if (core_authorize(op, POLICY_ADDRESS_GROUP, action,
                       &(struct policy_target) {
                           .project_id = ret->std.project_id,
                           .shared = action != POLICY_UPDATE && ret->shared })) {
        address_group_done(ret);
        return -1;
    }
    return 0;
}

/* A set of normalized CIDRs in the order first given. */
struct cidr_list {
    char (*items)[CIDR_STRLEN];
    size_t n;
};

static bool
cidr_list_has(const struct cidr_list *l, const char *text)
{
    for (size_t i = 0; i < l->n; i++) {
        if (STREQ(l->items[i], text)) {
            return true;
        }
    }
    return false;
}

/* 'addresses' normalized (host bits cleared) into 'ret', each once; Zed's
 * AddrFormatError for one that is no address or CIDR. */
static int
normalize_addresses(const struct op *op, const char *const *addresses, size_t n,
                    struct cidr_list *ret)
{
    if (n > MAX_ADDRESSES) {
        return api_error_set(op->err, API_ERR_HTTP_BAD_REQUEST,
                             "At most %d addresses may be given at once.", MAX_ADDRESSES);
    }
    ret->items = xcalloc(n ? n : 1, sizeof *ret->items);
    ret->n = 0;
    for (size_t i = 0; i < n; i++) {
        struct cidr c;
        char text[CIDR_STRLEN];

        if (!addresses[i] || cidr_parse(addresses[i], &c)) {
            free(ret->items);
            ret->items = NULL;
            return api_error_set(op->err, API_ERR_ADDR_FORMAT_ERROR, "invalid IPNetwork %s",
                                 addresses[i] ? addresses[i] : "None");
        }
        cidr_normalize(&c);
        cidr_format(&c, text);
        if (!cidr_list_has(ret, text)) {
            memcpy(ret->items[ret->n++], text, CIDR_STRLEN);
        }
    }
    return 0;
}

/* The group's addresses now (its addresses_json) as a list. */
static void
current_addresses(const struct address_group *g, struct cidr_list *ret)
{
    json_t *list = g->addresses_json ? json_loads(g->addresses_json, 0, NULL) : NULL;
    json_t *v;
    size_t i;

    ret->items = xcalloc(json_array_size(list) + 1, sizeof *ret->items);
    ret->n = 0;
    json_array_foreach (list, i, v) {
        snprintf(ret->items[ret->n++], CIDR_STRLEN, "%s", json_string_value(v));
    }
    json_decref(list);
}

/* "['a', 'b']" of the items of 'l' that are ('in' true) or are not in 'current'. */
static bool
python_list_of(const struct cidr_list *l, const struct cidr_list *current, bool in,
               struct buf *out)
{
    bool any = false;

    buf_add_char(out, '[');
    for (size_t i = 0; i < l->n; i++) {
        if (cidr_list_has(current, l->items[i]) == in) {
            buf_printf(out, "%s'%s'", any ? ", " : "", l->items[i]);
            any = true;
        }
    }
    buf_add_char(out, ']');
    return any;
}

/* Tells the agents: every security group with a rule naming the group changes its
 * rules' remote addresses (CHANGE_SG_RULES reaches the hosts of its ports). */
static int
record_sg_change(const char *sg_id, void *aux)
{
    return changes_record_sg(aux, CHANGE_SG_RULES, sg_id);
}

static int
notify_rules(const struct op *op, const char *id)
{
    return store_address_group_sgs(op->c, id, record_sg_change, op->c);
}

/* Adds (or removes) every item of 'l' to (from) the group 'g', bumps its revision and
 * tells the agents.  0 or -errno. */
static int
apply_addresses(const struct op *op, struct address_group *g, const struct cidr_list *l,
                bool add)
{
    int r = 0;

    for (size_t i = 0; i < l->n && !r; i++) {
        r = add ? store_address_group_add_address(op->c, g->std.id, l->items[i])
                : store_address_group_remove_address(op->c, g->std.id, l->items[i]);
    }
    if (!r && l->n) {
        /* Zed revises the group once per address added or removed. */
        g->std.revision_number += (int64_t) l->n;
        time_iso8601_now(g->std.updated_at);
        r = store_address_group_update(op->c, g);
        r = r ? r : notify_rules(op, g->std.id);
    }
    return r;
}

/* Re-reads the group into 'g' after a change ("shared" as the caller sees it). */
static int
reread(const struct op *op, struct address_group *g)
{
    char id[ID_LEN];
    int r;

    snprintf(id, sizeof id, "%s", g->std.id);
    address_group_done(g);
    r = store_address_group_get_as(op->c, id, NULL, op->caller->project_id, g);
    return r ? core_internal(op, r) : 0;
}

static int
change_addresses(const struct op *op, const char *id, const char *const *addresses, size_t n,
                 bool add, struct address_group *ret)
{
    struct cidr_list asked = { 0 }, current = { 0 };
    struct buf listed = BUF_INITIALIZER;
    int r;

    if (group_for(op, id, add ? POLICY_ADD_ADDRESSES : POLICY_REMOVE_ADDRESSES, ret)) {
        return -1;
    }
    r = normalize_addresses(op, addresses, n, &asked);
    if (!r) {
        current_addresses(ret, &current);
        if (python_list_of(&asked, &current, add, &listed)) {
            r = add ? api_error_set(op->err, API_ERR_ADDRESSES_ALREADY_EXIST, "Addresses %s"
                                    " already exist in the address group %s.",
                                    (const char *) listed.data, id)
                    : api_error_set(op->err, API_ERR_ADDRESSES_NOT_FOUND, "Addresses %s not"
                                    " found in the address group %s.",
                                    (const char *) listed.data, id);
        }
    }
    if (!r) {
        r = apply_addresses(op, ret, &asked, add);
        r = r ? core_internal(op, r) : reread(op, ret);
    }
    free(asked.items);
    free(current.items);
    buf_done(&listed);
    if (r) {
        address_group_done(ret);
        return -1;
    }
    return 0;
}

int
core_address_group_add_addresses(const struct op *op, const char *id,
                                 const char *const *addresses, size_t n,
                                 struct address_group *ret)
{
    return change_addresses(op, id, addresses, n, true, ret);
}

int
core_address_group_remove_addresses(const struct op *op, const char *id,
                                    const char *const *addresses, size_t n,
                                    struct address_group *ret)
{
    return change_addresses(op, id, addresses, n, false, ret);
}

int
core_address_group_create(const struct op *op, const struct address_group_spec *spec,
                          struct address_group *ret)
{
    struct cidr_list asked = { 0 };
    struct address_group g;
    const char *owner;
    int r;

    if (core_owner(op, spec->project_id, &owner)
        || core_authorize(op, POLICY_ADDRESS_GROUP, POLICY_CREATE,
                          &(struct policy_target) { .project_id = owner })
        || normalize_addresses(op, spec->addresses, spec->n_addresses, &asked)) {
        return -1;
    }
    memset(&g, 0, sizeof g);
    uuid_new(g.std.id);
    g.std.project_id = xstrdup(owner);
    g.std.name = xstrdup(spec->name ? spec->name : "");
    g.std.description = xstrdup(spec->description ? spec->description : "");
    g.std.tags_json = xstrdup("[]");
    time_iso8601_now(g.std.created_at);
    memcpy(g.std.updated_at, g.std.created_at, sizeof g.std.updated_at);
    r = store_address_group_insert(op->c, &g);
    r = r ? r : apply_addresses(op, &g, &asked, true);
    free(asked.items);
    r = r ? core_internal(op, r) : reread(op, &g);
    if (r) {
        address_group_done(&g);
        return -1;
    }
    *ret = g;
    return 0;
}

int
core_address_group_update(const struct op *op, const char *id,
                          const struct address_group_spec *spec, int64_t expected_revision,
                          struct address_group *ret)
{
    int r;

    if (group_for(op, id, POLICY_UPDATE, ret)) {
        return -1;
    }
    r = core_check_revision(op, expected_revision, ret->std.revision_number);
    if (!r && (spec->name || spec->description)) {
        core_take_str(&ret->std.name, spec->name);
        core_take_str(&ret->std.description, spec->description);
        ret->std.revision_number++;
        time_iso8601_now(ret->std.updated_at);
        r = store_address_group_update(op->c, ret);
        r = r ? core_internal(op, r) : 0;
    }
    if (r) {
        address_group_done(ret);
        return -1;
    }
    return 0;
}

int
core_address_group_delete(const struct op *op, const char *id, int64_t expected_revision)
{
    struct address_group g;
    bool in_use = false;
    int r;

    /* Zed asks whether a rule names the group before it looks the group up. */
    r = store_address_group_in_use(op->c, id, &in_use);
    if (r) {
        return core_internal(op, r);
    }
    if (group_for(op, id, POLICY_DELETE, &g)) {
        return -1;
    }
    r = core_check_revision(op, expected_revision, g.std.revision_number);
    if (!r && in_use) {
        r = api_error_set(op->err, API_ERR_ADDRESS_GROUP_IN_USE, "Address group %s is in use"
                          " on one or more security group rules.", id);
    }
    if (!r) {
        r = store_address_group_delete(op->c, id);
        r = r ? core_internal(op, r) : 0;
    }
    address_group_done(&g);
    return r;
}

int
core_address_group_check_remote(const struct op *op, const char *id, const char *owner)
{
    struct address_group g;
    int r = store_address_group_get(op->c, id, op->caller->is_admin ? NULL : owner, &g);

    if (r) {
        return r == -ENOENT ? api_error_set(op->err, API_ERR_ADDRESS_GROUP_NOT_FOUND,
                                            "Address group %s could not be found.", id)
                            : core_internal(op, r);
    }
    address_group_done(&g);
    return 0;
}
