// Subnets: the Subnets tab of a network (docs/behaviour/dashboard.md §5) and the subnet
// detail page (§6).
import { h, link, shortName, yesNo, dash, api, route, navigate, hasExtension, fetchDetail,
  quotaFull, quotaAction, quotaProject,
  networkOf } from "./core.js";
import { table, confirmDelete, definitionList, rowMenu } from "./widgets.js";
import { createNetwork } from "./wizard.js";

const deleteSubnet = (s) => api("DELETE", "/v2.0/subnets/" + s.id);
const subnetInUse = (s) => "Unable to delete subnet " + shortName(s) +
  ": most likely ports still hold addresses from it.";

// "Edit Subnet" and "Delete Subnet", on a row and on the subnet's page
// (docs/behaviour/dashboard.md §6, §10).
function subnetActions(sub, net, admin, done) {
  return [
    { label: "Edit Subnet", run: () => createNetwork(admin, net, sub) },
    { label: "Delete Subnet", danger: true, run: () => confirmDelete("Subnet", "Subnets", [sub],
      deleteSubnet, { conflict: subnetInUse, done }) },
  ];
}

// Admins see how full each subnet is (docs/behaviour/dashboard.md §11.3): one call for the
// whole network.
async function usage(net) {
  if (!(await hasExtension("network-ip-availability"))) return null;
  try {
    const { data } = await api("GET", "/v2.0/network-ip-availabilities/" + net.id);
    return Object.fromEntries(data.network_ip_availability.subnet_ip_availability
      .map((u) => [u.subnet_id, u]));
  } catch (e) {
    return {};
  }
}
const count = (n) => (n === undefined || n === null ? "Not Available" : n > 10000 ? ">10000" : String(n));

// The "Subnets" tab of a network's page.
async function subnetsTab(net, admin) {
  const area = admin ? "admin/networks/" : "project/networks/";
  const subnets = (await api("GET", "/v2.0/subnets?network_id=" + net.id)).data.subnets;
  const [used, full] = await Promise.all([admin ? usage(net) : null,
    quotaFull(quotaProject(net, admin), "subnet")]);
  return table({ title: "Subnets", id: "subnets", rows: subnets,
    filter: (s) => [s.name, s.cidr].join(" "),
    cols: [{ title: "Name", cell: (s) => link(area + "subnets/" + s.id + "/detail", shortName(s)) },
      { title: "Network Address", cell: (s) => s.cidr },
      { title: "IP Version", cell: (s) => "IPv" + s.ip_version },
      { title: "Gateway IP", cell: (s) => dash(s.gateway_ip) },
      ...(used ? [{ title: "Used IPs", cell: (s) => count((used[s.id] || {}).used_ips) },
        { title: "Free IPs", cell: (s) => { const u = used[s.id];
          return count(u ? u.total_ips - u.used_ips : undefined); } }] : [])],
    actions: [quotaAction("+ Create Subnet", full.subnet, () => createNetwork(admin, net)),
      { label: "Delete Subnets", danger: true, run: (sel) => confirmDelete("Subnet", "Subnets", sel,
        deleteSubnet, { conflict: subnetInUse }) }],
    rowActions: (s) => rowMenu(subnetActions(s, net, admin)) });
}

async function subnetDetail(main, id, admin) {
  const sub = await fetchDetail(main, "subnet", id);
  if (!sub) return;
  const area = admin ? "admin/networks/" : "project/networks/";
  const net = await networkOf(sub);
  const netName = net.name || net.id;
  const back = () => navigate(area + net.id + "/detail?tab=network_tabs__subnets_tab");
  main.replaceChildren(
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, link(area, "Networks"), " › ",
      link(area + sub.network_id + "/detail", netName), " › ",
      link(area + sub.network_id + "/detail?tab=network_tabs__subnets_tab", "Subnets")),
    h("div", { class: "title-row" }, h("h1", {}, sub.name || sub.id),
      h("div", { class: "table-actions" }, subnetActions(sub, net, admin, back).map((a) =>
        h("button", { type: "button", class: a.danger ? "danger" : null, onclick: a.run },
          a.label)))),
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

export { subnetsTab, subnetInUse };
