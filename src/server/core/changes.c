/* Recording changes for the agents; see changes.h. */
#include "changes.h"

#include <assert.h>

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
