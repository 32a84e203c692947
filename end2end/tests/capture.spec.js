// Offline capture (issue 4): an officer signs in, loses the network, records three outreach
// sessions and two referrals through the forms, reloads, and finds all five waiting with the values
// entered; invalid entries are refused with a message in Vietnamese, then in English.
// Needs the e2e server started with the demo accounts (`server serve --demo`).
const { test, expect } = require("@playwright/test");
const fs = require("fs");
const path = require("path");

const { foundInStorage, hydrated, swControls, signIn, reload } = require("./support");

/// A day relative to today in Vietnam (UTC+7), as the date input takes it and as the list shows it.
function day(offsetDays) {
  const iso = new Date(Date.now() + 7 * 3600e3 + offsetDays * 86400e3).toISOString().slice(0, 10);
  const [y, m, d] = iso.split("-");
  return { iso, vn: `${d}/${m}/${y}` };
}

/// Opens a new form from the list and waits until it is filled with its defaults.
async function openNew(page, which) {
  await page.getByTestId(`new-${which}`).click();
  await expect(page).toHaveURL(new RegExp(`/records/${which}`));
  await expect(page.locator('input[name="occurred_on"]')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
}

async function save(page, label = "Lưu") {
  await page.getByRole("button", { name: label, exact: true }).click();
}

async function fillSession(page, s) {
  if (s.date) await page.fill('input[name="occurred_on"]', s.date);
  await page.fill('input[name="data.village"]', s.village);
  await page.selectOption('select[name="data.format"]', s.format);
  await page.selectOption('select[name="data.audience"]', s.audience);
  await page.fill('input[name="data.reached_male"]', s.male);
  await page.fill('input[name="data.reached_female"]', s.female);
  await page.selectOption('select[name="data.language"]', s.language);
  await page.fill('input[name="data.organising_unit"]', "Hội Phụ nữ xã");
}

const fieldError = (page, field) => page.locator(`.field-error[data-for="${field}"]`);

test("sessions and referrals are captured offline and survive a reload", async ({ page, context }) => {
  await signIn(page, "binhlu", "demo-binhlu");
  await hydrated(page);
  await swControls(page);
  await context.setOffline(true);

  const today = day(0);
  const earlier = day(-3);
  const sessions = [
    { village: "Bản Nà Khum", format: "group_talk", audience: "women", male: "12", female: "30", language: "hmong",
      expect: "Bản Nà Khum · Nói chuyện chuyên đề, thảo luận nhóm · Phụ nữ · 42 người (nam 12, nữ 30)", date: null },
    { village: "Bản Tả Chải", format: "loudspeaker", audience: "general_public", male: "40", female: "45", language: "vi",
      expect: "Bản Tả Chải · Loa truyền thanh · Người dân · 85 người (nam 40, nữ 45)", date: null },
    { village: "Bản Nậm Đích", format: "school_session", audience: "students", male: "55", female: "61", language: "dao",
      expect: "Bản Nậm Đích · Tuyên truyền tại trường học · Học sinh THPT, học viên GDNN · 116 người (nam 55, nữ 61)",
      date: earlier.iso },
  ];
  for (const s of sessions) {
    await openNew(page, "session");
    await expect(page.locator(".date-vn")).toHaveText(today.vn);
    await fillSession(page, s);
    await save(page);
    await expect(page).toHaveURL(/\/$/);
  }

  // A new code made from the answers, which are then forgotten.
  await openNew(page, "referral");
  await page.getByRole("button", { name: "Tạo mã mới" }).click();
  const generator = page.getByTestId("code-generator");
  const answers = generator.locator('input[type="text"]');
  await answers.nth(0).fill("Nguyễn Thị Mai");
  await answers.nth(1).fill("Đặng Văn Tuấn");
  await answers.nth(2).fill("1990");
  await generator.locator("select").selectOption("female");
  await generator.getByRole("button", { name: "Tạo mã" }).click();
  await expect(page.locator('input[name="data.client_code"]')).toHaveValue("MT1990F7");
  await expect(generator).toBeHidden();
  for (let i = 0; i < 3; i++) await expect(answers.nth(i)).toHaveValue("");
  await page.selectOption('select[name="data.age_band"]', "25_34");
  await page.selectOption('select[name="data.sex"]', "female");
  await page.check('input[name="data.in_need_eligible"]');
  await page.check('input[name="data.consent"]');
  await page.selectOption('select[name="data.service"]', "HIV_TEST");
  await page.fill('input[name="data.receiving_org"]', "Trung tâm Y tế huyện");
  await save(page);
  // The new referral's slip, full screen, to hand over.
  await expect(page.getByTestId("slip-code")).toHaveText(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
  await page.getByTestId("close-slip").click();
  await expect(page).toHaveURL(/\/$/);

  // A known code typed by hand: a typo is caught, the right code is accepted in any case.
  await openNew(page, "referral");
  await page.fill('input[name="data.client_code"]', "MT1909F7");
  await page.check('input[name="data.in_need_eligible"]');
  await page.check('input[name="data.consent"]');
  await page.selectOption('select[name="data.service"]', "LEGAL");
  await page.selectOption('select[name="data.status"]', "accessed");
  await page.fill('input[name="data.accessed_on"]', today.iso);
  await save(page);
  await expect(fieldError(page, "data.client_code")).toHaveText("Mã bị gõ sai: ký tự kiểm tra không khớp");
  await expect(page).toHaveURL(/\/records\/referral/);
  await page.fill('input[name="data.client_code"]', "mt-1990-f7");
  await save(page);
  await page.getByTestId("close-slip").click();
  await expect(page).toHaveURL(/\/$/);

  // Nothing of the answers reached the phone's storage.
  expect(await foundInStorage(page, ["Nguyễn Thị Mai", "Đặng Văn Tuấn", "Nguyễn", "Tuấn"])).toEqual([]);

  // Offline, the reloaded app opens with the PIN.
  await reload(page, "binhlu");
  // The commune's synced records (the demo's) are listed too: these are the waiting ones.
  const rows = page.locator('[data-testid="record-row"][data-state="waiting"]');
  await expect(rows).toHaveCount(5);
  await expect(page.getByTestId("waiting-count")).toHaveText("5");
  for (const row of await rows.all()) await expect(row.getByTestId("row-state")).toHaveText("Chờ gửi");
  for (const s of sessions) {
    const row = rows.filter({ hasText: s.expect });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(s.date ? earlier.vn : today.vn);
    await expect(row.locator(".row-unit")).toHaveText("Xã Bình Lư");
  }
  await expect(rows.filter({ hasText: "MT1990F7 · Xét nghiệm HIV (kể cả tự xét nghiệm) · Đã giới thiệu" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "MT1990F7 · Tư vấn/trợ giúp pháp lý · Đã tiếp cận dịch vụ" })).toHaveCount(1);
  // The oldest row is last; the list is newest first.
  await expect(rows.last()).toContainText("Bản Nậm Đích");

  // Opened again, a record shows what was entered.
  await rows.filter({ hasText: "Bản Tả Chải" }).click();
  await expect(page.locator('input[name="data.reached_female"]')).toHaveValue("45");
  await expect(page.locator('select[name="data.format"]')).toHaveValue("loudspeaker");
  await page.getByRole("link", { name: "Về danh sách hồ sơ" }).click();
  await expect(rows).toHaveCount(5);

  const dir = path.join(__dirname, "..", "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, "capture-list-390x844.png") });

  // Invalid entries: a message beside the field, in Vietnamese and then in English, and nothing
  // saved (the draft is discarded to leave the list as it was).
  const languages = [
    { save: "Lưu", discard: "Bỏ bản nháp", negative: "Không được là số âm", future: "Không được sau ngày hôm nay",
      consent: "Cần có sự đồng ý của người được hỗ trợ" },
    { save: "Save", discard: "Discard draft", negative: "Must not be negative", future: "Must not be in the future",
      consent: "The person's consent is required" },
  ];
  for (const lang of languages) {
    if (lang.save === "Save") {
      await page.locator("nav.tabs").getByText("Cài đặt").click();
      await page.getByRole("button", { name: "English" }).click();
      await page.locator("nav.tabs").getByText("Records").click();
    }
    await openNew(page, "session");
    await fillSession(page, { ...sessions[0], male: "-3", date: day(7).iso });
    await save(page, lang.save);
    await expect(fieldError(page, "data.reached_male")).toHaveText(lang.negative);
    await expect(fieldError(page, "occurred_on")).toHaveText(lang.future);
    await expect(page).toHaveURL(/\/records\/session/);
    await page.getByRole("button", { name: lang.discard }).click();
    await expect(page).toHaveURL(/\/$/);

    await openNew(page, "referral");
    await page.fill('input[name="data.client_code"]', "MT1990F7");
    await page.check('input[name="data.in_need_eligible"]');
    await page.selectOption('select[name="data.service"]', "CONDOM");
    await save(page, lang.save);
    await expect(fieldError(page, "data.consent")).toHaveText(lang.consent);
    await expect(page).toHaveURL(/\/records\/referral/);
    await page.getByRole("button", { name: lang.discard }).click();
    await expect(page).toHaveURL(/\/$/);

    await expect(rows).toHaveCount(5);
    await expect(page.getByTestId("waiting-count")).toHaveText("5");
  }
  // The context closes offline: coming back online would sync these records (sync.spec.js).
});

test("a full storage keeps what was typed and everything already saved", async ({ page }) => {
  await signIn(page, "tinh");
  await hydrated(page);
  // A province officer chooses the commune, from the list fetched at sign-in.
  await openNew(page, "session");
  const commune = page.locator('select[name="org_unit_id"]');
  await expect(commune.locator("option")).not.toHaveCount(1);
  const communeId = await commune.locator("option", { hasText: "Xã Bình Lư (03390)" }).getAttribute("value");
  await commune.selectOption(communeId);
  await fillSession(page, { village: "Bản Sin Chải", format: "leaflets", audience: "youth", male: "8", female: "9", language: "vi" });
  await save(page);
  // Records synced by colleagues may be restored beside it: count only this officer's own.
  await expect(page.getByTestId("record-row").filter({ hasText: "Bản Sin Chải" })).toHaveCount(1);

  // Fill the rest of the browser's storage.
  const filled = await page.evaluate(() => {
    let chunk = "x".repeat(1 << 20);
    let n = 0;
    while (chunk.length > 0) {
      try {
        localStorage.setItem(`junk.${n++}`, chunk);
      } catch (e) {
        chunk = chunk.slice(0, chunk.length >> 1);
      }
    }
    return n;
  });
  expect(filled).toBeGreaterThan(1);

  await openNew(page, "session");
  const full = "Bộ nhớ trên máy đã đầy nên chưa lưu được";
  await page.locator('select[name="org_unit_id"]').selectOption(communeId);
  await expect(page.getByTestId("form-problem")).toContainText(full);
  await fillSession(page, { village: "Bản Hon", format: "group_talk", audience: "women", male: "1", female: "2", language: "vi" });
  await save(page);
  await expect(page.getByTestId("form-problem")).toContainText(full);
  await expect(page).toHaveURL(/\/records\/session/);
  await expect(page.locator('input[name="data.village"]')).toHaveValue("Bản Hon");

  // Room again: the same form saves, and the first record is still there.
  await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("junk.")).forEach((k) => localStorage.removeItem(k)));
  await save(page);
  await expect(page).toHaveURL(/\/$/);
  const rows = page.getByTestId("record-row");
  await expect(rows.filter({ hasText: "Bản Sin Chải" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "Bản Hon" })).toHaveCount(1);
  await expect(page.getByTestId("waiting-count")).toHaveText("2");
});
