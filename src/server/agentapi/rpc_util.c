/* What the agent API's handlers share; see rpc_util.h. */
#include "rpc_util.h"

#include <stdlib.h>
#include <string.h>

#include <errno.h>

#include "agent_proto.h"
#include "http/errors.h"
#include "app.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

int
rpc_check_caller(struct request *req)
{
    if (req->app->auth_mode == AUTH_NOAUTH || req->ctx.is_admin
        || (req->ctx.roles & ROLE_SERVICE)) {
        return 0;
    }
    return api_fail(req, API_ERR_HTTP_FORBIDDEN, "The agent API is for agents: it needs the"
                    " admin or service role.");
}

/* Parses the JSON object body; answers 400 and returns NULL if it is not one. */
json_t *
rpc_object_body(struct request *req)
{
    json_t *body = json_loadb(req->body.data ? (const char *) req->body.data : "",
                              req->body.len, 0, NULL);

    if (!json_is_object(body)) {
        json_decref(body);
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "The body must be a JSON object.");
        return NULL;
    }
    return body;
}

/* A host name: a non-empty string of at most 255 characters without NUL. */
const char *
rpc_host_value(const json_t *v)
{
    const char *s = json_string_value(v);

    return s && *s && json_string_length(v) <= 255 && strlen(s) == json_string_length(v) ? s
                                                                                      : NULL;
}

const char *
rpc_host_param(struct request *req)
{
    const char *h = request_param(req, AGENT_PARAM_HOST);

    if (!h || !*h || strlen(h) > 255) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Query parameter 'host' is required.");
        return NULL;
    }
    return h;
}

void
rpc_reply(struct request *req, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);

    req->status = status;
    buf_clear(&req->response);
    buf_add_str(&req->response, text);
    free(text);
    json_decref(body);
}


