// Network Topology (docs/behaviour/dashboard.md §8): networks as coloured bars, lab
// instances and routers as boxes wired to them with their addresses, DHCP ports as small
// nodes;
// balloons to act on them; a force-directed "Graph" tab (graph.js); and for admins, per
// node, the bridges, taps, uplinks and namespaces the agents made (§15 "Dataplane view") —
// updated live.
import { ROOT, session, h, link, shortName, status, api, route, quotaFull } from "./core.js";
import { graphView, routersOf, isRouterPort } from "./graph.js";
import { confirmDelete } from "./widgets.js";
import { networkInUse } from "./networks.js";
import { subnetInUse } from "./subnets.js";
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
const POLL_MS = 2000;

// --- the data ------------------------------------------------------------------------
// Five list calls, whatever the size of the project: no per-network fan-out
// (docs/behaviour/dashboard.md §14 item 4).  Which node serves DHCP comes from the DHCP
// ports' binding:host_id, not from one dhcp-agents call per network.  A router's
// interfaces are its ports; its gateway comes from the router itself, since a member cannot
// read the gateway port (it belongs to no project).
async function topologyData() {
  const [nets, subnets, ports, agents, routers] = await Promise.all([
    api("GET", "/v2.0/networks"), api("GET", "/v2.0/subnets"), api("GET", "/v2.0/ports"),
    session.isAdmin ? api("GET", "/v2.0/agents") : { data: { agents: [] } },
    api("GET", "/v2.0/routers").catch((e) => {
      if (e.status === 401) throw e;
      return { data: { routers: [] } };
    })]);
  const mine = session.isAdmin ? routers.data.routers
    : routers.data.routers.filter((r) => r.project_id === session.projectId);
  return { nets: nets.data.networks, subnets: subnets.data.subnets, ports: ports.data.ports,
    agents: agents.data.agents, routers: mine };
}

const isInstancePort = (p) => (p.device_owner || "").startsWith("compute:") && Boolean(p.device_id);
const isDhcp = (p) => p.device_owner === "network:dhcp";

const ips = (p) => (p.fixed_ips || []).map((f) => f.ip_address);
const portClass = (p) => "port " + (isDhcp(p) ? "dhcp " : "") + (p.status || "").toLowerCase();
const short11 = (id) => id.slice(0, 11);
const netName = (d, id) => shortName(d.nets.find((n) => n.id === id) || { id, name: "" });
const canChange = (n) => session.isAdmin || (n.project_id || n.tenant_id) === session.projectId;

// Ports of lab instances (device_owner compute:*) are grouped by device_id: one box
// per instance, however many networks it is on (docs/behaviour/dashboard.md §8, §13).
function instancesOf(ports) {
  const byDevice = new Map();
  for (const p of ports.filter(isInstancePort)) {
    if (!byDevice.has(p.device_id)) byDevice.set(p.device_id, []);
    byDevice.get(p.device_id).push(p);
  }
  return [...byDevice.entries()].map(([id, ps]) => ({ id, ports: ps }));
}

// An instance is as up as its least-up port.
function instanceStatus(inst) {
  const all = inst.ports.map((p) => p.status);
  if (all.every((s) => s === "ACTIVE")) return "ACTIVE";
  return ["ERROR", "BUILD", "DOWN"].find((s) => all.includes(s)) || all[0] || "DOWN";
}

// Networks left to right: external ones first (docs/behaviour/dashboard.md §8), then oldest
// first, so a new network joins at the right and the others stay where the user saw them.
function networkOrder(a, b) {
  return Number(b["router:external"]) - Number(a["router:external"]) ||
    String(a.created_at || "").localeCompare(String(b.created_at || "")) || a.id.localeCompare(b.id);
}
// One colour per network, the same in both tabs; external networks are grey.
function colorOf(n, col) {
  return n["router:external"] ? "#52606d" : COLORS[col % COLORS.length];
}

const networkColors = (d) => new Map([...d.nets].sort(networkOrder).map((n, i) => [n.id, colorOf(n, i)]));

// What the picture shows, in the order it is drawn.
function sceneOf(d) {
  const nets = [...d.nets].sort(networkOrder);
  const column = new Map(nets.map((n, i) => [n.id, i]));
  const onShown = d.ports.filter((p) => column.has(p.network_id));
  const cidrs = (n) => d.subnets.filter((s) => s.network_id === n.id).map((s) => s.cidr);
  // A router with no wire to a network on screen has nowhere to stand.
  const routers = routersOf(d).map((r) => ({ ...r, ports: r.ports.filter((p) => column.has(p.network_id)) }))
    .filter((r) => r.ports.length);
  return { nets, column, cidrs, instances: instancesOf(onShown), routers,
    services: onShown.filter((p) => !isInstancePort(p) && !isRouterPort(p)) };
}

// A network's segments, each with the provider:* keys: its `segments` when it has
// several (multi-provider: the API then leaves the provider:* attributes out), else the
// one its provider:* attributes describe.
function segmentsOf(n) {
  return Array.isArray(n.segments) && n.segments.length ? n.segments : [n];
}

// The segment a node's bridge for 'n' carries: the first one the node's linux-bridge
// agent can, which is the one the server binds the node's ports to (ml2.md §5).
function segmentOn(n, agent) {
  const segs = segmentsOf(n);
  const conf = (agent && agent.configurations) || {};
  const carries = (s) => {
    const type = s["provider:network_type"], phys = s["provider:physical_network"];
    if (type === "vxlan") return Boolean(conf.tunneling_ip);
    if (type === "flat" || type === "vlan") return phys in (conf.interface_mappings || {});
    return type === "local";
  };
  return segs.length === 1 ? segs[0] : segs.find(carries) || segs[0];
}

function segmentType(s) {
  const type = s["provider:network_type"], phys = s["provider:physical_network"];
  const seg = s["provider:segmentation_id"];
  if (type === "vxlan" || type === "gre") return type + " " + seg;
  if (type === "vlan") return "vlan " + phys + ":" + seg;
  if (type === "flat") return "flat " + phys;
  return type || "";
}

function networkType(n) {
  return segmentsOf(n).map(segmentType).join(" + ");
}

// The device that takes segment 's' off the node: null for a local one, which never
// leaves its node.
function uplinkOf(s, agent) {
  const type = s["provider:network_type"];
  const conf = (agent && agent.configurations) || {};
  const phys = s["provider:physical_network"];
  const iface = (conf.interface_mappings || {})[phys];
  if (type === "vxlan") return "vxlan-" + s["provider:segmentation_id"];
  if (type === "flat") return iface || "(" + phys + ")";
  if (type === "vlan") return (iface || phys) + "." + s["provider:segmentation_id"];
  return null;
}

// --- the flat view ---------------------------------------------------------------------
// Two sizes (docs/behaviour/dashboard.md §8).  Between two bars there is room for an
// address on each side of an instance box, so labels never run into boxes.
const SIZES = {
  normal: { bar: 28, label: 80, box: 124, boxH: 42, row: 58, svc: 46, svcH: 20, svcRow: 28,
    font: 13, pad: 16 },
  small: { bar: 18, label: 58, box: 84, boxH: 30, row: 40, svc: 34, svcH: 14, svcRow: 20,
    font: 10, pad: 10 },
};
const gapOf = (S) => 2 * S.label + S.box;
const widthOf = (S, nets) => 2 * S.pad + nets * (S.bar + gapOf(S));

function fitText(text, width, font) {
  const max = Math.max(4, Math.floor(width / (font * 0.6)));
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

// The address written on a wire: the first one, and how many more the balloon lists.
const wireLabel = (p) => {
  const all = ips(p);
  return all.length > 1 ? all[0] + " +" + (all.length - 1) : all[0] || "";
};

// A node the keyboard reaches too: Enter or Space opens its balloon.
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

function drawTopology(d, size, open) {
  const S = SIZES[size], scene = sceneOf(d);
  const barX = (col) => S.pad + col * (S.bar + gapOf(S));
  const svcRows = Math.max(0, ...scene.nets.map((n) =>
    scene.services.filter((p) => p.network_id === n.id).length));
  const instanceTop = S.pad + 8 + svcRows * S.svcRow + (svcRows ? 12 : 0);
  const longestLabel = Math.max(0, ...scene.nets.map((n) => barText(n, scene).length));
  const boxes = scene.routers.length + scene.instances.length;
  const height = Math.max(instanceTop + boxes * S.row + S.pad,
    longestLabel * S.font * 0.62 + 2 * S.pad + 24, 160);
  const width = widthOf(S, scene.nets.length);
  const pic = svg("svg", { viewBox: "0 0 " + width + " " + height, width, height, role: "img",
    class: "flat size-" + size, "aria-label": summary(d, scene) });
  // Bars first: the keyboard meets networks, then DHCP ports, then instances.
  scene.nets.forEach((n, col) => pic.append(drawNetwork(n, col, scene, S, barX(col), height, open)));
  for (const n of scene.nets) {
    scene.services.filter((p) => p.network_id === n.id).forEach((p, k) =>
      pic.append(drawService(p, S, barX(scene.column.get(n.id)), S.pad + 8 + k * S.svcRow, open)));
  }
  scene.routers.forEach((r, k) =>
    pic.append(drawRouter(r, scene, S, barX, instanceTop + k * S.row, open)));
  scene.instances.forEach((inst, k) =>
    pic.append(drawInstance(inst, scene, S, barX, instanceTop + (scene.routers.length + k) * S.row, open)));
  return pic;
}

function barText(n, scene) {
  const cidrs = scene.cidrs(n);
  return shortName(n) + (n["router:external"] ? " (external)" : "") + "  " +
    (cidrs.join(", ") || "no subnet");
}

// A network: a long vertical bar, its name and CIDRs written down its length.
function drawNetwork(n, col, scene, S, x, height, open) {
  const color = colorOf(n, col);
  const cidrs = scene.cidrs(n);
  const tx = x + S.bar / 2 - S.font * 0.35, ty = S.pad + 10;
  return focusable(svg("g", { class: "net" + (n["router:external"] ? " external" : ""),
    "data-network": n.id },
  svg("rect", { x, y: S.pad, width: S.bar, height: height - 2 * S.pad, rx: S.bar / 2, fill: color }),
  svg("text", { x: tx, y: ty, transform: "rotate(90 " + tx + " " + ty + ")", class: "net-label" },
    svg("tspan", { class: "net-name" }, shortName(n) + (n["router:external"] ? " (external)" : "")),
    svg("tspan", { class: "net-cidr", dx: 10 }, cidrs.join(", ") || "no subnet"))),
  "Network " + shortName(n) + ", " + (cidrs.join(", ") || "no subnet"), (g) => open("network", n, g));
}

// A DHCP port (or another port with no instance): a small node just right of its bar.
function drawService(p, S, x, y, open) {
  const from = x + S.bar, nodeX = from + 18;
  const what = isDhcp(p) ? "dhcp" : "port";
  const label = (isDhcp(p) ? "DHCP port " : "Port ") + shortName(p) +
    (p.device_owner && !isDhcp(p) ? " (" + p.device_owner + ")" : "") + ", " +
    (ips(p).join(", ") || "no address") + ", " + status(p.status);
  return focusable(svg("g", { class: portClass(p), "data-port": p.id },
    svg("line", { x1: from, y1: y + S.svcH / 2, x2: nodeX, y2: y + S.svcH / 2, class: "wire" }),
    svg("rect", { x: nodeX, y, width: S.svc, height: S.svcH, rx: S.svcH / 2 }),
    svg("text", { x: nodeX + S.svc / 2, y: y + S.svcH / 2 + S.font * 0.35, class: "svc-name" },
      fitText(what, S.svc - 6, S.font * 0.85)),
    svg("text", { x: nodeX + S.svc + 6, y: y + S.svcH / 2 + S.font * 0.35, class: "small" },
      wireLabel(p))),
  label, (g) => open("port", p, g));
}

// An instance: a box in the gap right of its leftmost network, a wire to every network
// it has a port on, broken where it passes behind another bar, the address near the bar.
function drawInstance(inst, scene, S, barX, y, open) {
  const st = instanceStatus(inst);
  const g = svg("g", { class: "instance " + st.toLowerCase(), "data-instance": inst.id });
  const boxX = drawWires(g, inst.ports, scene, S, barX, y);
  const host = inst.ports[0]["binding:host_id"];
  g.append(svg("title", {}, "Instance " + inst.id),
    svg("rect", { x: boxX, y, width: S.box, height: S.boxH, rx: 4, class: "box" }),
    svg("text", { x: boxX + 6, y: y + S.font + 3, class: "box-name" }, fitText(inst.id, S.box - 12, S.font)),
    svg("text", { x: boxX + 6, y: y + 2 * S.font + 8, class: "small" },
      fitText(status(st) + (host ? " · " + host : ""), S.box - 12, S.font * 0.85)));
  return focusable(g, "Instance " + inst.id + ", " + inst.ports.map((p) => ips(p).join(", ")).join("; ") +
    ", " + status(st), (el) => open("instance", inst, el));
}

// A router: the same box between its networks, marked as a router, named after it.
function drawRouter(r, scene, S, barX, y, open) {
  const st = r.router.status || "ACTIVE";
  const g = svg("g", { class: "router " + st.toLowerCase(), "data-router": r.id });
  const boxX = drawWires(g, r.ports, scene, S, barX, y);
  const label = "Router " + shortName(r.router);
  g.append(svg("title", {}, label),
    svg("rect", { x: boxX, y, width: S.box, height: S.boxH, rx: S.boxH / 2, class: "box" }),
    svg("text", { x: boxX + 8, y: y + S.font + 3, class: "box-name" }, fitText(shortName(r.router), S.box - 16, S.font)),
    svg("text", { x: boxX + 8, y: y + 2 * S.font + 8, class: "small" },
      fitText("router · " + status(st), S.box - 16, S.font * 0.85)));
  return focusable(g, label + ", " + r.ports.map((p) => (p.gateway ? "gateway " : "") +
    (ips(p).join(", ") || "no address") + " on " + shortName(scene.nets.find((n) => n.id === p.network_id)))
    .join("; ") + ", " + status(st), (el) => open("router", r, el));
}

// The wires of a box (an instance or a router) to each network it has a port on, broken
// where they pass behind another bar, the address near the bar.  Returns the box's x.
function drawWires(g, boxPorts, scene, S, barX, y) {
  const ports = [...boxPorts].sort((a, b) => scene.column.get(a.network_id) - scene.column.get(b.network_id));
  const home = scene.column.get(ports[0].network_id);
  const boxX = barX(home) + S.bar + S.label, boxR = boxX + S.box;
  ports.forEach((p, k) => {
    const wy = y + ((k + 1) * S.boxH) / (ports.length + 1);
    const col = scene.column.get(p.network_id);
    const left = col === home;
    const edge = left ? barX(col) + S.bar : barX(col);
    const skips = [];
    for (let c = home + 1; c < col; c++) skips.push(barX(c));
    g.append(svg("g", { class: portClass(p), "data-port": p.id },
      svg("path", { d: wirePath(left ? boxX : boxR, edge, wy, skips, S.bar), class: "wire" }),
      svg("circle", { cx: edge, cy: wy, r: S.bar > 20 ? 4 : 3 }),
      svg("text", { x: left ? edge + 6 : edge - 6, y: wy - 4, class: "small wire-ip",
        "text-anchor": left ? "start" : "end" }, wireLabel(p))));
  });
  return boxX;
}

function wirePath(from, to, y, skips, bar) {
  let d = "M" + from + " " + y;
  for (const x of skips) d += " H" + (x - 3) + " M" + (x + bar + 3) + " " + y;
  return d + " H" + to;
}

// --- the same content as text, for screen readers -----------------------------------
function summary(d, scene) {
  const count = (n, one) => n + " " + one + (n === 1 ? "" : "s");
  return "Network topology: " + count(scene.nets.length, "network") + ", " +
    (scene.routers.length ? count(scene.routers.length, "router") + ", " : "") +
    count(scene.instances.length, "instance") + ", " +
    count(scene.services.filter(isDhcp).length, "DHCP port");
}

function describe(d) {
  const scene = sceneOf(d);
  const portText = (p) => (ips(p).join(", ") || "no address") + " (" + status(p.status) + ")";
  return [h("h2", {}, "Topology as text"), h("p", {}, summary(d, scene) + "."),
    h("ul", {}, scene.nets.map((n) => h("li", {}, "Network " + shortName(n) +
      (n["router:external"] ? " (external)" : "") + ": " + (scene.cidrs(n).join(", ") || "no subnet") +
      scene.services.filter((p) => p.network_id === n.id).map((p) =>
        "; " + (isDhcp(p) ? "DHCP port " : "port ") + portText(p)).join(""))),
    scene.routers.map((r) => h("li", {}, "Router " + shortName(r.router) + ": " +
      r.ports.map((p) => (p.gateway ? "gateway " : "interface ") + (ips(p).join(", ") || "no address") +
        " on " + netName(d, p.network_id)).join("; "))),
    scene.instances.map((inst) => h("li", {}, "Instance " + inst.id + ": " +
      inst.ports.map((p) => portText(p) + " on " + netName(d, p.network_id)).join("; "))))];
}

// --- balloons (docs/behaviour/dashboard.md §8) -------------------------------------------
const deleteNetwork = (n) => api("DELETE", "/v2.0/networks/" + n.id);
const deleteSubnet = (s) => api("DELETE", "/v2.0/subnets/" + s.id);

function networkBalloon(n, d, close) {
  const subnets = d.subnets.filter((s) => s.network_id === n.id);
  const mine = canChange(n);
  return [h("h3", {}, shortName(n)),
    h("h4", {}, "Subnets"), subnets.length ? h("ul", { class: "plain" }, subnets.map((s) =>
      h("li", {}, link("project/networks/subnets/" + s.id + "/detail", shortName(s)), " " + s.cidr + " ",
        mine ? h("button", { type: "button", class: "link danger", onclick: () => { close();
          confirmDelete("Subnet", "Subnets", [s], deleteSubnet, { conflict: subnetInUse }); } },
        "Delete Subnet") : null))) : h("p", { class: "empty" }, "No subnets."),
    h("div", { class: "balloon-actions" },
      mine ? h("button", { type: "button", onclick: () => { close(); createNetwork(false, n); } },
        "+ Create Subnet") : null,
      link("project/networks/" + n.id + "/detail", "View Details"),
      mine ? h("button", { type: "button", class: "danger", onclick: () => { close();
        confirmDelete("Network", "Networks", [n], deleteNetwork, { conflict: networkInUse }); } },
      "Delete Network") : null)];
}

// An instance has no page of its own (no Nova): its ports' pages stand in.
function instanceBalloon(inst, d) {
  const host = inst.ports[0]["binding:host_id"];
  return [h("h3", {}, "Instance " + inst.id),
    h("h4", {}, "IP Addresses"), h("ul", { class: "plain" }, inst.ports.map((p) =>
      h("li", {}, (ips(p).join(", ") || "none") + " on " + netName(d, p.network_id) + " · ",
        link("project/networks/ports/" + p.id + "/detail", "View Port Details")))),
    h("p", {}, "Status: " + status(instanceStatus(inst)) + (host ? " · Host: " + host : "")),
    h("p", { class: "help" }, "Lab instances are removed with the CLI: ",
      h("code", {}, "neutrino instance delete " + inst.id))];
}

function portBalloon(p) {
  const host = p["binding:host_id"];
  return [h("h3", {}, (isDhcp(p) ? "DHCP port " : "Port ") + shortName(p)),
    h("h4", {}, "IP Addresses"), h("p", {}, ips(p).join(", ") || "none"),
    h("p", {}, "Status: " + status(p.status) + (host ? " · Host: " + host : "")),
    p.device_owner && !isDhcp(p) ? h("p", {}, "Attached device: " + p.device_owner) : null,
    isDhcp(p) && host ? h("p", { class: "help" }, "dnsmasq in namespace ",
      h("code", {}, "qdhcp-" + p.network_id), " on " + host) : null,
    h("div", { class: "balloon-actions" },
      link("project/networks/ports/" + p.id + "/detail", "View Port Details"))];
}

// A router's balloon: its interfaces and gateway, and its page.
function routerBalloon(r, d) {
  return [h("h3", {}, "Router " + shortName(r.router)),
    h("h4", {}, "Interfaces"), h("ul", { class: "plain" }, r.ports.map((p) =>
      h("li", {}, (p.gateway ? "Gateway " : "") + (ips(p).join(", ") || "no address") + " on " +
        netName(d, p.network_id)))),
    h("p", {}, "Status: " + status(r.router.status)),
    h("div", { class: "balloon-actions" },
      link("project/routers/" + r.id + "/", "View Router Details"))];
}

function balloonContent(kind, item, d, close) {
  if (kind === "network") return networkBalloon(item, d, close);
  if (kind === "router") return routerBalloon(item, d);
  if (kind === "instance") return instanceBalloon(item, d);
  return portBalloon(item);
}

// --- the dataplane per node (admin; docs/behaviour/dashboard.md §15) ---------------------
// What `brctl show` and `ip netns` list on each node, from the ports the agents wired:
// bridge brq<net[:11]>, its taps tap<port[:11]> and uplink, and the DHCP namespace.
function nodesView(d) {
  if (!session.isAdmin) return null;
  const hosts = [...new Set([...d.agents.map((a) => a.host),
    ...d.ports.map((p) => p["binding:host_id"]).filter(Boolean)])].sort();
  return h("section", { class: "nodes", "aria-label": "Nodes" }, h("h2", {}, "Nodes"),
    h("p", { class: "help" }, "Per node, the bridges, taps and namespaces the agents made — what ",
      h("code", {}, "brctl show"), " and ", h("code", {}, "ip netns"), " list there."),
    hosts.map((host) => nodeCard(d, host)));
}

const wiredOn = (d, n, host) => d.ports.filter((p) => p.network_id === n.id &&
  p["binding:host_id"] === host && p["binding:vif_type"] === "bridge");
const hostsOf = (d, n) => [...new Set(d.ports.filter((p) => p.network_id === n.id &&
  p["binding:vif_type"] === "bridge").map((p) => p["binding:host_id"]))].sort();
const dhcpHostsOf = (d, n) => [...new Set(d.ports.filter((p) => p.network_id === n.id && isDhcp(p))
  .map((p) => p["binding:host_id"]).filter(Boolean))];

function agentState(d, host, type, label) {
  const a = d.agents.find((x) => x.host === host && x.agent_type === type);
  if (!a) return null;
  return h("span", { class: a.alive ? "agent-up" : "agent-down" },
    label + (a.alive ? " alive" : " down") + (a.admin_state_up === false ? " (disabled)" : ""));
}

function nodeCard(d, host) {
  const bridgeAgent = d.agents.find((a) => a.host === host && a.agent_type === "Linux bridge agent");
  const rows = [...d.nets].sort(networkOrder).map((n) => bridgeRow(d, n, host, bridgeAgent)).filter(Boolean);
  const dhcpHere = d.ports.filter((p) => isDhcp(p) && p["binding:host_id"] === host);
  const routersHere = routerNamespaces(d, host);
  const states = [agentState(d, host, "Linux bridge agent", "Linux bridge agent"),
    agentState(d, host, "DHCP agent", "DHCP agent")].filter(Boolean);
  return h("div", { class: "node", "data-host": host },
    h("h3", {}, host, h("span", { class: "agents" }, states.length
      ? states.map((s, i) => [i ? " · " : "", s]) : h("span", { class: "agent-down" }, "no agent"))),
    rows.length ? h("table", { class: "data" }, h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, "bridge name"), h("th", { scope: "col" }, "network"),
      h("th", { scope: "col" }, "interfaces"))), h("tbody", {}, rows))
      : h("p", { class: "empty" }, "No bridges."),
    dhcpHere.length || routersHere.length ? h("div", { class: "namespaces" }, h("h4", {}, "Namespaces"),
      h("ul", { class: "plain" }, dhcpHere.map((p) => h("li", { "data-namespace": "qdhcp-" + p.network_id },
        h("code", {}, "qdhcp-" + p.network_id), " — dnsmasq of ", netName(d, p.network_id), " on ",
        h("code", {}, "ns-" + short11(p.id)), " " + ips(p).join(", ") + ", the other end of ",
        h("code", {}, "tap" + short11(p.id)))), routersHere)) : null,
    unwired(d, host), isolationNotes(d, host));
}

// The routers this node hosts (docs/behaviour/dataplane.md §8): qrouter-<router> with a
// qr- (interface) or qg- (gateway) device per port, from the router ports bound here.
function routerNamespaces(d, host) {
  const bound = d.ports.filter((p) => isRouterPort(p) && p.device_owner !== "network:floatingip" &&
    p["binding:host_id"] === host);
  const ids = [...new Set(bound.map((p) => p.device_id))].sort();
  return ids.map((id) => {
    const r = (d.routers || []).find((x) => x.id === id);
    const devices = bound.filter((p) => p.device_id === id).sort((a, b) =>
      Number(a.device_owner === "network:router_gateway") - Number(b.device_owner === "network:router_gateway"));
    return h("li", { "data-namespace": "qrouter-" + id }, h("code", {}, "qrouter-" + id),
      " — router " + (r ? shortName(r) : id) + ": ", h("ul", { class: "plain" }, devices.map((p) => {
        const dev = (p.device_owner === "network:router_gateway" ? "qg-" : "qr-") + short11(p.id);
        return h("li", { "data-device": dev }, h("code", {}, dev), " " + (ips(p).join(", ") || "no address") +
          " on " + netName(d, p.network_id) + ", the other end of ", h("code", {}, "tap" + short11(p.id)));
      })));
  });
}

// Ports bound to this node that no agent could wire (no live linux-bridge agent here,
// or a network type it does not map): they have no tap, so nothing reaches them.
function unwired(d, host) {
  const failed = d.ports.filter((p) => p["binding:host_id"] === host &&
    p["binding:vif_type"] === "binding_failed");
  return failed.length ? h("p", { class: "unwired" }, "Binding failed on this node for: " +
    failed.map((p) => "port " + shortName(p) + (p.device_id ? " of " + p.device_id : "") + " on " +
      netName(d, p.network_id)).join(", ") +
    " — no tap was made for them.") : null;
}

function bridgeRow(d, n, host, agent) {
  const taps = wiredOn(d, n, host);
  if (!taps.length) return null;
  const seg = segmentOn(n, agent);
  const up = uplinkOf(seg, agent), local = seg["provider:network_type"] === "local";
  const role = (p) => (isDhcp(p) ? "DHCP" : isInstancePort(p) ? "instance " + p.device_id
    : p.device_owner || "port");
  return h("tr", { "data-bridge": "brq" + short11(n.id) },
    h("td", {}, h("code", {}, "brq" + short11(n.id))),
    h("td", {}, shortName(n), h("span", { class: "net-type" }, " " + networkType(n) +
      (segmentsOf(n).length > 1 ? " (here: " + segmentType(seg) + ")" : "")),
      local ? h("span", { class: "island", title: "A local network never leaves its node" },
        " island") : null),
    h("td", {}, h("ul", { class: "plain" }, [
      up ? h("li", { class: "uplink" }, h("code", {}, up), " (uplink)") : null,
      ...taps.map((p) => h("li", { class: p.status === "ACTIVE" ? "up" : "down", "data-tap": "tap" + short11(p.id) },
        h("code", {}, "tap" + short11(p.id)), " — " + status(p.status) + " · " + role(p) +
        (ips(p).length ? " · " + ips(p).join(", ") : "")))])));
}

// The tutorial's lesson (docs/behaviour/tutorial.md §4, §6, §8): a local network is an
// island on each node it is wired on; two local networks never meet, even on one node; and
// no DHCP answer crosses from another node.
function isolationNotes(d, host) {
  const notes = [];
  const localHere = [...d.nets].sort(networkOrder).filter((n) => n["provider:network_type"] === "local" &&
    wiredOn(d, n, host).length);
  if (localHere.length > 1) {
    notes.push(localHere.map((n) => shortName(n)).join(", ") + " are local networks on separate " +
      "bridges: their instances cannot reach each other, even on this node.");
  }
  for (const n of localHere) {
    const others = hostsOf(d, n).filter((x) => x !== host);
    if (others.length) {
      notes.push(shortName(n) + " is also wired on " + others.join(", ") + ": a separate island " +
        "(a local network never leaves its node).");
    }
    const dhcp = dhcpHostsOf(d, n);
    const instancesHere = wiredOn(d, n, host).some(isInstancePort);
    if (dhcp.length && !dhcp.includes(host) && instancesHere) {
      notes.push(shortName(n) + ": no DHCP server on this node (it runs on " + dhcp.join(", ") +
        "), so instances here get no address from DHCP.");
    }
  }
  return notes.length ? h("ul", { class: "isolation", "aria-label": "Isolation" },
    notes.map((t) => h("li", {}, t))) : null;
}

// --- the page ---------------------------------------------------------------------------
const SIZE_KEY = "neutrino.topology.size";

// The element that has focus, as a selector that finds its successor after a redraw.
function focusKey(box) {
  const el = document.activeElement;
  if (!el || !box.contains(el)) return null;
  for (const attr of ["data-network", "data-instance", "data-router", "data-port", "data-node"]) {
    if (el.hasAttribute(attr)) return "[" + attr + '="' + CSS.escape(el.getAttribute(attr)) + '"]';
  }
  return null;
}
function redrawKeepingFocus(box, redraw) {
  const key = focusKey(box);
  redraw();
  const again = key && box.querySelector(key);
  if (again) again.focus({ preventScroll: true });
}

// A balloon over the picture (docs/behaviour/dashboard.md §8): one at a time; Escape, a
// click elsewhere or × closes it and gives the focus back to its node.  onClose: the page
// may redraw then.
function balloonHost(frame, onClose) {
  const pop = h("div", { class: "balloon", role: "dialog", "aria-label": "Details", hidden: true });
  let opener = null;
  function close() {
    if (pop.hidden) return;
    pop.hidden = true;
    if (opener && opener.isConnected) opener.focus();
    onClose();
  }
  function open(content, g) {
    opener = g;
    pop.replaceChildren(h("button", { type: "button", class: "close", "aria-label": "Close",
      onclick: close }, "×"), h("div", {}, content));
    pop.hidden = false;
    place(g);
    (pop.querySelector("a, button:not(.close)") || pop).focus();
  }
  // Right of the node (a bar is tall: near its top), kept inside the frame.
  function place(g) {
    const box = g.getBoundingClientRect(), outer = frame.getBoundingClientRect();
    let left = box.right - outer.left + 8;
    if (left > outer.width - pop.offsetWidth - 4) left = Math.max(0, box.left - outer.left - pop.offsetWidth - 8);
    pop.style.left = left + "px";
    pop.style.top = Math.max(0, box.top - outer.top + Math.min(box.height / 2, 40) - 12) + "px";
  }
  pop.addEventListener("keydown", (ev) => { if (ev.key === "Escape") close(); });
  const outside = (ev) => { if (!pop.hidden && !pop.contains(ev.target)) close(); };
  document.addEventListener("click", outside);
  frame.append(pop);
  return { open, close, isOpen: () => !pop.hidden,
    leave: () => document.removeEventListener("click", outside) };
}

// "Small" / "Normal" (docs/behaviour/dashboard.md §8): the user's choice is remembered;
// without one, small when normal does not fit the page.
function sizeControl(box, onChange) {
  const buttons = ["Small", "Normal"].map((label) => h("button", { type: "button",
    "data-size": label.toLowerCase(), onclick: () => {
      localStorage.setItem(SIZE_KEY, label.toLowerCase());
      onChange();
    } }, label));
  return {
    element: h("div", { class: "size", role: "group", "aria-label": "Size" }, buttons),
    sizeFor(d) {
      const chosen = localStorage.getItem(SIZE_KEY);
      const size = chosen === "small" || chosen === "normal" ? chosen
        : widthOf(SIZES.normal, d.nets.length) > box.clientWidth - 16 ? "small" : "normal";
      for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.size === size));
      return size;
    },
  };
}

// Search and highlight (docs/behaviour/dashboard.md §15 "Topology that scales"): nodes
// whose description does not match are dimmed, in either tab.
function highlighter(box) {
  const input = h("input", { type: "search", placeholder: "Highlight name or address",
    "aria-label": "Highlight", oninput: () => apply() });
  function apply() {
    const q = input.value.trim().toLowerCase();
    for (const node of box.querySelectorAll('[role="button"]')) {
      node.classList.toggle("dim", Boolean(q) && !node.getAttribute("aria-label").toLowerCase().includes(q));
    }
  }
  return { element: input, apply };
}

route("project/network_topology/", async (main) => {
  const asGraph = new URLSearchParams(location.search).get("tab") === "topology_tabs__graph";
  const full = await quotaFull(session.projectId, "network");
  const pictureBox = h("div", { class: "topology" });
  const frame = h("div", { class: "topology-frame" }, pictureBox);
  const textBox = h("div", { class: "topology-text" });
  const nodesBox = h("div");
  // fetched: the newest data; shown: what is on screen.  They differ while a balloon is
  // open: the picture does not move under the user's pointer.
  let fetched = "", shown = "", data = null, graph = null;
  const balloon = balloonHost(frame, () => { if (fetched !== shown) redraw(); });
  const size = sizeControl(pictureBox, () => redraw());
  const highlight = highlighter(pictureBox);
  const tools = h("div", { class: "topology-tools" }, asGraph ? null : size.element, highlight.element);
  const open = (kind, item, g) => balloon.open(balloonContent(kind, item, data, balloon.close), g);
  const openGraphNode = (n, g) => (n.kind === "network" ? open("network", n.item, g)
    : n.kind === "instance" ? open("instance", { id: n.label, ports: n.ports }, g)
      : n.kind === "router" ? open("router", n.item, g) : open("port", n.item, g));

  function redraw() {
    if (!data) return;
    shown = fetched;
    const d = data;
    tools.hidden = !d.nets.length;
    textBox.replaceChildren(...(d.nets.length ? describe(d) : []));
    nodesBox.replaceChildren(nodesView(d) || "");
    if (!d.nets.length) {
      pictureBox.replaceChildren(h("p", { class: "empty" }, "There are no networks, and no " +
        "instances connected to networks, to draw."));
      if (graph) { graph.stop(); graph = null; }
    } else if (asGraph && graph) {
      graph.update(d);
    } else if (asGraph) {
      graph = graphView(d, openGraphNode, networkColors);
      pictureBox.replaceChildren(graph.element);
    } else {
      const picture = drawTopology(d, size.sizeFor(d), open);
      redrawKeepingFocus(pictureBox, () => pictureBox.replaceChildren(picture));
    }
    highlight.apply();
  }
  async function refresh() {
    const d = await topologyData();
    const key = JSON.stringify(d);
    if (key === fetched) return;      // nothing changed: nothing to draw
    fetched = key;
    data = d;
    if (!balloon.isOpen()) redraw();
  }

  // Two tabs (docs/behaviour/dashboard.md §8): the flat "Topology" and the force-directed
  // "Graph".
  const tab = (key, title, on) => h("a", { href: ROOT + "project/network_topology/?tab=topology_tabs__" +
    key, "data-link": true, role: "tab", "aria-selected": on ? "true" : "false" }, title);
  main.replaceChildren(h("div", { class: "title-row" }, h("h1", {}, "Network Topology"),
    h("div", { class: "table-actions" }, h("button", { type: "button", class: "primary",
      disabled: full.network, onclick: () => createNetwork(false) },
    full.network ? "+ Create Network (Quota exceeded)" : "+ Create Network"))),
  h("div", { class: "tabs", role: "tablist" }, tab("topology", "Topology", !asGraph),
    tab("graph", "Graph", asGraph)),
  tools, frame, textBox, nodesBox);
  try {
    await refresh();
  } catch (e) {
    balloon.leave();
    throw e;
  }
  poll(pictureBox, refresh, () => { if (graph) graph.stop(); balloon.leave(); });
});

// Live updates (docs/behaviour/dashboard.md §15).  The server offers users neither
// ETag/If-None-Match on lists nor a change feed (GET /agent/v1/changes is for agents), so
// the page asks every 2 s — one round at a time, not while the tab is hidden (and at once
// when it shows again), and redraws only when the answer changed.  It stops when the page
// is left.
function poll(anchor, refresh, leave) {
  let busy = false;
  async function tick() {
    if (!anchor.isConnected) { stop(); return; }
    if (busy || document.visibilityState === "hidden") return;
    busy = true;
    try { await refresh(); } catch (e) { /* the next round tries again */ } finally { busy = false; }
  }
  const onVisibility = () => { if (document.visibilityState === "visible") tick(); };
  const timer = setInterval(tick, POLL_MS);
  document.addEventListener("visibilitychange", onVisibility);
  function stop() {
    clearInterval(timer);
    document.removeEventListener("visibilitychange", onVisibility);
    leave();
  }
}
