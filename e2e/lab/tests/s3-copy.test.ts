// Copies of restore points in the lab's Ceph RGW over S3 (issue 17), through the CLI as an admin
// runs them: a copy target with Object Lock (governance), two restore points copied (the second
// sends only the chunks the copy lacks), every object locked so that a delete of it with the
// target's own credentials fails, and the copy pulled into an empty folder that restores
// byte-identical as a destination of its own; and a policy that copies each new restore point
// of a lab server after its backup.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDisk, fileSink, fileSource, openRepository, restoreDisk, type Manifest } from '../../../electron/engine';
import type { Job } from '../../../shared/domain/jobs';
import { closeInstallation, openInstallation, runJob, unwrap, type Installation } from './support/backstack';
import { loadCloud, Session } from './support/cloud';
import { createServer, deleteServer } from './support/guests';
import { until } from './support/lab';
import { errorCode, loadS3, s3, s3File, type S3Lab } from './support/s3';
import { loadHypervisors } from './support/ssh';

const root = resolve(__dirname, '../../..');
const lab = loadS3();
const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const bucket = `${lab?.bucketPrefix ?? 'backstack-test-'}copy-${suffix}`;
let home = '';
const MiB = 1024 * 1024;

function cli(args: string[], stdin = ''): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [join(root, 'bin', 'backstack.cjs'), ...args], {
      cwd: root,
      env: { ...process.env, BACKSTACK_HOME: join(home, 'home') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.stdin.end(stdin);
    p.on('exit', (code) => done({ code, out, err }));
  });
}

const l = (): S3Lab => {
  expect(lab, `${s3File} (written by e2e/lab/up)`).toBeDefined();
  return lab!;
};
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

/** Every version in the bucket (key, version id): what the cleanup removes, bypassing governance as the owner may. */
async function versions(): Promise<{ key: string; versionId: string }[]> {
  const xml = await (await s3(l(), l(), { bucket, query: { versions: '' } })).text();
  return [...xml.matchAll(/<(?:Version|DeleteMarker)>([\s\S]*?)<\/(?:Version|DeleteMarker)>/g)].map((m) => ({
    key: /<Key>([^<]+)<\/Key>/.exec(m[1]!)![1]!,
    versionId: /<VersionId>([^<]+)<\/VersionId>/.exec(m[1]!)![1]!,
  }));
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'backstack-lab-copy-'));
  const put = await s3(l(), l(), { method: 'PUT', bucket, headers: { 'x-amz-bucket-object-lock-enabled': 'true' } });
  expect(put.status, await put.text()).toBe(200);
});

afterAll(async () => {
  if (lab) {
    for (const v of await versions().catch(() => [])) {
      await s3(lab, lab, {
        method: 'DELETE',
        bucket,
        key: v.key,
        query: { versionId: v.versionId },
        headers: { 'x-amz-bypass-governance-retention': 'true' },
      }).catch(() => undefined);
    }
    await s3(lab, lab, { method: 'DELETE', bucket }).catch(() => undefined);
  }
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('copies in object storage (Ceph RGW)', () => {
  const images = { one: '', two: '' };
  const points: Manifest[] = [];

  it('copies two restore points into a locked bucket, the second sending only what the copy lacks', async () => {
    const repoDir = join(home, 'repo');
    expect((await cli(['destination', 'create', 'local', repoDir])).code).toBe(0);
    // two restore points of one 24 MiB disk, the second with 1 MiB changed
    images.one = join(home, 'one.img');
    const data = randomBytes(24 * MiB);
    writeFileSync(images.one, data);
    images.two = join(home, 'two.img');
    randomBytes(MiB).copy(data, 5 * MiB);
    writeFileSync(images.two, data);
    const repo = await openRepository(repoDir);
    try {
      points.push(await backupDisk(repo, { group: 'vm-copy', name: 'vda', source: fileSource(images.one) }));
      points.push(await backupDisk(repo, { group: 'vm-copy', name: 'vda', source: fileSource(images.two) }));
    } finally {
      await repo.close();
    }

    const add = await cli(
      [
        'copy',
        'target',
        'add',
        'offsite',
        '--endpoint',
        l().endpoint,
        '--region',
        l().region,
        '--bucket',
        bucket,
        '--prefix',
        'site-a/backstack',
        '--access-key',
        l().accessKeyId,
        '--secret-key-stdin',
        '--lock',
        'governance',
        '--lock-days',
        '1',
      ],
      `${l().secretAccessKey}\n`,
    );
    expect(add.code, add.err).toBe(0);
    const test = await cli(['copy', 'target', 'test', 'offsite']);
    expect(test.code, test.err).toBe(0);
    expect(test.out).toMatch(/a probe written, read back and deleted; Object Lock on; nothing copied there yet\./);

    const first = await cli(['copy', 'run', '--to', 'offsite', '--from', 'local', '--backup', points[0]!.id, '--json']);
    expect(first.code, first.err).toBe(0);
    expect(JSON.parse(first.out).summary).toMatch(/^1 restore point\(s\) copied to offsite \(6 chunks, [\d.]+ MiB sent, 0 chunks already there\)\.$/);
    const second = await cli(['copy', 'run', '--to', 'offsite', '--from', 'local', '--json']);
    expect(second.code, second.err).toBe(0);
    // the 4 MiB chunk holding the changed MiB (and maybe its neighbour) is all that goes
    const summary = JSON.parse(second.out).summary as string;
    expect(summary, second.err).toMatch(
      /^1 restore point\(s\) copied to offsite \([12] chunks, [\d.]+ MiB sent, [45] chunks already there\); 1 were there already\.$/,
    );
    expect(second.err).toContain(`${points[1]!.id}: 6 chunks,`);
  });

  it("locks every object: a delete with the target's own credentials fails before the date", async () => {
    const all = (await versions()).filter((v) => v.key.startsWith('site-a/backstack/'));
    const manifest = all.find((v) => v.key.endsWith(`${points[1]!.time}/manifest.json`))!;
    const chunk = all.find((v) => v.key.includes('/chunks/'))!;
    expect(manifest && chunk).toBeTruthy();
    for (const v of [manifest, chunk]) {
      const del = await s3(l(), l(), { method: 'DELETE', bucket, key: v.key, query: { versionId: v.versionId } });
      expect(del.status, v.key).toBe(403);
      expect(errorCode(await del.text())).toBe('AccessDenied');
      const retention = await (await s3(l(), l(), { bucket, key: v.key, query: { retention: '', versionId: v.versionId } })).text();
      expect(retention).toMatch(/<Mode>GOVERNANCE<\/Mode>/);
    }
  });

  it('pulls the copy into an empty folder that restores byte-identical as a destination of its own', async () => {
    const pulled = join(home, 'pulled');
    const pull = await cli(['copy', 'pull', '--from', 'offsite', '--to', pulled, '--json']);
    expect(pull.code, pull.err).toBe(0);
    expect(JSON.parse(pull.out).summary).toMatch(
      /^2 restore point\(s\) pulled from offsite into .*pulled \(\d+ chunks, [\d.]+ MiB\)\. Add it as a destination/,
    );
    const addDest = await cli(['destination', 'add', 'from-copy', pulled]);
    expect(addDest.code, addDest.err).toBe(0);
    const repo = await openRepository(pulled);
    try {
      for (const [i, img] of [images.one, images.two].entries()) {
        const out = join(home, `restored-${i}.img`);
        await restoreDisk(repo, { group: 'vm-copy', backup: points[i]!.time, disk: 'vda', sink: fileSink(out) });
        expect(sha(out)).toBe(sha(img));
      }
    } finally {
      await repo.close();
    }
    // "deleted" with the target's key without a version id: a delete marker, which the lock allows;
    // a pull into a new folder still reads every object, from the locked versions the markers hide
    const hideable = (await versions()).filter((v) => v.key.startsWith('site-a/backstack/backups/') || v.key.startsWith('site-a/backstack/chunks/'));
    for (const v of hideable) expect((await s3(l(), l(), { method: 'DELETE', bucket, key: v.key })).status).toBe(204);
    const again2 = join(home, 'pulled-after-deletes');
    const hiddenPull = await cli(['copy', 'pull', '--from', 'offsite', '--to', again2, '--json']);
    expect(hiddenPull.code, hiddenPull.err).toBe(0);
    expect(JSON.parse(hiddenPull.out).summary).toMatch(/^2 restore point\(s\) pulled from offsite/);
    expect(hiddenPull.err).toMatch(/\d+ object\(s\) of the copy at .* were hidden by delete markers/);
    const repo2 = await openRepository(again2);
    try {
      const out = join(home, 'restored-after-deletes.img');
      await restoreDisk(repo2, { group: 'vm-copy', backup: points[1]!.time, disk: 'vda', sink: fileSink(out) });
      expect(sha(out)).toBe(sha(images.two));
    } finally {
      await repo2.close();
    }
    // a second pull finds both there and fetches nothing
    const again = await cli(['copy', 'pull', '--from', 'offsite', '--to', pulled, '--json']);
    expect(JSON.parse(again.out).summary).toMatch(/^0 restore point\(s\) pulled .* \(0 chunks, 0 B\); 2 were there already\./);
  });

  it('refuses a prefix holding another repository, and says so', async () => {
    const other = join(home, 'other');
    expect((await cli(['destination', 'create', 'other', other])).code).toBe(0);
    const repo = await openRepository(other);
    try {
      await backupDisk(repo, { group: 'vm-x', name: 'vda', source: fileSource(images.one) });
    } finally {
      await repo.close();
    }
    const r = await cli(['copy', 'run', '--to', 'offsite', '--from', 'other']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(
      /already holds another repository \(id [0-9a-f-]+, this destination's is [0-9a-f-]+\): give this copy a prefix of its own\./,
    );
  });
});

describe('a policy with a copy target', () => {
  let A: Installation | undefined;
  let os: Session;
  let serverId = '';
  afterAll(async () => {
    if (serverId) await deleteServer(os, serverId).catch(() => undefined);
    await closeInstallation(A);
  }, 300_000);

  it('copies each new restore point after its backup, as a job of its own', async () => {
    const cloud = loadCloud();
    os = await Session.login(cloud);
    A = await openInstallation('copy-policy', cloud, loadHypervisors());
    const server = await createServer(os, { name: `bsk-copy-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net' });
    serverId = server.id;
    const target = unwrap(
      await A.core.api.invoke('copies.addTarget', {
        name: 'site-b',
        endpoint: l().endpoint,
        region: l().region,
        bucket,
        prefix: 'site-b',
        accessKeyId: l().accessKeyId,
        secretAccessKey: l().secretAccessKey,
      }),
    );
    const policy = unwrap(
      await A.core.api.invoke('policies.create', {
        spec: { name: `bsk-copy-${suffix}`, destination: A.core.services.destinations.defaultDestination().id, copyTo: 'site-b' },
      }),
    );
    expect(policy).toMatchObject({ copyTargetName: 'site-b', spec: { copyTo: target.id } });
    unwrap(await A.core.api.invoke('policies.assign', { id: policy.id, instances: [{ providerId: A.providerId, instanceId: server.id }] }));
    const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, mode: 'full', policyId: policy.id });
    expect(job.state, log.join('\n')).toBe('succeeded');
    const backupId = /backup (\S+\/\S+):/.exec(job.summary ?? '')![1]!;
    const copyJobId = log
      .map((m) => /^Copy to site-b queued \(job (\S+)\): the policy copies each restore point there\.$/.exec(m)?.[1])
      .find(Boolean);
    expect(copyJobId, log.join('\n')).toBeDefined();
    const copy = await until<Job>(
      'the copy job',
      async () => {
        const j = A!.core.jobs.get(copyJobId!);
        return ['succeeded', 'warning', 'failed', 'cancelled'].includes(j.state) && j;
      },
      { timeoutMs: 300_000, intervalMs: 250 },
    );
    expect(copy.state, copy.error?.message).toBe('succeeded');
    expect(copy.summary).toMatch(/^1 restore point\(s\) copied to site-b \(\d+ chunks, /);
    const listing = await (await s3(l(), l(), { bucket, query: { prefix: `site-b/backups/${backupId}/` } })).text();
    expect(listing).toContain(`<Key>site-b/backups/${backupId}/manifest.json</Key>`);
  }, 600_000);
});
