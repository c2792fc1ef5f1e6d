/* Password hashing (see password.h). */
#include "password.h"

#include <string.h>

#include "log.h"

LOG_MODULE("identity");

static char dummy_hash[PASSWORD_HASH_MAX];
static unsigned long long ops_limit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t mem_limit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

void
password_use_minimum_cost(void)
{
    ops_limit = crypto_pwhash_OPSLIMIT_MIN;
    mem_limit = crypto_pwhash_MEMLIMIT_MIN;
}

int
password_init(void)
{
    static bool done;
    char pw[24];

    if (done) {
        return 0;
    }
    if (sodium_init() < 0) {
        return -1;
    }
    random_token_text(pw, sizeof pw - 1);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), ops_limit, mem_limit)) {
        return -1;
    }
    done = true;
    return 0;
}

int
password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
    int r;

    r = crypto_pwhash_str(out, password, strlen(password), ops_limit, mem_limit);
    if (r) {
        log_err("password hashing failed (out of memory?)");
    }
    return r ? -1 : 0;
}

bool
password_verify(const char *hash, const char *password)
{
    size_t len = strlen(password);
    bool ok;

    if (len > PASSWORD_MAX_LEN) {
        return false;
    }
    if (!hash || strnlen(hash, PASSWORD_HASH_MAX) >= PASSWORD_HASH_MAX) {
        volatile int spent = crypto_pwhash_str_verify(dummy_hash, password, len);
        (void) spent;
        ok = false;
    } else {
        ok = crypto_pwhash_str_verify(hash, password, len) == 0;
    }
    return ok;
}

void
random_token_text(char *out, size_t n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    for (size_t i = 0; i < n; i++) {
        out[i] = alphabet[randombytes_uniform(64)];
    }
    out[n] = '\0';
}
