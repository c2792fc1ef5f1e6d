/* Server-wide state shared by every request: configuration, the store, the ML2
 * manager.  Created by main() before the HTTP server starts and destroyed after it
 * stops, so handlers may use it without locks (it is read-only while serving). */
#ifndef NEUTRINO_APP_H
#define NEUTRINO_APP_H

#include "config.h"
#include "mac.h"

struct store;
struct ml2;

struct app {
    const struct server_config *cfg;
    struct store *store;
    struct ml2 *ml2;
    struct mac base_mac;        /* Parsed [DEFAULT] base_mac. */
    bool ipam_random;           /* Zed's random choice instead of lowest-free. */
};

#endif
