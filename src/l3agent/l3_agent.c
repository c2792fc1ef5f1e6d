/* The L3 agent's loop (see l3_agent.h; docs/behaviour/agents.md §E).
 *
 * The routers this host's L3 agent hosts come from the server in the engine's model
 * shape (POST AGENT_PATH_L3_ROUTERS); the engine (l3.h) reads the kernel, plans the
 * difference and applies it, so the agent never replays anything: at start, when the
 * server says the agent was thought dead, and when the change feed was lost, it asks
 * for all of its routers and applies the whole model (namespaces of routers no longer
 * its own go; everything that is right, established connections included, is left
 * alone).  Between full comparisons the change feed's router_update and router_delete
 * name routers; those heard in one round are asked for in one request and applied with
 * the engine limited to them, so only their namespaces are read (an asked router missing
 * from the answer is no longer this host's: its namespace goes).
 *
 * Routers are independent, as in Neutron's agent: one the engine could not finish (its
 * namespace unreadable, or a step the kernel or a tool refused) is logged and asked for
 * again after a pause that doubles up to periodic_interval, while the others are done.
 * HA routers also get their keepalived after each apply, and their side is watched and
 * reported (l3_ha.h).  A stop signal leaves every namespace and keepalived in place
 * (Neutron's cleanup_on_shutdown, off by default, removes them). */
#include "l3_agent.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "agent_loop.h"
#include "agent_proto.h"
#include "config.h"
#include "l3.h"
#include "l3_ha.h"
#include "l3_routers.h"
#include "log.h"
#include "netns.h"
#include "server_client.h"
#include "util.h"

LOG_MODULE("l3");

#define AGENT_BINARY "neutron-l3-agent"
#define AGENT_TOPIC "l3_agent"

enum {
    IDS_BATCH = 256,            /* Router ids per request. */
    FIRST_RETRY_MS = 1000,      /* The first pause before a failed router is retried. */
};

struct l3agent {
    const struct l3_config *cfg;
    struct agent_loop *loop;    /* Heartbeats, the change feed, retries, signals. */
    struct server_client *sc;   /* The loop's client. */
    struct l3_engine engine;
    json_t *hosted;             /* Router id -> the server's router, as applied. */
    json_t *pending;            /* Router id -> true: to ask for and apply again. */
    json_t *failed;             /* Router id -> true: the last apply did not finish it. */
    int64_t retry_at;           /* When failed routers are retried (ms); 0: none due. */
    int64_t retry_pause_ms;     /* The next pause; doubles while failures go on. */
    struct l3_ha ha;            /* keepalived and the sides of HA routers. */
};

/* --- The heartbeat --------------------------------------------------------------- */

static json_t *
configurations(struct l3agent *a)
{
    json_t *c = json_pack("{s:s,s:b,s:s,s:b,s:[]}", "agent_mode", a->cfg->agent_mode,
                          "handle_internal_only_routers",
                          a->cfg->handle_internal_only_routers, "interface_driver",
                          a->cfg->interface_driver, "log_agent_heartbeats",
                          a->cfg->log_agent_heartbeats, "extensions");

    l3_routers_counts(a->hosted, c);
    return c;
}

static json_t *
report_state(void *agent)
{
    struct l3agent *a = agent;

    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "agent_type", AGENT_TYPE_L3, "binary",
                     AGENT_BINARY, "host", a->cfg->host, "topic", AGENT_TOPIC,
                     "availability_zone", a->cfg->availability_zone, "configurations",
                     configurations(a));
}

/* --- Failures and retries -------------------------------------------------------- */

/* The engine could not finish router 'id' (it has logged the step): ask for it again
 * after the pause. */
static void
router_failed(void *aux, const char *router_id, const char *reason)
{
    struct l3agent *a = aux;

    log_debug("router=%s will be retried: %s", router_id, reason);
    json_object_set_new(a->failed, router_id, json_true());
}

/* After an apply: failed routers become pending with a pause before their retry (one
 * that doubles while failures go on); a round without failures resets the pause. */
static void
schedule_retries(struct l3agent *a)
{
    int64_t longest = (int64_t) a->cfg->periodic_interval * 1000;
    const char *id;
    json_t *v;

    if (!json_object_size(a->failed)) {
        a->retry_pause_ms = FIRST_RETRY_MS;
        return;
    }
    json_object_foreach (a->failed, id, v) {
        json_object_set_new(a->pending, id, json_true());
    }
    log_warn("%zu routers not finished; retrying them in %lld ms",
             json_object_size(a->failed), (long long) a->retry_pause_ms);
    json_object_clear(a->failed);
    a->retry_at = agent_loop_now_ms() + a->retry_pause_ms;
    a->retry_pause_ms = a->retry_pause_ms * 2 > longest ? longest : a->retry_pause_ms * 2;
}

/* --- Applying -------------------------------------------------------------------- */

/* Applies 'hosted' (id -> router) to the routers of 'scope' (NULL: all).  Routers the
 * engine did not finish are noted in a->failed (all of the scope's when it could not
 * even read the node).  0, or -EIO when nothing could be done for a whole apply. */
static int
apply(struct l3agent *a, const json_t *hosted, const struct l3_scope *scope)
{
    char reason[1024];
    struct l3_stats st;
    struct l3_model m;
    size_t before = json_object_size(a->failed);
    int r;

    l3_model_init(&m);
    r = l3_routers_model(hosted, &m, reason, sizeof reason);
    if (!r) {
        r = l3_apply(&a->engine, &m, scope, &st, reason, sizeof reason);
        if (!r && st.changed) {
            log_info("applied %zu steps in %.0f ms (read %.0f ms)%s", st.n_actions,
                     st.read_ms + st.plan_ms + st.apply_ms, st.read_ms,
                     st.n_unroutable ? "; some extra routes have no reachable next hop"
                                     : "");
        }
    }
    l3_model_done(&m);
    if (!r) {
        return 0;
    }
    log_warn("apply: %s", reason);
    if (json_object_size(a->failed) > before) {
        return 0;               /* Those routers are retried; the others are done. */
    }
    /* Nothing says which routers: the scope's are all retried. */
    for (size_t i = 0; scope && i < scope->n_ids; i++) {
        json_object_set_new(a->failed, scope->ids[i], json_true());
    }
    return scope ? 0 : -EIO;
}

/* --- Asking the server ------------------------------------------------------------- */

/* POST AGENT_PATH_L3_ROUTERS for this host; 'ids' (array) NULL: all its routers. */
static int
fetch_routers(struct l3agent *a, const json_t *ids, json_t **ret)
{
    json_t *body = json_pack("{s:s}", "host", a->cfg->host);
    int r;

    if (ids) {
        json_object_set(body, AGENT_FIELD_IDS, (json_t *) ids);
    }
    r = server_call(a->sc, "POST", AGENT_PATH_L3_ROUTERS, body, 0, ret, NULL);
    json_decref(body);
    if (!r && !json_is_array(json_object_get(*ret, AGENT_FIELD_ROUTERS))) {
        log_err("the server's answer to %s has no \"%s\" list", AGENT_PATH_L3_ROUTERS,
                AGENT_FIELD_ROUTERS);
        json_decref(*ret);
        *ret = NULL;
        r = -EPROTO;
    }
    return r;
}

/* The change feed's position now, for a server whose routers answer does not carry
 * it: asked for a position past the end, the feed answers with its last one. */
static int
feed_position(struct l3agent *a, int64_t *ret_seq)
{
    char path[512];
    json_t *ans = NULL;
    int r;

    snprintf(path, sizeof path, "%s?%s=%s&%s=%s&%s=%lld&%s=0", AGENT_PATH_CHANGES,
             AGENT_PARAM_HOST, a->cfg->host, AGENT_PARAM_AUDIENCE,
             agent_audience_name(AUDIENCE_L3), AGENT_PARAM_AFTER, (long long) INT64_MAX,
             AGENT_PARAM_WAIT);
    r = server_call(a->sc, "GET", path, NULL, 0, &ans, NULL);
    if (!r && !json_is_integer(json_object_get(ans, AGENT_FIELD_SEQ))) {
        r = -EPROTO;
    }
    if (!r) {
        *ret_seq = json_integer_value(json_object_get(ans, AGENT_FIELD_SEQ));
    }
    json_decref(ans);
    return r;
}

/* All of this host's routers, with the feed position read with them.  A server that
 * does not say its position is asked for it first, and then for the routers, so no
 * change made in between is missed (one read twice is harmless). */
static int
fetch_all(struct l3agent *a, json_t **ret, int64_t *ret_seq)
{
    json_t *ans = NULL;
    int64_t seq;
    int r = fetch_routers(a, NULL, &ans);

    if (!r && json_is_integer(json_object_get(ans, AGENT_FIELD_SEQ))) {
        *ret_seq = json_integer_value(json_object_get(ans, AGENT_FIELD_SEQ));
        *ret = ans;
        return 0;
    }
    json_decref(ans);
    ans = NULL;
    r = r ? r : feed_position(a, &seq);
    r = r ? r : fetch_routers(a, NULL, &ans);
    if (!r) {
        *ret_seq = seq;
        *ret = ans;
    }
    return r;
}

/* The namespaces of this agent's prefix, as router ids (object: id -> true). */
static void
note_ns(const char *name, void *aux)
{
    void **walk = aux;
    const char *id = name + strlen(walk[0]);

    if (uuid_is_valid(id)) {
        json_object_set_new(walk[1], id, json_true());
    }
}

/* The scope of a full apply: every router (NULL) unless some were refused, whose
 * namespaces are then left as they are: every router known or found but those. */
static const struct l3_scope *
full_scope(struct l3agent *a, const json_t *hosted, const json_t *invalid, json_t *keep,
           struct l3_scope *scope)
{
    void *walk[2] = { (void *) a->cfg->namespace_prefix, keep };
    const char **ids;
    const char *id;
    json_t *v;
    size_t n = 0;

    if (!json_object_size(invalid)) {
        return NULL;
    }
    netns_foreach(a->cfg->namespace_prefix, note_ns, walk);
    json_object_foreach ((json_t *) hosted, id, v) {
        json_object_set_new(keep, id, json_true());
    }
    json_object_foreach ((json_t *) invalid, id, v) {
        json_object_del(keep, id);
    }
    ids = xcalloc(json_object_size(keep) + 1, sizeof *ids);
    json_object_foreach (keep, id, v) {
        ids[n++] = id;
    }
    scope->ids = ids;
    scope->n_ids = n;
    return scope;
}

/* Logs the routers the model refused (a server bug: their namespaces stay as they are). */
static void
log_refused(struct buf *problems)
{
    if (problems->len) {
        log_warn_lines(buf_cstr(problems));
    }
}

/* --- Full comparison ------------------------------------------------------------- */

static int
full_sync(void *agent, int64_t *seq)
{
    struct l3agent *a = agent;
    json_t *ans = NULL, *hosted = json_object(), *invalid = json_object();
    json_t *keep = json_object();
    struct buf problems = BUF_INITIALIZER;
    struct l3_scope scope_buf = { NULL, 0 };
    const struct l3_scope *scope;
    int64_t pos = 0;
    int r = fetch_all(a, &ans, &pos);

    if (r) {
        goto out;
    }
    l3_routers_select(json_object_get(ans, AGENT_FIELD_ROUTERS),
                      a->cfg->handle_internal_only_routers, hosted, invalid, &problems);
    log_refused(&problems);
    scope = full_scope(a, hosted, invalid, keep, &scope_buf);
    r = apply(a, hosted, scope);
    if (r) {
        goto out;
    }
    json_decref(a->hosted);
    a->hosted = json_incref(hosted);
    l3_ha_reconcile(&a->ha, a->hosted, scope, a->failed);
    json_object_clear(a->pending);      /* Everything was just read. */
    schedule_retries(a);
    *seq = pos;
    log_info("synchronised: hosting %zu routers", json_object_size(a->hosted));
out:
    free((void *) scope_buf.ids);
    json_decref(keep);
    json_decref(invalid);
    json_decref(hosted);
    json_decref(ans);
    buf_done(&problems);
    return r;
}

/* --- Changes --------------------------------------------------------------------- */

/* Asks for up to IDS_BATCH pending routers and applies them, limited to those (an
 * asked router missing from the answer is no longer this host's: its namespace goes;
 * one the model refuses is left as it is).  0, or the failed call's result. */
static int
refresh_batch(struct l3agent *a)
{
    json_t *ids = json_array(), *ans = NULL, *hosted = json_object(), *invalid = json_object();
    struct buf problems = BUF_INITIALIZER;
    struct l3_scope scope = { NULL, 0 };
    const char **scope_ids = NULL;
    const char *id;
    json_t *v, *asked = json_object();
    void *tmp;
    size_t i;
    int r;

    json_object_foreach (a->pending, id, v) {
        if (json_array_size(ids) == IDS_BATCH) {
            break;
        }
        json_array_append_new(ids, json_string(id));
        json_object_set_new(asked, id, json_true());
    }
    r = fetch_routers(a, ids, &ans);
    if (r) {
        goto out;
    }
    l3_routers_select(json_object_get(ans, AGENT_FIELD_ROUTERS),
                      a->cfg->handle_internal_only_routers, hosted, invalid, &problems);
    log_refused(&problems);
    json_object_foreach_safe (hosted, tmp, id, v) {
        if (!json_object_get(asked, id)) {
            json_object_del(hosted, id);    /* Not asked for: not this batch's. */
        }
    }
    scope_ids = xcalloc(json_array_size(ids) + 1, sizeof *scope_ids);
    json_array_foreach (ids, i, v) {
        const json_t *router;
        id = json_string_value(v);
        json_object_del(a->pending, id);
        if (json_object_get(invalid, id)) {
            continue;
        }
        scope_ids[scope.n_ids++] = id;
        router = json_object_get(hosted, id);
        if (router) {
            json_object_set(a->hosted, id, (json_t *) router);
        } else {
            json_object_del(a->hosted, id);
        }
    }
    scope.ids = scope_ids;
    log_debug("applying %zu changed routers", scope.n_ids);
    r = apply(a, hosted, &scope);
    if (!r) {
        l3_ha_reconcile(&a->ha, a->hosted, &scope, a->failed);
    }
out:
    free(scope_ids);
    json_decref(asked);
    json_decref(ids);
    json_decref(ans);
    json_decref(hosted);
    json_decref(invalid);
    buf_done(&problems);
    return r;
}

/* Asks for every pending router, in batches, and applies them.  When the server fails
 * us a full comparison is asked for instead: once the server answers again (the loop
 * waits periodic_interval between tries) it reads every router, these included. */
static void
process_pending(struct l3agent *a)
{
    int r = 0;

    a->retry_at = 0;
    while (!r && json_object_size(a->pending)) {
        r = refresh_batch(a);
        agent_loop_keepalive(a->loop);
    }
    if (r) {
        log_warn("the server could not give the changed routers (%s); comparing everything"
                 " once it can", strerror(-r));
        json_object_clear(a->pending);
        agent_loop_resync(a->loop);
    }
    schedule_retries(a);
}

/* The routers named by the changes are applied, unless a full comparison is due (it
 * reads them all anyway). */
static void
on_changes(void *agent, const json_t *changes, bool sync_pending)
{
    struct l3agent *a = agent;

    if (l3_routers_changed(changes, a->pending) && !sync_pending) {
        process_pending(a);
    }
}

/* Routers that failed are tried again once their pause is over. */
static int64_t
retry_due(struct l3agent *a)
{
    if (!json_object_size(a->pending)) {
        return INT64_MAX;
    }
    if (agent_loop_now_ms() >= a->retry_at) {
        process_pending(a);
    }
    return json_object_size(a->pending) ? a->retry_at : INT64_MAX;
}

/* The agent's timers: retries, and the sides of HA routers. */
static int64_t
tick(void *agent)
{
    struct l3agent *a = agent;
    int64_t retry = retry_due(a), ha = l3_ha_tick(&a->ha, a->sc);

    return retry < ha ? retry : ha;
}

static const struct agent_loop_ops loop_ops = {
    .report_state = report_state,
    .full_sync = full_sync,
    .on_changes = on_changes,
    .tick = tick,
};

/* --- Start and stop ------------------------------------------------------------- */

/* iptables-save and -restore are needed for every router with a gateway (connections
 * are deleted over ctnetlink, without a program).  0, or -ENOENT after saying what is
 * missing. */
static int
check_tools(const struct l3_tools *t)
{
    if (access(t->iptables_save, X_OK) || access(t->iptables_restore, X_OK)) {
        log_err("%s and %s are needed (Debian: apt-get install iptables)", t->iptables_save,
                t->iptables_restore);
        return -ENOENT;
    }
    return 0;
}

/* cleanup_on_shutdown: every router's namespace goes, as with Neutron's option. */
static void
remove_all(struct l3agent *a)
{
    json_t *none = json_object();

    log_info("cleanup_on_shutdown: removing every router");
    json_object_clear(a->failed);
    l3_ha_stop_all(&a->ha);
    if (apply(a, none, NULL)) {
        log_warn("some routers could not be removed");
    }
    json_decref(none);
}

int
l3_agent_run(const struct l3_config *cfg)
{
    const struct agent_loop_config loop_cfg = {
        .log_module = log_module_,
        .server = &cfg->server,
        .host = cfg->host,
        .audience = AUDIENCE_L3,
        .report_interval = cfg->report_interval,
        .retry_ms = (int64_t) cfg->periodic_interval * 1000,
        .sync_every_ms = 0,
        .stop_note = cfg->cleanup_on_shutdown ? NULL : " (the routers stay)",
    };
    struct l3agent a;
    int status = 1;

    memset(&a, 0, sizeof a);
    a.cfg = cfg;
    a.hosted = json_object();
    a.pending = json_object();
    a.failed = json_object();
    a.retry_pause_ms = FIRST_RETRY_MS;
    l3_ha_init(&a.ha, cfg);
    l3_engine_init(&a.engine, -1, cfg->namespace_prefix);
    a.engine.garp_count = cfg->send_arp_for_ha;
    a.engine.router_failed = router_failed;
    a.engine.router_failed_aux = &a;
    if (check_tools(&a.engine.tools)) {
        goto out;
    }
    a.loop = agent_loop_create(&loop_cfg, &loop_ops, &a);
    if (!a.loop) {
        log_err("cannot watch the stop signals: %s", strerror(errno));
        goto out;
    }
    a.sc = agent_loop_client(a.loop);
    log_info("neutrino-l3-agent on host %s: agent_mode %s, routers as %s<id>", cfg->host,
             cfg->agent_mode, cfg->namespace_prefix);
    status = agent_loop_run(a.loop);
    if (cfg->cleanup_on_shutdown) {
        remove_all(&a);
    }
out:
    agent_loop_destroy(a.loop);
    json_decref(a.hosted);
    json_decref(a.pending);
    json_decref(a.failed);
    l3_ha_done(&a.ha);
    log_info("stopped");
    return status;
}
