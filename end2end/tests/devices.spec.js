// Losses seen the same week (issue 15), on a 390×844 phone: every sync, the phone reports its
// waiting records; a phone whose data is wiped while a record waits (its sync could not get
// through) comes back as a new phone, and the admin page lists the phone it was, with the record
// that did not arrive, until the admin marks it handled. Settings shows whether the browser keeps
// the data. Needs the e2e server started with the demo accounts (`server serve --demo`).
const { test, expect } = require("@playwright/test");
const fs = require("fs");
const path = require("path");
const { appOpen, hydrated, open, passwordSignIn, recordSession, signIn, violations } = require("./support");

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
