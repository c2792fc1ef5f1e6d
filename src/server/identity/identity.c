/* The built-in identity service (see identity.h): password checks with lock-out,
 * token issue, validation, revocation.  Bootstrap is in bootstrap.c. */
#include "identity.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "identity_internal.h"
#include "lockout.h"
#include "log.h"
#include "password.h"
#include "token_cache.h"
#include "util.h"

LOG_MODULE("identity");

enum {
    CACHE_SLOTS = 4096,
    CACHE_SECONDS = 60,         /* Longest a validation is reused (writes clear sooner). */
    PURGE_EVERY = 256,          /* Issues between sweeps of expired tokens. */
};

void
identity_new_id(char out[IDENTITY_ID_LEN])
{
    uint8_t raw[16];

    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, IDENTITY_ID_LEN, raw, sizeof raw);
}

static int64_t
now_s(void)
{
    return (int64_t) time(NULL);
}

/* --- Passwords ------------------------------------------------------------------- */

int
identity_check_password(struct identity *id, struct store_conn *c, const char *user_id,
                        const char *user_name, const char *password,
                        char ret_user_id[IDENTITY_ID_LEN])
{
    struct lockout_state lock;
    struct id_user u;
    bool ok;
    int r;

    r = user_id ? store_id_user_get(c, user_id, &u) : store_id_user_get_by_name(c, user_name, &u);
    if (r == -ENOENT) {
        /* An unknown user costs the same hash as a known one. */
        (void) password_verify(NULL, password);
        return -EACCES;
    }
    r = r ? r : lockout_check(id->cfg, c, u.id, &lock);
    if (r) {
        id_user_done(&u);
        return r;
    }
    /* Keyed by the id the store found, however the client named the user.  A locked
     * account is refused even with the right password (as Keystone), yet its password
     * is still hashed: the refusal then takes the time of any wrong password, so a
     * lock does not tell which names exist. */
    ok = password_verify(u.password_hash, password);
    if (lock.locked) {
        log_warn_rl("user %s is locked out: login refused", u.id);
        ok = false;
    } else if (!ok) {
        r = lockout_failed(id->cfg, c, u.id, &lock);
    } else if (u.enabled) {
        r = lockout_succeeded(id->cfg, c, u.id, &lock);
    }
    ok = ok && u.enabled;
    if (ok && !r) {
        memcpy(ret_user_id, u.id, IDENTITY_ID_LEN);
    }
    id_user_done(&u);
    return r ? r : ok ? 0 : -EACCES;
}

/* --- Password policy ------------------------------------------------------------- */

/* True if 'regex' uses \d or \D: Python's digit classes, which POSIX regcomp() would
 * silently read as the letters d and D. */
static bool
uses_python_digit_class(const char *regex)
{
    for (const char *p = regex; *p; p++) {
        if (*p == '\\') {
            if (p[1] == 'd' || p[1] == 'D') {
                return true;
            }
            if (p[1]) {
                p++;
            }
        }
    }
    return false;
}

int
identity_password_policy_init(struct identity *id, struct buf *error)
{
    const char *regex = id->cfg->password_regex;
    int rc;

    if (!regex || !*regex) {
        return 0;
    }
    if (uses_python_digit_class(regex)) {
        buf_printf(error, "[security_compliance] password_regex: \\d and \\D are not POSIX;"
                          " write [0-9] or [[:digit:]] (and [^0-9])");
        return -EINVAL;
    }
    rc = regcomp(&id->password_regex, regex, REG_EXTENDED);
    if (rc) {
        char why[128];
        regerror(rc, &id->password_regex, why, sizeof why);
        buf_printf(error, "[security_compliance] password_regex is not a POSIX extended"
                          " regular expression: %s", why);
        return -EINVAL;
    }
    id->has_password_regex = true;
    if (!id->cfg->password_regex_description || !*id->cfg->password_regex_description) {
        log_warn("[security_compliance] password_regex is set without"
                 " password_regex_description: refused passwords get no explanation");
    }
    return 0;
}

const char *
identity_password_refusal(const struct identity *id, const char *password)
{
    regmatch_t m;

    if (!id->has_password_regex) {
        return NULL;
    }
    /* Python's re.match(): a match must start at the first character (the leftmost
     * match does if any does), and may end before the last. */
    if (regexec(&id->password_regex, password, 1, &m, 0) == 0 && m.rm_so == 0) {
        return NULL;
    }
    if (id->cfg->password_regex_description && *id->cfg->password_regex_description) {
        return id->cfg->password_regex_description;
    }
    return "it does not match the pattern the administrator set";
}

/* --- Tokens ---------------------------------------------------------------------- */

static void
auth_add_role(struct id_auth *a, const char *rid, const char *name)
{
    for (size_t i = 0; i < a->n_roles; i++) {
        if (STREQ(a->roles[i].name, name)) {
            return;
        }
    }
    if (a->n_roles == ID_AUTH_MAX_ROLES) {
        return;
    }
    snprintf(a->roles[a->n_roles].id, sizeof a->roles[0].id, "%s", rid);
    snprintf(a->roles[a->n_roles].name, sizeof a->roles[0].name, "%s", name);
    a->n_roles++;
}

static int
collect_role(const struct id_role *r, void *aux)
{
    struct id_auth *a = aux;

    auth_add_role(a, r->id, r->name);
    return 0;
}

/* Reads the user's roles on the project into 'a' with the implied ones (admin =>
 * member => reader), listed as Keystone lists them: implied first. */
static int
auth_load_roles(struct identity *id, struct store_conn *c, struct id_auth *a)
{
    struct id_auth direct;
    struct context ctx = { 0 };
    int r;

    direct.n_roles = 0;
    r = store_id_roles_of(c, a->token.user_id, a->token.project_id, collect_role, &direct);
    if (r) {
        return r;
    }
    for (size_t i = 0; i < direct.n_roles; i++) {
        context_add_role(&ctx, direct.roles[i].name, strlen(direct.roles[i].name));
    }
    a->n_roles = 0;
    if (ctx.roles & ROLE_READER) {
        auth_add_role(a, id->role_ids[BUILTIN_READER], "reader");
    }
    if (ctx.roles & ROLE_MEMBER) {
        auth_add_role(a, id->role_ids[BUILTIN_MEMBER], "member");
    }
    for (size_t i = 0; i < direct.n_roles; i++) {
        auth_add_role(a, direct.roles[i].id, direct.roles[i].name);
    }
    a->role_bits = ctx.roles;
    return 0;
}

/* Fills names and roles of 'a' from its token; -ENOENT if the user or project is gone
 * or disabled, or the user has no role left on the project. */
static int
auth_complete(struct identity *id, struct store_conn *c, struct id_auth *a)
{
    struct id_user u;
    struct id_project p;
    int r = store_id_user_get(c, a->token.user_id, &u);

    if (r) {
        return r;
    }
    snprintf(a->user_name, sizeof a->user_name, "%s", u.name);
    r = u.enabled ? 0 : -ENOENT;
    id_user_done(&u);
    a->project_name[0] = '\0';
    a->n_roles = 0;
    a->role_bits = 0;
    if (r || !a->token.project_id[0]) {
        return r;
    }
    r = store_id_project_get(c, a->token.project_id, &p);
    if (r) {
        return r;
    }
    snprintf(a->project_name, sizeof a->project_name, "%s", p.name);
    r = p.enabled ? 0 : -ENOENT;
    id_project_done(&p);
    if (!r) {
        r = auth_load_roles(id, c, a);
    }
    return r ? r : a->n_roles ? 0 : -ENOENT;
}

static void
new_audit_id(char out[AUDIT_ID_LEN])
{
    uint8_t raw[16];

    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, AUDIT_ID_LEN, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
identity_issue(struct identity *id, struct store_conn *c, const char *user_id,
               const char *project_id, const char *methods, const struct id_token *parent,
               char ret_text[TOKEN_TEXT_LEN + 1], struct id_auth *ret)
{
    uint8_t key[TOKEN_KEY_LEN];
    struct id_token *t = &ret->token;
    int r;

    memset(ret, 0, sizeof *ret);
    random_token_text(ret_text, TOKEN_TEXT_LEN);
    token_key(ret_text, key);
    sodium_bin2hex(t->hash, sizeof t->hash, key, sizeof key);
    snprintf(t->user_id, sizeof t->user_id, "%s", user_id);
    snprintf(t->project_id, sizeof t->project_id, "%s", project_id ? project_id : "");
    snprintf(t->methods, sizeof t->methods, "%s", methods);
    new_audit_id(t->audit_id);
    t->issued_at = now_s();
    t->expires_at = parent ? parent->expires_at : t->issued_at + id->cfg->token_expiration;
    if (parent) {
        snprintf(t->parent_audit_id, sizeof t->parent_audit_id, "%s", parent->audit_id);
    }
    r = auth_complete(id, c, ret);
    if (r) {
        return r == -ENOENT ? -EACCES : r;
    }
    r = store_begin(c);
    if (r) {
        return r;
    }
    r = store_id_token_insert(c, t);
    if (!r && __atomic_add_fetch(&id->issued, 1, __ATOMIC_RELAXED) % PURGE_EVERY == 0) {
        r = store_id_token_purge(c, t->issued_at);
    }
    return store_end(c, r);
}

int
identity_validate(struct identity *id, struct store_conn *c, const char *token,
                  struct id_auth *ret)
{
    uint8_t key[TOKEN_KEY_LEN];
    char hash[TOKEN_HASH_LEN];
    int r;

    if (strlen(token) != TOKEN_TEXT_LEN) {
        return -ENOENT;
    }
    memset(ret, 0, sizeof *ret);
    token_key(token, key);
    sodium_bin2hex(hash, sizeof hash, key, sizeof key);
    r = store_id_token_get(c, hash, now_s(), &ret->token);
    return r ? r : auth_complete(id, c, ret);
}

int
identity_authenticate(struct identity *id, struct store_conn *c, const char *token,
                      struct context *ctx)
{
    uint64_t now_us = time_mono_us();
    uint8_t key[TOKEN_KEY_LEN];
    struct token_verdict v;
    struct id_auth a;
    int r;

    if (!token || strlen(token) != TOKEN_TEXT_LEN) {
        return -EACCES;
    }
    token_key(token, key);
    if (!token_cache_get(id->cache, key, now_us, &v)) {
        uint64_t generation = token_cache_generation(id->cache);
        int64_t left;

        memset(&v, 0, sizeof v);
        r = identity_validate(id, c, token, &a);
        if (r && r != -ENOENT) {
            return r;
        }
        v.valid = !r && a.token.project_id[0];
        if (v.valid) {
            snprintf(v.project_id, sizeof v.project_id, "%s", a.token.project_id);
            snprintf(v.user_id, sizeof v.user_id, "%s", a.token.user_id);
            v.roles = a.role_bits;
            v.expires_at = a.token.expires_at;
        }
        left = v.valid ? v.expires_at - now_s() : CACHE_SECONDS;
        left = left < CACHE_SECONDS ? left : CACHE_SECONDS;
        if (left > 0) {
            token_cache_put(id->cache, key, &v, now_us + (uint64_t) left * 1000000, generation);
        }
    }
    if (!v.valid || v.expires_at <= now_s()) {
        return -EACCES;
    }
    token_verdict_apply(&v, ctx);
    return 0;
}

int
identity_revoke(struct identity *id, struct store_conn *c, const char *token)
{
    struct id_auth a;
    int r = identity_validate(id, c, token, &a);

    if (r) {
        return r;
    }
    r = store_begin(c);
    if (r) {
        return r;
    }
    r = store_end(c, store_id_token_delete(c, a.token.hash));
    if (!r) {
        identity_changed(id);
    }
    return r;
}

void
identity_changed(struct identity *id)
{
    token_cache_clear(id->cache);
    store_notify_identity(id->store);
}

void
identity_changed_elsewhere(struct identity *id)
{
    if (id) {
        token_cache_clear(id->cache);
    }
}

void
identity_catalog_id(const struct identity *id, const char *what, char out[IDENTITY_ID_LEN])
{
    crypto_generichash_state st;
    uint8_t raw[16];

    crypto_generichash_init(&st, NULL, 0, sizeof raw);
    crypto_generichash_update(&st, (const unsigned char *) id->install_id,
                              strlen(id->install_id));
    crypto_generichash_update(&st, (const unsigned char *) what, strlen(what));
    crypto_generichash_final(&st, raw, sizeof raw);
    sodium_bin2hex(out, IDENTITY_ID_LEN, raw, sizeof raw);
}

const char *
identity_region(const struct identity *id)
{
    return id->cfg->region_name;
}

struct identity *
identity_alloc(const struct server_config *cfg, struct store *store)
{
    struct identity *id = xcalloc(1, sizeof *id);

    id->cfg = cfg;
    id->store = store;
    id->cache = token_cache_create(CACHE_SLOTS);
    return id;
}

void
identity_close(struct identity *id)
{
    if (!id) {
        return;
    }
    token_cache_destroy(id->cache);
    if (id->has_password_regex) {
        regfree(&id->password_regex);
    }
    free(id);
}
