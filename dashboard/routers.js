// Project and Admin → Network → Routers (docs/behaviour/dashboard.md §17; API api.md §14):
// the list, Create, Edit, Delete Router, Set and Clear Gateway, and the router's page with
// its tabs Overview, Interfaces and Static Routes.
import { ROOT, session, h, link, shortName, status, upDown, dash, toast, api, route,
  quotaFull, quotaAction,
  render, navigate, fetchDetail, hasExtension } from "./core.js";
import { table, modal, confirmDelete, confirmAction, rowMenu, field, definitionList } from "./widgets.js";
import { inCidr, parseIp, routeErrors } from "./validate.js";
import { projectNames } from "./networks.js";

const areaOf = (admin) => (admin ? "admin/routers/" : "project/routers/");
const routerPath = (r, admin) => areaOf(admin) + r.id + "/";
const routerUrl = (r) => "/v2.0/routers/" + r.id;
const isGateway = (p) => p.device_owner === "network:router_gateway";

const checkbox = (input, label) => h("div", { class: "field check" }, input,
  h("label", { for: input.id }, label));

// The networks a gateway may be on.
async function externalNetworks() {
  return (await api("GET", "/v2.0/networks?router:external=True")).data.networks;
}
const networkChoice = (id, nets, chosen, empty) => h("select", { id },
  h("option", { value: "" }, empty), nets.map((n) =>
    h("option", { value: n.id, selected: n.id === chosen }, shortName(n))));

// The router a dialog is about, read-only, as Horizon's forms show it.
const routerFields = (r, form) => [["Router Name", "name", shortName(r)], ["Router ID", "id", r.id]]
  .map(([label, key, value]) => field(label, h("input", { id: "id_" + form + "_router_" + key,
    readonly: true, value })));

function formError() {
  const p = h("p", { class: "form-error", role: "alert", hidden: true });
  p.show = (msg) => { p.textContent = msg; p.hidden = false; };
  return p;
}

// --- actions, on a row and on the router's page ---
// As Horizon, the interfaces the user sees are removed first; what remains (one the user
// cannot see: 409 RouterInUse) or refuses to go is reported with Neutron's reason.
async function deleteRouter(r) {
  const q = "?device_owner=network:router_interface&device_id=" + r.id;
  for (const p of (await api("GET", "/v2.0/ports" + q)).data.ports) {
    await api("PUT", routerUrl(r) + "/remove_router_interface", { port_id: p.id });
  }
  await api("DELETE", routerUrl(r));
}
const routerInUse = (r, e) => "Unable to delete router " + shortName(r) + ": " + e.message;

function routerActions(r, extNets, done) {
  const gateway = r.external_gateway_info
    ? { label: "Clear Gateway", danger: true, run: () => clearGateway([r]) }
    : { label: "Set Gateway", run: () => setGateway(r, extNets) };
  return [gateway, { label: "Edit Router", run: () => editRouter(r) },
    { label: "Delete Router", danger: true, run: () => confirmDelete("Router", "Routers", [r],
      deleteRouter, { conflict: routerInUse, done }) }];
}

// Set Gateway: an external network, and SNAT for admins (enable_snat is admin only).
function setGateway(r, extNets) {
  const net = networkChoice("id_gateway_network", extNets, null, "Select network");
  const snat = h("input", { id: "id_gateway_snat", type: "checkbox", checked: true });
  const netField = field("External Network", net, extNets.length ? null
    : "There is no external network to connect to.", true);
  const err = formError();
  const submit = async (close) => {
    netField.error(null);
    if (!net.value) { netField.error("This field is required."); return; }
    const info = { network_id: net.value };
    if (session.isAdmin) info.enable_snat = snat.checked;
    try {
      await api("PUT", routerUrl(r), { router: { external_gateway_info: info } });
      close();
      toast("success", "Gateway interface is added");
      render();
    } catch (e) {
      err.show(e.message);
      toast("error", "Failed to set gateway. " + e.message, e.message);
    }
  };
  modal("Set Gateway", h("div", { class: "body" }, err,
    h("p", { class: "help" }, "Connect the router to an external network; with SNAT the " +
      "networks behind it reach the outside with the router's address there."),
    netField, session.isAdmin ? checkbox(snat, "Enable SNAT") : null, routerFields(r, "gateway")),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: () => submit(close) }, "Submit")]);
}

function clearGateway(routers) {
  confirmAction({ action: "Clear Gateway", actions: "Clear Gateways", past: () => "Cleared Gateway",
    failed: (r, e) => "Unable to clear gateway for router: " + shortName(r) + ". " + e.message,
    items: routers, run: (r) => api("PUT", routerUrl(r), { router: { external_gateway_info: {} } }) });
}

// Create Router (router null) and Edit Router.  Create: name, admin state, an optional
// external network and (admins) SNAT; Edit: name and admin state, as Horizon's forms.
async function routerForm(router) {
  const extNets = router ? [] : await externalNetworks();
  const name = h("input", { id: "id_router_name", maxlength: 255, value: router ? router.name : "" });
  const adminState = h("input", { id: "id_router_admin_state", type: "checkbox",
    checked: router ? router.admin_state_up : true });
  const net = networkChoice("id_router_network", extNets, null, "Select network");
  const snat = h("input", { id: "id_router_snat", type: "checkbox", checked: true });
  const snatBox = checkbox(snat, "Enable SNAT");
  const showSnat = () => { snatBox.hidden = !net.value; };
  net.addEventListener("change", showSnat);
  showSnat();
  const err = formError();
  const title = router ? "Edit Router" : "Create Router";
  const submit = async (close) => {
    const body = { name: name.value, admin_state_up: adminState.checked };
    if (!router && net.value) {
      body.external_gateway_info = { network_id: net.value };
      if (session.isAdmin) body.external_gateway_info.enable_snat = snat.checked;
    }
    try {
      const saved = router ? (await api("PUT", routerUrl(router), { router: body })).data.router
        : (await api("POST", "/v2.0/routers", { router: body })).data.router;
      close();
      toast("success", "Router " + shortName(saved) + " was successfully " +
        (router ? "updated." : "created."));
      render();
    } catch (e) {
      err.show(e.message);
      toast("error", router ? "Failed to update router " + shortName(router) + ": " + e.message
        : "Failed to create router \"" + name.value + "\": " + e.message, e.message);
    }
  };
  modal(title, h("div", { class: "body" }, err,
    h("p", { class: "help" }, router ? "Change the router's name and administrative state."
      : "A router joins its interfaces' networks; a gateway takes them outside."),
    field(router ? "Name" : "Router Name", name), checkbox(adminState, "Enable Admin State"),
    router ? null : [field("External Network", net), session.isAdmin ? snatBox : null]),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: () => submit(close) },
      router ? "Save Changes" : "Create Router")]);
}
const createRouter = () => routerForm(null);
const editRouter = (r) => routerForm(r);

// --- the lists ---
const gatewayNet = (r, nets) => {
  const info = r.external_gateway_info;
  if (!info) return "-";
  const n = nets.find((x) => x.id === info.network_id);
  return n ? shortName(n) : info.network_id;
};

// The project's routers (asked with its project_id, also for an admin, who would see
// everyone's), or every project's on the admin page.  Two calls, whatever the count: the
// routers and the external networks their gateways are on.
async function routersPage(main, admin) {
  let routers = [], extNets = [];
  const projects = admin ? await projectNames() : {};
  try {
    const q = admin || !session.projectId ? "" : "?project_id=" + encodeURIComponent(session.projectId);
    [routers, extNets] = await Promise.all([
      api("GET", "/v2.0/routers" + q).then(({ data }) => data.routers), externalNetworks()]);
  } catch (e) {
    if (e.status === 401) return;
    toast("error", "Unable to retrieve router list.", e.message);
  }
  const zones = await hasExtension("router_availability_zone");
  const full = admin ? {} : await quotaFull(session.projectId, "router");
  main.replaceChildren(h("h1", {}, "Routers"), table({ title: "Routers", id: "routers",
    rows: routers, filter: (r) => [r.name, r.id, projects[r.project_id] || ""].join(" "),
    cols: [
      ...(admin ? [{ title: "Project", cell: (r) => projects[r.project_id] || r.project_id }] : []),
      { title: "Name", cell: (r) => link(routerPath(r, admin), shortName(r)) },
      { title: "Status", cell: (r) => status(r.status) },
      { title: "External Network", cell: (r) => gatewayNet(r, extNets) },
      { title: "Admin State", cell: (r) => upDown(r.admin_state_up) },
      ...(zones ? [{ title: "Availability Zones",
        cell: (r) => (r.availability_zones || []).join(", ") || "-" }] : [])],
    actions: [
      ...(admin ? [] : [quotaAction("+ Create Router", full.router, createRouter)]),
      { label: "Delete Routers", danger: true, run: (sel) => confirmDelete("Router", "Routers",
        sel, deleteRouter, { conflict: routerInUse }) }],
    rowActions: (r) => rowMenu(routerActions(r, extNets)) }));
}
route("project/routers/", (main) => routersPage(main, false));
route("admin/routers/", (main) => routersPage(main, true), { admin: true });

// --- the router's page ---
function overviewTab(r, extNets) {
  const info = r.external_gateway_info;
  const gw = info ? definitionList([
    ["Network Name", gatewayNet(r, extNets)], ["Network ID", info.network_id],
    ["External Fixed IPs", h("ul", { class: "plain" }, (info.external_fixed_ips || []).map((f) =>
      h("li", {}, "Subnet ID " + f.subnet_id, h("br"), "IP Address " + f.ip_address)))],
    ["SNAT", info.enable_snat === false ? "Disabled" : "Enabled"]])
    : h("p", { class: "empty" }, "None");
  return [definitionList([["Name", r.name || "-"], ["ID", r.id],
    ["Description", dash(r.description)], ["Project ID", r.project_id],
    ["Status", status(r.status)], ["Admin State", upDown(r.admin_state_up)],
    r.availability_zones ? ["Availability Zones", r.availability_zones.join(", ") || "-"] : null]),
  h("h2", {}, "External Gateway"), gw];
}

// The router's ports (the gateway's only where the caller may read it).
async function routerPorts(r) {
  return (await api("GET", "/v2.0/ports?device_id=" + encodeURIComponent(r.id))).data.ports
    .filter((p) => (p.device_owner || "").startsWith("network:router_"));
}

// The subnets a router's ports are on, those the caller may read: one call.
async function subnetsById(ids) {
  if (!ids.length) return [];
  const q = ids.map((id) => "id=" + encodeURIComponent(id)).join("&");
  return (await api("GET", "/v2.0/subnets?" + q)).data.subnets;
}

function interfacesTab(r, ports, admin) {
  const net = admin ? "admin/networks/" : "project/networks/";
  const removable = (p) => !isGateway(p);
  const remove = (items) => confirmDelete("Interface", "Interfaces", items.filter(removable),
    (p) => api("PUT", routerUrl(r) + "/remove_router_interface", { port_id: p.id }),
    { conflict: (p, e) => "Failed to delete interface " + shortName(p) + ": " + e.message });
  return table({ title: "Interfaces", id: "interfaces", rows: ports,
    cols: [{ title: "Name", cell: (p) => link(net + "ports/" + p.id + "/detail", shortName(p)) },
      { title: "Fixed IPs", cell: (p) => h("ul", { class: "plain" },
        (p.fixed_ips || []).map((f) => h("li", {}, f.ip_address))) },
      { title: "Status", cell: (p) => status(p.status) },
      { title: "Type", cell: (p) => (isGateway(p) ? "External Gateway" : "Internal Interface") },
      { title: "Admin State", cell: (p) => upDown(p.admin_state_up) }],
    actions: [{ label: "+ Add Interface", run: () => addInterface(r, ports) },
      { label: "Delete Interfaces", danger: true, run: remove }],
    rowActions: (p) => (removable(p) ? rowMenu([{ label: "Delete Interface", danger: true,
      run: () => remove([p]) }]) : "") });
}

// Add Interface: one of the project's subnets not on the router yet.  Without an address
// the router takes the subnet's gateway (add by subnet); with one, Horizon's way: a port
// with that address is made first and added by port, and deleted again if the router
// refuses it.
async function addInterface(r, ports) {
  const q = session.projectId && !session.isAdmin ? "" : "?project_id=" + encodeURIComponent(r.project_id);
  const [subnets, nets] = await Promise.all([
    api("GET", "/v2.0/subnets" + q).then(({ data }) => data.subnets),
    api("GET", "/v2.0/networks" + q).then(({ data }) => data.networks)]);
  const used = new Set(ports.flatMap((p) => (p.fixed_ips || []).map((f) => f.subnet_id)));
  const free = subnets.filter((s) => !used.has(s.id));
  const netName = (s) => shortName(nets.find((n) => n.id === s.network_id) || { id: s.network_id, name: "" });
  const subnet = h("select", { id: "id_interface_subnet" },
    h("option", { value: "" }, free.length ? "Select Subnet" : "No subnets available"),
    free.map((s) => h("option", { value: s.id }, netName(s) + ": " + s.cidr + (s.name ? " (" + s.name + ")" : ""))));
  const ip = h("input", { id: "id_interface_ip", placeholder: "e.g. 192.168.0.254" });
  const w = { subnet: field("Subnet", subnet, null, true),
  ip: field("IP Address (optional)", ip, "Specify an IP address for the interface created " +
    "(e.g. 192.168.0.254). Empty: the subnet's gateway address.") };
  const err = formError();
  const validate = () => {
    Object.values(w).forEach((x) => x.error(null));
    const s = free.find((x) => x.id === subnet.value);
    if (!s) { w.subnet.error("This field is required."); return null; }
    const addr = ip.value.trim();
    if (addr && !parseIp(addr)) { w.ip.error("Incorrect format for IP address: " + addr); return null; }
    if (addr && !inCidr(addr, s.cidr)) {
      w.ip.error(addr + " is not an address of subnet " + s.cidr + ".");
      return null;
    }
    return { s, addr };
  };
  const byPort = async (s, addr) => {
    const body = { network_id: s.network_id, fixed_ips: [{ subnet_id: s.id, ip_address: addr }] };
    if (session.isAdmin && r.project_id !== session.projectId) body.tenant_id = r.project_id;
    const port = (await api("POST", "/v2.0/ports", { port: body })).data.port;
    try {
      await api("PUT", routerUrl(r) + "/add_router_interface", { port_id: port.id });
    } catch (e) {
      await api("DELETE", "/v2.0/ports/" + port.id).catch(() => {});
      throw e;
    }
    return addr;
  };
  const bySubnet = async (s) => {
    await api("PUT", routerUrl(r) + "/add_router_interface", { subnet_id: s.id });
    return s.gateway_ip;
  };
  const submit = async (close) => {
    const v = validate();
    if (!v) return;
    try {
      const addr = v.addr ? await byPort(v.s, v.addr) : await bySubnet(v.s);
      close();
      toast("success", "Interface added" + (addr ? " " + addr : ""));
      render();
    } catch (e) {
      err.show(e.message);
      toast("error", "Failed to add interface: " + e.message, e.message);
    }
  };
  modal("Add Interface", h("div", { class: "body" }, err,
    h("p", { class: "help" }, "Connect a subnet to the router, by default at the subnet's " +
      "gateway address."),
    w.subnet, w.ip, routerFields(r, "interface")),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: () => submit(close) }, "Submit")]);
}

// Static Routes: the router's `routes`, changed one at a time with add_extraroutes and
// remove_extraroutes (extraroute-atomic), so two users adding routes do not overwrite each
// other as Horizon's read-modify-write of the whole list can.
const routeRows = (r) => (r.routes || []).map((x) => ({ ...x,
  id: x.destination + "," + x.nexthop, name: x.destination + " via " + x.nexthop }));
const routeBody = (x) => ({ router: { routes: [{ destination: x.destination, nexthop: x.nexthop }] } });

function staticRoutesTab(r, subnets) {
  const remove = (items) => confirmDelete("Static Route", "Static Routes", items,
    (x) => api("PUT", routerUrl(r) + "/remove_extraroutes", routeBody(x)));
  return table({ title: "Static Routes", id: "static_routes", rows: routeRows(r),
    cols: [{ title: "Destination CIDR", cell: (x) => x.destination },
      { title: "Next Hop", cell: (x) => x.nexthop }],
    actions: [{ label: "+ Add Static Route", run: () => addStaticRoute(r, subnets) },
      { label: "Delete Static Routes", danger: true, run: remove }],
    rowActions: (x) => rowMenu([{ label: "Delete Static Route", danger: true, run: () => remove([x]) }]) });
}

// Add Static Route: checked as Neutron checks it before anything is sent, including that
// the next hop is on one of the router's subnets (when the caller can read them all).
function addStaticRoute(r, subnets) {
  const dest = h("input", { id: "id_route_destination", placeholder: "192.168.101.0/24" });
  const hop = h("input", { id: "id_route_nexthop", placeholder: "10.0.0.10" });
  const w = { destination: field("Destination CIDR", dest, null, true),
    nexthop: field("Next Hop", hop, subnets.length ? "An address on one of the router's " +
      "subnets: " + subnets.map((s) => s.cidr).join(", ") : null, true) };
  const err = formError();
  const submit = async (close) => {
    const errors = routeErrors(dest.value, hop.value);
    const nexthop = hop.value.trim();
    if (!errors.nexthop && subnets.length && !subnets.some((s) => inCidr(nexthop, s.cidr))) {
      errors.nexthop = "The next hop " + nexthop + " is not connected with the router: it is " +
        "in none of its subnets (" + subnets.map((s) => s.cidr).join(", ") + ").";
    }
    for (const [k, x] of Object.entries(w)) x.error(errors[k] || null);
    if (Object.keys(errors).length) return;
    try {
      await api("PUT", routerUrl(r) + "/add_extraroutes",
        routeBody({ destination: dest.value.trim(), nexthop }));
      close();
      toast("success", "Static route added");
      render();
    } catch (e) {
      err.show(e.message);
      toast("error", "Failed to add route: " + e.message, e.message);
    }
  };
  modal("Add Static Route", h("div", { class: "body" }, err,
    h("p", { class: "help" }, "The router sends traffic for the destination to the next hop."),
    w.destination, w.nexthop),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: () => submit(close) }, "Add Static Route")]);
}

const TABS = [["overview", "Overview"], ["interfaces", "Interfaces"], ["extra_routes", "Static Routes"]];

async function routerDetail(main, id, admin) {
  const r = await fetchDetail(main, "router", id);
  if (!r) return;
  const [ports, extNets] = await Promise.all([routerPorts(r), externalNetworks()]);
  const subnetIds = [...new Set([...ports.flatMap((p) => (p.fixed_ips || []).map((f) => f.subnet_id)),
    ...((r.external_gateway_info || {}).external_fixed_ips || []).map((f) => f.subnet_id)])];
  const subnets = await subnetsById(subnetIds);
  // The next-hop check needs every subnet the router is on; a partial list would refuse
  // good routes, so without all of them the server alone judges.
  const routeSubnets = subnets.length === subnetIds.length ? subnets : [];
  const current = (new URLSearchParams(location.search).get("tab") || "router_details__overview")
    .replace("router_details__", "");
  const chosen = TABS.find((t) => t[0] === current) || TABS[0];
  const body = chosen[0] === "interfaces" ? interfacesTab(r, ports, admin)
    : chosen[0] === "extra_routes" ? staticRoutesTab(r, routeSubnets)
      : overviewTab(r, extNets);
  const back = () => navigate(areaOf(admin));
  main.replaceChildren(
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, link(areaOf(admin), "Routers"),
      " › ", shortName(r)),
    h("div", { class: "title-row" }, h("h1", {}, r.name || r.id),
      h("div", { class: "table-actions" }, routerActions(r, extNets, back).map((a) =>
        h("button", { type: "button", class: a.danger ? "danger" : null, onclick: a.run }, a.label)))),
    h("div", { class: "tabs", role: "tablist" }, TABS.map(([key, title]) =>
      h("a", { href: ROOT + routerPath(r, admin) + "?tab=router_details__" + key, "data-link": true,
        role: "tab", "aria-selected": key === chosen[0] ? "true" : "false" }, title))),
    h("div", { class: "tab-body", role: "tabpanel" }, body));
}
route("project/routers/([^/]+)/", (main, id) => routerDetail(main, id, false));
route("admin/routers/([^/]+)/", (main, id) => routerDetail(main, id, true), { admin: true });

export { externalNetworks };
