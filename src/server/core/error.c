/* Filling domain errors; see error.h. */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int error_vset(struct api_error *err, enum api_err kind, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static int
error_vset(struct api_error *err, enum api_err kind, const char *fmt, va_list ap)
{
    err->kind = kind;
    err->errnum = 0;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return -1;
}

int
api_error_set(struct api_error *err, enum api_err kind, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vset(err, kind, fmt, ap);
    va_end(ap);
    return -1;
}

int
api_error_invalid(struct api_error *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vset(err, API_ERR_INVALID_INPUT, fmt, ap);
    va_end(ap);
    return -1;
}

int
api_error_internal(struct api_error *err, int errnum)
{
    if (errnum == -ENOSPC) {
        /* Reads go on; writes wait for the operator to free space. */
        return api_error_set(err, API_ERR_STORAGE_FULL, "The server cannot write: the disk"
                             " holding its database is full. Reads still work; try the"
                             " request again later.");
    }
    err->kind = API_ERR_INTERNAL;
    err->errnum = errnum;
    snprintf(err->message, sizeof err->message, "%s", strerror(-errnum));
    return -1;
}
