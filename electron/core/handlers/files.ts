import type { NamespaceHandlers, Services } from './types';

export const fileHandlers = ({ files, dragOut, fileSearch }: Services): NamespaceHandlers<'files'> => ({
  'files.volumes': (i) => files.volumes(i),
  'files.list': (i) => files.list(i),
  'files.read': (i) => files.read(i),
  'files.prepareDownload': (i) => files.prepareDownload(i),
  'files.prepareDrag': (i) => dragOut.prepare(i),
  'files.startRestore': (i) => files.startRestore(i),
  'files.startRestoreToGuest': (i) => files.startRestoreToGuest(i),
  'files.search': (i) => fileSearch.search(i),
  'files.startIndex': (i) => fileSearch.startIndex(i),
});
