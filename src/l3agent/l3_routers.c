/* See l3_routers.h. */
#include "l3_routers.h"

#include <stdio.h>

#include "agent_proto.h"
#include "util.h"

/* The model's verdict on one router alone: 0, or -1 with the reason. */
static int
router_check(const json_t *router, char *reason, size_t n)
{
    json_t *one = json_pack("{s:[O]}", AGENT_FIELD_ROUTERS, router);
    struct l3_model m;
    int r;

    l3_model_init(&m);
    r = l3_model_from_json(one, &m, reason, n);
    l3_model_done(&m);
    json_decref(one);
    return r;
}

static bool
has_gateway(const json_t *router)
{
    const json_t *gw = json_object_get(router, "gateway");

    return gw && !json_is_null(gw);
}

size_t
l3_routers_select(const json_t *routers, bool handle_internal_only_routers, json_t *hosted,
                  json_t *invalid, struct buf *problems)
{
    const json_t *r;
    size_t i, n_refused = 0;

    json_array_foreach (routers, i, r) {
        const char *id = json_string_value(json_object_get(r, "id"));
        char reason[512];
        if (router_check(r, reason, sizeof reason) || !id || !uuid_is_valid(id)) {
            if (id && uuid_is_valid(id)) {
                json_object_set_new(invalid, id, json_string(reason));
                buf_printf(problems, "router=%s refused: %s\n", id, reason);
            } else {
                buf_printf(problems, "router #%zu refused: %s\n", i,
                           id ? "its id is not a UUID" : reason);
            }
            n_refused++;
            continue;
        }
        if (!has_gateway(r) && !handle_internal_only_routers) {
            continue;
        }
        json_object_set(hosted, id, (json_t *) r);
    }
    return n_refused;
}

int
l3_routers_model(const json_t *hosted, struct l3_model *m, char *reason, size_t reason_size)
{
    json_t *doc = json_object(), *list = json_array(), *r;
    const char *id;
    int rc;

    json_object_foreach ((json_t *) hosted, id, r) {
        json_array_append(list, r);
    }
    json_object_set_new(doc, AGENT_FIELD_ROUTERS, list);
    rc = l3_model_from_json(doc, m, reason, reason_size);
    json_decref(doc);
    return rc;
}

size_t
l3_routers_changed(const json_t *changes, json_t *ids)
{
    const json_t *c;
    size_t i, n = 0;

    json_array_foreach (changes, i, c) {
        enum change_kind kind =
            change_kind_parse(json_string_value(json_object_get(c, AGENT_FIELD_KIND)));
        const char *id = json_string_value(json_object_get(c, AGENT_FIELD_ID));
        if ((kind == CHANGE_ROUTER_UPDATE || kind == CHANGE_ROUTER_DELETE) && id
            && uuid_is_valid(id) && !json_object_get(ids, id)) {
            json_object_set_new(ids, id, json_true());
            n++;
        }
    }
    return n;
}

void
l3_routers_counts(const json_t *hosted, json_t *configurations)
{
    json_int_t routers = 0, gateways = 0, interfaces = 0, floating_ips = 0;
    const char *id;
    json_t *r;

    json_object_foreach ((json_t *) hosted, id, r) {
        routers++;
        gateways += has_gateway(r);
        interfaces += (json_int_t) json_array_size(json_object_get(r, "interfaces"));
        floating_ips += (json_int_t) json_array_size(json_object_get(r, "floating_ips"));
    }
    json_object_set_new(configurations, "routers", json_integer(routers));
    json_object_set_new(configurations, "ex_gw_ports", json_integer(gateways));
    json_object_set_new(configurations, "interfaces", json_integer(interfaces));
    json_object_set_new(configurations, "floating_ips", json_integer(floating_ips));
}
