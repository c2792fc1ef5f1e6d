/* What dnsmasq is told about one network; see dnsmasq_conf.h.  The shapes follow
 * Neutron Zed's Dnsmasq driver (neutron/agent/linux/dhcp.py), so files written by
 * either read the same. */
#include "dnsmasq_conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip.h"
#include "util.h"

#define SUBNET_TAG "subnet-"

/* --- strv ------------------------------------------------------------------------- */

void
strv_add(struct strv *sv, const char *s)
{
    sv->v = xrealloc(sv->v, (sv->n + 2) * sizeof *sv->v);
    sv->v[sv->n++] = xstrdup(s);
    sv->v[sv->n] = NULL;
}

void
strv_addf(struct strv *sv, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    strv_add(sv, s);
    free(s);
}

void
strv_done(struct strv *sv)
{
    for (size_t i = 0; i < sv->n; i++) {
        free(sv->v[i]);
    }
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
}

/* --- Reading the description, defensively ----------------------------------------- */

/* A subnet as far as dnsmasq cares; 'ok' false when it is malformed. */
struct sub {
    const char *id;
    int ip_version;
    struct cidr cidr;
    const char *gateway;        /* NULL: none. */
    bool dhcp;
    const char *addr_mode;      /* ipv6_address_mode or NULL. */
    const char *ra_mode;
    const json_t *dns;
    const json_t *routes;
    bool ok;
};

static const char *
str_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static struct sub
sub_of(const json_t *s)
{
    struct sub r;
    const char *cidr = str_of(s, "cidr");
    json_int_t v = json_integer_value(json_object_get(s, "ip_version"));

    memset(&r, 0, sizeof r);
    r.id = str_of(s, "id");
    r.ip_version = (int) v;
    r.gateway = str_of(s, "gateway_ip");
    r.dhcp = json_is_true(json_object_get(s, "enable_dhcp"));
    r.addr_mode = str_of(s, "ipv6_address_mode");
    r.ra_mode = str_of(s, "ipv6_ra_mode");
    r.dns = json_object_get(s, "dns_nameservers");
    r.routes = json_object_get(s, "host_routes");
    /* Ids go into tags and file lines: no separators or line breaks in them. */
    r.ok = r.id && *r.id && !strpbrk(r.id, ",\n\r\t ") && strlen(r.id) < 64 && cidr
           && !cidr_parse(cidr, &r.cidr) && (v == 4 || v == 6) && r.cidr.addr.family == v;
    if (r.ok) {
        cidr_normalize(&r.cidr);
    }
    return r;
}

static bool
is_slaac(const struct sub *s)
{
    return s->ip_version == 6 && s->addr_mode && STREQ(s->addr_mode, "slaac");
}

/* dnsmasq's mode for a served subnet, or NULL when it gets no range. */
static const char *
range_mode(const struct sub *s)
{
    if (s->ip_version == 4) {
        return "static";
    }
    if ((s->addr_mode && (STREQ(s->addr_mode, "dhcpv6-stateful")
                          || STREQ(s->addr_mode, "dhcpv6-stateless")))
        || (!s->addr_mode && !s->ra_mode)) {
        return "static";
    }
    return NULL;
}

/* The subnet of 'info' with id 'id', or ok=false. */
static struct sub
find_sub(const json_t *info, const char *id)
{
    const json_t *s;
    size_t i;

    json_array_foreach (json_object_get(info, "subnets"), i, s) {
        struct sub r = sub_of(s);
        if (r.ok && id && STREQ(r.id, id)) {
            return r;
        }
    }
    return (struct sub) { .ok = false };
}

/* A textual address, canonical; false if it does not parse. */
static bool
addr_text(const char *text, struct ip_addr *a, char out[IP_STRLEN])
{
    if (!text || ip_parse(text, a)) {
        return false;
    }
    ip_format(a, out);
    return true;
}

/* Neutron's port_requires_dhcp_configuration(). */
static bool
port_wanted(const json_t *port)
{
    static const char *const skip[] = {
        "network:router_ha_interface", "network:floatingip", "network:dhcp",
        "network:distributed",
    };
    const char *owner = str_of(port, "device_owner");

    for (size_t i = 0; owner && i < ARRAY_SIZE(skip); i++) {
        if (STREQ(owner, skip[i])) {
            return false;
        }
    }
    return true;
}

/* A MAC in the form dnsmasq reads ("aa:bb:cc:dd:ee:ff"), or NULL. */
static const char *
mac_of(const json_t *port)
{
    const char *mac = str_of(port, "mac_address");

    if (!mac || strlen(mac) != 17) {
        return NULL;
    }
    for (int i = 0; i < 17; i++) {
        bool colon = i % 3 == 2;
        if (colon ? mac[i] != ':' : !strchr("0123456789abcdefABCDEF", mac[i])) {
            return NULL;
        }
    }
    return mac;
}

/* host-<ip with '.' and ':' as '-'>, and the same with ".<domain>". */
static void
host_names(const char *ip, const struct dnsmasq_settings *s, char *name, size_t name_size,
           char *fqdn, size_t fqdn_size)
{
    size_t k = (size_t) snprintf(name, name_size, "host-");

    for (const char *p = ip; *p && k + 1 < name_size; p++) {
        name[k++] = *p == '.' || *p == ':' ? '-' : *p;
    }
    name[k] = '\0';
    if (s->dns_domain && *s->dns_domain) {
        snprintf(fqdn, fqdn_size, "%s.%s", name, s->dns_domain);
    } else {
        snprintf(fqdn, fqdn_size, "%s", name);
    }
}

/* --- A port's extra DHCP options (agents.md §B.5) ---------------------------------- */

#define PORT_TAG "port-"

/* The port's id if it may name a dnsmasq tag (hex digits and '-' only), else NULL. */
static const char *
port_tag_id(const json_t *port)
{
    const char *id = str_of(port, "id");

    if (!id || !*id || strspn(id, "0123456789abcdefABCDEF-") != strlen(id)) {
        return NULL;
    }
    return id;
}

/* The port's extra_dhcp_opts if it has any and a usable id, else NULL. */
static const json_t *
port_dhcp_opts(const json_t *port)
{
    const json_t *opts = json_object_get(port, "extra_dhcp_opts");

    return json_array_size(opts) && port_tag_id(port) ? opts : NULL;
}

/* Whether an option names the client identifier (by name or as option 61): Neutron
 * puts it in the hosts file, not among the options. */
static bool
is_client_id(const char *name)
{
    return STREQ(name, "client-id") || STREQ(name, "61");
}

/* The first line of 's' ('s' itself when it has one line), into 'out'. */
static const char *
first_line(const char *s, struct buf *out)
{
    buf_clear(out);
    buf_add(out, s, strcspn(s, "\n"));
    return buf_cstr(out);
}

/* The client-id option's value of a port with options, or NULL. */
static const char *
client_id_of(const json_t *opts)
{
    const json_t *opt;
    size_t i;

    json_array_foreach (opts, i, opt) {
        const char *name = str_of(opt, "opt_name");
        if (name && is_client_id(name) && str_of(opt, "opt_value")) {
            return str_of(opt, "opt_value");
        }
    }
    return NULL;
}

/* Whether 's' is all ASCII digits (Python's str.isdigit(), so "" is not). */
static bool
all_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

void
dnsmasq_format_option(int ip_version, const char *tag, const char *name, const char *value,
                      struct buf *out)
{
    struct buf line = BUF_INITIALIZER;
    const char *opt = first_line(name, &line), *comma;
    char *extra_tag = NULL;

    /* A name may carry a tag of its own: "tag:<tag>,<option>" (up to its last comma). */
    if (!strncmp(opt, "tag:", 4) && (comma = strrchr(opt, ','))) {
        extra_tag = xstrndup(opt, (size_t) (comma - opt));
        opt = comma + 1;
    }
    buf_printf(out, "tag:%s,", tag);
    if (extra_tag) {
        buf_printf(out, "%s,", extra_tag);
    }
    if (ip_version == 6) {
        buf_printf(out, "option6:%s", opt);
    } else {
        buf_printf(out, all_digits(opt) ? "%s" : "option:%s", opt);
    }
    if (value) {
        buf_printf(out, ",%.*s", (int) strcspn(value, "\n"), value);
    }
    buf_add_char(out, '\n');
    free(extra_tag);
    buf_done(&line);
}

/* The IP versions of a port's fixed IPs, as bits (1 << 4, 1 << 6). */
static unsigned
port_ip_versions(const json_t *port)
{
    unsigned versions = 0;
    const json_t *f;
    size_t i;

    json_array_foreach (json_object_get(port, "fixed_ips"), i, f) {
        char text[IP_STRLEN];
        struct ip_addr a;
        if (addr_text(str_of(f, "ip_address"), &a, text)) {
            versions |= 1u << (a.family == 4 ? 4 : 6);
        }
    }
    return versions;
}

/* The lines of a port's own options, tagged with the port: each option of an IP
 * version the port has an address of, but the client identifier. */
static void
port_opts(const json_t *port, struct buf *lines)
{
    const json_t *opts = port_dhcp_opts(port), *opt;
    unsigned versions = port_ip_versions(port);
    char tag[128];
    size_t i;

    if (!opts) {
        return;
    }
    snprintf(tag, sizeof tag, PORT_TAG "%s", port_tag_id(port));
    json_array_foreach (opts, i, opt) {
        const char *name = str_of(opt, "opt_name"), *value = str_of(opt, "opt_value");
        json_int_t v = json_integer_value(json_object_get(opt, "ip_version"));
        if (!name || !value || is_client_id(name) || (v != 4 && v != 6)
            || !(versions & (1u << v))) {
            continue;
        }
        dnsmasq_format_option((int) v, tag, name, value, lines);
    }
}

/* --- argv ------------------------------------------------------------------------ */

bool
dnsmasq_serves(const json_t *info)
{
    const json_t *s;
    size_t i;

    json_array_foreach (json_object_get(info, "subnets"), i, s) {
        struct sub r = sub_of(s);
        if (r.ok && r.dhcp && !is_slaac(&r)) {
            return true;
        }
    }
    return false;
}

/* 2^bits, saturated. */
static unsigned long long
size_of_prefix(int host_bits)
{
    return host_bits >= 63 ? (1ULL << 63) : 1ULL << host_bits;
}

void
dnsmasq_argv(const json_t *info, const struct dnsmasq_settings *s, struct strv *ret)
{
    const char *dir = s->conf_dir ? s->conf_dir : ".";
    const json_t *network = json_object_get(info, "network"), *sj;
    unsigned long long leases = 0;
    json_int_t mtu = json_integer_value(json_object_get(network, "mtu"));
    size_t i;

    strv_add(ret, "dnsmasq");
    strv_add(ret, "--no-hosts");
    if (s->n_dns_servers || !s->local_resolv) {
        strv_add(ret, "--no-resolv");
    }
    strv_addf(ret, "--pid-file=%s/pid", dir);
    strv_addf(ret, "--dhcp-hostsfile=%s/host", dir);
    strv_addf(ret, "--addn-hosts=%s/addn_hosts", dir);
    strv_addf(ret, "--dhcp-optsfile=%s/opts", dir);
    strv_addf(ret, "--dhcp-leasefile=%s/leases", dir);
    strv_add(ret, "--dhcp-match=set:ipxe,175");
    strv_add(ret, "--dhcp-userclass=set:ipxe6,iPXE");
    strv_add(ret, "--local-service");
    strv_add(ret, "--bind-dynamic");
    json_array_foreach (json_object_get(info, "subnets"), i, sj) {
        struct sub r = sub_of(sj);
        char net[IP_STRLEN], lease[32];
        const char *mode;
        if (!r.ok || !r.dhcp || !(mode = range_mode(&r))) {
            continue;
        }
        if (s->lease_duration == -1) {
            snprintf(lease, sizeof lease, "infinite");
        } else {
            snprintf(lease, sizeof lease, "%lds", s->lease_duration);
        }
        ip_format(&r.cidr.addr, net);
        if (r.ip_version == 4) {
            struct ip_addr mask = { 4, 0 };
            char mask_text[IP_STRLEN];
            mask.v = r.cidr.prefix ? (((u128) 0xffffffffu << (32 - r.cidr.prefix))
                                         & 0xffffffffu)
                                      : 0;
            ip_format(&mask, mask_text);
            strv_addf(ret, "--dhcp-range=set:" SUBNET_TAG "%s,%s,%s,%s,%s", r.id, net, mode,
                      mask_text, lease);
        } else {
            if (r.cidr.prefix < 64) {
                continue;       /* dnsmasq cannot range over less than a /64. */
            }
            strv_addf(ret, "--dhcp-range=set:" SUBNET_TAG "%s,%s,%s,%d,%s", r.id, net, mode,
                      r.cidr.prefix, lease);
        }
        unsigned long long size = size_of_prefix((r.ip_version == 4 ? 32 : 128)
                                                 - r.cidr.prefix);
        leases = leases + size < leases ? ~0ULL : leases + size;
    }
    if (mtu > 0) {
        strv_addf(ret, "--dhcp-option-force=option:mtu,%lld", (long long) mtu);
    }
    strv_addf(ret, "--dhcp-lease-max=%llu",
              s->lease_max > 0 && leases > (unsigned long long) s->lease_max
                  ? (unsigned long long) s->lease_max
                  : leases);
    if (s->renewal_time > 0) {
        strv_addf(ret, "--dhcp-option-force=option:T1,%lds", s->renewal_time);
    }
    if (s->rebinding_time > 0) {
        strv_addf(ret, "--dhcp-option-force=option:T2,%lds", s->rebinding_time);
    }
    strv_addf(ret, "--conf-file=%s", s->config_file && *s->config_file ? s->config_file
                                                                        : "/dev/null");
    for (size_t k = 0; k < s->n_dns_servers; k++) {
        strv_addf(ret, "--server=%s", s->dns_servers[k]);
    }
    if (s->dns_domain && *s->dns_domain) {
        strv_addf(ret, "--domain=%s", s->dns_domain);
    }
    if (s->broadcast_reply) {
        strv_add(ret, "--dhcp-broadcast");
    }
    if (s->log_dir && *s->log_dir) {
        const char *id = str_of(network, "id");
        strv_add(ret, "--log-queries");
        strv_add(ret, "--log-dhcp");
        strv_addf(ret, "--log-facility=%s/%s/dhcp_dns_log", s->log_dir, id ? id : "unknown");
    }
}

/* --- hosts and addn_hosts -------------------------------------------------------- */

/* A fixed IP of a port DHCP serves (port_wanted(), a well-formed MAC): a line of the
 * hosts, addn_hosts and leases files. */
struct port_ip {
    const json_t *port;
    const char *mac;
    struct sub sub;             /* ok=false: the subnet is not in 'info'. */
    struct ip_addr addr;
    char ip[IP_STRLEN];         /* 'addr', canonical. */
};

/* Calls 'fn' for each fixed IP, in order, of the ports of 'info' that DHCP serves
 * (addresses that do not parse are skipped). */
static void
each_port_ip(const json_t *info, void (*fn)(const struct port_ip *, void *aux), void *aux)
{
    const json_t *port, *f;
    size_t i, j;

    json_array_foreach (json_object_get(info, "ports"), i, port) {
        struct port_ip pi = { .port = port, .mac = mac_of(port) };
        if (!pi.mac || !port_wanted(port)) {
            continue;
        }
        json_array_foreach (json_object_get(port, "fixed_ips"), j, f) {
            if (addr_text(str_of(f, "ip_address"), &pi.addr, pi.ip)) {
                pi.sub = find_sub(info, str_of(f, "subnet_id"));
                fn(&pi, aux);
            }
        }
    }
}

struct hosts_files {
    const struct dnsmasq_settings *s;
    struct buf *host, *addn_hosts;
};

static void
hosts_lines(const struct port_ip *pi, void *files_)
{
    const struct hosts_files *files = files_;
    const struct sub *sub = &pi->sub;
    char name[64], fqdn[320];

    const json_t *opts = port_dhcp_opts(pi->port);
    const char *tag = pi->addr.family == 6 ? "tag:dhcpv6," : "";
    const char *cid = opts ? client_id_of(opts) : NULL;
    struct buf ip = BUF_INITIALIZER, id = BUF_INITIALIZER;

    host_names(pi->ip, files->s, name, sizeof name, fqdn, sizeof fqdn);
    buf_printf(files->addn_hosts, "%s\t%s %s\n", pi->ip, fqdn, name);
    if (!sub->ok || !sub->dhcp || sub->ip_version != (pi->addr.family == 4 ? 4 : 6)) {
        return;
    }
    /* SLAAC and stateless addresses are not handed out by DHCP; a stateless client
     * still asks for options, so a port with its own is tagged. */
    if (pi->addr.family == 6 && sub->addr_mode
        && (STREQ(sub->addr_mode, "slaac") || STREQ(sub->addr_mode, "dhcpv6-stateless"))) {
        if (opts && STREQ(sub->addr_mode, "dhcpv6-stateless")) {
            buf_printf(files->host, "%s,%sset:" PORT_TAG "%s\n", pi->mac, tag,
                       port_tag_id(pi->port));
        }
        return;
    }
    buf_printf(&ip, pi->addr.family == 6 ? "[%s]" : "%s", pi->ip);
    if (cid) {
        /* The client identifier chooses the lease; with it the only option, the
         * port needs no tag. */
        buf_printf(files->host, "%s,%sid:%s,%s,%s", pi->mac, tag, first_line(cid, &id), fqdn,
                   buf_cstr(&ip));
        if (json_array_size(opts) > 1) {
            buf_printf(files->host, ",set:" PORT_TAG "%s", port_tag_id(pi->port));
        }
    } else {
        buf_printf(files->host, "%s,%s%s,%s", pi->mac, tag, fqdn, buf_cstr(&ip));
        if (opts) {
            buf_printf(files->host, ",set:" PORT_TAG "%s", port_tag_id(pi->port));
        }
    }
    buf_add_char(files->host, '\n');
    buf_done(&ip);
    buf_done(&id);
}

void
dnsmasq_hosts(const json_t *info, const struct dnsmasq_settings *s, struct buf *host,
              struct buf *addn_hosts)
{
    struct hosts_files files = { s, host, addn_hosts };

    each_port_ip(info, hosts_lines, &files);
}

/* --- opts ------------------------------------------------------------------------ */

/* A list of literal addresses (IPv6 bracketed); false if one does not parse. */
static bool
address_list(const json_t *list, int ip_version, struct buf *out)
{
    const json_t *v;
    size_t i;

    json_array_foreach (list, i, v) {
        char text[IP_STRLEN];
        struct ip_addr a;
        if (!addr_text(json_string_value(v), &a, text) || a.family != ip_version) {
            return false;
        }
        buf_printf(out, ip_version == 6 ? "%s[%s]" : "%s%s", i ? "," : "", text);
    }
    return true;
}

static bool
router_interface(const char *owner)
{
    return owner && (STREQ(owner, "network:router_interface")
                     || STREQ(owner, "network:router_interface_distributed")
                     || STREQ(owner, "network:ha_router_replicated_interface"));
}

/* A subnet is isolated unless a router port holds its gateway address. */
static bool
isolated(const json_t *info, const struct sub *sub)
{
    const json_t *port, *f;
    size_t i, j;

    json_array_foreach (json_object_get(info, "ports"), i, port) {
        if (!router_interface(str_of(port, "device_owner"))) {
            continue;
        }
        json_array_foreach (json_object_get(port, "fixed_ips"), j, f) {
            const char *sid = str_of(f, "subnet_id"), *ip = str_of(f, "ip_address");
            if (sid && ip && sub->gateway && STREQ(sid, sub->id) && STREQ(ip, sub->gateway)) {
                return false;
            }
        }
    }
    return true;
}

/* The lines of one served subnet; appends its id to 'no_dns' when it has no servers. */
static void
subnet_opts(const json_t *info, const struct sub *sub, const struct dnsmasq_settings *s,
            struct buf *lines, json_t *no_dns)
{
    struct buf routes = BUF_INITIALIZER, dns = BUF_INITIALIZER;
    const char *opt = sub->ip_version == 6 ? "option6:" : "option:";
    const char *gateway = sub->gateway;
    const json_t *r, *other;
    size_t i;

    if (json_array_size(sub->dns)) {
        if (address_list(sub->dns, sub->ip_version, &dns)) {
            buf_printf(lines, "tag:" SUBNET_TAG "%s,%sdns-server,%s\n", sub->id, opt,
                       buf_cstr(&dns));
        }
    } else {
        json_array_append_new(no_dns, json_string(sub->id));
    }
    if (s->dns_domain && *s->dns_domain && sub->ip_version == 6) {
        buf_printf(lines, "tag:" SUBNET_TAG "%s,option6:domain-search,%s\n", sub->id,
                   s->dns_domain);
    }
    if (sub->ip_version != 4) {
        buf_done(&dns);
        return;
    }
    json_array_foreach (sub->routes, i, r) {
        const char *dst = str_of(r, "destination"), *hop = str_of(r, "nexthop");
        struct cidr c;
        struct ip_addr a;
        if (!dst || !hop || cidr_parse(dst, &c) || ip_parse(hop, &a) || c.addr.family != 4
            || a.family != 4) {
            continue;
        }
        if (STREQ(dst, "0.0.0.0/0")) {
            gateway = gateway ? gateway : hop;
        } else {
            buf_printf(&routes, "%s%s,%s", routes.len ? "," : "", dst, hop);
        }
    }
    if (!isolated(info, sub) && gateway) {
        buf_printf(&routes, "%s169.254.169.254/32,%s", routes.len ? "," : "", gateway);
    }
    /* Other IPv4 subnets of the network are on-link: listed first. */
    struct buf onlink = BUF_INITIALIZER;
    json_array_foreach (json_object_get(info, "subnets"), i, other) {
        struct sub o = sub_of(other);
        const char *cidr = str_of(other, "cidr");
        if (o.ok && o.ip_version == 4 && !STREQ(o.id, sub->id) && cidr
            && (o.cidr.prefix != sub->cidr.prefix || o.cidr.addr.v != sub->cidr.addr.v)) {
            char net[IP_STRLEN];
            ip_format(&o.cidr.addr, net);
            /* Neutron inserts each at the front: the last subnet comes first. */
            struct buf tmp = BUF_INITIALIZER;
            buf_printf(&tmp, "%s/%d,0.0.0.0%s%s", net, o.cidr.prefix, onlink.len ? "," : "",
                       buf_cstr(&onlink));
            buf_clear(&onlink);
            buf_add_str(&onlink, buf_cstr(&tmp));
            buf_done(&tmp);
        }
    }
    if (onlink.len) {
        struct buf all = BUF_INITIALIZER;
        buf_printf(&all, "%s%s%s", buf_cstr(&onlink), routes.len ? "," : "", buf_cstr(&routes));
        buf_clear(&routes);
        buf_add_str(&routes, buf_cstr(&all));
        buf_done(&all);
    }
    buf_done(&onlink);
    if (routes.len) {
        if (gateway) {
            buf_printf(&routes, ",0.0.0.0/0,%s", gateway);
        }
        buf_printf(lines, "tag:" SUBNET_TAG "%s,option:classless-static-route,%s\n", sub->id,
                   buf_cstr(&routes));
        buf_printf(lines, "tag:" SUBNET_TAG "%s,249,%s\n", sub->id, buf_cstr(&routes));
    }
    if (gateway) {
        buf_printf(lines, "tag:" SUBNET_TAG "%s,option:router,%s\n", sub->id, gateway);
    } else {
        buf_printf(lines, "tag:" SUBNET_TAG "%s,option:router\n", sub->id);
    }
    buf_done(&routes);
    buf_done(&dns);
}

void
dnsmasq_opts(const json_t *info, const struct dnsmasq_settings *s, struct buf *ret)
{
    struct buf lines = BUF_INITIALIZER;
    json_t *no_dns = json_array(), *id;
    const json_t *sj, *port, *f;
    size_t i, j, k;

    json_array_foreach (json_object_get(info, "subnets"), i, sj) {
        struct sub sub = sub_of(sj);
        if (sub.ok && sub.dhcp && !is_slaac(&sub)) {
            subnet_opts(info, &sub, s, &lines, no_dns);
        }
    }
    /* Then each port's own options, as Neutron writes them after the subnets'. */
    json_array_foreach (json_object_get(info, "ports"), i, port) {
        port_opts(port, &lines);
    }
    /* Several DHCP servers on a subnet without DNS servers: offer all of them. */
    json_array_foreach (no_dns, k, id) {
        for (int version = 4; version <= 6; version += 2) {
            struct buf ips = BUF_INITIALIZER;
            int n = 0;
            json_array_foreach (json_object_get(info, "ports"), i, port) {
                const char *owner = str_of(port, "device_owner");
                if (!owner || !STREQ(owner, "network:dhcp")) {
                    continue;
                }
                json_array_foreach (json_object_get(port, "fixed_ips"), j, f) {
                    const char *sid = str_of(f, "subnet_id");
                    char text[IP_STRLEN];
                    struct ip_addr a;
                    if (sid && STREQ(sid, json_string_value(id))
                        && addr_text(str_of(f, "ip_address"), &a, text) && a.family == version) {
                        buf_printf(&ips, version == 6 ? "%s[%s]" : "%s%s", n++ ? "," : "", text);
                    }
                }
            }
            if (n > 1) {
                buf_printf(&lines, "tag:" SUBNET_TAG "%s,%sdns-server,%s\n", json_string_value(id),
                           version == 6 ? "option6:" : "option:", buf_cstr(&ips));
            }
            buf_done(&ips);
        }
    }
    json_decref(no_dns);
    /* Neutron joins the lines with newlines: no newline after the last one. */
    if (lines.len) {
        buf_add(ret, lines.data, lines.len - 1);
    }
    buf_done(&lines);
}

/* --- leases ---------------------------------------------------------------------- */

struct leases_file {
    long long expiry;           /* 0: infinite. */
    struct buf *out;
};

static void
lease_line(const struct port_ip *pi, void *file_)
{
    const struct leases_file *file = file_;

    if (pi->addr.family == 4 && pi->sub.ok && pi->sub.dhcp && pi->sub.ip_version == 4) {
        buf_printf(file->out, "%lld %s %s * *\n", file->expiry, pi->mac, pi->ip);
    }
}

void
dnsmasq_leases(const json_t *info, const struct dnsmasq_settings *s, time_t now,
               struct buf *ret)
{
    struct leases_file file = {
        .expiry = s->lease_duration == -1 ? 0 : (long long) now + s->lease_duration,
        .out = ret,
    };

    each_port_ip(info, lease_line, &file);
}
