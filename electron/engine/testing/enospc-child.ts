/**
 * Child process for the disk-full test, run inside its own mount namespace with a small tmpfs
 * at REPO_PARENT (see ops/faults.test.ts). Fills the repository's filesystem with a real backup
 * until ENOSPC, then checks the repository and prints a JSON report on stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { backupDisk } from '../ops/backup';
import { listBackups } from '../ops/listing';
import { fileSource } from '../io/extents';
import { initRepository, openRepository } from '../repository';
import { restoreDisk } from '../ops/restore';
import { fileSink } from '../io/sinks';
import { verifyRepository } from '../ops/verify';
import { sha256File } from './fixtures';

async function main(): Promise<void> {
  const [repoParent, small, big, work] = process.argv.slice(2) as [string, string, string, string];
  const dir = path.join(repoParent, 'repo');
  await initRepository(dir, { chunkSize: 64 * 1024 });
  const repo = await openRepository(dir, { workers: 2 });
  await backupDisk(repo, { group: 'vol-1', name: 'vda', source: fileSource(small) });
  let error: { name: string; code: string; message: string } | null = null;
  try {
    await backupDisk(repo, { group: 'vol-1', name: 'vda', source: fileSource(big) });
  } catch (e) {
    const err = e as Error & { code: string };
    error = { name: err.name, code: err.code, message: err.message };
  }
  const listed = (await listBackups(repo)).map((b) => b.id);
  const verify = await verifyRepository(repo);
  const out = path.join(work, 'restored.img');
  await restoreDisk(repo, { group: 'vol-1', sink: fileSink(out) });
  const leftovers: string[] = [];
  const walk = (p: string): void => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const full = path.join(p, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.includes('.tmp-') || e.name.startsWith('session-')) leftovers.push(path.relative(dir, full));
    }
  };
  walk(dir);
  const groupDirs = fs.readdirSync(repo.layout.group('vol-1'));
  await repo.close();
  process.stdout.write(JSON.stringify({ error, listed, verifyOk: verify.ok, restoredSame: sha256File(out) === sha256File(small), leftovers, groupDirs }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
