import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDisk } from './backup';
import { listBackups } from './listing';
import { WrongPassphraseError } from '../errors';
import { fileSource } from '../io/extents';
import { initRepository, openRepository } from '../repository';
import { restoreDisk } from './restore';
import { fileSink } from '../io/sinks';
import { prng, scribble, sha256File, snapshotTree, tempDir, writeImage } from '../testing/fixtures';
import { FAST_KDF, makeRepo, PASSPHRASE, type TestRepo } from '../testing/repos';
import { verifyRepository } from './verify';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHUNK = 64 * 1024;
let t: TestRepo | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** Runs the backup child and SIGKILLs it after `killAfter` lines of its output (or lets it finish). */
function backupThenKill(repoDir: string, image: string, killAfter: number, env: NodeJS.ProcessEnv): Promise<{ lines: string[]; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, '../testing/backup-child.ts'), repoDir, image, 'vol-1'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (lines.length === killAfter) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ lines, killed: true });
      else if (code === 0) resolve({ lines, killed: false });
      else reject(new Error(`backup child failed (${code}): ${stderr}`));
    });
  });
}

async function killTrials(encrypted: boolean, trials: number, seed: number): Promise<{ killed: number; committedByKilled: number }> {
  const tr = await makeRepo({ encrypted, chunkSize: CHUNK });
  const env = encrypted ? { BACKSTACK_PASSPHRASE: PASSPHRASE } : {};
  const img = path.join(tr.work, 'disk.img');
  writeImage(img, CHUNK, Array.from({ length: 40 }, (_, i) => (i % 5 === 4 ? 'zero' : i % 7 === 6 ? 'random' : 'text')), seed);
  const rnd = prng(seed);
  let killed = 0;
  let committedByKilled = 0;
  try {
    for (let trial = 0; trial < trials; trial++) {
      // new data each round, so the child writes new chunks when it is killed
      for (let k = 0; k < 3; k++) scribble(img, Math.floor(rnd() * 40 * CHUNK - 100), 100, seed * 100 + trial * 3 + k);
      const before = (await listBackups(tr.repo)).length;
      // 44 lines per run: "started", one per chunk and a last one, "committing", "committed";
      // killing on line 43 lands during the commit
      const run = await backupThenKill(tr.dir, img, 1 + Math.floor(rnd() * 43), env);
      if (run.killed) killed++;
      const listed = await listBackups(tr.repo);
      // a backup is listed only once committed, and then it is whole
      expect(listed.length - before).toBeLessThanOrEqual(1);
      if (run.killed && listed.length > before) committedByKilled++;
      const report = await verifyRepository(tr.repo);
      expect(report.problems, `trial ${trial}: ${run.lines.at(-1)}`).toEqual([]);
      // the next backup succeeds and restores exactly
      await backupDisk(tr.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
      const out = path.join(tr.work, 'out.img');
      await restoreDisk(tr.repo, { group: 'vol-1', sink: fileSink(out) });
      expect(sha256File(out)).toBe(sha256File(img));
    }
  } finally {
    await tr.cleanup();
  }
  return { killed, committedByKilled };
}

describe('faults', () => {
  it('survives kill -9 at random points of backups (24 trials, plain and encrypted)', { timeout: 120_000 }, async () => {
    const [plain, sealed] = await Promise.all([killTrials(false, 12, 7), killTrials(true, 12, 8)]);
    // the runs must really have been killed midway for the test to mean anything
    expect(plain.killed + sealed.killed).toBeGreaterThanOrEqual(22);
  });

  it('a full disk gives a clear error and leaves the repository intact', { timeout: 60_000 }, () => {
    const { dir: work, cleanup } = tempDir();
    try {
      const mnt = path.join(work, 'mnt');
      fs.mkdirSync(mnt);
      const small = path.join(work, 'small.img');
      const big = path.join(work, 'big.img');
      writeImage(small, CHUNK, ['random', 'text', 'zero', 'random'], 51);
      writeImage(big, CHUNK, Array.from({ length: 160 }, () => 'random' as const), 52); // 10 MiB of incompressible data
      // A real ENOSPC from a 4 MiB tmpfs in a private mount namespace: root gets it with
      // unshare -m, anyone else with a user namespace (unshare -rm).
      const ns = process.getuid?.() === 0 ? '-m' : '-rm';
      const script = path.join(here, '../testing/enospc-child.ts');
      const r = spawnSync('unshare', [ns, 'sh', '-c', 'mount -t tmpfs -o size=4m tmpfs "$1" && exec "$2" --import tsx "$3" "$1" "$4" "$5" "$6"', 'sh', mnt, process.execPath, script, small, big, work], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { error: { name: string; code: string; message: string }; listed: string[]; verifyOk: boolean; restoredSame: boolean; leftovers: string[]; groupDirs: string[] };
      // one assertion, so a failure shows the whole report
      expect(out, r.stderr).toMatchObject({
        error: { name: 'StorageFullError', code: 'storage.full', message: expect.stringMatching(/backup destination is full/) },
        listed: [expect.any(String)],
        groupDirs: [expect.any(String)], // the unfinished backup's folder is gone
        verifyOk: true,
        restoredSame: true,
        leftovers: [],
      });
    } finally {
      cleanup();
    }
  });

  it('a wrong passphrase gives a clear error and changes nothing', async () => {
    t = await makeRepo({ encrypted: true, chunkSize: CHUNK });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, CHUNK, ['text', 'zero'], 61);
    await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
    const before = snapshotTree(t.dir);
    const err = await openRepository(t.dir, { passphrase: 'not it' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongPassphraseError);
    expect((err as Error).message).toBe("Wrong passphrase: the destination's key could not be unlocked. Nothing was changed.");
    await expect(openRepository(t.dir)).rejects.toThrow(/encrypted: give its passphrase or recovery key/);
    expect(snapshotTree(t.dir)).toEqual(before);
  });

  it('opens with the recovery key, and a new passphrase replaces the old one', async () => {
    const { dir: work, cleanup } = tempDir();
    try {
      const dir = path.join(work, 'repo');
      const { recoveryKey } = await initRepository(dir, { passphrase: 'old', kdf: FAST_KDF });
      const byKey = await openRepository(dir, { recoveryKey: recoveryKey as string });
      expect(byKey.recoveryKey()).toBe(recoveryKey);
      await byKey.changePassphrase('new', FAST_KDF);
      await byKey.close();
      await expect(openRepository(dir, { passphrase: 'old' })).rejects.toBeInstanceOf(WrongPassphraseError);
      await (await openRepository(dir, { passphrase: 'new' })).close();
    } finally {
      cleanup();
    }
  });
});
