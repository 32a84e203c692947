// Hostile text and a poison record (issue 13), on a 390×844 phone. A record the server cannot
// store: the other records of its batch are sent and stored once each, that record stays waiting
// with the error on the list, and it reaches the server on a later sync once the server takes it.
// The server's failure is made with `page.route`: every request carrying that one record's id is
// answered 500 as the server answers an internal error; every other request goes to the real
// server unchanged. Text typed decomposed is kept composed, and personal data typed into a record
// is refused on the phone, saying why. Needs the e2e server started with the demo accounts
// (`server serve --demo`).
const { test, expect } = require("@playwright/test");
const fs = require("fs");
const path = require("path");
const { hydrated, swControls, signIn, serverRecords } = require("./support");

const rowOf = (page, village) => page.getByTestId("record-row").filter({ hasText: village });
const tab = (page, name) => page.locator("nav.tabs").getByText(name);

/// Records an outreach session through the form and goes back to the list.
async function recordSession(page, village, male) {
  await page.getByTestId("new-session").click();
  await expect(page.locator('input[name="occurred_on"]')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
  await page.fill('input[name="data.village"]', village);
  await page.selectOption('select[name="data.format"]', "group_talk");
  await page.selectOption('select[name="data.audience"]', "women");
  await page.fill('input[name="data.reached_male"]', String(male));
  await page.fill('input[name="data.reached_female"]', "10");
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
}

/// This test's records on the server, by village, each with how many times it is held.
async function held(page, villages) {
  const records = (await serverRecords(page.request)).filter((r) => villages.includes(r.data.village));
  return records.map((r) => [r.data.village, r.version]).sort();
}

test("a record the server cannot store does not stop the other records of its batch", async ({ page, context }) => {
  // Names of this run only, so that the server's records of an earlier run are not counted.
  const run = Date.now().toString(36).slice(-5);
  const villages = ["Một", "Hai", "Ba", "Bốn", "Năm"].map((n) => `Bản Lỗi ${n} ${run}`);
  const poisonVillage = villages[1];
  const others = villages.filter((v) => v !== poisonVillage);
  await signIn(page, "binhlu");
  await hydrated(page);
  await swControls(page);
  await context.setOffline(true);
  // One village typed as some keyboards type Vietnamese, each letter then its marks: the phone
  // keeps it composed (NFC), the same text as the server stores.
  const typed = (village) => (village === villages[2] ? village.normalize("NFD") : village);
  expect(typed(villages[2])).not.toBe(villages[2]);
  for (const [i, village] of villages.entries()) await recordSession(page, typed(village), i + 1);
  await expect(page.getByTestId("waiting-count")).toHaveText("5");
  const shown = await rowOf(page, villages[2]).getByTestId("row-values").textContent();
  expect(shown).toContain(villages[2]);
  expect(shown).not.toContain(typed(villages[2]));
  const poison = await rowOf(page, poisonVillage).getAttribute("data-id");

  // What each sync request carried, and whether it was failed.
  const sent = [];
  const failOnPoison = async (route) => {
    const body = route.request().postData() || "";
    const ids = JSON.parse(body).records.map((r) => r.id);
    const failed = body.includes(poison);
    sent.push({ ids, failed });
    if (!failed) return route.continue();
    return route.fulfill({
      status: 500,
      contentType: "application/json",
      body: JSON.stringify({ error: { code: "internal", message: "Internal server error." } }),
    });
  };
  await page.route("**/api/v1/sync", failOnPoison);
  await context.setOffline(false);

  // The others arrive, once each; the one the server fails on waits, saying why.
  for (const village of others) await expect(rowOf(page, village)).toHaveAttribute("data-state", "synced");
  const poisonRow = rowOf(page, poisonVillage);
  await expect(poisonRow).toHaveAttribute("data-state", "waiting");
  await expect(poisonRow.getByTestId("row-state")).toHaveText("Chờ gửi");
  await expect(poisonRow.getByTestId("row-errors")).toHaveText(
    "Máy chủ gặp lỗi khi lưu hồ sơ này. Hồ sơ vẫn chờ gửi và sẽ được tự gửi lại sau. (HTTP 500)",
  );
  await expect(page.getByTestId("waiting-count")).toHaveText("1");
  expect(await held(page, villages)).toEqual(others.map((v) => [v, 1]).sort());
  // The first request carried the whole batch; the poison was then sent alone.
  expect(sent[0]).toEqual({ ids: expect.arrayContaining([poison]), failed: true });
  expect(sent[0].ids).toHaveLength(5);
  expect(sent.some((s) => s.failed && s.ids.length === 1 && s.ids[0] === poison)).toBe(true);
  // Every other record was sent in a request that reached the server.
  const reached = sent.filter((s) => !s.failed).flatMap((s) => s.ids);
  const otherIds = await Promise.all(others.map((v) => rowOf(page, v).getAttribute("data-id")));
  expect([...new Set(reached)].sort()).toEqual(otherIds.sort());

  const dir = path.join(__dirname, "..", "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  await poisonRow.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(dir, "poison-record-390x844.png") });

  // The sync page says that the others went and this one waits.
  await tab(page, "Đồng bộ").click();
  await expect(page.getByTestId("sync-problem")).toHaveText(
    "Máy chủ gặp lỗi với một số hồ sơ nên chưa nhận; các hồ sơ khác đã được gửi. Ứng dụng sẽ tự gửi lại sau; hồ sơ vẫn được giữ trên máy.",
  );
  await expect(page.getByTestId("count-waiting")).toHaveText("1");
  await page.screenshot({ path: path.join(dir, "poison-sync-390x844.png") });

  // The server takes it again: the next sync sends it, and nothing is stored twice.
  await page.unroute("**/api/v1/sync", failOnPoison);
  await page.getByTestId("sync-now").click();
  await expect(page.getByTestId("count-waiting")).toHaveText("0");
  await expect(page.getByTestId("sync-problem")).toHaveCount(0);
  await tab(page, "Hồ sơ").click();
  await expect(poisonRow).toHaveAttribute("data-state", "synced");
  await expect(poisonRow.getByTestId("row-errors")).toHaveCount(0);
  await expect(page.getByTestId("waiting-count")).toHaveText("0");
  expect(await held(page, villages)).toEqual(villages.map((v) => [v, 1]).sort());
});

test("personal data typed into a record is refused on the phone, saying why", async ({ page }) => {
  const why = "Có số điện thoại, số CMND/CCCD, e-mail hoặc họ tên: đây là thông tin cá nhân, không được ghi vào hồ sơ";
  await signIn(page, "binhlu");
  await hydrated(page);
  await page.getByTestId("new-session").click();
  await page.fill('input[name="data.village"]', "Bản Riêng Tư");
  await page.selectOption('select[name="data.format"]', "individual_counselling");
  await page.selectOption('select[name="data.audience"]', "women");
  await page.fill('input[name="data.reached_male"]', "0");
  await page.fill('input[name="data.reached_female"]', "1");
  const notes = page.locator('textarea[name="data.notes"]');
  const save = page.getByRole("button", { name: "Lưu", exact: true });
  for (const personal of ["Chị Lan, SĐT 0912 345 678", "CCCD 001 090 012 345", "lan.nguyen@gmail.com"]) {
    await notes.fill(personal);
    await save.click();
    await expect(page.locator('.field-error[data-for="data.notes"]')).toHaveText(why);
    await expect(page).toHaveURL(/\/records\/session/);
  }
  // What an officer really writes is kept.
  await notes.fill("Tư vấn 1 buổi ngày 01/07/2025, hỗ trợ 1.500.000 đồng theo 178/2004/NĐ-CP");
  await save.click();
  await expect(page).toHaveURL(/\/$/);
  await expect(rowOf(page, "Bản Riêng Tư")).toHaveAttribute("data-state", /waiting|synced/);
});
