/* Unit tests for the ctnetlink messages (src/lib/ctnetlink.h): the dump and deletion
 * requests byte by byte, entries parsed from messages shaped as the kernel sends them
 * (and one captured from a real kernel), a deletion naming its entry exactly as the
 * kernel described it, the acknowledgements and ends of an answer, and malformed input
 * refused without reading past its end. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "ctnetlink.h"
#include "util.h"

#define CT_NEW ((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW)

/* --- Writing messages as the kernel would ----------------------------------------- */

struct w {
    uint8_t b[1024];
    size_t len;
    size_t nest[8];             /* Offsets of open nested attributes. */
    int depth;
};

static void
w_bytes(struct w *w, const void *data, size_t size)
{
    assert_true(w->len + NLA_ALIGN(size) <= sizeof w->b);
    memcpy(w->b + w->len, data, size);
    memset(w->b + w->len + size, 0, NLA_ALIGN(size) - size);
    w->len += NLA_ALIGN(size);
}

static void
w_attr(struct w *w, uint16_t type, const void *data, size_t size)
{
    struct nlattr a = { .nla_len = (uint16_t) (NLA_HDRLEN + size), .nla_type = type };

    w_bytes(w, &a, sizeof a);
    w_bytes(w, data, size);
}

static void
w_nest(struct w *w, uint16_t type)
{
    struct nlattr a = { .nla_type = type | NLA_F_NESTED };

    w->nest[w->depth++] = w->len;
    w_bytes(w, &a, sizeof a);
}

static void
w_end(struct w *w)
{
    size_t at = w->nest[--w->depth];
    uint16_t len = (uint16_t) (w->len - at);

    memcpy(w->b + at, &len, sizeof len);
}

static void
w_msg_start(struct w *w, uint16_t type, uint32_t seq, uint8_t family)
{
    struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = NLM_F_MULTI, .nlmsg_seq = seq };
    struct nfgenmsg g = { .nfgen_family = family, .version = NFNETLINK_V0 };

    w->nest[w->depth++] = w->len;
    w_bytes(w, &h, sizeof h);
    w_bytes(w, &g, sizeof g);
}

static void
w_msg_end(struct w *w)
{
    size_t at = w->nest[--w->depth];
    uint32_t len = (uint32_t) (w->len - at);

    memcpy(w->b + at, &len, sizeof len);
}

/* A tuple: addresses (text), protocol and, for TCP/UDP, ports. */
static void
w_tuple(struct w *w, uint16_t type, const char *src, const char *dst, uint8_t proto,
        uint16_t sport, uint16_t dport)
{
    uint8_t a[16], b[16];
    int v6 = strchr(src, ':') != NULL;
    uint16_t sp = htons(sport), dp = htons(dport);

    assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, src, a), 1);
    assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, dst, b), 1);
    w_nest(w, type);
    w_nest(w, CTA_TUPLE_IP);
    w_attr(w, v6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC, a, v6 ? 16 : 4);
    w_attr(w, v6 ? CTA_IP_V6_DST : CTA_IP_V4_DST, b, v6 ? 16 : 4);
    w_end(w);
    w_nest(w, CTA_TUPLE_PROTO);
    w_attr(w, CTA_PROTO_NUM, &proto, 1);
    if (sport) {
        w_attr(w, CTA_PROTO_SRC_PORT, &sp, 2);
        w_attr(w, CTA_PROTO_DST_PORT, &dp, 2);
    }
    w_end(w);
    w_end(w);
}

/* A whole entry message as a dump carries it: both tuples (the reply's addresses
 * 'reply_src' and 'reply_dst', as NAT made them), status, zone, id, use. */
static void
w_nat_entry(struct w *w, uint32_t seq, const char *src, const char *dst, const char *reply_src,
            const char *reply_dst, uint8_t proto, uint16_t zone, uint32_t id)
{
    uint32_t status = htonl(0x18e), be_id = htonl(id), use = htonl(1);
    uint16_t be_zone = htons(zone);

    w_msg_start(w, CT_NEW, seq, strchr(src, ':') ? AF_INET6 : AF_INET);
    w_tuple(w, CTA_TUPLE_ORIG, src, dst, proto, 40000, 80);
    w_tuple(w, CTA_TUPLE_REPLY, reply_src, reply_dst, proto, 80, 40000);
    w_attr(w, CTA_STATUS, &status, 4);
    if (zone) {
        w_attr(w, CTA_ZONE, &be_zone, 2);
    }
    w_attr(w, CTA_ID, &be_id, 4);
    w_attr(w, CTA_USE, &use, 4);
    w_msg_end(w);
}

/* An entry without NAT: the reply tuple is the original one reversed. */
static void
w_entry(struct w *w, uint32_t seq, const char *src, const char *dst, uint8_t proto,
        uint16_t zone, uint32_t id)
{
    w_nat_entry(w, seq, src, dst, dst, src, proto, zone, id);
}

static void
w_ack(struct w *w, uint32_t seq, int error)
{
    struct nlmsghdr h = { .nlmsg_len = NLMSG_HDRLEN + sizeof(struct nlmsgerr),
                          .nlmsg_type = NLMSG_ERROR, .nlmsg_seq = seq };
    struct nlmsgerr e = { .error = error };

    w_bytes(w, &h, sizeof h);
    w_bytes(w, &e, sizeof e);
}

static void
w_done(struct w *w, uint32_t seq, int error)
{
    struct nlmsghdr h = { .nlmsg_len = NLMSG_HDRLEN + 4, .nlmsg_type = NLMSG_DONE,
                          .nlmsg_seq = seq, .nlmsg_flags = NLM_F_MULTI };

    w_bytes(w, &h, sizeof h);
    w_bytes(w, &error, sizeof error);
}

static struct ip_addr
addr(const char *text)
{
    struct ip_addr a;

    assert_int_equal(ip_parse(text, &a), 0);
    return a;
}

static void
assert_addr(const struct ip_addr *a, const char *text)
{
    char got[IP_STRLEN];

    ip_format(a, got);
    assert_string_equal(got, text);
}

/* --- Requests --------------------------------------------------------------------- */

static void
test_dump_request_asks_for_one_family_or_all(void **state)
{
    uint8_t buf[64];
    struct nlmsghdr h;
    struct nfgenmsg g;
    static const struct {
        int family;
        uint8_t af;
    } cases[] = { { 4, AF_INET }, { 6, AF_INET6 }, { 0, AF_UNSPEC } };

    (void) state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        size_t n = ctnetlink_dump_request(cases[i].family, 77, buf, sizeof buf);
        assert_int_equal(n, NLMSG_HDRLEN + sizeof g);
        memcpy(&h, buf, sizeof h);
        memcpy(&g, buf + NLMSG_HDRLEN, sizeof g);
        assert_int_equal(h.nlmsg_len, n);
        assert_int_equal(h.nlmsg_type, (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET);
        assert_int_equal(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
        assert_int_equal(h.nlmsg_seq, 77);
        assert_int_equal(g.nfgen_family, cases[i].af);
        assert_int_equal(g.version, NFNETLINK_V0);
    }
    assert_int_equal(ctnetlink_dump_request(4, 1, buf, NLMSG_HDRLEN + 3), 0);
}

/* A deletion carries the tuple the kernel gave, the zone and the id: parsed back as an
 * entry, it is the same entry. */
static void
test_deletion_names_the_entry_as_the_kernel_gave_it(void **state)
{
    struct w w = { .len = 0 };
    struct ctnetlink_entry e, back;
    uint8_t buf[CTNETLINK_DELETE_SIZE];
    struct nlmsghdr h;
    size_t n;

    (void) state;
    w_entry(&w, 5, "2001:db8::7", "2001:db8::12", 6, 4097, 0xdeadbeef);
    assert_int_equal(ctnetlink_entry_parse(w.b + NLMSG_HDRLEN, w.len - NLMSG_HDRLEN, &e), 0);
    n = ctnetlink_delete_request(&e, 9, buf, sizeof buf);
    assert_true(n > NLMSG_HDRLEN);
    memcpy(&h, buf, sizeof h);
    assert_int_equal(h.nlmsg_len, n);
    assert_int_equal(h.nlmsg_type, (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE);
    assert_int_equal(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    assert_int_equal(h.nlmsg_seq, 9);
    assert_int_equal(ctnetlink_entry_parse(buf + NLMSG_HDRLEN, n - NLMSG_HDRLEN, &back), 0);
    assert_int_equal(back.family, 6);
    assert_int_equal(back.zone, 4097);
    assert_true(back.has_id);
    assert_int_equal(back.id, 0xdeadbeef);
    assert_int_equal(back.tuple_size, e.tuple_size);
    assert_memory_equal(back.tuple, e.tuple, e.tuple_size);
    /* Zone and id in network order, right after the tuple. */
    const uint8_t *after = buf + NLMSG_HDRLEN + 4 + NLA_HDRLEN + e.tuple_size;
    static const uint8_t zone_id[] = { 6, 0, CTA_ZONE, 0, 0x10, 0x01, 0, 0,
                                       8, 0, CTA_ID, 0, 0xde, 0xad, 0xbe, 0xef };
    assert_memory_equal(after, zone_id, sizeof zone_id);
    assert_int_equal(n, NLMSG_HDRLEN + 4 + NLA_HDRLEN + e.tuple_size + sizeof zone_id);
}

/* Without a zone or an id, the deletion names neither (zone 0 is the kernel's default). */
static void
test_deletion_without_zone_or_id(void **state)
{
    struct ctnetlink_entry e = { .family = 4, .tuple_size = 8 }, back;
    uint8_t buf[CTNETLINK_DELETE_SIZE];
    size_t n;

    (void) state;
    n = ctnetlink_delete_request(&e, 1, buf, sizeof buf);
    assert_int_equal(n, NLMSG_HDRLEN + 4 + NLA_HDRLEN + 8);
    assert_int_equal(ctnetlink_delete_request(&e, 1, buf, n - 1), 0);
    /* (Its tuple of zeroes has no addresses: not an entry the kernel would send.) */
    assert_int_equal(ctnetlink_entry_parse(buf + NLMSG_HDRLEN, n - NLMSG_HDRLEN, &back),
                     -EINVAL);
}

/* --- Entries ---------------------------------------------------------------------- */

static void
test_entry_of_each_family(void **state)
{
    struct w w4 = { .len = 0 }, w6 = { .len = 0 };
    struct ctnetlink_entry e;

    (void) state;
    w_entry(&w4, 1, "10.10.0.30", "10.10.0.11", 6, 4097, 42);
    assert_int_equal(ctnetlink_entry_parse(w4.b + NLMSG_HDRLEN, w4.len - NLMSG_HDRLEN, &e), 0);
    assert_int_equal(e.family, 4);
    assert_int_equal(e.proto, 6);
    assert_int_equal(e.zone, 4097);
    assert_true(e.has_id);
    assert_int_equal(e.id, 42);
    assert_addr(&e.src, "10.10.0.30");
    assert_addr(&e.dst, "10.10.0.11");
    assert_true(e.tuple_size > 0 && e.tuple_size <= CTNETLINK_TUPLE_MAX);

    w_entry(&w6, 1, "2001:db8::7", "2001:db8::12", 58, 0, 7);
    assert_int_equal(ctnetlink_entry_parse(w6.b + NLMSG_HDRLEN, w6.len - NLMSG_HDRLEN, &e), 0);
    assert_int_equal(e.family, 6);
    assert_int_equal(e.proto, 58);
    assert_int_equal(e.zone, 0);
    assert_true(ip_equal(&e.src, &(struct ip_addr) { 6, addr("2001:db8::7").v }));
    assert_addr(&e.dst, "2001:db8::12");
    assert_true(e.has_reply);
    assert_addr(&e.reply_src, "2001:db8::12");
    assert_addr(&e.reply_dst, "2001:db8::7");
}

/* Translated connections show NAT in the reply tuple: one to a floating IP (DNAT: the
 * instance answers) and one of the instance's own (SNAT: answered to the floating IP). */
static void
test_reply_tuple_shows_the_translation(void **state)
{
    struct w in = { .len = 0 }, out = { .len = 0 };
    struct ctnetlink_entry e;

    (void) state;
    w_nat_entry(&in, 1, "198.51.100.7", "203.0.113.62", "10.10.0.11", "198.51.100.7", 6, 0, 3);
    assert_int_equal(ctnetlink_entry_parse(in.b + NLMSG_HDRLEN, in.len - NLMSG_HDRLEN, &e), 0);
    assert_addr(&e.dst, "203.0.113.62");
    assert_true(e.has_reply);
    assert_addr(&e.reply_src, "10.10.0.11");
    assert_addr(&e.reply_dst, "198.51.100.7");

    w_nat_entry(&out, 1, "10.10.0.11", "198.51.100.7", "198.51.100.7", "203.0.113.62", 17, 0, 4);
    assert_int_equal(ctnetlink_entry_parse(out.b + NLMSG_HDRLEN, out.len - NLMSG_HDRLEN, &e), 0);
    assert_addr(&e.src, "10.10.0.11");
    assert_addr(&e.reply_src, "198.51.100.7");
    assert_addr(&e.reply_dst, "203.0.113.62");
}

/* One IPv4 TCP entry in zone 4097, the payload of a dump's message exactly as a 6.18
 * kernel sent it (made with `conntrack -I -s 10.10.0.30 -d 10.10.0.11 -p tcp --sport 40000
 * --dport 80 -w 4097 ...` in a namespace): the nfgenmsg, then the original tuple (bytes
 * 4-56), the reply tuple (56-108), zone (108-116), status, mark, id (132-140), use,
 * timeout, protocol info, synproxy. */
static const uint8_t kernel_entry[] = {
    0x02, 0x00, 0x00, 0x00, 0x34, 0x00, 0x01, 0x80, 0x14, 0x00, 0x01, 0x80,
    0x08, 0x00, 0x01, 0x00, 0x0a, 0x0a, 0x00, 0x1e, 0x08, 0x00, 0x02, 0x00,
    0x0a, 0x0a, 0x00, 0x0b, 0x1c, 0x00, 0x02, 0x80, 0x05, 0x00, 0x01, 0x00,
    0x06, 0x00, 0x00, 0x00, 0x06, 0x00, 0x02, 0x00, 0x9c, 0x40, 0x00, 0x00,
    0x06, 0x00, 0x03, 0x00, 0x00, 0x50, 0x00, 0x00, 0x34, 0x00, 0x02, 0x80,
    0x14, 0x00, 0x01, 0x80, 0x08, 0x00, 0x01, 0x00, 0x0a, 0x0a, 0x00, 0x0b,
    0x08, 0x00, 0x02, 0x00, 0x0a, 0x0a, 0x00, 0x1e, 0x1c, 0x00, 0x02, 0x80,
    0x05, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x06, 0x00, 0x02, 0x00,
    0x00, 0x50, 0x00, 0x00, 0x06, 0x00, 0x03, 0x00, 0x9c, 0x40, 0x00, 0x00,
    0x06, 0x00, 0x12, 0x00, 0x10, 0x01, 0x00, 0x00, 0x08, 0x00, 0x03, 0x00,
    0x00, 0x00, 0x00, 0x0c, 0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x0c, 0x00, 0xc0, 0xdd, 0x13, 0x0c, 0x08, 0x00, 0x0b, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x63,
    0x30, 0x00, 0x04, 0x80, 0x2c, 0x00, 0x01, 0x80, 0x05, 0x00, 0x01, 0x00,
    0x03, 0x00, 0x00, 0x00, 0x05, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x04, 0x00,
    0x0a, 0x00, 0x00, 0x00, 0x06, 0x00, 0x05, 0x00, 0x0a, 0x00, 0x00, 0x00,
    0x1c, 0x00, 0x18, 0x80, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x03, 0x00,
    0x00, 0x00, 0x00, 0x00,
};

/* Where its attributes end: cut there, the entry still parses (with less).  The last
 * attribute may lack its padding, as for the kernel (114, 115: the zone's 6 bytes
 * without some of the 2 after them). */
static const size_t kernel_entry_ends[] = { 56,  108, 114, 115, 116, 124,
                                            132, 140, 148, 156, 204 };

static void
test_entry_as_the_kernel_sends_it(void **state)
{
    struct ctnetlink_entry e;

    (void) state;
    assert_int_equal(ctnetlink_entry_parse(kernel_entry, sizeof kernel_entry, &e), 0);
    assert_int_equal(e.family, 4);
    assert_int_equal(e.proto, 6);
    assert_int_equal(e.zone, 4097);
    assert_true(e.has_id);
    assert_int_equal(e.id, 0xc0dd130c);
    assert_addr(&e.src, "10.10.0.30");
    assert_addr(&e.dst, "10.10.0.11");
    assert_true(e.has_reply);
    assert_addr(&e.reply_src, "10.10.0.11");
    assert_addr(&e.reply_dst, "10.10.0.30");
    assert_int_equal(e.tuple_size, 0x34 - NLA_HDRLEN);
    assert_memory_equal(e.tuple, kernel_entry + 8, e.tuple_size);
}

static bool
is_entry_end(size_t cut)
{
    for (size_t i = 0; i < ARRAY_SIZE(kernel_entry_ends); i++) {
        if (kernel_entry_ends[i] == cut) {
            return true;
        }
    }
    return false;
}

/* Every cut of a real entry is refused (never read past) unless it falls between two
 * attributes after the original tuple; and lies about sizes are refused. */
static void
test_malformed_entries_are_refused(void **state)
{
    struct w w = { .len = 0 };
    struct ctnetlink_entry e = { .family = 99 };
    uint8_t copy[sizeof kernel_entry];

    (void) state;
    for (size_t cut = 0; cut < sizeof kernel_entry; cut++) {
        /* Heap copies of exactly 'cut' bytes: a sanitizer build sees any overread. */
        uint8_t *p = xmalloc(cut ? cut : 1);
        struct ctnetlink_entry got = { .family = 99 };
        memcpy(p, kernel_entry, cut);
        int r = ctnetlink_entry_parse(p, cut, &got);
        free(p);
        if ((r == 0) != is_entry_end(cut)) {
            fail_msg("cut at %zu: %d", cut, r);
        }
        assert_int_equal(got.family, r == 0 ? 4 : 99);     /* Untouched on failure. */
        assert_int_equal(got.zone, r == 0 && cut >= 114 ? 4097 : 0);
        assert_int_equal(got.has_id, r == 0 && cut >= 140);
        assert_int_equal(got.has_reply, r == 0 && cut >= 108);
    }

    memcpy(copy, kernel_entry, sizeof copy);
    copy[0] = AF_BRIDGE;
    assert_int_equal(ctnetlink_entry_parse(copy, sizeof copy, &e), -EAFNOSUPPORT);

    memcpy(copy, kernel_entry, sizeof copy);
    copy[4] = 0x02;                     /* CTA_TUPLE_ORIG shorter than its header */
    assert_int_equal(ctnetlink_entry_parse(copy, sizeof copy, &e), -EINVAL);

    memcpy(copy, kernel_entry, sizeof copy);
    copy[4] = 0xff;                     /* ...longer than the message */
    assert_int_equal(ctnetlink_entry_parse(copy, sizeof copy, &e), -EINVAL);

    memcpy(copy, kernel_entry, sizeof copy);
    copy[12] = 0x07;                    /* a 3-byte IPv4 source */
    assert_int_equal(ctnetlink_entry_parse(copy, sizeof copy, &e), -EINVAL);

    memcpy(copy, kernel_entry, sizeof copy);
    copy[34] = 0x09;                    /* CTA_PROTO_NUM renamed: no protocol */
    assert_int_equal(ctnetlink_entry_parse(copy, sizeof copy, &e), -EINVAL);

    memcpy(copy, kernel_entry, sizeof copy);
    copy[64] = 0x07;                    /* a 3-byte source in the reply tuple */
    assert_int_equal(ctnetlink_entry_parse(copy, sizeof copy, &e), -EINVAL);

    memcpy(copy, kernel_entry, sizeof copy);
    copy[108] = 0x07;                   /* a 3-byte zone */
    assert_int_equal(ctnetlink_entry_parse(copy, sizeof copy, &e), -EINVAL);

    memcpy(copy, kernel_entry, sizeof copy);
    copy[132] = 0x06;                   /* a 2-byte id */
    assert_int_equal(ctnetlink_entry_parse(copy, sizeof copy, &e), -EINVAL);
    assert_int_equal(e.family, 99);

    /* An IPv4 message carrying IPv6 addresses has no IPv4 ones. */
    w_entry(&w, 1, "2001:db8::7", "2001:db8::12", 6, 1, 1);
    w.b[NLMSG_HDRLEN] = AF_INET;
    assert_int_equal(ctnetlink_entry_parse(w.b + NLMSG_HDRLEN, w.len - NLMSG_HDRLEN, &e),
                     -EINVAL);
}

/* A tuple the entry cannot hold is refused, not cut. */
static void
test_oversized_tuple_is_refused(void **state)
{
    struct w w = { .len = 0 };
    struct ctnetlink_entry e;
    uint8_t pad[CTNETLINK_TUPLE_MAX] = { 0 };

    (void) state;
    w_msg_start(&w, CT_NEW, 1, AF_INET);
    w_nest(&w, CTA_TUPLE_ORIG);
    w_attr(&w, 15, pad, sizeof pad);     /* An attribute of a kind we do not know. */
    w_end(&w);
    w_msg_end(&w);
    assert_int_equal(ctnetlink_entry_parse(w.b + NLMSG_HDRLEN, w.len - NLMSG_HDRLEN, &e),
                     -EMSGSIZE);
}

/* --- Answers ---------------------------------------------------------------------- */

struct seen {
    int n;
    char last_src[IP_STRLEN];
};

static void
count_entry(const struct ctnetlink_entry *e, void *aux)
{
    struct seen *s = aux;

    s->n++;
    ip_format(&e->src, s->last_src);
}

/* A dump's datagram: entries of this exchange are given, an earlier exchange's skipped,
 * an unparsable one counted, the end noted. */
static void
test_dump_answer(void **state)
{
    struct w w = { .len = 0 };
    struct seen seen = { 0 };
    struct ctnetlink_reply r = { .cb = count_entry, .aux = &seen };

    (void) state;
    w_entry(&w, 10, "10.0.0.1", "10.0.0.2", 6, 4097, 1);
    w_entry(&w, 9, "10.0.0.3", "10.0.0.4", 6, 4097, 2);        /* earlier exchange */
    w_entry(&w, 10, "2001:db8::1", "2001:db8::2", 17, 4097, 3);
    w_msg_start(&w, CT_NEW, 10, AF_INET);                       /* no tuple */
    w_msg_end(&w);
    w_done(&w, 10, 0);
    assert_int_equal(ctnetlink_reply_parse(w.b, w.len, 10, 10, &r), 0);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.last_src, "2001:db8::1");
    assert_int_equal(r.n_entries, 2);
    assert_int_equal(r.n_skipped, 1);
    assert_true(r.done);
    assert_int_equal(r.n_acks, 0);
    assert_int_equal(r.first_error, 0);
}

/* A dump the kernel cut short says why at its end. */
static void
test_dump_ending_in_an_error(void **state)
{
    struct w w = { .len = 0 };
    struct ctnetlink_reply r = { .cb = NULL };

    (void) state;
    w_entry(&w, 3, "10.0.0.1", "10.0.0.2", 6, 4097, 1);
    w_done(&w, 3, -EINTR);
    assert_int_equal(ctnetlink_reply_parse(w.b, w.len, 3, 3, &r), 0);
    assert_true(r.done);
    assert_int_equal(r.n_entries, 1);
    assert_int_equal(r.first_error, -EINTR);
    assert_int_equal(r.n_errors, 0);
}

/* Acknowledgements of a batch of deletions, sequence numbers wrapping around: success,
 * already gone, refused. */
static void
test_acks_of_a_batch(void **state)
{
    struct w w = { .len = 0 };
    struct ctnetlink_reply r = { .cb = NULL };

    (void) state;
    w_ack(&w, UINT32_MAX, 0);
    w_ack(&w, 0, -ENOENT);
    w_ack(&w, 1, -EPERM);
    w_ack(&w, 2, -EINVAL);
    w_ack(&w, 3, 0);
    w_ack(&w, 4, 0);                                            /* not ours */
    assert_int_equal(ctnetlink_reply_parse(w.b, w.len, UINT32_MAX, 3, &r), 0);
    assert_int_equal(r.n_acks, 5);
    assert_int_equal(r.n_gone, 1);
    assert_int_equal(r.n_errors, 2);
    assert_int_equal(r.first_error, -EPERM);
    assert_false(r.done);
}

/* A datagram whose last message is cut is refused after what came before it. */
static void
test_cut_datagram(void **state)
{
    struct w w = { .len = 0 };
    struct ctnetlink_reply r = { .cb = NULL };

    (void) state;
    w_ack(&w, 1, 0);
    w_ack(&w, 1, 0);
    assert_int_equal(ctnetlink_reply_parse(w.b, w.len - 4, 1, 1, &r), -EINVAL);
    assert_int_equal(r.n_acks, 1);
    memset(&r, 0, sizeof r);
    assert_int_equal(ctnetlink_reply_parse(w.b, 10, 1, 1, &r), -EINVAL);
    assert_int_equal(r.n_acks, 0);
    assert_int_equal(ctnetlink_reply_parse(w.b, 0, 1, 1, &r), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump_request_asks_for_one_family_or_all),
        cmocka_unit_test(test_deletion_names_the_entry_as_the_kernel_gave_it),
        cmocka_unit_test(test_deletion_without_zone_or_id),
        cmocka_unit_test(test_entry_of_each_family),
        cmocka_unit_test(test_reply_tuple_shows_the_translation),
        cmocka_unit_test(test_entry_as_the_kernel_sends_it),
        cmocka_unit_test(test_malformed_entries_are_refused),
        cmocka_unit_test(test_oversized_tuple_is_refused),
        cmocka_unit_test(test_dump_answer),
        cmocka_unit_test(test_dump_ending_in_an_error),
        cmocka_unit_test(test_acks_of_a_batch),
        cmocka_unit_test(test_cut_datagram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
