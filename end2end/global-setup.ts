// Waits until the server cargo-leptos started answers, so the first test doesn't race it.
export default async function globalSetup() {
  const base = process.env.CONSOLE_BASE_URL ?? "http://127.0.0.1:3000";
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/login`);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the console did not start at ${base}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
