// A cloud's proxy VM for the disk-attachment strategy, given on the Clouds page: found in Nova by
// its name, saved with a key that is never shown again, tested (no SSH server answers at its
// address: the problem is said in words), removed. Over the MockAgent cloud (e2e/mock-cloud/console-main.ts).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { screenshotDir } from '../fixtures/console';
import { expect, test } from '../fixtures/mock-cloud-console';
import { CloudsPage } from '../pages/clouds.page';
import { ShellPage } from '../pages/shell.page';
import { WizardPage } from '../pages/wizard.page';

test('a cloud switched to disk attachment gets a proxy VM: added with a key never shown again, tested, removed', async ({ page, mockCloud }) => {
  await mockCloud.command('add-cloud');
  await mockCloud.command('proxy-instance');
  const keyFile = test.info().outputPath('id_ed25519');
  fs.mkdirSync(path.dirname(keyFile), { recursive: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'backstack@e2e', '-f', keyFile]);
  const privateKey = fs.readFileSync(keyFile, 'utf8');
  const clouds = new CloudsPage(page);
  await page.goto(mockCloud.loginUrl);
  await new ShellPage(page).nav('Clouds').click();
  const panel = clouds.proxies('mock');
  await expect(panel).toContainText('An instance of this cloud reachable over SSH with python3; volumes are attached to it and read there.');
  await expect(panel).toContainText('None. Backups of mock use “libvirt over SSH”; with a proxy VM, an instance can also be backed up by disk attachment');

  // The cloud switched to disk attachment: its backups need a proxy, and the panel says so.
  await clouds.action('mock', 'Edit…');
  const edit = new WizardPage(page, 'Edit cloud "mock"');
  await edit.dialog().getByRole('radio', { name: 'Disk attachment (proxy VM)' }).check();
  await edit.next().click();
  await edit.next().click();
  await expect(edit.connectionTest()).toContainText('Connection works');
  await edit.save().click();
  await expect(edit.dialog()).toBeHidden();
  const needed = 'None yet: backups of mock read volumes on a proxy VM (disk attachment) and fail until one is added.';
  await expect(panel).toContainText(needed);

  // A hypervisor with SSH settings is offered as a jump host; one without is not.
  await clouds.hypervisor('mock', 'compute-1.example.org').getByRole('button', { name: 'SSH settings…' }).click();
  const ssh = clouds.sshModal('compute-1.example.org');
  await ssh.getByRole('textbox', { name: 'Private key' }).fill(privateKey);
  await ssh.getByRole('button', { name: 'Save' }).click();
  await expect(ssh).toBeHidden();
  await panel.getByRole('button', { name: 'Add proxy VM…' }).click();
  const form = clouds.addProxyModal('mock');
  await form.getByRole('combobox', { name: 'Reach it through a hypervisor (optional)' }).click();
  await expect(page.getByRole('option')).toHaveText(['compute-1.example.org']);
  await page.keyboard.press('Escape');

  // A name no instance carries: the core's answer is shown in the form, which stays open.
  await form.getByRole('textbox', { name: 'Instance' }).fill('backup-proxi');
  await form.getByRole('textbox', { name: 'Address' }).fill('127.0.0.1');
  await form.getByRole('textbox', { name: 'Port' }).fill('1');
  await form.getByRole('textbox', { name: 'User' }).fill('debian');
  await form.evaluate((dialog) => dialog.scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshotDir, 'proxy-add-form.png') });
  await form.getByRole('textbox', { name: 'Private key' }).fill(privateKey);
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(form.getByRole('alert')).toContainText('No instance named backup-proxi in mock');
  await page.screenshot({ path: path.join(screenshotDir, 'proxy-add-error.png') });
  await form.getByRole('textbox', { name: 'Instance' }).fill('backup-proxy');
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(form).toBeHidden();

  const row = clouds.proxy('mock', 'backup-proxy');
  await expect(row).toContainText('zone nova');
  await expect(row).toContainText('debian@127.0.0.1:1 (key)');
  await expect(row).toContainText('directly');
  await expect(row).toContainText('pinned on first connection');
  // Nothing of the key is anywhere in the page.
  for (const line of privateKey.split('\n').filter((l) => l && !l.startsWith('-----'))) await expect(page.locator('body')).not.toContainText(line);

  // Nothing listens at 127.0.0.1:1: the test says so, and that the instance is found and running.
  await row.getByRole('button', { name: 'Test' }).click();
  const result = panel.getByTestId('proxy-test-result');
  await expect(result).toContainText('backup-proxy is not ready');
  await expect(result).toContainText('Cannot connect to proxy backup-proxy (debian@127.0.0.1:1) over SSH');
  await expect(result).toContainText('Nothing answers on that port: check the address and port, and that sshd runs there.');
  await expect(result).toContainText('ECONNREFUSED');
  await expect(result).toContainText('instance ACTIVE');
  await page.screenshot({ path: path.join(screenshotDir, 'proxy-test-failed.png'), fullPage: true });

  await row.getByRole('button', { name: 'Remove' }).click();
  await expect(clouds.confirmation()).toContainText('the instance stays in the cloud');
  await clouds.confirmation().getByRole('button', { name: 'Remove' }).click();
  await expect(clouds.toast('Proxy backup-proxy removed')).toBeVisible();
  await expect(row).toHaveCount(0);
  await expect(result).toHaveCount(0);
  await expect(panel).toContainText(needed);
  await page.screenshot({ path: path.join(screenshotDir, 'proxy-none.png') });
});
