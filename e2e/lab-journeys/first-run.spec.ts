// The guided first run against the lab, as a new administrator meets it: an empty catalog, the
// lab's cloud added from its openrc, SSH to both KVM hosts tested (host keys pinned, tools found),
// an encrypted destination, a first policy previewed, and a first backup that succeeds.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, screenshotDir, test } from '../fixtures/console';
import { DestinationsPage } from '../pages/destinations.page';
import { SetupPage } from '../pages/setup.page';
import { WizardPage } from '../pages/wizard.page';

const labDir = process.env.LAB_DIR ?? path.resolve(__dirname, '../lab/state');
const SERVER = 'demo-raw-1';
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshotDir, `lab-first-run-${name}.png`) });

interface LabHypervisor {
  host: string;
  ssh: { address: string; port: number; user: string; keyPath: string; hostKeyFingerprint: string };
}

test('from an empty catalog to a first protected lab server, step by step', async ({ page, backstack }) => {
  test.setTimeout(15 * 60_000);
  const setup = new SetupPage(page);
  await page.goto(backstack.loginUrl);
  await expect(setup.stepTitle('Add a cloud')).toBeVisible();

  // 1. The lab's cloud from its openrc; its first sync finds the hypervisors.
  await setup.button('Add a cloud…').click();
  const wizard = new WizardPage(page);
  await wizard.importFile(path.join(labDir, 'admin-openrc'));
  await wizard.field('Name').fill('lab');
  await wizard.next().click();
  await wizard.next().click();
  await expect(wizard.connectionTest()).toContainText('Connection works', { timeout: 60_000 });
  await wizard.save().click();
  await expect(wizard.dialog()).toBeHidden();
  await expect(page.getByTestId('setup-clouds')).toContainText('synced', { timeout: 120_000 });
  await setup.button('Next').click();

  // 2. SSH to each KVM host: saved, tested, host key pinned on first use and shown to compare.
  const { hypervisors } = JSON.parse(fs.readFileSync(path.join(labDir, 'hypervisors.json'), 'utf8')) as { hypervisors: LabHypervisor[] };
  for (const h of hypervisors) {
    await setup.host(h.host).getByRole('button', { name: 'SSH settings…' }).click();
    const ssh = setup.sshModal(h.host);
    await ssh.getByLabel('Address').fill(h.ssh.address);
    await ssh.getByLabel('Port').fill(String(h.ssh.port));
    await ssh.getByLabel('User').fill(h.ssh.user);
    await ssh.getByRole('textbox', { name: 'Private key' }).fill(fs.readFileSync(h.ssh.keyPath, 'utf8'));
    await ssh.getByRole('button', { name: 'Save' }).click();
    await expect(ssh).toBeHidden();
  }
  await setup.button('Test all').click();
  // Each host's result names its own host key: the one the lab's sshd really has.
  for (const h of hypervisors) {
    const result = setup.testResults().filter({ hasText: h.ssh.hostKeyFingerprint });
    await expect(result).toContainText('Ready for backups: libvirt', { timeout: 60_000 });
    await expect(result.getByTestId('host-key')).toContainText('pinned now, on this first connection');
  }
  await expect(page.getByText('Every hypervisor (2) is reachable, with its host key pinned')).toBeVisible();
  await expect(setup.step('hypervisors')).toHaveAttribute('data-status', 'done');
  await shot(page, '2-hypervisors');
  await setup.button('Next').click();

  // 3. An encrypted destination, its recovery key confirmed as stored.
  await setup.button('Create a destination…').click();
  const destination = new DestinationsPage(page);
  await destination.field('Name').fill('nightly');
  await destination.field('Folder').fill(path.join(backstack.home, 'nightly'));
  await destination.passphrase().fill('correct horse battery');
  await destination.field('Passphrase again').fill('correct horse battery');
  await destination.submit('Create').click();
  const keyDialog = destination.recoveryKeyDialog();
  await keyDialog.getByLabel('I have stored the recovery key somewhere safe').check();
  await keyDialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('setup-destinations')).toContainText('encrypted');
  await setup.button('Next').click();

  // 4. A first policy by name: its preview shows exactly the one server before it is created.
  await setup.field('Names to include').fill(`^${SERVER}$`);
  await expect(setup.previewMatches()).toContainText(SERVER);
  await expect(setup.previewMatches().getByRole('row')).toHaveCount(1);
  await shot(page, '4-policy');
  await setup.button('Create policy').click();
  await expect(page.getByTestId('setup-policies')).toContainText('1 member');
  await setup.button('Next').click();

  // 5. The first backup, followed to its end.
  await setup.runButton().click();
  await expect(setup.runResult()).toContainText('1 backup queued.');
  const jobs = page.getByTestId('setup-jobs');
  await expect(jobs).toContainText(SERVER);
  await expect(jobs).toContainText('succeeded', { timeout: 10 * 60_000 });
  await expect(setup.step('run')).toHaveAttribute('data-status', 'done');
  await shot(page, '5-run');
  await setup.button('Next').click();

  // 6. The summary: every step done.
  await expect(setup.summaryRow('cloud')).toContainText('Done');
  await expect(setup.summaryRow('hypervisors')).toContainText('2 of 2 hypervisors reachable');
  await expect(setup.summaryRow('destination')).toContainText('nightly (encrypted)');
  await expect(setup.summaryRow('policy')).toContainText('(1 member');
  await expect(setup.summaryRow('run')).toContainText('1 succeeded');
  await shot(page, '6-summary');
});
