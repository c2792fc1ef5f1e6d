/* POST /agent/v1/security-groups: what a linux-bridge agent's firewall needs to know
 * of the security groups its ports use (agent_proto.h, AGENT_PATH_SECURITY_GROUPS).
 *
 * Neutron's security_group_info_for_devices in one answer: for each asked group that
 * exists, its statefulness and rules (as the API shows them inside a group), and for
 * every group those rules name as remote group, the addresses of its members (fixed
 * IPs and allowed address pairs' addresses) split by family, and likewise, under the
 * address group's id, the CIDRs of every address group the rules name as
 * remote_address_group_id (as Neutron merges them into sg_member_ips).  A group asked
 * for but
 * gone is left out: the agent then filters its ports with no rule from it.  All is
 * read in one transaction, so rules and members agree with each other. */
#include "agent_rpc.h"
#include "rpc_util.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "agent_proto.h"
#include "http/errors.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

enum {
    MAX_GROUPS = 4096,          /* Per request. */
};

/* Reads "host" and the list of group ids from 'body'. */
static int
group_ids(struct request *req, const json_t *body, const json_t **ret)
{
    const json_t *ids = json_object_get(body, AGENT_FIELD_IDS);
    const json_t *id;
    size_t i;

    if (!rpc_host_value(json_object_get(body, "host"))) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'host' is required.");
    }
    if (!json_is_array(ids) || json_array_size(ids) > MAX_GROUPS) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'%s' must be a list of at most %d"
                        " security group ids.", AGENT_FIELD_IDS, MAX_GROUPS);
    }
    json_array_foreach (ids, i, id) {
        if (!json_is_string(id) || json_string_length(id) >= ID_LEN) {
            return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Security group ids are strings"
                            " of at most %d characters.", ID_LEN - 1);
        }
    }
    *ret = ids;
    return 0;
}

/* Notes each rule's remote group in 'remotes' and its remote address group in
 * 'address_groups' (objects used as sets). */
static void
note_remote_groups(const json_t *rules, json_t *remotes, json_t *address_groups)
{
    const json_t *rule;
    size_t i;

    json_array_foreach (rules, i, rule) {
        const char *remote = json_string_value(json_object_get(rule, "remote_group_id"));
        const char *ag = json_string_value(json_object_get(rule, "remote_address_group_id"));
        if (remote && *remote) {
            json_object_set_new(remotes, remote, json_true());
        }
        if (ag && *ag) {
            json_object_set_new(address_groups, ag, json_true());
        }
    }
}

/* Adds group 'id' to 'groups' if it exists, and its remote groups to 'remotes'. */
static int
add_group(struct store_conn *c, const char *id, json_t *groups, json_t *remotes,
          json_t *address_groups)
{
    struct security_group g;
    json_t *rules;
    int r = store_sg_get(c, id, NULL, &g);

    if (r) {
        return r == -ENOENT ? 0 : r;
    }
    rules = g.rules_json ? json_loads(g.rules_json, 0, NULL) : NULL;
    if (!json_is_array(rules)) {
        json_decref(rules);
        rules = json_array();
    }
    note_remote_groups(rules, remotes, address_groups);
    json_object_set_new(groups, g.std.id, json_pack("{s:b,s:o}", "stateful", g.stateful,
                                                    "rules", rules));
    security_group_done(&g);
    return 0;
}

/* An address of a member: to "IPv6" if it has a colon, else "IPv4". */
static int
add_member(const char *address, void *aux)
{
    json_t *by_family = aux;

    json_array_append_new(json_object_get(by_family, strchr(address, ':') ? "IPv6" : "IPv4"),
                          json_string(address));
    return 0;
}

static int
add_members(struct store_conn *c, const json_t *remotes, json_t *members)
{
    const char *id;
    json_t *v;

    json_object_foreach ((json_t *) remotes, id, v) {
        json_t *by_family = json_pack("{s:[],s:[]}", "IPv4", "IPv6");
        int r = store_sg_member_addresses(c, id, add_member, by_family);
        if (r) {
            json_decref(by_family);
            return r;
        }
        json_object_set_new(members, id, by_family);
    }
    return 0;
}

/* The CIDRs of each address group in 'address_groups', by family, into 'members'. */
static int
add_address_group_members(struct store_conn *c, const json_t *address_groups,
                          json_t *members)
{
    const char *id;
    json_t *v;

    json_object_foreach ((json_t *) address_groups, id, v) {
        json_t *by_family = json_pack("{s:[],s:[]}", "IPv4", "IPv6");
        int r = store_address_group_addresses(c, id, 4, add_member, by_family);
        r = r ? r : store_address_group_addresses(c, id, 6, add_member, by_family);
        if (r) {
            json_decref(by_family);
            return r;
        }
        json_object_set_new(members, id, by_family);
    }
    return 0;
}

int
agent_rpc_security_groups(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    json_t *body, *groups, *remotes, *address_groups, *members, *id;
    const json_t *ids;
    size_t i;
    int r;

    (void) args;
    if (!c || rpc_check_caller(req) || !(body = rpc_object_body(req))) {
        return -1;
    }
    if (group_ids(req, body, &ids)) {
        json_decref(body);
        return -1;
    }
    groups = json_object();
    remotes = json_object();
    address_groups = json_object();
    members = json_object();
    r = store_begin(c);
    json_array_foreach (ids, i, id) {
        r = r ? r : add_group(c, json_string_value(id), groups, remotes, address_groups);
    }
    r = r ? r : add_members(c, remotes, members);
    r = r ? r : add_address_group_members(c, address_groups, members);
    r = store_end(c, r);
    json_decref(body);
    json_decref(remotes);
    json_decref(address_groups);
    if (r) {
        json_decref(groups);
        json_decref(members);
        return api_fail_internal(req, r);
    }
    rpc_reply(req, 200, json_pack("{s:o,s:o}", AGENT_FIELD_SG, groups, AGENT_FIELD_SG_MEMBER_IPS,
                                   members));
    return 0;
}
