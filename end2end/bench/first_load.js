// The first load as a user's browser sees it: Chromium (cache disabled) opens /login (plain
// HTML, usable once its form shows), then
// signs in and opens /users in a fresh context (cold cache, no dictionary kept). For each, the bytes of every resource,
// transferred (compressed, as on the wire) and raw, by type, beside the budgets.
// Usage: node first_load.js <base URL> <email> <password>   (see first_load.sh)
const { chromium } = require("@playwright/test");

const [base, email, password] = process.argv.slice(2);
const KB = 1024;
// The budget for each page as transferred; the sign-in page is aimed at half of it.
const BUDGETS = { "/login": 300 * KB, "/users": 300 * KB };
const AIMS = { "/login": 150 * KB };

/** Loads `path` in a fresh CDP-watched, cache-disabled state; returns its resources. */
async function measure(page, cdp, path, ready) {
  const seen = new Map();
  const onResponse = (e) => {
    seen.set(e.requestId, {
      url: e.response.url,
      type: kind(e.type, e.response.url),
      encoding: e.response.headers["content-encoding"] ?? "identity",
      status: e.response.status,
      raw: 0,
      wire: 0,
    });
  };
  const onData = (e) => {
    const r = seen.get(e.requestId);
    if (r) r.raw += e.dataLength;
  };
  const onDone = (e) => {
    const r = seen.get(e.requestId);
    if (r) r.wire = e.encodedDataLength;
  };
  cdp.on("Network.responseReceived", onResponse);
  cdp.on("Network.dataReceived", onData);
  cdp.on("Network.loadingFinished", onDone);
  await cdp.send("Network.clearBrowserCache");
  await page.goto(base + path);
  await ready();
  // Lazy chunks and data calls that follow hydration.
  await page.waitForLoadState("networkidle");
  cdp.off("Network.responseReceived", onResponse);
  cdp.off("Network.dataReceived", onData);
  cdp.off("Network.loadingFinished", onDone);
  return [...seen.values()];
}

function kind(cdpType, url) {
  if (url.endsWith(".wasm")) return "wasm";
  switch (cdpType) {
    case "Document": return "html";
    case "Script": return "js";
    case "Stylesheet": return "css";
    case "Fetch": case "XHR": return "data";
    default: return cdpType.toLowerCase();
  }
}

function report(path, resources) {
  const byType = {};
  for (const r of resources) {
    const t = (byType[r.type] ??= { n: 0, wire: 0, raw: 0, enc: new Set() });
    t.n += 1;
    t.wire += r.wire;
    t.raw += r.raw;
    t.enc.add(r.encoding);
  }
  const total = resources.reduce((a, r) => ({ wire: a.wire + r.wire, raw: a.raw + r.raw }), { wire: 0, raw: 0 });
  const kb = (b) => (b / KB).toFixed(1).padStart(8) + " KB";
  console.log(`\n${path} (cold cache)`);
  console.log("  type   files   transferred          raw   encoding");
  for (const [type, t] of Object.entries(byType).sort()) {
    console.log(`  ${type.padEnd(6)} ${String(t.n).padStart(5)} ${kb(t.wire)} ${kb(t.raw)}   ${[...t.enc].join(", ")}`);
  }
  const budget = BUDGETS[path];
  const verdict = total.wire <= budget ? "within" : "OVER";
  const aim = AIMS[path] ? ` (aim ${kb(AIMS[path]).trim()}: ${total.wire <= AIMS[path] ? "met" : "not met"})` : "";
  console.log(`  total  ${String(resources.length).padStart(5)} ${kb(total.wire)} ${kb(total.raw)}   budget ${kb(budget).trim()}: ${verdict}${aim}`);
  // The WASM by how it came: brotli, or (chunks) compressed against the main WASM.
  const wasm = {};
  for (const r of resources.filter((r) => r.type === "wasm")) {
    const e = (wasm[r.encoding] ??= { n: 0, wire: 0 });
    e.n += 1;
    e.wire += r.wire;
  }
  for (const [enc, e] of Object.entries(wasm).sort()) {
    console.log(`  wasm as ${enc.padEnd(8)} ${String(e.n).padStart(4)} files ${kb(e.wire)}`);
  }
  for (const r of resources.filter((r) => r.status >= 400)) console.log(`  ! ${r.status} ${r.url}`);
  return total.wire <= budget;
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  /** A page in a browser context of its own (nothing cached, no dictionary kept). */
  const freshPage = async (storageState) => {
    const page = await (await browser.newContext({ storageState })).newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    return [page, cdp];
  };
  let [page, cdp] = await freshPage(undefined);
  const hydrated = () => page.waitForSelector("body[data-hydrated=true]", { timeout: 60_000 });

  // The sign-in page is plain HTML (no WASM): ready once its form shows.
  const login = await measure(page, cdp, "/login", () =>
    page.getByRole("button", { name: "Sign in", exact: true }).waitFor({ timeout: 60_000 }),
  );
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"), { timeout: 60_000 });

  // Signed in, in a context of its own: what the page after signing in loaded (the main
  // WASM, kept as a dictionary for the chunks) isn't there.
  const session = await page.context().storageState();
  await page.context().close();
  [page, cdp] = await freshPage(session);
  const users = await measure(page, cdp, "/users", async () => {
    await hydrated();
    await page.getByRole("table").waitFor({ timeout: 60_000 });
  });
  await browser.close();
  const ok = [report("/login", login), report("/users", users)];
  console.log(ok.every(Boolean) ? "\nfirst load: within budget" : "\nfirst load: over budget");
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
