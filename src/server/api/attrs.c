/* Request-body checks driven by attribute tables (see attrs.h). */
#include "attrs.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "config.h"
#include "core/rbac.h"
#include "request.h"
#include "ip.h"
#include "ip_protocol.h"
#include "mac.h"
#include "pyfmt.h"
#include "core/flavor.h"
#include "util.h"

const struct attr_def *
attrs_find(const struct resource_def *rd, const char *name)
{
    for (size_t i = 0; i < rd->n_attrs; i++) {
        if (STREQ(rd->attrs[i].name, name)) {
            return &rd->attrs[i];
        }
    }
    return NULL;
}

/* Number of Unicode code points in a UTF-8 string (Python's len()). */
static size_t
utf8_len(const char *s)
{
    size_t n = 0;

    for (; *s; s++) {
        n += ((unsigned char) *s & 0xc0) != 0x80;
    }
    return n;
}

int
attr_convert_bool(const json_t *v, bool *ret)
{
    static const char *const yes[] = { "1", "t", "true", "on", "y", "yes" };
    static const char *const no[] = { "0", "f", "false", "off", "n", "no" };

    if (json_is_boolean(v)) {
        *ret = json_is_true(v);
        return 0;
    }
    if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
        *ret = json_integer_value(v) == 1;
        return 0;
    }
    if (json_is_string(v)) {
        char s[8];
        const char *p = json_string_value(v);
        size_t len;

        while (isspace((unsigned char) *p)) {
            p++;
        }
        len = strlen(p);
        while (len && isspace((unsigned char) p[len - 1])) {
            len--;
        }
        if (len >= sizeof s) {
            return -EINVAL;
        }
        memcpy(s, p, len);
        s[len] = '\0';
        for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
            if (!strcasecmp(s, yes[i])) {
                *ret = true;
                return 0;
            }
            if (!strcasecmp(s, no[i])) {
                *ret = false;
                return 0;
            }
        }
    }
    return -EINVAL;
}

int
attr_convert_int(const json_t *v, json_int_t *ret)
{
    if (json_is_integer(v)) {
        *ret = json_integer_value(v);
        return 0;
    }
    if (json_is_boolean(v)) {
        *ret = json_is_true(v);
        return 0;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d != d || d > 9e18 || d < -9e18) {
            return -EINVAL;
        }
        *ret = (json_int_t) d;
        return 0;
    }
    if (json_is_string(v)) {
        const char *p = json_string_value(v);
        char *end;
        long long x;

        while (isspace((unsigned char) *p)) {
            p++;
        }
        if (!*p) {
            return -EINVAL;
        }
        errno = 0;
        x = strtoll(p, &end, 10);
        while (isspace((unsigned char) *end)) {
            end++;
        }
        if (*end || errno || (!isdigit((unsigned char) *p) && !isdigit((unsigned char) p[1]))) {
            return -EINVAL;
        }
        *ret = x;
        return 0;
    }
    return -EINVAL;
}

/* True if 's' is empty or only white space (Python's "not s.strip()", ASCII). */
static bool
is_blank(const char *s)
{
    while (*s && isspace((unsigned char) *s)) {
        s++;
    }
    return *s == '\0';
}

/* Validator failure: 400 HTTPBadRequest "Invalid input for <attr>. Reason: <why>." */
static int
invalid_attr(struct request *req, const char *attr, struct buf *why)
{
    int r = api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Invalid input for %s. Reason: %s.", attr,
                     buf_cstr(why));
    buf_done(why);
    return r;
}

/* Builds "'<str(v)>' <text>" in 'why'. */
static void
why_value(struct buf *why, const json_t *v, const char *text)
{
    buf_add_char(why, '\'');
    py_str(why, v);
    buf_printf(why, "' %s", text);
}

static bool
is_valid_ip(const json_t *v)
{
    struct ip_addr a;

    return json_is_string(v) && ip_parse(json_string_value(v), &a) == 0;
}

static bool
is_valid_cidr(const char *s)
{
    struct cidr c;

    return strchr(s, '/') && cidr_parse(s, &c) == 0;
}

/* Checks that 'item' is an object with exactly the keys 'a' and 'b'; fills 'why'. */
static bool
check_dict_keys(const json_t *item, const char *a, const char *b, struct buf *why)
{
    if (!json_is_object(item)) {
        buf_add_str(why, "Invalid input. '");
        py_str(why, item);
        buf_printf(why, "' must be a dictionary with keys: ['%s', '%s']", a, b);
        return false;
    }
    if (json_object_size(item) != 2 || !json_object_get(item, a) || !json_object_get(item, b)) {
        const char *key;
        json_t *val;
        bool first = true;

        buf_printf(why, "Validation of dictionary's keys failed. Expected keys: {'%s', '%s'}"
                   " Provided keys: {", a, b);
        json_object_foreach ((json_t *) item, key, val) {
            buf_printf(why, "%s'%s'", first ? "" : ", ", key);
            first = false;
        }
        buf_add_char(why, '}');
        return false;
    }
    return true;
}

static bool
validate_ip_or_why(const json_t *v, struct buf *why)
{
    if (!is_valid_ip(v)) {
        why_value(why, v, "is not a valid IP address");
        return false;
    }
    return true;
}

static bool
validate_pools(const json_t *v, struct buf *why)
{
    size_t i;
    json_t *pool;

    if (!json_is_array(v)) {
        why_value(why, v, "");
        buf_clear(why);
        buf_add_str(why, "Invalid data format for IP pool: '");
        py_str(why, v);
        buf_add_char(why, '\'');
        return false;
    }
    json_array_foreach (v, i, pool) {
        if (!check_dict_keys(pool, "start", "end", why)
            || !validate_ip_or_why(json_object_get(pool, "start"), why)
            || !validate_ip_or_why(json_object_get(pool, "end"), why)) {
            return false;
        }
    }
    return true;
}

static bool
validate_nameservers(const json_t *v, struct buf *why)
{
    size_t i, j;
    json_t *host, *prev;

    if (!json_is_array(v)) {
        buf_add_str(why, "Invalid data format for nameserver: '");
        py_str(why, v);
        buf_add_char(why, '\'');
        return false;
    }
    json_array_foreach (v, i, host) {
        if (!is_valid_ip(host)) {
            buf_add_char(why, '\'');
            py_str(why, host);
            buf_add_str(why, "' is not a valid nameserver. '");
            py_str(why, host);
            buf_add_str(why, "' is not a valid IP address");
            return false;
        }
        json_array_foreach (v, j, prev) {
            if (j >= i) {
                break;
            }
            if (json_equal(prev, host)) {
                buf_add_str(why, "Duplicate nameserver '");
                py_str(why, host);
                buf_add_char(why, '\'');
                return false;
            }
        }
    }
    return true;
}

static bool
validate_hostroutes(const json_t *v, struct buf *why)
{
    size_t i, j;
    json_t *route, *prev;

    if (!json_is_array(v)) {
        buf_add_str(why, "Invalid data format for hostroute: '");
        py_str(why, v);
        buf_add_char(why, '\'');
        return false;
    }
    json_array_foreach (v, i, route) {
        const json_t *dest, *hop;
        struct cidr c;

        if (!check_dict_keys(route, "destination", "nexthop", why)) {
            return false;
        }
        dest = json_object_get(route, "destination");
        hop = json_object_get(route, "nexthop");
        if (!json_is_string(dest) || !is_valid_cidr(json_string_value(dest))) {
            why_value(why, dest, "is not a valid CIDR");
            return false;
        }
        cidr_parse(json_string_value(dest), &c);
        if (cidr_first(&c) != c.addr.v) {
            char norm[CIDR_STRLEN];
            cidr_normalize(&c);
            cidr_format(&c, norm);
            buf_add_char(why, '\'');
            py_str(why, dest);
            buf_printf(why, "' is not a recognized CIDR, '%s' is recommended", norm);
            return false;
        }
        if (!validate_ip_or_why(hop, why)) {
            return false;
        }
        json_array_foreach (v, j, prev) {
            if (j >= i) {
                break;
            }
            if (json_equal(prev, route)) {
                buf_add_str(why, "Duplicate hostroute '");
                py_repr(why, route);
                buf_add_char(why, '\'');
                return false;
            }
        }
    }
    return true;
}

static bool
validate_fixed_ips(const json_t *v, struct buf *why)
{
    size_t i, j;
    json_t *fip, *prev;

    if (!json_is_array(v)) {
        buf_add_str(why, "Invalid data format for fixed IP: '");
        py_str(why, v);
        buf_add_char(why, '\'');
        return false;
    }
    json_array_foreach (v, i, fip) {
        const json_t *ip, *subnet;

        if (!json_is_object(fip)) {
            buf_add_str(why, "Invalid data format for fixed IP: '");
            py_str(why, fip);
            buf_add_char(why, '\'');
            return false;
        }
        ip = json_object_get(fip, "ip_address");
        subnet = json_object_get(fip, "subnet_id");
        if (ip) {
            json_array_foreach (v, j, prev) {
                if (j >= i) {
                    break;
                }
                if (json_is_object(prev) && json_equal(json_object_get(prev, "ip_address"), ip)) {
                    buf_add_str(why, "Duplicate IP address '");
                    py_str(why, ip);
                    buf_add_char(why, '\'');
                    return false;
                }
            }
            if (!validate_ip_or_why(ip, why)) {
                return false;
            }
        }
        if (subnet && (!json_is_string(subnet) || !uuid_is_valid(json_string_value(subnet)))) {
            why_value(why, subnet, "is not a valid UUID");
            return false;
        }
    }
    return true;
}

static bool json_truthy(const json_t *v);

/* external_gateway_info's keys, in the order Neutron's table lists them. */
static const char *const gateway_keys[] = { "network_id", "external_fixed_ips", "enable_snat" };

/* Neutron's dict validator over a gateway: the required key, no unknown key, then each
 * value; enable_snat is converted to a boolean in '*ret_snat' (-1: not given).  Returns
 * 0, 1 (a reason in 'why'), or -1 (enable_snat is no boolean: InvalidInput answered). */
static int
check_gateway_info(struct request *req, const json_t *v, struct buf *why, int *ret_snat)
{
    const json_t *net = json_object_get(v, "network_id");
    const json_t *ips = json_object_get(v, "external_fixed_ips");
    const json_t *snat = json_object_get(v, "enable_snat");
    const char *key;
    json_t *val;
    bool first = true, b;

    *ret_snat = -1;
    if (!json_is_object(v)) {
        why_value(why, v, "is not a dictionary");
        return 1;
    }
    if (!net) {
        buf_add_str(why, "Validation of dictionary's keys failed. Expected keys:"
                    " {'network_id'} Provided keys: {");
        json_object_foreach ((json_t *) v, key, val) {
            buf_printf(why, "%s'%s'", first ? "" : ", ", key);
            first = false;
        }
        buf_add_char(why, '}');
        return 1;
    }
    json_object_foreach ((json_t *) v, key, val) {
        bool known = false;
        for (size_t i = 0; i < ARRAY_SIZE(gateway_keys) && !known; i++) {
            known = STREQ(key, gateway_keys[i]);
        }
        if (!known) {
            buf_printf(why, "%s%s", first ? "Unexpected keys supplied: " : ", ", key);
            first = false;
        }
    }
    if (!first) {
        return 1;
    }
    if (!json_is_string(net) || !uuid_is_valid(json_string_value(net))) {
        why_value(why, net, "is not a valid UUID");
        return 1;
    }
    if (ips && !validate_fixed_ips(ips, why)) {
        return 1;
    }
    if (snat) {
        if (attr_convert_bool(snat, &b)) {
            py_str(why, snat);
            api_fail(req, API_ERR_INVALID_INPUT, "'%s' cannot be converted to boolean",
                     buf_cstr(why));
            buf_done(why);
            return -1;
        }
        *ret_snat = b;
    }
    return 0;
}

static json_t *
convert_gateway_info(struct request *req, const struct attr_def *a, json_t *v)
{
    struct buf why = BUF_INITIALIZER;
    json_t *out;
    int snat;
    int r;

    /* "dict_or_nodata": a value Python finds false is no gateway. */
    if (!json_truthy(v)) {
        return json_object();
    }
    r = check_gateway_info(req, v, &why, &snat);
    if (r) {
        if (r > 0) {
            invalid_attr(req, a->name, &why);
        }
        return NULL;
    }
    out = json_deep_copy(v);
    if (snat >= 0) {
        json_object_set_new(out, "enable_snat", json_boolean(snat));
    }
    return out;
}

/* The length of the JSON text Python's json.dumps() makes of a list of strings
 * (ASCII only, ", " between items). */
static size_t
python_json_len(const json_t *list)
{
    size_t i, len = 2;
    json_t *item;

    json_array_foreach (list, i, item) {
        char *text = json_dumps(item, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
        len += (text ? strlen(text) : 0) + (i ? 2 : 0);
        free(text);
    }
    return len;
}

/* Neutron's list check: 'v' is a list in which no value appears twice (every value
 * seen more than once is named once, in the order of its second appearance). */
static bool
validate_list_unique(const json_t *v, struct buf *why)
{
    size_t i, j;
    json_t *item, *prev;
    bool first = true;

    if (!json_is_array(v)) {
        why_value(why, v, "is not a list");
        return false;
    }
    /* Every value seen more than once, each named once, in the order of their
     * second appearance. */
    json_array_foreach (v, i, item) {
        bool seen = false, named = false;
        json_array_foreach (v, j, prev) {
            if (j >= i) {
                break;
            }
            if (json_equal(prev, item)) {
                named = named || seen;
                seen = true;
            }
        }
        if (seen && !named) {
            buf_add_str(why, first ? "Duplicate items in the list: '" : ", ");
            py_str(why, item);
            first = false;
        }
    }
    if (!first) {
        buf_add_char(why, '\'');
        return false;
    }
    return true;
}

/* A list of UUIDs (a port's security_groups): a list, no item twice, each a UUID. */
static bool
validate_uuid_list(const json_t *v, struct buf *why)
{
    size_t i;
    json_t *item;

    if (!validate_list_unique(v, why)) {
        return false;
    }
    json_array_foreach (v, i, item) {
        if (!json_is_string(item) || !uuid_is_valid(json_string_value(item))) {
            why_value(why, item, "is not a valid UUID");
            return false;
        }
    }
    return true;
}

/* A list of CIDRs (a subnet pool's prefixes), as Neutron's subnet_list: a list, no
 * item twice, each an address with its prefix length ("10.0.0.5" alone is refused
 * with the network Neutron recommends instead). */
static bool
validate_subnet_list(const json_t *v, struct buf *why)
{
    size_t i;
    json_t *item;

    if (!validate_list_unique(v, why)) {
        return false;
    }
    json_array_foreach (v, i, item) {
        const char *text = json_string_value(item);
        struct ip_addr a;

        if (text && !strchr(text, '/') && !ip_parse(text, &a)) {
            char addr[IP_STRLEN];
            ip_format(&a, addr);
            buf_printf(why, "'%s' isn't a recognized IP subnet cidr, '%s/%d' is recommended",
                       text, addr, a.family == 4 ? 32 : 128);
            return false;
        }
        if (!text || !is_valid_cidr(text)) {
            why_value(why, item, "is not a valid IP subnet");
            return false;
        }
    }
    return true;
}

/* 'text' ("a.b.c.d" or "a.b.c.d/n", decimal) without the leading zeros netaddr reads
 * past, into 'out'.  False if it is not of that form. */
static bool
ipv4_without_leading_zeros(const char *text, char out[CIDR_STRLEN])
{
    size_t o = 0;
    int parts = 0;

    for (const char *p = text; *p; parts++) {
        size_t n = strspn(p, "0123456789");
        char sep = p[n];
        if (n == 0 || n > 8 || (sep && sep != '.' && sep != '/') || o + n + 1 >= CIDR_STRLEN) {
            return false;
        }
        while (n > 1 && *p == '0') {
            p++, n--;
        }
        memcpy(out + o, p, n);
        o += n;
        p += n;
        if (sep) {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return parts >= 4;
}

/* An allowed address pair's ip_address: an address, or a network with '/'.  Answers
 * 'req' (400 HTTPBadRequest) and returns false when it is neither. */
static bool
check_pair_address(struct request *req, const json_t *ip)
{
    struct buf text = BUF_INITIALIZER;
    const char *s = json_string_value(ip);
    bool ok = true;

    py_str(&text, ip);
    if (s && strchr(s, '/')) {
        char stripped[CIDR_STRLEN];
        struct cidr c;
        if (cidr_parse(s, &c) && ipv4_without_leading_zeros(s, stripped)
            && !cidr_parse(stripped, &c)) {
            cidr_normalize(&c);
            cidr_format(&c, stripped);
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'%s' isn't a recognized IP subnet cidr,"
                     " '%s' is recommended", s, stripped);
            ok = false;
        } else if (cidr_parse(s, &c)) {
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'%s' is not a valid IP subnet",
                     buf_cstr(&text));
            ok = false;
        } else if (!strchr(s, ':')) {
            /* An IPv4 network must be written as netaddr writes it. */
            char canon[CIDR_STRLEN];
            cidr_format(&c, canon);
            if (!STREQ(canon, s)) {
                cidr_normalize(&c);
                cidr_format(&c, canon);
                api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'%s' isn't a recognized IP subnet"
                         " cidr, '%s' is recommended", s, canon);
                ok = false;
            }
        }
    } else if (!is_valid_ip(ip)) {
        char stripped[CIDR_STRLEN];
        struct ip_addr a;
        if (s && ipv4_without_leading_zeros(s, stripped) && !strchr(stripped, '/')
            && !ip_parse(stripped, &a)) {
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'%s' is not an accepted IP address,"
                     " '%s' is recommended", s, stripped);
        } else {
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'%s' is not a valid IP address",
                     buf_cstr(&text));
        }
        ok = false;
    }
    buf_done(&text);
    return ok;
}

/* One allowed address pair, at index 'i' of 'pairs', in neutron-lib's order of checks:
 * a dictionary, a valid MAC if one is given, an ip_address, not the same (MAC as given,
 * address) as an earlier pair, no other key, a valid address.  Returns false after
 * answering 'req'. */
static bool
check_address_pair(struct request *req, const json_t *pairs, size_t i)
{
    const json_t *pair = json_array_get(pairs, i), *mac, *ip, *prev, *val;
    struct buf why = BUF_INITIALIZER;
    const char *key;
    struct mac m;
    size_t j;

    if (!json_is_object(pair)) {
        why_value(&why, pair, "is not a dictionary");
        invalid_attr(req, "allowed_address_pairs", &why);
        return false;
    }
    mac = json_object_get(pair, "mac_address");
    ip = json_object_get(pair, "ip_address");
    if (mac && (!json_is_string(mac) || mac_parse(json_string_value(mac), &m)
                || mac_is_reserved(&m))) {
        py_str(&why, mac);
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'%s' is not a valid MAC address",
                 buf_cstr(&why));
        buf_done(&why);
        return false;
    }
    if (!ip) {
        api_fail(req, API_ERR_ADDRESS_PAIRS_MISSING_IP,
                 "AllowedAddressPair must contain ip_address");
        return false;
    }
    json_array_foreach (pairs, j, prev) {
        if (j >= i) {
            break;
        }
        if (json_equal(json_object_get(prev, "ip_address"), ip)
            && (mac ? json_equal(json_object_get(prev, "mac_address"), mac)
                    : !json_object_get(prev, "mac_address"))) {
            if (mac) {
                py_str(&why, mac);
            } else {
                buf_add_str(&why, "None");
            }
            buf_add_str(&why, " ip_address ");
            py_str(&why, ip);
            api_fail(req, API_ERR_ADDRESS_PAIR_DUPLICATE, "Request contains duplicate address"
                     " pair: mac_address %s.", buf_cstr(&why));
            buf_done(&why);
            return false;
        }
    }
    json_object_foreach ((json_t *) pair, key, val) {
        if (!STREQ(key, "mac_address") && !STREQ(key, "ip_address")) {
            buf_printf(&why, "%s%s", why.len ? ", " : "", key);
        }
    }
    if (why.len) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Unrecognized attribute(s) '%s'",
                 buf_cstr(&why));
        buf_done(&why);
        return false;
    }
    return check_pair_address(req, ip);
}

/* allowed_address_pairs: null is [], else a list of at most max_allowed_address_pair
 * pairs.  The pairs are kept as given: Neutron stores and shows their text. */
static json_t *
convert_address_pairs(struct request *req, json_t *v)
{
    int max = req->app->cfg->max_allowed_address_pair;

    if (json_is_null(v)) {
        return json_array();
    }
    if (!json_is_array(v)) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Allowed address pairs must be a list.");
        return NULL;
    }
    if (json_array_size(v) > (size_t) max) {
        api_fail(req, API_ERR_ADDRESS_PAIRS_EXHAUSTED, "The number of allowed address pair"
                 " exceeds the maximum %d.", max);
        return NULL;
    }
    for (size_t i = 0; i < json_array_size(v); i++) {
        if (!check_address_pair(req, v, i)) {
            return NULL;
        }
    }
    return json_incref(v);
}

static bool
value_allowed(const struct attr_def *a, const json_t *v)
{
    char text[32];

    if (json_is_integer(v)) {
        snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    } else if (json_is_string(v)) {
        for (const char *const *p = a->values; *p; p++) {
            if (STREQ(*p, json_string_value(v))) {
                return true;
            }
        }
        return false;
    } else {
        return false;
    }
    for (const char *const *p = a->values; *p; p++) {
        if (STREQ(*p, text)) {
            return true;
        }
    }
    return false;
}

/* The protocols a security group rule may name, as Neutron's error lists them. */
static const char sg_protocols_text[] =
    "[None, 'ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', 'ip', 'ipip',"
    " 'ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts',"
    " 'ipv6-route', 'ospf', 'pgm', 'rsvp', 'sctp', 'tcp', 'udp', 'udplite', 'vrrp']";

/* A rule's protocol: null; a number 0..255 (as decimal text); or a known name in any
 * case, lower-cased. */
static json_t *
convert_sg_protocol(struct request *req, json_t *v)
{
    struct buf text = BUF_INITIALIZER;
    json_int_t n;

    if (json_is_null(v)) {
        return json_null();
    }
    if (json_is_integer(v) || json_is_string(v)) {
        if (!attr_convert_int(v, &n)) {
            if (n >= 0 && n <= 255) {
                /* Written as decimal, so that "06" and 6 name the same protocol. */
                buf_printf(&text, "%" JSON_INTEGER_FORMAT, n);
                json_t *out = json_string(buf_cstr(&text));
                buf_done(&text);
                return out;
            }
        } else if (ip_protocol_canonical(json_string_value(v))) {
            return json_string(ip_protocol_canonical(json_string_value(v)));
        }
    }
    py_str(&text, v);
    api_fail(req, API_ERR_SG_RULE_INVALID_PROTOCOL, "Security group rule protocol %s not"
             " supported. Only protocol values %s and integer representations [0 to 255] are"
             " supported.", buf_cstr(&text), sg_protocols_text);
    buf_done(&text);
    return NULL;
}

/* A rule's port: null, or an integer 0..65535 in any form int() takes. */
static json_t *
convert_sg_port(struct request *req, json_t *v)
{
    struct buf text = BUF_INITIALIZER;
    json_int_t n;

    if (json_is_null(v)) {
        return json_null();
    }
    if (!attr_convert_int(v, &n) && n >= 0 && n <= 65535) {
        return json_integer(n);
    }
    py_str(&text, v);
    api_fail(req, API_ERR_SG_INVALID_PORT_VALUE, "Invalid value for port %s", buf_cstr(&text));
    buf_done(&text);
    return NULL;
}

static json_t *
convert_sg_ethertype(struct request *req, json_t *v)
{
    struct buf text = BUF_INITIALIZER;

    if (json_is_string(v) && !strcasecmp(json_string_value(v), "IPv4")) {
        return json_string("IPv4");
    }
    if (json_is_string(v) && !strcasecmp(json_string_value(v), "IPv6")) {
        return json_string("IPv6");
    }
    py_str(&text, v);
    api_fail(req, API_ERR_SG_RULE_INVALID_ETHERTYPE, "Security group rule for ethertype '%s'"
             " not supported. Allowed values are ['IPv4', 'IPv6'].", buf_cstr(&text));
    buf_done(&text);
    return NULL;
}

/* A rule's remote_ip_prefix: empty means none; an address gets its full length; the
 * address is written canonically, its host bits kept. */
static json_t *
convert_sg_prefix(struct request *req, json_t *v)
{
    struct buf text = BUF_INITIALIZER;
    char out[CIDR_STRLEN];
    struct cidr c;

    if (json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
        return json_null();
    }
    if (json_is_string(v) && !cidr_parse(json_string_value(v), &c)) {
        cidr_format(&c, out);
        return json_string(out);
    }
    py_str(&text, v);
    api_fail(req, API_ERR_INVALID_CIDR, "Invalid CIDR %s given as IP prefix.",
             buf_cstr(&text));
    buf_done(&text);
    return NULL;
}

/* An RBAC policy's object_type, as Neutron's convert_valid_object_type() takes it. */
static json_t *
convert_rbac_object_type(struct request *req, json_t *v)
{
    struct buf text = BUF_INITIALIZER;
    char type[RBAC_TYPE_LEN];

    if (json_is_string(v) && rbac_object_type_normalize(json_string_value(v), type)) {
        return json_string(type);
    }
    py_str(&text, v);
    api_fail(req, API_ERR_INVALID_INPUT, "'%s' is not a valid RBAC object type",
             buf_cstr(&text));
    buf_done(&text);
    return NULL;
}

/* Python's truth value of a JSON value (Neutron tests "if not body[...]"). */
static bool
json_truthy(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return json_object_size(v) > 0;
    case JSON_ARRAY: return json_array_size(v) > 0;
    case JSON_STRING: return json_string_length(v) > 0;
    case JSON_INTEGER: return json_integer_value(v) != 0;
    case JSON_REAL: return json_real_value(v) != 0;
    case JSON_TRUE: return true;
    default: return false;
    }
}

static int
compare_json_strings(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *) a),
                  json_string_value(*(json_t *const *) b));
}

/* A subnet's service_types as Neutron's validator takes them (docs/behaviour/ipam.md
 * §5.7): anything empty is none; otherwise a list of strings, each starting with a
 * device owner prefix.  Returns them sorted (Neutron shows them in its key's order),
 * or NULL after answering 'req'. */
static json_t *
convert_service_types(struct request *req, json_t *v)
{
    /* Zed's validator means "network:", "neutron:" and "compute:", but it extends its
     * list of prefixes by the string "compute:", so each of that word's characters is
     * a prefix of its own: "test:type_1" passes (tempest relies on it), "foo:x" does
     * not.  neutrino takes what Zed takes. */
    static const char *const prefixes[] = { "network:", "neutron:", "c", "o", "m", "p", "u",
                                            "t", "e", ":" };
    struct buf why = BUF_INITIALIZER;
    json_t **items, *out, *t;
    size_t i, n;

    if (!json_truthy(v)) {
        return json_array();
    }
    if (!json_is_array(v)) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Subnet service types must be a list.");
        return NULL;
    }
    json_array_foreach (v, i, t) {
        bool known = false;
        if (!json_is_string(t)) {
            py_str(&why, t);
            api_fail(req, API_ERR_INVALID_INPUT_SUBNET_SERVICE_TYPE,
                     "Subnet service type %s is not a string.", buf_cstr(&why));
            buf_done(&why);
            return NULL;
        }
        for (size_t k = 0; k < ARRAY_SIZE(prefixes); k++) {
            known = known || str_startswith(json_string_value(t), prefixes[k]);
        }
        if (!known) {
            api_fail(req, API_ERR_INVALID_SUBNET_SERVICE_TYPE, "Subnet service type %s does"
                     " not correspond to a valid device owner.", json_string_value(t));
            return NULL;
        }
    }
    n = json_array_size(v);
    items = xcalloc(n, sizeof *items);
    json_array_foreach (v, i, t) {
        items[i] = t;
    }
    qsort(items, n, sizeof *items, compare_json_strings);
    out = json_array();
    for (i = 0; i < n; i++) {
        json_array_append(out, items[i]);
    }
    free(items);
    return out;
}

/* --- extra_dhcp_opts (api.md §13.7) ---------------------------------------------- */

#define DHCP_OPT_NAME_MAX_LEN 64
#define DHCP_OPT_VALUE_MAX_LEN 255

/* The length of the line break at 's' as Python's splitlines() knows them (\r\n is
 * one), 0 if none. */
static size_t
line_break_len(const char *s)
{
    const unsigned char *u = (const unsigned char *) s;

    if (u[0] == '\r') {
        return u[1] == '\n' ? 2 : 1;
    }
    if (u[0] == '\n' || u[0] == '\v' || u[0] == '\f' || (u[0] >= 0x1c && u[0] <= 0x1e)) {
        return 1;
    }
    if (u[0] == 0xc2 && u[1] == 0x85) {
        return 2;
    }
    return u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9) ? 3 : 0;
}

/* Whether 's' is more than one line for splitlines(): a break followed by anything. */
static bool
is_multiline(const char *s)
{
    for (; *s; s++) {
        size_t n = line_break_len(s);
        if (n && s[n]) {
            return true;
        }
        s += n ? n - 1 : 0;
    }
    return false;
}

/* neutron-lib's oneline_not_empty_string(max_len). */
static bool
is_oneline_not_empty(const json_t *v, size_t max_len)
{
    const char *s = json_string_value(v);

    return s && utf8_len(s) <= max_len && !is_blank(s) && !is_multiline(s);
}

/* Matches option 'opt' against one of the two key specs ('blank': the spec of the
 * options that may be blank, "router" and "classless-static-route").  As in
 * neutron-lib, the keys are checked in order (opt_name, opt_value, ip_version) and
 * ip_version is converted in place when reached, so a later spec and the error message
 * see the converted value.  Returns 1 on a match, 0 if none, -1 after answering 'req'
 * (an ip_version that is no integer). */
static int
match_dhcp_opt_spec(struct request *req, json_t *opt, bool blank)
{
    const json_t *name = json_object_get(opt, "opt_name");
    const json_t *value = json_object_get(opt, "opt_value");
    json_t *version = json_object_get(opt, "ip_version");
    struct buf why = BUF_INITIALIZER;
    json_int_t v;
    const char *key;
    json_t *val;

    if (!name || !value) {
        return 0;
    }
    json_object_foreach (opt, key, val) {
        if (!STREQ(key, "opt_name") && !STREQ(key, "opt_value") && !STREQ(key, "ip_version")) {
            return 0;
        }
    }
    if (blank ? !json_is_string(name) || (!STREQ(json_string_value(name), "router")
                                          && !STREQ(json_string_value(name),
                                                    "classless-static-route"))
              : !is_oneline_not_empty(name, DHCP_OPT_NAME_MAX_LEN)) {
        return 0;
    }
    if (!json_is_null(value)
        && (blank ? !json_is_string(value)
                        || utf8_len(json_string_value(value)) > DHCP_OPT_VALUE_MAX_LEN
                  : !is_oneline_not_empty(value, DHCP_OPT_VALUE_MAX_LEN))) {
        return 0;
    }
    if (!version) {
        return 1;
    }
    if (attr_convert_int(version, &v)) {
        py_str(&why, version);
        api_fail(req, API_ERR_INVALID_INPUT, "'%s' is not an integer", buf_cstr(&why));
        buf_done(&why);
        return -1;
    }
    json_object_set_new(opt, "ip_version", json_integer(v));
    return v == 4 || v == 6;
}

/* Whether option 'i' of 'opts' names the same (opt_name, ip_version) as an earlier
 * one: Zed's database refuses the second (its unique key), so the request fails with
 * Zed's error; here before anything is written. */
static const json_t *
earlier_same_dhcp_opt(const json_t *opts, size_t i)
{
    const json_t *opt = json_array_get(opts, i), *prev;
    json_int_t version = json_integer_value(json_object_get(opt, "ip_version"));
    size_t j;

    json_array_foreach (opts, j, prev) {
        if (j >= i) {
            break;
        }
        if (json_equal(json_object_get(prev, "opt_name"), json_object_get(opt, "opt_name"))
            && version == json_integer_value(json_object_get(prev, "ip_version"))) {
            return prev;
        }
    }
    return NULL;
}

/* extra_dhcp_opts: null stays null (an update then changes nothing), else a list with
 * no item twice, each item matching a key spec; a missing ip_version becomes 4. */
static json_t *
convert_extra_dhcp_opts(struct request *req, json_t *v)
{
    struct buf why = BUF_INITIALIZER;
    json_t *out, *opt;
    size_t i;

    if (json_is_null(v)) {
        return json_null();
    }
    if (!validate_list_unique(v, &why)) {
        api_fail(req, API_ERR_INVALID_INPUT, "%s", buf_cstr(&why));
        buf_done(&why);
        return NULL;
    }
    out = json_deep_copy(v);
    json_array_foreach (out, i, opt) {
        int m = json_is_object(opt) ? match_dhcp_opt_spec(req, opt, true) : 0;
        m = m == 0 && json_is_object(opt) ? match_dhcp_opt_spec(req, opt, false) : m;
        if (m == 0) {
            py_str(&why, opt);
            api_fail(req, API_ERR_INVALID_INPUT, "No valid key specs matched for: %s",
                     buf_cstr(&why));
        }
        if (m <= 0) {
            buf_done(&why);
            json_decref(out);
            return NULL;
        }
    }
    json_array_foreach (out, i, opt) {
        if (!json_object_get(opt, "ip_version")) {
            json_object_set_new(opt, "ip_version", json_integer(4));
        }
    }
    json_array_foreach (out, i, opt) {
        if (earlier_same_dhcp_opt(out, i)) {
            api_fail(req, API_ERR_DUPLICATE_DHCP_OPT, "Failed to create a duplicate"
                     " ExtraDhcpOpt: for attribute(s) ['port_id', 'opt_name', 'ip_version']"
                     " with value(s) None");
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

/* A flavor's service_type: the type of a service plugin this server has (Zed's
 * type:service_plugin_type), else InvalidServiceType naming what was given. */
static json_t *
convert_service_type(struct request *req, json_t *v)
{
    struct buf text = BUF_INITIALIZER;

    if (json_is_string(v) && flavor_service_type_known(json_string_value(v))) {
        return json_incref(v);
    }
    py_str(&text, v);
    api_fail(req, API_ERR_INVALID_SERVICE_TYPE, "Invalid service type: %s.", buf_cstr(&text));
    buf_done(&text);
    return NULL;
}

/* A service profile's metainfo: Zed keeps whatever scalar it is given as its Python
 * text (and fails with a 500 on a list or an object, which are refused here). */
static json_t *
convert_metainfo(struct request *req, const struct attr_def *a, json_t *v)
{
    struct buf text = BUF_INITIALIZER;
    json_t *out;

    if (json_is_null(v) || json_is_string(v)) {
        return json_incref(v);
    }
    if (json_is_array(v) || json_is_object(v)) {
        why_value(&text, v, "is not a valid string");
        invalid_attr(req, a->name, &text);
        return NULL;
    }
    py_str(&text, v);
    out = json_string(buf_cstr(&text));
    buf_done(&text);
    return out;
}

#define SEG_TYPE "provider:network_type"
#define SEG_PHYSNET "provider:physical_network"
#define SEG_ID "provider:segmentation_id"

/* A segment's type or physnet as ML2 reads it: null stays null, anything else is the
 * text Python's str() gives it. */
static json_t *
segment_text(const json_t *v)
{
    struct buf text = BUF_INITIALIZER;
    json_t *out;

    if (!v || json_is_null(v)) {
        return json_null();
    }
    if (json_is_string(v)) {
        return json_incref((json_t *) v);
    }
    py_str(&text, v);
    out = json_string(buf_cstr(&text));
    buf_done(&text);
    return out;
}

/* One item of "segments" with its three keys (neutron-lib's convert_and_validate_segments),
 * or NULL after answering 'req'. */
static json_t *
convert_segment(struct request *req, const json_t *seg)
{
    struct buf why = BUF_INITIALIZER;
    const json_t *id = json_object_get(seg, SEG_ID);
    const char *key;
    json_t *out, *v;
    json_int_t n;

    json_object_foreach ((json_t *) seg, key, v) {
        if (!STREQ(key, SEG_TYPE) && !STREQ(key, SEG_PHYSNET) && !STREQ(key, SEG_ID)) {
            buf_printf(&why, "%s%s", why.len ? ", " : "", key);
        }
    }
    if (why.len) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Unrecognized attribute(s) '%s'",
                 buf_cstr(&why));
        buf_done(&why);
        return NULL;
    }
    out = json_object();
    json_object_set_new(out, SEG_TYPE, segment_text(json_object_get(seg, SEG_TYPE)));
    json_object_set_new(out, SEG_PHYSNET, segment_text(json_object_get(seg, SEG_PHYSNET)));
    if (!id || !json_truthy(id)) {
        json_object_set_new(out, SEG_ID, json_null());
    } else if (attr_convert_int(id, &n)) {
        why_value(&why, id, "is not an integer");
        api_fail(req, API_ERR_INVALID_INPUT, "%s", buf_cstr(&why));
        buf_done(&why);
        json_decref(out);
        return NULL;
    } else {
        json_object_set_new(out, SEG_ID, json_integer(n));
    }
    return out;
}

/* segments: a list of dictionaries, each converted by convert_segment(). */
static json_t *
convert_segments(struct request *req, const struct attr_def *a, json_t *v)
{
    struct buf why = BUF_INITIALIZER;
    json_t *out, *seg;
    size_t i;

    if (!json_is_array(v)) {
        why_value(&why, v, "is not a list");
        invalid_attr(req, a->name, &why);
        return NULL;
    }
    out = json_array();
    json_array_foreach (v, i, seg) {
        json_t *one;
        if (!json_is_object(seg)) {
            why_value(&why, seg, "is not a dictionary");
            invalid_attr(req, a->name, &why);
            json_decref(out);
            return NULL;
        }
        one = convert_segment(req, seg);
        if (!one) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, one);
    }
    return out;
}

/* Converts and validates one attribute value.  Returns the converted value (new
 * reference) or NULL after answering 'req'. */
static json_t *
convert_value(struct request *req, const struct attr_def *a, json_t *v)
{
    struct buf why = BUF_INITIALIZER;
    json_int_t i;
    bool b;

    switch (a->kind) {
    case AK_ANY:
        return json_incref(v);
    case AK_SERVICE_TYPE:
        return convert_service_type(req, v);
    case AK_METAINFO:
        return convert_metainfo(req, a, v);
    case AK_STRING:
        if (json_is_null(v) && a->null_is_empty) {
            return json_string("");
        }
        if (json_is_null(v) && a->null_ok) {
            return json_null();
        }
        if (!json_is_string(v)) {
            why_value(&why, v, "is not a valid string");
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        if (a->max_len && utf8_len(json_string_value(v)) > (size_t) a->max_len) {
            why_value(&why, v, "");
            buf_clear(&why);
            buf_add_char(&why, '\'');
            py_str(&why, v);
            buf_printf(&why, "' exceeds maximum length of %d", a->max_len);
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        if (a->not_empty && is_blank(json_string_value(v))) {
            why_value(&why, v, "Blank strings are not permitted");
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        if (a->not_default && !strcasecmp(json_string_value(v), "default")) {
            api_fail(req, API_ERR_SG_DEFAULT_ALREADY_EXISTS,
                     "Default security group already exists.");
            return NULL;
        }
        return json_incref(v);
    case AK_BOOL:
        if (json_is_null(v) && a->null_ok) {
            return json_null();
        }
        if (attr_convert_bool(v, &b)) {
            py_str(&why, v);
            api_fail(req, API_ERR_INVALID_INPUT, "'%s' cannot be converted to boolean",
                     buf_cstr(&why));
            buf_done(&why);
            return NULL;
        }
        return json_boolean(b);
    case AK_INT:
    case AK_NON_NEGATIVE:
        if (attr_convert_int(v, &i)) {
            py_str(&why, v);
            api_fail(req, API_ERR_INVALID_INPUT, "'%s' is not an integer", buf_cstr(&why));
            buf_done(&why);
            return NULL;
        }
        if (a->kind == AK_NON_NEGATIVE && i < 0) {
            buf_printf(&why, "'%" JSON_INTEGER_FORMAT "' should be non-negative", i);
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        if (a->values) {
            json_t *conv = json_integer(i);
            if (!value_allowed(a, conv)) {
                buf_printf(&why, "%" JSON_INTEGER_FORMAT " is not in valid_values", i);
                json_decref(conv);
                invalid_attr(req, a->name, &why);
                return NULL;
            }
            return conv;
        }
        return json_integer(i);
    case AK_UUID_OR_NULL:
        if (json_is_null(v)) {
            return json_null();
        }
        /* fall through */
    case AK_UUID:
        if (!json_is_string(v) || !uuid_is_valid(json_string_value(v))) {
            why_value(&why, v, "is not a valid UUID");
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        return json_incref(v);
    case AK_MAC: {
        struct mac m;
        char text[MAC_STRLEN];
        if (json_is_null(v) && req->app) {
            /* port-mac-address-regenerate: null asks for a new random MAC from
             * base_mac, on create and update alike (docs/behaviour/ipam.md §6). */
            mac_generate(&req->app->base_mac, &m);
            mac_format(&m, text);
            return json_string(text);
        }
        if (!json_is_string(v) || mac_parse(json_string_value(v), &m) || mac_is_reserved(&m)) {
            why_value(&why, v, "is not a valid MAC address");
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        mac_format(&m, text);
        return json_string(text);
    }
    case AK_IP_OR_NULL:
        if (json_is_null(v)) {
            return json_null();
        }
        if (!validate_ip_or_why(v, &why)) {
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        return json_incref(v);
    case AK_CIDR: {
        struct cidr c;
        char text[CIDR_STRLEN], addr[IP_STRLEN];
        if (!json_is_string(v) || cidr_parse(json_string_value(v), &c)) {
            py_str(&why, v);
            api_fail(req, API_ERR_INVALID_INPUT, "%s is not in a CIDR format", buf_cstr(&why));
            buf_done(&why);
            return NULL;
        }
        ip_format(&c.addr, addr);
        snprintf(text, sizeof text, "%s/%d", addr, c.prefix);
        return json_string(text);
    }
    case AK_VALUES_OR_NULL:
        if (json_is_null(v)) {
            return json_null();
        }
        /* fall through */
    case AK_VALUES:
        if (!value_allowed(a, v)) {
            py_str(&why, v);
            buf_add_str(&why, " is not in valid_values");
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        return json_incref(v);
    case AK_DICT_OR_NULL:
        if (!json_is_null(v) && !json_is_object(v)) {
            why_value(&why, v, "is not a dictionary");
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        return json_is_null(v) ? json_object() : json_incref(v);
    case AK_STRING_LIST: {
        size_t k;
        json_t *item;
        if (!validate_list_unique(v, &why)) {
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        json_array_foreach (v, k, item) {
            if (!json_is_string(item)) {
                why_value(&why, item, "is not a valid string");
                invalid_attr(req, a->name, &why);
                return NULL;
            }
        }
        if (a->max_len && python_json_len(v) > (size_t) a->max_len) {
            /* Neutron's zone hints: the list as its database column holds it. */
            api_fail(req, API_ERR_INVALID_INPUT, "Too many %s specified", a->name);
            return NULL;
        }
        return json_incref(v);
    }
    case AK_POOLS:
        if (!validate_pools(v, &why)) {
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        return json_incref(v);
    case AK_NAMESERVERS:
        if (json_is_null(v)) {
            return json_array();
        }
        if (!validate_nameservers(v, &why)) {
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        return json_incref(v);
    case AK_HOSTROUTES:
        if (json_is_null(v)) {
            return json_array();
        }
        if (!validate_hostroutes(v, &why)) {
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        return json_incref(v);
    case AK_FIXED_IPS:
        if (!validate_fixed_ips(v, &why)) {
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        return json_incref(v);
    case AK_UUID_LIST:
        if (json_is_null(v)) {
            return json_array();
        }
        if (!validate_uuid_list(v, &why)) {
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        return json_incref(v);
    case AK_ADDRESS_PAIRS:
        return convert_address_pairs(req, v);
    case AK_EXTRA_DHCP_OPTS:
        return convert_extra_dhcp_opts(req, v);
    case AK_SEGMENTS:
        return convert_segments(req, a, v);
    case AK_GATEWAY_INFO:
        return convert_gateway_info(req, a, v);
    case AK_SG_PROTOCOL:
        return convert_sg_protocol(req, v);
    case AK_SG_PORT:
        return convert_sg_port(req, v);
    case AK_SG_ETHERTYPE:
        return convert_sg_ethertype(req, v);
    case AK_RBAC_OBJECT_TYPE:
        return convert_rbac_object_type(req, v);
    case AK_SG_PREFIX:
        return convert_sg_prefix(req, v);
    case AK_SERVICE_TYPES:
        return convert_service_types(req, v);
    case AK_SUBNET_LIST:
        if (json_is_null(v) && a->null_is_empty) {
            return json_array();
        }
        if (!validate_subnet_list(v, &why)) {
            invalid_attr(req, a->name, &why);
            return NULL;
        }
        return json_incref(v);
    }
    return NULL;
}

json_t *
attrs_convert_value(struct request *req, const struct attr_def *a, json_t *v)
{
    return convert_value(req, a, v);
}

/* project_id and tenant_id: equal if both given; the other one filled in. */
static int
check_project(struct request *req, json_t *obj)
{
    json_t *p = json_object_get(obj, "project_id");
    json_t *t = json_object_get(obj, "tenant_id");

    if (p && t && !json_equal(p, t)) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'project_id' and 'tenant_id' do not match");
    }
    return 0;
}

int
attrs_check(struct request *req, const struct resource_def *rd, json_t *obj, bool create,
            json_t **ret)
{
    struct buf unknown = BUF_INITIALIZER;
    const char *key;
    json_t *val, *out;

    if (check_project(req, obj)) {
        return -1;
    }
    size_t n_unknown = 0;

    json_object_foreach (obj, key, val) {
        if (!attrs_find(rd, key)) {
            buf_printf(&unknown, "%s%s", n_unknown++ ? ", " : "", key);
        }
    }
    if (n_unknown) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Unrecognized attribute(s) '%s'",
                 buf_cstr(&unknown));
        buf_done(&unknown);
        return -1;
    }
    for (size_t i = 0; i < rd->n_attrs; i++) {
        const struct attr_def *a = &rd->attrs[i];
        bool given = json_object_get(obj, a->name) != NULL;

        if (create && given && !a->post) {
            return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Attribute '%s' not allowed in POST",
                            a->name);
        }
        if (create && !given && a->required) {
            return api_fail(req, API_ERR_HTTP_BAD_REQUEST,
                            "Failed to parse request. Required attribute '%s' not specified",
                            a->name);
        }
        if (!create && STREQ(a->name, "tenant_id")) {
            /* Neutron copies project_id into tenant_id first, then refuses it. */
            given = given || json_object_get(obj, "project_id") != NULL;
        }
        if (!create && given && !a->put) {
            return api_fail(req, API_ERR_HTTP_BAD_REQUEST,
                            "Cannot update read-only attribute %s", a->name);
        }
    }
    out = json_object();
    for (size_t i = 0; i < rd->n_attrs; i++) {
        const struct attr_def *a = &rd->attrs[i];
        json_t *v = json_object_get(obj, a->name);
        json_t *conv;

        if (!v) {
            continue;
        }
        conv = convert_value(req, a, v);
        if (!conv) {
            json_decref(out);
            return -1;
        }
        json_object_set_new(out, a->name, conv);
    }
    /* Either spelling of the owner is accepted; keep both in step. */
    if (json_object_get(out, "tenant_id") && !json_object_get(out, "project_id")) {
        json_object_set(out, "project_id", json_object_get(out, "tenant_id"));
    }
    *ret = out;
    return 0;
}

/* Checks one item of a bulk list ({"network": {...}} or the bare object). */
static int
check_bulk_item(struct request *req, const struct resource_def *rd, json_t *item, bool create,
                json_t *items)
{
    json_t *obj = json_is_object(item) && json_object_get(item, rd->singular)
                      ? json_object_get(item, rd->singular) : item;
    json_t *checked;

    if (!json_is_object(obj)) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Object '%s' contains invalid data",
                        rd->singular);
    }
    if (attrs_check(req, rd, obj, create, &checked)) {
        return -1;
    }
    json_array_append_new(items, checked);
    return 0;
}

int
attrs_parse_body(struct request *req, const struct resource_def *rd, bool create,
                 json_t **ret_items, bool *ret_bulk)
{
    json_error_t jerr;
    json_t *body = NULL, *items = json_array(), *list, *res;
    int r = -1;

    /* An empty body reads as a body without the resource (as in Zed). */
    body = req->body.len ? json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES,
                                      &jerr)
                         : json_object();
    if (!body || !json_is_object(body)) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Body contains invalid data");
        goto out;
    }
    list = json_object_get(body, rd->plural);
    if (list) {
        size_t i;
        json_t *item;

        if (!create) {
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Bulk operation not supported");
            goto out;
        }
        if (!json_truthy(list)) {
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Resources required");
            goto out;
        }
        if (!json_is_array(list)) {
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Object '%s' contains invalid data",
                     rd->singular);
            goto out;
        }
        json_array_foreach (list, i, item) {
            if (check_bulk_item(req, rd, item, create, items)) {
                goto out;
            }
        }
        *ret_bulk = true;
    } else {
        json_t *checked;

        res = json_object_get(body, rd->singular);
        if (!res || json_is_null(res)) {
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Unable to find '%s' in request body",
                     rd->singular);
            goto out;
        }
        if (!json_is_object(res)) {
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Object '%s' contains invalid data",
                     rd->singular);
            goto out;
        }
        if (attrs_check(req, rd, res, create, &checked)) {
            goto out;
        }
        json_array_append_new(items, checked);
        *ret_bulk = false;
    }
    *ret_items = items;
    items = NULL;
    r = 0;
out:
    json_decref(items);
    json_decref(body);
    return r;
}

bool
attr_has(const json_t *obj, const char *name)
{
    return json_object_get(obj, name) != NULL;
}

bool
attr_is_null(const json_t *obj, const char *name)
{
    return json_is_null(json_object_get(obj, name));
}

const char **
attr_strings(const json_t *obj, const char *name, size_t *ret_n)
{
    const json_t *list = json_object_get(obj, name), *v;
    const char **texts = xcalloc(json_array_size(list) + 1, sizeof *texts);
    size_t i;

    json_array_foreach (list, i, v) {
        texts[i] = json_string_value(v);
    }
    *ret_n = json_array_size(list);
    return texts;
}

const char *
attr_str(const json_t *obj, const char *name, const char *def)
{
    const json_t *v = json_object_get(obj, name);

    return json_is_string(v) ? json_string_value(v) : def;
}

bool
attr_bool(const json_t *obj, const char *name, bool def)
{
    const json_t *v = json_object_get(obj, name);

    return json_is_boolean(v) ? json_is_true(v) : def;
}

json_int_t
attr_int(const json_t *obj, const char *name, json_int_t def)
{
    const json_t *v = json_object_get(obj, name);

    return json_is_integer(v) ? json_integer_value(v) : def;
}
