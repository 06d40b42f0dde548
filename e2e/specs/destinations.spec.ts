import path from 'node:path';
import { expect, screenshotDir, test } from '../fixtures/console';
import { DestinationsPage } from '../pages/destinations.page';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';

test('create an encrypted backup destination, keep its recovery key, verify it', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  const jobs = new JobsPage(page);
  const destinations = new DestinationsPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Destinations').click();
  await expect(shell.emptyState()).toContainText('No backup destination yet');
  await destinations.addButton().click();

  await destinations.field('Name').fill('local');
  await destinations.field('Folder').fill(path.join(backstack.home, 'repo'));
  await destinations.passphrase().fill('correct horse battery');
  await destinations.field('Passphrase again').fill('correct horse battery');
  await destinations.submit('Create').click();

  // The recovery key is shown once, and the dialog stays until the user says it is stored.
  const keyDialog = destinations.recoveryKeyDialog();
  await expect(keyDialog.getByTestId('recovery-key')).toHaveText(/\S{20,}/);
  await expect(keyDialog.getByRole('button', { name: 'Done' })).toBeDisabled();
  // The whole key is in the dialog: it wraps instead of running past the dialog's edge.
  const key = keyDialog.getByTestId('recovery-key');
  expect(await key.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  const [keyBox, dialogBox] = [await key.boundingBox(), await keyDialog.boundingBox()];
  expect(keyBox!.x + keyBox!.width).toBeLessThanOrEqual(dialogBox!.x + dialogBox!.width);
  await page.screenshot({ path: path.join(screenshotDir, 'destination-recovery-key.png') });
  await keyDialog.getByLabel('I have stored the recovery key somewhere safe').check();
  await keyDialog.getByRole('button', { name: 'Done' }).click();

  const card = destinations.card('local');
  await expect(card).toContainText('encrypted');
  await expect(card).toContainText('Restore points');
  await card.getByRole('button', { name: 'Verify' }).click();
  await page.screenshot({ path: path.join(screenshotDir, 'destinations-card.png') });

  await shell.nav('Jobs').click();
  await jobs.rows().filter({ hasText: 'Verify destination' }).first().click();
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('succeeded');
  await expect(jobs.detail()).toContainText('0 restore points');

  // Garbage collection runs weekly by itself until changed: daily at 02:30 in Tokyo, then only by hand.
  await shell.nav('Destinations').click();
  const gc = card.getByTestId('gc-schedule');
  await expect(gc).toContainText(/Garbage collection: Sun at 03:00 .* — next /);
  await gc.getByRole('button', { name: 'Change…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Garbage collection of local' });
  await dialog.getByRole('combobox', { name: 'Runs' }).click();
  await page.getByRole('option', { name: 'Daily' }).click();
  await dialog.getByLabel('At').fill('02:30');
  await dialog.getByRole('combobox', { name: 'Time zone' }).fill('Asia/Tokyo');
  await page.getByRole('option', { name: 'Asia/Tokyo', exact: true }).click();
  await expect(dialog).toContainText('daily at 02:30 (Asia/Tokyo)');
  await expect(dialog.getByText('Backup type')).toHaveCount(0);
  await page.screenshot({ path: path.join(screenshotDir, 'destination-gc-schedule.png') });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  // 02:30 in Tokyo is 17:30 UTC, the console's time here
  await expect(gc).toContainText(/Garbage collection: daily at 02:30 \(Asia\/Tokyo\) — next .*5:30:00 PM/);
  await gc.getByRole('button', { name: 'Change…' }).click();
  await dialog.getByLabel('Collect garbage by schedule').uncheck();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(gc).toHaveText(/Garbage collection: only when you press Collect garbage/);
});

test('a folder that already holds data is refused with a clear message', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  const destinations = new DestinationsPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Destinations').click();
  await destinations.addButton().click();
  await destinations.field('Name').fill('not-empty');
  await destinations.field('Folder').fill(backstack.home);
  await destinations.field('Encrypt (AES-256-GCM; the passphrase is needed to read or write it)').uncheck();
  await destinations.submit('Create').click();
  await expect(destinations.dialog().getByRole('alert')).toContainText(/already holds .* choose an empty folder/);
});
