import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDisk, fileSink, fileSource, openRepository, restoreDisk } from '../engine';
import { makeRepo, PASSPHRASE, type TestRepo } from '../engine/testing/repos';
import { copyIn } from './copy-in';
import { copyOut } from './copy-out';
import type { Lock, ObjectStore } from './s3-store';

/**
 * The copy's own rules, against a store kept in memory: what the lab cannot produce on demand
 * (a damaged object, a hostile key). The real store, Ceph RGW, is e2e/lab/tests/s3-copy.test.ts.
 */
class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, { body: Buffer; lock?: Lock }>();
  readonly where = 'memory';
  async put(rel: string, body: Buffer, lock?: Lock) {
    this.objects.set(rel, { body: Buffer.from(body), ...(lock ? { lock } : {}) });
  }
  async get(rel: string) {
    return this.objects.get(rel)?.body ?? null;
  }
  async head(rel: string) {
    const o = this.objects.get(rel);
    return o ? { size: o.body.length, lockedUntil: o.lock?.until ?? null } : null;
  }
  async list(rel: string) {
    return new Map([...this.objects].filter(([k]) => k.startsWith(rel)).map(([k, v]) => [k, v.body.length] as const));
  }
  async listData(rel: string) {
    return new Map([...(await this.list(rel))].map(([k, size]) => [k, { size, hiddenVersion: null }] as const));
  }
  async getData(rel: string) {
    const body = await this.get(rel);
    return body ? { body, hidden: false } : null;
  }
  async extendLock(rel: string, lock: Lock) {
    const o = this.objects.get(rel)!;
    o.lock = lock;
  }
}

const MiB = 1024 * 1024;
const log = () => undefined;
let t: TestRepo;
afterEach(() => t?.cleanup());
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

async function twoPoints(encrypted: boolean) {
  t = await makeRepo({ encrypted });
  const data = randomBytes(3 * MiB);
  const a = path.join(t.work, 'a.img');
  fs.writeFileSync(a, data);
  const m1 = await backupDisk(t.repo, { group: 'vm-1', name: 'vda', source: fileSource(a) });
  randomBytes(1000).copy(data, 2 * MiB);
  const b = path.join(t.work, 'b.img');
  fs.writeFileSync(b, data);
  const m2 = await backupDisk(t.repo, { group: 'vm-1', name: 'vda', source: fileSource(b) });
  return { images: [a, b], points: [m1, m2] };
}

describe('a copy in object storage', () => {
  it.each([false, true])(
    'holds the same restore points, sends each chunk once, locks every object, and pulls back byte-identical (encrypted: %s)',
    async (encrypted) => {
      const { images, points } = await twoPoints(encrypted);
      const store = new MemoryStore();
      const lock: Lock = { mode: 'compliance', until: new Date(Date.now() + 86_400_000) };
      const first = await copyOut(t.repo, store, [points[0]!], { lock, log });
      const second = await copyOut(t.repo, store, points, { lock, log });
      expect(first.copied).toEqual([points[0]!.id]);
      expect(second).toMatchObject({ copied: [points[1]!.id], alreadyThere: [points[0]!.id] });
      const chunkSize = t.repo.chunkSize;
      expect(first.chunksSent).toBe(Math.ceil((3 * MiB) / chunkSize));
      expect(second.chunksSent).toBe(1); // only the chunk the 1000 changed bytes are in
      expect([...store.objects.values()].every((o) => o.lock?.mode === 'compliance')).toBe(true);
      // sealed stays sealed: no object of an encrypted copy holds the disk's bytes in the clear
      if (encrypted) {
        const probe = fs.readFileSync(images[0]!).subarray(0, 64);
        expect([...store.objects.values()].some((o) => o.body.includes(probe))).toBe(false);
      }

      const dir = path.join(t.work, 'pulled');
      const pulled = await copyIn(store, dir, { log });
      expect(pulled.pulled).toEqual(points.map((p) => p.id));
      const repo = await openRepository(dir, encrypted ? { passphrase: PASSPHRASE } : {});
      try {
        for (const [i, p] of points.entries()) {
          const out = path.join(t.work, `r${i}.img`);
          await restoreDisk(repo, { group: p.group, backup: p.time, disk: 'vda', sink: fileSink(out) });
          expect(sha(out)).toBe(sha(images[i]!));
        }
      } finally {
        await repo.close();
      }
    },
  );

  it('refuses a damaged chunk on the way back and writes no manifest for its restore point', async () => {
    const { points } = await twoPoints(false);
    const store = new MemoryStore();
    await copyOut(t.repo, store, [points[0]!], { log });
    const chunk = [...store.objects.keys()].find((k) => k.startsWith('chunks/'))!;
    const body = store.objects.get(chunk)!.body;
    body.writeUInt8(body.readUInt8(30) ^ 1, 30);
    const dir = path.join(t.work, 'pulled');
    await expect(copyIn(store, dir, { log })).rejects.toThrow(/is damaged \(its checksum does not match\)/);
    expect(fs.existsSync(path.join(dir, 'backups', points[0]!.group, points[0]!.time, 'manifest.json'))).toBe(false);
  });

  it('keeps hostile keys out of the folder, and refuses a chunk list naming something else', async () => {
    const { points } = await twoPoints(false);
    const store = new MemoryStore();
    await copyOut(t.repo, store, [points[0]!], { log });
    const folder = `backups/${points[0]!.group}/${points[0]!.time}`;
    await store.put(`${folder}/../../../../escape.idx`, Buffer.from('x'));
    await store.put(`${folder}/notes/../../x.json`, Buffer.from('x'));
    const warnings: string[] = [];
    const dir = path.join(t.work, 'pulled');
    await copyIn(store, dir, { log: (_l, m) => warnings.push(m) });
    expect(warnings.filter((w) => w.includes('is not a file of a restore point'))).toHaveLength(2);
    expect(fs.existsSync(path.join(t.work, 'escape.idx'))).toBe(false);

    const list = `copies/${points[0]!.group}/${points[0]!.time}.chunks`;
    await store.put(list, Buffer.from('chunks/../../etc/passwd\n'));
    await expect(copyIn(store, path.join(t.work, 'again'), { log })).rejects.toThrow(/names "chunks\/\.\.\/\.\.\/etc\/passwd", which is not a chunk/);
  });

  it('refuses to mix two repositories under one prefix', async () => {
    const { points } = await twoPoints(false);
    const store = new MemoryStore();
    await copyOut(t.repo, store, [points[0]!], { log });
    const other = await makeRepo({});
    try {
      const img = path.join(other.work, 'x.img');
      fs.writeFileSync(img, randomBytes(MiB));
      const m = await backupDisk(other.repo, { group: 'vm-2', name: 'vda', source: fileSource(img) });
      await expect(copyOut(other.repo, store, [m], { log })).rejects.toThrow(
        /already holds another repository .*: give this copy a prefix of its own/,
      );
    } finally {
      await other.cleanup();
    }
  });
});
