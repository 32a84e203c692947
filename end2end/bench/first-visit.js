// Prints what opening the app costs on a mountain 3G line, in headless Chromium with the network
// at 400 kbit/s down and up and 400 ms round trip: for a first visit to /signin, and to / after
// sign-in (the phone's storage kept, no HTTP cache, no service worker), every file as it crossed
// the wire (its encoding and bytes, headers included), the total against the budget of 250 kB, and
// the time until the page is hydrated; then the same page again offline, from the service worker.
// Needs the server started with the demo accounts (`server serve --demo`).
const { chromium } = require("@playwright/test");
const config = require("../playwright.config.js");
const { signIn, typePin, appOpen } = require("../tests/support.js");

const base = process.argv[2] || "http://127.0.0.1:3000";
const BUDGET = 250 * 1024;
const LINE = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const kB = (n) => (n / 1024).toFixed(1).padStart(8);

/// The files a page load fetched over the network, as DevTools counts them.
function wire(cdp) {
  const files = new Map();
  cdp.on("Network.responseReceived", ({ requestId, response }) => {
    const url = new URL(response.url);
    if (url.origin !== new URL(base).origin) return;
    files.set(requestId, {
      path: url.pathname + url.search,
      encoding: response.headers["content-encoding"] || response.headers["Content-Encoding"] || "identity",
      fromWorker: response.fromServiceWorker || response.fromDiskCache || false,
      bytes: 0,
    });
  });
  cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) => {
    const file = files.get(requestId);
    if (file) file.bytes = file.fromWorker ? 0 : encodedDataLength;
  });
  return {
    take() {
      const taken = [...files.values()];
      files.clear();
      return taken;
    },
  };
}

/// The page's own mark of when it was hydrated, in ms since its navigation started.
const hydratedAt = (page) =>
  page
    .waitForSelector("html[data-hydrated]", { timeout: 120_000 })
    .then(() => page.evaluate(() => performance.getEntriesByName("pcmd.hydrated")[0]?.startTime ?? performance.now()));

function report(title, files, ms) {
  console.log(`\n${title}`);
  console.log(`${"file".padEnd(48)} ${"encoding".padEnd(9)} ${"on wire kB".padStart(10)}`);
  let total = 0;
  for (const f of files) {
    // Not from the network: the service worker's cache, or the browser's.
    const where = f.fromWorker || f.bytes === 0 ? "cached" : f.encoding;
    console.log(`${f.path.slice(0, 48).padEnd(48)} ${where.padEnd(9)} ${kB(f.bytes).padStart(10)}`);
    total += f.bytes;
  }
  console.log(`${"total".padEnd(48)} ${"".padEnd(9)} ${kB(total).padStart(10)}`);
  if (ms !== undefined) console.log(`time to hydrated: ${(ms / 1000).toFixed(2)} s`);
  return total;
}

async function visit(browser, { path, signedIn }) {
  const context = await browser.newContext({ ...config.use, baseURL: base });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  if (signedIn) {
    await signIn(page, "binhlu");
    // A first visit with the officer's phone storage: no HTTP cache, no worker, no caches.
    await page.evaluate(async () => {
      for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
      for (const key of await caches.keys()) await caches.delete(key);
    });
    await cdp.send("Network.clearBrowserCache");
    await page.goto("about:blank");
  }
  const files = wire(cdp);
  await cdp.send("Network.emulateNetworkConditions", LINE);
  await page.goto(path, { waitUntil: "commit" });
  const ms = await hydratedAt(page);
  const first = files.take();
  const total = report(`first visit to ${path}${signedIn ? " after sign-in" : ""}, 400 kbit/s, 400 ms`, first, ms);
  console.log(`budget 250.0 kB: ${(total / 1024).toFixed(1)} kB, ${total <= BUDGET ? "within" : "OVER"} budget`);
  if (signedIn) {
    await typePin(page, "binhlu");
    await appOpen(page);
    report("then, after the PIN, until the records list shows", files.take());
  }

  // The service worker precaches the build in the background; then the page opens offline.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 300_000 });
  await page.evaluate(() => navigator.serviceWorker.ready);
  await cdp.send("Network.emulateNetworkConditions", { ...LINE, offline: true });
  await context.setOffline(true);
  files.take();
  await page.reload({ waitUntil: "commit" });
  report(`repeat visit to ${path}, offline`, files.take(), await hydratedAt(page));
  await context.close();
}

(async () => {
  const browser = await chromium.launch(config.use.launchOptions);
  try {
    await visit(browser, { path: "/signin" });
    await visit(browser, { path: "/", signedIn: true });
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
