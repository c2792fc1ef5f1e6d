/* The agent's security groups: the node's model and its application (node_firewall.h). */
#include "node_firewall.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent_proto.h"
#include "log.h"
#include "server_client.h"
#include "util.h"

LOG_MODULE("firewall");

/* Where the bridge tells whether bridged IPv4 and IPv6 go through iptables. */
static const char *const bridge_nf_calls[] = {
    "/proc/sys/net/bridge/bridge-nf-call-iptables",
    "/proc/sys/net/bridge/bridge-nf-call-ip6tables",
};

void
node_firewall_init(struct node_firewall *nf, bool enabled)
{
    memset(nf, 0, sizeof *nf);
    nf->enabled = enabled;
    firewall_init(&nf->fw, -1);
    nf->ports = json_object();
    nf->watched = json_object();
    nf->groups = json_object();
    nf->members = json_object();
    nf->dirty = true;
    nf->resync = true;
}

void
node_firewall_done(struct node_firewall *nf)
{
    firewall_done(&nf->fw);
    json_decref(nf->ports);
    json_decref(nf->watched);
    json_decref(nf->groups);
    json_decref(nf->members);
}

/* Sets a bridge-nf-call switch to 1; -errno when it cannot be read or written. */
static int
enable_bridge_call(const char *path)
{
    char now = 0;
    int fd = open(path, O_RDWR | O_CLOEXEC), r = 0;

    if (fd < 0) {
        return -errno;
    }
    if (read(fd, &now, 1) != 1) {
        r = -EIO;
    } else if (now != '1' && (lseek(fd, 0, SEEK_SET) < 0 || write(fd, "1\n", 2) != 2)) {
        r = -errno;
    }
    close(fd);
    return r;
}

int
node_firewall_check_kernel(struct node_firewall *nf)
{
    if (!nf->enabled) {
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(bridge_nf_calls); i++) {
        int r = enable_bridge_call(bridge_nf_calls[i]);
        if (r) {
            snprintf(nf->missing, sizeof nf->missing, "br_netfilter");
            snprintf(nf->error, sizeof nf->error, "%s: %s: bridged traffic would bypass"
                     " the security group rules", bridge_nf_calls[i], strerror(-r));
            log_err("security groups cannot be enforced on this node: %s (load the"
                    " br_netfilter module, or set [securitygroup] firewall_driver = noop);"
                    " ports stay down", nf->error);
            return -1;
        }
    }
    return 0;
}

/* The model's form of a port from its device details (firewall_model.h). */
static json_t *
model_port(const char *device, const json_t *d)
{
    json_t *p = json_object();
    static const char *const copied[] = {
        "network_id", "mac_address", "fixed_ips", AGENT_FIELD_ALLOWED_ADDRESS_PAIRS,
        AGENT_FIELD_PORT_SECURITY_ENABLED, AGENT_FIELD_SECURITY_GROUPS,
    };

    json_object_set_new(p, "id", json_deep_copy(json_object_get(d, "port_id")));
    json_object_set_new(p, "device", json_string(device));
    for (size_t i = 0; i < ARRAY_SIZE(copied); i++) {
        json_t *v = json_object_get(d, copied[i]);
        if (v) {
            json_object_set_new(p, copied[i], json_deep_copy(v));
        }
    }
    return p;
}

void
node_firewall_set_port(struct node_firewall *nf, const char *device, const json_t *details)
{
    json_t *old = json_object_get(nf->ports, device);
    json_t *now = details ? model_port(device, details) : NULL;

    if (!now) {
        if (old) {
            json_object_del(nf->ports, device);
            nf->dirty = true;
        }
        return;
    }
    if (!old || !json_equal(old, now)) {
        json_object_set(nf->ports, device, now);
        nf->dirty = true;
    }
    json_decref(now);
}

bool
node_firewall_watches(const struct node_firewall *nf, const char *id)
{
    return id && json_object_get(nf->watched, id);
}

/* The id of the remote set a rule names: its remote group, or its remote address
 * group (whose CIDRs the server sends under its id with the groups' members); NULL
 * for none. */
static const char *
rule_remote_set(const json_t *rule)
{
    const char *id = json_string_value(json_object_get(rule, "remote_group_id"));

    return id ? id : json_string_value(json_object_get(rule, "remote_address_group_id"));
}

/* Whether one of group 'g''s rules names 'remote' as its remote (address) group. */
static bool
names_remote(const json_t *g, const char *remote)
{
    json_t *rule;
    size_t i;

    json_array_foreach (json_object_get(g, "rules"), i, rule) {
        const char *id = rule_remote_set(rule);
        if (id && STREQ(id, remote)) {
            return true;
        }
    }
    return false;
}

void
node_firewall_group_changed(struct node_firewall *nf, enum change_kind kind, const char *id)
{
    const char *gid;
    json_t *g;
    void *tmp;

    json_object_del(nf->members, id);
    if (kind == CHANGE_SG_RULES) {
        json_object_foreach_safe (nf->groups, tmp, gid, g) {
            if (STREQ(gid, id) || names_remote(g, id)) {
                json_object_del(nf->groups, gid);
            }
        }
    }
    if (node_firewall_watches(nf, id)) {
        nf->dirty = true;
    }
}

/* The ids of the groups of the node's filtered ports, each once. */
static json_t *
used_groups(const struct node_firewall *nf)
{
    json_t *seen = json_object(), *ids = json_array(), *p, *g;
    const char *device, *id;
    size_t i;

    json_object_foreach (nf->ports, device, p) {
        if (json_is_false(json_object_get(p, AGENT_FIELD_PORT_SECURITY_ENABLED))) {
            continue;
        }
        json_array_foreach (json_object_get(p, AGENT_FIELD_SECURITY_GROUPS), i, g) {
            id = json_string_value(g);
            if (id && !json_object_get(seen, id)) {
                json_object_set_new(seen, id, json_true());
                json_array_append_new(ids, json_string(id));
            }
        }
    }
    json_decref(seen);
    return ids;
}

/* Remembers which group ids the model now depends on: the asked ones (even if gone:
 * one coming back is news) and the remote groups of their rules. */
static void
watch_groups(struct node_firewall *nf, const json_t *asked, const json_t *members)
{
    const char *id;
    json_t *v;
    size_t i;

    json_object_clear(nf->watched);
    json_array_foreach (asked, i, v) {
        json_object_set_new(nf->watched, json_string_value(v), json_true());
    }
    json_object_foreach ((json_t *) members, id, v) {
        json_object_set_new(nf->watched, id, json_true());
    }
}

/* Whether the held group 'g' can be used as it is: every remote group its rules name
 * has its members held too. */
static bool
group_complete(const struct node_firewall *nf, const json_t *g)
{
    json_t *rule;
    size_t i;

    json_array_foreach (json_object_get(g, "rules"), i, rule) {
        const char *id = rule_remote_set(rule);
        if (id && !json_object_get(nf->members, id)) {
            return false;
        }
    }
    return true;
}

/* The ids of 'ids' to ask the server for: those not held, or held without all their
 * remote groups' members (the server answers those for the groups naming them). */
static json_t *
groups_to_fetch(const struct node_firewall *nf, const json_t *ids)
{
    json_t *ask = json_array(), *v, *g;
    size_t i;

    json_array_foreach (ids, i, v) {
        g = json_object_get(nf->groups, json_string_value(v));
        if (!g || !group_complete(nf, g)) {
            json_array_append(ask, v);
        }
    }
    return ask;
}

/* Keeps what the server answered for the groups 'asked'.  An asked group missing from
 * the answer (deleted meanwhile) is not held, so it is asked for again; a remote group
 * missing from it has no members. */
static void
hold_answer(struct node_firewall *nf, const json_t *asked, const json_t *ans)
{
    const json_t *groups = json_object_get(ans, AGENT_FIELD_SG);
    json_t *v, *g, *rule;
    const char *id;
    size_t i, k;

    json_object_foreach ((json_t *) json_object_get(ans, AGENT_FIELD_SG_MEMBER_IPS), id, v) {
        json_object_set(nf->members, id, v);
    }
    json_array_foreach (asked, i, v) {
        g = json_object_get(groups, json_string_value(v));
        if (!g) {
            json_object_del(nf->groups, json_string_value(v));
            continue;
        }
        json_object_set(nf->groups, json_string_value(v), g);
        json_array_foreach (json_object_get(g, "rules"), k, rule) {
            id = rule_remote_set(rule);
            if (id && !json_object_get(nf->members, id)) {
                json_object_set_new(nf->members, id, json_pack("{s:[],s:[]}", "IPv4", "IPv6"));
            }
        }
    }
}

/* The held groups 'ids' use and their remote groups' members, as the model reads them
 * (AGENT_FIELD_SG, AGENT_FIELD_SG_MEMBER_IPS); whatever else is held goes, since the
 * feed no longer speaks of it to this host. */
static void
model_groups(struct node_firewall *nf, const json_t *ids, json_t *model)
{
    json_t *groups = json_object(), *members = json_object(), *v, *g, *rule;
    const char *id;
    size_t i, k;

    json_array_foreach (ids, i, v) {
        g = json_object_get(nf->groups, json_string_value(v));
        if (!g) {
            continue;
        }
        json_object_set(groups, json_string_value(v), g);
        json_array_foreach (json_object_get(g, "rules"), k, rule) {
            id = rule_remote_set(rule);
            if (id && json_object_get(nf->members, id)) {
                json_object_set(members, id, json_object_get(nf->members, id));
            }
        }
    }
    json_object_clear(nf->groups);
    json_object_update(nf->groups, groups);
    json_object_clear(nf->members);
    json_object_update(nf->members, members);
    json_object_set_new(model, AGENT_FIELD_SG, groups);
    json_object_set_new(model, AGENT_FIELD_SG_MEMBER_IPS, members);
}

/* Fetches the groups not held and fills the model's JSON: {"ports", "security_groups",
 * "sg_member_ips"}.  0 or a negative errno. */
static int
fetch_model(struct node_firewall *nf, struct server_client *sc, const char *host,
            json_t **ret)
{
    json_t *ids = used_groups(nf), *ask = groups_to_fetch(nf, ids), *ans = NULL, *body, *p;
    json_t *ports = json_array();
    const char *device;
    int r = 0;

    if (json_array_size(ask)) {
        body = json_pack("{s:s,s:O}", "host", host, AGENT_FIELD_IDS, ask);
        r = server_call(sc, "POST", AGENT_PATH_SECURITY_GROUPS, body, 0, &ans, NULL);
        json_decref(body);
        if (!r) {
            log_info("asked the server for %zu of the %zu security groups in use",
                     json_array_size(ask), json_array_size(ids));
            hold_answer(nf, ask, ans);
        }
    }
    if (r) {
        json_decref(ids);
        json_decref(ask);
        json_decref(ports);
        return r;
    }
    json_object_foreach (nf->ports, device, p) {
        json_array_append(ports, p);
    }
    *ret = json_pack("{s:o}", "ports", ports);
    model_groups(nf, ids, *ret);
    watch_groups(nf, ids, json_object_get(*ret, AGENT_FIELD_SG_MEMBER_IPS));
    json_decref(ans);
    json_decref(ask);
    json_decref(ids);
    return 0;
}

/* One firewall_apply() on a thread of its own (see run_apply()). */
struct apply_job {
    struct firewall *fw;
    const struct fw_model *m;
    int flags;
    struct firewall_stats *st;
    char *reason;
    size_t reason_size;
    int r;
    pthread_mutex_t lock;       /* Guards 'done'... */
    pthread_cond_t finished;    /* ...signalled when it becomes true. */
    bool done;
};

static void *
apply_job_run(void *aux)
{
    struct apply_job *j = aux;

    j->r = firewall_apply(j->fw, j->m, j->flags, j->st, j->reason, j->reason_size);
    pthread_mutex_lock(&j->lock);
    j->done = true;
    pthread_cond_signal(&j->finished);
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

/* Waits until the job is done or 'step_ms' pass; whether it is done. */
static bool
apply_job_wait(struct apply_job *j, long step_ms)
{
    struct timespec until;
    bool done;
    int r = 0;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += step_ms * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&j->lock);
    while (!j->done && r == 0) {
        r = pthread_cond_timedwait(&j->finished, &j->lock, &until);     /* ETIMEDOUT ends it. */
    }
    done = j->done;
    pthread_mutex_unlock(&j->lock);
    return done;
}

/* firewall_apply(), calling nf->while_waiting every WAIT_STEP_MS until it is done: a
 * thousand ports' rules keep the restore programs busy for seconds, during which the
 * agent's heartbeats must go on.  The end of the apply is waited for, not polled: a
 * rule's removal is usually one restore of 20 ms, and sleeping out the rest of a step
 * after it held up the changes queued behind it.  The thread touches nothing but 'fw'
 * and the model. */
static int
run_apply(struct node_firewall *nf, const struct fw_model *m, int flags,
          struct firewall_stats *st, char *reason, size_t n)
{
    enum { WAIT_STEP_MS = 50 };
    struct apply_job j = { .fw = &nf->fw, .m = m, .flags = flags, .st = st, .reason = reason,
                           .reason_size = n };
    pthread_condattr_t attr;
    pthread_t thread;
    bool threaded;

    pthread_mutex_init(&j.lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&j.finished, &attr);
    pthread_condattr_destroy(&attr);
    threaded = nf->while_waiting && !pthread_create(&thread, NULL, apply_job_run, &j);
    if (!threaded) {
        apply_job_run(&j);      /* No hook, or no thread to spare: here, then. */
    } else {
        do {
            nf->while_waiting(nf->while_waiting_aux);
        } while (!apply_job_wait(&j, WAIT_STEP_MS));
        pthread_join(thread, NULL);
    }
    pthread_cond_destroy(&j.finished);
    pthread_mutex_destroy(&j.lock);
    return j.r;
}

/* Plans and applies 'j'; 0, or -1 with the reason in nf->error. */
static int
enforce(struct node_firewall *nf, const json_t *j)
{
    struct firewall_stats st;
    struct fw_model m;
    char reason[sizeof nf->error] = "";
    int r;

    fw_model_init(&m);
    r = fw_model_from_json(j, &m, reason, sizeof reason);
    if (!r) {
        r = run_apply(nf, &m, nf->resync ? FIREWALL_RESYNC : 0, &st, reason, sizeof reason);
    }
    if (r) {
        /* Said once per reason: the agent retries every second. */
        if (!STREQ(reason, nf->error)) {
            log_err("cannot apply the security groups: %s", reason);
        }
        snprintf(nf->error, sizeof nf->error, "%s", reason);
    }
    if (!r && st.changed) {
        log_info("%zu ports filtered: %zu chains written, %zu lines changed, %zu connections"
                 " ended (%.1f ms: read %.1f, plan %.1f, apply %.1f)", m.n_ports,
                 st.chains_written, st.lines_changed, st.ct_deleted,
                 st.read_ms + st.plan_ms + st.apply_ms, st.read_ms, st.plan_ms, st.apply_ms);
    }
    fw_model_done(&m);
    return r;
}

int
node_firewall_apply(struct node_firewall *nf, struct server_client *sc, const char *host)
{
    json_t *model = NULL;
    int r;

    if (!nf->enabled) {
        nf->dirty = nf->resync = false;
        return 0;
    }
    if (nf->missing[0]) {
        return -1;
    }
    if (nf->resync) {
        /* A full comparison starts from the server's word too: a change the feed lost
         * (the reason for most full syncs) may concern a held group. */
        json_object_clear(nf->groups);
        json_object_clear(nf->members);
    }
    r = fetch_model(nf, sc, host, &model);
    if (r) {
        return -1;      /* The server is unreachable: the loop retries. */
    }
    r = enforce(nf, model);
    json_decref(model);
    /* An apply over a thousand ports allocates and frees tens of megabytes (the
     * kernel's text, the desired state, the plan); glibc keeps the freed heap unless
     * asked, which left the agent's memory at the size of its largest apply. */
    malloc_trim(0);
    if (r) {
        nf->resync = true;
        return -1;
    }
    if (nf->error[0]) {
        log_info("security groups applied again");
    }
    nf->error[0] = '\0';
    nf->dirty = false;
    nf->resync = false;
    return 0;
}

void
node_firewall_describe(const struct node_firewall *nf, json_t *conf)
{
    json_object_set_new(conf, "firewall_driver", json_string(nf->enabled ? "iptables"
                                                                         : "noop"));
    if (nf->error[0]) {
        json_object_set_new(conf, "firewall_error", json_string(nf->error));
    }
}
