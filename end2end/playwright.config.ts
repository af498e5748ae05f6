import { defineConfig, devices } from "@playwright/test";

// The server is started by `cargo leptos end-to-end` (see the Makefile) with a
// throw-away data directory and a known setup token.
export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  // The test identity provider for SAML (pysaml2 + xmlsec1, installed by `make saml-idp`).
  webServer: [
    {
      command: `${process.env.CONSOLE_TEST_SAML_PYTHON ?? "../target/saml-venv/bin/python"} ../server/tests/saml/idp.py 3999`,
      url: "http://127.0.0.1:3999/metadata",
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
  use: {
    baseURL: process.env.CONSOLE_BASE_URL ?? "http://127.0.0.1:3000",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
});
