// Restoring less than a whole instance from the UI: one disk of a restore point as a new volume
// attached to an instance ("Restore as volume…" in the restore point's detail), and in the restore
// dialog each volume's type chosen and a disk left out. Against the MockAgent cloud
// (e2e/mock-cloud/console-main.ts), with hypervisors that write nothing.
import path from 'node:path';
import { screenshotDir } from '../fixtures/console';
import { expect, test } from '../fixtures/mock-cloud-console';
import { BackupsPage } from '../pages/backups.page';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';

test('a disk of a restore point comes back as a new volume, checked first, attached to the instance chosen', async ({ page, mockCloud }) => {
  await mockCloud.command('seed-instance-restore-point');
  await mockCloud.command('admin-instance');
  const shell = new ShellPage(page);
  const backups = new BackupsPage(page);
  const jobs = new JobsPage(page);
  await page.goto(mockCloud.loginUrl);
  await shell.nav('Backups').click();
  const dialog = await backups.openRestoreVolume('demo-web-1', 'vdb');
  const restore = dialog.getByRole('button', { name: 'Restore volume' });

  // The original project is one the cloud's account has no role in: said at once, nothing can start.
  await expect(dialog.getByTestId('preflight-blocker')).toContainText('No account of this cloud can work in project demo (p-demo)');
  await expect(restore).toBeDisabled();

  // Into the admin's project, of another type, attached to its instance.
  await backups.choose(dialog, 'Project', 'admin');
  await expect(dialog.getByRole('textbox', { name: 'Volume name' })).toHaveAttribute('placeholder', /^demo-web-1-vdb-restored-\d{4}-\d\d-\d\d$/);
  await expect(dialog.getByRole('combobox', { name: 'Volume type' })).toHaveAttribute('placeholder', 'ceph-rbd (original)');
  await backups.choose(dialog, 'Volume type', '__DEFAULT__');
  await backups.choose(dialog, 'Attach to instance', 'admin-db');
  await dialog.getByRole('textbox', { name: 'Volume name' }).fill('data-back');
  await expect(dialog.getByTestId('preflight-verdict')).toHaveText('Nothing blocks the restore.');
  await expect(dialog.getByTestId('preflight-info')).toContainText('Disk vdb: A new volume of type __DEFAULT__.');
  await expect(dialog.getByTestId('preflight-info')).toContainText('Instance admin-db: The volume is attached to admin-db (s-admin) once written.');
  await page.screenshot({ path: path.join(screenshotDir, 'restore-volume-dialog.png') });
  await restore.click();
  await expect(dialog).toBeHidden();

  await shell.nav('Jobs').click();
  const job = jobs.rows().filter({ hasText: 'Restore volume' });
  await job.click();
  await mockCloud.command('finish-disk-writes');
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('succeeded');
  await expect(jobs.detail()).toContainText(/Volume data-back \(v-new-\d+\) restored from disk vdb and attached to admin-db \(s-admin\)\./);
});

test('the restore dialog sets the zone, gives each volume its type and leaves out the disks unticked, the boot disk always restored', async ({ page, mockCloud }) => {
  await mockCloud.command('seed-instance-restore-point');
  const shell = new ShellPage(page);
  const backups = new BackupsPage(page);
  const jobs = new JobsPage(page);
  await page.goto(mockCloud.loginUrl);
  await shell.nav('Backups').click();
  const dialog = await backups.openRestore('demo-web-1');
  await backups.restoreChoice('demo-web-1', 'Target project', 'admin');
  await backups.restoreChoice('demo-web-1', 'Access key (key pair)', 'admin-key');

  // the server's zone: one of Nova's, each offered once
  await dialog.getByRole('combobox', { name: 'Availability zone' }).click();
  await expect(page.getByRole('option')).toHaveText(['nova', 'raw']);
  await page.getByRole('option', { name: 'raw', exact: true }).click();
  await expect(dialog.getByTestId('preflight-info')).toContainText('Availability zone raw: The instance is created in this zone.');

  // the boot disk cannot be left out; the volume can, and takes another type
  await expect(dialog.getByRole('checkbox', { name: /^vda · .* local disk \(boot, always restored\)$/ })).toBeDisabled();
  const vdb = dialog.getByRole('checkbox', { name: /^vdb · .* volume$/ });
  await vdb.uncheck();
  await expect(dialog.getByTestId('preflight-info')).toContainText('Left out (not restored): vdb.');
  await expect(dialog.getByRole('combobox', { name: 'Volume type of vdb' })).toBeDisabled();
  await vdb.check();
  await backups.restoreChoice('demo-web-1', 'Volume type of vdb', '__DEFAULT__');
  await expect(dialog.getByTestId('preflight-info')).toContainText('Disk vdb: A new volume of type __DEFAULT__.');
  await expect(dialog.getByTestId('preflight-verdict')).toHaveText('Nothing blocks the restore.');
  await page.screenshot({ path: path.join(screenshotDir, 'restore-disks.png') });
  await dialog.getByRole('button', { name: 'Restore' }).click();

  await shell.nav('Jobs').click();
  await jobs.rows().filter({ hasText: 'Restore' }).click();
  await mockCloud.command('finish-disk-writes');
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('succeeded');
  await expect(jobs.log()).toContainText(/Volume v-new-\d+ \(type __DEFAULT__\) created for vdb/);
});
