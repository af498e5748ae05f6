import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { ADMIN, emailedLink, open, signIn } from "./helpers";

// Runs after the other stories but SSO (one worker, files in order): the account has
// Production and Staging, on Plus.

test("an admin adds a user limited to one of two environments, then edits the name: still only that environment", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await open(page, "/users");
  // Room for one more user.
  await page.getByRole("button", { name: "Change user limit" }).click();
  await page.getByLabel("Additional user subscriptions").fill("5");
  await page.getByRole("button", { name: "Save user limit" }).click();
  await expect(page.getByText(/Seats: \d+ of 15 used/)).toBeVisible();

  const form = page.getByRole("form", { name: "Add users" });
  await form.getByLabel("Email 1").fill("scoped@acme.example");
  await form.getByLabel("Role").selectOption({ label: "Reports" });
  const access = form.getByRole("group", { name: "Product environment access" });
  await access.getByLabel("All product environments").uncheck();
  await access.getByLabel("Staging (acme-staging)").check();
  await form.getByRole("button", { name: "Add users" }).click();
  await expect(form.getByText("Invited 1 user")).toBeVisible();
  // The table can say who reaches Staging.
  await page.getByLabel("Has access to").selectOption({ label: "Staging" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("row", { name: /scoped@acme\.example/ })).toBeVisible();
  // Exported as filtered (Staging): Scoped with their environment, and the count read.
  const exportGroup = page.getByRole("group", { name: "Export" });
  const downloading = page.waitForEvent("download");
  await exportGroup.getByRole("link", { name: "Download CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("users.csv");
  const csv = readFileSync((await download.path())!, "utf8").trim().split(/\r?\n/);
  expect(csv[0]).toBe("id,email,name,role,status,environments,groups,two_factor,created_at,last_login_at");
  expect(csv.some((l) => l.includes("scoped@acme.example,,reports,pending,"))).toBe(true);
  await expect(exportGroup.getByRole("status")).toHaveText(`Exported ${csv.length - 1} records as users.csv.`);
  await page.getByLabel("Has access to").selectOption({ label: "Production" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("row", { name: /scoped@acme\.example/ })).toHaveCount(0);
  await open(page, "/users");

  // Edit only the name.
  await page.getByLabel("Actions for scoped@acme.example").click();
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await expect(page.getByRole("heading", { name: "scoped@acme.example" })).toBeVisible();
  const edit = page.getByRole("form", { name: "Edit user" });
  await expect(edit.getByLabel("All product environments")).not.toBeChecked();
  await expect(edit.getByLabel("Staging (acme-staging)")).toBeChecked();
  await expect(edit.getByLabel(/^Production/)).not.toBeChecked();
  await edit.getByLabel("Name").fill("Scoped Reporter");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit.getByText("Changes saved")).toBeVisible();

  // The user signs in: the switcher offers only Staging.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await open(page, emailedLink("scoped@acme.example"));
  await page.getByLabel("New password").fill("birch lantern quarry 8");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page).toHaveURL(/\/login\?invited=done/);
  await signIn(page, "scoped@acme.example", "birch lantern quarry 8");
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  const switcher = page.getByRole("combobox", { name: "Product environment" });
  await expect(switcher.getByRole("option")).toHaveCount(1);
  await expect(switcher.getByRole("option")).toHaveText("Staging (acme-staging)");
});
