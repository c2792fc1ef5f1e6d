/* Python-style rendering of values for error messages (see pyfmt.h). */
#include "pyfmt.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void
py_quote(struct buf *out, const char *s)
{
    buf_add_char(out, '\'');
    for (; *s; s++) {
        unsigned char c = (unsigned char) *s;
        if (c == '\n' || c == '\r' || c == '\t') {
            buf_add_str(out, c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            buf_printf(out, "\\x%02x", c);
        } else {
            if (c == '\'' || c == '\\') {
                buf_add_char(out, '\\');
            }
            buf_add_char(out, *s);
        }
    }
    buf_add_char(out, '\'');
}

void
py_repr(struct buf *out, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        py_quote(out, json_string_value(v));
        break;
    case JSON_INTEGER:
        buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        buf_printf(out, "%.17g", json_real_value(v));
        break;
    case JSON_TRUE:
        buf_add_str(out, "True");
        break;
    case JSON_FALSE:
        buf_add_str(out, "False");
        break;
    case JSON_NULL:
        buf_add_str(out, "None");
        break;
    case JSON_ARRAY: {
        size_t i;
        json_t *item;
        buf_add_char(out, '[');
        json_array_foreach (v, i, item) {
            if (i) {
                buf_add_str(out, ", ");
            }
            py_repr(out, item);
        }
        buf_add_char(out, ']');
        break;
    }
    case JSON_OBJECT: {
        const char *key;
        json_t *item;
        bool first = true;
        buf_add_char(out, '{');
        json_object_foreach ((json_t *) v, key, item) {
            if (!first) {
                buf_add_str(out, ", ");
            }
            first = false;
            py_quote(out, key);
            buf_add_str(out, ": ");
            py_repr(out, item);
        }
        buf_add_char(out, '}');
        break;
    }
    }
}

void
py_str(struct buf *out, const json_t *v)
{
    if (json_is_string(v)) {
        buf_add_str(out, json_string_value(v));
    } else {
        py_repr(out, v);
    }
}

void
py_repr_strings(struct buf *out, char *const *items, size_t n)
{
    buf_add_char(out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) {
            buf_add_str(out, ", ");
        }
        py_quote(out, items[i]);
    }
    buf_add_char(out, ']');
}
