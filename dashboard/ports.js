// Ports: the Ports tab of a network (docs/behaviour/dashboard.md §5), Create Port and Edit
// Port, and the port detail page (§7).
import { session, h, link, shortName, status, upDown, dash, toast, api, route, render,
  quotaFull, quotaAction, quotaProject,
  navigate, hasExtension, fetchDetail, networkOf } from "./core.js";
import { table, modal, confirmDelete, definitionList, rowMenu, field } from "./widgets.js";
import { ipVersion, lines, inCidr } from "./validate.js";
import { groupsFor, groupChooser, portGroupsSection } from "./security_groups.js";

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const VNIC_TYPES = [["normal", "Normal"], ["direct", "Direct"], ["direct-physical", "Direct Physical"],
  ["macvtap", "MacVTap"], ["baremetal", "Bare Metal"], ["virtio-forwarder", "Virtio Forwarder"]];
const deletePort = (p) => api("DELETE", "/v2.0/ports/" + p.id);

function portActions(port, net, admin, done) {
  return [
    { label: "Edit Port", run: () => editPort(port, net, admin) },
    { label: "Delete Port", danger: true, run: () => confirmDelete("Port", "Ports", [port],
      deletePort, { done }) },
  ];
}

// The "Ports" tab of a network's page.
async function portsTab(net, admin) {
  const area = admin ? "admin/networks/" : "project/networks/";
  const [ports, full] = await Promise.all([
    api("GET", "/v2.0/ports?network_id=" + net.id).then((r) => r.data.ports),
    quotaFull(quotaProject(net, admin), "port")]);
  return table({ title: "Ports", id: "ports", rows: ports,
    filter: (p) => [p.name, p.id, p.mac_address, p.device_owner].join(" "),
    cols: [{ title: "Name", cell: (p) => link(area + "ports/" + p.id + "/detail", shortName(p)) },
      { title: "Fixed IPs", cell: (p) => h("ul", { class: "plain" }, (p.fixed_ips || []).map((f) => h("li", {}, f.ip_address))) },
      { title: "MAC Address", cell: (p) => p.mac_address },
      { title: "Attached Device", cell: (p) => p.device_owner || (p.device_id ? "Attached" : "Detached") },
      { title: "Status", cell: (p) => status(p.status) },
      { title: "Admin State", cell: (p) => upDown(p.admin_state_up) }],
    actions: [quotaAction("+ Create Port", full.port, () => createPort(net, admin)),
      { label: "Delete Ports", danger: true, run: (sel) => confirmDelete("Port", "Ports", sel,
        deletePort) }],
    rowActions: (p) => rowMenu(portActions(p, net, admin)) });
}

const checkbox = (input, label) => h("div", { class: "field check" }, input,
  h("label", { for: input.id }, label));
const select = (id, choices, value) => h("select", { id }, choices.map(([v, label]) =>
  h("option", { value: v, selected: v === value }, label)));

// Checks an address typed for a port: a valid address of one of the network's subnets.
function fixedIpError(ip, subnets) {
  if (!ipVersion(ip)) return "Incorrect format for IP address: " + ip;
  if (!subnets.some((s) => inCidr(ip, s.cidr))) {
    return ip + " is in none of the network's subnets (" + subnets.map((s) => s.cidr).join(", ") + ").";
  }
  return null;
}

// The "Security Groups" step of Create and Edit Port (docs/behaviour/dashboard.md §16.4),
// or null without the extension: the groups of the port's project, the chosen ones
// first ticked.  A chosen group the list lacks still counts.
async function securityGroupStep(projectId, chosenIds) {
  if (!await hasExtension("security-group")) return null;
  let all = [];
  try {
    all = await groupsFor(projectId);
  } catch (e) {
    if (e.status === 401) throw e;
    toast("error", "Unable to retrieve security group list. Please try again later.", e.message);
  }
  const chosen = typeof chosenIds === "function" ? chosenIds(all) : chosenIds;
  for (const id of chosen) {
    if (!all.some((g) => g.id === id)) all.push({ id, name: id });
  }
  return groupChooser(all, chosen);
}

// A port form's steps, "Info" and (with a chooser) "Security Groups", as tabs; the second
// is hidden while "Port Security" is off.  Returns what goes in the modal.
function portSteps(info, chooser, securityBox) {
  const steps = [["Info", info]];
  if (chooser) {
    steps.push(["Security Groups", h("div", { role: "tabpanel", "aria-label": "Security Groups" },
      chooser.pane)]);
  }
  const bar = h("ol", { class: "steps", role: "tablist" });
  const show = (k) => {
    steps.forEach(([, pane], i) => { pane.hidden = i !== k; });
    bar.replaceChildren(...steps.map(([title], i) => h("li", { role: "tab",
      "aria-selected": i === k ? "true" : "false",
      hidden: i > 0 && securityBox !== null && !securityBox.checked },
    h("button", { type: "button", class: "link", onclick: () => show(i) }, title))));
  };
  if (securityBox) securityBox.addEventListener("change", () => show(0));
  show(0);
  return [steps.length > 1 ? bar : null, steps.map(([, pane]) => pane)];
}

const portSecurityHelp = () => h("p", { class: "help" }, "Enable anti-spoofing rules for the " +
  "port. Without it the port has no security groups.");

// Create Port (docs/behaviour/dashboard.md §7): "Info", and with the extensions "Port
// Security" and the "Security Groups" step, where the project's default group starts
// chosen, as in Horizon.
async function createPort(net, admin) {
  const subnets = (await api("GET", "/v2.0/subnets?network_id=" + net.id)).data.subnets;
  const binding = await hasExtension("binding");
  const portSecurity = await hasExtension("port-security");
  const projectId = session.isAdmin && net.project_id !== session.projectId
    ? net.project_id : session.projectId;
  const chooser = await securityGroupStep(projectId,
    (all) => all.filter((g) => g.name === "default").map((g) => g.id));
  const f = {
    portSecurity: h("input", { id: "id_port_security", type: "checkbox",
      checked: net.port_security_enabled !== false }),
    name: h("input", { id: "id_port_name", maxlength: 255 }),
    adminState: h("input", { id: "id_port_admin_state", type: "checkbox", checked: true }),
    deviceId: h("input", { id: "id_device_id", maxlength: 100 }),
    deviceOwner: h("input", { id: "id_device_owner", maxlength: 100 }),
    specify: select("id_specify_ip", [["", "Unspecified"], ["subnet_id", "Subnet"],
      ["fixed_ip", "Fixed IP Address"]], ""),
    subnet: h("select", { id: "id_port_subnet" }, h("option", { value: "" }, "Select a subnet"),
      subnets.map((s) => h("option", { value: s.id }, (s.name ? s.name + " " : "") + s.cidr))),
    fixedIp: h("input", { id: "id_fixed_ip" }),
    mac: h("input", { id: "id_mac_address", placeholder: "fa:16:3e:00:00:01" }),
    vnic: select("id_vnic_type", VNIC_TYPES, "normal"),
    host: h("input", { id: "id_binding_host" }),
  };
  const w = {
    name: field("Name", f.name),
    deviceId: field("Device ID", f.deviceId, "The device (e.g. an instance) attached to the port."),
    deviceOwner: field("Device Owner", f.deviceOwner, "The owner of that device, e.g. compute:nova."),
    specify: field("Specify IP address or subnet", f.specify,
      "Unspecified: an address from any subnet of the network."),
    subnet: field("Subnet", f.subnet, null, true),
    fixedIp: field("Fixed IP Address", f.fixedIp, null, true),
    mac: field("MAC Address", f.mac, "Empty: one is generated."),
    vnic: field("VNIC Type", f.vnic),
    host: field("Binding: Host", f.host, "The node the port is bound to."),
  };
  const showAddress = () => {
    w.subnet.hidden = f.specify.value !== "subnet_id";
    w.fixedIp.hidden = f.specify.value !== "fixed_ip";
  };
  f.specify.addEventListener("change", showAddress);
  showAddress();
  const formErr = h("p", { class: "form-error", role: "alert", hidden: true });
  const validate = () => {
    Object.values(w).forEach((x) => x.error(null));
    let ok = true;
    const bad = (x, msg) => { x.error(msg); ok = false; };
    if (f.specify.value === "subnet_id" && !f.subnet.value) bad(w.subnet, "This field is required.");
    if (f.specify.value === "fixed_ip") {
      const ip = f.fixedIp.value.trim();
      if (!ip) bad(w.fixedIp, "This field is required.");
      else if (fixedIpError(ip, subnets)) bad(w.fixedIp, fixedIpError(ip, subnets));
    }
    if (f.mac.value.trim() && !MAC.test(f.mac.value.trim())) {
      bad(w.mac, "Invalid MAC address format: " + f.mac.value.trim());
    }
    return ok;
  };
  const submit = async (close) => {
    if (!validate()) return;
    const body = { network_id: net.id, name: f.name.value, admin_state_up: f.adminState.checked };
    if (f.deviceId.value.trim()) body.device_id = f.deviceId.value.trim();
    if (f.deviceOwner.value.trim()) body.device_owner = f.deviceOwner.value.trim();
    if (f.specify.value === "subnet_id") body.fixed_ips = [{ subnet_id: f.subnet.value }];
    if (f.specify.value === "fixed_ip") body.fixed_ips = [{ ip_address: f.fixedIp.value.trim() }];
    if (f.mac.value.trim()) body.mac_address = f.mac.value.trim().toLowerCase();
    if (binding) body["binding:vnic_type"] = f.vnic.value;
    if (admin && f.host.value.trim()) body["binding:host_id"] = f.host.value.trim();
    if (session.isAdmin && net.project_id !== session.projectId) body.tenant_id = net.project_id;
    if (portSecurity) body.port_security_enabled = f.portSecurity.checked;
    if (portSecurity && !f.portSecurity.checked) body.security_groups = [];
    else if (chooser) body.security_groups = chooser.chosen();
    try {
      const port = (await api("POST", "/v2.0/ports", { port: body })).data.port;
      close();
      toast("success", "Created port \"" + shortName(port) + "\".");
      render();
    } catch (e) {
      formErr.textContent = e.message;
      formErr.hidden = false;
      toast("error", "Failed to create port \"" + (body.name || "") + "\".", e.message);
    }
  };
  const info = h("div", { role: "tabpanel", "aria-label": "Info" },
    h("p", { class: "help" }, "Create a port on network " + shortName(net) +
      ". If a device ID is given, that device is attached to the new port."),
    w.name, checkbox(f.adminState, "Enable Admin State"), w.deviceId, w.deviceOwner,
    subnets.length ? [w.specify, w.subnet, w.fixedIp] : null, w.mac,
    portSecurity ? [checkbox(f.portSecurity, "Port Security"), portSecurityHelp()] : null,
    binding ? w.vnic : null, admin ? w.host : null);
  const [bar, panes] = portSteps(info, chooser, portSecurity ? f.portSecurity : null);
  modal("Create Port", h("div", { class: "wizard" }, bar, formErr, panes),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: () => submit(close) }, "Create")]);
}

// Edit Port (docs/behaviour/dashboard.md §7).  neutrino's addition (§14.7): the fixed IPs
// can be changed here too, one address per line; a line may also name a subnet's CIDR: the
// port keeps its address there, or gets a free one (Neutron's rule).  Only what changed is
// sent.
// With the extensions, Horizon's two more things: "Port Security" in "Info", and a
// "Security Groups" step choosing the port's groups; turning port security off hides that
// step and clears the groups (Neutron refuses groups on a port without port security).
async function editPort(port, net, admin) {
  const subnets = (await api("GET", "/v2.0/subnets?network_id=" + port.network_id)).data.subnets;
  const binding = await hasExtension("binding");
  const portSecurity = port.port_security_enabled !== undefined && await hasExtension("port-security");
  const chooser = port.security_groups === undefined ? null
    : await securityGroupStep(port.project_id, port.security_groups);
  const f = {
    name: h("input", { id: "id_edit_port_name", maxlength: 255, value: port.name }),
    adminState: h("input", { id: "id_edit_port_admin_state", type: "checkbox",
      checked: port.admin_state_up }),
    vnic: select("id_edit_vnic_type", VNIC_TYPES, port["binding:vnic_type"] || "normal"),
    fixedIps: h("textarea", { id: "id_edit_fixed_ips", rows: 3 }),
    deviceId: h("input", { id: "id_edit_device_id", maxlength: 100, value: port.device_id }),
    deviceOwner: h("input", { id: "id_edit_device_owner", maxlength: 100, value: port.device_owner }),
    host: h("input", { id: "id_edit_binding_host", value: port["binding:host_id"] || "" }),
    mac: h("input", { id: "id_edit_mac_address", value: port.mac_address }),
    portSecurity: h("input", { id: "id_edit_port_security", type: "checkbox",
      checked: port.port_security_enabled }),
  };
  f.fixedIps.value = (port.fixed_ips || []).map((x) => x.ip_address).join("\n");
  const w = {
    name: field("Name", f.name),
    vnic: field("Binding: VNIC Type", f.vnic),
    fixedIps: field("Fixed IPs", f.fixedIps, "One per line: an address, or a subnet's CIDR for an address of it (the port's own there, if it has one). Subnets: " + subnets.map((s) => s.cidr).join(", ")),
    deviceId: field("Device ID", f.deviceId),
    deviceOwner: field("Device Owner", f.deviceOwner),
    host: field("Binding: Host", f.host),
    mac: field("MAC Address", f.mac),
  };
  const formErr = h("p", { class: "form-error", role: "alert", hidden: true });
  const wantedIps = () => lines(f.fixedIps.value).map((l) => {
    const s = subnets.find((x) => x.cidr === l);
    return s ? { subnet_id: s.id } : { ip_address: l };
  });
  const validate = () => {
    Object.values(w).forEach((x) => x.error(null));
    let ok = true;
    for (const want of wantedIps()) {
      const e = want.ip_address && fixedIpError(want.ip_address, subnets);
      if (e) { w.fixedIps.error(e); ok = false; break; }
    }
    if (admin && !MAC.test(f.mac.value.trim())) {
      w.mac.error("Invalid MAC address format: " + f.mac.value.trim());
      ok = false;
    }
    return ok;
  };
  const changes = () => {
    const body = {};
    if (f.name.value !== port.name) body.name = f.name.value;
    if (f.adminState.checked !== port.admin_state_up) body.admin_state_up = f.adminState.checked;
    if (binding && f.vnic.value !== (port["binding:vnic_type"] || "normal")) {
      body["binding:vnic_type"] = f.vnic.value;
    }
    const before = (port.fixed_ips || []).map((x) => x.ip_address).join("\n");
    if (lines(f.fixedIps.value).join("\n") !== before) body.fixed_ips = wantedIps();
    if (admin) {
      if (f.deviceId.value.trim() !== port.device_id) body.device_id = f.deviceId.value.trim();
      if (f.deviceOwner.value.trim() !== port.device_owner) body.device_owner = f.deviceOwner.value.trim();
      if (f.host.value.trim() !== (port["binding:host_id"] || "")) body["binding:host_id"] = f.host.value.trim();
      if (f.mac.value.trim().toLowerCase() !== port.mac_address) body.mac_address = f.mac.value.trim().toLowerCase();
    }
    const secured = portSecurity ? f.portSecurity.checked : port.port_security_enabled !== false;
    if (portSecurity && secured !== port.port_security_enabled) body.port_security_enabled = secured;
    const groups = !secured ? [] : chooser ? chooser.chosen() : port.security_groups;
    if (groups && (groups.length !== port.security_groups.length ||
        groups.some((id) => !port.security_groups.includes(id)))) {
      body.security_groups = groups;
    }
    return body;
  };
  const submit = async (close) => {
    if (!validate()) return;
    const body = changes();
    try {
      if (Object.keys(body).length) await api("PUT", "/v2.0/ports/" + port.id, { port: body });
      close();
      toast("success", "Updated port \"" + (f.name.value || shortName(port)) + "\".");
      render();
    } catch (e) {
      formErr.textContent = e.message;
      formErr.hidden = false;
      toast("error", "Failed to update port \"" + shortName(port) + "\".", e.message);
    }
  };
  const info = h("div", { role: "tabpanel", "aria-label": "Info" }, w.name,
    checkbox(f.adminState, "Enable Admin State"), binding ? w.vnic : null, w.fixedIps,
    admin ? [w.deviceId, w.deviceOwner, w.host, w.mac] : null,
    portSecurity ? [checkbox(f.portSecurity, "Port Security"), portSecurityHelp()] : null);
  const [bar, panes] = portSteps(info, chooser, portSecurity ? f.portSecurity : null);
  modal("Edit Port", h("div", { class: "wizard" }, bar, formErr, panes),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: () => submit(close) }, "Update")]);
}

const spaced = (s) => (s ? s.replace(/_/g, " ") : "-");
const VNIC_LABEL = Object.fromEntries(VNIC_TYPES);

// Binding (admins only, by policy): and where the port lives in Linux, the names the
// tutorial looks for with `brctl show` on the node (docs/behaviour/dashboard.md §15,
// "Dataplane view").
function bindingSection(port) {
  if (port["binding:host_id"] === undefined) {
    return [["VNIC Type", VNIC_LABEL[port["binding:vnic_type"]] || dash(port["binding:vnic_type"])]];
  }
  const details = Object.entries(port["binding:vif_details"] || {});
  const profile = Object.entries(port["binding:profile"] || {});
  const pairs = [["VNIC Type", VNIC_LABEL[port["binding:vnic_type"]] || dash(port["binding:vnic_type"])]];
  if (port["binding:host_id"]) {
    pairs.push(["Host", port["binding:host_id"]],
      ["Profile", profile.length ? JSON.stringify(port["binding:profile"]) : "None"],
      ["VIF Type", spaced(port["binding:vif_type"])],
      ["VIF Details", details.length ? h("ul", { class: "plain" }, details.map(([k, v]) =>
        h("li", {}, k + ": " + JSON.stringify(v)))) : "None"]);
  }
  if (port["binding:vif_type"] === "bridge") {
    pairs.push(["Linux devices", "tap" + port.id.slice(0, 11) + " in bridge brq" +
      port.network_id.slice(0, 11) + " on " + port["binding:host_id"]]);
  }
  return pairs;
}

async function portDetail(main, id, admin) {
  const port = await fetchDetail(main, "port", id);
  if (!port) return;
  const area = admin ? "admin/networks/" : "project/networks/";
  const net = await networkOf(port);
  const back = () => navigate(area + net.id + "/detail?tab=network_tabs__ports_tab");
  const section = (title, pairs) => h("section", { "aria-label": title }, h("h2", {}, title),
    pairs.length ? definitionList(pairs) : h("p", { class: "empty" }, "None"));
  main.replaceChildren(
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, link(area, "Networks"), " › ",
      link(area + net.id + "/detail", net.name || net.id), " › ",
      link(area + net.id + "/detail?tab=network_tabs__ports_tab", "Ports")),
    h("div", { class: "title-row" }, h("h1", {}, port.name || port.id),
      h("div", { class: "table-actions" }, portActions(port, net, admin, back).map((a) =>
        h("button", { type: "button", class: a.danger ? "danger" : null, onclick: a.run },
          a.label)))),
    definitionList([["Name", port.name || "-"], ["ID", port.id],
      ["Network Name", net.name || "-"],
      ["Network ID", link(area + port.network_id + "/detail", port.network_id)],
      ["Project ID", port.project_id], ["MAC Address", port.mac_address],
      ["Status", status(port.status)], ["Admin State", upDown(port.admin_state_up)],
      port.port_security_enabled !== undefined
        ? ["Port Security Enabled", port.port_security_enabled ? "True" : "False"] : null]),
    h("h2", {}, "Fixed IPs"), (port.fixed_ips || []).length
      ? h("dl", { class: "overview fixed-ips" }, port.fixed_ips.map((f) => [
        h("dt", {}, "IP Address"), h("dd", {}, f.ip_address),
        h("dt", {}, "Subnet ID"), h("dd", {}, link(area + "subnets/" + f.subnet_id + "/detail",
          f.subnet_id))]))
      : h("p", { class: "empty" }, "None"),
    h("h2", {}, "Attached Device"), port.device_owner || port.device_id
      ? definitionList([["Device Owner", dash(port.device_owner)], ["Device ID", dash(port.device_id)]])
      : h("p", { class: "empty" }, "No attached device"),
    port.security_groups !== undefined ? await portGroupsSection(port) : null,
    section("Binding", bindingSection(port)));
}
route("project/networks/ports/([^/]+)/detail", (main, id) => portDetail(main, id, false));
route("admin/networks/ports/([^/]+)/detail", (main, id) => portDetail(main, id, true), { admin: true });

export { portsTab };
