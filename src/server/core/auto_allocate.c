/* auto-allocated-topology in the domain core; see auto_allocate.h. */
#include "auto_allocate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/network.h"
#include "core/router.h"
#include "core/subnet.h"
#include "store/store.h"
#include "util.h"

#define NETWORK_NAME "auto_allocated_network"
#define ROUTER_NAME "auto_allocated_router"

/* The default pools a topology's subnets come from, IPv4 first. */
struct default_pools {
    char ids[2][ID_LEN];
    int versions[2];
    size_t n;
};

static int
failure(const struct op *op, const char *reason)
{
    return api_error_set(op->err, API_ERR_AUTO_ALLOCATION_FAILURE, "Deployment error: %s.",
                         reason);
}

int
core_auto_allocate_project(const struct op *op, const char *asked, const char **ret)
{
    /* A client with no project to name sends "None": the caller's is meant. */
    const char *project = STREQ(asked, "None") ? op->caller->project_id : asked;

    if (!op->caller->is_admin && !STREQ(project, op->caller->project_id)) {
        return api_error_set(op->err, API_ERR_NOT_AUTHORIZED, "Not authorized.");
    }
    *ret = project;
    return 0;
}

int
core_auto_allocate_authorize(const struct op *op, const char *project_id,
                             enum policy_action action)
{
    return core_authorize(op, POLICY_AUTO_ALLOCATED_TOPOLOGY, action,
                          &(struct policy_target) { .project_id = project_id });
}

static int
default_external_network(const struct op *op, char ret[ID_LEN])
{
    int r = store_network_default_external(op->c, ret);

    if (r == -ENOENT) {
        return failure(op, "No default router:external network");
    }
    return r ? core_internal(op, r) : 0;
}

/* The default pools; none is not an error here (each caller says it its way). */
static int
default_pools(const struct op *op, struct default_pools *ret)
{
    static const int versions[] = { 4, 6 };

    memset(ret, 0, sizeof *ret);
    for (size_t i = 0; i < ARRAY_SIZE(versions); i++) {
        int r = store_subnetpool_default(op->c, versions[i], ret->ids[ret->n]);
        if (r == -ENOENT) {
            continue;
        }
        if (r) {
            return core_internal(op, r);
        }
        ret->versions[ret->n++] = versions[i];
    }
    return 0;
}

int
core_auto_allocate_check(const struct op *op)
{
    struct default_pools pools;
    char external[ID_LEN];

    if (default_external_network(op, external) || default_pools(op, &pools)) {
        return -1;
    }
    return pools.n ? 0 : failure(op, "No default subnetpools defined");
}

/* Zed's first step: the network, down until the topology is recorded, and a subnet
 * from each default pool. */
static int
make_network(const struct op *op, const char *project_id, struct network *ret_net)
{
    struct network_spec spec = {
        .project_id = project_id, .name = NETWORK_NAME,
        .has_admin_state_up = true, .admin_state_up = false,
        .has_shared = true, .shared = false,
    };
    struct default_pools pools;

    if (core_network_create(op, &spec, ret_net)) {
        return -1;
    }
    if (default_pools(op, &pools)) {
        return -1;
    }
    if (!pools.n) {
        /* Zed's NotFound, shown as the step's failure. */
        return api_error_set(op->err, API_ERR_HTTP_NOT_FOUND, "No default subnet pools");
    }
    for (size_t i = 0; i < pools.n; i++) {
        char name[32];
        struct subnet_spec sub = {
            .project_id = project_id, .network_id = ret_net->std.id,
            .ip_version = pools.versions[i], .subnetpool_id = pools.ids[i], .name = name,
        };
        struct subnet s;

        snprintf(name, sizeof name, "auto_allocated_subnet_v%d", pools.versions[i]);
        if (core_subnet_create(op, &sub, &s)) {
            return -1;
        }
        subnet_done(&s);
    }
    return 0;
}

/* Zed's second step: a router with its gateway on 'external_id' and an interface on
 * each of the network's subnets. */
static int
make_router(const struct op *op, const char *project_id, const char *external_id,
            const char *network_id, char ret_router_id[ID_LEN])
{
    struct router_spec spec = {
        .project_id = project_id, .name = ROUTER_NAME,
        .has_admin_state_up = true, .admin_state_up = true,
        .has_gateway = true, .gateway = { .network_id = external_id },
    };
    struct subnet *subnets = NULL;
    size_t n_subnets = 0;
    struct router rt;
    int r;

    if (core_router_create(op, &spec, &rt)) {
        return -1;
    }
    snprintf(ret_router_id, ID_LEN, "%s", rt.std.id);
    router_done(&rt);
    r = store_subnets_of_network(op->c, network_id, &subnets, &n_subnets);
    r = r ? core_internal(op, r) : 0;
    for (size_t i = 0; i < n_subnets; i++) {
        struct router_interface ri;
        if (!r && !core_router_add_interface(op, ret_router_id, subnets[i].std.id, NULL, &ri)) {
            router_interface_done(&ri);
        } else {
            r = -1;
        }
        subnet_done(&subnets[i]);
    }
    free(subnets);
    return r;
}

/* Refusals Zed's clean-up passes over: what it removes may already be gone. */
static bool
is_gone(const struct api_error *err)
{
    switch (err->kind) {
    case API_ERR_NETWORK_NOT_FOUND:
    case API_ERR_SUBNET_NOT_FOUND:
    case API_ERR_ROUTER_NOT_FOUND:
    case API_ERR_ROUTER_INTERFACE_NOT_FOUND:
    case API_ERR_ROUTER_INTERFACE_NOT_FOUND_FOR_SUBNET:
    case API_ERR_HTTP_NOT_FOUND:
        return true;
    default:
        return false;
    }
}

/* Removes a topology's router interfaces, router ("": none) and network. */
static int
remove_topology(const struct op *op, const char *network_id, const char *router_id)
{
    struct subnet *subnets = NULL;
    size_t n_subnets = 0;
    int r = 0;

    if (*router_id) {
        r = store_subnets_of_network(op->c, network_id, &subnets, &n_subnets);
        r = r ? core_internal(op, r) : 0;
        for (size_t i = 0; i < n_subnets; i++) {
            struct router_interface ri;
            if (!r && !core_router_remove_interface(op, router_id, subnets[i].std.id, NULL,
                                                    &ri)) {
                router_interface_done(&ri);
            } else if (!r && !is_gone(op->err)) {
                r = -1;
            }
            subnet_done(&subnets[i]);
        }
        free(subnets);
        if (!r && core_router_delete(op, router_id, -1) && !is_gone(op->err)) {
            r = -1;
        }
    }
    if (!r && core_network_delete(op, network_id, -1) && !is_gone(op->err)) {
        r = -1;
    }
    return r;
}

/* Records the topology and brings its network up, as Zed's last step.  When another
 * request recorded one first, undoes this one and answers that one's network. */
static int
record(const struct op *op, const char *project_id, struct auto_allocated_topology *t,
       char ret_network_id[ID_LEN])
{
    struct network_spec up = { .has_admin_state_up = true, .admin_state_up = true };
    struct auto_allocated_topology winner;
    struct network n;
    int r = store_auto_allocated_insert(op->c, project_id, t);

    if (r == -EEXIST) {
        r = store_auto_allocated_get(op->c, project_id, &winner);
        if (r) {
            return core_internal(op, r);
        }
        if (remove_topology(op, t->network_id, t->router_id)) {
            return -1;
        }
        memcpy(ret_network_id, winner.network_id, ID_LEN);
        return 0;
    }
    if (r) {
        return core_internal(op, r);
    }
    if (core_network_update(op, t->network_id, &up, -1, &n)) {
        return -1;
    }
    network_done(&n);
    memcpy(ret_network_id, t->network_id, ID_LEN);
    return 0;
}

int
core_auto_allocate(const struct op *op, const char *project_id, char ret_network_id[ID_LEN],
                   enum auto_allocate_step *ret_step)
{
    char external[ID_LEN];
    struct auto_allocated_topology t;
    struct network net;
    int r = store_auto_allocated_get(op->c, project_id, &t);

    *ret_step = AUTO_ALLOCATE_STEP_CHECKS;
    if (!r) {
        memcpy(ret_network_id, t.network_id, ID_LEN);
        return 0;
    }
    if (r != -ENOENT) {
        return core_internal(op, r);
    }
    if (default_external_network(op, external)) {
        return -1;
    }
    memset(&t, 0, sizeof t);
    *ret_step = AUTO_ALLOCATE_STEP_NETWORK;
    memset(&net, 0, sizeof net);
    r = make_network(op, project_id, &net);
    memcpy(t.network_id, net.std.id, ID_LEN);
    network_done(&net);
    if (r) {
        return -1;
    }
    *ret_step = AUTO_ALLOCATE_STEP_ROUTER;
    if (make_router(op, project_id, external, t.network_id, t.router_id)) {
        return -1;
    }
    *ret_step = AUTO_ALLOCATE_STEP_RECORD;
    return record(op, project_id, &t, ret_network_id);
}

int
core_auto_allocate_delete(const struct op *op, const char *project_id)
{
    struct auto_allocated_topology t;
    int r = store_auto_allocated_get(op->c, project_id, &t);

    if (r == -ENOENT) {
        return 0;
    }
    if (r) {
        return core_internal(op, r);
    }
    if (remove_topology(op, t.network_id, t.router_id)) {
        return -1;
    }
    r = store_auto_allocated_delete(op->c, project_id);
    return r ? core_internal(op, r) : 0;
}
