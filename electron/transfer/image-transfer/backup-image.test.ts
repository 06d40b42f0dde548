// The image-transfer backup against the MockAgent cloud, for the outcomes the lab cannot produce on
// demand (Glance killing the image, a quota refusal, a download cut short, a cancel while Nova
// works): a restore point only from a whole download, and the temporary image deleted every time.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listBackups, openDiskReader } from '../../engine';
import { makeRepo, type TestRepo } from '../../engine/testing/repos';
import * as os from '../../openstack';
import { adminClient, standardCloud } from '../../openstack/testing/fixtures';
import type { MockCloud } from '../../openstack/testing/mock-cloud';
import { backupThroughImage } from './backup-image';

const MiB = 1024 * 1024;
let cloud: MockCloud;
let client: os.ProviderClient;
let t: TestRepo;
let logs: string[];
const disk = Buffer.concat([randomBytes(MiB), Buffer.alloc(MiB), randomBytes(MiB / 2)]);

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

const snapshots = () => cloud.images.filter((i) => String(i.id).startsWith('img-snap-'));

async function backup(serverId = 's-app', signal = new AbortController().signal, onLog: (m: string) => void = () => undefined) {
  const server = await os.getServer(await client.compute(), serverId);
  return backupThroughImage({
    client,
    server,
    owner: { installation: 'inst0000aaaa', jobId: '0123abcd-0000-4000-8000-000000000000' },
    repo: t.repo,
    group: server.id,
    sourceInfo: { kind: 'instance', resourceId: server.id },
    signal,
    log: (level, m) => {
      logs.push(`${level} ${m}`);
      onLog(m);
    },
  });
}

async function diskOf(backupId: string): Promise<Buffer> {
  const [group, time] = [backupId.slice(0, backupId.lastIndexOf('/')), backupId.slice(backupId.lastIndexOf('/') + 1)];
  const r = await openDiskReader(t.repo, { group, backup: time, disk: 'vda' });
  try {
    return await r.read(0, r.size);
  } finally {
    await r.close();
  }
}

describe('backupThroughImage', () => {
  it('stores a raw snapshot image as the disk and deletes the image, which carried our marks', async () => {
    cloud.snapshotImage = () => ({ _data: disk, size: disk.length, disk_format: 'raw' });
    const { manifest, transferredBytes } = await backup();
    expect(transferredBytes).toBe(disk.length);
    expect(manifest.source).toMatchObject({ strategy: 'image-transfer', backupKind: 'full' });
    expect((await diskOf(manifest.id)).equals(disk)).toBe(true);
    const asked = cloud.requestsTo(/\/servers\/s-app\/action$/, 'POST')[0]!.body as { createImage: { name: string; metadata: Record<string, string> } };
    expect(asked.createImage.name).toBe('backstack-0123abcd-acme-app-1');
    expect(asked.createImage.metadata).toEqual({ backstack_installation: 'inst0000aaaa', backstack_job: '0123abcd-0000-4000-8000-000000000000', backstack_purpose: 'backup' });
    expect(snapshots()).toEqual([]);
  });

  it('decodes a qcow2 snapshot image (made by qemu-img) into the disk the guest sees', async () => {
    const dir = fs.mkdtempSync(path.join(t.work, 'q-'));
    fs.writeFileSync(path.join(dir, 'disk.raw'), disk);
    execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', path.join(dir, 'disk.raw'), path.join(dir, 'disk.qcow2')]);
    const qcow2 = fs.readFileSync(path.join(dir, 'disk.qcow2'));
    cloud.snapshotImage = () => ({ _data: qcow2, size: qcow2.length, disk_format: 'qcow2' });
    const { manifest, transferredBytes } = await backup();
    expect(transferredBytes).toBe(qcow2.length);
    expect((await diskOf(manifest.id)).equals(disk)).toBe(true);
    expect(snapshots()).toEqual([]);
  });

  it('fails when Glance kills the image: no restore point, the image deleted', async () => {
    cloud.snapshotImage = () => ({ _becomes: 'killed' });
    await expect(backup()).rejects.toThrow(/went to killed/);
    expect(await listBackups(t.repo)).toEqual([]);
    expect(snapshots()).toEqual([]);
    expect(logs.some((l) => /^info Temporary image img-snap-\d+ deleted\.$/.test(l))).toBe(true);
  });

  it('says what to do when Nova refuses the snapshot (image quota): nothing created', async () => {
    cloud.inject((r) => r.method === 'POST' && r.path.endsWith('/servers/s-app/action'), { status: 403, body: { forbidden: { code: 403, message: 'Quota exceeded for resources: images.' } } });
    await expect(backup()).rejects.toThrow(/Nova refused to snapshot acme-app-1 \(.*Quota exceeded.*\)\. The image-transfer strategy needs the right to create images .* raise the quota or free images, or back the instance up with the libvirt strategy\./);
    expect(await listBackups(t.repo)).toEqual([]);
    expect(snapshots()).toEqual([]);
  });

  it.each([
    ['raw', () => ({ _data: disk.subarray(0, MiB), size: disk.length, disk_format: 'raw' })],
    ['qcow2', () => {
      const dir = fs.mkdtempSync(path.join(t.work, 'q-'));
      fs.writeFileSync(path.join(dir, 'disk.raw'), disk);
      execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', path.join(dir, 'disk.raw'), path.join(dir, 'disk.qcow2')]);
      const q = fs.readFileSync(path.join(dir, 'disk.qcow2'));
      return { _data: q.subarray(0, Math.floor(q.length / 2)), size: q.length, disk_format: 'qcow2' };
    }],
  ])('a %s download cut short leaves no restore point, and the image is deleted', async (_format, image) => {
    const made = image();
    cloud.snapshotImage = () => made;
    await expect(backup()).rejects.toThrow(/ended|cut short/);
    expect(await listBackups(t.repo)).toEqual([]);
    expect(snapshots()).toEqual([]);
  });

  it('a cancel while Nova makes the image deletes it', async () => {
    cloud.snapshotImage = () => ({ _becomes: 'saving' });
    const stop = new AbortController();
    await expect(backup('s-app', stop.signal, (m) => /Nova is making/.test(m) && stop.abort())).rejects.toThrow(/cancel/i);
    expect(await listBackups(t.repo)).toEqual([]);
    expect(snapshots()).toEqual([]);
  });

  it('refuses a volume-backed server before asking Nova for anything', async () => {
    await expect(backup('s-bfv')).rejects.toThrow(/demo-bfv-1 boots from a volume: .* Back it up with the libvirt strategy\./);
    expect(cloud.requestsTo(/\/action$/, 'POST')).toEqual([]);
  });
});
