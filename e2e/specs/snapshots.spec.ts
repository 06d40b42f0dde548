import path from 'node:path';
import { cloudTest as test, expect, screenshotDir } from '../fixtures/console';
import { InventoryPage } from '../pages/inventory.page';

// A console over the synced MockAgent cloud: demo-web-1 has its data volume attached as /dev/vdb,
// and the cloud holds one snapshot of it that Backstack did not make.

test('take a volume snapshot of an instance from its detail, see it listed as made here, delete it', async ({ page, backstack }) => {
  const inventory = new InventoryPage(page);
  await inventory.open(backstack);
  await inventory.row('demo-web-1').click();
  const detail = inventory.detail();
  await detail.getByRole('tab', { name: 'Snapshots' }).click();
  const table = detail.getByTestId('instance-snapshots');
  await expect(table.getByTestId('row')).toHaveCount(1);
  await expect(table.getByTestId('row').first()).toContainText(/demo-data-snap-1.*of volume \/dev\/vdb.*available.*the cloud/);

  await detail.getByRole('button', { name: 'Take snapshot…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Take a snapshot of demo-web-1' });
  await expect(dialog.getByLabel('Name')).toHaveValue(/^demo-web-1-snapshot-\d{12}$/);
  await dialog.getByRole('combobox', { name: 'Of' }).click();
  await page.getByRole('option', { name: /Volume \/dev\/vdb/ }).click();
  await dialog.getByLabel('Name').fill('data-before-upgrade');
  await page.screenshot({ path: path.join(screenshotDir, 'snapshot-take.png') });
  await dialog.getByRole('button', { name: 'Take snapshot' }).click();
  await expect(dialog).toBeHidden();

  const made = table.getByTestId('row').filter({ hasText: 'data-before-upgrade' });
  await expect(made).toContainText(/of volume \/dev\/vdb.*available.*here/, { timeout: 30_000 });
  await page.screenshot({ path: path.join(screenshotDir, 'instance-snapshots.png') });

  await made.getByRole('button', { name: 'Actions for data-before-upgrade' }).click();
  await page.getByRole('menuitem', { name: 'Delete…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete the snapshot data-before-upgrade?' });
  await expect(confirm).toContainText('Restore points in destinations are not affected.');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(made).toHaveCount(0);
  await expect(table.getByTestId('row')).toHaveCount(1);
});
