/* The client's session with the cloud; see session.h. */
#include "session.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cloud.h"
#include "http_capture.h"
#include "util.h"

enum {
    MAX_ANSWER = 256 << 20,
    TOKEN_MARGIN_S = 60,        /* A cached token is used until this close to expiry. */
};

void
url_encode(struct buf *b, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *) v; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
            || strchr("-_.~", *p)) {
            buf_add_char(b, (char) *p);
        } else {
            buf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
        }
    }
}

static char *
trim_url(const char *url)
{
    size_t n = strlen(url);

    while (n && url[n - 1] == '/') {
        n--;
    }
    return xstrndup(url, n);
}

/* One HTTP exchange.  Returns the status (0 if no answer) and fills 'cap'. */
static long
exchange(struct session *s, const char *method, const char *url, const char *body,
         const char *token, struct http_capture *cap)
{
    CURL *curl = s->curl;
    struct curl_slist *headers = NULL;
    char auth[600];
    CURLcode rc;

    http_capture_init(cap, MAX_ANSWER);
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, http_capture_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, cap);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, http_capture_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, cap);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "User-Agent: neutrino-cli");
    if (token) {
        snprintf(auth, sizeof auth, "X-Auth-Token: %s", token);
        headers = curl_slist_append(headers, auth);
    }
    if (body) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (s->debug) {
        fprintf(stderr, "REQ: %s %s%s%s\n", method, url, body ? " " : "",
                body && !strstr(body, "\"password\"") ? body : body ? "{…password…}" : "");
    }
    rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        buf_clear(&s->error);
        buf_printf(&s->error, "cannot reach %s: %s", url, curl_easy_strerror(rc));
        return 0;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &cap->status);
    if (s->debug) {
        fprintf(stderr, "RESP: %ld (%zu bytes)\n", cap->status, cap->body.len);
    }
    return cap->status;
}

/* "<Type> (HTTP <status>): <message>" from a NeutronError or Keystone error body. */
static void
describe_error(struct session *s, long status, const struct http_capture *cap)
{
    json_t *body = json_loadb(cap->body.data ? (const char *) cap->body.data : "",
                              cap->body.len, 0, NULL);
    json_t *ne = json_object_get(body, "NeutronError");
    json_t *ke = json_object_get(body, "error");
    const char *type = NULL, *msg = NULL;

    if (ne) {
        type = json_string_value(json_object_get(ne, "type"));
        msg = json_string_value(json_object_get(ne, "message"));
    } else if (ke) {
        type = json_string_value(json_object_get(ke, "title"));
        msg = json_string_value(json_object_get(ke, "message"));
    }
    buf_clear(&s->error);
    buf_printf(&s->error, "%s (HTTP %ld): %s", type ? type : "HttpError", status,
               msg ? msg : cap->body.len ? (const char *) cap->body.data : "(no message)");
    json_decref(body);
}

/* --- Signing in ------------------------------------------------------------------ */

static char *
cache_path(const struct cloud *c)
{
    const char *dir = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char *base, *path;
    uint64_t h = 1469598103934665603ULL;
    const char *parts[] = { c->auth_url, c->username, c->user_domain_name, c->user_domain_id,
                            c->project_name, c->project_id, c->project_domain_name,
                            c->project_domain_id, c->region_name, c->interface };

    for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
        for (const char *p = parts[i] ? parts[i] : ""; *p; p++) {
            h = (h ^ (unsigned char) *p) * 1099511628211ULL;
        }
        h = (h ^ 0xff) * 1099511628211ULL;
    }
    if (dir && *dir) {
        base = xasprintf("%s/neutrino", dir);
    } else if (home && *home) {
        base = xasprintf("%s/.cache/neutrino", home);
    } else {
        return NULL;
    }
    if (dir && *dir) {
        mkdir(dir, 0700);
    } else {
        char *cache = xasprintf("%s/.cache", home);
        mkdir(cache, 0700);
        free(cache);
    }
    mkdir(base, 0700);
    path = xasprintf("%s/token-%016llx.json", base, (unsigned long long) h);
    free(base);
    return path;
}

static bool
load_cached(struct session *s, const char *path)
{
    json_t *j = path ? json_load_file(path, 0, NULL) : NULL;
    const char *token = json_string_value(json_object_get(j, "token"));
    const char *net = json_string_value(json_object_get(j, "network_url"));
    json_int_t expires = json_integer_value(json_object_get(j, "expires_at"));
    bool ok = token && net && expires - TOKEN_MARGIN_S > (json_int_t) time(NULL);

    if (ok) {
        s->token = xstrdup(token);
        s->network_url = xstrdup(net);
        s->identity_url = xstrdup(json_string_value(json_object_get(j, "identity_url"))
                                      ? json_string_value(json_object_get(j, "identity_url"))
                                      : "");
        s->project_id = json_string_value(json_object_get(j, "project_id"))
                            ? xstrdup(json_string_value(json_object_get(j, "project_id")))
                            : NULL;
    }
    json_decref(j);
    return ok;
}

static void
save_cached(const struct session *s, const char *path, time_t expires)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:I,s:s?}", "token", s->token, "network_url",
                          s->network_url, "identity_url", s->identity_url ? s->identity_url : "",
                          "expires_at", (json_int_t) expires, "project_id", s->project_id);
    char *tmp = xasprintf("%s.%d", path, (int) getpid());
    char *text = json_dumps(j, JSON_COMPACT);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd >= 0) {
        ssize_t n = write(fd, text, strlen(text));
        close(fd);
        if (n == (ssize_t) strlen(text)) {
            rename(tmp, path);
        }
        unlink(tmp);
    }
    free(text);
    free(tmp);
    json_decref(j);
}

/* The URL of the catalog's 'type' endpoint for the cloud's interface and region. */
static char *
catalog_url(const json_t *catalog, const char *type, const struct cloud *c)
{
    const char *iface = c->interface && *c->interface ? c->interface : "public";
    const json_t *svc, *ep;
    size_t i, j;

    json_array_foreach (catalog, i, svc) {
        const char *t = json_string_value(json_object_get(svc, "type"));
        if (!t || !STREQ(t, type)) {
            continue;
        }
        json_array_foreach (json_object_get(svc, "endpoints"), j, ep) {
            const char *epi = json_string_value(json_object_get(ep, "interface"));
            const char *region = json_string_value(json_object_get(ep, "region_id"));
            const char *url = json_string_value(json_object_get(ep, "url"));
            if (!url || !epi || !STREQ(epi, iface)) {
                continue;
            }
            if (c->region_name && *c->region_name && (!region || !STREQ(region, c->region_name))) {
                continue;
            }
            return trim_url(url);
        }
    }
    return NULL;
}

/* The v3 URL (no trailing '/') of the configured auth_url. */
static char *
identity_v3(const char *auth_url)
{
    char *u = trim_url(auth_url);
    size_t n = strlen(u);

    if (n >= 3 && STREQ(u + n - 3, "/v3")) {
        return u;
    }
    char *v3 = xasprintf("%s/v3", u);
    free(u);
    return v3;
}

static json_t *
scope_of(const struct cloud *c)
{
    json_t *domain;

    if (c->project_id) {
        return json_pack("{s:{s:s}}", "project", "id", c->project_id);
    }
    if (!c->project_name) {
        return NULL;
    }
    domain = c->project_domain_id ? json_pack("{s:s}", "id", c->project_domain_id)
                                  : json_pack("{s:s}", "name", c->project_domain_name
                                                                   ? c->project_domain_name
                                                                   : "Default");
    return json_pack("{s:{s:s,s:o}}", "project", "name", c->project_name, "domain", domain);
}

static int
login(struct session *s, const struct cloud *c)
{
    char *v3 = identity_v3(c->auth_url), *url = xasprintf("%s/auth/tokens", v3), *text;
    json_t *user_domain = c->user_domain_id
                              ? json_pack("{s:s}", "id", c->user_domain_id)
                              : json_pack("{s:s}", "name", c->user_domain_name
                                                               ? c->user_domain_name
                                                               : "Default");
    json_t *auth = json_pack("{s:{s:[s],s:{s:{s:s,s:o,s:s}}}}", "identity", "methods",
                             "password", "password", "user", "name", c->username, "domain",
                             user_domain, "password", c->password ? c->password : "");
    json_t *scope = scope_of(c), *body, *ans, *token;
    struct http_capture cap;
    struct tm tm;
    time_t expires = time(NULL) + 3000;
    long status;
    int r = -1;

    if (scope) {
        json_object_set_new(auth, "scope", scope);
    }
    body = json_pack("{s:o}", "auth", auth);
    text = json_dumps(body, JSON_COMPACT);
    status = exchange(s, "POST", url, text, NULL, &cap);
    if (status == 201 && cap.subject_token[0]) {
        ans = json_loadb((const char *) cap.body.data, cap.body.len, 0, NULL);
        token = json_object_get(ans, "token");
        const char *exp = json_string_value(json_object_get(token, "expires_at"));
        memset(&tm, 0, sizeof tm);
        if (exp && strptime(exp, "%Y-%m-%dT%H:%M:%S", &tm)) {
            expires = timegm(&tm);
        }
        s->token = xstrdup(cap.subject_token);
        s->network_url = c->endpoint ? trim_url(c->endpoint)
                                     : catalog_url(json_object_get(token, "catalog"), "network",
                                                   c);
        s->identity_url = catalog_url(json_object_get(token, "catalog"), "identity", c);
        const char *pid = json_string_value(json_object_get(json_object_get(token, "project"),
                                                            "id"));
        s->project_id = pid ? xstrdup(pid) : NULL;
        if (!s->identity_url) {
            s->identity_url = xstrdup(v3);
        }
        if (!s->network_url) {
            buf_clear(&s->error);
            buf_printf(&s->error, "%s endpoint for network service%s%s not found",
                       c->interface ? c->interface : "public",
                       c->region_name ? " in region " : "",
                       c->region_name ? c->region_name : "");
        } else {
            char *path = cache_path(c);
            if (path) {
                save_cached(s, path, expires);
            }
            free(path);
            r = 0;
        }
        json_decref(ans);
    } else if (status) {
        describe_error(s, status, &cap);
    }
    http_capture_done(&cap);
    json_decref(body);
    free(text);
    free(url);
    free(v3);
    return r;
}

int
session_open(struct session *s, const struct cloud *c, bool debug)
{
    const char *type = c->auth_type && *c->auth_type ? c->auth_type : "password";

    memset(s, 0, sizeof *s);
    s->cloud = c;
    s->debug = debug;
    s->curl = curl_easy_init();
    if (STREQ(type, "none") || STREQ(type, "noauth") || STREQ(type, "admin_token")
        || STREQ(type, "token_endpoint") || (c->token && c->endpoint)) {
        if (!c->endpoint) {
            buf_printf(&s->error, "auth type %s needs an endpoint (--os-endpoint)", type);
            return -1;
        }
        s->network_url = trim_url(c->endpoint);
        s->token = c->token ? xstrdup(c->token) : NULL;
        s->identity_url = c->auth_url ? identity_v3(c->auth_url) : xstrdup("");
        return 0;
    }
    if (!c->auth_url || !c->username) {
        buf_printf(&s->error, "missing %s: give --os-cloud (clouds.yaml), OS_* variables or"
                              " --os-auth-url/--os-username/--os-password/--os-project-name",
                   !c->auth_url ? "auth_url" : "username");
        return -1;
    }
    char *path = cache_path(c);
    bool cached = load_cached(s, path);
    free(path);
    return cached ? 0 : login(s, c);
}

void
session_close(struct session *s)
{
    if (s->curl) {
        curl_easy_cleanup(s->curl);
    }
    free(s->token);
    free(s->network_url);
    free(s->identity_url);
    free(s->project_id);
    buf_done(&s->error);
}

static int
call(struct session *s, const char *url, const char *method, const json_t *body, json_t **ret)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    struct http_capture cap;
    int r = -1;

    *ret = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        long status = exchange(s, method, url, text, s->token, &cap);
        s->status = status;
        if (status == 401 && attempt == 0 && s->cloud->username && s->cloud->auth_url) {
            /* The cached token was revoked or the server restarted: sign in again. */
            http_capture_done(&cap);
            free(s->token);
            free(s->network_url);
            free(s->identity_url);
            free(s->project_id);
            s->token = s->network_url = s->identity_url = s->project_id = NULL;
            if (login(s, s->cloud)) {
                break;
            }
            continue;
        }
        if (status >= 200 && status < 300) {
            *ret = cap.body.len ? json_loadb((const char *) cap.body.data, cap.body.len, 0, NULL)
                                : NULL;
            r = 0;
        } else if (status) {
            describe_error(s, status, &cap);
        }
        http_capture_done(&cap);
        break;
    }
    free(text);
    return r;
}

int
session_call(struct session *s, const char *method, const char *path, const json_t *body,
             json_t **ret)
{
    char *url = str_startswith(path, "http") ? xstrdup(path)
                                             : xasprintf("%s%s", s->network_url, path);
    int r = call(s, url, method, body, ret);

    free(url);
    return r;
}

int
session_identity_call(struct session *s, const char *method, const char *path, json_t **ret)
{
    char *url;
    int r;

    if (!s->identity_url || !*s->identity_url) {
        buf_clear(&s->error);
        buf_printf(&s->error, "no identity service to resolve names with (use ids)");
        return -1;
    }
    url = xasprintf("%s%s", s->identity_url, path);
    r = call(s, url, method, NULL, ret);
    free(url);
    return r;
}
