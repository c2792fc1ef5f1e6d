/* Prefix and route matching (see router.h). */
#include "router.h"

#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "util.h"

void
http_register_family(struct http_router *r, const char *prefix, bool strip_prefix,
                     const struct api_family *family)
{
    if (r->n_mounts == HTTP_MAX_MOUNTS) {
        abort();
    }
    r->mounts[r->n_mounts++] = (struct http_mount) { prefix, strip_prefix, family };
}

/* True if 'prefix' covers 'path' (see struct http_mount). */
static bool
prefix_covers(const char *prefix, const char *path)
{
    size_t len = strlen(prefix);

    return !strncmp(path, prefix, len)
           && (len == 0 || prefix[len - 1] == '/' || path[len] == '\0' || path[len] == '/');
}

const struct http_mount *
http_router_find(const struct http_router *r, const char *path)
{
    const struct http_mount *best = NULL;

    for (size_t i = 0; i < r->n_mounts; i++) {
        const struct http_mount *m = &r->mounts[i];
        if (prefix_covers(m->prefix, path)
            && (!best || strlen(m->prefix) > strlen(best->prefix))) {
            best = m;
        }
    }
    return best;
}

/* Matches 'path' against 'pattern', writing '*' segments into 'args' (pointers into
 * 'scratch', a copy of the path split in place). */
static bool
route_match(const char *pattern, const char *path, char *scratch, char *args[], size_t *n_args)
{
    const char *p = pattern;
    char *s = scratch;

    strcpy(scratch, path);
    *n_args = 0;
    while (*p && *s) {
        if (*p == '*') {
            char *end = strchr(s, '/');
            if (s == end || *n_args == ROUTE_MAX_ARGS) {
                return false;   /* Empty segment. */
            }
            args[(*n_args)++] = s;
            p++;
            if (!end) {
                s += strlen(s);
                break;
            }
            *end = '\0';
            s = end + 1;
            if (*p != '/') {
                return false;
            }
            p++;
            continue;
        }
        if (*p != *s) {
            return false;
        }
        p++;
        s++;
    }
    return *p == '\0' && *s == '\0';
}

void
http_router_dispatch(const struct http_mount *m, struct request *req)
{
    const struct api_family *f = m->family;
    char scratch[REQUEST_MAX_PATH_SIZE + 1];
    char *args[ROUTE_MAX_ARGS];
    const char *path = req->path;
    bool path_known = false;
    size_t n_args;

    req->family = f;
    if (strlen(path) > REQUEST_MAX_PATH_SIZE) {
        f->render_error(req, 404, NULL);
        return;
    }
    if (m->strip_prefix) {
        path += strlen(m->prefix);
        req->api_prefix = m->prefix;
    }
    for (size_t i = 0; i < f->n_routes; i++) {
        if (!route_match(f->routes[i].pattern, path, scratch, args, &n_args)) {
            continue;
        }
        path_known = true;
        if (STREQ(f->routes[i].method, req->method)) {
            f->routes[i].handler(req, args);
            return;
        }
    }
    if (f->fallback) {
        f->fallback(req, NULL);
    } else {
        f->render_error(req, path_known ? 405 : 404, NULL);
    }
}
