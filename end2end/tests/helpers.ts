import { expect, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import * as path from "node:path";

export const ADMIN = {
  account: "Acme Media",
  email: "root@acme.example",
  password: "violet lantern harbour 42",
};

/** The pages the server sends as plain HTML, without the WASM (app/src/routes.rs, `PLAIN_HTML`). */
export const PLAIN_HTML = ["/login", "/login/code"];

/**
 * Opens a page and waits until the WASM has hydrated it, so clicks reach Leptos — or, for
 * the sign-in pages (plain HTML forms), until it has loaded.
 */
export async function open(page: Page, path: string) {
  await page.goto(path);
  if (!PLAIN_HTML.includes(new URL(page.url()).pathname)) await hydrated(page);
}

export async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/**
 * Signs in through the sign-in page (a plain form: the answer is a new page) and waits for
 * the page it lands on — hydrated, unless it is a sign-in page again (a refusal, the second step).
 */
export async function signIn(page: Page, email: string, password: string) {
  await open(page, "/login");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password").fill(password);
  const landed = page.waitForEvent("framenavigated", (frame) => frame === page.mainFrame());
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await landed;
  await page.waitForLoadState("load");
  if (!PLAIN_HTML.includes(new URL(page.url()).pathname)) await hydrated(page);
}

/**
 * The link (invitation or password reset) of the newest email to `to`, read the way an operator would:
 * `server outbox` against the server's data directory.
 */
export function emailedLink(to: string): string {
  const out = serverCli(["outbox", "--to", to, "--limit", "1"]);
  const message = JSON.parse(out.trim().split("\n")[0]);
  const match = /https?:\/\/[^\s]+\/(invite|reset-password)\?token=[0-9a-f]+/.exec(message.text);
  if (!match) throw new Error(`no link in: ${message.text}`);
  return new URL(match[0]).pathname + new URL(match[0]).search;
}

/** The 6-digit code an authenticator app shows at `ms` (RFC 6238: HMAC-SHA-1, 30-second steps). */
export function totp(secretBase32: string, ms: number = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secretBase32.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, "0");
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return n.toString().padStart(6, "0");
}

/** Waits for the next 30-second step (a code is accepted once per step) and returns its code. */
export async function nextTotp(secretBase32: string): Promise<string> {
  const now = Date.now();
  const next = (Math.floor(now / 30_000) + 1) * 30_000;
  await new Promise((resolve) => setTimeout(resolve, next - now + 500));
  return totp(secretBase32);
}

/** Runs the server's command line against its data directory, as an operator would; its output. */
export function serverCli(args: string[]): string {
  const bin = process.env.CONSOLE_SERVER_BIN ?? path.join(__dirname, "..", "..", "target", "debug", "server");
  return execFileSync(bin, args, { env: process.env, encoding: "utf8" });
}
