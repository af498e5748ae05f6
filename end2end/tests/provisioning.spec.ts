import { expect, test } from "@playwright/test";
import { ADMIN, signIn } from "./helpers";

// Runs after console.spec.ts (one worker, files in order): the account exists, on Plus.

test("account API keys: a Master admin's page; on Plus, without the Provisioning API, creating is shown unavailable", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Account API keys" }).click();
  await expect(page.getByRole("heading", { name: "Account API keys", level: 1 })).toBeVisible();
  await expect(page.getByText("No account API keys yet.")).toBeVisible();

  const form = page.getByRole("form", { name: "Create an account API key" });
  // Plus lacks the Provisioning API: said before anything is submitted, nothing made.
  await expect(form.getByText("Available on Enterprise")).toBeVisible();
  await form.getByLabel("Key name").fill("Terraform");
  await expect(form.getByRole("button", { name: "Create key" })).toBeDisabled();
  await expect(page.getByRole("dialog", { name: "Confirm your password" })).toHaveCount(0);
  await expect(page.getByText("No account API keys yet.")).toBeVisible();
});

test("the Provisioning API reference: how to call it, then every operation by area", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Account API keys" }).click();
  await page.getByRole("link", { name: "Provisioning API reference" }).click();
  await expect(page.getByRole("heading", { name: "Provisioning API", level: 1 })).toBeVisible();
  await expect(page.getByText(/^\/v1_1\/provisioning\/accounts\/[0-9a-f-]{36}$/)).toBeVisible();
  await expect(page.getByRole("link", { name: "/api/openapi.json" })).toBeVisible();
  const users = page.getByRole("region", { name: "Users" });
  const list = users.getByRole("article", { name: "GET /users", exact: true });
  await expect(list).toBeVisible();
  await expect(list.getByRole("rowheader", { name: "sub_account_id" })).toBeVisible();
  const create = users.getByRole("article", { name: "POST /users", exact: true });
  await expect(create.getByRole("row", { name: /email body Yes/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "Access keys" }).getByRole("article")).toHaveCount(5);
  // The document itself is served, generated from the code.
  const doc = await (await page.request.get("/api/openapi.json")).json();
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths)).toContain("/v1_1/provisioning/accounts/{account_id}/users");
});
