// Admin → Network → RBAC Policies (harness.mjs; docs/behaviour/dashboard.md §20): a network
// shared with one project, the target changed, the policy deleted — each step checked
// through the API as the project that gains or loses the network.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup, browser, http, token, shot, signIn } from "./harness.mjs";

setup();

const ok = (r, status) => { assert.equal(r.status, status, JSON.stringify(r.data)); return r.data; };

test("admin shares a network with a project through an RBAC policy, edits and deletes it", async () => {
  const admin = await token("admin", "admin");
  const demo = await token("demo", "demo");
  const net = ok(await http("POST", "/v2.0/networks", { network: { name: "rbac_net" } }, admin),
    201).network;
  const demoSees = async () => (await http("GET", "/v2.0/networks/" + net.id, null, demo)).status;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    assert.equal(await demoSees(), 404);
    await signIn(page, "admin", "admin");
    await page.getByRole("link", { name: "RBAC Policies" }).click();
    await page.getByRole("heading", { name: "RBAC Policies", level: 1 }).waitFor();
    await page.getByRole("button", { name: "+ Create RBAC Policy" }).click();
    const dialog = page.getByRole("dialog", { name: "Create RBAC Policy" });
    assert.equal(await dialog.getByLabel("Network").isVisible(), false);
    await dialog.getByRole("button", { name: "Create RBAC Policy" }).click();
    assert.equal(await dialog.getByText("This field is required.").count(), 2);
    await dialog.getByLabel("Target Project").selectOption({ label: "demo" });
    await dialog.getByLabel("Action and Object Type").selectOption({ label: "Shared Network" });
    await dialog.getByLabel("Network").selectOption({ label: "rbac_net" });
    await dialog.getByRole("button", { name: "Create RBAC Policy" }).click();
    await page.getByText("RBAC Policy was successfully created.").waitFor();
    const row = page.locator("#rbac_policies tbody tr", { hasText: "rbac_net" });
    await row.waitFor();
    assert.match(await row.innerText(), /admin\s+\S+\s+network\s+rbac_net\s+demo/);
    assert.equal(await demoSees(), 200);
    const policy = ok(await http("GET", "/v2.0/rbac-policies?object_id=" + net.id, null, admin),
      200).rbac_policies[0];
    assert.equal(policy.action, "access_as_shared");
    await shot(page, "rbac-policies");

    await row.getByRole("button", { name: "Edit Policy" }).click();
    const edit = page.getByRole("dialog", { name: "Update RBAC Policy" });
    await edit.getByLabel("Target Project").selectOption("*");
    await edit.getByRole("button", { name: "Save Changes" }).click();
    await page.getByText("RBAC Policy " + policy.id + " was successfully updated.").waitFor();
    assert.equal(ok(await http("GET", "/v2.0/rbac-policies/" + policy.id, null, admin), 200)
      .rbac_policy.target_tenant, "*");

    await row.locator("summary").click();
    await row.getByRole("button", { name: "Delete RBAC Policy" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete RBAC Policy" }).click();
    await page.getByText("Deleted RBAC Policy").waitFor();
    assert.equal((await http("GET", "/v2.0/rbac-policies/" + policy.id, null, admin)).status, 404);
    assert.equal(await demoSees(), 404);
  } finally {
    await page.close();
    for (const p of (await http("GET", "/v2.0/rbac-policies?object_id=" + net.id, null, admin))
      .data.rbac_policies) {
      await http("DELETE", "/v2.0/rbac-policies/" + p.id, null, admin);
    }
    await http("DELETE", "/v2.0/networks/" + net.id, null, admin);
  }
});

test("a member sees no RBAC Policies, not even by URL", async () => {
  const page = await browser.newPage();
  try {
    await signIn(page, "demo", "demo");
    assert.equal(await page.getByRole("link", { name: "RBAC Policies" }).isVisible(), false);
    await page.goto(page.url().replace(/project\/networks\/.*/, "admin/rbac_policies/"));
    await page.getByRole("heading", { name: "Not Found" }).waitFor();
  } finally {
    await page.close();
  }
});
