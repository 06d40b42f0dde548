import { describe, expect, it } from 'vitest';
import type { DomainDisk } from './domain-xml';
import { frozenImage, newToken, overlayPath, planAfterFailure, planAfterSuccess, planRepair, tokenOfOverlay, type DiskState, type FileDiskState, type RbdDiskState } from './disk-state';

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

describe('tokens and names', () => {
  it('makes tokens that sort by time and name overlays after the original', () => {
    const t = newToken(new Date('2026-11-26T13:14:38.123Z'), 0.5);
    expect(t).toMatch(/^20261126131438[0-9a-z]{4}$/);
    expect(tokenOfOverlay(overlayPath(file('vda', []), t))).toBe(t);
    expect(tokenOfOverlay('/i/disk.bsk-$(rm)')).toBeNull();
    expect(tokenOfOverlay('/i/disk')).toBeNull();
  });
});

describe('planRepair', () => {
  it('keeps the overlay and snapshot of the last backup', () => {
    const { actions, verdicts } = planRepair([file('vda', ['aaaaaa01']), rbd('vdb', ['aaaaaa01'])], 'aaaaaa01', ['vda', 'vdb']);
    expect(actions).toEqual([]);
    expect(verdicts.every((v) => v.keptValid)).toBe(true);
  });

  it('merges everything back into Nova\'s file when the top overlay is not the kept one', () => {
    const { actions, verdicts } = planRepair([file('vda', ['bbbbbb02', 'aaaaaa01'])], 'aaaaaa01', ['vda']);
    expect(actions).toEqual([{ kind: 'activeCommit', target: 'vda', base: '/i/vda', remove: ['/i/vda.bsk-bbbbbb02', '/i/vda.bsk-aaaaaa01'] }]);
    expect(verdicts[0]).toMatchObject({ keptValid: false, reason: expect.stringMatching(/interrupted/) });
  });

  it('merges overlays left below the kept one (a run that died after its commit)', () => {
    const { actions, verdicts } = planRepair([file('vda', ['bbbbbb02', 'aaaaaa01'])], 'bbbbbb02', ['vda']);
    expect(actions).toEqual([{ kind: 'commitBelow', target: 'vda', top: '/i/vda.bsk-aaaaaa01', base: '/i/vda', remove: ['/i/vda.bsk-aaaaaa01'] }]);
    expect(verdicts[0]!.keptValid).toBe(true);
  });

  it('removes stray RBD snapshots and says why an incremental is impossible', () => {
    const { actions, verdicts } = planRepair([rbd('vdb', ['cccccc03'])], 'aaaaaa01', ['vdb']);
    expect(actions).toEqual([{ kind: 'rbdSnapRemove', target: 'vdb', pool: 'volumes', image: 'volume-vdb', user: 'cinder', snapshot: 'backstack-cccccc03' }]);
    expect(verdicts[0]).toMatchObject({ keptValid: false, reason: expect.stringMatching(/gone/) });
  });

  it('does nothing on a clean disk the last backup did not keep anything for', () => {
    const { actions, verdicts } = planRepair([file('vdc', []) as DiskState], 'aaaaaa01', ['vda']);
    expect(actions).toEqual([]);
    expect(verdicts[0]).toMatchObject({ keptValid: false, reason: expect.stringMatching(/no snapshot was kept/) });
  });
});

describe('after the run', () => {
  it('on success merges the previous kept overlay and keeps the new one', () => {
    const s = file('vda', ['aaaaaa01']);
    expect(frozenImage(s)).toEqual({ path: '/i/vda.bsk-aaaaaa01', format: 'qcow2' });
    expect(planAfterSuccess(s, 'bbbbbb02', true)).toEqual([{ kind: 'commitBelow', target: 'vda', top: '/i/vda.bsk-aaaaaa01', base: '/i/vda', remove: ['/i/vda.bsk-aaaaaa01'] }]);
    expect(planAfterSuccess(file('vda', []), 'bbbbbb02', false)).toEqual([{ kind: 'activeCommit', target: 'vda', base: '/i/vda', remove: ['/i/vda.bsk-bbbbbb02'] }]);
    expect(planAfterSuccess(rbd('vdb', ['aaaaaa01']), 'bbbbbb02', true).map((a) => (a.kind === 'rbdSnapRemove' ? a.snapshot : a.kind))).toEqual(['backstack-aaaaaa01']);
  });

  it('on failure merges only the new overlay, into the kept one, so the next incremental still works', () => {
    expect(planAfterFailure(file('vda', ['aaaaaa01']), 'bbbbbb02')).toEqual([{ kind: 'activeCommit', target: 'vda', base: '/i/vda.bsk-aaaaaa01', remove: ['/i/vda.bsk-bbbbbb02'] }]);
    expect(planAfterFailure(rbd('vdb', ['aaaaaa01']), 'bbbbbb02')).toEqual([{ kind: 'rbdSnapRemove', target: 'vdb', pool: 'volumes', image: 'volume-vdb', user: 'cinder', snapshot: 'backstack-bbbbbb02' }]);
  });
});
