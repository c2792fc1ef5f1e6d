/* Unit tests for the HTTP router (http/router.h) and the request helpers (request.h):
 * which registered API family a path reaches (longest prefix, the "" fallback, a
 * prefix ending in '/'), route matching with "*" arguments and a stripped prefix, and
 * that 404 and 405 go to the family's own error renderer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api_family.h"
#include "http/router.h"
#include "request.h"

/* What the test families' handlers and renderers saw. */
static struct {
    const char *handler;
    char args[ROUTE_MAX_ARGS][64];
    int error_status;
    const char *error_family;
} seen;

static int
record(struct request *req, char *const args[], const char *name, size_t n_args)
{
    seen.handler = name;
    for (size_t i = 0; i < n_args; i++) {
        snprintf(seen.args[i], sizeof seen.args[i], "%s", args[i]);
    }
    req->status = 200;
    return 0;
}

static int
root_get(struct request *req, char *const args[])
{
    return record(req, args, "root_get", 0);
}

static int
item_show(struct request *req, char *const args[])
{
    return record(req, args, "item_show", 1);
}

static int
grant_put(struct request *req, char *const args[])
{
    return record(req, args, "grant_put", 3);
}

static int
versions(struct request *req, char *const args[])
{
    return record(req, args, "versions", 0);
}

static int
serve_any(struct request *req, char *const args[])
{
    return record(req, args, "serve_any", 0);
}

static void
render_a(struct request *req, int status, const char *message)
{
    seen.error_status = status;
    seen.error_family = "a";
    req->status = status;
}

static void
render_b(struct request *req, int status, const char *message)
{
    seen.error_status = status;
    seen.error_family = "b";
    req->status = status;
}

static const struct route root_routes[] = {
    { "GET", "/", root_get },
};
static const struct route a_routes[] = {
    { "GET", "/v2.0/items/*", item_show },
};
static const struct route b_routes[] = {
    { "GET", "", versions },
    { "PUT", "/v3/projects/*/users/*/roles/*", grant_put },
};

static const struct api_family root = { root_routes, 1, NULL, render_a, NULL };
static const struct api_family fam_a = { a_routes, 1, NULL, render_a, NULL };
static const struct api_family fam_b = { b_routes, 2, NULL, render_b, NULL };
static const struct api_family files = { NULL, 0, serve_any, render_a, NULL };

static struct http_router
make_router(void)
{
    struct http_router r = { .n_mounts = 0 };

    http_register_family(&r, "", false, &root);
    http_register_family(&r, "/v2.0", false, &fam_a);
    http_register_family(&r, "/v3", false, &fam_b);
    http_register_family(&r, "/identity", true, &fam_b);
    http_register_family(&r, "/agent/", false, &fam_a);
    http_register_family(&r, "/files", false, &files);
    return r;
}

/* Dispatches (method, path) through the router; returns the request's status. */
static int
dispatch(const struct http_router *r, const char *method, const char *path,
         const char **ret_prefix)
{
    struct request req;

    memset(&req, 0, sizeof req);
    memset(&seen, 0, sizeof seen);
    req.method = method;
    req.path = (char *) path;
    req.api_prefix = "";
    http_router_dispatch(http_router_find(r, path), &req);
    if (ret_prefix) {
        *ret_prefix = req.api_prefix;
    }
    return req.status;
}

static void
test_find_longest_prefix(void **state)
{
    struct http_router r = make_router();

    assert_ptr_equal(http_router_find(&r, "/")->family, &root);
    assert_ptr_equal(http_router_find(&r, "/v2.0")->family, &fam_a);
    assert_ptr_equal(http_router_find(&r, "/v2.0/networks")->family, &fam_a);
    /* A prefix is a whole segment: "/v2.0x" is not under "/v2.0". */
    assert_ptr_equal(http_router_find(&r, "/v2.0x")->family, &root);
    assert_ptr_equal(http_router_find(&r, "/identity/v3")->family, &fam_b);
    /* A prefix ending in '/' covers only what is below it. */
    assert_ptr_equal(http_router_find(&r, "/agent/v1/report")->family, &fam_a);
    assert_ptr_equal(http_router_find(&r, "/agent")->family, &root);
    assert_ptr_equal(http_router_find(&r, "/nowhere")->family, &root);
    assert_ptr_equal(http_router_find(&r, "")->family, &root);
}

static void
test_find_without_fallback(void **state)
{
    struct http_router r = { .n_mounts = 0 };

    http_register_family(&r, "/v3", false, &fam_b);
    assert_null(http_router_find(&r, "/v2.0"));
    assert_null(http_router_find(&r, ""));
}

static void
test_dispatch_routes_and_args(void **state)
{
    struct http_router r = make_router();
    const char *prefix;

    assert_int_equal(dispatch(&r, "GET", "/", NULL), 200);
    assert_string_equal(seen.handler, "root_get");
    assert_int_equal(dispatch(&r, "GET", "/v2.0/items/abc", &prefix), 200);
    assert_string_equal(seen.handler, "item_show");
    assert_string_equal(seen.args[0], "abc");
    assert_string_equal(prefix, "");
    assert_int_equal(dispatch(&r, "PUT", "/identity/v3/projects/p/users/u/roles/r", &prefix),
                     200);
    assert_string_equal(seen.handler, "grant_put");
    assert_string_equal(seen.args[0], "p");
    assert_string_equal(seen.args[1], "u");
    assert_string_equal(seen.args[2], "r");
    assert_string_equal(prefix, "/identity");
    /* The stripped prefix's own root is a route of the family ("" after stripping). */
    assert_int_equal(dispatch(&r, "GET", "/identity", NULL), 200);
    assert_string_equal(seen.handler, "versions");
    /* Unstripped, the same family does not see "". */
    assert_int_equal(dispatch(&r, "GET", "/v3", NULL), 404);
}

static void
test_dispatch_errors_by_family(void **state)
{
    struct http_router r = make_router();

    assert_int_equal(dispatch(&r, "DELETE", "/v2.0/items/abc", NULL), 405);
    assert_string_equal(seen.error_family, "a");
    assert_int_equal(dispatch(&r, "GET", "/v2.0/items", NULL), 404);
    assert_string_equal(seen.error_family, "a");
    assert_int_equal(dispatch(&r, "GET", "/v3/projects/p/users/u/roles/r", NULL), 405);
    assert_string_equal(seen.error_family, "b");
    assert_int_equal(dispatch(&r, "GET", "/identity/nothing", NULL), 404);
    assert_string_equal(seen.error_family, "b");
    /* An empty segment matches no "*". */
    assert_int_equal(dispatch(&r, "GET", "/v2.0/items/", NULL), 404);
    assert_null(seen.handler);
}

static void
test_dispatch_fallback_handler(void **state)
{
    struct http_router r = make_router();

    assert_int_equal(dispatch(&r, "POST", "/files/a/b/c.js", NULL), 200);
    assert_string_equal(seen.handler, "serve_any");
    assert_int_equal(seen.error_status, 0);
}

static void
test_request_helpers(void **state)
{
    struct query_param params[] = { { (char *) "name", (char *) "n1" },
                                     { (char *) "name", (char *) "n2" },
                                     { (char *) "flag", (char *) "" } };
    struct request req;

    memset(&req, 0, sizeof req);
    req.params = params;
    req.n_params = 3;
    assert_string_equal(request_param(&req, "name"), "n1");
    assert_string_equal(request_param(&req, "flag"), "");
    assert_null(request_param(&req, "other"));
    for (int i = 0; i < REQUEST_MAX_HEADERS + 2; i++) {
        request_add_header(&req, "X-Test", "%d", i);
    }
    assert_int_equal(req.n_headers, REQUEST_MAX_HEADERS);
    assert_string_equal(req.headers[1].value, "1");
    for (size_t i = 0; i < req.n_headers; i++) {
        free(req.headers[i].value);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_longest_prefix),
        cmocka_unit_test(test_find_without_fallback),
        cmocka_unit_test(test_dispatch_routes_and_args),
        cmocka_unit_test(test_dispatch_errors_by_family),
        cmocka_unit_test(test_dispatch_fallback_handler),
        cmocka_unit_test(test_request_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
