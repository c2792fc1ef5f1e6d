/* Allocation wrappers, time and id helpers shared by all programs (see util.h). */
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <uuid/uuid.h>

static void __attribute__((noreturn))
xalloc_die(void)
{
    fputs("neutrino: out of memory\n", stderr);
    abort();
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) {
        xalloc_die();
    }
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        xalloc_die();
    }
    return p;
}

void *
xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p) {
        xalloc_die();
    }
    return p;
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t len)
{
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0) {
        xalloc_die();
    }
    va_end(ap);
    return s;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
    char *s;

    if (vasprintf(&s, fmt, ap) < 0) {
        xalloc_die();
    }
    return s;
}

bool
str_startswith(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

uint64_t
time_mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

void
time_iso8601_now(char out[21])
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
uuid_new(char out[37])
{
    uuid_t u;

    uuid_generate_random(u);
    uuid_unparse_lower(u, out);
}

bool
uuid_is_valid(const char *s)
{
    static const int dash_at[] = { 8, 13, 18, 23 };
    size_t d = 0;

    for (int i = 0; i < 36; i++) {
        if (d < ARRAY_SIZE(dash_at) && i == dash_at[d]) {
            if (s[i] != '-') {
                return false;
            }
            d++;
        } else if (!isxdigit((unsigned char) s[i])) {
            return false;
        }
    }
    return s[36] == '\0';
}

void
random_bytes(void *buf, size_t size)
{
    uint8_t *p = buf;

    while (size > 0) {
        ssize_t n = getrandom(p, size, 0);
        if (n <= 0) {
            continue;   /* EINTR; getrandom() never fails otherwise once seeded. */
        }
        p += n;
        size -= (size_t) n;
    }
}

uint64_t
random_below(uint64_t bound)
{
    /* Rejection sampling so every value is equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t r;

    do {
        random_bytes(&r, sizeof r);
    } while (r >= limit);
    return r % bound;
}
