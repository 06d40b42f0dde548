import { useMemo, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { CloseButton, Group, Pill } from '@mantine/core';
import type { InstanceRow } from '../../stores/inventory.store';

/**
 * ?protection=unprotected (the dashboard's "in no policy" figure): keeps the instances no policy
 * holds, with a pill that says so and clears it. Without it, every instance is kept.
 */
export function useNoPolicyFilter(): { keep: (i: InstanceRow) => boolean; pill: ReactNode } {
  const [params, setParams] = useSearchParams();
  const on = params.get('protection') === 'unprotected';
  const keep = useMemo(() => (on ? (i: InstanceRow) => i.policyName === null : () => true), [on]);
  const pill = on && (
    <Pill size="md" data-testid="no-policy-filter">
      <Group gap={4} wrap="nowrap">
        in no policy
        <CloseButton size="xs" aria-label="Show instances in policies too" onClick={() => setParams({}, { replace: true })} />
      </Group>
    </Pill>
  );
  return { keep, pill };
}
