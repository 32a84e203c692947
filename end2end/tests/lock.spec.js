// The phone keeps officers' records locked (issue 11), at 390×844: a PIN after the first password
// sign-in, nothing readable in localStorage, a wrong PIN refused, two officers sharing one phone
// offline, five wrong PINs then the password, sign-out that keeps only unsent records, the idle
// lock, and a disabled account. Needs the e2e server with the demo accounts.
const { test, expect } = require("@playwright/test");
const fs = require("fs");
const path = require("path");
const { DEMO, PIN, foundInStorage, hydrated, swControls, locked, signIn, passwordSignIn, typePin, unlock, serverRecords } = require("./support");

const SHOTS = path.join(__dirname, "..", "screenshots");
const tab = (page, name) => page.locator("nav.tabs").getByText(name);
const rows = (page) => page.getByTestId("record-row");
const rowOf = (page, text) => rows(page).filter({ hasText: text });
const storageText = (page) => page.evaluate(() => JSON.stringify({ ...localStorage }));

async function openNew(page, which) {
  await page.getByTestId(`new-${which}`).click();
  await expect(page.locator('input[name="occurred_on"]')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
}

async function recordSession(page, village, notes) {
  await openNew(page, "session");
  await page.fill('input[name="data.village"]', village);
  await page.selectOption('select[name="data.format"]', "group_talk");
  await page.selectOption('select[name="data.audience"]', "women");
  await page.fill('input[name="data.reached_male"]', "3");
  await page.fill('input[name="data.reached_female"]', "11");
  await page.selectOption('select[name="data.language"]', "vi");
  if (notes) await page.fill('[name="data.notes"]', notes);
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
}

/// A referral with a code made from the answers; gives the code.
async function recordReferral(page) {
  await openNew(page, "referral");
  await page.getByRole("button", { name: "Tạo mã mới" }).click();
  const generator = page.getByTestId("code-generator");
  const answers = generator.locator('input[type="text"]');
  await answers.nth(0).fill("Hà Thị Yến");
  await answers.nth(1).fill("Lý Văn Páo");
  await answers.nth(2).fill("1988");
  await generator.locator("select").selectOption("female");
  await generator.getByRole("button", { name: "Tạo mã" }).click();
  const code = await page.locator('input[name="data.client_code"]').inputValue();
  expect(code).toMatch(/^[A-Z0-9]{6,}$/);
  await page.selectOption('select[name="data.age_band"]', "25_34");
  await page.selectOption('select[name="data.sex"]', "female");
  await page.check('input[name="data.in_need_eligible"]');
  await page.check('input[name="data.consent"]');
  await page.selectOption('select[name="data.service"]', "HIV_TEST");
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await page.getByTestId("close-slip").click();
  await expect(page).toHaveURL(/\/$/);
  return code;
}

async function lockNow(page) {
  await tab(page, "Cài đặt").click();
  await page.getByTestId("lock-now").click();
  await locked(page);
}

async function token(request, username, password = DEMO[username]) {
  const response = await request.post("/api/v1/auth/login", { data: { username, password } });
  expect(response.ok()).toBeTruthy();
  return (await response.json()).token;
}

test("records entered offline are unreadable in storage and open with the right PIN only", async ({ page, context }) => {
  const tag = Date.now().toString(36);
  const village = `Bản Kín ${tag}`;
  const notes = `Ghi chú riêng ${tag}`;
  await signIn(page, "binhlu");
  await swControls(page);
  await context.setOffline(true);
  await recordSession(page, village, notes);
  const code = await recordReferral(page);
  await expect(page.getByTestId("waiting-count")).toHaveText("2");

  // Searched as text, and in the decoded payloads too (not merely encoded).
  const stored = await storageText(page);
  for (const typed of [village, notes, "Bản Kín"]) expect(stored).not.toContain(typed);
  expect(await foundInStorage(page, [village, notes, code, `Kín ${tag}`, "Hà Thị Yến"])).toEqual([]);
  // Every item of the officer is sealed; only the wrapped keys and who uses the phone are readable.
  const items = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith("pcmd.outbox.") || k.startsWith("pcmd.indicators."))
      .map((k) => localStorage.getItem(k)),
  );
  expect(items.length).toBeGreaterThanOrEqual(3);
  for (const item of items) expect(item.startsWith("e1:")).toBe(true);

  // Offline, a reload asks for the PIN; a wrong one is refused.
  await page.reload();
  await hydrated(page);
  await locked(page);
  await expect(page.locator("h1")).toHaveText("Mở ứng dụng");
  await expect(page.locator("nav.tabs")).toHaveCount(0);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, "lock-390x844.png") });
  // The app's own message, not the browser's (English) form validation; it counts no try.
  await typePin(page, "binhlu", "12");
  await expect(page.getByTestId("pin-problem")).toHaveText("Mã PIN phải gồm đúng 6 chữ số.");
  await typePin(page, "binhlu", "000000");
  await expect(page.getByTestId("pin-problem")).toHaveText("Mã PIN không đúng. Số lần thử còn lại: 4");
  await expect(rows(page)).toHaveCount(0);
  await unlock(page, "binhlu");
  // Records of earlier tests may have come down at sign-in: these two are the ones waiting.
  await expect(page.locator('[data-testid="record-row"][data-state="waiting"]')).toHaveCount(2);
  await expect(rowOf(page, village)).toHaveCount(1);
  await expect(rowOf(page, code)).toHaveCount(1);
  await context.setOffline(false);
});

test("two officers share a phone, each offline with their own PIN and only their own records", async ({ page, context }) => {
  const tag = Date.now().toString(36);
  await signIn(page, "binhlu");
  await swControls(page);
  await context.setOffline(true);
  await recordSession(page, `Bản Bình Lư ${tag}`);
  await context.setOffline(false);

  // The second officer signs in online once, from the lock screen.
  await lockNow(page);
  await passwordSignIn(page, "taleng");
  await expect(page.getByTestId("place")).toHaveText("Xã Tả Lèng");
  await context.setOffline(true);
  await recordSession(page, `Tổ Thị Trấn ${tag}`);

  for (const [who, own, other] of [
    ["binhlu", `Bản Bình Lư ${tag}`, `Tổ Thị Trấn ${tag}`],
    ["taleng", `Tổ Thị Trấn ${tag}`, `Bản Bình Lư ${tag}`],
    ["binhlu", `Bản Bình Lư ${tag}`, `Tổ Thị Trấn ${tag}`],
  ]) {
    await lockNow(page);
    await expect(page.getByTestId("known-officer")).toHaveCount(2);
    await unlock(page, who);
    // The app opens where it was locked (Settings).
    await expect(page).toHaveURL(/\/settings$/);
    await tab(page, "Hồ sơ").click();
    await expect(rowOf(page, own)).toHaveCount(1);
    await expect(rowOf(page, other)).toHaveCount(0);
  }
  await page.screenshot({ path: path.join(SHOTS, "lock-two-officers-390x844.png") });
  await context.setOffline(false);
});

test("five wrong PINs forget the key; the password brings every unsent record back and it syncs", async ({ page, context }) => {
  const tag = Date.now().toString(36);
  const villages = [`Bản Quên Một ${tag}`, `Bản Quên Hai ${tag}`];
  await signIn(page, "binhlu");
  await swControls(page);
  await context.setOffline(true);
  for (const village of villages) await recordSession(page, village);
  await page.reload();
  await hydrated(page);
  for (let left = 4; left >= 1; left--) {
    await typePin(page, "binhlu", "999999");
    await expect(page.getByTestId("pin-problem")).toHaveText(`Mã PIN không đúng. Số lần thử còn lại: ${left}`);
  }
  await typePin(page, "binhlu", "999999");
  await expect(page.getByRole("status")).toContainText("Cần đăng nhập bằng mật khẩu");
  // The PIN no longer opens anything: the phone offers the password form.
  await page.reload();
  await hydrated(page);
  await locked(page);
  await expect(page.locator('input[name="pin"]')).toHaveCount(0);
  await expect(page.locator('input[name="password"]')).toBeVisible();
  const stored = await storageText(page);
  for (const village of villages) expect(stored).not.toContain(village);

  await context.setOffline(false);
  await passwordSignIn(page, "binhlu", DEMO.binhlu, "121212");
  await expect(page.getByTestId("waiting-count")).toHaveText("0");
  for (const village of villages) await expect(rowOf(page, village)).toHaveAttribute("data-state", "synced");
  const held = (await serverRecords(page.request, await token(page.request, "binhlu"))).filter((r) => villages.includes(r.data.village));
  expect(held).toHaveLength(2);
  // The new PIN opens the app from now on, the old one no longer.
  await page.reload();
  await hydrated(page);
  await typePin(page, "binhlu", PIN.binhlu);
  await expect(page.getByTestId("pin-problem")).toContainText("Mã PIN không đúng");
  await unlock(page, "binhlu", "121212");
  await expect(rowOf(page, villages[0])).toHaveCount(1);
});

test("signing out warns about unsent records and keeps them; with none, the officer's data leaves the phone", async ({ page, context }) => {
  const tag = Date.now().toString(36);
  const village = `Bản Chưa Gửi ${tag}`;
  await signIn(page, "taleng");
  await swControls(page);
  const officerId = await page.evaluate(() => JSON.parse(localStorage.getItem("pcmd.officers"))[0].officer.id);
  await context.setOffline(true);
  await recordSession(page, village);

  await tab(page, "Cài đặt").click();
  await page.getByTestId("sign-out").click();
  await expect(page.getByTestId("sign-out-warning")).toBeVisible();
  await expect(page.getByTestId("unsent-count")).toHaveText("1");
  await page.screenshot({ path: path.join(SHOTS, "sign-out-warning-390x844.png") });
  await page.getByTestId("sign-out-anyway").click();
  await locked(page);
  // What stays is the unsent record and the index line for it; the session token is gone.
  const left = await page.evaluate((id) => Object.keys(localStorage).filter((k) => k.includes(id)), officerId);
  expect(left.filter((k) => k.includes(".rec."))).toHaveLength(1);
  expect(left.filter((k) => !k.includes(".rec.")).map((k) => k.split(".").pop())).toEqual(["index"]);

  // Still there, encrypted: the PIN opens it offline, and it syncs after the password.
  await unlock(page, "taleng");
  await expect(rowOf(page, village)).toHaveAttribute("data-state", "waiting");
  await context.setOffline(false);
  await tab(page, "Cài đặt").click();
  await expect(page.getByTestId("officer")).toBeVisible();
  await page.getByRole("alert").getByText("Đăng nhập lại").click();
  await page.locator('input[name="password"]').fill(DEMO.taleng);
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByTestId("waiting-count")).toHaveText("0");
  await expect(rowOf(page, village)).toHaveAttribute("data-state", "synced");

  // Nothing unsent: signing out leaves nothing of this officer on the phone.
  await tab(page, "Cài đặt").click();
  await page.getByTestId("sign-out").click();
  await locked(page);
  const after = await page.evaluate((id) => Object.keys(localStorage).filter((k) => k.includes(id)), officerId);
  expect(after).toEqual([]);
  const officers = await page.evaluate(() => JSON.parse(localStorage.getItem("pcmd.officers") || "[]"));
  expect(officers.map((o) => o.officer.username)).not.toContain("taleng");
  expect(await storageText(page)).not.toContain(village);
});

test("the app locks itself after the idle time the admin set, and on return from the background", async ({ page, request }) => {
  const admin = { Authorization: `Bearer ${await token(request, "admin")}` };
  const setMinutes = (minutes) => request.put("/api/v1/admin/settings", { headers: admin, data: { lock_after_minutes: minutes } });
  expect((await setMinutes(3)).ok()).toBeTruthy();
  try {
    await page.clock.install();
    await signIn(page, "binhlu");
    // The setting comes with the sign-in; wait until the phone holds it.
    await page.waitForFunction(() => Object.keys(localStorage).some((key) => key.endsWith(".settings")));
    await page.clock.fastForward("02:00");
    await expect(page.locator("nav.tabs")).toBeVisible();
    await page.clock.fastForward("01:30");
    await locked(page);
    await expect(page.getByRole("status")).toContainText("Ứng dụng đã tự khoá");
    await expect(page.locator("nav.tabs")).toHaveCount(0);
    await unlock(page, "binhlu");

    // Away for longer than the idle time with the clock paused (so no idle check runs), then back
    // in front: only the return from the background locks it.
    const now = await page.evaluate(() => Date.now());
    await page.clock.pauseAt(now + 1000);
    await page.clock.setSystemTime(now + 4 * 60_000);
    await expect(page.locator("nav.tabs")).toBeVisible();
    await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
    await locked(page);
    await expect(page.locator("nav.tabs")).toHaveCount(0);
    await page.clock.resume();
  } finally {
    expect((await setMinutes(10)).ok()).toBeTruthy();
  }
});

test("a disabled account can no longer be opened with its PIN; re-enabled, its unsent records arrive", async ({ page, context, request }) => {
  const admin = await token(request, "admin");
  const auth = { Authorization: `Bearer ${admin}` };
  const username = `khoa${Date.now() % 1000000}`;
  const units = await (await request.get("/api/v1/org-units", { headers: auth })).json();
  const unit = units.find((u) => u.code === "03430" && !u.valid_to);
  const created = await request.post("/api/v1/admin/users", {
    headers: auth,
    data: { username, display_name: "Cán bộ tạm", role: "commune_officer", org_unit_id: unit.id, password: "mat-khau-tam-1" },
  });
  expect(created.ok()).toBeTruthy();
  const officer = await created.json();
  const village = `Bản Khoá ${Date.now().toString(36)}`;

  await signIn(page, username, "mat-khau-tam-1", "565656");
  await swControls(page);
  await context.setOffline(true);
  await recordSession(page, village);
  expect((await request.patch(`/api/v1/admin/users/${officer.id}`, { headers: auth, data: { disabled: true } })).ok()).toBeTruthy();

  // Back online, the server says the account is disabled: the phone forgets its PIN copy.
  await context.setOffline(false);
  await locked(page);
  await expect(page.getByRole("status")).toContainText("Tài khoản này đã bị vô hiệu hoá");
  await expect(page.locator('input[name="pin"]')).toHaveCount(0);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill("mat-khau-tam-1");
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByRole("alert")).toContainText("Tài khoản này đã bị vô hiệu hoá");
  await expect(page.locator("nav.tabs")).toHaveCount(0);

  expect((await request.patch(`/api/v1/admin/users/${officer.id}`, { headers: auth, data: { disabled: false } })).ok()).toBeTruthy();
  await passwordSignIn(page, username, "mat-khau-tam-1", "575757");
  await expect(page.getByTestId("waiting-count")).toHaveText("0");
  await expect(rowOf(page, village)).toHaveAttribute("data-state", "synced");
});

test("records kept in plain text by the earlier app version are encrypted at the first sign-in, none lost", async ({ page, request }) => {
  const login = await (await request.post("/api/v1/auth/login", { data: { username: "binhlu", password: DEMO.binhlu } })).json();
  const officer = login.officer;
  const village = `Bản Cũ ${Date.now().toString(36)}`;
  const id = "0b7e9c1a-2f3d-4e5f-8a6b-7c8d9e0f1a2b";
  const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  await page.goto("/signin");
  await hydrated(page);
  // What the earlier version left: the remembered officer and one waiting record, in plain JSON.
  await page.evaluate(({ officer, village, id, today }) => {
    const prefix = `pcmd.outbox.${officer.id}.`;
    const record = { id, kind: "outreach_session", org_unit_id: officer.org_unit.id, occurred_on: today, base_version: 0,
      voided: false, data: { village, format: "group_talk", audience: "women", reached_male: 1, reached_female: 2,
        language: "vi", organising_unit: "Hội Phụ nữ xã" } };
    localStorage.setItem("pcmd.officer", JSON.stringify(officer));
    localStorage.setItem(`${prefix}rec.${id}`, JSON.stringify({ id, kind: "outreach_session", state: "waiting", record,
      created_at: 1, updated_at: 1 }));
    localStorage.setItem(`${prefix}index`, `pcmd-outbox-index 1\nw${id}`);
  }, { officer, village, id, today });
  await page.reload();
  await hydrated(page);
  expect(await storageText(page)).toContain(village);

  await passwordSignIn(page, "binhlu");
  await expect(page.getByTestId("waiting-count")).toHaveText("0");
  await expect(rowOf(page, village)).toHaveAttribute("data-state", "synced");
  const stored = await storageText(page);
  expect(stored).not.toContain(village);
  expect(await page.evaluate(() => localStorage.getItem("pcmd.officer"))).toBeNull();
  const held = (await serverRecords(page.request, login.token)).filter((r) => r.id === id);
  expect(held).toHaveLength(1);
  expect(held[0].data.village).toBe(village);
});

test("records are open in one window at a time: opening them in a second window locks the first", async ({ page, context }) => {
  await signIn(page, "binhlu");
  const second = await context.newPage();
  await second.goto("/");
  await hydrated(second);
  await unlock(second, "binhlu");
  await locked(page);
  await expect(page.getByRole("status")).toContainText("mở ở một cửa sổ khác");
  await expect(page.locator("nav.tabs")).toHaveCount(0);
  await expect(second.locator("nav.tabs")).toBeVisible();
});
