/* The shapes every resource's handlers share — list, show, create (single and bulk),
 * update, delete — written once.  A resource says what differs in a struct
 * resource_ops: how its rows are listed, how one is read, created, updated and deleted
 * through the core, and how it is rendered. */
#ifndef NEUTRINO_API_RESOURCE_H
#define NEUTRINO_API_RESOURCE_H

#include <jansson.h>
#include <stdint.h>

#include "common.h"
#include "core/core.h"

struct request;

/* What a listing's row callback needs (the store lends each row to it). */
struct list_walk {
    struct jsonw *w;
    struct list_request *lr;
    const struct context *ctx;
};

struct resource_ops {
    const struct resource_def *def;
    /* Renders every row of 'walk->lr->q' (with list_walk_row()).  0 or -errno;
     * -ENOENT: the marker does not exist. */
    int (*list)(struct store_conn *c, struct list_walk *walk);
    /* Reads 'id' as the caller may see it and renders it with 'fs' into 'w'. */
    int (*show)(const struct op *op, const char *id, const struct field_set *fs,
                struct jsonw *w);
    /* Creates one item of a checked body and renders it into 'w'. */
    int (*create)(const struct op *op, const json_t *item, struct jsonw *w);
    /* Updates 'id' with a checked body item and renders it into 'w'. */
    int (*update)(const struct op *op, const char *id, const json_t *item,
                  int64_t expected_revision, struct jsonw *w);
    int (*delete)(const struct op *op, const char *id, int64_t expected_revision);
};

/* A row was rendered: remember its id for the page's links. */
void list_walk_row(struct list_walk *walk, const char *id);

int api_resource_list(struct request *req, const struct resource_ops *ops);
int api_resource_show(struct request *req, const struct resource_ops *ops, const char *id);
int api_resource_create(struct request *req, const struct resource_ops *ops);
int api_resource_update(struct request *req, const struct resource_ops *ops, const char *id);
int api_resource_delete(struct request *req, const struct resource_ops *ops, const char *id);

/* Starts {"<key>": [ … as the answer (status 200). */
void api_begin_list(struct request *req, struct jsonw *w, const char *key);
/* Ends it: ] and }. */
void api_end_list(struct jsonw *w);

#endif
