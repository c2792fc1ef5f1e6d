/* HTTP answer collection for libcurl (see http_capture.h). */
#include "http_capture.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

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

/* Adds "name: value" to 'hdrs' when 'value' is set. */
static struct curl_slist *
add_header(struct curl_slist *hdrs, const char *name, const char *value)
{
    if (value) {
        char *h = xasprintf("%s: %s", name, value);
        hdrs = curl_slist_append(hdrs, h);
        free(h);
    }
    return hdrs;
}

struct curl_slist *
http_capture_json_call(void *curl, const struct http_json_call *call, struct http_capture *c)
{
    struct curl_slist *hdrs = NULL;

    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    hdrs = add_header(hdrs, "X-Auth-Token", call->auth_token);
    hdrs = add_header(hdrs, "X-Subject-Token", call->subject_token);
    curl_easy_setopt(curl, CURLOPT_URL, call->url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call->method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, call->connect_timeout);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, call->timeout);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, http_capture_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, http_capture_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, c);
    if (call->body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call->body);
    }
    return hdrs;
}
