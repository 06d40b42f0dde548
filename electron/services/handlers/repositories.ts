import { pruneBackups, repositoryStats } from '../../engine';
import type { JobManager } from '../../jobs/manager';
import type { Handlers } from '../dispatch';
import type { RepositoriesService } from '../repositories/repositories.service';

type RepositoryHandlers = Pick<
  Handlers,
  | 'repositories.list'
  | 'repositories.getStats'
  | 'repositories.create'
  | 'repositories.add'
  | 'repositories.remove'
  | 'repositories.setDefault'
  | 'repositories.startVerify'
  | 'repositories.previewPrune'
  | 'repositories.startPrune'
  | 'repositories.startGc'
>;

export function repositoryHandlers(repos: RepositoriesService, jobs: JobManager): RepositoryHandlers {
  const withRepo = async <T>(id: string, fn: (r: Awaited<ReturnType<RepositoriesService['open']>>) => Promise<T>): Promise<T> => {
    const repo = await repos.open(id);
    try {
      return await fn(repo);
    } finally {
      await repo.close();
    }
  };
  return {
    'repositories.list': () => ({ items: repos.list() }),
    'repositories.getStats': ({ id }) => withRepo(id, (r) => repositoryStats(r)),
    'repositories.create': (i) => repos.create(i),
    'repositories.add': (i) => repos.add(i),
    'repositories.remove': ({ id }) => {
      repos.remove(id);
      return { removed: true as const };
    },
    'repositories.setDefault': ({ id }) => {
      repos.setDefault(id);
      return repos.get(id);
    },
    'repositories.startVerify': ({ id, backupId }) => ({
      jobId: jobs.enqueue('repository.verify', { repositoryId: repos.get(id).id, ...(backupId ? { backupId } : {}) }).id,
    }),
    'repositories.previewPrune': ({ id, keep }) => withRepo(id, (r) => pruneBackups(r, { keep, dryRun: true })),
    'repositories.startPrune': ({ id, keep }) => ({ jobId: jobs.enqueue('repository.prune', { repositoryId: repos.get(id).id, keep }).id }),
    'repositories.startGc': ({ id }) => ({ jobId: jobs.enqueue('repository.gc', { repositoryId: repos.get(id).id }).id }),
  };
}
