/* fw-apply: drives the linux-bridge agent's firewall (src/agent/firewall.h) from
 * commands on standard input, for the real-kernel tests (tests/agent/test_firewall.py)
 * and the firewall bench.  One process keeps the firewall between commands, as the
 * agent does, so the state written by one apply is what the next one plans against.
 *
 *   fw-apply NETNS         (NETNS a name under /run/netns, or "-" for our own)
 *   apply MODEL.json       make the kernel match the model
 *   resync MODEL.json      the same, reading the kernel first
 *   plan MODEL.json        print what apply would change now (reading the kernel)
 * Each command answers one JSON line: {"ok": true, ...figures or the plan} or
 * {"ok": false, "error": "..."}. */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "firewall.h"
#include "netns.h"

static const char *const tool_names[FW_N_TOOLS] = { "iptables", "ip6tables", "ebtables" };

static json_t *
plan_json(const struct fw_plan *p)
{
    json_t *o = json_object(), *ct = json_array();

    for (int t = 0; t < FW_N_TOOLS; t++) {
        json_object_set_new(o, tool_names[t], json_string(buf_cstr((struct buf *) &p->restore[t])));
    }
    json_object_set_new(o, "ipset_pre", json_string(buf_cstr((struct buf *) &p->ipset_pre)));
    json_object_set_new(o, "ipset_post", json_string(buf_cstr((struct buf *) &p->ipset_post)));
    for (size_t i = 0; i < p->n_ct; i++) {
        json_array_append_new(ct, json_pack("{si si ss ss ss}", "family", p->ct[i].family,
                                            "zone", p->ct[i].zone, "proto", p->ct[i].proto,
                                            "src", p->ct[i].src, "dst", p->ct[i].dst));
    }
    json_object_set_new(o, "ct", ct);
    json_object_set_new(o, "empty", json_boolean(fw_plan_empty(p)));
    return o;
}

static json_t *
stats_json(const struct firewall_stats *st)
{
    return json_pack("{sb sb sb sf sf sf si si si si}", "ok", 1, "read_kernel", st->read_kernel,
                     "changed", st->changed, "read_ms", st->read_ms, "plan_ms", st->plan_ms,
                     "apply_ms", st->apply_ms, "chains_written", (int) st->chains_written,
                     "lines_changed", (int) st->lines_changed, "ct_deletes",
                     (int) st->ct_deletes, "ct_deleted", (int) st->ct_deleted);
}

static json_t *
command(struct firewall *fw, const char *verb, const char *path)
{
    char reason[512];
    json_error_t jerr;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr), *answer = NULL;
    struct fw_model m;

    fw_model_init(&m);
    if (!j) {
        snprintf(reason, sizeof reason, "%.300s: %.160s", path, jerr.text);
        goto fail;
    }
    if (fw_model_from_json(j, &m, reason, sizeof reason)) {
        goto fail;
    }
    if (!strcmp(verb, "plan")) {
        struct fw_plan p;
        fw_plan_init(&p);
        if (!firewall_plan(fw, &m, &p, reason, sizeof reason)) {
            answer = plan_json(&p);
            json_object_set_new(answer, "ok", json_true());
        }
        fw_plan_done(&p);
    } else if (!strcmp(verb, "apply") || !strcmp(verb, "resync")) {
        struct firewall_stats st;
        if (!firewall_apply(fw, &m, strcmp(verb, "resync") ? 0 : FIREWALL_RESYNC, &st, reason,
                            sizeof reason)) {
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
    fw_model_done(&m);
    return answer;
}

int
main(int argc, char **argv)
{
    struct firewall fw;
    char line[4096];
    int netns_fd = -1;

    if (argc != 2) {
        fprintf(stderr, "usage: fw-apply NETNS|- < commands\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (strcmp(argv[1], "-")) {
        netns_fd = netns_open(argv[1]);
        if (netns_fd < 0) {
            fprintf(stderr, "fw-apply: namespace %s: %s\n", argv[1], strerror(-netns_fd));
            return 1;
        }
    }
    firewall_init(&fw, netns_fd);
    while (fgets(line, sizeof line, stdin)) {
        char verb[16], path[4000];
        if (sscanf(line, "%15s %3999s", verb, path) != 2) {
            continue;
        }
        json_t *answer = command(&fw, verb, path);
        char *text = json_dumps(answer, JSON_COMPACT);
        printf("%s\n", text);
        fflush(stdout);
        free(text);
        json_decref(answer);
    }
    firewall_done(&fw);
    if (netns_fd >= 0) {
        close(netns_fd);
    }
    return 0;
}
