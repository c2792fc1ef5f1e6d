/* libFuzzer target: reading Accept-Encoding (http/static_files.h accepts_gzip()), a
 * header any client sends.  Besides not crashing: a header that names neither gzip nor
 * "*" never gets gzip, and naming gzip with q=0 after it always takes gzip back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/static_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
names_gzip_or_any(const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '*' || !strncasecmp(p, "gzip", 4)) {
            return true;
        }
    }
    return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *header = malloc(size + 16);

    memcpy(header, data, size);
    header[size] = '\0';
    if (accepts_gzip(header) && !names_gzip_or_any(header)) {
        abort();
    }
    /* A well-formed list ending in "gzip;q=0" refuses gzip, whatever came before. */
    strcpy(header + strlen(header), ",gzip;q=0");
    if (accepts_gzip(header)) {
        abort();
    }
    free(header);
    return 0;
}
