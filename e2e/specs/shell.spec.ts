import path from 'node:path';
import { expect, screenshotDir, test } from '../fixtures/console';
import { ShellPage } from '../pages/shell.page';

test('a new user opens the console and reaches every section', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  await page.goto(backstack.loginUrl);
  // The token in the URL is traded for a cookie and removed from the address bar.
  await expect(page).not.toHaveURL(/token=/);
  // A first start opens the guided setup; every section stays a click away.
  await expect(shell.heading('Set up Backstack')).toBeVisible();
  await shell.nav('Dashboard').click();
  await expect(shell.heading('Dashboard')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add your first cloud' })).toBeVisible();
  await page.screenshot({ path: path.join(screenshotDir, 'dashboard.png') });

  for (const section of ShellPage.sections) {
    await shell.nav(section).click();
    await expect(shell.heading(section)).toBeVisible();
    await expect(shell.headings()).toHaveCount(1);
    await expect(page).toHaveTitle(`${section} — Backstack`);
    await page.screenshot({ path: path.join(screenshotDir, `${section.toLowerCase()}.png`) });
  }
});

test('the first step from an empty dashboard leads to adding a cloud', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Dashboard').click();
  await page.getByRole('button', { name: 'Add your first cloud' }).click();
  await expect(shell.heading('Clouds')).toBeVisible();
  await expect(page).toHaveURL(/#\/clouds$/);
  await expect(shell.emptyState()).toContainText('backstack provider add');
  await shell.emptyState().getByRole('button', { name: 'Add a cloud' }).click();
  await expect(page.getByRole('dialog', { name: 'Add a cloud' })).toBeVisible();
});

test('the theme switch persists in the catalog across reloads', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  await page.goto(backstack.loginUrl);
  await expect(shell.heading('Set up Backstack')).toBeVisible();
  const before = await shell.colorScheme();
  await shell.themeToggle().click();
  const after = before === 'dark' ? 'light' : 'dark';
  await expect.poll(() => shell.colorScheme()).toBe(after);
  // Another browser profile (no localStorage) still gets the stored theme from the core.
  const fresh = await page.context().browser()!.newContext();
  const other = await fresh.newPage();
  await other.goto(backstack.loginUrl);
  await expect.poll(() => new ShellPage(other).colorScheme()).toBe(after);
  await other.screenshot({ path: path.join(screenshotDir, `dashboard-${after}.png`) });
  await fresh.close();
});
