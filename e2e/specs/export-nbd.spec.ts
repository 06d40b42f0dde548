// A disk of a restore point exported as a block device from its detail: the connection strings
// are shown and copied, a real NBD client (qemu-img, run here on the machine the console runs on)
// reads the disk through them, and Stop ends the export.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { testCertificates } from '../../electron/export/nbd/testing/certificates';
import { screenshotDir } from '../fixtures/console';
import type { Page } from '@playwright/test';
import { expect, test, type MockCloudConsole } from '../fixtures/mock-cloud-console';
import { BackupsPage } from '../pages/backups.page';
import { ShellPage } from '../pages/shell.page';

const run = promisify(execFile);
/** The Backups page with the mock cloud's restore point of demo-web-1 selected. */
async function restorePointDetail(page: Page, mockCloud: MockCloudConsole): Promise<BackupsPage> {
  await mockCloud.command('seed-instance-restore-point');
  await page.goto(mockCloud.loginUrl);
  await new ShellPage(page).nav('Backups').click();
  const backups = new BackupsPage(page);
  await backups.rows().filter({ hasText: 'demo-web-1' }).click();
  return backups;
}

const qemuImgInfo = async (url: string) => JSON.parse((await run('qemu-img', ['info', '--output=json', url])).stdout) as { 'virtual-size': number };

test('export a disk of a restore point as a block device, read it over NBD, copy its URL, and stop it', async ({ page, context, mockCloud }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const backups = await restorePointDetail(page, mockCloud);

  await backups.disk('vdb').getByRole('button', { name: 'Export as block device' }).click();
  const dialog = backups.exportDialog('vdb', 'demo-web-1');
  await expect(dialog.getByLabel('Listen on')).toHaveAttribute('placeholder', '127.0.0.1:10809');
  await dialog.getByRole('button', { name: 'Start export' }).click();
  await expect(dialog).toContainText('Served read-only.');
  const url = (await dialog.getByTestId('copy-value').first().textContent())!;
  expect(url).toMatch(/^nbd:\/\/127\.0\.0\.1:\d+\/demo-web-1-\S+-vdb$/);
  await expect(dialog).toContainText(`sudo qemu-nbd --connect=/dev/nbd0 --format=raw --read-only ${url}`);
  await page.screenshot({ path: path.join(screenshotDir, 'export-nbd-connection.png'), animations: 'disabled' });

  // a real client reads the disk through the URL shown
  expect((await qemuImgInfo(url))['virtual-size']).toBe(1024 * 1024);
  await dialog.getByRole('button', { name: 'Copy NBD URL' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);

  // closed, the dialog leaves the export running: the disk says so
  await dialog.getByRole('button', { name: 'Close (keeps it running)' }).click();
  await expect(dialog).toBeHidden();
  await expect(backups.disk('vdb')).toContainText('exported');
  await expect(backups.disk('vdb')).toContainText(url);
  await expect(backups.disk('vda')).not.toContainText('exported');
  await page.screenshot({ path: path.join(screenshotDir, 'export-nbd-detail.png'), animations: 'disabled' });

  await backups.disk('vdb').getByRole('button', { name: 'Connection…' }).click();
  await dialog.getByRole('button', { name: 'Stop export' }).click();
  await expect(dialog).toBeHidden();
  await expect(backups.disk('vdb')).not.toContainText('exported');
  await expect(qemuImgInfo(url)).rejects.toThrow(/Connection refused|Failed to connect|export/i);
});

test('a writable export on a chosen address, and an address that is not one refused with what to give', async ({ page, mockCloud }) => {
  const backups = await restorePointDetail(page, mockCloud);
  await backups.disk('vda').getByRole('button', { name: 'Export as block device' }).click();
  const dialog = backups.exportDialog('vda', 'demo-web-1');
  await dialog.getByLabel('Listen on').fill('nas.example:10809');
  await dialog.getByRole('button', { name: 'Start export' }).click();
  await expect(dialog).toContainText('give an IP address and port to listen on, such as 127.0.0.1:10809');
  await page.screenshot({ path: path.join(screenshotDir, 'export-nbd-start.png'), animations: 'disabled' });

  await dialog.getByLabel('Listen on').fill('127.0.0.1:0');
  await dialog.getByLabel('Writable').check();
  await dialog.getByRole('button', { name: 'Start export' }).click();
  await expect(dialog).toContainText('writes go to a temporary overlay that is deleted when the export stops');
  const url = (await dialog.getByTestId('copy-value').first().textContent())!;
  const io = (await run('qemu-io', ['-f', 'raw', '-c', 'write -P 0x42 0 4096', '-c', 'read -P 0x42 0 4096', url])).stdout;
  expect(io).toContain('read 4096/4096');
  expect(io).not.toMatch(/fail/i);
  await page.screenshot({ path: path.join(screenshotDir, 'export-nbd-writable.png'), animations: 'disabled' });
  await dialog.getByRole('button', { name: 'Stop export' }).click();
  await expect(dialog).toBeHidden();
});

test('an export that requires TLS, read by qemu-img with the CA that signed its certificate', async ({ page, mockCloud }) => {
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-e2e-certs-'));
  try {
    await tlsJourney(page, mockCloud, testCertificates(certDir));
  } finally {
    fs.rmSync(certDir, { recursive: true, force: true });
  }
});

async function tlsJourney(page: Page, mockCloud: MockCloudConsole, certs: ReturnType<typeof testCertificates>): Promise<void> {
  const backups = await restorePointDetail(page, mockCloud);
  await backups.disk('vda').getByRole('button', { name: 'Export as block device' }).click();
  const dialog = backups.exportDialog('vda', 'demo-web-1');
  await dialog.getByLabel('Require TLS').check();
  await expect(dialog.getByRole('button', { name: 'Start export' })).toBeDisabled();
  await dialog.getByLabel('Certificate (PEM file)').fill(certs.cert);
  await dialog.getByLabel('Private key (PEM file)').fill(certs.key);
  await dialog.getByRole('button', { name: 'Start export' }).click();
  await expect(dialog).toContainText('TLS is required: CA_DIR below is a folder holding ca-cert.pem');
  const url = (await dialog.getByTestId('copy-value').first().textContent())!;
  expect(url).toMatch(/^nbds:\/\/127\.0\.0\.1:\d+\//);
  const shown = (await dialog.getByTestId('copy-value').nth(1).textContent())!;
  const [, ...args] = shown.replace('CA_DIR', certs.caDir).split(' ');
  const info = JSON.parse((await run('qemu-img', [args[0]!, '--output=json', ...args.slice(1)])).stdout) as { 'virtual-size': number };
  expect(info['virtual-size']).toBe(1024 * 1024);
  await page.screenshot({ path: path.join(screenshotDir, 'export-nbd-tls.png'), animations: 'disabled' });
  await dialog.getByRole('button', { name: 'Stop export' }).click();
  await expect(backups.disk('vda')).not.toContainText('exported');
}
