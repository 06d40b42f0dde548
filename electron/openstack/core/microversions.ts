// Microversions: the features table says which microversion each capability needs; a call names
// features, never versions, and the service client picks the lowest microversion that enables
// all of them within what the server's version document offers.
import { z } from 'zod';
import { FeatureUnsupportedError } from './errors';
import { SERVICES, type ServiceType } from './services';

type Microversioned = 'compute' | 'block-storage';

interface FeatureSpec {
  service: Microversioned;
  /** First microversion with the feature. */
  since: string;
  /** First microversion without it (the API removed or reshaped it). */
  until?: string;
  what: string;
}

export const FEATURES = {
  'compute.keypairType': { service: 'compute', since: '2.2', what: 'key pair types' },
  'compute.extendedServerAttributes': { service: 'compute', since: '2.3', what: 'extended server attributes (root device, reservation id)' },
  'compute.attachmentDeleteFlag': { service: 'compute', since: '2.3', what: 'delete_on_termination of attached volumes' },
  'compute.attachWithDeleteFlag': { service: 'compute', since: '2.79', what: 'delete_on_termination when attaching a volume' },
  'compute.keypairsOfOtherUsers': { service: 'compute', since: '2.10', what: 'listing key pairs of another user' },
  'compute.hostStatus': { service: 'compute', since: '2.16', what: 'server host_status' },
  'compute.serverDescription': { service: 'compute', since: '2.19', what: 'server descriptions' },
  'compute.serverTags': { service: 'compute', since: '2.26', what: 'server tags' },
  'compute.keypairsPaging': { service: 'compute', since: '2.35', what: 'key pair pagination' },
  'compute.autoNetworks': { service: 'compute', since: '2.37', what: 'networks "auto" and "none" at server creation' },
  'compute.createImageReturnsId': { service: 'compute', since: '2.45', what: 'createImage answering with the image id' },
  'compute.embeddedFlavor': { service: 'compute', since: '2.47', what: 'flavor details embedded in servers' },
  'compute.hypervisorUuids': { service: 'compute', since: '2.53', what: 'hypervisor UUIDs and pagination' },
  'compute.flavorDescription': { service: 'compute', since: '2.55', what: 'flavor descriptions' },
  'compute.flavorExtraSpecsInline': { service: 'compute', since: '2.61', what: 'flavor extra specs in flavor lists' },
  'compute.hypervisorResources': { service: 'compute', since: '2.1', until: '2.88', what: 'hypervisor vCPU/RAM/disk figures' },
  'blockstorage.groups': { service: 'block-storage', since: '3.13', what: 'volume groups' },
  'blockstorage.newAttachments': { service: 'block-storage', since: '3.27', what: 'the attachments API' },
  'blockstorage.snapshotUserId': { service: 'block-storage', since: '3.41', what: 'user_id of snapshots' },
  'blockstorage.sharedTargets': { service: 'block-storage', since: '3.48', what: 'shared_targets and service_uuid of volumes' },
  'blockstorage.clusterName': { service: 'block-storage', since: '3.61', what: 'cluster_name of volumes' },
  'blockstorage.volumeTypeId': { service: 'block-storage', since: '3.63', what: 'volume_type_id of volumes' },
  'blockstorage.consumesQuota': { service: 'block-storage', since: '3.65', what: 'consumes_quota of volumes and snapshots' },
} as const satisfies Record<string, FeatureSpec>;

export type Feature = keyof typeof FEATURES;

export type Version = readonly [number, number];

export function parseVersion(v: string): Version {
  const m = /^v?(\d+)(?:\.(\d+))?$/.exec(v.trim());
  if (!m) throw new Error(`not a version: ${v}`);
  return [Number(m[1]), Number(m[2] ?? 0)];
}

export function compareVersions(a: string, b: string): number {
  const [a1, a2] = parseVersion(a);
  const [b1, b2] = parseVersion(b);
  return a1 !== b1 ? a1 - b1 : a2 - b2;
}

/** What a service's version document says. */
export interface VersionInfo {
  id: string;
  status: string | undefined;
  /** Microversion range; undefined for services without microversions (Glance, Neutron, Keystone). */
  minMicroversion: string | undefined;
  maxMicroversion: string | undefined;
}

const RawVersion = z.looseObject({
  id: z.string(),
  status: z.string().optional(),
  version: z.string().nullish(),
  min_version: z.string().nullish(),
});
type RawVersion = z.infer<typeof RawVersion>;

export const RawVersionDocument = z.union([
  z.looseObject({ version: RawVersion }),
  z.looseObject({ versions: z.array(RawVersion) }),
  z.looseObject({ versions: z.looseObject({ values: z.array(RawVersion) }) }), // Keystone's root
]);
export type RawVersionDocument = z.infer<typeof RawVersionDocument>;

/** Picks the entry for the API version the endpoint serves ("v2.1", "v3") from a version document. */
export function versionInfoFrom(doc: RawVersionDocument, wantedId: string | undefined): VersionInfo {
  const entries = versionEntries(doc);
  const major = wantedId ? parseVersion(wantedId)[0] : undefined;
  const pick =
    entries.find((e) => wantedId !== undefined && e.id === wantedId) ??
    entries.find((e) => major !== undefined && safeMajor(e.id) === major && /current|stable/i.test(e.status ?? '')) ??
    entries.find((e) => major !== undefined && safeMajor(e.id) === major) ??
    entries.find((e) => /current|stable/i.test(e.status ?? '')) ??
    entries[0];
  if (!pick) return { id: wantedId ?? 'unknown', status: undefined, minMicroversion: undefined, maxMicroversion: undefined };
  const max = pick.version || undefined; // Nova's legacy v2.0 says "" for "no microversions"
  const min = pick.min_version || undefined;
  return { id: pick.id, status: pick.status, minMicroversion: max ? min : undefined, maxMicroversion: max };
}

function versionEntries(doc: RawVersionDocument): RawVersion[] {
  const single = RawVersion.safeParse(doc.version);
  if (single.success) return [single.data];
  const list = z.array(RawVersion).safeParse(doc.versions);
  if (list.success) return list.data;
  const nested = z.looseObject({ values: z.array(RawVersion) }).safeParse(doc.versions);
  return nested.success ? nested.data.values : [];
}

function safeMajor(id: string): number | undefined {
  try {
    return parseVersion(id)[0];
  } catch {
    return undefined;
  }
}

export function isSupported(feature: Feature, info: VersionInfo | undefined): boolean {
  const spec: FeatureSpec = FEATURES[feature];
  if (!info?.maxMicroversion) return false;
  if (compareVersions(spec.since, info.maxMicroversion) > 0) return false;
  if (spec.until !== undefined && info.minMicroversion && compareVersions(info.minMicroversion, spec.until) >= 0) return false;
  return true;
}

export interface Negotiated {
  /** Microversion to send; undefined for services without microversions. */
  version: string | undefined;
  enabled: ReadonlySet<Feature>;
}

/**
 * The lowest microversion that enables every wanted feature the server supports. Features the
 * server lacks are left out, unless required (then FeatureUnsupportedError). A feature with an
 * upper bound is left out when another wanted feature needs a version past that bound.
 */
export function negotiate(
  type: ServiceType,
  info: VersionInfo | undefined,
  wanted: readonly Feature[],
  required: readonly Feature[] = [],
): Negotiated {
  const descriptor = SERVICES[type];
  const all = [...new Set([...wanted, ...required])];
  for (const f of all) {
    if (FEATURES[f].service !== type) throw new FeatureUnsupportedError(`feature ${f} does not belong to ${descriptor.displayName}`);
  }
  const mv = descriptor.microversion;
  if (!mv) return { version: undefined, enabled: new Set() };
  const missing = required.filter((f) => !isSupported(f, info));
  if (missing.length > 0) {
    const what = missing.map((f) => `${FEATURES[f].what} (needs ${FEATURES[f].since})`).join(', ');
    throw new FeatureUnsupportedError(
      `${descriptor.displayName} at this endpoint supports microversions up to ${info?.maxMicroversion ?? 'none'}: ${what} unavailable`,
    );
  }
  const supported = all.filter((f) => isSupported(f, info));
  let version = info?.minMicroversion && compareVersions(info.minMicroversion, mv.base) > 0 ? info.minMicroversion : mv.base;
  for (const f of supported) if (compareVersions(FEATURES[f].since, version) > 0) version = FEATURES[f].since;
  const enabled = new Set<Feature>();
  for (const f of supported) {
    const until: string | undefined = (FEATURES[f] as FeatureSpec).until;
    if (until !== undefined && compareVersions(version, until) >= 0) {
      if (required.includes(f)) throw new FeatureUnsupportedError(`${FEATURES[f].what} cannot be combined with the other features requested`);
      continue;
    }
    enabled.add(f);
  }
  return { version: info?.maxMicroversion ? version : undefined, enabled };
}

/** The headers that request a microversion. */
export function microversionHeaders(type: ServiceType, version: string | undefined): Record<string, string> {
  const mv = SERVICES[type].microversion;
  if (!mv || version === undefined) return {};
  return {
    'OpenStack-API-Version': `${mv.headerName} ${version}`,
    ...(mv.legacyHeader ? { [mv.legacyHeader]: version } : {}),
  };
}
