/* Unit tests for the agents' server client (lib/server_client.c) with several servers
 * in [server] url: two small HTTP servers in this process, on loopback, stand in for
 * two neutrino-servers; a third address has nothing listening. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include "server_client.h"

struct fake_server {
    struct MHD_Daemon *daemon;
    unsigned int status;            /* What it answers. */
    int calls;
    char url[64];
};

static enum MHD_Result
fake_answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
            const char *version, const char *upload_data, size_t *upload_data_size,
            void **con_cls)
{
    struct fake_server *f = cls;
    static const char body[] = "{\"who\": \"fake\"}";
    struct MHD_Response *resp;
    enum MHD_Result ret;

    (void) url, (void) method, (void) version, (void) upload_data;
    if (!*con_cls) {                /* Headers first; the body (if any) comes next. */
        *con_cls = f;
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    f->calls++;
    resp = MHD_create_response_from_buffer(sizeof body - 1, (void *) body,
                                           MHD_RESPMEM_PERSISTENT);
    ret = MHD_queue_response(conn, f->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void
fake_start(struct fake_server *f, unsigned int status)
{
    const union MHD_DaemonInfo *info;

    f->status = status;
    f->calls = 0;
    f->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, fake_answer, f,
                                 MHD_OPTION_SOCK_ADDR,
                                 &(struct sockaddr_in) { .sin_family = AF_INET,
                                                         .sin_addr.s_addr = htonl(0x7f000001) },
                                 MHD_OPTION_END);
    assert_non_null(f->daemon);
    info = MHD_get_daemon_info(f->daemon, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%u", info->port);
}

/* A loopback URL where nothing listens: a port just freed. */
static void
dead_url(char *out, size_t size)
{
    struct fake_server f;

    fake_start(&f, 200);
    snprintf(out, size, "%s", f.url);
    MHD_stop_daemon(f.daemon);
}

static int
call(const char *urls, long *status)
{
    struct server_settings s = { .url = (char *) urls, .timeout = 5 };
    struct server_client *sc = server_client_create(&s);
    json_t *answer = NULL;
    int r = server_call(sc, "GET", "/agent/v1/sync", NULL, 0, &answer, status);

    json_decref(answer);
    server_client_destroy(sc);
    return r;
}

static void
unreachable_server_is_passed_over(void **state)
{
    struct fake_server b;
    char dead[64], urls[200];
    long status = 0;

    (void) state;
    fake_start(&b, 200);
    dead_url(dead, sizeof dead);
    snprintf(urls, sizeof urls, "%s/, %s", dead, b.url);
    assert_int_equal(call(urls, &status), 0);
    assert_int_equal(status, 200);
    assert_int_equal(b.calls, 1);
    MHD_stop_daemon(b.daemon);
}

static void
unavailable_server_is_passed_over(void **state)
{
    struct fake_server a, b;
    char urls[200];
    long status = 0;

    (void) state;
    fake_start(&a, 503);
    fake_start(&b, 200);
    snprintf(urls, sizeof urls, "%s,%s", a.url, b.url);
    assert_int_equal(call(urls, &status), 0);
    assert_int_equal(status, 200);
    assert_int_equal(a.calls, 1);
    assert_int_equal(b.calls, 1);
    MHD_stop_daemon(a.daemon);
    MHD_stop_daemon(b.daemon);
}

static void
client_errors_are_not_failed_over(void **state)
{
    struct fake_server a, b;
    char urls[200];
    long status = 0;

    (void) state;
    fake_start(&a, 404);
    fake_start(&b, 200);
    snprintf(urls, sizeof urls, "%s,%s", a.url, b.url);
    assert_int_equal(call(urls, &status), -EPROTO);
    assert_int_equal(status, 404);
    assert_int_equal(b.calls, 0);
    MHD_stop_daemon(a.daemon);
    MHD_stop_daemon(b.daemon);
}

static void
all_servers_down_is_unreachable(void **state)
{
    char a[64], b[64], urls[200];
    long status = 0;

    (void) state;
    dead_url(a, sizeof a);
    dead_url(b, sizeof b);
    snprintf(urls, sizeof urls, "%s,%s", a, b);
    assert_int_equal(call(urls, &status), -EAGAIN);
}

static void
the_survivor_keeps_the_calls(void **state)
{
    struct fake_server b;
    struct server_settings s = { .timeout = 5 };
    char dead[64], urls[200];
    struct server_client *sc;
    long status = 0;

    (void) state;
    fake_start(&b, 200);
    dead_url(dead, sizeof dead);
    snprintf(urls, sizeof urls, "%s,%s", dead, b.url);
    s.url = urls;
    sc = server_client_create(&s);
    for (int i = 0; i < 3; i++) {
        json_t *answer = NULL;
        assert_int_equal(server_call(sc, "GET", "/agent/v1/sync", NULL, 0, &answer, &status), 0);
        json_decref(answer);
    }
    assert_int_equal(b.calls, 3);
    server_client_destroy(sc);
    MHD_stop_daemon(b.daemon);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unreachable_server_is_passed_over),
        cmocka_unit_test(unavailable_server_is_passed_over),
        cmocka_unit_test(client_errors_are_not_failed_over),
        cmocka_unit_test(all_servers_down_is_unreachable),
        cmocka_unit_test(the_survivor_keeps_the_calls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
