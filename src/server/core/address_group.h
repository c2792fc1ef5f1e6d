/* Address groups in the domain core: create (with its first addresses), update (name,
 * description), delete (not while a security group rule names it), and the addresses
 * added or removed one request at a time, each normalized to its network (host bits
 * cleared).  A change of a group's addresses tells the agents applying the rules that
 * name it (CHANGE_SG_RULES of each such security group), so their firewalls follow in
 * the same batch of the feed.  See core.h for the calling convention. */
#ifndef NEUTRINO_CORE_ADDRESS_GROUP_H
#define NEUTRINO_CORE_ADDRESS_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* What a create sets or an update changes (NULL: not given). */
struct address_group_spec {
    const char *project_id;     /* Create only (NULL: the caller's). */
    const char *name;
    const char *description;
    const char *const *addresses;   /* Create only: checked CIDRs (n_addresses of them). */
    size_t n_addresses;
};

int core_address_group_get(const struct op *op, const char *id, struct address_group *ret);
int core_address_group_create(const struct op *op, const struct address_group_spec *spec,
                              struct address_group *ret);
int core_address_group_update(const struct op *op, const char *id,
                              const struct address_group_spec *spec,
                              int64_t expected_revision, struct address_group *ret);
int core_address_group_delete(const struct op *op, const char *id, int64_t expected_revision);
/* add_addresses / remove_addresses: 'addresses' as the client sent them (the API has
 * checked they are CIDRs); all or none are added (removed).  The group as it is after,
 * into 'ret'. */
int core_address_group_add_addresses(const struct op *op, const char *id,
                                     const char *const *addresses, size_t n,
                                     struct address_group *ret);
int core_address_group_remove_addresses(const struct op *op, const char *id,
                                        const char *const *addresses, size_t n,
                                        struct address_group *ret);
/* Whether the caller may name the group 'id' in a rule owned by 'owner' (Zed: the
 * group is one 'owner' can see; an admin may name any).  0, or -1 with
 * AddressGroupNotFound in op->err. */
int core_address_group_check_remote(const struct op *op, const char *id, const char *owner);

#endif
