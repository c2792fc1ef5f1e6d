/* The zones a scheduler keeps a resource in (core/availability_zone.h): its hints
 * sorted and each once, else the configured default list read as oslo.config reads a
 * list option. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "config.h"
#include "core/availability_zone.h"

/* 'zones' as compact JSON text (to free()). */
static char *
text_of(json_t *zones)
{
    char *text = json_dumps(zones, JSON_COMPACT);

    json_decref(zones);
    return text;
}

static void
hints_win_sorted_and_once(void **state)
{
    struct server_config cfg = { .default_availability_zones = "dflt" };
    char *t = text_of(az_effective_hints(&cfg, "[\"zb\",\"za\",\"zb\"]"));

    assert_string_equal(t, "[\"za\",\"zb\"]");
    free(t);
}

static void
no_hints_take_the_defaults(void **state)
{
    struct server_config cfg = { .default_availability_zones = " z2 ,, z1\t, " };
    char *t = text_of(az_effective_hints(&cfg, "[]"));

    assert_string_equal(t, "[\"z1\",\"z2\"]");
    free(t);
    t = text_of(az_effective_hints(&cfg, NULL));
    assert_string_equal(t, "[\"z1\",\"z2\"]");
    free(t);
    cfg.default_availability_zones = "";
    t = text_of(az_effective_hints(&cfg, "[]"));
    assert_string_equal(t, "[]");
    free(t);
}

static void
empty_zones_allow_any_agent(void **state)
{
    json_t *none = json_array(), *some = json_pack("[s,s]", "za", "zb");

    assert_true(az_hints_allow(none, "anything"));
    assert_true(az_hints_allow(none, NULL));
    assert_true(az_hints_allow(some, "zb"));
    assert_false(az_hints_allow(some, "zc"));
    /* An agent that reports no zone is in none of them. */
    assert_false(az_hints_allow(some, NULL));
    json_decref(none);
    json_decref(some);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hints_win_sorted_and_once),
        cmocka_unit_test(no_hints_take_the_defaults),
        cmocka_unit_test(empty_zones_allow_any_agent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
