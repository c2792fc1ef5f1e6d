/* HTTP answer collection for libcurl (see http_capture.h). */
#include "http_capture.h"

#include <string.h>
#include <strings.h>

void
http_capture_init(struct http_capture *c, size_t max_body)
{
    memset(c, 0, sizeof *c);
    buf_init(&c->body);
    c->max_body = max_body;
}

void
http_capture_done(struct http_capture *c)
{
    buf_done(&c->body);
}

size_t
http_capture_body(char *data, size_t size, size_t n, void *capture)
{
    struct http_capture *c = capture;

    if (c->body.len + size * n > c->max_body) {
        c->too_large = true;
        return 0;
    }
    buf_add(&c->body, data, size * n);
    return size * n;
}

size_t
http_capture_header(char *data, size_t size, size_t n, void *capture)
{
    static const char name[] = "x-subject-token:";
    struct http_capture *c = capture;
    size_t len = size * n;

    if (len > sizeof name && !strncasecmp(data, name, sizeof name - 1)) {
        const char *v = data + sizeof name - 1;
        size_t vlen = len - (sizeof name - 1);
        while (vlen && (*v == ' ' || *v == '\t')) {
            v++, vlen--;
        }
        while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' ')) {
            vlen--;
        }
        if (vlen < sizeof c->subject_token) {
            memcpy(c->subject_token, v, vlen);
            c->subject_token[vlen] = '\0';
        }
    }
    return len;
}
