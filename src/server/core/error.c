/* Filling domain errors; see error.h. */
#include "error.h"

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
    err->kind = API_ERR_INTERNAL;
    err->errnum = errnum;
    snprintf(err->message, sizeof err->message, "%s", strerror(-errnum));
    return -1;
}
