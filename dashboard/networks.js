// Networks: the project and admin lists (docs/behaviour/dashboard.md §3, §11.1), Edit
// Network (§9) and the network detail page with its tabs (§5, §11.3).
import { ROOT, KS, session, h, link, shortName, yesNo, upDown, status, dash, toast, api, route,
  render, navigate, hasExtension, fetchDetail, quotaFull, quotaAction, quotaProject } from "./core.js";
import { table, modal, confirmDelete, rowMenu, field } from "./widgets.js";
import { createNetwork } from "./wizard.js";
import { subnetsTab } from "./subnets.js";
import { portsTab } from "./ports.js";
import { dhcpAgentsTab } from "./agents.js";

// Edit Network (docs/behaviour/dashboard.md §9).  "Shared" is offered, and sent, only to
// admins: Neutron answers 403 to a member even for an unchanged value.  Admins also set
// "External".
function editNetwork(net) {
  const name = h("input", { id: "id_edit_name", value: net.name, maxlength: 255 });
  const state = h("input", { id: "id_edit_admin_state", type: "checkbox", checked: net.admin_state_up });
  const shared = h("input", { id: "id_edit_shared", type: "checkbox", checked: net.shared });
  const external = h("input", { id: "id_edit_external", type: "checkbox",
    checked: net["router:external"] });
  modal("Edit Network", h("div", { class: "body" }, field("Name", name),
    h("div", { class: "field check" }, state, h("label", { for: state.id }, "Enable Admin State")),
    session.isAdmin ? h("div", { class: "field check" }, shared, h("label", { for: shared.id }, "Shared")) : null,
    session.isAdmin ? h("div", { class: "field check" }, external,
      h("label", { for: external.id }, "External Network")) : null),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: async () => {
      const body = { name: name.value, admin_state_up: state.checked };
      if (session.isAdmin) {
        body.shared = shared.checked;
        body["router:external"] = external.checked;
      }
      try {
        await api("PUT", "/v2.0/networks/" + net.id, { network: body });
        close();
        toast("success", "Updated network \"" + (body.name || shortName(net)) + "\".");
        render();
      } catch (e) {
        toast("error", "Failed to update network \"" + shortName(net) + "\".", e.message);
      }
    } }, "Save Changes")]);
}

const deleteNetwork = (n) => api("DELETE", "/v2.0/networks/" + n.id);
// Neutron removes a network's DHCP ports itself: a 409 means other ports remain (§10).
const networkInUse = (n) => "Unable to delete network " + shortName(n) +
  ": most likely ports still exist on it.";

// subnetFull: the subnet quota is used up (docs/behaviour/dashboard.md §19).
function networkActions(net, admin, done, subnetFull) {
  return [
    { label: "Edit Network", run: () => editNetwork(net) },
    quotaAction("Create Subnet", subnetFull, () => createNetwork(admin, net)),
    { label: "Delete Network", danger: true, run: () => confirmDelete("Network", "Networks", [net],
      deleteNetwork, { conflict: networkInUse, done }) },
  ];
}

// Admin → Networks shows project names, and how many DHCP agents host each network
// (docs/behaviour/dashboard.md §11.1): asked only for the rows on screen, so a page costs
// at most 20 calls.
async function projectNames() {
  try {
    const { data } = await api("GET", KS + "/projects");
    return Object.fromEntries(data.projects.map((p) => [p.id, p.name]));
  } catch (e) {
    return {};
  }
}
function dhcpAgentCount(net) {
  const cell = h("span", {}, "…");
  api("GET", "/v2.0/networks/" + net.id + "/dhcp-agents").then(
    ({ data }) => { cell.textContent = String(data.agents.length); },
    () => { cell.textContent = "Unknown"; });
  return cell;
}

// --- networks (project and admin) --------------------------------------------------
const PAGE = 20;      // Horizon's API_RESULT_PAGE_SIZE

// The subnets of the networks on screen, for "Subnets Associated": one call a page.
async function subnetsOf(nets) {
  const ids = [...new Set(nets.flatMap((n) => n.subnets || []))];
  if (!ids.length) return {};
  const q = ids.map((id) => "id=" + id).join("&");
  const { data } = await api("GET", "/v2.0/subnets?fields=id&fields=name&fields=cidr&" + q);
  return Object.fromEntries(data.subnets.map((s) => [s.id, s]));
}

function subnetsCell(net, subnets) {
  return h("ul", { class: "plain" }, (net.subnets || []).map((id) => {
    const s = subnets[id];
    return h("li", {}, s && s.name ? h("b", {}, s.name) : null, s && s.name ? " " : null,
      s ? s.cidr : id);
  }));
}

// The filter's field chooser (docs/behaviour/dashboard.md §3, §11.1), and how a typed value
// becomes the Neutron filter: yes/no and up/down are booleans, statuses are upper case, a
// project is found by name.  A value that fits none is sent as typed: the server's 400 says
// why.
const FILTERS = [{ label: "Name =", key: "name" }, { label: "Shared =", key: "shared" },
  { label: "External =", key: "router:external" }, { label: "Status =", key: "status" },
  { label: "Admin State =", key: "admin_state_up" }];
const BOOLEAN = { yes: "True", no: "False", true: "True", false: "False", up: "True", down: "False" };
function networkQuery(query, projects) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (key === "project") {
      const ids = Object.keys(projects).filter((id) => projects[id] === value);
      for (const id of ids.length ? ids : ["(none)"]) params.append("project_id", id);
    } else if (key === "name") {
      params.append(key, value);
    } else if (key === "status") {
      params.append(key, value.toUpperCase());
    } else {
      params.append(key, BOOLEAN[value.toLowerCase()] || value);
    }
  }
  return params;
}

// One page of networks from the server.  Asking for one row more than a page tells
// whether there is another page that way.  Going back (page_reverse) Neutron returns
// the rows before the marker, in the usual order: the extra one is then the first.
async function networkPage({ marker, reverse, query }, projects) {
  const params = networkQuery(query, projects);
  params.set("limit", String(PAGE + 1));
  if (marker) params.set("marker", marker);
  if (reverse) params.set("page_reverse", "True");
  const nets = (await api("GET", "/v2.0/networks?" + params)).data.networks;
  const more = nets.length > PAGE;
  const rows = !more ? nets : reverse ? nets.slice(1) : nets.slice(0, PAGE);
  return { rows, subnets: await subnetsOf(rows), next: reverse ? true : more,
    prev: reverse ? more : Boolean(marker) };
}

// An admin on the Project page must see only what the project can use, which is not
// what the API shows an admin: Horizon's three calls (shared, the project's own,
// external ones of others) put together, paged in the browser.
async function projectNetworksAsAdmin() {
  const shared = (await api("GET", "/v2.0/networks?shared=True")).data.networks;
  const own = (await api("GET", "/v2.0/networks?shared=False&tenant_id=" +
    encodeURIComponent(session.projectId))).data.networks;
  const ext = (await api("GET", "/v2.0/networks?router:external=True&shared=False"))
    .data.networks;
  const seen = new Set();
  return [...shared, ...own, ...ext].filter((n) => !seen.has(n.id) && seen.add(n.id));
}

async function networksPage(main, admin) {
  const base = admin ? "admin/networks/" : "project/networks/";
  // Horizon checks the quota of the project on the project's pages; Admin's Create
  // Network is never held back (the admin picks the project).  Asked alongside the
  // rest, so the page waits for no extra round trip.
  const [projects, scheduler, zones, full] = await Promise.all([
    admin ? projectNames() : {},
    admin && hasExtension("dhcp_agent_scheduler"),
    hasExtension("network_availability_zone"),
    admin ? {} : quotaFull(session.projectId, "network", "subnet")]);
  let subnets = {};
  const cols = [
    ...(admin ? [{ title: "Project", cell: (n) => projects[n.project_id] || "" }] : []),
    { title: "Name", cell: (n) => link(base + n.id + "/detail", shortName(n)) },
    { title: "Subnets Associated", cell: (n) => subnetsCell(n, subnets) },
    ...(scheduler ? [{ title: "DHCP Agents", cell: dhcpAgentCount }] : []),
    { title: "Shared", cell: (n) => yesNo(n.shared) },
    { title: "External", cell: (n) => yesNo(n["router:external"]) },
    { title: "Status", cell: (n) => status(n.status) },
    { title: "Admin State", cell: (n) => upDown(n.admin_state_up) },
    ...(zones ? [{ title: "Availability Zones",
      cell: (n) => (n.availability_zones || []).join(", ") || "-" }] : []),
  ];
  const common = { title: "Networks", id: "networks", cols,
    actions: [
      quotaAction("+ Create Network", full.network, () => createNetwork(admin)),
      { label: "Delete Networks", danger: true,
        run: (sel) => confirmDelete("Network", "Networks", sel, deleteNetwork,
          { conflict: networkInUse }) },
    ],
    rowActions: (n) => rowMenu(networkActions(n, admin, undefined, full.subnet)) };
  let networks;
  if (!admin && session.isAdmin) {
    const rows = await projectNetworksAsAdmin();
    subnets = await subnetsOf(rows);
    networks = table({ ...common, rows, filter: (n) => [n.name, n.status, n.id].join(" ") });
  } else {
    // A member's plain list is exactly what the project can use (Neutron's policy:
    // its own, shared and external networks), so one paged call does.
    networks = table({ ...common,
      choices: admin ? [...FILTERS, { label: "Project =", key: "project" }] : FILTERS,
      source: async (request) => {
        const page = await networkPage(request, projects);
        subnets = page.subnets;
        return page;
      } });
    await networks.ready;
  }
  main.replaceChildren(h("h1", {}, "Networks"), networks);
}
route("project/networks/", (main) => networksPage(main, false));
route("admin/networks/", (main) => networksPage(main, true), { admin: true });

// --- network detail (docs/behaviour/dashboard.md §5) -------------------------------------
async function networkDetail(main, id, admin, tabName) {
  const net = await fetchDetail(main, "network", id);
  if (!net) return;
  const area = admin ? "admin/networks/" : "project/networks/";
  const base = area + id + "/detail";
  const dl = (pairs) => h("dl", { class: "overview" }, pairs.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  const overview = dl([
    ["Name", net.name || "-"], ["ID", net.id], ["Project ID", net.project_id],
    ["Status", status(net.status)], ["Admin State", upDown(net.admin_state_up)],
    ["Shared", yesNo(net.shared)], ["External Network", yesNo(net["router:external"])],
    ["MTU", dash(net.mtu)],
    ...(net["provider:network_type"] !== undefined ? [
      ["Provider Network", ""], ["Network Type:", dash(net["provider:network_type"])],
      ["Physical Network:", dash(net["provider:physical_network"])],
      ["Segmentation ID:", dash(net["provider:segmentation_id"])]] : []),
  ]);
  // Each tab loads its own rows, and only when it is shown.
  const tabs = [["overview", "Overview", () => overview],
    ["subnets_tab", "Subnets", () => subnetsTab(net, admin)],
    ["ports_tab", "Ports", () => portsTab(net, admin)],
    ...(admin && await hasExtension("dhcp_agent_scheduler")
      ? [["agents_tab", "DHCP Agents", () => dhcpAgentsTab(net)]] : [])];
  const current = (new URLSearchParams(location.search).get("tab") || "network_tabs__overview")
    .replace("network_tabs__", "");
  const chosen = tabs.find((t) => t[0] === current) || tabs[0];
  const [tabBody, full] = await Promise.all([chosen[2](),
    quotaFull(quotaProject(net, admin), "subnet")]);
  main.replaceChildren(
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" },
      link(admin ? "admin/networks/" : "project/networks/", "Networks"), " › ", net.name || net.id),
    h("div", { class: "title-row" }, h("h1", {}, net.name || net.id),
      h("div", { class: "table-actions" }, networkActions(net, admin, () => navigate(area), full.subnet)
        .map((a) => h("button", { type: "button", class: a.danger ? "danger" : null,
          disabled: a.disabled, onclick: a.run }, a.label)))),
    h("div", { class: "tabs", role: "tablist" }, tabs.map(([key, title]) =>
      h("a", { href: ROOT + base + "?tab=network_tabs__" + key, "data-link": true, role: "tab",
        "aria-selected": key === chosen[0] ? "true" : "false" }, title))),
    h("div", { class: "tab-body", role: "tabpanel" }, tabBody));
}
route("project/networks/([^/]+)/detail", (main, id) => networkDetail(main, id, false));
route("admin/networks/([^/]+)/detail", (main, id) => networkDetail(main, id, true), { admin: true });

export { networkActions, subnetsCell, networkInUse, projectNames };
