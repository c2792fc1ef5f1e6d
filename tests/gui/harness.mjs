// What every dashboard test file shares: a neutrino-server of its own (built-in
// identity, known passwords, a private state directory and port), Debian's chromium
// driven headless by Playwright (playwright-core), the API over HTTP for setting up and
// checking, the tutorial's agents played over the agent API, and screenshots into
// $GUI_ARTIFACTS (check-logs/gui by default).  A test file calls setup() once; url and
// browser are live bindings, set before its first test.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";
import { chromium } from "playwright-core";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "..", "..");
const SERVER = process.env.NEUTRINO_SERVER || join(REPO, "build/src/server/neutrino-server");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARTIFACTS = process.env.GUI_ARTIFACTS || join(REPO, "check-logs", "gui");
export const PASSWORDS = { admin: "gui-admin-pw", demo: "gui-demo-pw", agent: "gui-agent-pw" };

let server, state;
export let url, browser;

function freePort() {
  return new Promise((ok) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); });
  });
}

export async function http(method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (token) headers["X-Auth-Token"] = token;
  if (body) headers["Content-Type"] = "application/json";
  const r = await fetch(url + path, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, data: text ? JSON.parse(text) : null };
}

export async function token(user, project) {
  const r = await http("POST", "/identity/v3/auth/tokens", { auth: { identity: {
    methods: ["password"], password: { user: { name: user, domain: { name: "Default" },
      password: PASSWORDS[user === "neutrino-agent" ? "agent" : user] } } },
  scope: { project: { name: project, domain: { name: "Default" } } } } });
  assert.equal(r.status, 201);
  return r.headers.get("x-subject-token");
}

// The agents of the tutorial's controller, played over the agent API.
export async function agentsReport(agentToken) {
  for (const [type, binary, topic, az] of [
    ["Linux bridge agent", "neutron-linuxbridge-agent", "N/A", null],
    ["DHCP agent", "neutron-dhcp-agent", "dhcp_agent", "nova"]]) {
    for (const host of type === "DHCP agent" ? ["controller"] : ["controller", "compute"]) {
      const r = await http("POST", "/agent/v1/report", { agent: { agent_type: type, binary,
        host, topic, availability_zone: az, configurations: {} } }, agentToken);
      assert.equal(r.status, 200, JSON.stringify(r.data));
    }
  }
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, name + ".png"), fullPage: true });
}

// agentDownTime: seconds without a report before an agent counts as down (an hour
// by default, so that agents played once stay up for the whole file).
export function setup({ agentDownTime = 3600 } = {}) {
before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  state = mkdtempSync(join(tmpdir(), "neutrino-gui-"));
  const port = await freePort();
  url = "http://127.0.0.1:" + port;
  writeFileSync(join(state, "neutron.conf"), [
    "[DEFAULT]", "bind_host = 127.0.0.1", "bind_port = " + port, "state_path = " + state,
    "agent_down_time = " + agentDownTime, "[identity]", "admin_password = " + PASSWORDS.admin,
    "demo_password = " + PASSWORDS.demo, "agent_password = " + PASSWORDS.agent,
    "[ml2]", "type_drivers = local,flat,vlan,vxlan", "tenant_network_types = local",
    "mechanism_drivers = linuxbridge", "[ml2_type_vxlan]", "vni_ranges = 1000:1999", ""].join("\n"));
  server = spawn(SERVER, ["--config-file", join(state, "neutron.conf")],
    { stdio: ["ignore", "ignore", "inherit"] });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url + "/")).ok) break; } catch (e) { /* not yet */ }
    await new Promise((ok) => setTimeout(ok, 50));
  }
  await agentsReport(await token("neutrino-agent", "service"));
  browser = await chromium.launch({ executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    server.kill("SIGTERM");
    await new Promise((ok) => server.once("exit", ok));
  }
  if (state && existsSync(state)) rmSync(state, { recursive: true, force: true });
});
}

export async function signIn(page, user, project) {
  await page.goto(url + "/");      // a browser at the root is sent to the dashboard
  await page.getByLabel("User Name").fill(user);
  await page.getByLabel("Password").fill(PASSWORDS[user]);
  await page.locator("#id_project").fill(project);
  await page.getByRole("button", { name: "Sign In" }).click();
  await page.getByRole("heading", { name: "Networks", level: 1 }).waitFor();
}

// A network with one IPv4 subnet named after it, made through the API as 'tok'.
// Returns both, for the tests that need a subnet to work on.
export async function makeNetwork(name, cidr, tok) {
  const net = (await http("POST", "/v2.0/networks", { network: { name } }, tok)).data.network;
  const r = await http("POST", "/v2.0/subnets", { subnet: { network_id: net.id, cidr,
    ip_version: 4, name: name + "-sub" } }, tok);
  assert.equal(r.status, 201, JSON.stringify(r.data));
  return { net, subnet: r.data.subnet };
}
