/* Running helper programs; see command.h. */
#include "command.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns.h"

extern char **environ;

static void
close_pair(int fds[2])
{
    for (int i = 0; i < 2; i++) {
        if (fds[i] >= 0) {
            close(fds[i]);
            fds[i] = -1;
        }
    }
}

/* Spawns 'argv' with its stdin, stdout and stderr on the given pipe ends. */
static int
spawn(int netns_fd, char *const argv[], int in, int out, int err, pid_t *ret_pid)
{
    posix_spawn_file_actions_t fa;
    int home = -1, r;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in, 0);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_adddup2(&fa, err, 2);
    if (netns_fd >= 0) {
        home = netns_enter(netns_fd);
        if (home < 0) {
            posix_spawn_file_actions_destroy(&fa);
            return home;
        }
    }
    r = -posix_spawn(ret_pid, argv[0], &fa, NULL, argv, environ);
    if (home >= 0) {
        netns_leave(home);
    }
    posix_spawn_file_actions_destroy(&fa);
    return r;
}

/* Reads what is there from 'fd' into 'b' (or nowhere); false at end of file. */
static bool
drain(int fd, struct buf *b)
{
    char chunk[16384];
    ssize_t n = read(fd, chunk, sizeof chunk);

    if (n > 0 && b) {
        buf_add(b, chunk, (size_t) n);
    }
    return n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN));
}

/* Feeds the input and collects both outputs until the child closes them. */
static void
exchange(int in, int out, int err, const char *input, size_t size, struct buf *b_out,
         struct buf *b_err)
{
    size_t done = 0;

    if (in >= 0 && !size) {
        close(in);
        in = -1;
    }
    while (out >= 0 || err >= 0 || in >= 0) {
        struct pollfd p[3] = { { out, POLLIN, 0 }, { err, POLLIN, 0 }, { in, POLLOUT, 0 } };
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (p[0].revents && !drain(out, b_out)) {
            close(out);
            out = -1;
        }
        if (p[1].revents && !drain(err, b_err)) {
            close(err);
            err = -1;
        }
        if (p[2].revents) {
            ssize_t n = (p[2].revents & POLLOUT) ? write(in, input + done, size - done) : -1;
            if (n > 0) {
                done += (size_t) n;
            }
            if ((n < 0 && errno != EINTR && errno != EAGAIN) || done == size) {
                close(in);
                in = -1;
            }
        }
    }
    for (int fd = 0; fd < 3; fd++) {
        int x = fd == 0 ? out : fd == 1 ? err : in;
        if (x >= 0) {
            close(x);
        }
    }
}

int
command_run(int netns_fd, char *const argv[], const char *input, size_t input_size,
            struct buf *out, struct buf *err)
{
    int in_p[2] = { -1, -1 }, out_p[2] = { -1, -1 }, err_p[2] = { -1, -1 };
    pid_t pid;
    int status, r;

    if (pipe2(in_p, O_CLOEXEC) || pipe2(out_p, O_CLOEXEC) || pipe2(err_p, O_CLOEXEC)) {
        r = -errno;
        goto done;
    }
    r = spawn(netns_fd, argv, in_p[0], out_p[1], err_p[1], &pid);
    close(in_p[0]);
    close(out_p[1]);
    close(err_p[1]);
    in_p[0] = out_p[1] = err_p[1] = -1;
    if (r) {
        goto done;
    }
    fcntl(in_p[1], F_SETFL, O_NONBLOCK);
    exchange(in_p[1], out_p[0], err_p[0], input, input ? input_size : 0, out, err);
    in_p[1] = out_p[0] = err_p[0] = -1;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            r = -errno;
            goto done;
        }
    }
    r = WIFEXITED(status) ? WEXITSTATUS(status) : -EINTR;
done:
    close_pair(in_p);
    close_pair(out_p);
    close_pair(err_p);
    return r;
}
