/* neutrino-server: Neutron's v2.0 networking API and a Keystone v3 subset over SQLite.
 *
 * Reads the configuration (repeatable --config-file, as Neutron's programs do), opens
 * and migrates the database, builds ML2 from the [ml2] options, opens the built-in
 * identity service (or the client of an external Keystone), starts the HTTP workers
 * and the housekeeping timer, then waits for SIGTERM/SIGINT and tears down in reverse
 * order. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "api/port.h"
#include "core/housekeeping.h"
#include "families.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"
#include "identity/identity.h"
#include "identity/keystone_api.h"
#include "identity/keystone_client.h"
#include "log.h"
#include "ml2/ml2.h"
#include "store/store.h"
#include "util.h"
#include "workpool.h"

LOG_MODULE("server");

#define MAX_CONFIG_FILES 32

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: neutrino-server [--config-file FILE]... [--debug]\n"
            "Serves the Neutron v2.0 networking API.  Configuration files use Neutron's\n"
            "format and option names (neutron.conf, ml2_conf.ini); later files override\n"
            "earlier ones.\n");
}

/* Creates 'path' and its parents (mode 0750), like mkdir -p. */
static int
make_dirs(const char *path)
{
    char *copy = xstrdup(path);
    int r = 0;

    for (char *p = copy + 1; *p && !r; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(copy, 0750) && errno != EEXIST) {
                r = -errno;
            }
            *p = '/';
        }
    }
    if (!r && mkdir(copy, 0750) && errno != EEXIST) {
        r = -errno;
    }
    free(copy);
    return r;
}

static int
parse_args(int argc, char **argv, char **files, size_t *n_files, bool *debug)
{
    static const struct option options[] = {
        { "config-file", required_argument, NULL, 'c' },
        { "debug", no_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int opt;

    while ((opt = getopt_long(argc, argv, "c:dh", options, NULL)) != -1) {
        switch (opt) {
        case 'c':
            if (*n_files == MAX_CONFIG_FILES) {
                fprintf(stderr, "neutrino-server: too many --config-file options\n");
                return -E2BIG;
            }
            files[(*n_files)++] = optarg;
            break;
        case 'd':
            *debug = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        case 'V':
            printf("neutrino-server 0.1.0\n");
            exit(0);
        default:
            usage(stderr);
            return -EINVAL;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return -EINVAL;
    }
    return 0;
}

/* What other servers on the same database tell this one (store_watch()), and this
 * server's own commits to the change feed (store_on_feed_commit()). */
struct watch_targets {
    struct http_server *http;
    struct identity *identity;
};

static void
heard_changes(void *aux)
{
    http_server_wake(((struct watch_targets *) aux)->http);
}

static void
heard_identity(void *aux)
{
    identity_changed_elsewhere(((struct watch_targets *) aux)->identity);
}

static const struct store_watch_ops watch_ops = { heard_changes, heard_identity };

/* Which API family serves which paths.  The built-in identity API is only there when
 * it is on: with an external Keystone, /v3 and /identity are Neutron's 404s. */
static void
register_families(const struct app *app, struct http_router *router)
{
    http_register_family(router, "", false, &versions_family);
    http_register_family(router, "/v2.0", false, &network_api_family);
    http_register_family(router, "/agent/", false, &agent_api_family);
    if (app->identity) {
        http_register_family(router, "/v3", false, identity_api_family());
        http_register_family(router, "/identity", true, identity_api_family());
    }
    if (app->cfg->dashboard_enabled) {
        http_register_family(router, DASHBOARD_PREFIX, false, &dashboard_family);
    }
}

/* Threads hashing passwords: [identity] password_hash_workers, or one per CPU up to
 * four (each hash holds 64 MiB while it runs). */
static unsigned int
password_threads(const struct server_config *cfg)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    if (cfg->password_hash_workers > 0) {
        return (unsigned int) cfg->password_hash_workers;
    }
    return cpus < 1 ? 1 : cpus > 4 ? 4 : (unsigned int) cpus;
}

static unsigned int
worker_threads(const struct server_config *cfg)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    if (cfg->api_workers > 0) {
        return (unsigned int) cfg->api_workers;
    }
    return cpus > 0 ? (unsigned int) (2 * cpus) : 4;
}

int
main(int argc, char **argv)
{
    char *files[MAX_CONFIG_FILES];
    size_t n_files = 0;
    struct buf warnings = BUF_INITIALIZER, error = BUF_INITIALIZER;
    struct server_config cfg;
    struct app app = { .cfg = &cfg };
    struct http_router router = { .n_mounts = 0 };
    struct http_server *http = NULL;
    struct housekeeping *housekeeping = NULL;
    struct watch_targets targets;
    char *db_path = NULL;
    bool debug = false;
    sigset_t signals;
    int sig, status = 1;

    if (parse_args(argc, argv, files, &n_files, &debug)) {
        return 2;
    }
    if (server_config_load(&cfg, files, n_files, &warnings, &error)) {
        fprintf(stderr, "neutrino-server: %s\n", buf_cstr(&error));
        goto out_config;
    }
    log_set_level(debug || cfg.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
    log_warn_lines(buf_cstr(&warnings));
    if (mac_parse(cfg.base_mac, &app.base_mac)) {
        log_err("[DEFAULT] base_mac = '%s' is not a MAC address", cfg.base_mac);
        goto out_config;
    }
    app.ipam_random = STREQ(cfg.allocation_order, "random");
    app.port_device_profile = server_config_list_has(cfg.extension_drivers,
                                                     "port_device_profile");
    app.port_numa_affinity_policy = server_config_list_has(cfg.extension_drivers,
                                                           "port_numa_affinity_policy");
    if (ml2_create(&cfg, &app.ml2, &error)) {
        log_err("%s", buf_cstr(&error));
        goto out_config;
    }
    db_path = server_config_database(&cfg, &error);
    if (!db_path) {
        log_err("%s", buf_cstr(&error));
        goto out_ml2;
    }
    if (make_dirs(cfg.state_path) < 0) {
        log_warn("cannot create state_path %s: %s", cfg.state_path, strerror(errno));
    }
    for (int attempt = 1;; attempt++) {
        int r = store_open(db_path, &app.store, &error);
        if (!r) {
            break;
        }
        /* A database server that is not up yet is waited for, as oslo.db does. */
        if (r != -ENOTCONN || (cfg.db_max_retries >= 0 && attempt > cfg.db_max_retries)) {
            log_err("%s", buf_cstr(&error));
            goto out_ml2;
        }
        log_warn("%s; trying again in %d s", buf_cstr(&error), cfg.db_retry_interval);
        buf_clear(&error);
        sleep((unsigned int) cfg.db_retry_interval);
    }
    {
        struct buf what = BUF_INITIALIZER;
        store_describe(app.store, &what);
        log_info("database: %s, schema version %d", buf_cstr(&what),
                 store_schema_version(app.store));
        buf_done(&what);
    }
    if (server_config_external_keystone(&cfg)) {
        app.auth_mode = AUTH_EXTERNAL;
        if (keystone_client_create(&cfg, &app.keystone, &error)) {
            log_err("%s", buf_cstr(&error));
            goto out_store;
        }
        log_info("tokens are validated by the Keystone at %s; built-in identity is off",
                 cfg.ks_auth_url);
    } else {
        struct buf notice = BUF_INITIALIZER;
        app.auth_mode = STREQ(cfg.auth_strategy, "noauth") ? AUTH_NOAUTH : AUTH_BUILTIN;
        if (identity_open(&cfg, app.store, &app.identity, &notice, &error)) {
            log_err("%s", buf_cstr(&error));
            buf_done(&notice);
            goto out_store;
        }
        log_info("%s", buf_cstr(&notice));
        buf_done(&notice);
        app.workpool = workpool_create(password_threads(&cfg),
                                       (unsigned int) cfg.password_hash_queue);
        if (!app.workpool) {
            log_err("cannot start the password hashing threads");
            goto out_store;
        }
    }

    /* Block the stop signals before threads start so only sigwait() sees them. */
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    port_api_configure(&app);
    register_families(&app, &router);
    if (http_server_start(&app, &router, cfg.bind_host, cfg.bind_port, cfg.bind_unix_socket,
                          worker_threads(&cfg), &http, &error)) {
        log_err("%s", buf_cstr(&error));
        goto out_store;
    }
    targets = (struct watch_targets) { http, app.identity };
    store_on_feed_commit(app.store, heard_changes, &targets);
    log_info("neutrino-server listening on http://%s:%d (auth_strategy=%s, %u workers)",
             cfg.bind_host, http_server_port(http), cfg.auth_strategy, worker_threads(&cfg));
    if (store_watch(app.store, &watch_ops, &targets, &error)
        || housekeeping_start(&cfg, app.store, &app, &housekeeping, &error)) {
        log_err("%s", buf_cstr(&error));
        store_unwatch(app.store);
        workpool_stop(app.workpool);
        http_server_stop(http);
        goto out_store;
    }
    sigwait(&signals, &sig);
    log_info("signal %d: stopping", sig);
    housekeeping_stop(housekeeping);
    store_unwatch(app.store);
    /* Logins in hand finish and are answered, those queued get 503, before the HTTP
     * server stops (it must not stop with a connection parked for them). */
    workpool_stop(app.workpool);
    http_server_stop(http);
    status = 0;
out_store:
    workpool_destroy(app.workpool);
    identity_close(app.identity);
    keystone_client_destroy(app.keystone);
    store_close(app.store);
out_ml2:
    ml2_destroy(app.ml2);
out_config:
    free(db_path);
    server_config_done(&cfg);
    buf_done(&warnings);
    buf_done(&error);
    return status;
}
