/* libFuzzer target: a quota update's body (PUT /v2.0/quotas/{id}) through
 * quota_update_parse().  Whatever the input, the result is either an update whose
 * limits are within Neutron's range, each resource at most once, or an error of a 400
 * kind with a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/quota.h"
#include "http/errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_update(const struct quota_update *u)
{
    bool seen[QUOTA__COUNT] = { false };

    if (u->n > QUOTA__COUNT) {
        abort();
    }
    for (size_t i = 0; i < u->n; i++) {
        if ((int) u->res[i] < 0 || u->res[i] >= QUOTA__COUNT || seen[u->res[i]]
            || u->limit[i] < -1 || u->limit[i] > 2147483647) {
            abort();
        }
        seen[u->res[i]] = true;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct quota_update u;
    struct api_error err;

    memset(&err, 0, sizeof err);
    if (quota_update_parse((const char *) data, size, &u, &err) == 0) {
        check_update(&u);
    } else if (api_err_status(err.kind) != 400 || !err.message[0]) {
        abort();
    }
    return 0;
}
