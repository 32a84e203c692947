// Shared steps of the browser tests. The e2e server runs with demo accounts (PCMD_DEMO=true).
const { expect } = require("@playwright/test");

const DEMO = {
  admin: "demo-admin",
  huyen: "demo-huyen",
  binhlu: "demo-binhlu",
  thitran: "demo-thitran",
};

const hydrated = (page) => page.waitForSelector("html[data-hydrated]");
const swControls = (page) => page.waitForFunction(() => navigator.serviceWorker.controller !== null);

/// Signs in through the form, as an officer would, and waits for the app to open.
async function signIn(page, username, password = DEMO[username]) {
  await page.goto("/signin");
  await hydrated(page);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await expect(page).toHaveURL(/\/$/);
}

module.exports = { DEMO, hydrated, swControls, signIn };
