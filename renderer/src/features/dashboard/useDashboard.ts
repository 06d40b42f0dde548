import { useEffect } from 'react';
import { subscribe } from '../../api/client';
import { useQuery } from '../../api/useQuery';

/** Job changes come in bursts (a schedule starting 200 backups): the figures follow at most this often. */
const JOBS_EVERY_MS = 5_000;
/** Ages grow and next runs come without any change in the catalog. */
const AGES_EVERY_MS = 60_000;

/** The dashboard's figures, reloaded when the catalog changes, after job changes (throttled) and every minute. */
export function useDashboard() {
  const q = useQuery('dashboard.get', {}, { tables: ['policies', 'backups', 'inventory', 'destinations'] });
  const { reload } = q;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe('catalog.changed', ({ tables }) => {
      if (tables.includes('jobs') && !timer) timer = setTimeout(() => ((timer = undefined), reload()), JOBS_EVERY_MS);
    });
    const tick = setInterval(reload, AGES_EVERY_MS);
    return () => {
      off();
      clearInterval(tick);
      clearTimeout(timer);
    };
    // reload is a new function each render; the query behind it is the same
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return q;
}
