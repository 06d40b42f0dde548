import type { JobKind } from '../../jobs/types';
import type { FilesSearchService } from './files-search.service';

/**
 * `files.index`: the file index of a restore point (every entry of every file system its disks
 * hold), kept with it in its destination. Queued after each successful backup and on demand
 * (`backstack files index`, "Index them" beside a search). One at a time: it waits in the queue
 * behind the backups queued before it and never holds a cloud, host or destination slot, so
 * backups are not kept waiting by it. Cancel leaves the restore point as it was.
 */
export function filesIndexJob(search: FilesSearchService): JobKind<'files.index'> {
  return {
    kind: 'files.index',
    describeTarget: (p) => `files of ${p.backupId}`,
    concurrency: 1,
    maxAttempts: 1,
    run: (ctx) => search.buildIndex(ctx),
  };
}
