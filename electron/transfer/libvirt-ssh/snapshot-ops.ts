import { parseDomainXml, type DomainInfo } from './domain-xml';
import { backupCandidates, fileDiskState, overlayPath, planAfterFailure, rbdSnapName, tokenOfOverlay, tokenOfRbdSnap, type DiskState, type RepairAction } from './disk-state';
import { TransferError } from './errors';
import type { SshSession } from './ssh';

/** The virsh / rbd commands behind the decisions of disk-state.ts. Every command is an argv. */

export const rbdArgs = (user: string | null): string[] => (user ? ['--id', user] : []);

export async function dumpDomain(ssh: SshSession, name: string, signal?: AbortSignal): Promise<DomainInfo> {
  return parseDomainXml(await ssh.run(['virsh', 'dumpxml', '--domain', name], signal ? { signal } : {}));
}

export async function domainState(ssh: SshSession, name: string): Promise<string> {
  return (await ssh.run(['virsh', 'domstate', '--domain', name])).trim();
}

/**
 * The state of every disk to back up (excluded targets left out). `asIs` (a shut-off domain,
 * whose definition lists no backing chain): a file disk is read from its top image down, ours
 * or not, and nothing is merged.
 */
export async function readDiskStates(ssh: SshSession, domain: DomainInfo, exclude: readonly string[], opts: { asIs?: boolean } = {}): Promise<DiskState[]> {
  const out: DiskState[] = [];
  for (const d of backupCandidates(domain)) {
    if (exclude.includes(d.target)) continue;
    if (d.source.kind === 'rbd') {
      const { pool, image, user } = d.source;
      const list = JSON.parse(await ssh.run(['rbd', ...rbdArgs(user), 'snap', 'ls', '--format', 'json', `${pool}/${image}`])) as { name: string }[];
      const snapshots = list.flatMap((x) => {
        const token = tokenOfRbdSnap(x.name);
        return token ? [{ name: x.name, token }] : [];
      });
      out.push({ kind: 'rbd', disk: d, pool, image, user, snapshots });
    } else if (opts.asIs && (d.source.kind === 'file' || d.source.kind === 'block')) {
      out.push({ kind: 'file', disk: d, overlays: [], original: { path: d.source.path, format: d.format ?? 'raw' } });
    } else out.push(fileDiskState(d));
  }
  return out;
}

/** virsh's --diskspec is a comma-separated list: a comma in a path is written twice. */
const spec = (...parts: string[]): string => parts.map((p) => p.replace(/,/g, ',,')).join(',');

/**
 * One crash-consistent point for all disks: an external disk-only snapshot of every file disk in
 * one atomic virsh call, and an RBD snapshot per Ceph disk. When more than one call is needed
 * (RBD disks beside files, or several RBD disks) the guest is paused for their duration, so
 * every disk is frozen at the same instant.
 */
export async function createSnapshot(ssh: SshSession, domain: DomainInfo, states: DiskState[], token: string, opts: { log?: (m: string) => void; running?: boolean } = {}): Promise<void> {
  const files = states.filter((s) => s.kind === 'file');
  const rbds = states.filter((s) => s.kind === 'rbd');
  const pause = opts.running !== false && (rbds.length > 1 || (rbds.length > 0 && files.length > 0));
  if (pause) {
    opts.log?.('Pausing the guest so that all disks are snapshotted at the same instant.');
    await ssh.run(['virsh', 'suspend', '--domain', domain.name]);
  }
  const done: DiskState[] = [];
  try {
    if (files.length) {
      const mine = new Set(files.map((s) => s.disk.target));
      const diskspecs = domain.disks.flatMap((d) => {
        const s = files.find((f) => f.disk.target === d.target);
        return ['--diskspec', s && mine.has(d.target) ? spec(d.target, 'snapshot=external', `file=${overlayPath(s, token)}`) : spec(d.target, 'snapshot=no')];
      });
      await ssh.run(['virsh', 'snapshot-create-as', '--domain', domain.name, '--name', `backstack-${token}`, '--disk-only', '--atomic', '--no-metadata', ...diskspecs]);
      done.push(...files);
    }
    for (const s of rbds) {
      await ssh.run(['rbd', ...rbdArgs(s.user), 'snap', 'create', `${s.pool}/${s.image}@${rbdSnapName(token)}`]);
      done.push(s);
    }
  } catch (e) {
    // Undo the part that was made, so a failed snapshot leaves nothing behind.
    await runActions(ssh, domain.name, done.flatMap((s) => planAfterFailure(s, token))).catch(() => undefined);
    throw e;
  } finally {
    if (pause) await ssh.run(['virsh', 'resume', '--domain', domain.name]);
  }
}

/** Carries out repair / cleanup actions in order; all are attempted, the first error is thrown at the end. */
export async function runActions(ssh: SshSession, domainName: string, actions: RepairAction[], log?: (m: string) => void): Promise<void> {
  let first: unknown;
  for (const a of actions) {
    try {
      if (a.kind === 'activeCommit' || a.kind === 'commitBelow') {
        log?.(a.kind === 'activeCommit' ? `Merging ${a.target} back into ${a.base}.` : `Merging the previous snapshot of ${a.target} into ${a.base}.`);
        await ssh.run(['sh', '-c', COMMIT, 'backstack', domainName, a.target, a.base, a.kind === 'commitBelow' ? a.top : ''], { label: 'virsh blockcommit' });
        await removeMerged(ssh, domainName, a.target, a.remove);
      } else {
        log?.(`Removing RBD snapshot ${a.pool}/${a.image}@${a.snapshot}.`);
        await ssh.run(['rbd', ...rbdArgs(a.user), 'snap', 'rm', `${a.pool}/${a.image}@${a.snapshot}`]);
      }
    } catch (e) {
      first ??= e;
    }
  }
  if (first !== undefined) throw first;
}

/**
 * `virsh blockcommit --wait` looks at the job and then sleeps half a second before it looks
 * again (virsh's virshBlockJobWait), so every merge cost 0.6 s even when it was done in a few
 * milliseconds. This starts the job and looks every 20 ms on the host instead. $1 domain, $2
 * disk, $3 base, $4 top (empty: an active commit, pivoted once it is synchronised). `--raw`
 * prints nothing once no job is left, in any language. A merge that ends without the files
 * leaving the chain is caught by removeMerged.
 */
const COMMIT = [
  'd=$1; disk=$2; base=$3; top=$4',
  'if [ -n "$top" ]; then virsh -q blockcommit --domain "$d" --path "$disk" --top "$top" --base "$base" || exit $?',
  'else virsh -q blockcommit --domain "$d" --path "$disk" --base "$base" --active || exit $?; fi',
  'tries=0',
  'while :; do',
  '  info=$(virsh blockjob --domain "$d" --path "$disk" --info --raw) || exit $?',
  '  case $info in *type=*) ;; *) exit 0 ;; esac',
  '  if [ -z "$top" ] && [ "$(echo "$info" | sed -n "s/^ *cur=//p")" = "$(echo "$info" | sed -n "s/^ *end=//p")" ]; then',
  // synchronised: pivot (it is refused until the job is ready; after 10 s the refusal is the error)
  '    tries=$((tries + 1))',
  '    if [ $tries -ge 500 ]; then virsh -q blockjob --domain "$d" --path "$disk" --pivot; exit $?; fi',
  '    virsh -q blockjob --domain "$d" --path "$disk" --pivot 2>/dev/null && exit 0',
  '  fi',
  '  sleep 0.02',
  'done',
].join('\n');

/** Deletes merged overlays, once the domain's XML shows that none of them is in the disk's chain any more. */
async function removeMerged(ssh: SshSession, domainName: string, target: string, files: string[]): Promise<void> {
  const disk = (await dumpDomain(ssh, domainName)).disks.find((d) => d.target === target);
  const inUse = new Set([disk?.source, ...(disk?.backingChain.map((c) => c.source) ?? [])].flatMap((s) => (s && (s.kind === 'file' || s.kind === 'block') ? [s.path] : [])));
  const still = files.filter((f) => inUse.has(f));
  if (still.length) throw new TransferError(`The merge of ${target} did not complete: ${still.join(', ')} is still in its backing chain, so nothing was deleted. Check the domain with "virsh domblklist"; the next backup repairs it.`);
  await removeFiles(ssh, files);
}

async function removeFiles(ssh: SshSession, files: string[]): Promise<void> {
  for (const f of files) {
    if (tokenOfOverlay(f) === null) throw new TransferError(`Refusing to delete ${f}: not a Backstack overlay.`);
  }
  if (files.length) await ssh.run(['rm', '-f', '--', ...files]);
}
