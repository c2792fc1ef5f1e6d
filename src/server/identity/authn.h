/* Authentication of network API requests (/v2.0...): turns what the caller sent into
 * the request context, in whichever mode the server runs (app.h, enum auth_mode):
 * noauth headers, a token of the built-in identity service, or a token checked by an
 * external Keystone.  Failures answer as keystonemiddleware does: 401 with
 * WWW-Authenticate, or 503 when the external Keystone cannot be asked. */
#ifndef NEUTRINO_IDENTITY_AUTHN_H
#define NEUTRINO_IDENTITY_AUTHN_H

struct request;

/* What noauth mode reads (header values or NULL). */
struct noauth_headers {
    const char *project_id, *user_id, *roles;
};

/* True for paths that need an authenticated caller (the /v2.0 API). */
bool authn_required(const char *path);

/* Fills req->ctx.  Returns 0, or -1 after answering. */
int authn_request(struct request *req, const struct noauth_headers *h);

#endif
