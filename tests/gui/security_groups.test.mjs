// Project → Network → Security Groups through the dashboard (harness.mjs;
// docs/behaviour/dashboard.md §16): the list with the project's default group, Create and
// Edit Security Group, Manage Rules with rule templates, a remote group and Delete Rule, a
// port's groups and port security in Edit Port and on the port's page, and the refused
// delete of a group in use.  Every change is checked through the API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup, url, browser, http, token, shot, signIn, makeNetwork } from "./harness.mjs";

setup();

// Toasts sit over the top right of the page, where the table buttons are: closed before
// those buttons are clicked.
async function dismissToasts(page) {
  const close = page.locator("#toasts").getByRole("button", { name: "Dismiss" });
  while (await close.count()) await close.first().click();
}

const groupsOf = async (tok, name) => (await http("GET", "/v2.0/security-groups?name=" + name,
  null, tok)).data.security_groups;

test("security groups: create, rules, edit, assign to a port, refused and accepted delete", async () => {
  const demo = await token("demo", "demo");
  const { net } = await makeNetwork("sg_net", "10.60.0.0/24", demo);
  const port = (await http("POST", "/v2.0/ports", { port: { network_id: net.id,
    name: "sg-port" } }, demo)).data.port;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, "demo", "demo");

  // The list: reached from the menu; the default group is there, and cannot be edited.
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Security Groups" }).click();
  await page.getByRole("heading", { name: "Security Groups", level: 1 }).waitFor();
  const defaultRow = page.locator("#security_groups tbody tr", { hasText: "default" });
  await defaultRow.getByText("Default security group").waitFor();
  const [def] = await groupsOf(demo, "default");
  await defaultRow.getByText(def.id).waitFor();
  assert.equal(await defaultRow.locator("summary").count(), 0);       // no Edit, no Delete
  for (const col of ["Name", "Security Group ID", "Description", "Actions"]) {
    await page.locator("#security_groups thead").getByText(col, { exact: true }).waitFor();
  }

  // Create Security Group: the name is required; the new group opens on its rules.
  await page.getByRole("button", { name: "+ Create Security Group" }).click();
  let dialog = page.getByRole("dialog", { name: "Create Security Group" });
  await dialog.getByRole("button", { name: "Create Security Group" }).click();
  await dialog.getByText("This field is required.").waitFor();
  await dialog.getByLabel("Name").fill("web");
  await dialog.getByLabel("Description").fill("web servers");
  await dialog.getByRole("button", { name: "Create Security Group" }).click();
  await page.getByText("Successfully created security group: web").waitFor();
  const [web] = await groupsOf(demo, "web");
  assert.equal(web.description, "web servers");
  await page.getByRole("heading", { name: "Manage Security Group Rules: web (" + web.id + ")" }).waitFor();
  const rules = page.locator("#rules tbody tr");
  assert.equal(await rules.filter({ hasText: "Egress" }).count(), 2);

  // An SSH rule from anywhere, from its template.
  await page.getByRole("button", { name: "+ Add Rule" }).click();
  dialog = page.getByRole("dialog", { name: "Add Rule" });
  await dialog.getByLabel("Rule").selectOption({ label: "SSH" });
  assert.equal(await dialog.getByLabel("Direction").isVisible(), false);
  assert.equal(await dialog.getByLabel("CIDR").inputValue(), "0.0.0.0/0");
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await page.getByText("Successfully added rule: ALLOW IPv4 22/tcp from 0.0.0.0/0").waitFor();
  await rules.filter({ hasText: "22 (SSH)" }).filter({ hasText: "TCP" }).waitFor();

  // All ICMP from a CIDR; a bad CIDR is caught first.
  await page.getByRole("button", { name: "+ Add Rule" }).click();
  await dialog.getByLabel("Rule").selectOption({ label: "All ICMP" });
  await dialog.getByLabel("CIDR").fill("10.0.0.300/8");
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await dialog.getByText("Incorrect format for IP address: 10.0.0.300/8").waitFor();
  await dialog.getByLabel("CIDR").fill("10.0.0.0/8");
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await page.getByText("Successfully added rule: ALLOW IPv4 icmp from 10.0.0.0/8").waitFor();
  const icmpRow = rules.filter({ hasText: "ICMP" });
  await icmpRow.getByText("10.0.0.0/8").waitFor();

  // A port range from the members of the default group; the range is checked first.
  await dismissToasts(page);
  await page.getByRole("button", { name: "+ Add Rule" }).click();
  await dialog.getByLabel("Rule").selectOption({ label: "Custom TCP Rule" });
  await dialog.getByLabel("Open Port").selectOption({ label: "Port Range" });
  await dialog.getByLabel("From Port").fill("8080");
  await dialog.getByLabel("To Port").fill("8000");
  await dialog.getByLabel("Remote").selectOption({ label: "Security Group" });
  assert.equal(await dialog.getByLabel("CIDR").isVisible(), false);
  await dialog.getByLabel("Security Group").selectOption({ label: "default" });
  await dialog.getByLabel("Description").fill("app tier");
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await dialog.getByText("The \"to\" port number must be greater than or equal to the \"from\" port number.").waitFor();
  await dialog.getByLabel("From Port").fill("8000");
  await dialog.getByLabel("To Port").fill("8080");
  await shot(page, "sg-01-add-rule-remote-group");
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await page.getByText("Successfully added rule: ALLOW IPv4 8000-8080/tcp from default").waitFor();
  const appRow = rules.filter({ hasText: "app tier" });
  await appRow.getByText("8000 - 8080").waitFor();
  await appRow.getByText("default", { exact: true }).waitFor();
  let got = (await http("GET", "/v2.0/security-groups/" + web.id, null, demo)).data.security_group;
  const app = got.security_group_rules.find((r) => r.description === "app tier");
  assert.equal(app.remote_group_id, def.id);
  assert.equal(app.remote_ip_prefix, null);
  assert.deepEqual([app.protocol, app.port_range_min, app.port_range_max, app.direction],
    ["tcp", 8000, 8080, "ingress"]);
  const icmp = got.security_group_rules.find((r) => r.protocol === "icmp");
  assert.deepEqual([icmp.remote_ip_prefix, icmp.port_range_min, icmp.port_range_max],
    ["10.0.0.0/8", null, null]);

  // The same SSH rule again: Neutron's refusal, in the toast.
  await page.getByRole("button", { name: "+ Add Rule" }).click();
  await dialog.getByLabel("Rule").selectOption({ label: "SSH" });
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await page.getByRole("alert").getByText(/Unable to add rule to security group: Security group rule already exists/).waitFor();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // Delete Rule, confirmed.
  await icmpRow.getByRole("button", { name: "Delete Rule" }).click();
  await page.getByRole("dialog", { name: "Confirm Delete Rule" }).getByRole("button", { name: "Delete Rule" }).click();
  await page.getByText("Deleted Rule: ALLOW IPv4 icmp from 10.0.0.0/8").waitFor();
  await rules.filter({ hasText: "22 (SSH)" }).waitFor();
  assert.equal(await rules.filter({ hasText: "ICMP" }).count(), 0);
  await shot(page, "sg-04-rules");
  got = (await http("GET", "/v2.0/security-groups/" + web.id, null, demo)).data.security_group;
  assert.equal(got.security_group_rules.some((r) => r.protocol === "icmp"), false);
  assert.equal(got.security_group_rules.length, 4);

  // Edit Security Group, from the list's row menu.
  await page.getByRole("link", { name: "Security Groups" }).first().click();
  let webRow = page.locator("#security_groups tbody tr", { hasText: web.id });
  await webRow.locator("summary").click();
  await webRow.getByRole("button", { name: "Edit Security Group" }).click();
  dialog = page.getByRole("dialog", { name: "Edit Security Group" });
  assert.equal(await dialog.getByLabel("Name").inputValue(), "web");
  await dialog.getByLabel("Name").fill("web2");
  await dialog.getByLabel("Description").fill("front end");
  await dialog.getByRole("button", { name: "Edit Security Group" }).click();
  await page.getByText("Successfully updated security group: web2").waitFor();
  got = (await http("GET", "/v2.0/security-groups/" + web.id, null, demo)).data.security_group;
  assert.deepEqual([got.name, got.description], ["web2", "front end"]);

  // Edit Port, "Security Groups": the port has its project's default group; swap it for web2.
  await page.goto(url + "/dashboard/project/networks/ports/" + port.id + "/detail");
  await page.getByRole("button", { name: "Edit Port" }).click();
  dialog = page.getByRole("dialog", { name: "Edit Port" });
  await dialog.getByRole("button", { name: "Security Groups" }).click();
  const chosen = dialog.getByRole("list", { name: "Port Security Groups" });
  await chosen.getByText("default").waitFor();
  await dialog.getByRole("list", { name: "All Security Groups" }).getByRole("button", { name: "Add web2" }).click();
  await chosen.getByText("web2").waitFor();
  await chosen.getByRole("button", { name: "Remove default" }).click();
  await dialog.getByRole("list", { name: "All Security Groups" }).getByText("default").waitFor();
  await shot(page, "sg-02-edit-port-groups");
  await dialog.getByRole("button", { name: "Update" }).click();
  await page.getByText('Updated port "sg-port"').waitFor();
  let p = (await http("GET", "/v2.0/ports/" + port.id, null, demo)).data.port;
  assert.deepEqual(p.security_groups, [web.id]);
  const section = page.getByRole("region", { name: "Security Groups" });
  await section.getByRole("link", { name: "web2" }).waitFor();
  await section.getByText("ALLOW IPv4 22/tcp from 0.0.0.0/0").waitFor();
  await section.getByText("ALLOW IPv4 8000-8080/tcp from default").waitFor();   // the remote by name
  assert.equal(await section.getByRole("link", { name: "default" }).count(), 0);
  await shot(page, "sg-03-port-detail");

  // Deleting a group in use: refused, with Neutron's reason in the toast.
  await page.goto(url + "/dashboard/project/security_groups/");
  webRow = page.locator("#security_groups tbody tr", { hasText: web.id });
  await webRow.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Delete Security Groups" }).click();
  await page.getByRole("dialog", { name: "Confirm Delete Security Group" }).getByText('"web2"').waitFor();
  await page.getByRole("dialog").getByRole("button", { name: "Delete Security Group" }).click();
  await page.getByRole("alert").getByText("Unable to delete Security Group: web2. Security Group " +
    web.id + " in use.").waitFor();
  assert.equal((await http("GET", "/v2.0/security-groups/" + web.id, null, demo)).status, 200);

  // Off the port again (the default group back), then the delete goes through.
  await page.goto(url + "/dashboard/project/networks/ports/" + port.id + "/detail");
  await page.getByRole("button", { name: "Edit Port" }).click();
  await dialog.getByRole("button", { name: "Security Groups" }).click();
  await chosen.getByRole("button", { name: "Remove web2" }).click();
  await dialog.getByRole("list", { name: "All Security Groups" }).getByRole("button", { name: "Add default" }).click();
  await dialog.getByRole("list", { name: "All Security Groups" }).getByText("web2").waitFor();
  await dialog.getByRole("button", { name: "Update" }).click();
  await page.getByText('Updated port "sg-port"').waitFor();
  p = (await http("GET", "/v2.0/ports/" + port.id, null, demo)).data.port;
  assert.deepEqual(p.security_groups, [def.id]);
  await page.goto(url + "/dashboard/project/security_groups/");
  webRow = page.locator("#security_groups tbody tr", { hasText: web.id });
  await webRow.locator("summary").click();
  await webRow.getByRole("button", { name: "Delete Security Group" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete Security Group" }).click();
  await page.getByText("Deleted Security Group: web2").waitFor();
  assert.equal((await http("GET", "/v2.0/security-groups/" + web.id, null, demo)).status, 404);
  await page.close();
});

test("Edit Port: turning Port Security off hides the groups and clears them", async () => {
  const demo = await token("demo", "demo");
  const { net } = await makeNetwork("psec_net", "10.61.0.0/24", demo);
  const port = (await http("POST", "/v2.0/ports", { port: { network_id: net.id,
    name: "psec-port" } }, demo)).data.port;
  assert.equal(port.security_groups.length, 1);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, "demo", "demo");
  await page.goto(url + "/dashboard/project/networks/ports/" + port.id + "/detail");
  await page.getByText("Port Security Enabled").waitFor();
  await page.getByRole("region", { name: "Security Groups" }).getByRole("link", { name: "default" }).waitFor();
  await page.getByRole("button", { name: "Edit Port" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit Port" });
  const tab = dialog.getByRole("button", { name: "Security Groups" });
  await tab.waitFor();
  await dialog.getByRole("checkbox", { name: "Port Security" }).uncheck();
  await tab.waitFor({ state: "hidden" });
  await dialog.getByRole("button", { name: "Update" }).click();
  await page.getByText('Updated port "psec-port"').waitFor();
  const p = (await http("GET", "/v2.0/ports/" + port.id, null, demo)).data.port;
  assert.equal(p.port_security_enabled, false);
  assert.deepEqual(p.security_groups, []);
  await page.getByText("No security group is associated").waitFor();

  // And on again: the port gets no group back by itself, the dialog offers them.
  await page.getByRole("button", { name: "Edit Port" }).click();
  await dialog.getByRole("checkbox", { name: "Port Security" }).check();
  await dialog.getByRole("button", { name: "Security Groups" }).click();
  await dialog.getByRole("list", { name: "All Security Groups" }).getByRole("button", { name: "Add default" }).click();
  await dialog.getByRole("button", { name: "Update" }).click();
  await page.getByText('Updated port "psec-port"').first().waitFor();
  await page.getByRole("region", { name: "Security Groups" }).getByRole("link", { name: "default" }).waitFor();
  const q = (await http("GET", "/v2.0/ports/" + port.id, null, demo)).data.port;
  assert.equal(q.port_security_enabled, true);
  assert.equal(q.security_groups.length, 1);
  await page.close();
});

test("Create Port: the default group starts chosen, others can be; no port security, no groups", async () => {
  const demo = await token("demo", "demo");
  const { net } = await makeNetwork("cport_net", "10.62.0.0/24", demo);
  const db = (await http("POST", "/v2.0/security-groups", { security_group: { name: "db" } }, demo))
    .data.security_group;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, "demo", "demo");
  await page.goto(url + "/dashboard/project/networks/" + net.id + "/detail?tab=network_tabs__ports_tab");
  await page.getByRole("button", { name: "+ Create Port" }).click();
  const dialog = page.getByRole("dialog", { name: "Create Port" });
  await dialog.getByLabel("Name").fill("db-port");
  await dialog.getByRole("button", { name: "Security Groups" }).click();
  const chosen = dialog.getByRole("list", { name: "Port Security Groups" });
  await chosen.getByRole("button", { name: "Remove default" }).click();
  await dialog.getByRole("list", { name: "All Security Groups" }).getByRole("button", { name: "Add db" }).click();
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.getByText('Created port "db-port"').waitFor();
  let ports = (await http("GET", "/v2.0/ports?name=db-port", null, demo)).data.ports;
  assert.deepEqual(ports[0].security_groups, [db.id]);

  await page.getByRole("button", { name: "+ Create Port" }).click();
  await dialog.getByLabel("Name").fill("open-port");
  await dialog.getByRole("button", { name: "Security Groups" }).click();
  await chosen.getByText("default").waitFor();                         // chosen at first
  await dialog.getByRole("button", { name: "Info" }).click();
  await dialog.getByRole("checkbox", { name: "Port Security" }).uncheck();
  await dialog.getByRole("button", { name: "Security Groups" }).waitFor({ state: "hidden" });
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.getByText('Created port "open-port"').waitFor();
  ports = (await http("GET", "/v2.0/ports?name=open-port", null, demo)).data.ports;
  assert.equal(ports[0].port_security_enabled, false);
  assert.deepEqual(ports[0].security_groups, []);
  await page.close();
});
