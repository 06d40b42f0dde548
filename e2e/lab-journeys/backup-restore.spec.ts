// Backing up and restoring a real lab server from the UI (libvirt strategy over SSH): the cloud,
// the hypervisors' SSH settings and a destination are set up through the contract; the backup,
// its progress and log, the instance's timeline and the restore go through the screens.
import fs from 'node:fs';
import path from 'node:path';
import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { expect, screenshotDir, test } from '../fixtures/console';
import { InventoryPage } from '../pages/inventory.page';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';
import { loadCloud, Session } from '../lab/tests/support/cloud';
import { labDir } from '../lab/tests/support/lab';

const SERVER = 'demo-raw-1';

async function invoke<T>(api: APIRequestContext, url: string, name: string, input: unknown): Promise<T> {
  const res = await api.post(`${url}/api/invoke/${name}`, { data: input });
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.value;
}

test('back up a lab server from its detail, watch the job, find the restore point, restore it through Nova', async ({ page, backstack }) => {
  test.setTimeout(15 * 60_000);
  const cloud = loadCloud();
  const api = await playwrightRequest.newContext({ extraHTTPHeaders: { authorization: `Bearer ${backstack.token}` } });
  const provider = await invoke<{ id: string }>(api, backstack.url, 'providers.add', {
    provider: { name: 'lab', authUrl: cloud.authUrl, authDomains: [{ name: 'Default', userName: cloud.username, password: cloud.password, defaultProject: cloud.project.name }] },
  });
  const hv = JSON.parse(fs.readFileSync(path.join(labDir, 'hypervisors.json'), 'utf8')) as { hypervisors: { host: string; ssh: { address: string; port: number; user: string; keyPath: string } }[] };
  for (const h of hv.hypervisors) {
    await invoke(api, backstack.url, 'hypervisors.setSsh', { providerId: provider.id, hostname: h.host, address: h.ssh.address, port: h.ssh.port, user: h.ssh.user, privateKey: fs.readFileSync(h.ssh.keyPath, 'utf8') });
  }
  await invoke(api, backstack.url, 'repositories.create', { name: 'local', path: path.join(backstack.home, 'repo') });
  const { jobId: syncJob } = await invoke<{ jobId: string }>(api, backstack.url, 'inventory.startSync', { providerId: provider.id });

  const shell = new ShellPage(page);
  const jobs = new JobsPage(page);
  const inventory = new InventoryPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Jobs').click();
  await expect(jobs.rows().filter({ hasText: 'inventory.sync' }).getByTestId('job-state')).toHaveText('succeeded', { timeout: 120_000 });
  void syncJob;

  await shell.nav('Inventory').click();
  await inventory.search().fill(SERVER);
  await inventory.row(SERVER).click();
  await inventory.detail().getByRole('tab', { name: 'Backups' }).click();
  await inventory.detail().getByRole('button', { name: 'Back up now' }).click();
  await page.keyboard.press('Escape');

  await shell.nav('Jobs').click();
  const backupRow = jobs.rows().filter({ hasText: 'backup.instance' });
  await backupRow.click();
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('running', { timeout: 60_000 });
  await page.screenshot({ path: path.join(screenshotDir, 'jobs-backup-running.png') });
  await expect(jobs.detail().getByTestId('job-state')).toHaveText(/succeeded|warning/, { timeout: 10 * 60_000 });
  await expect(jobs.log()).not.toBeEmpty();
  await page.screenshot({ path: path.join(screenshotDir, 'jobs-backup-done.png') });

  await shell.nav('Inventory').click();
  await inventory.search().fill(SERVER);
  await inventory.row(SERVER).click();
  await inventory.detail().getByRole('tab', { name: 'Backups' }).click();
  await expect(inventory.detail().getByTestId('backup-timeline')).toContainText('full');
  await page.screenshot({ path: path.join(screenshotDir, 'instance-backups.png') });
  await page.keyboard.press('Escape');

  await shell.nav('Backups').click();
  await page.getByTestId('backups-table').getByTestId('row').filter({ hasText: SERVER }).first().click();
  await page.getByTestId('backup-detail').getByRole('button', { name: 'Restore…' }).click();
  const restoredName = `${SERVER}-restored-${Date.now().toString(36)}`;
  const dialog = page.getByRole('dialog', { name: `Restore ${SERVER}` });
  await dialog.getByLabel('Name').fill(restoredName);
  await page.screenshot({ path: path.join(screenshotDir, 'restore-modal.png') });
  await dialog.getByRole('button', { name: 'Restore' }).click();

  await shell.nav('Jobs').click();
  await jobs.rows().filter({ hasText: 'restore.instance' }).click();
  await expect(jobs.detail().getByTestId('job-state')).toHaveText(/succeeded|warning/, { timeout: 10 * 60_000 });

  // The restored server exists and is ACTIVE in Nova; then it is removed again.
  const nova = await Session.login(cloud);
  const { servers } = await nova.request<{ servers: { id: string; name: string; status: string }[] }>('compute', `/servers/detail?all_tenants=1&name=${encodeURIComponent(restoredName)}`);
  expect(servers.map((s) => s.status)).toEqual(['ACTIVE']);
  await nova.request('compute', `/servers/${servers[0]!.id}`, { method: 'DELETE', expect: [204] });
  await api.dispose();
});
