/* Opening a file beneath a directory (see open_beneath.h). */
#include "open_beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* O_NONBLOCK: opening a FIFO (or a device) must not wait; a regular file reads the
 * same with it. */
#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

static int
openat2_beneath(int dir_fd, const char *rel)
{
    struct open_how how = {
        .flags = OPEN_FLAGS,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    long fd = syscall(SYS_openat2, dir_fd, rel, &how, sizeof how);

    return fd < 0 ? -errno : (int) fd;
}

/* The real path of what 'fd' refers to, or NULL. */
static char *
fd_real_path(int fd)
{
    char link[64];

    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    return realpath(link, NULL);
}

/* True if the file open on 'fd' is inside the directory open on 'dir_fd'. */
static bool
inside(int dir_fd, int fd)
{
    char *dir = fd_real_path(dir_fd);
    char *file = fd_real_path(fd);
    size_t len = dir ? strlen(dir) : 0;
    bool ok = dir && file && !strncmp(file, dir, len)
              && (file[len] == '/' || (len == 1 && dir[0] == '/'));

    free(dir);
    free(file);
    return ok;
}

int
open_beneath_walk(int dir_fd, const char *rel)
{
    char *copy = xstrdup(rel);
    char *save = NULL;
    char *part = strtok_r(copy, "/", &save);
    int cur = -1;               /* What the walk reached so far, if not 'dir_fd'. */
    int r = -ENOENT;

    while (part) {
        char *next = strtok_r(NULL, "/", &save);
        int fd;

        if (STREQ(part, ".") || STREQ(part, "..")) {
            r = -EXDEV;
            break;
        }
        /* O_NOFOLLOW refuses a link as the last component, of a directory as well. */
        fd = openat(cur >= 0 ? cur : dir_fd, part,
                    next ? O_RDONLY | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW
                         : OPEN_FLAGS | O_NOFOLLOW);
        if (fd < 0) {
            r = -errno;
            break;
        }
        if (cur >= 0) {
            close(cur);
        }
        cur = fd;
        part = next;
        r = part ? -ENOENT : 0;
    }
    free(copy);
    if (!r && !inside(dir_fd, cur)) {
        r = -EXDEV;     /* Not expected after the walk above: a last line of defence. */
    }
    if (r && cur >= 0) {
        close(cur);
    }
    return r ? r : cur;
}

/* Keeps 'fd' if it is a regular file; else closes it. */
static int
regular_only(int fd)
{
    struct stat st;

    if (fd < 0) {
        return fd;
    }
    if (fstat(fd, &st)) {
        int r = -errno;
        close(fd);
        return r;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return S_ISDIR(st.st_mode) ? -EISDIR : -EACCES;
    }
    return fd;
}

int
open_beneath(const char *root, const char *rel)
{
    int dir_fd = open(root, O_RDONLY | O_CLOEXEC | O_DIRECTORY);
    int fd;

    if (dir_fd < 0) {
        return -errno;
    }
    fd = openat2_beneath(dir_fd, rel);
    if (fd == -ENOSYS) {
        fd = open_beneath_walk(dir_fd, rel);
    }
    close(dir_fd);
    return regular_only(fd);
}
