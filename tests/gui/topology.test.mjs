// The Network Topology page (gui.md §8, harness.mjs): lab instances as one box wired to
// every network they are on, balloons by mouse and keyboard, deleting from a balloon,
// and the notice of an empty project.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup, url, browser, http, token, shot, signIn, makeNetwork } from "./harness.mjs";

setup();

test("an empty project gets a notice instead of a picture", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "demo", "demo");
  await page.getByRole("link", { name: "Network Topology" }).click();
  await page.getByText("There are no networks").waitFor();
  await page.close();
});

test("an instance on two networks is one box wired to both, with its addresses", async () => {
  const demo = await token("demo", "demo");
  const { net: front } = await makeNetwork("topo_front", "10.70.0.0/24", demo);
  const { net: back } = await makeNetwork("topo_back", "10.71.0.0/24", demo);
  const ports = [];
  for (const [net, ip] of [[front, "10.70.0.10"], [back, "10.71.0.10"]]) {
    const r = await http("POST", "/v2.0/ports", { port: { network_id: net.id,
      device_owner: "compute:nova", device_id: "lab-web-1",
      fixed_ips: [{ ip_address: ip }] } }, demo);
    assert.equal(r.status, 201, JSON.stringify(r.data));
    ports.push(r.data.port);
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "demo", "demo");
  await page.goto(url + "/dashboard/project/network_topology/");
  const box = page.locator('g.instance[data-instance="lab-web-1"]');
  await box.waitFor();
  assert.equal(await page.locator("g.instance").count(), 1);
  for (const p of ports) assert.equal(await box.locator('g[data-port="' + p.id + '"]').count(), 1);
  const text = await box.textContent();
  assert.ok(text.includes("10.70.0.10") && text.includes("10.71.0.10"), text);
  await shot(page, "topology-01-instance");

  // The instance's balloon lists both addresses and links to the ports.
  await box.locator("rect.box").click();
  const pop = page.getByRole("dialog", { name: "Details" });
  await pop.getByText("Instance lab-web-1").waitFor();
  assert.equal(await pop.getByRole("link", { name: "View Port Details" }).count(), 2);
  await pop.getByText("neutrino instance delete lab-web-1").waitFor();
  await page.keyboard.press("Escape");
  await pop.waitFor({ state: "hidden" });

  // Keyboard: a network node takes focus, Enter opens its balloon with its subnet,
  // "+ Create Subnet" opens the wizard on that network.
  const netNode = page.locator('g.net[data-network="' + front.id + '"]');
  await netNode.focus();
  await page.keyboard.press("Enter");
  await pop.getByText("10.70.0.0/24").waitFor();
  await shot(page, "topology-02-network-balloon");
  await pop.getByRole("button", { name: "+ Create Subnet" }).click();
  await page.getByRole("dialog", { name: "Create Subnet" }).waitFor();
  await page.getByRole("dialog", { name: "Create Subnet" }).getByRole("button", { name: "Cancel" }).click();
  await page.close();
});

test("deleting a network from its balloon asks, deletes, and redraws", async () => {
  const demo = await token("demo", "demo");
  const { net } = await makeNetwork("topo_doomed", "10.72.0.0/24", demo);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "demo", "demo");
  await page.goto(url + "/dashboard/project/network_topology/");
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
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "demo", "demo");
  await page.goto(url + "/dashboard/project/network_topology/");
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
  await page.getByText("topo_front (1 instances)").waitFor();
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
