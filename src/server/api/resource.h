/* The shapes every resource's handlers share — list, show, create (single and bulk),
 * update, delete — written once.  A resource says what differs in a struct
 * resource_ops: how its rows are listed, read, written and deleted through the core,
 * and how one is rendered.  The resource's C struct travels as 'void *' between them
 * (its size in 'size'), the way qsort() handles elements. */
#ifndef NEUTRINO_API_RESOURCE_H
#define NEUTRINO_API_RESOURCE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "core/core.h"

struct request;
struct resource_ops;

/* What a listing's row callback needs (the store lends each row to it). */
struct list_walk {
    const struct resource_ops *ops;
    struct jsonw *w;
    struct list_request *lr;
    const struct context *ctx;
};

struct resource_ops {
    const struct resource_def *def;
    size_t size;                    /* sizeof the resource's struct. */
    /* Lends every row of 'walk->lr->q' to list_walk_row().  0 or -errno; -ENOENT: the
     * marker does not exist. */
    int (*list)(struct store_conn *c, struct list_walk *walk);
    /* Reads 'id' as the caller may see it into 'ret'. */
    int (*get)(const struct op *op, const char *id, void *ret);
    /* Creates a resource from a checked body item ('id' NULL) or updates 'id' with one,
     * and fills 'ret' with it as stored. */
    int (*write)(const struct op *op, const char *id, const json_t *item,
                 int64_t expected_revision, void *ret);
    int (*delete)(const struct op *op, const char *id, int64_t expected_revision);
    void (*render)(struct jsonw *w, const void *obj, const struct field_set *fs,
                   const struct context *ctx);
    void (*done)(void *obj);
    /* Optional: checks a bulk create's checked items as a whole, before any is written
     * (rules that must all be for one group).  0, or -1 with 'op->err' filled. */
    int (*check_bulk)(const struct op *op, const json_t *items);
    /* For a resource that has tags (api/tags.c): bumps the revision of 'id' as a
     * change of its tags does, updated at 'now'.  0 or -errno. */
    int (*bump)(struct store_conn *c, const char *id, const char *now);
};

/* The resources' operations, for what handles them all alike (tags).  The C struct of
 * each starts with its struct std_attrs. */
extern const struct resource_ops network_ops, subnet_ops, port_ops, security_group_ops,
    sg_rule_ops, router_ops, floatingip_ops, subnetpool_ops;

/* Renders one listed row, 'obj' with id 'id'.  Returns 0 (the store's callbacks
 * return it). */
int list_walk_row(struct list_walk *walk, const void *obj, const char *id);

int api_resource_list(struct request *req, const struct resource_ops *ops);
int api_resource_show(struct request *req, const struct resource_ops *ops, const char *id);
int api_resource_create(struct request *req, const struct resource_ops *ops);
int api_resource_update(struct request *req, const struct resource_ops *ops, const char *id);
int api_resource_delete(struct request *req, const struct resource_ops *ops, const char *id);

/* Defines the route handlers <plural>_list, <plural>_create, <singular>_show,
 * <singular>_update and <singular>_delete over 'ops'. */
#define RESOURCE_HANDLERS(plural, singular, ops)                                        \
    int plural##_list(struct request *req, char *const args[])                         \
    {                                                                                   \
        return api_resource_list(req, (ops));                                           \
    }                                                                                   \
    int plural##_create(struct request *req, char *const args[])                       \
    {                                                                                   \
        return api_resource_create(req, (ops));                                         \
    }                                                                                   \
    int singular##_show(struct request *req, char *const args[])                       \
    {                                                                                   \
        return api_resource_show(req, (ops), args[0]);                                  \
    }                                                                                   \
    int singular##_update(struct request *req, char *const args[])                     \
    {                                                                                   \
        return api_resource_update(req, (ops), args[0]);                                \
    }                                                                                   \
    int singular##_delete(struct request *req, char *const args[])                     \
    {                                                                                   \
        return api_resource_delete(req, (ops), args[0]);                                \
    }

/* Defines '<name>_ops', the resource_ops of a resource whose C struct is 'type' (with
 * 'std.id'), from its table 'def', the store's typed listing 'foreach', the core's
 * typed read 'get', and 'write', 'delete', 'render' and 'done': the adapters between
 * the typed functions and resource_ops' void pointers.  The optional members follow as
 * designated initializers (.check_bulk = ..., .bump = ...). */
#define RESOURCE_OPS(name, type, def_, foreach_, get_, write_, delete_, render_, done_, ...) \
    static int name##_row(const type *obj, void *walk)                                  \
    {                                                                                   \
        return list_walk_row(walk, obj, obj->std.id);                                   \
    }                                                                                   \
    static int name##_list(struct store_conn *c, struct list_walk *walk)                \
    {                                                                                   \
        return foreach_(c, &walk->lr->q, name##_row, walk);                             \
    }                                                                                   \
    static int name##_get(const struct op *op, const char *id, void *ret)               \
    {                                                                                   \
        return get_(op, id, ret);                                                       \
    }                                                                                   \
    static void name##_render_any(struct jsonw *w, const void *obj,                     \
                                  const struct field_set *fs, const struct context *ctx) \
    {                                                                                   \
        render_(w, obj, fs, ctx);                                                       \
    }                                                                                   \
    static void name##_done_any(void *obj)                                              \
    {                                                                                   \
        done_(obj);                                                                     \
    }                                                                                   \
    const struct resource_ops name##_ops = {                                            \
        .def = &(def_), .size = sizeof(type), .list = name##_list, .get = name##_get,   \
        .write = (write_), .delete = (delete_), .render = name##_render_any,            \
        .done = name##_done_any, __VA_ARGS__                                            \
    };

/* Starts {"<key>": [ … as the answer (status 200). */
void api_begin_list(struct request *req, struct jsonw *w, const char *key);

#endif
