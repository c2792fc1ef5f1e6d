// Admin → Network → RBAC Policies (docs/behaviour/dashboard.md §20), the panel of
// Horizon's Zed release: who may use a network (shared with one project or "*") or attach
// routers to it as an external network.  Shown when the server lists "rbac-policies".
import { KS, h, toast, api, route, render } from "./core.js";
import { table, modal, confirmDelete, rowMenu, field } from "./widgets.js";

// Horizon's choices, without its QoS one (neutrino has no QoS policies).
const KINDS = [
  { choice: "shared_network", label: "Shared Network", action: "access_as_shared" },
  { choice: "external_network", label: "External Network", action: "access_as_external" },
];

async function names() {
  const [projects, networks] = await Promise.all([
    api("GET", KS + "/projects").then((r) => r.data.projects, () => []),
    api("GET", "/v2.0/networks").then((r) => r.data.networks, () => [])]);
  return { projects, networks,
    project: Object.fromEntries(projects.map((p) => [p.id, p.name])),
    network: Object.fromEntries(networks.map((n) => [n.id, n.name || n.id])) };
}

// A target project chooser: "*" (every project) and the projects by name.
function targetChooser(projects, value) {
  return h("select", { id: "id_target_tenant" }, h("option", { value: "" }, "Select a project"),
    h("option", { value: "*", selected: value === "*" }, "*"),
    projects.map((p) => h("option", { value: p.id, selected: p.id === value }, p.name)));
}

async function policiesPage(main) {
  let policies = [];
  try {
    policies = (await api("GET", "/v2.0/rbac-policies")).data.rbac_policies;
  } catch (e) {
    if (e.status === 401) return;
    toast("error", "Unable to retrieve RBAC policies.", e.message);
  }
  const n = await names();
  const remove = (sel) => confirmDelete("RBAC Policy", "RBAC Policies", sel,
    (p) => api("DELETE", "/v2.0/rbac-policies/" + p.id));
  main.replaceChildren(h("h1", {}, "RBAC Policies"), table({ title: "RBAC Policies",
    id: "rbac_policies", rows: policies.map((p) => ({ ...p, name: p.id })),
    filter: (p) => [p.id, n.project[p.project_id] || "", n.network[p.object_id] || ""].join(" "),
    cols: [{ title: "Project", cell: (p) => n.project[p.project_id] || p.project_id },
      { title: "ID", cell: (p) => p.id },
      { title: "Object Type", cell: (p) => p.object_type },
      { title: "Object", cell: (p) => (p.object_type === "network" && n.network[p.object_id])
        || p.object_id },
      { title: "Target Project", cell: (p) => n.project[p.target_tenant] || p.target_tenant }],
    actions: [{ label: "+ Create RBAC Policy", run: () => createPolicy(n) },
      { label: "Delete RBAC Policies", danger: true, run: remove }],
    rowActions: (p) => rowMenu([{ label: "Edit Policy", run: () => editPolicy(p, n) },
      { label: "Delete RBAC Policy", danger: true, run: () => remove([p]) }]) }));
}
route("admin/rbac_policies/", policiesPage, { admin: true });

// "Create RBAC Policy": a target project, the action and object type, the network.
function createPolicy(n) {
  const f = { target: targetChooser(n.projects, ""),
    kind: h("select", { id: "id_action_object_type" },
      h("option", { value: "" }, "Select action and object type"),
      KINDS.map((k) => h("option", { value: k.choice }, k.label))),
    network: h("select", { id: "id_network_id" }, h("option", { value: "" }, "Select a network"),
      n.networks.map((net) => h("option", { value: net.id }, net.name || net.id))) };
  const w = { target: field("Target Project", f.target, null, true),
    kind: field("Action and Object Type", f.kind, null, true),
    network: field("Network", f.network, null, true) };
  const formErr = h("p", { class: "form-error", role: "alert", hidden: true });
  const showNetwork = () => { w.network.hidden = !f.kind.value; };
  f.kind.addEventListener("change", showNetwork);
  showNetwork();
  modal("Create RBAC Policy", h("div", { class: "body" }, formErr, w.target, w.kind, w.network),
    (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
      h("button", { type: "button", class: "primary", onclick: async () => {
        let ok = true;
        for (const [x, input] of [[w.target, f.target], [w.kind, f.kind], [w.network, f.network]]) {
          const missing = !x.hidden && !input.value;
          x.error(missing ? "This field is required." : null);
          ok = ok && !missing;
        }
        if (!ok) return;
        const kind = KINDS.find((k) => k.choice === f.kind.value);
        try {
          await api("POST", "/v2.0/rbac-policies", { rbac_policy: { target_tenant: f.target.value,
            action: kind.action, object_type: "network", object_id: f.network.value } });
        } catch (e) {
          formErr.textContent = (e.type === "OverQuota" ? "rbac policy quota exceeded."
            : "Failed to create a rbac policy.") + " " + e.message;
          formErr.hidden = false;
          return;
        }
        close();
        toast("success", "RBAC Policy was successfully created.");
        render();
      } }, "Create RBAC Policy")]);
}

// "Edit Policy": only the target project changes.
function editPolicy(p, n) {
  const target = targetChooser(n.projects, p.target_tenant);
  const w = field("Target Project", target, null, true);
  modal("Update RBAC Policy", h("div", { class: "body" }, w), (close) => [
    h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: async () => {
      if (!target.value) { w.error("This field is required."); return; }
      try {
        await api("PUT", "/v2.0/rbac-policies/" + p.id,
          { rbac_policy: { target_tenant: target.value } });
      } catch (e) {
        close();
        toast("error", "Failed to update rbac policy " + p.id, e.message);
        return;
      }
      close();
      toast("success", "RBAC Policy " + p.id + " was successfully updated.");
      render();
    } }, "Save Changes")]);
}
