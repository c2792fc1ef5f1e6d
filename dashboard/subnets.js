// Subnets: the Subnets tab of a network (gui.md §5) and the subnet detail page (§6).
import { h, link, shortName, yesNo, dash, api, route, notFound } from "./core.js";
import { table, confirmDelete, definitionList } from "./widgets.js";
import { createNetwork } from "./wizard.js";

// The "Subnets" tab of a network's page.
async function subnetsTab(net, admin) {
  const area = admin ? "admin/networks/" : "project/networks/";
  const subnets = (await api("GET", "/v2.0/subnets?network_id=" + net.id)).data.subnets;
  return table({ title: "Subnets", id: "subnets", rows: subnets,
    filter: (s) => [s.name, s.cidr].join(" "),
    cols: [{ title: "Name", cell: (s) => link(area + "subnets/" + s.id + "/detail", shortName(s)) },
      { title: "Network Address", cell: (s) => s.cidr },
      { title: "IP Version", cell: (s) => "IPv" + s.ip_version }, { title: "Gateway IP", cell: (s) => dash(s.gateway_ip) }],
    actions: [{ label: "+ Create Subnet", run: () => createNetwork(admin, net) },
      { label: "Delete Subnets", danger: true, run: (sel) => confirmDelete("Subnet", "Subnets", sel,
      (s) => api("DELETE", "/v2.0/subnets/" + s.id)) }] });
}

async function subnetDetail(main, id, admin) {
  let sub;
  try { sub = (await api("GET", "/v2.0/subnets/" + id)).data.subnet; }
  catch (e) { if (e.status === 404) return notFound(main); throw e; }
  const area = admin ? "admin/networks/" : "project/networks/";
  let netName = sub.network_id;
  try { netName = shortName((await api("GET", "/v2.0/networks/" + sub.network_id)).data.network); }
  catch (e) { /* the id will do */ }
  main.replaceChildren(
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, link(area, "Networks"), " › ",
      link(area + sub.network_id + "/detail", netName), " › ",
      link(area + sub.network_id + "/detail?tab=network_tabs__subnets_tab", "Subnets")),
    h("div", { class: "title-row" }, h("h1", {}, sub.name || sub.id),
      h("div", { class: "table-actions" }, h("button", { type: "button", class: "danger",
        onclick: () => confirmDelete("Subnet", "Subnets", [sub],
          (x) => api("DELETE", "/v2.0/subnets/" + x.id)) }, "Delete Subnet"))),
    definitionList([["Name", sub.name || "-"], ["ID", sub.id], ["Project ID", sub.project_id],
      ["Network Name", netName], ["Network ID", link(area + sub.network_id + "/detail", sub.network_id)],
      ["Subnet Pool", sub.subnetpool_id || "None"], ["IP Version", "IPv" + sub.ip_version],
      ["CIDR", sub.cidr],
      ["IP Allocation Pools", h("ul", { class: "plain" }, (sub.allocation_pools || []).map((p) =>
        h("li", {}, "Start " + p.start + " - End " + p.end)))],
      ["Gateway IP", dash(sub.gateway_ip)], ["DHCP Enabled", yesNo(sub.enable_dhcp)],
      sub.ip_version === 6 ? ["IPv6 Address Configuration Mode", dash(sub.ipv6_address_mode)] : null,
      ["Additional Routes", (sub.host_routes || []).length ? h("ul", { class: "plain" },
        sub.host_routes.map((r) => h("li", {}, "Destination " + r.destination + " : Next hop " + r.nexthop))) : "None"],
      ["DNS Name Servers", (sub.dns_nameservers || []).length ? sub.dns_nameservers.join(", ") : "None"]]));
}
route("project/networks/subnets/([^/]+)/detail", (main, id) => subnetDetail(main, id, false));
route("admin/networks/subnets/([^/]+)/detail", (main, id) => subnetDetail(main, id, true), { admin: true });

export { subnetsTab };
