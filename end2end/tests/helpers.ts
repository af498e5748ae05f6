import { expect, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as path from "node:path";

export const ADMIN = {
  account: "Acme Media",
  email: "root@acme.example",
  password: "violet lantern harbour 42",
};

/** Opens a page and waits until the WASM has hydrated it, so clicks reach Leptos. */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await hydrated(page);
}

export async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

export async function signIn(page: Page, email: string, password: string) {
  await open(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * The link (invitation or password reset) of the newest email to `to`, read the way an operator would:
 * `server outbox` against the server's data directory.
 */
export function emailedLink(to: string): string {
  const bin = process.env.CONSOLE_SERVER_BIN ?? path.join(__dirname, "..", "..", "target", "debug", "server");
  const out = execFileSync(bin, ["outbox", "--to", to, "--limit", "1"], { env: process.env, encoding: "utf8" });
  const message = JSON.parse(out.trim().split("\n")[0]);
  const match = /https?:\/\/[^\s]+\/(invite|reset-password)\?token=[0-9a-f]+/.exec(message.text);
  if (!match) throw new Error(`no link in: ${message.text}`);
  return new URL(match[0]).pathname + new URL(match[0]).search;
}
