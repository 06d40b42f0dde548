import { appHandlers } from './app';
import { backupHandlers } from './backups';
import { copyHandlers } from './copies';
import { dashboardHandlers } from './dashboard';
import { destinationHandlers } from './destinations';
import { exportHandlers } from './exports';
import { fileHandlers } from './files';
import { inventoryHandlers } from './inventory';
import { jobHandlers } from './jobs';
import { notificationHandlers } from './notifications';
import { policyHandlers } from './policies';
import { providerHandlers } from './providers';
import { proxyHandlers } from './proxies';
import { snapshotHandlers } from './snapshots';
import type { Handlers, Services } from './types';

export type { Handlers, Services } from './types';

/** The contract's server side: every request name mapped onto a use case (a missing one does not compile). */
export function createHandlers(s: Services): Handlers {
  return {
    ...appHandlers(s),
    ...providerHandlers(s),
    ...jobHandlers(s),
    ...inventoryHandlers(s),
    ...proxyHandlers(s),
    ...backupHandlers(s),
    ...destinationHandlers(s),
    ...copyHandlers(s),
    ...policyHandlers(s),
    ...notificationHandlers(s),
    ...dashboardHandlers(s),
    ...snapshotHandlers(s),
    ...exportHandlers(s),
    ...fileHandlers(s),
  };
}
