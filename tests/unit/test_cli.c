/* Unit tests for the neutrino client's pure parts: option parsing, "k=v" lists,
 * clouds.yaml and OS_* merging, and the output formats (docs/behaviour/cli.md §1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "args.h"
#include "cli.h"
#include "cloud.h"
#include "output.h"

/* Runs 'fn' with stdout captured; returns what it printed (owned). */
static char *
capture(void (*fn)(void *), void *aux)
{
    char path[] = "/tmp/neutrino-test-cli-XXXXXX";
    int fd = mkstemp(path), saved = dup(1);
    char *text = calloc(1, 65536);

    fflush(stdout);
    dup2(fd, 1);
    fn(aux);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, text, 65535);
    text[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    return text;
}

static void
options_are_parsed_by_table(void **state)
{
    static const struct opt opts[] = {
        { "enable", OPT_TRUE, NULL }, { "disable", OPT_FALSE, "enable" },
        { "name", OPT_STR, NULL }, { "tag", OPT_LIST, NULL },
        { NULL, 0, NULL },
    };
    char *argv[] = { "net1", "--disable", "--name=x", "--tag", "a", "--tag", "b", "--", "--tag" };
    json_t *a = args_parse(opts, 9, argv);

    assert_non_null(a);
    assert_int_equal(arg_bool(a, "enable"), 0);
    assert_string_equal(arg_str(a, "name"), "x");
    assert_int_equal(json_array_size(arg_list(a, "tag")), 2);
    assert_int_equal(arg_npos(a), 2);
    assert_string_equal(arg_pos(a, 0), "net1");
    assert_string_equal(arg_pos(a, 1), "--tag");     /* after "--": positional */
    assert_int_equal(arg_bool(a, "absent"), -1);
    json_decref(a);

    char *bad1[] = { "--bogus" };
    char *bad2[] = { "--name" };
    char *bad3[] = { "--enable=yes" };
    assert_null(args_parse(opts, 1, bad1));
    assert_null(args_parse(opts, 1, bad2));
    assert_null(args_parse(opts, 1, bad3));
}

static void
key_value_lists(void **state)
{
    json_t *kv = arg_kv("start=172.16.1.2,end=172.16.1.100");

    assert_string_equal(json_string_value(json_object_get(kv, "start")), "172.16.1.2");
    assert_string_equal(json_string_value(json_object_get(kv, "end")), "172.16.1.100");
    json_decref(kv);
    assert_null(arg_kv("start"));
    assert_null(arg_kv("=x"));
    kv = arg_kv("");
    assert_int_equal(json_object_size(kv), 0);
    json_decref(kv);
}

static void
clouds_yaml_then_environment_then_flags(void **state)
{
    char path[] = "/tmp/neutrino-test-clouds-XXXXXX";
    int fd = mkstemp(path);
    static const char yaml[] =
        "clouds:\n"
        "  lab:\n"
        "    auth:\n"
        "      auth_url: http://127.0.0.1:9696/identity/v3\n"
        "      username: demo\n"
        "      password: from-file\n"
        "      project_name: demo\n"
        "    region_name: RegionOne\n"
        "    interface: public\n";
    struct cloud flags, c;
    struct buf error = BUF_INITIALIZER;

    assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t) strlen(yaml));
    close(fd);
    setenv("OS_CLIENT_CONFIG_FILE", path, 1);
    setenv("OS_PASSWORD", "from-env", 1);
    unsetenv("OS_CLOUD");
    memset(&flags, 0, sizeof flags);
    flags.name = strdup("lab");
    assert_int_equal(cloud_load(&flags, &c, &error), 0);
    assert_string_equal(c.auth_url, "http://127.0.0.1:9696/identity/v3");
    assert_string_equal(c.username, "demo");
    assert_string_equal(c.password, "from-env");      /* environment over file */
    assert_string_equal(c.region_name, "RegionOne");
    cloud_done(&c);
    cloud_set(&flags, "password", "from-flag");
    assert_int_equal(cloud_load(&flags, &c, &error), 0);
    assert_string_equal(c.password, "from-flag");     /* flag over environment */
    cloud_done(&c);
    free(flags.name);
    flags.name = strdup("nope");
    assert_int_not_equal(cloud_load(&flags, &c, &error), 0);
    assert_non_null(strstr(buf_cstr(&error), "cloud nope not found"));
    cloud_done(&c);
    cloud_done(&flags);
    unsetenv("OS_PASSWORD");
    unsetenv("OS_CLIENT_CONFIG_FILE");
    unlink(path);
    buf_done(&error);
}

static const struct field net_fields[] = {
    { "admin_state_up", "admin_state_up", R_UPDOWN },
    { "allocation_pools", "allocation_pools", R_POOLS },
    { "fixed_ips", "fixed_ips", R_FIXED_IPS },
    { "host_routes", "host_routes", R_ROUTES },
    { "name", "name", R_TEXT },
    { "port_security_enabled", "port_security_enabled", R_FALSE },
    { "router:external", "router:external", R_EXTERNAL },
    { "subnets", "subnets", R_TEXT },
};

struct show_args {
    enum out_format fmt;
    const char **cols;
    size_t n;
};

static json_t *sample;

static void
do_show(void *aux)
{
    const struct show_args *s = aux;
    struct out_opts o = { .format = s->fmt, .columns = s->cols, .n_columns = s->n };

    out_show(&o, net_fields, sizeof net_fields / sizeof net_fields[0], sample);
}

static void
show_formats(void **state)
{
    char *out;

    sample = json_loads(
        "{\"admin_state_up\": true, \"name\": \"n1\", \"router:external\": false,"
        " \"subnets\": [\"a\", \"b\"],"
        " \"allocation_pools\": [{\"start\": \"10.0.0.2\", \"end\": \"10.0.0.9\"}],"
        " \"fixed_ips\": [{\"subnet_id\": \"s\", \"ip_address\": \"10.0.0.3\"},"
        "  {\"subnet_id\": \"s\", \"ip_address\": \"10.0.0.4\"}],"
        " \"host_routes\": [{\"destination\": \"10.9.0.0/16\", \"nexthop\": \"10.0.0.1\"}]}",
        0, NULL);
    out = capture(do_show, &(struct show_args) { OUT_TABLE, NULL, 0 });
    assert_string_equal(out,
        "+-----------------------+-----------------------------------------------+\n"
        "| Field                 | Value                                         |\n"
        "+-----------------------+-----------------------------------------------+\n"
        "| admin_state_up        | UP                                            |\n"
        "| allocation_pools      | 10.0.0.2-10.0.0.9                             |\n"
        "| fixed_ips             | ip_address='10.0.0.3', subnet_id='s'          |\n"
        "|                       | ip_address='10.0.0.4', subnet_id='s'          |\n"
        "| host_routes           | destination='10.9.0.0/16', gateway='10.0.0.1' |\n"
        "| name                  | n1                                            |\n"
        "| port_security_enabled | False                                         |\n"
        "| router:external       | Internal                                      |\n"
        "| subnets               | a, b                                          |\n"
        "+-----------------------+-----------------------------------------------+\n");
    free(out);

    const char *cols[] = { "name", "router:external", "subnets" };
    out = capture(do_show, &(struct show_args) { OUT_SHELL, cols, 3 });
    assert_string_equal(out, "name=\"n1\"\nrouter_external=\"False\"\nsubnets=\"['a', 'b']\"\n");
    free(out);
    out = capture(do_show, &(struct show_args) { OUT_VALUE, cols, 3 });
    assert_string_equal(out, "n1\nFalse\n['a', 'b']\n");
    free(out);
    out = capture(do_show, &(struct show_args) { OUT_JSON, cols, 2 });
    json_t *j = json_loads(out, 0, NULL);
    assert_true(json_is_false(json_object_get(j, "router:external")));
    assert_string_equal(json_string_value(json_object_get(j, "name")), "n1");
    json_decref(j);
    free(out);
    json_decref(sample);
}

static const struct field list_cols[] = {
    { "ID", "id", R_TEXT },
    { "Alive", "alive", R_ALIVE },
    { "State", "admin_state_up", R_UPDOWN },
};

static void
do_list(void *aux)
{
    const struct show_args *s = aux;
    struct out_opts o = { .format = s->fmt, .columns = s->cols, .n_columns = s->n };

    out_list(&o, list_cols, 3, sample);
}

static void
list_formats(void **state)
{
    char *out;

    sample = json_loads("[{\"id\": \"a1\", \"alive\": true, \"admin_state_up\": true},"
                        " {\"id\": \"b2\", \"alive\": false, \"admin_state_up\": false}]", 0,
                        NULL);
    out = capture(do_list, &(struct show_args) { OUT_TABLE, NULL, 0 });
    assert_string_equal(out, "+----+-------+-------+\n"
                             "| ID | Alive | State |\n"
                             "+----+-------+-------+\n"
                             "| a1 | :-)   | UP    |\n"
                             "| b2 | XXX   | DOWN  |\n"
                             "+----+-------+-------+\n");
    free(out);
    out = capture(do_list, &(struct show_args) { OUT_CSV, NULL, 0 });
    assert_string_equal(out, "\"ID\",\"Alive\",\"State\"\n\"a1\",\"True\",\"True\"\n"
                             "\"b2\",\"False\",\"False\"\n");
    free(out);
    const char *cols[] = { "ID" };
    out = capture(do_list, &(struct show_args) { OUT_VALUE, cols, 1 });
    assert_string_equal(out, "a1\nb2\n");
    free(out);
    json_decref(sample);
    sample = json_array();
    out = capture(do_list, &(struct show_args) { OUT_TABLE, NULL, 0 });
    assert_string_equal(out, "");       /* cliff prints nothing for no rows */
    free(out);
    json_decref(sample);
}

static const struct field group_fields[] = {
    { "rules", "security_group_rules", R_SG_RULES },
    { "tags", "tags", R_PYLIST },
};

static void
do_group_show(void *aux)
{
    const struct show_args *s = aux;
    struct out_opts o = { .format = s->fmt };

    out_show(&o, group_fields, 2, sample);
}

/* A group's rules one per line without their empty values and the group's own keys, every
 * value quoted; tags as a Python list, [] when absent. */
static void
group_renders(void **state)
{
    char *out;

    (void) state;
    sample = json_loads(
        "{\"security_group_rules\": [{\"id\": \"r1\", \"security_group_id\": \"g\","
        " \"project_id\": \"p\", \"tenant_id\": \"p\", \"protocol\": null,"
        " \"port_range_min\": 0, \"port_range_max\": 22, \"description\": \"\","
        " \"tags\": [], \"direction\": \"egress\"},"
        " {\"id\": \"r2\", \"ethertype\": \"IPv6\"}]}", 0, NULL);
    out = capture(do_group_show, &(struct show_args) { OUT_TABLE, NULL, 0 });
    assert_string_equal(out,
        "+-------+--------------------------------------------------+\n"
        "| Field | Value                                            |\n"
        "+-------+--------------------------------------------------+\n"
        "| rules | direction='egress', id='r1', port_range_max='22' |\n"
        "|       | ethertype='IPv6', id='r2'                        |\n"
        "| tags  | []                                               |\n"
        "+-------+--------------------------------------------------+\n");
    free(out);
    json_decref(sample);
    sample = json_loads("{\"tags\": [\"a\", \"b\"]}", 0, NULL);
    out = capture(do_group_show, &(struct show_args) { OUT_TABLE, NULL, 0 });
    assert_non_null(strstr(out, "| tags  | ['a', 'b'] |"));
    free(out);
    json_decref(sample);
}

/* -f yaml as PyYAML's safe_dump() prints what the client gives it (this expectation is
 * PyYAML's own output for the same data). */
static void
yaml_as_pyyaml(void **state)
{
    char *out;

    (void) state;
    sample = json_loads(
        "{\"security_group_rules\": [{\"id\": \"r1\", \"port_range_min\": 22,"
        " \"description\": \"a: b\", \"protocol\": \"47\", \"remote_ip_prefix\": \"::/0\","
        " \"created_at\": \"2026-12-06T07:35:34Z\", \"tags\": [\"yes\", \"it's\"],"
        " \"name\": \"h\u00e9\", \"normalized_cidr\": null}],"
        " \"tags\": [\"word word word word word word word word word word word word word word "
        "word word word word\"]}", 0, NULL);
    out = capture(do_group_show, &(struct show_args) { OUT_YAML, NULL, 0 });
    assert_string_equal(out,
        "rules:\n"
        "- created_at: '2026-12-06T07:35:34Z'\n"
        "  description: 'a: b'\n"
        "  id: r1\n"
        "  name: \"h\\xE9\"\n"
        "  normalized_cidr: null\n"
        "  port_range_min: 22\n"
        "  protocol: '47'\n"
        "  remote_ip_prefix: ::/0\n"
        "  tags:\n"
        "  - 'yes'\n"
        "  - it's\n"
        "tags:\n"
        "- word word word word word word word word word word word word word word word word\n"
        "  word word\n");
    free(out);
    json_decref(sample);
}

/* The body "security group rule create" makes from 'argv' (NULL after a usage error or
 * a refusal), and the status sg_rule_attrs() returned. */
static json_t *
rule_body(int argc, char **argv, int *ret_status)
{
    json_t *a = args_parse(sg_rule_create_opts, argc, argv), *body = json_object();

    assert_non_null(a);
    *ret_status = sg_rule_attrs(a, body);
    json_decref(a);
    if (*ret_status) {
        json_decref(body);
        return NULL;
    }
    return body;
}

static void
rule_defaults_as_the_openstack_client(void **state)
{
    char *tcp[] = { "g", "--protocol", "TCP", "--dst-port", "22" };
    char *icmp6[] = { "g", "--proto", "ipv6-icmp", "--icmp-type", "128", "--egress" };
    char *any[] = { "g", "--remote-group", "other" };
    char *code0[] = { "g", "--protocol", "icmp", "--icmp-type", "8", "--icmp-code", "0" };
    int status;
    json_t *b;
    char *text;

    (void) state;
    b = rule_body(5, tcp, &status);
    text = json_dumps(b, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(text, "{\"direction\":\"ingress\",\"ethertype\":\"IPv4\","
                        "\"port_range_max\":22,\"port_range_min\":22,\"protocol\":\"tcp\","
                        "\"remote_ip_prefix\":\"0.0.0.0/0\"}");
    free(text);
    json_decref(b);
    /* An IPv6-only protocol makes the rule IPv6, with its whole range. */
    b = rule_body(6, icmp6, &status);
    text = json_dumps(b, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(text, "{\"direction\":\"egress\",\"ethertype\":\"IPv6\","
                        "\"port_range_min\":128,\"protocol\":\"ipv6-icmp\","
                        "\"remote_ip_prefix\":\"::/0\"}");
    free(text);
    json_decref(b);
    /* "any" protocol is sent as null; a remote group sends no prefix. */
    b = rule_body(3, any, &status);
    assert_true(json_is_null(json_object_get(b, "protocol")));
    assert_null(json_object_get(b, "remote_ip_prefix"));
    json_decref(b);
    b = rule_body(7, code0, &status);
    assert_int_equal(json_integer_value(json_object_get(b, "port_range_max")), 0);
    json_decref(b);
}

static void
rule_option_errors(void **state)
{
    char *reversed[] = { "g", "--dst-port", "30:20" };
    char *three[] = { "g", "--dst-port", "1:2:3" };
    char *words[] = { "g", "--dst-port", "ssh" };
    char *both[] = { "g", "--dst-port", "22", "--protocol", "icmp", "--icmp-type", "3" };
    char *code_only[] = { "g", "--protocol", "icmp", "--icmp-code", "3" };
    char *not_icmp[] = { "g", "--protocol", "tcp", "--icmp-type", "3" };
    char *ether[] = { "g", "--ethertype", "IPv5" };
    char *remotes[] = { "g", "--remote-ip", "10.0.0.0/8", "--remote-group", "x" };
    char *protos[] = { "g", "--protocol", "tcp", "--proto", "udp" };
    char *type_word[] = { "g", "--icmp-type", "echo" };
    /* Longer than the client reads a bound: refused, not cut to 0. */
    char *long_bound[] = { "g", "--dst-port", "000000000000000000000000000000001234:5" };
    int status;

    (void) state;
    assert_null(rule_body(3, reversed, &status));
    assert_int_equal(status, 2);
    assert_null(rule_body(3, three, &status));
    assert_int_equal(status, 2);
    assert_null(rule_body(3, words, &status));
    assert_int_equal(status, 1);
    assert_null(rule_body(7, both, &status));
    assert_int_equal(status, 1);
    assert_null(rule_body(5, code_only, &status));
    assert_int_equal(status, 1);
    assert_null(rule_body(5, not_icmp, &status));
    assert_int_equal(status, 1);
    assert_null(rule_body(3, ether, &status));
    assert_int_equal(status, 2);
    assert_null(rule_body(5, remotes, &status));
    assert_int_equal(status, 2);
    assert_null(rule_body(5, protos, &status));
    assert_int_equal(status, 2);
    assert_null(rule_body(3, type_word, &status));
    assert_int_equal(status, 2);
    assert_null(rule_body(3, long_bound, &status));
    assert_int_equal(status, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(options_are_parsed_by_table),
        cmocka_unit_test(key_value_lists),
        cmocka_unit_test(clouds_yaml_then_environment_then_flags),
        cmocka_unit_test(show_formats),
        cmocka_unit_test(list_formats),
        cmocka_unit_test(group_renders),
        cmocka_unit_test(yaml_as_pyyaml),
        cmocka_unit_test(rule_defaults_as_the_openstack_client),
        cmocka_unit_test(rule_option_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
