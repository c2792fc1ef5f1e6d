/* Query-string handling for collection GETs (see listing.h). */
#include "listing.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "request.h"
#include "ip.h"
#include "mac.h"
#include "pyfmt.h"
#include "util.h"

/* Parameters that are never filters. */
static const char *const reserved_params[] = {
    "fields", "sort_key", "sort_dir", "limit", "marker", "page_reverse",
    "tags", "tags-any", "not-tags", "not-tags-any",
};

static bool
is_reserved(const char *key)
{
    for (size_t i = 0; i < ARRAY_SIZE(reserved_params); i++) {
        if (STREQ(key, reserved_params[i])) {
            return true;
        }
    }
    return false;
}

/* Neutron skips, before any validation, a query key that names an attribute of its
 * models' base class (Python's hasattr(BASEV2, key)): such keys are neither filters
 * nor errors there, so they are not here either. */
static const char *const model_base_names[] = {
    "__abstract__", "__class__", "__contains__", "__delattr__", "__dict__", "__dir__",
    "__doc__", "__eq__", "__format__", "__ge__", "__getattribute__", "__getitem__",
    "__getstate__", "__gt__", "__hash__", "__init__", "__init_subclass__", "__iter__",
    "__le__", "__lt__", "__module__", "__ne__", "__new__", "__next__", "__reduce__",
    "__reduce_ex__", "__repr__", "__setattr__", "__setitem__", "__sizeof__", "__str__",
    "__subclasshook__", "__table_args__", "__table_initialized__", "__tablename__",
    "__weakref__", "_as_dict", "_extra_keys", "_sa_registry", "get", "items", "iteritems",
    "keys", "metadata", "next", "registry", "save", "update",
};

bool
listing_param_never_filters(const char *key)
{
    static const char *const paging[] = {
        "fields", "sort_key", "sort_dir", "limit", "marker", "page_reverse",
    };

    for (size_t i = 0; i < ARRAY_SIZE(paging); i++) {
        if (STREQ(key, paging[i])) {
            return true;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(model_base_names); i++) {
        if (STREQ(key, model_base_names[i])) {
            return true;
        }
    }
    return false;
}

/* Owned allocations behind a list query, freed together. */
struct listing_storage {
    struct store_filter filters[64];
    struct store_tag_filter tag_filters[4];
    struct store_sort sorts[16];
    char **strings;
    size_t n_strings;
};

static char *
keep(struct listing_storage *st, char *s)
{
    st->strings = xrealloc(st->strings, (st->n_strings + 1) * sizeof *st->strings);
    st->strings[st->n_strings++] = s;
    return s;
}

void
fields_parse(const struct request *req, struct field_set *ret)
{
    ret->names = NULL;
    ret->n = 0;
    for (size_t i = 0; i < req->n_params; i++) {
        if (STREQ(req->params[i].key, "fields") && *req->params[i].value) {
            ret->names = xrealloc(ret->names, (ret->n + 1) * sizeof *ret->names);
            ret->names[ret->n++] = req->params[i].value;   /* Borrowed from req. */
        }
    }
}

void
fields_done(struct field_set *fs)
{
    free(fs->names);
    fs->names = NULL;
    fs->n = 0;
}

bool
fields_want(const struct field_set *fs, const char *name)
{
    if (!fs->names) {
        return true;
    }
    for (size_t i = 0; i < fs->n; i++) {
        if (STREQ(fs->names[i], name)) {
            return true;
        }
    }
    return false;
}

/* Converts one filter value for 'a' into its stored text form. Returns an owned
 * string or NULL after answering 'req'. */
static char *
convert_filter_value(struct request *req, const struct attr_def *a, const char *value)
{
    json_t *v = json_string(value);
    char *out = NULL;

    if (!v) {   /* Not valid UTF-8. */
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Invalid filter value for %s", a->name);
        return NULL;
    }
    if (a->kind == AK_SG_PROTOCOL || a->kind == AK_SG_ETHERTYPE || a->kind == AK_SG_PORT
        || a->kind == AK_SG_PREFIX || a->kind == AK_RBAC_OBJECT_TYPE) {
        /* Converted as in a body: "TCP" finds "tcp", "ipv4" "IPv4", " Network "
         * "network". */
        json_t *conv = attrs_convert_value(req, a, v);
        if (conv) {
            out = json_is_integer(conv)
                      ? xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(conv))
                      : xstrdup(json_is_string(conv) ? json_string_value(conv) : value);
            json_decref(conv);
        }
    } else if (a->field_kind == SV_INT && (a->kind == AK_BOOL)) {
        bool b;
        if (attr_convert_bool(v, &b)) {
            api_fail(req, API_ERR_INVALID_INPUT, "'%s' cannot be converted to boolean", value);
        } else {
            out = xstrdup(b ? "1" : "0");
        }
    } else if (a->field_kind == SV_INT) {
        json_int_t i;
        if (attr_convert_int(v, &i)) {
            api_fail(req, API_ERR_INVALID_INPUT, "'%s' is not an integer", value);
        } else {
            out = xasprintf("%lld", (long long) i);
        }
    } else if (a->kind == AK_CIDR) {
        struct cidr c;
        if (cidr_parse(value, &c)) {
            api_fail(req, API_ERR_INVALID_INPUT, "%s is not in a CIDR format", value);
        } else {
            char addr[IP_STRLEN];
            ip_format(&c.addr, addr);
            out = xasprintf("%s/%d", addr, c.prefix);
        }
    } else if (a->kind == AK_MAC) {
        struct mac m;
        char text[MAC_STRLEN];
        if (mac_parse(value, &m) == 0) {
            mac_format(&m, text);
            out = xstrdup(text);
        } else {
            out = xstrdup(value);   /* Matches nothing, as in Neutron. */
        }
    } else {
        out = xstrdup(value);
    }
    json_decref(v);
    return out;
}

static struct store_filter *
filter_for(struct listing_storage *st, size_t *n, enum store_field field,
           enum store_value_kind kind)
{
    for (size_t i = 0; i < *n; i++) {
        if (st->filters[i].field == field && st->filters[i].kind == kind) {
            return &st->filters[i];
        }
    }
    if (*n == ARRAY_SIZE(st->filters)) {
        return NULL;
    }
    st->filters[*n] = (struct store_filter) { .field = field, .kind = kind };
    return &st->filters[(*n)++];
}

static void
filter_add_value(struct listing_storage *st, struct store_filter *f, char *value)
{
    f->values = xrealloc(f->values, (f->n_values + 1) * sizeof *f->values);
    f->values[f->n_values++] = keep(st, value);
}

/* Python's str.strip(): the bounds of 's' without surrounding white space. */
static void
strip_span(const char *s, size_t len, size_t *ret_start, size_t *ret_len)
{
    size_t start = 0;

    while (start < len && isspace((unsigned char) s[start])) {
        start++;
    }
    while (len > start && isspace((unsigned char) s[len - 1])) {
        len--;
    }
    *ret_start = start;
    *ret_len = len - start;
}

/* One fixed_ips=<key>=<value> filter of a port list (docs/behaviour/api.md §4.1): the
 * key and value are split at the first '=' and stripped, as Neutron's key=value
 * converter does; ip_address and subnet_id match exactly, ip_address_substr anywhere in
 * an address (a SQL LIKE pattern, '_' and '%' included, as in Neutron); other keys are
 * ignored, as Neutron ignores them. */
static int
parse_fixed_ips_filter(struct request *req, struct listing_storage *st, size_t *n,
                       const char *value)
{
    const char *eq = strchr(value, '=');
    size_t key_start, key_len, val_start, val_len;
    enum store_field field;
    struct store_filter *f;
    char *text;

    if (eq) {
        strip_span(value, (size_t) (eq - value), &key_start, &key_len);
    }
    if (!eq || !key_len) {
        return api_fail(req, API_ERR_INVALID_INPUT, "'%s' is not of the form <key>=[value]",
                        value);
    }
    strip_span(eq + 1, strlen(eq + 1), &val_start, &val_len);
    if (key_len == 10 && !strncmp(value + key_start, "ip_address", 10)) {
        field = SF_FIXED_IP_ADDRESS;
    } else if (key_len == 9 && !strncmp(value + key_start, "subnet_id", 9)) {
        field = SF_FIXED_IP_SUBNET_ID;
    } else if (key_len == 17 && !strncmp(value + key_start, "ip_address_substr", 17)) {
        field = SF_FIXED_IP_ADDRESS_SUBSTR;
    } else {
        return 0;
    }
    f = filter_for(st, n, field, SV_TEXT);
    if (!f) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Too many filters");
    }
    text = xstrndup(eq + 1 + val_start, val_len);
    if (field == SF_FIXED_IP_ADDRESS_SUBSTR) {
        char *pattern = xasprintf("%%%s%%", text);
        free(text);
        text = pattern;
    }
    filter_add_value(st, f, text);
    return 0;
}

/* Neutron's key=value list converter takes a lone "True" (a flag given without a value)
 * as no condition at all. */
static bool
fixed_ips_is_bare_flag(const struct request *req)
{
    size_t n = 0;
    bool bare = false;

    for (size_t i = 0; i < req->n_params; i++) {
        if (STREQ(req->params[i].key, "fixed_ips")) {
            n++;
            bare = STREQ(req->params[i].value, "True");
        }
    }
    return n == 1 && bare;
}

static int
parse_tag_filter(struct request *req, struct list_request *lr, struct listing_storage *st,
                 const char *key, const char *value)
{
    static const struct {
        const char *name;
        enum store_tag_match match;
    } kinds[] = {
        { "tags", STORE_TAGS_ALL },
        { "tags-any", STORE_TAGS_ANY },
        { "not-tags", STORE_TAGS_NOT_ALL },
        { "not-tags-any", STORE_TAGS_NOT_ANY },
    };
    struct store_tag_filter *t = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        if (!STREQ(kinds[i].name, key)) {
            continue;
        }
        for (size_t j = 0; j < lr->q.n_tag_filters; j++) {
            if (st->tag_filters[j].match == kinds[i].match) {
                t = &st->tag_filters[j];
            }
        }
        if (!t) {
            t = &st->tag_filters[lr->q.n_tag_filters++];
            *t = (struct store_tag_filter) { .match = kinds[i].match };
        }
    }
    /* Split at every comma, empty pieces included, as Neutron's split(','): "tags="
     * asks for the tag "" (which nothing has), "not-tags=" excludes nothing. */
    for (const char *p = value;; p++) {
        size_t len = strcspn(p, ",");
        t->tags = xrealloc(t->tags, (t->n_tags + 1) * sizeof *t->tags);
        t->tags[t->n_tags++] = keep(st, xstrndup(p, len));
        p += len;
        if (!*p) {
            break;
        }
    }
    (void) req;
    return 0;
}

static int
parse_sorting(struct request *req, const struct resource_def *rd, struct list_request *lr,
              struct listing_storage *st)
{
    size_t n_keys = 0, n_dirs = 0;
    struct buf bad = BUF_INITIALIZER;

    /* Empty sort_key and sort_dir values are dropped first, as Neutron does. */
    for (size_t i = 0; i < req->n_params; i++) {
        bool given = *req->params[i].value != '\0';
        n_keys += given && STREQ(req->params[i].key, "sort_key");
        n_dirs += given && STREQ(req->params[i].key, "sort_dir");
    }
    if (n_keys != n_dirs) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST,
                        "The number of sort_keys and sort_dirs must be same");
    }
    if (n_keys > ARRAY_SIZE(st->sorts) - 1) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Too many sort keys");
    }
    size_t k = 0, d = 0;
    for (size_t i = 0; i < req->n_params; i++) {
        if (!*req->params[i].value) {
            continue;
        }
        if (STREQ(req->params[i].key, "sort_key")) {
            const struct attr_def *a = attrs_find(rd, req->params[i].value);
            if (!a || !a->sort) {
                buf_printf(&bad, "['%s'] is invalid attribute for sort_keys",
                           req->params[i].value);
                api_fail(req, API_ERR_HTTP_BAD_REQUEST, "%s", buf_cstr(&bad));
                buf_done(&bad);
                return -1;
            }
            st->sorts[k++].field = a->field;
        } else if (STREQ(req->params[i].key, "sort_dir")) {
            const char *dir = req->params[i].value;
            if (!STREQ(dir, "asc") && !STREQ(dir, "desc")) {
                buf_printf(&bad, "['%s'] is invalid value for sort_dirs, valid value is 'asc'"
                           " and 'desc'", dir);
                api_fail(req, API_ERR_HTTP_BAD_REQUEST, "%s", buf_cstr(&bad));
                buf_done(&bad);
                return -1;
            }
            st->sorts[d++].descending = STREQ(dir, "desc");
        }
    }
    lr->q.sorts = st->sorts;
    lr->q.n_sorts = n_keys;
    return 0;
}

static int
parse_paging(struct request *req, struct list_request *lr)
{
    const char *limit = request_param(req, "limit");
    const char *reverse = request_param(req, "page_reverse");
    int max = req->app ? req->app->cfg->pagination_max_limit : -1;
    long long v = 0;

    if (limit) {
        char *end;
        errno = 0;
        v = strtoll(limit, &end, 10);
        if (!*limit || *end || errno || v < 0) {
            return api_fail(req, API_ERR_BAD_REQUEST, "Bad limit request: Limit must be an"
                            " integer 0 or greater and not '%s'.", limit);
        }
    }
    if (max > 0) {
        v = v > 0 && v < max ? v : max;   /* pagination_max_limit caps every list. */
    }
    lr->limit = v;
    lr->paged = v > 0;
    lr->q.limit = v;
    if (lr->paged) {
        lr->q.marker = request_param(req, "marker");
        if (lr->q.marker && !*lr->q.marker) {
            lr->q.marker = NULL;
        }
        lr->q.page_reverse = reverse && !strcasecmp(reverse, "true");
    }
    return 0;
}

int
listing_parse(struct request *req, const struct resource_def *rd, struct list_request *ret)
{
    struct listing_storage *st = xcalloc(1, sizeof *st);
    struct list_request lr;
    struct buf bad = BUF_INITIALIZER;
    size_t n_filters = 0, n_bad = 0;
    bool bare_fixed_ips = fixed_ips_is_bare_flag(req);

    memset(&lr, 0, sizeof lr);
    lr.storage = st;
    for (size_t i = 0; i < req->n_params; i++) {
        const char *key = req->params[i].key;
        const char *value = req->params[i].value;
        const struct attr_def *a;

        if (listing_param_never_filters(key)) {
            continue;
        }
        if (is_reserved(key)) {
            bool tag_filter = str_startswith(key, "tags") || str_startswith(key, "not-tags");
            if (tag_filter && !attrs_find(rd, "tags")) {
                buf_printf(&bad, "%s'%s'", n_bad++ ? ", " : "", key);   /* Rules. */
            } else if (tag_filter) {
                parse_tag_filter(req, &lr, st, key, value);
            }
            continue;
        }
        if (STREQ(key, "fixed_ips") && STREQ(rd->singular, "port")) {
            if (!bare_fixed_ips && parse_fixed_ips_filter(req, st, &n_filters, value)) {
                goto fail;
            }
            continue;
        }
        a = attrs_find(rd, key);
        if (!a || !a->filter) {
            buf_printf(&bad, "%s'%s'", n_bad++ ? ", " : "", key);
            continue;
        }
        char *conv = convert_filter_value(req, a, value);
        if (!conv) {
            goto fail;
        }
        if (a->filter_ignored) {
            free(conv);
            continue;
        }
        struct store_filter *f = filter_for(st, &n_filters, a->field, a->field_kind);
        if (!f) {
            free(conv);
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Too many filters");
            goto fail;
        }
        filter_add_value(st, f, conv);
    }
    if (n_bad) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "[%s] is invalid attribute for filtering",
                 buf_cstr(&bad));
        goto fail;
    }
    lr.q.filters = st->filters;
    lr.q.n_filters = n_filters;
    lr.q.tag_filters = st->tag_filters;
    if (parse_sorting(req, rd, &lr, st) || (!rd->no_paging && parse_paging(req, &lr))) {
        goto fail;
    }
    lr.q.visible_to = context_visible_to(&req->ctx);
    lr.q.viewer = req->ctx.project_id;
    lr.q.owned_only = req->ctx.new_defaults;
    fields_parse(req, &lr.fields);
    buf_done(&bad);
    *ret = lr;
    return 0;

fail:
    buf_done(&bad);
    listing_done(&lr);
    return -1;
}

void
listing_done(struct list_request *lr)
{
    struct listing_storage *st = lr->storage;

    if (st) {
        for (size_t i = 0; i < ARRAY_SIZE(st->filters); i++) {
            free(st->filters[i].values);
        }
        for (size_t i = 0; i < ARRAY_SIZE(st->tag_filters); i++) {
            free(st->tag_filters[i].tags);
        }
        for (size_t i = 0; i < st->n_strings; i++) {
            free(st->strings[i]);
        }
        free(st->strings);
        free(st);
        lr->storage = NULL;
    }
    fields_done(&lr->fields);
}

void
listing_note_item(struct list_request *lr, const char *id)
{
    if (lr->n_items++ == 0) {
        snprintf(lr->first_id, sizeof lr->first_id, "%s", id);
    }
    snprintf(lr->last_id, sizeof lr->last_id, "%s", id);
}

/* Appends 's' percent-encoded as in a query string. */
static void
url_encode(struct buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
            || strchr("-_.~", *p)) {
            buf_add_char(out, (char) *p);
        } else if (*p == ' ') {
            buf_add_char(out, '+');
        } else {
            buf_add_char(out, '%');
            buf_add_char(out, hex[*p >> 4]);
            buf_add_char(out, hex[*p & 15]);
        }
    }
}

/* Builds a page link: the request's parameters without marker (and without
 * page_reverse for "next"), then the marker, then page_reverse=True for "previous". */
static void
page_href(struct buf *out, const struct request *req, const struct resource_def *rd,
          const char *marker, bool previous)
{
    bool first = true;

    buf_printf(out, "%s/v2.0/%s?", req->base_url, rd->plural);
    for (size_t i = 0; i < req->n_params; i++) {
        const char *key = req->params[i].key;
        if (STREQ(key, "marker") || STREQ(key, "page_reverse")) {
            continue;
        }
        buf_add_str(out, first ? "" : "&");
        first = false;
        url_encode(out, key);
        buf_add_char(out, '=');
        url_encode(out, req->params[i].value);
    }
    if (marker) {
        buf_add_str(out, first ? "marker=" : "&marker=");
        url_encode(out, marker);
        first = false;
    }
    if (previous) {
        buf_add_str(out, first ? "page_reverse=True" : "&page_reverse=True");
    }
}

void
listing_render_links(struct jsonw *w, const struct request *req, const struct resource_def *rd,
                     const struct list_request *lr)
{
    struct buf key = BUF_INITIALIZER, href = BUF_INITIALIZER;
    bool short_page = lr->n_items < (size_t) lr->limit;

    if (!lr->paged) {
        return;
    }
    buf_printf(&key, "%s_links", rd->plural);
    jsonw_key(w, buf_cstr(&key));
    jsonw_array_begin(w);
    if (!(short_page && !lr->q.page_reverse)) {
        page_href(&href, req, rd, lr->n_items ? lr->last_id : NULL, false);
        jsonw_object_begin(w);
        jsonw_key(w, "rel");
        jsonw_string(w, "next");
        jsonw_key(w, "href");
        jsonw_string(w, buf_cstr(&href));
        jsonw_object_end(w);
        buf_clear(&href);
    }
    if (!(short_page && lr->q.page_reverse)) {
        page_href(&href, req, rd, lr->n_items ? lr->first_id : NULL, true);
        jsonw_object_begin(w);
        jsonw_key(w, "rel");
        jsonw_string(w, "previous");
        jsonw_key(w, "href");
        jsonw_string(w, buf_cstr(&href));
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
    buf_done(&key);
    buf_done(&href);
}
