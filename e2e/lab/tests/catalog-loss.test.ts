// Recovery without the catalog (issue 16): installation A backs up a small lab server, then its
// catalog is lost (the workstation with it). A new installation on a fresh home adds A's
// destination folder (add, not create) and the same cloud, which gets a new random id: the restore
// point is found under its instance by the cloud's Keystone URL and region, and restores through Nova.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../electron/engine';
import { cloudIdentity } from '../../../electron/services/providers/cloud-identity';
import { closeInstallation, manifestOf, openInstallation, restoredSha, runJob, unwrap, type Installation } from './support/backstack';
import { loadCloud, Session } from './support/cloud';
import { createServer, deleteServer } from './support/guests';
import type { Server } from './support/nova';
import { loadHypervisors, type Hypervisor } from './support/ssh';

let os: Session;
let cloud: ReturnType<typeof loadCloud>;
let hypervisors: Hypervisor[];
let A: Installation;
let B: Installation | undefined;
let server: Server;
const suffix = Date.now().toString(36);
const serversToDelete: string[] = [];

beforeAll(async () => {
  cloud = loadCloud();
  os = await Session.login(cloud);
  hypervisors = loadHypervisors();
  A = await openInstallation('A', cloud, hypervisors);
  server = await createServer(os, { name: `bsk-lost-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net' });
  serversToDelete.push(server.id);
}, 900_000);

afterAll(async () => {
  for (const i of [A, B]) if (i) console.log(`installation ${i.name} (${i.id}) jobs:\n${i.figures.map((f) => `  ${f.seconds.toFixed(1).padStart(6)} s  ${f.job}  ${f.summary ?? ''}`).join('\n')}`);
  const warn = (e: unknown) => console.warn(`cleanup: ${(e as Error).message}`);
  await Promise.all(serversToDelete.map((id) => deleteServer(os, id).catch(warn)));
  await closeInstallation(B);
  // A's core is closed when its catalog is lost; its home still holds the destination folder
  if (A) rmSync(A.home, { recursive: true, force: true });
}, 900_000);

describe('after the catalog is lost', () => {
  let m: Manifest;
  let vda = '';

  it('A backs up the server; the restore point names the cloud by its Keystone URL and region', async () => {
    // nothing kept on the hypervisor: A's catalog, which would release it, is about to be lost
    const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, mode: 'full', keepSnapshot: false });
    expect(job.state, log.join('\n')).toBe('succeeded');
    m = await manifestOf(A, job.summary);
    const provider = unwrap(await A.core.api.invoke('providers.list', {})).items.find((p) => p.id === A.providerId)!;
    expect(m.source.cloud).toEqual(cloudIdentity(provider));
    expect(m.source.cloud).toEqual({ authUrl: cloud.authUrl.replace(/\/v3$/, ''), region: cloud.region ?? 'RegionOne' });
    vda = await restoredSha(A, m, 'vda');
  });

  it('a new installation adds the destination folder and the same cloud: the restore point is under the instance', async () => {
    await A.core.close();
    // the catalog (and the sealed secrets, the key file) gone; the destination folder stays
    for (const entry of readdirSync(A.home)) if (entry !== 'repo') rmSync(join(A.home, entry), { recursive: true, force: true });
    B = await openInstallation('B', cloud, hypervisors, { existingDestination: join(A.home, 'repo') });
    expect(B.providerId).not.toBe(A.providerId);
    expect(B.id).not.toBe(A.id);
    // adding the cloud re-indexes the destination, whose restore points name a cloud this catalog never knew
    await B.core.jobs.whenIdle();
    const listed = unwrap(await B.core.api.invoke('backups.list', { resourceId: server.id, providerId: B.providerId })).items;
    expect(listed.map((b) => b.id)).toEqual([m.id]);

    const { jobId } = unwrap(await B.core.api.invoke('inventory.startSync', { providerId: B.providerId }));
    await B.core.jobs.whenIdle();
    expect(B.core.jobs.get(jobId).state).toBe('succeeded');
    const instance = unwrap(await B.core.api.invoke('inventory.listInstances', { providerId: B.providerId })).items.find((i) => i.id === server.id);
    expect(instance?.lastBackupAt).toBe(m.finishedAt);
  });

  it('and restores it through Nova: ACTIVE, its disk checked against the backup on the hypervisor', async () => {
    const name = `bsk-lost-restored-${suffix}`;
    const { job, log } = await runJob(B!, 'restore.start', { backupId: m.id, name, verify: true });
    const serverId = /\(([0-9a-f-]{36})\)/.exec(job.summary ?? '')?.[1];
    if (serverId) serversToDelete.push(serverId);
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(log).toContain(`Disk vda: verified on the hypervisor, sha256 ${vda}.`);
    const { server: restored } = await os.request<{ server: Server }>('compute', `/servers/${serverId}`, { microversion: '2.79' });
    expect(restored.status).toBe('ACTIVE');
    expect(restored.name).toBe(name);
  });
});
