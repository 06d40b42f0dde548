import path from 'node:path';
import type { DomainDisk, DomainInfo } from './domain-xml';

/**
 * Where each disk stands on the hypervisor with respect to our snapshots, and what must be done
 * to bring it back to a known state. Pure functions: the decisions are unit-tested, the
 * commands that carry them out live in snapshot-ops.ts.
 *
 * Naming: file overlays are `<original file name>.bsk-<token>` next to the original; RBD
 * snapshots are `backstack-<token>`. A token names the installation and the job that made it
 * and when (`<installation 12 hex>-<job 8>-<UTC yyyymmddhhmmss><4 random>`): several
 * installations back up the same cloud, and each touches only its own leftovers of jobs that
 * no longer run. The manifest records the token it kept, so the next run knows whether what it
 * finds belongs to the last committed backup. Tokens of earlier versions (no dashes) are read
 * as this installation's.
 */

export const OVERLAY_MARK = '.bsk-';
export const RBD_SNAP_PREFIX = 'backstack-';
const LEGACY_TOKEN = /^[0-9a-z]{6,40}$/;
const TOKEN = /^([0-9a-f]{12})-([0-9a-z]{8})-([0-9]{14})[0-9a-z]{4}$/;
export const INSTALLATION_ID = /^[0-9a-f]{12}$/;

/** Whose a token is: the installation and job that made it (null for an earlier version's), and when. */
export interface TokenOrigin {
  installation: string | null;
  job: string | null;
  at: Date | null;
}

/** The first 8 letters or digits of a job id (a UUID's first group): enough to tell jobs apart. */
export const jobTag = (jobId: string): string => jobId.toLowerCase().replace(/[^0-9a-z]/g, '').slice(0, 8).padEnd(8, '0');

/** UTC yyyymmddhhmmss and 4 random letters or digits: sorts by time, unique enough per host. */
export function timeToken(now = new Date(), random = Math.random()): string {
  return `${now.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14)}${Math.floor(random * 36 ** 4).toString(36).padStart(4, '0')}`;
}

export function newToken(owner: { installation: string; jobId: string }, now = new Date(), random = Math.random()): string {
  if (!INSTALLATION_ID.test(owner.installation)) throw new Error(`not an installation id: ${owner.installation}`);
  return `${owner.installation}-${jobTag(owner.jobId)}-${timeToken(now, random)}`;
}

const isToken = (t: string): boolean => TOKEN.test(t) || LEGACY_TOKEN.test(t);

export function tokenOrigin(token: string): TokenOrigin {
  const m = TOKEN.exec(token);
  if (!m) return { installation: null, job: null, at: null };
  const d = m[3]!;
  const at = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14)}Z`);
  return { installation: m[1]!, job: m[2]!, at: Number.isNaN(at.getTime()) ? null : at };
}

export const tokenOfOverlay = (p: string): string | null => {
  const base = path.posix.basename(p);
  const i = base.lastIndexOf(OVERLAY_MARK);
  const t = i > 0 ? base.slice(i + OVERLAY_MARK.length) : '';
  return isToken(t) ? t : null;
};
export const tokenOfRbdSnap = (name: string): string | null => {
  const t = name.startsWith(RBD_SNAP_PREFIX) ? name.slice(RBD_SNAP_PREFIX.length) : '';
  return isToken(t) ? t : null;
};
export const rbdSnapName = (token: string): string => `${RBD_SNAP_PREFIX}${token}`;

export interface FileDiskState {
  kind: 'file';
  disk: DomainDisk;
  /** Backstack overlays in the chain (any installation's), the active one first */
  overlays: { path: string; token: string }[];
  /** the first image below our overlays (Nova's disk file) */
  original: { path: string; format: string };
}

export interface RbdDiskState {
  kind: 'rbd';
  disk: DomainDisk;
  pool: string;
  image: string;
  user: string | null;
  /** Backstack snapshots on the image (any installation's) */
  snapshots: { name: string; token: string }[];
}

export type DiskState = FileDiskState | RbdDiskState;

/** Disks a backup can take: guest disks (not the config-drive CD-ROM), files or RBD. */
export function backupCandidates(domain: DomainInfo): DomainDisk[] {
  return domain.disks.filter((d) => d.device === 'disk' && (d.source.kind === 'file' || d.source.kind === 'block' || d.source.kind === 'rbd'));
}

/** A file disk's state from the live domain XML (libvirt reports the whole backing chain). */
export function fileDiskState(disk: DomainDisk): FileDiskState {
  const chain = [{ source: disk.source, format: disk.format }, ...disk.backingChain];
  const overlays: FileDiskState['overlays'] = [];
  for (const img of chain) {
    const p = img.source.kind === 'file' ? img.source.path : null;
    const token = p ? tokenOfOverlay(p) : null;
    if (!p || !token) {
      return { kind: 'file', disk, overlays, original: { path: p ?? (img.source.kind === 'block' ? img.source.path : ''), format: img.format ?? 'raw' } };
    }
    overlays.push({ path: p, token });
  }
  throw new Error(`disk ${disk.target}: the whole chain consists of backstack overlays, no original image found`);
}

export type RepairAction =
  /** merge the active layer (and everything down to base) into base and pivot to it */
  | { kind: 'activeCommit'; target: string; base: string; remove: string[] }
  /** merge non-active overlays (top … down to just above base) into base */
  | { kind: 'commitBelow'; target: string; top: string; base: string; remove: string[] }
  | { kind: 'rbdSnapRemove'; target: string; pool: string; image: string; user: string | null; snapshot: string };

/** Who this run is: its installation, and which of the installation's jobs still run. */
export interface Owner {
  installation: string;
  /** true while the job with this tag (jobTag) runs: its snapshot is in use, never repaired */
  isJobRunning: (job: string) => boolean;
}

export interface RepairContext extends Owner {
  /** what the last committed backup of this instance kept */
  keptToken: string | null;
  keptDisks: readonly string[];
}

/**
 * What an overlay or RBD snapshot is to this run: the one the last backup kept, a leftover of
 * ours (a crashed or cut-short run, or an earlier version's), a running job's of ours, or
 * another installation's. Only leftovers are ever merged or removed by a repair.
 */
export type Role = 'kept' | 'leftover' | 'running' | 'foreign';

export function roleOf(token: string, target: string, c: RepairContext): Role {
  const o = tokenOrigin(token);
  if (o.installation !== null && o.installation !== c.installation) return 'foreign';
  if (token === c.keptToken && c.keptDisks.includes(target)) return 'kept';
  if (o.job !== null && c.isJobRunning(o.job)) return 'running';
  return 'leftover';
}

const when = (at: Date | null): string => (at ? at.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : 'an unknown time');

/** For people: whose snapshot it is, which job, since when. */
export function describeToken(token: string, role: Role): string {
  const o = tokenOrigin(token);
  if (role === 'foreign') return `installation ${o.installation} keeps a snapshot of this disk since ${when(o.at)} (job ${o.job})`;
  if (role === 'running') return `job ${o.job} of this installation, still running, took a snapshot of this disk at ${when(o.at)}`;
  return o.job ? `job ${o.job} of this installation left a snapshot at ${when(o.at)}` : `an earlier version of Backstack left a snapshot`;
}

/**
 * Merges each named layer into the image directly below it, never further down (a base further
 * down would swallow the layers in between, another installation's among them). Contiguous
 * layers to merge go in one block job. `chain` is top first and ends with the original image.
 */
export function mergeEach(target: string, chain: readonly string[], merge: ReadonlySet<string>): RepairAction[] {
  const out: RepairAction[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    if (!merge.has(chain[i]!)) continue;
    let j = i;
    while (j + 1 < chain.length - 1 && merge.has(chain[j + 1]!)) j++;
    const run = chain.slice(i, j + 1);
    const base = chain[j + 1]!;
    out.push(i === 0 ? { kind: 'activeCommit', target, base, remove: run } : { kind: 'commitBelow', target, top: chain[i]!, base, remove: run });
    i = j;
  }
  return out;
}

const chainOf = (s: FileDiskState): string[] => [...s.overlays.map((o) => o.path), s.original.path];

export interface DiskVerdict {
  target: string;
  /** the kept overlay/snapshot of the last backup is there and usable for an incremental */
  keptValid: boolean;
  reason: string | null;
  /** the token of our kept overlay/snapshot found on the disk (used or not): merged or removed after a successful run */
  kept: string | null;
  /** this run's snapshot may be kept for the next incremental (a file chain shared with another installation's or a running job's layer: no) */
  keepNew: boolean;
  /** what was found that is not ours to touch, for the log */
  others: string[];
  /** our leftovers merged or removed, for the log */
  repaired: string[];
}

/**
 * What to repair before a run. The kept overlay/snapshot survives; leftovers of ours (jobs no
 * longer running) are merged into the image directly below them or removed; another
 * installation's and our running jobs' are left alone.
 *
 * File disks share one chain: our kept overlay serves an incremental only when it is the top
 * of the chain after the repair (its allocation map then holds exactly what the guest wrote
 * since our last backup). When another's layer is in the chain and ours is not on top, the
 * backup is full and its overlay is merged back afterwards, not kept: keeping it would put a
 * layer over the other's, which the other would then have to read in full. RBD snapshots are
 * independent: each installation keeps and diffs from its own.
 */
export function planRepair(states: DiskState[], c: RepairContext): { actions: RepairAction[]; verdicts: DiskVerdict[] } {
  const actions: RepairAction[] = [];
  const verdicts: DiskVerdict[] = [];
  for (const s of states) {
    const target = s.disk.target;
    const wasKept = c.keptToken !== null && c.keptDisks.includes(target);
    const gone = 'the snapshot kept by the last backup is gone (released, or merged or removed outside Backstack)';
    const none = 'no snapshot was kept by a previous backup';
    if (s.kind === 'file') {
      const roles = s.overlays.map((o) => ({ ...o, role: roleOf(o.token, target, c) }));
      const leftovers = roles.filter((o) => o.role === 'leftover');
      actions.push(...mergeEach(target, chainOf(s), new Set(leftovers.map((o) => o.path))));
      const remaining = roles.filter((o) => o.role !== 'leftover');
      const kept = remaining.find((o) => o.role === 'kept');
      const others = remaining.filter((o) => o.role === 'foreign' || o.role === 'running');
      const onTop = kept !== undefined && remaining[0] === kept;
      // a running job of ours reads (and will merge) the kept overlay: it is that job's to merge
      const busy = remaining.some((o) => o.role === 'running');
      const above = kept ? remaining.slice(0, remaining.indexOf(kept)) : [];
      verdicts.push({
        target,
        keptValid: onTop,
        kept: busy ? null : (kept?.token ?? null),
        reason: onTop ? null : kept ? describeToken(above[0]!.token, above[0]!.role) : wasKept ? gone : others[0] ? `${none}, and ${describeToken(others[0].token, others[0].role)}` : none,
        keepNew: onTop || others.length === 0,
        others: others.map((o) => `overlay ${path.posix.basename(o.path)}: ${describeToken(o.token, o.role)}`),
        repaired: leftovers.map((o) => `overlay ${path.posix.basename(o.path)} (${describeToken(o.token, o.role)}) merged into the image below it`),
      });
    } else {
      const roles = s.snapshots.map((x) => ({ ...x, role: roleOf(x.token, target, c) }));
      const leftovers = roles.filter((x) => x.role === 'leftover');
      for (const x of leftovers) actions.push({ kind: 'rbdSnapRemove', target, pool: s.pool, image: s.image, user: s.user, snapshot: x.name });
      const kept = roles.find((x) => x.role === 'kept');
      // a running job of ours diffs from the kept snapshot and removes it: we may diff from it, not remove it
      const busy = roles.some((x) => x.role === 'running');
      verdicts.push({
        target,
        keptValid: kept !== undefined,
        kept: busy ? null : (kept?.token ?? null),
        reason: kept ? null : wasKept ? `RBD snapshot ${rbdSnapName(c.keptToken as string)} kept by the last backup is gone` : none,
        keepNew: true,
        others: roles.filter((x) => x.role === 'foreign' || x.role === 'running').map((x) => `RBD snapshot ${x.name}: ${describeToken(x.token, x.role)}`),
        repaired: leftovers.map((x) => `RBD snapshot ${x.name} (${describeToken(x.token, x.role)}) removed`),
      });
    }
  }
  return { actions, verdicts };
}

/**
 * The job log of a repair: what is not ours and stays, and what of ours (leftovers of jobs no
 * longer running) was merged or removed. Information, never a warning: merging a leftover overlay
 * keeps every write, and a leftover RBD snapshot holds nothing a backup still needs. What a repair
 * costs (a full backup where an incremental was asked for) is said, as a warning, by the plan.
 */
export function repairLog(verdicts: readonly DiskVerdict[]): { level: 'info'; message: string }[] {
  const out = verdicts.flatMap((v) => v.others.map((x) => ({ level: 'info' as const, message: `Disk ${v.target}: ${x}; left as it is.` })));
  const repaired = verdicts.flatMap((v) => v.repaired.map((r) => `${v.target}: ${r}`));
  if (repaired.length) out.push({ level: 'info', message: `Cleaning up what earlier runs of this installation left on the hypervisor: ${repaired.join('; ')}.` });
  return out;
}

/** Overlay path for a new snapshot of a file disk: next to the original, named after it. */
export const overlayPath = (s: FileDiskState, token: string): string =>
  path.posix.join(path.posix.dirname(s.original.path), `${path.posix.basename(s.original.path)}${OVERLAY_MARK}${token}`);

/** The image that is frozen once a new overlay sits on top: the chain's top before the snapshot (ours or not), or the original. */
export const frozenImage = (s: FileDiskState): { path: string; format: string } => (s.overlays[0] ? { path: s.overlays[0].path, format: 'qcow2' } : s.original);

/** A file disk's chain with the new overlay in it (read after the snapshot), or on top (assumed from the state before it). */
const withNew = (s: FileDiskState, newToken: string): string[] => {
  const chain = chainOf(s);
  const mine = overlayPath(s, newToken);
  return chain.includes(mine) ? chain : [mine, ...chain];
};

/**
 * After the new snapshot was committed to the repository: our previous kept overlay/snapshot
 * (`previous`: DiskVerdict.kept, never another installation's) is no longer needed and the new one goes too unless kept.
 * Each overlay is merged into the image directly below it; nobody else's layer is touched.
 */
export function planAfterSuccess(s: DiskState, newToken: string, o: { keepNew: boolean; previous: string | null }): RepairAction[] {
  const target = s.disk.target;
  if (s.kind === 'file') {
    const merge = new Set<string>();
    const prev = o.previous === null ? undefined : s.overlays.find((x) => x.token === o.previous && x.token !== newToken);
    if (prev) merge.add(prev.path);
    if (!o.keepNew) merge.add(overlayPath(s, newToken));
    return mergeEach(target, withNew(s, newToken), merge);
  }
  const rm = (snapshot: string): RepairAction => ({ kind: 'rbdSnapRemove', target, pool: s.pool, image: s.image, user: s.user, snapshot });
  const out = s.snapshots.filter((x) => o.previous !== null && x.token === o.previous && x.token !== newToken).map((x) => rm(x.name));
  if (!o.keepNew) out.push(rm(rbdSnapName(newToken)));
  return out;
}

/** After a failure (or cancel) once the new snapshot exists: the new overlay merged into the image directly below it, the new RBD snapshot removed. */
export function planAfterFailure(s: DiskState, newToken: string): RepairAction[] {
  const target = s.disk.target;
  if (s.kind === 'file') return mergeEach(target, withNew(s, newToken), new Set([overlayPath(s, newToken)]));
  return [{ kind: 'rbdSnapRemove', target, pool: s.pool, image: s.image, user: s.user, snapshot: rbdSnapName(newToken) }];
}
