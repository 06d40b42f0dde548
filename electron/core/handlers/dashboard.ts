import type { NamespaceHandlers, Services } from './types';

export const dashboardHandlers = ({ dashboard }: Services): NamespaceHandlers<'dashboard'> => ({
  'dashboard.get': () => dashboard.get(),
});
