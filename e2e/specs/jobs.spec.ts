import fs from 'node:fs';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { expect, screenshotDir, test } from '../fixtures/console';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';

/** Nothing in the box is wider than the box (it would scroll or be cut sideways). */
const overflowsSideways = (box: Locator) => box.evaluate((el) => el.scrollWidth > el.clientWidth);

test('a job started from the UI runs to the end, with its task log, in the Jobs page', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  const jobs = new JobsPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Settings').click();
  await shell.settingsTab('About').click();
  await expect(page.getByTestId('about-table')).toContainText(backstack.home);
  // A deep folder: the log and the summary carry a path longer than the detail is wide.
  const folder = path.join(backstack.home, 'copies-of-the-catalog-kept-for-the-audit', 'x'.repeat(100));
  fs.mkdirSync(folder, { recursive: true });
  const dest = path.join(folder, 'catalog-copy.sqlite');
  await page.getByLabel('Destination file').fill(dest);
  await page.getByRole('button', { name: 'Back up catalog' }).click();

  await shell.nav('Jobs').click();
  await expect(jobs.rows()).toHaveCount(1);
  await jobs.rows().first().click();
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('succeeded');
  await expect(jobs.log()).toContainText('Catalog copied');
  // The kind in words, in the table and the detail; a job that succeeded offers no retry.
  await expect(jobs.rows().first()).toContainText('Catalog copy');
  await expect(jobs.detail().getByRole('heading', { name: 'Catalog copy' })).toBeVisible();
  await expect(jobs.detail()).toContainText(/\d+(\.\d)? (B|KiB|MiB) written to /);
  await expect(jobs.detail().getByRole('button', { name: 'Retry' })).toHaveCount(0);
  // The phase in words, in the table and the detail (with the bytes in the detail).
  await expect(jobs.rows().first()).toContainText('Copied');
  await expect(jobs.phase()).toHaveText(/^Copied \(\d+(\.\d)? KiB of \d+(\.\d)? KiB\)$/);
  // Long lines wrap: neither the log nor the detail scrolls sideways.
  await expect(jobs.log()).toContainText('x'.repeat(100));
  expect(await overflowsSideways(jobs.logViewport())).toBe(false);
  expect(await overflowsSideways(jobs.detail())).toBe(false);
  await page.screenshot({ path: path.join(screenshotDir, 'jobs-detail.png') });

  // The same destination again: refused with a message that says what to do, and retry is offered.
  await shell.nav('Settings').click();
  await shell.settingsTab('About').click();
  await page.getByLabel('Destination file').fill(dest);
  await page.getByRole('button', { name: 'Back up catalog' }).click();
  await shell.nav('Jobs').click();
  await expect(jobs.rows()).toHaveCount(2);
  await page.getByTestId('jobs-table').getByText('failed').click();
  await expect(jobs.detail()).toContainText('never overwrites');
  await expect(jobs.detail().getByRole('button', { name: 'Retry' })).toBeVisible();
  await page.screenshot({ path: path.join(screenshotDir, 'jobs-failed.png') });
});
