import { afterEach, describe, expect, it } from 'vitest';
import { ProviderClient } from '../core/provider-client';
import { standardCloud } from '../testing/fixtures';
import type { MockCloud } from '../testing/mock-cloud';
import { getImage, listImages } from './images';

let cloud: MockCloud;
afterEach(async () => {
  await cloud?.close();
});

describe('images', () => {
  it('separates custom properties from standard fields', async () => {
    cloud = standardCloud();
    const p = new ProviderClient(cloud.providerOptions());
    const [cirros, golden] = await listImages(await p.image()).all();
    expect(cirros).toMatchObject({
      id: 'img-cirros',
      name: 'cirros',
      status: 'active',
      visibility: 'public',
      ownerId: 'p-admin',
      diskFormat: 'qcow2',
      containerFormat: 'bare',
      sizeBytes: 16_338_944,
      virtualSizeBytes: 117_440_512,
      hashAlgo: 'sha512',
      stores: ['file'],
      properties: { os_distro: 'cirros', hw_disk_bus: 'virtio' },
    });
    expect(golden!.properties).toEqual({ block_device_mapping: '[{"boot_index":0}]' });
    expect((await getImage(await p.image(), 'img-golden')).visibility).toBe('private');
  });

  it('shows a member public images and its own project’s', async () => {
    cloud = standardCloud();
    cloud.images.push({ ...cloud.images[1]!, id: 'img-demo', name: 'demo-own', owner: 'p-demo' });
    const p = new ProviderClient(cloud.providerOptions({ credentials: { kind: 'password', username: 'demo', userDomainName: 'Default', password: 'demo-pass' }, scope: undefined }));
    expect((await listImages(await p.image()).all()).map((i) => i.name)).toEqual(['cirros', 'demo-own']);
  });
});
