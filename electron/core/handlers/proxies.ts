import type { NamespaceHandlers, Services } from './types';

export const proxyHandlers = ({ proxies }: Services): NamespaceHandlers<'proxies'> => ({
  'proxies.list': ({ providerId }) => ({ items: proxies.list(providerId) }),
  'proxies.add': (i) => proxies.add(i),
  'proxies.remove': ({ id }) => {
    proxies.remove(id);
    return { removed: true as const };
  },
  'proxies.test': ({ id }) => proxies.test(id),
});
