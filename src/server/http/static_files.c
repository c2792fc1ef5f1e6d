/* The dashboard's static files; see static_files.h. */
#include "static_files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "open_beneath.h"
#include "request.h"
#include "util.h"

enum { MAX_FILE = 4 << 20 };

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    { ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },   { ".svg", "image/svg+xml" },
    { ".png", "image/png" },                 { ".ico", "image/x-icon" },
    { ".json", "application/json" },         { ".txt", "text/plain; charset=utf-8" },
    { ".woff2", "font/woff2" },
};

static const char *
dashboard_root(const struct server_config *cfg)
{
    struct stat st;

    if (cfg->dashboard_root && *cfg->dashboard_root) {
        return cfg->dashboard_root;
    }
    return !stat(NEUTRINO_DASHBOARD_INSTALLED "/index.html", &st) ? NEUTRINO_DASHBOARD_INSTALLED
                                                                  : NEUTRINO_DASHBOARD_SOURCE;
}

static void
plain(struct request *req, int status, const char *text)
{
    req->status = status;
    req->content_type = "text/plain; charset=utf-8";
    buf_clear(&req->response);
    buf_add_str(&req->response, text);
}

/* A relative path we are willing to open: no "..", no hidden files, plain characters. */
static bool
safe_path(const char *rel)
{
    if (!*rel || strlen(rel) > 200 || rel[0] == '/' || strstr(rel, "//")) {
        return false;
    }
    for (const char *p = rel; *p; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
                  || strchr("-_./", *p);
        if (!ok || (*p == '.' && (p == rel || p[-1] == '/'))) {
            return false;
        }
    }
    return true;
}

static const char *
type_of(const char *path)
{
    const char *dot = strrchr(path, '.');

    for (size_t i = 0; dot && i < ARRAY_SIZE(types); i++) {
        if (STREQ(dot, types[i].ext)) {
            return types[i].type;
        }
    }
    return "application/octet-stream";
}

/* Reads root/rel into the answer; false if there is no such regular file beneath
 * 'root' reached without a symbolic link (open_beneath.h): a link in the dashboard's
 * directory, to a file or a directory, is never followed. */
static bool
send_file(struct request *req, const char *root, const char *rel)
{
    int fd = open_beneath(root, rel);
    struct stat st;
    bool sent = false;

    if (fd < 0) {
        return false;
    }
    if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size <= MAX_FILE) {
        buf_clear(&req->response);
        buf_reserve(&req->response, (size_t) st.st_size);
        ssize_t n;
        char chunk[65536];
        while ((n = read(fd, chunk, sizeof chunk)) > 0) {
            buf_add(&req->response, chunk, (size_t) n);
        }
        sent = n == 0;
    }
    close(fd);
    if (sent) {
        req->status = 200;
        req->content_type = type_of(rel);
        /* Revalidated each time: a new release's files are picked up at once. */
        request_add_header(req, "Cache-Control", "no-cache");
        request_add_header(req, "X-Frame-Options", "DENY");
        request_add_header(req, "Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; style-src 'self';"
                           " frame-ancestors 'none'");
    }
    return sent;
}

/* True if the client prefers HTML (a browser), not JSON (an API client). */
static bool
wants_html(const struct request *req)
{
    return req->accept && strstr(req->accept, "text/html")
           && !str_startswith(req->accept, "application/json");
}

bool
dashboard_redirect(struct request *req)
{
    if (!req->app->cfg->dashboard_enabled || !wants_html(req)) {
        return false;
    }
    req->status = 302;
    req->content_type = "text/plain; charset=utf-8";
    request_add_header(req, "Location", "%s/", DASHBOARD_PREFIX);
    buf_add_str(&req->response, "The dashboard is at " DASHBOARD_PREFIX "/\n");
    return true;
}

int
dashboard_serve(struct request *req, char *const args[])
{
    const char *root;
    const char *rel;

    if (!STREQ(req->method, "GET") && !STREQ(req->method, "HEAD")) {
        plain(req, 405, "Method Not Allowed\n");
        request_add_header(req, "Allow", "GET, HEAD");
        return 0;
    }
    if (STREQ(req->path, DASHBOARD_PREFIX)) {
        req->status = 301;
        req->content_type = "text/plain; charset=utf-8";
        request_add_header(req, "Location", "%s/", DASHBOARD_PREFIX);
        return 0;
    }
    root = dashboard_root(req->app->cfg);
    rel = req->path + strlen(DASHBOARD_PREFIX) + 1;
    const char *last = strrchr(req->path, '/') + 1;
    if (*rel && strchr(last, '.')) {
        /* An asset: the file, or 404. */
        if (!safe_path(rel) || !send_file(req, root, rel)) {
            plain(req, 404, "Not Found\n");
        }
        return 0;
    }
    /* A page of the app (project/networks/ …): the app itself, which routes it. */
    if (*rel && !safe_path(rel)) {
        plain(req, 404, "Not Found\n");
    } else if (!send_file(req, root, "index.html")) {
        plain(req, 503, "The dashboard's files are not installed ([dashboard] root).\n");
    }
    return 0;
}
