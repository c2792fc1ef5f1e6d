/* Unit tests for the L3 agent's configuration: Neutron's defaults, what it refuses. */
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

/* Loads 'text' as an ini file (and 'more' as a second one, if not NULL); returns
 * l3_config_load()'s result. */
static int
load2(const char *text, const char *more, struct l3_config *cfg, struct buf *error,
      struct buf *warnings)
{
    char p1[] = "/tmp/neutrino-test-l3-XXXXXX", p2[] = "/tmp/neutrino-test-l3-XXXXXX";
    char *files[2] = { p1, p2 };
    const char *texts[2] = { text, more };
    size_t n = more ? 2 : 1;
    int r;

    for (size_t i = 0; i < n; i++) {
        int fd = mkstemp(files[i]);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, texts[i], strlen(texts[i])), (ssize_t) strlen(texts[i]));
        close(fd);
    }
    r = l3_config_load(cfg, files, n, warnings, error);
    for (size_t i = 0; i < n; i++) {
        unlink(files[i]);
    }
    return r;
}

static int
load(const char *text, struct l3_config *cfg, struct buf *error, struct buf *warnings)
{
    return load2(text, NULL, cfg, error, warnings);
}

static void
defaults_are_neutrons(void **state)
{
    struct buf error = BUF_INITIALIZER, warnings = BUF_INITIALIZER;
    struct l3_config cfg;

    assert_int_equal(load("[DEFAULT]\nhost = network1\ninterface_driver = linuxbridge\n",
                          &cfg, &error, &warnings), 0);
    assert_string_equal(cfg.host, "network1");
    assert_string_equal(cfg.agent_mode, "legacy");
    assert_int_equal(cfg.send_arp_for_ha, 3);
    assert_true(cfg.handle_internal_only_routers);
    assert_int_equal(cfg.periodic_interval, 40);
    assert_false(cfg.cleanup_on_shutdown);
    assert_false(cfg.debug);
    assert_string_equal(cfg.state_path, "/var/lib/neutrino");
    assert_string_equal(cfg.namespace_prefix, "qrouter-");
    assert_int_equal(cfg.report_interval, 30);
    assert_string_equal(cfg.availability_zone, "nova");
    assert_false(cfg.log_agent_heartbeats);
    assert_string_equal(cfg.server.url, "http://127.0.0.1:9696");
    assert_int_equal(cfg.server.timeout, 30);
    assert_string_equal(warnings.data ? (char *) warnings.data : "", "");
    l3_config_done(&cfg);
    buf_done(&error);
    buf_done(&warnings);
}

/* neutron.conf then l3_agent.ini, the later file winning, as oslo.config reads them. */
static void
two_files_are_read_in_order(void **state)
{
    struct buf error = BUF_INITIALIZER, warnings = BUF_INITIALIZER;
    struct l3_config cfg;

    assert_int_equal(load2("[DEFAULT]\nhost = h1\nstate_path = /srv/n\ndebug = true\n"
                           "periodic_interval = 7\n[AGENT]\nreport_interval = 5\n"
                           "[server]\nurl = http://ctl:9696\nusername = neutrino-agent\n",
                           "[DEFAULT]\ninterface_driver ="
                           " neutron.agent.linux.interface.BridgeInterfaceDriver\n"
                           "agent_mode = legacy\nsend_arp_for_ha = 0\n"
                           "handle_internal_only_routers = false\nhost = h2\n"
                           "cleanup_on_shutdown = true\n"
                           "[AGENT]\navailability_zone = az2\nlog_agent_heartbeats = true\n",
                           &cfg, &error, &warnings), 0);
    assert_string_equal(cfg.host, "h2");
    assert_string_equal(cfg.state_path, "/srv/n");
    assert_true(cfg.debug);
    assert_int_equal(cfg.periodic_interval, 7);
    assert_int_equal(cfg.report_interval, 5);
    assert_int_equal(cfg.send_arp_for_ha, 0);
    assert_false(cfg.handle_internal_only_routers);
    assert_true(cfg.cleanup_on_shutdown);
    assert_string_equal(cfg.availability_zone, "az2");
    assert_true(cfg.log_agent_heartbeats);
    assert_string_equal(cfg.server.url, "http://ctl:9696");
    assert_string_equal(cfg.server.username, "neutrino-agent");
    l3_config_done(&cfg);
    buf_done(&error);
    buf_done(&warnings);
}

/* No host configured: the machine's name, as Neutron. */
static void
host_defaults_to_the_machines_name(void **state)
{
    struct buf error = BUF_INITIALIZER, warnings = BUF_INITIALIZER;
    struct l3_config cfg;
    char name[256];

    assert_int_equal(gethostname(name, sizeof name), 0);
    assert_int_equal(load("[DEFAULT]\ninterface_driver = linuxbridge\n", &cfg, &error,
                          &warnings), 0);
    assert_string_equal(cfg.host, name);
    l3_config_done(&cfg);
    buf_done(&error);
    buf_done(&warnings);
}

/* Each bad setting is refused with a message naming the option (and what is wrong). */
static void
bad_settings_are_refused_with_a_clear_message(void **state)
{
    static const struct {
        const char *text;
        const char *message;
    } cases[] = {
        { "[DEFAULT]\nhost = h\n", "interface_driver must be set" },
        { "[DEFAULT]\ninterface_driver = openvswitch\n",
          "interface_driver = openvswitch is not supported: only linuxbridge" },
        { "[DEFAULT]\ninterface_driver = neutron.agent.linux.interface.OVSInterfaceDriver\n",
          "is not supported: only linuxbridge" },
        { "[DEFAULT]\ninterface_driver = linuxbridge\nagent_mode = dvr\n",
          "agent_mode = dvr is not supported" },
        { "[DEFAULT]\ninterface_driver = linuxbridge\nagent_mode = dvr_snat\n",
          "agent_mode = dvr_snat is not supported" },
        { "[DEFAULT]\ninterface_driver = linuxbridge\nagent_mode = dvr_no_external\n",
          "agent_mode = dvr_no_external is not supported" },
        { "[DEFAULT]\ninterface_driver = linuxbridge\nagent_mode = fast\n",
          "agent_mode = fast is not a mode" },
        { "[DEFAULT]\ninterface_driver = linuxbridge\nsend_arp_for_ha = -1\n",
          "send_arp_for_ha" },
        { "[DEFAULT]\ninterface_driver = linuxbridge\nperiodic_interval = 0\n",
          "periodic_interval" },
        { "[DEFAULT]\ninterface_driver = linuxbridge\nhandle_internal_only_routers = maybe\n",
          "handle_internal_only_routers" },
        { "[DEFAULT]\ninterface_driver = linuxbridge\nnamespace_prefix = a/b\n",
          "namespace_prefix" },
        { "[DEFAULT]\ninterface_driver = linuxbridge\n[AGENT]\nreport_interval = x\n",
          "report_interval" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf error = BUF_INITIALIZER, warnings = BUF_INITIALIZER;
        struct l3_config cfg;
        assert_int_not_equal(load(cases[i].text, &cfg, &error, &warnings), 0);
        if (!strstr(buf_cstr(&error), cases[i].message)) {
            fail_msg("case %zu: '%s' does not say '%s'", i, buf_cstr(&error),
                     cases[i].message);
        }
        l3_config_done(&cfg);
        buf_done(&error);
        buf_done(&warnings);
    }
}

static void
unknown_options_are_warned_about(void **state)
{
    struct buf error = BUF_INITIALIZER, warnings = BUF_INITIALIZER;
    struct l3_config cfg;

    assert_int_equal(load("[DEFAULT]\ninterface_driver = linuxbridge\n"
                          "external_network_bridge =\n", &cfg, &error, &warnings), 0);
    assert_non_null(strstr(buf_cstr(&warnings), "external_network_bridge"));
    l3_config_done(&cfg);
    buf_done(&error);
    buf_done(&warnings);
}

/* The sample file in etc/ is read without an error or a warning, with its values. */
static void
the_sample_file_is_read_cleanly(void **state)
{
    struct buf error = BUF_INITIALIZER, warnings = BUF_INITIALIZER;
    char *files[1] = { SOURCE_ROOT "/etc/l3_agent.ini" };
    struct l3_config cfg;

    assert_int_equal(l3_config_load(&cfg, files, 1, &warnings, &error), 0);
    assert_string_equal(warnings.data ? (char *) warnings.data : "", "");
    assert_string_equal(cfg.interface_driver, "linuxbridge");
    assert_string_equal(cfg.agent_mode, "legacy");
    assert_string_equal(cfg.server.username, "neutrino-agent");
    l3_config_done(&cfg);
    buf_done(&error);
    buf_done(&warnings);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_neutrons),
        cmocka_unit_test(two_files_are_read_in_order),
        cmocka_unit_test(host_defaults_to_the_machines_name),
        cmocka_unit_test(bad_settings_are_refused_with_a_clear_message),
        cmocka_unit_test(unknown_options_are_warned_about),
        cmocka_unit_test(the_sample_file_is_read_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
