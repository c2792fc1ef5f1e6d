// Admin → System → System Information → "Network Agents" (gui.md §11.4).
import { ROOT, h, dash, toast, api, route, render } from "./core.js";
import { table } from "./widgets.js";

// The admin "DHCP Agents" tab of a network's page (gui.md §11.3): the agents hosting it.
async function dhcpAgentsTab(net) {
  const agents = (await api("GET", "/v2.0/networks/" + net.id + "/dhcp-agents")).data.agents;
  return table({ title: "DHCP Agents", id: "dhcp-agents", rows: agents,
    filter: (a) => a.host,
    cols: [{ title: "Host", cell: (a) => a.host },
      { title: "Admin State", cell: (a) => (a.admin_state_up ? "Enabled" : "Disabled") },
      { title: "Alive", cell: (a) => (a.alive ? "Up" : "Down") },
      { title: "Updated At", cell: (a) => dash(a.heartbeat_timestamp) }] });
}

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

export { dhcpAgentsTab };
