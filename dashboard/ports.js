// The port detail page (gui.md §7).
import { h, link, status, upDown, dash, api, route, notFound } from "./core.js";
import { confirmDelete, definitionList } from "./widgets.js";

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
