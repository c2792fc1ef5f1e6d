// The networks lists page on the server (docs/behaviour/dashboard.md §2, §3, §11.1;
// harness.mjs): 20 rows a page with limit/marker, back with page_reverse, and the
// field-chooser filter sent to the server as Neutron filters.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setup, browser, http, token, shot, signIn } from "./harness.mjs";

setup();

function listCalls(page) {
  const calls = [];
  page.on("request", (req) => {
    const u = new URL(req.url());
    if (req.method() === "GET" && u.pathname === "/v2.0/networks") calls.push(u.searchParams);
  });
  return calls;
}

test("a member's networks come 20 at a time from the server, forward and back", async () => {
  const demo = await token("demo", "demo");
  const networks = Array.from({ length: 45 }, (_, i) => ({ name: "net-" + String(i).padStart(2, "0"),
    admin_state_up: i % 10 !== 3 }));
  assert.equal((await http("POST", "/v2.0/networks", { networks }, demo)).status, 201);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const calls = listCalls(page);
  await signIn(page, "demo", "demo");
  await page.getByText("Displaying 20 items").waitFor();
  assert.equal(calls.at(-1).get("limit"), "21");
  assert.equal(calls.at(-1).get("marker"), null);
  const firstPage = await page.locator("#networks tbody tr").allInnerTexts();
  assert.equal(await page.getByRole("button", { name: "« Prev" }).isVisible(), false);
  await page.getByRole("button", { name: "Next »" }).click();
  await page.waitForFunction((first) => document.querySelector("#networks tbody tr")
    .innerText !== first, firstPage[0]);
  assert.equal(await page.locator("#networks tbody tr").count(), 20);
  await page.getByRole("button", { name: "Next »" }).click();
  await page.getByText("Displaying 5 items").waitFor();
  assert.equal(calls.at(-1).get("limit"), "21");
  assert.ok(calls.at(-1).get("marker"));
  assert.equal(await page.getByRole("button", { name: "Next »" }).isVisible(), false);
  await shot(page, "networks-01-last-page");
  await page.getByRole("button", { name: "« Prev" }).click();
  await page.getByText("Displaying 20 items").waitFor();
  assert.equal(calls.at(-1).get("page_reverse"), "True");
  await page.getByRole("button", { name: "« Prev" }).click();
  await page.getByText("Displaying 20 items").waitFor();
  await page.getByRole("button", { name: "« Prev" }).waitFor({ state: "hidden" });
  assert.deepEqual(await page.locator("#networks tbody tr").allInnerTexts(), firstPage);
  // No call ever asked for everything.
  assert.ok(calls.every((c) => c.get("limit") === "21"));
  await page.close();
});

test("the filter's chooser sends Neutron filters to the server", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const calls = listCalls(page);
  await signIn(page, "demo", "demo");
  await page.getByText("Displaying 20 items").waitFor();
  const filterBy = page.getByLabel("Filter by");
  const text = page.getByLabel("Filter Networks");
  await filterBy.selectOption({ label: "Name =" });
  await text.fill("net-07");
  await text.press("Enter");
  await page.getByText("Displaying 1 item").waitFor();
  assert.equal(calls.at(-1).get("name"), "net-07");
  await filterBy.selectOption({ label: "Admin State =" });
  await text.fill("down");
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await page.getByText("Displaying 5 items").waitFor();
  assert.equal(calls.at(-1).get("admin_state_up"), "False");
  assert.match(await page.locator("#networks tbody").innerText(), /DOWN/);
  assert.doesNotMatch(await page.locator("#networks tbody").innerText(), /\bUP\b/);
  await filterBy.selectOption({ label: "Shared =" });
  await text.fill("maybe");
  await text.press("Enter");
  await page.getByText("Unable to retrieve the networks list.").waitFor();
  await page.getByText("No items to display.").waitFor();
  await shot(page, "networks-02-filter-error");
  await page.close();
});

test("admins filter Admin → Networks by project name", async () => {
  const admin = await token("admin", "admin");
  await http("POST", "/v2.0/networks", { network: { name: "admins-own" } }, admin);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const calls = listCalls(page);
  await signIn(page, "admin", "admin");
  await page.getByRole("link", { name: "Networks" }).nth(1).click();
  await page.locator("#networks tbody tr").first().waitFor();
  await page.getByLabel("Filter by").selectOption({ label: "Project =" });
  await page.getByLabel("Filter Networks").fill("admin");
  await page.getByLabel("Filter Networks").press("Enter");
  await page.getByText("Displaying 1 item").waitFor();
  assert.match(await page.locator("#networks tbody").innerText(), /admins-own/);
  assert.ok(calls.at(-1).get("project_id"));
  await page.getByLabel("Filter Networks").fill("no-such-project");
  await page.getByLabel("Filter Networks").press("Enter");
  await page.getByText("No items to display.").waitFor();
  await page.close();
});
