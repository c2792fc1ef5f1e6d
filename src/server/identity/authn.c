/* Network API authentication (see authn.h). */
#include <stdbool.h>

#include "authn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "identity.h"
#include "keystone_client.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

/* Neutron's noauth: without a project the caller is an admin of "fake_project_id";
 * with one, roles come from X-Roles. */
static void
noauth_context(struct request *req)
{
    struct context *ctx = &req->ctx;

    if (!req->noauth_project_id || !*req->noauth_project_id) {
        snprintf(ctx->project_id, sizeof ctx->project_id, "fake_project_id");
        context_add_role(ctx, "admin", 5);
    } else {
        snprintf(ctx->project_id, sizeof ctx->project_id, "%s", req->noauth_project_id);
        for (const char *p = req->noauth_roles; p && *p;) {
            size_t len = strcspn(p, ",");
            const char *name = p;
            size_t n = len;
            while (n && *name == ' ') {
                name++, n--;
            }
            while (n && name[n - 1] == ' ') {
                n--;
            }
            context_add_role(ctx, name, n);
            p += len + (p[len] == ',');
        }
    }
    snprintf(ctx->user_id, sizeof ctx->user_id, "%s",
             req->noauth_user_id ? req->noauth_user_id : "");
}

static int
unauthorized(struct request *req)
{
    const struct server_config *cfg = req->app->cfg;

    req->status = 401;
    buf_clear(&req->response);
    buf_add_str(&req->response, "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\","
                                " \"message\": \"The request you have made requires"
                                " authentication.\"}}");
    if (cfg->ks_www_authenticate_uri && *cfg->ks_www_authenticate_uri) {
        request_add_header(req, "WWW-Authenticate", "Keystone uri=\"%s\"",
                           cfg->ks_www_authenticate_uri);
    } else if (cfg->public_endpoint && *cfg->public_endpoint) {
        request_add_header(req, "WWW-Authenticate", "Keystone uri=\"%s/identity/v3\"",
                           cfg->public_endpoint);
    } else {
        request_add_header(req, "WWW-Authenticate", "Keystone uri=\"%s/identity/v3\"",
                           req->base_url);
    }
    return -1;
}

static int
unavailable(struct request *req)
{
    req->status = 503;
    buf_clear(&req->response);
    buf_add_str(&req->response, "{\"error\": {\"code\": 503, \"title\": \"Service Unavailable\","
                                " \"message\": \"The identity service cannot be reached to"
                                " validate the token.\"}}");
    return -1;
}

int
authn_request(struct request *req)
{
    struct app *app = req->app;
    int r;

    memset(&req->ctx, 0, sizeof req->ctx);
    req->ctx.new_defaults = app->cfg->enforce_new_defaults;
    switch (app->auth_mode) {
    case AUTH_NOAUTH:
        noauth_context(req);
        return 0;
    case AUTH_BUILTIN: {
        struct store_conn *c = store_conn(app->store);
        if (!c) {
            return unavailable(req);
        }
        r = identity_authenticate(app->identity, c, req->auth_token, &req->ctx);
        break;
    }
    case AUTH_EXTERNAL:
        r = keystone_client_validate(app->keystone, req->auth_token, &req->ctx);
        break;
    default:
        r = -EACCES;
    }
    req->ctx.new_defaults = app->cfg->enforce_new_defaults;
    if (r == -EACCES) {
        return unauthorized(req);
    }
    return r ? unavailable(req) : 0;
}
