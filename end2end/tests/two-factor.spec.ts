import { expect, test } from "@playwright/test";
import { ADMIN, emailedLink, nextTotp, open, signIn, totp } from "./helpers";

const NINA = { email: "nina@acme.example", password: "copper kettle meadow 5" };

test("2FA: set up with codes computed from the shown secret, then sign in with a code and with a recovery code", async ({ page }) => {
  test.setTimeout(150_000);
  // The admin invites Nina; she chooses her password and signs in.
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await open(page, "/users");
  const form = page.getByRole("form", { name: "Add users" });
  await form.getByLabel("Email 1").fill(NINA.email);
  await form.getByLabel("Role").selectOption({ label: "Admin" });
  await form.getByRole("button", { name: "Add users" }).click();
  await expect(form.getByText("Invited 1 user")).toBeVisible();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await open(page, emailedLink(NINA.email));
  await page.getByLabel("New password").fill(NINA.password);
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page).toHaveURL(/\/login\?invited=done/);
  await signIn(page, NINA.email, NINA.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();

  // My Profile: setting up asks for the password again, then shows the QR code and the key.
  await open(page, "/profile");
  const panel = page.getByRole("region", { name: "Two-factor authentication" });
  await expect(panel.getByText("Two-factor authentication is off.")).toBeVisible();
  await panel.getByRole("button", { name: "Set up two-factor authentication" }).click();
  const confirm = panel.getByRole("dialog", { name: "Confirm your password" });
  await confirm.getByLabel("Your password").fill(NINA.password);
  await confirm.getByRole("button", { name: "Confirm password" }).click();
  await expect(panel.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  await panel.getByText("Can't scan it? Enter the key by hand").click();
  const secret = (await panel.getByLabel("Secret key").textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  // A wrong first code is refused on its field; the right one turns it on.
  const wrong = ((parseInt(totp(secret), 10) + 1) % 1_000_000).toString().padStart(6, "0");
  await panel.getByLabel("Code from the app").fill(wrong);
  await panel.getByRole("button", { name: "Turn on two-factor authentication" }).click();
  await expect(panel.getByText("That code doesn't match")).toBeVisible();
  await panel.getByLabel("Code from the app").fill(totp(secret));
  await panel.getByRole("button", { name: "Turn on two-factor authentication" }).click();
  const codes = panel.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.nth(0).textContent())!.trim();
  expect(recovery).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
  await panel.getByRole("button", { name: "I've saved my codes" }).click();
  await expect(panel.getByText(/10 of 10 recovery codes left/)).toBeVisible();

  // Signing in now asks for a code after the password; a wrong one is refused.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await signIn(page, NINA.email, NINA.password);
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  await expect(page).toHaveURL(/\/login\/code/);
  await page.getByLabel("Authentication code").fill("000000" === totp(secret) ? "111111" : "000000");
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("That code isn't valid");
  // The step set-up used can't be used again: the next step's code signs in.
  await page.getByLabel("Authentication code").fill(await nextTotp(secret));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();

  // Then with a recovery code, once.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await signIn(page, NINA.email, NINA.password);
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  await page.getByLabel("Authentication code").fill(recovery);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await open(page, "/profile");
  await expect(page.getByText(/9 of 10 recovery codes left/)).toBeVisible();
});

const OMAR = { email: "omar@acme.example", password: "walnut harbour signal 7", next: "cobalt meadow lantern 3" };

test("change your password: your session in another browser is signed out", async ({ page, browser }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await open(page, "/users");
  const form = page.getByRole("form", { name: "Add users" });
  await form.getByLabel("Email 1").fill(OMAR.email);
  await form.getByLabel("Role").selectOption({ label: "Admin" });
  await form.getByRole("button", { name: "Add users" }).click();
  await expect(form.getByText("Invited 1 user")).toBeVisible();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await open(page, emailedLink(OMAR.email));
  await page.getByLabel("New password").fill(OMAR.password);
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page).toHaveURL(/\/login\?invited=done/);
  await signIn(page, OMAR.email, OMAR.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();

  // Omar is also signed in in another browser.
  const elsewhere = await (await browser.newContext()).newPage();
  await signIn(elsewhere, OMAR.email, OMAR.password);
  await expect(elsewhere.getByRole("heading", { name: /Welcome/ })).toBeVisible();

  // My Profile lists both sessions; he changes his password here.
  await open(page, "/profile");
  const sessions = page.getByRole("table", { name: "Your sessions" });
  await expect(sessions.getByRole("row")).toHaveCount(3);
  await expect(sessions.getByText("This session")).toHaveCount(1);
  const password = page.getByRole("form", { name: "Change password" });
  await password.getByLabel("Current password").fill("not my password at all");
  await password.getByLabel("New password").fill(OMAR.next);
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(password.getByText("That isn't your password")).toBeVisible();
  await password.getByLabel("Current password").fill(OMAR.password);
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(password.getByText("Password changed. Your other sessions were signed out.")).toBeVisible();

  // The other browser's next click lands on sign-in; the new password signs in there.
  await elsewhere.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Role matrix" }).click();
  await expect(elsewhere).toHaveURL(/\/login\?next=%2Froles$/);
  await elsewhere.getByLabel("Email", { exact: true }).fill(OMAR.email);
  await elsewhere.getByLabel("Password").fill(OMAR.next);
  await elsewhere.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(elsewhere).toHaveURL(/\/roles$/);
  // This browser stayed signed in.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "My Profile" })).toBeVisible();
});
