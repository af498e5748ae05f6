import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { ADMIN, open, serverCli, signIn } from "./helpers";

// Runs after with-single-sign-on.spec.ts (files in order): the account is on Enterprise with
// SAML off. Two hundred more users need more than its 100 seats: the operator gives it 300.

test("import a CSV of 200 users with 3 bad rows: preview, import with progress, read and download the report", async ({ page }) => {
  test.setTimeout(150_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  expect(JSON.parse(serverCli(["seats", "set", "--count", "300"])).seat_limit).toBe(300);
  await open(page, "/users");
  await expect(page.getByText(/Seats: \d+ of 300 used/)).toBeVisible();

  // 197 good rows and 3 bad ones: a bad email, an unknown role, a repeated email.
  const rows = ["email,name,role"];
  for (let i = 1; i <= 197; i++) rows.push(`imported${i}@acme.example,Imported ${i},Reports`);
  rows.splice(50, 0, "not-an-email,Nobody,reports");
  rows.splice(100, 0, "boss@acme.example,Boss,boss");
  rows.push("IMPORTED1@acme.example,Twice,reports");
  const csv = rows.join("\n") + "\n";
  expect(rows.length).toBe(201);

  const panel = page.getByRole("region", { name: "Import users" });
  await panel.getByLabel("CSV file").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expect(panel.getByText("people.csv: 197 to create, 0 to update, 0 to skip, 3 with errors. Nothing is imported yet.")).toBeVisible();
  const preview = panel.getByRole("table", { name: "Rows to check" });
  await expect(preview.getByRole("row")).toHaveCount(4);
  await expect(preview.getByRole("row", { name: /not-an-email.*Error/ })).toBeVisible();

  await panel.getByRole("button", { name: "Import 197 users" }).click();
  await expect(panel.getByText("Import finished: 197 created, 0 updated, 0 skipped, 3 with errors.")).toBeVisible({ timeout: 120_000 });
  const report = panel.getByRole("table", { name: "Import report" });
  await expect(report.getByRole("row", { name: /^51 not-an-email Error Enter a valid email/ })).toBeVisible();
  await expect(report.getByRole("row", { name: /^101 boss@acme\.example Error Unknown role "boss"/ })).toBeVisible();
  await expect(report.getByRole("row", { name: /^201 IMPORTED1@acme\.example Error The same email as row 2/ })).toBeVisible();

  // The report as a file: every row with its result.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    panel.getByRole("button", { name: "Download report" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("import-report.csv");
  const lines = readFileSync((await download.path())!, "utf8").trim().split("\r\n");
  expect(lines[0]).toBe("line,email,result,detail");
  expect(lines.length).toBe(201);
  expect(lines.filter((l) => l.includes(",created,")).length).toBe(197);
  expect(lines.filter((l) => l.includes(",error,")).length).toBe(3);

  // The table shows them, invited as Reports.
  await open(page, "/users?search=imported19%40");
  await expect(page.getByRole("row", { name: /imported19@acme\.example.*Reports/ })).toBeVisible();
});
