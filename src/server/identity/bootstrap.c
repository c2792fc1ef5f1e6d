/* First start of the built-in identity service: the default roles, projects and users,
 * and a clouds.yaml holding their passwords so that `openstack --os-cloud
 * neutrino-demo …` works at once.  Later starts only load what bootstrap made and, if
 * neutron.conf names passwords, make the stored ones match. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "identity_internal.h"
#include "log.h"
#include "password.h"
#include "util.h"

LOG_MODULE("identity");

enum { GENERATED_PASSWORD_LEN = 24 };

static const char *const builtin_role_names[BUILTIN__COUNT] = {
    "admin", "member", "reader", "service",
};

/* The accounts bootstrap makes, each with its project and one role. */
struct account {
    const char *name;               /* User name; clouds.yaml names the cloud after it. */
    const char *project;
    const char *role;
    const char *description;        /* Of the project. */
    const char *configured;         /* Password from neutron.conf, or NULL. */
    char password[PASSWORD_MAX_LEN + 1];
    char hash[PASSWORD_HASH_MAX];
    char project_id[IDENTITY_ID_LEN];
    char user_id[IDENTITY_ID_LEN];
};

/* The URL clients reach this server at, for clouds.yaml. */
static char *
public_base(const struct server_config *cfg)
{
    const char *host = cfg->bind_host;

    if (cfg->public_endpoint && *cfg->public_endpoint) {
        size_t n = strlen(cfg->public_endpoint);
        while (n && cfg->public_endpoint[n - 1] == '/') {
            n--;
        }
        return xstrndup(cfg->public_endpoint, n);
    }
    if (STREQ(host, "0.0.0.0") || STREQ(host, "")) {
        host = "127.0.0.1";
    } else if (STREQ(host, "::")) {
        host = "::1";
    }
    return strchr(host, ':') ? xasprintf("http://[%s]:%d", host, cfg->bind_port)
                             : xasprintf("http://%s:%d", host, cfg->bind_port);
}

char *
identity_clouds_yaml_path(const struct server_config *cfg)
{
    if (cfg->clouds_yaml && *cfg->clouds_yaml) {
        return xstrdup(cfg->clouds_yaml);
    }
    return xasprintf("%s/clouds.yaml", cfg->state_path);
}

/* Writes YAML's double-quoted form of 's' (passwords are URL-safe base64 when we make
 * them, but an operator's may hold anything). */
static void
yaml_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            fprintf(f, "\\%c", *s);
        } else if ((unsigned char) *s < 0x20) {
            fprintf(f, "\\x%02x", (unsigned char) *s);
        } else {
            fputc(*s, f);
        }
    }
    fputc('"', f);
}

/* Writes clouds.yaml into 'tmp' (mode 0600), to be renamed into place.  'tmp' is made
 * afresh: a file left there (by a start that died, or by someone else) would keep its
 * own mode and owner through O_TRUNC and the rename. */
static int
write_clouds_yaml(const struct server_config *cfg, const char *tmp, const struct account *acc,
                  size_t n, struct buf *error)
{
    char *base = public_base(cfg);
    int fd = unlink(tmp) && errno != ENOENT
        ? -1 : open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int r = 0;

    if (!f) {
        buf_printf(error, "cannot write %s: %s", tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        free(base);
        return -errno;
    }
    fprintf(f, "# Written by neutrino-server at its first start.  It holds passwords: keep it\n"
               "# private.  Use: OS_CLIENT_CONFIG_FILE=<this file> openstack --os-cloud"
               " neutrino-demo network list\n"
               "clouds:\n");
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "  %s%s:\n"
                   "    auth:\n"
                   "      auth_url: %s/identity/v3\n"
                   "      username: %s\n"
                   "      password: ", str_startswith(acc[i].name, "neutrino-") ? "" : "neutrino-",
                acc[i].name, base, acc[i].name);
        yaml_quoted(f, acc[i].password);
        fprintf(f, "\n"
                   "      project_name: %s\n"
                   "      user_domain_name: Default\n"
                   "      project_domain_name: Default\n"
                   "    region_name: %s\n"
                   "    interface: public\n"
                   "    identity_api_version: 3\n", acc[i].project, cfg->region_name);
    }
    if (fflush(f) || fsync(fileno(f))) {
        buf_printf(error, "cannot write %s: %s", tmp, strerror(errno));
        r = -EIO;
    }
    fclose(f);
    free(base);
    return r;
}

static int
make_role(struct store_conn *c, const char *name, char ret_id[IDENTITY_ID_LEN])
{
    struct id_role role = { .name = (char *) name };

    identity_new_id(role.id);
    memcpy(ret_id, role.id, IDENTITY_ID_LEN);
    return store_id_role_insert(c, &role);
}

static int
bootstrap(struct identity *id, struct store_conn *c, const char *clouds, struct buf *error)
{
    const struct server_config *cfg = id->cfg;
    struct account acc[] = {
        { .name = "admin", .project = "admin", .role = "admin",
          .description = "Bootstrap project for initializing the cloud.",
          .configured = cfg->admin_password },
        { .name = "demo", .project = "demo", .role = "member", .description = "",
          .configured = cfg->demo_password },
        /* The agents' credential: the service role reaches the agent API only. */
        { .name = "neutrino-agent", .project = "service", .role = "service",
          .description = "Service accounts.", .configured = cfg->agent_password },
    };
    char *tmp = xasprintf("%s.tmp", clouds);
    int r;

    for (size_t i = 0; i < ARRAY_SIZE(acc); i++) {
        if (acc[i].configured && *acc[i].configured) {
            snprintf(acc[i].password, sizeof acc[i].password, "%s", acc[i].configured);
        } else {
            random_token_text(acc[i].password, GENERATED_PASSWORD_LEN);
        }
        if (password_hash(acc[i].password, acc[i].hash)) {
            free(tmp);
            buf_printf(error, "cannot hash a password");
            return -ENOMEM;
        }
    }
    identity_new_id(id->install_id);
    r = store_begin(c);
    if (r) {
        goto out;
    }
    {
        /* Another server on the same database may have bootstrapped since we looked;
         * now that we hold the write lock, look again. */
        char *other = NULL;
        r = store_id_meta_get(c, "install_id", &other);
        free(other);
        if (r != -ENOENT) {
            store_rollback(c);
            r = r ? r : -EALREADY;
            goto out;
        }
    }
    r = store_id_meta_set(c, "install_id", id->install_id);
    for (int i = 0; i < BUILTIN__COUNT && !r; i++) {
        r = make_role(c, builtin_role_names[i], id->role_ids[i]);
    }
    for (size_t i = 0; i < ARRAY_SIZE(acc) && !r; i++) {
        struct id_project p = { .name = (char *) acc[i].project,
                                .description = (char *) acc[i].description, .enabled = true };
        struct id_user u = { .name = (char *) acc[i].name, .password_hash = acc[i].hash,
                             .enabled = true };
        identity_new_id(p.id);
        identity_new_id(u.id);
        /* The demo user logs in to its project without naming it; admin names one. */
        u.default_project_id = STREQ(acc[i].name, "demo") ? p.id : NULL;
        r = store_id_project_insert(c, &p);
        r = r ? r : store_id_user_insert(c, &u);
        for (int k = 0; k < BUILTIN__COUNT && !r; k++) {
            if (STREQ(acc[i].role, builtin_role_names[k])) {
                r = store_id_grant(c, p.id, u.id, id->role_ids[k]);
            }
        }
    }
    if (!r) {
        r = write_clouds_yaml(cfg, tmp, acc, ARRAY_SIZE(acc), error);
    }
    if (r) {
        store_rollback(c);
        unlink(tmp);
        goto out;
    }
    r = store_commit(c);
    if (r) {
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, clouds)) {
        buf_printf(error, "cannot rename %s to %s: %s", tmp, clouds, strerror(errno));
        r = -errno;
        goto out;
    }
    log_info("identity bootstrapped: projects admin, demo and service; users admin, demo"
             " and neutrino-agent");
out:
    if (r && r != -EALREADY && !error->len) {
        buf_printf(error, "identity bootstrap failed: %s", strerror(-r));
    }
    sodium_memzero(acc, sizeof acc);
    free(tmp);
    return r;
}

/* Makes the stored password of 'name' match the configured one. */
static int
sync_password(struct identity *id, struct store_conn *c, const char *name, const char *password)
{
    char hash[PASSWORD_HASH_MAX];
    struct id_user u;
    int r;

    if (!password || !*password) {
        return 0;
    }
    r = store_id_user_get_by_name(c, name, &u);
    if (r) {
        return r == -ENOENT ? 0 : r;   /* An operator may have deleted it. */
    }
    if (u.password_hash && password_verify(u.password_hash, password)) {
        id_user_done(&u);
        return 0;
    }
    r = password_hash(password, hash) ? -ENOMEM : store_begin(c);
    if (!r) {
        free(u.password_hash);
        u.password_hash = xstrdup(hash);
        r = store_id_user_update(c, &u);
        r = r ? r : store_id_token_delete_user(c, u.id);
        r = store_end(c, r);
    }
    if (!r) {
        log_info("password of user %s set from the configuration", name);
    }
    id_user_done(&u);
    return r;
}

/* Loads the ids bootstrap made; recreates a built-in role an operator deleted. */
static int
load(struct identity *id, struct store_conn *c, char *install_id)
{
    int r = 0;

    snprintf(id->install_id, sizeof id->install_id, "%s", install_id);
    for (int i = 0; i < BUILTIN__COUNT && !r; i++) {
        struct id_role role;
        r = store_id_role_get_by_name(c, builtin_role_names[i], &role);
        if (!r) {
            memcpy(id->role_ids[i], role.id, IDENTITY_ID_LEN);
            id_role_done(&role);
        } else if (r == -ENOENT) {
            r = store_begin(c);
            r = r ? r : make_role(c, builtin_role_names[i], id->role_ids[i]);
            r = store_end(c, r);
        }
    }
    r = r ? r : sync_password(id, c, "admin", id->cfg->admin_password);
    r = r ? r : sync_password(id, c, "neutrino-agent", id->cfg->agent_password);
    return r ? r : sync_password(id, c, "demo", id->cfg->demo_password);
}

/* The operator's own passwords for the bootstrap accounts are taken even when they
 * miss [security_compliance] password_regex (refusing them could leave no way in);
 * the operator is told.  Generated ones are random and long, and not checked. */
static void
warn_configured_passwords(const struct identity *id)
{
    const struct {
        const char *option, *value;
    } configured[] = {
        { "admin_password", id->cfg->admin_password },
        { "demo_password", id->cfg->demo_password },
        { "agent_password", id->cfg->agent_password },
    };

    for (size_t i = 0; i < ARRAY_SIZE(configured); i++) {
        if (configured[i].value && *configured[i].value
            && identity_password_refusal(id, configured[i].value)) {
            log_warn("[identity] %s does not match [security_compliance] password_regex;"
                     " using it all the same", configured[i].option);
        }
    }
}

int
identity_open(const struct server_config *cfg, struct store *store, struct identity **ret,
              struct buf *notice, struct buf *error)
{
    struct store_conn *c = store_conn(store);
    char *clouds = identity_clouds_yaml_path(cfg);
    char *install_id = NULL;
    struct identity *id;
    int r;

    if (password_init()) {
        buf_printf(error, "cannot initialise libsodium");
        free(clouds);
        return -EIO;
    }
    if (!c) {
        buf_printf(error, "cannot open the database");
        free(clouds);
        return -EIO;
    }
    id = identity_alloc(cfg, store);
    r = identity_password_policy_init(id, error);
    if (r) {
        identity_close(id);
        free(clouds);
        return r;
    }
    warn_configured_passwords(id);
    r = store_id_meta_get(c, "install_id", &install_id);
    if (r == -ENOENT) {
        r = bootstrap(id, c, clouds, error);
        if (!r) {
            buf_printf(notice, "identity: first start; passwords of users admin, demo and"
                               " neutrino-agent are in %s (clouds neutrino-admin,"
                               " neutrino-demo, neutrino-agent)", clouds);
        } else if (r == -EALREADY) {
            /* Another server bootstrapped the shared database meanwhile: its
             * clouds.yaml has the generated passwords. */
            r = store_id_meta_get(c, "install_id", &install_id);
        }
    }
    if (!r && install_id) {
        r = load(id, c, install_id);
        if (!r) {
            buf_printf(notice, "identity: clouds.yaml for users admin and demo: %s", clouds);
        }
    }
    free(install_id);
    free(clouds);
    if (r) {
        if (!error->len) {
            buf_printf(error, "identity: %s", strerror(-r));
        }
        identity_close(id);
        return r;
    }
    *ret = id;
    return 0;
}
