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
import { parse as parseYaml } from 'yaml';

const labDir = process.env.LAB_DIR ?? path.resolve(__dirname, '../lab/state');

/** The lab's admin from its clouds.yaml (this spec runs as CommonJS, so the ESM lab helpers are not imported). */
function labAdmin() {
  const doc = parseYaml(fs.readFileSync(path.join(labDir, 'clouds.yaml'), 'utf8')) as { clouds: Record<string, { auth: Record<string, string> }> };
  const a = doc.clouds['lab-admin']!.auth;
  return { authUrl: a.auth_url!, username: a.username!, password: a.password!, project: a.project_name!, domain: a.user_domain_name ?? 'Default' };
}

const SERVER = 'demo-raw-1';

/** Deletes a server with plain Keystone + Nova calls (cleanup only; the product's own code is what the test exercises). */
async function deleteServerAsAdmin(c: ReturnType<typeof labAdmin>, id: string): Promise<void> {
  const auth = await fetch(`${c.authUrl.replace(/\/+$/, '')}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: c.username, domain: { name: c.domain }, password: c.password } } },
        scope: { project: { name: c.project, domain: { name: c.domain } } },
      },
    }),
  });
  const token = auth.headers.get('x-subject-token')!;
  const { token: t } = (await auth.json()) as { token: { catalog: { type: string; endpoints: { interface: string; url: string }[] }[] } };
  const nova = t.catalog.find((e) => e.type === 'compute')!.endpoints.find((e) => e.interface === 'public')!.url;
  const res = await fetch(`${nova}/servers/${id}`, { method: 'DELETE', headers: { 'x-auth-token': token } });
  expect(res.status).toBe(204);
}

/** The newest job of a kind once it ended: fails at once, with the job's own message, when it did not succeed. */
async function jobEnded(api: APIRequestContext, url: string, kind: string) {
  let last: { state: string; error: { message: string } | null } | undefined;
  await expect
    .poll(
      async () => {
        const { items } = await invoke<{ items: { kind: string; state: string; error: { message: string } | null }[] }>(api, url, 'jobs.list', {});
        last = items.find((j) => j.kind === kind);
        return last && ['succeeded', 'warning', 'failed', 'cancelled', 'interrupted'].includes(last.state);
      },
      { timeout: 10 * 60_000, intervals: [1000] },
    )
    .toBe(true);
  expect(last?.state, last?.error?.message).toMatch(/succeeded|warning/);
}

async function invoke<T>(api: APIRequestContext, url: string, name: string, input: unknown): Promise<T> {
  const res = await api.post(`${url}/api/invoke/${name}`, { data: input });
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.value;
}

test('back up a lab server from its detail, watch the job, find the restore point, restore it through Nova', async ({ page, backstack }) => {
  test.setTimeout(15 * 60_000);
  const cloud = labAdmin();
  const api = await playwrightRequest.newContext({ extraHTTPHeaders: { authorization: `Bearer ${backstack.token}` } });
  const provider = await invoke<{ id: string }>(api, backstack.url, 'providers.add', {
    provider: { name: 'lab', authUrl: cloud.authUrl, authDomains: [{ name: cloud.domain, userName: cloud.username, password: cloud.password, defaultProject: cloud.project }] },
  });
  const hv = JSON.parse(fs.readFileSync(path.join(labDir, 'hypervisors.json'), 'utf8')) as { hypervisors: { host: string; ssh: { address: string; port: number; user: string; keyPath: string } }[] };
  for (const h of hv.hypervisors) {
    await invoke(api, backstack.url, 'hypervisors.setSsh', { providerId: provider.id, hostname: h.host, address: h.ssh.address, port: h.ssh.port, user: h.ssh.user, privateKey: fs.readFileSync(h.ssh.keyPath, 'utf8') });
  }
  await invoke(api, backstack.url, 'destinations.create', { name: 'local', path: path.join(backstack.home, 'repo') });
  const { jobId: syncJob } = await invoke<{ jobId: string }>(api, backstack.url, 'inventory.startSync', { providerId: provider.id });

  const shell = new ShellPage(page);
  const jobs = new JobsPage(page);
  const inventory = new InventoryPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Jobs').click();
  await expect(jobs.rows().filter({ hasText: 'Inventory sync' }).getByTestId('job-state')).toHaveText('succeeded', { timeout: 120_000 });
  void syncJob;

  // Before the first backup: test the hypervisor the server runs on from the Clouds page.
  await shell.nav('Clouds').click();
  const kvm1 = page.getByTestId('hypervisors-lab').getByTestId('row').filter({ hasText: 'lab-kvm-1' });
  await kvm1.getByRole('button', { name: 'Test' }).click();
  await expect(page.getByText('lab-kvm-1 is ready for backups')).toBeVisible({ timeout: 30_000 });
  await expect(kvm1).toContainText('ssh-ed25519 SHA256:');
  await page.screenshot({ path: path.join(screenshotDir, 'clouds-hypervisor-test.png') });

  await shell.nav('Inventory').click();
  await inventory.search().fill(SERVER);
  await inventory.row(SERVER).click();
  await inventory.detail().getByRole('tab', { name: 'Backups' }).click();
  await inventory.detail().getByRole('button', { name: 'Back up now' }).click();
  await page.keyboard.press('Escape');

  await shell.nav('Jobs').click();
  const backupRow = jobs.rows().filter({ has: page.getByText('Backup', { exact: true }) });
  await backupRow.click();
  await expect(jobs.detail().getByTestId('job-state')).toHaveText('running', { timeout: 60_000 });
  await page.screenshot({ path: path.join(screenshotDir, 'jobs-backup-running.png') });
  await jobEnded(api, backstack.url, 'backup.instance');
  await expect(jobs.detail().getByTestId('job-state')).toHaveText(/succeeded|warning/);
  await expect(jobs.log()).toContainText('Full backup');
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
  await jobs.rows().filter({ has: page.getByText('Restore', { exact: true }) }).click();
  await jobEnded(api, backstack.url, 'restore.instance');
  await expect(jobs.detail().getByTestId('job-state')).toHaveText(/succeeded|warning/);
  await page.screenshot({ path: path.join(screenshotDir, 'jobs-restore-done.png') });

  // The restored server is in the inventory after the next sync, ACTIVE; then it is removed again.
  await invoke(api, backstack.url, 'inventory.startSync', { providerId: provider.id });
  await expect
    .poll(async () => (await invoke<{ items: { name: string; status: string; id: string }[] }>(api, backstack.url, 'inventory.listInstances', {})).items.find((i) => i.name === restoredName)?.status, {
      timeout: 120_000,
    })
    .toBe('ACTIVE');
  const restored = (await invoke<{ items: { name: string; id: string }[] }>(api, backstack.url, 'inventory.listInstances', {})).items.find((i) => i.name === restoredName)!;
  await deleteServerAsAdmin(cloud, restored.id);
  // Leave the seeded server as it was: one more backup that merges its snapshot back instead of keeping it.
  const original = (await invoke<{ items: { name: string; id: string }[] }>(api, backstack.url, 'inventory.listInstances', {})).items.find((i) => i.name === SERVER)!;
  await invoke(api, backstack.url, 'backups.start', { providerId: provider.id, instanceId: original.id, mode: 'incremental', keepSnapshot: false });
  await jobEnded(api, backstack.url, 'backup.instance');
  await api.dispose();
});
