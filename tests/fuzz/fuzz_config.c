/* libFuzzer target: configuration files through the server's option table and ML2's
 * range parsing.  Bad files must be refused with a message, never crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "ml2/ml2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/neutrino-fuzz-conf-XXXXXX";
    int fd = mkstemp(path);
    struct buf warnings = BUF_INITIALIZER, error = BUF_INITIALIZER;
    struct server_config cfg;
    char *files[1] = { path };

    if (fd < 0) {
        return 0;
    }
    if (write(fd, data, size) != (ssize_t) size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    if (server_config_load(&cfg, files, 1, &warnings, &error) == 0) {
        struct ml2 *m = NULL;
        if (ml2_create(&cfg, &m, &error) == 0) {
            ml2_destroy(m);
        } else if (error.len == 0) {
            abort();    /* A refusal must say why. */
        }
    } else if (error.len == 0) {
        abort();
    }
    server_config_done(&cfg);
    buf_done(&warnings);
    buf_done(&error);
    unlink(path);
    return 0;
}
