/* Resource tags (docs/behaviour/api.md §9), for every resource whose resource_ops has a
 * 'bump' (resource.h): the parent is read and bumped through those operations, so
 * this file knows no resource by name.  The parent must be visible to the caller;
 * changing tags needs the right to update the parent (stricter than Zed, which checks
 * nothing), and each change bumps the parent's revision_number. */
#include "tags.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "resource.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

enum { TAG_MAX_LEN = 255, TAGS_MAX = 100 };

/* A parent resource's identity and owner, read in the open transaction. */
struct tag_parent {
    const struct resource_ops *ops;
    char id[ID_LEN];
    char owner[256];
    int64_t revision;
};

/* Reads the parent as its show would (visibility and the get rule), through its
 * resource's operations: what the caller may not see is TagResourceNotFound. */
static int
parent_load(struct request *req, struct store_conn *c, const struct resource_ops *ops,
            const char *id, struct tag_parent *ret)
{
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    void *obj = xcalloc(1, ops->size);
    const struct std_attrs *std = obj;
    int r = ops->get(&op, id, obj);

    if (!r) {
        ret->ops = ops;
        snprintf(ret->id, sizeof ret->id, "%s", id);
        snprintf(ret->owner, sizeof ret->owner, "%s", std->project_id);
        ret->revision = std->revision_number;
        ops->done(obj);
    }
    free(obj);
    if (!r) {
        return 0;
    }
    if (err.kind == ops->def->not_found || err.kind == API_ERR_HTTP_NOT_FOUND) {
        return api_fail(req, API_ERR_TAG_RESOURCE_NOT_FOUND,
                        "Resource %s %s could not be found.", ops->def->plural, id);
    }
    return api_fail_with(req, &err);
}

static int
parent_check_write(struct request *req, const struct tag_parent *p)
{
    if (req->ctx.is_admin || STREQ(p->owner, req->ctx.project_id)) {
        return 0;
    }
    return api_fail(req, API_ERR_POLICY_NOT_AUTHORIZED, "rule:update_%s is disallowed by policy",
                    p->ops->def->singular);
}

/* Bumps the parent's revision, as any change of its tags does. */
static int
parent_bump(struct store_conn *c, const struct tag_parent *p)
{
    char now[TIMESTAMP_LEN];

    api_now(now);
    return p->ops->bump(c, p->id, now);
}

static int
tag_check_value(struct request *req, const char *tag)
{
    if (strlen(tag) > TAG_MAX_LEN) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Invalid input for tags. Reason: '%s'"
                        " exceeds maximum length of %d.", tag, TAG_MAX_LEN);
    }
    return 0;
}

static void
answer_tags(struct request *req, struct store_conn *c, const char *id, int status)
{
    char *json = NULL;
    struct jsonw w;

    if (store_tags_get(c, id, &json)) {
        api_fail_internal(req, -EIO);
        return;
    }
    api_begin(req, status, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "tags");
    jsonw_raw(&w, json ? json : "[]");
    jsonw_object_end(&w);
    free(json);
}

static int
tags_get(struct request *req, const struct resource_ops *ops, const char *id)
{
    struct store_conn *c = request_conn(req);
    struct tag_parent p;

    if (!c || parent_load(req, c, ops, id, &p)) {
        return -1;
    }
    answer_tags(req, c, id, 200);
    return 0;
}

/* Parses {"tags": [...]} into a JSON array (owned). */
static int
parse_tags_body(struct request *req, json_t **ret)
{
    json_t *body = json_loadb(req->body.data ? req->body.data : "", req->body.len,
                              JSON_REJECT_DUPLICATES, NULL);
    json_t *tags = json_object_get(body, "tags");
    size_t i, j;
    json_t *t, *u;

    if (!json_is_array(tags)) {
        json_decref(body);
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Invalid input for tags. Reason: a list"
                        " of tags is required.");
    }
    if (json_array_size(tags) > TAGS_MAX) {
        json_decref(body);
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Invalid input for tags. Reason: more"
                        " than %d tags.", TAGS_MAX);
    }
    json_array_foreach (tags, i, t) {
        if (!json_is_string(t)) {
            json_decref(body);
            return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Invalid input for tags. Reason:"
                            " tags must be strings.");
        }
        if (tag_check_value(req, json_string_value(t))) {
            json_decref(body);
            return -1;
        }
        json_array_foreach (tags, j, u) {
            if (j < i && json_equal(t, u)) {
                api_fail(req, API_ERR_INVALID_INPUT, "Duplicate items in the list: '%s'",
                         json_string_value(t));
                json_decref(body);
                return -1;
            }
        }
    }
    *ret = json_incref(tags);
    json_decref(body);
    return 0;
}

/* Runs 'op' on the parent's tags in one transaction, then answers. */
enum tag_op { TAG_REPLACE, TAG_CLEAR, TAG_ADD, TAG_REMOVE };

static int
tags_change(struct request *req, const struct resource_ops *ops, const char *id,
            enum tag_op op, const char *tag)
{
    struct store_conn *c = request_conn(req);
    json_t *tags = NULL;
    struct tag_parent p;
    size_t i;
    json_t *t;
    int r;

    if (!c || (op == TAG_REPLACE && parse_tags_body(req, &tags))
        || (tag && tag_check_value(req, tag))) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        json_decref(tags);
        return api_fail_internal(req, r);
    }
    if (parent_load(req, c, ops, id, &p) || parent_check_write(req, &p)) {
        goto fail;
    }
    switch (op) {
    case TAG_REPLACE:
        r = store_tags_clear(c, id);
        json_array_foreach (tags, i, t) {
            if (!r) {
                r = store_tag_add(c, id, json_string_value(t));
            }
        }
        break;
    case TAG_CLEAR:
        r = store_tags_clear(c, id);
        break;
    case TAG_ADD:
        r = store_tag_add(c, id, tag);
        break;
    case TAG_REMOVE:
        r = store_tag_remove(c, id, tag);
        if (r == -ENOENT) {
            api_fail(req, API_ERR_TAG_NOT_FOUND, "Tag %s could not be found.", tag);
            goto fail;
        }
        break;
    }
    if (!r) {
        r = parent_bump(c, &p);
    }
    if (r) {
        api_fail_internal(req, r);
        goto fail;
    }
    if (op == TAG_REPLACE) {
        answer_tags(req, c, id, 200);
    } else {
        req->status = op == TAG_ADD ? 201 : 204;
        buf_clear(&req->response);
    }
    r = store_commit(c);
    if (r) {
        api_fail_internal(req, r);
    }
    json_decref(tags);
    return req->status >= 400 ? -1 : 0;
fail:
    store_rollback(c);
    json_decref(tags);
    return -1;
}

static int
tag_check(struct request *req, const struct resource_ops *ops, const char *id, const char *tag)
{
    struct store_conn *c = request_conn(req);
    struct tag_parent p;
    bool found;
    int r;

    if (!c || parent_load(req, c, ops, id, &p)) {
        return -1;
    }
    r = store_tag_exists(c, id, tag, &found);
    if (r) {
        return api_fail_internal(req, r);
    }
    if (!found) {
        return api_fail(req, API_ERR_TAG_NOT_FOUND, "Tag %s could not be found.", tag);
    }
    req->status = 204;
    return 0;
}

#define TAG_HANDLERS(prefix, ops)                                                        \
    int prefix##_tags_get(struct request *req, char *const args[])                       \
    { return tags_get(req, &ops, args[0]); }                                             \
    int prefix##_tags_replace(struct request *req, char *const args[])                   \
    { return tags_change(req, &ops, args[0], TAG_REPLACE, NULL); }                       \
    int prefix##_tags_clear(struct request *req, char *const args[])                     \
    { return tags_change(req, &ops, args[0], TAG_CLEAR, NULL); }                         \
    int prefix##_tag_check(struct request *req, char *const args[])                      \
    { return tag_check(req, &ops, args[0], args[1]); }                                   \
    int prefix##_tag_add(struct request *req, char *const args[])                        \
    { return tags_change(req, &ops, args[0], TAG_ADD, args[1]); }                        \
    int prefix##_tag_remove(struct request *req, char *const args[])                     \
    { return tags_change(req, &ops, args[0], TAG_REMOVE, args[1]); }

TAG_HANDLERS(network, network_ops)
TAG_HANDLERS(subnet, subnet_ops)
TAG_HANDLERS(port, port_ops)
TAG_HANDLERS(security_group, security_group_ops)
TAG_HANDLERS(router, router_ops)
TAG_HANDLERS(floatingip, floatingip_ops)
TAG_HANDLERS(subnetpool, subnetpool_ops)
