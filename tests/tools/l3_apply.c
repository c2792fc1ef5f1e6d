/* l3-apply: drives the L3 agent's engine (src/l3agent/l3.h) from commands on standard
 * input, for the real-kernel tests (tests/agent/test_l3_dataplane.py).
 *
 *   l3-apply NODE_NETNS NS_PREFIX   (NODE_NETNS a name under /run/netns, or "-" for our
 *                                    own; NS_PREFIX the routers' namespace prefix)
 *   apply MODEL.json [IDS] make the kernel match the model
 *   plan MODEL.json [IDS]  print what apply would do now
 * IDS, a comma-separated list of router ids, limits the command to those routers.
 * Each command answers one JSON line: {"ok": true, ...figures or the plan's actions} or
 * {"ok": false, "error": "..."}. */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "l3.h"
#include "netns.h"

static json_t *
plan_json(const struct l3_plan *p)
{
    json_t *actions = json_array();

    for (size_t i = 0; i < p->n_actions; i++) {
        struct buf b = BUF_INITIALIZER;
        l3_action_format(&p->actions[i], &b);
        json_array_append_new(actions, json_string(buf_cstr(&b)));
        if (p->actions[i].text) {
            json_array_append_new(actions, json_string(p->actions[i].text));
        }
        buf_done(&b);
    }
    return json_pack("{sb so sb si}", "ok", 1, "actions", actions, "empty", l3_plan_empty(p),
                     "unroutable", (int) p->n_unroutable);
}

static json_t *
stats_json(const struct l3_stats *st)
{
    json_t *kinds = json_object();

    for (int k = 0; k < L3_N_ACTIONS; k++) {
        if (st->by_kind[k]) {
            json_object_set_new(kinds, l3_action_name(k), json_integer((int) st->by_kind[k]));
        }
    }
    return json_pack("{sb sb si so si sf sf sf}", "ok", 1, "changed", st->changed, "actions",
                     (int) st->n_actions, "kinds", kinds, "unroutable", (int) st->n_unroutable,
                     "read_ms", st->read_ms, "plan_ms", st->plan_ms, "apply_ms", st->apply_ms);
}

/* The scope of the comma-separated router ids in 'ids' ("" : NULL, all); 'ids' is cut
 * into them. */
static const struct l3_scope *
scope_parse(char *ids, struct l3_scope *scope, const char **v, size_t max)
{
    if (!*ids) {
        return NULL;
    }
    scope->ids = v;
    scope->n_ids = 0;
    for (char *save = NULL, *id = strtok_r(ids, ",", &save); id && scope->n_ids < max;
         id = strtok_r(NULL, ",", &save)) {
        v[scope->n_ids++] = id;
    }
    return scope;
}

static json_t *
command(struct l3_engine *e, const char *verb, const char *path, const struct l3_scope *scope)
{
    char reason[1024];
    json_error_t jerr;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr), *answer = NULL;
    struct l3_model m;

    l3_model_init(&m);
    if (!j) {
        snprintf(reason, sizeof reason, "%.300s: %.160s", path, jerr.text);
        goto fail;
    }
    if (l3_model_from_json(j, &m, reason, sizeof reason)) {
        goto fail;
    }
    if (!strcmp(verb, "plan")) {
        struct l3_plan p;
        l3_plan_init(&p);
        if (!l3_plan(e, &m, scope, &p, reason, sizeof reason)) {
            answer = plan_json(&p);
        }
        l3_plan_done(&p);
    } else if (!strcmp(verb, "apply")) {
        struct l3_stats st;
        if (!l3_apply(e, &m, scope, &st, reason, sizeof reason)) {
            answer = stats_json(&st);
        }
    } else {
        snprintf(reason, sizeof reason, "unknown command %s", verb);
    }
    if (answer) {
        goto done;
    }
fail:
    answer = json_pack("{sb ss}", "ok", 0, "error", reason);
done:
    json_decref(j);
    l3_model_done(&m);
    return answer;
}

int
main(int argc, char **argv)
{
    struct l3_engine e;
    char line[4096];
    int netns_fd = -1;

    if (argc != 3) {
        fprintf(stderr, "usage: l3-apply NODE_NETNS|- NS_PREFIX < commands\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (strcmp(argv[1], "-")) {
        netns_fd = netns_open(argv[1]);
        if (netns_fd < 0) {
            fprintf(stderr, "l3-apply: namespace %s: %s\n", argv[1], strerror(-netns_fd));
            return 1;
        }
    }
    l3_engine_init(&e, netns_fd, argv[2]);
    while (fgets(line, sizeof line, stdin)) {
        char verb[16], path[2000], ids[2000] = "";
        const char *v[64];
        struct l3_scope scope;
        if (sscanf(line, "%15s %1999s %1999s", verb, path, ids) < 2) {
            continue;
        }
        json_t *answer = command(&e, verb, path, scope_parse(ids, &scope, v, 64));
        char *text = json_dumps(answer, JSON_COMPACT);
        printf("%s\n", text);
        fflush(stdout);
        free(text);
        json_decref(answer);
    }
    if (netns_fd >= 0) {
        close(netns_fd);
    }
    return 0;
}
