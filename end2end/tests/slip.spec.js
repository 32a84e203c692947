// The referral loop closed by the receiving service (issue 19), at 390×844: an officer, offline,
// records a referral and shows its slip; back online, the health centre's account confirms the
// slip on its page; the officer's phone shows the confirmation after a sync, and HT01 counts it.
const { test, expect } = require("@playwright/test");
const fs = require("fs");
const path = require("path");
const { DEMO, open, signIn, violations } = require("./support");

test.use({ viewport: { width: 390, height: 844 } });

const shots = path.join(__dirname, "..", "screenshots");
const tab = (page, name) => page.locator("nav.tabs").getByText(name);

/// HT01 of the officer's commune this year, from the server.
async function ht01(request, unit) {
  const year = new Date().getFullYear();
  const response = await request.get(`/api/v1/indicators?year=${year}&org_unit=${unit}`);
  expect(response.ok()).toBeTruthy();
  return (await response.json()).indicators.find((i) => i.code === "PCMD-HT01");
}

async function syncNow(page) {
  await tab(page, "Đồng bộ").click();
  await page.getByTestId("sync-now").click();
  await expect(page.getByTestId("last-exchange")).toBeVisible();
  await tab(page, "Hồ sơ").click();
}

test("a slip made offline is confirmed by the service and counted in HT01", async ({ page, context, browser }) => {
  fs.mkdirSync(shots, { recursive: true });
  await signIn(page, "binhlu");
  const me = await (await page.request.get("/api/v1/me")).json();
  const unit = (me.officer || me).org_unit.id;
  const before = await ht01(page.request, unit);

  // Offline in the village: the referral, then its slip full screen.
  await context.setOffline(true);
  await page.getByTestId("new-referral").click();
  await expect(page).toHaveURL(/\/records\/referral/);
  // A client code of its own, so that HT01 gains exactly this person.
  await page.getByRole("button", { name: "Tạo mã mới" }).click();
  const generator = page.getByTestId("code-generator");
  const answers = generator.locator('input[type="text"]');
  await answers.nth(0).fill("Lò Thị Xa");
  await answers.nth(1).fill("Vàng Văn Zo");
  await answers.nth(2).fill(String(1950 + Math.floor(Math.random() * 50)));
  await generator.locator("select").selectOption("female");
  await generator.getByRole("button", { name: "Tạo mã" }).click();
  const client = await page.locator('input[name="data.client_code"]').inputValue();
  expect(client).toMatch(/^XZ\d{4}F/);
  await page.check('input[name="data.in_need_eligible"]');
  await page.check('input[name="data.consent"]');
  await page.selectOption('select[name="data.service"]', "HIV_TEST");
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  const slip = page.getByTestId("slip");
  await expect(slip).toBeVisible();
  const code = (await page.getByTestId("slip-code").textContent()).trim();
  expect(code).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
  await expect(slip).toContainText("Xét nghiệm HIV (kể cả tự xét nghiệm)");
  await expect(slip).not.toContainText(client);
  // Its QR code: a link to the service page with the slip, nothing about the person.
  const link = await page.getByTestId("slip-qr").getAttribute("data-link");
  expect(link).toMatch(new RegExp(`/service\\?slip=${code}&service=HIV_TEST$`));
  await page.screenshot({ path: path.join(shots, "slip-390x844.png") });
  expect(await violations(page)).toEqual([]);
  await page.getByTestId("close-slip").click();
  await expect(page).toHaveURL(/\/$/);

  // Back online: the referral goes to the server.
  await context.setOffline(false);
  await syncNow(page);
  const row = page.getByTestId("record-row").filter({ hasText: `${client} · Xét nghiệm HIV` }).first();
  await expect(row).toHaveAttribute("data-state", "synced");

  // At the health centre, on another phone: the slip as read aloud, in lower case.
  const { baseURL } = test.info().project.use;
  const centre = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, serviceWorkers: "allow" });
  const desk = await centre.newPage();
  await signIn(desk, "ttyt", DEMO.ttyt);
  await expect(desk).toHaveURL(/\/service$/);
  await desk.fill("#slip-code", "2222233333");
  await desk.getByTestId("slip-look-up").click();
  await expect(desk.getByTestId("slip-problem")).toHaveText(/mã phiếu không đúng|Không có giới thiệu/i);
  await desk.fill("#slip-code", code.toLowerCase());
  await desk.getByTestId("slip-look-up").click();
  const found = desk.getByTestId("slip-found");
  await expect(found.getByTestId("slip-service")).toHaveText("Xét nghiệm HIV (kể cả tự xét nghiệm)");
  await expect(found.getByTestId("slip-state")).toHaveText("Chưa xác nhận");
  await expect(found).not.toContainText(client);
  await desk.getByTestId("slip-received").click();
  await expect(desk.getByTestId("slip-saved")).toHaveText("Đã ghi xác nhận.");
  await expect(found.getByTestId("slip-state")).toContainText("Đã tiếp nhận");
  await desk.screenshot({ path: path.join(shots, "service-confirmed-390x844.png") });
  expect(await violations(desk)).toEqual([]);
  // Scanned later, the QR code opens the page on the slip, already answered.
  await open(desk, new URL(link).pathname + new URL(link).search, "ttyt");
  await expect(desk.getByTestId("slip-found").getByTestId("slip-state")).toContainText("Đã tiếp nhận");
  await centre.close();

  // The officer's phone learns it at the next sync.
  await syncNow(page);
  await expect(row).toContainText("Đã tiếp cận dịch vụ");
  await row.click();
  await expect(page.getByTestId("confirmation")).toContainText("Trung tâm Y tế khu vực Tam Đường đã xác nhận tiếp nhận người được giới thiệu ngày");
  await expect(page.locator('select[name="data.status"]')).toHaveValue("accessed");
  await page.screenshot({ path: path.join(shots, "referral-confirmed-390x844.png"), fullPage: true });

  // HT01 counts the confirmed access, on the server and on the dashboard.
  const after = await ht01(page.request, unit);
  expect(after.numerator).toBe(before.numerator + 1);
  await tab(page, "Chỉ tiêu").click();
  const card = page.locator('[data-testid="indicator"][data-code="PCMD-HT01"]');
  await expect(card.getByTestId("fraction")).toContainText(`${after.numerator}/${after.denominator}`);
  // The follow-up, from the phone's records: the HIV tests sent this quarter include a confirmed one.
  const line = page.getByTestId("follow-up-row").filter({ hasText: "Xét nghiệm HIV" });
  await expect(line).toHaveCount(1);
  const [sent, confirmed] = (await line.locator("td").allTextContents()).map(Number);
  expect(sent).toBeGreaterThanOrEqual(1);
  expect(confirmed).toBeGreaterThanOrEqual(1);
  await page.getByTestId("follow-up").screenshot({ path: path.join(shots, "follow-up-390x844.png") });
  expect(await violations(page)).toEqual([]);
});

test("an admin adds a receiving service and its account on the phone; the account opens the service page", async ({ page, browser }) => {
  await signIn(page, "admin");
  await page.goto("/admin");
  await page.waitForSelector("html[data-hydrated]");
  const { unlock } = require("./support");
  await unlock(page, "admin");
  const section = page.getByTestId("receiving-services");
  const name = `Trợ giúp pháp lý ${Date.now() % 100000}`;
  const form = section.locator("form").filter({ has: page.locator('input[name="service-name"]') });
  await form.locator('input[name="service-name"]').fill(name);
  await form.getByLabel("Tư vấn/trợ giúp pháp lý").check();
  await form.getByLabel("Phòng chống bạo lực trên cơ sở giới").check();
  await form.getByRole("button", { name: "Thêm cơ sở tiếp nhận" }).click();
  await expect(form.getByRole("status")).toHaveText("Đã lưu.");
  const rows = section.locator("form[data-service]");
  const names = () => rows.locator('input[name="name"]').evaluateAll((inputs) => inputs.map((i) => i.value));
  await expect.poll(names).toContain(name);
  const row = rows.nth((await names()).indexOf(name));
  await expect(row.getByLabel("Tư vấn/trợ giúp pháp lý")).toBeChecked();
  expect(await violations(page)).toEqual([]);

  await page.locator("nav.menu").getByText("Tài khoản cán bộ").click();
  const username = `trogiup${Date.now() % 100000}`;
  await page.locator('input[name="new-username"]').fill(username);
  await page.locator('input[name="new-display-name"]').fill("Cán bộ trợ giúp pháp lý");
  await page.locator('select[name="new-role"]').selectOption("service_provider");
  await page.locator('select[name="new-service"]').selectOption({ label: name });
  await page.locator('input[name="new-password"]').fill("mat-khau-moi-1");
  await page.getByRole("button", { name: "Tạo mới" }).click();
  await expect(page.getByRole("status")).toHaveText("Đã lưu.");

  const other = await browser.newContext();
  const desk = await other.newPage();
  await signIn(desk, username, "mat-khau-moi-1");
  await expect(desk).toHaveURL(/\/service$/);
  await expect(desk.getByText(name)).toBeVisible();
  await expect(desk.locator("nav.tabs a")).toHaveCount(2);
  await other.close();
});
