// The dashboard's core: DOM helpers, how values are shown (docs/behaviour/dashboard.md §2),
// toasts, the API with the user's token, sign-in state, and the router that renders
// Horizon's paths.

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

// --- values as Horizon shows them (docs/behaviour/dashboard.md §2) -----------------------
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

async function api(method, path, body, extraHeaders) {
  const headers = { Accept: "application/json", ...extraHeaders };
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

// --- detail pages (docs/behaviour/dashboard.md §12) --------------------------------------
// The resource a detail page shows ("network", "subnet", "port"); a missing or foreign
// one gets a toast and the not-found page, and null is returned.
async function fetchDetail(main, kind, id) {
  try {
    return (await api("GET", "/v2.0/" + kind + "s/" + id)).data[kind];
  } catch (e) {
    if (e.status !== 404) throw e;
    toast("error", "Unable to retrieve details for " + kind + " \"" + id + "\".", e.message);
    notFound(main);
    return null;
  }
}

// The network a subnet or port is on; only its id if the caller may not read it (a
// shared network's subnet, say).
async function networkOf(o) {
  try {
    return (await api("GET", "/v2.0/networks/" + o.network_id)).data.network;
  } catch (e) {
    if (e.status === 401) throw e;
    return { id: o.network_id, name: "", project_id: o.project_id };
  }
}

// --- extensions (docs/behaviour/dashboard.md §2): columns and fields that depend on one
// appear only when GET /v2.0/extensions lists it.  Asked once per token.
let extensionsFor = null, extensionsSet = null;
async function extensions() {
  if (extensionsFor !== session.token) {
    extensionsFor = session.token;
    extensionsSet = api("GET", "/v2.0/extensions").then(
      ({ data }) => new Set(data.extensions.map((e) => e.alias)),
      (e) => {
        toast("error", "Unable to check which extensions the network service supports.", e.message);
        extensionsFor = null;
        return new Set();
      });
  }
  return extensionsSet;
}
const hasExtension = async (alias) => (await extensions()).has(alias);

// --- quotas (docs/behaviour/dashboard.md §19): which of 'resources' the project has used
// up, as Horizon reads them from /v2.0/quotas/{project}/details: nothing left when the
// limit is not negative and used + reserved reach it.  If the details cannot be read,
// nothing counts as used up (Horizon's default).
async function quotaFull(projectId, ...resources) {
  let q = {};
  try {
    q = (await api("GET", "/v2.0/quotas/" + encodeURIComponent(projectId) + "/details")).data.quota;
  } catch (e) {
    if (e.status === 401) throw e;
  }
  return Object.fromEntries(resources.map((r) => [r,
    Boolean(q[r]) && q[r].limit >= 0 && q[r].limit - q[r].used - (q[r].reserved || 0) <= 0]));
}
// Whose quota a network's Create Subnet and Create Port count against, as Horizon: the
// network's project on Admin pages, the current project on the project's.
const quotaProject = (net, admin) => (admin ? net.project_id : session.projectId);
// A Create button: disabled, and saying "(Quota exceeded)", when 'full'.
const quotaAction = (label, full, run) => (full
  ? { label: label + " (Quota exceeded)", disabled: true, run } : { label, run });

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
  // Horizon's RBAC Policies panel needs the server's extension.
  if (session.isAdmin) hasExtension("rbac-policies").then((has) => { $("#rbac-menu").hidden = !has; });
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

export { ROOT, KS, session, h, $, link, shortName, yesNo, upDown, status, dash, toast, ApiError, api, signIn, switchProject, signOut, route, navigate, render, notFound, chrome,
  extensions, hasExtension, fetchDetail, networkOf, quotaFull, quotaAction, quotaProject };
