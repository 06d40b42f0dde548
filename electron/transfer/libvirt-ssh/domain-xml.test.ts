import { describe, expect, it } from 'vitest';
import { describeSource, parseDomainXml } from './domain-xml';
import { backupCandidates, fileDiskState } from './disk-state';

// Shaped like `virsh dumpxml` of a Nova instance on the lab's lab-kvm-1, while a kept overlay is active.
const XML = `<domain type='qemu' id='4'>
  <name>instance-00000002</name>
  <uuid>9248a3a4-d189-4af6-a527-d1dc976db125</uuid>
  <metadata>
    <nova:instance xmlns:nova="http://openstack.org/xmlns/libvirt/nova/1.1">
      <nova:name>demo web &amp; "friends"</nova:name>
    </nova:instance>
  </metadata>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='/var/lib/nova/instances/9248/disk.bsk-20261126131438hpr7' index='4'/>
      <backingStore type='file' index='2'>
        <format type='qcow2'/>
        <source file='/var/lib/nova/instances/9248/disk'/>
        <backingStore type='file' index='3'>
          <format type='raw'/>
          <source file='/var/lib/nova/instances/_base/caa7b6de'/>
          <backingStore/>
        </backingStore>
      </backingStore>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='network' device='disk'>
      <driver name='qemu' type='raw' cache='none' discard='unmap'/>
      <auth username='cinder'><secret type='ceph' uuid='e1d6'/></auth>
      <source protocol='rbd' name='volumes/volume-1d7a' index='1'><host name='127.0.0.1' port='6789'/></source>
      <target dev='vdb' bus='virtio'/>
      <serial>1d7a</serial>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/nova/instances/9248/disk.config'/>
      <target dev='hda' bus='ide'/>
      <readonly/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file="/srv/it's a \`$(name)\`; x/disk"/>
      <target dev='vdc' bus='virtio'/>
    </disk>
  </devices>
</domain>`;

describe('parseDomainXml', () => {
  const d = parseDomainXml(XML);

  it('reads the identity and every disk with its source', () => {
    expect(d.name).toBe('instance-00000002');
    expect(d.uuid).toBe('9248a3a4-d189-4af6-a527-d1dc976db125');
    expect(d.novaName).toBe('demo web & "friends"');
    expect(d.disks.map((x) => [x.target, x.device, x.format])).toEqual([
      ['vda', 'disk', 'qcow2'],
      ['vdb', 'disk', 'raw'],
      ['hda', 'cdrom', 'raw'],
      ['vdc', 'disk', 'raw'],
    ]);
    expect(d.disks[1]!.source).toEqual({ kind: 'rbd', pool: 'volumes', image: 'volume-1d7a', snapshot: null, user: 'cinder' });
    expect(d.disks[1]!.serial).toBe('1d7a');
    expect(d.disks[2]!.readonly).toBe(true);
    expect(describeSource(d.disks[3]!.source)).toBe("/srv/it's a `$(name)`; x/disk");
  });

  it('follows the backing chain libvirt reports', () => {
    expect(d.disks[0]!.backingChain.map((c) => [describeSource(c.source), c.format])).toEqual([
      ['/var/lib/nova/instances/9248/disk', 'qcow2'],
      ['/var/lib/nova/instances/_base/caa7b6de', 'raw'],
    ]);
  });

  it('backs up guest disks only, and finds our overlay above Nova\'s file', () => {
    expect(backupCandidates(d).map((x) => x.target)).toEqual(['vda', 'vdb', 'vdc']);
    const s = fileDiskState(d.disks[0]!);
    expect(s.overlays).toEqual([{ path: '/var/lib/nova/instances/9248/disk.bsk-20261126131438hpr7', token: '20261126131438hpr7' }]);
    expect(s.original).toEqual({ path: '/var/lib/nova/instances/9248/disk', format: 'qcow2' });
    expect(fileDiskState(d.disks[3]!).overlays).toEqual([]);
  });

  it('refuses what is not a domain', () => {
    expect(() => parseDomainXml('<network/>')).toThrow(/domain/);
  });
});
