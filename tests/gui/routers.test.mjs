// Project → Network → Routers and Admin → Network → Routers through the dashboard
// (harness.mjs; docs/behaviour/dashboard.md §17): the tutorial's path — an external
// network made by the admin, a router with its gateway, interfaces by subnet and by
// address, a static route, Edit Router — and the refusals on the way: form checks, an
// overlapping subnet (the port made for it deleted again), a route through the router's own
// address, a router in use.  Every change is checked through the API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup, browser, http, token, shot, signIn, makeNetwork } from "./harness.mjs";

setup();

async function dismissToasts(page) {
  const close = page.locator("#toasts").getByRole("button", { name: "Dismiss" });
  while (await close.count()) await close.first().click();
}

const ok = (r, status) => { assert.equal(r.status, status, JSON.stringify(r.data)); return r.data; };
const routerNamed = async (tok, name) => (await http("GET", "/v2.0/routers?name=" + name,
  null, tok)).data.routers[0];
const portsOf = async (tok, routerId) => (await http("GET", "/v2.0/ports?device_id=" + routerId,
  null, tok)).data.ports;

// The admin makes the external network in the Create Network wizard, as the tutorial does.
async function externalNetworkByAdmin(name, cidr) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, "admin", "admin");
  await page.getByRole("link", { name: "Networks" }).nth(1).click();
  await page.getByRole("heading", { name: "Networks", level: 1 }).waitFor();
  await page.getByRole("button", { name: "+ Create Network" }).click();
  await page.getByLabel("Network Name").fill(name);
  await page.getByLabel("Provider Network Type").selectOption("local");
  await page.getByLabel("External Network").check();
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByLabel("Network Address").fill(cidr);
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.getByText('Created network "' + name + '"').waitFor();
  await page.close();
  const admin = await token("admin", "admin");
  const net = (await http("GET", "/v2.0/networks?name=" + name, null, admin)).data.networks[0];
  assert.equal(net["router:external"], true);
  return net;
}

test("routers: gateway, interfaces, static routes, edit, refused and accepted delete", async () => {
  const demo = await token("demo", "demo");
  const ext = await externalNetworkByAdmin("provider", "203.0.113.0/24");
  const { subnet: sub1 } = await makeNetwork("selfservice", "172.16.10.0/24", demo);
  const { subnet: sub2 } = await makeNetwork("selfservice2", "172.16.20.0/24", demo);
  const { net: net3 } = await makeNetwork("overlapping", "172.16.10.0/24", demo);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, "demo", "demo");

  // The list, from the menu: empty, with Horizon's columns.
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Routers" }).click();
  await page.getByRole("heading", { name: "Routers", level: 1 }).waitFor();
  await page.locator("#routers").getByText("No items to display.").waitFor();
  for (const col of ["Name", "Status", "External Network", "Admin State", "Actions"]) {
    await page.locator("#routers thead").getByText(col, { exact: true }).waitFor();
  }

  // Create Router with a gateway; a member is not offered SNAT (admin only by policy).
  await page.getByRole("button", { name: "+ Create Router" }).click();
  let dialog = page.getByRole("dialog", { name: "Create Router" });
  await dialog.getByLabel("Router Name").fill("router1");
  await dialog.getByLabel("External Network").selectOption({ label: "provider" });
  assert.equal(await dialog.getByLabel("Enable SNAT").count(), 0);
  await dialog.getByRole("button", { name: "Create Router" }).click();
  await page.getByText("Router router1 was successfully created.").waitFor();
  let r = await routerNamed(demo, "router1");
  assert.equal(r.external_gateway_info.network_id, ext.id);
  assert.equal(r.external_gateway_info.enable_snat, true);
  let row = page.locator("#routers tbody tr", { hasText: "router1" });
  await row.getByText("provider", { exact: true }).waitFor();
  await row.getByText("Active", { exact: true }).waitFor();
  await row.getByText("UP", { exact: true }).waitFor();

  // Clear Gateway, then Set Gateway again (the network is required).
  await dismissToasts(page);
  await row.getByRole("button", { name: "Clear Gateway" }).click();
  await page.getByRole("dialog", { name: "Confirm Clear Gateway" })
    .getByRole("button", { name: "Clear Gateway" }).click();
  await page.getByText("Cleared Gateway: router1").waitFor();
  assert.equal((await routerNamed(demo, "router1")).external_gateway_info, null);
  await row.getByRole("button", { name: "Set Gateway" }).click();
  dialog = page.getByRole("dialog", { name: "Set Gateway" });
  assert.equal(await dialog.getByLabel("Router ID").inputValue(), r.id);
  await dialog.getByRole("button", { name: "Submit" }).click();
  await dialog.getByText("This field is required.").waitFor();
  await dialog.getByLabel("External Network").selectOption({ label: "provider" });
  await dialog.getByRole("button", { name: "Submit" }).click();
  await page.getByText("Gateway interface is added").waitFor();
  r = await routerNamed(demo, "router1");
  assert.equal(r.external_gateway_info.network_id, ext.id);
  const gatewayIp = r.external_gateway_info.external_fixed_ips[0].ip_address;

  // The router's page: Overview with the gateway.
  await row.getByRole("link", { name: "router1" }).click();
  await page.getByRole("heading", { name: "router1", level: 1 }).waitFor();
  await page.getByRole("heading", { name: "External Gateway" }).waitFor();
  await page.getByText("IP Address " + gatewayIp).waitFor();
  await page.getByText("Enabled", { exact: true }).waitFor();

  // Interfaces: by subnet (the gateway address); a typed address outside the subnet is
  // caught; by address (a port made first).
  await page.getByRole("tab", { name: "Interfaces" }).click();
  await page.getByRole("button", { name: "+ Add Interface" }).waitFor();
  await dismissToasts(page);
  await page.getByRole("button", { name: "+ Add Interface" }).click();
  dialog = page.getByRole("dialog", { name: "Add Interface" });
  await dialog.getByRole("button", { name: "Submit" }).click();
  await dialog.getByText("This field is required.").waitFor();
  await dialog.getByLabel("Subnet").selectOption({ label: "selfservice: 172.16.10.0/24 (selfservice-sub)" });
  await dialog.getByLabel("IP Address (optional)").fill("172.16.99.5");
  await dialog.getByRole("button", { name: "Submit" }).click();
  await dialog.getByText("172.16.99.5 is not an address of subnet 172.16.10.0/24.").waitFor();
  await dialog.getByLabel("IP Address (optional)").fill("");
  await dialog.getByRole("button", { name: "Submit" }).click();
  await page.getByText("Interface added 172.16.10.1").waitFor();
  const interfaces = page.locator("#interfaces tbody tr");
  await interfaces.filter({ hasText: "172.16.10.1" }).getByText("Internal Interface").waitFor();

  await page.getByRole("button", { name: "+ Add Interface" }).click();
  await dialog.getByLabel("Subnet").selectOption({ label: "selfservice2: 172.16.20.0/24 (selfservice2-sub)" });
  await dialog.getByLabel("IP Address (optional)").fill("172.16.20.254");
  await dialog.getByRole("button", { name: "Submit" }).click();
  await page.getByText("Interface added 172.16.20.254").waitFor();
  await interfaces.filter({ hasText: "172.16.20.254" }).waitFor();
  let ports = (await portsOf(demo, r.id)).filter((p) => p.device_owner === "network:router_interface");
  assert.deepEqual(ports.map((p) => [p.fixed_ips[0].subnet_id, p.fixed_ips[0].ip_address]).sort(),
    [[sub1.id, "172.16.10.1"], [sub2.id, "172.16.20.254"]].sort());

  // A subnet overlapping one on the router: Neutron's refusal, by subnet and by address;
  // the port made for the address is deleted again.
  await dismissToasts(page);
  await page.getByRole("button", { name: "+ Add Interface" }).click();
  await dialog.getByLabel("Subnet").selectOption({ label: "overlapping: 172.16.10.0/24 (overlapping-sub)" });
  await dialog.getByRole("button", { name: "Submit" }).click();
  await page.getByRole("alert").getByText(/Failed to add interface: Bad router request: Cidr 172.16.10.0\/24 of subnet .* overlaps with cidr 172.16.10.0\/24/).first().waitFor();
  await dialog.getByLabel("IP Address (optional)").fill("172.16.10.50");
  await dialog.getByRole("button", { name: "Submit" }).click();
  await page.locator("#toasts .toast.error", { hasText: /Failed to add interface: Bad router request: Cidr/ }).nth(1).waitFor();
  await shot(page, "routers-01-add-interface-refused");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  const left = (await http("GET", "/v2.0/ports?network_id=" + net3.id, null, demo)).data.ports;
  assert.deepEqual(left.filter((p) => p.device_owner !== "network:dhcp"), []);

  // Static Routes: the form's checks, Neutron's refusal of the router's own address, a
  // route added and deleted.
  await page.getByRole("tab", { name: "Static Routes" }).click();
  await page.getByRole("button", { name: "+ Add Static Route" }).waitFor();
  await dismissToasts(page);
  await page.getByRole("button", { name: "+ Add Static Route" }).click();
  dialog = page.getByRole("dialog", { name: "Add Static Route" });
  await dialog.getByLabel("Destination CIDR").fill("192.168.101.7/24");
  await dialog.getByLabel("Next Hop").fill("10.9.9.9");
  await dialog.getByRole("button", { name: "Add Static Route" }).click();
  await dialog.getByText("'192.168.101.7/24' has host bits set: did you mean 192.168.101.0/24?").waitFor();
  await dialog.getByLabel("Destination CIDR").fill("192.168.101.0/24");
  // A member cannot read the gateway's subnet (another project's), so the server judges
  // whether the next hop is connected.
  await dialog.getByRole("button", { name: "Add Static Route" }).click();
  await page.locator("#toasts").getByText(/Failed to add route: Invalid format for routes: .*the nexthop is not connected with router/).waitFor();
  await dialog.getByLabel("Next Hop").fill("172.16.10.1");
  await dialog.getByRole("button", { name: "Add Static Route" }).click();
  await page.locator("#toasts").getByText(/Failed to add route: Invalid format for routes: .*the nexthop is used by router/).waitFor();
  await dialog.getByLabel("Next Hop").fill("172.16.10.10");
  await dialog.getByRole("button", { name: "Add Static Route" }).click();
  await page.getByText("Static route added").waitFor();
  const routes = page.locator("#static_routes tbody tr");
  await routes.filter({ hasText: "192.168.101.0/24" }).getByText("172.16.10.10").waitFor();
  assert.deepEqual((await routerNamed(demo, "router1")).routes,
    [{ destination: "192.168.101.0/24", nexthop: "172.16.10.10" }]);
  await shot(page, "routers-02-static-routes");
  await dismissToasts(page);
  await routes.filter({ hasText: "192.168.101.0/24" }).getByRole("button", { name: "Delete Static Route" }).click();
  await page.getByRole("dialog", { name: "Confirm Delete Static Route" })
    .getByRole("button", { name: "Delete Static Route" }).click();
  await page.getByText("Deleted Static Route: 192.168.101.0/24 via 172.16.10.10").waitFor();
  assert.deepEqual((await routerNamed(demo, "router1")).routes, []);

  // Edit Router: name and admin state.
  await dismissToasts(page);
  await page.getByRole("button", { name: "Edit Router" }).click();
  dialog = page.getByRole("dialog", { name: "Edit Router" });
  assert.equal(await dialog.getByLabel("Name").inputValue(), "router1");
  await dialog.getByLabel("Name").fill("router-main");
  await dialog.getByLabel("Enable Admin State").uncheck();
  await dialog.getByRole("button", { name: "Save Changes" }).click();
  await page.getByText("Router router-main was successfully updated.").waitFor();
  r = (await http("GET", "/v2.0/routers/" + r.id, null, demo)).data.router;
  assert.deepEqual([r.name, r.admin_state_up], ["router-main", false]);

  // Delete Interface, from its row.
  await page.getByRole("tab", { name: "Interfaces" }).click();
  await interfaces.filter({ hasText: "172.16.20.254" }).waitFor();
  await dismissToasts(page);
  await interfaces.filter({ hasText: "172.16.20.254" }).getByRole("button", { name: "Delete Interface" }).click();
  await page.getByRole("dialog", { name: "Confirm Delete Interface" })
    .getByRole("button", { name: "Delete Interface" }).click();
  await page.getByText(/Deleted Interface: /).waitFor();
  ports = (await portsOf(demo, r.id)).filter((p) => p.device_owner === "network:router_interface");
  assert.deepEqual(ports.map((p) => p.fixed_ips[0].ip_address), ["172.16.10.1"]);

  // Delete Router removes the interfaces the member sees first, as Horizon does; one the
  // admin attached with a port of its own stays, and Neutron's RouterInUse names it.
  const admin = await token("admin", "admin");
  const hidden = ok(await http("POST", "/v2.0/ports", { port: { network_id: sub2.network_id,
    fixed_ips: [{ subnet_id: sub2.id, ip_address: "172.16.20.100" }] } }, admin), 201).port;
  ok(await http("PUT", "/v2.0/routers/" + r.id + "/add_router_interface", { port_id: hidden.id },
    admin), 200);
  await dismissToasts(page);
  await page.getByRole("button", { name: "Delete Router" }).click();
  await page.getByRole("dialog", { name: "Confirm Delete Router" })
    .getByRole("button", { name: "Delete Router" }).click();
  await page.locator("#toasts").getByText("Unable to delete router router-main: Router " + r.id +
    " has ports still attached: " + hidden.id).waitFor();
  assert.equal((await http("GET", "/v2.0/routers/" + r.id, null, demo)).status, 200);
  ports = (await portsOf(admin, r.id)).filter((p) => p.device_owner === "network:router_interface");
  assert.deepEqual(ports.map((p) => p.id), [hidden.id]);

  // Once the admin's interface is gone, the router goes, its gateway with it.
  ok(await http("PUT", "/v2.0/routers/" + r.id + "/remove_router_interface", { port_id: hidden.id },
    admin), 200);
  await dismissToasts(page);
  await page.getByRole("button", { name: "Delete Router" }).click();
  await page.getByRole("dialog", { name: "Confirm Delete Router" })
    .getByRole("button", { name: "Delete Router" }).click();
  await page.getByText("Deleted Router: router-main").waitFor();
  await page.getByRole("heading", { name: "Routers", level: 1 }).waitFor();
  assert.equal((await http("GET", "/v2.0/routers/" + r.id, null, demo)).status, 404);
  const gw = (await http("GET", "/v2.0/ports?device_id=" + r.id, null, admin)).data.ports;
  assert.deepEqual(gw, []);
  await page.close();
});

test("Delete Router with interfaces: they go first, then the router", async () => {
  const demo = await token("demo", "demo");
  const { subnet } = await makeNetwork("del_net", "172.16.40.0/24", demo);
  const r = ok(await http("POST", "/v2.0/routers", { router: { name: "del-router" } }, demo), 201).router;
  ok(await http("PUT", "/v2.0/routers/" + r.id + "/add_router_interface", { subnet_id: subnet.id },
    demo), 200);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, "demo", "demo");
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Routers" }).click();
  const row = page.locator("#routers tbody tr", { hasText: "del-router" });
  await row.locator("summary").click();
  await row.getByRole("button", { name: "Delete Router" }).click();
  await page.getByRole("dialog", { name: "Confirm Delete Router" })
    .getByRole("button", { name: "Delete Router" }).click();
  await page.getByText("Deleted Router: del-router").waitFor();
  assert.equal((await http("GET", "/v2.0/routers/" + r.id, null, demo)).status, 404);
  assert.deepEqual((await portsOf(demo, r.id)), []);
  await page.close();
});

test("admin routers: SNAT off at creation, every project's routers with their project", async () => {
  const admin = await token("admin", "admin");
  const demo = await token("demo", "demo");
  let ext = (await http("GET", "/v2.0/networks?name=provider", null, admin)).data.networks[0];
  if (!ext) ext = await externalNetworkByAdmin("provider", "203.0.113.0/24");
  const demoRouter = (await http("POST", "/v2.0/routers", { router: { name: "demo-router" } },
    demo)).data.router;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, "admin", "admin");

  // Project → Routers as admin: the admin project's routers only; SNAT may be turned off.
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Routers" }).first().click();
  await page.getByRole("heading", { name: "Routers", level: 1 }).waitFor();
  await page.locator("#routers").getByText("No items to display.").waitFor();
  await page.getByRole("button", { name: "+ Create Router" }).click();
  const dialog = page.getByRole("dialog", { name: "Create Router" });
  assert.equal(await dialog.getByLabel("Enable SNAT").isVisible(), false);
  await dialog.getByLabel("Router Name").fill("admin-router");
  await dialog.getByLabel("External Network").selectOption({ label: "provider" });
  await dialog.getByLabel("Enable SNAT").uncheck();
  await dialog.getByRole("button", { name: "Create Router" }).click();
  await page.getByText("Router admin-router was successfully created.").waitFor();
  const adminRouter = await routerNamed(admin, "admin-router");
  assert.equal(adminRouter.external_gateway_info.enable_snat, false);
  assert.equal(await page.locator("#routers tbody tr", { hasText: "demo-router" }).count(), 0);

  // Admin → Routers: both, with their projects' names.
  await page.locator("#admin-menu").getByRole("link", { name: "Routers" }).click();
  await page.locator("#routers thead").getByText("Project", { exact: true }).waitFor();
  await page.locator("#routers tbody tr", { hasText: "demo-router" }).getByText("demo", { exact: true }).waitFor();
  const mine = page.locator("#routers tbody tr", { hasText: "admin-router" });
  await mine.getByText("admin", { exact: true }).waitFor();
  await mine.getByText("provider", { exact: true }).waitFor();
  await shot(page, "routers-03-admin-list");
  // The admin's router page, Overview: SNAT disabled.
  await mine.getByRole("link", { name: "admin-router" }).click();
  await page.getByRole("heading", { name: "admin-router", level: 1 }).waitFor();
  await page.getByText("Disabled", { exact: true }).waitFor();
  assert.match(page.url(), /\/dashboard\/admin\/routers\//);
  // The admin reads every subnet of the router: a next hop on none of them is caught
  // before anything is sent.
  await page.getByRole("tab", { name: "Static Routes" }).click();
  await page.getByRole("button", { name: "+ Add Static Route" }).click();
  const add = page.getByRole("dialog", { name: "Add Static Route" });
  await add.getByLabel("Destination CIDR").fill("10.20.0.0/16");
  await add.getByLabel("Next Hop").fill("10.9.9.9");
  await add.getByRole("button", { name: "Add Static Route" }).click();
  await add.getByText("The next hop 10.9.9.9 is not connected with the router: it is in none " +
    "of its subnets (203.0.113.0/24).").waitFor();
  await add.getByLabel("Next Hop").fill("203.0.113.77");
  await add.getByRole("button", { name: "Add Static Route" }).click();
  await page.getByText("Static route added").waitFor();
  assert.deepEqual((await routerNamed(admin, "admin-router")).routes,
    [{ destination: "10.20.0.0/16", nexthop: "203.0.113.77" }]);
  await page.close();
  for (const id of [demoRouter.id, adminRouter.id]) {
    assert.equal((await http("DELETE", "/v2.0/routers/" + id, null, admin)).status, 204);
  }
});
