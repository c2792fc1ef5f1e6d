/* The node's firewall: reading neutrino's rules and sets from the kernel, planning,
 * applying (see firewall.h). */
#include "firewall.h"

#include <errno.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "array.h"
#include "command.h"
#include "ctnetlink.h"
#include "log.h"
#include "util.h"

LOG_MODULE("firewall");

static const struct firewall_tools debian_tools = {
    .iptables_save = "/usr/sbin/iptables-save",
    .iptables_restore = "/usr/sbin/iptables-restore",
    .ip6tables_save = "/usr/sbin/ip6tables-save",
    .ip6tables_restore = "/usr/sbin/ip6tables-restore",
    .ebtables_save = "/usr/sbin/ebtables-save",
    .ebtables_restore = "/usr/sbin/ebtables-restore",
    .ipset = "/usr/sbin/ipset",
};

void
firewall_init(struct firewall *fw, int netns_fd)
{
    memset(fw, 0, sizeof *fw);
    fw->netns_fd = netns_fd;
    fw->tools = debian_tools;
    fw_state_init(&fw->have);
}

void
firewall_done(struct firewall *fw)
{
    fw_state_done(&fw->have);
    fw->have_valid = false;
}

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The first two lines of a tool's complaint, on one line: the tools print their name
 * and version first, sometimes with the reason after it, sometimes on the next line. */
static void
complaint(const char *msg, struct buf *out)
{
    for (int lines = 0; lines < 2 && *msg; lines++) {
        size_t len = strcspn(msg, "\n");
        buf_printf(out, "%s%.*s", lines ? " " : "", (int) len, msg);
        msg += len + (msg[len] == '\n');
    }
}

/* Runs a tool; a non-zero exit is a failure whose message goes into 'reason'. */
static int
run(struct firewall *fw, char *const argv[], const struct buf *input, struct buf *out,
    char *reason, size_t n)
{
    struct buf err = BUF_INITIALIZER, why = BUF_INITIALIZER;
    int r = command_run(fw->netns_fd, argv, input ? input->data : NULL, input ? input->len : 0,
                        out, &err);

    if (r < 0) {
        snprintf(reason, n, "%s: %s", argv[0], strerror(-r));
    } else if (r > 0) {
        complaint(buf_cstr(&err), &why);
        snprintf(reason, n, "%s exited with %d: %s", argv[0], r, buf_cstr(&why));
    }
    buf_done(&err);
    buf_done(&why);
    return r ? -1 : 0;
}

int
firewall_read(struct firewall *fw, struct fw_state *have, char *reason, size_t n)
{
    char *v4[] = { (char *) fw->tools.iptables_save, NULL };
    char *v6[] = { (char *) fw->tools.ip6tables_save, NULL };
    char *eb[] = { (char *) fw->tools.ebtables_save, (char *) "-t", (char *) "nat", NULL };
    char *sets[] = { (char *) fw->tools.ipset, (char *) "save", NULL };
    struct buf out = BUF_INITIALIZER;
    int r;

    fw_state_init(have);
    r = run(fw, v4, NULL, &out, reason, n);
    r = r ? r : fw_state_parse_iptables(have, 4, buf_cstr(&out));
    buf_clear(&out);
    r = r ? r : run(fw, v6, NULL, &out, reason, n);
    r = r ? r : fw_state_parse_iptables(have, 6, buf_cstr(&out));
    buf_clear(&out);
    r = r ? r : run(fw, eb, NULL, &out, reason, n);
    r = r ? r : fw_state_parse_ebtables(have, buf_cstr(&out));
    buf_clear(&out);
    r = r ? r : run(fw, sets, NULL, &out, reason, n);
    r = r ? r : fw_state_parse_ipset(have, buf_cstr(&out));
    buf_done(&out);
    if (r) {
        fw_state_done(have);
        if (r != -1) {
            snprintf(reason, n, "the kernel's rules could not be read: %s", strerror(-r));
        }
        return -1;
    }
    return 0;
}

int
firewall_plan(struct firewall *fw, const struct fw_model *m, struct fw_plan *plan,
              char *reason, size_t n)
{
    struct fw_state have;

    if (firewall_read(fw, &have, reason, n)) {
        return -1;
    }
    fw_plan_make(m, &have, plan);
    fw_state_done(&have);
    return 0;
}

/* Bounds of a deletion: entries held at once (under 300 bytes each: 4.5 MiB), table
 * walks per apply (each deletes what it holds; a walk that found more is followed by
 * another, so 262,144 connections, the kernel's default limit, can go in one apply),
 * and the longest wait for the kernel. */
#define CT_BATCH_MAX 16384
#define CT_WALKS_MAX 16
#define CT_TIMEOUT_MS 5000

/* The entries one walk of the table picked out. */
struct ct_selection {
    const struct fw_ct_match *match;
    struct ctnetlink_entry *entries;
    size_t n_entries, cap_entries;
    bool more;                  /* Some matched beyond CT_BATCH_MAX. */
};

static void
select_entry(const struct ctnetlink_entry *e, void *aux)
{
    struct ct_selection *sel = aux;

    if (!fw_ct_match_entry(sel->match, e)) {
        return;
    }
    if (sel->n_entries == CT_BATCH_MAX) {
        sel->more = true;
        return;
    }
    sel->entries = array_append(sel->entries, &sel->n_entries, &sel->cap_entries, e, sizeof *e);
}

/* The family to walk: 4 or 6 if all deletions are of one, else 0 (both in one walk). */
static int
ct_family(const struct fw_plan *p)
{
    int family = p->ct[0].family;

    for (size_t i = 1; i < p->n_ct; i++) {
        if (p->ct[i].family != family) {
            return 0;
        }
    }
    return family;
}

/* One walk of the table and the deletion of what it picked; adds to '*deleted'.  0 or
 * -errno; 'sel' is left holding what was picked. */
static int
delete_walk(struct ctnetlink *ct, int family, struct ct_selection *sel, size_t *deleted)
{
    size_t n = 0;
    int r;

    sel->n_entries = 0;
    sel->more = false;
    r = ctnetlink_dump(ct, family, select_entry, sel);
    if (!r && sel->n_entries) {
        r = ctnetlink_delete(ct, sel->entries, sel->n_entries, &n);
        *deleted += n;
    }
    return r;
}

/* Deletes the connections the plan names, in process over ctnetlink: the table walked
 * once (both families in one walk), the matching entries picked out here and deleted
 * by their original tuple, zone and id, 64 to a message batch.  Spawning `conntrack`
 * for this (a listing per family, then a deletion run walking the table again) cost
 * 40-90 ms, most of the time from a rule's removal to its last packet; what remains is
 * the kernel's walk of its whole table, 9-20 ms even for an empty namespace (the table
 * is the host's, shared by all namespaces).  A failure is logged, not returned: the
 * rules are right already, and a connection left over ends with its timeout.  Returns
 * how many entries were deleted. */
static size_t
delete_connections(struct firewall *fw, const struct fw_plan *p)
{
    struct fw_ct_match *match = fw_ct_match_create(p);
    struct ct_selection sel = { .match = match };
    struct ctnetlink *ct = NULL;
    size_t deleted = 0;
    int r = ctnetlink_open(fw->netns_fd, CT_TIMEOUT_MS, &ct);

    for (int walk = 0; !r && walk < CT_WALKS_MAX && (walk == 0 || sel.more); walk++) {
        r = delete_walk(ct, ct_family(p), &sel, &deleted);
    }
    if (r) {
        log_warn("deleting connections failed after %zu of them: %s, ignoring", deleted,
                 strerror(-r));
    } else if (sel.more) {
        log_warn("more than %d connections to delete, %zu deleted, the rest left to their "
                 "timeouts", CT_BATCH_MAX * CT_WALKS_MAX, deleted);
    }
    ctnetlink_close(ct);
    fw_ct_match_destroy(match);
    free(sel.entries);
    return deleted;
}

/* Carries out a plan in its order (see firewall.h). */
static int
apply_plan(struct firewall *fw, const struct fw_plan *p, size_t *ret_ct_deleted, char *reason,
           size_t n)
{
    char *ipset[] = { (char *) fw->tools.ipset, (char *) "restore", (char *) "-exist", NULL };
    char *restore[FW_N_TOOLS][4] = {
        { (char *) fw->tools.iptables_restore, (char *) "-w", (char *) "--noflush", NULL },
        { (char *) fw->tools.ip6tables_restore, (char *) "-w", (char *) "--noflush", NULL },
        { (char *) fw->tools.ebtables_restore, (char *) "--noflush", NULL, NULL },
    };

    if (p->ipset_pre.len && run(fw, ipset, &p->ipset_pre, NULL, reason, n)) {
        return -1;
    }
    for (int t = 0; t < FW_N_TOOLS; t++) {
        if (p->restore[t].len && run(fw, restore[t], &p->restore[t], NULL, reason, n)) {
            return -1;
        }
    }
    if (p->ipset_post.len && run(fw, ipset, &p->ipset_post, NULL, reason, n)) {
        return -1;
    }
    if (p->n_ct) {
        *ret_ct_deleted = delete_connections(fw, p);
    }
    return 0;
}

int
firewall_apply(struct firewall *fw, const struct fw_model *m, int flags,
               struct firewall_stats *stats, char *reason, size_t n)
{
    struct firewall_stats st = { .read_kernel = !fw->have_valid || (flags & FIREWALL_RESYNC) };
    struct fw_state want;
    struct fw_plan plan;
    double t0 = now_ms();
    int r = 0;

    if (st.read_kernel) {
        fw_state_done(&fw->have);
        fw->have_valid = false;
        if (firewall_read(fw, &fw->have, reason, n)) {
            return -1;
        }
    }
    double t1 = now_ms();
    fw_state_desired(m, &fw->have, &want);
    fw_plan_init(&plan);
    fw_plan_diff(m, &want, &fw->have, &plan);
    double t2 = now_ms();
    st.changed = !fw_plan_empty(&plan);
    if (st.changed) {
        r = apply_plan(fw, &plan, &st.ct_deleted, reason, n);
    }
    fw_state_done(&fw->have);
    fw->have = want;            /* What the kernel holds now, if all went well. */
    fw->have_valid = r == 0;
    st.read_ms = t1 - t0;
    st.plan_ms = t2 - t1;
    st.apply_ms = now_ms() - t2;
    st.chains_written = plan.n_chains_written;
    st.lines_changed = plan.n_lines_changed;
    st.ct_deletes = plan.n_ct;
    fw_plan_done(&plan);
    if (stats) {
        *stats = st;
    }
    return r;
}
