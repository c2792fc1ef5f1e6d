/* Printing results; see output.h. */
#include "output.h"

#include <regex.h>
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

/* The keys of 'obj' (at most 'max') sorted as Python's sorted() does; their number. */
static size_t
sorted_keys(const json_t *obj, const char **keys, size_t max)
{
    size_t n = 0;
    const char *k;
    json_t *x;

    json_object_foreach ((json_t *) obj, k, x) {
        if (n < max) {
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
    return n;
}

/* "key='value', ..." with the keys sorted, as cliff's format_dict. */
static void
dict_text(struct buf *b, const json_t *obj, const char *rename_from, const char *rename_to)
{
    const char *keys[64];
    size_t n = sorted_keys(obj, keys, ARRAY_SIZE(keys));

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

/* format_dict's text of 'obj' under 'prefix' (NULL at the top), appended to 'b'. */
static void
format_dict_into(struct buf *b, const json_t *obj, const char *prefix)
{
    const char *keys[64];
    size_t n = sorted_keys(obj, keys, ARRAY_SIZE(keys));

    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(obj, keys[i]);
        char *key = prefix ? xasprintf("%s.%s", prefix, keys[i]) : xstrdup(keys[i]);
        buf_add_str(b, i ? ", " : "");
        if (json_is_object(v)) {
            format_dict_into(b, v, key);
        } else if (json_is_null(v)) {
            buf_printf(b, "%s=", key);
        } else {
            buf_printf(b, "%s='", key);
            py_repr(b, v, true);
            buf_add_char(b, '\'');
        }
        free(key);
    }
}

char *
out_format_dict(const json_t *obj)
{
    struct buf b = BUF_INITIALIZER;

    if (!json_is_object(obj)) {
        return NULL;
    }
    format_dict_into(&b, obj, NULL);
    return buf_steal(&b);
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
    if (json_is_array(v) && (r == R_PYLIST || r == R_PYREPR)) {
        py_repr(b, v, true);
        return;
    }
    if (json_is_array(v)) {
        json_array_foreach (v, i, x) {
            if (r == R_LIST_DICTS && json_is_object(x)) {
                buf_add_str(b, i ? "\n" : "");
                format_dict_into(b, x, NULL);
            } else if (r == R_SG_RULES && json_is_object(x)) {
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
    if (r == R_PYREPR) {
        py_repr(b, v, true);
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

/* One table row whose cells may span several lines; 'right' (NULL: none) marks the
 * columns aligned right. */
static void
row(char **cells, const size_t *w, const bool *right, size_t n)
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
            if (right && right[i]) {
                printf("| %*.*s ", (int) w[i], (int) len, pos[i]);
            } else {
                printf("| %-*.*s ", (int) w[i], (int) len, pos[i]);
            }
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

/* Prints a table of 'nrows' rows of 'ncols' cells each, then frees the rows.  'right'
 * (NULL: none) marks the columns aligned right, headers included. */
static void
print_table(const char **headers, size_t ncols, char ***rows, size_t nrows, const bool *right)
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
    row((char **) headers, w, right, ncols);
    rule(w, ncols);
    for (size_t r = 0; r < nrows; r++) {
        row(rows[r], w, right, ncols);
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

/* --- YAML ------------------------------------------------------------------------ */
/* As the client prints it: PyYAML's safe_dump() in block style — mapping keys sorted, a
 * list's items at its key's indentation, and a string left plain only when it would read
 * back as the same string (YAML 1.1's implicit types) and has nothing YAML would take for
 * syntax; otherwise single-quoted, or double-quoted with escapes when it holds a line
 * break, a control character or a non-ASCII one (safe_dump does not allow unicode). */

/* Whether all of 's' matches the extended regular expression 'pattern'. */
static bool
matches(const char *s, const char *pattern)
{
    regex_t re;
    bool m;

    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB)) {
        return false;
    }
    m = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return m;
}

/* Whether a plain 's' would be read as a boolean, number, null or time stamp. */
static bool
yaml_implicit(const char *s)
{
    static const char *const patterns[] = {
        "^(yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
        "^[-+]?(0b[0-1_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)$",
        "^([-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?"
        "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$",
        "^(~|null|Null|NULL|<<|=)$",
        "^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:"
        "[0-9]{2}:[0-9]{2}(\\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)$",
    };

    for (size_t i = 0; i < ARRAY_SIZE(patterns); i++) {
        if (matches(s, patterns[i])) {
            return true;
        }
    }
    return false;
}

/* Whether 's' needs double quotes: a byte outside printable ASCII. */
static bool
yaml_special(const char *s)
{
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p < 0x20 || *p >= 0x7f) {
            return true;
        }
    }
    return false;
}

/* Whether 's' can be written plain in block context (PyYAML's analysis). */
static bool
yaml_plain(const char *s)
{
    size_t len = strlen(s);

    if (!len || s[0] == ' ' || s[len - 1] == ' ' || str_startswith(s, "---")
        || str_startswith(s, "...") || strchr("#,[]{}&*!|>'\"%@`", s[0])
        || (strchr("?:-", s[0]) && (s[1] == ' ' || !s[1]))) {
        return false;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] == ':' && (s[i + 1] == ' ' || !s[i + 1])) || (s[i] == '#' && s[i - 1] == ' ')) {
            return false;
        }
    }
    return !yaml_special(s) && !yaml_implicit(s);
}

/* A double-quoted scalar with YAML's escapes (code points from UTF-8). */
static void
yaml_double_quoted(const char *s)
{
    const unsigned char *p = (const unsigned char *) s;

    fputc('"', stdout);
    while (*p) {
        unsigned cp = *p;
        int extra = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;
        cp = extra ? cp & (0x3f >> extra) : cp;
        p++;
        for (int i = 0; i < extra && (*p & 0xc0) == 0x80; i++) {
            cp = (cp << 6) | (*p++ & 0x3f);
        }
        const char *named = cp == '"' ? "\\\"" : cp == '\\' ? "\\\\" : cp == '\n' ? "\\n"
                            : cp == '\t' ? "\\t" : cp == '\r' ? "\\r" : cp == 0 ? "\\0"
                            : NULL;
        if (named) {
            fputs(named, stdout);
        } else if (cp >= 0x20 && cp < 0x7f) {
            fputc((int) cp, stdout);
        } else if (cp <= 0xff) {
            printf("\\x%02X", cp);
        } else if (cp <= 0xffff) {
            printf("\\u%04X", cp);
        } else {
            printf("\\U%08X", cp);
        }
    }
    fputc('"', stdout);
}

/* A plain or single-quoted scalar that starts at 'column', folded as PyYAML folds it:
 * a lone space (not the first or last character) past column 80 becomes a line break
 * and the indentation 'indent'.  Returns the column after it. */
static int
yaml_folded(const char *s, bool quoted, int column, int indent)
{
    size_t len = strlen(s);

    if (quoted) {
        fputc('\'', stdout);
        column++;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ' && i && i + 1 < len && s[i - 1] != ' ' && s[i + 1] != ' '
            && column > 80 && indent >= 0) {
            printf("\n%*s", indent, "");
            column = indent;
            continue;
        }
        fputs(quoted && s[i] == '\'' ? "''" : (char[]) { s[i], '\0' }, stdout);
        column += quoted && s[i] == '\'' ? 2 : 1;
    }
    if (quoted) {
        fputc('\'', stdout);
        column++;
    }
    return column;
}

/* A string starting at 'column'; 'indent' its continuation lines' (-1: a key, never
 * folded).  Returns the column after it. */
static int
yaml_string(const char *s, int column, int indent)
{
    if (yaml_special(s)) {
        yaml_double_quoted(s);
        return column + 2 + (int) strlen(s);    /* Only keys use it, and they are short. */
    }
    return yaml_folded(s, !yaml_plain(s), column, indent);
}

static void
yaml_scalar(const json_t *v, int column, int indent)
{
    if (json_is_string(v)) {
        (void) yaml_string(json_string_value(v), column, indent);
    } else if (json_is_array(v)) {
        fputs("[]", stdout);        /* Only empty ones are scalars here. */
    } else if (json_is_object(v)) {
        fputs("{}", stdout);
    } else {
        char *t = json_dumps(v, JSON_ENCODE_ANY);
        fputs(t, stdout);
        free(t);
    }
}

static bool
yaml_is_block(const json_t *v)
{
    return (json_is_array(v) && json_array_size(v)) || (json_is_object(v) && json_object_size(v));
}

static void yaml_node(const json_t *v, int indent, bool inline_first);

static int
cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* A mapping at 'indent', keys sorted; with 'inline_first' its first key goes on the line
 * already begun (after a list item's "- "). */
static void
yaml_mapping(const json_t *obj, int indent, bool inline_first)
{
    size_t n = json_object_size(obj), i = 0;
    const char **keys = xcalloc(n, sizeof *keys);
    const char *k;
    json_t *x;

    json_object_foreach ((json_t *) obj, k, x) {
        keys[i++] = k;
    }
    qsort(keys, n, sizeof *keys, cmp_keys);
    for (i = 0; i < n; i++) {
        const json_t *v = json_object_get(obj, keys[i]);
        int column;
        printf("%*s", i || !inline_first ? indent : 0, "");
        column = yaml_string(keys[i], indent, -1);
        fputc(':', stdout);
        if (yaml_is_block(v)) {
            fputc('\n', stdout);
            yaml_node(v, json_is_array(v) ? indent : indent + 2, false);
        } else {
            fputc(' ', stdout);
            yaml_scalar(v, column + 2, indent + 2);
            fputc('\n', stdout);
        }
    }
    free(keys);
}

/* A list's items at 'indent', each after "- ". */
static void
yaml_sequence(const json_t *list, int indent, bool inline_first)
{
    const json_t *x;
    size_t i;

    json_array_foreach (list, i, x) {
        printf("%*s- ", i || !inline_first ? indent : 0, "");
        if (yaml_is_block(x)) {
            yaml_node(x, indent + 2, true);
        } else {
            yaml_scalar(x, indent + 2, indent + 2);
            fputc('\n', stdout);
        }
    }
}

static void
yaml_node(const json_t *v, int indent, bool inline_first)
{
    if (json_is_array(v)) {
        yaml_sequence(v, indent, inline_first);
    } else {
        yaml_mapping(v, indent, inline_first);
    }
}

/* A whole document: a show's mapping or a list's sequence. */
static void
yaml_document(const json_t *v)
{
    if (yaml_is_block(v)) {
        yaml_node(v, 0, false);
    } else {
        yaml_scalar(v, 0, 0);
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

/* A new reference to 'v' as shown: R_INT's decimal text as a number. */
static json_t *
shown_value(const json_t *v, enum render r)
{
    if (r == R_INT && json_is_string(v)) {
        char *end;
        long long n = strtoll(json_string_value(v), &end, 10);
        if (*json_string_value(v) && !*end) {
            return json_integer(n);
        }
    }
    return json_deep_copy(v);
}

/* Whether a list's column is a number, as cliff tells it by the first row: those are
 * right-aligned, header too (booleans are not numbers there). */
static bool
is_number(const json_t *v, enum render r)
{
    json_t *shown = v ? shown_value(v, r) : NULL;
    bool number = json_is_integer(shown) || json_is_real(shown);

    json_decref(shown);
    return number;
}

static char *
cell(const json_t *v, enum render r, enum out_format fmt)
{
    struct buf b = BUF_INITIALIZER;

    if (fmt == OUT_TABLE && r == R_JSON) {
        /* Python's json.dumps: ", " and ": " between items, non-ASCII escaped. */
        char *t = json_dumps(v ? v : json_null(), JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
        buf_add_str(&b, t ? t : "null");
        free(t);
    } else if (fmt == OUT_TABLE) {
        table_text(&b, v, r);
    } else if (!v && r == R_DICT_OR_EMPTY) {
        buf_add_str(&b, "{}");
    } else if (!v) {
        buf_add_str(&b, fmt == OUT_CSV ? "" : "None");
    } else {
        json_t *shown = shown_value(v, r);
        py_repr(&b, shown, true);
        json_decref(shown);
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
        json_t *shown = v                                           ? shown_value(v, f[idx[i]].render)
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
            yaml_document(out);
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
        print_table(headers, 2, rows, k, NULL);
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
        } else {
            yaml_document(out);
        }
        json_decref(out);
        return 0;
    }
    if (o->format == OUT_TABLE) {
        const char *headers[64];
        bool right[64];
        char ***rows;
        if (!nrows) {
            return 0;       /* cliff prints nothing for an empty list. */
        }
        rows = xcalloc(nrows, sizeof *rows);
        for (size_t i = 0; i < k; i++) {
            headers[i] = f[idx[i]].name;
            right[i] = is_number(field_value(json_array_get(items, 0), &f[idx[i]]),
                                 f[idx[i]].render);
        }
        json_array_foreach (items, r, item) {
            rows[r] = xcalloc(k, sizeof *rows[r]);
            for (size_t i = 0; i < k; i++) {
                rows[r][i] = cell(field_value(item, &f[idx[i]]), f[idx[i]].render, OUT_TABLE);
            }
        }
        print_table(headers, k, rows, nrows, right);
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
