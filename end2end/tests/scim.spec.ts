import { expect, test } from "@playwright/test";
import { ADMIN, open, signIn } from "./helpers";

// Runs after provisioning.spec.ts (one worker, files in order).

test("SCIM: a Master admin creates a token shown once, sets the defaults of new users and deletes the token", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "SCIM" }).click();
  await expect(page.getByRole("heading", { name: "SCIM provisioning", level: 1 })).toBeVisible();
  await expect(page.getByText("No SCIM tokens yet.")).toBeVisible();
  await expect(page.getByText(/\/scim\/v2$/)).toBeVisible();

  // Creating asks for the password first, then shows the token once.
  const form = page.getByRole("form", { name: "Create a SCIM token" });
  await form.getByLabel("Token name").fill("Okta");
  await form.getByRole("button", { name: "Create token" }).click();
  const confirm = page.getByRole("dialog", { name: "Confirm your password" });
  await confirm.getByLabel("Your password").fill(ADMIN.password);
  await confirm.getByRole("button", { name: "Confirm password" }).click();
  const token = (await page.getByLabel("SCIM token", { exact: true }).textContent())!.trim();
  expect(token).toMatch(/^[0-9a-f]{16}\.[0-9a-f]+$/);
  await expect(page.getByRole("rowheader", { name: "Okta" })).toBeVisible();

  // New users get the defaults: Reports.
  const defaults = page.getByRole("form", { name: "SCIM defaults" });
  await defaults.getByLabel("Role").selectOption({ label: "Reports" });
  await defaults.getByRole("button", { name: "Save defaults" }).click();
  await expect(defaults.getByText("SCIM defaults saved.")).toBeVisible();
  const scim = { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" };
  const made = await page.request.post("/scim/v2/Users", {
    headers: scim,
    data: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "sasha@acme.example", displayName: "Sasha Okta" },
  });
  expect(made.status()).toBe(201);
  await open(page, "/users?search=sasha%40");
  await expect(page.getByRole("row", { name: /Sasha Okta.*Reports/ })).toBeVisible();
  // Deprovisioned by the identity provider: Inactive, the seat free for the stories after.
  const sasha = (await made.json()).id;
  expect((await page.request.delete(`/scim/v2/Users/${sasha}`, { headers: scim })).status()).toBe(204);
  await open(page, "/users?search=sasha%40");
  await expect(page.getByRole("row", { name: /sasha@acme\.example/ })).toContainText("Inactive");

  // Deleted: the identity provider's requests are refused at once.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "SCIM" }).click();
  await page.getByRole("button", { name: "Delete Okta" }).click();
  await page.getByRole("button", { name: "Delete Okta now" }).click();
  await expect(page.getByText("No SCIM tokens yet.")).toBeVisible();
  expect((await page.request.get("/scim/v2/Users", { headers: scim })).status()).toBe(401);
});
