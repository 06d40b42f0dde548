// A restore through Nova from the UI, watched in the Jobs page: the job says which step it is in
// (here: a disk being written, held half-way by the journey) instead of a bare percentage. Against
// the MockAgent cloud, with hypervisors that write nothing (e2e/mock-cloud/console-main.ts); the
// lab journey e2e/lab-journeys/backup-restore.spec.ts restores for real.
import path from 'node:path';
import { screenshotDir } from '../fixtures/console';
import { expect, test } from '../fixtures/mock-cloud-console';
import { BackupsPage } from '../pages/backups.page';
import { CloudsPage } from '../pages/clouds.page';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';

test('a restore shows its phase in the job list and the job detail, the bytes of the disk being written included', async ({ page, mockCloud }) => {
  await mockCloud.command('seed-instance-restore-point');
  const shell = new ShellPage(page);
  const backups = new BackupsPage(page);
  const jobs = new JobsPage(page);
  await page.goto(mockCloud.loginUrl);
  await shell.nav('Backups').click();
  await backups.openRestore('demo-web-1');
  await backups.restoreDialog('demo-web-1').getByLabel('Name').fill('web-back');
  // the admin restores into its own project, with its own key pair
  await backups.restoreChoice('demo-web-1', 'Target project', 'admin');
  await backups.restoreChoice('demo-web-1', 'Access key (key pair)', 'admin-key');
  await backups.restoreDialog('demo-web-1').getByRole('button', { name: 'Restore' }).click();

  await shell.nav('Jobs').click();
  const restore = jobs.rows().filter({ hasText: 'Restore' });
  await restore.click();
  await expect(jobs.phase()).toHaveText(/^Writing disk vdb \(\d+(\.\d)? KiB of 1\.0 MiB\)$/);
  await expect(restore).toContainText('Writing disk vdb');
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('running');
  await page.screenshot({ path: path.join(screenshotDir, 'jobs-restore-phase.png') });

  await mockCloud.command('finish-disk-writes');
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('succeeded');
  await expect(jobs.phase()).toHaveText('Restored');
  await expect(restore).toContainText('Restored');
  await expect(jobs.detail()).toContainText('Server web-back');
  // each step is in the task log too, for the record
  await expect(jobs.log()).toContainText('waiting for it to become ACTIVE');
});

test('removing the cloud of a restore point says it becomes restorable again when the same cloud is added again', async ({ page, mockCloud }) => {
  await mockCloud.command('seed-instance-restore-point');
  const shell = new ShellPage(page);
  const clouds = new CloudsPage(page);
  await page.goto(mockCloud.loginUrl);
  await shell.nav('Clouds').click();
  await clouds.action('lab', 'Remove…');
  await expect(clouds.confirmation()).toContainText('Its 1 restore point stays in its destination and in the catalog: nothing is deleted');
  await expect(clouds.confirmation()).toContainText(/restored as instances again once the same cloud \(Keystone URL http:\/\/\S+\/v3, region RegionOne\) is added again/);
  await page.screenshot({ path: path.join(screenshotDir, 'cloud-remove-confirm-restore-points.png'), animations: 'disabled' });
  await clouds.confirmation().getByRole('button', { name: 'Cancel' }).click();
  await expect(clouds.row('lab')).toBeVisible();
});
