// The Create Network wizard's subnet from a pool (harness.mjs; docs/behaviour/dashboard.md
// §4.6): "Network Address Source", "Address pool" and "Network Mask" as Horizon's
// workflow has them; the subnet made is checked through the API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup, browser, http, token, shot, signIn } from "./harness.mjs";

setup();

const ok = (r, status) => { assert.equal(r.status, status, JSON.stringify(r.data)); return r.data; };

test("the wizard asks for an address until a pool is chosen, then cuts a subnet of the mask chosen", async () => {
  const demo = await token("demo", "demo");
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  let pool;
  try {
    // Without a pool the wizard has no address source to choose.
    await signIn(page, "demo", "demo");
    await page.getByRole("button", { name: "+ Create Network" }).click();
    await page.getByRole("button", { name: "Next »" }).click();
    assert.equal(await page.locator("#id_address_source").count(), 0);
    await page.getByRole("button", { name: "Cancel" }).click();

    pool = ok(await http("POST", "/v2.0/subnetpools", { subnetpool: { name: "gui-pool",
      prefixes: ["10.80.0.0/16"], min_prefixlen: 24, max_prefixlen: 28, default_prefixlen: 26 } },
    demo), 201).subnetpool;
    await page.reload();
    await page.getByRole("button", { name: "+ Create Network" }).click();
    await page.getByLabel("Network Name").fill("pool_net");
    await page.getByRole("button", { name: "Next »" }).click();
    await page.getByLabel("Subnet Name").fill("pool_net-sub");
    assert.ok(await page.locator("#id_cidr").isVisible());
    assert.equal(await page.getByLabel("Address pool").isVisible(), false);
    await page.getByLabel("Network Address Source").selectOption({ label: "Allocate Network Address from a pool" });
    assert.equal(await page.locator("#id_cidr").isVisible(), false);
    assert.equal(await page.getByLabel("Gateway IP").isVisible(), false);
    assert.equal(await page.getByLabel("Network Mask").isVisible(), false);
    await page.getByRole("button", { name: "Next »" }).click();
    await page.getByText('Specify "Address pool" or select "Enter Network Address manually" and specify "Network Address".').waitFor();
    await page.getByLabel("Address pool").selectOption({ label: "gui-pool (10.80.0.0/16)" });
    const mask = page.getByLabel("Network Mask");
    assert.equal(await mask.inputValue(), "26");
    assert.deepEqual(await mask.locator("option").allTextContents(),
      ["24", "25", "26 (pool default)", "27", "28"]);
    await mask.selectOption("27");
    await shot(page, "subnet-from-pool");
    await page.getByRole("button", { name: "Next »" }).click();
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.getByText('Created network "pool_net"').waitFor();
    const net = ok(await http("GET", "/v2.0/networks?name=pool_net", null, demo), 200).networks[0];
    const sub = ok(await http("GET", "/v2.0/subnets?network_id=" + net.id, null, demo), 200).subnets;
    assert.equal(sub.length, 1);
    assert.equal(sub[0].subnetpool_id, pool.id);
    assert.equal(sub[0].name, "pool_net-sub");
    assert.match(sub[0].cidr, /^10\.80\.\d+\.\d+\/27$/);
    assert.ok(sub[0].gateway_ip);
  } finally {
    await page.close();
    for (const n of ok(await http("GET", "/v2.0/networks?name=pool_net", null, demo), 200).networks) {
      await http("DELETE", "/v2.0/networks/" + n.id, null, demo);
    }
    if (pool) await http("DELETE", "/v2.0/subnetpools/" + pool.id, null, demo);
  }
});
