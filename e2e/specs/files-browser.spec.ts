// The file browser of a restore point whose disks hold a real ext4 file system (mkfs.ext4 -d, backed
// up into the console's destination): browse folders by the list, the tree, the path bar and the
// keyboard, preview a text file (a binary one says so), download a file (its sha256 is the
// original's) and folders (tar archives holding the expected names and bytes).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { screenshotDir } from '../fixtures/console';
import { expect, test } from '../fixtures/mock-cloud-console';
import { BackupsPage } from '../pages/backups.page';
import { FilesPage } from '../pages/files.page';
import { InventoryPage } from '../pages/inventory.page';
import { ShellPage } from '../pages/shell.page';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let work: string;
test.beforeEach(() => void (work = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-e2e-files-'))));
test.afterEach(() => fs.rmSync(work, { recursive: true, force: true }));
/** The sha256 of a file of the tree the disk was made from. */
const original = (rel: string) => sha256(fs.readFileSync(path.join(work, 'tree', rel)));

/** Extracts a downloaded tar archive with GNU tar into a new folder. */
function untar(file: string, name: string): string {
  const out = path.join(work, name);
  fs.mkdirSync(out);
  execFileSync('tar', ['-xf', file, '-C', out]);
  return out;
}

test('browse a restore point, preview a text file, download a file, a folder and a selection', async ({ page, mockCloud }) => {
  await mockCloud.command('seed-files-restore-point', work);
  await page.goto(mockCloud.loginUrl);
  await new ShellPage(page).nav('Backups').click();
  const backups = new BackupsPage(page);
  await backups.rows().filter({ hasText: 'demo-web-1' }).click();
  await backups.detail().getByRole('button', { name: 'Browse files…' }).click();

  const files = new FilesPage(page);
  await expect(new ShellPage(page).heading('Files of demo-web-1')).toBeVisible();
  // both disks of the restore point, each one ext4 file system without a partition table
  await expect(files.volume('vda')).toContainText('whole disk');
  await expect(files.volume('vda')).toContainText('ext4');
  await expect(files.volume('vda')).toContainText('“rootfs”');
  await expect(files.volume('vdb')).toContainText('ext4');
  await expect(files.row('etc')).toBeVisible();
  await expect(files.rows()).toHaveCount(6); // etc home lost+found srv usr var
  await page.screenshot({ path: path.join(screenshotDir, 'files-root.png'), animations: 'disabled' });

  // into a folder by a click, then into another with the keyboard (Enter opens, Backspace goes up)
  await files.row('etc').click();
  await expect(files.breadcrumbs()).toContainText('etc');
  await expect(files.row('passwd-link')).toContainText('→ /etc/passwd');
  await files.row('nginx').focus();
  await page.keyboard.press('Enter');
  await expect(files.pathField()).toHaveValue('/etc/nginx');
  await expect(files.row('current')).toContainText('→ nginx.conf');
  await files.row('nginx.conf').click();
  const firstLine = fs.readFileSync(path.join(work, 'tree/etc/nginx/nginx.conf'), 'utf8').split('\n')[0]!;
  await expect(files.preview().getByTestId('preview-text')).toContainText(firstLine);
  await expect(files.row('nginx.conf')).toContainText('-rw-r--r--');
  await page.screenshot({ path: path.join(screenshotDir, 'files-preview.png'), animations: 'disabled' });
  await files.row('nginx.conf').focus();
  await page.keyboard.press('Backspace');
  await expect(files.pathField()).toHaveValue('/etc');

  // a file downloads as itself
  await files.select('hostname').check();
  const one = await files.download(files.button('Download'));
  expect(one.name).toBe('hostname');
  expect(sha256(one.bytes)).toBe(original('etc/hostname'));

  // several entries download as one archive of them
  await files.select('nginx').check();
  const both = await files.download(files.button('Download 2 items'));
  expect(both.name).toBe('etc-selection.tar');
  const sel = untar(both.file, 'selection');
  expect(fs.readdirSync(sel).sort()).toEqual(['hostname', 'nginx']);
  expect(sha256(fs.readFileSync(path.join(sel, 'nginx/nginx.conf')))).toBe(original('etc/nginx/nginx.conf'));
  expect(fs.readlinkSync(path.join(sel, 'nginx/current'))).toBe('nginx.conf');

  // a path typed into the path bar; the folder shown downloads whole
  await files.goTo('/var/many');
  await expect(files.rows().first()).toBeVisible();
  await expect(page.getByText('300 entries')).toBeVisible();
  await expect(files.treeFolder('many')).toBeVisible();
  // sorted by name, then the other way round from its header
  await expect(files.rows().first()).toContainText('file-0000.log');
  await files.table().getByRole('button', { name: 'Name' }).click();
  await expect(files.rows().first()).toContainText('file-0299.log');
  // Space selects the focused row
  await files.rows().first().focus();
  await page.keyboard.press('Space');
  await expect(files.select('file-0299.log')).toBeChecked();
  await expect(page.getByText('300 entries, 1 selected')).toBeVisible();
  await files.button('Select all').click();
  await expect(page.getByText('300 entries, 300 selected')).toBeVisible();
  await files.button('Clear selection').click();
  const folder = await files.download(files.button('Download this folder'));
  expect(folder.name).toBe('many.tar');
  const many = untar(folder.file, 'many');
  const names = fs.readdirSync(path.join(many, 'many')).sort();
  expect(names).toHaveLength(300);
  for (const n of names) expect(sha256(fs.readFileSync(path.join(many, 'many', n)))).toBe(original(`var/many/${n}`));

  // a binary file is not shown as text
  await files.goTo('/usr/bin/tool');
  await expect(files.pathField()).toHaveValue('/usr/bin');
  await expect(files.preview().getByTestId('binary-note')).toContainText('A binary file (683.6 KiB)');
  await page.screenshot({ path: path.join(screenshotDir, 'files-binary.png'), animations: 'disabled' });

  // the tree opens folders too
  await files.treeFolder('home').click();
  await expect(files.pathField()).toHaveValue('/home');
  await expect(files.row('user')).toBeVisible();
});

test("the file browser opens from an instance's backup timeline; a missing path says so; files restore into a folder as a job", async ({
  page,
  mockCloud,
}) => {
  await mockCloud.command('seed-files-restore-point', work);
  await page.goto(mockCloud.loginUrl);
  await new ShellPage(page).nav('Inventory').click();
  const inventory = new InventoryPage(page);
  await inventory.row('demo-web-1').click();
  await page.getByRole('tab', { name: 'Backups' }).click();
  await page.getByTestId('backup-timeline').getByRole('button', { name: 'Browse files…' }).click();
  const files = new FilesPage(page);
  await expect(new ShellPage(page).heading('Files of demo-web-1')).toBeVisible();
  await files.goTo('/etc/shadow');
  await expect(page.getByRole('alert')).toContainText('/etc/shadow does not exist in this restore point.');
  await files.goTo('/etc/nginx/current/x');
  await expect(page.getByRole('alert')).toContainText('/etc/nginx/current is a symbolic link to nginx.conf; links are not followed');
  await page.screenshot({ path: path.join(screenshotDir, 'files-missing.png'), animations: 'disabled' });

  // the selection restored into a folder of this machine, as a job; an existing file is kept
  await files.goTo('/etc');
  await files.select('nginx').check();
  await files.select('hostname').check();
  await files.button('Restore to folder…').click();
  const dialog = files.restoreDialog('2 entries');
  const out = path.join(work, 'restored');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'hostname'), 'mine\n');
  await dialog.getByLabel('Folder').fill(out);
  await page.screenshot({ path: path.join(screenshotDir, 'files-restore-to-folder.png'), animations: 'disabled' });
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(dialog).toBeHidden();
  await new ShellPage(page).nav('Jobs').click();
  await expect(page.getByTestId('jobs-table').getByTestId('row').filter({ hasText: 'File restore' })).toContainText('warning');
  expect(sha256(fs.readFileSync(path.join(out, 'nginx/nginx.conf')))).toBe(original('etc/nginx/nginx.conf'));
  expect(fs.readlinkSync(path.join(out, 'nginx/current'))).toBe('nginx.conf');
  expect(fs.readFileSync(path.join(out, 'hostname'), 'utf8')).toBe('mine\n');
});

test('search across restore points: each path once with its versions side by side; a version opens its restore point at the file', async ({ page, mockCloud }) => {
  await mockCloud.command('seed-files-search', work);
  await page.goto(mockCloud.loginUrl);
  await new ShellPage(page).nav('Files').click();
  const files = new FilesPage(page);
  await files.searchFor('hostname');
  // two disks (vda, vdb) hold the same file system: a path per disk, each with two versions
  await expect(files.searchSummary()).toContainText('2 paths in 3 restore points');
  const hit = files.searchHits().filter({ hasText: 'demo-web-1 · vda' });
  await expect(hit).toContainText('/etc/hostname');
  const versions = hit.getByTestId('search-version');
  await expect(versions).toHaveCount(2);
  await expect(versions.nth(0)).toContainText('6 B');
  await expect(versions.nth(0)).toContainText('in the restore point of');
  await expect(versions.nth(0)).not.toContainText('changed');
  await expect(versions.nth(1)).toContainText('8 B');
  await expect(versions.nth(1)).toContainText('changed');
  await expect(versions.nth(1)).toContainText('in 2 restore points');
  await page.screenshot({ path: path.join(screenshotDir, 'files-search.png'), animations: 'disabled' });

  // the older version opens its restore point at /etc, the file previewed
  await versions.nth(0).getByRole('button', { name: 'Open' }).click();
  await expect(new ShellPage(page).heading('Files of demo-web-1')).toBeVisible();
  await expect(files.pathField()).toHaveValue('/etc');
  await expect(files.preview().getByTestId('preview-text')).toContainText('web-1');
  await expect(files.preview().getByTestId('preview-text')).not.toContainText('web-one');

  // from the browser: a glob within this instance, in a drawer
  await page.getByRole('button', { name: 'Search restore points…' }).click();
  const drawer = page.getByRole('dialog', { name: 'Files of demo-web-1 over time' });
  await files.searchFor('/etc/nginx/*.conf', drawer);
  await expect(drawer.getByTestId('search-summary')).toContainText('2 paths in 3 restore points');
  await expect(drawer.getByTestId('search-hit').first()).toContainText('/etc/nginx/nginx.conf');
  await expect(drawer.getByTestId('search-hit').first().getByTestId('search-version')).toHaveCount(1);
  await expect(drawer.getByTestId('search-hit').first()).toContainText('in 3 restore points');
  await page.screenshot({ path: path.join(screenshotDir, 'files-search-drawer.png'), animations: 'disabled' });
  // a glob with no match says so
  await files.searchFor('*.nothing', drawer);
  await expect(drawer.getByTestId('search-summary')).toContainText('Nothing found in 3 restore points');
});
