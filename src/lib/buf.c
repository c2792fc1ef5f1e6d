/* Growable NUL-terminated byte buffer (see buf.h). */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void
buf_init(struct buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void
buf_done(struct buf *b)
{
    free(b->data);
    buf_init(b);
}

void
buf_clear(struct buf *b)
{
    b->len = 0;
    if (b->data) {
        b->data[0] = '\0';
    }
}

void
buf_reserve(struct buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;

    if (need > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < need) {
            cap *= 2;
        }
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
}

void
buf_add(struct buf *b, const void *data, size_t size)
{
    buf_reserve(b, size);
    memcpy(b->data + b->len, data, size);
    b->len += size;
    b->data[b->len] = '\0';
}

void
buf_add_str(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void
buf_add_char(struct buf *b, char c)
{
    buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    buf_reserve(b, 64);
    va_copy(ap2, ap);
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    if (n >= 0 && (size_t) n >= b->cap - b->len) {
        buf_reserve(b, (size_t) n);
        n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
    }
    va_end(ap2);
    if (n > 0) {
        b->len += (size_t) n;
    }
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *
buf_cstr(struct buf *b)
{
    if (!b->data) {
        buf_reserve(b, 0);
        b->data[0] = '\0';
    }
    return b->data;
}

char *
buf_steal(struct buf *b)
{
    char *s = (char *) buf_cstr(b);

    buf_init(b);
    return s;
}
