import { describe, expect, it } from 'vitest';
import { PolicyRules } from '../../../shared/domain/policies';
import type { MemberRow, RuleCandidate } from '../../catalog';
import { compileRules, evaluatePolicies, type RulePolicy } from './rules';

const inst = (id: string, name: string, extra: Partial<RuleCandidate> = {}): RuleCandidate => ({
  providerId: 'p1',
  id,
  name,
  projectId: 'proj-a',
  projectName: 'alpha',
  domainId: 'd1',
  availabilityZone: 'nova',
  tags: [],
  ...extra,
});
const rules = (r: Partial<PolicyRules>) => PolicyRules.parse(r);
const domains = new Map([['p1/d1', 'Default']]);
const pick = (cs: RuleCandidate[], r: Partial<PolicyRules>) => cs.filter(compileRules(rules(r), domains)).map((c) => c.name);

describe('policy rules', () => {
  const fleet = [
    inst('1', 'web-1', { tags: ['prod', 'web'] }),
    inst('2', 'web-2', { tags: ['web'], availabilityZone: 'az2' }),
    inst('3', 'db-1', { tags: ['prod', 'db'], projectId: 'proj-b', projectName: 'beta', domainId: 'd2' }),
    inst('4', 'web-test', { tags: ['test'] }),
  ];

  it('select by name patterns, minus the excluded ones', () => {
    expect(pick(fleet, { includeNames: ['^web-'], excludeNames: ['test$'] })).toEqual(['web-1', 'web-2']);
  });

  it('select by tags, any or all', () => {
    expect(pick(fleet, { tags: ['prod', 'web'] })).toEqual(['web-1', 'web-2', 'db-1']);
    expect(pick(fleet, { tags: ['prod', 'web'], tagMatch: 'all' })).toEqual(['web-1']);
  });

  it('narrow by project (id or name), domain (id or name) and zone', () => {
    expect(pick(fleet, { projects: ['beta'] })).toEqual(['db-1']);
    expect(pick(fleet, { projects: ['proj-a'], availabilityZones: ['az2'] })).toEqual(['web-2']);
    expect(pick(fleet, { domains: ['Default'] })).toEqual(['web-1', 'web-2', 'web-test']);
    expect(pick(fleet, { domains: ['d2'], tags: ['web'] })).toEqual([]);
  });

  it('select nothing when no selecting rule is given (never a whole cloud by accident)', () => {
    expect(pick(fleet, { excludeNames: ['x'] })).toEqual([]);
  });

  it('refuse a bad regular expression at its field', () => {
    const r = PolicyRules.safeParse({ includeNames: ['web-(['] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['includeNames', 0]);
    expect(r.error?.issues[0]?.message).toMatch(/Not a valid regular expression/);
  });

  it('give an unheld instance to the first policy by priority and show the other as a conflict', () => {
    const gold: RulePolicy = { id: 'g', name: 'gold', priority: 10, rules: rules({ tags: ['prod'] }), autoAssign: 'assign' };
    const web: RulePolicy = { id: 'w', name: 'web', priority: 50, rules: rules({ includeNames: ['^web'] }), autoAssign: 'assign-remove' };
    const members: MemberRow[] = [
      { providerId: 'p1', instanceId: '2', policyId: 'g', source: 'manual' }, // web-2 held by gold by hand
      { providerId: 'p1', instanceId: '3', policyId: 'w', source: 'rule' }, // db-1 no longer matches web
    ];
    const e = evaluatePolicies([web, gold], fleet, members, { domains, policies: new Map([['g', 'gold'], ['w', 'web']]) });
    const names = (xs: { name: string }[]) => xs.map((x) => x.name);
    expect(names(e.get('g')!.matches)).toEqual(['web-1']); // db-1 matches gold, but web holds it
    expect(e.get('g')!.conflicts).toEqual([expect.objectContaining({ name: 'db-1', policyName: 'web' })]);
    expect(names(e.get('w')!.matches)).toEqual(['web-test']);
    expect(e.get('w')!.conflicts.map((c) => [c.name, c.policyName])).toEqual([
      ['web-1', 'gold'],
      ['web-2', 'gold'],
    ]);
    expect(names(e.get('w')!.leaving)).toEqual(['db-1']);
  });
});
