/* Unit tests for opening files beneath a directory (http/open_beneath.h), the guard of
 * the dashboard's files: regular files in the directory and its subdirectories open;
 * a link to a file outside, a link to a directory outside, a link that stays inside,
 * "..", a directory and a FIFO do not.  Each case runs through open_beneath() (openat2
 * on this kernel) and through open_beneath_walk(), the fallback for kernels without
 * openat2. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/open_beneath.h"

/* A scratch tree:
 *   top/outside.txt            "secret"
 *   top/root/index.html        "index"
 *   top/root/sub/app.js        "app"
 *   top/root/passwd.js      -> ../outside.txt
 *   top/root/inner.js       -> index.html
 *   top/root/linkdir        -> ..          (a directory outside)
 *   top/root/fifo.js           a FIFO */
static char top[64];
static char root[96];

static void
write_file(const char *dir, const char *name, const char *text)
{
    char path[160];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int
make_tree(void **state)
{
    char path[160];

    snprintf(top, sizeof top, "/tmp/neutrino-beneath-XXXXXX");
    assert_non_null(mkdtemp(top));
    snprintf(root, sizeof root, "%s/root", top);
    assert_int_equal(mkdir(root, 0700), 0);
    snprintf(path, sizeof path, "%s/sub", root);
    assert_int_equal(mkdir(path, 0700), 0);
    write_file(top, "outside.txt", "secret");
    write_file(root, "index.html", "index");
    write_file(path, "app.js", "app");
    snprintf(path, sizeof path, "%s/passwd.js", root);
    assert_int_equal(symlink("../outside.txt", path), 0);
    snprintf(path, sizeof path, "%s/inner.js", root);
    assert_int_equal(symlink("index.html", path), 0);
    snprintf(path, sizeof path, "%s/linkdir", root);
    assert_int_equal(symlink("..", path), 0);
    snprintf(path, sizeof path, "%s/fifo.js", root);
    assert_int_equal(mkfifo(path, 0600), 0);
    return 0;
}

static int
remove_tree(void **state)
{
    static const char *const names[] = {
        "root/fifo.js", "root/linkdir", "root/inner.js", "root/passwd.js", "root/sub/app.js",
        "root/sub", "root/index.html", "root", "outside.txt",
    };
    char path[160];

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", top, names[i]);
        (void) remove(path);
    }
    (void) rmdir(top);
    return 0;
}

/* Reads what 'fd' holds (and closes it). */
static void
assert_content(int fd, const char *expected)
{
    char text[32] = "";
    ssize_t n;

    assert_true(fd >= 0);
    n = read(fd, text, sizeof text - 1);
    close(fd);
    assert_true(n >= 0);
    text[n] = '\0';
    assert_string_equal(text, expected);
}

/* open_beneath_walk() with the root open, returning what open_beneath() would (the
 * regular-file check included). */
static int
walk(const char *rel)
{
    int dir_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int fd;
    struct stat st;

    assert_true(dir_fd >= 0);
    fd = open_beneath_walk(dir_fd, rel);
    close(dir_fd);
    if (fd >= 0 && (fstat(fd, &st) || !S_ISREG(st.st_mode))) {
        close(fd);
        return -EACCES;
    }
    return fd;
}

static void
test_regular_files_open(void **state)
{
    assert_content(open_beneath(root, "index.html"), "index");
    assert_content(open_beneath(root, "sub/app.js"), "app");
    assert_content(walk("index.html"), "index");
    assert_content(walk("sub/app.js"), "app");
}

static void
test_links_are_never_followed(void **state)
{
    static const char *const rels[] = {
        "passwd.js", "inner.js", "linkdir/outside.txt", "linkdir/root/index.html",
    };

    for (size_t i = 0; i < sizeof rels / sizeof rels[0]; i++) {
        int fd = open_beneath(root, rels[i]);
        int walked = walk(rels[i]);

        if (fd >= 0) {
            close(fd);
        }
        if (walked >= 0) {
            close(walked);
        }
        assert_true(fd < 0);
        assert_true(walked < 0);
    }
}

static void
test_only_regular_files_beneath_the_root(void **state)
{
    static const char *const rels[] = { "../outside.txt", "sub/../../outside.txt", "sub",
                                        "fifo.js", "missing.js", "" };

    for (size_t i = 0; i < sizeof rels / sizeof rels[0]; i++) {
        int fd = open_beneath(root, rels[i]);
        int walked = walk(rels[i]);

        if (fd >= 0) {
            close(fd);
        }
        if (walked >= 0) {
            close(walked);
        }
        assert_true(fd < 0);
        assert_true(walked < 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regular_files_open),
        cmocka_unit_test(test_links_are_never_followed),
        cmocka_unit_test(test_only_regular_files_beneath_the_root),
    };
    return cmocka_run_group_tests(tests, make_tree, remove_tree);
}
