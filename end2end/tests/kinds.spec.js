// The plan's other field records (issue 6), on a 390×844 phone: a commune officer offline records
// one of each of the eight other kinds, among them a business found in the field and its
// inspection before either reached the server; the list filters them; once online they sync and
// the server holds each with its kind and data, the inspection pointing at the business. A district
// officer records district-level work for the district itself, and the tip-off form shows the
// deadline the admin set. Needs the e2e server started with the demo accounts.
const { test, expect } = require("@playwright/test");
const { hydrated, swControls, signIn, open, DEMO, serverRecords } = require("./support");

const save = (page) => page.getByRole("button", { name: "Lưu", exact: true }).click();

/// Opens the form of `kind` from the list's chooser, without a page load (it works offline).
async function openNew(page, kind) {
  await page.locator("nav.tabs").getByText("Hồ sơ").click();
  await expect(page).toHaveURL(/\/$/);
  const other = page.getByTestId("new-other");
  if (!(await other.evaluate((details) => details.open))) await other.locator("summary").click();
  await page.getByTestId(`new-${kind}`).click();
  await expect(page.locator('input[name="occurred_on"]')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
}

async function saveAndBack(page) {
  await save(page);
  await expect(page).toHaveURL(/\/$/);
}

/// What the server holds for the signed-in officer (the request carries the session cookie).
/// Sets the tip-off deadline through the admin API, as the admin.
async function setDeadline(request, days) {
  const login = await request.post("/api/v1/auth/login", {
    data: { username: "admin", password: DEMO.admin },
  });
  const { token } = await login.json();
  const response = await request.put("/api/v1/admin/settings", {
    headers: { Authorization: `Bearer ${token}` },
    data: { tip_off_deadline_days: days },
  });
  expect(response.status()).toBe(200);
}

// Eight forms, offline and online, on a slow machine.
test.setTimeout(180_000);

// The deadline is shared by every test of the server: put back as it was whatever happens.
test.afterAll(async ({ playwright }) => {
  const request = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  await setDeadline(request, 20);
  await request.dispose();
});

test("a commune officer records every other kind offline and they sync", async ({ page, context }) => {
  // Only this test's records carry the tag (earlier runs may have left records on the server).
  const tag = `E2E-${Date.now().toString(36)}`;
  await signIn(page, "binhlu");
  await hydrated(page);
  await swControls(page);
  // Signing in fetches the officer's units and the settings for the forms to use offline.
  await page.waitForFunction(() => {
    const keys = Object.keys(localStorage);
    return ["settings", "units", "agencies"].every((name) => keys.some((key) => key.endsWith(`.${name}`)));
  });
  await context.setOffline(true);

  // A business found in the field, then inspected at once from its own form.
  await openNew(page, "business");
  const day = await page.locator('input[name="occurred_on"]').inputValue();
  await expect(page.locator(".field input[readonly]")).toHaveValue("Xã Bình Lư");
  await page.fill('input[name="data.name"]', `Karaoke ${tag}`);
  await page.selectOption('select[name="data.type"]', "karaoke");
  await page.fill('input[name="data.workers"]', "6");
  await page.fill('input[name="data.female_workers"]', "4");
  await page.fill('input[name="data.village"]', "Bản Bình Lư");
  await save(page);
  await expect(page.getByTestId("business-saved")).toBeVisible();
  const businessId = new URL(page.url()).searchParams.get("id");
  expect(businessId).toMatch(/^[0-9a-f-]{36}$/);
  await page.getByTestId("inspect-business").click();
  await expect(page).toHaveURL(/\/records\/inspection\?business_id=/);
  const picker = page.locator('select[name="data.business_id"]');
  await expect(picker).toHaveValue(businessId);
  await expect(picker.locator("option:checked")).toHaveText(`Karaoke ${tag} · Karaoke · Bản Bình Lư`);
  await page.fill('input[name="data.team"]', `Đội 178 ${tag}`);
  await page.fill('textarea[name="data.findings"]', "Không đăng ký lưu trú");
  await page.check('input[name="data.violation_found"]');
  await page.fill('input[name="data.sanction"]', "Phạt tiền");
  await page.fill('input[name="data.fine_vnd"]', "7.500.000");
  await saveAndBack(page);

  // A tip-off: the deadline is shown from the received date; a handling date before it is refused.
  await openNew(page, "tip_off");
  await expect(page.getByTestId("tip-off-deadline")).toContainText("Hạn xử lý:");
  await expect(page.getByTestId("tip-off-deadline")).toContainText("(20 ngày kể từ ngày tiếp nhận)");
  await page.selectOption('select[name="data.channel"]', "hotline");
  await page.selectOption('select[name="data.classification"]', "prostitution");
  await page.selectOption('select[name="data.verification"]', "confirmed");
  await page.fill('textarea[name="data.outcome"]', `Chuyển Công an huyện ${tag}`);
  await page.fill('input[name="data.handled_on"]', "2026-01-02");
  await page.fill('input[name="occurred_on"]', "2026-01-10");
  await expect(page.getByTestId("tip-off-deadline")).toContainText("30/01/2026");
  await save(page);
  await expect(page.locator('.field-error[data-for="data.handled_on"]')).toHaveText(
    "Không được trước ngày diễn ra",
  );
  await page.fill('input[name="data.handled_on"]', "2026-01-25");
  await saveAndBack(page);

  await openNew(page, "training");
  await page.fill('input[name="data.course"]', `Tập huấn ${tag}`);
  await page.selectOption('select[name="data.level"]', "commune");
  await page.fill('input[name="data.trainees_male"]', "-3");
  await page.fill('input[name="data.trainees_female"]', "5");
  await save(page);
  await expect(page.locator('.field-error[data-for="data.trainees_male"]')).toBeVisible();
  await page.fill('input[name="data.trainees_male"]', "3");
  await saveAndBack(page);

  await openNew(page, "media_post");
  await page.selectOption('select[name="data.channel"]', "radio_tv");
  await page.fill('input[name="data.title"]', `Tin bài ${tag}`);
  await saveAndBack(page);

  await openNew(page, "commune_plan");
  await page.fill('input[name="data.title"]', `Kế hoạch ${tag}`);
  await page.fill('input[name="data.adopted_on"]', day);
  await saveAndBack(page);

  await openNew(page, "pilot_model");
  await page.fill('input[name="data.name"]', `Mô hình ${tag}`);
  await saveAndBack(page);

  // The agency is chosen from the admin's list kept on the phone (PCMD-KH02 counts it by id).
  await openNew(page, "agency_integration");
  const agency = page.locator('select[name="data.agency_id"]');
  await expect(agency.locator("option", { hasText: "Công an huyện" })).toHaveCount(1);
  await agency.selectOption({ label: "Phòng Tư pháp" });
  await page.fill('input[name="data.programme"]', `Phổ biến pháp luật ${tag}`);
  await saveAndBack(page);

  await expect(page.getByTestId("waiting-count")).toHaveText("8");

  // The list filters every kind, and by date and state. Records pulled at sign-in (earlier tests')
  // are synced; this test's are the only ones waiting.
  const rows = page.getByTestId("record-row");
  await page.locator('.chip[data-state="waiting"]').click();
  await page.locator("details.filters summary").click();
  const kinds = ["business", "inspection", "tip_off", "training", "media_post", "commune_plan", "pilot_model", "agency_integration"];
  for (const kind of kinds) {
    await page.selectOption('select[name="kind"]', kind);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute("data-state", "waiting");
  }
  await page.selectOption('select[name="kind"]', "inspection");
  await expect(rows.first().getByTestId("row-values")).toHaveText(
    `Đội 178 ${tag} · Có vi phạm · Phạt tiền · 7.500.000 đ`,
  );
  await page.selectOption('select[name="kind"]', "tip_off");
  await page.locator(".filters input[type=date]").first().fill("2026-02-01");
  await expect(rows).toHaveCount(0);
  await page.locator(".filters input[type=date]").first().fill("2026-01-01");
  await expect(rows).toHaveCount(1);
  await page.selectOption('select[name="kind"]', "");
  await page.locator(".filters input[type=date]").first().fill("");
  // The commune's synced records (the demo's) are listed too: count the waiting ones.
  await page.locator('.chip[data-state="waiting"]').click();
  await expect(rows).toHaveCount(8);
  await page.locator('.chip[data-state="draft"]').click();
  await expect(rows).toHaveCount(0);
  await page.locator('.chip[data-state="waiting"]').click();
  await expect(rows).toHaveCount(8);

  // Online: everything goes up by itself.
  await context.setOffline(false);
  await expect(page.getByTestId("waiting-count")).toHaveText("0", { timeout: 20_000 });

  const mine = (await serverRecords(page.request)).filter((r) => JSON.stringify(r.data).includes(tag));
  const byKind = Object.fromEntries(mine.map((r) => [r.kind, r]));
  expect(Object.keys(byKind).sort()).toEqual([...kinds].sort());
  expect(mine).toHaveLength(8);
  for (const record of mine) {
    expect(record.org_unit_id).toBe("ou-03390-20250701");
    expect(record.version).toBe(1);
    expect(record.voided).toBe(false);
  }
  expect(byKind.business.id).toBe(businessId);
  expect(byKind.business.occurred_on).toBe(day);
  expect(byKind.business.data).toEqual({
    name: `Karaoke ${tag}`, type: "karaoke", workers: 6, female_workers: 4, village: "Bản Bình Lư",
  });
  expect(byKind.inspection.data).toEqual({
    business_id: businessId, team: `Đội 178 ${tag}`, findings: "Không đăng ký lưu trú",
    violation_found: true, sanction: "Phạt tiền", fine_vnd: 7500000,
  });
  expect(byKind.tip_off.occurred_on).toBe("2026-01-10");
  expect(byKind.tip_off.data).toEqual({
    channel: "hotline", classification: "prostitution", verification: "confirmed",
    outcome: `Chuyển Công an huyện ${tag}`, handled_on: "2026-01-25",
  });
  expect(byKind.training.data).toEqual({
    course: `Tập huấn ${tag}`, level: "commune", trainees: 8, trainees_male: 3, trainees_female: 5,
  });
  expect(byKind.media_post.data).toEqual({ channel: "radio_tv", title: `Tin bài ${tag}` });
  expect(byKind.commune_plan.data).toEqual({ title: `Kế hoạch ${tag}`, adopted_on: day });
  expect(byKind.pilot_model.data).toEqual({ name: `Mô hình ${tag}` });
  expect(byKind.agency_integration.data).toEqual({
    agency_id: "ag-tu-phap", agency: "Phòng Tư pháp", programme: `Phổ biến pháp luật ${tag}`,
  });
});

test("a province officer records for the province and sees the admin's deadline", async ({ page, request }) => {
  const tag = `E2E-${Date.now().toString(36)}`;
  await setDeadline(request, 25);
  await signIn(page, "tinh");
  await hydrated(page);

  // The lead unit's own work belongs to the province unless a commune is chosen.
  await openNew(page, "media_post");
  const unit = page.locator('select[name="org_unit_id"]');
  await expect(unit).toHaveValue("ou-12");
  await expect(unit.locator("option").nth(1)).toHaveText("Tỉnh Lai Châu (12)");
  // Today's communes come next, and the units that closed after them.
  await expect(unit.locator("option").nth(2)).not.toContainText("đến");
  await expect(unit.locator("option", { hasText: "Huyện Tam Đường (106)" })).toHaveText("Huyện Tam Đường (106) · đến 30/06/2025");
  await page.selectOption('select[name="data.channel"]', "portal");
  await page.fill('input[name="data.title"]', `Tin bài huyện ${tag}`);
  await saveAndBack(page);

  // A commune's work: a business of Bình Lư, inspected, the inspection taking its commune.
  await openNew(page, "business");
  await expect(page.locator('select[name="org_unit_id"]')).toHaveValue("");
  await expect(page.locator('select[name="org_unit_id"] option[value="ou-12"]')).toHaveCount(0);
  await page.selectOption('select[name="org_unit_id"]', "ou-03390-20250701");
  await page.fill('input[name="data.name"]', `Nhà nghỉ ${tag}`);
  await page.selectOption('select[name="data.type"]', "guesthouse");
  await page.fill('input[name="data.workers"]', "2");
  await save(page);
  const businessId = new URL(page.url()).searchParams.get("id");
  await page.getByTestId("inspect-business").click();
  await expect(page.locator('select[name="data.business_id"]')).toHaveValue(businessId);
  await expect(page.locator('select[name="org_unit_id"]')).toHaveValue("ou-03390-20250701");
  await saveAndBack(page);

  await openNew(page, "tip_off");
  await page.fill('input[name="occurred_on"]', "2023-03-14");
  await expect(page.getByTestId("tip-off-deadline")).toHaveText(
    "Hạn xử lý: 08/04/2023 (25 ngày kể từ ngày tiếp nhận)",
  );

  await page.locator("nav.tabs").getByText("Đồng bộ").click();
  await page.getByTestId("sync-now").click();
  await expect(page.getByTestId("waiting-count")).toHaveText("0");
  const mine = (await serverRecords(page.request)).filter((r) => JSON.stringify(r.data).includes(tag));
  const byKind = Object.fromEntries(mine.map((r) => [r.kind, r]));
  expect(byKind.media_post.org_unit_id).toBe("ou-12");
  expect(byKind.business.org_unit_id).toBe("ou-03390-20250701");
  const inspection = (await serverRecords(page.request)).find(
    (r) => r.kind === "inspection" && r.data.business_id === businessId,
  );
  expect(inspection.org_unit_id).toBe("ou-03390-20250701");
  expect(inspection.data).toEqual({ business_id: businessId, violation_found: false });
});

test("the admin changes the tip-off deadline on the admin page", async ({ page }) => {
  await signIn(page, "admin");
  await open(page, "/admin", "admin");
  const current = async () => (await (await page.request.get("/api/v1/admin/settings")).json()).tip_off_deadline_days;
  const form = page.getByTestId("settings");
  const days = form.locator('input[name="tip_off_deadline_days"]');
  await expect(days).toHaveValue(String(await current()));
  await days.fill("400");
  await form.getByRole("button", { name: "Lưu" }).click();
  await expect(form.getByRole("alert")).toHaveText("Hãy nhập số ngày từ 1 đến 365.");
  await days.fill("30");
  await form.getByRole("button", { name: "Lưu" }).click();
  await expect(form.getByRole("status")).toHaveText("Đã lưu.");
  expect(await current()).toBe(30);
  await days.fill("20");
  await form.getByRole("button", { name: "Lưu" }).click();
  await expect(form.getByRole("status")).toHaveText("Đã lưu.");
  expect(await current()).toBe(20);
});
