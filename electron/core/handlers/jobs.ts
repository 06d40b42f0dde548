import type { NamespaceHandlers, Services } from './types';

export const jobHandlers = ({ jobs }: Services): NamespaceHandlers<'jobs'> => ({
  'jobs.list': (i) => jobs.list(i),
  'jobs.get': ({ id }) => jobs.get(id),
  'jobs.getLog': ({ id, afterSeq, limit }) => ({ items: jobs.log(id, afterSeq, limit) }),
  'jobs.cancel': ({ id }) => jobs.cancel(id),
  'jobs.retry': ({ id }) => jobs.retry(id),
});
