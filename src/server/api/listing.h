/* List requests: turns the query string of a collection GET into a store list query
 * (filters, tag filters, sort keys, limit/marker/page_reverse) and a field selection,
 * with Neutron's errors for bad ones; and renders the "<plural>_links" of a page. */
#ifndef NEUTRINO_API_LISTING_H
#define NEUTRINO_API_LISTING_H

#include <stdbool.h>

#include "attrs.h"
#include "jsonw.h"
#include "store/store.h"

struct request;

/* Which attributes a response shows ("fields=" query parameters). */
struct field_set {
    char **names;       /* NULL: all. */
    size_t n;
};

struct list_request {
    struct list_query q;
    struct field_set fields;
    bool paged;                 /* A limit was given: links are rendered. */
    int64_t limit;
    size_t n_items;             /* Items rendered, set by the caller. */
    char first_id[ID_LEN];      /* First and last rendered ids, for the links. */
    char last_id[ID_LEN];
    void *storage;              /* Owned allocations behind 'q'. */
};

/* True for the query keys that are never filters nor refused as unknown ones: the
 * paging, sorting and field parameters, and the names Neutron skips (listing.c). */
bool listing_param_never_filters(const char *key);

/* Parses the query of 'req' for listing 'rd'. Returns 0, or -1 after answering. */
int listing_parse(struct request *req, const struct resource_def *rd, struct list_request *ret);
void listing_done(struct list_request *lr);

/* Parses only "fields=" (for show). */
void fields_parse(const struct request *req, struct field_set *ret);
void fields_done(struct field_set *fs);
/* True if attribute 'name' is to be rendered. */
bool fields_want(const struct field_set *fs, const char *name);

/* Records an item as rendered (for links). */
void listing_note_item(struct list_request *lr, const char *id);
/* Renders "<plural>_links": [...] if the list was paged. */
void listing_render_links(struct jsonw *w, const struct request *req,
                          const struct resource_def *rd, const struct list_request *lr);

#endif
