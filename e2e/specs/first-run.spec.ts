// The guided first run, from an empty catalog, over the MockAgent cloud (fixtures/mock-cloud.ts): a
// cloud really added and synced, SSH to a hypervisor that does not answer, an encrypted destination
// in a temporary folder, a policy previewed and created, and a first backup that is queued and then
// fails for lack of a reachable hypervisor. Then: skipped steps resume, and a closed setup stays
// closed until Settings reopens it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { screenshotDir } from '../fixtures/console';
import { expect, test } from '../fixtures/mock-cloud';
import { DestinationsPage } from '../pages/destinations.page';
import { SetupPage } from '../pages/setup.page';
import { ShellPage } from '../pages/shell.page';
import { WizardPage } from '../pages/wizard.page';

test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshotDir, `first-run-${name}.png`) });

/** A local port nothing listens on: a connection to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('from an empty catalog to a first backup, step by step', async ({ page, backstack }) => {
  const setup = new SetupPage(page);
  await page.goto(backstack.loginUrl);
  // A first start leads from the dashboard to the setup; the navigation stays.
  await expect(setup.heading()).toBeVisible();
  await expect(page).toHaveURL(/#\/welcome$/);
  await expect(new ShellPage(page).nav('Jobs')).toBeVisible();
  await expect(setup.stepTitle('Add a cloud')).toBeVisible();
  await shot(page, '1-cloud');

  // 1. The cloud, with the Clouds page's wizard; its first sync brings the hypervisors in.
  await setup.button('Add a cloud…').click();
  const wizard = new WizardPage(page);
  await wizard.field('Name').fill('mock');
  await wizard.field('Keystone URL').fill(backstack.authUrl);
  await wizard.next().click();
  await wizard.field('User').fill('admin');
  await wizard.password().fill('admin-pass');
  await wizard.field('Default project').fill('admin');
  await wizard.next().click();
  await expect(wizard.connectionTest()).toContainText('Connection works');
  await wizard.save().click();
  await expect(wizard.dialog()).toBeHidden();
  await expect(setup.doneNote()).toContainText('A cloud is added');
  await expect(page.getByTestId('setup-clouds')).toContainText('synced');
  await expect(setup.step('cloud')).toHaveAttribute('data-status', 'done');
  await shot(page, '1-cloud-done');
  await setup.button('Next').click();

  // 2. SSH to a hypervisor that does not answer: the test says so, and what to check.
  const host = 'compute-1.example.org';
  await expect(setup.host(host)).toContainText('192.0.2.11');
  await expect(setup.host('compute-2.example.org')).toContainText('not set');
  await expect(setup.button('Test all')).toBeDisabled();
  const keyFile = path.join(backstack.home, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
  const port = await closedPort();
  await setup.host(host).getByRole('button', { name: 'SSH settings…' }).click();
  const ssh = setup.sshModal(host);
  await ssh.getByLabel('Address').fill('127.0.0.1');
  await ssh.getByLabel('Port').fill(String(port));
  await ssh.getByRole('textbox', { name: 'Private key' }).fill(fs.readFileSync(keyFile, 'utf8'));
  await ssh.getByRole('button', { name: 'Save' }).click();
  await expect(ssh).toBeHidden();
  await expect(setup.host(host)).toContainText(`root@127.0.0.1:${port}`);
  await setup.button('Test all').click();
  await expect(setup.testResults()).toContainText(`Cannot connect to ${host} (root@127.0.0.1:${port}) over SSH`);
  await expect(setup.testResults()).toContainText('ECONNREFUSED');
  await expect(setup.testResults()).toContainText('that sshd runs on the host');
  await expect(setup.step('hypervisors')).toHaveAttribute('data-status', 'todo');
  await shot(page, '2-hypervisors');
  await setup.button('Skip for now').click();
  await expect(setup.step('hypervisors')).toHaveAttribute('data-status', 'skipped');

  // 3. An encrypted destination: the recovery key is shown once, and kept only after "I saved it".
  await setup.button('Create a destination…').click();
  const destination = new DestinationsPage(page);
  await expect(destination.field('Encrypt (AES-256-GCM; the passphrase is needed to read or write it)')).toBeChecked();
  await destination.field('Name').fill('nightly');
  await destination.field('Folder').fill(path.join(backstack.home, 'nightly'));
  await destination.passphrase().fill('correct horse battery');
  await destination.field('Passphrase again').fill('correct horse battery');
  await destination.submit('Create').click();
  const keyDialog = destination.recoveryKeyDialog();
  await expect(keyDialog.getByTestId('recovery-key')).not.toBeEmpty();
  await expect(keyDialog.getByRole('button', { name: 'Done' })).toBeDisabled();
  await shot(page, '3-recovery-key');
  await keyDialog.getByLabel('I have stored the recovery key somewhere safe').check();
  await keyDialog.getByRole('button', { name: 'Done' }).click();
  await expect(keyDialog).toBeHidden();
  await expect(destination.dialog()).toBeHidden();
  await expect(page.getByTestId('setup-destinations')).toContainText('nightly');
  await expect(page.getByTestId('setup-destinations')).toContainText('encrypted');
  await shot(page, '3-destination');
  await setup.button('Next').click();

  // 4. A first policy: daily, a week of days and a month of weeks kept; its preview before it is created.
  await expect(setup.field('Name')).toHaveValue('Daily');
  await expect(setup.keep('daily')).toHaveValue('7');
  await expect(setup.keep('weekly')).toHaveValue('4');
  await setup.field('Names to include').fill('^(demo-web|acme-app)');
  await expect(setup.previewMatches()).toContainText('demo-web-1');
  await expect(setup.previewMatches()).toContainText('acme-app-1');
  await expect(setup.previewMatches()).not.toContainText('demo-bfv-1');
  await shot(page, '4-policy');
  await setup.button('Create policy').click();
  await expect(page.getByTestId('setup-policies')).toContainText('2 members');
  await setup.button('Next').click();

  // 5. The first backup: one member queued (then failing: its hypervisor does not answer), one not backed up, with why.
  await setup.runButton().click();
  await expect(setup.runResult()).toContainText('1 backup queued.');
  await expect(page.getByTestId('run-skipped')).toContainText('acme-app-1: No SSH settings for the hypervisor compute-2.example.org');
  const jobs = page.getByTestId('setup-jobs');
  await expect(jobs).toContainText('demo-web-1');
  await expect(jobs).toContainText('failed');
  await expect(jobs).toContainText(`Cannot connect to ${host}`);
  await expect(setup.runResult().getByRole('link', { name: 'Follow it in Jobs' })).toHaveAttribute('href', '#/jobs');
  // A first backup that failed leaves the step to do.
  await expect(setup.step('run')).toHaveAttribute('data-status', 'todo');
  await shot(page, '5-run');
  await setup.button('Skip for now').click();

  // 6. The summary: each step's outcome, with the page that carries on from it.
  await expect(setup.summaryRow('cloud')).toContainText('Done');
  await expect(setup.summaryRow('hypervisors')).toContainText('Skipped');
  await expect(setup.summaryRow('hypervisors')).toContainText('0 of 2 hypervisors reachable');
  await expect(setup.summaryRow('destination')).toContainText('nightly (encrypted)');
  await expect(setup.summaryRow('policy')).toContainText('Daily (2 members)');
  await expect(setup.summaryRow('run')).toContainText('Skipped');
  await expect(setup.summaryRow('run')).toContainText('1 backup(s): 0 succeeded, 1 failed');
  await shot(page, '6-summary');
  await setup.summaryRow('run').getByRole('link', { name: 'Jobs' }).click();
  await expect(new ShellPage(page).heading('Jobs')).toBeVisible();
});

test('skipped steps resume where they were left; a setup walked through stays closed until Settings reopens it', async ({ page, backstack }) => {
  const setup = new SetupPage(page);
  const shell = new ShellPage(page);
  await page.goto(backstack.loginUrl);
  await expect(setup.stepTitle('Add a cloud')).toBeVisible();
  await setup.button('Skip for now').click();
  await setup.button('Skip for now').click();
  await expect(setup.stepTitle('Choose where backups go')).toBeVisible();

  // Opened again while the catalog is empty: back at the step it was left at.
  await page.goto(backstack.url);
  await expect(setup.stepTitle('Choose where backups go')).toBeVisible();
  await expect(setup.step('cloud')).toHaveAttribute('data-status', 'skipped');
  await expect(setup.step('hypervisors')).toHaveAttribute('data-status', 'skipped');
  for (let i = 0; i < 3; i++) await setup.button('Skip for now').click();
  await expect(setup.stepTitle('Summary')).toBeVisible();
  for (const step of ['cloud', 'hypervisors', 'destination', 'policy', 'run'] as const) await expect(setup.summaryRow(step)).toContainText('Skipped');

  // Walked through: the next start shows the dashboard.
  await page.goto(backstack.url);
  await expect(shell.heading('Dashboard')).toBeVisible();
  await expect(page).toHaveURL(/#\/dashboard$/);
  await page.reload();
  await expect(shell.heading('Dashboard')).toBeVisible();

  // Settings reopens it, with what was skipped to do again.
  await shell.nav('Settings').click();
  await shot(page, 'settings-entry');
  await page.getByRole('button', { name: 'Set up Backstack' }).click();
  await expect(setup.heading()).toBeVisible();
  await expect(setup.stepTitle('Add a cloud')).toBeVisible();
  await expect(setup.step('destination')).toHaveAttribute('data-status', 'todo');
  // "Close setup" leaves it closed.
  await setup.button('Close setup').click();
  await expect(shell.heading('Dashboard')).toBeVisible();
  await page.goto(backstack.url);
  await expect(shell.heading('Dashboard')).toBeVisible();
});
