import { useCallback, useSyncExternalStore } from 'react';
import type { AppError } from '../../../shared/errors/app-error';
import type { CatalogTable } from '../../../shared/domain/app';
import type { InputOf, OutputOf, RequestName } from '../../../shared/ipc/contract';
import { queries } from './queries';
import { idleQuery, type Query, type QueryDef } from './query';

export interface QueryResult<T> {
  data: T | undefined;
  error: AppError | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Reads a request (or a query declared with defineQuery) and reloads it when one of `tables`
 * changes. `input` null: nothing to load yet. Previous data stays shown while a reload runs.
 */
export function useQuery<N extends RequestName>(
  name: N,
  input: InputOf<N> | null,
  opts: { tables: readonly CatalogTable[] },
): QueryResult<OutputOf<N>>;
export function useQuery<I, T>(def: QueryDef<I, T>, input: I | null, opts: { tables: readonly CatalogTable[] }): QueryResult<T>;
export function useQuery(
  what: RequestName | QueryDef<unknown, unknown>,
  input: unknown,
  opts: { tables: readonly CatalogTable[] },
): QueryResult<unknown> {
  // The client hands back the same query for the same request and input, so this lookup is cheap and stable.
  const query: Query<unknown> =
    input === null
      ? idleQuery
      : typeof what === 'string'
        ? queries.request(what, input as InputOf<RequestName>, opts.tables)
        : queries.custom(what, input, opts.tables);
  const state = useSyncExternalStore(query.subscribe, query.getSnapshot);
  // Stable while the query is: columns and effects built on it are not rebuilt on every render.
  const reload = useCallback(() => void query.reload(), [query]);
  return { ...state, reload };
}
