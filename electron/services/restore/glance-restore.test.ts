// Restore of an image-transfer restore point through Glance, against the MockAgent cloud: the
// server boots from the uploaded image and the image goes; when Glance or Nova refuses, nothing
// the restore made is left (the lab test covers the bytes, the hashes and a real boot).
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RestoreInstanceParams } from '../../../shared/domain/backups';
import { makeRepo, type TestRepo } from '../../engine/testing/repos';
import * as os from '../../openstack';
import { adminClient, standardCloud } from '../../openstack/testing/fixtures';
import type { MockCloud } from '../../openstack/testing/mock-cloud';
import { backupThroughImage } from '../../transfer/image-transfer';
import { collectInstanceMetadata } from '../backup/metadata';
import { readInstanceBackup } from './backup-metadata';
import { restoreThroughGlance } from './glance-restore';

const MiB = 1024 * 1024;
let cloud: MockCloud;
let client: os.ProviderClient;
let t: TestRepo;
let logs: string[];

beforeEach(async () => {
  cloud = standardCloud();
  client = adminClient(cloud);
  t = await makeRepo();
  logs = [];
});
afterEach(async () => {
  await client.close();
  await cloud.close();
  await t.cleanup();
});

/** acme-app-1 backed up by image transfer (a raw image of 2.5 MiB), then restored through Glance. */
async function restore(params: Partial<RestoreInstanceParams> = {}) {
  const disk = Buffer.concat([randomBytes(MiB), Buffer.alloc(MiB), randomBytes(MiB / 2)]);
  cloud.snapshotImage = () => ({ _data: disk, size: disk.length, disk_format: 'raw' });
  const server = await os.getServer(await client.compute(), 's-app');
  const meta = await collectInstanceMetadata(client, server);
  const owner = { installation: 'inst0000aaaa', jobId: '0123abcd-0000-4000-8000-000000000000' };
  const log = (level: 'info' | 'warn', m: string) => logs.push(`${level} ${m}`);
  const { manifest } = await backupThroughImage({
    client,
    server,
    owner,
    repo: t.repo,
    group: server.id,
    sourceInfo: { kind: 'instance', providerId: 'mock', resourceId: server.id, resourceName: server.name, projectId: server.projectId },
    metadata: { nova: meta.nova, glance: meta.glance, cinder: meta.cinder, neutron: meta.neutron },
    signal: new AbortController().signal,
    log,
  });
  const job = { installation: owner.installation, jobId: '4567cdef-0000-4000-8000-000000000000' };
  return restoreThroughGlance({
    params: RestoreInstanceParams.parse({ backupId: manifest.id, name: 'app-back', keypair: null, network: 'demo-net', ...params }),
    backup: readInstanceBackup(manifest),
    backupRef: { group: manifest.group, time: manifest.time },
    providerId: 'mock',
    marks: { backstack_installation: job.installation, backstack_job: job.jobId },
    signal: new AbortController().signal,
    log,
    progress: () => undefined,
    client,
    projectId: 'p-admin',
    repo: t.repo,
    owner: job,
  });
}

const restoreImages = () => cloud.images.filter((i) => String(i.name).startsWith('backstack-4567cdef-'));

it('boots a server from the uploaded image, then deletes the image', async () => {
  const r = await restore();
  expect(r.status).toBe('ACTIVE');
  const made = cloud.servers.find((s) => s.id === r.serverId)!;
  expect(made.image).toEqual({ id: r.imageId });
  expect(made.metadata).toMatchObject({ backstack_job: '4567cdef-0000-4000-8000-000000000000' });
  const asked = cloud.requestsTo(/^\/v2\/images$/, 'POST')[0]!.body as Record<string, unknown>;
  expect(asked).toMatchObject({ name: 'backstack-4567cdef-app-back', disk_format: 'raw', min_disk: 1, backstack_purpose: 'restore' });
  expect(restoreImages()).toEqual([]);
});

it('an upload Glance refuses leaves no server and no image', async () => {
  cloud.inject((r) => r.method === 'PUT' && r.path.endsWith('/file'), { status: 413, body: { message: 'Image storage media is full', code: '413 Request Entity Too Large' } });
  await expect(restore()).rejects.toThrow(/413|full/);
  expect(cloud.servers.some((s) => s.name === 'app-back')).toBe(false);
  expect(restoreImages()).toEqual([]);
});

it('a server Nova refuses leaves no image', async () => {
  cloud.inject((r) => r.method === 'POST' && r.path === '/v2.1/servers', { status: 403, body: { forbidden: { code: 403, message: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances' } } });
  await expect(restore()).rejects.toThrow(/Quota exceeded for instances/);
  expect(cloud.servers.some((s) => s.name === 'app-back')).toBe(false);
  expect(restoreImages()).toEqual([]);
});
