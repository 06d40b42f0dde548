import type { MemberStatus } from '../../../../shared/domain/dashboard';
import type { JobState } from '../../../../shared/domain/jobs';

/**
 * Where each dashboard figure leads: the list behind it, filtered by search parameters.
 * Protection: a policy's page (or the policy list), `filter` = protected | unprotected | failing.
 */
export function protectionHref(policyId?: string, filter?: MemberStatus): string {
  const page = policyId ? `/protection/${encodeURIComponent(policyId)}` : '/protection';
  return filter ? `${page}?filter=${filter}` : page;
}

/** Instances that belong to no policy. */
export const NO_POLICY_HREF = '/inventory?protection=unprotected';

/** Jobs of the last 24 hours, in the given states (all when none). */
export function jobsHref(states: readonly JobState[] = []): string {
  return states.length ? `/jobs?state=${states.join(',')}&since=24h` : '/jobs?since=24h';
}

/** The restore points a destination holds. */
export const destinationHref = (destinationId: string): string => `/backups?destination=${encodeURIComponent(destinationId)}`;
