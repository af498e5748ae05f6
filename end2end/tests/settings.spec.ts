import { test, expect, Page } from "@playwright/test";
import { ADMIN, open, signIn } from "./helpers";

// Runs after console.spec.ts (one worker, files in order): the account exists, on Plus,
// with a Billing user bill@acme.example.
test.describe.configure({ mode: "serial" });

/** Saves the settings page and waits for the confirmation. */
async function save(page: Page, button: string) {
  await page.getByRole("button", { name: button }).click();
  await expect(page.getByText("Settings saved")).toBeVisible();
}

test("environment settings: edit each page and see the values persist after reload", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Environment settings" }).click();
  await expect(page.getByRole("heading", { name: "Upload", level: 1 })).toBeVisible();

  // Upload: a bad preset name is named and nothing is saved; then a good one persists.
  await open(page, "/settings/upload");
  await expect(page.getByText("No upload presets yet.")).toBeVisible();
  await page.getByRole("button", { name: "Add upload preset" }).click();
  await page.getByLabel("Preset 1 name", { exact: true }).fill("bad name");
  await page.getByRole("button", { name: "Save upload" }).click();
  await expect(page.getByText(/use 1–64 letters/)).toBeVisible();
  await expect(page.getByText("Nothing was saved")).toBeVisible();
  await page.getByLabel("Preset 1 name", { exact: true }).fill("product_shots");
  await page.getByLabel("Preset 1 folder", { exact: true }).fill("catalog/shoes");
  await page.getByLabel("Preset 1 signing mode").selectOption("unsigned");
  await page.getByLabel("Default preset for API uploads").selectOption("product_shots");
  await page.getByLabel("Max video size (MB)").fill("500");
  await save(page, "Save upload");
  await open(page, "/settings/upload");
  await expect(page.getByLabel("Preset 1 name", { exact: true })).toHaveValue("product_shots");
  await expect(page.getByLabel("Preset 1 folder", { exact: true })).toHaveValue("catalog/shoes");
  await expect(page.getByLabel("Preset 1 signing mode")).toHaveValue("unsigned");
  await expect(page.getByLabel("Default preset for API uploads")).toHaveValue("product_shots");
  await expect(page.getByLabel("Max video size (MB)")).toHaveValue("500");
  await expect(page.getByText(/Last saved .* by root@acme.example/)).toBeVisible();

  // Backup to an S3 bucket.
  await open(page, "/settings/backup");
  await page.getByLabel("Automatic backup").check();
  await page.getByLabel("Backup target").selectOption("s3");
  await page.getByLabel("Bucket").fill("Acme_Backups");
  await page.getByRole("button", { name: "Save backup" }).click();
  await expect(page.getByText(/not a valid bucket name/)).toBeVisible();
  await page.getByLabel("Bucket").fill("acme-backups");
  await save(page, "Save backup");
  await open(page, "/settings/backup");
  await expect(page.getByLabel("Automatic backup")).toBeChecked();
  await expect(page.getByLabel("Backup target")).toHaveValue("s3");
  await expect(page.getByLabel("Bucket")).toHaveValue("acme-backups");

  // Optimization.
  await open(page, "/settings/optimization");
  await page.getByLabel("Default image quality", { exact: true }).selectOption("auto:eco");
  await page.getByLabel("Automatic format selection (f_auto)").uncheck();
  await save(page, "Save optimization");
  await open(page, "/settings/optimization");
  await expect(page.getByLabel("Default image quality", { exact: true })).toHaveValue("auto:eco");
  await expect(page.getByLabel("Automatic format selection (f_auto)")).not.toBeChecked();

  // Webhook notifications: https only; the signing key is shown.
  await open(page, "/settings/webhooks");
  await expect(page.getByText(/signed with API key \d{15}/)).toBeVisible();
  await page.getByRole("button", { name: "Add notification URL" }).click();
  await page.getByLabel("Notification URL 1", { exact: true }).fill("http://hooks.acme.example/cloud");
  await page.getByRole("button", { name: "Save webhook notifications" }).click();
  await expect(page.getByText("Notification URL must use https")).toBeVisible();
  await page.getByLabel("Notification URL 1", { exact: true }).fill("https://hooks.acme.example/cloud");
  await page.getByLabel("URL 1: all notification types").uncheck();
  await page.getByLabel("URL 1: upload").check();
  await save(page, "Save webhook notifications");
  await open(page, "/settings/webhooks");
  await expect(page.getByLabel("Notification URL 1", { exact: true })).toHaveValue("https://hooks.acme.example/cloud");
  await expect(page.getByLabel("URL 1: upload")).toBeChecked();
  await expect(page.getByLabel("URL 1: delete")).not.toBeChecked();

  // Security: host names and allowed Admin API addresses, one per line.
  await open(page, "/settings/security");
  await page.getByLabel("Allowed fetch domains").fill("*.cdn.acme.example");
  await page.getByLabel("Allowed Admin API IP addresses").fill("203.0.113.0/24 office");
  await page.getByLabel("Strict transformations").check();
  await save(page, "Save security");
  await open(page, "/settings/security");
  await expect(page.getByLabel("Allowed fetch domains")).toHaveValue("*.cdn.acme.example");
  await expect(page.getByLabel("Allowed Admin API IP addresses")).toHaveValue("203.0.113.0/24 office");
  await expect(page.getByLabel("Strict transformations")).toBeChecked();

  // Media Library preferences (Master admin) and DAM apps.
  await open(page, "/settings/media-library");
  await page.getByLabel("Default view").selectOption("list");
  await page.getByLabel("Search by context").uncheck();
  await save(page, "Save media library preferences");
  await open(page, "/settings/media-library");
  await expect(page.getByLabel("Default view")).toHaveValue("list");
  await expect(page.getByLabel("Search by context")).not.toBeChecked();
  await open(page, "/settings/dam-apps");
  await page.getByLabel("Enable Slack").check();
  await save(page, "Save dam apps");
  await open(page, "/settings/dam-apps");
  await expect(page.getByLabel("Enable Slack")).toBeChecked();
  await expect(page.getByLabel("Enable Figma")).not.toBeChecked();
});

test("account, plan blockers, add-ons; a Billing user edits billing details and sees usage", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await open(page, "/account");
  await expect(page.getByText(/^[0-9a-f-]{36}$/)).toBeVisible();
  await page.getByLabel("Account name").fill("Acme Studios");
  await page.getByRole("textbox", { name: "Company" }).fill("Acme SA");
  await page.getByRole("button", { name: "Save account" }).click();
  await expect(page.getByText("Account saved")).toBeVisible();
  await open(page, "/account");
  await expect(page.getByLabel("Account name")).toHaveValue("Acme Studios");
  // Free can't hold this account: every blocker is listed and nothing changes.
  await page.getByLabel("New plan").selectOption("free");
  await page.getByRole("button", { name: "Change plan" }).click();
  const blockers = page.getByRole("alert").filter({ hasText: "The plan can't change yet" });
  await expect(blockers.getByText(/users exceed the 3-seat limit/)).toBeVisible();
  await expect(blockers.getByText(/product environments exceed the limit of 1/)).toBeVisible();

  await open(page, "/add-ons");
  await page.getByLabel("AI Auto Tagging tier").selectOption("free");
  await page.getByRole("button", { name: "Register AI Auto Tagging" }).click();
  await expect(page.getByRole("row", { name: /AI Auto Tagging/ }).getByText("Free tier")).toBeVisible();
  await page.getByRole("button", { name: "Cancel AI Auto Tagging" }).click();
  await expect(page.getByRole("row", { name: /AI Auto Tagging/ }).getByText("Not registered")).toBeVisible();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);

  await signIn(page, "bill@acme.example", "ledger harbour violet 31");
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await open(page, "/billing");
  await expect(page.getByRole("heading", { name: "Plan details" })).toBeVisible();
  await expect(page.getByText("No billing integration is connected")).toBeVisible();
  const address = page.getByRole("form", { name: "Billing address" });
  await address.getByLabel("Name or company").fill("Acme SA");
  await address.getByRole("button", { name: "Save billing address" }).click();
  await expect(address.getByText("Address line 1 is required")).toBeVisible();
  await expect(address.getByText("Country is required")).toBeVisible();
  await address.getByLabel("Address line 1").fill("1 Rua Augusta");
  await address.getByLabel("City").fill("Lisbon");
  await address.getByLabel("Country").selectOption({ label: "Portugal" });
  await address.getByRole("button", { name: "Save billing address" }).click();
  await expect(address.getByText("Saved")).toBeVisible();
  const invoice = page.getByRole("form", { name: "Invoice settings" });
  await invoice.getByLabel("Invoice recipients").fill("ap@acme.example\nfinance@acme.example");
  await invoice.getByLabel("Tax/VAT ID").fill("PT123456789");
  await invoice.getByRole("button", { name: "Save invoice settings" }).click();
  await expect(invoice.getByText("Saved")).toBeVisible();
  await open(page, "/billing");
  await expect(page.getByRole("form", { name: "Billing address" }).getByLabel("City")).toHaveValue("Lisbon");
  await expect(page.getByRole("form", { name: "Billing address" }).getByLabel("Country")).toHaveValue("PT");
  await expect(page.getByRole("form", { name: "Invoice settings" }).getByLabel("Invoice recipients")).toHaveValue(
    "ap@acme.example\nfinance@acme.example",
  );
  // Usage: seats over time, per-environment counts, and media usage not reported yet.
  await expect(page.getByRole("heading", { name: "Usage", exact: true })).toBeVisible();
  await expect(page.getByRole("list", { name: "Seats in use per day" }).getByRole("listitem")).toHaveCount(30);
  await expect(page.getByText("Not reported yet by the media platform").first()).toBeVisible();
});
