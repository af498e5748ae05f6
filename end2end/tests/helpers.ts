import { expect, Page } from "@playwright/test";

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
