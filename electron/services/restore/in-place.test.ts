import { describe, expect, it } from 'vitest';
import type { DomainDisk } from '../../transfer/libvirt-ssh';
import type { InstanceBackupMetadata } from './backup-metadata';
import { matchDisks } from './in-place';

const GiB = 1024 ** 3;
const backup = {
  disks: [
    { target: 'vda', bus: 'virtio', kind: 'file', format: 'qcow2', serial: null, size: GiB, path: '/var/lib/nova/instances/s/disk' },
    { target: 'vdb', bus: 'virtio', kind: 'rbd', format: 'raw', serial: 'vol-1', size: GiB, pool: 'volumes', image: 'volume-vol-1', rbdUser: 'cinder' },
  ],
} as unknown as InstanceBackupMetadata;

const disk = (target: string, source: DomainDisk['source'], format: string | null, device = 'disk', backingChain: DomainDisk['backingChain'] = []): DomainDisk => ({
  target,
  device,
  bus: 'virtio',
  format,
  source,
  backingChain,
  readonly: false,
  serial: null,
  alias: null,
});

describe('the disks a restore in place writes', () => {
  it("pairs each disk of the restore point with the instance's disk of the same name: Nova's own file below any snapshot overlay (what Nova boots), RBD images as they are", () => {
    const token = 'a1b2c3d4e5f6-job00001-20261203101500abcd';
    const domain = [
      disk('vda', { kind: 'file', path: `/var/lib/nova/instances/s/disk.bsk-${token}` }, 'qcow2', 'disk', [
        { source: { kind: 'file', path: '/var/lib/nova/instances/s/disk' }, format: 'qcow2' },
        { source: { kind: 'file', path: '/var/lib/nova/instances/_base/abc' }, format: 'raw' },
      ]),
      disk('vdb', { kind: 'rbd', pool: 'volumes', image: 'volume-vol-1', snapshot: null, user: 'cinder' }, null),
      disk('hdd', { kind: 'file', path: '/var/lib/nova/instances/s/disk.config' }, 'raw', 'cdrom'),
    ];
    const { planned, problems } = matchDisks(backup, undefined, domain, 'web-1');
    expect(problems).toEqual([]);
    expect(planned.map((p) => p.overlays)).toEqual([[`/var/lib/nova/instances/s/disk.bsk-${token}`], []]);
    expect(planned.map((p) => [p.disk.target, p.live])).toEqual([
      ['vda', { source: { kind: 'file', path: '/var/lib/nova/instances/s/disk' }, format: 'qcow2', overlayAbove: token }],
      ['vdb', { source: { kind: 'rbd', pool: 'volumes', image: 'volume-vol-1', snapshot: null, user: 'cinder' }, format: 'raw' }],
    ]);
  });

  it('says every reason it cannot, before anything is stopped: a disk the restore point lacks, one the instance lacks, a block device', () => {
    const domain = [disk('vda', { kind: 'block', path: '/dev/mapper/vg-disk' }, 'raw')];
    const { planned, problems } = matchDisks(backup, ['vda', 'vdb', 'vdz'], domain, 'web-1 (s)');
    expect(planned).toEqual([]);
    expect(problems).toEqual([
      'Disk vda of web-1 (s) is a block device (/dev/mapper/vg-disk): it cannot be restored in place (files and Ceph RBD images can). Run a full restore instead.',
      'web-1 (s) has no disk vdb on its hypervisor: restore that disk as a volume instead (backstack restore volume).',
      'The restore point has no disk vdz: its disks are vda, vdb.',
    ]);
  });
});
