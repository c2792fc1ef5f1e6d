/* The instances' DHCP client. */
#include "dhcp_client.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns.h"
#include "util.h"

/* busybox exports mask as a prefix length, option 121 as "staticroutes" and 249 as
 * "msstaticroutes" ("dst/len gw dst/len gw ...").  The lease file appears whole. */
static const char udhcpc_script[] =
    "#!/bin/sh\n"
    "# The lab's udhcpc script: only `ip` inside the instance, and a lease file.\n"
    "case \"$1\" in\n"
    "deconfig)\n"
    "    ip addr flush dev \"$interface\"\n"
    "    ip link set dev \"$interface\" up\n"
    "    ;;\n"
    "bound|renew)\n"
    "    [ -n \"$mtu\" ] && ip link set dev \"$interface\" mtu \"$mtu\"\n"
    "    ip addr flush dev \"$interface\"\n"
    "    ip addr add \"$ip/$mask\" dev \"$interface\"\n"
    "    [ -n \"$router\" ] && ip route replace default via \"${router%% *}\" dev"
    " \"$interface\" onlink\n"
    "    {\n"
    "        for k in ip mask router dns domain hostname mtu lease serverid; do\n"
    "            eval \"v=\\${$k}\"\n"
    "            printf '%s=%s\\n' \"$k\" \"$v\"\n"
    "        done\n"
    "        [ -n \"$staticroutes\" ] && printf 'staticroutes=%s\\n' \"$staticroutes\"\n"
    "        [ -n \"$msstaticroutes\" ] && printf 'msstaticroutes=%s\\n' \"$msstaticroutes\"\n"
    "    } > \"$LAB_LEASE_FILE.tmp\"\n"
    "    mv \"$LAB_LEASE_FILE.tmp\" \"$LAB_LEASE_FILE\"\n"
    "    ;;\n"
    "esac\n"
    "exit 0\n";

int
dhcp_client_install(const char *dir)
{
    char *path = xasprintf("%s/udhcpc.sh", dir);
    FILE *f = fopen(path, "we");
    int r = -1;

    if (f) {
        r = fputs(udhcpc_script, f) < 0 ? -1 : 0;
        r |= fclose(f) ? -1 : 0;
        chmod(path, 0755);
    }
    free(path);
    return r;
}

int
dhcp_client_run(const char *netns, const char *dir, const char *lease_file, int tries,
                const char *hostname, bool quiet)
{
    char *script = xasprintf("%s/udhcpc.sh", dir);
    char *env_lease = xasprintf("LAB_LEASE_FILE=%s", lease_file);
    char *tmp = xasprintf("%s.tmp", lease_file);
    char *host = xasprintf("hostname:%s", hostname);
    char tries_text[16];
    int fd = netns_open(netns), status = -1;

    snprintf(tries_text, sizeof tries_text, "%d", tries);
    unlink(lease_file);
    unlink(tmp);
    if (fd >= 0) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            char *argv[] = { (char *) "busybox", (char *) "udhcpc", (char *) "-i",
                             (char *) "eth0", (char *) "-f", (char *) "-q", (char *) "-n",
                             (char *) "-t", tries_text, (char *) "-T", (char *) "1",
                             (char *) "-A", (char *) "1", (char *) "-O", (char *) "mtu",
                             (char *) "-O", (char *) "staticroutes", (char *) "-O",
                             (char *) "msstaticroutes", (char *) "-x", host, (char *) "-s",
                             script, NULL };
            int null = open("/dev/null", O_RDWR);
            if (setns(fd, CLONE_NEWNET)) {
                _exit(126);
            }
            dup2(null, 0);
            if (quiet) {
                dup2(null, 1);
                dup2(null, 2);
            }
            putenv(env_lease);
            execvp("busybox", argv);
            _exit(127);
        }
        if (pid > 0 && waitpid(pid, &status, 0) == pid) {
            status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        close(fd);
    }
    free(script);
    free(env_lease);
    free(tmp);
    free(host);
    return status;
}

char *
dhcp_lease_get(const char *lease_file, const char *key)
{
    FILE *f = fopen(lease_file, "re");
    size_t klen = strlen(key);
    char line[512], *value = NULL;

    while (f && !value && fgets(line, sizeof line, f)) {
        if (!strncmp(line, key, klen) && line[klen] == '=') {
            line[strcspn(line, "\n")] = '\0';
            value = xstrdup(line + klen + 1);
        }
    }
    if (f) {
        fclose(f);
    }
    return value;
}
