/* A streaming JSON writer into a struct buf.  Responses are rendered with it rather
 * than by building jansson trees: listing 10,000 ports then costs one pass and no
 * per-value allocation.  The writer tracks commas; callers emit keys and values in
 * order.  Nesting deeper than JSONW_MAX_DEPTH is a programming error (assert). */
#ifndef NEUTRINO_JSONW_H
#define NEUTRINO_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define JSONW_MAX_DEPTH 32

struct jsonw {
    struct buf *out;                    /* Where text goes; not owned. */
    int depth;                          /* Current nesting depth. */
    bool has_items[JSONW_MAX_DEPTH];    /* Whether each open container has items. */
    bool after_key;                     /* A key was written; its value comes next. */
};

void jsonw_init(struct jsonw *w, struct buf *out);
void jsonw_object_begin(struct jsonw *w);
void jsonw_object_end(struct jsonw *w);
void jsonw_array_begin(struct jsonw *w);
void jsonw_array_end(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);
/* Writes a string value, or null if 's' is NULL. */
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_uint(struct jsonw *w, uint64_t v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* Writes 'json', which must already be valid JSON text, as one value. */
void jsonw_raw(struct jsonw *w, const char *json);

/* Appends 's' to 'out' as a quoted, escaped JSON string. */
void json_escape_string(struct buf *out, const char *s);

#endif
