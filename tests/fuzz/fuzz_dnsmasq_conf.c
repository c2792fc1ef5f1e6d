/* libFuzzer target: the server's description of a network (JSON) turned into dnsmasq's
 * command line and files (src/dhcp_agent/dnsmasq_conf.c).  Whatever the input: no
 * crash, no leak, and no output line or argument carrying a line break. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmasq_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_lines(struct buf *b)
{
    /* Every line ends where a newline is: no empty line means no value smuggled one. */
    if (strstr(buf_cstr(b), "\n\n")) {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *servers[] = { "192.0.2.53" };
    struct dnsmasq_settings s = {
        .conf_dir = "/d", .dns_domain = "openstacklocal", .lease_duration = 86400,
        .lease_max = 1000, .dns_servers = servers, .n_dns_servers = 1, .log_dir = "/l",
    };
    struct buf host = BUF_INITIALIZER, addn = BUF_INITIALIZER, opts = BUF_INITIALIZER,
               leases = BUF_INITIALIZER;
    struct strv argv = { NULL, 0 };
    json_t *info = json_loadb((const char *) data, size, JSON_DECODE_ANY, NULL);

    if (size > 0 && data[0] == '!') {
        s.lease_duration = -1;
        s.dns_domain = NULL;
    }
    dnsmasq_serves(info);
    dnsmasq_argv(info, &s, &argv);
    for (size_t i = 0; i < argv.n; i++) {
        if (strchr(argv.v[i], '\n')) {
            abort();
        }
    }
    dnsmasq_hosts(info, &s, &host, &addn);
    dnsmasq_opts(info, &s, &opts);
    dnsmasq_leases(info, &s, 1000, &leases);
    check_lines(&host);
    check_lines(&addn);
    check_lines(&leases);
    strv_done(&argv);
    buf_done(&host);
    buf_done(&addn);
    buf_done(&opts);
    buf_done(&leases);
    json_decref(info);
    return 0;
}
