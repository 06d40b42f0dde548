/**
 * Differential restore benchmark (issue 16), against a KVM host of the lab (e2e/lab up): a disk
 * with 1% of it changed, restored in place (restoreDiskInPlace: hashes on both sides, only the
 * differing blocks written, those verified on the host) vs a full restore of the same disk into
 * the same file (restoreDiskOverSsh, as `restore run` writes a disk). Target: ≤ 0.1x the time.
 * Prints one JSON document; asserts nothing. Each figure is the median of the rounds with its
 * spread (stats.ts).
 *
 *   npx tsx e2e/bench/restore-in-place.bench.ts
 *   BENCH_SIZE_MIB=512                smaller disk (default 2048)
 *   BENCH_HOST=lab-kvm-2              another host of hypervisors.json (default lab-kvm-1)
 *   BENCH_ROUNDS=5                    rounds (default 3)
 *   BENCH_FILL=half                   half the disk random, half zeros (default: all random)
 *   BENCH_TARGET=rbd-kept             a Ceph RBD image whose restore point's snapshot is still kept
 *                                     (backstack-<token>, as a backup leaves it): only what changed
 *                                     since it is compared (default: a raw file, compared in full)
 *
 * The restore point is a local file of random data backed up by the engine; the host's copy is a
 * raw file written by a first (untimed) full restore. Each round changes 1% of the host's copy
 * (20 runs of pattern bytes at offsets that are not block-aligned, through qemu-io), restores it
 * in place, then restores it in full; both end byte-identical to the restore point.
 */
import { randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backupDisk, fileSource, initRepository, openRepository } from '../../electron/engine';
import { createImage, restoreDiskOverSsh } from '../../electron/transfer/libvirt-ssh/restore-disk';
import { restoreDiskInPlace, type InPlaceResult } from '../../electron/transfer/libvirt-ssh/restore-in-place';
import { SshSession } from '../../electron/transfer/libvirt-ssh/ssh';
import { sshTargetOf } from '../lab/tests/support/guests';
import { loadHypervisors } from '../lab/tests/support/ssh';
import { benchRounds, figure, formatReport, ratioOfMedians, round, rounded } from './stats';

const MiB = 1024 * 1024;
const sizeMiB = Number(process.env.BENCH_SIZE_MIB ?? 2048);
const size = sizeMiB * MiB;
const plan = benchRounds();
const hv = loadHypervisors().find((h) => h.host === (process.env.BENCH_HOST ?? 'lab-kvm-1'));
if (!hv) throw new Error('no such host in hypervisors.json (is the lab up?)');
const log = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);
const token = Date.now().toString(36);
const dir = path.posix.join(hv.instancesPath, `inplace-bench-${token}`);
const disk = path.posix.join(dir, 'disk.raw');
const rbd = process.env.BENCH_TARGET === 'rbd-kept';
const keptToken = `bench${token}`;
const rbdImage = { kind: 'rbd' as const, pool: 'volumes', image: `inplace-bench-${token}`, snapshot: null, user: 'cinder' };
const target = rbd ? { source: rbdImage, format: 'raw' } : { source: { kind: 'file' as const, path: disk }, format: 'raw' };
/** what qemu-io opens: the file, or the RBD image */
const ioSpec = rbd ? ['json:' + JSON.stringify({ driver: 'raw', file: { driver: 'rbd', pool: rbdImage.pool, image: rbdImage.image, user: rbdImage.user } })] : ['-f', 'raw', disk];
const rbdName = `${rbdImage.pool}/${rbdImage.image}`;
/** the kept snapshot, made again: the image as the restore point left it */
async function keepSnapshot(ssh: SshSession): Promise<void> {
  await ssh.run(['rbd', '--id', 'cinder', 'snap', 'rm', `${rbdName}@backstack-${keptToken}`]).catch(() => undefined);
  await ssh.run(['rbd', '--id', 'cinder', 'snap', 'create', `${rbdName}@backstack-${keptToken}`]);
}
const local = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-inplace-bench-'));

/** 1% of the disk in 20 runs of pattern bytes, each starting off any block boundary. */
function changes(round: number): { offset: number; length: number }[] {
  const length = Math.floor((size / 100) / 20);
  return Array.from({ length: 20 }, (_, i) => ({ offset: Math.floor((size / 20) * i) + 4097 * (round + 1) + 13, length }));
}

async function main(): Promise<void> {
  log(plan.note);
  const file = path.join(local, 'disk.raw');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.allocUnsafe(16 * MiB);
  for (let done = 0; done < size; done += block.length) {
    const half = process.env.BENCH_FILL === 'half' && done >= size / 2;
    fs.writeSync(fd, half ? block.fill(0) : randomFillSync(block), 0, Math.min(block.length, size - done));
  }
  fs.closeSync(fd);
  const repoDir = path.join(local, 'repo');
  await initRepository(repoDir, {});
  const repo = await openRepository(repoDir, {});
  const ssh = await SshSession.connect(sshTargetOf(hv!));
  const results: { changedBytes: number; inPlace: InPlaceResult; inPlaceSeconds: number; fullSeconds: number }[] = [];
  try {
    // as a libvirt backup records the snapshot it kept
    const m = await backupDisk(repo, { group: 'bench', name: 'vda', source: fileSource(file), sourceInfo: { kind: 'bench', kept: rbd ? { token: keptToken, disks: ['vda'] } : null } });
    const ref = { group: 'bench', backup: m.time, disk: 'vda' };
    await ssh.run(['mkdir', '-p', '--', dir]);
    await createImage(ssh, target, size);
    log(`writing the ${sizeMiB} MiB restore point to ${hv!.host}:${rbd ? rbdName : disk}`);
    await restoreDiskOverSsh(ssh, repo, { ...ref, target });
    if (rbd) await keepSnapshot(ssh);
    for (let r = 0; r < plan.rounds; r++) {
      const c = changes(r);
      const args = c.flatMap((x) => ['-c', `write -P 0x${(0x41 + r).toString(16)} ${x.offset} ${x.length}`]);
      await ssh.run(['qemu-io', ...args, ...ioSpec]);
      const changedBytes = c.reduce((n, x) => n + x.length, 0);
      let t = performance.now();
      const inPlace = await restoreDiskInPlace(ssh, repo, { ...ref, target });
      const inPlaceSeconds = (performance.now() - t) / 1000;
      t = performance.now();
      await restoreDiskOverSsh(ssh, repo, { ...ref, target });
      const fullSeconds = (performance.now() - t) / 1000;
      if (rbd) await keepSnapshot(ssh); // untimed: the next round starts from the restore point's snapshot again
      results.push({ changedBytes, inPlace, inPlaceSeconds, fullSeconds });
      log(`round ${r + 1}: in place ${inPlaceSeconds.toFixed(2)} s (${inPlace.bytesWritten} bytes written for ${changedBytes} changed; compare ${inPlace.seconds.compare.toFixed(2)} s), full ${fullSeconds.toFixed(2)} s`);
    }
  } finally {
    await ssh.run(['rm', '-rf', '--', dir]).catch(() => undefined);
    if (rbd) {
      await ssh.run(['rbd', '--id', 'cinder', 'snap', 'purge', rbdName]).catch(() => undefined);
      await ssh.run(['rbd', '--id', 'cinder', 'rm', rbdName]).catch(() => undefined);
    }
    ssh.close();
    await repo.close();
    fs.rmSync(local, { recursive: true, force: true });
  }
  const inPlace = figure(results.map((x) => x.inPlaceSeconds));
  const full = figure(results.map((x) => x.fullSeconds));
  const out = {
    run: plan,
    host: hv!.host,
    diskBytes: size,
    fill: process.env.BENCH_FILL === 'half' ? 'half random, half zeros' : 'random',
    target: rbd ? 'RBD image, the restore point\'s snapshot kept' : 'raw file, compared in full',
    blockSize: results[0]?.inPlace.blockSize,
    inPlace: {
      seconds: rounded(inPlace),
      compareSeconds: rounded(figure(results.map((x) => x.inPlace.seconds.compare))),
      writeSeconds: rounded(figure(results.map((x) => x.inPlace.seconds.write))),
      verifySeconds: rounded(figure(results.map((x) => x.inPlace.seconds.verify))),
      comparedBytes: results[0]?.inPlace.hashedRemote,
    },
    fullRestore: { seconds: rounded(full) },
    ratios: {
      inPlaceVsFullTime: { value: ratioOfMedians(inPlace, full), target: '<= 0.1' },
      writtenVsChanged: { value: round(Math.max(...results.map((x) => x.inPlace.bytesWritten / x.changedBytes)), 3), target: '<= 1.1 (worst round)' },
    },
    all: results.map((x) => ({ changedBytes: x.changedBytes, written: x.inPlace.bytesWritten, differing: x.inPlace.differingBytes, inPlaceSeconds: round(x.inPlaceSeconds), fullSeconds: round(x.fullSeconds), phases: x.inPlace.seconds })),
  };
  process.stdout.write(formatReport(out));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
