/* rtnetlink operations over libmnl (see nl.h). */
#include "nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "util.h"

/* Requests are small; answers of dumps come in chunks of this size at most. */
#define NL_BUF_SIZE 32768

struct nl {
    struct mnl_socket *sock;
    unsigned int portid;
    unsigned int seq;
    char buf[NL_BUF_SIZE];
};

static int
open_socket(struct nl **ret, unsigned int groups)
{
    struct nl *nl = xcalloc(1, sizeof *nl);
    int one = 1;

    nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | (groups ? SOCK_NONBLOCK : 0));
    if (!nl->sock || mnl_socket_bind(nl->sock, groups, MNL_SOCKET_AUTOPID) < 0) {
        int e = errno;
        if (nl->sock) {
            mnl_socket_close(nl->sock);
        }
        free(nl);
        return -e;
    }
    /* Extended acks make the kernel's refusals readable in strace; harmless if absent. */
    mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof one);
    nl->portid = mnl_socket_get_portid(nl->sock);
    nl->seq = (unsigned int) time(NULL);
    *ret = nl;
    return 0;
}

int
nl_open(struct nl **ret)
{
    return open_socket(ret, 0);
}

int
nl_open_netns(struct nl **ret, int netns_fd)
{
    /* A socket stays in the namespace it was made in; only this thread moves. */
    int home = netns_enter(netns_fd);
    int r;

    if (home < 0) {
        return home;
    }
    r = open_socket(ret, 0);
    netns_leave(home);
    return r;
}

int
nl_monitor_open(struct nl **ret)
{
    /* Room for the events of thousands of taps made at once; a loss is still
     * survived (ENOBUFS: the caller compares everything). */
    int size = 16 << 20;
    int r = open_socket(ret, RTMGRP_LINK);

    if (!r && setsockopt(nl_fd(*ret), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size)) {
        setsockopt(nl_fd(*ret), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    return r;
}

void
nl_close(struct nl *nl)
{
    if (nl) {
        mnl_socket_close(nl->sock);
        free(nl);
    }
}

int
nl_fd(const struct nl *nl)
{
    return mnl_socket_get_fd(nl->sock);
}

/* Sends 'nlh' and runs 'cb' over the answer until the kernel is done (ack or end of
 * dump).  Messages of earlier exchanges still queued (the rest of an interrupted
 * dump) are skipped by their sequence number. */
static int
transact_once(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *aux)
{
    nlh->nlmsg_seq = ++nl->seq;
    if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
        return -errno;
    }
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof nl->buf);
        int len = (int) n;
        if (n < 0) {
            return -errno;
        }
        for (const struct nlmsghdr *m = (const struct nlmsghdr *) nl->buf; mnl_nlmsg_ok(m, len);
             m = mnl_nlmsg_next(m, &len)) {
            if (m->nlmsg_seq != nl->seq) {
                continue;
            }
            int r = mnl_cb_run(m, m->nlmsg_len, nl->seq, nl->portid, cb, aux);
            if (r < 0) {
                return -errno;
            }
            if (r == MNL_CB_STOP) {
                return 0;
            }
        }
    }
}

static int
transact(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *aux)
{
    int r = 0;

    /* A dump the kernel marks interrupted (links changed meanwhile) is run again. */
    for (int attempt = 0; attempt < 10; attempt++) {
        r = transact_once(nl, nlh, cb, aux);
        if (r != -EINTR || !(nlh->nlmsg_flags & NLM_F_DUMP)) {
            break;
        }
    }
    return r;
}

static struct nlmsghdr *
new_request(char *buf, uint16_t type, uint16_t flags)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    return nlh;
}

/* A dump request of 'type' (every object, answered by 'cb') with a 'header_size'-byte
 * header that starts, as those of links, addresses, routes and neighbours all do, with
 * its address family. */
static int
dump(struct nl *nl, uint16_t type, size_t header_size, unsigned char family, mnl_cb_t cb,
     void *aux)
{
    char buf[NL_BUF_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    unsigned char *header;

    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    header = mnl_nlmsg_put_extra_header(nlh, header_size);
    header[0] = family;
    return transact(nl, nlh, cb, aux);
}

/* A message's attributes by type, as mnl_attr_parse() finds them; types above 'max'
 * (a newer kernel's) are left out. */
struct attr_table {
    const struct nlattr **tb;
    uint16_t max;
};

static int
attr_into_table(const struct nlattr *attr, void *table_)
{
    const struct attr_table *table = table_;

    if (mnl_attr_type_valid(attr, table->max) > 0) {
        table->tb[mnl_attr_get_type(attr)] = attr;
    }
    return MNL_CB_OK;
}

/* Fills tb[0..max] with the attributes of 'nlh' that follow its 'header' bytes. */
static bool
parse_attrs(const struct nlmsghdr *nlh, size_t header, const struct nlattr **tb, uint16_t max)
{
    struct attr_table table = { tb, max };

    return mnl_attr_parse(nlh, (unsigned int) header, attr_into_table, &table) >= 0;
}

/* Fills tb[0..max] with the attributes nested in 'nest'. */
static bool
parse_nested(const struct nlattr *nest, const struct nlattr **tb, uint16_t max)
{
    struct attr_table table = { tb, max };

    return mnl_attr_parse_nested(nest, attr_into_table, &table) >= 0;
}

/* --- Links ----------------------------------------------------------------------- */

static bool
parse_link(const struct nlmsghdr *nlh, struct nl_link *ret)
{
    const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[IFLA_MAX + 1] = { 0 };

    memset(ret, 0, sizeof *ret);
    if (!parse_attrs(nlh, sizeof *ifm, tb, IFLA_MAX) || !tb[IFLA_IFNAME]) {
        return false;
    }
    ret->ifindex = ifm->ifi_index;
    ret->up = ifm->ifi_flags & IFF_UP;
    snprintf(ret->name, sizeof ret->name, "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
    if (tb[IFLA_MASTER]) {
        ret->master = (int) mnl_attr_get_u32(tb[IFLA_MASTER]);
    }
    if (tb[IFLA_MTU]) {
        ret->mtu = (int) mnl_attr_get_u32(tb[IFLA_MTU]);
    }
    if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
        memcpy(ret->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
    }
    if (tb[IFLA_LINKINFO]) {
        const struct nlattr *info[IFLA_INFO_MAX + 1] = { 0 };
        if (parse_nested(tb[IFLA_LINKINFO], info, IFLA_INFO_MAX)
            && info[IFLA_INFO_KIND]) {
            snprintf(ret->kind, sizeof ret->kind, "%s", mnl_attr_get_str(info[IFLA_INFO_KIND]));
        }
    }
    return true;
}

struct link_walk {
    nl_link_cb *cb;
    void *aux;
};

static int
link_msg(const struct nlmsghdr *nlh, void *data)
{
    struct link_walk *w = data;
    struct nl_link link;

    if (nlh->nlmsg_type == RTM_NEWLINK && parse_link(nlh, &link)) {
        w->cb(&link, w->aux);
    }
    return MNL_CB_OK;
}

int
nl_link_dump(struct nl *nl, nl_link_cb *cb, void *aux)
{
    struct link_walk w = { cb, aux };

    return dump(nl, RTM_GETLINK, sizeof(struct ifinfomsg), AF_UNSPEC, link_msg, &w);
}

static void
copy_link(const struct nl_link *link, void *aux)
{
    *(struct nl_link *) aux = *link;
}

int
nl_link_get(struct nl *nl, const char *name, struct nl_link *ret)
{
    char buf[NL_BUF_SIZE];
    struct nlmsghdr *nlh = new_request(buf, RTM_GETLINK, 0);
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
    struct link_walk w = { copy_link, ret };

    ifm->ifi_family = AF_UNSPEC;
    memset(ret, 0, sizeof *ret);
    if (strlen(name) >= IFNAMSIZ) {
        return -ENODEV;
    }
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    /* The answer is the link, then the ack that ends the exchange. */
    int r = transact(nl, nlh, link_msg, &w);
    return r ? r : ret->ifindex ? 0 : -ENODEV;
}

/* Starts an RTM_NEWLINK creating 'name' of 'kind'; returns the IFLA_INFO_DATA nest. */
static struct nlattr *
new_link(struct nlmsghdr *nlh, const char *name, const char *kind, struct nlattr **linkinfo,
         unsigned int flags_up)
{
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);

    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_change = IFF_UP;
    ifm->ifi_flags = flags_up;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    *linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
    return mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
}

int
nl_bridge_add(struct nl *nl, const char *name)
{
    char buf[NL_BUF_SIZE];
    struct nlmsghdr *nlh = new_request(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    struct nlattr *linkinfo, *data = new_link(nlh, name, "bridge", &linkinfo, IFF_UP);

    mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, 0);
    mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, 0);
    mnl_attr_put_u8(nlh, IFLA_BR_MCAST_SNOOPING, 0);
    mnl_attr_nest_end(nlh, data);
    mnl_attr_nest_end(nlh, linkinfo);
    return transact(nl, nlh, NULL, NULL);
}

/* Puts an address attribute (4 or 16 bytes) of type 'v4' or 'v6'. */
static int
put_addr(struct nlmsghdr *nlh, uint16_t v4, uint16_t v6, const char *text)
{
    struct in6_addr a6;
    struct in_addr a4;

    if (inet_pton(AF_INET, text, &a4) == 1) {
        mnl_attr_put(nlh, v4, sizeof a4, &a4);
        return 0;
    }
    if (inet_pton(AF_INET6, text, &a6) == 1) {
        mnl_attr_put(nlh, v6, sizeof a6, &a6);
        return 0;
    }
    return -EINVAL;
}

int
nl_vxlan_add(struct nl *nl, const char *name, uint32_t vni, int dev_ifindex, const char *local,
             const char *group, uint16_t dstport, bool learning, bool proxy, int mtu)
{
    char buf[NL_BUF_SIZE];
    struct nlmsghdr *nlh = new_request(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    struct nlattr *linkinfo, *data;

    if (mtu > 0) {
        /* IFLA_MTU belongs before the link info; put it first. */
        struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
        ifm->ifi_family = AF_UNSPEC;
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t) mtu);
        linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
        data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
    } else {
        data = new_link(nlh, name, "vxlan", &linkinfo, 0);
    }
    mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, vni);
    if (dev_ifindex > 0) {
        mnl_attr_put_u32(nlh, IFLA_VXLAN_LINK, (uint32_t) dev_ifindex);
    }
    if ((local && put_addr(nlh, IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6, local))
        || (group && put_addr(nlh, IFLA_VXLAN_GROUP, IFLA_VXLAN_GROUP6, group))) {
        return -EINVAL;
    }
    if (dstport) {
        mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(dstport));
    }
    mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, learning);
    mnl_attr_put_u8(nlh, IFLA_VXLAN_PROXY, proxy);
    mnl_attr_nest_end(nlh, data);
    mnl_attr_nest_end(nlh, linkinfo);
    return transact(nl, nlh, NULL, NULL);
}

int
nl_vlan_add(struct nl *nl, const char *name, int link_ifindex, uint16_t vid)
{
    char buf[NL_BUF_SIZE];
    struct nlmsghdr *nlh = new_request(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
    struct nlattr *linkinfo, *data;

    ifm->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t) link_ifindex);
    linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vlan");
    data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
    mnl_attr_put_u16(nlh, IFLA_VLAN_ID, vid);
    mnl_attr_nest_end(nlh, data);
    mnl_attr_nest_end(nlh, linkinfo);
    return transact(nl, nlh, NULL, NULL);
}

int
nl_link_set(struct nl *nl, int ifindex, int master, int mtu, int up)
{
    char buf[NL_BUF_SIZE];
    struct nlmsghdr *nlh = new_request(buf, RTM_NEWLINK, 0);
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);

    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = ifindex;
    if (up >= 0) {
        ifm->ifi_change = IFF_UP;
        ifm->ifi_flags = up ? IFF_UP : 0;
    }
    if (master >= 0) {
        mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t) master);
    }
    if (mtu > 0) {
        mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t) mtu);
    }
    return transact(nl, nlh, NULL, NULL);
}

int
nl_link_del(struct nl *nl, int ifindex)
{
    char buf[NL_BUF_SIZE];
    struct nlmsghdr *nlh = new_request(buf, RTM_DELLINK, 0);
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);

    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = ifindex;
    return transact(nl, nlh, NULL, NULL);
}

int
nl_veth_add(struct nl *nl, const char *name, const char *peer, int peer_netns_fd,
            const uint8_t *peer_mac, int mtu)
{
    char buf[NL_BUF_SIZE];
    struct nlmsghdr *nlh = new_request(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    struct nlattr *linkinfo, *data = new_link(nlh, name, "veth", &linkinfo, IFF_UP);
    struct nlattr *peer_info = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
    struct ifinfomsg *pifm = mnl_nlmsg_put_extra_header(nlh, sizeof *pifm);

    /* The peer is not brought up here: the kernel refuses IFF_UP on a peer that is
     * not linked yet (ENOTCONN); the caller sets it up from its namespace. */
    pifm->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
    if (peer_netns_fd >= 0) {
        mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t) peer_netns_fd);
    }
    if (peer_mac) {
        mnl_attr_put(nlh, IFLA_ADDRESS, 6, peer_mac);
    }
    if (mtu > 0) {
        mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t) mtu);
    }
    mnl_attr_nest_end(nlh, peer_info);
    mnl_attr_nest_end(nlh, data);
    mnl_attr_nest_end(nlh, linkinfo);
    if (mtu > 0) {
        mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t) mtu);
    }
    return transact(nl, nlh, NULL, NULL);
}

int
nl_link_set_mac(struct nl *nl, int ifindex, const uint8_t mac[6])
{
    char buf[NL_BUF_SIZE];
    struct nlmsghdr *nlh = new_request(buf, RTM_NEWLINK, 0);
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);

    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = ifindex;
    mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
    return transact(nl, nlh, NULL, NULL);
}

/* --- Link events ----------------------------------------------------------------- */

struct event_walk {
    nl_event_cb *cb;
    void *aux;
};

static int
event_msg(const struct nlmsghdr *nlh, void *data)
{
    struct event_walk *w = data;
    struct nl_link link;

    if ((nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK)
        && parse_link(nlh, &link)) {
        w->cb(&link, nlh->nlmsg_type == RTM_DELLINK, w->aux);
    }
    return MNL_CB_OK;
}

int
nl_monitor_read(struct nl *nl, nl_event_cb *cb, void *aux)
{
    struct event_walk w = { cb, aux };

    for (;;) {
        ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof nl->buf);
        if (n < 0) {
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
        }
        mnl_cb_run(nl->buf, (size_t) n, 0, 0, event_msg, &w);
    }
}

/* --- Addresses ------------------------------------------------------------------- */

struct addr_search {
    int family;
    uint8_t want[16];
    int ifindex;
};

static int
addr_msg(const struct nlmsghdr *nlh, void *data)
{
    struct addr_search *s = data;
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[IFA_MAX + 1] = { 0 };
    size_t len = s->family == AF_INET ? 4 : 16;

    if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != s->family
        || !parse_attrs(nlh, sizeof *ifa, tb, IFA_MAX)) {
        return MNL_CB_OK;
    }
    const struct nlattr *a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    if (a && mnl_attr_get_payload_len(a) == len && !memcmp(mnl_attr_get_payload(a), s->want, len)) {
        s->ifindex = (int) ifa->ifa_index;
    }
    return MNL_CB_OK;
}

int
nl_addr_owner(struct nl *nl, const char *ip, int *ret_ifindex)
{
    struct addr_search s = { AF_INET, { 0 }, 0 };
    int r;

    if (inet_pton(AF_INET, ip, s.want) != 1) {
        s.family = AF_INET6;
        if (inet_pton(AF_INET6, ip, s.want) != 1) {
            return -EINVAL;
        }
    }
    r = dump(nl, RTM_GETADDR, sizeof(struct rtgenmsg), (unsigned char) s.family, addr_msg, &s);
    if (r) {
        return r;
    }
    *ret_ifindex = s.ifindex;
    return s.ifindex ? 0 : -ENOENT;
}

/* Addresses and routes of one interface, for moving them onto a bridge. */
struct addr_walk {
    int ifindex;
    nl_addr_cb *cb;
    void *aux;
};

static int
addr_list_msg(const struct nlmsghdr *nlh, void *data)
{
    struct addr_walk *w = data;
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[IFA_MAX + 1] = { 0 };
    struct nl_addr a;

    if (nlh->nlmsg_type != RTM_NEWADDR || (int) ifa->ifa_index != w->ifindex
        || ifa->ifa_scope != RT_SCOPE_UNIVERSE
        || !parse_attrs(nlh, sizeof *ifa, tb, IFA_MAX)) {
        return MNL_CB_OK;
    }
    const struct nlattr *at = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    size_t len = ifa->ifa_family == AF_INET ? 4 : 16;
    if (!at || mnl_attr_get_payload_len(at) != len) {
        return MNL_CB_OK;
    }
    memset(&a, 0, sizeof a);
    a.family = ifa->ifa_family;
    memcpy(a.addr, mnl_attr_get_payload(at), len);
    a.prefixlen = ifa->ifa_prefixlen;
    a.scope = ifa->ifa_scope;
    w->cb(&a, w->aux);
    return MNL_CB_OK;
}

int
nl_addr_list(struct nl *nl, int ifindex, nl_addr_cb *cb, void *aux)
{
    struct addr_walk w = { ifindex, cb, aux };

    return dump(nl, RTM_GETADDR, sizeof(struct rtgenmsg), AF_UNSPEC, addr_list_msg, &w);
}

static int
addr_change(struct nl *nl, uint16_t type, uint16_t flags, int ifindex, const struct nl_addr *a)
{
    char buf[NL_BUF_SIZE];
    struct nlmsghdr *nlh = new_request(buf, type, flags);
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
    size_t len = a->family == AF_INET ? 4 : 16;

    ifa->ifa_family = (unsigned char) a->family;
    ifa->ifa_prefixlen = (unsigned char) a->prefixlen;
    ifa->ifa_scope = (unsigned char) a->scope;
    ifa->ifa_index = (unsigned int) ifindex;
    mnl_attr_put(nlh, IFA_LOCAL, len, a->addr);
    mnl_attr_put(nlh, IFA_ADDRESS, len, a->addr);
    return transact(nl, nlh, NULL, NULL);
}

int
nl_addr_add(struct nl *nl, int ifindex, const struct nl_addr *addr)
{
    return addr_change(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, addr);
}

int
nl_addr_del(struct nl *nl, int ifindex, const struct nl_addr *addr)
{
    return addr_change(nl, RTM_DELADDR, 0, ifindex, addr);
}

struct route_walk {
    int ifindex;
    int protocol;           /* 0: routes via a gateway, whatever their protocol. */
    nl_route_cb *cb;
    void *aux;
};

static int
route_msg(const struct nlmsghdr *nlh, void *data)
{
    struct route_walk *w = data;
    const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[RTA_MAX + 1] = { 0 };
    size_t len = rtm->rtm_family == AF_INET ? 4 : 16;
    struct nl_route r;

    if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_table != RT_TABLE_MAIN
        || (w->protocol && rtm->rtm_protocol != w->protocol)
        || !parse_attrs(nlh, sizeof *rtm, tb, RTA_MAX) || !tb[RTA_OIF]
        || (int) mnl_attr_get_u32(tb[RTA_OIF]) != w->ifindex
        || (tb[RTA_GATEWAY] && mnl_attr_get_payload_len(tb[RTA_GATEWAY]) != len)
        || (!tb[RTA_GATEWAY] && !w->protocol)) {
        return MNL_CB_OK;
    }
    memset(&r, 0, sizeof r);
    r.family = rtm->rtm_family;
    r.protocol = rtm->rtm_protocol;
    r.onlink = !tb[RTA_GATEWAY];
    r.dst_len = rtm->rtm_dst_len;
    if (tb[RTA_DST] && mnl_attr_get_payload_len(tb[RTA_DST]) == len) {
        memcpy(r.dst, mnl_attr_get_payload(tb[RTA_DST]), len);
    }
    if (tb[RTA_GATEWAY]) {
        memcpy(r.gateway, mnl_attr_get_payload(tb[RTA_GATEWAY]), len);
    }
    if (tb[RTA_PRIORITY]) {
        r.priority = mnl_attr_get_u32(tb[RTA_PRIORITY]);
    }
    w->cb(&r, w->aux);
    return MNL_CB_OK;
}

int
nl_route_list(struct nl *nl, int ifindex, nl_route_cb *cb, void *aux)
{
    struct route_walk w = { ifindex, 0, cb, aux };

    return dump(nl, RTM_GETROUTE, sizeof(struct rtmsg), AF_UNSPEC, route_msg, &w);
}

int
nl_route_list_proto(struct nl *nl, int ifindex, int protocol, nl_route_cb *cb, void *aux)
{
    struct route_walk w = { ifindex, protocol, cb, aux };

    return dump(nl, RTM_GETROUTE, sizeof(struct rtmsg), AF_UNSPEC, route_msg, &w);
}

static int
route_change(struct nl *nl, uint16_t type, uint16_t flags, int ifindex,
             const struct nl_route *route)
{
    char buf[NL_BUF_SIZE];
    struct nlmsghdr *nlh = new_request(buf, type, flags);
    struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
    size_t len = route->family == AF_INET ? 4 : 16;

    rtm->rtm_family = (unsigned char) route->family;
    rtm->rtm_dst_len = (unsigned char) route->dst_len;
    rtm->rtm_table = RT_TABLE_MAIN;
    if (type == RTM_DELROUTE) {
        /* Any protocol and scope match, as `ip route del` asks. */
        rtm->rtm_protocol = (unsigned char) route->protocol;
        rtm->rtm_scope = RT_SCOPE_NOWHERE;
    } else {
        rtm->rtm_protocol = (unsigned char) (route->protocol ? route->protocol : RTPROT_BOOT);
        rtm->rtm_scope = route->onlink ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
    }
    rtm->rtm_type = RTN_UNICAST;
    if (route->dst_len) {
        mnl_attr_put(nlh, RTA_DST, len, route->dst);
    }
    if (!route->onlink) {
        mnl_attr_put(nlh, RTA_GATEWAY, len, route->gateway);
    }
    mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t) ifindex);
    if (route->priority) {
        mnl_attr_put_u32(nlh, RTA_PRIORITY, route->priority);
    }
    return transact(nl, nlh, NULL, NULL);
}

int
nl_route_add(struct nl *nl, int ifindex, const struct nl_route *route)
{
    return route_change(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, ifindex, route);
}

int
nl_route_del(struct nl *nl, int ifindex, const struct nl_route *route)
{
    return route_change(nl, RTM_DELROUTE, 0, ifindex, route);
}

/* --- Bridge forwarding entries --------------------------------------------------- */

struct fdb_walk {
    int ifindex;
    nl_fdb_cb *cb;
    void *aux;
};

static int
fdb_msg(const struct nlmsghdr *nlh, void *data)
{
    struct fdb_walk *w = data;
    const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[NDA_MAX + 1] = { 0 };
    struct nl_fdb fdb;

    if (nlh->nlmsg_type != RTM_NEWNEIGH || ndm->ndm_ifindex != w->ifindex
        || !parse_attrs(nlh, sizeof *ndm, tb, NDA_MAX) || !tb[NDA_LLADDR]
        || mnl_attr_get_payload_len(tb[NDA_LLADDR]) != 6) {
        return MNL_CB_OK;
    }
    memset(&fdb, 0, sizeof fdb);
    memcpy(fdb.mac, mnl_attr_get_payload(tb[NDA_LLADDR]), 6);
    if (tb[NDA_DST]) {
        uint16_t len = mnl_attr_get_payload_len(tb[NDA_DST]);
        inet_ntop(len == 4 ? AF_INET : AF_INET6, mnl_attr_get_payload(tb[NDA_DST]), fdb.dst,
                  sizeof fdb.dst);
    }
    w->cb(&fdb, w->aux);
    return MNL_CB_OK;
}

int
nl_fdb_dump(struct nl *nl, int ifindex, nl_fdb_cb *cb, void *aux)
{
    struct fdb_walk w = { ifindex, cb, aux };

    return dump(nl, RTM_GETNEIGH, sizeof(struct ndmsg), PF_BRIDGE, fdb_msg, &w);
}

static int
fdb_change(struct nl *nl, uint16_t type, uint16_t flags, int ifindex, const uint8_t mac[6],
           const char *dst)
{
    char buf[NL_BUF_SIZE];
    struct nlmsghdr *nlh = new_request(buf, type, flags);
    struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof *ndm);

    ndm->ndm_family = PF_BRIDGE;
    ndm->ndm_ifindex = ifindex;
    ndm->ndm_state = NUD_NOARP | NUD_PERMANENT;
    ndm->ndm_flags = NTF_SELF;
    mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
    if (dst && put_addr(nlh, NDA_DST, NDA_DST, dst)) {
        return -EINVAL;
    }
    return transact(nl, nlh, NULL, NULL);
}

int
nl_fdb_add(struct nl *nl, int ifindex, const uint8_t mac[6], const char *dst, bool append)
{
    return fdb_change(nl, RTM_NEWNEIGH, NLM_F_CREATE | (append ? NLM_F_APPEND : NLM_F_REPLACE),
                      ifindex, mac, dst);
}

int
nl_fdb_del(struct nl *nl, int ifindex, const uint8_t mac[6], const char *dst)
{
    return fdb_change(nl, RTM_DELNEIGH, 0, ifindex, mac, dst);
}

bool
nl_parse_mac(const char *text, uint8_t mac[6])
{
    unsigned int b[6];
    char tail;

    if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
               &tail) != 6) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        mac[i] = (uint8_t) b[i];
    }
    return true;
}
