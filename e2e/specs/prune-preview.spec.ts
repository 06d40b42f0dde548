// The prune preview of a destination, in an administrator's words: each restore point is of an
// instance named as the backup recorded it, in a cloud and project named as the inventory knows
// them; the ids stay on hover and one click copies them. Against the MockAgent cloud, synced.
import path from 'node:path';
import { screenshotDir } from '../fixtures/console';
import { expect, test } from '../fixtures/mock-cloud-console';
import { DestinationsPage } from '../pages/destinations.page';
import { ShellPage } from '../pages/shell.page';

test('the prune preview names instances, clouds and projects, with their ids on hover and copy', async ({ page, context, mockCloud }) => {
  await mockCloud.command('seed-restore-points');
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const destinations = new DestinationsPage(page);
  await page.goto(mockCloud.loginUrl);
  await new ShellPage(page).nav('Destinations').click();
  await destinations.card('local').getByRole('button', { name: 'Prune…' }).click();
  for (const rule of ['daily', 'weekly', 'monthly'] as const) await destinations.keep('local', rule).fill('');
  await destinations.keep('local', 'last').fill('1');
  await destinations.card('local').getByRole('button', { name: 'Preview' }).click();

  const preview = destinations.prunePreview('local');
  await expect(preview).toContainText('3 kept, 3 would be removed');
  const web = destinations.previewRows('local').filter({ hasText: 'demo-web-1' });
  await expect(web).toHaveCount(2);
  await expect(web.first()).toContainText('lab');
  await expect(web.first()).toContainText('demo');
  await expect(destinations.previewRows('local').filter({ hasText: 'acme-app-1' }).first()).toContainText('acme-prod');
  // another workstation's cloud: the recorded name still, the cloud said to be unknown
  await expect(destinations.previewRows('local').filter({ hasText: 'old-db' }).first()).toContainText('unknown cloud');
  // ids: not in the text, on hover, and copied by the button beside the name
  await expect(preview).not.toContainText('s-web');
  await expect(web.first().getByTitle('instance id s-web')).toBeVisible();
  await web.first().getByRole('button', { name: 'Copy the instance id of demo-web-1' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('s-web');
  await page.screenshot({ path: path.join(screenshotDir, 'prune-preview-names.png') });
});
