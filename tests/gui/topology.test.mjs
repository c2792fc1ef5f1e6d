// The Network Topology page (docs/behaviour/dashboard.md §8, §15; harness.mjs): networks as
// bars and lab instances as one box wired to every network they are on, balloons by mouse
// and keyboard, creating and deleting from the page, the sizes, the Graph tab, the text for
// screen readers, and for admins the dataplane per node, followed live.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup, url, browser, http, token, shot, signIn, makeNetwork } from "./harness.mjs";

setup();

const topologyPage = async (user, project, viewport = { width: 1280, height: 800 }) => {
  const page = await browser.newPage({ viewport });
  await signIn(page, user, project);
  await page.goto(url + "/dashboard/project/network_topology/");
  await page.getByRole("heading", { name: "Network Topology", level: 1 }).waitFor();
  return page;
};

// A lab instance's port, as `neutrino instance launch` makes it (README,
// docs/behaviour/dashboard.md §13).
async function instancePort(tok, net, device, ip, extra = {}) {
  const r = await http("POST", "/v2.0/ports", { port: { network_id: net.id,
    device_owner: "compute:nova", device_id: device, fixed_ips: [{ ip_address: ip }], ...extra } }, tok);
  assert.equal(r.status, 201, JSON.stringify(r.data));
  return r.data.port;
}

test("an empty project gets a notice instead of a picture", async () => {
  // A project of its own, with demo as a member: nothing in it to draw.
  const admin = await token("admin", "admin");
  const project = (await http("POST", "/identity/v3/projects", { project: { name: "topo_empty" } },
    admin)).data.project;
  const user = (await http("GET", "/identity/v3/users?name=demo", null, admin)).data.users[0];
  const role = (await http("GET", "/identity/v3/roles?name=member", null, admin)).data.roles[0];
  assert.equal((await http("PUT", "/identity/v3/projects/" + project.id + "/users/" + user.id +
    "/roles/" + role.id, null, admin)).status, 204);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "demo", "topo_empty");
  await page.getByRole("link", { name: "Network Topology" }).click();
  await page.getByText("There are no networks, and no instances connected to networks, to draw.").waitFor();
  assert.equal(await page.locator(".topology svg").count(), 0);
  await shot(page, "topology-00-empty");
  await page.close();
});

test("an instance on two networks is one box wired to both bars, with its addresses", async () => {
  const demo = await token("demo", "demo");
  const { net: front } = await makeNetwork("topo_front", "10.70.0.0/24", demo);
  const { net: back } = await makeNetwork("topo_back", "10.71.0.0/24", demo);
  const ports = [await instancePort(demo, front, "lab-web-1", "10.70.0.10"),
    await instancePort(demo, back, "lab-web-1", "10.71.0.10")];
  const page = await topologyPage("demo", "demo");
  const box = page.locator('g.instance[data-instance="lab-web-1"]');
  await box.waitFor();
  assert.equal(await page.locator("g.instance").count(), 1);
  for (const p of ports) assert.equal(await box.locator('g[data-port="' + p.id + '"] path.wire').count(), 1);
  const text = await box.textContent();
  assert.ok(text.includes("10.70.0.10") && text.includes("10.71.0.10"), text);
  // The bars: a name and the CIDRs each, and the picture says what it holds.
  assert.match(await page.locator('g.net[data-network="' + front.id + '"]').textContent(), /topo_front.*10\.70\.0\.0\/24/);
  assert.equal(await page.getByRole("img", { name: "Network topology: 2 networks, 1 instance, 0 DHCP ports" }).count(), 1);
  // The same as text for screen readers.
  const words = await page.locator(".topology-text").textContent();
  assert.ok(words.includes("Network topo_front: 10.70.0.0/24"), words);
  for (const part of ["Instance lab-web-1: ", "10.70.0.10 (Down) on topo_front", "10.71.0.10 (Down) on topo_back"]) {
    assert.ok(words.includes(part), words);
  }
  await shot(page, "topology-01-instance");

  // Highlight: what does not match dims.
  await page.getByLabel("Highlight").fill("10.71.0");
  await page.locator('g.net.dim[data-network="' + front.id + '"]').waitFor();
  assert.equal(await page.locator('g.net.dim[data-network="' + back.id + '"]').count(), 0);
  assert.equal(await page.locator("g.instance.dim").count(), 0);
  await shot(page, "topology-01b-highlight");
  await page.getByLabel("Highlight").fill("");
  await page.locator("g.dim").first().waitFor({ state: "detached" });

  // The instance's balloon lists both addresses and links to the ports; no delete.
  await box.locator("rect.box").click();
  const pop = page.getByRole("dialog", { name: "Details" });
  await pop.getByText("Instance lab-web-1").waitFor();
  assert.equal(await pop.getByRole("link", { name: "View Port Details" }).count(), 2);
  assert.equal(await pop.getByRole("button", { name: "Delete Instance" }).count(), 0);
  await pop.getByText("neutrino instance delete lab-web-1").waitFor();
  await page.keyboard.press("Escape");
  await pop.waitFor({ state: "hidden" });

  // Keyboard: Tab from the highlight box reaches the first network; Enter opens its
  // balloon, Escape closes it and gives the focus back.
  await page.getByLabel("Highlight").focus();
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement.getAttribute("data-network"));
  assert.ok([front.id, back.id].includes(focused), String(focused));
  await page.keyboard.press("Enter");
  await pop.getByRole("heading", { name: focused === front.id ? "topo_front" : "topo_back" }).waitFor();
  await page.keyboard.press("Escape");
  await pop.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("data-network")), focused);

  // Enter on topo_front: its subnet; "+ Create Subnet" opens the wizard on it.
  await page.locator('g.net[data-network="' + front.id + '"]').focus();
  await page.keyboard.press("Enter");
  await pop.getByText("10.70.0.0/24").waitFor();
  await shot(page, "topology-02-network-balloon");
  await pop.getByRole("button", { name: "+ Create Subnet" }).click();
  const wizard = page.getByRole("dialog", { name: "Create Subnet" });
  await wizard.waitFor();
  await wizard.getByRole("button", { name: "Cancel" }).click();
  await page.close();
});

test("Small and Normal: small by itself when normal does not fit, the choice remembered", async () => {
  const page = await topologyPage("demo", "demo", { width: 900, height: 800 });
  await page.locator("svg.flat.size-small").waitFor();
  assert.equal(await page.getByRole("button", { name: "Small" }).getAttribute("aria-pressed"), "true");
  await page.getByRole("button", { name: "Normal" }).click();
  await page.locator("svg.flat.size-normal").waitFor();
  await page.reload();
  await page.locator("svg.flat.size-normal").waitFor();
  assert.equal(await page.getByRole("button", { name: "Normal" }).getAttribute("aria-pressed"), "true");
  await page.getByRole("button", { name: "Small" }).click();
  await page.locator("svg.flat.size-small").waitFor();
  await shot(page, "topology-04-small");
  await page.close();
});

test("+ Create Network opens the wizard and the new network is drawn", async () => {
  const page = await topologyPage("demo", "demo");
  await page.locator("g.net").first().waitFor();
  await page.getByRole("button", { name: "+ Create Network" }).click();
  await page.getByLabel("Network Name").fill("topo_new");
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByLabel("Network Address").fill("10.73.0.0/24");
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.getByText('Created network "topo_new"').waitFor();
  await page.getByRole("button", { name: "Network topo_new, 10.73.0.0/24" }).waitFor();
  const demo = await token("demo", "demo");
  const net = (await http("GET", "/v2.0/networks?name=topo_new", null, demo)).data.networks[0];
  assert.equal((await http("DELETE", "/v2.0/networks/" + net.id, null, demo)).status, 204);
  await page.close();
});

test("deleting a network from its balloon asks, deletes, and redraws", async () => {
  const demo = await token("demo", "demo");
  const { net } = await makeNetwork("topo_doomed", "10.72.0.0/24", demo);
  const page = await topologyPage("demo", "demo");
  const node = page.locator('g.net[data-network="' + net.id + '"]');
  await node.locator("rect").click();
  await page.getByRole("dialog", { name: "Details" }).getByRole("button", { name: "Delete Network" }).click();
  await page.getByRole("dialog", { name: "Confirm Delete Network" })
    .getByRole("button", { name: "Delete Network" }).click();
  await page.getByText("Deleted Network: topo_doomed").waitFor();
  await node.waitFor({ state: "detached" });
  assert.equal((await http("GET", "/v2.0/networks/" + net.id, null, demo)).status, 404);
  await page.close();
});

test("the Graph tab: nodes and edges, collapse shows counts, labels toggle and are remembered", async () => {
  const page = await topologyPage("demo", "demo");
  await page.getByRole("tab", { name: "Graph" }).click();
  const graph = page.locator("svg.graph");
  await graph.waitFor();
  // From the earlier tests: topo_front and topo_back, and lab-web-1 on both.
  await page.locator('g.gnode.instance[data-node="i:lab-web-1"]').waitFor();
  assert.equal(await page.locator("g.gnode.network").count(), 2);
  assert.equal(await page.locator("line.edge").count(), 2);
  await page.locator('svg.graph[data-settled="true"]').waitFor({ timeout: 15000 });
  await shot(page, "topology-03-graph");

  await page.getByRole("button", { name: "Toggle Network Collapse" }).click();
  await page.locator("g.gnode.instance").first().waitFor({ state: "detached" });
  assert.equal(await page.locator("line.edge").count(), 0);
  await page.getByText("topo_front (1 instance)").waitFor();
  await page.getByRole("button", { name: "Toggle Labels" }).click();
  assert.equal(await page.locator("svg.graph.no-labels").count(), 1);

  // Remembered: a reload comes back collapsed and without labels.
  await page.reload();
  await page.locator("svg.graph.no-labels").waitFor();
  assert.equal(await page.locator("g.gnode.instance").count(), 0);
  await page.getByRole("button", { name: "Toggle Labels" }).click();
  await page.getByRole("button", { name: "Toggle Network Collapse" }).click();
  await page.locator("g.gnode.instance").waitFor();

  // A node opens its balloon by keyboard, as in the flat view.
  await page.locator('g.gnode.instance[data-node="i:lab-web-1"]').focus();
  await page.keyboard.press("Enter");
  await page.getByRole("dialog", { name: "Details" }).getByText("Instance lab-web-1").waitFor();
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Center Topology" }).click();
  await page.close();
});

test("admin: the dataplane per node, and a port coming up, followed without a reload", async () => {
  const demo = await token("demo", "demo");
  const admin = await token("admin", "admin");
  const agent = await token("neutrino-agent", "service");
  const demoId = (await http("GET", "/identity/v3/projects?name=demo", null, admin)).data.projects[0].id;
  const { net } = await makeNetwork("topo_live", "10.74.0.0/24", demo);
  // The DHCP agent on the controller serves it; a lab instance is on the compute node.
  const served = await http("POST", "/agent/v1/dhcp/network", { host: "controller", network_id: net.id }, agent);
  assert.equal(served.status, 200, JSON.stringify(served.data));
  const dhcpPort = served.data.dhcp_port;
  const port = await instancePort(admin, net, "lab-live-1", "10.74.0.20",
    { project_id: demoId, "binding:host_id": "compute" });
  assert.equal(port["binding:vif_type"], "bridge");
  const bridge = "brq" + net.id.slice(0, 11), tap = "tap" + port.id.slice(0, 11);
  // One more bound to a node with no agent: nothing can wire it.
  const lost = await instancePort(admin, net, "lab-lost-1", "10.74.0.30",
    { project_id: demoId, "binding:host_id": "spare" });
  assert.equal(lost["binding:vif_type"], "binding_failed");

  const page = await topologyPage("admin", "admin");
  const box = page.locator('g.instance[data-instance="lab-live-1"]');
  await box.waitFor();
  assert.ok(!(await box.getAttribute("class")).includes("active"));
  // brctl show on compute: the network's bridge with the instance's tap; ip netns on
  // the controller: the DHCP namespace; and why the instance gets no lease there.
  const compute = page.locator('.node[data-host="compute"]');
  assert.match(await compute.locator('tr[data-bridge="' + bridge + '"]').innerText(),
    new RegExp(tap + ".*instance lab-live-1"));
  await compute.getByText("topo_live: no DHCP server on this node (it runs on controller)").waitFor();
  const controller = page.locator('.node[data-host="controller"]');
  assert.match(await controller.locator('tr[data-bridge="' + bridge + '"]').innerText(),
    new RegExp("tap" + dhcpPort.id.slice(0, 11) + ".*DHCP"));
  await controller.locator('[data-namespace="qdhcp-' + net.id + '"]').waitFor();
  await compute.getByText("topo_live is also wired on controller").waitFor();
  assert.match(await page.locator('.node[data-host="spare"] .unwired').innerText(),
    /Binding failed on this node for: port \(.*\) of lab-lost-1 on topo_live/);
  await page.locator('.node[data-host="spare"]').getByText("no agent").waitFor();
  await shot(page, "topology-05-dataplane");

  // The DHCP node: its address and its node.
  const pop = page.getByRole("dialog", { name: "Details" });
  await page.locator('g.port.dhcp[data-port="' + dhcpPort.id + '"] rect').click();
  await pop.getByText("10.74.0.2").waitFor();
  await pop.getByText("Host: controller").waitFor();
  await page.keyboard.press("Escape");
  await pop.waitFor({ state: "hidden" });

  // dnsmasq on the controller has the instance's host entry; the agent on compute wires
  // the tap and reports it up: the port turns ACTIVE.  While a balloon is open the
  // picture holds still; closing it shows the news.
  await box.locator("rect.box").click();
  await pop.getByText("Instance lab-live-1").waitFor();
  const polled = () => page.waitForResponse((r) => r.url().endsWith("/v2.0/ports"));
  const ready = await http("POST", "/agent/v1/dhcp/ready", { host: "controller", ports: [port.id] }, agent);
  assert.equal(ready.status, 200, JSON.stringify(ready.data));
  await http("POST", "/agent/v1/devices", { host: "compute", devices: [tap] }, agent);
  const up = await http("POST", "/agent/v1/devices/status", { host: "compute", up: [tap], down: [] }, agent);
  assert.equal(up.status, 200, JSON.stringify(up.data));
  assert.equal((await http("GET", "/v2.0/ports/" + port.id, null, admin)).data.port.status, "ACTIVE");
  await polled();
  await polled();      // this one surely asked after the port came up
  assert.ok(!(await box.getAttribute("class")).includes("active"));
  await page.keyboard.press("Escape");
  await page.locator('g.instance.active[data-instance="lab-live-1"]').waitFor();
  await page.locator('g.port.active[data-port="' + port.id + '"]').waitFor();
  await compute.locator('li.up[data-tap="' + tap + '"]').waitFor();
  await shot(page, "topology-06-port-up");
  await page.close();
});

test("routers: a box between the networks they join, in both tabs; their namespace per node", async () => {
  const demo = await token("demo", "demo");
  const admin = await token("admin", "admin");
  const ext = (await http("POST", "/v2.0/networks", { network: { name: "topo_public",
    "router:external": true, "provider:network_type": "local" } }, admin)).data.network;
  assert.equal((await http("POST", "/v2.0/subnets", { subnet: { network_id: ext.id,
    cidr: "198.51.100.0/24", ip_version: 4 } }, admin)).status, 201);
  const { net: inner, subnet } = await makeNetwork("topo_inner", "10.80.0.0/24", demo);
  const r = (await http("POST", "/v2.0/routers", { router: { name: "topo-r1",
    external_gateway_info: { network_id: ext.id } } }, demo)).data.router;
  const gatewayIp = r.external_gateway_info.external_fixed_ips[0].ip_address;
  const added = await http("PUT", "/v2.0/routers/" + r.id + "/add_router_interface",
    { subnet_id: subnet.id }, demo);
  assert.equal(added.status, 200, JSON.stringify(added.data));
  const ifPort = added.data.port_id;

  // The member's picture: one router box, a wire to the inner network with the interface's
  // address and one to the external network with the gateway's; the interface port is no
  // node of its own.
  const page = await topologyPage("demo", "demo");
  const box = page.locator('g.router[data-router="' + r.id + '"]');
  await box.waitFor();
  assert.equal(await box.locator('g[data-port="' + ifPort + '"] path.wire').count(), 1);
  assert.equal(await box.locator("path.wire").count(), 2);
  const text = await box.textContent();
  assert.ok(text.includes("10.80.0.1") && text.includes(gatewayIp) && text.includes("topo-r1"), text);
  assert.equal(await page.locator('svg.flat > g.port[data-port="' + ifPort + '"]').count(), 0);
  assert.match(await page.locator(".topology-text").innerText(),
    new RegExp("Router topo-r1: interface 10\\.80\\.0\\.1 on topo_inner; gateway " + gatewayIp.replace(/\./g, "\\.") + " on topo_public"));
  const pop = page.getByRole("dialog", { name: "Details" });
  await box.locator("rect.box").click();
  await pop.getByText("Router topo-r1").waitFor();
  await pop.getByText("Gateway " + gatewayIp + " on topo_public").waitFor();
  await shot(page, "topology-07-router");
  await pop.getByRole("link", { name: "View Router Details" }).click();
  await page.getByRole("heading", { name: "topo-r1", level: 1 }).waitFor();

  // The Graph tab: the router a node, its interface and gateway edges to both networks.
  await page.goto(url + "/dashboard/project/network_topology/?tab=topology_tabs__graph");
  const node = page.locator('g.gnode.router[data-node="r:' + r.id + '"]');
  await node.waitFor();
  assert.equal(await page.locator('line.edge[data-port="' + ifPort + '"]').count(), 1);
  assert.equal(await page.locator('line.edge[data-port="gateway-' + r.id + '"]').count(), 1);
  await page.close();

  // The admin's dataplane: once the router's ports are bound to a node, that node shows
  // the qrouter- namespace with its qr- and qg- devices.
  const gwPort = (await http("GET", "/v2.0/ports?device_owner=network:router_gateway&device_id=" + r.id,
    null, admin)).data.ports[0];
  for (const id of [ifPort, gwPort.id]) {
    const bound = await http("PUT", "/v2.0/ports/" + id, { port: { "binding:host_id": "controller" } }, admin);
    assert.equal(bound.status, 200, JSON.stringify(bound.data));
  }
  const adminPage = await topologyPage("admin", "admin");
  const ns = adminPage.locator('.node[data-host="controller"] [data-namespace="qrouter-' + r.id + '"]');
  await ns.waitFor();
  assert.match(await ns.locator('[data-device="qr-' + ifPort.slice(0, 11) + '"]').innerText(),
    /10\.80\.0\.1 on topo_inner, the other end of tap/);
  assert.match(await ns.locator('[data-device="qg-' + gwPort.id.slice(0, 11) + '"]').innerText(),
    new RegExp(gatewayIp.replace(/\./g, "\\.") + " on topo_public"));
  await shot(adminPage, "topology-08-qrouter");
  await adminPage.close();

  await http("PUT", "/v2.0/routers/" + r.id + "/remove_router_interface", { subnet_id: subnet.id }, demo);
  assert.equal((await http("DELETE", "/v2.0/routers/" + r.id, null, demo)).status, 204);
  await http("DELETE", "/v2.0/networks/" + inner.id, null, demo);
  await http("DELETE", "/v2.0/networks/" + ext.id, null, admin);
});

test("admin: a network of two segments is wired on each node by the segment its agent carries", async () => {
  const admin = await token("admin", "admin");
  const agent = await token("neutrino-agent", "service");
  // compute maps the physical network "provider"; the controller has a vxlan endpoint.
  for (const [host, configurations] of [["compute", { interface_mappings: { provider: "eth1" } }],
    ["controller", { interface_mappings: {}, tunneling_ip: "192.0.2.11", tunnel_types: ["vxlan"] }]]) {
    const r = await http("POST", "/agent/v1/report", { agent: { agent_type: "Linux bridge agent",
      binary: "neutron-linuxbridge-agent", host, topic: "N/A", configurations } }, agent);
    assert.equal(r.status, 200, JSON.stringify(r.data));
  }
  const made = await http("POST", "/v2.0/networks", { network: { name: "topo_multi", segments: [
    { "provider:network_type": "vxlan", "provider:segmentation_id": 1777 },
    { "provider:network_type": "flat", "provider:physical_network": "provider" }] } }, admin);
  assert.equal(made.status, 201, JSON.stringify(made.data));
  const net = made.data.network;
  const ports = {};
  try {
    assert.equal((await http("POST", "/v2.0/subnets", { subnet: { network_id: net.id,
      cidr: "10.83.0.0/24", ip_version: 4 } }, admin)).status, 201);
    for (const host of ["compute", "controller"]) {
      ports[host] = await instancePort(admin, net, "lab-multi-" + host, host === "compute" ? "10.83.0.20"
        : "10.83.0.21", { "binding:host_id": host });
      assert.equal(ports[host]["binding:vif_type"], "bridge");
    }
    const page = await topologyPage("admin", "admin");
    const bridge = 'tr[data-bridge="brq' + net.id.slice(0, 11) + '"]';
    const compute = page.locator('.node[data-host="compute"] ' + bridge);
    const controller = page.locator('.node[data-host="controller"] ' + bridge);
    await compute.waitFor();
    await controller.waitFor();
    // Both segments are named; each node's uplink is its own segment's device.
    assert.match(await compute.innerText(), /vxlan 1777 \+ flat provider \(here: flat provider\)/);
    assert.match(await compute.innerText(), /eth1 \(uplink\)/);
    assert.match(await controller.innerText(), /\(here: vxlan 1777\)/);
    assert.match(await controller.innerText(), /vxlan-1777 \(uplink\)/);
    await shot(page, "topology-07-multi-segment");
    await page.close();
  } finally {
    for (const p of Object.values(ports)) await http("DELETE", "/v2.0/ports/" + p.id, null, admin);
    assert.equal((await http("DELETE", "/v2.0/networks/" + net.id, null, admin)).status, 204);
  }
});
