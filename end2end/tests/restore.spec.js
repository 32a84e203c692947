// A bounded phone (issue 15): a district officer restores a wiped phone in a district whose server
// holds 50,000 records. The phone keeps only the officer's own records of this year and the last
// and the business register, so its storage stays far inside the browser's quota; a record typed
// while the restore runs is not lost. Needs the e2e server with the demo accounts.
const { test, expect } = require("@playwright/test");
const { hydrated, recordSession, serverRecords, signIn } = require("./support");

// Xã Bản Bo of the old district, whose records no other test reads.
const UNIT = "ou-03424";
const TOTAL = 50_000;
const KEPT_SESSIONS = 2_000;
const BUSINESSES = 300;

function record(n, kind, on) {
  // The same ids every run: filling a server twice stores nothing more.
  const id = `e2e15e2e-0000-4000-8000-${String(n).padStart(12, "0")}`;
  const data =
    kind === "business"
      ? { name: `Cơ sở ${n}`, type: "karaoke", workers: 3 }
      : { format: "leaflets", audience: "women", reached_male: n % 5, reached_female: n % 7 };
  return { id, kind, org_unit_id: UNIT, occurred_on: on, base_version: 0, voided: false, data };
}

/// The district officer's records: most of past years, some of last year, and the register.
async function fill(request) {
  const login = await (await request.post("/api/v1/auth/login", { data: { username: "huyen", password: "demo-huyen" } })).json();
  const headers = { Authorization: `Bearer ${login.token}` };
  const lastYear = new Date().getFullYear() - 1;
  const all = [];
  for (let n = 0; n < TOTAL; n++) {
    if (n < BUSINESSES) all.push(record(n, "business", "2023-01-05"));
    else if (n < BUSINESSES + KEPT_SESSIONS) all.push(record(n, "outreach_session", `${lastYear}-0${1 + (n % 6)}-1${n % 10}`));
    else all.push(record(n, "outreach_session", `${2023 + (n % 2)}-${String(1 + (n % 12)).padStart(2, "0")}-0${1 + (n % 9)}`));
  }
  const device_id = "0f5e7d3c-2b1a-4c9d-8e7f-6a5b4c3d2e1f";
  for (let i = 0; i < all.length; i += 500) {
    const answer = await request.post("/api/v1/sync", { headers, data: { device_id, records: all.slice(i, i + 500) } });
    expect(answer.ok()).toBeTruthy();
    const { results } = await answer.json();
    expect(results.every((r) => r.status === "applied" || r.status === "unchanged")).toBe(true);
  }
  return login.token;
}

/// Characters the app keeps in localStorage (keys and values: base64 and JSON, so bytes).
const stored = (page) => page.evaluate(() => Object.keys(localStorage).reduce((n, k) => n + k.length + localStorage.getItem(k).length, 0));

test("a wiped phone in a district of 50,000 records restores within its storage, and a record typed meanwhile stays", async ({ page, request }) => {
  test.setTimeout(240_000);
  const token = await fill(request);
  const everything = (await serverRecords(request, token)).length;
  expect(everything).toBeGreaterThanOrEqual(TOTAL);
  expect(everything).toBeLessThan(TOTAL + 1_000);

  // The restore is slowed down, so that the officer types while it runs.
  let pulls = 0;
  await page.route("**/api/v1/records?*", async (route) => {
    pulls += 1;
    await new Promise((done) => setTimeout(done, 700));
    return route.continue();
  });
  await signIn(page, "huyen");
  await hydrated(page);
  const village = `Bản Gõ Trong Lúc Tải ${Date.now() % 100_000}`;
  await recordSession(page, { village, on: "2025-03-03", unit: UNIT });
  // Among the records restored so far, whatever their number.
  await page.getByTestId("search").fill(village);
  const row = page.getByTestId("record-row").filter({ hasText: village });
  await expect(row).toHaveCount(1);
  await page.getByTestId("search").fill("");
  const pullsWhenTyped = pulls;

  // The restore ends with what the phone keeps, the typed record among it.
  await page.locator("nav.tabs").getByText("Đồng bộ").click();
  await expect.poll(async () => Number(await page.getByTestId("count-synced").textContent()), { timeout: 120_000 }).toBeGreaterThanOrEqual(KEPT_SESSIONS + BUSINESSES);
  await page.getByTestId("sync-now").click();
  await expect(page.getByTestId("count-waiting")).toHaveText("0");
  const kept = (await serverRecords(request, token, "phone")).length;
  await expect(page.getByTestId("count-synced")).toHaveText(String(kept));
  expect(kept).toBeLessThan(everything / 10);
  const size = await stored(page);
  console.log(`restore: ${everything} records on the server, ${kept} kept on the phone in ${pulls} pulls, ${size} characters of localStorage`);
  expect(size).toBeLessThan(2_500_000);
  expect(pulls, "the restore went on after the record was typed").toBeGreaterThan(pullsWhenTyped);
  const typed = (await serverRecords(request, token, "phone")).filter((r) => r.data.village === village);
  expect(typed).toHaveLength(1);
  // On the phone, among the thousands restored, it is found and synced.
  await page.locator("nav.tabs").getByText("Hồ sơ").click();
  await page.getByTestId("search").fill(village);
  await expect(row).toHaveAttribute("data-state", "synced");

  // An earlier year is looked at on the server, not kept; one record opens in its form.
  const older = page.getByTestId("older-on-server");
  const year = new Date().getFullYear() - 2;
  await older.locator('select[name="older-year"]').selectOption(String(year));
  await older.getByTestId("older-fetch").click();
  await expect(older.getByTestId("older-record")).toHaveCount(200);
  await expect(older.getByTestId("older-first")).toBeVisible();
  await older.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("older-on-server.png") });
  const first = older.getByTestId("older-record").first();
  const id = await first.getAttribute("data-id");
  await first.locator("button").click();
  await expect(page).toHaveURL(new RegExp(`/records/session\\?id=${id}$`));
  await expect(page.locator('input[name="occurred_on"]')).toHaveValue(new RegExp(`^${year}-`));
  expect(await stored(page)).toBeLessThan(2_500_000);
});
