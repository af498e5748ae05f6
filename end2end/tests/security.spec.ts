import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { ADMIN, open, signIn } from "./helpers";

test("allowed IP addresses: a list without the browser's address is refused, one with it saves", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await open(page, "/security");
  const panel = page.getByRole("region", { name: "Allowed IP addresses" });
  await expect(panel.getByText("Your address: 127.0.0.1")).toBeVisible();
  const list = panel.getByLabel("Addresses and ranges");
  const save = panel.getByRole("button", { name: "Save allowed addresses" });

  // Saving asks for the password again, then the list is checked.
  await list.fill("198.51.100.0/24 Partners");
  await save.click();
  const confirm = panel.getByRole("dialog", { name: "Confirm your password" });
  await confirm.getByLabel("Your password").fill(ADMIN.password);
  await confirm.getByRole("button", { name: "Confirm password" }).click();
  await expect(panel.getByText("This list would block your own access from 127.0.0.1")).toBeVisible();
  await expect(list).toHaveAttribute("aria-invalid", "true");

  // A bad entry is named.
  await list.fill("127.0.0.1\n10.0.0.1/8");
  await save.click();
  await expect(panel.getByText('"10.0.0.1/8" has host bits set; the range is 10.0.0.0/8')).toBeVisible();

  // With the browser's address it saves, and the page keeps working.
  await list.fill("127.0.0.1 This machine\n198.51.100.0/24 Partners");
  await save.click();
  await expect(panel.getByText("Allowed IP addresses saved")).toBeVisible();
  await page.reload();
  await expect(panel.getByText("Only these 2 addresses or ranges may sign in")).toBeVisible();
  await expect(panel.getByLabel("Addresses and ranges")).toHaveValue("127.0.0.1 This machine\n198.51.100.0/24 Partners");

  // Emptied again for the stories that follow.
  await panel.getByLabel("Addresses and ranges").fill("");
  await panel.getByRole("button", { name: "Save allowed addresses" }).click();
  await expect(panel.getByText("Allowed IP addresses saved")).toBeVisible();
});

test("the audit log: filter by actor and area, page through, download the filtered records as CSV and JSON with their progress", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await open(page, "/audit-log");
  const filters = page.getByRole("form", { name: "Filter the audit log" });
  await filters.getByLabel("Actor").fill(ADMIN.email);
  await filters.getByLabel("Action").fill("security.");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  const table = page.getByRole("table", { name: "Audit records" });
  // The allowed-IP saves of the story before: each with its before and after.
  await expect(table.getByRole("row", { name: /security\.update/ }).first()).toBeVisible();
  await expect(table.getByRole("cell", { name: /auth\.login_success/ })).toHaveCount(0);
  await expect(table.getByRole("cell", { name: /"allowed_ips"/ }).first()).toBeVisible();

  // A filter nothing matches says so.
  await filters.getByLabel("Action").fill("no.such.");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("No records match these filters.")).toBeVisible();

  // The CSV holds what the filters match.
  await filters.getByLabel("Action").fill("security.");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(table.getByRole("row", { name: /security\.update/ }).first()).toBeVisible();
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("audit-log.csv");
  const text = readFileSync((await download.path())!, "utf8");
  const lines = text.trim().split(/\r?\n/);
  expect(lines[0]).toBe("id,time,actor,action,target,before,after,ip,result,times");
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines.slice(1)) expect(line).toContain("security.update");
  // The page read the export itself and says how far it got: every record.
  const exportGroup = page.getByRole("group", { name: "Export" });
  await expect(exportGroup.getByRole("status")).toHaveText(`Exported ${lines.length - 1} records as audit-log.csv.`);

  // JSON likewise, counted as it arrived.
  const downloadingJson = page.waitForEvent("download");
  await exportGroup.getByRole("link", { name: "Download JSON" }).click();
  const json = await downloadingJson;
  expect(json.suggestedFilename()).toBe("audit-log.json");
  const records = JSON.parse(readFileSync((await json.path())!, "utf8"));
  expect(records.length).toBe(lines.length - 1);
  await expect(exportGroup.getByRole("status")).toHaveText(`Exported ${records.length} records as audit-log.json.`);
});
