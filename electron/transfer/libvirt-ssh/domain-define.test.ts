import { describe, expect, it } from 'vitest';
import { checkDomainName, rewriteDomainXml } from './domain-define';
import { parseDomainXml } from './domain-xml';

const XML = `<domain type='qemu'>
  <name>instance-00000002</name>
  <uuid>9248a3a4-d189-4af6-a527-d1dc976db125</uuid>
  <memory unit='KiB'>262144</memory>
  <sysinfo type='smbios'><system><entry name='manufacturer'>OpenStack Foundation</entry><entry name='serial'>9248a3a4-d189-4af6-a527-d1dc976db125</entry><entry name='uuid'>9248a3a4-d189-4af6-a527-d1dc976db125</entry></system></sysinfo>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='/i/9248/disk.bsk-20261126131438hpr7'/>
      <backingStore type='file'><format type='qcow2'/><source file='/i/9248/disk'/></backingStore>
      <target dev='vda' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>
    </disk>
    <disk type='network' device='disk'>
      <driver name='qemu' type='raw' cache='none' discard='unmap'/>
      <auth username='cinder'><secret type='ceph' uuid='e1d6'/></auth>
      <source protocol='rbd' name='volumes/volume-1d7a'><host name='127.0.0.1' port='6789'/></source>
      <target dev='vdb' bus='virtio'/>
      <serial>1d7a</serial>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/i/9248/disk.eph0'/>
      <target dev='vdc' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <source file='/i/9248/disk.config'/>
      <target dev='hda' bus='ide'/>
      <readonly/>
    </disk>
    <interface type='ethernet'><mac address='fa:16:3e:6d:ca:b2'/><target dev='tape899be4e-74'/></interface>
  </devices>
</domain>`;

describe('rewriteDomainXml', () => {
  const out = rewriteDomainXml(XML, "restored 'web' & co", [
    { target: 'vda', source: { kind: 'file', path: '/i/restored/vda.qcow2' }, format: 'qcow2' },
    { target: 'vdb', source: { kind: 'rbd', pool: 'volumes', image: 'backstack-restored-vdb', snapshot: null, user: 'cinder' }, format: 'raw' },
  ], '11111111-2222-3333-4444-555555555555');
  const d = parseDomainXml(out);

  it('renames the domain, gives it a new UUID (SMBIOS included) and drops its network interfaces', () => {
    expect(d.name).toBe("restored 'web' & co");
    expect(d.uuid).toBe('11111111-2222-3333-4444-555555555555');
    expect(out).not.toContain('9248a3a4');
    expect(out).toContain('OpenStack Foundation');
    expect(out).not.toContain('<interface');
  });

  it('points each restored disk at its new image without the old backing chain', () => {
    expect(d.disks.map((x) => [x.target, x.source.kind, x.format])).toEqual([
      ['vda', 'file', 'qcow2'],
      ['vdb', 'rbd', 'raw'],
    ]);
    expect(d.disks[0]!.source).toEqual({ kind: 'file', path: '/i/restored/vda.qcow2' });
    expect(d.disks[0]!.backingChain).toEqual([]);
    expect(d.disks[1]!.source).toEqual({ kind: 'rbd', pool: 'volumes', image: 'backstack-restored-vdb', snapshot: null, user: 'cinder' });
    expect(out).toContain("port=\"6789\"");
    expect(d.disks[1]!.serial).toBe('1d7a');
  });

  it('leaves out disks the backup does not hold (excluded, the config drive)', () => {
    expect(d.disks.some((x) => x.target === 'vdc')).toBe(false);
  });
});

describe('checkDomainName', () => {
  it('refuses what libvirt would refuse after the disks were written, and takes shell metacharacters as they are', () => {
    expect(() => checkDomainName('a/b')).toThrow(/may not contain "\/"\. Choose another name; nothing was written/);
    expect(() => checkDomainName('web\n1')).toThrow(/control characters/);
    expect(() => checkDomainName(`bsk 'restored' $(touch x); "y"`)).not.toThrow();
  });
});
