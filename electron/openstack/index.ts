// Public surface of the Electron-free OpenStack SDK.
export * from './core/errors';
export { systemClock, ManualClock, type Clock } from './core/clock';
export { redactSecrets, redactUrl } from './core/redact';
export { createDispatcher, inspectCertificate, normalizeFingerprint, pinKey, type TlsOptions, type InspectedCertificate } from './core/tls';
export { type HttpEvent } from './core/http';
export { defaultRetryPolicy, type RetryPolicy } from './core/retry';
export { ServiceCatalog, type CatalogEndpoint, type EndpointInterface, type EndpointQuery } from './core/service-catalog';
export { SERVICES, type ServiceType } from './core/services';
export { FEATURES, compareVersions, negotiate, type Feature, type VersionInfo } from './core/microversions';
export {
  AuthToken,
  type AuthScope,
  type Credentials,
  type PasswordCredentials,
  type ApplicationCredentials,
  type TokenInfo,
  type TokenScope,
} from './core/keystone';
export { ProviderClient, normalizeAuthUrl, type ProviderClientOptions } from './core/provider-client';
export { ServiceClient, type RequestOptions, type ServiceResponse, type Query } from './core/service-client';
export { Pager, type PagerOptions } from './core/pager';
export { waitFor, orNullIfNotFound, type WaitOptions } from './core/wait-for';
export { probeServices, type ServiceProbe } from './core/probe';

export * from './identity/domains';
export * from './identity/projects';
export * from './compute/servers';
export * from './compute/flavors';
export * from './compute/keypairs';
export * from './compute/server-tags';
export * from './compute/server-metadata';
export * from './compute/availability-zones';
export * from './compute/hypervisors';
export * from './compute/volume-attachments';
export * from './compute/server-images';
export * from './compute/console-output';
export * from './compute/limits';
export * from './blockstorage/volumes';
export * from './blockstorage/snapshots';
export * from './blockstorage/volume-types';
export * from './blockstorage/availability-zones';
export * from './blockstorage/limits';
export * from './image/images';
export * from './image/image-data';
export * from './network/networks';
export * from './network/subnets';
export * from './network/ports';
export * from './network/security-groups';
