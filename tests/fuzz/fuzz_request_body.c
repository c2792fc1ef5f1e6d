/* libFuzzer target: request bodies through the attribute checks of every resource,
 * for create and update.  Whatever the input, the answer is either a parsed item list
 * or a well-formed NeutronError with a 4xx status. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/attrs.h"
#include "api/common.h"
#include "api/rbac.h"
#include "api/security_group.h"
#include "app.h"
#include "config.h"
#include "request.h"

/* The server's defaults: some checks read options (max_allowed_address_pair). */
static struct server_config cfg;
static struct app app;

static void
check_error_body(const struct request *req)
{
    json_t *body = json_loadb(req->response.data, req->response.len, 0, NULL);
    json_t *err = json_object_get(body, "NeutronError");

    if (req->status < 400 || req->status > 499 || !json_is_string(json_object_get(err, "type"))
        || !json_is_string(json_object_get(err, "message"))) {
        abort();
    }
    json_decref(body);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct buf warnings = BUF_INITIALIZER, error = BUF_INITIALIZER;

    (void) argc;
    (void) argv;
    if (server_config_load(&cfg, NULL, 0, &warnings, &error)) {
        abort();
    }
    app.cfg = &cfg;
    buf_done(&warnings);
    buf_done(&error);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct resource_def *defs[] = {
        &network_def, &subnet_def, &port_def, &security_group_def, &sg_rule_def,
        &router_def, &floatingip_def, &rbac_policy_def, &subnetpool_def, &address_scope_def,
        &address_group_def, &flavor_def, &service_profile_def,
    };

    for (size_t d = 0; d < sizeof defs / sizeof defs[0]; d++) {
        for (int create = 0; create < 2; create++) {
            struct request req;
            json_t *items = NULL;
            bool bulk;

            memset(&req, 0, sizeof req);
            req.app = &app;
            req.ctx.is_admin = true;
            strcpy(req.ctx.project_id, "p");
            buf_add(&req.body, data, size);
            if (attrs_parse_body(&req, defs[d], create, &items, &bulk) == 0) {
                if (json_array_size(items) == 0) {
                    abort();
                }
                json_decref(items);
            } else {
                check_error_body(&req);
            }
            buf_done(&req.body);
            buf_done(&req.response);
        }
    }
    return 0;
}
