// The bundle is split by page (`cargo leptos build --split`): each page's part loads when it first
// opens, and the service worker holds every part of one build. After one visit every page opens
// offline; a new build is installed whole beside the old one and never mixed with it.
const { test, expect } = require("@playwright/test");
const { spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { signIn, passwordSignIn, hydrated, typePin, appOpen, swControls } = require("./support.js");

const ROOT = path.join(__dirname, "..", "..");
const FORMS = [
  "/records/session",
  "/records/referral",
  "/records/business",
  "/records/inspection",
  "/records/tip-off",
  "/records/training",
  "/records/media-post",
  "/records/commune-plan",
  "/records/pilot-model",
  "/records/agency-integration",
];
const OFFICER_PAGES = ["/", ...FORMS, "/sync", "/indicators", "/indicators/print", "/quarters", "/settings"];
const ADMIN_PAGES = ["/admin", "/admin/users", "/admin/units", "/admin/targets", "/admin/audit"];

/// Opens `route` as a fresh page load, unlocks it and checks that it rendered as itself: its
/// heading, not the "not found" page, a form where a form belongs, and no error in the page.
async function opensAndWorks(page, username, route) {
  const errors = [];
  const onError = (error) => errors.push(`${route}: ${error}`);
  page.on("pageerror", onError);
  await page.goto(route);
  await hydrated(page);
  await typePin(page, username);
  await appOpen(page);
  // The printable report has its print button above whatever figures the phone holds.
  const heading = route === "/indicators/print" ? page.getByTestId("print") : page.locator("h1").first();
  await expect(heading, route).toBeVisible();
  await expect(heading, route).not.toHaveText("");
  await expect(page.getByText("Không tìm thấy trang này.")).toHaveCount(0);
  if (route.startsWith("/records/")) {
    await expect(page.locator('input[name="occurred_on"], input[name="data.name"], form').first(), route).toBeVisible();
    await expect(page.locator('form button[type="submit"]').first(), route).toBeEnabled();
  }
  // The bottom navigation reacts: the page is hydrated, its part of the bundle loaded.
  await page.locator("nav.tabs a").last().click();
  await expect(page).toHaveURL(/\/settings$/);
  page.off("pageerror", onError);
  expect(errors).toEqual([]);
}

test("after one online visit every page of the app opens offline and works", async ({ browser }) => {
  test.setTimeout(240_000);
  for (const [username, pages] of [["binhlu", OFFICER_PAGES], ["admin", ADMIN_PAGES], ["ttyt", ["/service"]]]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, username);
    await context.setOffline(true);
    for (const route of pages) await opensAndWorks(page, username, route);
    await context.close();
  }
});

test("a page whose part is not on the phone yet says so offline, keeps the records, and opens once back online", async ({ browser }) => {
  // No service worker: as on a phone that lost signal before the build was downloaded whole.
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(`${error}`));
  await page.goto("/signin");
  await hydrated(page);
  await passwordSignIn(page, "binhlu");
  await context.setOffline(true);
  await page.getByTestId("new-referral").click();
  await expect(page.getByTestId("page-missing")).toBeVisible();
  await expect(page.locator("h1")).toHaveText("Trang này chưa có trên máy");
  await page.screenshot({ path: test.info().outputPath("page-missing-390x844.png") });
  // The app goes on: the list opens, as its part was loaded online.
  await page.locator("nav.tabs").getByText("Hồ sơ").click();
  await expect(page.locator("h1")).toHaveText("Hồ sơ");
  await page.getByTestId("new-referral").click();
  await expect(page.getByTestId("page-missing")).toBeVisible();
  await context.setOffline(false);
  await page.getByRole("button", { name: "Thử lại" }).click();
  await hydrated(page);
  await typePin(page, "binhlu");
  await appOpen(page);
  await expect(page).toHaveURL(/\/records\/referral$/);
  await expect(page.locator('form button[type="submit"]').first()).toBeEnabled();
  // The failed fetches are reported, but nothing stopped the app's wasm.
  expect(errors.filter((e) => /RuntimeError|unreachable|panicked/.test(e))).toEqual([]);
  await context.close();
});

/// A second build, made from the first by giving every hashed file of its bundle a new name (the
/// same length, as the wasm holds the names): a build whose every part differs from the first's.
function secondBuild(dir) {
  const site = path.join(ROOT, "target", "site");
  const bin = path.join(ROOT, "target", "release");
  const renamed = new Map();
  const pkg = path.join(site, "pkg");
  for (const name of fs.readdirSync(pkg)) {
    const m = name.match(/^(.*)\.([A-Za-z0-9_-]{22})\.(wasm|js|css|json)$/);
    if (m) renamed.set(m[2], crypto.createHash("md5").update(`second ${m[2]}`).digest("base64url"));
  }
  const rename = (buffer) => {
    let text = buffer.toString("latin1");
    for (const [from, to] of renamed) text = text.split(from).join(to);
    return Buffer.from(text, "latin1");
  };
  fs.cpSync(site, path.join(dir, "site"), { recursive: true, filter: (src) => !/\.(br|gz)$/.test(src) });
  const pkg2 = path.join(dir, "site", "pkg");
  fs.rmSync(pkg2, { recursive: true });
  fs.mkdirSync(pkg2);
  for (const name of fs.readdirSync(pkg)) {
    const file = path.join(pkg, name);
    if (!fs.statSync(file).isFile() || /\.(br|gz)$/.test(name)) continue;
    fs.writeFileSync(path.join(pkg2, rename(Buffer.from(name)).toString("latin1")), rename(fs.readFileSync(file)));
  }
  fs.mkdirSync(path.join(dir, "bin"));
  fs.copyFileSync(path.join(bin, "server"), path.join(dir, "bin", "server"));
  fs.chmodSync(path.join(dir, "bin", "server"), 0o755);
  fs.writeFileSync(path.join(dir, "bin", "hash.txt"), rename(fs.readFileSync(path.join(bin, "hash.txt"))));
  return { site: path.join(dir, "site"), server: path.join(dir, "bin", "server") };
}

/// Starts a server of `build` on `port` over the database `db`, and waits until it answers.
async function serve(build, port, db) {
  const child = spawn(build.server, [], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${db}`,
      PCMD_DEMO: "true",
      LEPTOS_SITE_ROOT: build.site,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_OUTPUT_NAME: "pcmd",
      LEPTOS_HASH_FILES: "true",
    },
    stdio: "ignore",
  });
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`the server of ${build.site} exited: ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).ok) return child;
    } catch {}
    await new Promise((done) => setTimeout(done, 200));
  }
  child.kill();
  throw new Error(`the server of ${build.site} did not start`);
}

const stopped = (child) => new Promise((done) => (child.exitCode !== null ? done() : (child.once("exit", done), child.kill())));

/// The bundle files this page loaded, by name.
const loadedBundle = (page) =>
  page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname).filter((p) => p.startsWith("/pkg/")));

test.describe("an update to a new build", () => {
  const port = 3000 + 200 + (process.pid % 500);
  test.use({ baseURL: `http://127.0.0.1:${port}` });

  test("while the old build is open is installed whole, offered with the banner, and never mixed with it", async ({ page }) => {
    test.setTimeout(240_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcmd-update-"));
    const db = path.join(dir, "e2e.sqlite3");
    const first = { site: path.join(ROOT, "target", "site"), server: path.join(ROOT, "target", "release", "server") };
    const second = secondBuild(dir);
    // Files of the bundle a page loaded that are not of `build`.
    const foreign = (build, files) => files.filter((f) => !fs.existsSync(path.join(build.site, f)));

    let server = await serve(first, port, db);
    try {
      await signIn(page, "binhlu");
      await swControls(page);
      const firstCache = await page.evaluate(async () => (await caches.keys()).find((k) => k.startsWith("pcmd-")));
      expect(foreign(first, await loadedBundle(page))).toEqual([]);

      // The server now has only the second build.
      await stopped(server);
      server = await serve(second, port, db);
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
      await expect(page.getByRole("button", { name: "Tải lại để cập nhật" })).toBeVisible({ timeout: 60_000 });
      await page.screenshot({ path: test.info().outputPath("update-banner-390x844.png") });

      // Until the officer reloads, the old build goes on with its own parts, from its own cache:
      // a page never opened before still opens, though the server no longer has them.
      await page.locator("nav.tabs").getByText("Chỉ tiêu").click();
      await expect(page.locator("h1")).toHaveText("Chỉ tiêu");
      const before = await loadedBundle(page);
      expect(before.filter((f) => f.endsWith(".wasm")).length).toBeGreaterThan(0);
      expect(foreign(first, before)).toEqual([]);

      await page.getByRole("button", { name: "Tải lại để cập nhật" }).click();
      await hydrated(page);
      await typePin(page, "binhlu");
      await appOpen(page);
      const cacheNow = await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith("pcmd-")));
      expect(cacheNow).toHaveLength(1);
      expect(cacheNow[0]).not.toBe(firstCache);
      expect(foreign(second, await loadedBundle(page))).toEqual([]);

      // Every page works on the new build, which loads nothing of the old one.
      for (const route of OFFICER_PAGES) await opensAndWorks(page, "binhlu", route);
      const after = await loadedBundle(page);
      expect(after.length).toBeGreaterThan(0);
      expect(foreign(second, after)).toEqual([]);
    } finally {
      await stopped(server);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
