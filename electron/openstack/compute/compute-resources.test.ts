import { afterEach, describe, expect, it } from 'vitest';
import { FeatureUnsupportedError, ForbiddenError } from '../core/errors';
import { adminClient, demoClient, standardCloud } from '../testing/fixtures';
import type { MockCloud } from '../testing/mock-cloud';
import { listComputeAvailabilityZones } from './availability-zones';
import { listFlavors, listFlavorsWithExtraSpecs } from './flavors';
import { listHypervisors } from './hypervisors';
import { getKeypair, listKeypairs } from './keypairs';

let cloud: MockCloud;
afterEach(async () => {
  await cloud?.close();
});

const admin = () => adminClient(cloud);
const demo = () => demoClient(cloud);

describe('flavors', () => {
  it('includes private flavors for admins and extra specs inline from 2.61', async () => {
    cloud = standardCloud();
    const flavors = await listFlavorsWithExtraSpecs(await admin().compute(), { includePrivate: true });
    expect(flavors.map((f) => [f.name, f.isPublic, f.extraSpecs])).toEqual([
      ['m1.tiny', true, {}],
      ['m1.small', true, { 'hw:cpu_policy': 'shared' }],
      ['b1.bfv', false, { 'quota:disk_read_bytes_sec': '104857600' }],
    ]);
    expect(flavors[1]).toMatchObject({ swapMiB: 512, ramMiB: 2048, diskGiB: 20, description: 'small' });
    expect(cloud.requestsTo(/os-extra_specs$/)).toHaveLength(0);
    expect(cloud.requestsTo(/flavors\/detail$/)[0]!.query.get('is_public')).toBe('None');
  });

  it('fetches extra specs per flavor on an older Nova', async () => {
    cloud = standardCloud({ novaMaxMicroversion: '2.60' });
    const flavors = await listFlavorsWithExtraSpecs(await admin().compute());
    expect(flavors.map((f) => f.extraSpecs)).toEqual([{}, { 'hw:cpu_policy': 'shared' }]);
    expect(cloud.requestsTo(/os-extra_specs$/)).toHaveLength(2);
    expect((await listFlavors(await admin().compute()).all())[0]!.extraSpecs).toBeUndefined();
  });
});

describe('key pairs', () => {
  it('lists the user’s own key pairs, and another user’s for an admin (≥ 2.10)', async () => {
    cloud = standardCloud();
    const compute = await admin().compute();
    expect((await listKeypairs(compute).all()).map((k) => k.name)).toEqual(['admin-key']);
    const theirs = await listKeypairs(compute, { userId: 'u-demo' }).all();
    expect(theirs).toEqual([{ name: 'demo-key', type: 'ssh', fingerprint: 'cc:dd', publicKey: 'ssh-ed25519 AAAA demo', userId: 'u-demo', createdAt: undefined }]);
    cloud.route('http://nova.test:8774', 'GET', /^\/v2\.1\/os-keypairs\/demo-key$/, () => ({ status: 200, body: { keypair: { name: 'demo-key', type: 'ssh', user_id: 'u-demo', created_at: '2024-01-01T00:00:00.000000' } } }));
    expect((await getKeypair(compute, 'demo-key', { userId: 'u-demo' })).createdAt).toBe('2024-01-01T00:00:00.000000');
  });

  it('cannot list another user’s key pairs before 2.10', async () => {
    cloud = standardCloud({ novaMaxMicroversion: '2.9' });
    await expect(listKeypairs(await admin().compute(), { userId: 'u-demo' }).all()).rejects.toBeInstanceOf(FeatureUnsupportedError);
  });
});

describe('hypervisors and availability zones', () => {
  it('lists hypervisors with UUIDs, service host and resources (2.53)', async () => {
    cloud = standardCloud();
    const hvs = await listHypervisors(await admin().compute()).all();
    expect(cloud.requestsTo(/os-hypervisors\/detail$/)[0]!.microversion).toBe('2.53');
    expect(hvs[0]).toEqual({
      id: 'hv-uuid-1',
      hostname: 'compute-1.example.org',
      serviceHost: 'compute-1',
      hostIp: '192.0.2.11',
      state: 'up',
      status: 'enabled',
      type: 'QEMU',
      vcpus: 16,
      vcpusUsed: 3,
      memoryMiB: 65536,
      memoryMiBUsed: 4096,
      localGiB: 500,
      runningVms: 3,
    });
  });

  it('uses integer ids on an old Nova', async () => {
    cloud = standardCloud({ novaMaxMicroversion: '2.40' });
    expect((await listHypervisors(await admin().compute()).all()).map((h) => h.id)).toEqual(['1', '2']);
  });

  it('is admin-only', async () => {
    cloud = standardCloud();
    await expect(listHypervisors(await demo().compute()).all()).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('lists zones with hosts for admins, and without for members', async () => {
    cloud = standardCloud();
    expect(await listComputeAvailabilityZones(await admin().compute())).toEqual([
      { name: 'nova', available: true, hosts: ['compute-1.example.org'] },
      { name: 'raw', available: true, hosts: ['compute-2.example.org'] },
    ]);
    expect(await listComputeAvailabilityZones(await demo().compute())).toEqual([
      { name: 'nova', available: true, hosts: undefined },
      { name: 'raw', available: true, hosts: undefined },
    ]);
  });
});
