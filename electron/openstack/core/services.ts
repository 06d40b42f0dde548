// What the SDK knows about each OpenStack service it talks to: catalog types (with the aliases
// deployments still register, per the service-types authority), how the resource base URL is
// formed from the catalog URL, and how microversions are sent.

export type ServiceType = 'identity' | 'compute' | 'block-storage' | 'image' | 'network';

export interface ServiceDescriptor {
  type: ServiceType;
  /** Used in every message: "Nova (compute)". */
  displayName: string;
  /** Catalog types to look for, in order of preference. */
  catalogTypes: readonly string[];
  /** Version segment appended to an unversioned catalog URL (Glance and Neutron register bare roots). */
  versionSuffix?: string;
  microversion?: {
    /** Service name in "OpenStack-API-Version: <name> <version>". */
    headerName: string;
    /** Pre-standard header some releases still read. */
    legacyHeader?: string;
    /** Microversion of an unversioned request, what the server assumes without our header. */
    base: string;
  };
}

export const SERVICES: Record<ServiceType, ServiceDescriptor> = {
  identity: { type: 'identity', displayName: 'Keystone (identity)', catalogTypes: ['identity'] },
  compute: {
    type: 'compute',
    displayName: 'Nova (compute)',
    catalogTypes: ['compute'],
    microversion: { headerName: 'compute', legacyHeader: 'X-OpenStack-Nova-API-Version', base: '2.1' },
  },
  'block-storage': {
    type: 'block-storage',
    displayName: 'Cinder (block-storage)',
    catalogTypes: ['block-storage', 'volumev3', 'volume', 'block-store'],
    microversion: { headerName: 'volume', base: '3.0' },
  },
  image: { type: 'image', displayName: 'Glance (image)', catalogTypes: ['image'], versionSuffix: 'v2' },
  network: { type: 'network', displayName: 'Neutron (network)', catalogTypes: ['network'], versionSuffix: 'v2.0' },
};

const VERSION_SEGMENT = /\/v\d+(?:\.\d+)?(?=\/|$)/g;

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** The URL resource paths are resolved against (always ending in "/"). */
export function resourceBaseFor(descriptor: ServiceDescriptor, endpointUrl: string): string {
  const u = new URL(endpointUrl);
  const hasVersion = VERSION_SEGMENT.test(u.pathname);
  VERSION_SEGMENT.lastIndex = 0;
  if (descriptor.versionSuffix && !hasVersion) return withSlash(`${withSlash(endpointUrl)}${descriptor.versionSuffix}`);
  return withSlash(endpointUrl);
}

/**
 * The URL of the version document: the path up to its last version segment ("…/v2.1/",
 * "…/v3/" without the project id Cinder appends), or the unversioned root.
 */
export function versionRootFor(endpointUrl: string): string {
  const u = new URL(endpointUrl);
  let end = -1;
  for (const m of u.pathname.matchAll(VERSION_SEGMENT)) end = (m.index ?? 0) + m[0].length;
  u.search = '';
  u.hash = '';
  u.pathname = end >= 0 ? withSlash(u.pathname.slice(0, end)) : withSlash(u.pathname);
  return u.toString();
}

/** The unversioned root ("https://host:8776/" or "https://host/compute/"). */
export function unversionedRootFor(endpointUrl: string): string {
  const u = new URL(endpointUrl);
  const m = /\/v\d+(?:\.\d+)?(?:\/|$)/.exec(u.pathname);
  u.search = '';
  u.hash = '';
  u.pathname = m ? withSlash(u.pathname.slice(0, m.index)) : withSlash(u.pathname);
  return u.toString();
}
