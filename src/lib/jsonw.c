/* Streaming JSON writer (see jsonw.h). */
#include "jsonw.h"

#include <assert.h>
#include <inttypes.h>

void
jsonw_init(struct jsonw *w, struct buf *out)
{
    w->out = out;
    w->depth = 0;
    w->has_items[0] = false;
    w->after_key = false;
}

/* Emits the separator that precedes a new value or key at the current level. */
static void
jsonw_before_item(struct jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->has_items[w->depth]) {
        buf_add_char(w->out, ',');
    }
    w->has_items[w->depth] = true;
}

static void
jsonw_open(struct jsonw *w, char c)
{
    jsonw_before_item(w);
    buf_add_char(w->out, c);
    assert(w->depth + 1 < JSONW_MAX_DEPTH);
    w->has_items[++w->depth] = false;
}

static void
jsonw_close(struct jsonw *w, char c)
{
    assert(w->depth > 0);
    w->depth--;
    buf_add_char(w->out, c);
}

void
jsonw_object_begin(struct jsonw *w)
{
    jsonw_open(w, '{');
}

void
jsonw_object_end(struct jsonw *w)
{
    jsonw_close(w, '}');
}

void
jsonw_array_begin(struct jsonw *w)
{
    jsonw_open(w, '[');
}

void
jsonw_array_end(struct jsonw *w)
{
    jsonw_close(w, ']');
}

void
jsonw_key(struct jsonw *w, const char *key)
{
    jsonw_before_item(w);
    json_escape_string(w->out, key);
    buf_add_char(w->out, ':');
    w->after_key = true;
}

void
jsonw_string(struct jsonw *w, const char *s)
{
    jsonw_before_item(w);
    if (s) {
        json_escape_string(w->out, s);
    } else {
        buf_add(w->out, "null", 4);
    }
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
    jsonw_before_item(w);
    buf_printf(w->out, "%" PRId64, v);
}

void
jsonw_uint(struct jsonw *w, uint64_t v)
{
    jsonw_before_item(w);
    buf_printf(w->out, "%" PRIu64, v);
}

void
jsonw_bool(struct jsonw *w, bool v)
{
    jsonw_before_item(w);
    buf_add_str(w->out, v ? "true" : "false");
}

void
jsonw_null(struct jsonw *w)
{
    jsonw_before_item(w);
    buf_add(w->out, "null", 4);
}

void
jsonw_raw(struct jsonw *w, const char *json)
{
    jsonw_before_item(w);
    buf_add_str(w->out, json);
}

/* Length of the valid UTF-8 sequence at 'p' (1-4), or 0 if it is not one
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t
utf8_sequence_len(const unsigned char *p)
{
    unsigned int cp;
    size_t len;

    if (p[0] < 0x80) {
        return 1;
    } else if ((p[0] & 0xe0) == 0xc0) {
        len = 2;
        cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        len = 3;
        cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        len = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)
        || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }
    return len;
}

void
json_escape_string(struct buf *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *) s;
    const unsigned char *run = p;

    buf_add_char(out, '"');
    for (; *p; p++) {
        const char *esc = NULL;
        char u[7];

        switch (*p) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
            if (*p >= 0x80) {
                /* Text from clients may be any bytes (query strings): keep valid UTF-8,
                 * replace the rest so the document stays valid JSON. */
                size_t len = utf8_sequence_len(p);
                if (len == 0) {
                    buf_add(out, run, (size_t) (p - run));
                    buf_add_str(out, "\\ufffd");
                    run = p + 1;
                } else {
                    p += len - 1;
                }
                continue;
            }
            if (*p < 0x20) {
                u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
                u[4] = hex[*p >> 4]; u[5] = hex[*p & 15]; u[6] = '\0';
                esc = u;
            }
            break;
        }
        if (esc) {
            buf_add(out, run, (size_t) (p - run));
            buf_add_str(out, esc);
            run = p + 1;
        }
    }
    buf_add(out, run, (size_t) (p - run));
    buf_add_char(out, '"');
}
