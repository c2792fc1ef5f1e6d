/* Printing results; see output.h. */
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

bool
out_parse_format(const char *s, enum out_format *ret)
{
    static const char *const names[] = { "table", "json", "value", "yaml", "csv", "shell" };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (STREQ(s, names[i])) {
            *ret = (enum out_format) i;
            return true;
        }
    }
    return false;
}

const json_t *
out_attr(const json_t *obj, const char *attr)
{
    const char *p = attr;

    while (*p) {
        size_t len = strcspn(p, "|");
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int) len, p);
        const json_t *v = json_object_get(obj, key);
        if (v) {
            return v;
        }
        p += len + (p[len] == '|');
    }
    return NULL;
}

/* The value of a field of 'obj', with the client's defaults for absent ones. */
static const json_t *
field_value(const json_t *obj, const struct field *f)
{
    const json_t *v = out_attr(obj, f->attr);

    if (!v && f->render == R_FALSE) {
        static json_t *no;
        no = no ? no : json_false();
        return no;
    }
    if (!v && f->render == R_PYLIST) {
        /* The client's resources start with no tags rather than None. */
        static json_t *empty;
        empty = empty ? empty : json_array();
        return empty;
    }
    return v;
}

/* --- Rendering values ------------------------------------------------------------ */

/* Python's repr() of a JSON value, as the client's value/shell/csv formats print. */
static void
py_repr(struct buf *b, const json_t *v, bool top)
{
    size_t i;
    const char *k;
    const json_t *x;

    switch (json_typeof(v)) {
    case JSON_NULL:
        buf_add_str(b, "None");
        break;
    case JSON_TRUE:
        buf_add_str(b, "True");
        break;
    case JSON_FALSE:
        buf_add_str(b, "False");
        break;
    case JSON_INTEGER:
        buf_printf(b, "%lld", (long long) json_integer_value(v));
        break;
    case JSON_REAL:
        buf_printf(b, "%g", json_real_value(v));
        break;
    case JSON_STRING:
        buf_printf(b, top ? "%s" : "'%s'", json_string_value(v));
        break;
    case JSON_ARRAY:
        buf_add_char(b, '[');
        json_array_foreach (v, i, x) {
            buf_add_str(b, i ? ", " : "");
            py_repr(b, x, false);
        }
        buf_add_char(b, ']');
        break;
    case JSON_OBJECT:
        buf_add_char(b, '{');
        i = 0;
        json_object_foreach ((json_t *) v, k, x) {
            buf_printf(b, "%s'%s': ", i++ ? ", " : "", k);
            py_repr(b, x, false);
        }
        buf_add_char(b, '}');
        break;
    }
}

/* "key='value', ..." with the keys sorted, as cliff's format_dict. */
static void
dict_text(struct buf *b, const json_t *obj, const char *rename_from, const char *rename_to)
{
    const char *keys[64];
    size_t n = 0;
    const char *k;
    json_t *x;

    json_object_foreach ((json_t *) obj, k, x) {
        if (n < ARRAY_SIZE(keys)) {
            keys[n++] = k;
        }
    }
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
            const char *t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(obj, keys[i]);
        const char *shown = rename_from && STREQ(keys[i], rename_from) ? rename_to : keys[i];
        buf_printf(b, "%s%s=", i ? ", " : "", shown);
        if (json_is_string(v)) {
            buf_printf(b, "'%s'", json_string_value(v));
        } else {
            py_repr(b, v, false);
        }
    }
}

/* Whether Python takes 'v' for false: null, false, 0, "", [] or {}. */
static bool
py_falsy(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_FALSE:
        return true;
    case JSON_INTEGER:
        return json_integer_value(v) == 0;
    case JSON_REAL:
        return json_real_value(v) == 0;
    case JSON_STRING:
        return !json_string_length(v);
    case JSON_ARRAY:
        return !json_array_size(v);
    case JSON_OBJECT:
        return !json_object_size(v);
    default:
        return false;
    }
}

/* One rule of a group's table row: its non-empty keys but those the group gives
 * (security_group_id, tenant_id, project_id), sorted, each value quoted as the client's
 * format_dict does (str() of numbers and booleans too). */
static void
sg_rule_text(struct buf *b, const json_t *rule)
{
    json_t *kept = json_object();
    const char *k;
    json_t *x;

    json_object_foreach ((json_t *) rule, k, x) {
        if (!py_falsy(x) && !STREQ(k, "security_group_id") && !STREQ(k, "tenant_id")
            && !STREQ(k, "project_id")) {
            struct buf text = BUF_INITIALIZER;
            py_repr(&text, x, true);
            json_object_set_new(kept, k, json_string(buf_cstr(&text)));
            buf_done(&text);
        }
    }
    dict_text(b, kept, NULL, NULL);
    json_decref(kept);
}

static void
table_text(struct buf *b, const json_t *v, enum render r)
{
    size_t i;
    const json_t *x;

    if (!v || json_is_null(v)) {
        buf_add_str(b, "None");
        return;
    }
    if (json_is_boolean(v)) {
        bool t = json_is_true(v);
        buf_add_str(b, r == R_UPDOWN     ? (t ? "UP" : "DOWN")
                       : r == R_EXTERNAL ? (t ? "External" : "Internal")
                       : r == R_ALIVE    ? (t ? ":-)" : "XXX")
                                         : (t ? "True" : "False"));
        return;
    }
    if (json_is_array(v) && r == R_PYLIST) {
        py_repr(b, v, true);
        return;
    }
    if (json_is_array(v)) {
        json_array_foreach (v, i, x) {
            if (r == R_SG_RULES && json_is_object(x)) {
                buf_add_str(b, i ? "\n" : "");
                sg_rule_text(b, x);
            } else if (r == R_POOLS) {
                buf_printf(b, "%s%s-%s", i ? "," : "",
                           json_string_value(json_object_get(x, "start")),
                           json_string_value(json_object_get(x, "end")));
            } else if (r == R_ROUTES && json_is_object(x)) {
                buf_add_str(b, i ? "\n" : "");
                dict_text(b, x, "nexthop", "gateway");
            } else if (json_is_object(x)) {
                buf_add_str(b, i ? "\n" : "");
                dict_text(b, x, NULL, NULL);
            } else {
                buf_add_str(b, i ? ", " : "");
                table_text(b, x, R_TEXT);
            }
        }
        return;
    }
    if (json_is_object(v)) {
        dict_text(b, v, NULL, NULL);
        return;
    }
    py_repr(b, v, true);
}

/* --- Tables ---------------------------------------------------------------------- */

/* Width of the widest line of 's'. */
static size_t
text_width(const char *s)
{
    size_t w = 0;

    while (*s) {
        size_t len = strcspn(s, "\n");
        w = len > w ? len : w;
        s += len + (s[len] == '\n');
    }
    return w;
}

static void
rule(const size_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fputc('+', stdout);
        for (size_t k = 0; k < w[i] + 2; k++) {
            fputc('-', stdout);
        }
    }
    fputs("+\n", stdout);
}

/* One table row whose cells may span several lines. */
static void
row(char **cells, const size_t *w, size_t n)
{
    const char *pos[64];
    bool more = true;

    for (size_t i = 0; i < n; i++) {
        pos[i] = cells[i];
    }
    while (more) {
        more = false;
        for (size_t i = 0; i < n; i++) {
            size_t len = strcspn(pos[i], "\n");
            printf("| %-*.*s ", (int) w[i], (int) len, pos[i]);
            pos[i] += len;
            if (*pos[i] == '\n') {
                pos[i]++;
                more = more || true;
            }
        }
        fputs("|\n", stdout);
        bool any = false;
        for (size_t i = 0; i < n; i++) {
            any = any || *pos[i];
        }
        more = any;
    }
}

/* Prints a table of 'nrows' rows of 'ncols' cells each, then frees the rows. */
static void
print_table(const char **headers, size_t ncols, char ***rows, size_t nrows)
{
    size_t w[64];

    for (size_t c = 0; c < ncols; c++) {
        w[c] = strlen(headers[c]);
        for (size_t r = 0; r < nrows; r++) {
            size_t tw = text_width(rows[r][c]);
            w[c] = tw > w[c] ? tw : w[c];
        }
    }
    rule(w, ncols);
    row((char **) headers, w, ncols);
    rule(w, ncols);
    for (size_t r = 0; r < nrows; r++) {
        row(rows[r], w, ncols);
    }
    rule(w, ncols);
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < ncols; c++) {
            free(rows[r][c]);
        }
        free(rows[r]);
    }
    free(rows);
}

/* --- Selecting columns ------------------------------------------------------------ */

/* The indexes of the fields to print, honouring -c.  Returns how many (0: error
 * printed). */
static size_t
select_fields(const struct out_opts *o, const struct field *f, size_t n, size_t *idx)
{
    size_t k = 0;

    if (!o->n_columns) {
        for (size_t i = 0; i < n; i++) {
            idx[k++] = i;
        }
        return k;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < o->n_columns; j++) {
            if (STREQ(o->columns[j], f[i].name)) {
                idx[k++] = i;
                break;
            }
        }
    }
    if (!k) {
        fprintf(stderr, "No recognized column names in [");
        for (size_t j = 0; j < o->n_columns; j++) {
            fprintf(stderr, "%s'%s'", j ? ", " : "", o->columns[j]);
        }
        fprintf(stderr, "]. Recognized columns are (");
        for (size_t i = 0; i < n; i++) {
            fprintf(stderr, "%s'%s'", i ? ", " : "", f[i].name);
        }
        fprintf(stderr, ").\n");
    }
    return k;
}

/* --- YAML (the little the client prints) ----------------------------------------- */

static void
yaml_scalar(const json_t *v)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        bool plain = *s && !strpbrk(s, ":#{}[],&*!|>'\"%@`\n") && s[0] != ' '
                     && !STREQ(s, "true") && !STREQ(s, "false") && !STREQ(s, "null");
        printf(plain ? "%s" : "'%s'", s);
    } else {
        char *t = json_dumps(v, JSON_ENCODE_ANY);
        fputs(t, stdout);
        free(t);
    }
}

static void
yaml_value(const json_t *v, int indent)
{
    size_t i;
    const char *k;
    json_t *x;

    if (json_is_array(v)) {
        if (!json_array_size(v)) {
            fputs(" []\n", stdout);
            return;
        }
        fputc('\n', stdout);
        json_array_foreach (v, i, x) {
            if (json_is_object(x) && json_object_size(x)) {
                const char *kk;
                json_t *vv;
                bool first = true;
                json_object_foreach (x, kk, vv) {
                    printf("%*s%s%s:", indent, "", first ? "- " : "  ", kk);
                    first = false;
                    yaml_value(vv, indent + 4);
                }
            } else {
                printf("%*s- ", indent, "");
                yaml_scalar(x);
                fputc('\n', stdout);
            }
        }
    } else if (json_is_object(v)) {
        if (!json_object_size(v)) {
            fputs(" {}\n", stdout);
            return;
        }
        fputc('\n', stdout);
        json_object_foreach ((json_t *) v, k, x) {
            printf("%*s%s:", indent, "", k);
            yaml_value(x, indent + 2);
        }
    } else {
        fputc(' ', stdout);
        yaml_scalar(v);
        fputc('\n', stdout);
    }
}

/* --- CSV ------------------------------------------------------------------------- */

static void
csv_cell(const char *s, bool last)
{
    fputc('"', stdout);
    for (; *s; s++) {
        if (*s == '"') {
            fputc('"', stdout);
        }
        fputc(*s, stdout);
    }
    fputs(last ? "\"\n" : "\",", stdout);
}

/* --- show and list --------------------------------------------------------------- */

static char *
cell(const json_t *v, enum render r, enum out_format fmt)
{
    struct buf b = BUF_INITIALIZER;

    if (fmt == OUT_TABLE) {
        table_text(&b, v, r);
    } else if (!v && r == R_DICT_OR_EMPTY) {
        buf_add_str(&b, "{}");
    } else if (!v) {
        buf_add_str(&b, fmt == OUT_CSV ? "" : "None");
    } else {
        py_repr(&b, v, true);
    }
    return buf_steal(&b);
}

/* The fields 'idx' of 'obj' as an object named as printed (null for what is absent). */
static json_t *
selected(const json_t *obj, const struct field *f, const size_t *idx, size_t k)
{
    json_t *out = json_object();

    for (size_t i = 0; i < k; i++) {
        const json_t *v = field_value(obj, &f[idx[i]]);
        json_t *shown = v                                           ? json_deep_copy(v)
                        : f[idx[i]].render == R_DICT_OR_EMPTY ? json_object()
                                                              : json_null();
        json_object_set_new(out, f[idx[i]].name, shown);
    }
    return out;
}

static void
print_json(const struct out_opts *o, const json_t *out)
{
    char *t = json_dumps(out, o->noindent ? JSON_COMPACT : JSON_INDENT(2));

    puts(t);
    free(t);
}

/* The header line of -f csv: the names of fields 'idx'. */
static void
csv_header(const struct field *f, const size_t *idx, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        csv_cell(f[idx[i]].name, i + 1 == k);
    }
}

int
out_show(const struct out_opts *o, const struct field *f, size_t n, const json_t *obj)
{
    size_t idx[128], k = select_fields(o, f, n, idx);

    if (!k) {
        return 1;
    }
    if (o->format == OUT_JSON || o->format == OUT_YAML) {
        json_t *out = selected(obj, f, idx, k);
        if (o->format == OUT_JSON) {
            print_json(o, out);
        } else {
            const char *key;
            json_t *v;
            json_object_foreach (out, key, v) {
                printf("%s:", key);
                yaml_value(v, 2);
            }
        }
        json_decref(out);
        return 0;
    }
    if (o->format == OUT_TABLE) {
        const char *headers[2] = { "Field", "Value" };
        char ***rows = xcalloc(k, sizeof *rows);
        for (size_t i = 0; i < k; i++) {
            rows[i] = xcalloc(2, sizeof *rows[i]);
            rows[i][0] = xstrdup(f[idx[i]].name);
            rows[i][1] = cell(field_value(obj, &f[idx[i]]), f[idx[i]].render, OUT_TABLE);
        }
        print_table(headers, 2, rows, k);
        return 0;
    }
    if (o->format == OUT_CSV) {
        csv_header(f, idx, k);
    }
    for (size_t i = 0; i < k; i++) {
        char *t = cell(field_value(obj, &f[idx[i]]), f[idx[i]].render, o->format);
        if (o->format == OUT_VALUE) {
            puts(t);
        } else if (o->format == OUT_CSV) {
            csv_cell(t, i + 1 == k);
        } else {
            /* shell: name="value", with ':' and other non-identifier characters as '_'. */
            char name[128];
            snprintf(name, sizeof name, "%s%s", o->prefix ? o->prefix : "", f[idx[i]].name);
            for (char *p = name; *p; p++) {
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
                      || (*p >= '0' && *p <= '9') || *p == '_')) {
                    *p = '_';
                }
            }
            printf("%s=\"", name);
            for (const char *p = t; *p; p++) {
                if (strchr("\"\\$`", *p)) {
                    fputc('\\', stdout);
                }
                fputc(*p, stdout);
            }
            fputs("\"\n", stdout);
        }
        free(t);
    }
    return 0;
}

int
out_list(const struct out_opts *o, const struct field *f, size_t n, const json_t *items)
{
    size_t idx[64], k = select_fields(o, f, n, idx), nrows = json_array_size(items);
    const json_t *item;
    size_t r;

    if (!k) {
        return 1;
    }
    if (o->format == OUT_JSON || o->format == OUT_YAML) {
        json_t *out = json_array();
        json_array_foreach (items, r, item) {
            json_array_append_new(out, selected(item, f, idx, k));
        }
        if (o->format == OUT_JSON) {
            print_json(o, out);
        } else if (!json_array_size(out)) {
            puts("[]");
        } else {
            json_array_foreach (out, r, item) {
                const char *key;
                json_t *v;
                bool first = true;
                json_object_foreach ((json_t *) item, key, v) {
                    printf(first ? "- %s:" : "  %s:", key);
                    first = false;
                    yaml_value(v, 4);
                }
            }
        }
        json_decref(out);
        return 0;
    }
    if (o->format == OUT_TABLE) {
        const char *headers[64];
        char ***rows;
        if (!nrows) {
            return 0;       /* cliff prints nothing for an empty list. */
        }
        rows = xcalloc(nrows, sizeof *rows);
        for (size_t i = 0; i < k; i++) {
            headers[i] = f[idx[i]].name;
        }
        json_array_foreach (items, r, item) {
            rows[r] = xcalloc(k, sizeof *rows[r]);
            for (size_t i = 0; i < k; i++) {
                rows[r][i] = cell(field_value(item, &f[idx[i]]), f[idx[i]].render, OUT_TABLE);
            }
        }
        print_table(headers, k, rows, nrows);
        return 0;
    }
    if (o->format == OUT_CSV) {
        csv_header(f, idx, k);
    }
    json_array_foreach (items, r, item) {
        for (size_t i = 0; i < k; i++) {
            char *t = cell(field_value(item, &f[idx[i]]), f[idx[i]].render, o->format);
            if (o->format == OUT_CSV) {
                csv_cell(t, i + 1 == k);
            } else {
                printf("%s%s", t, i + 1 == k ? "\n" : " ");
            }
            free(t);
        }
    }
    return 0;
}
