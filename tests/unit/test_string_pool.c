/* Unit tests for the agent's pool of shared strings (src/agent/string_pool.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "string_pool.h"

static void
test_same_text_is_stored_once(void **state)
{
    struct string_pool *pool = string_pool_create();
    char line[] = "-m conntrack --ctstate INVALID -j DROP";

    (void) state;
    const char *a = string_pool_add(pool, line, strlen(line));
    line[0] = 'X';              /* The pool keeps its own copy. */
    const char *b = string_pool_add(pool, "-m conntrack --ctstate INVALID -j DROP", 38);
    assert_ptr_equal(a, b);
    assert_string_equal(a, "-m conntrack --ctstate INVALID -j DROP");
    assert_int_equal(string_pool_count(pool), 1);
    assert_int_equal(string_pool_text_size(pool), 39);
    string_pool_destroy(pool);
}

/* 'len' counts: a prefix of a stored string is a string of its own, and so is "". */
static void
test_prefixes_are_other_strings(void **state)
{
    struct string_pool *pool = string_pool_create();

    (void) state;
    const char *whole = string_pool_add(pool, "-j RETURN", 9);
    const char *prefix = string_pool_add(pool, "-j RETURN", 2);
    const char *empty = string_pool_add(pool, "", 0);
    assert_ptr_not_equal(whole, prefix);
    assert_string_equal(prefix, "-j");
    assert_string_equal(empty, "");
    assert_ptr_equal(string_pool_add(pool, "-j", 2), prefix);
    assert_int_equal(string_pool_count(pool), 3);
    string_pool_destroy(pool);
}

/* Many strings (the hash grows, the text spans blocks) and long ones (blocks of their
 * own) all stay where they were first put. */
static void
test_many_and_long_strings_keep_their_place(void **state)
{
    enum { N = 50000 };
    struct string_pool *pool = string_pool_create();
    const char **first = calloc(N, sizeof *first);
    size_t long_size = 40000;
    char *long_text = malloc(long_size + 1);
    char text[64];

    (void) state;
    memset(long_text, 'a', long_size);
    long_text[long_size] = '\0';
    for (int i = 0; i < N; i++) {
        int len = snprintf(text, sizeof text, "-s 10.%d.%d.%d/32 -j RETURN", i >> 16,
                           (i >> 8) & 255, i & 255);
        first[i] = string_pool_add(pool, text, (size_t) len);
        if (i % 10000 == 0) {
            long_text[0] = (char) ('A' + i / 10000);
            assert_string_equal(string_pool_add(pool, long_text, long_size), long_text);
        }
    }
    assert_int_equal(string_pool_count(pool), N + 5);
    for (int i = 0; i < N; i++) {
        int len = snprintf(text, sizeof text, "-s 10.%d.%d.%d/32 -j RETURN", i >> 16,
                           (i >> 8) & 255, i & 255);
        assert_ptr_equal(string_pool_add(pool, text, (size_t) len), first[i]);
        assert_string_equal(first[i], text);
    }
    assert_int_equal(string_pool_count(pool), N + 5);
    free(first);
    free(long_text);
    string_pool_destroy(pool);
    string_pool_destroy(NULL);
}

/* A sealed pool has no index; adding to it again finds the strings it holds. */
static void
test_a_sealed_pool_still_finds_its_strings(void **state)
{
    struct string_pool *pool = string_pool_create();
    const char *kept[3000];
    char text[64];

    (void) state;
    for (int i = 0; i < 3000; i++) {
        int len = snprintf(text, sizeof text, "-d 10.0.%d.%d/32 -j RETURN", i >> 8, i & 255);
        kept[i] = string_pool_add(pool, text, (size_t) len);
    }
    string_pool_seal(pool);
    string_pool_seal(pool);
    for (int i = 0; i < 3000; i++) {
        int len = snprintf(text, sizeof text, "-d 10.0.%d.%d/32 -j RETURN", i >> 8, i & 255);
        assert_ptr_equal(string_pool_add(pool, text, (size_t) len), kept[i]);
    }
    assert_int_equal(string_pool_count(pool), 3000);
    assert_string_equal(string_pool_add(pool, "-j DROP", 7), "-j DROP");
    assert_int_equal(string_pool_count(pool), 3001);
    string_pool_destroy(pool);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_text_is_stored_once),
        cmocka_unit_test(test_prefixes_are_other_strings),
        cmocka_unit_test(test_many_and_long_strings_keep_their_place),
        cmocka_unit_test(test_a_sealed_pool_still_finds_its_strings),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
