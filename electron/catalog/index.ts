export { openCatalog, migrate, CatalogError, type Catalog } from './db';
export { JobsRepo, type StoredJob } from './repositories/jobs.repo';
export { SettingsRepo } from './repositories/settings.repo';
export { ProvidersRepo, type NewProvider, type StoredAuthDomain } from './repositories/providers.repo';
export { SecretsRepo } from './repositories/secrets.repo';
export type { NotifyChanged } from './repositories/notify';
export { InventoryRepo, type ResourceInput, type StoredResource } from './repositories/inventory.repo';
export { HypervisorsRepo, type HypervisorSshSettings, type StoredHypervisor } from './repositories/hypervisors.repo';
