// The indicators dashboard and the printable quarterly report (issue 7), on a 390×844 phone: the
// district officer's figures equal the server's, the commune table has a row per commune, the
// figures stay readable offline with their time, and the print page has the report's title,
// period and suppressed small counts. Needs the e2e server started with the demo accounts.
const { test, expect } = require("@playwright/test");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { hydrated, swControls, signIn, open } = require("./support");

// A past quarter of the plan's year, so that the figures no longer move with the clock.
const YEAR = 2023;
const QUARTER = 2;
const SHOTS = path.join(__dirname, "..", "screenshots");

const tab = (page, name) => page.locator("nav.tabs").getByText(name);
const card = (page, code) => page.locator(`[data-testid="indicator"][data-code="${code}"]`);

/// The dashboard's way of writing a value: a decimal comma, a no-break space before "%".
function shownValue(indicator) {
  if (indicator.value === null) return "—";
  const number = String(indicator.value).replace(".", ",");
  return indicator.unit === "percent" ? `${number}\u00a0%` : number;
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

/// Sends records as a phone would and expects each to be stored.
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

test("the district dashboard shows the server's figures, keeps them offline and prints", async ({
  page,
  context,
}) => {
  await signIn(page, "huyen");
  await swControls(page);
  const me = (await (await page.request.get("/api/v1/me")).json()).officer;
  const units = await (await page.request.get(`/api/v1/org-units?year=${YEAR}`)).json();
  const communes = units.filter((u) => u.level === "commune" && u.parent_id === me.org_unit.id);
  const byCode = (code) => communes.find((u) => u.code === code).id;
  // Khun Há gets a register of two businesses with one inspected: counts under 5 for PCMD-KT01.
  const [khunHa, banBo, taLeng] = ["03430", "03424", "03400"].map(byCode);
  const karaoke = record("business", khunHa, "2023-02-01", { name: "Karaoke Đồi Chè", type: "karaoke", workers: 6 });
  const inn = record("business", khunHa, "2023-02-02", { name: "Nhà nghỉ Bản Mới", type: "inn", workers: 3 });
  await sync(page, [
    karaoke,
    inn,
    record("inspection", khunHa, "2023-05-10", { business_id: karaoke.id, violation_found: false }),
    ...[khunHa, banBo, taLeng].map((unit, i) =>
      record("outreach_session", unit, `2023-04-1${i}`, {
        format: "workplace_session",
        audience: "business_workers",
        reached_male: 2 + i,
        reached_female: 3,
      }),
    ),
    record("referral", banBo, "2023-04-20", {
      client_code: "MT1990F7",
      in_need_eligible: true,
      consent: true,
      service: "HIV_TEST",
      status: "accessed",
      accessed_on: "2023-04-22",
    }),
  ]);

  const query = `year=${YEAR}&quarter=${QUARTER}&org_unit=${me.org_unit.id}`;
  const api = await (await page.request.get(`/api/v1/indicators?${query}&by=commune`)).json();
  expect(api.indicators).toHaveLength(12);

  await open(page, `/indicators?year=${YEAR}&quarter=${QUARTER}`, "huyen");
  await expect(page.getByTestId("indicator")).toHaveCount(12);
  for (const indicator of api.indicators) {
    const shown = card(page, indicator.code);
    await expect(shown.getByTestId("value")).toHaveText(shownValue(indicator));
    if (indicator.code !== "PCMD-TT02") {
      await expect(shown.getByTestId("fraction")).toContainText(`${indicator.numerator}/${indicator.denominator}`);
    }
  }
  const tt01 = api.indicators.find((i) => i.code === "PCMD-TT01");
  expect(tt01.numerator).toBeGreaterThanOrEqual(3);
  await expect(card(page, "PCMD-TT01").getByTestId("target")).toHaveText("Mục tiêu: ≥\u00a070\u00a0%");
  const statusText = { met: "Đạt", not_met: "Chưa đạt", no_data: "Chưa có số liệu", no_target: "Chưa có mục tiêu" };
  await expect(card(page, "PCMD-TT01").getByTestId("status")).toContainText(statusText[tt01.status]);

  const rows = page.getByTestId("commune-row");
  await expect(rows).toHaveCount(api.communes.length);
  expect(api.communes.length).toBe(communes.length);
  for (const commune of api.communes) {
    await expect(rows.filter({ hasText: commune.name })).toHaveCount(1);
  }
  // Progress by quarter: a line of the year's four quarters on each card.
  await expect(card(page, "PCMD-TT01").locator("svg.trend circle")).toHaveCount(4);

  // The links carry the small-count switch, on by default: a report leaves the district.
  await expect(page.getByTestId("download-csv")).toHaveAttribute("href", `/api/v1/reports/quarterly.csv?${query}&suppress=true`);
  await page.getByTestId("suppress").check();
  await expect(page.getByTestId("download-xlsx")).toHaveAttribute("href", `/api/v1/reports/quarterly.xlsx?${query}&suppress=true`);
  await expect(page.getByTestId("open-print")).toHaveAttribute("href", `/indicators/print?year=${YEAR}&quarter=${QUARTER}&suppress=true`);
  // The files come with the phone's own token (it keeps no cookie).
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-csv").click()]);
  expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  expect(fs.readFileSync(await csv.path(), "utf8")).toContain("PCMD-TT01");
  const [xlsx] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-xlsx").click()]);
  expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);

  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, "dashboard-390.png"), fullPage: true });
  await page.setViewportSize({ width: 320, height: 640 });
  await page.screenshot({ path: path.join(SHOTS, "dashboard-320.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });

  // No signal: leave the page and come back within the app; the kept figures show with their time.
  await context.setOffline(true);
  await tab(page, "Hồ sơ").click();
  await tab(page, "Chỉ tiêu").click();
  await openPeriod(page, YEAR, 1);
  await expect(page.getByTestId("figures-none")).toBeVisible();
  await openPeriod(page, YEAR, QUARTER);
  await expect(page.getByTestId("figures-as-of")).toContainText(/Số liệu lúc \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
  await expect(card(page, "PCMD-TT01").getByTestId("fraction")).toContainText(`${tt01.numerator}/${tt01.denominator}`);
  await expect(page.getByTestId("commune-row")).toHaveCount(api.communes.length);
  await context.setOffline(false);

  // The printable report, for outside the district: small commune counts are hidden.
  await open(page, `/indicators/print?year=${YEAR}&quarter=${QUARTER}&suppress=true`, "huyen");
  await expect(page.getByTestId("report-title")).toHaveText("BÁO CÁO");
  await expect(page.getByTestId("report-period")).toHaveText(`Quý ${QUARTER} năm ${YEAR}`);
  await expect(page.getByTestId("report")).toContainText("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  await expect(page.getByTestId("report")).toContainText("ỦY BAN NHÂN DÂN HUYỆN TAM ĐƯỜNG");
  await expect(page.getByTestId("report")).toContainText("TRƯỞNG PHÒNG");
  await expect(page.getByTestId("place-date")).toHaveText(/^Tam Đường, ngày \d{2} tháng \d{2} năm \d{4}$/);
  const khunHaRow = page.getByTestId("report-commune-row").filter({ hasText: "Khun Há" });
  await expect(khunHaRow).toContainText("<5");
  await expect(page.getByTestId("report-commune-row")).toHaveCount(api.communes.length);
  // "In báo cáo" opens the browser's print dialog.
  await page.evaluate(() => {
    window.printed = 0;
    window.print = () => window.printed++;
  });
  await page.getByTestId("print").click();
  expect(await page.evaluate(() => window.printed)).toBe(1);
  await page.screenshot({ path: path.join(SHOTS, "report-390.png") });
  await page.emulateMedia({ media: "print" });
  await expect(page.locator("nav.tabs")).toBeHidden();
  await expect(page.getByTestId("print")).toBeHidden();
  await page.emulateMedia({ media: "screen" });

  // Inside the district every figure shows.
  await open(page, `/indicators/print?year=${YEAR}&quarter=${QUARTER}&suppress=false`, "huyen");
  await expect(page.getByTestId("report-period")).toBeVisible();
  await expect(page.getByTestId("report-communes")).not.toContainText("<5");
});
