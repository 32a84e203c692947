// The records list searches the phone's records as the officer types, offline, with or without
// Vietnamese marks, together with the other filters (issue 20).
const { test, expect } = require("@playwright/test");
const { recordSession, signIn } = require("./support");

const rows = (page) => page.getByTestId("record-row");

test("search finds a record offline by a word of its notes, typed without marks", async ({ page, context }) => {
  await signIn(page, "taleng");
  await recordSession(page, { village: "Bản Tìm Kiếm", male: 2, female: 7, notes: "Phát tờ rơi ở chợ phiên Sùng Phài" });
  const all = await rows(page).count();
  expect(all).toBeGreaterThan(1);

  await context.setOffline(true);
  const search = page.getByTestId("search");
  await search.fill("cho phien sung");
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText("Bản Tìm Kiếm");
  await page.screenshot({ path: test.info().outputPath("search-offline.png") });
  // With the other filters: not a referral.
  await page.locator("details.filters summary").click();
  await page.selectOption('select[name="kind"]', "referral");
  await expect(rows(page)).toHaveCount(0);
  await page.selectOption('select[name="kind"]', "");
  await expect(rows(page)).toHaveCount(1);
  await search.fill("không có từ này");
  await expect(rows(page)).toHaveCount(0);
  await expect(page.getByText("Không có hồ sơ nào phù hợp với bộ lọc.")).toBeVisible();
  await search.fill("");
  await expect(rows(page)).toHaveCount(all);
  await context.setOffline(false);
});
