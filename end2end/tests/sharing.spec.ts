import { expect, test } from "@playwright/test";
import { ADMIN, emailedLink, open, signIn } from "./helpers";

// Runs after console.spec.ts and settings.spec.ts (one worker, files in order): the
// account exists and has room for one more user once the limit is raised.

test("an admin shares /campaigns with a group; its Media Library user sees only that, and why", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();

  // A Media Library user.
  await open(page, "/users");
  await page.getByRole("button", { name: "Change user limit" }).click();
  await page.getByLabel("Additional user subscriptions").fill("6");
  await page.getByRole("button", { name: "Save user limit" }).click();
  await expect(page.getByText(/Seats: \d+ of 16 used/)).toBeVisible();
  const form = page.getByRole("form", { name: "Add users" });
  await form.getByLabel("Email 1").fill("mia@acme.example");
  await form.getByLabel("Role").selectOption({ label: "Media Library user" });
  await form.getByRole("button", { name: "Add users" }).click();
  await expect(form.getByText("Invited 1 user")).toBeVisible();

  // A group, refused once for an empty name, then with Mia in it.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Groups" }).click();
  await expect(page.getByRole("heading", { name: "User groups" })).toBeVisible();
  await expect(page.getByText("No user groups yet.")).toBeVisible();
  const create = page.getByRole("form", { name: "Create group" });
  await create.getByRole("button", { name: "Create group" }).click();
  await expect(create.getByText("Group name is required")).toBeVisible();
  await create.getByLabel("Group name").fill("Designers");
  await create.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByText("Group Designers created")).toBeVisible();
  await page.getByRole("link", { name: "Designers" }).click();
  await expect(page.getByRole("heading", { name: "Designers" })).toBeVisible();
  await expect(page.getByText("No members yet.")).toBeVisible();
  await page.getByLabel("Find users").fill("mia");
  await page.getByRole("checkbox", { name: /mia@acme\.example/ }).check();
  await page.getByRole("button", { name: "Add selected users" }).click();
  await expect(page.getByRole("row", { name: /mia@acme\.example/ })).toBeVisible();
  await expect(page.getByText("1 member", { exact: true })).toBeVisible();

  // Folders: /campaigns with /campaigns/2026, and /secret.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Media Library" }).click();
  await expect(page.getByRole("heading", { name: "Media Library" })).toBeVisible();
  for (const name of ["campaigns", "secret"]) {
    await page.getByLabel("New folder name").fill(name);
    await page.getByRole("button", { name: "Create folder" }).click();
    await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  }
  await page.getByRole("link", { name: "campaigns", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Folders in /campaigns" })).toBeVisible();
  await page.getByLabel("New folder name").fill("2026");
  await page.getByRole("button", { name: "Create folder" }).click();
  await expect(page.getByRole("link", { name: "2026", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "All folders" }).click();

  // Share /campaigns with the group at "can view".
  await page.getByRole("button", { name: "Share campaigns" }).click();
  const dialog = page.getByRole("region", { name: "Share /campaigns" });
  await dialog.getByLabel("Find users or groups").fill("desig");
  await expect(dialog.getByRole("checkbox", { name: /mia@acme/ })).toHaveCount(0);
  await dialog.getByRole("checkbox", { name: "Designers (group)" }).check();
  await dialog.getByLabel("Level").selectOption("view");
  await dialog.getByRole("button", { name: "Share", exact: true }).click();
  await expect(dialog.getByRole("row", { name: /Designers \(group\) can view/ })).toBeVisible();
  await expect(page.getByRole("row", { name: /campaigns.*Shared/ })).toBeVisible();

  // Mia accepts the invitation and signs in.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await open(page, emailedLink("mia@acme.example"));
  await page.getByLabel("New password").fill("saffron meadow pencil 9");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page).toHaveURL(/\/login\?invited=done/);
  await signIn(page, "mia@acme.example", "saffron meadow pencil 9");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Media Library" }).click();
  await expect(page.getByRole("link", { name: "campaigns", exact: true })).toBeVisible();
  await expect(page.getByText("secret")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Share campaigns" })).toHaveCount(0);
  await page.getByRole("link", { name: "campaigns", exact: true }).click();
  await expect(page.getByRole("link", { name: "2026", exact: true })).toBeVisible();
  await expect(page.getByRole("row", { name: /2026 can view/ })).toBeVisible();

  // Why can she see /campaigns/2026? Via the group, inherited from /campaigns.
  await page.getByRole("button", { name: "Who can see 2026?" }).click();
  const why = page.getByRole("region", { name: "Who can see /campaigns/2026?" });
  await expect(why.getByRole("status")).toHaveText("mia@acme.example can view on /campaigns/2026");
  await expect(why.getByText("via group Designers, inherited from /campaigns: can view")).toBeVisible();
});

test("an admin renames and moves a folder, and edits and deletes a collection", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Media Library" }).click();
  await expect(page.getByRole("heading", { name: "Media Library" })).toBeVisible();

  // Rename: a clash with a sibling is refused, then a free name is taken.
  await page.getByLabel("New folder name").fill("drafts");
  await page.getByRole("button", { name: "Create folder" }).click();
  await page.getByRole("button", { name: "Edit drafts" }).click();
  const edit = page.getByRole("region", { name: "Edit /drafts" });
  await edit.getByLabel("Folder name").fill("secret");
  await edit.getByRole("button", { name: "Rename" }).click();
  await expect(edit.getByText(/already/)).toBeVisible();
  await edit.getByLabel("Folder name").fill("archive");
  await edit.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("link", { name: "archive", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "drafts", exact: true })).toHaveCount(0);

  // Move /archive into /campaigns: start the move, open the destination, move it there.
  await page.getByRole("button", { name: "Edit archive" }).click();
  await page.getByRole("region", { name: "Edit /archive" }).getByRole("button", { name: "Move…" }).click();
  const banner = page.getByRole("region", { name: "Moving a folder" });
  await expect(banner).toContainText("Moving /archive");
  await page.getByRole("link", { name: "campaigns", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Folders in /campaigns" })).toBeVisible();
  await banner.getByRole("button", { name: "Move here (/campaigns)" }).click();
  await expect(banner).toHaveCount(0);
  await expect(page.getByRole("link", { name: "archive", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "All folders" }).click();
  await expect(page.getByRole("link", { name: "campaigns", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "archive", exact: true })).toHaveCount(0);

  // A collection: created, renamed and described, then deleted after confirming.
  await page.getByLabel("New collection name").fill("Spring picks");
  await page.getByRole("button", { name: "Create collection" }).click();
  await expect(page.getByRole("row", { name: /Spring picks/ })).toBeVisible();
  await page.getByRole("button", { name: "Edit Spring picks" }).click();
  const editCollection = page.getByRole("region", { name: "Edit collection Spring picks" });
  await editCollection.getByLabel("Collection name").fill("Spring 2026");
  await editCollection.getByLabel("Description").fill("Hero images for the spring campaign");
  await editCollection.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: /Spring 2026.*Hero images for the spring campaign/ })).toBeVisible();
  await page.getByRole("button", { name: "Edit Spring 2026" }).click();
  const again = page.getByRole("region", { name: "Edit collection Spring 2026" });
  await again.getByRole("button", { name: "Delete collection…" }).click();
  await again.getByRole("alertdialog").getByRole("button", { name: "Delete Spring 2026" }).click();
  await expect(page.getByRole("row", { name: /Spring 2026/ })).toHaveCount(0);
  await expect(page.getByText("No collections to show.")).toBeVisible();
});
