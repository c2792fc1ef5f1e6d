/* libFuzzer target: the ctnetlink parsers (src/lib/ctnetlink.c) on whatever a kernel
 * could send.  The input is read both as one datagram of netlink messages (a dump's
 * entries, acknowledgements, its end) and as one entry message's payload.  Whatever the
 * input: no crash, no read past it, no leak; and every entry parsed, turned into its
 * deletion request, parses back to the same entry (the deletion names exactly what the
 * kernel described). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctnetlink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
same_entry(const struct ctnetlink_entry *a, const struct ctnetlink_entry *b)
{
    return a->family == b->family && a->zone == b->zone && a->proto == b->proto
           && ip_equal(&a->src, &b->src) && ip_equal(&a->dst, &b->dst)
           && a->has_id == b->has_id && a->id == b->id && a->tuple_size == b->tuple_size
           && !memcmp(a->tuple, b->tuple, a->tuple_size);
}

static void
check_deletion(const struct ctnetlink_entry *e, void *aux)
{
    uint8_t buf[CTNETLINK_DELETE_SIZE];
    struct ctnetlink_entry back;
    size_t n = ctnetlink_delete_request(e, 1, buf, sizeof buf);

    (void) aux;
    if (e->tuple_size > CTNETLINK_TUPLE_MAX || e->family != (e->src.family)
        || e->src.family != e->dst.family) {
        abort();
    }
    /* The request's payload (after the 16-byte netlink header) is an entry's form. */
    if (n < 16 || ctnetlink_entry_parse(buf + 16, n - 16, &back) || !same_entry(e, &back)) {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ctnetlink_reply r = { .cb = check_deletion };
    struct ctnetlink_entry e;

    (void) ctnetlink_reply_parse(data, size, 0, UINT32_MAX, &r);
    if (r.n_acks < r.n_errors + r.n_gone) {
        abort();
    }
    if (ctnetlink_entry_parse(data, size, &e) == 0) {
        check_deletion(&e, NULL);
    }
    return 0;
}
