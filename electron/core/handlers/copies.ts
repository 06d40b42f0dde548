import type { NamespaceHandlers, Services } from './types';

export const copyHandlers = ({ copies }: Services): NamespaceHandlers<'copies'> => ({
  'copies.listTargets': () => ({ items: copies.listTargets() }),
  'copies.addTarget': (i) => copies.addTarget(i),
  'copies.removeTarget': ({ id }) => {
    copies.removeTarget(id);
    return { removed: true as const };
  },
  'copies.testTarget': ({ id }) => copies.testTarget(id),
  'copies.start': (i) => copies.startCopy(i),
  'copies.startPull': (i) => copies.startPull(i),
});
