// A commune officer's own progress offline (issue 16), on a 390×844 phone: online the dashboard
// shows the server's figures; offline the commune's figures are made on the phone from the
// records it holds, by the same definitions, marked "from this phone", and their numerators and
// denominators equal the server's for the same records; the district's indicators say "not
// applicable", and a note says which figures are counted differently; in Vietnamese and English.
// Needs the e2e server started with the demo accounts.
const { test, expect } = require("@playwright/test");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { swControls, signIn, open, reload, serverRecords } = require("./support");

const SHOTS = path.join(__dirname, "..", "screenshots");
const DISTRICT_ONLY = ["PCMD-TT02", "PCMD-KH02", "PCMD-MH01", "PCMD-TH01"];

const tab = (page, name) => page.locator("nav.tabs").getByText(name);
const card = (page, code) => page.locator(`[data-testid="indicator"][data-code="${code}"]`);

/// Today in Vietnam (UTC+7), as the app's clock has it.
function vietnamToday() {
  const now = new Date(Date.now() + 7 * 3600 * 1000);
  return { year: now.getUTCFullYear(), quarter: Math.floor(now.getUTCMonth() / 3) + 1 };
}

const record = (kind, unit, occurred_on, data) => ({
  id: crypto.randomUUID(),
  kind,
  org_unit_id: unit,
  occurred_on,
  base_version: 0,
  voided: false,
  data,
});

async function sync(page, records) {
  const response = await page.request.post("/api/v1/sync", {
    data: { device_id: crypto.randomUUID(), records },
  });
  expect(response.ok()).toBeTruthy();
  const { results } = await response.json();
  expect(results.map((r) => r.status)).toEqual(records.map(() => "applied"));
}

async function openPeriod(page, year, quarter) {
  await page.getByTestId("pick-year").selectOption(String(year));
  await page.getByTestId("pick-quarter").selectOption(String(quarter));
}

/// Each card's fraction as shown, `n/d …`, for the indicators that apply to a commune.
async function expectFractions(page, indicators) {
  for (const indicator of indicators) {
    const shown = card(page, indicator.code);
    if (DISTRICT_ONLY.includes(indicator.code)) {
      await expect(shown.getByTestId("fraction")).toHaveCount(0);
      continue;
    }
    await expect(shown.getByTestId("fraction")).toContainText(`${indicator.numerator}/${indicator.denominator}`);
  }
}

test("a commune officer offline sees the commune's figures made on the phone, equal to the server's", async ({
  page,
  context,
}) => {
  await signIn(page, "binhlu");
  await swControls(page);
  const me = (await (await page.request.get("/api/v1/me")).json()).officer;
  const unit = me.org_unit.id;
  // The first quarter holds this spec's January records; a later tip-off of another officer,
  // which this phone may not read (tip-offs are the recorder's), stays out of the comparison.
  const { year } = vietnamToday();
  const quarter = 1;
  const on = (month, day) => `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;

  // January's records, whatever today is: repeats that the new definitions count once.
  const karaoke = record("business", unit, on(1, 3), { name: "Karaoke Hoa Ban", type: "karaoke", workers: 6 });
  const students = { format: "school_session", audience: "students", reached_male: 15, reached_female: 15 };
  await sync(page, [
    karaoke,
    record("outreach_session", unit, on(1, 6), {
      format: "workplace_session", audience: "business_workers", reached_male: 4, reached_female: 4,
      business_id: karaoke.id,
    }),
    record("outreach_session", unit, on(1, 8), { ...students, reached_first_time: 30 }),
    record("outreach_session", unit, on(1, 9), { ...students, reached_first_time: 0 }),
    record("inspection", unit, on(1, 10), { business_id: karaoke.id, violation_found: false }),
    record("tip_off", unit, on(1, 4), {}),
    record("tip_off", unit, on(1, 5), { handled_on: on(1, 12) }),
    record("commune_plan", unit, on(1, 2), { title: "Kế hoạch PCMD", adopted_on: on(1, 2) }),
    record("training", unit, on(1, 7), {
      level: "commune", trainees: 5, trainees_male: 2, trainees_female: 3, trainees_first_time: 5,
    }),
    record("referral", unit, on(1, 11), {
      client_code: "MT1991F3", in_need_eligible: true, consent: true, service: "HIV_TEST",
      status: "accessed", accessed_on: on(1, 14),
    }),
  ]);

  // The phone pulls them with a sync (what it keeps: the officer's own of this year and the last,
  // and the register).
  await tab(page, "Đồng bộ").click();
  await page.getByTestId("sync-now").click();
  const readable = (await serverRecords(page.request, undefined, "phone")).length;
  await expect(page.getByTestId("count-synced")).toHaveText(String(readable), { timeout: 30_000 });

  // Online: the server's figures.
  const query = `year=${year}&quarter=${quarter}&org_unit=${unit}`;
  const api = await (await page.request.get(`/api/v1/indicators?${query}`)).json();
  expect(api.indicators).toHaveLength(12);
  await open(page, `/indicators?year=${year}&quarter=${quarter}`, "binhlu");
  await expect(page.getByTestId("figures-on-phone")).toHaveCount(0);
  await expect(page.getByTestId("indicator")).toHaveCount(12);
  await expectFractions(page, api.indicators);
  for (const code of DISTRICT_ONLY) {
    expect(api.indicators.find((i) => i.code === code).status).toBe("not_applicable");
    await expect(card(page, code).getByTestId("status")).toContainText("Không áp dụng cho cấp xã");
    await expect(card(page, code).locator("svg.bar")).toHaveCount(0);
    await expect(card(page, code).getByTestId("target")).toHaveCount(0);
  }
  const tt03 = api.indicators.find((i) => i.code === "PCMD-TT03");
  expect(tt03.numerator).toBeLessThanOrEqual(tt03.denominator);

  // The note on the figures counted anew, until closed.
  const note = page.getByTestId("counting-note");
  await expect(note).toContainText("Cách tính đã thay đổi");
  for (const code of ["TT02", "TT03", "TT04", "KH01", "MH01", "TG01", "HT01", "TH01, TH02"]) {
    await expect(note).toContainText(code);
  }
  await page.getByTestId("close-counting-note").click();
  await expect(note).toHaveCount(0);

  // No signal: within the app, then after a reload, the figures are the phone's own.
  await context.setOffline(true);
  await tab(page, "Hồ sơ").click();
  await tab(page, "Chỉ tiêu").click();
  await openPeriod(page, year, quarter);
  const phone = page.getByTestId("figures-on-phone");
  await expect(phone).toContainText("Tính trên máy này");
  await expect(phone.getByTestId("on-phone-others")).toContainText("Chưa gồm hồ sơ cán bộ khác ghi sau lần đồng bộ gần nhất");
  await expect(phone.getByTestId("on-phone-basis")).toContainText("lấy từ số liệu máy chủ lúc");
  await expect(page.getByTestId("figures-as-of")).toHaveCount(0);
  await expect(page.getByTestId("indicator")).toHaveCount(12);
  await expectFractions(page, api.indicators);
  await expect(card(page, "PCMD-TT02").getByTestId("status")).toContainText("Không áp dụng cho cấp xã");
  await expect(page.getByTestId("counting-note")).toHaveCount(0);

  await reload(page, "binhlu");
  await openPeriod(page, year, quarter);
  await expect(page.getByTestId("figures-on-phone")).toContainText("Tính trên máy này");
  await expectFractions(page, api.indicators);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, "dashboard-phone-390.png"), fullPage: true });

  // In English.
  await tab(page, "Cài đặt").click();
  await page.getByRole("button", { name: "English" }).click();
  await tab(page, "Indicators").click();
  await openPeriod(page, year, quarter);
  await expect(page.getByTestId("figures-on-phone")).toContainText("From this phone");
  await expect(page.getByTestId("on-phone-others")).toContainText("Records other officers made after the last sync");
  await expect(card(page, "PCMD-TT02").getByTestId("status")).toContainText("Not applicable to a commune");
  await expectFractions(page, api.indicators);
  await page.screenshot({ path: path.join(SHOTS, "dashboard-phone-390-en.png"), fullPage: true });

  // The note comes back in English on a phone where it was never closed.
  await page.evaluate(() => localStorage.removeItem("pcmd.note.counting_changed"));
  await tab(page, "Records").click();
  await tab(page, "Indicators").click();
  await expect(page.getByTestId("counting-note")).toContainText("How some figures are counted changed");

  // Back to Vietnamese for the other specs of this phone profile.
  await tab(page, "Settings").click();
  await page.getByRole("button", { name: "Tiếng Việt" }).click();
  await context.setOffline(false);
});
