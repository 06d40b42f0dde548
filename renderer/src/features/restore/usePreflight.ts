import { useMemo } from 'react';
import { useDebouncedValue } from '@mantine/hooks';
import type { PreflightField, PreflightItem } from '../../../../shared/domain/restore-preflight';
import type { InputOf } from '../../../../shared/ipc/contract';
import { useQuery } from '../../api/useQuery';

/** A restore's pre-flight, run again as the admin fills the form in, once the typing pauses. */
export function usePreflight<N extends 'restore.preflight' | 'restore.volumePreflight'>(name: N, params: InputOf<N>) {
  const key = JSON.stringify(params);
  const [debouncedKey] = useDebouncedValue(key, 400);
  const input = useMemo(() => JSON.parse(debouncedKey) as InputOf<N>, [debouncedKey]);
  const check = useQuery(name, input, { tables: ['inventory'] });
  const checking = check.loading || debouncedKey !== key;
  return { check, checking, notes: checking ? undefined : check.data?.items };
}

/** A field's blockers as its error (red, under it). */
export function blocks(items: PreflightItem[] | undefined, field: PreflightField): string | undefined {
  const mine = (items ?? []).filter((i) => i.field === field && i.severity === 'blocker');
  return mine.length ? mine.map((i) => i.message).join(' ') : undefined;
}
