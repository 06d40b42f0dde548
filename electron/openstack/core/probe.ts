// "Test connection": which services the catalog offers, at which endpoint, up to which
// microversion, and why a service cannot be used.
import { isOpenStackError, type OpenStackErrorCode } from './errors';
import type { ProviderClient } from './provider-client';
import { SERVICES, type ServiceType } from './services';

export interface ServiceProbe {
  type: ServiceType;
  displayName: string;
  url: string | undefined;
  versionId: string | undefined;
  minMicroversion: string | undefined;
  maxMicroversion: string | undefined;
  error: { code: OpenStackErrorCode | 'UNKNOWN'; message: string } | undefined;
}

const PROBED: readonly ServiceType[] = ['identity', 'compute', 'block-storage', 'image', 'network'];

export async function probeServices(provider: ProviderClient, signal?: AbortSignal): Promise<ServiceProbe[]> {
  await provider.authenticate(signal); // credential errors surface here, once, not per service
  return Promise.all(
    PROBED.map(async (type): Promise<ServiceProbe> => {
      const probe: ServiceProbe = {
        type,
        displayName: SERVICES[type].displayName,
        url: undefined,
        versionId: undefined,
        minMicroversion: undefined,
        maxMicroversion: undefined,
        error: undefined,
      };
      try {
        const client = await provider.service(type, {}, signal);
        probe.url = client.endpoint;
        const info = await client.versionInfo(signal);
        probe.versionId = info?.id;
        probe.minMicroversion = info?.minMicroversion;
        probe.maxMicroversion = info?.maxMicroversion;
      } catch (e) {
        probe.error = isOpenStackError(e) ? { code: e.code, message: e.message } : { code: 'UNKNOWN', message: String(e) };
      }
      return probe;
    }),
  );
}
