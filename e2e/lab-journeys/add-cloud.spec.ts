// The first journey of an administrator, against the lab's real OpenStack: add the cloud from its
// openrc file, test the connection, save; the first sync fills the inventory tree and table.
import fs from 'node:fs';
import path from 'node:path';
import { expect, screenshotDir, test } from '../fixtures/console';
import { InventoryPage } from '../pages/inventory.page';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';
import { WizardPage } from '../pages/wizard.page';

const labState = process.env.LAB_DIR ?? path.resolve(__dirname, '../lab/state');
const openrc = path.join(labState, 'admin-openrc');
const seed = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../lab/seed.json'), 'utf8')) as { servers: { name: string; project: string; tags?: string[] }[] };

test('add the lab from its openrc, test, save, and browse the synced inventory', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  const wizard = new WizardPage(page);
  const inventory = new InventoryPage(page);
  const jobs = new JobsPage(page);
  await page.goto(backstack.loginUrl);
  // A first start opens the guided setup; this journey adds the cloud from the Clouds page.
  await shell.nav('Clouds').click();
  await page.getByRole('button', { name: 'Add a cloud' }).first().click();

  await wizard.importFile(openrc);
  await expect(wizard.field('Keystone URL')).toHaveValue(/^http:\/\/127\.0\.0\.1:5000\/v3$/);
  await wizard.field('Name').fill('lab');
  await page.screenshot({ path: path.join(screenshotDir, 'wizard-1-cloud.png') });
  await wizard.next().click();
  await expect(wizard.field('User')).toHaveValue('admin');
  await expect(wizard.field('Default project')).toHaveValue('admin');
  await wizard.next().click();

  await expect(wizard.connectionTest()).toContainText('Connection works', { timeout: 60_000 });
  for (const service of ['compute', 'block-storage', 'image', 'network', 'identity']) await expect(wizard.servicesTable()).toContainText(new RegExp(service, 'i'));
  await expect(wizard.servicesTable()).toContainText(/2\.\d+/);
  await page.screenshot({ path: path.join(screenshotDir, 'wizard-3-test.png') });
  await wizard.save().click();
  await expect(wizard.dialog()).toBeHidden();
  await expect(page.getByTestId('providers-table')).toContainText('lab');

  await shell.nav('Jobs').click();
  await jobs.rows().filter({ hasText: 'Inventory sync' }).first().click();
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('succeeded', { timeout: 120_000 });
  await expect(jobs.log()).toContainText('Inventory stored');

  await shell.nav('Inventory').click();
  // Every seeded server, and whatever other admins (or other test runs) created in the cloud meanwhile.
  const shown = async () => Number(/(\d+) instances?/.exec((await inventory.count().textContent()) ?? '')?.[1] ?? 0);
  await expect.poll(shown, { timeout: 30_000 }).toBeGreaterThanOrEqual(seed.servers.length);
  await inventory.treeNode('provider', 'lab').click();
  await inventory.treeNode('domain', 'acme').click();
  await inventory.treeNode('project', 'acme-prod').click();
  const acmeProd = seed.servers.filter((s) => s.project === 'acme-prod');
  await expect(inventory.count()).toContainText(`${acmeProd.length} instance`);
  await page.screenshot({ path: path.join(screenshotDir, 'inventory-tree.png') });

  // Search matches names, tags, hosts, statuses: the tag "erp" finds the servers carrying it.
  await inventory.search().fill('erp');
  await expect(inventory.table().getByTestId('row')).toHaveCount(acmeProd.filter((s) => s.tags?.includes('erp')).length);
  await inventory.search().fill('');
  await inventory.row('acme-app-1').click();
  await expect(inventory.detail()).toContainText('instance-');
  await inventory.detail().getByRole('tab', { name: /Disks/ }).click();
  await expect(inventory.detail()).toContainText('acme-db');
  await page.screenshot({ path: path.join(screenshotDir, 'inventory-detail.png') });
});
