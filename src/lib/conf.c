/* Ini-file configuration driven by an option table (see conf.h). */
#include "conf.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util.h"

/* A value as read, before interpolation and conversion. */
struct conf_raw {
    char *section;
    char *key;
    char *value;
    const char *file;
    int line;
};

struct conf_reader {
    const struct conf_option *table;
    size_t n;
    const char *file;
    struct conf_raw *raws;      /* Every assignment read, in order. */
    size_t n_raws, cap_raws;
    FILE *fp;                   /* File being read. */
    int line;                   /* Current line, tracked for messages. */
    struct buf *warnings;
};

static const struct conf_option *
conf_find(const struct conf_option *table, size_t n, const char *section, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcasecmp(table[i].section, section) && STREQ(table[i].key, key)) {
            return &table[i];
        }
    }
    return NULL;
}

int
conf_parse_bool(const char *s, bool *ret)
{
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcasecmp(s, yes[i])) {
            *ret = true;
            return 0;
        }
        if (!strcasecmp(s, no[i])) {
            *ret = false;
            return 0;
        }
    }
    return -EINVAL;
}

/* Converts 'text' for option 'o' and stores it in 'cfg'. */
static int
conf_store(const struct conf_option *o, void *cfg, const char *text, struct buf *error)
{
    char *field = (char *) cfg + o->offset;

    switch (o->type) {
    case CONF_STR: {
        char **p = (char **) field;
        free(*p);
        *p = text ? xstrdup(text) : NULL;
        return 0;
    }
    case CONF_INT: {
        char *end;
        long v;

        errno = 0;
        v = strtol(text, &end, 10);
        if (!*text || *end || errno || v < o->min || v > o->max) {
            buf_printf(error, "[%s] %s = '%s': expected an integer from %ld to %ld",
                       o->section, o->key, text, o->min, o->max);
            return -EINVAL;
        }
        *(int *) field = (int) v;
        return 0;
    }
    case CONF_BOOL:
        if (conf_parse_bool(text, (bool *) field) < 0) {
            buf_printf(error, "[%s] %s = '%s': expected a boolean", o->section, o->key, text);
            return -EINVAL;
        }
        return 0;
    }
    return -EINVAL;
}

static void
conf_set_defaults(const struct conf_option *table, size_t n, void *cfg)
{
    struct buf ignored = BUF_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        if (table[i].def || table[i].type == CONF_STR) {
            int r = conf_store(&table[i], cfg, table[i].def, &ignored);
            (void) r;   /* Defaults are ours; a bad one is caught by the unit tests. */
        }
    }
    buf_done(&ignored);
}

/* Debian's inih does not pass line numbers to handlers, so the reader counts them. */
static char *
conf_read_line(char *str, int num, void *stream)
{
    struct conf_reader *r = stream;
    char *line = fgets(str, num, r->fp);

    if (line) {
        r->line++;
    }
    return line;
}

static int
conf_ini_handler(void *user, const char *section, const char *key, const char *value)
{
    struct conf_reader *r = user;
    struct conf_raw *raw;

    if (!key) {
        return 1;   /* A section header. */
    }
    if (r->n_raws == r->cap_raws) {
        r->cap_raws = r->cap_raws ? 2 * r->cap_raws : 32;
        r->raws = xrealloc(r->raws, r->cap_raws * sizeof *r->raws);
    }
    raw = &r->raws[r->n_raws++];
    raw->section = xstrdup(section);
    raw->key = xstrdup(key);
    raw->value = xstrdup(value ? value : "");
    raw->file = r->file;
    raw->line = r->line;
    return 1;
}

/* inih silently splits lines longer than its buffer; refuse them instead so a long
 * "connection =" is never truncated. */
static int
conf_check_line_lengths(const char *file, struct buf *error)
{
    FILE *f = fopen(file, "r");
    int line = 1, col = 0, c;

    if (!f) {
        buf_printf(error, "%s: %s", file, strerror(errno));
        return -errno;
    }
    while ((c = getc(f)) != EOF) {
        if (c == '\n') {
            line++;
            col = 0;
        } else if (++col > CONF_MAX_LINE) {
            buf_printf(error, "%s:%d: line longer than %d characters", file, line,
                       CONF_MAX_LINE);
            fclose(f);
            return -E2BIG;
        }
    }
    fclose(f);
    return 0;
}

/* Returns the last [DEFAULT] value of 'name' read so far, or NULL. */
static const char *
conf_default_value(const struct conf_reader *r, const char *name, size_t len)
{
    for (size_t i = r->n_raws; i-- > 0;) {
        if (!strcasecmp(r->raws[i].section, "DEFAULT") && strlen(r->raws[i].key) == len
            && !strncmp(r->raws[i].key, name, len)) {
            return r->raws[i].value;
        }
    }
    return NULL;
}

/* Expands $name and ${name} references to [DEFAULT] options; "$$", and a '$' that no
 * name follows, are a literal '$'. */
static char *
conf_interpolate(const struct conf_reader *r, const struct conf_option *table, size_t n,
                 void *cfg, const char *value)
{
    struct buf out = BUF_INITIALIZER;

    for (const char *p = value; *p;) {
        if (*p != '$') {
            buf_add_char(&out, *p++);
            continue;
        }
        if (p[1] == '$') {
            buf_add_char(&out, '$');
            p += 2;
            continue;
        }
        bool braced = p[1] == '{';
        const char *name = p + 1 + braced;
        size_t len = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
        if (!len && !braced) {
            /* No name follows: a literal '$', as oslo.config leaves it (a regular
             * expression's end anchor, say). */
            buf_add_char(&out, *p++);
            continue;
        }
        const char *v = conf_default_value(r, name, len);
        if (!v) {
            /* Fall back to a [DEFAULT] string option's default, e.g. state_path. */
            for (size_t i = 0; i < n; i++) {
                if (!strcasecmp(table[i].section, "DEFAULT") && strlen(table[i].key) == len
                    && !strncmp(table[i].key, name, len) && table[i].type == CONF_STR) {
                    v = *(char **) ((char *) cfg + table[i].offset);
                }
            }
        }
        buf_add_str(&out, v ? v : "");
        p = name + len + (braced && name[len] == '}');
    }
    return buf_steal(&out);
}

int
conf_load(const struct conf_option *table, size_t n, void *cfg, size_t size,
          char *const *files, size_t n_files, struct buf *warnings, struct buf *error)
{
    struct conf_reader r = { .table = table, .n = n, .warnings = warnings };
    int ret = 0;

    memset(cfg, 0, size);
    conf_set_defaults(table, n, cfg);
    for (size_t f = 0; f < n_files && !ret; f++) {
        int line;

        r.file = files[f];
        ret = conf_check_line_lengths(files[f], error);
        if (ret) {
            break;
        }
        r.fp = fopen(files[f], "r");
        if (!r.fp) {
            buf_printf(error, "%s: %s", files[f], strerror(errno));
            ret = -errno;
            break;
        }
        r.line = 0;
        line = ini_parse_stream(conf_read_line, &r, conf_ini_handler, &r);
        fclose(r.fp);
        if (line != 0) {
            buf_printf(error, "%s:%d: cannot parse", files[f], line);
            ret = line < 0 ? -EIO : -EINVAL;
        }
    }
    for (size_t i = 0; i < r.n_raws && !ret; i++) {
        const struct conf_raw *raw = &r.raws[i];
        const struct conf_option *o = conf_find(table, n, raw->section, raw->key);
        char *value;

        if (!o) {
            buf_printf(warnings, "%s:%d: unknown option [%s] %s, ignoring\n", raw->file,
                       raw->line, raw->section, raw->key);
            continue;
        }
        value = strchr(raw->value, '$') ? conf_interpolate(&r, table, n, cfg, raw->value)
                                        : xstrdup(raw->value);
        if (conf_store(o, cfg, value, error) < 0) {
            struct buf where = BUF_INITIALIZER;
            buf_printf(&where, "%s:%d: %s", raw->file, raw->line, buf_cstr(error));
            buf_clear(error);
            buf_add_str(error, buf_cstr(&where));
            buf_done(&where);
            ret = -EINVAL;
        }
        free(value);
    }
    for (size_t i = 0; i < r.n_raws; i++) {
        free(r.raws[i].section);
        free(r.raws[i].key);
        free(r.raws[i].value);
    }
    free(r.raws);
    return ret;
}

void
conf_free(const struct conf_option *table, size_t n, void *cfg)
{
    for (size_t i = 0; i < n; i++) {
        if (table[i].type == CONF_STR) {
            char **p = (char **) ((char *) cfg + table[i].offset);
            free(*p);
            *p = NULL;
        }
    }
}

char *
conf_list_next(const char **p)
{
    size_t len;
    char *item;

    if (!*p || !**p) {
        return NULL;
    }
    len = strcspn(*p, ",");
    item = xstrndup(*p, len);
    *p += len + ((*p)[len] == ',');
    return item;
}

void
conf_default_host(char **host)
{
    char name[256];

    if (*host && **host) {
        return;
    }
    if (gethostname(name, sizeof name)) {
        snprintf(name, sizeof name, "localhost");
    }
    name[sizeof name - 1] = '\0';
    free(*host);
    *host = xstrdup(name);
}

int
conf_check_interface_driver(const char *driver, struct buf *error)
{
    if (!driver || !*driver) {
        buf_printf(error, "[DEFAULT] interface_driver must be set (linuxbridge)");
        return -EINVAL;
    }
    if (!STREQ(driver, "linuxbridge")
        && !STREQ(driver, "neutron.agent.linux.interface.BridgeInterfaceDriver")) {
        buf_printf(error, "[DEFAULT] interface_driver = %s is not supported: only linuxbridge",
                   driver);
        return -EINVAL;
    }
    return 0;
}
