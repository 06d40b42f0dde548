import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDisk, fileSource } from '../engine';
import { standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import type { Core } from './create-core';
import { addMockCloud, ok, openTestCore, type TestCore } from './testing';

// The prune preview speaks of instances, clouds and projects by name (ids for hover and copy):
// a synced MockAgent cloud names them, as the inventory knows them.
let t: TestCore;
let dir: string;
let core: Core;
let cloud: MockCloud;
beforeEach(() => {
  cloud = standardCloud();
  ({ core, dir } = t = openTestCore('backstack-prune-preview-', { openstackDispatcher: cloud.agent, openstackClock: cloud.clock }));
});
afterEach(async () => {
  await t.close();
  await cloud.close();
});

/** Two restore points of an instance, with the source a strategy records (`projectId` left out by older versions). */
async function twoBackups(destinationId: string, source: Record<string, unknown>): Promise<void> {
  const img = path.join(dir, 'disk.img');
  fs.writeFileSync(img, Buffer.alloc(1024 * 1024, 'backstack '));
  const repo = await core.services.destinations.open(destinationId);
  try {
    for (let i = 0; i < 2; i++)
      await backupDisk(repo, { group: String(source.resourceId), name: 'vda', source: fileSource(img), sourceInfo: { kind: 'instance', ...source } });
  } finally {
    await repo.close();
  }
}

describe('the prune preview', () => {
  it('names each instance, its cloud and its project, with their ids beside the names', async () => {
    const provider = { id: await addMockCloud(core, cloud.authUrl, { name: 'lab' }) };
    const { destination } = ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'repo') }));
    await twoBackups(destination.id, { providerId: provider.id, resourceId: 's-web', resourceName: 'demo-web-1', projectId: 'p-demo' });
    // an older restore point without the project: the inventory says where the instance is
    await twoBackups(destination.id, { providerId: provider.id, resourceId: 's-app', resourceName: 'acme-app-1' });
    // another workstation's cloud this installation does not know
    await twoBackups(destination.id, { providerId: 'elsewhere', resourceId: 's-gone', resourceName: 'old-db', projectId: 'p-x' });

    const preview = ok(await core.api.invoke('destinations.previewPrune', { id: destination.id, keep: { last: 1 } }));
    const subjects = Object.fromEntries(preview.groups.map((g) => [g.group, g.subject]));
    expect(subjects).toEqual({
      's-web': { kind: 'instance', id: 's-web', name: 'demo-web-1', cloudId: provider.id, cloud: 'lab', projectId: 'p-demo', project: 'demo' },
      's-app': { kind: 'instance', id: 's-app', name: 'acme-app-1', cloudId: provider.id, cloud: 'lab', projectId: 'p-prod', project: 'acme-prod' },
      's-gone': { kind: 'instance', id: 's-gone', name: 'old-db', cloudId: 'elsewhere', cloud: null, projectId: 'p-x', project: null },
    });
    expect(preview.removed).toHaveLength(3);
  });
});
