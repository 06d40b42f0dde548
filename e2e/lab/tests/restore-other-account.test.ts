// A restore into another cloud entry (issue 16): installation A backs up a server of the admin
// project; installation B knows the same Keystone through another account — acme-admin of the
// acme domain — and the same destination folder. B finds the restore point under its own cloud
// entry and restores it into acme-prod, on acme's network, without a key pair.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeInstallation, manifestOf, openInstallation, runJob, unwrap, type Installation } from './support/backstack';
import { loadCloud, Session } from './support/cloud';
import { createServer, deleteServer } from './support/guests';
import type { Server } from './support/nova';
import { loadHypervisors } from './support/ssh';

let os: Session;
let A: Installation;
let B: Installation | undefined;
let server: Server;
const suffix = Date.now().toString(36);
const serversToDelete: string[] = [];

beforeAll(async () => {
  const admin = loadCloud('lab-admin');
  os = await Session.login(admin);
  A = await openInstallation('xacct-A', admin, loadHypervisors());
  server = await createServer(os, { name: `bsk-xacct-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net' });
  serversToDelete.push(server.id);
}, 900_000);

afterAll(async () => {
  const warn = (e: unknown) => console.warn(`cleanup: ${(e as Error).message}`);
  await Promise.all(serversToDelete.map((id) => deleteServer(os, id).catch(warn)));
  await closeInstallation(B);
  await closeInstallation(A);
}, 900_000);

describe('a restore through another account of the cloud', () => {
  it('lands in the other domain’s project, ACTIVE, from the restore point the first installation made', async () => {
    const backup = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, mode: 'full', keepSnapshot: false });
    expect(backup.job.state, backup.log.join('\n')).toBe('succeeded');
    const backupId = (await manifestOf(A, backup.job.summary)).id;

    B = await openInstallation('xacct-B', loadCloud('lab-acme-admin'), loadHypervisors(), { existingDestination: join(A.home, 'repo') });
    await B.core.jobs.whenIdle(); // the destination is indexed under B's own entry for the same Keystone URL and region
    const listed = unwrap(await B.core.api.invoke('backups.list', { resourceId: server.id })).items;
    expect(listed.map((b) => [b.id, b.providerId])).toEqual([[backupId, B.providerId]]);

    const { projects } = await os.request<{ projects: { id: string }[] }>('identity', '/projects?name=acme-prod');
    const acmeProd = projects[0]!.id;
    const name = `bsk-xacct-restored-${suffix}`;
    const restore = await runJob(B, 'restore.start', { backupId, name, projectId: acmeProd, flavor: 'm1.tiny', keypair: null, networks: [{ from: 0, to: 'acme-net' }], verify: true });
    const restoredId = /\(([0-9a-f-]{36})\)/.exec(restore.job.summary ?? '')?.[1];
    if (restoredId) serversToDelete.push(restoredId);
    expect(restore.job.state, restore.log.join('\n')).toBe('succeeded');
    expect(restore.log.some((l) => /^Disk vda: verified on the hypervisor, sha256 [0-9a-f]{64}\.$/.test(l))).toBe(true);
    const { server: s } = await os.request<{ server: Server & { tenant_id: string; addresses: Record<string, unknown> } }>('compute', `/servers/${restoredId}`);
    expect([s.status, s.name, s.tenant_id, Object.keys(s.addresses)]).toEqual(['ACTIVE', name, acmeProd, ['acme-net']]);
  });
});
