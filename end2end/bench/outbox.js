// Prints what the encrypted outbox costs with 5,000 records on the phone, in headless Chromium at
// 390×844 with the CPU slowed 4× (a low-end phone): unlocking with the PIN until the records list
// is drawn (of which opening the vault: PBKDF2 and decrypting every item), saving one record
// through the form until its encrypted copy is stored, and the bytes of localStorage per record.
// Budgets: unlock + list ≤ 1.5 s, save ≤ 50 ms. Figures only, no pass/fail.
// The 5,000 records reach the phone as a district's do: synced by others, then pulled at sign-in.
// Needs the server started with the demo accounts (`server serve --demo`).
const { chromium, request: http } = require("@playwright/test");
const crypto = require("crypto");
const config = require("../playwright.config.js");

const base = process.argv[2] || "http://127.0.0.1:3000";
const STORED = 5000;
const SAVES = 15;
const UNLOCKS = 5;
const SLOWDOWN = 4;
const PIN = "246810";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

/// The officer's 5,000 records on the server, as another phone of theirs would have sent them.
async function seed() {
  const api = await http.newContext({ baseURL: base });
  const login = await (await api.post("/api/v1/auth/login", { data: { username: "binhlu", password: "demo-binhlu" } })).json();
  const headers = { Authorization: `Bearer ${login.token}` };
  const unit = login.officer.org_unit.id;
  const year = new Date().getFullYear();
  for (let start = 0; start < STORED; start += 500) {
    const records = [];
    for (let n = start; n < Math.min(start + 500, STORED); n++) {
      const month = String(1 + (n % 9)).padStart(2, "0");
      records.push({
        id: crypto.randomUUID(), kind: "outreach_session", org_unit_id: unit, occurred_on: `${year}-${month}-1${n % 9}`,
        base_version: 0, voided: false,
        data: { village: `Bản ${n}`, format: "group_talk", audience: "women", reached_male: 10 + (n % 7),
          reached_female: 20 + (n % 5), language: "vi", organising_unit: "Hội Phụ nữ xã" },
      });
    }
    const answer = await api.post("/api/v1/sync", { headers, data: { device_id: crypto.randomUUID(), records } });
    if (!answer.ok()) throw new Error(`seeding: ${answer.status()} ${await answer.text()}`);
  }
  await api.dispose();
}

async function newSession(page, n) {
  await page.getByTestId("new-session").click();
  await page.waitForFunction(() => /^\d{4}-/.test(document.querySelector('input[name="occurred_on"]')?.value || ""));
  await page.fill('input[name="data.village"]', `Bản mới ${n}`);
  await page.selectOption('select[name="data.format"]', "group_talk");
  await page.selectOption('select[name="data.audience"]', "women");
  await page.fill('input[name="data.reached_male"]', String(10 + (n % 7)));
  await page.fill('input[name="data.reached_female"]', String(20 + (n % 5)));
  await page.selectOption('select[name="data.language"]', "vi");
}

/// Clicks Save: the app's measure of the save (until the encrypted copy is stored), and the time
/// until the list shows again.
async function saveAndTime(page) {
  const before = await page.evaluate(() => performance.getEntriesByName("pcmd.outbox.save").length);
  const started = await page.evaluate(() => performance.now());
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await page.waitForFunction((n) => performance.getEntriesByName("pcmd.outbox.save").length > n, before);
  await page.waitForSelector('[data-testid="record-row"]');
  const ended = await page.evaluate(() => performance.now());
  const save = await page.evaluate(() => performance.getEntriesByName("pcmd.outbox.save").at(-1).duration);
  return { save, ui: ended - started };
}

/// A fresh load (locked), then the PIN typed and Unlock tapped: the time from the tap to the first
/// rows of the list, and the app's measure of opening the vault.
async function unlockAndTime(page) {
  await page.reload();
  await page.waitForSelector('[data-testid="gate"][data-ready] input[name="pin"]');
  await page.fill('input[name="pin"]', PIN);
  return page.evaluate(async () => {
    const started = performance.now();
    document.querySelector('[data-testid="unlock"] button[type="submit"]').click();
    await new Promise((resolve) => {
      const check = () => (document.querySelector('[data-testid="record-row"]') ? resolve() : requestAnimationFrame(check));
      check();
    });
    const open = performance.getEntriesByName("pcmd.unlock").at(-1);
    return { list: performance.now() - started, open: open ? open.duration : NaN };
  });
}

(async () => {
  await seed();
  const browser = await chromium.launch({ executablePath: config.use.launchOptions.executablePath, args: config.use.launchOptions.args });
  const context = await browser.newContext({ baseURL: base, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: SLOWDOWN });

  await page.goto("/signin");
  await page.waitForSelector('[data-testid="gate"][data-ready]');
  await page.fill('input[name="username"]', "binhlu");
  await page.fill('input[name="password"]', "demo-binhlu");
  await page.locator('form button[type="submit"]').click();
  await page.fill('input[name="new_pin"]', PIN);
  await page.fill('input[name="repeat_pin"]', PIN);
  await page.getByTestId("choose-pin").locator('button[type="submit"]').click();
  await page.waitForSelector("nav.tabs");
  // The pull at sign-in brings every record down.
  await page.locator("nav.tabs").getByText("Đồng bộ").click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="count-synced"]')?.textContent) >= n, STORED, { timeout: 300_000 });
  await page.locator("nav.tabs").getByText("Hồ sơ").click();

  const sizes = await page.evaluate(() => {
    const officer = JSON.parse(localStorage.getItem("pcmd.officers"))[0].officer.id;
    const prefix = `pcmd.outbox.${officer}.`;
    let chars = 0;
    let records = 0;
    let item = 0;
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key.startsWith(prefix)) continue;
      chars += key.length + localStorage.getItem(key).length;
      if (key.startsWith(`${prefix}rec.`)) {
        records++;
        item = localStorage.getItem(key).length;
      }
    }
    return { chars, records, item, index: localStorage.getItem(`${prefix}index`).length };
  });
  // The browser's own PBKDF2 at the app's iteration count, for reference.
  const pbkdf2 = await page.evaluate(async () => {
    const started = performance.now();
    const base = await crypto.subtle.importKey("raw", new TextEncoder().encode("123456"), "PBKDF2", false, ["deriveKey"]);
    await crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", iterations: 600000, salt: new Uint8Array(16) }, base,
      { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
    return performance.now() - started;
  });

  const unlocks = [];
  for (let i = 0; i < UNLOCKS; i++) unlocks.push(await unlockAndTime(page));
  const saves = [];
  for (let i = 1; i <= SAVES; i++) {
    await newSession(page, i);
    saves.push(await saveAndTime(page));
  }
  const waiting = await page.getByTestId("waiting-count").textContent();
  await browser.close();

  console.log(`encrypted outbox with ${sizes.records} records on the phone (${base}, Chromium, 390x844, CPU ${SLOWDOWN}x slower)`);
  console.log(`  unlock with the PIN to the list drawn (median of ${UNLOCKS}): ${ms(median(unlocks.map((u) => u.list)))} (max ${ms(Math.max(...unlocks.map((u) => u.list)))}); budget 1500 ms`);
  console.log(`    of which opening the vault (PBKDF2 + decrypting every item): ${ms(median(unlocks.map((u) => u.open)))}; PBKDF2-SHA256 600,000 iterations alone: ${ms(pbkdf2)}`);
  console.log(`  save one record until stored encrypted (median of ${SAVES}): ${ms(median(saves.map((s) => s.save)))} (max ${ms(Math.max(...saves.map((s) => s.save)))}); budget 50 ms`);
  console.log(`  tap Save to the list drawn again (median of ${SAVES}): ${ms(median(saves.map((s) => s.ui)))}`);
  console.log(`  localStorage per record: ${(sizes.chars / sizes.records).toFixed(0)} characters, ${((2 * sizes.chars) / sizes.records).toFixed(0)} bytes as UTF-16 (the quota counts these); one record's item ${sizes.item} characters, the index ${(sizes.index / 1024).toFixed(0)} k characters`);
  console.log(`  all ${sizes.records} records: ${((2 * sizes.chars) / 1048576).toFixed(2)} MiB of the browser's localStorage quota`);
  console.log(`  header waiting count afterwards: ${waiting}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
