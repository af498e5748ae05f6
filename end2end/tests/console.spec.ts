import { expect, test } from "@playwright/test";
import { ADMIN, hydrated, emailedLink, open, signIn } from "./helpers";

// One story, in order: a fresh console is set up, then used.
test.describe.configure({ mode: "serial" });

test("first run: the setup page needs the token and valid input, then creates the account", async ({ page }) => {
  const token = process.env.CONSOLE_SETUP_TOKEN;
  expect(token, "the Makefile sets CONSOLE_SETUP_TOKEN for the server").toBeTruthy();

  // Signed-out visitors of a fresh console land on setup.
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Set up the console" })).toBeVisible();

  await page.getByLabel("Setup token").fill("wrong-token");
  await page.getByLabel("Account name").fill(ADMIN.account);
  await page.getByLabel("Your email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("This setup token isn't valid")).toBeVisible();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Password must be at least 12 characters")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Setup token").fill(token!);
  await page.getByLabel("Your email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("password123456");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Choose a less common password")).toBeVisible();

  await page.getByLabel("Password").fill(ADMIN.password);
  // Plus: 10 seats and additional user subscriptions, so the seat story fits.
  await page.getByLabel("Plan").selectOption({ label: "Plus (10 seats)" });
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/login\?setup=done/);
  await expect(page.getByText("Your account is ready")).toBeVisible();
});

test("sign in, navigate, dark mode that persists, sign out, wrong password", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: `Welcome, ${ADMIN.email}` })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Console" });
  for (const area of ["Users", "Groups", "Product environments", "API keys", "Account settings", "Security",
    "Billing & usage", "Audit log", "Role matrix", "My Profile"]) {
    await expect(nav.getByRole("link", { name: area, exact: true })).toBeVisible();
  }

  // Account security: the two-factor policy, off by default.
  await nav.getByRole("link", { name: "Security", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Account security" })).toBeVisible();
  await expect(page.getByLabel("Require two-factor authentication for every user")).not.toBeChecked();

  // The role matrix comes from the shared domain code.
  await nav.getByRole("link", { name: "Role matrix" }).click();
  await expect(page.getByRole("heading", { name: "Role matrix" })).toBeVisible();
  const matrix = page.getByRole("table");
  await expect(matrix.getByRole("columnheader", { name: "Media Library user" })).toBeVisible();
  const billingRow = matrix.getByRole("row", { name: /billing\.view/ });
  await expect(billingRow.getByRole("cell")).toHaveText(["A", "✔granted", "·not granted", "·not granted",
    "✔granted", "·not granted", "·not granted", "·not granted"]);

  // The audit log shows this sign-in.
  await nav.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("cell", { name: "auth.login_success" }).first()).toBeVisible();

  // My Profile: dark mode applies at once and persists after reload.
  await nav.getByRole("link", { name: "My Profile" }).click();
  await expect(page.getByRole("heading", { name: "My Profile" })).toBeVisible();
  await page.getByRole("radio", { name: "Dark" }).check();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.getByText("Display preference saved: Dark")).toBeVisible();
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe("rgb(17, 21, 28)");
  await page.reload();
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.getByRole("radio", { name: "Dark" })).toBeChecked();

  // The display name replaces the email in the header once set.
  await page.getByLabel("Display name").fill("Robin Root");
  await page.getByRole("button", { name: "Save details" }).click();
  await expect(page.getByText("Profile saved")).toBeVisible();
  await expect(page.getByRole("banner").getByRole("link", { name: "Robin Root" })).toBeVisible();

  // Sign out: back to sign-in, and the console is closed.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  // A console page, signed out: to sign-in, which would come back to it.
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/login\?next=%2Fprofile$/);

  // A wrong password shows the one error message.
  await signIn(page, ADMIN.email, "not the password at all");
  await expect(page.getByRole("alert")).toContainText("Invalid email or password");
  await expect(page).toHaveURL(/\/login\?failed=credentials$/);
});

test("device default follows the browser's colour scheme", async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await open(page, "/profile");
  await page.getByRole("radio", { name: "Device default" }).check();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "system");
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(17, 21, 28)");
  await page.emulateMedia({ colorScheme: "light" });
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(246, 247, 249)");
  await context.close();
});

test("when the session has ended, the next action or click lands on sign-in", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();

  // An action: saving a preference with a session the server no longer knows.
  await open(page, "/profile");
  await page.context().clearCookies();
  await page.getByRole("radio", { name: "Light" }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fprofile$/);

  // Signing in again works, comes back to the page, and stays (no replay of the old refusal).
  await page.getByLabel("Email", { exact: true }).fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole("heading", { level: 1, name: "My Profile" })).toBeVisible();
  await page.waitForTimeout(1000);
  await expect(page).not.toHaveURL(/\/login/);

  // A click: client-side navigation asks the server whether the session still holds.
  await page.context().clearCookies();
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Role matrix" }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Froles$/);
});

test("a Master admin invites two users; one accepts the emailed link and signs in", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Users", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
  await expect(page.getByText("Seats: 1 of 10 used")).toBeVisible();

  // A bad row creates nobody and is marked.
  const form = page.getByRole("form", { name: "Add users" });
  await form.getByLabel("Email 1").fill("dana@acme.example");
  await form.getByLabel("Email 2").fill("not an email");
  await form.getByLabel("Role").selectOption({ label: "Technical admin" });
  await form.getByRole("button", { name: "Add users" }).click();
  await expect(form.getByText("Enter a valid email address")).toBeVisible();
  await expect(form.getByLabel("Email 2")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("cell", { name: "dana@acme.example" })).toHaveCount(0);

  await form.getByLabel("Email 2").fill("eli@acme.example");
  await form.getByRole("button", { name: "Add users" }).click();
  await expect(form.getByText("Invited 2 users")).toBeVisible();
  await expect(form.getByLabel("Email 1")).toHaveValue("");
  const dana = page.getByRole("row", { name: /dana@acme\.example/ });
  await expect(dana).toContainText("Technical admin");
  await expect(dana).toContainText("Pending");
  await expect(page.getByText("Seats: 3 of 10 used")).toBeVisible();

  // Filters: by status.
  await page.getByLabel("Status").selectOption({ label: "Active" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("row", { name: /dana@acme\.example/ })).toHaveCount(0);
  await expect(page.getByRole("row", { name: new RegExp(ADMIN.email.replace(".", "\\.")) })).toBeVisible();

  // Dana opens the emailed link (the operator's outbox) and sets a password.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  const link = emailedLink("dana@acme.example");
  await open(page, link);
  await page.getByLabel("New password").fill("short");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByText("Password must be at least 12 characters")).toBeVisible();
  await page.getByLabel("New password").fill("copper kettle meadow 7");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page).toHaveURL(/\/login\?invited=done/);
  await expect(page.getByText("Your password is set")).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill("dana@acme.example");
  await page.getByLabel("Password").fill("copper kettle meadow 7");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Welcome, dana@acme.example" })).toBeVisible();
  // A Technical admin doesn't see Users.
  await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Users", exact: true })).toHaveCount(0);

  // The link was single-use.
  await open(page, link);
  await expect(page.getByRole("heading", { name: "This link doesn't work" })).toBeVisible();
  await expect(page.getByText("This link is invalid or has expired")).toBeVisible();
});


test("the user lifecycle: force logout, reset password, delete, and the seat limit", async ({ page, browser }) => {
  const users = async () => {
    await open(page, "/users");
    await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
  };
  const choose = async (email: string, action: string) => {
    await page.getByLabel(`Actions for ${email}`).click();
    await page.getByRole("button", { name: action, exact: true }).click();
    const dialog = page.getByRole("alertdialog");
    await expect(dialog).toBeVisible();
    return dialog;
  };

  // Dana works in a second browser.
  const other = await browser.newContext();
  const dana = await other.newPage();
  await signIn(dana, "dana@acme.example", "copper kettle meadow 7");
  await expect(dana.getByRole("heading", { name: "Welcome, dana@acme.example" })).toBeVisible();

  // The admin forces her out: her page is signed out on its next action.
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await users();
  let dialog = await choose("dana@acme.example", "Force logout");
  await dialog.getByRole("button", { name: "Force logout" }).click();
  await expect(page.getByText("Every session of the user has ended")).toBeVisible();
  await dana.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "My Profile" }).click();
  await expect(dana).toHaveURL(/\/login\?next=%2Fprofile$/);

  // Eli, still pending, gets a fresh invitation and accepts it.
  dialog = await choose("eli@acme.example", "Resend invite");
  await dialog.getByRole("button", { name: "Resend invite" }).click();
  await expect(page.getByText("Email sent")).toBeVisible();
  await open(dana, emailedLink("eli@acme.example"));
  await dana.getByLabel("New password").fill("amber river compass 19");
  await dana.getByRole("button", { name: "Set password" }).click();
  await expect(dana).toHaveURL(/\/login\?invited=done/);

  // The admin resets Eli's password: the old one stops working until a new one is set.
  await users();
  await expect(page.getByRole("row", { name: /eli@acme\.example/ })).toContainText("Active");
  dialog = await choose("eli@acme.example", "Reset password");
  await expect(dialog).toContainText("signed out everywhere");
  await dialog.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByText("Password reset: the user was signed out")).toBeVisible();
  await expect(page.getByRole("row", { name: /eli@acme\.example/ })).toContainText("Password reset");
  await signIn(dana, "eli@acme.example", "amber river compass 19");
  // One answer for everyone at sign-in; the hint under the form says where to go.
  await expect(dana.getByText("Invalid email or password")).toBeVisible();
  await expect(dana.getByText("Invited, or was your password reset?")).toBeVisible();
  await open(dana, emailedLink("eli@acme.example"));
  await expect(dana.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await dana.getByLabel("New password", { exact: true }).fill("granite willow beacon 23");
  await dana.getByRole("button", { name: "Save new password" }).click();
  await expect(dana).toHaveURL(/\/login\?password=done/);
  await dana.getByLabel("Email", { exact: true }).fill("eli@acme.example");
  await dana.getByLabel("Password").fill("granite willow beacon 23");
  await dana.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(dana.getByRole("heading", { name: "Welcome, eli@acme.example" })).toBeVisible();
  await other.close();

  // Delete Eli: the email must be typed; then Inactive, and the seat is free.
  await users();
  await expect(page.getByText("Seats: 3 of 10 used")).toBeVisible();
  dialog = await choose("eli@acme.example", "Delete");
  await dialog.getByLabel("Type the user's email to confirm").fill("someone@acme.example");
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(dialog.getByText("Type the user's email address to confirm")).toBeVisible();
  await dialog.getByLabel("Type the user's email to confirm").fill("eli@acme.example");
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("User deleted")).toBeVisible();
  await expect(page.getByRole("row", { name: /eli@acme\.example/ })).toContainText("Inactive");
  await expect(page.getByText("Seats: 2 of 10 used")).toBeVisible();

  // Fill the plan's ten seats: the banner shows and one more is refused.
  const form = page.getByRole("form", { name: "Add users" });
  const add = async (emails: string[], expected: string) => {
    for (const [i, email] of emails.entries()) await form.getByLabel(`Email ${i + 1}`).fill(email);
    await form.getByRole("button", { name: "Add users" }).click();
    await expect(form.getByText(expected)).toBeVisible();
  };
  await add(["u1@acme.example", "u2@acme.example", "u3@acme.example", "u4@acme.example", "u5@acme.example"], "Invited 5 users");
  await add(["u6@acme.example", "u7@acme.example", "u8@acme.example"], "Invited 3 users");
  await expect(page.getByText("Seats: 10 of 10 used")).toBeVisible();
  await expect(page.getByText("You've reached your plan's user limit.")).toBeVisible();
  await add(["u9@acme.example"], "You have reached the maximum number of users allowed for your plan");

  // Change user limit: one additional user subscription.
  await page.getByRole("button", { name: "Change user limit" }).click();
  await page.getByLabel("Additional user subscriptions").fill("1");
  await page.getByRole("button", { name: "Save user limit" }).click();
  await expect(page.getByText("Seats: 10 of 11 used")).toBeVisible();
  await expect(page.getByText("You've reached your plan's user limit.")).toHaveCount(0);
});

test("product environments and API keys: add, switch, generate, mask, reveal after re-authentication, disable", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Product environments" }).click();
  await expect(page.getByRole("heading", { name: "Product environments" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Production/ })).toBeVisible();

  // Add one: a bad cloud name is named, then it works.
  const add = page.getByRole("form", { name: "Add a product environment" });
  await add.getByLabel("Name", { exact: true }).fill("Staging");
  await add.getByLabel("Cloud name").fill("1-bad");
  await add.getByRole("button", { name: "Add product environment" }).click();
  await expect(add.getByText("Cloud name must start with a letter")).toBeVisible();
  await add.getByLabel("Cloud name").fill("acme-staging");
  await add.getByRole("button", { name: "Add product environment" }).click();
  await expect(add.getByText("Added Staging (cloud name acme-staging)")).toBeVisible();
  const staging = page.getByRole("row", { name: /acme-staging/ });
  await expect(staging).toContainText("Enabled");
  await expect(staging).toContainText("1");

  // Switch to it in the header; the API keys page follows.
  await page.getByRole("combobox", { name: "Product environment" }).selectOption({ label: "Staging (acme-staging)" });
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "API keys", exact: true }).click();
  await expect(page.getByText("Keys of Staging (acme-staging)")).toBeVisible();
  await expect(page.getByRole("row", { name: /Root/ })).toBeVisible();

  // Generate: the secret is shown once.
  const generate = page.getByRole("form", { name: "Generate an API key" });
  await generate.getByLabel("Key name").fill("CI");
  await generate.getByRole("button", { name: "Generate API key" }).click();
  const secret = await page.getByLabel("API secret", { exact: true }).textContent();
  expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
  await expect(page.getByText(`@acme-staging`)).toBeVisible();

  // After a reload it is masked, and revealing it asks for the password first.
  await page.reload();
  await hydrated(page);
  await expect(page.getByText(secret!)).toHaveCount(0);
  await page.getByRole("button", { name: "Reveal the secret of CI" }).click();
  const confirm = page.getByRole("dialog", { name: "Confirm your password" });
  await confirm.getByLabel("Your password").fill("not my password at all");
  await confirm.getByRole("button", { name: "Confirm password" }).click();
  await expect(confirm.getByText("That isn't your password")).toBeVisible();
  await confirm.getByLabel("Your password").fill(ADMIN.password);
  await confirm.getByRole("button", { name: "Confirm password" }).click();
  await expect(page.getByLabel("API secret", { exact: true })).toHaveText(secret!);

  // Disable it.
  await page.getByRole("button", { name: "Disable CI" }).click();
  await expect(page.getByRole("row", { name: /CI/ })).toContainText("Disabled");
});

test("a Billing user sees billing but not API keys", async ({ page }) => {
  // Invite a Billing user and let them in.
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await open(page, "/users");
  await page.getByRole("button", { name: "Change user limit" }).click();
  await page.getByLabel("Additional user subscriptions").fill("2");
  await page.getByRole("button", { name: "Save user limit" }).click();
  await expect(page.getByText("Seats: 10 of 12 used")).toBeVisible();
  const form = page.getByRole("form", { name: "Add users" });
  await form.getByLabel("Email 1").fill("bill@acme.example");
  await form.getByLabel("Role").selectOption({ label: "Billing" });
  await form.getByRole("button", { name: "Add users" }).click();
  await expect(form.getByText("Invited 1 user")).toBeVisible();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await open(page, emailedLink("bill@acme.example"));
  await page.getByLabel("New password").fill("ledger harbour violet 31");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page).toHaveURL(/\/login\?invited=done/);
  await signIn(page, "bill@acme.example", "ledger harbour violet 31");
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link", { name: "Billing & usage" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "API keys" })).toHaveCount(0);
  await open(page, "/api-keys");
  await expect(page.getByText("You don't have access to API keys")).toBeVisible();
});
