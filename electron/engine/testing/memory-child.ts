/**
 * Child process for the memory test: backs up and restores a disk much larger than the
 * memory bound, then prints its peak RSS (VmHWM: every thread, workers included) as JSON.
 */
import { randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { backupDisk } from '../ops/backup';
import { fileSource } from '../io/extents';
import { initRepository, openRepository } from '../repository';
import { restoreDisk } from '../ops/restore';
import { fileSink } from '../io/sinks';

async function main(): Promise<void> {
  const [work, mib] = process.argv.slice(2) as [string, string];
  const img = path.join(work, 'big.img');
  const fd = fs.openSync(img, 'w');
  const block = Buffer.allocUnsafe(4 * 1024 * 1024);
  for (let i = 0; i < Number(mib) / 4; i++) fs.writeSync(fd, randomFillSync(block), 0, block.length, i * block.length);
  fs.closeSync(fd);
  await initRepository(path.join(work, 'repo'), { passphrase: 'pw', kdf: { N: 1024, r: 8, p: 1 } });
  const repo = await openRepository(path.join(work, 'repo'), { passphrase: 'pw' });
  await backupDisk(repo, { group: 'big', name: 'vda', source: fileSource(img) });
  await restoreDisk(repo, { group: 'big', sink: fileSink(path.join(work, 'out.img')) });
  await repo.close();
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  process.stdout.write(JSON.stringify({ peakRssMiB: Number(hwm?.[1]) / 1024, same: fs.statSync(path.join(work, 'out.img')).size === fs.statSync(img).size }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
