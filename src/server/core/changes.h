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

/* Tells the linux-bridge agents concerned that security group 'group_id' changed:
 * CHANGE_SG_MEMBERS goes to the hosts with a bound port whose groups' rules name the
 * group as remote group (they hold its members' addresses); CHANGE_SG_RULES also to the
 * hosts with a bound port in the group.  A host that gets a port in the group later
 * learns of it through the port's own change.  Called before a group's deletion, while
 * the rules naming it still exist.  Returns 0 or a negative errno. */
int changes_record_sg(struct store_conn *c, enum change_kind kind, const char *group_id);

/* CHANGE_SG_MEMBERS for each group in 'groups_json' (a JSON array of ids as the store
 * shows a port's groups; NULL or "[]": none).  Returns 0 or a negative errno. */
int changes_record_sg_members(struct store_conn *c, const char *groups_json);

#endif
