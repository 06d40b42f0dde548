import { describe, expect, it } from 'vitest';
import type { BackupView } from '../../../../shared/domain/backups';
import type { ResourceItem } from '../../../../shared/domain/inventory';
import { inScope } from '../../stores/inventory.store';
import { attachedText, volumeRows, type CloudVolumes } from './volume-rows';

const volume = (id: string, name: string, projectId: string, attachedTo: { serverId: string; device: string | null }[] = []): ResourceItem => ({
  id,
  name,
  projectId,
  vanishedAt: null,
  data: {
    id,
    name,
    status: attachedTo.length ? 'in-use' : 'available',
    sizeGb: 2,
    volumeType: 'ceph-rbd',
    backend: 'ceph',
    bootable: false,
    projectId,
    attachedTo,
  },
});
const project = (id: string, name: string, domainId: string): ResourceItem => ({
  id,
  name,
  projectId: id,
  vanishedAt: null,
  data: { id, name, domainId, enabled: true },
});
const point = (resourceId: string, resourceKind: BackupView['resourceKind'], createdAt: string) =>
  ({ id: `${resourceId}@${createdAt}`, resourceId, resourceKind, createdAt }) as BackupView;

const cloud = (backups: BackupView[]): CloudVolumes => ({
  providerId: 'c1',
  providerName: 'prod',
  volumes: [volume('v-data', 'data', 'p-demo', [{ serverId: 's-web', device: '/dev/vdb' }]), volume('v-db', 'db', 'p-acme')],
  projects: [project('p-demo', 'demo', 'default'), project('p-acme', 'acme-prod', 'd-acme')],
  backups,
});
const names = (providerId: string, serverId: string) => (providerId === 'c1' && serverId === 's-web' ? 'web-1' : null);

describe('the Volumes view', () => {
  it('says a volume was never backed up until a restore point of it on its own exists, then gives the newest', () => {
    const backups = [
      point('v-db', 'volume', '2026-12-01T08:00:00.000Z'),
      point('v-db', 'volume', '2026-12-03T08:00:00.000Z'),
      point('v-db', 'volume', '2026-12-02T08:00:00.000Z'),
      // an instance's restore point whose id happens to be the attached volume's: not the volume's own backup
      point('v-data', 'instance', '2026-12-04T08:00:00.000Z'),
    ];
    const rows = volumeRows(cloud(backups), names);
    expect(rows.map((r) => [r.name, r.lastBackupAt])).toEqual([
      ['data', null],
      ['db', '2026-12-03T08:00:00.000Z'],
    ]);
  });

  it('names the instance a volume is attached to, its device, the project and its domain (for the tree)', () => {
    const [data, db] = volumeRows(cloud([]), names);
    expect(attachedText(data!)).toBe('web-1 (/dev/vdb)');
    expect(attachedText(db!)).toBe('');
    expect([db!.projectName, db!.domainId, db!.sizeGb, db!.status]).toEqual(['acme-prod', 'd-acme', 2, 'available']);
    const acme = { kind: 'domain' as const, providerId: 'c1', id: 'd-acme', name: 'acme' };
    expect(
      volumeRows(cloud([]), names)
        .filter((v) => inScope(v, acme))
        .map((v) => v.name),
    ).toEqual(['db']);
  });

  it('lists a volume whose stored data it cannot read, with what it knows, rather than hiding it', () => {
    const odd = { ...cloud([]), volumes: [{ id: 'v-x', name: 'odd', projectId: 'p-demo', vanishedAt: null, data: { sizeGb: 'big' } }] };
    const [row] = volumeRows(odd, names);
    expect(row).toMatchObject({ id: 'v-x', name: 'odd', status: 'unknown', sizeGb: null, projectName: 'demo', attachedTo: [] });
  });
});
