/* The handlers' shared shapes; see resource.h. */
#include "resource.h"

#include <errno.h>
#include <stdlib.h>

#include "app.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

int
list_walk_row(struct list_walk *walk, const void *obj, const char *id)
{
    walk->ops->render(walk->w, obj, &walk->lr->fields, walk->ctx);
    listing_note_item(walk->lr, id);
    return 0;
}

void
api_begin_list(struct request *req, struct jsonw *w, const char *key)
{
    api_begin(req, 200, w);
    jsonw_object_begin(w);
    jsonw_key(w, key);
    jsonw_array_begin(w);
}

/* "<Title> <id> could not be found." */
static int
not_found(struct request *req, const struct resource_def *def, const char *id)
{
    return api_fail(req, def->not_found, "%s %s could not be found.", def->title, id);
}

int
api_resource_list(struct request *req, const struct resource_ops *ops)
{
    const struct resource_def *def = ops->def;
    struct store_conn *c = request_conn(req);
    struct list_request lr;
    struct jsonw w;
    int r;

    if (!c || listing_parse(req, def, &lr)) {
        return -1;
    }
    api_begin_list(req, &w, def->plural);
    struct list_walk walk = { ops, &w, &lr, &req->ctx };
    r = ops->list(c, &walk);
    if (r) {
        r == -ENOENT ? not_found(req, def, lr.q.marker) : api_fail_internal(req, r);
        listing_done(&lr);
        return -1;
    }
    jsonw_array_end(&w);
    listing_render_links(&w, req, def, &lr);
    jsonw_object_end(&w);
    listing_done(&lr);
    return 0;
}

/* Reads (id, no item) or writes one resource with 'ops' and renders it with 'fs'. */
static int
one(const struct op *op, const struct resource_ops *ops, const char *id, const json_t *item,
    int64_t expected_revision, const struct field_set *fs, struct jsonw *w)
{
    void *obj = xcalloc(1, ops->size);
    int r = item ? ops->write(op, id, item, expected_revision, obj) : ops->get(op, id, obj);

    if (!r) {
        ops->render(w, obj, fs, op->caller);
        ops->done(obj);
    }
    free(obj);
    return r;
}

int
api_resource_show(struct request *req, const struct resource_ops *ops, const char *id)
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    struct field_set fs;
    struct jsonw w;
    int r;

    if (!c) {
        return -1;
    }
    fields_parse(req, &fs);
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, ops->def->singular);
    r = one(&op, ops, id, NULL, -1, &fs, &w);
    jsonw_object_end(&w);
    fields_done(&fs);
    return r ? api_fail_with(req, &err) : 0;
}

/* Ends the request's write: commits, or rolls back and answers the core's error. */
static int
finish(struct request *req, struct store_conn *c, int r, const struct api_error *err)
{
    if (r) {
        store_rollback(c);
        return api_fail_with(req, err);
    }
    r = store_commit(c);
    return r ? api_fail_internal(req, r) : 0;
}

int
api_resource_create(struct request *req, const struct resource_ops *ops)
{
    const struct resource_def *def = ops->def;
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    struct field_set all = { NULL, 0 };
    json_t *items, *item;
    struct jsonw w;
    size_t i;
    bool bulk;
    int r;

    if (!c || attrs_parse_body(req, def, true, &items, &bulk)) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        json_decref(items);
        return api_fail_internal(req, r);
    }
    /* Each item is rendered from what was just written, inside the transaction, so the
     * answer is exactly what was stored; any failure replaces it. */
    api_begin(req, 201, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, bulk ? def->plural : def->singular);
    if (bulk) {
        jsonw_array_begin(&w);
    }
    r = bulk && ops->check_bulk ? ops->check_bulk(&op, items) : 0;
    json_array_foreach (items, i, item) {
        if (r) {
            break;
        }
        r = one(&op, ops, NULL, item, -1, &all, &w);
    }
    if (bulk) {
        jsonw_array_end(&w);
    }
    jsonw_object_end(&w);
    json_decref(items);
    return finish(req, c, r, &err);
}

int
api_resource_update(struct request *req, const struct resource_ops *ops, const char *id)
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    struct field_set all = { NULL, 0 };
    json_t *items;
    struct jsonw w;
    int64_t if_match;
    bool bulk;
    int r;

    if (!c || attrs_parse_body(req, ops->def, false, &items, &bulk)) {
        return -1;
    }
    if (api_if_match_parse(req, &if_match)) {
        json_decref(items);
        return -1;
    }
    r = store_begin(c);
    if (r) {
        json_decref(items);
        return api_fail_internal(req, r);
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, ops->def->singular);
    r = one(&op, ops, id, json_array_get(items, 0), if_match, &all, &w);
    jsonw_object_end(&w);
    json_decref(items);
    return finish(req, c, r, &err);
}

int
api_resource_delete(struct request *req, const struct resource_ops *ops, const char *id)
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    int64_t if_match;
    int r;

    if (!c || api_if_match_parse(req, &if_match)) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    r = finish(req, c, ops->delete(&op, id, if_match), &err);
    if (!r) {
        buf_clear(&req->response);
        req->status = 204;
    }
    return r;
}
