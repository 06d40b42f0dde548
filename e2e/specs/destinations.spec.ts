import path from 'node:path';
import { expect, screenshotDir, test } from '../fixtures/console';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';

test('create an encrypted backup destination, keep its recovery key, verify it', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  const jobs = new JobsPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Settings').click();
  await page.getByRole('tab', { name: 'Backup destinations' }).click();
  await expect(shell.emptyState()).toContainText('No backup destination yet');
  await page.getByRole('button', { name: 'Add a backup destination' }).click();

  const dialog = page.getByRole('dialog', { name: 'Backup destination' });
  await dialog.getByLabel('Name').fill('local');
  await dialog.getByLabel('Folder').fill(path.join(backstack.home, 'repo'));
  await dialog.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
  await dialog.getByLabel('Passphrase again').fill('correct horse battery');
  await dialog.getByRole('button', { name: 'Create' }).click();

  // The recovery key is shown once, and the dialog stays until the user says it is stored.
  const keyDialog = page.getByRole('dialog', { name: 'Save the recovery key' });
  await expect(keyDialog.getByTestId('recovery-key')).toHaveText(/\S{20,}/);
  await expect(keyDialog.getByRole('button', { name: 'Done' })).toBeDisabled();
  await page.screenshot({ path: path.join(screenshotDir, 'destination-recovery-key.png') });
  await keyDialog.getByLabel('I have stored the recovery key somewhere safe').check();
  await keyDialog.getByRole('button', { name: 'Done' }).click();

  const card = page.getByTestId('destination-local');
  await expect(card).toContainText('encrypted');
  await expect(card).toContainText('Restore points');
  await card.getByRole('button', { name: 'Verify' }).click();
  await page.screenshot({ path: path.join(screenshotDir, 'destinations.png') });

  await shell.nav('Jobs').click();
  await jobs.rows().filter({ hasText: 'destination.verify' }).first().click();
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('succeeded');
  await expect(jobs.detail()).toContainText('0 backups');
});

test('a folder that already holds data is refused with a clear message', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Settings').click();
  await page.getByRole('tab', { name: 'Backup destinations' }).click();
  await page.getByRole('button', { name: 'Add a backup destination' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Backup destination' });
  await dialog.getByLabel('Name').fill('not-empty');
  await dialog.getByLabel('Folder').fill(backstack.home);
  await dialog.getByLabel('Encrypt (AES-256-GCM; the passphrase is needed to read or write it)').uncheck();
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByRole('alert')).toContainText(/already holds .* choose an empty folder/);
});
