// Restore over the original disks from the UI: the confirmation names the instance and each disk,
// a disk can be left out, and the job it starts refuses before stopping the instance when its
// hypervisor has no SSH settings (the MockAgent cloud has no hypervisor to write on; the lab test
// e2e/lab/tests/restore-in-place.test.ts runs the whole differential restore).
import path from 'node:path';
import { screenshotDir } from '../fixtures/console';
import { expect, test } from '../fixtures/mock-cloud-console';
import { BackupsPage } from '../pages/backups.page';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';

test('restore over the original disks: confirmed by disk, and refused before the instance is stopped when its host cannot be reached', async ({ page, mockCloud }) => {
  await mockCloud.command('seed-instance-restore-point');
  const shell = new ShellPage(page);
  const backups = new BackupsPage(page);
  const jobs = new JobsPage(page);
  await page.goto(mockCloud.loginUrl);
  await shell.nav('Backups').click();
  await backups.rows().filter({ hasText: 'demo-web-1' }).click();
  await backups.action('Restore over original disks…').click();
  const dialog = page.getByRole('dialog', { name: 'Restore demo-web-1 over its original disks' });
  await expect(dialog).toContainText('written over the disks of instance demo-web-1 (s-web)');
  await expect(dialog.getByRole('checkbox', { name: /^vda / })).toBeChecked();
  await expect(dialog.getByRole('checkbox', { name: /^vdb / })).toBeChecked();
  await expect(dialog.getByRole('button', { name: 'Stop and overwrite 2 disks' })).toBeEnabled();
  await expect(dialog).toContainText('Whatever was written on vda, vdb since the restore point is lost.');

  await dialog.getByRole('checkbox', { name: /^vdb / }).uncheck();
  await expect(dialog).toContainText('Whatever was written on vda since the restore point is lost.');
  await page.screenshot({ path: path.join(screenshotDir, 'restore-in-place-dialog.png') });
  await dialog.getByRole('checkbox', { name: /^vda / }).uncheck();
  await expect(dialog.getByRole('button', { name: 'Stop and overwrite 0 disks' })).toBeDisabled();
  await dialog.getByRole('checkbox', { name: /^vda / }).check();
  await dialog.getByRole('button', { name: 'Stop and overwrite disk vda' }).click();
  await expect(dialog).toBeHidden();

  await shell.nav('Jobs').click();
  await jobs.rows().filter({ hasText: 'Restore in place' }).click();
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('failed');
  await expect(jobs.detail()).toContainText('No SSH settings for the hypervisor');
});
