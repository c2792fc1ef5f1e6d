// Agents: Admin → System → System Information → "Network Agents"
// (docs/behaviour/dashboard.md §11.4, §15), and the admin "DHCP Agents" tab of a network
// with "Add DHCP Agent" (§11.3). One vocabulary on both: "Admin State" is Enabled/Disabled
// (admin_state_up), "State" is Up/Down (alive) — Horizon swaps them on one page (§14.6).
import { ROOT, h, toast, api, route, render } from "./core.js";
import { table, modal, confirmDelete, field } from "./widgets.js";

const adminState = (a) => (a.admin_state_up ? "Enabled" : "Disabled");
const state = (a) => (a.alive ? "Up" : "Down");

// "3 minutes" since the last heartbeat, Horizon's wording; the exact time as a tooltip.
// The server's timestamps are UTC without a zone ("2026-11-25 04:20:01").
function since(timestamp) {
  if (!timestamp) return "-";
  const then = Date.parse(timestamp.replace(" ", "T") + (/[Zz+]/.test(timestamp) ? "" : "Z"));
  if (Number.isNaN(then)) return timestamp;
  const minutes = Math.max(0, Math.floor((Date.now() - then) / 60000));
  return h("span", { title: timestamp + " UTC", class: "age" },
    minutes + (minutes === 1 ? " minute" : " minutes"));
}

// The agent's own report, folded: mappings, device counts, driver settings.
function configurations(a) {
  const entries = Object.entries(a.configurations || {});
  if (!entries.length) return "-";
  return h("details", { class: "conf" }, h("summary", {}, entries.length + " settings"),
    h("dl", { class: "inner" }, entries.map(([k, v]) => [h("dt", {}, k),
      h("dd", {}, typeof v === "object" ? JSON.stringify(v) : String(v))])));
}

const agentName = (a) => a.binary + " on " + a.host;

// The admin "DHCP Agents" tab of a network's page: the agents hosting it.
async function dhcpAgentsTab(net) {
  const agents = (await api("GET", "/v2.0/networks/" + net.id + "/dhcp-agents")).data.agents;
  const unschedule = (a) => api("DELETE", "/v2.0/agents/" + a.id + "/dhcp-networks/" + net.id);
  const remove = (items) => confirmDelete("DHCP Agent", "DHCP Agents",
    items.map((a) => ({ ...a, name: a.host })), unschedule);
  return table({ title: "DHCP Agents", id: "dhcp-agents", rows: agents,
    filter: (a) => a.host,
    cols: [{ title: "Host", cell: (a) => a.host },
      { title: "Admin State", cell: adminState },
      { title: "State", cell: state },
      { title: "Updated At", cell: (a) => since(a.heartbeat_timestamp) }],
    actions: [{ label: "+ Add DHCP Agent", run: () => addDhcpAgent(net, agents) },
      { label: "Delete DHCP Agents", danger: true, run: remove }],
    rowActions: (a) => h("button", { type: "button", class: "danger", onclick: () => remove([a]) },
      "Delete DHCP Agent") });
}

// "Add DHCP Agent": one of the DHCP agents not hosting the network yet.
async function addDhcpAgent(net, hosting) {
  const all = (await api("GET", "/v2.0/agents?agent_type=DHCP%20agent")).data.agents;
  const others = all.filter((a) => !hosting.some((x) => x.id === a.id));
  const choice = h("select", { id: "id_new_dhcp_agent" },
    h("option", { value: "" }, "Select a new agent"),
    others.map((a) => h("option", { value: a.id }, a.host)));
  const w = field("New DHCP Agent", choice, others.length ? null
    : "No other DHCP agent is available.", true);
  modal("Add DHCP Agent", h("div", { class: "body" },
    field("Network Name", h("input", { id: "id_dhcp_network_name", readonly: true,
      value: net.name || net.id })), w),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", disabled: !others.length, onclick: async () => {
      const agent = others.find((a) => a.id === choice.value);
      if (!agent) { w.error("This field is required."); return; }
      try {
        await api("POST", "/v2.0/agents/" + agent.id + "/dhcp-networks", { network_id: net.id });
        close();
        toast("success", "Agent " + agent.host + " added.");
        render();
      } catch (e) {
        toast("error", "Failed to add agent " + agent.host + " for network " +
          (net.name || net.id) + ".", e.message);
      }
    } }, "Add")]);
}

// --- System Information → Network Agents ---------------------------------------------
function agentsTable(agents, deadOnly) {
  const rows = deadOnly ? agents.filter((a) => !a.alive) : agents;
  const toggle = async (a) => {
    try {
      await api("PUT", "/v2.0/agents/" + a.id, { agent: { admin_state_up: !a.admin_state_up } });
      toast("success", (a.admin_state_up ? "Disabled" : "Enabled") + " agent: " + agentName(a));
    } catch (e) { toast("error", "Unable to change agent " + agentName(a) + ".", e.message); }
    render();
  };
  // Only a dead agent may be deleted: a live one registers again at its next report.
  const remove = (a) => confirmDelete("Agent", "Agents", [{ ...a, name: agentName(a) }],
    (x) => api("DELETE", "/v2.0/agents/" + x.id));
  return table({ title: "Network Agents", id: "agents", rows,
    filter: (a) => a.agent_type,
    cols: [{ title: "Type", cell: (a) => a.agent_type }, { title: "Name", cell: (a) => a.binary },
      { title: "Host", cell: (a) => a.host },
      { title: "Zone", cell: (a) => a.availability_zone || "-" },
      { title: "Admin State", cell: adminState },
      { title: "State", cell: (a) => h("span", { class: a.alive ? "alive" : "dead" }, state(a)) },
      { title: "Last Updated", cell: (a) => since(a.heartbeat_timestamp) },
      { title: "Configurations", cell: configurations }],
    rowActions: (a) => h("div", { class: "row-actions" },
      h("button", { type: "button", onclick: () => toggle(a) },
        a.admin_state_up ? "Disable Agent" : "Enable Agent"),
      a.alive ? null : h("button", { type: "button", class: "danger", onclick: () => remove(a) },
        "Delete Agent")) });
}

route("admin/info/", async (main) => {
  let agents = [];
  try {
    agents = (await api("GET", "/v2.0/agents")).data.agents;
  } catch (e) {
    if (e.status === 401) throw e;
    toast("error", "Unable to get the network agents.", e.message);
  }
  const box = h("div");
  const deadOnly = h("input", { id: "id_dead_only", type: "checkbox",
    onchange: () => box.replaceChildren(agentsTable(agents, deadOnly.checked)) });
  const dead = agents.filter((a) => !a.alive).length;
  box.append(agentsTable(agents, false));
  main.replaceChildren(h("h1", {}, "System Information"),
    h("div", { class: "tabs", role: "tablist" }, h("a", { role: "tab", "aria-selected": "true",
      href: ROOT + "admin/info/?tab=system_info__network_agents", "data-link": true }, "Network Agents")),
    h("p", { class: "summary" }, agents.length + " agents, " + dead + " down. ",
      h("span", { class: "field check inline" }, deadOnly,
        h("label", { for: deadOnly.id }, "Show only agents that are down"))),
    box);
}, { admin: true });

export { dhcpAgentsTab };
