// What the officer can point to (issue 20): a synced record's receipt, the last exchange in words
// on the Sync page; and the way to put the app on the home screen, in Chromium and on an iPhone.
const { test, expect } = require("@playwright/test");
const { recordSession, signIn } = require("./support");

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

async function newPhone(browser, options = {}) {
  const { baseURL, viewport } = test.info().project.use;
  const context = await browser.newContext({ baseURL, viewport, serviceWorkers: "allow", ...options });
  return { context, page: await context.newPage() };
}

test("a synced record shows the server's version and time, and the Sync page says what was sent", async ({ page }) => {
  await signIn(page, "taleng");
  await recordSession(page, { village: "Bản Biên Nhận" });
  const row = page.getByTestId("record-row").filter({ hasText: "Bản Biên Nhận" });
  await page.locator("nav.tabs").getByText("Đồng bộ").click();
  await page.getByTestId("sync-now").click();
  await expect(page.getByTestId("last-exchange")).toHaveText(/^Lần gửi gần nhất \(\d\d:\d\d \d\d\/\d\d\/\d{4}\): đã gửi \d+ hồ sơ; máy chủ đã lưu \d+\.$/);
  await page.locator("nav.tabs").getByText("Hồ sơ").click();
  await expect(row).toHaveAttribute("data-state", "synced");
  await row.click();
  await expect(page.getByTestId("receipt")).toHaveText(/^Máy chủ đã lưu phiên bản 1 lúc \d\d:\d\d \d\d\/\d\d\/\d{4}$/);
  await page.screenshot({ path: test.info().outputPath("receipt.png") });
  // The words survive a reload (kept with the officer's records).
  await page.locator("nav.tabs").getByText("Đồng bộ").click();
  const said = await page.getByTestId("last-exchange").textContent();
  expect(said).toContain("máy chủ đã lưu");
});

test("Chromium's install offer becomes a button; it asks the browser once and goes", async ({ page }) => {
  await signIn(page, "taleng");
  await expect(page.getByTestId("install")).toHaveCount(0);
  await expect(page.getByTestId("install-hint")).toHaveCount(0);
  // The event Chromium sends once the app is installable (headless Chromium does not show it).
  await page.evaluate(() => {
    const offer = new Event("beforeinstallprompt", { cancelable: true });
    offer.prompt = () => {
      window.__prompted = (window.__prompted || 0) + 1;
      return Promise.resolve();
    };
    window.dispatchEvent(offer);
    window.__offerDefaultPrevented = () => offer.defaultPrevented;
  });
  await expect(page.getByTestId("install")).toBeVisible();
  expect(await page.evaluate(() => window.__offerDefaultPrevented())).toBe(true);
  await page.getByTestId("install").getByRole("button", { name: "Cài ứng dụng" }).click();
  expect(await page.evaluate(() => window.__prompted)).toBe(1);
  await expect(page.getByTestId("install")).toHaveCount(0);
  await page.evaluate(() => window.dispatchEvent(new Event("appinstalled")));
  await expect(page.getByTestId("install")).toHaveCount(0);
});

test("an iPhone gets the Share hint until the app runs from the home screen", async ({ browser }) => {
  const safari = await newPhone(browser, { userAgent: IPHONE });
  await signIn(safari.page, "taleng");
  await expect(safari.page.getByTestId("install-hint")).toHaveText("Để cài lên iPhone: bấm Chia sẻ → Thêm vào MH chính.");
  await safari.page.screenshot({ path: test.info().outputPath("iphone-hint.png") });
  await safari.context.close();

  const home = await newPhone(browser, { userAgent: IPHONE });
  // Safari sets this when the app was opened from the home screen.
  await home.context.addInitScript(() => Object.defineProperty(navigator, "standalone", { get: () => true }));
  await signIn(home.page, "taleng");
  await expect(home.page.locator("nav.tabs")).toBeVisible();
  await expect(home.page.getByTestId("install-hint")).toHaveCount(0);
  await home.context.close();
});
