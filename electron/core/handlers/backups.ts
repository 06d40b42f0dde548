import type { NamespaceHandlers, Services } from './types';

export const backupHandlers = ({ backups, restore }: Services): NamespaceHandlers<'backups' | 'restore'> => ({
  'backups.start': (i) => backups.start(i),
  'backups.startVolume': (i) => backups.startVolume(i),
  'backups.list': (filter) => ({ items: backups.list(filter) }),
  'backups.releaseSnapshot': (i) => backups.releaseSnapshot(i.providerId, i.instanceId),
  'backups.cleanup': (i) => backups.cleanup(i.providerId, i.dryRun),
  'backups.setProtected': (i) => backups.setProtected(i.destinationId, i.backupId, i.protected),
  'restore.start': (i) => restore.start(i),
  'restore.preflight': (i) => restore.preflight(i),
  'restore.describe': (i) => restore.describe(i),
  'restore.volume': (i) => restore.startVolume(i),
  'restore.volumePreflight': (i) => restore.preflightVolume(i),
  'restore.inPlace': (i) => restore.startInPlace(i),
  'restore.verify': (i) => restore.verify(i),
  'restore.verifySandbox': (i) => restore.sandboxProject(i.providerId),
});
