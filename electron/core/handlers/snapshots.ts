import type { NamespaceHandlers, Services } from './types';

export const snapshotHandlers = ({ snapshots }: Services): NamespaceHandlers<'snapshots'> => ({
  'snapshots.list': async ({ providerId, instanceId }) => ({ items: await snapshots.list(providerId, instanceId) }),
  'snapshots.create': (input) => snapshots.startCreate(input),
  'snapshots.delete': (input) => snapshots.delete(input),
});
