/* The domain's errors: every reason the server refuses or fails a piece of work, as a
 * kind and a message.  The kinds are Neutron's exceptions; how each is shown (HTTP
 * status, exception name) is the API's business (http/errors.h).
 *
 * The convention for the server's internal calls (docs/ARCHITECTURE.md, "Errors"):
 * functions return 0 or a negative errno; a function that can refuse for a reason the
 * user must read takes a 'struct api_error *' as its last argument, fills it, and
 * returns -1.  Nothing below the HTTP layer answers a request. */
#ifndef NEUTRINO_CORE_ERROR_H
#define NEUTRINO_CORE_ERROR_H

enum api_err {
    /* 400 */
    API_ERR_HTTP_BAD_REQUEST,           /* HTTPBadRequest: request shape, validators */
    API_ERR_BAD_REQUEST,                /* BadRequest: limit, if-match, subnets */
    API_ERR_INVALID_INPUT,              /* InvalidInput: converters, plugin checks */
    API_ERR_INVALID_SUBNET_SERVICE_TYPE,
    API_ERR_INVALID_INPUT_SUBNET_SERVICE_TYPE,
    API_ERR_INVALID_IP_FOR_NETWORK,
    API_ERR_INVALID_IP_FOR_SUBNET,
    API_ERR_INVALID_ALLOCATION_POOL,
    API_ERR_OUT_OF_BOUNDS_ALLOCATION_POOL,
    API_ERR_DNS_NAMESERVERS_EXHAUSTED,
    API_ERR_HOST_ROUTES_EXHAUSTED,
    API_ERR_ALLOCATION_ON_AUTO_ADDRESS_SUBNET,
    API_ERR_INVALID_CIDR,
    API_ERR_SG_RULE_INVALID_PROTOCOL,
    API_ERR_SG_RULE_INVALID_ETHERTYPE,
    API_ERR_SG_INVALID_PORT_VALUE,
    API_ERR_SG_INVALID_PORT_RANGE,
    API_ERR_SG_INVALID_PROTOCOL_FOR_PORT,
    API_ERR_SG_INVALID_ICMP_VALUE,
    API_ERR_SG_MISSING_ICMP_TYPE,
    API_ERR_SG_PROTOCOL_REQUIRED_WITH_PORTS,
    API_ERR_SG_RULE_PARAMETER_CONFLICT,
    API_ERR_SG_ETHERTYPE_CONFLICT_WITH_PROTOCOL,
    API_ERR_SG_MULTIPLE_REMOTE_ENTITIES,
    API_ERR_SG_NOT_SINGLE_GROUP_RULES,
    API_ERR_SG_RULES_NOT_SINGLE_TENANT,
    API_ERR_PORT_SECURITY_REQUIRED_FOR_SG,
    API_ERR_ADDRESS_PAIRS_MISSING_IP,
    API_ERR_ADDRESS_PAIR_DUPLICATE,
    API_ERR_ADDRESS_PAIRS_EXHAUSTED,
    API_ERR_INVALID_ROUTES,
    API_ERR_ROUTES_EXHAUSTED,
    API_ERR_EXTERNAL_IP_ADDRESS_EXHAUSTED,
    API_ERR_SUBNET_MISMATCH_FOR_PORT,
    API_ERR_INVALID_ACTION_FOR_TYPE,
    API_ERR_MALFORMED_REQUEST_BODY,
    API_ERR_QUOTA_MISSING_TENANT,
    API_ERR_ADDR_FORMAT_ERROR,
    API_ERR_EMPTY_SUBNETPOOL_PREFIX_LIST,
    API_ERR_PREFIX_VERSION_MISMATCH,
    API_ERR_ILLEGAL_SUBNETPOOL_PREFIX_BOUNDS,
    API_ERR_ILLEGAL_SUBNETPOOL_PREFIX_UPDATE,
    API_ERR_ILLEGAL_SUBNETPOOL_UPDATE,
    API_ERR_ILLEGAL_SUBNETPOOL_ASSOCIATION,
    API_ERR_ILLEGAL_SUBNETPOOL_IP_VERSION_ASSOCIATION,
    API_ERR_MIN_PREFIX_SUBNET_ALLOCATION,
    API_ERR_MAX_PREFIX_SUBNET_ALLOCATION,
    API_ERR_SUBNETPOOL_DELETE_ERROR,
    API_ERR_NETWORK_SUBNETPOOL_AFFINITY,
    API_ERR_NETWORK_ADDRESS_SCOPE_AFFINITY,
    API_ERR_ADDRESS_SCOPE_UPDATE_ERROR,
    API_ERR_ADDRESSES_ALREADY_EXIST,
    API_ERR_INVALID_SERVICE_TYPE,
    API_ERR_SERVICE_PROFILE_EMPTY,
    /* 403 */
    API_ERR_POLICY_NOT_AUTHORIZED,
    API_ERR_HTTP_FORBIDDEN,
    API_ERR_NOT_AUTHORIZED,             /* NotAuthorized: Neutron's generic refusal */
    API_ERR_ADMIN_REQUIRED,
    /* 404 */
    API_ERR_HTTP_NOT_FOUND,
    API_ERR_NETWORK_NOT_FOUND,
    API_ERR_SUBNET_NOT_FOUND,
    API_ERR_PORT_NOT_FOUND,
    API_ERR_SUBNETPOOL_NOT_FOUND,
    API_ERR_ADDRESS_SCOPE_NOT_FOUND,
    API_ERR_TAG_NOT_FOUND,
    API_ERR_TAG_RESOURCE_NOT_FOUND,
    API_ERR_AVAILABILITY_ZONE_NOT_FOUND,
    API_ERR_AGENT_NOT_FOUND,
    API_ERR_INVALID_DHCP_AGENT,
    API_ERR_INVALID_L3_AGENT,
    API_ERR_SG_NOT_FOUND,
    API_ERR_SG_RULE_NOT_FOUND,
    API_ERR_ADDRESS_GROUP_NOT_FOUND,
    API_ERR_ADDRESSES_NOT_FOUND,
    API_ERR_FLAVOR_NOT_FOUND,
    API_ERR_SERVICE_PROFILE_NOT_FOUND,
    API_ERR_FLAVOR_PROFILE_BINDING_NOT_FOUND,
    API_ERR_SERVICE_PROFILE_DRIVER_NOT_FOUND,
    API_ERR_ROUTER_NOT_FOUND,
    API_ERR_ROUTER_INTERFACE_NOT_FOUND,
    API_ERR_ROUTER_INTERFACE_NOT_FOUND_FOR_SUBNET,
    API_ERR_FLOATINGIP_NOT_FOUND,
    API_ERR_TENANT_QUOTA_NOT_FOUND,
    API_ERR_EXTERNAL_GATEWAY_FOR_FIP_NOT_FOUND,
    API_ERR_RBAC_POLICY_NOT_FOUND,
    /* 405 */
    API_ERR_METHOD_NOT_ALLOWED,
    /* 409 */
    API_ERR_NETWORK_IN_USE,
    API_ERR_PORT_IN_USE,
    API_ERR_EXTERNAL_NETWORK_IN_USE,
    API_ERR_SERVICE_PORT_IN_USE,
    API_ERR_ROUTER_IN_USE,
    API_ERR_ROUTER_INTERFACE_IN_USE_BY_ROUTE,
    API_ERR_ROUTER_INTERFACE_IN_USE_BY_FIP,
    API_ERR_ROUTER_GATEWAY_IN_USE_BY_FIP,
    API_ERR_FIP_PORT_ALREADY_ASSOCIATED,
    API_ERR_SUBNET_IN_USE,
    API_ERR_MAC_ADDRESS_IN_USE,
    API_ERR_IP_ADDRESS_ALREADY_ALLOCATED,
    API_ERR_IP_ADDRESS_GENERATION_FAILURE,
    API_ERR_OVERLAPPING_ALLOCATION_POOLS,
    API_ERR_GATEWAY_CONFLICT_WITH_ALLOCATION_POOLS,
    API_ERR_INVALID_SHARED_SETTING,
    API_ERR_FLAT_NETWORK_IN_USE,
    API_ERR_VLAN_ID_IN_USE,
    API_ERR_TUNNEL_ID_IN_USE,
    API_ERR_NETWORK_HOSTED_BY_DHCP_AGENT,
    API_ERR_NETWORK_NOT_HOSTED_BY_DHCP_AGENT,
    API_ERR_ROUTER_HOSTED_BY_L3_AGENT,
    API_ERR_PORT_BOUND,
    API_ERR_PORT_BOUND_NUMA_AFFINITY_POLICY,
    API_ERR_NO_MATCHING_SERVICE_SUBNET,
    API_ERR_DUPLICATE_SERVICE_TYPE,
    API_ERR_DUPLICATE_DHCP_OPT,
    API_ERR_DUPLICATE_NETWORK_SEGMENT,  /* Two segments of one type on one physnet. */
    API_ERR_SEGMENTS_WITH_PROVIDERS,    /* segments and provider:* both given. */
    API_ERR_SEGMENTS_DUPLICATE,         /* One segment twice in a request. */
    API_ERR_UNSUPPORTED_PORT_DEVICE_OWNER,
    API_ERR_OVER_QUOTA,
    API_ERR_IPAM_VALUE_INVALID,
    API_ERR_SG_IN_USE,
    API_ERR_SG_CANNOT_REMOVE_DEFAULT,
    API_ERR_SG_CANNOT_UPDATE_DEFAULT,
    API_ERR_SG_DEFAULT_ALREADY_EXISTS,
    API_ERR_SG_RULE_EXISTS,
    API_ERR_SG_DUPLICATE_RULE_IN_POST,
    API_ERR_SG_CONFLICT,
    API_ERR_PORT_SECURITY_PORT_HAS_SG,
    API_ERR_ADDRESS_PAIR_NEEDS_PORT_SECURITY,
    API_ERR_RBAC_POLICY_IN_USE,
    API_ERR_DUPLICATE_RBAC_POLICY,
    API_ERR_SUBNETPOOL_QUOTA_EXCEEDED,
    API_ERR_ADDRESS_SCOPE_PREFIX_CONFLICT,
    API_ERR_ADDRESS_SCOPE_IN_USE,
    API_ERR_ADDRESS_GROUP_IN_USE,
    API_ERR_SERVICE_PROFILE_IN_USE,
    API_ERR_FLAVOR_PROFILE_BINDING_EXISTS,
    /* 412 */
    API_ERR_REVISION_CONSTRAINT_FAILED,
    /* 413 */
    API_ERR_REQUEST_TOO_LARGE,
    /* 500, 503 */
    API_ERR_INTERNAL,
    API_ERR_SUBNET_ALLOCATION,          /* SubnetAllocationError: no room in a pool */
    API_ERR_NO_NETWORK_AVAILABLE,
    API_ERR_SERVICE_UNAVAILABLE,
    API_ERR_HTTP_NOT_IMPLEMENTED,
    API_ERR_STORAGE_FULL,               /* ServiceUnavailable: the database's disk is full */
    API_ERR__COUNT
};

/* The Retry-After, in seconds, of an answer refusing a write because the database's
 * disk is full (API_ERR_STORAGE_FULL): space comes back only when an operator frees
 * it, so clients are asked not to hammer the server meanwhile. */
enum { API_STORAGE_FULL_RETRY_AFTER_S = 60 };

/* A refusal with its reason, as the domain reports it.  The message is the text a
 * user reads (InvalidInput's prefix and final period are the renderer's).  'errnum'
 * is the negative errno behind an API_ERR_INTERNAL. */
struct api_error {
    enum api_err kind;
    int errnum;
    char message[8192];     /* Long enough for NetworkInUse's list of port ids. */
};

/* Sets 'err' to 'kind' and a printf-style message. Returns -1. */
int api_error_set(struct api_error *err, enum api_err kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets 'err' to InvalidInput with a message (prefix added when answered). Returns -1. */
int api_error_invalid(struct api_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets 'err' to an internal failure caused by the negative errno 'errnum' (a store or
 * system failure, logged where it is rendered), or, for -ENOSPC (the database's disk
 * is full), to API_ERR_STORAGE_FULL with a message saying the server cannot write.
 * Returns -1. */
int api_error_internal(struct api_error *err, int errnum);

#endif
