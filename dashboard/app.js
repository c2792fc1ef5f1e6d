// neutrino's dashboard: a static app over the same public API the CLI uses, with the
// user's token (spec/gui.md).  No build step, no framework, nothing fetched from
// elsewhere.  Pages are routed in the browser under /dashboard/ with Horizon's paths.
"use strict";

const ROOT = "/dashboard/";
const KS = "/identity/v3";
const session = JSON.parse(sessionStorage.getItem("neutrino") || "null") || {};

// --- DOM helpers -------------------------------------------------------------------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const $ = (sel, root = document) => root.querySelector(sel);

function link(path, text) {
  return h("a", { href: ROOT + path, "data-link": true }, text);
}

// --- values as Horizon shows them (gui.md §2) ----------------------------------------
const shortName = (o) => o.name || "(" + o.id.slice(0, 13) + ")";
const yesNo = (b) => (b ? "Yes" : "No");
const upDown = (b) => (b ? "UP" : "DOWN");
const STATUS = { ACTIVE: "Active", BUILD: "Build", DOWN: "Down", ERROR: "Error" };
const status = (s) => STATUS[s] || s || "-";
const dash = (v) => (v === null || v === undefined || v === "" ? "-" : String(v));

// --- messages -----------------------------------------------------------------------
function toast(kind, text, details) {
  const body = h("div", { class: "toast " + kind, role: kind === "error" ? "alert" : "status" },
    h("strong", {}, { success: "Success: ", error: "Error: ", info: "Info: " }[kind]), text);
  if (details) {
    const more = h("div", { class: "details", hidden: true }, details);
    body.append(" ", h("button", { type: "button", class: "link",
      onclick: () => { more.hidden = !more.hidden; } }, "Details"), more);
  }
  body.append(h("button", { type: "button", class: "close", "aria-label": "Dismiss",
    onclick: () => body.remove() }, "×"));
  $("#toasts").append(body);
  setTimeout(() => body.remove(), kind === "error" ? 20000 : 6000);
}

// --- the API ------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (session.token) headers["X-Auth-Token"] = session.token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, { method, headers,
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status === 401 && session.token && !path.startsWith(KS + "/auth/tokens")) {
    signOut("Your session has expired: please sign in again.");
    throw new ApiError(401, "Unauthorized", "not signed in");
  }
  const text = await r.text();
  const data = text ? JSON.parse(text) : null;
  if (!r.ok) {
    const e = (data && (data.NeutronError || data.error)) || {};
    throw new ApiError(r.status, e.type || e.title || "HTTP " + r.status,
      e.message || text || r.statusText);
  }
  return { data, response: r };
}

async function signIn(user, password, project) {
  const body = { auth: { identity: { methods: ["password"], password: { user: {
    name: user, domain: { name: "Default" }, password } } } } };
  if (project) body.auth.scope = { project: { name: project, domain: { name: "Default" } } };
  const { data, response } = await api("POST", KS + "/auth/tokens", body);
  const t = data.token;
  session.token = response.headers.get("X-Subject-Token");
  session.user = t.user.name;
  session.userId = t.user.id;
  session.project = t.project ? t.project.name : null;
  session.projectId = t.project ? t.project.id : null;
  session.roles = (t.roles || []).map((r) => r.name);
  session.isAdmin = session.roles.includes("admin");
  session.password = undefined;
  sessionStorage.setItem("neutrino", JSON.stringify(session));
}

async function switchProject(name) {
  // A token for another project, from the current one (Keystone's token method).
  const body = { auth: { identity: { methods: ["token"], token: { id: session.token } },
    scope: { project: { name, domain: { name: "Default" } } } } };
  const { data, response } = await api("POST", KS + "/auth/tokens", body);
  session.token = response.headers.get("X-Subject-Token");
  session.project = data.token.project.name;
  session.projectId = data.token.project.id;
  session.roles = (data.token.roles || []).map((r) => r.name);
  session.isAdmin = session.roles.includes("admin");
  sessionStorage.setItem("neutrino", JSON.stringify(session));
}

function signOut(message) {
  if (session.token) {
    fetch(KS + "/auth/tokens", { method: "DELETE",
      headers: { "X-Auth-Token": session.token, "X-Subject-Token": session.token } });
  }
  for (const k of Object.keys(session)) delete session[k];
  sessionStorage.removeItem("neutrino");
  navigate("auth/login/", message);
}

// --- routing ------------------------------------------------------------------------
const routes = [];
function route(pattern, render, opts = {}) {
  routes.push({ re: new RegExp("^" + pattern + "$"), render, ...opts });
}

function navigate(path, message) {
  history.pushState({}, "", ROOT + path);
  render(message);
}

async function render(message) {
  const rel = location.pathname.startsWith(ROOT) ? location.pathname.slice(ROOT.length) : "";
  const main = $("#main");
  if (!session.token && !rel.startsWith("auth/")) {
    history.replaceState({}, "", ROOT + "auth/login/");
    return render(message);
  }
  chrome();
  for (const r of routes) {
    const m = rel.match(r.re);
    if (!m) continue;
    if (r.admin && !session.isAdmin) break;     // members never see Admin pages
    main.replaceChildren(h("p", { class: "loading" }, "Loading…"));
    try {
      await r.render(main, ...m.slice(1));
    } catch (e) {
      if (e.status !== 401) {
        main.replaceChildren(h("p", { class: "empty" }, "This page could not be loaded."));
        toast("error", "Unable to load the page.", e.message);
      }
    }
    if (message) toast("info", message);
    highlight(rel);
    main.focus({ preventScroll: true });
    return;
  }
  notFound(main);
}

function notFound(main) {
  main.replaceChildren(h("h1", {}, "Not Found"),
    h("p", {}, "The page you asked for does not exist, or you may not see it."),
    h("p", {}, link("project/networks/", "Back to Networks")));
}

function highlight(rel) {
  for (const a of document.querySelectorAll("#side a")) {
    const target = a.getAttribute("href").slice(ROOT.length);
    a.toggleAttribute("aria-current", rel.startsWith(target));
  }
}

async function chrome() {
  const signedIn = Boolean(session.token);
  $("#top").hidden = !signedIn;
  $("#side").hidden = !signedIn;
  $("#admin-menu").hidden = !session.isAdmin;
  if (!signedIn) return;
  $("#user-name").textContent = session.user;
  const sel = $("#project-select");
  if (sel.dataset.for !== session.token) {
    sel.dataset.for = session.token;
    sel.replaceChildren(h("option", { value: session.project }, session.project));
    try {
      const { data } = await api("GET", KS + "/auth/projects");
      sel.replaceChildren(...data.projects.map((p) =>
        h("option", { value: p.name, selected: p.name === session.project }, p.name)));
    } catch (e) { /* the current project stays listed */ }
  }
}

document.addEventListener("click", (ev) => {
  const a = ev.target.closest("a[data-link]");
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
  ev.preventDefault();
  navigate(a.getAttribute("href").slice(ROOT.length));
});
window.addEventListener("popstate", () => render());

// --- tables -------------------------------------------------------------------------
// cols: [{title, cell(row) -> node|string}]; actions: table buttons; selectable rows.
function table({ title, cols, rows, actions = [], rowActions, filter, id }) {
  const checks = [];
  const body = h("tbody");
  const filterBox = filter && h("input", { type: "search", placeholder: "Filter",
    "aria-label": "Filter " + title, oninput: () => draw() });
  const all = h("input", { type: "checkbox", "aria-label": "Select all",
    onchange: () => checks.forEach((c) => { if (!c.row.hidden) c.box.checked = all.checked; }) });
  let page = 0;
  const PAGE = 20;      // Horizon's API_RESULT_PAGE_SIZE
  const prev = h("button", { type: "button", class: "link", onclick: () => { page--; draw(); } },
    "« Prev");
  const nextPage = h("button", { type: "button", class: "link",
    onclick: () => { page++; draw(); } }, "Next »");
  function draw() {
    body.replaceChildren();
    checks.length = 0;
    const q = filterBox ? filterBox.value.trim().toLowerCase() : "";
    const matching = rows.filter((r) => !q || filter(r).toLowerCase().includes(q));
    page = Math.max(0, Math.min(page, Math.ceil(matching.length / PAGE) - 1));
    const shown = matching.slice(page * PAGE, page * PAGE + PAGE);
    prev.hidden = page === 0;
    nextPage.hidden = (page + 1) * PAGE >= matching.length;
    for (const r of shown) {
      const box = h("input", { type: "checkbox", "aria-label": "Select " + shortName(r) });
      const tr = h("tr", {}, h("td", { class: "sel" }, box),
        cols.map((c) => h("td", { "data-title": c.title }, c.cell(r))),
        rowActions ? h("td", { class: "actions" }, rowActions(r)) : null);
      checks.push({ box, row: tr, item: r });
      body.append(tr);
    }
    if (!shown.length) {
      body.append(h("tr", {}, h("td", { colspan: cols.length + 2, class: "empty" },
        "No items to display.")));
    }
    count.textContent = "Displaying " + shown.length + " item" + (shown.length === 1 ? "" : "s");
  }
  const count = h("span");
  const foot = h("caption", { class: "count" }, count, " ", prev, " ", nextPage);
  const selected = () => checks.filter((c) => c.box.checked).map((c) => c.item);
  const bar = h("div", { class: "table-actions" }, filterBox,
    actions.map((a) => h("button", { type: "button", class: a.danger ? "danger" : "primary",
      onclick: () => a.run(selected()) }, a.label)));
  const t = h("table", { class: "data", id }, h("thead", {}, h("tr", {},
    h("th", { class: "sel" }, all), cols.map((c) => h("th", { scope: "col" }, c.title)),
    rowActions ? h("th", { scope: "col" }, "Actions") : null)), body, foot);
  draw();
  return h("section", { class: "table-wrap", "aria-label": title },
    h("div", { class: "table-head" }, h("h2", {}, title), bar), t);
}

// --- modals -------------------------------------------------------------------------
function modal(title, content, buttons) {
  const previous = document.activeElement;
  const close = () => { overlay.remove(); if (previous) previous.focus(); };
  const dialog = h("div", { class: "modal", role: "dialog", "aria-modal": "true",
      "aria-label": title },
    h("header", {}, h("h2", {}, title),
      h("button", { type: "button", class: "close", "aria-label": "Close", onclick: close }, "×")),
    content, h("footer", {}, buttons(close)));
  const overlay = h("div", { class: "overlay",
    onkeydown: (ev) => { if (ev.key === "Escape") close(); } }, dialog);
  $("#modal-root").append(overlay);
  const first = dialog.querySelector("input, select, textarea, button:not(.close)");
  if (first) first.focus();
  return close;
}

function confirmDelete(thing, things, items, run) {
  if (!items.length) {
    toast("info", "Select the " + things.toLowerCase() + " to delete first.");
    return;
  }
  const many = items.length > 1;
  const word = many ? things : thing;
  modal("Confirm Delete " + word,
    h("div", { class: "body" }, h("p", {}, "You have selected: ",
      items.map((i) => '"' + shortName(i) + '"').join(", "), ". Please confirm your selection."),
    h("p", {}, "This action cannot be undone.")),
    (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
      h("button", { type: "button", class: "danger", onclick: async () => {
        close();
        const ok = [];
        for (const i of items) {
          try {
            await run(i);
            ok.push(shortName(i));
          } catch (e) {
            toast("error", e.status === 403 || e.status === 404
              ? "You are not allowed to delete " + thing.toLowerCase() + ": " + shortName(i)
              : "Unable to delete " + thing.toLowerCase() + ": " + shortName(i), e.message);
          }
        }
        if (ok.length) {
          toast("success", "Deleted " + (ok.length > 1 ? things : thing) + ": " + ok.join(", "));
        }
        render();
      } }, "Delete " + word)]);
}

// --- sign in ------------------------------------------------------------------------
route("auth/login/", (main) => {
  const user = h("input", { id: "id_username", name: "username", autocomplete: "username",
    required: true });
  const pass = h("input", { id: "id_password", name: "password", type: "password",
    autocomplete: "current-password", required: true });
  const project = h("input", { id: "id_project", name: "project", value: "demo" });
  const err = h("p", { class: "form-error", role: "alert", hidden: true });
  const form = h("form", { class: "login", onsubmit: async (ev) => {
    ev.preventDefault();
    err.hidden = true;
    try {
      await signIn(user.value.trim(), pass.value, project.value.trim());
      navigate("project/networks/");
    } catch (e) {
      err.textContent = e.status === 401 ? "Invalid credentials." : e.message;
      err.hidden = false;
    }
  } },
  h("h1", {}, "Log in"), err,
  h("label", { for: "id_username" }, "User Name"), user,
  h("label", { for: "id_password" }, "Password"), pass,
  h("label", { for: "id_project" }, "Project"), project,
  h("button", { type: "submit", class: "primary" }, "Sign In"));
  main.replaceChildren(form);
});

$("#logout") && $("#logout").addEventListener("click", () => signOut());
$("#project-select") && $("#project-select").addEventListener("change", async (ev) => {
  try {
    await switchProject(ev.target.value);
    navigate("project/networks/", "Switched to project " + session.project + ".");
  } catch (e) {
    toast("error", "Unable to switch to project " + ev.target.value + ".", e.message);
  }
});


// Row actions: the first as a button, the rest in a menu (gui.md §2).
function rowMenu(actions) {
  const [first, ...rest] = actions;
  const menu = rest.length ? h("details", { class: "menu" }, h("summary", { "aria-label": "More actions" }, "▾"),
    h("ul", { class: "plain" }, rest.map((a) => h("li", {}, h("button", { type: "button",
      class: a.danger ? "link danger" : "link", onclick: (ev) => { ev.target.closest("details").open = false; a.run(); } }, a.label))))) : null;
  return h("div", { class: "row-actions" }, h("button", { type: "button", onclick: first.run }, first.label), menu);
}

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

// --- Create Network wizard (gui.md §4, §11.2) ---------------------------------------
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
function ipVersion(text) {
  if (IPV4.test(text)) return 4;
  if (/^[0-9a-fA-F:]+$/.test(text) && text.includes(":")) return 6;
  return 0;
}
function checkCidr(text, version) {
  const m = text.match(/^([^/]+)\/(\d{1,3})$/);
  if (!m || !ipVersion(m[1])) return "Incorrect format for IP address.";
  const v = ipVersion(m[1]), len = Number(m[2]);
  if (len > (v === 4 ? 32 : 128)) return "Invalid subnet mask.";
  if (v !== version) return "The network address and the IP version do not agree.";
  if (len === (v === 4 ? 32 : 128)) return "The subnet in the Network Address is too small (/" + len + ").";
  return null;
}
function ipToInt(ip) { return ip.split(".").reduce((a, b) => a * 256 + Number(b), 0); }
function lines(text) { return text.split("\n").map((l) => l.trim()).filter(Boolean); }

function field(label, input, help, required) {
  const err = h("p", { class: "field-error", role: "alert", hidden: true });
  const wrap = h("div", { class: "field" },
    h("label", { for: input.id }, label, required ? h("span", { class: "req" }, " *") : null),
    input, help ? h("p", { class: "help" }, help) : null, err);
  wrap.error = (msg) => { err.textContent = msg || ""; err.hidden = !msg;
    input.setAttribute("aria-invalid", msg ? "true" : "false"); };
  return wrap;
}

// The wizard of "Create Network" (gui.md §4, §11.2), and of "Create Subnet" on an
// existing network (its two subnet steps, §6).
async function createNetwork(admin, existing) {
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
  };
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
  };
  const check = (input, label) => h("div", { class: "field check" }, input,
    h("label", { for: input.id }, label));
  const showProvider = () => {
    const t = f.type.value;
    w.physnet.hidden = !(t === "flat" || t === "vlan");
    w.segment.hidden = !(t === "vlan" || t === "vxlan" || t === "gre");
  };
  f.type.addEventListener("change", showProvider);
  f.noGateway.addEventListener("change", () => { w.gateway.hidden = f.noGateway.checked; });
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
      w.subnetName, w.cidr, w.version, w.gateway, check(f.noGateway, "Disable Gateway")) },
    { id: "details", title: "Subnet Details", body: h("div", {},
      h("p", { class: "help" }, "Specify additional attributes for the subnet."),
      check(f.dhcp, "Enable DHCP"), w.pools, w.dns, w.routes) },
  ];
  if (admin) showProvider();
  let step = 0;
  const tabs = h("ol", { class: "steps", role: "tablist" });
  const pane = h("div", { class: "step" });
  const formErr = h("p", { class: "form-error", role: "alert", hidden: true });
  const back = h("button", { type: "button", onclick: () => go(step - 1) }, "« Back");
  const next = h("button", { type: "button", class: "primary", onclick: () => {
    if (validate(active()[step])) go(step + 1);
  } }, "Next »");
  const create = h("button", { type: "button", class: "primary", onclick: () => submit() },
    "Create");
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
      if (!f.cidr.value.trim()) {
        bad(w.cidr, "Specify \"Network Address\" or clear the \"Create Subnet\" checkbox in the previous step.");
      } else {
        const e = checkCidr(f.cidr.value.trim(), v);
        if (e) bad(w.cidr, e);
      }
      const gw = f.gateway.value.trim();
      if (gw && !f.noGateway.checked && ipVersion(gw) !== v) {
        bad(w.gateway, ipVersion(gw) ? "The gateway IP and the IP version do not agree." : "Incorrect format for IP address.");
      }
    }
    if (st.id === "details" && f.withSubnet.checked) {
      for (const l of lines(f.pools.value)) {
        const p = l.split(",").map((x) => x.trim());
        if (p.length !== 2) { bad(w.pools, "Start and end addresses must be specified (value=" + l + ")"); break; }
        if (!ipVersion(p[0]) || !ipVersion(p[1])) { bad(w.pools, "allocation_pools: Invalid IP address (value=" + l + ")"); break; }
        if (ipVersion(p[0]) === 4 && ipToInt(p[0]) > ipToInt(p[1])) { bad(w.pools, "Start address is larger than end address (value=" + l + ")"); break; }
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
    if (f.noGateway.checked) b.gateway_ip = null;
    else if (f.gateway.value.trim()) b.gateway_ip = f.gateway.value.trim();
    const pools = lines(f.pools.value).map((l) => { const [start, end] = l.split(",").map((x) => x.trim()); return { start, end }; });
    if (pools.length) b.allocation_pools = pools;
    const dns = lines(f.dns.value);
    if (dns.length) b.dns_nameservers = dns;
    const routes = lines(f.routes.value).map((l) => { const [destination, nexthop] = l.split(",").map((x) => x.trim()); return { destination, nexthop }; });
    if (routes.length) b.host_routes = routes;
    return b;
  }
  async function submitSubnet(netObj) {
    const b = subnetBody(netObj);
    if (!admin && !session.isAdmin) delete b.tenant_id;   // a member's subnet is its own
    try {
      await api("POST", "/v2.0/subnets", { subnet: b });
    } catch (e) {
      formErr.textContent = "Failed to create subnet \"" + b.cidr + "\": " + e.message;
      formErr.hidden = false;
      toast("error", "Failed to create subnet \"" + b.cidr + "\" for network \"" + shortName(netObj) + "\".", e.message);
      return;
    }
    closeModal();
    toast("success", "Created subnet \"" + (b.name || b.cidr) + "\".");
    render();
  }
  async function submit() {
    for (let i = 0; i < active().length; i++) {
      if (!validate(active()[i])) { go(i); return; }
    }
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
        // No empty network is left behind (gui.md §4.5).
        const cidr = f.cidr.value.trim();
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
  const closeModal = modal(existing ? "Create Subnet" : "Create Network",
    h("div", { class: "wizard" }, tabs, formErr, pane),
    (close) => [h("button", { type: "button", onclick: close }, "Cancel"), back, next, create]);
  go(0);
}

// --- network detail (gui.md §5) -------------------------------------------------------
async function networkDetail(main, id, admin, tabName) {
  let net;
  try {
    net = (await api("GET", "/v2.0/networks/" + id)).data.network;
  } catch (e) {
    if (e.status === 404) return notFound(main);
    throw e;
  }
  const subnets = (await api("GET", "/v2.0/subnets?network_id=" + id)).data.subnets;
  const ports = (await api("GET", "/v2.0/ports?network_id=" + id)).data.ports;
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
  const subnetTable = table({ title: "Subnets", id: "subnets", rows: subnets,
    filter: (s) => [s.name, s.cidr].join(" "),
    cols: [{ title: "Name", cell: (s) => link(area + "subnets/" + s.id + "/detail", shortName(s)) },
      { title: "Network Address", cell: (s) => s.cidr },
      { title: "IP Version", cell: (s) => "IPv" + s.ip_version }, { title: "Gateway IP", cell: (s) => dash(s.gateway_ip) }],
    actions: [{ label: "+ Create Subnet", run: () => createNetwork(admin, net) },
      { label: "Delete Subnets", danger: true, run: (sel) => confirmDelete("Subnet", "Subnets", sel,
      (s) => api("DELETE", "/v2.0/subnets/" + s.id)) }] });
  const portTable = table({ title: "Ports", id: "ports", rows: ports,
    filter: (p) => [p.name, p.id, p.mac_address, p.device_owner].join(" "),
    cols: [{ title: "Name", cell: (p) => link(area + "ports/" + p.id + "/detail", shortName(p)) },
      { title: "Fixed IPs", cell: (p) => h("ul", { class: "plain" }, (p.fixed_ips || []).map((f) => h("li", {}, f.ip_address))) },
      { title: "MAC Address", cell: (p) => p.mac_address },
      { title: "Attached Device", cell: (p) => p.device_owner || (p.device_id ? "Attached" : "Detached") },
      { title: "Status", cell: (p) => status(p.status) },
      { title: "Admin State", cell: (p) => upDown(p.admin_state_up) }],
    actions: [{ label: "Delete Ports", danger: true, run: (sel) => confirmDelete("Port", "Ports", sel,
      (p) => api("DELETE", "/v2.0/ports/" + p.id)) }] });
  const tabs = [["overview", "Overview", overview], ["subnets_tab", "Subnets", subnetTable],
    ["ports_tab", "Ports", portTable]];
  const current = (new URLSearchParams(location.search).get("tab") || "network_tabs__overview")
    .replace("network_tabs__", "");
  const chosen = tabs.find((t) => t[0] === current) || tabs[0];
  main.replaceChildren(
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" },
      link(admin ? "admin/networks/" : "project/networks/", "Networks"), " › ", net.name || net.id),
    h("div", { class: "title-row" }, h("h1", {}, net.name || net.id),
      h("div", { class: "table-actions" }, networkActions(net, admin).map((a) =>
        h("button", { type: "button", class: a.danger ? "danger" : null, onclick: a.run }, a.label)))),
    h("div", { class: "tabs", role: "tablist" }, tabs.map(([key, title]) =>
      h("a", { href: ROOT + base + "?tab=network_tabs__" + key, "data-link": true, role: "tab",
        "aria-selected": key === chosen[0] ? "true" : "false" }, title))),
    h("div", { class: "tab-body", role: "tabpanel" }, chosen[2]));
}
route("project/networks/([^/]+)/detail", (main, id) => networkDetail(main, id, false));
route("admin/networks/([^/]+)/detail", (main, id) => networkDetail(main, id, true), { admin: true });



// --- subnet and port detail (gui.md §6, §7) -------------------------------------------
function definitionList(pairs) {
  return h("dl", { class: "overview" }, pairs.filter(Boolean).map(([k, v]) =>
    [h("dt", {}, k), h("dd", {}, v)]));
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

// --- Network Topology (gui.md §9): networks, subnets, ports, instances, and per node
// the bridges, taps and uplinks the linux-bridge agents wire — updated live. ----------
const SVGNS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const COLORS = ["#2366a8", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7ea4"];

function uplinkOf(net, agent) {
  const type = net["provider:network_type"];
  const conf = (agent && agent.configurations) || {};
  const phys = net["provider:physical_network"];
  const iface = (conf.interface_mappings || {})[phys];
  if (type === "vxlan") return "vxlan-" + net["provider:segmentation_id"];
  if (type === "flat") return iface || "(" + phys + ")";
  if (type === "vlan") return (iface || phys) + "." + net["provider:segmentation_id"];
  return null;      // local: no uplink
}

async function topologyData() {
  const [nets, subnets, ports] = await Promise.all([
    api("GET", "/v2.0/networks"), api("GET", "/v2.0/subnets"), api("GET", "/v2.0/ports")]);
  let agents = [];
  if (session.isAdmin) agents = (await api("GET", "/v2.0/agents?agent_type=Linux%20bridge%20agent")).data.agents;
  return { nets: nets.data.networks, subnets: subnets.data.subnets, ports: ports.data.ports, agents };
}

function drawTopology(d) {
  const bySubnet = Object.fromEntries(d.subnets.map((s) => [s.id, s]));
  const W = 210, GAP = 40, TOP = 40;
  const width = Math.max(640, d.nets.length * (W + GAP) + GAP);
  const rows = Math.max(1, ...d.nets.map((n) => d.ports.filter((p) => p.network_id === n.id).length));
  const height = TOP + 70 + rows * 58 + 20;
  const pic = svg("svg", { viewBox: "0 0 " + width + " " + height, width, height,
    role: "img", "aria-label": "Networks and their ports" });
  d.nets.forEach((n, i) => {
    const x = GAP + i * (W + GAP), color = COLORS[i % COLORS.length];
    const cidrs = (n.subnets || []).map((id) => (bySubnet[id] || {}).cidr).filter(Boolean);
    pic.append(svg("g", { class: "net", "data-network": n.id },
      svg("rect", { x, y: TOP, width: W, height: 54, rx: 6, fill: color }),
      svg("text", { x: x + 10, y: TOP + 22, class: "net-name" }, shortName(n)),
      svg("text", { x: x + 10, y: TOP + 42, class: "net-cidr" }, cidrs.join(", ") || "no subnet")));
    d.ports.filter((p) => p.network_id === n.id).forEach((p, k) => {
      const y = TOP + 70 + k * 58;
      const ip = (p.fixed_ips || []).map((f) => f.ip_address).join(", ");
      const what = p.device_owner === "network:dhcp" ? "DHCP" : p.device_owner.startsWith("compute:")
        ? "instance" : p.device_owner || "port";
      pic.append(svg("g", { class: "port " + (p.status || "").toLowerCase(), "data-port": p.id },
        svg("line", { x1: x + 20, y1: TOP + 54, x2: x + 20, y2: y + 22, stroke: color }),
        svg("rect", { x: x + 8, y, width: W - 16, height: 46, rx: 4 }),
        svg("text", { x: x + 16, y: y + 18 }, what + " " + shortName(p)),
        svg("text", { x: x + 16, y: y + 36, class: "small" }, ip + " · " + status(p.status))));
    });
  });
  return pic;
}

function nodesView(d) {
  if (!session.isAdmin) return null;
  const hosts = [...new Set([...d.agents.map((a) => a.host),
    ...d.ports.map((p) => p["binding:host_id"]).filter(Boolean)])].sort();
  return h("section", { class: "nodes", "aria-label": "Nodes" }, h("h2", {}, "Nodes"),
    hosts.map((host) => {
      const agent = d.agents.find((a) => a.host === host);
      const bridges = d.nets.map((n) => {
        const taps = d.ports.filter((p) => p.network_id === n.id && p["binding:host_id"] === host
          && p["binding:vif_type"] === "bridge");
        if (!taps.length) return null;
        const up = uplinkOf(n, agent);
        return h("tr", { "data-bridge": "brq" + n.id.slice(0, 11) },
          h("td", {}, "brq" + n.id.slice(0, 11)), h("td", {}, shortName(n)),
          h("td", {}, h("ul", { class: "plain" }, [up ? h("li", {}, up + " (uplink)") : null,
            ...taps.map((p) => h("li", { class: p.status === "ACTIVE" ? "up" : "down" },
              "tap" + p.id.slice(0, 11) + " — " + status(p.status)))])));
      }).filter(Boolean);
      return h("div", { class: "node" },
        h("h3", {}, host + (agent ? (agent.alive ? " (agent alive)" : " (agent down)") : "")),
        bridges.length ? h("table", { class: "data" }, h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, "bridge name"), h("th", { scope: "col" }, "network"),
          h("th", { scope: "col" }, "interfaces"))), h("tbody", {}, bridges))
          : h("p", { class: "empty" }, "No bridges."));
    }));
}

route("project/network_topology/", async (main) => {
  const pictureBox = h("div", { class: "topology" }), nodesBox = h("div");
  main.replaceChildren(h("h1", {}, "Network Topology"), pictureBox, nodesBox);
  let last = "";
  const refresh = async () => {
    const d = await topologyData();
    const key = JSON.stringify(d);
    if (key === last) return;
    last = key;
    pictureBox.replaceChildren(drawTopology(d));
    nodesBox.replaceChildren(nodesView(d) || "");
  };
  await refresh();
  // Live: ports coming up change the picture without a reload.
  const timer = setInterval(async () => {
    if (!main.contains(pictureBox)) { clearInterval(timer); return; }
    try { await refresh(); } catch (e) { /* the next round tries again */ }
  }, 2000);
});

// --- System Information → Network Agents (gui.md §8) -------------------------------------
route("admin/info/", async (main) => {
  const agents = (await api("GET", "/v2.0/agents")).data.agents;
  main.replaceChildren(h("h1", {}, "System Information"),
    h("div", { class: "tabs", role: "tablist" }, h("a", { role: "tab", "aria-selected": "true",
      href: ROOT + "admin/info/?tab=system_info__network_agents", "data-link": true }, "Network Agents")),
    table({ title: "Network Agents", id: "agents", rows: agents,
      filter: (a) => [a.agent_type, a.host, a.binary].join(" "),
      cols: [{ title: "Type", cell: (a) => a.agent_type }, { title: "Name", cell: (a) => a.binary },
        { title: "Host", cell: (a) => a.host }, { title: "Availability Zone", cell: (a) => dash(a.availability_zone) },
        { title: "Status", cell: (a) => (a.alive ? "Up" : "Down") },
        { title: "Admin State", cell: (a) => (a.admin_state_up ? "Enabled" : "Disabled") },
        { title: "Last Updated", cell: (a) => a.heartbeat_timestamp }],
      rowActions: (a) => h("button", { type: "button", onclick: async () => {
        try {
          await api("PUT", "/v2.0/agents/" + a.id, { agent: { admin_state_up: !a.admin_state_up } });
          toast("success", (a.admin_state_up ? "Disabled" : "Enabled") + " agent: " + a.binary + " on " + a.host);
        } catch (e) { toast("error", "Unable to change agent " + a.binary + ".", e.message); }
        render();
      } }, a.admin_state_up ? "Disable Agent" : "Enable Agent") }));
}, { admin: true });

render();
