/* The dashboard's static files (spec/gui.md §1), served under /dashboard/: an asset if
 * the path names one (a last segment with a dot), else index.html, since the app
 * routes its pages (project/networks/, admin/info/ …) in the browser.  A browser
 * asking for / (Accept: text/html) is sent to /dashboard/; API clients keep the
 * version document there. */
#ifndef NEUTRINO_HTTP_STATIC_FILES_H
#define NEUTRINO_HTTP_STATIC_FILES_H

#include <stdbool.h>

struct request;

/* Answers the request if it is the dashboard's; returns false otherwise. */
bool static_dispatch(struct request *req);

#endif
