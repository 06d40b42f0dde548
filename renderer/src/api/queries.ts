import { api } from './client';
import { createQueryClient } from './query';
import { onWindow, RESYNC_EVENT } from './transport';

/** One query client for the app: two screens reading the same request share one load and its cached data. */
export const queries = createQueryClient(api, { onResync: (fn) => onWindow([RESYNC_EVENT], fn) });
