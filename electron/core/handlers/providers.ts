import type { NamespaceHandlers, Services } from './types';

export const providerHandlers = ({ providers }: Services): NamespaceHandlers<'providers'> => ({
  'providers.list': () => ({ items: providers.list() }),
  'providers.test': ({ provider, acceptFingerprint, id }) => providers.test(provider, { acceptFingerprint, editing: id }),
  'providers.add': async ({ provider, acceptFingerprint }) => (await providers.add(provider, { acceptFingerprint })).provider,
  'providers.update': async ({ id, provider, acceptFingerprint }) => (await providers.update(id, provider, { acceptFingerprint })).provider,
  'providers.retest': ({ id }) => providers.retest(id),
  'providers.remove': ({ id }) => {
    providers.remove(id);
    return { removed: true as const };
  },
});
