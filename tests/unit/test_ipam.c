/* Unit tests for src/server/ipam.c: pool arithmetic and checks (docs/behaviour/ipam.md
 * §2), EUI-64, and allocation over a real SQLite store (lowest-free order, release and
 * reuse, specific addresses, exhaustion, and a free-range table that stays small). */
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
#include <sqlite3.h>

#include "ipam.h"
#include "store/store.h"

static struct ipam_pool
pool(const char *a, const char *b)
{
    struct ip_addr x, y;

    ip_parse(a, &x);
    ip_parse(b, &y);
    return (struct ipam_pool) { x.v, y.v };
}

static void
default_pools_follow_zed(void **state)
{
    static const struct {
        const char *cidr, *gateway, *pools;
    } cases[] = {
        { "172.16.1.0/24", "172.16.1.1", "[{\"start\":\"172.16.1.2\",\"end\":\"172.16.1.254\"}]" },
        { "10.70.0.0/24", "10.70.0.100", "[{\"start\":\"10.70.0.1\",\"end\":\"10.70.0.99\"},"
                                         "{\"start\":\"10.70.0.101\",\"end\":\"10.70.0.254\"}]" },
        { "192.168.5.0/29", "192.168.5.1", "[{\"start\":\"192.168.5.2\",\"end\":\"192.168.5.6\"}]" },
        { "10.25.0.0/30", "10.25.0.1", "[{\"start\":\"10.25.0.2\",\"end\":\"10.25.0.2\"}]" },
        { "10.23.0.0/24", "10.99.0.1", "[{\"start\":\"10.23.0.1\",\"end\":\"10.23.0.254\"}]" },
        { "10.91.0.0/32", "10.91.0.1", "[{\"start\":\"10.91.0.0\",\"end\":\"10.91.0.0\"}]" },
        { "2001:db8::/64", "2001:db8::",
          "[{\"start\":\"2001:db8::1\",\"end\":\"2001:db8::ffff:ffff:ffff:ffff\"}]" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ipam_pool out[2];
        struct ip_addr gw;
        struct cidr c;
        char *json;
        size_t n;

        cidr_parse(cases[i].cidr, &c);
        ip_parse(cases[i].gateway, &gw);
        n = ipam_default_pools(&c, &gw, out);
        json = ipam_pools_to_json(c.addr.family, out, n);
        assert_string_equal(json, cases[i].pools);
        free(json);
    }
}

static void
pool_checks_give_neutron_messages(void **state)
{
    struct ipam_pool p[2];
    struct api_error err;
    struct ip_addr gw;
    struct cidr c;

    cidr_parse("10.9.0.0/24", &c);
    p[0] = pool("10.9.1.2", "10.9.1.9");
    assert_int_equal(ipam_check_pools(&c, p, 1, &err), -1);
    assert_int_equal(err.kind, API_ERR_OUT_OF_BOUNDS_ALLOCATION_POOL);
    assert_string_equal(err.message,
                        "The allocation pool 10.9.1.2-10.9.1.9 spans beyond the subnet cidr"
                        " 10.9.0.0/24.");
    cidr_parse("10.26.0.0/24", &c);
    p[0] = pool("10.26.0.10", "10.26.0.20");
    p[1] = pool("10.26.0.15", "10.26.0.30");
    assert_int_equal(ipam_check_pools(&c, p, 2, &err), -1);
    assert_int_equal(err.kind, API_ERR_OVERLAPPING_ALLOCATION_POOLS);
    assert_string_equal(err.message, "Found overlapping allocation pools: 10.26.0.10-10.26.0.20"
                        " 10.26.0.15-10.26.0.30 for subnet 10.26.0.0/24.");
    p[0] = pool("10.8.0.2", "10.8.0.9");
    ip_parse("10.8.0.5", &gw);
    assert_int_equal(ipam_check_gateway(&gw, p, 1, &err), -1);
    assert_string_equal(err.message, "Gateway ip 10.8.0.5 conflicts with allocation pool"
                        " 10.8.0.2-10.8.0.9.");
}

static void
reversed_pool_is_invalid(void **state)
{
    json_t *pools = json_loads("[{\"start\": \"10.27.0.20\", \"end\": \"10.27.0.10\"}]", 0, NULL);
    struct ipam_pool *out = NULL;
    struct api_error err;
    size_t n;

    assert_int_equal(ipam_parse_pools(pools, 4, &out, &n, &err), -1);
    assert_int_equal(err.kind, API_ERR_INVALID_ALLOCATION_POOL);
    assert_string_equal(err.message, "The allocation pool {'start': '10.27.0.20', 'end':"
                        " '10.27.0.10'} is not valid.");
    json_decref(pools);
}

static void
eui64_matches_zed(void **state)
{
    struct ip_addr a;
    struct cidr c;
    struct mac m;
    char text[IP_STRLEN];

    cidr_parse("2001:db9::/64", &c);
    mac_parse("fa:16:3e:dc:95:9e", &m);
    ipam_eui64(&c, &m, &a);
    ip_format(&a, text);
    assert_string_equal(text, "2001:db9::f816:3eff:fedc:959e");
}

/* --- Against a real store ---------------------------------------------------------- */

struct fixture {
    char dir[64];
    char path[96];
    struct store *store;
    struct store_conn *c;
    struct subnet subnet;
};

static int
fixture_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct buf error = BUF_INITIALIZER;
    struct network n = { 0 };

    strcpy(f->dir, "/tmp/neutrino-test-ipam-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/db.sqlite", f->dir);
    assert_int_equal(store_open(f->path, &f->store, &error), 0);
    f->c = store_conn(f->store);
    strcpy(n.std.id, "11111111-1111-4111-8111-111111111111");
    n.std.project_id = n.std.name = n.std.description = (char *) "";
    strcpy(n.status, "ACTIVE");
    strcpy(n.segment.network_type, "local");
    n.segment.segmentation_id = SEGMENTATION_ID_NONE;
    n.az_hints_json = (char *) "[]";
    assert_int_equal(store_network_insert(f->c, &n), 0);
    buf_done(&error);
    *state = f;
    return 0;
}

/* Creates the fixture's subnet on 'cidr' with 'pools'. */
static void
make_subnet(struct fixture *f, const char *cidr, const struct ipam_pool *pools, size_t n)
{
    struct subnet *s = &f->subnet;

    memset(s, 0, sizeof *s);
    strcpy(s->std.id, "22222222-2222-4222-8222-222222222222");
    s->std.project_id = s->std.name = s->std.description = (char *) "";
    strcpy(s->network_id, "11111111-1111-4111-8111-111111111111");
    s->ip_version = 4;
    s->cidr = (char *) cidr;
    s->allocation_pools_json = ipam_pools_to_json(4, pools, n);
    s->dns_nameservers_json = s->host_routes_json = (char *) "[]";
    assert_int_equal(store_subnet_insert(f->c, s), 0);
    assert_int_equal(ipam_rebuild_ranges(f->c, s->std.id, 4, pools, n), 0);
}

static int
fixture_teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];

    free(f->subnet.allocation_pools_json);
    store_close(f->store);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Takes the next address and records it for port 'n'. Returns its text. */
static const char *
take(struct fixture *f, int n, char text[IP_STRLEN])
{
    char port[ID_LEN];
    struct ip_addr a;
    int r = ipam_take_any(f->c, &f->subnet, false, &a);

    if (r) {
        return r == -ENOSPC ? "full" : "error";
    }
    snprintf(port, sizeof port, "33333333-3333-4333-8333-%012d", n);
    assert_int_equal(store_alloc_insert(f->c, f->subnet.std.id, f->subnet.network_id, &a, port),
                     0);
    ip_format(&a, text);
    return text;
}

static void
allocation_is_lowest_free_and_reuses_released(void **state)
{
    struct fixture *f = *state;
    struct ipam_pool p = pool("172.16.1.2", "172.16.1.100");
    char t[IP_STRLEN];
    struct ip_addr a;

    make_subnet(f, "172.16.1.0/24", &p, 1);
    assert_string_equal(take(f, 1, t), "172.16.1.2");
    assert_string_equal(take(f, 2, t), "172.16.1.3");
    assert_string_equal(take(f, 3, t), "172.16.1.4");
    ip_parse("172.16.1.3", &a);
    assert_int_equal(ipam_release(f->c, &f->subnet, &a), 0);
    assert_string_equal(take(f, 4, t), "172.16.1.3");
    assert_string_equal(take(f, 5, t), "172.16.1.5");
}

static void
specific_address_splits_range_and_full_subnet_reports_enospc(void **state)
{
    struct fixture *f = *state;
    struct ipam_pool p = pool("10.25.0.2", "10.25.0.4");
    char t[IP_STRLEN];
    struct ip_addr a;

    make_subnet(f, "10.25.0.0/29", &p, 1);
    ip_parse("10.25.0.3", &a);
    assert_int_equal(ipam_take_address(f->c, &f->subnet, &a), 0);
    assert_string_equal(take(f, 1, t), "10.25.0.2");
    assert_string_equal(take(f, 2, t), "10.25.0.4");
    assert_string_equal(take(f, 3, t), "full");
}

static void
free_ranges_stay_few_however_many_are_taken(void **state)
{
    struct fixture *f = *state;
    struct ipam_pool p = pool("10.0.0.1", "10.0.255.254");
    char t[IP_STRLEN];
    sqlite3 *db;
    sqlite3_stmt *st;

    make_subnet(f, "10.0.0.0/16", &p, 1);
    assert_int_equal(store_begin(f->c), 0);
    for (int i = 0; i < 10000; i++) {
        take(f, i, t);
    }
    assert_int_equal(store_commit(f->c), 0);
    assert_string_equal(t, "10.0.39.16");
    /* Taking from the front keeps one range: the next take reads one row. */
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM ipam_ranges", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_pools_follow_zed),
        cmocka_unit_test(pool_checks_give_neutron_messages),
        cmocka_unit_test(reversed_pool_is_invalid),
        cmocka_unit_test(eui64_matches_zed),
        cmocka_unit_test_setup_teardown(allocation_is_lowest_free_and_reuses_released,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(specific_address_splits_range_and_full_subnet_reports_enospc,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(free_ranges_stay_few_however_many_are_taken,
                                        fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
