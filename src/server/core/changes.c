/* Recording changes for the agents; see changes.h. */
#include "changes.h"

#include <assert.h>

#include <jansson.h>

#include "store/store.h"

int
changes_record(struct store_conn *c, const char *host, enum change_kind kind,
               const char *object_id, const char *network_id)
{
    return store_change_add(c, host, agent_audience_name(change_kind_audience(kind)),
                            change_kind_name(kind), object_id, network_id);
}

int
changes_record_dhcp(struct store_conn *c, const char *network_id, enum change_kind kind,
                    const char *object_id)
{
    assert(change_kind_audience(kind) == AUDIENCE_DHCP);
    return store_change_add_dhcp(c, network_id, agent_audience_name(AUDIENCE_DHCP),
                                 change_kind_name(kind), object_id);
}

int
changes_record_sg(struct store_conn *c, enum change_kind kind, const char *group_id)
{
    assert(kind == CHANGE_SG_RULES || kind == CHANGE_SG_MEMBERS);
    return store_change_add_sg(c, group_id, kind == CHANGE_SG_RULES,
                               agent_audience_name(change_kind_audience(kind)),
                               change_kind_name(kind));
}

int
changes_record_sg_members(struct store_conn *c, const char *groups_json)
{
    json_t *ids = groups_json ? json_loads(groups_json, 0, NULL) : NULL;
    json_t *id;
    size_t i;
    int r = 0;

    json_array_foreach (ids, i, id) {
        if (!r && json_string_value(id)) {
            r = changes_record_sg(c, CHANGE_SG_MEMBERS, json_string_value(id));
        }
    }
    json_decref(ids);
    return r;
}
