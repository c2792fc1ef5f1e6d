// Quotas in the dashboard (harness.mjs; docs/behaviour/dashboard.md §19): Horizon's
// quota-aware Create buttons, Admin → System → Defaults, and Identity → Projects →
// Modify Quotas.  Limits are set and checked through the API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup, browser, http, token, shot, signIn, makeNetwork } from "./harness.mjs";

setup();

const ok = (r, status) => { assert.equal(r.status, status, JSON.stringify(r.data)); return r.data; };

async function projectId(admin, name) {
  const r = ok(await http("GET", "/identity/v3/projects?name=" + name, null, admin), 200);
  return r.projects[0].id;
}

// Every resource the Create buttons count: at its limit when the limit is what is used.
const RESOURCES = ["network", "subnet", "port", "router", "floatingip", "security_group",
  "security_group_rule"];

test("used-up quotas disable Horizon's Create buttons, which come back when raised", async () => {
  const admin = await token("admin", "admin");
  const demo = await token("demo", "demo");
  const demoId = await projectId(admin, "demo");
  const { net } = await makeNetwork("quota_net", "172.16.40.0/24", demo);
  const group = ok(await http("POST", "/v2.0/security-groups",
    { security_group: { name: "quota-sg" } }, demo), 201).security_group;
  const used = ok(await http("GET", "/v2.0/quotas/" + demoId + "/details", null, admin), 200).quota;
  const full = Object.fromEntries(RESOURCES.map((k) => [k, used[k].used]));
  ok(await http("PUT", "/v2.0/quotas/" + demoId, { quota: full }, admin), 200);
  const page = await browser.newPage();
  try {
    await signIn(page, "demo", "demo");
    const exceeded = async (name) => {
      const b = page.getByRole("button", { name, exact: true });
      await b.first().waitFor();
      assert.ok(await b.first().isDisabled(), name + " should be disabled");
    };
    await exceeded("+ Create Network (Quota exceeded)");
    await page.locator("#networks tbody tr", { hasText: "quota_net" })
      .locator("summary").click();
    await exceeded("Create Subnet (Quota exceeded)");
    await page.goto(page.url().replace(/project\/networks\/.*/, "project/networks/" + net.id +
      "/detail?tab=network_tabs__subnets_tab"));
    await exceeded("+ Create Subnet (Quota exceeded)");
    await page.getByRole("tab", { name: "Ports" }).click();
    await exceeded("+ Create Port (Quota exceeded)");
    await page.getByRole("link", { name: "Routers" }).first().click();
    await exceeded("+ Create Router (Quota exceeded)");
    await page.getByRole("link", { name: "Floating IPs" }).click();
    await exceeded("Allocate IP To Project (Quota exceeded)");
    await page.getByRole("link", { name: "Security Groups" }).click();
    await exceeded("+ Create Security Group (Quota exceeded)");
    await page.locator("#security_groups tbody tr", { hasText: "quota-sg" })
      .getByRole("button", { name: "Manage Rules" }).click();
    await exceeded("+ Add Rule (Quota exceeded)");
    await page.getByRole("link", { name: "Network Topology" }).click();
    await exceeded("+ Create Network (Quota exceeded)");
    await shot(page, "quota-exceeded");
    // One more of each allowed: the plain buttons again.
    ok(await http("PUT", "/v2.0/quotas/" + demoId, { quota: Object.fromEntries(
      RESOURCES.map((k) => [k, full[k] + 1])) }, admin), 200);
    await page.getByRole("link", { name: "Networks" }).first().click();
    const create = page.getByRole("button", { name: "+ Create Network", exact: true });
    await create.waitFor();
    assert.ok(await create.isEnabled());
    assert.equal(await page.getByText("(Quota exceeded)").count(), 0);
    await page.getByRole("link", { name: "Routers" }).first().click();
    assert.ok(await page.getByRole("button", { name: "+ Create Router", exact: true }).isEnabled());
  } finally {
    await page.close();
    await http("DELETE", "/v2.0/quotas/" + demoId, null, admin);
    await http("DELETE", "/v2.0/security-groups/" + group.id, null, demo);
    await http("DELETE", "/v2.0/networks/" + net.id, null, demo);
  }
});

test("admin: Defaults lists the network quotas' defaults; Modify Quotas edits a project's", async () => {
  const admin = await token("admin", "admin");
  const demoId = await projectId(admin, "demo");
  const defaults = ok(await http("GET", "/v2.0/quotas/" + demoId + "/default", null, admin), 200).quota;
  const page = await browser.newPage();
  try {
    await signIn(page, "admin", "admin");
    await page.getByRole("link", { name: "Defaults" }).click();
    await page.getByRole("heading", { name: "Defaults", level: 1 }).waitFor();
    for (const [name, key] of [["Networks", "network"], ["Subnets", "subnet"], ["Ports", "port"],
      ["Routers", "router"], ["Floating IPs", "floatingip"], ["Security Group Rules",
        "security_group_rule"], ["RBAC Policies", "rbac_policy"]]) {
      const row = page.locator("#network_quotas tbody tr", { has: page.getByRole("cell",
        { name, exact: true }) });
      assert.equal(await row.locator("td").nth(2).textContent(), String(defaults[key]), name);
    }
    // Nothing to update: the defaults come from the server's configuration.
    assert.equal(await page.getByRole("button", { name: "Update Defaults" }).count(), 0);

    await page.getByRole("link", { name: "Projects" }).click();
    const row = page.locator("#tenants tbody tr", { has: page.getByRole("cell",
      { name: "demo", exact: true }) });
    await row.getByRole("button", { name: "Modify Quotas" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit Quotas" });
    assert.equal(await dialog.getByLabel("Networks").inputValue(), String(defaults.network));
    await dialog.getByLabel("Networks").fill("-2");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.getByText("Ensure this value is greater than or equal to -1.").waitFor();
    await dialog.getByLabel("Networks").fill("7");
    await dialog.getByLabel("Routers").fill("-1");
    await dialog.getByRole("button", { name: "Save" }).click();
    await page.getByText("Modified quotas of project \"demo\".").waitFor();
    const q = ok(await http("GET", "/v2.0/quotas/" + demoId, null, admin), 200).quota;
    assert.equal(q.network, 7);
    assert.equal(q.router, -1);
    assert.equal(q.subnet, defaults.subnet);
    // Below what the project uses: refused in the form, nothing sent.
    const { net } = await makeNetwork("quota_net2", "172.16.41.0/24", await token("demo", "demo"));
    try {
      await row.getByRole("button", { name: "Modify Quotas" }).click();
      await dialog.getByLabel("Subnets").fill("0");
      await dialog.getByRole("button", { name: "Save" }).click();
      await dialog.getByText(/cannot be less than the current usage/).waitFor();
      await dialog.getByRole("button", { name: "Cancel" }).click();
      assert.equal(ok(await http("GET", "/v2.0/quotas/" + demoId, null, admin), 200).quota.subnet,
        defaults.subnet);
    } finally {
      await http("DELETE", "/v2.0/networks/" + net.id, null, admin);
    }
    await shot(page, "quota-projects");
  } finally {
    await page.close();
    await http("DELETE", "/v2.0/quotas/" + demoId, null, admin);
  }
});
