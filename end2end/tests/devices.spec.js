// Losses seen the same week (issue 15), on a 390×844 phone: every sync, the phone reports its
// waiting records; a phone whose data is wiped while a record waits (its sync could not get
// through) comes back as a new phone, and the admin page lists the phone it was, with the record
// that did not arrive, until the admin marks it handled. Settings shows whether the browser keeps
// the data. Needs the e2e server started with the demo accounts (`server serve --demo`).
const { test, expect } = require("@playwright/test");
const fs = require("fs");
const path = require("path");
const { appOpen, hydrated, open, passwordSignIn, recordSession, serverRecords, signIn, violations } = require("./support");

const shots = path.join(__dirname, "..", "screenshots");

/// What the server says of the officer's phones, as the demo admin.
async function phonesOf(request, username) {
  const login = await (await request.post("/api/v1/auth/login", { data: { username: "admin", password: "demo-admin" } })).json();
  const answer = await request.get("/api/v1/admin/devices", { headers: { Authorization: `Bearer ${login.token}` } });
  expect(answer.ok()).toBeTruthy();
  return (await answer.json()).filter((device) => device.username === username);
}

test("a wiped phone's waiting record is seen on the admin page", async ({ page, browser }) => {
  await signIn(page, "taleng");
  await hydrated(page);
  const deviceId = await page.evaluate(() => localStorage.getItem("pcmd.device"));
  expect(deviceId).toMatch(/^[0-9a-f-]{36}$/);

  // The record cannot get through: the batch never reaches the server, the reports do.
  await page.route("**/api/v1/sync", (route) => route.abort());
  await recordSession(page, { village: "Bản Chưa Về" });
  await expect(page.getByTestId("waiting-count")).toHaveText("1");
  await page.locator("nav.tabs").getByText("Đồng bộ").click();
  await page.getByTestId("sync-now").click();
  const reported = async () => (await phonesOf(page.request, "taleng")).find((d) => d.device_id === deviceId);
  await expect.poll(async () => (await reported())?.waiting).toBe(1);

  // Settings says whether the browser keeps the data (asked at sign-in), as the phone reported it.
  const { persistent } = await reported();
  await page.locator("nav.tabs").getByText("Cài đặt").click();
  await expect(page.getByTestId("storage-persistence")).toHaveText(
    { true: "Dữ liệu được giữ lâu dài trên máy này.", false: "Trình duyệt có thể xoá dữ liệu khi máy đầy bộ nhớ." }[persistent] ??
      "Chưa rõ trình duyệt có giữ dữ liệu lâu dài không.",
  );
  fs.mkdirSync(shots, { recursive: true });
  await page.getByTestId("storage-persistence").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, "settings-storage-390x844.png") });

  // The browser clears the site's data: the record and the device id are gone.
  await page.unroute("**/api/v1/sync");
  await page.evaluate(() => localStorage.clear());
  await page.goto("/signin");
  await hydrated(page);
  await passwordSignIn(page, "taleng");
  await appOpen(page);
  await expect
    .poll(async () => (await phonesOf(page.request, "taleng")).find((d) => d.device_id === deviceId)?.problem)
    .toBe("came_back_empty");

  // The admin sees it, with the record it is about.
  const { baseURL, viewport } = test.info().project.use;
  const desk = await (await browser.newContext({ baseURL, viewport, serviceWorkers: "allow" })).newPage();
  await signIn(desk, "admin");
  await open(desk, "/admin", "admin");
  const list = desk.getByTestId("phones-to-check");
  const phone = list.getByTestId("phone-to-check").filter({ hasText: "taleng" }).filter({ hasText: deviceId.slice(0, 8) });
  await expect(phone).toHaveAttribute("data-problem", "came_back_empty");
  await expect(phone.getByTestId("device-records")).toHaveText("1");
  await expect(phone).toContainText("Máy quay lại không còn hồ sơ");
  expect(await violations(desk)).toEqual([]);
  fs.mkdirSync(shots, { recursive: true });
  await list.scrollIntoViewIfNeeded();
  await desk.screenshot({ path: path.join(shots, "phones-to-check-390x844.png") });
  // In English too.
  await desk.locator("nav.tabs").getByText("Cài đặt").click();
  await desk.getByRole("button", { name: "English" }).click();
  await desk.goBack();
  await expect(phone).toContainText("Came back empty");
  await expect(phone).toContainText("Mark as handled");
  await list.scrollIntoViewIfNeeded();
  await desk.screenshot({ path: path.join(shots, "phones-to-check-en-390x844.png") });

  // Handled: it leaves the list.
  await phone.getByTestId("device-handled").click();
  await expect(phone).toHaveCount(0);
  expect((await phonesOf(page.request, "taleng")).find((d) => d.device_id === deviceId).problem).toBeNull();
});

test("a copy of unsent records, saved offline, is imported once by the admin", async ({ page, context, browser }) => {
  await signIn(page, "binhlu");
  await hydrated(page);
  await page.waitForFunction(() => localStorage.getItem("pcmd.export_key") !== null);
  await context.setOffline(true);
  const village = `Bản Bản Sao Chưa Gửi ${Date.now() % 100_000}`;
  await recordSession(page, { village });
  await expect(page.getByTestId("waiting-count")).toHaveText("1");
  const id = await page.getByTestId("record-row").filter({ hasText: village }).getAttribute("data-id");

  // Offline, the phone saves the file, with the server's key it kept at sign-in.
  await page.locator("nav.tabs").getByText("Đồng bộ").click();
  const card = page.getByTestId("export-unsent");
  const [download] = await Promise.all([page.waitForEvent("download"), card.getByTestId("export-unsent-button").click()]);
  await expect(card.getByTestId("export-saved")).toContainText("1 hồ sơ đã được lưu");
  expect(download.suggestedFilename()).toMatch(/^ho-so-chua-gui-binhlu-\d{4}-\d{2}-\d{2}\.json$/);
  const saved = path.join(test.info().outputDir, download.suggestedFilename());
  await download.saveAs(saved);
  const text = fs.readFileSync(saved, "utf8");
  const file = JSON.parse(text);
  expect(file.format).toBe("pcmd-unsent-v1");
  // Nothing of the record can be read without the server.
  for (const secret of [village, id, "Hội Phụ nữ", "group_talk"]) expect(text).not.toContain(secret);
  fs.mkdirSync(shots, { recursive: true });
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, "export-unsent-390x844.png") });

  // The admin imports it, twice: the record is stored once.
  const { baseURL, viewport } = test.info().project.use;
  const desk = await (await browser.newContext({ baseURL, viewport, serviceWorkers: "allow" })).newPage();
  await signIn(desk, "admin");
  await open(desk, "/admin", "admin");
  const importCard = desk.getByTestId("import-unsent");
  await importCard.locator('input[name="unsent-file"]').setInputFiles(saved);
  await expect(importCard.getByTestId("import-applied")).toHaveText("1");
  await expect(importCard.getByTestId("import-done")).toContainText("binhlu");
  expect(await violations(desk)).toEqual([]);
  await importCard.scrollIntoViewIfNeeded();
  await desk.screenshot({ path: path.join(shots, "import-unsent-390x844.png") });
  await importCard.locator('input[name="unsent-file"]').setInputFiles([]);
  await importCard.locator('input[name="unsent-file"]').setInputFiles(saved);
  await expect(importCard.getByTestId("import-unchanged")).toHaveText("1");
  await expect(importCard.getByTestId("import-applied")).toHaveText("0");
  const login = await (await desk.request.post("/api/v1/auth/login", { data: { username: "binhlu", password: "demo-binhlu" } })).json();
  const held = (await serverRecords(desk.request, login.token)).filter((r) => r.id === id);
  expect(held).toHaveLength(1);
  expect(held[0].data.village).toBe(village);

  // A file that is not an export says so.
  const other = path.join(test.info().outputDir, "not-an-export.json");
  fs.writeFileSync(other, JSON.stringify({ hello: "world" }));
  await importCard.locator('input[name="unsent-file"]').setInputFiles(other);
  await expect(importCard.getByTestId("import-failed")).toHaveText("Tệp này không phải bản sao hồ sơ chưa gửi của ứng dụng.");

  // Back online, the phone's own send is answered as already held: synced, nothing doubled.
  await context.setOffline(false);
  await page.getByTestId("sync-now").click();
  await expect(page.getByTestId("count-waiting")).toHaveText("0");
  expect((await serverRecords(desk.request, login.token)).filter((r) => r.id === id)).toHaveLength(1);
});
