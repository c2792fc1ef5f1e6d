/* Printing results as the `openstack` client does (docs/behaviour/cli.md §1): show tables
 * ("Field | Value", one row per field of the resource, None for what the server did not
 * send) and list tables (fixed column headers), as table, json, value, yaml, csv or
 * shell, with -c choosing columns. */
#ifndef NEUTRINO_CLI_OUTPUT_H
#define NEUTRINO_CLI_OUTPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum out_format { OUT_TABLE, OUT_JSON, OUT_VALUE, OUT_YAML, OUT_CSV, OUT_SHELL };

/* How a value is shown in a table. */
enum render {
    R_TEXT,         /* Strings, numbers; booleans True/False; lists "a, b". */
    R_UPDOWN,       /* admin_state_up: UP / DOWN. */
    R_EXTERNAL,     /* router:external: External / Internal. */
    R_ALIVE,        /* agent alive: :-) / XXX. */
    R_POOLS,        /* allocation_pools: start-end,start-end. */
    R_ROUTES,       /* host_routes: destination='..', gateway='..' per line. */
    R_FIXED_IPS,    /* fixed_ips: ip_address='..', subnet_id='..' per line. */
    R_DICT,         /* objects: key='value', ... */
    R_DICT_OR_EMPTY, /* The same, but absent: None in tables, {} in the other formats
                      * (the client's dict columns, as a port's binding dicts). */
    R_FALSE,        /* A boolean the openstack client shows as False when absent. */
    R_PYLIST,       /* A list the client leaves unformatted: Python's ['a', 'b']. */
    R_PYREPR,       /* Any value as Python's repr() (a dict the client left as it is). */
    R_JSON,         /* JSON text, as the client's router columns (null too). */
    R_INT,          /* A number the client reads with int(): a subnet pool's prefix
                     * lengths, which Neutron sends as text. */
    R_SG_RULES,     /* A group's rules: key='value', ... per line, empty values and the
                     * keys the group already tells (its id, the project) left out. */
    R_LIST_DICTS,   /* A list of objects as the client's ListDictColumn: format_dict
                     * per line, every value quoted (numbers too), null as "key=". */
};

/* A column of a list, or a row of a show table.  'attr' may be "a|b": the first
 * attribute present. */
struct field {
    const char *name;           /* Header (lists) or field name (show). */
    const char *attr;
    enum render render;
};

struct out_opts {
    enum out_format format;
    const char **columns;       /* -c, in the order given; NULL/0: all. */
    size_t n_columns;
    bool noindent;
    const char *prefix;         /* -f shell --prefix. */
};

/* Parses a -f value; false if unknown. */
bool out_parse_format(const char *s, enum out_format *ret);

/* Prints one resource.  Returns 0, or 1 after an error message (bad -c). */
int out_show(const struct out_opts *o, const struct field *fields, size_t n,
             const json_t *obj);
/* Prints a list of resources. */
int out_list(const struct out_opts *o, const struct field *cols, size_t n,
             const json_t *items);

/* osc-lib's format_dict of an object: "key='value', ..." sorted by key, nested objects
 * as "outer.inner='value'", null values as "key=" (owned; NULL for a non-object). */
char *out_format_dict(const json_t *obj);

/* The value of 'attr' ("a|b" tries each) in 'obj', or NULL. */
const json_t *out_attr(const json_t *obj, const char *attr);

#endif
