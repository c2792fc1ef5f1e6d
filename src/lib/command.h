/* Running a helper program to completion, as the agents run iptables-restore and
 * ipset: its standard input fed from memory, its output collected, optionally
 * inside a network namespace (the calling thread moves there for the spawn and back, so
 * the child starts there).  No shell is involved: arguments go as they are. */
#ifndef NEUTRINO_COMMAND_H
#define NEUTRINO_COMMAND_H

#include <stddef.h>

#include "buf.h"

/* Runs 'argv' (argv[0] an absolute path) in namespace 'netns_fd' (-1: the caller's),
 * writing 'input_size' bytes of 'input' (may be NULL) to its standard input and
 * appending its standard output to 'out' and its standard error to 'err' (either may
 * be NULL: then it is discarded).  The caller ignores SIGPIPE (the agents do), so a
 * program that exits without reading its input does not kill us.  Returns its exit
 * status (0-255), -EINTR if a signal ended it, or -errno if it could not be run. */
int command_run(int netns_fd, char *const argv[], const char *input, size_t input_size,
                struct buf *out, struct buf *err);

#endif
