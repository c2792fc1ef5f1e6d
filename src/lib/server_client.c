/* The agent's HTTP client (see server_client.h). */
#include "server_client.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "http_capture.h"
#include "log.h"
#include "util.h"

LOG_MODULE("client");

enum {
    MAX_ANSWER = 64 << 20,          /* A sync of a very large host fits. */
};

struct server_client {
    const struct server_settings *s;
    CURL *curl;
    char *token;
    char **bases;                   /* The servers' URL prefixes, every one listed. */
    size_t n_bases, cap_bases;
    size_t current;                 /* The one requests go to now. */
    volatile bool aborted;
};

static int
on_progress(void *aux, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
            curl_off_t ulnow)
{
    const struct server_client *sc = aux;

    return sc->aborted;
}

struct server_client *
server_client_create(const struct server_settings *s)
{
    struct server_client *sc = xcalloc(1, sizeof *sc);
    const char *url = s->url && *s->url ? s->url : "http://127.0.0.1:9696";

    /* "http://a:9696, http://b:9696": several servers on one database. */
    for (const char *p = url; *p;) {
        size_t n;
        p += strspn(p, " ,");
        n = strcspn(p, ",");
        if (!n) {
            break;
        }
        const char *next = p + n;
        while (n && (p[n - 1] == '/' || p[n - 1] == ' ')) {
            n--;
        }
        if (n) {
            sc->bases = array_grow(sc->bases, sc->n_bases, &sc->cap_bases, sizeof *sc->bases);
            sc->bases[sc->n_bases++] = xstrndup(p, n);
        }
        p = next;
    }
    if (!sc->n_bases) {
        sc->bases = array_grow(sc->bases, sc->n_bases, &sc->cap_bases, sizeof *sc->bases);
        sc->bases[sc->n_bases++] = xstrdup("http://127.0.0.1:9696");
    }
    sc->s = s;
    sc->curl = curl_easy_init();
    return sc;
}

void
server_client_destroy(struct server_client *sc)
{
    if (sc) {
        curl_easy_cleanup(sc->curl);
        free(sc->token);
        for (size_t i = 0; i < sc->n_bases; i++) {
            free(sc->bases[i]);
        }
        free(sc->bases);
        free(sc);
    }
}

void
server_client_abort(struct server_client *sc)
{
    sc->aborted = true;
}

/* One HTTP exchange.  Returns 0 with '*status' and 'a' filled, or -EAGAIN/-ECANCELED. */
static int
exchange(struct server_client *sc, const char *method, const char *url, const char *body,
         const char *token, long timeout_s, long *status, struct http_capture *a)
{
    const struct http_json_call call = {
        .method = method, .url = url, .body = body, .auth_token = token,
        .connect_timeout = 5, .timeout = timeout_s,
    };
    struct curl_slist *hdrs;
    CURL *curl = sc->curl;
    CURLcode rc;

    http_capture_init(a, MAX_ANSWER);
    if (sc->aborted) {
        return -ECANCELED;
    }
    curl_easy_reset(curl);
    hdrs = http_capture_json_call(curl, &call, a);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, sc);
    if (sc->s->unix_socket && *sc->s->unix_socket) {
        curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, sc->s->unix_socket);
    }
    rc = curl_easy_perform(curl);
    curl_slist_free_all(hdrs);
    if (rc != CURLE_OK) {
        http_capture_done(a);
        if (sc->aborted) {
            return -ECANCELED;
        }
        log_warn_rl("%s %s: %s", method, url, curl_easy_strerror(rc));
        return -EAGAIN;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    return 0;
}

/* Logs in with the configured credentials; keeps the token. */
static int
login(struct server_client *sc)
{
    const struct server_settings *s = sc->s;
    char *url = s->auth_url && *s->auth_url ? xasprintf("%s/auth/tokens?nocatalog", s->auth_url)
                                            : xasprintf("%s/identity/v3/auth/tokens?nocatalog",
                                                        sc->bases[sc->current]);
    json_t *body = json_pack(
        "{s:{s:{s:[s],s:{s:{s:s,s:s,s:{s:s}}}},s:{s:{s:s,s:{s:s}}}}}", "auth", "identity",
        "methods", "password", "password", "user", "name", s->username, "password",
        s->password ? s->password : "", "domain", "name",
        s->user_domain_name ? s->user_domain_name : "Default", "scope", "project", "name",
        s->project_name ? s->project_name : "service", "domain", "name",
        s->project_domain_name ? s->project_domain_name : "Default");
    char *text = json_dumps(body, JSON_COMPACT);
    struct http_capture a;
    long status = 0;
    int r;

    json_decref(body);
    r = exchange(sc, "POST", url, text, NULL, sc->s->timeout, &status, &a);
    free(text);
    free(url);
    if (r) {
        return r;
    }
    http_capture_done(&a);
    if (status != 201 || !a.subject_token[0]) {
        log_warn_rl("login as %s failed: HTTP %ld", s->username, status);
        return -EACCES;
    }
    free(sc->token);
    sc->token = xstrdup(a.subject_token);
    return 0;
}

/* One call to the current server. */
static int
call_one(struct server_client *sc, const char *method, const char *path, const char *text,
         long timeout_s, json_t **ret, long *status)
{
    char *url = xasprintf("%s%s", sc->bases[sc->current], path);
    bool use_token = sc->s->username && *sc->s->username;
    struct http_capture a;
    long code = 0;
    int r = 0;

    *ret = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (use_token && !sc->token) {
            r = login(sc);
            if (r) {
                break;
            }
        }
        r = exchange(sc, method, url, text, use_token ? sc->token : NULL,
                     timeout_s ? timeout_s : sc->s->timeout, &code, &a);
        if (r) {
            break;
        }
        if (code == 401 && use_token && attempt == 0) {
            free(sc->token);        /* Expired or revoked: log in again. */
            sc->token = NULL;
            http_capture_done(&a);
            continue;
        }
        if (code >= 200 && code < 300) {
            *ret = a.body.len ? json_loadb((const char *) a.body.data, a.body.len, 0, NULL)
                              : NULL;
            if (a.body.len && !*ret) {
                log_warn_rl("%s %s: the answer is not JSON", method, path);
                r = -EPROTO;
            }
        } else {
            log_warn_rl("%s %s: HTTP %ld %.300s", method, path, code, buf_cstr(&a.body));
            r = -EPROTO;
        }
        http_capture_done(&a);
        break;
    }
    *status = code;
    free(url);
    return r;
}

int
server_call(struct server_client *sc, const char *method, const char *path, const json_t *body,
            long timeout_s, json_t **ret, long *status)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    long code = 0;
    int r = 0;

    /* A server that cannot be reached, or that answers it cannot serve (502, 503: its
     * database is away, or a proxy's backend is), is passed over for the next one;
     * the next call starts from the server that answered. */
    for (size_t tried = 0; tried < sc->n_bases; tried++) {
        r = call_one(sc, method, path, text, timeout_s, ret, &code);
        bool unavailable = r == -EAGAIN || (r == -EPROTO && (code == 502 || code == 503));
        if (!unavailable || sc->aborted || sc->n_bases == 1) {
            break;
        }
        sc->current = (sc->current + 1) % sc->n_bases;
        log_warn_rl("server unavailable; trying %s", sc->bases[sc->current]);
    }
    if (status) {
        *status = code;
    }
    free(text);
    return r;
}
