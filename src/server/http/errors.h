/* API errors: every failure a handler can answer with, mapped in one table to its HTTP
 * status and Neutron exception type.  Handlers call api_fail() with a kind and a
 * message; it renders {"NeutronError": {"type", "message", "detail": ""}}. */
#ifndef NEUTRINO_HTTP_ERRORS_H
#define NEUTRINO_HTTP_ERRORS_H

struct request;

enum api_err {
    /* 400 */
    API_ERR_HTTP_BAD_REQUEST,           /* HTTPBadRequest: request shape, validators */
    API_ERR_BAD_REQUEST,                /* BadRequest: limit, if-match, subnets */
    API_ERR_INVALID_INPUT,              /* InvalidInput: converters, plugin checks */
    API_ERR_INVALID_IP_FOR_NETWORK,
    API_ERR_INVALID_IP_FOR_SUBNET,
    API_ERR_INVALID_ALLOCATION_POOL,
    API_ERR_OUT_OF_BOUNDS_ALLOCATION_POOL,
    API_ERR_DNS_NAMESERVERS_EXHAUSTED,
    API_ERR_HOST_ROUTES_EXHAUSTED,
    API_ERR_ALLOCATION_ON_AUTO_ADDRESS_SUBNET,
    /* 403 */
    API_ERR_POLICY_NOT_AUTHORIZED,
    API_ERR_HTTP_FORBIDDEN,
    /* 404 */
    API_ERR_HTTP_NOT_FOUND,
    API_ERR_NETWORK_NOT_FOUND,
    API_ERR_SUBNET_NOT_FOUND,
    API_ERR_PORT_NOT_FOUND,
    API_ERR_SUBNETPOOL_NOT_FOUND,
    API_ERR_TAG_NOT_FOUND,
    API_ERR_TAG_RESOURCE_NOT_FOUND,
    API_ERR_AVAILABILITY_ZONE_NOT_FOUND,
    API_ERR_AGENT_NOT_FOUND,
    API_ERR_INVALID_DHCP_AGENT,
    /* 405 */
    API_ERR_METHOD_NOT_ALLOWED,
    /* 409 */
    API_ERR_NETWORK_IN_USE,
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
    API_ERR_PORT_BOUND,
    API_ERR_UNSUPPORTED_PORT_DEVICE_OWNER,
    API_ERR_OVER_QUOTA,
    API_ERR_IPAM_VALUE_INVALID,
    /* 412 */
    API_ERR_REVISION_CONSTRAINT_FAILED,
    /* 413 */
    API_ERR_REQUEST_TOO_LARGE,
    /* 500, 503 */
    API_ERR_INTERNAL,
    API_ERR_NO_NETWORK_AVAILABLE,
    API_ERR_SERVICE_UNAVAILABLE,
    API_ERR__COUNT
};

/* An error found below the HTTP layer (ML2, IPAM), passed up to the handler. */
struct api_error {
    enum api_err kind;
    char message[512];
};

/* Sets 'err' to 'kind' and a printf-style message. Returns -1. */
int api_error_set(struct api_error *err, enum api_err kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets 'err' to InvalidInput with a message (prefix added when answered). Returns -1. */
int api_error_invalid(struct api_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Answers 'req' with 'err'. Returns -1. */
int api_fail_with(struct request *req, const struct api_error *err);

/* Answers 'req' with error 'kind' and a printf-style message (the "message" field).
 * InvalidInput messages are prefixed "Invalid input for operation: " and end with a
 * period, as Neutron's are.  Always returns -1 so handlers can "return api_fail(...)". */
int api_fail(struct request *req, enum api_err kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Answers with a 500 for an unexpected store failure 'err' (negative errno). */
int api_fail_internal(struct request *req, int err);

/* The HTTP status and Neutron type of 'kind' (for tests). */
int api_err_status(enum api_err kind);
const char *api_err_type(enum api_err kind);

#endif
