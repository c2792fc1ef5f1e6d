/* Unit tests for src/lib/log.h: client text that reaches a log line cannot start a
 * line of its own or send terminal escapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

static void
escape(const char *in, size_t size, char *out)
{
    log_escape(out, size, in, strlen(in));
}

static void
test_printable_text_is_unchanged(void **state)
{
    char out[64];

    (void) state;
    escape("GET /v2.0/networks?name=caf\xc3\xa9", sizeof out, out);
    assert_string_equal(out, "GET /v2.0/networks?name=caf\xc3\xa9");
}

static void
test_control_characters_are_escaped(void **state)
{
    char out[128];

    (void) state;
    escape("/x\r\n2026-12-06T00:00:00.000Z ERROR fake\x1b[2J\x7f\t", sizeof out, out);
    assert_string_equal(out, "/x\\r\\n2026-12-06T00:00:00.000Z ERROR fake\\x1b[2J\\x7f\\t");
}

static void
test_an_escape_is_never_cut(void **state)
{
    char out[6];

    (void) state;
    /* "ab" fits, "\x1b" (4 bytes) would need 7 with the NUL: it is left out whole. */
    assert_int_equal(log_escape(out, sizeof out, "ab\x1b", 3), 2);
    assert_string_equal(out, "ab");
}

/* The whole line: what log_msg writes to stderr is one line whatever the message. */
static void
test_a_message_is_one_line(void **state)
{
    int fds[2], saved;
    char got[4096];
    ssize_t n;

    (void) state;
    assert_int_equal(pipe(fds), 0);
    saved = dup(STDERR_FILENO);
    dup2(fds[1], STDERR_FILENO);
    log_msg(LOG_LEVEL_ERR, "test", "user %s", "x\nERROR forged\r");
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fds[1]);
    n = read(fds[0], got, sizeof got - 1);
    close(fds[0]);
    assert_true(n > 0);
    got[n] = '\0';
    assert_non_null(strstr(got, "ERROR test: user x\\nERROR forged\\r\n"));
    assert_ptr_equal(strchr(got, '\n'), got + n - 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printable_text_is_unchanged),
        cmocka_unit_test(test_control_characters_are_escaped),
        cmocka_unit_test(test_an_escape_is_never_cut),
        cmocka_unit_test(test_a_message_is_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
