import { describe, expect, it } from 'vitest';
import type { InstanceSummary } from '../../../../shared/domain/inventory';
import { defaultGuestFolder, guestFolderProblem, instanceChoices } from './restore-into-instance';

const inst = (id: string, name: string, o: Partial<InstanceSummary> = {}): InstanceSummary => ({
  id,
  name,
  projectId: 'p-demo',
  projectName: 'demo',
  domainId: 'default',
  status: 'ACTIVE',
  host: 'compute-1',
  availabilityZone: 'nova',
  tags: [],
  providerId: 'lab',
  providerName: 'lab',
  flavorName: 'm1.tiny',
  ips: [],
  diskCount: 1,
  lastBackupAt: null,
  policyName: null,
  vanishedAt: null,
  ...o,
});

describe('the restore-into-instance dialog', () => {
  it("offers the restore point's own instance first, then the others by name; gone ones left out, stopped ones said", () => {
    const items = [inst('s-b', 'beta'), inst('s-web', 'demo-web-1'), inst('s-a', 'alpha', { status: 'SHUTOFF' }), inst('s-gone', 'gone', { vanishedAt: '2026-01-01T00:00:00Z' })];
    const c = instanceChoices(items, { providerId: 'lab', id: 's-web' });
    expect(c.map((x) => x.label)).toEqual(['demo-web-1 · demo · lab — backed up here', 'alpha · demo · lab (SHUTOFF)', 'beta · demo · lab']);
    expect(c.map((x) => [x.value, x.running, x.own])).toEqual([['lab s-web', true, true], ['lab s-a', false, false], ['lab s-b', true, false]]);
  });

  it('puts the selection back into the folder it came from; a folder restored whole into its parent', () => {
    expect(defaultGuestFolder(['/etc/hostname', '/etc/nginx'], '/etc')).toBe('/etc');
    expect(defaultGuestFolder(['/etc/nginx'], '/etc/nginx')).toBe('/etc');
    expect(defaultGuestFolder(['/etc'], '/etc')).toBe('/');
    expect(defaultGuestFolder(['/'], '/')).toBe('');
  });

  it('takes only whole guest paths without . or ..', () => {
    expect(guestFolderProblem('/root/restored')).toBeNull();
    expect(guestFolderProblem('root')).toBe('Give the whole path, from / in the guest.');
    expect(guestFolderProblem('/srv/../etc')).toBe('Without "." or "..".');
    expect(guestFolderProblem('/', true)).toBe("A whole file system goes into a folder, never over the guest's /.");
    expect(guestFolderProblem('/srv/old-root', true)).toBeNull();
  });
});
