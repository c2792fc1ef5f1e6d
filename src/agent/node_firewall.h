/* The linux-bridge agent's side of security groups: what its node's firewall must
 * enforce, kept up to date from what the agent hears, and handed to firewall.h.
 *
 * The ports come from the device details the agent reads while wiring (port security,
 * groups, addresses, allowed address pairs); the groups they use, with their rules and
 * the member addresses of every remote group, come from POST AGENT_PATH_SECURITY_GROUPS
 * and are kept between applies: an apply asks only for the groups it does not hold, or
 * whose rules or remote groups' members the feed said changed (CHANGE_SG_RULES,
 * CHANGE_SG_MEMBERS: node_firewall_group_changed()).  What no port of the node uses is
 * dropped at every apply (the server stops telling this host of its changes), and
 * everything on a full comparison (start, a full sync, a failed apply), so nothing
 * held outlives the feed that keeps it true.  Every apply hands the firewall the whole
 * model, and the firewall changes only what differs (firewall.h), so one change set
 * of the feed becomes one atomic batch per table.
 *
 * Not applying is never silent: a failure (a tool missing, the kernel lacking
 * br_netfilter) is logged, kept for the agent's reported configurations, and the
 * caller holds back the ports it would report up. */
#ifndef NEUTRINO_AGENT_NODE_FIREWALL_H
#define NEUTRINO_AGENT_NODE_FIREWALL_H

#include <jansson.h>
#include <stdbool.h>

#include "agent_proto.h"
#include "firewall.h"

struct server_client;

struct node_firewall {
    bool enabled;               /* [securitygroup]: filtering asked for. */
    struct firewall fw;
    json_t *ports;              /* Device name -> the port as the model reads it. */
    json_t *watched;            /* Group ids the model uses (its ports' and remote ones). */
    json_t *groups;             /* Group id -> the server's group, held between applies. */
    json_t *members;            /* Remote group id -> its members' addresses, the same. */
    bool dirty;                 /* The model changed since the last apply. */
    bool resync;                /* The next apply reads the kernel. */
    char missing[64];           /* What the kernel lacks ("" when nothing). */
    char error[256];            /* Why the last apply failed ("" after a success). */
    /* Called now and then while an apply runs (on a thread of its own), from the
     * caller's thread: the agent's heartbeat.  NULL: the apply runs in the caller. */
    void (*while_waiting)(void *aux);
    void *while_waiting_aux;
};

void node_firewall_init(struct node_firewall *nf, bool enabled);
void node_firewall_done(struct node_firewall *nf);

/* Checks that bridged traffic reaches iptables (br_netfilter), turning the bridge's
 * calls into iptables on as Neutron's driver does.  Returns 0, or -1 after logging
 * (the firewall then refuses to apply, and says why in its configurations). */
int node_firewall_check_kernel(struct node_firewall *nf);

/* The port behind tap 'device' per its device details 'details', or none (NULL: not a
 * port of this host any more, or the tap went). */
void node_firewall_set_port(struct node_firewall *nf, const char *device,
                            const json_t *details);

/* Whether a change to security group 'id' concerns this node. */
bool node_firewall_watches(const struct node_firewall *nf, const char *id);

/* The feed said group 'id' changed ('kind': CHANGE_SG_RULES or CHANGE_SG_MEMBERS): what
 * is held of it is forgotten (for its rules, also every held group naming it as remote
 * group: the group's deletion takes those rules with it), and the model is marked
 * dirty if it uses the group. */
void node_firewall_group_changed(struct node_firewall *nf, enum change_kind kind,
                                 const char *id);

/* Asks the server for the groups of the node's ports and makes the kernel match.
 * A no-op when filtering is off.  Returns 0, or -1 (logged; 'error' says why). */
int node_firewall_apply(struct node_firewall *nf, struct server_client *sc, const char *host);

/* Adds the firewall's driver and any trouble to the agent's configurations. */
void node_firewall_describe(const struct node_firewall *nf, json_t *conf);

#endif
