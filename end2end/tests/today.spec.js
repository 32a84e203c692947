// Today's Vietnam (since 1 July 2025 there is no district level): on a 390×844 phone the demo's
// province officer and a commune officer of a current commune see this year's figures against the
// province's plan, a district officer of 2023 is told that the district closed, and an admin
// starts next year's plan from this year's (targets to confirm until confirmed).
const { test, expect } = require("@playwright/test");
const path = require("path");
const { signIn, open } = require("./support");

const SHOTS = path.join(__dirname, "..", "screenshots");
const YEAR = new Date().getFullYear();
const cards = (page) => page.getByTestId("indicator");

/// The cards whose status says met or not met: a figure measured against a target.
async function measured(page) {
  await expect(cards(page)).toHaveCount(12);
  const statuses = await cards(page).evaluateAll((all) => all.map((c) => c.className));
  return statuses.filter((c) => /\b(met|not-met)\b/.test(c)).length;
}

/// The values on the cards that are a number above zero.
async function living(page) {
  const values = await page.getByTestId("value").allTextContents();
  return values.filter((v) => /[1-9]/.test(v)).length;
}

test("the province officer's dashboard of this year shows figures against the province's plan", async ({ page }) => {
  await signIn(page, "tinh");
  await expect(page.getByTestId("place")).toHaveText("Tỉnh Lai Châu");
  await open(page, "/indicators", "tinh");
  await expect(page.getByTestId("plan")).toContainText(`Kế hoạch phòng, chống mại dâm năm ${YEAR} trên địa bàn tỉnh Lai Châu`);
  await expect(page.getByTestId("plan")).toContainText("Sở Y tế tỉnh Lai Châu");
  expect(await measured(page)).toBeGreaterThanOrEqual(8);
  expect(await living(page)).toBeGreaterThanOrEqual(8);
  // Each of today's communes has its row.
  await expect(page.locator(".by-commune tbody tr")).toHaveCount(6);
  await page.screenshot({ path: path.join(SHOTS, "dashboard-province-390.png"), fullPage: true });

  // The year of the district, by today's communes: each names the old communes it is made of.
  await page.getByTestId("pick-year").selectOption("2023");
  await expect(page.locator(".by-commune tbody tr")).toHaveCount(13);
  await page.getByTestId("today-units").locator("input").check();
  await expect(page.locator(".by-commune tbody tr")).toHaveCount(6);
  const binhLu = page.getByTestId("commune-row").filter({ hasText: "Xã Sơn Bình" });
  await expect(binhLu.getByTestId("row-mapped-from")).toHaveText("gồm Thị trấn Tam Đường, Xã Bình Lư, Xã Sơn Bình");

  await open(page, "/settings", "tinh");
  await expect(page.getByTestId("officer")).toContainText("Cán bộ cấp tỉnh · Tỉnh Lai Châu");
});

test("a commune officer of a current commune sees their commune's figures of this year", async ({ page }) => {
  await signIn(page, "binhlu");
  await open(page, "/indicators", "binhlu");
  await expect(page.getByTestId("plan")).toContainText("UBND tỉnh Lai Châu");
  expect(await measured(page)).toBeGreaterThanOrEqual(4);
  expect(await living(page)).toBeGreaterThanOrEqual(4);
  await expect(page.getByTestId("unit-closed")).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, "dashboard-commune-390.png"), fullPage: true });
});

test("the district officer of 2023 is told the district closed, and no plan covers it today", async ({ page }) => {
  await signIn(page, "huyen");
  await expect(page.getByTestId("unit-closed")).toContainText("Huyện Tam Đường đã ngừng hoạt động sau ngày 30/06/2025");
  await open(page, "/indicators", "huyen");
  // No plan was made for 2024, the last year before the reform.
  await page.getByTestId("pick-year").selectOption("2024");
  await expect(page.getByTestId("no-plan")).toContainText("Chưa có kế hoạch năm 2024");
  await page.getByTestId("pick-year").selectOption("2023");
  await expect(page.getByTestId("plan")).toContainText("UBND huyện Tam Đường");
});

test("an admin starts next year's plan from this year's and confirms its targets", async ({ page }) => {
  await signIn(page, "admin");
  await open(page, "/admin/targets", "admin");
  const plan = page.locator(`[data-testid="plan-card"][data-plan="plan-ou-12-${YEAR}"]`);
  await expect(plan.getByTestId("plan-state")).toHaveText("Đã xác nhận");
  await plan.getByTestId("copy-plan").click();
  await expect(plan.getByRole("status")).toHaveText("Đã lưu.");

  const year = page.locator('label.inline input[type="number"]');
  await year.fill(String(YEAR + 1));
  await year.dispatchEvent("change");
  const next = page.locator(`[data-testid="plan-card"][data-plan="plan-ou-12-${YEAR + 1}"]`);
  await expect(next).toContainText(`Kế hoạch phòng, chống mại dâm năm ${YEAR + 1} trên địa bàn tỉnh Lai Châu`);
  await expect(next.getByTestId("plan-state")).toHaveText("Chờ xác nhận");
  await expect(next.getByTestId("target-to-confirm")).toHaveCount(12);
  await expect(next.getByTestId("target-PCMD-KT01").locator('input[inputmode="decimal"]')).toHaveValue("70");
  await page.screenshot({ path: path.join(SHOTS, "plan-to-confirm-390.png"), fullPage: true });

  await next.getByTestId("confirm-plan").click();
  await expect(next.getByTestId("plan-state")).toHaveText("Đã xác nhận");
  await expect(next.getByTestId("target-to-confirm")).toHaveCount(0);
});
