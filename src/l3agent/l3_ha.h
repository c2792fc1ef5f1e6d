/* The L3 agent's side of HA routers (behaviour/agents.md §E): after each apply, one
 * keepalived per hosted HA router (keepalived.h), reconciled rather than restarted;
 * then, every HA_CHECK_MS, a keepalived that died is started again and which side this
 * node is for each of them is read from the kernel (the primary VIP on ha-), each change reported to the server (POST
 * AGENT_PATH_L3_HA_STATES) and, on becoming active, gratuitous ARP for the router's
 * gateway and floating addresses (keepalived sends its own too).  A report the server
 * did not take is sent again at the next check. */
#ifndef NEUTRINO_L3_HA_H
#define NEUTRINO_L3_HA_H

#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "keepalived.h"
#include "l3.h"
#include "l3_model.h"
#include "server_client.h"

struct l3_ha {
    const struct l3_config *cfg;
    struct keepalived_options ko;
    struct l3_model model;      /* The hosted HA routers, as last applied. */
    json_t *states;             /* Router id -> "active"/"standby" seen here. */
    json_t *unsent;             /* Router id -> state not yet taken by the server. */
    int64_t next_check_ms;
};

void l3_ha_init(struct l3_ha *h, const struct l3_config *cfg);
void l3_ha_done(struct l3_ha *h);

/* After an apply of 'hosted' (router id -> the server's router; all this node hosts)
 * limited to 'scope' (NULL: all): keepalived runs for each HA router of the scope that
 * is hosted and is stopped for each that is not.  A router whose keepalived could not
 * be started is added to 'failed' (id -> true) to be retried. */
void l3_ha_reconcile(struct l3_ha *h, const json_t *hosted, const struct l3_scope *scope,
                     json_t *failed);
/* Checks each HA router's side if due and reports changes; returns when (ms,
 * agent_loop_now_ms()) it wants to run again, INT64_MAX with no HA router. */
int64_t l3_ha_tick(struct l3_ha *h, struct server_client *sc);
/* Stops every keepalived this agent runs (cleanup_on_shutdown). */
void l3_ha_stop_all(struct l3_ha *h);

#endif
