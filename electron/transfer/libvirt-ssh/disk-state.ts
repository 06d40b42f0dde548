import path from 'node:path';
import type { DomainDisk, DomainInfo } from './domain-xml';

/**
 * Where each disk stands on the hypervisor with respect to our snapshots, and what must be done
 * to bring it back to a known state. Pure functions: the decisions are unit-tested, the
 * commands that carry them out live in snapshot-ops.ts.
 *
 * Naming: file overlays are `<original file name>.bsk-<token>` next to the original; RBD
 * snapshots are `backstack-<token>`. A token is what the manifest records as kept, so the next
 * run knows whether the overlay or snapshot it finds belongs to the last committed backup.
 */

export const OVERLAY_MARK = '.bsk-';
export const RBD_SNAP_PREFIX = 'backstack-';
const TOKEN = /^[0-9a-z]{6,40}$/;

export function newToken(now = new Date(), random = Math.random()): string {
  const t = now.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
  return `${t}${Math.floor(random * 36 ** 4).toString(36).padStart(4, '0')}`;
}

export const tokenOfOverlay = (p: string): string | null => {
  const base = path.posix.basename(p);
  const i = base.lastIndexOf(OVERLAY_MARK);
  const t = i > 0 ? base.slice(i + OVERLAY_MARK.length) : '';
  return TOKEN.test(t) ? t : null;
};
export const tokenOfRbdSnap = (name: string): string | null => {
  const t = name.startsWith(RBD_SNAP_PREFIX) ? name.slice(RBD_SNAP_PREFIX.length) : '';
  return TOKEN.test(t) ? t : null;
};
export const rbdSnapName = (token: string): string => `${RBD_SNAP_PREFIX}${token}`;

export interface FileDiskState {
  kind: 'file';
  disk: DomainDisk;
  /** our overlays in the chain, the active one first */
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
  /** our snapshots on the image */
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

export interface DiskVerdict {
  target: string;
  /** the kept overlay/snapshot of the last backup is there and usable for an incremental */
  keptValid: boolean;
  reason: string | null;
}

/**
 * What to repair before a run, given what the last committed backup says it kept (`keptToken`).
 * The kept overlay/snapshot survives; anything else of ours (a crashed run's, a second
 * overlay under the kept one) is merged back or removed.
 */
export function planRepair(states: DiskState[], keptToken: string | null, keptDisks: readonly string[]): { actions: RepairAction[]; verdicts: DiskVerdict[] } {
  const actions: RepairAction[] = [];
  const verdicts: DiskVerdict[] = [];
  for (const s of states) {
    const target = s.disk.target;
    const wasKept = keptToken !== null && keptDisks.includes(target);
    if (s.kind === 'file') {
      const [top, ...below] = s.overlays;
      if (top && wasKept && top.token === keptToken) {
        if (below.length) actions.push({ kind: 'commitBelow', target, top: below[0]!.path, base: s.original.path, remove: below.map((o) => o.path) });
        verdicts.push({ target, keptValid: true, reason: null });
        continue;
      }
      if (top) actions.push({ kind: 'activeCommit', target, base: s.original.path, remove: s.overlays.map((o) => o.path) });
      verdicts.push({
        target,
        keptValid: false,
        reason: top
          ? `overlay ${path.posix.basename(top.path)} does not belong to the last backup (a run was interrupted): merged back`
          : keptToken && wasKept
            ? 'the overlay kept by the last backup is gone (merged or removed outside Backstack)'
            : 'no snapshot was kept by a previous backup',
      });
    } else {
      const keep = wasKept ? s.snapshots.find((x) => x.token === keptToken) : undefined;
      for (const x of s.snapshots) if (x !== keep) actions.push({ kind: 'rbdSnapRemove', target, pool: s.pool, image: s.image, user: s.user, snapshot: x.name });
      verdicts.push({
        target,
        keptValid: keep !== undefined,
        reason: keep ? null : wasKept ? `RBD snapshot ${rbdSnapName(keptToken as string)} kept by the last backup is gone` : 'no snapshot was kept by a previous backup',
      });
    }
  }
  return { actions, verdicts };
}

/** Overlay path for a new snapshot of a file disk: next to the original, named after it. */
export const overlayPath = (s: FileDiskState, token: string): string =>
  path.posix.join(path.posix.dirname(s.original.path), `${path.posix.basename(s.original.path)}${OVERLAY_MARK}${token}`);

/** The image that is frozen once a new overlay sits on top: the kept overlay, or the original. */
export const frozenImage = (s: FileDiskState): { path: string; format: string } => (s.overlays[0] ? { path: s.overlays[0].path, format: 'qcow2' } : s.original);

/** After the new snapshot was committed to the repository: what to merge or drop. */
export function planAfterSuccess(s: DiskState, newToken: string, keep: boolean): RepairAction[] {
  const target = s.disk.target;
  if (s.kind === 'file') {
    const out: RepairAction[] = [];
    const mine = overlayPath(s, newToken);
    if (s.overlays.length) out.push({ kind: 'commitBelow', target, top: s.overlays[0]!.path, base: s.original.path, remove: s.overlays.map((o) => o.path) });
    if (!keep) out.push({ kind: 'activeCommit', target, base: s.original.path, remove: [mine] });
    return out;
  }
  const out: RepairAction[] = s.snapshots.map((x) => ({ kind: 'rbdSnapRemove' as const, target, pool: s.pool, image: s.image, user: s.user, snapshot: x.name }));
  if (!keep) out.push({ kind: 'rbdSnapRemove', target, pool: s.pool, image: s.image, user: s.user, snapshot: rbdSnapName(newToken) });
  return out;
}

/** After a failure (or cancel) once the new snapshot exists: back to the state before the run. */
export function planAfterFailure(s: DiskState, newToken: string): RepairAction[] {
  const target = s.disk.target;
  if (s.kind === 'file') return [{ kind: 'activeCommit', target, base: frozenImage(s).path, remove: [overlayPath(s, newToken)] }];
  return [{ kind: 'rbdSnapRemove', target, pool: s.pool, image: s.image, user: s.user, snapshot: rbdSnapName(newToken) }];
}
