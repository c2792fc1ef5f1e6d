/* The route table and dispatch (see router.h). */
#include "router.h"

#include <string.h>

#include "api/ip_availability.h"
#include "api/network.h"
#include "api/port.h"
#include "api/subnet.h"
#include "api/tags.h"
#include "api/versions.h"
#include "errors.h"
#include "request.h"
#include "util.h"

struct route {
    const char *method;
    const char *pattern;
    route_handler *handler;
};

#define TAG_ROUTES(plural, prefix)                                                      \
    { "GET", "/v2.0/" plural "/*/tags", prefix##_tags_get },                            \
    { "PUT", "/v2.0/" plural "/*/tags", prefix##_tags_replace },                        \
    { "DELETE", "/v2.0/" plural "/*/tags", prefix##_tags_clear },                       \
    { "GET", "/v2.0/" plural "/*/tags/*", prefix##_tag_check },                         \
    { "PUT", "/v2.0/" plural "/*/tags/*", prefix##_tag_add },                           \
    { "DELETE", "/v2.0/" plural "/*/tags/*", prefix##_tag_remove }

static const struct route routes[] = {
    { "GET", "/", versions_root },
    { "GET", "/v2.0/", versions_v2 },
    { "GET", "/v2.0/extensions", extensions_list },
    { "GET", "/v2.0/extensions/*", extension_show },
    { "GET", "/v2.0/networks", networks_list },
    { "POST", "/v2.0/networks", networks_create },
    { "GET", "/v2.0/networks/*", network_show },
    { "PUT", "/v2.0/networks/*", network_update },
    { "DELETE", "/v2.0/networks/*", network_delete },
    { "GET", "/v2.0/subnets", subnets_list },
    { "POST", "/v2.0/subnets", subnets_create },
    { "GET", "/v2.0/subnets/*", subnet_show },
    { "PUT", "/v2.0/subnets/*", subnet_update },
    { "DELETE", "/v2.0/subnets/*", subnet_delete },
    { "GET", "/v2.0/ports", ports_list },
    { "POST", "/v2.0/ports", ports_create },
    { "GET", "/v2.0/ports/*", port_show },
    { "PUT", "/v2.0/ports/*", port_update },
    { "DELETE", "/v2.0/ports/*", port_delete },
    { "GET", "/v2.0/network-ip-availabilities", ip_availabilities_list },
    { "GET", "/v2.0/network-ip-availabilities/*", ip_availability_show },
    TAG_ROUTES("networks", network),
    TAG_ROUTES("subnets", subnet),
    TAG_ROUTES("ports", port),
};

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
router_dispatch(struct request *req)
{
    char scratch[REQUEST_MAX_PATH_SIZE + 1];
    char *args[ROUTE_MAX_ARGS];
    bool path_known = false;
    size_t n_args;

    if (strlen(req->path) > REQUEST_MAX_PATH_SIZE) {
        api_fail(req, API_ERR_HTTP_NOT_FOUND, "The resource could not be found.");
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
        if (!route_match(routes[i].pattern, req->path, scratch, args, &n_args)) {
            continue;
        }
        path_known = true;
        if (STREQ(routes[i].method, req->method)) {
            routes[i].handler(req, args);
            return;
        }
    }
    static const struct {
        const char *path;
        enum api_err err;
        const char *title;
    } collections[] = {
        { "/v2.0/networks", API_ERR_NETWORK_NOT_FOUND, "Network" },
        { "/v2.0/subnets", API_ERR_SUBNET_NOT_FOUND, "Subnet" },
        { "/v2.0/ports", API_ERR_PORT_NOT_FOUND, "Port" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(collections); i++) {
        if ((STREQ(req->method, "DELETE") || STREQ(req->method, "PUT"))
            && STREQ(req->path, collections[i].path)) {
            /* Zed treats a collection PUT/DELETE as one on the item "None". */
            api_fail(req, collections[i].err, "%s None could not be found.",
                     collections[i].title);
            return;
        }
    }
    if (path_known) {
        api_fail(req, API_ERR_METHOD_NOT_ALLOWED, "The server could not comply with the"
                 " request since it is either malformed or otherwise incorrect.");
    } else {
        api_fail(req, API_ERR_HTTP_NOT_FOUND, "The resource could not be found.");
    }
}
