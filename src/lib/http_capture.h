/* Collecting an HTTP answer with libcurl's write and header callbacks: the body (up to
 * a cap) and the X-Subject-Token header Keystone returns tokens in; and setting up a
 * libcurl handle for a JSON call answered that way.  This header needs none of
 * libcurl's. */
#ifndef NEUTRINO_HTTP_CAPTURE_H
#define NEUTRINO_HTTP_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct http_capture {
    struct buf body;
    size_t max_body;            /* Larger bodies abort the transfer (too_large). */
    bool too_large;
    char subject_token[512];    /* "" if the answer had none. */
    long status;                /* HTTP status, for the caller to fill. */
};

/* Prepares 'c' for one answer of at most 'max_body' bytes. */
void http_capture_init(struct http_capture *c, size_t max_body);
void http_capture_done(struct http_capture *c);

/* CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION, with the capture as their data. */
size_t http_capture_body(char *data, size_t size, size_t n, void *capture);
size_t http_capture_header(char *data, size_t size, size_t n, void *capture);

/* One JSON call: what is sent, with which credentials, how long it may take. */
struct http_json_call {
    const char *method;
    const char *url;
    const char *body;           /* NULL: none. */
    const char *auth_token;     /* X-Auth-Token, or NULL. */
    const char *subject_token;  /* X-Subject-Token (the token to validate), or NULL. */
    long connect_timeout;       /* Seconds. */
    long timeout;
};

struct curl_slist;

/* Sets up the libcurl handle 'curl' for 'call' (JSON both ways, no signals), its
 * answer collected by 'c' (prepared by http_capture_init()).  Returns the request's
 * header list, to free with curl_slist_free_all() once the call is over. */
struct curl_slist *http_capture_json_call(void *curl, const struct http_json_call *call,
                                          struct http_capture *c);

#endif
