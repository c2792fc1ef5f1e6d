/* The kernel's connection tracking table over ctnetlink (NETLINK_NETFILTER, subsystem
 * CTNETLINK), in process: a dump of the table's entries, each parsed into what a
 * firewall selects connections by (family, zone, protocol, original source and
 * destination), and the deletion of chosen entries, many per message batch.  This is
 * what the linux-bridge agent ends connections with when a security group rule or a
 * remote group's member goes, in place of running the `conntrack` program twice.
 *
 * The message work (building requests, walking answers, parsing entries) is pure and
 * bounded, for unit tests and the fuzzer; the socket part runs it against a namespace's
 * kernel.  An entry keeps its original tuple exactly as the kernel sent it, so a
 * deletion names it in the kernel's own terms whatever the protocol (ports, ICMP ids,
 * GRE keys) without this module knowing each protocol's attributes.  The reply tuple's
 * addresses are kept too: NAT shows there, and the L3 agent picks a floating IP's
 * connections by them. */
#ifndef NEUTRINO_CTNETLINK_H
#define NEUTRINO_CTNETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ip.h"

/* An original tuple (CTA_TUPLE_ORIG's payload) is about 50 bytes for IPv4 and 80 for
 * IPv6; one larger than this is not kept (the entry is skipped). */
#define CTNETLINK_TUPLE_MAX 192
/* Room for one deletion request: headers, the tuple, the zone and the id. */
#define CTNETLINK_DELETE_SIZE (CTNETLINK_TUPLE_MAX + 64)

/* One connection tracking entry, as selected and deleted by. */
struct ctnetlink_entry {
    int family;                 /* 4 or 6. */
    uint16_t zone;              /* Conntrack zone; 0 when the kernel gave none. */
    uint8_t proto;              /* IPPROTO_* of the original direction. */
    struct ip_addr src, dst;    /* Original direction's addresses. */
    bool has_reply;             /* The kernel gave the reply direction's tuple... */
    struct ip_addr reply_src, reply_dst; /* ...whose addresses (NAT shows here) are these. */
    bool has_id;                /* The kernel gave the entry's id (CTA_ID)... */
    uint32_t id;                /* ...so a deletion spares a new entry with the same tuple. */
    uint16_t tuple_size;        /* Bytes of 'tuple'. */
    uint8_t tuple[CTNETLINK_TUPLE_MAX]; /* CTA_TUPLE_ORIG's payload, as the kernel sent it. */
};

/* Pure message work.  Sizes are in bytes; requests are written into 'buf'. */

/* Writes a dump request for the entries of 'family' (4, 6, or 0 for all) with sequence
 * number 'seq'.  Returns its size, or 0 if 'size' is too small. */
size_t ctnetlink_dump_request(int family, uint32_t seq, void *buf, size_t size);

/* Writes a request to delete 'e' (by its original tuple, zone and id), asking for an
 * acknowledgement.  Returns its size, or 0 if 'size' is too small. */
size_t ctnetlink_delete_request(const struct ctnetlink_entry *e, uint32_t seq, void *buf,
                                size_t size);

/* Parses one conntrack message's payload (the nfgenmsg header and the attributes after
 * it, as in a dump's answer).  Returns 0, -EINVAL if it is malformed, lacks the
 * original tuple's addresses or protocol, or has a reply tuple without addresses,
 * -EAFNOSUPPORT for a family other than IPv4 and IPv6, -EMSGSIZE for a tuple over
 * CTNETLINK_TUPLE_MAX.  '*ret' is written only on success. */
int ctnetlink_entry_parse(const void *payload, size_t size, struct ctnetlink_entry *ret);

/* What a datagram from the kernel said about the exchange with sequence number 'seq'.
 * Called with each entry it carried (a dump's); 'aux' is the caller's. */
typedef void ctnetlink_entry_cb(const struct ctnetlink_entry *e, void *aux);

struct ctnetlink_reply {
    ctnetlink_entry_cb *cb;     /* Given each entry parsed (may be NULL). */
    void *aux;
    size_t n_entries;           /* Entries given to 'cb'. */
    size_t n_skipped;           /* Conntrack messages that could not be parsed. */
    size_t n_acks;              /* Acknowledgements (NLMSG_ERROR) seen... */
    size_t n_errors;            /* ...of which carried an error other than ENOENT... */
    size_t n_gone;              /* ...of which said ENOENT (the entry was already gone). */
    bool done;                  /* NLMSG_DONE seen: the dump is over... */
    int first_error;            /* The first error of an acknowledgement or of the dump's
                                 * end (negative errno), else 0. */
};

/* Walks the netlink messages of one datagram ('size' bytes), counting into 'r' those
 * whose sequence number is in [seq_first, seq_last]; others (answers to an earlier
 * exchange) are skipped.  Stops at the first message that does not fit.  Returns 0, or
 * -EINVAL if the datagram holds bytes that are not a whole message. */
int ctnetlink_reply_parse(const void *buf, size_t size, uint32_t seq_first, uint32_t seq_last,
                          struct ctnetlink_reply *r);

/* The socket. */
struct ctnetlink;

/* Opens a ctnetlink socket in network namespace 'netns_fd' (-1: the caller's).  Every
 * wait for the kernel is bounded by 'timeout_ms'.  Returns 0 or -errno. */
int ctnetlink_open(int netns_fd, int timeout_ms, struct ctnetlink **ret);
void ctnetlink_close(struct ctnetlink *c);

/* Dumps the table's entries of 'family' (4, 6, or 0 for all), calling 'cb' with each.
 * Returns 0 or -errno (-ETIMEDOUT if the kernel went quiet). */
int ctnetlink_dump(struct ctnetlink *c, int family, ctnetlink_entry_cb *cb, void *aux);

/* Deletes the 'n' entries 'e', many requests per message batch, reading every
 * acknowledgement.  An entry already gone (ENOENT) is not an error.  Stores in
 * '*ret_deleted' how many the kernel deleted.  Returns 0, or the first error (-errno)
 * after trying them all. */
int ctnetlink_delete(struct ctnetlink *c, const struct ctnetlink_entry *e, size_t n,
                     size_t *ret_deleted);

#endif
