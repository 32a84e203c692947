// Prints what the outbox costs with 5,000 records stored on the phone, in headless Chromium at
// 390×844: the time to save one record through the form (the app's own `pcmd.outbox.save` measure,
// median of N, and the whole tap-to-list time), the time to open the records list, and the bytes of
// localStorage per record. Budget: save ≤ 50 ms with 5,000 records. Figures only, no pass/fail.
// Needs the server started with the demo accounts (`server serve --demo`).
const { chromium } = require("@playwright/test");
const config = require("../playwright.config.js");

const base = process.argv[2] || "http://127.0.0.1:3000";
const STORED = 5000;
const SAVES = 15;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

async function newSession(page, n) {
  await page.getByTestId("new-session").click();
  await page.waitForFunction(() => /^\d{4}-/.test(document.querySelector('input[name="occurred_on"]')?.value || ""));
  await page.fill('input[name="data.village"]', `Bản ${n}`);
  await page.selectOption('select[name="data.format"]', "group_talk");
  await page.selectOption('select[name="data.audience"]', "women");
  await page.fill('input[name="data.reached_male"]', String(10 + (n % 7)));
  await page.fill('input[name="data.reached_female"]', String(20 + (n % 5)));
  await page.selectOption('select[name="data.language"]', "vi");
}

/// Clicks Save and gives the app's measure of the save and the time until the list shows again.
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

/// Opens the list from another page (a client-side navigation, as a tap on the tab) and times it
/// until the first rows are drawn, with the app's measure of reading the outbox.
async function openList(page) {
  await page.locator("nav.tabs").getByText("Cài đặt").click();
  await page.waitForURL(/\/settings$/);
  return page.evaluate(async () => {
    const started = performance.now();
    document.querySelector('nav.tabs a[href="/"]').click();
    await new Promise((resolve) => {
      const check = () => (document.querySelector('[data-testid="record-row"]') ? resolve() : requestAnimationFrame(check));
      check();
    });
    const load = performance.getEntriesByName("pcmd.outbox.load").at(-1);
    return { render: performance.now() - started, load: load ? load.duration : NaN };
  });
}

(async () => {
  const browser = await chromium.launch({ executablePath: config.use.launchOptions.executablePath, args: config.use.launchOptions.args });
  const page = await (await browser.newContext({ baseURL: base, viewport: { width: 390, height: 844 } })).newPage();
  await page.goto("/signin");
  await page.waitForSelector("html[data-hydrated]");
  await page.fill('input[name="username"]', "binhlu");
  await page.fill('input[name="password"]', "demo-binhlu");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(/\/$/);

  // One record through the form, then copies of its stored item under new ids, so the store holds
  // exactly what the app writes.
  await newSession(page, 0);
  const first = await saveAndTime(page);
  const sizes = await page.evaluate((stored) => {
    const officer = JSON.parse(localStorage.getItem("pcmd.officer")).id;
    const prefix = `pcmd.outbox.${officer}.`;
    const [header, line] = localStorage.getItem(`${prefix}index`).split("\n");
    const id = line.slice(1);
    const item = localStorage.getItem(`${prefix}rec.${id}`);
    const lines = [line];
    for (let i = 1; i < stored; i++) {
      const copy = crypto.randomUUID();
      localStorage.setItem(`${prefix}rec.${copy}`, item.split(id).join(copy));
      lines.push(`w${copy}`);
    }
    localStorage.setItem(`${prefix}index`, [header, ...lines].join("\n"));
    let chars = 0;
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key.startsWith(prefix)) chars += key.length + localStorage.getItem(key).length;
    }
    return { chars, index: localStorage.getItem(`${prefix}index`).length, item: item.length, records: lines.length };
  }, STORED);

  await page.reload();
  await page.waitForSelector('[data-testid="record-row"]');
  const lists = [];
  for (let i = 0; i < 5; i++) lists.push(await openList(page));

  const saves = [];
  for (let i = 1; i <= SAVES; i++) {
    await newSession(page, i);
    saves.push(await saveAndTime(page));
  }
  const waiting = await page.getByTestId("waiting-count").textContent();
  await browser.close();

  console.log(`outbox with ${sizes.records} records stored (${base}, Chromium, 390x844)`);
  console.log(`  localStorage per record: ${(sizes.chars / sizes.records).toFixed(0)} characters, ${((2 * sizes.chars) / sizes.records).toFixed(0)} bytes as UTF-16 (the quota counts these); one record's item ${sizes.item} characters, the index ${(sizes.index / 1024).toFixed(0)} k characters`);
  console.log(`  all ${sizes.records} records: ${((2 * sizes.chars) / 1048576).toFixed(2)} MiB of the browser's localStorage quota`);
  console.log(`  save one record (outbox, median of ${SAVES}): ${ms(median(saves.map((s) => s.save)))} (max ${ms(Math.max(...saves.map((s) => s.save)))}; with 1 record stored: ${ms(first.save)}); budget 50 ms`);
  console.log(`  tap Save to the list drawn again (median of ${SAVES}): ${ms(median(saves.map((s) => s.ui)))}`);
  console.log(`  open the list (median of ${lists.length}): ${ms(median(lists.map((l) => l.render)))} to the first rows, of which reading the outbox ${ms(median(lists.map((l) => l.load)))}`);
  console.log(`  header waiting count afterwards: ${waiting}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
