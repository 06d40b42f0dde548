import type { Job, JobLogEntry, JobState } from '../../../shared/domain/jobs';
import { AppError } from '../../../shared/errors/codes';
import type { JobsTable } from '../../catalog';
import type { JobManager } from '../../jobs/manager';

/** The job history and its logs as clients read them; cancel and retry go to the manager. */
export class JobsService {
  constructor(
    private readonly table: JobsTable,
    private readonly manager: JobManager,
  ) {}

  list(opts: { states?: JobState[] | undefined; limit: number; cursor?: string | undefined }): { items: Job[]; nextCursor: string | null } {
    return this.table.list({ limit: opts.limit, ...(opts.states ? { states: opts.states } : {}), ...(opts.cursor ? { cursor: opts.cursor } : {}) });
  }

  get(id: string): Job {
    return this.manager.get(id);
  }

  log(id: string, afterSeq: number, limit: number): JobLogEntry[] {
    if (!this.table.get(id)) throw new AppError('resource.notFound', `No job with id ${id}.`);
    return this.table.listLog(id, afterSeq, limit);
  }

  cancel(id: string): Job {
    return this.manager.cancel(id);
  }

  retry(id: string): { jobId: string } {
    return { jobId: this.manager.retry(id).id };
  }

  running(): number {
    return this.table.countByState('running');
  }
}
