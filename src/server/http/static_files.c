/* The dashboard's static files; see static_files.h. */
#include "static_files.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "app.h"
#include "array.h"
#include "config.h"
#include "open_beneath.h"
#include "request.h"
#include "util.h"

enum { MAX_FILE = 4 << 20 };

/* Longest Accept-Encoding we read; a longer one is not understood (no gzip). */
enum { MAX_ACCEPT_ENCODING = 1024 };
/* Compressed files kept at most: the dashboard has a score of them; a directory with
 * more still gets them compressed, only not kept. */
enum { MAX_GZ_CACHED = 256 };

static const struct {
    const char *ext;
    const char *type;
    bool text;      /* Worth compressing (images and fonts are compressed already). */
} types[] = {
    { ".html", "text/html; charset=utf-8", true },
    { ".js", "text/javascript; charset=utf-8", true },
    { ".css", "text/css; charset=utf-8", true },
    { ".svg", "image/svg+xml", true },
    { ".png", "image/png", false },
    { ".ico", "image/x-icon", false },
    { ".json", "application/json", true },
    { ".txt", "text/plain; charset=utf-8", true },
    { ".woff2", "font/woff2", false },
};

/* A file's gzip form, computed once and kept while the file is the same one (same
 * inode, size and modification time): a new release's file is compressed anew. */
struct gz_entry {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    unsigned char *data;
    size_t len;
};

static struct {
    pthread_mutex_t lock;       /* Guards the table: the server answers on many threads. */
    struct gz_entry *items;
    size_t n, cap;
} gz_cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static const char *
dashboard_root(const struct server_config *cfg)
{
    struct stat st;

    if (cfg->dashboard_root && *cfg->dashboard_root) {
        return cfg->dashboard_root;
    }
    return !stat(NEUTRINO_DASHBOARD_INSTALLED "/index.html", &st) ? NEUTRINO_DASHBOARD_INSTALLED
                                                                  : NEUTRINO_DASHBOARD_SOURCE;
}

static void
plain(struct request *req, int status, const char *text)
{
    req->status = status;
    req->content_type = "text/plain; charset=utf-8";
    buf_clear(&req->response);
    buf_add_str(&req->response, text);
}

/* A relative path we are willing to open: no "..", no hidden files, plain characters. */
static bool
safe_path(const char *rel)
{
    if (!*rel || strlen(rel) > 200 || rel[0] == '/' || strstr(rel, "//")) {
        return false;
    }
    for (const char *p = rel; *p; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
                  || strchr("-_./", *p);
        if (!ok || (*p == '.' && (p == rel || p[-1] == '/'))) {
            return false;
        }
    }
    return true;
}

/* The types[] row of a file by its extension, or -1. */
static int
type_index(const char *path)
{
    const char *dot = strrchr(path, '.');

    for (size_t i = 0; dot && i < ARRAY_SIZE(types); i++) {
        if (STREQ(dot, types[i].ext)) {
            return (int) i;
        }
    }
    return -1;
}

static const char *
type_of(const char *path)
{
    int i = type_index(path);

    return i < 0 ? "application/octet-stream" : types[i].type;
}

static bool
is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* RFC 9110's tchar: what a content coding's or a parameter's name is made of. */
static bool
is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *
skip_ows(const char *p)
{
    while (is_ows(*p)) {
        p++;
    }
    return p;
}

/* Reads a token at 'p' into [*start, *end); returns what follows, or NULL if none. */
static const char *
read_token(const char *p, const char **start, const char **end)
{
    *start = p;
    while (is_tchar(*p)) {
        p++;
    }
    *end = p;
    return p > *start ? p : NULL;
}

/* A qvalue (RFC 9110 §12.4.2): "0" to "1" with at most three decimals.  Returns what
 * follows and sets '*zero' when it is 0, or NULL if it is not a qvalue. */
static const char *
read_qvalue(const char *p, bool *zero)
{
    char first = *p;
    bool nonzero = first == '1';
    int digits = 0;

    if (first != '0' && first != '1') {
        return NULL;
    }
    p++;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9' && digits < 3; p++, digits++) {
            if (first == '1' && *p != '0') {
                return NULL;
            }
            nonzero = nonzero || *p != '0';
        }
        if (*p >= '0' && *p <= '9') {
            return NULL;    /* A fourth decimal. */
        }
    }
    *zero = !nonzero;
    return p;
}

/* One element of the list: a coding and its parameters, up to the next ',' or the end.
 * Sets '*coding' and '*refused' (q=0); returns what follows it, or NULL if malformed. */
static const char *
read_coding(const char *p, const char **coding, size_t *len, bool *refused)
{
    const char *start, *end;

    *refused = false;
    if (!(p = read_token(p, &start, &end))) {
        return NULL;
    }
    *coding = start;
    *len = (size_t) (end - start);
    for (p = skip_ows(p); *p == ';'; p = skip_ows(p)) {
        const char *name, *name_end;
        p = skip_ows(p + 1);
        if (!(p = read_token(p, &name, &name_end)) || *p != '=') {
            return NULL;
        }
        /* Only q is defined for Accept-Encoding; any other parameter is malformed. */
        if (name_end - name != 1 || (*name != 'q' && *name != 'Q')) {
            return NULL;
        }
        if (!(p = read_qvalue(p + 1, refused))) {
            return NULL;
        }
    }
    return *p == ',' || !*p ? p : NULL;
}

static bool
coding_is(const char *coding, size_t len, const char *name)
{
    return len == strlen(name) && !strncasecmp(coding, name, len);
}

bool
accepts_gzip(const char *header)
{
    int gzip = -1, star = -1;   /* -1 not named, 0 refused, 1 accepted. */
    const char *p = header;

    if (!header || strnlen(header, MAX_ACCEPT_ENCODING + 1) > MAX_ACCEPT_ENCODING) {
        return false;
    }
    while (*p) {
        const char *coding;
        size_t len;
        bool refused;
        p = skip_ows(p);
        if (*p == ',') {    /* Empty elements are allowed by the list syntax. */
            p++;
            continue;
        }
        if (!*p) {
            break;
        }
        if (!(p = read_coding(p, &coding, &len, &refused))) {
            return false;   /* Not understood: the file goes as it is. */
        }
        if (coding_is(coding, len, "gzip") || coding_is(coding, len, "x-gzip")) {
            gzip = !refused;
        } else if (coding_is(coding, len, "*")) {
            star = !refused;
        }
    }
    return gzip == 1 || (gzip == -1 && star == 1);
}

/* Compresses 'len' bytes into a new gzip stream; false if zlib fails. */
static bool
gzip_bytes(const void *data, size_t len, unsigned char **out, size_t *out_len)
{
    z_stream zs = { 0 };

    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        != Z_OK) {
        return false;
    }
    size_t cap = deflateBound(&zs, (uLong) len);
    *out = xmalloc(cap);
    zs.next_in = (Bytef *) data;
    zs.avail_in = (uInt) len;
    zs.next_out = *out;
    zs.avail_out = (uInt) cap;
    int rc = deflate(&zs, Z_FINISH);
    *out_len = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        free(*out);
        *out = NULL;
        return false;
    }
    return true;
}

static bool
same_file(const struct gz_entry *e, const struct stat *st)
{
    return e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size
           && e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* Copies the kept gzip form of the file 'st' into 'out'; false if none is kept. */
static bool
gz_cache_get(const struct stat *st, struct buf *out)
{
    bool found = false;

    pthread_mutex_lock(&gz_cache.lock);
    for (size_t i = 0; i < gz_cache.n && !found; i++) {
        const struct gz_entry *e = &gz_cache.items[i];
        if (same_file(e, st)) {
            buf_clear(out);
            buf_add(out, e->data, e->len);
            found = true;
        }
    }
    pthread_mutex_unlock(&gz_cache.lock);
    return found;
}

/* Keeps 'data' (taken) as the gzip form of 'st', replacing an older form of the same
 * inode; beyond MAX_GZ_CACHED files it is dropped. */
static void
gz_cache_put(const struct stat *st, unsigned char *data, size_t len)
{
    struct gz_entry fresh = { .dev = st->st_dev, .ino = st->st_ino, .size = st->st_size,
                              .mtime = st->st_mtim, .data = data, .len = len };

    pthread_mutex_lock(&gz_cache.lock);
    for (size_t i = 0; i < gz_cache.n; i++) {
        struct gz_entry *e = &gz_cache.items[i];
        if (e->dev == st->st_dev && e->ino == st->st_ino) {
            free(e->data);
            *e = fresh;
            data = NULL;
            break;
        }
    }
    if (data && gz_cache.n < MAX_GZ_CACHED) {
        gz_cache.items = array_append(gz_cache.items, &gz_cache.n, &gz_cache.cap, &fresh,
                                      sizeof fresh);
        data = NULL;
    }
    pthread_mutex_unlock(&gz_cache.lock);
    free(data);
}

/* Replaces the file's bytes in the answer by their gzip form when that is smaller;
 * true if it did. */
static bool
compress_answer(struct request *req, const struct stat *st)
{
    unsigned char *gz;
    size_t len;

    if (gz_cache_get(st, &req->response)) {
        return true;
    }
    if (!gzip_bytes(req->response.data, req->response.len, &gz, &len)) {
        return false;
    }
    if (len >= req->response.len) {
        free(gz);
        return false;
    }
    buf_clear(&req->response);
    buf_add(&req->response, gz, len);
    gz_cache_put(st, gz, len);
    return true;
}

/* Reads root/rel into the answer; false if there is no such regular file beneath
 * 'root' reached without a symbolic link (open_beneath.h): a link in the dashboard's
 * directory, to a file or a directory, is never followed. */
static bool
send_file(struct request *req, const char *root, const char *rel)
{
    int fd = open_beneath(root, rel);
    struct stat st;
    bool sent = false;

    if (fd < 0) {
        return false;
    }
    if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size <= MAX_FILE) {
        buf_clear(&req->response);
        buf_reserve(&req->response, (size_t) st.st_size);
        ssize_t n;
        char chunk[65536];
        while ((n = read(fd, chunk, sizeof chunk)) > 0) {
            buf_add(&req->response, chunk, (size_t) n);
        }
        sent = n == 0;
    }
    close(fd);
    if (sent) {
        int type = type_index(rel);
        req->status = 200;
        req->content_type = type_of(rel);
        if (type >= 0 && types[type].text) {
            /* The same path answers in two encodings: a cache must ask which. */
            request_add_header(req, "Vary", "Accept-Encoding");
            if (accepts_gzip(req->accept_encoding) && compress_answer(req, &st)) {
                request_add_header(req, "Content-Encoding", "gzip");
            }
        }
        /* Revalidated each time: a new release's files are picked up at once. */
        request_add_header(req, "Cache-Control", "no-cache");
        request_add_header(req, "X-Frame-Options", "DENY");
        request_add_header(req, "Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; style-src 'self';"
                           " frame-ancestors 'none'");
    }
    return sent;
}

/* True if the client prefers HTML (a browser), not JSON (an API client). */
static bool
wants_html(const struct request *req)
{
    return req->accept && strstr(req->accept, "text/html")
           && !str_startswith(req->accept, "application/json");
}

bool
dashboard_redirect(struct request *req)
{
    if (!req->app->cfg->dashboard_enabled || !wants_html(req)) {
        return false;
    }
    req->status = 302;
    req->content_type = "text/plain; charset=utf-8";
    request_add_header(req, "Location", "%s/", DASHBOARD_PREFIX);
    buf_add_str(&req->response, "The dashboard is at " DASHBOARD_PREFIX "/\n");
    return true;
}

int
dashboard_serve(struct request *req, char *const args[])
{
    const char *root;
    const char *rel;

    if (!STREQ(req->method, "GET") && !STREQ(req->method, "HEAD")) {
        plain(req, 405, "Method Not Allowed\n");
        request_add_header(req, "Allow", "GET, HEAD");
        return 0;
    }
    if (STREQ(req->path, DASHBOARD_PREFIX)) {
        req->status = 301;
        req->content_type = "text/plain; charset=utf-8";
        request_add_header(req, "Location", "%s/", DASHBOARD_PREFIX);
        return 0;
    }
    root = dashboard_root(req->app->cfg);
    rel = req->path + strlen(DASHBOARD_PREFIX) + 1;
    const char *last = strrchr(req->path, '/') + 1;
    if (*rel && strchr(last, '.')) {
        /* An asset: the file, or 404. */
        if (!safe_path(rel) || !send_file(req, root, rel)) {
            plain(req, 404, "Not Found\n");
        }
        return 0;
    }
    /* A page of the app (project/networks/ …): the app itself, which routes it. */
    if (*rel && !safe_path(rel)) {
        plain(req, 404, "Not Found\n");
    } else if (!send_file(req, root, "index.html")) {
        plain(req, 503, "The dashboard's files are not installed ([dashboard] root).\n");
    }
    return 0;
}
