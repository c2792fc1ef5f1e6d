/* libFuzzer target: bodies of POST /v3/auth/tokens (and of the admin API's project and
 * user creates) through the built-in identity service, over a real SQLite store in a
 * temporary directory.  Whatever the input, the answer is a token (201 with
 * X-Subject-Token) or Keystone's error shape with a 4xx status — never a crash, a 5xx or
 * malformed JSON.  Hashing runs at libsodium's minimum cost so the parser gets the time. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_family.h"
#include "app.h"
#include "config.h"
#include "identity/identity.h"
#include "identity/keystone_api.h"
#include "identity/password.h"
#include "request.h"
#include "store/store.h"

static struct server_config cfg;
static struct app app;
static char admin_token[TOKEN_TEXT_LEN + 1];
static char dir[] = "/tmp/neutrino-fuzz-identity-XXXXXX";

/* Removes the temporary database when libFuzzer exits. */
static void
remove_dir(void)
{
    char cmd[96];

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {
        fprintf(stderr, "could not remove %s\n", dir);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct buf warnings = BUF_INITIALIZER, error = BUF_INITIALIZER, notice = BUF_INITIALIZER;
    char path[96], uid[IDENTITY_ID_LEN];
    struct id_project p;
    struct id_auth a;
    struct store_conn *c;

    password_use_minimum_cost();
    if (!mkdtemp(dir) || server_config_load(&cfg, NULL, 0, &warnings, &error)) {
        abort();
    }
    atexit(remove_dir);
    free(cfg.state_path);
    cfg.state_path = strdup(dir);
    cfg.admin_password = strdup("fuzz-admin");
    cfg.lockout_failure_attempts = 0;
    snprintf(path, sizeof path, "%s/db.sqlite", dir);
    app.cfg = &cfg;
    if (store_open(path, &app.store, &error)
        || identity_open(&cfg, app.store, &app.identity, &notice, &error)) {
        fprintf(stderr, "%s\n", buf_cstr(&error));
        abort();
    }
    c = store_conn(app.store);
    if (identity_check_password(app.identity, c, NULL, "admin", "fuzz-admin", uid)
        || store_id_project_get_by_name(c, "admin", &p)
        || identity_issue(app.identity, c, uid, p.id, "[\"password\"]", NULL, admin_token, &a)) {
        abort();
    }
    id_project_done(&p);
    buf_done(&warnings);
    buf_done(&error);
    buf_done(&notice);
    return 0;
}

static void
run(route_handler *handler, const char *path, const uint8_t *data, size_t size, bool admin)
{
    struct request req;
    json_t *body;

    memset(&req, 0, sizeof req);
    req.app = &app;
    req.method = "POST";
    req.path = (char *) path;
    req.base_url = (char *) "http://fuzz:9696";
    req.api_prefix = "/identity";
    req.auth_token = admin ? admin_token : NULL;
    buf_add(&req.body, data, size);
    handler(&req, NULL);
    body = json_loadb((const char *) req.response.data, req.response.len, 0, NULL);
    if (req.status == 201) {
        if (!body || json_object_size(body) != 1) {
            abort();
        }
    } else {
        json_t *err = json_object_get(body, "error");
        if (req.status < 400 || req.status > 499
            || json_integer_value(json_object_get(err, "code")) != req.status
            || !json_is_string(json_object_get(err, "message"))) {
            abort();
        }
    }
    json_decref(body);
    for (size_t i = 0; i < req.n_headers; i++) {
        free(req.headers[i].value);
    }
    buf_done(&req.body);
    buf_done(&req.response);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(ks_token_create, "/v3/auth/tokens", data, size, false);
    run(ks_project_create, "/v3/projects", data, size, true);
    run(ks_user_create, "/v3/users", data, size, true);
    return 0;
}
