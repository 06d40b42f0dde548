import { useEffect, useState, type ReactNode } from 'react';
import { Navigate } from 'react-router';
import { useQuery } from '../../api/useQuery';
import { useAppStore } from '../../stores/app.store';
import { opensByItself } from './first-run';

// Decided once per window: after the first start has led to the setup, the Dashboard is the Dashboard.
let decided = false;

/** Whether this start is a first start (null while that is not known yet; false when it cannot be read). */
function useFirstStart(): boolean | null {
  const settings = useAppStore((s) => s.settings);
  const status = useAppStore((s) => s.status);
  const appError = useAppStore((s) => s.error);
  const destinations = useQuery('destinations.list', {}, { tables: ['destinations'] });
  const policies = useQuery('policies.list', {}, { tables: ['policies'] });
  if (appError || destinations.error || policies.error) return false;
  if (!settings || !status || !destinations.data || !policies.data) return null;
  return opensByItself(settings.firstRun, { clouds: status.providersCount, destinations: destinations.data.items.length, policies: policies.data.items.length });
}

/** Wraps the Dashboard: on a first start (empty catalog, setup not closed) it leads to /welcome instead. */
export function FirstRunGate({ children }: { children: ReactNode }) {
  const firstStart = useFirstStart();
  // Read once: a gate mounted after the decision passes at once.
  const [passed] = useState(decided);
  useEffect(() => {
    if (firstStart !== null) decided = true;
  }, [firstStart]);
  if (passed || firstStart === false) return children;
  return firstStart ? <Navigate to="/welcome" replace /> : null;
}
