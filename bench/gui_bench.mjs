// The dashboard's first paint: the Project → Networks page of a project owning 1,000
// networks, from navigation to the table's rows on screen, in headless chromium
// (playwright-core from tests/gui), and the bytes a page pulls.  Prints figures; asserts
// nothing.
//   make release && node bench/gui_bench.mjs
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "..");
const require = createRequire(join(REPO, "tests/gui/package.json"));
const { chromium } = require("playwright-core");
const SERVER = process.env.NEUTRINO_SERVER || join(REPO, "build-release/src/server/neutrino-server");
const state = mkdtempSync(join(tmpdir(), "neutrino-gui-bench-"));
const port = 20000 + Math.floor(Math.random() * 20000);
const url = "http://127.0.0.1:" + port;
writeFileSync(join(state, "n.conf"), ["[DEFAULT]", "bind_host = 127.0.0.1", "bind_port = " + port,
  "state_path = " + state, "[identity]", "demo_password = bench-pw",
  // 1,000 networks: beyond the default quota of 100.
  "[quotas]", "quota_network = -1", ""].join("\n"));
const server = spawn(SERVER, ["--config-file", join(state, "n.conf")], { stdio: "ignore" });
try {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url + "/")).ok) break; } catch (e) { /* starting */ }
    await new Promise((ok) => setTimeout(ok, 50));
  }
  const auth = await fetch(url + "/identity/v3/auth/tokens", { method: "POST",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ auth: { identity: {
      methods: ["password"], password: { user: { name: "demo", domain: { name: "Default" },
        password: "bench-pw" } } }, scope: { project: { name: "demo", domain: { name: "Default" } } } } }) });
  const token = auth.headers.get("x-subject-token");
  for (let b = 0; b < 10; b++) {
    const networks = Array.from({ length: 100 }, (_, i) => ({ name: "net-" + (b * 100 + i) }));
    const r = await fetch(url + "/v2.0/networks", { method: "POST", body: JSON.stringify({ networks }),
      headers: { "Content-Type": "application/json", "X-Auth-Token": token } });
    if (r.status !== 201) throw new Error("bulk create: " + r.status);
  }
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const page = await browser.newPage();
  await page.goto(url + "/dashboard/auth/login/");
  await page.getByLabel("User Name").fill("demo");
  await page.getByLabel("Password").fill("bench-pw");
  await page.locator("#id_project").fill("demo");
  await page.getByRole("button", { name: "Sign In" }).click();
  await page.locator("#networks tbody tr").first().waitFor();
  const samples = [];
  for (let i = 0; i < 10; i++) {
    const t0 = Date.now();
    await page.goto(url + "/dashboard/project/networks/");
    await page.locator("#networks tbody tr").nth(19).waitFor();
    samples.push(Date.now() - t0);
  }
  samples.sort((a, b) => a - b);
  // What a page pulls, as the browser fetched it from an empty cache: the body bytes of
  // each of the dashboard's files on the wire (gzip, which chromium asks for), and the
  // same files uncompressed.
  const fresh = await browser.newContext();
  const cold = await fresh.newPage();
  const pulled = [];
  cold.on("requestfinished", (req) => {
    if (new URL(req.url()).pathname.startsWith("/dashboard/")) pulled.push(req);
  });
  await cold.goto(url + "/dashboard/auth/login/");
  await cold.waitForLoadState("networkidle");
  let wire = 0, plain = 0;
  for (const req of pulled) {
    wire += (await req.sizes()).responseBodySize;
    plain += (await (await req.response()).body()).length;
  }
  await fresh.close();
  console.log("networks page, 1,000 networks, navigation -> first page of rows shown (ms): p50 "
    + samples[4] + "  min " + samples[0] + "  max " + samples[9] + "   (goal < 300)");
  console.log("assets: " + wire + " bytes on the wire (gzip), " + plain + " bytes uncompressed, "
    + pulled.length + " files (goal <= 200 KB on the wire)");
  await browser.close();
} finally {
  server.kill("SIGTERM");
  await new Promise((ok) => server.once("exit", ok));
  rmSync(state, { recursive: true, force: true });
}
