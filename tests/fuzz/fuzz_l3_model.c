/* libFuzzer target: the L3 agent's model (src/l3agent/l3_model.c) read from JSON and
 * planned against an empty node and against itself (src/l3agent/l3_plan.c), and the
 * input read as iptables-save output (l3_rules_ours); an accepted HA router's keepalived
 * configuration written (keepalived.c).  Whatever the input: no crash, no leak, a model
 * that was accepted is fully planned, every rule line and the restore input stay one
 * line per rule, and nothing from the model opens or closes a keepalived block. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keepalived.h"
#include "l3_plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
plan_against_empty(const struct l3_model *m)
{
    struct l3_state have;
    struct l3_plan p;

    l3_state_init(&have);
    l3_plan_init(&p);
    l3_plan_make(m, &have, L3_NS_PREFIX, NULL, &p);
    for (size_t i = 0; i < p.n_actions; i++) {
        struct buf b = BUF_INITIALIZER;
        l3_action_format(&p.actions[i], &b);
        if (strchr(buf_cstr(&b), '\n') || (p.actions[i].text && strstr(p.actions[i].text,
                                                                           "\n\n"))) {
            abort();
        }
        buf_done(&b);
    }
    l3_plan_done(&p);
    l3_state_done(&have);
}

/* Every HA router's keepalived.conf has as many '{' as '}', one per block we open. */
static void
keepalived_configs(const struct l3_model *m)
{
    static const struct keepalived_options o = { "/usr/sbin/keepalived", "/nonexistent", 2,
                                                 "PASS", "pw" };

    for (size_t i = 0; i < m->n_routers; i++) {
        struct buf b = BUF_INITIALIZER;
        size_t open = 0, close = 0;
        if (!m->routers[i].ha) {
            continue;
        }
        keepalived_config(&m->routers[i], &o, &b);
        for (const char *c = buf_cstr(&b); *c; c++) {
            open += *c == '{';
            close += *c == '}';
        }
        if (open != close || open > 8) {
            abort();
        }
        buf_done(&b);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct buf ours = BUF_INITIALIZER;
    json_t *j = json_loadb((const char *) data, size, JSON_REJECT_DUPLICATES, NULL);
    struct l3_model m;
    char reason[256];

    memcpy(text, data, size);
    text[size] = '\0';
    l3_rules_ours(text, &ours);
    buf_done(&ours);
    free(text);
    l3_model_init(&m);
    if (j && l3_model_from_json(j, &m, reason, sizeof reason) == 0) {
        plan_against_empty(&m);
        keepalived_configs(&m);
    }
    l3_model_done(&m);
    json_decref(j);
    return 0;
}
