// Network Topology (gui.md §8): networks, subnets, ports, instances, and per node the
// bridges, taps and uplinks the linux-bridge agents wire — updated live.
import { ROOT, session, h, link, shortName, status, api, route } from "./core.js";
import { graphView } from "./graph.js";
import { confirmDelete } from "./widgets.js";
import { createNetwork } from "./wizard.js";

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

// Ports of lab instances (device_owner compute:*) are grouped by device_id: one box
// per instance, however many networks it is on (gui.md §8, §13).
function instancesOf(ports) {
  const byDevice = new Map();
  for (const p of ports) {
    if (!(p.device_owner || "").startsWith("compute:") || !p.device_id) continue;
    if (!byDevice.has(p.device_id)) byDevice.set(p.device_id, []);
    byDevice.get(p.device_id).push(p);
  }
  return [...byDevice.entries()].map(([id, ps]) => ({ id, ports: ps }));
}

const portClass = (p) => "port " + (p.status || "").toLowerCase();
const ips = (p) => (p.fixed_ips || []).map((f) => f.ip_address).join(", ");

// A node of the picture that the keyboard reaches too: Enter or Space opens its balloon.
function focusable(g, label, open) {
  g.setAttribute("tabindex", "0");
  g.setAttribute("role", "button");
  g.setAttribute("aria-label", label);
  g.addEventListener("click", (ev) => { ev.stopPropagation(); open(g); });
  g.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(g); }
  });
  return g;
}

// The flat view: a column per network (external ones first), its service ports (DHCP)
// under it, then the instances, each wired to every network it has a port on, with the
// port's address written on the wire.
function drawTopology(d, open) {
  const bySubnet = Object.fromEntries(d.subnets.map((s) => [s.id, s]));
  const nets = [...d.nets].sort((a, b) => b["router:external"] - a["router:external"]);
  const W = 210, GAP = 40, TOP = 40, ROW = 58;
  const column = new Map(nets.map((n, i) => [n.id, GAP + i * (W + GAP)]));
  const services = (n) => d.ports.filter((p) => p.network_id === n.id
    && !(p.device_owner || "").startsWith("compute:"));
  const instances = instancesOf(d.ports.filter((p) => column.has(p.network_id)));
  const serviceRows = Math.max(0, ...nets.map((n) => services(n).length));
  const instanceTop = TOP + 84 + serviceRows * ROW;     // room for the first wire's label
  const height = instanceTop + instances.length * (ROW + 10) + 20;
  const width = Math.max(640, nets.length * (W + GAP) + GAP);
  const pic = svg("svg", { viewBox: "0 0 " + width + " " + height, width, height, role: "img",
    "aria-label": nets.length + " networks, " + instances.length + " instances" });
  nets.forEach((n, i) => {
    const x = column.get(n.id), color = COLORS[i % COLORS.length];
    const cidrs = (n.subnets || []).map((id) => (bySubnet[id] || {}).cidr).filter(Boolean);
    pic.append(svg("line", { x1: x + 20, y1: TOP + 54, x2: x + 20, y2: height - 10,
      stroke: color, "stroke-width": 3, class: "bar" }));
    pic.append(focusable(svg("g", { class: "net", "data-network": n.id },
      svg("rect", { x, y: TOP, width: W, height: 54, rx: 6, fill: color }),
      svg("text", { x: x + 10, y: TOP + 22, class: "net-name" }, shortName(n)),
      svg("text", { x: x + 10, y: TOP + 42, class: "net-cidr" }, cidrs.join(", ") || "no subnet")),
    "Network " + shortName(n), (g) => open("network", n, g)));
    services(n).forEach((p, k) => {
      const y = TOP + 70 + k * ROW;
      const what = p.device_owner === "network:dhcp" ? "DHCP" : p.device_owner || "port";
      pic.append(focusable(svg("g", { class: portClass(p), "data-port": p.id },
        svg("rect", { x: x + 8, y, width: W - 16, height: 46, rx: 4 }),
        svg("text", { x: x + 16, y: y + 18 }, what + " " + shortName(p)),
        svg("text", { x: x + 16, y: y + 36, class: "small" }, ips(p) + " · " + status(p.status))),
      what + " port " + shortName(p), (g) => open("port", p, g)));
    });
  });
  instances.forEach((inst, k) => {
    const y = instanceTop + k * (ROW + 10);
    const home = column.get(inst.ports[0].network_id);
    const box = svg("g", { class: "instance" + (inst.ports.every((p) => p.status === "ACTIVE")
      ? " active" : ""), "data-instance": inst.id });
    // Wires first, so the box is drawn over them.
    for (const p of inst.ports) {
      const barX = column.get(p.network_id) + 20;
      const fromX = barX >= home + 20 ? home + W - 8 : home + 8;
      box.append(svg("g", { class: portClass(p), "data-port": p.id },
        svg("line", { x1: barX, y1: y + 23, x2: fromX, y2: y + 23, class: "wire" }),
        svg("circle", { cx: barX, cy: y + 23, r: 4 }),
        svg("text", { x: barX + 8, y: y - 3, class: "small wire-ip" }, ips(p))));
    }
    box.append(svg("rect", { x: home + 40, y, width: W - 60, height: 46, rx: 4, class: "box" }),
      svg("text", { x: home + 48, y: y + 18 }, "instance"),
      svg("text", { x: home + 48, y: y + 36, class: "small" }, inst.id.slice(0, 24)));
    pic.append(focusable(box, "Instance " + inst.id, (g) => open("instance", inst, g)));
  });
  return pic;
}

// The balloon of a node (gui.md §8): what it is, and what can be done with it.
function balloon(kind, item, d, close) {
  const admin = session.isAdmin && location.pathname.includes("/admin/");
  const area = admin ? "admin/networks/" : "project/networks/";
  if (kind === "network") {
    const subnets = d.subnets.filter((s) => s.network_id === item.id);
    return [h("h3", {}, shortName(item)),
      h("h4", {}, "Subnets"), subnets.length ? h("ul", { class: "plain" }, subnets.map((s) =>
        h("li", {}, link(area + "subnets/" + s.id + "/detail", shortName(s)), " " + s.cidr + " ",
          h("button", { type: "button", class: "link danger", onclick: () => { close();
            confirmDelete("Subnet", "Subnets", [s], (x) => api("DELETE", "/v2.0/subnets/" + x.id)); } },
          "Delete Subnet")))) : h("p", { class: "empty" }, "No subnets."),
      h("div", { class: "balloon-actions" },
        h("button", { type: "button", onclick: () => { close(); createNetwork(false, item); } },
          "+ Create Subnet"),
        link(area + item.id + "/detail", "View Details"),
        h("button", { type: "button", class: "danger", onclick: () => { close();
          confirmDelete("Network", "Networks", [item], (x) => api("DELETE", "/v2.0/networks/" + x.id)); } },
        "Delete Network"))];
  }
  const ports = kind === "instance" ? item.ports : [item];
  return [h("h3", {}, kind === "instance" ? "Instance " + item.id : shortName(item)),
    h("h4", {}, "IP Addresses"), h("ul", { class: "plain" }, ports.map((p) =>
      h("li", {}, ips(p) || "none", " · ", status(p.status), " · ",
        link(area + "ports/" + p.id + "/detail", "View Port Details")))),
    ports[0]["binding:host_id"] ? h("p", {}, "Host: " + ports[0]["binding:host_id"]) : null,
    kind === "instance" ? h("p", { class: "help" },
      "Lab instances are removed with the CLI: neutrino instance delete " + item.id) : null];
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
  const pop = h("div", { class: "balloon", role: "dialog", "aria-label": "Details", hidden: true });
  let last = "", data = null, opener = null;
  const closeBalloon = () => {
    if (pop.hidden) return;
    pop.hidden = true;
    if (opener && opener.isConnected) opener.focus();
    refresh().catch(() => {});
  };
  const open = (kind, item, g) => {
    opener = g;
    pop.replaceChildren(h("button", { type: "button", class: "close", "aria-label": "Close",
      onclick: closeBalloon }, "×"), h("div", {}, balloon(kind, item, data, closeBalloon)));
    const box = g.getBoundingClientRect(), frame = pictureBox.getBoundingClientRect();
    pop.style.left = Math.max(0, box.left - frame.left + pictureBox.scrollLeft) + "px";
    pop.style.top = (box.bottom - frame.top + 6) + "px";
    pop.hidden = false;
    (pop.querySelector("a, button:not(.close)") || pop).focus();
  };
  pop.addEventListener("keydown", (ev) => { if (ev.key === "Escape") closeBalloon(); });
  const outside = (ev) => {
    if (!main.contains(pop)) { document.removeEventListener("click", outside); return; }
    if (!pop.hidden && !pop.contains(ev.target)) closeBalloon();
  };
  document.addEventListener("click", outside);
  // Two tabs (gui.md §8): the flat "Topology" and the force-directed "Graph".
  const asGraph = new URLSearchParams(location.search).get("tab") === "topology_tabs__graph";
  const tab = (key, title, on) => h("a", { href: ROOT + "project/network_topology/?tab=topology_tabs__" +
    key, "data-link": true, role: "tab", "aria-selected": on ? "true" : "false" }, title);
  let graph = null;
  const openGraphNode = (n, g) => (n.kind === "network" ? open("network", n.item, g)
    : n.kind === "instance" ? open("instance", { id: n.label, ports: n.ports }, g)
      : open("port", n.item, g));
  main.replaceChildren(h("div", { class: "title-row" }, h("h1", {}, "Network Topology"),
    h("div", { class: "table-actions" }, h("button", { type: "button", class: "primary",
      onclick: () => createNetwork(false) }, "+ Create Network"))),
  h("div", { class: "tabs", role: "tablist" }, tab("topology", "Topology", !asGraph),
    tab("graph", "Graph", asGraph)),
  h("div", { class: "topology-frame" }, pictureBox, pop), nodesBox);
  // Redraw only when something changed, and never under an open balloon.
  async function refresh() {
    const d = await topologyData();
    const key = JSON.stringify(d);
    if (key === last || !pop.hidden) return;
    last = key;
    data = d;
    if (!d.nets.length) {
      pictureBox.replaceChildren(h("p", { class: "empty" }, "There are no networks, and no " +
        "instances connected to networks, to draw."));
      if (graph) { graph.stop(); graph = null; }
    } else if (!asGraph) {
      pictureBox.replaceChildren(drawTopology(d, open));
    } else if (graph) {
      graph.update(d);
    } else {
      graph = graphView(d, openGraphNode);
      pictureBox.replaceChildren(graph.element);
    }
    nodesBox.replaceChildren(nodesView(d) || "");
  }
  await refresh();
  // Live: ports coming up change the picture without a reload.  The page polls the
  // API every 2 s (there is no change feed for users yet), not while it is hidden.
  const timer = setInterval(async () => {
    if (!main.contains(pictureBox)) {
      clearInterval(timer);
      if (graph) graph.stop();
      return;
    }
    if (document.visibilityState === "hidden") return;
    try { await refresh(); } catch (e) { /* the next round tries again */ }
  }, 2000);
});
