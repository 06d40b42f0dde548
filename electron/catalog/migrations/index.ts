import { m0001 } from './0001_initial';
import type { Migration } from './types';

/** In order. Append only. */
export const migrations: readonly Migration[] = [m0001];
export type { Migration };
