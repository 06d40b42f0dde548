import { simulateRetention } from '../../services/policies/simulate';
import type { NamespaceHandlers, Services } from './types';

export const policyHandlers = ({ policies, scheduler }: Services): NamespaceHandlers<'policies' | 'scheduler'> => ({
  'policies.list': () => ({ items: policies.list() }),
  'policies.get': ({ id }) => policies.detail(id),
  'policies.create': ({ spec }) => policies.create(spec),
  'policies.update': ({ id, spec }) => policies.update(id, spec),
  'policies.remove': ({ id }) => (policies.remove(id), { removed: true as const }),
  'policies.preview': ({ spec, id }) => policies.preview(spec, id),
  'policies.simulate': ({ schedules, retention, days }) => simulateRetention(schedules, retention, new Date(), days),
  'policies.assign': ({ id, ...target }) => policies.assign(id, target),
  'policies.unassign': ({ id, instances }) => policies.unassign(id, instances),
  'policies.run': ({ id, backupType }) => policies.runByHand(id, backupType),
  'scheduler.status': () => scheduler.status(),
});
