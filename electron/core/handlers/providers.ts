import type { NamespaceHandlers, Services } from './types';

export const providerHandlers = ({ providers, destinations }: Services): NamespaceHandlers<'providers'> => ({
  'providers.list': () => ({ items: providers.list() }),
  'providers.test': ({ provider, acceptFingerprint, id }) => providers.test(provider, { acceptFingerprint, editing: id }),
  'providers.add': async ({ provider, acceptFingerprint }) => {
    const added = (await providers.add(provider, { acceptFingerprint })).provider;
    // restore points of this cloud under an id it had before (removed, or the catalog lost) follow it
    destinations.reindexForNewCloud();
    return added;
  },
  'providers.update': async ({ id, provider, acceptFingerprint }) => (await providers.update(id, provider, { acceptFingerprint })).provider,
  'providers.retest': ({ id }) => providers.retest(id),
  'providers.remove': ({ id }) => {
    providers.remove(id);
    return { removed: true as const };
  },
});
