/* The one table from API error kinds to HTTP status and NeutronError type, and the
 * rendering of error bodies (see errors.h). */
#include "errors.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "log.h"
#include "request.h"
#include "util.h"

LOG_MODULE("api");

static const struct {
    int status;
    const char *type;
} api_errs[API_ERR__COUNT] = {
    [API_ERR_HTTP_BAD_REQUEST] = { 400, "HTTPBadRequest" },
    [API_ERR_BAD_REQUEST] = { 400, "BadRequest" },
    [API_ERR_INVALID_INPUT] = { 400, "InvalidInput" },
    [API_ERR_INVALID_SUBNET_SERVICE_TYPE] = { 400, "InvalidSubnetServiceType" },
    [API_ERR_INVALID_INPUT_SUBNET_SERVICE_TYPE] = { 400, "InvalidInputSubnetServiceType" },
    [API_ERR_INVALID_IP_FOR_NETWORK] = { 400, "InvalidIpForNetwork" },
    [API_ERR_INVALID_IP_FOR_SUBNET] = { 400, "InvalidIpForSubnet" },
    [API_ERR_INVALID_ALLOCATION_POOL] = { 400, "InvalidAllocationPool" },
    [API_ERR_OUT_OF_BOUNDS_ALLOCATION_POOL] = { 400, "OutOfBoundsAllocationPool" },
    [API_ERR_DNS_NAMESERVERS_EXHAUSTED] = { 400, "DNSNameServersExhausted" },
    [API_ERR_HOST_ROUTES_EXHAUSTED] = { 400, "HostRoutesExhausted" },
    [API_ERR_ALLOCATION_ON_AUTO_ADDRESS_SUBNET] = { 400, "AllocationOnAutoAddressSubnet" },
    [API_ERR_INVALID_CIDR] = { 400, "InvalidCIDR" },
    [API_ERR_SG_RULE_INVALID_PROTOCOL] = { 400, "SecurityGroupRuleInvalidProtocol" },
    [API_ERR_SG_RULE_INVALID_ETHERTYPE] = { 400, "SecurityGroupRuleInvalidEtherType" },
    [API_ERR_SG_INVALID_PORT_VALUE] = { 400, "SecurityGroupInvalidPortValue" },
    [API_ERR_SG_INVALID_PORT_RANGE] = { 400, "SecurityGroupInvalidPortRange" },
    [API_ERR_SG_INVALID_PROTOCOL_FOR_PORT] = { 400, "SecurityGroupInvalidProtocolForPort" },
    [API_ERR_SG_INVALID_ICMP_VALUE] = { 400, "SecurityGroupInvalidIcmpValue" },
    [API_ERR_SG_MISSING_ICMP_TYPE] = { 400, "SecurityGroupMissingIcmpType" },
    [API_ERR_SG_PROTOCOL_REQUIRED_WITH_PORTS] = { 400, "SecurityGroupProtocolRequiredWithPorts" },
    [API_ERR_SG_RULE_PARAMETER_CONFLICT] = { 400, "SecurityGroupRuleParameterConflict" },
    [API_ERR_SG_ETHERTYPE_CONFLICT_WITH_PROTOCOL] =
        { 400, "SecurityGroupEthertypeConflictWithProtocol" },
    /* Neutron's exception name, spelling included. */
    [API_ERR_SG_MULTIPLE_REMOTE_ENTITIES] = { 400, "SecurityGroupMultipleRemoteEntites" },
    [API_ERR_SG_NOT_SINGLE_GROUP_RULES] = { 400, "SecurityGroupNotSingleGroupRules" },
    [API_ERR_SG_RULES_NOT_SINGLE_TENANT] = { 400, "SecurityGroupRulesNotSingleTenant" },
    [API_ERR_PORT_SECURITY_REQUIRED_FOR_SG] =
        { 400, "PortSecurityAndIPRequiredForSecurityGroups" },
    [API_ERR_ADDRESS_PAIRS_MISSING_IP] = { 400, "AllowedAddressPairsMissingIP" },
    [API_ERR_ADDRESS_PAIR_DUPLICATE] = { 400, "DuplicateAddressPairInRequest" },
    [API_ERR_ADDRESS_PAIRS_EXHAUSTED] = { 400, "AllowedAddressPairExhausted" },
    [API_ERR_INVALID_ROUTES] = { 400, "InvalidRoutes" },
    [API_ERR_ROUTES_EXHAUSTED] = { 400, "RoutesExhausted" },
    [API_ERR_EXTERNAL_IP_ADDRESS_EXHAUSTED] = { 400, "ExternalIpAddressExhausted" },
    [API_ERR_SUBNET_MISMATCH_FOR_PORT] = { 400, "SubnetMismatchForPort" },
    [API_ERR_POLICY_NOT_AUTHORIZED] = { 403, "PolicyNotAuthorized" },
    [API_ERR_HTTP_FORBIDDEN] = { 403, "HTTPForbidden" },
    [API_ERR_NOT_AUTHORIZED] = { 403, "NotAuthorized" },
    [API_ERR_HTTP_NOT_FOUND] = { 404, "HTTPNotFound" },
    [API_ERR_NETWORK_NOT_FOUND] = { 404, "NetworkNotFound" },
    [API_ERR_SUBNET_NOT_FOUND] = { 404, "SubnetNotFound" },
    [API_ERR_PORT_NOT_FOUND] = { 404, "PortNotFound" },
    [API_ERR_SUBNETPOOL_NOT_FOUND] = { 404, "SubnetPoolNotFound" },
    [API_ERR_TAG_NOT_FOUND] = { 404, "TagNotFound" },
    [API_ERR_TAG_RESOURCE_NOT_FOUND] = { 404, "TagResourceNotFound" },
    [API_ERR_AVAILABILITY_ZONE_NOT_FOUND] = { 404, "AvailabilityZoneNotFound" },
    [API_ERR_AGENT_NOT_FOUND] = { 404, "AgentNotFound" },
    [API_ERR_INVALID_DHCP_AGENT] = { 404, "InvalidDHCPAgent" },
    [API_ERR_INVALID_L3_AGENT] = { 404, "InvalidL3Agent" },
    [API_ERR_SG_NOT_FOUND] = { 404, "SecurityGroupNotFound" },
    [API_ERR_SG_RULE_NOT_FOUND] = { 404, "SecurityGroupRuleNotFound" },
    [API_ERR_ADDRESS_GROUP_NOT_FOUND] = { 404, "AddressGroupNotFound" },
    [API_ERR_ADDRESSES_NOT_FOUND] = { 404, "AddressesNotFound" },
    [API_ERR_FLAVOR_NOT_FOUND] = { 404, "FlavorNotFound" },
    [API_ERR_SERVICE_PROFILE_NOT_FOUND] = { 404, "ServiceProfileNotFound" },
    [API_ERR_FLAVOR_PROFILE_BINDING_NOT_FOUND] = { 404, "FlavorServiceProfileBindingNotFound" },
    [API_ERR_SERVICE_PROFILE_DRIVER_NOT_FOUND] = { 404, "ServiceProfileDriverNotFound" },
    [API_ERR_ROUTER_NOT_FOUND] = { 404, "RouterNotFound" },
    [API_ERR_RBAC_POLICY_NOT_FOUND] = { 404, "RbacPolicyNotFound" },
    [API_ERR_RBAC_POLICY_IN_USE] = { 409, "RbacPolicyInUse" },
    [API_ERR_DUPLICATE_RBAC_POLICY] = { 409, "DuplicateRbacPolicy" },
    [API_ERR_INVALID_ACTION_FOR_TYPE] = { 400, "InvalidActionForType" },
    [API_ERR_ROUTER_INTERFACE_NOT_FOUND] = { 404, "RouterInterfaceNotFound" },
    [API_ERR_ROUTER_INTERFACE_NOT_FOUND_FOR_SUBNET] =
        { 404, "RouterInterfaceNotFoundForSubnet" },
    [API_ERR_FLOATINGIP_NOT_FOUND] = { 404, "FloatingIPNotFound" },
    [API_ERR_EXTERNAL_GATEWAY_FOR_FIP_NOT_FOUND] =
        { 404, "ExternalGatewayForFloatingIPNotFound" },
    [API_ERR_METHOD_NOT_ALLOWED] = { 405, "HTTPMethodNotAllowed" },
    [API_ERR_NETWORK_IN_USE] = { 409, "NetworkInUse" },
    [API_ERR_PORT_IN_USE] = { 409, "PortInUse" },
    [API_ERR_EXTERNAL_NETWORK_IN_USE] = { 409, "ExternalNetworkInUse" },
    [API_ERR_SERVICE_PORT_IN_USE] = { 409, "ServicePortInUse" },
    [API_ERR_ROUTER_IN_USE] = { 409, "RouterInUse" },
    [API_ERR_ROUTER_INTERFACE_IN_USE_BY_ROUTE] = { 409, "RouterInterfaceInUseByRoute" },
    [API_ERR_ROUTER_INTERFACE_IN_USE_BY_FIP] = { 409, "RouterInterfaceInUseByFloatingIP" },
    [API_ERR_ROUTER_GATEWAY_IN_USE_BY_FIP] = { 409, "RouterExternalGatewayInUseByFloatingIp" },
    [API_ERR_FIP_PORT_ALREADY_ASSOCIATED] = { 409, "FloatingIPPortAlreadyAssociated" },
    [API_ERR_SUBNET_IN_USE] = { 409, "SubnetInUse" },
    [API_ERR_MAC_ADDRESS_IN_USE] = { 409, "MacAddressInUse" },
    [API_ERR_IP_ADDRESS_ALREADY_ALLOCATED] = { 409, "IpAddressAlreadyAllocated" },
    [API_ERR_IP_ADDRESS_GENERATION_FAILURE] = { 409, "IpAddressGenerationFailure" },
    [API_ERR_OVERLAPPING_ALLOCATION_POOLS] = { 409, "OverlappingAllocationPools" },
    [API_ERR_GATEWAY_CONFLICT_WITH_ALLOCATION_POOLS] =
        { 409, "GatewayConflictWithAllocationPools" },
    [API_ERR_INVALID_SHARED_SETTING] = { 409, "InvalidSharedSetting" },
    [API_ERR_FLAT_NETWORK_IN_USE] = { 409, "FlatNetworkInUse" },
    [API_ERR_VLAN_ID_IN_USE] = { 409, "VlanIdInUse" },
    [API_ERR_TUNNEL_ID_IN_USE] = { 409, "TunnelIdInUse" },
    [API_ERR_NETWORK_HOSTED_BY_DHCP_AGENT] = { 409, "NetworkHostedByDHCPAgent" },
    [API_ERR_NETWORK_NOT_HOSTED_BY_DHCP_AGENT] = { 409, "NetworkNotHostedByDhcpAgent" },
    [API_ERR_ROUTER_HOSTED_BY_L3_AGENT] = { 409, "RouterHostedByL3Agent" },
    [API_ERR_PORT_BOUND] = { 409, "PortBound" },
    [API_ERR_PORT_BOUND_NUMA_AFFINITY_POLICY] = { 409, "PortBoundNUMAAffinityPolicy" },
    [API_ERR_NO_MATCHING_SERVICE_SUBNET] = { 409, "IpAddressGenerationFailureNoMatchingSubnet" },
    [API_ERR_DUPLICATE_SERVICE_TYPE] = { 409, "NeutronDbObjectDuplicateEntry" },
    [API_ERR_DUPLICATE_DHCP_OPT] = { 409, "NeutronDbObjectDuplicateEntry" },
    [API_ERR_DUPLICATE_NETWORK_SEGMENT] = { 409, "NeutronDbObjectDuplicateEntry" },
    [API_ERR_SEGMENTS_WITH_PROVIDERS] = { 400, "SegmentsSetInConjunctionWithProviders" },
    [API_ERR_SEGMENTS_DUPLICATE] = { 400, "SegmentsContainDuplicateEntry" },
    [API_ERR_UNSUPPORTED_PORT_DEVICE_OWNER] = { 409, "UnsupportedPortDeviceOwner" },
    [API_ERR_OVER_QUOTA] = { 409, "OverQuota" },
    [API_ERR_MALFORMED_REQUEST_BODY] = { 400, "MalformedRequestBody" },
    [API_ERR_QUOTA_MISSING_TENANT] = { 400, "QuotaMissingTenant" },
    [API_ERR_ADMIN_REQUIRED] = { 403, "AdminRequired" },
    [API_ERR_TENANT_QUOTA_NOT_FOUND] = { 404, "TenantQuotaNotFound" },
    [API_ERR_HTTP_NOT_IMPLEMENTED] = { 501, "HTTPNotImplemented" },
    [API_ERR_IPAM_VALUE_INVALID] = { 409, "IpamValueInvalid" },
    [API_ERR_SG_IN_USE] = { 409, "SecurityGroupInUse" },
    [API_ERR_AUTO_ALLOCATION_FAILURE] = { 409, "AutoAllocationFailure" },
    [API_ERR_DEFAULT_EXTERNAL_NETWORK_EXISTS] = { 409, "DefaultExternalNetworkExists" },
    [API_ERR_SG_CANNOT_REMOVE_DEFAULT] = { 409, "SecurityGroupCannotRemoveDefault" },
    [API_ERR_SG_CANNOT_UPDATE_DEFAULT] = { 409, "SecurityGroupCannotUpdateDefault" },
    [API_ERR_SG_DEFAULT_ALREADY_EXISTS] = { 409, "SecurityGroupDefaultAlreadyExists" },
    [API_ERR_SG_RULE_EXISTS] = { 409, "SecurityGroupRuleExists" },
    [API_ERR_SG_DUPLICATE_RULE_IN_POST] = { 409, "DuplicateSecurityGroupRuleInPost" },
    [API_ERR_SG_CONFLICT] = { 409, "SecurityGroupConflict" },
    [API_ERR_PORT_SECURITY_PORT_HAS_SG] = { 409, "PortSecurityPortHasSecurityGroup" },
    [API_ERR_ADDRESS_PAIR_NEEDS_PORT_SECURITY] = { 409, "AddressPairAndPortSecurityRequired" },
    [API_ERR_ADDR_FORMAT_ERROR] = { 400, "AddrFormatError" },
    [API_ERR_EMPTY_SUBNETPOOL_PREFIX_LIST] = { 400, "EmptySubnetPoolPrefixList" },
    [API_ERR_PREFIX_VERSION_MISMATCH] = { 400, "PrefixVersionMismatch" },
    [API_ERR_ILLEGAL_SUBNETPOOL_PREFIX_BOUNDS] = { 400, "IllegalSubnetPoolPrefixBounds" },
    [API_ERR_ILLEGAL_SUBNETPOOL_PREFIX_UPDATE] = { 400, "IllegalSubnetPoolPrefixUpdate" },
    [API_ERR_ILLEGAL_SUBNETPOOL_UPDATE] = { 400, "IllegalSubnetPoolUpdate" },
    [API_ERR_ILLEGAL_SUBNETPOOL_ASSOCIATION] = { 400,
                                                 "IllegalSubnetPoolAssociationToAddressScope" },
    [API_ERR_ILLEGAL_SUBNETPOOL_IP_VERSION_ASSOCIATION] = {
        400, "IllegalSubnetPoolIpVersionAssociationToAddressScope" },
    [API_ERR_MIN_PREFIX_SUBNET_ALLOCATION] = { 400, "MinPrefixSubnetAllocationError" },
    [API_ERR_MAX_PREFIX_SUBNET_ALLOCATION] = { 400, "MaxPrefixSubnetAllocationError" },
    [API_ERR_SUBNETPOOL_DELETE_ERROR] = { 400, "SubnetPoolDeleteError" },
    [API_ERR_NETWORK_SUBNETPOOL_AFFINITY] = { 400, "NetworkSubnetPoolAffinityError" },
    [API_ERR_NETWORK_ADDRESS_SCOPE_AFFINITY] = { 400, "NetworkAddressScopeAffinityError" },
    [API_ERR_ADDRESS_SCOPE_UPDATE_ERROR] = { 400, "AddressScopeUpdateError" },
    [API_ERR_ADDRESS_SCOPE_NOT_FOUND] = { 404, "AddressScopeNotFound" },
    [API_ERR_SUBNETPOOL_QUOTA_EXCEEDED] = { 409, "SubnetPoolQuotaExceeded" },
    [API_ERR_ADDRESS_SCOPE_PREFIX_CONFLICT] = { 409, "AddressScopePrefixConflict" },
    [API_ERR_ADDRESS_SCOPE_IN_USE] = { 409, "AddressScopeInUse" },
    [API_ERR_ADDRESS_GROUP_IN_USE] = { 409, "AddressGroupInUse" },
    [API_ERR_ADDRESSES_ALREADY_EXIST] = { 400, "AddressesAlreadyExist" },
    [API_ERR_INVALID_SERVICE_TYPE] = { 400, "InvalidServiceType" },
    [API_ERR_SERVICE_PROFILE_EMPTY] = { 400, "ServiceProfileEmpty" },
    [API_ERR_SERVICE_PROFILE_IN_USE] = { 409, "ServiceProfileInUse" },
    [API_ERR_FLAVOR_PROFILE_BINDING_EXISTS] = { 409, "FlavorServiceProfileBindingExists" },
    /* Zed answers a pool without room with 500: the exception has no HTTP mapping. */
    [API_ERR_SUBNET_ALLOCATION] = { 500, "SubnetAllocationError" },
    [API_ERR_REVISION_CONSTRAINT_FAILED] = { 412, "RevisionNumberConstraintFailed" },
    [API_ERR_REQUEST_TOO_LARGE] = { 413, "HTTPRequestEntityTooLarge" },
    [API_ERR_INTERNAL] = { 500, "HTTPInternalServerError" },
    [API_ERR_NO_NETWORK_AVAILABLE] = { 503, "NoNetworkAvailable" },
    [API_ERR_SERVICE_UNAVAILABLE] = { 503, "HTTPServiceUnavailable" },
    /* neutron_lib's ServiceUnavailable, which Neutron answers with 503: a full disk
     * passes when space is freed, and Neutron's 500 for it would say the request
     * itself is at fault. */
    [API_ERR_STORAGE_FULL] = { 503, "ServiceUnavailable" },
};

int
api_err_status(enum api_err kind)
{
    return api_errs[kind].status;
}

const char *
api_err_type(enum api_err kind)
{
    return api_errs[kind].type;
}

int
api_fail(struct request *req, enum api_err kind, const char *fmt, ...)
{
    struct buf msg = BUF_INITIALIZER;
    struct jsonw w;
    va_list ap;

    if (kind == API_ERR_INVALID_INPUT) {
        buf_add_str(&msg, "Invalid input for operation: ");
    }
    va_start(ap, fmt);
    buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    if (kind == API_ERR_INVALID_INPUT) {
        buf_add_char(&msg, '.');
    }
    buf_clear(&req->response);
    jsonw_init(&w, &req->response);
    jsonw_object_begin(&w);
    jsonw_key(&w, "NeutronError");
    jsonw_object_begin(&w);
    jsonw_key(&w, "type");
    jsonw_string(&w, api_errs[kind].type);
    jsonw_key(&w, "message");
    jsonw_string(&w, buf_cstr(&msg));
    jsonw_key(&w, "detail");
    jsonw_string(&w, "");
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    req->status = api_errs[kind].status;
    if (kind == API_ERR_STORAGE_FULL) {
        request_add_header(req, "Retry-After", "%d", API_STORAGE_FULL_RETRY_AFTER_S);
    }
    buf_done(&msg);
    return -1;
}

int
api_fail_internal(struct request *req, int err)
{
    if (err == -ENOSPC) {
        struct api_error full;
        api_error_internal(&full, err);
        return api_fail(req, full.kind, "%s", full.message);
    }
    log_err("%s %s: internal error: %s", req->method, req->path, strerror(-err));
    return api_fail(req, API_ERR_INTERNAL,
                    "Request Failed: internal server error while processing your request.");
}

int
api_fail_with(struct request *req, const struct api_error *err)
{
    if (err->kind == API_ERR_INTERNAL) {
        return api_fail_internal(req, err->errnum ? err->errnum : -EIO);
    }
    return api_fail(req, err->kind, "%s", err->message);
}
