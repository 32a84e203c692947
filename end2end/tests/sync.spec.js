// Sync (issue 5), on a 390×844 phone: records made offline reach the server by themselves once
// the browser is online, exactly once; a conflict between two phones is settled through the UI; a
// wiped phone gets the officer's records back; a record the server refuses shows why, is fixed and
// sent again. Needs the e2e server started with the demo accounts (`server serve --demo`).
const { test, expect } = require("@playwright/test");
const fs = require("fs");
const path = require("path");
const { endSessions, hydrated, swControls, signIn, serverRecords, recordSession: recordOne } = require("./support");

async function openNew(page) {
  await page.getByTestId("new-session").click();
  await expect(page).toHaveURL(/\/records\/session/);
  await expect(page.locator('input[name="occurred_on"]')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
}

/// An outreach session through the form (dated `on`, else the phone's today), back to the list.
const recordSession = (page, village, male, on) =>
  recordOne(page, { village, male, female: 10, on, organisingUnit: "Hội Phụ nữ xã" });

/// What the server holds for the signed-in officer (the request carries the session cookie).
const rowOf = (page, village) => page.getByTestId("record-row").filter({ hasText: village });
const tab = (page, name) => page.locator("nav.tabs").getByText(name);

async function syncNow(page) {
  await tab(page, "Đồng bộ").click();
  await page.getByTestId("sync-now").click();
}

/// Another phone: a fresh browser profile with the project's settings.
async function newPhone(browser) {
  const { baseURL, viewport } = test.info().project.use;
  const context = await browser.newContext({ baseURL, viewport, serviceWorkers: "allow" });
  return { context, page: await context.newPage() };
}

test("records made offline sync by themselves, exactly once", async ({ page, context }) => {
  await signIn(page, "binhlu");
  await hydrated(page);
  await swControls(page);
  await context.setOffline(true);

  const villages = ["Bản Sync Một", "Bản Sync Hai", "Bản Sync Ba"];
  for (const [i, village] of villages.entries()) await recordSession(page, village, i + 1);
  await expect(page.getByTestId("waiting-count")).toHaveText("3");
  const localIds = (
    await page.locator('[data-testid="record-row"][data-state="waiting"]').evaluateAll((rows) => rows.map((r) => r.dataset.id))
  ).sort();
  expect(localIds).toHaveLength(3);

  await context.setOffline(false);
  await expect(page.getByTestId("waiting-count")).toHaveText("0");
  for (const village of villages) {
    await expect(rowOf(page, village)).toHaveAttribute("data-state", "synced");
    await expect(rowOf(page, village).getByTestId("row-state")).toHaveText("Đã gửi");
  }

  const held = (await serverRecords(page.request)).filter((r) => villages.includes(r.data.village));
  expect(held.map((r) => r.id).sort()).toEqual(localIds);
  for (const record of held) expect(record.version).toBe(1);

  // The sync page says when, and nothing is left waiting.
  await tab(page, "Đồng bộ").click();
  await expect(page.getByTestId("last-synced")).toContainText("Lần đồng bộ gần nhất");
  await expect(page.getByTestId("count-waiting")).toHaveText("0");
  // Other tests' records of this officer may be on the server too; these three are among them.
  expect(Number(await page.getByTestId("count-synced").textContent())).toBeGreaterThanOrEqual(3);
  // Sending again changes nothing on the server.
  await page.getByTestId("sync-now").click();
  await expect(page.getByTestId("sync-now")).toBeEnabled();
  const again = (await serverRecords(page.request)).filter((r) => villages.includes(r.data.village));
  expect(again.map((r) => [r.id, r.version]).sort()).toEqual(held.map((r) => [r.id, r.version]).sort());
});

test("a conflict between two phones is settled by the officer", async ({ page, browser }) => {
  const village = "Bản Xung Đột";
  await signIn(page, "binhlu");
  await hydrated(page);
  await recordSession(page, village, 5);
  await syncNow(page);
  await expect(page.getByTestId("waiting-count")).toHaveText("0");

  // The same officer on a second phone gets the record and changes it first.
  const other = await newPhone(browser);
  await signIn(other.page, "binhlu");
  await expect(rowOf(other.page, village)).toHaveAttribute("data-state", "synced");
  await rowOf(other.page, village).click();
  await other.page.fill('input[name="data.reached_male"]', "7");
  await other.page.getByRole("button", { name: "Lưu", exact: true }).click();
  await syncNow(other.page);
  await expect(other.page.getByTestId("waiting-count")).toHaveText("0");

  // The first phone edits its older copy: the server answers with a conflict.
  await tab(page, "Hồ sơ").click();
  await rowOf(page, village).click();
  await page.fill('input[name="data.reached_male"]', "9");
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await syncNow(page);
  const conflict = page.getByTestId("conflict");
  await expect(conflict).toHaveCount(1);
  await expect(conflict.getByTestId("mine")).toContainText("nam 9");
  await expect(conflict.getByTestId("theirs")).toContainText("nam 7");
  await expect(page.getByTestId("count-conflict")).toHaveText("1");
  const dir = path.join(__dirname, "..", "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, "sync-conflict-390x844.png") });

  await conflict.getByTestId("keep-mine").click();
  await expect(page.getByTestId("conflict")).toHaveCount(0);
  await expect(page.getByTestId("waiting-count")).toHaveText("0");
  await expect(page.getByTestId("count-conflict")).toHaveText("0");
  const [held] = (await serverRecords(page.request)).filter((r) => r.data.village === village);
  expect(held.data.reached_male).toBe(9);
  expect(held.version).toBe(3);

  // The other phone takes the chosen version on its next sync.
  await syncNow(other.page);
  await tab(other.page, "Hồ sơ").click();
  await expect(rowOf(other.page, village)).toContainText("nam 9");
  await other.context.close();
});

test("a wiped phone gets the officer's records back after sign-in", async ({ browser }) => {
  const phone = await newPhone(browser);
  await signIn(phone.page, "binhlu");
  for (const village of ["Bản Sync Một", "Bản Sync Hai", "Bản Sync Ba", "Bản Xung Đột"]) {
    await expect(rowOf(phone.page, village)).toHaveAttribute("data-state", "synced");
  }
  await expect(phone.page.getByTestId("waiting-count")).toHaveText("0");
  // Opened on the new phone, a restored record shows what was entered elsewhere.
  await rowOf(phone.page, "Bản Xung Đột").click();
  await expect(phone.page.locator('input[name="data.reached_male"]')).toHaveValue("9");
  await phone.context.close();
});

test("a record the server refuses shows why, and is sent again once fixed", async ({ page, context }) => {
  const village = "Bản Từ Chối";
  // The phone's clock runs two days ahead: its "today" is in the future for the server.
  const realToday = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  await page.clock.setFixedTime(new Date(Date.now() + 2 * 86400e3));
  await signIn(page, "binhlu");
  await hydrated(page);
  await swControls(page);
  await context.setOffline(true);
  await recordSession(page, village, 4);
  await recordSession(page, "Bản Bên Cạnh", 2, realToday);

  await context.setOffline(false);
  await expect(rowOf(page, village)).toHaveAttribute("data-state", "rejected");
  await expect(rowOf(page, village).getByTestId("row-errors")).toHaveText("Không được sau ngày hôm nay");
  // One bad record holds back nothing else.
  await expect(rowOf(page, "Bản Bên Cạnh")).toHaveAttribute("data-state", "synced");
  await expect(page.getByTestId("waiting-count")).toHaveText("0");

  // Beside them, offline, a record waiting and one left as a draft: each state's badge reads as
  // what it is (a synced record is not drawn as a failure).
  await context.setOffline(true);
  await recordSession(page, "Bản Chờ Gửi", 3, realToday);
  await openNew(page);
  await page.fill('input[name="data.village"]', "Bản Nháp");
  await tab(page, "Hồ sơ").click();
  await expect(rowOf(page, "Bản Nháp")).toHaveAttribute("data-state", "draft");
  await expect(rowOf(page, "Bản Chờ Gửi")).toHaveAttribute("data-state", "waiting");
  const badge = (village) => rowOf(page, village).getByTestId("row-state");
  const colours = async (village) => badge(village).evaluate((b) => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]);
  expect((await colours("Bản Bên Cạnh"))[1]).toBe("rgb(255, 255, 255)");
  expect(await colours("Bản Bên Cạnh")).not.toEqual(await colours(village));
  // A taller screen, so that the first rows (rejected, waiting, draft, synced) are all in view.
  await page.setViewportSize({ width: 390, height: 1500 });
  await page.screenshot({ path: path.join(__dirname, "..", "screenshots", "record-states-390.png") });
  await page.setViewportSize({ width: 390, height: 844 });
  await context.setOffline(false);
  await expect(rowOf(page, "Bản Chờ Gửi")).toHaveAttribute("data-state", "synced");
  await expect(page.getByTestId("waiting-count")).toHaveText("0");

  await rowOf(page, village).click();
  await expect(page.locator('.field-error[data-for="occurred_on"]')).toHaveText("Không được sau ngày hôm nay");
  await page.fill('input[name="occurred_on"]', realToday);
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await expect(page.getByTestId("waiting-count")).toHaveText("1");
  await syncNow(page);
  await expect(page.getByTestId("waiting-count")).toHaveText("0");
  await tab(page, "Hồ sơ").click();
  await expect(rowOf(page, village)).toHaveAttribute("data-state", "synced");
  const [held] = (await serverRecords(page.request)).filter((r) => r.data.village === village);
  expect(held.occurred_on).toBe(realToday);
});

test("a full phone stops restoring with a message, then finishes once there is room", async ({ browser }) => {
  const { context, page } = await newPhone(browser);
  // Signed in while the pull cannot get through, then the phone fills up.
  await page.route("**/api/v1/records?*", (route) => route.abort());
  await signIn(page, "binhlu");
  await page.evaluate(() => {
    let chunk = "x".repeat(1 << 20);
    let n = 0;
    while (chunk.length > 0) {
      try {
        localStorage.setItem(`junk.${n++}`, chunk);
      } catch (e) {
        chunk = chunk.slice(0, chunk.length >> 1);
      }
    }
  });
  await page.unroute("**/api/v1/records?*");
  await tab(page, "Đồng bộ").click();
  await page.getByTestId("sync-now").click();
  await expect(page.getByTestId("sync-problem")).toContainText("Bộ nhớ trên máy đã đầy nên chưa tải về hết hồ sơ");
  await expect(page.getByTestId("count-synced")).toHaveText("0");

  await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("junk.")).forEach((k) => localStorage.removeItem(k)));
  await page.getByTestId("sync-now").click();
  await expect(page.getByTestId("sync-problem")).toHaveCount(0);
  await expect(page.getByTestId("count-synced")).toHaveText(String((await serverRecords(page.request, undefined, "phone")).length));
  await tab(page, "Hồ sơ").click();
  await expect(rowOf(page, "Bản Từ Chối")).toHaveAttribute("data-state", "synced");
  await context.close();
});

test("a phone whose cursor the server no longer knows (a restored backup) pulls again from the start, doubling nothing", async ({ browser }) => {
  const { context, page } = await newPhone(browser);
  await signIn(page, "binhlu");
  const held = String((await serverRecords(page.request, undefined, "phone")).length);
  await tab(page, "Đồng bộ").click();
  await expect(page.getByTestId("count-synced")).toHaveText(held);
  // The server was restored: it refuses the cursor the phone kept, as `server restore` makes it do.
  const pulls = [];
  await page.route("**/api/v1/records?*", (route) => {
    const since = new URL(route.request().url()).searchParams.get("since");
    pulls.push(since);
    if (since && pulls.length === 1) {
      return route.fulfill({
        status: 400,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "invalid_cursor", message: "Unknown cursor" } }),
      });
    }
    return route.continue();
  });
  await page.getByTestId("sync-now").click();
  await expect.poll(() => pulls.length).toBeGreaterThan(1);
  expect(pulls[0]).toBeTruthy();
  expect(pulls[1]).toBeNull();
  await expect(page.getByTestId("sync-problem")).toHaveCount(0);
  await expect(page.getByTestId("count-synced")).toHaveText(held);
  await context.close();
});

test("an expired session stops the sync without touching the outbox, which goes after sign-in", async ({ page, context }) => {
  const village = "Tổ Phố Hết Hạn";
  await signIn(page, "taleng");
  await hydrated(page);
  await swControls(page);
  await context.setOffline(true);
  await recordSession(page, village, 2);
  // The session ends on the server while the phone is away.
  await endSessions(page.request, "taleng");

  await context.setOffline(false);
  await expect(page.getByRole("alert")).toContainText("Phiên đăng nhập đã hết hạn");
  await expect(page.getByTestId("waiting-count")).toHaveText("1");
  await expect(rowOf(page, village)).toHaveAttribute("data-state", "waiting");

  await page.getByRole("alert").getByText("Đăng nhập lại").click();
  await page.locator('input[name="password"]').fill("demo-taleng");
  await page.locator('form button[type="submit"]').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("waiting-count")).toHaveText("0");
  await expect(rowOf(page, village)).toHaveAttribute("data-state", "synced");
  // The test's own session ended with the phone's: it signs in again too.
  expect((await page.request.post("/api/v1/auth/login", { data: { username: "taleng", password: "demo-taleng" } })).ok()).toBeTruthy();
  const held = (await serverRecords(page.request)).filter((r) => r.data.village === village);
  expect(held).toHaveLength(1);
});
