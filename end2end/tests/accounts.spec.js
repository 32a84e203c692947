// Accounts in the browser: an expired session asks only for the password again; an admin makes an
// account on the phone and the new officer can sign in with it; an admin keeps the list of
// agencies (PCMD-KH02) that officers choose from.
const path = require("path");
const { test, expect } = require("@playwright/test");
const { endSessions, hydrated, signIn, open, reload } = require("./support");

test("when the server ends the session the officer re-enters only the password", async ({ page }) => {
  await signIn(page, "taleng");
  // The session ends on the server (as when it expires); the phone still opens with the PIN.
  await endSessions(page.request, "taleng");
  await reload(page, "taleng");
  await expect(page.getByRole("alert")).toContainText("Phiên đăng nhập đã hết hạn");
  await expect(page.getByTestId("place")).toHaveText("Xã Tả Lèng");

  await page.getByRole("alert").getByText("Đăng nhập lại").click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.locator('input[name="username"]')).toHaveValue("taleng");
  await expect(page.locator('input[name="username"]')).toHaveAttribute("readonly", "");
  await page.locator('input[name="password"]').fill("demo-taleng");
  await page.locator('form button[type="submit"]').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("Phiên đăng nhập đã hết hạn")).toHaveCount(0);
});

test("an admin creates an account on the phone and the new officer signs in with it", async ({ page, browser }) => {
  await signIn(page, "admin");
  await open(page, "/admin/users", "admin");
  const username = `canbo${Date.now() % 100000}`;
  await page.locator('input[name="new-username"]').fill(username);
  await page.locator('input[name="new-display-name"]').fill("Lò Văn Minh");
  await page.locator('select[name="new-role"]').selectOption("commune_officer");
  await page.locator('select[name="new-unit"]').selectOption({ label: "Xã Bản Bo (03424)" });
  await page.locator('input[name="new-password"]').fill("mat-khau-moi-1");
  await page.getByRole("button", { name: "Tạo mới" }).click();
  await expect(page.getByRole("status")).toHaveText("Đã lưu.");
  await expect(page.getByTestId(`user-${username}`)).toContainText("Lò Văn Minh");

  const other = await browser.newContext();
  const phone = await other.newPage();
  await signIn(phone, username, "mat-khau-moi-1");
  await expect(phone.getByTestId("place")).toHaveText("Xã Bản Bo");
  await other.close();
});

test("an admin adds an agency, refuses a second spelling of it, and retires it", async ({ page }) => {
  await signIn(page, "admin");
  await open(page, "/admin", "admin");
  const card = page.getByTestId("agencies");
  await expect(card.getByRole("heading", { name: "Cơ quan, đơn vị lồng ghép (PCMD-KH02)" })).toBeVisible();
  await expect(card.locator('input[name="name_vi"]').first()).toHaveValue("Phòng Lao động - Thương binh và Xã hội");
  const name = `Hội Liên hiệp Phụ nữ huyện ${Date.now().toString(36)}`;
  await card.locator('input[name="agency-name-vi"]').fill(name);
  await card.getByRole("button", { name: "Thêm cơ quan" }).click();
  const added = card.locator("form.agency").last();
  await expect(added.locator('input[name="name_vi"]')).toHaveValue(name);
  // The same name in capitals is the spelling variant the list is there to end.
  await card.locator('input[name="agency-name-vi"]').fill(name.toUpperCase());
  await card.getByRole("button", { name: "Thêm cơ quan" }).click();
  await expect(card.getByRole("alert")).toHaveText("Đã có cơ quan tên này trong danh sách.");
  await added.getByRole("button", { name: "Thôi theo dõi" }).click();
  await expect(card.locator("form.agency").last()).toContainText("Đã thôi theo dõi");
  await card.locator("form.agency").last().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(__dirname, "..", "screenshots", "admin-agencies-390.png") });
});

test("a commune officer is refused the admin pages by the server", async ({ page }) => {
  await signIn(page, "binhlu");
  await open(page, "/admin/users", "binhlu");
  await expect(page.getByText("Bạn không có quyền làm việc này.").first()).toBeVisible();
});
