// The restore dialog's pre-flight: as the admin fills the dialog in, every conflict the restore
// would meet is shown next to its field and grouped by severity, Restore stays disabled while one
// blocks, and once they are resolved the restore runs (here: left powered off, without a key pair).
// Against the MockAgent cloud (e2e/mock-cloud/console-main.ts), with hypervisors that write nothing.
import path from 'node:path';
import { screenshotDir } from '../fixtures/console';
import { expect, test } from '../fixtures/mock-cloud-console';
import { BackupsPage } from '../pages/backups.page';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';

test('the restore dialog shows the conflicts before anything is created, and restores once they are resolved', async ({ page, mockCloud }) => {
  await mockCloud.command('seed-instance-restore-point');
  const shell = new ShellPage(page);
  const backups = new BackupsPage(page);
  const jobs = new JobsPage(page);
  await page.goto(mockCloud.loginUrl);
  await shell.nav('Backups').click();
  const dialog = await backups.openRestore('demo-web-1');
  const restore = dialog.getByRole('button', { name: 'Restore' });

  // The original project is one the cloud's account has no role in: said at once, Restore disabled.
  await expect(dialog.getByTestId('preflight-blocker')).toContainText('No account of this cloud can work in project demo (p-demo)');
  await expect(restore).toBeDisabled();
  await page.screenshot({ path: path.join(screenshotDir, 'restore-preflight-project.png') });

  // Into the admin's project: the original key pair is not the admin's (a warning by the key pair).
  await backups.restoreChoice('demo-web-1', 'Target project', 'admin');
  await expect(dialog.getByTestId('preflight-keypair')).toContainText('The original key pair "demo-key" is not available to this user');
  // A flavor made for booting from a volume cannot hold the local boot disk: blocked, by the flavor.
  await backups.restoreChoice('demo-web-1', 'Flavor', 'b1.bfv');
  await expect(dialog.getByTestId('preflight-blocker')).toContainText('b1.bfv has no root disk');
  await expect(dialog.getByText(/^b1\.bfv has no root disk .* at least 1 GiB\.$/).first()).toBeVisible();
  await expect(restore).toBeDisabled();
  await page.screenshot({ path: path.join(screenshotDir, 'restore-preflight-flavor.png') });

  // Resolved: the original flavor, no key pair, left off after the restore.
  await backups.restoreChoice('demo-web-1', 'Flavor', 'm1.tiny');
  await dialog.getByRole('switch', { name: 'No key pair' }).check();
  await dialog.getByText('Leave it off (SHUTOFF)').click();
  await expect(dialog.getByTestId('preflight-verdict')).toHaveText('Nothing blocks the restore.');
  await expect(dialog.getByTestId('preflight-blocker')).toHaveCount(0);
  await expect(dialog.getByTestId('preflight-info')).toContainText('None: the instance is restored without a key pair.');
  await expect(dialog.getByTestId('preflight-info')).toContainText('Flavor m1.tiny');
  await page.screenshot({ path: path.join(screenshotDir, 'restore-preflight-clear.png') });
  await restore.click();

  await shell.nav('Jobs').click();
  const job = jobs.rows().filter({ hasText: 'Restore' });
  await job.click();
  await mockCloud.command('finish-disk-writes');
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('succeeded');
  await expect(jobs.detail()).toContainText(/Server demo-web-1-restored-\d{4}-\d\d-\d\d \(s-new-\d+\) restored and SHUTOFF\./);
});
