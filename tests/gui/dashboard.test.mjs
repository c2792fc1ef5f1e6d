// The dashboard in a real browser (harness.mjs): the tutorial's GUI path
// (docs/behaviour/tutorial.md §5, §7), validation, the admin pages, the topology, who sees
// the Admin pages, paging and the asset budget.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup, url, browser, http, token, shot, signIn } from "./harness.mjs";

setup();

test("demo creates first_local_net with the wizard and sees the DHCP port", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "demo", "demo");
  await shot(page, "01-project-networks-empty");
  assert.equal(await page.getByRole("link", { name: "System Information" }).count(), 0);
  await page.getByRole("button", { name: "+ Create Network" }).click();
  await page.getByLabel("Network Name").fill("first_local_net");
  await shot(page, "02-wizard-network");
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByLabel("Subnet Name").fill("subnet_172_16_1_0");
  await page.getByLabel("Network Address").fill("172.16.1.0/24");
  await shot(page, "03-wizard-subnet");
  await page.getByRole("button", { name: "Next »" }).click();
  assert.equal(await page.getByLabel("Enable DHCP").isChecked(), true);
  await page.getByLabel("Allocation Pools").fill("172.16.1.2,172.16.1.100");
  await shot(page, "04-wizard-subnet-details");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.getByText('Created network "first_local_net"').waitFor();
  const row = page.locator("#networks tbody tr", { hasText: "first_local_net" });
  await row.waitFor();
  assert.match(await row.innerText(), /subnet_172_16_1_0\s+172\.16\.1\.0\/24/);
  assert.match(await row.innerText(), /Active/);
  assert.match(await row.innerText(), /UP/);

  // The DHCP agent on the controller takes the network: its port, .2.
  const agentToken = await token("neutrino-agent", "service");
  const net = (await http("GET", "/v2.0/networks?name=first_local_net", null,
    await token("admin", "admin"))).data.networks[0];
  const r = await http("POST", "/agent/v1/dhcp/network", { host: "controller",
    network_id: net.id }, agentToken);
  assert.equal(r.status, 200, JSON.stringify(r.data));
  const dhcpPort = r.data.dhcp_port;
  assert.deepEqual(dhcpPort.fixed_ips.map((f) => f.ip_address), ["172.16.1.2"]);
  const subnet = (await http("GET", "/v2.0/subnets?network_id=" + net.id, null,
    await token("admin", "admin"))).data.subnets[0];
  assert.equal(subnet.gateway_ip, "172.16.1.1");

  await row.getByRole("link", { name: "first_local_net" }).click();
  await page.getByRole("heading", { name: "first_local_net", level: 1 }).waitFor();
  const overview = await page.locator("dl.overview").innerText();
  assert.match(overview, /Status\s+Active/);
  assert.match(overview, /MTU\s+1500/);
  assert.ok(!overview.includes("[object"), overview);
  await shot(page, "05-network-overview");
  await page.getByRole("tab", { name: "Ports" }).click();
  const portRow = page.locator("#ports tbody tr", { hasText: "network:dhcp" });
  await portRow.waitFor();
  const text = await portRow.innerText();
  assert.ok(text.includes("(" + dhcpPort.id.slice(0, 13) + ")"), text);
  assert.ok(text.includes("172.16.1.2"), text);
  await shot(page, "06-network-ports");
  await page.close();
});

test("the wizard shows validation errors for a bad CIDR and a pool outside the subnet", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "demo", "demo");
  await page.getByRole("button", { name: "+ Create Network" }).click();
  await page.getByLabel("Network Name").fill("bad_net");
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByLabel("Network Address").fill("172.16.300.0/24");
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByText("Incorrect format for IP address.").waitFor();
  await shot(page, "07-wizard-bad-cidr");
  await page.getByLabel("Network Address").fill("172.16.5.7/24");
  await page.getByLabel("Network Address").press("Tab");
  await page.getByText("'172.16.5.7/24' has host bits set: did you mean 172.16.5.0/24?").waitFor();
  await page.getByLabel("Network Address").fill("172.16.5.0/24");
  await page.getByText("Gateway will be 172.16.5.1; pool 172.16.5.2 – 172.16.5.254 (253 addresses).")
    .waitFor();
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByLabel("Allocation Pools").fill("10.0.0.2,10.0.0.9");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  // The form knows the pool is outside the subnet: said under the field, nothing sent.
  await page.getByText("The pool 10.0.0.2,10.0.0.9 is not inside the subnet 172.16.5.0/24.").waitFor();
  await shot(page, "08-wizard-pool-outside");
  // Overlapping pools only the server refuses: its message is shown, and the network
  // made a moment before is removed again, so no empty network is left.
  await page.getByLabel("Allocation Pools").fill("172.16.5.10,172.16.5.20\n172.16.5.15,172.16.5.30");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.getByText(/Failed to create subnet "172\.16\.5\.0\/24"/).first().waitFor();
  await page.getByText(/was removed because its subnet could not be created/).waitFor();
  await shot(page, "08b-wizard-server-refuses");
  const left = (await http("GET", "/v2.0/networks?name=bad_net", null,
    await token("admin", "admin"))).data.networks;
  assert.deepEqual(left, []);
  await page.close();
});

test("admin creates second_local_net for project demo and sees the agents", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "admin", "admin");
  await page.getByRole("link", { name: "Networks" }).nth(1).click();
  await page.getByRole("heading", { name: "Networks", level: 1 }).waitFor();
  await page.getByRole("button", { name: "+ Create Network" }).click();
  await page.getByLabel("Network Name").fill("second_local_net");
  await page.locator("#id_project_select").selectOption({ label: "demo" });
  await page.getByLabel("Provider Network Type").selectOption("local");
  assert.equal(await page.getByLabel("Physical Network").isVisible(), false);
  await page.getByLabel("Provider Network Type").selectOption("vlan");
  assert.equal(await page.getByLabel("Physical Network").isVisible(), true);
  await page.getByLabel("Provider Network Type").selectOption("local");
  await shot(page, "09-admin-create-network");
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByLabel("Network Address").fill("172.16.1.0/24");
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByLabel("Allocation Pools").fill("172.16.1.101,172.16.1.200");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.getByText('Created network "second_local_net"').waitFor();
  const demoId = (await http("GET", "/identity/v3/projects?name=demo", null,
    await token("admin", "admin"))).data.projects[0].id;
  const net = (await http("GET", "/v2.0/networks?name=second_local_net", null,
    await token("admin", "admin"))).data.networks[0];
  assert.equal(net.project_id, demoId);
  assert.equal(net["provider:network_type"], "local");
  await shot(page, "10-admin-networks");

  await page.getByRole("link", { name: "System Information" }).click();
  const agents = page.locator("#agents tbody tr");
  await agents.first().waitFor();
  assert.equal(await agents.count(), 3);
  for (const r of await agents.all()) assert.match(await r.innerText(), /Up/);
  await shot(page, "11-network-agents");
  await page.close();
});

test("admin: a network first, then Create Subnet on its page; edit; subnet and port pages", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "admin", "admin");
  await page.getByRole("link", { name: "Networks" }).nth(1).click();
  await page.getByRole("heading", { name: "Networks", level: 1 }).waitFor();
  await page.getByRole("button", { name: "+ Create Network" }).click();
  await page.getByLabel("Network Name").fill("third_local_net");
  await page.locator("#id_project_select").selectOption({ label: "demo" });
  await page.getByLabel("Create Subnet").uncheck();
  assert.equal(await page.getByRole("button", { name: "Next »" }).isVisible(), false);
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.getByText('Created network "third_local_net"').waitFor();
  await page.getByRole("link", { name: "third_local_net" }).click();
  await page.getByRole("heading", { name: "third_local_net", level: 1 }).waitFor();
  await page.getByRole("button", { name: "Create Subnet" }).click();
  await page.getByRole("dialog", { name: "Create Subnet" }).waitFor();
  await page.getByLabel("Subnet Name").fill("subnet_third");
  await page.getByLabel("Network Address").fill("172.16.3.0/24");
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByLabel("Allocation Pools").fill("172.16.3.101,172.16.3.200");
  await page.getByLabel("DNS Name Servers").fill("192.0.2.53");
  await page.getByLabel("Host Routes").fill("10.9.0.0/16,172.16.3.254");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.getByText('Created subnet "subnet_third"').waitFor();
  await page.getByRole("tab", { name: "Subnets" }).click();
  await page.getByRole("link", { name: "subnet_third" }).click();
  await page.getByText("Start 172.16.3.101 - End 172.16.3.200").waitFor();
  await page.getByText("Destination 10.9.0.0/16 : Next hop 172.16.3.254").waitFor();
  await shot(page, "12-subnet-detail");
  // Edit the network's name.
  await page.getByRole("link", { name: "third_local_net" }).first().click();
  await page.getByRole("button", { name: "Edit Network" }).click();
  await page.getByLabel("Name", { exact: true }).fill("third_renamed");
  await page.getByRole("button", { name: "Save Changes" }).click();
  await page.getByText('Updated network "third_renamed"').waitFor();
  // A port on it, and its page.
  const adminToken = await token("admin", "admin");
  const net = (await http("GET", "/v2.0/networks?name=third_renamed", null, adminToken)).data.networks[0];
  const port = (await http("POST", "/v2.0/ports", { port: { network_id: net.id,
    device_owner: "compute:nova", "binding:host_id": "controller" } }, adminToken)).data.port;
  await page.goto(url + "/dashboard/admin/networks/ports/" + port.id + "/detail");
  await page.getByText(port.mac_address).waitFor();
  await page.getByText("compute:nova").waitFor();
  assert.match(await page.getByRole("region", { name: "Binding" }).innerText(),
    /Host\s+controller/);
  await shot(page, "13-port-detail");
  await page.close();
});

test("the topology shows both bridges and follows ports coming up", async () => {
  const adminToken = await token("admin", "admin");
  const agentToken = await token("neutrino-agent", "service");
  const nets = {};
  for (const name of ["first_local_net", "second_local_net"]) {
    const net = (await http("GET", "/v2.0/networks?name=" + name, null, adminToken)).data.networks[0];
    const r = await http("POST", "/agent/v1/dhcp/network", { host: "controller",
      network_id: net.id }, agentToken);
    assert.equal(r.status, 200, JSON.stringify(r.data));
    nets[name] = { net, port: r.data.dhcp_port };
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "admin", "admin");
  await page.getByRole("link", { name: "Network Topology" }).click();
  await page.getByRole("heading", { name: "Network Topology", level: 1 }).waitFor();
  for (const { net, port } of Object.values(nets)) {
    const bridge = page.locator('tr[data-bridge="brq' + net.id.slice(0, 11) + '"]');
    await bridge.waitFor();
    assert.match(await bridge.innerText(), new RegExp("tap" + port.id.slice(0, 11)));
    await page.locator('g[data-port="' + port.id + '"]').waitFor();
  }
  await shot(page, "14-topology");
  // The linux-bridge agent reports the first DHCP tap up: the page follows, no reload.
  const tap = "tap" + nets.first_local_net.port.id.slice(0, 11);
  await http("POST", "/agent/v1/devices", { host: "controller", devices: [tap] }, agentToken);
  await http("POST", "/agent/v1/devices/status", { host: "controller", up: [tap], down: [] },
    agentToken);
  await page.locator('g.port.active[data-port="' + nets.first_local_net.port.id + '"]')
    .waitFor({ timeout: 10000 });
  await shot(page, "15-topology-port-up");
  await page.close();
});

test("a member never sees Admin pages, even by URL", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });   // a phone
  await signIn(page, "demo", "demo");
  assert.equal(await page.locator("#admin-menu").isVisible(), false);
  await page.goto(url + "/dashboard/admin/info/");
  await page.getByRole("heading", { name: "Not Found", level: 1 }).waitFor();
  await page.goto(url + "/dashboard/admin/networks/");
  await page.getByRole("heading", { name: "Not Found", level: 1 }).waitFor();
  await shot(page, "16-member-admin-refused-phone");
  await page.goto(url + "/dashboard/project/networks/");
  await page.getByRole("heading", { name: "Networks", level: 1 }).waitFor();
  await shot(page, "17-project-networks-phone");
  await page.close();
});

test("long lists page 20 rows at a time", async () => {
  const adminToken = await token("admin", "admin");
  const networks = Array.from({ length: 25 }, (_, i) => ({ name: "page-" + i }));
  assert.equal((await http("POST", "/v2.0/networks", { networks }, adminToken)).status, 201);
  const total = (await http("GET", "/v2.0/networks", null, adminToken)).data.networks.length;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "admin", "admin");
  await page.getByRole("link", { name: "Networks" }).nth(1).click();
  await page.getByText("Displaying 20 items").waitFor();
  assert.equal(await page.locator("#networks tbody tr").count(), 20);
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByText("Displaying " + (total - 20) + " item").waitFor();
  await page.getByRole("button", { name: "« Prev" }).click();
  await page.getByText("Displaying 20 items").waitFor();
  await page.close();
});

test("no page pulls more than 200 KB of assets", async () => {
  // Every page is the same index and the same modules: the index's links and scripts,
  // and whatever the modules import, followed to the end, each preloaded.
  const index = await (await fetch(url + "/dashboard/")).text();
  const preloaded = new Set([...index.matchAll(/rel="modulepreload" href="([^"]+)"/g)]
    .map((m) => m[1]));
  const queue = [...index.matchAll(/(?:href|src)="(\/dashboard\/[^"]+\.(?:js|css))"/g)]
    .map((m) => m[1]);
  const seen = new Set(["/dashboard/"]);
  while (queue.length) {
    const asset = queue.shift();
    if (seen.has(asset)) continue;
    seen.add(asset);
    const r = await fetch(url + asset);
    assert.equal(r.status, 200, asset);
    for (const m of (await r.text()).matchAll(/from "\.\/([\w-]+\.js)"|import "\.\/([\w-]+\.js)"/g)) {
      const dep = "/dashboard/" + (m[1] || m[2]);
      // Every module is preloaded, so the first paint waits for one round of fetches.
      assert.ok(preloaded.has(dep), dep + " is imported but not preloaded");
      queue.push(dep);
    }
  }
  assert.ok(seen.has("/dashboard/core.js"));
  // What the browser transfers for a page, from an empty cache: the body bytes of each
  // of the dashboard's files as they crossed the wire (compressed: chromium asks for
  // gzip), headers not counted.
  const context = await browser.newContext();
  const page = await context.newPage();
  const pulled = new Map();
  page.on("requestfinished", async (req) => {
    const path = new URL(req.url()).pathname;
    if (path.startsWith("/dashboard/")) pulled.set(path, req);
  });
  await page.goto(url + "/dashboard/auth/login/");
  await page.getByRole("button", { name: "Sign In" }).waitFor();
  await page.waitForLoadState("networkidle");
  let total = 0;
  for (const [path, req] of pulled) {
    const r = await req.response();
    assert.equal(r.headers()["content-encoding"], "gzip", path);
    total += (await req.sizes()).responseBodySize;
  }
  for (const asset of seen) {
    assert.ok(pulled.has(asset === "/dashboard/" ? "/dashboard/auth/login/" : asset), asset);
  }
  await context.close();
  assert.ok(total < 200 * 1024, "assets: " + total + " bytes");
  console.log("assets on the wire: " + total + " bytes for " + pulled.size + " files");
});
