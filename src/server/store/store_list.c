/* SQLite backend, part 2: the list engine.  Turns a struct list_query (filters, tag
 * filters, sort keys, marker paging, visibility) into one SELECT.  Column names come
 * only from the fixed per-resource tables; every value is bound, never spliced. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_conn.h"
#include "util.h"

LOG_MODULE("store");

/* A value to bind, in placeholder order. */
struct bind {
    bool is_int;
    const char *text;
    int64_t i;
};

struct query_builder {
    struct buf sql;
    struct bind *binds;
    size_t n_binds, cap_binds;
};

static void
qb_bind_text(struct query_builder *qb, const char *text)
{
    if (qb->n_binds == qb->cap_binds) {
        qb->cap_binds = qb->cap_binds ? 2 * qb->cap_binds : 16;
        qb->binds = xrealloc(qb->binds, qb->cap_binds * sizeof *qb->binds);
    }
    qb->binds[qb->n_binds++] = (struct bind) { .text = text };
}

static void
qb_bind_int(struct query_builder *qb, int64_t v)
{
    qb_bind_text(qb, NULL);
    qb->binds[qb->n_binds - 1].is_int = true;
    qb->binds[qb->n_binds - 1].i = v;
}

static const char *
column_expr(const struct resource_sql *r, enum store_field f)
{
    for (size_t i = 0; i < r->n_columns; i++) {
        if (r->columns[i].field == f) {
            return r->columns[i].expr;
        }
    }
    return NULL;
}

static void
qb_add_filter(struct query_builder *qb, const struct resource_sql *r,
              const struct store_filter *f)
{
    const char *expr = column_expr(r, f->field);

    if (f->field == SF_FIXED_IP_ADDRESS || f->field == SF_FIXED_IP_SUBNET_ID) {
        buf_printf(&qb->sql, " AND EXISTS (SELECT 1 FROM ip_allocations a WHERE a.port_id = %s.id"
                   " AND a.%s IN (", r->table_alias,
                   f->field == SF_FIXED_IP_ADDRESS ? "ip_address" : "subnet_id");
    } else if (f->field == SF_FIXED_IP_ADDRESS_SUBSTR) {
        /* lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's not. */
        buf_printf(&qb->sql, " AND EXISTS (SELECT 1 FROM ip_allocations a WHERE a.port_id = %s.id"
                   " AND (", r->table_alias);
        for (size_t i = 0; i < f->n_values; i++) {
            buf_add_str(&qb->sql, i ? " OR lower(a.ip_address) LIKE lower(?)"
                                    : "lower(a.ip_address) LIKE lower(?)");
            qb_bind_text(qb, f->values[i]);
        }
        buf_add_str(&qb->sql, "))");
        return;
    } else if (f->field == SF_PORT_SECURITY_GROUP) {
        buf_printf(&qb->sql, " AND EXISTS (SELECT 1 FROM port_security_group_bindings sgb"
                   " WHERE sgb.port_id = %s.id AND sgb.security_group_id IN (", r->table_alias);
    } else if (f->kind == SV_NULL) {
        buf_printf(&qb->sql, " AND %s IS NULL", expr);
        return;
    } else {
        buf_printf(&qb->sql, " AND %s IN (", expr);
    }
    for (size_t i = 0; i < f->n_values; i++) {
        buf_add_str(&qb->sql, i ? ",?" : "?");
        if (f->kind == SV_INT) {
            qb_bind_int(qb, strtoll(f->values[i], NULL, 10));
        } else {
            qb_bind_text(qb, f->values[i]);
        }
    }
    buf_add_str(&qb->sql, f->field == SF_FIXED_IP_ADDRESS || f->field == SF_FIXED_IP_SUBNET_ID
                                  || f->field == SF_PORT_SECURITY_GROUP
                              ? "))" : ")");
}

/* The condition of a plain filter 'f' on 'expr': "expr IN (...)" or "expr IS NULL". */
static void
qb_add_condition(struct query_builder *qb, const char *expr, const struct store_filter *f)
{
    if (f->kind == SV_NULL) {
        buf_printf(&qb->sql, "%s IS NULL", expr);
        return;
    }
    buf_printf(&qb->sql, "%s IN (", expr);
    for (size_t i = 0; i < f->n_values; i++) {
        buf_add_str(&qb->sql, i ? ",?" : "?");
        if (f->kind == SV_INT) {
            qb_bind_int(qb, strtoll(f->values[i], NULL, 10));
        } else {
            qb_bind_text(qb, f->values[i]);
        }
    }
    buf_add_char(&qb->sql, ')');
}

static bool
is_also_field(const struct resource_sql *r, enum store_field f)
{
    for (size_t i = 0; i < r->n_also_fields; i++) {
        if (r->also_fields[i] == f) {
            return true;
        }
    }
    return false;
}

/* Adds the filters of 'q' on r's also_fields as one condition: the row's own columns
 * match them all, or one of its rows in the other table does. */
static void
qb_add_also_filters(struct query_builder *qb, const struct resource_sql *r,
                    const struct list_query *q)
{
    size_t n = 0;

    for (size_t i = 0; i < q->n_filters; i++) {
        n += is_also_field(r, q->filters[i].field);
    }
    if (!n) {
        return;
    }
    for (int branch = 0; branch < 2; branch++) {
        bool first = true;
        buf_add_str(&qb->sql, branch ? " OR EXISTS (SELECT 1 FROM " : " AND ((");
        if (branch) {
            buf_add_str(&qb->sql, r->also_from);
        }
        for (size_t i = 0; i < q->n_filters; i++) {
            const struct store_filter *f = &q->filters[i];
            const char *expr = column_expr(r, f->field);
            if (!is_also_field(r, f->field)) {
                continue;
            }
            buf_add_str(&qb->sql, first && !branch ? "" : " AND ");
            first = false;
            if (branch) {
                char *other = xasprintf("%s.%s", r->also_alias, strchr(expr, '.') + 1);
                qb_add_condition(qb, other, f);
                free(other);
            } else {
                qb_add_condition(qb, expr, f);
            }
        }
        buf_add_str(&qb->sql, branch ? "))" : ")");
    }
}

static void
qb_add_tag_filter(struct query_builder *qb, const struct resource_sql *r,
                  const struct store_tag_filter *t)
{
    bool negate = t->match == STORE_TAGS_NOT_ALL || t->match == STORE_TAGS_NOT_ANY;
    bool all = t->match == STORE_TAGS_ALL || t->match == STORE_TAGS_NOT_ALL;

    /* all: the number of the listed tags present equals the number listed. */
    buf_printf(&qb->sql, " AND %s(SELECT COUNT(DISTINCT tag) FROM tags t WHERE t.resource_id = "
               "%s.id AND t.tag IN (", negate ? "NOT " : "", r->table_alias);
    for (size_t i = 0; i < t->n_tags; i++) {
        buf_add_str(&qb->sql, i ? ",?" : "?");
        qb_bind_text(qb, t->tags[i]);
    }
    if (all) {
        size_t distinct = 0;
        for (size_t i = 0; i < t->n_tags; i++) {
            bool dup = false;
            for (size_t j = 0; j < i; j++) {
                dup = dup || STREQ(t->tags[i], t->tags[j]);
            }
            distinct += !dup;
        }
        buf_printf(&qb->sql, ")) = %zu", distinct);
    } else {
        buf_add_str(&qb->sql, ")) > 0");
    }
}

/* Sort keys with "id" appended as the final tie-breaker. */
static size_t
effective_sorts(const struct list_query *q, struct store_sort *out, size_t max)
{
    size_t n = 0;
    bool has_id = false;

    for (size_t i = 0; i < q->n_sorts && n < max - 1; i++) {
        out[n++] = q->sorts[i];
        has_id = has_id || q->sorts[i].field == SF_ID;
    }
    if (!has_id) {
        out[n++] = (struct store_sort) { SF_ID, false };
    }
    return n;
}

/* Adds "(k1 > v1) OR (k1 = v1 AND k2 > v2) ..." for the marker row, reading the
 * marker's sort values with a subquery so the marker row itself is never fetched
 * separately. Comparison directions follow each key and page_reverse. */
static void
qb_add_marker(struct query_builder *qb, const struct resource_sql *r,
              const struct store_sort *sorts, size_t n_sorts, const struct list_query *q,
              const char *table)
{
    buf_add_str(&qb->sql, " AND (");
    for (size_t i = 0; i < n_sorts; i++) {
        buf_add_str(&qb->sql, i ? " OR (" : "(");
        for (size_t j = 0; j <= i; j++) {
            const char *expr = column_expr(r, sorts[j].field);
            bool greater = sorts[j].descending == q->page_reverse;
            const char *op = j < i ? "=" : greater ? ">" : "<";
            /* The marker's value, read from its row under the same alias. */
            buf_printf(&qb->sql, "%s%s %s (SELECT %s FROM %s %s WHERE %s.id = ?)",
                       j ? " AND " : "", expr, op, expr, table, r->table_alias,
                       r->table_alias);
            qb_bind_text(qb, q->marker);
        }
        buf_add_char(&qb->sql, ')');
    }
    buf_add_char(&qb->sql, ')');
}

/* NULL sorts before every value, as in SQLite and Neutron's MySQL; PostgreSQL would
 * put it last in ascending order, so say it. */
static const char *
sort_direction(bool descending)
{
    return descending ? "DESC NULLS LAST" : "ASC NULLS FIRST";
}

static void
qb_add_order(struct query_builder *qb, const struct resource_sql *r,
             const struct store_sort *sorts, size_t n_sorts, bool reverse)
{
    buf_add_str(&qb->sql, " ORDER BY ");
    for (size_t i = 0; i < n_sorts; i++) {
        bool desc = sorts[i].descending != reverse;
        buf_printf(&qb->sql, "%s%s %s", i ? ", " : "", column_expr(r, sorts[i].field),
                   sort_direction(desc));
    }
}

/* Adds the caller's visibility condition: which rows of the table the caller may see
 * at all (the query's own filters come on top).  For networks, subnets and security
 * groups it includes what RBAC policies give the caller: one indexed sub-select over
 * rbac_policies (target '*' or the caller's project), so the list stays one query. */
static void
qb_add_visibility(struct query_builder *qb, const struct resource_sql *r,
                  const struct list_query *q)
{
    if (q->visible_to && q->owned_only && r->visibility_owned) {
        buf_printf(&qb->sql, " AND %s", r->visibility_owned);
        qb_bind_text(qb, q->visible_to);
    } else if (q->visible_to) {
        buf_printf(&qb->sql, " AND %s", r->visibility);
        for (int i = 0; i < r->visibility_params; i++) {
            qb_bind_text(qb, q->visible_to);
        }
    }
}

static void
bind_all(struct db_stmt *st, const struct query_builder *qb)
{
    for (size_t i = 0; i < qb->n_binds; i++) {
        if (qb->binds[i].is_int) {
            db_bind_int(st, (int) i + 1, qb->binds[i].i);
        } else {
            db_bind_text(st, (int) i + 1, qb->binds[i].text);
        }
    }
}

/* Whether the marker names a row the caller may see.  A row it may not see answers
 * exactly as a missing one: otherwise an id from another project would page (and,
 * sorted by name, let the caller bisect that row's hidden name). */
static int
marker_visible(struct store_conn *c, const struct resource_sql *r, const struct list_query *q,
               bool *ret)
{
    struct query_builder qb = { BUF_INITIALIZER, NULL, 0, 0 };
    struct db_stmt *st;
    enum db_rc rc;

    buf_printf(&qb.sql, "SELECT 1 FROM %s %s WHERE %s.id = ?", r->table, r->table_alias,
               r->table_alias);
    qb_bind_text(&qb, q->marker);
    qb_add_visibility(&qb, r, q);
    st = db_prepare(c->db, buf_cstr(&qb.sql));
    buf_done(&qb.sql);
    if (!st) {
        free(qb.binds);
        return -EIO;
    }
    bind_all(st, &qb);
    rc = db_step(st);
    *ret = rc == DB_ROW;
    db_finalize(st);
    free(qb.binds);
    return rc == DB_ROW || rc == DB_DONE ? 0 : conn_error(c, rc, "list marker");
}

int
list_run(struct store_conn *c, const struct resource_sql *r, const struct list_query *q,
         row_cb *cb, void *aux)
{
    struct query_builder qb = { BUF_INITIALIZER, NULL, 0, 0 };
    struct store_sort sorts[16];
    size_t n_sorts = effective_sorts(q, sorts, ARRAY_SIZE(sorts));
    const char *table = r->table;
    struct db_stmt *st = NULL;
    int r_ = 0;

    if (q->marker) {
        bool visible = false;
        r_ = marker_visible(c, r, q, &visible);
        if (r_ || !visible) {
            return r_ ? r_ : -ENOENT;
        }
    }
    if (r->names_viewer) {
        /* ?1 in the SELECT: bound first, so that the '?'s that follow number after it. */
        qb_bind_text(&qb, q->viewer ? q->viewer : "");
    }
    buf_add_str(&qb.sql, r->select);
    buf_add_str(&qb.sql, " WHERE 1 = 1");
    qb_add_visibility(&qb, r, q);
    for (size_t i = 0; i < q->n_filters; i++) {
        if (!is_also_field(r, q->filters[i].field)) {
            qb_add_filter(&qb, r, &q->filters[i]);
        }
    }
    qb_add_also_filters(&qb, r, q);
    for (size_t i = 0; i < q->n_tag_filters; i++) {
        qb_add_tag_filter(&qb, r, &q->tag_filters[i]);
    }
    if (q->marker) {
        qb_add_marker(&qb, r, sorts, n_sorts, q, table);
    }
    qb_add_order(&qb, r, sorts, n_sorts, q->page_reverse);
    if (q->limit > 0) {
        buf_add_str(&qb.sql, " LIMIT ?");
        qb_bind_int(&qb, q->limit);
    }
    if (q->page_reverse) {
        /* Fetch backwards, then hand rows out in the forward order.  The outer query
         * names the inner one with the table's alias, so every sort expression (a
         * column, or a sub-select over the row's columns) reads the same there. */
        struct buf outer = BUF_INITIALIZER;
        buf_printf(&outer, "SELECT * FROM (%s) %s", buf_cstr(&qb.sql), r->table_alias);
        buf_done(&qb.sql);
        qb.sql = outer;
        qb_add_order(&qb, r, sorts, n_sorts, false);
    }
    st = db_prepare(c->db, buf_cstr(&qb.sql));
    if (!st) {
        r_ = -EIO;
        goto out;
    }
    bind_all(st, &qb);
    r_ = conn_each_row(c, st, cb, aux, "list");
out:
    db_finalize(st);
    buf_done(&qb.sql);
    free(qb.binds);
    return r_;
}
