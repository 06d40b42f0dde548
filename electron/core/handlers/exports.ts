import type { NamespaceHandlers, Services } from './types';

export const exportHandlers = ({ exports }: Services): NamespaceHandlers<'exports'> => ({
  'exports.start': (i) => exports.start(i),
  'exports.list': () => ({ items: exports.list() }),
  'exports.stop': (i) => exports.stop(i.id),
});
