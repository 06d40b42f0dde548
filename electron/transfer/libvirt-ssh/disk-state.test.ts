import { describe, expect, it } from 'vitest';
import type { DomainDisk } from './domain-xml';
import {
  describeToken,
  frozenImage,
  jobTag,
  mergeEach,
  newToken,
  overlayPath,
  planAfterFailure,
  planAfterSuccess,
  planRepair,
  repairLog,
  roleOf,
  tokenOfOverlay,
  tokenOfRbdSnap,
  tokenOrigin,
  type DiskState,
  type FileDiskState,
  type RbdDiskState,
  type RepairContext,
} from './disk-state';

const disk = (target: string): DomainDisk => ({ target, device: 'disk', bus: 'virtio', format: 'qcow2', source: { kind: 'file', path: '' }, backingChain: [], readonly: false, serial: null, alias: null });
const file = (target: string, tokens: string[]): FileDiskState => ({
  kind: 'file',
  disk: disk(target),
  overlays: tokens.map((t) => ({ path: `/i/${target}.bsk-${t}`, token: t })),
  original: { path: `/i/${target}`, format: 'qcow2' },
});
const rbd = (target: string, tokens: string[]): RbdDiskState => ({
  kind: 'rbd',
  disk: disk(target),
  pool: 'volumes',
  image: `volume-${target}`,
  user: 'cinder',
  snapshots: tokens.map((t) => ({ name: `backstack-${t}`, token: t })),
});
const p = (target: string, t: string) => `/i/${target}.bsk-${t}`;

// Two installations: A (this one) and B; tokens named after who made them.
const A = 'aaaaaaaaaaaa';
const B = 'bbbbbbbbbbbb';
const at = new Date('2026-12-03T01:02:03Z');
const tok = (inst: string, job: string) => newToken({ installation: inst, jobId: job }, at, 0.5);
const a1 = tok(A, '11111111-aaaa');
const a2 = tok(A, '22222222-aaaa');
const aRun = tok(A, '33333333-aaaa');
const b1 = tok(B, '44444444-bbbb');
const ctx = (keptToken: string | null, keptDisks: string[] = ['vda', 'vdb'], running: string[] = ['33333333']): RepairContext => ({
  installation: A,
  isJobRunning: (j) => running.includes(j),
  keptToken,
  keptDisks,
});

describe('tokens and names', () => {
  it('name the installation, the job and the time, and stay safe as file names', () => {
    expect(a1).toMatch(/^aaaaaaaaaaaa-11111111-20261203010203[0-9a-z]{4}$/);
    expect(tokenOrigin(a1)).toEqual({ installation: A, job: '11111111', at });
    expect(tokenOfOverlay(overlayPath(file('vda', []), a1))).toBe(a1);
    expect(tokenOfRbdSnap(`backstack-${b1}`)).toBe(b1);
    expect(tokenOfOverlay('/i/disk.bsk-$(rm)')).toBeNull();
    expect(tokenOfOverlay('/i/disk.bsk-aaaaaaaaaaaa-1111/../x')).toBeNull();
    expect(tokenOfOverlay('/i/disk')).toBeNull();
    expect(jobTag('9F2C-1')).toBe('9f2c1000');
    expect(() => newToken({ installation: 'not-hex', jobId: 'x' })).toThrow();
  });

  it('still read the tokens of earlier versions, as this installation\'s', () => {
    expect(tokenOfOverlay('/i/disk.bsk-20261126131438abcd')).toBe('20261126131438abcd');
    expect(tokenOrigin('20261126131438abcd')).toEqual({ installation: null, job: null, at: null });
    expect(roleOf('20261126131438abcd', 'vda', ctx(null))).toBe('leftover');
    expect(roleOf('20261126131438abcd', 'vda', ctx('20261126131438abcd'))).toBe('kept');
  });

  it('tell kept, leftover, running and foreign apart', () => {
    expect(roleOf(a1, 'vda', ctx(a1))).toBe('kept');
    expect(roleOf(a1, 'vdc', ctx(a1))).toBe('leftover'); // kept for other disks only
    expect(roleOf(aRun, 'vda', ctx(a1))).toBe('running');
    expect(roleOf(b1, 'vda', ctx(b1))).toBe('foreign'); // never ours, whatever our manifest says
    expect(describeToken(b1, 'foreign')).toBe('installation bbbbbbbbbbbb keeps a snapshot of this disk since 2026-12-03 01:02:03 UTC (job 44444444)');
  });
});

describe('mergeEach', () => {
  it('merges each layer into the image directly below it, contiguous ones in one job', () => {
    const chain = ['/t', '/x', '/y', '/f', '/z', '/o'];
    expect(mergeEach('vda', chain, new Set(['/t', '/x', '/z']))).toEqual([
      { kind: 'activeCommit', target: 'vda', base: '/y', remove: ['/t', '/x'] },
      { kind: 'commitBelow', target: 'vda', top: '/z', base: '/o', remove: ['/z'] },
    ]);
    expect(mergeEach('vda', chain, new Set(['/o']))).toEqual([]); // the original is never merged
  });
});

describe('planRepair, one installation', () => {
  it('keeps the overlay and snapshot of the last backup', () => {
    const { actions, verdicts } = planRepair([file('vda', [a1]), rbd('vdb', [a1])], ctx(a1));
    expect(actions).toEqual([]);
    expect(verdicts.map((v) => [v.keptValid, v.keepNew, v.kept])).toEqual([[true, true, a1], [true, true, a1]]);
  });

  it('merges a crashed run\'s overlay on top of the kept one into the kept one, which stays valid', () => {
    const { actions, verdicts } = planRepair([file('vda', [a2, a1])], ctx(a1));
    expect(actions).toEqual([{ kind: 'activeCommit', target: 'vda', base: p('vda', a1), remove: [p('vda', a2)] }]);
    expect(verdicts[0]).toMatchObject({ keptValid: true, repaired: [expect.stringMatching(/job 22222222 of this installation left a snapshot/)] });
  });

  it('merges overlays left below the kept one (a run that died after its commit) into Nova\'s file', () => {
    const { actions, verdicts } = planRepair([file('vda', [a2, a1])], ctx(a2));
    expect(actions).toEqual([{ kind: 'commitBelow', target: 'vda', top: p('vda', a1), base: '/i/vda', remove: [p('vda', a1)] }]);
    expect(verdicts[0]!.keptValid).toBe(true);
  });

  it('merges earlier versions\' leftovers and says the kept snapshot is gone', () => {
    const legacy = '20261126131438abcd';
    const { actions, verdicts } = planRepair([file('vda', [legacy]), rbd('vdb', [legacy])], ctx(a1));
    expect(actions).toEqual([
      { kind: 'activeCommit', target: 'vda', base: '/i/vda', remove: [p('vda', legacy)] },
      { kind: 'rbdSnapRemove', target: 'vdb', pool: 'volumes', image: 'volume-vdb', user: 'cinder', snapshot: `backstack-${legacy}` },
    ]);
    expect(verdicts.map((v) => v.keptValid)).toEqual([false, false]);
    expect(verdicts[1]!.reason).toMatch(/gone/);
  });

  it('never touches the snapshot of a job of ours that is still running; ours then is not on top', () => {
    const { actions, verdicts } = planRepair([file('vda', [aRun, a1]), rbd('vdb', [aRun, a1])], ctx(a1));
    expect(actions).toEqual([]);
    expect(verdicts[0]).toMatchObject({ keptValid: false, keepNew: false, kept: null, reason: expect.stringMatching(/job 33333333 of this installation, still running/) });
    // the running job merges or removes the kept one when it ends; an RBD incremental may still diff from it
    expect(verdicts[1]).toMatchObject({ keptValid: true, keepNew: true, kept: null });
  });

  it('logs the repair of leftovers as information, naming what was merged or removed and what was left alone', () => {
    const { verdicts } = planRepair([file('vda', [a2, a1]), rbd('vdb', [b1, a2, a1])], ctx(a1));
    const log = repairLog(verdicts);
    expect(log.map((e) => e.level)).toEqual(['info', 'info']);
    expect(log[0]!.message).toMatch(/^Disk vdb: RBD snapshot backstack-bbbbbbbbbbbb-44444444-\S+: installation bbbbbbbbbbbb keeps a snapshot of this disk since 2026-12-03 01:02:03 UTC \(job 44444444\); left as it is\.$/);
    expect(log[1]!.message).toMatch(
      /^Cleaning up what earlier runs of this installation left on the hypervisor: vda: overlay vda\.bsk-\S+ \(job 22222222 of this installation left a snapshot at 2026-12-03 01:02:03 UTC\) merged into the image below it; vdb: RBD snapshot backstack-\S+ \(job 22222222 .*\) removed\.$/,
    );
    // nothing to repair, nothing to say
    expect(repairLog(planRepair([file('vda', [a1])], ctx(a1)).verdicts)).toEqual([]);
  });

  it('does nothing on a clean disk the last backup did not keep anything for', () => {
    const { actions, verdicts } = planRepair([file('vdc', []) as DiskState], ctx(a1));
    expect(actions).toEqual([]);
    expect(verdicts[0]).toMatchObject({ keptValid: false, keepNew: true, reason: expect.stringMatching(/no snapshot was kept/) });
  });
});

describe('planRepair, two installations', () => {
  it('leaves the other installation\'s overlay and RBD snapshot alone: a full backup, not kept on the file disk', () => {
    const { actions, verdicts } = planRepair([file('vda', [b1]), rbd('vdb', [b1])], ctx(null));
    expect(actions).toEqual([]);
    expect(verdicts[0]).toMatchObject({ keptValid: false, keepNew: false, reason: expect.stringContaining(`installation ${B} keeps a snapshot of this disk since 2026-12-03 01:02:03 UTC`) });
    expect(verdicts[0]!.others).toEqual([expect.stringContaining(`overlay vda.bsk-${b1}: installation ${B}`)]);
    expect(verdicts[1]).toMatchObject({ keptValid: false, keepNew: true, others: [expect.stringContaining(`RBD snapshot backstack-${b1}`)] });
  });

  it('diffs from its own RBD snapshot beside the other\'s; its kept overlay under the other\'s is not usable', () => {
    const { actions, verdicts } = planRepair([file('vda', [b1, a1]), rbd('vdb', [b1, a1])], ctx(a1));
    expect(actions).toEqual([]);
    expect(verdicts[0]).toMatchObject({ keptValid: false, keepNew: false, reason: expect.stringContaining(`installation ${B} keeps`) });
    expect(verdicts[1]).toMatchObject({ keptValid: true, keepNew: true });
  });

  it('uses its kept overlay on top of the other\'s, and keeps the next', () => {
    const { actions, verdicts } = planRepair([file('vda', [a1, b1])], ctx(a1));
    expect(actions).toEqual([]);
    expect(verdicts[0]).toMatchObject({ keptValid: true, keepNew: true });
  });

  it('merges its own leftovers into the image directly below them, never past the other\'s layer', () => {
    // top: our leftover, then B's kept, then our leftover, then Nova's file
    const { actions, verdicts } = planRepair([file('vda', [a2, b1, a1]), rbd('vdb', [a2, b1])], ctx(null));
    expect(actions).toEqual([
      { kind: 'activeCommit', target: 'vda', base: p('vda', b1), remove: [p('vda', a2)] },
      { kind: 'commitBelow', target: 'vda', top: p('vda', a1), base: '/i/vda', remove: [p('vda', a1)] },
      { kind: 'rbdSnapRemove', target: 'vdb', pool: 'volumes', image: 'volume-vdb', user: 'cinder', snapshot: `backstack-${a2}` },
    ]);
    expect(verdicts[0]!.keepNew).toBe(false);
  });
});

describe('after the run', () => {
  const n = tok(A, '55555555-aaaa');
  it('on success merges the previous kept overlay into the image below it and keeps the new one', () => {
    const s = file('vda', [a1]);
    expect(frozenImage(s)).toEqual({ path: p('vda', a1), format: 'qcow2' });
    expect(planAfterSuccess(s, n, { keepNew: true, previous: a1 })).toEqual([{ kind: 'commitBelow', target: 'vda', top: p('vda', a1), base: '/i/vda', remove: [p('vda', a1)] }]);
    // the same from the chain read after the snapshot
    expect(planAfterSuccess(file('vda', [n, a1]), n, { keepNew: true, previous: a1 })).toEqual(planAfterSuccess(s, n, { keepNew: true, previous: a1 }));
    expect(planAfterSuccess(file('vda', []), n, { keepNew: false, previous: null })).toEqual([{ kind: 'activeCommit', target: 'vda', base: '/i/vda', remove: [p('vda', n)] }]);
    expect(planAfterSuccess(rbd('vdb', [a1, b1]), n, { keepNew: true, previous: a1 }).map((a) => (a.kind === 'rbdSnapRemove' ? a.snapshot : a.kind))).toEqual([`backstack-${a1}`]);
  });

  it('with the other\'s overlay on top: ours merged into theirs is not kept, our old one goes into the image below it', () => {
    // B's overlay on top of our old kept one: full backup, our new overlay into B's, ours into Nova's file
    expect(planAfterSuccess(file('vda', [n, b1, a1]), n, { keepNew: false, previous: a1 })).toEqual([
      { kind: 'activeCommit', target: 'vda', base: p('vda', b1), remove: [p('vda', n)] },
      { kind: 'commitBelow', target: 'vda', top: p('vda', a1), base: '/i/vda', remove: [p('vda', a1)] },
    ]);
    // our kept overlay on top of B's: incremental, the previous merged into B's, the new kept
    expect(planAfterSuccess(file('vda', [n, a1, b1]), n, { keepNew: true, previous: a1 })).toEqual([{ kind: 'commitBelow', target: 'vda', top: p('vda', a1), base: p('vda', b1), remove: [p('vda', a1)] }]);
    // a shared destination's latest backup may be the other's: its kept snapshot is never ours to remove
    const v = planRepair([rbd('vdb', [b1])], ctx(b1)).verdicts[0]!;
    expect(v).toMatchObject({ kept: null, keptValid: false });
    expect(planAfterSuccess(rbd('vdb', [b1]), n, { keepNew: true, previous: v.kept })).toEqual([]);
  });

  it('on failure merges only the new overlay, into the image directly below it, so every kept snapshot still works', () => {
    expect(planAfterFailure(file('vda', [a1]), n)).toEqual([{ kind: 'activeCommit', target: 'vda', base: p('vda', a1), remove: [p('vda', n)] }]);
    expect(planAfterFailure(file('vda', [n, b1]), n)).toEqual([{ kind: 'activeCommit', target: 'vda', base: p('vda', b1), remove: [p('vda', n)] }]);
    // another's snapshot landed on ours at the same instant: ours goes into the image below it, theirs stays
    expect(planAfterFailure(file('vda', [b1, n, a1]), n)).toEqual([{ kind: 'commitBelow', target: 'vda', top: p('vda', n), base: p('vda', a1), remove: [p('vda', n)] }]);
    expect(planAfterFailure(rbd('vdb', [a1]), n)).toEqual([{ kind: 'rbdSnapRemove', target: 'vdb', pool: 'volumes', image: 'volume-vdb', user: 'cinder', snapshot: `backstack-${n}` }]);
  });
});
