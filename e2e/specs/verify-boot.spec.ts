// Verified restores from the UI: "Verify by booting…" on a restore point asks for the sandbox
// project the first time, the check boots the restore point there and removes it, and the result
// shows on the restore point and on the instance's timeline, its evidence a click away. Against the
// MockAgent cloud (e2e/mock-cloud/console-main.ts), with hypervisors that write nothing.
import path from 'node:path';
import { screenshotDir } from '../fixtures/console';
import { expect, test } from '../fixtures/mock-cloud-console';
import { BackupsPage } from '../pages/backups.page';
import { InventoryPage } from '../pages/inventory.page';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';

test('a restore point verified by booting it in the sandbox project shows "verified bootable" with its console', async ({ page, mockCloud }) => {
  await mockCloud.command('seed-instance-restore-point');
  await mockCloud.command('sandbox-network');
  const shell = new ShellPage(page);
  const backups = new BackupsPage(page);
  const jobs = new JobsPage(page);
  const inventory = new InventoryPage(page);
  await page.goto(mockCloud.loginUrl);
  await shell.nav('Backups').click();
  await backups.rows().filter({ hasText: 'demo-web-1' }).click();
  await backups.action('Verify by booting…').click();
  const dialog = page.getByRole('dialog', { name: 'Verify demo-web-1 by booting it' });

  // the first time: no sandbox yet, nothing can start until one is chosen
  const start = dialog.getByRole('button', { name: 'Boot and check' });
  await expect(start).toBeDisabled();
  await expect(dialog).toContainText('Boot checks of this cloud run in this project from now on.');
  await backups.choose(dialog, 'Sandbox project', 'admin');
  await page.screenshot({ path: path.join(screenshotDir, 'verify-boot-dialog.png') });
  await start.click();
  await expect(dialog).toBeHidden();

  await shell.nav('Jobs').click();
  await jobs.rows().filter({ hasText: 'Verify by booting' }).click();
  await mockCloud.command('finish-disk-writes');
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('succeeded');
  await expect(jobs.detail()).toContainText(/Verified bootable: a login prompt on the console \("bsk-verify-demo-web-1-\d{8}-\d{4} login:"\)/);
  await expect(jobs.log()).toContainText('Removed the server bsk-verify-demo-web-1-');

  // on the restore point: the badge, and the evidence a click away
  await shell.nav('Backups').click();
  await backups.rows().filter({ hasText: 'demo-web-1' }).click();
  const badge = backups.detail().getByTestId('verification-badge');
  await expect(badge).toHaveText(/^verified bootable on \d{4}-\d\d-\d\d$/);
  await page.screenshot({ path: path.join(screenshotDir, 'verify-boot-detail.png') });

  // the second time the sandbox is remembered
  await backups.action('Verify by booting…').click();
  await expect(dialog.getByRole('combobox', { name: 'Sandbox project' })).toHaveValue('admin');
  await expect(dialog).toContainText('changing it here changes it for the next checks');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // on the instance's timeline
  await shell.nav('Inventory').click();
  await inventory.row('demo-web-1').click();
  await inventory.detail().getByRole('tab', { name: 'Backups' }).click();
  const timeline = inventory.detail().getByTestId('backup-timeline');
  await timeline.getByTestId('verification-badge').click();
  const evidence = page.getByTestId('verification-evidence');
  await expect(evidence).toContainText('Booted: a login prompt on the console');
  // the mock cloud's image declares no guest agent: said, not asked
  await expect(evidence).toContainText('guest agent not asked');
  await expect(evidence).toContainText(/removed afterwards: server bsk-verify-demo-web-1-.*, volume bsk-verify-demo-web-1-.*-vdb/);
  await expect(evidence.locator('pre')).toContainText('login:');
  await page.screenshot({ path: path.join(screenshotDir, 'verify-boot-timeline.png') });
});
