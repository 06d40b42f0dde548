/**
 * One Backstack operation in its own process, so the benchmark can read its peak RSS (VmHWM
 * counts every thread, workers included). Prints one JSON line: timings, results, VmHWM.
 *   init <repo> | backup <repo> <image> [changed.json] | restore <repo> <out> | restore-nosync <repo> <out>
 * Passphrase from BACKSTACK_PASSPHRASE (empty: a plain repository).
 */
import fs from 'node:fs';
import { backupDisk, fileSink, fileSource, initRepository, openRepository, parseChangedExtents, restoreDisk } from '../../electron/engine';

function vmHwmKiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : -1;
}

async function main(): Promise<void> {
  const [op, repoDir, arg, extra] = process.argv.slice(2) as [string, string, string | undefined, string | undefined];
  const passphrase = process.env.BACKSTACK_PASSPHRASE || undefined;
  if (op === 'init') {
    await initRepository(repoDir, passphrase ? { passphrase } : {});
    process.stdout.write(JSON.stringify({ ok: true }) + '\n');
    return;
  }
  let t = performance.now();
  const repo = await openRepository(repoDir, passphrase ? { passphrase } : {});
  await repo.warmUp(); // worker threads start with the repository, as in the app
  const openMs = performance.now() - t;
  t = performance.now();
  const cpu = process.cpuUsage(); // every thread of the process, workers included
  let result: unknown;
  if (op === 'backup') {
    const changedExtents = extra ? parseChangedExtents(fs.readFileSync(extra, 'utf8')) : undefined;
    const m = await backupDisk(repo, { group: 'bench', name: 'disk', source: fileSource(arg as string), ...(changedExtents ? { changedExtents } : {}) });
    result = m.totals;
  } else if (op === 'restore' || op === 'restore-nosync') {
    result = await restoreDisk(repo, { group: 'bench', sink: fileSink(arg as string, { fsync: op === 'restore' }) });
  } else throw new Error(`unknown op ${op}`);
  const opMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const opCpuMs = (used.user + used.system) / 1000;
  await repo.close();
  process.stdout.write(JSON.stringify({ openMs, opMs, opCpuMs, result, vmHwmKiB: vmHwmKiB() }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
