// Project → Network → Floating IPs (docs/behaviour/dashboard.md §18; API api.md §15): the
// list, Allocate IP To Project, Associate, Disassociate and Release.
import { session, h, shortName, status, toast, api, route, render, quotaFull, quotaAction }
  from "./core.js";
import { table, modal, confirmAction, rowMenu, field } from "./widgets.js";
import { parseIp } from "./validate.js";
import { externalNetworks } from "./routers.js";

const fipUrl = (f) => "/v2.0/floatingips/" + f.id;
// A floating IP is named by its address in confirmations and messages, as in Horizon.
const named = (f) => ({ ...f, name: f.floating_ip_address });

// "Mapped Fixed IP Address": the port's name (or short id) and the fixed address, as
// Horizon writes the instance's name and the address.
function mapped(f) {
  if (!f.port_id) return "-";
  const d = f.port_details;
  return shortName({ id: f.port_id, name: d ? d.name : "" }) + " " + (f.fixed_ip_address || "");
}

const poolName = (f, nets) => {
  const n = nets.find((x) => x.id === f.floating_network_id);
  return n ? shortName(n) : f.floating_network_id;
};

async function projectFloatingIps() {
  const q = session.projectId ? "?project_id=" + encodeURIComponent(session.projectId) : "";
  return (await api("GET", "/v2.0/floatingips" + q)).data.floatingips;
}

// Allocate Floating IP: a pool (an external network) and a description; admins may ask
// for an address (floating_ip_address is admin only by policy).
function allocate(nets) {
  const pool = h("select", { id: "id_fip_pool" }, h("option", { value: "" }, "Select a pool"),
    nets.map((n) => h("option", { value: n.id, selected: nets.length === 1 }, shortName(n))));
  const description = h("input", { id: "id_fip_description", maxlength: 255 });
  const address = h("input", { id: "id_fip_address" });
  const w = { pool: field("Pool", pool, nets.length ? null
    : "There is no external network to allocate from.", true),
  description: field("Description", description),
  address: field("Floating IP Address (optional)", address, "The address to take; empty: " +
    "any free address of the pool.") };
  const err = h("p", { class: "form-error", role: "alert", hidden: true });
  const submit = async (close) => {
    Object.values(w).forEach((x) => x.error(null));
    if (!pool.value) { w.pool.error("This field is required."); return; }
    const ip = address.value.trim();
    if (ip && parseIp(ip)?.v !== 4) {
      w.address.error("Incorrect format for IP address: " + ip + " (an IPv4 address is needed)");
      return;
    }
    const body = { floating_network_id: pool.value, description: description.value };
    if (session.isAdmin && ip) body.floating_ip_address = ip;
    try {
      const fip = (await api("POST", "/v2.0/floatingips", { floatingip: body })).data.floatingip;
      close();
      toast("success", "Allocated Floating IP " + fip.floating_ip_address + ".");
      render();
    } catch (e) {
      err.textContent = e.message;
      err.hidden = false;
      toast("error", "Unable to allocate Floating IP. " + e.message, e.message);
    }
  };
  modal("Allocate Floating IP", h("div", { class: "body" }, err,
    h("p", { class: "help" }, "Take an address of an external network for the project."),
    w.pool, w.description, session.isAdmin ? w.address : null),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: () => submit(close) }, "Allocate IP")]);
}

// The ports a floating IP can go to, one choice per fixed IPv4 address: the project's
// ports that are not the network's own (DHCP, router, floating IP ports).
async function portTargets() {
  const q = session.projectId ? "?project_id=" + encodeURIComponent(session.projectId) : "";
  const ports = (await api("GET", "/v2.0/ports" + q)).data.ports;
  return ports.filter((p) => !(p.device_owner || "").startsWith("network:")).flatMap((p) =>
    (p.fixed_ips || []).filter((x) => parseIp(x.ip_address)?.v === 4).map((x) => ({
      value: p.id + "_" + x.ip_address, port: p, ip: x.ip_address,
      label: shortName(p) + ": " + x.ip_address })));
}

// Associate ("Manage Floating IP Associations"): the floating IP, and the port and fixed
// address to map it to.
async function associate(fip, all) {
  const targets = await portTargets();
  const free = all.filter((f) => !f.port_id);
  const ipChoice = h("select", { id: "id_fip_ip" }, free.map((f) =>
    h("option", { value: f.id, selected: f.id === fip.id }, f.floating_ip_address)));
  const portChoice = h("select", { id: "id_fip_port" }, h("option", { value: "" }, "Select a port"),
    targets.map((t) => h("option", { value: t.value }, t.label)));
  const w = { ip: field("IP Address", ipChoice, null, true),
    port: field("Port to be associated", portChoice, targets.length ? null
      : "The project has no port with an IPv4 address.", true) };
  const err = h("p", { class: "form-error", role: "alert", hidden: true });
  const submit = async (close) => {
    Object.values(w).forEach((x) => x.error(null));
    const t = targets.find((x) => x.value === portChoice.value);
    if (!t) { w.port.error("This field is required."); return; }
    const f = free.find((x) => x.id === ipChoice.value) || fip;
    try {
      await api("PUT", fipUrl(f), { floatingip: { port_id: t.port.id, fixed_ip_address: t.ip } });
      close();
      toast("success", "IP address " + f.floating_ip_address + " associated.");
      render();
    } catch (e) {
      err.textContent = e.message;
      err.hidden = false;
      toast("error", "Unable to associate IP address " + f.floating_ip_address + ". " + e.message,
        e.message);
    }
  };
  modal("Manage Floating IP Associations", h("div", { class: "body" }, err,
    h("p", { class: "help" }, "A router must join the port's subnet to the floating IP's network."),
    w.ip, w.port),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: () => submit(close) }, "Associate")]);
}

const disassociate = (items) => confirmAction({ action: "Disassociate",
  actions: "Disassociate", past: () => "Successfully disassociated Floating IP",
  failed: (f, e) => "Unable to disassociate floating IP " + f.name + ". " + e.message,
  items: items.map(named), run: (f) => api("PUT", fipUrl(f), { floatingip: { port_id: null } }) });
const release = (items) => (items.length ? confirmAction({ action: "Release Floating IP",
  actions: "Release Floating IPs", past: (n) => "Released Floating IP" + (n > 1 ? "s" : ""),
  failed: (f, e) => "Unable to release Floating IP " + f.name + ". " + e.message,
  items: items.map(named), run: (f) => api("DELETE", fipUrl(f)) })
  : toast("info", "Select the floating IPs to release first."));

route("project/floating_ips/", async (main) => {
  let fips = [], nets = [];
  try {
    [fips, nets] = await Promise.all([projectFloatingIps(), externalNetworks()]);
  } catch (e) {
    if (e.status === 401) return;
    toast("error", "Unable to retrieve floating IP addresses.", e.message);
  }
  const full = await quotaFull(session.projectId, "floatingip");
  main.replaceChildren(h("h1", {}, "Floating IPs"), table({ title: "Floating IPs",
    id: "floating_ips", rows: fips.map(named),
    filter: (f) => [f.floating_ip_address, f.fixed_ip_address || "", f.description || ""].join(" "),
    cols: [{ title: "IP Address", cell: (f) => f.floating_ip_address },
      { title: "Description", cell: (f) => f.description || "-" },
      { title: "Mapped Fixed IP Address", cell: mapped },
      { title: "Pool", cell: (f) => poolName(f, nets) },
      { title: "Status", cell: (f) => status(f.status) }],
    actions: [quotaAction("Allocate IP To Project", full.floatingip, () => allocate(nets)),
      { label: "Release Floating IPs", danger: true, run: release }],
    rowActions: (f) => rowMenu([f.port_id
      ? { label: "Disassociate", danger: true, run: () => disassociate([f]) }
      : { label: "Associate", run: () => associate(f, fips) },
    { label: "Release Floating IP", danger: true, run: () => release([f]) }]) }));
});
