/* Authentication of network API requests (/v2.0..., /agent/...): turns what the
 * caller sent into the request context, in whichever mode the server runs (app.h,
 * enum auth_mode): noauth headers, a token of the built-in identity service, or a
 * token checked by an external Keystone.  Failures answer as keystonemiddleware does:
 * 401 with WWW-Authenticate, or 503 when the external Keystone cannot be asked.  The
 * composition root hands it to the HTTP layer as those families' authenticator
 * (api_family.h). */
#ifndef NEUTRINO_IDENTITY_AUTHN_H
#define NEUTRINO_IDENTITY_AUTHN_H

struct request;

/* Fills req->ctx (an api_authenticator).  Returns 0, or -1 after answering. */
int authn_request(struct request *req);

#endif
