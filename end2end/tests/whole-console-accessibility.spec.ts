import AxeBuilder from "@axe-core/playwright";
import { expect, Page, test } from "@playwright/test";
import { ADMIN, hydrated, open, signIn } from "./helpers";

// axe-core on every page of the console, in the light and the dark theme: no serious or
// critical violation. Runs after the other stories (file order), on the data they left.
test.describe.configure({ mode: "serial" });

const SIGNED_OUT = ["/login", "/login/code", "/forgot-password", "/invite", "/reset-password"];

const SIGNED_IN = [
  "/", "/profile", "/roles", "/audit-log", "/users", "/groups", "/media-library", "/environments",
  "/api-keys", "/account", "/account-api-keys", "/provisioning-api", "/security", "/billing", "/add-ons",
  "/settings", "/settings/upload", "/settings/backup", "/settings/optimization", "/settings/webhooks",
  "/settings/security", "/settings/media-library", "/settings/dam-apps",
];

/** The serious and critical violations axe finds on the page as it is now, in words. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

async function check(page: Page, path: string, theme: string, found: string[]) {
  await open(page, path);
  await expect(page.getByRole("heading").first()).toBeVisible();
  for (const v of await violations(page)) found.push(`${theme} ${path}: ${v}`);
}

test("signed-out pages have no serious accessibility violation", async ({ page }) => {
  const found: string[] = [];
  for (const path of SIGNED_OUT) await check(page, path, "light", found);
  expect(found).toEqual([]);
});

test("every console page, in light and dark, has no serious accessibility violation", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();

  // The pages of one user and one group (creating a group when the stories left none).
  await open(page, "/users");
  await page.getByLabel(`Actions for ${ADMIN.email}`).click();
  const userPage = await page.getByRole("link", { name: "Edit", exact: true }).getAttribute("href");
  await open(page, "/groups");
  if (await page.getByText("No user groups yet.").isVisible()) {
    const create = page.getByRole("form", { name: "Create group" });
    await create.getByLabel("Group name").fill("Reviewers");
    await create.getByRole("button", { name: "Create group" }).click();
    await expect(page.getByText("Group Reviewers created")).toBeVisible();
  }
  const groupPage = await page.getByRole("table").getByRole("link").first().getAttribute("href");
  const pages = [...SIGNED_IN, userPage!, groupPage!];

  const found: string[] = [];
  for (const theme of ["Light", "Dark"]) {
    await open(page, "/profile");
    await page.getByRole("radio", { name: theme }).check();
    await expect(page.getByText(`Display preference saved: ${theme}`)).toBeVisible();
    for (const path of pages) {
      await check(page, path, theme, found);
      await expect(page.locator("html")).toHaveAttribute("data-theme", theme.toLowerCase());
    }
  }
  // Back to the device's theme, as the stories left it.
  await open(page, "/profile");
  await page.getByRole("radio", { name: "Device default" }).check();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "system");
  expect(found).toEqual([]);
});
