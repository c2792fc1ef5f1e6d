/* Unit tests for the DHCP agent's configuration: Neutron's defaults, what it refuses. */
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

/* Loads 'text' as an ini file; returns dhcp_config_load()'s result. */
static int
load(const char *text, struct dhcp_config *cfg, struct buf *error, struct buf *warnings)
{
    char path[] = "/tmp/neutrino-test-dhcp-XXXXXX";
    char *files[1] = { path };
    int fd = mkstemp(path), r;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
    close(fd);
    r = dhcp_config_load(cfg, files, 1, warnings, error);
    unlink(path);
    return r;
}

static void
defaults_are_neutrons(void **state)
{
    struct buf error = BUF_INITIALIZER, warnings = BUF_INITIALIZER;
    struct dhcp_config cfg;

    assert_int_equal(load("[DEFAULT]\nhost = controller\ninterface_driver = linuxbridge\n"
                          "state_path = /srv/n\n", &cfg, &error, &warnings), 0);
    assert_string_equal(cfg.host, "controller");
    assert_string_equal(cfg.dhcp_confs, "/srv/n/dhcp");
    assert_int_equal(cfg.dhcp_lease_duration, 86400);
    assert_string_equal(cfg.dns_domain, "openstacklocal");
    assert_int_equal(cfg.dnsmasq_lease_max, 16777216);
    assert_int_equal(cfg.resync_interval, 5);
    assert_int_equal(cfg.report_interval, 30);
    assert_string_equal(cfg.availability_zone, "nova");
    assert_string_equal(cfg.namespace_prefix, "qdhcp-");
    assert_false(cfg.dnsmasq_local_resolv);
    assert_int_equal(cfg.n_dns_servers, 0);
    dhcp_config_done(&cfg);

    assert_int_equal(load("[DEFAULT]\ninterface_driver ="
                          " neutron.agent.linux.interface.BridgeInterfaceDriver\n"
                          "dhcp_confs = $state_path/confs\nstate_path = /x\n"
                          "dnsmasq_dns_servers = 192.0.2.53, 2001:db8::53\n"
                          "dhcp_lease_duration = -1\n[AGENT]\navailability_zone = az1\n",
                          &cfg, &error, &warnings), 0);
    assert_string_equal(cfg.dhcp_confs, "/x/confs");
    assert_int_equal(cfg.n_dns_servers, 2);
    assert_string_equal(cfg.dns_servers[1], "2001:db8::53");
    assert_int_equal(cfg.dhcp_lease_duration, -1);
    assert_string_equal(cfg.availability_zone, "az1");
    dhcp_config_done(&cfg);
    buf_done(&error);
    buf_done(&warnings);
}

static void
bad_settings_are_refused(void **state)
{
    static const char *const cases[] = {
        "[DEFAULT]\nhost = h\n",                                   /* no interface driver */
        "[DEFAULT]\ninterface_driver = openvswitch\n",
        "[DEFAULT]\ninterface_driver = linuxbridge\ndhcp_driver = x.Udhcpd\n",
        "[DEFAULT]\ninterface_driver = linuxbridge\ndnsmasq_dns_servers = 8.8.8.8,nope\n",
        "[DEFAULT]\ninterface_driver = linuxbridge\nnamespace_prefix = a/b\n",
        "[DEFAULT]\ninterface_driver = linuxbridge\ndhcp_lease_duration = -2\n",
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf error = BUF_INITIALIZER, warnings = BUF_INITIALIZER;
        struct dhcp_config cfg;
        assert_int_not_equal(load(cases[i], &cfg, &error, &warnings), 0);
        assert_true(error.len > 0);
        dhcp_config_done(&cfg);
        buf_done(&error);
        buf_done(&warnings);
    }
}

static void
unknown_and_ignored_options_are_warned_about(void **state)
{
    struct buf error = BUF_INITIALIZER, warnings = BUF_INITIALIZER;
    struct dhcp_config cfg;

    assert_int_equal(load("[DEFAULT]\ninterface_driver = linuxbridge\n"
                          "enable_isolated_metadata = true\nbogus_option = 1\n", &cfg, &error,
                          &warnings), 0);
    assert_non_null(strstr(buf_cstr(&warnings), "bogus_option"));
    assert_non_null(strstr(buf_cstr(&warnings), "metadata"));
    dhcp_config_done(&cfg);
    buf_done(&error);
    buf_done(&warnings);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_neutrons),
        cmocka_unit_test(bad_settings_are_refused),
        cmocka_unit_test(unknown_and_ignored_options_are_warned_about),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
