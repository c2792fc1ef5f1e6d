// Network quotas for the admin (docs/behaviour/dashboard.md §19): Admin → System →
// Defaults, the "Network Quotas" tab, and Identity → Projects with "Modify Quotas".
import { KS, session, h, toast, api, route, render } from "./core.js";
import { table, modal, rowMenu, field } from "./widgets.js";

// Horizon's names for the quotas; the rest are named after the resource, title-cased.
const NAMES = { network: "Networks", subnet: "Subnets", port: "Ports", subnetpool: "Subnet Pool",
  router: "Routers", floatingip: "Floating IPs", security_group: "Security Groups",
  security_group_rule: "Security Group Rules", rbac_policy: "RBAC Policies" };
const quotaName = (k) => NAMES[k] || k.replace(/_/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());
// What "Modify Quotas" edits: Horizon's network step, in its order.
const EDITED = ["network", "subnet", "port", "router", "floatingip", "security_group",
  "security_group_rule"];

// Admin → System → Defaults: the limits a project gets when no admin set its own.  They
// come from the server's configuration ([quotas]): no API changes them, so — as in
// Horizon, whose "Update Defaults" edits only compute and volume quotas — they are shown,
// not edited.
async function defaultsPage(main) {
  const q = (await api("GET", "/v2.0/quotas/" + session.projectId + "/default")).data.quota;
  const rows = Object.entries(q).map(([k, v]) => ({ id: k, name: quotaName(k), limit: v }));
  main.replaceChildren(h("h1", {}, "Defaults"),
    h("div", { class: "tabs", role: "tablist" }, h("a", { role: "tab",
      "aria-selected": "true" }, "Network Quotas")),
    table({ title: "Network Quotas", id: "network_quotas", rows, filter: (r) => r.name,
      cols: [{ title: "Quota Name", cell: (r) => r.name },
        { title: "Limit", cell: (r) => String(r.limit) }] }));
}
route("admin/defaults/", defaultsPage, { admin: true });

// Identity → Projects: the projects, each with "Modify Quotas".
async function projectsPage(main) {
  const projects = (await api("GET", KS + "/projects")).data.projects;
  main.replaceChildren(h("h1", {}, "Projects"), table({ title: "Projects", id: "tenants",
    rows: projects, filter: (p) => [p.name, p.description || "", p.id].join(" "),
    cols: [{ title: "Name", cell: (p) => p.name },
      { title: "Description", cell: (p) => p.description || "-" },
      { title: "Project ID", cell: (p) => p.id },
      { title: "Enabled", cell: (p) => (p.enabled === false ? "No" : "Yes") }],
    rowActions: (p) => rowMenu([{ label: "Modify Quotas", run: () => modifyQuotas(p) }]) }));
}
route("identity/", projectsPage, { admin: true });

// "Edit Quotas", its Network step: each limit an integer from -1 (unlimited) up, and no
// lower than what the project uses now (Horizon's check, with Neutron's details).
async function modifyQuotas(project) {
  let q;
  try {
    q = (await api("GET", "/v2.0/quotas/" + project.id + "/details")).data.quota;
  } catch (e) {
    toast("error", "Unable to retrieve project quotas.", e.message);
    return;
  }
  const fields = EDITED.filter((k) => q[k]).map((k) => {
    const input = h("input", { id: "id_" + k, type: "number", min: "-1", step: "1",
      value: String(q[k].limit) });
    return { k, input, wrap: field(quotaName(k), input, null, true) };
  });
  const formErr = h("p", { class: "form-error", role: "alert", hidden: true });
  modal("Edit Quotas", h("div", { class: "body" }, formErr,
    h("div", { class: "tabs", role: "tablist" }, h("a", { role: "tab",
      "aria-selected": "true" }, "Network")),
    h("p", { class: "help" }, "Set maximum quotas for the project."),
    fields.map((f) => f.wrap)), (close) => [
    h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: async () => {
      const body = {};
      let ok = true;
      for (const { k, input, wrap } of fields) {
        const text = input.value.trim();
        const n = Number(text);
        const used = q[k].used + (q[k].reserved || 0);
        let msg = null;
        if (!/^-?\d+$/.test(text)) msg = "Enter a whole number.";
        else if (n < -1) msg = "Ensure this value is greater than or equal to -1.";
        else if (n !== -1 && n < used) {
          msg = "Quota value(s) cannot be less than the current usage value(s): " + used +
            " " + quotaName(k) + " used.";
        }
        wrap.error(msg);
        ok = ok && !msg;
        if (!msg && n !== q[k].limit) body[k] = n;
      }
      if (!ok) return;
      try {
        if (Object.keys(body).length) {
          await api("PUT", "/v2.0/quotas/" + project.id, { quota: body });
        }
        close();
        toast("success", "Modified quotas of project \"" + project.name + "\".");
        render();
      } catch (e) {
        formErr.textContent = "Unable to modify quotas of project \"" + project.name + "\": " +
          e.message;
        formErr.hidden = false;
      }
    } }, "Save")]);
}
