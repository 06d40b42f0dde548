// Files of a restore point written back into a running instance (the console's core reaches a fake
// guest agent; the lab test e2e/lab/tests/files-guest.test.ts does it through a real one): the
// dialog proposes the restore point's own instance and the folder the selection came from, the job
// writes the files, and what the guest had changed since is kept as .orig.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { screenshotDir } from '../fixtures/console';
import { expect, test } from '../fixtures/mock-cloud-console';
import { BackupsPage } from '../pages/backups.page';
import { FilesPage } from '../pages/files.page';
import { ShellPage } from '../pages/shell.page';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let work: string;
test.beforeEach(() => void (work = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-e2e-guest-'))));
test.afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

test('restore a selection into the running instance: own instance and folder proposed, existing file kept as .orig', async ({ page, mockCloud }) => {
  await mockCloud.command('seed-files-restore-point', work);
  await page.goto(mockCloud.loginUrl);
  await new ShellPage(page).nav('Backups').click();
  const backups = new BackupsPage(page);
  await backups.rows().filter({ hasText: 'demo-web-1' }).click();
  await backups.detail().getByRole('button', { name: 'Browse files…' }).click();
  const files = new FilesPage(page);
  await files.goTo('/etc');
  await files.select('nginx').check();
  await files.select('hostname').check();
  await page.screenshot({ path: path.join(screenshotDir, 'files-into-instance-toolbar.png'), animations: 'disabled' });
  await files.button('Restore into instance…').click();

  const dialog = files.intoInstanceDialog('2 entries');
  await expect(dialog.getByRole('combobox', { name: 'Instance' })).toHaveValue(/^demo-web-1 · .* — backed up here$/);
  await expect(dialog.getByRole('textbox', { name: 'Folder in the instance' })).toHaveValue('/etc');
  await expect(dialog.getByText('Existing files are kept next to the restored ones, as NAME.orig.')).toBeVisible();
  await page.screenshot({ path: path.join(screenshotDir, 'files-into-instance.png'), animations: 'disabled' });
  // a relative folder is refused before anything starts
  await dialog.getByRole('textbox', { name: 'Folder in the instance' }).fill('etc');
  await expect(dialog.getByText('Give the whole path, from / in the guest.')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Restore into instance' })).toBeDisabled();
  await dialog.getByRole('textbox', { name: 'Folder in the instance' }).fill('/etc');
  await dialog.getByRole('button', { name: 'Restore into instance' }).click();
  await expect(dialog).toBeHidden();

  await new ShellPage(page).nav('Jobs').click();
  const row = page.getByTestId('jobs-table').getByTestId('row').filter({ hasText: 'File restore into instance' });
  await expect(row).toContainText('succeeded');
  await row.click();
  await expect(page.getByText('/etc/hostname was in the way: kept as /etc/hostname.orig.')).toBeVisible();
  await page.screenshot({ path: path.join(screenshotDir, 'files-into-instance-job.png'), animations: 'disabled' });

  const guest = path.join(work, 'guest');
  await mockCloud.command('save-guest-files', guest);
  const tree = (rel: string) => sha256(fs.readFileSync(path.join(work, 'tree', rel)));
  expect(sha256(fs.readFileSync(path.join(guest, 'etc/nginx/nginx.conf')))).toBe(tree('etc/nginx/nginx.conf'));
  expect(sha256(fs.readFileSync(path.join(guest, 'etc/hostname')))).toBe(tree('etc/hostname'));
  expect(fs.readFileSync(path.join(guest, 'etc/hostname.orig'), 'utf8')).toBe('edited in the guest\n');
});
