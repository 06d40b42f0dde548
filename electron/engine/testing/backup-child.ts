/**
 * Child process for the kill -9 tests: backs up one image and reports each step on stdout, so
 * the parent can kill it at any point. Run with `node --import tsx backup-child.ts REPO IMAGE GROUP`.
 */
import { startBackup } from '../ops/backup';
import { fileSource } from '../io/extents';
import { openRepository } from '../repository';

async function main(): Promise<void> {
  const [repoDir, image, group] = process.argv.slice(2) as [string, string, string];
  const pass = process.env.BACKSTACK_PASSPHRASE;
  const repo = await openRepository(repoDir, pass ? { passphrase: pass } : {});
  const w = await startBackup(repo, { group, onProgress: (p) => process.stdout.write(`progress ${p.bytesDone}\n`), progressIntervalMs: 0 });
  process.stdout.write('started\n');
  await w.addDisk({ name: 'vda', source: fileSource(image) });
  process.stdout.write('committing\n');
  await w.commit();
  process.stdout.write('committed\n');
  await repo.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
