/**
 * Libvirt strategy benchmark (issue 6), against a KVM host of the lab (e2e/lab up):
 * - full backup throughput of a 2 GiB disk vs `ssh host cat DISK > /dev/null` (OpenSSH, its
 *   default cipher) on the same disk in the same run; target ≥ 0.9x;
 * - incremental transfer volume vs the bytes the guest changed; target ≤ 1.2x.
 * Prints one JSON document; asserts nothing.
 *
 *   npm run bench:libvirt
 *   BENCH_SIZE_MIB=512 npm run bench:libvirt     smaller disk (default 2048)
 *   BENCH_HOST=lab-kvm-2                         another host of hypervisors.json (default lab-kvm-1)
 *   BENCH_ROUNDS=2                               repeat; each figure is the best round
 *   BENCH_ENCRYPT=1                              an encrypted repository (default plain)
 *   BENCH_TRANSFER=direct                        qemu-nbd over TLS on the lab's ports 16000–16003 (default: through SSH)
 *
 * The disk is random data (incompressible, not deduplicable: the worst case for the engine and
 * the same bytes for both sides). For scale, the engine alone is timed too, backing up a local
 * file of random data of the same size (no network, no SSH): the ceiling on this machine. A throwaway domain (no OS, 64 MiB) runs on it, so the
 * snapshot, NBD stream and merge are the real ones; its time counts from the job's first SSH
 * command to the committed manifest and merged snapshot ("endToEnd"), and for the stream alone.
 */
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backupDisk, fileSource, initRepository, openRepository } from '../../electron/engine';
import { backupInstance, releaseSnapshots } from '../../electron/transfer/libvirt-ssh/backup-instance';
import { SshSession } from '../../electron/transfer/libvirt-ssh/ssh';
import type { NbdTransfer } from '../../electron/transfer/libvirt-ssh/direct-transfer';
import { guestWrite, sshTargetOf } from '../lab/tests/support/guests';
import { labDir } from '../lab/tests/support/lab';
import { loadHypervisors } from '../lab/tests/support/ssh';

const MiB = 1024 * 1024;
const sizeMiB = Number(process.env.BENCH_SIZE_MIB ?? 2048);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const hv = loadHypervisors().find((h) => h.host === (process.env.BENCH_HOST ?? 'lab-kvm-1'));
if (!hv) throw new Error('no such host in hypervisors.json (is the lab up?)');
const log = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);
const token = Date.now().toString(36);
const name = `backstack-bench-${token}`;
const dir = path.posix.join(hv.instancesPath, name);
const disk = path.posix.join(dir, 'disk.raw');
const local = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-libvirt-bench-'));
const transfer: NbdTransfer = process.env.BENCH_TRANSFER === 'direct' ? { kind: 'direct', address: hv.ssh.address, ports: [16000, 16003] } : { kind: 'ssh' };

const xml = `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>`;

/** `ssh host cat DISK > /dev/null` with OpenSSH, as an admin would measure the link. */
async function sshCat(): Promise<number> {
  const t = performance.now();
  await new Promise<void>((resolve, reject) => {
    const p = spawn('ssh', ['-F', path.join(labDir, 'ssh_config'), hv!.host, 'cat', disk], { stdio: ['ignore', fs.openSync('/dev/null', 'w'), 'inherit'] });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ssh cat exited ${code}`))));
  });
  return (performance.now() - t) / 1000;
}

async function main(): Promise<void> {
  const ssh = await SshSession.connect(sshTargetOf(hv!));
  const repoDir = path.join(local, 'repo');
  const encrypted = process.env.BENCH_ENCRYPT === '1';
  await initRepository(repoDir, encrypted ? { passphrase: 'bench passphrase' } : {});
  const repo = await openRepository(repoDir, encrypted ? { passphrase: 'bench passphrase' } : {});
  const results = { full: [] as { sshCatSeconds: number; backupSeconds: number; streamSeconds: number; bytes: number }[], incremental: [] as { changedBytes: number; transferredBytes: number; seconds: number }[] };
  try {
    log(`writing ${sizeMiB} MiB of random data to ${hv!.host}:${disk}`);
    await ssh.run(['mkdir', '-p', dir]);
    await ssh.run(['sh', '-c', 'head -c "$1" /dev/urandom > "$2"', 'backstack', String(sizeMiB * MiB), disk]);
    await ssh.run(['virsh', 'define', '/dev/stdin'], { input: xml });
    await ssh.run(['virsh', 'start', '--domain', name]);
    for (let r = 0; r < rounds; r++) {
      const cat = await sshCat();
      let streamStart = 0;
      let streamEnd = 0;
      const t = performance.now();
      const full = await backupInstance({
        ssh, reconnect: () => SshSession.connect(sshTargetOf(hv!)), domainName: name, repo, group: `bench-${token}`, mode: 'full', keepSnapshot: true, transfer,
        sourceInfo: { kind: 'instance' }, log: (_l, m) => {
          if (m.startsWith('Disk vda')) streamStart = performance.now();
        },
        onProgress: ({ engine }) => {
          if (engine.bytesDone >= engine.bytesTotal) streamEnd = performance.now();
        },
      });
      const backupSeconds = (performance.now() - t) / 1000;
      results.full.push({ sshCatSeconds: cat, backupSeconds, streamSeconds: (streamEnd - streamStart) / 1000, bytes: full.transferredBytes });
      log(`round ${r + 1}: ssh cat ${cat.toFixed(2)} s, full backup ${backupSeconds.toFixed(2)} s (${full.transferredBytes} bytes)`);

      // 32 scattered 64 KiB writes by the guest, then an incremental.
      const changed = 32 * 64 * 1024;
      for (let i = 0; i < 32; i++) await guestWrite(ssh, name, 'vda', 0x10 + i, `${Math.floor(((i * 61) % 32) * (sizeMiB / 32))}M`, '64k');
      const ti = performance.now();
      const inc = await backupInstance({ ssh, reconnect: () => SshSession.connect(sshTargetOf(hv!)), domainName: name, repo, group: `bench-${token}`, mode: 'incremental', transfer, sourceInfo: { kind: 'instance' }, log: () => undefined });
      results.incremental.push({ changedBytes: changed, transferredBytes: inc.transferredBytes, seconds: (performance.now() - ti) / 1000 });
      log(`round ${r + 1}: incremental moved ${inc.transferredBytes} bytes for ${changed} changed`);
    }
  } finally {
    await releaseSnapshots(ssh, name).catch(() => undefined);
    await ssh.run(['virsh', 'destroy', '--domain', name]).catch(() => undefined);
    await ssh.run(['virsh', 'undefine', '--domain', name]).catch(() => undefined);
    await ssh.run(['rm', '-rf', '--', dir]).catch(() => undefined);
    ssh.close();
    await repo.close();
    fs.rmSync(local, { recursive: true, force: true });
  }
  const bytes = sizeMiB * MiB;
  const engineAlone = await engineBaseline(bytes);
  const bestCat = Math.min(...results.full.map((f) => f.sshCatSeconds));
  const bestFull = Math.min(...results.full.map((f) => f.backupSeconds));
  const bestStream = Math.min(...results.full.map((f) => f.streamSeconds));
  const inc = results.incremental.reduce((a, b) => (b.transferredBytes < a.transferredBytes ? b : a));
  const out = {
    host: hv!.host,
    transfer: transfer.kind,
    diskBytes: bytes,
    rounds,
    sshCat: { seconds: bestCat, mibPerSecond: bytes / MiB / bestCat },
    engineAloneLocalFile: { seconds: engineAlone, mibPerSecond: bytes / MiB / engineAlone },
    fullBackup: { endToEndSeconds: bestFull, endToEndMibPerSecond: bytes / MiB / bestFull, streamSeconds: bestStream, streamMibPerSecond: bytes / MiB / bestStream },
    incremental: inc,
    ratios: {
      fullThroughputVsSshCat: { value: bestCat / bestFull, target: '>= 0.9' },
      fullStreamVsSshCat: { value: bestCat / bestStream, target: '(stream only, excluding snapshot and merge)' },
      incrementalTransferVsChanged: { value: inc.transferredBytes / inc.changedBytes, target: '<= 1.2' },
      engineAloneVsSshCat: { value: bestCat / engineAlone, target: '(the most the full backup could reach here)' },
    },
    all: results,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

/** The engine backing up a local file of random data: no SSH, no NBD. */
async function engineBaseline(bytes: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-libvirt-bench-engine-'));
  try {
    const file = path.join(dir, 'disk.raw');
    const fd = fs.openSync(file, 'w');
    const block = Buffer.allocUnsafe(16 * MiB);
    for (let done = 0; done < bytes; done += block.length) fs.writeSync(fd, randomFillSync(block), 0, Math.min(block.length, bytes - done));
    fs.closeSync(fd);
    await initRepository(path.join(dir, 'repo'), {});
    const repo = await openRepository(path.join(dir, 'repo'), {});
    const t = performance.now();
    await backupDisk(repo, { group: 'engine', name: 'vda', source: fileSource(file) });
    const s = (performance.now() - t) / 1000;
    await repo.close();
    log(`engine alone on a local file: ${s.toFixed(2)} s`);
    return s;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
