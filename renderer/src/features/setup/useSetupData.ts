import { useMemo } from 'react';
import { defineQuery } from '../../api/query';
import { useQuery } from '../../api/useQuery';
import { useJobsStore } from '../../stores/jobs.store';
import { factsOf, type HostRow } from './first-run';

/**
 * The hypervisors of every cloud, in one list (the setup tests them all). One query whatever the
 * clouds, so a cloud added keeps the list shown while it reloads.
 */
const allHosts = defineQuery('setup.hosts', async (call, _: Record<string, never>): Promise<HostRow[]> => {
  const { items } = await call('providers.list', {});
  const lists = await Promise.all(
    items.map(async ({ id: providerId }) => (await call('hypervisors.list', { providerId })).items.map((h) => ({ ...h, providerId }))),
  );
  return lists.flat().filter((h) => !h.vanishedAt);
});

/** What the setup's steps read: the catalog's clouds, hosts, destinations and policies, and the backup jobs queued. */
export function useSetupData() {
  const providers = useQuery('providers.list', {}, { tables: ['providers'] });
  const hosts = useQuery(allHosts, {}, { tables: ['hypervisors', 'providers'] });
  const destinations = useQuery('destinations.list', {}, { tables: ['destinations'] });
  const policies = useQuery('policies.list', {}, { tables: ['policies'] });
  const byId = useJobsStore((s) => s.byId);
  const jobsLoaded = useJobsStore((s) => s.loaded);
  const jobs = useMemo(() => Object.values(byId).sort((a, b) => b.createdAt.localeCompare(a.createdAt)), [byId]);

  const loaded = Boolean(providers.data && hosts.data && destinations.data && policies.data && jobsLoaded);
  const lists = {
    providers: providers.data?.items ?? [],
    hosts: hosts.data ?? [],
    destinations: destinations.data?.items ?? [],
    policies: policies.data?.items ?? [],
    jobs,
  };
  const error = providers.error ?? hosts.error ?? destinations.error ?? policies.error;
  return { ...lists, loaded, facts: factsOf(lists), error, reload: () => [providers, hosts, destinations, policies].forEach((q) => q.reload()) };
}

export type SetupData = ReturnType<typeof useSetupData>;
