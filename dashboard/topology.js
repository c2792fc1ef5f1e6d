// Network Topology (gui.md §8): networks, subnets, ports, instances, and per node the
// bridges, taps and uplinks the linux-bridge agents wire — updated live.
import { session, h, shortName, status, api, route } from "./core.js";

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
