/* libFuzzer target: query strings ("k=v&k=v", already URL-decoded as libmicrohttpd
 * hands them over) through the list-request parser of every resource. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "api/listing.h"
#include "request.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct resource_def *defs[] = { &network_def, &subnet_def, &port_def };
    struct query_param params[64];
    size_t n = 0;
    char *text = xstrndup((const char *) data, size);

    if (strlen(text) != size) {
        free(text);
        return 0;   /* NUL bytes never reach us from libmicrohttpd. */
    }
    for (char *save = NULL, *pair = strtok_r(text, "&", &save); pair && n < 64;
         pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '=');
        if (eq) {
            *eq = '\0';
        }
        params[n].key = pair;
        params[n].value = eq ? eq + 1 : (char *) "";
        n++;
    }
    for (size_t d = 0; d < 3; d++) {
        struct request req;
        struct list_request lr;

        memset(&req, 0, sizeof req);
        req.params = params;
        req.n_params = n;
        req.ctx.is_admin = d == 1;
        strcpy(req.ctx.project_id, "p");
        if (listing_parse(&req, defs[d], &lr) == 0) {
            listing_done(&lr);
        } else {
            json_t *body = json_loadb(req.response.data, req.response.len, 0, NULL);
            if (!json_object_get(body, "NeutronError") || req.status < 400 || req.status > 499) {
                abort();
            }
            json_decref(body);
        }
        buf_done(&req.response);
    }
    free(text);
    return 0;
}
