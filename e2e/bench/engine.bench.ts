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
 *   BENCH_ROUNDS=3                                    repeat the comparison; each figure is the best round
 *                                                     (other work on the machine only ever adds time)
 *   BENCH_WARM=1                                      keep the page cache between runs (default: each
 *                                                     timed run starts cold, see engine-bench-run.ts)
 *
 * Backstack runs each operation in a child process (engine-bench-child.ts) and reports the
 * operation's own time (as the app sees it: repository open, key derived, worker threads up)
 * and the process's wall time (Node + tsx start, scrypt, workers). borg and restic are timed as
 * whole processes. Ratios are given on both bases ("value": operation, "processValue": process).
 * "cpuValue" compares CPU seconds (all threads) instead of wall time: it does not move with the
 * machine's load, and on an idle 2-core machine Backstack's wall-time ratio is about twice it
 * for full backups and restores (it uses both cores, borg one).
 * Restores are timed until the image is on disk: Backstack fsyncs it before renaming it into
 * place, so borg's and restic's times include a `sync` of their restored file. That makes them
 * depend on the disk; "withoutSyncValue" compares restores to the page cache (no fsync anywhere).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { changeExtents, generateImage, scatterChange } from './engine-bench-image';
import { findFile, timed, treeBytes } from './engine-bench-run';

const here = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;
const sizeMiB = Number(process.env.BENCH_SIZE_MIB ?? 2048);
const extentKiB = Number(process.env.BENCH_CHANGE_EXTENT_KIB ?? 1024);
const encrypt = process.env.BENCH_ENCRYPT !== '0';
const roundsWanted = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const secret = 'bench passphrase';
const base = process.env.BENCH_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-engine-bench-'));
fs.mkdirSync(base, { recursive: true });
const p = (...x: string[]): string => path.join(base, ...x);
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
  opCpuMs: number;
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

interface Timed {
  ms: number;
  cpuMs: number;
  processMs?: number;
  rssKiB?: number;
}

interface Round {
  load: number[];
  bs: { full: BackstackRun; incList: BackstackRun; incFull: BackstackRun; restore: BackstackRun; restoreNoSync: BackstackRun; storedFull: number; storedAll: number; identical: boolean };
  borg: { full: Timed; inc: Timed; restore: Timed; restoreNoSync: Timed; storedFull: number; storedAll: number; identical: boolean };
  restic: { full: Timed; inc: Timed; restore: Timed; restoreNoSync: Timed; storedFull: number; storedAll: number; identical: boolean };
}

const asTimed = (r: { wallMs: number; cpuMs: number; maxRssKiB: number }): Timed => ({ ms: r.wallMs, cpuMs: r.cpuMs, rssKiB: r.maxRssKiB });

/** One complete comparison on the image as generated; the image is put back as it was afterwards. */
async function runRound(image: string, size: number, backstackFirst: boolean): Promise<Round> {
  for (const d of ['bs-a', 'bs-b', 'borg', 'restic', 'borg-home', 'restic-cache', 'out-borg', 'out-restic', 'out-backstack.img']) fs.rmSync(p(d), { recursive: true, force: true });
  const load: number[] = [];
  const order = async (a: () => Promise<void>, b: () => Promise<void>): Promise<void> => {
    if (backstackFirst) await a().then(b);
    else await b().then(a);
  };
  const round = { load } as Round;

  log('full backups');
  await order(
    async () => {
      await backstack(['init', p('bs-a')]);
      const full = await backstack(['backup', p('bs-a'), image]);
      round.bs = { full, storedFull: treeBytes(p('bs-a')) } as Round['bs'];
      fs.cpSync(p('bs-a'), p('bs-b'), { recursive: true }); // a twin for the incremental without a list
    },
    async () => {
      await timed('borg', ['init', '-e', encrypt ? 'repokey' : 'none', p('borg')], { env: borgEnv });
      const full = asTimed(await timed('borg', ['create', '--compression', 'zstd,1', `${p('borg')}::full`, 'disk.img'], { env: borgEnv, cwd: base }));
      round.borg = { full, storedFull: treeBytes(p('borg')) } as Round['borg'];
      await timed('restic', ['init', '--repository-version', '2'], { env: resticEnv });
      const rfull = asTimed(await timed('restic', ['backup', image], { env: resticEnv }));
      round.restic = { full: rfull, storedFull: treeBytes(p('restic')) } as Round['restic'];
    },
  );
  load.push(os.loadavg()[0] as number);

  log('1% scattered change');
  const fd = fs.openSync(image, 'r');
  const extentBytes = extentKiB * 1024;
  const changes = changeExtents(size, 0.01, extentBytes);
  const saved = changes.map((c) => {
    const b = Buffer.alloc(c.length);
    fs.readSync(fd, b, 0, c.length, c.offset);
    return b;
  });
  fs.closeSync(fd);
  fs.writeFileSync(p('changed.json'), JSON.stringify(scatterChange(image, size, 0.01, extentBytes)));
  const incSum = sha256(image);

  log('incremental backups');
  await order(
    async () => {
      round.bs.incList = await backstack(['backup', p('bs-a'), image, p('changed.json')]);
      round.bs.incFull = await backstack(['backup', p('bs-b'), image]);
    },
    async () => {
      round.borg.inc = asTimed(await timed('borg', ['create', '--compression', 'zstd,1', `${p('borg')}::inc`, 'disk.img'], { env: borgEnv, cwd: base }));
      round.restic.inc = asTimed(await timed('restic', ['backup', image], { env: resticEnv }));
    },
  );
  load.push(os.loadavg()[0] as number);

  log('restores of the latest backup');
  await order(
    async () => {
      round.bs.restoreNoSync = await backstack(['restore-nosync', p('bs-a'), p('out-backstack.img')]);
      fs.rmSync(p('out-backstack.img'));
      round.bs.restore = await backstack(['restore', p('bs-a'), p('out-backstack.img')]);
      round.bs.identical = sha256(p('out-backstack.img')) === incSum;
      fs.rmSync(p('out-backstack.img'));
    },
    async () => {
      fs.mkdirSync(p('out-borg'));
      // Backstack's restore ends with the image on disk (fsync): time the others to the same point.
      const borgRestore = await timed('borg', ['extract', '--sparse', `${p('borg')}::inc`], { env: borgEnv, cwd: p('out-borg') });
      const borgSync = await timed('sync', [p('out-borg', 'disk.img')], { flushFirst: false }); // the restore's own writeback
      round.borg.restore = { ms: borgRestore.wallMs + borgSync.wallMs, cpuMs: borgRestore.cpuMs + borgSync.cpuMs, rssKiB: borgRestore.maxRssKiB };
      round.borg.restoreNoSync = asTimed(borgRestore);
      round.borg.identical = sha256(p('out-borg', 'disk.img')) === incSum;
      fs.rmSync(p('out-borg'), { recursive: true });
      const resticRestore = await timed('restic', ['restore', 'latest', '--target', p('out-restic')], { env: resticEnv });
      const resticSync = await timed('sync', [findFile(p('out-restic'), 'disk.img')], { flushFirst: false });
      round.restic.restore = { ms: resticRestore.wallMs + resticSync.wallMs, cpuMs: resticRestore.cpuMs + resticSync.cpuMs, rssKiB: resticRestore.maxRssKiB };
      round.restic.restoreNoSync = asTimed(resticRestore);
      round.restic.identical = sha256(findFile(p('out-restic'), 'disk.img')) === incSum;
      fs.rmSync(p('out-restic'), { recursive: true });
    },
  );
  load.push(os.loadavg()[0] as number);
  round.bs.storedAll = treeBytes(p('bs-a'));
  round.borg.storedAll = treeBytes(p('borg'));
  round.restic.storedAll = treeBytes(p('restic'));

  // put the image back for the next round
  const wfd = fs.openSync(image, 'r+');
  changes.forEach((c, i) => fs.writeSync(wfd, saved[i] as Buffer, 0, c.length, c.offset));
  fs.closeSync(wfd);
  return round;
}

async function main(): Promise<void> {
  const image = p('disk.img');
  log(`generating a ${sizeMiB} MiB image in ${base}`);
  const info = generateImage(image, sizeMiB * MiB, 4 * MiB);
  sha256(image); // pulls the image into the page cache for every tool alike
  const rounds: Round[] = [];
  for (let r = 0; r < roundsWanted; r++) {
    log(`round ${r + 1} of ${roundsWanted}`);
    rounds.push(await runRound(image, info.size, r % 2 === 0));
  }
  // The least disturbed run of each operation: other work on the machine only ever adds time.
  const best = (f: (r: Round) => number): number => Math.min(...rounds.map(f));
  const bs = {
    full: best((r) => r.bs.full.opMs), fullProcess: best((r) => r.bs.full.processMs),
    incList: best((r) => r.bs.incList.opMs), incListProcess: best((r) => r.bs.incList.processMs),
    incFull: best((r) => r.bs.incFull.opMs), incFullProcess: best((r) => r.bs.incFull.processMs),
    restore: best((r) => r.bs.restore.opMs), restoreProcess: best((r) => r.bs.restore.processMs),
    restoreNoSync: best((r) => r.bs.restoreNoSync.opMs),
    open: best((r) => r.bs.full.openMs),
    cpu: { full: best((r) => r.bs.full.opCpuMs), incList: best((r) => r.bs.incList.opCpuMs), incFull: best((r) => r.bs.incFull.opCpuMs), restore: best((r) => r.bs.restore.opCpuMs) },
    rss: Math.max(...rounds.flatMap((r) => [r.bs.full.vmHwmKiB, r.bs.incList.vmHwmKiB, r.bs.incFull.vmHwmKiB, r.bs.restore.vmHwmKiB])) / 1024,
  };
  const borg = { full: best((r) => r.borg.full.ms), inc: best((r) => r.borg.inc.ms), restore: best((r) => r.borg.restore.ms), restoreNoSync: best((r) => r.borg.restoreNoSync.ms) };
  const borgCpu = { full: best((r) => r.borg.full.cpuMs), inc: best((r) => r.borg.inc.cpuMs), restore: best((r) => r.borg.restore.cpuMs) };
  const restic = { full: best((r) => r.restic.full.ms), inc: best((r) => r.restic.inc.ms), restore: best((r) => r.restic.restore.ms), restoreNoSync: best((r) => r.restic.restoreNoSync.ms) };
  const resticCpu = { full: best((r) => r.restic.full.cpuMs), inc: best((r) => r.restic.inc.cpuMs), restore: best((r) => r.restic.restore.cpuMs) };
  const first = rounds[0] as Round;
  const secs = (ms: number): number => round(ms / 1000);
  const mibps = (ms: number): number => round(info.size / MiB / (ms / 1000));
  const figures = {
    machine: { cpus: os.availableParallelism(), node: process.version, borg: '1.2 (Debian)', restic: '0.14 (Debian, repository v2, compression auto)', rounds: rounds.length, loadavg1: rounds.map((r) => r.load.map(round)) },
    image: { sizeBytes: info.size, blockBytes: info.blockSize, blocks: info.blocks, change: { extents: Math.ceil((info.size * 0.01) / (extentKiB * 1024)), extentBytes: extentKiB * 1024 }, encrypted: encrypt },
    backstack: {
      full: { seconds: secs(bs.full), processSeconds: secs(bs.fullProcess), cpuSeconds: secs(bs.cpu.full), MiBps: mibps(bs.full), storedBytes: first.bs.storedFull, totals: first.bs.full.result },
      incrementalWithList: { seconds: secs(bs.incList), processSeconds: secs(bs.incListProcess), cpuSeconds: secs(bs.cpu.incList), totals: first.bs.incList.result },
      incrementalWithoutList: { seconds: secs(bs.incFull), processSeconds: secs(bs.incFullProcess), cpuSeconds: secs(bs.cpu.incFull), totals: first.bs.incFull.result },
      restore: { seconds: secs(bs.restore), processSeconds: secs(bs.restoreProcess), cpuSeconds: secs(bs.cpu.restore), MiBps: mibps(bs.restore), identical: rounds.every((r) => r.bs.identical), secondsWithoutSync: secs(bs.restoreNoSync) },
      storedBytesAfterIncremental: first.bs.storedAll,
      openSeconds: secs(bs.open),
      peakRssMiB: round(bs.rss),
    },
    borg: {
      full: { seconds: secs(borg.full), cpuSeconds: secs(borgCpu.full), MiBps: mibps(borg.full), storedBytes: first.borg.storedFull, peakRssMiB: round((first.borg.full.rssKiB ?? 0) / 1024) },
      incremental: { seconds: secs(borg.inc), cpuSeconds: secs(borgCpu.inc) },
      restore: { seconds: secs(borg.restore), cpuSeconds: secs(borgCpu.restore), MiBps: mibps(borg.restore), identical: rounds.every((r) => r.borg.identical), secondsWithoutSync: secs(borg.restoreNoSync) },
      storedBytesAfterIncremental: first.borg.storedAll,
    },
    restic: {
      full: { seconds: secs(restic.full), cpuSeconds: secs(resticCpu.full), MiBps: mibps(restic.full), storedBytes: first.restic.storedFull, peakRssMiB: round((first.restic.full.rssKiB ?? 0) / 1024) },
      incremental: { seconds: secs(restic.inc), cpuSeconds: secs(resticCpu.inc) },
      restore: { seconds: secs(restic.restore), cpuSeconds: secs(resticCpu.restore), MiBps: mibps(restic.restore), identical: rounds.every((r) => r.restic.identical), secondsWithoutSync: secs(restic.restoreNoSync) },
      storedBytesAfterIncremental: first.restic.storedAll,
    },
    targets: {
      fullThroughputVsBorg: { value: ratio(borg.full, bs.full), processValue: ratio(borg.full, bs.fullProcess), cpuValue: ratio(borgCpu.full, bs.cpu.full), target: '>= 2' },
      restoreThroughputVsBorg: {
        value: ratio(borg.restore, bs.restore), processValue: ratio(borg.restore, bs.restoreProcess), cpuValue: ratio(borgCpu.restore, bs.cpu.restore),
        withoutSyncValue: ratio(borg.restoreNoSync, bs.restoreNoSync), target: '>= 2',
      },
      storedBytesVsRestic: { value: ratio(first.bs.storedFull, first.restic.storedFull), afterIncremental: ratio(first.bs.storedAll, first.restic.storedAll), target: '<= 1' },
      incrementalWithListVsBorg: { value: ratio(bs.incList, borg.inc), processValue: ratio(bs.incListProcess, borg.inc), cpuValue: ratio(bs.cpu.incList, borgCpu.inc), target: '<= 0.1' },
      incrementalWithoutListVsBorg: { value: ratio(bs.incFull, borg.inc), processValue: ratio(bs.incFullProcess, borg.inc), cpuValue: ratio(bs.cpu.incFull, borgCpu.inc), target: '<= 0.7' },
      peakRssMiB: { value: round(bs.rss), target: '<= 256' },
    },
  };
  process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
  if (!process.env.BENCH_KEEP) for (const d of ['bs-a', 'bs-b', 'borg', 'restic', 'disk.img', 'borg-home', 'restic-cache', 'changed.json']) fs.rmSync(p(d), { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
