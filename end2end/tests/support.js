// Shared steps of the browser tests. The e2e server runs with demo accounts (PCMD_DEMO=true).
const fs = require("fs");
const { expect } = require("@playwright/test");

/// Evaluated, not added as a script tag: the page's Content-Security-Policy refuses inline scripts
/// without its nonce, and it should.
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// The violations axe finds on the page as it stands, one line each.
async function violations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const found = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }, TAGS);
  return found;
}

const DEMO = {
  admin: "demo-admin",
  huyen: "demo-huyen",
  tinh: "demo-tinh",
  binhlu: "demo-binhlu",
  taleng: "demo-taleng",
  ttyt: "demo-ttyt",
};

/// The PIN each demo officer chooses on a test phone.
const PIN = {
  admin: "101010",
  huyen: "202020",
  binhlu: "303030",
  taleng: "404040",
  tinh: "505050",
  ttyt: "606060",
};

const hydrated = (page) => page.waitForSelector("html[data-hydrated]");
const swControls = (page) => page.waitForFunction(() => navigator.serviceWorker.controller !== null);
/// The app is open (an officer's records are unlocked) once the bottom navigation shows.
const appOpen = (page) => page.waitForSelector("nav.tabs");

/// Signs in through the form, as an officer would, chooses the PIN when asked (a first sign-in
/// on this phone), and waits for the app to open.
async function signIn(page, username, password = DEMO[username], pin = PIN[username] || "135790") {
  await page.goto("/signin");
  await hydrated(page);
  await passwordSignIn(page, username, password, pin);
  // One visit is done once the service worker holds the whole build: every page's part of the
  // bundle opens offline from then on.
  await swControls(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The phone keeps no cookie (it sends its own token); the test's own API calls (`page.request`)
  // get a session of the same officer.
  const api = await page.request.post("/api/v1/auth/login", { data: { username, password } });
  expect(api.ok()).toBeTruthy();
}

/// Ends every server session of the officer (the phone's too), as an admin's password reset does.
async function endSessions(request, username) {
  const login = await (await request.post("/api/v1/auth/login", { data: { username: "admin", password: DEMO.admin, device_id: "e2e-admin" } })).json();
  const headers = { Authorization: `Bearer ${login.token}` };
  const users = await (await request.get("/api/v1/admin/users", { headers })).json();
  const user = users.find((u) => u.username === username);
  const reset = await request.patch(`/api/v1/admin/users/${user.id}`, { headers, data: { password: DEMO[username] } });
  expect(reset.ok()).toBeTruthy();
}

/// The lock screen once it knows the phone's officers.
const locked = (page) => page.waitForSelector('[data-testid="gate"][data-ready]');

/// The password form as it stands on the page (the lock screen's or `/signin`).
async function passwordSignIn(page, username, password = DEMO[username], pin = PIN[username] || "135790") {
  if (await page.getByTestId("gate").count()) await locked(page);
  const form = page.locator("form").filter({ has: page.locator('input[name="password"]') });
  if (!(await form.isVisible())) await page.getByTestId("use-password").click();
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(password);
  await form.locator('button[type="submit"]').click();
  await page.waitForSelector('[data-testid="choose-pin"], nav.tabs');
  if (await page.getByTestId("choose-pin").isVisible()) await choosePin(page, pin);
  await appOpen(page);
  // Officers land on their records, a receiving service on its slips' page.
  await expect(page).toHaveURL(/\/(service)?$/);
}

async function choosePin(page, pin) {
  await page.fill('input[name="new_pin"]', pin);
  await page.fill('input[name="repeat_pin"]', pin);
  await page.getByTestId("choose-pin").locator('button[type="submit"]').click();
}

/// On the lock screen: picks the officer and types the PIN.
async function typePin(page, username, pin = PIN[username]) {
  await locked(page);
  await page.getByTestId("known-officer").filter({ hasText: username }).click();
  await page.fill('input[name="pin"]', pin);
  await page.getByTestId("unlock").locator('button[type="submit"]').click();
}

/// Unlocks with the PIN and waits for the app to open.
async function unlock(page, username, pin = PIN[username]) {
  await typePin(page, username, pin);
  await appOpen(page);
}

/// Opens `path` as a fresh page load (which always starts locked) and unlocks it.
async function open(page, path, username) {
  await page.goto(path);
  await hydrated(page);
  await unlock(page, username);
}

/// Reloads (locked again) and unlocks.
async function reload(page, username) {
  await page.reload();
  await hydrated(page);
  await unlock(page, username);
}

/// The values of `typed` found anywhere in localStorage: in its keys and readable values, and in
/// the decoded payloads of encrypted items (as UTF-8). Give long values: short ones occur by chance
/// in random ciphertext.
function foundInStorage(page, typed) {
  return page.evaluate((typed) => {
    const bytes = (text) => Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join("");
    const places = [];
    for (const key of Object.keys(localStorage)) {
      const value = localStorage.getItem(key);
      places.push(key);
      places.push(value.startsWith("e1:") ? atob(value.slice(3)) : value);
    }
    return typed.filter((t) => places.some((p) => p.includes(t) || p.includes(bytes(t))));
  }, typed);
}

/// Every record the officer may read on the server, page by page (`GET /api/v1/records`); with
/// `token` as that officer, else as the request's own session; with `keptFor` "phone", only what
/// the officer's phone keeps.
async function serverRecords(request, token, keptFor) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const kept = keptFor ? `&for=${keptFor}` : "";
  let records = [];
  let since = "";
  for (;;) {
    const query = since ? `&since=${encodeURIComponent(since)}` : "";
    const response = await request.get(`/api/v1/records?limit=500${kept}${query}`, { headers });
    expect(response.ok()).toBeTruthy();
    const page = await response.json();
    if (page.records.length === 0) return records;
    records = records.concat(page.records);
    since = page.next_cursor;
  }
}

/// From the records list: records an outreach session (a group talk for women, in Vietnamese)
/// through its form and waits for the list again; `unit` is the commune a district officer chooses.
async function recordSession(page, { village, male = 1, female = 4, notes, on, organisingUnit, unit }) {
  await page.getByTestId("new-session").click();
  await expect(page).toHaveURL(/\/records\/session/);
  await expect(page.locator('input[name="occurred_on"]')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
  if (on) await page.fill('input[name="occurred_on"]', on);
  if (unit) await page.selectOption('select[name="org_unit_id"]', unit);
  await page.fill('input[name="data.village"]', village);
  await page.selectOption('select[name="data.format"]', "group_talk");
  await page.selectOption('select[name="data.audience"]', "women");
  await page.fill('input[name="data.reached_male"]', String(male));
  await page.fill('input[name="data.reached_female"]', String(female));
  await page.selectOption('select[name="data.language"]', "vi");
  if (organisingUnit) await page.fill('input[name="data.organising_unit"]', organisingUnit);
  if (notes) await page.fill('textarea[name="data.notes"]', notes);
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
}

module.exports = { violations, recordSession, serverRecords, foundInStorage, DEMO, PIN, endSessions, hydrated, locked, swControls, appOpen, signIn, passwordSignIn, choosePin, typePin, unlock, open, reload };
