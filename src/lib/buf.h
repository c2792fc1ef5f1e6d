/* A growable byte buffer for building strings and responses (the shape of OVS's
 * "struct ds").  The contents are always NUL-terminated. */
#ifndef NEUTRINO_BUF_H
#define NEUTRINO_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data;         /* Contents, NUL-terminated; NULL until first use. */
    size_t len;         /* Bytes used, excluding the terminator. */
    size_t cap;         /* Bytes allocated. */
};

#define BUF_INITIALIZER { NULL, 0, 0 }

void buf_init(struct buf *b);
void buf_done(struct buf *b);
void buf_clear(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t size);
void buf_add_str(struct buf *b, const char *s);
void buf_add_char(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Returns the contents (never NULL); valid until the next change. */
const char *buf_cstr(struct buf *b);
/* Hands the contents over to the caller (free() them) and empties 'b'. */
char *buf_steal(struct buf *b);

#endif
