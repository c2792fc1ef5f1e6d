/* Small helpers every program shares: allocation that never returns NULL, string
 * duplication, array sizes, and time stamps.  Out-of-memory is the one condition we
 * treat as fatal, in one place (xalloc_die), because inputs are bounded everywhere
 * else and no client can drive us there. */
#ifndef NEUTRINO_UTIL_H
#define NEUTRINO_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STREQ(a, b) (strcmp((a), (b)) == 0)

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);
/* Like asprintf() but aborts on allocation failure. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Returns true if 's' starts with 'prefix'. */
bool str_startswith(const char *s, const char *prefix);

/* Monotonic clock in microseconds, for durations. */
uint64_t time_mono_us(void);

/* Formats the current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into 'out' (21 bytes). */
void time_iso8601_now(char out[21]);

/* Fills 'out' (37 bytes) with a new random lower-case UUID4 string. */
void uuid_new(char out[37]);

/* Returns true if 's' is a UUID in 8-4-4-4-12 hex form (either case). */
bool uuid_is_valid(const char *s);

/* Fills 'buf' with 'size' cryptographically random bytes (getrandom()). */
void random_bytes(void *buf, size_t size);

/* Returns a uniformly distributed random number in [0, bound) (bound > 0). */
uint64_t random_below(uint64_t bound);

#endif
