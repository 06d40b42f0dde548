import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeImage, standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import type { Core } from './create-core';
import { addMockCloud, ok, openTestCore, type TestCore } from './testing';

// Snapshot management through the contract against the MockAgent cloud: demo-web-1 (s-web) with
// its data volume v-data attached as /dev/vdb.
let t: TestCore;
let core: Core;
let cloud: MockCloud;
let providerId: string;
beforeEach(async () => {
  cloud = standardCloud();
  ({ core } = t = openTestCore('backstack-snapshots-', { openstackDispatcher: cloud.agent, openstackClock: cloud.clock }));
  providerId = await addMockCloud(core, cloud.authUrl);
});
afterEach(async () => {
  await t.close();
  await cloud.close();
});

const target = { providerId: '', instanceId: 's-web' };
const list = async () => ok(await core.api.invoke('snapshots.list', { ...target, providerId })).items;
async function take(name: string, volumeId?: string) {
  const { jobId } = ok(await core.api.invoke('snapshots.create', { ...target, providerId, name, ...(volumeId ? { volumeId } : {}) }));
  await core.jobs.whenIdle();
  return core.jobs.get(jobId);
}
const failure = (r: { ok: true } | { ok: false; error: { code: string; message: string } }) => (r.ok ? null : r.error.message);

describe('snapshot management', () => {
  it('takes an instance snapshot and a volume snapshot as jobs, lists them as made here, and deletes them', async () => {
    // The cloud's own snapshot of the data volume, not made by Backstack
    expect((await list()).map((s) => [s.id, s.kind, s.device, s.madeBy])).toEqual([['snap-1', 'volume', '/dev/vdb', null]]);
    const image = await take('before-upgrade');
    expect(image).toMatchObject({ state: 'succeeded', target: 'instance demo-web-1 (mock)' });
    expect(image.summary).toMatch(/^Snapshot before-upgrade \(img-snap-\d+\) of demo-web-1 is active/);
    const volume = await take('data-before-upgrade', 'v-data');
    expect(volume).toMatchObject({ state: 'succeeded', target: 'volume /dev/vdb of instance demo-web-1 (mock)' });

    const items = (await list()).filter((s) => s.id !== 'snap-1');
    expect(items.map((s) => [s.kind, s.name, s.status, s.device, s.madeBy, s.purpose]).sort()).toEqual([
      ['instance', 'before-upgrade', 'active', null, 'this', 'manual'],
      ['volume', 'data-before-upgrade', 'available', '/dev/vdb', 'this', 'manual'],
    ]);
    // Nova was asked with this installation's mark, which the cloud keeps on the image
    const made = cloud.images.find((i) => i.name === 'before-upgrade')!;
    expect(made.instance_uuid).toBe('s-web');
    expect(made.backstack_purpose).toBe('manual');

    for (const s of items)
      expect(ok(await core.api.invoke('snapshots.delete', { ...target, providerId, kind: s.kind, id: s.id }))).toEqual({ deleted: s.name });
    expect((await list()).map((s) => s.id)).toEqual(['snap-1']);
    expect(cloud.images.some((i) => i.name === 'before-upgrade')).toBe(false);
  });

  it("never deletes another installation's snapshot, and one kept for incrementals only when confirmed", async () => {
    cloud.images.push(
      makeImage('img-other', 'colleague-snap', 'p-demo', 'private', {
        instance_uuid: 's-web',
        backstack_installation: 'aaaaaaaaaaaa',
        backstack_purpose: 'manual',
      }),
    );
    const image = await take('kept');
    expect(image.state).toBe('succeeded');
    const kept = cloud.images.find((i) => i.name === 'kept')!;
    kept.backstack_purpose = 'incremental';

    const items = await list();
    expect(items.find((s) => s.id === 'img-other')).toMatchObject({ madeBy: 'other', purpose: 'manual' });
    expect(failure(await core.api.invoke('snapshots.delete', { ...target, providerId, kind: 'instance', id: 'img-other' }))).toMatch(
      /^colleague-snap was made by another Backstack installation, which may still need it; it is not deleted from here/,
    );
    expect(failure(await core.api.invoke('snapshots.delete', { ...target, providerId, kind: 'instance', id: kept.id as string }))).toBe(
      'kept is kept for the next incremental backup of demo-web-1: deleting it makes the next backup full. Confirm to delete it.',
    );
    ok(await core.api.invoke('snapshots.delete', { ...target, providerId, kind: 'instance', id: kept.id as string, confirmIncremental: true }));
    expect((await list()).map((s) => s.id).sort()).toEqual(['img-other', 'snap-1']);
  });

  it('refuses a volume that is not attached to the instance, and names a snapshot deleted meanwhile', async () => {
    expect(failure(await core.api.invoke('snapshots.create', { ...target, providerId, name: 'x', volumeId: 'v-other' }))).toBe(
      'Volume v-other is not attached to demo-web-1. Sync the inventory if it was attached since.',
    );
    expect(failure(await core.api.invoke('snapshots.delete', { ...target, providerId, kind: 'volume', id: 'snap-gone' }))).toBe(
      'No snapshot snap-gone of demo-web-1: it may be deleted already. Refresh the list.',
    );
  });
});
