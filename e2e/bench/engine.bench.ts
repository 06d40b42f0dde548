/**
 * Engine benchmark (issue 5): Backstack against borg and restic on the same synthetic image,
 * in the same run. Prints one JSON document with every figure and the ratios the issue sets
 * targets for; it asserts nothing.
 *
 *   npm run bench:engine
 *   BENCH_SIZE_MIB=512 npm run bench:engine          smaller image (default 2048)
 *   BENCH_CHANGE_EXTENT_KIB=1024                      size of each changed extent (default 1024)
 *   BENCH_ENCRYPT=0                                   plain repositories everywhere (default: all encrypted)
 *   BENCH_DIR=/var/tmp/x                              where images and repositories go (default: a temp folder)
 *
 * Backstack runs each operation in a child process (engine-bench-child.ts) and reports the
 * operation's own time (as the app sees it: repository open, key derived, worker threads up)
 * and the process's wall time (Node + tsx start, scrypt, workers). borg and restic are timed as
 * whole processes. Ratios are given on both bases ("value": operation, "processValue": process).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateImage, scatterChange } from './engine-bench-image';
import { findFile, timed, treeBytes } from './engine-bench-run';

const here = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;
const sizeMiB = Number(process.env.BENCH_SIZE_MIB ?? 2048);
const extentKiB = Number(process.env.BENCH_CHANGE_EXTENT_KIB ?? 1024);
const encrypt = process.env.BENCH_ENCRYPT !== '0';
const secret = 'bench passphrase';
const base = process.env.BENCH_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-engine-bench-'));
fs.mkdirSync(base, { recursive: true });
const p = (...x: string[]): string => path.join(base, ...x);
const load = (): number => Number(os.loadavg()[0]?.toFixed(2));
const log = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);

function sha256(file: string): string {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(8 * MiB);
  for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  fs.closeSync(fd);
  return h.digest('hex');
}

interface BackstackRun {
  opMs: number;
  processMs: number;
  openMs: number;
  vmHwmKiB: number;
  result: Record<string, number>;
}

async function backstack(args: string[]): Promise<BackstackRun> {
  const env = { BACKSTACK_PASSPHRASE: encrypt ? secret : '' };
  const r = await timed(process.execPath, ['--import', 'tsx', path.join(here, 'engine-bench-child.ts'), ...args], { env });
  const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Omit<BackstackRun, 'processMs'>;
  return { ...out, processMs: r.wallMs };
}

const borgEnv = { BORG_PASSPHRASE: secret, BORG_BASE_DIR: p('borg-home'), BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes', BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes' };
const resticEnv = { RESTIC_PASSWORD: secret, RESTIC_REPOSITORY: p('restic'), RESTIC_CACHE_DIR: p('restic-cache') };
const round = (n: number): number => Math.round(n * 100) / 100;
const ratio = (a: number, b: number): number => round(a / b);

async function main(): Promise<void> {
  for (const d of ['bs-a', 'bs-b', 'borg', 'restic', 'borg-home', 'restic-cache', 'out-borg', 'out-restic']) fs.rmSync(p(d), { recursive: true, force: true });
  const image = p('disk.img');
  log(`generating a ${sizeMiB} MiB image in ${base}`);
  const info = generateImage(image, sizeMiB * MiB, 4 * MiB);
  const fullSum = sha256(image); // also pulls the image into the page cache for every tool alike
  const figures: Record<string, unknown> = {};

  log('full backups');
  await backstack(['init', p('bs-a')]);
  const bsFull = await backstack(['backup', p('bs-a'), image]);
  const bsFullStored = treeBytes(p('bs-a'));
  fs.cpSync(p('bs-a'), p('bs-b'), { recursive: true }); // a twin for the incremental without a list
  const loadFull = load();
  await timed('borg', ['init', '-e', encrypt ? 'repokey' : 'none', p('borg')], { env: borgEnv });
  const borgFull = await timed('borg', ['create', '--compression', 'zstd,1', `${p('borg')}::full`, 'disk.img'], { env: borgEnv, cwd: base });
  const borgFullStored = treeBytes(p('borg'));
  await timed('restic', ['init', '--repository-version', '2'], { env: resticEnv });
  const resticFull = await timed('restic', ['backup', '--no-scan', image], { env: resticEnv }).catch(() => timed('restic', ['backup', image], { env: resticEnv }));
  const resticFullStored = treeBytes(p('restic'));

  log('1% scattered change');
  const changes = scatterChange(image, info.size, 0.01, extentKiB * 1024);
  fs.writeFileSync(p('changed.json'), JSON.stringify(changes));
  const incSum = sha256(image);

  log('incremental backups');
  const bsIncList = await backstack(['backup', p('bs-a'), image, p('changed.json')]);
  const bsIncFull = await backstack(['backup', p('bs-b'), image]);
  const borgInc = await timed('borg', ['create', '--compression', 'zstd,1', `${p('borg')}::inc`, 'disk.img'], { env: borgEnv, cwd: base });
  const resticInc = await timed('restic', ['backup', image], { env: resticEnv });
  const loadInc = load();

  log('restores of the latest backup');
  const bsRestore = await backstack(['restore', p('bs-a'), p('out-backstack.img')]);
  const bsRestoreOk = sha256(p('out-backstack.img')) === incSum;
  fs.mkdirSync(p('out-borg'));
  const borgRestore = await timed('borg', ['extract', '--sparse', `${p('borg')}::inc`], { env: borgEnv, cwd: p('out-borg') });
  const borgRestoreOk = sha256(p('out-borg', 'disk.img')) === incSum;
  const resticRestore = await timed('restic', ['restore', 'latest', '--target', p('out-restic')], { env: resticEnv });
  const resticRestoreOk = sha256(findFile(p('out-restic'), 'disk.img')) === incSum;
  const loadRestore = load();

  const bsStoredAll = treeBytes(p('bs-a'));
  const resticStoredAll = treeBytes(p('restic'));
  const borgStoredAll = treeBytes(p('borg'));
  const secs = (ms: number): number => round(ms / 1000);
  const mibps = (ms: number): number => round(info.size / MiB / (ms / 1000));
  Object.assign(figures, {
    machine: { cpus: os.availableParallelism(), node: process.version, borg: '1.2 (Debian)', restic: '0.14 (Debian, repository v2, compression auto)', loadavg1: { full: loadFull, incremental: loadInc, restore: loadRestore } },
    image: { sizeBytes: info.size, blockBytes: info.blockSize, blocks: info.blocks, change: { extents: changes.length, extentBytes: extentKiB * 1024, bytes: changes.length * extentKiB * 1024 }, encrypted: encrypt },
    backstack: {
      full: { seconds: secs(bsFull.opMs), processSeconds: secs(bsFull.processMs), MiBps: mibps(bsFull.opMs), storedBytes: bsFullStored, peakRssMiB: round(bsFull.vmHwmKiB / 1024), totals: bsFull.result },
      incrementalWithList: { seconds: secs(bsIncList.opMs), processSeconds: secs(bsIncList.processMs), peakRssMiB: round(bsIncList.vmHwmKiB / 1024), totals: bsIncList.result },
      incrementalWithoutList: { seconds: secs(bsIncFull.opMs), processSeconds: secs(bsIncFull.processMs), peakRssMiB: round(bsIncFull.vmHwmKiB / 1024), totals: bsIncFull.result },
      restore: { seconds: secs(bsRestore.opMs), processSeconds: secs(bsRestore.processMs), MiBps: mibps(bsRestore.opMs), peakRssMiB: round(bsRestore.vmHwmKiB / 1024), identical: bsRestoreOk },
      storedBytesAfterIncremental: bsStoredAll,
      openSeconds: secs(bsFull.openMs),
    },
    borg: {
      full: { seconds: secs(borgFull.wallMs), MiBps: mibps(borgFull.wallMs), storedBytes: borgFullStored, peakRssMiB: round(borgFull.maxRssKiB / 1024) },
      incremental: { seconds: secs(borgInc.wallMs) },
      restore: { seconds: secs(borgRestore.wallMs), MiBps: mibps(borgRestore.wallMs), identical: borgRestoreOk },
      storedBytesAfterIncremental: borgStoredAll,
    },
    restic: {
      full: { seconds: secs(resticFull.wallMs), MiBps: mibps(resticFull.wallMs), storedBytes: resticFullStored, peakRssMiB: round(resticFull.maxRssKiB / 1024) },
      incremental: { seconds: secs(resticInc.wallMs) },
      restore: { seconds: secs(resticRestore.wallMs), MiBps: mibps(resticRestore.wallMs), identical: resticRestoreOk },
      storedBytesAfterIncremental: resticStoredAll,
    },
  });
  const peak = Math.max(bsFull.vmHwmKiB, bsIncList.vmHwmKiB, bsIncFull.vmHwmKiB, bsRestore.vmHwmKiB) / 1024;
  figures.targets = {
    fullThroughputVsBorg: { value: ratio(borgFull.wallMs, bsFull.opMs), processValue: ratio(borgFull.wallMs, bsFull.processMs), target: '>= 2' },
    restoreThroughputVsBorg: { value: ratio(borgRestore.wallMs, bsRestore.opMs), processValue: ratio(borgRestore.wallMs, bsRestore.processMs), target: '>= 2' },
    storedBytesVsRestic: { value: ratio(bsFullStored, resticFullStored), afterIncremental: ratio(bsStoredAll, resticStoredAll), target: '<= 1' },
    incrementalWithListVsBorg: { value: ratio(bsIncList.opMs, borgInc.wallMs), processValue: ratio(bsIncList.processMs, borgInc.wallMs), target: '<= 0.1' },
    incrementalWithoutListVsBorg: { value: ratio(bsIncFull.opMs, borgInc.wallMs), processValue: ratio(bsIncFull.processMs, borgInc.wallMs), target: '<= 0.7' },
    peakRssMiB: { value: round(peak), target: '<= 256' },
  };
  process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
  if (!process.env.BENCH_KEEP) for (const d of ['bs-a', 'bs-b', 'borg', 'restic', 'out-borg', 'out-restic', 'out-backstack.img', 'disk.img', 'borg-home', 'restic-cache']) fs.rmSync(p(d), { recursive: true, force: true });
  void fullSum;
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
