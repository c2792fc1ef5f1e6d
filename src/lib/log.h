/* Logging: one line per event on stderr, "time level module: message".  Each .c file
 * names its module once with LOG_MODULE("name"); then log_err/warn/info/debug format
 * like printf.  log_warn_rl() limits a repeating event (a bad client, a flapping link)
 * to a few lines per minute per call site.  Library code returns errors instead of
 * logging; the caller at the boundary logs once. */
#ifndef NEUTRINO_LOG_H
#define NEUTRINO_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level {
    LOG_LEVEL_ERR,
    LOG_LEVEL_WARN,
    LOG_LEVEL_INFO,
    LOG_LEVEL_DEBUG,
};

/* A per-call-site rate limiter: at most 'burst' lines per 60 s window. */
struct log_ratelimit {
    uint64_t window_start_us;   /* Start of the current window. */
    unsigned int count;         /* Lines logged in this window. */
    unsigned int suppressed;    /* Lines dropped in this window. */
};

#define LOG_MODULE(name) static const char *const log_module_ __attribute__((unused)) = (name)

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Copies 'len' bytes of 'in' to 'out' (of 'size' bytes, NUL-terminated), writing
 * newline, carriage return and tab as \n, \r, \t and other control bytes as \xNN;
 * stops before an escape that would not fit.  Returns the bytes written. */
size_t log_escape(char *out, size_t size, const char *in, size_t len);
void log_msg(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Returns true if a line may be logged now at this call site. */
bool log_ratelimit_pass(struct log_ratelimit *rl);
/* Logs each line of 'text' (e.g. a configuration's warnings) as a line of its own. */
void log_lines(enum log_level level, const char *module, const char *text);

#define log_err(...) log_msg(LOG_LEVEL_ERR, log_module_, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, log_module_, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, log_module_, __VA_ARGS__)
#define log_warn_lines(text) log_lines(LOG_LEVEL_WARN, log_module_, text)
#define log_debug(...)                                                     \
    do {                                                                   \
        if (log_get_level() >= LOG_LEVEL_DEBUG) {                          \
            log_msg(LOG_LEVEL_DEBUG, log_module_, __VA_ARGS__);            \
        }                                                                  \
    } while (0)
#define log_warn_rl(...)                                                   \
    do {                                                                   \
        static struct log_ratelimit rl_;                                   \
        if (log_ratelimit_pass(&rl_)) {                                    \
            log_msg(LOG_LEVEL_WARN, log_module_, __VA_ARGS__);             \
        }                                                                  \
    } while (0)

#endif
