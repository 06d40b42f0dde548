// Cinder volumes in the inventory, each backed up on its own through the cloud's proxy VM (disk
// attachment): listed with their protection, refused at once while the cloud has no proxy VM, queued
// once one is added, and (no SSH server answers behind the MockAgent cloud) failed with the SSH
// problem in words. A volume's restore point comes back as a new volume from the same detail.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { screenshotDir } from '../fixtures/console';
import { expect, test } from '../fixtures/mock-cloud-console';
import { BackupsPage } from '../pages/backups.page';
import { CloudsPage } from '../pages/clouds.page';
import { InventoryPage } from '../pages/inventory.page';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';

test('a volume is backed up on its own: never backed up, refused without a proxy VM, queued once one is added, failing with the SSH problem said', async ({
  page,
  mockCloud,
}) => {
  await mockCloud.command('add-cloud');
  await mockCloud.command('add-destination');
  await mockCloud.command('proxy-instance'); // an instance to use as the proxy VM, and the cloud synced
  const inventory = new InventoryPage(page);
  const shell = new ShellPage(page);
  await page.goto(mockCloud.loginUrl);
  await shell.nav('Inventory').click();
  await inventory.show('Volumes').click();
  await expect(page).toHaveURL(/#\/inventory\/volumes$/);
  await expect(inventory.volumeCount()).toHaveText('3 volumes');
  await expect(inventory.volumes().getByRole('columnheader')).toHaveText([
    'Name',
    'Project',
    'Size',
    'Status',
    'Attached to',
    'Type',
    'Last backup',
    '',
  ]);
  await expect(inventory.volume('demo-data').getByRole('gridcell')).toHaveText([
    'demo-data',
    'demo',
    '1 GiB',
    'in-use',
    'demo-web-1 (/dev/vdb)',
    'ceph-rbd',
    'never backed up',
  ]);
  await expect(inventory.volume('acme-db').getByRole('gridcell')).toHaveText([
    'acme-db',
    'acme-prod',
    '2 GiB',
    'available',
    '-',
    'ceph-rbd',
    'never backed up',
  ]);
  await expect(inventory.volume('demo-boot')).toContainText('never backed up');
  await page.screenshot({ path: path.join(screenshotDir, 'volumes-list.png') });

  // The tree scopes the volumes as it scopes the instances.
  await inventory.treeNode('provider', 'mock').click();
  await inventory.treeNode('domain', 'acme').click();
  await inventory.treeNode('project', 'acme-prod').click();
  await expect(inventory.volumeCount()).toHaveText('1 volume in project acme-prod');
  await expect(inventory.volumes().getByTestId('row')).toHaveText([/^acme-db/]);

  // No proxy VM yet: the detail says so, and "Back up now" is refused by the core at once, in words.
  await inventory.volume('acme-db').click();
  const detail = inventory.volumeDetail('acme-db');
  await expect(
    detail
      .getByTestId('volume-overview')
      .getByRole('row', { name: /^Attached to/ })
      .getByRole('cell'),
  ).toHaveText('no instance');
  await expect(detail.getByTestId('no-volume-backup')).toHaveText('No backup of this volume on its own yet.');
  await expect(detail.getByTestId('no-proxy-note')).toHaveText('mock has no proxy VM yet: a volume is read on one. Add one on the Clouds page.');
  await detail.getByRole('button', { name: 'Back up now' }).click();
  const refused = inventory.toast('Back up now: failed');
  await expect(refused).toContainText(
    'mock has no proxy VM, which the disk-attachment strategy reads volumes on. Add one on the Clouds page (Proxy VMs of mock)',
  );
  await page.screenshot({ path: path.join(screenshotDir, 'volume-backup-refused.png'), animations: 'disabled' });
  await refused.getByRole('button').click(); // closed: the next failure is the job's

  // A proxy VM added on the Clouds page, reached from the note (nothing listens at its address).
  const keyFile = test.info().outputPath('id_ed25519');
  fs.mkdirSync(path.dirname(keyFile), { recursive: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'backstack@e2e', '-f', keyFile]);
  await detail.getByRole('link', { name: 'Clouds page' }).click();
  await expect(shell.heading('Clouds')).toBeVisible();
  const clouds = new CloudsPage(page);
  await clouds.proxies('mock').getByRole('button', { name: 'Add proxy VM…' }).click();
  const form = clouds.addProxyModal('mock');
  await form.getByRole('textbox', { name: 'Instance' }).fill('backup-proxy');
  await form.getByRole('textbox', { name: 'Address' }).fill('127.0.0.1');
  await form.getByRole('textbox', { name: 'Port' }).fill('1');
  await form.getByRole('textbox', { name: 'User' }).fill('debian');
  await form.getByRole('textbox', { name: 'Private key' }).fill(fs.readFileSync(keyFile, 'utf8'));
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(form).toBeHidden();
  await expect(clouds.proxy('mock', 'backup-proxy')).toBeVisible();

  // Back to the volume (the tree kept its project): the backup is queued, then fails on SSH.
  await shell.nav('Inventory').click();
  await inventory.show('Volumes').click();
  await expect(inventory.volumeCount()).toHaveText('1 volume in project acme-prod');
  await inventory.volume('acme-db').click();
  await expect(detail.getByTestId('no-proxy-note')).toHaveCount(0);
  await detail.getByRole('button', { name: 'Back up now' }).click();
  await expect(inventory.toast('Backup of acme-db started')).toContainText(/Follow job \w{8} in Jobs\./);
  const failed = inventory.toast('Volume backup failed');
  await expect(failed).toContainText('Cannot connect to proxy backup-proxy (debian@127.0.0.1:1) over SSH');
  await expect(failed).toContainText('ECONNREFUSED');
  await page.screenshot({ path: path.join(screenshotDir, 'volume-backup-failed.png'), animations: 'disabled' });
  await expect(inventory.volume('acme-db')).toContainText('never backed up');

  // A full backup from the menu is queued the same way once the first has ended.
  await detail.getByRole('button', { name: 'Backup kind' }).click();
  await page.getByRole('menuitem', { name: 'Full backup' }).click();
  await expect(inventory.toast('Backup of acme-db started')).toHaveCount(2);
  await expect(inventory.toast('Volume backup failed')).toHaveCount(2);

  // The Jobs page has both, failed, with the same words in the log. (Escape closes the drawer once the menu has let go of the focus.)
  await expect(async () => {
    await page.keyboard.press('Escape');
    await expect(detail).toBeHidden({ timeout: 1_000 });
  }).toPass();
  await shell.nav('Jobs').click();
  const jobs = new JobsPage(page);
  await expect(jobs.rows().filter({ hasText: 'volume acme-db (mock)' })).toHaveCount(2);
  await jobs.rows().filter({ hasText: 'volume acme-db (mock)' }).first().click();
  await expect(jobs.detail()).toContainText('failed');
  await expect(jobs.log()).toContainText('Cannot connect to proxy backup-proxy (debian@127.0.0.1:1) over SSH');
  await page.screenshot({ path: path.join(screenshotDir, 'volume-backup-job.png') });
});

test("a volume's restore point shows its age in the list and in the detail's timeline, and is restored as a new volume from there", async ({
  page,
  mockCloud,
}) => {
  await mockCloud.command('add-cloud');
  await mockCloud.command('add-destination');
  await mockCloud.command('proxy-instance');
  await mockCloud.command('seed-volume-restore-point');
  const inventory = new InventoryPage(page);
  await page.goto(mockCloud.loginUrl);
  await new ShellPage(page).nav('Inventory').click();
  await inventory.show('Volumes').click();
  await expect(inventory.volume('acme-db').getByRole('gridcell').nth(6)).toHaveText('just now');
  await expect(inventory.volume('demo-data').getByRole('gridcell').nth(6)).toHaveText('never backed up');
  // Sorting by the last backup puts the volumes never backed up first.
  await inventory.volumes().getByRole('columnheader', { name: 'Last backup', exact: true }).click();
  await expect(inventory.volumes().getByTestId('row').last()).toContainText('acme-db');

  await inventory.volume('acme-db').click();
  const detail = inventory.volumeDetail('acme-db');
  const timeline = detail.getByTestId('backup-timeline');
  await expect(timeline).toContainText('full');
  await expect(timeline).toContainText('volume — 1.0 MiB restorable');
  await page.screenshot({ path: path.join(screenshotDir, 'volume-detail-restore-points.png') });
  await timeline.getByRole('button', { name: 'Restore as a volume…' }).click();
  const modal = page.getByRole('dialog', { name: 'Restore volume acme-db as a new volume' });
  await expect(modal).toBeVisible();
  const day = new Date().toISOString().slice(0, 10);
  await expect(modal.getByRole('textbox', { name: 'Volume name' })).toHaveAttribute('placeholder', `acme-db-volume-restored-${day}`);
  // The admin has no role in the original project (acme-prod): said at once.
  const restore = modal.getByRole('button', { name: 'Restore volume' });
  await expect(modal.getByTestId('preflight-blocker')).toContainText('No account of this cloud can work in project acme-prod (p-prod)');
  await expect(restore).toBeDisabled();
  // Into the admin's project: a volume's restore point is written on the proxy VM, and the cloud has none yet: said before anything is created.
  await new BackupsPage(page).choose(modal, 'Project', 'admin');
  await expect(modal.getByTestId('preflight-blocker')).toContainText('mock has no proxy VM');
  await expect(restore).toBeDisabled();
  await page.screenshot({ path: path.join(screenshotDir, 'volume-restore-modal.png') });
});
