import { describe, expect, it } from 'vitest';
import { ServiceCatalog, type RawCatalogEntry } from './service-catalog';
import { EndpointNotFoundError } from './errors';

const ep = (iface: string, region: string, url: string) => ({ interface: iface, region, region_id: region, url });
const entries: RawCatalogEntry[] = [
  { type: 'compute', name: 'nova', endpoints: [ep('public', 'R1', 'https://r1/compute'), ep('internal', 'R1', 'http://nova.r1:8774/v2.1'), ep('public', 'R2', 'https://r2/compute')] },
  { type: 'volumev3', name: 'cinderv3', endpoints: [ep('public', 'R1', 'https://r1/volume/v3/%(project_id)s')] },
  { type: 'volumev2', name: 'cinderv2', endpoints: [ep('public', 'R1', 'https://r1/volume/v2/x')] },
  { type: 'image', name: 'glance', endpoints: [ep('publicURL', 'R1', 'https://r1/image')] },
];

describe('service catalog', () => {
  const catalog = new ServiceCatalog(entries, 'p1');

  it('selects by type, region and interface', () => {
    expect(catalog.find('compute', { region: 'R1' }).url).toBe('https://r1/compute');
    expect(catalog.find('compute', { region: 'R1', interface: 'internal' }).url).toBe('http://nova.r1:8774/v2.1');
    expect(catalog.find('compute', { region: 'R2' }).url).toBe('https://r2/compute');
  });

  it('knows Cinder by its aliases and fills in the project id', () => {
    expect(catalog.find('block-storage', { region: 'R1' }).url).toBe('https://r1/volume/v3/p1');
  });

  it('accepts the v2-style interface names some clouds still register', () => {
    expect(catalog.find('image', { region: 'R1' }).url).toBe('https://r1/image');
  });

  it('asks for a region when a service has several', () => {
    expect(() => catalog.find('compute')).toThrow('Nova (compute) has public endpoints in several regions (R1, R2): choose a region');
  });

  it('says what is offered when nothing matches', () => {
    expect(() => catalog.find('compute', { region: 'R1', interface: 'admin' })).toThrow(
      'The service catalog has no admin endpoint of Nova (compute) in region R1 (offered: public in R1, internal in R1, public in R2)',
    );
    expect(() => catalog.find('network', { region: 'R1' })).toThrow(EndpointNotFoundError);
    expect(() => catalog.find('network', { region: 'R1' })).toThrow('(types offered: compute, image, volumev2, volumev3)');
  });
});
