import type { NamespaceHandlers, Services } from './types';

export const dashboardHandlers = ({ dashboard }: Services): NamespaceHandlers<'dashboard'> => ({
  'dashboard.get': () => dashboard.get(),
  'dashboard.memberStatus': ({ policyId }) => ({ items: dashboard.memberStatus(policyId ?? null) }),
});
