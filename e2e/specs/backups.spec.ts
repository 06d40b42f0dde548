import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, screenshotDir, test } from '../fixtures/console';
import { BackupsPage } from '../pages/backups.page';
import { DestinationsPage } from '../pages/destinations.page';
import { ShellPage } from '../pages/shell.page';

const root = path.resolve(__dirname, '../..');

/** Another workstation's destination with two restore points of one disk, written by the `backstack` CLI. */
function otherWorkstationsDestination(home: string): string {
  const repo = path.join(home, 'shared-destination');
  const image = path.join(home, 'disk.img');
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [path.join(root, 'bin/backstack.cjs'), ...args], { env: { ...process.env, BACKSTACK_HOME: path.join(home, 'cli') } });
  cli('destination', 'folder', 'init', repo);
  for (const fill of ['first ', 'second ']) {
    fs.writeFileSync(image, Buffer.alloc(1024 * 1024, fill));
    cli('destination', 'folder', 'disk-backup', repo, '--image', image, '--id', 'web-1', '--disk', 'vda');
  }
  return repo;
}

test('protect a restore point from pruning: the badge shows it, and the prune preview keeps it', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  const backups = new BackupsPage(page);
  const destinations = new DestinationsPage(page);
  const repo = otherWorkstationsDestination(backstack.home);

  await page.goto(backstack.loginUrl);
  await shell.nav('Destinations').click();
  await destinations.addButton().click();
  await destinations.mode('Add an existing one').click();
  await destinations.field('Name').fill('shared');
  await destinations.field('Folder').fill(repo);
  await destinations.submit('Add').click();
  await expect(destinations.card('shared')).toContainText('Restore points');

  // Newest first: the second row is the older restore point, the one a "keep last 1" rule would remove.
  await shell.nav('Backups').click();
  await expect(backups.rows()).toHaveCount(2);
  await backups.rows().nth(1).click();
  await expect(backups.protectedBadge()).toHaveCount(0);
  await backups.action('Protect from pruning').click();
  await expect(backups.toast('web-1 protected from pruning')).toBeVisible();
  await expect(backups.protectedBadge()).toBeVisible();
  await expect(backups.rows().nth(1)).toContainText('protected');
  await expect(backups.rows().nth(0)).not.toContainText('protected');
  await expect(backups.action('Remove protection')).toBeVisible();
  await page.screenshot({ path: path.join(screenshotDir, 'backups-protected.png') });

  await shell.nav('Destinations').click();
  await destinations.card('shared').getByRole('button', { name: 'Prune…' }).click();
  for (const rule of ['daily', 'weekly', 'monthly'] as const) await destinations.keep('shared', rule).fill('');
  await destinations.keep('shared', 'last').fill('1');
  await destinations.card('shared').getByRole('button', { name: 'Preview' }).click();
  await expect(destinations.prunePreview('shared')).toContainText('2 kept, 0 would be removed');
  await expect(destinations.prunePreview('shared')).toContainText('protected from pruning');
  await page.screenshot({ path: path.join(screenshotDir, 'prune-preview-protected.png') });

  await shell.nav('Backups').click();
  await backups.rows().nth(1).click();
  await backups.action('Remove protection').click();
  await expect(backups.protectedBadge()).toHaveCount(0);
  await expect(backups.action('Protect from pruning')).toBeVisible();
});
