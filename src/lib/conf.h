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

/* Sets every option of 'table' in 'cfg' to its default. */
void conf_set_defaults(const struct conf_option *table, size_t n, void *cfg);

/* Reads 'files' in order into 'cfg' (which conf_set_defaults() prepared).  Warnings
 * (unknown options) are appended to 'warnings', one per line.  Returns 0, or a
 * negative errno with a message in 'error'. */
int conf_load(const struct conf_option *table, size_t n, void *cfg,
              char *const *files, size_t n_files, struct buf *warnings, struct buf *error);

/* Frees the strings 'cfg' owns. */
void conf_free(const struct conf_option *table, size_t n, void *cfg);

/* Sets '*host' (owned) to the machine's host name when it is NULL or empty: Neutron's
 * default for [DEFAULT] host. */
void conf_default_host(char **host);

/* Parses an oslo-style boolean. Returns 0 or -EINVAL. */
int conf_parse_bool(const char *s, bool *ret);

#endif
