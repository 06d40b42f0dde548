// Snapshot management against the lab (issue 16): a small server with a Ceph volume attached;
// Backstack takes an instance snapshot (Nova → Glance image) and a volume snapshot (Cinder), lists
// them as its own next to the cloud's, deletes both, and the cloud no longer has them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeInstallation, openInstallation, unwrap, type Installation } from './support/backstack';
import { loadCloud, Session } from './support/cloud';
import { attachVolume, createServer, createVolume, deleteServer, deleteVolume } from './support/guests';
import type { Server } from './support/nova';
import { loadHypervisors } from './support/ssh';

let os: Session;
let A: Installation;
let server: Server;
let volumeId = '';
const suffix = Date.now().toString(36);
const images: string[] = [];

/** Runs a snapshot job to its end. */
async function take(input: Record<string, unknown>) {
  const { jobId } = unwrap(await A.core.api.invoke('snapshots.create', { providerId: A.providerId, instanceId: server.id, ...input }));
  await A.core.jobs.whenIdle();
  const job = A.core.jobs.get(jobId);
  const log = unwrap(await A.core.api.invoke('jobs.getLog', { id: jobId })).items.map((e) => e.message);
  return { job, log };
}

beforeAll(async () => {
  const cloud = loadCloud();
  os = await Session.login(cloud);
  A = await openInstallation('snap', cloud, loadHypervisors());
  server = await createServer(os, { name: `bsk-snap-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net' });
  volumeId = await createVolume(os, `bsk-snap-data-${suffix}`, 1);
  await attachVolume(os, server.id, volumeId);
  const { jobId } = unwrap(await A.core.api.invoke('inventory.startSync', { providerId: A.providerId }));
  await A.core.jobs.whenIdle();
  expect(A.core.jobs.get(jobId).state).toBe('succeeded');
}, 900_000);

afterAll(async () => {
  const warn = (e: unknown) => console.warn(`cleanup: ${(e as Error).message}`);
  for (const id of images) await os.request('image', `/v2/images/${id}`, { method: 'DELETE', expect: [204, 404] }).catch(warn);
  if (server) await deleteServer(os, server.id).catch(warn);
  if (volumeId) await deleteVolume(os, volumeId).catch(warn);
  await closeInstallation(A);
}, 900_000);

describe('snapshot management on the lab', () => {
  it('takes an instance snapshot and a volume snapshot, lists them as made here, and deletes them from the cloud', async () => {
    const image = await take({ name: `bsk-snap-img-${suffix}` });
    expect(image.job.state, image.log.join('\n')).toBe('succeeded');
    const imageId = /\(([0-9a-f-]{36})\)/.exec(image.job.summary ?? '')![1]!;
    images.push(imageId);
    const volume = await take({ name: `bsk-snap-vol-${suffix}`, volumeId });
    expect(volume.job.state, volume.log.join('\n')).toBe('succeeded');

    const items = unwrap(await A.core.api.invoke('snapshots.list', { providerId: A.providerId, instanceId: server.id })).items;
    const mine = items.filter((s) => s.name.endsWith(suffix));
    expect(mine.map((s) => [s.kind, s.name, s.status, s.madeBy, s.purpose]).sort()).toEqual([
      ['instance', `bsk-snap-img-${suffix}`, 'active', 'this', 'manual'],
      ['volume', `bsk-snap-vol-${suffix}`, 'available', 'this', 'manual'],
    ]);
    // Glance holds the image with Nova's instance_uuid and Backstack's marks
    const raw = await os.request<Record<string, unknown>>('image', `/v2/images/${imageId}`);
    expect(raw).toMatchObject({ instance_uuid: server.id, backstack_installation: A.id, backstack_purpose: 'manual', status: 'active' });

    for (const s of mine) unwrap(await A.core.api.invoke('snapshots.delete', { providerId: A.providerId, instanceId: server.id, kind: s.kind, id: s.id }));
    expect(unwrap(await A.core.api.invoke('snapshots.list', { providerId: A.providerId, instanceId: server.id })).items.filter((s) => s.name.endsWith(suffix))).toEqual([]);
    await expect(os.request('image', `/v2/images/${imageId}`)).rejects.toThrow(/404/);
  });
});
