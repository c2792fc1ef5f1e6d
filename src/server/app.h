/* Server-wide state shared by every request: configuration, the store, the ML2
 * manager.  Created by main() before the HTTP server starts and destroyed after it
 * stops, so handlers may use it without locks (it is read-only while serving). */
#ifndef NEUTRINO_APP_H
#define NEUTRINO_APP_H

#include "config.h"
#include "mac.h"

struct store;
struct ml2;
struct identity;
struct keystone_client;
struct workpool;

/* How network API requests are authenticated ([DEFAULT] auth_strategy and
 * [keystone_authtoken] auth_url). */
enum auth_mode {
    AUTH_NOAUTH,        /* X-Project-Id / X-Roles headers, or admin. */
    AUTH_BUILTIN,       /* Tokens of the built-in identity service. */
    AUTH_EXTERNAL,      /* Tokens checked by an external Keystone. */
};

struct app {
    const struct server_config *cfg;
    struct store *store;
    struct ml2 *ml2;
    struct mac base_mac;        /* Parsed [DEFAULT] base_mac. */
    bool ipam_random;           /* Zed's random choice instead of lowest-free. */
    /* [ml2] extension_drivers that keep a port attribute (Zed's ML2 lists and accepts
     * both attributes either way, but stores and shows them only with the driver). */
    bool port_device_profile;
    bool port_numa_affinity_policy;
    enum auth_mode auth_mode;
    struct identity *identity;          /* Built-in identity; NULL with AUTH_EXTERNAL. */
    struct keystone_client *keystone;   /* AUTH_EXTERNAL only. */
    struct workpool *workpool;          /* Runs requests deferred by request_defer()
                                         * (password hashing); NULL: they run inline. */
};

#endif
