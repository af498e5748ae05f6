import { expect, test } from "@playwright/test";
import { ADMIN, hydrated, open } from "./helpers";

// Before — or without — the WASM: the server answers on its own.
test.describe("without the WASM", () => {
  test.use({ javaScriptEnabled: false });

  test("a console page sends a signed-out visitor to sign in, and signing in comes back to it", async ({ page }) => {
    await page.goto("/users");
    await expect(page).toHaveURL(/\/login\?next=%2Fusers$/);

    await page.getByLabel("Email", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password").fill("not the password at all");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/login\?failed=credentials&next=%2Fusers$/);
    await expect(page.getByRole("alert")).toHaveText("Invalid email or password.");

    await page.getByLabel("Email", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/users$/);
    await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  });
});

test("the sign-in page loads no WASM; signed in, the page asked for runs the console's", async ({ page }) => {
  const wasm: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith(".wasm")) wasm.push(r.url());
  });
  await open(page, "/login?next=%2Fgroups");
  await page.getByLabel("Email", { exact: true }).fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  expect(wasm).toEqual([]);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/groups$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: "User groups" })).toBeVisible();
  expect(wasm.length).toBeGreaterThan(0);
});

// A page's own text (its templates' HTML, its words) is fetched with its code, not in the main
// WASM every page waits for (`SPLIT_DATA_ROOM` in frontend/src/lib.rs keeps the splitter from
// leaving all constant data in the main file).
test("a page's own text comes with its chunks, not in the main WASM", async ({ page }) => {
  const lead = "Everyone in this account, their role, access and status.";
  const wasm: Promise<{ url: string; body: string }>[] = [];
  page.on("response", (r) => {
    if (r.url().endsWith(".wasm")) wasm.push(r.body().then((b) => ({ url: r.url(), body: b.toString("latin1") })));
  });
  await open(page, "/login?next=%2Fusers");
  await page.getByLabel("Email", { exact: true }).fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/users$/);
  await hydrated(page);
  await expect(page.getByText(lead)).toBeVisible();

  const files = await Promise.all(wasm);
  const main = files.filter((f) => /\/pkg\/console\.[^/]*\.wasm$/.test(f.url));
  expect(main).toHaveLength(1);
  expect(main[0].body).not.toContain(lead);
  expect(files.filter((f) => f.body.includes(lead)).map((f) => f.url)).toHaveLength(1);
});
