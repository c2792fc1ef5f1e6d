// Networks: the project and admin lists (gui.md §3, §11.1), Edit Network (§9) and the
// network detail page with its tabs (§5, §11.3).
import { ROOT, session, h, link, shortName, yesNo, upDown, status, dash, toast, api, route,
  render, notFound } from "./core.js";
import { table, modal, confirmDelete, rowMenu, field } from "./widgets.js";
import { createNetwork } from "./wizard.js";
import { subnetsTab } from "./subnets.js";
import { portsTab } from "./ports.js";
import { dhcpAgentsTab } from "./agents.js";

function editNetwork(net) {
  const name = h("input", { id: "id_edit_name", value: net.name, maxlength: 255 });
  const state = h("input", { id: "id_edit_admin_state", type: "checkbox", checked: net.admin_state_up });
  const shared = h("input", { id: "id_edit_shared", type: "checkbox", checked: net.shared });
  modal("Edit Network", h("div", { class: "body" }, field("Name", name),
    h("div", { class: "field check" }, state, h("label", { for: state.id }, "Enable Admin State")),
    session.isAdmin ? h("div", { class: "field check" }, shared, h("label", { for: shared.id }, "Shared")) : null),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: async () => {
      const body = { name: name.value, admin_state_up: state.checked };
      if (session.isAdmin) body.shared = shared.checked;
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

function networkActions(net, admin) {
  return [
    { label: "Edit Network", run: () => editNetwork(net) },
    { label: "Create Subnet", run: () => createNetwork(admin, net) },
    { label: "Delete Network", danger: true, run: () => confirmDelete("Network", "Networks", [net],
      (x) => api("DELETE", "/v2.0/networks/" + x.id)) },
  ];
}

// --- networks (project and admin) --------------------------------------------------
async function subnetNames() {
  const { data } = await api("GET", "/v2.0/subnets");
  return Object.fromEntries(data.subnets.map((s) => [s.id, s]));
}

function subnetsCell(net, subnets) {
  return h("ul", { class: "plain" }, (net.subnets || []).map((id) => {
    const s = subnets[id];
    return h("li", {}, s && s.name ? h("b", {}, s.name) : null, s && s.name ? " " : null,
      s ? s.cidr : id);
  }));
}

async function networksPage(main, admin) {
  let nets;
  if (admin) {
    nets = (await api("GET", "/v2.0/networks")).data.networks;
  } else {
    // Horizon's three calls: shared, the project's own, external ones of others.
    const shared = (await api("GET", "/v2.0/networks?shared=True")).data.networks;
    const own = (await api("GET", "/v2.0/networks?shared=False&tenant_id=" +
      encodeURIComponent(session.projectId))).data.networks;
    const ext = (await api("GET", "/v2.0/networks?router:external=True&shared=False"))
      .data.networks;
    const seen = new Set();
    nets = [...shared, ...own, ...ext].filter((n) => !seen.has(n.id) && seen.add(n.id));
  }
  const subnets = await subnetNames();
  const base = admin ? "admin/networks/" : "project/networks/";
  const cols = [
    ...(admin ? [{ title: "Project", cell: (n) => n.project_id }] : []),
    { title: "Name", cell: (n) => link(base + n.id + "/detail", shortName(n)) },
    { title: "Subnets Associated", cell: (n) => subnetsCell(n, subnets) },
    ...(admin ? [{ title: "DHCP Agents", cell: (n) => String((n.availability_zones || []).length) }] : []),
    { title: "Shared", cell: (n) => yesNo(n.shared) },
    { title: "External", cell: (n) => yesNo(n["router:external"]) },
    { title: "Status", cell: (n) => status(n.status) },
    { title: "Admin State", cell: (n) => upDown(n.admin_state_up) },
    { title: "Availability Zones", cell: (n) => (n.availability_zones || []).join(", ") || "-" },
  ];
  main.replaceChildren(
    h("h1", {}, admin ? "Networks" : "Networks"),
    table({ title: "Networks", id: "networks", cols, rows: nets,
      filter: (n) => [n.name, n.status, n.id].join(" "),
      actions: [
        { label: "+ Create Network", run: () => createNetwork(admin) },
        { label: "Delete Networks", danger: true,
          run: (sel) => confirmDelete("Network", "Networks", sel,
            (n) => api("DELETE", "/v2.0/networks/" + n.id)) },
      ],
      rowActions: (n) => rowMenu(networkActions(n, admin)) }));
}
route("project/networks/", (main) => networksPage(main, false));
route("admin/networks/", (main) => networksPage(main, true), { admin: true });

// --- network detail (gui.md §5) -------------------------------------------------------
async function networkDetail(main, id, admin, tabName) {
  let net;
  try {
    net = (await api("GET", "/v2.0/networks/" + id)).data.network;
  } catch (e) {
    if (e.status === 404) return notFound(main);
    throw e;
  }
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
    ...(admin ? [["agents_tab", "DHCP Agents", () => dhcpAgentsTab(net)]] : [])];
  const current = (new URLSearchParams(location.search).get("tab") || "network_tabs__overview")
    .replace("network_tabs__", "");
  const chosen = tabs.find((t) => t[0] === current) || tabs[0];
  const tabBody = await chosen[2]();
  main.replaceChildren(
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" },
      link(admin ? "admin/networks/" : "project/networks/", "Networks"), " › ", net.name || net.id),
    h("div", { class: "title-row" }, h("h1", {}, net.name || net.id),
      h("div", { class: "table-actions" }, networkActions(net, admin).map((a) =>
        h("button", { type: "button", class: a.danger ? "danger" : null, onclick: a.run }, a.label)))),
    h("div", { class: "tabs", role: "tablist" }, tabs.map(([key, title]) =>
      h("a", { href: ROOT + base + "?tab=network_tabs__" + key, "data-link": true, role: "tab",
        "aria-selected": key === chosen[0] ? "true" : "false" }, title))),
    h("div", { class: "tab-body", role: "tabpanel" }, tabBody));
}
route("project/networks/([^/]+)/detail", (main, id) => networkDetail(main, id, false));
route("admin/networks/([^/]+)/detail", (main, id) => networkDetail(main, id, true), { admin: true });

export { networkActions, subnetNames, subnetsCell };
