/* /v2.0/auto-allocated-topology/{project_id}: parse, call the core, render; see
 * auto_allocate.h and docs/behaviour/api.md §18. */
#include "auto_allocate.h"

#include <string.h>

#include "common.h"
#include "core/auto_allocate.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

/* What ?fields= asks: nothing, the dry run, or something Zed does not know. */
enum fields_ask { FIELDS_NONE, FIELDS_DRY_RUN, FIELDS_UNKNOWN };

static enum fields_ask
parse_fields(const struct request *req)
{
    bool dry_run = false, other = false;

    /* Empty values ask nothing, as in Neutron's list_args(). */
    for (size_t i = 0; i < req->n_params; i++) {
        const char *value = req->params[i].value;
        if (STREQ(req->params[i].key, "fields") && *value) {
            dry_run |= STREQ(value, "dry-run");
            other |= !STREQ(value, "dry-run");
        }
    }
    return dry_run ? FIELDS_DRY_RUN : other ? FIELDS_UNKNOWN : FIELDS_NONE;
}

static int
answer(struct request *req, const char *network_id, const char *project_id, bool dry_run)
{
    struct jsonw w;

    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "auto_allocated_topology");
    jsonw_object_begin(&w);
    jsonw_key(&w, "id");
    jsonw_string(&w, network_id);
    jsonw_key(&w, "tenant_id");
    jsonw_string(&w, project_id);
    /* Zed's dry-run answer is its plugin's dict as is, without project_id. */
    if (!dry_run) {
        jsonw_key(&w, "project_id");
        jsonw_string(&w, project_id);
    }
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    return 0;
}

/* Zed shows a refusal by the network step (a bad request, something not found, a pool
 * without room) or by the router step (a bad request) as the deployment's unmet
 * requirement; anything else as it is. */
static void
explain_failure(enum auto_allocate_step step, struct api_error *err)
{
    int status = api_err_status(err->kind);
    const char *reason = NULL;

    if (step == AUTO_ALLOCATE_STEP_NETWORK
        && (status == 400 || status == 404 || err->kind == API_ERR_SUBNET_ALLOCATION)) {
        reason = "Unable to provide tenant private network";
    } else if (step == AUTO_ALLOCATE_STEP_ROUTER && status == 400) {
        reason = "Unable to provide external connectivity";
    }
    if (reason) {
        (void) api_error_set(err, API_ERR_AUTO_ALLOCATION_FAILURE, "Deployment error: %s.",
                             reason);
    }
}

/* The project's topology network, allocated in one write transaction when it has
 * none; on failure nothing it made is left. */
static int
allocate(struct request *req, const struct op *op, char network_id[ID_LEN],
         const char *project_id)
{
    enum auto_allocate_step step;
    int r = store_begin(op->c);

    if (r) {
        return api_fail_internal(req, r);
    }
    if (core_auto_allocate(op, project_id, network_id, &step)) {
        store_rollback(op->c);
        explain_failure(step, op->err);
        return api_fail_with(req, op->err);
    }
    r = store_commit(op->c);
    return r ? api_fail_internal(req, r) : 0;
}

/* The project the path names, checked: the caller's own unless an admin asks, and the
 * policy rule of 'action'. */
static int
project_for(struct request *req, const struct op *op, const char *asked,
            enum policy_action action, const char **ret)
{
    if (core_auto_allocate_project(op, asked, ret)
        || core_auto_allocate_authorize(op, *ret, action)) {
        return api_fail_with(req, op->err);
    }
    return 0;
}

int
auto_allocated_topology_show(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    enum fields_ask fields = parse_fields(req);
    char network_id[ID_LEN];
    const char *project_id;

    if (!c || project_for(req, &op, args[0], POLICY_GET, &project_id)) {
        return -1;
    }
    if (fields == FIELDS_UNKNOWN) {
        return api_fail(req, API_ERR_BAD_REQUEST,
                        "Bad auto_allocate request: Unrecognized field.");
    }
    if (fields == FIELDS_DRY_RUN) {
        return core_auto_allocate_check(&op) ? api_fail_with(req, &err)
                                             : answer(req, "dry-run=pass", project_id, true);
    }
    if (allocate(req, &op, network_id, project_id)) {
        return -1;
    }
    return answer(req, network_id, project_id, false);
}

int
auto_allocated_topology_delete(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    char network_id[ID_LEN];
    const char *project_id;
    int r;

    if (!c || project_for(req, &op, args[0], POLICY_DELETE, &project_id)) {
        return -1;
    }
    /* Zed reads the topology before deleting it, and reading allocates one: a project
     * without one is given one and it is removed, with every error that brings. */
    if (allocate(req, &op, network_id, project_id)) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    if (core_auto_allocate_delete(&op, project_id)) {
        store_rollback(c);
        return api_fail_with(req, &err);
    }
    r = store_commit(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    req->status = 204;
    return 0;
}
