/**
 * Engine benchmark (issue 5): Backstack against borg and restic on the same synthetic image,
 * in the same run. Prints one JSON document with every figure and the ratios the issue sets
 * targets for; it asserts nothing. Each figure is the median of the rounds with its spread
 * (min–max, stats.ts); ratios, and so the targets, are ratios of medians.
 *
 *   npm run bench:engine
 *   BENCH_SIZE_MIB=512 npm run bench:engine          smaller image (default 2048)
 *   BENCH_IMAGE=distro                                an ext4 image of this machine's Debian files (libraries,
 *                                                     programs, docs: compressible as real disks are; the
 *                                                     default, synthetic, is half unique text, a quarter holes)
 *   BENCH_CHANGE_EXTENT_KIB=1024                      size of each changed extent (default 1024)
 *   BENCH_ENCRYPT=0                                   plain repositories everywhere (default: all encrypted)
 *   BENCH_DIR=/var/tmp/x                              where images and repositories go (default: a temp folder)
 *   BENCH_ROUNDS=5                                    rounds of the whole comparison (default 3, the least
 *                                                     for a judged run; fewer print "NOT A JUDGED RUN")
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
import { changeExtents, distroImage, generateImage, scatterChange } from './engine-bench-image';
import { findFile, timed, treeBytes } from './engine-bench-run';
import { benchRounds, figure, type Figure, formatReport, ratioOfMedians, round, rounded } from './stats';

const here = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;
const sizeMiB = Number(process.env.BENCH_SIZE_MIB ?? 2048);
const extentKiB = Number(process.env.BENCH_CHANGE_EXTENT_KIB ?? 1024);
const encrypt = process.env.BENCH_ENCRYPT !== '0';
const plan = benchRounds();
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
  const got = { load } as Round;

  log('full backups');
  await order(
    async () => {
      await backstack(['init', p('bs-a')]);
      const full = await backstack(['backup', p('bs-a'), image]);
      got.bs = { full, storedFull: treeBytes(p('bs-a')) } as Round['bs'];
      fs.cpSync(p('bs-a'), p('bs-b'), { recursive: true }); // a twin for the incremental without a list
    },
    async () => {
      await timed('borg', ['init', '-e', encrypt ? 'repokey' : 'none', p('borg')], { env: borgEnv });
      const full = asTimed(await timed('borg', ['create', '--compression', 'zstd,1', `${p('borg')}::full`, 'disk.img'], { env: borgEnv, cwd: base }));
      got.borg = { full, storedFull: treeBytes(p('borg')) } as Round['borg'];
      await timed('restic', ['init', '--repository-version', '2'], { env: resticEnv });
      const rfull = asTimed(await timed('restic', ['backup', image], { env: resticEnv }));
      got.restic = { full: rfull, storedFull: treeBytes(p('restic')) } as Round['restic'];
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
      got.bs.incList = await backstack(['backup', p('bs-a'), image, p('changed.json')]);
      got.bs.incFull = await backstack(['backup', p('bs-b'), image]);
    },
    async () => {
      got.borg.inc = asTimed(await timed('borg', ['create', '--compression', 'zstd,1', `${p('borg')}::inc`, 'disk.img'], { env: borgEnv, cwd: base }));
      got.restic.inc = asTimed(await timed('restic', ['backup', image], { env: resticEnv }));
    },
  );
  load.push(os.loadavg()[0] as number);

  log('restores of the latest backup');
  await order(
    async () => {
      got.bs.restoreNoSync = await backstack(['restore-nosync', p('bs-a'), p('out-backstack.img')]);
      fs.rmSync(p('out-backstack.img'));
      got.bs.restore = await backstack(['restore', p('bs-a'), p('out-backstack.img')]);
      got.bs.identical = sha256(p('out-backstack.img')) === incSum;
      fs.rmSync(p('out-backstack.img'));
    },
    async () => {
      fs.mkdirSync(p('out-borg'));
      // Backstack's restore ends with the image on disk (fsync): time the others to the same point.
      const borgRestore = await timed('borg', ['extract', '--sparse', `${p('borg')}::inc`], { env: borgEnv, cwd: p('out-borg') });
      const borgSync = await timed('sync', [p('out-borg', 'disk.img')], { flushFirst: false }); // the restore's own writeback
      got.borg.restore = { ms: borgRestore.wallMs + borgSync.wallMs, cpuMs: borgRestore.cpuMs + borgSync.cpuMs, rssKiB: borgRestore.maxRssKiB };
      got.borg.restoreNoSync = asTimed(borgRestore);
      got.borg.identical = sha256(p('out-borg', 'disk.img')) === incSum;
      fs.rmSync(p('out-borg'), { recursive: true });
      const resticRestore = await timed('restic', ['restore', 'latest', '--target', p('out-restic')], { env: resticEnv });
      const resticSync = await timed('sync', [findFile(p('out-restic'), 'disk.img')], { flushFirst: false });
      got.restic.restore = { ms: resticRestore.wallMs + resticSync.wallMs, cpuMs: resticRestore.cpuMs + resticSync.cpuMs, rssKiB: resticRestore.maxRssKiB };
      got.restic.restoreNoSync = asTimed(resticRestore);
      got.restic.identical = sha256(findFile(p('out-restic'), 'disk.img')) === incSum;
      fs.rmSync(p('out-restic'), { recursive: true });
    },
  );
  load.push(os.loadavg()[0] as number);
  got.bs.storedAll = treeBytes(p('bs-a'));
  got.borg.storedAll = treeBytes(p('borg'));
  got.restic.storedAll = treeBytes(p('restic'));

  // put the image back for the next round
  const wfd = fs.openSync(image, 'r+');
  changes.forEach((c, i) => fs.writeSync(wfd, saved[i] as Buffer, 0, c.length, c.offset));
  fs.closeSync(wfd);
  return got;
}

async function main(): Promise<void> {
  const image = p('disk.img');
  log(plan.note);
  const kind = process.env.BENCH_IMAGE === 'distro' ? 'distro' : 'synthetic';
  log(`generating a ${sizeMiB} MiB ${kind} image in ${base}`);
  const info = kind === 'distro' ? distroImage(image, sizeMiB * MiB) : generateImage(image, sizeMiB * MiB, 4 * MiB);
  sha256(image); // pulls the image into the page cache for every tool alike
  const rounds: Round[] = [];
  for (let r = 0; r < plan.rounds; r++) {
    log(`round ${r + 1} of ${plan.rounds}`);
    rounds.push(await runRound(image, info.size, r % 2 === 0));
  }
  // A typical run, not the luckiest: the median of the rounds, with their spread.
  const fig = (f: (r: Round) => number): Figure => figure(rounds.map(f));
  const secs = (f: (r: Round) => number): Figure => fig((r) => f(r) / 1000);
  const mibps = (f: (r: Round) => number): Figure => fig((r) => info.size / MiB / (f(r) / 1000));
  const bs = {
    full: secs((r) => r.bs.full.opMs), fullProcess: secs((r) => r.bs.full.processMs), fullCpu: secs((r) => r.bs.full.opCpuMs),
    incList: secs((r) => r.bs.incList.opMs), incListProcess: secs((r) => r.bs.incList.processMs), incListCpu: secs((r) => r.bs.incList.opCpuMs),
    incFull: secs((r) => r.bs.incFull.opMs), incFullProcess: secs((r) => r.bs.incFull.processMs), incFullCpu: secs((r) => r.bs.incFull.opCpuMs),
    restore: secs((r) => r.bs.restore.opMs), restoreProcess: secs((r) => r.bs.restore.processMs), restoreCpu: secs((r) => r.bs.restore.opCpuMs),
    restoreNoSync: secs((r) => r.bs.restoreNoSync.opMs),
    // each round's peak over its operations
    rss: fig((r) => Math.max(r.bs.full.vmHwmKiB, r.bs.incList.vmHwmKiB, r.bs.incFull.vmHwmKiB, r.bs.restore.vmHwmKiB) / 1024),
  };
  const peer = (tool: 'borg' | 'restic') => ({
    full: secs((r) => r[tool].full.ms), fullCpu: secs((r) => r[tool].full.cpuMs),
    inc: secs((r) => r[tool].inc.ms), incCpu: secs((r) => r[tool].inc.cpuMs),
    restore: secs((r) => r[tool].restore.ms), restoreCpu: secs((r) => r[tool].restore.cpuMs), restoreNoSync: secs((r) => r[tool].restoreNoSync.ms),
  });
  const borg = peer('borg');
  const storedBy = (tool: 'bs' | 'borg' | 'restic') => ({ full: fig((r) => r[tool].storedFull), all: fig((r) => r[tool].storedAll) });
  const stored = { bs: storedBy('bs'), borg: storedBy('borg'), restic: storedBy('restic') };
  const bytes = (f: Figure): Figure => rounded(f, 0);
  const peerFigures = (tool: 'borg' | 'restic') => {
    const t = peer(tool);
    return {
      full: { seconds: rounded(t.full), cpuSeconds: rounded(t.fullCpu), MiBps: rounded(mibps((r) => r[tool].full.ms)), storedBytes: bytes(stored[tool].full), peakRssMiB: rounded(fig((r) => (r[tool].full.rssKiB ?? 0) / 1024)) },
      incremental: { seconds: rounded(t.inc), cpuSeconds: rounded(t.incCpu) },
      restore: { seconds: rounded(t.restore), cpuSeconds: rounded(t.restoreCpu), MiBps: rounded(mibps((r) => r[tool].restore.ms)), identical: rounds.every((r) => r[tool].identical), secondsWithoutSync: rounded(t.restoreNoSync) },
      storedBytesAfterIncremental: bytes(stored[tool].all),
    };
  };
  const first = rounds[0] as Round;
  const figures = {
    run: plan,
    machine: { cpus: os.availableParallelism(), node: process.version, borg: '1.2 (Debian)', restic: '0.14 (Debian, repository v2, compression auto)', loadavg1: rounds.map((r) => r.load.map((v) => round(v))) },
    image: { kind, ...(info.sources ? { sources: info.sources, contentBytes: info.contentBytes } : {}), sizeBytes: info.size, blockBytes: info.blockSize, blocks: info.blocks, change: { extents: Math.ceil((info.size * 0.01) / (extentKiB * 1024)), extentBytes: extentKiB * 1024 }, encrypted: encrypt },
    backstack: {
      full: { seconds: rounded(bs.full), processSeconds: rounded(bs.fullProcess), cpuSeconds: rounded(bs.fullCpu), MiBps: rounded(mibps((r) => r.bs.full.opMs)), storedBytes: bytes(stored.bs.full), totals: first.bs.full.result },
      incrementalWithList: { seconds: rounded(bs.incList), processSeconds: rounded(bs.incListProcess), cpuSeconds: rounded(bs.incListCpu), totals: first.bs.incList.result },
      incrementalWithoutList: { seconds: rounded(bs.incFull), processSeconds: rounded(bs.incFullProcess), cpuSeconds: rounded(bs.incFullCpu), totals: first.bs.incFull.result },
      restore: {
        seconds: rounded(bs.restore), processSeconds: rounded(bs.restoreProcess), cpuSeconds: rounded(bs.restoreCpu), MiBps: rounded(mibps((r) => r.bs.restore.opMs)),
        identical: rounds.every((r) => r.bs.identical), secondsWithoutSync: rounded(bs.restoreNoSync),
      },
      storedBytesAfterIncremental: bytes(stored.bs.all),
      openSeconds: rounded(secs((r) => r.bs.full.openMs)),
      peakRssMiB: rounded(bs.rss),
    },
    borg: peerFigures('borg'),
    restic: peerFigures('restic'),
    // Ratios of medians; times are compared, so "throughput vs borg" is borg's time over ours.
    targets: {
      fullThroughputVsBorg: { value: ratioOfMedians(borg.full, bs.full), processValue: ratioOfMedians(borg.full, bs.fullProcess), cpuValue: ratioOfMedians(borg.fullCpu, bs.fullCpu), target: '>= 2' },
      restoreThroughputVsBorg: {
        value: ratioOfMedians(borg.restore, bs.restore), processValue: ratioOfMedians(borg.restore, bs.restoreProcess), cpuValue: ratioOfMedians(borg.restoreCpu, bs.restoreCpu),
        withoutSyncValue: ratioOfMedians(borg.restoreNoSync, bs.restoreNoSync), target: '>= 2',
      },
      storedBytesVsRestic: { value: ratioOfMedians(stored.bs.full, stored.restic.full), afterIncremental: ratioOfMedians(stored.bs.all, stored.restic.all), target: '<= 1' },
      incrementalWithListVsBorg: { value: ratioOfMedians(bs.incList, borg.inc), processValue: ratioOfMedians(bs.incListProcess, borg.inc), cpuValue: ratioOfMedians(bs.incListCpu, borg.incCpu), target: '<= 0.1' },
      incrementalWithoutListVsBorg: { value: ratioOfMedians(bs.incFull, borg.inc), processValue: ratioOfMedians(bs.incFullProcess, borg.inc), cpuValue: ratioOfMedians(bs.incFullCpu, borg.incCpu), target: '<= 0.7' },
      peakRssMiB: { value: round(bs.rss.median), target: '<= 256' },
    },
  };
  process.stdout.write(formatReport(figures));
  if (!process.env.BENCH_KEEP) for (const d of ['bs-a', 'bs-b', 'borg', 'restic', 'disk.img', 'borg-home', 'restic-cache', 'changed.json']) fs.rmSync(p(d), { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
