// Editing through the dashboard (harness.mjs): Edit Subnet, Create Port and Edit Port, the
// messages of a refused delete, and the admin columns that count things
// (docs/behaviour/dashboard.md §6, §7, §10, §11.1, §11.3).  Every change is checked through
// the API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup, url, browser, http, token, shot, signIn, makeNetwork } from "./harness.mjs";

setup();

test("Edit Subnet saves name, DNS, routes and no gateway; an unchanged gateway is not sent", async () => {
  const demo = await token("demo", "demo");
  const { net, subnet } = await makeNetwork("edit_subnet_net", "10.20.0.0/24", demo);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const bodies = [];
  page.on("request", (req) => {
    if (req.method() === "PUT" && req.url().includes("/v2.0/subnets/")) {
      bodies.push({ body: JSON.parse(req.postData()).subnet, ifMatch: req.headers()["if-match"] });
    }
  });
  await signIn(page, "demo", "demo");
  await page.goto(url + "/dashboard/project/networks/subnets/" + subnet.id + "/detail");
  await page.getByRole("button", { name: "Edit Subnet" }).click();
  assert.equal(await page.getByLabel("Network Address").inputValue(), "10.20.0.0/24");
  assert.equal(await page.getByLabel("Network Address").isEditable(), false);
  assert.equal(await page.getByLabel("Gateway IP").inputValue(), "10.20.0.1");
  await page.getByLabel("Subnet Name").fill("renamed-sub");
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByLabel("DNS Name Servers").fill("10.20.0.53");
  await page.getByLabel("Host Routes").fill("192.168.50.0/24,10.20.0.254");
  await shot(page, "edit-01-edit-subnet");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText('Updated subnet "renamed-sub"').waitFor();
  assert.equal(bodies.length, 1);
  assert.ok(!("gateway_ip" in bodies[0].body), JSON.stringify(bodies[0].body));
  assert.equal(bodies[0].ifMatch, "revision_number=" + subnet.revision_number);
  let s = (await http("GET", "/v2.0/subnets/" + subnet.id, null, demo)).data.subnet;
  assert.equal(s.name, "renamed-sub");
  assert.deepEqual(s.dns_nameservers, ["10.20.0.53"]);
  assert.deepEqual(s.host_routes, [{ destination: "192.168.50.0/24", nexthop: "10.20.0.254" }]);
  assert.equal(s.gateway_ip, "10.20.0.1");

  // A blank gateway is refused in Edit; "Disable Gateway" removes it; lists clear.
  await page.getByRole("button", { name: "Edit Subnet" }).click();
  await page.getByLabel("Gateway IP").fill("");
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByText("Specify a gateway address").waitFor();
  await page.getByLabel("Disable Gateway").check();
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByLabel("DNS Name Servers").fill("");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText('Updated subnet "renamed-sub"').first().waitFor();
  s = (await http("GET", "/v2.0/subnets/" + subnet.id, null, demo)).data.subnet;
  assert.equal(s.gateway_ip, null);
  assert.deepEqual(s.dns_nameservers, []);
  assert.equal(bodies[1].body.gateway_ip, null, JSON.stringify(bodies));

  // Deleting from the subnet's page goes back to the network's Subnets tab.
  await page.getByRole("button", { name: "Delete Subnet" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete Subnet" }).click();
  await page.getByText("Deleted Subnet: renamed-sub").waitFor();
  await page.waitForURL(/\/edit_subnet_net|network_tabs__subnets_tab/);
  assert.equal((await http("GET", "/v2.0/subnets/" + subnet.id, null, demo)).status, 404);
  assert.ok(page.url().includes(net.id));
  await page.close();
});

test("Create Port checks MAC and address, creates with a fixed IP; Edit Port changes the addresses", async () => {
  const demo = await token("demo", "demo");
  const { net, subnet } = await makeNetwork("port_net", "10.30.0.0/24", demo);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "demo", "demo");
  await page.goto(url + "/dashboard/project/networks/" + net.id + "/detail?tab=network_tabs__ports_tab");
  await page.getByRole("button", { name: "+ Create Port" }).click();
  const dialog = page.getByRole("dialog", { name: "Create Port" });
  await dialog.getByLabel("Name").fill("web-port");
  await dialog.getByLabel("Specify IP address or subnet").selectOption("fixed_ip");
  await dialog.getByLabel("Fixed IP Address").fill("10.31.0.7");
  await dialog.getByLabel("MAC Address").fill("not-a-mac");
  await dialog.getByRole("button", { name: "Create" }).click();
  await dialog.getByText("is in none of the network's subnets").waitFor();
  await dialog.getByText("Invalid MAC address format").waitFor();
  await shot(page, "edit-02-create-port-errors");
  assert.equal((await http("GET", "/v2.0/ports?network_id=" + net.id, null, demo)).data.ports.length, 0);
  await dialog.getByLabel("Fixed IP Address").fill("10.30.0.7");
  await dialog.getByLabel("MAC Address").fill("fa:16:3e:aa:bb:cc");
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.getByText('Created port "web-port"').waitFor();
  const row = page.locator("#ports tbody tr", { hasText: "web-port" });
  await row.waitFor();
  assert.match(await row.innerText(), /10\.30\.0\.7/);
  let port = (await http("GET", "/v2.0/ports?name=web-port", null, demo)).data.ports[0];
  assert.equal(port.mac_address, "fa:16:3e:aa:bb:cc");
  assert.equal(await page.getByLabel("Binding: Host").count(), 0);   // members: no binding

  // Edit Port: a second address by subnet, the first replaced; a bad one refused.
  await row.getByRole("button", { name: "Edit Port" }).click();
  const edit = page.getByRole("dialog", { name: "Edit Port" });
  await edit.getByLabel("Fixed IPs").fill("10.30.0.9\n999.1.1.1");
  await edit.getByRole("button", { name: "Update" }).click();
  await edit.getByText("Incorrect format for IP address: 999.1.1.1").waitFor();
  await edit.getByLabel("Fixed IPs").fill("10.30.0.9\n10.30.0.0/24");
  await edit.getByLabel("Name").fill("web-port-2");
  await edit.getByRole("button", { name: "Update" }).click();
  await page.getByText('Updated port "web-port-2"').waitFor();
  port = (await http("GET", "/v2.0/ports/" + port.id, null, demo)).data.port;
  assert.equal(port.name, "web-port-2");
  assert.equal(port.fixed_ips.length, 2);
  // A subnet line keeps the port's address there if it has one (Neutron's rule): .7 stays.
  assert.deepEqual(port.fixed_ips.map((f) => f.ip_address).sort(), ["10.30.0.7", "10.30.0.9"]);
  assert.ok(port.fixed_ips.every((f) => f.subnet_id === subnet.id));

  // The port's page: fixed IPs with their subnets, the attached device, and delete.
  await page.goto(url + "/dashboard/project/networks/ports/" + port.id + "/detail");
  await page.getByRole("heading", { name: "web-port-2", level: 1 }).waitFor();
  assert.match(await page.locator("dl.fixed-ips").innerText(), /10\.30\.0\.9\s+Subnet ID/);
  await page.getByText("No attached device").waitFor();
  await shot(page, "edit-03-port-detail");
  await page.getByRole("button", { name: "Delete Port" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete Port" }).click();
  await page.getByText("Deleted Port: web-port-2").waitFor();
  assert.equal((await http("GET", "/v2.0/ports/" + port.id, null, demo)).status, 404);
  await page.close();
});

test("admin binds a port from Edit Port and sees where it is wired", async () => {
  const admin = await token("admin", "admin");
  const { net } = await makeNetwork("bind_net", "10.40.0.0/24", admin);
  const port = (await http("POST", "/v2.0/ports", { port: { network_id: net.id, name: "bound",
    device_owner: "compute:nova", device_id: "lab-vm-1" } }, admin)).data.port;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "admin", "admin");
  await page.goto(url + "/dashboard/admin/networks/ports/" + port.id + "/detail");
  await page.getByRole("button", { name: "Edit Port" }).click();
  const edit = page.getByRole("dialog", { name: "Edit Port" });
  await edit.getByLabel("Binding: Host").fill("compute");
  await edit.getByRole("button", { name: "Update" }).click();
  await page.getByText('Updated port "bound"').waitFor();
  const binding = page.getByRole("region", { name: "Binding" });
  await binding.getByText("compute").first().waitFor();
  const text = await binding.innerText();
  assert.match(text, /VIF Type\s+bridge/);
  assert.ok(text.includes("tap" + port.id.slice(0, 11) + " in bridge brq" + net.id.slice(0, 11)), text);
  await shot(page, "edit-04-port-binding");
  await page.close();
});

test("deleting a network with an instance port says why; with only its DHCP port it goes", async () => {
  const demo = await token("demo", "demo");
  const busy = await makeNetwork("busy_net", "10.50.0.0/24", demo);
  await http("POST", "/v2.0/ports", { port: { network_id: busy.net.id, device_owner: "compute:nova",
    device_id: "vm-busy" } }, demo);
  const free = await makeNetwork("free_net", "10.51.0.0/24", demo);
  const agentToken = await token("neutrino-agent", "service");
  const r = await http("POST", "/agent/v1/dhcp/network", { host: "controller",
    network_id: free.net.id }, agentToken);
  assert.equal(r.status, 200, JSON.stringify(r.data));
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "demo", "demo");
  for (const name of ["busy_net", "free_net"]) {
    const row = page.locator("#networks tbody tr", { hasText: name });
    await row.locator("summary").click();
    await row.getByRole("button", { name: "Delete Network" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete Network" }).click();
  }
  await page.getByText("Unable to delete network busy_net: most likely ports still exist on it.").waitFor();
  await page.getByText("Deleted Network: free_net").waitFor();
  await shot(page, "edit-05-delete-messages");
  assert.equal((await http("GET", "/v2.0/networks/" + busy.net.id, null, demo)).status, 200);
  assert.equal((await http("GET", "/v2.0/networks/" + free.net.id, null, demo)).status, 404);
  await page.close();
});

test("Admin → Networks names projects and counts DHCP agents; Subnets tab counts addresses", async () => {
  const demo = await token("demo", "demo");
  const { net } = await makeNetwork("counted_net", "10.60.0.0/24", demo);
  const agentToken = await token("neutrino-agent", "service");
  await http("POST", "/agent/v1/dhcp/network", { host: "controller", network_id: net.id }, agentToken);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "admin", "admin");
  await page.goto(url + "/dashboard/admin/networks/");
  await page.locator("#networks thead").getByText("DHCP Agents").waitFor();
  await page.getByRole("searchbox").fill("counted_net");
  const row = page.locator("#networks tbody tr", { hasText: "counted_net" });
  await row.locator('td[data-title="DHCP Agents"]', { hasText: "1" }).waitFor();
  assert.equal(await row.locator('td[data-title="Project"]').innerText(), "demo");
  await row.getByRole("link", { name: "counted_net" }).click();
  await page.getByRole("tab", { name: "Subnets" }).click();
  const sub = page.locator("#subnets tbody tr", { hasText: "10.60.0.0/24" });
  await sub.waitFor();
  // 253 addresses in the pool; the DHCP port holds one of them.
  assert.equal(await sub.locator('td[data-title="Used IPs"]').innerText(), "1");
  assert.equal(await sub.locator('td[data-title="Free IPs"]').innerText(), "252");
  await shot(page, "edit-06-admin-counts");

  // DHCP Agents tab: a second DHCP agent is added, then the first removed.
  await http("POST", "/agent/v1/report", { agent: { agent_type: "DHCP agent",
    binary: "neutron-dhcp-agent", host: "network2", topic: "dhcp_agent",
    availability_zone: "nova", configurations: {} } }, agentToken);
  await page.getByRole("tab", { name: "DHCP Agents" }).click();
  const hosts = page.locator("#dhcp-agents tbody tr");
  await hosts.filter({ hasText: "controller" }).waitFor();
  assert.match(await hosts.first().innerText(), /Enabled\s+Up\s+0 minutes/);
  await page.getByRole("button", { name: "+ Add DHCP Agent" }).click();
  await page.getByLabel("New DHCP Agent").selectOption({ label: "network2" });
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await page.getByText("Agent network2 added.").waitFor();
  await hosts.filter({ hasText: "network2" }).waitFor();
  await hosts.filter({ hasText: "controller" }).getByRole("button", { name: "Delete DHCP Agent" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete DHCP Agent" }).click();
  await page.getByText("Deleted DHCP Agent: controller").waitFor();
  const now = (await http("GET", "/v2.0/networks/" + net.id + "/dhcp-agents", null,
    await token("admin", "admin"))).data.agents.map((a) => a.host);
  assert.deepEqual(now, ["network2"]);
  await shot(page, "edit-07-dhcp-agents");
  await page.close();
});

test("admin Edit Network sets External; a member is not offered Shared or External", async () => {
  const admin = await token("admin", "admin");
  const net = (await http("POST", "/v2.0/networks", { network: { name: "extme" } }, admin)).data.network;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "admin", "admin");
  await page.goto(url + "/dashboard/admin/networks/" + net.id + "/detail");
  await page.getByRole("button", { name: "Edit Network" }).click();
  await page.getByLabel("External Network").check();
  await page.getByRole("button", { name: "Save Changes" }).click();
  await page.getByText('Updated network "extme"').waitFor();
  const n = (await http("GET", "/v2.0/networks/" + net.id, null, admin)).data.network;
  assert.equal(n["router:external"], true);
  await page.close();

  const member = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(member, "demo", "demo");
  const row = member.locator("#networks tbody tr").first();
  await row.getByRole("button", { name: "Edit Network" }).click();
  await member.getByRole("dialog", { name: "Edit Network" }).waitFor();
  assert.equal(await member.getByLabel("Shared").count(), 0);
  assert.equal(await member.getByLabel("External Network").count(), 0);
  await member.close();
});
