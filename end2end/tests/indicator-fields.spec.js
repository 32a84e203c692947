// The fields the indicators' definitions read (issue 16), on a 390×844 phone: a commune officer,
// offline, records a session at a business picked from the register on the phone (PCMD-TT03), a
// school session with how many were reached for the first time (PCMD-TT04), a training with its
// first-time trainees (TH01) and a pilot model that ended (MH01). A business picked and then hidden
// by a change of audience is not sent; a first-time count above the total is refused at its field,
// in Vietnamese and in English. Once online the server holds each field. The forms are axe-clean
// and fit a 320 px screen. Needs the e2e server started with the demo accounts.
const fs = require("fs");
const path = require("path");
const { test, expect } = require("@playwright/test");
const { hydrated, swControls, signIn, serverRecords } = require("./support");

const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// What axe finds on the page as it stands, one line per rule.
async function violations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }, TAGS);
}

/// Whether the page needs no sideways scrolling at a 320 px width.
async function fits320(page) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: size.height });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize(size);
  return wide <= 320;
}

/// Opens the form of `kind` from the list, without a page load (it works offline).
async function openNew(page, kind) {
  await page.locator("nav.tabs").getByText(/^(Hồ sơ|Records)$/).click();
  await expect(page).toHaveURL(/\/$/);
  const direct = page.getByTestId(`new-${kind}`);
  if (!(await direct.isVisible())) await page.getByTestId("new-other").locator("summary").click();
  await direct.click();
  await expect(page.locator('input[name="occurred_on"]')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
}

async function saveAndBack(page, label = "Lưu") {
  await page.getByRole("button", { name: label, exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
}

const fieldError = (page, field) => page.locator(`.field-error[data-for="${field}"]`);
const picker = (page) => page.locator('select[name="data.business_id"]');
const firstTime = (page) => page.locator('input[name="data.reached_first_time"]');

test.setTimeout(180_000);

test("sessions name their business and first-time counts offline, and they arrive", async ({ page, context }) => {
  const tag = `E2E-${Date.now().toString(36)}`;
  await signIn(page, "binhlu");
  await hydrated(page);
  await swControls(page);
  // The register comes down with the first sync after signing in.
  await page.locator("nav.tabs").getByText("Đồng bộ").click();
  await expect(page.getByTestId("last-synced")).toContainText("Lần đồng bộ gần nhất", { timeout: 20_000 });
  await page.waitForFunction(() => Object.keys(localStorage).some((key) => key.endsWith(".units")));
  const business = (await serverRecords(page.request)).find(
    (r) => r.kind === "business" && !r.voided && r.org_unit_id === "ou-03390-20250701",
  );
  expect(business, "the demo registers businesses in Bình Lư").toBeTruthy();
  await context.setOffline(true);

  // A session for a business's workers: the picker appears with the audience, from the register.
  await openNew(page, "session");
  await page.fill('input[name="data.village"]', `Bản ${tag}`);
  await page.selectOption('select[name="data.format"]', "workplace_session");
  await expect(picker(page)).toHaveCount(0);
  await page.selectOption('select[name="data.audience"]', "business_workers");
  await expect(page.getByLabel("Cơ sở kinh doanh nơi tuyên truyền")).toBeVisible();
  await expect(page.getByTestId("add-business")).toHaveCount(0);
  await expect(firstTime(page)).toHaveCount(0);
  await picker(page).selectOption(business.id);
  await expect(picker(page).locator("option:checked")).toContainText(business.data.name);
  await page.fill('input[name="data.reached_male"]', "3");
  await page.fill('input[name="data.reached_female"]', "5");
  // Hidden by another audience and back: the choice is kept.
  await page.selectOption('select[name="data.audience"]', "women");
  await expect(picker(page)).toHaveCount(0);
  await page.selectOption('select[name="data.audience"]', "business_workers");
  await expect(picker(page)).toHaveValue(business.id);
  await picker(page).scrollIntoViewIfNeeded();
  const dir = path.join(__dirname, "..", "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, "session-business-390x844.png") });
  expect(await violations(page)).toEqual([]);
  expect(await fits320(page)).toBe(true);
  await saveAndBack(page);

  // A school session, begun as a workplace one: the business picked first is not sent.
  await openNew(page, "session");
  await page.fill('input[name="data.village"]', `Trường ${tag}`);
  await page.selectOption('select[name="data.format"]', "school_session");
  await page.selectOption('select[name="data.audience"]', "business_workers");
  await picker(page).selectOption(business.id);
  await page.selectOption('select[name="data.audience"]', "students");
  await expect(picker(page)).toHaveCount(0);
  await expect(page.getByLabel("Số người được tuyên truyền lần đầu trong năm")).toBeVisible();
  await expect(page.locator(".field", { has: firstTime(page) }).locator(".hint")).toContainText("chỉ tính một lần");
  await page.fill('input[name="data.reached_male"]', "20");
  await page.fill('input[name="data.reached_female"]', "25");
  await firstTime(page).fill("46");
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await expect(fieldError(page, "data.reached_first_time")).toHaveText("Không được lớn hơn tổng số");
  await expect(page.getByTestId("form-problem")).toBeVisible();
  expect(await violations(page)).toEqual([]);
  expect(await fits320(page)).toBe(true);
  await firstTime(page).fill("30");
  await expect(fieldError(page, "data.reached_first_time")).toHaveCount(0);
  await saveAndBack(page);

  // A pilot model that ended today, the day it started.
  await openNew(page, "pilot_model");
  const today = await page.locator('input[name="occurred_on"]').inputValue();
  await page.fill('input[name="data.name"]', `Mô hình ${tag}`);
  await expect(page.getByLabel("Ngày kết thúc (để trống nếu còn hoạt động)")).toHaveValue("");
  await page.fill('input[name="data.ended_on"]', today);
  expect(await violations(page)).toEqual([]);
  await saveAndBack(page);

  // In English: a training's first-time trainees, refused above the total, then saved.
  await page.locator("nav.tabs").getByText("Cài đặt").click();
  await page.getByRole("button", { name: "English" }).click();
  await openNew(page, "training");
  await page.fill('input[name="data.course"]', `Course ${tag}`);
  await page.selectOption('select[name="data.level"]', "commune");
  await page.fill('input[name="data.trainees_male"]', "3");
  await page.fill('input[name="data.trainees_female"]', "5");
  await page.getByLabel("Officials trained for the first time this year").fill("9");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(fieldError(page, "data.trainees_first_time")).toHaveText("Must not exceed the total");
  expect(await violations(page)).toEqual([]);
  await page.fill('input[name="data.trainees_first_time"]', "4");
  await saveAndBack(page, "Save");
  await expect(page.getByTestId("waiting-count")).toHaveText("4");

  // Online: they go up by themselves, each with its new field.
  await context.setOffline(false);
  await expect(page.getByTestId("waiting-count")).toHaveText("0", { timeout: 20_000 });
  const mine = (await serverRecords(page.request)).filter((r) => JSON.stringify(r.data).includes(tag));
  expect(mine).toHaveLength(4);
  const workplace = mine.find((r) => r.data.village === `Bản ${tag}`);
  expect(workplace.data).toMatchObject({ audience: "business_workers", business_id: business.id, reached_male: 3, reached_female: 5 });
  expect(workplace.data).not.toHaveProperty("reached_first_time");
  const school = mine.find((r) => r.data.village === `Trường ${tag}`);
  expect(school.data).toMatchObject({ audience: "students", reached_first_time: 30, reached_male: 20, reached_female: 25 });
  expect(school.data).not.toHaveProperty("business_id");
  const model = mine.find((r) => r.kind === "pilot_model");
  expect(model.data).toEqual({ name: `Mô hình ${tag}`, ended_on: today });
  expect(model.occurred_on).toBe(today);
  const training = mine.find((r) => r.kind === "training");
  expect(training.data).toEqual({
    course: `Course ${tag}`, level: "commune", trainees: 8, trainees_male: 3, trainees_female: 5, trainees_first_time: 4,
  });
});
