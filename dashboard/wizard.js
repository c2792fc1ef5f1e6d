// The "Create Network" wizard (docs/behaviour/dashboard.md §4, §11.2), and its two subnet
// steps on their own: "Create Subnet" on an existing network and "Edit Subnet" (§6).
import { KS, session, h, shortName, toast, api, render, hasExtension } from "./core.js";
import { modal, field } from "./widgets.js";
import { ipVersion, checkCidr, lines, parseIp, inCidr, cidrRange, subnetDefaults }
  from "./validate.js";

// existing: the network a subnet is created on; editing: the subnet being edited.
async function createNetwork(admin, existing, editing) {
  const f = {
    name: h("input", { id: "id_net_name", maxlength: 255 }),
    adminState: h("input", { id: "id_admin_state", type: "checkbox", checked: true }),
    shared: h("input", { id: "id_shared", type: "checkbox" }),
    external: h("input", { id: "id_external", type: "checkbox" }),
    withSubnet: h("input", { id: "id_with_subnet", type: "checkbox", checked: true }),
    mtu: h("input", { id: "id_mtu", type: "number", min: 68 }),
    project: h("select", { id: "id_project_select" }),
    type: h("select", { id: "id_network_type" },
      ["local", "flat", "vlan", "vxlan", "gre"].map((t) => h("option", { value: t }, t))),
    physnet: h("input", { id: "id_physical_network" }),
    segment: h("input", { id: "id_segmentation_id", type: "number", min: 1 }),
    subnetName: h("input", { id: "id_subnet_name", maxlength: 255 }),
    cidr: h("input", { id: "id_cidr", placeholder: "e.g. 192.168.0.0/24" }),
    version: h("select", { id: "id_ip_version" }, h("option", { value: "4" }, "IPv4"),
      h("option", { value: "6" }, "IPv6")),
    gateway: h("input", { id: "id_gateway_ip" }),
    noGateway: h("input", { id: "id_no_gateway", type: "checkbox" }),
    dhcp: h("input", { id: "id_enable_dhcp", type: "checkbox", checked: true }),
    pools: h("textarea", { id: "id_allocation_pools", rows: 4 }),
    dns: h("textarea", { id: "id_dns_nameservers", rows: 3 }),
    routes: h("textarea", { id: "id_host_routes", rows: 3 }),
    source: h("select", { id: "id_address_source" },
      h("option", { value: "manual" }, "Enter Network Address manually"),
      h("option", { value: "subnetpool" }, "Allocate Network Address from a pool")),
    pool: h("select", { id: "id_subnetpool" }),
    prefixlen: h("select", { id: "id_prefixlen" }),
  };
  const pools = editing ? [] : await subnetPools();
  if (admin) {
    try {
      const { data } = await api("GET", KS + "/projects");
      f.project.replaceChildren(...data.projects.map((p) =>
        h("option", { value: p.id, selected: p.name === session.project }, p.name)));
    } catch (e) { f.project.append(h("option", { value: session.projectId }, session.project)); }
  }
  const w = {
    name: field("Network Name", f.name),
    project: field("Project", f.project, null, true),
    type: field("Provider Network Type", f.type, "The physical mechanism of the network.", true),
    physnet: field("Physical Network", f.physnet, "The physical network (flat, vlan).", true),
    segment: field("Segmentation ID", f.segment, "VLAN ID or VNI (empty: allocated)."),
    mtu: field("MTU", f.mtu, "Optional; at least 68 (IPv4) or 1280 (IPv6)."),
    subnetName: field("Subnet Name", f.subnetName),
    cidr: field("Network Address", f.cidr, "In CIDR form, e.g. 192.168.0.0/24 or 2001:DB8::/48.", true),
    version: field("IP Version", f.version),
    gateway: field("Gateway IP", f.gateway, "Empty: the network's first address (192.168.0.1 for 192.168.0.0/24). Tick \"Disable Gateway\" for none."),
    pools: field("Allocation Pools", f.pools, "One pool per line: start,end. Empty: the whole range but the gateway."),
    dns: field("DNS Name Servers", f.dns, "One IP address per line."),
    routes: field("Host Routes", f.routes, "One route per line: destination_cidr,nexthop."),
    source: field("Network Address Source", f.source),
    pool: field("Address pool", f.pool, null, true),
    prefixlen: field("Network Mask", f.prefixlen),
  };
  // A subnet from a pool (docs/behaviour/dashboard.md §4.6): offered only when the server
  // has subnet allocation and the project sees a pool, as Horizon.
  f.pool.replaceChildren(h("option", { value: "" }, "Select a pool"), ...pools.map((p) =>
    h("option", { value: p.id }, p.name + " (" + (p.prefixes || []).join(", ") + ")")));
  const fromPool = () => pools.length > 0 && f.source.value === "subnetpool";
  const chosenPool = () => pools.find((p) => p.id === f.pool.value);
  const showSource = () => {
    w.cidr.hidden = w.gateway.hidden = fromPool();
    if (!fromPool()) w.gateway.hidden = f.noGateway.checked;
    w.pool.hidden = !fromPool();
    w.prefixlen.hidden = !fromPool() || !chosenPool();
  };
  // The masks a pool can cut, its default chosen; the IP version follows the pool's.
  const choosePool = () => {
    const p = chosenPool();
    if (p) {
      const version = Number(p.ip_version) || 4;
      const min = Number(p.min_prefixlen) || 1;
      const max = Number(p.max_prefixlen) || (version === 4 ? 32 : 128);
      const def = p.default_prefixlen === undefined ? -1 : Number(p.default_prefixlen);
      f.version.value = String(version);
      const masks = [];
      for (let i = min; i <= max; i++) {
        masks.push(h("option", { value: String(i), selected: i === def },
          i === def ? i + " (pool default)" : String(i)));
      }
      f.prefixlen.replaceChildren(...masks);
    }
    showSource();
  };
  f.source.addEventListener("change", showSource);
  f.pool.addEventListener("change", choosePool);
  const check = (input, label) => h("div", { class: "field check" }, input,
    h("label", { for: input.id }, label));
  const showProvider = () => {
    const t = f.type.value;
    w.physnet.hidden = !(t === "flat" || t === "vlan");
    w.segment.hidden = !(t === "vlan" || t === "vxlan" || t === "gre");
  };
  if (editing) prefillSubnet(f, w, editing);
  f.type.addEventListener("change", showProvider);
  f.noGateway.addEventListener("change", () => { w.gateway.hidden = f.noGateway.checked || fromPool(); });
  const steps = [
    { id: "network", title: "Network", body: h("div", {},
      h("p", { class: "help" }, "Create a new network. A subnet can be created in the next steps."),
      w.name, admin ? w.project : null, admin ? w.type : null, admin ? w.physnet : null,
      admin ? w.segment : null, check(f.adminState, "Enable Admin State"),
      session.isAdmin ? check(f.shared, "Shared") : null,
      admin ? check(f.external, "External Network") : null,
      check(f.withSubnet, "Create Subnet"), w.mtu) },
    { id: "subnet", title: "Subnet", body: h("div", {},
      h("p", { class: "help" }, "Create a subnet associated with the network. If \"Gateway IP\" is empty, the first address of the network is the gateway."),
      w.subnetName, pools.length ? [w.source, w.pool, w.prefixlen] : null, w.cidr, w.version,
      w.gateway, check(f.noGateway, "Disable Gateway")) },
    { id: "details", title: "Subnet Details", body: h("div", {},
      h("p", { class: "help" }, "Specify additional attributes for the subnet."),
      check(f.dhcp, "Enable DHCP"), w.pools, w.dns, w.routes) },
  ];
  if (admin) showProvider();
  showSource();
  let step = 0;
  const tabs = h("ol", { class: "steps", role: "tablist" });
  const pane = h("div", { class: "step" });
  const formErr = h("p", { class: "form-error", role: "alert", hidden: true });
  const back = h("button", { type: "button", onclick: () => go(step - 1) }, "« Back");
  const next = h("button", { type: "button", class: "primary", onclick: () => {
    if (validate(active()[step])) go(step + 1);
  } }, "Next »");
  const create = h("button", { type: "button", class: "primary", onclick: () => submit() },
    editing ? "Save" : "Create");
  const active = () => (existing ? steps.slice(1) : f.withSubnet.checked ? steps
    : steps.slice(0, 1));
  function go(i) {
    step = Math.max(0, Math.min(i, active().length - 1));
    tabs.replaceChildren(...active().map((s, k) => h("li", { role: "tab",
      "aria-selected": k === step ? "true" : "false", class: s.bad ? "bad" : null },
      h("button", { type: "button", class: "link", onclick: () => go(k) }, s.title))));
    pane.replaceChildren(active()[step].body);
    back.hidden = step === 0;
    next.hidden = step === active().length - 1;
    create.hidden = !next.hidden;
  }
  f.withSubnet.addEventListener("change", () => go(step));
  const cidrOk = () => !checkCidr(f.cidr.value.trim(), Number(f.version.value));
  // The gateway the subnet will have: the one typed, none, or Neutron's default.
  const chosenGateway = () => {
    if (f.noGateway.checked || !cidrOk()) return null;
    return f.gateway.value.trim() || subnetDefaults(f.cidr.value.trim()).gateway;
  };
  // What a blank field will become, shown as the user types (docs/behaviour/dashboard.md
  // §15).
  const hint = h("p", { class: "help computed", "aria-live": "polite" });
  const showDefaults = () => {
    const cidr = f.cidr.value.trim();
    if (!cidr || !cidrOk()) { hint.textContent = ""; return; }
    const gw = chosenGateway();
    const d = subnetDefaults(cidr, gw && parseIp(gw) ? parseIp(gw).n : null);
    hint.textContent = (gw ? "Gateway will be " + gw : "No gateway") + "; " +
      (lines(f.pools.value).length ? "pools as given."
        : "pool " + d.start + " – " + d.end + " (" + d.size + " addresses).");
  };
  for (const input of [f.cidr, f.gateway, f.noGateway, f.pools, f.version]) {
    input.addEventListener("input", showDefaults);
    input.addEventListener("change", showDefaults);
  }
  w.cidr.append(hint);
  // A wrong address is said when the user leaves the field, not at every key; a fixed
  // one clears at once (so nothing moves under the pointer on the way to "Next »").
  const cidrError = () => {
    const cidr = f.cidr.value.trim();
    return cidr ? checkCidr(cidr, Number(f.version.value)) : null;
  };
  f.cidr.addEventListener("change", () => w.cidr.error(cidrError()));
  f.cidr.addEventListener("input", () => { if (!cidrError()) w.cidr.error(null); });
  function validate(st) {
    Object.values(w).forEach((x) => x.error(null));
    let ok = true;
    const bad = (x, msg) => { x.error(msg); ok = false; };
    if (st.id === "network") {
      if (f.mtu.value && Number(f.mtu.value) < 68) bad(w.mtu, "Ensure this value is greater than or equal to 68.");
      if (admin && !w.physnet.hidden && !f.physnet.value.trim()) bad(w.physnet, "This field is required.");
    }
    if (st.id === "subnet" && f.withSubnet.checked) {
      const v = Number(f.version.value);
      if (fromPool()) {
        if (!chosenPool()) {
          bad(w.pool, "Specify \"Address pool\" or select \"Enter Network Address manually\" and specify \"Network Address\".");
        }
      } else if (!f.cidr.value.trim()) {
        bad(w.cidr, "Specify \"Network Address\" or clear the \"Create Subnet\" checkbox in the previous step.");
      } else {
        const e = checkCidr(f.cidr.value.trim(), v);
        if (e) bad(w.cidr, e);
      }
      const gw = fromPool() ? "" : f.gateway.value.trim();
      if (editing && !gw && !f.noGateway.checked) {
        bad(w.gateway, "Specify a gateway address, or tick \"Disable Gateway\".");
      }
      if (gw && !f.noGateway.checked && ipVersion(gw) !== v) {
        bad(w.gateway, ipVersion(gw) ? "The gateway IP and the IP version do not agree." : "Incorrect format for IP address.");
      } else if (gw && !f.noGateway.checked && cidrOk()) {
        const gateway = gatewayProblem(gw, f.cidr.value.trim());
        if (gateway) bad(w.gateway, gateway);
      }
    }
    if (st.id === "details" && f.withSubnet.checked) {
      for (const l of lines(f.pools.value)) {
        const p = l.split(",").map((x) => x.trim());
        if (p.length !== 2) { bad(w.pools, "Start and end addresses must be specified (value=" + l + ")"); break; }
        if (!ipVersion(p[0]) || !ipVersion(p[1])) { bad(w.pools, "allocation_pools: Invalid IP address (value=" + l + ")"); break; }
        if (parseIp(p[0]).n > parseIp(p[1]).n) { bad(w.pools, "Start address is larger than end address (value=" + l + ")"); break; }
        const cidr = f.cidr.value.trim();
        if (cidrOk() && !(inCidr(p[0], cidr) && inCidr(p[1], cidr))) {
          bad(w.pools, "The pool " + l + " is not inside the subnet " + cidr + ".");
          break;
        }
        const gw = chosenGateway();
        if (gw && parseIp(gw) && parseIp(p[0]).n <= parseIp(gw).n && parseIp(gw).n <= parseIp(p[1]).n) {
          bad(w.pools, "The gateway " + gw + " is inside the pool " + l + ".");
          break;
        }
      }
      for (const l of lines(f.dns.value)) {
        if (!ipVersion(l)) { bad(w.dns, "dns_nameservers: Invalid IP address (value=" + l + ")"); break; }
      }
      for (const l of lines(f.routes.value)) {
        const p = l.split(",").map((x) => x.trim());
        if (p.length !== 2) { bad(w.routes, "Host Routes format error: Destination CIDR and nexthop must be specified (value=" + l + ")"); break; }
        if (checkCidr(p[0], ipVersion(p[0].split("/")[0]) || 4) || !ipVersion(p[1])) { bad(w.routes, "host_routes: Invalid IP address (value=" + l + ")"); break; }
      }
    }
    st.bad = !ok;
    return ok;
  }
  function subnetBody(netObj) {
    const b = { network_id: netObj.id, name: f.subnetName.value, cidr: f.cidr.value.trim(),
      ip_version: Number(f.version.value), tenant_id: netObj.project_id,
      enable_dhcp: f.dhcp.checked };
    if (fromPool()) {
      // The pool cuts the network address: Neutron picks it, of the mask chosen.
      delete b.cidr;
      b.subnetpool_id = f.pool.value;
      if (f.prefixlen.value) b.prefixlen = Number(f.prefixlen.value);
    }
    if (f.noGateway.checked) b.gateway_ip = null;
    else if (fromPool()) { /* the pool's subnet gets Neutron's default gateway */ }
    else if (f.gateway.value.trim()) b.gateway_ip = f.gateway.value.trim();
    const pools = pairs(f.pools.value, "start", "end");
    if (pools.length) b.allocation_pools = pools;
    const dns = lines(f.dns.value);
    if (dns.length) b.dns_nameservers = dns;
    const routes = pairs(f.routes.value, "destination", "nexthop");
    if (routes.length) b.host_routes = routes;
    return b;
  }
  async function submitSubnet(netObj) {
    const b = subnetBody(netObj);
    if (!admin && !session.isAdmin) delete b.tenant_id;   // a member's subnet is its own
    try {
      await api("POST", "/v2.0/subnets", { subnet: b });
    } catch (e) {
      const what = b.cidr || b.name;
      formErr.textContent = "Failed to create subnet \"" + what + "\": " + e.message;
      formErr.hidden = false;
      toast("error", "Failed to create subnet \"" + what + "\" for network \"" + shortName(netObj) + "\".", e.message);
      return;
    }
    closeModal();
    toast("success", "Created subnet \"" + (b.name || b.cidr || b.subnetpool_id) + "\".");
    render();
  }
  async function submit() {
    for (let i = 0; i < active().length; i++) {
      if (!validate(active()[i])) { go(i); return; }
    }
    if (editing) return submitEdit();
    if (existing) return submitSubnet(existing);
    const net = { name: f.name.value, admin_state_up: f.adminState.checked };
    if (session.isAdmin) net.shared = f.shared.checked;
    if (f.mtu.value) net.mtu = Number(f.mtu.value);
    if (admin) {
      net.tenant_id = f.project.value;
      net["provider:network_type"] = f.type.value;
      if (!w.physnet.hidden) net["provider:physical_network"] = f.physnet.value.trim();
      if (!w.segment.hidden && f.segment.value) net["provider:segmentation_id"] = Number(f.segment.value);
      net["router:external"] = f.external.checked;
    }
    let created;
    try {
      created = (await api("POST", "/v2.0/networks", { network: net })).data.network;
    } catch (e) {
      closeModal();
      toast("error", "Failed to create network \"" + net.name + "\".", e.message);
      return render();
    }
    if (f.withSubnet.checked) {
      try {
        await api("POST", "/v2.0/subnets", { subnet: subnetBody(created) });
      } catch (e) {
        // No empty network is left behind (docs/behaviour/dashboard.md §4.5).
        const cidr = fromPool() ? f.subnetName.value : f.cidr.value.trim();
        formErr.textContent = "Failed to create subnet \"" + cidr + "\" for network \"" + net.name + "\": " + e.message;
        formErr.hidden = false;
        try {
          await api("DELETE", "/v2.0/networks/" + created.id);
          toast("info", "Network \"" + shortName(created) + "\" was removed because its subnet could not be created.");
        } catch (e2) {
          toast("error", "Failed to delete network \"" + shortName(created) + "\".", e2.message);
        }
        toast("error", "Failed to create subnet \"" + cidr + "\" for network \"" + shortName(created) + "\".", e.message);
        return;
      }
    }
    closeModal();
    toast("success", "Created network \"" + shortName(created) + "\".");
    render();
  }
  // Edit Subnet (docs/behaviour/dashboard.md §6): the gateway is sent only when it changed
  // (Neutron refuses to move a gateway in use); routes and DNS always, so they can be
  // cleared; and the revision read is the one edited: a concurrent change fails with 412,
  // not silently.
  async function submitEdit() {
    const b = { name: f.subnetName.value, enable_dhcp: f.dhcp.checked,
      host_routes: pairs(f.routes.value, "destination", "nexthop"),
      dns_nameservers: lines(f.dns.value) };
    const gateway = f.noGateway.checked ? null : f.gateway.value.trim();
    if (gateway !== editing.gateway_ip) b.gateway_ip = gateway;
    const pools = pairs(f.pools.value, "start", "end");
    if (pools.length) b.allocation_pools = pools;
    try {
      await api("PUT", "/v2.0/subnets/" + editing.id, { subnet: b },
        { "If-Match": "revision_number=" + editing.revision_number });
    } catch (e) {
      const why = e.status === 412
        ? "The subnet was changed by someone else meanwhile: close this form and try again."
        : e.message;
      formErr.textContent = "Failed to update subnet \"" + editing.cidr + "\": " + why;
      formErr.hidden = false;
      toast("error", "Failed to update subnet \"" + editing.cidr + "\".", why);
      return;
    }
    closeModal();
    toast("success", "Updated subnet \"" + (b.name || editing.cidr) + "\".");
    render();
  }
  const closeModal = modal(editing ? "Edit Subnet" : existing ? "Create Subnet" : "Create Network",
    h("div", { class: "wizard" }, tabs, formErr, pane),
    (close) => [h("button", { type: "button", onclick: close }, "Cancel"), back, next, create]);
  go(0);
}

// The subnet pools the project may allocate from, when the server has subnet allocation;
// none if they cannot be read (the wizard then asks for an address, as without pools).
async function subnetPools() {
  if (!(await hasExtension("subnet_allocation"))) return [];
  try {
    return (await api("GET", "/v2.0/subnetpools")).data.subnetpools;
  } catch (e) {
    if (e.status === 401) throw e;
    toast("error", "Unable to initialize subnetpools", e.message);
    return [];
  }
}

export { createNetwork };

// "a,b" lines of a text area as objects, e.g. pools {start, end}.
function pairs(text, first, second) {
  return lines(text).map((l) => {
    const [a, b] = l.split(",").map((x) => x.trim());
    return { [first]: a, [second]: b };
  });
}

// Edit Subnet's form starts from the subnet: the address is shown but not editable, the IP
// version is fixed, and lists become one entry per line (docs/behaviour/dashboard.md §6).
function prefillSubnet(f, w, s) {
  f.subnetName.value = s.name || "";
  f.cidr.value = s.cidr;
  f.cidr.readOnly = true;
  f.version.value = String(s.ip_version);
  w.version.hidden = true;
  f.gateway.value = s.gateway_ip || "";
  f.noGateway.checked = !s.gateway_ip;
  w.gateway.hidden = !s.gateway_ip;
  f.dhcp.checked = s.enable_dhcp;
  f.pools.value = (s.allocation_pools || []).map((p) => p.start + "," + p.end).join("\n");
  f.dns.value = (s.dns_nameservers || []).join("\n");
  f.routes.value = (s.host_routes || []).map((r) => r.destination + "," + r.nexthop).join("\n");
}

// A typed gateway must be an address of the subnet that a host can have.
function gatewayProblem(gw, cidr) {
  if (!inCidr(gw, cidr)) return "The gateway " + gw + " is not inside the subnet " + cidr + ".";
  const r = cidrRange(cidr), n = parseIp(gw).n;
  if (r.v === 4 && r.len < 31 && (n === r.first || n === r.last)) {
    return "The gateway " + gw + " is the subnet's " + (n === r.first ? "network" : "broadcast") +
      " address.";
  }
  return null;
}
