/* Unit tests for src/lib/conf.c and the server's option table (src/server/config.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

/* Writes 'text' to a new temporary file; returns its path (free() it). */
static char *
write_temp(const char *text)
{
    char *path = strdup("/tmp/neutrino-test-conf-XXXXXX");
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
    close(fd);
    return path;
}

static int
load(const char *a, const char *b, struct server_config *cfg, struct buf *warnings,
     struct buf *error)
{
    char *files[2] = { write_temp(a), b ? write_temp(b) : NULL };
    int r = server_config_load(cfg, files, b ? 2 : 1, warnings, error);

    for (int i = 0; i < 2; i++) {
        if (files[i]) {
            unlink(files[i]);
            free(files[i]);
        }
    }
    return r;
}

static void
conf_defaults_are_neutrons(void **state)
{
    struct buf w = BUF_INITIALIZER, e = BUF_INITIALIZER;
    struct server_config cfg;

    assert_int_equal(load("[DEFAULT]\n", NULL, &cfg, &w, &e), 0);
    assert_int_equal(cfg.bind_port, 9696);
    assert_string_equal(cfg.base_mac, "fa:16:3e:00:00:00");
    assert_string_equal(cfg.tenant_network_types, "local");
    assert_int_equal(cfg.global_physnet_mtu, 1500);
    server_config_done(&cfg);
    buf_done(&w);
    buf_done(&e);
}

static void
conf_router_scheduler_is_least_routers(void **state)
{
    struct buf w = BUF_INITIALIZER, e = BUF_INITIALIZER;
    struct server_config cfg;

    assert_int_equal(load("[DEFAULT]\n", NULL, &cfg, &w, &e), 0);
    assert_true(cfg.router_auto_schedule);
    assert_false(cfg.allow_automatic_l3agent_failover);
    server_config_done(&cfg);
    assert_int_equal(load("[DEFAULT]\nrouter_scheduler_driver = neutron.scheduler."
                          "l3_agent_scheduler.LeastRoutersScheduler\n", NULL, &cfg, &w, &e), 0);
    server_config_done(&cfg);
    assert_int_equal(load("[DEFAULT]\nrouter_scheduler_driver = neutron.scheduler."
                          "l3_agent_scheduler.ChanceScheduler\n", NULL, &cfg, &w, &e), -EINVAL);
    assert_non_null(strstr(buf_cstr(&e), "only neutron.scheduler.l3_agent_scheduler."
                                         "LeastRoutersScheduler and"));
    server_config_done(&cfg);
    buf_done(&w);
    buf_done(&e);
}

/* The zone-aware schedulers are chosen by Neutron's names; the defaults are not. */
static void
conf_scheduler_drivers_and_zones(void **state)
{
    struct buf w = BUF_INITIALIZER, e = BUF_INITIALIZER;
    struct server_config cfg;

    assert_int_equal(load("[DEFAULT]\n", NULL, &cfg, &w, &e), 0);
    assert_false(cfg.router_scheduler_az);
    assert_false(cfg.network_scheduler_az);
    assert_string_equal(cfg.default_availability_zones, "");
    server_config_done(&cfg);
    assert_int_equal(load("[DEFAULT]\nrouter_scheduler_driver = neutron.scheduler."
                          "l3_agent_scheduler.AZLeastRoutersScheduler\n"
                          "network_scheduler_driver = neutron.scheduler."
                          "dhcp_agent_scheduler.AZAwareWeightScheduler\n"
                          "default_availability_zones = az1, az2\n", NULL, &cfg, &w, &e), 0);
    assert_true(cfg.router_scheduler_az);
    assert_true(cfg.network_scheduler_az);
    assert_string_equal(cfg.default_availability_zones, "az1, az2");
    server_config_done(&cfg);
    assert_int_equal(load("[DEFAULT]\nnetwork_scheduler_driver = neutron.scheduler."
                          "dhcp_agent_scheduler.ChanceScheduler\n", NULL, &cfg, &w, &e), -EINVAL);
    assert_non_null(strstr(buf_cstr(&e), "network_scheduler_driver = 'neutron.scheduler."
                                         "dhcp_agent_scheduler.ChanceScheduler'"));
    server_config_done(&cfg);
    buf_done(&w);
    buf_done(&e);
}

static void
conf_later_file_overrides(void **state)
{
    struct buf w = BUF_INITIALIZER, e = BUF_INITIALIZER;
    struct server_config cfg;

    assert_int_equal(load("[DEFAULT]\nbind_port = 1000\n", "[DEFAULT]\nbind_port = 2000\n",
                          &cfg, &w, &e), 0);
    assert_int_equal(cfg.bind_port, 2000);
    server_config_done(&cfg);
    buf_done(&w);
    buf_done(&e);
}

static void
conf_unknown_option_warns_with_line(void **state)
{
    struct buf w = BUF_INITIALIZER, e = BUF_INITIALIZER;
    struct server_config cfg;

    assert_int_equal(load("[DEFAULT]\n\ntransport_url = fake:/\n", NULL, &cfg, &w, &e), 0);
    assert_non_null(strstr(buf_cstr(&w), ":3: unknown option [DEFAULT] transport_url"));
    server_config_done(&cfg);
    buf_done(&w);
    buf_done(&e);
}

static void
conf_bad_values_are_errors(void **state)
{
    struct buf w = BUF_INITIALIZER, e = BUF_INITIALIZER;
    struct server_config cfg;

    assert_int_not_equal(load("[DEFAULT]\nbind_port = 70000\n", NULL, &cfg, &w, &e), 0);
    assert_non_null(strstr(buf_cstr(&e), ":2:"));
    server_config_done(&cfg);
    buf_clear(&e);
    assert_int_not_equal(load("[DEFAULT]\nallow_bulk = perhaps\n", NULL, &cfg, &w, &e), 0);
    server_config_done(&cfg);
    buf_done(&w);
    buf_done(&e);
}

static void
conf_long_line_refused_not_truncated(void **state)
{
    struct buf w = BUF_INITIALIZER, e = BUF_INITIALIZER;
    struct server_config cfg;
    char text[400];

    snprintf(text, sizeof text, "[database]\nconnection = sqlite:///%0250d\n", 0);
    assert_int_not_equal(load(text, NULL, &cfg, &w, &e), 0);
    assert_non_null(strstr(buf_cstr(&e), "longer than"));
    server_config_done(&cfg);
    buf_done(&w);
    buf_done(&e);
}

static void
conf_interpolates_default_options(void **state)
{
    struct buf w = BUF_INITIALIZER, e = BUF_INITIALIZER;
    struct server_config cfg;
    char *path;

    assert_int_equal(load("[DEFAULT]\nstate_path = /srv/n\n[database]\n"
                          "connection = sqlite:///$state_path/db.sqlite\n",
                          NULL, &cfg, &w, &e), 0);
    path = server_config_database(&cfg, &e);
    assert_string_equal(path, "/srv/n/db.sqlite");
    free(path);
    server_config_done(&cfg);
    buf_done(&w);
    buf_done(&e);
}

/* A '$' that no option name follows stays (a regular expression's end anchor), as
 * does "$$" written for one. */
static void
conf_keeps_a_lone_dollar(void **state)
{
    struct buf w = BUF_INITIALIZER, e = BUF_INITIALIZER;
    struct server_config cfg;

    (void) state;
    assert_int_equal(load("[security_compliance]\npassword_regex = ^[a-z]+$\n"
                          "password_regex_description = costs $$5 or $state_path\n",
                          NULL, &cfg, &w, &e), 0);
    assert_string_equal(cfg.password_regex, "^[a-z]+$");
    assert_string_equal(cfg.password_regex_description, "costs $5 or /var/lib/neutron");
    server_config_done(&cfg);
    buf_done(&w);
    buf_done(&e);
}

/* [database] connection: SQLite paths, PostgreSQL URLs (SQLAlchemy's driver name
 * dropped), and refusals that never quote the URL, which may hold a password. */
static void
conf_database_connections(void **state)
{
    static const struct {
        const char *connection, *want;
    } cases[] = {
        { "sqlite:////var/lib/n/db.sqlite?timeout=5", "/var/lib/n/db.sqlite" },
        { "postgresql://u:secret@db/neutron", "postgresql://u:secret@db/neutron" },
        { "postgresql+psycopg2://u:secret@db:5433/neutron",
          "postgresql://u:secret@db:5433/neutron" },
        { "postgres:///n?host=/run/pg", "postgres:///n?host=/run/pg" },
        { "mysql+pymysql://u:secret@db/neutron", NULL },
        { "sqlite://", NULL },
    };

    (void) state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf w = BUF_INITIALIZER, e = BUF_INITIALIZER;
        struct server_config cfg;
        char text[300];
        char *got;

        snprintf(text, sizeof text, "[database]\nconnection = %s\n", cases[i].connection);
        assert_int_equal(load(text, NULL, &cfg, &w, &e), 0);
        got = server_config_database(&cfg, &e);
        if (cases[i].want) {
            assert_non_null(got);
            assert_string_equal(got, cases[i].want);
        } else {
            assert_null(got);
            assert_null(strstr(buf_cstr(&e), "secret"));
            assert_non_null(strstr(buf_cstr(&e), "[database] connection"));
        }
        free(got);
        server_config_done(&cfg);
        buf_done(&w);
        buf_done(&e);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conf_defaults_are_neutrons),
        cmocka_unit_test(conf_later_file_overrides),
        cmocka_unit_test(conf_unknown_option_warns_with_line),
        cmocka_unit_test(conf_bad_values_are_errors),
        cmocka_unit_test(conf_long_line_refused_not_truncated),
        cmocka_unit_test(conf_interpolates_default_options),
        cmocka_unit_test(conf_keeps_a_lone_dollar),
        cmocka_unit_test(conf_database_connections),
        cmocka_unit_test(conf_router_scheduler_is_least_routers),
        cmocka_unit_test(conf_scheduler_drivers_and_zones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
