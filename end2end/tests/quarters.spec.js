// Quarters submitted, approved and locked (issue 16, part 4) on two 390×844 phones: the commune
// officer of Xã Bình Lư submits the last ended quarter, the province officer approves it, a
// record of that quarter arrives afterwards (a phone offline for weeks) and is listed to the
// approver as arrived after approval, the approver approves again, the commune asks in English
// for the quarter to be reopened, and the approver reopens it. Labels in Vietnamese, and in
// English for the commune's request. Needs the e2e server started with the demo accounts.
const { test, expect } = require("@playwright/test");
const crypto = require("crypto");
const path = require("path");
const { signIn, open, swControls } = require("./support");

const SHOTS = path.join(__dirname, "..", "screenshots");
const PHONE = { width: 390, height: 844 };

/// The last quarter that has ended, in Vietnam's calendar (the demo's communes of 2025 exist from
/// July 2025 on, so it is one of theirs).
function lastEndedQuarter() {
  const now = new Date(Date.now() + 7 * 3600 * 1000);
  const quarter = Math.floor(now.getUTCMonth() / 3);
  return quarter === 0 ? { year: now.getUTCFullYear() - 1, quarter: 4 } : { year: now.getUTCFullYear(), quarter };
}

const { year: YEAR, quarter: QUARTER } = lastEndedQuarter();
const LATE_DAY = `${YEAR}-${String((QUARTER - 1) * 3 + 1).padStart(2, "0")}-15`;

async function step(request, unit, name, comment) {
  const response = await request.post(`/api/v1/quarters/${unit}/${YEAR}/${QUARTER}/${name}`, {
    data: comment ? { comment } : {},
  });
  expect(response.ok(), `${name}: ${await response.text()}`).toBeTruthy();
}

/// Brings the quarter back to open, whatever an earlier run on this store left it in.
async function reset(commune, lead, unit) {
  const state = async () => {
    const list = await (await commune.get(`/api/v1/quarters?year=${YEAR}&org_unit=${unit}`)).json();
    return list.find((q) => q.quarter === QUARTER).state;
  };
  if ((await state()) === "submitted") await step(lead, unit, "return", "e2e reset");
  if ((await state()) === "approved") await step(commune, unit, "request-reopen", "e2e reset");
  if ((await state()) === "reopen_requested") await step(lead, unit, "reopen");
  expect(["open", "returned"]).toContain(await state());
}

test("a commune's quarter is submitted, approved, takes in a late record, and is reopened on request", async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const communePhone = await (await browser.newContext({ baseURL, viewport: PHONE })).newPage();
  const leadPhone = await (await browser.newContext({ baseURL, viewport: PHONE })).newPage();
  await signIn(communePhone, "binhlu");
  await swControls(communePhone);
  await signIn(leadPhone, "tinh");
  const me = (await (await communePhone.request.get("/api/v1/me")).json()).officer;
  const unit = me.org_unit.id;
  await reset(communePhone.request, leadPhone.request, unit);
  const row = (page) => page.getByTestId(`quarter-${unit}-${YEAR}-${QUARTER}`);
  const pick = async (page) => {
    await page.getByTestId("quarters-year").selectOption(String(YEAR));
    await expect(row(page)).toBeVisible();
  };

  // The commune submits.
  await open(communePhone, "/quarters", "binhlu");
  await expect(communePhone.getByRole("heading", { name: "Duyệt quý" })).toBeVisible();
  await pick(communePhone);
  await row(communePhone).getByRole("button", { name: "Gửi duyệt" }).click();
  await expect(row(communePhone)).toHaveAttribute("data-state", "submitted");
  await expect(row(communePhone)).toContainText("Đã gửi, chờ duyệt");
  await expect(row(communePhone)).toContainText("Đã cập nhật quý.");

  // The province officer approves.
  await open(leadPhone, "/quarters", "tinh");
  await pick(leadPhone);
  await expect(row(leadPhone)).toContainText("Đã gửi, chờ duyệt");
  await row(leadPhone).getByRole("button", { name: "Duyệt", exact: true }).click();
  await expect(row(leadPhone)).toHaveAttribute("data-state", "approved");
  await expect(row(leadPhone).getByTestId("approved-by")).toContainText("Đã duyệt bởi Cán bộ Sở Y tế tỉnh Lai Châu ngày");
  const figures = `/api/v1/indicators?year=${YEAR}&quarter=${QUARTER}&org_unit=${unit}`;
  const approved = await (await communePhone.request.get(figures)).json();
  expect(approved.approval.state).toBe("approved");

  // A record of that quarter arrives weeks later: stored, the approved figures unchanged, and
  // listed to the approver by kind and date.
  const late = {
    id: crypto.randomUUID(),
    kind: "outreach_session",
    org_unit_id: unit,
    occurred_on: LATE_DAY,
    base_version: 0,
    voided: false,
    data: { format: "group_talk", audience: "women", reached_male: 4, reached_female: 11 },
  };
  const synced = await communePhone.request.post("/api/v1/sync", {
    data: { device_id: crypto.randomUUID(), records: [late] },
  });
  expect((await synced.json()).results[0].status).toBe("applied");
  const frozen = await (await communePhone.request.get(figures)).json();
  expect(frozen.counts).toEqual(approved.counts);
  expect(frozen.indicators).toEqual(approved.indicators);

  await open(leadPhone, "/quarters", "tinh");
  await pick(leadPhone);
  const lateBox = row(leadPhone).getByTestId("late");
  await expect(lateBox).toContainText("1 hồ sơ đến sau khi duyệt");
  await expect(lateBox.getByRole("heading", { name: "Hồ sơ đến sau khi duyệt" })).toBeVisible();
  const [y, m, d] = LATE_DAY.split("-");
  await expect(lateBox.getByTestId("late-records")).toHaveText(`Buổi tuyên truyền · ngày ${d}/${m}/${y}`);
  await row(leadPhone).scrollIntoViewIfNeeded();
  await leadPhone.screenshot({ path: path.join(SHOTS, "quarters-approver-390.png") });
  await row(leadPhone).getByRole("button", { name: "Duyệt lại" }).click();
  await expect(row(leadPhone).getByTestId("late")).toHaveCount(0);
  await expect(row(leadPhone)).toHaveAttribute("data-state", "approved");
  const taken = await (await communePhone.request.get(figures)).json();
  expect(taken.counts).not.toEqual(approved.counts);

  // The commune's printed report is the approved figures, with who approved them and when.
  await open(communePhone, `/indicators/print?year=${YEAR}&quarter=${QUARTER}&suppress=true`, "binhlu");
  await expect(communePhone.getByTestId("approval")).toContainText("Đã duyệt bởi Cán bộ Sở Y tế tỉnh Lai Châu ngày");
  await communePhone.screenshot({ path: path.join(SHOTS, "quarters-print-approved-390.png") });
  await open(communePhone, "/quarters", "binhlu");

  // The commune asks, in English, for the quarter to be reopened.
  await communePhone.getByRole("link", { name: "Cài đặt" }).click();
  await communePhone.getByRole("button", { name: "English" }).click();
  await communePhone.getByTestId("open-quarters").click();
  await expect(communePhone.getByRole("heading", { name: "Quarters" })).toBeVisible();
  await pick(communePhone);
  await expect(row(communePhone)).toContainText("Approved");
  await row(communePhone).getByRole("button", { name: "Ask to reopen" }).click();
  await expect(row(communePhone)).toContainText("Write the reason.");
  await row(communePhone).getByLabel("Why it should be reopened").fill("A session of the month is missing");
  await row(communePhone).getByRole("button", { name: "Ask to reopen" }).click();
  await expect(row(communePhone)).toHaveAttribute("data-state", "reopen_requested");
  await expect(row(communePhone)).toContainText("Reopening requested");
  await expect(row(communePhone)).toContainText("The quarter was updated.");

  // The approver sees the reason and reopens; the figures are live again.
  await open(leadPhone, "/quarters", "tinh");
  await pick(leadPhone);
  await expect(row(leadPhone)).toContainText("Đang xin mở lại");
  await expect(row(leadPhone).getByTestId("quarter-comment")).toContainText("Lý do xin mở lại: A session of the month is missing");
  await row(leadPhone).getByRole("button", { name: "Mở lại" }).click();
  await expect(row(leadPhone)).toHaveAttribute("data-state", "open");
  await expect(row(leadPhone)).toContainText("Chưa gửi duyệt");
  const reopened = await (await communePhone.request.get(figures)).json();
  expect(reopened.approval).toBeUndefined();

  // Offline, the page says the steps need a network rather than failing silently.
  await communePhone.context().setOffline(true);
  await expect(communePhone.getByTestId("quarters-offline")).toContainText("needs a network");
  await communePhone.context().setOffline(false);
});
