import path from 'node:path';
import { expect, screenshotDir, test } from '../fixtures/console';
import { ProtectionPage } from '../pages/protection.page';
import { ShellPage } from '../pages/shell.page';

test.use({ seed: 'mock-cloud' });

test('add an offsite copy target with a lock; a test against an endpoint that is not there says what to check', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Destinations').click();
  await page.getByRole('button', { name: 'Add a copy target' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a copy target (S3-compatible bucket)' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('offsite');
  // a port nothing listens on: the SDK's retries end in a refused connection
  await dialog.getByLabel('Endpoint').fill('http://127.0.0.1:9');
  await dialog.getByRole('textbox', { name: 'Bucket' }).fill('backstack-copies');
  await dialog.getByLabel('Prefix').fill('site-a');
  await dialog.getByLabel('Access key').fill('AKIDEXAMPLE');
  await dialog.getByLabel('Secret key').fill('not-shown-anywhere');
  await dialog.getByLabel(/Lock every copied object/).check();
  await dialog.getByLabel('Days locked').fill('14');
  await page.screenshot({ path: path.join(screenshotDir, 'copy-target-add.png') });
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId('copy-target').filter({ hasText: 'offsite' });
  await expect(row).toContainText('locked 14 d (governance)');
  await expect(row).toContainText('http://127.0.0.1:9 · bucket backstack-copies · prefix site-a/');
  await expect(row.getByRole('button', { name: 'Copy local now' })).toBeVisible();
  await row.getByRole('button', { name: 'Test' }).click();
  await expect(
    page.getByText(
      /Writing probes\/backstack-probe-[0-9a-f]+ at http:\/\/127\.0\.0\.1:9 bucket backstack-copies prefix site-a\/ failed: connect ECONNREFUSED 127\.0\.0\.1:9\. Check the endpoint address/,
    ),
  ).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: path.join(screenshotDir, 'copy-targets.png') });
  // the secret never reaches the page
  expect(await page.content()).not.toContain('not-shown-anywhere');

  // a policy copies each new restore point to it: chosen in the editor, said in its detail
  const protection = new ProtectionPage(page);
  await shell.nav('Protection').click();
  await protection.newPolicy().click();
  await protection.field('Name').fill('offsite-nightly');
  await protection.select('Copy each restore point to').click();
  await page.getByRole('option', { name: 'offsite (backstack-copies, locked 14 d)' }).click();
  await protection.section('options').screenshot({ path: path.join(screenshotDir, 'policy-editor-copy-to.png') });
  await protection.save().click();
  await expect(page.getByTestId('policy-summary')).toContainText('each restore point to offsite');
});
