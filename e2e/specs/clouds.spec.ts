// Clouds a team keeps using: edit a saved cloud instead of removing and re-adding it, and give a
// hypervisor an SSH key that is never shown again. Over the MockAgent cloud (fixtures/mock-cloud.ts).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { screenshotDir } from '../fixtures/console';
import { expect, test } from '../fixtures/mock-cloud';
import { CloudsPage } from '../pages/clouds.page';
import { ShellPage } from '../pages/shell.page';
import { WizardPage } from '../pages/wizard.page';

const invoke = async (b: { url: string; token: string }, name: string, input: unknown) => {
  const res = await fetch(`${b.url}/api/invoke/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.value as { id: string };
};

test('edit a cloud: change its interface, test with the stored password, save; the list shows it', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  const clouds = new CloudsPage(page);
  const add = new WizardPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Clouds').click();
  await shell.emptyState().getByRole('button', { name: 'Add a cloud' }).click();
  await add.field('Name').fill('mock');
  await add.field('Keystone URL').fill(backstack.authUrl);
  await add.next().click();
  await add.field('User').fill('admin');
  await add.field('Password').fill('admin-pass');
  await add.field('Default project').fill('admin');
  await add.next().click();
  await expect(add.connectionTest()).toContainText('Connection works');
  await add.save().click();
  await expect(add.dialog()).toBeHidden();
  await expect(clouds.row('mock')).toContainText('(public)');

  await clouds.action('mock', 'Edit…');
  const edit = new WizardPage(page, 'Edit cloud "mock"');
  await expect(edit.field('Name')).toHaveValue('mock');
  await expect(edit.field('Keystone URL')).toHaveValue(backstack.authUrl);
  await edit.field('Endpoint interface').click();
  await page.getByRole('option', { name: 'internal' }).click();
  await expect(edit.field('Endpoint interface')).toHaveValue('internal');
  await page.screenshot({ path: path.join(screenshotDir, 'cloud-edit-1-cloud.png') });
  await edit.next().click();
  // The password is never sent back: the field is empty and says the stored one is kept.
  await expect(edit.field('User')).toHaveValue('admin');
  await expect(edit.field('Password')).toHaveValue('');
  await expect(edit.field('Password')).toHaveAttribute('placeholder', 'stored — leave empty to keep');
  await page.screenshot({ path: path.join(screenshotDir, 'cloud-edit-2-authentication.png') });
  await edit.next().click();
  await expect(edit.connectionTest()).toContainText('Connection works');
  await expect(edit.servicesTable()).toContainText('-internal.test');
  await page.screenshot({ path: path.join(screenshotDir, 'cloud-edit-3-test.png') });
  await edit.save().click();
  await expect(edit.dialog()).toBeHidden();
  await expect(clouds.toast('Cloud "mock" saved')).toBeVisible();
  await expect(clouds.row('mock')).toContainText('(internal)');
  await expect(clouds.table().getByTestId('row')).toHaveCount(1);

  // Removing says what happens to its restore points; declined here, so the cloud stays.
  await clouds.action('mock', 'Remove…');
  await expect(clouds.confirmation()).toContainText('No restore point of it is in the catalog.');
  await page.screenshot({ path: path.join(screenshotDir, 'cloud-remove-confirm.png'), animations: 'disabled' });
  await clouds.confirmation().getByRole('button', { name: 'Cancel' }).click();
  await expect(clouds.row('mock')).toBeVisible();
});

test('a hypervisor SSH key is write-only: saved, then shown only as its fingerprint, and replaceable', async ({ page, backstack }) => {
  const clouds = new CloudsPage(page);
  const keyFile = path.join(backstack.home, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'backstack@e2e', '-f', keyFile]);
  const privateKey = fs.readFileSync(keyFile, 'utf8');
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${keyFile}.pub`])
    .toString()
    .split(' ')[1]!;
  const p = await invoke(backstack, 'providers.add', {
    provider: {
      name: 'mock',
      authUrl: backstack.authUrl,
      authDomains: [{ name: 'Default', userName: 'admin', password: 'admin-pass', defaultProject: 'admin' }],
    },
  });
  await invoke(backstack, 'inventory.startSync', { providerId: p.id });

  await page.goto(backstack.loginUrl);
  await new ShellPage(page).nav('Clouds').click();
  const host = 'compute-1.example.org';
  await clouds.hypervisor('mock', host).getByRole('button', { name: 'SSH settings…' }).click();
  const modal = clouds.sshModal(host);
  await expect(modal.getByLabel('Address')).toHaveValue('192.0.2.11');
  await modal.getByRole('textbox', { name: 'Private key' }).fill(privateKey);
  await modal.getByRole('button', { name: 'Save' }).click();
  await expect(modal).toBeHidden();
  await expect(clouds.hypervisor('mock', host)).toContainText(`key ${fingerprint}`);

  await clouds.hypervisor('mock', host).getByRole('button', { name: 'SSH settings…' }).click();
  await expect(modal.getByTestId('stored-secret')).toContainText('Private key stored');
  await expect(modal.getByTestId('stored-secret')).toContainText(`ssh-ed25519 ${fingerprint}`);
  await expect(modal.getByRole('textbox', { name: 'Private key' })).toHaveCount(0);
  await page.screenshot({ path: path.join(screenshotDir, 'hypervisor-ssh-stored-key.png') });
  // Nothing of the key is anywhere in the page.
  const body = privateKey.split('\n').filter((l) => l && !l.startsWith('-----'));
  for (const line of body) await expect(page.locator('body')).not.toContainText(line);

  // Changing the user keeps the key; "Replace key" asks for a new one.
  await modal.getByLabel('User').fill('backstack');
  await modal.getByRole('button', { name: 'Save' }).click();
  await expect(clouds.hypervisor('mock', host)).toContainText(`backstack@192.0.2.11:22 (key ${fingerprint})`);
  await clouds.hypervisor('mock', host).getByRole('button', { name: 'SSH settings…' }).click();
  await modal.getByRole('button', { name: 'Replace key' }).click();
  await expect(modal.getByRole('textbox', { name: 'Private key' })).toHaveValue('');
  await expect(modal.getByRole('button', { name: 'Save' })).toBeDisabled();
  await page.screenshot({ path: path.join(screenshotDir, 'hypervisor-ssh-replace-key.png') });
});

test('a cloud backed up by image transfer: chosen in the wizard, shown in the list, kept when edited', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  const clouds = new CloudsPage(page);
  const add = new WizardPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Clouds').click();
  await shell.emptyState().getByRole('button', { name: 'Add a cloud' }).click();
  await add.field('Name').fill('glance-only');
  await add.field('Keystone URL').fill(backstack.authUrl);
  const imageTransfer = add.dialog().getByRole('radio', { name: 'Image transfer (Glance)' });
  await expect(add.dialog().getByRole('radio', { name: 'libvirt over SSH' })).toBeChecked();
  await imageTransfer.check();
  await expect(add.dialog()).toContainText('Needs no hypervisor access');
  await expect(add.dialog().getByRole('radio', { name: 'Disk attachment (proxy VM)' })).toBeEnabled();
  await expect(add.dialog()).toContainText('the proxy is added on the Clouds page once the cloud is saved');
  await page.screenshot({ path: path.join(screenshotDir, 'wizard-strategy.png') });
  await add.next().click();
  await add.field('User').fill('admin');
  await add.field('Password').fill('admin-pass');
  await add.field('Default project').fill('admin');
  await add.next().click();
  await expect(add.connectionTest()).toContainText('Connection works');
  await add.save().click();
  await expect(add.dialog()).toBeHidden();
  await expect(clouds.row('glance-only')).toContainText('Image transfer');

  await clouds.action('glance-only', 'Edit…');
  const edit = new WizardPage(page, 'Edit cloud "glance-only"');
  await expect(edit.dialog().getByRole('radio', { name: 'Image transfer (Glance)' })).toBeChecked();
});
