/* Recording work for the agents: every write that an agent must act on appends a
 * change to the feed (agent_proto.h) inside the writer's transaction, so the change
 * commits, or vanishes, with the write.  Long-polls wake once it commits
 * (store_on_feed_commit()).  Who hears a change follows from its kind. */
#ifndef NEUTRINO_CORE_CHANGES_H
#define NEUTRINO_CORE_CHANGES_H

#include "agent_proto.h"

struct store_conn;

/* Tells the agents of 'host' ("" = every host) that 'object_id' (on 'network_id', or
 * "") changed.  Returns 0 or a negative errno. */
int changes_record(struct store_conn *c, const char *host, enum change_kind kind,
                   const char *object_id, const char *network_id);

/* Tells the DHCP agents hosting 'network_id' that 'object_id' changed (a DHCP-audience
 * kind).  Returns 0 or a negative errno. */
int changes_record_dhcp(struct store_conn *c, const char *network_id, enum change_kind kind,
                        const char *object_id);

/* Tells every host's linux-bridge agent that security group 'group_id' changed
 * (CHANGE_SG_RULES or CHANGE_SG_MEMBERS); an agent none of whose ports uses the group,
 * directly or as a remote group, ignores it.  Returns 0 or a negative errno. */
int changes_record_sg(struct store_conn *c, enum change_kind kind, const char *group_id);

/* CHANGE_SG_MEMBERS for each group in 'groups_json' (a JSON array of ids as the store
 * shows a port's groups; NULL or "[]": none).  Returns 0 or a negative errno. */
int changes_record_sg_members(struct store_conn *c, const char *groups_json);

#endif
