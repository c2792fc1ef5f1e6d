// The Network Agents page with an agent that has stopped reporting
// (docs/behaviour/dashboard.md §11.4, §15): this file's server counts an agent down after
// 6 s without a report.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup, url, browser, http, token, shot, signIn } from "./harness.mjs";

setup({ agentDownTime: 6 });

async function waitUntil(check) {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error("timed out waiting for " + check);
}

test("a dead agent shows Down, is found by 'only down', and can be deleted", async () => {
  const admin = await token("admin", "admin");
  const agentToken = await token("neutrino-agent", "service");
  // The harness's agents report once; keep one alive by reporting again.
  await waitUntil(async () => (await http("GET", "/v2.0/agents?alive=false", null, admin))
    .data.agents.length === 3);
  await http("POST", "/agent/v1/report", { agent: { agent_type: "Linux bridge agent",
    binary: "neutron-linuxbridge-agent", host: "controller", topic: "N/A",
    configurations: { interface_mappings: { provider: "eth1" } } } }, agentToken);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, "admin", "admin");
  await page.goto(url + "/dashboard/admin/info/");
  const rows = page.locator("#agents tbody tr");
  await rows.first().waitFor();
  assert.equal(await rows.count(), 3);
  const alive = rows.filter({ hasText: "Up" });
  assert.equal(await alive.count(), 1);
  assert.match(await alive.innerText(), /controller/);
  assert.equal(await alive.getByRole("button", { name: "Delete Agent" }).count(), 0);
  await alive.locator("details.conf summary").click();
  await alive.getByText("interface_mappings").waitFor();
  await page.getByLabel("Show only agents that are down").check();
  await page.getByText("Displaying 2 items").waitFor();
  await shot(page, "agents-01-down-only");

  const dhcp = rows.filter({ hasText: "DHCP agent" });
  await dhcp.getByRole("button", { name: "Delete Agent" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete Agent" }).click();
  await page.getByText("Deleted Agent: neutron-dhcp-agent on controller").waitFor();
  const left = (await http("GET", "/v2.0/agents", null, admin)).data.agents;
  assert.deepEqual(left.map((a) => a.agent_type).sort(), ["Linux bridge agent", "Linux bridge agent"]);

  // Disable, then enable, the live one.
  await page.getByLabel("Show only agents that are down").uncheck();
  await rows.filter({ hasText: "neutron-linuxbridge-agent" }).filter({ hasText: "controller" })
    .getByRole("button", { name: "Disable Agent" }).click();
  await page.getByText("Disabled agent: neutron-linuxbridge-agent on controller").waitFor();
  const me = (await http("GET", "/v2.0/agents?host=controller", null, admin)).data.agents[0];
  assert.equal(me.admin_state_up, false);
  await page.close();
});
