/* External Keystone token validation (see keystone_client.h), over libcurl. */
#include "keystone_client.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "http_capture.h"
#include "log.h"
#include "token_cache.h"
#include "util.h"

LOG_MODULE("keystone");

enum {
    CACHE_SLOTS = 4096,
    NEGATIVE_CACHE_S = 10,      /* Bad tokens are remembered this long at most. */
    MAX_RESPONSE = 1 << 20,     /* A token body with a large catalog fits easily. */
    SERVICE_TOKEN_MARGIN_S = 60,/* Renew the service token this long before it expires. */
};

struct keystone_client {
    const struct server_config *cfg;
    char *v3;                   /* ".../v3" of auth_url. */
    struct token_cache *cache;
    pthread_mutex_t mutex;      /* Guards the service token. */
    char *service_token;
    int64_t service_expires;
};

/* One request to Keystone.  Returns 0 with 'a' filled, or -EAGAIN on transport
 * failure (logged, rate-limited). */
static int
http_call(struct keystone_client *kc, const char *method, const char *url,
          const char *auth_token, const char *subject_token, const char *body,
          struct http_capture *a)
{
    const struct http_json_call call = {
        .method = method, .url = url, .body = body,
        .auth_token = auth_token, .subject_token = subject_token,
        .connect_timeout = kc->cfg->ks_http_connect_timeout,
        .timeout = (long) kc->cfg->ks_http_connect_timeout * 2,
    };
    struct curl_slist *hdrs;
    CURL *curl = curl_easy_init();
    CURLcode rc;

    http_capture_init(a, MAX_RESPONSE);
    if (!curl) {
        return -EAGAIN;
    }
    hdrs = http_capture_json_call(curl, &call, a);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a->status);
    } else {
        log_warn_rl("%s %s: %s", method, url, curl_easy_strerror(rc));
    }
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
        http_capture_done(a);
        return -EAGAIN;
    }
    return 0;
}

static int64_t
parse_time(const char *s)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) {
        return 0;
    }
    return (int64_t) timegm(&tm);
}

/* Adds a "domain" object: by id if configured, else by name (default "Default"). */
static void
set_domain(json_t *obj, const char *id, const char *name)
{
    json_object_set_new(obj, "domain", id ? json_pack("{s:s}", "id", id)
                                          : json_pack("{s:s}", "name", name ? name : "Default"));
}

/* Gets (or reuses) the service token.  Called with the mutex held. */
static int
service_login(struct keystone_client *kc, char **ret)
{
    const struct server_config *cfg = kc->cfg;
    struct http_capture a;
    json_t *user, *project, *body;
    char *text, *url;
    int r;

    if (kc->service_token && kc->service_expires - SERVICE_TOKEN_MARGIN_S > time(NULL)) {
        *ret = xstrdup(kc->service_token);
        return 0;
    }
    user = json_pack("{s:s,s:s}", "name", cfg->ks_username, "password", cfg->ks_password);
    set_domain(user, cfg->ks_user_domain_id, cfg->ks_user_domain_name);
    project = json_pack("{s:s}", "name", cfg->ks_project_name);
    set_domain(project, cfg->ks_project_domain_id, cfg->ks_project_domain_name);
    body = json_pack("{s:{s:{s:[s],s:{s:o}},s:{s:o}}}", "auth", "identity", "methods",
                     "password", "password", "user", user, "scope", "project", project);
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    url = xasprintf("%s/auth/tokens?nocatalog", kc->v3);
    r = http_call(kc, "POST", url, NULL, NULL, text, &a);
    free(url);
    free(text);
    if (r) {
        return r;
    }
    if (a.status != 201 || !a.subject_token[0]) {
        log_warn_rl("service login to %s as %s failed: HTTP %ld", kc->v3, cfg->ks_username,
                    a.status);
        http_capture_done(&a);
        return -EAGAIN;
    }
    body = json_loadb((const char *) a.body.data, a.body.len, 0, NULL);
    free(kc->service_token);
    kc->service_token = xstrdup(a.subject_token);
    kc->service_expires = parse_time(json_string_value(
        json_object_get(json_object_get(body, "token"), "expires_at")));
    json_decref(body);
    http_capture_done(&a);
    *ret = xstrdup(kc->service_token);
    return 0;
}

/* Reads user, project and roles of a validated token body into 'v'. */
static void
verdict_from_body(const struct buf *b, struct token_verdict *v)
{
    json_t *body = json_loadb((const char *) b->data, b->len, 0, NULL);
    json_t *t = json_object_get(body, "token");
    const char *uid = json_string_value(json_object_get(json_object_get(t, "user"), "id"));
    const char *pid = json_string_value(json_object_get(json_object_get(t, "project"), "id"));
    struct context ctx = { 0 };
    json_t *role;
    size_t i;

    memset(v, 0, sizeof v[0]);
    if (!uid || !pid || strlen(uid) >= sizeof v->user_id || strlen(pid) >= sizeof v->project_id) {
        json_decref(body);
        return;     /* Unscoped, or ids we cannot hold: not valid for the network API. */
    }
    json_array_foreach (json_object_get(t, "roles"), i, role) {
        const char *name = json_string_value(json_object_get(role, "name"));
        if (name) {
            context_add_role(&ctx, name, strlen(name));
        }
    }
    v->valid = true;
    snprintf(v->user_id, sizeof v->user_id, "%s", uid);
    snprintf(v->project_id, sizeof v->project_id, "%s", pid);
    v->roles = ctx.roles;
    v->expires_at = parse_time(json_string_value(json_object_get(t, "expires_at")));
    json_decref(body);
}

/* Asks Keystone about 'token'. */
static int
remote_validate(struct keystone_client *kc, const char *token, struct token_verdict *v)
{
    char *url = xasprintf("%s/auth/tokens?nocatalog", kc->v3);
    struct http_capture a;
    char *service = NULL;
    int r;

    for (int attempt = 0; attempt < 2; attempt++) {
        pthread_mutex_lock(&kc->mutex);
        r = service_login(kc, &service);
        pthread_mutex_unlock(&kc->mutex);
        if (r) {
            break;
        }
        r = http_call(kc, "GET", url, service, token, NULL, &a);
        free(service);
        service = NULL;
        if (r) {
            break;
        }
        if (a.status == 401 && attempt == 0) {
            /* Our service token went stale (revoked, or Keystone restarted): renew. */
            pthread_mutex_lock(&kc->mutex);
            kc->service_expires = 0;
            pthread_mutex_unlock(&kc->mutex);
            http_capture_done(&a);
            continue;
        }
        if (a.status == 200 && !a.too_large) {
            verdict_from_body(&a.body, v);
        } else if (a.status == 404) {
            memset(v, 0, sizeof *v);
        } else {
            log_warn_rl("token validation at %s: HTTP %ld", kc->v3, a.status);
            r = -EAGAIN;
        }
        http_capture_done(&a);
        break;
    }
    free(url);
    return r;
}

int
keystone_client_validate(struct keystone_client *kc, const char *token, struct context *ctx)
{
    uint64_t now_us = time_mono_us();
    uint8_t key[TOKEN_KEY_LEN];
    struct token_verdict v;
    int r;

    if (!token || !*token || strlen(token) > 8192) {
        return -EACCES;
    }
    token_key(token, key);
    if (!token_cache_get(kc->cache, key, now_us, &v)) {
        uint64_t generation = token_cache_generation(kc->cache);
        int64_t ttl;

        r = remote_validate(kc, token, &v);
        if (r) {
            return r;
        }
        ttl = v.valid ? kc->cfg->ks_token_cache_time : NEGATIVE_CACHE_S;
        if (kc->cfg->ks_token_cache_time < ttl) {
            ttl = kc->cfg->ks_token_cache_time;
        }
        if (v.valid && v.expires_at - time(NULL) < ttl) {
            ttl = v.expires_at - time(NULL);
        }
        if (ttl > 0) {
            token_cache_put(kc->cache, key, &v, now_us + (uint64_t) ttl * 1000000, generation);
        }
    }
    if (!v.valid || v.expires_at <= time(NULL)) {
        return -EACCES;
    }
    token_verdict_apply(&v, ctx);
    return 0;
}

int
keystone_client_create(const struct server_config *cfg, struct keystone_client **ret,
                       struct buf *error)
{
    struct keystone_client *kc;
    const char *url = cfg->ks_auth_url;
    size_t n = strlen(url);

    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT)) {
        buf_printf(error, "cannot initialise libcurl");
        return -EIO;
    }
    if (!str_startswith(url, "http://") && !str_startswith(url, "https://")) {
        buf_printf(error, "[keystone_authtoken] auth_url must be an http(s) URL");
        return -EINVAL;
    }
    kc = xcalloc(1, sizeof *kc);
    kc->cfg = cfg;
    while (n && url[n - 1] == '/') {
        n--;
    }
    kc->v3 = n >= 3 && !strncmp(url + n - 3, "/v3", 3) ? xstrndup(url, n)
                                                        : xasprintf("%.*s/v3", (int) n, url);
    kc->cache = token_cache_create(CACHE_SLOTS);
    pthread_mutex_init(&kc->mutex, NULL);
    *ret = kc;
    return 0;
}

void
keystone_client_destroy(struct keystone_client *kc)
{
    if (!kc) {
        return;
    }
    token_cache_destroy(kc->cache);
    pthread_mutex_destroy(&kc->mutex);
    free(kc->service_token);
    free(kc->v3);
    free(kc);
    curl_global_cleanup();
}
