import { beforeAll, describe, expect, it } from 'vitest';
import type { BackupView } from '../../../../shared/domain/backups';
import type { ProviderView } from '../../../../shared/domain/providers';
import type { RunAction } from '../../api/actions';
import { failure, fakeApi } from '../../api/testing/fake-api';
import { providerActions } from './provider-actions';

// The question "Remove cloud?" names what happens to the cloud's restore points, counted from the catalog.
const f = fakeApi();
beforeAll(() => {
  // The client takes window.api when there is one (the desktop app's preload); here, the fake.
  (globalThis as { window?: unknown }).window = { api: f.api };
});

const cloud = { id: 'p-1', name: 'prod', authUrl: 'https://keystone.example.org:5000/v3', region: 'RegionOne' } as ProviderView;
const point = (id: string) => ({ id, providerId: 'p-1' }) as BackupView;
const edited: ProviderView[] = [];
const actions = providerActions((p) => edited.push(p));
const remove = actions.find((a) => a.id === 'remove') as RunAction<ProviderView>;
const question = async () => (await remove.confirm!([cloud])).message;

describe('removing a cloud asks', () => {
  it('naming how many restore points it has, that they stay, and what still restores them', async () => {
    f.script('backups.list', { items: [point('a'), point('b'), point('c')] });
    const q = await question();
    expect(q).toContain('Its 3 restore points stay in their destinations and in the catalog: nothing is deleted');
    expect(q).toContain('backstack destination folder disk-restore');
    expect(q).toContain(`They can be restored as instances again once the same cloud (Keystone URL ${cloud.authUrl}, region ${cloud.region}) is added again`);
    expect(q).toContain('To change its credentials or certificate, edit it instead');
    expect(f.callsOf('backups.list').at(-1)?.input).toEqual({ providerId: 'p-1' });
  });

  it('in the singular for one, and saying so when there is none', async () => {
    f.script('backups.list', { items: [point('a')] });
    const one = await question();
    expect(one).toContain('Its 1 restore point stays in its destination and in the catalog');
    expect(one).toContain('its disks can still be restored to files');
    expect(one).toContain('It can be restored as instances again once the same cloud');
    f.script('backups.list', { items: [] });
    expect(await question()).toContain('No restore point of it is in the catalog.');
  });

  it('without a guess when the count fails', async () => {
    f.script('backups.list', failure({ message: 'catalog busy' }));
    expect(await question()).toContain('Its restore points, if any, stay in their destinations.');
  });

  it('and Edit opens the wizard on the cloud instead of running anything', () => {
    const edit = actions.find((a) => a.id === 'edit')!;
    expect(edit.open).toBeDefined();
    edit.open!([cloud]);
    expect(edited).toEqual([cloud]);
  });
});
