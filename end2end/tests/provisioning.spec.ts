import { expect, test } from "@playwright/test";
import { ADMIN, signIn } from "./helpers";

// Runs after console.spec.ts (one worker, files in order): the account exists, on Plus.

test("account API keys: a Master admin's page, a bad name said at once, Plus without the Provisioning API refused", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Account API keys" }).click();
  await expect(page.getByRole("heading", { name: "Account API keys", level: 1 })).toBeVisible();
  await expect(page.getByText("No account API keys yet.")).toBeVisible();

  const form = page.getByRole("form", { name: "Create an account API key" });
  await form.getByRole("button", { name: "Create key" }).click();
  await expect(form.getByText("Name is required")).toBeVisible();
  await form.getByLabel("Key name").fill("Terraform");
  await form.getByRole("button", { name: "Create key" }).click();
  // Plus lacks the Provisioning API: said before any password is asked, nothing made.
  await expect(page.getByRole("alert").filter({ hasText: "it comes with Enterprise" })).toBeVisible();
  await expect(page.getByRole("dialog", { name: "Confirm your password" })).toHaveCount(0);
  await expect(page.getByText("No account API keys yet.")).toBeVisible();
});
