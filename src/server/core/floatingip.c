/* Floating IPs in the domain core; see floatingip.h. */
#include "floatingip.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "core/port.h"
#include "core/quota.h"
#include "ip.h"
#include "l3/l3_sched.h"
#include "store/store.h"
#include "util.h"

#define FLOATINGIP_OWNER "network:floatingip"

/* Neutron's BadRequest for floating IPs: "Bad floatingip request: <why>." */
static int __attribute__((format(printf, 2, 3)))
bad_fip(const struct op *op, const char *fmt, ...)
{
    struct buf why = BUF_INITIALIZER;
    va_list ap;
    int r;

    va_start(ap, fmt);
    buf_vprintf(&why, fmt, ap);
    va_end(ap);
    r = api_error_set(op->err, API_ERR_BAD_REQUEST, "Bad floatingip request: %s.",
                      buf_cstr(&why));
    buf_done(&why);
    return r;
}

static int
fip_for(const struct op *op, const char *id, enum policy_action action,
        struct floatingip *ret)
{
    int r = store_floatingip_get(op->c, id, context_visible_to(op->caller), ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_FLOATINGIP_NOT_FOUND,
                                            "Floating IP %s could not be found", id)
                            : core_internal(op, r);
    }
    return core_authorize(op, POLICY_FLOATINGIP, action,
                          &(struct policy_target) { .project_id = ret->std.project_id });
}

int
core_floatingip_get(const struct op *op, const char *id, struct floatingip *ret)
{
    if (fip_for(op, id, POLICY_GET, ret)) {
        floatingip_done(ret);
        return -1;
    }
    return 0;
}

static int
reread(const struct op *op, const char *id, struct floatingip *ret)
{
    int r = store_floatingip_get(op->c, id, NULL, ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return core_internal(op, r);
    }
    return 0;
}

/* --- Association -------------------------------------------------------------------- */

/* The port's fixed address the association uses, and its subnet. */
static int
internal_address(const struct op *op, const struct port *p, const char *asked,
                 char ret_ip[46], char ret_subnet[ID_LEN])
{
    struct ip_allocation *allocs = NULL;
    size_t n = 0, n_v4 = 0, found = SIZE_MAX;
    struct ip_addr want, a;
    int r = store_allocs_of_port(op->c, p->std.id, &allocs, &n);

    if (r) {
        return core_internal(op, r);
    }
    if (asked) {
        if (ip_parse(asked, &want) || want.family != 4) {
            r = bad_fip(op, "Cannot process floating IP association with %s, since that is"
                        " not an IPv4 address", asked);
        }
        for (size_t i = 0; i < n && !r && found == SIZE_MAX; i++) {
            if (!ip_parse(allocs[i].ip_address, &a) && ip_equal(&a, &want)) {
                found = i;
            }
        }
        if (!r && found == SIZE_MAX) {
            r = bad_fip(op, "Port %s does not have fixed ip %s", p->std.id, asked);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            if (!ip_parse(allocs[i].ip_address, &a) && a.family == 4) {
                found = n_v4++ ? found : i;
            }
        }
        if (!n_v4) {
            r = bad_fip(op, "Cannot add floating IP to port %s that has no fixed IPv4"
                        " addresses", p->std.id);
        } else if (n_v4 > 1) {
            r = bad_fip(op, "Port %s has multiple fixed IPv4 addresses.  Must provide a"
                        " specific IPv4 address when assigning a floating IP", p->std.id);
        }
    }
    if (!r) {
        snprintf(ret_ip, 46, "%s", allocs[found].ip_address);
        snprintf(ret_subnet, ID_LEN, "%s", allocs[found].subnet_id);
    }
    free(allocs);
    return r;
}

/* Neutron's choice among the routers joining the subnet and the external network: the
 * one whose interface is the subnet's gateway, else the first. */
struct router_choice {
    const char *gateway_ip;
    char first[ID_LEN];
    char best[ID_LEN];
};

static int
consider_router(const char *router_id, const char *interface_ip, void *aux)
{
    struct router_choice *rc = aux;
    struct ip_addr a, gw;

    if (!*rc->first) {
        snprintf(rc->first, sizeof rc->first, "%s", router_id);
    }
    if (!*rc->best && rc->gateway_ip && !ip_parse(rc->gateway_ip, &gw)
        && !ip_parse(interface_ip, &a) && ip_equal(&a, &gw)) {
        snprintf(rc->best, sizeof rc->best, "%s", router_id);
    }
    return 0;
}

static int
router_for_association(const struct op *op, const struct port *p, const char *subnet_id,
                       const char *network_id, char ret[ID_LEN])
{
    struct router_choice rc = { NULL, "", "" };
    struct subnet s;
    int r = store_subnet_get(op->c, subnet_id, NULL, &s);

    if (r) {
        return core_internal(op, r);
    }
    rc.gateway_ip = s.gateway_ip;
    r = store_routers_between(op->c, subnet_id, network_id, consider_router, &rc);
    subnet_done(&s);
    if (r) {
        return core_internal(op, r);
    }
    if (!*rc.first) {
        return api_error_set(op->err, API_ERR_EXTERNAL_GATEWAY_FOR_FIP_NOT_FOUND, "External"
                             " network %s is not reachable from subnet %s.  Therefore, cannot"
                             " associate Port %s with a Floating IP.", network_id, subnet_id,
                             p->std.id);
    }
    snprintf(ret, ID_LEN, "%s", *rc.best ? rc.best : rc.first);
    return 0;
}

/* Associates 'f' with the port 'port_id' (and 'fixed_ip', if given), in memory, after
 * Neutron's checks in Neutron's order. */
static int
associate(const struct op *op, struct floatingip *f, const char *port_id, const char *fixed_ip)
{
    char ip[46], subnet_id[ID_LEN], router_id[ID_LEN];
    struct port p;
    bool taken = false;
    int r = core_port_visible(op, port_id, &p);

    if (r) {
        return -1;
    }
    if (!STREQ(p.std.project_id, f->std.project_id) && !op->caller->is_admin) {
        r = bad_fip(op, "Cannot process floating IP association with Port %s, since that"
                    " port is owned by a different tenant", port_id);
    } else if (STREQ(p.device_owner, "network:dhcp")) {
        /* Zed leaves its placeholder unfilled in this one message. */
        r = bad_fip(op, "Port %%(id)s is unable to be assigned a floating IP");
    }
    r = r ? r : internal_address(op, &p, fixed_ip, ip, subnet_id)
                || router_for_association(op, &p, subnet_id, f->floating_network_id,
                                          router_id);
    if (!r && !STREQ(f->fixed_port_id, port_id)) {
        int e = store_floatingip_fixed_taken(op->c, f->floating_network_id, port_id, ip,
                                             &taken);
        r = e ? core_internal(op, e) : 0;
        if (!r && taken) {
            r = api_error_set(op->err, API_ERR_FIP_PORT_ALREADY_ASSOCIATED, "Cannot associate"
                              " floating IP %s (%s) with port %s using fixed IP %s, as that"
                              " fixed IP already has a floating IP on external network %s.",
                              f->floating_ip_address, f->std.id, port_id, ip,
                              f->floating_network_id);
        }
    }
    if (!r) {
        snprintf(f->fixed_port_id, sizeof f->fixed_port_id, "%s", port_id);
        snprintf(f->fixed_ip_address, sizeof f->fixed_ip_address, "%s", ip);
        snprintf(f->router_id, sizeof f->router_id, "%s", router_id);
    }
    port_done(&p);
    return r ? -1 : 0;
}

static void
disassociate(struct floatingip *f)
{
    f->fixed_port_id[0] = f->fixed_ip_address[0] = f->router_id[0] = '\0';
}

/* Applies the association part of 'spec' to 'f'. */
static int
apply_association(const struct op *op, const struct floatingip_spec *spec,
                  struct floatingip *f)
{
    if (spec->fixed_ip_address && !spec->port_id) {
        return bad_fip(op, "fixed_ip_address cannot be specified without a port_id");
    }
    if (spec->port_id) {
        return associate(op, f, spec->port_id, spec->fixed_ip_address);
    }
    if (spec->has_port_id) {
        disassociate(f);
    }
    return 0;
}

/* An update body with no attribute at all: the floating IP API's oldest form of
 * disassociation, from when the association was all there was to change.  Neutron
 * keeps it; a body naming anything else (a description) leaves the association be. */
static bool
blank_update(const struct floatingip_spec *spec)
{
    return !spec->description && !spec->has_port_id && !spec->fixed_ip_address;
}

/* --- Create, update, delete ------------------------------------------------------------ */

static int
check_floating_network(const struct op *op, const char *network_id)
{
    struct subnet *subnets = NULL;
    struct network net;
    size_t n = 0;
    bool v4 = false;
    int r = store_network_get(op->c, network_id, context_visible_to(op->caller), &net);

    if (r) {
        return r == -ENOENT ? api_error_set(op->err, API_ERR_NETWORK_NOT_FOUND,
                                            "Network %s could not be found.", network_id)
                            : core_internal(op, r);
    }
    r = net.external ? 0 : bad_fip(op, "Network %s is not a valid external network",
                                   network_id);
    network_done(&net);
    if (!r) {
        int e = store_subnets_of_network(op->c, network_id, &subnets, &n);
        r = e ? core_internal(op, e) : 0;
    }
    for (size_t i = 0; i < n; i++) {
        v4 = v4 || subnets[i].ip_version == 4;
        subnet_done(&subnets[i]);
    }
    free(subnets);
    if (!r && !v4) {
        r = bad_fip(op, "Network %s does not contain any IPv4 subnet", network_id);
    }
    return r;
}

/* The network:floatingip port holding the address: no project, status N/A. */
static int
create_floating_port(const struct op *op, const struct floatingip_spec *spec,
                     struct floatingip *f)
{
    struct context svc;
    struct op sop;
    struct fixed_ip_spec ip = { spec->subnet_id, spec->floating_ip_address, false };
    struct port_spec ps = {
        .project_id = "", .network_id = spec->floating_network_id, .name = "",
        .has_admin_state_up = true, .admin_state_up = true, .device_id = f->std.id,
        .device_owner = FLOATINGIP_OWNER, .status = "N/A",
        .has_fixed_ips = spec->subnet_id || spec->floating_ip_address,
        .fixed_ips = &ip, .n_fixed_ips = 1,
    };
    struct ip_allocation *allocs = NULL;
    size_t n = 0;
    char id[ID_LEN];
    int r;

    context_service(&svc);
    sop = (struct op) { op->app, &svc, op->c, op->err };
    if (core_port_create(&sop, &ps, id)) {
        return -1;
    }
    r = store_allocs_of_port(op->c, id, &allocs, &n);
    if (r) {
        return core_internal(op, r);
    }
    for (size_t i = 0; i < n && !*f->floating_ip_address; i++) {
        struct ip_addr a;
        if (!ip_parse(allocs[i].ip_address, &a) && a.family == 4) {
            snprintf(f->floating_ip_address, sizeof f->floating_ip_address, "%s",
                     allocs[i].ip_address);
        }
    }
    free(allocs);
    if (!*f->floating_ip_address) {
        return api_error_set(op->err, API_ERR_EXTERNAL_IP_ADDRESS_EXHAUSTED, "Unable to find"
                             " any IP address on external network %s.",
                             spec->floating_network_id);
    }
    snprintf(f->floating_port_id, sizeof f->floating_port_id, "%s", id);
    return 0;
}

int
core_floatingip_create(const struct op *op, const struct floatingip_spec *spec,
                       struct floatingip *ret)
{
    struct floatingip f;
    const char *owner;
    int r;

    if (core_owner(op, spec->project_id, &owner)) {
        return -1;
    }
    if (spec->floating_ip_address && !op->caller->is_admin) {
        return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:create_floatingip"
                             " and rule:create_floatingip:floating_ip_address) is disallowed"
                             " by policy");
    }
    if (core_authorize(op, POLICY_FLOATINGIP, POLICY_CREATE,
                       &(struct policy_target) { .project_id = owner })
        || quota_check(op, QUOTA_FLOATINGIP, owner, 1)
        || check_floating_network(op, spec->floating_network_id)) {
        return -1;
    }
    memset(&f, 0, sizeof f);
    uuid_new(f.std.id);
    snprintf(f.floating_network_id, sizeof f.floating_network_id, "%s",
             spec->floating_network_id);
    strcpy(f.status, "DOWN");
    f.std.project_id = (char *) owner;
    f.std.name = (char *) "";
    f.std.description = (char *) (spec->description ? spec->description : "");
    time_iso8601_now(f.std.created_at);
    memcpy(f.std.updated_at, f.std.created_at, sizeof f.std.updated_at);
    r = create_floating_port(op, spec, &f) || apply_association(op, spec, &f);
    if (!r) {
        int e = store_floatingip_insert(op->c, &f);
        r = e ? core_internal(op, e) : 0;
    }
    /* The router's agent sets the address up; its status follows that agent. */
    if (!r && *f.router_id) {
        r = l3_router_changed(op, f.router_id, true);
    }
    return r ? -1 : reread(op, f.std.id, ret);
}

int
core_floatingip_update(const struct op *op, const char *id,
                       const struct floatingip_spec *spec, int64_t expected_revision,
                       struct floatingip *ret)
{
    char old_router[ID_LEN] = "";
    struct floatingip f;
    int r = fip_for(op, id, POLICY_UPDATE, &f)
            || core_check_revision(op, expected_revision, f.std.revision_number);

    if (!r) {
        memcpy(old_router, f.router_id, sizeof old_router);
        r = blank_update(spec) ? (disassociate(&f), 0) : apply_association(op, spec, &f);
    }
    /* Zed bumps the revision on every update, even one that changes nothing. */
    if (!r) {
        int e;
        core_take_str(&f.std.description, spec->description);
        f.std.revision_number++;
        time_iso8601_now(f.std.updated_at);
        if (!*f.router_id) {
            strcpy(f.status, "DOWN");
        }
        e = store_floatingip_update(op->c, &f);
        r = e ? core_internal(op, e) : 0;
    }
    /* The agents of the router it left and of the router it joined. */
    if (!r && *old_router && !STREQ(old_router, f.router_id)) {
        r = l3_notify_router(op, old_router);
    }
    if (!r && *f.router_id) {
        r = l3_router_changed(op, f.router_id, true);
    }
    floatingip_done(&f);
    return r ? -1 : reread(op, id, ret);
}

int
core_floatingip_delete(const struct op *op, const char *id, int64_t expected_revision)
{
    struct floatingip f;
    struct port p;
    int r = fip_for(op, id, POLICY_DELETE, &f)
            || core_check_revision(op, expected_revision, f.std.revision_number);

    if (!r && *f.router_id) {
        r = l3_notify_router(op, f.router_id);
    }
    if (!r) {
        int e = store_floatingip_delete(op->c, f.std.id);
        e = e ? e : store_port_get(op->c, f.floating_port_id, NULL, &p);
        r = e ? core_internal(op, e) : 0;
        if (!r) {
            r = core_port_delete_read(op, &p);
            port_done(&p);
        }
    }
    floatingip_done(&f);
    return r ? -1 : 0;
}
