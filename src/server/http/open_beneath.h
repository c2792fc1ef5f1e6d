/* Opening a file by a relative path so that it cannot lead out of a directory: no
 * symbolic link is followed on the way (neither a link to a file elsewhere nor a linked
 * directory), no ".." climbs out, and only regular files are opened.  The dashboard's
 * files are served through it (static_files.c), so a link placed in the dashboard's
 * directory never exposes what it points to. */
#ifndef NEUTRINO_HTTP_OPEN_BENEATH_H
#define NEUTRINO_HTTP_OPEN_BENEATH_H

/* Opens root/rel read-only.  'rel' is relative, with '/' between components.  Uses
 * openat2() with RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS, or, on a kernel without
 * openat2() (ENOSYS), open_beneath_walk().  Returns the descriptor (close-on-exec) of
 * a regular file, or a negative errno: -ELOOP or -EXDEV for a path through a link or
 * out of 'root', -ENOENT, -EISDIR or -EACCES for what is not a regular file. */
int open_beneath(const char *root, const char *rel);

/* The same without openat2(): component by component with O_NOFOLLOW, then a check
 * that the file's real path lies under the real path of the directory 'dir_fd' is.
 * Exported for the unit tests, which run it on kernels that do have openat2(). */
int open_beneath_walk(int dir_fd, const char *rel);

#endif
