/* What every command shares; see cli.h. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const struct kind kind_network = { "network", "networks", "Network" };
const struct kind kind_subnet = { "subnet", "subnets", "Subnet" };
const struct kind kind_port = { "port", "ports", "Port" };

struct session *
cli_session(struct cli *c)
{
    if (!c->opened) {
        if (session_open(&c->session, c->cloud, c->debug)) {
            fprintf(stderr, "Error: %s\n", buf_cstr(&c->session.error));
            return NULL;
        }
        c->opened = true;
    }
    return &c->session;
}

int
cli_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("Error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

static int
usage_error_v(const char *words, const char *fmt, va_list ap)
{
    fprintf(stderr, "neutrino %s: error: ", words);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    return 2;
}

int
cli_usage_error(const struct cli *c, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = usage_error_v(c->command ? c->command->words : "", fmt, ap);
    va_end(ap);
    return r;
}

int
cli_usage_error_words(const char *words, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = usage_error_v(words, fmt, ap);
    va_end(ap);
    return r;
}

int
cli_fail_call(struct cli *c)
{
    return cli_fail("%s", buf_cstr(&c->session.error));
}

/* cli_find(), the reason for a failure written to 'why' rather than printed. */
static int
find(struct cli *c, const struct kind *k, const char *arg, json_t **ret, struct buf *why)
{
    struct session *s = cli_session(c);
    struct buf path = BUF_INITIALIZER;
    const char *name_attr = k->name_attr ? k->name_attr : "name";
    json_t *ans = NULL, *list, *item, *found = NULL;
    size_t i, n = 0;

    *ret = NULL;
    if (!s) {
        return 1;       /* cli_session() said why. */
    }
    if (uuid_is_valid(arg) || k->id_only) {
        buf_printf(&path, "/v2.0/%s/", k->collection);
        url_encode(&path, arg);
        if (!session_call(s, "GET", buf_cstr(&path), NULL, &ans)) {
            *ret = json_incref(json_object_get(ans, k->singular));
            json_decref(ans);
            buf_done(&path);
            return 0;
        }
        buf_done(&path);
        if (s->status != 404 && s->status != 400) {
            buf_add_str(why, buf_cstr(&s->error));
            return 1;
        }
        if (k->id_only) {
            buf_printf(why, "No %s found for %s", k->title, arg);
            return 1;
        }
    }
    /* One filtered list: by name (and the id, should a non-UUID id exist). */
    buf_printf(&path, "/v2.0/%s?%s=", k->collection, name_attr);
    url_encode(&path, arg);
    if (session_call(s, "GET", buf_cstr(&path), NULL, &ans)) {
        buf_done(&path);
        buf_add_str(why, buf_cstr(&s->error));
        return 1;
    }
    buf_done(&path);
    list = json_object_get(ans, KIND_LIST_KEY(k));
    json_array_foreach (list, i, item) {
        const char *name = json_string_value(json_object_get(item, name_attr));
        const char *id = json_string_value(json_object_get(item, "id"));
        if ((name && STREQ(name, arg)) || (id && STREQ(id, arg))) {
            found = found ? found : item;
            n++;
        }
    }
    if (n == 1) {
        *ret = json_incref(found);
    }
    json_decref(ans);
    if (n > 1) {
        buf_printf(why, "More than one %s exists with the name '%s'.", k->title, arg);
    } else if (!n) {
        buf_printf(why, "No %s found for %s", k->title, arg);
    }
    return n != 1;
}

int
cli_find(struct cli *c, const struct kind *k, const char *arg, json_t **ret)
{
    struct buf why = BUF_INITIALIZER;
    int r = find(c, k, arg, ret, &why);

    if (r && why.len) {
        cli_fail("%s", buf_cstr(&why));
    }
    buf_done(&why);
    return r;
}

int
cli_find_id(struct cli *c, const struct kind *k, const char *arg, char id[64])
{
    json_t *obj;
    int r = cli_find(c, k, arg, &obj);

    if (!r) {
        snprintf(id, 64, "%s", json_string_value(json_object_get(obj, "id")));
        json_decref(obj);
    }
    return r;
}

int
cli_project_id(struct cli *c, const char *arg, char id[64])
{
    struct session *s = cli_session(c);
    struct buf path = BUF_INITIALIZER;
    json_t *ans = NULL, *list;

    if (!s) {
        return 1;
    }
    buf_add_str(&path, "/projects?name=");
    url_encode(&path, arg);
    if (session_identity_call(s, "GET", buf_cstr(&path), &ans)) {
        buf_done(&path);
        /* Without an identity service, take it as an id. */
        snprintf(id, 64, "%s", arg);
        return 0;
    }
    buf_done(&path);
    list = json_object_get(ans, "projects");
    if (json_array_size(list) == 1) {
        snprintf(id, 64, "%s", json_string_value(json_object_get(json_array_get(list, 0), "id")));
    } else {
        /* Not a name: an id (the server checks it). */
        snprintf(id, 64, "%s", arg);
    }
    json_decref(ans);
    return 0;
}

static int
cmp_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* 'tags' sorted, each once: what the openstack client sends and then shows. */
static json_t *
sorted_tags(const json_t *tags)
{
    size_t n = json_array_size(tags), i;
    const char **sorted = xcalloc(n + 1, sizeof *sorted);
    json_t *out = json_array(), *t;

    json_array_foreach (tags, i, t) {
        sorted[i] = json_string_value(t);
    }
    qsort(sorted, n, sizeof *sorted, cmp_strings);
    for (i = 0; i < n; i++) {
        if (!i || !STREQ(sorted[i], sorted[i - 1])) {
            json_array_append_new(out, json_string(sorted[i]));
        }
    }
    free(sorted);
    return out;
}

int
cli_put_tags(struct cli *c, const struct kind *k, const char *id, const json_t *tags)
{
    json_t *body = json_pack("{s:o}", "tags", sorted_tags(tags)), *ans = NULL;
    char path[256];
    int r;

    snprintf(path, sizeof path, "/v2.0/%s/%s/tags", k->collection, id);
    r = session_call(cli_session(c), "PUT", path, body, &ans);
    json_decref(ans);
    json_decref(body);
    return r ? cli_fail_call(c) : 0;
}

int
cli_get_list(struct cli *c, const char *path, const char *key, const struct field *cols,
             size_t n)
{
    struct session *s = cli_session(c);
    json_t *ans = NULL;
    int r;

    if (!s) {
        return 1;
    }
    if (session_call(s, "GET", path, NULL, &ans)) {
        return cli_fail_call(c);
    }
    r = out_list(&c->out, cols, n, json_object_get(ans, key));
    json_decref(ans);
    return r;
}

/* "GET /v2.0/<collection>?<query>" and print with 'cols'. */
static int
cli_list(struct cli *c, const struct kind *k, const char *query, const struct field *cols,
         size_t n)
{
    char *path = xasprintf("/v2.0/%s%s%s", k->collection, query && *query ? "?" : "",
                           query ? query : "");
    int r = cli_get_list(c, path, KIND_LIST_KEY(k), cols, n);

    free(path);
    return r;
}

/* The tag filters of list commands (--tags, --any-tags, --not-tags, --not-any-tags). */
static void
cli_tag_filters(struct buf *query, const json_t *a)
{
    cli_q(query, "tags", arg_str(a, "tags"));
    cli_q(query, "tags-any", arg_str(a, "any-tags"));
    cli_q(query, "not-tags", arg_str(a, "not-tags"));
    cli_q(query, "not-tags-any", arg_str(a, "not-any-tags"));
}

int
cli_list_tagged(struct cli *c, const struct kind *k, const json_t *a, struct buf *query,
                const struct field *cols, size_t n, const struct field *long_cols,
                size_t n_long)
{
    bool is_long = arg_bool(a, "long") == 1;
    int r;

    cli_tag_filters(query, a);
    r = cli_list(c, k, buf_cstr(query), is_long ? long_cols : cols, is_long ? n_long : n);
    buf_done(query);
    return r;
}

int
cli_q_filters(struct cli *c, struct buf *query, const json_t *a,
              const struct list_filter *filters, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct list_filter *f = &filters[i];
        const char *value = arg_str(a, f->opt);
        char id[64];
        if (!value) {
            value = cli_py_bool(arg_bool(a, f->opt));
        } else if (f->find || f->project) {
            if (f->find ? cli_find_id(c, f->find, value, id) : cli_project_id(c, value, id)) {
                return 1;
            }
            value = id;
        }
        cli_q(query, f->key, value);
    }
    return 0;
}

int
cli_delete(struct cli *c, const json_t *args)
{
    const struct kind *k = c->command->kind;
    const char *noun = k->noun ? k->noun : k->singular;
    size_t n = arg_npos(args), failed = 0;

    if (!n) {
        return cli_fail("give the %s(s) to delete", k->singular);
    }
    if (!cli_session(c)) {
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *arg = arg_pos(args, i);
        struct buf why = BUF_INITIALIZER;
        json_t *obj = NULL, *ans = NULL;
        char path[256];
        if (!find(c, k, arg, &obj, &why)) {
            snprintf(path, sizeof path, "/v2.0/%s/%s", k->collection,
                     json_string_value(json_object_get(obj, "id")));
            if (session_call(cli_session(c), "DELETE", path, NULL, &ans)) {
                buf_add_str(&why, buf_cstr(&c->session.error));
            }
        }
        if (why.len) {
            fprintf(stderr, "Failed to delete %s with name or ID '%s': %s\n", noun, arg,
                    buf_cstr(&why));
            failed++;
        }
        buf_done(&why);
        json_decref(obj);
        json_decref(ans);
    }
    if (failed) {
        fprintf(stderr, "%zu of %zu %ss failed to delete.\n", failed, n, noun);
        return 1;
    }
    return 0;
}

/* Finds the object 'id' of kind 'k' (by id only) and deletes it; 1 with the reason in
 * 'why'.  Only 404 is "not found": another refusal of the lookup is shown as the
 * server gave it. */
static int
delete_by_id(struct cli *c, const struct kind *k, const char *id, struct buf *why)
{
    struct session *s = cli_session(c);
    struct buf path = BUF_INITIALIZER;
    json_t *ans = NULL;
    int r;

    buf_printf(&path, "/v2.0/%s/", k->collection);
    url_encode(&path, id);
    r = session_call(s, "GET", buf_cstr(&path), NULL, &ans);
    json_decref(ans);
    ans = NULL;
    if (r) {
        if (s->status == 404) {
            buf_printf(why, "No %s found for %s", k->title, id);
        } else {
            buf_add_str(why, buf_cstr(&s->error));
        }
    } else if (session_call(s, "DELETE", buf_cstr(&path), NULL, &ans)) {
        buf_add_str(why, buf_cstr(&s->error));
        r = 1;
    }
    json_decref(ans);
    buf_done(&path);
    return r ? 1 : 0;
}

int
cli_delete_by_id(struct cli *c, const struct kind *k, const json_t *args, const char *one,
                 const char *many)
{
    size_t n = arg_npos(args), failed = 0;

    if (!cli_session(c)) {
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        struct buf why = BUF_INITIALIZER;
        if (delete_by_id(c, k, arg_pos(args, i), &why)) {
            fprintf(stderr, "Failed to delete %s with ID '%s': %s\n", one, arg_pos(args, i),
                    buf_cstr(&why));
            failed++;
        }
        buf_done(&why);
    }
    if (failed) {
        fprintf(stderr, "%zu of %zu %s failed to delete.\n", failed, n, many);
        return 1;
    }
    return 0;
}

void
cli_q(struct buf *b, const char *key, const char *value)
{
    if (value) {
        buf_add_str(b, b->len ? "&" : "");
        url_encode(b, key);
        buf_add_char(b, '=');
        url_encode(b, value);
    }
}

const char *
cli_py_bool(int b)
{
    return b < 0 ? NULL : b ? "True" : "False";
}

json_t *
cli_new_tags(const json_t *obj, const json_t *a, bool unset)
{
    const json_t *given = arg_list(a, "tag"), *t, *rt;
    bool clear = arg_bool(a, unset ? "all-tag" : "no-tag") == 1;
    json_t *tags;
    size_t i, j;

    if (!given && !clear) {
        return NULL;
    }
    tags = json_array();
    if (!clear) {
        /* set adds to what is there; unset keeps all but the given ones. */
        json_array_foreach (json_object_get(obj, "tags"), i, t) {
            bool drop = false;
            json_array_foreach (unset ? given : NULL, j, rt) {
                drop = drop || json_equal(t, rt);
            }
            if (!drop) {
                json_array_append(tags, (json_t *) t);
            }
        }
    }
    if (!unset && given) {
        json_array_extend(tags, (json_t *) given);
    }
    return tags;
}

int
cli_create_tags(struct cli *c, const struct kind *k, json_t *obj, const json_t *a)
{
    const json_t *tags = arg_list(a, "tag");

    if (!tags) {
        return 0;
    }
    if (cli_put_tags(c, k, json_string_value(json_object_get(obj, "id")), tags)) {
        return 1;
    }
    json_object_set_new(obj, "tags", sorted_tags(tags));
    return 0;
}

int
cli_update(struct cli *c, const struct kind *k, const json_t *obj, json_t *body,
           const json_t *tags)
{
    const char *id = json_string_value(json_object_get(obj, "id"));
    char path[256];
    int r = 0;

    if (json_object_size(body)) {
        json_t *wrapped = json_pack("{s:O}", k->singular, body), *ans = NULL;
        snprintf(path, sizeof path, "/v2.0/%s/%s", k->collection, id);
        r = session_call(cli_session(c), "PUT", path, wrapped, &ans) ? cli_fail_call(c) : 0;
        json_decref(wrapped);
        json_decref(ans);
    }
    if (!r && tags) {
        r = cli_put_tags(c, k, id, tags);
    }
    return r;
}

int
cli_change(struct cli *c, const struct kind *k, const json_t *a, bool unset,
           int (*before)(struct cli *c, const json_t *a, json_t *body),
           int (*after)(struct cli *c, const json_t *a, const json_t *obj, json_t *body))
{
    const char *verb = unset ? "unset" : "set";
    json_t *obj = NULL, *body = json_object(), *tags = NULL;
    int r = 1;

    if (arg_npos(a) != 1) {
        json_decref(body);
        return cli_fail("%s %s takes one %s", k->singular, verb, k->singular);
    }
    if ((before && before(c, a, body)) || cli_find(c, k, arg_pos(a, 0), &obj)
        || (after && after(c, a, obj, body))) {
        goto out;
    }
    tags = cli_new_tags(obj, a, unset);
    r = cli_update(c, k, obj, body, tags);
out:
    json_decref(tags);
    json_decref(body);
    json_decref(obj);
    return r;
}

void
cli_put_opts(json_t *body, const json_t *a, const struct opt_attr *map, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(a, map[i].opt);
        if (v) {
            json_object_set(body, map[i].attr, v);
        }
    }
}

int
cli_put_project(struct cli *c, const json_t *a, json_t *body)
{
    char id[64];

    if (arg_str(a, "project")) {
        if (cli_project_id(c, arg_str(a, "project"), id)) {
            return 1;
        }
        json_object_set_new(body, "project_id", json_string(id));
    }
    return 0;
}

int
cli_create(struct cli *c, const struct kind *k, json_t *body, const json_t *a,
           const struct field *fields, size_t n)
{
    struct session *s = cli_session(c);
    json_t *wrapped = json_pack("{s:o}", k->singular, body), *ans = NULL, *obj;
    char path[128];
    int r;

    if (!s) {
        json_decref(wrapped);
        return 1;
    }
    snprintf(path, sizeof path, "/v2.0/%s", k->collection);
    r = session_call(s, "POST", path, wrapped, &ans);
    json_decref(wrapped);
    if (r) {
        return cli_fail_call(c);
    }
    obj = json_object_get(ans, k->singular);
    r = cli_create_tags(c, k, obj, a) ? 1 : out_show(&c->out, fields, n, obj);
    json_decref(ans);
    return r;
}

/* The entry of an option's text 'v'. */
static json_t *
entry_of(struct cli *c, const struct list_attr *l, const json_t *v)
{
    return l->conv ? l->conv(c, json_string_value(v)) : json_incref((json_t *) v);
}

int
cli_put_list(struct cli *c, const struct list_attr *l, const json_t *given,
             const json_t *keep, json_t *body)
{
    json_t *list = json_array(), *v;
    size_t i;

    json_array_foreach (given, i, v) {
        json_t *item = entry_of(c, l, v);
        if (!item) {
            json_decref(list);
            return 1;
        }
        json_array_append_new(list, item);
    }
    json_array_foreach (keep, i, v) {
        json_array_append(list, v);
    }
    json_object_set_new(body, l->attr, list);
    return 0;
}

int
cli_remove_entries(struct cli *c, const struct kind *k, const struct list_attr *l,
                   const json_t *obj, const json_t *remove, json_t *body)
{
    json_t *left = json_deep_copy(json_object_get(obj, l->attr)), *v;
    size_t i;

    json_array_foreach (remove, i, v) {
        json_t *item = entry_of(c, l, v), *have;
        bool found = false;
        size_t j;
        if (!item) {
            json_decref(left);
            return 1;
        }
        json_array_foreach (left, j, have) {
            if (l->match ? l->match(have, item) : json_equal(have, item)) {
                json_array_remove(left, j);
                found = true;
                break;
            }
        }
        json_decref(item);
        if (!found) {
            json_decref(left);
            return cli_fail("%s does not contain %s %s", k->title, l->option,
                            json_string_value(v));
        }
    }
    json_object_set_new(body, l->attr, left);
    return 0;
}

int
cli_show(struct cli *c, const json_t *a)
{
    const struct kind *k = c->command->kind;
    json_t *obj;
    int r;

    if (arg_npos(a) != 1) {
        return cli_fail("%s show takes one %s", k->singular, k->singular);
    }
    if (cli_find(c, k, arg_pos(a, 0), &obj)) {
        return 1;
    }
    r = out_show(&c->out, c->command->fields, c->command->n_fields, obj);
    json_decref(obj);
    return r;
}
