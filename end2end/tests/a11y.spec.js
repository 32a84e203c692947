// Accessibility: axe-core (WCAG 2.1 A and AA rules) finds nothing on any page of the app, for each
// role of the demo, at 390×844, including the lock screen. The pages are opened inside the app (as
// its links do), so each role unlocks once.
const { test, expect } = require("@playwright/test");
const { hydrated, signIn, locked, violations } = require("./support");

/// The app's pages, as the service worker precaches them (`shell::ROUTES`): its entries without a
/// file extension, but the sign-in page, which opens only while signed out.
async function appPages(request) {
  const script = await (await request.get("/sw.js")).text();
  const precache = JSON.parse(script.match(/const PRECACHE = (\[.*?\]);/s)[1]);
  return precache.filter((url) => !/\.[a-z0-9]+$/i.test(url) && url !== "/signin");
}

/// Goes to `path` inside the app, as a link does, and waits until nothing is loading.
async function visit(page, path) {
  await page.evaluate((path) => {
    history.pushState({}, "", path);
    window.dispatchEvent(new PopStateEvent("popstate"));
  }, path);
  await expect(page).toHaveURL(new RegExp(`${path.replace(/[/?]/g, "\\$&")}$`));
  await page.waitForLoadState("networkidle");
  await expect(page.getByText("Đang tải…")).toHaveCount(0);
}

test("the lock screen and the sign-in page have no accessibility violations", async ({ page }) => {
  await page.goto("/signin");
  await hydrated(page);
  expect(await violations(page)).toEqual([]);
  await signIn(page, "binhlu");
  await page.reload();
  await hydrated(page);
  await locked(page);
  expect(await violations(page)).toEqual([]);
});

for (const username of ["tinh", "binhlu", "huyen", "admin"]) {
  test(`every page has no accessibility violations for ${username}`, async ({ page }) => {
    test.setTimeout(180_000);
    await signIn(page, username);
    const pages = await appPages(page.request);
    expect(pages.length).toBeGreaterThanOrEqual(20);
    const found = {};
    for (const path of pages) {
      await visit(page, path);
      const here = await violations(page);
      if (here.length) found[path] = here;
    }
    expect(found).toEqual({});
  });
}
