/* Line-oriented logging to stderr with levels and per-call-site rate limiting
 * (see log.h).  A line is written with one write() so lines from worker threads
 * never interleave. */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

enum { LOG_RL_BURST = 10, LOG_RL_WINDOW_US = 60 * 1000000 };

static enum log_level log_level_ = LOG_LEVEL_INFO;
static pthread_mutex_t log_rl_mutex = PTHREAD_MUTEX_INITIALIZER;

void
log_set_level(enum log_level level)
{
    log_level_ = level;
}

enum log_level
log_get_level(void)
{
    return log_level_;
}

size_t
log_escape(char *out, size_t size, const char *in, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char) in[i];
        char esc[4];
        size_t w = 1;

        esc[0] = (char) ch;
        if (ch == '\n' || ch == '\r' || ch == '\t') {
            esc[0] = '\\';
            esc[1] = ch == '\n' ? 'n' : ch == '\r' ? 'r' : 't';
            w = 2;
        } else if (ch < 0x20 || ch == 0x7f) {
            esc[0] = '\\';
            esc[1] = 'x';
            esc[2] = hex[ch >> 4];
            esc[3] = hex[ch & 15];
            w = 4;
        }
        if (n + w >= size) {
            break;              /* Never cut an escape in half. */
        }
        memcpy(out + n, esc, w);
        n += w;
    }
    if (size) {
        out[n] = '\0';
    }
    return n;
}

void
log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    static const char *const names[] = { "ERROR", "WARNING", "INFO", "DEBUG" };
    char text[2048], line[2048];
    struct timespec ts;
    struct tm tm;
    va_list ap;
    int n, m;

    if (level > log_level_) {
        return;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s: ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                 tm.tm_sec, ts.tv_nsec / 1000000, names[level], module);
    va_start(ap, fmt);
    m = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (m < 0) {
        return;
    }
    /* Messages quote what clients send (paths, user names): a control character must
     * not start a forged line or move a terminal's cursor, so every one is escaped. */
    n += (int) log_escape(line + n, sizeof line - (size_t) n - 1, text,
                          strnlen(text, sizeof text));
    line[n++] = '\n';
    (void) !write(STDERR_FILENO, line, (size_t) n);
}

void
log_lines(enum log_level level, const char *module, const char *text)
{
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        log_msg(level, module, "%.*s", (int) len, p);
        p += len + (p[len] == '\n');
    }
}

bool
log_ratelimit_pass(struct log_ratelimit *rl)
{
    uint64_t now = time_mono_us();
    bool pass;

    pthread_mutex_lock(&log_rl_mutex);
    if (now - rl->window_start_us > LOG_RL_WINDOW_US) {
        rl->window_start_us = now;
        rl->count = 0;
        rl->suppressed = 0;
    }
    pass = rl->count < LOG_RL_BURST;
    if (pass) {
        rl->count++;
    } else {
        rl->suppressed++;
    }
    pthread_mutex_unlock(&log_rl_mutex);
    return pass;
}
