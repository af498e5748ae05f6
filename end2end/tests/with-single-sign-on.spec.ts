import { expect, test } from "@playwright/test";
import { ADMIN, open, signIn } from "./helpers";

// Runs after the other stories but the import (files in order): it moves the account to
// Enterprise, which the stories before rely on not being. The test identity provider
// (playwright.config.ts starts it): pysaml2.
const IDP = "http://127.0.0.1:3999";
const SAM = "sam@sso.example";
const BILL = { email: "bill@acme.example", password: "ledger harbour violet 31" };

test("SAML: a Master admin sets up SSO; a new user signs in through the IdP with its role and groups; enforcement refuses passwords", async ({ page, request }) => {
  test.setTimeout(150_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  // SAML comes with Enterprise, which sells no additional user subscriptions: through
  // Advanced (25 seats) to drop them first.
  await open(page, "/account");
  await page.getByLabel("New plan").selectOption("advanced");
  await page.getByRole("button", { name: "Change plan" }).click();
  await expect(page.getByText("Plan changed")).toBeVisible();
  await open(page, "/users");
  await page.getByRole("button", { name: "Change user limit" }).click();
  await page.getByLabel("Additional user subscriptions").fill("0");
  await page.getByRole("button", { name: "Save user limit" }).click();
  await expect(page.getByText(/Seats: \d+ of 25 used/)).toBeVisible();
  await open(page, "/account");
  await page.getByLabel("New plan").selectOption("enterprise");
  await page.getByRole("button", { name: "Change plan" }).click();
  await expect(page.getByText("Plan changed")).toBeVisible();

  // Account security: the IdP's metadata pasted, a domain, JIT on; saving asks for the password.
  await open(page, "/security");
  const saml = page.getByRole("region", { name: "SAML single sign-on" });
  await expect(saml.getByText("Not set up.")).toBeVisible();
  await expect(saml.getByText("http://127.0.0.1:3000/saml/acs")).toBeVisible();
  const metadata = await (await request.get(`${IDP}/metadata`)).text();
  const form = saml.getByRole("form", { name: "SAML settings" });
  await form.getByLabel("SAML login", { exact: true }).check();
  await form.getByLabel("Or the metadata XML").fill(metadata);
  await form.getByLabel("SAML provisioning (JIT)").check();
  await form.getByRole("button", { name: "Save SAML settings" }).click();
  const confirm = saml.getByRole("dialog", { name: "Confirm your password" });
  await confirm.getByLabel("Your password").fill(ADMIN.password);
  await confirm.getByRole("button", { name: "Confirm password" }).click();
  // No domain yet: said on the field, nothing saved.
  await expect(form.getByText("List at least one email domain that signs in with SSO")).toBeVisible();
  await form.getByLabel("Email domains").fill("sso.example");
  await form.getByRole("button", { name: "Save SAML settings" }).click();
  await expect(saml.getByText("SAML settings saved")).toBeVisible();
  await expect(saml.getByText(`On: users of the listed domains sign in through ${IDP}/metadata.`)).toBeVisible();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);

  // Sam, unknown to the console, signs in with SSO: the IdP asks who, then posts back.
  await open(page, "/login");
  await page.getByLabel("Work email").fill(SAM);
  await page.getByRole("button", { name: "Sign in with SSO" }).click();
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  await page.getByLabel("Email").fill(SAM);
  await page.getByLabel("Role").fill("admin");
  await page.getByLabel("Groups").fill("Designers");
  await page.getByRole("button", { name: "Sign in to the console" }).click();
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await expect(page).toHaveURL("http://127.0.0.1:3000/");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);

  // The admin sees Sam as an Admin, in Designers.
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await open(page, "/users");
  await expect(page.getByRole("row", { name: new RegExp(SAM) }).getByText("Admin", { exact: true })).toBeVisible();
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Groups" }).click();
  await page.getByRole("link", { name: "Designers" }).click();
  await expect(page.getByRole("row", { name: new RegExp(SAM) })).toBeVisible();

  // Enforcement on: passwords are for Master admins only.
  await open(page, "/security");
  await saml.getByRole("form", { name: "SAML settings" }).getByLabel("Enforce SAML login").check();
  await saml.getByRole("button", { name: "Save SAML settings" }).click();
  await saml.getByRole("dialog", { name: "Confirm your password" }).getByLabel("Your password").fill(ADMIN.password);
  await saml.getByRole("button", { name: "Confirm password" }).click();
  await expect(saml.getByText("SAML settings saved")).toBeVisible();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await signIn(page, SAM, "any password at all 123");
  await expect(page.getByText("Invalid email or password")).toBeVisible();
  await signIn(page, BILL.email, BILL.password);
  await expect(page.getByText("Your account signs in with single sign-on: use Sign in with SSO")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  // The root user still signs in with a password, and turns SAML off again for the stories after.
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await open(page, "/security");
  const settings = saml.getByRole("form", { name: "SAML settings" });
  await settings.getByLabel("Enforce SAML login").uncheck();
  await settings.getByLabel("SAML provisioning (JIT)").uncheck();
  await settings.getByLabel("SAML login", { exact: true }).uncheck();
  await saml.getByRole("button", { name: "Save SAML settings" }).click();
  await saml.getByRole("dialog", { name: "Confirm your password" }).getByLabel("Your password").fill(ADMIN.password);
  await saml.getByRole("button", { name: "Confirm password" }).click();
  await expect(saml.getByText("SAML settings saved")).toBeVisible();
  await expect(saml.getByText("Off. The settings below are kept.")).toBeVisible();
});
