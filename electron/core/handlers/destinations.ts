import type { NamespaceHandlers, Services } from './types';

export const destinationHandlers = ({ destinations }: Services): NamespaceHandlers<'destinations'> => ({
  'destinations.list': () => ({ items: destinations.list() }),
  'destinations.getStats': ({ id }) => destinations.stats(id),
  'destinations.create': (i) => destinations.create(i),
  'destinations.add': (i) => destinations.add(i),
  'destinations.remove': ({ id }) => {
    destinations.remove(id);
    return { removed: true as const };
  },
  'destinations.setDefault': ({ id }) => destinations.setDefault(id),
  'destinations.startVerify': ({ id, backupId }) => destinations.startVerify(id, backupId),
  'destinations.previewPrune': ({ id, keep }) => destinations.previewPrune(id, keep),
  'destinations.startPrune': ({ id, keep }) => destinations.startPrune(id, keep),
  'destinations.startGc': ({ id }) => destinations.startGc(id),
  'destinations.setGcSchedule': ({ id, schedule }) => destinations.setGcSchedule(id, schedule),
  'destinations.startReindex': ({ id }) => destinations.startReindex(id),
});
