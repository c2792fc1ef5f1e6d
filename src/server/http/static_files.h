/* The dashboard's static files, served under DASHBOARD_PREFIX (with [dashboard]
 * enabled): an asset if the path names one (a last segment with a dot), else
 * index.html, since the app routes its pages (project/networks/, admin/info/ …) in
 * the browser.  Text files go gzip-compressed to a client whose Accept-Encoding asks
 * for it, compressed once per file version and kept.  A browser asking for / (Accept: text/html) is sent to /dashboard/;
 * API clients keep the version document there. */
#ifndef NEUTRINO_HTTP_STATIC_FILES_H
#define NEUTRINO_HTTP_STATIC_FILES_H

#include <stdbool.h>

struct request;

#define DASHBOARD_PREFIX "/dashboard"

/* Answers any request under DASHBOARD_PREFIX (a route handler, 'args' unused):
 * the file, the app's page, 301 to add the '/', 404, or 405 for other methods than
 * GET and HEAD. */
int dashboard_serve(struct request *req, char *const args[]);

/* For GET /: sends a browser (and only a browser, when the dashboard is enabled) to
 * the dashboard with 302.  Returns false, having answered nothing, otherwise. */
bool dashboard_redirect(struct request *req);

/* True if an Accept-Encoding header 'header' (NULL: none) lets us answer with gzip:
 * "gzip", "x-gzip" or "*" named with a q above 0, and an explicit "gzip;q=0" wins
 * over "*" (RFC 9110 §12.5.3).  Strict: a header that is not a well-formed list of
 * codings with at most a q parameter each, or longer than 1 KiB, is not understood,
 * and the file goes uncompressed — never wrongly compressed. */
bool accepts_gzip(const char *header);

#endif
