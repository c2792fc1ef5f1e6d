// The topology's "Graph" tab (docs/behaviour/dashboard.md §8): networks, instances, routers
// and DHCP ports as nodes, ports (and routers' gateways) as edges, laid out by a small force simulation.  The wheel zooms,
// dragging the background pans, nodes can be dragged.  "Toggle Labels" and "Toggle Network
// Collapse" are remembered in localStorage.  The simulation stops once it settles, and for
// good when the page is left, so an idle page costs nothing.  Live updates that only change
// a status repaint in place; a node being dragged is not disturbed by them.
import { h, shortName } from "./core.js";

const SVGNS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children.flat(Infinity)) {
    if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const setting = (key) => localStorage.getItem("neutrino.graph." + key) === "1";
const remember = (key, on) => localStorage.setItem("neutrino.graph." + key, on ? "1" : "0");

// Ports a router (or a floating IP) owns: drawn as the router's wires, not as nodes.
const isRouterPort = (p) => (p.device_owner || "").startsWith("network:router_") ||
  p.device_owner === "network:floatingip";
const isGatewayPort = (p) => p.device_owner === "network:router_gateway";

// Routers, for both tabs (docs/behaviour/dashboard.md §8): their interface ports, and the
// gateway from the router (a member cannot read the gateway port).
function routersOf(d) {
  return (d.routers || []).map((r) => {
    const ports = d.ports.filter((p) => p.device_id === r.id && isRouterPort(p) && !isGatewayPort(p));
    const gw = r.external_gateway_info;
    if (gw) {
      const real = d.ports.find((p) => p.device_id === r.id && isGatewayPort(p));
      ports.push({ ...(real || {}), id: real ? real.id : "gateway-" + r.id, network_id: gw.network_id,
        fixed_ips: gw.external_fixed_ips || [], status: real ? real.status : r.status, gateway: true });
    }
    return { id: r.id, router: r, ports };
  });
}

// Nodes and edges of the picture.  Collapsed, a network's instances fold into it and
// it shows how many there are.
function graphOf(d, collapsed) {
  const nodes = new Map(), edges = [];
  for (const n of d.nets) {
    nodes.set("n:" + n.id, { id: "n:" + n.id, kind: "network", label: shortName(n), item: n,
      count: 0 });
  }
  for (const p of d.ports) {
    const net = nodes.get("n:" + p.network_id);
    if (!net) continue;
    const owner = p.device_owner || "";
    if (owner.startsWith("compute:") && p.device_id) {
      if (collapsed) { net.count++; continue; }
      const id = "i:" + p.device_id;
      if (!nodes.has(id)) nodes.set(id, { id, kind: "instance", label: p.device_id, ports: [] });
      nodes.get(id).ports.push(p);
      edges.push({ from: id, to: net.id, port: p });
    } else if (owner === "network:dhcp") {
      const id = "p:" + p.id;
      nodes.set(id, { id, kind: "dhcp", label: "dhcp", item: p });
      edges.push({ from: id, to: net.id, port: p });
    }
  }
  for (const r of routersOf(d)) {
    const wired = r.ports.filter((p) => nodes.has("n:" + p.network_id));
    if (!wired.length) continue;
    const id = "r:" + r.id;
    nodes.set(id, { id, kind: "router", label: shortName(r.router), item: { ...r, ports: wired } });
    for (const p of wired) edges.push({ from: id, to: "n:" + p.network_id, port: p });
  }
  return { nodes: [...nodes.values()], edges };
}

// One step of the simulation: nodes push each other apart, edges pull like springs,
// everything drifts to the middle.  Returns how much moved, to know when to stop.
function step(nodes, edges, byId, alpha) {
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i], b = nodes[j];
      let dx = b.x - a.x, dy = b.y - a.y;
      const d2 = Math.max(dx * dx + dy * dy, 25);
      const f = (2400 / d2) * alpha;
      dx *= f / Math.sqrt(d2); dy *= f / Math.sqrt(d2);
      a.vx -= dx; a.vy -= dy; b.vx += dx; b.vy += dy;
    }
  }
  for (const e of edges) {
    const a = byId.get(e.from), b = byId.get(e.to);
    const dx = b.x - a.x, dy = b.y - a.y, dist = Math.max(Math.hypot(dx, dy), 1);
    const f = ((dist - 110) / dist) * 0.08 * alpha;
    a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
  }
  let moved = 0;
  for (const n of nodes) {
    n.vx -= n.x * 0.01 * alpha; n.vy -= n.y * 0.01 * alpha;
    if (n.fixed) { n.vx = n.vy = 0; continue; }
    n.vx *= 0.6; n.vy *= 0.6;
    n.x += n.vx; n.y += n.vy;
    moved += Math.abs(n.vx) + Math.abs(n.vy);
  }
  return moved;
}

// A network's node in its colour (set through the CSSOM: the dashboard's CSP refuses
// style attributes).
function networkSquare(color) {
  const rect = svg("rect", { x: -16, y: -16, width: 32, height: 32, rx: 6 });
  if (color) rect.style.fill = color;
  return rect;
}

// colorsOf(d): a Map of network id to colour, so a network looks the same in both tabs.
function graphView(d, open, colorsOf = () => new Map()) {
  let labels = !setting("nolabels"), collapsed = setting("collapsed");
  let view = { x: 0, y: 0, k: 1 }, frame = 0, alpha = 1, stopped = false, centered = false;
  let nodes = [], edges = [], byId = new Map(), shape = "", dragging = false, pending = false;
  const layer = svg("g", { class: "layer" });
  const pic = svg("svg", { class: "graph", role: "img", width: "100%", height: 520 }, layer);
  const place = () => layer.setAttribute("transform",
    "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")");

  function build() {
    const old = new Map(nodes.map((n) => [n.id, n]));
    ({ nodes, edges } = graphOf(d, collapsed));
    // Start from where nodes were, or on a circle: the same picture for the same data.
    nodes.forEach((n, i) => {
      const before = old.get(n.id);
      const angle = (2 * Math.PI * i) / Math.max(nodes.length, 1);
      Object.assign(n, before ? { x: before.x, y: before.y } : { x: 180 * Math.cos(angle),
        y: 180 * Math.sin(angle) }, { vx: 0, vy: 0 });
    });
    byId = new Map(nodes.map((n) => [n.id, n]));
    const before = shape;
    shape = nodes.map((n) => n.id).join() + "|" + edges.map((e) => e.port.id).join();
    pic.setAttribute("aria-label", "Graph of " + nodes.filter((n) => n.kind === "network").length +
      " networks, " + nodes.filter((n) => n.kind === "router").length + " routers and " +
      nodes.filter((n) => n.kind === "instance").length + " instances");
    pic.classList.toggle("no-labels", !labels);
    draw();
    if (shape !== before) heat(1);      // a status change alone moves nothing
  }

  function draw() {
    // A redraw keeps keyboard focus on the same node.
    const focused = layer.contains(document.activeElement) && document.activeElement.dataset.node;
    const colors = colorsOf(d);
    layer.replaceChildren(
      ...edges.map((e) => svg("line", { class: "edge " + (e.port.status || "").toLowerCase(),
        "data-port": e.port.id })),
      ...nodes.map((n) => {
        const g = svg("g", { class: "gnode " + n.kind, "data-node": n.id, tabindex: 0,
          role: "button", "aria-label": n.kind + " " + n.label },
        n.kind === "network" ? networkSquare(colors.get(n.item.id))
          : n.kind === "router" ? svg("rect", { x: -14, y: -10, width: 28, height: 20, rx: 10 })
            : svg("circle", { r: n.kind === "dhcp" ? 7 : 12 }),
        svg("text", { class: "label", x: 18, y: 4 }, n.label + (n.kind === "network" && collapsed
          ? " (" + n.count + (n.count === 1 ? " instance)" : " instances)") : "")));
        g.addEventListener("pointerdown", (ev) => dragNode(ev, n));
        g.addEventListener("click", (ev) => {
          ev.stopPropagation();
          if (n.dragged) n.dragged = false;
          else open(n, g);
        });
        g.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(n, g); }
        });
        return g;
      }));
    paint();
    const again = focused && layer.querySelector('[data-node="' + CSS.escape(focused) + '"]');
    if (again) again.focus({ preventScroll: true });
  }

  // Positions only: the elements stay, so focus and listeners survive every frame.
  function paint() {
    const lines = layer.querySelectorAll("line.edge");
    edges.forEach((e, i) => {
      const a = byId.get(e.from), b = byId.get(e.to);
      lines[i].setAttribute("x1", a.x); lines[i].setAttribute("y1", a.y);
      lines[i].setAttribute("x2", b.x); lines[i].setAttribute("y2", b.y);
    });
    layer.querySelectorAll("g.gnode").forEach((g, i) =>
      g.setAttribute("transform", "translate(" + nodes[i].x + "," + nodes[i].y + ")"));
  }

  function tick() {
    frame = 0;
    if (stopped) return;
    if (!pic.isConnected) { stopped = true; return; }     // the page was left
    const moved = step(nodes, edges, byId, alpha);
    alpha *= 0.985;
    paint();
    if (moved > 0.05 * nodes.length && alpha > 0.02) frame = requestAnimationFrame(tick);
    else {
      pic.dataset.settled = "true";
      if (!centered) { centered = true; center(); }    // the first layout fills the view
    }
  }
  function heat(a) {
    alpha = Math.max(alpha, a);
    delete pic.dataset.settled;
    if (!frame && !stopped) frame = requestAnimationFrame(tick);
  }

  // Dragging: a node follows the pointer (and the others make room); the background pans.
  const toGraph = (ev) => {
    const box = pic.getBoundingClientRect();
    return { x: (ev.clientX - box.left - view.x) / view.k, y: (ev.clientY - box.top - view.y) / view.k };
  };
  function dragNode(ev, n) {
    ev.stopPropagation();
    const start = { x: ev.clientX, y: ev.clientY };
    let moved = false;
    dragging = true;
    const move = (e) => {
      if (Math.abs(e.clientX - start.x) + Math.abs(e.clientY - start.y) > 3) moved = true;
      if (!moved) return;
      Object.assign(n, toGraph(e), { fixed: true });
      heat(0.3);
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      n.fixed = false;
      n.dragged = moved;     // the click that ends a drag opens nothing
      dragging = false;
      if (pending) { pending = false; build(); }
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }
  pic.addEventListener("pointerdown", (ev) => {
    const start = { x: ev.clientX - view.x, y: ev.clientY - view.y };
    const move = (e) => { view.x = e.clientX - start.x; view.y = e.clientY - start.y; place(); };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  });
  pic.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const box = pic.getBoundingClientRect();
    const px = ev.clientX - box.left, py = ev.clientY - box.top;
    const k = Math.min(4, Math.max(0.2, view.k * Math.exp(-ev.deltaY * 0.001)));
    view.x = px - ((px - view.x) * k) / view.k;
    view.y = py - ((py - view.y) * k) / view.k;
    view.k = k;
    place();
  }, { passive: false });

  function center() {
    const box = pic.getBoundingClientRect();
    const xs = nodes.map((n) => n.x), ys = nodes.map((n) => n.y);
    const w = Math.max(...xs, 1) - Math.min(...xs, 0) + 200, hgt = Math.max(...ys, 1) - Math.min(...ys, 0) + 120;
    view.k = Math.min(1.5, Math.max(0.2, Math.min(box.width / w, box.height / hgt)));
    view.x = box.width / 2 - ((Math.max(...xs) + Math.min(...xs)) / 2) * view.k;
    view.y = box.height / 2 - ((Math.max(...ys) + Math.min(...ys)) / 2) * view.k;
    place();
  }

  const toggle = (label, run) => h("button", { type: "button", onclick: run }, label);
  const element = h("div", { class: "graph-view" },
    h("div", { class: "table-actions" },
      toggle("Toggle Labels", () => {
        labels = !labels; remember("nolabels", !labels); pic.classList.toggle("no-labels", !labels);
      }),
      toggle("Toggle Network Collapse", () => {
        collapsed = !collapsed; remember("collapsed", collapsed); build();
      }),
      toggle("Center Topology", center)),
    pic);
  view = { x: 400, y: 260, k: 1 };
  place();
  build();
  return {
    element,
    // New data from the live refresh: same nodes keep their places.
    update(next) {
      d = next;
      if (dragging) pending = true;     // applied when the node is let go
      else build();
    },
    stop() { stopped = true; if (frame) cancelAnimationFrame(frame); },
  };
}

export { graphView, graphOf, routersOf, isRouterPort };
