/* Resource attribute tables (Neutron's RESOURCE_ATTRIBUTE_MAP, in C) and the request
 * checks they drive: which attributes exist, which may be given on POST or PUT, which
 * are required, how each value is converted and validated, and which may filter or
 * sort a list.  Each resource (network.c, subnet.c, port.c) declares its table; the
 * body checks here give Neutron's exact errors in Neutron's order (docs/behaviour/api.md §1.3). */
#ifndef NEUTRINO_API_ATTRS_H
#define NEUTRINO_API_ATTRS_H

#include <jansson.h>
#include <stdbool.h>

#include "http/errors.h"
#include "store/store.h"

struct request;

enum attr_kind {
    AK_STRING,          /* string, max_len characters */
    AK_BOOL,            /* converted: true/false, "true"/"False"/"1"/"yes"... */
    AK_INT,             /* converted with int() semantics */
    AK_NON_NEGATIVE,    /* AK_INT that must be >= 0 */
    AK_UUID,
    AK_UUID_OR_NULL,
    AK_MAC,             /* canonicalised to lower-case colon form */
    AK_IP_OR_NULL,
    AK_CIDR,            /* converted to canonical text, host bits kept */
    AK_VALUES,          /* one of 'values' (strings), or ip_version-style ints */
    AK_VALUES_OR_NULL,
    AK_DICT_OR_NULL,
    AK_STRING_LIST,     /* list of unique strings whose JSON text (as Python writes it) is
                         * at most max_len long: availability zone hints */
    AK_POOLS,           /* [{"start", "end"}] */
    AK_NAMESERVERS,     /* [ip], null = [] */
    AK_HOSTROUTES,      /* [{"destination", "nexthop"}], null = [] */
    AK_FIXED_IPS,       /* [{"subnet_id"?, "ip_address"?}] */
    AK_SERVICE_TYPES,   /* a subnet's service_types: device owners (network:, neutron:,
                         * compute: prefixes), converted to a sorted array; anything
                         * empty or null is [] */
    AK_SUBNET_LIST,     /* [cidr], no duplicates, each with its '/' (a pool's prefixes) */
    AK_UUID_LIST,       /* [uuid], no duplicates; null = [] (a port's security_groups) */
    AK_ADDRESS_PAIRS,   /* [{"ip_address", "mac_address"?}], at most
                         * max_allowed_address_pair; null = [] */
    AK_SG_PROTOCOL,     /* a rule's protocol: a known name (lower-cased) or 0..255, text */
    AK_SG_PORT,         /* a rule's port (or ICMP type/code): 0..65535 or null */
    AK_SG_ETHERTYPE,    /* "IPv4" or "IPv6", any case */
    AK_SG_PREFIX,       /* a rule's remote_ip_prefix: address[/length], canonical text */
    AK_GATEWAY_INFO,    /* a router's external_gateway_info: {"network_id", "enable_snat"?,
                         * "external_fixed_ips"?}; null or empty: {} (no gateway) */
    AK_RBAC_OBJECT_TYPE,    /* an RBAC policy's object_type: a known kind, white space
                             * dropped, lower-cased (core/rbac.h) */
    AK_EXTRA_DHCP_OPTS, /* a port's [{"opt_name", "opt_value", "ip_version"?}], each
                         * matching one of neutron-lib's two key specs; ip_version
                         * converted to an integer; null = null (nothing to change) */
    AK_SERVICE_TYPE,    /* a flavor's service_type: a service plugin this server has */
    AK_METAINFO,        /* a service profile's metainfo: any scalar, kept as Python's
                         * text of it (5 becomes "5"); null kept */
    AK_SEGMENTS,        /* a network's multi-provider segments: [{"provider:network_type"?,
                         * "provider:physical_network"?, "provider:segmentation_id"?}],
                         * each converted to all three keys (null: not given; an id
                         * that is false in Python is not given either) */
    AK_ANY,             /* read-only attributes: never converted */
};

struct attr_def {
    const char *name;
    enum attr_kind kind;
    bool post;                  /* May be given on create. */
    bool put;                   /* May be given on update. */
    bool required;              /* Must be given on create (no default). */
    int max_len;                /* AK_STRING (each), AK_STRING_LIST (the list's JSON);
                                 * 0 = no limit. */
    bool null_is_empty;         /* AK_STRING: null means "" (binding:host_id: unbind);
                                 * AK_SUBNET_LIST: null means [] (an address group's). */
    bool not_default;           /* AK_STRING: "default" in any case is refused (a security
                                 * group's name). */
    bool not_empty;             /* AK_STRING: blank strings are refused (a pool's name). */
    bool null_ok;               /* AK_STRING: null is kept (Neutron's string_or_none);
                                 * AK_BOOL: null means "not given" (convert_to_boolean_if_
                                 * not_none). */
    const char *const *values;  /* AK_VALUES*: NULL-terminated allowed values. */
    bool filter;                /* Usable as a list filter. */
    bool filter_ignored;        /* A filter checked and then ignored, as Zed does. */
    bool sort;                  /* Usable as a sort key. */
    enum store_field field;     /* Column for filter/sort. */
    enum store_value_kind field_kind;
};

struct resource_def {
    const char *singular;       /* "network" */
    const char *plural;         /* "networks" */
    const char *title;          /* "Network", for "Network <id> could not be found." */
    enum api_err not_found;
    const struct attr_def *attrs;
    size_t n_attrs;
    bool no_paging;             /* limit, marker and page_reverse are ignored (Neutron's
                                 * allow_pagination=False). */
};

/* The entries every resource's table shares, in Neutron's order: the owner (where the
 * resource has one), and the standard attributes that end each table. */
#define ATTR_OWNER                                                                      \
    { "tenant_id", AK_STRING, true, false, .max_len = 255, .filter = true, .sort = true, \
      .field = SF_PROJECT_ID },                                                         \
    { "project_id", AK_STRING, true, false, .max_len = 255, .filter = true, .sort = true, \
      .field = SF_PROJECT_ID }
#define ATTRS_STANDARD                                                                  \
    { "description", AK_STRING, true, true, .max_len = 255, .filter = true,             \
      .field = SF_DESCRIPTION },                                                        \
    { "tags", AK_ANY, false, false },                                                   \
    { "created_at", AK_ANY, false, false },                                             \
    { "updated_at", AK_ANY, false, false },                                             \
    { "revision_number", AK_ANY, false, false, .filter = true,                          \
      .field = SF_REVISION_NUMBER, .field_kind = SV_INT }

const struct attr_def *attrs_find(const struct resource_def *rd, const char *name);

/* Checks and converts one resource object from a POST ('create') or PUT body, in
 * Neutron's order.  On success '*ret' is a new object (owned) holding the converted
 * values of the attributes given; defaults are not filled in.  On failure answers
 * 'req' and returns -1. */
int attrs_check(struct request *req, const struct resource_def *rd, json_t *obj, bool create,
                json_t **ret);

/* Parses the request body for 'rd': {"<singular>": {...}} or, on create,
 * {"<plural>": [...]}.  '*ret_items' is an array (owned) of checked objects;
 * '*ret_bulk' tells which form was used.  On failure answers 'req', returns -1. */
int attrs_parse_body(struct request *req, const struct resource_def *rd, bool create,
                     json_t **ret_items, bool *ret_bulk);

/* Converts and validates one value of attribute 'a' as a body's would be (list filters
 * use it too).  Returns a new reference, or NULL after answering 'req'. */
json_t *attrs_convert_value(struct request *req, const struct attr_def *a, json_t *v);

/* Typed getters over a checked object: return 'def' when the attribute is absent. */
const char *attr_str(const json_t *obj, const char *name, const char *def);
bool attr_bool(const json_t *obj, const char *name, bool def);
json_int_t attr_int(const json_t *obj, const char *name, json_int_t def);
bool attr_has(const json_t *obj, const char *name);
bool attr_is_null(const json_t *obj, const char *name);
/* The strings of the checked list attribute 'name' (they stay the list's), in a
 * NULL-terminated array to free(); its length goes to '*ret_n' (0 when absent). */
const char **attr_strings(const json_t *obj, const char *name, size_t *ret_n);

/* Converts a boolean the way Neutron does (strings, 0/1). Returns 0 or -EINVAL. */
int attr_convert_bool(const json_t *v, bool *ret);
/* Converts to an integer with Python int() semantics. Returns 0 or -EINVAL. */
int attr_convert_int(const json_t *v, json_int_t *ret);

#endif
