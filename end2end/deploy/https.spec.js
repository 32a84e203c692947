// docs/deploy.md tried for real (scripts/deploy-check): the app through nginx over HTTPS with a
// certificate of a district CA this browser trusts, as the district's phones would.
const { test, expect, chromium } = require("@playwright/test");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { DEMO, hydrated, swControls, passwordSignIn, reload } = require("../tests/support");

test("over HTTPS through the proxy the app signs in, is installable, and opens offline after a reload", async ({ baseURL, viewport, launchOptions }) => {
  // A profile on disk, as a phone's browser has: Chromium offers no install in an incognito one.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "pcmd-profile-"));
  const context = await chromium.launchPersistentContext(profile, { ...launchOptions, baseURL, viewport, serviceWorkers: "allow" });
  const page = context.pages()[0] || (await context.newPage());
  const first = await page.goto("/signin");
  expect(first.url()).toMatch(/^https:\/\//);
  expect(first.headers()["strict-transport-security"]).toMatch(/max-age=\d+/);
  await hydrated(page);
  expect(await page.evaluate(() => window.isSecureContext)).toBe(true);

  await passwordSignIn(page, "binhlu");
  await swControls(page);
  // The phone sends its own token; a browser session (the admin pages) gets the cookie.
  const status = await page.evaluate(async (password) => {
    const body = JSON.stringify({ username: "binhlu", password });
    const headers = { "Content-Type": "application/json" };
    return (await fetch("/api/v1/auth/login", { method: "POST", headers, body })).status;
  }, DEMO.binhlu);
  expect(status).toBe(200);
  const session = (await context.cookies()).find((cookie) => cookie.name.includes("session"));
  expect(session, "the session cookie").toBeTruthy();
  expect(session.secure).toBe(true);
  expect(session.httpOnly).toBe(true);

  // What Chromium checks before it offers to install: manifest, icons, service worker, HTTPS.
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  expect(installabilityErrors).toEqual([]);

  // The signal goes, and so does the proxy itself: what opens now comes from the service worker.
  await context.setOffline(true);
  process.kill(Number(fs.readFileSync(process.env.PCMD_PROXY_PID, "utf8").trim()));
  await reload(page, "binhlu");
  await expect(page.locator("h1")).toHaveText("Hồ sơ");
  await expect(page.getByTestId("place")).toHaveText("Xã Bình Lư");
  const reached = await page.evaluate(() => fetch("/api/v1/health", { cache: "no-store" }).then(() => true, () => false));
  expect(reached).toBe(false);
  await page.screenshot({ path: test.info().outputPath("offline-over-https.png") });
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
});
