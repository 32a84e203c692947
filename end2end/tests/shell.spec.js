// The app shell: server rendering, hydration, the language switch, the service worker and offline.
const { test, expect } = require("@playwright/test");
const fs = require("fs");
const path = require("path");

const { hydrated, swControls, signIn, open, reload } = require("./support");

test("the server renders the page without JavaScript, locked", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const response = await page.goto("/");
  expect(response.status()).toBe(200);
  // Records are only readable once unlocked in the browser: the server renders the sign-in form.
  await expect(page.locator("h1")).toHaveText("Đăng nhập");
  await expect(page.locator('input[name="password"]')).toBeVisible();
  await expect(page.locator("nav.tabs")).toHaveCount(0);
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
  await expect(page.getByTestId("waiting-count")).toHaveText("0");
  await context.close();
});

test("the manifest names installable icons that exist", async ({ request }) => {
  const manifest = await (await request.get("/manifest.webmanifest")).json();
  expect(manifest.display).toBe("standalone");
  for (const size of ["192x192", "512x512"]) {
    const icon = manifest.icons.find((i) => i.sizes === size && i.type === "image/png");
    expect(icon, size).toBeTruthy();
    const png = await (await request.get(icon.src)).body();
    // Width and height are big-endian at bytes 16 and 20 of a PNG.
    expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`).toBe(size);
  }
  expect(manifest.icons.some((i) => i.purpose === "maskable")).toBe(true);
});

test("on a new phone every page asks to sign in, and a wrong password is explained", async ({ page }) => {
  await page.goto("/indicators");
  await hydrated(page);
  await expect(page.locator("h1")).toHaveText("Đăng nhập");
  await page.locator('input[name="username"]').fill("binhlu");
  await page.locator('input[name="password"]').fill("wrong-password");
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByRole("alert")).toHaveText("Tên đăng nhập hoặc mật khẩu không đúng.");
  await expect(page.locator("nav.tabs")).toHaveCount(0);
});

test("hydration makes navigation and the language switch work, and the choice survives a reload", async ({ page }) => {
  await signIn(page, "binhlu");
  await expect(page.getByTestId("place")).toHaveText("Xã Bình Lư");
  await page.locator("nav.tabs").getByText("Cài đặt").click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.locator("h1")).toHaveText("Cài đặt");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("h1")).toHaveText("Settings");
  await expect(page.locator("nav.tabs")).toContainText("Records");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");

  // The language stays readable while locked: the lock screen speaks it too.
  await page.reload();
  await hydrated(page);
  await expect(page.locator("h1")).toHaveText("Open the app");
  await reload(page, "binhlu");
  await expect(page.locator("h1")).toHaveText("Settings");
  await expect(page.getByRole("button", { name: "English" })).toHaveAttribute("aria-pressed", "true");
});

test("after the first visit the app opens offline with the PIN and reacts", async ({ page, context }) => {
  await signIn(page, "binhlu");
  await swControls(page);
  const cacheName = await page.evaluate(async () => (await caches.keys()).find((k) => k.startsWith("pcmd-")));
  expect(cacheName).toMatch(/^pcmd-[0-9a-f]{12}$/);

  await context.setOffline(true);
  await reload(page, "binhlu");
  await expect(page.locator("h1")).toHaveText("Hồ sơ");
  await expect(page.getByTestId("place")).toHaveText("Xã Bình Lư");
  await expect(page.locator(".sync-state .dot")).toHaveClass(/offline/);

  // A page never opened online also comes from the precache.
  await open(page, "/indicators", "binhlu");
  await expect(page.locator("h1")).toHaveText("Chỉ tiêu");
  await page.locator("nav.tabs").getByText("Cài đặt").click();
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("h1")).toHaveText("Settings");

  const dir = path.join(__dirname, "..", "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  await open(page, "/", "binhlu");
  await page.screenshot({ path: path.join(dir, "shell-offline-390x844.png") });
  await context.setOffline(false);
});

test("under its Content-Security-Policy the app hydrates, works and reopens offline, with nothing refused", async ({ page, context }) => {
  const refused = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  page.on("pageerror", (error) => refused.push(`${error}`));
  const response = await page.goto("/signin");
  const policy = response.headers()["content-security-policy"];
  expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'wasm-unsafe-eval'/);
  expect(policy).toContain("frame-ancestors 'none'");
  expect(response.headers()["x-frame-options"]).toBe("DENY");

  await signIn(page, "binhlu");
  await swControls(page);
  await open(page, "/indicators", "binhlu");
  await expect(page.locator("h1")).toHaveText("Chỉ tiêu");
  await context.setOffline(true);
  await reload(page, "binhlu");
  await expect(page.locator("h1")).toHaveText("Chỉ tiêu");
  await context.setOffline(false);
  expect(refused).toEqual([]);
});
