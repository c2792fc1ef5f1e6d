// Ports: the Ports tab of a network (gui.md §5) and the port detail page (§7).
import { h, link, shortName, status, upDown, dash, api, route, notFound } from "./core.js";
import { table, confirmDelete, definitionList } from "./widgets.js";

// The "Ports" tab of a network's page.
async function portsTab(net, admin) {
  const area = admin ? "admin/networks/" : "project/networks/";
  const ports = (await api("GET", "/v2.0/ports?network_id=" + net.id)).data.ports;
  return table({ title: "Ports", id: "ports", rows: ports,
    filter: (p) => [p.name, p.id, p.mac_address, p.device_owner].join(" "),
    cols: [{ title: "Name", cell: (p) => link(area + "ports/" + p.id + "/detail", shortName(p)) },
      { title: "Fixed IPs", cell: (p) => h("ul", { class: "plain" }, (p.fixed_ips || []).map((f) => h("li", {}, f.ip_address))) },
      { title: "MAC Address", cell: (p) => p.mac_address },
      { title: "Attached Device", cell: (p) => p.device_owner || (p.device_id ? "Attached" : "Detached") },
      { title: "Status", cell: (p) => status(p.status) },
      { title: "Admin State", cell: (p) => upDown(p.admin_state_up) }],
    actions: [{ label: "Delete Ports", danger: true, run: (sel) => confirmDelete("Port", "Ports", sel,
      (p) => api("DELETE", "/v2.0/ports/" + p.id)) }] });
}

async function portDetail(main, id, admin) {
  let port;
  try { port = (await api("GET", "/v2.0/ports/" + id)).data.port; }
  catch (e) { if (e.status === 404) return notFound(main); throw e; }
  const area = admin ? "admin/networks/" : "project/networks/";
  main.replaceChildren(
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, link(area, "Networks"), " › ",
      link(area + port.network_id + "/detail?tab=network_tabs__ports_tab", "Ports")),
    h("div", { class: "title-row" }, h("h1", {}, port.name || port.id),
      h("div", { class: "table-actions" }, h("button", { type: "button", class: "danger",
        onclick: () => confirmDelete("Port", "Ports", [port],
          (x) => api("DELETE", "/v2.0/ports/" + x.id)) }, "Delete Port"))),
    definitionList([["Name", port.name || "-"], ["ID", port.id],
      ["Network ID", link(area + port.network_id + "/detail", port.network_id)],
      ["Project ID", port.project_id], ["MAC Address", port.mac_address],
      ["Status", status(port.status)], ["Admin State", upDown(port.admin_state_up)],
      ["Fixed IPs", h("ul", { class: "plain" }, (port.fixed_ips || []).map((f) =>
        h("li", {}, "IP address: " + f.ip_address + ", Subnet ID " + f.subnet_id)))],
      ["Device Owner", dash(port.device_owner)], ["Device ID", dash(port.device_id)],
      port["binding:host_id"] !== undefined ? ["Binding", h("dl", { class: "inner" },
        h("dt", {}, "Host"), h("dd", {}, dash(port["binding:host_id"])),
        h("dt", {}, "VNIC Type"), h("dd", {}, dash(port["binding:vnic_type"])),
        h("dt", {}, "VIF Type"), h("dd", {}, dash(port["binding:vif_type"])),
        h("dt", {}, "VIF Details"), h("dd", {}, JSON.stringify(port["binding:vif_details"] || {})))] : null]));
}
route("project/networks/ports/([^/]+)/detail", (main, id) => portDetail(main, id, false));
route("admin/networks/ports/([^/]+)/detail", (main, id) => portDetail(main, id, true), { admin: true });

export { portsTab };
