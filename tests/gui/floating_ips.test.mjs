// Project → Network → Floating IPs through the dashboard (harness.mjs;
// docs/behaviour/dashboard.md §18): Allocate IP To Project from the external network's pool,
// Associate with a port behind a router (and Neutron's refusal for a port no router
// reaches), Disassociate, Release.  Every change is checked through the API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup, browser, http, token, shot, signIn, makeNetwork } from "./harness.mjs";

setup();

async function dismissToasts(page) {
  const close = page.locator("#toasts").getByRole("button", { name: "Dismiss" });
  while (await close.count()) await close.first().click();
}

const ok = (r, status) => { assert.equal(r.status, status, JSON.stringify(r.data)); return r.data; };

test("floating IPs: allocate, refused and accepted associate, disassociate, release", async () => {
  const admin = await token("admin", "admin");
  const demo = await token("demo", "demo");
  // The tutorial's provider network, and a project network behind a router.
  const ext = ok(await http("POST", "/v2.0/networks", { network: { name: "public",
    "router:external": true, "provider:network_type": "local" } }, admin), 201).network;
  ok(await http("POST", "/v2.0/subnets", { subnet: { network_id: ext.id, cidr: "203.0.113.0/24",
    ip_version: 4, name: "public-sub" } }, admin), 201);
  const { net, subnet } = await makeNetwork("fip_net", "172.16.30.0/24", demo);
  const { net: lonely } = await makeNetwork("fip_lonely", "172.16.31.0/24", demo);
  const router = ok(await http("POST", "/v2.0/routers", { router: { name: "fip-router",
    external_gateway_info: { network_id: ext.id } } }, demo), 201).router;
  ok(await http("PUT", "/v2.0/routers/" + router.id + "/add_router_interface",
    { subnet_id: subnet.id }, demo), 200);
  const port = ok(await http("POST", "/v2.0/ports", { port: { network_id: net.id, name: "vm-port",
    device_owner: "compute:nova", device_id: "vm-1" } }, demo), 201).port;
  const fixed = port.fixed_ips[0].ip_address;
  const stray = ok(await http("POST", "/v2.0/ports", { port: { network_id: lonely.id,
    name: "stray-port" } }, demo), 201).port;

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, "demo", "demo");
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Floating IPs" }).click();
  await page.getByRole("heading", { name: "Floating IPs", level: 1 }).waitFor();
  await page.locator("#floating_ips").getByText("No items to display.").waitFor();
  for (const col of ["IP Address", "Mapped Fixed IP Address", "Pool", "Status", "Actions"]) {
    await page.locator("#floating_ips thead").getByText(col, { exact: true }).waitFor();
  }

  // Allocate: the pool is required (the only one starts chosen); a member may not ask for
  // an address.
  await page.getByRole("button", { name: "Allocate IP To Project" }).click();
  const allocate = page.getByRole("dialog", { name: "Allocate Floating IP" });
  assert.equal(await allocate.getByLabel("Floating IP Address (optional)").count(), 0);
  await allocate.getByLabel("Pool").selectOption({ label: "Select a pool" });
  await allocate.getByRole("button", { name: "Allocate IP" }).click();
  await allocate.getByText("This field is required.").waitFor();
  await allocate.getByLabel("Pool").selectOption({ label: "public" });
  await allocate.getByLabel("Description").fill("web front");
  await allocate.getByRole("button", { name: "Allocate IP" }).click();
  await page.getByText(/Allocated Floating IP 203\.0\.113\.\d+\./).waitFor();
  let [fip] = ok(await http("GET", "/v2.0/floatingips", null, demo), 200).floatingips;
  assert.deepEqual([fip.floating_network_id, fip.description, fip.port_id],
    [ext.id, "web front", null]);
  const address = fip.floating_ip_address;
  const row = page.locator("#floating_ips tbody tr", { hasText: address });
  await row.getByText("public", { exact: true }).waitFor();
  await row.getByText("Down", { exact: true }).waitFor();
  await row.getByText("web front").waitFor();

  // Associate with a port no router joins to the pool: Neutron's reason in the dialog.
  await dismissToasts(page);
  await row.getByRole("button", { name: "Associate" }).click();
  const associate = page.getByRole("dialog", { name: "Manage Floating IP Associations" });
  assert.equal(await associate.getByLabel("IP Address").inputValue(), fip.id);
  // Only the project's own ports are offered: not the router's, the DHCP ones.
  const offered = await associate.getByLabel("Port to be associated").locator("option").allTextContents();
  assert.deepEqual(offered.sort(), ["Select a port", "stray-port: " + stray.fixed_ips[0].ip_address,
    "vm-port: " + fixed].sort());
  await associate.getByRole("button", { name: "Associate" }).click();
  await associate.getByText("This field is required.").waitFor();
  await associate.getByLabel("Port to be associated").selectOption({ label: "stray-port: " +
    stray.fixed_ips[0].ip_address });
  await associate.getByRole("button", { name: "Associate" }).click();
  await associate.getByText(new RegExp("External network " + ext.id + " is not reachable from subnet")).waitFor();
  await page.locator("#toasts").getByText("Unable to associate IP address " + address + ".", { exact: false }).waitFor();
  assert.equal(ok(await http("GET", "/v2.0/floatingips/" + fip.id, null, demo), 200).floatingip.port_id, null);

  // The port behind the router: associated.
  await associate.getByLabel("Port to be associated").selectOption({ label: "vm-port: " + fixed });
  await associate.getByRole("button", { name: "Associate" }).click();
  await page.getByText("IP address " + address + " associated.").waitFor();
  fip = ok(await http("GET", "/v2.0/floatingips/" + fip.id, null, demo), 200).floatingip;
  assert.deepEqual([fip.port_id, fip.fixed_ip_address, fip.router_id], [port.id, fixed, router.id]);
  await row.getByText("vm-port " + fixed).waitFor();
  await shot(page, "fip-01-associated");

  // Disassociate, confirmed.
  await dismissToasts(page);
  await row.getByRole("button", { name: "Disassociate" }).click();
  await page.getByRole("dialog", { name: "Confirm Disassociate" })
    .getByRole("button", { name: "Disassociate" }).click();
  await page.getByText("Successfully disassociated Floating IP: " + address).waitFor();
  fip = ok(await http("GET", "/v2.0/floatingips/" + fip.id, null, demo), 200).floatingip;
  assert.equal(fip.port_id, null);
  await row.getByRole("button", { name: "Associate" }).waitFor();

  // Release, from the row's menu.
  await dismissToasts(page);
  await row.locator("summary").click();
  await row.getByRole("button", { name: "Release Floating IP" }).click();
  await page.getByRole("dialog", { name: "Confirm Release Floating IP" })
    .getByRole("button", { name: "Release Floating IP" }).click();
  await page.getByText("Released Floating IP: " + address).waitFor();
  await page.locator("#floating_ips").getByText("No items to display.").waitFor();
  assert.equal((await http("GET", "/v2.0/floatingips/" + fip.id, null, demo)).status, 404);
  await page.close();

  ok(await http("PUT", "/v2.0/routers/" + router.id + "/remove_router_interface",
    { subnet_id: subnet.id }, demo), 200);
  ok(await http("DELETE", "/v2.0/routers/" + router.id, null, demo), 204);
});

test("floating IPs: an admin may ask for the address", async () => {
  const admin = await token("admin", "admin");
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, "admin", "admin");
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Floating IPs" }).click();
  await page.getByRole("heading", { name: "Floating IPs", level: 1 }).waitFor();
  await page.getByRole("button", { name: "Allocate IP To Project" }).click();
  const allocate = page.getByRole("dialog", { name: "Allocate Floating IP" });
  await allocate.getByLabel("Pool").selectOption({ label: "public" });
  await allocate.getByLabel("Floating IP Address (optional)").fill("2001:db8::5");
  await allocate.getByRole("button", { name: "Allocate IP" }).click();
  await allocate.getByText("Incorrect format for IP address: 2001:db8::5 (an IPv4 address is needed)").waitFor();
  await allocate.getByLabel("Floating IP Address (optional)").fill("203.0.113.200");
  await allocate.getByRole("button", { name: "Allocate IP" }).click();
  await page.getByText("Allocated Floating IP 203.0.113.200.").waitFor();
  const [fip] = ok(await http("GET", "/v2.0/floatingips?floating_ip_address=203.0.113.200", null,
    admin), 200).floatingips;
  // The same address again: Neutron's refusal.
  await dismissToasts(page);
  await page.getByRole("button", { name: "Allocate IP To Project" }).click();
  await allocate.getByLabel("Pool").selectOption({ label: "public" });
  await allocate.getByLabel("Floating IP Address (optional)").fill("203.0.113.200");
  await allocate.getByRole("button", { name: "Allocate IP" }).click();
  await allocate.getByText(/IP address 203\.0\.113\.200 already allocated in subnet/).waitFor();
  await allocate.getByRole("button", { name: "Cancel" }).click();
  await page.close();
  ok(await http("DELETE", "/v2.0/floatingips/" + fip.id, null, admin), 204);
});
