// The service catalog of a token and the choice of one endpoint by service type, region and
// interface (the provider's "endpoint interface type").
import { z } from 'zod';
import { EndpointNotFoundError } from './errors';
import { SERVICES, type ServiceType } from './services';

export type EndpointInterface = 'public' | 'internal' | 'admin';

export const RawCatalogEntry = z.looseObject({
  type: z.string(),
  name: z.string().optional(),
  id: z.string().optional(),
  endpoints: z.array(
    z.looseObject({
      id: z.string().optional(),
      interface: z.string(),
      region: z.string().nullish(),
      region_id: z.string().nullish(),
      url: z.string(),
    }),
  ),
});
export type RawCatalogEntry = z.infer<typeof RawCatalogEntry>;

export interface CatalogEndpoint {
  serviceType: string;
  serviceName: string | undefined;
  interface: string;
  region: string | undefined;
  url: string;
}

export interface EndpointQuery {
  region?: string | undefined;
  interface?: EndpointInterface | undefined;
  /** Pick a specific service name when a cloud registers two services of one type. */
  serviceName?: string | undefined;
}

export class ServiceCatalog {
  readonly endpoints: readonly CatalogEndpoint[];

  constructor(entries: readonly RawCatalogEntry[], projectId?: string) {
    this.endpoints = entries.flatMap((entry) =>
      entry.endpoints.map((ep) => ({
        serviceType: entry.type,
        serviceName: entry.name,
        interface: ep.interface,
        region: ep.region_id ?? ep.region ?? undefined,
        url: substituteProject(ep.url, projectId),
      })),
    );
  }

  get isEmpty(): boolean {
    return this.endpoints.length === 0;
  }

  /** The endpoint of a service; throws EndpointNotFoundError saying what the catalog does offer. */
  find(type: ServiceType, query: EndpointQuery = {}): CatalogEndpoint {
    const iface = query.interface ?? 'public';
    const descriptor = SERVICES[type];
    for (const catalogType of descriptor.catalogTypes) {
      const candidates = this.endpoints.filter(
        (ep) =>
          ep.serviceType === catalogType &&
          (ep.interface === iface || ep.interface === `${iface}URL`) &&
          (query.serviceName === undefined || ep.serviceName === query.serviceName),
      );
      if (candidates.length === 0) continue;
      if (query.region !== undefined) {
        const inRegion = candidates.find((ep) => ep.region === query.region);
        if (inRegion) return inRegion;
        continue;
      }
      const regions = new Set(candidates.map((ep) => ep.region));
      if (regions.size > 1)
        throw new EndpointNotFoundError(
          `${descriptor.displayName} has ${iface} endpoints in several regions (${[...regions].join(', ')}): choose a region`,
        );
      return candidates[0]!;
    }
    throw new EndpointNotFoundError(this.describeMiss(type, iface, query.region));
  }

  /** The interfaces the catalog offers for a service (in a region when given); "publicURL" counts as public. */
  interfacesOf(type: ServiceType, region?: string): EndpointInterface[] {
    const types = SERVICES[type].catalogTypes;
    const offered = new Set(
      this.endpoints
        .filter((ep) => types.includes(ep.serviceType) && (region === undefined || ep.region === region))
        .map((ep) => ep.interface.replace(/URL$/, '')),
    );
    return (['public', 'internal', 'admin'] as const).filter((i) => offered.has(i));
  }

  private describeMiss(type: ServiceType, iface: string, region: string | undefined): string {
    const descriptor = SERVICES[type];
    if (this.isEmpty)
      return `The Keystone token has no service catalog (it is unscoped): ${descriptor.displayName} needs a token scoped to a project`;
    const ofType = this.endpoints.filter((ep) => descriptor.catalogTypes.includes(ep.serviceType));
    if (ofType.length === 0) {
      const types = [...new Set(this.endpoints.map((ep) => ep.serviceType))].sort().join(', ');
      return `The service catalog has no ${descriptor.displayName} service (types offered: ${types})`;
    }
    const offered = [...new Set(ofType.map((ep) => `${ep.interface}${ep.region ? ` in ${ep.region}` : ''}`))].join(', ');
    return `The service catalog has no ${iface} endpoint of ${descriptor.displayName}${region ? ` in region ${region}` : ''} (offered: ${offered})`;
  }
}

// Keystone substitutes these in token catalogs; old deployments sometimes leave them raw.
function substituteProject(url: string, projectId: string | undefined): string {
  if (!projectId) return url;
  return url.replace(/[%$]\((?:project_id|tenant_id)\)s/g, projectId);
}
