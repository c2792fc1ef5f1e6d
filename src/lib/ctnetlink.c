/* Connection tracking entries over ctnetlink (see ctnetlink.h).  Messages are read
 * byte-wise (memcpy), never through casts of the kernel's or the fuzzer's bytes, so an
 * odd length or alignment cannot fault; every length is checked against what is left. */
#include "ctnetlink.h"

#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "util.h"

/* A dump's datagram holds at most 32 KiB (the kernel sizes them by our largest read, up
 * to that); twice that leaves room, and a truncated read is caught all the same. */
#define RECV_SIZE 65536
/* Deletions per datagram: their acknowledgements (a few hundred bytes of socket memory
 * each) must fit the receive buffer's default 208 KiB, or the kernel drops some. */
#define DELETE_BATCH 64

#define CT_TYPE(msg) ((uint16_t) ((NFNL_SUBSYS_CTNETLINK << 8) | (msg)))

struct ctnetlink {
    int fd;
    uint32_t seq;               /* The last sequence number used. */
    int timeout_ms;             /* The longest wait for the kernel's next datagram. */
    uint8_t *buf;               /* RECV_SIZE bytes. */
};

/* --- Attributes ------------------------------------------------------------------- */

struct attr {
    const uint8_t *data;        /* NULL: absent. */
    size_t size;
};

/* Fills 'tb' (indexed by type, 'max' + 1 slots) from the attributes in 'size' bytes at
 * 'p'; the first of a type wins, types over 'max' are ignored.  0 or -EINVAL if an
 * attribute's length is impossible. */
static int
attrs_parse(const uint8_t *p, size_t size, struct attr *tb, int max)
{
    memset(tb, 0, (size_t) (max + 1) * sizeof *tb);
    while (size >= NLA_HDRLEN) {
        struct nlattr nla;
        memcpy(&nla, p, sizeof nla);
        if (nla.nla_len < NLA_HDRLEN || nla.nla_len > size) {
            return -EINVAL;
        }
        int type = nla.nla_type & NLA_TYPE_MASK;
        if (type <= max && !tb[type].data) {
            tb[type].data = p + NLA_HDRLEN;
            tb[type].size = nla.nla_len - NLA_HDRLEN;
        }
        size_t step = NLA_ALIGN(nla.nla_len);
        if (step >= size) {
            return 0;
        }
        p += step;
        size -= step;
    }
    return size ? -EINVAL : 0;
}

static uint32_t
get_be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

/* An address attribute of 4 (IPv4) or 16 (IPv6) bytes into 'ret'. */
static int
addr_parse(const struct attr *a, int family, struct ip_addr *ret)
{
    size_t len = family == 4 ? 4 : 16;

    if (!a->data || a->size != len) {
        return -EINVAL;
    }
    ret->family = family;
    ret->v = 0;
    for (size_t i = 0; i < len; i++) {
        ret->v = (ret->v << 8) | a->data[i];
    }
    return 0;
}

/* A tuple's addresses (of 'family') into 'ret_src' and 'ret_dst', and its nested
 * attributes into 't'. */
static int
tuple_addrs_parse(const struct attr *tuple, int family, struct attr *t, struct ip_addr *ret_src,
                  struct ip_addr *ret_dst)
{
    struct attr ip[CTA_IP_MAX + 1];
    int src = family == 4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC;
    int dst = family == 4 ? CTA_IP_V4_DST : CTA_IP_V6_DST;

    if (attrs_parse(tuple->data, tuple->size, t, CTA_TUPLE_MAX) || !t[CTA_TUPLE_IP].data
        || attrs_parse(t[CTA_TUPLE_IP].data, t[CTA_TUPLE_IP].size, ip, CTA_IP_MAX)
        || addr_parse(&ip[src], family, ret_src) || addr_parse(&ip[dst], family, ret_dst)) {
        return -EINVAL;
    }
    return 0;
}

/* The original tuple's addresses and protocol into 'e'. */
static int
tuple_parse(const struct attr *tuple, struct ctnetlink_entry *e)
{
    struct attr t[CTA_TUPLE_MAX + 1], proto[CTA_PROTO_MAX + 1];

    if (tuple_addrs_parse(tuple, e->family, t, &e->src, &e->dst) || !t[CTA_TUPLE_PROTO].data
        || attrs_parse(t[CTA_TUPLE_PROTO].data, t[CTA_TUPLE_PROTO].size, proto, CTA_PROTO_MAX)
        || !proto[CTA_PROTO_NUM].data || proto[CTA_PROTO_NUM].size < 1) {
        return -EINVAL;
    }
    e->proto = proto[CTA_PROTO_NUM].data[0];
    return 0;
}

/* The reply tuple's addresses into 'e', when the kernel gave it (a dump always does). */
static int
reply_parse(const struct attr *tuple, struct ctnetlink_entry *e)
{
    struct attr t[CTA_TUPLE_MAX + 1];

    if (!tuple->data) {
        return 0;
    }
    if (tuple_addrs_parse(tuple, e->family, t, &e->reply_src, &e->reply_dst)) {
        return -EINVAL;
    }
    e->has_reply = true;
    return 0;
}

int
ctnetlink_entry_parse(const void *payload, size_t size, struct ctnetlink_entry *ret)
{
    const uint8_t *p = payload;
    struct attr tb[CTA_MAX + 1];
    struct nfgenmsg gen;
    struct ctnetlink_entry e = { .family = 0 };
    int r;

    if (size < sizeof gen) {
        return -EINVAL;
    }
    memcpy(&gen, p, sizeof gen);
    if (gen.nfgen_family != AF_INET && gen.nfgen_family != AF_INET6) {
        return -EAFNOSUPPORT;
    }
    if (attrs_parse(p + NLMSG_ALIGN(sizeof gen), size - NLMSG_ALIGN(sizeof gen), tb, CTA_MAX)) {
        return -EINVAL;
    }
    if (!tb[CTA_TUPLE_ORIG].data) {
        return -EINVAL;
    }
    if (tb[CTA_TUPLE_ORIG].size > CTNETLINK_TUPLE_MAX) {
        return -EMSGSIZE;
    }
    e.family = gen.nfgen_family == AF_INET ? 4 : 6;
    r = tuple_parse(&tb[CTA_TUPLE_ORIG], &e);
    r = r ? r : reply_parse(&tb[CTA_TUPLE_REPLY], &e);
    if (!r && tb[CTA_ZONE].data) {
        r = tb[CTA_ZONE].size == 2 ? 0 : -EINVAL;
        e.zone = (uint16_t) (!r ? tb[CTA_ZONE].data[0] << 8 | tb[CTA_ZONE].data[1] : 0);
    }
    if (!r && tb[CTA_ID].data) {
        r = tb[CTA_ID].size == 4 ? 0 : -EINVAL;
        e.has_id = !r;
        e.id = !r ? get_be32(tb[CTA_ID].data) : 0;
    }
    if (!r) {
        e.tuple_size = (uint16_t) tb[CTA_TUPLE_ORIG].size;
        memcpy(e.tuple, tb[CTA_TUPLE_ORIG].data, e.tuple_size);
        *ret = e;
    }
    return r;
}

/* --- Requests --------------------------------------------------------------------- */

/* A request under construction in a caller's buffer. */
struct msg {
    uint8_t *buf;
    size_t size, len;
    bool full;                  /* Something did not fit. */
};

static void
msg_add(struct msg *m, const void *data, size_t size)
{
    size_t padded = NLMSG_ALIGN(size);

    if (m->full || padded > m->size - m->len) {
        m->full = true;
        return;
    }
    memcpy(m->buf + m->len, data, size);
    memset(m->buf + m->len + size, 0, padded - size);
    m->len += padded;
}

static void
msg_attr(struct msg *m, uint16_t type, const void *data, size_t size)
{
    struct nlattr nla = { .nla_len = (uint16_t) (NLA_HDRLEN + size), .nla_type = type };

    if (NLA_HDRLEN + size > UINT16_MAX) {
        m->full = true;
        return;
    }
    msg_add(m, &nla, sizeof nla);
    msg_add(m, data, size);
}

/* Starts a ctnetlink request: the netlink and nfnetlink headers. */
static void
msg_start(struct msg *m, void *buf, size_t size, uint8_t type, uint16_t flags, int family,
          uint32_t seq)
{
    struct nlmsghdr h = { .nlmsg_type = CT_TYPE(type), .nlmsg_flags = flags, .nlmsg_seq = seq };
    struct nfgenmsg gen = {
        .nfgen_family = (uint8_t) (family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC),
        .version = NFNETLINK_V0,
    };

    *m = (struct msg) { .buf = buf, .size = size };
    msg_add(m, &h, sizeof h);
    msg_add(m, &gen, sizeof gen);
}

/* Writes the request's length into its header; its size, or 0 if it did not fit. */
static size_t
msg_end(struct msg *m)
{
    uint32_t len = (uint32_t) m->len;

    if (m->full) {
        return 0;
    }
    memcpy(m->buf + offsetof(struct nlmsghdr, nlmsg_len), &len, sizeof len);
    return m->len;
}

size_t
ctnetlink_dump_request(int family, uint32_t seq, void *buf, size_t size)
{
    struct msg m;

    msg_start(&m, buf, size, IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_DUMP, family, seq);
    return msg_end(&m);
}

size_t
ctnetlink_delete_request(const struct ctnetlink_entry *e, uint32_t seq, void *buf, size_t size)
{
    uint8_t zone[2] = { (uint8_t) (e->zone >> 8), (uint8_t) e->zone };
    uint8_t id[4] = { (uint8_t) (e->id >> 24), (uint8_t) (e->id >> 16), (uint8_t) (e->id >> 8),
                      (uint8_t) e->id };
    struct msg m;

    if (e->tuple_size > CTNETLINK_TUPLE_MAX) {
        return 0;
    }
    msg_start(&m, buf, size, IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK, e->family, seq);
    msg_attr(&m, CTA_TUPLE_ORIG | NLA_F_NESTED, e->tuple, e->tuple_size);
    if (e->zone) {
        msg_attr(&m, CTA_ZONE, zone, sizeof zone);
    }
    if (e->has_id) {
        msg_attr(&m, CTA_ID, id, sizeof id);
    }
    return msg_end(&m);
}

/* --- Answers ---------------------------------------------------------------------- */

static void
reply_ack(struct ctnetlink_reply *r, const uint8_t *payload, size_t size)
{
    int error;

    if (size < sizeof error) {
        r->n_skipped++;
        return;
    }
    memcpy(&error, payload, sizeof error);
    r->n_acks++;
    if (error == -ENOENT) {
        r->n_gone++;
    } else if (error) {
        r->n_errors++;
        r->first_error = r->first_error ? r->first_error : (error < 0 ? error : -EPROTO);
    }
}

static void
reply_entry(struct ctnetlink_reply *r, const uint8_t *payload, size_t size)
{
    struct ctnetlink_entry e;

    if (ctnetlink_entry_parse(payload, size, &e)) {
        r->n_skipped++;
    } else {
        r->n_entries++;
        if (r->cb) {
            r->cb(&e, r->aux);
        }
    }
}

/* A dump's end carries the dump's own result. */
static void
reply_done(struct ctnetlink_reply *r, const uint8_t *payload, size_t size)
{
    int error = 0;

    if (size >= sizeof error) {
        memcpy(&error, payload, sizeof error);
    }
    if (error < 0) {
        r->first_error = r->first_error ? r->first_error : error;
    }
    r->done = true;
}

int
ctnetlink_reply_parse(const void *buf, size_t size, uint32_t seq_first, uint32_t seq_last,
                      struct ctnetlink_reply *r)
{
    const uint8_t *p = buf;

    while (size >= NLMSG_HDRLEN) {
        struct nlmsghdr h;
        memcpy(&h, p, sizeof h);
        if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > size) {
            return -EINVAL;
        }
        const uint8_t *payload = p + NLMSG_HDRLEN;
        size_t payload_size = h.nlmsg_len - NLMSG_HDRLEN;
        /* Unsigned differences keep the range right across a wrap of the numbers. */
        if (h.nlmsg_seq - seq_first <= seq_last - seq_first) {
            if (h.nlmsg_type == NLMSG_ERROR) {
                reply_ack(r, payload, payload_size);
            } else if (h.nlmsg_type == NLMSG_DONE) {
                reply_done(r, payload, payload_size);
            } else if (h.nlmsg_type == CT_TYPE(IPCTNL_MSG_CT_NEW)) {
                reply_entry(r, payload, payload_size);
            }
        }
        size_t step = NLMSG_ALIGN(h.nlmsg_len);
        if (step >= size) {
            return 0;
        }
        p += step;
        size -= step;
    }
    return size ? -EINVAL : 0;
}

/* --- The socket ------------------------------------------------------------------- */

int
ctnetlink_open(int netns_fd, int timeout_ms, struct ctnetlink **ret)
{
    struct sockaddr_nl local = { .nl_family = AF_NETLINK };
    struct ctnetlink *c;
    int one = 1, fd;

    fd = netns_fd >= 0
         ? netns_socket(netns_fd, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER)
         : socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
    if (fd < 0) {
        return netns_fd >= 0 ? fd : -errno;
    }
    if (bind(fd, (struct sockaddr *) &local, sizeof local)) {
        int r = -errno;
        close(fd);
        return r;
    }
    /* The kernel's reason in refusals (extended acks), and acknowledgements that do not
     * repeat the request: both harmless where unsupported. */
    (void) setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    (void) setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
    c = xcalloc(1, sizeof *c);
    c->fd = fd;
    c->seq = (uint32_t) time(NULL);
    c->timeout_ms = timeout_ms;
    c->buf = xmalloc(RECV_SIZE);
    *ret = c;
    return 0;
}

void
ctnetlink_close(struct ctnetlink *c)
{
    if (c) {
        close(c->fd);
        free(c->buf);
        free(c);
    }
}

static int
send_to_kernel(struct ctnetlink *c, const void *data, size_t size)
{
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    ssize_t n;

    do {
        n = sendto(c->fd, data, size, 0, (struct sockaddr *) &kernel, sizeof kernel);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return -errno;
    }
    return (size_t) n == size ? 0 : -EMSGSIZE;
}

/* Reads the next datagram into c->buf, waiting at most c->timeout_ms.  Its size, or
 * -errno (-ETIMEDOUT, -EMSGSIZE if it did not fit, -ENOBUFS if the kernel dropped some). */
static ssize_t
receive(struct ctnetlink *c)
{
    struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
    ssize_t n;

    for (;;) {
        int ready = poll(&pfd, 1, c->timeout_ms);
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            return ready < 0 ? -errno : -ETIMEDOUT;
        }
        n = recv(c->fd, c->buf, RECV_SIZE, MSG_TRUNC | MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (n < 0) {
            return -errno;
        }
        return n > RECV_SIZE ? -EMSGSIZE : n;
    }
}

int
ctnetlink_dump(struct ctnetlink *c, int family, ctnetlink_entry_cb *cb, void *aux)
{
    struct ctnetlink_reply r = { .cb = cb, .aux = aux };
    uint8_t req[64];
    uint32_t seq = ++c->seq;
    size_t size = ctnetlink_dump_request(family, seq, req, sizeof req);
    int err = send_to_kernel(c, req, size);

    /* An error acknowledgement ends a dump the kernel refused. */
    while (!err && !r.done && !r.n_acks) {
        ssize_t n = receive(c);
        err = n < 0 ? (int) n : ctnetlink_reply_parse(c->buf, (size_t) n, seq, seq, &r);
    }
    return err ? err : r.first_error;
}

/* Sends the deletions of 'n' (at most DELETE_BATCH) entries in one datagram and reads
 * their acknowledgements into 'r'.  0 or -errno if the exchange itself failed. */
static int
delete_batch(struct ctnetlink *c, const struct ctnetlink_entry *e, size_t n,
             struct ctnetlink_reply *r)
{
    uint8_t *batch = xmalloc(DELETE_BATCH * CTNETLINK_DELETE_SIZE);
    uint32_t first = c->seq + 1;
    size_t len = 0, sent = 0;
    int err = 0;

    for (size_t i = 0; i < n; i++) {
        size_t size = ctnetlink_delete_request(&e[i], ++c->seq, batch + len,
                                               CTNETLINK_DELETE_SIZE);
        len += size;
        sent += size > 0;
    }
    err = sent ? send_to_kernel(c, batch, len) : 0;
    while (!err && r->n_acks < sent) {
        ssize_t got = receive(c);
        err = got < 0 ? (int) got : ctnetlink_reply_parse(c->buf, (size_t) got, first, c->seq, r);
    }
    free(batch);
    return err;
}

int
ctnetlink_delete(struct ctnetlink *c, const struct ctnetlink_entry *e, size_t n,
                 size_t *ret_deleted)
{
    size_t deleted = 0;
    int err = 0, first_error = 0;

    for (size_t i = 0; i < n && !err; i += DELETE_BATCH) {
        struct ctnetlink_reply r = { .cb = NULL };
        err = delete_batch(c, e + i, n - i < DELETE_BATCH ? n - i : DELETE_BATCH, &r);
        deleted += r.n_acks - r.n_gone - r.n_errors;
        first_error = first_error ? first_error : r.first_error;
    }
    *ret_deleted = deleted;
    return err ? err : first_error;
}
