import { describe, expect, it } from 'vitest';
import { FeatureUnsupportedError } from './errors';
import { compareVersions, FEATURES, isSupported, microversionHeaders, negotiate, versionInfoFrom, type VersionInfo } from './microversions';
import { resourceBaseFor, SERVICES, unversionedRootFor, versionRootFor } from './services';

const nova = (max: string, min = '2.1'): VersionInfo => ({ id: 'v2.1', status: 'CURRENT', minMicroversion: min, maxMicroversion: max });

describe('version documents', () => {
  it('reads Nova (single version), Cinder (list), Keystone (values) and Glance (no microversions)', () => {
    expect(versionInfoFrom({ version: { id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1' } }, 'v2.1')).toEqual(nova('2.93'));
    expect(
      versionInfoFrom(
        { versions: [{ id: 'v2.0', status: 'DEPRECATED', version: '', min_version: '' }, { id: 'v3.0', status: 'CURRENT', version: '3.70', min_version: '3.0' }] },
        'v3',
      ),
    ).toEqual({ id: 'v3.0', status: 'CURRENT', minMicroversion: '3.0', maxMicroversion: '3.70' });
    expect(versionInfoFrom({ versions: { values: [{ id: 'v3.14', status: 'stable' }] } }, 'v3')).toMatchObject({ id: 'v3.14', maxMicroversion: undefined });
    expect(versionInfoFrom({ versions: [{ id: 'v2.16', status: 'CURRENT' }, { id: 'v2.15', status: 'SUPPORTED' }] }, 'v2')).toMatchObject({ id: 'v2.16' });
    // Nova's legacy v2.0 endpoint: "" means no microversions at all
    expect(versionInfoFrom({ version: { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '' } }, 'v2.0').maxMicroversion).toBeUndefined();
  });

  it('finds the version root and the resource base of catalog URLs', () => {
    expect(versionRootFor('http://h:8776/v3/6e193ea61a0942489aa0a92012ecc3af')).toBe('http://h:8776/v3/');
    expect(versionRootFor('https://h/compute/v2.1')).toBe('https://h/compute/v2.1/');
    expect(unversionedRootFor('https://h/compute/v2.1/')).toBe('https://h/compute/');
    expect(resourceBaseFor(SERVICES.image, 'https://h:9292')).toBe('https://h:9292/v2/');
    expect(resourceBaseFor(SERVICES.image, 'https://h:9292/v2/')).toBe('https://h:9292/v2/');
    expect(resourceBaseFor(SERVICES.network, 'https://h/network')).toBe('https://h/network/v2.0/');
    expect(resourceBaseFor(SERVICES['block-storage'], 'http://h:8776/v3/p1')).toBe('http://h:8776/v3/p1/');
  });
});

describe('negotiation from the features table', () => {
  it('compares versions numerically', () => {
    expect(compareVersions('2.9', '2.10')).toBeLessThan(0);
    expect(compareVersions('3.70', '3.7')).toBeGreaterThan(0);
    expect(compareVersions('2.26', 'v2.26')).toBe(0);
  });

  it('picks the lowest microversion that enables every wanted feature', () => {
    expect(negotiate('compute', nova('2.93'), ['compute.serverTags', 'compute.embeddedFlavor']).version).toBe(FEATURES['compute.embeddedFlavor'].since);
    expect(negotiate('compute', nova('2.93'), []).version).toBe('2.1');
    expect(negotiate('compute', nova('2.30'), ['compute.serverTags', 'compute.embeddedFlavor'])).toEqual({
      version: '2.26',
      enabled: new Set(['compute.serverTags']),
    });
    expect(negotiate('compute', nova('2.93', '2.5'), []).version).toBe('2.5');
  });

  it('keeps features that later microversions removed, or drops them when another feature needs more', () => {
    const both = negotiate('compute', nova('2.93'), ['compute.hypervisorUuids', 'compute.hypervisorResources']);
    expect(both.version).toBe('2.53');
    expect([...both.enabled].sort()).toEqual(['compute.hypervisorResources', 'compute.hypervisorUuids']);
    expect(isSupported('compute.hypervisorResources', nova('2.95', '2.88'))).toBe(false);
  });

  it('throws FeatureUnsupportedError for a required feature', () => {
    expect(() => negotiate('compute', nova('2.25'), [], ['compute.serverTags'])).toThrow(FeatureUnsupportedError);
    expect(() => negotiate('image', undefined, [], ['compute.serverTags'])).toThrow(/does not belong to Glance/);
  });

  it('sends the standard header, plus the legacy one for Nova', () => {
    expect(microversionHeaders('compute', '2.47')).toEqual({ 'OpenStack-API-Version': 'compute 2.47', 'X-OpenStack-Nova-API-Version': '2.47' });
    expect(microversionHeaders('block-storage', '3.63')).toEqual({ 'OpenStack-API-Version': 'volume 3.63' });
    expect(microversionHeaders('network', '2.0')).toEqual({});
  });
});
