/* Unit tests for the linux-bridge agent's configuration (mappings, defaults, errors)
 * and MAC parsing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "nl.h"

/* Loads 'text' as an ini file; returns agent_config_load()'s result. */
static int
load(const char *text, struct agent_config *cfg, struct buf *error)
{
    char path[] = "/tmp/neutrino-test-lb-XXXXXX";
    struct buf warnings = BUF_INITIALIZER;
    char *files[1] = { path };
    int fd = mkstemp(path), r;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
    close(fd);
    r = agent_config_load(cfg, files, 1, &warnings, error);
    unlink(path);
    buf_done(&warnings);
    return r;
}

static void
test_defaults_and_mappings(void **state)
{
    struct buf error = BUF_INITIALIZER;
    struct agent_config cfg;

    assert_int_equal(load("[DEFAULT]\nhost = node1\n[linux_bridge]\n"
                          "physical_interface_mappings = provider:eth1, physnet2:eth3\n",
                          &cfg, &error), 0);
    assert_string_equal(cfg.host, "node1");
    assert_int_equal(cfg.n_mappings, 2);
    assert_string_equal(agent_config_iface(&cfg, "provider"), "eth1");
    assert_string_equal(agent_config_iface(&cfg, "physnet2"), "eth3");
    assert_null(agent_config_iface(&cfg, "other"));
    assert_true(cfg.enable_vxlan);          /* Neutron's default. */
    assert_false(cfg.l2_population);
    assert_string_equal(cfg.vxlan_group, "224.0.0.1");
    assert_int_equal(cfg.report_interval, 30);
    assert_int_equal(cfg.polling_interval, 2);
    assert_string_equal(cfg.server.url, "http://127.0.0.1:9696");
    agent_config_done(&cfg);
    buf_done(&error);
}

static void
test_bad_mappings(void **state)
{
    static const char *const bad[] = {
        "[linux_bridge]\nphysical_interface_mappings = provider\n",
        "[linux_bridge]\nphysical_interface_mappings = :eth1\n",
        "[linux_bridge]\nphysical_interface_mappings = p:\n",
        "[linux_bridge]\nphysical_interface_mappings = p:eth1,p:eth2\n",
        "[linux_bridge]\nphysical_interface_mappings = p:averyveryverylongname\n",
        "[linux_bridge]\nbridge_mappings = p:br0\n",
        "[agent]\nreport_interval = -5\n",
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct buf error = BUF_INITIALIZER;
        struct agent_config cfg;
        assert_int_not_equal(load(bad[i], &cfg, &error), 0);
        assert_true(error.len > 0);
        agent_config_done(&cfg);
        buf_done(&error);
    }
}

static void
test_parse_mac(void **state)
{
    uint8_t mac[6];

    assert_true(nl_parse_mac("fa:16:3e:00:0a:FF", mac));
    assert_int_equal(mac[0], 0xfa);
    assert_int_equal(mac[5], 0xff);
    assert_false(nl_parse_mac("fa:16:3e:00:0a", mac));
    assert_false(nl_parse_mac("fa:16:3e:00:0a:ff:00", mac));
    assert_false(nl_parse_mac("zz:16:3e:00:0a:ff", mac));
    assert_false(nl_parse_mac("", mac));
}

/* [securitygroup]: the firewall is on by default, off with noop (alias or Neutron's
 * class path) or enable_security_group = false; other drivers are refused. */
static void
test_firewall_driver(void **state)
{
    static const struct {
        const char *text;
        int result;
        bool firewall;
    } cases[] = {
        { "", 0, true },
        { "[securitygroup]\nfirewall_driver = iptables_hybrid\n", 0, true },
        { "[securitygroup]\nfirewall_driver = "
          "neutron.agent.linux.iptables_firewall.IptablesFirewallDriver\n", 0, true },
        { "[securitygroup]\nfirewall_driver = noop\n", 0, false },
        { "[securitygroup]\nfirewall_driver = neutron.agent.firewall.NoopFirewallDriver\n", 0,
          false },
        { "[securitygroup]\nenable_security_group = false\n", 0, false },
        { "[securitygroup]\nfirewall_driver = openvswitch\n", -EINVAL, false },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf error = BUF_INITIALIZER;
        struct agent_config cfg;
        assert_int_equal(load(cases[i].text, &cfg, &error), cases[i].result);
        if (!cases[i].result) {
            assert_int_equal(cfg.firewall, cases[i].firewall);
        } else {
            assert_non_null(strstr(buf_cstr(&error), "firewall_driver"));
        }
        agent_config_done(&cfg);
        buf_done(&error);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_mappings),
        cmocka_unit_test(test_bad_mappings),
        cmocka_unit_test(test_firewall_driver),
        cmocka_unit_test(test_parse_mac),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
