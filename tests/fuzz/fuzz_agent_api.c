/* libFuzzer target: request bodies of the agent API (report, devices, devices/status,
 * and the DHCP agent's sync, network, ports and ready) over a real SQLite store with a network, a bound port and a registered agent.
 * Whatever the input, the answer is 200 with a JSON object, or a NeutronError with a
 * 4xx status — never a crash, a 5xx or malformed JSON. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentapi/agent_rpc.h"
#include "app.h"
#include "config.h"
#include "request.h"
#include "http/router.h"
#include "store/store.h"

static struct server_config cfg;
static struct app app;
static char dir[] = "/tmp/neutrino-fuzz-agentapi-XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
remove_dir(void)
{
    char cmd[96];

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {
        fprintf(stderr, "could not remove %s\n", dir);
    }
}

static int
run(route_handler *handler, const char *body, size_t size, bool check)
{
    struct request req;
    json_t *answer;
    int status;

    memset(&req, 0, sizeof req);
    req.app = &app;
    req.method = "POST";
    req.path = (char *) "/agent/v1/x";
    req.base_url = (char *) "http://fuzz";
    req.api_prefix = "";
    req.ctx.is_admin = true;
    buf_add(&req.body, body, size);
    handler(&req, NULL);
    answer = json_loadb((const char *) req.response.data, req.response.len, 0, NULL);
    status = req.status;
    if (check) {
        if (status == 200 ? !json_is_object(answer)
                          : (status < 400 || status > 499
                             || !json_object_get(answer, "NeutronError"))) {
            fprintf(stderr, "status %d: %.*s\n", status, (int) req.response.len,
                    (const char *) req.response.data);
            abort();
        }
    }
    json_decref(answer);
    buf_done(&req.body);
    buf_done(&req.response);
    return status;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct buf warnings = BUF_INITIALIZER, error = BUF_INITIALIZER;
    static const char report[] =
        "{\"agent\": {\"agent_type\": \"Linux bridge agent\", \"binary\": \"b\","
        " \"host\": \"h1\", \"configurations\": {\"tunneling_ip\": \"10.0.0.1\","
        " \"tunnel_types\": [\"vxlan\"]}}}";
    char path[96];

    if (!mkdtemp(dir) || server_config_load(&cfg, NULL, 0, &warnings, &error)) {
        abort();
    }
    atexit(remove_dir);
    free(cfg.mechanism_drivers);
    cfg.mechanism_drivers = strdup("linuxbridge");
    snprintf(path, sizeof path, "%s/db.sqlite", dir);
    app.cfg = &cfg;
    app.auth_mode = AUTH_NOAUTH;
    if (store_open(path, &app.store, &error)) {
        abort();
    }
    static const char dhcp_report[] =
        "{\"agent\": {\"agent_type\": \"DHCP agent\", \"binary\": \"b\","
        " \"host\": \"h1\", \"configurations\": {}}}";
    if (run(agent_rpc_report, report, sizeof report - 1, false) != 200
        || run(agent_rpc_report, dhcp_report, sizeof dhcp_report - 1, false) != 200) {
        abort();
    }
    buf_done(&warnings);
    buf_done(&error);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(agent_rpc_report, (const char *) data, size, true);
    run(agent_rpc_devices, (const char *) data, size, true);
    run(agent_rpc_device_status, (const char *) data, size, true);
    run(dhcp_rpc_sync, (const char *) data, size, true);
    run(dhcp_rpc_network, (const char *) data, size, true);
    run(dhcp_rpc_ports, (const char *) data, size, true);
    run(dhcp_rpc_ready, (const char *) data, size, true);
    return 0;
}
