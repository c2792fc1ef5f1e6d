/* Password hashing with libsodium's argon2id (crypto_pwhash_str).  Each hash costs
 * tens of milliseconds and 64 MiB, so a flood of logins must queue, not exhaust the
 * machine nor hold the threads serving other requests: while serving, the handlers
 * that hash run on the worker pool (request_defer(), workpool.h), whose thread count
 * bounds the hashes running at once; at start-up, bootstrap hashes on the main
 * thread. */
#ifndef NEUTRINO_IDENTITY_PASSWORD_H
#define NEUTRINO_IDENTITY_PASSWORD_H

#include <stdbool.h>

#include <sodium.h>

#define PASSWORD_HASH_MAX crypto_pwhash_STRBYTES
#define PASSWORD_MAX_LEN 4096   /* Longer passwords are refused unhashed (Keystone's cap). */

/* Initialises libsodium and the dummy hash. Returns 0 or -1. */
int password_init(void);
/* Hashes 'password' into 'out'. Returns 0 or -1 (out of memory). */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
/* True if 'password' matches 'hash'.  With 'hash' NULL it still spends the time a
 * check takes, then fails, so unknown user names cannot be told by timing. */
bool password_verify(const char *hash, const char *password);

/* Switches hashing to libsodium's minimum cost, for unit tests and fuzzing only: they
 * exercise the code around the hash, not the hash.  Call before password_init(). */
void password_use_minimum_cost(void);

/* Writes 'n' random characters of URL-safe base64 and a NUL into 'out'. */
void random_token_text(char *out, size_t n);

#endif
