/* Unit tests for reading Accept-Encoding (http/static_files.h accepts_gzip()): the
 * dashboard's files go gzip-compressed only to a client that asked for gzip in a
 * header we fully understood; anything else gets the files as they are. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/static_files.h"

static void
test_gzip_asked_for(void **state)
{
    (void) state;
    static const char *yes[] = {
        "gzip", "GZIP", "x-gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8",
        "*", "*;q=0.5", "deflate, *", "gzip;q=1", "gzip;q=0.001", "gzip ; q=0.5",
        " gzip ,", ",gzip", "identity;q=0, gzip", "gzip;Q=0.5",
    };
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (!accepts_gzip(yes[i])) {
            fail_msg("should accept gzip: \"%s\"", yes[i]);
        }
    }
}

static void
test_gzip_not_asked_for(void **state)
{
    (void) state;
    static const char *no[] = {
        "", " ", ",", "identity", "deflate, br", "gzip;q=0", "gzip;q=0.000", "*;q=0",
        "gzip;q=0, *", "*, gzip;q=0", "gzipx", "gzi", "x-gzip;q=0",
    };
    assert_false(accepts_gzip(NULL));
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        if (accepts_gzip(no[i])) {
            fail_msg("should not accept gzip: \"%s\"", no[i]);
        }
    }
}

/* A header we do not fully understand is not read as asking for gzip. */
static void
test_malformed_headers_get_no_gzip(void **state)
{
    (void) state;
    static const char *bad[] = {
        "gzip;q=2", "gzip;q=1.5", "gzip;q=1.001", "gzip;q=0.0001", "gzip;q=", "gzip;q",
        "gzip;q=abc", "gzip;level=9", "gzip;", "gzip q=1", "gzip;q=0.5x", "gzip/1",
        "gzip\x01", "\"gzip\"", "gzip;q=.5", "gzip;q=-1", "gzip, ;q=1", "gzip;;q=1",
        "gzip,\xff", "gzip\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (accepts_gzip(bad[i])) {
            fail_msg("malformed, should not accept gzip: \"%s\"", bad[i]);
        }
    }
}

static void
test_long_headers_are_not_read(void **state)
{
    (void) state;
    char header[1100];
    size_t n = 0;

    /* "gzip" first, then commas: 1,024 characters are read, 1,025 are not. */
    memcpy(header, "gzip", 4);
    n = 4;
    while (n < 1024) {
        header[n++] = ',';
    }
    header[n] = '\0';
    assert_true(accepts_gzip(header));
    header[n++] = ',';
    header[n] = '\0';
    assert_false(accepts_gzip(header));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gzip_asked_for),
        cmocka_unit_test(test_gzip_not_asked_for),
        cmocka_unit_test(test_malformed_headers_get_no_gzip),
        cmocka_unit_test(test_long_headers_are_not_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
