import type { NamespaceHandlers, Services } from './types';

export const inventoryHandlers = ({ inventory, hypervisors }: Services): NamespaceHandlers<'inventory' | 'hypervisors'> => ({
  'inventory.startSync': ({ providerId }) => inventory.startSync(providerId),
  'inventory.listChildren': ({ providerId, parent }) => ({ items: inventory.children(providerId, parent) }),
  'inventory.listInstances': (filter) => ({ items: inventory.instances(filter) }),
  'inventory.getInstance': ({ providerId, id }) => inventory.instance(providerId, id),
  'inventory.listResources': ({ providerId, kind, projectId, includeVanished }) => ({ items: inventory.resources(providerId, kind, { projectId, includeVanished }) }),
  'hypervisors.list': ({ providerId }) => ({ items: hypervisors.list(providerId) }),
  'hypervisors.setSsh': (i) => hypervisors.setSsh(i),
  'hypervisors.test': ({ providerId, hostname }) => hypervisors.test(providerId, hostname),
});
