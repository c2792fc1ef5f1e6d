/* Collecting an HTTP answer with libcurl's write and header callbacks: the body (up to
 * a cap) and the X-Subject-Token header Keystone returns tokens in.  The callbacks
 * have libcurl's signatures but need none of its headers. */
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

#endif
