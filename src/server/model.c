/* Destructors for the resource structs (see model.h). */
#include "model.h"

#include <stdlib.h>

void
std_attrs_done(struct std_attrs *s)
{
    free(s->project_id);
    free(s->name);
    free(s->description);
    free(s->tags_json);
    s->project_id = s->name = s->description = s->tags_json = NULL;
}

void
network_done(struct network *n)
{
    if (!n) {
        return;
    }
    std_attrs_done(&n->std);
    free(n->az_hints_json);
    free(n->subnets_json);
    free(n->azs_json);
    free(n->more_segments);
    n->az_hints_json = n->subnets_json = n->azs_json = NULL;
    n->more_segments = NULL;
    n->n_more_segments = 0;
}

size_t
network_n_segments(const struct network *n)
{
    return 1 + n->n_more_segments;
}

const struct segment *
network_segment_at(const struct network *n, size_t i)
{
    return i == 0 || i > n->n_more_segments ? &n->segment : &n->more_segments[i - 1];
}

void
subnet_done(struct subnet *s)
{
    if (!s) {
        return;
    }
    std_attrs_done(&s->std);
    free(s->cidr);
    free(s->gateway_ip);
    free(s->ipv6_ra_mode);
    free(s->ipv6_address_mode);
    free(s->allocation_pools_json);
    free(s->dns_nameservers_json);
    free(s->host_routes_json);
    free(s->service_types_json);
    s->service_types_json = NULL;
    s->cidr = s->gateway_ip = s->ipv6_ra_mode = s->ipv6_address_mode = NULL;
    s->allocation_pools_json = s->dns_nameservers_json = s->host_routes_json = NULL;
}

void
subnetpool_done(struct subnetpool *p)
{
    if (!p) {
        return;
    }
    std_attrs_done(&p->std);
    free(p->prefixes_json);
    p->prefixes_json = NULL;
}

void
address_scope_done(struct address_scope *a)
{
    if (a) {
        std_attrs_done(&a->std);
    }
}

void
address_group_done(struct address_group *g)
{
    if (g) {
        std_attrs_done(&g->std);
        free(g->addresses_json);
        g->addresses_json = NULL;
    }
}

void
flavor_done(struct flavor *f)
{
    if (f) {
        free(f->name);
        free(f->description);
        free(f->service_type);
        free(f->profiles_json);
        f->name = f->description = f->service_type = f->profiles_json = NULL;
    }
}

void
service_profile_done(struct service_profile *p)
{
    if (p) {
        free(p->description);
        free(p->driver);
        free(p->metainfo);
        p->description = p->driver = p->metainfo = NULL;
    }
}

void
port_done(struct port *p)
{
    if (!p) {
        return;
    }
    std_attrs_done(&p->std);
    free(p->device_id);
    free(p->device_owner);
    free(p->binding_host_id);
    free(p->binding_vnic_type);
    free(p->binding_profile_json);
    free(p->binding_vif_type);
    free(p->binding_vif_details_json);
    free(p->fixed_ips_json);
    free(p->security_groups_json);
    free(p->address_pairs_json);
    free(p->device_profile);
    free(p->numa_affinity_policy);
    free(p->extra_dhcp_opts_json);
    p->extra_dhcp_opts_json = NULL;
    p->device_profile = p->numa_affinity_policy = NULL;
    p->device_id = p->device_owner = p->binding_host_id = p->binding_vnic_type = NULL;
    p->binding_profile_json = p->binding_vif_type = p->binding_vif_details_json = NULL;
    p->fixed_ips_json = p->security_groups_json = p->address_pairs_json = NULL;
}

void
agent_done(struct agent *a)
{
    if (!a) {
        return;
    }
    free(a->description);
    free(a->availability_zone);
    free(a->configurations_json);
    free(a->resource_versions_json);
    a->description = a->availability_zone = NULL;
    a->configurations_json = a->resource_versions_json = NULL;
}

void
security_group_done(struct security_group *g)
{
    if (!g) {
        return;
    }
    std_attrs_done(&g->std);
    free(g->rules_json);
    g->rules_json = NULL;
}

void
sg_rule_done(struct sg_rule *r)
{
    if (!r) {
        return;
    }
    std_attrs_done(&r->std);
    free(r->protocol);
    free(r->remote_ip_prefix);
    free(r->normalized_cidr);
    free(r->sg_project_id);
    r->protocol = r->remote_ip_prefix = r->normalized_cidr = r->sg_project_id = NULL;
}

void
router_done(struct router *r)
{
    if (!r) {
        return;
    }
    std_attrs_done(&r->std);
    free(r->routes_json);
    free(r->gw_fixed_ips_json);
    free(r->az_hints_json);
    free(r->azs_json);
    r->routes_json = r->gw_fixed_ips_json = r->az_hints_json = r->azs_json = NULL;
}

void
floatingip_done(struct floatingip *f)
{
    if (!f) {
        return;
    }
    std_attrs_done(&f->std);
    free(f->port_name);
    free(f->port_device_id);
    free(f->port_device_owner);
    f->port_name = f->port_device_id = f->port_device_owner = NULL;
}

void
rbac_policy_done(struct rbac_policy *p)
{
    if (!p) {
        return;
    }
    std_attrs_done(&p->std);
    free(p->target_project);
    p->target_project = NULL;
}
