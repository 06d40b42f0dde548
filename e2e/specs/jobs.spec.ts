import path from 'node:path';
import { expect, screenshotDir, test } from '../fixtures/console';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';

test('a job started from the UI runs to the end, with its task log, in the Jobs page', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  const jobs = new JobsPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Settings').click();
  await shell.settingsTab('About').click();
  await expect(page.getByTestId('about-table')).toContainText(backstack.home);
  const dest = path.join(backstack.home, 'catalog-copy.sqlite');
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
