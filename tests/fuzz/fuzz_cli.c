/* libFuzzer target: what the neutrino client parses — clouds.yaml (through libyaml,
 * merged with OS_* and flags), "k=v,k2=v2" option values, command options, and the
 * options of "security group rule create" made into a rule (port ranges, ICMP type and
 * code, protocol, ethertype).  No crash or leak whatever the input; a malformed
 * clouds.yaml is an error message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "cloud.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/neutrino-fuzz-clouds-XXXXXX";

static void
remove_file(void)
{
    unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct opt opts[] = {
        { "enable", OPT_TRUE, NULL }, { "disable", OPT_FALSE, "enable" },
        { "name", OPT_STR, NULL }, { "tag", OPT_LIST, NULL },
        { NULL, 0, NULL },
    };
    char *text = malloc(size + 1);

    memcpy(text, data, size);
    text[size] = '\0';
    if (size && data[0] == 'Y') {
        /* clouds.yaml, cloud "lab". */
        static bool made;
        if (!made) {
            int fd = mkstemp(path);
            if (fd < 0) {
                abort();
            }
            close(fd);
            atexit(remove_file);
            made = true;
            setenv("OS_CLIENT_CONFIG_FILE", path, 1);
        }
        FILE *f = fopen(path, "w");
        fwrite(data + 1, 1, size - 1, f);
        fclose(f);
        struct cloud flags, c;
        struct buf error = BUF_INITIALIZER;
        memset(&flags, 0, sizeof flags);
        flags.name = strdup("lab");
        cloud_load(&flags, &c, &error);
        cloud_done(&c);
        cloud_done(&flags);
        buf_done(&error);
    } else if (size && data[0] == 'R') {
        /* "security group rule create" options, one word a line after the 'R'. */
        char *argv[64];
        int argc = 0;
        for (char *p = text + 1; *p && argc < 64;) {
            argv[argc++] = p;
            p += strcspn(p, "\n");
            if (*p) {
                *p++ = '\0';
            }
        }
        json_t *a = args_parse(sg_rule_create_opts, argc, argv);
        if (a) {
            json_t *body = json_object();
            (void) sg_rule_attrs(a, body);
            json_decref(body);
        }
        json_decref(a);
    } else {
        /* Options: words split at NUL or newline. */
        char *argv[64];
        int argc = 0;
        for (char *p = text; *p && argc < 64;) {
            argv[argc++] = p;
            p += strcspn(p, "\n");
            if (*p) {
                *p++ = '\0';
            }
        }
        json_t *a = args_parse(opts, argc, argv);
        json_decref(a);
        json_decref(arg_kv(text));
    }
    free(text);
    return 0;
}
