/* Table-driven reading of Neutron-style ini files (inih underneath).  Each program
 * describes its options once — section, key, type, default, bounds, and where the
 * value lands in its config struct — and conf_load() fills the struct from any number
 * of files, later files overriding earlier ones, as oslo.config does.
 *
 * Unknown options are not errors: they are reported back as warnings (Neutron's files
 * carry many options that mean nothing here).  Bad values, unreadable files and lines
 * too long for inih are errors naming the file and line.  String values may refer to
 * [DEFAULT] options as $name or ${name} (oslo.config interpolation). */
#ifndef NEUTRINO_CONF_H
#define NEUTRINO_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum conf_type {
    CONF_STR,   /* char *, owned by the config struct. */
    CONF_INT,   /* int, checked against [min, max]. */
    CONF_BOOL,  /* bool: true/false, yes/no, on/off, 1/0. */
};

struct conf_option {
    const char *section;    /* "DEFAULT", "database", "ml2", ... (case-insensitive). */
    const char *key;        /* Option name. */
    enum conf_type type;
    size_t offset;          /* offsetof() the field in the program's config struct. */
    const char *def;        /* Default value as text; NULL means an unset string. */
    long min, max;          /* Bounds for CONF_INT. */
};

/* The longest line Debian 12's inih reads whole; longer lines are refused. */
#define CONF_MAX_LINE 199

/* Entries of a table for the config struct 'type', one per option, the value landing
 * in its member 'field'.  A program's table names its struct once:
 * #define STR(...) CONF_OPT_STR(struct my_config, __VA_ARGS__) */
#define CONF_OPT_STR(type, sec, key, field, def) \
    { sec, key, CONF_STR, offsetof(type, field), def, 0, 0 }
#define CONF_OPT_INT(type, sec, key, field, def, lo, hi) \
    { sec, key, CONF_INT, offsetof(type, field), def, lo, hi }
#define CONF_OPT_BOOL(type, sec, key, field, def) \
    { sec, key, CONF_BOOL, offsetof(type, field), def, 0, 0 }

/* Fills 'cfg' (a struct of 'size' bytes): everything zero, every option of 'table' at
 * its default, then 'files' read in order.  Warnings (unknown options) are appended to
 * 'warnings', one per line.  Returns 0, or a negative errno with a message in 'error'
 * (conf_free() 'cfg' either way). */
int conf_load(const struct conf_option *table, size_t n, void *cfg, size_t size,
              char *const *files, size_t n_files, struct buf *warnings, struct buf *error);

/* Frees the strings 'cfg' owns. */
void conf_free(const struct conf_option *table, size_t n, void *cfg);

/* Sets '*host' (owned) to the machine's host name when it is NULL or empty: Neutron's
 * default for [DEFAULT] host. */
void conf_default_host(char **host);

/* An agent's [DEFAULT] interface_driver: it must be set, to Neutron's linux-bridge
 * driver (the alias "linuxbridge" or its class name), the only one neutrino has.
 * Returns 0, or -EINVAL with the reason in 'error'. */
int conf_check_interface_driver(const char *driver, struct buf *error);

/* The next item of the comma-separated list at '*p' (an owned copy, blanks and all),
 * with '*p' moved past it; NULL at the end of the list (or when '*p' is NULL). */
char *conf_list_next(const char **p);

/* Parses an oslo-style boolean. Returns 0 or -EINVAL. */
int conf_parse_bool(const char *s, bool *ret);

#endif
